// SPDX-License-Identifier: GPL-2.0
/*
 * The connectors from several threads at once (`make unit-tsan`): a vCPU
 * running Linux's ADD and REMOVE on a hot-plug slot over and over, another
 * reading the boot device's node over and over, and the main thread
 * plugging, asking back and emptying the slot, as the VM side will.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "drc-fixture.h"

#define CYCLES		100
#define GUEST_BUF	0x9000ULL	/* each vCPU its own rtas_args */
#define GUEST_WA	0x40000ULL	/* and work area */
#define WALKER_BUF	0xa000ULL
#define WALKER_WA	0x50000ULL

struct run {
	struct fixture *f;
	atomic_bool stop;
	atomic_int bad;		/* answers a guest could not have got */
	atomic_int adds;	/* ADD then REMOVE, both complete */
	atomic_int walks;
};

static void check(struct run *r, bool ok)
{
	if (!ok)
		atomic_fetch_add(&r->bad, 1);
}

/* Linux's dlpar_hp_pmem, ADD then REMOVE, whenever the slot has a device. */
static void *guest(void *arg)
{
	static uint8_t node[NODE_MAX];
	const uint32_t idx = IDX(HP_SLOT);
	struct run *r = arg;
	struct fixture *f = r->f;
	uint32_t value;

	while (!atomic_load(&r->stop)) {
		/* the guest always gives back what it took: free again */
		check(r, !sensor_at(f, GUEST_BUF, DRC_ENTITY_SENSE, idx, &value) &&
			 value == DRC_ENTITY_UNUSABLE);
		/* empty, or wanted back: nothing to take this time */
		if (indicator_at(f, GUEST_BUF, DRC_ALLOCATION_STATE, idx,
				 DRC_ALLOC_USABLE)) {
			sched_yield();
			continue;
		}
		check(r, !indicator_at(f, GUEST_BUF, DRC_ISOLATION_STATE, idx,
				       DRC_UNISOLATE));
		check(r, read_node(f, GUEST_BUF, GUEST_WA, idx, node) == DRC_CC_DONE);
		assert_node_of(node, &dimm[1].dev);
		check(r, !sensor_at(f, GUEST_BUF, DRC_ENTITY_SENSE, idx, &value) &&
			 value == DRC_ENTITY_PRESENT);
		check(r, !indicator_at(f, GUEST_BUF, DRC_ISOLATION_STATE, idx,
				       DRC_ISOLATE));
		check(r, !indicator_at(f, GUEST_BUF, DRC_ALLOCATION_STATE, idx,
				       DRC_ALLOC_UNUSABLE));
		atomic_fetch_add(&r->adds, 1);
	}
	return NULL;
}

/* Another vCPU reads the boot device's node, which is always there. */
static void *walker(void *arg)
{
	static uint8_t node[NODE_MAX];
	struct run *r = arg;

	while (!atomic_load(&r->stop)) {
		check(r, read_node(r->f, WALKER_BUF, WALKER_WA, IDX(BOOT_SLOT),
				   node) == DRC_CC_DONE);
		assert_node_of(node, &dimm[0].dev);
		atomic_fetch_add(&r->walks, 1);
	}
	return NULL;
}

static void test_vm_side_and_guests_at_once(void **state)
{
	struct run r = { .f = *state };
	pthread_t g, w;
	int i, adds;

	assert_int_equal(pthread_create(&g, NULL, guest, &r), 0);
	assert_int_equal(pthread_create(&w, NULL, walker, &r), 0);
	for (i = 0; i < CYCLES; i++) {
		adds = atomic_load(&r.adds);
		assert_int_equal(drc__plug(&r.f->p, HP_SLOT), 0);
		/* the plug completes: the guest configured it (and may
		 * even have given it back already) */
		while (!drc__configured(&r.f->p, HP_SLOT) &&
		       atomic_load(&r.adds) == adds)
			sched_yield();
		assert_int_equal(drc__unplug_requested(&r.f->p, HP_SLOT), 0);
		while (!drc__released(&r.f->p, HP_SLOT))
			sched_yield();
		assert_int_equal(drc__unplugged(&r.f->p, HP_SLOT), 0);
		assert_true(drc__configured(&r.f->p, BOOT_SLOT));
	}
	/* the walker has had its turns too */
	while (atomic_load(&r.walks) < 10)
		sched_yield();
	atomic_store(&r.stop, true);
	assert_int_equal(pthread_join(g, NULL), 0);
	assert_int_equal(pthread_join(w, NULL), 0);
	assert_int_equal(atomic_load(&r.bad), 0);
	assert_true(atomic_load(&r.adds) >= CYCLES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DRC_TEST(test_vm_side_and_guests_at_once, setup_drc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
