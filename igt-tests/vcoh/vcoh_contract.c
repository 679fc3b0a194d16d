// SPDX-License-Identifier: MIT
/*
 * The dirty helpers' lock contract, broken on purpose: vcoh's debugfs
 * contract_check (CONFIG_DRM_VCOH_CONTRACT_TEST) scans an object without
 * holding its dma_resv lock. The helpers must refuse with -ENOLCK, change
 * no pte, and warn the first time for each object, with a backtrace. The
 * warning is the point here, so the test announces it to the runner with
 * igt_emit_ignore_dmesg_regex() and reads it back from /dev/kmsg.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "igt_vcoh.h"
#include "igt_vcoh_bo.h"
#include "igt_vcoh_util.h"

/**
 * TEST: vcoh contract
 * Description: A scan without the object's lock is refused, changes no
 *    pte and warns once per object.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: DRM
 * Functionality: dirty tracking lock contract
 * Test category: negative test
 * Feature: vcoh
 *
 * SUBTEST: unlocked-scan-refused
 * Description: A scan without the object's lock changes no pte and warns
 *    once per object. Dynamic subtests: one per tracking mode: pagetable,
 *    mkwrite.
 *
 * SUBTEST: unlocked-scan-refused-busy
 * Description: Held by another task is not held: while a thread submits
 *    the object in a loop, every unlocked scan is refused.
 */

IGT_TEST_DESCRIPTION("The dirty helpers refuse, and report, a scan without the object's lock.");

/*
 * The lines of the contract check's warning, for the runner: its own,
 * the WARNING line and the splat's body. The header lines of anything
 * else (BUG:, KASAN, lockdep, another WARNING) match none of them.
 */
#define CONTRACT_WARNING \
	"cut here|ptedirty: .* walks without the external lock|" \
	"WARNING: .* ptedirty_check_contract[+]|end trace|" \
	VCOH_DMESG_SPLAT_BODY
#define BUSY_SCANS		500

static size_t ps;

/* Scans @b through debugfs without the object's lock; returns -errno. */
static int unlocked_scan(int fd, const struct vcoh_bo *b)
{
	char offset[32];
	int dfd, ret;

	dfd = igt_debugfs_open(fd, "contract_check", O_WRONLY);
	igt_require_f(dfd >= 0,
		      "no debugfs contract_check (CONFIG_DRM_VCOH_CONTRACT_TEST)\n");
	snprintf(offset, sizeof(offset), "%llu", (unsigned long long)b->offset);
	ret = write(dfd, offset, strlen(offset)) < 0 ? -errno : 0;
	close(dfd);
	return ret;
}

/* The kernel log from its current end on. */
static int kmsg_open_end(void)
{
	int kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	igt_require_f(kfd >= 0, "no /dev/kmsg\n");
	igt_assert(lseek(kfd, 0, SEEK_END) >= 0);
	return kfd;
}

/* The contract warnings logged since the last call. */
static int contract_warnings(int kfd)
{
	char rec[8192];
	int found = 0;
	ssize_t n;

	for (;;) {
		n = read(kfd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records were overwritten: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		found += strstr(rec, "WARNING:") &&
			 strstr(rec, " ptedirty_check_contract+");
	}
	igt_assert_f(n < 0 && errno == EAGAIN, "reading /dev/kmsg: %m\n");
	return found;
}

/*
 * The next proper query reports exactly the pages in @want (one bit per
 * page of the first 64) and changes as many ptes as there are.
 */
static void check_dirty(int fd, const struct vcoh_bo *b, uint64_t want)
{
	uint64_t bits = 0;
	struct drm_vcoh_dirty_bo e = {
		.handle = b->handle,
		.bitmap_ptr = (uintptr_t)&bits,
		.bitmap_size = sizeof(bits),
	};
	struct drm_vcoh_bo_dirty out;

	vcoh_bo_dirty(fd, &e, 1, &out);
	igt_assert_eq_u64(bits, want);
	igt_assert_eq_u64(out.ptes_changed, __builtin_popcountll(want));
}

static void test_unlocked_scan(int fd, uint32_t track)
{
	struct vcoh_bo a = vcoh_bo_new(fd, 16, track);
	struct vcoh_bo b = vcoh_bo_new(fd, 4, track);
	int kfd = kmsg_open_end();

	igt_emit_ignore_dmesg_regex(CONTRACT_WARNING);
	a.map[2 * ps] = 1;
	a.map[7 * ps] = 1;
	b.map[ps] = 1;

	igt_assert_eq(unlocked_scan(fd, &a), -ENOLCK);
	igt_assert_eq(contract_warnings(kfd), 1);
	/* Once per object: the second refusal is silent... */
	igt_assert_eq(unlocked_scan(fd, &a), -ENOLCK);
	igt_assert_eq(contract_warnings(kfd), 0);
	/* ...and another object's first one warns again. */
	igt_assert_eq(unlocked_scan(fd, &b), -ENOLCK);
	igt_assert_eq(contract_warnings(kfd), 1);

	check_dirty(fd, &a, 1ull << 2 | 1ull << 7);
	check_dirty(fd, &b, 1ull << 1);
	close(kfd);
	vcoh_bo_free(fd, &a);
	vcoh_bo_free(fd, &b);
}

/* Submits one object in a loop, so that its lock is mostly held. */
struct busy_submitter {
	int fd;
	uint32_t handle;
	bool stop;
	unsigned long submits;
	int err;
};

static void *busy_submit(void *arg)
{
	struct busy_submitter *s = arg;
	struct drm_vcoh_submit sub = {
		.handles_ptr = (uintptr_t)&s->handle,
		.count = 1,
	};

	pin_self(1);
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE) && !s->err) {
		s->err = __vcoh_submit(s->fd, &sub);
		s->submits++;
	}
	return NULL;
}

/*
 * PAGETABLE only: a MKWRITE scan walks just what was recorded, which
 * each submit empties, so it would often have nothing to refuse.
 */
static void test_unlocked_scan_busy(int fd)
{
	struct vcoh_bo b = vcoh_bo_new(fd, 16, VCOH_BO_TRACK_PAGETABLE);
	struct busy_submitter s = { .fd = fd, .handle = b.handle };
	unsigned long refused = 0;
	int i, ret, kfd;
	pthread_t t;

	igt_require(sysconf(_SC_NPROCESSORS_ONLN) >= 2);
	kfd = kmsg_open_end();
	igt_emit_ignore_dmesg_regex(CONTRACT_WARNING);
	pin_self(0);
	igt_assert_eq(pthread_create(&t, NULL, busy_submit, &s), 0);
	for (i = 0; i < BUSY_SCANS; i++) {
		b.map[(i % b.npages) * ps] = i;
		ret = unlocked_scan(fd, &b);
		refused += ret == -ENOLCK;
		igt_assert_f(ret == -ENOLCK, "unlocked scan %d: %d\n", i, ret);
	}
	__atomic_store_n(&s.stop, true, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	igt_assert_eq(s.err, 0);
	igt_info("%d unlocked scans during %lu submits: %lu refused\n",
		 BUSY_SCANS, s.submits, refused);
	igt_assert_eq(contract_warnings(kfd), 1);

	/* Nothing was lost: one more submit makes the device the CPU. */
	vcoh_submit(fd, &b.handle, 1, NULL);
	vcoh_bo_check_device_is_cpu(fd, &b);
	close(kfd);
	vcoh_bo_free(fd, &b);
}

static const struct vcoh_mode_case per_mode[] = {
	{ "unlocked-scan-refused",
	  "A scan without the object's lock changes no pte and warns once per object.",
	  test_unlocked_scan },
};

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_vcoh();
		ps = sysconf(_SC_PAGESIZE);
	}

	vcoh_mode_subtests(&fd, per_mode, ARRAY_SIZE(per_mode), VCOH_MODES_FIXED);

	igt_describe("Held by another task is not held: every unlocked scan is refused.");
	igt_subtest("unlocked-scan-refused-busy")
		test_unlocked_scan_busy(fd);

	igt_fixture {
		drm_close_driver(fd);
	}
}
