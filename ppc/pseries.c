// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "lkvm/pseries.h"

void pseries__init(struct pseries *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->report_lock, NULL);
	rtas_events__init(&p->events);
	drc__init(&p->drcs);
}

bool pseries__first_report(struct pseries *p, struct pseries_reported *set,
			   uint32_t key)
{
	bool first = false;
	unsigned int i;

	if (!p->debug)
		return false;
	pthread_mutex_lock(&p->report_lock);
	for (i = 0; i < set->nr && set->key[i] != key; i++)
		;
	if (i == set->nr && set->nr < sizeof(set->key) / sizeof(set->key[0])) {
		set->key[set->nr++] = key;
		first = true;
	}
	pthread_mutex_unlock(&p->report_lock);
	return first;
}

void pseries__request_exit(struct pseries *p, enum pseries_exit why)
{
	int expected = PSERIES_RUNNING;

	/* the first request wins: a reboot racing a power-off stays one */
	atomic_compare_exchange_strong(&p->exit_request, &expected, why);
	if (p->ops && p->ops->request_exit)
		p->ops->request_exit(p->ops_ctx);
}
