/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_API_VM_H
#define LKVM_API_VM_H

#include "lkvm/api.h"

/* The control API's operations on a struct vm (api/vm-ops.c); ctx: the vm. */
extern const struct api_vm_ops api_vm_ops;

#endif
