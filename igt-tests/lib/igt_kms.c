// SPDX-License-Identifier: MIT
/* Dumb buffers; see igt_kms.h. */
#define IGT_LOG_DOMAIN "igt_kms"

#include <sys/mman.h>

#include "drmtest.h"
#include "igt_kms.h"

uint32_t kmstest_dumb_create(int fd, int width, int height, int bpp,
			     unsigned int *stride, uint64_t *size)
{
	struct drm_mode_create_dumb create = {
		.width = width, .height = height, .bpp = bpp,
	};

	do_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	igt_assert(create.handle);
	igt_assert(create.size >= (uint64_t)width * height * bpp / 8);
	if (stride)
		*stride = create.pitch;
	if (size)
		*size = create.size;
	return create.handle;
}

void *kmstest_dumb_map_buffer(int fd, uint32_t handle, uint64_t size,
			      unsigned int prot)
{
	struct drm_mode_map_dumb arg = { .handle = handle };
	void *ptr;

	do_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &arg);
	ptr = mmap(NULL, size, prot, MAP_SHARED, fd, arg.offset);
	igt_assert(ptr != MAP_FAILED);
	return ptr;
}

static int __kmstest_dumb_destroy(int fd, uint32_t handle)
{
	struct drm_mode_destroy_dumb arg = { .handle = handle };

	if (igt_ioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &arg))
		return -errno;
	errno = 0;
	return 0;
}

void kmstest_dumb_destroy(int fd, uint32_t handle)
{
	igt_assert_eq(__kmstest_dumb_destroy(fd, handle), 0);
}
