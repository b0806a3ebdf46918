// SPDX-License-Identifier: GPL-2.0
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

#include "lkvm/console.h"
#include "lkvm/device.h"
#include "lkvm/fdt.h"
#include "lkvm/memmap.h"
#include "lkvm/pseries.h"
#include "lkvm/rtas.h"
#include "lkvm/rtas-events.h"
#include "lkvm/util.h"

#define NR_CPUS		4
#define POWER9_PVR	0x004e1200
#define POWER10_PVR	0x00801200
#define TIMEBASE	512000000
#define CLOCK		2250000000U
#define INITRD_SIZE	(8 * MiB)
#define BOOTARGS	"console=hvc0 quiet"
#define VTY		"/vdevice/vty@30000000"
#define XICS		"/interrupt-controller"
#define PMEM		"/ibm,persistent-memory"

static const struct rtas_service services[] = {
	{ "get-time-of-day", 0x2001, NULL }, { "power-off", 0x2002, NULL },
	{ "ibm,get-xive", 0x2003, NULL }, { "start-cpu", 0x2004, NULL }, { NULL, 0, NULL },
};

/* A machine and room for its tree; @size is what fdt__build() returned. */
struct vm {
	struct pseries p;
	struct device_registry devices;
	struct console con;
	/* libfdt wants its blob 8-byte aligned */
	uint8_t buf[MEMMAP_FDT_MAX_SIZE] __attribute__((aligned(8)));
	int size;
};

/* 768M of RAM, a 24M kernel, @initrd bytes of initrd, 4 POWER9 vCPUs, 1G pmem */
static struct vm *new_vm(uint64_t initrd)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	uint64_t gpa;

	assert_non_null(vm);
	pseries__init(&vm->p);
	/* the console puts its own node in the tree, as at every boot */
	device_registry__init(&vm->devices);
	console__init(&vm->con, -1);
	assert_int_equal(device_registry__add(&vm->devices, &vm->con.dev), 0);
	vm->p.devices = &vm->devices;
	assert_int_equal(memmap__layout(&vm->p.map, 768 * MiB, 24 * MiB, initrd), 0);
	assert_int_equal(memmap__alloc_pmem(&vm->p.map, 1 * GiB, &gpa), 0);
	vm->p.nr_cpus = NR_CPUS;
	vm->p.cpu_info = (struct cpu_info){ POWER9_PVR, TIMEBASE, CLOCK, 128, 128 };
	return vm;
}

static int build(struct vm *vm, const char *bootargs,
		 const struct rtas_service *sv, size_t size)
{
	lkvm__clear_error();
	vm->size = fdt__build(&vm->p, bootargs, sv, vm->buf, size);
	return vm->size;
}

static int setup(void **state)
{
	struct vm *vm = new_vm(INITRD_SIZE);

	*state = vm;
	if (build(vm, BOOTARGS, services, sizeof(vm->buf)) > 0)
		return 0;
	print_error("fdt__build: %d (%s)\n", vm->size, lkvm__last_error());
	return -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fail_msg("no node %s: %s", path, fdt_strerror(off));
	return off;
}

/* The value of @path/@name, which must exist; its length in @len. */
static const void *prop_len(const void *fdt, const char *path,
			    const char *name, int *len)
{
	const void *v = fdt_getprop(fdt, node(fdt, path), name, len);

	if (!v)
		fail_msg("%s has no %s", path, name);
	return v;
}

/* The same, and @want_len bytes long. */
static const void *prop(const void *fdt, const char *path, const char *name,
			int want_len)
{
	int len;
	const void *v = prop_len(fdt, path, name, &len);

	if (len != want_len)
		fail_msg("%s/%s is %d bytes, want %d", path, name, len, want_len);
	return v;
}

/* Big-endian numbers, which the tree only aligns to 4 bytes. */
static uint32_t be32_at(const void *p, unsigned int i)
{
	fdt32_t v;

	memcpy(&v, (const uint8_t *)p + 4 * i, sizeof(v));
	return fdt32_to_cpu(v);
}

static uint64_t be64_at(const void *p, unsigned int i)
{
	return (uint64_t)be32_at(p, 2 * i) << 32 | be32_at(p, 2 * i + 1);
}

static uint32_t u32(const void *fdt, const char *path, const char *name)
{
	return be32_at(prop(fdt, path, name, 4), 0);
}

static void expect_absent(const void *fdt, const char *path, const char *name)
{
	if (fdt_getprop(fdt, node(fdt, path), name, NULL))
		fail_msg("%s has %s, should not", path, name);
}

/* One expected property: a string, a single cell, or present and empty. */
struct want {
	const char *path, *name, *str;
	uint32_t cell;
	bool empty;
};

static void expect_props(const void *fdt, const struct want *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++, w++) {
		if (w->str)
			assert_string_equal(prop(fdt, w->path, w->name,
						 (int)strlen(w->str) + 1), w->str);
		else if (w->empty)
			prop(fdt, w->path, w->name, 0);
		else if (u32(fdt, w->path, w->name) != w->cell)
			fail_msg("%s/%s = %#x, want %#x", w->path, w->name,
				 u32(fdt, w->path, w->name), w->cell);
	}
}

/* The header, RAM as the only memory, and the binary /chosen properties. */
static void test_header_memory_chosen(void **state)
{
	struct vm *vm = *state;
	const void *reg = prop(vm->buf, "/memory@0", "reg", 16);
	const uint8_t *vec5;
	uint64_t addr, size;
	int off, len, n = 0;

	assert_int_equal(fdt_check_header(vm->buf), 0);
	assert_int_equal(fdt_totalsize(vm->buf), vm->size);
	assert_true(vm->size <= (int)MEMMAP_FDT_MAX_SIZE);
	assert_int_equal(fdt_boot_cpuid_phys(vm->buf), 0);
	assert_int_equal(fdt_num_mem_rsv(vm->buf), 1);
	assert_int_equal(fdt_get_mem_rsv(vm->buf, 0, &addr, &size), 0);
	assert_int_equal(addr, vm->p.map.rtas.start);
	assert_int_equal(size, MEMMAP_RTAS_SIZE);

	assert_int_equal(be64_at(reg, 0), 0);
	assert_int_equal(be64_at(reg, 1), 768 * MiB);
	/* the pmem region must not show up as memory */
	assert_int_equal(vm->p.map.nr_pmem, 1);
	fdt_for_each_subnode(off, vm->buf, 0) {
		const char *type = fdt_getprop(vm->buf, off, "device_type", NULL);

		n += type && !strcmp(type, "memory");
	}
	assert_int_equal(n, 1);

	assert_int_equal(be64_at(prop(vm->buf, "/chosen", "linux,initrd-start", 8), 0),
			 vm->p.map.initrd.start);
	assert_int_equal(be64_at(prop(vm->buf, "/chosen", "linux,initrd-end", 8), 0),
			 vm->p.map.initrd.start + INITRD_SIZE);
	vec5 = prop_len(vm->buf, "/chosen", "ibm,architecture-vec-5", &len);
	assert_true(len >= 27);
	assert_int_equal(vec5[0], len - 2);	/* option bytes - 1 */
	assert_int_equal(vec5[23], 0);		/* XICS */
	assert_int_equal(vec5[24] & 0xc0, 0x40);	/* radix only */
	assert_int_equal(vec5[26] & 0x40, 0x40);	/* GTSE */
}

/* Strings and cells, the pointers between nodes, the RTAS tokens. */
static void test_simple_props(void **state)
{
	static const char hcalls[] =
		"hcall-pft\0hcall-term\0hcall-dabr\0hcall-interrupt\0hcall-tce\0"
		"hcall-vio\0hcall-splpar\0hcall-bulk\0hcall-set-mode\0hcall-sprg0\0"
		"hcall-copy\0hcall-debug\0hcall-join\0hcall-multi-tce";
	struct vm *vm = *state;
	uint32_t rtas = vm->p.map.rtas.start;
	const struct want want[] = {
		{ "/", "device_type", "chrp" }, { "/", "compatible", "lkvm,pseries" },
		{ "/", "#address-cells", .cell = 2 }, { "/", "#size-cells", .cell = 2 },
		{ "/chosen", "bootargs", BOOTARGS },
		{ "/chosen", "stdout-path", VTY }, { "/chosen", "linux,stdout-path", VTY },
		{ "/memory@0", "device_type", "memory" },
		{ "/cpus", "#address-cells", .cell = 1 }, { "/cpus", "#size-cells", .cell = 0 },
		{ XICS, "compatible", "IBM,ppc-xicp" },
		{ XICS, "device_type", "PowerPC-External-Interrupt-Presentation" },
		{ XICS, "interrupt-controller", .empty = true },
		{ XICS, "#interrupt-cells", .cell = 2 }, { XICS, "#address-cells", .cell = 0 },
		{ "/rtas", "linux,rtas-base", .cell = rtas },
		{ "/rtas", "linux,rtas-entry", .cell = rtas },
		{ "/rtas", "rtas-size", .cell = vm->p.map.rtas.size },
		{ "/rtas", "rtas-error-log-max", .cell = 2048 },
		{ "/rtas", "rtas-event-scan-rate", .cell = 1 },
		{ "/vdevice", "device_type", "vdevice" }, { "/vdevice", "compatible", "IBM,vdevice" },
		{ "/vdevice", "#address-cells", .cell = 1 }, { "/vdevice", "#size-cells", .cell = 0 },
		{ VTY, "compatible", "hvterm1" }, { VTY, "device_type", "serial" },
		{ VTY, "reg", .cell = CONSOLE_VTY_REG },
		{ PMEM, "device_type", "ibm,persistent-memory" },
		{ PMEM, "#address-cells", .cell = 1 }, { PMEM, "#size-cells", .cell = 0 },
	};
	const void *ranges = prop(vm->buf, XICS, "ibm,interrupt-server-ranges", 8);
	uint32_t phandle = fdt_get_phandle(vm->buf, node(vm->buf, XICS));
	const struct rtas_service *s;

	expect_props(vm->buf, want, ARRAY_SIZE(want));
	for (s = services; s->name; s++)
		assert_int_equal(u32(vm->buf, "/rtas", s->name), s->token);
	assert_memory_equal(prop(vm->buf, "/rtas", "ibm,hypertas-functions",
				 sizeof(hcalls)), hcalls, sizeof(hcalls));
	assert_true(strlen(prop_len(vm->buf, "/", "model", NULL)) > 0);
	assert_int_equal(be32_at(ranges, 0), 0);
	assert_int_equal(be32_at(ranges, 1), NR_CPUS);
	/* devices without a controller of their own end up at XICS */
	assert_true(phandle != 0 && phandle != (uint32_t)-1);
	assert_int_equal(u32(vm->buf, "/", "interrupt-parent"), phandle);
	expect_absent(vm->buf, VTY, "interrupts");	/* hvc polls */
	/* the pmem container is there, and empty until devices come */
	assert_true(fdt_first_subnode(vm->buf, node(vm->buf, PMEM)) < 0);
}

/*
 * /event-sources resolves its children's interrupts itself (PAPR, as QEMU
 * writes it): EPOW's and hot-plug's edge interrupts, where the machine
 * raises them. Linux finds each child by its path, walks up from it to the
 * first node with #interrupt-cells (no child names another parent), and
 * reads its cell pair as XICS does: the source, then the sense (bit 0
 * clear: edge).
 */
static void test_event_sources(void **state)
{
	static const struct {
		const char *name;
		uint32_t irq;
	} child[] = {
		{ "epow-events", RTAS_EVENT_IRQ_EPOW },
		{ "hot-plug-events", RTAS_EVENT_IRQ_HOTPLUG },
	};
	struct vm *vm = *state;
	const char *es = "/event-sources";
	const struct want want[] = {
		{ es, "interrupt-controller", .empty = true },
		{ es, "#interrupt-cells", .cell = 2 },
	};
	const void *ranges = prop(vm->buf, es, "interrupt-ranges", 16);
	const void *irq;
	char path[64];
	unsigned int i;
	int off;

	expect_props(vm->buf, want, ARRAY_SIZE(want));
	off = fdt_first_subnode(vm->buf, node(vm->buf, es));
	for (i = 0; i < ARRAY_SIZE(child); i++) {
		/* one {first source, count} pair each */
		assert_int_equal(be32_at(ranges, 2 * i), child[i].irq);
		assert_int_equal(be32_at(ranges, 2 * i + 1), 1);
		assert_true(off >= 0);
		assert_string_equal(fdt_get_name(vm->buf, off, NULL), child[i].name);
		assert_null(fdt_getprop(vm->buf, off, "interrupt-parent", NULL));
		assert_null(fdt_getprop(vm->buf, off, "#interrupt-cells", NULL));
		snprintf(path, sizeof(path), "%s/%s", es, child[i].name);
		irq = prop(vm->buf, path, "interrupts", 8);
		assert_int_equal(be32_at(irq, 0), child[i].irq);
		assert_int_equal(be32_at(irq, 1), 0);	/* edge */
		off = fdt_next_subnode(vm->buf, off);
	}
	assert_true(off < 0);
}

static void expect_cpu(const void *fdt, const char *path, uint32_t id)
{
	/* (log2 page size, AP code), decoded the way Linux's radix code does */
	static const uint32_t ap[4][2] = { { 12, 0 }, { 16, 5 }, { 21, 1 }, { 30, 2 } };
	const void *enc = prop(fdt, path, "ibm,processor-radix-AP-encodings", 16);
	const struct want want[] = {
		/* one thread per node, its server number = its hardware id */
		{ path, "reg", .cell = id }, { path, "ibm,ppc-interrupt-server#s", .cell = id },
		{ path, "device_type", "cpu" }, { path, "status", "okay" },
		{ path, "cpu-version", .cell = POWER9_PVR }, { path, "64-bit", .empty = true },
		{ path, "timebase-frequency", .cell = TIMEBASE },
		{ path, "clock-frequency", .cell = CLOCK },
		{ path, "d-cache-block-size", .cell = 128 }, { path, "d-cache-line-size", .cell = 128 },
		{ path, "i-cache-block-size", .cell = 128 }, { path, "i-cache-line-size", .cell = 128 },
		{ path, "d-cache-size", .cell = 32 * KiB }, { path, "i-cache-size", .cell = 32 * KiB },
		{ path, "ibm,slb-size", .cell = 32 }, { path, "ibm,vmx", .cell = 2 },
		{ path, "ibm,dfp", .cell = 1 },
		/* 768M of RAM holds at most 12288 64K PGDs: the 16-bit floor */
		{ path, "ibm,mmu-pid-bits", .cell = 16 },
	};
	const uint8_t *pa;
	unsigned int i;
	int len;

	expect_props(fdt, want, ARRAY_SIZE(want));
	for (i = 0; i < 4; i++) {
		assert_int_equal(be32_at(enc, i) & ~0xe0000000u, ap[i][0]);
		assert_int_equal(be32_at(enc, i) >> 29, ap[i][1]);
	}

	pa = prop_len(fdt, path, "ibm,pa-features", &len);
	assert_int_equal(pa[0], len - 2);
	assert_true(pa[0] >= 66);
	assert_int_equal(pa[1], 0);
	pa += 2;
	assert_int_equal(pa[0] & 0xd2, 0xd2);	/* MMU, FPU, CTRL, NX */
	assert_int_equal(pa[1] & 0x20, 0x20);	/* CI large page */
	assert_int_equal(pa[5] & 0x80, 0x80);	/* real LE */
	assert_int_equal(pa[40] & 0x80, 0x80);	/* radix */
	assert_int_equal(pa[22] & 0x80, 0);	/* no TM */
	assert_int_equal(pa[64] & 0x80, 0);	/* no DAWR1 */
}

/* The PID space (and the process table the guest zeroes) grows with RAM. */
static void test_mmu_pid_bits_follow_ram(void **state)
{
	static const struct { uint64_t ram; uint32_t bits; } cases[] = {
		{ 4 * GiB, 16 }, { 4 * GiB + 256 * MiB, 17 }, { 16 * GiB, 18 },
		{ 64 * GiB, 20 }, { 1024 * GiB, 20 },	/* POWER9/10 stop at 20 */
	};
	struct vm *vm = *state;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(memmap__layout(&vm->p.map, cases[i].ram, 24 * MiB,
						INITRD_SIZE), 0);
		assert_true(build(vm, BOOTARGS, services, sizeof(vm->buf)) > 0);
		assert_int_equal(u32(vm->buf, "/cpus/PowerPC,POWER9@0", "ibm,mmu-pid-bits"),
				 cases[i].bits);
	}
}

static void test_cpus(void **state)
{
	const void *fdt = ((struct vm *)*state)->buf;
	char path[128];
	int off, n = 0;

	fdt_for_each_subnode(off, fdt, node(fdt, "/cpus")) {
		snprintf(path, sizeof(path), "/cpus/PowerPC,POWER9@%x", n);
		assert_int_equal(fdt_path_offset(fdt, path), off);
		expect_cpu(fdt, path, n++);
	}
	assert_int_equal(n, NR_CPUS);
}

/* No initrd, no bootargs; then a single POWER10 vCPU. */
static void test_other_machines(void **state)
{
	struct vm *vm = new_vm(0);

	(void)state;
	assert_true(build(vm, NULL, services, sizeof(vm->buf)) > 0);
	expect_absent(vm->buf, "/chosen", "linux,initrd-start");
	expect_absent(vm->buf, "/chosen", "linux,initrd-end");
	assert_string_equal(prop(vm->buf, "/chosen", "bootargs", 1), "");

	vm->p.cpu_info.pvr = POWER10_PVR;
	vm->p.nr_cpus = 1;
	assert_true(build(vm, "", services, sizeof(vm->buf)) > 0);
	assert_int_equal(u32(vm->buf, "/cpus/PowerPC,POWER10@0", "cpu-version"),
			 POWER10_PVR);
	assert_true(fdt_path_offset(vm->buf, "/cpus/PowerPC,POWER10@1") < 0);
	free(vm);
}

static void test_too_small(void **state)
{
	struct vm *good = *state, *vm = new_vm(INITRD_SIZE);
	size_t sizes[] = { 0, 16, 512, (size_t)good->size - 1 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		assert_int_equal(build(vm, BOOTARGS, services, sizes[i]), -ENOSPC);
		assert_non_null(strstr(lkvm__last_error(), "does not fit"));
	}
	/* exactly the size it needs is enough, and gives the same tree */
	assert_int_equal(build(vm, BOOTARGS, services, good->size), good->size);
	assert_memory_equal(vm->buf, good->buf, good->size);
	free(vm);
}

/*
 * A small tree leaves the rest of the room as it was (libfdt clears all the
 * room it is given: that would be a megabyte of guest RAM); a tree bigger
 * than the first try still comes out whole.
 */
static void test_room_used_as_needed(void **state)
{
	struct vm *vm = new_vm(INITRD_SIZE);
	size_t i;
	int off;

	(void)state;
	memset(vm->buf, 0xaa, sizeof(vm->buf));
	assert_true(build(vm, BOOTARGS, services, sizeof(vm->buf)) > 0);
	assert_true(vm->size < (64 << 10));
	for (i = 64 << 10; i < sizeof(vm->buf); i++)
		if (vm->buf[i] != 0xaa)
			fail_msg("byte %zu of the room was written", i);

	vm->p.nr_cpus = LKVM_MAX_CPUS;	/* ~150 KiB of cpu nodes */
	assert_true(build(vm, BOOTARGS, services, sizeof(vm->buf)) > (64 << 10));
	assert_int_equal(fdt_check_header(vm->buf), 0);
	off = node(vm->buf, "/cpus/PowerPC,POWER9@ff");
	assert_int_equal(fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(vm->buf, off, "reg", NULL)),
			 LKVM_MAX_CPUS - 1);
	free(vm);
}

/* Machines that would give the guest a wrong tree are refused. */
static void test_bad_machines(void **state)
{
	static const struct rtas_service twice[] = {
		{ "power-off", 1, NULL }, { "power-off", 2, NULL }, { NULL, 0, NULL },
	};
	struct vm *vm = new_vm(0);
	struct cpu_info good = vm->p.cpu_info;
	const struct cpu_info bad[] = {
		{ 0x004d0200, TIMEBASE, CLOCK, 128, 128 },	/* POWER8: no radix */
		{ POWER9_PVR, 0, CLOCK, 128, 128 },
		{ POWER9_PVR, TIMEBASE, 0, 128, 128 },
		{ POWER9_PVR, TIMEBASE, CLOCK, 96, 128 },
		{ POWER9_PVR, TIMEBASE, CLOCK, 128, 0 },
	};
	size_t room = sizeof(vm->buf);
	unsigned int i;

	(void)state;
	vm->p.nr_cpus = 0;
	assert_int_equal(build(vm, "", services, room), -EINVAL);
	vm->p.nr_cpus = LKVM_MAX_CPUS + 1;
	assert_int_equal(build(vm, "", services, room), -EINVAL);
	vm->p.nr_cpus = 2;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		vm->p.cpu_info = bad[i];
		assert_int_equal(build(vm, "", services, room), -EINVAL);
		assert_non_null(strstr(lkvm__last_error(), "device tree"));
	}
	vm->p.cpu_info = good;
	assert_int_equal(build(vm, "", twice, room), -EINVAL);
	/* put back, it builds; no services at all is a tree without tokens */
	assert_true(build(vm, "", services, room) > 0);
	assert_true(build(vm, "", NULL, room) > 0);
	expect_absent(vm->buf, "/rtas", "power-off");
	free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_memory_chosen),
		cmocka_unit_test(test_simple_props),
		cmocka_unit_test(test_event_sources),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test_setup_teardown(test_mmu_pid_bits_follow_ram, setup, teardown),
		cmocka_unit_test(test_other_machines),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_room_used_as_needed),
		cmocka_unit_test(test_bad_machines),
	};

	return cmocka_run_group_tests_name("fdt", tests, setup, teardown);
}
