// SPDX-License-Identifier: GPL-2.0
/* Placing the boot payloads (RTAS blob, initrd, device tree) in the guest. */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/boot.h"
#include "lkvm/drc.h"
#include "lkvm/loader.h"
#include "lkvm/fdt.h"
#include "lkvm/rtas.h"
#include "lkvm/util.h"

int boot__load_initrd(struct pseries *p, int fd, size_t len, struct loader *l)
{
	void *dst = guest_mem__ptr(&p->mem, p->map.initrd.start, len, true);

	if (!dst)
		return lkvm__fail(-EFAULT, "initrd area outside guest memory");
	return loader__add(l, "initrd", fd, 0, dst, len);
}

int boot__place(struct pseries *p, const char *bootargs)
{
	uint32_t *blob;
	void *dst;
	size_t i;
	int size;

	blob = guest_mem__ptr(&p->mem, p->map.rtas.start, sizeof(rtas_blob), true);
	if (!blob)
		return lkvm__fail(-EFAULT, "RTAS area outside guest memory");
	/* Linux enters RTAS big-endian with the MMU off (enter_rtas), so the
	 * stub's instruction words are stored big-endian */
	for (i = 0; i < ARRAY_SIZE(rtas_blob); i++)
		blob[i] = htobe32(rtas_blob[i]);

	dst = guest_mem__ptr(&p->mem, p->map.fdt.start, p->map.fdt.size, true);
	if (!dst)
		return lkvm__fail(-EFAULT, "device tree area outside guest memory");
	/* the devices in the tree are the guest's from the start */
	drc__boot(p);
	size = fdt__build(p, bootargs, rtas_services, dst, p->map.fdt.size);
	return size;
}

static int field_u64(const char *text, const char *key, double scale, uint64_t *v)
{
	const char *line = text;
	size_t klen = strlen(key);

	while (line && *line) {
		if (!strncmp(line, key, klen) && (line[klen] == ' ' || line[klen] == '\t' ||
						  line[klen] == ':')) {
			const char *colon = strchr(line, ':');
			char *end;
			double d;

			if (!colon)
				return -EINVAL;
			d = strtod(colon + 1, &end) * scale;
			/* written so that NaN fails too; the conversion
			 * below is only defined for values that fit */
			if (end == colon + 1 || !(d > 0 && d < 18446744073709551616.0))
				return -EINVAL;
			*v = (uint64_t)d;
			return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -ENOENT;
}

int cpuinfo__parse(const char *text, struct cpu_info *info)
{
	uint64_t tb, clock;

	/* "timebase : 512000000" and "clock : 2200.000000MHz" */
	if (field_u64(text, "timebase", 1, &tb) || tb > UINT32_MAX)
		return -EINVAL;
	if (field_u64(text, "clock", 1000000, &clock) || clock > UINT32_MAX)
		clock = 1000000000;	/* only informational for the guest */
	info->timebase_hz = (uint32_t)tb;
	info->clock_hz = (uint32_t)clock;
	/* POWER8/9/10 all use 128-byte cache blocks */
	info->dcache_block = 128;
	info->icache_block = 128;
	return 0;
}
