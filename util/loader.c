// SPDX-License-Identifier: GPL-2.0
/* Parallel reads of boot images into guest RAM (see lkvm/loader.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lkvm/loader.h"
#include "lkvm/util.h"

/*
 * A helper only calls pread. Its stack is our own mapping, unmapped after
 * the join: glibc would keep a stack of its own cached (and resident) for
 * the rest of the run, and its default is an 8 MiB one.
 */
#define LOADER_STACK_SIZE (256 << 10)

static uint64_t job_chunks(const struct load_job *j)
{
	return (j->len + LOADER_CHUNK - 1) / LOADER_CHUNK;
}

static void read_chunk(struct loader *l, uint64_t chunk)
{
	unsigned int i = 0;
	uint64_t pos, len;
	int expected = -1;

	while (chunk >= job_chunks(&l->job[i]))
		chunk -= job_chunks(&l->job[i++]);
	pos = chunk * LOADER_CHUNK;
	len = l->job[i].len - pos < LOADER_CHUNK ? l->job[i].len - pos : LOADER_CHUNK;
	if (l->job[i].fd < 0) {
		memset(l->job[i].dst + pos, 0, len);
		return;
	}
	errno = 0;
	if (read_fully(l->job[i].fd, l->job[i].dst + pos, len, l->job[i].off + pos))
		return;
	/* errno is this thread's own; 0 means the file ended early */
	if (atomic_compare_exchange_strong(&l->failed_job, &expected, (int)i))
		l->failed_errno = errno;
}

static void *load_worker(void *arg)
{
	struct loader *l = arg;
	uint64_t chunk;

	while ((chunk = atomic_fetch_add(&l->next, 1)) < l->nr_chunks) {
		if (atomic_load(&l->failed_job) >= 0)
			break;
		read_chunk(l, chunk);
	}
	return NULL;
}

int loader__add(struct loader *l, const char *what, int fd, uint64_t off,
		void *dst, size_t len)
{
	if (l->running)
		return lkvm__fail(-EBUSY, "images are being loaded already");
	if (l->nr_jobs >= LOADER_MAX_JOBS)
		return lkvm__fail(-E2BIG, "too many images to load");
	if (len)
		l->job[l->nr_jobs++] = (struct load_job){ what, fd, off, len, dst };
	return 0;
}

int loader__add_zero(struct loader *l, const char *what, void *dst, size_t len)
{
	return loader__add(l, what, -1, 0, dst, len);
}

void loader__start(struct loader *l, unsigned int threads)
{
	pthread_attr_t attr;
	unsigned int i;

	l->running = true;
	l->nr_chunks = 0;
	atomic_store(&l->next, 0);
	atomic_store(&l->failed_job, -1);
	l->nr_helpers = 0;
	for (i = 0; i < l->nr_jobs; i++)
		l->nr_chunks += job_chunks(&l->job[i]);
	if (threads > LOADER_MAX_THREADS)
		threads = LOADER_MAX_THREADS;
	if (threads > l->nr_chunks)
		threads = (unsigned int)l->nr_chunks;

	/* a helper that cannot start only means less parallelism */
	for (i = 1; i < threads; i++) {
		void *stack = mmap(NULL, LOADER_STACK_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

		if (stack == MAP_FAILED)
			break;
		pthread_attr_init(&attr);
		pthread_attr_setstack(&attr, stack, LOADER_STACK_SIZE);
		if (!pthread_create(&l->helper[l->nr_helpers], &attr, load_worker, l))
			l->stack[l->nr_helpers++] = stack;
		else
			munmap(stack, LOADER_STACK_SIZE);
		pthread_attr_destroy(&attr);
	}
}

/* Join the helpers and empty the queue; the first failed job, or -1. */
static int finish(struct loader *l)
{
	unsigned int i;

	for (i = 0; i < l->nr_helpers; i++) {
		pthread_join(l->helper[i], NULL);
		munmap(l->stack[i], LOADER_STACK_SIZE);
	}
	l->running = false;
	l->nr_jobs = 0;
	return atomic_load(&l->failed_job);
}

int loader__wait(struct loader *l)
{
	int failed;

	if (!l->running)
		return 0;
	load_worker(l);
	failed = finish(l);
	if (failed < 0)
		return 0;
	return lkvm__fail(-EIO, "cannot read the %s: %s", l->job[failed].what,
			  l->failed_errno ? strerror(l->failed_errno) :
			  "the file is shorter than expected");
}

void loader__cancel(struct loader *l)
{
	if (!l->running)
		return;
	atomic_store(&l->next, l->nr_chunks);
	finish(l);
}

int loader__run(struct loader *l, unsigned int threads)
{
	loader__start(l, threads);
	return loader__wait(l);
}

unsigned int loader__threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > LOADER_MAX_THREADS ? LOADER_MAX_THREADS : (unsigned int)n;
}
