// SPDX-License-Identifier: MIT
/*
 * vcoh_bench: the three ways vcoh can track CPU writes, compared in one
 * boot. native: the page-table dirty-tracking helpers with their batched
 * flushes; upstream: mm/mapping_dirty_helpers.c as vmwgfx uses it; zap:
 * unmap and refault, all a module-only driver can do.
 *
 * scan: cost per page of one object's tracking scan, against a read-only
 *   walk of its ptes (the floor), by object size and share of pages
 *   written; timed in the kernel through debugfs scan_timing.
 * batch: TLB flush calls and shootdown IPIs per submit of N objects, with
 *   a thread of the process spinning on the other CPU.
 * fault: a writer on one CPU and submits on the other, in lock step.
 * e2e: coherent uploads of three write patterns in every tracking mode:
 *   throughput and write amplification.
 * scale: cost per object of one submit of 1 to 4096 objects.
 * procs: flushes and IPIs per submit of one object mapped by 1 to 64
 *   processes, flushing mm by mm or batched across them.
 *
 * Writes results.tsv and run.tsv (what the run was) to the output
 * directory, which scripts/bench-report turns into report.md and the
 * plots' data. --smoke runs every scenario small and prints consistency
 * checks; nothing in it depends on timing. Runs as root with vcoh
 * loaded; the backend is set through the module parameter and put back
 * to native at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>

#include "vcoh_drm.h"
#include "vcoh_bench.h"

#define BACKEND_PARAM	"/sys/module/vcoh/parameters/backend"
#define MAX_CHECKS	64

static const struct bench_config full_cfg = {
	.scan_kib = { 1 << 10, 16 << 10, 256 << 10 },
	.scan_reps = { 41, 21, 11 },
	.nr_scan = 3,
	.batch_bos = { 1, 4, 16, 64 },
	.nr_batch = 4,
	.batch_kib = 64,
	.batch_warmup = 2,
	.batch_blocks = 5,
	.batch_cycles = 10,
	.scale_bos = { 1, 16, 64, 256, 1024, 4096 },
	.nr_scale = 6,
	.scale_kib = 16,
	.scale_samples = 7,
	.scale_cycles = 2,
	.procs = { 1, 4, 16, 64 },
	.nr_procs = 4,
	.procs_kib = 16,
	.procs_samples = 3,
	.procs_cycles = 4,
	.fault_kib = 1 << 10,
	.fault_warmup = 2,
	.fault_cycles = 200,
	.fault_runs = 3,
	.e2e_kib = 4 << 10,
	.e2e_warmup = 8,
	.e2e_frames = 128,
	.e2e_reps = 9,
};

/* Small enough for the debug kernel (KASAN, lockdep) under emulation. */
static const struct bench_config smoke_cfg = {
	.scan_kib = { 64, 1 << 10 },
	.scan_reps = { 2, 1 },
	.nr_scan = 2,
	.batch_bos = { 1, 16 },
	.nr_batch = 2,
	.batch_kib = 64,
	.batch_warmup = 1,
	.batch_blocks = 2,
	.batch_cycles = 2,
	.scale_bos = { 1, 64 },
	.nr_scale = 2,
	.scale_kib = 16,
	.scale_samples = 1,
	.scale_cycles = 1,
	.procs = { 1, 4 },
	.nr_procs = 2,
	.procs_kib = 16,
	.procs_samples = 1,
	.procs_cycles = 2,
	.fault_kib = 1 << 10,
	.fault_warmup = 1,
	.fault_cycles = 3,
	.fault_runs = 1,
	.e2e_kib = 256,
	.e2e_warmup = 2,
	.e2e_frames = 3,
	.e2e_reps = 1,
};

const unsigned int bench_ratios[3] = { 0, 10, 100 };
const char *const bench_patterns[3] = { "sparse", "dense", "streaming" };

static const char *const mode_names[] = {
	[VCOH_BO_TRACK_NONE] = "none",
	[VCOH_BO_TRACK_PAGETABLE] = "pagetable",
	[VCOH_BO_TRACK_MKWRITE] = "mkwrite",
	[VCOH_BO_TRACK_AUTO] = "auto",
};

/* A backend and a tracking mode it can use. */
struct combo {
	const char *backend;
	uint32_t mode;
};

/* zap tracks everything as MKWRITE: its PAGETABLE would be a duplicate. */
static const struct combo tracked[] = {
	{ "native", VCOH_BO_TRACK_PAGETABLE },
	{ "native", VCOH_BO_TRACK_MKWRITE },
	{ "upstream", VCOH_BO_TRACK_PAGETABLE },
	{ "upstream", VCOH_BO_TRACK_MKWRITE },
	{ "zap", VCOH_BO_TRACK_MKWRITE },
};

static const struct combo e2e_combos[] = {
	{ "native", VCOH_BO_TRACK_PAGETABLE },
	{ "native", VCOH_BO_TRACK_MKWRITE },
	{ "native", VCOH_BO_TRACK_AUTO },
	{ "native", VCOH_BO_TRACK_NONE },
	{ "upstream", VCOH_BO_TRACK_PAGETABLE },
	{ "upstream", VCOH_BO_TRACK_MKWRITE },
	{ "upstream", VCOH_BO_TRACK_AUTO },
	{ "zap", VCOH_BO_TRACK_MKWRITE },
};

struct bench_bo {
	uint32_t handle;
	uint32_t mode;
	uint64_t offset;
	size_t size;
	size_t npages;
	uint32_t *map;
};

/* A consistency check, possibly fed by many configurations. */
struct check {
	char name[64];
	unsigned int tested;
	bool failed;
	bool skipped;		/* does not apply to this machine */
	bool printed;
	char reason[200];
};

/* The system-wide counters the scenarios take differences of. */
struct counters {
	long long pgfault;
	long long remote;		/* nr_tlb_remote_flush */
	long long received;		/* nr_tlb_remote_flush_received */
	long long local_all;		/* nr_tlb_local_flush_all */
	long long local_one;		/* nr_tlb_local_flush_one */
	long long ipis;			/* the TLB: row of /proc/interrupts */
	struct drm_vcoh_stats dev;
};

struct scan_sample {
	unsigned long long pages;
	long long changed;
	unsigned long long ns;
};

static const struct bench_config *cfg;
static struct bench_run run;
static bool smoke;
static int drm_fd = -1;
static int timing_fd = -1;
static size_t page_size;
static size_t page_words;
static bool backend_changed;
static char have_backends[32] = "native";	/* those this kernel has */
static cpu_set_t orig_cpus;
static int cpu_a;		/* submits (batch), writer (fault) */
static int cpu_b = -1;		/* spinner (batch), submits (fault) */
static uint32_t stamp;		/* changes the value of every write pass */
static unsigned long sink;	/* keeps reads from being dropped */
static struct check checks[MAX_CHECKS];
static unsigned int nr_checks, nr_ok, nr_failed;

static void fail(int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (smoke)
		printf("not ok smoke/abort: %s%s%s\n", msg, err ? ": " : "",
		       err ? strerror(err) : "");
	fflush(stdout);
	fprintf(stderr, "vcoh_bench: %s%s%s\n", msg, err ? ": " : "",
		err ? strerror(err) : "");
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		fail(ENOMEM, "allocating %zu bytes", n * size);
	return p;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void note(const char *fmt, ...)
{
	va_list ap;

	if (run.nr_notes >= BENCH_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(run.notes[run.nr_notes++], sizeof(run.notes[0]), fmt, ap);
	va_end(ap);
}

/* The check named @fmt, added on first use. */
static struct check *check(const char *fmt, ...)
{
	char name[sizeof(checks[0].name)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	for (unsigned int i = 0; i < nr_checks; i++)
		if (!strcmp(checks[i].name, name))
			return &checks[i];
	if (nr_checks == MAX_CHECKS)
		fail(0, "too many checks");
	snprintf(checks[nr_checks].name, sizeof(name), "%s", name);
	return &checks[nr_checks++];
}

/* Record @cond; the first failure's reason is the one reported. */
static void expect(struct check *c, bool cond, const char *fmt, ...)
{
	va_list ap;

	c->tested++;
	if (cond || c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

/* @c does not apply to this machine, for the reason @fmt gives. */
static void skip(struct check *c, const char *fmt, ...)
{
	va_list ap;

	c->tested++;
	if (c->failed || c->skipped)
		return;
	c->skipped = true;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

/* Print the verdicts not printed yet: all in a smoke run, else failures. */
static void checks_print(void)
{
	for (unsigned int i = 0; i < nr_checks; i++) {
		struct check *c = &checks[i];

		if (c->printed)
			continue;
		c->printed = true;
		if (!c->tested)
			expect(c, false, "nothing was checked");
		if (c->failed) {
			nr_failed++;
			printf("not ok %s%s: %s\n", smoke ? "smoke/" : "",
			       c->name, c->reason);
		} else if (c->skipped) {
			/* KTAP's form: counted as skipped, not passed. */
			if (smoke)
				printf("ok smoke/%s # SKIP %s\n", c->name,
				       c->reason);
		} else {
			nr_ok++;
			if (smoke)
				printf("ok smoke/%s\n", c->name);
		}
	}
	fflush(stdout);
}

static int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static void pin_main(int cpu)
{
	int ret = pin_cpu(cpu);

	if (ret)
		fail(-ret, "pinning to CPU %d", cpu);
}

static void unpin_main(void)
{
	if (sched_setaffinity(0, sizeof(orig_cpus), &orig_cpus))
		fail(errno, "restoring the CPU affinity");
}

/* Read a small file whole; returns its length or -errno. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	if (n < 0)
		len = -errno;
	close(fd);
	if (len >= 0)
		buf[len] = '\0';
	return len;
}

/* /proc/vmstat's @name, or -1 if the kernel does not count it. */
static long long vmstat_value(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, name, n) && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	}
	return -1;
}

/* Every line of /proc/vmstat is a name and a number. */
static bool vmstat_parses(void)
{
	static char buf[1 << 14];
	unsigned int lines = 0;
	char *line, *save = NULL;

	if (read_file("/proc/vmstat", buf, sizeof(buf)) <= 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), lines++) {
		char name[64], rest[2];
		long long v;

		if (sscanf(line, "%63s %lld%1s", name, &v, rest) != 2)
			return false;
	}
	return lines > 0;
}

/*
 * Only x86 shoots other CPUs' TLB entries down with IPIs and counts them
 * in /proc/interrupts; arm64 broadcasts its invalidations in hardware.
 */
static bool arch_counts_tlb_ipis(void)
{
	struct utsname u;

	return !uname(&u) && (!strcmp(u.machine, "x86_64") ||
			      (u.machine[0] == 'i' && !strcmp(u.machine + 2, "86")));
}

/* Sum of the TLB shootdown column of every CPU, or -1 without the row. */
static long long tlb_ipis(unsigned int *columns)
{
	static char buf[1 << 16];
	long long sum = 0;
	char *p, *end;

	*columns = 0;
	if (read_file("/proc/interrupts", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		while (*p == ' ')
			p++;
		if (!strncmp(p, "TLB:", 4))
			break;
	}
	if (!p)
		return -1;
	for (p += 4;; p = end) {
		long long v = strtoll(p, &end, 10);

		if (end == p)
			break;
		sum += v;
		++*columns;
	}
	return *columns ? sum : -1;
}

static void stats_get(uint32_t handle, struct drm_vcoh_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->handle = handle;
	if (drmIoctl(drm_fd, DRM_IOCTL_VCOH_STATS, s))
		fail(errno, "STATS of handle %u", handle);
}

static void counters_read(struct counters *c)
{
	static char buf[1 << 14];
	unsigned int columns;

	if (read_file("/proc/vmstat", buf, sizeof(buf)) < 0)
		fail(errno, "/proc/vmstat");
	c->pgfault = vmstat_value(buf, "pgfault");
	c->remote = vmstat_value(buf, "nr_tlb_remote_flush");
	c->received = vmstat_value(buf, "nr_tlb_remote_flush_received");
	c->local_all = vmstat_value(buf, "nr_tlb_local_flush_all");
	c->local_one = vmstat_value(buf, "nr_tlb_local_flush_one");
	c->ipis = tlb_ipis(&columns);
	stats_get(0, &c->dev);
}

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
		if (!drmIoctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vcoh"))
			return fd;
		close(fd);
	}
	fail(0, "no vcoh device: is the module loaded?");
	return -1;
}

static struct bench_bo bo_new(size_t size, uint32_t mode)
{
	struct drm_vcoh_bo_create create = { .size = size, .flags = mode };
	struct drm_vcoh_bo_mmap_offset off = { 0 };
	struct bench_bo bo = { .mode = mode };
	void *map;

	if (drmIoctl(drm_fd, DRM_IOCTL_VCOH_BO_CREATE, &create))
		fail(errno, "BO_CREATE of %zu bytes", size);
	off.handle = create.handle;
	if (drmIoctl(drm_fd, DRM_IOCTL_VCOH_BO_MMAP_OFFSET, &off))
		fail(errno, "BO_MMAP_OFFSET");
	map = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   drm_fd, off.offset);
	if (map == MAP_FAILED)
		fail(errno, "mmap of %llu bytes",
		     (unsigned long long)create.size);
	bo.handle = create.handle;
	bo.offset = off.offset;
	bo.size = create.size;
	bo.npages = create.size / page_size;
	bo.map = map;
	return bo;
}

static void bo_free(struct bench_bo *bo)
{
	struct drm_gem_close close_bo = { .handle = bo->handle };

	munmap(bo->map, bo->size);
	if (drmIoctl(drm_fd, DRM_IOCTL_GEM_CLOSE, &close_bo))
		fail(errno, "GEM_CLOSE");
}

static void submit(const uint32_t *handles, unsigned int count,
		   struct drm_vcoh_submit *s)
{
	memset(s, 0, sizeof(*s));
	s->handles_ptr = (uintptr_t)handles;
	s->count = count;
	if (drmIoctl(drm_fd, DRM_IOCTL_VCOH_SUBMIT, s))
		fail(errno, "SUBMIT of %u objects", count);
}

/* First page whose device copy differs from what the CPU sees, or -1. */
static long device_diff(const struct bench_bo *bo, void *buf)
{
	struct drm_vcoh_device_read rd = {
		.handle = bo->handle,
		.size = bo->size,
		.data_ptr = (uintptr_t)buf,
	};
	const char *cpu = (const char *)bo->map;

	if (drmIoctl(drm_fd, DRM_IOCTL_VCOH_DEVICE_READ, &rd))
		fail(errno, "DEVICE_READ");
	for (size_t p = 0; p < bo->npages; p++)
		if (memcmp((char *)buf + p * page_size, cpu + p * page_size,
			   page_size))
			return p;
	return -1;
}

/* One store into each page that is a multiple of @step; 0: none. */
static size_t write_every(struct bench_bo *bo, size_t step)
{
	uint32_t v = ++stamp;
	size_t n = 0;

	if (!step)
		return 0;
	for (size_t p = 0; p < bo->npages; p += step, n++)
		bo->map[p * page_words + v % page_words] = v << 12 ^ p;
	return n;
}

static void write_word(struct bench_bo *bo, size_t page)
{
	uint32_t v = ++stamp;

	bo->map[page * page_words + v % page_words] = v;
}

/* Read every page: MKWRITE ptes come in read-only. */
static void read_all(const struct bench_bo *bo)
{
	unsigned long sum = 0;

	for (size_t p = 0; p < bo->npages; p++)
		sum += __atomic_load_n(&bo->map[p * page_words],
				       __ATOMIC_RELAXED);
	sink += sum;
}

/* The backend parameter's value without the newline, or -errno. */
static int backend_read(char *buf, size_t size)
{
	ssize_t n = read_file(BACKEND_PARAM, buf, size);

	if (n < 0)
		return n;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int backend_write(const char *name)
{
	int fd = open(BACKEND_PARAM, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	backend_changed = true;
	n = write(fd, name, strlen(name));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

static void backend_restore(void)
{
	if (backend_changed && backend_write("native"))
		fprintf(stderr, "vcoh_bench: could not set %s back to native\n",
			BACKEND_PARAM);
}

/* Make @name the backend of the objects created next; false: skip it. */
static bool use_backend(const char *name)
{
	int ret;

	if (!strstr(have_backends, name))
		return false;
	if (!strcmp(have_backends, "native"))
		return true;
	ret = backend_write(name);
	if (ret)
		fail(-ret, "setting the backend to %s", name);
	return true;
}

/* Scan or walk @bo through debugfs scan_timing; returns -errno. */
static int scan_timing(const struct bench_bo *bo, const char *op,
		       struct scan_sample *s)
{
	char cmd[64], line[128];
	ssize_t n;
	int len;

	len = snprintf(cmd, sizeof(cmd), "%llu %s\n",
		       (unsigned long long)bo->offset, op);
	if (write(timing_fd, cmd, len) != len)
		return -errno;
	n = pread(timing_fd, line, sizeof(line) - 1, 0);
	if (n < 0)
		return -errno;
	line[n] = '\0';
	if (sscanf(line, "pages %llu changed %lld ns %llu", &s->pages,
		   &s->changed, &s->ns) != 3)
		return -EPROTO;
	return 0;
}

static void timed(const struct bench_bo *bo, const char *op,
		  struct scan_sample *s)
{
	int ret = scan_timing(bo, op, s);

	if (ret)
		fail(-ret, "scan_timing %s", op);
}

static int open_scan_timing(void)
{
	char path[80];
	struct stat st;

	if (fstat(drm_fd, &st))
		fail(errno, "fstat of the DRM file");
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/scan_timing",
		 minor(st.st_rdev));
	timing_fd = open(path, O_RDWR | O_CLOEXEC);
	if (timing_fd < 0) {
		note("no %s (%s): scan skipped", path, strerror(errno));
		expect(check("scan-timing/errors"), false, "%s: %s", path,
		       strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The interfaces themselves: the backend parameter reads back what was
 * written and refuses a bad name, zap objects track as MKWRITE whatever
 * they asked for, scan_timing reports its errors, the counters parse.
 */
static void check_interfaces(void)
{
	static const char *const names[] = { "upstream", "zap", "native" };
	static const uint32_t zap_modes[] = {
		VCOH_BO_TRACK_PAGETABLE, VCOH_BO_TRACK_AUTO,
	};
	char cur[32], cmd[64];
	struct bench_bo bo;
	struct counters c;
	unsigned int columns;
	int ret;

	ret = backend_read(cur, sizeof(cur));
	if (ret) {
		snprintf(run.backends, sizeof(run.backends),
			 "native only: no backend parameter");
		expect(check("backend-param/read-back"), false, "%s: %s",
		       BACKEND_PARAM, strerror(-ret));
	} else {
		/* A kernel may leave upstream out: it refuses it. */
		char missing[32] = "";

		for (unsigned int i = 0; i < ARRAY_SIZE(names); i++) {
			char want[32];

			/* a refused name leaves the value as it was */
			snprintf(want, sizeof(want), "%s", cur);
			ret = backend_write(names[i]);
			if (ret == -EOPNOTSUPP) {
				if (*missing)
					strcat(missing, ", ");
				strcat(missing, names[i]);
			} else if (!ret) {
				snprintf(want, sizeof(want), "%s", names[i]);
			}
			if (!ret && strcmp(names[i], "native")) {
				strcat(have_backends, " ");
				strcat(have_backends, names[i]);
			}
			if (ret == -EOPNOTSUPP || !ret)
				ret = backend_read(cur, sizeof(cur));
			expect(check("backend-param/read-back"),
			       !ret && !strcmp(cur, want),
			       "wrote %s, read %s, want %s (%s)", names[i],
			       ret ? "nothing" : cur, want,
			       ret ? strerror(-ret) : "no error");
			if (ret)
				break;
		}
		snprintf(run.backends, sizeof(run.backends), "%s%s%s%s",
			 have_backends, *missing ? " (" : "", missing,
			 *missing ? " not in this kernel)" : "");
		ret = backend_write("vmwgfx");
		expect(check("backend-param/bad-name"), ret == -EINVAL,
		       "writing vmwgfx returned %d, not -EINVAL", ret);
		ret = backend_read(cur, sizeof(cur));
		expect(check("backend-param/bad-name"),
		       !ret && !strcmp(cur, "native"),
		       "after a bad name the backend reads %s, not native",
		       ret ? "nothing" : cur);

		if (use_backend("zap")) {
			for (unsigned int i = 0; i < ARRAY_SIZE(zap_modes);
			     i++) {
				struct drm_vcoh_stats s;

				bo = bo_new(16 * page_size, zap_modes[i]);
				stats_get(bo.handle, &s);
				expect(check("backend-param/zap-tracks-mkwrite"),
				       s.mode == VCOH_BO_TRACK_MKWRITE,
				       "zap object created %s reports mode %u",
				       mode_names[zap_modes[i]], s.mode);
				bo_free(&bo);
			}
		}
		use_backend("native");
	}

	if (open_scan_timing() == 0) {
		bo = bo_new(16 * page_size, VCOH_BO_TRACK_PAGETABLE);
		snprintf(cmd, sizeof(cmd), "%llu frob\n",
			 (unsigned long long)bo.offset);
		ret = write(timing_fd, cmd, strlen(cmd)) < 0 ? -errno : 0;
		expect(check("scan-timing/errors"), ret == -EINVAL,
		       "a bad op returned %d, not -EINVAL", ret);
		/* Freed with its last reference: its offset is free too. */
		bo_free(&bo);
		snprintf(cmd, sizeof(cmd), "%llu walk\n",
			 (unsigned long long)bo.offset);
		ret = write(timing_fd, cmd, strlen(cmd)) < 0 ? -errno : 0;
		expect(check("scan-timing/errors"), ret == -ENOENT,
		       "the offset of a freed object returned %d, not -ENOENT",
		       ret);
	}

	expect(check("counters/vmstat"), vmstat_parses(),
	       "/proc/vmstat has a line that is not a name and a number");
	counters_read(&c);
	/* Without them the counts are left out, as the notes say. */
	if (c.pgfault < 0)
		note("%s: page faults not counted",
		     "no pgfault in /proc/vmstat (CONFIG_VM_EVENT_COUNTERS off)");
	if (c.remote < 0 || c.received < 0 || c.local_one < 0 ||
	    c.local_all < 0)
		note("%s: flush calls not counted",
		     "no nr_tlb_* in /proc/vmstat (CONFIG_DEBUG_TLBFLUSH off)");
	expect(check("counters/vmstat"), c.pgfault < 0 || c.pgfault > 0,
	       "pgfault is 0");
	c.ipis = tlb_ipis(&columns);
	if (c.ipis < 0 && !arch_counts_tlb_ipis())
		skip(check("counters/interrupts"),
		     "no TLB: row in /proc/interrupts: this arch flushes other CPUs' TLBs without IPIs");
	if (!check("counters/interrupts")->skipped) {
		expect(check("counters/interrupts"), c.ipis >= 0,
		       "no TLB: row in /proc/interrupts");
		expect(check("counters/interrupts"), columns == run.cpus,
		       "the TLB: row has %u columns for %ld CPUs", columns,
		       run.cpus);
	}
	checks_print();
}

static void record(const char *scenario, const struct combo *c,
		   const char *p1, const char *p2, const char *metric,
		   const double *v, unsigned int n)
{
	bench_record(scenario, c->backend, mode_names[c->mode], p1, p2,
		     metric, v, n);
}

/* One backend and mode of the scan scenario: its object and samples. */
struct scan_ctx {
	const struct combo *c;
	bool zap;
	struct bench_bo bo;
	bool *mapped;
	double *scan_ns;
	double *walk_ns;
};

/*
 * scan: map every page of the object (read it for MKWRITE, so its ptes
 * are read-only; write and submit it for PAGETABLE) and check the floor
 * walk sees them all.
 */
static void scan_setup(struct scan_ctx *x, const struct combo *c,
		       unsigned int kib, unsigned int reps)
{
	const char *mode = mode_names[c->mode];
	struct drm_vcoh_submit sub;
	struct drm_vcoh_stats st;
	struct scan_sample s;

	x->c = c;
	x->zap = !strcmp(c->backend, "zap");
	x->scan_ns = xcalloc(reps, sizeof(double));
	x->walk_ns = xcalloc(reps, sizeof(double));
	x->bo = bo_new((size_t)kib << 10, c->mode);
	x->mapped = xcalloc(x->bo.npages, sizeof(bool));

	stats_get(x->bo.handle, &st);
	expect(check("scan/%s/created-mode", c->backend),
	       st.mode == c->mode, "%s %s %u KiB: created in mode %u",
	       c->backend, mode, kib, st.mode);
	if (c->mode == VCOH_BO_TRACK_PAGETABLE) {
		write_every(&x->bo, 1);
		submit(&x->bo.handle, 1, &sub);
		expect(check("scan/%s/copied-written", c->backend),
		       sub.pages_copied == x->bo.npages,
		       "%s %s %u KiB: first submit copied %llu of %zu pages",
		       c->backend, mode, kib,
		       (unsigned long long)sub.pages_copied, x->bo.npages);
	} else {
		read_all(&x->bo);
	}
	for (size_t p = 0; p < x->bo.npages; p++)
		x->mapped[p] = true;
	timed(&x->bo, "walk", &s);
	expect(check("scan/%s/floor-walk", c->backend),
	       s.changed == (long long)x->bo.npages &&
	       s.pages == x->bo.npages,
	       "%s %s %u KiB: walk of the mapped object found %lld of %zu ptes",
	       c->backend, mode, kib, s.changed, x->bo.npages);
}

/*
 * One repetition: write @pct% of the pages, time the scan and the floor
 * walk, and submit to start the next one clean.
 */
static void scan_rep(struct scan_ctx *x, unsigned int kib, unsigned int pct,
		     unsigned int rep, void *buf)
{
	const struct combo *c = x->c;
	const char *mode = mode_names[c->mode];
	size_t step = pct ? 100 / pct : 0;
	size_t written = write_every(&x->bo, step);
	struct drm_vcoh_submit sub;
	struct scan_sample s;
	size_t present = 0;
	long diff;

	for (size_t i = 0; i < written; i++)
		x->mapped[i * step] = true;
	timed(&x->bo, "scan", &s);
	x->scan_ns[rep] = (double)s.ns / x->bo.npages;
	expect(check("scan/%s/scan-changed", c->backend),
	       s.changed == (x->zap ? 0 : (long long)written),
	       "%s %s %u KiB %u%%: scan changed %lld ptes for %zu pages written",
	       c->backend, mode, kib, pct, s.changed, written);
	/* zap unmapped from the first page to the last written */
	for (size_t p = 0; x->zap && written && p <= (written - 1) * step; p++)
		x->mapped[p] = false;
	for (size_t p = 0; p < x->bo.npages; p++)
		present += x->mapped[p];

	timed(&x->bo, "walk", &s);
	x->walk_ns[rep] = (double)s.ns / x->bo.npages;
	expect(check("scan/%s/floor-walk", c->backend),
	       s.changed == (long long)present,
	       "%s %s %u KiB %u%%: walk found %lld ptes, %zu mapped",
	       c->backend, mode, kib, pct, s.changed, present);

	submit(&x->bo.handle, 1, &sub);
	expect(check("scan/%s/copied-written", c->backend),
	       sub.pages_copied == written,
	       "%s %s %u KiB %u%%: submit copied %llu pages for %zu written",
	       c->backend, mode, kib, pct,
	       (unsigned long long)sub.pages_copied, written);
	if (!smoke)
		return;
	diff = device_diff(&x->bo, buf);
	expect(check("scan/%s/device-copy", c->backend), diff < 0,
	       "%s %s %u KiB %u%%: device page %ld differs", c->backend, mode,
	       kib, pct, diff);
	/* comparing read every page back in */
	for (size_t p = 0; p < x->bo.npages; p++)
		x->mapped[p] = true;
}

static void scan_finish(struct scan_ctx *x, unsigned int kib, void *buf)
{
	long diff;

	if (!smoke) {
		diff = device_diff(&x->bo, buf);
		expect(check("scan/%s/device-copy", x->c->backend), diff < 0,
		       "%s %s %u KiB: device page %ld differs", x->c->backend,
		       mode_names[x->c->mode], kib, diff);
	}
	bo_free(&x->bo);
	free(x->mapped);
	free(x->walk_ns);
	free(x->scan_ns);
}

/*
 * Every backend and mode gets its own object of @kib, and the
 * repetitions take turns, starting with a different one each time: a
 * slow spell of the emulator then hits all of them alike.
 */
static void scan_size(unsigned int kib, unsigned int reps)
{
	struct scan_ctx x[ARRAY_SIZE(tracked)];
	void *buf = xcalloc(1, (size_t)kib << 10);
	unsigned int n = 0;
	char p1[16], p2[16];

	for (unsigned int j = 0; j < ARRAY_SIZE(tracked); j++)
		if (use_backend(tracked[j].backend))
			scan_setup(&x[n++], &tracked[j], kib, reps);

	snprintf(p1, sizeof(p1), "%u", kib);
	for (unsigned int r = 0; r < ARRAY_SIZE(bench_ratios); r++) {
		for (unsigned int rep = 0; rep < reps; rep++)
			for (unsigned int i = 0; i < n; i++)
				scan_rep(&x[(i + rep) % n], kib,
					 bench_ratios[r], rep, buf);
		snprintf(p2, sizeof(p2), "%u", bench_ratios[r]);
		for (unsigned int i = 0; i < n; i++) {
			record("scan", x[i].c, p1, p2, "scan_ns_per_page",
			       x[i].scan_ns, reps);
			record("scan", x[i].c, p1, p2, "walk_ns_per_page",
			       x[i].walk_ns, reps);
		}
	}
	for (unsigned int i = 0; i < n; i++)
		scan_finish(&x[i], kib, buf);
	free(buf);
}

static void scenario_scan(void)
{
	/* check_interfaces() noted why */
	if (timing_fd < 0)
		return;
	pin_main(cpu_a);
	for (unsigned int i = 0; i < cfg->nr_scan; i++)
		scan_size(cfg->scan_kib[i], cfg->scan_reps[i]);
	unpin_main();
}

/* A thread of the process keeping its mm live on another CPU. */
struct spinner {
	pthread_t thread;
	int cpu;
	int err;
	int running;
	int stop;
	unsigned long spins;
};

static void *spin(void *arg)
{
	struct spinner *s = arg;
	unsigned long spins = 0;

	s->err = pin_cpu(s->cpu);
	__atomic_store_n(&s->running, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED))
		spins++;
	s->spins = spins;
	return NULL;
}

static void spinner_start(struct spinner *s, int cpu)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->cpu = cpu;
	ret = pthread_create(&s->thread, NULL, spin, s);
	if (ret)
		fail(ret, "pthread_create");
	while (!__atomic_load_n(&s->running, __ATOMIC_ACQUIRE))
		sched_yield();
	if (s->err)
		fail(-s->err, "pinning the spinning thread to CPU %d", cpu);
}

static void spinner_stop(struct spinner *s)
{
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
	pthread_join(s->thread, NULL);
}

/* One write into each page, or into one page, of every object; submit. */
static void batch_cycle(const struct combo *c, struct bench_bo *bos,
			const uint32_t *handles, unsigned int nbos,
			bool one, unsigned int cycle, void *buf)
{
	bool native = !strcmp(c->backend, "native");
	struct drm_vcoh_submit s;
	size_t per_bo = one ? 1 : bos[0].npages;
	long diff;

	for (unsigned int i = 0; i < nbos; i++)
		for (size_t p = 0; p < per_bo; p++)
			write_word(&bos[i], one ? cycle % bos[i].npages : p);
	submit(handles, nbos, &s);
	expect(check("batch/%s/%s", c->backend,
		     native ? "one-flush-per-submit" : "no-helper-flush"),
	       s.tlb_flushes == native,
	       "%s %s %u BOs: the submit issued %llu helper flushes",
	       c->backend, mode_names[c->mode], nbos,
	       (unsigned long long)s.tlb_flushes);
	expect(check("batch/%s/copied-written", c->backend),
	       s.pages_copied == nbos * per_bo,
	       "%s %s %u BOs: submit copied %llu of %zu pages written",
	       c->backend, mode_names[c->mode], nbos,
	       (unsigned long long)s.pages_copied, nbos * per_bo);
	if (!smoke)
		return;
	for (unsigned int i = 0; i < nbos; i++) {
		diff = device_diff(&bos[i], buf);
		expect(check("batch/%s/device-copy", c->backend), diff < 0,
		       "%s %s %u BOs: device page %ld of BO %u differs",
		       c->backend, mode_names[c->mode], nbos, diff, i);
	}
}

enum batch_metric {
	BM_FLUSHES, BM_IPIS, BM_HELPER, BM_RECEIVED, BM_LOCAL_ONE,
	BM_LOCAL_ALL, BM_COUNT,
};

static const char *const batch_metrics[BM_COUNT] = {
	[BM_FLUSHES] = "flush_calls_per_cycle",
	[BM_IPIS] = "tlb_ipis_per_cycle",
	[BM_HELPER] = "helper_flushes_per_cycle",
	[BM_RECEIVED] = "flushes_received_per_cycle",
	[BM_LOCAL_ONE] = "local_flush_one_per_cycle",
	[BM_LOCAL_ALL] = "local_flush_all_per_cycle",
};

/*
 * batch: the process submits @nbos objects per cycle from CPU a while
 * another of its threads spins on CPU b, so that every flush of its mm
 * has to reach CPU b. The counters are read per block of cycles.
 */
static void batch_combo(const struct combo *c, unsigned int nbos, bool one)
{
	unsigned int blocks = cfg->batch_blocks, cycles = cfg->batch_cycles;
	bool native = !strcmp(c->backend, "native");
	struct bench_bo *bos = xcalloc(nbos, sizeof(*bos));
	uint32_t *handles = xcalloc(nbos, sizeof(*handles));
	void *buf = xcalloc(1, (size_t)cfg->batch_kib << 10);
	double *v[BM_COUNT];
	struct counters before, after;
	struct spinner sp;
	unsigned int cycle = 0;
	char p1[16];

	for (unsigned int m = 0; m < BM_COUNT; m++)
		v[m] = xcalloc(blocks, sizeof(double));
	for (unsigned int i = 0; i < nbos; i++) {
		bos[i] = bo_new((size_t)cfg->batch_kib << 10, c->mode);
		handles[i] = bos[i].handle;
	}
	pin_main(cpu_a);
	if (cpu_b >= 0)
		spinner_start(&sp, cpu_b);
	/* The first cycles fault the ptes in. */
	for (; cycle < cfg->batch_warmup; cycle++)
		batch_cycle(c, bos, handles, nbos, one, cycle, buf);
	for (unsigned int b = 0; b < blocks; b++) {
		unsigned long long helper;

		counters_read(&before);
		for (unsigned int k = 0; k < cycles; k++, cycle++)
			batch_cycle(c, bos, handles, nbos, one, cycle, buf);
		counters_read(&after);
		helper = after.dev.tlb_flushes_issued -
			 before.dev.tlb_flushes_issued;
		expect(check("batch/%s/%s", c->backend,
			     native ? "one-flush-per-submit" : "no-helper-flush"),
		       helper == (native ? cycles : 0),
		       "%s %s %u BOs: STATS counted %llu helper flushes in %u cycles",
		       c->backend, mode_names[c->mode], nbos, helper, cycles);
		v[BM_FLUSHES][b] = (double)(after.remote - before.remote);
		v[BM_IPIS][b] = (double)(after.ipis - before.ipis);
		v[BM_HELPER][b] = (double)helper;
		v[BM_RECEIVED][b] = (double)(after.received - before.received);
		v[BM_LOCAL_ONE][b] =
			(double)(after.local_one - before.local_one);
		v[BM_LOCAL_ALL][b] =
			(double)(after.local_all - before.local_all);
		for (unsigned int m = 0; m < BM_COUNT; m++)
			v[m][b] /= cycles;
	}
	if (cpu_b >= 0)
		spinner_stop(&sp);
	unpin_main();

	snprintf(p1, sizeof(p1), "%u", nbos);
	for (unsigned int m = 0; m < BM_COUNT; m++) {
		bool counted = true;

		if (m == BM_IPIS)
			counted = after.ipis >= 0;
		else if (m != BM_HELPER)
			counted = after.remote >= 0;
		if (counted)
			record("batch", c, p1, one ? "one" : "all",
			       batch_metrics[m], v[m], blocks);
		free(v[m]);
	}
	for (unsigned int i = 0; i < nbos; i++)
		bo_free(&bos[i]);
	free(buf);
	free(handles);
	free(bos);
}

static void scenario_batch(void)
{
	if (cpu_b < 0)
		note("batch: one CPU usable, no spinning thread: flushes stay local");
	/* smoke: the one-page pattern adds no check */
	for (unsigned int one = 0; one < (smoke ? 1 : 2); one++)
		for (unsigned int i = 0; i < cfg->nr_batch; i++)
			for (unsigned int j = 0; j < ARRAY_SIZE(tracked); j++)
				if (use_backend(tracked[j].backend))
					batch_combo(&tracked[j],
						    cfg->batch_bos[i], one);
}

/*
 * --combo BACKEND/MODE[/PATTERN]: e2e and scale run only the combinations
 * whose name starts so (PATTERN: e2e's sparse, dense or streaming, scale's
 * one or all).
 */
static const char *only_combo;

static bool selected(const struct combo *c, const char *pattern)
{
	char name[64];

	snprintf(name, sizeof(name), "%s/%s/%s", c->backend,
		 mode_names[c->mode], pattern);
	return !only_combo || !strncmp(name, only_combo, strlen(only_combo));
}

/* The path of vcoh's debugfs file @name. */
static void debugfs_path(char *path, size_t size, const char *name)
{
	struct stat st;

	if (fstat(drm_fd, &st))
		fail(errno, "fstat of the DRM file");
	snprintf(path, size, "/sys/kernel/debug/dri/%u/%s", minor(st.st_rdev),
		 name);
}

/* The flush queue's counter @name (debugfs flush_queue). */
static unsigned long long queue_stat(const char *name)
{
	char path[80], buf[512], key[40], *p;
	unsigned long long v;

	debugfs_path(path, sizeof(path), "flush_queue");
	/* "name value name value ...": a space before each name. */
	buf[0] = ' ';
	if (read_file(path, buf + 1, sizeof(buf) - 1) < 0)
		fail(errno, "%s", path);
	snprintf(key, sizeof(key), " %s ", name);
	p = strstr(buf, key);
	if (!p || sscanf(p + strlen(key), "%llu", &v) != 1)
		fail(EPROTO, "%s: no %s in %s", path, name, buf);
	return v;
}

/* Bytes the device's flush queue holds now. */
static double queue_bytes(void)
{
	return (double)queue_stat("entries") * queue_stat("entry_size");
}

/*
 * scale: one process submits N small objects at once, nothing else runs,
 * so the submit's cost is all the process's own: its cost per object
 * must not grow with N. Sampled in blocks of cycles, like batch.
 */
static void scale_combo(const struct combo *c, unsigned int nbos, bool one)
{
	unsigned int samples = cfg->scale_samples, cycles = cfg->scale_cycles;
	struct bench_bo *bos = xcalloc(nbos, sizeof(*bos));
	uint32_t *handles = xcalloc(nbos, sizeof(*handles));
	double *ns = xcalloc(samples, sizeof(double));
	double *flushes = xcalloc(samples, sizeof(double));
	struct drm_vcoh_stats d0, d1;
	struct drm_vcoh_submit s;
	unsigned int cycle = 0;
	char p1[16];

	for (unsigned int i = 0; i < nbos; i++) {
		bos[i] = bo_new((size_t)cfg->scale_kib << 10, c->mode);
		handles[i] = bos[i].handle;
	}
	pin_main(cpu_a);
	for (unsigned int r = 0; r <= samples; r++) {
		uint64_t t = 0;

		stats_get(0, &d0);
		for (unsigned int k = 0; k < cycles; k++, cycle++) {
			size_t per_bo = one ? 1 : bos[0].npages;
			uint64_t t0;

			for (unsigned int i = 0; i < nbos; i++)
				for (size_t p = 0; p < per_bo; p++)
					write_word(&bos[i], one ?
						   cycle % bos[i].npages : p);
			t0 = now_ns();
			submit(handles, nbos, &s);
			t += now_ns() - t0;
			expect(check("scale/%s/copied-written", c->backend),
			       s.pages_copied == nbos * per_bo,
			       "%s %s %u BOs: submit copied %llu of %zu pages written",
			       c->backend, mode_names[c->mode], nbos,
			       (unsigned long long)s.pages_copied,
			       nbos * per_bo);
		}
		stats_get(0, &d1);
		/* The first block faults the ptes in: not a sample. */
		if (!r)
			continue;
		ns[r - 1] = (double)t / cycles / nbos;
		flushes[r - 1] = (double)(d1.tlb_flushes_issued -
					  d0.tlb_flushes_issued) / cycles;
	}
	unpin_main();

	snprintf(p1, sizeof(p1), "%u", nbos);
	record("scale", c, p1, one ? "one" : "all", "submit_ns_per_bo", ns,
	       samples);
	/* What the queue cost for the nbos ranges one submit queued. */
	if (!strcmp(c->backend, "native")) {
		double bytes = queue_bytes();

		record("scale", c, p1, one ? "one" : "all", "queue_bytes",
		       &bytes, 1);
	}
	record("scale", c, p1, one ? "one" : "all",
	       "helper_flushes_per_submit", flushes, samples);
	for (unsigned int i = 0; i < nbos; i++)
		bo_free(&bos[i]);
	free(flushes);
	free(ns);
	free(handles);
	free(bos);
}

static void scenario_scale(void)
{
	for (unsigned int one = 0; one < 2; one++)
		for (unsigned int i = 0; i < cfg->nr_scale; i++)
			for (unsigned int j = 0; j < ARRAY_SIZE(tracked); j++)
				if (selected(&tracked[j], one ? "one" : "all") &&
				    use_backend(tracked[j].backend))
					scale_combo(&tracked[j],
						    cfg->scale_bos[i], one);
}

/* Shared by the processes of the procs scenario, in a shared mapping. */
struct procs_sync {
	unsigned int cycle;	/* the parent starts a cycle */
	unsigned int acks;	/* children that wrote in this cycle */
	unsigned int stop;
};

/*
 * A child of procs: a process of its own (an mm of its own) mapping the
 * object. Each cycle it writes a word into every page and waits for the
 * next, yielding, so that it stays runnable on its CPU.
 */
static void procs_child(struct procs_sync *sync, struct bench_bo *bo,
			unsigned int id, int cpu)
{
	unsigned int seen = 0;

	if (cpu >= 0 && pin_cpu(cpu))
		_exit(1);
	for (;;) {
		unsigned int cycle;

		while ((cycle = __atomic_load_n(&sync->cycle,
						__ATOMIC_ACQUIRE)) == seen) {
			if (__atomic_load_n(&sync->stop, __ATOMIC_RELAXED))
				_exit(0);
			sched_yield();
		}
		seen = cycle;
		for (size_t p = 0; p < bo->npages; p++)
			bo->map[p * page_words + id % page_words] = cycle;
		__atomic_fetch_add(&sync->acks, 1, __ATOMIC_RELEASE);
	}
}

/*
 * Counts only: the submit's time would include the other vCPUs' turns
 * under -icount, where the children spin.
 */
enum procs_metric {
	PM_HELPER, PM_FLUSHES, PM_IPIS, PM_COUNT,
};

static const char *const procs_metrics[PM_COUNT] = {
	[PM_HELPER] = "helper_flushes_per_submit",
	[PM_FLUSHES] = "flush_calls_per_submit",
	[PM_IPIS] = "tlb_ipis_per_submit",
};

/* The debugfs knob of the flush queue's cross-mm batching. */
static void set_batch_min_mms(unsigned int n)
{
	char path[80], val[16];
	int fd, len;

	debugfs_path(path, sizeof(path), "flush_batch_min_mms");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		fail(errno, "%s", path);
	len = snprintf(val, sizeof(val), "%u\n", n);
	if (write(fd, val, len) != len)
		fail(errno, "writing %s", path);
	close(fd);
}

#ifdef __aarch64__
static const bool tlbi_broadcast = true;
#else
static const bool tlbi_broadcast;
#endif

/*
 * One shootdown round per submit across @nprocs processes: on x86 at most
 * one flush call that reaches other CPUs (one IPI round; there may be
 * none when only one of the mms ran elsewhere); on arm64, whose TLBIs
 * are broadcast, one batch per submit: the TLBIs of every mm, one DSB.
 */
static void procs_check_batch(const struct combo *c, unsigned int nprocs,
			      unsigned int cycles, const struct counters *c0,
			      const struct counters *c1,
			      unsigned long long batches)
{
	struct check *k = check("procs/native/one-round");

	if (c1->remote >= 0) {
		expect(k, c1->remote - c0->remote <= cycles,
		       "%s %u processes: %lld remote flush calls in %u submits",
		       mode_names[c->mode], nprocs, c1->remote - c0->remote,
		       cycles);
		return;
	}
	if (tlbi_broadcast)
		expect(k, batches == cycles,
		       "%s %u processes: %llu batched flushes in %u submits",
		       mode_names[c->mode], nprocs, batches, cycles);
	else
		skip(k, "nr_tlb_remote_flush is not counted on this machine");
}

/*
 * procs: one object mapped by @nprocs processes, which run on the CPUs
 * other than the submitter's. Every cycle each of them writes every page,
 * then the parent submits: the submit's ptes span @nprocs mms. @label
 * names the flush policy: "native" batches across mms, "native-mm"
 * flushes mm by mm.
 */
static void procs_combo(const struct combo *c, const char *label,
			unsigned int nprocs)
{
	unsigned int samples = cfg->procs_samples, cycles = cfg->procs_cycles;
	struct bench_bo bo = bo_new((size_t)cfg->procs_kib << 10, c->mode);
	struct combo named = { label, c->mode };
	struct procs_sync *sync;
	pid_t *pids = xcalloc(nprocs, sizeof(*pids));
	double *v[PM_COUNT];
	struct counters c0, c1;
	struct drm_vcoh_submit s;
	char p1[16];

	for (unsigned int m = 0; m < PM_COUNT; m++)
		v[m] = xcalloc(samples, sizeof(double));
	sync = mmap(NULL, sizeof(*sync), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sync == MAP_FAILED)
		fail(errno, "mmap of the procs sync page");
	memset(sync, 0, sizeof(*sync));
	for (unsigned int i = 0; i < nprocs; i++) {
		int cpu = run.cpus > 1 ? 1 + (int)(i % (run.cpus - 1)) : -1;

		pids[i] = fork();
		if (pids[i] < 0)
			fail(errno, "fork");
		if (!pids[i])
			procs_child(sync, &bo, i, cpu);
	}
	pin_main(cpu_a);
	for (unsigned int r = 0; r <= samples; r++) {
		unsigned long long batches = queue_stat("batch_flushes");

		counters_read(&c0);
		for (unsigned int k = 0; k < cycles; k++) {
			__atomic_store_n(&sync->acks, 0, __ATOMIC_RELAXED);
			__atomic_fetch_add(&sync->cycle, 1, __ATOMIC_RELEASE);
			while (__atomic_load_n(&sync->acks, __ATOMIC_ACQUIRE) <
			       nprocs)
				sched_yield();
			submit(&bo.handle, 1, &s);
			expect(check("procs/%s/copied-written", c->backend),
			       s.pages_copied == bo.npages,
			       "%s %s %u processes: submit copied %llu of %zu pages",
			       label, mode_names[c->mode], nprocs,
			       (unsigned long long)s.pages_copied, bo.npages);
		}
		counters_read(&c1);
		batches = queue_stat("batch_flushes") - batches;
		/* The first block faults the ptes in: not a sample. */
		if (!r)
			continue;
		if (!strcmp(label, "native") && nprocs > 1 && run.cpus > 1)
			procs_check_batch(c, nprocs, cycles, &c0, &c1,
					  batches);
		v[PM_HELPER][r - 1] = (double)(c1.dev.tlb_flushes_issued -
					       c0.dev.tlb_flushes_issued);
		v[PM_FLUSHES][r - 1] = (double)(c1.remote - c0.remote);
		v[PM_IPIS][r - 1] = (double)(c1.ipis - c0.ipis);
		for (unsigned int m = 0; m < PM_COUNT; m++)
			v[m][r - 1] /= cycles;
	}
	unpin_main();
	__atomic_store_n(&sync->stop, 1, __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < nprocs; i++) {
		int status;

		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			fail(0, "procs child %u failed", i);
	}

	snprintf(p1, sizeof(p1), "%u", nprocs);
	for (unsigned int m = 0; m < PM_COUNT; m++) {
		if ((m == PM_IPIS && c1.ipis >= 0) ||
		    (m == PM_FLUSHES && c1.remote >= 0) || m == PM_HELPER)
			record("procs", &named, p1, "-", procs_metrics[m], v[m],
			       samples);
		free(v[m]);
	}
	munmap(sync, sizeof(*sync));
	bo_free(&bo);
	free(pids);
}

static void scenario_procs(void)
{
	static const struct combo combos[] = {
		{ "native", VCOH_BO_TRACK_PAGETABLE },
		{ "native", VCOH_BO_TRACK_MKWRITE },
		{ "upstream", VCOH_BO_TRACK_PAGETABLE },
		{ "upstream", VCOH_BO_TRACK_MKWRITE },
	};

	if (run.cpus < 2)
		note("procs: one CPU: no flush reaches another CPU");
	for (unsigned int i = 0; i < cfg->nr_procs; i++) {
		for (unsigned int j = 0; j < ARRAY_SIZE(combos); j++) {
			const struct combo *c = &combos[j];

			if (!use_backend(c->backend))
				continue;
			if (strcmp(c->backend, "native")) {
				procs_combo(c, c->backend, cfg->procs[i]);
				continue;
			}
			set_batch_min_mms(0);
			procs_combo(c, "native-mm", cfg->procs[i]);
			set_batch_min_mms(2);
			procs_combo(c, "native", cfg->procs[i]);
		}
	}
}

/*
 * fault runs its writer and submitter in lock step, each waiting for its
 * turn on a CPU of its own: a free race repeats in no two runs, not even
 * under -icount, where which vCPU runs when is up to QEMU's round robin.
 */
enum { TURN_WRITE, TURN_SUBMIT, TURN_STOP };

/*
 * Wait while *@turn is @busy. Spinning keeps the mm live on this CPU, so
 * that flushes have to reach it; PAUSE or YIELD hands TCG's round robin
 * to the other vCPU at once.
 */
static int wait_turn(const int *turn, int busy)
{
	int t;

	while ((t = __atomic_load_n(turn, __ATOMIC_ACQUIRE)) == busy) {
		if (cpu_b < 0)
			sched_yield();
#if defined(__aarch64__)
		else
			__asm__ __volatile__("yield" ::: "memory");
#elif defined(__SSE2__)
		else
			__builtin_ia32_pause();
#endif
	}
	return t;
}

/* The writer of fault: one word into every page, at each turn. */
struct writer {
	pthread_t thread;
	struct bench_bo *bo;
	int cpu;
	int err;
	int turn;
	unsigned int turns;	/* turns taken */
	unsigned int timed;	/* turns after this many are timed */
	unsigned int nr_rates;	/* timed turns */
	double *rates;		/* pages written per second, per timed turn */
};

static void *write_loop(void *arg)
{
	struct writer *w = arg;
	uint32_t *map = w->bo->map;

	w->err = pin_cpu(w->cpu);
	while (wait_turn(&w->turn, TURN_SUBMIT) == TURN_WRITE) {
		unsigned int n = ++w->turns;
		uint64_t t0 = now_ns();

		for (size_t p = 0; p < w->bo->npages; p++)
			map[p * page_words + n % page_words] = n;
		if (n > w->timed && n - w->timed <= w->nr_rates)
			w->rates[n - w->timed - 1] =
				w->bo->npages * 1e9 / (now_ns() - t0);
		__atomic_store_n(&w->turn, TURN_SUBMIT, __ATOMIC_RELEASE);
	}
	return NULL;
}

enum fault_metric {
	FM_WRITES, FM_SUBMITS, FM_PGFAULT, FM_MKWRITE, FM_COPIED, FM_COUNT,
};

static const char *const fault_metrics[FM_COUNT] = {
	[FM_WRITES] = "writes_per_s",
	[FM_SUBMITS] = "submits_per_s",
	[FM_PGFAULT] = "pgfaults_per_cycle",
	[FM_MKWRITE] = "mkwrite_faults_per_cycle",
	[FM_COPIED] = "pages_copied_per_cycle",
};

/*
 * fault: a cycle is the writer on CPU a storing a word into every page,
 * then this thread on CPU b submitting the object. The first cycles fault
 * the ptes in and are not timed. Each turn is timed on its own: the
 * median is a turn that no timer tick landed in. Every submit must copy
 * every page, and at the end the device copy must equal the CPU's.
 */
static void fault_combo(const struct combo *c)
{
	unsigned int runs = cfg->fault_runs, cycles = cfg->fault_cycles;
	struct bench_bo bo = bo_new((size_t)cfg->fault_kib << 10, c->mode);
	void *buf = xcalloc(1, bo.size);
	struct drm_vcoh_stats st0, st1;
	struct counters c0, c1;
	struct drm_vcoh_submit s;
	double *v[FM_COUNT];
	char p1[16];

	for (unsigned int m = 0; m < FM_COUNT; m++)
		v[m] = xcalloc(m <= FM_SUBMITS ? runs * cycles : runs,
			       sizeof(double));
	pin_main(cpu_b >= 0 ? cpu_b : cpu_a);
	for (unsigned int r = 0; r < runs; r++) {
		struct writer w = {
			.bo = &bo, .cpu = cpu_a, .turn = TURN_WRITE,
			.timed = cfg->fault_warmup, .nr_rates = cycles,
			.rates = &v[FM_WRITES][r * cycles],
		};
		long diff;
		int ret;

		ret = pthread_create(&w.thread, NULL, write_loop, &w);
		if (ret)
			fail(ret, "pthread_create");
		for (unsigned int k = 0; k < cfg->fault_warmup + cycles; k++) {
			uint64_t t0;

			wait_turn(&w.turn, TURN_WRITE);
			if (k == cfg->fault_warmup) {
				counters_read(&c0);
				stats_get(bo.handle, &st0);
			}
			t0 = now_ns();
			submit(&bo.handle, 1, &s);
			if (k >= cfg->fault_warmup)
				v[FM_SUBMITS][r * cycles + k - cfg->fault_warmup] =
					1e9 / (now_ns() - t0);
			expect(check("fault/%s/copied-written", c->backend),
			       s.pages_copied == bo.npages,
			       "%s %s: submit %u copied %llu of %zu pages written",
			       c->backend, mode_names[c->mode], k,
			       (unsigned long long)s.pages_copied, bo.npages);
			__atomic_store_n(&w.turn, TURN_WRITE, __ATOMIC_RELEASE);
		}
		wait_turn(&w.turn, TURN_WRITE);
		stats_get(bo.handle, &st1);
		counters_read(&c1);
		__atomic_store_n(&w.turn, TURN_STOP, __ATOMIC_RELEASE);
		pthread_join(w.thread, NULL);
		if (w.err)
			fail(-w.err, "pinning the writer to CPU %d", cpu_a);

		/* The final check submits the writer's last turn. */
		v[FM_PGFAULT][r] = (double)(c1.pgfault - c0.pgfault) / cycles;
		v[FM_MKWRITE][r] =
			(double)(st1.mkwrite_faults - st0.mkwrite_faults) /
			cycles;
		v[FM_COPIED][r] =
			(double)(st1.pages_copied - st0.pages_copied) / cycles;

		submit(&bo.handle, 1, &s);
		diff = device_diff(&bo, buf);
		expect(check("fault/%s/device-copy", c->backend), diff < 0,
		       "%s %s: after the last cycle, device page %ld differs",
		       c->backend, mode_names[c->mode], diff);
		submit(&bo.handle, 1, &s);
		expect(check("fault/%s/settled", c->backend),
		       s.pages_copied == 0,
		       "%s %s: a submit without writes copied %llu pages",
		       c->backend, mode_names[c->mode],
		       (unsigned long long)s.pages_copied);
	}
	unpin_main();
	snprintf(p1, sizeof(p1), "%u", cfg->fault_kib);
	for (unsigned int m = 0; m < FM_COUNT; m++) {
		if (m != FM_PGFAULT || c1.pgfault >= 0)
			record("fault", c, p1, "-", fault_metrics[m], v[m],
			       m <= FM_SUBMITS ? runs * cycles : runs);
		free(v[m]);
	}
	bo_free(&bo);
	free(buf);
}

static void scenario_fault(void)
{
	if (cpu_b < 0)
		note("fault: one CPU usable: writer and submits share it");
	for (unsigned int j = 0; j < ARRAY_SIZE(tracked); j++)
		if (use_backend(tracked[j].backend))
			fault_combo(&tracked[j]);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Upload a whole page, as a texture or buffer upload would. */
static void upload_page(struct bench_bo *bo, size_t page, unsigned int frame)
{
	uint64_t *q = (uint64_t *)((char *)bo->map + page * page_size);
	uint64_t v = (uint64_t)frame << 32 | page << 12;

	for (size_t i = 0; i < page_size / sizeof(*q); i++)
		q[i] = v + i;
}

/* One frame of pattern @pat; returns the pages written. */
static size_t e2e_frame(struct bench_bo *bo, unsigned int pat,
			unsigned int frame, uint64_t *rng, bool *seen)
{
	size_t n = bo->npages, k;

	switch (pat) {
	case 0:
		/* sparse: one page in 64, anywhere */
		k = n / 64 ? n / 64 : 1;
		memset(seen, 0, n * sizeof(*seen));
		for (size_t i = 0; i < k;) {
			size_t p = xorshift(rng) % n;

			if (seen[p])
				continue;
			seen[p] = true;
			upload_page(bo, p, frame);
			i++;
		}
		return k;
	case 1:
		for (size_t p = 0; p < n; p++)
			upload_page(bo, p, frame);
		return n;
	default:
		/* streaming: an eighth of the object, moving on each frame */
		k = n / 8 ? n / 8 : 1;
		for (size_t i = 0; i < k; i++)
			upload_page(bo, (frame * k + i) % n, frame);
		return k;
	}
}

/* Check one frame's submit: exactly the pages written were copied. */
static void e2e_check(const struct combo *c, const char *pat,
		      const struct drm_vcoh_submit *s, size_t written,
		      size_t npages)
{
	if (c->mode == VCOH_BO_TRACK_NONE) {
		expect(check("e2e/%s/none-copies-all", c->backend),
		       s->pages_copied == npages,
		       "%s: submit copied %llu of %zu pages", pat,
		       (unsigned long long)s->pages_copied, npages);
		return;
	}
	/*
	 * upstream's write-protection leaves read-only ptes dirty: after
	 * AUTO goes from MKWRITE to PAGETABLE, the first scan reports pages
	 * written before the switch again. Only a lost write is wrong there.
	 */
	if (c->mode == VCOH_BO_TRACK_AUTO && !strcmp(c->backend, "upstream")) {
		expect(check("e2e/%s/copied-written", c->backend),
		       s->pages_copied >= written,
		       "auto %s: submit copied %llu pages for %zu written",
		       pat, (unsigned long long)s->pages_copied, written);
		return;
	}
	expect(check("e2e/%s/copied-written", c->backend),
	       s->pages_copied == written,
	       "%s %s: submit copied %llu pages for %zu written",
	       mode_names[c->mode], pat, (unsigned long long)s->pages_copied,
	       written);
}

/*
 * e2e: frames of CPU uploads, each followed by a submit, warmed up so
 * that AUTO has settled; throughput is bytes uploaded over the time of
 * the uploads and submits, write amplification pages copied per page
 * written.
 */
/* One backend and mode of the e2e scenario: its object and samples. */
struct e2e_ctx {
	const struct combo *c;
	struct bench_bo bo;
	unsigned int frame;
	uint64_t rng;
	bool *seen;
	double *tput;
	double *wa;
};

static void e2e_setup(struct e2e_ctx *x, const struct combo *c,
		      unsigned int pat)
{
	struct drm_vcoh_submit s;

	x->c = c;
	x->bo = bo_new((size_t)cfg->e2e_kib << 10, c->mode);
	x->frame = 0;
	/* the same pages for every backend and mode */
	x->rng = 0x9e3779b97f4a7c15ull;
	x->seen = xcalloc(x->bo.npages, sizeof(bool));
	x->tput = xcalloc(cfg->e2e_reps, sizeof(double));
	x->wa = xcalloc(cfg->e2e_reps, sizeof(double));
	for (; x->frame < cfg->e2e_warmup; x->frame++) {
		size_t n = e2e_frame(&x->bo, pat, x->frame, &x->rng, x->seen);

		submit(&x->bo.handle, 1, &s);
		e2e_check(c, bench_patterns[pat], &s, n, x->bo.npages);
	}
}

/* One repetition: e2e_frames frames of writes, each one submit. */
static void e2e_rep(struct e2e_ctx *x, unsigned int pat, unsigned int r,
		    void *buf)
{
	const char *pname = bench_patterns[pat];
	struct drm_vcoh_stats st0, st1;
	struct drm_vcoh_submit s;
	size_t touched = 0;
	uint64_t t0, t = 0;
	long diff;

	stats_get(x->bo.handle, &st0);
	for (unsigned int f = 0; f < cfg->e2e_frames; f++, x->frame++) {
		size_t n;

		t0 = now_ns();
		n = e2e_frame(&x->bo, pat, x->frame, &x->rng, x->seen);
		submit(&x->bo.handle, 1, &s);
		t += now_ns() - t0;
		touched += n;
		e2e_check(x->c, pname, &s, n, x->bo.npages);
		if (!smoke)
			continue;
		diff = device_diff(&x->bo, buf);
		expect(check("e2e/%s/device-copy", x->c->backend), diff < 0,
		       "%s %s frame %u: device page %ld differs",
		       mode_names[x->c->mode], pname, x->frame, diff);
	}
	stats_get(x->bo.handle, &st1);
	x->tput[r] = touched * page_size / (t / 1e9) / 1e6;
	x->wa[r] = (double)(st1.pages_copied - st0.pages_copied) / touched;
}

static void e2e_finish(struct e2e_ctx *x, unsigned int pat, void *buf)
{
	const char *pname = bench_patterns[pat];
	struct drm_vcoh_stats st;
	char p2[16];
	double v;
	long diff;

	if (!smoke) {
		diff = device_diff(&x->bo, buf);
		expect(check("e2e/%s/device-copy", x->c->backend), diff < 0,
		       "%s %s: device page %ld differs",
		       mode_names[x->c->mode], pname, diff);
	}
	snprintf(p2, sizeof(p2), "%u", cfg->e2e_kib);
	record("e2e", x->c, pname, p2, "throughput_mb_s", x->tput,
	       cfg->e2e_reps);
	record("e2e", x->c, pname, p2, "write_amplification", x->wa,
	       cfg->e2e_reps);
	stats_get(x->bo.handle, &st);
	v = st.mode;
	record("e2e", x->c, pname, p2, "final_mode", &v, 1);
	v = st.mode_switches;
	record("e2e", x->c, pname, p2, "mode_switches", &v, 1);
	bo_free(&x->bo);
	free(x->wa);
	free(x->tput);
	free(x->seen);
}

/*
 * One backend and mode at a time, unlike the scans: an object left idle
 * while the others take their turn comes back slow under emulation
 * (seen as 10x slower copies), which no steady upload pays.
 */

static void scenario_e2e(void)
{
	void *buf = xcalloc(1, (size_t)cfg->e2e_kib << 10);
	struct e2e_ctx x;

	pin_main(cpu_a);
	for (unsigned int pat = 0; pat < ARRAY_SIZE(bench_patterns); pat++) {
		for (unsigned int j = 0; j < ARRAY_SIZE(e2e_combos); j++) {
			if (!selected(&e2e_combos[j], bench_patterns[pat]) ||
			    !use_backend(e2e_combos[j].backend))
				continue;
			e2e_setup(&x, &e2e_combos[j], pat);
			for (unsigned int r = 0; r < cfg->e2e_reps; r++)
				e2e_rep(&x, pat, r, buf);
			e2e_finish(&x, pat, buf);
		}
	}
	unpin_main();
	free(buf);
}

static void mkdir_p(const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1;; p++) {
		bool last = !*p;

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			fail(errno, "mkdir %s", path);
		if (last)
			break;
		*p = '/';
	}
}

/* What scripts/bench-report makes the report from. */
static void write_outputs(const char *dir)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/results.tsv", dir);
	if (bench_write_tsv(path))
		fail(errno, "writing %s", path);
	snprintf(path, sizeof(path), "%s/run.tsv", dir);
	if (bench_write_run(&run, path))
		fail(errno, "writing %s", path);
}

static void print_usage(const char *argv0, int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s [--smoke] [--out DIR] [--only SCENARIO[,SCENARIO...]]\n"
		"       [--combo BACKEND/MODE/PATTERN (e2e, scale)]\n"
		"scenarios: scan batch fault e2e scale procs\n",
		argv0);
	exit(status);
}

static void describe_run(int argc, char **argv)
{
	struct utsname u;
	time_t t = time(NULL);
	size_t len = 0;

	for (int i = 0; i < argc && len < sizeof(run.command); i++)
		len += snprintf(run.command + len, sizeof(run.command) - len,
				"%s%s", i ? " " : "", argv[i]);
	strftime(run.date, sizeof(run.date), "%Y-%m-%d %H:%M:%S %Z",
		 localtime(&t));
	if (!uname(&u)) {
		snprintf(run.release, sizeof(run.release), "%s", u.release);
		snprintf(run.version, sizeof(run.version), "%s", u.version);
	}
	run.cpus = sysconf(_SC_NPROCESSORS_ONLN);
}

int main(int argc, char **argv)
{
	static const char *const scenario_names[] = {
		"scan", "batch", "fault", "e2e", "scale", "procs",
	};
	static void (*const scenarios[])(void) = {
		scenario_scan, scenario_batch, scenario_fault, scenario_e2e,
		scenario_scale, scenario_procs,
	};
	const char *out = NULL, *only = NULL, *env;
	char dflt[512];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--smoke"))
			smoke = true;
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--combo") && i + 1 < argc)
			only_combo = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			print_usage(argv[0], 0);
		else
			print_usage(argv[0], 2);
	}
	/* --only takes a comma-separated list */
	for (unsigned int i = 0; i < ARRAY_SIZE(scenario_names); i++) {
		size_t len = strlen(scenario_names[i]);
		const char *p = only;

		while (p && (strncmp(p, scenario_names[i], len) ||
			     (p[len] && p[len] != ','))) {
			p = strchr(p, ',');
			p = p ? p + 1 : NULL;
		}
		if (!only || p)
			run.scenarios |= 1u << i;
	}
	if (!run.scenarios)
		print_usage(argv[0], 2);
	if (!out) {
		/* The guest's working directory is read-only. */
		env = getenv("VCOH_OUT");
		snprintf(dflt, sizeof(dflt), "%s%svcoh-bench", env ? env : "",
			 env ? "/" : "");
		out = dflt;
	}

	cfg = smoke ? &smoke_cfg : &full_cfg;
	run.cfg = cfg;
	run.smoke = smoke;
	describe_run(argc, argv);
	page_size = sysconf(_SC_PAGESIZE);
	page_words = page_size / sizeof(uint32_t);
	mkdir_p(out);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (sched_getaffinity(0, sizeof(orig_cpus), &orig_cpus))
		fail(errno, "sched_getaffinity");
	if (run.cpus >= 2 && CPU_ISSET(0, &orig_cpus) &&
	    CPU_ISSET(1, &orig_cpus))
		cpu_b = 1;

	drm_fd = open_vcoh();
	atexit(backend_restore);
	check_interfaces();

	for (unsigned int i = 0; i < ARRAY_SIZE(scenarios); i++) {
		uint64_t t0 = now_ns();

		if (!(run.scenarios & 1u << i))
			continue;
		scenarios[i]();
		use_backend("native");
		run.seconds[i] = (now_ns() - t0) / 1e9;
		checks_print();
	}

	write_outputs(out);
	checks_print();
	if (smoke)
		printf("smoke: %u ok, %u not ok\n", nr_ok, nr_failed);
	else if (nr_failed)
		printf("%u consistency checks failed\n", nr_failed);
	if (timing_fd >= 0)
		close(timing_fd);
	close(drm_fd);
	return nr_failed ? 1 : 0;
}
