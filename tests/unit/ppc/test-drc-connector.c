// SPDX-License-Identifier: GPL-2.0
/*
 * ibm,configure-connector (ppc/drc-connector.c): the work area's layout,
 * the node the guest rebuilds against what fdt__build_node gives, nested
 * nodes, a property at and beyond the work area's room, walks repeated and
 * rewound, and every refused call, which must write nothing.
 */
#include <errno.h>

#include "drc-fixture.h"
#include "../../../fdt/fdt-internal.h"

#define FAKE_SLOT	5
#define HIGH_GPA	(1ULL << 32)	/* guest memory above 4 GiB */
#define HIGH_SIZE	(16ULL << 10)
/* "big" and its NUL after the five words: the most a value can take */
#define BIG_MAX		(DRC_CC_WORK_AREA_SIZE - DRC_CC_DATA_OFF - 4)

/* A device whose node has a child and, if asked, one big property. */
struct fake_dev {
	struct device dev;
	int big_len;
	bool fail;
};

static struct fake_dev fake;
static uint8_t big[DRC_CC_WORK_AREA_SIZE];

static int fake_fdt_node(const struct device *dev, struct fdt_writer *w)
{
	const struct fake_dev *fk = container_of(dev, const struct fake_dev, dev);

	if (fk->fail)
		return lkvm__fail(-EINVAL, "fake: no node");
	fdtw_begin(w, dev->node_name);
	fdtw_str(w, "compatible", "lkvm,test");
	fdtw_empty(w, "lkvm,flag");
	if (fk->big_len)
		fdtw_prop(w, "big", big, fk->big_len);
	fdtw_begin(w, "child@1");
	fdtw_u32(w, "reg", 1);
	fdtw_end(w);
	fdtw_end(w);
	return 0;
}

static const struct device_ops fake_ops_pmem = {
	.kind = "fake",
	.bus = DEVICE_BUS_PMEM,
	.fdt_node = fake_fdt_node,
};

static int setup_fake(void **state)
{
	struct fixture *f;
	unsigned int i;

	setup_drc(state);
	f = *state;
	memset(&fake, 0, sizeof(fake));
	fake.dev.ops = &fake_ops_pmem;
	fake.dev.index = IDX(FAKE_SLOT);
	snprintf(fake.dev.node_name, sizeof(fake.dev.node_name),
		 "lkvm-test@%x", IDX(FAKE_SLOT));
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(device_registry__add(&f->devices, &fake.dev), 0);
	return 0;
}

/* The hot-plug and Linux's acquire: unisolated, ready to be read. */
static void plug_and_acquire(struct fixture *f, unsigned int slot)
{
	assert_int_equal(drc__plug(&f->p, slot), 0);
	set_ok(f, DRC_ALLOCATION_STATE, slot, DRC_ALLOC_USABLE);
	set_ok(f, DRC_ISOLATION_STATE, slot, DRC_UNISOLATE);
}

static uint32_t cc(struct fixture *f, uint32_t index)
{
	put32(f, WA + DRC_CC_INDEX_OFF, index);
	return cc_at(f, BUF, WA);
}

static const char *wa_name(struct fixture *f)
{
	assert_int_equal(get32(f, WA + DRC_CC_NAME_OFF), DRC_CC_DATA_OFF);
	return (const char *)host(f, WA + DRC_CC_DATA_OFF);
}

static void test_work_area_layout(void **state)
{
	struct fixture *f = *state;
	static uint8_t want[NODE_MAX];
	const void *value;
	const char *name;
	int len, off;

	plug_and_acquire(f, HP_SLOT);
	memset(f->ram, FILL, RAM_SIZE);
	assert_int_equal(cc(f, IDX(HP_SLOT)), DRC_CC_NEXT_CHILD);
	assert_string_equal(wa_name(f), "ibm,pmemory@90000003");

	/* the first property as fdt__build_node has it, value after name */
	assert_true(fdt__build_node(&dimm[1].dev, want, sizeof(want)) > 0);
	off = fdt_first_property_offset(want, fdt_first_subnode(want, 0));
	value = fdt_getprop_by_offset(want, off, &name, &len);
	assert_int_equal(cc(f, IDX(HP_SLOT)), DRC_CC_NEXT_PROPERTY);
	assert_string_equal(wa_name(f), name);
	assert_int_equal(get32(f, WA + DRC_CC_PROP_LEN_OFF), len);
	assert_int_equal(get32(f, WA + DRC_CC_PROP_VALUE_OFF),
			 DRC_CC_DATA_OFF + strlen(name) + 1);
	assert_memory_equal(host(f, WA + DRC_CC_DATA_OFF + strlen(name) + 1),
			    value, len);
	/* nothing but the call and the work area's head */
	assert_untouched_except(f, BUF, WA + DRC_CC_DATA_OFF + 64 - BUF);
	assert_int_equal(*host(f, WA + 4), FILL);

	/* the rest of the walk, then the plug is complete */
	while ((len = (int)cc(f, IDX(HP_SLOT))) != DRC_CC_DONE)
		assert_true(len == DRC_CC_NEXT_PROPERTY);
	assert_true(drc__configured(&f->p, HP_SLOT));
}

/* Children, an empty property and PREV_PARENT, in the order of the tree. */
static void test_nested_node(void **state)
{
	struct fixture *f = *state;
	static uint8_t node[NODE_MAX];
	const uint32_t want[] = {
		DRC_CC_NEXT_CHILD, DRC_CC_NEXT_PROPERTY, DRC_CC_NEXT_PROPERTY,
		DRC_CC_NEXT_CHILD, DRC_CC_NEXT_PROPERTY, DRC_CC_PREV_PARENT,
		DRC_CC_DONE,
	};
	size_t i;

	plug_and_acquire(f, FAKE_SLOT);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(cc(f, IDX(FAKE_SLOT)), want[i]);
	assert_true(drc__configured(&f->p, FAKE_SLOT));
	/* read again, the way Linux reads it: the same node */
	assert_int_equal(read_node(f, BUF, WA, IDX(FAKE_SLOT), node), DRC_CC_DONE);
	assert_node_of(node, &fake.dev);
}

static void test_property_at_and_beyond_the_room(void **state)
{
	struct fixture *f = *state;
	static uint8_t node[NODE_MAX];

	fake.big_len = BIG_MAX;
	plug_and_acquire(f, FAKE_SLOT);
	assert_int_equal(read_node(f, BUF, WA, IDX(FAKE_SLOT), node), DRC_CC_DONE);
	assert_node_of(node, &fake.dev);

	/* one byte more cannot be handed over: -1, and the walk rewinds */
	fake.big_len = BIG_MAX + 1;
	assert_int_equal(read_node(f, BUF, WA, IDX(FAKE_SLOT), node), HW_ERROR);
	assert_untouched_except(f, BUF, WA + DRC_CC_WORK_AREA_SIZE - BUF);
	assert_int_equal(cc(f, IDX(FAKE_SLOT)), DRC_CC_NEXT_CHILD);
	assert_string_equal(wa_name(f), fake.dev.node_name);

	/* a node that cannot be built, or a device gone from the registry */
	fake.big_len = 0;
	fake.fail = true;
	assert_int_equal(cc(f, IDX(FAKE_SLOT)), HW_ERROR);
	fake.fail = false;
	assert_int_equal(device_registry__remove(&f->devices, &fake.dev), 0);
	assert_int_equal(cc(f, IDX(FAKE_SLOT)), HW_ERROR);
	assert_int_equal(device_registry__add(&f->devices, &fake.dev), 0);
	assert_int_equal(read_node(f, BUF, WA, IDX(FAKE_SLOT), node), DRC_CC_DONE);
	assert_node_of(node, &fake.dev);
}

static void test_walk_repeats_and_rewinds(void **state)
{
	struct fixture *f = *state;
	static uint8_t node[NODE_MAX];
	int i;

	/* a boot device may be read whole, as often as the guest likes */
	for (i = 0; i < 2; i++) {
		assert_int_equal(read_node(f, BUF, WA, IDX(BOOT_SLOT), node),
				 DRC_CC_DONE);
		assert_node_of(node, &dimm[0].dev);
		assert_true(drc__configured(&f->p, BOOT_SLOT));
	}
	/* half a walk, then isolated: a new walk starts at the node again */
	for (i = 0; i < 3; i++)
		assert_true(cc(f, IDX(BOOT_SLOT)) > 0);
	set_ok(f, DRC_ISOLATION_STATE, BOOT_SLOT, DRC_ISOLATE);
	set_ok(f, DRC_ISOLATION_STATE, BOOT_SLOT, DRC_UNISOLATE);
	assert_false(drc__configured(&f->p, BOOT_SLOT));
	assert_int_equal(read_node(f, BUF, WA, IDX(BOOT_SLOT), node), DRC_CC_DONE);
	assert_node_of(node, &dimm[0].dev);
	assert_true(drc__configured(&f->p, BOOT_SLOT));
}

static void test_not_configurable(void **state)
{
	struct fixture *f = *state;

	/* empty, plugged but not allocated, allocated but isolated */
	assert_int_equal(cc(f, IDX(7)), NOT_CONFIGURABLE);
	assert_int_equal(cc(f, IDX(HP_SLOT)), NOT_CONFIGURABLE);
	assert_int_equal(drc__plug(&f->p, HP_SLOT), 0);
	assert_int_equal(cc(f, IDX(HP_SLOT)), NOT_CONFIGURABLE);
	set_ok(f, DRC_ALLOCATION_STATE, HP_SLOT, DRC_ALLOC_USABLE);
	assert_int_equal(cc(f, IDX(HP_SLOT)), NOT_CONFIGURABLE);
	assert_false(drc__configured(&f->p, HP_SLOT));
	/* no such connector */
	assert_int_equal(cc(f, IDX(LKVM_MAX_NVDIMMS)), PARAM_ERROR);
	assert_int_equal(cc(f, LKVM_PMEM_DRC_BASE - 1), PARAM_ERROR);
	assert_int_equal(cc(f, 0), PARAM_ERROR);
	/* only the index the test wrote: no answer in the work area */
	assert_int_equal(*host(f, WA + DRC_CC_NAME_OFF), FILL);
}

static void test_work_area_refused(void **state)
{
	struct fixture *f = *state;
	const uint64_t bad[] = {
		4ULL << 20,				/* no memory there */
		RO_GPA,					/* read-only */
		RAM_SIZE - DRC_CC_WORK_AREA_SIZE / 2,	/* across two regions */
		RAM2_GPA + RAM_SIZE - 8,		/* past the end */
		WA | HIGH_GPA,				/* args[1] counts */
	};
	size_t i;

	plug_and_acquire(f, HP_SLOT);
	put32(f, WA + DRC_CC_INDEX_OFF, IDX(HP_SLOT));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (guest_mem__ptr(&f->p.mem, bad[i], 4, false))
			put32(f, bad[i], IDX(HP_SLOT));
		assert_int_equal(cc_at(f, BUF, bad[i]), PARAM_ERROR);
	}
	/* nothing written (nor at the low half's alias), the walk unmoved */
	assert_int_equal(*host(f, RO_GPA + DRC_CC_NAME_OFF), FILL);
	assert_int_equal(*host(f, RAM_SIZE - 2048 + DRC_CC_NAME_OFF), FILL);
	assert_int_equal(*host(f, WA + DRC_CC_NAME_OFF), FILL);
	assert_int_equal(cc(f, IDX(HP_SLOT)), DRC_CC_NEXT_CHILD);
	assert_string_equal(wa_name(f), dimm[1].dev.node_name);
}

/* A work area above 4 GiB: args[1] is the high word. */
static void test_work_area_above_4g(void **state)
{
	struct fixture *f = *state;
	static uint8_t node[NODE_MAX];
	uint8_t *high = malloc(HIGH_SIZE);

	assert_non_null(high);
	assert_int_equal(guest_mem__add(&f->p.mem, HIGH_GPA, HIGH_SIZE, high,
					false), 0);
	plug_and_acquire(f, HP_SLOT);
	assert_int_equal(read_node(f, BUF, HIGH_GPA + 0x1000, IDX(HP_SLOT), node),
			 DRC_CC_DONE);
	assert_node_of(node, &dimm[1].dev);
	/* the low copy of the address is not the area */
	assert_int_equal(*host(f, 0x1000 + DRC_CC_DATA_OFF), FILL);
	free(high);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DRC_TEST(test_work_area_layout, setup_fake),
		DRC_TEST(test_nested_node, setup_fake),
		DRC_TEST(test_property_at_and_beyond_the_room, setup_fake),
		DRC_TEST(test_walk_repeats_and_rewinds, setup_fake),
		DRC_TEST(test_not_configurable, setup_fake),
		DRC_TEST(test_work_area_refused, setup_fake),
		DRC_TEST(test_work_area_above_4g, setup_fake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
