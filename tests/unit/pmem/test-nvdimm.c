// SPDX-License-Identifier: GPL-2.0
/*
 * vNVDIMM backings on real files in a scratch directory under /tmp:
 * creation and size rules, GUID records, ro, locking and flush.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "expect-error.h"

#include "scratch-fixture.h"

#include "lkvm/config.h"
#include "lkvm/nvdimm.h"
#include "lkvm/util.h"

#define SIZE	(256 * MiB)
#define LABEL	(128 * KiB)
#define WANT	(SIZE + LABEL)		/* 268566528 */
#define UUID_A	"0f1e2d3c-4b5a-4697-8877-665544332211"
#define UUID_B	"aabbccdd-eeff-4011-9233-445566778899"

static void cfg_for(struct nvdimm_config *cfg, const char *path, const char *extra)
{
	char arg[PATH_MAX + 64];

	snprintf(arg, sizeof(arg), "%s,256M,128K%s", path, extra);
	assert_int_equal(nvdimm_config__parse(arg, cfg), 0);
}

static int open_path(struct nvdimm *d, const char *path, const char *extra)
{
	struct nvdimm_config cfg;

	cfg_for(&cfg, path, extra);
	return nvdimm__open(d, &cfg, 0);
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* FNV-style hash of every byte, 8 at a time: sparse gigabytes stay quick. */
static uint64_t file_sum(const char *path)
{
	static uint64_t buf[1 << 17];
	uint64_t h = 0xcbf29ce484222325ULL;
	ssize_t n, i;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		memset((char *)buf + n, 0, (8 - n % 8) % 8);
		for (i = 0; i < (n + 7) / 8; i++)
			h = (h ^ buf[i]) * 0x100000001b3ULL;
		h ^= (uint64_t)n;
	}
	assert_true(n == 0);
	close(fd);
	return h;
}

static void make_file(const char *path, off_t size, mode_t mode)
{
	static const char pat[] = "lkvm-pattern";
	int fd = open(path, O_CREAT | O_EXCL | O_RDWR, mode);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	if (size >= (off_t)sizeof(pat)) {
		assert_int_equal(pwrite(fd, pat, sizeof(pat), 0), sizeof(pat));
		assert_int_equal(pwrite(fd, pat, sizeof(pat), size - sizeof(pat)),
				 sizeof(pat));
	}
	if (size > (off_t)SIZE)
		assert_int_equal(pwrite(fd, pat, sizeof(pat), SIZE), sizeof(pat));
	close(fd);
}

static void read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

static void check_open_state(const struct nvdimm *d, unsigned int slot)
{
	assert_int_equal(d->slot, slot);
	assert_true(d->drc_index == (NVDIMM_DRC_BASE | slot));
	assert_true(d->fd >= 0);
	assert_non_null(d->map);
	assert_true(d->map_len == WANT);
	assert_ptr_equal(d->data, d->map);
	assert_ptr_equal(d->label, d->map + SIZE);
	assert_non_null(d->ops);
	assert_true(d->attach_time_ns > 0);
	assert_int_equal(strlen(d->uuid_str), 36);
	/* /tmp is no DAX file system: page cache, so flushes go to the host */
	assert_false(d->is_pmem);
	assert_true(d->needs_flush_hcall);
	assert_false(d->is_devdax);
}

static void test_create_missing(void **state)
{
	struct scratch *s = *state;
	struct nvdimm d;
	struct stat st;

	assert_false(exists(s->path));
	assert_int_equal(open_path(&d, s->path, ""), 0);
	check_open_state(&d, 0);
	assert_int_equal(stat(s->path, &st), 0);
	assert_true(st.st_size == (off_t)WANT);
	/* really reserved (posix_fallocate), not a sparse hole */
	assert_true((uint64_t)st.st_blocks * 512 >= WANT);
	assert_int_equal(st.st_mode & 0777, 0600);
	nvdimm__close(&d);
	assert_true(file_size(s->path) == (off_t)WANT);
}

/* A run whose guest never started takes back what opening did. */
static void test_discard_undoes_open(void **state)
{
	struct scratch *s = *state;
	struct nvdimm d;

	/* a new backing and its GUID record: both gone */
	assert_int_equal(open_path(&d, s->path, ""), 0);
	assert_true(exists(s->path) && exists(s->rec));
	nvdimm__discard(&d);
	assert_false(exists(s->path));
	assert_false(exists(s->rec));
	assert_int_equal(d.fd, -1);
	nvdimm__discard(&d);	/* idempotent, like close */

	/* an empty file given its blocks: empty again, still there */
	make_file(s->path, 0, 0644);
	assert_int_equal(open_path(&d, s->path, ""), 0);
	assert_true(file_size(s->path) == (off_t)WANT);
	nvdimm__discard(&d);
	assert_true(file_size(s->path) == 0);
	assert_false(exists(s->rec));

	/* an existing backing with its record: left exactly as it was */
	assert_int_equal(open_path(&d, s->path, ""), 0);
	nvdimm__close(&d);
	assert_true(exists(s->rec));
	assert_int_equal(open_path(&d, s->path, ""), 0);
	memset(d.data, 0x77, 16);
	nvdimm__discard(&d);
	assert_true(file_size(s->path) == (off_t)WANT);
	assert_true(exists(s->rec));
}

static void test_create_empty(void **state)
{
	struct scratch *s = *state;
	struct nvdimm_config cfg;
	struct nvdimm d;
	struct stat st;

	make_file(s->path, 0, 0644);
	cfg_for(&cfg, s->path, "");
	assert_int_equal(nvdimm__open(&d, &cfg, 3), 0);
	check_open_state(&d, 3);
	assert_int_equal(stat(s->path, &st), 0);
	assert_true(st.st_size == (off_t)WANT);
	assert_true((uint64_t)st.st_blocks * 512 >= WANT);
	assert_int_equal(st.st_mode & 0777, 0644);	/* the user's file, as it was */
	nvdimm__close(&d);
}

static void test_exact_size_unchanged(void **state)
{
	struct scratch *s = *state;
	struct stat before, after;
	struct nvdimm d;
	uint64_t sum;

	make_file(s->path, WANT, 0600);
	sum = file_sum(s->path);
	assert_int_equal(stat(s->path, &before), 0);
	assert_int_equal(open_path(&d, s->path, ""), 0);
	check_open_state(&d, 0);
	assert_memory_equal(d.data, "lkvm-pattern", 13);
	assert_memory_equal(d.label, "lkvm-pattern", 13);
	assert_memory_equal(d.label + LABEL - 13, "lkvm-pattern", 13);
	nvdimm__close(&d);
	assert_int_equal(stat(s->path, &after), 0);
	assert_true(after.st_size == before.st_size);
	assert_true(after.st_blocks == before.st_blocks);
	assert_true(after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
		    after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
	assert_true(file_sum(s->path) == sum);
}

static void test_wrong_size_refused(void **state)
{
	static const off_t sizes[] = { 1234, WANT - 1, WANT + 4096 };
	struct scratch *s = *state;
	char msg[256];
	struct nvdimm d;
	unsigned int i;
	uint64_t sum;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		make_file(s->path, sizes[i], 0600);
		sum = file_sum(s->path);
		snprintf(msg, sizeof(msg), "%s is %lld bytes, expected 268566528 (256M + 128K)",
			 s->path, (long long)sizes[i]);
		expect_error(open_path(&d, s->path, ""), msg);
		assert_true(d.fd == -1 && !d.map);
		expect_error(open_path(&d, s->path, ",ro"), msg);
		assert_true(file_size(s->path) == sizes[i]);
		assert_true(file_sum(s->path) == sum);
		assert_false(exists(s->rec));	/* nothing created */
		nvdimm__close(&d);		/* harmless after a failed open */
		assert_int_equal(unlink(s->path), 0);
	}
}

static void test_not_a_file(void **state)
{
	struct scratch *s = *state;
	char path[256];
	struct nvdimm d;

	expect_error(open_path(&d, s->dir, ""), "is a directory");
	expect_error(open_path(&d, "/dev/null", ""), "/dev/null is a character device but not device DAX");
	snprintf(path, sizeof(path), "%s/no-such-dir/pmem", s->dir);
	expect_error(open_path(&d, path, ""), "cannot create");
	expect_error(open_path(&d, path, ""), "No such file or directory");
	assert_int_equal(symlink("nowhere", s->path), 0);
	expect_error(open_path(&d, s->path, ""), "dangling symbolic link");
	assert_false(exists(s->rec));
}

static void test_ro_needs_a_full_backing(void **state)
{
	struct scratch *s = *state;
	struct nvdimm d;

	expect_error(open_path(&d, s->path, ",ro"), "does not exist");
	assert_false(exists(s->path));
	make_file(s->path, 0, 0600);
	expect_error(open_path(&d, s->path, ",ro"), "is empty");
	assert_true(file_size(s->path) == 0);
	assert_false(exists(s->rec));
}

/*
 * Checks as an unprivileged user (root ignores file modes, so drop to
 * nobody first). Runs in a child; the exit status is the failed step.
 */
static int unprivileged_checks(struct scratch *s)
{
	char path[256];
	struct nvdimm d;
	int step = 0;

	if (geteuid() == 0 && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
			       setresuid(65534, 65534, 65534)))
		return 100;
#define CHECK(cond) do { step++; if (!(cond)) return step; } while (0)
#define HAS(frag) (strstr(lkvm__last_error(), frag) != NULL)
	/* an existing full file we may read but not write */
	CHECK(open_path(&d, s->path, "") == -EACCES);
	CHECK(HAS("cannot open") && HAS(s->path) && HAS("Permission denied"));
	/* a new file in a directory we may not write */
	snprintf(path, sizeof(path), "%s/new", s->dir);
	CHECK(open_path(&d, path, "") == -EACCES && HAS("cannot create"));
	CHECK(!exists(path));
	/* ro without uuid= and nowhere to record a GUID: told to pass uuid= */
	CHECK(open_path(&d, s->path, ",ro") < 0 && HAS("uuid="));
	CHECK(!exists(s->rec));
	/* ro with uuid= works without a record */
	CHECK(open_path(&d, s->path, ",ro,uuid=" UUID_A) == 0);
	CHECK(!strcmp(d.uuid_str, UUID_A));
	nvdimm__close(&d);
	/* unreadable */
	snprintf(path, sizeof(path), "%s/secret", s->dir);
	CHECK(open_path(&d, path, ",ro") == -EACCES && HAS("for reading"));
	return 0;
#undef CHECK
#undef HAS
}

static void test_unwritable_refused(void **state)
{
	struct scratch *s = *state;
	char path[256];
	uint64_t sum;
	pid_t pid;
	int status;

	make_file(s->path, WANT, 0444);
	snprintf(path, sizeof(path), "%s/secret", s->dir);
	make_file(path, WANT, 0000);
	sum = file_sum(s->path);
	if (geteuid() != 0)
		chmod(s->dir, 0555);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(unprivileged_checks(s));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	chmod(s->dir, 0755);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status))
		fail_msg("unprivileged check %d failed", WEXITSTATUS(status));
	assert_true(file_sum(s->path) == sum);
	assert_true(file_size(s->path) == (off_t)WANT);
}

static void test_guid_stable(void **state)
{
	struct scratch *s = *state;
	char first[NVDIMM_UUID_STR_LEN], line[64], alias[128], alias_rec[160];
	uint8_t u[NVDIMM_UUID_LEN];
	struct nvdimm d;

	assert_int_equal(open_path(&d, s->path, ""), 0);
	strcpy(first, d.uuid_str);
	assert_int_equal(uuid__parse(first, u), 0);
	assert_memory_equal(u, d.uuid, sizeof(u));
	assert_int_equal(first[14], '4');			/* version 4 */
	assert_non_null(strchr("89ab", first[19]));		/* RFC 4122 variant */
	nvdimm__close(&d);

	read_text(s->rec, line, sizeof(line));
	assert_int_equal(strlen(line), 37);
	assert_int_equal(line[36], '\n');
	line[36] = '\0';
	assert_string_equal(line, first);

	assert_int_equal(open_path(&d, s->path, ""), 0);
	assert_string_equal(d.uuid_str, first);
	nvdimm__close(&d);
	assert_int_equal(open_path(&d, s->path, ",ro"), 0);
	assert_string_equal(d.uuid_str, first);
	nvdimm__close(&d);

	/* by another name: the record belongs to the file, not to its name */
	snprintf(alias, sizeof(alias), "%s/alias", s->dir);
	snprintf(alias_rec, sizeof(alias_rec), "%s.uuid", alias);
	assert_int_equal(symlink("pmem0", alias), 0);
	assert_int_equal(open_path(&d, alias, ""), 0);
	assert_string_equal(d.uuid_str, first);
	nvdimm__close(&d);
	assert_false(exists(alias_rec));

	/* a record that is not a UUID is refused, not replaced */
	assert_int_equal(unlink(s->rec), 0);
	make_file(s->rec, 40, 0644);
	expect_error(open_path(&d, s->path, ""), "does not hold one UUID line");
	assert_true(file_size(s->rec) == 40);
	/* ... and checked before a missing backing would be created */
	assert_int_equal(unlink(s->path), 0);
	expect_error(open_path(&d, s->path, ""), "does not hold one UUID line");
	assert_false(exists(s->path));
}

static void test_uuid_option(void **state)
{
	struct scratch *s = *state;
	char line[64];
	struct nvdimm d;

	assert_int_equal(open_path(&d, s->path, ",uuid=0F1E2D3C-4B5A-4697-8877-665544332211"), 0);
	assert_string_equal(d.uuid_str, UUID_A);
	nvdimm__close(&d);
	read_text(s->rec, line, sizeof(line));
	assert_string_equal(line, UUID_A "\n");

	assert_int_equal(open_path(&d, s->path, ""), 0);
	assert_string_equal(d.uuid_str, UUID_A);
	nvdimm__close(&d);

	/* a different uuid= wins for that run; the record is kept */
	assert_int_equal(open_path(&d, s->path, ",uuid=" UUID_B), 0);
	assert_string_equal(d.uuid_str, UUID_B);
	nvdimm__close(&d);
	read_text(s->rec, line, sizeof(line));
	assert_string_equal(line, UUID_A "\n");
	assert_int_equal(open_path(&d, s->path, ""), 0);
	assert_string_equal(d.uuid_str, UUID_A);
	nvdimm__close(&d);
}

/*
 * A read-only backing is mapped shared and read-only: no store through the
 * mapping (what the guest's stores become) can succeed, so none can copy
 * pages into host memory or reach the file.
 */
static void test_ro_mapping_refuses_stores(void **state)
{
	struct scratch *s = *state;
	struct nvdimm d;
	uint64_t sum;
	pid_t pid;
	int status;

	make_file(s->path, WANT, 0444);
	sum = file_sum(s->path);
	assert_int_equal(open_path(&d, s->path, ",ro"), 0);
	check_open_state(&d, 0);
	assert_memory_equal(d.data, "lkvm-pattern", 13);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);	/* not cmocka's handler */
		memset(d.data, 0xa5, 8192);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	assert_memory_equal(d.data, "lkvm-pattern", 13);
	assert_int_equal(nvdimm__flush(&d), 0);
	nvdimm__close(&d);
	assert_true(file_sum(s->path) == sum);
}

static void test_lock(void **state)
{
	struct scratch *s = *state;
	struct nvdimm a, b, c;

	assert_int_equal(open_path(&a, s->path, ""), 0);
	expect_error(open_path(&b, s->path, ""), "is in use by another lkvm (locked)");
	expect_error(open_path(&b, s->path, ""), s->path);
	expect_error(open_path(&b, s->path, ",ro"), "in use by another lkvm");
	nvdimm__close(&a);

	assert_int_equal(open_path(&b, s->path, ",ro"), 0);
	assert_int_equal(open_path(&c, s->path, ",ro"), 0);	/* readers share */
	expect_error(open_path(&a, s->path, ""), "in use by another lkvm");
	nvdimm__close(&b);
	nvdimm__close(&c);

	assert_int_equal(open_path(&a, s->path, ""), 0);
	nvdimm__close(&a);
}

static void expect_bytes(int fd, off_t off, int val, size_t len)
{
	static uint8_t buf[LABEL];
	size_t i;

	assert_int_equal(pread(fd, buf, len, off), (ssize_t)len);
	for (i = 0; i < len; i++)
		if (buf[i] != val)
			fail_msg("byte %lld is 0x%x, expected 0x%x",
				 (long long)(off + i), buf[i], val);
}

/*
 * Dirty and under-writeback pages of a file, from cachestat(2) (Linux 6.5;
 * the same number on every architecture). -1 where it is missing, as under
 * an older qemu-user, and where the file lives in memory (tmpfs, ramfs):
 * such pages are never dirty for writeback, so there is nothing to measure.
 */
static long long unwritten_range(int fd, uint64_t off, uint64_t len)
{
	struct { uint64_t off, len; } range = { off, len };	/* len 0: to the end */
	struct { uint64_t cache, dirty, writeback, evicted, recent; } cs;
	struct statfs fs;

	if (fstatfs(fd, &fs) < 0 || fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC)
		return -1;
	if (syscall(451, fd, &range, &cs, 0) < 0)
		return -1;
	return cs.dirty + cs.writeback;
}

static long long unwritten_pages(int fd)
{
	return unwritten_range(fd, 0, 0);
}

static void test_flush_reaches_file(void **state)
{
	struct scratch *s = *state;
	struct nvdimm d;
	long long dirty;
	int fd;

	assert_int_equal(open_path(&d, s->path, ""), 0);
	memset(d.data, 0x11, 4096);
	memset(d.data + SIZE - 4096, 0x22, 4096);
	memset(d.label, 0x33, LABEL);
	dirty = unwritten_pages(d.fd);
	assert_int_equal(nvdimm__flush(&d), 0);
	assert_false(d.flush_failed);
	/* written back to the disk, not only visible through the page cache */
	if (dirty >= 0) {
		assert_true(dirty > 0);
		assert_int_equal(unwritten_pages(d.fd), 0);
	}

	fd = open(s->path, O_RDONLY);
	assert_true(fd >= 0);
	expect_bytes(fd, 0, 0x11, 4096);
	expect_bytes(fd, SIZE - 4096, 0x22, 4096);
	expect_bytes(fd, SIZE, 0x33, LABEL);		/* the label at offset SIZE */
	expect_bytes(fd, 4096, 0, 4096);

	/* written after the last flush: close flushes it too */
	memset(d.label + 64, 0x44, 8);
	nvdimm__close(&d);
	expect_bytes(fd, SIZE + 64, 0x44, 8);
	close(fd);
}

/* The label flusher's flush: the label area reaches the disk, the region's
 * dirty pages stay for the guest's own flush. */
static void test_label_flush_is_label_only(void **state)
{
	struct scratch *s = *state;
	struct nvdimm d;
	long long data_dirty;
	int fd;

	assert_int_equal(open_path(&d, s->path, ""), 0);
	memset(d.data, 0x55, 4096);
	memset(d.label, 0x66, LABEL);
	assert_int_equal(d.ops->flush_labels(&d), 0);
	assert_false(d.flush_failed);
	data_dirty = unwritten_range(d.fd, 0, SIZE);
	if (data_dirty >= 0) {
		assert_int_equal(unwritten_range(d.fd, SIZE, LABEL), 0);
		assert_true(data_dirty > 0);
	}
	fd = open(s->path, O_RDONLY);
	assert_true(fd >= 0);
	expect_bytes(fd, SIZE, 0x66, LABEL);
	close(fd);
	/* a failed flush sticks for the label flush too */
	atomic_store(&d.flush_failed, true);
	assert_int_equal(d.ops->flush_labels(&d), -EIO);
	atomic_store(&d.flush_failed, false);
	nvdimm__close(&d);
}

static int failing_flush(struct nvdimm *d)
{
	(void)d;
	return -EIO;
}

static void test_flush_failure_sticks(void **state)
{
	static const struct nvdimm_backing_ops bad_ops = {
		.flush = failing_flush, .flush_labels = failing_flush,
	};
	struct scratch *s = *state;
	const struct nvdimm_backing_ops *real;
	struct nvdimm d;

	assert_int_equal(open_path(&d, s->path, ""), 0);
	real = d.ops;
	d.ops = &bad_ops;
	expect_error(nvdimm__flush(&d), "flushing");
	assert_true(d.flush_failed);
	/* the counters are H_SCM_FLUSH's: guest flushes only */
	assert_true(d.flushes == 0 && d.flush_failures == 0);
	/* the real backing does not report success after a failure either */
	d.ops = real;
	assert_int_equal(nvdimm__flush(&d), -EIO);
	nvdimm__close(&d);
}

static void test_close_idempotent(void **state)
{
	struct scratch *s = *state;
	struct nvdimm d;
	int fd0 = fcntl(0, F_GETFD);

	assert_int_equal(open_path(&d, s->path, ""), 0);
	nvdimm__close(&d);
	assert_true(d.fd == -1 && !d.map && !d.data && !d.label);
	nvdimm__close(&d);
	assert_int_equal(nvdimm__flush(&d), -EBADF);

	memset(&d, 0, sizeof(d));	/* never opened: fd 0 must survive */
	nvdimm__close(&d);
	assert_int_equal(fcntl(0, F_GETFD), fd0);

	/* reopening works: the lock went with the close */
	assert_int_equal(open_path(&d, s->path, ""), 0);
	nvdimm__close(&d);
}

/* Allocation fails (file size limit): nothing is left behind. */
static void test_allocation_failure(void **state)
{
	struct scratch *s = *state;
	struct rlimit rl = { 1 << 20, 1 << 20 };
	char empty[256];
	struct nvdimm d;
	pid_t pid;
	int status;

	snprintf(empty, sizeof(empty), "%s/empty", s->dir);
	make_file(empty, 0, 0600);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl))
			_exit(10);
		if (open_path(&d, s->path, "") >= 0 ||
		    !strstr(lkvm__last_error(), "cannot allocate"))
			_exit(11);
		if (open_path(&d, empty, "") >= 0)
			_exit(12);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(exists(s->path));
	assert_true(file_size(empty) == 0);
}

static int dir_entries(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	int n = 0;

	assert_non_null(dir);
	while ((e = readdir(dir)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dir);
	return n;
}

/*
 * A backing path in new directories under @dir whose GUID record name
 * fits PATH_MAX but whose temporary name beside it ("<record>.XXXXXX")
 * does not: recording the GUID fails after the backing was opened, sized
 * and mapped. @parent: the directory the backing is in.
 */
static void long_backing_path(const char *dir, char *path, char *parent)
{
	size_t len, target = PATH_MAX - 8;	/* + ".uuid" fits, + 7 more not */

	assert_non_null(realpath(dir, path));	/* the record is beside it */
	len = strlen(path);
	while (target - len > NAME_MAX + 1) {
		path[len++] = '/';
		memset(path + len, 'd', 200);
		len += 200;
		path[len] = '\0';
		assert_int_equal(mkdir(path, 0755), 0);
	}
	strcpy(parent, path);
	path[len++] = '/';
	memset(path + len, 'p', target - len);
	path[target] = '\0';
}

/*
 * The last step before the label flusher fails (the GUID cannot be
 * recorded) after a new backing was created, allocated and mapped, or an
 * empty one allocated: nothing is left behind, the empty file is empty.
 */
static void test_guid_record_failure_undoes_open(void **state)
{
	struct scratch *s = *state;
	char path[PATH_MAX], parent[PATH_MAX], rec[PATH_MAX + 8];
	struct nvdimm d;

	long_backing_path(s->dir, path, parent);
	snprintf(rec, sizeof(rec), "%s.uuid", path);
	expect_error(open_path(&d, path, ""), "cannot record its unit GUID");
	assert_true(d.fd == -1 && !d.map);
	assert_int_equal(dir_entries(parent), 0);	/* no file, record, temp */

	make_file(path, 0, 0600);
	expect_error(open_path(&d, path, ""), "cannot record its unit GUID");
	assert_true(file_size(path) == 0);
	assert_int_equal(dir_entries(parent), 1);
	nvdimm__discard(&d);	/* harmless after a failed open */
	assert_true(file_size(path) == 0);

	/* with uuid= the record is only a bonus: the same backing opens */
	assert_int_equal(open_path(&d, path, ",uuid=" UUID_A), 0);
	nvdimm__close(&d);
	assert_true(file_size(path) == (off_t)WANT);
	assert_false(exists(rec));
}

/*
 * The label flusher, the very last step, cannot start (no thread gets a
 * stack): the open fails and takes back all it did, the new GUID record
 * included, as nvdimm__discard would.
 */
static void test_flusher_failure_undoes_open(void **state)
{
	struct scratch *s = *state;
	pthread_attr_t attr;
	struct nvdimm d;
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		/* a default stack larger than the address space */
		if (pthread_attr_init(&attr) ||
		    pthread_attr_setstacksize(&attr, (size_t)1 << 50) ||
		    pthread_setattr_default_np(&attr))
			_exit(10);
		if (open_path(&d, s->path, "") >= 0)
			_exit(11);
		if (!strstr(lkvm__last_error(), "cannot start the label flusher"))
			_exit(12);
		_exit(d.fd == -1 && !d.map ? 0 : 13);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(exists(s->path));
	assert_false(exists(s->rec));
	assert_int_equal(dir_entries(s->dir), 0);
}

static void test_configs_check(void **state)
{
	struct scratch *s = *state;
	struct nvdimm_config cfgs[LKVM_MAX_NVDIMMS + 1];
	char other[256], link_path[256], dotted[256];
	unsigned int i;

	snprintf(other, sizeof(other), "%s/other", s->dir);
	snprintf(link_path, sizeof(link_path), "%s/link", s->dir);
	snprintf(dotted, sizeof(dotted), "%s/./pmem0", s->dir);

	cfg_for(&cfgs[0], s->path, "");
	cfg_for(&cfgs[1], other, "");
	assert_int_equal(nvdimm_configs__check(cfgs, 2), 0);

	cfg_for(&cfgs[1], s->path, ",ro");
	expect_error(nvdimm_configs__check(cfgs, 2), "used twice");
	expect_error(nvdimm_configs__check(cfgs, 2), s->path);

	/* not created yet, but the same name */
	cfg_for(&cfgs[1], dotted, "");
	expect_error(nvdimm_configs__check(cfgs, 2), "same backing");

	/* the same file by another name */
	make_file(s->path, 0, 0600);
	assert_int_equal(symlink(s->path, link_path), 0);
	cfg_for(&cfgs[1], other, "");
	cfg_for(&cfgs[2], link_path, "");
	expect_error(nvdimm_configs__check(cfgs, 3), "same backing");
	expect_error(nvdimm_configs__check(cfgs, 3), link_path);
	assert_int_equal(unlink(link_path), 0);
	assert_int_equal(link(s->path, link_path), 0);
	expect_error(nvdimm_configs__check(cfgs, 3), "same backing");

	for (i = 0; i <= LKVM_MAX_NVDIMMS; i++) {
		char p[256];

		snprintf(p, sizeof(p), "%s/many%u", s->dir, i);
		cfg_for(&cfgs[i], p, "");
	}
	assert_int_equal(nvdimm_configs__check(cfgs, LKVM_MAX_NVDIMMS), 0);
	expect_error(nvdimm_configs__check(cfgs, LKVM_MAX_NVDIMMS + 1), "at most 16");
	for (i = 0; i <= LKVM_MAX_NVDIMMS; i++)
		assert_false(exists(cfgs[i].path));	/* checking creates nothing */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, scratch_setup, scratch_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_missing),
		T(test_create_empty),
		T(test_discard_undoes_open),
		T(test_exact_size_unchanged),
		T(test_wrong_size_refused),
		T(test_not_a_file),
		T(test_ro_needs_a_full_backing),
		T(test_unwritable_refused),
		T(test_guid_stable),
		T(test_uuid_option),
		T(test_ro_mapping_refuses_stores),
		T(test_lock),
		T(test_flush_reaches_file),
		T(test_label_flush_is_label_only),
		T(test_flush_failure_sticks),
		T(test_close_idempotent),
		T(test_allocation_failure),
		T(test_guid_record_failure_undoes_open),
		T(test_flusher_failure_undoes_open),
		T(test_configs_check),
	};

	return cmocka_run_group_tests_name("nvdimm", tests, NULL, NULL);
}
