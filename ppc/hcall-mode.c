// SPDX-License-Identifier: GPL-2.0
/*
 * The partition-wide mode hcalls an ISA 3.0 guest makes while booting:
 * H_SET_MODE (interrupt endianness) and H_REGISTER_PROC_TBL (radix MMU).
 * A little-endian Linux panics if the first fails and BUG()s if the second
 * does, so both accept exactly what Linux sends and refuse the rest with
 * the code PAPR names for the offending parameter.
 */
#include <linux/kvm.h>

#include "lkvm/hcall.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/util.h"

/*
 * <linux/kvm.h> gets these from the powerpc <asm/kvm.h>; building the unit
 * tests on another architecture needs the same (ABI-fixed) values.
 */
#ifndef KVM_PPC_MMUV3_RADIX
#define KVM_PPC_MMUV3_RADIX	1
#endif
#ifndef KVM_PPC_MMUV3_GTSE
#define KVM_PPC_MMUV3_GTSE	2
#endif

/*
 * Second doubleword of the partition-table entry: bit 63 (GR) says the
 * guest translates with radix. KVM insists it matches KVM_PPC_MMUV3_RADIX.
 */
#define PATB_GR			(1ULL << 63)

/* H_SET_MODE interrupt-endianness flags */
#define SET_MODE_LE_BIG		0
#define SET_MODE_LE_LITTLE	1

/* H_REGISTER_PROC_TBL flag fields beyond those in papr.h */
#define PROC_TABLE_VALID_FLAGS	0x1fULL
#define PROC_TABLE_KEEP		0x00	/* keep the current registration */
#define PROC_TABLE_TYPE_MASK	0x06	/* 0: hash/SLB, 2: hash/seg tables, 4: radix */
/* PAPR limits of the radix registration */
#define PROC_TABLE_BASE_LIMIT	(1ULL << 60)
#define PROC_TABLE_ALIGN	(4 * KiB)
#define PROC_TABLE_MAX_SIZE	24	/* log2(bytes) - 12 */

static long set_mode_le(struct pseries *p, uint64_t mflags, uint64_t value1,
			uint64_t value2)
{
	bool little;

	if (value1)
		return H_P3;
	if (value2)
		return H_P4;
	if (mflags == SET_MODE_LE_BIG)
		little = false;
	else if (mflags == SET_MODE_LE_LITTLE)
		little = true;
	else
		return H_UNSUPPORTED_FLAG;

	/*
	 * Publish the value before the generation: a vCPU that sees the new
	 * generation before its next KVM_RUN then also sees the new value.
	 */
	atomic_store(&p->ile, little);
	atomic_fetch_add(&p->ile_gen, 1);
	return H_SUCCESS;
}

/* args: mflags, resource, value1, value2 */
long h_set_mode(struct pseries *p, unsigned int cpu, uint64_t nr,
		uint64_t *args)
{
	(void)nr;
	uint64_t mflags = args[0], resource = args[1];

	(void)cpu;
	switch (resource) {
	case H_SET_MODE_RESOURCE_LE:
		return set_mode_le(p, mflags, args[2], args[3]);
	case H_SET_MODE_RESOURCE_ADDR_TRANS_MODE:
		/*
		 * Relocation-on-interrupt needs LPCR[AIL], which lkvm does
		 * not manage; Linux only warns and keeps taking interrupts
		 * in real mode. Bad values still get their own code.
		 */
		if (args[2])
			return H_P3;
		if (args[3])
			return H_P4;
		return H_UNSUPPORTED_FLAG;
	default:
		/*
		 * CIABR and DAWR are KVM-HV's; if one reaches us KVM refused
		 * it for this CPU model. Any other resource is unknown.
		 */
		return H_P2;
	}
}

/*
 * args: flags, process table base, page size, table size (log2 - 12).
 * lkvm runs radix guests only (the device tree offers nothing else), so
 * every hash request is a parameter error, like QEMU answers a hash
 * request from a guest it started in radix mode.
 */
long h_register_proc_tbl(struct pseries *p, unsigned int cpu, uint64_t nr,
			 uint64_t *args)
{
	(void)nr;
	uint64_t flags = args[0], base = args[1], page_size = args[2];
	uint64_t size = args[3], kvm_flags;

	(void)cpu;
	if (flags & ~PROC_TABLE_VALID_FLAGS)
		return H_PARAMETER;
	if ((flags & PROC_TABLE_TYPE_MASK) != PROC_TABLE_RADIX)
		return H_PARAMETER;

	switch (flags & PROC_TABLE_OP_MASK) {
	case PROC_TABLE_KEEP:
		/* the guest is radix and stays radix: nothing changes */
		return H_SUCCESS;
	case PROC_TABLE_NEW:
		break;
	default:
		/*
		 * Deregistering would leave a radix guest without any
		 * translation (KVM cannot express that); the remaining
		 * value is reserved. Linux uses neither.
		 */
		return H_PARAMETER;
	}

	if (!IS_ALIGNED(base, PROC_TABLE_ALIGN) || base >= PROC_TABLE_BASE_LIMIT)
		return H_P2;
	if (page_size)
		return H_P3;
	if (size > PROC_TABLE_MAX_SIZE)
		return H_P4;
	/*
	 * KVM would walk a table outside guest memory as a fault on every
	 * translation; refuse it now, where the guest can still see why.
	 */
	if (!guest_mem__ptr(&p->mem, base, 1ULL << (size + 12), false))
		return H_P2;

	if (!p->ops || !p->ops->configure_mmu)
		return H_HARDWARE;
	kvm_flags = KVM_PPC_MMUV3_RADIX;
	if (flags & PROC_TABLE_GTSE)
		kvm_flags |= KVM_PPC_MMUV3_GTSE;
	if (p->ops->configure_mmu(p->ops_ctx, kvm_flags, PATB_GR | base | size))
		return H_HARDWARE;
	return H_SUCCESS;
}
