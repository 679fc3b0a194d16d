// SPDX-License-Identifier: MIT
/*
 * vcoh_bench's results: each measurement kept as median, extremes and
 * sample count, written out as results.tsv, and what the run was as
 * run.tsv. scripts/bench-report makes the report and the plots' data
 * from the two.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcoh_bench.h"

/*
 * One measurement, a row of results.tsv. The params depend on the
 * scenario: scan: BO KiB, percent of pages written; batch: BOs per
 * submit, pages written per BO ("all" or "one"); fault: BO KiB, "-";
 * e2e: pattern, BO KiB; scale: BOs per submit, "all" or "one"; procs:
 * processes, "-".
 */
struct bench_result {
	char scenario[8];
	char backend[12];
	char mode[12];
	char param1[16];
	char param2[16];
	char metric[32];
	double median;
	double min;
	double max;
	unsigned int n;
};

static struct bench_result *results;
static unsigned int nr_results, max_results;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void bench_record(const char *scenario, const char *backend,
		  const char *mode, const char *param1, const char *param2,
		  const char *metric, const double *samples, unsigned int n)
{
	struct bench_result *r;
	double *v;

	if (!n)
		return;
	if (nr_results == max_results) {
		max_results = max_results ? 2 * max_results : 256;
		results = realloc(results, max_results * sizeof(*results));
		if (!results) {
			perror("vcoh_bench: realloc");
			exit(1);
		}
	}
	v = malloc(n * sizeof(*v));
	if (!v) {
		perror("vcoh_bench: malloc");
		exit(1);
	}
	memcpy(v, samples, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);

	r = &results[nr_results++];
	memset(r, 0, sizeof(*r));
	snprintf(r->scenario, sizeof(r->scenario), "%s", scenario);
	snprintf(r->backend, sizeof(r->backend), "%s", backend);
	snprintf(r->mode, sizeof(r->mode), "%s", mode);
	snprintf(r->param1, sizeof(r->param1), "%s", param1);
	snprintf(r->param2, sizeof(r->param2), "%s", param2);
	snprintf(r->metric, sizeof(r->metric), "%s", metric);
	r->min = v[0];
	r->max = v[n - 1];
	r->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	r->n = n;
	free(v);
}

/*
 * Six significant digits, more where they do not read back as the same
 * double: the report rounds and compares what the run measured.
 */
static void put_double(FILE *f, double v)
{
	char buf[40];
	int prec = 6;

	do
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
	while (strtod(buf, NULL) != v && ++prec <= 17);
	fprintf(f, "\t%s", buf);
}

int bench_write_tsv(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "scenario\tbackend\tmode\tparam1\tparam2\tmetric\tmedian\tmin\tmax\tn\n");
	for (unsigned int i = 0; i < nr_results; i++) {
		const struct bench_result *r = &results[i];

		fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s", r->scenario, r->backend,
			r->mode, r->param1, r->param2, r->metric);
		put_double(f, r->median);
		put_double(f, r->min);
		put_double(f, r->max);
		fprintf(f, "\t%u\n", r->n);
	}
	return fclose(f) ? -1 : 0;
}

/* One "key<TAB>value" line of numbers separated by spaces. */
static void put_uints(FILE *f, const char *key, const unsigned int *v,
		      unsigned int n)
{
	fprintf(f, "%s\t", key);
	for (unsigned int i = 0; i < n; i++)
		fprintf(f, "%s%u", i ? " " : "", v[i]);
	fprintf(f, "\n");
}

static void put_uint(FILE *f, const char *key, unsigned int v)
{
	put_uints(f, key, &v, 1);
}

int bench_write_run(const struct bench_run *run, const char *path)
{
	static const char *const names[] = {
		"scan", "batch", "fault", "e2e", "scale", "procs",
	};
	const struct bench_config *cfg = run->cfg;
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "command\t%s\ndate\t%s\nkernel\t%s\nversion\t%s\n",
		run->command, run->date, run->release, run->version);
	fprintf(f, "cpus\t%ld\nrun\t%s\nbackends\t%s\n", run->cpus,
		run->smoke ? "smoke" : "full", run->backends);
	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
		if (run->scenarios & 1u << i)
			fprintf(f, "time\t%s\t%.3f\n", names[i],
				run->seconds[i]);
	for (unsigned int i = 0; i < run->nr_notes; i++)
		fprintf(f, "note\t%s\n", run->notes[i]);

	put_uints(f, "scan_kib", cfg->scan_kib, cfg->nr_scan);
	put_uints(f, "scan_reps", cfg->scan_reps, cfg->nr_scan);
	put_uints(f, "scan_written", bench_ratios, ARRAY_SIZE(bench_ratios));
	put_uints(f, "batch_bos", cfg->batch_bos, cfg->nr_batch);
	put_uint(f, "batch_kib", cfg->batch_kib);
	put_uint(f, "batch_warmup", cfg->batch_warmup);
	put_uint(f, "batch_blocks", cfg->batch_blocks);
	put_uint(f, "batch_cycles", cfg->batch_cycles);
	put_uints(f, "scale_bos", cfg->scale_bos, cfg->nr_scale);
	put_uint(f, "scale_kib", cfg->scale_kib);
	put_uint(f, "scale_samples", cfg->scale_samples);
	put_uint(f, "scale_cycles", cfg->scale_cycles);
	put_uints(f, "procs", cfg->procs, cfg->nr_procs);
	put_uint(f, "procs_kib", cfg->procs_kib);
	put_uint(f, "procs_samples", cfg->procs_samples);
	put_uint(f, "procs_cycles", cfg->procs_cycles);
	put_uint(f, "fault_kib", cfg->fault_kib);
	put_uint(f, "fault_warmup", cfg->fault_warmup);
	put_uint(f, "fault_cycles", cfg->fault_cycles);
	put_uint(f, "fault_runs", cfg->fault_runs);
	put_uint(f, "e2e_kib", cfg->e2e_kib);
	fprintf(f, "e2e_patterns\t");
	for (unsigned int i = 0; i < ARRAY_SIZE(bench_patterns); i++)
		fprintf(f, "%s%s", i ? " " : "", bench_patterns[i]);
	fprintf(f, "\n");
	put_uint(f, "e2e_warmup", cfg->e2e_warmup);
	put_uint(f, "e2e_frames", cfg->e2e_frames);
	put_uint(f, "e2e_reps", cfg->e2e_reps);
	return fclose(f) ? -1 : 0;
}
