// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in secondary MMU, for tests: writing to debugfs secondary_mmu
 * attaches an mmu notifier that does nothing to the writer's mm, the way
 * KVM or a device bound with SVA attach theirs. The dirty-tracking
 * helpers then treat that mm as one whose writes may bypass the ptes'
 * dirty bits, and the tests can check what they do about it. The
 * notifier goes away with the mm.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mmap_lock.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "vcoh_drv.h"

static struct mmu_notifier *vcoh_mn_alloc(struct mm_struct *mm)
{
	struct mmu_notifier *mn = kzalloc(sizeof(*mn), GFP_KERNEL);

	if (!mn)
		return ERR_PTR(-ENOMEM);
	/* The ops live in this module until the notifier is freed. */
	__module_get(THIS_MODULE);
	return mn;
}

static void vcoh_mn_free(struct mmu_notifier *mn)
{
	kfree(mn);
	module_put(THIS_MODULE);
}

static void vcoh_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	mmu_notifier_put(mn);
}

static const struct mmu_notifier_ops vcoh_mn_ops = {
	.release = vcoh_mn_release,
	.alloc_notifier = vcoh_mn_alloc,
	.free_notifier = vcoh_mn_free,
};

/* Once per mm: -EEXIST when the mm has a notifier already. */
static ssize_t vcoh_secondary_mmu_write(struct file *file,
					const char __user *ubuf, size_t len,
					loff_t *ppos)
{
	struct mm_struct *mm = current->mm;
	struct mmu_notifier *mn;
	int ret = 0;

	if (!mm)
		return -EINVAL;
	mmap_write_lock(mm);
	if (mm_has_notifiers(mm)) {
		ret = -EEXIST;
	} else {
		mn = mmu_notifier_get_locked(&vcoh_mn_ops, mm);
		if (IS_ERR(mn))
			ret = PTR_ERR(mn);
	}
	mmap_write_unlock(mm);
	return ret ? ret : len;
}

static const struct file_operations vcoh_secondary_mmu_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vcoh_secondary_mmu_write,
	.llseek = noop_llseek,
};

void vcoh_secondary_mmu_debugfs(struct dentry *root)
{
	debugfs_create_file("secondary_mmu", 0200, root, NULL,
			    &vcoh_secondary_mmu_fops);
}
