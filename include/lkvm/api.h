/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_API_H
#define LKVM_API_H

#include <stdbool.h>
#include <stdint.h>

#include "lkvm/http.h"
#include "lkvm/limits.h"
#include "lkvm/nvdimm.h"

/*
 * The control API (api/): Cloud Hypervisor's conventions, HTTP/1.1 with
 * JSON bodies on a Unix stream socket, RPC-style paths under /api/v1/.
 * The routes turn requests into calls of struct api_vm_ops, which the VM
 * (vm/) implements and unit tests fake; nothing here touches a machine.
 */
#define API_VERSION		"0.1.0"
#define API_PREFIX		"/api/v1/"

enum api_vm_state {
	API_VM_RUNNING,
	API_VM_PAUSED,
	API_VM_SHUTDOWN,
};

enum api_backing_kind {
	API_BACKING_PAGE_CACHE,	/* a file in the page cache: flushes fdatasync */
	API_BACKING_DEVDAX,	/* device DAX */
	API_BACKING_DAX_FILE,	/* a file on a DAX filesystem: real pmem */
};

struct api_nvdimm_info {
	char id[32];			/* "nvdimm0": the slot's */
	char file[4096];
	unsigned int slot;
	uint32_t drc_index;
	uint64_t size;
	uint64_t label_size;
	char uuid[37];
	bool readonly;
	enum api_backing_kind backing;
	bool flush_hcall;		/* the guest must call H_SCM_FLUSH */
};

struct api_vm_info {
	char name[65];
	enum api_vm_state state;
	char kernel[4096];
	char initrd[4096];		/* "" when none */
	char cmdline[4096];
	uint64_t memory;		/* bytes of RAM */
	unsigned int vcpus;
	unsigned int nr_nvdimms;
	struct api_nvdimm_info nvdimm[LKVM_MAX_NVDIMMS];
};

/*
 * vm.counters: named counters per vCPU ("vcpu0": exits by reason, hcalls
 * by number) and per vNVDIMM ("nvdimm0": label reads and writes, flushes,
 * flush time, ...). The sets are the VM's to fill, in order.
 */
#define API_COUNTER_NAME_MAX	32
#define API_MAX_COUNTERS	48	/* per set */

struct api_counter {
	char name[API_COUNTER_NAME_MAX];
	uint64_t value;
};

struct api_counter_set {
	char id[API_COUNTER_NAME_MAX];
	unsigned int nr;
	struct api_counter c[API_MAX_COUNTERS];
};

/*
 * vm.add-nvdimm's request, its shape checked: @cfg as --nvdimm would give
 * it (the backing's own checks are the VM's), @id "" for the slot's own
 * name, @slot -1 for the lowest free one.
 */
#define API_DEVICE_ID_MAX	31	/* bytes, without the NUL */

struct api_nvdimm_add {
	struct nvdimm_config cfg;
	char id[API_DEVICE_ID_MAX + 1];
	int slot;
	unsigned int timeout_s;		/* for the guest to take the device */
};

#define API_HOTPLUG_TIMEOUT_DEFAULT	30
#define API_HOTPLUG_TIMEOUT_MAX		3600


/*
 * The replies of the later answers, for the VM side to send: the device
 * added (200, {id, slot, drc_index, region_size, label_size, file}) or
 * removed (204), or for @err < 0 the error reply with lkvm__last_error()
 * as its message and the status api__handle gives @err.
 */
void api__added_reply(struct http_reply *reply, int err,
		      const struct api_nvdimm_info *dev);
void api__removed_reply(struct http_reply *reply, int err);

/*
 * What the VM does for the API. Every call runs on the main thread (the
 * event loop's) and returns 0 or a negative errno with a message
 * (lkvm__fail); the route maps the errno to a status: -EALREADY,
 * -ESHUTDOWN, -EBUSY: 405 (wrong state); -ENOENT: 404; -EEXIST: 409;
 * -EINVAL: 400; -EOPNOTSUPP: 501; -ETIMEDOUT: 504; -EINPROGRESS and
 * -ENOSPC: 409 as well; anything else: 500.
 */
struct api_vm_ops {
	int (*info)(void *ctx, struct api_vm_info *out);
	/* answer only once every vCPU has stopped, or started again */
	int (*pause)(void *ctx);
	int (*resume)(void *ctx);
	/* an orderly power-off request, a forced stop after @timeout_s */
	int (*shutdown)(void *ctx, unsigned int timeout_s);
	/* stop now (every vNVDIMM is flushed on the way out) */
	int (*vmm_shutdown)(void *ctx);
	/*
	 * Fill up to @max sets; returns how many, or a negative errno.
	 * @sets has room for @max.
	 */
	int (*counters)(void *ctx, struct api_counter_set *sets, unsigned int max);
	/*
	 * Hot-plug and hot-unplug: 0 when the request is under way (@later
	 * is answered once, later), or a negative errno at once.
	 */
	int (*add_nvdimm)(void *ctx, const struct api_nvdimm_add *req,
			  const struct http_later *later);
	int (*remove_device)(void *ctx, const char *id, unsigned int timeout_s,
			     const struct http_later *later);
};

/* vm.shutdown's "timeout_s": seconds the guest has to power off */
#define API_SHUTDOWN_TIMEOUT_DEFAULT	30
#define API_SHUTDOWN_TIMEOUT_MAX	3600

/*
 * Answer one request: the route, the JSON, the status (api/routes.c).
 * An operation whose op is NULL answers 501. @reply->body is malloc'ed
 * (or NULL); the caller frees it. @later (NULL: none) is how a route
 * answers later; it then sets @reply->later and leaves the rest.
 */
void api__handle(const struct api_vm_ops *ops, void *ctx,
		 const struct http_request *req, struct http_reply *reply,
		 const struct http_later *later);

/*
 * The operations api__handle serves, for clients and documentation checks:
 * route @i's name under API_PREFIX ("vm.info") and its method, or NULL
 * past the last.
 */
const char *api__route_name(unsigned int i, enum http_method *method);

#endif
