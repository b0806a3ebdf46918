// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lkvm/kvm-caps.h"

/* What the emulated POWER9 host's nested KVM-HV reports. */
static struct kvm_caps nested_power9(void)
{
	return (struct kvm_caps){
		.have_dev_kvm = true, .api_version = 12, .vm_hv = true,
		.mmu_radix = true, .papr = true, .one_reg = true,
		.irq_xics = true, .xics_device = true, .rtas = true,
		.enable_hcall = true, .nested_hv = true, .user_memory = true,
		.smt = 1, .smt_possible = 15, .nr_vcpus = 2, .max_vcpus = 2048,
	};
}

static void expect_verdict(const struct kvm_caps *c, bool ok, const char *why_part)
{
	char why[256];

	assert_int_equal(kvm_caps__verdict(c, why, sizeof(why)), ok);
	if (!strstr(why, why_part))
		fail_msg("reason '%s' lacks '%s'", why, why_part);
}

static void test_nested_power9_can_run(void **state)
{
	struct kvm_caps c = nested_power9();

	(void)state;
	expect_verdict(&c, true, "ok");
}

static void test_no_dev_kvm(void **state)
{
	struct kvm_caps c = { 0 };

	(void)state;
	expect_verdict(&c, false, "no /dev/kvm");
}

static void test_pr_only(void **state)
{
	struct kvm_caps c = nested_power9();

	(void)state;
	c.vm_hv = false;
	c.vm_pr = true;
	expect_verdict(&c, false, "KVM-PR");
	c.vm_pr = false;
	expect_verdict(&c, false, "kvm-hv");
}

static void test_hash_only(void **state)
{
	struct kvm_caps c = nested_power9();

	(void)state;
	c.mmu_radix = false;
	c.mmu_hash_v3 = true;
	expect_verdict(&c, false, "hash");
	c.mmu_hash_v3 = false;
	expect_verdict(&c, false, "no radix");
}

static void test_missing_pieces(void **state)
{
	struct kvm_caps c;

	(void)state;
	c = nested_power9(); c.api_version = 11;
	expect_verdict(&c, false, "API version");
	c = nested_power9(); c.papr = false;
	expect_verdict(&c, false, "PAPR");
	c = nested_power9(); c.one_reg = false;
	expect_verdict(&c, false, "ONE_REG");
	c = nested_power9(); c.xics_device = false;
	expect_verdict(&c, false, "XICS");
	c = nested_power9(); c.user_memory = false;
	expect_verdict(&c, false, "memory");
}

static void test_describe(void **state)
{
	struct kvm_caps c = nested_power9();
	char text[2048];

	(void)state;
	kvm_caps__describe(&c, text, sizeof(text));
	assert_non_null(strstr(text, "VM type:             HV\n"));
	assert_non_null(strstr(text, "MMU radix:           yes\n"));
	assert_non_null(strstr(text, "MMU hash (ISA 3.0):  no\n"));
	assert_non_null(strstr(text, "nested HV:           yes\n"));
	assert_non_null(strstr(text, "SMT threads/core:    1 (possible modes 0xf)\n"));
	c = (struct kvm_caps){ 0 };
	kvm_caps__describe(&c, text, sizeof(text));
	assert_string_equal(text, "/dev/kvm:            missing\n");
	/* a short buffer is cut, never overrun */
	c = nested_power9();
	kvm_caps__describe(&c, text, 40);
	assert_true(strlen(text) < 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_power9_can_run),
		cmocka_unit_test(test_no_dev_kvm),
		cmocka_unit_test(test_pr_only),
		cmocka_unit_test(test_hash_only),
		cmocka_unit_test(test_missing_pieces),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests_name("kvm-caps", tests, NULL, NULL);
}
