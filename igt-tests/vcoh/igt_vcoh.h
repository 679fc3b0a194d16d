/* SPDX-License-Identifier: MIT */
/*
 * Wrappers of the vcoh ioctls for IGT tests (upstream: lib/igt_vcoh.h).
 * The __ variants return 0 or -errno; the others assert success.
 */
#ifndef IGT_VCOH_H
#define IGT_VCOH_H

#include <stdbool.h>
#include <stdint.h>

#include "vcoh_drm.h"

/*
 * The body of a kernel warning or stack dump, for
 * igt_emit_ignore_dmesg_regex(): the lines between its header (its own
 * to match) and its end, on x86-64 and arm64, which igt_runner's
 * --dmesg-warn-level flags as well. Anchored at the start of the message,
 * so that no report's header line matches: "WARNING: CPU: 0 PID: 1 at"
 * holds "CPU: 0 PID: 1" too.
 */
#define VCOH_DMESG_SPLAT_BODY \
	"^(Modules linked in:|CPU: [0-9]+ (UID|PID): |Tainted: |" \
	"Hardware name: |RIP: |Code: |(RSP|RAX|RDX|RBP|R10|R13|FS|CS|CR2): |" \
	"pstate: |(pc|lr|sp) : |x[0-9]+: |Call [Tt]race:| *</?TASK>|" \
	" *[?]? *[A-Za-z0-9_.]+[+]0x[0-9a-f]+/0x|irq event stamp: |" \
	"(hard|soft)irqs last)"

bool is_vcoh_device(int fd);
int drm_open_vcoh(void);
int drm_open_vcoh_render(void);
int __vcoh_gem_close(int fd, uint32_t handle);

int __vcoh_bo_create(int fd, struct drm_vcoh_bo_create *arg);
uint32_t vcoh_bo_create(int fd, uint64_t size);
uint32_t vcoh_bo_create_tracked(int fd, uint64_t size, uint32_t track);
int __vcoh_bo_mmap_offset(int fd, uint32_t handle, uint64_t *offset);
void *__vcoh_bo_map(int fd, uint32_t handle, uint64_t offset, uint64_t size,
		    int prot, int flags);
void *vcoh_bo_map(int fd, uint32_t handle, uint64_t size, int prot);
int __vcoh_bo_read(int fd, struct drm_vcoh_bo_read *arg);
void vcoh_bo_read(int fd, uint32_t handle, uint64_t offset, void *data,
		  uint64_t size);

int __vcoh_bo_dirty(int fd, struct drm_vcoh_bo_dirty *arg);
void vcoh_bo_dirty(int fd, struct drm_vcoh_dirty_bo *bos, uint32_t count,
		   struct drm_vcoh_bo_dirty *out);

int __vcoh_submit(int fd, struct drm_vcoh_submit *arg);
void vcoh_submit(int fd, const uint32_t *handles, uint32_t count,
		 struct drm_vcoh_submit *out);
int __vcoh_device_write(int fd, struct drm_vcoh_device_write *arg);
void vcoh_device_write(int fd, uint32_t handle, uint64_t offset,
		       const void *data, uint64_t size);
void vcoh_device_fill(int fd, uint32_t handle, uint64_t offset,
		      uint64_t size, uint32_t value);
int __vcoh_device_read(int fd, struct drm_vcoh_device_read *arg);
void vcoh_device_read(int fd, uint32_t handle, uint64_t offset, void *data,
		      uint64_t size);
int __vcoh_stats(int fd, struct drm_vcoh_stats *arg);
void vcoh_stats(int fd, uint32_t handle, struct drm_vcoh_stats *out);

#endif /* IGT_VCOH_H */
