/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_FDT_H
#define LKVM_FDT_H

#include <stddef.h>

struct pseries;
struct rtas_service;

/*
 * Build the pseries device tree for @p (memory map, CPUs, console, and the
 * vNVDIMMs of p->nvdimm[], each sitting in one of p->map's pmem ranges) with
 * @bootargs and one /rtas token property per entry of @services (terminated
 * by a NULL name) into @buf. Returns the blob size or a negative errno with
 * the message in lkvm__last_error().
 */
int fdt__build(const struct pseries *p, const char *bootargs,
	       const struct rtas_service *services, void *buf, size_t size);

#endif
