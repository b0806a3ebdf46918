// SPDX-License-Identifier: GPL-2.0
/*
 * Label durability on page-cache backings. PAPR firmware keeps a metadata
 * write once the hcall returns, but Linux writes labels 8 bytes per hcall,
 * thousands per `ndctl init-labels`: one fdatasync each would take seconds.
 * So a thread per device waits until the guest has stopped writing labels
 * for LABEL_QUIET_NS and then makes the label area durable: a power cut
 * can only lose the last few milliseconds of label writes, never a finished
 * label update. (The region's data is the guest's own flushes' business:
 * the guest's fsyncs flush everything, the labels too.)
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "lkvm/nvdimm.h"
#include "lkvm/sandbox.h"
#include "lkvm/util.h"
#include "backing-internal.h"

#define LABEL_QUIET_NS (2 * 1000 * 1000ULL)

struct nvdimm_label_flusher {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool dirty;
	bool stop;
	uint64_t last_write_ns;
};

static void wait_until(struct nvdimm_label_flusher *f, uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ULL),
		.tv_nsec = (long)(ns % 1000000000ULL),
	};

	pthread_cond_timedwait(&f->cond, &f->lock, &ts);
}

/* What a label flusher does: wait, and sync a range of its mapping. */
static const char *const flusher_syscalls[] = { "msync", "fdatasync", "fsync", NULL };

const struct sandbox_policy nvdimm_label_flusher_policy = {
	.thread = "vNVDIMM label flusher",
	.syscalls = flusher_syscalls,
};

static void *label_flusher(void *arg)
{
	struct nvdimm *d = arg;
	struct nvdimm_label_flusher *f = d->label_flusher;

	/* it reads no guest input; a filter that cannot load is reported and
	 * the labels are still made durable */
	if (sandbox__apply(&nvdimm_label_flusher_policy))
		lkvm__warn("%s", lkvm__last_error());

	pthread_mutex_lock(&f->lock);
	while (!f->stop) {
		uint64_t quiet_at;

		if (!f->dirty) {
			pthread_cond_wait(&f->cond, &f->lock);
			continue;
		}
		quiet_at = f->last_write_ns + LABEL_QUIET_NS;
		if (lkvm__now_ns() < quiet_at) {
			wait_until(f, quiet_at);
			continue;
		}
		f->dirty = false;
		pthread_mutex_unlock(&f->lock);
		/* a failure marks the device (health) and is seen by the guest's
		 * next H_SCM_FLUSH, which fails from then on */
		d->ops->flush_labels(d);
		pthread_mutex_lock(&f->lock);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

int nvdimm__start_label_flusher(struct nvdimm *d)
{
	struct nvdimm_label_flusher *f = calloc(1, sizeof(*f));
	pthread_condattr_t attr;
	int ret;

	if (!f)
		return lkvm__fail(-ENOMEM, "out of memory");
	pthread_mutex_init(&f->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cond, &attr);
	pthread_condattr_destroy(&attr);
	d->label_flusher = f;
	ret = pthread_create(&f->thread, NULL, label_flusher, d);
	if (ret) {
		d->label_flusher = NULL;
		free(f);
		return lkvm__fail(-ret, "cannot start the label flusher");
	}
	return 0;
}

void nvdimm__stop_label_flusher(struct nvdimm *d)
{
	struct nvdimm_label_flusher *f = d->label_flusher;

	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	d->label_flusher = NULL;
	free(f);
}

void nvdimm__label_written(struct nvdimm *d)
{
	struct nvdimm_label_flusher *f = d->label_flusher;

	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->last_write_ns = lkvm__now_ns();
	if (!f->dirty) {
		f->dirty = true;
		pthread_cond_signal(&f->cond);
	}
	pthread_mutex_unlock(&f->lock);
}
