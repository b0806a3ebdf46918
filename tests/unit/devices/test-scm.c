// SPDX-License-Identifier: GPL-2.0
/*
 * SCM hcalls: device lookup and dispatch, label metadata, health. The bind
 * family, performance statistics and flush have their own test files.
 */
#include <libpmem.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lkvm/console.h"

#include "scm-fixture.h"

static long read_md(struct fixture *f, uint64_t drc, uint64_t off,
		    uint64_t len, uint64_t *val)
{
	uint64_t r[HCALL_NR_ARGS];
	long rc;

	rc = hc(f, H_SCM_READ_METADATA, r, drc, off, len, 0, 0);
	if (val)
		*val = r[0];
	return rc;
}

static long write_md(struct fixture *f, uint64_t drc, uint64_t off,
		     uint64_t data, uint64_t len)
{
	return hc(f, H_SCM_WRITE_METADATA, NULL, drc, off, data, len, 0);
}

static void test_bad_drc(void **state)
{
	struct fixture *f = *state;
	struct console con;
	const uint64_t bad[] = {
		0, NVDIMM_DRC_BASE | 2, NVDIMM_DRC_BASE | 0xf,
		(1ULL << 32) | DRC0,	/* upper register bits must not alias */
		~0ULL, 0x80000000,
	};
	const uint64_t nrs[] = {
		H_SCM_READ_METADATA, H_SCM_WRITE_METADATA, H_SCM_BIND_MEM,
		H_SCM_UNBIND_MEM, H_SCM_QUERY_BLOCK_MEM_BINDING,
		H_SCM_QUERY_LOGICAL_MEM_BINDING, H_SCM_HEALTH,
		H_SCM_PERFORMANCE_STATS, H_SCM_FLUSH,
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(nrs); i++)
		for (j = 0; j < ARRAY_SIZE(bad); j++)
			if (hc(f, nrs[i], NULL, bad[j], 0, 1, 1, 0) != H_PARAMETER)
				fail_msg("hcall 0x%llx, DRC 0x%llx: not H_PARAMETER",
					 (unsigned long long)nrs[i],
					 (unsigned long long)bad[j]);
	/* UNBIND_ALL names the DRC in its second register: H_P2 */
	for (j = 0; j < ARRAY_SIZE(bad); j++)
		assert_int_equal(hc(f, H_SCM_UNBIND_ALL, NULL, H_UNBIND_SCOPE_DRC,
				    bad[j], 0, 0, 0), H_P2);
	/* a device taken out of the registry no longer exists for the guest */
	assert_int_equal(device_registry__remove(&f->devices, &f->dev[1]->d.dev), 0);
	assert_int_equal(hc(f, H_SCM_HEALTH, NULL, DRC1, 0, 0, 0, 0), H_PARAMETER);
	assert_int_equal(hc(f, H_SCM_HEALTH, NULL, DRC0, 0, 0, 0, 0), H_SUCCESS);
	assert_int_equal(device_registry__remove(&f->devices, &f->dev[0]->d.dev), 0);
	assert_int_equal(hc(f, H_SCM_HEALTH, NULL, DRC0, 0, 0, 0, 0), H_PARAMETER);
	/* nor does another kind of device: the vty's number is no DRC */
	console__init(&con, -1);
	assert_int_equal(device_registry__add(&f->devices, &con.dev), 0);
	assert_int_equal(hc(f, H_SCM_HEALTH, NULL, CONSOLE_VTY_REG, 0, 0, 0, 0),
			 H_PARAMETER);
	assert_int_equal(device_registry__remove(&f->devices, &con.dev), 0);
	assert_int_equal(f->p.unknown_hcalls, 0);
	assert_int_equal(f->dev[0]->calls, 0);
}

static void test_read_metadata_known_bytes(void **state)
{
	struct fixture *f = *state;
	static const uint8_t bytes[] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc,
	};
	uint8_t *label = f->dev[0]->d.label;
	uint64_t v;

	memcpy(label + 16, bytes, sizeof(bytes));
	memcpy(label + LABEL_SIZE - 8, bytes, 8);

	assert_int_equal(read_md(f, DRC0, 16, 8, &v), H_SUCCESS);
	assert_int_equal(v, 0x0123456789abcdefULL);
	assert_int_equal(read_md(f, DRC0, 16, 4, &v), H_SUCCESS);
	assert_int_equal(v, 0x01234567);
	assert_int_equal(read_md(f, DRC0, 20, 4, &v), H_SUCCESS);
	assert_int_equal(v, 0x89abcdef);
	assert_int_equal(read_md(f, DRC0, 22, 2, &v), H_SUCCESS);
	assert_int_equal(v, 0xcdef);
	assert_int_equal(read_md(f, DRC0, 17, 1, &v), H_SUCCESS);
	assert_int_equal(v, 0x23);
	/* unaligned offsets are fine */
	assert_int_equal(read_md(f, DRC0, 19, 8, &v), H_SUCCESS);
	assert_int_equal(v, 0x6789abcdeffedc00ULL);
	/* the very last bytes of the label */
	assert_int_equal(read_md(f, DRC0, LABEL_SIZE - 8, 8, &v), H_SUCCESS);
	assert_int_equal(v, 0x0123456789abcdefULL);
	assert_int_equal(read_md(f, DRC0, LABEL_SIZE - 1, 1, &v), H_SUCCESS);
	assert_int_equal(v, 0xef);
	/* the other device has its own label */
	assert_int_equal(read_md(f, DRC1, 16, 8, &v), H_SUCCESS);
	assert_int_equal(v, 0);
	assert_int_equal(f->dev[0]->d.label_reads, 8);
	assert_int_equal(f->dev[1]->d.label_reads, 1);
}

static void test_read_metadata_refused(void **state)
{
	struct fixture *f = *state;
	const uint64_t bad_len[] = { 0, 3, 5, 6, 7, 9, 16, 1ULL << 63 | 8, ~0ULL };
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_len); i++)
		assert_int_equal(read_md(f, DRC0, 0, bad_len[i], &v), H_P3);
	/* the length is checked before the offset */
	assert_int_equal(read_md(f, DRC0, ~0ULL, 3, &v), H_P3);
	/* past the end, straddling it, and offsets where off + len wraps */
	assert_int_equal(read_md(f, DRC0, LABEL_SIZE, 1, &v), H_P2);
	assert_int_equal(read_md(f, DRC0, LABEL_SIZE - 7, 8, &v), H_P2);
	assert_int_equal(read_md(f, DRC0, LABEL_SIZE - 1, 2, &v), H_P2);
	assert_int_equal(read_md(f, DRC0, (uint64_t)-4, 8, &v), H_P2);
	assert_int_equal(read_md(f, DRC0, (uint64_t)-8, 8, &v), H_P2);
	assert_int_equal(read_md(f, DRC0, ~0ULL, 1, &v), H_P2);
	assert_int_equal(read_md(f, DRC0, 1ULL << 32, 1, &v), H_P2);
	assert_int_equal(f->dev[0]->d.label_reads, 0);
	/* a device without a label area has nothing to read */
	f->dev[1]->d.label = NULL;
	assert_int_equal(read_md(f, DRC1, 0, 1, &v), H_P2);
}

static void test_metadata_round_trip(void **state)
{
	struct fixture *f = *state;
	uint8_t *label = f->dev[0]->d.label;
	uint64_t v;

	assert_int_equal(write_md(f, DRC0, 100, 0x5a, 1), H_SUCCESS);
	assert_int_equal(label[100], 0x5a);
	assert_int_equal(write_md(f, DRC0, 101, 0xbeef, 2), H_SUCCESS);
	assert_memory_equal(label + 101, "\xbe\xef", 2);
	assert_int_equal(write_md(f, DRC0, 103, 0xdeadbeef, 4), H_SUCCESS);
	assert_memory_equal(label + 103, "\xde\xad\xbe\xef", 4);
	assert_int_equal(write_md(f, DRC0, 107, 0x0011223344556677ULL, 8),
			 H_SUCCESS);
	assert_memory_equal(label + 107, "\x00\x11\x22\x33\x44\x55\x66\x77", 8);
	/* neighbours untouched */
	assert_int_equal(label[99], 0);
	assert_int_equal(label[115], 0);

	assert_int_equal(read_md(f, DRC0, 100, 1, &v), H_SUCCESS);
	assert_int_equal(v, 0x5a);
	assert_int_equal(read_md(f, DRC0, 101, 2, &v), H_SUCCESS);
	assert_int_equal(v, 0xbeef);
	assert_int_equal(read_md(f, DRC0, 103, 4, &v), H_SUCCESS);
	assert_int_equal(v, 0xdeadbeef);
	assert_int_equal(read_md(f, DRC0, 107, 8, &v), H_SUCCESS);
	assert_int_equal(v, 0x0011223344556677ULL);
	assert_int_equal(read_md(f, DRC0, 100, 8, &v), H_SUCCESS);
	assert_int_equal(v, 0x5abeefdeadbeef00ULL);

	/* all ones, and the last 8 bytes of the label */
	assert_int_equal(write_md(f, DRC0, LABEL_SIZE - 8, ~0ULL, 8), H_SUCCESS);
	assert_int_equal(read_md(f, DRC0, LABEL_SIZE - 8, 8, &v), H_SUCCESS);
	assert_int_equal(v, ~0ULL);
	assert_int_equal(f->dev[0]->d.label_writes, 5);
	assert_int_equal(f->dev[0]->d.label_reads, 6);
	/* the other device's label did not change */
	assert_int_equal(read_md(f, DRC1, 100, 8, &v), H_SUCCESS);
	assert_int_equal(v, 0);
}

static void test_write_metadata_refused(void **state)
{
	struct fixture *f = *state;
	uint8_t *label = f->dev[0]->d.label;
	static const uint8_t zero[LABEL_SIZE];
	const uint64_t bad_len[] = { 0, 3, 5, 7, 9, 16, 1ULL << 32 | 4, ~0ULL };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_len); i++)
		assert_int_equal(write_md(f, DRC0, 0, 0, bad_len[i]), H_P4);
	assert_int_equal(write_md(f, DRC0, ~0ULL, 0, 3), H_P4);
	assert_int_equal(write_md(f, DRC0, LABEL_SIZE, 1, 1), H_P2);
	assert_int_equal(write_md(f, DRC0, LABEL_SIZE - 4, 1, 8), H_P2);
	assert_int_equal(write_md(f, DRC0, (uint64_t)-4, 1, 8), H_P2);
	assert_int_equal(write_md(f, DRC0, ~0ULL, 1, 1), H_P2);
	/* data wider than the length */
	assert_int_equal(write_md(f, DRC0, 0, 0x100, 1), H_P2);
	assert_int_equal(write_md(f, DRC0, 0, 0x10000, 2), H_P2);
	assert_int_equal(write_md(f, DRC0, 0, 0x100000000ULL, 4), H_P2);
	assert_int_equal(write_md(f, DRC0, 0, 1ULL << 63 | 1, 4), H_P2);
	assert_int_equal(write_md(f, DRC0, 0, ~0ULL, 2), H_P2);
	assert_memory_equal(label, zero, LABEL_SIZE);
	assert_int_equal(f->dev[0]->d.label_writes, 0);
	/* exactly as wide as the length is fine */
	assert_int_equal(write_md(f, DRC0, 0, 0xff, 1), H_SUCCESS);
	assert_int_equal(write_md(f, DRC0, 1, 0xffff, 2), H_SUCCESS);
	assert_int_equal(write_md(f, DRC0, 3, 0xffffffff, 4), H_SUCCESS);
	assert_memory_equal(label, "\xff\xff\xff\xff\xff\xff\xff\x00", 8);
}

static void test_readonly_device(void **state)
{
	struct fixture *f = *state;
	struct nvdimm *d = &f->dev[1]->d;
	uint64_t r[HCALL_NR_ARGS], v;

	d->cfg.readonly = true;
	d->label[8] = 0x42;
	assert_int_equal(write_md(f, DRC1, 8, 0x17, 1), H_P2);
	assert_int_equal(write_md(f, DRC1, 0, 0x1122334455667788ULL, 8), H_P2);
	assert_int_equal(d->label[8], 0x42);
	assert_int_equal(d->label[0], 0);
	assert_int_equal(d->label_writes, 0);
	/* parameter errors keep their own codes */
	assert_int_equal(write_md(f, DRC1, 0, 0, 3), H_P4);
	/* reading is fine */
	assert_int_equal(read_md(f, DRC1, 8, 1, &v), H_SUCCESS);
	assert_int_equal(v, 0x42);
	/* and the guest is told the device cannot persist */
	assert_int_equal(hc(f, H_SCM_HEALTH, r, DRC1, 0, 0, 0, 0), H_SUCCESS);
	assert_int_equal(r[0] & r[1], NVDIMM_HEALTH_UNARMED);
}

/*
 * libpmem flushes with POWER10 cache instructions (dcbstps, phwsync) that
 * POWER9 hardware runs as their older forms but some emulators refuse:
 * QEMU 7.2 raises SIGILL. Try them in a child first.
 */
static bool pmem_persist_runs(void)
{
	static uint8_t probe[64];
	struct rlimit no_core = { 0, 0 };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return false;
	if (!pid) {
		/* die of the signal: cmocka's handler would resume the tests */
		signal(SIGILL, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		setrlimit(RLIMIT_CORE, &no_core);
		pmem_persist(probe, sizeof(probe));
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_write_metadata_pmem(void **state)
{
	struct fixture *f = *state;
	struct nvdimm *d = &f->dev[0]->d;
	uint64_t v;

	if (!pmem_persist_runs()) {
		print_message("pmem_persist() faults on this CPU (emulator?): skipped\n");
		skip();
	}
	/* the pmem path persists on the spot; the bytes land all the same */
	d->is_pmem = true;
	d->needs_flush_hcall = false;
	assert_int_equal(write_md(f, DRC0, 64, 0x0102030405060708ULL, 8),
			 H_SUCCESS);
	assert_memory_equal(d->label + 64, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_int_equal(write_md(f, DRC0, LABEL_SIZE - 1, 0x99, 1), H_SUCCESS);
	assert_int_equal(read_md(f, DRC0, LABEL_SIZE - 1, 1, &v), H_SUCCESS);
	assert_int_equal(v, 0x99);
	assert_int_equal(f->dev[0]->calls, 0);
}

static void test_health(void **state)
{
	struct fixture *f = *state;
	uint64_t r[HCALL_NR_ARGS];

	assert_int_equal(hc(f, H_SCM_HEALTH, r, DRC0, 0, 0, 0, 0), H_SUCCESS);
	assert_int_equal(r[0], 0);
	assert_int_equal(r[1], NVDIMM_HEALTH_UNARMED | NVDIMM_HEALTH_SHUTDOWN_DIRTY);

	f->dev[0]->d.flush_failed = true;
	assert_int_equal(hc(f, H_SCM_HEALTH, r, DRC0, 0, 0, 0, 0), H_SUCCESS);
	assert_int_equal(r[0], NVDIMM_HEALTH_SHUTDOWN_DIRTY);
	assert_int_equal(r[0] & r[1], NVDIMM_HEALTH_SHUTDOWN_DIRTY);

	f->dev[0]->d.cfg.readonly = true;
	assert_int_equal(hc(f, H_SCM_HEALTH, r, DRC0, 0, 0, 0, 0), H_SUCCESS);
	assert_int_equal(r[0] & r[1],
			 NVDIMM_HEALTH_UNARMED | NVDIMM_HEALTH_SHUTDOWN_DIRTY);
	/* one device's state is not the other's */
	assert_int_equal(hc(f, H_SCM_HEALTH, r, DRC1, 0, 0, 0, 0), H_SUCCESS);
	assert_int_equal(r[0], 0);
}

#define RACE_ROUNDS 20000

struct label_race {
	struct fixture *f;
	_Atomic bool done;
	uint64_t torn;
};

static void *label_writer(void *arg)
{
	struct label_race *r = arg;
	unsigned int i;

	for (i = 0; i < RACE_ROUNDS; i++)
		write_md(r->f, DRC0, 64, i & 1 ? ~0ULL : 0, 8);
	atomic_store(&r->done, true);
	return NULL;
}

/*
 * Two vCPUs on one label word: a reader sees either value whole, never
 * half of each (the label area is only reached through these hcalls).
 */
static void test_label_value_never_torn(void **state)
{
	struct label_race r = { .f = *state };
	uint64_t v;
	pthread_t t;

	assert_int_equal(write_md(r.f, DRC0, 64, 0, 8), H_SUCCESS);
	assert_int_equal(pthread_create(&t, NULL, label_writer, &r), 0);
	while (!atomic_load(&r.done)) {
		assert_int_equal(read_md(r.f, DRC0, 64, 8, &v), H_SUCCESS);
		if (v != 0 && v != ~0ULL)
			r.torn++;
	}
	pthread_join(t, NULL);
	assert_int_equal(r.torn, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_bad_drc),
		T(test_read_metadata_known_bytes),
		T(test_read_metadata_refused),
		T(test_metadata_round_trip),
		T(test_write_metadata_refused),
		T(test_readonly_device),
		T(test_write_metadata_pmem),
		T(test_health),
		T(test_label_value_never_torn),
	};

	return cmocka_run_group_tests_name("scm", tests, NULL, NULL);
}
