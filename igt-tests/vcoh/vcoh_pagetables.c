// SPDX-License-Identifier: MIT
/*
 * Page-table shapes: objects mapped where a pte table, a pmd table, a pud
 * table or a whole top-level entry begins or ends, with the page tables on
 * the other side empty, in use next door, or in use one entry further
 * away. The walk must find every pte of the object whatever the tables
 * around it look like, at every level the machine has: 5-level paging
 * makes the pgd level real, and its addresses are only reachable above
 * 47 bits. Levels the machine does not have are skipped, with the reason.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "igt_vcoh.h"
#include "igt_vcoh_bo.h"
#include "igt_vcoh_util.h"

/**
 * TEST: vcoh pagetables
 * Description: Writes to vcoh objects are found at every page-table boundary.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: DRM
 * Functionality: page-table boundaries
 * Test category: functionality test
 * Feature: vcoh
 *
 * SUBTEST: %s-%s-%s
 * Description: An object at a page-table boundary: each submit finds its
 *    writes. The object arg[2] a boundary of arg[1], the tables on the other
 *    side arg[3]. Dynamic subtests: one per tracking mode: pagetable, mkwrite.
 *
 * arg[1]:
 *
 * @pmd:		a pmd entry
 * @pud:		a pud entry
 * @p4d:		a p4d entry
 * @pgd:		a pgd entry (5-level paging only)
 *
 * arg[2]:
 *
 * @starts-at:		starts at
 * @ends-at:		ends at
 * @straddles:		straddles
 *
 * arg[3]:
 *
 * @empty:		empty
 * @populated:		in use next door
 * @populated-far:	in use one entry further
 */

IGT_TEST_DESCRIPTION("Writes to vcoh objects are found at every page-table boundary.");

#define BO_PAGES	4

static size_t ps;

/*
 * The span of one entry at each level with 4 KiB pages and 512 entries
 * per table. A boundary of a level is placed where the next level up has
 * none, so that each subtest crosses exactly one kind of table. The p4d
 * span is the pgd's with 4-level paging, where the p4d is folded; the
 * pgd boundary needs 5-level paging (addresses above 1 << 47).
 */
static const struct {
	const char *name;
	uint64_t boundary;
	uint64_t span;
} levels[] = {
	{ "pmd", (32ull << 40) + (3ull << 21), 1ull << 21 },
	{ "pud", (32ull << 40) + (3ull << 30), 1ull << 30 },
	{ "p4d", (32ull << 40) + (3ull << 39), 1ull << 39 },
	{ "pgd", 2ull << 48, 1ull << 48 },
};

enum place { START_AT, END_AT, STRADDLE };

static const struct {
	const char *name;
	enum place place;
} places[] = {
	{ "starts-at", START_AT },
	{ "ends-at", END_AT },
	{ "straddles", STRADDLE },
};

enum neighbour { EMPTY, NEXT_DOOR, FAR };

static const struct {
	const char *name;
	enum neighbour neighbour;
} neighbours[] = {
	{ "empty", EMPTY },
	{ "populated", NEXT_DOOR },
	{ "populated-far", FAR },
};

/* Pages of anonymous memory touched around the object, to unmap at the end. */
struct shape {
	uint8_t *map;
	uint8_t *anon[2];
	int nanon;
};

/* An anonymous page at @addr, written so that its page tables exist. */
static void touch_anon(struct shape *s, uint64_t addr)
{
	uint8_t *p = mmap((void *)(uintptr_t)addr, ps, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			  -1, 0);

	igt_require_f(p != MAP_FAILED, "no anonymous page at %#llx: %s\n",
		      (unsigned long long)addr, strerror(errno));
	igt_assert(p == (uint8_t *)(uintptr_t)addr);
	*p = 1;
	s->anon[s->nanon++] = p;
}

/* Map the object so that it sits at the level's boundary as @place says. */
static struct shape shape_map(int fd, uint32_t handle, size_t l, enum place place,
			      enum neighbour neighbour)
{
	uint64_t x = levels[l].boundary, size = BO_PAGES * ps, at, offset;
	struct shape s = {};
	void *p;

	at = place == START_AT ? x : place == END_AT ? x - size : x - 2 * ps;
	igt_assert_eq(__vcoh_bo_mmap_offset(fd, handle, &offset), 0);
	p = mmap((void *)(uintptr_t)at, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, fd, offset);
	if (p == MAP_FAILED && levels[l].boundary >> 47)
		igt_skip("no 5-level paging: no mapping at %#llx (%s)\n",
			 (unsigned long long)at, strerror(errno));
	igt_assert_f(p != MAP_FAILED, "mmap at %#llx: %s\n",
		     (unsigned long long)at, strerror(errno));
	igt_assert(p == (void *)(uintptr_t)at);
	s.map = p;

	switch (neighbour) {
	case EMPTY:
		break;
	case NEXT_DOOR:
		/* The page on the other side of the boundary, or both sides. */
		if (place != END_AT)
			touch_anon(&s, at - ps);
		if (place != START_AT)
			touch_anon(&s, at + size);
		break;
	case FAR:
		/* One entry on, past the entry right after the boundary. */
		touch_anon(&s, x + levels[l].span);
		break;
	}
	return s;
}

static void shape_unmap(struct shape *s)
{
	int i;

	for (i = 0; i < s->nanon; i++)
		munmap(s->anon[i], ps);
	munmap(s->map, BO_PAGES * ps);
}

/* Submit; exactly @written pages must be copied, and the device match. */
static void submit_check(int fd, uint32_t handle, const uint8_t *shadow,
			 uint64_t written)
{
	uint8_t *dev = xzalloc(BO_PAGES * ps);
	struct drm_vcoh_submit out;

	vcoh_submit(fd, &handle, 1, &out);
	vcoh_device_read(fd, handle, 0, dev, BO_PAGES * ps);
	check_bytes(dev, shadow, BO_PAGES * ps, "device copy");
	igt_assert_eq_u64(out.pages_copied, written);
	free(dev);
}

/* Write @val to one word of pages [first, last], in the map and the shadow. */
static void write_pages(struct shape *s, uint8_t *shadow, size_t first,
			size_t last, uint8_t val)
{
	size_t i;

	for (i = first; i <= last; i++) {
		s->map[i * ps + 8] = val;
		shadow[i * ps + 8] = val;
	}
}

/*
 * Nothing written, then the last page only (the first page's tables may
 * not exist yet), the first page, every page, and nothing again: each
 * submit copies exactly what was written and the device matches.
 */
static void test_shape(int fd, uint32_t track, size_t l, enum place place,
		       enum neighbour neighbour)
{
	uint32_t handle = vcoh_bo_create_tracked(fd, BO_PAGES * ps, track);
	uint8_t *shadow = xzalloc(BO_PAGES * ps);
	struct shape s;

	igt_require_f(ps == 4096, "page size %zu: the level spans assume 4 KiB\n",
		      ps);
	s = shape_map(fd, handle, l, place, neighbour);

	submit_check(fd, handle, shadow, 0);
	write_pages(&s, shadow, BO_PAGES - 1, BO_PAGES - 1, 0x11);
	submit_check(fd, handle, shadow, 1);
	write_pages(&s, shadow, BO_PAGES - 1, BO_PAGES - 1, 0x22);
	submit_check(fd, handle, shadow, 1);
	write_pages(&s, shadow, 0, 0, 0x33);
	submit_check(fd, handle, shadow, 1);
	write_pages(&s, shadow, 0, BO_PAGES - 1, 0x44);
	submit_check(fd, handle, shadow, BO_PAGES);
	submit_check(fd, handle, shadow, 0);

	shape_unmap(&s);
	gem_close(fd, handle);
	free(shadow);
}

#define NL	ARRAY_SIZE(levels)
#define NP	ARRAY_SIZE(places)
#define NN	ARRAY_SIZE(neighbours)

igt_main
{
	const struct vcoh_mode *m;
	int fd = -1;

	igt_fixture {
		fd = drm_open_vcoh();
		ps = sysconf(_SC_PAGESIZE);
	}

	/* Every level, place and neighbour a subtest, every mode in each. */
	for (size_t i = 0; i < NL * NP * NN; i++) {
		size_t n = i % NN, p = i / NN % NP, l = i / NN / NP;

		igt_describe("An object at a page-table boundary: each submit finds its writes.");
		igt_subtest_with_dynamic_f("%s-%s-%s", levels[l].name,
					   places[p].name, neighbours[n].name) {
			for (m = vcoh_mode_next(NULL, VCOH_MODES_FIXED); m;
			     m = vcoh_mode_next(m, VCOH_MODES_FIXED))
				igt_dynamic(m->name)
					test_shape(fd, m->track, l,
						   places[p].place,
						   neighbours[n].neighbour);
		}
	}

	igt_fixture
		drm_close_driver(fd);
}
