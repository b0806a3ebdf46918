// SPDX-License-Identifier: GPL-2.0
/*
 * The PMEM connectors' state machine (ppc/drc.c): Linux's ADD and REMOVE
 * sequences (dlpar_acquire_drc, configure-connector, dlpar_release_drc)
 * against a hot-plugged and a boot-time vNVDIMM, every refusal of
 * get-sensor-state and set-indicator, and the VM side's API.
 */
#include <errno.h>

#include "drc-fixture.h"

static void test_services_published(void **state)
{
	(void)state;
	assert_int_equal(token("get-sensor-state"), 0x200f);
	assert_int_equal(token("set-indicator"), 0x2010);
	assert_int_equal(token("ibm,configure-connector"), 0x2011);
	assert_ptr_equal(service("get-sensor-state")->fn, drc__get_sensor_state);
	assert_ptr_equal(service("set-indicator")->fn, drc__set_indicator);
	assert_ptr_equal(service("ibm,configure-connector")->fn,
			 drc__configure_connector);
}

/* Linux's dlpar_acquire_drc and dlpar_configure_connector. */
static void guest_add(struct fixture *f, unsigned int slot)
{
	static uint8_t node[NODE_MAX];

	assert_int_equal(entity_sense(f, IDX(slot)), DRC_ENTITY_UNUSABLE);
	set_ok(f, DRC_ALLOCATION_STATE, slot, DRC_ALLOC_USABLE);
	set_ok(f, DRC_ISOLATION_STATE, slot, DRC_UNISOLATE);
	assert_false(drc__configured(&f->p, slot));
	assert_int_equal(read_node(f, BUF, WA, IDX(slot), node), DRC_CC_DONE);
	assert_node_of(node, &dimm[slot == BOOT_SLOT ? 0 : 1].dev);
}

/* Linux's dlpar_release_drc, after it detached the node. */
static void guest_remove(struct fixture *f, unsigned int slot)
{
	assert_int_equal(entity_sense(f, IDX(slot)), DRC_ENTITY_PRESENT);
	set_ok(f, DRC_ISOLATION_STATE, slot, DRC_ISOLATE);
	assert_false(drc__released(&f->p, slot));
	set_ok(f, DRC_ALLOCATION_STATE, slot, DRC_ALLOC_UNUSABLE);
}

/*
 * The guest gave the device in @slot back, or never took it: it may not
 * take it again, and the VM side empties the slot.
 */
static void take_back(struct fixture *f, unsigned int slot)
{
	assert_true(drc__released(&f->p, slot));
	assert_false(drc__configured(&f->p, slot));
	assert_int_equal(entity_sense(f, IDX(slot)), DRC_ENTITY_UNUSABLE);
	assert_int_equal(indicator(f, DRC_ALLOCATION_STATE, IDX(slot),
				   DRC_ALLOC_USABLE), PARAM_ERROR);
	assert_true(drc__released(&f->p, slot));
	assert_int_equal(drc__unplugged(&f->p, slot), 0);
	assert_false(drc__released(&f->p, slot));
	/* empty now: nothing to allocate either */
	assert_int_equal(entity_sense(f, IDX(slot)), DRC_ENTITY_UNUSABLE);
	assert_int_equal(indicator(f, DRC_ALLOCATION_STATE, IDX(slot),
				   DRC_ALLOC_USABLE), PARAM_ERROR);
}

static void test_hotplug_add_then_remove(void **state)
{
	struct fixture *f = *state;

	/* registered but not plugged: an empty connector */
	assert_int_equal(entity_sense(f, IDX(HP_SLOT)), DRC_ENTITY_UNUSABLE);
	assert_int_equal(indicator(f, DRC_ALLOCATION_STATE, IDX(HP_SLOT),
				   DRC_ALLOC_USABLE), PARAM_ERROR);

	assert_int_equal(drc__plug(&f->p, HP_SLOT), 0);
	assert_false(drc__configured(&f->p, HP_SLOT));
	guest_add(f, HP_SLOT);
	assert_true(drc__configured(&f->p, HP_SLOT));
	assert_int_equal(entity_sense(f, IDX(HP_SLOT)), DRC_ENTITY_PRESENT);

	assert_int_equal(drc__unplug_requested(&f->p, HP_SLOT), 0);
	assert_false(drc__released(&f->p, HP_SLOT));
	guest_remove(f, HP_SLOT);
	take_back(f, HP_SLOT);

	/* the slot takes a device again, and the guest takes it again */
	assert_int_equal(drc__plug(&f->p, HP_SLOT), 0);
	guest_add(f, HP_SLOT);
	assert_true(drc__configured(&f->p, HP_SLOT));
}

static void test_boot_device_is_configured_and_removable(void **state)
{
	struct fixture *f = *state;

	assert_true(drc__configured(&f->p, BOOT_SLOT));
	assert_int_equal(entity_sense(f, IDX(BOOT_SLOT)), DRC_ENTITY_PRESENT);
	/* nothing more to plug there */
	assert_int_equal(drc__plug(&f->p, BOOT_SLOT), -EBUSY);

	assert_int_equal(drc__unplug_requested(&f->p, BOOT_SLOT), 0);
	guest_remove(f, BOOT_SLOT);
	take_back(f, BOOT_SLOT);

	/* a new boot starts from the registry again: both are configured */
	drc__boot(&f->p);
	assert_true(drc__configured(&f->p, BOOT_SLOT));
	assert_true(drc__configured(&f->p, HP_SLOT));
	assert_false(drc__configured(&f->p, 1));
	assert_int_equal(entity_sense(f, IDX(1)), DRC_ENTITY_UNUSABLE);

	/* a machine without a registry has every connector empty */
	f->p.devices = NULL;
	drc__boot(&f->p);
	assert_false(drc__configured(&f->p, BOOT_SLOT));
	assert_int_equal(entity_sense(f, IDX(BOOT_SLOT)), DRC_ENTITY_UNUSABLE);
}

/*
 * The VM side waiting on a plug or unplug hears of every move the guest
 * makes (so it need not poll), and of nothing that was refused: allocate,
 * unisolate and the walk's end for an ADD; isolate and give back for a
 * REMOVE; the walk's other steps are no moves.
 */
static void test_vm_side_told_of_each_move(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(drc__plug(&f->p, HP_SLOT), 0);
	assert_int_equal(atomic_load(&f->core.drc_changes), 0);
	/* refused: unisolate before allocation */
	assert_int_equal(indicator(f, DRC_ISOLATION_STATE, IDX(HP_SLOT),
				   DRC_UNISOLATE), PARAM_ERROR);
	assert_int_equal(atomic_load(&f->core.drc_changes), 0);
	guest_add(f, HP_SLOT);
	assert_int_equal(atomic_load(&f->core.drc_changes), 3);
	assert_int_equal(drc__unplug_requested(&f->p, HP_SLOT), 0);
	guest_remove(f, HP_SLOT);
	assert_int_equal(atomic_load(&f->core.drc_changes), 5);
	/* without the op (a machine that does not wait), nothing breaks */
	f->p.ops = NULL;
	assert_int_equal(drc__unplugged(&f->p, HP_SLOT), 0);
	assert_int_equal(drc__plug(&f->p, HP_SLOT), 0);
	guest_add(f, HP_SLOT);
	assert_int_equal(atomic_load(&f->core.drc_changes), 5);
}

/* A device the guest never took is released as soon as it is asked for. */
static void test_unplug_before_the_guest_took_it(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(drc__plug(&f->p, HP_SLOT), 0);
	assert_int_equal(drc__unplug_requested(&f->p, HP_SLOT), 0);
	/* Linux's acquire then fails at the allocation, as with QEMU */
	take_back(f, HP_SLOT);
}

static void test_vm_side_refusals(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(drc__plug(&f->p, LKVM_MAX_NVDIMMS), -EINVAL);
	assert_non_null(strstr(lkvm__last_error(), "slot 16"));
	/* nothing registered there */
	assert_int_equal(drc__plug(&f->p, 5), -ENODEV);
	assert_int_equal(drc__plug(&f->p, HP_SLOT), 0);
	assert_int_equal(drc__plug(&f->p, HP_SLOT), -EBUSY);
	/* not taken by the guest, but not asked back either */
	assert_false(drc__released(&f->p, HP_SLOT));
	assert_int_equal(drc__unplugged(&f->p, HP_SLOT), -EBUSY);

	assert_int_equal(drc__unplug_requested(&f->p, 5), -ENOENT);
	assert_int_equal(drc__unplug_requested(&f->p, LKVM_MAX_NVDIMMS), -EINVAL);
	/* asked for, but not released by the guest yet */
	assert_int_equal(drc__unplugged(&f->p, BOOT_SLOT), -EBUSY);
	assert_int_equal(drc__unplug_requested(&f->p, BOOT_SLOT), 0);
	assert_int_equal(drc__unplugged(&f->p, BOOT_SLOT), -EBUSY);
	assert_int_equal(drc__unplugged(&f->p, 5), -EBUSY);
	assert_int_equal(drc__unplugged(&f->p, LKVM_MAX_NVDIMMS), -EINVAL);
	assert_true(drc__configured(&f->p, BOOT_SLOT));

	assert_false(drc__configured(&f->p, LKVM_MAX_NVDIMMS));
	assert_false(drc__released(&f->p, LKVM_MAX_NVDIMMS));
	assert_false(drc__released(&f->p, 5));
}

/* One set-indicator call, and what the guest and the VM side see after. */
struct step {
	unsigned int slot;
	uint32_t type, value;
	uint32_t status;	/* 0 or PARAM_ERROR */
	uint32_t sense;		/* dr-entity-sense after it */
	bool configured;
};

#define ISO		DRC_ISOLATION_STATE
#define ALLOC		DRC_ALLOCATION_STATE
#define PRESENT		DRC_ENTITY_PRESENT
#define UNUSABLE	DRC_ENTITY_UNUSABLE

/* Each transition the table refuses, and the repeats it allows. */
static const struct step steps[] = {
	/* UNUSABLE (just plugged): no unisolate; isolate, unusable repeat */
	{ HP_SLOT, ISO, DRC_UNISOLATE, PARAM_ERROR, UNUSABLE, false },
	{ HP_SLOT, ISO, DRC_ISOLATE, 0, UNUSABLE, false },
	{ HP_SLOT, ALLOC, DRC_ALLOC_UNUSABLE, 0, UNUSABLE, false },
	/* AVAILABLE: usable and isolate repeat; unusable goes back */
	{ HP_SLOT, ALLOC, DRC_ALLOC_USABLE, 0, PRESENT, false },
	{ HP_SLOT, ALLOC, DRC_ALLOC_USABLE, 0, PRESENT, false },
	{ HP_SLOT, ISO, DRC_ISOLATE, 0, PRESENT, false },
	{ HP_SLOT, ALLOC, DRC_ALLOC_UNUSABLE, 0, UNUSABLE, false },
	{ HP_SLOT, ALLOC, DRC_ALLOC_USABLE, 0, PRESENT, false },
	/* UNISOLATED: no unusable, no isolate; unisolate, usable repeat */
	{ HP_SLOT, ISO, DRC_UNISOLATE, 0, PRESENT, false },
	{ HP_SLOT, ISO, DRC_UNISOLATE, 0, PRESENT, false },
	{ HP_SLOT, ALLOC, DRC_ALLOC_USABLE, 0, PRESENT, false },
	{ HP_SLOT, ALLOC, DRC_ALLOC_UNUSABLE, PARAM_ERROR, PRESENT, false },
	{ HP_SLOT, ISO, DRC_ISOLATE, PARAM_ERROR, PRESENT, false },
	/* CONFIGURED (the boot device): no unusable; isolate goes back */
	{ BOOT_SLOT, ALLOC, DRC_ALLOC_UNUSABLE, PARAM_ERROR, PRESENT, true },
	{ BOOT_SLOT, ISO, DRC_UNISOLATE, 0, PRESENT, true },
	{ BOOT_SLOT, ALLOC, DRC_ALLOC_USABLE, 0, PRESENT, true },
	{ BOOT_SLOT, ISO, DRC_ISOLATE, 0, PRESENT, false },
	/* isolated, still allocated: unisolated again, to be read again */
	{ BOOT_SLOT, ISO, DRC_UNISOLATE, 0, PRESENT, false },
	/* an empty connector: nothing to allocate or unisolate */
	{ 7, ALLOC, DRC_ALLOC_USABLE, PARAM_ERROR, UNUSABLE, false },
	{ 7, ISO, DRC_UNISOLATE, PARAM_ERROR, UNUSABLE, false },
};

static void test_indicator_transitions(void **state)
{
	struct fixture *f = *state;
	const struct step *s;
	size_t i;

	assert_int_equal(drc__plug(&f->p, HP_SLOT), 0);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		s = &steps[i];
		if (indicator(f, s->type, IDX(s->slot), s->value) != s->status ||
		    entity_sense(f, IDX(s->slot)) != s->sense ||
		    drc__configured(&f->p, s->slot) != s->configured)
			fail_msg("step %zu: slot %u, indicator %u = %u", i,
				 s->slot, s->type, s->value);
	}
}

static void test_unknown_indicators_values_and_connectors(void **state)
{
	struct fixture *f = *state;
	const uint32_t bad_index[] = {
		LKVM_PMEM_DRC_BASE - 1, IDX(LKVM_MAX_NVDIMMS), 0, 0x80000000u,
		0x10000000u, 0xffffffffu,
	};
	uint32_t value;
	size_t i;

	assert_int_equal(drc__plug(&f->p, HP_SLOT), 0);
	/* values other than 0 and 1 */
	assert_int_equal(indicator(f, DRC_ALLOCATION_STATE, IDX(HP_SLOT), 2),
			 PARAM_ERROR);
	assert_int_equal(indicator(f, DRC_ISOLATION_STATE, IDX(HP_SLOT),
				   0xffffffffu), PARAM_ERROR);
	/* the DR indicator is a physical connector's; 9004 is nothing */
	assert_int_equal(indicator(f, DRC_DR_INDICATOR, IDX(HP_SLOT), 1),
			 PARAM_ERROR);
	assert_int_equal(indicator(f, 9004, IDX(HP_SLOT), 1), PARAM_ERROR);
	assert_int_equal(entity_sense(f, IDX(HP_SLOT)), DRC_ENTITY_UNUSABLE);

	/* only dr-entity-sense: the EPOW handler's sensor 9 gets -3 and 0 */
	value = 77;
	assert_int_equal(sensor_at(f, BUF, 9, 0, &value), PARAM_ERROR);
	assert_int_equal(value, 0);
	assert_int_equal(sensor_at(f, BUF, DRC_ISOLATION_STATE, IDX(HP_SLOT),
				   &value), PARAM_ERROR);

	for (i = 0; i < ARRAY_SIZE(bad_index); i++) {
		assert_int_equal(sensor_at(f, BUF, DRC_ENTITY_SENSE, bad_index[i],
					   &value), PARAM_ERROR);
		assert_int_equal(value, 0);
		assert_int_equal(indicator(f, DRC_ALLOCATION_STATE, bad_index[i],
					   DRC_ALLOC_USABLE), PARAM_ERROR);
		assert_int_equal(indicator(f, DRC_ISOLATION_STATE, bad_index[i],
					   DRC_ISOLATE), PARAM_ERROR);
	}
}

/*
 * Wrong counts: -3 when there is a status word, nothing at all without.
 * Each call would change something if its counts were right: isolate the
 * boot device, or read its node into the work area.
 */
static const struct {
	const char *name;
	uint32_t first, nargs, nret;
} bad_counts[] = {
	{ "get-sensor-state", DRC_ENTITY_SENSE, 2, 1 },
	{ "get-sensor-state", DRC_ENTITY_SENSE, 3, 2 },
	{ "get-sensor-state", DRC_ENTITY_SENSE, 1, 2 },
	{ "set-indicator", DRC_ISOLATION_STATE, 3, 2 },
	{ "set-indicator", DRC_ISOLATION_STATE, 2, 1 },
	{ "set-indicator", DRC_ISOLATION_STATE, 4, 1 },
	{ "ibm,configure-connector", (uint32_t)WA, 1, 1 },
	{ "ibm,configure-connector", (uint32_t)WA, 2, 2 },
	{ "ibm,configure-connector", (uint32_t)WA, 3, 1 },
};

static void test_counts(void **state)
{
	struct fixture *f = *state;
	uint32_t args[4], rets[3];
	bool cc;
	size_t i;

	put32(f, WA + DRC_CC_INDEX_OFF, IDX(BOOT_SLOT));
	for (i = 0; i < ARRAY_SIZE(bad_counts); i++) {
		cc = !strcmp(bad_counts[i].name, "ibm,configure-connector");
		args[0] = bad_counts[i].first;
		args[1] = cc ? 0 : IDX(BOOT_SLOT);
		args[2] = DRC_ISOLATE;
		args[3] = 0;
		rets[0] = 0;
		call_at(f, BUF, bad_counts[i].name, bad_counts[i].nargs, args,
			bad_counts[i].nret, rets);
		if (rets[0] != PARAM_ERROR)
			fail_msg("%s with %u/%u", bad_counts[i].name,
				 bad_counts[i].nargs, bad_counts[i].nret);
		/* without a status word: nothing written at all (the call
		 * sits right before the work area's index) */
		memset(f->ram + BUF, FILL, 64);
		rtas_at(f, WA - 12 - 4 * 3, token(bad_counts[i].name), 3, 0, args);
		assert_untouched_except(f, WA - 12 - 4 * 3, 12 + 4 * 3 + 4);
	}
	assert_true(drc__configured(&f->p, BOOT_SLOT));
	assert_int_equal(get32(f, WA + DRC_CC_INDEX_OFF), IDX(BOOT_SLOT));
	assert_int_equal(*host(f, WA + DRC_CC_NAME_OFF), FILL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DRC_TEST(test_services_published, setup_drc),
		DRC_TEST(test_hotplug_add_then_remove, setup_drc),
		DRC_TEST(test_boot_device_is_configured_and_removable, setup_drc),
		DRC_TEST(test_unplug_before_the_guest_took_it, setup_drc),
		DRC_TEST(test_vm_side_told_of_each_move, setup_drc),
		DRC_TEST(test_vm_side_refusals, setup_drc),
		DRC_TEST(test_indicator_transitions, setup_drc),
		DRC_TEST(test_unknown_indicators_values_and_connectors, setup_drc),
		DRC_TEST(test_counts, setup_drc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
