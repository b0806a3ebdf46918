/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_API_SOCKET_INTERNAL_H
#define LKVM_API_SOCKET_INTERNAL_H

#include <stdint.h>

/*
 * Make the socket file @path and listen on it (api/socket.c): its
 * directory checked or made, a stale socket replaced, mode 0600,
 * non-blocking. Returns the fd, with the file's identity in @dev and
 * @ino, or a negative errno with a message.
 */
int api_socket__listen(const char *path, uint64_t *dev, uint64_t *ino);

#endif
