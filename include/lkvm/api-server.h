/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_API_SERVER_H
#define LKVM_API_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lkvm/event-loop.h"
#include "lkvm/http.h"

/*
 * The control socket (api/server.c, api/server-conn.c, api/socket.c): a
 * Unix stream socket served on the main thread's event loop, HTTP/1.1
 * with persistent connections, one request at a time on each. A client is
 * untrusted and may be slow or broken: nothing ever blocks on it. Each
 * request must arrive whole within API_CLIENT_TIMEOUT_MS of the moment
 * its connection was ready for it (accepted, or the last reply sent), and
 * its reply be taken within as long again, else the connection is closed;
 * so a kept connection left idle is closed after API_CLIENT_TIMEOUT_MS.
 * A client beyond API_MAX_CLIENTS takes the slot of the connection idle
 * the longest, or is refused (503) and closed when none is idle.
 */
#define API_MAX_CLIENTS		16
#define API_CLIENT_TIMEOUT_MS	5000	/* the request, the reply, idleness */
#define API_SOCKET_PATH_MAX	108	/* sun_path, with its NUL */

/*
 * Where sockets live by default: $LKVM_RUN_DIR if set, else /run/lkvm for
 * root, else $XDG_RUNTIME_DIR/lkvm; never $HOME. Both variables must hold
 * absolute paths (a relative XDG_RUNTIME_DIR counts as unset, as the XDG
 * rules say). 0, or a negative errno with a message when none applies.
 * `lkvm list` scans this directory.
 */
int api_socket__dir(char *out, size_t len);
/*
 * The socket of the VM @name: @override (--api-socket) if not NULL, else
 * DIR/@name.sock. 0, or a negative errno with a message: no directory,
 * or a path too long for a Unix socket (-ENAMETOOLONG).
 */
int api_socket__path(const char *name, const char *override, char *out,
		     size_t len);
/* Does something listen on @path? (a connect that succeeds) */
bool api_socket__is_live(const char *path);
/*
 * A stream socket connected to @path (@flags: SOCK_NONBLOCK or 0; always
 * close-on-exec), or a negative errno without a message: -ENAMETOOLONG
 * for a path no Unix socket can have, else socket's or connect's.
 */
int api_socket__connect(const char *path, int flags);

/*
 * Answer one request: set @reply's status and (malloc'ed, unless 204) JSON
 * body, which the server frees; or keep @later and set @reply->later, to
 * answer through it once the operation is done (the connection waits,
 * with no deadline: the operation has its own, and a client that hangs
 * up meanwhile is closed and its answer dropped). Called on the event
 * loop's thread; it must not close the server.
 */
typedef void (*api_handler_fn)(void *ctx, const struct http_request *req,
			       struct http_reply *reply,
			       const struct http_later *later);

struct api_server;

/* One connection; a free slot has fd -1. */
struct api_client {
	struct api_server *server;
	int fd;
	uint64_t deadline_ns;	/* CLOCK_MONOTONIC (lkvm__now_ns) */
	unsigned int served;	/* requests answered on it so far */
	bool keep;		/* the reply being sent is not the last */
	bool deferred;		/* a pipelined request waits for its turn */
	bool waiting;		/* for a later answer, to @later_token */
	uint64_t later_token;
	struct http_conn conn;
	char *out;		/* the reply's bytes, once there is a reply */
	size_t out_len, out_sent;
	uint32_t watched;	/* its events on the loop; 0: not on it */
};

struct api_server {
	bool open;		/* false: zeroed, failed to open, or closed */
	int fd;			/* listening, or -1 */
	int timer_fd;		/* armed for the earliest deadline, or before */
	uint64_t armed_ns;	/* when it fires; 0: not armed */
	unsigned int owner;	/* our effective uid: who may connect */
	struct event_loop *loop;
	api_handler_fn handle;
	void *ctx;
	unsigned int timeout_ms;	/* API_CLIENT_TIMEOUT_MS; tests shorten it */
	unsigned int nr_clients;
	uint64_t later_gen;	/* makes each later answer's token unique */
	bool accept_paused;	/* out of fds: accept again on the timer */
	char path[API_SOCKET_PATH_MAX];
	uint64_t dev, ino;	/* the socket file made, to remove only it */
	struct api_client client[API_MAX_CLIENTS];
};

/*
 * Listen on @path and serve it on @loop, calling @handle(@ctx, ...) for
 * each request. The directory is made (0700) if missing, and refused if
 * another user owns it or others may write to it (unless sticky, like
 * /tmp: there no one else can take our socket away). A socket file where
 * nothing listens is replaced; one where something does is refused
 * (-EADDRINUSE: "a VM named NAME is already running"), and so is any other
 * file. The socket is 0600. 0 or a negative errno with a message; after a
 * failure nothing is left open or watched. Call it before the main
 * thread's seccomp filter: it makes sockets.
 */
int api_server__open(struct api_server *s, const char *path,
		     struct event_loop *loop, api_handler_fn handle, void *ctx);
/*
 * Close every client (replies not yet sent are dropped), stop listening
 * and remove the socket file if it is still the one we made. A no-op on a
 * server that is not open: zeroed, failed to open, or closed already.
 */
void api_server__close(struct api_server *s);

#endif
