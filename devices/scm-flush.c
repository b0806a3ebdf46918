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

#include "lkvm/limits.h"
#include "lkvm/nvdimm.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/scm.h"
#include "lkvm/util.h"

/*
 * Merge state, kept here rather than in struct nvdimm, in a slot keyed by
 * the device's slot number. A slot belongs to one device at a time (a
 * test, or a device re-opened at another address, may reuse a number); it
 * changes hands only while idle, and a device that finds its slot busy
 * with another one simply flushes without merging.
 */
struct flush_state {
	const struct nvdimm *owner;
	bool running;		/* a backing flush is in progress */
	uint64_t started;	/* generation of the last flush started */
	uint64_t done;		/* ... and of the last one finished */
	uint64_t failed;	/* ... and of the last one that failed */
	unsigned int users;	/* callers inside flush_merged() */
	pthread_cond_t cond;	/* signalled whenever a flush finishes */
};

static pthread_mutex_t flush_lock = PTHREAD_MUTEX_INITIALIZER;
static struct flush_state flush_states[LKVM_MAX_NVDIMMS] = {
	[0 ... LKVM_MAX_NVDIMMS - 1] = { .cond = PTHREAD_COND_INITIALIZER },
};

/* The backing flush itself: 0 or a negative errno. */
static int backing_flush(struct nvdimm *d)
{
	/* no way to make the data durable is a failure, not a success */
	if (!d->ops || !d->ops->flush)
		return -EIO;
	return d->ops->flush(d);
}

/* The merge slot of @d, claimed if idle; NULL if another device uses it. */
static struct flush_state *claim_state(const struct nvdimm *d)
{
	struct flush_state *s = &flush_states[d->slot % LKVM_MAX_NVDIMMS];

	if (s->owner == d)
		return s;
	if (s->users)
		return NULL;
	s->owner = d;
	s->running = false;
	s->started = s->done = s->failed = 0;
	return s;
}

/* Make everything written to @d so far durable: true on success. */
static bool flush_merged(struct nvdimm *d)
{
	struct flush_state *s;
	uint64_t want, gen;
	bool ok;
	int ret;

	pthread_mutex_lock(&flush_lock);
	s = claim_state(d);
	if (!s) {
		pthread_mutex_unlock(&flush_lock);
		return backing_flush(d) == 0;
	}
	s->users++;
	/*
	 * A flush running now may have started before our writes: only one
	 * starting from here on (the next generation or later) covers them.
	 */
	want = s->started + 1;
	while (s->done < want) {
		if (s->running) {
			pthread_cond_wait(&s->cond, &flush_lock);
			continue;
		}
		/* idle: this caller runs the flush for everyone waiting */
		s->running = true;
		gen = ++s->started;
		pthread_mutex_unlock(&flush_lock);
		ret = backing_flush(d);
		pthread_mutex_lock(&flush_lock);
		if (ret)
			s->failed = gen;
		s->done = gen;
		s->running = false;
		pthread_cond_broadcast(&s->cond);
	}
	/*
	 * Generations want..done all started after we arrived; if any of
	 * them failed we cannot tell whether the one that covered us lost
	 * data, so the answer is failure.
	 */
	ok = s->failed < want;
	s->users--;
	pthread_mutex_unlock(&flush_lock);
	return ok;
}

unsigned int scm__flush_waiters(const struct nvdimm *d)
{
	const struct flush_state *s = &flush_states[d->slot % LKVM_MAX_NVDIMMS];
	unsigned int n;

	pthread_mutex_lock(&flush_lock);
	n = s->owner == d ? s->users : 0;
	pthread_mutex_unlock(&flush_lock);
	return n;
}

/* args: DRC index, continue token -> r4 = continue token (always none) */
long h_scm_flush(struct pseries *p, unsigned int cpu, uint64_t *args)
{
	struct nvdimm *d = scm__find_nvdimm(p, args[0]);
	uint64_t token = args[1], t0;
	bool ok;

	(void)cpu;
	if (!d)
		return H_PARAMETER;
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
