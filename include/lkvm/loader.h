/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LOADER_H
#define LKVM_LOADER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Boot images are read into guest RAM by several threads at once: a fresh
 * huge page costs the host a 2 MiB clear before the copy, so loading a
 * 20 MB kernel and a 20 MB initramfs is memory-bound work that scales with
 * CPUs. Callers queue (file range -> destination) jobs; loader__start splits
 * them into chunks that up to LOADER_MAX_THREADS - 1 helper threads start
 * reading at once, while the caller goes on setting up the VM; in
 * loader__wait the caller reads what is left alongside them.
 */
#define LOADER_MAX_JOBS		8
#define LOADER_MAX_THREADS	4
#define LOADER_CHUNK		(2ULL << 20)	/* one huge page per read */

struct load_job {
	const char *what;	/* "kernel", "initrd": named in errors */
	int fd;			/* -1: zero-fill (an ELF's bss) */
	uint64_t off;
	size_t len;
	uint8_t *dst;
};

struct loader {
	struct load_job job[LOADER_MAX_JOBS];
	unsigned int nr_jobs;

	/* between loader__start and loader__wait */
	bool running;
	uint64_t nr_chunks;
	_Atomic uint64_t next;		/* next chunk to hand out */
	_Atomic int failed_job;		/* -1, or the first job that failed */
	int failed_errno;
	unsigned int nr_helpers;
	pthread_t helper[LOADER_MAX_THREADS];
	void *stack[LOADER_MAX_THREADS];
};

/* Queue reading @len bytes at @off of @fd into @dst; -E2BIG if full. */
int loader__add(struct loader *l, const char *what, int fd, uint64_t off,
		void *dst, size_t len);
/* Queue zeroing @len bytes at @dst. */
int loader__add_zero(struct loader *l, const char *what, void *dst, size_t len);

/*
 * Start reading every queued job: @threads - 1 helpers begin now (the
 * caller counts as the last thread, from loader__wait on). Nothing queued
 * may be added or freed until loader__wait has returned.
 */
void loader__start(struct loader *l, unsigned int threads);

/*
 * Read what is left with the helpers, join them and empty the queue: 0, or
 * -EIO with one line naming the file that failed (short or failed read).
 * Must follow every loader__start, on error paths too.
 */
int loader__wait(struct loader *l);

/* Stop handing out chunks and join the helpers, reporting nothing: the
 * way out of a failed set-up between loader__start and loader__wait. */
void loader__cancel(struct loader *l);

/* loader__start then loader__wait. */
int loader__run(struct loader *l, unsigned int threads);

/*
 * A boot image (kernel, initrd) open and mapped read-only: the mapping is
 * for headers (the ELF's), the bulk is read() from @fd by the loader.
 */
struct mapped_file {
	const char *path;
	int fd;
	void *data;
	size_t len;
};

/* Open and map @path, a regular non-empty file; @what names it in errors. */
int mapped_file__open(struct mapped_file *f, const char *path, const char *what);
void mapped_file__close(struct mapped_file *f);

/* Threads worth using on this host: online CPUs, at most the maximum. */
unsigned int loader__threads(void);

#endif
