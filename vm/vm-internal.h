/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_INTERNAL_H
#define LKVM_VM_INTERNAL_H

/* Shared by the files of vm/ only. */

#include <stdbool.h>

#include "lkvm/vm.h"

/* vm__shutdown's timer: made and watched at open, disarmed after a boot. */
int vm__watch_shutdown_timer(struct vm *vm);
void vm__disarm_shutdown_timer(struct vm *vm);

/*
 * Have the timerfd @fd fire once in @seconds (0: on the loop's next
 * turn): 0 or a negative errno. Disarm it (a no-op for fd -1).
 */
int vm__arm_timer(int fd, unsigned int seconds);
void vm__disarm_timer(int fd);

/* vm/hotplug.c's, for vm.c and hotplug-request.c */
int vm__watch_hotplug(struct vm *vm);
void vm__unwatch_hotplug(struct vm *vm);
/* the guest moved a connector: look on the loop's next turn */
void vm__hotplug_poke(struct vm *vm);
/* wait for the guest, until @timeout_s, then call @done */
void vm__hotplug_begin(struct vm *vm, enum vm_hotplug_op op, unsigned int slot,
		       unsigned int timeout_s, vm_hotplug_done_fn done, void *ctx);
/* a boot ended: devices asked back are taken (no guest holds them now) */
void vm__hotplug_boot_ended(struct vm *vm);
/* a boot started: a device added meanwhile is in its tree */
void vm__hotplug_boot_started(struct vm *vm);
/* the VM stops: the operation under way ends with -ESHUTDOWN */
void vm__hotplug_cancel(struct vm *vm);
/*
 * Run @fn(@vm, @slot) with every vCPU parked (a paused VM stays paused):
 * guest memory, the memory map and the registry change only then.
 */
int vm__parked(struct vm *vm, int (*fn)(struct vm *vm, unsigned int slot),
	       unsigned int slot);
/*
 * The id of the device for @slot: @id (NULL or "": "nvdimmSLOT") if no
 * device has it and it is not another slot's own "nvdimmN". 0 with @out
 * filled, or -EEXIST / -EINVAL with a message.
 */
int vm__settle_id(struct vm *vm, const char *id, unsigned int slot,
		  char out[VM_DEVICE_ID_MAX]);
/* attach nvdimm[slot] to the machine and register it (parked) */
int vm__plug_memory(struct vm *vm, unsigned int slot);
/*
 * Take the device in @slot from the machine (if one runs) and close it,
 * flushed, or (@discard) undo what opening it did. 0 or the flush's error.
 */
int vm__take_back(struct vm *vm, unsigned int slot, bool discard);

#endif
