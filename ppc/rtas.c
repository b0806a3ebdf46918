// SPDX-License-Identifier: GPL-2.0
/*
 * RTAS without firmware: the guest's RTAS entry is a five-instruction stub
 * that turns every call into hcall H_RTAS, and this file decodes the call's
 * buffer from guest memory and runs the service behind its token.
 */
#include <errno.h>
#include <string.h>

#include "lkvm/hcall.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/rtas.h"
#include "lkvm/util.h"

/*
 * Host-order values; the loader stores each one big-endian because Linux
 * enters RTAS with MSR[LE] clear.
 */
const uint32_t rtas_blob[5] = {
	0x7c641b78,	/* mr r4,r3: the buffer becomes the hcall's first arg */
	0x3c600000,	/* lis r3,0 */
	0x6063f000,	/* ori r3,r3,0xf000: r3 = H_RTAS */
	0x44000022,	/* sc 1: to the hypervisor */
	0x4e800020,	/* blr: status is in the buffer, not in r3 */
};

/* token, nargs, nret: the words before args[] */
#define RTAS_HDR_BYTES	12

static const struct rtas_service *rtas_find(uint32_t token)
{
	const struct rtas_service *s;

	for (s = rtas_services; s->name; s++)
		if (s->token == token)
			return s;
	return NULL;
}

static bool token_used(uint32_t token)
{
	const struct rtas_service *s;

	for (s = rtas_services; s->name; s++)
		if (s->token == token)
			return true;
	return false;
}

int rtas__register(const char *name, rtas_fn fn)
{
	struct rtas_service *s;
	uint32_t token = RTAS_FIRST_TOKEN;

	if (!name || !name[0] || !fn)
		return -EINVAL;
	for (s = rtas_services; s->name; s++)
		if (!strcmp(s->name, name))
			return s->fn == fn ? (int)s->token : -EEXIST;
	/* the array keeps one NULL entry at its end, whatever happens */
	if (s >= &rtas_services[RTAS_MAX_SERVICES])
		return -ENOSPC;
	while (token_used(token))
		token++;
	s->token = token;
	s->fn = fn;
	s->name = name;
	return (int)token;
}

bool rtas__counts(uint32_t nargs, uint32_t want_args, uint32_t nret,
		  uint32_t want_ret, uint32_t *rets)
{
	if (nargs == want_args && nret == want_ret)
		return true;
	if (nret)
		rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
	return false;
}

long rtas__call(struct pseries *p, unsigned int cpu, uint64_t args_gpa)
{
	uint32_t token, nargs, nret, i;
	uint32_t args[RTAS_MAX_ARGS], rets[RTAS_MAX_ARGS] = { 0 };
	const struct rtas_service *s;
	uint64_t rets_gpa;

	/*
	 * The header first: once it is known to lie inside one region, the
	 * word addresses after args_gpa cannot wrap around.
	 */
	if (!guest_mem__ptr(&p->mem, args_gpa, RTAS_HDR_BYTES, false))
		return H_PARAMETER;
	if (!guest_mem__read_be32(&p->mem, args_gpa, &token) ||
	    !guest_mem__read_be32(&p->mem, args_gpa + 4, &nargs) ||
	    !guest_mem__read_be32(&p->mem, args_gpa + 8, &nret))
		return H_PARAMETER;

	/*
	 * Each count is read once into a local, so another vCPU rewriting
	 * the buffer meanwhile cannot move what we checked. The sum is done
	 * in 64 bits: two huge u32 counts must not wrap into a small one.
	 */
	if ((uint64_t)nargs + nret > RTAS_MAX_ARGS)
		return H_PARAMETER;
	if (!guest_mem__ptr(&p->mem, args_gpa,
			    RTAS_HDR_BYTES + 4ULL * (nargs + nret), false))
		return H_PARAMETER;
	rets_gpa = args_gpa + RTAS_HDR_BYTES + 4ULL * nargs;
	/* a read-only buffer could not take the results: refuse it whole */
	if (nret && !guest_mem__ptr(&p->mem, rets_gpa, 4ULL * nret, true))
		return H_PARAMETER;

	for (i = 0; i < nargs; i++)
		if (!guest_mem__read_be32(&p->mem, args_gpa + RTAS_HDR_BYTES + 4ULL * i,
					  &args[i]))
			return H_PARAMETER;

	s = rtas_find(token);
	if (s && s->fn)
		s->fn(p, cpu, nargs, args, nret, rets);
	else {
		/*
		 * Unknown, or one of KVM's XICS services that reached us
		 * because KVM was not told its token: not supported.
		 */
		if (nret)
			rets[0] = (uint32_t)RTAS_OUT_NOT_SUPPORTED;
		if (pseries__first_report(p, &p->reported_rtas, token))
			lkvm__warn("unhandled RTAS token 0x%x (vCPU %u)",
				   token, cpu);
	}

	for (i = 0; i < nret; i++)
		if (!guest_mem__write_be32(&p->mem, rets_gpa + 4ULL * i, rets[i]))
			return H_PARAMETER;
	/* the RTAS status travels in rets[0]; the hcall itself worked */
	return H_SUCCESS;
}

/* args[0]: guest address of the rtas_args buffer (r4, from the stub) */
long h_rtas(struct pseries *p, unsigned int cpu, uint64_t nr,
	    uint64_t *args)
{
	(void)nr;
	return rtas__call(p, cpu, args[0]);
}
