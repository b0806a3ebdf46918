/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_H
#define LKVM_VM_H

#include <stdbool.h>

#include "lkvm/console.h"
#include "lkvm/device.h"
#include "lkvm/event-loop.h"
#include "lkvm/machine.h"
#include "lkvm/nvdimm.h"

/* A device's id in the control API: "nvdimm0", or the client's choice. */
#define VM_DEVICE_ID_MAX	32	/* with its NUL */

/* The end of a hot-plug or hot-unplug: 0, or a negative errno with a
 * message (lkvm__last_error()); @slot is the device's. */
typedef void (*vm_hotplug_done_fn)(void *ctx, int err, unsigned int slot);

enum vm_hotplug_op {
	VM_HOTPLUG_IDLE,
	VM_HOTPLUG_ADDING,	/* waiting for the guest to take it */
	VM_HOTPLUG_REMOVING,	/* waiting for the guest to give it back */
};

/* The one hot-plug or hot-unplug under way (vm/hotplug.c). */
struct vm_hotplug {
	enum vm_hotplug_op op;
	unsigned int slot;
	unsigned int timeout_s;
	vm_hotplug_done_fn done;
	void *ctx;
	int event_fd;		/* the guest moved a connector */
	int timer_fd;		/* the operation's deadline */
};

/*
 * One VM for its whole life (vm/vm.c): the devices the guest sees, opened
 * once and kept across guest reboots, the main thread's event loop, and
 * one machine per boot. The command decides what to do between boots.
 */
struct vm {
	const struct vm_params *params;
	struct machine m;		/* the current boot's */
	struct device_registry devices;	/* console, vNVDIMMs */
	struct console console;
	/* opened (and locked) once for the whole run, across reboots */
	struct nvdimm nvdimm[LKVM_MAX_NVDIMMS];	/* by slot */
	bool slot_used[LKVM_MAX_NVDIMMS];	/* nvdimm[slot] is open */
	char nvdimm_id[LKVM_MAX_NVDIMMS][VM_DEVICE_ID_MAX];
	bool unplugging[LKVM_MAX_NVDIMMS];	/* asked back from the guest */
	bool plug_failed[LKVM_MAX_NVDIMMS];	/* ... after a plug that timed out */
	struct vm_hotplug hotplug;
	/* signals and stdin for the whole run, the machine's exit per boot */
	struct event_loop loop;
	int sig_fd;
	int stdin_stand_in;	/* see watch_stdin(), or -1 */
	int signalled;		/* the signal that stopped us, or 0 */
	bool sandboxed;		/* the main thread's filter is on */
	bool serving;		/* a boot's machine runs and is served */
	/* vm__shutdown's deadline: when it fires, the guest is stopped */
	int shutdown_timer;
	char panic_msg[PSERIES_PANIC_MSG_MAX];	/* the last guest panic's */
};

/*
 * Everything about the boot files that can be known before any vNVDIMM
 * backing is created: they open, and the kernel is a loadable ELF.
 */
int vm__check_boot_files(const struct vm_params *params);

/*
 * Set up @vm: its event loop (the signals of @sig_fd, and stdin if
 * @stdin_open), the console on stdout, and every vNVDIMM of @params
 * opened and registered. 0 or a negative errno with a message; on
 * failure vm__close(vm, true) undoes what was done.
 */
int vm__open(struct vm *vm, const struct vm_params *params, int sig_fd,
	     bool stdin_open);

/*
 * Boot the guest once and serve it until it stops; *why says how
 * (PSERIES_RUNNING: it never started). 0, or a negative errno with a
 * message for a set-up error or a failed guest.
 */
int vm__boot(struct vm *vm, enum pseries_exit *why);

/*
 * What a controller may do while the VM is served (main thread only,
 * from a callback of the VM's event loop). Pause and resume return once
 * every vCPU has stopped or started again; 0 or a negative errno with a
 * message (-EALREADY, -ESHUTDOWN: the wrong state).
 */
int vm__pause(struct vm *vm);
int vm__resume(struct vm *vm);
/* Stop now, as Ctrl-A x does: the run ends, every vNVDIMM flushed. */
void vm__stop(struct vm *vm);
/*
 * Ask the guest to power off in an orderly way, and stop it when it has
 * not done so within @timeout_s seconds.
 */
int vm__shutdown(struct vm *vm, unsigned int timeout_s);

enum vm_state {
	VM_RUNNING,
	VM_PAUSED,
	VM_SHUTDOWN,	/* stopping, or between two boots */
};

enum vm_state vm__state(struct vm *vm);

/*
 * Ask the running guest for an orderly power-off (an EPOW event, as a
 * power button would send); the guest powers off when it is done, which
 * ends the boot as any power-off does. From the main thread while it
 * serves the machine (its event-loop callbacks); the vCPUs keep running.
 * 0, or a negative errno with a message: -EAGAIN no guest runs,
 * -ESHUTDOWN it is stopping already, or the event could not be raised.
 */
int vm__request_poweroff(struct vm *vm);

/* The device in @slot (of LKVM_MAX_NVDIMMS), or NULL for an empty slot. */
struct nvdimm *vm__nvdimm(struct vm *vm, unsigned int slot);
const char *vm__nvdimm_id(const struct vm *vm, unsigned int slot);
/* The slot of the device @id, or -ENOENT with a message. */
int vm__find_nvdimm(const struct vm *vm, const char *id);

/* What a hot-plug asks for (the same checks as --nvdimm apply). */
struct vm_nvdimm_request {
	const struct nvdimm_config *cfg;
	const char *id;		/* NULL or "": "nvdimmSLOT" */
	int slot;		/* < 0: the lowest free one */
	unsigned int timeout_s;	/* for the guest to take it */
};

#define VM_HOTPLUG_TIMEOUT_DEFAULT	30
#define VM_HOTPLUG_TIMEOUT_MAX		3600

/*
 * Hot-plug a vNVDIMM into the running guest, or ask the guest to give one
 * back and remove it once it has (main thread, from a callback of the
 * VM's event loop). A request refused at once returns a negative errno
 * with a message and nothing changed: -ESHUTDOWN no guest runs, -EBUSY
 * it is paused (hot-plug needs the guest: resume first), -EINPROGRESS
 * another hot-plug is under way, -ENOENT no such device, -EEXIST the
 * slot, id or file is taken, -ENOSPC no free slot, -EINVAL a bad request,
 * or the backing's error. Else 0, and @done(@ctx, ...) is called exactly
 * once, later, from the event loop: 0 once the guest has the device (or
 * it is in the tree of a boot that started meanwhile) or has given it
 * back (the backing flushed and closed), or -ETIMEDOUT when the guest did
 * not answer in time (an added device is taken back, or asked back when
 * the guest is part way through; a removed one stays attached and goes
 * when the guest gives it back), or -ESHUTDOWN when the VM stopped.
 */
int vm__add_nvdimm(struct vm *vm, const struct vm_nvdimm_request *req,
		   vm_hotplug_done_fn done, void *ctx);
int vm__remove_nvdimm(struct vm *vm, const char *id, unsigned int timeout_s,
		      vm_hotplug_done_fn done, void *ctx);

/*
 * Close the devices (flushing every vNVDIMM); @never_ran: the guest never
 * started, so undo what opening created on the host.
 */
void vm__close(struct vm *vm, bool never_ran);

/*
 * Then the rest: the event loop and what it watched. Whatever else
 * watched the loop (the control socket) is closed before this.
 */
void vm__free(struct vm *vm);

#endif
