// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh debugger access: ptrace() and /proc/pid/mem reach another process's
 * mapping of an object through vm_ops->access, since get_user_pages()
 * refuses VM_PFNMAP mappings. As ttm_bo_vm_access() does, the bytes are
 * copied through the kernel's mapping of the pages under the object's
 * dma_resv lock; the caller holds the mmap_lock of the traced process,
 * the order the fault handler takes the two in. Such a write dirties no
 * user pte and runs no pfn_mkwrite, so it is recorded here, under the
 * same lock, for the next submit to copy to the device.
 */

#include <linux/dma-resv.h>
#include <linux/highmem.h>
#include <linux/mm.h>

#include "vcoh_drv.h"

/**
 * vcoh_bo_access - &vm_operations_struct.access of a vcoh object
 * @vma: a mapping of the object
 * @addr: first user address to access, inside @vma
 * @buf: kernel buffer to copy from or to
 * @len: number of bytes asked for
 * @write: copy @buf to the object instead of from it
 *
 * Accesses at most up to the end of @vma; the caller comes back for the
 * rest. A write needs a writable mapping, as a write through the ptes
 * does: a debugger's FOLL_FORCE makes no exception for shared mappings.
 *
 * Return: the number of bytes copied; -EIO for an address outside the
 * object, -EACCES for a write to a read-only mapping, -EINTR, or an error
 * from ptedirty_record_write(); nothing is copied on an error.
 */
int vcoh_bo_access(struct vm_area_struct *vma, unsigned long addr, void *buf,
		   int len, int write)
{
	struct vcoh_bo *bo = to_vcoh_bo(vma->vm_private_data);
	u64 offset = ((u64)(vma->vm_pgoff - vcoh_bo_index(bo)) << PAGE_SHIFT) +
		     (addr - vma->vm_start);
	int done, ret;

	if (len <= 0 || addr < vma->vm_start || addr >= vma->vm_end ||
	    offset >= bo->base.size)
		return -EIO;
	if (write && !(vma->vm_flags & VM_WRITE))
		return -EACCES;
	len = min_t(u64, len, min_t(u64, bo->base.size - offset,
				    vma->vm_end - addr));

	ret = dma_resv_lock_interruptible(bo->base.resv, NULL);
	if (ret)
		return ret;
	if (write) {
		pgoff_t first = offset >> PAGE_SHIFT;
		pgoff_t end = (offset + len - 1) / PAGE_SIZE + 1;
		long recorded = ptedirty_record_write(&bo->dirty,
						      bo->dirty.pgoff + first,
						      end - first,
						      &bo->dirty_ctx);

		if (recorded < 0) {
			dma_resv_unlock(bo->base.resv);
			return recorded;
		}
	}
	for (done = 0; done < len; ) {
		u64 at = offset + done;
		struct page *page = bo->pages[at >> PAGE_SHIFT];
		unsigned int in_page = offset_in_page(at);
		unsigned int chunk = min_t(u64, len - done, PAGE_SIZE - in_page);

		if (write)
			memcpy_to_page(page, in_page, buf + done, chunk);
		else
			memcpy_from_page(buf + done, page, in_page, chunk);
		done += chunk;
	}
	dma_resv_unlock(bo->base.resv);
	return done;
}
