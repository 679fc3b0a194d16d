/* SPDX-License-Identifier: MIT */
/*
 * vcoh_bench: what the measuring half (vcoh_bench.c) and the half that
 * writes its results out (vcoh_bench_results.c) share.
 */
#ifndef VCOH_BENCH_H
#define VCOH_BENCH_H

#include <stdbool.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum bench_scenario {
	BENCH_SCAN = 1 << 0,
	BENCH_BATCH = 1 << 1,
	BENCH_FAULT = 1 << 2,
	BENCH_E2E = 1 << 3,
	BENCH_SCALE = 1 << 4,
	BENCH_PROCS = 1 << 5,
};

#define BENCH_SCENARIOS		6
#define BENCH_MAX_SIZES		6
#define BENCH_NOTES		16

/* Sizes and counts of one run: the full benchmark's or the smoke's. */
struct bench_config {
	unsigned int scan_kib[BENCH_MAX_SIZES];	/* BO sizes */
	unsigned int scan_reps[BENCH_MAX_SIZES];
	unsigned int nr_scan;
	unsigned int batch_bos[BENCH_MAX_SIZES];	/* BOs per submit */
	unsigned int nr_batch;
	unsigned int batch_kib;
	unsigned int batch_warmup;	/* cycles that fault the ptes in */
	unsigned int batch_blocks;	/* samples: counters read per block */
	unsigned int batch_cycles;	/* submit cycles per block */
	unsigned int scale_bos[BENCH_MAX_SIZES];	/* BOs per submit */
	unsigned int nr_scale;
	unsigned int scale_kib;
	unsigned int scale_samples;
	unsigned int scale_cycles;	/* submits per sample */
	unsigned int procs[BENCH_MAX_SIZES];	/* processes mapping the BO */
	unsigned int nr_procs;
	unsigned int procs_kib;
	unsigned int procs_samples;
	unsigned int procs_cycles;	/* submits per sample */
	unsigned int fault_kib;
	unsigned int fault_warmup;	/* cycles that fault the ptes in */
	unsigned int fault_cycles;	/* timed cycles per run */
	unsigned int fault_runs;
	unsigned int e2e_kib;
	unsigned int e2e_warmup;	/* frames before measuring, for AUTO */
	unsigned int e2e_frames;	/* frames per repetition */
	unsigned int e2e_reps;
};

/* What the run was: run.tsv, the report's header and notes. */
struct bench_run {
	const struct bench_config *cfg;
	char command[256];
	char date[64];
	char release[128];
	char version[160];
	long cpus;
	bool smoke;
	unsigned int scenarios;		/* enum bench_scenario bits that ran */
	char backends[96];		/* those measured, and why not others */
	double seconds[BENCH_SCENARIOS];	/* each scenario's time */
	unsigned int nr_notes;
	char notes[BENCH_NOTES][200];
};

/* Scan percentages of pages written, and e2e's write patterns. */
extern const unsigned int bench_ratios[3];
extern const char *const bench_patterns[3];

/* @n samples of one measurement: a row of results.tsv. */
void bench_record(const char *scenario, const char *backend,
		  const char *mode, const char *param1, const char *param2,
		  const char *metric, const double *samples, unsigned int n);

int bench_write_tsv(const char *path);
int bench_write_run(const struct bench_run *run, const char *path);

#endif /* VCOH_BENCH_H */
