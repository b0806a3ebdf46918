// SPDX-License-Identifier: GPL-2.0
/*
 * apibench: time VMMs' control sockets from one process, with no process
 * started per request, so that only the VMM's side and the socket differ.
 *
 *   apibench [-n N] [-w WARMUP] KIND:PID:SOCKET...   time them
 *   apibench qmp-quit SOCKET                          ask QEMU to quit
 *
 * KIND is lkvm (its HTTP API) or qmp (QEMU's QMP); PID is the VMM's, or 0.
 * Each VMM gets one connection, made before the rounds and not timed, and
 * kept for all of them, as a monitor would: lkvm's is HTTP/1.1 keep-alive
 * (a round trip: one request and its reply, which its Content-Length
 * ends; a server that closes the connection is a failure); QMP's starts
 * with the greeting and qmp_capabilities (a round trip: one command and
 * its reply line). Measured: N status queries
 * (lkvm GET vm.info, QMP query-status), then N pause + resume pairs (lkvm
 * PUT vm.pause and vm.resume, QMP stop and cont), each answered once done,
 * after WARMUP uncounted rounds of each. The VMMs take turns, one round
 * each, in alternating order, so that a host whose speed drifts (an
 * emulator on a shared machine) slows them alike. One line per VMM:
 *   KIND rtt_p50_us=X rtt_p99_us=X pause_p50_us=X pause_p99_us=X
 *   resume_p50_us=X resume_p99_us=X pair_p50_us=X pair_p99_us=X ...
 * (CLOCK_MONOTONIC, microseconds; pair is a pause and its resume.) With a
 * PID it adds what the VMM spent per round over each phase (rtt_...,
 * pair_...) as the kernel accounts it: CPU time of all its threads
 * (vmm_cpu_us, an idle guest's vCPU too) and of its main thread
 * (vmm_main_cpu_us).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REPLY_MAX	65536

/* One connection's input, kept across reads for QMP's reply lines. */
struct conn {
	int fd;
	char buf[REPLY_MAX];
	size_t len;
};

/* What the VMM has spent so far: CPU time of all threads, of the main one */
struct vmm_cost {
	double cpu_us, main_cpu_us;
};

/* A protocol: its connection, one status query, one pause or resume. */
struct proto {
	int (*open)(struct conn *c, const char *sock);
	int (*query)(struct conn *c);
	int (*pause)(struct conn *c, bool resume);
};

#define MAX_TARGETS	4

/* One VMM under test and its samples, n of each. */
struct target {
	const char *kind;
	const struct proto *p;
	const char *sock;
	int pid;
	struct conn c;
	double *rtt, *pause, *resume, *pair;
	struct vmm_cost cost[4];	/* before and after each phase */
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* utime + stime of /proc/@pid/@what (its stat file), in us; -1 if none */
static double cpu_of(int pid, const char *what)
{
	char path[64], line[1024], *p;
	unsigned long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	/* after the name: state ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime stime */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &ut, &st) != 2)
		return -1;
	return (ut + st) * 1e6 / sysconf(_SC_CLK_TCK);
}

static void vmm_cost(int pid, struct vmm_cost *c)
{
	char main_stat[32];

	snprintf(main_stat, sizeof(main_stat), "task/%d/stat", pid);
	c->cpu_us = cpu_of(pid, "stat");
	c->main_cpu_us = cpu_of(pid, main_stat);
}

/* "NAME_vmm_cpu_us=X NAME_vmm_main_cpu_us=Y ", per round of @n */
static void print_cost(const char *name, const struct vmm_cost *a,
		       const struct vmm_cost *b, int n)
{
	printf("%s_vmm_cpu_us=%.1f %s_vmm_main_cpu_us=%.1f ", name,
	       (b->cpu_us - a->cpu_us) / n, name,
	       (b->main_cpu_us - a->main_cpu_us) / n);
}

static int sock_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -1;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int lkvm_open(struct conn *c, const char *sock)
{
	c->len = 0;
	c->fd = sock_connect(sock);
	return c->fd < 0 ? -1 : 0;
}

/* lkvm: where the reply in c->buf ends (head and body), or 0: not all in */
static size_t lkvm_reply_end(const struct conn *c, size_t *head)
{
	static const char cl[] = "\r\ncontent-length:";
	const char *end = memmem(c->buf, c->len, "\r\n\r\n", 4), *at;
	size_t body = 0;

	if (!end)
		return 0;
	*head = (size_t)(end - c->buf) + 4;
	/* c->buf is NUL-terminated: the search may go past the head, no further */
	at = strcasestr(c->buf, cl);
	if (at && at < end)
		body = strtoul(at + sizeof(cl) - 1, NULL, 10);
	return *head + body <= c->len ? *head + body : 0;
}

/*
 * lkvm: one request on the kept connection and its whole reply; 0 when
 * its status is @status and the server keeps the connection.
 */
static int lkvm_request(struct conn *c, const char *req, const char *status)
{
	size_t head = 0, end;
	ssize_t n;

	c->len = 0;
	c->buf[0] = '\0';
	if (send_all(c->fd, req, strlen(req)))
		return -1;
	while (!(end = lkvm_reply_end(c, &head))) {
		if (c->len == sizeof(c->buf) - 1)
			return -1;
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
		if (n <= 0)
			return -1;	/* closed: the connection was not kept */
		c->len += (size_t)n;
		c->buf[c->len] = '\0';
	}
	if (end != c->len || strncmp(c->buf, status, strlen(status)) ||
	    memmem(c->buf, head, "\r\nConnection: close\r\n", 21))
		return -1;
	return 0;
}

static int lkvm_query(struct conn *c)
{
	return lkvm_request(c, "GET /api/v1/vm.info HTTP/1.1\r\n"
			    "Host: localhost\r\n\r\n", "HTTP/1.1 200");
}

static int lkvm_pause(struct conn *c, bool resume)
{
	return lkvm_request(c, resume ?
			    "PUT /api/v1/vm.resume HTTP/1.1\r\nHost: localhost\r\n\r\n" :
			    "PUT /api/v1/vm.pause HTTP/1.1\r\nHost: localhost\r\n\r\n",
			    "HTTP/1.1 204");
}

/* QMP: the next line that is not an asynchronous event, cut from c->buf */
static int qmp_line(struct conn *c, char *line, size_t size)
{
	char *nl;
	ssize_t n;
	size_t len;

	for (;;) {
		nl = memchr(c->buf, '\n', c->len);
		if (nl) {
			len = (size_t)(nl - c->buf) + 1;
			snprintf(line, size, "%.*s", (int)len, c->buf);
			memmove(c->buf, c->buf + len, c->len - len);
			c->len -= len;
			if (!strstr(line, "\"event\""))
				return 0;
			continue;
		}
		if (c->len == sizeof(c->buf))
			return -1;
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n <= 0)
			return -1;
		c->len += (size_t)n;
	}
}

/* QMP: one command and its reply; 0 when it is a "return" */
static int qmp_execute(struct conn *c, const char *cmd)
{
	char line[REPLY_MAX];

	if (send_all(c->fd, cmd, strlen(cmd)) || qmp_line(c, line, sizeof(line)))
		return -1;
	return strstr(line, "\"return\"") ? 0 : -1;
}

static int qmp_open(struct conn *c, const char *sock)
{
	char greeting[REPLY_MAX];

	c->len = 0;
	c->fd = sock_connect(sock);
	if (c->fd < 0 || qmp_line(c, greeting, sizeof(greeting)) ||
	    !strstr(greeting, "\"QMP\""))
		return -1;
	return qmp_execute(c, "{\"execute\":\"qmp_capabilities\"}\n");
}

static int qmp_query(struct conn *c)
{
	return qmp_execute(c, "{\"execute\":\"query-status\"}\n");
}

static int qmp_pause(struct conn *c, bool resume)
{
	return qmp_execute(c, resume ? "{\"execute\":\"cont\"}\n" :
			   "{\"execute\":\"stop\"}\n");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* "NAME_p50_us=X NAME_p99_us=Y " of @n samples (sorted in place) */
static void print_pct(const char *name, double *v, int n)
{
	double p50;

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	p50 = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	/* the smallest sample at or above 99% of them */
	printf("%s_p50_us=%.1f %s_p99_us=%.1f ", name, p50, name,
	       v[(99 * n + 99) / 100 - 1]);
}

/* Round @i (< 0: warm-up) of each phase for @t. */
static int query_round(struct target *t, int i)
{
	double t0 = now_us();

	if (t->p->query(&t->c))
		return -1;
	if (i >= 0)
		t->rtt[i] = now_us() - t0;
	return 0;
}

static int pause_round(struct target *t, int i)
{
	double t0, t1, t2;

	t0 = now_us();
	if (t->p->pause(&t->c, false))
		return -1;
	t1 = now_us();
	if (t->p->pause(&t->c, true))
		return -1;
	t2 = now_us();
	if (i < 0)
		return 0;
	t->pause[i] = t1 - t0;
	t->resume[i] = t2 - t1;
	t->pair[i] = t2 - t0;
	return 0;
}

/*
 * One phase: @round for every target, WARMUP + N times, in turns whose
 * order alternates; the targets' costs from after the warm-up to the end.
 */
static int phase(struct target *t, int nt, int n, int warmup,
		 int (*round)(struct target *t, int i), int cost)
{
	int i, k, j;

	for (i = -warmup; i < n; i++) {
		for (k = 0; !i && k < nt; k++)
			vmm_cost(t[k].pid, &t[k].cost[cost]);
		for (k = 0; k < nt; k++) {
			j = i & 1 ? nt - 1 - k : k;
			if (round(&t[j], i)) {
				fprintf(stderr, "apibench: %s at %s failed: %.200s\n",
					t[j].kind, t[j].sock, t[j].c.buf);
				return -1;
			}
		}
	}
	for (k = 0; k < nt; k++)
		vmm_cost(t[k].pid, &t[k].cost[cost + 1]);
	return 0;
}

static void report(struct target *t, int n)
{
	printf("%s ", t->kind);
	print_pct("rtt", t->rtt, n);
	print_pct("pause", t->pause, n);
	print_pct("resume", t->resume, n);
	print_pct("pair", t->pair, n);
	if (t->pid > 0) {
		print_cost("rtt", &t->cost[0], &t->cost[1], n);
		print_cost("pair", &t->cost[2], &t->cost[3], n);
	}
	printf("n=%d\n", n);
}

/* "KIND:PID:SOCKET" into @t, its connection open; 0 or -1 */
static int target_open(struct target *t, char *arg, int n)
{
	static const struct proto lkvm = { lkvm_open, lkvm_query, lkvm_pause };
	static const struct proto qmp = { qmp_open, qmp_query, qmp_pause };
	char *pid = strchr(arg, ':'), *sock = pid ? strchr(pid + 1, ':') : NULL;

	if (!sock)
		return -1;
	*pid++ = *sock++ = '\0';
	t->kind = arg;
	t->sock = sock;
	t->pid = atoi(pid);
	t->c.fd = -1;
	t->rtt = calloc((size_t)n * 4, sizeof(double));
	if (!t->rtt)
		return -1;
	t->pause = t->rtt + n;
	t->resume = t->rtt + 2 * n;
	t->pair = t->rtt + 3 * n;
	if (!strcmp(arg, "lkvm")) {
		t->p = &lkvm;
	} else if (!strcmp(arg, "qmp")) {
		t->p = &qmp;
	} else {
		fprintf(stderr, "apibench: no such kind: %s\n", arg);
		return -1;
	}
	if (t->p->open(&t->c, sock)) {
		fprintf(stderr, "apibench: no %s at %s\n", arg, sock);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct target t[MAX_TARGETS];
	int n = 200, warmup = 20, nt = 0, opt;

	while ((opt = getopt(argc, argv, "n:w:")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'w')
			warmup = atoi(optarg);
		else
			return 2;
	}
	if (argc - optind == 2 && !strcmp(argv[optind], "qmp-quit")) {
		if (qmp_open(&t[0].c, argv[optind + 1]))
			return 1;
		return qmp_execute(&t[0].c, "{\"execute\":\"quit\"}\n") ? 1 : 0;
	}
	if (optind == argc || argc - optind > MAX_TARGETS || n < 1 || warmup < 0) {
		fprintf(stderr, "usage: apibench [-n N] [-w WARMUP] lkvm|qmp:PID:SOCKET...\n"
			"       apibench qmp-quit SOCKET\n");
		return 2;
	}
	for (; optind < argc; optind++)
		if (target_open(&t[nt++], argv[optind], n))
			return 1;
	if (phase(t, nt, n, warmup, query_round, 0) ||
	    phase(t, nt, n, warmup, pause_round, 2))
		return 1;
	for (opt = 0; opt < nt; opt++)
		report(&t[opt], n);
	return 0;
}
