/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _VCOH_DRV_H_
#define _VCOH_DRV_H_

#include <linux/ptedirty.h>

#include <drm/drm_device.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>

struct drm_file;
struct drm_mode_create_dumb;
struct platform_device;

/**
 * struct vcoh_stats - counters of an object or of the whole device
 * @submits: submit and dirty calls that took the object
 * @scans: scans of the tracking state
 * @pages_scanned: pages those scans covered
 * @pages_dirty: pages the scans found written
 * @pages_copied: pages copied to device memory
 * @tlb_flushes_queued: scans that left a TLB flush to do
 * @tlb_flushes_issued: TLB flushes issued by the calls that scanned
 * @mkwrite_faults: first writes recorded by pfn_mkwrite
 * @mode_switches: switches of an AUTO object between its two modes
 * @device_writes: device writes
 *
 * The uapi struct drm_vcoh_stats says what each counts.
 */
struct vcoh_stats {
	u64 submits;
	u64 scans;
	u64 pages_scanned;
	u64 pages_dirty;
	u64 pages_copied;
	u64 tlb_flushes_queued;
	u64 tlb_flushes_issued;
	u64 mkwrite_faults;
	u64 mode_switches;
	u64 device_writes;
};

/**
 * struct vcoh_device - the virtual device
 * @drm: DRM device, embedded
 * @pdev: platform device the DRM device hangs off
 * @flush_queue: TLB flushes of every scan of the device's objects
 * @stats_lock: protects @stats
 * @stats: sums of the objects' counters, kept after they are freed
 * @bos_lock: protects @bos
 * @bos: every live object, for debugfs
 */
struct vcoh_device {
	struct drm_device drm;
	struct platform_device *pdev;
	struct ptedirty_flush_queue flush_queue;
	spinlock_t stats_lock;	/* protects stats */
	struct vcoh_stats stats;
	struct mutex bos_lock;	/* protects bos */
	struct list_head bos;
};

static inline struct vcoh_device *to_vcoh_device(struct drm_device *drm)
{
	return container_of(drm, struct vcoh_device, drm);
}

struct vcoh_backend_ops;

/**
 * struct vcoh_bo - a buffer object
 * @base: GEM object, embedded
 * @pages: the memory the CPU maps, one zeroed page per entry
 * @device_pages: the device's copy, as many pages
 * @num_pages: number of entries in @pages and @device_pages
 * @track: the VCOH_BO_TRACK_* mode user space chose
 * @mode: the mode in use: @track, or for AUTO, PAGETABLE or MKWRITE
 * @backend: the code that cleans and write-protects its ptes
 * @switch_scans: consecutive scans that argued for AUTO's other mode
 * @dirty: the pages written since the last copy to the device: a bit per
 *	page, for the page offsets of the object's fake mmap offset
 * @dirty_ctx: the dirty helpers' context, with the object's dma_resv lock
 * @stats: the object's counters
 * @link: entry in the device's list of objects
 *
 * @pages stand for the memory the CPU and the device share, as a
 * vmwgfx buffer's guest memory; @device_pages for the device's own copy,
 * as the host's. User space maps @pages VM_IO | VM_PFNMAP and the fault
 * handler inserts the pfns. The dma_resv lock protects everything but
 * @pages' contents (the CPU writes those at will), @link and the fields
 * set at creation.
 */
struct vcoh_bo {
	struct drm_gem_object base;
	struct page **pages;
	struct page **device_pages;
	pgoff_t num_pages;
	u32 track;
	u32 mode;
	const struct vcoh_backend_ops *backend;
	unsigned int switch_scans;
	struct ptedirty_record dirty;
	struct ptedirty_ctx dirty_ctx;
	struct vcoh_stats stats;
	struct list_head link;
};

static inline struct vcoh_bo *to_vcoh_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct vcoh_bo, base);
}

/* The mapping user space maps the object through, and its first page. */
static inline struct address_space *vcoh_bo_mapping(struct vcoh_bo *bo)
{
	return bo->base.dev->anon_inode->i_mapping;
}

static inline pgoff_t vcoh_bo_index(struct vcoh_bo *bo)
{
	return drm_vma_node_start(&bo->base.vma_node);
}

/* vcoh_bo.c */
bool vcoh_bo_size_valid(u64 size);
bool vcoh_bo_range_valid(u64 bo_size, u64 offset, u64 len);
int vcoh_dumb_layout(u32 width, u32 height, u32 bpp, u32 *pitch, u64 *size);
int vcoh_bo_read(struct drm_file *file, u32 handle, u64 offset, u64 size,
		 u64 data_ptr, bool device);
int vcoh_bo_create_ioctl(struct drm_device *dev, void *data,
			 struct drm_file *file);
int vcoh_dumb_create(struct drm_file *file, struct drm_device *dev,
		     struct drm_mode_create_dumb *args);
int vcoh_bo_mmap_offset_ioctl(struct drm_device *dev, void *data,
			      struct drm_file *file);
int vcoh_bo_read_ioctl(struct drm_device *dev, void *data,
		       struct drm_file *file);

/* vcoh_backend.c, and with CONFIG_DRM_VCOH_BENCH vcoh_backend_*.c */

/**
 * struct vcoh_backend_ops - the code that cleans and protects the ptes
 * @name: the value of the backend parameter that picks it
 * @clean: for PAGETABLE mode: clean the object's ptes and record the dirty
 *	ones in bo->dirty. Return: ptes cleaned. NULL if the backend cannot
 *	read dirty bits: its objects then track in MKWRITE mode.
 * @protect: write-protect @nr pages from @first, counted from the object's
 *	start, and record those whose ptes are dirty in bo->dirty, unless the
 *	object is in MKWRITE mode, whose pfn_mkwrite recorded every write.
 *	Return: ptes changed.
 * @leave_mkwrite: optional, as an AUTO object leaves MKWRITE mode right
 *	after its scan: leave no pte dirty that the PAGETABLE scans would take
 *	for a new write. Return: 0 on success.
 *
 * Each is called with the object's dma_resv lock held; each returns a
 * negative error code if it fails.
 */
struct vcoh_backend_ops {
	const char *name;
	long (*clean)(struct vcoh_bo *bo);
	long (*protect)(struct vcoh_bo *bo, pgoff_t first, pgoff_t nr);
	long (*leave_mkwrite)(struct vcoh_bo *bo);
};

const struct vcoh_backend_ops *vcoh_backend_current(void);
#if IS_ENABLED(CONFIG_DRM_VCOH_BENCH)
extern const struct vcoh_backend_ops vcoh_backend_upstream;
extern const struct vcoh_backend_ops vcoh_backend_zap;
#endif

/* vcoh_dirty.c */
u32 vcoh_dirty_initial_mode(u32 track, const struct vcoh_backend_ops *backend,
			    pgoff_t num_pages);
pgprot_t vcoh_dirty_fault_prot(struct vcoh_bo *bo, struct vm_area_struct *vma);
vm_fault_t vcoh_dirty_pfn_mkwrite(struct vm_fault *vmf);
void vcoh_dirty_vm_close(struct vm_area_struct *vma);
long vcoh_dirty_scan(struct vcoh_bo *bo, struct vcoh_stats *delta);
long vcoh_dirty_protect(struct vcoh_bo *bo, pgoff_t first, pgoff_t nr);
int vcoh_dirty_flush(struct vcoh_device *vdev, s64 gen);
void vcoh_dirty_give_back(struct vcoh_bo *bo, const unsigned long *pages);

/* vcoh_devmem.c */
pgoff_t vcoh_devmem_copy_dirty(struct vcoh_bo *bo, unsigned long *report);
int vcoh_device_write_ioctl(struct drm_device *dev, void *data,
			    struct drm_file *file);
int vcoh_device_read_ioctl(struct drm_device *dev, void *data,
			   struct drm_file *file);

/* vcoh_access.c */
int vcoh_bo_access(struct vm_area_struct *vma, unsigned long addr, void *buf,
		   int len, int write);

/* vcoh_sync.c */

/**
 * struct vcoh_sync - objects to make coherent in one call
 * @objs: the objects, referenced
 * @seen: the objects looked up so far, hashed: finds a repeated one
 * @reports: NULL, or per object a bitmap that receives the pages copied
 * @count: number of entries in @objs (and @reports)
 * @pages_scanned: out: pages the scans covered
 * @pages_copied: out: pages copied to device memory
 * @tlb_flushes: out: TLB flushes issued
 * @ptes_changed: out: ptes the scans cleaned or write-protected
 */
struct vcoh_sync {
	struct drm_gem_object **objs;
	struct drm_gem_object **seen;
	unsigned long **reports;
	u32 count;
	u64 pages_scanned;
	u64 pages_copied;
	u64 tlb_flushes;
	u64 ptes_changed;
};

int vcoh_sync_lookup(struct drm_file *file, struct vcoh_sync *sync, u32 i,
		     u32 handle);
int vcoh_sync(struct vcoh_device *vdev, struct vcoh_sync *sync);
void vcoh_sync_put(struct vcoh_sync *sync);

/* vcoh_submit.c */
int vcoh_submit_ioctl(struct drm_device *dev, void *data,
		      struct drm_file *file);
int vcoh_bo_dirty_ioctl(struct drm_device *dev, void *data,
			struct drm_file *file);

/* vcoh_stats.c */
void vcoh_stats_add(struct vcoh_stats *dst, const struct vcoh_stats *src);
void vcoh_stats_add_device(struct vcoh_device *vdev,
			   const struct vcoh_stats *delta);
void vcoh_stats_read_device(struct vcoh_device *vdev, struct vcoh_stats *out);
int vcoh_stats_ioctl(struct drm_device *dev, void *data,
		     struct drm_file *file);

/* vcoh_debugfs.c */
void vcoh_debugfs_init(struct drm_minor *minor);

/* vcoh_secondary_mmu.c */
#if IS_ENABLED(CONFIG_DRM_VCOH_SECONDARY_MMU_TEST)
void vcoh_secondary_mmu_debugfs(struct dentry *root);
#else
static inline void vcoh_secondary_mmu_debugfs(struct dentry *root) {}
#endif

#endif /* _VCOH_DRV_H_ */
