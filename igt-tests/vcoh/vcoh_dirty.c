// SPDX-License-Identifier: MIT
/*
 * Dirty tracking of vcoh buffer objects: DRM_IOCTL_VCOH_BO_DIRTY must
 * report exactly the pages the CPU wrote through any mapping, in both
 * tracking modes, whatever the mappings look like, and lose no write to a
 * scan that runs at the same time.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "igt_debugfs.h"
#include "igt_vcoh.h"
#include "igt_vcoh_bo.h"
#include "igt_vcoh_util.h"

/**
 * TEST: vcoh dirty
 * Description: Which pages of a vcoh buffer object the CPU wrote, exactly.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: DRM
 * Functionality: dirty tracking
 * Test category: functionality test
 * Feature: vcoh
 *
 * SUBTEST: single-byte
 * Description: One byte written, one page reported, once. Dynamic subtests:
 *    one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: page-edges
 * Description: Writes at the first and last byte of pages. Dynamic subtests:
 *    one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: patterns
 * Description: Sparse, dense and random writes, reported exactly. Dynamic
 *    subtests: one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: large-bo
 * Description: First, last and page-table-edge pages of an 8 MiB object.
 *    Dynamic subtests: one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: two-mappings
 * Description: Writes through two mappings of one object. Dynamic subtests:
 *    one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: readonly-mapping-first
 * Description: A skipped read-only mapping does not hide a writable one.
 *    Dynamic subtests: one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: partial-mapping
 * Description: A mapping of part of an object, at an offset into it. Dynamic
 *    subtests: one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: fork
 * Description: A forked child writes through the shared mapping. Dynamic
 *    subtests: one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: munmap
 * Description: A mapping unmapped between scans loses no write. Dynamic
 *    subtests: one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: mremap
 * Description: A mapping moved between scans loses no write. Dynamic subtests:
 *    one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: many-bos-one-flush
 * Description: A scan of 64 objects of one process flushes the TLB once.
 *    Dynamic subtests: one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: race
 * Description: Writers on one vCPU, scans on another: no write missed. Dynamic
 *    subtests: one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: invalid-dirty
 * Description: Bad arguments: a clear errno, nothing lost. Dynamic subtests:
 *    one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: untracked-reports-all
 * Description: Objects created untracked report every page.
 *
 * SUBTEST: pagetable-secondary-mmu
 * Description: In a process with a secondary MMU, writable ptes count as
 *    written.
 *
 * SUBTEST: invalid-create-track
 * Description: Tracking modes that do not exist are refused.
 */

IGT_TEST_DESCRIPTION("Which pages of a vcoh buffer object the CPU wrote, exactly.");

static size_t ps;

static size_t words_of(size_t npages)
{
	return (npages + 63) / 64;
}

static void set_page(uint64_t *bits, size_t page)
{
	bits[page / 64] |= 1ull << (page % 64);
}

static bool test_page(const uint64_t *bits, size_t page)
{
	return bits[page / 64] >> (page % 64) & 1;
}

static uint64_t *pages_new(size_t npages)
{
	uint64_t *bits = calloc(words_of(npages), sizeof(uint64_t));

	igt_assert(bits);
	return bits;
}

/* Scan one object; returns the bitmap the driver reported. */
static uint64_t *scan(int fd, const struct vcoh_bo *b, struct drm_vcoh_dirty_bo *e)
{
	uint64_t *got = pages_new(b->npages);

	*e = (struct drm_vcoh_dirty_bo){
		.handle = b->handle,
		.bitmap_ptr = (uintptr_t)got,
		.bitmap_size = words_of(b->npages) * sizeof(uint64_t),
	};
	vcoh_bo_dirty(fd, e, 1, NULL);
	return got;
}

/* The next scan reports exactly @want (NULL: nothing). */
static void expect_exact(int fd, const struct vcoh_bo *b, const uint64_t *want)
{
	struct drm_vcoh_dirty_bo e;
	uint64_t *got = scan(fd, b, &e);
	size_t n = 0, first = 0, end = 0;

	for (size_t p = 0; p < b->npages; p++) {
		bool w = want && test_page(want, p);

		igt_assert_f(test_page(got, p) == w,
			     "page %zu: reported %d, written %d\n", p,
			     test_page(got, p), w);
		if (w) {
			if (!n)
				first = p;
			end = p + 1;
			n++;
		}
	}
	igt_assert_eq_u64(e.num_dirty, n);
	igt_assert_eq_u64(e.first, first);
	igt_assert_eq_u64(e.end, end);
	free(got);
}

/* The next scan reports every page of @want, and maybe more. */
static uint64_t *expect_superset(int fd, const struct vcoh_bo *b,
				 const uint64_t *want)
{
	struct drm_vcoh_dirty_bo e;
	uint64_t *got = scan(fd, b, &e);

	for (size_t p = 0; p < b->npages; p++)
		igt_assert_f(!test_page(want, p) || test_page(got, p),
			     "page %zu written but not reported\n", p);
	return got;
}

static void write_byte(uint8_t *map, size_t offset, uint64_t *want)
{
	map[offset] ^= 0x5a;
	set_page(want, offset / ps);
}

static void test_single_byte(int fd, uint32_t track)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 16, track);
	uint64_t *want = pages_new(b.npages);
	unsigned int sum = 0;

	expect_exact(fd, &b, NULL);
	/* Reading is not writing. */
	for (size_t p = 0; p < b.npages; p++)
		sum += b.map[p * ps + p];
	igt_assert_eq(sum, 0);
	expect_exact(fd, &b, NULL);

	write_byte(b.map, 5 * ps + 123, want);
	expect_exact(fd, &b, want);
	/* Reported once: the next scan starts from clean. */
	expect_exact(fd, &b, NULL);
	/* And a page written again is reported again. */
	write_byte(b.map, 5 * ps + 7, want);
	expect_exact(fd, &b, want);
	free(want);
	vcoh_bo_free(fd, &b);
}

static void test_page_edges(int fd, uint32_t track)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 16, track);
	uint64_t *want = pages_new(b.npages);

	write_byte(b.map, 4 * ps - 1, want);
	write_byte(b.map, 4 * ps, want);
	write_byte(b.map, 16 * ps - 1, want);
	write_byte(b.map, 0, want);
	expect_exact(fd, &b, want);
	free(want);
	vcoh_bo_free(fd, &b);
}

static void test_patterns(int fd, uint32_t track)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 200, track);
	unsigned int seed = 1234;

	for (int round = 0; round < 3; round++) {
		uint64_t *want;

		want = pages_new(b.npages);	/* sparse */
		for (size_t p = round; p < b.npages; p += 7)
			write_byte(b.map, p * ps + p % ps, want);
		expect_exact(fd, &b, want);
		free(want);

		want = pages_new(b.npages);	/* dense */
		for (size_t p = 0; p < b.npages; p++)
			write_byte(b.map, p * ps + (p * 17) % ps, want);
		expect_exact(fd, &b, want);
		free(want);

		want = pages_new(b.npages);	/* random */
		for (int i = 0; i < 60; i++)
			write_byte(b.map, rand_r(&seed) % (b.npages * ps), want);
		expect_exact(fd, &b, want);
		free(want);
	}
	vcoh_bo_free(fd, &b);
}

static void test_large_bo(int fd, uint32_t track)
{
	/* 8 MiB: four page tables' worth of ptes. */
	struct vcoh_bo b = vcoh_bo_new(fd, 2048, track);
	uint64_t *want = pages_new(b.npages);
	size_t pt = 512;

	write_byte(b.map, 0, want);
	write_byte(b.map, pt * ps - 1, want);
	write_byte(b.map, pt * ps, want);
	write_byte(b.map, 3 * pt * ps + 5, want);
	write_byte(b.map, b.npages * ps - 1, want);
	expect_exact(fd, &b, want);
	expect_exact(fd, &b, NULL);
	free(want);
	vcoh_bo_free(fd, &b);
}

static void test_two_mappings(int fd, uint32_t track)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 16, track);
	uint8_t *second = vcoh_bo_map(fd, b.handle, 16 * ps,
				      PROT_READ | PROT_WRITE);
	uint64_t *want = pages_new(b.npages);

	write_byte(b.map, 1 * ps, want);
	write_byte(second, 2 * ps, want);
	write_byte(second, 15 * ps + 9, want);
	expect_exact(fd, &b, want);
	/* Both mappings are clean or protected again. */
	memset(want, 0, sizeof(*want));
	write_byte(second, 1 * ps, want);
	write_byte(b.map, 2 * ps, want);
	expect_exact(fd, &b, want);
	munmap(second, 16 * ps);
	free(want);
	vcoh_bo_free(fd, &b);
}

/*
 * A mapping the helpers skip (here read-only, through a second file opened
 * O_RDONLY) comes first in the address space's tree: the writable mapping
 * after it must still be walked.
 */
static void test_readonly_mapping_first(int fd, uint32_t track)
{
	struct drm_gem_flink flink = {};
	struct drm_gem_open open_arg = {};
	char path[64], node[64];
	uint64_t *want;
	uint8_t *ro;
	struct vcoh_bo b;
	ssize_t len;
	int ro_fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlink(path, node, sizeof(node) - 1);
	igt_assert_lt(0, len);
	node[len] = '\0';
	ro_fd = open(node, O_RDONLY);
	igt_assert_lte(0, ro_fd);

	/* The read-only mapping first: the walk meets it first. */
	b.npages = 16;
	b.size = 16 * ps;
	b.handle = vcoh_bo_create_tracked(fd, 16 * ps, track);
	flink.handle = b.handle;
	do_ioctl(fd, DRM_IOCTL_GEM_FLINK, &flink);
	open_arg.name = flink.name;
	do_ioctl(ro_fd, DRM_IOCTL_GEM_OPEN, &open_arg);

	ro = __vcoh_bo_map(ro_fd, open_arg.handle, 0, 16 * ps, PROT_READ,
			   MAP_SHARED);
	igt_assert(ro);
	b.map = vcoh_bo_map(fd, b.handle, 16 * ps, PROT_READ | PROT_WRITE);

	want = pages_new(b.npages);
	write_byte(b.map, 3 * ps, want);
	write_byte(b.map, 12 * ps, want);
	igt_assert_eq(ro[3 * ps], b.map[3 * ps]);
	expect_exact(fd, &b, want);

	munmap(ro, 16 * ps);
	gem_close(ro_fd, open_arg.handle);
	close(ro_fd);
	free(want);
	vcoh_bo_free(fd, &b);
}

/* Pages [4, 16) of a 16-page object, mapped at an offset into it. */
static void test_partial_mapping(int fd, uint32_t track)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 16, track);
	uint8_t *part = vcoh_bo_map(fd, b.handle, 16 * ps,
				    PROT_READ | PROT_WRITE);
	uint64_t *want = pages_new(b.npages);

	igt_assert_eq(munmap(part, 4 * ps), 0);
	part += 4 * ps;
	/* PAGETABLE counts the unmapped head as written: take that first. */
	free(expect_superset(fd, &b, want));
	part[2 * ps + 1] = 1;
	set_page(want, 6);
	part[11 * ps] = 2;
	set_page(want, 15);
	write_byte(b.map, 0, want);
	expect_exact(fd, &b, want);
	munmap(part, 12 * ps);
	free(want);
	vcoh_bo_free(fd, &b);
}

/* A forked child writes through the mapping it shares with its parent. */
static void test_fork(int fd, uint32_t track)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 16, track);
	uint64_t *want = pages_new(b.npages);
	int wrote[2], go[2];
	char c = 0;

	igt_assert_eq(pipe(wrote), 0);
	igt_assert_eq(pipe(go), 0);
	igt_fork(child, 1) {
		b.map[2 * ps] = 1;
		b.map[9 * ps + 100] = 2;
		igt_assert_eq(write(wrote[1], &c, 1), 1);
		igt_assert_eq(read(go[0], &c, 1), 1);
	}
	igt_assert_eq(read(wrote[0], &c, 1), 1);
	set_page(want, 2);
	set_page(want, 9);
	expect_exact(fd, &b, want);

	igt_assert_eq(write(go[1], &c, 1), 1);
	igt_waitchildren();
	/*
	 * The child's exit unmapped its copy of the mapping: MKWRITE had
	 * nothing left to record; PAGETABLE lost the ptes' dirty bits and
	 * counts the whole mapping as written.
	 */
	if (track == VCOH_BO_TRACK_MKWRITE) {
		expect_exact(fd, &b, NULL);
	} else {
		memset(want, 0xff, words_of(b.npages) * sizeof(uint64_t));
		want[0] &= (1ull << b.npages) - 1;
		expect_exact(fd, &b, want);
	}
	close(wrote[0]);
	close(wrote[1]);
	close(go[0]);
	close(go[1]);
	free(want);
	vcoh_bo_free(fd, &b);
}

static void test_munmap(int fd, uint32_t track)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 16, track);
	uint8_t *other = vcoh_bo_map(fd, b.handle, 8 * ps,
				     PROT_READ | PROT_WRITE);
	uint64_t *want = pages_new(b.npages), *got;

	write_byte(other, 1 * ps, want);
	expect_exact(fd, &b, want);

	/* Written, then unmapped before the scan. */
	want[0] = 0;
	write_byte(other, 3 * ps, want);
	write_byte(b.map, 12 * ps, want);
	igt_assert_eq(munmap(other, 8 * ps), 0);
	if (track == VCOH_BO_TRACK_MKWRITE) {
		expect_exact(fd, &b, want);
	} else {
		/* The unmapped mapping's pages all count as written. */
		for (size_t p = 0; p < 8; p++)
			set_page(want, p);
		expect_exact(fd, &b, want);
	}
	/* The remaining mapping still works. */
	want[0] = 0;
	write_byte(b.map, 13 * ps, want);
	got = expect_superset(fd, &b, want);
	free(got);
	free(want);
	vcoh_bo_free(fd, &b);
}

static void test_mremap(int fd, uint32_t track)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 16, track);
	uint64_t *want = pages_new(b.npages);
	uint8_t *moved;
	void *target;

	write_byte(b.map, 2 * ps, want);
	expect_exact(fd, &b, want);

	want[0] = 0;
	write_byte(b.map, 4 * ps, want);
	/* Move it onto a reserved range, so that it really moves. */
	target = mmap(NULL, 16 * ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	igt_assert(target != MAP_FAILED);
	moved = mremap(b.map, 16 * ps, 16 * ps, MREMAP_MAYMOVE | MREMAP_FIXED,
		       target);
	igt_assert(moved == target);
	b.map = moved;
	write_byte(b.map, 5 * ps, want);
	igt_assert_eq(b.map[4 * ps] & 0xff, 0x5a);
	if (track == VCOH_BO_TRACK_MKWRITE) {
		expect_exact(fd, &b, want);
	} else {
		/* The ptes moved with their dirty bits; the old vma closed. */
		free(expect_superset(fd, &b, want));
	}
	want[0] = 0;
	write_byte(b.map, 7 * ps, want);
	expect_exact(fd, &b, want);
	free(want);
	vcoh_bo_free(fd, &b);
}

/* Every page counts as written when nothing tracks the object. */
static void test_untracked(int fd)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 70, VCOH_BO_TRACK_NONE);
	uint64_t *want = pages_new(b.npages);

	for (size_t p = 0; p < b.npages; p++)
		set_page(want, p);
	expect_exact(fd, &b, want);
	expect_exact(fd, &b, want);
	free(want);
	vcoh_bo_free(fd, &b);
}

#define NUM_BOS 64

/* One scan of 64 objects of one process: one TLB flush, not 64. */
static void test_many_bos_one_flush(int fd, uint32_t track)
{
	struct drm_vcoh_dirty_bo e[NUM_BOS];
	uint64_t bits[NUM_BOS];
	struct drm_vcoh_bo_dirty out;
	struct vcoh_bo b[NUM_BOS];
	uint64_t separate = 0;

	for (int i = 0; i < NUM_BOS; i++) {
		b[i] = vcoh_bo_new(fd, 16, track);
		e[i] = (struct drm_vcoh_dirty_bo){
			.handle = b[i].handle,
			.bitmap_ptr = (uintptr_t)&bits[i],
			.bitmap_size = sizeof(bits[i]),
		};
	}
	vcoh_bo_dirty(fd, e, NUM_BOS, NULL);

	for (int i = 0; i < NUM_BOS; i++)
		b[i].map[(i % 16) * ps] = i;
	vcoh_bo_dirty(fd, e, NUM_BOS, &out);
	igt_info("one scan of %d objects: %llu TLB flushes, %llu ptes\n",
		 NUM_BOS, (unsigned long long)out.tlb_flushes,
		 (unsigned long long)out.ptes_changed);
	igt_assert_eq_u64(out.tlb_flushes, 1);
	igt_assert_eq_u64(out.ptes_changed, NUM_BOS);
	for (int i = 0; i < NUM_BOS; i++) {
		igt_assert_eq_u64(bits[i], 1ull << (i % 16));
		igt_assert_eq_u64(e[i].num_dirty, 1);
	}

	/* The same work, one object per call: a flush per call. */
	for (int i = 0; i < NUM_BOS; i++)
		b[i].map[(i % 16) * ps] = i + 1;
	for (int i = 0; i < NUM_BOS; i++) {
		vcoh_bo_dirty(fd, &e[i], 1, &out);
		separate += out.tlb_flushes;
	}
	igt_info("one call per object: %llu TLB flushes\n",
		 (unsigned long long)separate);
	igt_assert_eq_u64(separate, NUM_BOS);

	for (int i = 0; i < NUM_BOS; i++)
		vcoh_bo_free(fd, &b[i]);
}

#define RACE_BOS	4
#define RACE_PAGES	64
#define RACE_WRITERS	2
#define RACE_MIN_WRITES	100000
#define RACE_MIN_SCANS	50
#define RACE_BURST	4

struct race {
	struct vcoh_bo b[RACE_BOS];
	/* Per page: the first scan that must report its latest write. */
	unsigned long must_report[RACE_BOS][RACE_PAGES];
	unsigned long scans_done;
	unsigned long writes;
	bool stop;
};

static void *race_writer(void *arg)
{
	struct race *r = arg;
	unsigned int seed = (uintptr_t)&seed;
	uint64_t seq = 0;

	pin_self(0);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		int bo = rand_r(&seed) % RACE_BOS;
		int page = rand_r(&seed) % RACE_PAGES;
		unsigned long *m = &r->must_report[bo][page];
		uint64_t *slot = (uint64_t *)(r->b[bo].map + page * ps);
		unsigned long need, old;

		/* Scans that finished before this write cannot report it. */
		need = __atomic_load_n(&r->scans_done, __ATOMIC_ACQUIRE) + 1;

		/* A short burst, as real writers do: only the first faults. */
		for (int i = 0; i < RACE_BURST; i++, seq++)
			__atomic_store_n(&slot[seq % 512], seq, __ATOMIC_RELEASE);
		old = __atomic_load_n(m, __ATOMIC_RELAXED);
		while ((!old || old < need) &&
		       !__atomic_compare_exchange_n(m, &old, need, false,
						    __ATOMIC_ACQ_REL,
						    __ATOMIC_RELAXED))
			;
		__atomic_fetch_add(&r->writes, RACE_BURST, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * Writers on vCPU 0 store sequence numbers into random pages while this
 * thread, on vCPU 1, scans all objects in a loop. A write must be reported
 * by a scan that started after it, or by the one running while it landed.
 */
static void test_race(int fd, uint32_t track)
{
	struct drm_vcoh_dirty_bo e[RACE_BOS];
	uint64_t bits[RACE_BOS];
	unsigned long last_report[RACE_BOS][RACE_PAGES] = {};
	pthread_t writers[RACE_WRITERS];
	unsigned long misses = 0, scan;
	struct race *r;

	igt_require(sysconf(_SC_NPROCESSORS_ONLN) >= 2);
	r = calloc(1, sizeof(*r));
	igt_assert(r);
	for (int i = 0; i < RACE_BOS; i++) {
		r->b[i] = vcoh_bo_new(fd, RACE_PAGES, track);
		e[i] = (struct drm_vcoh_dirty_bo){
			.handle = r->b[i].handle,
			.bitmap_ptr = (uintptr_t)&bits[i],
			.bitmap_size = sizeof(bits[i]),
		};
	}
	pin_self(1);
	for (int i = 0; i < RACE_WRITERS; i++)
		igt_assert_eq(pthread_create(&writers[i], NULL, race_writer, r), 0);

	for (scan = 1;; scan++) {
		bool last = __atomic_load_n(&r->stop, __ATOMIC_ACQUIRE);
		unsigned long due[RACE_BOS][RACE_PAGES];

		/* Writes whose flag is up now all landed before this scan. */
		for (int i = 0; i < RACE_BOS; i++)
			for (int p = 0; p < RACE_PAGES; p++)
				due[i][p] = __atomic_exchange_n(&r->must_report[i][p],
								0, __ATOMIC_ACQ_REL);
		vcoh_bo_dirty(fd, e, RACE_BOS, NULL);
		__atomic_store_n(&r->scans_done, scan, __ATOMIC_RELEASE);

		for (int i = 0; i < RACE_BOS; i++) {
			for (int p = 0; p < RACE_PAGES; p++) {
				if (bits[i] >> p & 1)
					last_report[i][p] = scan;
				if (due[i][p] && last_report[i][p] < due[i][p]) {
					misses++;
					igt_warn("bo %d page %d: write due by scan %lu, last reported by %lu\n",
						 i, p, due[i][p], last_report[i][p]);
				}
			}
		}
		if (last)
			break;
		if (scan >= RACE_MIN_SCANS &&
		    __atomic_load_n(&r->writes, __ATOMIC_RELAXED) >= RACE_MIN_WRITES) {
			__atomic_store_n(&r->stop, true, __ATOMIC_RELEASE);
			for (int i = 0; i < RACE_WRITERS; i++)
				pthread_join(writers[i], NULL);
		}
	}
	igt_info("%lu writes, %lu scans, %lu misses\n", r->writes, scan, misses);
	igt_assert_eq_u64(misses, 0);
	igt_assert_lte(RACE_MIN_WRITES, r->writes);

	for (int i = 0; i < RACE_BOS; i++)
		vcoh_bo_free(fd, &r->b[i]);
	free(r);
}

static void test_invalid_create(int fd)
{
	struct drm_vcoh_bo_create arg = { .size = ps, .flags = 4 };

	igt_assert_eq(__vcoh_bo_create(fd, &arg), -EINVAL);
	arg.flags = VCOH_BO_TRACK_AUTO | 8;
	igt_assert_eq(__vcoh_bo_create(fd, &arg), -EINVAL);
	arg.flags = 1u << 31;
	igt_assert_eq(__vcoh_bo_create(fd, &arg), -EINVAL);
}

static int dirty_call(int fd, struct drm_vcoh_dirty_bo *e, uint32_t count,
		      uint32_t flags)
{
	struct drm_vcoh_bo_dirty arg = {
		.bos_ptr = (uintptr_t)e,
		.count = count,
		.flags = flags,
	};

	return __vcoh_bo_dirty(fd, &arg);
}

/* Bad arguments fail with a clear errno and lose no write. */
static void test_invalid_dirty(int fd, uint32_t track)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 70, track), other = vcoh_bo_new(fd, 1, track);
	uint64_t *want = pages_new(b.npages), bits[2];
	struct drm_vcoh_dirty_bo e[2] = {
		{ .handle = b.handle, .bitmap_ptr = (uintptr_t)bits,
		  .bitmap_size = sizeof(bits) },
		{ .handle = other.handle, .bitmap_ptr = (uintptr_t)&bits[1],
		  .bitmap_size = 8 },
	};
	struct drm_vcoh_dirty_bo bad;
	void *unmapped;

	write_byte(b.map, 3 * ps, want);
	write_byte(b.map, 69 * ps, want);

	igt_assert_eq(dirty_call(fd, e, 0, 0), -EINVAL);
	igt_assert_eq(dirty_call(fd, e, VCOH_DIRTY_MAX_BOS + 1, 0), -EINVAL);
	igt_assert_eq(dirty_call(fd, e, 1, 1), -EINVAL);
	igt_assert_eq(dirty_call(fd, NULL, 1, 0), -EFAULT);

	bad = e[0];
	bad.flags = 1;
	igt_assert_eq(dirty_call(fd, &bad, 1, 0), -EINVAL);
	bad = e[0];
	bad.handle = 0xdead;
	igt_assert_eq(dirty_call(fd, &bad, 1, 0), -ENOENT);
	bad = e[0];
	bad.bitmap_size = 8;	/* 70 pages need two words */
	igt_assert_eq(dirty_call(fd, &bad, 1, 0), -EINVAL);
	e[1].handle = b.handle;
	igt_assert_eq(dirty_call(fd, e, 2, 0), -EINVAL);
	e[1].handle = other.handle;

	/* A bitmap that cannot be written: the report is kept, not lost. */
	unmapped = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(unmapped != MAP_FAILED);
	bad = e[0];
	bad.bitmap_ptr = (uintptr_t)unmapped;
	igt_assert_eq(dirty_call(fd, &bad, 1, 0), -EFAULT);
	munmap(unmapped, ps);

	expect_exact(fd, &b, want);
	free(want);
	vcoh_bo_free(fd, &b);
	vcoh_bo_free(fd, &other);
}

/* Attach vcoh's stand-in secondary MMU to this process; -errno or 0. */
static int attach_secondary_mmu(int fd)
{
	int dfd = igt_debugfs_open(fd, "secondary_mmu", O_WRONLY), ret;

	if (dfd < 0)
		return -errno;
	ret = write(dfd, "1", 1) < 0 ? -errno : 0;
	close(dfd);
	return ret;
}

/*
 * A process with a secondary MMU (KVM, SVA) may write through a writable
 * pte without its dirty bit being set: a PAGETABLE scan there counts
 * writable ptes as written and write-protects them, so that the next
 * write faults. A child with the stand-in secondary MMU reads one page
 * and writes another; the parent, without one, reads a third.
 */
static void test_secondary_mmu(int fd)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 8, VCOH_BO_TRACK_PAGETABLE);
	uint64_t want = 0;
	int step[2], done[2];
	char c;

	igt_assert_eq(pipe(step), 0);
	igt_assert_eq(pipe(done), 0);
	igt_fork(child, 1) {
		int ret = attach_secondary_mmu(fd);
		char r = ret == -ENOENT ? 'n' : ret ? 'e' : 'y';
		uint8_t *map;

		/* Without the secondary MMU the parent skips or fails. */
		igt_assert_eq(write(done[1], &r, 1), 1);
		if (!ret) {
			map = __vcoh_bo_map(fd, b.handle, 0, b.size,
					    PROT_READ | PROT_WRITE, MAP_SHARED);
			igt_assert(map);
			/* A read: the pte is writable and stays clean. */
			__atomic_load_n(&map[0], __ATOMIC_RELAXED);
			map[1 * ps] = 1;
			igt_assert_eq(write(done[1], &r, 1), 1);
			igt_assert_eq(read(step[0], &r, 1), 1);
			map[2 * ps] = 2;
			igt_assert_eq(write(done[1], &r, 1), 1);
		}
	}
	igt_assert_eq(read(done[0], &c, 1), 1);
	if (c != 'y') {
		igt_waitchildren();
		igt_require_f(c != 'n', "no debugfs secondary_mmu: %s\n",
			      "CONFIG_DRM_VCOH_SECONDARY_MMU_TEST is off");
		igt_assert_f(false, "attaching the secondary MMU failed\n");
	}
	igt_assert_eq(read(done[0], &c, 1), 1);
	__atomic_load_n(&b.map[3 * ps], __ATOMIC_RELAXED);

	/* The child's read page is reported, the parent's is not. */
	set_page(&want, 0);
	set_page(&want, 1);
	expect_exact(fd, &b, &want);
	/* Both are read-only now: nothing more until a write faults. */
	expect_exact(fd, &b, NULL);
	igt_assert_eq(write(step[1], &c, 1), 1);
	igt_assert_eq(read(done[0], &c, 1), 1);
	want = 0;
	set_page(&want, 2);
	expect_exact(fd, &b, &want);
	igt_waitchildren();

	close(step[0]);
	close(step[1]);
	close(done[0]);
	close(done[1]);
	/* The child's exit counts its whole writable mapping as written. */
	vcoh_bo_free(fd, &b);
}

static const struct vcoh_mode_case cases[] = {
	{ "single-byte", "One byte written, one page reported, once.",
	  test_single_byte },
	{ "page-edges", "Writes at the first and last byte of pages.",
	  test_page_edges },
	{ "patterns", "Sparse, dense and random writes, reported exactly.",
	  test_patterns },
	{ "large-bo", "First, last and page-table-edge pages of an 8 MiB object.",
	  test_large_bo },
	{ "two-mappings", "Writes through two mappings of one object.",
	  test_two_mappings },
	{ "readonly-mapping-first", "A skipped read-only mapping does not hide a writable one.",
	  test_readonly_mapping_first },
	{ "partial-mapping", "A mapping of part of an object, at an offset into it.",
	  test_partial_mapping },
	{ "fork", "A forked child writes through the shared mapping.",
	  test_fork },
	{ "munmap", "A mapping unmapped between scans loses no write.",
	  test_munmap },
	{ "mremap", "A mapping moved between scans loses no write.",
	  test_mremap },
	{ "many-bos-one-flush", "A scan of 64 objects of one process flushes the TLB once.",
	  test_many_bos_one_flush },
	{ "race", "Writers on one vCPU, scans on another: no write missed.",
	  test_race },
	{ "invalid-dirty", "Bad arguments: a clear errno, nothing lost.",
	  test_invalid_dirty },
};

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_vcoh();
		ps = sysconf(_SC_PAGESIZE);
	}

	vcoh_mode_subtests(&fd, cases, ARRAY_SIZE(cases), VCOH_MODES_FIXED);

	igt_describe("Objects created untracked report every page.");
	igt_subtest("untracked-reports-all")
		test_untracked(fd);

	igt_describe("In a process with a secondary MMU, writable ptes count as written.");
	igt_subtest("pagetable-secondary-mmu")
		test_secondary_mmu(fd);

	igt_describe("Tracking modes that do not exist are refused.");
	igt_subtest("invalid-create-track")
		test_invalid_create(fd);

	igt_fixture {
		drm_close_driver(fd);
	}
}
