/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_KVM_H
#define LKVM_KVM_H

#include "lkvm/kvm-caps.h"

#define KVM_DEV_PATH "/dev/kvm"

/* Fill @caps from the KVM device @dev; a missing device is not an error. */
int kvm__read_caps(const char *dev, struct kvm_caps *caps);

#endif
