/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HCALL_H
#define LKVM_HCALL_H

#include <stdint.h>

struct pseries;

#define HCALL_NR_ARGS 9	/* r4..r12 as KVM_EXIT_PAPR_HCALL delivers them */

/*
 * An hcall handler: a plain function of the machine, the calling vCPU and
 * the argument registers. Outputs are written in place into @args (KVM
 * copies all nine back to r4..r12); the return value goes to r3.
 */
typedef long (*hcall_fn)(struct pseries *p, unsigned int cpu, uint64_t *args);

/*
 * Route one KVM_EXIT_PAPR_HCALL. Unknown numbers get H_FUNCTION, are
 * counted, and with p->debug reported once per number on stderr.
 */
long hcall__dispatch(struct pseries *p, unsigned int cpu, uint64_t nr,
		     uint64_t *args);

/* The handlers lkvm itself provides (ppc/hcall-*.c, devices/). */
long h_get_cpu_characteristics(struct pseries *p, unsigned int cpu, uint64_t *args);
long h_set_mode(struct pseries *p, unsigned int cpu, uint64_t *args);
long h_register_proc_tbl(struct pseries *p, unsigned int cpu, uint64_t *args);
long h_rtas(struct pseries *p, unsigned int cpu, uint64_t *args);
long h_put_term_char(struct pseries *p, unsigned int cpu, uint64_t *args);
long h_get_term_char(struct pseries *p, unsigned int cpu, uint64_t *args);

#endif
