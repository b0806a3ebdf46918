/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_API_H
#define LKVM_API_H

#include <stdbool.h>
#include <stdint.h>

#include "lkvm/http.h"
#include "lkvm/limits.h"

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
 * What the VM does for the API. Every call runs on the main thread (the
 * event loop's) and returns 0 or a negative errno with a message
 * (lkvm__fail); the route maps the errno to a status: -EALREADY,
 * -ESHUTDOWN, -EBUSY: 405 (wrong state); -ENOENT: 404; -EEXIST: 409;
 * -EINVAL: 400; -EOPNOTSUPP: 501; -ETIMEDOUT: 504; anything else: 500.
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
};

/* vm.shutdown's "timeout_s": seconds the guest has to power off */
#define API_SHUTDOWN_TIMEOUT_DEFAULT	30
#define API_SHUTDOWN_TIMEOUT_MAX	3600

/*
 * Answer one request: the route, the JSON, the status (api/routes.c).
 * An operation whose op is NULL answers 501. @reply->body is malloc'ed
 * (or NULL); the caller frees it.
 */
void api__handle(const struct api_vm_ops *ops, void *ctx,
		 const struct http_request *req, struct http_reply *reply);

/*
 * The operations api__handle serves, for clients and documentation checks:
 * route @i's name under API_PREFIX ("vm.info") and its method, or NULL
 * past the last.
 */
const char *api__route_name(unsigned int i, enum http_method *method);

#endif
