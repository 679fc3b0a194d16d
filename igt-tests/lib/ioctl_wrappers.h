/* SPDX-License-Identifier: MIT */
/* The subset of IGT's ioctl_wrappers.h the vcoh tests use. */
#ifndef IOCTL_WRAPPERS_H
#define IOCTL_WRAPPERS_H

#include <stdint.h>

/* drmIoctl() unless a test interposes its own. */
extern __thread int (*igt_ioctl)(int fd, unsigned long request, void *arg);

void gem_close(int fd, uint32_t handle);

#endif /* IOCTL_WRAPPERS_H */
