// SPDX-License-Identifier: GPL-2.0
/* /chosen/rng-seed: present with exactly the machine's seed, or absent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "lkvm/console.h"
#include "lkvm/device.h"
#include "lkvm/fdt.h"
#include "lkvm/pseries.h"
#include "lkvm/rtas.h"
#include "lkvm/util.h"

static void *build(struct pseries *p)
{
	void *buf = calloc(1, MEMMAP_FDT_MAX_SIZE);

	assert_int_equal(memmap__layout(&p->map, 512 * MiB, 20 * MiB, 0), 0);
	p->nr_cpus = 1;
	p->cpu_info = (struct cpu_info){ 0x004e1200, 512000000, 2200000000U, 128, 128 };
	assert_true(fdt__build(p, "console=hvc0", NULL, buf, MEMMAP_FDT_MAX_SIZE) > 0);
	return buf;
}

static void test_rng_seed_present(void **state)
{
	struct pseries p;
	const void *prop;
	void *fdt;
	int len, i;

	(void)state;
	pseries__init(&p);
	p.has_rng_seed = true;
	for (i = 0; i < (int)sizeof(p.rng_seed); i++)
		p.rng_seed[i] = (uint8_t)(i * 7 + 3);
	fdt = build(&p);
	prop = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "rng-seed", &len);
	assert_non_null(prop);
	assert_int_equal(len, sizeof(p.rng_seed));
	assert_memory_equal(prop, p.rng_seed, sizeof(p.rng_seed));
	free(fdt);
}

static void test_rng_seed_absent(void **state)
{
	struct pseries p;
	void *fdt;
	int len;

	(void)state;
	pseries__init(&p);
	fdt = build(&p);
	assert_null(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "rng-seed", &len));
	assert_non_null(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", &len));
	free(fdt);
}

/*
 * stdout-path names the console device the registry holds, and is left out
 * when there is none (a path to no node would stop the early console).
 */
static void test_stdout_follows_console(void **state)
{
	struct device_registry devices;
	struct console con;
	struct pseries p;
	const char *path;
	void *fdt;
	int len;

	(void)state;
	pseries__init(&p);
	device_registry__init(&devices);
	p.devices = &devices;
	fdt = build(&p);
	assert_null(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "stdout-path", &len));
	assert_true(fdt_path_offset(fdt, "/vdevice") >= 0);
	assert_true(fdt_first_subnode(fdt, fdt_path_offset(fdt, "/vdevice")) < 0);
	free(fdt);

	console__init(&con, -1);
	assert_int_equal(device_registry__add(&devices, &con.dev), 0);
	fdt = build(&p);
	path = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "stdout-path", &len);
	assert_non_null(path);
	assert_string_equal(path, "/vdevice/vty@30000000");
	assert_true(fdt_path_offset(fdt, path) >= 0);
	free(fdt);
	device_registry__destroy(&devices);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_seed_present),
		cmocka_unit_test(test_rng_seed_absent),
		cmocka_unit_test(test_stdout_follows_console),
	};

	return cmocka_run_group_tests_name("fdt-chosen", tests, NULL, NULL);
}
