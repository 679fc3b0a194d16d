// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh backends: the code that cleans and write-protects an object's ptes,
 * which the tracking logic (vcoh_dirty.c) calls through struct
 * vcoh_backend_ops.
 *
 * native: the page-table dirty-tracking helpers, whose TLB flushes wait in
 * the device's flush queue until the submit flushes them all at once. It
 * is the driver's only backend unless CONFIG_DRM_VCOH_BENCH builds the
 * benchmark's two others in (vcoh_backend_upstream.c, vcoh_backend_zap.c),
 * so that the benchmark and the tests compare the three in one boot.
 */

#include <linux/ptedirty.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "vcoh_drv.h"

/* native records, cleans and write-protects in one pte update. */
static long vcoh_native_clean(struct vcoh_bo *bo)
{
	return ptedirty_clean(vcoh_bo_mapping(bo), vcoh_bo_index(bo),
			      bo->num_pages, &bo->dirty, &bo->dirty_ctx);
}

/* In MKWRITE mode it records nothing new: only written pages are writable. */
static long vcoh_native_protect(struct vcoh_bo *bo, pgoff_t first, pgoff_t nr)
{
	return ptedirty_clean_wrprotect(vcoh_bo_mapping(bo),
					vcoh_bo_index(bo) + first, nr,
					&bo->dirty, &bo->dirty_ctx);
}

static const struct vcoh_backend_ops vcoh_backend_native = {
	.name = "native",
	.clean = vcoh_native_clean,
	.protect = vcoh_native_protect,
};

enum {
	VCOH_BACKEND_NATIVE,
	VCOH_BACKEND_UPSTREAM,
	VCOH_BACKEND_ZAP,
	VCOH_BACKENDS
};

/* Every name the parameter knows, built in or not. */
static const char * const vcoh_backend_names[VCOH_BACKENDS] = {
	[VCOH_BACKEND_NATIVE] = "native",
	[VCOH_BACKEND_UPSTREAM] = "upstream",
	[VCOH_BACKEND_ZAP] = "zap",
};

/* NULL: not built in. */
static const struct vcoh_backend_ops * const vcoh_backends[VCOH_BACKENDS] = {
	[VCOH_BACKEND_NATIVE] = &vcoh_backend_native,
#if IS_ENABLED(CONFIG_DRM_VCOH_BENCH)
	[VCOH_BACKEND_UPSTREAM] = &vcoh_backend_upstream,
	[VCOH_BACKEND_ZAP] = &vcoh_backend_zap,
#endif
};

static unsigned int vcoh_backend = VCOH_BACKEND_NATIVE;

static int vcoh_backend_param_set(const char *val,
				  const struct kernel_param *kp)
{
	int i = sysfs_match_string(vcoh_backend_names, val);

	if (i < 0)
		return -EINVAL;
	if (!vcoh_backends[i])
		return -EOPNOTSUPP;
	WRITE_ONCE(vcoh_backend, i);
	return 0;
}

static int vcoh_backend_param_get(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%s\n",
			 vcoh_backends[READ_ONCE(vcoh_backend)]->name);
}

static const struct kernel_param_ops vcoh_backend_param_ops = {
	.set = vcoh_backend_param_set,
	.get = vcoh_backend_param_get,
};
module_param_cb(backend, &vcoh_backend_param_ops, NULL, 0644);
MODULE_PARM_DESC(backend,
		 "Dirty tracking of objects created from now on: native (default); for benchmarks, with CONFIG_DRM_VCOH_BENCH, upstream (mm/mapping_dirty_helpers.c) or zap (unmap and refault), which otherwise fail with EOPNOTSUPP");

/**
 * vcoh_backend_current - the backend a new object gets
 *
 * Return: the backend the parameter chose, native by default.
 */
const struct vcoh_backend_ops *vcoh_backend_current(void)
{
	return vcoh_backends[READ_ONCE(vcoh_backend)];
}
