/* SPDX-License-Identifier: MIT */
/*
 * Small helpers the vcoh tests share: memory, byte comparison, time,
 * CPU pinning and a pseudo-random sequence.
 */
#ifndef IGT_VCOH_UTIL_H
#define IGT_VCOH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vcoh_drm.h"

void *xzalloc(size_t size);
struct drm_vcoh_stats bo_stats(int fd, uint32_t handle);
size_t first_diff(const uint8_t *a, const uint8_t *b, size_t len);
void check_bytes(const uint8_t *got, const uint8_t *want, size_t len,
		 const char *what);
size_t count_pages(const bool *written, size_t npages);
void fill_words(uint8_t *shadow, size_t off, size_t len, uint32_t value);
double now_s(void);
void pin_self(int cpu);
uint64_t xorshift64(uint64_t x);

#endif /* IGT_VCOH_UTIL_H */
