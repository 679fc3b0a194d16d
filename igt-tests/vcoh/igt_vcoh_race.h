/* SPDX-License-Identifier: MIT */
/*
 * Writers on vCPU 0 store into mapped objects while the test submits them
 * from vCPU 1 and checks that every word that did not change across a
 * submit reached the device.
 */
#ifndef IGT_VCOH_RACE_H
#define IGT_VCOH_RACE_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "igt_vcoh_bo.h"

#define VCOH_RACE_MAX_BOS	4
#define VCOH_RACE_WRITERS	2

/* What the writers do: run free, leave the watched objects alone, or not. */
enum vcoh_race_phase {
	VCOH_RACE_RUN,
	VCOH_RACE_QUIET,
	VCOH_RACE_DENSE,
};

struct vcoh_race;

struct vcoh_race_writer {
	struct vcoh_race *r;
	unsigned int id;
};

struct vcoh_race {
	/* Filled in by the test before vcoh_race_start(). */
	unsigned int nbos;
	struct vcoh_bo b[VCOH_RACE_MAX_BOS];
	/* Most TLB flushes one submit of all nbos objects may issue. */
	uint64_t max_flushes;
	/*
	 * The objects the phases drive (a bit each); each has, per page,
	 * the gen its latest write saw, once vcoh_race_watch() set it up.
	 */
	unsigned int watched;
	unsigned long *mark[VCOH_RACE_MAX_BOS];

	uint32_t handles[VCOH_RACE_MAX_BOS];
	/* A phase number << 2 | enum vcoh_race_phase, and each writer's ack. */
	unsigned long phase;
	unsigned long ack[VCOH_RACE_WRITERS];
	/*
	 * One more than the submits done: a write that saw gen g landed
	 * after submit g - 1 returned.
	 */
	unsigned long gen;
	unsigned long writes[VCOH_RACE_WRITERS];
	bool stop;

	unsigned long submits;
	unsigned long checked;
	uint64_t *before;
	uint64_t *dev;
	/* The first failure, reported once the writers have stopped. */
	char fail[512];

	struct vcoh_race_writer w[VCOH_RACE_WRITERS];
	pthread_t threads[VCOH_RACE_WRITERS];
	cpu_set_t orig;
};

void vcoh_race_require(void);
void vcoh_race_watch(struct vcoh_race *r, unsigned int bo);
void vcoh_race_start(struct vcoh_race *r);
unsigned long vcoh_race_writes(struct vcoh_race *r);
bool vcoh_race_step(int fd, struct vcoh_race *r);
bool vcoh_race_set_phase(struct vcoh_race *r, enum vcoh_race_phase phase);
bool vcoh_race_wait_written(struct vcoh_race *r, const size_t *need);
void vcoh_race_run(int fd, struct vcoh_race *r, unsigned long min_writes,
		   unsigned long min_submits, unsigned int timeout_s);
unsigned long vcoh_race_stop(struct vcoh_race *r);
void vcoh_race_check_device(int fd, struct vcoh_race *r,
			    uint64_t expect_copied);
void vcoh_race_free(int fd, struct vcoh_race *r);

/* Failures are recorded, not asserted, until the writers are stopped. */
#define vcoh_race_fail(r, f...) \
	(snprintf((r)->fail, sizeof((r)->fail), f), false)

#endif /* IGT_VCOH_RACE_H */
