// SPDX-License-Identifier: GPL-2.0
/* Judging a host's KVM capabilities: pure code, unit-tested without KVM. */
#include <stdarg.h>
#include <stdio.h>

#include "lkvm/kvm-caps.h"

bool kvm_caps__verdict(const struct kvm_caps *c, char *why, size_t len)
{
	const char *reason = NULL;

	if (!c->have_dev_kvm)
		reason = "no /dev/kvm: load kvm-hv (modprobe kvm-hv) on a POWER host";
	else if (c->api_version != LKVM_KVM_API_VERSION)
		reason = "unsupported KVM API version";
	else if (!c->vm_hv)
		reason = c->vm_pr ?
			 "only KVM-PR is available; lkvm needs KVM-HV (modprobe kvm-hv)" :
			 "KVM cannot create an HV virtual machine (is kvm-hv loaded?)";
	else if (!c->mmu_radix)
		reason = c->mmu_hash_v3 ?
			 "KVM offers only the hash MMU; lkvm runs radix guests (POWER9 or later)" :
			 "KVM offers no radix MMU; lkvm runs radix guests (POWER9 or later)";
	else if (!c->papr)
		reason = "KVM lacks the PAPR capability (pseries guests)";
	else if (!c->one_reg)
		reason = "KVM lacks ONE_REG (vCPU register set-up)";
	else if (!c->user_memory)
		reason = "KVM lacks user memory slots";
	else if (!c->irq_xics || !c->xics_device)
		reason = "KVM has no in-kernel XICS interrupt controller";

	if (reason) {
		snprintf(why, len, "%s", reason);
		return false;
	}
	snprintf(why, len, "ok");
	return true;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

struct out {
	char *buf;
	size_t len, used;
};

static void outf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->used >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n;
}

void kvm_caps__describe(const struct kvm_caps *c, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	buf[0] = '\0';
	outf(&o, "/dev/kvm:            %s\n", c->have_dev_kvm ? "present" : "missing");
	if (!c->have_dev_kvm)
		return;
	outf(&o, "KVM API version:     %d\n", c->api_version);
	outf(&o, "VM type:             %s\n",
	     c->vm_hv ? (c->vm_pr ? "HV (PR also available)" : "HV") :
	     c->vm_pr ? "PR only" : "none");
	outf(&o, "MMU radix:           %s\n", yes_no(c->mmu_radix));
	outf(&o, "MMU hash (ISA 3.0):  %s\n", yes_no(c->mmu_hash_v3));
	outf(&o, "PAPR (pseries):      %s\n", yes_no(c->papr));
	outf(&o, "XICS in kernel:      %s\n",
	     c->irq_xics && c->xics_device ? "yes" : "no");
	outf(&o, "XIVE in kernel:      %s\n", yes_no(c->irq_xive));
	outf(&o, "RTAS tokens:         %s\n", yes_no(c->rtas));
	outf(&o, "hcall enabling:      %s\n", yes_no(c->enable_hcall));
	outf(&o, "SMT threads/core:    %d (possible modes 0x%x)\n", c->smt,
	     c->smt_possible);
	outf(&o, "vCPUs recommended:   %d (max %d)\n", c->nr_vcpus, c->max_vcpus);
	outf(&o, "nested HV:           %s\n", yes_no(c->nested_hv));
}
