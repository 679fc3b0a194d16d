// SPDX-License-Identifier: MIT
/* Wrappers of the vcoh ioctls for IGT tests; see igt_vcoh.h. */
#include <string.h>
#include <sys/mman.h>

#include "igt.h"
#include "igt_vcoh.h"

bool is_vcoh_device(int fd)
{
	char name[16] = "";
	drm_version_t v = { .name = name, .name_len = sizeof(name) - 1 };

	return drmIoctl(fd, DRM_IOCTL_VERSION, &v) == 0 && !strcmp(name, "vcoh");
}

int drm_open_vcoh(void)
{
	int fd = drm_open_driver(DRIVER_ANY);

	igt_require(is_vcoh_device(fd));
	return fd;
}

int drm_open_vcoh_render(void)
{
	int fd = drm_open_driver_render(DRIVER_ANY);

	igt_require(is_vcoh_device(fd));
	return fd;
}

/*
 * DRM_IOCTL_GEM_CLOSE as it is: IGT's gem_close() asserts that it
 * succeeds, and IGT has no variant that returns the error.
 */
int __vcoh_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close arg = { .handle = handle };

	return igt_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &arg) ? -errno : 0;
}

int __vcoh_bo_create(int fd, struct drm_vcoh_bo_create *arg)
{
	return igt_ioctl(fd, DRM_IOCTL_VCOH_BO_CREATE, arg) ? -errno : 0;
}

uint32_t vcoh_bo_create(int fd, uint64_t size)
{
	return vcoh_bo_create_tracked(fd, size, VCOH_BO_TRACK_NONE);
}

uint32_t vcoh_bo_create_tracked(int fd, uint64_t size, uint32_t track)
{
	struct drm_vcoh_bo_create arg = { .size = size, .flags = track };

	igt_assert_eq(__vcoh_bo_create(fd, &arg), 0);
	igt_assert(arg.handle);
	igt_assert(arg.size >= size);
	return arg.handle;
}

int __vcoh_bo_mmap_offset(int fd, uint32_t handle, uint64_t *offset)
{
	struct drm_vcoh_bo_mmap_offset arg = { .handle = handle };

	if (igt_ioctl(fd, DRM_IOCTL_VCOH_BO_MMAP_OFFSET, &arg))
		return -errno;
	*offset = arg.offset;
	return 0;
}

/* Map [offset, offset + size) of the object; NULL with errno on failure. */
void *__vcoh_bo_map(int fd, uint32_t handle, uint64_t offset, uint64_t size,
		    int prot, int flags)
{
	uint64_t base = 0;
	void *ptr;
	int ret;

	ret = __vcoh_bo_mmap_offset(fd, handle, &base);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	ptr = mmap(NULL, size, prot, flags, fd, base + offset);
	return ptr == MAP_FAILED ? NULL : ptr;
}

void *vcoh_bo_map(int fd, uint32_t handle, uint64_t size, int prot)
{
	void *ptr = __vcoh_bo_map(fd, handle, 0, size, prot, MAP_SHARED);

	igt_assert(ptr);
	return ptr;
}

int __vcoh_bo_read(int fd, struct drm_vcoh_bo_read *arg)
{
	return igt_ioctl(fd, DRM_IOCTL_VCOH_BO_READ, arg) ? -errno : 0;
}

void vcoh_bo_read(int fd, uint32_t handle, uint64_t offset, void *data,
		  uint64_t size)
{
	struct drm_vcoh_bo_read arg = {
		.handle = handle,
		.offset = offset,
		.size = size,
		.data_ptr = (uintptr_t)data,
	};

	igt_assert_eq(__vcoh_bo_read(fd, &arg), 0);
}

int __vcoh_bo_dirty(int fd, struct drm_vcoh_bo_dirty *arg)
{
	return igt_ioctl(fd, DRM_IOCTL_VCOH_BO_DIRTY, arg) ? -errno : 0;
}

/* Scan @count objects in one call; @out (may be NULL) gets the totals. */
void vcoh_bo_dirty(int fd, struct drm_vcoh_dirty_bo *bos, uint32_t count,
		   struct drm_vcoh_bo_dirty *out)
{
	struct drm_vcoh_bo_dirty arg = {
		.bos_ptr = (uintptr_t)bos,
		.count = count,
	};

	igt_assert_eq(__vcoh_bo_dirty(fd, &arg), 0);
	if (out)
		*out = arg;
}

int __vcoh_submit(int fd, struct drm_vcoh_submit *arg)
{
	return igt_ioctl(fd, DRM_IOCTL_VCOH_SUBMIT, arg) ? -errno : 0;
}

/* Submit @count objects in one call; @out (may be NULL) gets the stats. */
void vcoh_submit(int fd, const uint32_t *handles, uint32_t count,
		 struct drm_vcoh_submit *out)
{
	struct drm_vcoh_submit arg = {
		.handles_ptr = (uintptr_t)handles,
		.count = count,
	};

	igt_assert_eq(__vcoh_submit(fd, &arg), 0);
	if (out)
		*out = arg;
}

int __vcoh_device_write(int fd, struct drm_vcoh_device_write *arg)
{
	return igt_ioctl(fd, DRM_IOCTL_VCOH_DEVICE_WRITE, arg) ? -errno : 0;
}

void vcoh_device_write(int fd, uint32_t handle, uint64_t offset,
		       const void *data, uint64_t size)
{
	struct drm_vcoh_device_write arg = {
		.handle = handle,
		.offset = offset,
		.size = size,
		.data_ptr = (uintptr_t)data,
	};

	igt_assert_eq(__vcoh_device_write(fd, &arg), 0);
}

void vcoh_device_fill(int fd, uint32_t handle, uint64_t offset,
		      uint64_t size, uint32_t value)
{
	struct drm_vcoh_device_write arg = {
		.handle = handle,
		.flags = VCOH_DEVICE_WRITE_FILL,
		.offset = offset,
		.size = size,
		.value = value,
	};

	igt_assert_eq(__vcoh_device_write(fd, &arg), 0);
}

int __vcoh_device_read(int fd, struct drm_vcoh_device_read *arg)
{
	return igt_ioctl(fd, DRM_IOCTL_VCOH_DEVICE_READ, arg) ? -errno : 0;
}

void vcoh_device_read(int fd, uint32_t handle, uint64_t offset, void *data,
		      uint64_t size)
{
	struct drm_vcoh_device_read arg = {
		.handle = handle,
		.offset = offset,
		.size = size,
		.data_ptr = (uintptr_t)data,
	};

	igt_assert_eq(__vcoh_device_read(fd, &arg), 0);
}

int __vcoh_stats(int fd, struct drm_vcoh_stats *arg)
{
	return igt_ioctl(fd, DRM_IOCTL_VCOH_STATS, arg) ? -errno : 0;
}

/* Counters of object @handle, or of the device for handle 0. */
void vcoh_stats(int fd, uint32_t handle, struct drm_vcoh_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->handle = handle;
	igt_assert_eq(__vcoh_stats(fd, out), 0);
}
