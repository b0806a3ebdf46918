// SPDX-License-Identifier: GPL-2.0
/*
 * The device registry: adding, looking up by the guest's index, walking in
 * attach order, and the rule that removal waits for every pin to go.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "lkvm/device.h"
#include "lkvm/util.h"

#define VTY_INDEX	0x30000000u
#define PMEM_INDEX	0x90000000u
#define UNLINK_WAIT_NS	(10ULL * 1000 * 1000 * 1000)
#define STILL_WAITING_US	50000	/* how long a blocked remove is watched */

static const struct device_ops vty_ops = { .kind = "vty" };
static const struct device_ops pmem_ops = { .kind = "nvdimm" };

/* Each test's registry and one more device than it can hold. */
struct fixture {
	struct device_registry r;
	struct device dev[DEVICE_REGISTRY_MAX + 1];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	unsigned int i;

	if (!f)
		return -1;
	device_registry__init(&f->r);
	for (i = 0; i < DEVICE_REGISTRY_MAX + 1; i++) {
		f->dev[i].ops = &pmem_ops;
		f->dev[i].index = PMEM_INDEX + i;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	device_registry__destroy(&f->r);
	free(f);
	return 0;
}

static void test_add_get_put_remove(void **state)
{
	struct fixture *f = *state;
	struct device *d = &f->dev[0];

	assert_null(device_registry__get(&f->r, PMEM_INDEX, NULL));
	assert_int_equal(device_registry__add(&f->r, d), 0);
	assert_true(d->registered);
	assert_ptr_equal(device_registry__get(&f->r, PMEM_INDEX, NULL), d);
	assert_int_equal(d->pins, 1);
	device_registry__put(&f->r, d);
	assert_int_equal(d->pins, 0);

	assert_int_equal(device_registry__remove(&f->r, d), 0);
	assert_false(d->registered);
	assert_null(device_registry__get(&f->r, PMEM_INDEX, NULL));
	/* a removed device may come back (a hot-plug after an unplug) */
	assert_int_equal(device_registry__add(&f->r, d), 0);
	assert_ptr_equal(device_registry__get(&f->r, PMEM_INDEX, NULL), d);
	device_registry__put(&f->r, d);
}

static void test_add_refuses_a_taken_index(void **state)
{
	struct fixture *f = *state;
	struct device *a = &f->dev[0], *b = &f->dev[1];

	b->index = a->index;
	assert_int_equal(device_registry__add(&f->r, a), 0);
	assert_int_equal(device_registry__add(&f->r, b), -EEXIST);
	assert_false(b->registered);
	/* the first one keeps the index */
	assert_ptr_equal(device_registry__get(&f->r, a->index, NULL), a);
	device_registry__put(&f->r, a);
	assert_int_equal(device_registry__add(&f->r, a), -EEXIST);
}

/* A device lives in one registry: another one refuses it. */
static void test_add_refuses_a_registered_device(void **state)
{
	struct fixture *f = *state;
	struct device_registry other;
	struct device *d = &f->dev[0];

	device_registry__init(&other);
	assert_int_equal(device_registry__add(&f->r, d), 0);
	assert_int_equal(device_registry__add(&other, d), -EEXIST);
	assert_null(device_registry__get(&other, d->index, NULL));
	assert_int_equal(device_registry__remove(&other, d), -ENOENT);
	assert_true(d->registered);
	device_registry__destroy(&other);
}

static void test_full(void **state)
{
	struct fixture *f = *state;
	struct device *extra = &f->dev[DEVICE_REGISTRY_MAX];
	unsigned int i;

	for (i = 0; i < DEVICE_REGISTRY_MAX; i++)
		assert_int_equal(device_registry__add(&f->r, &f->dev[i]), 0);
	assert_int_equal(device_registry__add(&f->r, extra), -ENOSPC);
	assert_false(extra->registered);
	assert_null(device_registry__get(&f->r, extra->index, NULL));

	/* a free slot again after a removal */
	assert_int_equal(device_registry__remove(&f->r, &f->dev[3]), 0);
	assert_int_equal(device_registry__add(&f->r, extra), 0);
	assert_ptr_equal(device_registry__get(&f->r, extra->index, NULL), extra);
	device_registry__put(&f->r, extra);
}

static void test_get_with_ops(void **state)
{
	struct fixture *f = *state;
	struct device *vty = &f->dev[0];

	vty->ops = &vty_ops;
	vty->index = VTY_INDEX;
	assert_int_equal(device_registry__add(&f->r, vty), 0);
	/* an SCM hcall naming the vty's unit address finds no vNVDIMM */
	assert_null(device_registry__get(&f->r, VTY_INDEX, &pmem_ops));
	assert_int_equal(vty->pins, 0);
	assert_ptr_equal(device_registry__get(&f->r, VTY_INDEX, &vty_ops), vty);
	device_registry__put(&f->r, vty);
	assert_int_equal(vty->pins, 0);
}

/* The guest passes a whole register: upper bits must not be cut off. */
static void test_get_above_32_bits(void **state)
{
	struct fixture *f = *state;
	struct device *zero = &f->dev[0];

	zero->index = 0;
	assert_int_equal(device_registry__add(&f->r, zero), 0);
	assert_int_equal(device_registry__add(&f->r, &f->dev[1]), 0);
	assert_null(device_registry__get(&f->r, 1ULL << 32, NULL));
	assert_null(device_registry__get(&f->r, UINT64_MAX << 32, NULL));
	assert_null(device_registry__get(&f->r, (1ULL << 32) | f->dev[1].index,
					 NULL));
	assert_null(device_registry__get(&f->r, UINT64_MAX, NULL));
	assert_int_equal(zero->pins, 0);
	assert_int_equal(f->dev[1].pins, 0);
}

/* What a walk saw, in order; it stops after @stop_after devices if set. */
struct walk {
	struct device *seen[DEVICE_REGISTRY_MAX];
	unsigned int n, stop_after;
};

static int record(struct device *dev, void *ctx)
{
	struct walk *w = ctx;

	w->seen[w->n++] = dev;
	return w->n == w->stop_after ? 7 : 0;
}

static void expect_walk(struct fixture *f, const struct device_ops *ops,
			struct device **want, unsigned int n)
{
	struct walk w = { .n = 0 };
	unsigned int i;

	assert_int_equal(device_registry__for_each(&f->r, ops, record, &w), 0);
	assert_int_equal(w.n, n);
	for (i = 0; i < n; i++)
		assert_ptr_equal(w.seen[i], want[i]);
}

static void test_for_each_in_attach_order(void **state)
{
	struct fixture *f = *state;
	struct device *a = &f->dev[0], *b = &f->dev[1], *c = &f->dev[2];
	struct device *vty = &f->dev[3];

	/* indexes in the opposite order: the walk must not sort by them */
	a->index = PMEM_INDEX + 9;
	vty->ops = &vty_ops;
	vty->index = VTY_INDEX;
	assert_int_equal(device_registry__add(&f->r, a), 0);
	assert_int_equal(device_registry__add(&f->r, vty), 0);
	assert_int_equal(device_registry__add(&f->r, b), 0);
	assert_int_equal(device_registry__add(&f->r, c), 0);
	expect_walk(f, NULL, (struct device *[]){ a, vty, b, c }, 4);
	expect_walk(f, &pmem_ops, (struct device *[]){ a, b, c }, 3);
	expect_walk(f, &vty_ops, (struct device *[]){ vty }, 1);

	/* removing one in the middle keeps the others' order */
	assert_int_equal(device_registry__remove(&f->r, vty), 0);
	expect_walk(f, NULL, (struct device *[]){ a, b, c }, 3);
	assert_int_equal(device_registry__add(&f->r, vty), 0);
	expect_walk(f, NULL, (struct device *[]){ a, b, c, vty }, 4);
}

static void test_for_each_stops_early(void **state)
{
	struct fixture *f = *state;
	struct walk w = { .stop_after = 2 };
	unsigned int i;

	for (i = 0; i < 4; i++)
		assert_int_equal(device_registry__add(&f->r, &f->dev[i]), 0);
	assert_int_equal(device_registry__for_each(&f->r, NULL, record, &w), 7);
	assert_int_equal(w.n, 2);
	assert_ptr_equal(w.seen[1], &f->dev[1]);
}

static void test_remove_unknown(void **state)
{
	struct fixture *f = *state;
	struct device *a = &f->dev[0], *b = &f->dev[1];

	assert_int_equal(device_registry__remove(&f->r, a), -ENOENT);
	assert_int_equal(device_registry__add(&f->r, a), 0);
	assert_int_equal(device_registry__remove(&f->r, b), -ENOENT);
	assert_true(a->registered);
	assert_int_equal(device_registry__remove(&f->r, a), 0);
	assert_int_equal(device_registry__remove(&f->r, a), -ENOENT);
}

/* The main thread removing a device while a vCPU handler uses it. */
struct remover {
	struct device_registry *r;
	struct device *dev;
	pthread_t thread;
	_Atomic bool returned;
	int ret;
};

static void *remove_thread(void *arg)
{
	struct remover *rm = arg;

	rm->ret = device_registry__remove(rm->r, rm->dev);
	atomic_store(&rm->returned, true);
	return NULL;
}

/* Start removing @dev and wait until no lookup finds it any more. */
static void start_remove(struct fixture *f, struct remover *rm,
			 struct device *dev)
{
	uint64_t deadline = lkvm__now_ns() + UNLINK_WAIT_NS;
	struct device *got;

	rm->r = &f->r;
	rm->dev = dev;
	atomic_init(&rm->returned, false);
	assert_int_equal(pthread_create(&rm->thread, NULL, remove_thread, rm), 0);
	while ((got = device_registry__get(&f->r, dev->index, NULL))) {
		device_registry__put(&f->r, got);
		if (lkvm__now_ns() > deadline)
			fail_msg("the device was never unlinked");
		usleep(1000);
	}
}

/* A removal waits for a pinned device, without blocking anything else. */
static void assert_remove_waits(struct fixture *f, struct remover *rm)
{
	struct device *other = &f->dev[1];

	usleep(STILL_WAITING_US);
	assert_false(atomic_load(&rm->returned));
	assert_ptr_equal(device_registry__get(&f->r, other->index, NULL), other);
	device_registry__put(&f->r, other);
	assert_false(atomic_load(&rm->returned));
}

/*
 * @handlers vCPU handlers pin a device that is being removed: the removal
 * ends only when the last of them puts it back.
 */
static void remove_while_pinned(struct fixture *f, unsigned int handlers)
{
	struct device *d = &f->dev[0];
	struct remover rm;
	unsigned int i;

	assert_int_equal(device_registry__add(&f->r, d), 0);
	assert_int_equal(device_registry__add(&f->r, &f->dev[1]), 0);
	for (i = 0; i < handlers; i++)
		assert_ptr_equal(device_registry__get(&f->r, d->index, NULL), d);

	start_remove(f, &rm, d);
	for (i = 1; i < handlers; i++)
		device_registry__put(&f->r, d);
	assert_remove_waits(f, &rm);
	device_registry__put(&f->r, d);
	assert_int_equal(pthread_join(rm.thread, NULL), 0);
	assert_true(atomic_load(&rm.returned));
	assert_int_equal(rm.ret, 0);
	assert_null(device_registry__get(&f->r, d->index, NULL));
}

static void test_remove_waits_for_the_pin(void **state)
{
	remove_while_pinned(*state, 1);
}

static void test_remove_waits_for_the_last_pin(void **state)
{
	remove_while_pinned(*state, 2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_add_get_put_remove),
		T(test_add_refuses_a_taken_index),
		T(test_add_refuses_a_registered_device),
		T(test_full),
		T(test_get_with_ops),
		T(test_get_above_32_bits),
		T(test_for_each_in_attach_order),
		T(test_for_each_stops_early),
		T(test_remove_unknown),
		T(test_remove_waits_for_the_pin),
		T(test_remove_waits_for_the_last_pin),
	};

	return cmocka_run_group_tests_name("device-registry", tests, NULL, NULL);
}
