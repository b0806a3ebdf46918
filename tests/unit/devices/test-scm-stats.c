// SPDX-License-Identifier: GPL-2.0
/* H_SCM_PERFORMANCE_STATS: the size query, the buffer, hostile buffers. */
#include "scm-fixture.h"

#define BUF		0x2000ULL	/* where the tests put their buffer */
#define SENTINEL	0x5eedf00dcafe1234ULL
#define ATTACHED_SECS	5

static const char memlife[] = "MemLife ";
static const char ponsecs[] = "PonSecs ";

/* The id as Linux prints it from r4: its 8 bytes, big-endian. */
static uint64_t id_value(const char *id)
{
	uint64_t v;

	memcpy(&v, id, 8);
	return be64toh(v);
}

/* A request header at BUF for @n entries, ids from @ids, values SENTINEL. */
static void request(struct fixture *f, uint64_t gpa, uint32_t n,
		    const char *const *ids)
{
	uint64_t sentinel = htobe64(SENTINEL);
	uint32_t i;

	memcpy(host(f, gpa), "SCMSTATS", 8);
	put32(f, gpa + 8, 1);
	put32(f, gpa + 12, n);
	for (i = 0; ids && i < n; i++) {
		memcpy(host(f, gpa + 16 + 16 * i), ids[i], 8);
		memcpy(host(f, gpa + 24 + 16 * i), &sentinel, 8);
	}
}

static long stats(struct fixture *f, uint64_t *r, uint64_t drc, uint64_t gpa,
		  uint64_t size)
{
	return hc(f, H_SCM_PERFORMANCE_STATS, r, drc, gpa, size, 0, 0);
}

static int stats_setup(void **state)
{
	struct fixture *f;

	setup(state);
	f = *state;
	/* device 0: a file attached 5.5 s ago; device 1: real pmem */
	f->dev[0]->d.attach_time_ns = lkvm__now_ns() - ATTACHED_SECS * 1000000000ULL -
				      500000000ULL;
	f->dev[1]->d.attach_time_ns = lkvm__now_ns();
	f->dev[1]->d.is_pmem = true;
	f->dev[1]->d.needs_flush_hcall = false;
	return 0;
}

static void assert_ponsecs(uint64_t v)
{
	/* at least what elapsed; a second more if the test machine is slow */
	if (v < ATTACHED_SECS || v > ATTACHED_SECS + 1)
		fail_msg("PonSecs %llu, expected %d", (unsigned long long)v,
			 ATTACHED_SECS);
}

static void test_size_query(void **state)
{
	struct fixture *f = *state;
	uint64_t r[HCALL_NR_ARGS];

	/* a file: both statistics; Linux passes address 0 and size 0 */
	assert_int_equal(stats(f, r, DRC0, 0, 0), H_SUCCESS);
	assert_int_equal(r[0], 16 + 2 * 16);
	/* the address does not matter when the size is 0 */
	assert_int_equal(stats(f, r, DRC0, ~0ULL, 0), H_SUCCESS);
	assert_int_equal(r[0], 16 + 2 * 16);
	/* real pmem wears in ways lkvm cannot see: no MemLife */
	assert_int_equal(stats(f, r, DRC1, 0, 0), H_SUCCESS);
	assert_int_equal(r[0], 16 + 16);
	f->dev[1]->d.attach_time_ns = 0;
	assert_int_equal(stats(f, r, DRC1, 0, 0), H_SUCCESS);
	assert_int_equal(r[0], 16);
	f->dev[1]->d.is_pmem = false;
	f->dev[1]->d.is_devdax = true;
	assert_int_equal(stats(f, r, DRC1, 0, 0), H_SUCCESS);
	assert_int_equal(r[0], 16);
}

static void test_all_stats(void **state)
{
	struct fixture *f = *state;
	uint64_t r[HCALL_NR_ARGS];

	/* exactly what perf_stats_show does: count 0, the size we gave */
	request(f, BUF, 0, NULL);
	assert_int_equal(stats(f, r, DRC0, BUF, 48), H_SUCCESS);
	assert_memory_equal(host(f, BUF), "SCMSTATS", 8);
	assert_int_equal(get32(f, BUF + 8), 1);
	assert_int_equal(get32(f, BUF + 12), 2);
	assert_memory_equal(host(f, BUF + 16), memlife, 8);
	assert_int_equal(get64(f, BUF + 24), 100);
	assert_memory_equal(host(f, BUF + 32), ponsecs, 8);
	assert_ponsecs(get64(f, BUF + 40));
	/* nothing written past the entries, nor before the buffer */
	assert_int_equal(*host(f, BUF + 48), FILL);
	assert_int_equal(*host(f, BUF - 1), FILL);

	/* a larger buffer gets the same; pmem device: PonSecs only */
	memset(host(f, BUF), FILL, 4096);
	request(f, BUF, 0, NULL);
	assert_int_equal(stats(f, r, DRC1, BUF, 4096), H_SUCCESS);
	assert_int_equal(get32(f, BUF + 12), 1);
	assert_memory_equal(host(f, BUF + 16), ponsecs, 8);
	assert_true(get64(f, BUF + 24) <= 1);
	assert_int_equal(*host(f, BUF + 32), FILL);
}

static void test_selected_stats(void **state)
{
	struct fixture *f = *state;
	const char *ids[] = { ponsecs, memlife, memlife };
	uint64_t r[HCALL_NR_ARGS];

	/* what the fuel gauge and the PMU send: one id */
	request(f, BUF, 1, ids + 1);
	assert_int_equal(stats(f, r, DRC0, BUF, 32), H_SUCCESS);
	assert_int_equal(get32(f, BUF + 12), 1);
	assert_memory_equal(host(f, BUF + 16), memlife, 8);
	assert_int_equal(get64(f, BUF + 24), 100);
	assert_int_equal(*host(f, BUF + 32), FILL);

	/* several, in the guest's order, repeats allowed */
	request(f, BUF, 3, ids);
	assert_int_equal(stats(f, r, DRC0, BUF, 64), H_SUCCESS);
	assert_int_equal(get32(f, BUF + 12), 3);
	assert_memory_equal(host(f, BUF + 16), ponsecs, 8);
	assert_ponsecs(get64(f, BUF + 24));
	assert_int_equal(get64(f, BUF + 40), 100);
	assert_int_equal(get64(f, BUF + 56), 100);
}

static void test_unknown_stat(void **state)
{
	struct fixture *f = *state;
	const char *ids[] = { memlife, "CtlResCt", "MedWDur ", ponsecs };
	const char *garbage[] = { "\0\0\0\0\0\0\0\0" };
	uint64_t r[HCALL_NR_ARGS];

	/* a counter lkvm has no true value for: H_PARTIAL naming it */
	request(f, BUF, 4, ids);
	assert_int_equal(stats(f, r, DRC0, BUF, 80), H_PARTIAL);
	assert_int_equal(r[0], id_value("CtlResCt"));
	assert_int_equal(r[0], 0x43746c5265734374ULL);
	/* the known ones are filled, the unknown ones left alone */
	assert_int_equal(get64(f, BUF + 24), 100);
	assert_int_equal(get64(f, BUF + 40), SENTINEL);
	assert_int_equal(get64(f, BUF + 56), SENTINEL);
	assert_ponsecs(get64(f, BUF + 72));

	request(f, BUF, 1, garbage);
	assert_int_equal(stats(f, r, DRC0, BUF, 32), H_PARTIAL);
	assert_int_equal(r[0], 0);
	/* MemLife is unknown on a device that does not report it */
	request(f, BUF, 1, ids);
	assert_int_equal(stats(f, r, DRC1, BUF, 32), H_PARTIAL);
	assert_int_equal(r[0], id_value(memlife));
	assert_int_equal(get64(f, BUF + 24), SENTINEL);
}

static void test_hostile_buffers(void **state)
{
	struct fixture *f = *state;
	const char *ids[] = { memlife, memlife, memlife };
	uint64_t r[HCALL_NR_ARGS];
	uint64_t i;

	/* outside guest memory, straddling its end, wrapping around */
	request(f, RAM_SIZE - 32, 0, NULL);
	assert_int_equal(stats(f, r, DRC0, RAM_SIZE, 48), H_P2);
	assert_int_equal(stats(f, r, DRC0, RAM_SIZE - 32, 48), H_P2);
	assert_int_equal(stats(f, r, DRC0, GPA0, 48), H_P2);
	assert_int_equal(stats(f, r, DRC0, ~0ULL, 48), H_P2);
	assert_int_equal(stats(f, r, DRC0, (uint64_t)-16, 48), H_P2);
	assert_int_equal(stats(f, r, DRC0, BUF, ~0ULL), H_P2);
	assert_int_equal(stats(f, r, DRC0, BUF, (uint64_t)-BUF), H_P2);
	assert_int_equal(stats(f, r, DRC0, BUF, RAM_SIZE), H_P2);
	/* a read-only region cannot take the answer */
	memcpy(f->ro, "SCMSTATS\0\0\0\1\0\0\0\0", 16);
	assert_int_equal(stats(f, r, DRC0, RO_GPA, 48), H_P2);
	assert_memory_equal(f->ro + 16, "\xa5\xa5\xa5\xa5", 4);

	/* too small for a header, for all stats, for the ids it names */
	request(f, BUF, 0, NULL);
	assert_int_equal(stats(f, r, DRC0, BUF, 8), H_P3);
	assert_int_equal(stats(f, r, DRC0, BUF, 15), H_P3);
	assert_int_equal(stats(f, r, DRC0, BUF, 16), H_P3);
	assert_int_equal(stats(f, r, DRC0, BUF, 47), H_P3);
	request(f, BUF, 3, ids);
	assert_int_equal(stats(f, r, DRC0, BUF, 63), H_P3);
	put32(f, BUF + 12, UINT32_MAX);
	assert_int_equal(stats(f, r, DRC0, BUF, 64), H_P3);
	put32(f, BUF + 12, 0x10000000);	/* 16 * n wraps in 32 bits */
	assert_int_equal(stats(f, r, DRC0, BUF, 64), H_P3);
	put32(f, BUF + 12, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(get64(f, BUF + 24 + 16 * i), SENTINEL);

	/* not our format */
	memcpy(host(f, BUF), "SCMSTATZ", 8);
	assert_int_equal(stats(f, r, DRC0, BUF, 64), H_P2);
	request(f, BUF, 3, ids);
	put32(f, BUF + 8, 2);
	assert_int_equal(stats(f, r, DRC0, BUF, 64), H_P2);
	for (i = 0; i < 3; i++)
		assert_int_equal(get64(f, BUF + 24 + 16 * i), SENTINEL);

	/* more entries than a request may name, in a buffer that holds them:
	 * refused before any lookup; the most allowed are answered */
	request(f, BUF, SCM_STATS_MAX_REQUEST + 1, NULL);
	for (i = 0; i <= SCM_STATS_MAX_REQUEST; i++) {
		memcpy(host(f, BUF + 16 + 16 * i), memlife, 8);
		*(uint64_t *)host(f, BUF + 24 + 16 * i) = htobe64(SENTINEL);
	}
	assert_int_equal(stats(f, r, DRC0, BUF, 16 + 16 * (SCM_STATS_MAX_REQUEST + 1)), H_P3);
	assert_int_equal(get64(f, BUF + 24), SENTINEL);
	put32(f, BUF + 12, UINT32_MAX);
	assert_int_equal(stats(f, r, DRC0, BUF, RAM_SIZE - BUF), H_P3);
	put32(f, BUF + 12, SCM_STATS_MAX_REQUEST);
	assert_int_equal(stats(f, r, DRC0, BUF, 16 + 16 * SCM_STATS_MAX_REQUEST), H_SUCCESS);
	assert_int_equal(get64(f, BUF + 24 + 16 * (SCM_STATS_MAX_REQUEST - 1)), 100);

	/* a buffer ending on the last byte of RAM is fine */
	request(f, RAM_SIZE - 48, 0, NULL);
	assert_int_equal(stats(f, r, DRC0, RAM_SIZE - 48, 48), H_SUCCESS);
	assert_int_equal(get32(f, RAM_SIZE - 36), 2);
	/* and an unaligned one */
	request(f, BUF + 3, 1, ids);
	assert_int_equal(stats(f, r, DRC0, BUF + 3, 32), H_SUCCESS);
	assert_int_equal(get64(f, BUF + 3 + 24), 100);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, stats_setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_size_query),
		T(test_all_stats),
		T(test_selected_stats),
		T(test_unknown_stat),
		T(test_hostile_buffers),
	};

	return cmocka_run_group_tests_name("scm-stats", tests, NULL, NULL);
}
