// SPDX-License-Identifier: GPL-2.0
/*
 * H_SCM_PERFORMANCE_STATS: the statistics behind the guest's
 * nmemX/papr/perf_stats, the fuel gauge of `ndctl list -DH` and the nvdimm
 * perf PMU.
 *
 * Linux knows sixteen ids. lkvm reports only those it has a true value
 * for, and answers H_PARTIAL for the others, so the guest shows nothing
 * rather than a made-up number:
 *
 *   "MemLife "  life remaining, percent. A file or block device backing
 *		 does not wear out as a DIMM does (the host storage deals
 *		 with its own wear, invisibly), so 100 is true. On real
 *		 persistent memory (libpmem pmem, device-DAX) the media does
 *		 wear and lkvm cannot see how much: not reported there.
 *   "PonSecs "  power-on seconds: for a virtual DIMM, the seconds since
 *		 lkvm attached it (not reported if the attach time is unset).
 *
 *   Not reported, and why:
 *   "CtlResCt", "CtlResTm"  controller resets and their time: there is no
 *		 controller; a count of 0 would describe hardware that does
 *		 not exist.
 *   "CritRscU"  critical resource utilisation: no such resource.
 *   "HostLCnt", "HostSCnt", "HostLDur", "HostSDur"  guest loads and stores
 *		 go straight to mapped memory without lkvm seeing them.
 *   "MedRCnt ", "MedWCnt ", "MedRDur ", "MedWDur "  media traffic: the
 *		 host kernel writes pages back on its own schedule; lkvm's
 *		 flush counters (d->flushes, d->flush_ns) count H_SCM_FLUSH
 *		 calls, which are not media writes, so they would be a wrong
 *		 answer to this question, and Linux has no id for flushes.
 *   "CchRHCnt", "CchWHCnt", "FastWCnt"  cache hits and fast writes: no
 *		 device cache lkvm can observe.
 */
#include <endian.h>
#include <stdbool.h>
#include <string.h>

#include "lkvm/bytes.h"
#include "lkvm/guest-mem.h"
#include "lkvm/nvdimm.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/scm.h"

#include "scm-internal.h"
#include "lkvm/util.h"

#define NSEC_PER_SEC	1000000000ULL

struct scm_stat {
	char id[SCM_STAT_ID_LEN];
	bool (*reported)(const struct nvdimm *d);
	uint64_t (*value)(const struct nvdimm *d, uint64_t now_ns);
};

static bool memlife_reported(const struct nvdimm *d)
{
	return !d->is_pmem && !d->is_devdax;
}

static uint64_t memlife_value(const struct nvdimm *d, uint64_t now_ns)
{
	(void)d;
	(void)now_ns;
	return 100;
}

static bool ponsecs_reported(const struct nvdimm *d)
{
	return d->attach_time_ns != 0;
}

static uint64_t ponsecs_value(const struct nvdimm *d, uint64_t now_ns)
{
	/* the clock is monotonic, but do not trust a setter to agree */
	if (now_ns < d->attach_time_ns)
		return 0;
	return (now_ns - d->attach_time_ns) / NSEC_PER_SEC;
}

/* In the order "return all" lists them; ids exactly 8 bytes, no NUL. */
static const struct scm_stat scm_stats[] = {
	{ { 'M', 'e', 'm', 'L', 'i', 'f', 'e', ' ' },
	  memlife_reported, memlife_value },
	{ { 'P', 'o', 'n', 'S', 'e', 'c', 's', ' ' },
	  ponsecs_reported, ponsecs_value },
};

#define NR_SCM_STATS	ARRAY_SIZE(scm_stats)
_Static_assert(SCM_STATS_MAX_REQUEST >= 4 * NR_SCM_STATS,
	       "a request may name every statistic a few times");

static unsigned int nr_reported(const struct nvdimm *d)
{
	unsigned int i, n = 0;

	for (i = 0; i < NR_SCM_STATS; i++)
		n += scm_stats[i].reported(d);
	return n;
}

/* The statistic @id names, if this device reports it. */
static const struct scm_stat *find_stat(const struct nvdimm *d,
					const uint8_t *id)
{
	unsigned int i;

	for (i = 0; i < NR_SCM_STATS; i++)
		if (!memcmp(scm_stats[i].id, id, SCM_STAT_ID_LEN))
			return scm_stats[i].reported(d) ? &scm_stats[i] : NULL;
	return NULL;
}

/* Fill the buffer with every statistic this device reports. */
static long stats_all(const struct nvdimm *d, uint8_t *buf, uint64_t size,
		      uint64_t now)
{
	unsigned int i, n = nr_reported(d);
	uint8_t *e = buf + SCM_STATS_HDR_SIZE;

	if (size - SCM_STATS_HDR_SIZE < (uint64_t)n * SCM_STATS_ENTRY_SIZE)
		return H_P3;
	for (i = 0; i < NR_SCM_STATS; i++) {
		if (!scm_stats[i].reported(d))
			continue;
		memcpy(e, scm_stats[i].id, SCM_STAT_ID_LEN);
		put_be64(e + SCM_STAT_ID_LEN, scm_stats[i].value(d, now));
		e += SCM_STATS_ENTRY_SIZE;
	}
	put_be32(buf + 12, n);
	return H_SUCCESS;
}

/*
 * Fill the values of the @n entries the guest asked for. Known ones are
 * filled even when another is unknown; the first unknown id goes to r4
 * with H_PARTIAL, its value is left as the guest wrote it.
 */
static long stats_some(const struct nvdimm *d, uint8_t *buf, uint64_t size,
		       uint32_t n, uint64_t now, uint64_t *args)
{
	uint8_t *e = buf + SCM_STATS_HDR_SIZE;
	bool partial = false;
	uint8_t id[SCM_STAT_ID_LEN];
	uint32_t i;

	if (n > SCM_STATS_MAX_REQUEST ||
	    size - SCM_STATS_HDR_SIZE < (uint64_t)n * SCM_STATS_ENTRY_SIZE)
		return H_P3;
	for (i = 0; i < n; i++, e += SCM_STATS_ENTRY_SIZE) {
		const struct scm_stat *s;

		/* one copy: another vCPU may change the buffer meanwhile */
		memcpy(id, e, SCM_STAT_ID_LEN);
		s = find_stat(d, id);
		if (s) {
			put_be64(e + SCM_STAT_ID_LEN, s->value(d, now));
		} else if (!partial) {
			partial = true;
			args[0] = get_be64(id);
		}
	}
	return partial ? H_PARTIAL : H_SUCCESS;
}

/*
 * args: DRC index, buffer guest address, buffer size -> with size 0,
 * r4 = the size a "return all" buffer needs; on H_PARTIAL, r4 = the first
 * unknown id (its 8 bytes as a big-endian number).
 *
 * Linux asks for the size once at probe and treats every failure other
 * than H_PARTIAL, H_AUTHORITY and H_UNSUPPORTED alike (-EIO), so the codes
 * below follow the parameter at fault: the address (r5) is H_P2, the size
 * (r6) H_P3. A buffer must lie whole in writable guest memory; its header
 * is the caller's and must name this format, or nothing is written.
 */
long scm_performance_stats(struct pseries *p, struct nvdimm *d,
			   uint64_t *args)
{
	uint64_t addr = args[1], size = args[2];
	uint8_t *buf;
	uint32_t n;

	if (!size) {
		args[0] = SCM_STATS_HDR_SIZE +
			  (uint64_t)nr_reported(d) * SCM_STATS_ENTRY_SIZE;
		return H_SUCCESS;
	}
	if (size < SCM_STATS_HDR_SIZE)
		return H_P3;
	buf = guest_mem__ptr(&p->mem, addr, size, true);
	if (!buf)
		return H_P2;
	if (memcmp(buf, SCM_STATS_EYECATCHER, SCM_STAT_ID_LEN) ||
	    get_be32(buf + 8) != SCM_STATS_VERSION)
		return H_P2;

	n = get_be32(buf + 12);
	if (!n)
		return stats_all(d, buf, size, lkvm__now_ns());
	return stats_some(d, buf, size, n, lkvm__now_ns(), args);
}
