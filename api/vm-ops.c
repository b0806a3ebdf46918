// SPDX-License-Identifier: GPL-2.0
/*
 * The control API's view of one VM: struct api_vm_ops over struct vm. The
 * routes (api/routes.c) speak JSON and HTTP; this file only reads the VM's
 * state into the API's plain structures and calls the VM's operations.
 * Everything runs on the main thread, from the VM's event loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/api.h"
#include "lkvm/api-vm.h"
#include "lkvm/nvdimm.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static enum api_backing_kind backing_kind(const struct nvdimm *d)
{
	if (d->is_devdax)
		return API_BACKING_DEVDAX;
	return d->is_pmem ? API_BACKING_DAX_FILE : API_BACKING_PAGE_CACHE;
}

static void nvdimm_info(struct vm *vm, unsigned int slot,
			struct api_nvdimm_info *out)
{
	const struct nvdimm *d = vm__nvdimm(vm, slot);

	copy_str(out->id, sizeof(out->id), vm__nvdimm_id(vm, slot));
	copy_str(out->file, sizeof(out->file), d->cfg.path);
	out->slot = d->slot;
	out->drc_index = d->drc_index;
	out->size = d->cfg.size;
	out->label_size = d->cfg.label_size;
	copy_str(out->uuid, sizeof(out->uuid), d->uuid_str);
	out->readonly = d->cfg.readonly;
	out->backing = backing_kind(d);
	out->flush_hcall = d->needs_flush_hcall;
}

static int op_info(void *ctx, struct api_vm_info *out)
{
	struct vm *vm = ctx;
	const struct vm_params *p = vm->params;
	static const enum api_vm_state states[] = {
		[VM_RUNNING] = API_VM_RUNNING,
		[VM_PAUSED] = API_VM_PAUSED,
		[VM_SHUTDOWN] = API_VM_SHUTDOWN,
	};
	unsigned int i;

	memset(out, 0, sizeof(*out));
	copy_str(out->name, sizeof(out->name), p->name);
	out->state = states[vm__state(vm)];
	copy_str(out->kernel, sizeof(out->kernel), p->kernel);
	copy_str(out->initrd, sizeof(out->initrd), p->initrd);
	copy_str(out->cmdline, sizeof(out->cmdline), p->cmdline);
	out->memory = p->ram_size;
	out->vcpus = p->nr_cpus;
	for (i = 0; i < LKVM_MAX_NVDIMMS; i++)
		if (vm__nvdimm(vm, i))
			nvdimm_info(vm, i, &out->nvdimm[out->nr_nvdimms++]);
	return 0;
}

static int op_pause(void *ctx)
{
	return vm__pause(ctx);
}

static int op_resume(void *ctx)
{
	return vm__resume(ctx);
}

static int op_shutdown(void *ctx, unsigned int timeout_s)
{
	return vm__shutdown(ctx, timeout_s);
}

static int op_vmm_shutdown(void *ctx)
{
	vm__stop(ctx);
	return 0;
}

static void add(struct api_counter_set *set, const char *name, uint64_t value)
{
	struct api_counter *c;

	if (set->nr >= API_MAX_COUNTERS)
		return;
	c = &set->c[set->nr++];
	copy_str(c->name, sizeof(c->name), name);
	c->value = value;
}

/* Per vCPU: KVM_RUN calls, exits by reason, served hcalls by number. */
static void vcpu_counters(struct vm *vm, unsigned int i, struct api_counter_set *set)
{
	const struct kvm_vcpu_stats *st = &vm->m.vcpu[i].stats;
	const struct pseries_hcall_stats *hc = &vm->m.p.cpu[i].hcalls;
	char name[API_COUNTER_NAME_MAX];
	unsigned int k;
	uint64_t nr;

	snprintf(set->id, sizeof(set->id), "vcpu%u", i);
	add(set, "runs", st->runs);
	add(set, "exits_hcall", st->hcall_exits);
	add(set, "exits_interrupt", st->intr_exits);
	add(set, "kicks", st->kicks);
	for (k = 0; k < PSERIES_HCALL_KINDS && (nr = hc->kind[k].nr); k++) {
		snprintf(name, sizeof(name), "hcall_0x%llx", (unsigned long long)nr);
		add(set, name, hc->kind[k].count);
	}
	if (hc->other)
		add(set, "hcall_other", hc->other);
}

/*
 * Per vNVDIMM: what ndctl's perf_stats sees where they overlap, and more:
 * what the flushes made durable, in bytes and host pages (KVM's dirty log,
 * devices/scm-flush.c), and the counts of it that failed.
 */
static void nvdimm_counters(struct vm *vm, unsigned int slot,
			    struct api_counter_set *set)
{
	const struct nvdimm *d = vm__nvdimm(vm, slot);

	snprintf(set->id, sizeof(set->id), "%s", vm__nvdimm_id(vm, slot));
	add(set, "label_reads", d->label_reads);
	add(set, "label_writes", d->label_writes);
	add(set, "flushes", d->flushes);
	add(set, "flush_ns", d->flush_ns);
	add(set, "flush_failures", d->flush_failures);
	add(set, "backing_flushes", d->backing_flushes);
	add(set, "flush_sync_ns", d->flush_sync_ns);
	add(set, "flush_sync_cpu_ns", d->flush_sync_cpu_ns);
	add(set, "bytes_flushed", d->bytes_flushed);
	add(set, "pages_flushed", d->pages_flushed);
	add(set, "dirty_log_failures", d->dirty_log_failures);
	add(set, "dirty_log_reads", d->dirty_log_reads);
	add(set, "dirty_log_ns", d->dirty_log_ns);
	add(set, "binds", d->binds);
}

static int op_counters(void *ctx, struct api_counter_set *sets, unsigned int max)
{
	struct vm *vm = ctx;
	unsigned int i, n = 0;

	if (!vm->serving)
		return lkvm__fail(-ESHUTDOWN, "no counters: the guest is not running");
	for (i = 0; i < vm->m.nr_vcpus && n < max; i++) {
		memset(&sets[n], 0, sizeof(sets[n]));
		vcpu_counters(vm, i, &sets[n++]);
	}
	for (i = 0; i < LKVM_MAX_NVDIMMS && n < max; i++) {
		if (!vm__nvdimm(vm, i))
			continue;
		memset(&sets[n], 0, sizeof(sets[n]));
		nvdimm_counters(vm, i, &sets[n++]);
	}
	return (int)n;
}

/* A hot-plug under way: whom to answer when the VM is done. */
struct later_answer {
	struct vm *vm;
	struct http_later later;
	bool adding;
};

static void hotplug_done(void *ctx, int err, unsigned int slot)
{
	struct later_answer *a = ctx;
	struct api_nvdimm_info info;
	struct http_reply reply;

	if (a->adding && !err && vm__nvdimm(a->vm, slot)) {
		nvdimm_info(a->vm, slot, &info);
		api__added_reply(&reply, 0, &info);
	} else if (a->adding) {
		api__added_reply(&reply, err ? err : -EIO, NULL);
	} else {
		api__removed_reply(&reply, err);
	}
	a->later.answer(a->later.server, a->later.token, &reply);
	free(a);
}

static struct later_answer *later_answer(struct vm *vm,
					 const struct http_later *later,
					 bool adding)
{
	struct later_answer *a = malloc(sizeof(*a));

	if (!a) {
		lkvm__fail(-ENOMEM, "out of memory");
		return NULL;
	}
	*a = (struct later_answer){ .vm = vm, .later = *later, .adding = adding };
	return a;
}

static int op_add_nvdimm(void *ctx, const struct api_nvdimm_add *req,
			 const struct http_later *later)
{
	struct later_answer *a = later_answer(ctx, later, true);
	struct vm_nvdimm_request r = {
		.cfg = &req->cfg,
		.id = req->id,
		.slot = req->slot,
		.timeout_s = req->timeout_s,
	};
	int ret;

	if (!a)
		return -ENOMEM;
	ret = vm__add_nvdimm(ctx, &r, hotplug_done, a);
	if (ret)
		free(a);
	return ret;
}

static int op_remove_device(void *ctx, const char *id, unsigned int timeout_s,
			    const struct http_later *later)
{
	struct later_answer *a = later_answer(ctx, later, false);
	int ret;

	if (!a)
		return -ENOMEM;
	ret = vm__remove_nvdimm(ctx, id, timeout_s, hotplug_done, a);
	if (ret)
		free(a);
	return ret;
}

const struct api_vm_ops api_vm_ops = {
	.info = op_info,
	.pause = op_pause,
	.resume = op_resume,
	.shutdown = op_shutdown,
	.vmm_shutdown = op_vmm_shutdown,
	.counters = op_counters,
	.add_nvdimm = op_add_nvdimm,
	.remove_device = op_remove_device,
};
