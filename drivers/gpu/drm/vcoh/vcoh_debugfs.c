// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh debugfs: contract_check, a self-test of the dirty helpers' lock
 * contract. Writing the mmap offset of a tracked object makes the driver
 * scan it without holding its dma_resv lock, breaking the contract on
 * purpose. The helpers must refuse with -ENOLCK, which the write returns,
 * and change no pte; the IGT tests check both.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>
#include <drm/vcoh_drm.h>

#include "vcoh_drv.h"

static struct drm_gem_object *vcoh_lookup_offset(struct drm_device *dev,
						 u64 offset)
{
	struct drm_vma_offset_manager *mgr = dev->vma_offset_manager;
	struct drm_gem_object *obj = NULL;
	struct drm_vma_offset_node *node;

	drm_vma_offset_lock_lookup(mgr);
	node = drm_vma_offset_exact_lookup_locked(mgr, offset >> PAGE_SHIFT, 1);
	if (node) {
		obj = container_of(node, struct drm_gem_object, vma_node);
		if (!kref_get_unless_zero(&obj->refcount))
			obj = NULL;
	}
	drm_vma_offset_unlock_lookup(mgr);
	return obj;
}

static ssize_t vcoh_contract_check_write(struct file *file,
					 const char __user *ubuf, size_t len,
					 loff_t *ppos)
{
	struct drm_device *dev = file->private_data;
	struct drm_gem_object *obj;
	u64 offset;
	long ret;

	ret = kstrtou64_from_user(ubuf, len, 0, &offset);
	if (ret)
		return ret;
	obj = vcoh_lookup_offset(dev, offset);
	if (!obj)
		return -ENOENT;

	if (to_vcoh_bo(obj)->track == VCOH_BO_TRACK_NONE)
		ret = -EINVAL;
	else
		ret = vcoh_dirty_scan(to_vcoh_bo(obj));	/* no lock: on purpose */
	drm_gem_object_put(obj);
	return ret < 0 ? ret : len;
}

static const struct file_operations vcoh_contract_check_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vcoh_contract_check_write,
	.llseek = noop_llseek,
};

void vcoh_debugfs_init(struct drm_minor *minor)
{
	debugfs_create_file("contract_check", 0200, minor->debugfs_root,
			    minor->dev, &vcoh_contract_check_fops);
}
