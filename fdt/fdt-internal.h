/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the fdt/ builders only; the public entry point is lkvm/fdt.h. */
#ifndef LKVM_FDT_INTERNAL_H
#define LKVM_FDT_INTERNAL_H

#include <stdint.h>

#include <libfdt.h>

struct pseries;

/* CPU i has hardware id i; the guest is entered on CPU 0. */
#define FDT_BOOT_CPU		0

/* The XICS node's phandle; / points interrupt-parent at it. */
#define FDT_PHANDLE_XICS	1

/*
 * A tree under construction with libfdt's sequential-write calls. Every one
 * of those calls can fail (mostly for lack of room), and checking each would
 * bury the list of properties. So the first error sticks and the calls after
 * it do nothing: a builder is a flat list of properties and the caller looks
 * at @err once, at the end.
 */
struct fdt_writer {
	void *fdt;
	int err;	/* first libfdt error (-FDT_ERR_*), 0 while all went well */
};

static inline void fdtw_begin(struct fdt_writer *w, const char *name)
{
	if (!w->err)
		w->err = fdt_begin_node(w->fdt, name);
}

static inline void fdtw_end(struct fdt_writer *w)
{
	if (!w->err)
		w->err = fdt_end_node(w->fdt);
}

static inline void fdtw_prop(struct fdt_writer *w, const char *name,
			     const void *val, int len)
{
	if (!w->err)
		w->err = fdt_property(w->fdt, name, val, len);
}

/* A property without a value: its presence is the information. */
static inline void fdtw_empty(struct fdt_writer *w, const char *name)
{
	fdtw_prop(w, name, NULL, 0);
}

static inline void fdtw_u32(struct fdt_writer *w, const char *name, uint32_t v)
{
	if (!w->err)
		w->err = fdt_property_u32(w->fdt, name, v);
}

static inline void fdtw_u64(struct fdt_writer *w, const char *name, uint64_t v)
{
	if (!w->err)
		w->err = fdt_property_u64(w->fdt, name, v);
}

static inline void fdtw_str(struct fdt_writer *w, const char *name,
			    const char *s)
{
	if (!w->err)
		w->err = fdt_property_string(w->fdt, name, s);
}

/* Host-order cells, stored big-endian. */
static inline void fdtw_cells(struct fdt_writer *w, const char *name,
			      const uint32_t *cells, unsigned int n)
{
	fdt32_t be[8];
	unsigned int i;

	if (n > sizeof(be) / sizeof(be[0])) {
		if (!w->err)
			w->err = -FDT_ERR_BADVALUE;
		return;
	}
	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	fdtw_prop(w, name, be, (int)(n * sizeof(be[0])));
}

/* Processor generation as named in the cpu nodes, or NULL if unsupported. */
const char *fdt__cpu_generation(uint32_t pvr);
/* ibm,mmu-pid-bits for a guest with @ram_size bytes of RAM */
uint32_t fdt__mmu_pid_bits(uint64_t ram_size);

/* The /cpus node with one child per vCPU (fdt/cpus.c). */
void fdt__cpus(struct fdt_writer *w, const struct pseries *p);

/*
 * Persistent memory (fdt/pmem.c): the DRC arrays, properties of / that must
 * come before its first child.
 */
void fdt__pmem_drcs(struct fdt_writer *w);

/*
 * The bus nodes with their devices' nodes (fdt/devices.c): 0, or a device's
 * refusal of its own description (a negative errno with a message).
 */
int fdt__vdevice(struct fdt_writer *w, const struct pseries *p);
int fdt__pmem(struct fdt_writer *w, const struct pseries *p);

#endif
