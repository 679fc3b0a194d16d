// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh's zap backend, for the benchmark (CONFIG_DRM_VCOH_BENCH): unmap the
 * pages and let the next access fault them back in, all a driver built as
 * a module can do without core-mm helpers. It cannot read dirty bits, so
 * it has no clean and its objects track in MKWRITE mode: pfn_mkwrite has
 * recorded every write to the ptes it removes.
 */

#include <linux/mm.h>

#include "vcoh_drv.h"

/* Return: 0, as the ptes removed are not counted. */
static long vcoh_zap_protect(struct vcoh_bo *bo, pgoff_t first, pgoff_t nr)
{
	unmap_mapping_pages(vcoh_bo_mapping(bo), vcoh_bo_index(bo) + first, nr,
			    false);
	return 0;
}

const struct vcoh_backend_ops vcoh_backend_zap = {
	.name = "zap",
	.protect = vcoh_zap_protect,
};
