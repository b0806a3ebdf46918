// SPDX-License-Identifier: GPL-2.0
/* H_GET_CPU_CHARACTERISTICS: KVM's answer passed on, or H_FUNCTION. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lkvm/hcall.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"

static void test_passes_kvm_answer(void **state)
{
	uint64_t args[HCALL_NR_ARGS] = { 7, 7, 7 };
	struct pseries p;

	(void)state;
	pseries__init(&p);
	p.cpu_char = (struct cpu_char){ true, 0x1234ULL << 48, 0x8000000000000000ULL };
	assert_int_equal(hcall__dispatch(&p, 0, H_GET_CPU_CHARACTERISTICS, args), H_SUCCESS);
	assert_true(args[0] == 0x1234ULL << 48);
	assert_true(args[1] == 0x8000000000000000ULL);
	assert_true(args[2] == 7);	/* untouched registers are echoed */
}

static void test_unknown_without_kvm_answer(void **state)
{
	uint64_t args[HCALL_NR_ARGS] = { 7, 7 };
	struct pseries p;

	(void)state;
	pseries__init(&p);
	assert_int_equal(hcall__dispatch(&p, 0, H_GET_CPU_CHARACTERISTICS, args), H_FUNCTION);
	assert_true(args[0] == 7 && args[1] == 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passes_kvm_answer),
		cmocka_unit_test(test_unknown_without_kvm_answer),
	};

	return cmocka_run_group_tests_name("hcall-cpu", tests, NULL, NULL);
}
