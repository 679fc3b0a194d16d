/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel interfaces vcoh uses that differ between the supported
 * kernels (6.1 and 6.12).
 */
#ifndef _VCOH_COMPAT_H_
#define _VCOH_COMPAT_H_

#include <linux/mm.h>
#include <linux/version.h>

#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
/* vm_flags became read-only behind setters in 6.3. */
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

#endif /* _VCOH_COMPAT_H_ */
