// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh debugfs:
 * stats: the device's counters, as DRM_IOCTL_VCOH_STATS returns them.
 * bos: a line of counters per live object.
 * contract_check: a self-test of the dirty helpers' lock contract.
 * Writing the mmap offset of a tracked object makes the driver scan it
 * without holding its dma_resv lock, breaking the contract on purpose.
 * The helpers must refuse with -ENOLCK, which the write returns, and
 * change no pte; the IGT tests check both.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/dma-resv.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>

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

	if (to_vcoh_bo(obj)->track == VCOH_BO_TRACK_NONE) {
		ret = -EINVAL;
	} else {
		struct vcoh_stats delta = {};

		/* no lock: on purpose */
		ret = vcoh_dirty_scan(to_vcoh_bo(obj), &delta);
	}
	drm_gem_object_put(obj);
	return ret < 0 ? ret : len;
}

static const struct file_operations vcoh_contract_check_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vcoh_contract_check_write,
	.llseek = noop_llseek,
};

static const char * const vcoh_mode_names[] = {
	[VCOH_BO_TRACK_NONE] = "none",
	[VCOH_BO_TRACK_PAGETABLE] = "pagetable",
	[VCOH_BO_TRACK_MKWRITE] = "mkwrite",
	[VCOH_BO_TRACK_AUTO] = "auto",
};

static void vcoh_stats_show(struct seq_file *m, const struct vcoh_stats *s)
{
	seq_printf(m, "submits %llu scans %llu pages_scanned %llu pages_dirty %llu pages_copied %llu tlb_flushes_queued %llu tlb_flushes_issued %llu mkwrite_faults %llu mode_switches %llu device_writes %llu\n",
		   s->submits, s->scans, s->pages_scanned, s->pages_dirty,
		   s->pages_copied, s->tlb_flushes_queued,
		   s->tlb_flushes_issued, s->mkwrite_faults, s->mode_switches,
		   s->device_writes);
}

static int vcoh_device_stats_show(struct seq_file *m, void *unused)
{
	struct vcoh_stats stats;

	vcoh_stats_read_device(m->private, &stats);
	vcoh_stats_show(m, &stats);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vcoh_device_stats);

static int vcoh_bos_show(struct seq_file *m, void *unused)
{
	struct vcoh_device *vdev = m->private;
	struct vcoh_bo *bo;
	int ret = 0;

	mutex_lock(&vdev->bos_lock);
	list_for_each_entry(bo, &vdev->bos, link) {
		ret = dma_resv_lock_interruptible(bo->base.resv, NULL);
		if (ret)
			break;
		seq_printf(m, "offset 0x%llx pages %lu track %s mode %s ",
			   drm_vma_node_offset_addr(&bo->base.vma_node),
			   bo->num_pages, vcoh_mode_names[bo->track],
			   vcoh_mode_names[bo->mode]);
		vcoh_stats_show(m, &bo->stats);
		dma_resv_unlock(bo->base.resv);
	}
	mutex_unlock(&vdev->bos_lock);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(vcoh_bos);

void vcoh_debugfs_init(struct drm_minor *minor)
{
	struct vcoh_device *vdev = to_vcoh_device(minor->dev);

	debugfs_create_file("stats", 0444, minor->debugfs_root, vdev,
			    &vcoh_device_stats_fops);
	debugfs_create_file("bos", 0444, minor->debugfs_root, vdev,
			    &vcoh_bos_fops);
	debugfs_create_file("contract_check", 0200, minor->debugfs_root,
			    minor->dev, &vcoh_contract_check_fops);
}
