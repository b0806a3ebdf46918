// SPDX-License-Identifier: GPL-2.0
/* The vNVDIMM part of the device tree, parsed back with libfdt. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>

#include "lkvm/device.h"
#include "lkvm/fdt.h"
#include "lkvm/memmap.h"
#include "lkvm/nvdimm.h"
#include "lkvm/pseries.h"
#include "lkvm/scm.h"
#include "lkvm/util.h"

#define PMEM		"/ibm,persistent-memory"
#define RAM		(2 * GiB)
/* the seed device: 2883712K of backing file with a 128K label */
#define SEED_SIZE	2952790016ULL
#define SEED_LABEL	131072ULL
#define UUID0		"72511b67-0b3b-42fd-8d1d-5be3cae8bcaa"
#define UUID1		"0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"
#define NR_SLOTS	LKVM_MAX_NVDIMMS

struct vm {
	struct pseries p;
	struct device_registry devices;
	struct nvdimm *dimm[NR_SLOTS];	/* in the order they were added */
	unsigned int nr;
	/* libfdt wants its blob 8-byte aligned */
	uint8_t buf[MEMMAP_FDT_MAX_SIZE] __attribute__((aligned(8)));
	int size;
};

static struct vm *new_vm(void)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	assert_non_null(vm);
	pseries__init(&vm->p);
	device_registry__init(&vm->devices);
	vm->p.devices = &vm->devices;
	assert_int_equal(memmap__layout(&vm->p.map, RAM, 24 * MiB, 0), 0);
	vm->p.nr_cpus = 2;
	vm->p.cpu_info = (struct cpu_info){ 0x004e1200, 512000000, 2250000000U, 128, 128 };
	return vm;
}

/* A device in @slot as nvdimm__open() leaves it, placed like the VMM does. */
static void add_dimm(struct vm *vm, struct nvdimm *d, unsigned int slot,
		     uint64_t size, uint64_t label, const char *uuid, bool flush)
{
	nvdimm__init(d, slot);
	d->cfg.size = size;
	d->cfg.label_size = label;
	d->needs_flush_hcall = flush;
	snprintf(d->uuid_str, sizeof(d->uuid_str), "%s", uuid);
	assert_int_equal(memmap__alloc_pmem(&vm->p.map, size, &d->gpa), 0);
	assert_int_equal(device_registry__add(&vm->devices, &d->dev), 0);
	vm->dimm[vm->nr++] = d;
}

static int build(struct vm *vm, size_t size)
{
	lkvm__clear_error();
	vm->size = fdt__build(&vm->p, "", NULL, vm->buf, size);
	return vm->size;
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fail_msg("no node %s: %s", path, fdt_strerror(off));
	return off;
}

/* @name of the node at @off, exactly @want_len bytes long. */
static const void *prop(const void *fdt, int off, const char *name, int want_len)
{
	int len;
	const void *v = fdt_getprop(fdt, off, name, &len);

	if (!v)
		fail_msg("%s has no %s", fdt_get_name(fdt, off, NULL), name);
	if (len != want_len)
		fail_msg("%s/%s: %d bytes, want %d", fdt_get_name(fdt, off, NULL), name, len, want_len);
	return v;
}

/* Big-endian cell @i of @p, which the tree only aligns to 4 bytes. */
static uint32_t be32_at(const void *p, unsigned int i)
{
	return fdt32_ld((const fdt32_t *)p + i);
}

/* One-cell and two-cell properties, which must be exactly that long. */
static uint32_t u32p(const void *fdt, int off, const char *name)
{
	return be32_at(prop(fdt, off, name, 4), 0);
}

static uint64_t u64p(const void *fdt, int off, const char *name)
{
	return fdt64_ld(prop(fdt, off, name, 8));
}

static void expect_str(const void *fdt, int off, const char *name, const char *s)
{
	assert_string_equal(prop(fdt, off, name, (int)strlen(s) + 1), s);
}

/* One ibm,pmemory node with every property, exact sizes and values. */
static void expect_dimm(const void *fdt, int off, const struct nvdimm *d)
{
	static const uint32_t assoc[] = { 4, 0, 0, 0, 0 };
	const void *a = prop(fdt, off, "ibm,associativity", 20);
	char name[64];
	unsigned int i;
	int p, n = 0;

	snprintf(name, sizeof(name), "ibm,pmemory@%x", NVDIMM_DRC_BASE + d->slot);
	assert_string_equal(fdt_get_name(fdt, off, NULL), name);
	assert_int_equal(u32p(fdt, off, "reg"), NVDIMM_DRC_BASE + d->slot);
	assert_int_equal(u32p(fdt, off, "ibm,my-drc-index"), NVDIMM_DRC_BASE + d->slot);
	expect_str(fdt, off, "compatible", "ibm,pmemory");
	expect_str(fdt, off, "device_type", "ibm,pmemory");
	for (i = 0; i < ARRAY_SIZE(assoc); i++)
		assert_int_equal(be32_at(a, i), assoc[i]);
	expect_str(fdt, off, "ibm,unit-guid", d->uuid_str);
	/* papr_scm reads these two as u64: 4 bytes would fail its probe */
	assert_int_equal(u64p(fdt, off, "ibm,block-size"), 256 * MiB);
	assert_int_equal(u64p(fdt, off, "ibm,number-of-blocks"), d->cfg.size / (256 * MiB));
	assert_int_equal(u32p(fdt, off, "ibm,metadata-size"), d->cfg.label_size);
	expect_str(fdt, off, "ibm,pmem-application", "operating-system");
	prop(fdt, off, "ibm,cache-flush-required", 0);
	if (d->needs_flush_hcall)
		prop(fdt, off, "ibm,hcall-flush-required", 0);
	else if (fdt_getprop(fdt, off, "ibm,hcall-flush-required", NULL))
		fail_msg("%s: ibm,hcall-flush-required without need", name);
	/* and nothing else */
	fdt_for_each_property_offset(p, fdt, off)
		n++;
	assert_int_equal(n, 11 + d->needs_flush_hcall);
}

/* The container's children, in slot order, and the devices they describe. */
static void expect_dimms(const struct vm *vm)
{
	const void *fdt = vm->buf;
	int off, pmem = node(fdt, PMEM);
	unsigned int n = 0;

	expect_str(fdt, pmem, "device_type", "ibm,persistent-memory");
	assert_int_equal(u32p(fdt, pmem, "#address-cells"), 1);
	assert_int_equal(u32p(fdt, pmem, "#size-cells"), 0);
	fdt_for_each_subnode(off, fdt, pmem) {
		assert_true(n < vm->nr);
		expect_dimm(fdt, off, vm->dimm[n++]);
	}
	assert_int_equal(n, vm->nr);
}

static int dimm_off(const struct vm *vm, unsigned int slot)
{
	char path[64];

	snprintf(path, sizeof(path), PMEM "/ibm,pmemory@%x", NVDIMM_DRC_BASE | slot);
	return node(vm->buf, path);
}

/* A DRC string array: the count cell, then exactly one string per slot. */
static void expect_drc_strings(const void *fdt, const char *name, bool numbered)
{
	int len = 0;
	const char *s = fdt_getprop(fdt, 0, name, &len), *end;
	char want[16];
	unsigned int i;

	assert_non_null(s);
	end = s + len;
	assert_true(len >= 4);
	assert_int_equal(be32_at(s, 0), NR_SLOTS);
	for (s += 4, i = 0; i < NR_SLOTS; i++) {
		size_t n = strnlen(s, (size_t)(end - s));

		snprintf(want, sizeof(want), numbered ? "PMEM %u" : "PMEM", i);
		if (s + n >= end)
			fail_msg("/%s ends inside entry %u", name, i);
		assert_string_equal(s, want);
		s += n + 1;
	}
	assert_ptr_equal(s, end);
}

/*
 * The four DRC arrays of /: one PMEM connector per slot, present or not,
 * entry i in every array about slot i; and each device's own index there.
 */
static void expect_drcs(const struct vm *vm)
{
	const void *fdt = vm->buf;
	const void *idx = prop(fdt, 0, "ibm,drc-indexes", 4 * (1 + NR_SLOTS));
	const void *pwr = prop(fdt, 0, "ibm,drc-power-domains", 4 * (1 + NR_SLOTS));
	unsigned int i, slot;

	assert_int_equal(be32_at(idx, 0), NR_SLOTS);
	assert_int_equal(be32_at(pwr, 0), NR_SLOTS);
	for (i = 0; i < NR_SLOTS; i++) {
		assert_int_equal(be32_at(idx, 1 + i), 0x90000000u + i);
		assert_int_equal(be32_at(pwr, 1 + i), 0xffffffffu);
	}
	expect_drc_strings(fdt, "ibm,drc-names", true);
	expect_drc_strings(fdt, "ibm,drc-types", false);
	for (i = 0; i < vm->nr; i++) {
		slot = vm->dimm[i]->slot;
		assert_int_equal(be32_at(idx, 1 + slot),
				 u32p(fdt, dimm_off(vm, slot), "ibm,my-drc-index"));
	}
}

/* pmem is no RAM, and the tree says nothing about NUMA or hot-plug bounds. */
static void expect_rest(const struct vm *vm)
{
	const void *fdt = vm->buf;
	const void *reg = prop(fdt, node(fdt, "/memory@0"), "reg", 16);
	int off, n = 0;

	assert_int_equal(fdt64_ld((const fdt64_t *)reg), 0);
	assert_int_equal(fdt64_ld((const fdt64_t *)reg + 1), RAM);
	fdt_for_each_subnode(off, fdt, 0) {
		const char *type = fdt_getprop(fdt, off, "device_type", NULL);

		n += type && !strcmp(type, "memory");
	}
	assert_int_equal(n, 1);
	assert_null(fdt_getprop(fdt, 0, "ibm,associativity-reference-points", NULL));
	assert_null(fdt_getprop(fdt, node(fdt, "/rtas"),
				"ibm,associativity-reference-points", NULL));
	assert_null(fdt_getprop(fdt, node(fdt, "/rtas"), "ibm,lrdr-capacity", NULL));
}

/* Build, and check everything the tree says about the machine's pmem. */
static void build_and_check(struct vm *vm)
{
	if (build(vm, sizeof(vm->buf)) <= 0)
		fail_msg("fdt__build: %d (%s)", vm->size, lkvm__last_error());
	assert_int_equal(fdt_check_full(vm->buf, vm->size), 0);
	expect_dimms(vm);
	expect_drcs(vm);
	expect_rest(vm);
}

static void test_no_devices(void **state)
{
	struct vm *vm = new_vm();

	(void)state;
	/* the container is there for hot-plug, with no children */
	build_and_check(vm);
	free(vm);
}

static void test_seed_device(void **state)
{
	struct vm *vm = new_vm();
	struct nvdimm d;

	(void)state;
	add_dimm(vm, &d, 0, SEED_SIZE, SEED_LABEL, UUID0, true);
	assert_true(d.gpa >= vm->p.map.devmem_start);
	build_and_check(vm);

	/* the numbers themselves, not only as derived from the device */
	assert_int_equal(u64p(vm->buf, dimm_off(vm, 0), "ibm,number-of-blocks"), 11);
	assert_int_equal(u64p(vm->buf, dimm_off(vm, 0), "ibm,block-size"), 0x10000000);
	assert_int_equal(u32p(vm->buf, dimm_off(vm, 0), "ibm,metadata-size"), 131072);
	expect_str(vm->buf, dimm_off(vm, 0), "ibm,unit-guid", UUID0);
	free(vm);
}

static void test_three_devices(void **state)
{
	struct vm *vm = new_vm();
	struct nvdimm d[3];

	(void)state;
	add_dimm(vm, &d[0], 0, SEED_SIZE, SEED_LABEL, UUID0, true);
	add_dimm(vm, &d[1], 1, 1 * GiB, 256 * KiB, UUID1, false);
	add_dimm(vm, &d[2], 2, 256 * MiB, SEED_LABEL, "00000000-0000-0000-0000-000000000002", true);
	/* expect_dimm() tells a missing flush property from an absent one */
	build_and_check(vm);
	assert_int_equal(u64p(vm->buf, dimm_off(vm, 1), "ibm,number-of-blocks"), 4);
	free(vm);
}

/* Every slot taken: the DRC arrays do not change, the tree still fits. */
static void test_all_slots(void **state)
{
	struct vm *vm = new_vm();
	struct nvdimm *d = calloc(NR_SLOTS, sizeof(*d));
	char uuid[NVDIMM_UUID_STR_LEN];
	unsigned int i;

	(void)state;
	assert_non_null(d);
	for (i = 0; i < NR_SLOTS; i++) {
		snprintf(uuid, sizeof(uuid), "00000000-0000-0000-0000-0000000000%02x", i);
		add_dimm(vm, &d[i], i, 256 * MiB, SEED_LABEL, uuid, i & 1);
	}
	build_and_check(vm);
	assert_int_equal(build(vm, (size_t)vm->size - 1), -ENOSPC);
	free(d);
	free(vm);
}

/* Refused: -EINVAL, a one-line message naming @what; then *@d = *@keep. */
static void expect_refused(struct vm *vm, const char *what, struct nvdimm *d,
			   const struct nvdimm *keep)
{
	assert_int_equal(build(vm, sizeof(vm->buf)), -EINVAL);
	if (!strstr(lkvm__last_error(), what) || strchr(lkvm__last_error(), '\n'))
		fail_msg("message \"%s\" should name %s", lkvm__last_error(), what);
	if (keep)
		*d = *keep;
}

static void test_bad_devices(void **state)
{
	static const char *bad_uuids[] = {
		"72511b67-0b3b-42fd-8d1d-5be3cae8bca",		/* 35 */
		"72511b67-0b3b-42fd-8d1d-5be3cae8bcag",
		"72511b67+0b3b-42fd-8d1d-5be3cae8bcaa",
		"72511b670b3b-42fd-8d1d-5be3cae8bcaa0",
		"",
	};
	struct vm *vm = new_vm();
	struct nvdimm d[2], keep, other;
	unsigned int i;

	(void)state;
	add_dimm(vm, &d[0], 0, SEED_SIZE, SEED_LABEL, UUID0, true);
	add_dimm(vm, &d[1], 1, 1 * GiB, SEED_LABEL, UUID1, false);
	build_and_check(vm);
	keep = d[1];

	d[1].cfg.size = 0;
	expect_refused(vm, "size", &d[1], &keep);
	d[1].cfg.size = 1 * GiB + 4 * KiB;
	expect_refused(vm, "size", &d[1], &keep);
	d[1].cfg.size = 128 * MiB;
	expect_refused(vm, "size", &d[1], &keep);
	d[1].cfg.label_size = 0;
	expect_refused(vm, "label size", &d[1], &keep);
	for (i = 0; i < ARRAY_SIZE(bad_uuids); i++) {
		snprintf(d[1].uuid_str, sizeof(d[1].uuid_str), "%s", bad_uuids[i]);
		expect_refused(vm, "UUID", &d[1], &keep);
	}
	memcpy(d[1].uuid_str, UUID1 "0", sizeof(d[1].uuid_str));	/* no NUL */
	expect_refused(vm, "UUID", &d[1], &keep);

	/* which connector it is in: one the DRC arrays list */
	d[1].drc_index = NVDIMM_DRC_BASE | NR_SLOTS;
	expect_refused(vm, "DRC index", &d[1], &keep);
	d[1].drc_index = NVDIMM_DRC_BASE - 1;
	expect_refused(vm, "DRC index", &d[1], &keep);
	/* a second device in a taken connector never gets into the machine */
	nvdimm__init(&other, 0);
	assert_int_equal(device_registry__add(&vm->devices, &other.dev), -EEXIST);

	/* put back, it builds again */
	build_and_check(vm);
	free(vm);
}

/* One device's node on its own, as configure-connector hands it out. */
static void test_single_node(void **state)
{
	struct vm *vm = new_vm();
	static uint8_t one[64 << 10];
	struct nvdimm d[2];
	int size, off;

	(void)state;
	add_dimm(vm, &d[0], 0, SEED_SIZE, SEED_LABEL, UUID0, true);
	add_dimm(vm, &d[1], 5, 1 * GiB, 256 * KiB, UUID1, false);
	size = fdt__build_node(&d[1].dev, one, sizeof(one));
	assert_true(size > 0);
	assert_int_equal(fdt_check_full(one, size), 0);
	off = fdt_first_subnode(one, 0);
	assert_true(off >= 0);
	expect_dimm(one, off, &d[1]);
	/* that one node only */
	assert_true(fdt_next_subnode(one, off) < 0);
	assert_int_equal(fdt__build_node(&d[1].dev, one, 64), -ENOSPC);
	/* and a device that would make a wrong node makes none */
	d[1].cfg.label_size = 0;
	assert_int_equal(fdt__build_node(&d[1].dev, one, sizeof(one)), -EINVAL);
	free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_devices),
		cmocka_unit_test(test_seed_device),
		cmocka_unit_test(test_three_devices),
		cmocka_unit_test(test_all_slots),
		cmocka_unit_test(test_bad_devices),
		cmocka_unit_test(test_single_node),
	};

	return cmocka_run_group_tests_name("fdt-pmem", tests, NULL, NULL);
}
