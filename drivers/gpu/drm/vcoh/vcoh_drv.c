// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh: a virtual DRM driver for devices with coherent memory.
 *
 * The device is a platform device with a card and a render node. Its
 * buffer objects live in vcoh_bo.c, their dirty tracking in vcoh_dirty.c,
 * the device's copy of them in vcoh_devmem.c, and the ioctls that make
 * the two coherent in vcoh_submit.c and vcoh_sync.c.
 */

#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/platform_device.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/vcoh_drm.h>

#include "vcoh_drv.h"

#define DRIVER_NAME	"vcoh"
#define DRIVER_DESC	"Virtual coherent-memory device"
#define DRIVER_DATE	"20261121"
#define DRIVER_MAJOR	0
#define DRIVER_MINOR	1

static struct vcoh_device *vcoh_device;

static const struct drm_ioctl_desc vcoh_ioctls[] = {
	DRM_IOCTL_DEF_DRV(VCOH_BO_CREATE, vcoh_bo_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VCOH_BO_MMAP_OFFSET, vcoh_bo_mmap_offset_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VCOH_BO_READ, vcoh_bo_read_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VCOH_BO_DIRTY, vcoh_bo_dirty_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VCOH_SUBMIT, vcoh_submit_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VCOH_DEVICE_WRITE, vcoh_device_write_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VCOH_DEVICE_READ, vcoh_device_read_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VCOH_STATS, vcoh_stats_ioctl, DRM_RENDER_ALLOW),
};

DEFINE_DRM_GEM_FOPS(vcoh_fops);

static const struct drm_driver vcoh_driver = {
	.driver_features	= DRIVER_GEM | DRIVER_RENDER,
	.ioctls			= vcoh_ioctls,
	.num_ioctls		= ARRAY_SIZE(vcoh_ioctls),
	.fops			= &vcoh_fops,
	.dumb_create		= vcoh_dumb_create,
#ifdef CONFIG_DEBUG_FS
	.debugfs_init		= vcoh_debugfs_init,
#endif

	.name			= DRIVER_NAME,
	.desc			= DRIVER_DESC,
	.date			= DRIVER_DATE,
	.major			= DRIVER_MAJOR,
	.minor			= DRIVER_MINOR,
};

static void vcoh_release_flush_queue(struct drm_device *drm, void *arg)
{
	ptedirty_flush_queue_fini(&to_vcoh_device(drm)->flush_queue);
}

static int __init vcoh_init(void)
{
	struct platform_device *pdev;
	struct vcoh_device *vdev;
	int ret;

	pdev = platform_device_register_simple(DRIVER_NAME, -1, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);

	if (!devres_open_group(&pdev->dev, NULL, GFP_KERNEL)) {
		ret = -ENOMEM;
		goto out_unregister;
	}

	vdev = devm_drm_dev_alloc(&pdev->dev, &vcoh_driver,
				  struct vcoh_device, drm);
	if (IS_ERR(vdev)) {
		ret = PTR_ERR(vdev);
		goto out_devres;
	}
	vdev->pdev = pdev;
	spin_lock_init(&vdev->stats_lock);
	INIT_LIST_HEAD(&vdev->bos);
	ret = drmm_mutex_init(&vdev->drm, &vdev->bos_lock);
	if (ret)
		goto out_devres;
	ptedirty_flush_queue_init(&vdev->flush_queue);
	ret = drmm_add_action_or_reset(&vdev->drm, vcoh_release_flush_queue,
				       NULL);
	if (ret)
		goto out_devres;

	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		goto out_devres;

	vcoh_device = vdev;
	return 0;

out_devres:
	devres_release_group(&pdev->dev, NULL);
out_unregister:
	platform_device_unregister(pdev);
	return ret;
}

static void __exit vcoh_exit(void)
{
	struct platform_device *pdev = vcoh_device->pdev;

	drm_dev_unregister(&vcoh_device->drm);
	devres_release_group(&pdev->dev, NULL);
	platform_device_unregister(pdev);
	/* The stand-in secondary MMUs' frees run code of this module. */
	if (IS_ENABLED(CONFIG_DRM_VCOH_SECONDARY_MMU_TEST))
		mmu_notifier_synchronize();
}

module_init(vcoh_init);
module_exit(vcoh_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
