// SPDX-License-Identifier: MIT
/*
 * Opening DRM devices; see drmtest.h.
 */
#define IGT_LOG_DOMAIN "drmtest"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "drmtest.h"

static const struct {
	unsigned int bit;
	const char *name;
} modules[] = {
	{ DRIVER_AMDGPU, "amdgpu" }, { DRIVER_INTEL, "i915" },
	{ DRIVER_MSM, "msm" }, { DRIVER_PANFROST, "panfrost" },
	{ DRIVER_V3D, "v3d" }, { DRIVER_VC4, "vc4" }, { DRIVER_VGEM, "vgem" },
	{ DRIVER_VIRTIO, "virtio_gpu" }, { DRIVER_VKMS, "vkms" },
	{ DRIVER_VMWGFX, "vmwgfx" }, { DRIVER_XE, "xe" },
};

static char forced[16];
static bool forced_set;

void __set_forced_driver(const char *name)
{
	if (!name) {
		igt_warn("No driver specified, keep default behaviour\n");
		return;
	}
	snprintf(forced, sizeof(forced), "%s", name);
	forced_set = true;
}

/* IGT_FORCE_DRIVER, read once; unset and empty both mean none. */
static const char *forced_driver(void)
{
	if (!forced_set) {
		const char *env = getenv("IGT_FORCE_DRIVER");

		if (env)
			__set_forced_driver(env);
		forced_set = true;
	}
	return forced[0] ? forced : NULL;
}

/* The DRIVER_ flag of a driver name; DRIVER_ANY for one IGT does not know. */
static unsigned int chipset_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++)
		if (!strcmp(modules[i].name, name))
			return modules[i].bit;
	return DRIVER_ANY;
}

static const char *chipset_to_str(int chipset)
{
	if (chipset == DRIVER_INTEL)
		return "intel";
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++)
		if ((int)modules[i].bit == chipset)
			return modules[i].name;
	return chipset == DRIVER_ANY ? "any" : "other";
}

static void log_opened_device_path(const char *path)
{
	static char *opened[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opened) && opened[i]; i++) {
		if (!strcmp(opened[i], path)) {
			igt_debug("Opened previously opened device: %s\n", path);
			return;
		}
	}
	if (i < ARRAY_SIZE(opened))
		opened[i] = strdup(path);
	igt_info("Opened device: %s\n", path);
}

static int open_device(const char *path, unsigned int chipset)
{
	char name[16] = "";
	drm_version_t v = { .name = name, .name_len = sizeof(name) - 1 };
	const char *force = forced_driver();
	unsigned int chip;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	if (drmIoctl(fd, DRM_IOCTL_VERSION, &v))
		goto err;

	if (force && chipset == (unsigned int)DRIVER_ANY && strcmp(force, name)) {
		igt_debug("Expected driver \"%s\" but got \"%s\"\n", force, name);
		goto err;
	}
	chip = chipset_of(name);
	if ((chipset & chip) == chip) {
		log_opened_device_path(path);
		return fd;
	}
err:
	close(fd);
	return -1;
}

static int search_and_open(const char *base, int offset, unsigned int chipset)
{
	if (forced_driver())
		igt_debug("Force option used: Using driver %s\n", forced_driver());
	for (int i = 0; i < 16; i++) {
		char path[80];
		int fd;

		snprintf(path, sizeof(path), "%s%u", base, i + offset);
		fd = open_device(path, chipset);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

int __drm_open_driver(int chipset)
{
	return search_and_open("/dev/dri/card", 0, chipset);
}

int __drm_open_driver_render(int chipset)
{
	return search_and_open("/dev/dri/renderD", 128, chipset);
}

int drm_open_driver(int chipset)
{
	int fd = __drm_open_driver(chipset);

	igt_skip_on_f(fd < 0, "No known gpu found for chipset flags 0x%u (%s)\n",
		      chipset, chipset_to_str(chipset));
	return fd;
}

/* A render node, or the primary node if the driver has none. */
int drm_open_driver_render(int chipset)
{
	int fd = __drm_open_driver_render(chipset);

	return fd >= 0 ? fd : drm_open_driver(chipset);
}

int drm_close_driver(int fd)
{
	if (fd < 3 || fcntl(fd, F_GETFD) < 0) {
		igt_warn("Don't attempt to close standard/invalid file descriptor: %d\n",
			 fd);
		return -1;
	}
	return close(fd);
}
