// SPDX-License-Identifier: MIT
/*
 * Random vcoh ioctls, mappings and CPU writes with random and edge-case
 * arguments. Every call must succeed or fail with an errno its uapi
 * kernel-doc lists, and with one the arguments call for. A model of what
 * the CPU and the device must see checks the objects each call touched,
 * through their mappings and the device read, and at the end the device
 * copy of every object against the CPU's view.
 *
 * The user pointers the ioctls take point now and then into the mappings
 * of the worker's own objects, so that the kernel's copies fault on an
 * object while it works on another or the same one; what the kernel
 * writes there is a CPU write the model must see reach the device. A
 * thread unmaps or moves such a mapping while the call runs. A forked
 * child writes through the mappings it inherits and exits, and a sibling
 * process sharing the file maps, moves and unmaps the same objects and
 * forks children that exit with them mapped.
 */
#include <getopt.h>
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "igt_vcoh.h"

/**
 * TEST: vcoh fuzz
 * Description: Fuzz the vcoh ioctls with random and edge-case arguments.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: DRM
 * Functionality: ioctl fuzzing
 * Test category: functionality test
 * Feature: vcoh
 *
 * SUBTEST: random-ioctls
 * Description: Random ioctls, their user pointers now and then into
 *    mappings that a thread unmaps or moves during the call, forked
 *    writers and a sibling that maps the same objects: documented errnos,
 *    no write lost. Options: --seed, --calls, --workers, --long.
 *
 * SUBTEST: invalid-ioctl-numbers
 * Description: Unknown ioctls, wrong sizes: the DRM core's errnos.
 */

IGT_TEST_DESCRIPTION("Fuzz the vcoh ioctls with random and edge-case arguments.");

#define DEFAULT_SEED	0x5eedc0ffee
#define DEFAULT_CALLS	6000
#define DEFAULT_WORKERS	2
#define LONG_CALLS	1000000	/* --long: 10^6 calls... */
#define LONG_WORKERS	4	/* ...over 4 processes */
#define MAX_LIVE	32	/* objects alive at once */
#define MAX_PAGES	16	/* 64 KiB: the largest object made */
#define NR_CLOSED	16	/* closed handles remembered */
#define NR_ERRNO	256

/* errnos as bits, to make sets of them */
#define E_INVAL		0x01
#define E_NOENT		0x02
#define E_FAULT		0x04
#define E_NOMEM		0x08
#define E_ACCES		0x10

enum op {
	OP_CREATE,
	OP_MMAP_OFFSET,
	OP_BO_READ,
	OP_BO_DIRTY,
	OP_SUBMIT,
	OP_DEVICE_WRITE,
	OP_DEVICE_READ,
	OP_STATS,
	OP_GEM_CLOSE,
	OP_MMAP,
	OP_MUNMAP,
	OP_MREMAP,
	OP_FORK,
	OP_CPU_WRITE,
	OP_CPU_CHECK,
	NR_OPS
};

static const struct {
	const char *name;
	unsigned int allowed;	/* the errnos the kernel-doc lists */
	unsigned int weight;	/* how often the op is picked */
} ops[NR_OPS] = {
	[OP_CREATE] = { "BO_CREATE", E_INVAL | E_NOMEM, 5 },
	[OP_MMAP_OFFSET] = { "BO_MMAP_OFFSET", E_INVAL | E_NOENT, 8 },
	[OP_BO_READ] = { "BO_READ", E_INVAL | E_NOENT | E_FAULT, 10 },
	[OP_BO_DIRTY] = { "BO_DIRTY", E_INVAL | E_NOENT | E_FAULT, 6 },
	[OP_SUBMIT] = { "SUBMIT", E_INVAL | E_NOENT | E_FAULT, 9 },
	[OP_DEVICE_WRITE] = { "DEVICE_WRITE", E_INVAL | E_NOENT | E_FAULT, 7 },
	[OP_DEVICE_READ] = { "DEVICE_READ", E_INVAL | E_NOENT | E_FAULT, 10 },
	[OP_STATS] = { "STATS", E_INVAL | E_NOENT, 8 },
	[OP_GEM_CLOSE] = { "GEM_CLOSE", E_INVAL, 4 },
	[OP_MMAP] = { "mmap", E_INVAL | E_ACCES, 5 },
	[OP_MUNMAP] = { "munmap", 0, 3 },
	[OP_MREMAP] = { "mremap", E_FAULT, 2 },
	[OP_FORK] = { "fork-write", 0, 1 },
	[OP_CPU_WRITE] = { "cpu-write", 0, 20 },
	[OP_CPU_CHECK] = { "cpu-check", 0, 5 },
};

/* An object the fuzzer created and has not closed. */
struct fbo {
	uint32_t handle;		/* 0: slot unused */
	uint32_t track;
	uint64_t size;
	uint64_t mmap_offset;		/* 0 until BO_MMAP_OFFSET gave it */
	uint8_t *cpu;			/* what the CPU must see */
	uint8_t *dev;			/* what device memory must hold... */
	bool dev_known;			/* ...unless a failed call muddled it */
	uint32_t dev_stale;		/* ...or these pages lag (see lag()) */
	uint32_t written;		/* pages written since the last collect */
	uint8_t *map;			/* maps [map_off, map_off + map_len) */
	uint64_t map_off;
	uint64_t map_len;
	bool map_rw;
	struct drm_vcoh_stats last;	/* counters only grow */
};

/*
 * A user pointer and how many bytes at it the kernel can read, write;
 * with @bo, it points into that object's mapping, at byte @bo_off of the
 * object, and with @doomed the mapping goes away during the call.
 */
struct uptr {
	uint64_t addr;
	uint64_t readable;
	uint64_t writable;
	struct fbo *bo;
	uint64_t bo_off;
	bool doomed;
};

static struct {
	int fd;
	uint64_t rng;
	uint64_t calls;			/* system calls made */
	struct fbo bo[MAX_LIVE];
	unsigned int nlive;
	uint32_t closed[NR_CLOSED];
	unsigned int nclosed;
	uint8_t *in;			/* buf_size bytes for the kernel to read */
	uint8_t *out;			/* buf_size bytes for it to write */
	uint8_t *ro;			/* a read-only page of zeros */
	uint8_t *noaccess;		/* a PROT_NONE page */
	uint32_t handles[VCOH_SUBMIT_MAX_BOS];
	struct drm_vcoh_dirty_bo entries[VCOH_DIRTY_MAX_BOS];
	struct drm_vcoh_stats dev_last;
	unsigned long count[NR_OPS][NR_ERRNO];
	struct {			/* the call being checked */
		uint32_t handle;
		uint64_t a, b, c;
		uint32_t ptr_handle;	/* its pointer into a mapping */
		uint32_t ptr_mode;
		uint64_t ptr_off;
		const char *ptr_fate;
	} cur;
	enum op last_op;
	uint32_t touched;		/* slots of the objects the op used */
	uint8_t *chk, *sim, *data;	/* MAX_PAGES pages each */
	uint64_t checks;		/* calls made to check the model */
	uint64_t map_ptrs;		/* user pointers into a mapping */
	uint64_t doomed;		/* ...of those, unmapped or moved */
	uint64_t doomed_failed;		/* ...of those, the call failed */
	struct fbo *lag_bo;		/* see lag() */
	uint32_t lag_pages;
	uint64_t lagged;		/* collects that left a page behind */
} fz;

/*
 * The thread that unmaps or moves a mapping a user pointer points into
 * while the call runs: it waits @spin loops after being told, so that the
 * munmap() lands before, during or after the kernel's copy.
 */
static struct {
	pthread_t thread;
	sem_t go, done;
	void *addr, *to;	/* addr NULL: exit; to: mremap() there */
	size_t len;
	unsigned long spin;
	int ret;
} um;

/* The sibling that maps the worker's objects; it stops when told. */
static struct {
	pid_t pid;
	uint64_t *stop;		/* shared: [0] stop; [1] rounds run */
	uint64_t iterations;
} ch;

/* fz.handles serves both lists; fz.out has 16 bytes of bitmap per entry. */
_Static_assert(VCOH_DIRTY_MAX_BOS <= VCOH_SUBMIT_MAX_BOS, "fz.handles");
_Static_assert(VCOH_DIRTY_MAX_BOS * 16 <= MAX_PAGES * 4096, "fz.out");

static size_t ps, buf_size;

static uint64_t rnd(void)
{
	uint64_t z = fz.rng += 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

static bool one_in(unsigned int n)
{
	return !below(n);
}

/* Nonzero junk for a field that must be 0: one bit or many. */
static uint32_t junk(void)
{
	return one_in(2) ? 1u << below(32) : (uint32_t)rnd() | 1;
}

static unsigned int ebit(int err)
{
	switch (err) {
	case EINVAL:
		return E_INVAL;
	case ENOENT:
		return E_NOENT;
	case EFAULT:
		return E_FAULT;
	case ENOMEM:
		return E_NOMEM;
	case EACCES:
		return E_ACCES;
	}
	return 0;
}

static const char *errname(int err)
{
	static char buf[16];

	switch (err) {
	case 0:
		return "ok";
	case EINVAL:
		return "EINVAL";
	case ENOENT:
		return "ENOENT";
	case EFAULT:
		return "EFAULT";
	case ENOMEM:
		return "ENOMEM";
	case EACCES:
		return "EACCES";
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

static const char *errset(unsigned int mask)
{
	static const int errs[] = { EINVAL, ENOENT, EFAULT, ENOMEM, EACCES };
	static char buf[64];
	size_t len = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(errs); i++)
		if (mask & ebit(errs[i]))
			len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
					len ? "|" : "", errname(errs[i]));
	return len ? buf : "success";
}

static void note(uint32_t handle, uint64_t a, uint64_t b, uint64_t c)
{
	fz.cur.handle = handle;
	fz.cur.a = a;
	fz.cur.b = b;
	fz.cur.c = c;
}

static const char *describe(enum op op)
{
	static char buf[256];
	int len;

	len = snprintf(buf, sizeof(buf), "call %llu: %s(handle %#x, %#llx, %#llx, %#llx)",
		       (unsigned long long)fz.calls, ops[op].name,
		       fz.cur.handle, (unsigned long long)fz.cur.a,
		       (unsigned long long)fz.cur.b,
		       (unsigned long long)fz.cur.c);
	if (fz.cur.ptr_handle)
		snprintf(buf + len, sizeof(buf) - len,
			 " [pointer into handle %u (mode %u) at %#llx%s]",
			 fz.cur.ptr_handle, fz.cur.ptr_mode,
			 (unsigned long long)fz.cur.ptr_off, fz.cur.ptr_fate);
	return buf;
}

/*
 * @must: the errnos the arguments call for, any one of them will do; 0
 * when the call must succeed. @may: errnos that are fine too, e.g. when
 * the order of the kernel's checks decides between two.
 */
static void check(enum op op, int ret, unsigned int must, unsigned int may)
{
	int err = -ret;

	igt_assert(err >= 0);
	fz.count[op][err < NR_ERRNO ? err : NR_ERRNO - 1]++;
	igt_assert_f(!err || ebit(err) & ops[op].allowed,
		     "%s: %s, which the kernel-doc does not list\n",
		     describe(op), errname(err));
	if (must)
		igt_assert_f(err && ebit(err) & (must | may),
			     "%s: %s, expected %s\n", describe(op),
			     errname(err), errset(must | may));
	else
		igt_assert_f(!err || ebit(err) & may,
			     "%s: %s, expected success\n", describe(op),
			     errname(err));
	fz.calls++;
}

/* The op uses @b: check it after the op. */
static struct fbo *touch(struct fbo *b)
{
	if (b)
		fz.touched |= 1u << (b - fz.bo);
	return b;
}

static struct fbo *find_live(uint32_t handle)
{
	for (unsigned int i = 0; handle && i < MAX_LIVE; i++)
		if (fz.bo[i].handle == handle)
			return touch(&fz.bo[i]);
	return NULL;
}

enum { ANY, MAPPED, UNMAPPED, WRITABLE };

static struct fbo *pick_bo(int want)
{
	unsigned int start = below(MAX_LIVE);

	for (unsigned int i = 0; i < MAX_LIVE; i++) {
		struct fbo *b = &fz.bo[(start + i) % MAX_LIVE];

		if (!b->handle ||
		    (want == MAPPED && !b->map) ||
		    (want == UNMAPPED && b->map) ||
		    (want == WRITABLE && !b->map_rw))
			continue;
		return touch(b);
	}
	return NULL;
}

/* Live most of the time, else closed, 0, ~0 or random. */
static uint32_t pick_handle(void)
{
	struct fbo *b;

	switch (below(16)) {
	case 0:
		return 0;
	case 1:
		return 0xffffffff;
	case 2:
		return rnd();
	case 3:
	case 4:
		if (fz.nclosed)
			return fz.closed[below(fz.nclosed)];
		break;
	}
	b = pick_bo(ANY);
	return b ? b->handle : (uint32_t)rnd();
}

/* Mostly distinct live handles, now and then a bad or repeated one. */
static void pick_handles(uint32_t *h, uint32_t n)
{
	uint32_t live[MAX_LIVE], nl = 0, i, j, t;

	for (i = 0; i < MAX_LIVE; i++)
		if (fz.bo[i].handle)
			live[nl++] = fz.bo[i].handle;
	for (i = nl; i > 1; i--) {
		j = below(i);
		t = live[i - 1];
		live[i - 1] = live[j];
		live[j] = t;
	}
	for (i = 0; i < n; i++) {
		if (i < nl && !one_in(16))
			h[i] = live[i];
		else if (i < 64)
			h[i] = pick_handle();
		else	/* distinct and never live: idr hands out small ones */
			h[i] = 0x40000000 + i;
	}
	if (n > 1 && one_in(16))
		h[below(n)] = h[below(n)];
}

/* What a list of handles calls for: unknown ones, repeated ones. */
static unsigned int handles_errors(const uint32_t *h, uint32_t n,
				   unsigned int *may)
{
	unsigned int must = 0;
	uint32_t seen = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct fbo *b = find_live(h[i]);
		uint32_t bit;

		if (!b) {
			/* A repeat of an unknown one may be found first. */
			must |= E_NOENT;
			*may |= E_INVAL;
			continue;
		}
		bit = 1u << (b - fz.bo);
		if (seen & bit)
			must |= E_INVAL;
		seen |= bit;
	}
	return must;
}

static uint32_t pick_count(uint32_t max, uint32_t usual)
{
	switch (below(32)) {
	case 0:
		return 0;
	case 1:
		return max;
	case 2:
		return max + 1;
	case 3:
		return ~0u;
	case 4:
		return rnd();
	case 5:
	case 6:
		return fz.nlive ?: 1;
	}
	return 1 + below(usual);
}

/* A pointer to @len bytes at @base, or now and then one that faults. */
static struct uptr pick_ptr(uint8_t *base, uint64_t len)
{
	struct uptr u = { 0 };
	uint64_t off;

	switch (below(20)) {
	case 0:
		break;			/* NULL */
	case 1:
		u.addr = (uintptr_t)fz.noaccess;
		break;
	case 2:
		u.addr = (uintptr_t)fz.ro;
		u.readable = ps;
		break;
	case 3:				/* the kernel's half */
		u.addr = 0xffff800000000000ull | (rnd() & 0x7fffffffffffull);
		break;
	case 4:
	case 5:
		off = 1 + below(7);
		u.addr = (uintptr_t)base + off;
		u.readable = len - off;
		u.writable = len - off;
		break;
	default:
		u.addr = (uintptr_t)base;
		u.readable = len;
		u.writable = len;
		break;
	}
	return u;
}

/* Sizes and offsets at the edges an implementation gets wrong. */
static uint64_t edge(void)
{
	const uint64_t e[] = {
		0, 1, ps - 1, ps, ps + 1, MAX_PAGES * ps, VCOH_BO_MAX_SIZE,
		VCOH_BO_MAX_SIZE + 1, VCOH_DEVICE_WRITE_MAX_DATA,
		VCOH_DEVICE_WRITE_MAX_DATA + 1, 1ull << 63, ~0ull - ps + 1,
		~0ull, rnd(),
	};

	return e[below(ARRAY_SIZE(e))];
}

static uint64_t any_size(void)
{
	return (1 + below(MAX_PAGES)) * ps;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Inside @bo_size bytes, at their edges or outside. */
static void pick_range(uint64_t bo_size, uint64_t *offset, uint64_t *size)
{
	uint64_t o = below(bo_size + 1), s;

	switch (below(16)) {
	case 0:
		o = 0;
		s = bo_size;
		break;
	case 1:				/* at the end */
		o = bo_size;
		s = below(2);
		break;
	case 2:				/* one byte too many */
		s = bo_size - o + 1;
		break;
	case 3:				/* offset + size wraps around */
		o = 1 + below(bo_size);
		s = ~0ull - below(o);
		break;
	case 4:
		o = edge();
		s = edge();
		break;
	case 5:
		s = edge();
		break;
	case 6:
	case 7:
		s = below(bo_size - o + 1);
		break;
	default:			/* small: the cheap common case */
		s = below(min_u64(bo_size - o, 256) + 1);
		break;
	}
	*offset = o;
	*size = s;
}

static bool range_ok(uint64_t limit, uint64_t offset, uint64_t size)
{
	return size <= limit && offset <= limit - size;
}

/* A bad handle, or a range outside the object. */
static unsigned int range_errors(const struct fbo *b, uint64_t offset,
				 uint64_t size)
{
	if (!b)
		return E_NOENT |
		       (range_ok(VCOH_BO_MAX_SIZE, offset, size) ? 0 : E_INVAL);
	return range_ok(b->size, offset, size) ? 0 : E_INVAL;
}

static void mark_written(struct fbo *b, uint64_t offset, uint64_t len)
{
	for (uint64_t p = offset / ps; len && p <= (offset + len - 1) / ps; p++)
		b->written |= 1u << p;
}

/*
 * The pages of @b a collect during this call may leave for the next one.
 * An munmap() or mremap() that runs during the call zaps the ptes of the
 * mapping, and their dirty bits with them, before the vma's close records
 * those pages as written (Documentation/ptedirty.rst, "What the helpers
 * cannot see"): a scan of a PAGETABLE object between the two finds
 * neither, and the call copies less than the CPU wrote before it; the
 * next one copies it. The model lets exactly those pages lag, and
 * fz.lagged counts the calls where they did.
 */
static uint32_t lag(const struct fbo *b)
{
	return b == fz.lag_bo ? fz.lag_pages & b->written : 0;
}

/* The device memory now holds all the CPU wrote, but for lagging pages. */
static void collected(struct fbo *b)
{
	uint32_t late = lag(b);

	for (uint64_t p = 0; p < b->size / ps; p++)
		if (!(late & 1u << p))
			memcpy(b->dev + p * ps, b->cpu + p * ps, ps);
	b->dev_known = true;
	/*
	 * Copied by this call, or recorded by the vma's close for the next
	 * one: the device copy of those pages is known again after that;
	 * the next collect need not copy them (the close may have run
	 * before this call's scan).
	 */
	b->dev_stale = late;
	b->written = 0;
}

/* A failed call may or may not have collected the CPU's writes. */
static void muddled(struct fbo *b)
{
	b->dev_known = false;
	b->dev_stale = 0;
	b->written = 0;
}

/* The model knows the device copy of [offset, offset + len) of @b. */
static bool dev_known(const struct fbo *b, uint64_t offset, uint64_t len)
{
	if (!b->dev_known)
		return false;
	for (uint64_t p = offset / ps; len && p <= (offset + len - 1) / ps; p++)
		if (b->dev_stale & 1u << p)
			return false;
	return true;
}

/* An address range nothing else takes, for mremap() to move to. */
static void *reserve(size_t len)
{
	void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/*
 * Now and then, a pointer to @len bytes inside the mapping of one of the
 * objects, writable or not unless @rw: the kernel's copy faults on that
 * object, maybe with another one's lock to take or just released.
 */
static bool map_ptr(struct uptr *u, uint64_t len, bool rw)
{
	struct fbo *b;
	uint64_t pos;

	if (!len || !one_in(4))
		return false;
	b = pick_bo(rw ? WRITABLE : MAPPED);
	if (!b || b->map_len < len)
		return false;
	pos = below(b->map_len - len + 1);
	*u = (struct uptr){
		.addr = (uintptr_t)b->map + pos,
		.readable = b->map_len - pos,
		.writable = b->map_rw ? b->map_len - pos : 0,
		.bo = b,
		.bo_off = b->map_off + pos,
	};
	fz.map_ptrs++;
	fz.cur.ptr_handle = b->handle;
	fz.cur.ptr_mode = b->track;
	fz.cur.ptr_off = u->bo_off;
	fz.cur.ptr_fate = "";
	return true;
}

/* The test's own write of @len bytes at @u + @off: a CPU write if mapped. */
static void user_write(const struct uptr *u, uint64_t off, const void *src,
		       uint64_t len)
{
	memcpy((uint8_t *)(uintptr_t)u->addr + off, src, len);
	if (u->bo) {
		memcpy(u->bo->cpu + u->bo_off + off, src, len);
		mark_written(u->bo, u->bo_off + off, len);
	}
}

static void mark_lag(const struct fbo *b, uint64_t offset, uint64_t len)
{
	for (uint64_t p = offset / ps; p <= (offset + len - 1) / ps; p++)
		if (p < b->size / ps)
			fz.lag_pages |= 1u << p;
}

static void *unmapper(void *arg)
{
	for (;;) {
		sem_wait(&um.go);
		if (!um.addr)
			return arg;
		for (unsigned long i = 0; i < um.spin; i++)
			asm volatile("" ::: "memory");
		if (um.to)
			um.ret = mremap(um.addr, um.len, um.len,
					MREMAP_MAYMOVE | MREMAP_FIXED,
					um.to) == um.to ? 0 : -errno;
		else
			um.ret = munmap(um.addr, um.len) ? -errno : 0;
		sem_post(&um.done);
	}
}

/*
 * Before the call, now and then: have the thread unmap the mapping @u
 * points into, or move it elsewhere, while the call runs. Returns the
 * errnos the call may fail with for it: EFAULT.
 */
static unsigned int arm(struct uptr *u)
{
	struct fbo *b = u->bo;

	if (!b || !one_in(3))
		return 0;
	um.addr = b->map;
	um.len = b->map_len;
	um.to = one_in(2) ? reserve(b->map_len) : NULL;
	um.spin = below(1 << (4 + below(12)));
	u->doomed = true;
	fz.cur.ptr_handle = b->handle;
	fz.cur.ptr_mode = b->track;
	fz.cur.ptr_off = u->bo_off;
	fz.cur.ptr_fate = um.to ? ", moved during the call" :
				  ", unmapped during the call";
	sem_post(&um.go);
	return E_FAULT;
}

/* After the call: the mapping is gone, or it is elsewhere. */
static void disarm(struct uptr *u, int ret)
{
	struct fbo *b = u->bo;

	if (!u->doomed)
		return;
	sem_wait(&um.done);
	igt_assert_f(!um.ret, "%s of the mapping during the call: %s\n",
		     um.to ? "mremap" : "munmap", strerror(-um.ret));
	if (b->map_rw && (b->track == VCOH_BO_TRACK_PAGETABLE ||
			  b->track == VCOH_BO_TRACK_AUTO)) {
		fz.lag_bo = b;
		fz.lag_pages = 0;
		mark_lag(b, b->map_off, b->map_len);
	}
	if (um.to) {
		b->map = um.to;
	} else {
		b->map = NULL;
		b->map_rw = false;
	}
	fz.doomed++;
	fz.doomed_failed += !!ret;
}

/*
 * The bytes of the object at [@u->bo_off, + @len): through its mapping if
 * that is still there, else by BO_READ.
 */
static void region_read(const struct uptr *u, uint8_t *buf, uint64_t len)
{
	const struct fbo *b = u->bo;

	if (b->map && u->bo_off >= b->map_off &&
	    u->bo_off + len <= b->map_off + b->map_len) {
		memcpy(buf, b->map + (u->bo_off - b->map_off), len);
		return;
	}
	vcoh_bo_read(fz.fd, b->handle, u->bo_off, buf, len);
	fz.checks++;
}

enum { K_NONE, K_MAYBE, K_DONE };

/*
 * The kernel wrote (@how K_DONE), may have written (K_MAYBE) or must not
 * have written (K_NONE) @len bytes at @u, a pointer into an object's
 * mapping: a CPU write to that object, which the model takes and the
 * next collect must copy to the device. @want: what the bytes must hold
 * once written, or NULL if the model cannot know (a report given back
 * after a failure). K_MAYBE is for a call that failed with the mapping
 * unmapped or moved under it, and for a report written out before a
 * later one failed: the semantics of such a partial copy are not
 * specified, so each byte may hold what it held or what the kernel
 * copied, and the model takes what it finds; that the device then gets
 * exactly that is still checked.
 */
static void kernel_wrote(const struct uptr *u, uint64_t len,
			 const uint8_t *want, int how)
{
	struct fbo *b = u->bo;
	uint8_t *old, *now = fz.chk;

	if (!b || !len)
		return;
	touch(b);
	old = b->cpu + u->bo_off;
	region_read(u, now, len);
	for (uint64_t i = 0; i < len; i++) {
		bool same = now[i] == old[i];

		if (how == K_NONE)
			igt_assert_f(same,
				     "%s: the failed call wrote byte %#llx of handle %u\n",
				     describe(fz.last_op),
				     (unsigned long long)(u->bo_off + i),
				     b->handle);
		else if (want && !(how == K_MAYBE && same))
			igt_assert_f(now[i] == want[i],
				     "%s: byte %#llx of handle %u is %#x, the kernel copied %#x\n",
				     describe(fz.last_op),
				     (unsigned long long)(u->bo_off + i),
				     b->handle, now[i], want[i]);
		if (how == K_MAYBE && !same)
			mark_written(b, u->bo_off + i, 1);
	}
	if (how == K_DONE)
		mark_written(b, u->bo_off, len);
	memcpy(old, now, len);
}

static void unmap(struct fbo *b)
{
	igt_assert_eq(munmap(b->map, b->map_len), 0);
	b->map = NULL;
	b->map_rw = false;
}

static void forget(struct fbo *b)
{
	if (b->map) {
		/* The mapping keeps the closed object alive: still usable. */
		if (b->map_rw && one_in(2))
			b->map[below(b->map_len)]++;
		unmap(b);
	}
	free(b->cpu);
	free(b->dev);
	fz.closed[fz.nclosed < NR_CLOSED ? fz.nclosed++ : below(NR_CLOSED)] =
		b->handle;
	memset(b, 0, sizeof(*b));
	fz.nlive--;
}

static void op_gem_close(void)
{
	uint32_t handle = pick_handle();
	struct fbo *b = find_live(handle);
	int ret;

	note(handle, 0, 0, 0);
	ret = __vcoh_gem_close(fz.fd, handle);
	check(OP_GEM_CLOSE, ret, b ? 0 : E_INVAL, 0);
	if (!ret)
		forget(b);
}

static void close_one(void)
{
	struct fbo *b = pick_bo(ANY);

	note(b->handle, 0, 0, 0);
	check(OP_GEM_CLOSE, __vcoh_gem_close(fz.fd, b->handle), 0, 0);
	forget(b);
}

static uint64_t pick_create_size(void)
{
	switch (below(16)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return ps - 1;
	case 3:
		return ps + 1;
	case 4:
		return MAX_PAGES * ps + 1;
	case 5:
		return VCOH_BO_MAX_SIZE;
	case 6:
		return VCOH_BO_MAX_SIZE + 1;
	case 7:
		return ~0ull;
	case 8:
		return rnd();
	}
	return any_size();
}

static void op_create(void)
{
	struct drm_vcoh_bo_create arg = {
		.size = pick_create_size(),
		.flags = one_in(10) ? junk() : below(VCOH_BO_TRACK_MASK + 1),
		.handle = rnd(),
	};
	uint64_t size = arg.size;
	unsigned int must = 0;
	struct fbo *b;
	int ret;

	/* The guest is small: a big object only where it must fail. */
	if (size > MAX_PAGES * ps && size <= VCOH_BO_MAX_SIZE)
		arg.flags |= 1u << (2 + below(30));
	if (!size || size > VCOH_BO_MAX_SIZE || arg.flags > VCOH_BO_TRACK_MASK) {
		must = E_INVAL;
	} else if (fz.nlive == MAX_LIVE) {
		close_one();
		return;
	}

	note(0, size, arg.flags, 0);
	ret = __vcoh_bo_create(fz.fd, &arg);
	check(OP_CREATE, ret, must, E_NOMEM);
	if (ret)
		return;

	igt_assert_eq_u64(arg.size, (size + ps - 1) / ps * ps);
	igt_assert_f(arg.handle && !find_live(arg.handle),
		     "%s: handle %u\n", describe(OP_CREATE), arg.handle);
	for (b = fz.bo; b->handle; b++)
		;
	b->handle = arg.handle;
	b->track = arg.flags;
	b->size = arg.size;
	b->cpu = calloc(1, b->size);
	b->dev = calloc(1, b->size);
	igt_assert(b->cpu && b->dev);
	b->dev_known = true;
	fz.nlive++;
	touch(b);
}

static void op_mmap_offset(void)
{
	struct drm_vcoh_bo_mmap_offset arg = {
		.handle = pick_handle(),
		.pad = one_in(10) ? junk() : 0,
		.offset = rnd(),
	};
	struct fbo *b = find_live(arg.handle);
	int ret;

	note(arg.handle, arg.pad, 0, 0);
	ret = igt_ioctl(fz.fd, DRM_IOCTL_VCOH_BO_MMAP_OFFSET, &arg) ? -errno : 0;
	check(OP_MMAP_OFFSET, ret, (arg.pad ? E_INVAL : 0) | (b ? 0 : E_NOENT),
	      0);
	if (ret)
		return;
	igt_assert(arg.offset && !(arg.offset % ps));
	if (b->mmap_offset)
		igt_assert_eq_u64(arg.offset, b->mmap_offset);
	b->mmap_offset = arg.offset;
}

/* BO_READ (the CPU's memory) or DEVICE_READ (the device's). */
static void op_read(bool device)
{
	enum op op = device ? OP_DEVICE_READ : OP_BO_READ;
	uint32_t handle = pick_handle(), pad = one_in(16) ? junk() : 0;
	struct uptr u = pick_ptr(fz.out, buf_size);
	struct fbo *b = find_live(handle);
	unsigned int must, may = 0;
	uint64_t offset, size;
	const uint8_t *want;
	int ret;

	pick_range(b ? b->size : any_size(), &offset, &size);
	must = range_errors(b, offset, size) | (pad ? E_INVAL : 0);
	map_ptr(&u, size, false);
	if (size > u.writable) {
		if (must)
			may |= E_FAULT;
		else
			must = E_FAULT;
	} else if (!u.writable) {
		may |= E_FAULT;	/* 0 bytes to a bad pointer: either way */
	}

	/*
	 * Into a mapping: what the kernel copies, a page of the object at a
	 * time through a bounce buffer, which a copy onto the same object
	 * reads back from where it wrote.
	 */
	want = NULL;
	if (u.bo && !must) {
		const uint8_t *src = !device ? b->cpu :
				     dev_known(b, offset, size) ? b->dev : NULL;

		memcpy(fz.sim, u.bo->cpu, u.bo->size);
		if (!device && b == u.bo)
			src = fz.sim;
		for (uint64_t done = 0, chunk; src && done < size;
		     done += chunk) {
			chunk = min_u64(size - done, ps - (offset + done) % ps);
			memcpy(fz.data, src + offset + done, chunk);
			memcpy(fz.sim + u.bo_off + done, fz.data, chunk);
		}
		want = src ? fz.sim + u.bo_off : NULL;
	}
	may |= arm(&u);

	note(handle, offset, size, u.addr);
	if (device) {
		struct drm_vcoh_device_read arg = {
			.handle = handle, .pad = pad, .offset = offset,
			.size = size, .data_ptr = u.addr,
		};

		ret = __vcoh_device_read(fz.fd, &arg);
	} else {
		struct drm_vcoh_bo_read arg = {
			.handle = handle, .pad = pad, .offset = offset,
			.size = size, .data_ptr = u.addr,
		};

		ret = __vcoh_bo_read(fz.fd, &arg);
	}
	disarm(&u, ret);
	check(op, ret, must, may);
	if (u.bo) {
		kernel_wrote(&u, size, want, !ret ? K_DONE :
			     u.doomed && !must ? K_MAYBE : K_NONE);
		return;
	}
	if (ret || !size)
		return;

	want = !device ? b->cpu : dev_known(b, offset, size) ? b->dev : NULL;
	if (want)
		igt_assert_f(!memcmp((void *)(uintptr_t)u.addr, want + offset,
				     size),
			     "%s: not what the %s must hold\n", describe(op),
			     device ? "device" : "CPU");
}

/* Random bytes, cheaply. */
static void scribble(uint8_t *p, uint64_t len)
{
	uint64_t v = rnd();

	for (uint64_t i = 0; i < len; i++)
		p[i] = (v >> (i % 8 * 8)) ^ (i / 8);
}

static void op_device_write(void)
{
	struct drm_vcoh_device_write arg = {
		.handle = pick_handle(),
		.flags = below(2) ? VCOH_DEVICE_WRITE_FILL : 0,
		.pad = one_in(16) ? junk() : 0,
	};
	struct fbo *b = find_live(arg.handle);
	unsigned int must, may = 0;
	uint64_t offset, size;
	struct uptr u = { 0 };
	bool fill;
	int ret;

	if (one_in(16))
		arg.flags |= junk();
	fill = arg.flags & VCOH_DEVICE_WRITE_FILL;
	pick_range(b ? b->size : any_size(), &offset, &size);
	arg.offset = offset;
	arg.size = size;
	if (fill) {
		if (!one_in(8)) {
			arg.offset &= ~3ull;
			arg.size &= ~3ull;
		}
		arg.value = rnd();
		if (one_in(16))
			arg.data_ptr = pick_ptr(fz.in, buf_size).addr ?: 1;
	} else {
		u = pick_ptr(fz.in, buf_size);
		map_ptr(&u, arg.size, false);
		arg.data_ptr = u.addr;
		if (one_in(16))
			arg.value = junk();
	}

	must = range_errors(b, arg.offset, arg.size);
	if (arg.flags & ~VCOH_DEVICE_WRITE_FILL || arg.pad || !arg.size)
		must |= E_INVAL;
	if (fill && ((arg.offset | arg.size) & 3 || arg.data_ptr))
		must |= E_INVAL;
	if (!fill && (arg.size > VCOH_DEVICE_WRITE_MAX_DATA || arg.value))
		must |= E_INVAL;
	if (!fill && (arg.size > u.readable || !u.readable)) {
		if (must)
			may |= E_FAULT;
		else
			must = E_FAULT;
	}
	if (!must && !fill) {
		/* Through a mapping, the data is a CPU write of its own. */
		if (u.writable) {
			scribble(fz.data, arg.size);
			user_write(&u, 0, fz.data, arg.size);
		}
		memcpy(fz.data, (void *)(uintptr_t)u.addr, arg.size);
	}
	may |= arm(&u);

	note(arg.handle, arg.offset, arg.size, arg.flags);
	ret = __vcoh_device_write(fz.fd, &arg);
	disarm(&u, ret);
	check(OP_DEVICE_WRITE, ret, must, may);
	if (!b)
		return;
	if (ret) {
		muddled(b);
		return;
	}

	/* The CPU's writes went first, then the device's; the CPU sees both. */
	if (fill)
		for (uint64_t o = arg.offset; o < arg.offset + arg.size; o += 4)
			memcpy(b->cpu + o, &arg.value, 4);
	else
		memcpy(b->cpu + arg.offset, fz.data, arg.size);
	collected(b);
}

static void op_submit(void)
{
	struct drm_vcoh_submit arg = {
		.count = pick_count(VCOH_SUBMIT_MAX_BOS, 4),
		.flags = one_in(16) ? junk() : 0,
		.pages_scanned = rnd(),
		.pages_copied = rnd(),
		.tlb_flushes = rnd(),
	};
	struct uptr u = pick_ptr(fz.in, buf_size);
	unsigned int must = arg.flags ? E_INVAL : 0, may = 0;
	uint64_t least = 0, most = 0, late = 0;
	uint32_t *h = fz.handles;
	bool known = false;
	int ret;

	if (arg.count && arg.count <= VCOH_SUBMIT_MAX_BOS)
		map_ptr(&u, arg.count * sizeof(*h), true);
	arg.handles_ptr = u.addr;
	if (!arg.count || arg.count > VCOH_SUBMIT_MAX_BOS) {
		must |= E_INVAL;
	} else if (u.readable < arg.count * sizeof(*h)) {
		must |= E_FAULT;
	} else {
		/* The read-only page holds zeros. */
		if (u.writable)
			pick_handles(h, arg.count);
		else
			memset(h, 0, arg.count * sizeof(*h));
		if (u.writable)
			user_write(&u, 0, h, arg.count * sizeof(*h));
		must |= handles_errors(h, arg.count, &may);
		known = true;
	}
	may |= arm(&u);

	note(0, arg.count, arg.flags, u.addr);
	ret = __vcoh_submit(fz.fd, &arg);
	disarm(&u, ret);
	check(OP_SUBMIT, ret, must, may);
	/* On error nothing is scanned or copied: the model stands. */
	if (ret || !known)
		return;

	for (uint32_t i = 0; i < arg.count; i++) {
		struct fbo *b = find_live(h[i]);

		most += b->size / ps;
		least += b->track == VCOH_BO_TRACK_NONE ? b->size / ps :
			 (uint64_t)__builtin_popcount(b->written);
		late += __builtin_popcount(lag(b));
		collected(b);
	}
	if (arg.pages_copied < least)
		fz.lagged++;
	least -= late;
	igt_assert_f(arg.pages_copied >= least && arg.pages_copied <= most,
		     "%s: %llu pages copied, %llu written, %llu in all\n",
		     describe(OP_SUBMIT), (unsigned long long)arg.pages_copied,
		     (unsigned long long)least, (unsigned long long)most);
	igt_assert_cmpu64(arg.pages_scanned, <=, >, most);
}

static uint64_t pick_bitmap_size(uint64_t usable)
{
	switch (below(8)) {
	case 0:
		return 0;
	case 1:
		return 7;
	case 2:
		return usable ?: ~0ull;
	}
	return 8;
}

/*
 * What BO_DIRTY reported for @b, the entry @r and the bitmap's first word
 * @word, must cover what the CPU wrote.
 */
static void check_report(struct fbo *b, const struct drm_vcoh_dirty_bo *r,
			 uint64_t word)
{
	uint32_t all = (1u << (b->size / ps)) - 1;
	uint32_t want = b->track == VCOH_BO_TRACK_NONE ? all : b->written;
	uint32_t got;

	got = word & all;
	if ((got & want) != want && !(want & ~got & ~lag(b)))
		fz.lagged++;
	want &= ~lag(b);
	igt_assert_f((got & want) == want,
		     "%s: handle %u, pages %#x written, %#x reported\n",
		     describe(OP_BO_DIRTY), b->handle, want, got);
	igt_assert_eq_u64(r->num_dirty, __builtin_popcount(got));
	igt_assert_eq_u64(r->first, got ? __builtin_ctz(got) : 0);
	igt_assert_eq_u64(r->end, got ? 32 - __builtin_clz(got) : 0);
}

static void op_bo_dirty(void)
{
	struct drm_vcoh_bo_dirty arg = {
		.count = pick_count(VCOH_DIRTY_MAX_BOS, 4),
		.flags = one_in(16) ? junk() : 0,
		.tlb_flushes = rnd(),
		.ptes_changed = rnd(),
	};
	struct drm_vcoh_dirty_bo *e = fz.entries, *r = (void *)fz.sim;
	struct uptr u = pick_ptr(fz.in, buf_size), bm0 = { 0 };
	unsigned int must = arg.flags ? E_INVAL : 0, may = 0;
	size_t len = (size_t)arg.count * sizeof(*e);
	uint32_t seen = 0, i;
	bool known = false;
	int ret;

	if (arg.count && arg.count <= VCOH_DIRTY_MAX_BOS)
		map_ptr(&u, len, true);
	arg.bos_ptr = u.addr;
	if (!arg.count || arg.count > VCOH_DIRTY_MAX_BOS) {
		must |= E_INVAL;
		goto call;
	}
	if (u.readable < len) {
		must |= E_FAULT;
		goto call;
	}
	known = true;
	if (u.writable < len) {
		/* The read-only page: zeros, and no room for the results. */
		memset(e, 0, len);
		must |= E_NOENT;
		may |= E_INVAL | E_FAULT;
		goto call;
	}

	pick_handles(fz.handles, arg.count);
	for (i = 0; i < arg.count; i++) {
		struct uptr bm = { .addr = (uintptr_t)fz.out + 16 * i,
				   .writable = 16 };
		struct fbo *b;

		if (i < 8)
			bm = pick_ptr(fz.out + 16 * i, 16);
		/*
		 * The first bitmap may go to a mapping, of another object
		 * than the entries: the kernel writes it after the scan.
		 */
		if (!i && map_ptr(&bm, 8, false) && bm.bo == u.bo)
			bm = pick_ptr(fz.out, 16);
		if (!i)
			bm0 = bm;
		e[i] = (struct drm_vcoh_dirty_bo){
			.handle = fz.handles[i],
			.flags = i < 8 && one_in(16) ? junk() : 0,
			.bitmap_ptr = bm.addr,
			.bitmap_size = i < 8 ? pick_bitmap_size(bm.writable) : 8,
			.first = rnd(),
			.num_dirty = rnd(),
		};
		if (e[i].flags)
			must |= E_INVAL;
		b = find_live(e[i].handle);
		if (!b) {
			must |= E_NOENT;
			may |= E_INVAL | E_FAULT;
			continue;
		}
		if (seen & 1u << (b - fz.bo))
			must |= E_INVAL;
		seen |= 1u << (b - fz.bo);
		/* Objects are at most 16 pages: one 64-bit word. */
		if (e[i].bitmap_size < 8)
			must |= E_INVAL;
		else if (bm.writable < 8)
			must |= E_FAULT;
	}
	user_write(&u, 0, e, len);

call:
	may |= arm(&u);
	if (!u.doomed)
		may |= arm(&bm0);
	note(0, arg.count, arg.flags, u.addr);
	ret = __vcoh_bo_dirty(fz.fd, &arg);
	disarm(&u, ret);
	disarm(&bm0, ret);
	check(OP_BO_DIRTY, ret, must, may);
	if (!known)
		return;

	if (ret) {
		for (i = 0; i < arg.count; i++)
			if (find_live(e[i].handle))
				muddled(find_live(e[i].handle));
		/*
		 * A report given back: the first bitmap may be out already,
		 * with bits the model cannot know, and the entries too if
		 * their mapping went during the copy.
		 */
		kernel_wrote(&bm0, 8, NULL, bm0.writable ? K_MAYBE : K_NONE);
		kernel_wrote(&u, len, NULL, u.doomed ? K_MAYBE : K_NONE);
		return;
	}

	if (u.bo)
		region_read(&u, (uint8_t *)r, len);
	else
		memcpy(r, (void *)(uintptr_t)u.addr, len);
	for (i = 0; i < arg.count; i++) {
		struct fbo *b = find_live(e[i].handle);
		uint64_t word;

		igt_assert_f(r[i].handle == e[i].handle &&
			     r[i].flags == e[i].flags &&
			     r[i].bitmap_ptr == e[i].bitmap_ptr &&
			     r[i].bitmap_size == e[i].bitmap_size,
			     "%s: entry %u's inputs changed\n",
			     describe(OP_BO_DIRTY), i);
		if (!i && bm0.bo)
			region_read(&bm0, (uint8_t *)&word, sizeof(word));
		else
			memcpy(&word, (void *)(uintptr_t)r[i].bitmap_ptr,
			       sizeof(word));
		check_report(b, &r[i], word);
		collected(b);
	}
	/* Written after the scan: the next one must find them. */
	kernel_wrote(&bm0, 8, NULL, K_DONE);
	kernel_wrote(&u, len, NULL, K_DONE);
}

static void check_stats(const struct drm_vcoh_stats *s,
			struct drm_vcoh_stats *last)
{
	size_t first = offsetof(struct drm_vcoh_stats, submits);

	for (size_t o = first; o < sizeof(*s); o += sizeof(uint64_t)) {
		uint64_t now, was;

		memcpy(&now, (const uint8_t *)s + o, sizeof(now));
		memcpy(&was, (const uint8_t *)last + o, sizeof(was));
		igt_assert_f(now >= was,
			     "%s: counter at byte %zu went from %llu to %llu\n",
			     describe(OP_STATS), o, (unsigned long long)was,
			     (unsigned long long)now);
	}
	*last = *s;
}

static void op_stats(void)
{
	struct drm_vcoh_stats arg;
	unsigned int must = 0;
	struct fbo *b;
	int ret;

	/* Out fields hold junk on the way in: it must not matter. */
	memset(&arg, 0xa5, sizeof(arg));
	arg.handle = one_in(8) ? 0 : pick_handle();
	arg.flags = one_in(16) ? junk() : 0;
	arg.pad = one_in(16) ? junk() : 0;
	b = find_live(arg.handle);
	if (arg.flags || arg.pad)
		must |= E_INVAL;
	if (arg.handle && !b)
		must |= E_NOENT;

	note(arg.handle, arg.flags, arg.pad, 0);
	ret = __vcoh_stats(fz.fd, &arg);
	check(OP_STATS, ret, must, 0);
	if (ret)
		return;

	if (!b) {
		igt_assert_eq_u32(arg.mode, 0);
		check_stats(&arg, &fz.dev_last);
		return;
	}
	if (b->track == VCOH_BO_TRACK_AUTO)
		igt_assert_f(arg.mode == VCOH_BO_TRACK_PAGETABLE ||
			     arg.mode == VCOH_BO_TRACK_MKWRITE,
			     "%s: AUTO object in mode %u\n", describe(OP_STATS),
			     arg.mode);
	else
		igt_assert_eq_u32(arg.mode, b->track);
	check_stats(&arg, &b->last);
}

static void check_mapping(struct fbo *b, uint64_t pos, uint64_t len)
{
	igt_assert_f(!memcmp(b->map + pos, b->cpu + b->map_off + pos, len),
		     "handle %u: the mapping at %#llx differs from the model\n",
		     b->handle, (unsigned long long)(b->map_off + pos));
}

static void op_mmap(void)
{
	struct fbo *b = pick_bo(UNMAPPED);
	int prot = PROT_READ | PROT_WRITE, flags = MAP_SHARED;
	unsigned int must = 0, may = 0;
	uint64_t npages, len, off;
	void *p;
	int ret;

	if (!b) {
		op_create();
		return;
	}
	if (!b->mmap_offset) {
		note(b->handle, 0, 0, 0);
		check(OP_MMAP_OFFSET,
		      __vcoh_bo_mmap_offset(fz.fd, b->handle, &b->mmap_offset),
		      0, 0);
	}
	npages = b->size / ps;
	len = (1 + below(npages)) * ps;
	off = b->mmap_offset;
	if (one_in(8))
		prot = PROT_READ;

	switch (below(16)) {
	case 0:				/* longer than the object */
		len = b->size + ps;
		must = E_INVAL;
		break;
	case 1:				/* starts inside it */
		if (npages > 1) {
			off += ps;
			len = ps;
			must = E_INVAL;
		}
		break;
	case 2:
		flags = MAP_PRIVATE;
		must = E_INVAL;
		break;
	case 3:				/* below every fake offset (4 GiB) */
		off = rnd() & 0xfffff000ull;
		must = E_INVAL;
		may = E_ACCES;
		break;
	}

	note(b->handle, off, len, flags);
	p = mmap(NULL, len, prot, flags, fz.fd, off);
	ret = p == MAP_FAILED ? -errno : 0;
	check(OP_MMAP, ret, must, may);
	if (ret)
		return;

	b->map = p;
	b->map_off = 0;
	b->map_len = len;
	b->map_rw = prot & PROT_WRITE;
	off = below(len);
	check_mapping(b, off, min_u64(len - off, 64));
}

static void op_munmap(void)
{
	struct fbo *b = pick_bo(MAPPED);
	uint64_t pages, n;
	int ret;

	if (!b) {
		op_mmap();
		return;
	}
	pages = b->map_len / ps;
	n = pages > 1 ? 1 + below(pages - 1) : 0;
	note(b->handle, b->map_off, b->map_len, n);

	switch (n ? below(3) : 0) {
	case 0:
		ret = munmap(b->map, b->map_len);
		b->map = NULL;
		b->map_rw = false;
		break;
	case 1:				/* the head: the vma splits */
		ret = munmap(b->map, n * ps);
		b->map += n * ps;
		b->map_off += n * ps;
		b->map_len -= n * ps;
		break;
	default:			/* the tail */
		ret = munmap(b->map + (pages - n) * ps, n * ps);
		b->map_len -= n * ps;
		break;
	}
	check(OP_MUNMAP, ret ? -errno : 0, 0, 0);
}

/*
 * Random writes through @b's mapping, to the mapping, the model or both:
 * from the same random state, the same writes.
 */
static void cpu_write(struct fbo *b, bool to_map, bool to_model)
{
	uint64_t pos, len;
	unsigned int n;
	uint8_t v;

	switch (below(8)) {
	case 0:				/* all of it */
		pos = 0;
		len = b->map_len;
		break;
	case 1:
	case 2:				/* up to two pages */
		pos = below(b->map_len);
		len = 1 + below(min_u64(b->map_len - pos, 2 * ps));
		break;
	default:			/* a few bytes here and there */
		n = 1 + below(8);
		while (n--) {
			pos = below(b->map_len);
			v = rnd();
			if (to_map)
				b->map[pos] = v;
			if (to_model) {
				b->cpu[b->map_off + pos] = v;
				mark_written(b, b->map_off + pos, 1);
			}
		}
		return;
	}
	v = rnd();
	if (to_map)
		memset(b->map + pos, v, len);
	if (to_model) {
		memset(b->cpu + b->map_off + pos, v, len);
		mark_written(b, b->map_off + pos, len);
	}
}

static void op_cpu_write(void)
{
	struct fbo *b = pick_bo(WRITABLE);

	if (!b) {
		op_mmap();
		return;
	}
	fz.count[OP_CPU_WRITE][0]++;
	cpu_write(b, true, true);
}

/*
 * A child writes through the mappings it inherits, then unmaps, moves or
 * keeps them and exits: its writes must reach the device as the parent's
 * would. The model takes them once it has exited.
 */
static void op_fork(void)
{
	struct fbo *b = pick_bo(WRITABLE);
	uint64_t rng = fz.rng;
	int status;
	pid_t pid;

	if (!b) {
		op_mmap();
		return;
	}
	note(b->handle, b->map_off, b->map_len, 0);
	pid = fork();
	if (pid == 0) {
		cpu_write(b, true, false);
		switch (below(3)) {
		case 0:
			munmap(b->map, b->map_len);
			break;
		case 1:
			mremap(b->map, b->map_len, b->map_len,
			       MREMAP_MAYMOVE | MREMAP_FIXED,
			       reserve(b->map_len));
			break;
		}
		_exit(0);
	}
	check(OP_FORK, pid < 0 ? -errno : 0, 0, 0);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
		     "%s: the child died, status %#x\n", describe(OP_FORK),
		     status);
	fz.rng = rng;
	cpu_write(b, false, true);
}

/* Move the mapping, shrink it, or grow it, which a VM_PFNMAP vma refuses. */
static void op_mremap(void)
{
	struct fbo *b = pick_bo(MAPPED);
	uint64_t len;
	void *p;
	int ret;

	if (!b) {
		op_mmap();
		return;
	}
	switch (below(3)) {
	case 0:
		note(b->handle, b->map_off, b->map_len, 0);
		p = mremap(b->map, b->map_len, b->map_len,
			   MREMAP_MAYMOVE | MREMAP_FIXED, reserve(b->map_len));
		ret = p == MAP_FAILED ? -errno : 0;
		check(OP_MREMAP, ret, 0, 0);
		b->map = p;
		break;
	case 1:
		len = b->map_len > ps ? (1 + below(b->map_len / ps - 1)) * ps :
					b->map_len;
		note(b->handle, b->map_off, b->map_len, len);
		p = mremap(b->map, b->map_len, len, 0);
		ret = p == MAP_FAILED ? -errno : 0;
		check(OP_MREMAP, ret, 0, 0);
		b->map_len = len;
		break;
	default:
		note(b->handle, b->map_off, b->map_len, b->map_len + ps);
		p = mremap(b->map, b->map_len, b->map_len + ps,
			   one_in(2) ? MREMAP_MAYMOVE : 0);
		check(OP_MREMAP, p == MAP_FAILED ? -errno : 0, E_FAULT, 0);
		break;
	}
}

static void op_cpu_check(void)
{
	struct fbo *b = pick_bo(MAPPED);
	uint64_t pos;

	if (!b) {
		op_mmap();
		return;
	}
	fz.count[OP_CPU_CHECK][0]++;
	pos = below(b->map_len);
	check_mapping(b, pos, min_u64(b->map_len - pos, 1 + below(ps)));
}

static void op_bo_read(void)
{
	op_read(false);
}

static void op_device_read(void)
{
	op_read(true);
}

static void (*const run[NR_OPS])(void) = {
	[OP_CREATE] = op_create,
	[OP_MMAP_OFFSET] = op_mmap_offset,
	[OP_BO_READ] = op_bo_read,
	[OP_BO_DIRTY] = op_bo_dirty,
	[OP_SUBMIT] = op_submit,
	[OP_DEVICE_WRITE] = op_device_write,
	[OP_DEVICE_READ] = op_device_read,
	[OP_STATS] = op_stats,
	[OP_GEM_CLOSE] = op_gem_close,
	[OP_MMAP] = op_mmap,
	[OP_MUNMAP] = op_munmap,
	[OP_MREMAP] = op_mremap,
	[OP_FORK] = op_fork,
	[OP_CPU_WRITE] = op_cpu_write,
	[OP_CPU_CHECK] = op_cpu_check,
};

/*
 * After every op, the objects it used: the CPU's view through the mapping
 * and the device copy through DEVICE_READ, against the model.
 */
static void check_touched(void)
{
	uint32_t t = fz.touched;

	fz.touched = 0;
	for (; t; t &= t - 1) {
		struct fbo *b = &fz.bo[__builtin_ctz(t)];

		if (!b->handle)
			continue;
		if (b->map)
			check_mapping(b, 0, b->map_len);
		if (!b->dev_known)
			continue;
		vcoh_device_read(fz.fd, b->handle, 0, fz.chk, b->size);
		fz.checks++;
		for (uint64_t p = 0; p < b->size / ps; p++)
			igt_assert_f(b->dev_stale & 1u << p ||
				     !memcmp(fz.chk + p * ps, b->dev + p * ps, ps),
				     "after %s: handle %u (mode %u): page %llu of the device copy differs from the model\n",
				     describe(fz.last_op), b->handle, b->track,
				     (unsigned long long)p);
	}
}

static void run_one(void)
{
	unsigned int total = 0, r, op;

	for (op = 0; op < NR_OPS; op++)
		total += ops[op].weight;
	r = below(total);
	for (op = 0; r >= ops[op].weight; op++)
		r -= ops[op].weight;
	fz.last_op = op;
	fz.cur.ptr_handle = 0;
	fz.lag_bo = NULL;
	run[op]();
	check_touched();
}

/*
 * Nothing lost: one submit of every live object, then the device copy of
 * each must equal the CPU's view, and a second submit copies nothing the
 * CPU did not write (only NONE objects, whole).
 */
static void final_check(void)
{
	uint32_t h[MAX_LIVE], n = 0;
	uint64_t none_pages = 0;
	struct drm_vcoh_submit s;
	uint8_t *buf = malloc(MAX_PAGES * ps);

	igt_assert(buf);
	fz.lag_bo = NULL;
	for (unsigned int i = 0; i < MAX_LIVE; i++) {
		struct fbo *b = &fz.bo[i];

		if (!b->handle)
			continue;
		h[n++] = b->handle;
		if (b->track == VCOH_BO_TRACK_NONE)
			none_pages += b->size / ps;
	}
	if (!n) {
		free(buf);
		return;
	}

	vcoh_submit(fz.fd, h, n, NULL);
	for (unsigned int i = 0; i < MAX_LIVE; i++) {
		struct fbo *b = &fz.bo[i];

		if (!b->handle)
			continue;
		collected(b);
		vcoh_bo_read(fz.fd, b->handle, 0, buf, b->size);
		igt_assert_f(!memcmp(buf, b->cpu, b->size),
			     "handle %u: BO_READ differs from the model\n",
			     b->handle);
		if (b->map)
			check_mapping(b, 0, b->map_len);
		vcoh_device_read(fz.fd, b->handle, 0, buf, b->size);
		igt_assert_f(!memcmp(buf, b->cpu, b->size),
			     "handle %u (mode %u): the device copy differs from the CPU's\n",
			     b->handle, b->track);
	}

	vcoh_submit(fz.fd, h, n, &s);
	igt_assert_eq_u64(s.pages_copied, none_pages);
	igt_info("final submit: %u objects, device copies verified\n", n);
	free(buf);
}

/* Read every page of [p, p + len): faults them in, racing the worker. */
static void touch_pages(const uint8_t *p, size_t len)
{
	for (size_t o = 0; o < len; o += ps)
		(void)__atomic_load_n(p + o, __ATOMIC_RELAXED);
}

/*
 * The sibling: it shares the worker's file, so its handles. It maps the
 * objects it finds, reads them, moves, shrinks and unmaps the mappings,
 * tries to grow them, and forks children that read them, unmap one and
 * exit with the others mapped, all while the worker's calls run. It
 * writes nothing: the worker's model stands.
 */
static void __attribute__((noreturn)) churn(void)
{
	struct {
		uint8_t *p;
		size_t len;
	} m[8] = {};
	unsigned int children = 0, i;
	uint64_t off;
	pid_t pid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fz.rng ^= 0xc0ffee;
	while (!__atomic_load_n(&ch.stop[0], __ATOMIC_RELAXED)) {
		/* Mostly asleep: the workers' calls are what is measured. */
		usleep(below(2000));
		ch.iterations++;
		while (waitpid(-1, NULL, children >= 2 ? 0 : WNOHANG) > 0)
			children--;
		i = below(ARRAY_SIZE(m));
		if (!m[i].p) {
			size_t len = (1 + below(MAX_PAGES)) * ps;
			int prot = one_in(2) ? PROT_READ :
					       PROT_READ | PROT_WRITE;
			void *p;

			if (__vcoh_bo_mmap_offset(fz.fd, 1 + below(MAX_LIVE + 8),
						  &off))
				continue;
			p = mmap(NULL, len, prot, MAP_SHARED, fz.fd, off);
			if (p == MAP_FAILED) {
				len = ps;
				p = mmap(NULL, len, prot, MAP_SHARED, fz.fd, off);
			}
			if (p == MAP_FAILED)
				continue;
			m[i].p = p;
			m[i].len = len;
			touch_pages(p, len);
			continue;
		}
		switch (below(16)) {
		case 0:
		case 1:
		case 2:
			munmap(m[i].p, m[i].len);
			m[i].p = NULL;
			break;
		case 3:
			if (m[i].len > ps) {
				size_t len = (1 + below(m[i].len / ps - 1)) * ps;

				if (mremap(m[i].p, m[i].len, len, 0) != MAP_FAILED)
					m[i].len = len;
			}
			break;
		case 4: {
			void *to = reserve(m[i].len);

			if (mremap(m[i].p, m[i].len, m[i].len,
				   MREMAP_MAYMOVE | MREMAP_FIXED, to) == to)
				m[i].p = to;
			else
				munmap(to, m[i].len);
			break;
		}
		case 5:		/* VM_DONTEXPAND: EFAULT, nothing changes */
			if (mremap(m[i].p, m[i].len, m[i].len + ps,
				   MREMAP_MAYMOVE) != MAP_FAILED)
				_exit(2);
			break;
		case 6:
			pid = fork();
			if (pid == 0) {
				for (unsigned int j = 0; j < ARRAY_SIZE(m); j++)
					if (m[j].p)
						touch_pages(m[j].p, m[j].len);
				munmap(m[i].p, m[i].len);
				_exit(0);
			}
			children += pid > 0;
			break;
		default:
			touch_pages(m[i].p, m[i].len);
			break;
		}
	}
	for (i = 0; i < ARRAY_SIZE(m); i++)
		if (m[i].p)
			munmap(m[i].p, m[i].len);
	while (children && wait(NULL) > 0)
		children--;
	__atomic_store_n(&ch.stop[1], ch.iterations, __ATOMIC_RELEASE);
	_exit(0);
}

static void start_churn(void)
{
	ch.stop = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(ch.stop != MAP_FAILED);
	*ch.stop = 0;
	ch.pid = fork();
	igt_assert(ch.pid >= 0);
	if (!ch.pid)
		churn();
}

/* Before the final check: nothing but the worker maps its objects. */
static void stop_churn(void)
{
	int status;

	__atomic_store_n(&ch.stop[0], 1, __ATOMIC_RELAXED);
	igt_assert_eq(waitpid(ch.pid, &status, 0), ch.pid);
	igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
		     "the sibling died, status %#x\n", status);
	ch.iterations = ch.stop[1];
	munmap(ch.stop, ps);
}

static void summary(uint64_t seed, double secs)
{
	char line[256];

	igt_info("seed %#llx: %llu calls in %.1f s, %llu more to check the model\n",
		 (unsigned long long)seed, (unsigned long long)fz.calls, secs,
		 (unsigned long long)fz.checks);
	igt_info("%llu user pointers into mappings, %llu of them unmapped or moved during the call (%llu calls failed); the sibling ran %llu rounds\n",
		 (unsigned long long)fz.map_ptrs,
		 (unsigned long long)fz.doomed,
		 (unsigned long long)fz.doomed_failed,
		 (unsigned long long)ch.iterations);
	igt_info("%llu collects left pages written before the call to the next one (an munmap() or mremap() during it)\n",
		 (unsigned long long)fz.lagged);
	for (unsigned int op = 0; op < NR_OPS; op++) {
		unsigned long total = 0;
		size_t len;

		for (int e = 0; e < NR_ERRNO; e++)
			total += fz.count[op][e];
		len = snprintf(line, sizeof(line), "%-14s %7lu", ops[op].name,
			       total);
		for (int e = 0; e < NR_ERRNO && len < sizeof(line); e++)
			if (fz.count[op][e])
				len += snprintf(line + len, sizeof(line) - len,
						"  %s %lu", errname(e),
						fz.count[op][e]);
		igt_info("%s\n", line);
	}
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);
	char *end;
	uint64_t v;

	if (!s || !*s)
		return def;
	v = strtoull(s, &end, 0);
	igt_assert_f(!*end, "%s=%s is not a number\n", name, s);
	return v;
}

/* @len bytes followed by a guard page: no access runs on past the end. */
static void *map_anon(size_t len, int prot)
{
	void *p = mmap(NULL, len + ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	igt_assert(p != MAP_FAILED);
	igt_assert_eq(mprotect(p, len, prot), 0);
	return p;
}

static void fuzz(int fd, uint64_t seed, uint64_t ncalls)
{
	struct timespec t0, t1;

	igt_info("seed %#llx, %llu calls\n", (unsigned long long)seed,
		 (unsigned long long)ncalls);
	memset(&fz, 0, sizeof(fz));
	memset(&ch, 0, sizeof(ch));
	fz.fd = fd;
	fz.rng = seed;
	buf_size = MAX_PAGES * ps + ps;
	fz.in = map_anon(buf_size, PROT_READ | PROT_WRITE);
	fz.out = map_anon(buf_size, PROT_READ | PROT_WRITE);
	fz.ro = map_anon(ps, PROT_READ);
	/*
	 * A pointer that faults: PROT_NONE rather than unmapped, so that no
	 * later mapping of an object can land there.
	 */
	fz.noaccess = map_anon(0, PROT_NONE);

	fz.chk = malloc(MAX_PAGES * ps);
	fz.sim = malloc(MAX_PAGES * ps);
	fz.data = malloc(MAX_PAGES * ps);
	igt_assert(fz.chk && fz.sim && fz.data);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	start_churn();
	igt_assert_eq(sem_init(&um.go, 0, 0), 0);
	igt_assert_eq(sem_init(&um.done, 0, 0), 0);
	igt_assert_eq(pthread_create(&um.thread, NULL, unmapper, NULL), 0);
	for (uint64_t next = ncalls / 10; fz.calls < ncalls;) {
		run_one();
		/* A long run shows it is moving, and how fast. */
		if (ncalls >= 100000 && fz.calls >= next) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			igt_info("seed %#llx: %llu calls in %.0f s\n",
				 (unsigned long long)seed,
				 (unsigned long long)fz.calls,
				 t1.tv_sec - t0.tv_sec +
				 (t1.tv_nsec - t0.tv_nsec) / 1e9);
			next += ncalls / 10;
		}
	}
	um.addr = NULL;
	sem_post(&um.go);
	pthread_join(um.thread, NULL);
	stop_churn();
	final_check();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	summary(seed, t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);

	for (unsigned int i = 0; i < MAX_LIVE; i++)
		if (fz.bo[i].handle) {
			gem_close(fd, fz.bo[i].handle);
			forget(&fz.bo[i]);
		}
	munmap(fz.in, buf_size + ps);
	munmap(fz.out, buf_size + ps);
	munmap(fz.ro, 2 * ps);
	munmap(fz.noaccess, ps);
	free(fz.chk);
	free(fz.sim);
	free(fz.data);
}

static struct {
	uint64_t seed, calls, workers;
	bool set_seed, set_calls, set_workers, long_run;
} opt;

/*
 * Workers, by default one per CPU up to two, each with its own file,
 * objects, seed and sibling: the calls race each other in the driver.
 */
static void test_random_ioctls(int fd)
{
	uint64_t seed = opt.set_seed ? opt.seed :
			env_u64("VCOH_FUZZ_SEED", DEFAULT_SEED);
	uint64_t ncalls = opt.set_calls ? opt.calls :
			  env_u64("VCOH_FUZZ_CALLS",
				  opt.long_run ? LONG_CALLS : DEFAULT_CALLS);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t workers = opt.set_workers ? opt.workers :
			   env_u64("VCOH_FUZZ_WORKERS",
				   opt.long_run ? LONG_WORKERS :
				   cpus >= DEFAULT_WORKERS ? DEFAULT_WORKERS : 1);

	igt_require_f(workers >= 1 && workers <= 64 && ncalls >= workers,
		      "--workers %llu, --calls %llu\n",
		      (unsigned long long)workers, (unsigned long long)ncalls);
	igt_info("%llu workers on %ld CPUs, seed %#llx, %llu calls in all (--seed, --calls, --workers, --long)\n",
		 (unsigned long long)workers, cpus, (unsigned long long)seed,
		 (unsigned long long)ncalls);
	/* A failed assertion in a worker fails igt_waitchildren(). */
	igt_fork(w, (int)workers - 1)
		fuzz(drm_open_vcoh(), seed + w + 1, ncalls / workers);
	fuzz(fd, seed, ncalls - (ncalls / workers) * (workers - 1));
	igt_waitchildren();
}

/* An ioctl command of the DRM type with any direction and size. */
static unsigned long drm_cmd(unsigned int dir, unsigned int nr,
			     unsigned int size)
{
	return _IOC(dir, DRM_IOCTL_BASE, DRM_COMMAND_BASE + nr, size);
}

static void test_invalid_ioctl_numbers(int fd)
{
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	static const unsigned int sizes[] = { 0, 8, 64, 200 };
	uint32_t handle = vcoh_bo_create(fd, ps);
	uint8_t buf[256], canary[256];
	struct drm_vcoh_bo_create create = { .size = ps };
	struct drm_vcoh_submit submit = {
		.handles_ptr = (uintptr_t)&handle, .count = 1,
	};
	struct drm_vcoh_dirty_bo entry = {
		.handle = handle, .bitmap_ptr = (uintptr_t)buf,
		.bitmap_size = 8,
	};
	struct drm_vcoh_bo_dirty dirty = {
		.bos_ptr = (uintptr_t)&entry, .count = 1,
	};
	struct drm_vcoh_device_write dw = {
		.handle = handle, .flags = VCOH_DEVICE_WRITE_FILL, .size = ps,
	};
	struct drm_vcoh_device_read dr = {
		.handle = handle, .size = 16, .data_ptr = (uintptr_t)buf,
	};
	struct drm_vcoh_bo_mmap_offset mo = {
		.handle = handle, .offset = 0x1234,
	};
	struct drm_vcoh_stats *st = (void *)buf;
	size_t in_st = offsetof(struct drm_vcoh_stats, mode);

	memset(canary, 0x5a, sizeof(canary));

	/*
	 * Past the driver's table drm_ioctl() fails with EINVAL before it
	 * touches the argument, whatever the direction and size.
	 */
	for (unsigned int nr = DRM_VCOH_STATS + 1;
	     nr < DRM_COMMAND_END - DRM_COMMAND_BASE; nr++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(dirs); i++) {
			unsigned long cmd = drm_cmd(dirs[i], nr,
						    sizes[(nr + i) % 4]);

			memcpy(buf, canary, sizeof(buf));
			do_ioctl_err(fd, cmd, buf, EINVAL);
			igt_assert(!memcmp(buf, canary, sizeof(buf)));
			do_ioctl_err(fd, cmd, NULL, EINVAL);
		}
	}

	/* Not the DRM ioctl type at all. */
	do_ioctl_err(fd, _IOC(_IOC_READ | _IOC_WRITE, 'z', DRM_COMMAND_BASE,
			      64), buf, ENOTTY);

	/* A known number with no argument to read or write. */
	do_ioctl_err(fd, DRM_IOCTL_VCOH_BO_CREATE, NULL, EFAULT);
	do_ioctl_err(fd, DRM_IOCTL_VCOH_STATS, NULL, EFAULT);

	/*
	 * Known numbers with the wrong size or direction: the core copies
	 * in only what the command says and zero-fills the rest, so the
	 * driver sees a size or count of 0.
	 */
	do_ioctl_err(fd, drm_cmd(_IOC_READ, DRM_VCOH_BO_CREATE, sizeof(create)),
		     &create, EINVAL);
	create.size = ps;
	do_ioctl_err(fd, drm_cmd(_IOC_READ | _IOC_WRITE, DRM_VCOH_BO_CREATE, 0),
		     &create, EINVAL);
	do_ioctl_err(fd, drm_cmd(_IOC_READ | _IOC_WRITE, DRM_VCOH_SUBMIT,
				 offsetof(struct drm_vcoh_submit, count)),
		     &submit, EINVAL);
	do_ioctl_err(fd, drm_cmd(_IOC_READ | _IOC_WRITE, DRM_VCOH_BO_DIRTY,
				 offsetof(struct drm_vcoh_bo_dirty, count)),
		     &dirty, EINVAL);
	do_ioctl_err(fd, drm_cmd(_IOC_WRITE, DRM_VCOH_DEVICE_WRITE,
				 offsetof(struct drm_vcoh_device_write, size)),
		     &dw, EINVAL);

	/* A read truncated before its size reads nothing. */
	memcpy(buf, canary, sizeof(buf));
	do_ioctl(fd, drm_cmd(_IOC_WRITE, DRM_VCOH_DEVICE_READ,
			     offsetof(struct drm_vcoh_device_read, size)), &dr);
	igt_assert(!memcmp(buf, canary, sizeof(buf)));

	/* Without the output direction the result is not written back. */
	do_ioctl(fd, drm_cmd(_IOC_WRITE, DRM_VCOH_BO_MMAP_OFFSET, sizeof(mo)),
		 &mo);
	igt_assert_eq_u64(mo.offset, 0x1234);

	/* STATS cut to its inputs: nothing written past them. */
	memcpy(buf, canary, sizeof(buf));
	memset(st, 0, in_st);
	st->handle = handle;
	do_ioctl(fd, drm_cmd(_IOC_READ | _IOC_WRITE, DRM_VCOH_STATS, in_st), st);
	igt_assert(!memcmp(buf + in_st, canary, sizeof(buf) - in_st));

	/* STATS longer than the struct: the tail comes back as it went. */
	memcpy(buf, canary, sizeof(buf));
	memset(st, 0, sizeof(*st));
	st->handle = handle;
	do_ioctl(fd, drm_cmd(_IOC_READ | _IOC_WRITE, DRM_VCOH_STATS,
			     sizeof(*st) + 32), st);
	igt_assert_eq_u32(st->mode, VCOH_BO_TRACK_NONE);
	igt_assert(!memcmp(buf + sizeof(*st), canary, 32));

	gem_close(fd, handle);
}

static int opt_handler(int o, int opt_index, void *data)
{
	char *end;
	uint64_t v = 0;

	(void)opt_index;
	(void)data;
	if (o != 'l') {
		v = strtoull(optarg, &end, 0);
		if (!*optarg || *end)
			return IGT_OPT_HANDLER_ERROR;
	}
	switch (o) {
	case 's':
		opt.seed = v;
		opt.set_seed = true;
		break;
	case 'c':
		opt.calls = v;
		opt.set_calls = true;
		break;
	case 'w':
		opt.workers = v;
		opt.set_workers = true;
		break;
	case 'l':
		opt.long_run = true;
		break;
	default:
		return IGT_OPT_HANDLER_ERROR;
	}
	return IGT_OPT_HANDLER_SUCCESS;
}

static const struct option long_opts[] = {
	{ "seed", required_argument, NULL, 's' },
	{ "calls", required_argument, NULL, 'c' },
	{ "workers", required_argument, NULL, 'w' },
	{ "long", no_argument, NULL, 'l' },
	{}
};

#define __NUM(x)	#x
#define NUM(x)		__NUM(x)

static const char help_str[] =
	"  --seed=N\tthe first worker's seed, the others take the next ones\n"
	"\t\t(default " NUM(DEFAULT_SEED) ", or VCOH_FUZZ_SEED)\n"
	"  --calls=N\tsystem calls in all workers (default "
	NUM(DEFAULT_CALLS) ", or VCOH_FUZZ_CALLS)\n"
	"  --workers=N\tprocesses making them (default one per CPU, up to "
	NUM(DEFAULT_WORKERS) ", or VCOH_FUZZ_WORKERS)\n"
	"  --long\t" NUM(LONG_CALLS) " calls over "
	NUM(LONG_WORKERS) " workers unless set otherwise\n";

igt_main_args("s:c:w:l", long_opts, help_str, opt_handler, NULL)
{
	int fd = -1;

	igt_fixture {
		ps = sysconf(_SC_PAGESIZE);
		fd = drm_open_vcoh();
	}

	/*
	 * Each call succeeds or fails with an errno the kernel-doc lists and
	 * the arguments call for; the data always matches the model.
	 */
	igt_describe("Random ioctls, pointers into mappings unmapped mid-call: no write lost.");
	igt_subtest("random-ioctls")
		test_random_ioctls(fd);

	/*
	 * Numbers past the driver's table: EINVAL; another type: ENOTTY;
	 * short, long or one-way arguments: the core's copy rules.
	 */
	igt_describe("Unknown ioctls, wrong sizes: the DRM core's errnos.");
	igt_subtest("invalid-ioctl-numbers")
		test_invalid_ioctl_numbers(fd);

	igt_fixture {
		drm_close_driver(fd);
	}
}
