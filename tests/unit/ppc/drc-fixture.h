/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the PMEM connector tests share: the RTAS fixture with vNVDIMMs in
 * its registry (one there at boot, one to hot-plug), the three services
 * called as Linux calls them, and the guest's side of
 * ibm,configure-connector, which rebuilds the node it is handed.
 */
#ifndef LKVM_TEST_DRC_FIXTURE_H
#define LKVM_TEST_DRC_FIXTURE_H

#include <stdio.h>

#include <libfdt.h>

#include "rtas-fixture.h"
#include "lkvm/drc.h"
#include "lkvm/fdt.h"
#include "lkvm/scm.h"

#define WA		0x20000ULL	/* the guest's work area */
#define BOOT_SLOT	0		/* a vNVDIMM there from the start */
#define HP_SLOT		3		/* one registered later, to hot-plug */
#define IDX(slot)	(LKVM_PMEM_DRC_BASE | (slot))
#define NOT_CONFIGURABLE ((uint32_t)-9003)
#define NODE_MAX	(16 << 10)

static struct nvdimm dimm[2];

static inline void add_dimm(struct fixture *f, struct nvdimm *d,
			    unsigned int slot)
{
	nvdimm__init(d, slot);
	d->cfg.size = 256ULL << 20;
	d->cfg.label_size = 128 << 10;
	snprintf(d->uuid_str, sizeof(d->uuid_str), "%s",
		 "2d4c1f38-62a5-4b1e-9b53-6f7a2b0d9e11");
	assert_int_equal(device_registry__add(&f->devices, &d->dev), 0);
}

/* A boot with dimm[0] in its tree, then dimm[1] registered (not plugged). */
static inline int setup_drc(void **state)
{
	struct fixture *f;

	setup(state);
	f = *state;
	add_dimm(f, &dimm[0], BOOT_SLOT);
	drc__boot(&f->p);
	add_dimm(f, &dimm[1], HP_SLOT);
	return 0;
}

#define DRC_TEST(fn, set_up) cmocka_unit_test_setup_teardown(fn, set_up, teardown)

/* An RTAS call laid out at @gpa; its rets end in @rets. Any thread. */
static inline void call_at(struct fixture *f, uint64_t gpa, const char *name,
			   uint32_t nargs, const uint32_t *args, uint32_t nret,
			   uint32_t *rets)
{
	uint32_t i;

	rtas_at(f, gpa, token(name), nargs, nret, args);
	for (i = 0; i < nret; i++)
		rets[i] = get32(f, gpa + 12 + 4 * (nargs + i));
}

/* get-sensor-state: the status, the state in *value. */
static inline uint32_t sensor_at(struct fixture *f, uint64_t gpa,
				 uint32_t sensor, uint32_t index,
				 uint32_t *value)
{
	uint32_t args[2] = { sensor, index }, rets[2];

	call_at(f, gpa, "get-sensor-state", 2, args, 2, rets);
	*value = rets[1];
	return rets[0];
}

/* dr-entity-sense of @index, which must be readable. */
static inline uint32_t entity_sense(struct fixture *f, uint32_t index)
{
	uint32_t value;

	assert_int_equal(sensor_at(f, BUF, DRC_ENTITY_SENSE, index, &value), 0);
	return value;
}

/* set-indicator: the status. */
static inline uint32_t indicator_at(struct fixture *f, uint64_t gpa,
				    uint32_t type, uint32_t index,
				    uint32_t value)
{
	uint32_t args[3] = { type, index, value }, ret;

	call_at(f, gpa, "set-indicator", 3, args, 1, &ret);
	return ret;
}

static inline uint32_t indicator(struct fixture *f, uint32_t type,
				 uint32_t index, uint32_t value)
{
	return indicator_at(f, BUF, type, index, value);
}

/* set-indicator on @slot's connector, which must take it. */
static inline void set_ok(struct fixture *f, uint32_t type, unsigned int slot,
			  uint32_t value)
{
	assert_int_equal(indicator(f, type, IDX(slot), value), 0);
}

/* One ibm,configure-connector call on the work area at @wa. */
static inline uint32_t cc_at(struct fixture *f, uint64_t gpa, uint64_t wa)
{
	uint32_t args[2] = { (uint32_t)wa, (uint32_t)(wa >> 32) }, ret;

	call_at(f, gpa, "ibm,configure-connector", 2, args, 1, &ret);
	return ret;
}

/*
 * The guest's side (Linux's dlpar_configure_connector): call until done,
 * each answer read through the offsets in the work area at @wa, into a
 * tree with the node under its root, as fdt__build_node writes one.
 * Returns the first status that is neither a step nor done.
 */
static inline uint32_t read_node(struct fixture *f, uint64_t gpa, uint64_t wa,
				 uint32_t index, void *out)
{
	uint32_t status, len;
	const char *name = NULL;
	int i;

	assert_int_equal(fdt_create(out, NODE_MAX), 0);
	assert_int_equal(fdt_finish_reservemap(out), 0);
	assert_int_equal(fdt_begin_node(out, ""), 0);
	put32(f, wa + DRC_CC_INDEX_OFF, index);
	put32(f, wa + 4, 0);
	for (i = 0; i < 1000; i++) {
		status = cc_at(f, gpa, wa);
		if (status != DRC_CC_DONE && status != DRC_CC_NEXT_CHILD &&
		    status != DRC_CC_NEXT_PROPERTY && status != DRC_CC_PREV_PARENT)
			return status;
		if (status == DRC_CC_NEXT_CHILD || status == DRC_CC_NEXT_PROPERTY)
			name = (const char *)host(f, wa + get32(f, wa + DRC_CC_NAME_OFF));
		if (status == DRC_CC_NEXT_CHILD) {
			assert_int_equal(fdt_begin_node(out, name), 0);
		} else if (status == DRC_CC_NEXT_PROPERTY) {
			len = get32(f, wa + DRC_CC_PROP_LEN_OFF);
			assert_int_equal(fdt_property(out, name,
				host_range(f, wa + get32(f, wa + DRC_CC_PROP_VALUE_OFF),
					   len ? len : 1), (int)len), 0);
		} else {
			/* done closes the device's node like a parent's end */
			assert_int_equal(fdt_end_node(out), 0);
		}
		if (status == DRC_CC_DONE) {
			assert_int_equal(fdt_end_node(out), 0);
			assert_int_equal(fdt_finish(out), 0);
			return status;
		}
	}
	fail_msg("configure-connector never finished");
	return 0;
}

/* The guest read exactly the node fdt__build_node gives for @dev. */
static inline void assert_node_of(const void *got, const struct device *dev)
{
	static _Thread_local uint8_t want[NODE_MAX];
	int size = fdt__build_node(dev, want, sizeof(want));

	assert_true(size > 0);
	assert_int_equal(fdt_totalsize(got), size);
	assert_memory_equal(got, want, (size_t)size);
}

#endif
