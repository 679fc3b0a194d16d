// SPDX-License-Identifier: MIT
/*
 * Exercises the IGT-compatible runtime itself, and builds against real
 * IGT too, so that the same checks hold for both: one subtest per
 * outcome, dynamic subtests, a group, igt_fork, a crash, the sysfs
 * helpers on a temporary directory, and on a DRM device (skipped without
 * one) the debugfs and module-parameter helpers. With
 * SELFTEST_FIXTURE=skip or =fail the fixture before the subtests skips or
 * fails. scripts/tests/igt-runtime checks the output on the host;
 * scripts/guest-results checks the device subtests in the guest.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "igt.h"
#include "igt_debugfs.h"
#include "igt_params.h"
#include "igt_sysfs.h"

IGT_TEST_DESCRIPTION("Self-test of the IGT-compatible runtime.");

static char tmpdir[64];

static void remove_tmpdir(int sig)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (!sig && system(cmd))
		igt_debug("could not remove %s\n", tmpdir);
}

static int make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/igt_selftest.XXXXXX");
	igt_assert(mkdtemp(tmpdir));
	igt_install_exit_handler(remove_tmpdir);
	return open(tmpdir, O_RDONLY | O_DIRECTORY);
}

/* An empty file @name in @dir: a regular file keeps what a shorter write leaves. */
static const char *new_attr(int dir, const char *name)
{
	unlinkat(dir, name, 0);
	igt_assert_eq(close(openat(dir, name, O_CREAT | O_WRONLY, 0600)), 0);
	return name;
}

static void test_sysfs(void)
{
	char big[300], buf[16], *s;
	int dir = make_tmpdir();
	uint32_t v32;
	bool b;

	igt_assert_lte(0, dir);
	igt_assert(!igt_sysfs_has_attr(dir, "attr"));
	igt_assert_eq(igt_sysfs_read(dir, "attr", buf, sizeof(buf)), -ENOENT);
	igt_assert(!igt_sysfs_get(dir, "attr"));
	igt_assert(igt_sysfs_has_attr(dir, new_attr(dir, "attr")));

	/* get() drops the trailing newlines, and grows past 64 bytes. */
	igt_assert_eq(igt_sysfs_write(dir, "attr", "value\n\n", 7), 7);
	s = igt_sysfs_get(dir, "attr");
	igt_assert(s && !strcmp(s, "value"));
	free(s);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	igt_assert(igt_sysfs_set(dir, new_attr(dir, "big"), big));
	s = igt_sysfs_get(dir, "big");
	igt_assert(s && strlen(s) == sizeof(big) - 1);
	free(s);

	/* read() gives raw bytes; debugfs' simple read terminates them. */
	igt_assert_eq(igt_sysfs_read(dir, "big", buf, 4), 4);
	igt_assert_eq(igt_debugfs_simple_read(dir, "big", buf, sizeof(buf)),
		      sizeof(buf) - 1);
	igt_assert_eq(strlen(buf), sizeof(buf) - 1);
	igt_assert_eq(igt_debugfs_simple_read(dir, "none", buf, sizeof(buf)),
		      -ENOENT);
	igt_assert_eq(buf[0], '\0');

	/* An empty value is written as one NUL; printf reports 0 bytes. */
	igt_assert(igt_sysfs_set(dir, new_attr(dir, "empty"), ""));
	igt_assert_eq(igt_sysfs_read(dir, "empty", buf, sizeof(buf)), 1);
	igt_assert_eq(igt_sysfs_printf(dir, new_attr(dir, "empty"), "%s", ""), 0);
	igt_assert_eq(igt_sysfs_printf(dir, new_attr(dir, "f"), "%d-%s", 7, "x"), 3);
	igt_assert_eq(igt_sysfs_scanf(dir, "f", "%u", &v32), 1);
	igt_assert_eq_u32(v32, 7);

	igt_sysfs_set_u32(dir, new_attr(dir, "u32"), 4000000000u);
	igt_assert_eq_u32(igt_sysfs_get_u32(dir, "u32"), 4000000000u);
	igt_sysfs_set_u64(dir, new_attr(dir, "u64"), 1ull << 40);
	igt_assert_eq_u64(igt_sysfs_get_u64(dir, "u64"), 1ull << 40);
	igt_sysfs_set_boolean(dir, new_attr(dir, "bool"), true);
	igt_assert(igt_sysfs_get_boolean(dir, "bool"));
	igt_assert(igt_sysfs_set(dir, new_attr(dir, "bool"), "n"));
	igt_assert(__igt_sysfs_get_boolean(dir, "bool", &b) && !b);
	igt_assert(igt_sysfs_set(dir, new_attr(dir, "bool"), "Y\n"));
	igt_assert(__igt_sysfs_get_boolean(dir, "bool", &b) && b);
	igt_assert(igt_sysfs_set(dir, new_attr(dir, "bool"), "2"));
	igt_assert(!__igt_sysfs_get_boolean(dir, "bool", &b));
	close(dir);
}

/* A DRM device, or a skip; in the guest, IGT_FORCE_DRIVER picks vcoh. */
static int open_device(void)
{
	int fd = __drm_open_driver(DRIVER_ANY);

	igt_require_f(fd >= 0, "no DRM device\n");
	return fd;
}

static void test_debugfs(void)
{
	char card[200], render[200], name[64], value[32], orig[32];
	int fd = open_device(), rfd = __drm_open_driver_render(DRIVER_ANY);
	int dir = igt_debugfs_dir(fd);

	igt_require_f(dir >= 0, "no debugfs directory\n");
	close(dir);
	igt_assert(igt_debugfs_exists(fd, "name", O_RDONLY));
	igt_assert(!igt_debugfs_exists(fd, "no-such-file", O_RDONLY));
	igt_debugfs_read(fd, "name", name);
	igt_assert_f(strlen(name) > 1, "dri name: \"%s\"\n", name);
	*strchrnul(name, ' ') = '\0';
	igt_assert(igt_debugfs_search(fd, "name", name));
	igt_assert(!igt_debugfs_search(fd, "name", "no such text"));

	/* A render node's directory is its primary node's. */
	igt_assert(igt_debugfs_path(fd, card, sizeof(card)));
	if (rfd >= 0) {
		igt_assert(igt_debugfs_path(rfd, render, sizeof(render)));
		igt_assert_f(!strcmp(card, render), "%s vs %s\n", card, render);
		close(rfd);
	}

	/* vcoh's v32 knob: written, read back, restored. */
	if (igt_debugfs_exists(fd, "flush_batch_min_mms", O_RDWR)) {
		igt_debugfs_read(fd, "flush_batch_min_mms", orig);
		snprintf(value, sizeof(value), "%d", atoi(orig) + 1);
		__igt_debugfs_write(fd, "flush_batch_min_mms", value, strlen(value));
		igt_debugfs_read(fd, "flush_batch_min_mms", value);
		igt_assert_eq(atoi(value), atoi(orig) + 1);
		__igt_debugfs_write(fd, "flush_batch_min_mms", orig, strlen(orig));
	}
	drm_close_driver(fd);
}

static void test_params(void)
{
	const char *param = "auto_switch_scans";
	int fd = open_device(), dir = igt_params_open(fd);
	char *orig, *now;

	igt_require_f(dir >= 0, "the driver has no module parameters\n");
	close(dir);
	igt_assert(!__igt_params_get(fd, "no_such_parameter"));
	orig = __igt_params_get(fd, param);
	igt_require_f(orig, "no parameter %s\n", param);

	/* Saved and set in a child: restored when the child exits. */
	igt_fork(child, 1) {
		igt_assert(igt_params_save_and_set(fd, param, "%d", atoi(orig) + 1));
		igt_assert(igt_params_save_and_set(fd, param, "%d", atoi(orig) + 2));
		now = __igt_params_get(fd, param);
		igt_assert(now && atoi(now) == atoi(orig) + 2);
	}
	igt_waitchildren();
	now = __igt_params_get(fd, param);
	igt_assert_f(now && !strcmp(now, orig), "%s is %s, was %s\n", param,
		     now, orig);
	free(now);

	igt_assert(igt_params_set(fd, param, "%s", orig));
	free(orig);
	drm_close_driver(fd);
}

igt_main
{
	int value = 0;

	igt_fixture {
		const char *mode = getenv("SELFTEST_FIXTURE");

		value = 42;
		igt_require(!mode || strcmp(mode, "skip"));
		igt_assert(!mode || strcmp(mode, "fail"));
	}

	igt_describe("A subtest that passes.");
	igt_subtest("pass")
		igt_assert_eq(value, 42);

	igt_subtest("fail")
		igt_assert_eq(value, 41);

	igt_subtest("skip")
		igt_require(value == 0);

	igt_subtest_f("pass-%d", 2) {
		igt_info("in pass-2\n");
		igt_assert_lte(value, 42);
	}

	igt_describe("A warning in a subtest that passes.");
	igt_subtest("warn")
		igt_warn("a warning, value %d\n", value);

	igt_describe("Dynamic subtests: one passes, one skips, so the subtest passes.");
	igt_subtest_with_dynamic("dynamic") {
		igt_dynamic("dyn-pass")
			igt_assert_eq(value, 42);
		igt_dynamic_f("dyn-%s", "skip")
			igt_require(value == 0);
	}

	igt_subtest_with_dynamic("dynamic-fail") {
		igt_dynamic("dyn-fail")
			igt_assert_eq(value, 41);
		igt_dynamic("dyn-after")
			igt_assert_eq(value, 42);
	}

	igt_subtest_with_dynamic("dynamic-none") {
	}

	igt_subtest_with_dynamic("dynamic-all-skip") {
		igt_dynamic("dyn-skip")
			igt_skip("skipped on purpose\n");
	}

	igt_subtest("fork") {
		igt_fork(child, 3)
			igt_assert_eq(value, 42);
		igt_waitchildren();
	}

	igt_subtest("fork-fail") {
		igt_fork(child, 2)
			igt_assert_f(child == 0, "child %d fails\n", child);
		igt_waitchildren();
	}

	igt_describe("A group whose fixture skips.");
	igt_subtest_group {
		igt_fixture {
			igt_require_f(value == 0, "the group's fixture skips\n");
		}

		igt_subtest("group-skipped")
			igt_assert(false);
	}

	igt_subtest("after-group")
		igt_assert_eq(value, 42);

	igt_subtest("crash")
		raise(SIGSEGV);

	igt_subtest("sysfs")
		test_sysfs();

	igt_subtest("debugfs")
		test_debugfs();

	igt_subtest("params")
		test_params();

	igt_subtest("open-driver") {
		int fd = drm_open_driver(DRIVER_ANY);

		drm_close_driver(fd);
	}
}
