// SPDX-License-Identifier: GPL-2.0
/* The devices of one VM, looked up by vCPU threads (rule in lkvm/device.h). */
#include <errno.h>
#include <string.h>

#include "lkvm/device.h"

void device_registry__init(struct device_registry *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->unpinned, NULL);
}

void device_registry__destroy(struct device_registry *r)
{
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->unpinned);
}

static int find_locked(const struct device_registry *r, uint64_t index)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		if (r->dev[i]->index == index)
			return (int)i;
	return -1;
}

int device_registry__add(struct device_registry *r, struct device *dev)
{
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	if (dev->registered || find_locked(r, dev->index) >= 0)
		ret = -EEXIST;
	else if (r->nr >= DEVICE_REGISTRY_MAX)
		ret = -ENOSPC;
	if (!ret) {
		dev->pins = 0;
		dev->registered = true;
		r->dev[r->nr++] = dev;
	}
	pthread_mutex_unlock(&r->lock);
	return ret;
}

int device_registry__remove(struct device_registry *r, struct device *dev)
{
	unsigned int i;

	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->nr && r->dev[i] != dev; i++)
		;
	if (i == r->nr) {
		pthread_mutex_unlock(&r->lock);
		return -ENOENT;
	}
	/* keep attach order: the device tree lists devices in it */
	memmove(&r->dev[i], &r->dev[i + 1], (r->nr - i - 1) * sizeof(r->dev[0]));
	r->nr--;
	dev->registered = false;
	while (dev->pins)
		pthread_cond_wait(&r->unpinned, &r->lock);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

struct device *device_registry__get(struct device_registry *r, uint64_t index,
				    const struct device_ops *ops)
{
	struct device *dev = NULL;
	int i;

	/* indexes are 32 bits: a register with upper bits names nothing */
	if (!r || index > UINT32_MAX)
		return NULL;
	pthread_mutex_lock(&r->lock);
	i = find_locked(r, index);
	if (i >= 0 && (!ops || r->dev[i]->ops == ops)) {
		dev = r->dev[i];
		dev->pins++;
	}
	pthread_mutex_unlock(&r->lock);
	return dev;
}

void device_registry__put(struct device_registry *r, struct device *dev)
{
	pthread_mutex_lock(&r->lock);
	/* a remover waits for exactly this: wake it at the last pin */
	if (!--dev->pins && !dev->registered)
		pthread_cond_broadcast(&r->unpinned);
	pthread_mutex_unlock(&r->lock);
}

int device_registry__for_each(struct device_registry *r,
			      const struct device_ops *ops,
			      int (*fn)(struct device *dev, void *ctx), void *ctx)
{
	unsigned int i;
	int ret = 0;

	if (!r)
		return 0;
	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->nr && !ret; i++)
		if (!ops || r->dev[i]->ops == ops)
			ret = fn(r->dev[i], ctx);
	pthread_mutex_unlock(&r->lock);
	return ret;
}
