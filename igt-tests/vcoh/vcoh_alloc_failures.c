// SPDX-License-Identifier: MIT
/*
 * Allocation failures in every ioctl path, in turn: with failslab and
 * fail_page_alloc set to fail sleeping allocations too, the task's
 * fail-nth (/proc/thread-self/fail-nth) fails the first allocation of a
 * call, then the second, and so on until the call makes no more. Each
 * call must succeed or fail with -ENOMEM (a documented errno), change
 * nothing when it fails, and lose no write: after the next good submit
 * the device equals the CPU. The guest-log rule adds no warning, and the
 * kmemleak scan at the end of the run adds no leak.
 *
 * Each injected failure dumps its stack (verbose 2, not rate limited),
 * and scripts/check-alloc-sites checks from those stacks that every
 * allocation call in helpers/ and drivers/gpu/drm/vcoh/ was failed. Two
 * kinds print nothing (__GFP_NOWARN): the flush queue's GFP_NOWAIT entry
 * in a walk, whose fallback (flush at once) has a counter, and vcoh's
 * page allocations; this test reports both as "alloc-site:" lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "igt_sysfs.h"
#include "igt_vcoh.h"
#include "igt_vcoh_bo.h"
#include "igt_vcoh_util.h"

/**
 * TEST: vcoh alloc failures
 * Description: Every allocation of vcoh's ioctl paths and the helpers
 *    fails in turn: -ENOMEM, nothing changed, no write lost.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: DRM
 * Functionality: allocation failures
 * Test category: negative test
 * Feature: vcoh
 *
 * SUBTEST: create
 * Description: BO_CREATE.
 *
 * SUBTEST: mmap
 * Description: mmap() of an object.
 *
 * SUBTEST: bo-read
 * Description: BO_READ.
 *
 * SUBTEST: device-write
 * Description: DEVICE_WRITE: nothing written on failure.
 *
 * SUBTEST: bo-dirty
 * Description: BO_DIRTY in both modes: what was scanned is kept.
 *
 * SUBTEST: submit
 * Description: SUBMIT in both modes: nothing scanned on failure.
 *
 * SUBTEST: submit-many-mms
 * Description: SUBMIT of an object mapped by more processes than the
 *    flush queue keeps spare entries: the walk's GFP_NOWAIT entry fails,
 *    the range is flushed at once and counted.
 *
 * SUBTEST: upstream-leave-mkwrite
 * Description: The upstream backend's switch out of MKWRITE.
 *
 * SUBTEST: kunit-walk-no-queue
 * Description: The helpers' walk without a flush queue, whose own queue
 *    fails to allocate: its KUnit suite, run again from debugfs.
 *
 * SUBTEST: debugfs
 * Description: Opening scan_timing and attaching secondary_mmu.
 */

IGT_TEST_DESCRIPTION("Every allocation of the ioctl paths fails in turn: ENOMEM, nothing lost.");

/* What a fault-injection report prints, for the runner to ignore. */
#define FAULT_REPORT \
	"FAULT_INJECTION: forcing a failure|name fail(slab|_page_alloc), |" \
	VCOH_DMESG_SPLAT_BODY
#define BO_PAGES	4
#define MANY_MMS	20	/* more than the queue's 16 spare entries */

static size_t ps;
static int nth_fd = -1;

/* The knobs this test sets, and what they were. */
static const char * const knobs[][2] = {
	{ "failslab/ignore-gfp-wait", "N" },
	{ "failslab/verbose", "2" },
	{ "failslab/verbose_ratelimit_burst", "1000000" },
	{ "fail_page_alloc/ignore-gfp-wait", "N" },
	{ "fail_page_alloc/ignore-gfp-highmem", "N" },
	{ "fail_page_alloc/min-order", "0" },
	{ "fail_page_alloc/verbose", "2" },
	{ "fail_page_alloc/verbose_ratelimit_burst", "1000000" },
};

static char saved[ARRAY_SIZE(knobs)][32];

static bool knob_write(const char *name, const char *val)
{
	char path[128];
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s", igt_debugfs_mount(), name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return false;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (int)strlen(val);
}

static void knobs_restore(int sig)
{
	(void)sig;
	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++)
		if (saved[i][0])
			knob_write(knobs[i][0], saved[i]);
}

static void knobs_set(void)
{
	char path[128];

	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++) {
		int fd, n;

		snprintf(path, sizeof(path), "%s/%s", igt_debugfs_mount(),
			 knobs[i][0]);
		fd = open(path, O_RDONLY);
		igt_require_f(fd >= 0, "no %s (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC)\n",
			      path);
		n = read(fd, saved[i], sizeof(saved[i]) - 1);
		close(fd);
		igt_assert(n > 0);
		saved[i][strcspn(saved[i], "\n")] = '\0';
	}
	igt_install_exit_handler(knobs_restore);
	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++)
		igt_assert_f(knob_write(knobs[i][0], knobs[i][1]),
			     "writing %s\n", knobs[i][0]);
}

/*
 * Fail the task's @n-th allocation from now on. Nothing may run between
 * this and the call under test: prefault every buffer before.
 */
static void fail_nth_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	igt_assert_eq(pwrite(nth_fd, buf, len, 0), len);
}

/* Whether the failure was injected; disarms either way. */
static bool fail_nth_disarm(void)
{
	char buf[16] = "";
	ssize_t n = pread(nth_fd, buf, sizeof(buf) - 1, 0);

	igt_assert_eq(pwrite(nth_fd, "0", 1, 0), 1);
	igt_assert(n > 0);
	return strtoul(buf, NULL, 10) == 0;
}

/* One call under test, with its setup and its checks. */
struct path {
	const char *name;
	void (*setup)(int fd, void *state);
	int (*call)(int fd, void *state);	/* 0 or -errno */
	void (*check)(int fd, void *state, int ret);
	void (*teardown)(int fd, void *state);
	int other_errno;	/* besides -ENOMEM, or 0 */
};

/*
 * Tries of each n. The n-th allocation of a call is not always the same
 * one: now and then a slab takes a new page first, which counts too and
 * shifts the rest by one. A few tries of each n make sure that no
 * allocation is skipped.
 */
#define TRIES	3

/* Fail the @n-th allocation of @p's call once: whether one was. */
static bool fail_one(int fd, const struct path *p, void *state,
		     unsigned int n, unsigned int *enomem)
{
	bool hit;
	int ret;

	p->setup(fd, state);
	fail_nth_arm(n);
	ret = p->call(fd, state);
	hit = fail_nth_disarm();
	if (hit) {
		igt_assert_f(ret == 0 || ret == -ENOMEM ||
			     (p->other_errno && ret == -p->other_errno),
			     "%s: allocation %u failed: %d (%s)\n",
			     p->name, n, ret, strerror(-ret));
		*enomem += ret == -ENOMEM;
	} else {
		igt_assert_f(ret == 0, "%s: no failure injected: %d\n",
			     p->name, ret);
	}
	p->check(fd, state, hit ? ret : 0);
	p->teardown(fd, state);
	return hit;
}

/*
 * Fail each allocation of @p's call in turn, until no try of an n
 * reaches the n-th. Returns the number of failures injected.
 */
static unsigned int fail_each(int fd, const struct path *p, void *state)
{
	unsigned int n, t, hits, injected = 0, enomem = 0;

	igt_emit_ignore_dmesg_regex(FAULT_REPORT);
	for (n = 1; ; n++) {
		for (t = hits = 0; t < TRIES; t++)
			hits += fail_one(fd, p, state, n, &enomem);
		injected += hits;
		if (!hits)
			break;
		igt_assert_f(n < 10000, "%s: no end of allocations\n", p->name);
	}
	igt_info("%s: %u allocations, %u failures injected (%u tries each), %u gave ENOMEM\n",
		 p->name, n - 1, injected, TRIES, enomem);
	igt_assert_lt(0, injected);
	return n - 1;
}

/* Objects written by the CPU, for the paths that scan or copy them. */
struct bos {
	struct vcoh_bo b[2];
	unsigned int count;
	uint32_t handles[2];
	uint64_t bits[2];
	struct drm_vcoh_dirty_bo e[2];
	uint8_t data[2 * 4096];
	uint32_t seq;
};

static void bos_new(int fd, struct bos *s, unsigned int count, uint32_t track)
{
	s->count = count;
	for (unsigned int i = 0; i < count; i++) {
		s->b[i] = vcoh_bo_new(fd, BO_PAGES,
				      track ? track : (i ? VCOH_BO_TRACK_MKWRITE :
							   VCOH_BO_TRACK_PAGETABLE));
		s->handles[i] = s->b[i].handle;
	}
}

/* Write pages 1 and 3 of each object, and prefault the call's buffers. */
static void bos_write(int fd, void *state)
{
	struct bos *s = state;

	(void)fd;
	s->seq++;
	for (unsigned int i = 0; i < s->count; i++) {
		s->b[i].map[1 * ps] = s->seq;
		s->b[i].map[3 * ps + 7] = s->seq;
		s->bits[i] = 0;
		s->e[i] = (struct drm_vcoh_dirty_bo){
			.handle = s->handles[i],
			.bitmap_ptr = (uintptr_t)&s->bits[i],
			.bitmap_size = sizeof(s->bits[i]),
		};
	}
	memset(s->data, 0, sizeof(s->data));
}

/* After the next good submit the device equals the CPU. */
static void bos_check_coherent(int fd, void *state, int ret)
{
	struct bos *s = state;

	(void)ret;
	vcoh_submit(fd, s->handles, s->count, NULL);
	for (unsigned int i = 0; i < s->count; i++)
		vcoh_bo_check_device_is_cpu(fd, &s->b[i]);
}

static void nothing(int fd, void *state)
{
	(void)fd;
	(void)state;
}

static void bos_free(int fd, struct bos *s)
{
	for (unsigned int i = 0; i < s->count; i++)
		vcoh_bo_free(fd, &s->b[i]);
}

/* create */
struct create_state {
	struct drm_vcoh_bo_create arg;
};

static void create_setup(int fd, void *state)
{
	struct create_state *s = state;

	(void)fd;
	s->arg = (struct drm_vcoh_bo_create){
		.size = BO_PAGES * ps,
		.flags = VCOH_BO_TRACK_AUTO,
	};
}

static int create_call(int fd, void *state)
{
	return __vcoh_bo_create(fd, &((struct create_state *)state)->arg);
}

static void create_check(int fd, void *state, int ret)
{
	struct create_state *s = state;

	if (ret) {
		igt_assert_eq_u32(s->arg.handle, 0);
		return;
	}
	gem_close(fd, s->arg.handle);
}

/* mmap */
struct map_state {
	struct vcoh_bo b;
	void *map;
};

static void map_setup(int fd, void *state)
{
	struct map_state *s = state;

	s->b = vcoh_bo_new(fd, BO_PAGES, VCOH_BO_TRACK_PAGETABLE);
	s->b.map[ps] = 1;
	vcoh_submit(fd, &s->b.handle, 1, NULL);
}

static int map_call(int fd, void *state)
{
	struct map_state *s = state;

	s->map = mmap(NULL, s->b.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      s->b.offset);
	return s->map == MAP_FAILED ? -errno : 0;
}

static void map_check(int fd, void *state, int ret)
{
	struct map_state *s = state;

	if (ret)
		return;
	/* The new mapping sees the object and its writes are tracked. */
	igt_assert_eq(((uint8_t *)s->map)[ps], 1);
	((uint8_t *)s->map)[2 * ps] = 2;
	vcoh_submit(fd, &s->b.handle, 1, NULL);
	vcoh_bo_check_device_is_cpu(fd, &s->b);
	munmap(s->map, s->b.size);
}

static void map_teardown(int fd, void *state)
{
	vcoh_bo_free(fd, &((struct map_state *)state)->b);
}

/* BO_READ */
static int bo_read_call(int fd, void *state)
{
	struct bos *s = state;
	struct drm_vcoh_bo_read arg = {
		.handle = s->handles[0],
		.size = 2 * ps,
		.data_ptr = (uintptr_t)s->data,
	};

	return __vcoh_bo_read(fd, &arg);
}

static void bo_read_check(int fd, void *state, int ret)
{
	struct bos *s = state;

	if (!ret)
		check_bytes(s->data, s->b[0].map, 2 * ps, "BO_READ");
	bos_check_coherent(fd, state, ret);
}

/* DEVICE_WRITE: the CPU sees what the device wrote, or nothing changed. */
static void device_write_setup(int fd, void *state)
{
	struct bos *s = state;

	bos_write(fd, state);
	vcoh_submit(fd, s->handles, 1, NULL);
	memset(s->data, 0xa5 ^ (s->seq & 0xff), ps);
}

static int device_write_call(int fd, void *state)
{
	struct bos *s = state;
	/* One page: above that, kvmalloc's kmalloc is silent. */
	struct drm_vcoh_device_write arg = {
		.handle = s->handles[0],
		.offset = ps,
		.size = ps,
		.data_ptr = (uintptr_t)s->data,
	};

	return __vcoh_device_write(fd, &arg);
}

static void device_write_check(int fd, void *state, int ret)
{
	struct bos *s = state;

	if (!ret) {
		check_bytes(s->b[0].map + ps, s->data, ps, "DEVICE_WRITE");
	} else {
		/* Nothing written: the CPU's page 1 is what it stored. */
		igt_assert_eq(s->b[0].map[ps], (uint8_t)s->seq);
	}
	vcoh_bo_check_device_is_cpu(fd, &s->b[0]);
}

/* BO_DIRTY: a report, or an error with what was scanned kept. */
static int bo_dirty_call(int fd, void *state)
{
	struct bos *s = state;
	struct drm_vcoh_bo_dirty arg = {
		.bos_ptr = (uintptr_t)s->e,
		.count = s->count,
	};

	return __vcoh_bo_dirty(fd, &arg);
}

static void bo_dirty_check(int fd, void *state, int ret)
{
	struct bos *s = state;

	if (!ret)
		for (unsigned int i = 0; i < s->count; i++)
			igt_assert_eq_u64(s->bits[i], 1ull << 1 | 1ull << 3);
	bos_check_coherent(fd, state, ret);
}

/* SUBMIT */
static int submit_call(int fd, void *state)
{
	struct bos *s = state;
	struct drm_vcoh_submit arg = {
		.handles_ptr = (uintptr_t)s->handles,
		.count = s->count,
	};

	return __vcoh_submit(fd, &arg);
}

static void run_bos(int fd, const struct path *p, unsigned int count,
		    uint32_t track)
{
	struct bos s = {};

	bos_new(fd, &s, count, track);
	fail_each(fd, p, &s);
	bos_free(fd, &s);
}

/* The flush queue's counter @name (debugfs flush_queue). */
static unsigned long long queue_stat(int fd, const char *name)
{
	char buf[512] = " ", key[40], *p;
	unsigned long long v;

	/* "name value name value ...": a space before each name. */
	igt_require(vcoh_debugfs_read(fd, "flush_queue", buf + 1,
				      sizeof(buf) - 1));
	buf[0] = ' ';
	snprintf(key, sizeof(key), " %s ", name);
	p = strstr(buf, key);
	igt_assert_f(p && sscanf(p + strlen(key), "%llu", &v) == 1,
		     "no %s in flush_queue: %s\n", name, buf);
	return v;
}

/*
 * SUBMIT of one object that MANY_MMS processes map and wrote: its walk
 * queues a range per mm, more than the queue keeps spare entries for, so
 * the last ones allocate with GFP_NOWAIT.
 */
struct mms_state {
	struct bos bos;
	int go[MANY_MMS][2];
	int ready[2];
};

static void mms_setup(int fd, void *state)
{
	struct mms_state *s = state;
	char c;

	bos_write(fd, &s->bos);
	/* Every child writes its byte again: every mm has a range to queue. */
	for (int i = 0; i < MANY_MMS; i++)
		igt_assert_eq(write(s->go[i][1], "w", 1), 1);
	for (int i = 0; i < MANY_MMS; i++)
		igt_assert_eq(read(s->ready[0], &c, 1), 1);
}

static void test_submit_many_mms(int fd)
{
	static const struct path p = {
		.name = "submit-many-mms",
		.setup = mms_setup,
		.call = submit_call,
		.check = bos_check_coherent,
		.teardown = nothing,
	};
	struct mms_state s = {};
	unsigned long long before, failures;

	bos_new(fd, &s.bos, 1, VCOH_BO_TRACK_PAGETABLE);
	for (int i = 0; i < MANY_MMS; i++)
		igt_assert_eq(pipe(s.go[i]), 0);
	igt_assert_eq(pipe(s.ready), 0);
	igt_fork(child, MANY_MMS) {
		struct vcoh_bo *b = &s.bos.b[0];
		uint8_t *map = mmap(NULL, b->size, PROT_READ | PROT_WRITE,
				    MAP_SHARED, fd, b->offset);
		char c;

		igt_assert(map != MAP_FAILED);
		close(s.ready[0]);
		for (int i = 0; i < MANY_MMS; i++)
			close(s.go[i][1]);
		while (read(s.go[child][0], &c, 1) == 1) {
			map[2 * ps + child]++;
			igt_assert_eq(write(s.ready[1], "r", 1), 1);
		}
	}
	for (int i = 0; i < MANY_MMS; i++)
		close(s.go[i][0]);
	close(s.ready[1]);

	before = queue_stat(fd, "alloc_failures");
	fail_each(fd, &p, &s);
	failures = queue_stat(fd, "alloc_failures") - before;
	igt_info("GFP_NOWAIT fallbacks taken: %llu\n", failures);
	igt_assert_f(failures > 0, "no GFP_NOWAIT fallback taken\n");
	igt_info("alloc-site: ptedirty_flush_queue_add_walk (counted: alloc_failures %llu)\n",
		 failures);

	for (int i = 0; i < MANY_MMS; i++)
		close(s.go[i][1]);
	igt_waitchildren();
	close(s.ready[0]);
	bos_free(fd, &s.bos);
}

/*
 * The upstream backend's way out of MKWRITE: an AUTO object big enough to
 * start in MKWRITE, scanned dense until the next scan switches it.
 */
struct auto_state {
	struct vcoh_auto_params ap;
	struct bos bos;
	size_t npages;
};

static void auto_setup(int fd, void *state)
{
	struct auto_state *s = state;
	struct vcoh_bo *b = &s->bos.b[0];

	*b = vcoh_bo_new(fd, s->npages, VCOH_BO_TRACK_AUTO);
	s->bos.handles[0] = b->handle;
	s->bos.count = 1;
	igt_assert_eq_u32(bo_stats(fd, b->handle).mode, VCOH_BO_TRACK_MKWRITE);
	for (unsigned int i = 0; i <= s->ap.switch_scans; i++) {
		memset(b->map, i + 1, b->size);
		if (i < s->ap.switch_scans)
			vcoh_submit(fd, &b->handle, 1, NULL);
	}
	igt_assert_eq_u32(bo_stats(fd, b->handle).mode, VCOH_BO_TRACK_MKWRITE);
}

static void auto_check(int fd, void *state, int ret)
{
	struct auto_state *s = state;

	bos_check_coherent(fd, &s->bos, ret);
}

static void auto_teardown(int fd, void *state)
{
	bos_free(fd, &((struct auto_state *)state)->bos);
}

static int auto_submit_call(int fd, void *state)
{
	return submit_call(fd, &((struct auto_state *)state)->bos);
}

static bool backend_set(int dir, const char *name)
{
	return igt_sysfs_write(dir, "backend", name, strlen(name)) ==
	       (int)strlen(name);
}

static void test_upstream_leave_mkwrite(int fd)
{
	static const struct path p = {
		.name = "upstream-leave-mkwrite",
		.setup = auto_setup,
		.call = auto_submit_call,
		.check = auto_check,
		.teardown = auto_teardown,
	};
	struct auto_state s = { .ap = vcoh_auto_params(fd) };
	int dir = igt_params_open(fd);
	unsigned int switches;

	igt_require(dir >= 0 && backend_set(dir, "upstream"));
	s.npages = s.ap.max_pages > BO_PAGES ? s.ap.max_pages : BO_PAGES;
	fail_each(fd, &p, &s);
	/* The call that got through switched, so leave_mkwrite ran. */
	auto_setup(fd, &s);
	switches = bo_stats(fd, s.bos.handles[0]).mode_switches;
	vcoh_submit(fd, s.bos.handles, 1, NULL);
	igt_assert_eq_u32(bo_stats(fd, s.bos.handles[0]).mode_switches,
			  switches + 1);
	auto_teardown(fd, &s);
	igt_assert(backend_set(dir, "native"));
	close(dir);
}

/* debugfs: opening scan_timing. */
static int scan_timing_open_call(int fd, void *state)
{
	int *dfd = state;

	*dfd = igt_debugfs_open(fd, "scan_timing", O_RDWR);
	return *dfd < 0 ? -errno : 0;
}

/*
 * An open just before, unarmed: the slab caches the armed one uses have
 * objects ready, so the n-th allocation is the same call every time and
 * the loop reaches each of them.
 */
static void scan_timing_setup(int fd, void *state)
{
	int dfd = igt_debugfs_open(fd, "scan_timing", O_RDWR);

	(void)state;
	igt_assert_lte(0, dfd);
	close(dfd);
}

static void scan_timing_check(int fd, void *state, int ret)
{
	(void)fd;
	if (!ret)
		close(*(int *)state);
}

/*
 * debugfs secondary_mmu attaches a notifier to the writer's mm for as
 * long as the mm lives: each try in a new process, which reports whether
 * the @n-th allocation failed and what the write returned.
 */
static bool secondary_try(int fd, unsigned int n)
{
	int res[2], p[2];

	igt_assert_eq(pipe(p), 0);
	igt_fork(child, 1) {
		int dfd = igt_debugfs_open(fd, "secondary_mmu", O_WRONLY);

		nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
		igt_assert(dfd >= 0 && nth_fd >= 0);
		fail_nth_arm(n);
		res[1] = write(dfd, "1", 1) == 1 ? 0 : -errno;
		res[0] = fail_nth_disarm();
		igt_assert_eq(write(p[1], res, sizeof(res)), sizeof(res));
	}
	close(p[1]);
	igt_assert_eq(read(p[0], res, sizeof(res)), sizeof(res));
	close(p[0]);
	igt_waitchildren();
	if (!res[0]) {
		igt_assert_eq(res[1], 0);
		return false;
	}
	igt_assert_f(res[1] == 0 || res[1] == -ENOMEM,
		     "secondary_mmu: allocation %u failed: %d\n", n, res[1]);
	return true;
}

static void test_secondary_mmu(int fd)
{
	unsigned int n, injected = 0;

	igt_require(igt_debugfs_exists(fd, "secondary_mmu", O_WRONLY));
	igt_emit_ignore_dmesg_regex(FAULT_REPORT);
	for (n = 1; ; n++) {
		unsigned int t, hits = 0;

		for (t = 0; t < TRIES; t++)
			hits += secondary_try(fd, n);
		if (!hits)
			break;
		injected += hits;
	}
	igt_info("debugfs secondary_mmu: %u allocations, %u failures injected\n",
		 n - 1, injected);
	igt_assert_lt(0, injected);
}

static void test_debugfs(int fd)
{
	static const struct path p = {
		.name = "debugfs scan_timing",
		.setup = scan_timing_setup,
		.call = scan_timing_open_call,
		.check = scan_timing_check,
		.teardown = nothing,
	};
	int dfd = -1;

	igt_require(igt_debugfs_exists(fd, "scan_timing", O_RDWR));
	fail_each(fd, &p, &dfd);
	test_secondary_mmu(fd);
}

/*
 * A walk without a flush queue allocates one of its own. No vcoh path
 * walks without its queue, so the helpers' KUnit case does: run its suite
 * again now that sleeping allocations fail too.
 */
static void test_kunit_walk_no_queue(void)
{
	static const char suite[] = "kunit/ptedirty_walk";
	static const char kase[] = " ptedirty_test_walk_no_queue_nomem";
	static char results[1 << 16];
	char path[128], *line;
	int dir, n;

	snprintf(path, sizeof(path), "%s/%s", igt_debugfs_mount(), suite);
	dir = open(path, O_RDONLY | O_DIRECTORY);
	igt_require_f(dir >= 0 && faccessat(dir, "run", W_OK, 0) == 0,
		      "no %s/run (CONFIG_KUNIT_DEBUGFS, 6.7 on)\n", path);
	igt_emit_ignore_dmesg_regex(FAULT_REPORT);
	igt_assert_eq(igt_sysfs_write(dir, "run", "1", 1), 1);
	n = igt_sysfs_read(dir, "results", results, sizeof(results) - 1);
	close(dir);
	igt_assert_lt(0, n);
	results[n] = '\0';
	igt_assert_f(strstr(results, kase + 1) &&
		     strstr(results, ": allocation failure injected"),
		     "no failure injected in the KUnit case:\n%s\n", results);
	/* Its result line: "ok N NAME", nothing after the name. */
	line = strstr(results, kase);
	while (line && line[strlen(kase)] != '\n')
		line = strstr(line + 1, kase);
	igt_assert_f(line, "no result for%s in %s/results\n", kase, suite);
	while (line > results && line[-1] != '\n')
		line--;
	*strchrnul(line, '\n') = '\0';
	igt_info("%s\n", line);
	igt_assert_f(!strncmp(line + strspn(line, " \t"), "ok ", 3), "%s\n",
		     line);
}

static const struct path bo_read_path = {
	.name = "bo-read",
	.setup = bos_write,
	.call = bo_read_call,
	.check = bo_read_check,
	.teardown = nothing,
};

static const struct path device_write_path = {
	.name = "device-write",
	.setup = device_write_setup,
	.call = device_write_call,
	.check = device_write_check,
	.teardown = nothing,
};

static const struct path bo_dirty_path = {
	.name = "bo-dirty",
	.setup = bos_write,
	.call = bo_dirty_call,
	.check = bo_dirty_check,
	.teardown = nothing,
};

static const struct path submit_path = {
	.name = "submit",
	.setup = bos_write,
	.call = submit_call,
	.check = bos_check_coherent,
	.teardown = nothing,
};

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_vcoh();
		ps = sysconf(_SC_PAGESIZE);
		nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
		igt_require_f(nth_fd >= 0, "no fail-nth (CONFIG_FAULT_INJECTION)\n");
		knobs_set();
	}

	igt_describe("BO_CREATE.");
	igt_subtest("create") {
		static const struct path p = {
			.name = "create",
			.setup = create_setup,
			.call = create_call,
			.check = create_check,
			.teardown = nothing,
		};
		struct create_state s;
		unsigned int n = fail_each(fd, &p, &s);

		/*
		 * vcoh's page allocations are __GFP_NOWARN: they print no
		 * report, but each of the object's pages was one of these.
		 */
		igt_assert_lte(BO_PAGES, n);
		igt_info("alloc-site: vcoh_bo_alloc_pages (silent: create)\n");
	}

	igt_describe("mmap() of an object.");
	igt_subtest("mmap") {
		static const struct path p = {
			.name = "mmap",
			.setup = map_setup,
			.call = map_call,
			.check = map_check,
			.teardown = map_teardown,
			.other_errno = EAGAIN,
		};
		struct map_state s;

		fail_each(fd, &p, &s);
	}

	igt_describe("BO_READ.");
	igt_subtest("bo-read")
		run_bos(fd, &bo_read_path, 1, VCOH_BO_TRACK_PAGETABLE);

	igt_describe("DEVICE_WRITE: nothing written on failure.");
	igt_subtest("device-write")
		run_bos(fd, &device_write_path, 1, VCOH_BO_TRACK_MKWRITE);

	igt_describe("BO_DIRTY in both modes: what was scanned is kept.");
	igt_subtest("bo-dirty")
		run_bos(fd, &bo_dirty_path, 2, 0);

	igt_describe("SUBMIT in both modes: nothing scanned on failure.");
	igt_subtest("submit")
		run_bos(fd, &submit_path, 2, 0);

	igt_describe("SUBMIT of an object many processes map: the GFP_NOWAIT fallback.");
	igt_subtest("submit-many-mms")
		test_submit_many_mms(fd);

	igt_describe("The upstream backend's switch out of MKWRITE.");
	igt_subtest("upstream-leave-mkwrite")
		test_upstream_leave_mkwrite(fd);

	igt_describe("The helpers' walk without a queue, from their KUnit suite.");
	igt_subtest("kunit-walk-no-queue")
		test_kunit_walk_no_queue();

	igt_describe("Opening scan_timing and attaching secondary_mmu.");
	igt_subtest("debugfs")
		test_debugfs(fd);

	igt_fixture {
		close(nth_fd);
		drm_close_driver(fd);
	}
}
