// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent memory as a PAPR guest finds it, written from plain
 * descriptions (struct fdt_pmem) that the vNVDIMM device fills. Each one
 * is a child of /ibm,persistent-memory that the guest's papr_scm
 * driver binds by compatible; the region's address is not in the tree at
 * all (the guest asks for it with H_SCM_BIND_MEM), and the region is kept
 * out of /memory. The root node lists the dynamic-reconfiguration
 * connectors (DRCs) that the devices sit in.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lkvm/fdt.h"
#include "lkvm/pseries.h"
#include "lkvm/uuid.h"
#include "lkvm/util.h"

#include "fdt-internal.h"

#define PMEM_DRC_TYPE		"PMEM"
/* DRC names are the type, a space and the slot in decimal */
#define PMEM_DRC_NAME_MAX	sizeof("PMEM 4294967295")
/* power domain -1: no power domain, the connector is live-insertable */
#define PMEM_DRC_POWER_DOMAIN	0xffffffffu

/*
 * One connector per slot, empty ones too. The Linux kernel never reads
 * these arrays for pmem: a hot-plug event names the DRC index and the guest
 * goes straight to RTAS with it (the kernel reads DRC arrays only on /cpus
 * and on PCI nodes, none on /). Userspace DLPAR tools (drmgr, lsslot) do,
 * and an empty connector is exactly what a later hot-plug of that slot
 * uses. So there is no guest reason to list only the present devices, and
 * listing every slot keeps the arrays the same for the life of the machine.
 */
#define PMEM_NR_DRCS		LKVM_MAX_NVDIMMS

/*
 * ibm,associativity in FORM1 layout: the number of domain ids, then the ids
 * from the widest domain to the narrowest, all 0: NUMA node 0 at any depth.
 *
 * The rest of the tree describes no NUMA: there are no
 * ibm,associativity-reference-points (Linux looks for them in /rtas, and on
 * / only when there is no /rtas) and ibm,architecture-vec-5 does not grant
 * FORM1 affinity. Without reference points Linux turns NUMA off at boot; it
 * still reads this property but resolves it to "no node", so the region is
 * registered with NUMA_NO_NODE as both target and online node and papr_scm
 * stays quiet. Adding the reference points would switch NUMA on for the
 * whole guest, where CPUs and RAM carry no associativity; that is not for
 * the pmem nodes to decide. Should it happen, these cells already agree
 * with a single node 0.
 */
static const uint32_t pmem_associativity[] = { 4, 0, 0, 0, 0 };

/* 36 characters, 8-4-4-4-12 hex digits (the array may lack a NUL) */
static bool is_uuid(const char *s)
{
	uint8_t bytes[UUID_LEN];

	return strnlen(s, UUID_STR_LEN) == UUID_STR_LEN - 1 && !uuid__parse(s, bytes);
}

/*
 * Refuse a description that would give the guest a wrong node (0 or
 * -EINVAL with a message). That two devices never share a slot or a
 * region is the registry's and the memory map's business.
 */
static int pmem_check(const struct fdt_pmem *pm)
{
	uint32_t slot = pm->drc_index - FDT_PMEM_DRC_BASE;
	char sz[32];

	if (pm->drc_index < FDT_PMEM_DRC_BASE || slot >= PMEM_NR_DRCS)
		return lkvm__fail(-EINVAL,
				  "device tree: pmem DRC index 0x%x (0x%x | slot, slots 0 to %d)",
				  pm->drc_index, FDT_PMEM_DRC_BASE, PMEM_NR_DRCS - 1);
	/* papr_scm takes size = blocks * block size: nothing may be cut off */
	if (!pm->size || pm->size % FDT_PMEM_BLOCK_SIZE)
		return lkvm__fail(-EINVAL,
				  "device tree: nvdimm %u: size %s is not a non-zero multiple of 256M",
				  slot, format_size(pm->size, sz, sizeof(sz)));
	/* ibm,metadata-size is one cell, and libnvdimm refuses 0 */
	if (!pm->label_size || pm->label_size > UINT32_MAX)
		return lkvm__fail(-EINVAL,
				  "device tree: nvdimm %u: label size %s (need 1 to 4G-1 bytes)",
				  slot, format_size(pm->label_size, sz, sizeof(sz)));
	/* papr_scm ignores a parse failure and would use garbage set cookies */
	if (!is_uuid(pm->uuid_str))
		return lkvm__fail(-EINVAL,
				  "device tree: nvdimm %u: unit GUID is not a 36-character UUID",
				  slot);
	return 0;
}

/*
 * A DRC array of cells: the count, then one cell per connector. A string
 * array has the same count cell, then one NUL-terminated string each.
 */
static void drc_cells(struct fdt_writer *w, const char *name, uint32_t first,
		      uint32_t step)
{
	fdt32_t v[1 + PMEM_NR_DRCS];
	unsigned int i;

	v[0] = cpu_to_fdt32(PMEM_NR_DRCS);
	for (i = 0; i < PMEM_NR_DRCS; i++)
		v[1 + i] = cpu_to_fdt32(first + i * step);
	fdtw_prop(w, name, v, sizeof(v));
}

static void drc_strings(struct fdt_writer *w, const char *name, bool numbered)
{
	char buf[sizeof(fdt32_t) + PMEM_NR_DRCS * PMEM_DRC_NAME_MAX];
	fdt32_t count = cpu_to_fdt32(PMEM_NR_DRCS);
	size_t len = sizeof(count);
	unsigned int i;

	memcpy(buf, &count, sizeof(count));
	for (i = 0; i < PMEM_NR_DRCS; i++) {
		if (numbered)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						PMEM_DRC_TYPE " %u", i) + 1;
		else
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						PMEM_DRC_TYPE) + 1;
	}
	fdtw_prop(w, name, buf, (int)len);
}

/*
 * Properties of /: the four DRC arrays, slot order, entry i describing the
 * connector of slot i (index FDT_PMEM_DRC_BASE | i, name "PMEM i").
 */
void fdt__pmem_drcs(struct fdt_writer *w)
{
	drc_cells(w, "ibm,drc-indexes", FDT_PMEM_DRC_BASE, 1);
	drc_cells(w, "ibm,drc-power-domains", PMEM_DRC_POWER_DOMAIN, 0);
	drc_strings(w, "ibm,drc-names", true);
	drc_strings(w, "ibm,drc-types", false);
}

/* Everything papr_scm reads, and the properties PAPR adds around it. */
int fdt__pmem_node(struct fdt_writer *w, const char *name,
		   const struct fdt_pmem *pm)
{
	int ret = pmem_check(pm);

	if (ret)
		return ret;
	fdtw_begin(w, name);
	fdtw_u32(w, "reg", pm->drc_index);
	fdtw_str(w, "compatible", "ibm,pmemory");	/* what binds papr_scm */
	fdtw_str(w, "device_type", "ibm,pmemory");
	fdtw_cells(w, "ibm,associativity", pmem_associativity,
		   ARRAY_SIZE(pmem_associativity));
	/* the namespace labels' set cookies: must stay the same across boots */
	fdtw_str(w, "ibm,unit-guid", pm->uuid_str);
	/* the first argument of every SCM hcall */
	fdtw_u32(w, "ibm,my-drc-index", pm->drc_index);
	/* both read as 64-bit: a one-cell value fails the probe */
	fdtw_u64(w, "ibm,block-size", FDT_PMEM_BLOCK_SIZE);
	fdtw_u64(w, "ibm,number-of-blocks", pm->size / FDT_PMEM_BLOCK_SIZE);
	fdtw_u32(w, "ibm,metadata-size", (uint32_t)pm->label_size);
	fdtw_str(w, "ibm,pmem-application", "operating-system");
	/* without it the guest takes the region for volatile memory */
	fdtw_empty(w, "ibm,cache-flush-required");
	/* stores alone are not durable: the guest must call H_SCM_FLUSH */
	if (pm->flush_required)
		fdtw_empty(w, "ibm,hcall-flush-required");
	fdtw_end(w);
	return 0;
}
