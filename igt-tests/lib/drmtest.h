/* SPDX-License-Identifier: MIT */
/*
 * The subset of IGT's drmtest.h the vcoh tests use, with IGT's names and
 * behaviour: a driver IGT does not know (vcoh) opens with DRIVER_ANY, and
 * IGT_FORCE_DRIVER=name, when set and not empty, makes DRIVER_ANY open
 * only that driver.
 */
#ifndef DRMTEST_H
#define DRMTEST_H

#include <errno.h>
#include <stdint.h>
#include <xf86drm.h>

#include "igt_core.h"

#define DRIVER_INTEL	(1 << 0)
#define DRIVER_VC4	(1 << 1)
#define DRIVER_VGEM	(1 << 2)
#define DRIVER_AMDGPU	(1 << 3)
#define DRIVER_V3D	(1 << 4)
#define DRIVER_PANFROST	(1 << 5)
#define DRIVER_MSM	(1 << 6)
#define DRIVER_XE	(1 << 7)
#define DRIVER_VMWGFX	(1 << 8)
#define DRIVER_VKMS	(1 << 9)
#define DRIVER_VIRTIO	(1 << 10)
/* Any driver but the virtual ones that would shadow a real device. */
#define DRIVER_ANY	~(DRIVER_VGEM | DRIVER_VKMS | DRIVER_VIRTIO)

void __set_forced_driver(const char *name);
int __drm_open_driver(int chipset);
int __drm_open_driver_render(int chipset);
int drm_open_driver(int chipset);
int drm_open_driver_render(int chipset);
int drm_close_driver(int fd);

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof(arr[0]))

#define do_ioctl(fd, ioc, ioc_data) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), 0); \
	errno = 0; \
} while (0)

#define do_ioctl_err(fd, ioc, ioc_data, err) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), -1); \
	igt_assert_eq(errno, err); \
	errno = 0; \
} while (0)

#include "ioctl_wrappers.h"

#endif /* DRMTEST_H */
