// SPDX-License-Identifier: MIT
/* sysfs attributes; see igt_sysfs.h. */
#define IGT_LOG_DOMAIN "igt_sysfs"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_sysfs.h"

/* read() or write() until @len bytes, EOF or an error. */
static int transfer(int fd, void *buf, int len, bool writing)
{
	int done = 0;

	while (done < len) {
		ssize_t n = writing ? write(fd, (char *)buf + done, len - done) :
				      read(fd, (char *)buf + done, len - done);

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return done ?: -errno;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

char *igt_sysfs_path(int device, char *path, int pathlen)
{
	struct stat st;

	if (igt_debug_on(device < 0))
		return NULL;
	if (igt_debug_on(fstat(device, &st)) || igt_debug_on(!S_ISCHR(st.st_mode)))
		return NULL;
	snprintf(path, pathlen, "/sys/dev/char/%d:%d", major(st.st_rdev),
		 minor(st.st_rdev));
	if (igt_debug_on(access(path, F_OK)))
		return NULL;
	return path;
}

int igt_sysfs_open(int device)
{
	char path[80];

	if (igt_debug_on(!igt_sysfs_path(device, path, sizeof(path))))
		return -1;
	return open(path, O_RDONLY);
}

bool igt_sysfs_has_attr(int dir, const char *attr)
{
	return faccessat(dir, attr, F_OK, 0) == 0;
}

int igt_sysfs_read(int dir, const char *attr, void *data, int len)
{
	int fd = openat(dir, attr, O_RDONLY);

	if (igt_debug_on(fd < 0))
		return -errno;
	len = transfer(fd, data, len, false);
	close(fd);
	return len;
}

int igt_sysfs_write(int dir, const char *attr, const void *data, int len)
{
	int fd = openat(dir, attr, O_WRONLY);

	if (igt_debug_on(fd < 0))
		return -errno;
	len = transfer(fd, (void *)data, len, true);
	close(fd);
	return len;
}

bool igt_sysfs_set(int dir, const char *attr, const char *value)
{
	/* An empty value still writes its NUL: sysfs ignores no write. */
	int len = strlen(value) ?: 1;

	return igt_sysfs_write(dir, attr, value, len) == len;
}

char *igt_sysfs_get(int dir, const char *attr)
{
	size_t size = 64, len = 0;
	char *buf, *bigger;
	int fd, n;

	fd = openat(dir, attr, O_RDONLY);
	if (igt_debug_on(fd < 0))
		return NULL;
	buf = malloc(size);
	if (igt_debug_on(!buf))
		goto out;
	for (;;) {
		int room = size - len - 1;

		n = transfer(fd, buf + len, room, false);
		if (n > 0)
			len += n;
		if (n < room)
			break;
		bigger = realloc(buf, 2 * size);
		if (igt_debug_on(!bigger))
			break;
		buf = bigger;
		size *= 2;
	}
	buf[len] = '\0';
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
out:
	close(fd);
	return buf;
}

int igt_sysfs_scanf(int dir, const char *attr, const char *fmt, ...)
{
	int fd, ret = -1;
	va_list ap;
	FILE *f;

	fd = openat(dir, attr, O_RDONLY);
	if (igt_debug_on(fd < 0))
		return -1;
	f = fdopen(fd, "r");
	if (igt_debug_on(!f)) {
		close(fd);
		return -1;
	}
	va_start(ap, fmt);
	ret = vfscanf(f, fmt, ap);
	va_end(ap);
	fclose(f);
	return ret;
}

int igt_sysfs_vprintf(int dir, const char *attr, const char *fmt, va_list ap)
{
	char *buf;
	int fd, len, ret;

	fd = openat(dir, attr, O_WRONLY);
	if (igt_debug_on(fd < 0))
		return -errno;
	len = vasprintf(&buf, fmt, ap);
	if (igt_debug_on(len < 0)) {
		close(fd);
		return -EINVAL;
	}
	/* An empty string is written as its NUL, and reported as 0 bytes. */
	ret = transfer(fd, buf, len ?: 1, true);
	if (!len && ret == 1)
		ret = 0;
	free(buf);
	close(fd);
	return ret;
}

int igt_sysfs_printf(int dir, const char *attr, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = igt_sysfs_vprintf(dir, attr, fmt, ap);
	va_end(ap);
	return ret;
}

bool __igt_sysfs_get_u32(int dir, const char *attr, uint32_t *value)
{
	return !igt_debug_on(igt_sysfs_scanf(dir, attr, "%" SCNu32, value) != 1);
}

uint32_t igt_sysfs_get_u32(int dir, const char *attr)
{
	uint32_t value;

	igt_assert_f(__igt_sysfs_get_u32(dir, attr, &value),
		     "Failed to read %s attribute (%s)\n", attr, strerror(errno));
	return value;
}

bool __igt_sysfs_set_u32(int dir, const char *attr, uint32_t value)
{
	return igt_sysfs_printf(dir, attr, "%" PRIu32, value) > 0;
}

void igt_sysfs_set_u32(int dir, const char *attr, uint32_t value)
{
	igt_assert_f(__igt_sysfs_set_u32(dir, attr, value),
		     "Failed to write %u to %s attribute (%s)\n", value, attr,
		     strerror(errno));
}

bool __igt_sysfs_get_u64(int dir, const char *attr, uint64_t *value)
{
	return !igt_debug_on(igt_sysfs_scanf(dir, attr, "%" SCNu64, value) != 1);
}

uint64_t igt_sysfs_get_u64(int dir, const char *attr)
{
	uint64_t value;

	igt_assert_f(__igt_sysfs_get_u64(dir, attr, &value),
		     "Failed to read %s attribute (%s)\n", attr, strerror(errno));
	return value;
}

bool __igt_sysfs_set_u64(int dir, const char *attr, uint64_t value)
{
	return igt_sysfs_printf(dir, attr, "%" PRIu64, value) > 0;
}

void igt_sysfs_set_u64(int dir, const char *attr, uint64_t value)
{
	igt_assert_f(__igt_sysfs_set_u64(dir, attr, value),
		     "Failed to write %" PRIu64 " to %s attribute (%s)\n", value,
		     attr, strerror(errno));
}

/* 0, 1, N, Y, n or y, as module parameters show a bool. */
bool __igt_sysfs_get_boolean(int dir, const char *attr, bool *value)
{
	char *buf = igt_sysfs_get(dir, attr);
	bool ok = true;
	int n;

	if (!buf) {
		igt_debug("Failed to read %s attribute (%s)\n", attr, strerror(errno));
		return false;
	}
	if (sscanf(buf, "%d", &n) == 1 && (n == 0 || n == 1))
		*value = n;
	else if (!strcasecmp(buf, "Y") || !strcasecmp(buf, "N"))
		*value = !strcasecmp(buf, "Y");
	else
		ok = false;
	if (!ok)
		igt_debug("Value read from %s attribute (%s) is not as expected (0|1|N|Y|n|y)\n",
			  attr, buf);
	free(buf);
	return ok;
}

bool igt_sysfs_get_boolean(int dir, const char *attr)
{
	bool value;

	igt_assert(__igt_sysfs_get_boolean(dir, attr, &value));
	return value;
}

bool __igt_sysfs_set_boolean(int dir, const char *attr, bool value)
{
	return igt_sysfs_printf(dir, attr, "%d", value) == 1;
}

void igt_sysfs_set_boolean(int dir, const char *attr, bool value)
{
	igt_assert_f(__igt_sysfs_set_boolean(dir, attr, value),
		     "Failed to write %u to %s attribute (%s)\n", value, attr,
		     strerror(errno));
}
