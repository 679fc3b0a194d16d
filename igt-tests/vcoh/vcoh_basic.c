// SPDX-License-Identifier: MIT
/*
 * Basic tests of the vcoh driver: version, buffer objects and their
 * mappings, dumb buffers, and the ioctls' argument checking.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "igt_vcoh.h"

/**
 * TEST: vcoh basic
 * Description: Basic tests of vcoh buffer objects, mappings and ioctls.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: DRM
 * Functionality: buffer objects
 * Test category: functionality test
 * Feature: vcoh
 *
 * SUBTEST: version
 * Description: DRM_IOCTL_VERSION names the driver vcoh.
 *
 * SUBTEST: create-mmap-rw
 * Description: A new BO is zeroed; the driver sees what the CPU wrote.
 *
 * SUBTEST: create-clear
 * Description: Every new BO is zeroed, also when it reuses freed pages.
 *
 * SUBTEST: dumb-create-map-destroy
 * Description: Dumb buffers: expected pitch and size, map, destroy.
 *
 * SUBTEST: invalid-dumb
 * Description: Dumb buffers the driver cannot make fail with EINVAL.
 *
 * SUBTEST: invalid-create
 * Description: BO_CREATE rejects bad sizes and flags, changing nothing.
 *
 * SUBTEST: invalid-mmap-offset
 * Description: BO_MMAP_OFFSET rejects nonzero padding and bad handles.
 *
 * SUBTEST: invalid-read
 * Description: BO_READ rejects bad padding, ranges, handles and pointers.
 *
 * SUBTEST: mmap-bounds
 * Description: A mapping may cover the start of a BO, never past its end.
 *
 * SUBTEST: mmap-private-rejected
 * Description: Private (copy-on-write) mappings are refused.
 *
 * SUBTEST: destroy-while-mapped
 * Description: A BO closed while mapped stays valid until it is unmapped.
 *
 * SUBTEST: render-node
 * Description: The render node creates, maps and reads BOs too.
 */

IGT_TEST_DESCRIPTION("Basic tests of vcoh buffer objects, mappings and ioctls.");

static size_t page_size;

static void fill(uint8_t *p, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 31 + (i >> 12));
}

static void check_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		igt_assert_f(!p[i], "byte %zu is %#x, expected 0\n", i, p[i]);
}

static void check_read_equals(int fd, uint32_t handle, uint64_t offset,
			      const uint8_t *expect, size_t len)
{
	uint8_t *got = malloc(len);

	igt_assert(got);
	vcoh_bo_read(fd, handle, offset, got, len);
	igt_assert_f(!memcmp(got, expect, len),
		     "driver's view of [%#llx, +%#zx) differs from the CPU's\n",
		     (unsigned long long)offset, len);
	free(got);
}

static void test_version(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);

	igt_assert(v);
	igt_assert_eq(strcmp(v->name, "vcoh"), 0);
	igt_assert_lt(0, v->desc_len);
	drmFreeVersion(v);
}

static void test_create_mmap_rw(int fd)
{
	/* Not a page multiple: the object is rounded up to 3 pages. */
	struct drm_vcoh_bo_create arg = { .size = 2 * page_size + 1 };
	size_t size = 3 * page_size;
	uint8_t *map, *pattern;

	igt_assert_eq(__vcoh_bo_create(fd, &arg), 0);
	igt_assert_eq_u64(arg.size, size);

	map = vcoh_bo_map(fd, arg.handle, size, PROT_READ | PROT_WRITE);
	check_zero(map, size);

	pattern = malloc(size);
	igt_assert(pattern);
	fill(pattern, size, 7);
	memcpy(map, pattern, size);
	igt_assert(!memcmp(map, pattern, size));
	check_read_equals(fd, arg.handle, 0, pattern, size);
	/* A read that straddles a page boundary. */
	check_read_equals(fd, arg.handle, page_size - 3, pattern + page_size - 3, 7);

	free(pattern);
	munmap(map, size);
	gem_close(fd, arg.handle);
}

static void test_create_clear(int fd)
{
	size_t size = 16 * page_size;

	/* Pages freed dirty by one object come back zeroed in the next. */
	for (int i = 0; i < 4; i++) {
		uint32_t handle = vcoh_bo_create(fd, size);
		uint8_t *map = vcoh_bo_map(fd, handle, size,
					   PROT_READ | PROT_WRITE);
		uint8_t *zero = calloc(1, size);

		check_zero(map, size);
		check_read_equals(fd, handle, 0, zero, size);
		memset(map, 0xa5, size);
		free(zero);
		munmap(map, size);
		gem_close(fd, handle);
	}
}

static void test_dumb(int fd)
{
	unsigned int stride;
	uint64_t size, offset;
	uint32_t handle;
	uint8_t *map, *pattern;
	struct drm_mode_destroy_dumb destroy;

	handle = kmstest_dumb_create(fd, 100, 30, 32, &stride, &size);
	igt_assert_eq(stride, 400);
	igt_assert_eq_u64(size, (400 * 30 + page_size - 1) & ~(page_size - 1));

	map = kmstest_dumb_map_buffer(fd, handle, size, PROT_READ | PROT_WRITE);
	check_zero(map, size);
	pattern = malloc(size);
	igt_assert(pattern);
	fill(pattern, size, 3);
	memcpy(map, pattern, size);
	check_read_equals(fd, handle, 0, pattern, size);
	munmap(map, size);
	free(pattern);

	kmstest_dumb_destroy(fd, handle);
	/* The handle is gone. */
	destroy = (struct drm_mode_destroy_dumb){ .handle = handle };
	do_ioctl_err(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy, EINVAL);
	igt_assert_eq(__vcoh_bo_mmap_offset(fd, handle, &offset), -ENOENT);
}

static void test_invalid_dumb(int fd)
{
	struct drm_mode_create_dumb bad[] = {
		{ .width = 0, .height = 16, .bpp = 32 },
		{ .width = 16, .height = 0, .bpp = 32 },
		{ .width = 16, .height = 16, .bpp = 0 },
		{ .width = 16, .height = 16, .bpp = 0xffffffff },
		{ .width = 0xffffffff, .height = 16, .bpp = 32 },
		/* Over 4 GiB: rejected by the DRM core's overflow checks. */
		{ .width = 65536, .height = 65536, .bpp = 32 },
		/* 1 GiB + 64 KiB: passes the core, above VCOH_BO_MAX_SIZE. */
		{ .width = 16384, .height = 16385, .bpp = 32 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		igt_debug("dumb %ux%u bpp %u\n", bad[i].width, bad[i].height,
			  bad[i].bpp);
		do_ioctl_err(fd, DRM_IOCTL_MODE_CREATE_DUMB, &bad[i], EINVAL);
		igt_assert_eq(bad[i].handle, 0);
	}
}

static void test_invalid_create(int fd)
{
	struct {
		uint64_t size;
		uint32_t flags;
	} bad[] = {
		{ 0, 0 },
		{ VCOH_BO_MAX_SIZE + 1, 0 },
		{ ~0ull, 0 },
		{ page_size, VCOH_BO_TRACK_MASK + 1 },
		{ page_size, VCOH_BO_TRACK_MASK | 0x10 },
		{ page_size, 0x80000000 },
	};
	struct drm_vcoh_bo_create good = { .size = page_size };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		struct drm_vcoh_bo_create arg = {
			.size = bad[i].size,
			.flags = bad[i].flags,
			.handle = 0x5a5a,
		};

		igt_assert_eq(__vcoh_bo_create(fd, &arg), -EINVAL);
		/* Nothing written back, no object made. */
		igt_assert_eq_u64(arg.size, bad[i].size);
		igt_assert_eq_u32(arg.handle, 0x5a5a);
	}

	/* The same call with valid arguments succeeds. */
	igt_assert_eq(__vcoh_bo_create(fd, &good), 0);
	gem_close(fd, good.handle);
}

static void test_invalid_mmap_offset(int fd)
{
	uint32_t handle = vcoh_bo_create(fd, page_size);
	struct drm_vcoh_bo_mmap_offset arg = {
		.handle = handle, .pad = 1, .offset = 0x1234,
	};
	uint64_t offset;

	do_ioctl_err(fd, DRM_IOCTL_VCOH_BO_MMAP_OFFSET, &arg, EINVAL);
	igt_assert_eq_u64(arg.offset, 0x1234);
	igt_assert_eq(__vcoh_bo_mmap_offset(fd, handle + 1, &offset), -ENOENT);
	igt_assert_eq(__vcoh_bo_mmap_offset(fd, 0, &offset), -ENOENT);
	gem_close(fd, handle);
}

static void test_invalid_read(int fd)
{
	size_t size = 2 * page_size;
	uint32_t handle = vcoh_bo_create(fd, size);
	uint8_t *buf = malloc(size + 1);
	struct drm_vcoh_bo_read fault = {
		.handle = handle, .size = 16, .data_ptr = 8,
	};
	struct drm_vcoh_bo_read empty = {
		.handle = handle, .offset = size, .data_ptr = (uintptr_t)buf,
	};
	struct {
		uint32_t handle, pad;
		uint64_t offset, size;
		int err;
	} bad[] = {
		{ handle, 1, 0, 1, -EINVAL },
		{ handle, 0, 0, size + 1, -EINVAL },
		{ handle, 0, size, 1, -EINVAL },
		{ handle, 0, size + 1, 0, -EINVAL },
		{ handle, 0, ~0ull, 2, -EINVAL },
		{ handle, 0, 1, ~0ull, -EINVAL },
		{ handle + 1, 0, 0, 1, -ENOENT },
	};

	igt_assert(buf);
	memset(buf, 0x77, size + 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		struct drm_vcoh_bo_read arg = {
			.handle = bad[i].handle, .pad = bad[i].pad,
			.offset = bad[i].offset, .size = bad[i].size,
			.data_ptr = (uintptr_t)buf,
		};

		igt_debug("read %u: offset %#llx size %#llx\n", i,
			  (unsigned long long)bad[i].offset,
			  (unsigned long long)bad[i].size);
		igt_assert_eq(__vcoh_bo_read(fd, &arg), bad[i].err);
	}
	/* Nothing was copied by any of them. */
	for (size_t i = 0; i < size + 1; i++)
		igt_assert_eq(buf[i], 0x77);

	/* A user pointer that faults. */
	igt_assert_eq(__vcoh_bo_read(fd, &fault), -EFAULT);

	/* Zero bytes at the very end is a valid, empty read. */
	igt_assert_eq(__vcoh_bo_read(fd, &empty), 0);
	free(buf);
	gem_close(fd, handle);
}

static void test_mmap_bounds(int fd)
{
	size_t size = 4 * page_size;
	uint32_t handle = vcoh_bo_create(fd, size);
	uint8_t *whole, *part;

	/* Longer than the object, and past its end at an offset. */
	igt_assert(!__vcoh_bo_map(fd, handle, 0, size + page_size,
				  PROT_READ | PROT_WRITE, MAP_SHARED));
	igt_assert_eq(errno, EINVAL);
	igt_assert(!__vcoh_bo_map(fd, handle, 2 * page_size, 3 * page_size,
				  PROT_READ | PROT_WRITE, MAP_SHARED));
	igt_assert_eq(errno, EINVAL);
	igt_assert(!__vcoh_bo_map(fd, handle, size, page_size,
				  PROT_READ, MAP_SHARED));

	/*
	 * GEM looks a mapping up by its exact fake offset: a mapping may
	 * cover the start of an object but not begin inside it.
	 */
	igt_assert(!__vcoh_bo_map(fd, handle, page_size, page_size,
				  PROT_READ, MAP_SHARED));
	igt_assert_eq(errno, EINVAL);

	/* The first two pages alone: the same memory as the whole. */
	whole = vcoh_bo_map(fd, handle, size, PROT_READ | PROT_WRITE);
	part = __vcoh_bo_map(fd, handle, 0, 2 * page_size,
			     PROT_READ | PROT_WRITE, MAP_SHARED);
	igt_assert(part);
	fill(whole, size, 11);
	igt_assert(!memcmp(part, whole, 2 * page_size));
	part[5] ^= 0xff;
	igt_assert_eq(part[5], whole[5]);

	munmap(part, 2 * page_size);
	munmap(whole, size);
	gem_close(fd, handle);
}

static void test_mmap_private(int fd)
{
	uint32_t handle = vcoh_bo_create(fd, page_size);

	/* Copy-on-write of device memory is refused, read-only or not. */
	igt_assert(!__vcoh_bo_map(fd, handle, 0, page_size,
				  PROT_READ | PROT_WRITE, MAP_PRIVATE));
	igt_assert_eq(errno, EINVAL);
	igt_assert(!__vcoh_bo_map(fd, handle, 0, page_size, PROT_READ,
				  MAP_PRIVATE));
	igt_assert_eq(errno, EINVAL);
	gem_close(fd, handle);
}

static void test_destroy_while_mapped(int fd)
{
	size_t size = 8 * page_size;
	uint32_t handle = vcoh_bo_create(fd, size);
	uint8_t *map = vcoh_bo_map(fd, handle, size, PROT_READ | PROT_WRITE);
	uint8_t *pattern = malloc(size);
	uint64_t offset;

	igt_assert(pattern);
	fill(pattern, size, 5);
	memcpy(map, pattern, size / 2);
	gem_close(fd, handle);
	igt_assert_eq(__vcoh_bo_mmap_offset(fd, handle, &offset), -ENOENT);

	/* The mapping holds the object: old pages readable, new ones fault in. */
	memcpy(map + size / 2, pattern + size / 2, size / 2);
	igt_assert(!memcmp(map, pattern, size));
	munmap(map, size);
	free(pattern);
}

static void test_render_node(void)
{
	int fd = drm_open_vcoh_render();
	uint32_t handle = vcoh_bo_create(fd, page_size);
	uint32_t *map = vcoh_bo_map(fd, handle, page_size, PROT_READ | PROT_WRITE);
	uint32_t value = 0xc0ffee;

	map[3] = value;
	check_read_equals(fd, handle, 3 * sizeof(value), (uint8_t *)&value,
			  sizeof(value));
	munmap(map, page_size);
	gem_close(fd, handle);
	drm_close_driver(fd);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		page_size = sysconf(_SC_PAGESIZE);
		fd = drm_open_vcoh();
	}

	igt_describe("DRM_IOCTL_VERSION names the driver vcoh.");
	igt_subtest("version")
		test_version(fd);

	igt_describe("A new BO is zeroed; the driver sees what the CPU wrote.");
	igt_subtest("create-mmap-rw")
		test_create_mmap_rw(fd);

	igt_describe("Every new BO is zeroed, also when it reuses freed pages.");
	igt_subtest("create-clear")
		test_create_clear(fd);

	igt_describe("Dumb buffers: expected pitch and size, map, destroy.");
	igt_subtest("dumb-create-map-destroy")
		test_dumb(fd);

	igt_describe("Dumb buffers the driver cannot make fail with EINVAL.");
	igt_subtest("invalid-dumb")
		test_invalid_dumb(fd);

	igt_describe("BO_CREATE rejects bad sizes and flags, changing nothing.");
	igt_subtest("invalid-create")
		test_invalid_create(fd);

	igt_describe("BO_MMAP_OFFSET rejects nonzero padding and bad handles.");
	igt_subtest("invalid-mmap-offset")
		test_invalid_mmap_offset(fd);

	igt_describe("BO_READ rejects bad padding, ranges, handles and pointers.");
	igt_subtest("invalid-read")
		test_invalid_read(fd);

	igt_describe("A mapping may cover the start of a BO, never past its end.");
	igt_subtest("mmap-bounds")
		test_mmap_bounds(fd);

	igt_describe("Private (copy-on-write) mappings are refused.");
	igt_subtest("mmap-private-rejected")
		test_mmap_private(fd);

	igt_describe("A BO closed while mapped stays valid until it is unmapped.");
	igt_subtest("destroy-while-mapped")
		test_destroy_while_mapped(fd);

	igt_describe("The render node creates, maps and reads BOs too.");
	igt_subtest("render-node")
		test_render_node();

	igt_fixture {
		drm_close_driver(fd);
	}
}
