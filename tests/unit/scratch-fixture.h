/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scratch directory per test, holding one backing path and its unit GUID
 * record path; removed with everything in it afterwards. Include after
 * cmocka.h; use scratch_setup/scratch_teardown as the test's fixtures.
 */
#ifndef LKVM_TEST_SCRATCH_FIXTURE_H
#define LKVM_TEST_SCRATCH_FIXTURE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct scratch {
	char dir[64];
	char path[128];		/* the backing */
	char rec[160];		/* its GUID record */
};

static inline int scratch_rm_one(const char *p, const struct stat *st, int flag,
				 struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static inline int scratch_setup(void **state)
{
	struct scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	/* /var/tmp, not /tmp: backings are meant to be on a disk, and /tmp
	 * is a tmpfs on many machines */
	strcpy(s->dir, "/var/tmp/lkvm-test-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	/* traversable, so that an unprivileged child process reaches files */
	chmod(s->dir, 0755);
	snprintf(s->path, sizeof(s->path), "%s/pmem0", s->dir);
	snprintf(s->rec, sizeof(s->rec), "%s.uuid", s->path);
	*state = s;
	return 0;
}

static inline int scratch_teardown(void **state)
{
	struct scratch *s = *state;

	nftw(s->dir, scratch_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(s);
	return 0;
}

#endif
