/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_UTIL_H
#define LKVM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)
/* The structure of type @type whose member @member is at @ptr. */
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/*
 * Errors travel up as negative errno values; the place that knows the cause
 * records one line of text with lkvm__fail(), and the command prints it once.
 * The text is per thread, so vCPU threads do not clobber each other.
 */
int lkvm__fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *lkvm__last_error(void);
void lkvm__clear_error(void);

/*
 * The few reports printed where they happen, below the command (--debug
 * notes, a panic report, warnings): one line "lkvm: <text>" on stderr,
 * written with a single write() so that lines from several threads never
 * interleave, and cut to LKVM_WARN_MAX bytes in all. Text that came from
 * the guest must be escaped (str_escape) by the caller. The line ends in
 * "\r\n" while the command has the terminal in raw mode, else in "\n".
 */
#define LKVM_WARN_MAX	4096	/* PIPE_BUF: even a pipe takes it whole */
void lkvm__warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The command says when it puts the terminal in raw mode and back. */
void lkvm__set_raw_terminal(bool raw);

/*
 * Parse a size such as "512M", "2G", "128K" or "4096" (bytes). Suffixes are
 * binary (K = 1024) and case-insensitive; an optional trailing "B"/"iB" is
 * accepted. Returns 0, or -EINVAL (malformed) / -ERANGE (overflows u64).
 */
int parse_size(const char *s, uint64_t *out);

/* Parse a decimal unsigned integer in [min, max]; same return convention. */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* CLOCK_MONOTONIC in nanoseconds: the clock of every lkvm time stamp. */
uint64_t lkvm__now_ns(void);

/*
 * The calling thread's CPU time in nanoseconds (CLOCK_THREAD_CPUTIME_ID):
 * with lkvm__now_ns around a call, what of it was work and what waiting.
 */
uint64_t lkvm__thread_cpu_ns(void);

/* The same clock in whole milliseconds, for deadlines. */
static inline uint64_t lkvm__now_ms(void)
{
	return lkvm__now_ns() / 1000000;
}

/*
 * Read exactly @len bytes at offset @off of @fd into @dst, through short
 * reads and EINTR; false on an error or the end of the file.
 */
bool read_fully(int fd, void *dst, size_t len, uint64_t off);

/*
 * Copy at most @len bytes of @src (less at a NUL) into @dst as one printable
 * line: newline, return and tab become \n \r \t, every other byte outside
 * printable ASCII becomes \xNN. Stops where the next character would not
 * fit in @size with the terminating NUL. Returns the length written.
 */
size_t str_escape(char *dst, size_t size, const char *src, size_t len);

/*
 * Is @s a name lkvm hands out and takes back (a VM's --name, a device's
 * id): 1 to @max letters, digits, '.', '_' or '-', not starting with '.'
 * or '-', so that it can name files and options?
 */
bool str_is_name(const char *s, size_t max);

struct stat;

/*
 * Open an existing regular file read-only, never anything else: a FIFO,
 * a device or a path swapped between the look and the open is refused
 * with a message naming @what and @path. Returns the fd (its final stat in
 * @st) or a negative errno.
 */
int open_regular(const char *path, const char *what, struct stat *st);

/* Format a size the way users write it ("2G", "2816M", "4097K", "12345"). */
const char *format_size(uint64_t bytes, char *buf, size_t len);

#endif
