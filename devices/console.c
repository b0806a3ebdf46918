// SPDX-License-Identifier: GPL-2.0
/*
 * The hvterm console (/vdevice/vty, hvc0 in the guest): output goes
 * straight to a file descriptor, input waits in a ring until the guest
 * polls it with H_GET_TERM_CHAR.
 */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/console.h"
#include "lkvm/device.h"
#include "lkvm/fdt.h"
#include "lkvm/hcall.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/rtas.h"
#include "lkvm/util.h"

/* Both term hcalls carry at most 16 bytes in two registers. */
#define TERM_MAX_CHARS	16

static int console_fdt_node(const struct device *dev, struct fdt_writer *w)
{
	return fdt__vty_node(w, dev->node_name, dev->index);
}

const struct device_ops console_device_ops = {
	.kind = "vty",
	.bus = DEVICE_BUS_VDEVICE,
	.fdt_node = console_fdt_node,
};

void console__init(struct console *c, int out_fd)
{
	memset(c, 0, sizeof(*c));
	c->out_fd = out_fd;
	pthread_mutex_init(&c->lock, NULL);
	c->dev.ops = &console_device_ops;
	c->dev.index = CONSOLE_VTY_REG;
	c->dev.is_stdout = true;
	snprintf(c->dev.node_name, sizeof(c->dev.node_name), "vty@%x",
		 CONSOLE_VTY_REG);
}

/* Queue one byte; the caller holds c->lock. A full ring drops it. */
static void console_push(struct console *c, uint8_t b)
{
	if (c->in_len >= CONSOLE_INPUT_SIZE)
		return;
	c->in[(c->in_head + c->in_len) % CONSOLE_INPUT_SIZE] = b;
	c->in_len++;
}

bool console__input(struct console *c, const uint8_t *buf, size_t len)
{
	bool quit = false;
	size_t i;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < len && !quit; i++) {
		uint8_t b = buf[i];

		if (!c->escape_pending) {
			if (b == CONSOLE_ESCAPE)
				c->escape_pending = true;	/* wait for the next byte */
			else
				console_push(c, b);
			continue;
		}
		c->escape_pending = false;
		if (b == 'x') {
			/* what follows the quit sequence is never seen */
			quit = true;
		} else if (b == CONSOLE_ESCAPE) {
			console_push(c, CONSOLE_ESCAPE);
		} else {
			/* not a command: the guest gets the escape too */
			console_push(c, CONSOLE_ESCAPE);
			console_push(c, b);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return quit;
}

size_t console__take(struct console *c, uint8_t *buf, size_t max)
{
	size_t n, i;

	pthread_mutex_lock(&c->lock);
	n = max < c->in_len ? max : c->in_len;
	for (i = 0; i < n; i++)
		buf[i] = c->in[(c->in_head + i) % CONSOLE_INPUT_SIZE];
	c->in_head = (c->in_head + n) % CONSOLE_INPUT_SIZE;
	c->in_len -= n;
	pthread_mutex_unlock(&c->lock);
	return n;
}

void console__set_stopping(struct console *c, bool stopping)
{
	atomic_store(&c->stopping, stopping);
}

void console__write(struct console *c, const uint8_t *buf, size_t len)
{
	struct pollfd out;
	ssize_t n;
	int ready;

	/* no console, or no terminal: poll() would skip a negative fd */
	if (!c || c->out_fd < 0)
		return;
	out.fd = c->out_fd;
	out.events = POLLOUT;
	while (len) {
		/*
		 * A stalled reader (a full pipe, a terminal paused with
		 * Ctrl-S) holds the vCPU here, as a real console would; but
		 * it must not hold a stop. write() is only entered once
		 * poll() says there is room, with no more than fits, and the
		 * stop flag is looked at at least every CONSOLE_STALL_MS.
		 */
		if (atomic_load(&c->stopping))
			return;
		ready = poll(&out, 1, CONSOLE_STALL_MS);
		if (ready == 0 || (ready < 0 && errno == EINTR))
			continue;
		if (ready < 0)
			return;
		/* room for PIPE_BUF bytes at least, when poll() says so */
		n = write(c->out_fd, buf, len < PIPE_BUF ? len : PIPE_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		/*
		 * Any other failure (closed pipe, full non-blocking fd) drops
		 * the rest: retrying could stall the vCPU for good.
		 */
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* The console the guest names @reg, pinned; NULL if there is none. */
static struct console *console_get(struct pseries *p, uint64_t reg)
{
	struct device *dev = device_registry__get(p->devices, reg,
						  &console_device_ops);

	return dev ? container_of(dev, struct console, dev) : NULL;
}

static void console_put(struct pseries *p, struct console *c)
{
	device_registry__put(p->devices, &c->dev);
}

/* args: terminal number, length, chars 0-7, chars 8-15 (big-endian) */
static long h_put_term_char(struct pseries *p, unsigned int cpu, uint64_t nr,
			    uint64_t *args)
{
	uint64_t words[2];
	uint64_t len = args[1];
	struct console *c;

	(void)cpu;
	(void)nr;
	if (len > TERM_MAX_CHARS)
		return H_PARAMETER;
	c = console_get(p, args[0]);
	if (!c)
		return H_PARAMETER;
	/* the first character is the most significant byte of args[2] */
	words[0] = htobe64(args[2]);
	words[1] = htobe64(args[3]);
	console__write(c, (const uint8_t *)words, len);
	console_put(p, c);
	return H_SUCCESS;
}

/* args in: terminal number; out: count, chars 0-7, chars 8-15 (big-endian) */
static long h_get_term_char(struct pseries *p, unsigned int cpu, uint64_t nr,
			    uint64_t *args)
{
	uint64_t words[2] = { 0, 0 };
	struct console *c;
	size_t n;

	(void)cpu;
	(void)nr;
	c = console_get(p, args[0]);
	if (!c)
		return H_PARAMETER;
	n = console__take(c, (uint8_t *)words, TERM_MAX_CHARS);
	console_put(p, c);
	args[0] = n;
	args[1] = be64toh(words[0]);
	args[2] = be64toh(words[1]);
	return H_SUCCESS;
}

/* RTAS display-character: one byte for the console, early in boot */
static void rtas_display_character(struct pseries *p, unsigned int cpu,
				   uint32_t nargs, const uint32_t *args,
				   uint32_t nret, uint32_t *rets)
{
	struct console *c;
	uint8_t ch;

	(void)cpu;
	if (!rtas__counts(nargs, 1, nret, 1, rets))
		return;
	ch = (uint8_t)args[0];
	/* RTAS names no terminal: the one vty lkvm has */
	c = console_get(p, CONSOLE_VTY_REG);
	if (c) {
		console__write(c, &ch, 1);
		console_put(p, c);
	}
	rets[0] = RTAS_OUT_SUCCESS;
}

int console__register(void)
{
	int ret;

	ret = hcall__register(H_PUT_TERM_CHAR, h_put_term_char);
	if (!ret)
		ret = hcall__register(H_GET_TERM_CHAR, h_get_term_char);
	if (ret)
		return lkvm__fail(ret, "cannot register the console hcalls");
	ret = rtas__register("display-character", rtas_display_character);
	if (ret < 0)
		return lkvm__fail(ret, "cannot register RTAS display-character");
	return 0;
}
