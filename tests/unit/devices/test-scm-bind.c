// SPDX-License-Identifier: GPL-2.0
/*
 * The stateless bind family: H_SCM_BIND_MEM, the two binding queries,
 * H_SCM_UNBIND_MEM and H_SCM_UNBIND_ALL must agree with each other on
 * every call, and refuse values that would wrap.
 */
#include "scm-fixture.h"

static long do_bind(struct fixture *f, uint64_t *r, uint64_t drc,
		    uint64_t start, uint64_t count, uint64_t target,
		    uint64_t token)
{
	return hc(f, H_SCM_BIND_MEM, r, drc, start, count, target, token);
}

static void test_bind(void **state)
{
	struct fixture *f = *state;
	uint64_t r[HCALL_NR_ARGS];
	int i;

	/* what Linux sends, again and again: the same answer every time */
	for (i = 0; i < 3; i++) {
		assert_int_equal(do_bind(f, r, DRC0, 0, BLOCKS0, ~0ULL, 0), H_SUCCESS);
		assert_int_equal(r[0], 0);
		assert_int_equal(r[1], GPA0);
		assert_int_equal(r[2], BLOCKS0);
	}
	assert_int_equal(do_bind(f, r, DRC1, 0, BLOCKS1, ~0ULL, 0), H_SUCCESS);
	assert_int_equal(r[1], GPA1);
	assert_int_equal(r[2], BLOCKS1);
	assert_int_equal(do_bind(f, r, DRC0, 1, 2, ~0ULL, 0), H_SUCCESS);
	assert_int_equal(r[1], GPA0 + BS);
	assert_int_equal(r[2], 2);
	assert_int_equal(do_bind(f, r, DRC0, 3, 1, ~0ULL, 0), H_SUCCESS);
	assert_int_equal(r[1], GPA0 + 3 * BS);

	assert_int_equal(do_bind(f, r, DRC0, 0, BLOCKS0, ~0ULL, 1), H_P5);
	assert_int_equal(do_bind(f, r, DRC0, 0, BLOCKS0, ~0ULL, ~0ULL), H_P5);
	assert_int_equal(do_bind(f, r, DRC0, 0, BLOCKS0, 0, 0), H_OVERLAP);
	assert_int_equal(do_bind(f, r, DRC0, 0, BLOCKS0, GPA0, 0), H_OVERLAP);
	/* token before target, target before the blocks */
	assert_int_equal(do_bind(f, r, DRC0, 99, 99, 0, 1), H_P5);
	assert_int_equal(do_bind(f, r, DRC0, 99, 99, 0, 0), H_OVERLAP);
	assert_int_equal(do_bind(f, r, DRC0, BLOCKS0 + 1, 0, ~0ULL, 0), H_P2);
	assert_int_equal(do_bind(f, r, DRC0, ~0ULL, 2, ~0ULL, 0), H_P2);
	assert_int_equal(do_bind(f, r, DRC0, 1, BLOCKS0, ~0ULL, 0), H_P3);
	assert_int_equal(do_bind(f, r, DRC0, 0, BLOCKS0 + 1, ~0ULL, 0), H_P3);
	/* start + count wraps to a small number */
	assert_int_equal(do_bind(f, r, DRC0, 2, ~0ULL, ~0ULL, 0), H_P3);
	assert_int_equal(do_bind(f, r, DRC0, 2, (uint64_t)-1 - 1, ~0ULL, 0), H_P3);
}

static long query_block(struct fixture *f, uint64_t drc, uint64_t block,
			uint64_t *addr)
{
	uint64_t r[HCALL_NR_ARGS];
	long rc = hc(f, H_SCM_QUERY_BLOCK_MEM_BINDING, r, drc, block, 0, 0, 0);

	*addr = r[0];
	return rc;
}

static long query_logical(struct fixture *f, uint64_t drc, uint64_t addr,
			  uint64_t *block)
{
	uint64_t r[HCALL_NR_ARGS];
	long rc = hc(f, H_SCM_QUERY_LOGICAL_MEM_BINDING, r, drc, addr, 0, 0, 0);

	*block = r[0];
	return rc;
}

static void test_query_bindings(void **state)
{
	struct fixture *f = *state;
	uint64_t r[HCALL_NR_ARGS], first, last, v, i;

	/* Linux's fallback after H_OVERLAP: first and last block must match */
	assert_int_equal(query_block(f, DRC0, 0, &first), H_SUCCESS);
	assert_int_equal(query_block(f, DRC0, BLOCKS0 - 1, &last), H_SUCCESS);
	assert_int_equal(last - first, (BLOCKS0 - 1) * BS);
	assert_int_equal(do_bind(f, r, DRC0, 0, BLOCKS0, ~0ULL, 0), H_SUCCESS);
	assert_int_equal(first, r[1]);

	for (i = 0; i < BLOCKS0; i++) {
		assert_int_equal(query_block(f, DRC0, i, &v), H_SUCCESS);
		assert_int_equal(v, GPA0 + i * BS);
		assert_int_equal(do_bind(f, r, DRC0, i, 1, ~0ULL, 0), H_SUCCESS);
		assert_int_equal(r[1], GPA0 + i * BS);
		assert_int_equal(query_logical(f, DRC0, GPA0 + i * BS, &v), H_SUCCESS);
		assert_int_equal(v, i);
		assert_int_equal(query_logical(f, DRC0, GPA0 + (i + 1) * BS - 1, &v),
				 H_SUCCESS);
		assert_int_equal(v, i);
	}
	assert_int_equal(query_block(f, DRC1, 0, &v), H_SUCCESS);
	assert_int_equal(v, GPA1);

	assert_int_equal(query_block(f, DRC0, BLOCKS0, &v), H_P2);
	assert_int_equal(query_block(f, DRC0, ~0ULL, &v), H_P2);
	assert_int_equal(query_block(f, DRC1, 1, &v), H_P2);
	assert_int_equal(query_logical(f, DRC0, GPA0 - 1, &v), H_P2);
	assert_int_equal(query_logical(f, DRC0, 0, &v), H_P2);
	assert_int_equal(query_logical(f, DRC0, GPA0 + BLOCKS0 * BS, &v), H_P2);
	/* device 1's address is not device 0's */
	assert_int_equal(query_logical(f, DRC0, GPA1, &v), H_P2);
	assert_int_equal(query_logical(f, DRC0, ~0ULL, &v), H_P2);
	assert_int_equal(query_logical(f, DRC1, GPA1 + 5, &v), H_SUCCESS);
	assert_int_equal(v, 0);
}

static void test_unbind_mem(void **state)
{
	struct fixture *f = *state;
	uint64_t r[HCALL_NR_ARGS];

	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, GPA0, BLOCKS0, 0, 0),
			 H_SUCCESS);
	assert_int_equal(r[1], BLOCKS0);
	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, GPA0 + 3 * BS, 1, 0, 0),
			 H_SUCCESS);
	assert_int_equal(r[1], 1);
	/* stateless: bind still answers the same */
	assert_int_equal(do_bind(f, r, DRC0, 0, BLOCKS0, ~0ULL, 0), H_SUCCESS);
	assert_int_equal(r[1], GPA0);

	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, GPA0, 1, 1, 0), H_P4);
	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, GPA0 + 4096, 1, 0, 0),
			 H_P2);
	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, ~0ULL, 1, 0, 0), H_P2);
	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, GPA0, 0, 0, 0), H_P3);
	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, GPA0, BLOCKS0 + 1, 0, 0),
			 H_P3);
	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, GPA0 + BS, BLOCKS0, 0, 0),
			 H_P3);
	/* count * block size overflows 64 bits */
	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, GPA0, 1ULL << 36, 0, 0),
			 H_P3);
	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, GPA0, ~0ULL, 0, 0), H_P3);
	/* outside the device: below, at its end, at the top of the space */
	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, 0, 1, 0, 0), H_P3);
	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, GPA1, 1, 0, 0), H_P3);
	assert_int_equal(hc(f, H_SCM_UNBIND_MEM, r, DRC0, ~(BS - 1), 1, 0, 0),
			 H_P3);
}

static void test_unbind_all(void **state)
{
	struct fixture *f = *state;
	uint64_t r[HCALL_NR_ARGS];

	assert_int_equal(hc(f, H_SCM_UNBIND_ALL, r, H_UNBIND_SCOPE_DRC, DRC0, 0,
			    0, 0), H_SUCCESS);
	assert_int_equal(r[0], 0);
	assert_int_equal(r[1], BLOCKS0);
	assert_int_equal(hc(f, H_SCM_UNBIND_ALL, r, H_UNBIND_SCOPE_DRC, DRC1, 0,
			    0, 0), H_SUCCESS);
	assert_int_equal(r[1], BLOCKS1);
	/* scope "all" ignores the DRC register */
	assert_int_equal(hc(f, H_SCM_UNBIND_ALL, r, H_UNBIND_SCOPE_ALL, 12345, 0,
			    0, 0), H_SUCCESS);
	assert_int_equal(r[1], BLOCKS0 + BLOCKS1);

	assert_int_equal(hc(f, H_SCM_UNBIND_ALL, r, 0, DRC0, 0, 0, 0), H_PARAMETER);
	assert_int_equal(hc(f, H_SCM_UNBIND_ALL, r, 3, DRC0, 0, 0, 0), H_PARAMETER);
	assert_int_equal(hc(f, H_SCM_UNBIND_ALL, r, (1ULL << 32) | 2, DRC0, 0, 0,
			    0), H_PARAMETER);
	assert_int_equal(hc(f, H_SCM_UNBIND_ALL, r, H_UNBIND_SCOPE_DRC, DRC0, 1,
			    0, 0), H_P4);
	assert_int_equal(hc(f, H_SCM_UNBIND_ALL, r, H_UNBIND_SCOPE_ALL, 0, ~0ULL,
			    0, 0), H_P4);
	/* the token is looked at first */
	assert_int_equal(hc(f, H_SCM_UNBIND_ALL, r, 7, 0, 1, 0, 0), H_P4);
	/* and a bind afterwards is as good as ever */
	assert_int_equal(do_bind(f, r, DRC0, 0, BLOCKS0, ~0ULL, 0), H_SUCCESS);
	assert_int_equal(r[1], GPA0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_bind),
		T(test_query_bindings),
		T(test_unbind_mem),
		T(test_unbind_all),
	};

	return cmocka_run_group_tests_name("scm-bind", tests, NULL, NULL);
}
