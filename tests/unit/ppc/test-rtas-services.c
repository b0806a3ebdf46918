// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "rtas-fixture.h"

static void test_display_character(void **state)
{
	struct fixture *f = *state;
	uint32_t args[2] = { 'A', 0 }, rets[2];
	struct console con;
	char out[8];
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	console__init(&con, fds[1]);
	assert_int_equal(device_registry__add(&f->devices, &con.dev), 0);
	rtas(f, token("display-character"), 1, args, 1, rets);
	assert_int_equal(rets[0], 0);
	args[0] = 0x142;	/* only the low byte is a character */
	rtas(f, token("display-character"), 1, args, 1, rets);
	assert_int_equal(read(fds[0], out, sizeof(out)), 2);
	assert_memory_equal(out, "AB", 2);
	/* wrong counts: refused, nothing printed */
	rtas(f, token("display-character"), 2, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	rtas(f, token("display-character"), 1, args, 2, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	assert_int_equal(read(fds[0], out, sizeof(out)), -1);
	/* no console: output is discarded */
	assert_int_equal(device_registry__remove(&f->devices, &con.dev), 0);
	rtas(f, token("display-character"), 1, args, 1, rets);
	assert_int_equal(rets[0], 0);
	close(fds[0]);
	close(fds[1]);
}

static int64_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

/* Seconds since the epoch of what get-time-of-day returned. */
static int64_t rets_to_time(const uint32_t *rets)
{
	struct tm tm = {
		.tm_year = (int)rets[1] - 1900, .tm_mon = (int)rets[2] - 1,
		.tm_mday = (int)rets[3], .tm_hour = (int)rets[4],
		.tm_min = (int)rets[5], .tm_sec = (int)rets[6],
	};

	assert_in_range(rets[2], 1, 12);
	assert_in_range(rets[3], 1, 31);
	assert_in_range(rets[4], 0, 23);
	assert_in_range(rets[5], 0, 59);
	assert_in_range(rets[6], 0, 59);
	assert_true(rets[7] < 1000000000U);
	return (int64_t)timegm(&tm);
}

static void test_get_time_of_day(void **state)
{
	struct fixture *f = *state;
	uint32_t rets[8];
	int64_t now, got;

	now = now_s();
	rtas(f, token("get-time-of-day"), 0, NULL, 8, rets);
	assert_int_equal(rets[0], 0);
	got = rets_to_time(rets);
	assert_in_range(got - now, 0, 2);

	/* a year and a day ahead */
	f->p.rtc_offset = 366 * 86400;
	now = now_s();
	rtas(f, token("get-time-of-day"), 0, NULL, 8, rets);
	got = rets_to_time(rets);
	assert_in_range(got - now - 366 * 86400, 0, 2);

	rtas(f, token("get-time-of-day"), 0, NULL, 7, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	rtas(f, token("get-time-of-day"), 1, rets, 8, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
}

static void test_set_time_of_day(void **state)
{
	struct fixture *f = *state;
	uint32_t t[7] = { 2030, 6, 15, 12, 34, 56, 0 }, rets[8];
	struct tm want = { .tm_year = 130, .tm_mon = 5, .tm_mday = 15,
			   .tm_hour = 12, .tm_min = 34, .tm_sec = 56 };
	const uint32_t bad[][7] = {
		{ 2030, 13, 1, 0, 0, 0, 0 }, { 2030, 0, 1, 0, 0, 0, 0 },
		{ 2030, 4, 31, 0, 0, 0, 0 }, { 2023, 2, 29, 0, 0, 0, 0 },
		{ 2100, 2, 29, 0, 0, 0, 0 }, { 2030, 1, 0, 0, 0, 0, 0 },
		{ 2030, 1, 1, 24, 0, 0, 0 }, { 2030, 1, 1, 0, 60, 0, 0 },
		{ 2030, 1, 1, 0, 0, 60, 0 }, { 2030, 1, 1, 0, 0, 0, 1000000000 },
		{ 1969, 12, 31, 0, 0, 0, 0 }, { 0xffffffff, 1, 1, 0, 0, 0, 0 },
		{ 2030, 0xffffffff, 1, 0, 0, 0, 0 },
	};
	int64_t offset;
	size_t i;

	rtas(f, token("set-time-of-day"), 7, t, 1, rets);
	assert_int_equal(rets[0], 0);
	offset = (int64_t)timegm(&want) - now_s();
	assert_in_range(f->p.rtc_offset - offset, 0, 1);
	rtas(f, token("get-time-of-day"), 0, NULL, 8, rets);
	assert_int_equal(rets[1], 2030);
	assert_int_equal(rets[2], 6);
	assert_int_equal(rets[3], 15);
	assert_in_range(rets_to_time(rets) - (int64_t)timegm(&want), 0, 2);

	/* leap days exist where they should */
	t[0] = 2024, t[1] = 2, t[2] = 29;
	rtas(f, token("set-time-of-day"), 7, t, 1, rets);
	assert_int_equal(rets[0], 0);
	t[0] = 2000;
	rtas(f, token("set-time-of-day"), 7, t, 1, rets);
	assert_int_equal(rets[0], 0);

	offset = f->p.rtc_offset;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		rtas(f, token("set-time-of-day"), 7, bad[i], 1, rets);
		if (rets[0] != PARAM_ERROR)
			fail_msg("bad date %zu accepted", i);
	}
	rtas(f, token("set-time-of-day"), 6, t, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	assert_int_equal(f->p.rtc_offset, offset);
}

static void test_power_off_and_reboot(void **state)
{
	struct fixture *f = *state;
	uint32_t args[2] = { 0xffffffff, 0xffffffff }, rets[1];

	/* wrong counts do nothing */
	rtas(f, token("power-off"), 1, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	rtas(f, token("system-reboot"), 1, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	assert_int_equal(f->p.exit_request, PSERIES_RUNNING);
	assert_int_equal(f->core.exits, 0);

	rtas(f, token("system-reboot"), 0, NULL, 1, rets);
	assert_int_equal(rets[0], 0);
	assert_int_equal(f->p.exit_request, PSERIES_REBOOT);
	assert_int_equal(f->core.exits, 1);

	f->p.exit_request = PSERIES_RUNNING;
	rtas(f, token("power-off"), 2, args, 1, rets);
	assert_int_equal(rets[0], 0);
	assert_int_equal(f->p.exit_request, PSERIES_POWEROFF);
	assert_int_equal(f->core.exits, 2);
}

/* ibm,os-term: the panic message is kept escaped, and the VM stops */
static void test_os_term(void **state)
{
	struct fixture *f = *state;
	static const char msg[] = "OS panic: sysrq\ntriggered \x1b[2J crash";
	uint32_t args[1] = { 0x4000 }, rets[1];

	memcpy(f->ram + 0x4000, msg, sizeof(msg));
	/* wrong counts: refused, nothing stops */
	rtas(f, token("ibm,os-term"), 0, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	assert_int_equal(f->p.exit_request, PSERIES_RUNNING);
	assert_int_equal(f->p.panic_msg[0], 0);

	rtas(f, token("ibm,os-term"), 1, args, 1, rets);
	assert_int_equal(rets[0], 0);
	assert_int_equal(f->p.exit_request, PSERIES_PANIC);
	assert_int_equal(f->core.exits, 1);
	assert_string_equal(f->p.panic_msg, "OS panic: sysrq\\ntriggered \\x1b[2J crash");

	/* a message at the end of guest memory: only what is there is read;
	 * the first panic's message stays */
	f->p.exit_request = PSERIES_RUNNING;
	memset(f->ram2 + RAM_SIZE - 4, 'z', 4);
	args[0] = (uint32_t)(RAM2_GPA + RAM_SIZE - 4);
	rtas(f, token("ibm,os-term"), 1, args, 1, rets);
	assert_int_equal(rets[0], 0);
	assert_int_equal(f->p.exit_request, PSERIES_PANIC);
	assert_string_equal(f->p.panic_msg, "OS panic: sysrq\\ntriggered \\x1b[2J crash");
	f->p.panic_msg[0] = 0;
	f->p.exit_request = PSERIES_RUNNING;
	rtas(f, token("ibm,os-term"), 1, args, 1, rets);
	assert_string_equal(f->p.panic_msg, "zzzz");

	/* nowhere at all: still a panic, with a placeholder */
	f->p.panic_msg[0] = 0;
	f->p.exit_request = PSERIES_RUNNING;
	args[0] = 0xfffffff0;
	rtas(f, token("ibm,os-term"), 1, args, 1, rets);
	assert_int_equal(rets[0], 0);
	assert_int_equal(f->p.exit_request, PSERIES_PANIC);
	assert_string_equal(f->p.panic_msg, "(message outside guest memory)");

	/* --on-panic=guest: reported, and the guest goes on (its panic=) */
	f->p.panic_stops = false;
	f->p.panic_msg[0] = 0;
	f->p.exit_request = PSERIES_RUNNING;
	f->core.exits = 0;
	args[0] = 0x4000;
	rtas(f, token("ibm,os-term"), 1, args, 1, rets);
	assert_int_equal(rets[0], 0);
	assert_int_equal(f->p.exit_request, PSERIES_RUNNING);
	assert_int_equal(f->core.exits, 0);
	assert_string_equal(f->p.panic_msg, "OS panic: sysrq\\ntriggered \\x1b[2J crash");
}

static uint32_t query(struct fixture *f, uint32_t id, uint32_t *status)
{
	uint32_t rets[2];

	rtas(f, token("query-cpu-stopped-state"), 1, &id, 2, rets);
	*status = rets[0];
	return rets[1];
}

static void test_cpu_start_stop(void **state)
{
	struct fixture *f = *state;
	uint32_t args[3] = { 2, 0x1234, 2 }, rets[2], status;

	f->p.cpu[0].state = CPU_RUNNING;
	assert_int_equal(query(f, 0, &status), 2);
	assert_int_equal(status, 0);
	assert_int_equal(query(f, 2, &status), 0);
	assert_int_equal(status, 0);

	rtas(f, token("start-cpu"), 3, args, 1, rets);
	assert_int_equal(rets[0], 0);
	assert_int_equal(f->core.starts, 1);
	assert_int_equal(f->core.cpu, 2);
	assert_int_equal(f->core.pc, 0x1234);
	assert_int_equal(f->core.r3, 2);
	assert_int_equal(f->p.cpu[2].state, CPU_RUNNING);
	assert_int_equal(query(f, 2, &status), 2);

	/* a running CPU cannot be started again */
	rtas(f, token("start-cpu"), 3, args, 1, rets);
	assert_int_equal(rets[0], HW_ERROR);
	assert_int_equal(f->core.starts, 1);

	/* the core failing to wake it leaves it stopped */
	args[0] = 3;
	f->core.start_ret = -1;
	rtas(f, token("start-cpu"), 3, args, 1, rets);
	assert_int_equal(rets[0], HW_ERROR);
	assert_int_equal(f->p.cpu[3].state, CPU_STOPPED);
	f->p.ops = NULL;
	rtas(f, token("start-cpu"), 3, args, 1, rets);
	assert_int_equal(rets[0], HW_ERROR);
	assert_int_equal(f->p.cpu[3].state, CPU_STOPPED);
	f->p.ops = &fake_ops;

	/* stop-self acts on the calling vCPU (1 in rtas__call here) */
	f->p.cpu[1].state = CPU_RUNNING;
	rtas(f, token("stop-self"), 0, NULL, 1, rets);
	assert_int_equal(rets[0], 0);
	assert_true(f->p.cpu[1].stop_self);
	assert_int_equal(f->p.cpu[1].state, CPU_STOPPED);
	assert_int_equal(query(f, 1, &status), 0);
	assert_false(f->p.cpu[2].stop_self);
	rtas(f, token("stop-self"), 1, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
}

static void test_cpu_bad_ids_and_counts(void **state)
{
	struct fixture *f = *state;
	const uint32_t ids[] = { 4, 255, 256, 0xffffffff };
	uint32_t args[3] = { 0, 0x100, 0 }, rets[2], status;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		query(f, ids[i], &status);
		assert_int_equal(status, PARAM_ERROR);
		args[0] = ids[i];
		rtas(f, token("start-cpu"), 3, args, 1, rets);
		assert_int_equal(rets[0], PARAM_ERROR);
	}
	args[0] = 1;
	rtas(f, token("start-cpu"), 2, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	rtas(f, token("query-cpu-stopped-state"), 1, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	assert_int_equal(f->core.starts, 0);
	assert_int_equal(f->p.cpu[1].state, CPU_STOPPED);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_display_character),
		T(test_get_time_of_day),
		T(test_set_time_of_day),
		T(test_power_off_and_reboot),
		T(test_os_term),
		T(test_cpu_start_stop),
		T(test_cpu_bad_ids_and_counts),
	};

	return cmocka_run_group_tests_name("rtas-services", tests, NULL, NULL);
}
