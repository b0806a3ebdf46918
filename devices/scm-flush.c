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

/* The backing flush itself: 0 or a negative errno. */
static int backing_flush(struct nvdimm *d)
{
	/* no way to make the data durable is a failure, not a success */
	if (!d->ops || !d->ops->flush)
		return -EIO;
	return d->ops->flush(d);
}

/* Make everything written to @d so far durable: true on success. */
static bool flush_merged(struct nvdimm *d)
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

	(void)p;
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
	ok = flush_merged(d);
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
