// SPDX-License-Identifier: MIT
/*
 * Small helpers the vcoh tests share.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "igt_vcoh.h"
#include "igt_vcoh_util.h"

void *xzalloc(size_t size)
{
	void *p = calloc(1, size);

	igt_assert(p);
	return p;
}

struct drm_vcoh_stats bo_stats(int fd, uint32_t handle)
{
	struct drm_vcoh_stats s;

	vcoh_stats(fd, handle, &s);
	return s;
}

size_t first_diff(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i = 0;

	if (!memcmp(a, b, len))
		return len;
	while (a[i] == b[i])
		i++;
	return i;
}

void check_bytes(const uint8_t *got, const uint8_t *want, size_t len,
		 const char *what)
{
	size_t i = first_diff(got, want, len);

	igt_assert_f(i == len,
		     "%s: byte %#zx (page %zu) is %#x, expected %#x\n",
		     what, i, i / (size_t)getpagesize(), got[i], want[i]);
}

size_t count_pages(const bool *written, size_t npages)
{
	size_t n = 0;

	for (size_t p = 0; p < npages; p++)
		n += written[p];
	return n;
}

/* What a device fill of [off, off + len) leaves in memory. */
void fill_words(uint8_t *shadow, size_t off, size_t len, uint32_t value)
{
	for (size_t i = 0; i < len; i += sizeof(value))
		memcpy(shadow + off + i, &value, sizeof(value));
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	igt_assert_eq(sched_setaffinity(0, sizeof(set), &set), 0);
}

uint64_t xorshift64(uint64_t x)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}
