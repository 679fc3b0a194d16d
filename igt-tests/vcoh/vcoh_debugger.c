// SPDX-License-Identifier: MIT
/*
 * Debugger access: ptrace() and /proc/pid/mem read and write another
 * process's mapping of a tracked object through the driver's
 * vm_ops->access, and gdb does the same. Such a write goes through no
 * user pte, so the driver records it itself: the next dirty query reports
 * exactly the pages written and the next submit copies them, in both
 * tracking modes. Addresses outside the object, unmapped or read-only
 * mappings and objects whose handle is gone give errors, not warnings.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "igt_vcoh.h"
#include "igt_vcoh_bo.h"
#include "igt_vcoh_util.h"

/**
 * TEST: vcoh debugger
 * Description: Debuggers read and write vcoh objects through vm_ops->access;
 *    what they write reaches the device, recorded as written.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: DRM
 * Functionality: debugger access
 * Test category: functionality test
 * Feature: vcoh
 *
 * SUBTEST: ptrace
 * Description: ptrace reads and writes a mapping; the device gets the
 *    writes. Dynamic subtests: one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: procfs
 * Description: /proc/pid/mem reads and writes a mapping; the device gets
 *    them. Dynamic subtests: one per tracking mode: pagetable, mkwrite.
 *
 * SUBTEST: gdb
 * Description: gdb prints and sets a word of an object; the device gets it.
 *
 * SUBTEST: beyond-end
 * Description: Accesses past the object's end fail and record nothing.
 *
 * SUBTEST: read-only-mapping
 * Description: A read-only mapping is read, never written.
 *
 * SUBTEST: after-unmap
 * Description: Accesses after the object is unmapped fail.
 *
 * SUBTEST: after-close
 * Description: A closed object is reached through its mapping until that
 *    goes.
 */

IGT_TEST_DESCRIPTION("Debuggers read and write vcoh objects; their writes reach the device.");

#define BO_PAGES	8
#define PATTERN		0x5a5a5a5au
#define GDB		"/usr/bin/gdb"
/* No libraries' symbols: gdb takes long enough under emulation. */
#define GDB_ARGS	"-nx -batch -iex 'set debuginfod enabled off' " \
			"-iex 'set auto-solib-add off'"

static size_t ps;

/*
 * A process with the object mapped: it maps the first @pages pages of
 * it, sends the address up, then waits for commands: 'u' unmaps (and
 * acknowledges), end of file exits.
 */
struct target {
	pid_t pid;
	int up, down;
	uintptr_t addr;
};

static void target_run(int fd, uint32_t handle, size_t pages, int prot,
		       int up, int down)
{
	size_t size = pages * ps;
	uintptr_t addr = 0;
	char c;
	/* An empty hole after the mapping: nothing else to reach there. */
	void *hole = mmap(NULL, 2 * size, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *map = NULL;

	if (hole != MAP_FAILED) {
		uint64_t base;

		if (!__vcoh_bo_mmap_offset(fd, handle, &base))
			map = mmap(hole, size, prot, MAP_SHARED | MAP_FIXED, fd,
				   base);
		munmap((char *)hole + size, size);
	}
	if (map && map != MAP_FAILED)
		addr = (uintptr_t)map;
	if (write(up, &addr, sizeof(addr)) != sizeof(addr) || !addr)
		_exit(1);
	while (read(down, &c, 1) == 1) {
		if (c == 'u' && munmap(map, size))
			_exit(1);
		if (write(up, &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static struct target target_start(int fd, uint32_t handle, size_t pages,
				  int prot)
{
	struct target t = {};
	int up[2], down[2];

	igt_assert_eq(pipe(up), 0);
	igt_assert_eq(pipe(down), 0);
	t.pid = fork();
	igt_assert(t.pid >= 0);
	if (!t.pid) {
		close(up[0]);
		close(down[1]);
		target_run(fd, handle, pages, prot, up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	t.up = up[0];
	t.down = down[1];
	igt_assert_eq(read(t.up, &t.addr, sizeof(t.addr)), sizeof(t.addr));
	igt_assert_f(t.addr, "the target could not map the object\n");
	return t;
}

/* Send @cmd and wait for the target to have done it. */
static void target_command(struct target *t, char cmd)
{
	char ack = 0;

	igt_assert_eq(write(t->down, &cmd, 1), 1);
	igt_assert_eq(read(t->up, &ack, 1), 1);
	igt_assert_eq(ack, cmd);
}

static void target_stop(struct target *t)
{
	int status;

	close(t->down);
	igt_assert_eq(waitpid(t->pid, &status, 0), t->pid);
	close(t->up);
	igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
		     "target status %#x\n", status);
}

/* The target's address of byte @offset of the object. */
static uintptr_t target_addr(const struct target *t, size_t offset)
{
	return t->addr + offset;
}

static void attach(pid_t pid)
{
	int status;

	igt_assert_eq(ptrace(PTRACE_ATTACH, pid, NULL, NULL), 0);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert(WIFSTOPPED(status));
}

static void detach(pid_t pid)
{
	igt_assert_eq(ptrace(PTRACE_DETACH, pid, NULL, NULL), 0);
}

/* PTRACE_PEEKDATA; -errno, or 0 with the word in @word. */
static int peek(pid_t pid, uintptr_t addr, unsigned long *word)
{
	long v;

	errno = 0;
	v = ptrace(PTRACE_PEEKDATA, pid, (void *)addr, NULL);
	if (errno)
		return -errno;
	*word = v;
	return 0;
}

static int poke(pid_t pid, uintptr_t addr, unsigned long word)
{
	return ptrace(PTRACE_POKEDATA, pid, (void *)addr, (void *)word) ?
	       -errno : 0;
}

static int open_mem(pid_t pid)
{
	char path[64];
	int mem;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	mem = open(path, O_RDWR);
	igt_assert_f(mem >= 0, "%s: %s\n", path, strerror(errno));
	return mem;
}

/* pread/pwrite of /proc/pid/mem: bytes, or -errno. */
static ssize_t mem_rw(int mem, uintptr_t addr, void *buf, size_t len,
		      bool is_write)
{
	ssize_t n = is_write ? pwrite(mem, buf, len, (off_t)addr) :
			    pread(mem, buf, len, (off_t)addr);

	return n < 0 ? -errno : n;
}

/* An object of @track whose CPU and device copies hold PATTERN. */
static uint32_t create_synced(int fd, uint32_t track, uint8_t *shadow)
{
	uint32_t handle = vcoh_bo_create_tracked(fd, BO_PAGES * ps, track);

	vcoh_device_fill(fd, handle, 0, BO_PAGES * ps, PATTERN);
	vcoh_submit(fd, &handle, 1, NULL);
	fill_words(shadow, 0, BO_PAGES * ps, PATTERN);
	return handle;
}

/* A dirty query must report exactly @want (bit per page). */
static void check_dirty(int fd, uint32_t handle, uint64_t want)
{
	uint64_t bitmap = 0;
	struct drm_vcoh_dirty_bo e = {
		.handle = handle,
		.bitmap_ptr = (uintptr_t)&bitmap,
		.bitmap_size = sizeof(bitmap),
	};

	vcoh_bo_dirty(fd, &e, 1, NULL);
	igt_assert_f(bitmap == want,
		     "pages reported written %#" PRIx64 ", expected %#" PRIx64 "\n",
		     bitmap, want);
	igt_assert_eq_u64(e.num_dirty, __builtin_popcountll(want));
}

/* A submit must copy @pages pages. */
static void check_submit(int fd, uint32_t handle, uint64_t pages)
{
	struct drm_vcoh_submit out;

	vcoh_submit(fd, &handle, 1, &out);
	igt_assert_eq_u64(out.pages_copied, pages);
}

/* The CPU's pages and the device's copy both equal @shadow. */
static void check_contents(int fd, uint32_t handle, const uint8_t *shadow)
{
	uint8_t *buf = xzalloc(BO_PAGES * ps);

	vcoh_bo_read(fd, handle, 0, buf, BO_PAGES * ps);
	check_bytes(buf, shadow, BO_PAGES * ps, "CPU view");
	vcoh_device_read(fd, handle, 0, buf, BO_PAGES * ps);
	check_bytes(buf, shadow, BO_PAGES * ps, "device copy");
	free(buf);
}

static void shadow_word(uint8_t *shadow, size_t offset, unsigned long word)
{
	memcpy(shadow + offset, &word, sizeof(word));
}

/*
 * Peek reads what the object holds; two pokes into pages 2 and 5 (the
 * second at the page's last word) read back, are reported by the dirty
 * query and reach the device. Then a poke into page 7, copied by a
 * submit.
 */
static void test_ptrace(int fd, uint32_t track)
{
	uint8_t *shadow = xzalloc(BO_PAGES * ps);
	uint32_t handle = create_synced(fd, track, shadow);
	size_t at2 = 2 * ps + 16, at5 = 6 * ps - sizeof(long);
	struct target t = target_start(fd, handle, BO_PAGES, PROT_READ | PROT_WRITE);
	unsigned long w;

	attach(t.pid);
	igt_assert_eq(peek(t.pid, target_addr(&t, 0), &w), 0);
	igt_assert_eq_u64(w, PATTERN * 0x100000001ul);
	igt_assert_eq(poke(t.pid, target_addr(&t, at2), 0x1122334455667788ul), 0);
	igt_assert_eq(poke(t.pid, target_addr(&t, at5), 0x0123456789abcdeful), 0);
	igt_assert_eq(peek(t.pid, target_addr(&t, at2), &w), 0);
	igt_assert_eq_u64(w, 0x1122334455667788ul);
	detach(t.pid);
	shadow_word(shadow, at2, 0x1122334455667788ul);
	shadow_word(shadow, at5, 0x0123456789abcdeful);

	check_dirty(fd, handle, 1 << 2 | 1 << 5);
	check_contents(fd, handle, shadow);

	attach(t.pid);
	igt_assert_eq(poke(t.pid, target_addr(&t, 7 * ps), 0x77ul), 0);
	detach(t.pid);
	shadow_word(shadow, 7 * ps, 0x77ul);
	check_submit(fd, handle, 1);
	check_contents(fd, handle, shadow);
	check_dirty(fd, handle, 0);

	target_stop(&t);
	gem_close(fd, handle);
	free(shadow);
}

/*
 * /proc/pid/mem: a read of the whole object, a write across the boundary
 * of pages 3 and 4, reported and copied; then, in a mapping of the first
 * four pages only, a write across the mapping's end stops there (the
 * object goes on, the mapping does not) and a submit copies page 3.
 */
static void test_procfs(int fd, uint32_t track)
{
	uint8_t *shadow = xzalloc(BO_PAGES * ps);
	uint8_t *buf = xzalloc(BO_PAGES * ps);
	uint32_t handle = create_synced(fd, track, shadow);
	struct target t = target_start(fd, handle, BO_PAGES, PROT_READ | PROT_WRITE);
	uint8_t data[64];
	int mem = open_mem(t.pid);

	igt_assert_eq(mem_rw(mem, t.addr, buf, BO_PAGES * ps, false),
		      BO_PAGES * ps);
	check_bytes(buf, shadow, BO_PAGES * ps, "/proc/pid/mem read");

	memset(data, 0xc3, sizeof(data));
	igt_assert_eq(mem_rw(mem, target_addr(&t, 4 * ps - 32), data,
			     sizeof(data), true), sizeof(data));
	memcpy(shadow + 4 * ps - 32, data, sizeof(data));
	check_dirty(fd, handle, 1 << 3 | 1 << 4);
	check_contents(fd, handle, shadow);
	close(mem);
	target_stop(&t);
	/* A pagetable object counts an unmapped mapping's pages written. */
	check_submit(fd, handle,
		     track == VCOH_BO_TRACK_PAGETABLE ? BO_PAGES : 0);

	t = target_start(fd, handle, BO_PAGES / 2, PROT_READ | PROT_WRITE);
	mem = open_mem(t.pid);
	memset(data, 0x3c, sizeof(data));
	igt_assert_eq(mem_rw(mem, target_addr(&t, 4 * ps - 32), data,
			     sizeof(data), true), 32);
	igt_assert_eq(mem_rw(mem, target_addr(&t, 4 * ps), data,
			     sizeof(data), false), -EIO);
	memcpy(shadow + 4 * ps - 32, data, 32);
	check_submit(fd, handle, 1);
	check_contents(fd, handle, shadow);
	close(mem);
	target_stop(&t);

	gem_close(fd, handle);
	free(buf);
	free(shadow);
}

/*
 * Past the object's end the target maps nothing: a peek, a poke and
 * /proc/pid/mem fail there, a read across the end stops at it, and
 * nothing is recorded.
 */
static void test_beyond_end(int fd)
{
	uint8_t *shadow = xzalloc(BO_PAGES * ps);
	uint32_t handle = create_synced(fd, VCOH_BO_TRACK_PAGETABLE, shadow);
	struct target t = target_start(fd, handle, BO_PAGES, PROT_READ | PROT_WRITE);
	uintptr_t end = target_addr(&t, BO_PAGES * ps);
	uint8_t buf[32];
	unsigned long w;
	int mem;

	attach(t.pid);
	igt_assert_eq(peek(t.pid, end, &w), -EIO);
	igt_assert_eq(poke(t.pid, end, 1), -EIO);
	igt_assert_eq(peek(t.pid, end - sizeof(long), &w), 0);
	detach(t.pid);

	mem = open_mem(t.pid);
	igt_assert_eq(mem_rw(mem, end, buf, sizeof(buf), false), -EIO);
	igt_assert_eq(mem_rw(mem, end, buf, sizeof(buf), true), -EIO);
	igt_assert_eq(mem_rw(mem, end - 16, buf, sizeof(buf), false), 16);
	close(mem);

	check_dirty(fd, handle, 0);
	check_contents(fd, handle, shadow);
	target_stop(&t);
	gem_close(fd, handle);
	free(shadow);
}

/* A read-only mapping reads but refuses writes, as its ptes would. */
static void test_read_only(int fd)
{
	uint8_t *shadow = xzalloc(BO_PAGES * ps);
	uint32_t handle = create_synced(fd, VCOH_BO_TRACK_MKWRITE, shadow);
	struct target t = target_start(fd, handle, BO_PAGES, PROT_READ);
	uint8_t buf[16] = { 1 };
	unsigned long w;
	int mem;

	attach(t.pid);
	igt_assert_eq(peek(t.pid, t.addr, &w), 0);
	igt_assert_eq_u64(w, PATTERN * 0x100000001ul);
	igt_assert_eq(poke(t.pid, t.addr, 1), -EIO);
	detach(t.pid);
	mem = open_mem(t.pid);
	igt_assert_eq(mem_rw(mem, t.addr, buf, sizeof(buf), true), -EIO);
	close(mem);

	check_dirty(fd, handle, 0);
	check_contents(fd, handle, shadow);
	target_stop(&t);
	gem_close(fd, handle);
	free(shadow);
}

/* Once the target unmapped the object, its address gives errors. */
static void test_after_unmap(int fd)
{
	uint8_t *shadow = xzalloc(BO_PAGES * ps);
	uint32_t handle = create_synced(fd, VCOH_BO_TRACK_PAGETABLE, shadow);
	struct target t = target_start(fd, handle, BO_PAGES, PROT_READ | PROT_WRITE);
	uint8_t buf[16] = { 1 };
	unsigned long w;
	int mem;

	target_command(&t, 'u');
	attach(t.pid);
	igt_assert_eq(peek(t.pid, t.addr, &w), -EIO);
	igt_assert_eq(poke(t.pid, t.addr, 1), -EIO);
	detach(t.pid);
	mem = open_mem(t.pid);
	igt_assert_eq(mem_rw(mem, t.addr, buf, sizeof(buf), false), -EIO);
	igt_assert_eq(mem_rw(mem, t.addr, buf, sizeof(buf), true), -EIO);
	close(mem);

	/* Unmapping counts the mapping's pages written; nothing else is. */
	check_dirty(fd, handle, (1u << BO_PAGES) - 1);
	check_contents(fd, handle, shadow);
	target_stop(&t);
	gem_close(fd, handle);
	free(shadow);
}

/*
 * With its handle closed, the object lives on in the target's mapping,
 * which a debugger still reads and writes; once that is unmapped too,
 * the object is freed and the address gives errors.
 */
static void test_after_close(int fd)
{
	uint8_t *shadow = xzalloc(BO_PAGES * ps);
	uint32_t handle = create_synced(fd, VCOH_BO_TRACK_MKWRITE, shadow);
	struct target t = target_start(fd, handle, BO_PAGES, PROT_READ | PROT_WRITE);
	unsigned long w;
	int mem;

	gem_close(fd, handle);
	attach(t.pid);
	igt_assert_eq(poke(t.pid, t.addr + ps, 0x42ul), 0);
	igt_assert_eq(peek(t.pid, t.addr + ps, &w), 0);
	igt_assert_eq_u64(w, 0x42ul);
	detach(t.pid);

	target_command(&t, 'u');
	attach(t.pid);
	igt_assert_eq(peek(t.pid, t.addr + ps, &w), -EIO);
	igt_assert_eq(poke(t.pid, t.addr + ps, 1), -EIO);
	detach(t.pid);
	mem = open_mem(t.pid);
	igt_assert_eq(mem_rw(mem, t.addr, &w, sizeof(w), false), -EIO);
	close(mem);
	target_stop(&t);
	free(shadow);
}

/* Run @cmd; its output in @out (NUL-terminated), its exit status back. */
static int run(const char *cmd, char *out, size_t size)
{
	FILE *f = popen(cmd, "r");
	size_t n;

	igt_assert(f);
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	return pclose(f);
}

/* The value of gdb's print number @n ("$n = 0x..."), asserted present. */
static unsigned long gdb_value(const char *out, int n)
{
	char key[16];
	const char *p;

	snprintf(key, sizeof(key), "$%d = ", n);
	p = strstr(out, key);
	igt_assert_f(p, "no \"%s\" in gdb's output:\n%s\n", key, out);
	return strtoul(p + strlen(key), NULL, 0);
}

/*
 * gdb -batch -p attaches to the target, prints a word of the object,
 * sets another and prints it back; the set word is reported written and
 * reaches the device.
 */
static void test_gdb(int fd, uint32_t track)
{
	uint8_t *shadow = xzalloc(BO_PAGES * ps);
	uint32_t handle = create_synced(fd, track, shadow);
	struct target t = target_start(fd, handle, BO_PAGES, PROT_READ | PROT_WRITE);
	uintptr_t at = target_addr(&t, 6 * ps + 40);
	static char out[16384];
	char cmd[512];
	int status, n;

	n = snprintf(cmd, sizeof(cmd), "%s %s -p %d", GDB, GDB_ARGS, t.pid);
	n += snprintf(cmd + n, sizeof(cmd) - n,
		      " -ex 'print/x *(unsigned int *)%#lx'",
		      (unsigned long)t.addr);
	n += snprintf(cmd + n, sizeof(cmd) - n,
		      " -ex 'set var *(unsigned int *)%#lx = 0xdecade'",
		      (unsigned long)at);
	snprintf(cmd + n, sizeof(cmd) - n,
		 " -ex 'print/x *(unsigned int *)%#lx' 2>&1", (unsigned long)at);
	status = run(cmd, out, sizeof(out));
	igt_debug("%s\n", out);
	igt_assert_f(status == 0, "gdb exited with %#x:\n%s\n", status, out);
	igt_assert_eq_u64(gdb_value(out, 1), PATTERN);
	igt_assert_eq_u64(gdb_value(out, 2), 0xdecade);
	fill_words(shadow, 6 * ps + 40, 4, 0xdecade);

	check_dirty(fd, handle, 1 << 6);
	check_contents(fd, handle, shadow);
	target_stop(&t);
	gem_close(fd, handle);
	free(shadow);
}

/* gdb must exist and run here: the arm64 guests have no gdb of theirs. */
static void require_gdb(void)
{
	char out[256];

	igt_require_f(access(GDB, X_OK) == 0,
		      "no %s in this guest's user space\n", GDB);
	igt_require_f(run(GDB " -nx -batch -ex 'show version' >/dev/null 2>&1",
			  out, sizeof(out)) == 0,
		      "%s does not run on this machine\n", GDB);
}

static const struct vcoh_mode_case per_mode[] = {
	{ "ptrace", "ptrace reads and writes a mapping; the device gets the writes.",
	  test_ptrace },
	{ "procfs", "/proc/pid/mem reads and writes a mapping; the device gets them.",
	  test_procfs },
};

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_vcoh();
		ps = sysconf(_SC_PAGESIZE);
	}

	vcoh_mode_subtests(&fd, per_mode, ARRAY_SIZE(per_mode), VCOH_MODES_FIXED);

	igt_describe("gdb prints and sets a word of an object; the device gets it.");
	igt_subtest("gdb") {
		require_gdb();
		test_gdb(fd, VCOH_BO_TRACK_MKWRITE);
	}

	igt_describe("Accesses past the object's end fail and record nothing.");
	igt_subtest("beyond-end")
		test_beyond_end(fd);

	igt_describe("A read-only mapping is read, never written.");
	igt_subtest("read-only-mapping")
		test_read_only(fd);

	igt_describe("Accesses after the object is unmapped fail.");
	igt_subtest("after-unmap")
		test_after_unmap(fd);

	igt_describe("A closed object is reached through its mapping until that goes.");
	igt_subtest("after-close")
		test_after_close(fd);

	igt_fixture {
		drm_close_driver(fd);
	}
}
