// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <errno.h>

#include "lkvm/console.h"
#include "lkvm/device.h"
#include "lkvm/hcall.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/util.h"

#define RAM_SIZE	(32ULL << 20)
/* KVM ABI values of KVM_PPC_MMUV3_RADIX / _GTSE, and PATE GR (bit 63) */
#define MMU_RADIX	1ULL
#define MMU_GTSE	2ULL
#define GR		(1ULL << 63)

struct fake_kvm {
	int calls;
	uint64_t flags, process_table;
	int ret;
};

static int fake_configure_mmu(void *ctx, uint64_t flags, uint64_t process_table)
{
	struct fake_kvm *k = ctx;

	k->calls++;
	k->flags = flags;
	k->process_table = process_table;
	return k->ret;
}

static const struct pseries_ops fake_ops = {
	.configure_mmu = fake_configure_mmu,
};

struct fixture {
	struct pseries p;
	struct device_registry devices;
	struct console con;
	struct fake_kvm kvm;
	void *ram;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ram = calloc(1, RAM_SIZE);
	assert_non_null(f->ram);
	pseries__init(&f->p);
	assert_int_equal(guest_mem__add(&f->p.mem, 0, RAM_SIZE, f->ram, false), 0);
	f->p.nr_cpus = 1;
	f->p.ops = &fake_ops;
	assert_int_equal(console__register(), 0);
	console__init(&f->con, -1);
	device_registry__init(&f->devices);
	assert_int_equal(device_registry__add(&f->devices, &f->con.dev), 0);
	f->p.devices = &f->devices;
	f->p.ops_ctx = &f->kvm;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->ram);
	free(f);
	return 0;
}

static long call(struct pseries *p, uint64_t nr, uint64_t a0, uint64_t a1,
		 uint64_t a2, uint64_t a3)
{
	uint64_t args[HCALL_NR_ARGS] = { a0, a1, a2, a3 };

	return hcall__dispatch(p, 0, nr, args);
}

static void test_dispatch_known(void **state)
{
	struct fixture *f = *state;

	/* each number reaches its own handler, seen by its own side effect */
	assert_int_equal(call(&f->p, H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0),
			 H_SUCCESS);
	assert_true(f->p.ile);
	assert_int_equal(call(&f->p, H_REGISTER_PROC_TBL, 0x1d, 0x10000, 0, 0),
			 H_SUCCESS);
	assert_int_equal(f->kvm.calls, 1);
	/* wrong terminal numbers: the console handlers answer, not H_FUNCTION */
	assert_int_equal(call(&f->p, H_PUT_TERM_CHAR, 7, 0, 0, 0), H_PARAMETER);
	assert_int_equal(call(&f->p, H_GET_TERM_CHAR, 7, 0, 0, 0), H_PARAMETER);
	assert_int_equal(call(&f->p, H_GET_TERM_CHAR, CONSOLE_VTY_REG, 0, 0, 0),
			 H_SUCCESS);
	/* an RTAS buffer outside guest memory */
	assert_int_equal(call(&f->p, H_RTAS, RAM_SIZE, 0, 0, 0), H_PARAMETER);
	assert_int_equal(f->p.unknown_hcalls, 0);
}

static long fake_handler(struct pseries *p, unsigned int cpu, uint64_t nr,
			 uint64_t *args)
{
	(void)p, (void)cpu;
	args[0] = nr;
	return H_SUCCESS;
}

/* Devices add hcalls; nobody takes a number that is already served. */
static void test_register(void **state)
{
	struct fixture *f = *state;
	const uint64_t nr = 0xef00;

	assert_int_equal(call(&f->p, nr, 0, 0, 0, 0), H_FUNCTION);
	assert_int_equal(hcall__register(nr, fake_handler), 0);
	assert_int_equal(call(&f->p, nr, 0, 0, 0, 0), H_SUCCESS);
	/* the same pair again changes nothing; another handler is refused */
	assert_int_equal(hcall__register(nr, fake_handler), 0);
	assert_int_equal(hcall__register(H_SET_MODE, fake_handler), -EEXIST);
	assert_int_equal(hcall__register(H_PUT_TERM_CHAR, fake_handler), -EEXIST);
	assert_int_equal(hcall__register(nr + 4, NULL), -EINVAL);
	/* lkvm's own handler still answers its number */
	assert_int_equal(call(&f->p, H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0),
			 H_SUCCESS);
	assert_true(f->p.ile);
}

static uint64_t count_of(const struct pseries *p, unsigned int cpu, uint64_t nr)
{
	const struct pseries_hcall_stats *st = &p->cpu[cpu].hcalls;
	unsigned int i;

	for (i = 0; i < PSERIES_HCALL_KINDS && st->kind[i].nr; i++)
		if (st->kind[i].nr == nr)
			return st->kind[i].count;
	return 0;
}

/* How many kinds vCPU @cpu has counters for. */
static unsigned int kinds_of(const struct pseries *p, unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < PSERIES_HCALL_KINDS && p->cpu[cpu].hcalls.kind[i].nr; i++)
		;
	return i;
}

/* Served hcalls are counted per vCPU and number; unknown ones are not. */
static void test_counts_per_vcpu(void **state)
{
	struct fixture *f = *state;
	uint64_t args[HCALL_NR_ARGS] = { CONSOLE_VTY_REG };
	uint64_t nr;
	int i;

	for (i = 0; i < 3; i++) {
		args[0] = CONSOLE_VTY_REG;
		assert_int_equal(hcall__dispatch(&f->p, 0, H_GET_TERM_CHAR, args), H_SUCCESS);
	}
	args[0] = CONSOLE_VTY_REG;
	assert_int_equal(hcall__dispatch(&f->p, 1, H_GET_TERM_CHAR, args), H_SUCCESS);
	assert_int_equal(hcall__dispatch(&f->p, 1, 0x4, args), H_FUNCTION);
	assert_int_equal(count_of(&f->p, 0, H_GET_TERM_CHAR), 3);
	assert_int_equal(count_of(&f->p, 1, H_GET_TERM_CHAR), 1);
	assert_int_equal(count_of(&f->p, 1, 0x4), 0);
	assert_int_equal(kinds_of(&f->p, 1), 1);
	/* more kinds than counters: the rest is "other", nothing overflows */
	for (nr = 0xd000; nr < 0xd000 + 4 * (PSERIES_HCALL_KINDS + 4); nr += 4)
		assert_int_equal(hcall__register(nr, fake_handler), 0);
	for (nr = 0xd000; nr < 0xd000 + 4 * (PSERIES_HCALL_KINDS + 4); nr += 4)
		hcall__dispatch(&f->p, 2, nr, args);
	assert_int_equal(kinds_of(&f->p, 2), PSERIES_HCALL_KINDS);
	assert_int_equal(f->p.cpu[2].hcalls.other, 4);
	/* a vCPU number beyond the table is served, just not counted */
	args[0] = CONSOLE_VTY_REG;
	assert_int_equal(hcall__dispatch(&f->p, LKVM_MAX_CPUS, H_GET_TERM_CHAR, args),
			 H_SUCCESS);
}

static void test_dispatch_unknown_counts(void **state)
{
	struct fixture *f = *state;
	uint64_t args[HCALL_NR_ARGS] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	unsigned int i;

	assert_int_equal(hcall__dispatch(&f->p, 0, 0x4, args), H_FUNCTION);
	assert_int_equal(hcall__dispatch(&f->p, 0, 0x4, args), H_FUNCTION);
	assert_int_equal(hcall__dispatch(&f->p, 0, H_CLEAN_SLB, args), H_FUNCTION);
	/* a known number in the upper half must not alias a known one */
	assert_int_equal(hcall__dispatch(&f->p, 0, (1ULL << 32) | H_SET_MODE, args),
			 H_FUNCTION);
	assert_int_equal(f->p.unknown_hcalls, 4);
	/* without --debug nothing is remembered for reporting */
	assert_int_equal(f->p.reported_hcalls.nr, 0);
	/* registers echo back untouched */
	for (i = 0; i < HCALL_NR_ARGS; i++)
		assert_int_equal(args[i], i + 1);
}

/* Run @nrs through the dispatcher and return what went to stderr. */
static char *capture_unknown(struct pseries *p, const uint64_t *nrs, size_t n)
{
	static char out[16384];
	uint64_t args[HCALL_NR_ARGS];
	int fds[2], saved, bad = 0;
	ssize_t len;
	size_t i;

	assert_int_equal(pipe(fds), 0);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fds[1], 2) >= 0);
	/* no assertion while stderr is the pipe: a failure must be seen */
	for (i = 0; i < n; i++) {
		memset(args, 0, sizeof(args));
		if (hcall__dispatch(p, 3, nrs[i], args) != H_FUNCTION)
			bad++;
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(bad, 0);
	close(fds[1]);
	len = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	out[len > 0 ? len : 0] = '\0';
	return out;
}

static int count_str(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void test_unknown_reported_once(void **state)
{
	struct fixture *f = *state;
	const uint64_t nrs[] = { 0x4, 0x4, 0x8, 0x4, 0x100000004ULL, 0x200000004ULL };
	char *out;

	f->p.debug = true;
	out = capture_unknown(&f->p, nrs, 6);
	assert_int_equal(count_str(out, "lkvm: unhandled hcall 0x4 "), 1);
	assert_int_equal(count_str(out, "lkvm: unhandled hcall 0x8 "), 1);
	assert_int_equal(count_str(out, "lkvm: unhandled hcall 0x100000004 "), 1);
	/* numbers beyond 32 bits share one report slot */
	assert_null(strstr(out, "0x200000004"));
	assert_int_equal(count_str(out, "lkvm:"), 3);
	assert_non_null(strstr(out, "vCPU 3"));
	assert_int_equal(f->p.unknown_hcalls, 6);
	assert_int_equal(f->p.reported_hcalls.nr, 3);
}

static void test_unknown_report_list_full(void **state)
{
	struct fixture *f = *state;
	uint64_t nrs[70];
	char *out;
	int i;

	for (i = 0; i < 70; i++)
		nrs[i] = 0x1000 + 4 * i;
	f->p.debug = true;
	out = capture_unknown(&f->p, nrs, 70);
	/* the list holds 64; after that the guest can no longer make us print */
	assert_int_equal(count_str(out, "lkvm: unhandled hcall"), 64);
	assert_int_equal(f->p.reported_hcalls.nr, 64);
	assert_int_equal(f->p.unknown_hcalls, 70);
	out = capture_unknown(&f->p, nrs, 70);
	assert_int_equal(out[0], '\0');
	assert_int_equal(f->p.unknown_hcalls, 140);
}

static void test_set_mode_le(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(call(&f->p, H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0),
			 H_SUCCESS);
	assert_true(f->p.ile);
	assert_int_equal(f->p.ile_gen, 1);
	assert_int_equal(call(&f->p, H_SET_MODE, 0, H_SET_MODE_RESOURCE_LE, 0, 0),
			 H_SUCCESS);
	assert_false(f->p.ile);
	assert_int_equal(f->p.ile_gen, 2);
	assert_int_equal(call(&f->p, H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0),
			 H_SUCCESS);

	/* refusals leave both the mode and the generation alone */
	assert_int_equal(call(&f->p, H_SET_MODE, 2, H_SET_MODE_RESOURCE_LE, 0, 0),
			 H_UNSUPPORTED_FLAG);
	assert_int_equal(call(&f->p, H_SET_MODE, 1ULL << 63, H_SET_MODE_RESOURCE_LE,
			      0, 0), H_UNSUPPORTED_FLAG);
	assert_int_equal(call(&f->p, H_SET_MODE, 0, H_SET_MODE_RESOURCE_LE, 1, 0),
			 H_P3);
	assert_int_equal(call(&f->p, H_SET_MODE, 0, H_SET_MODE_RESOURCE_LE, 0, 1),
			 H_P4);
	/* value1 is parameter 3 and is looked at before value2 and mflags */
	assert_int_equal(call(&f->p, H_SET_MODE, 9, H_SET_MODE_RESOURCE_LE, 1, 1),
			 H_P3);
	assert_true(f->p.ile);
	assert_int_equal(f->p.ile_gen, 3);
}

static void test_set_mode_other_resources(void **state)
{
	struct fixture *f = *state;
	const uint64_t p2[] = { 0, H_SET_MODE_RESOURCE_SET_CIABR,
				H_SET_MODE_RESOURCE_SET_DAWR0, 5, 99, 1ULL << 63,
				(1ULL << 32) | H_SET_MODE_RESOURCE_LE };
	size_t i;

	/* address translation mode (AIL): Linux warns and carries on */
	assert_int_equal(call(&f->p, H_SET_MODE, 3,
			      H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0),
			 H_UNSUPPORTED_FLAG);
	assert_int_equal(call(&f->p, H_SET_MODE, 0,
			      H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0),
			 H_UNSUPPORTED_FLAG);
	assert_int_equal(call(&f->p, H_SET_MODE, 3,
			      H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 1, 0), H_P3);
	assert_int_equal(call(&f->p, H_SET_MODE, 3,
			      H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 1), H_P4);
	for (i = 0; i < ARRAY_SIZE(p2); i++)
		assert_int_equal(call(&f->p, H_SET_MODE, 0, p2[i], 0, 0), H_P2);
	assert_false(f->p.ile);
	assert_int_equal(f->p.ile_gen, 0);
}

static long proc_tbl(struct fixture *f, uint64_t flags, uint64_t base,
		     uint64_t page_size, uint64_t size)
{
	return call(&f->p, H_REGISTER_PROC_TBL, flags, base, page_size, size);
}

static void test_proc_tbl_radix(void **state)
{
	struct fixture *f = *state;

	/* exactly what Linux sends: NEW | RADIX | GTSE, 2^24-byte table */
	assert_int_equal(proc_tbl(f, 0x1d, 0x1000000, 0, 12), H_SUCCESS);
	assert_int_equal(f->kvm.calls, 1);
	assert_int_equal(f->kvm.flags, MMU_RADIX | MMU_GTSE);
	assert_int_equal(f->kvm.process_table, GR | 0x1000000 | 12);

	/* without GTSE the flag stays off */
	assert_int_equal(proc_tbl(f, 0x1c, 0x3000, 0, 0), H_SUCCESS);
	assert_int_equal(f->kvm.calls, 2);
	assert_int_equal(f->kvm.flags, MMU_RADIX);
	assert_int_equal(f->kvm.process_table, GR | 0x3000);

	/* keeping the current (radix) registration changes nothing */
	assert_int_equal(proc_tbl(f, 0x04, 0, 0, 0), H_SUCCESS);
	assert_int_equal(proc_tbl(f, 0x05, 0, 0, 0), H_SUCCESS);
	assert_int_equal(f->kvm.calls, 2);
}

static void test_proc_tbl_refused_flags(void **state)
{
	struct fixture *f = *state;
	const uint64_t bad[] = {
		0x20 | 0x1d, 1ULL << 63 | 0x1d,	/* reserved bits */
		0x18, 0x19,			/* new hash (SLB) table */
		0x1a, 0x1e,			/* hash segment tables, both types */
		0x00,				/* keep hash, as Linux hash guests ask */
		0x14, 0x15, 0x10,		/* deregister */
		0x0c, 0x0d,			/* reserved operation */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (proc_tbl(f, bad[i], 0x10000, 0, 0) != H_PARAMETER)
			fail_msg("flags 0x%llx accepted", (unsigned long long)bad[i]);
	assert_int_equal(f->kvm.calls, 0);
}

static void test_proc_tbl_refused_values(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(proc_tbl(f, 0x1d, 0x10800, 0, 0), H_P2);
	assert_int_equal(proc_tbl(f, 0x1d, 0x10001, 0, 0), H_P2);
	assert_int_equal(proc_tbl(f, 0x1d, 1ULL << 60, 0, 0), H_P2);
	assert_int_equal(proc_tbl(f, 0x1d, ~0xfffULL, 0, 0), H_P2);
	assert_int_equal(proc_tbl(f, 0x1d, 0x10000, 1, 0), H_P3);
	assert_int_equal(proc_tbl(f, 0x1d, 0x10000, 1ULL << 63, 0), H_P3);
	assert_int_equal(proc_tbl(f, 0x1d, 0x10000, 0, 25), H_P4);
	assert_int_equal(proc_tbl(f, 0x1d, 0x10000, 0, ~0ULL), H_P4);
	/* parameter order decides which one is reported */
	assert_int_equal(proc_tbl(f, 0x1d, 0x10800, 1, 25), H_P2);
	assert_int_equal(proc_tbl(f, 0x1d, 0x10000, 1, 25), H_P3);

	/* the table must lie inside guest memory, all of it */
	assert_int_equal(proc_tbl(f, 0x1d, RAM_SIZE, 0, 0), H_P2);
	assert_int_equal(proc_tbl(f, 0x1d, RAM_SIZE - 0x1000, 0, 1), H_P2);
	assert_int_equal(proc_tbl(f, 0x1d, 0x1001000, 0, 12), H_P2);
	assert_int_equal(proc_tbl(f, 0x1d, 0, 0, 24), H_P2);
	assert_int_equal(f->kvm.calls, 0);
	/* ...and its last page may be the last page of RAM */
	assert_int_equal(proc_tbl(f, 0x1d, RAM_SIZE - 0x2000, 0, 1), H_SUCCESS);
	assert_int_equal(f->kvm.calls, 1);
}

static void test_proc_tbl_base_limit(void **state)
{
	struct fixture *f = *state;
	static uint8_t high[0x2000];

	/* guest memory across 2^60: PAPR's limit, not memory, refuses */
	assert_int_equal(guest_mem__add(&f->p.mem, (1ULL << 60) - 0x1000,
					sizeof(high), high, false), 0);
	assert_int_equal(proc_tbl(f, 0x1d, (1ULL << 60) - 0x1000, 0, 0), H_SUCCESS);
	assert_int_equal(f->kvm.process_table, GR | ((1ULL << 60) - 0x1000));
	assert_int_equal(proc_tbl(f, 0x1d, 1ULL << 60, 0, 0), H_P2);
	assert_int_equal(f->kvm.calls, 1);
}

static void test_proc_tbl_kvm_fails(void **state)
{
	struct fixture *f = *state;

	f->kvm.ret = -22;
	assert_int_equal(proc_tbl(f, 0x1d, 0x10000, 0, 0), H_HARDWARE);
	assert_int_equal(f->kvm.calls, 1);
	f->p.ops = NULL;
	assert_int_equal(proc_tbl(f, 0x1d, 0x10000, 0, 0), H_HARDWARE);
	assert_int_equal(f->kvm.calls, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_dispatch_known),
		T(test_register),
		T(test_counts_per_vcpu),
		T(test_dispatch_unknown_counts),
		T(test_unknown_reported_once),
		T(test_unknown_report_list_full),
		T(test_set_mode_le),
		T(test_set_mode_other_resources),
		T(test_proc_tbl_radix),
		T(test_proc_tbl_refused_flags),
		T(test_proc_tbl_refused_values),
		T(test_proc_tbl_base_limit),
		T(test_proc_tbl_kvm_fails),
	};

	return cmocka_run_group_tests_name("hcall", tests, NULL, NULL);
}
