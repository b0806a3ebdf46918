/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the RTAS unit tests share: a guest with two adjacent RAM regions and
 * a read-only one, filled with a pattern so stray writes show, a fake VMM
 * core, and helpers that lay out rtas_args buffers.
 */
#ifndef LKVM_TEST_RTAS_FIXTURE_H
#define LKVM_TEST_RTAS_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <endian.h>
#include <cmocka.h>

#include "lkvm/console.h"
#include "lkvm/device.h"
#include "lkvm/hcall.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/rtas.h"
#include "lkvm/util.h"

/* RAM at 0, a second region right after it, a read-only one further up */
#define RAM_SIZE	(1ULL << 20)
#define RAM2_GPA	RAM_SIZE
#define RO_GPA		(16ULL << 20)
#define RO_SIZE		(64ULL << 10)
#define BUF		0x8000ULL	/* where the tests put their rtas_args */
#define FILL		0xa5
#define PARAM_ERROR	((uint32_t)-3)
#define HW_ERROR	((uint32_t)-1)

struct fake_core {
	int starts, exits;
	unsigned int cpu;
	uint64_t pc, r3;
	int start_ret;
	int pulses;		/* interrupts pulsed, the last one's number */
	uint32_t irq;
	int pulse_ret;
	/* connector moves the VM side was told of (vCPU threads at once) */
	_Atomic int drc_changes;
};

static inline int fake_start_cpu(void *ctx, unsigned int cpu, uint64_t pc,
				 uint64_t r3)
{
	struct fake_core *c = ctx;

	c->starts++;
	c->cpu = cpu;
	c->pc = pc;
	c->r3 = r3;
	return c->start_ret;
}

static inline void fake_request_exit(void *ctx)
{
	((struct fake_core *)ctx)->exits++;
}

static inline int fake_irq_pulse(void *ctx, uint32_t irq)
{
	struct fake_core *c = ctx;

	c->pulses++;
	c->irq = irq;
	return c->pulse_ret;
}

static inline void fake_drc_changed(void *ctx)
{
	atomic_fetch_add(&((struct fake_core *)ctx)->drc_changes, 1);
}

static const struct pseries_ops fake_ops = {
	.start_cpu = fake_start_cpu,
	.request_exit = fake_request_exit,
	.irq_pulse = fake_irq_pulse,
	.drc_changed = fake_drc_changed,
};

struct fixture {
	struct pseries p;
	struct device_registry devices;
	struct fake_core core;
	uint8_t *ram, *ram2, *ro;
};

static inline int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ram = malloc(RAM_SIZE);
	f->ram2 = malloc(RAM_SIZE);
	f->ro = malloc(RO_SIZE);
	assert_true(f->ram && f->ram2 && f->ro);
	memset(f->ram, FILL, RAM_SIZE);
	memset(f->ram2, FILL, RAM_SIZE);
	memset(f->ro, FILL, RO_SIZE);
	pseries__init(&f->p);
	assert_int_equal(guest_mem__add(&f->p.mem, 0, RAM_SIZE, f->ram, false), 0);
	assert_int_equal(guest_mem__add(&f->p.mem, RAM2_GPA, RAM_SIZE, f->ram2,
					false), 0);
	assert_int_equal(guest_mem__add(&f->p.mem, RO_GPA, RO_SIZE, f->ro, true), 0);
	f->p.nr_cpus = 4;
	f->p.panic_stops = true;
	f->p.ops = &fake_ops;
	f->p.ops_ctx = &f->core;
	/* devices register their services too: the console's is among them */
	assert_int_equal(console__register(), 0);
	device_registry__init(&f->devices);
	f->p.devices = &f->devices;
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->ram);
	free(f->ram2);
	free(f->ro);
	free(f);
	return 0;
}

#include "fixture-mem.h"

/* Lay out an rtas_args at @gpa (only as much as fits) and run it. */
static inline long rtas_at(struct fixture *f, uint64_t gpa, uint32_t tok,
			   uint32_t nargs, uint32_t nret, const uint32_t *args)
{
	uint32_t i;

	put32(f, gpa, tok);
	put32(f, gpa + 4, nargs);
	put32(f, gpa + 8, nret);
	for (i = 0; args && i < nargs; i++)
		put32(f, gpa + 12 + 4 * i, args[i]);
	return rtas__call(&f->p, 1, gpa);
}

/* The same at BUF through H_RTAS, expecting success; rets end in @rets. */
static inline void rtas(struct fixture *f, uint32_t tok, uint32_t nargs,
			const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	uint64_t hargs[HCALL_NR_ARGS] = { BUF };
	uint32_t i;

	put32(f, BUF, tok);
	put32(f, BUF + 4, nargs);
	put32(f, BUF + 8, nret);
	for (i = 0; i < nargs; i++)
		put32(f, BUF + 12 + 4 * i, args[i]);
	assert_int_equal(h_rtas(&f->p, 1, H_RTAS, hargs), H_SUCCESS);
	for (i = 0; i < nret; i++)
		rets[i] = get32(f, BUF + 12 + 4 * (nargs + i));
}

static inline const struct rtas_service *service(const char *name)
{
	const struct rtas_service *s;

	for (s = rtas_services; s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	fail_msg("no RTAS service %s", name);
	return NULL;
}

static inline uint32_t token(const char *name)
{
	return service(name)->token;
}

/* Every byte outside [gpa, gpa + len) still holds the fill. */
static inline void assert_untouched_except(struct fixture *f, uint64_t gpa,
					   uint64_t len)
{
	uint64_t i;

	for (i = 0; i < RAM_SIZE; i++) {
		if ((i < gpa || i >= gpa + len) && f->ram[i] != FILL)
			fail_msg("RAM byte 0x%llx written", (unsigned long long)i);
		if ((RAM2_GPA + i < gpa || RAM2_GPA + i >= gpa + len) &&
		    f->ram2[i] != FILL)
			fail_msg("RAM2 byte 0x%llx written", (unsigned long long)i);
	}
	for (i = 0; i < RO_SIZE; i++)
		if (f->ro[i] != FILL)
			fail_msg("read-only byte 0x%llx written", (unsigned long long)i);
}

#endif
