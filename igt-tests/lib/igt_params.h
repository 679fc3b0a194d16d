/* SPDX-License-Identifier: MIT */
/*
 * IGT's igt_params.h: the module parameters of a DRM device's driver,
 * from debugfs dri/<minor>/<driver>_params if the driver has it, else
 * /sys/module/<driver>/parameters.
 */
#ifndef IGT_PARAMS_H
#define IGT_PARAMS_H

#include <stdbool.h>

int igt_params_open(int device);
/* The value without trailing newlines, to free(); NULL if none. */
char *__igt_params_get(int device, const char *parameter);

__attribute__((format(printf, 3, 4)))
bool igt_params_set(int device, const char *parameter, const char *fmt, ...);
/* As igt_params_set(); the first value saved is restored when the test exits. */
__attribute__((format(printf, 3, 4)))
bool igt_params_save_and_set(int device, const char *parameter, const char *fmt, ...);

void igt_set_module_param(int device, const char *name, const char *val);
void igt_set_module_param_int(int device, const char *name, int val);

#endif /* IGT_PARAMS_H */
