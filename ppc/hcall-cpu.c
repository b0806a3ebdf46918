// SPDX-License-Identifier: GPL-2.0
/* H_GET_CPU_CHARACTERISTICS: tell the guest what the host CPU needs. */
#include "lkvm/hcall.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"

/*
 * The guest picks its speculation mitigations from these bits; without an
 * answer Linux assumes the worst and turns every flush on. lkvm passes on
 * exactly what the host's KVM reports, so the guest is neither less safe
 * nor slower than the host says it has to be.
 */
long h_get_cpu_characteristics(struct pseries *p, unsigned int cpu, uint64_t nr,
			       uint64_t *args)
{
	(void)nr;
	(void)cpu;
	if (!p->cpu_char.valid)
		return H_FUNCTION;
	args[0] = p->cpu_char.character;
	args[1] = p->cpu_char.behaviour;
	return H_SUCCESS;
}
