// SPDX-License-Identifier: GPL-2.0
/*
 * kvmwatch.so: an LD_PRELOAD observer of a VMM's KVM_RUN exits, the same for
 * lkvm and QEMU, so that a benchmark can tell the guest kernel's own boot
 * from the VMM's and firmware's share of it. It records, in CLOCK_MONOTONIC
 * seconds:
 *   first_run  the first KVM_RUN (the first guest instruction),
 *   fw_end     the last Open Firmware client call (VOF's hcall 0xf005:
 *              QEMU's firmware and the kernel's prom_init talking to it),
 *   clock      the guest's first RTAS get-time-of-day, the call Linux makes
 *              in timekeeping_init(), as its clock starts,
 *   marker     the console hcall (H_PUT_TERM_CHAR) that completes the first
 *              line holding $KVMWATCH_MARKER.
 * A firmware-less VMM has no client calls: its kernel starts at first_run.
 * At the marker one line goes to $KVMWATCH_OUT:
 *   first_run=S fw_end=S clock=S marker=S
 * (-1 for what did not happen).
 * With $KVMWATCH_EXITS set it also times how long the VMM takes to serve
 * each hcall exit (from KVM_RUN returning to the next KVM_RUN on that
 * thread) and, after every console line holding $KVMWATCH_EXITS, prints
 * what was served since the previous such line to stderr:
 *   KVMWATCH exits hcalls=N vmm_us=AVG label_hcalls=N label_vmm_us=AVG
 *   flush_hcalls=N flush_vmm_us=AVG flush_vmm_p50_us=P50 flush_vmm_p99_us=P99
 * (label: H_SCM_READ/WRITE_METADATA; flush: H_SCM_FLUSH, whose serving
 * time, against the VMM's own count of the time its handler took, shows
 * what the VMM's run loop adds). The VMM is not changed in any way:
 * the wrapper only reads the exit the VMM is about to handle.
 */
#include <dlfcn.h>
#include <endian.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <linux/kvm.h>

#define H_PUT_TERM_CHAR	0x58
#define H_SCM_READ_METADATA	0x3e4
#define H_SCM_WRITE_METADATA	0x3e8
#define H_SCM_FLUSH	0x44c
#define H_RTAS		0xf000
#define H_VOF_CLIENT	0xf005
#define MAX_SLOTS	64
#define MAX_VCPUS	64

static struct kvm_userspace_memory_region slots[MAX_SLOTS];
static struct { int fd; struct kvm_run *run; } vcpus[MAX_VCPUS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic double first_run = -1, fw_end = -1, clock_at = -1;
static atomic_bool marker_seen;
/* the console line being written (one console, written by one vCPU at a
 * time under the guest's own console lock) */
static char line[512];
static size_t line_len;

/* exit accounting: [0] every hcall, [1] label hcalls, [2] flush hcalls */
enum { SERVED_ALL, SERVED_LABEL, SERVED_FLUSH, SERVED_KINDS };
static const char *exits_at;
static uint64_t served[SERVED_KINDS];
static double serve_s[SERVED_KINDS];
static atomic_bool report_pending;
/* the flush hcalls' serving times since the last report, for percentiles */
#define FLUSH_SAMPLES	65536
static float flush_us[FLUSH_SAMPLES];
static __thread int serving = -1;	/* the kind of hcall, -1 none */
static __thread double serving_since;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Where the marker's times go, opened as the VMM starts: lkvm's vCPU
 * threads run under a seccomp filter that allows no open() or stat(),
 * and the observer must not change what the VMM may do.
 */
static FILE *out_file;
static char out_buf[1024];

__attribute__((constructor)) static void open_out(void)
{
	const char *out = getenv("KVMWATCH_OUT");

	out_file = out ? fopen(out, "w") : NULL;
	/* our buffer: stdio would otherwise fstat() the file at the first
	 * write, from a vCPU thread */
	if (out_file)
		setvbuf(out_file, out_buf, _IOFBF, sizeof(out_buf));
}

static int (*real_ioctl)(int, unsigned long, void *);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);

static void resolve(void)
{
	if (!exits_at)
		exits_at = getenv("KVMWATCH_EXITS") ? getenv("KVMWATCH_EXITS") : "";
	if (!real_ioctl)
		real_ioctl = (int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT, "ioctl");
	if (!real_mmap)
		real_mmap = (void *(*)(void *, size_t, int, int, int, off_t))
			dlsym(RTLD_NEXT, "mmap");
}

/* Guest physical -> VMM address, or NULL; @len bytes inside one slot. */
static const uint8_t *guest_ptr(uint64_t gpa, uint64_t len)
{
	const uint8_t *p = NULL;
	unsigned int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < MAX_SLOTS; i++) {
		const struct kvm_userspace_memory_region *s = &slots[i];

		if (s->memory_size && gpa >= s->guest_phys_addr &&
		    gpa - s->guest_phys_addr + len <= s->memory_size) {
			p = (const uint8_t *)(uintptr_t)s->userspace_addr +
			    (gpa - s->guest_phys_addr);
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	return p;
}

/* Every exit asks; a vCPU thread runs one vCPU, so it keeps the answer. */
static struct kvm_run *run_of(int fd)
{
	static __thread struct kvm_run *cached;
	static __thread int cached_fd = -1;
	struct kvm_run *run = NULL;
	unsigned int i;

	if (fd == cached_fd)
		return cached;
	pthread_mutex_lock(&lock);
	for (i = 0; i < MAX_VCPUS; i++)
		if (vcpus[i].run && vcpus[i].fd == fd)
			run = vcpus[i].run;
	pthread_mutex_unlock(&lock);
	if (run) {
		cached = run;
		cached_fd = fd;
	}
	return run;
}

static uint32_t be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

/* Get-time-of-day is the only RTAS call with no inputs and eight outputs. */
static void saw_rtas(uint64_t args_gpa)
{
	const uint8_t *args = guest_ptr(args_gpa, 12);
	double unset = -1;

	if (args && be32_at(args + 4) == 0 && be32_at(args + 8) == 8)
		atomic_compare_exchange_strong(&clock_at, &unset, now());
}

/* H_PUT_TERM_CHAR: r5 bytes, packed most significant first in r6 and r7. */
static void saw_console(const uint64_t *args)
{
	const char *marker = getenv("KVMWATCH_MARKER");
	uint64_t len = args[1] < 16 ? args[1] : 16, i;
	bool done = false;

	pthread_mutex_lock(&lock);
	for (i = 0; i < len; i++) {
		char c = (char)(args[2 + i / 8] >> (56 - 8 * (i % 8)));

		if (c != '\n' && c != '\r') {
			if (line_len < sizeof(line) - 1)
				line[line_len++] = c;
			continue;
		}
		line[line_len] = '\0';
		line_len = 0;
		/* reported from the next KVM_RUN: the VMM has printed the line */
		if (*exits_at && strstr(line, exits_at))
			atomic_store(&report_pending, true);
		if (!marker || !strstr(line, marker) || atomic_load(&marker_seen))
			continue;
		done = !atomic_exchange(&marker_seen, true);
	}
	pthread_mutex_unlock(&lock);
	if (!done || !out_file)
		return;
	fprintf(out_file, "first_run=%.6f fw_end=%.6f clock=%.6f marker=%.6f\n", first_run,
		fw_end, clock_at, now());
	fflush(out_file);
}

/* Sort in place: qsort may allocate, and a vCPU thread's filter may not
 * allow what malloc then calls. */
static void sort_floats(float *v, uint64_t n)
{
	uint64_t gap, i, j;

	for (gap = n / 2; gap; gap = gap == 2 ? 1 : gap * 5 / 11)
		for (i = gap; i < n; i++) {
			float x = v[i];

			for (j = i; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
}

/* Book the hcall this thread has just served; report if a line asked. */
static void served_one(void)
{
	double t = now();

	pthread_mutex_lock(&lock);
	if (serving >= 0) {
		served[SERVED_ALL]++;
		serve_s[SERVED_ALL] += t - serving_since;
		if (serving != SERVED_ALL) {
			if (serving == SERVED_FLUSH && served[serving] < FLUSH_SAMPLES)
				flush_us[served[serving]] = (float)((t - serving_since) * 1e6);
			served[serving]++;
			serve_s[serving] += t - serving_since;
		}
	}
	if (atomic_exchange(&report_pending, false)) {
		uint64_t n = served[SERVED_FLUSH] < FLUSH_SAMPLES ? served[SERVED_FLUSH] : FLUSH_SAMPLES;

		sort_floats(flush_us, n);
		fprintf(stderr, "KVMWATCH exits hcalls=%llu vmm_us=%.1f label_hcalls=%llu "
			"label_vmm_us=%.1f flush_hcalls=%llu flush_vmm_us=%.1f "
			"flush_vmm_p50_us=%.1f flush_vmm_p99_us=%.1f\n",
			(unsigned long long)served[SERVED_ALL],
			served[SERVED_ALL] ? serve_s[SERVED_ALL] * 1e6 / served[SERVED_ALL] : 0,
			(unsigned long long)served[SERVED_LABEL],
			served[SERVED_LABEL] ? serve_s[SERVED_LABEL] * 1e6 / served[SERVED_LABEL] : 0,
			(unsigned long long)served[SERVED_FLUSH],
			served[SERVED_FLUSH] ? serve_s[SERVED_FLUSH] * 1e6 / served[SERVED_FLUSH] : 0,
			n ? flush_us[(n - 1) / 2] : 0, n ? flush_us[(n - 1) * 99 / 100] : 0);
		memset(served, 0, sizeof(served));
		memset(serve_s, 0, sizeof(serve_s));
	}
	pthread_mutex_unlock(&lock);
	serving = -1;
}

static void saw_exit(struct kvm_run *run)
{
	if (!run || run->exit_reason != KVM_EXIT_PAPR_HCALL)
		return;
	if (*exits_at) {
		serving = SERVED_ALL;
		if (run->papr_hcall.nr == H_SCM_READ_METADATA ||
		    run->papr_hcall.nr == H_SCM_WRITE_METADATA)
			serving = SERVED_LABEL;
		else if (run->papr_hcall.nr == H_SCM_FLUSH)
			serving = SERVED_FLUSH;
		serving_since = now();
	}
	switch (run->papr_hcall.nr) {
	case H_VOF_CLIENT:
		fw_end = now();
		break;
	case H_RTAS:
		saw_rtas(run->papr_hcall.args[0]);
		break;
	case H_PUT_TERM_CHAR:
		if (*exits_at || !atomic_load(&marker_seen))
			saw_console(run->papr_hcall.args);
		break;
	}
}

int ioctl(int fd, unsigned long req, ...)
{
	/* the kernel reads the request as 32 bits; QEMU passes an int, which
	 * sign-extends the write-direction requests on POWER */
	unsigned int cmd = (unsigned int)req;
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	resolve();
	if (cmd == KVM_RUN) {
		double unset = -1;

		atomic_compare_exchange_strong(&first_run, &unset, now());
		if (*exits_at)
			served_one();
		ret = real_ioctl(fd, req, arg);
		if (ret == 0)
			saw_exit(run_of(fd));
		return ret;
	}
	ret = real_ioctl(fd, req, arg);
	if (cmd == KVM_SET_USER_MEMORY_REGION && ret == 0) {
		const struct kvm_userspace_memory_region *r = arg;

		pthread_mutex_lock(&lock);
		if (r->slot < MAX_SLOTS)
			slots[r->slot] = *r;
		pthread_mutex_unlock(&lock);
	} else if (cmd == KVM_CREATE_VCPU && ret >= 0) {
		unsigned int i;

		pthread_mutex_lock(&lock);
		for (i = 0; i < MAX_VCPUS; i++)
			if (!vcpus[i].fd && !vcpus[i].run) {
				vcpus[i].fd = ret;
				break;
			}
		pthread_mutex_unlock(&lock);
	}
	return ret;
}

/* The vCPU's struct kvm_run is the mapping of its fd at offset 0. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;
	unsigned int i;

	resolve();
	p = real_mmap(addr, len, prot, flags, fd, off);
	if (p == MAP_FAILED || fd < 0 || off != 0)
		return p;
	pthread_mutex_lock(&lock);
	for (i = 0; i < MAX_VCPUS; i++)
		if (vcpus[i].fd == fd && !vcpus[i].run) {
			vcpus[i].run = p;
			break;
		}
	pthread_mutex_unlock(&lock);
	return p;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));
