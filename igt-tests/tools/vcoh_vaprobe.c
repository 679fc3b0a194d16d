// SPDX-License-Identifier: MIT
/*
 * vcoh_vaprobe: how many bits of virtual address this process can map,
 * which tells the page-table depth the kernel runs with: 47 on x86-64
 * with 4-level tables, 56 with 5-level (LA57), 48 on arm64 with 48-bit
 * VA. Linux maps above the default 47 or 48 bits only where the address
 * asked for is above them, so each hint, highest first, is tried as is.
 * make check compares the answer with what the machine claims to be.
 *
 * Prints "va_bits N" and "page_size N"; exits 1 if nothing could be
 * mapped at any hint.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);

	for (int bits = 63; bits > 32; bits--) {
		uintptr_t hint = (uintptr_t)1 << (bits - 1);
		void *p = mmap((void *)hint, page, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			       -1, 0);

		if (p == MAP_FAILED)
			continue;
		munmap(p, page);
		if ((uintptr_t)p != hint)
			continue;	/* a kernel without MAP_FIXED_NOREPLACE */
		printf("va_bits %d\npage_size %ld\n", bits, page);
		return 0;
	}
	fprintf(stderr, "vcoh_vaprobe: no hint could be mapped\n");
	return 1;
}
