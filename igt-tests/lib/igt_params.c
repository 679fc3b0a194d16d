// SPDX-License-Identifier: MIT
/* Module parameters of a DRM device's driver; see igt_params.h. */
#define IGT_LOG_DOMAIN "igt_params"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include "igt_core.h"
#include "igt_debugfs.h"
#include "igt_params.h"
#include "igt_sysfs.h"

struct saved_param {
	char *dir;
	char *name;
	char *value;
	struct saved_param *next;
};

static struct saved_param *saved_params;

static void restore_params(int sig)
{
	static const char msg[] =
		"WARNING: Module parameters may not have been reset to their original values\n";

	(void)sig;
	for (struct saved_param *p = saved_params; p; p = p->next) {
		int dir = open(p->dir, O_RDONLY);

		if (!igt_sysfs_set(dir, p->name, p->value)) {
			ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);

			(void)n;
		}
		close(dir);
	}
}

/* Remember @name's value in @dir the first time it is set. */
static void save_param(int dir, const char *name)
{
	char link[64], path[PATH_MAX];
	struct saved_param *p;
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", dir);
	len = readlink(link, path, sizeof(path) - 1);
	if (len < 0)
		return;
	path[len] = '\0';

	for (p = saved_params; p; p = p->next)
		if (!strcmp(p->dir, path) && !strcmp(p->name, name))
			return;
	if (!saved_params)
		igt_install_exit_handler(restore_params);

	p = calloc(1, sizeof(*p));
	igt_assert(p);
	p->dir = strdup(path);
	p->name = strdup(name);
	p->value = igt_sysfs_get(dir, name);
	igt_assert(p->dir && p->name && p->value);
	p->next = saved_params;
	saved_params = p;
}

int igt_params_open(int device)
{
	char name[32] = "", path[PATH_MAX];
	drm_version_t v = { .name = name, .name_len = sizeof(name) - 1 };
	int dir, params = -1;

	if (drmIoctl(device, DRM_IOCTL_VERSION, &v))
		return -1;

	dir = igt_debugfs_dir(device);
	if (dir >= 0) {
		snprintf(path, sizeof(path), "%s_params", name);
		params = openat(dir, path, O_RDONLY);
		close(dir);
	}
	if (params < 0) {
		snprintf(path, sizeof(path), "/sys/module/%s/parameters", name);
		params = open(path, O_RDONLY);
	}
	return params;
}

char *__igt_params_get(int device, const char *parameter)
{
	int dir = igt_params_open(device);
	char *value;

	if (dir < 0)
		return NULL;
	value = igt_sysfs_get(dir, parameter);
	close(dir);
	return value;
}

__attribute__((format(printf, 3, 0)))
static bool params_vset(int device, const char *parameter, const char *fmt,
			va_list ap, bool save)
{
	int dir = igt_params_open(device), ret;

	if (dir < 0)
		return false;
	if (save)
		save_param(dir, parameter);
	ret = igt_sysfs_vprintf(dir, parameter, fmt, ap);
	close(dir);
	return ret > 0;
}

bool igt_params_set(int device, const char *parameter, const char *fmt, ...)
{
	va_list ap;
	bool ret;

	va_start(ap, fmt);
	ret = params_vset(device, parameter, fmt, ap, false);
	va_end(ap);
	return ret;
}

bool igt_params_save_and_set(int device, const char *parameter, const char *fmt, ...)
{
	va_list ap;
	bool ret;

	va_start(ap, fmt);
	ret = params_vset(device, parameter, fmt, ap, true);
	va_end(ap);
	return ret;
}

void igt_set_module_param(int device, const char *name, const char *val)
{
	igt_assert(igt_params_save_and_set(device, name, "%s", val));
}

void igt_set_module_param_int(int device, const char *name, int val)
{
	igt_assert(igt_params_save_and_set(device, name, "%d", val));
}
