// SPDX-License-Identifier: MIT
/* debugfs of a DRM device; see igt_debugfs.h. */
#define IGT_LOG_DOMAIN "igt_debugfs"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_debugfs.h"
#include "igt_sysfs.h"

static bool is_mountpoint(const char *path)
{
	char parent[PATH_MAX];
	struct stat st, pst;

	snprintf(parent, sizeof(parent), "%s/..", path);
	return stat(path, &st) == 0 && stat(parent, &pst) == 0 &&
	       st.st_dev != pst.st_dev;
}

/* Where debugfs is, mounting it at /sys/kernel/debug if it is nowhere. */
const char *igt_debugfs_mount(void)
{
	static const char *path;

	if (path)
		return path;
	if (is_mountpoint("/sys/kernel/debug"))
		path = "/sys/kernel/debug";
	else if (is_mountpoint("/debug"))
		path = "/debug";
	else if (!mount("debug", "/sys/kernel/debug", "debugfs", 0, NULL))
		path = "/sys/kernel/debug";
	return path;
}

/* The first 100 bytes of dri/@minor/name, a minor's identity. */
static int read_name(const char *root, int minor, char *name)
{
	char path[PATH_MAX];
	int fd, n;

	snprintf(path, sizeof(path), "%s/dri/%d/name", root, minor);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, name, 100);
	close(fd);
	return n;
}

/*
 * dri/<minor> of @device; -1 means dri/0. debugfs has the primary node's
 * minor only: a render node's is the one whose name file reads the same.
 */
char *igt_debugfs_path(int device, char *path, int pathlen)
{
	const char *root = igt_debugfs_mount();
	char name[100], other[100];
	struct stat st = {};
	int minor, n;

	igt_assert(root);
	if (device != -1) {
		if (fstat(device, &st)) {
			igt_debug("Couldn't stat FD for DRM device: %m\n");
			return NULL;
		}
		if (!S_ISCHR(st.st_mode)) {
			igt_debug("FD for DRM device not a char device!\n");
			return NULL;
		}
	}
	minor = minor(st.st_rdev);
	n = read_name(root, minor, name);
	if (n < 0)
		return NULL;
	if (minor >= 64) {
		for (minor = 0; minor < 16; minor++)
			if (read_name(root, minor, other) == n &&
			    !memcmp(name, other, n))
				break;
		if (minor == 16)
			return NULL;
	}
	snprintf(path, pathlen, "%s/dri/%d", root, minor);
	return path;
}

int igt_debugfs_dir(int device)
{
	char path[200];
	int fd;

	if (igt_debug_on(!igt_debugfs_path(device, path, sizeof(path))))
		return -1;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		igt_debug("Cannot open debugfs path: %s\n", path);
	return fd;
}

int igt_debugfs_open(int fd, const char *filename, int mode)
{
	int dir = igt_debugfs_dir(fd), ret;

	if (dir < 0)
		return dir;
	ret = openat(dir, filename, mode);
	close(dir);
	return ret;
}

bool igt_debugfs_exists(int fd, const char *filename, int mode)
{
	int file = igt_debugfs_open(fd, filename, mode);

	if (file < 0)
		return false;
	close(file);
	return true;
}

int igt_debugfs_simple_read(int dir, const char *filename, char *buf, int size)
{
	int len = igt_sysfs_read(dir, filename, buf, size - 1);

	buf[len < 0 ? 0 : len] = '\0';
	return len;
}

void __igt_debugfs_read(int fd, const char *filename, char *buf, int size)
{
	int dir = igt_debugfs_dir(fd);

	igt_debugfs_simple_read(dir, filename, buf, size);
	close(dir);
}

void __igt_debugfs_write(int fd, const char *filename, const char *buf, int size)
{
	int dir = igt_debugfs_dir(fd);

	igt_sysfs_write(dir, filename, buf, size);
	close(dir);
}

bool igt_debugfs_search(int fd, const char *filename, const char *substring)
{
	bool matched = false;
	char *line = NULL;
	size_t n = 0;
	FILE *file;

	file = fdopen(igt_debugfs_open(fd, filename, O_RDONLY), "r");
	igt_assert(file);
	while (!matched && getline(&line, &n, file) >= 0)
		matched = strstr(line, substring);
	free(line);
	fclose(file);
	return matched;
}
