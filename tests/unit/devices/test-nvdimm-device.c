// SPDX-License-Identifier: GPL-2.0
/*
 * The vNVDIMM as a device of the machine: attach gives it a window of
 * device memory, a region of the guest memory accessor and a memory slot,
 * detach takes all three back, and a failure on the way leaves nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lkvm/device.h"
#include "lkvm/guest-mem.h"
#include "lkvm/memmap.h"
#include "lkvm/nvdimm.h"
#include "lkvm/pseries.h"
#include "lkvm/scm.h"
#include "lkvm/util.h"

#define RAM		(1 * GiB)
#define DATA		4096	/* nothing reads the region: a stub will do */

/* The core's side: which slots are mapped how, and a failure on demand. */
struct fake_core {
	bool mapped[8];
	uint64_t gpa[8];
	unsigned int flags[8];
	int fail;
};

static int fake_map(void *ctx, uint64_t gpa, uint64_t size, void *host,
		    unsigned int flags, unsigned int *slot)
{
	struct fake_core *c = ctx;
	unsigned int i;

	(void)size;
	(void)host;
	if (c->fail)
		return c->fail;
	for (i = 0; i < 8 && c->mapped[i]; i++)
		;
	assert_true(i < 8);
	c->mapped[i] = true;
	c->gpa[i] = gpa;
	c->flags[i] = flags;
	*slot = i;
	return 0;
}

static int fake_unmap(void *ctx, unsigned int slot)
{
	struct fake_core *c = ctx;

	assert_true(slot < 8 && c->mapped[slot]);
	c->mapped[slot] = false;
	return 0;
}

static const struct pseries_ops fake_ops = {
	.map_memory = fake_map,
	.unmap_memory = fake_unmap,
};

struct fixture {
	struct pseries p;
	struct fake_core core;
	struct nvdimm d[2];
	uint8_t data[2][DATA];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	unsigned int i;

	assert_non_null(f);
	pseries__init(&f->p);
	assert_int_equal(memmap__layout(&f->p.map, RAM, 16 * MiB, 0), 0);
	f->p.ops = &fake_ops;
	f->p.ops_ctx = &f->core;
	for (i = 0; i < 2; i++) {
		nvdimm__init(&f->d[i], i);
		f->d[i].cfg.size = (i + 1) * NVDIMM_BLOCK_SIZE;
		f->d[i].data = f->data[i];
		/* a writable file in the page cache, as nvdimm__open finds one */
		f->d[i].needs_flush_hcall = true;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static int attach(struct fixture *f, unsigned int i)
{
	return f->d[i].dev.ops->attach(&f->d[i].dev, &f->p);
}

static void detach(struct fixture *f, unsigned int i)
{
	f->d[i].dev.ops->detach(&f->d[i].dev, &f->p);
}

static void test_attach_detach(void **state)
{
	struct fixture *f = *state;
	uint64_t gpa0;

	assert_int_equal(attach(f, 0), 0);
	gpa0 = f->d[0].gpa;
	assert_int_equal(gpa0, f->p.map.devmem_start);
	assert_true(memmap__is_pmem(&f->p.map, gpa0, NVDIMM_BLOCK_SIZE));
	assert_ptr_equal(guest_mem__ptr(&f->p.mem, gpa0 + 8, 8, true), f->data[0] + 8);
	assert_true(f->core.mapped[f->d[0].mem_slot]);
	assert_int_equal(f->core.gpa[f->d[0].mem_slot], gpa0);

	assert_int_equal(attach(f, 1), 0);
	assert_true(f->d[1].gpa >= gpa0 + NVDIMM_BLOCK_SIZE);
	assert_int_not_equal(f->d[1].mem_slot, f->d[0].mem_slot);

	/* gone for the guest, for lkvm's own accesses and for KVM */
	detach(f, 0);
	assert_null(guest_mem__ptr(&f->p.mem, gpa0 + 8, 8, false));
	assert_false(memmap__is_pmem(&f->p.map, gpa0, NVDIMM_BLOCK_SIZE));
	assert_false(f->core.mapped[f->d[0].mem_slot]);
	/* the other one is untouched */
	assert_non_null(guest_mem__ptr(&f->p.mem, f->d[1].gpa, 8, true));
	assert_true(f->core.mapped[f->d[1].mem_slot]);

	/* attached again: the same window and slot number come back */
	assert_int_equal(attach(f, 0), 0);
	assert_int_equal(f->d[0].gpa, gpa0);
	assert_ptr_equal(guest_mem__ptr(&f->p.mem, gpa0, 8, true), f->data[0]);
	detach(f, 0);
	detach(f, 1);
	assert_int_equal(f->p.mem.nr, 0);
}

/* A read-only device's region is refused to lkvm's own writes. */
static void test_readonly_region(void **state)
{
	struct fixture *f = *state;

	f->d[0].cfg.readonly = true;
	assert_int_equal(attach(f, 0), 0);
	assert_null(guest_mem__ptr(&f->p.mem, f->d[0].gpa, 8, true));
	assert_non_null(guest_mem__ptr(&f->p.mem, f->d[0].gpa, 8, false));
	/* nothing to make durable, so no flushed bytes to count */
	assert_int_equal(f->core.flags[f->d[0].mem_slot], 0);
	assert_false(f->d[0].logs_dirty);
	detach(f, 0);
}

/*
 * The slot logs the guest's stores (for bytes_flushed) only where flushes
 * make them durable: a writable page-cache device; not real pmem, which
 * has no flush hcall. Detach ends the logging with the slot.
 */
static void test_dirty_log(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(attach(f, 0), 0);
	assert_int_equal(f->core.flags[f->d[0].mem_slot], PSERIES_MAP_LOG_DIRTY);
	assert_true(f->d[0].logs_dirty);
	f->d[1].needs_flush_hcall = false;
	f->d[1].is_pmem = true;
	assert_int_equal(attach(f, 1), 0);
	assert_int_equal(f->core.flags[f->d[1].mem_slot], 0);
	assert_false(f->d[1].logs_dirty);
	detach(f, 0);
	assert_false(f->d[0].logs_dirty);
	detach(f, 1);

	/* a slot KVM refused logs nothing */
	f->core.fail = -ENOMEM;
	assert_int_equal(attach(f, 0), -ENOMEM);
	assert_false(f->d[0].logs_dirty);
}

/* KVM refusing the slot: no window, no region left behind. */
static void test_attach_failure_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	uint64_t gpa;

	f->core.fail = -ENOSPC;
	assert_int_equal(attach(f, 0), -ENOSPC);
	assert_int_equal(f->p.mem.nr, 0);
	assert_int_equal(f->p.map.nr_pmem, 0);
	f->core.fail = 0;
	assert_int_equal(attach(f, 1), 0);
	/* the failed device's window was given back: the next one takes it */
	assert_int_equal(f->d[1].gpa, f->p.map.devmem_start);
	/* a window the map cannot give: nothing else was touched either */
	f->d[0].cfg.size = MEMMAP_ADDR_LIMIT;
	assert_int_not_equal(attach(f, 0), 0);
	assert_int_equal(f->p.mem.nr, 1);
	assert_false(f->core.mapped[1]);
	gpa = f->d[1].gpa;
	detach(f, 1);
	assert_null(guest_mem__ptr(&f->p.mem, gpa, 8, false));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_attach_detach),
		T(test_readonly_region),
		T(test_dirty_log),
		T(test_attach_failure_leaves_nothing),
	};

	return cmocka_run_group_tests_name("nvdimm-device", tests, NULL, NULL);
}
