/* SPDX-License-Identifier: MIT */
/*
 * The subset of IGT's igt_sysfs.h the vcoh tests use: a DRM device's
 * sysfs directory and attribute access relative to a directory fd (any
 * directory: module parameters and debugfs use the same calls).
 */
#ifndef IGT_SYSFS_H
#define IGT_SYSFS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

char *igt_sysfs_path(int device, char *path, int pathlen);
int igt_sysfs_open(int device);
bool igt_sysfs_has_attr(int dir, const char *attr);

/* The bytes moved, or -errno if @attr does not open. */
int igt_sysfs_read(int dir, const char *attr, void *data, int len);
int igt_sysfs_write(int dir, const char *attr, const void *data, int len);

bool igt_sysfs_set(int dir, const char *attr, const char *value);
/* The contents without trailing newlines, to free(); NULL if none. */
char *igt_sysfs_get(int dir, const char *attr);

int igt_sysfs_scanf(int dir, const char *attr, const char *fmt, ...)
	__attribute__((format(scanf, 3, 4)));
int igt_sysfs_vprintf(int dir, const char *attr, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int igt_sysfs_printf(int dir, const char *attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

bool __igt_sysfs_get_u32(int dir, const char *attr, uint32_t *value);
uint32_t igt_sysfs_get_u32(int dir, const char *attr);
bool __igt_sysfs_set_u32(int dir, const char *attr, uint32_t value);
void igt_sysfs_set_u32(int dir, const char *attr, uint32_t value);

bool __igt_sysfs_get_u64(int dir, const char *attr, uint64_t *value);
uint64_t igt_sysfs_get_u64(int dir, const char *attr);
bool __igt_sysfs_set_u64(int dir, const char *attr, uint64_t value);
void igt_sysfs_set_u64(int dir, const char *attr, uint64_t value);

bool __igt_sysfs_get_boolean(int dir, const char *attr, bool *value);
bool igt_sysfs_get_boolean(int dir, const char *attr);
bool __igt_sysfs_set_boolean(int dir, const char *attr, bool value);
void igt_sysfs_set_boolean(int dir, const char *attr, bool value);

#endif /* IGT_SYSFS_H */
