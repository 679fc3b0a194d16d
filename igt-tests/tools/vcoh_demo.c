// SPDX-License-Identifier: MIT
/*
 * vcoh demo: write a pattern into a mapped vcoh buffer object through the
 * CPU mapping, then ask the driver what it sees in the object's memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>

#include "vcoh_drm.h"

#define NPAGES 8

static int open_vcoh(void)
{
	char path[32], name[16];

	for (int i = 0; i < 16; i++) {
		drm_version_t v = { .name = name, .name_len = sizeof(name) - 1 };
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!drmIoctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vcoh")) {
			printf("opened %s (driver %s)\n", path, name);
			return fd;
		}
		close(fd);
	}
	fprintf(stderr, "no vcoh device: is the module loaded?\n");
	exit(1);
}

int main(void)
{
	size_t page = sysconf(_SC_PAGESIZE), size = NPAGES * page;
	struct drm_vcoh_bo_create create = { .size = size };
	struct drm_vcoh_bo_mmap_offset off = { 0 };
	struct drm_vcoh_bo_read rd = { 0 };
	char *map, *seen;
	int fd = open_vcoh(), bad = 0;

	if (drmIoctl(fd, DRM_IOCTL_VCOH_BO_CREATE, &create))
		return perror("BO_CREATE"), 1;
	off.handle = create.handle;
	if (drmIoctl(fd, DRM_IOCTL_VCOH_BO_MMAP_OFFSET, &off))
		return perror("BO_MMAP_OFFSET"), 1;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off.offset);
	if (map == MAP_FAILED)
		return perror("mmap"), 1;
	printf("BO handle %u: %zu pages mapped at %p\n", create.handle,
	       (size_t)NPAGES, (void *)map);

	/* A message that moves through each page. */
	for (int i = 0; i < NPAGES; i++)
		snprintf(map + i * page + i * 100, 64, "page %d: written by the CPU", i);

	seen = calloc(1, size);
	rd.handle = create.handle;
	rd.size = size;
	rd.data_ptr = (uintptr_t)seen;
	if (!seen || drmIoctl(fd, DRM_IOCTL_VCOH_BO_READ, &rd))
		return perror("BO_READ"), 1;

	printf("\n%-6s %-8s %-32s %s\n", "page", "offset", "driver sees", "match");
	for (int i = 0; i < NPAGES; i++) {
		size_t at = i * page + i * 100;
		int ok = !memcmp(seen + i * page, map + i * page, page);

		bad += !ok;
		printf("%-6d %-8zu %-32.32s %s\n", i, at - i * page, seen + at,
		       ok ? "yes" : "NO");
	}
	printf("\n%s: the driver sees %s the CPU wrote\n", bad ? "FAIL" : "OK",
	       bad ? "not what" : "exactly what");
	return bad ? 1 : 0;
}
