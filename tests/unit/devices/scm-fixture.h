/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the SCM hcall tests share: a guest with RAM and a read-only region
 * (filled with a pattern so stray writes show), two vNVDIMMs built by hand
 * around malloc'ed buffers, with a fake backing whose flush counts calls,
 * can fail, take time, or hold until the test lets it go.
 */
#ifndef LKVM_TEST_SCM_FIXTURE_H
#define LKVM_TEST_SCM_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <cmocka.h>

#include "lkvm/device.h"
#include "lkvm/hcall.h"
#include "lkvm/nvdimm.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/scm.h"
#include "lkvm/util.h"

#define RAM_SIZE	(1ULL << 20)
#define RO_GPA		(16ULL << 20)
#define RO_SIZE		(64ULL << 10)
#define FILL		0xa5
#define BS		NVDIMM_BLOCK_SIZE
#define LABEL_SIZE	NVDIMM_MIN_LABEL_SIZE
/* device 0: four blocks at 4 GiB; device 1: one block right after it */
#define DRC0		NVDIMM_DRC_BASE
#define DRC1		(NVDIMM_DRC_BASE | 1)
#define GPA0		(4ULL << 30)
#define BLOCKS0		4ULL
#define GPA1		(GPA0 + BLOCKS0 * BS)
#define BLOCKS1		1ULL
/* the guest-visible data is never touched by the hcalls: a stub will do */
#define DATA_STUB	4096

struct fake_dev {
	struct nvdimm d;	/* first: the flush callback gets &d */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int calls;		/* backing flushes run */
	int ret;		/* what they return */
	long delay_ns;		/* how long each takes, asleep */
	uint64_t spin_ns;	/* ... and busy, in thread CPU time */
	bool hold;		/* stop inside the next flush until released */
	bool held;		/* a flush is stopped there */
};

static inline int fake_flush(struct nvdimm *d)
{
	struct fake_dev *fd = (struct fake_dev *)d;
	struct timespec ts = { 0, fd->delay_ns };
	int ret;

	pthread_mutex_lock(&fd->lock);
	fd->calls++;
	/* the result is decided on entry: a release may set the next one */
	ret = fd->ret;
	if (fd->hold) {
		fd->held = true;
		pthread_cond_broadcast(&fd->cond);
		while (fd->hold)
			pthread_cond_wait(&fd->cond, &fd->lock);
		fd->held = false;
	}
	pthread_mutex_unlock(&fd->lock);
	if (fd->delay_ns)
		nanosleep(&ts, NULL);
	if (fd->spin_ns) {
		uint64_t until = lkvm__thread_cpu_ns() + fd->spin_ns;

		while (lkvm__thread_cpu_ns() < until)
			;
	}
	return ret;
}

static const struct nvdimm_backing_ops fake_backing = {
	.flush = fake_flush,
};

static inline struct fake_dev *fake_dev_new(unsigned int slot, uint64_t gpa,
					    uint64_t blocks)
{
	struct fake_dev *fd = calloc(1, sizeof(*fd));
	struct nvdimm *d = &fd->d;

	assert_non_null(fd);
	pthread_mutex_init(&fd->lock, NULL);
	pthread_cond_init(&fd->cond, NULL);
	nvdimm__init(d, slot);
	d->cfg.size = blocks * BS;
	d->cfg.label_size = LABEL_SIZE;
	d->needs_flush_hcall = true;
	/* the label ends exactly where the allocation does */
	d->map_len = DATA_STUB + LABEL_SIZE;
	d->map = calloc(1, d->map_len);
	assert_non_null(d->map);
	d->data = d->map;
	d->label = d->map + DATA_STUB;
	d->gpa = gpa;
	d->ops = &fake_backing;
	return fd;
}

static inline void fake_dev_free(struct fake_dev *fd)
{
	free(fd->d.map);
	pthread_mutex_destroy(&fd->lock);
	pthread_cond_destroy(&fd->cond);
	free(fd);
}

struct fixture {
	struct pseries p;
	struct device_registry devices;
	uint8_t *ram, *ro;
	struct fake_dev *dev[2];
};

static inline int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ram = malloc(RAM_SIZE);
	f->ro = malloc(RO_SIZE);
	assert_true(f->ram && f->ro);
	memset(f->ram, FILL, RAM_SIZE);
	memset(f->ro, FILL, RO_SIZE);
	pseries__init(&f->p);
	assert_int_equal(guest_mem__add(&f->p.mem, 0, RAM_SIZE, f->ram, false), 0);
	assert_int_equal(guest_mem__add(&f->p.mem, RO_GPA, RO_SIZE, f->ro, true), 0);
	f->p.nr_cpus = 4;
	f->dev[0] = fake_dev_new(0, GPA0, BLOCKS0);
	f->dev[1] = fake_dev_new(1, GPA1, BLOCKS1);
	device_registry__init(&f->devices);
	f->p.devices = &f->devices;
	assert_int_equal(scm__register(), 0);
	assert_int_equal(device_registry__add(&f->devices, &f->dev[0]->d.dev), 0);
	assert_int_equal(device_registry__add(&f->devices, &f->dev[1]->d.dev), 0);
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;

	device_registry__remove(&f->devices, &f->dev[0]->d.dev);
	device_registry__remove(&f->devices, &f->dev[1]->d.dev);
	device_registry__destroy(&f->devices);
	fake_dev_free(f->dev[0]);
	fake_dev_free(f->dev[1]);
	free(f->ram);
	free(f->ro);
	free(f);
	return 0;
}

/* One hcall through the dispatcher; registers come back in @r if given. */
static inline long hc(struct fixture *f, uint64_t nr, uint64_t *r, uint64_t a0,
		      uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	uint64_t args[HCALL_NR_ARGS] = { a0, a1, a2, a3, a4 };
	long rc;

	rc = hcall__dispatch(&f->p, 0, nr, args);
	if (r)
		memcpy(r, args, sizeof(args));
	return rc;
}

/* H_SCM_HEALTH of the device of DRC index @drc: the bits it has set */
static inline uint64_t health(struct fixture *f, uint64_t drc)
{
	uint64_t r[HCALL_NR_ARGS];

	assert_int_equal(hc(f, H_SCM_HEALTH, r, drc, 0, 0, 0, 0), H_SUCCESS);
	return r[0] & r[1];
}

/* H_SCM_FLUSH on the device of DRC index @drc */
static inline long flush_hc(struct fixture *f, uint64_t drc)
{
	return hc(f, H_SCM_FLUSH, NULL, drc, 0, 0, 0, 0);
}

/* A thread that flushes DRC0 @rounds times, stopping at a failure. */
struct flusher {
	pthread_t thread;
	struct fixture *f;
	int rounds;
	long rc;		/* the last code: 1234 until there is one */
};

static inline void *flusher_run(void *arg)
{
	struct flusher *fl = arg;
	int i;

	for (i = 0; i < fl->rounds; i++) {
		fl->rc = flush_hc(fl->f, DRC0);
		if (fl->rc != H_SUCCESS)
			break;
	}
	return NULL;
}

static inline void start_flusher(struct fixture *f, struct flusher *fl,
				 int rounds)
{
	fl->f = f;
	fl->rounds = rounds;
	fl->rc = 1234;
	assert_int_equal(pthread_create(&fl->thread, NULL, flusher_run, fl), 0);
}

/* Wait (bounded: 10 s) until @cond holds. */
#define WAIT_FOR(cond)							\
	do {								\
		int _i;							\
		for (_i = 0; _i < 10000 && !(cond); _i++) {		\
			struct timespec _ts = { 0, 1000000 };		\
			nanosleep(&_ts, NULL);				\
		}							\
		assert_true(cond);					\
	} while (0)

/* Is a backing flush of @fd stopped inside, as fd->hold asked? */
static inline bool held(struct fake_dev *fd)
{
	bool h;

	pthread_mutex_lock(&fd->lock);
	h = fd->held;
	pthread_mutex_unlock(&fd->lock);
	return h;
}

/* Let the held flush go on; it and later ones return @ret. */
static inline void release(struct fake_dev *fd, int ret)
{
	pthread_mutex_lock(&fd->lock);
	fd->ret = ret;
	fd->hold = false;
	pthread_cond_broadcast(&fd->cond);
	pthread_mutex_unlock(&fd->lock);
}

#include "fixture-mem.h"

#endif
