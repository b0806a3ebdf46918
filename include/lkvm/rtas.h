/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RTAS_H
#define LKVM_RTAS_H

#include <stdbool.h>
#include <stdint.h>

struct pseries;

/*
 * RTAS through the hcall stub: the guest calls the 20-byte blob at
 * linux,rtas-entry, which issues H_RTAS with r4 = the guest address of
 * struct rtas_args { be32 token, nargs, nret; be32 args[nargs]; be32 rets[nret] }.
 */
#define RTAS_MAX_ARGS 16	/* Linux's struct rtas_args holds 16 words */

/*
 * The stub: mr r4,r3; li r3,0xf000 (lis+ori); sc 1; blr. Host-order
 * values: the loader stores each word big-endian (RTAS runs with MSR[LE]=0).
 */
extern const uint32_t rtas_blob[5];

/*
 * An RTAS handler: args and rets already decoded (host order); rets[0] is
 * the status. nargs/nret are as the guest passed them (checked to fit).
 */
typedef void (*rtas_fn)(struct pseries *p, unsigned int cpu, uint32_t nargs,
			const uint32_t *args, uint32_t nret, uint32_t *rets);

struct rtas_service {
	const char *name;	/* the /rtas property name */
	uint32_t token;
	rtas_fn fn;		/* NULL: handled by KVM (in-kernel XICS) */
};

/* The most services the machine and its devices together publish. */
#define RTAS_MAX_SERVICES	32
/* The first token rtas__register hands out. */
#define RTAS_FIRST_TOKEN	0x2000

/*
 * Every RTAS service lkvm publishes (the machine's own, then those devices
 * registered), terminated by a NULL name. Read-only once vCPUs run.
 */
extern struct rtas_service rtas_services[RTAS_MAX_SERVICES + 1];

/*
 * A device kind offers RTAS service @name, served by @fn, under the lowest
 * free token from RTAS_FIRST_TOKEN; returns the token, or -EEXIST (the
 * name is taken by another handler), -ENOSPC. Registering the same pair
 * again returns its token. Done at program start, before any vCPU runs.
 */
int rtas__register(const char *name, rtas_fn fn);

/*
 * For a service: are the counts its own? If not, -3 in rets[0] when there
 * is one; a call without any status word gets nothing back at all.
 */
bool rtas__counts(uint32_t nargs, uint32_t want_args, uint32_t nret,
		  uint32_t want_ret, uint32_t *rets);

/*
 * Decode, check and run the RTAS call whose buffer is at @args_gpa. Returns
 * H_SUCCESS, or H_PARAMETER when the buffer is not in guest memory or its
 * counts do not fit (nothing outside guest memory is ever touched).
 */
long rtas__call(struct pseries *p, unsigned int cpu, uint64_t args_gpa);

#endif
