// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh debugfs:
 * stats: the device's counters, as DRM_IOCTL_VCOH_STATS returns them.
 * bos: a line of counters per live object.
 * contract_check, with CONFIG_DRM_VCOH_CONTRACT_TEST only: a self-test of
 * the dirty helpers' lock contract. Writing the mmap offset of a tracked
 * object makes the driver scan it without holding its dma_resv lock,
 * breaking the contract on purpose. The helpers must refuse with -ENOLCK,
 * which the write returns, change no pte and warn once for the object;
 * IGT's vcoh_contract checks all three.
 * secondary_mmu: a stand-in secondary MMU for tests, see
 * vcoh_secondary_mmu.c.
 * scan_timing: for the benchmark. Writing "<mmap offset> scan" times the
 * object's scan, in its mode and with its backend, and the TLB flush it
 * needs; "<mmap offset> walk" times a read-only walk of its ptes, the
 * floor a scan is measured against. Reading the file gives
 * "pages N changed N ns N" for the last write through the same open file.
 * A scan records what it finds as a submit's would: nothing is lost.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/dma-resv.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

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

/* What one open file of scan_timing last measured. */
struct vcoh_scan_timing {
	struct drm_device *dev;
	/* serializes writers of @result */
	struct mutex lock;
	char result[80];
};

static int vcoh_scan_timing_open(struct inode *inode, struct file *file)
{
	struct vcoh_scan_timing *st = kzalloc(sizeof(*st), GFP_KERNEL);

	if (!st)
		return -ENOMEM;
	st->dev = inode->i_private;
	mutex_init(&st->lock);
	file->private_data = st;
	return 0;
}

static int vcoh_scan_timing_release(struct inode *inode, struct file *file)
{
	struct vcoh_scan_timing *st = file->private_data;

	mutex_destroy(&st->lock);
	kfree(st);
	return 0;
}

/* Scan or walk @bo under its lock; *@ns: how long that took. */
static long vcoh_scan_timing_run(struct vcoh_bo *bo, bool walk, u64 *ns)
{
	struct vcoh_device *vdev = to_vcoh_device(bo->base.dev);
	struct vcoh_stats delta = {};
	long ret;
	int flushes;
	u64 t0;

	ret = dma_resv_lock_interruptible(bo->base.resv, NULL);
	if (ret)
		return ret;
	t0 = ktime_get_ns();
	if (walk) {
		ret = ptedirty_count_mapped(vcoh_bo_mapping(bo),
					    vcoh_bo_index(bo), bo->num_pages,
					    &bo->dirty_ctx);
	} else {
		ret = vcoh_dirty_scan(bo, &delta);
		/* A scan that queued nothing needs no flush. */
		flushes = ret < 0 || !delta.tlb_flushes_queued ? 0 :
			  vcoh_dirty_flush(vdev, bo->dirty_ctx.gen);
		if (flushes < 0)
			ret = flushes;
		else
			delta.tlb_flushes_issued = flushes;
	}
	*ns = ktime_get_ns() - t0;
	vcoh_stats_add(&bo->stats, &delta);
	dma_resv_unlock(bo->base.resv);
	vcoh_stats_add_device(vdev, &delta);
	return ret;
}

static ssize_t vcoh_scan_timing_write(struct file *file,
				      const char __user *ubuf, size_t len,
				      loff_t *ppos)
{
	struct vcoh_scan_timing *st = file->private_data;
	struct drm_gem_object *obj;
	char buf[64], num[24], op[8];
	u64 offset, ns = 0;
	bool walk;
	long ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	/* The offset as the bos file prints it (hex) or in decimal. */
	if (sscanf(buf, "%23s %7s", num, op) != 2 ||
	    kstrtou64(num, 0, &offset))
		return -EINVAL;
	walk = !strcmp(op, "walk");
	if (!walk && strcmp(op, "scan"))
		return -EINVAL;

	obj = vcoh_lookup_offset(st->dev, offset);
	if (!obj)
		return -ENOENT;
	mutex_lock(&st->lock);
	ret = vcoh_scan_timing_run(to_vcoh_bo(obj), walk, &ns);
	if (ret >= 0)
		snprintf(st->result, sizeof(st->result),
			 "pages %lu changed %ld ns %llu\n",
			 to_vcoh_bo(obj)->num_pages, ret, ns);
	mutex_unlock(&st->lock);
	drm_gem_object_put(obj);
	return ret < 0 ? ret : len;
}

static ssize_t vcoh_scan_timing_read(struct file *file, char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	struct vcoh_scan_timing *st = file->private_data;
	ssize_t ret;

	mutex_lock(&st->lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, st->result,
				      strlen(st->result));
	mutex_unlock(&st->lock);
	return ret;
}

static const struct file_operations vcoh_scan_timing_fops = {
	.owner = THIS_MODULE,
	.open = vcoh_scan_timing_open,
	.release = vcoh_scan_timing_release,
	.read = vcoh_scan_timing_read,
	.write = vcoh_scan_timing_write,
	.llseek = default_llseek,
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

/* The flush queue's own counters, for the benchmark's cost per range. */
static int vcoh_flush_queue_show(struct seq_file *m, void *unused)
{
	struct vcoh_device *vdev = m->private;
	struct ptedirty_flush_stats st;

	ptedirty_flush_queue_stats(&vdev->flush_queue, &st);
	seq_printf(m, "queued %llu merged %llu range_flushes %llu mm_flushes %llu batch_flushes %llu batched_mms %llu pages_flushed %llu dead_mm_skips %llu alloc_failures %llu entries %llu entry_size %llu\n",
		   st.queued, st.merged, st.range_flushes, st.mm_flushes,
		   st.batch_flushes, st.batched_mms, st.pages_flushed,
		   st.dead_mm_skips, st.alloc_failures, st.entries,
		   st.entry_size);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vcoh_flush_queue);

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
		seq_printf(m, "offset 0x%llx pages %lu track %s mode %s backend %s ",
			   drm_vma_node_offset_addr(&bo->base.vma_node),
			   bo->num_pages, vcoh_mode_names[bo->track],
			   vcoh_mode_names[bo->mode],
			   bo->backend->name);
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
	debugfs_create_file("flush_queue", 0444, minor->debugfs_root, vdev,
			    &vcoh_flush_queue_fops);
	/* 0 flushes mm by mm, as the benchmark compares. */
	debugfs_create_u32("flush_batch_min_mms", 0600, minor->debugfs_root,
			   &vdev->flush_queue.batch_min_mms);
	if (IS_ENABLED(CONFIG_DRM_VCOH_CONTRACT_TEST))
		debugfs_create_file("contract_check", 0200, minor->debugfs_root,
				    minor->dev, &vcoh_contract_check_fops);
	debugfs_create_file("scan_timing", 0600, minor->debugfs_root,
			    minor->dev, &vcoh_scan_timing_fops);
	vcoh_secondary_mmu_debugfs(minor->debugfs_root);
}
