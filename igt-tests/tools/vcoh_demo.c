// SPDX-License-Identifier: MIT
/*
 * vcoh demo: coherent memory with dirty tracking. Four 1 MiB buffer
 * objects, one per tracking mode, get the same CPU writes frame after
 * frame: a band of pages that moves on, idle frames and full writes. Each
 * frame is submitted to the device, whose copy must then equal what the
 * CPU sees. The table shows how many pages each mode copies for the pages
 * written, and AUTO switching between PAGETABLE and MKWRITE.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>

#include "vcoh_drm.h"

#define NPAGES		256	/* 1 MiB objects */
#define BAND		8	/* pages in the moving band */
#define NMODES		4

/*
 * One letter per frame: b, the band moves on; i, idle; f, full write.
 * AUTO starts in PAGETABLE (fewer than 512 pages), goes MKWRITE after the
 * third idle scan and back after the third dense one.
 */
static const char plan[] = "bbiiibbfffbb";

static const char *const mode_name[] = {
	[VCOH_BO_TRACK_NONE] = "none",
	[VCOH_BO_TRACK_PAGETABLE] = "pagetable",
	[VCOH_BO_TRACK_MKWRITE] = "mkwrite",
	[VCOH_BO_TRACK_AUTO] = "auto",
};

struct demo_bo {
	uint32_t handle;
	uint32_t *map;
	struct drm_vcoh_stats stats;	/* as of the last frame */
	int verified;			/* device copy right in every frame */
};

static size_t page_size;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int open_vcoh(void)
{
	char path[32], name[16];

	for (int i = 0; i < 16; i++) {
		drm_version_t v = { .name = name, .name_len = sizeof(name) - 1 };
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!drmIoctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vcoh")) {
			printf("opened %s (driver %s)\n", path, name);
			return fd;
		}
		close(fd);
	}
	fprintf(stderr, "no vcoh device: is the module loaded?\n");
	exit(1);
}

static void get_stats(int fd, uint32_t handle, struct drm_vcoh_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->handle = handle;
	if (drmIoctl(fd, DRM_IOCTL_VCOH_STATS, s))
		die("STATS");
}

static void create(int fd, struct demo_bo *bo, uint32_t mode)
{
	struct drm_vcoh_bo_create create = {
		.size = NPAGES * page_size, .flags = mode,
	};
	struct drm_vcoh_bo_mmap_offset off = { 0 };
	void *map;

	if (drmIoctl(fd, DRM_IOCTL_VCOH_BO_CREATE, &create))
		die("BO_CREATE");
	off.handle = create.handle;
	if (drmIoctl(fd, DRM_IOCTL_VCOH_BO_MMAP_OFFSET, &off))
		die("BO_MMAP_OFFSET");
	map = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   off.offset);
	if (map == MAP_FAILED)
		die("mmap");
	bo->handle = create.handle;
	bo->map = map;
	bo->verified = 1;
	get_stats(fd, bo->handle, &bo->stats);
}

/* Write pages [first, first + n) of every object, tagged with the frame. */
static void cpu_write(struct demo_bo *bos, unsigned int frame,
		      unsigned int first, unsigned int n)
{
	size_t words = page_size / sizeof(uint32_t);

	for (int m = 0; m < NMODES; m++)
		for (unsigned int p = first; p < first + n; p++)
			for (size_t i = 0; i < words; i++)
				bos[m].map[p * words + i] =
					frame << 24 | p << 12 | i;
}

/* Does the device's copy equal what the CPU sees? */
static int device_matches(int fd, const struct demo_bo *bo, void *buf)
{
	struct drm_vcoh_device_read rd = {
		.handle = bo->handle,
		.size = NPAGES * page_size,
		.data_ptr = (uintptr_t)buf,
	};

	if (drmIoctl(fd, DRM_IOCTL_VCOH_DEVICE_READ, &rd))
		die("DEVICE_READ");
	return !memcmp(buf, bo->map, rd.size);
}

int main(void)
{
	struct demo_bo bos[NMODES];
	uint32_t handles[NMODES];
	unsigned long written = 0;
	int fd, all_ok = 1;
	void *buf;

	page_size = sysconf(_SC_PAGESIZE);
	fd = open_vcoh();
	buf = malloc(NPAGES * page_size);
	if (!buf)
		die("malloc");
	for (int m = 0; m < NMODES; m++) {
		create(fd, &bos[m], m);
		handles[m] = bos[m].handle;
	}
	printf("%d objects of %d pages, one per tracking mode, written alike\n\n",
	       NMODES, NPAGES);
	printf("%-5s %-12s %7s  %-33s %7s  %-12s %s\n", "", "", "pages",
	       "---- pages copied per mode -----", "tlb", "", "device");
	printf("%-5s %-12s %7s  %5s %9s %8s %8s  %7s  %-12s %s\n", "frame",
	       "pattern", "written", "none", "pagetable", "mkwrite", "auto",
	       "flushes", "auto mode", "= cpu");

	for (unsigned int frame = 0; frame < sizeof(plan) - 1; frame++) {
		struct drm_vcoh_submit submit = {
			.handles_ptr = (uintptr_t)handles, .count = NMODES,
		};
		unsigned int first = 0, n = 0;
		char pattern[16], mode[24] = "";
		int ok = 1;

		if (plan[frame] == 'b') {
			first = frame * 21 % (NPAGES - BAND);
			n = BAND;
			snprintf(pattern, sizeof(pattern), "band %u-%u", first,
				 first + n - 1);
		} else {
			n = plan[frame] == 'f' ? NPAGES : 0;
			snprintf(pattern, sizeof(pattern), "%s", n ? "full" : "idle");
		}
		cpu_write(bos, frame, first, n);
		written += n;
		if (drmIoctl(fd, DRM_IOCTL_VCOH_SUBMIT, &submit))
			die("SUBMIT");

		printf("%5u %-12s %7u ", frame, pattern, n);
		for (int m = 0; m < NMODES; m++) {
			struct drm_vcoh_stats s;
			int match = device_matches(fd, &bos[m], buf);

			get_stats(fd, bos[m].handle, &s);
			printf(" %*llu", m == 1 ? 9 : m ? 8 : 5,
			       (unsigned long long)(s.pages_copied -
						    bos[m].stats.pages_copied));
			if (m == VCOH_BO_TRACK_AUTO)
				snprintf(mode, sizeof(mode), "%s%s",
					 s.mode_switches >
					 bos[m].stats.mode_switches ? "-> " : "",
					 mode_name[s.mode]);
			bos[m].stats = s;
			bos[m].verified &= match;
			ok &= match;
		}
		all_ok &= ok;
		printf("  %7llu  %-12s %s\n",
		       (unsigned long long)submit.tlb_flushes, mode,
		       ok ? "yes" : "NO");
	}

	printf("\ntotals: the CPU wrote %lu pages into each object\n",
	       written);
	printf("%-10s %8s %8s %10s %8s %8s %8s  %s\n", "mode", "dirty",
	       "copied", "copied per", "tlb", "mkwrite", "mode", "device copy");
	printf("%-10s %8s %8s %10s %8s %8s %8s  %s\n", "", "found",
	       "", "written", "flushes", "faults", "switches", "verified");
	for (int m = 0; m < NMODES; m++) {
		const struct drm_vcoh_stats *s = &bos[m].stats;

		printf("%-10s %8llu %8llu %9.2fx %8llu %8llu %8llu  %s\n",
		       mode_name[m], (unsigned long long)s->pages_dirty,
		       (unsigned long long)s->pages_copied,
		       written ? (double)s->pages_copied / written : 0.0,
		       (unsigned long long)s->tlb_flushes_issued,
		       (unsigned long long)s->mkwrite_faults,
		       (unsigned long long)s->mode_switches,
		       bos[m].verified ? "yes" : "NO");
	}
	printf("\n%s: the device copy %s what the CPU wrote\n",
	       all_ok ? "OK" : "FAIL", all_ok ? "always equals" : "differs from");
	free(buf);
	close(fd);
	return all_ok ? 0 : 1;
}
