// SPDX-License-Identifier: GPL-2.0
/*
 * The one entry of every SCM hcall: the vNVDIMM kind registers this
 * dispatcher for the whole family, which looks the device up once, keeps
 * it pinned while the handler runs (so a hot-unplug waits for the call to
 * end instead of freeing the device under it), and puts it back.
 */
#include <errno.h>

#include "lkvm/device.h"
#include "lkvm/hcall.h"
#include "lkvm/nvdimm.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/scm.h"
#include "lkvm/util.h"

#include "scm-internal.h"

struct scm_call {
	uint64_t nr;
	scm_fn fn;
	bool by_drc;	/* args[0] is the DRC index of the device */
};

static const struct scm_call scm_calls[] = {
	{ H_SCM_READ_METADATA,		scm_read_metadata,		true },
	{ H_SCM_WRITE_METADATA,		scm_write_metadata,		true },
	{ H_SCM_BIND_MEM,		scm_bind_mem,			true },
	{ H_SCM_UNBIND_MEM,		scm_unbind_mem,			true },
	{ H_SCM_QUERY_BLOCK_MEM_BINDING, scm_query_block_mem_binding,	true },
	{ H_SCM_QUERY_LOGICAL_MEM_BINDING, scm_query_logical_mem_binding, true },
	{ H_SCM_UNBIND_ALL,		scm_unbind_all,			false },
	{ H_SCM_HEALTH,			scm_health,			true },
	{ H_SCM_PERFORMANCE_STATS,	scm_performance_stats,		true },
	{ H_SCM_FLUSH,			scm_flush,			true },
};

struct nvdimm *scm__get(struct pseries *p, uint64_t drc)
{
	struct device *dev = device_registry__get(p->devices, drc,
						  &nvdimm_device_ops);

	return dev ? nvdimm__of(dev) : NULL;
}

void scm__put(struct pseries *p, struct nvdimm *d)
{
	device_registry__put(p->devices, &d->dev);
}

static long scm_dispatch(struct pseries *p, unsigned int cpu, uint64_t nr,
			 uint64_t *args)
{
	const struct scm_call *c = NULL;
	struct nvdimm *d;
	unsigned int i;
	long ret;

	(void)cpu;
	for (i = 0; i < ARRAY_SIZE(scm_calls) && !c; i++)
		if (scm_calls[i].nr == nr)
			c = &scm_calls[i];
	/* only registered numbers get here */
	if (!c)
		return H_FUNCTION;
	if (!c->by_drc)
		return c->fn(p, NULL, args);
	d = scm__get(p, args[0]);
	if (!d)
		return H_PARAMETER;
	ret = c->fn(p, d, args);
	scm__put(p, d);
	return ret;
}

int scm__register(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(scm_calls); i++) {
		ret = hcall__register(scm_calls[i].nr, scm_dispatch);
		if (ret)
			return lkvm__fail(ret, "cannot register hcall 0x%llx",
					  (unsigned long long)scm_calls[i].nr);
	}
	return 0;
}
