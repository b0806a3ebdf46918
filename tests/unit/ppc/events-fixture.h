/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the event-log tests share (test-events*.c): the guest's log buffer,
 * the sections of a log found the way Linux finds them, check-exception
 * called as Linux's handler of a class calls it, and a check that nothing
 * but the buffers was written.
 */
#ifndef LKVM_TEST_EVENTS_FIXTURE_H
#define LKVM_TEST_EVENTS_FIXTURE_H

#include <time.h>

#include "rtas-fixture.h"
#include "lkvm/bytes.h"
#include "lkvm/rtas-events.h"

#define LOG		0x10000ULL	/* the guest's log buffer */
#define LOG_MAX		2048		/* Linux's rtas-error-log-max */
#define PLID_AT		64		/* Main-A's platform log id */
#define NO_ERRORS	1

/* 2024-02-29 13:45:07 UTC, a leap day */
#define WHEN		((time_t)1709214307)

/*
 * The first 104 bytes of a log made at WHEN with platform log id
 * 0x01020304, whose class's own section is 20 bytes long (EPOW's and
 * hot-plug's are), up to that section's data: the RTAS error log header
 * (v6; the rest of the summary @s1-@s3 and an extended length of 108), the
 * v6 header (valid, new, big-endian; PowerPC format 14; "IBM"), Main-A
 * ("PH", 48 bytes: BCD date and time, creator 'H', 3 sections, the id),
 * Main-B ("UH", 24 bytes: @subsystem, informational, @subtype), and the
 * header of the section @id0 @id1, @version.
 */
#define LOG_HEAD_AT_WHEN(s1, s2, s3, subsystem, subtype, id0, id1, version) \
	0x06, s1, s2, s3, 0x00, 0x00, 0x00, 0x6c,			\
	0x86, 0x00, 0x8e, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 'I', 'B', 'M', 0, \
	'P', 'H', 0x00, 0x30, 0, 0, 0, 0,				\
	0x20, 0x24, 0x02, 0x29, 0x13, 0x45, 0x07, 0x00,			\
	0, 0, 0, 0, 0, 0, 0, 0, 'H', 0, 0, 3, 0, 0, 0, 0,		\
	0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0,	\
	'U', 'H', 0x00, 0x18, 0, 0, 0, 0,				\
	subsystem, 0x00, 0x00, subtype, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, \
	id0, id1, 0x00, 0x14, version, 0x00, 0x00, 0x00

/*
 * A log just built into @buf, which was filled with 0xee: @len bytes
 * long, @want to the letter, nothing written beyond it.
 */
static inline void expect_log(const uint8_t *buf, size_t len,
			      const uint8_t *want, size_t want_len)
{
	assert_int_equal(len, want_len);
	assert_memory_equal(buf, want, want_len);
	assert_int_equal(buf[want_len], 0xee);
}

/*
 * The section the way Linux finds it (get_pseries_errorlog): format and
 * company checked, then from section to section by their lengths up to
 * the extended length. Each length must be whole: a 0 would loop forever.
 */
static inline const uint8_t *find_section(const uint8_t *log, const char *id)
{
	const uint8_t *p = log + 24, *end = log + 8 + get_be32(log + 4);
	const uint8_t *found = NULL;

	assert_int_equal(log[10] & 0x0f, 14);
	assert_int_equal(get_be32(log + 20), 0x49424d00);
	while (p < end) {
		assert_true(get_be16(p + 2) >= 8);
		if (!found && p[0] == id[0] && p[1] == id[1])
			found = p;
		p += get_be16(p + 2);
	}
	assert_ptr_equal(p, end);
	return found;
}

/*
 * check-exception as Linux's handler of the class @mask calls it, with
 * that class's interrupt; status in rets[0]
 */
static inline uint32_t check_exception(struct fixture *f, uint32_t mask,
				       uint64_t buf, uint32_t len)
{
	uint32_t irq = mask == RTAS_EVENT_MASK_HOTPLUG ? RTAS_EVENT_IRQ_HOTPLUG :
			RTAS_EVENT_IRQ_EPOW;
	uint32_t args[6] = { 0x500, irq, mask, 0, (uint32_t)buf, len };
	uint32_t rets[1];

	rtas(f, token("check-exception"), 6, args, 1, rets);
	return rets[0];
}

static inline uint32_t event_scan(struct fixture *f)
{
	uint32_t args[4] = { ~0u, 0, LOG, LOG_MAX }, rets[1];

	rtas(f, token("event-scan"), 4, args, 1, rets);
	return rets[0];
}

/* the rtas_args at BUF and the log buffer's first @len bytes */
static inline void assert_only_buffers_written(struct fixture *f, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < RAM_SIZE; i++)
		if ((i < BUF || i >= BUF + 64) && (i < LOG || i >= LOG + len) &&
		    f->ram[i] != FILL)
			fail_msg("RAM byte 0x%llx written", (unsigned long long)i);
	for (i = 0; i < RAM_SIZE; i++)
		if (f->ram2[i] != FILL)
			fail_msg("RAM2 byte 0x%llx written", (unsigned long long)i);
	for (i = 0; i < RO_SIZE; i++)
		if (f->ro[i] != FILL)
			fail_msg("read-only byte 0x%llx written", (unsigned long long)i);
}

#endif
