// SPDX-License-Identifier: MIT
/*
 * The buffer object most vcoh tests start from, the tracking modes, the
 * AUTO heuristic's parameters and the driver's debugfs files; see
 * igt_vcoh_bo.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "igt_debugfs.h"
#include "igt_params.h"
#include "igt_vcoh.h"
#include "igt_vcoh_bo.h"
#include "igt_vcoh_util.h"

const struct vcoh_mode vcoh_modes[VCOH_BO_TRACK_MASK + 1] = {
	[VCOH_BO_TRACK_NONE] = { "none", VCOH_BO_TRACK_NONE },
	[VCOH_BO_TRACK_PAGETABLE] = { "pagetable", VCOH_BO_TRACK_PAGETABLE },
	[VCOH_BO_TRACK_MKWRITE] = { "mkwrite", VCOH_BO_TRACK_MKWRITE },
	[VCOH_BO_TRACK_AUTO] = { "auto", VCOH_BO_TRACK_AUTO },
};

/*
 * The mode of @set after @m, the first for NULL; NULL after the last:
 * for (m = vcoh_mode_next(NULL, set); m; m = vcoh_mode_next(m, set)).
 */
const struct vcoh_mode *vcoh_mode_next(const struct vcoh_mode *m,
				       unsigned int set)
{
	for (m = m ? m + 1 : vcoh_modes; m < vcoh_modes + ARRAY_SIZE(vcoh_modes);
	     m++)
		if (set >> m->track & 1)
			return m;
	return NULL;
}

/*
 * A subtest per case, with a dynamic subtest per mode of @set: CASE@MODE.
 * @fd is read when a subtest runs, after the test's fixture opened it.
 */
void vcoh_mode_subtests(const int *fd, const struct vcoh_mode_case *cases,
			size_t count, unsigned int set)
{
	const struct vcoh_mode *m;

	for (size_t c = 0; c < count; c++) {
		igt_describe(cases[c].desc);
		igt_subtest_with_dynamic(cases[c].name) {
			for (m = vcoh_mode_next(NULL, set); m;
			     m = vcoh_mode_next(m, set))
				igt_dynamic(m->name)
					cases[c].fn(*fd, m->track);
		}
	}
}

/* An object of @npages pages tracked in @track, mapped read-write. */
struct vcoh_bo vcoh_bo_new(int fd, size_t npages, uint32_t track)
{
	struct vcoh_bo b = {
		.track = track,
		.npages = npages,
		.size = npages * getpagesize(),
	};

	b.handle = vcoh_bo_create_tracked(fd, b.size, track);
	igt_assert_eq(__vcoh_bo_mmap_offset(fd, b.handle, &b.offset), 0);
	b.map = vcoh_bo_map(fd, b.handle, b.size, PROT_READ | PROT_WRITE);
	return b;
}

void vcoh_bo_free(int fd, struct vcoh_bo *b)
{
	if (b->map)
		munmap(b->map, b->size);
	b->map = NULL;
	gem_close(fd, b->handle);
}

/* The device memory of @b holds @want. */
void vcoh_bo_check_device(int fd, const struct vcoh_bo *b,
			  const uint8_t *want, const char *what)
{
	uint8_t *dev = xzalloc(b->size);

	vcoh_device_read(fd, b->handle, 0, dev, b->size);
	check_bytes(dev, want, b->size, what);
	free(dev);
}

/* The device memory of @b holds what the CPU sees through the mapping. */
void vcoh_bo_check_device_is_cpu(int fd, const struct vcoh_bo *b)
{
	vcoh_bo_check_device(fd, b, b->map,
			     "device memory against the CPU's view");
}

/* Module parameter @name of the driver of @fd, @dflt if it has none. */
unsigned int vcoh_param_get(int fd, const char *name, unsigned int dflt)
{
	char *val = __igt_params_get(fd, name), *end;
	unsigned long v;

	if (!val)
		return dflt;
	v = strtoul(val, &end, 10);
	if (end == val || *end)
		v = dflt;
	free(val);
	return v;
}

struct vcoh_auto_params vcoh_auto_params(int fd)
{
	struct vcoh_auto_params ap = {
		.max_pages = vcoh_param_get(fd, "auto_pagetable_max_pages", 512),
		.switch_scans = vcoh_param_get(fd, "auto_switch_scans", 2),
		.dense_percent = vcoh_param_get(fd, "auto_dense_percent", 1),
	};

	igt_debug("auto: max_pages %u, switch_scans %u, dense_percent %u\n",
		  ap.max_pages, ap.switch_scans, ap.dense_percent);
	return ap;
}

/* The mode an object of @npages pages created in @track starts in. */
uint32_t vcoh_auto_initial_mode(const struct vcoh_auto_params *ap,
				uint32_t track, size_t npages)
{
	if (track != VCOH_BO_TRACK_AUTO)
		return track;
	return npages < ap->max_pages ? VCOH_BO_TRACK_PAGETABLE :
					VCOH_BO_TRACK_MKWRITE;
}

/* Fewest pages written that make a scan of @npages pages dense. */
size_t vcoh_auto_dense_pages(const struct vcoh_auto_params *ap,
			     size_t npages)
{
	return (size_t)ap->dense_percent * npages / 100 + 1;
}

/*
 * Debugfs file @name of @fd's DRM device into @buf, NUL-terminated; false
 * if debugfs or the file is not there.
 */
bool vcoh_debugfs_read(int fd, const char *name, char *buf, size_t size)
{
	int dir = igt_debugfs_dir(fd);
	int len;

	buf[0] = '\0';
	if (dir < 0)
		return false;
	len = igt_debugfs_simple_read(dir, name, buf, size);
	close(dir);
	return len >= 0;
}

/*
 * The line of debugfs bos for the object mapped at mmap offset @offset,
 * into @line; false if debugfs is not there.
 */
bool vcoh_debugfs_bo_line(int fd, uint64_t offset, char *line, size_t size)
{
	static char buf[1 << 16];
	char key[64], *p;

	if (!vcoh_debugfs_read(fd, "bos", buf, sizeof(buf)))
		return false;
	snprintf(key, sizeof(key), "offset 0x%llx ",
		 (unsigned long long)offset);
	p = strstr(buf, key);
	igt_assert_f(p, "no line for %s in bos\n", key);
	*strchrnul(p, '\n') = '\0';
	snprintf(line, size, "%s", p);
	return true;
}
