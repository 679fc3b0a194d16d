// SPDX-License-Identifier: MIT
/*
 * The race of CPU writers against submits the vcoh tests share; see
 * igt_vcoh_race.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "igt.h"
#include "igt_vcoh.h"
#include "igt_vcoh_race.h"
#include "igt_vcoh_util.h"

#define RACE_BURST	16
#define RACE_PHASE_S	60

/* Two vCPUs this process may run on: vCPU 0 writes, vCPU 1 submits. */
void vcoh_race_require(void)
{
	cpu_set_t set;

	igt_require(sysconf(_SC_NPROCESSORS_ONLN) >= 2);
	igt_assert_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	igt_require(CPU_ISSET(0, &set) && CPU_ISSET(1, &set));
}

/* Record, per page of object @bo, the gen its latest write saw. */
void vcoh_race_watch(struct vcoh_race *r, unsigned int bo)
{
	igt_assert_lt(bo, r->nbos);
	r->watched |= 1u << bo;
	r->mark[bo] = xzalloc(r->b[bo].npages * sizeof(*r->mark[bo]));
}

static void *race_writer(void *arg)
{
	const struct vcoh_race_writer *w = arg;
	struct vcoh_race *r = w->r;
	size_t ps = getpagesize();
	uint64_t x = 0x9e3779b97f4a7c15ull * (w->id + 1), seq = 0;
	unsigned long acked = ~0ul, n = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		unsigned long phase = __atomic_load_n(&r->phase,
						      __ATOMIC_ACQUIRE);
		unsigned long gen = __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE);
		bool quiet = (phase & 3) == VCOH_RACE_QUIET;

		/* Release: the writes of the old phase are visible first. */
		if (phase != acked) {
			__atomic_store_n(&r->ack[w->id], phase,
					 __ATOMIC_RELEASE);
			acked = phase;
		}
		for (int i = 0; i < RACE_BURST; i++) {
			unsigned int bo;
			size_t page, slot;
			uint64_t *word;

			x = xorshift64(x);
			bo = x % r->nbos;
			if (quiet && (r->watched >> bo & 1))
				continue;
			page = (x >> 8) % r->b[bo].npages;
			slot = (x >> 40) % (ps / sizeof(*word));
			word = (uint64_t *)(r->b[bo].map + page * ps) + slot;
			/* Never one value twice: unchanged is unwritten. */
			__atomic_store_n(word, ++seq << 8 | w->id,
					 __ATOMIC_RELAXED);
			if (r->mark[bo])
				__atomic_store_n(&r->mark[bo][page], gen,
						 __ATOMIC_RELEASE);
			n++;
		}
		__atomic_store_n(&r->writes[w->id], n, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Start the writers on vCPU 0 and move this thread to vCPU 1. */
void vcoh_race_start(struct vcoh_race *r)
{
	size_t max_size = 0;

	igt_assert(r->nbos && r->nbos <= VCOH_RACE_MAX_BOS);
	for (unsigned int bo = 0; bo < r->nbos; bo++) {
		r->handles[bo] = r->b[bo].handle;
		if (max_size < r->b[bo].size)
			max_size = r->b[bo].size;
	}
	r->before = xzalloc(max_size);
	r->dev = xzalloc(max_size);
	r->gen = 1;

	igt_assert_eq(sched_getaffinity(0, sizeof(r->orig), &r->orig), 0);
	/* The writers inherit vCPU 0. */
	pin_self(0);
	for (unsigned int i = 0; i < VCOH_RACE_WRITERS; i++) {
		r->w[i] = (struct vcoh_race_writer){ .r = r, .id = i };
		igt_assert_eq(pthread_create(&r->threads[i], NULL, race_writer,
					     &r->w[i]), 0);
	}
	pin_self(1);
}

unsigned long vcoh_race_writes(struct vcoh_race *r)
{
	unsigned long n = 0;

	for (int i = 0; i < VCOH_RACE_WRITERS; i++)
		n += __atomic_load_n(&r->writes[i], __ATOMIC_RELAXED);
	return n;
}

/*
 * Submit every object, then check one of them in turn: each word the
 * CPU's view held from before the submit to after it is in the device's.
 */
bool vcoh_race_step(int fd, struct vcoh_race *r)
{
	size_t ps = getpagesize();
	unsigned int bo = r->submits % r->nbos;
	const struct vcoh_bo *b = &r->b[bo];
	const uint64_t *cpu = (const uint64_t *)b->map;
	size_t words = b->size / sizeof(*cpu);
	struct drm_vcoh_submit arg = {
		.handles_ptr = (uintptr_t)r->handles,
		.count = r->nbos,
	};
	struct drm_vcoh_device_read rd = {
		.handle = b->handle,
		.size = b->size,
		.data_ptr = (uintptr_t)r->dev,
	};
	int ret;

	for (size_t i = 0; i < words; i++)
		r->before[i] = __atomic_load_n(&cpu[i], __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ret = __vcoh_submit(fd, &arg);
	if (ret)
		return vcoh_race_fail(r, "submit %lu: %d\n", r->submits, ret);
	r->submits++;
	__atomic_store_n(&r->gen, r->submits + 1, __ATOMIC_RELEASE);
	if (arg.tlb_flushes > r->max_flushes)
		return vcoh_race_fail(r,
				      "submit %lu issued %llu TLB flushes, at most %llu expected\n",
				      r->submits,
				      (unsigned long long)arg.tlb_flushes,
				      (unsigned long long)r->max_flushes);

	ret = __vcoh_device_read(fd, &rd);
	if (ret)
		return vcoh_race_fail(r, "device read: %d\n", ret);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (size_t i = 0; i < words; i++) {
		uint64_t now = __atomic_load_n(&cpu[i], __ATOMIC_RELAXED);

		if (now != r->before[i])
			continue;
		r->checked++;
		if (r->dev[i] != now)
			return vcoh_race_fail(r,
					      "bo %u page %zu word %zu: %#llx in the CPU's view from before submit %lu to after it, %#llx in the device's\n",
					      bo, i * sizeof(*cpu) / ps,
					      i % (ps / sizeof(*cpu)),
					      (unsigned long long)now,
					      r->submits,
					      (unsigned long long)r->dev[i]);
	}
	return true;
}

/* Enter a new phase of kind @phase once every writer has seen it. */
bool vcoh_race_set_phase(struct vcoh_race *r, enum vcoh_race_phase phase)
{
	unsigned long next = ((r->phase >> 2) + 1) << 2 | phase;
	double deadline = now_s() + RACE_PHASE_S;

	__atomic_store_n(&r->phase, next, __ATOMIC_RELEASE);
	for (int i = 0; i < VCOH_RACE_WRITERS; i++) {
		while (__atomic_load_n(&r->ack[i], __ATOMIC_ACQUIRE) != next) {
			if (now_s() > deadline)
				return vcoh_race_fail(r, "writer %d stuck\n", i);
			usleep(100);
		}
	}
	return true;
}

/*
 * Wait until every watched object @bo has @need[bo] pages written since
 * the last submit returned: the next scan must find them.
 */
bool vcoh_race_wait_written(struct vcoh_race *r, const size_t *need)
{
	unsigned long gen = r->submits + 1;
	double deadline = now_s() + RACE_PHASE_S;

	for (unsigned int bo = 0; bo < r->nbos; bo++) {
		if (!(r->watched >> bo & 1))
			continue;
		for (;;) {
			size_t n = 0;

			for (size_t p = 0; p < r->b[bo].npages; p++)
				n += __atomic_load_n(&r->mark[bo][p],
						     __ATOMIC_ACQUIRE) == gen;
			if (n >= need[bo])
				break;
			if (now_s() > deadline)
				return vcoh_race_fail(r,
						      "bo %u: %zu pages written, waiting for %zu\n",
						      bo, n, need[bo]);
			usleep(100);
		}
	}
	return true;
}

/*
 * Submit until the writers made @min_writes writes and this thread
 * @min_submits submits, a step failed, or @timeout_s seconds passed.
 */
void vcoh_race_run(int fd, struct vcoh_race *r, unsigned long min_writes,
		   unsigned long min_submits, unsigned int timeout_s)
{
	double deadline = now_s() + timeout_s;

	while (!r->fail[0] && (vcoh_race_writes(r) < min_writes ||
			       r->submits < min_submits)) {
		if (now_s() > deadline) {
			snprintf(r->fail, sizeof(r->fail),
				 "%lu writes and %lu submits after %u s\n",
				 vcoh_race_writes(r), r->submits, timeout_s);
			break;
		}
		vcoh_race_step(fd, r);
	}
}

/*
 * Stop the writers, give this thread its vCPUs back and assert what a
 * step recorded; the writes made.
 */
unsigned long vcoh_race_stop(struct vcoh_race *r)
{
	__atomic_store_n(&r->stop, true, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < VCOH_RACE_WRITERS; i++)
		pthread_join(r->threads[i], NULL);
	igt_assert_eq(sched_setaffinity(0, sizeof(r->orig), &r->orig), 0);
	igt_assert_f(!r->fail[0], "%s", r->fail);
	return vcoh_race_writes(r);
}

/*
 * Writers stopped: one submit brings every device copy along, the next
 * copies @expect_copied pages; every submit counted on every object.
 */
void vcoh_race_check_device(int fd, struct vcoh_race *r,
			    uint64_t expect_copied)
{
	struct drm_vcoh_submit s;

	vcoh_submit(fd, r->handles, r->nbos, NULL);
	for (unsigned int bo = 0; bo < r->nbos; bo++)
		vcoh_bo_check_device_is_cpu(fd, &r->b[bo]);
	vcoh_submit(fd, r->handles, r->nbos, &s);
	igt_assert_eq_u64(s.pages_copied, expect_copied);

	igt_assert_cmpu64(r->checked, >, <=, 0);
	for (unsigned int bo = 0; bo < r->nbos; bo++)
		igt_assert_eq_u64(bo_stats(fd, r->handles[bo]).submits,
				  r->submits + 2);
}

void vcoh_race_free(int fd, struct vcoh_race *r)
{
	for (unsigned int bo = 0; bo < r->nbos; bo++) {
		free(r->mark[bo]);
		vcoh_bo_free(fd, &r->b[bo]);
	}
	free(r->before);
	free(r->dev);
	free(r);
}
