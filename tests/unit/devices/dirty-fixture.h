/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core's dirty log as the SCM tests see it: a fake harvest_dirty op
 * over a bitmap per slot, as KVM keeps one, with the pages the "guest"
 * stored to (store()), the counts made, a failure on demand, and a check
 * that two counts of one slot never run at once. Devices 0 and 1 of the
 * SCM fixture get slots SLOT0 and SLOT1 and log, as attach leaves
 * writable page-cache devices.
 */
#ifndef LKVM_TEST_DIRTY_FIXTURE_H
#define LKVM_TEST_DIRTY_FIXTURE_H

#include <stdatomic.h>

#include "scm-fixture.h"

#define PAGE		65536ULL	/* the fake host's page size */
#define SLOT0		3		/* the fake slots of devices 0 and 1 */
#define SLOT1		5
#define NSLOTS		8
#define NPAGES		256		/* pages per fake slot */

/* The core's side: a dirty bitmap per slot, as KVM keeps one. */
struct fake_kvm {
	pthread_mutex_t lock;
	uint64_t dirty[NSLOTS][NPAGES / 64];
	int harvests[NSLOTS];
	int fail;		/* what harvests return, 0: they count */
	long delay_ns;		/* how long each takes */
	_Atomic int inside[NSLOTS];	/* harvests of a slot running now */
	_Atomic int overlaps;		/* ... found another one running */
	struct fake_dev *watch;	/* backing flushes done at the last harvest */
	int flushes_seen;
};

static struct fake_kvm kvm;

static inline int fake_harvest(void *ctx, unsigned int slot, uint64_t *pages,
			       uint64_t *page_size)
{
	struct fake_kvm *k = ctx;
	struct timespec ts = { 0, k->delay_ns };
	uint64_t n = 0;
	unsigned int i;
	int ret;

	if (slot >= NSLOTS)
		return lkvm__fail(-ENOENT, "no slot %u", slot);
	if (atomic_fetch_add(&k->inside[slot], 1))
		atomic_fetch_add(&k->overlaps, 1);
	nanosleep(&ts, NULL);
	pthread_mutex_lock(&k->lock);
	k->harvests[slot]++;
	if (k->watch) {
		pthread_mutex_lock(&k->watch->lock);
		k->flushes_seen = k->watch->calls;
		pthread_mutex_unlock(&k->watch->lock);
	}
	ret = k->fail;
	if (!ret)
		for (i = 0; i < NPAGES / 64; i++) {
			n += (uint64_t)__builtin_popcountll(k->dirty[slot][i]);
			k->dirty[slot][i] = 0;
		}
	pthread_mutex_unlock(&k->lock);
	atomic_fetch_sub(&k->inside[slot], 1);
	if (ret)
		return lkvm__fail(ret, "KVM_GET_DIRTY_LOG of slot %u: %s", slot,
				  strerror(-ret));
	*pages = n;
	*page_size = PAGE;
	return 0;
}

static const struct pseries_ops dirty_ops = { .harvest_dirty = fake_harvest };

/* The guest stores to page @page of @slot. */
static inline void store(unsigned int slot, unsigned int page)
{
	pthread_mutex_lock(&kvm.lock);
	kvm.dirty[slot][page / 64] |= 1ULL << (page % 64);
	pthread_mutex_unlock(&kvm.lock);
}

static inline int harvests(unsigned int slot)
{
	int n;

	pthread_mutex_lock(&kvm.lock);
	n = kvm.harvests[slot];
	pthread_mutex_unlock(&kvm.lock);
	return n;
}

static inline int setup_dirty(void **state)
{
	struct fixture *f;

	setup(state);
	f = *state;
	memset(&kvm, 0, sizeof(kvm));
	pthread_mutex_init(&kvm.lock, NULL);
	/* long enough for another count of the slot to run into this one */
	kvm.delay_ns = 100000;
	f->p.ops = &dirty_ops;
	f->p.ops_ctx = &kvm;
	/* as attach leaves writable page-cache devices */
	f->dev[0]->d.mem_slot = SLOT0;
	f->dev[0]->d.logs_dirty = true;
	f->dev[1]->d.mem_slot = SLOT1;
	f->dev[1]->d.logs_dirty = true;
	return 0;
}

static inline int teardown_dirty(void **state)
{
	pthread_mutex_destroy(&kvm.lock);
	return teardown(state);
}

/*
 * The same, its count due: the device's last count is long enough ago
 * (flushes count at most 0.1% of the time; a test of what they count does
 * not wait for that)
 */
static inline long dirty_flush(struct fixture *f, uint64_t drc)
{
	f->dev[drc == DRC1]->d.flush_merge.next_count_ns = 0;
	return flush_hc(f, drc);
}

/* what device @fd's flushes counted */
static inline uint64_t bytes(struct fake_dev *fd)
{
	return atomic_load(&fd->d.bytes_flushed);
}

static inline uint64_t pages(struct fake_dev *fd)
{
	return atomic_load(&fd->d.pages_flushed);
}

#endif
