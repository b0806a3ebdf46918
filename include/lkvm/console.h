/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CONSOLE_H
#define LKVM_CONSOLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lkvm/device.h"

/* The vty's reg in /vdevice: the terminal number the guest passes in r4. */
#define CONSOLE_VTY_REG 0x30000000

#define CONSOLE_INPUT_SIZE 4096

/* Ctrl-A x quits, as in kvmtool; Ctrl-A Ctrl-A sends one Ctrl-A. */
#define CONSOLE_ESCAPE 0x01

/* The hvterm console: guest output to a file descriptor, input from a ring. */
struct console {
	struct device dev;	/* in the machine's registry: index = vty reg */
	int out_fd;
	pthread_mutex_t lock;
	uint8_t in[CONSOLE_INPUT_SIZE];
	size_t in_head, in_len;
	bool escape_pending;
	_Atomic bool stopping;	/* the VM stops: drop output, never wait */
};

/* How often a writer held by a stalled reader looks for a stop. */
#define CONSOLE_STALL_MS 50

/* The console's device operations: a vty under /vdevice, /chosen's stdout. */
extern const struct device_ops console_device_ops;

/*
 * The console kind serves H_PUT_TERM_CHAR, H_GET_TERM_CHAR and RTAS
 * display-character, for the console the guest names. Once, at program
 * start: 0 or a negative errno with a message.
 */
int console__register(void);

/* A console writing to @out_fd, ready to be added to a machine's registry. */
void console__init(struct console *c, int out_fd);

/*
 * Feed bytes typed by the user. Returns true when the quit sequence was
 * seen (the bytes before it are queued for the guest). Input beyond the
 * ring's room is dropped.
 */
bool console__input(struct console *c, const uint8_t *buf, size_t len);

/* Take up to @max queued input bytes; returns how many. */
size_t console__take(struct console *c, uint8_t *buf, size_t max);

/*
 * Write guest output to out_fd, all of it despite EINTR and short writes,
 * waiting for a stalled reader, but never once the console is stopping.
 * Errors are dropped: they are the host's problem, not the guest's. A NULL
 * @c discards the bytes.
 */
void console__write(struct console *c, const uint8_t *buf, size_t len);

/* While @stopping, output is dropped and a writer waiting for room leaves. */
void console__set_stopping(struct console *c, bool stopping);

#endif
