/* SPDX-License-Identifier: MIT */
/* What a test gets from IGT's "igt.h", for the subset this runtime has. */
#ifndef IGT_H
#define IGT_H

#include "drmtest.h"
#include "igt_core.h"
#include "igt_debugfs.h"
#include "igt_kms.h"
#include "igt_params.h"
#include "ioctl_wrappers.h"

#endif /* IGT_H */
