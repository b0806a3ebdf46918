// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm nvdimm format on real files in a scratch directory under /tmp: the
 * command line, the file rules of --nvdimm, the unit GUID record, what is
 * written where, and that formatting again is reproducible.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lkvm/config.h"
#include "lkvm/nvdimm-format.h"
#include "lkvm/util.h"
#include "nvdimm-format-layout.h"
#include "scratch-fixture.h"

#define SIZE	(256 * MiB)
#define LABEL	(128 * KiB)
#define WANT	(SIZE + LABEL)
#define GUID_A	"0f1e2d3c-4b5a-4697-8877-665544332211"
#define GUID_B	"aabbccdd-eeff-4011-9233-445566778899"
#define NS_A	"72f780cf-7d41-43b8-8bd8-cb940a1ed373"
#define NS_B	"1b4e28ba-2fa1-4d2e-883f-0016d3cca427"

static int format(const char *path, const char *extra, const char *args,
		  struct nvdimm_format_result *r)
{
	struct nvdimm_format_opts o;
	char spec[256];

	snprintf(spec, sizeof(spec), "%s,256M,128K%s", path, extra);
	assert_int_equal(t_parse(&o, spec, args), NVDIMM_FORMAT_OK);
	return nvdimm_format__run(&o, r);
}

static void read_at(const char *path, off_t off, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_true(pread(fd, buf, len, off) == (ssize_t)len);
	close(fd);
}

static void write_pattern(const char *path, off_t off, size_t len, uint8_t seed)
{
	uint8_t *buf = malloc(len);
	size_t i;
	int fd = open(path, O_WRONLY);

	assert_non_null(buf);
	assert_true(fd >= 0);
	for (i = 0; i < len; i++)
		buf[i] = seed + i * 7 + (i >> 9);
	assert_true(pwrite(fd, buf, len, off) == (ssize_t)len);
	close(fd);
	free(buf);
}

/* FNV-1a over [off, off + len) of the file. */
static uint64_t range_sum(const char *path, off_t off, uint64_t len)
{
	static uint8_t buf[1 << 20];
	uint64_t h = 0xcbf29ce484222325ULL;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf), i;

		assert_true(pread(fd, buf, n, off) == (ssize_t)n);
		for (i = 0; i < n; i++)
			h = (h ^ buf[i]) * 0x100000001b3ULL;
		off += n;
		len -= n;
	}
	close(fd);
	return h;
}

static void recorded_guid(const char *rec, uint8_t guid[16])
{
	char line[64] = { 0 };

	read_at(rec, 0, line, 37);
	line[36] = '\0';
	assert_int_equal(uuid__parse(line, guid), 0);
}

/* The label area and info block as the guest would judge them. */
static void check_formatted(const char *path, const uint8_t guid[16],
			    const struct nvdimm_format_result *r, int claim)
{
	uint8_t *area = malloc(LABEL), sb[4096];
	struct t_found f;
	struct t_pfn_sb pfn;

	assert_non_null(area);
	read_at(path, SIZE, area, LABEL);
	assert_int_equal(t_read_labels(area, LABEL, guid, SIZE, &f), 0);
	assert_int_equal(f.version, 2);
	assert_memory_equal(f.uuid, r->ns_uuid, 16);
	assert_true(f.rawsize == SIZE);
	assert_int_equal(f.claim, claim);
	assert_true(r->cookie == t_cookie(guid, 2));
	free(area);
	if (claim != T_CLAIM_PFN)
		return;
	read_at(path, 4096, sb, sizeof(sb));
	memcpy(&pfn, sb, sizeof(pfn));
	assert_memory_equal(pfn.signature, "NVDIMM_PFN_INFO\0", 16);
	assert_memory_equal(pfn.parent_uuid, r->ns_uuid, 16);
	assert_memory_equal(pfn.uuid, r->pfn_uuid, 16);
	assert_true(le64toh(pfn.checksum) == t_checksum_with_zero(sb, 4096, 4088));
	assert_true(le64toh(pfn.dataoff) == r->data_offset);
	assert_true(r->data_offset == 2 * MiB);
	assert_true(r->data_size == SIZE - 2 * MiB);
}

static void test_new_file_and_record(void **state)
{
	struct scratch *s = *state;
	struct nvdimm_format_result r, r2;
	uint8_t guid[16];
	struct stat st;

	assert_int_equal(format(s->path, "", NULL, &r), 0);
	assert_int_equal(stat(s->path, &st), 0);
	assert_true(st.st_size == (off_t)WANT);
	/* a new unit GUID was made and recorded next to the file */
	recorded_guid(s->rec, guid);
	assert_memory_equal(guid, r.unit_guid, 16);
	check_formatted(s->path, guid, &r, T_CLAIM_PFN);

	/* again: the record is reused, the namespace UUID is new */
	assert_int_equal(format(s->path, "", NULL, &r2), 0);
	assert_memory_equal(r2.unit_guid, guid, 16);
	assert_memory_not_equal(r2.ns_uuid, r.ns_uuid, 16);
	check_formatted(s->path, guid, &r2, T_CLAIM_PFN);
}

static void test_uuid_option(void **state)
{
	struct scratch *s = *state;
	struct nvdimm_format_result r;
	uint8_t a[16], b[16], rec[16];

	assert_int_equal(uuid__parse(GUID_A, a), 0);
	assert_int_equal(uuid__parse(GUID_B, b), 0);
	assert_int_equal(format(s->path, ",uuid=" GUID_A, "--mode raw", &r), 0);
	assert_memory_equal(r.unit_guid, a, 16);
	recorded_guid(s->rec, rec);
	assert_memory_equal(rec, a, 16);
	check_formatted(s->path, a, &r, T_CLAIM_NONE);
	/* uuid= wins for this format, the record stays */
	assert_int_equal(format(s->path, ",uuid=" GUID_B, NULL, &r), 0);
	assert_memory_equal(r.unit_guid, b, 16);
	check_formatted(s->path, b, &r, T_CLAIM_PFN);
	recorded_guid(s->rec, rec);
	assert_memory_equal(rec, a, 16);
}

static void test_raw_leaves_data(void **state)
{
	struct scratch *s = *state;
	struct nvdimm_format_result r;
	uint64_t before, head;
	uint8_t guid[16];

	assert_int_equal(format(s->path, "", "--mode raw", &r), 0);
	write_pattern(s->path, 0, 4 * MiB, 1);
	write_pattern(s->path, SIZE - MiB, MiB, 2);
	before = range_sum(s->path, 0, SIZE);
	head = range_sum(s->path, 0, 4 * MiB);
	assert_int_equal(format(s->path, "", "--mode raw --name data", &r), 0);
	assert_true(range_sum(s->path, 0, SIZE) == before);
	assert_true(r.data_offset == 0 && r.data_size == SIZE);
	recorded_guid(s->rec, guid);
	check_formatted(s->path, guid, &r, T_CLAIM_NONE);

	/* fsdax changes the 4 KiB info block and nothing else */
	head = range_sum(s->path, 0, 4096);
	before = range_sum(s->path, 8192, SIZE - 8192);
	assert_int_equal(format(s->path, "", NULL, &r), 0);
	assert_true(range_sum(s->path, 0, 4096) == head);
	assert_true(range_sum(s->path, 8192, SIZE - 8192) == before);
	check_formatted(s->path, guid, &r, T_CLAIM_PFN);
}

static void test_twice_identical(void **state)
{
	struct scratch *s = *state;
	struct nvdimm_format_result r;
	uint64_t head, labels;
	uint8_t guid[16];

	assert_int_equal(format(s->path, ",uuid=" GUID_A,
				"--namespace-uuid " NS_A " --name root", &r), 0);
	head = range_sum(s->path, 0, 4 * MiB);
	labels = range_sum(s->path, SIZE, LABEL);
	assert_int_equal(format(s->path, ",uuid=" GUID_A,
				"--namespace-uuid " NS_A " --name root", &r), 0);
	assert_true(range_sum(s->path, 0, 4 * MiB) == head);
	assert_true(range_sum(s->path, SIZE, LABEL) == labels);
	assert_int_equal(uuid__parse(NS_A, guid), 0);
	assert_memory_equal(r.ns_uuid, guid, 16);
	/* another namespace UUID changes both */
	assert_int_equal(format(s->path, ",uuid=" GUID_A,
				"--namespace-uuid " NS_B " --name root", &r), 0);
	assert_true(range_sum(s->path, 0, 4 * MiB) != head);
	assert_true(range_sum(s->path, SIZE, LABEL) != labels);
	/* and back: the same bytes as the first time */
	assert_int_equal(format(s->path, ",uuid=" GUID_A,
				"--namespace-uuid " NS_A " --name root", &r), 0);
	assert_true(range_sum(s->path, 0, 4 * MiB) == head);
	assert_true(range_sum(s->path, SIZE, LABEL) == labels);
}

/* Bytes of @a and @b that differ all lie in one of the @n ranges. */
static void only_differ_in(const uint8_t *a, const uint8_t *b, size_t len,
			   const size_t (*ranges)[2], unsigned int n)
{
	unsigned int diffs = 0, j;
	size_t i;

	for (i = 0; i < len; i++) {
		if (a[i] == b[i])
			continue;
		diffs++;
		for (j = 0; j < n; j++)
			if (i >= ranges[j][0] && i < ranges[j][1])
				break;
		if (j == n)
			fail_msg("byte %zu differs outside the namespace UUID fields", i);
	}
	assert_true(diffs > 0);
}

static void test_twice_new_namespace_uuid(void **state)
{
	/* labels (slots 0, 1): uuid, checksum; info block: uuids, checksum */
	static const size_t in_label[][2] = {
		{ 512, 528 }, { 760, 768 }, { 768, 784 }, { 1016, 1024 },
	};
	static const size_t in_sb[][2] = { { 16, 48 }, { 4088, 4096 } };
	struct scratch *s = *state;
	struct nvdimm_format_result r;
	uint8_t *l1 = malloc(LABEL), *l2 = malloc(LABEL), b1[4096], b2[4096];

	assert_non_null(l1);
	assert_non_null(l2);
	assert_int_equal(format(s->path, "", "--name x", &r), 0);
	read_at(s->path, SIZE, l1, LABEL);
	read_at(s->path, 4096, b1, 4096);
	assert_int_equal(format(s->path, "", "--name x", &r), 0);
	read_at(s->path, SIZE, l2, LABEL);
	read_at(s->path, 4096, b2, 4096);
	only_differ_in(l1, l2, LABEL, in_label, 4);
	only_differ_in(b1, b2, 4096, in_sb, 2);
	free(l1);
	free(l2);
}

static void test_stale_info_block(void **state)
{
	struct scratch *s = *state;
	struct nvdimm_format_result r;

	assert_int_equal(format(s->path, "", "--namespace-uuid " NS_A, &r), 0);
	assert_false(r.stale_pfn_sb);
	assert_int_equal(format(s->path, "", "--mode raw --namespace-uuid " NS_B, &r), 0);
	assert_false(r.stale_pfn_sb);
	assert_int_equal(format(s->path, "", "--mode raw --namespace-uuid " NS_A, &r), 0);
	assert_true(r.stale_pfn_sb);
}

static void test_file_rules(void **state)
{
	struct scratch *s = *state;
	struct nvdimm_format_result r;
	struct nvdimm_config cfg;
	struct nvdimm d;
	char arg[256];
	struct stat st;
	int fd;

	/* an empty file is allocated */
	fd = open(s->path, O_CREAT | O_RDWR, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(format(s->path, "", NULL, &r), 0);
	assert_int_equal(stat(s->path, &st), 0);
	assert_true(st.st_size == (off_t)WANT);
	/* another size is refused and left alone, even with room to spare */
	assert_int_equal(truncate(s->path, WANT + 4096), 0);
	write_pattern(s->path, WANT, 4096, 9);
	assert_true(format(s->path, "", NULL, &r) < 0);
	assert_non_null(strstr(lkvm__last_error(), "expected"));
	assert_int_equal(stat(s->path, &st), 0);
	assert_true(st.st_size == (off_t)(WANT + 4096));
	assert_int_equal(truncate(s->path, WANT), 0);
	/* a directory is refused */
	assert_true(format(s->dir, "", NULL, &r) < 0);
	/* a backing in use by a running lkvm is refused */
	snprintf(arg, sizeof(arg), "%s,256M,128K", s->path);
	assert_int_equal(nvdimm_config__parse(arg, &cfg), 0);
	assert_int_equal(nvdimm__open(&d, &cfg, 0), 0);
	assert_int_equal(format(s->path, "", NULL, &r), -EBUSY);
	nvdimm__close(&d);
	assert_int_equal(format(s->path, "", NULL, &r), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, scratch_setup, scratch_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_new_file_and_record),
		T(test_uuid_option),
		T(test_raw_leaves_data),
		T(test_twice_identical),
		T(test_twice_new_namespace_uuid),
		T(test_stale_info_block),
		T(test_file_rules),
	};

	return cmocka_run_group_tests_name("nvdimm-format-file", tests, NULL, NULL);
}
