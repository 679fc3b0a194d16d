// SPDX-License-Identifier: MIT
/*
 * Opening DRM devices and the generic ioctl wrappers; see drmtest.h.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "drmtest.h"

/* Open the first node of the given kind whose driver matches. */
static int open_node(const char *base, int first, int chipset)
{
	const char *forced = getenv("IGT_FORCE_DRIVER");
	char path[64], name[64];
	int i, fd;

	for (i = first; i < first + 16; i++) {
		drm_version_t v = { .name = name, .name_len = sizeof(name) - 1 };

		snprintf(path, sizeof(path), "%s%d", base, i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (drmIoctl(fd, DRM_IOCTL_VERSION, &v) == 0 &&
		    (forced ? !strcmp(name, forced) :
		     !(chipset == DRIVER_ANY && !strcmp(name, "vgem")))) {
			igt_debug("opened %s (%s)\n", path, name);
			return fd;
		}
		close(fd);
	}
	return -1;
}

int __drm_open_driver(int chipset)
{
	return open_node("/dev/dri/card", 0, chipset);
}

int drm_open_driver(int chipset)
{
	int fd = __drm_open_driver(chipset);

	igt_require_f(fd >= 0, "No known gpu found for chipset flags 0x%x\n",
		      chipset);
	return fd;
}

int drm_open_driver_render(int chipset)
{
	int fd = open_node("/dev/dri/renderD", 128, chipset);

	igt_require_f(fd >= 0, "No known gpu render node found for chipset flags 0x%x\n",
		      chipset);
	return fd;
}

int drm_close_driver(int fd)
{
	return close(fd);
}

void gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close close_bo = { .handle = handle };

	igt_assert_neq(handle, 0);
	do_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &close_bo);
}

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

void kmstest_dumb_destroy(int fd, uint32_t handle)
{
	struct drm_mode_destroy_dumb arg = { .handle = handle };

	do_ioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &arg);
}
