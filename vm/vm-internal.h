/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_INTERNAL_H
#define LKVM_VM_INTERNAL_H

/* Shared by vm/vm.c and vm/control.c only. */

struct vm;

/* vm__shutdown's timer: made and watched at open, disarmed after a boot. */
int vm__watch_shutdown_timer(struct vm *vm);
void vm__disarm_shutdown_timer(struct vm *vm);

#endif
