// SPDX-License-Identifier: GPL-2.0
/*
 * PAPR version 6 event logs, as check-exception hands them to the guest.
 * A log is an 8-byte RTAS error log header, then the extended log: a
 * 16-byte v6 header and sections, each starting with its two-letter id and
 * its length. Linux walks the sections from the first by those lengths,
 * up to the extended length, so every length must be exact. All numbers
 * are big-endian.
 */
#include <string.h>

#include "lkvm/bytes.h"
#include "lkvm/rtas-events.h"

/* the summary word of the RTAS error log header */
#define SUMMARY_VERSION_6		0x06000000u
#define SUMMARY_SEVERITY_EVENT		0x00200000u	/* not an error */
#define SUMMARY_NOT_RECOVERED		0x00100000u
#define SUMMARY_EXTENDED		0x00040000u	/* a v6 log follows */
/* what every log lkvm sends has in common */
#define SUMMARY_V6_EVENT		(SUMMARY_VERSION_6 | \
					 SUMMARY_SEVERITY_EVENT | \
					 SUMMARY_NOT_RECOVERED | \
					 SUMMARY_EXTENDED)
#define SUMMARY_INITIATOR_HOTPLUG	0x00006000u
#define SUMMARY_TYPE_EPOW		0x40u
#define SUMMARY_TYPE_HOTPLUG		0xe5u

/* the v6 extended header */
#define V6_HDR_LEN			16
#define V6_VALID			0x80	/* byte 0 */
#define V6_NEW_LOG			0x04
#define V6_BIG_ENDIAN			0x02
#define V6_POWERPC_FORMAT		0x80	/* byte 2 */
#define V6_PLATFORM_EVENT_FORMAT	0x0e	/* the sectioned format */
#define V6_COMPANY_OFFSET		12	/* "IBM\0": who defines the format */

/* sections: id, length, version, subtype, creator component, then data */
#define SECTION_HDR_LEN			8
#define MAIN_A_LEN			48	/* "PH", the private header */
#define MAIN_B_LEN			24	/* "UH", the user header */
#define EPOW_LEN			20	/* "EP" */
#define HOTPLUG_LEN			20	/* "HP" */

/* where Main-A's fields sit in its data */
#define MAIN_A_DATE			0	/* BCD YYYYMMDD */
#define MAIN_A_TIME			4	/* BCD HHMMSS00 */
#define MAIN_A_CREATOR			16
#define MAIN_A_CREATOR_HYPERVISOR	'H'
#define MAIN_A_SECTION_COUNT		19	/* Main-A and Main-B included */
#define MAIN_A_PLID			32

/* Main-B's */
#define MAIN_B_SUBSYSTEM		0
#define MAIN_B_SEVERITY			2
#define MAIN_B_SUBTYPE			3
#define SUBSYSTEM_ENVIRONMENT		0xa0	/* external environment */
#define SUBSYSTEM_PLATFORM_FIRMWARE	0x80	/* QEMU's hot-plug logs */
#define SEVERITY_INFORMATIONAL		0x00
#define SUBTYPE_NONE			0x00
#define SUBTYPE_NORMAL_SHUTDOWN		0xd0

/* the EPOW section's: sensor value (action code), modifiers */
#define EPOW_VERSION			2	/* has the extended modifier */
#define EPOW_ACTION			0
#define EPOW_MODIFIER			1
#define EPOW_EXTENDED_MODIFIER		2
#define EPOW_ACTION_SYSTEM_SHUTDOWN	3
#define EPOW_MODIFIER_NORMAL		1	/* Linux: orderly_poweroff() */
#define EPOW_PARTITION_SPECIFIC		1	/* this partition, not the box */

/*
 * the hot-plug section's: what, what to do, how it is named, then the
 * name. The name field has room for a count and an index (8 bytes), and
 * Linux copies that much whatever the id type.
 */
#define HOTPLUG_VERSION			1
#define HOTPLUG_TYPE			0
#define HOTPLUG_ACTION			1
#define HOTPLUG_ID_TYPE			2
#define HOTPLUG_ID			4
#define HOTPLUG_ID_DRC_INDEX		2

/* How each class's log differs in the parts all logs share. */
struct log_kind {
	uint32_t summary;
	uint8_t subsystem, severity, subtype;	/* Main-B */
	char id[2];				/* the class's own section */
	uint8_t version;
	uint16_t section_len;
};

static uint8_t bcd(unsigned int v)
{
	return (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

/* A section header; returns where its data starts. */
static uint8_t *section(uint8_t *p, const char id[2], uint16_t len,
			uint8_t version)
{
	p[0] = (uint8_t)id[0];
	p[1] = (uint8_t)id[1];
	put_be16(p + 2, len);
	p[4] = version;
	/* subtype and creator component stay 0: nothing defines them for us */
	return p + SECTION_HDR_LEN;
}

static void main_a(uint8_t *p, time_t when, uint32_t plid)
{
	struct tm tm;
	unsigned int year;

	p = section(p, "PH", MAIN_A_LEN, 0);
	/* a date gmtime_r cannot express stays all zeroes */
	if (gmtime_r(&when, &tm)) {
		year = (unsigned int)tm.tm_year + 1900;
		p[MAIN_A_DATE] = bcd(year / 100);
		p[MAIN_A_DATE + 1] = bcd(year % 100);
		p[MAIN_A_DATE + 2] = bcd((unsigned int)tm.tm_mon + 1);
		p[MAIN_A_DATE + 3] = bcd((unsigned int)tm.tm_mday);
		p[MAIN_A_TIME] = bcd((unsigned int)tm.tm_hour);
		p[MAIN_A_TIME + 1] = bcd((unsigned int)tm.tm_min);
		p[MAIN_A_TIME + 2] = bcd((unsigned int)tm.tm_sec);
	}
	p[MAIN_A_CREATOR] = MAIN_A_CREATOR_HYPERVISOR;
	p[MAIN_A_SECTION_COUNT] = 3;
	put_be32(p + MAIN_A_PLID, plid);
}

/*
 * Everything but the data of the class's own section, in a zeroed @buf:
 * returns where that data starts. The total length is known up front, as
 * every section has a fixed one.
 */
static uint8_t *log_head(uint8_t *buf, const struct log_kind *k, time_t when,
			 uint32_t plid)
{
	size_t total = RTAS_EVENT_LOG_HDR_LEN + V6_HDR_LEN + MAIN_A_LEN +
		       MAIN_B_LEN + k->section_len;
	uint8_t *v6 = buf + RTAS_EVENT_LOG_HDR_LEN;
	uint8_t *p;

	memset(buf, 0, total);
	put_be32(buf, k->summary);
	put_be32(buf + 4, (uint32_t)(total - RTAS_EVENT_LOG_HDR_LEN));

	v6[0] = V6_VALID | V6_NEW_LOG | V6_BIG_ENDIAN;
	v6[2] = V6_POWERPC_FORMAT | V6_PLATFORM_EVENT_FORMAT;
	memcpy(v6 + V6_COMPANY_OFFSET, "IBM", 4);

	p = v6 + V6_HDR_LEN;
	main_a(p, when, plid);
	p += MAIN_A_LEN;
	section(p, "UH", MAIN_B_LEN, 0);
	p[SECTION_HDR_LEN + MAIN_B_SUBSYSTEM] = k->subsystem;
	p[SECTION_HDR_LEN + MAIN_B_SEVERITY] = k->severity;
	p[SECTION_HDR_LEN + MAIN_B_SUBTYPE] = k->subtype;
	return section(p + MAIN_B_LEN, k->id, k->section_len, k->version);
}

/*
 * A whole log of kind @k: its section's data starts with the @n bytes of
 * @data, the rest stays 0. Returns the log's length.
 */
static size_t log_build(uint8_t *buf, const struct log_kind *k, time_t when,
			uint32_t plid, const uint8_t *data, size_t n)
{
	memcpy(log_head(buf, k, when, plid), data, n);
	return RTAS_EVENT_LOG_HDR_LEN + get_be32(buf + 4);
}

size_t rtas_event_log__epow(uint8_t buf[RTAS_EVENT_LOG_MAX], time_t when,
			    uint32_t plid)
{
	static const struct log_kind epow = {
		.summary = SUMMARY_V6_EVENT | SUMMARY_TYPE_EPOW,
		.subsystem = SUBSYSTEM_ENVIRONMENT,
		.severity = SEVERITY_INFORMATIONAL,
		.subtype = SUBTYPE_NORMAL_SHUTDOWN,
		.id = { 'E', 'P' }, .version = EPOW_VERSION,
		.section_len = EPOW_LEN,
	};
	/* the 8-byte reason code after them stays 0 */
	static const uint8_t data[] = {
		[EPOW_ACTION] = EPOW_ACTION_SYSTEM_SHUTDOWN,
		[EPOW_MODIFIER] = EPOW_MODIFIER_NORMAL,
		[EPOW_EXTENDED_MODIFIER] = EPOW_PARTITION_SPECIFIC,
	};

	return log_build(buf, &epow, when, plid, data, sizeof(data));
}

size_t rtas_event_log__hotplug(uint8_t buf[RTAS_EVENT_LOG_MAX], time_t when,
			       uint32_t plid, uint8_t type, uint8_t action,
			       uint32_t drc_index)
{
	static const struct log_kind hotplug = {
		.summary = SUMMARY_V6_EVENT | SUMMARY_INITIATOR_HOTPLUG |
			   SUMMARY_TYPE_HOTPLUG,
		.subsystem = SUBSYSTEM_PLATFORM_FIRMWARE,
		.severity = SEVERITY_INFORMATIONAL, .subtype = SUBTYPE_NONE,
		.id = { 'H', 'P' }, .version = HOTPLUG_VERSION,
		.section_len = HOTPLUG_LEN,
	};
	uint8_t data[HOTPLUG_ID + 4] = {
		[HOTPLUG_TYPE] = type,
		[HOTPLUG_ACTION] = action,
		[HOTPLUG_ID_TYPE] = HOTPLUG_ID_DRC_INDEX,
	};

	put_be32(data + HOTPLUG_ID, drc_index);
	return log_build(buf, &hotplug, when, plid, data, sizeof(data));
}
