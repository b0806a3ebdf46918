/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DRC_H
#define LKVM_DRC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lkvm/limits.h"

struct pseries;

/*
 * The PMEM dynamic reconfiguration connectors (ppc/drc.c,
 * ppc/drc-connector.c): one per vNVDIMM slot, DRC index
 * LKVM_PMEM_DRC_BASE | slot, as the root's ibm,drc-indexes lists them.
 * A hot-plugged device reaches the guest, and a hot-unplugged one leaves
 * it, through the three RTAS services below, each step allowed only from
 * the states PAPR gives a logical connector.
 */

/* RTAS sensor and indicator numbers (get-sensor-state, set-indicator) */
#define DRC_ISOLATION_STATE	9001	/* indicator: 0 isolate, 1 unisolate */
#define DRC_DR_INDICATOR	9002	/* physical connectors only */
#define DRC_ALLOCATION_STATE	9003	/* indicator: 0 unusable, 1 usable */
#define DRC_ENTITY_SENSE	9003	/* sensor: what the guest may take */

#define DRC_ISOLATE		0
#define DRC_UNISOLATE		1
#define DRC_ALLOC_UNUSABLE	0
#define DRC_ALLOC_USABLE	1
#define DRC_ENTITY_PRESENT	1	/* allocated to the guest: release it */
#define DRC_ENTITY_UNUSABLE	2	/* free: the guest may allocate it */

/* ibm,configure-connector's answers */
#define DRC_CC_DONE		0
#define DRC_CC_NEXT_CHILD	2	/* a node begins: its name */
#define DRC_CC_NEXT_PROPERTY	3	/* a property of the current node */
#define DRC_CC_PREV_PARENT	4	/* the current node ends */
#define DRC_CC_NOT_CONFIGURABLE	(-9003)	/* not unisolated: nothing to give */

/*
 * The work area the guest passes to ibm,configure-connector, big-endian
 * words: the DRC index (in), a zero word, the offset of the node's or
 * property's name, the property's length, the offset of its value. Names
 * and values go after the five words.
 */
#define DRC_CC_WORK_AREA_SIZE	4096
#define DRC_CC_INDEX_OFF	0
#define DRC_CC_NAME_OFF		8
#define DRC_CC_PROP_LEN_OFF	12
#define DRC_CC_PROP_VALUE_OFF	16
#define DRC_CC_DATA_OFF		20

/*
 * A logical connector's state, the combinations PAPR allows of allocation
 * (usable or not), isolation and "configured":
 *   UNUSABLE    not allocated, isolated: empty, freshly plugged, or given
 *               back by the guest (entity sense 2);
 *   AVAILABLE   allocated (usable), still isolated (entity sense 1);
 *   UNISOLATED  allocated and unisolated: the guest is reading the node
 *               with ibm,configure-connector;
 *   CONFIGURED  the guest has the whole node: the device is in use.
 * A device present at boot is in the tree the guest starts with, so its
 * connector starts CONFIGURED, and the guest's release (isolate, then
 * unusable) works as for a device it configured itself.
 */
enum drc_state {
	DRC_UNUSABLE = 1,
	DRC_AVAILABLE,
	DRC_UNISOLATED,
	DRC_CONFIGURED,
};

struct drc {
	enum drc_state state;
	bool present;		/* a device is attached to the slot */
	bool unplug_requested;	/* the VMM wants it back */
	/*
	 * Where ibm,configure-connector's walk of the device's node stands:
	 * the offset of the next tag in the node's blob (0: the walk starts
	 * at the node), and how many nodes are open.
	 */
	int cc_offset;
	unsigned int cc_depth;
};

/*
 * The connectors of one boot's machine (struct pseries), so a reboot
 * starts afresh. vCPU threads change them through RTAS while the main
 * thread plugs and unplugs: every access holds @lock. configure-connector
 * looks the device up in the registry under it, so no DRC function may be
 * called under the registry's lock.
 */
struct drc_table {
	pthread_mutex_t lock;
	struct drc slot[LKVM_MAX_NVDIMMS];
};

/* Every connector empty (pseries__init does it for the machine's). */
void drc__init(struct drc_table *t);

/*
 * A new boot: every PMEM device of p->devices is in the tree the guest
 * gets, so its connector is present and CONFIGURED (boot__place calls it
 * before the vCPUs start).
 */
void drc__boot(struct pseries *p);

/*
 * The VM side (main thread). A hot-plug: attach the device and add it to
 * p->devices (its index is LKVM_PMEM_DRC_BASE | @slot), then drc__plug:
 * the connector becomes present and UNUSABLE, which the guest, told by a
 * hot-plug event, allocates, unisolates and configures. 0, or with a
 * message -EINVAL (no such slot), -ENODEV (no device of that index
 * registered), -EBUSY (the slot holds a device).
 */
int drc__plug(struct pseries *p, unsigned int slot);

/* Has the guest read the whole node (CONFIGURED)? The plug is complete. */
bool drc__configured(struct pseries *p, unsigned int slot);

/*
 * A hot-unplug: mark the slot's device wanted back, then tell the guest.
 * From now on the guest may not allocate it again. 0, or with a message
 * -EINVAL (no such slot), -ENOENT (no device in it).
 */
int drc__unplug_requested(struct pseries *p, unsigned int slot);

/*
 * Has the guest given the device back (isolated, then made unusable, or
 * never allocated it)? Only then may the VM side take its memory away.
 */
bool drc__released(struct pseries *p, unsigned int slot);

/*
 * The VM side removed the released device (registry, memory): the slot is
 * empty and may be plugged again. 0, or with a message -EINVAL (no such
 * slot), -EBUSY (not released).
 */
int drc__unplugged(struct pseries *p, unsigned int slot);

/*
 * The RTAS services (rtas_fn), with the statuses QEMU gives logical
 * connectors: -3 for wrong counts, an unknown connector, sensor or
 * indicator, a value other than 0 or 1, and every refused transition.
 *   get-sensor-state (2/2): sensor 9003 only; rets[1] = 2 UNUSABLE or
 *     1 PRESENT.
 *   set-indicator (3/1): 9001 isolation, 9003 allocation (9002 is a
 *     physical connector's: -3). Refused: unisolate an UNUSABLE one, make
 *     usable one with no device or one wanted back, make unusable an
 *     unisolated or configured one, isolate an unisolated one. Repeating
 *     the current state succeeds.
 *   ibm,configure-connector (2/1): args[0] | args[1] << 32 is the work
 *     area, all of it writable guest memory (else -3); its first word the
 *     connector. One step of the node per call: 2 a node's name, 3 a
 *     property, 4 a node's end, 0 done (then CONFIGURED, and a new walk
 *     may start over); -9003 unless UNISOLATED or CONFIGURED; -1 if a
 *     name and value do not fit the work area, or the node cannot be built.
 */
void drc__get_sensor_state(struct pseries *p, unsigned int cpu, uint32_t nargs,
			   const uint32_t *args, uint32_t nret, uint32_t *rets);
void drc__set_indicator(struct pseries *p, unsigned int cpu, uint32_t nargs,
			const uint32_t *args, uint32_t nret, uint32_t *rets);
void drc__configure_connector(struct pseries *p, unsigned int cpu,
			      uint32_t nargs, const uint32_t *args,
			      uint32_t nret, uint32_t *rets);

#endif
