// SPDX-License-Identifier: GPL-2.0
/* The KVM-HV virtual machine: /dev/kvm, memory slots, XICS, RTAS tokens. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lkvm/kvm-vm.h"
#include "lkvm/util.h"

int kvm_vm__create(struct kvm_vm *vm, const char *dev)
{
	int ret;

	*vm = (struct kvm_vm){ .kvm_fd = -1, .vm_fd = -1, .xics_fd = -1 };
	vm->kvm_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return lkvm__fail(-errno, "cannot open %s: %s (is kvm-hv loaded?)",
				  dev, strerror(errno));
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		ret = lkvm__fail(-EINVAL, "%s: unsupported KVM API version", dev);
		goto fail;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (vm->vm_fd < 0) {
		ret = lkvm__fail(-errno, "cannot create a KVM-HV VM: %s "
				 "(lkvm probe tells what this host offers)",
				 strerror(errno));
		goto fail;
	}
	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_RADIX) <= 0) {
		ret = lkvm__fail(-ENODEV, "KVM offers no radix MMU: lkvm needs POWER9 or later");
		goto fail;
	}
	ret = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ret <= 0) {
		ret = lkvm__fail(-EINVAL, "KVM_GET_VCPU_MMAP_SIZE failed");
		goto fail;
	}
	vm->run_size = (size_t)ret;
	ret = (int)sysconf(_SC_PAGESIZE);
	if (ret <= 0) {
		ret = lkvm__fail(-EINVAL, "cannot tell the host's page size");
		goto fail;
	}
	vm->page_size = (uint64_t)ret;
	return 0;
fail:
	kvm_vm__destroy(vm);
	return ret;
}

void kvm_vm__destroy(struct kvm_vm *vm)
{
	if (vm->xics_fd >= 0)
		close(vm->xics_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->xics_fd = vm->vm_fd = vm->kvm_fd = -1;
	/* the slots went with the VM: their numbers and buffers too */
	kvm_slots__destroy(&vm->slots);
}

int kvm_vm__add_memory(struct kvm_vm *vm, uint64_t gpa, uint64_t size,
		       void *host, unsigned int flags, unsigned int *slot_out)
{
	struct kvm_userspace_memory_region r = {
		.flags = (flags & KVM_VM_MEM_READONLY ? KVM_MEM_READONLY : 0) |
			 (flags & KVM_VM_MEM_LOG_DIRTY ? KVM_MEM_LOG_DIRTY_PAGES : 0),
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};
	unsigned int slot;
	int ret;

	ret = kvm_slots__alloc(&vm->slots, &slot);
	if (ret)
		return ret;
	r.slot = slot;
	/* KVM sizes its log in whole pages: so does the buffer */
	if (flags & KVM_VM_MEM_LOG_DIRTY) {
		ret = size % vm->page_size ? lkvm__fail(-EINVAL,
				"guest memory at 0x%llx: %llu bytes are no whole number of %llu-byte pages",
				(unsigned long long)gpa, (unsigned long long)size,
				(unsigned long long)vm->page_size) :
			kvm_slots__log_dirty(&vm->slots, slot, size / vm->page_size);
		if (ret) {
			kvm_slots__free(&vm->slots, slot);
			return ret;
		}
	}
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
		ret = -errno;
		kvm_slots__free(&vm->slots, slot);
		return lkvm__fail(ret, "cannot map guest memory at 0x%llx (%llu bytes): %s",
				  (unsigned long long)gpa, (unsigned long long)size,
				  strerror(-ret));
	}
	if (slot_out)
		*slot_out = slot;
	return 0;
}

/* KVM deletes a slot when it is set again with no memory in it. */
int kvm_vm__remove_memory(struct kvm_vm *vm, unsigned int slot)
{
	struct kvm_userspace_memory_region r = { .slot = slot, .memory_size = 0 };

	if (!kvm_slots__in_use(&vm->slots, slot))
		return lkvm__fail(-ENOENT, "KVM memory slot %u is not in use", slot);
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return lkvm__fail(-errno, "cannot unmap KVM memory slot %u: %s",
				  slot, strerror(errno));
	return kvm_slots__free(&vm->slots, slot);
}

/*
 * KVM fills the buffer with the pages dirtied since the last call and
 * clears its own record, under its slots lock. On radix KVM-HV that walks
 * the slot's partition-scoped page table: a page still mapped dirty loses
 * its dirty bit (one TLB invalidation each), a page the host has unmapped
 * meanwhile (writeback write-protecting it, say) left its bit in the
 * slot's own bitmap, which is merged in for free.
 */
int kvm_vm__get_dirty_log(struct kvm_vm *vm, unsigned int slot, uint64_t *pages)
{
	struct kvm_dirty_log log = {
		.slot = slot,
		.dirty_bitmap = kvm_slots__dirty_bitmap(&vm->slots, slot),
	};

	if (!log.dirty_bitmap)
		return lkvm__fail(-ENOENT, "KVM memory slot %u logs no dirty pages", slot);
	if (ioctl(vm->vm_fd, KVM_GET_DIRTY_LOG, &log) < 0)
		return lkvm__fail(-errno, "cannot read the dirty log of KVM memory slot %u: %s",
				  slot, strerror(errno));
	*pages = kvm_slots__count_dirty(&vm->slots, slot);
	return 0;
}

int kvm_vm__create_xics(struct kvm_vm *vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_XICS };

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		return lkvm__fail(-errno, "cannot create the in-kernel XICS: %s",
				  strerror(errno));
	vm->xics_fd = (int)dev.fd;
	return 0;
}

/*
 * Sources exist in KVM's XICS only once set: until then get-xive, the
 * guest's test of whether a source is there, fails. A new one is masked
 * (priority 0xff) and aimed at server 0 until the guest's set-xive and
 * int-on; KVM checks that the server exists, so the vCPUs come first.
 */
int kvm_vm__xics_source(struct kvm_vm *vm, uint32_t irq, bool level)
{
	uint64_t val = (0xffULL << KVM_XICS_PRIORITY_SHIFT) | KVM_XICS_MASKED;
	struct kvm_device_attr attr = {
		.group = KVM_DEV_XICS_GRP_SOURCES,
		.attr = irq,
		.addr = (uintptr_t)&val,
	};

	if (level)
		val |= KVM_XICS_LEVEL_SENSITIVE;
	if (ioctl(vm->xics_fd, KVM_SET_DEVICE_ATTR, &attr) < 0)
		return lkvm__fail(-errno, "cannot add interrupt source 0x%x to the in-kernel XICS: %s",
				  irq, strerror(errno));
	return 0;
}

/*
 * An edge source takes the raise as one interrupt and ignores the lower;
 * a level one stays asserted in between. Both XICS and XICS-on-XIVE.
 */
int kvm_vm__irq_line(struct kvm_vm *vm, uint32_t irq, bool level)
{
	struct kvm_irq_level line = { .irq = irq, .level = level };

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &line) < 0)
		return lkvm__fail(-errno, "cannot %s interrupt 0x%x: %s",
				  level ? "raise" : "lower", irq, strerror(errno));
	return 0;
}

int kvm_vm__define_rtas_token(struct kvm_vm *vm, const char *name,
			      uint32_t token)
{
	struct kvm_rtas_token_args args = { .token = token };

	if (strlen(name) >= sizeof(args.name))
		return lkvm__fail(-EINVAL, "RTAS name too long: %s", name);
	strcpy(args.name, name);
	if (ioctl(vm->vm_fd, KVM_PPC_RTAS_DEFINE_TOKEN, &args) < 0)
		return lkvm__fail(-errno, "KVM refused RTAS token %s: %s", name,
				  strerror(errno));
	return 0;
}

int kvm_vm__configure_mmu(struct kvm_vm *vm, uint64_t flags,
			  uint64_t process_table)
{
	struct kvm_ppc_mmuv3_cfg cfg = {
		.flags = flags,
		.process_table = process_table,
	};

	if (ioctl(vm->vm_fd, KVM_PPC_CONFIGURE_V3_MMU, &cfg) < 0)
		return -errno;
	return 0;
}

int kvm_vm__get_cpu_char(struct kvm_vm *vm, uint64_t *character, uint64_t *behaviour)
{
	struct kvm_ppc_cpu_char cc;

	if (ioctl(vm->vm_fd, KVM_PPC_GET_CPU_CHAR, &cc) < 0)
		return -errno;
	*character = cc.character & cc.character_mask;
	*behaviour = cc.behaviour & cc.behaviour_mask;
	return 0;
}
