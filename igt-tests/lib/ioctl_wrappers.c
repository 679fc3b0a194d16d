// SPDX-License-Identifier: MIT
/* The generic GEM ioctl wrappers; see ioctl_wrappers.h. */
#define IGT_LOG_DOMAIN "ioctl_wrappers"

#include <string.h>
#include <xf86drm.h>

#include "drmtest.h"
#include "ioctl_wrappers.h"

__thread int (*igt_ioctl)(int fd, unsigned long request, void *arg) = drmIoctl;

void gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close close_bo = { .handle = handle };

	igt_assert_neq(handle, 0);
	do_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &close_bo);
}
