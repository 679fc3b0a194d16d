// SPDX-License-Identifier: MIT
/*
 * Lifetimes around vcoh buffer objects: handles, files, mappings and
 * processes that go away while an object is mapped, faulted in, scanned
 * or written by the device, and submits that run at the same time. No
 * write of the CPU may be lost on the way, so every subtest ends with a
 * submit and the device's copy compared to what the CPU wrote.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "igt_vcoh.h"
#include "igt_vcoh_bo.h"
#include "igt_vcoh_util.h"

/**
 * TEST: vcoh lifetimes
 * Description: No write lost while vcoh objects' users come and go.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: DRM
 * Functionality: object and mapping lifetimes
 * Test category: functionality test
 * Feature: vcoh
 *
 * SUBTEST: destroy-while-mapped
 * Description: Handles closed while mapped: the mapping keeps its data,
 *    another handle's submit copies every write. Dynamic subtests: one per
 *    tracking mode: pagetable, mkwrite, auto.
 *
 * SUBTEST: destroy-while-submitted
 * Description: Handles closed while a thread submits them: submits succeed or
 *    fail with ENOENT, no write lost. Dynamic subtests: one per tracking mode:
 *    pagetable, mkwrite, auto.
 *
 * SUBTEST: destroy-while-faulting
 * Description: A handle closed and mappings unmapped while threads fault a
 *    fresh mapping in: no write lost. Dynamic subtests: one per tracking mode:
 *    pagetable, mkwrite, auto.
 *
 * SUBTEST: exit-during-scan
 * Description: Children write and exit while the parent submits in a loop: the
 *    device gets every write. Dynamic subtests: one per tracking mode:
 *    pagetable, mkwrite, auto.
 *
 * SUBTEST: fork-shared
 * Description: A forked child and its parent write through the shared mapping:
 *    one submit copies both. Dynamic subtests: one per tracking mode:
 *    pagetable, mkwrite, auto.
 *
 * SUBTEST: multi-process-mappings
 * Description: Three processes map the object and write their own pages: the
 *    parent's submit copies all, exactly. Dynamic subtests: one per tracking
 *    mode: pagetable, mkwrite, auto.
 *
 * SUBTEST: munmap-between-scans
 * Description: A mapping unmapped, whole or in pieces, between scans: no write
 *    lost. Dynamic subtests: one per tracking mode: pagetable, mkwrite, auto.
 *
 * SUBTEST: mremap-between-scans
 * Description: A mapping moved between writes and scans: no write lost.
 *    Dynamic subtests: one per tracking mode: pagetable, mkwrite, auto.
 *
 * SUBTEST: mprotect-between-scans
 * Description: A mapping made read-only and writable again, whole or in part:
 *    writes after it are tracked exactly. Dynamic subtests: one per tracking
 *    mode: pagetable, mkwrite, auto.
 *
 * SUBTEST: concurrent-submit
 * Description: Overlapping submits in opposite orders from two files while a
 *    thread writes: no error, no write lost. Dynamic subtests: one per
 *    tracking mode: pagetable, mkwrite, auto.
 *
 * SUBTEST: device-write-vs-cpu-writes
 * Description: Device fills of one half race CPU writes to the other: each
 *    half keeps its last writer's data. Dynamic subtests: one per tracking
 *    mode: pagetable, mkwrite, auto.
 *
 * SUBTEST: munmap-during-device-write
 * Description: A mapping unmapped while the device writes part of its page:
 *    the CPU's other bytes survive in both copies. Dynamic subtests: one per
 *    tracking mode: pagetable, mkwrite, auto.
 *
 * SUBTEST: exit-during-device-write
 * Description: A process exits while the device writes part of the page it
 *    wrote: its other bytes survive in both copies. Dynamic subtests: one per
 *    tracking mode: pagetable, mkwrite, auto.
 *
 * SUBTEST: close-fd-while-mapped
 * Description: The DRM file closed while its objects are mapped: mappings
 *    work, nothing is lost, the device reopens. Dynamic subtests: one per
 *    tracking mode: pagetable, mkwrite, auto.
 */

IGT_TEST_DESCRIPTION("No write lost while vcoh objects' users come and go.");

/* Threaded subtests run this long, or until enough has happened. */
#define RACE_MS		250
/* ... and fail if that takes longer than this. */
#define RACE_MAX_MS	10000
/* Children give up waiting for their parent after this long. */
#define PIPE_TIMEOUT_MS	10000

static size_t ps;

/*
 * A buffer object, a mapping of it, and a shadow of what the CPU wrote,
 * with the pages written since the last submit.
 */
struct obj {
	struct vcoh_bo bo;
	uint8_t *shadow;
	bool *written;
};

/* What a submit must have copied, given what the test did since the last. */
enum copied {
	/* Exactly the pages written. */
	COPIED_EXACT,
	/*
	 * A writable mapping went away: PAGETABLE and AUTO (which may have
	 * left PAGETABLE since the ptes went) count it all as written.
	 */
	COPIED_UNMAPPED,
	/* Other submits or device writes in between took some of them. */
	COPIED_ANY,
};

static size_t page_words(void)
{
	return ps / sizeof(uint32_t);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/* Word accesses the compiler keeps as they are: others watch the memory. */
static void put(uint8_t *base, size_t page, size_t word, uint32_t val)
{
	uint32_t *p = (uint32_t *)(base + page * ps) + word % page_words();

	__atomic_store_n(p, val, __ATOMIC_RELAXED);
}

static uint32_t get(const uint8_t *base, size_t page, size_t word)
{
	const uint32_t *p = (const uint32_t *)(base + page * ps) +
			    word % page_words();

	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Write through @map, and remember it. */
static void obj_put(struct obj *o, uint8_t *map, size_t page, size_t word,
		    uint32_t val)
{
	put(map, page, word, val);
	put(o->shadow, page, word, val);
	o->written[page] = true;
}

/* Remember what someone else (a child, a thread) wrote. */
static void obj_expect(struct obj *o, size_t page, size_t word, uint32_t val)
{
	put(o->shadow, page, word, val);
	o->written[page] = true;
}

static struct obj obj_new(int fd, size_t npages, uint32_t track, bool map)
{
	struct obj o = {
		.bo = { .track = track, .npages = npages, .size = npages * ps },
	};

	if (map)
		o.bo = vcoh_bo_new(fd, npages, track);
	else
		o.bo.handle = vcoh_bo_create_tracked(fd, o.bo.size, track);
	o.shadow = calloc(npages, ps);
	o.written = calloc(npages, sizeof(bool));
	igt_assert(o.shadow && o.written);
	return o;
}

/* The handle may be closed already (0), the mapping unmapped (NULL). */
static void obj_free(int fd, struct obj *o)
{
	if (o->bo.map)
		igt_assert_eq(munmap(o->bo.map, o->bo.size), 0);
	if (o->bo.handle)
		gem_close(fd, o->bo.handle);
	free(o->shadow);
	free(o->written);
	memset(o, 0, sizeof(*o));
}

static size_t count_written(const struct obj *o)
{
	size_t n = 0;

	for (size_t p = 0; p < o->bo.npages; p++)
		n += o->written[p];
	return n;
}

static uint32_t word_at(const uint8_t *base, size_t i)
{
	return get(base, i / page_words(), i % page_words());
}

/* Index of the first u32 word that differs, or -1. */
static ssize_t first_word_diff(const uint8_t *a, const uint8_t *b,
			       size_t npages)
{
	size_t n = npages * page_words();

	if (!memcmp(a, b, npages * ps))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (word_at(a, i) != word_at(b, i))
			return i;
	return -1;
}

static void compare(const uint8_t *got, const uint8_t *want, size_t npages,
		    const char *what)
{
	ssize_t i = first_word_diff(got, want, npages);

	igt_assert_f(i < 0, "%s: page %zu word %zu is %#x, expected %#x\n",
		     what, i / page_words(), i % page_words(),
		     word_at(got, i), word_at(want, i));
}

/* The device's copy of the object equals @view, the CPU's. */
static void check_device(int fd, uint32_t handle, size_t npages,
			 const uint8_t *view)
{
	uint8_t *dev = malloc(npages * ps);
	ssize_t i;

	igt_assert(dev);
	vcoh_device_read(fd, handle, 0, dev, npages * ps);
	i = first_word_diff(dev, view, npages);
	if (i >= 0) {
		uint32_t d = word_at(dev, i);

		free(dev);
		igt_assert_f(false,
			     "device: page %zu word %zu is %#x, CPU's %#x\n",
			     i / page_words(), i % page_words(), d,
			     word_at(view, i));
	}
	free(dev);
}

/* @view shows what the CPU wrote, and so does the device's copy. */
static void check_obj(int fd, const struct obj *o, const uint8_t *view)
{
	compare(view, o->shadow, o->bo.npages, "CPU view");
	check_device(fd, o->bo.handle, o->bo.npages, view);
}

static uint32_t cur_mode(int fd, uint32_t handle)
{
	struct drm_vcoh_stats st;

	vcoh_stats(fd, handle, &st);
	igt_assert(st.mode == VCOH_BO_TRACK_PAGETABLE ||
		   st.mode == VCOH_BO_TRACK_MKWRITE);
	return st.mode;
}

static void check_copied(uint32_t mode, uint64_t copied, uint64_t written,
			 uint64_t npages, enum copied how)
{
	igt_debug("mode %u: %llu pages copied, %llu written\n", mode,
		  (unsigned long long)copied, (unsigned long long)written);
	igt_assert_cmpu64(copied, <=, >, npages);
	switch (how) {
	case COPIED_EXACT:
		igt_assert_eq_u64(copied, written);
		break;
	case COPIED_UNMAPPED:
		if (mode == VCOH_BO_TRACK_MKWRITE)
			igt_assert_eq_u64(copied, written);
		else
			igt_assert_cmpu64(copied, >=, <, written);
		break;
	case COPIED_ANY:
		break;
	}
}

/* Submit the object alone, then the device must have it all. */
static void sync_check(int fd, struct obj *o, const uint8_t *view,
		       enum copied how)
{
	uint32_t mode = cur_mode(fd, o->bo.handle);
	struct drm_vcoh_submit out;

	/* Only a fixed MKWRITE object counts an unmapped mapping exactly. */
	if (o->bo.track == VCOH_BO_TRACK_AUTO)
		mode = VCOH_BO_TRACK_PAGETABLE;
	vcoh_submit(fd, &o->bo.handle, 1, &out);
	check_copied(mode, out.pages_copied, count_written(o), o->bo.npages, how);
	check_obj(fd, o, view);
	memset(o->written, 0, o->bo.npages * sizeof(bool));
}

static int submit_err(int fd, uint32_t handle)
{
	struct drm_vcoh_submit s = {
		.handles_ptr = (uintptr_t)&handle,
		.count = 1,
	};

	return __vcoh_submit(fd, &s);
}

static uint32_t flink(int fd, uint32_t handle)
{
	struct drm_gem_flink arg = { .handle = handle };

	do_ioctl(fd, DRM_IOCTL_GEM_FLINK, &arg);
	igt_assert(arg.name);
	return arg.name;
}

static uint32_t gem_open_name(int fd, uint32_t name)
{
	struct drm_gem_open arg = { .name = name };

	do_ioctl(fd, DRM_IOCTL_GEM_OPEN, &arg);
	igt_assert(arg.handle);
	return arg.handle;
}

static bool send_byte(int fd)
{
	char c = 0;

	return write(fd, &c, 1) == 1;
}

/* A byte within PIPE_TIMEOUT_MS; false on timeout or end of file. */
static bool wait_byte(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	return poll(&p, 1, PIPE_TIMEOUT_MS) == 1 && read(fd, &c, 1) == 1;
}

static void test_destroy_while_mapped(int fd, uint32_t track)
{
	struct obj lone = obj_new(fd, 16, track, true);
	struct obj o = obj_new(fd, 32, track, true);
	uint32_t h2, old;
	uint64_t offset;

	/* The last handle goes: the mapping alone keeps the object. */
	for (size_t p = 0; p < 8; p++)
		obj_put(&lone, lone.bo.map, p, p, 0x1000 + p);
	gem_close(fd, lone.bo.handle);
	igt_assert_eq(__vcoh_bo_mmap_offset(fd, lone.bo.handle, &offset),
		      -ENOENT);
	igt_assert_eq(submit_err(fd, lone.bo.handle), -ENOENT);
	for (size_t p = 4; p < 16; p++)
		obj_put(&lone, lone.bo.map, p, p + 1, 0x2000 + p);
	compare(lone.bo.map, lone.shadow, lone.bo.npages, "orphaned mapping");
	lone.bo.handle = 0;
	obj_free(fd, &lone);

	/* The mapped handle goes, another stays: it sees every write. */
	for (size_t p = 0; p < 12; p++)
		obj_put(&o, o.bo.map, p, 3, 0x3000 + p);
	h2 = gem_open_name(fd, flink(fd, o.bo.handle));
	old = o.bo.handle;
	gem_close(fd, old);
	igt_assert_eq(submit_err(fd, old), -ENOENT);
	o.bo.handle = h2;
	for (size_t p = 8; p < 20; p++)
		obj_put(&o, o.bo.map, p, 4, 0x4000 + p);
	sync_check(fd, &o, o.bo.map, COPIED_EXACT);
	for (size_t p = 1; p < 32; p += 3)
		obj_put(&o, o.bo.map, p, 5, 0x5000 + p);
	sync_check(fd, &o, o.bo.map, COPIED_EXACT);
	obj_free(fd, &o);
}

#define GONE_ROUNDS	6
#define GONE_CAP	100000

struct gone {
	int fd;
	uint32_t handles[2];
	uint32_t count;
	unsigned long ok;
	bool started, done;
	int last, bad;
};

/* Submit until a handle is gone; alternate the order, or the handle. */
static void *submit_until_gone(void *arg)
{
	struct gone *g = arg;

	__atomic_store_n(&g->started, true, __ATOMIC_RELEASE);
	for (unsigned long i = 0; i < GONE_CAP; i++) {
		uint32_t h[2] = { g->handles[i & 1], g->handles[!(i & 1)] };
		struct drm_vcoh_submit s = {
			.handles_ptr = (uintptr_t)h,
			.count = g->count,
		};
		int ret = __vcoh_submit(g->fd, &s);

		if (!ret) {
			__atomic_add_fetch(&g->ok, 1, __ATOMIC_RELEASE);
			continue;
		}
		g->last = ret;
		if (ret != -ENOENT)
			g->bad = ret;
		break;
	}
	__atomic_store_n(&g->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Another file's handles to the object, and to a victim only that file
 * has, close while a thread submits them. The victim is unmapped in odd
 * rounds, so the submit in flight may drop its last reference.
 */
static void test_destroy_while_submitted(int fd, uint32_t track)
{
	struct obj o = obj_new(fd, 32, track, true);
	int fd2 = drm_open_vcoh();
	uint32_t name = flink(fd, o.bo.handle);
	unsigned long total = 0;

	for (unsigned int round = 0; round < GONE_ROUNDS; round++) {
		unsigned long wait_ok = round % 3;
		struct gone g = { .fd = fd2 };
		int err_first, err_second;
		pthread_t thread;
		uint8_t *vmap;
		uint32_t victim;

		g.handles[0] = gem_open_name(fd2, name);
		victim = vcoh_bo_create_tracked(fd2, 16 * ps, track);
		g.handles[1] = victim;
		g.count = round % 3 == 2 ? 1 : 2;
		vmap = vcoh_bo_map(fd2, victim, 16 * ps,
				   PROT_READ | PROT_WRITE);
		memset(vmap + (round % 16) * ps, round + 1, ps);
		if (round & 1) {
			igt_assert_eq(munmap(vmap, 16 * ps), 0);
			vmap = NULL;
		}

		igt_assert_eq(pthread_create(&thread, NULL, submit_until_gone,
					     &g), 0);
		/* Let 0, 1 or 2 submits through before the handles go. */
		while (!__atomic_load_n(&g.started, __ATOMIC_ACQUIRE) ||
		       (__atomic_load_n(&g.ok, __ATOMIC_ACQUIRE) < wait_ok &&
			!__atomic_load_n(&g.done, __ATOMIC_ACQUIRE)))
			sched_yield();
		for (size_t p = round; p < o.bo.npages; p += 5)
			obj_put(&o, o.bo.map, p, round, 0x6000 + round * 64 + p);
		err_first = __vcoh_gem_close(fd2, g.handles[round & 1]);
		err_second = __vcoh_gem_close(fd2, g.handles[!(round & 1)]);
		pthread_join(thread, NULL);
		if (vmap)
			igt_assert_eq(munmap(vmap, 16 * ps), 0);

		igt_info("round %u: %lu submits before the handles went\n",
			 round, g.ok);
		igt_assert_eq(err_first, 0);
		igt_assert_eq(err_second, 0);
		igt_assert_f(!g.bad, "submit failed with %d (%s)\n", g.bad,
			     strerror(-g.bad));
		igt_assert_eq(g.last, -ENOENT);
		igt_assert_cmpu64(g.ok, >=, <, wait_ok);
		total += g.ok;
	}
	igt_info("%lu submits in all\n", total);
	drm_close_driver(fd2);
	sync_check(fd, &o, o.bo.map, COPIED_ANY);
	obj_free(fd, &o);
}

#define FAULT_THREADS	3
#define FAULT_ROUNDS	3
#define FAULT_OTHERS	3

struct faulter {
	uint8_t *map;
	size_t npages;
	unsigned int id;
	uint32_t base;
	unsigned int *ready;
	bool *go;
};

static uint32_t fault_val(unsigned int round, unsigned int id, size_t page)
{
	return 0x10000 * (round + 1) + 0x1000 * id + page;
}

/* First touch of every FAULT_THREADS-th page of a fresh mapping. */
static void *fault_pages(void *arg)
{
	struct faulter *f = arg;

	__atomic_add_fetch(f->ready, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(f->go, __ATOMIC_ACQUIRE))
		sched_yield();
	for (size_t p = f->id; p < f->npages; p += FAULT_THREADS)
		put(f->map, p, f->id, f->base + p);
	return NULL;
}

/*
 * Threads fault a fresh mapping in while its handle, this file's last
 * handle to the object, is closed and other mappings of it go. Another
 * file keeps a handle for the submits.
 */
static void test_destroy_while_faulting(int fd, uint32_t track)
{
	int fd2 = drm_open_vcoh();
	struct obj o = obj_new(fd2, 64, track, true);
	uint32_t name = flink(fd2, o.bo.handle);
	size_t size = o.bo.npages * ps;

	for (unsigned int round = 0; round < FAULT_ROUNDS; round++) {
		struct faulter f[FAULT_THREADS];
		pthread_t threads[FAULT_THREADS];
		uint8_t *fresh, *others[FAULT_OTHERS];
		unsigned int ready = 0;
		bool go = false;
		int err_close, err_unmap = 0;
		uint32_t h;

		h = gem_open_name(fd, name);
		fresh = vcoh_bo_map(fd, h, size, PROT_READ | PROT_WRITE);
		for (int i = 0; i < FAULT_OTHERS; i++) {
			others[i] = vcoh_bo_map(fd, h, size,
						PROT_READ | PROT_WRITE);
			obj_put(&o, others[i], (round * 7 + i * 11) % o.bo.npages,
				FAULT_THREADS + i, 0xee00 + round * 8 + i);
		}
		for (unsigned int t = 0; t < FAULT_THREADS; t++) {
			f[t] = (struct faulter){
				.map = fresh,
				.npages = o.bo.npages,
				.id = t,
				.base = fault_val(round, t, 0),
				.ready = &ready,
				.go = &go,
			};
			igt_assert_eq(pthread_create(&threads[t], NULL,
						     fault_pages, &f[t]), 0);
		}
		while (__atomic_load_n(&ready, __ATOMIC_ACQUIRE) <
		       FAULT_THREADS)
			sched_yield();
		__atomic_store_n(&go, true, __ATOMIC_RELEASE);
		err_close = __vcoh_gem_close(fd, h);
		for (int i = 0; i < FAULT_OTHERS; i++)
			err_unmap |= munmap(others[i], size);
		for (unsigned int t = 0; t < FAULT_THREADS; t++)
			pthread_join(threads[t], NULL);

		igt_assert_eq(err_close, 0);
		igt_assert_eq(err_unmap, 0);
		igt_assert_eq(submit_err(fd, h), -ENOENT);
		for (unsigned int t = 0; t < FAULT_THREADS; t++)
			for (size_t p = t; p < o.bo.npages; p += FAULT_THREADS)
				obj_expect(&o, p, t, fault_val(round, t, p));
		compare(fresh, o.shadow, o.bo.npages, "faulted mapping");
		igt_assert_eq(munmap(fresh, size), 0);
		sync_check(fd2, &o, o.bo.map, COPIED_UNMAPPED);
	}
	obj_free(fd2, &o);
	drm_close_driver(fd2);
}

#define EXIT_CHILDREN	3
#define EXIT_ROUNDS	2

static uint32_t exit_val(unsigned int round, unsigned int child, size_t page)
{
	return 0xc0000000u | round << 20 | child << 16 | page;
}

/* Write our pages through our own mapping and the inherited one, and go. */
static void exit_child(int fd, struct obj *o, unsigned int round,
		       unsigned int child)
{
	uint8_t *own = __vcoh_bo_map(fd, o->bo.handle, 0, o->bo.npages * ps,
				     PROT_READ | PROT_WRITE, MAP_SHARED);

	if (!own)
		_exit(2);
	for (size_t p = child; p < o->bo.npages; p += EXIT_CHILDREN) {
		uint8_t *m = (p / EXIT_CHILDREN) & 1 ? o->bo.map : own;

		put(m, p, round, exit_val(round, child, p));
	}
	if (child & 1)
		usleep(1000 * child);
	/* No munmap: the exit tears the mappings down. */
	_exit(0);
}

/*
 * Children write and exit while the parent submits in a loop: every
 * write a child made before exiting reaches the device.
 */
static void test_exit_during_scan(int fd, uint32_t track)
{
	struct obj o = obj_new(fd, 64, track, true);

	for (unsigned int round = 0; round < EXIT_ROUNDS; round++) {
		pid_t pids[EXIT_CHILDREN];
		unsigned int alive = EXIT_CHILDREN, bad = 0;
		unsigned long submits = 0;
		uint64_t start = now_ms();

		/*
		 * Not igt_fork(): igt_waitchildren() waits for them all,
		 * and the parent must submit while each one exits.
		 */
		for (unsigned int c = 0; c < EXIT_CHILDREN; c++) {
			pids[c] = fork();
			igt_assert_lte(0, pids[c]);
			if (!pids[c])
				exit_child(fd, &o, round, c);
		}
		while (alive) {
			vcoh_submit(fd, &o.bo.handle, 1, NULL);
			submits++;
			for (unsigned int c = 0; c < EXIT_CHILDREN; c++) {
				int status;

				if (!pids[c] || waitpid(pids[c], &status,
							WNOHANG) != pids[c])
					continue;
				if (!WIFEXITED(status) || WEXITSTATUS(status))
					bad++;
				pids[c] = 0;
				alive--;
			}
			igt_assert_f(now_ms() - start < RACE_MAX_MS,
				     "children still running\n");
		}
		igt_info("round %u: %lu submits while the children ran\n",
			 round, submits);
		igt_assert_eq(bad, 0);

		for (unsigned int c = 0; c < EXIT_CHILDREN; c++)
			for (size_t p = c; p < o.bo.npages; p += EXIT_CHILDREN)
				obj_expect(&o, p, round, exit_val(round, c, p));
		sync_check(fd, &o, o.bo.map, COPIED_ANY);
	}
	obj_free(fd, &o);
}

/*
 * A child writes through its copy of the parent's mapping and exits, the
 * parent writes other pages: one submit copies both.
 */
static void test_fork_shared(int fd, uint32_t track)
{
	struct obj o = obj_new(fd, 32, track, true);

	for (size_t p = 0; p < 4; p++)
		obj_put(&o, o.bo.map, p, 0, 0xa000 + p);
	sync_check(fd, &o, o.bo.map, COPIED_EXACT);

	igt_fork(child, 1)
		for (size_t p = 1; p < 16; p += 2)
			put(o.bo.map, p, 1, 0xc100 + p);
	igt_waitchildren();
	for (size_t p = 1; p < 16; p += 2)
		obj_expect(&o, p, 1, 0xc100 + p);
	/* Pages 11, 13 and 15 were written by both. */
	for (size_t p = 10; p <= 20; p++)
		obj_put(&o, o.bo.map, p, 2, 0xa100 + p);
	igt_assert_eq_u64(count_written(&o), 16);
	sync_check(fd, &o, o.bo.map, COPIED_UNMAPPED);

	/* The parent's mapping is tracked as before. */
	for (size_t p = 25; p < 28; p++)
		obj_put(&o, o.bo.map, p, 3, 0xa200 + p);
	sync_check(fd, &o, o.bo.map, COPIED_EXACT);
	obj_free(fd, &o);
}

#define MP_PROCS	3
#define MP_PAGES	48

static uint32_t mp_val(unsigned int round, unsigned int proc, size_t page)
{
	return 0xd0000000u | round << 20 | proc << 16 | page;
}

/*
 * Round 0 writes pages [0, 24), round 1 [16, 40), each page by process
 * page % 3: through @map if given, into @o's expectations if given.
 */
static void mp_write(uint8_t *map, struct obj *o, unsigned int round,
		     unsigned int proc)
{
	size_t first = round ? 16 : 0;

	for (size_t p = first; p < first + 24; p++) {
		if (p % MP_PROCS != proc)
			continue;
		if (map)
			put(map, p, round, mp_val(round, proc, p));
		if (o)
			obj_expect(o, p, round, mp_val(round, proc, p));
	}
}

static void mp_child(int fd, uint32_t handle, unsigned int proc, int ready,
		     int go)
{
	uint8_t *map = __vcoh_bo_map(fd, handle, 0, MP_PAGES * ps,
				     PROT_READ | PROT_WRITE, MAP_SHARED);

	igt_assert(map);
	for (unsigned int round = 0; round < 2; round++) {
		mp_write(map, NULL, round, proc);
		igt_assert(send_byte(ready));
		igt_assert(wait_byte(go));
	}
}

/*
 * Three processes map the object each, and write their own pages; the
 * parent's submits find the writes in every address space.
 */
static void test_multi_process(int fd, uint32_t track)
{
	struct obj o = obj_new(fd, MP_PAGES, track, false);
	int ready[MP_PROCS][2], go[MP_PROCS][2];

	for (unsigned int k = 1; k < MP_PROCS; k++) {
		igt_assert_eq(pipe(ready[k]), 0);
		igt_assert_eq(pipe(go[k]), 0);
	}
	/* Child c is process c + 1; the parent is process 0. */
	igt_fork(c, MP_PROCS - 1)
		mp_child(fd, o.bo.handle, c + 1, ready[c + 1][1], go[c + 1][0]);
	/* Mapped after the fork: the children have no copy of it. */
	o.bo.map = vcoh_bo_map(fd, o.bo.handle, MP_PAGES * ps,
			       PROT_READ | PROT_WRITE);

	for (unsigned int round = 0; round < 2; round++) {
		mp_write(o.bo.map, &o, round, 0);
		for (unsigned int k = 1; k < MP_PROCS; k++) {
			igt_assert_f(wait_byte(ready[k][0]),
				     "child %u did not write\n", k);
			mp_write(NULL, &o, round, k);
		}
		igt_assert_eq_u64(count_written(&o), 24);
		sync_check(fd, &o, o.bo.map, COPIED_EXACT);
		for (unsigned int k = 1; k < MP_PROCS; k++)
			igt_assert(send_byte(go[k][1]));
	}
	igt_waitchildren();
	for (unsigned int k = 1; k < MP_PROCS; k++) {
		close(ready[k][0]);
		close(ready[k][1]);
		close(go[k][0]);
		close(go[k][1]);
	}
	/* Their exit unmapped their mappings: nothing written, though. */
	sync_check(fd, &o, o.bo.map, COPIED_UNMAPPED);
	obj_free(fd, &o);
}

/* A second mapping is written, then unmapped, whole or in pieces. */
static void test_munmap_between(int fd, uint32_t track)
{
	struct obj o = obj_new(fd, 32, track, true);
	size_t size = o.bo.npages * ps;

	for (unsigned int round = 0; round < 4; round++) {
		uint8_t *b = vcoh_bo_map(fd, o.bo.handle, size,
					 PROT_READ | PROT_WRITE);

		for (size_t p = round; p < o.bo.npages; p += 5)
			obj_put(&o, b, p, round, 0x7000 + round * 64 + p);
		obj_put(&o, o.bo.map, (round * 7 + 3) % o.bo.npages, round + 8,
			0x7800 + round);
		if (round & 1) {
			/* A hole first, then writes on both sides of it. */
			igt_assert_eq(munmap(b + 8 * ps, 8 * ps), 0);
			obj_put(&o, b, 2, round + 16, 0x7900 + round);
			obj_put(&o, b, 21, round + 16, 0x7a00 + round);
			igt_assert_eq(munmap(b, 8 * ps), 0);
			igt_assert_eq(munmap(b + 16 * ps, 16 * ps), 0);
		} else {
			igt_assert_eq(munmap(b, size), 0);
		}
		sync_check(fd, &o, o.bo.map, COPIED_UNMAPPED);
	}
	/* Nothing unmapped since: exact again. */
	for (size_t p = 0; p < o.bo.npages; p += 6)
		obj_put(&o, o.bo.map, p, 30, 0x7f00 + p);
	sync_check(fd, &o, o.bo.map, COPIED_EXACT);
	obj_free(fd, &o);
}

/* The mapping moves between writes, and between scans. */
static void test_mremap_between(int fd, uint32_t track)
{
	struct obj o = obj_new(fd, 32, track, true);
	size_t size = o.bo.npages * ps;

	for (unsigned int round = 0; round < 4; round++) {
		size_t before = (round * 5 + 1) % o.bo.npages;
		uint8_t *moved;
		void *target;

		obj_put(&o, o.bo.map, before, round, 0x8000 + round);
		obj_put(&o, o.bo.map, 31 - round, round, 0x8100 + round);
		/* Onto a reserved range, so that it really moves. */
		target = mmap(NULL, size, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(target != MAP_FAILED);
		moved = mremap(o.bo.map, size, size,
			       MREMAP_MAYMOVE | MREMAP_FIXED, target);
		igt_assert(moved == target);
		o.bo.map = moved;
		igt_assert_eq_u32(get(o.bo.map, before, round), 0x8000 + round);
		obj_put(&o, o.bo.map, before, round + 8, 0x8200 + round);
		for (size_t p = round + 2; p < o.bo.npages; p += 7)
			obj_put(&o, o.bo.map, p, round + 16, 0x8300 + p);
		sync_check(fd, &o, o.bo.map, COPIED_UNMAPPED);
	}
	for (size_t p = 3; p < o.bo.npages; p += 4)
		obj_put(&o, o.bo.map, p, 30, 0x8f00 + p);
	sync_check(fd, &o, o.bo.map, COPIED_EXACT);
	obj_free(fd, &o);
}

static void protect(uint8_t *addr, size_t len, int prot)
{
	igt_assert_eq(mprotect(addr, len, prot), 0);
}

/*
 * The mapping is made read-only and writable again, whole or in part:
 * a write after that must be tracked like the first.
 */
static void test_mprotect_between(int fd, uint32_t track)
{
	struct obj o = obj_new(fd, 32, track, true);
	size_t size = o.bo.npages * ps;
	const int rw = PROT_READ | PROT_WRITE;

	for (unsigned int round = 0; round < 3; round++) {
		uint32_t base = 0x9000 + round * 0x100;

		for (size_t p = round; p < o.bo.npages; p += 3)
			obj_put(&o, o.bo.map, p, round, base + p);
		protect(o.bo.map, size, PROT_READ);
		compare(o.bo.map, o.shadow, o.bo.npages, "read-only mapping");
		sync_check(fd, &o, o.bo.map, COPIED_EXACT);
		protect(o.bo.map, size, rw);
		/* The pages written before, and others. */
		for (size_t p = round; p < o.bo.npages; p += 2)
			obj_put(&o, o.bo.map, p, round + 4, base + 0x40 + p);
		sync_check(fd, &o, o.bo.map, COPIED_EXACT);

		/* Part of it: pages [4, 12) read-only, the rest written. */
		protect(o.bo.map + 4 * ps, 8 * ps, PROT_READ);
		obj_put(&o, o.bo.map, 1, round + 8, base + 0x80);
		obj_put(&o, o.bo.map, 12, round + 8, base + 0x81);
		obj_put(&o, o.bo.map, 30, round + 8, base + 0x82);
		sync_check(fd, &o, o.bo.map, COPIED_EXACT);
		protect(o.bo.map + 4 * ps, 8 * ps, rw);
		for (size_t p = 4; p < 12; p += 3)
			obj_put(&o, o.bo.map, p, round + 12, base + 0xc0 + p);
		obj_put(&o, o.bo.map, 12, round + 12, base + 0xd0);
		sync_check(fd, &o, o.bo.map, COPIED_EXACT);
	}
	obj_free(fd, &o);
}

/*
 * When a threaded race ends. A worker that is running anyway decides,
 * not the main thread, which busy workers could keep off both vCPUs.
 */
struct race {
	uint64_t start;
	bool stop;
};

static void race_start(struct race *rc)
{
	rc->start = now_ms();
	rc->stop = false;
}

static bool race_stopped(struct race *rc)
{
	return __atomic_load_n(&rc->stop, __ATOMIC_ACQUIRE);
}

static void race_end(struct race *rc)
{
	__atomic_store_n(&rc->stop, true, __ATOMIC_RELEASE);
}

/* Stop after RACE_MS once @enough happened, or after RACE_MAX_MS anyway. */
static void race_check(struct race *rc, bool enough)
{
	uint64_t ran = now_ms() - rc->start;

	if ((ran >= RACE_MS && enough) || ran >= RACE_MAX_MS)
		race_end(rc);
}

struct csub {
	int fd;
	uint32_t lists[2][2];
	uint32_t counts[2];
	unsigned long done[2];
	int err;
	struct race *rc;
};

/* Submit the two lists in turn until the race ends, or an error. */
static void *csub_thread(void *arg)
{
	struct csub *c = arg;

	for (unsigned long i = 0; !race_stopped(c->rc); i++) {
		struct drm_vcoh_submit s = {
			.handles_ptr = (uintptr_t)c->lists[i & 1],
			.count = c->counts[i & 1],
		};
		int ret = __vcoh_submit(c->fd, &s);

		if (ret) {
			c->err = ret;
			race_end(c->rc);
			break;
		}
		__atomic_add_fetch(&c->done[i & 1], 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

#define CSUB_MIN	10
#define CSUB_MIN_WRITES	1000

static unsigned long csub_total(struct csub *c)
{
	return __atomic_load_n(&c->done[0], __ATOMIC_ACQUIRE) +
	       __atomic_load_n(&c->done[1], __ATOMIC_ACQUIRE);
}

struct cwriter {
	struct obj *o[2];
	struct csub *subs[2];
	unsigned long writes;
	struct race *rc;
};

/* Write both objects; end the race once every thread did enough. */
static void *cwriter_thread(void *arg)
{
	struct cwriter *w = arg;

	for (uint32_t seq = 1; !race_stopped(w->rc); seq++) {
		struct obj *o = w->o[seq & 1];

		obj_put(o, o->bo.map, (seq >> 1) % o->bo.npages, seq >> 6, seq);
		w->writes++;
		if (!(seq % 256))
			race_check(w->rc, csub_total(w->subs[0]) >= CSUB_MIN &&
				   csub_total(w->subs[1]) >= CSUB_MIN &&
				   w->writes >= CSUB_MIN_WRITES);
	}
	return NULL;
}

/*
 * Two threads, on two files, submit {A, B} and {B, A} and each object
 * alone at the same time while a third writes both: the locks order
 * themselves, no submit fails and none loses a write.
 */
static void test_concurrent_submit(int fd, uint32_t track)
{
	struct obj a = obj_new(fd, 32, track, true);
	struct obj b = obj_new(fd, 32, track, true);
	int fd2 = drm_open_vcoh();
	uint32_t a2 = gem_open_name(fd2, flink(fd, a.bo.handle));
	uint32_t b2 = gem_open_name(fd2, flink(fd, b.bo.handle));
	struct drm_vcoh_stats sa0, sb0, sa1, sb1;
	struct race rc;
	struct csub c1 = {
		.fd = fd,
		.lists = { { a.bo.handle, b.bo.handle }, { a.bo.handle } },
		.counts = { 2, 1 },
		.rc = &rc,
	};
	struct csub c2 = {
		.fd = fd2,
		.lists = { { b2, a2 }, { b2 } },
		.counts = { 2, 1 },
		.rc = &rc,
	};
	struct cwriter w = {
		.o = { &a, &b },
		.subs = { &c1, &c2 },
		.rc = &rc,
	};
	uint32_t both[2] = { a.bo.handle, b.bo.handle };
	unsigned long on_a, on_b;
	pthread_t t1, t2, tw;

	vcoh_stats(fd, a.bo.handle, &sa0);
	vcoh_stats(fd, b.bo.handle, &sb0);
	race_start(&rc);
	igt_assert_eq(pthread_create(&tw, NULL, cwriter_thread, &w), 0);
	igt_assert_eq(pthread_create(&t1, NULL, csub_thread, &c1), 0);
	igt_assert_eq(pthread_create(&t2, NULL, csub_thread, &c2), 0);
	pthread_join(tw, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);

	igt_info("%lu + %lu submits, %lu writes in %llu ms\n", csub_total(&c1),
		 csub_total(&c2), w.writes,
		 (unsigned long long)(now_ms() - rc.start));
	igt_assert_f(!c1.err && !c2.err, "submit failed: %d, %d\n", c1.err,
		     c2.err);
	igt_assert_cmpu64(csub_total(&c1), >=, <, CSUB_MIN);
	igt_assert_cmpu64(csub_total(&c2), >=, <, CSUB_MIN);
	igt_assert_cmpu64(w.writes, >=, <, CSUB_MIN_WRITES);

	vcoh_submit(fd, both, 2, NULL);
	check_obj(fd, &a, a.bo.map);
	check_obj(fd, &b, b.bo.map);

	/* Every submit that took an object counted once for it. */
	on_a = c1.done[0] + c1.done[1] + c2.done[0] + 1;
	on_b = c1.done[0] + c2.done[0] + c2.done[1] + 1;
	vcoh_stats(fd, a.bo.handle, &sa1);
	vcoh_stats(fd, b.bo.handle, &sb1);
	igt_assert_eq_u64(sa1.submits - sa0.submits, on_a);
	igt_assert_eq_u64(sb1.submits - sb0.submits, on_b);

	drm_close_driver(fd2);
	obj_free(fd, &a);
	obj_free(fd, &b);
}

#define DW_PAGES	64
#define DW_MIN_FILLS	5
#define DW_MIN_WRITES	2000

struct dwrace {
	int fd;
	struct obj *o;
	size_t half;
	struct race rc;
	unsigned long writes, fills;
	uint32_t last_fill;
	int err;
	uint32_t sink;
};

/* Sequence numbers into the first half; reads of the second. */
static void *dw_writer(void *arg)
{
	struct dwrace *r = arg;
	struct obj *o = r->o;
	uint32_t sink = 0;

	for (uint32_t seq = 1; !race_stopped(&r->rc); seq++) {
		size_t page = seq % r->half;

		obj_put(o, o->bo.map, page, seq / r->half, seq);
		/* Reads fault the device's data in while it changes. */
		if (!(seq % 16))
			sink += get(o->bo.map, r->half + page, seq);
		__atomic_add_fetch(&r->writes, 1, __ATOMIC_RELEASE);
	}
	r->sink = sink;
	return NULL;
}

/* The device fills the second half, a new value each time. */
static void *dw_filler(void *arg)
{
	struct dwrace *r = arg;

	for (uint32_t i = 1; !race_stopped(&r->rc); i++) {
		struct drm_vcoh_device_write dw = {
			.handle = r->o->bo.handle,
			.flags = VCOH_DEVICE_WRITE_FILL,
			.offset = r->half * ps,
			.size = (r->o->bo.npages - r->half) * ps,
			.value = 0xf0000000u | i,
		};
		int ret = __vcoh_device_write(r->fd, &dw);

		if (ret) {
			r->err = ret;
			race_end(&r->rc);
			break;
		}
		r->last_fill = dw.value;
		r->fills++;
		race_check(&r->rc, r->fills >= DW_MIN_FILLS &&
			   __atomic_load_n(&r->writes, __ATOMIC_ACQUIRE) >=
			   DW_MIN_WRITES);
	}
	return NULL;
}

/* Start @fn on @cpu only; 0 or an error number. */
static int start_pinned(pthread_t *thread, int cpu, void *(*fn)(void *),
			void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	err = pthread_attr_init(&attr);
	if (err)
		return err;
	err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (!err)
		err = pthread_create(thread, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return err;
}

/*
 * A writer on vCPU 0 writes the first half of the object while the device,
 * driven from vCPU 1, fills the second: each keeps its last word.
 */
static void test_device_write_vs_cpu(int fd, uint32_t track)
{
	struct obj o;
	struct dwrace r = { .fd = fd };
	struct drm_vcoh_stats s0, s1;
	pthread_t writer, filler;
	uint64_t ran;
	int err;

	igt_require(sysconf(_SC_NPROCESSORS_ONLN) >= 2);
	o = obj_new(fd, DW_PAGES, track, true);
	r.o = &o;
	r.half = DW_PAGES / 2;
	vcoh_stats(fd, o.bo.handle, &s0);

	race_start(&r.rc);
	igt_assert_eq(start_pinned(&writer, 0, dw_writer, &r), 0);
	err = start_pinned(&filler, 1, dw_filler, &r);
	if (err)
		race_end(&r.rc);
	else
		pthread_join(filler, NULL);
	pthread_join(writer, NULL);
	igt_assert_eq(err, 0);
	ran = now_ms() - r.rc.start;

	igt_info("%lu writes, %lu fills in %llu ms\n", r.writes, r.fills,
		 (unsigned long long)ran);
	igt_assert_f(!r.err, "device write failed with %d (%s)\n", r.err,
		     strerror(-r.err));
	igt_assert_cmpu64(r.fills, >=, <, DW_MIN_FILLS);
	igt_assert_cmpu64(r.writes, >=, <, DW_MIN_WRITES);
	vcoh_stats(fd, o.bo.handle, &s1);
	igt_assert_eq_u64(s1.device_writes - s0.device_writes, r.fills);

	/* The writer's half holds its last writes... */
	compare(o.bo.map, o.shadow, r.half, "CPU view of the written half");
	/* ... the device's, its last fill. */
	for (size_t p = r.half; p < o.bo.npages; p++)
		for (size_t i = 0; i < page_words(); i++)
			obj_expect(&o, p, i, r.last_fill);
	compare(o.bo.map + r.half * ps, o.shadow + r.half * ps,
		o.bo.npages - r.half, "CPU view of the filled half");
	sync_check(fd, &o, o.bo.map, COPIED_ANY);
	obj_free(fd, &o);
}

/*
 * An unmap zaps a mapping's ptes, and with them their dirty bits, before
 * the driver hears of it in the vma's close. A device write of part of a
 * page in between must leave the rest of the page as the CPU wrote it.
 */
#define PDW_ROUNDS	40
#define PDW_BIG		(8u << 20)
#define PDW_BYTES	64
#define PDW_CPU_BYTE	100
#define PDW_FILL	0xa5a5a5a5u

/* The unmapping side runs on vCPU 0, the device's on vCPU 1. */
static void pin_cpu0(cpu_set_t *old)
{
	igt_assert_eq(sched_getaffinity(0, sizeof(*old), old), 0);
	pin_self(0);
}

/* Partial device writes of page 0 until told to stop. */
struct pdw {
	int fd;
	uint32_t handle;
	struct race rc;
	unsigned long writes;
	int err;
};

static void *pdw_thread(void *arg)
{
	struct pdw *p = arg;
	struct drm_vcoh_device_write dw = {
		.handle = p->handle,
		.flags = VCOH_DEVICE_WRITE_FILL,
		.size = PDW_BYTES,
		.value = PDW_FILL,
	};

	do {
		p->err = __vcoh_device_write(p->fd, &dw);
		p->writes++;
	} while (!p->err && !race_stopped(&p->rc));
	return NULL;
}

/*
 * One page of the object mapped right below PDW_BIG bytes of faulted
 * anonymous memory, so that unmapping both zaps the object's pte long
 * before its vma is closed.
 */
static uint8_t *pdw_map(int fd, uint32_t handle)
{
	uint64_t offset;
	uint8_t *at, *map, *anon;

	igt_assert_eq(__vcoh_bo_mmap_offset(fd, handle, &offset), 0);
	at = mmap(NULL, ps + PDW_BIG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	igt_assert(at != MAP_FAILED);
	map = mmap(at, ps, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		   offset);
	anon = mmap(at + ps, PDW_BIG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(map == at && anon == at + ps);
	memset(anon, 1, PDW_BIG);
	return map;
}

/* Both copies hold the device's bytes and the CPU's byte, after a submit. */
static void pdw_check(int fd, uint32_t handle, uint8_t val, unsigned int round)
{
	uint8_t want[2 * PDW_CPU_BYTE], got[2 * PDW_CPU_BYTE];
	struct drm_vcoh_submit out;

	memset(want, 0, sizeof(want));
	memset(want, 0xa5, PDW_BYTES);
	want[PDW_CPU_BYTE] = val;
	vcoh_submit(fd, &handle, 1, &out);
	vcoh_bo_read(fd, handle, 0, got, sizeof(got));
	igt_assert_f(!memcmp(got, want, sizeof(want)),
		     "round %u: CPU copy: byte %d is %#x, byte 0 %#x\n", round,
		     PDW_CPU_BYTE, got[PDW_CPU_BYTE], got[0]);
	vcoh_device_read(fd, handle, 0, got, sizeof(got));
	igt_assert_f(!memcmp(got, want, sizeof(want)),
		     "round %u: device copy: byte %d is %#x, byte 0 %#x\n",
		     round, PDW_CPU_BYTE, got[PDW_CPU_BYTE], got[0]);
}

static void pdw_start(struct pdw *p, pthread_t *thread)
{
	race_start(&p->rc);
	igt_assert_eq(start_pinned(thread, 1, pdw_thread, p), 0);
	/* Let the device get going before the unmap. */
	while (!__atomic_load_n(&p->writes, __ATOMIC_RELAXED))
		sched_yield();
}

static void pdw_stop(struct pdw *p, pthread_t thread)
{
	race_end(&p->rc);
	pthread_join(thread, NULL);
	igt_assert_f(!p->err, "device write failed with %d (%s)\n", p->err,
		     strerror(-p->err));
}

/*
 * While the device, on the other vCPU, writes the first bytes of page 0
 * again and again, the CPU writes one byte of page 0 and right after
 * unmaps the object's mapping together with a large faulted one.
 */
static void test_munmap_during_device_write(int fd, uint32_t track)
{
	unsigned long writes = 0;
	cpu_set_t cpus;

	igt_require(sysconf(_SC_NPROCESSORS_ONLN) >= 2);
	pin_cpu0(&cpus);
	for (unsigned int round = 0; round < PDW_ROUNDS; round++) {
		struct pdw p = { .fd = fd };
		uint8_t val = 0x40 + round;
		pthread_t thread;
		uint8_t *map;

		p.handle = vcoh_bo_create_tracked(fd, ps, track);
		map = pdw_map(fd, p.handle);
		pdw_start(&p, &thread);
		map[PDW_CPU_BYTE] = val;
		igt_assert_eq(munmap(map, ps + PDW_BIG), 0);
		pdw_stop(&p, thread);
		writes += p.writes;
		pdw_check(fd, p.handle, val, round);
		gem_close(fd, p.handle);
	}
	sched_setaffinity(0, sizeof(cpus), &cpus);
	igt_info("%u rounds, %lu partial device writes\n", PDW_ROUNDS, writes);
}

/* The same, with a child process that writes and exits. */
static void test_exit_during_device_write(int fd, uint32_t track)
{
	unsigned long writes = 0;
	cpu_set_t cpus;

	igt_require(sysconf(_SC_NPROCESSORS_ONLN) >= 2);
	pin_cpu0(&cpus);
	for (unsigned int round = 0; round < PDW_ROUNDS / 2; round++) {
		struct pdw p = { .fd = fd };
		uint8_t val = 0x80 + round;
		pthread_t thread;
		int go[2];

		p.handle = vcoh_bo_create_tracked(fd, ps, track);
		igt_assert_eq(pipe(go), 0);
		igt_fork(child, 1) {
			uint8_t *map = pdw_map(fd, p.handle);

			/* Write and exit once the device runs. */
			igt_assert(wait_byte(go[0]));
			map[PDW_CPU_BYTE] = val;
		}
		pdw_start(&p, &thread);
		igt_assert(send_byte(go[1]));
		igt_waitchildren();
		pdw_stop(&p, thread);
		close(go[0]);
		close(go[1]);
		writes += p.writes;
		pdw_check(fd, p.handle, val, round);
		gem_close(fd, p.handle);
	}
	sched_setaffinity(0, sizeof(cpus), &cpus);
	igt_info("%u rounds, %lu partial device writes\n", PDW_ROUNDS / 2,
		 writes);
}

/*
 * The file the objects came from is closed while they are mapped: the
 * mappings keep working, another file's handle sees the writes, and the
 * device opens again once they are gone.
 */
static void test_close_fd_while_mapped(int fd, uint32_t track)
{
	int fd2 = drm_open_vcoh(), fd3;
	struct obj o = obj_new(fd2, 32, track, true);
	struct obj lone = obj_new(fd2, 16, track, true);
	struct obj again;
	uint32_t hk;

	for (size_t p = 0; p < 32; p += 3)
		obj_put(&o, o.bo.map, p, 0, 0xb000 + p);
	for (size_t p = 0; p < 16; p += 2)
		obj_put(&lone, lone.bo.map, p, 0, 0xb100 + p);
	hk = gem_open_name(fd, flink(fd2, o.bo.handle));
	igt_assert_eq(drm_close_driver(fd2), 0);

	for (size_t p = 1; p < 32; p += 4)
		obj_put(&o, o.bo.map, p, 1, 0xb200 + p);
	for (size_t p = 1; p < 16; p += 2)
		obj_put(&lone, lone.bo.map, p, 1, 0xb300 + p);
	compare(lone.bo.map, lone.shadow, lone.bo.npages, "orphaned mapping");
	/* fd2's handle to it went with the file: this one is ours. */
	o.bo.handle = hk;
	sync_check(fd, &o, o.bo.map, COPIED_EXACT);

	/* The last mappings of the closed file go. */
	igt_assert_eq(munmap(lone.bo.map, lone.bo.npages * ps), 0);
	lone.bo.map = NULL;
	lone.bo.handle = 0;
	obj_free(fd2, &lone);
	for (size_t p = 2; p < 32; p += 5)
		obj_put(&o, o.bo.map, p, 2, 0xb400 + p);
	igt_assert_eq(munmap(o.bo.map, o.bo.npages * ps), 0);
	o.bo.map = vcoh_bo_map(fd, o.bo.handle, o.bo.npages * ps,
			       PROT_READ | PROT_WRITE);
	sync_check(fd, &o, o.bo.map, COPIED_UNMAPPED);

	/* The device opens again and works. */
	fd3 = drm_open_vcoh();
	again = obj_new(fd3, 16, track, true);
	for (size_t p = 0; p < 16; p += 3)
		obj_put(&again, again.bo.map, p, 0, 0xb500 + p);
	sync_check(fd3, &again, again.bo.map, COPIED_EXACT);
	obj_free(fd3, &again);
	igt_assert_eq(drm_close_driver(fd3), 0);

	obj_put(&o, o.bo.map, 7, 3, 0xb600);
	sync_check(fd, &o, o.bo.map, COPIED_EXACT);
	obj_free(fd, &o);
}

static const struct vcoh_mode_case cases[] = {
	{ "destroy-while-mapped",
	  "Handles closed while mapped: the mapping keeps its data, another handle's submit copies every write.",
	  test_destroy_while_mapped },
	{ "destroy-while-submitted",
	  "Handles closed while a thread submits them: submits succeed or fail with ENOENT, no write lost.",
	  test_destroy_while_submitted },
	{ "destroy-while-faulting",
	  "A handle closed and mappings unmapped while threads fault a fresh mapping in: no write lost.",
	  test_destroy_while_faulting },
	{ "exit-during-scan",
	  "Children write and exit while the parent submits in a loop: the device gets every write.",
	  test_exit_during_scan },
	{ "fork-shared",
	  "A forked child and its parent write through the shared mapping: one submit copies both.",
	  test_fork_shared },
	{ "multi-process-mappings",
	  "Three processes map the object and write their own pages: the parent's submit copies all, exactly.",
	  test_multi_process },
	{ "munmap-between-scans",
	  "A mapping unmapped, whole or in pieces, between scans: no write lost.",
	  test_munmap_between },
	{ "mremap-between-scans",
	  "A mapping moved between writes and scans: no write lost.",
	  test_mremap_between },
	{ "mprotect-between-scans",
	  "A mapping made read-only and writable again, whole or in part: writes after it are tracked exactly.",
	  test_mprotect_between },
	{ "concurrent-submit",
	  "Overlapping submits in opposite orders from two files while a thread writes: no error, no write lost.",
	  test_concurrent_submit },
	{ "device-write-vs-cpu-writes",
	  "Device fills of one half race CPU writes to the other: each half keeps its last writer's data.",
	  test_device_write_vs_cpu },
	{ "munmap-during-device-write",
	  "A mapping unmapped while the device writes part of its page: the CPU's other bytes survive in both copies.",
	  test_munmap_during_device_write },
	{ "exit-during-device-write",
	  "A process exits while the device writes part of the page it wrote: its other bytes survive in both copies.",
	  test_exit_during_device_write },
	{ "close-fd-while-mapped",
	  "The DRM file closed while its objects are mapped: mappings work, nothing is lost, the device reopens.",
	  test_close_fd_while_mapped },
};

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_vcoh();
		ps = sysconf(_SC_PAGESIZE);
	}

	vcoh_mode_subtests(&fd, cases, ARRAY_SIZE(cases), VCOH_MODES_TRACKED);

	igt_fixture {
		drm_close_driver(fd);
	}
}
