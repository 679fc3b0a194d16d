/* SPDX-License-Identifier: MIT */
/*
 * The subset of IGT's drmtest.h, ioctl_wrappers.h and igt_kms.h the vcoh
 * tests use, with IGT's names and behaviour.
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
/* Any driver but vgem, like IGT; IGT_FORCE_DRIVER=name pins one. */
#define DRIVER_ANY	(~DRIVER_VGEM)

int __drm_open_driver(int chipset);
int drm_open_driver(int chipset);
int drm_open_driver_render(int chipset);
int drm_close_driver(int fd);

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))

#define igt_ioctl drmIoctl

#define do_ioctl(fd, ioc, ioc_data) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), 0); \
	errno = 0; \
} while (0)

#define do_ioctl_err(fd, ioc, ioc_data, err) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), -1); \
	igt_assert_eq(errno, err); \
	errno = 0; \
} while (0)

void gem_close(int fd, uint32_t handle);

uint32_t kmstest_dumb_create(int fd, int width, int height, int bpp,
			     unsigned int *stride, uint64_t *size);
void *kmstest_dumb_map_buffer(int fd, uint32_t handle, uint64_t size,
			      unsigned int prot);
void kmstest_dumb_destroy(int fd, uint32_t handle);

#endif /* DRMTEST_H */
