/* SPDX-License-Identifier: MIT */
/* The dumb-buffer helpers of IGT's igt_kms.h the vcoh tests use. */
#ifndef IGT_KMS_H
#define IGT_KMS_H

#include <stdint.h>

uint32_t kmstest_dumb_create(int fd, int width, int height, int bpp,
			     unsigned int *stride, uint64_t *size);
void *kmstest_dumb_map_buffer(int fd, uint32_t handle, uint64_t size,
			      unsigned int prot);
void kmstest_dumb_destroy(int fd, uint32_t handle);

#endif /* IGT_KMS_H */
