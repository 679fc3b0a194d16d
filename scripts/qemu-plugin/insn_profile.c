// SPDX-License-Identifier: GPL-2.0
/*
 * insn_profile: a QEMU TCG plugin that counts the guest instructions each
 * translation block executed, for finding where the instructions of a
 * benchmark go. At exit it writes "address instructions" lines (the
 * address in 16 hex digits), one per translation, summed over the vCPUs,
 * to the file given as outfile=PATH. scripts/insn-profile folds them into
 * the kernel's functions.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_api.h"

#define __maybe_unused	__attribute__((unused))

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/*
 * One counter per translation. The inline add is not atomic: run with
 * -icount (one thread for all vCPUs) for exact counts.
 */
struct block {
	uint64_t vaddr;
	uint64_t insns;		/* added per execution */
	struct block *next;
};

static struct block *blocks;
static const char *outfile = "insn_profile.txt";

static void tb_trans(qemu_plugin_id_t id __maybe_unused,
		     struct qemu_plugin_tb *tb)
{
	struct block *b = calloc(1, sizeof(*b));

	if (!b)
		abort();
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	/* Translation is serialized: the list needs no lock. */
	b->next = blocks;
	blocks = b;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->insns,
						 qemu_plugin_tb_n_insns(tb));
}

static void at_exit(qemu_plugin_id_t id __maybe_unused,
		    void *userdata __maybe_unused)
{
	FILE *f = fopen(outfile, "w");

	if (!f)
		return;
	for (struct block *b = blocks; b; b = b->next)
		if (b->insns)
			fprintf(f, "%016" PRIx64 " %" PRIu64 "\n", b->vaddr,
				b->insns);
	fclose(f);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info
					   __maybe_unused, int argc,
					   char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "outfile=", 8))
			outfile = argv[i] + 8;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
