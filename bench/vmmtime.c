// SPDX-License-Identifier: GPL-2.0
/*
 * vmmtime: run a VMM, and report when its guest printed a marker line, how
 * long the guest kernel itself had been up by then, and the VMM's own
 * resident memory at that moment, not counting guest RAM.
 *
 *   vmmtime -m MARKER -r RAM_BYTES [-w KVMWATCH_SO] [-v] -- COMMAND [ARGS...]
 *
 * The marker line is expected to carry "uptime=SECONDS" (the guest's
 * /proc/uptime). Prints one line:
 *   wall_marker=S guest_uptime=S overhead=S vmm_setup=S wall_exit=S rss_kb=N
 *   pss_kb=N exit=N
 * where overhead = wall_marker - guest_uptime: the part of the boot spent
 * outside the guest kernel's clock (VMM start-up, firmware, device set-up,
 * and the guest kernel's own early boot before it starts its clock), and
 * vmm_setup is the time until the VMM says "vCPUs started at monotonic T ms"
 * (lkvm --debug), -1 for a VMM that does not say.
 *
 * With -w, the VMM runs with kvmwatch.so preloaded (bench/kvmwatch.c), which
 * sees, from the VMM's KVM exits, when the kernel proper started (the first
 * KVM_RUN, or the last firmware client call), when it started its clock
 * (its first RTAS get-time-of-day) and when it wrote the marker line. The
 * line then adds
 *   kernel_start=S clock_start=S preclock=S kernel_own=S vmm_overhead=S
 * where preclock = clock_start - kernel_start is the kernel's boot before
 * its clock starts, which /proc/uptime never shows; kernel_own is the
 * kernel's whole boot, from its entry to writing the marker; and
 * vmm_overhead = wall_marker - kernel_own is what the VMM and its firmware
 * cost: their start-up, device set-up, the firmware's dialogue with the
 * kernel, and the console's delivery of the marker. (-1: unknown.)
 *
 *   vmmtime --mapped-floor FILE SECS
 *
 * is the pmem benchmark's mapped-file floor instead: what a durable 4k
 * write costs a host process that, like lkvm's guest, stores into a
 * MAP_SHARED mapping of a file and then fdatasyncs it (fio's mmap engine
 * refuses 4k blocks with syncs where pages are 64K). FILE (16 MiB, written
 * out and synced first) is stored to 4k at a time, sequentially and
 * wrapping around, each store followed by fdatasync(), for SECS seconds
 * after one unmeasured second. Writeback write-protects the page it
 * writes, so the next store to it faults (in the store's time). Prints
 *   syncs=N sync_p50_us=X sync_p99_us=X write_p50_us=X write_p99_us=X
 *   sync_mean_us=X sync_cpu_mean_us=X
 * (the last: the thread's CPU time in fdatasync, as lkvm's counters
 * flush_sync_ns and flush_sync_cpu_ns count its own).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Sum Rss and Pss over the VMM's mappings, leaving out the one that holds
 * guest RAM (the largest mapping at least as big as the guest's RAM) and
 * those of the measuring kvmwatch.so.
 */
static void memory_of(pid_t pid, uint64_t ram, long *rss_kb, long *pss_kb)
{
	char path[64], line[512];
	long size = 0, rss = 0, pss = 0, big_size = 0, big_rss = 0, big_pss = 0;
	long tot_rss = 0, tot_pss = 0, v;
	unsigned long start, end;
	bool ours = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f) {
		*rss_kb = *pss_kb = -1;
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {	/* a new mapping */
			ours = strstr(line, "kvmwatch") != NULL;
			continue;
		}
		if (ours)
			continue;
		if (sscanf(line, "Size: %ld kB", &v) == 1) {
			size = v;
		} else if (sscanf(line, "Rss: %ld kB", &v) == 1) {
			rss = v;
			tot_rss += v;
		} else if (sscanf(line, "Pss: %ld kB", &v) == 1) {
			pss = v;
			tot_pss += v;
			if ((uint64_t)size * 1024 >= ram && size > big_size) {
				big_size = size;
				big_rss = rss;
				big_pss = pss;
			}
		}
	}
	fclose(f);
	*rss_kb = tot_rss - big_rss;
	*pss_kb = tot_pss - big_pss;
}

#define FLOOR_STORE	4096UL

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The @pct-th percentile of @n values (sorted in place), in microseconds. */
static double pct_us(double *v, size_t n, double pct)
{
	if (!n)
		return -1;
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(size_t)((n - 1) * pct / 100 + 0.5)] * 1e6;
}

#define FLOOR_FILE_SIZE	(16UL << 20)

static int mapped_floor(const char *path, double secs)
{
	static char block[FLOOR_STORE];
	double *sync_s = NULL, *store_s = NULL, t0, t1, t2, end, sum = 0, cpu = 0, c1;
	size_t n = 0, cap = 0, off = 0, i;
	bool measuring = false;
	uint8_t *map;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	/* every block allocated and on disk, as the benchmark's backing is */
	for (i = 0; i < FLOOR_FILE_SIZE; i += sizeof(block))
		if (pwrite(fd, block, sizeof(block), (off_t)i) != (ssize_t)sizeof(block)) {
			perror("pwrite");
			return 1;
		}
	if (fsync(fd)) {
		perror("fsync");
		return 1;
	}
	map = mmap(NULL, FLOOR_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	end = now() + 1;	/* the unmeasured second first */
	for (;;) {
		t0 = now();
		if (t0 >= end) {
			if (measuring)
				break;
			measuring = true;
			end = t0 + secs;
		}
		memset(block, (int)(n + off / FLOOR_STORE), sizeof(block));
		memcpy(map + off, block, sizeof(block));
		t1 = now();
		c1 = thread_cpu();
		if (fdatasync(fd)) {
			perror("fdatasync");
			return 1;
		}
		t2 = now();
		off = (off + FLOOR_STORE) % FLOOR_FILE_SIZE;
		if (!measuring)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			sync_s = realloc(sync_s, cap * sizeof(*sync_s));
			store_s = realloc(store_s, cap * sizeof(*store_s));
			if (!sync_s || !store_s)
				return 1;
		}
		store_s[n] = t1 - t0;
		sync_s[n++] = t2 - t1;
		sum += t2 - t1;
		cpu += thread_cpu() - c1;
	}
	printf("syncs=%zu sync_p50_us=%.1f sync_p99_us=%.1f write_p50_us=%.1f write_p99_us=%.1f "
	       "sync_mean_us=%.1f sync_cpu_mean_us=%.1f\n", n, pct_us(sync_s, n, 50),
	       pct_us(sync_s, n, 99), pct_us(store_s, n, 50), pct_us(store_s, n, 99),
	       n ? sum * 1e6 / n : -1, n ? cpu * 1e6 / n : -1);
	munmap(map, FLOOR_FILE_SIZE);
	close(fd);
	unlink(path);
	free(sync_s);
	free(store_s);
	return 0;
}

int main(int argc, char **argv)
{
	const char *marker = NULL, *watch = NULL;
	char watch_out[64] = "";
	double kstart = -1, clock_start = -1, preclock = -1, own = -1;
	double t0, t_marker = -1, uptime = -1, setup = -1;
	long rss = -1, pss = -1;
	uint64_t ram = 0;
	int pipefd[2], opt, status;
	bool verbose = false;
	char line[4096];
	pid_t pid;
	FILE *out;

	if (argc == 4 && !strcmp(argv[1], "--mapped-floor"))
		return mapped_floor(argv[2], strtod(argv[3], NULL));
	while ((opt = getopt(argc, argv, "+m:r:w:v")) != -1) {
		if (opt == 'w')
			watch = optarg;
		else if (opt == 'm')
			marker = optarg;
		else if (opt == 'r')
			ram = strtoull(optarg, NULL, 0);
		else if (opt == 'v')
			verbose = true;
		else
			return 2;
	}
	if (!marker || optind >= argc) {
		fprintf(stderr, "usage: vmmtime -m MARKER -r RAM_BYTES [-w KVMWATCH_SO] [-v] -- COMMAND...\n");
		return 2;
	}
	if (pipe(pipefd))
		return 1;
	if (watch) {
		snprintf(watch_out, sizeof(watch_out), "/tmp/kvmwatch.%d", (int)getpid());
		unlink(watch_out);
	}
	t0 = now();
	pid = fork();
	if (pid == 0) {
		if (watch) {
			setenv("LD_PRELOAD", watch, 1);
			setenv("KVMWATCH_MARKER", marker, 1);
			setenv("KVMWATCH_OUT", watch_out, 1);
		}
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	close(pipefd[1]);
	out = fdopen(pipefd[0], "r");
	while (fgets(line, sizeof(line), out)) {
		char *u, *st;

		if (verbose)
			fputs(line, stderr);
		st = strstr(line, "vCPUs started at monotonic ");
		if (st && setup < 0)
			setup = strtod(st + 27, NULL) / 1e3 - t0;
		if (t_marker >= 0 || !strstr(line, marker))
			continue;
		t_marker = now() - t0;
		u = strstr(line, "uptime=");
		if (u)
			uptime = strtod(u + 7, NULL);
		memory_of(pid, ram, &rss, &pss);
	}
	waitpid(pid, &status, 0);
	if (watch) {
		double first_run = -1, fw_end = -1, clock = -1, mark = -1;
		FILE *w = fopen(watch_out, "r");

		if (w && fscanf(w, "first_run=%lf fw_end=%lf clock=%lf marker=%lf", &first_run,
				&fw_end, &clock, &mark) == 4 && first_run > 0 && mark > 0) {
			kstart = (fw_end > 0 ? fw_end : first_run) - t0;
			own = mark - t0 - kstart;
			if (clock > 0) {
				clock_start = clock - t0;
				preclock = clock_start - kstart;
			}
		}
		if (w)
			fclose(w);
		unlink(watch_out);
		printf("kernel_start=%.3f clock_start=%.3f preclock=%.3f kernel_own=%.3f "
		       "vmm_overhead=%.3f ", kstart, clock_start, preclock, own,
		       own >= 0 && t_marker >= 0 ? t_marker - own : -1);
	}
	printf("wall_marker=%.3f guest_uptime=%.3f overhead=%.3f vmm_setup=%.3f "
	       "wall_exit=%.3f rss_kb=%ld pss_kb=%ld exit=%d\n", t_marker, uptime,
	       t_marker >= 0 && uptime >= 0 ? t_marker - uptime : -1, setup,
	       now() - t0, rss, pss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return t_marker >= 0 ? 0 : 1;
}
