/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HCALL_H
#define LKVM_HCALL_H

#include <stdint.h>

struct pseries;

#define HCALL_NR_ARGS 9	/* r4..r12 as KVM_EXIT_PAPR_HCALL delivers them */

/*
 * An hcall handler: a plain function of the machine, the calling vCPU and
 * the registers: @nr (r3) and the arguments. Outputs are written in place
 * into @args (KVM copies all nine back to r4..r12); the return value goes
 * to r3. One handler may serve several numbers (the SCM dispatcher).
 */
typedef long (*hcall_fn)(struct pseries *p, unsigned int cpu, uint64_t nr,
			 uint64_t *args);

/* How many hcall numbers devices may register (the SCM family is ten). */
#define HCALL_MAX_REGISTERED	32

/*
 * A device kind serves hcall @nr with @fn (kvmtool's model). Done once, at
 * program start, before any vCPU runs: the table is then only read, and
 * without a lock. Registering the same pair again is a no-op; -EEXIST if
 * @nr already has another handler (lkvm's own included), -ENOSPC if full.
 */
int hcall__register(uint64_t nr, hcall_fn fn);

/*
 * Route one KVM_EXIT_PAPR_HCALL. Unknown numbers get H_FUNCTION, are
 * counted, and with p->debug reported once per number on stderr.
 */
long hcall__dispatch(struct pseries *p, unsigned int cpu, uint64_t nr,
		     uint64_t *args);

/* The handlers of the pseries machine itself (ppc/hcall-*.c, ppc/rtas.c). */
long h_get_cpu_characteristics(struct pseries *p, unsigned int cpu,
			       uint64_t nr, uint64_t *args);
long h_set_mode(struct pseries *p, unsigned int cpu, uint64_t nr,
		uint64_t *args);
long h_register_proc_tbl(struct pseries *p, unsigned int cpu, uint64_t nr,
			 uint64_t *args);
long h_rtas(struct pseries *p, unsigned int cpu, uint64_t nr, uint64_t *args);

#endif
