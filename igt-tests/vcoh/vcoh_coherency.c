// SPDX-License-Identifier: MIT
/*
 * Coherency of the CPU's and the device's views of vcoh buffer objects:
 * DRM_IOCTL_VCOH_SUBMIT copies exactly the pages the CPU wrote, in every
 * tracking mode and with writers running on another vCPU;
 * DRM_IOCTL_VCOH_DEVICE_WRITE keeps the CPU's pending writes and hands the
 * CPU the device's data; AUTO switches modes as documented; the counters
 * of DRM_IOCTL_VCOH_STATS add up; and bad arguments change nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "igt_vcoh.h"
#include "igt_vcoh_bo.h"
#include "igt_vcoh_race.h"
#include "igt_vcoh_util.h"

/**
 * TEST: vcoh coherency
 * Description: The CPU and the device see the same vcoh objects.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: DRM
 * Functionality: CPU and device coherency
 * Test category: functionality test
 * Feature: vcoh
 *
 * SUBTEST: cpu-to-device-sparse
 * Description: Every 7th page written through the mapping reaches the device
 *    with a submit, which copies those pages and no other. Dynamic subtests:
 *    one per tracking mode: none, pagetable, mkwrite, auto.
 *
 * SUBTEST: cpu-to-device-dense
 * Description: Every page written through the mapping, a byte or all of it,
 *    reaches the device with a submit. Dynamic subtests: one per tracking
 *    mode: none, pagetable, mkwrite, auto.
 *
 * SUBTEST: cpu-to-device-random
 * Description: Random bytes in random pages reach the device with a submit,
 *    which copies exactly the pages written. Dynamic subtests: one per
 *    tracking mode: none, pagetable, mkwrite, auto.
 *
 * SUBTEST: cpu-to-device-page-edges
 * Description: Writes to the first and last bytes of pages reach the device
 *    with a submit, which copies exactly those pages. Dynamic subtests: one
 *    per tracking mode: none, pagetable, mkwrite, auto.
 *
 * SUBTEST: device-to-cpu
 * Description: Device writes, fill and data, aligned or not, over pages the
 *    CPU wrote and did not submit: the same mapping shows the device's data
 *    merged with the CPU's, and the device keeps every CPU write. Dynamic
 *    subtests: one per tracking mode: none, pagetable, mkwrite, auto.
 *
 * SUBTEST: race
 * Description: Writers on vCPU 0 store into four objects while vCPU 1 submits
 *    them: no write that landed before a submit is missing from the device,
 *    and a last submit makes the device equal to the CPU. Dynamic subtests:
 *    one per tracking mode: none, pagetable, mkwrite, auto.
 *
 * SUBTEST: stats
 * Description: The counters of an object after a known sequence of writes,
 *    submits, BO_DIRTY and device writes. Dynamic subtests: one per tracking
 *    mode: none, pagetable, mkwrite, auto.
 *
 * SUBTEST: auto-switch
 * Description: AUTO starts PAGETABLE or MKWRITE by size, leaves PAGETABLE
 *    after idle scans only and MKWRITE after dense scans only, with the device
 *    coherent and the counters adding up.
 *
 * SUBTEST: submit-invalid
 * Description: Bad submits fail with their documented errno, scan and copy
 *    nothing, and lose no write.
 *
 * SUBTEST: device-write-invalid
 * Description: Bad device writes fail with their documented errno and change
 *    neither the device memory nor the CPU's view.
 *
 * SUBTEST: device-read-invalid
 * Description: Bad device reads fail with their documented errno and change
 *    nothing.
 *
 * SUBTEST: stats-invalid
 * Description: Bad stats calls fail with their documented errno and change
 *    nothing.
 *
 * SUBTEST: stats-debugfs
 * Description: debugfs stats shows the device's counters as the ioctl does,
 *    and bos a line per object with its mode and counters.
 */

IGT_TEST_DESCRIPTION("The CPU and the device see the same vcoh objects.");

static size_t ps;

/* A handle that was valid and is not any more. */
static uint32_t closed_handle(int fd)
{
	uint32_t handle = vcoh_bo_create(fd, ps);

	gem_close(fd, handle);
	return handle;
}

/* Submit @b alone; one call flushes the TLB once at most. */
static struct drm_vcoh_submit submit_one(int fd, const struct vcoh_bo *b)
{
	struct drm_vcoh_submit s;

	vcoh_submit(fd, &b->handle, 1, &s);
	igt_assert_cmpu64(s.tlb_flushes, <=, >, 1);
	igt_assert_cmpu64(s.pages_scanned, <=, >, b->npages);
	igt_assert_cmpu64(s.pages_copied, <=, >, b->npages);
	return s;
}

/*
 * Write one byte in each of @n pages from page @first on, wrapping
 * around, changing it; @n pages are written if @n <= b->npages.
 */
static void write_pages(struct vcoh_bo *b, size_t first, size_t n, uint8_t val)
{
	for (size_t i = 0; i < n; i++) {
		size_t page = (first + i) % b->npages;

		b->map[page * ps + (i * 67 + val) % ps] ^= val | 1;
	}
}

/* Write @len bytes through the mapping and into @shadow alike. */
static void cpu_write(struct vcoh_bo *b, uint8_t *shadow, size_t off, size_t len,
		      uint8_t seed)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t v = seed + i * 7 + (i >> 12);

		b->map[off + i] = v;
		shadow[off + i] = v;
	}
}

/* Idle submits until an AUTO object in PAGETABLE has gone MKWRITE. */
static void auto_idle_to_mkwrite(int fd, const struct vcoh_bo *b,
				 const struct vcoh_auto_params *ap)
{
	for (unsigned int i = 0; i <= ap->switch_scans; i++) {
		if (bo_stats(fd, b->handle).mode == VCOH_BO_TRACK_MKWRITE)
			break;
		igt_assert_eq_u64(submit_one(fd, b).pages_copied, 0);
	}
	igt_assert_eq_u32(bo_stats(fd, b->handle).mode, VCOH_BO_TRACK_MKWRITE);
}

enum pattern { PAT_SPARSE, PAT_DENSE, PAT_RANDOM, PAT_EDGES };

static const struct {
	const char *name;
	const char *desc;
} patterns[] = {
	[PAT_SPARSE] = {
		"sparse",
		"Every 7th page written through the mapping reaches the device with a submit, which copies those pages and no other.",
	},
	[PAT_DENSE] = {
		"dense",
		"Every page written through the mapping, a byte or all of it, reaches the device with a submit.",
	},
	[PAT_RANDOM] = {
		"random",
		"Random bytes in random pages reach the device with a submit, which copies exactly the pages written.",
	},
	[PAT_EDGES] = {
		"page-edges",
		"Writes to the first and last bytes of pages reach the device with a submit, which copies exactly those pages.",
	},
};

static void cpu_flip(struct vcoh_bo *b, size_t off, uint8_t mask, bool *written)
{
	b->map[off] ^= mask ?: 0xa5;
	written[off / ps] = true;
}

static void write_pattern(struct vcoh_bo *b, enum pattern pat, unsigned int round,
			  unsigned int *seed, bool *written)
{
	uint8_t v = 0x11 * (round + 1);
	size_t p;

	switch (pat) {
	case PAT_SPARSE:
		for (p = round; p < b->npages; p += 7)
			cpu_flip(b, p * ps + (p * 131 + round) % ps, v + p,
				 written);
		break;
	case PAT_DENSE:
		for (p = 0; p < b->npages; p++) {
			if (round) {
				memset(b->map + p * ps, v + p, ps);
				written[p] = true;
			} else {
				cpu_flip(b, p * ps + (p * 37) % ps, v ^ p,
					 written);
			}
		}
		break;
	case PAT_RANDOM:
		for (int i = 0; i < 64; i++) {
			size_t page = rand_r(seed) % b->npages;
			size_t len = 1 + rand_r(seed) % 32;
			size_t off = page * ps + rand_r(seed) % (ps - len);

			for (size_t j = 0; j < len; j++)
				cpu_flip(b, off + j, rand_r(seed), written);
		}
		break;
	case PAT_EDGES:
		for (p = 0; p < b->npages; p++) {
			if (p % 3 == round)
				cpu_flip(b, p * ps, v + p, written);
			if (p % 4 == round + 1)
				cpu_flip(b, p * ps + ps - 1, v - p, written);
		}
		/* A mask no loop above used, so that no flip undoes one. */
		cpu_flip(b, 0, v ^ 0x3c, written);
		cpu_flip(b, b->size - 1, v ^ 0x3c, written);
		break;
	}
}

#define C2D_PAGES	256
#define C2D_ROUNDS	2

static void test_cpu_to_device(int fd, uint32_t track, enum pattern pat)
{
	struct vcoh_auto_params ap = vcoh_auto_params(fd);
	struct vcoh_bo b = vcoh_bo_new(fd, C2D_PAGES, track);
	bool none = track == VCOH_BO_TRACK_NONE;
	bool *written = xzalloc(b.npages);
	uint8_t *zero = xzalloc(b.size);
	unsigned int seed = 0x5eed0 + pat;
	struct drm_vcoh_submit s;
	size_t n;

	vcoh_bo_check_device(fd, &b, zero, "device memory of a new object");

	for (unsigned int round = 0; round < C2D_ROUNDS; round++) {
		memset(written, 0, b.npages);
		write_pattern(&b, pat, round, &seed, written);
		n = count_pages(written, b.npages);
		igt_debug("round %u: %zu pages written\n", round, n);
		igt_assert_lt(0, n);

		s = submit_one(fd, &b);
		igt_assert_eq_u64(s.pages_copied, none ? b.npages : n);
		vcoh_bo_check_device_is_cpu(fd, &b);

		/* Nothing written since: nothing to copy, nothing changes. */
		s = submit_one(fd, &b);
		igt_assert_eq_u64(s.pages_copied, none ? b.npages : 0);
		vcoh_bo_check_device_is_cpu(fd, &b);

		/* AUTO does the next round in its other mode. */
		if (track == VCOH_BO_TRACK_AUTO && !round)
			auto_idle_to_mkwrite(fd, &b, &ap);
	}
	free(zero);
	free(written);
	vcoh_bo_free(fd, &b);
}

#define D2C_PAGES	32

static void test_device_to_cpu(int fd, uint32_t track)
{
	/* Pages the CPU writes and does not submit before the device. */
	static const unsigned int cpu_pages[] = { 2, 5, 6, 9, 15, 17, 20, 27 };
	struct vcoh_bo b = vcoh_bo_new(fd, D2C_PAGES, track);
	uint8_t *shadow = xzalloc(b.size), *view = xzalloc(b.size);
	uint8_t *data = xzalloc(4 * ps), *second;
	struct drm_vcoh_submit s;
	size_t off, len;

	/* Both sides the same first, and not zeroes. */
	cpu_write(&b, shadow, 0, b.size, 1);
	submit_one(fd, &b);
	vcoh_bo_check_device(fd, &b, shadow, "device memory after the first submit");

	/* Head, middle and tail of each page. */
	for (unsigned int i = 0; i < ARRAY_SIZE(cpu_pages); i++) {
		off = cpu_pages[i] * ps;
		cpu_write(&b, shadow, off, 16, 0x40 + i);
		cpu_write(&b, shadow, off + ps / 2, 32, 0x80 + i);
		cpu_write(&b, shadow, off + ps - 8, 8, 0xc0 + i);
	}

	/* Pages 4-9: 5, 6 and 9 hold CPU writes, 4, 7 and 8 do not. */
	vcoh_device_fill(fd, b.handle, 4 * ps, 6 * ps, 0xdeadbeef);
	fill_words(shadow, 4 * ps, 6 * ps, 0xdeadbeef);

	/*
	 * From inside page 14 to the head of page 17: the device's data
	 * replaces the CPU's head of 17, the rest of 17 stays the CPU's.
	 */
	off = 14 * ps + 100;
	len = 3 * ps - 40;
	for (size_t i = 0; i < len; i++)
		data[i] = 0x3c ^ (i * 13) ^ (i >> 8);
	vcoh_device_write(fd, b.handle, off, data, len);
	memcpy(shadow + off, data, len);

	/* Odd offset and size, inside page 20, between the CPU's writes. */
	off = 20 * ps + 1001;
	len = 123;
	vcoh_device_write(fd, b.handle, off, data + 7, len);
	memcpy(shadow + off, data + 7, len);

	/* Across the boundary of two untouched pages. */
	vcoh_device_fill(fd, b.handle, 12 * ps - 16, 32, 0x01234567);
	fill_words(shadow, 12 * ps - 16, 32, 0x01234567);

	/* Over part of the CPU's write in the middle of page 27. */
	vcoh_device_fill(fd, b.handle, 27 * ps + ps / 2 - 8, 24, 0xa5a5f00d);
	fill_words(shadow, 27 * ps + ps / 2 - 8, 24, 0xa5a5f00d);

	/* The mapping the CPU wrote through shows both, merged. */
	check_bytes(b.map, shadow, b.size, "CPU view after device writes");
	/* The device writes took the CPU's: none is lost. */
	vcoh_bo_check_device(fd, &b, shadow, "device memory after device writes");
	vcoh_device_read(fd, b.handle, 14 * ps + 50, view, ps);
	check_bytes(view, shadow + 14 * ps + 50, ps,
		    "device memory read at an offset");
	vcoh_bo_read(fd, b.handle, 0, view, b.size);
	check_bytes(view, shadow, b.size, "driver's view of the CPU memory");

	/* The CPU writes into what the device wrote, and submits. */
	cpu_write(&b, shadow, 5 * ps + 200, 40, 0x99);
	cpu_write(&b, shadow, 15 * ps + ps - 1, 1, 0x98);
	cpu_write(&b, shadow, 17 * ps + 10, 4, 0x97);
	cpu_write(&b, shadow, 20 * ps + 1050, 10, 0x96);
	cpu_write(&b, shadow, 12 * ps - 4, 8, 0x95);
	s = submit_one(fd, &b);
	if (track == VCOH_BO_TRACK_NONE)
		igt_assert_eq_u64(s.pages_copied, b.npages);
	else
		igt_assert_cmpu64(s.pages_copied, >=, <, 6);
	check_bytes(b.map, shadow, b.size, "CPU view after the submit");
	vcoh_bo_check_device(fd, &b, shadow, "device memory after the submit");

	/* A new mapping sees the same. */
	second = __vcoh_bo_map(fd, b.handle, 0, b.size, PROT_READ, MAP_SHARED);
	igt_assert(second);
	check_bytes(second, shadow, b.size, "second mapping");
	munmap(second, b.size);

	free(data);
	free(view);
	free(shadow);
	vcoh_bo_free(fd, &b);
}

/*
 * Race: writers on vCPU 0 store unique values into random words of random
 * pages of four objects while this thread, on vCPU 1, submits all four in
 * a loop. After each submit one object is checked: a word that held the
 * same value before and after the call was not written during it, so the
 * device must hold that value. At the end, with the writers stopped, one
 * more submit makes every device copy equal to the CPU's view.
 *
 * For AUTO, two objects (one starting MKWRITE by its size) are driven
 * through both switches in cycles: a quiet phase, in which the writers
 * leave them alone, must end in MKWRITE; a dense phase, in which every
 * submit waits for enough fresh pages to be written, in PAGETABLE.
 */
#define RACE_BOS		4
#define RACE_PAGES		64
#define RACE_WRITES		1000000ul
#define RACE_MIN_SUBMITS	48
#define RACE_RUN_SUBMITS	6
#define RACE_MAX_CYCLES		4
#define RACE_TIMEOUT_S		600

/* The watched objects are in @mode; count the changes seen. */
static bool race_expect_mode(int fd, struct vcoh_race *r, uint32_t mode,
			     uint32_t *last, unsigned int *changes)
{
	for (unsigned int bo = 0; bo < r->nbos; bo++) {
		struct drm_vcoh_stats s = { .handle = r->handles[bo] };
		int ret;

		if (!(r->watched >> bo & 1))
			continue;
		ret = __vcoh_stats(fd, &s);
		if (ret)
			return vcoh_race_fail(r, "stats: %d\n", ret);
		if (s.mode != mode)
			return vcoh_race_fail(r,
					      "bo %u in mode %u after submit %lu, expected %u\n",
					      bo, s.mode, r->submits, mode);
		if (s.mode != last[bo])
			changes[bo]++;
		last[bo] = s.mode;
	}
	return true;
}

/* Free running, then quiet (to MKWRITE), then dense (to PAGETABLE). */
static bool race_cycle(int fd, struct vcoh_race *r,
		       const struct vcoh_auto_params *ap, const size_t *need,
		       uint32_t *last, unsigned int *changes)
{
	unsigned int i;

	for (i = 0; i < RACE_RUN_SUBMITS; i++)
		if (!vcoh_race_step(fd, r))
			return false;

	/* The first quiet submit may still find writes, the rest do not. */
	if (!vcoh_race_set_phase(r, VCOH_RACE_QUIET))
		return false;
	for (i = 0; i < ap->switch_scans + 2; i++)
		if (!vcoh_race_step(fd, r))
			return false;
	if (!race_expect_mode(fd, r, VCOH_BO_TRACK_MKWRITE, last, changes))
		return false;

	if (!vcoh_race_set_phase(r, VCOH_RACE_DENSE))
		return false;
	for (i = 0; i <= ap->switch_scans; i++)
		if (!vcoh_race_wait_written(r, need) || !vcoh_race_step(fd, r))
			return false;
	if (!race_expect_mode(fd, r, VCOH_BO_TRACK_PAGETABLE, last, changes))
		return false;

	return vcoh_race_set_phase(r, VCOH_RACE_RUN);
}

static void test_race(int fd, uint32_t track)
{
	struct vcoh_auto_params ap = vcoh_auto_params(fd);
	bool phased = track == VCOH_BO_TRACK_AUTO;
	uint32_t last[RACE_BOS];
	unsigned int changes[RACE_BOS] = {};
	size_t need[RACE_BOS] = {}, all_pages = 0;
	unsigned int cycles = 0;
	unsigned long writes;
	struct vcoh_race *r;

	vcoh_race_require();
	if (phased)
		igt_require(ap.max_pages > RACE_PAGES && ap.max_pages <= 2048 &&
			    ap.dense_percent < 100 && ap.switch_scans < 64);

	r = xzalloc(sizeof(*r));
	r->nbos = RACE_BOS;
	/*
	 * One submit of all objects flushes the TLB once at most, unless
	 * other processes use the device meanwhile (make soak sets
	 * VCOH_DEVICE_SHARED): it flushes their ranges on its queue too.
	 */
	r->max_flushes = getenv("VCOH_DEVICE_SHARED") ? UINT64_MAX : 1;
	for (unsigned int bo = 0; bo < RACE_BOS; bo++) {
		/* AUTO: the first starts MKWRITE, the others PAGETABLE. */
		size_t npages = phased && !bo ? ap.max_pages : RACE_PAGES;

		r->b[bo] = vcoh_bo_new(fd, npages, track);
		last[bo] = vcoh_auto_initial_mode(&ap, track, npages);
		igt_assert_eq_u32(bo_stats(fd, r->b[bo].handle).mode, last[bo]);
		all_pages += npages;
		if (phased && bo < 2) {
			vcoh_race_watch(r, bo);
			need[bo] = vcoh_auto_dense_pages(&ap, npages);
		}
	}

	vcoh_race_start(r);
	while (phased && cycles < RACE_MAX_CYCLES &&
	       (!cycles || vcoh_race_writes(r) < RACE_WRITES)) {
		if (!race_cycle(fd, r, &ap, need, last, changes))
			break;
		cycles++;
	}
	vcoh_race_run(fd, r, RACE_WRITES, RACE_MIN_SUBMITS, RACE_TIMEOUT_S);
	writes = vcoh_race_stop(r);
	vcoh_race_check_device(fd, r, track == VCOH_BO_TRACK_NONE ?
				      all_pages : 0);

	igt_info("%lu writes, %lu submits, %lu words checked, %u cycles\n",
		 writes, r->submits, r->checked, cycles);
	igt_assert_cmpu64(writes, >=, <, RACE_WRITES);
	if (phased)
		igt_assert_lt(0, cycles);
	for (unsigned int bo = 0; bo < RACE_BOS; bo++) {
		struct drm_vcoh_stats bs = bo_stats(fd, r->handles[bo]);

		if (!phased) {
			igt_assert_eq_u32(bs.mode, track);
			igt_assert_eq_u64(bs.mode_switches, 0);
			continue;
		}
		if (bs.mode != last[bo])
			changes[bo]++;
		igt_info("bo %u, %zu pages: %llu switches, %u seen, mode %u\n",
			 bo, r->b[bo].npages,
			 (unsigned long long)bs.mode_switches, changes[bo],
			 bs.mode);
		igt_assert_cmpu64(bs.mode_switches, >=, <, changes[bo]);
		if (r->watched >> bo & 1)
			igt_assert_cmpu64(bs.mode_switches, >, <=, 0);
	}
	vcoh_race_free(fd, r);
}

#define AUTO_PAGES	64

struct auto_sum {
	uint64_t submits;
	uint64_t copied;
	uint64_t faults;
};

/* Submit @b alone: @expect pages copied, and the device has them. */
static void auto_submit(int fd, const struct vcoh_bo *b, size_t expect,
			struct auto_sum *sum)
{
	struct drm_vcoh_submit s = submit_one(fd, b);

	igt_assert_eq_u64(s.pages_copied, expect);
	vcoh_bo_check_device_is_cpu(fd, b);
	sum->submits++;
	sum->copied += s.pages_copied;
}

static void expect_mode(int fd, const struct vcoh_bo *b, uint32_t mode,
			uint64_t switches)
{
	struct drm_vcoh_stats s = bo_stats(fd, b->handle);

	igt_assert_eq_u32(s.mode, mode);
	igt_assert_eq_u64(s.mode_switches, switches);
}

/* Write @n pages; in MKWRITE each costs one recorded fault. */
static void auto_write(int fd, struct vcoh_bo *b, size_t first, size_t n,
		       uint8_t val, struct auto_sum *sum)
{
	struct drm_vcoh_stats s = bo_stats(fd, b->handle);

	write_pages(b, first, n, val);
	if (s.mode == VCOH_BO_TRACK_MKWRITE)
		sum->faults += n;
	igt_assert_eq_u64(bo_stats(fd, b->handle).mkwrite_faults, sum->faults);
}

static void expect_initial_mode(int fd, size_t npages, uint32_t mode)
{
	uint32_t handle = vcoh_bo_create_tracked(fd, npages * ps,
						 VCOH_BO_TRACK_AUTO);

	igt_assert_eq_u32(bo_stats(fd, handle).mode, mode);
	gem_close(fd, handle);
}

static void test_auto_switch(int fd)
{
	struct vcoh_auto_params ap = vcoh_auto_params(fd);
	size_t need = vcoh_auto_dense_pages(&ap, AUTO_PAGES);
	struct drm_vcoh_stats d0, d1, s;
	struct auto_sum sum = {};
	uint8_t *page = xzalloc(ps);
	struct vcoh_bo b;
	uint8_t v = 1;
	unsigned int i;

	igt_require(ap.max_pages > AUTO_PAGES && ap.max_pages <= 1024);
	igt_require(need <= AUTO_PAGES && ap.switch_scans < 64);

	vcoh_stats(fd, 0, &d0);
	b = vcoh_bo_new(fd, AUTO_PAGES, VCOH_BO_TRACK_AUTO);

	/* Idle: the walks find nothing; one more than allowed, MKWRITE. */
	for (i = 0; i <= ap.switch_scans; i++) {
		expect_mode(fd, &b, VCOH_BO_TRACK_PAGETABLE, 0);
		auto_submit(fd, &b, 0, &sum);
	}
	expect_mode(fd, &b, VCOH_BO_TRACK_MKWRITE, 1);

	/* A first write to a page faults; more writes to it do not. */
	write_pages(&b, 3, 1, v++);
	write_pages(&b, 3, 1, v++);
	sum.faults++;
	igt_assert_eq_u64(bo_stats(fd, b.handle).mkwrite_faults, sum.faults);
	auto_write(fd, &b, 40, 1, v++, &sum);
	auto_submit(fd, &b, 2, &sum);
	expect_mode(fd, &b, VCOH_BO_TRACK_MKWRITE, 1);

	/* Up to auto_dense_percent of the pages per scan: stay MKWRITE. */
	for (i = 0; i <= ap.switch_scans; i++) {
		auto_write(fd, &b, i * 5, need - 1, v++, &sum);
		auto_submit(fd, &b, need - 1, &sum);
	}
	expect_mode(fd, &b, VCOH_BO_TRACK_MKWRITE, 1);

	/* Dense: all pages, the last time just enough; then PAGETABLE. */
	for (i = 0; i <= ap.switch_scans; i++) {
		size_t n = i == ap.switch_scans ? need : b.npages;

		expect_mode(fd, &b, VCOH_BO_TRACK_MKWRITE, 1);
		auto_write(fd, &b, i, n, v++, &sum);
		auto_submit(fd, &b, n, &sum);
	}
	expect_mode(fd, &b, VCOH_BO_TRACK_PAGETABLE, 2);

	/* Sparse: never idle, so never leaves PAGETABLE; no faults counted. */
	for (i = 0; i < 2 * (ap.switch_scans + 1); i++) {
		auto_write(fd, &b, i * 11, 1, v++, &sum);
		auto_submit(fd, &b, 1, &sum);
		expect_mode(fd, &b, VCOH_BO_TRACK_PAGETABLE, 2);
	}

	/* Only consecutive idle scans count. */
	for (i = 0; i < ap.switch_scans; i++)
		auto_submit(fd, &b, 0, &sum);
	auto_write(fd, &b, 7, 1, v++, &sum);
	auto_submit(fd, &b, 1, &sum);
	for (i = 0; i < ap.switch_scans; i++)
		auto_submit(fd, &b, 0, &sum);
	expect_mode(fd, &b, VCOH_BO_TRACK_PAGETABLE, 2);
	auto_submit(fd, &b, 0, &sum);
	expect_mode(fd, &b, VCOH_BO_TRACK_MKWRITE, 3);

	/* The object's counters add up. */
	s = bo_stats(fd, b.handle);
	igt_assert_eq_u64(s.submits, sum.submits);
	igt_assert_eq_u64(s.scans, sum.submits);
	igt_assert_eq_u64(s.pages_copied, sum.copied);
	igt_assert_eq_u64(s.pages_dirty, sum.copied);
	igt_assert_eq_u64(s.mkwrite_faults, sum.faults);
	igt_assert_cmpu64(s.mkwrite_faults, >, <=, 0);
	igt_assert_eq_u64(s.device_writes, 0);

	/* The device's sums include them. */
	vcoh_stats(fd, 0, &d1);
	igt_assert_eq_u32(d1.mode, 0);
	igt_assert_cmpu64(d1.mode_switches - d0.mode_switches, >=, <, 3);
	igt_assert_cmpu64(d1.submits - d0.submits, >=, <, sum.submits);
	igt_assert_cmpu64(d1.scans - d0.scans, >=, <, sum.submits);
	igt_assert_cmpu64(d1.pages_copied - d0.pages_copied, >=, <, sum.copied);
	igt_assert_cmpu64(d1.mkwrite_faults - d0.mkwrite_faults, >=, <,
			  sum.faults);
	vcoh_bo_free(fd, &b);

	/* Large objects start in MKWRITE. */
	expect_initial_mode(fd, ap.max_pages - 1, VCOH_BO_TRACK_PAGETABLE);
	expect_initial_mode(fd, ap.max_pages, VCOH_BO_TRACK_MKWRITE);
	b = vcoh_bo_new(fd, 1024, VCOH_BO_TRACK_AUTO);
	expect_mode(fd, &b, VCOH_BO_TRACK_MKWRITE, 0);
	b.map[700 * ps + 3] = 0x42;
	igt_assert_eq_u64(bo_stats(fd, b.handle).mkwrite_faults, 1);
	igt_assert_eq_u64(submit_one(fd, &b).pages_copied, 1);
	vcoh_device_read(fd, b.handle, 700 * ps, page, ps);
	check_bytes(page, b.map + 700 * ps, ps, "device memory of page 700");
	vcoh_bo_free(fd, &b);
	free(page);
}

#define STATS_PAGES	16

static void expect_no_counts(const struct drm_vcoh_stats *s)
{
	igt_assert_eq_u64(s->submits, 0);
	igt_assert_eq_u64(s->scans, 0);
	igt_assert_eq_u64(s->pages_scanned, 0);
	igt_assert_eq_u64(s->pages_dirty, 0);
	igt_assert_eq_u64(s->pages_copied, 0);
	igt_assert_eq_u64(s->tlb_flushes_queued, 0);
	igt_assert_eq_u64(s->tlb_flushes_issued, 0);
	igt_assert_eq_u64(s->mkwrite_faults, 0);
	igt_assert_eq_u64(s->mode_switches, 0);
	igt_assert_eq_u64(s->device_writes, 0);
}

/* Counters after @prev and one submit that returned @sub. */
static void expect_submit_counts(const struct drm_vcoh_stats *prev,
				 const struct drm_vcoh_stats *s,
				 const struct drm_vcoh_submit *sub,
				 uint64_t dirty)
{
	igt_assert_eq_u64(s->submits, prev->submits + 1);
	igt_assert_eq_u64(s->scans, prev->scans + 1);
	igt_assert_eq_u64(s->pages_scanned,
			  prev->pages_scanned + sub->pages_scanned);
	igt_assert_eq_u64(s->pages_dirty, prev->pages_dirty + dirty);
	igt_assert_eq_u64(s->pages_copied,
			  prev->pages_copied + sub->pages_copied);
	igt_assert_eq_u64(s->tlb_flushes_issued,
			  prev->tlb_flushes_issued + sub->tlb_flushes);
	igt_assert_cmpu64(s->tlb_flushes_queued, <=, >, s->scans);
	igt_assert_cmpu64(s->pages_scanned, >=, <, s->pages_dirty);
	igt_assert_eq_u64(s->mkwrite_faults, prev->mkwrite_faults);
	igt_assert_eq_u64(s->device_writes, prev->device_writes);
}

static void test_stats(int fd, uint32_t track)
{
	struct vcoh_auto_params ap = vcoh_auto_params(fd);
	bool tracked = track != VCOH_BO_TRACK_NONE;
	struct drm_vcoh_stats d0, d1, s0, s1, s2;
	struct drm_vcoh_submit sub;
	struct drm_vcoh_dirty_bo e;
	uint8_t data[100];
	uint64_t bits, all;
	struct vcoh_bo b;

	if (track == VCOH_BO_TRACK_AUTO)
		igt_require(ap.max_pages > STATS_PAGES);

	vcoh_stats(fd, 0, &d0);
	b = vcoh_bo_new(fd, STATS_PAGES, track);
	all = b.npages;

	/* New: nothing counted, in the mode it was created for. */
	s0 = bo_stats(fd, b.handle);
	igt_assert_eq_u32(s0.mode, vcoh_auto_initial_mode(&ap, track, b.npages));
	expect_no_counts(&s0);

	/* Three pages, one of them twice: MKWRITE faults once per page. */
	b.map[1 * ps] = 1;
	b.map[1 * ps + 100] = 2;
	b.map[6 * ps + 7] = 3;
	b.map[15 * ps + ps - 1] = 4;
	s1 = bo_stats(fd, b.handle);
	igt_assert_eq_u64(s1.mkwrite_faults,
			  s0.mode == VCOH_BO_TRACK_MKWRITE ? 3 : 0);
	igt_assert_eq_u64(s1.submits, 0);
	igt_assert_eq_u64(s1.scans, 0);

	sub = submit_one(fd, &b);
	igt_assert_eq_u64(sub.pages_copied, tracked ? 3 : all);
	s2 = bo_stats(fd, b.handle);
	expect_submit_counts(&s1, &s2, &sub, tracked ? 3 : all);
	igt_assert_cmpu64(s2.tlb_flushes_issued, <=, >, 1);
	igt_assert_eq_u64(s2.mode_switches, 0);
	vcoh_bo_check_device_is_cpu(fd, &b);

	/* Nothing written: a scan, nothing copied. */
	s1 = s2;
	sub = submit_one(fd, &b);
	igt_assert_eq_u64(sub.pages_copied, tracked ? 0 : all);
	s2 = bo_stats(fd, b.handle);
	expect_submit_counts(&s1, &s2, &sub, tracked ? 0 : all);

	/* BO_DIRTY takes the object like a submit. */
	b.map[9 * ps] = 5;
	s1 = bo_stats(fd, b.handle);
	e = (struct drm_vcoh_dirty_bo){
		.handle = b.handle,
		.bitmap_ptr = (uintptr_t)&bits,
		.bitmap_size = sizeof(bits),
	};
	vcoh_bo_dirty(fd, &e, 1, NULL);
	igt_assert_eq_u64(e.num_dirty, tracked ? 1 : all);
	s2 = bo_stats(fd, b.handle);
	igt_assert_eq_u64(s2.submits, s1.submits + 1);
	igt_assert_eq_u64(s2.scans, s1.scans + 1);
	igt_assert_eq_u64(s2.pages_dirty, s1.pages_dirty + e.num_dirty);
	igt_assert_eq_u64(s2.pages_copied, s1.pages_copied + e.num_dirty);
	vcoh_bo_check_device_is_cpu(fd, &b);

	/* Device writes are counted, and are not submits or CPU writes. */
	s1 = s2;
	vcoh_device_fill(fd, b.handle, 2 * ps, ps, 0x11223344);
	memset(data, 0x42, sizeof(data));
	vcoh_device_write(fd, b.handle, 12 * ps + 8, data, sizeof(data));
	s2 = bo_stats(fd, b.handle);
	igt_assert_eq_u64(s2.device_writes, 2);
	igt_assert_eq_u64(s2.submits, s1.submits);
	igt_assert_eq_u64(s2.mkwrite_faults, s1.mkwrite_faults);
	vcoh_bo_check_device_is_cpu(fd, &b);

	/* Later writes count the same, in whatever mode AUTO is in now. */
	s1 = s2;
	b.map[2 * ps + 5] = 6;
	b.map[0] = 7;
	b.map[1] = 8;
	s2 = bo_stats(fd, b.handle);
	igt_assert_eq_u64(s2.mkwrite_faults, s1.mkwrite_faults +
			  (s1.mode == VCOH_BO_TRACK_MKWRITE ? 2 : 0));
	s1 = s2;
	sub = submit_one(fd, &b);
	igt_assert_eq_u64(sub.pages_copied, tracked ? 2 : all);
	s2 = bo_stats(fd, b.handle);
	expect_submit_counts(&s1, &s2, &sub, tracked ? 2 : all);
	vcoh_bo_check_device_is_cpu(fd, &b);
	if (track != VCOH_BO_TRACK_AUTO) {
		igt_assert_eq_u32(s2.mode, track);
		igt_assert_eq_u64(s2.mode_switches, 0);
	}

	/* The device's sums include all of it. */
	vcoh_stats(fd, 0, &d1);
	igt_assert_eq_u32(d1.mode, 0);
	igt_assert_cmpu64(d1.submits - d0.submits, >=, <, s2.submits);
	igt_assert_cmpu64(d1.scans - d0.scans, >=, <, s2.scans);
	igt_assert_cmpu64(d1.pages_dirty - d0.pages_dirty, >=, <,
			  s2.pages_dirty);
	igt_assert_cmpu64(d1.pages_copied - d0.pages_copied, >=, <,
			  s2.pages_copied);
	igt_assert_cmpu64(d1.mkwrite_faults - d0.mkwrite_faults, >=, <,
			  s2.mkwrite_faults);
	igt_assert_cmpu64(d1.device_writes - d0.device_writes, >=, <, 2);
	vcoh_bo_free(fd, &b);
}

/* User memory the ioctls cannot use. */
struct bad_mem {
	uint8_t *edge;	/* two pages, the second PROT_NONE */
	void *none;	/* PROT_NONE */
	void *ro;	/* PROT_READ */
};

static void *anon_map(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

static struct bad_mem bad_mem_new(void)
{
	struct bad_mem m;

	m.edge = anon_map(2 * ps, PROT_READ | PROT_WRITE);
	memset(m.edge, 0x77, ps);
	igt_assert_eq(mprotect(m.edge + ps, ps, PROT_NONE), 0);
	m.none = anon_map(ps, PROT_NONE);
	m.ro = anon_map(ps, PROT_READ);
	return m;
}

static void bad_mem_free(struct bad_mem *m)
{
	munmap(m->edge, 2 * ps);
	munmap(m->none, ps);
	munmap(m->ro, ps);
}

/*
 * Before each bad call both objects get writes that the call must neither
 * copy nor lose: the next good submit copies exactly those pages.
 */
static void submit_invalid_cases(int fd, struct vcoh_bo *bos, uint32_t closed,
				 const uint32_t *many, const uint32_t *straddle,
				 const void *unmapped)
{
	uint32_t h0 = bos[0].handle, h1 = bos[1].handle;
	uint32_t good[] = { h0, h1 };
	uint32_t bad_last[] = { h0, 0xdeadbeef };
	uint32_t bad_first[] = { 0xdeadbeef, h0 };
	uint32_t with_closed[] = { h0, closed };
	uint32_t zero[] = { 0 };
	uint32_t dup[] = { h0, h0 };
	uint32_t dup_apart[] = { h0, h1, h0 };
	const struct {
		const char *what;
		const void *handles;
		uint32_t count;
		uint32_t flags;
		int err;
	} cases[] = {
		{ "count 0", good, 0, 0, -EINVAL },
		{ "count above the maximum", many, VCOH_SUBMIT_MAX_BOS + 1, 0,
		  -EINVAL },
		{ "count ~0", many, ~0u, 0, -EINVAL },
		{ "flags 1", good, 2, 1, -EINVAL },
		{ "flags bit 31", good, 2, 1u << 31, -EINVAL },
		{ "bad last handle", bad_last, 2, 0, -ENOENT },
		{ "bad first handle", bad_first, 2, 0, -ENOENT },
		{ "closed handle", with_closed, 2, 0, -ENOENT },
		{ "handle 0", zero, 1, 0, -ENOENT },
		{ "duplicate handle", dup, 2, 0, -EINVAL },
		{ "duplicate handle, apart", dup_apart, 3, 0, -EINVAL },
		{ "NULL handles", NULL, 1, 0, -EFAULT },
		{ "unmapped handles", unmapped, 1, 0, -EFAULT },
		{ "handles into an unmapped page", straddle, 2, 0, -EFAULT },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct drm_vcoh_submit arg = {
			.handles_ptr = (uintptr_t)cases[i].handles,
			.count = cases[i].count,
			.flags = cases[i].flags,
		};
		struct drm_vcoh_stats before[2], after;
		uint8_t *dev[2];
		size_t n = 0;
		int ret;

		igt_debug("%s\n", cases[i].what);
		for (int j = 0; j < 2; j++) {
			size_t k = 1 + (i + j) % 3;

			write_pages(&bos[j], i * 3 + j, k, i + 1);
			n += k;
			before[j] = bo_stats(fd, bos[j].handle);
			dev[j] = xzalloc(bos[j].size);
			vcoh_device_read(fd, bos[j].handle, 0, dev[j],
					 bos[j].size);
		}
		ret = __vcoh_submit(fd, &arg);
		igt_assert_f(ret == cases[i].err, "%s: %d, expected %d\n",
			     cases[i].what, ret, cases[i].err);
		/* Nothing scanned, nothing copied. */
		for (int j = 0; j < 2; j++) {
			after = bo_stats(fd, bos[j].handle);
			igt_assert_eq_u64(after.scans, before[j].scans);
			igt_assert_eq_u64(after.pages_scanned,
					  before[j].pages_scanned);
			igt_assert_eq_u64(after.pages_dirty,
					  before[j].pages_dirty);
			igt_assert_eq_u64(after.pages_copied,
					  before[j].pages_copied);
			vcoh_bo_check_device(fd, &bos[j], dev[j], cases[i].what);
			free(dev[j]);
		}

		/* Nothing lost. */
		arg = (struct drm_vcoh_submit){
			.handles_ptr = (uintptr_t)good,
			.count = 2,
		};
		igt_assert_eq(__vcoh_submit(fd, &arg), 0);
		igt_assert_eq_u64(arg.pages_copied, n);
		for (int j = 0; j < 2; j++)
			vcoh_bo_check_device_is_cpu(fd, &bos[j]);
	}
}

static void test_submit_invalid(int fd)
{
	struct bad_mem m = bad_mem_new();
	uint32_t closed, *many, *straddle;
	struct vcoh_bo bos[2];

	bos[0] = vcoh_bo_new(fd, 16, VCOH_BO_TRACK_PAGETABLE);
	bos[1] = vcoh_bo_new(fd, 16, VCOH_BO_TRACK_MKWRITE);
	closed = closed_handle(fd);

	/* Good handles first: the count must be checked before they are. */
	many = xzalloc((VCOH_SUBMIT_MAX_BOS + 1) * sizeof(*many));
	many[0] = bos[0].handle;
	many[1] = bos[1].handle;
	/* A good handle, then the unmapped page. */
	straddle = (uint32_t *)(m.edge + ps) - 1;
	*straddle = bos[0].handle;

	submit_invalid_cases(fd, bos, closed, many, straddle, m.none);

	free(many);
	vcoh_bo_free(fd, &bos[0]);
	vcoh_bo_free(fd, &bos[1]);
	bad_mem_free(&m);
}

#define INV_PAGES	8

/* An object whose CPU view and device memory both hold @shadow. */
static struct vcoh_bo inv_bo_new(int fd, uint32_t track, uint8_t *shadow,
				 uint8_t seed)
{
	struct vcoh_bo b = vcoh_bo_new(fd, INV_PAGES, track);

	cpu_write(&b, shadow, 0, b.size, seed);
	submit_one(fd, &b);
	vcoh_bo_check_device(fd, &b, shadow, "device memory after setup");
	return b;
}

static void check_unchanged(int fd, const struct vcoh_bo *b,
			    const uint8_t *shadow, const char *what)
{
	vcoh_bo_check_device(fd, b, shadow, what);
	check_bytes(b->map, shadow, b->size, what);
}

#define DW(h, fl, off, sz, ptr, val, pd) { \
	.handle = (h), .flags = (fl), .offset = (off), .size = (sz), \
	.data_ptr = (uintptr_t)(ptr), .value = (val), .pad = (pd) }

static void test_device_write_invalid(int fd)
{
	const uint64_t max_data = VCOH_DEVICE_WRITE_MAX_DATA;
	const uint32_t fill = VCOH_DEVICE_WRITE_FILL;
	struct bad_mem m = bad_mem_new();
	uint8_t *data = xzalloc(ps);

	memset(data, 0x77, ps);
	for (unsigned int mi = 0; mi < ARRAY_SIZE(vcoh_modes); mi++) {
		uint8_t *shadow = xzalloc(INV_PAGES * ps);
		struct vcoh_bo b = inv_bo_new(fd, vcoh_modes[mi].track, shadow, mi + 1);
		uint32_t h = b.handle, closed = closed_handle(fd);
		uint64_t size = b.size;
		const struct {
			const char *what;
			struct drm_vcoh_device_write arg;
			int err;
		} cases[] = {
			{ "unknown flag",
			  DW(h, 2, ps, 64, data, 0, 0), -EINVAL },
			{ "unknown flag with fill",
			  DW(h, fill | 1u << 31, ps, 64, 0, 1, 0), -EINVAL },
			{ "pad", DW(h, 0, ps, 64, data, 0, 1), -EINVAL },
			{ "pad with fill",
			  DW(h, fill, ps, 64, 0, 1, 1), -EINVAL },
			{ "size 0", DW(h, 0, ps, 0, data, 0, 0), -EINVAL },
			{ "fill size 0", DW(h, fill, ps, 0, 0, 1, 0), -EINVAL },
			{ "past the end",
			  DW(h, 0, size - 32, 64, data, 0, 0), -EINVAL },
			{ "fill past the end",
			  DW(h, fill, size - 32, 64, 0, 1, 0), -EINVAL },
			{ "offset at the end",
			  DW(h, 0, size, 1, data, 0, 0), -EINVAL },
			{ "fill range wraps",
			  DW(h, fill, ~3ull, 8, 0, 1, 0), -EINVAL },
			{ "data range wraps",
			  DW(h, 0, 2 * ps, ~0ull - ps, data, 0, 0), -EINVAL },
			{ "fill offset not a multiple of 4",
			  DW(h, fill, ps + 2, 64, 0, 1, 0), -EINVAL },
			{ "fill size not a multiple of 4",
			  DW(h, fill, ps, 62, 0, 1, 0), -EINVAL },
			{ "fill with data",
			  DW(h, fill, ps, 64, data, 1, 0), -EINVAL },
			{ "data above the maximum",
			  DW(h, 0, 0, max_data + 1, data, 0, 0), -EINVAL },
			{ "value without fill",
			  DW(h, 0, ps, 64, data, 1, 0), -EINVAL },
			{ "bad handle",
			  DW(0xdeadbeef, 0, ps, 64, data, 0, 0), -ENOENT },
			{ "fill handle 0",
			  DW(0, fill, ps, 64, 0, 1, 0), -ENOENT },
			{ "closed handle",
			  DW(closed, 0, ps, 64, data, 0, 0), -ENOENT },
			{ "NULL data", DW(h, 0, ps, 64, 0, 0, 0), -EFAULT },
			{ "unmapped data",
			  DW(h, 0, ps, 64, m.none, 0, 0), -EFAULT },
			{ "data into an unmapped page",
			  DW(h, 0, ps, 64, m.edge + ps - 32, 0, 0), -EFAULT },
			{ "data over two pages into an unmapped page",
			  DW(h, 0, ps - 16, 64, m.edge + ps - 40, 0, 0),
			  -EFAULT },
		};

		for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
			struct drm_vcoh_device_write arg = cases[i].arg;
			int ret = __vcoh_device_write(fd, &arg);

			igt_assert_f(ret == cases[i].err,
				     "%s, %s: %d, expected %d\n",
				     vcoh_modes[mi].name, cases[i].what, ret,
				     cases[i].err);
			check_unchanged(fd, &b, shadow, cases[i].what);
		}

		/* CPU writes pending around bad calls are not lost. */
		for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
			struct drm_vcoh_device_write arg = cases[i].arg;
			int ret;

			cpu_write(&b, shadow, (i % INV_PAGES) * ps + 3 * i, 3,
				  0xe0 + i);
			ret = __vcoh_device_write(fd, &arg);
			igt_assert_f(ret == cases[i].err,
				     "%s, %s: %d, expected %d\n",
				     vcoh_modes[mi].name, cases[i].what, ret,
				     cases[i].err);
			check_bytes(b.map, shadow, b.size, cases[i].what);
		}
		submit_one(fd, &b);
		check_unchanged(fd, &b, shadow, "after a submit");

		/* And a good call still works. */
		vcoh_device_write(fd, h, ps + 8, data, 64);
		memcpy(shadow + ps + 8, data, 64);
		check_unchanged(fd, &b, shadow, "after a good device write");

		vcoh_bo_free(fd, &b);
		free(shadow);
	}
	free(data);
	bad_mem_free(&m);
}

#define DR(h, off, sz, ptr, pd) { \
	.handle = (h), .offset = (off), .size = (sz), \
	.data_ptr = (uintptr_t)(ptr), .pad = (pd) }

static void test_device_read_invalid(int fd)
{
	struct bad_mem m = bad_mem_new();
	uint8_t *buf = xzalloc(2 * ps), *sentinel = xzalloc(2 * ps);

	for (unsigned int mi = 0; mi < ARRAY_SIZE(vcoh_modes); mi++) {
		uint8_t *shadow = xzalloc(INV_PAGES * ps);
		struct vcoh_bo b = inv_bo_new(fd, vcoh_modes[mi].track, shadow, mi + 1);
		uint32_t h = b.handle, closed = closed_handle(fd);
		uint64_t size = b.size;
		const struct {
			const char *what;
			struct drm_vcoh_device_read arg;
			int err;
		} cases[] = {
			{ "pad", DR(h, 0, 64, buf, 1), -EINVAL },
			{ "past the end",
			  DR(h, size - 32, 64, buf, 0), -EINVAL },
			{ "offset at the end",
			  DR(h, size, 1, buf, 0), -EINVAL },
			{ "range wraps",
			  DR(h, ~0ull - 31, 64, buf, 0), -EINVAL },
			{ "size ~0", DR(h, 0, ~0ull, buf, 0), -EINVAL },
			{ "bad handle",
			  DR(0xdeadbeef, 0, 64, buf, 0), -ENOENT },
			{ "handle 0", DR(0, 0, 64, buf, 0), -ENOENT },
			{ "closed handle", DR(closed, 0, 64, buf, 0), -ENOENT },
			{ "NULL data", DR(h, 0, 64, 0, 0), -EFAULT },
			{ "unmapped data", DR(h, 0, 64, m.none, 0), -EFAULT },
			{ "read-only data", DR(h, 0, 64, m.ro, 0), -EFAULT },
			{ "data into an unmapped page",
			  DR(h, 0, 64, m.edge + ps - 32, 0), -EFAULT },
			{ "data over two pages into an unmapped page",
			  DR(h, ps - 16, 64, m.edge + ps - 40, 0), -EFAULT },
		};
		struct drm_vcoh_device_read empty = DR(h, 8, 0, buf, 0);

		for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
			struct drm_vcoh_device_read arg = cases[i].arg;
			int ret = __vcoh_device_read(fd, &arg);

			igt_assert_f(ret == cases[i].err,
				     "%s, %s: %d, expected %d\n",
				     vcoh_modes[mi].name, cases[i].what, ret,
				     cases[i].err);
			check_unchanged(fd, &b, shadow, cases[i].what);
		}

		/* Size 0 copies nothing; the last bytes can be read. */
		memset(buf, 0xee, 2 * ps);
		memset(sentinel, 0xee, 2 * ps);
		igt_assert_eq(__vcoh_device_read(fd, &empty), 0);
		check_bytes(buf, sentinel, 2 * ps, "buffer of an empty read");
		vcoh_device_read(fd, h, size - 7, buf, 7);
		check_bytes(buf, shadow + size - 7, 7, "last bytes");
		check_unchanged(fd, &b, shadow, "after good reads");

		vcoh_bo_free(fd, &b);
		free(shadow);
	}
	free(sentinel);
	free(buf);
	bad_mem_free(&m);
}

static void test_stats_invalid(int fd)
{
	for (unsigned int mi = 0; mi < ARRAY_SIZE(vcoh_modes); mi++) {
		uint8_t *shadow = xzalloc(INV_PAGES * ps);
		struct vcoh_bo b = inv_bo_new(fd, vcoh_modes[mi].track, shadow, mi + 1);
		uint32_t h = b.handle, closed = closed_handle(fd);
		struct drm_vcoh_stats s0 = bo_stats(fd, h), s;
		const struct {
			const char *what;
			struct drm_vcoh_stats arg;
			int err;
		} cases[] = {
			{ "flags 1", { .handle = h, .flags = 1 }, -EINVAL },
			{ "flags bit 31", { .handle = h, .flags = 1u << 31 },
			  -EINVAL },
			{ "pad", { .handle = h, .pad = 1 }, -EINVAL },
			{ "device, flags 1", { .flags = 1 }, -EINVAL },
			{ "device, pad", { .pad = 1 }, -EINVAL },
			{ "bad handle", { .handle = 0xdeadbeef }, -ENOENT },
			{ "closed handle", { .handle = closed }, -ENOENT },
		};

		for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
			struct drm_vcoh_stats arg = cases[i].arg;
			int ret = __vcoh_stats(fd, &arg);

			igt_assert_f(ret == cases[i].err,
				     "%s, %s: %d, expected %d\n",
				     vcoh_modes[mi].name, cases[i].what, ret,
				     cases[i].err);
			s = bo_stats(fd, h);
			igt_assert_f(!memcmp(&s, &s0, sizeof(s)),
				     "%s: the object's counters changed\n",
				     cases[i].what);
			check_unchanged(fd, &b, shadow, cases[i].what);
		}

		vcoh_bo_free(fd, &b);
		free(shadow);
	}
}

static const struct vcoh_mode_case per_mode[] = {
	{ "device-to-cpu",
	  "Device writes, fill and data, aligned or not, over pages the CPU wrote and did not submit: the same mapping shows the device's data merged with the CPU's, and the device keeps every CPU write.",
	  test_device_to_cpu },
	{ "race",
	  "Writers on vCPU 0 store into four objects while vCPU 1 submits them: no write that landed before a submit is missing from the device, and a last submit makes the device equal to the CPU.",
	  test_race },
	{ "stats",
	  "The counters of an object after a known sequence of writes, submits, BO_DIRTY and device writes.",
	  test_stats },
};

/* Debugfs file @name of @fd's DRM device into @buf; skip if none. */
static void read_debugfs(int fd, const char *name, char *buf, size_t size)
{
	igt_require_f(vcoh_debugfs_read(fd, name, buf, size),
		      "no debugfs %s\n", name);
}

/* The number after the word @key in @line, which must have it. */
static uint64_t debugfs_value(const char *line, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = line; (p = strstr(p, key)); p++)
		if ((p == line || p[-1] == ' ') && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 0);
	igt_assert_f(false, "no %s in: %.200s\n", key, line);
	return 0;
}

static void test_stats_debugfs(int fd)
{
	static char buf[1 << 16];
	struct drm_vcoh_stats dev, st;
	char key[64], *line;
	struct vcoh_bo b;
	uint64_t offset;

	b = vcoh_bo_new(fd, 8, VCOH_BO_TRACK_PAGETABLE);
	b.map[2 * ps] = 1;
	b.map[5 * ps] = 2;
	submit_one(fd, &b);
	st = bo_stats(fd, b.handle);
	vcoh_stats(fd, 0, &dev);

	/* "stats": the device's counters, as the ioctl gives them. */
	read_debugfs(fd, "stats", buf, sizeof(buf));
	igt_assert_eq_u64(debugfs_value(buf, "submits"), dev.submits);
	igt_assert_eq_u64(debugfs_value(buf, "pages_copied"),
			  dev.pages_copied);
	igt_assert_eq_u64(debugfs_value(buf, "tlb_flushes_issued"),
			  dev.tlb_flushes_issued);

	/* "bos": a line for this object, found by its mmap offset. */
	igt_assert_eq(__vcoh_bo_mmap_offset(fd, b.handle, &offset), 0);
	read_debugfs(fd, "bos", buf, sizeof(buf));
	snprintf(key, sizeof(key), "offset 0x%llx ",
		 (unsigned long long)offset);
	line = strstr(buf, key);
	igt_assert_f(line, "no line for %s in bos\n", key);
	*strchrnul(line, '\n') = '\0';
	igt_assert(strstr(line, " mode pagetable "));
	igt_assert_eq_u64(debugfs_value(line, "pages"), 8);
	igt_assert_eq_u64(debugfs_value(line, "submits"), st.submits);
	igt_assert_eq_u64(debugfs_value(line, "pages_copied"), 2);
	igt_assert_eq_u64(debugfs_value(line, "pages_dirty"), st.pages_dirty);
	vcoh_bo_free(fd, &b);
}

static const struct {
	const char *name;
	const char *desc;
	void (*fn)(int fd);
} singles[] = {
	{ "auto-switch",
	  "AUTO starts PAGETABLE or MKWRITE by size, leaves PAGETABLE after idle scans only and MKWRITE after dense scans only, with the device coherent and the counters adding up.",
	  test_auto_switch },
	{ "submit-invalid",
	  "Bad submits fail with their documented errno, scan and copy nothing, and lose no write.",
	  test_submit_invalid },
	{ "device-write-invalid",
	  "Bad device writes fail with their documented errno and change neither the device memory nor the CPU's view.",
	  test_device_write_invalid },
	{ "device-read-invalid",
	  "Bad device reads fail with their documented errno and change nothing.",
	  test_device_read_invalid },
	{ "stats-invalid",
	  "Bad stats calls fail with their documented errno and change nothing.",
	  test_stats_invalid },
	{ "stats-debugfs",
	  "debugfs stats shows the device's counters as the ioctl does, and bos a line per object with its mode and counters.",
	  test_stats_debugfs },
};

igt_main
{
	const struct vcoh_mode *m;
	int fd = -1;

	igt_fixture {
		fd = drm_open_vcoh();
		ps = sysconf(_SC_PAGESIZE);
	}

	for (size_t p = 0; p < ARRAY_SIZE(patterns); p++) {
		igt_describe(patterns[p].desc);
		igt_subtest_with_dynamic_f("cpu-to-device-%s", patterns[p].name) {
			for (m = vcoh_mode_next(NULL, VCOH_MODES_ALL); m;
			     m = vcoh_mode_next(m, VCOH_MODES_ALL))
				igt_dynamic(m->name)
					test_cpu_to_device(fd, m->track, p);
		}
	}

	vcoh_mode_subtests(&fd, per_mode, ARRAY_SIZE(per_mode), VCOH_MODES_ALL);

	for (size_t t = 0; t < ARRAY_SIZE(singles); t++) {
		igt_describe(singles[t].desc);
		igt_subtest_f("%s", singles[t].name)
			singles[t].fn(fd);
	}

	igt_fixture {
		drm_close_driver(fd);
	}
}
