/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_PSERIES_H
#define LKVM_PSERIES_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "lkvm/drc.h"
#include "lkvm/guest-mem.h"
#include "lkvm/limits.h"
#include "lkvm/memmap.h"
#include "lkvm/rtas-events.h"

struct device_registry;

/* map_memory's flags */
#define PSERIES_MAP_LOG_DIRTY	(1U << 0)	/* log the pages the guest stores to */

/*
 * What hcall and RTAS handlers may ask of the VMM core. They are the only
 * way from ppc/ and devices/ to KVM; unit tests plug in fakes.
 */
struct pseries_ops {
	/* KVM_PPC_CONFIGURE_V3_MMU: flags KVM_PPC_MMUV3_*, PATE second word */
	int (*configure_mmu)(void *ctx, uint64_t flags, uint64_t process_table);
	/* wake vCPU @cpu (stopped) at @pc with r3 = @r3 */
	int (*start_cpu)(void *ctx, unsigned int cpu, uint64_t pc, uint64_t r3);
	/* the machine's exit_request changed: stop all vCPUs */
	void (*request_exit)(void *ctx);
	/*
	 * Guest addresses [gpa, gpa + size) become host memory @host (a KVM
	 * memory slot, whose number goes to *slot), and back. @flags:
	 * PSERIES_MAP_*. Only while no vCPU is inside a handler (design.md,
	 * Concurrency), so a handler's slot stays as it is during its call.
	 */
	int (*map_memory)(void *ctx, uint64_t gpa, uint64_t size, void *host,
			  unsigned int flags, unsigned int *slot);
	int (*unmap_memory)(void *ctx, unsigned int slot);
	/*
	 * Slot @slot, mapped with PSERIES_MAP_LOG_DIRTY: how many host pages
	 * of *page_size bytes the guest stored to since the last call (or the
	 * mapping), counting afresh from now (KVM's dirty log). From a
	 * handler; one call at a time per slot. 0 or -errno with a message.
	 */
	int (*harvest_dirty)(void *ctx, unsigned int slot, uint64_t *pages,
			     uint64_t *page_size);
	/*
	 * Raise and lower XICS source @irq (an edge, so one interrupt): the
	 * event sources' interrupts. Any thread, vCPUs included.
	 */
	int (*irq_pulse)(void *ctx, uint32_t irq);
	/*
	 * The guest moved a PMEM connector (set-indicator, or the end of
	 * configure-connector's walk): the VM side waiting on a hot-plug or
	 * hot-unplug looks again. From vCPU threads, after the DRC lock is
	 * dropped; it must not block.
	 */
	void (*drc_changed)(void *ctx);
};

enum pseries_exit {
	PSERIES_RUNNING = 0,
	PSERIES_POWEROFF,	/* guest asked to power off */
	PSERIES_REBOOT,		/* guest asked to reboot */
	PSERIES_FAILED,		/* the VMM hit an error */
	PSERIES_USER_STOP,	/* the user quit (Ctrl-A x) or sent a signal */
	PSERIES_PANIC,		/* the guest kernel panicked (ibm,os-term) */
};

/* What lkvm keeps of a panicking guest's ibm,os-term message. */
#define PSERIES_PANIC_MSG_MAX 160

enum pseries_cpu_state {
	CPU_STOPPED = 0,	/* RTAS "stopped" state: not in KVM_RUN */
	CPU_RUNNING,
};

/* Numbers already reported once; a full list reports nothing more. */
struct pseries_reported {
	uint32_t key[64];
	unsigned int nr;
};

/*
 * How often a vCPU made each hcall: the first PSERIES_HCALL_KINDS distinct
 * numbers get a counter each (an entry is claimed by setting its number,
 * which no served hcall has as 0), the rest share "other". Each vCPU
 * counts its own, but nothing breaks if two threads count for one vCPU.
 */
#define PSERIES_HCALL_KINDS	24

struct pseries_hcall_stats {
	struct {
		_Atomic uint64_t nr;	/* 0: free */
		_Atomic uint64_t count;
	} kind[PSERIES_HCALL_KINDS];
	_Atomic uint64_t other;
};

/* Per-vCPU facts that handlers see and change. */
struct pseries_cpu {
	_Atomic int state;		/* enum pseries_cpu_state */
	bool stop_self;			/* set by stop-self: leave KVM_RUN */
	struct pseries_hcall_stats hcalls;
};

/*
 * Speculation-related CPU characteristics and required behaviour, as the
 * host's KVM reports them (KVM_PPC_GET_CPU_CHAR), for H_GET_CPU_CHARACTERISTICS.
 */
struct cpu_char {
	bool valid;
	uint64_t character;
	uint64_t behaviour;
};

/* Host CPU facts published in the device tree. */
struct cpu_info {
	uint32_t pvr;
	uint32_t timebase_hz;
	uint32_t clock_hz;
	uint32_t dcache_block;
	uint32_t icache_block;
};

/*
 * The pseries machine as the guest sees it. Handlers are plain functions of
 * (struct pseries *, vCPU index, registers); everything they read or change
 * lives here.
 */
struct pseries {
	struct guest_mem mem;
	struct memmap map;
	struct cpu_info cpu_info;
	struct cpu_char cpu_char;
	/* /chosen/rng-seed: entropy for the guest's first second, so its random
	 * generator (and ndctl, which waits for it) need not wait for noise */
	bool has_rng_seed;
	uint8_t rng_seed[64];
	unsigned int nr_cpus;
	bool debug;

	/* the VM's devices (console, vNVDIMMs), kept across reboots; vCPU
	 * handlers find them by the index the guest passes */
	struct device_registry *devices;

	/* little-endian interrupts (H_SET_MODE resource 4): each vCPU applies
	 * LPCR[ILE] before its next KVM_RUN when ile_gen differs from its own */
	_Atomic bool ile;
	_Atomic unsigned int ile_gen;

	_Atomic int exit_request;	/* enum pseries_exit */
	struct pseries_cpu cpu[LKVM_MAX_CPUS];

	/* ibm,os-term's message, control characters escaped (set once) */
	char panic_msg[PSERIES_PANIC_MSG_MAX];
	/* a panic stops the VM (PSERIES_PANIC); else the guest goes on to
	 * what its own panic= says, and lkvm only reports it */
	bool panic_stops;

	/* set-time-of-day moves the guest's clock by this many seconds */
	_Atomic int64_t rtc_offset;

	/* event logs waiting for check-exception (EPOW), with their lock */
	struct rtas_event_queue events;

	/* the PMEM connectors (hot-plug), with their lock; each boot starts
	 * with the registry's devices configured (drc__boot) */
	struct drc_table drcs;

	/* unknown hcalls and RTAS tokens: counted and, with --debug, reported
	 * once per number (a guest must not be able to flood stderr) */
	pthread_mutex_t report_lock;
	_Atomic uint64_t unknown_hcalls;
	struct pseries_reported reported_hcalls, reported_rtas;

	const struct pseries_ops *ops;
	void *ops_ctx;
};

/* Zero @p and set its locks (an empty event queue, empty connectors); the
 * caller fills mem, map, cpus, ops. */
void pseries__init(struct pseries *p);

/*
 * With --debug, is this the first time @key is seen in @set (and is there
 * room to remember it)? Then the caller reports it; never again after.
 */
bool pseries__first_report(struct pseries *p, struct pseries_reported *set,
			   uint32_t key);

/* Record a guest request to stop (poweroff or reboot) and tell the core. */
void pseries__request_exit(struct pseries *p, enum pseries_exit why);

#endif
