/* SPDX-License-Identifier: MIT */
/*
 * What most vcoh tests start from: a buffer object with one mapping of all
 * of it, the tracking modes to run them in, the AUTO heuristic's module
 * parameters and the driver's debugfs files.
 */
#ifndef IGT_VCOH_BO_H
#define IGT_VCOH_BO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vcoh_drm.h"

/* A buffer object and a read-write shared mapping of all of it. */
struct vcoh_bo {
	uint32_t handle;
	uint32_t track;
	size_t npages;
	size_t size;
	uint64_t offset;	/* the mmap offset, as debugfs bos names it */
	uint8_t *map;		/* NULL once the test unmapped it */
};

struct vcoh_bo vcoh_bo_new(int fd, size_t npages, uint32_t track);
void vcoh_bo_free(int fd, struct vcoh_bo *b);
void vcoh_bo_check_device(int fd, const struct vcoh_bo *b,
			  const uint8_t *want, const char *what);
void vcoh_bo_check_device_is_cpu(int fd, const struct vcoh_bo *b);

struct vcoh_mode {
	const char *name;
	uint32_t track;
};

/* Every tracking mode, indexed by its VCOH_BO_TRACK_* value. */
extern const struct vcoh_mode vcoh_modes[VCOH_BO_TRACK_MASK + 1];

/* Sets of modes, by bit (1 << VCOH_BO_TRACK_*). */
#define VCOH_MODES_ALL		0xfu
#define VCOH_MODES_TRACKED	0xeu	/* all but NONE */
#define VCOH_MODES_FIXED	0x6u	/* PAGETABLE and MKWRITE */

const struct vcoh_mode *vcoh_mode_next(const struct vcoh_mode *m,
				       unsigned int set);

/* A check that runs in each tracking mode of a set. */
struct vcoh_mode_case {
	const char *name;
	const char *desc;
	void (*fn)(int fd, uint32_t track);
};

void vcoh_mode_subtests(const int *fd, const struct vcoh_mode_case *cases,
			size_t count, unsigned int set);

/* The AUTO heuristic's module parameters. */
struct vcoh_auto_params {
	unsigned int max_pages;		/* from this size on, start MKWRITE */
	unsigned int switch_scans;	/* a switch takes one scan more */
	unsigned int dense_percent;	/* MKWRITE leaves above this */
};

unsigned int vcoh_param_get(int fd, const char *name, unsigned int dflt);
struct vcoh_auto_params vcoh_auto_params(int fd);
uint32_t vcoh_auto_initial_mode(const struct vcoh_auto_params *ap,
				uint32_t track, size_t npages);
size_t vcoh_auto_dense_pages(const struct vcoh_auto_params *ap,
			     size_t npages);

bool vcoh_debugfs_read(int fd, const char *name, char *buf, size_t size);
bool vcoh_debugfs_bo_line(int fd, uint64_t offset, char *line, size_t size);

#endif /* IGT_VCOH_BO_H */
