// SPDX-License-Identifier: GPL-2.0
/*
 * Routing of the hcalls KVM-HV leaves to user space (KVM_EXIT_PAPR_HCALL).
 * Everything KVM handles in the kernel (VPA, CEDE, XICS, H_SET_MODE for
 * breakpoints...) never gets here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>

#include "lkvm/hcall.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/util.h"

struct hcall_entry {
	uint64_t nr;
	hcall_fn fn;
};

/*
 * The machine's own hcalls, then the ones devices registered. A handful of
 * entries, searched linearly: cheaper to read than an opcode-indexed array
 * spanning 0x0..0xF000.
 */
static const struct hcall_entry pseries_hcalls[] = {
	{ H_GET_CPU_CHARACTERISTICS,	h_get_cpu_characteristics },
	{ H_SET_MODE,		h_set_mode },
	{ H_REGISTER_PROC_TBL,	h_register_proc_tbl },
	{ H_RTAS,		h_rtas },
};

static struct hcall_entry registered[HCALL_MAX_REGISTERED];
/* entries below it are complete (registration publishes with release) */
static _Atomic unsigned int nr_registered;

static hcall_fn hcall_find(uint64_t nr)
{
	unsigned int i, n = atomic_load_explicit(&nr_registered, memory_order_acquire);

	for (i = 0; i < ARRAY_SIZE(pseries_hcalls); i++)
		if (pseries_hcalls[i].nr == nr)
			return pseries_hcalls[i].fn;
	for (i = 0; i < n; i++)
		if (registered[i].nr == nr)
			return registered[i].fn;
	return NULL;
}

int hcall__register(uint64_t nr, hcall_fn fn)
{
	unsigned int n = atomic_load(&nr_registered);
	hcall_fn old = hcall_find(nr);

	if (old)
		return old == fn ? 0 : -EEXIST;
	if (!fn)
		return -EINVAL;
	if (n >= HCALL_MAX_REGISTERED)
		return -ENOSPC;
	registered[n] = (struct hcall_entry){ nr, fn };
	atomic_store_explicit(&nr_registered, n + 1, memory_order_release);
	return 0;
}

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

	atomic_fetch_add(&p->unknown_hcalls, 1);
	if (pseries__first_report(p, &p->reported_hcalls, key))
		lkvm__warn("unhandled hcall 0x%" PRIx64 " (vCPU %u)", nr, cpu);
}

/* Count @nr (a served number, never 0) for vCPU @cpu. */
static void hcall_count(struct pseries *p, unsigned int cpu, uint64_t nr)
{
	struct pseries_hcall_stats *st;
	uint64_t have;
	unsigned int i;

	if (cpu >= LKVM_MAX_CPUS)
		return;
	st = &p->cpu[cpu].hcalls;
	for (i = 0; i < PSERIES_HCALL_KINDS; i++) {
		have = atomic_load_explicit(&st->kind[i].nr, memory_order_acquire);
		/* a free entry: claim it, unless someone else just did */
		if (!have && atomic_compare_exchange_strong(&st->kind[i].nr, &have, nr))
			have = nr;
		if (have == nr) {
			atomic_fetch_add_explicit(&st->kind[i].count, 1,
						  memory_order_relaxed);
			return;
		}
	}
	atomic_fetch_add_explicit(&st->other, 1, memory_order_relaxed);
}

long hcall__dispatch(struct pseries *p, unsigned int cpu, uint64_t nr,
		     uint64_t *args)
{
	hcall_fn fn = hcall_find(nr);

	if (fn) {
		/* only served numbers: a guest cannot fill the table with junk */
		hcall_count(p, cpu, nr);
		return fn(p, cpu, nr, args);
	}
	hcall_unknown(p, cpu, nr);
	return H_FUNCTION;
}
