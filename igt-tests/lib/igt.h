/* SPDX-License-Identifier: MIT */
/* What a test gets from IGT's "igt.h", for the subset this runtime has. */
#ifndef IGT_H
#define IGT_H

#include "drmtest.h"
#include "igt_core.h"

#endif /* IGT_H */
