/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_API_SERVER_INTERNAL_H
#define LKVM_API_SERVER_INTERNAL_H

#include <stdbool.h>

#include "lkvm/api-server.h"

/* One request's or one reply's time, and an idle connection's. */
#define NS_PER_MS	1000000ULL

/*
 * api/server-conn.c: one client's connection, its requests and replies
 * in turn, each callback one bounded step on the event loop.
 */

/*
 * Serve @fd, just accepted, in the free slot @c: what the client has
 * sent by now is read and answered at once; what has not waits on the
 * loop. @c may be free again on return.
 */
void api_conn__start(struct api_server *s, struct api_client *c, int fd);
/* Close @c with nothing said; its slot is free. */
void api_conn__drop(struct api_client *c);
/*
 * Is @c a kept connection with nothing under way: answered, and nothing
 * of the next request read? The server may close it at any time, as
 * HTTP/1.1 allows.
 */
bool api_conn__idle(const struct api_client *c);
/*
 * @c's deadline has passed: a request under way, or none yet on a new
 * connection, is answered 408 if the socket takes it at once; an idle
 * kept connection is just closed. Its slot is free.
 */
void api_conn__expire(struct api_client *c);
/*
 * The answer @later promised (http_later.answer): to the client it names
 * if it still waits, else dropped; @reply's body is freed either way.
 */
void api_conn__answer_later(void *server, uint64_t token,
			    struct http_reply *reply);
/* One try, no waiting, to answer @status on @fd, about to be closed. */
void api_conn__send_error_once(int fd, int status, const char *message);

/* api/server.c: what a connection's changes mean for the server. */

/* Have the timer fire by the earliest deadline (a syscall only if earlier). */
void api_server__arm_timer(struct api_server *s);
/* A slot was freed: accept again if that had stopped, re-arm the timer. */
void api_server__slot_freed(struct api_server *s);

#endif
