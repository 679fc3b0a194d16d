// SPDX-License-Identifier: MIT
/*
 * vcoh_bench's results: each measurement kept as median, extremes and
 * sample count; written out as results.tsv, gnuplot data files and
 * script, and the report: a table per scenario and the goals, each met or
 * not, naming the cells that failed.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vcoh_bench.h"

/* Slack for per-cycle averages of counts: one stray event in 10 cycles. */
#define COUNT_SLACK	0.1

static const char *const backends[] = { "native", "upstream", "zap" };
static const char *const tracked_modes[] = { "pagetable", "mkwrite" };
static const char *const e2e_modes[] = {
	"pagetable", "mkwrite", "auto", "none",
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

const struct bench_result *bench_find(const char *scenario,
				      const char *backend, const char *mode,
				      const char *param1, const char *param2,
				      const char *metric)
{
	for (unsigned int i = 0; i < nr_results; i++) {
		const struct bench_result *r = &results[i];

		if (!strcmp(r->scenario, scenario) &&
		    !strcmp(r->backend, backend) && !strcmp(r->mode, mode) &&
		    !strcmp(r->param1, param1) && !strcmp(r->param2, param2) &&
		    !strcmp(r->metric, metric))
			return r;
	}
	return NULL;
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

/* A second run's results, read back from its results.tsv. */
static struct bench_result *wall;
static unsigned int nr_wall;

int bench_read_wall(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned int max = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct bench_result r = { 0 };

		if (sscanf(line, "%7s\t%11s\t%11s\t%15s\t%15s\t%31s\t%lf\t%lf\t%lf\t%u",
			   r.scenario, r.backend, r.mode, r.param1, r.param2,
			   r.metric, &r.median, &r.min, &r.max, &r.n) != 10)
			continue;
		if (nr_wall == max) {
			max = max ? 2 * max : 256;
			wall = realloc(wall, max * sizeof(*wall));
			if (!wall) {
				perror("vcoh_bench: realloc");
				exit(1);
			}
		}
		wall[nr_wall++] = r;
	}
	fclose(f);
	return 0;
}

static const struct bench_result *wall_find(const struct bench_result *like,
					    const char *backend)
{
	for (unsigned int i = 0; i < nr_wall; i++) {
		const struct bench_result *r = &wall[i];

		if (!strcmp(r->scenario, like->scenario) &&
		    !strcmp(r->backend, backend) &&
		    !strcmp(r->mode, like->mode) &&
		    !strcmp(r->param1, like->param1) &&
		    !strcmp(r->param2, like->param2) &&
		    !strcmp(r->metric, like->metric))
			return r;
	}
	return NULL;
}

/* zap tracks everything as MKWRITE: no other mode of it is measured. */
static bool applies(const char *backend, const char *mode)
{
	return strcmp(backend, "zap") || !strcmp(mode, "mkwrite");
}

static double absd(double v)
{
	return v < 0 ? -v : v;
}

/* Room for the cells of one table row. */
static char *next_buf(void)
{
	static char bufs[64][48];
	static unsigned int next;

	return bufs[next++ % ARRAY_SIZE(bufs)];
}

/* A number with as many digits as its size needs. */
static const char *num(double v)
{
	char *buf = next_buf();
	double a = absd(v);

	if (a != 0 && (a >= 1e7 || a < 0.01))
		snprintf(buf, 48, "%.3g", v);
	else if (a >= 100)
		snprintf(buf, 48, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, 48, "%.1f", v);
	else
		snprintf(buf, 48, "%.2f", v);
	return buf;
}

/* "median [min-max]", the median alone when every sample agrees. */
static const char *cell(const struct bench_result *r)
{
	char *buf;

	if (!r)
		return "-";
	buf = next_buf();
	if (r->min == r->max)
		snprintf(buf, 48, "%s", num(r->median));
	else
		snprintf(buf, 48, "%s [%s-%s]", num(r->median), num(r->min),
			 num(r->max));
	return buf;
}

static const char *ratio(const struct bench_result *a,
			 const struct bench_result *b)
{
	if (!a || !b || !b->median)
		return "-";
	return num(a->median / b->median);
}

static const char *size_label(unsigned int kib)
{
	char *buf = next_buf();

	if (kib >= 1024 && !(kib % 1024))
		snprintf(buf, 48, "%u MiB", kib / 1024);
	else
		snprintf(buf, 48, "%u KiB", kib);
	return buf;
}

static const char *uint_str(unsigned int v)
{
	char *buf = next_buf();

	snprintf(buf, 48, "%u", v);
	return buf;
}

static const struct bench_result *scan_get(const char *backend,
					   const char *mode, unsigned int kib,
					   unsigned int pct,
					   const char *metric)
{
	return bench_find("scan", backend, mode, uint_str(kib),
			  uint_str(pct), metric);
}

static void report_header(const struct bench_run *run, FILE *f)
{
	static const char *const names[] = {
		"scan", "batch", "fault", "e2e", "scale", "procs",
	};

	fprintf(f, "# vcoh benchmark\n\n");
	fprintf(f, "| | |\n|---|---|\n");
	fprintf(f, "| kernel | %s (%s) |\n", run->release, run->version);
	fprintf(f, "| CPUs | %ld online |\n", run->cpus);
	fprintf(f, "| date | %s |\n", run->date);
	fprintf(f, "| command | `%s` |\n", run->command);
	fprintf(f, "| backends | %s |\n", run->backends);
	fprintf(f, "| run | %s |\n", run->smoke ?
		"smoke: tiny sizes, one or two repetitions; the numbers are no measurement" :
		"full");
	fprintf(f, "| scenario times |");
	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
		if (run->scenarios & 1u << i)
			fprintf(f, " %s %.1f s", names[i], run->seconds[i]);
	fprintf(f, " |\n\n");
	fprintf(f, "Times under emulation mean little on their own: compare backends\n");
	fprintf(f, "measured in the same boot, as the ratios do. Counts are counts.\n");
	fprintf(f, "results.tsv has every measurement; its param1 and param2 are, for\n");
	fprintf(f, "scan: BO KiB, percent of pages written; batch: BOs per submit, pages\n");
	fprintf(f, "written per BO (all or one); fault: BO KiB; e2e: pattern, BO KiB;\n");
	fprintf(f, "scale: BOs per submit, pages written per BO; procs: processes.\n");
	if (run->nr_notes)
		fprintf(f, "\nNotes:\n\n");
	for (unsigned int i = 0; i < run->nr_notes; i++)
		fprintf(f, "- %s\n", run->notes[i]);
	fprintf(f, "\n");
}

static void report_scan(const struct bench_run *run, FILE *f)
{
	const struct bench_config *cfg = run->cfg;

	fprintf(f, "## scan\n\n");
	fprintf(f, "One object's tracking scan in its mode with its backend, and the TLB\n");
	fprintf(f, "flush it needs, timed in the kernel under the object's lock\n");
	fprintf(f, "(debugfs scan_timing), in ns per page of the object; median\n");
	fprintf(f, "[min-max] over");
	for (unsigned int i = 0; i < cfg->nr_scan; i++)
		fprintf(f, "%s %u (%s)", i ? "," : "", cfg->scan_reps[i],
			size_label(cfg->scan_kib[i]));
	fprintf(f, " repetitions. Written: share of the\n");
	fprintf(f, "pages given one store each before the scan (10%%: every 10th). The\n");
	fprintf(f, "floor is a read-only walk of every pte of the native pagetable\n");
	fprintf(f, "object, the least a scan has to do.\n\n");

	fprintf(f, "| BO size | written |");
	for (unsigned int b = 0; b < ARRAY_SIZE(backends); b++)
		for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++)
			fprintf(f, " %s %s |", backends[b], tracked_modes[m]);
	fprintf(f, " floor |\n|---|---|");
	for (unsigned int i = 0; i < 2 * ARRAY_SIZE(backends) + 1; i++)
		fprintf(f, "---|");
	fprintf(f, "\n");
	for (unsigned int i = 0; i < cfg->nr_scan; i++) {
		for (unsigned int r = 0; r < ARRAY_SIZE(bench_ratios); r++) {
			unsigned int kib = cfg->scan_kib[i];
			unsigned int pct = bench_ratios[r];

			fprintf(f, "| %s | %u%% |", size_label(kib), pct);
			for (unsigned int b = 0; b < ARRAY_SIZE(backends); b++)
				for (unsigned int m = 0;
				     m < ARRAY_SIZE(tracked_modes); m++)
					fprintf(f, " %s |",
						applies(backends[b],
							tracked_modes[m]) ?
						cell(scan_get(backends[b],
							      tracked_modes[m],
							      kib, pct,
							      "scan_ns_per_page")) :
						"n/a");
			fprintf(f, " %s |\n",
				cell(scan_get("native", "pagetable", kib, pct,
					      "walk_ns_per_page")));
		}
	}

	fprintf(f, "\nRatios of the medians:\n\n");
	fprintf(f, "| BO size | written | native/upstream pagetable |");
	fprintf(f, " native/upstream mkwrite | native pagetable/floor |");
	fprintf(f, " zap/native mkwrite |\n");
	fprintf(f, "|---|---|---|---|---|---|\n");
	for (unsigned int i = 0; i < cfg->nr_scan; i++) {
		for (unsigned int r = 0; r < ARRAY_SIZE(bench_ratios); r++) {
			unsigned int kib = cfg->scan_kib[i];
			unsigned int pct = bench_ratios[r];
			const char *s = "scan_ns_per_page";
			const struct bench_result *npt, *nmk;

			npt = scan_get("native", "pagetable", kib, pct, s);
			nmk = scan_get("native", "mkwrite", kib, pct, s);
			fprintf(f, "| %s | %u%% | %s | %s | %s | %s |\n",
				size_label(kib), pct,
				ratio(npt, scan_get("upstream", "pagetable",
						    kib, pct, s)),
				ratio(nmk, scan_get("upstream", "mkwrite",
						    kib, pct, s)),
				ratio(npt, scan_get("native", "pagetable",
						    kib, pct,
						    "walk_ns_per_page")),
				ratio(scan_get("zap", "mkwrite", kib, pct, s),
				      nmk));
		}
	}
	fprintf(f, "\n");
}

/* A result whose first parameter is a count (BOs, processes). */
static const struct bench_result *count_get(const char *scenario,
					    const char *backend,
					    const char *mode, unsigned int n,
					    const char *param2,
					    const char *metric)
{
	return bench_find(scenario, backend, mode, uint_str(n), param2,
			  metric);
}

static const struct bench_result *batch_get(const char *backend,
					    const char *mode,
					    unsigned int bos, const char *pat,
					    const char *metric)
{
	return count_get("batch", backend, mode, bos, pat, metric);
}

static void report_batch(const struct bench_run *run, FILE *f)
{
	static const char *const metrics[] = {
		"flush_calls_per_cycle", "tlb_ipis_per_cycle",
		"helper_flushes_per_cycle",
	};
	static const char *const pats[] = { "all", "one" };
	const struct bench_config *cfg = run->cfg;

	fprintf(f, "## batch\n\n");
	fprintf(f, "Per submit cycle of N objects of %s: TLB flush calls of the\n",
		size_label(cfg->batch_kib));
	fprintf(f, "process's mm (nr_tlb_remote_flush: a thread of the process spins on\n");
	fprintf(f, "CPU 1 while CPU 0 writes and submits, so every flush call counts),\n");
	fprintf(f, "TLB shootdown IPIs (the TLB: row of /proc/interrupts) and flushes the\n");
	fprintf(f, "helpers issued (STATS tlb_flushes_issued); median [min-max] over %u\n",
		cfg->batch_blocks);
	fprintf(f, "blocks of %u cycles, after %u cycles that fault the ptes in.\n\n",
		cfg->batch_cycles, cfg->batch_warmup);

	for (unsigned int p = 0; p < ARRAY_SIZE(pats); p++) {
		for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
			const char *mode = tracked_modes[m];

			/* every run records the helper's flushes */
			if (!batch_get("native", mode, cfg->batch_bos[0],
				       pats[p], metrics[2]))
				continue;
			fprintf(f, "### %s, a word written in %s\n\n", mode,
				p ? "one page of each BO" :
				"every page of every BO");
			fprintf(f, "| BOs |");
			for (unsigned int b = 0; b < ARRAY_SIZE(backends); b++)
				fprintf(f, " %s flushes | %s IPIs | %s helper |",
					backends[b], backends[b], backends[b]);
			fprintf(f, "\n|---|");
			for (unsigned int b = 0; b < 3 * ARRAY_SIZE(backends);
			     b++)
				fprintf(f, "---|");
			fprintf(f, "\n");
			for (unsigned int i = 0; i < cfg->nr_batch; i++) {
				unsigned int n = cfg->batch_bos[i];

				fprintf(f, "| %u |", n);
				for (unsigned int b = 0;
				     b < ARRAY_SIZE(backends); b++)
					for (unsigned int k = 0;
					     k < ARRAY_SIZE(metrics); k++)
						fprintf(f, " %s |",
							applies(backends[b], mode) ?
							cell(batch_get(backends[b],
								       mode, n,
								       pats[p],
								       metrics[k])) :
							"n/a");
				fprintf(f, "\n");
			}
			fprintf(f, "\n");
		}
	}
}

static void report_scale(const struct bench_run *run, FILE *f)
{
	static const char *const pats[] = { "all", "one" };
	const struct bench_config *cfg = run->cfg;
	unsigned int most = cfg->scale_bos[cfg->nr_scale - 1];
	const struct bench_result *q;

	fprintf(f, "## scale\n\n");
	fprintf(f, "One process submits N objects of %s at once, nothing else\n",
		size_label(cfg->scale_kib));
	fprintf(f, "running: ns of the submit ioctl per object, and the helpers' flushes\n");
	fprintf(f, "per submit; median [min-max] over %u samples of %u submits.\n",
		cfg->scale_samples, cfg->scale_cycles);
	q = count_get("scale", "native", "pagetable", most, "one",
		      "queue_bytes");
	if (q)
		fprintf(f,
			"The flush queue held %s bytes for the %u ranges of a submit of %u\nobjects (one entry per mm, and the spare ones): %s bytes per pending range.\n",
			num(q->median), most, most, num(q->median / most));
	fprintf(f, "\n");
	for (unsigned int p = 0; p < ARRAY_SIZE(pats); p++) {
		for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
			const char *mode = tracked_modes[m];

			if (!count_get("scale", "native", mode,
				       cfg->scale_bos[0], pats[p],
				       "submit_ns_per_bo"))
				continue;
			fprintf(f, "### %s, %s\n\n", mode, p ?
				"one page of each BO written" :
				"every page of every BO written");
			fprintf(f, "| BOs |");
			for (unsigned int b = 0; b < ARRAY_SIZE(backends); b++)
				fprintf(f, " %s ns/BO |", backends[b]);
			fprintf(f, " native flushes |\n|---|");
			for (unsigned int b = 0; b <= ARRAY_SIZE(backends); b++)
				fprintf(f, "---|");
			fprintf(f, "\n");
			for (unsigned int i = 0; i < cfg->nr_scale; i++) {
				unsigned int n = cfg->scale_bos[i];

				fprintf(f, "| %u |", n);
				for (unsigned int b = 0;
				     b < ARRAY_SIZE(backends); b++)
					fprintf(f, " %s |",
						applies(backends[b], mode) ?
						cell(count_get("scale",
							       backends[b],
							       mode, n, pats[p],
							       "submit_ns_per_bo")) :
						"n/a");
				fprintf(f, " %s |\n",
					cell(count_get("scale", "native", mode,
						       n, pats[p],
						       "helper_flushes_per_submit")));
			}
			fprintf(f, "\n");
		}
	}
}

/* native batches across mms; native-mm is the same code flushing per mm. */
static const char *const procs_backends[] = {
	"native", "native-mm", "upstream",
};

static void report_procs(const struct bench_run *run, FILE *f)
{
	static const char *const metrics[] = {
		"helper_flushes_per_submit", "flush_calls_per_submit",
		"tlb_ipis_per_submit",
	};
	static const char *const heads[] = {
		"helper flushes", "remote flush calls", "IPIs",
	};
	const struct bench_config *cfg = run->cfg;

	fprintf(f, "## procs\n\n");
	fprintf(f, "One object of %s mapped by P processes, which run on the CPUs\n",
		size_label(cfg->procs_kib));
	fprintf(f, "other than the submitter's; each writes every page, then one submit.\n");
	fprintf(f, "Per submit: the helpers' flushes, TLB flush calls that reached\n");
	fprintf(f, "another CPU (nr_tlb_remote_flush: IPI rounds) and shootdown IPIs\n");
	fprintf(f, "(/proc/interrupts); native batches the mms' flushes into one,\n");
	fprintf(f, "native-mm is the same code flushing mm by mm; median [min-max] over\n");
	fprintf(f, "%u samples of %u submits.\n\n", cfg->procs_samples,
		cfg->procs_cycles);
	for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
		const char *mode = tracked_modes[m];

		if (!count_get("procs", "native", mode, cfg->procs[0], "-",
			       metrics[0]))
			continue;
		fprintf(f, "### %s\n\n| processes | backend |", mode);
		for (unsigned int k = 0; k < ARRAY_SIZE(heads); k++)
			fprintf(f, " %s |", heads[k]);
		fprintf(f, "\n|---|---|");
		for (unsigned int k = 0; k < ARRAY_SIZE(heads); k++)
			fprintf(f, "---|");
		fprintf(f, "\n");
		for (unsigned int i = 0; i < cfg->nr_procs; i++) {
			for (unsigned int b = 0; b < ARRAY_SIZE(procs_backends);
			     b++) {
				const char *be = procs_backends[b];

				if (!count_get("procs", be, mode, cfg->procs[i],
					       "-", metrics[0]))
					continue;
				fprintf(f, "| %u | %s |", cfg->procs[i], be);
				for (unsigned int k = 0; k < ARRAY_SIZE(metrics);
				     k++)
					fprintf(f, " %s |",
						cell(count_get("procs", be, mode,
							       cfg->procs[i], "-",
							       metrics[k])));
				fprintf(f, "\n");
			}
		}
		fprintf(f, "\n");
	}
}

static void report_fault(const struct bench_run *run, FILE *f)
{
	static const char *const metrics[] = {
		"writes_per_s", "submits_per_s", "pgfaults_per_cycle",
		"mkwrite_faults_per_cycle", "pages_copied_per_cycle",
	};
	const struct bench_config *cfg = run->cfg;
	char p1[16];

	snprintf(p1, sizeof(p1), "%u", cfg->fault_kib);

	fprintf(f, "## fault\n\n");
	fprintf(f, "A cycle: a writer on one CPU stores a word into every page of a %s\n",
		size_label(cfg->fault_kib));
	fprintf(f, "object, then the other CPU submits it; they take turns, so that\n");
	fprintf(f, "their figures repeat. writes/s is the writer's rate in its turn,\n");
	fprintf(f, "submits/s the inverse of the submit's time: median [min-max] over\n");
	fprintf(f, "the cycles of %u runs of %u cycles (the median is a turn that no timer\n",
		cfg->fault_runs, cfg->fault_cycles);
	fprintf(f, "tick landed in), after %u cycles that fault the ptes in. Page faults\n",
		cfg->fault_warmup);
	fprintf(f, "are the whole system's (pgfault), mkwrite faults the object's.\n\n");
	fprintf(f, "| backend | mode | writes/s | submits/s |");
	fprintf(f, " page faults/submit | mkwrite faults/submit |");
	fprintf(f, " pages copied/submit |\n");
	fprintf(f, "|---|---|---|---|---|---|---|\n");
	for (unsigned int b = 0; b < ARRAY_SIZE(backends); b++) {
		for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
			const char *mode = tracked_modes[m];

			fprintf(f, "| %s | %s |", backends[b], mode);
			for (unsigned int k = 0; k < ARRAY_SIZE(metrics); k++)
				fprintf(f, " %s |", applies(backends[b], mode) ?
					cell(bench_find("fault", backends[b],
							mode, p1, "-",
							metrics[k])) :
					"n/a");
			fprintf(f, "\n");
		}
	}
	fprintf(f, "\n");
}

static const char *mode_name(double mode)
{
	static const char *const names[] = {
		"none", "pagetable", "mkwrite", "auto",
	};
	unsigned int m = mode;

	return m < ARRAY_SIZE(names) ? names[m] : "?";
}

static bool e2e_applies(const char *backend, const char *mode)
{
	if (!strcmp(backend, "native"))
		return true;
	if (!strcmp(mode, "none"))
		return false;
	return applies(backend, mode);
}

static void report_e2e(const struct bench_run *run, FILE *f)
{
	const struct bench_config *cfg = run->cfg;
	bool autos = false;
	char p2[16];

	snprintf(p2, sizeof(p2), "%u", cfg->e2e_kib);
	fprintf(f, "## e2e\n\n");
	fprintf(f, "Coherent uploads into a %s object, whole pages per frame: sparse\n",
		size_label(cfg->e2e_kib));
	fprintf(f, "(one page in 64, at random), dense (every page), streaming (an eighth\n");
	fprintf(f, "of the object, moving on each frame); each frame is one submit.\n");
	fprintf(f, "Throughput: MB uploaded per second of uploading and submitting. WA\n");
	fprintf(f, "(write amplification): pages copied to the device per page written.\n");
	fprintf(f, "%u frames of warm-up, then median [min-max] over %u repetitions of %u\n",
		cfg->e2e_warmup, cfg->e2e_reps, cfg->e2e_frames);
	fprintf(f, "frames. none copies every page by design.\n\n");
	fprintf(f, "| pattern | mode |");
	for (unsigned int b = 0; b < ARRAY_SIZE(backends); b++)
		fprintf(f, " %s MB/s | %s WA |", backends[b], backends[b]);
	fprintf(f, "\n|---|---|");
	for (unsigned int b = 0; b < 2 * ARRAY_SIZE(backends); b++)
		fprintf(f, "---|");
	fprintf(f, "\n");
	for (unsigned int p = 0; p < ARRAY_SIZE(bench_patterns); p++) {
		for (unsigned int m = 0; m < ARRAY_SIZE(e2e_modes); m++) {
			const char *mode = e2e_modes[m];

			fprintf(f, "| %s | %s |", bench_patterns[p], mode);
			for (unsigned int b = 0; b < ARRAY_SIZE(backends); b++) {
				bool ok = e2e_applies(backends[b], mode);
				const char *pat = bench_patterns[p];

				fprintf(f, " %s | %s |", ok ?
					cell(bench_find("e2e", backends[b],
							mode, pat, p2,
							"throughput_mb_s")) :
					"n/a", ok ?
					cell(bench_find("e2e", backends[b],
							mode, pat, p2,
							"write_amplification")) :
					"n/a");
			}
			fprintf(f, "\n");
		}
	}
	for (unsigned int b = 0; b < 2; b++) {
		for (unsigned int p = 0; p < ARRAY_SIZE(bench_patterns); p++) {
			const char *pat = bench_patterns[p];
			const struct bench_result *mode, *sw;

			mode = bench_find("e2e", backends[b], "auto", pat, p2,
					  "final_mode");
			sw = bench_find("e2e", backends[b], "auto", pat, p2,
					"mode_switches");
			if (!mode || !sw)
				continue;
			fprintf(f, "%s %s %s %s (mode switches: %.0f)", autos ? "," :
				"\nAUTO's mode after the last frame:",
				backends[b], pat, mode_name(mode->median),
				sw->median);
			autos = true;
		}
	}
	fprintf(f, "%s\n", autos ? ".\n" : "");
}

/* One goal's verdict and the cells that decided it. */
struct goal {
	unsigned int cells;
	unsigned int failed;
	unsigned int missing;
	char detail[1024];
	size_t len;
	unsigned int ratios;	/* native/upstream ratios judged */
	double lowest;		/* the lowest of them */
};

/*
 * The judged figures repeat within 1% from run to run (benchmark.rst):
 * a native figure less than that below upstream's is a tie, not a loss.
 */
#define BENCH_RESOLUTION 0.01

/* Whether native's @n is at least upstream's @u, higher being better. */
static bool goal_at_least(struct goal *g, const struct bench_result *n,
			  const struct bench_result *u)
{
	double r = n->median / u->median;

	if (!g->ratios++ || r < g->lowest)
		g->lowest = r;
	return r >= 1 - BENCH_RESOLUTION;
}

static void goal_fail(struct goal *g, const char *fmt, ...)
{
	va_list ap;

	g->failed++;
	if (g->len >= sizeof(g->detail) - 1)
		return;
	if (g->failed > 1)
		g->len += snprintf(g->detail + g->len,
				   sizeof(g->detail) - g->len, "; ");
	if (g->len >= sizeof(g->detail) - 1)
		return;
	va_start(ap, fmt);
	g->len += vsnprintf(g->detail + g->len, sizeof(g->detail) - g->len,
			    fmt, ap);
	va_end(ap);
}

static void goal_print(FILE *f, const char *what, const struct goal *g)
{
	char lowest[48] = "";

	if (!g->cells) {
		fprintf(f, "- %s: **NOT MEASURED**\n", what);
		return;
	}
	if (g->ratios)
		snprintf(lowest, sizeof(lowest), "; lowest native/upstream %.3f",
			 g->lowest);
	if (!g->failed) {
		fprintf(f, "- %s: **MET** (%u of %u cells%s%s)\n", what,
			g->cells, g->cells,
			g->missing ? ", some not measured" : "", lowest);
		return;
	}
	fprintf(f, "- %s: **NOT MET** in %u of %u cells%s: %s\n", what,
		g->failed, g->cells, lowest, g->detail);
}

static void goal_batch(const struct bench_run *run, FILE *f)
{
	const struct bench_config *cfg = run->cfg;
	unsigned int n = cfg->batch_bos[cfg->nr_batch - 1];
	char what[160];

	for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
		const char *mode = tracked_modes[m];
		const struct bench_result *nf, *uf, *ni, *ui;
		struct goal g = { 0 };

		nf = batch_get("native", mode, n, "all",
			       "flush_calls_per_cycle");
		uf = batch_get("upstream", mode, n, "all",
			       "flush_calls_per_cycle");
		ni = batch_get("native", mode, n, "all", "tlb_ipis_per_cycle");
		ui = batch_get("upstream", mode, n, "all",
			       "tlb_ipis_per_cycle");

		if (nf) {
			g.cells++;
			if (absd(nf->median - 1) > COUNT_SLACK)
				goal_fail(&g, "native %s, want 1",
					  num(nf->median));
		}
		if (uf) {
			g.cells++;
			if (absd(uf->median - n) > COUNT_SLACK)
				goal_fail(&g, "upstream %s, want %u",
					  num(uf->median), n);
		}
		snprintf(what, sizeof(what),
			 "batching, %s, %u BOs: flush calls per cycle native %s (want 1), upstream %s (want %u)",
			 mode, n, nf ? num(nf->median) : "-",
			 uf ? num(uf->median) : "-", n);
		goal_print(f, what, &g);

		memset(&g, 0, sizeof(g));
		if (ni && ui) {
			g.cells++;
			/* native needing no IPI at all is a ratio of infinity */
			if (ni->median ? ui->median < 10 * ni->median :
			    !ui->median)
				goal_fail(&g, "upstream/native %s",
					  ratio(ui, ni));
		}
		snprintf(what, sizeof(what),
			 "batching, %s, %u BOs: shootdown IPIs per cycle upstream %s / native %s = %s (want >= 10)",
			 mode, n, ui ? num(ui->median) : "-",
			 ni ? num(ni->median) : "-", ratio(ui, ni));
		goal_print(f, what, &g);
	}
}

/*
 * The floor only reads the ptes; a clean also rewrites each dirty one and
 * flushes. Split what a written cell costs above the floor by the ptes
 * cleaned, for native and upstream: that shows whether the walk or the
 * per-pte update is where the time goes, and how upstream does at it.
 */
static void scan_floor_why(const struct bench_config *cfg, FILE *f)
{
	const char *s = "scan_ns_per_page";

	fprintf(f,
		"  - why: the floor only reads each pte; a clean also rewrites every dirty one (ptep_modify_prot_start/commit, the update upstream makes too) and flushes, so the written rows cannot stay near the floor. Above the floor, ns per pte cleaned, native vs upstream:");
	for (unsigned int i = 0; i < cfg->nr_scan; i++) {
		for (unsigned int r = 0; r < ARRAY_SIZE(bench_ratios); r++) {
			unsigned int kib = cfg->scan_kib[i];
			unsigned int pct = bench_ratios[r];
			const struct bench_result *nat, *up, *floor;

			if (!pct)
				continue;
			nat = scan_get("native", "pagetable", kib, pct, s);
			up = scan_get("upstream", "pagetable", kib, pct, s);
			floor = scan_get("native", "pagetable", kib, pct,
					 "walk_ns_per_page");
			if (!nat || !up || !floor)
				continue;
			fprintf(f, " %s %u%% %s vs %s;", size_label(kib), pct,
				num((nat->median - floor->median) * 100 / pct),
				num((up->median - floor->median) * 100 / pct));
		}
	}
	fprintf(f, " (the 0%% rows are the walk itself).\n");
}

static void goal_scan(const struct bench_run *run, FILE *f)
{
	const struct bench_config *cfg = run->cfg;
	const char *s = "scan_ns_per_page";
	char what[128];

	for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
		const char *mode = tracked_modes[m];
		struct goal g = { 0 };

		for (unsigned int i = 0; i < cfg->nr_scan; i++) {
			for (unsigned int r = 0; r < ARRAY_SIZE(bench_ratios);
			     r++) {
				unsigned int kib = cfg->scan_kib[i];
				unsigned int pct = bench_ratios[r];
				const struct bench_result *nat, *up;

				nat = scan_get("native", mode, kib, pct, s);
				up = scan_get("upstream", mode, kib, pct, s);
				if (!nat || !up) {
					g.missing++;
					continue;
				}
				g.cells++;
				if (nat->median > up->median)
					goal_fail(&g, "%s %u%%: native %s > upstream %s ns/page",
						  size_label(kib), pct,
						  num(nat->median),
						  num(up->median));
			}
		}
		snprintf(what, sizeof(what),
			 "scan cost, %s: native ns/page <= upstream's for every size and share written",
			 mode);
		goal_print(f, what, &g);
		if (g.failed && !strcmp(mode, "mkwrite"))
			fprintf(f,
				"  - why: a native mkwrite scan cleans and write-protects each pte in one update; upstream's only write-protects and leaves the read-only ptes dirty, which mprotect() can make writable again without a fault and which vcoh has to clean in an extra walk when the object leaves MKWRITE. Compare the timings' min-max: differences inside them are noise.\n");
	}

	struct goal g = { 0 };

	/*
	 * What a scan costs above the read-only walk of the same ptes is
	 * the cost of its pte updates and its flush: per pte cleaned, at
	 * most upstream's. (Where nothing was written, nothing is cleaned:
	 * the goal above compares those rows.)
	 */
	for (unsigned int i = 0; i < cfg->nr_scan; i++) {
		for (unsigned int r = 0; r < ARRAY_SIZE(bench_ratios); r++) {
			unsigned int kib = cfg->scan_kib[i];
			unsigned int pct = bench_ratios[r];
			const struct bench_result *nat, *up, *floor;

			if (!pct)
				continue;
			nat = scan_get("native", "pagetable", kib, pct, s);
			up = scan_get("upstream", "pagetable", kib, pct, s);
			floor = scan_get("native", "pagetable", kib, pct,
					 "walk_ns_per_page");
			if (!nat || !up || !floor) {
				g.missing++;
				continue;
			}
			g.cells++;
			if (nat->median > up->median)
				goal_fail(&g,
					  "%s %u%%: %s ns per pte cleaned above the floor, upstream %s",
					  size_label(kib), pct,
					  num((nat->median - floor->median) *
					      100 / pct),
					  num((up->median - floor->median) *
					      100 / pct));
		}
	}
	goal_print(f,
		   "scan cost above the floor walk, pagetable: native's per pte cleaned at most upstream's",
		   &g);
	if (g.failed)
		scan_floor_why(cfg, f);
}

static void goal_e2e(const struct bench_run *run, FILE *f)
{
	const char *t = "throughput_mb_s";
	struct goal g = { 0 };
	char p2[16];

	snprintf(p2, sizeof(p2), "%u", run->cfg->e2e_kib);

	for (unsigned int p = 0; p < ARRAY_SIZE(bench_patterns); p++) {
		const char *pat = bench_patterns[p];
		const struct bench_result *a, *pt, *mk, *best;

		a = bench_find("e2e", "native", "auto", pat, p2, t);
		pt = bench_find("e2e", "native", "pagetable", pat, p2, t);
		mk = bench_find("e2e", "native", "mkwrite", pat, p2, t);
		if (!a || !pt || !mk) {
			g.missing++;
			continue;
		}
		best = pt->median >= mk->median ? pt : mk;
		g.cells++;
		if (a->median < 0.9 * best->median)
			goal_fail(&g, "%s: auto %s MB/s, %s %s MB/s (%s)", pat,
				  num(a->median), best == pt ? "pagetable" :
				  "mkwrite", num(best->median),
				  num(a->median / best->median));
	}
	goal_print(f, "e2e, native: AUTO within 10% of the better fixed mode, per pattern",
		   &g);

	/* NONE copies every page: the memcpy bound of a dense upload. */
	memset(&g, 0, sizeof(g));
	{
		const struct bench_result *a, *none;

		a = bench_find("e2e", "native", "auto", "dense", p2, t);
		none = bench_find("e2e", "native", "none", "dense", p2, t);
		if (a && none) {
			g.cells++;
			if (a->median < 0.9 * none->median)
				goal_fail(&g, "auto %s MB/s, none %s (%s)",
					  num(a->median), num(none->median),
					  num(a->median / none->median));
		}
	}
	goal_print(f, "e2e, native: dense uploads with AUTO at least 0.9x the rate of NONE",
		   &g);

	memset(&g, 0, sizeof(g));
	for (unsigned int p = 0; p < ARRAY_SIZE(bench_patterns); p++) {
		for (unsigned int m = 0; m < 3; m++) {
			const struct bench_result *n, *u;

			n = bench_find("e2e", "native", e2e_modes[m],
				       bench_patterns[p], p2, t);
			u = bench_find("e2e", "upstream", e2e_modes[m],
				       bench_patterns[p], p2, t);
			if (!n || !u) {
				g.missing++;
				continue;
			}
			g.cells++;
			if (!goal_at_least(&g, n, u))
				goal_fail(&g, "%s %s: native %s MB/s, upstream %s",
					  bench_patterns[p], e2e_modes[m],
					  num(n->median), num(u->median));
		}
	}
	goal_print(f,
		   "e2e: native throughput at least upstream's (within 1%), every pattern and mode",
		   &g);

	memset(&g, 0, sizeof(g));
	for (unsigned int p = 0; p < ARRAY_SIZE(bench_patterns); p++) {
		for (unsigned int b = 0; b < ARRAY_SIZE(backends); b++) {
			for (unsigned int m = 0; m < 3; m++) {
				const char *mode = e2e_modes[m];
				const struct bench_result *wa;

				if (!e2e_applies(backends[b], mode))
					continue;
				wa = bench_find("e2e", backends[b], mode,
						bench_patterns[p], p2,
						"write_amplification");
				if (!wa) {
					g.missing++;
					continue;
				}
				g.cells++;
				/* copied == written divides to exactly 1 */
				if (wa->min != 1 || wa->max != 1)
					goal_fail(&g, "%s %s %s: %s",
						  backends[b], mode,
						  bench_patterns[p], cell(wa));
			}
		}
	}
	goal_print(f, "e2e: write amplification 1.0, page-aligned patterns, tracked modes",
		   &g);
}

/* The writer and the submitter both at least as fast as upstream's. */
static void goal_fault(const struct bench_run *run, FILE *f)
{
	static const char *const metrics[] = { "writes_per_s", "submits_per_s" };
	struct goal g = { 0 };
	char p1[16];

	snprintf(p1, sizeof(p1), "%u", run->cfg->fault_kib);
	for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
		for (unsigned int k = 0; k < ARRAY_SIZE(metrics); k++) {
			const struct bench_result *n, *u;

			n = bench_find("fault", "native", tracked_modes[m], p1,
				       "-", metrics[k]);
			u = bench_find("fault", "upstream", tracked_modes[m], p1,
				       "-", metrics[k]);
			if (!n || !u) {
				g.missing++;
				continue;
			}
			g.cells++;
			if (!goal_at_least(&g, n, u))
				goal_fail(&g, "%s %s: native %s, upstream %s",
					  tracked_modes[m], metrics[k],
					  cell(n), cell(u));
		}
	}
	goal_print(f,
		   "fault: native's writer and submitter at least as fast as upstream's (within 1%), every mode",
		   &g);
}

/* The cost per object at the most objects, against that at 64. */
static void goal_scale(const struct bench_run *run, FILE *f)
{
	static const char *const pats[] = { "all", "one" };
	const struct bench_config *cfg = run->cfg;
	unsigned int most = cfg->scale_bos[cfg->nr_scale - 1];
	struct goal g = { 0 };
	char what[160];

	for (unsigned int p = 0; p < ARRAY_SIZE(pats); p++) {
		for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
			const struct bench_result *r64, *rn;

			r64 = count_get("scale", "native", tracked_modes[m],
					64, pats[p], "submit_ns_per_bo");
			rn = count_get("scale", "native", tracked_modes[m],
				       most, pats[p], "submit_ns_per_bo");
			if (!r64 || !rn || most <= 64)
				continue;
			g.cells++;
			if (rn->median > 1.2 * r64->median)
				goal_fail(&g, "%s %s: %s ns/BO at %u, %s at 64",
					  tracked_modes[m], pats[p],
					  num(rn->median), most,
					  num(r64->median));
		}
	}
	snprintf(what, sizeof(what),
		 "scale: native's submit cost per BO at %u BOs at most 1.2x that at 64",
		 most);
	goal_print(f, what, &g);
}

/* One flush per submit whatever the number of processes. */
static void goal_procs(const struct bench_run *run, FILE *f)
{
	const struct bench_config *cfg = run->cfg;
	unsigned int most = cfg->procs[cfg->nr_procs - 1];
	char what[200];

	for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
		const char *mode = tracked_modes[m];
		const struct bench_result *nh, *nf, *mh;
		struct goal g = { 0 };

		nh = count_get("procs", "native", mode, most, "-",
			       "helper_flushes_per_submit");
		nf = count_get("procs", "native", mode, most, "-",
			       "flush_calls_per_submit");
		mh = count_get("procs", "native-mm", mode, most, "-",
			       "helper_flushes_per_submit");
		if (nh) {
			g.cells++;
			if (absd(nh->median - 1) > COUNT_SLACK)
				goal_fail(&g, "native %s helper flushes",
					  num(nh->median));
		}
		if (nf) {
			g.cells++;
			if (nf->median > 1 + COUNT_SLACK)
				goal_fail(&g, "native %s flush calls",
					  num(nf->median));
		}
		snprintf(what, sizeof(what),
			 "across processes, %s, %u processes: native %s flush and %s remote flush calls per submit (want 1 and at most 1); mm by mm %s",
			 mode, most, nh ? num(nh->median) : "-",
			 nf ? num(nf->median) : "-",
			 mh ? num(mh->median) : "-");
		goal_print(f, what, &g);
	}
}

/*
 * The timed rows, native against upstream, by instructions (this run,
 * under -icount) and by the wall clock (the second run, if any).
 */
static void report_wall(FILE *f)
{
	static const char *const timed[] = {
		"scan_ns_per_page", "throughput_mb_s", "writes_per_s",
		"submits_per_s", "submit_ns_per_bo",
	};

	fprintf(f, "## Wall clock\n\n");
	fprintf(f, "native/upstream of the timed rows, from this run's guest time\n");
	fprintf(f, "(instructions, which the goals judge) and from a run timed by the\n");
	fprintf(f, "wall clock (without -icount, both vCPUs at once).\n\n");
	fprintf(f, "| scenario | mode | params | metric | by instructions | by wall clock |\n");
	fprintf(f, "|---|---|---|---|---|---|\n");
	for (unsigned int i = 0; i < nr_results; i++) {
		const struct bench_result *n = &results[i], *u, *wn, *wu;
		bool wanted = false;

		for (unsigned int k = 0; k < ARRAY_SIZE(timed); k++)
			wanted |= !strcmp(n->metric, timed[k]);
		if (!wanted || strcmp(n->backend, "native"))
			continue;
		u = bench_find(n->scenario, "upstream", n->mode, n->param1,
			       n->param2, n->metric);
		if (!u)
			continue;
		wn = wall_find(n, "native");
		wu = wall_find(n, "upstream");
		fprintf(f, "| %s | %s | %s %s | %s | %s | %s |\n", n->scenario,
			n->mode, n->param1, n->param2, n->metric, ratio(n, u),
			wn && wu ? ratio(wn, wu) : "-");
	}
	fprintf(f, "\n");
}

void bench_report(const struct bench_run *run, FILE *f)
{
	report_header(run, f);
	if (run->scenarios & BENCH_SCAN)
		report_scan(run, f);
	if (run->scenarios & BENCH_BATCH)
		report_batch(run, f);
	if (run->scenarios & BENCH_FAULT)
		report_fault(run, f);
	if (run->scenarios & BENCH_E2E)
		report_e2e(run, f);
	if (run->scenarios & BENCH_SCALE)
		report_scale(run, f);
	if (run->scenarios & BENCH_PROCS)
		report_procs(run, f);
	if (nr_wall)
		report_wall(f);

	fprintf(f, "## Goals\n\n");
	if (run->smoke)
		fprintf(f, "A smoke run measures nothing: its verdicts are no result.\n\n");
	if (run->scenarios & BENCH_BATCH)
		goal_batch(run, f);
	if (run->scenarios & BENCH_SCAN)
		goal_scan(run, f);
	if (run->scenarios & BENCH_E2E)
		goal_e2e(run, f);
	if (run->scenarios & BENCH_FAULT)
		goal_fault(run, f);
	if (run->scenarios & BENCH_SCALE)
		goal_scale(run, f);
	if (run->scenarios & BENCH_PROCS)
		goal_procs(run, f);
	if (!run->scenarios)
		fprintf(f, "No goal concerns the scenarios run.\n");
	fprintf(f, "\n");
}

/* Open @dir/@name for writing; NULL with errno set on failure. */
static FILE *open_in(const char *dir, const char *name)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fopen(path, "w");
}

/* A data file and the title of its line in a plot. */
struct series {
	char file[64];
	char title[48];
};

/*
 * One png of @n lines with error bars, or a comment if none has data.
 * The x range leaves room around the points at its ends, and so does the
 * y range below @ymin unless it is 0.
 */
static void plot(FILE *gp, const char *png, const char *title,
		 const char *xlabel, const char *ylabel, double xmin,
		 double xmax, double ymin, const char *cols,
		 const struct series *s, unsigned int n)
{
	if (!n) {
		fprintf(gp, "\n# %s: nothing measured\n", png);
		return;
	}
	fprintf(gp, "\nset output '%s'\nset title '%s'\n", png, title);
	fprintf(gp, "set xlabel '%s'\nset ylabel '%s'\n", xlabel, ylabel);
	fprintf(gp, "set xrange [%g:%g]\n", xmin / 1.3, xmax * 1.3);
	if (ymin)
		fprintf(gp, "set yrange [%g:*]\n", ymin / 2);
	else
		fprintf(gp, "set yrange [*:*]\n");
	for (unsigned int i = 0; i < n; i++)
		fprintf(gp, "%s '%s' using %s with yerrorlines title '%s'",
			i ? ", \\\n     " : "plot", s[i].file, cols,
			s[i].title);
	fprintf(gp, "\n");
}

/* ns/page against BO size with @pct of the pages written. */
static int plot_scan(const struct bench_run *run, const char *dir,
		     unsigned int pct, const char *png, FILE *gp)
{
	static const char head[] = "# BO MiB, ns per page: median min max\n";
	const struct bench_config *cfg = run->cfg;
	struct series s[2 * ARRAY_SIZE(backends) + 1];
	unsigned int n = 0;
	char title[96];

	for (unsigned int b = 0; b <= ARRAY_SIZE(backends); b++) {
		for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
			bool floor = b == ARRAY_SIZE(backends);
			const char *backend = floor ? "native" : backends[b];
			const char *mode = tracked_modes[m];
			unsigned int points = 0, positive = 0;
			FILE *f = NULL;

			if (!applies(backend, mode) || (floor && m))
				continue;
			if (floor) {
				snprintf(s[n].file, sizeof(s[n].file),
					 "scan-floor-%u.dat", pct);
				snprintf(s[n].title, sizeof(s[n].title),
					 "floor (read-only walk)");
			} else {
				snprintf(s[n].file, sizeof(s[n].file),
					 "scan-%s-%s-%u.dat", backend, mode,
					 pct);
				snprintf(s[n].title, sizeof(s[n].title),
					 "%s %s", backend, mode);
			}
			for (unsigned int i = 0; i < cfg->nr_scan; i++) {
				const struct bench_result *r;

				r = scan_get(backend, mode, cfg->scan_kib[i],
					     pct, floor ? "walk_ns_per_page" :
					     "scan_ns_per_page");
				if (!r)
					continue;
				if (!points++) {
					f = open_in(dir, s[n].file);
					if (!f)
						return -1;
					fputs(head, f);
				}
				fprintf(f, "%g %g %g %g\n",
					cfg->scan_kib[i] / 1024.0, r->median,
					r->min, r->max);
				/* log scale: a line needs a point above 0 */
				positive += r->median > 0;
			}
			if (!points)
				continue;
			if (fclose(f))
				return -1;
			n += positive > 0;
		}
	}
	snprintf(title, sizeof(title),
		 "scan cost with %u%% of the pages written", pct);
	plot(gp, png, title, "BO size (MiB)",
	     "ns per BO page (median, min-max)", cfg->scan_kib[0] / 1024.0,
	     cfg->scan_kib[cfg->nr_scan - 1] / 1024.0, 0, "1:2:3:4", s, n);
	return 0;
}

/* Flush calls and IPIs per submit cycle against the number of BOs. */
static int plot_batch(const struct bench_run *run, const char *dir, FILE *gp)
{
	static const char *const metrics[] = {
		"flush_calls_per_cycle", "tlb_ipis_per_cycle",
		"helper_flushes_per_cycle",
	};
	static const char head[] =
		"# BOs; per cycle median min max: flushes, IPIs, helper flushes\n";
	const struct bench_config *cfg = run->cfg;
	struct series s[2 * ARRAY_SIZE(backends)];
	unsigned int n = 0;

	for (unsigned int b = 0; b < ARRAY_SIZE(backends); b++) {
		for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
			const char *mode = tracked_modes[m];
			unsigned int points = 0, positive = 0;
			FILE *f = NULL;

			if (!applies(backends[b], mode))
				continue;
			snprintf(s[n].file, sizeof(s[n].file),
				 "batch-%s-%s.dat", backends[b], mode);
			snprintf(s[n].title, sizeof(s[n].title), "%s %s",
				 backends[b], mode);
			for (unsigned int i = 0; i < cfg->nr_batch; i++) {
				unsigned int bos = cfg->batch_bos[i];
				const struct bench_result *r[3];

				for (unsigned int k = 0; k < 3; k++)
					r[k] = batch_get(backends[b], mode,
							 bos, "all",
							 metrics[k]);
				if (!r[0] || !r[1] || !r[2])
					continue;
				if (!points++) {
					f = open_in(dir, s[n].file);
					if (!f)
						return -1;
					fputs(head, f);
				}
				fprintf(f, "%u", bos);
				for (unsigned int k = 0; k < 3; k++)
					fprintf(f, " %g %g %g", r[k]->median,
						r[k]->min, r[k]->max);
				fprintf(f, "\n");
				positive += r[0]->median > 0;
			}
			if (!points)
				continue;
			if (fclose(f))
				return -1;
			n += positive > 0;
		}
	}
	/* one flush per cycle is the floor of a plot worth looking at */
	plot(gp, "flushes-per-cycle.png",
	     "TLB flush calls per submit cycle (nr_tlb_remote_flush)",
	     "BOs per submit", "flush calls per cycle (median, min-max)",
	     cfg->batch_bos[0], cfg->batch_bos[cfg->nr_batch - 1], 1,
	     "1:2:3:4", s, n);
	plot(gp, "ipis-per-cycle.png",
	     "TLB shootdown IPIs per submit cycle (/proc/interrupts TLB)",
	     "BOs per submit", "IPIs per cycle (median, min-max)",
	     cfg->batch_bos[0], cfg->batch_bos[cfg->nr_batch - 1], 1,
	     "1:5:6:7", s, n);
	return 0;
}

/*
 * One data file per backend and mode of @scenario's @metric against its
 * first parameter (@xs, @nx of them): the lines of one plot.
 */
static int plot_lines(const char *dir, FILE *gp, const char *scenario,
		      const char *const *names, unsigned int nr_names,
		      const unsigned int *xs, unsigned int nx, const char *pat,
		      const char *metric, const char *png, const char *title,
		      const char *xlabel, const char *ylabel)
{
	struct series s[2 * 3];
	unsigned int n = 0;

	for (unsigned int b = 0; b < nr_names && n < ARRAY_SIZE(s); b++) {
		for (unsigned int m = 0; m < ARRAY_SIZE(tracked_modes); m++) {
			unsigned int points = 0, positive = 0;
			FILE *f = NULL;

			snprintf(s[n].file, sizeof(s[n].file), "%s-%s-%s.dat",
				 scenario, names[b], tracked_modes[m]);
			snprintf(s[n].title, sizeof(s[n].title), "%s %s",
				 names[b], tracked_modes[m]);
			for (unsigned int i = 0; i < nx; i++) {
				const struct bench_result *r;

				r = bench_find(scenario, names[b],
					       tracked_modes[m],
					       uint_str(xs[i]), pat, metric);
				if (!r)
					continue;
				if (!points++) {
					f = open_in(dir, s[n].file);
					if (!f)
						return -1;
					fprintf(f, "# %s; %s median min max\n",
						xlabel, metric);
				}
				fprintf(f, "%u %g %g %g\n", xs[i], r->median,
					r->min, r->max);
				positive += r->median > 0;
			}
			if (!points)
				continue;
			if (fclose(f))
				return -1;
			n += positive > 0;
		}
	}
	plot(gp, png, title, xlabel, ylabel, xs[0], xs[nx - 1], 0, "1:2:3:4",
	     s, n);
	return 0;
}

int bench_write_plots(const struct bench_run *run, const char *dir)
{
	FILE *gp = open_in(dir, "plots.gp");
	int ret = 0;

	if (!gp)
		return -1;
	fprintf(gp, "# vcoh_bench's plots: cd to this directory, then gnuplot plots.gp\n");
	fprintf(gp, "set terminal png size 900,600 noenhanced\n");
	fprintf(gp, "set grid\nset key top left\n");
	fprintf(gp, "set logscale x 2\nset logscale y\n");
	if (run->scenarios & BENCH_SCAN) {
		ret = plot_scan(run, dir, 100, "scan-ns-per-page.png", gp);
		if (!ret)
			ret = plot_scan(run, dir, 10, "scan-ns-per-page-10.png",
					gp);
	}
	if (!ret && run->scenarios & BENCH_BATCH)
		ret = plot_batch(run, dir, gp);
	if (!ret && run->scenarios & BENCH_SCALE)
		ret = plot_lines(dir, gp, "scale", backends,
				 ARRAY_SIZE(backends), run->cfg->scale_bos,
				 run->cfg->nr_scale, "one", "submit_ns_per_bo",
				 "scale-ns-per-bo.png",
				 "submit cost per BO, one page of each written",
				 "BOs per submit", "ns per BO (median, min-max)");
	if (!ret && run->scenarios & BENCH_PROCS)
		ret = plot_lines(dir, gp, "procs", procs_backends,
				 ARRAY_SIZE(procs_backends), run->cfg->procs,
				 run->cfg->nr_procs, "-", "flush_calls_per_submit",
				 "procs-flushes.png",
				 "remote TLB flush calls per submit (nr_tlb_remote_flush)",
				 "processes mapping the BO",
				 "flush calls per submit (median, min-max)");
	if (!ret && run->scenarios & BENCH_PROCS)
		ret = plot_lines(dir, gp, "procs", procs_backends,
				 ARRAY_SIZE(procs_backends), run->cfg->procs,
				 run->cfg->nr_procs, "-", "tlb_ipis_per_submit",
				 "procs-ipis.png",
				 "TLB shootdown IPIs per submit (/proc/interrupts TLB)",
				 "processes mapping the BO",
				 "IPIs per submit (median, min-max)");
	if (fclose(gp))
		ret = -1;
	return ret;
}
