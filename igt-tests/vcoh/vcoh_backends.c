// SPDX-License-Identifier: MIT
/*
 * vcoh's backends and its scan_timing debugfs file.
 *
 * The module parameter "backend" chooses the code that cleans and
 * write-protects the ptes of the objects created from then on: native (the
 * page-table dirty-tracking helpers) and, in kernels built with
 * CONFIG_DRM_VCOH_BENCH, upstream (mm/mapping_dirty_helpers.c) or zap
 * (unmap and refault; its objects always track in MKWRITE mode). Each
 * backend must keep the device copy equal to what the CPU wrote, copying
 * no page more than the CPU wrote, through submits, mode switches,
 * mprotect(), device writes and writers racing submits.
 *
 * scan_timing times one scan of an object, which must lose nothing, or a
 * read-only walk of its ptes, which must count the ptes mapped and change
 * nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "igt_debugfs.h"
#include "igt_params.h"
#include "igt_sysfs.h"
#include "igt_vcoh.h"
#include "igt_vcoh_bo.h"
#include "igt_vcoh_race.h"
#include "igt_vcoh_util.h"

/**
 * TEST: vcoh backends
 * Description: vcoh's backends keep the device coherent; scan_timing loses no
 *    write.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: DRM
 * Functionality: dirty-tracking backends
 * Test category: functionality test
 * Feature: vcoh
 *
 * SUBTEST: backend-param
 * Description: The backend parameter: native by default, native, zap and
 *    upstream (where built in) taken, anything else refused without a change;
 *    objects keep the backend they were created with.
 *
 * SUBTEST: coherent
 * Description: Sparse, dense, moving, rewritten and mprotect()-interrupted CPU
 *    writes reach the device through submits that copy exactly the pages
 *    written; the mode and fault counters follow the backend (zap: always
 *    MKWRITE) and AUTO's switches. Dynamic subtests: one per backend and
 *    tracking mode: BACKEND-MODE for BACKEND in native, upstream, zap and MODE
 *    in pagetable, mkwrite, auto.
 *
 * SUBTEST: unmap
 * Description: Writes made through a mapping that is then unmapped reach the
 *    device: the whole mapping is copied where only the ptes' dirty bits knew
 *    of them (PAGETABLE, AUTO), only the pages written where faults recorded
 *    them (MKWRITE, zap). Dynamic subtests: one per backend and tracking mode:
 *    BACKEND-MODE for BACKEND in native, upstream, zap and MODE in pagetable,
 *    mkwrite, auto.
 *
 * SUBTEST: device-write
 * Description: A device write over pages the CPU wrote and did not submit
 *    takes each of them once, replaces the CPU's view of what it wrote and
 *    keeps the CPU's writes around it, in every tracking mode. Dynamic
 *    subtests: one per backend: native, upstream, zap.
 *
 * SUBTEST: race
 * Description: Writers on vCPU 0 store into three objects of the backend while
 *    vCPU 1 submits them: no write that landed before a submit is missing from
 *    the device, and a last submit makes the device equal to the CPU. Dynamic
 *    subtests: one per backend: upstream, zap.
 *
 * SUBTEST: scan-timing-walk
 * Description: scan_timing's walk counts the ptes mapping an object in every
 *    mapping of it, changes no counter and loses no write; its result belongs
 *    to the open file that asked.
 *
 * SUBTEST: scan-timing-scan
 * Description: scan_timing's scan finds the pages written, counts as a scan,
 *    copies nothing, and the next submit copies exactly what it found and what
 *    was written after it.
 *
 * SUBTEST: scan-timing-invalid
 * Description: scan_timing refuses bad operations, unknown offsets, garbage
 *    and lines of 64 bytes or more with the right errno, and changes neither
 *    the object's counters nor the last result; it takes the offset in decimal
 *    or hex.
 */

IGT_TEST_DESCRIPTION("vcoh's backends keep the device coherent; scan_timing loses no write.");

static size_t ps;
/* The driver's module parameters, from igt_params_open(). */
static int param_dir = -1;

enum backend { NATIVE, UPSTREAM, ZAP };

static const char * const backends[] = {
	[NATIVE] = "native",
	[UPSTREAM] = "upstream",
	[ZAP] = "zap",
};

/* The backend parameter into @buf, without the newline; -errno if not. */
static int __backend_get(char *buf, size_t size)
{
	int n = igt_sysfs_read(param_dir, "backend", buf, size - 1);

	if (n < 0)
		return n;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void backend_get(char *buf, size_t size)
{
	igt_assert_eq(__backend_get(buf, size), 0);
}

/* Write @len bytes of @val to the backend parameter: 0 or -errno. */
static int __backend_write(const char *val, size_t len)
{
	int n = igt_sysfs_write(param_dir, "backend", val, len);

	if (n < 0)
		return n;
	return (size_t)n == len ? 0 : -EIO;
}

/* The parameter is there to be written. */
static bool backend_param(void)
{
	return param_dir >= 0 && faccessat(param_dir, "backend", W_OK, 0) == 0;
}

static int __backend_set(const char *val)
{
	return __backend_write(val, strlen(val));
}

static void backend_set(const char *name)
{
	char now[32];

	igt_assert_eq(__backend_set(name), 0);
	backend_get(now, sizeof(now));
	igt_assert_f(!strcmp(now, name), "backend %s after setting %s\n",
		     now, name);
}

/* Back to the default, for the tests that run after this binary. */
static void backend_restore(void)
{
	char now[32];

	if (__backend_get(now, sizeof(now)) || !strcmp(now, "native"))
		return;
	if (__backend_set("native"))
		fprintf(stderr, "cannot set backend back to native\n");
}

/* Skip unless @backend can be chosen in this kernel; leave native. */
static void backend_require(enum backend backend)
{
	int ret;

	igt_require_f(backend_param(), "no backend parameter\n");
	ret = __backend_set(backends[backend]);
	igt_require_f(ret != -EOPNOTSUPP,
		      "backend %s needs CONFIG_DRM_VCOH_BENCH\n",
		      backends[backend]);
	igt_assert_eq(ret, 0);
	backend_set("native");
}

/* The object has @backend, as debugfs bos tells, if it is there. */
static void check_bo_backend(int fd, const struct vcoh_bo *b,
			     enum backend backend)
{
	char line[512], want[32];

	if (!vcoh_debugfs_bo_line(fd, b->offset, line, sizeof(line))) {
		igt_debug("no debugfs bos: backend of the object not checked\n");
		return;
	}
	snprintf(want, sizeof(want), " backend %s ", backends[backend]);
	igt_assert_f(strstr(line, want), "expected%sin: %s\n", want, line);
}

/*
 * A mapped object of @backend; the parameter is native again afterwards,
 * which must not change the object's backend.
 */
static struct vcoh_bo backend_bo_new(int fd, size_t npages, uint32_t track,
				     enum backend backend)
{
	struct vcoh_bo b;
	bool param;

	/* Without the parameter, every object is native. */
	param = backend_param();
	igt_assert(param || backend == NATIVE);
	if (param)
		backend_set(backends[backend]);
	b = vcoh_bo_new(fd, npages, track);
	if (param)
		backend_set("native");
	check_bo_backend(fd, &b, backend);
	return b;
}

/* A read through a mapping, which the compiler keeps. */
static uint8_t read_byte(const uint8_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void test_backend_param(int fd)
{
	static const char * const bad[] = {
		"bogus", "\n", "nativ", "natives", "ZAP", "zap zap", "0", "1",
	};
	char now[32], line[512];
	struct vcoh_bo zap, native;
	int ret;

	igt_require_f(backend_param(), "no backend parameter\n");
	backend_get(now, sizeof(now));
	igt_assert_f(!strcmp(now, "native"),
		     "backend %s, expected the default, native\n", now);

	/* Without CONFIG_DRM_VCOH_BENCH the others are refused. */
	ret = __backend_set("zap");
	if (ret == -EOPNOTSUPP) {
		igt_assert_eq(__backend_set("upstream"), -EOPNOTSUPP);
		backend_get(now, sizeof(now));
		igt_assert_f(!strcmp(now, "native"),
			     "backend %s after a refused one\n", now);
	}
	igt_require_f(ret != -EOPNOTSUPP,
		      "zap and upstream need CONFIG_DRM_VCOH_BENCH\n");
	igt_assert_eq(ret, 0);
	backend_set("native");
	backend_set("zap");
	/* As echo writes it. */
	igt_assert_eq(__backend_set("native\n"), 0);
	backend_get(now, sizeof(now));
	igt_assert_f(!strcmp(now, "native"), "backend %s\n", now);

	/* upstream needs mm/mapping_dirty_helpers.c built in. */
	backend_set("zap");
	ret = __backend_set("upstream");
	igt_assert_f(ret == 0 || ret == -EOPNOTSUPP,
		     "setting upstream: %d\n", ret);
	backend_get(now, sizeof(now));
	igt_assert_f(!strcmp(now, ret ? "zap" : "upstream"),
		     "backend %s after setting upstream returned %d\n", now,
		     ret);
	igt_info("upstream backend %s\n", ret ? "not built in" : "available");

	/* A bad value fails and changes nothing, whatever is set. */
	for (unsigned int i = 0; i < 2; i++) {
		const char *cur = i ? "native" : "zap";

		backend_set(cur);
		for (unsigned int j = 0; j < ARRAY_SIZE(bad); j++) {
			ret = __backend_set(bad[j]);
			igt_assert_f(ret == -EINVAL,
				     "setting \"%s\": %d, expected %d\n",
				     bad[j], ret, -EINVAL);
			backend_get(now, sizeof(now));
			igt_assert_f(!strcmp(now, cur),
				     "backend %s after a bad value, was %s\n",
				     now, cur);
		}
	}

	/* The backend is an object's from its creation on. */
	zap = backend_bo_new(fd, 4, VCOH_BO_TRACK_PAGETABLE, ZAP);
	native = backend_bo_new(fd, 4, VCOH_BO_TRACK_PAGETABLE, NATIVE);
	igt_assert_eq_u32(bo_stats(fd, zap.handle).mode, VCOH_BO_TRACK_MKWRITE);
	igt_assert_eq_u32(bo_stats(fd, native.handle).mode,
			  VCOH_BO_TRACK_PAGETABLE);
	check_bo_backend(fd, &zap, ZAP);
	if (vcoh_debugfs_bo_line(fd, zap.offset, line, sizeof(line)))
		igt_assert_f(strstr(line, " track pagetable mode mkwrite "),
			     "zap object: %s\n", line);
	vcoh_bo_free(fd, &native);
	vcoh_bo_free(fd, &zap);

	backend_get(now, sizeof(now));
	igt_assert_f(!strcmp(now, "native"), "backend %s at the end\n", now);
}

/*
 * The coherency subtests: rounds of CPU writes of different shapes, each
 * followed by a submit that must copy exactly the pages written and leave
 * the device equal to the CPU's view. The counters follow a model of the
 * object: its mode (AUTO's switches as documented, zap always MKWRITE)
 * and one recorded fault per page written in MKWRITE mode.
 */
#define COH_PAGES	64
#define COH_BAND	12

struct coh {
	int fd;
	enum backend backend;
	struct vcoh_bo b;
	struct vcoh_auto_params ap;
	/* The object's mode as the test expects it, and AUTO's state. */
	uint32_t mode;
	unsigned int switch_scans;
	uint64_t switches;
	bool switching;
	/* The counters after the previous submit. */
	struct drm_vcoh_stats last;
	/* Pages written this round and in the previous non-idle round. */
	bool *written;
	bool *prev;
	uint64_t seq;
};

/* What AUTO does with a scan that found @n pages written. */
static void coh_model_scan(struct coh *c, size_t n)
{
	bool other;

	if (!c->switching)
		return;
	if (c->mode == VCOH_BO_TRACK_PAGETABLE)
		other = !n;
	else
		other = (uint64_t)n * 100 >
			(uint64_t)c->ap.dense_percent * c->b.npages;
	if (!other) {
		c->switch_scans = 0;
		return;
	}
	if (++c->switch_scans <= c->ap.switch_scans)
		return;
	c->switch_scans = 0;
	c->switches++;
	c->mode = c->mode == VCOH_BO_TRACK_PAGETABLE ?
		  VCOH_BO_TRACK_MKWRITE : VCOH_BO_TRACK_PAGETABLE;
}

/* Store into a word of @page a value no other write of the test stores. */
static void coh_touch(struct coh *c, size_t page)
{
	uint64_t *w = (uint64_t *)(c->b.map + page * ps);
	uint64_t seq = ++c->seq;

	w[(seq * 37 + page * 11) % (ps / sizeof(*w))] = seq << 8 | page;
	c->written[page] = true;
}

/* Submit; c->written holds the pages written since the last one. */
static void coh_submit(struct coh *c, const char *what)
{
	size_t n = count_pages(c->written, c->b.npages);
	uint32_t mode_before = c->mode;
	struct drm_vcoh_submit s;
	struct drm_vcoh_stats st;

	igt_debug("%s: %zu pages written, mode %u\n", what, n, c->mode);
	vcoh_submit(c->fd, &c->b.handle, 1, &s);
	igt_assert_f(s.pages_copied == n,
		     "%s: %llu pages copied, %zu written\n", what,
		     (unsigned long long)s.pages_copied, n);
	if (c->backend == NATIVE)
		igt_assert_cmpu64(s.tlb_flushes, <=, >, 1);
	coh_model_scan(c, n);

	st = bo_stats(c->fd, c->b.handle);
	igt_assert_f(st.mode == c->mode, "%s: mode %u, expected %u\n", what,
		     st.mode, c->mode);
	igt_assert_eq_u64(st.mode_switches, c->switches);
	igt_assert_eq_u64(st.submits, c->last.submits + 1);
	igt_assert_eq_u64(st.pages_copied, c->last.pages_copied + n);
	igt_assert_eq_u64(st.pages_dirty, c->last.pages_dirty + n);
	igt_assert_f(st.mkwrite_faults - c->last.mkwrite_faults ==
		     (mode_before == VCOH_BO_TRACK_MKWRITE ? n : 0),
		     "%s: %llu mkwrite faults for %zu pages written in mode %u\n",
		     what,
		     (unsigned long long)(st.mkwrite_faults -
					  c->last.mkwrite_faults),
		     n, mode_before);
	c->last = st;

	vcoh_bo_check_device(c->fd, &c->b, c->b.map, what);
}

static void coh_round(struct coh *c, const char *what)
{
	bool *t;

	igt_assert_lt(0, count_pages(c->written, c->b.npages));
	coh_submit(c, what);
	t = c->prev;
	c->prev = c->written;
	c->written = t;
	memset(c->written, 0, c->b.npages);
}

/* Submits with nothing written: AUTO may go MKWRITE. */
static void coh_idle(struct coh *c, unsigned int submits)
{
	for (unsigned int i = 0; i < submits; i++)
		coh_submit(c, "idle");
}

/* Every 7th page. */
static void coh_sparse(struct coh *c, unsigned int r)
{
	for (size_t p = r % 7; p < c->b.npages; p += 7)
		coh_touch(c, p);
	coh_round(c, "sparse");
}

/* Every page, every third one all of it. */
static void coh_dense(struct coh *c)
{
	for (size_t p = 0; p < c->b.npages; p++) {
		uint64_t *w = (uint64_t *)(c->b.map + p * ps);

		coh_touch(c, p);
		if (p % 3)
			continue;
		for (size_t i = 0; i < ps / sizeof(*w); i++)
			w[i] = ++c->seq << 8 | p;
	}
	coh_round(c, "dense");
}

/* COH_BAND pages from page 8 * @r on, overlapping the band of r - 1. */
static void coh_band(struct coh *c, unsigned int r)
{
	for (size_t i = 0; i < COH_BAND; i++)
		coh_touch(c, (r * 8 + i) % c->b.npages);
	coh_round(c, "band");
}

/* The pages of the previous round again, twice each. */
static void coh_rewrite(struct coh *c)
{
	for (size_t p = 0; p < c->b.npages; p++) {
		if (!c->prev[p])
			continue;
		coh_touch(c, p);
		coh_touch(c, p);
	}
	coh_round(c, "rewrite");
}

/*
 * The pages of the previous round, which its submit cleaned or
 * write-protected, and two new ones, written half before and half after
 * the mapping is made read-only and writable again. A pte left read-only
 * and dirty by a scan becomes writable without a fault there
 * (can_change_pte_writable()): in MKWRITE mode such a write would not be
 * recorded. native cleans what it write-protects; upstream does not, a
 * known hole of mm/mapping_dirty_helpers.c, so upstream objects get the
 * same writes without the mprotect() calls.
 */
static void coh_mprotect(struct coh *c)
{
	size_t n = count_pages(c->prev, c->b.npages), i = 0, fresh[2], k = 0;
	bool *prev = xzalloc(c->b.npages);
	unsigned int sum = 0;

	memcpy(prev, c->prev, c->b.npages);
	/* 29 is odd: i * 29 goes through every page of a power of two. */
	for (size_t j = 0; j < c->b.npages && k < 2; j++) {
		size_t p = (j * 29 + 17) % c->b.npages;

		if (!prev[p])
			fresh[k++] = p;
	}
	igt_assert_eq(k, 2);

	for (size_t p = 0; p < c->b.npages && i < n / 2; p++) {
		if (prev[p]) {
			coh_touch(c, p);
			i++;
		}
	}
	coh_touch(c, fresh[0]);

	if (c->backend != UPSTREAM) {
		igt_assert_eq(mprotect(c->b.map, c->b.size, PROT_READ), 0);
		for (size_t p = 0; p < c->b.npages; p++)
			sum += read_byte(c->b.map + p * ps + 8);
		igt_debug("read-only mapping read, sum %u\n", sum);
		igt_assert_eq(mprotect(c->b.map, c->b.size,
				       PROT_READ | PROT_WRITE), 0);
	}

	for (size_t p = 0; p < c->b.npages; p++)
		if (prev[p])
			coh_touch(c, p);
	coh_touch(c, fresh[0]);
	coh_touch(c, fresh[1]);
	free(prev);
	coh_round(c, c->backend != UPSTREAM ? "mprotect" : "no mprotect");
}

static void test_coherent(int fd, enum backend backend, unsigned int m)
{
	uint32_t track = vcoh_modes[m].track;
	struct coh c = {
		.fd = fd,
		.backend = backend,
		.ap = vcoh_auto_params(fd),
	};

	backend_require(backend);
	c.b = backend_bo_new(fd, COH_PAGES, track, backend);
	c.written = xzalloc(c.b.npages);
	c.prev = xzalloc(c.b.npages);
	c.switching = track == VCOH_BO_TRACK_AUTO && backend != ZAP;
	if (backend == ZAP)
		c.mode = VCOH_BO_TRACK_MKWRITE;
	else if (track == VCOH_BO_TRACK_AUTO)
		c.mode = c.b.npages < c.ap.max_pages ?
			 VCOH_BO_TRACK_PAGETABLE : VCOH_BO_TRACK_MKWRITE;
	else
		c.mode = track;
	c.last = bo_stats(fd, c.b.handle);
	igt_assert_eq_u32(c.last.mode, c.mode);

	coh_sparse(&c, 0);
	coh_dense(&c);
	coh_band(&c, 0);
	coh_band(&c, 1);
	coh_rewrite(&c);
	coh_sparse(&c, 3);

	/* Idle: AUTO leaves PAGETABLE. */
	coh_idle(&c, c.ap.switch_scans + 1);
	if (track != VCOH_BO_TRACK_PAGETABLE || backend == ZAP)
		igt_assert_eq_u32(c.mode, VCOH_BO_TRACK_MKWRITE);

	/* Bands are dense for AUTO in MKWRITE: it goes back on the third. */
	coh_band(&c, 2);
	coh_mprotect(&c);
	coh_band(&c, 3);
	coh_rewrite(&c);
	coh_mprotect(&c);
	coh_sparse(&c, 5);
	coh_dense(&c);
	coh_idle(&c, 1);

	igt_info("%s %s: mode %u, %llu switches, %llu pages copied, %llu mkwrite faults\n",
		 backends[backend], vcoh_modes[m].name, c.last.mode,
		 (unsigned long long)c.last.mode_switches,
		 (unsigned long long)c.last.pages_copied,
		 (unsigned long long)c.last.mkwrite_faults);
	/* The idle scans and the bands switch at least once each way. */
	if (c.switching && c.ap.switch_scans == 2 && c.ap.max_pages > COH_PAGES)
		igt_assert_cmpu64(c.last.mode_switches, >=, <, 2);

	free(c.prev);
	free(c.written);
	vcoh_bo_free(fd, &c.b);
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

#define DW_PAGES	16

/*
 * Device writes over an object whose CPU pages were written and not
 * submitted: the device takes every pending CPU write first (each page
 * copied once), then its data replaces the CPU's in the range it wrote;
 * outside of it the CPU's writes stay.
 */
static void device_write_mode(int fd, enum backend backend, uint32_t track)
{
	/* Pages the CPU writes and does not submit before the device. */
	static const unsigned int cpu_pages[] = { 1, 3, 4, 6, 9, 12 };
	struct vcoh_bo b = backend_bo_new(fd, DW_PAGES, track, backend);
	uint8_t *shadow = xzalloc(b.size), *data = xzalloc(2 * ps);
	struct drm_vcoh_stats st0, st;
	struct drm_vcoh_submit s;
	size_t off, len;

	for (size_t i = 0; i < 2 * ps; i++)
		data[i] = 0x5a ^ (i * 29) ^ (i >> 7);

	cpu_write(&b, shadow, 0, b.size, 0x10 + track);
	vcoh_submit(fd, &b.handle, 1, &s);
	igt_assert_eq_u64(s.pages_copied, b.npages);
	vcoh_bo_check_device(fd, &b, shadow, "device memory after the first submit");

	st0 = bo_stats(fd, b.handle);
	for (unsigned int i = 0; i < ARRAY_SIZE(cpu_pages); i++) {
		off = cpu_pages[i] * ps;
		cpu_write(&b, shadow, off, 16, 0x40 + i);
		cpu_write(&b, shadow, off + ps / 2, 32, 0x80 + i);
		cpu_write(&b, shadow, off + ps - 8, 8, 0xc0 + i);
	}

	/*
	 * From inside page 3 to inside page 6: over the CPU's tail of 3, all
	 * of 4 and 5, and the CPU's head of 6; its middle and tail stay.
	 */
	off = 3 * ps + ps / 2 + 64;
	len = 3 * ps - 64;
	vcoh_device_fill(fd, b.handle, off, len, 0xc0ffee00 | track);
	fill_words(shadow, off, len, 0xc0ffee00 | track);

	st = bo_stats(fd, b.handle);
	igt_assert_eq_u64(st.device_writes, st0.device_writes + 1);
	igt_assert_f(st.pages_copied - st0.pages_copied ==
		     ARRAY_SIZE(cpu_pages),
		     "device write copied %llu pages, the CPU wrote %zu\n",
		     (unsigned long long)(st.pages_copied - st0.pages_copied),
		     ARRAY_SIZE(cpu_pages));

	/* Odd offset and size in page 9, between the CPU's head and middle. */
	off = 9 * ps + 101;
	len = 333;
	vcoh_device_write(fd, b.handle, off, data, len);
	memcpy(shadow + off, data, len);
	st0 = st;
	st = bo_stats(fd, b.handle);
	igt_assert_eq_u64(st.device_writes, st0.device_writes + 1);
	igt_assert_eq_u64(st.pages_copied, st0.pages_copied);

	/* Across the last two pages, to the very end. */
	off = b.size - ps - 20;
	len = ps + 20;
	vcoh_device_write(fd, b.handle, off, data, len);
	memcpy(shadow + off, data, len);

	check_bytes(b.map, shadow, b.size, "CPU view after device writes");
	vcoh_bo_check_device(fd, &b, shadow, "device memory after device writes");

	/* Nothing written since: a submit copies nothing. */
	vcoh_submit(fd, &b.handle, 1, &s);
	igt_assert_eq_u64(s.pages_copied, 0);

	/* The CPU writes into what the device wrote. */
	cpu_write(&b, shadow, 4 * ps + 100, 40, 0x99);
	cpu_write(&b, shadow, 9 * ps + 200, 4, 0x98);
	cpu_write(&b, shadow, b.size - 1, 1, 0x97);
	vcoh_submit(fd, &b.handle, 1, &s);
	igt_assert_eq_u64(s.pages_copied, 3);
	check_bytes(b.map, shadow, b.size, "CPU view after the submit");
	vcoh_bo_check_device(fd, &b, shadow, "device memory after the submit");

	if (backend == ZAP)
		igt_assert_eq_u32(bo_stats(fd, b.handle).mode,
				  VCOH_BO_TRACK_MKWRITE);
	free(data);
	free(shadow);
	vcoh_bo_free(fd, &b);
}

static void test_device_write(int fd, enum backend backend)
{
	const struct vcoh_mode *m;

	backend_require(backend);
	for (m = vcoh_mode_next(NULL, VCOH_MODES_TRACKED); m;
	     m = vcoh_mode_next(m, VCOH_MODES_TRACKED)) {
		igt_debug("%s\n", m->name);
		device_write_mode(fd, backend, m->track);
	}
}

/*
 * Race: writers on vCPU 0 store unique values into random words of random
 * pages of one object per tracking mode while this thread, on vCPU 1,
 * submits the three in a loop. After each submit one object is checked: a
 * word that held the same value before and after the call was not written
 * during it, so the device must hold that value. At the end, with the
 * writers stopped, one more submit makes every device copy equal to the
 * CPU's view, and another copies nothing.
 */
#define RACE_PAGES		64
#define RACE_WRITES		200000ul
#define RACE_MIN_SUBMITS	24
#define RACE_TIMEOUT_S		120

/*
 * Objects of the backend in each tracking mode race writers. How often
 * upstream's helpers and zap flush the TLB is theirs: no bound.
 */
static void test_race(int fd, enum backend backend)
{
	struct vcoh_race *r;
	unsigned long writes;

	backend_require(backend);
	vcoh_race_require();

	r = xzalloc(sizeof(*r));
	r->nbos = 3;
	r->max_flushes = UINT64_MAX;
	for (unsigned int bo = 0; bo < r->nbos; bo++)
		r->b[bo] = backend_bo_new(fd, RACE_PAGES,
					  VCOH_BO_TRACK_PAGETABLE + bo, backend);

	vcoh_race_start(r);
	vcoh_race_run(fd, r, RACE_WRITES, RACE_MIN_SUBMITS, RACE_TIMEOUT_S);
	writes = vcoh_race_stop(r);
	vcoh_race_check_device(fd, r, 0);

	igt_info("%lu writes, %lu submits, %lu words checked\n", writes,
		 r->submits, r->checked);
	igt_assert_cmpu64(writes, >=, <, RACE_WRITES);
	for (unsigned int bo = 0; bo < r->nbos && backend == ZAP; bo++) {
		struct drm_vcoh_stats bs = bo_stats(fd, r->handles[bo]);

		igt_assert_eq_u32(bs.mode, VCOH_BO_TRACK_MKWRITE);
		igt_assert_eq_u64(bs.mode_switches, 0);
	}
	vcoh_race_free(fd, r);
}

/* scan_timing of @fd's DRM device, opened anew. */
static int scan_timing_open(int fd)
{
	int tfd = igt_debugfs_open(fd, "scan_timing", O_RDWR);

	igt_require_f(tfd >= 0, "no debugfs scan_timing\n");
	return tfd;
}

struct timing {
	unsigned long pages;
	long changed;
	unsigned long long ns;
};

/* Write @len bytes of @line: 0 or -errno. */
static int __timing_write(int tfd, const char *line, size_t len)
{
	ssize_t n = write(tfd, line, len);
	int err = errno;

	errno = 0;
	if (n < 0)
		return -err;
	return (size_t)n == len ? 0 : -EIO;
}

/* What the file shows, into @buf; its length. */
static size_t timing_text(int tfd, char *buf, size_t size)
{
	ssize_t n = pread(tfd, buf, size - 1, 0);

	igt_assert_lte(0, n);
	buf[n] = '\0';
	return n;
}

static struct timing timing_read(int tfd)
{
	struct timing t;
	char buf[128];
	int end = 0;

	timing_text(tfd, buf, sizeof(buf));
	igt_assert_f(sscanf(buf, "pages %lu changed %ld ns %llu\n%n",
			    &t.pages, &t.changed, &t.ns, &end) == 3 &&
		     end == (int)strlen(buf),
		     "scan_timing reads \"%s\"\n", buf);
	return t;
}

/* "<offset> @op" on the object; what scan_timing reads afterwards. */
static struct timing timing_run(int tfd, const struct vcoh_bo *b, const char *op)
{
	struct timing t;
	char line[64];
	int len;

	len = snprintf(line, sizeof(line), "%llu %s\n",
		       (unsigned long long)b->offset, op);
	igt_assert_eq(__timing_write(tfd, line, len), 0);
	t = timing_read(tfd);
	igt_debug("%s: pages %lu changed %ld ns %llu\n", op, t.pages,
		  t.changed, t.ns);
	igt_assert_eq_u64(t.pages, b->npages);
	return t;
}

/* A walk of @b finds @mapped ptes and changes no counter. */
static void check_walk(int fd, int tfd, const struct vcoh_bo *b, long mapped,
		       const char *what)
{
	struct drm_vcoh_stats before = bo_stats(fd, b->handle), after;
	struct timing t = timing_run(tfd, b, "walk");

	igt_assert_f(t.changed == mapped, "%s: walk counted %ld ptes, %ld mapped\n",
		     what, t.changed, mapped);
	after = bo_stats(fd, b->handle);
	igt_assert_f(!memcmp(&before, &after, sizeof(before)),
		     "%s: the walk changed the object's counters\n", what);
}

#define WALK_PAGES	32

static void test_scan_timing_walk(int fd)
{
	/* Through the first mapping: written, then read. */
	static const unsigned int wr1[] = { 0, 3, 4, 10, 31 };
	static const unsigned int rd1[] = { 7, 8, 20 };
	/* Through a second: 3 written again, 13 read, 12 written. */
	static const unsigned int wr2[] = { 3, 12 };
	static const unsigned int rd2[] = { 13 };
	unsigned int sum = 0;
	char buf[128];
	int tfd = scan_timing_open(fd), tfd2;

	/* A result belongs to the open file that asked for it. */
	tfd2 = scan_timing_open(fd);
	igt_assert_eq(timing_text(tfd2, buf, sizeof(buf)), 0);

	for (uint32_t m = VCOH_BO_TRACK_PAGETABLE; m <= VCOH_BO_TRACK_MKWRITE;
	     m++) {
		struct vcoh_bo b = backend_bo_new(fd, WALK_PAGES, m, NATIVE);
		uint8_t *second, *cpu = xzalloc(b.size);
		struct drm_vcoh_submit s;

		igt_debug("%s\n", vcoh_modes[m].name);
		check_walk(fd, tfd, &b, 0, "nothing mapped yet");
		for (unsigned int i = 0; i < ARRAY_SIZE(wr1); i++)
			b.map[wr1[i] * ps + i] = 0x40 + i;
		for (unsigned int i = 0; i < ARRAY_SIZE(rd1); i++)
			sum += read_byte(b.map + rd1[i] * ps + i);
		check_walk(fd, tfd, &b, ARRAY_SIZE(wr1) + ARRAY_SIZE(rd1),
			   "one mapping");
		igt_assert_eq(timing_text(tfd2, buf, sizeof(buf)), 0);

		/* Every mapping of the object counts. */
		second = vcoh_bo_map(fd, b.handle, b.size,
				     PROT_READ | PROT_WRITE);
		for (unsigned int i = 0; i < ARRAY_SIZE(wr2); i++)
			second[wr2[i] * ps + 100 + i] = 0x80 + i;
		for (unsigned int i = 0; i < ARRAY_SIZE(rd2); i++)
			sum += read_byte(second + rd2[i] * ps);
		igt_debug("pages read, sum %u\n", sum);
		check_walk(fd, tfd, &b, 11, "two mappings");

		/*
		 * The walk left the dirty state alone: nothing is lost. The
		 * CPU's memory is read through the driver, not the mapping,
		 * which would fault in the other pages.
		 */
		vcoh_submit(fd, &b.handle, 1, &s);
		igt_assert_eq_u64(s.pages_copied, 6);
		vcoh_bo_read(fd, b.handle, 0, cpu, b.size);
		vcoh_bo_check_device(fd, &b, cpu, "device memory after walks");
		check_walk(fd, tfd, &b, 11, "after the submit");

		igt_assert_eq(munmap(second, b.size), 0);
		check_walk(fd, tfd, &b, 8, "second mapping unmapped");
		igt_assert_eq(munmap(b.map, b.size), 0);
		check_walk(fd, tfd, &b, 0, "both unmapped");
		gem_close(fd, b.handle);
		free(cpu);
	}
	close(tfd2);
	close(tfd);
}

/* "scan" of @b finds @n pages; the counters say a scan happened. */
static void check_scan(int fd, int tfd, const struct vcoh_bo *b, long n,
		       const char *what)
{
	struct drm_vcoh_stats before = bo_stats(fd, b->handle), after;
	struct timing t = timing_run(tfd, b, "scan");

	igt_assert_f(t.changed == n, "%s: scan changed %ld ptes, %ld written\n",
		     what, t.changed, n);
	after = bo_stats(fd, b->handle);
	igt_assert_eq_u64(after.scans, before.scans + 1);
	igt_assert_eq_u64(after.pages_dirty, before.pages_dirty + n);
	igt_assert_eq_u64(after.submits, before.submits);
	igt_assert_eq_u64(after.pages_copied, before.pages_copied);
	igt_assert_eq_u64(after.device_writes, before.device_writes);
	igt_assert_eq_u64(after.mode_switches, before.mode_switches);
	if (b->track == VCOH_BO_TRACK_PAGETABLE)
		igt_assert_eq_u64(after.pages_scanned,
				  before.pages_scanned + b->npages);
}

#define SCAN_PAGES	32

static void test_scan_timing_scan(int fd)
{
	static const unsigned int five[] = { 1, 2, 9, 17, 30 };
	int tfd = scan_timing_open(fd);

	for (uint32_t m = VCOH_BO_TRACK_PAGETABLE; m <= VCOH_BO_TRACK_MKWRITE;
	     m++) {
		struct vcoh_bo b = backend_bo_new(fd, SCAN_PAGES, m, NATIVE);
		uint8_t *zero = xzalloc(b.size);
		struct drm_vcoh_submit s;

		igt_debug("%s\n", vcoh_modes[m].name);
		for (unsigned int i = 0; i < ARRAY_SIZE(five); i++)
			b.map[five[i] * ps + 64 * i] = 0x11 + i;
		check_scan(fd, tfd, &b, 5, "five pages");
		/* The scan copies nothing itself... */
		vcoh_bo_check_device(fd, &b, zero, "device memory after a timed scan");
		/* ... and what it found is copied by the next submit. */
		vcoh_submit(fd, &b.handle, 1, &s);
		igt_assert_eq_u64(s.pages_copied, 5);
		vcoh_bo_check_device(fd, &b, b.map, "device memory after the submit");

		/* Writes before and after a scan, one page in both. */
		b.map[4 * ps] = 0x21;
		b.map[5 * ps] = 0x22;
		check_scan(fd, tfd, &b, 2, "two pages");
		b.map[5 * ps + 1] = 0x23;
		b.map[6 * ps] = 0x24;
		b.map[20 * ps] = 0x25;
		vcoh_submit(fd, &b.handle, 1, &s);
		igt_assert_eq_u64(s.pages_copied, 4);
		vcoh_bo_check_device(fd, &b, b.map, "device memory after the submit");

		/* Nothing written: the scan finds nothing, loses nothing. */
		check_scan(fd, tfd, &b, 0, "idle");
		vcoh_submit(fd, &b.handle, 1, &s);
		igt_assert_eq_u64(s.pages_copied, 0);
		vcoh_bo_check_device(fd, &b, b.map, "device memory after the submit");

		free(zero);
		vcoh_bo_free(fd, &b);
	}
	close(tfd);
}

struct timing_case {
	char text[256];
	size_t len;
	int err;
};

__attribute__((format(printf, 3, 4)))
static void add_case(struct timing_case *c, int err, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(c->text, sizeof(c->text), f, ap);
	va_end(ap);
	c->len = strlen(c->text);
	c->err = err;
}

/* "<offset> scan", padded with spaces to @len bytes. */
static void add_padded(struct timing_case *c, int err, uint64_t offset,
		       size_t len)
{
	int n = snprintf(c->text, sizeof(c->text), "%llu scan",
			 (unsigned long long)offset);

	igt_assert(len < sizeof(c->text) && (size_t)n < len);
	memset(c->text + n, ' ', len - n);
	c->text[len] = '\0';
	c->len = len;
	c->err = err;
}

static void test_scan_timing_invalid(int fd)
{
	struct vcoh_bo b = backend_bo_new(fd, 8, VCOH_BO_TRACK_PAGETABLE, NATIVE);
	uint32_t gone = vcoh_bo_create(fd, ps);
	unsigned long long off = b.offset;
	struct timing_case cases[20], padded;
	char result[128], now[128];
	struct drm_vcoh_stats st0, st;
	struct drm_vcoh_submit s;
	unsigned int n = 0;
	uint64_t closed;
	int tfd = scan_timing_open(fd);

	/* The offset of an object that was freed. */
	igt_assert_eq(__vcoh_bo_mmap_offset(fd, gone, &closed), 0);
	gem_close(fd, gone);

	add_case(&cases[n++], -EINVAL, "%llu frob\n", off);
	add_case(&cases[n++], -EINVAL, "%llu scans", off);
	add_case(&cases[n++], -EINVAL, "%llu walker\n", off);
	add_case(&cases[n++], -EINVAL, "%llu\n", off);
	add_case(&cases[n++], -EINVAL, "%llu", off);
	add_case(&cases[n++], -EINVAL, "walk %llu\n", off);
	add_case(&cases[n++], -EINVAL, "-%llu walk\n", off);
	add_case(&cases[n++], -EINVAL, "garbage");
	add_case(&cases[n++], -EINVAL, "\n");
	add_case(&cases[n++], -ENOENT, "%llu scan\n",
		 (unsigned long long)closed);
	add_case(&cases[n++], -ENOENT, "%llu walk\n", off + ps);
	add_case(&cases[n++], -ENOENT, "%llu walk\n", off - ps);
	add_case(&cases[n++], -ENOENT, "0 scan\n");
	add_case(&cases[n++], -ENOENT, "%llu scan\n", ~0ull);
	/* A good line, too long for the driver's buffer. */
	add_padded(&cases[n++], -EINVAL, off, 64);
	add_padded(&cases[n++], -EINVAL, off, 200);
	igt_assert(n <= ARRAY_SIZE(cases));

	b.map[2 * ps] = 1;
	b.map[5 * ps] = 2;
	igt_assert_eq(timing_run(tfd, &b, "walk").changed, 2);
	timing_text(tfd, result, sizeof(result));
	st0 = bo_stats(fd, b.handle);

	for (unsigned int i = 0; i < n; i++) {
		const struct timing_case *c = &cases[i];
		int ret = __timing_write(tfd, c->text, c->len);

		igt_assert_f(ret == c->err, "\"%s\": %d, expected %d\n",
			     c->text, ret, c->err);
		st = bo_stats(fd, b.handle);
		igt_assert_f(!memcmp(&st, &st0, sizeof(st)),
			     "\"%s\" changed the object's counters\n", c->text);
		timing_text(tfd, now, sizeof(now));
		igt_assert_f(!strcmp(now, result),
			     "\"%s\" changed the result to \"%s\"\n", c->text,
			     now);
	}

	/* 63 bytes still fit: the scan finds both pages, loses neither. */
	add_padded(&padded, 0, off, 63);
	igt_assert_eq(__timing_write(tfd, padded.text, padded.len), 0);
	igt_assert_eq(timing_read(tfd).changed, 2);
	vcoh_submit(fd, &b.handle, 1, &s);
	igt_assert_eq_u64(s.pages_copied, 2);
	vcoh_bo_check_device(fd, &b, b.map, "device memory after the submit");

	/* The offset in hex, as the bos file prints it, names the object. */
	b.map[7 * ps] = 3;
	snprintf(now, sizeof(now), "0x%llx scan\n", off);
	igt_assert_eq(__timing_write(tfd, now, strlen(now)), 0);
	igt_assert_eq(timing_read(tfd).changed, 1);

	close(tfd);
	vcoh_bo_free(fd, &b);
}

static const struct {
	const char *name;
	const char *desc;
	void (*fn)(int fd);
} params[] = {
	{ "backend-param",
	  "The backend parameter: native by default, native, zap and upstream (where built in) taken, anything else refused without a change; objects keep the backend they were created with.",
	  test_backend_param },
};

#define UNMAP_PAGES	16

/*
 * Unmapping throws the ptes' dirty bits away: a mapping whose writes only
 * they recorded (PAGETABLE, and AUTO, which may have left PAGETABLE on
 * scans that could not see them) counts as written in full; MKWRITE,
 * and zap in every mode, recorded each write at its fault.
 */
static void test_unmap(int fd, enum backend backend, unsigned int m)
{
	uint32_t track = vcoh_modes[m].track;
	uint8_t *want = xzalloc(UNMAP_PAGES * ps);
	struct drm_vcoh_submit s;
	uint64_t expect = 2;
	struct vcoh_bo b;

	backend_require(backend);
	b = backend_bo_new(fd, UNMAP_PAGES, track, backend);
	if (backend != ZAP && track != VCOH_BO_TRACK_MKWRITE)
		expect = UNMAP_PAGES;

	memset(b.map, 0x11, b.size);
	memset(want, 0x11, b.size);
	vcoh_submit(fd, &b.handle, 1, &s);
	igt_assert_eq_u64(s.pages_copied, UNMAP_PAGES);

	b.map[1 * ps + 7] = 0x22;
	b.map[6 * ps + 9] = 0x33;
	want[1 * ps + 7] = 0x22;
	want[6 * ps + 9] = 0x33;
	igt_assert_eq(munmap(b.map, b.size), 0);
	b.map = NULL;

	vcoh_submit(fd, &b.handle, 1, &s);
	igt_assert_f(s.pages_copied == expect,
		     "%s %s: %llu pages copied after the unmap, expected %llu\n",
		     backends[backend], vcoh_modes[m].name,
		     (unsigned long long)s.pages_copied,
		     (unsigned long long)expect);
	vcoh_bo_check_device(fd, &b, want, "device memory after the unmap");
	vcoh_submit(fd, &b.handle, 1, &s);
	igt_assert_eq_u64(s.pages_copied, 0);

	gem_close(fd, b.handle);
	free(want);
}

static const struct {
	const char *name;
	const char *desc;
	void (*fn)(int fd, enum backend backend, unsigned int m);
} per_mode[] = {
	{ "coherent",
	  "Sparse, dense, moving, rewritten and mprotect()-interrupted CPU writes reach the device through submits that copy exactly the pages written; the mode and fault counters follow the backend (zap: always MKWRITE) and AUTO's switches.",
	  test_coherent },
	{ "unmap",
	  "Writes made through a mapping that is then unmapped reach the device: the whole mapping is copied where only the ptes' dirty bits knew of them (PAGETABLE, AUTO), only the pages written where faults recorded them (MKWRITE, zap).",
	  test_unmap },
};

static const struct {
	const char *name;
	const char *desc;
	void (*fn)(int fd, enum backend backend);
	unsigned int backends;
} per_backend[] = {
	{ "device-write",
	  "A device write over pages the CPU wrote and did not submit takes each of them once, replaces the CPU's view of what it wrote and keeps the CPU's writes around it, in every tracking mode.",
	  test_device_write, 1 << NATIVE | 1 << UPSTREAM | 1 << ZAP },
	{ "race",
	  "Writers on vCPU 0 store into three objects of the backend while vCPU 1 submits them: no write that landed before a submit is missing from the device, and a last submit makes the device equal to the CPU.",
	  test_race, 1 << UPSTREAM | 1 << ZAP },
};

static const struct {
	const char *name;
	const char *desc;
	void (*fn)(int fd);
} scan_timing[] = {
	{ "scan-timing-walk",
	  "scan_timing's walk counts the ptes mapping an object in every mapping of it, changes no counter and loses no write; its result belongs to the open file that asked.",
	  test_scan_timing_walk },
	{ "scan-timing-scan",
	  "scan_timing's scan finds the pages written, counts as a scan, copies nothing, and the next submit copies exactly what it found and what was written after it.",
	  test_scan_timing_scan },
	{ "scan-timing-invalid",
	  "scan_timing refuses bad operations, unknown offsets, garbage and lines of 64 bytes or more with the right errno, and changes neither the object's counters nor the last result; it takes the offset in decimal or hex.",
	  test_scan_timing_invalid },
};

igt_main
{
	const struct vcoh_mode *m;
	int fd = -1;

	igt_fixture {
		fd = drm_open_vcoh();
		ps = sysconf(_SC_PAGESIZE);
		param_dir = igt_params_open(fd);
		atexit(backend_restore);
	}

	for (unsigned int t = 0; t < ARRAY_SIZE(params); t++) {
		igt_describe(params[t].desc);
		igt_subtest_f("%s", params[t].name)
			params[t].fn(fd);
	}

	for (unsigned int t = 0; t < ARRAY_SIZE(per_mode); t++) {
		igt_describe(per_mode[t].desc);
		igt_subtest_with_dynamic(per_mode[t].name) {
			for (unsigned int be = 0; be < ARRAY_SIZE(backends); be++)
				for (m = vcoh_mode_next(NULL, VCOH_MODES_TRACKED); m;
				     m = vcoh_mode_next(m, VCOH_MODES_TRACKED))
					igt_dynamic_f("%s-%s", backends[be], m->name)
						per_mode[t].fn(fd, be, m->track);
		}
	}

	for (unsigned int t = 0; t < ARRAY_SIZE(per_backend); t++) {
		igt_describe(per_backend[t].desc);
		igt_subtest_with_dynamic(per_backend[t].name) {
			for (unsigned int be = 0; be < ARRAY_SIZE(backends); be++)
				if (per_backend[t].backends >> be & 1)
					igt_dynamic(backends[be])
						per_backend[t].fn(fd, be);
		}
	}

	for (unsigned int t = 0; t < ARRAY_SIZE(scan_timing); t++) {
		igt_describe(scan_timing[t].desc);
		igt_subtest_f("%s", scan_timing[t].name)
			scan_timing[t].fn(fd);
	}

	igt_fixture {
		if (backend_param())
			backend_set("native");
		drm_close_driver(fd);
	}
}
