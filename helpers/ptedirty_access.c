// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes that reach tracked memory without going through a user pte.
 *
 * A debugger writes to another process's mapping of device memory through
 * the vma's vm_ops->access (ptrace, /proc/pid/mem, which use
 * access_remote_vm()): the driver copies the bytes through a kernel
 * mapping, so no pte becomes dirty and no pfn_mkwrite runs, and neither
 * kind of scan can see the write. The driver records it instead, under
 * the same external lock as the walks, so that the next scan reports it.
 */

#include <linux/ptedirty.h>
#include <linux/bitmap.h>
#include <linux/export.h>
#include <linux/overflow.h>

#include "ptedirty_internal.h"

/**
 * ptedirty_record_write - record pages written behind the ptes' back
 * @rec: the record the caller's cleans fill; its bitmap must cover the range
 * @first_index: first page offset written, in the mapping's page offsets
 *	(those of @rec->pgoff)
 * @nr: number of page offsets written
 * @ctx: the caller's context; its external lock must be held
 *
 * Sets the bit of each page offset in the range and widens @rec's
 * [start, end) to cover them, as a clean that found their ptes dirty
 * would. For writes the page tables never see: a driver's
 * &vm_operations_struct.access, which debuggers write through, or any
 * other copy to the memory through a kernel mapping. Call it with the
 * external lock held from before the copy until after this returns, so
 * that no scan runs between the write and its record.
 *
 * Return: the number of bits newly set (0 when every page was recorded
 * already); -EINVAL, with nothing changed, for a NULL record or bitmap,
 * an empty or overflowing range or a record that does not cover it;
 * -ENOLCK, with a warning the first time, and nothing changed, when the
 * calling task does not hold the external lock.
 */
long ptedirty_record_write(struct ptedirty_record *rec, pgoff_t first_index,
			   pgoff_t nr, struct ptedirty_ctx *ctx)
{
	pgoff_t first, end, last, i;
	long added = 0;
	int ret;

	if (!rec || !rec->bitmap || !nr ||
	    check_add_overflow(first_index, nr - 1, &last) ||
	    first_index < rec->pgoff || last - rec->pgoff >= rec->bits)
		return -EINVAL;
	ret = ptedirty_check_contract(ctx, NULL);
	if (ret)
		return ret;

	first = first_index - rec->pgoff;
	end = first + nr;
	for (i = first; i < end; i++)
		added += !__test_and_set_bit(i, rec->bitmap);
	ptedirty_record_widen(rec, first, end);
	return added;
}
EXPORT_SYMBOL_GPL(ptedirty_record_write);
