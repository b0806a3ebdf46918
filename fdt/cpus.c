// SPDX-License-Identifier: GPL-2.0
/*
 * /cpus: one node per vCPU, one thread each. Linux takes the processor's
 * features from its PVR (cputable) and then lets the boot CPU's node add and
 * remove some of them, so these nodes are where the guest learns which MMU
 * it may use and which optional facilities are really there.
 */
#include <stdio.h>
#include <string.h>

#include "lkvm/pseries.h"
#include "lkvm/util.h"

#include "fdt-internal.h"

struct cpu_generation {
	uint16_t version;	/* upper half of the PVR */
	const char *name;
	/* L1 sizes per core: only reported (sysfs cache info), but without
	 * d-cache-size/i-cache-size Linux warns that it found no cache
	 * properties at all */
	uint32_t l1d_size;
	uint32_t l1i_size;
};

static const struct cpu_generation cpu_generations[] = {
	{ 0x004e, "POWER9", 32 * KiB, 32 * KiB },
	{ 0x0080, "POWER10", 32 * KiB, 48 * KiB },
};

/* SLB entries on POWER9 and POWER10; only a hash guest would use them. */
#define CPU_SLB_SIZE		32

/*
 * ibm,pa-features: a descriptor header (data length, type 0) and the data
 * bytes. Linux walks a fixed table of (byte, bit) pairs and, for every pair
 * inside the data, sets the feature when the bit is 1 and CLEARS it when the
 * bit is 0. So every bit it knows is a decision, and the data must be long
 * enough to reach byte 64, the last one it looks at.
 */
#define PA_DATA_LEN		66
#define PA_BIT(n)		(0x80 >> (n))	/* PAPR numbers bits from the MSB */

static void cpu_pa_features(uint8_t pa[2 + PA_DATA_LEN])
{
	uint8_t *d = pa + 2;

	memset(pa, 0, 2 + PA_DATA_LEN);
	pa[0] = PA_DATA_LEN;
	pa[1] = 0;			/* descriptor type 0: the one Linux reads */
	d[0] = PA_BIT(0) |		/* MMU */
	       PA_BIT(1) |		/* FPU */
	       PA_BIT(3) |		/* CTRL register */
	       PA_BIT(6);		/* no-execute */
	d[1] = PA_BIT(2);		/* cache-inhibited large pages */
	d[5] = PA_BIT(0);		/* true little-endian */
	d[40] = PA_BIT(0);		/* radix MMU (and GTSE with it) */
	/*
	 * d[22] (transactional memory) and d[64] (second DAWR) stay 0: the
	 * host KVM offers neither, and a 0 makes Linux drop what its cputable
	 * entry for the PVR would otherwise assume.
	 */
}

/*
 * ibm,processor-radix-AP-encodings: one cell per page size, the ISA's AP
 * (actual page size) code in the top 3 bits and log2(page size) below.
 * Linux keeps only the shifts it knows (12, 16, 21, 30); without the
 * property it would assume 4K and 64K only, and map the kernel without
 * 2M/1G pages.
 */
#define RADIX_AP(ap, shift)	(((uint32_t)(ap) << 29) | (shift))

static const uint32_t radix_ap_encodings[] = {
	RADIX_AP(0, 12),	/* 4K */
	RADIX_AP(5, 16),	/* 64K */
	RADIX_AP(1, 21),	/* 2M */
	RADIX_AP(2, 30),	/* 1G */
};

/*
 * ibm,mmu-pid-bits: how many PIDs (address spaces) the guest may use, which
 * sizes the process table it allocates and zeroes in early boot: 16 bytes
 * per PID, 16 MiB for the 20 bits Linux assumes without the property. Every
 * address space needs at least a 64 KiB radix PGD, so a guest can never
 * hold more of them than RAM / 64 KiB: that bound (at least 16 bits, 1 MiB
 * of table, and at most the POWER9/10 limit of 20) costs the guest nothing
 * and saves it 15 MiB of RAM and most of a 16 MiB memset before its clock
 * even starts. (On POWER9 before DD2.2, which includes QEMU's emulated
 * POWER9, Linux guests use 19 bits whatever the tree says.)
 */
#define MMU_PID_BITS_MIN	16
#define MMU_PID_BITS_MAX	20
#define RADIX_PGD_SHIFT		16	/* log2 of a 64K-page radix PGD */

uint32_t fdt__mmu_pid_bits(uint64_t ram_size)
{
	uint32_t bits = MMU_PID_BITS_MIN;

	while (bits < MMU_PID_BITS_MAX && (1ULL << (bits + RADIX_PGD_SHIFT)) < ram_size)
		bits++;
	return bits;
}

static const struct cpu_generation *cpu_generation_of(uint32_t pvr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cpu_generations); i++)
		if (cpu_generations[i].version == pvr >> 16)
			return &cpu_generations[i];
	return NULL;
}

const char *fdt__cpu_generation(uint32_t pvr)
{
	const struct cpu_generation *gen = cpu_generation_of(pvr);

	return gen ? gen->name : NULL;
}

static void cpu_node(struct fdt_writer *w, const struct pseries *p,
		     const struct cpu_generation *gen, unsigned int id)
{
	const struct cpu_info *ci = &p->cpu_info;
	uint8_t pa[2 + PA_DATA_LEN];
	char name[64];

	snprintf(name, sizeof(name), "PowerPC,%s@%x", gen->name, id);
	cpu_pa_features(pa);

	fdtw_begin(w, name);
	fdtw_str(w, "device_type", "cpu");
	fdtw_u32(w, "reg", id);
	/* Linux matches boot_cpuid_phys against this, and XICS and the RTAS
	 * start-cpu call use the same number */
	fdtw_u32(w, "ibm,ppc-interrupt-server#s", id);
	/* informational: only a logical PVR (0x0f...) changes Linux's mind */
	fdtw_u32(w, "cpu-version", ci->pvr);
	fdtw_u32(w, "timebase-frequency", ci->timebase_hz);
	fdtw_u32(w, "clock-frequency", ci->clock_hz);
	fdtw_u32(w, "d-cache-size", gen->l1d_size);
	fdtw_u32(w, "i-cache-size", gen->l1i_size);
	fdtw_u32(w, "d-cache-block-size", ci->dcache_block);
	fdtw_u32(w, "i-cache-block-size", ci->icache_block);
	fdtw_u32(w, "d-cache-line-size", ci->dcache_block);
	fdtw_u32(w, "i-cache-line-size", ci->icache_block);
	fdtw_u32(w, "ibm,slb-size", CPU_SLB_SIZE);
	fdtw_cells(w, "ibm,processor-radix-AP-encodings", radix_ap_encodings,
		   ARRAY_SIZE(radix_ap_encodings));
	fdtw_u32(w, "ibm,mmu-pid-bits", fdt__mmu_pid_bits(p->map.ram_size));
	fdtw_prop(w, "ibm,pa-features", pa, sizeof(pa));
	fdtw_u32(w, "ibm,vmx", 2);	/* 2 = VMX and VSX */
	fdtw_u32(w, "ibm,dfp", 1);
	fdtw_empty(w, "64-bit");
	fdtw_str(w, "status", "okay");
	fdtw_end(w);
}

void fdt__cpus(struct fdt_writer *w, const struct pseries *p)
{
	const struct cpu_generation *gen = cpu_generation_of(p->cpu_info.pvr);
	unsigned int i;

	/* fdt__build() refused unknown processors before starting */
	if (!gen) {
		if (!w->err)
			w->err = -FDT_ERR_BADVALUE;
		return;
	}

	fdtw_begin(w, "cpus");
	fdtw_u32(w, "#address-cells", 1);
	fdtw_u32(w, "#size-cells", 0);
	for (i = 0; i < p->nr_cpus; i++)
		cpu_node(w, p, gen, i);
	fdtw_end(w);
}
