// SPDX-License-Identifier: GPL-2.0
/*
 * The RTAS services lkvm publishes in /rtas. Each handler gets the call's
 * words already decoded and checked to fit, and first checks that the
 * counts are the ones its service defines: a guest (or root in the guest,
 * through the rtas syscall) may pass anything.
 */
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "lkvm/drc.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/rtas.h"
#include "lkvm/rtas-events.h"
#include "lkvm/util.h"

/* query-cpu-stopped-state answers */
#define QCSS_STOPPED		0
#define QCSS_NOT_STOPPED	2

#define NSEC_PER_SEC		1000000000U

/* Is @id a vCPU of this machine? The CPU ids in the device tree are indexes. */
static bool rtas_cpu_valid(const struct pseries *p, uint32_t id)
{
	return id < p->nr_cpus && id < LKVM_MAX_CPUS;
}

static int64_t host_now(uint32_t *nsec)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	*nsec = (uint32_t)ts.tv_nsec;
	return (int64_t)ts.tv_sec;
}

static void rtas_get_time_of_day(struct pseries *p, unsigned int cpu,
				 uint32_t nargs, const uint32_t *args,
				 uint32_t nret, uint32_t *rets)
{
	struct tm tm;
	uint32_t nsec;
	time_t t;

	(void)cpu;
	(void)args;
	if (!rtas__counts(nargs, 0, nret, 8, rets))
		return;
	/* the guest's clock: the host's UTC clock moved by set-time-of-day */
	t = (time_t)(host_now(&nsec) + atomic_load(&p->rtc_offset));
	if (!gmtime_r(&t, &tm)) {
		rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;
		return;
	}
	rets[0] = RTAS_OUT_SUCCESS;
	rets[1] = (uint32_t)(tm.tm_year + 1900);
	rets[2] = (uint32_t)(tm.tm_mon + 1);
	rets[3] = (uint32_t)tm.tm_mday;
	rets[4] = (uint32_t)tm.tm_hour;
	rets[5] = (uint32_t)tm.tm_min;
	rets[6] = (uint32_t)tm.tm_sec;
	rets[7] = nsec;
}

static bool leap_year(uint32_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static uint32_t days_in_month(uint32_t y, uint32_t m)
{
	static const uint8_t days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

/*
 * args: year, month, day, hour, minute, second, nanoseconds (UTC). Only
 * the offset from the host clock is kept; the host clock is never touched.
 */
static void rtas_set_time_of_day(struct pseries *p, unsigned int cpu,
				 uint32_t nargs, const uint32_t *args,
				 uint32_t nret, uint32_t *rets)
{
	uint32_t year = args[0], mon = args[1], day = args[2], nsec;
	struct tm tm = { 0 };
	time_t t;

	(void)cpu;
	if (!rtas__counts(nargs, 7, nret, 1, rets))
		return;
	/*
	 * Everything timegm() would silently normalise is refused instead;
	 * the year bound keeps time_t and the offset far from overflow.
	 */
	if (year < 1970 || year > 9999 || mon < 1 || mon > 12 || day < 1 ||
	    day > days_in_month(year, mon) || args[3] > 23 || args[4] > 59 ||
	    args[5] > 59 || args[6] >= NSEC_PER_SEC) {
		rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		return;
	}
	tm.tm_year = (int)year - 1900;
	tm.tm_mon = (int)mon - 1;
	tm.tm_mday = (int)day;
	tm.tm_hour = (int)args[3];
	tm.tm_min = (int)args[4];
	tm.tm_sec = (int)args[5];
	t = timegm(&tm);
	atomic_store(&p->rtc_offset, (int64_t)t - host_now(&nsec));
	rets[0] = RTAS_OUT_SUCCESS;
}

/* args: two power domains, -1 -1 for "everything" (Linux sends only that) */
static void rtas_power_off(struct pseries *p, unsigned int cpu, uint32_t nargs,
			   const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	(void)cpu;
	(void)args;
	if (!rtas__counts(nargs, 2, nret, 1, rets))
		return;
	rets[0] = RTAS_OUT_SUCCESS;
	pseries__request_exit(p, PSERIES_POWEROFF);
}

static void rtas_system_reboot(struct pseries *p, unsigned int cpu,
			       uint32_t nargs, const uint32_t *args,
			       uint32_t nret, uint32_t *rets)
{
	(void)cpu;
	(void)args;
	if (!rtas__counts(nargs, 0, nret, 1, rets))
		return;
	rets[0] = RTAS_OUT_SUCCESS;
	pseries__request_exit(p, PSERIES_REBOOT);
}

/* args: CPU id; rets: status, 0 stopped / 2 running */
static void rtas_query_cpu_stopped_state(struct pseries *p, unsigned int cpu,
					 uint32_t nargs, const uint32_t *args,
					 uint32_t nret, uint32_t *rets)
{
	(void)cpu;
	if (!rtas__counts(nargs, 1, nret, 2, rets))
		return;
	if (!rtas_cpu_valid(p, args[0])) {
		rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		return;
	}
	rets[0] = RTAS_OUT_SUCCESS;
	rets[1] = atomic_load(&p->cpu[args[0]].state) == CPU_STOPPED ?
		  QCSS_STOPPED : QCSS_NOT_STOPPED;
}

/* args: CPU id, start address, r3 */
static void rtas_start_cpu(struct pseries *p, unsigned int cpu, uint32_t nargs,
			   const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	int expected = CPU_STOPPED;
	uint32_t id = args[0];

	(void)cpu;
	if (!rtas__counts(nargs, 3, nret, 1, rets))
		return;
	if (!rtas_cpu_valid(p, id)) {
		rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		return;
	}
	/*
	 * Claim the CPU before waking it, so two vCPUs starting the same
	 * one at once cannot both succeed.
	 */
	if (!atomic_compare_exchange_strong(&p->cpu[id].state, &expected,
					    CPU_RUNNING)) {
		rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;
		return;
	}
	if (!p->ops || !p->ops->start_cpu ||
	    p->ops->start_cpu(p->ops_ctx, id, args[1], args[2])) {
		atomic_store(&p->cpu[id].state, CPU_STOPPED);
		rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;
		return;
	}
	rets[0] = RTAS_OUT_SUCCESS;
}

/*
 * Never returns to the guest on success: the core sees stop_self after
 * this hcall, parks the vCPU instead of re-entering KVM_RUN, and clears
 * the flag when start-cpu wakes it.
 */
static void rtas_stop_self(struct pseries *p, unsigned int cpu, uint32_t nargs,
			   const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	(void)args;
	if (!rtas__counts(nargs, 0, nret, 1, rets))
		return;
	if (cpu >= LKVM_MAX_CPUS) {
		rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;
		return;
	}
	p->cpu[cpu].stop_self = true;
	atomic_store(&p->cpu[cpu].state, CPU_STOPPED);
	rets[0] = RTAS_OUT_SUCCESS;
}

/*
 * args: the guest address of the panic message (Linux: "OS panic: ...",
 * NUL-terminated, in a 2 KiB buffer). The kernel calls this from its panic
 * path because /rtas says ibm,extended-os-term: the call returns, and the
 * core stops the VM or restarts it, or (--on-panic=guest) the guest goes
 * on as its panic= says. The message is only copied, escaped, as far as
 * guest memory goes.
 */
static void rtas_os_term(struct pseries *p, unsigned int cpu, uint32_t nargs,
			 const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	char raw[PSERIES_PANIC_MSG_MAX];
	const char *msg = NULL;
	uint64_t len;
	bool first;

	(void)cpu;
	if (!rtas__counts(nargs, 1, nret, 1, rets))
		return;
	/* the longest readable prefix up to the copy's size */
	for (len = sizeof(raw) - 1; len; len--) {
		msg = guest_mem__ptr(&p->mem, args[0], len, false);
		if (msg)
			break;
	}
	memset(raw, 0, sizeof(raw));
	if (len)
		memcpy(raw, msg, len);
	pthread_mutex_lock(&p->report_lock);
	first = !p->panic_msg[0];
	if (first)
		str_escape(p->panic_msg, sizeof(p->panic_msg),
			   len ? raw : "(message outside guest memory)", sizeof(raw));
	pthread_mutex_unlock(&p->report_lock);
	rets[0] = RTAS_OUT_SUCCESS;
	if (p->panic_stops)
		pseries__request_exit(p, PSERIES_PANIC);
	else if (first)
		lkvm__warn("guest panicked: %s", p->panic_msg);
}

/*
 * The machine's own services. Tokens are ours to choose; 0x2000 up keeps
 * them clear of small numbers a confused guest might pass. Services that
 * devices register (rtas__register) take the free tokens from 0x2000 up.
 */
struct rtas_service rtas_services[RTAS_MAX_SERVICES + 1] = {
	{ "get-time-of-day",		0x2001, rtas_get_time_of_day },
	{ "set-time-of-day",		0x2002, rtas_set_time_of_day },
	{ "power-off",			0x2003, rtas_power_off },
	{ "system-reboot",		0x2004, rtas_system_reboot },
	{ "query-cpu-stopped-state",	0x2005, rtas_query_cpu_stopped_state },
	{ "start-cpu",			0x2006, rtas_start_cpu },
	{ "stop-self",			0x2007, rtas_stop_self },
	/* event logs for the guest (ppc/rtas-events.c) */
	{ "event-scan",			0x2008, rtas_events__event_scan },
	{ "check-exception",		0x2009, rtas_events__check_exception },
	{ "ibm,os-term",		0x200e, rtas_os_term },
	/* the PMEM connectors, for hot-plug (ppc/drc.c, ppc/drc-connector.c) */
	{ "get-sensor-state",		0x200f, drc__get_sensor_state },
	{ "set-indicator",		0x2010, drc__set_indicator },
	{ "ibm,configure-connector",	0x2011, drc__configure_connector },
	/* the in-kernel XICS runs these once the core defines their tokens */
	{ "ibm,set-xive",		0x200a, NULL },
	{ "ibm,get-xive",		0x200b, NULL },
	{ "ibm,int-off",		0x200c, NULL },
	{ "ibm,int-on",			0x200d, NULL },
	/* then registered services, and at least one NULL name */
};
