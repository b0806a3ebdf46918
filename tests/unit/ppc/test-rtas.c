// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <unistd.h>

#include <errno.h>

#include "rtas-fixture.h"

static void test_blob_and_table(void **state)
{
	const uint32_t want[5] = { 0x7c641b78, 0x3c600000, 0x6063f000,
				   0x44000022, 0x4e800020 };
	const char *const names[] = {
		"display-character", "get-time-of-day", "set-time-of-day",
		"power-off", "system-reboot", "query-cpu-stopped-state",
		"start-cpu", "stop-self", "event-scan", "check-exception",
	};
	const struct rtas_service *s, *t;
	size_t i;

	(void)state;
	assert_memory_equal(rtas_blob, want, sizeof(want));
	for (s = rtas_services; s->name; s++) {
		assert_true(s->token >= 0x2000);
		for (t = s + 1; t->name; t++)
			assert_int_not_equal(s->token, t->token);
	}
	for (i = 0; i < ARRAY_SIZE(names); i++)
		assert_non_null(service(names[i])->fn);
	/* the in-kernel XICS owns these */
	assert_null(service("ibm,set-xive")->fn);
	assert_null(service("ibm,get-xive")->fn);
	assert_null(service("ibm,int-off")->fn);
	assert_null(service("ibm,int-on")->fn);
}

static void fake_service(struct pseries *p, unsigned int cpu, uint32_t nargs,
			 const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	(void)p, (void)cpu, (void)nargs, (void)args, (void)nret, (void)rets;
}

/* Devices add services under free tokens; a name is never taken twice. */
static void test_register(void **state)
{
	int tok;

	(void)state;
	/* the console's, registered by the fixture, keeps its token */
	assert_int_equal(service("display-character")->token, 0x2000);
	tok = rtas__register("lkvm,test-service", fake_service);
	assert_true(tok > 0x2000);
	assert_int_equal(service("lkvm,test-service")->token, (uint32_t)tok);
	/* again with the same handler: the same token, nothing added */
	assert_int_equal(rtas__register("lkvm,test-service", fake_service), tok);
	/* a name already served otherwise, or the machine's own */
	assert_int_equal(rtas__register("display-character", fake_service), -EEXIST);
	assert_int_equal(rtas__register("power-off", fake_service), -EEXIST);
	assert_int_equal(rtas__register("", fake_service), -EINVAL);
	assert_int_equal(rtas__register("lkvm,other", NULL), -EINVAL);
}

static void test_events_and_unknown(void **state)
{
	struct fixture *f = *state;
	uint32_t args[RTAS_MAX_ARGS] = { 0 }, rets[2];

	/* no status word: nothing comes back at all */
	assert_int_equal(rtas_at(f, BUF, 0x1234, 0, 0, NULL), H_SUCCESS);
	assert_untouched_except(f, BUF, 12);

	rtas(f, token("event-scan"), 4, args, 1, rets);
	assert_int_equal(rets[0], 1);
	rtas(f, token("event-scan"), 3, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	rtas(f, token("check-exception"), 6, args, 1, rets);
	assert_int_equal(rets[0], 1);
	rtas(f, token("check-exception"), 7, args, 1, rets);
	assert_int_equal(rets[0], 1);
	rtas(f, token("check-exception"), 5, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);

	rtas(f, 0x1234, 0, NULL, 2, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	assert_int_equal(rets[1], 0);
	rtas(f, token("ibm,int-on"), 2, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	/* the largest buffer there is still works */
	assert_int_equal(rtas_at(f, BUF, 0x1234, 15, 1, args), H_SUCCESS);
	assert_int_equal(get32(f, BUF + 12 + 60), PARAM_ERROR);
}

/* With --debug each unknown token is reported once, and at most 64 are:
 * a guest calling them in a loop cannot flood lkvm's stderr. */
static void test_unknown_reported_once(void **state)
{
	struct fixture *f = *state;
	uint32_t rets[1], i;
	int saved = dup(2), null = open("/dev/null", O_WRONLY);

	dup2(null, 2);
	f->p.debug = true;
	for (i = 0; i < 1000; i++)
		rtas(f, 0x1234, 0, NULL, 1, rets);
	assert_int_equal(f->p.reported_rtas.nr, 1);
	for (i = 0; i < 1000; i++)
		rtas(f, 0x5000 + i, 0, NULL, 1, rets);
	assert_int_equal(f->p.reported_rtas.nr, 64);
	assert_int_equal(rets[0], PARAM_ERROR);
	/* the hcall list is another one */
	assert_int_equal(f->p.reported_hcalls.nr, 0);
	f->p.debug = false;
	dup2(saved, 2);
	close(saved);
	close(null);
}

static void test_only_rets_written(void **state)
{
	struct fixture *f = *state;
	uint32_t args[3] = { 3, 0x2000, 3 };

	/* start-cpu: 3 args, 1 ret; the rets word is the only change */
	assert_int_equal(rtas_at(f, BUF, token("start-cpu"), 3, 1, args), H_SUCCESS);
	assert_int_equal(get32(f, BUF + 24), 0);
	put32(f, BUF + 24, 0xa5a5a5a5);
	assert_untouched_except(f, BUF, 24);
}

/* Run a call that must be refused; afterwards no guest byte has changed. */
static void expect_refused(struct fixture *f, uint64_t gpa, uint32_t tok,
			   uint32_t nargs, uint32_t nret)
{
	assert_int_equal(rtas_at(f, gpa, tok, nargs, nret, NULL), H_PARAMETER);
	/* the header is ours; wipe it, then everything must be the fill */
	memset(host(f, gpa), FILL, 12);
	assert_untouched_except(f, 0, 0);
}

static void test_hostile_buffers(void **state)
{
	struct fixture *f = *state;
	uint64_t hargs[HCALL_NR_ARGS] = { 0 };
	const uint64_t outside[] = {
		RAM_SIZE * 2, 1ULL << 40, ~0ULL, ~0ULL - 3, ~0ULL - 11,
		RAM_SIZE * 2 - 8,	/* header straddles the end of RAM2 */
		RO_GPA + RO_SIZE - 4, RO_GPA - 4,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(outside); i++) {
		hargs[0] = outside[i];
		if (h_rtas(&f->p, 0, H_RTAS, hargs) != H_PARAMETER)
			fail_msg("buffer at 0x%llx accepted",
				 (unsigned long long)outside[i]);
	}
	assert_untouched_except(f, 0, 0);

	/* counts too large, alone or wrapping around as 32-bit sums */
	expect_refused(f, BUF, token("event-scan"), 16, 1);
	expect_refused(f, BUF, 0x1234, 0, 17);
	expect_refused(f, BUF, 0x1234, 0xffffffff, 1);
	expect_refused(f, BUF, 0x1234, 1, 0xffffffff);
	expect_refused(f, BUF, 0x1234, 0x80000000, 0x80000000);
	expect_refused(f, BUF, 0x1234, 0x40000000, 0);
	expect_refused(f, BUF, token("get-time-of-day"), 0x40000000, 0xc0000008);

	/* header inside RAM2, rets past its end */
	expect_refused(f, 2 * RAM_SIZE - 16, 0x1234, 0, 8);
	expect_refused(f, 2 * RAM_SIZE - 12, token("get-time-of-day"), 0, 8);
	/* a buffer across two adjacent regions is not one buffer */
	expect_refused(f, RAM_SIZE - 16, token("get-time-of-day"), 0, 8);
	expect_refused(f, RAM_SIZE - 12, token("stop-self"), 0, 1);
	/* read-only memory cannot take results: refused before running */
	expect_refused(f, RO_GPA, token("get-time-of-day"), 0, 8);
	expect_refused(f, RO_GPA, token("stop-self"), 0, 1);
	memset(f->ro, FILL, 12);
	assert_false(f->p.cpu[1].stop_self);
	assert_int_equal(rtas_at(f, RO_GPA, 0x1234, 0, 0, NULL), H_SUCCESS);

	/* a buffer ending exactly at the end of RAM is fine */
	assert_int_equal(rtas_at(f, RAM_SIZE - 16, 0x1234, 0, 1, NULL), H_SUCCESS);
	assert_int_equal(get32(f, RAM_SIZE - 4), PARAM_ERROR);
}

/*
 * A guest with RAM far above the buffer: counts whose 32-bit sum wraps to a
 * small number would put "rets" there, and "args" would be read past the
 * 16 words there is room for.
 */
static void test_wrapping_counts_big_guest(void **state)
{
	struct fixture *f = *state;
	uint64_t rets_gpa = BUF + 12 + 4ULL * 0xfffffff8;
	static uint8_t far[0x2000];
	size_t i;

	memset(far, FILL, sizeof(far));
	assert_int_equal(guest_mem__add(&f->p.mem, rets_gpa & ~0xfffULL,
					sizeof(far), far, false), 0);
	expect_refused(f, BUF, token("get-time-of-day"), 0xfffffff8, 0x10);
	expect_refused(f, BUF, 0x1234, 0xfffffff8, 0x9);
	for (i = 0; i < sizeof(far); i++)
		assert_int_equal(far[i], FILL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_blob_and_table),
		T(test_register),
		T(test_events_and_unknown),
		T(test_unknown_reported_once),
		T(test_only_rets_written),
		T(test_hostile_buffers),
		T(test_wrapping_counts_big_guest),
	};

	return cmocka_run_group_tests_name("rtas", tests, NULL, NULL);
}
