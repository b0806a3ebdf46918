// SPDX-License-Identifier: GPL-2.0
/* The one checked path from guest physical addresses to host memory. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "lkvm/guest-mem.h"

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int guest_mem__add(struct guest_mem *m, uint64_t gpa, uint64_t size, void *host,
		   bool readonly)
{
	unsigned int i;

	if (!size || !host || gpa + size < gpa)
		return -EINVAL;
	if (m->nr >= GUEST_MEM_MAX_REGIONS)
		return -ENOSPC;
	for (i = 0; i < m->nr; i++)
		if (overlaps(gpa, size, m->r[i].gpa, m->r[i].size))
			return -EINVAL;
	m->r[m->nr++] = (struct guest_mem_region){
		.gpa = gpa, .size = size, .host = host, .readonly = readonly,
	};
	return 0;
}

int guest_mem__remove(struct guest_mem *m, uint64_t gpa)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		if (m->r[i].gpa != gpa)
			continue;
		m->nr--;
		memmove(&m->r[i], &m->r[i + 1], (m->nr - i) * sizeof(m->r[0]));
		m->r[m->nr] = (struct guest_mem_region){ 0 };
		return 0;
	}
	return -ENOENT;
}

void *guest_mem__ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len,
		     bool write)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		const struct guest_mem_region *r = &m->r[i];

		/* written so that no sum can wrap: offset and len vs size */
		if (gpa < r->gpa || gpa - r->gpa >= r->size)
			continue;
		if (len > r->size - (gpa - r->gpa))
			return NULL;
		if (write && r->readonly)
			return NULL;
		return (uint8_t *)r->host + (gpa - r->gpa);
	}
	return NULL;
}

bool guest_mem__read_be32(const struct guest_mem *m, uint64_t gpa, uint32_t *v)
{
	const void *p = guest_mem__ptr(m, gpa, sizeof(*v), false);
	uint32_t be;

	if (!p)
		return false;
	memcpy(&be, p, sizeof(be));
	*v = be32toh(be);
	return true;
}

bool guest_mem__write_be32(const struct guest_mem *m, uint64_t gpa, uint32_t v)
{
	void *p = guest_mem__ptr(m, gpa, sizeof(v), true);
	uint32_t be = htobe32(v);

	if (!p)
		return false;
	memcpy(p, &be, sizeof(be));
	return true;
}
