// SPDX-License-Identifier: GPL-2.0
/*
 * Routing of the hcalls KVM-HV leaves to user space (KVM_EXIT_PAPR_HCALL).
 * Everything KVM handles in the kernel (VPA, CEDE, XICS, H_SET_MODE for
 * breakpoints...) never gets here.
 */
#include <inttypes.h>
#include <stdio.h>

#include "lkvm/hcall.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/scm.h"
#include "lkvm/util.h"

struct hcall_entry {
	uint64_t nr;
	hcall_fn fn;
};

/*
 * A handful of entries, searched linearly: cheaper to read and extend than
 * an opcode-indexed array that would have to span 0x0..0xF000. New devices
 * add their hcalls here (the SCM hcalls go in as one block).
 */
static const struct hcall_entry hcall_table[] = {
	{ H_GET_TERM_CHAR,	h_get_term_char },
	{ H_PUT_TERM_CHAR,	h_put_term_char },
	{ H_GET_CPU_CHARACTERISTICS,	h_get_cpu_characteristics },
	{ H_SET_MODE,		h_set_mode },
	{ H_REGISTER_PROC_TBL,	h_register_proc_tbl },
	{ H_SCM_READ_METADATA,	h_scm_read_metadata },
	{ H_SCM_WRITE_METADATA,	h_scm_write_metadata },
	{ H_SCM_BIND_MEM,	h_scm_bind_mem },
	{ H_SCM_UNBIND_MEM,	h_scm_unbind_mem },
	{ H_SCM_QUERY_BLOCK_MEM_BINDING,	h_scm_query_block_mem_binding },
	{ H_SCM_QUERY_LOGICAL_MEM_BINDING,	h_scm_query_logical_mem_binding },
	{ H_SCM_UNBIND_ALL,	h_scm_unbind_all },
	{ H_SCM_HEALTH,		h_scm_health },
	{ H_SCM_PERFORMANCE_STATS,	h_scm_performance_stats },
	{ H_SCM_FLUSH,		h_scm_flush },
	{ H_RTAS,		h_rtas },
};

/*
 * The guest may issue any 64-bit number; the report list holds 32-bit ones.
 * Every number that does not fit is remembered as this one value (no real
 * hcall is that large), so a hostile guest cannot make us print without end.
 */
#define HCALL_REPORT_HUGE	UINT32_MAX

/* Count an unknown hcall; with --debug say so once per distinct number. */
static void hcall_unknown(struct pseries *p, unsigned int cpu, uint64_t nr)
{
	uint32_t key = nr > UINT32_MAX ? HCALL_REPORT_HUGE : (uint32_t)nr;

	pthread_mutex_lock(&p->report_lock);
	p->unknown_hcalls++;
	pthread_mutex_unlock(&p->report_lock);
	if (pseries__first_report(p, &p->reported_hcalls, key))
		fprintf(stderr, "lkvm: unhandled hcall 0x%" PRIx64 " (vCPU %u)\n",
			nr, cpu);
}

long hcall__dispatch(struct pseries *p, unsigned int cpu, uint64_t nr,
		     uint64_t *args)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hcall_table); i++)
		if (hcall_table[i].nr == nr)
			return hcall_table[i].fn(p, cpu, args);
	hcall_unknown(p, cpu, nr);
	return H_FUNCTION;
}
