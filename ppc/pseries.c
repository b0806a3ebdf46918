// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "lkvm/pseries.h"

void pseries__init(struct pseries *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->report_lock, NULL);
}

void pseries__request_exit(struct pseries *p, enum pseries_exit why)
{
	int expected = PSERIES_RUNNING;

	/* the first request wins: a reboot racing a power-off stays one */
	atomic_compare_exchange_strong(&p->exit_request, &expected, why);
	if (p->ops && p->ops->request_exit)
		p->ops->request_exit(p->ops_ctx);
}
