// SPDX-License-Identifier: GPL-2.0
/*
 * H_SCM_FLUSH: the guest's fsync, journal commit or REQ_PREFLUSH on a
 * region advertised with ibm,hcall-flush-required.
 *
 * The flush is done synchronously, in the calling vCPU thread, and its
 * true result returned. The long-busy/continue-token protocol would make
 * the guest sleep at least a millisecond per retry (10 ms for QEMU's
 * answer) on top of the flush itself, so lkvm never issues a token.
 *
 * Concurrent flushes of one device are merged: a caller needs a backing
 * flush that *starts* after it arrived (only that one covers every write
 * it made before calling), so callers arriving while a flush runs wait
 * for the next one, and that next one serves all of them at once. A
 * failure is reported to every caller that a failed flush could have
 * served, never hidden behind a later success: after a failed fdatasync
 * the kernel may already have dropped the dirty pages, so a later success
 * says nothing about them.
 *
 * Backing flushes that succeed also count what they made durable (the
 * bytes_flushed statistic): the guest pages stored to since the previous
 * count, from KVM's dirty log of the device's memory slot.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "lkvm/nvdimm.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/scm.h"
#include "lkvm/util.h"

#include "scm-internal.h"

/*
 * The backing flush itself: 0 or a negative errno. Its wall time and the
 * calling thread's CPU time in it are counted apart (flush_sync_ns,
 * flush_sync_cpu_ns): for fdatasync, the CPU time is the host kernel's
 * writeback work done in this thread (write-protecting the pages, setting
 * up the writes), the rest is waiting for the disk.
 */
static int backing_flush(struct nvdimm *d)
{
	uint64_t t0, cpu0;
	int ret;

	/* no way to make the data durable is a failure, not a success */
	if (!d->ops || !d->ops->flush)
		return -EIO;
	t0 = lkvm__now_ns();
	cpu0 = lkvm__thread_cpu_ns();
	ret = d->ops->flush(d);
	atomic_fetch_add(&d->flush_sync_cpu_ns, lkvm__thread_cpu_ns() - cpu0);
	atomic_fetch_add(&d->flush_sync_ns, lkvm__now_ns() - t0);
	atomic_fetch_add(&d->backing_flushes, 1);
	return ret;
}

/*
 * Count the pages of @d the guest stored to since the last count, which
 * the backing flush that just succeeded made durable. Only the caller
 * running the merged flush counts, so counts of one device (and the
 * slot's log buffer) never overlap, and a page is counted once however
 * many callers that flush serves. The slot cannot go meanwhile: the
 * device is pinned by the hcall, and slots change only while no vCPU is
 * inside a handler.
 *
 * Reading KVM's log costs time in proportion to the device's size, not
 * to what was stored: on radix KVM-HV it walks the slot's page table page
 * by page (0.65-0.75 ms per GiB in the emulated POWER9 host, where a flush
 * takes about 0.9 ms; counting at every flush made a guest's 4k write +
 * fsync two to eight times slower). So a flush counts only if the last
 * count is SCM_COUNT_SHARE times its cost ago: at most 0.1% of the time
 * goes to counting (at 1%, the pmem benchmark's breakdown found counting
 * to be 2% of every flush hcall's time on average, a third of a flush
 * added to one flush in sixty), a cheap count (a small device) is made
 * often, and what a flush left uncounted is counted by the first
 * flush after that (a page stored to before a flush was made durable by
 * it, whichever flush counts it). The cost is the smaller of the last two
 * counts', so that one count slowed by chance (its thread preempted) does
 * not hold counting back, and the wait is at most SCM_COUNT_MAX_WAIT_NS:
 * flushes that keep coming are counted at least that often.
 *
 * After the fdatasync, not before: writeback write-protects each page it
 * writes, which unmaps it from the guest, and KVM moves the page's dirty
 * bit into the slot's own bitmap as it unmaps; the count then merges that
 * bitmap, with a TLB invalidation only for a page stored to again
 * meanwhile. Counting first clears every dirty page's bit with an
 * invalidation of its own, one more than the writeback makes anyway:
 * 2.0 ms against 0.8 ms for 256 MiB stored to a 1 GiB device. (A page
 * stored to during the fdatasync is counted now and made durable by the
 * next flush: still counted once.) The durability is the fdatasync's
 * alone; a failed count costs the statistic, never the flush, and is
 * reported once per device.
 */
#define SCM_COUNT_SHARE		1000
#define SCM_COUNT_MAX_WAIT_NS	1000000000ULL

static void count_flushed(struct pseries *p, struct nvdimm *d)
{
	struct nvdimm_flush_merge *s = &d->flush_merge;
	uint64_t pages = 0, page_size = 0, t0, cost, wait;
	int ret;

	if (!d->logs_dirty || !p->ops || !p->ops->harvest_dirty)
		return;
	t0 = lkvm__now_ns();
	if (t0 < s->next_count_ns)
		return;
	ret = p->ops->harvest_dirty(p->ops_ctx, d->mem_slot, &pages, &page_size);
	cost = lkvm__now_ns() - t0;
	atomic_fetch_add(&d->dirty_log_reads, 1);
	atomic_fetch_add(&d->dirty_log_ns, cost);
	wait = SCM_COUNT_SHARE * (s->count_cost_ns && s->count_cost_ns < cost ?
				  s->count_cost_ns : cost);
	s->count_cost_ns = cost;
	s->next_count_ns = t0 + (wait < SCM_COUNT_MAX_WAIT_NS ? wait : SCM_COUNT_MAX_WAIT_NS);
	if (ret) {
		if (atomic_fetch_add(&d->dirty_log_failures, 1) == 0)
			lkvm__warn("nvdimm%u: bytes_flushed falls short from here: %s",
				   d->slot, lkvm__last_error());
		return;
	}
	atomic_fetch_add(&d->pages_flushed, pages);
	atomic_fetch_add(&d->bytes_flushed, pages * page_size);
}

/* Make everything written to @d so far durable: true on success. */
static bool flush_merged(struct pseries *p, struct nvdimm *d)
{
	struct nvdimm_flush_merge *s = &d->flush_merge;
	uint64_t want, gen;
	bool ok;
	int ret;

	pthread_mutex_lock(&s->lock);
	s->users++;
	/*
	 * A flush running now may have started before our writes: only one
	 * starting from here on (the next generation or later) covers them.
	 */
	want = s->started + 1;
	while (s->done < want) {
		if (s->running) {
			pthread_cond_wait(&s->finished, &s->lock);
			continue;
		}
		/* idle: this caller runs the flush for everyone waiting */
		s->running = true;
		gen = ++s->started;
		pthread_mutex_unlock(&s->lock);
		ret = backing_flush(d);
		/* a failed flush made nothing durable: nothing to count */
		if (!ret)
			count_flushed(p, d);
		pthread_mutex_lock(&s->lock);
		if (ret)
			s->failed = gen;
		s->done = gen;
		s->running = false;
		pthread_cond_broadcast(&s->finished);
	}
	/*
	 * Generations want..done all started after we arrived; if any of
	 * them failed we cannot tell whether the one that covered us lost
	 * data, so the answer is failure.
	 */
	ok = s->failed < want;
	s->users--;
	pthread_mutex_unlock(&s->lock);
	return ok;
}

unsigned int scm__flush_waiters(struct nvdimm *d)
{
	struct nvdimm_flush_merge *s = &d->flush_merge;
	unsigned int n;

	pthread_mutex_lock(&s->lock);
	n = s->users;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* args: DRC index, continue token -> r4 = continue token (always none) */
long scm_flush(struct pseries *p, struct nvdimm *d, uint64_t *args)
{
	uint64_t token = args[1], t0;
	bool ok;

	/*
	 * Every flush completes within the call that asked for it, so no
	 * token was ever handed out and any non-zero one is unknown; this
	 * is checked first, as a token names a flush, not a device.
	 */
	if (token)
		return H_P2;
	/* on real pmem, stores are durable once the guest flushed its caches */
	if (!d->needs_flush_hcall)
		return H_UNSUPPORTED;

	t0 = lkvm__now_ns();
	ok = flush_merged(p, d);
	/* flush_ns / flushes is the mean time a guest flush took */
	atomic_fetch_add(&d->flush_ns, lkvm__now_ns() - t0);
	atomic_fetch_add(&d->flushes, 1);
	args[0] = 0;
	if (!ok) {
		atomic_store(&d->flush_failed, true);
		atomic_fetch_add(&d->flush_failures, 1);
		return H_HARDWARE;
	}
	return H_SUCCESS;
}
