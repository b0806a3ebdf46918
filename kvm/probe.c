// SPDX-License-Identifier: GPL-2.0
/* Reading what the host's KVM offers: opens /dev/kvm and a throw-away VM. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lkvm/kvm-caps.h"
#include "lkvm/kvm.h"

static int check(int fd, long cap)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

static bool try_vm_type(int kvm_fd, unsigned long type, int *vm_fd)
{
	int fd = ioctl(kvm_fd, KVM_CREATE_VM, type);

	if (fd < 0)
		return false;
	if (vm_fd && *vm_fd < 0)
		*vm_fd = fd;
	else
		close(fd);
	return true;
}

int kvm__read_caps(const char *dev, struct kvm_caps *c)
{
	struct kvm_create_device xics = {
		.type = KVM_DEV_TYPE_XICS,
		.flags = KVM_CREATE_DEVICE_TEST,
	};
	int kvm_fd, vm_fd = -1, fd;

	*c = (struct kvm_caps){ 0 };
	kvm_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		return 0;	/* absence is a finding, not an error */
	c->have_dev_kvm = true;
	c->api_version = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	c->vm_hv = try_vm_type(kvm_fd, KVM_VM_PPC_HV, &vm_fd);
	c->vm_pr = try_vm_type(kvm_fd, KVM_VM_PPC_PR, NULL);

	/* a VM answers for its own type; /dev/kvm answers for the default */
	fd = vm_fd >= 0 ? vm_fd : kvm_fd;
	c->mmu_radix = check(fd, KVM_CAP_PPC_MMU_RADIX);
	c->mmu_hash_v3 = check(fd, KVM_CAP_PPC_MMU_HASH_V3);
	c->papr = check(fd, KVM_CAP_PPC_PAPR);
	c->one_reg = check(fd, KVM_CAP_ONE_REG);
	c->irq_xics = check(fd, KVM_CAP_IRQ_XICS);
	c->irq_xive = check(fd, KVM_CAP_PPC_IRQ_XIVE);
	c->rtas = check(fd, KVM_CAP_PPC_RTAS);
	c->enable_hcall = check(fd, KVM_CAP_PPC_ENABLE_HCALL);
	c->nested_hv = check(fd, KVM_CAP_PPC_NESTED_HV);
	c->user_memory = check(fd, KVM_CAP_USER_MEMORY);
	c->smt = check(fd, KVM_CAP_PPC_SMT);
	c->smt_possible = check(fd, KVM_CAP_PPC_SMT_POSSIBLE);
	c->nr_vcpus = check(fd, KVM_CAP_NR_VCPUS);
	c->max_vcpus = check(fd, KVM_CAP_MAX_VCPUS);
	if (vm_fd >= 0) {
		c->xics_device = ioctl(vm_fd, KVM_CREATE_DEVICE, &xics) == 0;
		close(vm_fd);
	}
	close(kvm_fd);
	return 0;
}
