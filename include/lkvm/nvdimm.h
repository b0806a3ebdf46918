/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_NVDIMM_H
#define LKVM_NVDIMM_H

#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lkvm/device.h"
#include "lkvm/limits.h"
#include "lkvm/util.h"
#include "lkvm/uuid.h"

struct sandbox_policy;

/*
 * A vNVDIMM: persistent memory backed by a host file or device-DAX, seen by
 * the guest's papr_scm driver through an ibm,pmemory node and the SCM
 * hcalls. The backing holds SIZE + LABEL bytes, label area at the end
 * (QEMU's layout, so a file moves between QEMU and lkvm).
 */
#define NVDIMM_BLOCK_SIZE	LKVM_PMEM_BLOCK_SIZE	/* sizes are multiples */
#define NVDIMM_MIN_LABEL_SIZE	(128ULL << 10)
#define NVDIMM_MAX_LABEL_SIZE	(16ULL << 20)
#define NVDIMM_DRC_BASE		LKVM_PMEM_DRC_BASE	/* DRC index = base | slot */
#define NVDIMM_UUID_LEN		UUID_LEN
#define NVDIMM_UUID_STR_LEN	UUID_STR_LEN

/* Health bits (PAPR, counted from the MSB) that lkvm reports. */
#define NVDIMM_HEALTH_UNARMED		(1ULL << 63)
#define NVDIMM_HEALTH_SHUTDOWN_DIRTY	(1ULL << 62)
#define NVDIMM_HEALTH_SHUTDOWN_CLEAN	(1ULL << 61)

/* One --nvdimm PATH,SIZE,LABEL[,uuid=UUID][,ro] as the user wrote it. */
struct nvdimm_config {
	char path[PATH_MAX];
	uint64_t size;		/* guest-visible pmem, a multiple of 256 MiB */
	uint64_t label_size;	/* label area, >= 128 KiB */
	bool has_uuid;
	uint8_t uuid[NVDIMM_UUID_LEN];
	bool readonly;
};

/*
 * The rules a configuration must meet, however it was given: a non-empty
 * path, SIZE a non-zero multiple of 256M, LABEL from 128K to 16M, both
 * together a possible file size, no nil uuid=. 0 or a negative errno with
 * a one-line message naming the device by its path. check_sizes names the
 * sizes as the user wrote them (@size_text, @label_text).
 */
int nvdimm_config__validate(const struct nvdimm_config *cfg);

/* How a configuration is written, for messages. */
#define NVDIMM_USAGE	"PATH,SIZE,LABEL[,uuid=UUID][,ro]"

/* One line naming the device by its path, then the problem: returns @err. */
int nvdimm_config__fail(int err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int nvdimm_config__check_sizes(const char *path, uint64_t size,
			       const char *size_text, uint64_t label,
			       const char *label_text);

/*
 * The canonical name of a backing that may not exist yet: realpath() of
 * PATH, else realpath() of its directory plus its name, else PATH itself.
 */
void nvdimm__real_path(const char *path, char out[PATH_MAX]);

/*
 * Where a backing's unit GUID is recorded: "PATH.uuid" beside a regular
 * file (PATH with symbolic links resolved); "$LKVM_STATE_DIR/<devname>.uuid"
 * for device DAX (devname such as "dax0.0"; LKVM_STATE_DIR defaults to
 * NVDIMM_STATE_DIR).
 */
#define NVDIMM_STATE_DIR	"/var/lib/lkvm"
int nvdimm_uuid__record_path(const char *backing, const char *devdax_name,
			     char *out, size_t len);

struct nvdimm;

/* How the backing is made durable; tests substitute their own. */
struct nvdimm_backing_ops {
	/* make every byte written so far durable: 0 or negative errno */
	int (*flush)(struct nvdimm *d);
	/* the same for the label area only (the label flusher's job) */
	int (*flush_labels)(struct nvdimm *d);
};

/*
 * Concurrent H_SCM_FLUSH calls on one device share backing flushes
 * (devices/scm-flush.c says how). Zeroed memory is an idle state.
 */
struct nvdimm_flush_merge {
	pthread_mutex_t lock;
	pthread_cond_t finished;	/* signalled whenever a flush finishes */
	bool running;		/* a backing flush is in progress */
	uint64_t started;	/* generation of the last flush started */
	uint64_t done;		/* ... and of the last one finished */
	uint64_t failed;	/* ... and of the last one that failed */
	unsigned int users;	/* callers inside the merge */
	/* what the flushes made durable is counted (KVM's dirty log) by the
	 * running flush, from this CLOCK_MONOTONIC time on; the last count
	 * took this long */
	uint64_t next_count_ns;
	uint64_t count_cost_ns;
};

struct nvdimm {
	struct device dev;		/* in the machine's registry: index = drc_index */
	unsigned int slot;		/* 0, 1, ... in command-line order */
	uint32_t drc_index;		/* NVDIMM_DRC_BASE | slot */
	struct nvdimm_config cfg;
	uint8_t uuid[NVDIMM_UUID_LEN];	/* the unit GUID, stable per backing */
	char uuid_str[NVDIMM_UUID_STR_LEN];

	int fd;				/* backing file or device, -1 if none */
	bool is_devdax;
	bool is_pmem;			/* libpmem: real pmem, stores persist */
	bool needs_flush_hcall;		/* advertise ibm,hcall-flush-required */
	uint8_t *map;			/* the whole backing, size + label */
	uint64_t map_len;
	uint8_t *data;			/* == map: the guest-visible region */
	uint8_t *label;			/* map + size: the label area */
	/* one label access at a time: a value of up to 8 bytes read by one
	 * vCPU while another writes it is never torn (zero bytes: unlocked) */
	pthread_mutex_t label_lock;
	uint64_t gpa;			/* where the region sits in the guest */
	unsigned int mem_slot;		/* its KVM memory slot, while attached */
	/* the slot logs the pages the guest stores to, for bytes_flushed:
	 * writable backings in the page cache (those with a flush hcall) */
	bool logs_dirty;

	const struct nvdimm_backing_ops *ops;
	struct nvdimm_flush_merge flush_merge;

	/* statistics reported through H_SCM_PERFORMANCE_STATS */
	uint64_t attach_time_ns;	/* CLOCK_MONOTONIC when attached */
	_Atomic uint64_t flushes;
	_Atomic uint64_t flush_ns;	/* total time spent making data durable */
	_Atomic uint64_t flush_failures;
	/* where that time went: the backing flushes run (one serves every
	 * merged caller), their wall time, and the CPU time of the thread
	 * that ran them (the rest of the wall time is waiting, for the disk) */
	_Atomic uint64_t backing_flushes;
	_Atomic uint64_t flush_sync_ns;
	_Atomic uint64_t flush_sync_cpu_ns;
	/* what the flushes made durable: the pages the guest stored to since
	 * the previous one (KVM's dirty log), each counted once, host pages */
	_Atomic uint64_t bytes_flushed;
	_Atomic uint64_t pages_flushed;
	_Atomic uint64_t dirty_log_failures;	/* counts lost (reported once) */
	_Atomic uint64_t dirty_log_reads;	/* counts made, and their time */
	_Atomic uint64_t dirty_log_ns;
	_Atomic uint64_t label_reads;	/* H_SCM_READ_METADATA calls */
	_Atomic uint64_t label_writes;	/* H_SCM_WRITE_METADATA calls */
	_Atomic uint64_t binds;		/* H_SCM_BIND_MEM calls that bound */
	_Atomic bool flush_failed;	/* a flush failed: report SHUTDOWN_DIRTY-like state */

	/* label writes on a page-cache backing are made durable by a thread
	 * shortly after each burst (see pmem/label-flusher.c) */
	struct nvdimm_label_flusher *label_flusher;

	/* what opening created or changed so far, undone by nvdimm__discard
	 * and by a failed nvdimm__open */
	bool created_backing;		/* a new file, whose identity is: */
	dev_t created_dev;
	ino_t created_ino;
	bool allocated;			/* an empty file given its blocks */
	bool created_record;		/* a new unit GUID record at: */
	char record[PATH_MAX];
};

/*
 * Zero @d and give it its slot, DRC index and locks; nvdimm__open does it
 * first. Its identity as a device of the machine is the guest side's
 * (nvdimm__as_device, lkvm/scm.h).
 */
void nvdimm__init_backing(struct nvdimm *d, unsigned int slot);

/*
 * Open (creating a missing or empty file), check, lock and map the backing
 * of @cfg, and settle its unit GUID. Nothing is created, truncated or
 * extended unless every check passed, and a step that fails later takes
 * back what the earlier ones did, as nvdimm__discard does. Returns 0 or a
 * negative errno with a one-line message.
 */
int nvdimm__open(struct nvdimm *d, const struct nvdimm_config *cfg,
		 unsigned int slot);
/* Flush, unmap, unlock and close. */
void nvdimm__close(struct nvdimm *d);
/*
 * For a run whose guest never started: unmap, unlock and close, and undo
 * what nvdimm__open did to the host (remove a backing file and GUID record
 * it created, empty again a file it allocated).
 */
void nvdimm__discard(struct nvdimm *d);

/*
 * nvdimm__flush calls d->ops->flush for lkvm's own needs (close); it sets
 * flush_failed on failure but leaves the counters (flushes, flush_ns,
 * flush_failures) to H_SCM_FLUSH. After a failed fdatasync the file
 * backing keeps answering -EIO: the kernel reports a writeback error only
 * once, and a later "success" would hide lost data.
 */
/*
 * The guest changed the label area: make it durable soon (within a few
 * milliseconds of the last write of a burst) without one fdatasync per
 * 8-byte write. No-op for devices without a label flusher.
 */
void nvdimm__label_written(struct nvdimm *d);
int nvdimm__start_label_flusher(struct nvdimm *d);
/* the label flusher thread's seccomp allow-list (lkvm/sandbox.h) */
extern const struct sandbox_policy nvdimm_label_flusher_policy;
void nvdimm__stop_label_flusher(struct nvdimm *d);

/* Make the region and label durable (page cache: fdatasync). */
int nvdimm__flush(struct nvdimm *d);

#endif
