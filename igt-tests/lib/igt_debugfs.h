/* SPDX-License-Identifier: MIT */
/*
 * The subset of IGT's igt_debugfs.h the vcoh tests use: the debugfs
 * directory of a DRM device (dri/<minor of its primary node>) and its
 * files.
 */
#ifndef IGT_DEBUGFS_H
#define IGT_DEBUGFS_H

#include <stdbool.h>

const char *igt_debugfs_mount(void);
char *igt_debugfs_path(int device, char *path, int pathlen);
int igt_debugfs_dir(int device);
int igt_debugfs_open(int fd, const char *filename, int mode);
bool igt_debugfs_exists(int fd, const char *filename, int mode);
void __igt_debugfs_read(int fd, const char *filename, char *buf, int size);
void __igt_debugfs_write(int fd, const char *filename, const char *buf, int size);
/* The bytes read into @buf, NUL-terminated; -errno (and "") if none. */
int igt_debugfs_simple_read(int dir, const char *filename, char *buf, int size);
bool igt_debugfs_search(int fd, const char *filename, const char *substring);

/* @buf is an array: its size bounds the read, or is the write's length. */
#define igt_debugfs_read(fd, filename, buf) \
	__igt_debugfs_read(fd, (filename), (buf), sizeof(buf))
#define igt_debugfs_write(fd, filename, buf) \
	__igt_debugfs_write(fd, (filename), (buf), sizeof(buf))

#endif /* IGT_DEBUGFS_H */
