// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "expect-error.h"

#include "lkvm/config.h"
#include "lkvm/nvdimm.h"
#include "lkvm/util.h"

#define UUID_A	"4d5e6f70-8192-4a3b-9c4d-5e6f70819203"
#define UUID_AU	"4D5E6F70-8192-4A3B-9C4D-5E6F70819203"

/* A bad value: refused, the message names @part (and @part2 if given). */
static void bad(const char *arg, const char *part, const char *part2)
{
	struct nvdimm_config cfg;

	lkvm__clear_error();
	memset(&cfg, 0x5a, sizeof(cfg));
	expect_error(nvdimm_config__parse(arg, &cfg), part);
	if (part2)
		expect_error(-EINVAL, part2);
	/* nothing half-parsed is left behind */
	assert_int_equal(cfg.path[0], '\0');
	assert_true(cfg.size == 0);
}

static void test_seed_numbers(void **state)
{
	struct nvdimm_config cfg;

	(void)state;
	assert_int_equal(nvdimm_config__parse("/tmp/nvdimm,2816M,128K", &cfg), 0);
	assert_string_equal(cfg.path, "/tmp/nvdimm");
	assert_true(cfg.size == 2952790016ULL);
	assert_true(cfg.label_size == 131072);
	assert_true(cfg.size + cfg.label_size == 2952921088ULL);
	assert_true(cfg.size / NVDIMM_BLOCK_SIZE == 11);
	assert_false(cfg.has_uuid);
	assert_false(cfg.readonly);
}

static void test_good_values(void **state)
{
	static const uint8_t a[NVDIMM_UUID_LEN] = {
		0x4d, 0x5e, 0x6f, 0x70, 0x81, 0x92, 0x4a, 0x3b,
		0x9c, 0x4d, 0x5e, 0x6f, 0x70, 0x81, 0x92, 0x03,
	};
	struct nvdimm_config cfg;

	(void)state;
	assert_int_equal(nvdimm_config__parse("f,256M,128K,uuid=" UUID_A ",ro", &cfg), 0);
	assert_true(cfg.size == 256 * MiB);
	assert_true(cfg.has_uuid);
	assert_memory_equal(cfg.uuid, a, sizeof(a));
	assert_true(cfg.readonly);

	assert_int_equal(nvdimm_config__parse("f,1G,16M,ro,uuid=" UUID_AU, &cfg), 0);
	assert_memory_equal(cfg.uuid, a, sizeof(a));
	assert_true(cfg.label_size == NVDIMM_MAX_LABEL_SIZE);
	assert_true(cfg.readonly);

	assert_int_equal(nvdimm_config__parse("dir/with space/f,2GiB,131072", &cfg), 0);
	assert_string_equal(cfg.path, "dir/with space/f");
	assert_true(cfg.size == 2 * GiB && cfg.label_size == 128 * KiB);
	assert_false(cfg.readonly || cfg.has_uuid);

	assert_int_equal(nvdimm_config__parse("f,268435456,2M", &cfg), 0);
	assert_true(cfg.size == 256 * MiB && cfg.label_size == 2 * MiB);
}

static void test_bad_values(void **state)
{
	char long_path[PATH_MAX + 32];

	(void)state;
	bad(NULL, "empty value", NULL);
	bad("", "empty value", NULL);
	bad(",1G,128K", "empty PATH", NULL);
	bad("f", "missing SIZE", NULL);
	bad("f,1G", "missing LABEL", NULL);
	bad("f,,128K", "empty SIZE", NULL);
	bad("f,1G,", "empty LABEL", NULL);
	bad("f,300M,128K", "SIZE '300M'", "not a multiple of 256M");
	bad("f,268435457,128K", "SIZE '268435457'", "not a multiple of 256M");
	bad("f,1280K,128K", "SIZE '1280K'", "multiple of 256M");
	bad("f,0,128K", "SIZE '0'", "zero");
	bad("f,0G,128K", "SIZE '0G'", "zero");
	bad("f,1G,64K", "LABEL '64K'", "minimum 128K");
	bad("f,1G,0", "LABEL '0'", "minimum 128K");
	bad("f,1G,131071", "LABEL '131071'", "minimum");
	bad("f,1G,32M", "LABEL '32M'", "maximum 16M");
	bad("f,16777215T,128K", "SIZE '16777215T' + LABEL '128K'", "overflows");
	bad("f,8388608T,128K", "SIZE '8388608T'", "overflows");
	bad("f,99999999999999999999G,128K", "SIZE '99999999999999999999G'",
	    "too large");
	bad("f,1G,99999999999999999999", "LABEL", "too large");
	bad("f,lots,128K", "SIZE 'lots'", "not a size");
	bad("f,-1G,128K", "SIZE '-1G'", "not a size");
	bad("f, 1G,128K", "SIZE ' 1G'", "not a size");
	bad("f,1G,12Q", "LABEL '12Q'", "not a size");
	bad("f,1G,128K,foo=1", "unknown option 'foo=1'", NULL);
	bad("f,1G,128K,rw", "unknown option 'rw'", NULL);
	bad("f,1G,128K,RO", "unknown option 'RO'", NULL);
	bad("f,1G,128K,ro=1", "'ro=1'", "no value");
	bad("f,1G,128K,ro,ro", "'ro' given twice", NULL);
	bad("f,1G,128K,uuid=" UUID_A ",uuid=" UUID_A, "uuid= given twice", NULL);
	bad("f,1G,128K,", "empty option", NULL);
	bad("f,1G,128K,,ro", "empty option", NULL);
	bad("f,1G,128K,uuid=", "uuid= is empty", NULL);
	bad("f,1G,128K,uuid=1234", "uuid=1234", "not a UUID");
	bad("f,1G,128K,uuid=4d5e6f7081924a3b9c4d5e6f70819203",
	    "uuid=4d5e6f7081924a3b9c4d5e6f70819203", "not a UUID");
	bad("f,1G,128K,uuid=4d5e6f70-8192-4a3b-9c4d-5e6f7081920g",
	    "uuid=4d5e6f70-8192-4a3b-9c4d-5e6f7081920g", "not a UUID");
	bad("f,1G,128K,uuid=4d5e6f7-08192-4a3b-9c4d-5e6f70819203",
	    "uuid=4d5e6f7-08192", "not a UUID");
	bad("f,1G,128K,uuid={4d5e6f70-8192-4a3b-9c4d-5e6f708192}",
	    "uuid={4d5e6f70", "not a UUID");
	bad("f,1G,128K,uuid=" UUID_A "0", "uuid=" UUID_A "0", "not a UUID");
	bad("f,1G,128K,uuid= 4d5e6f70-8192-4a3b-9c4d-5e6f7081920",
	    "uuid= 4d5e6f70", "not a UUID");
	bad("f,1G,128K,uuid=00000000-0000-0000-0000-000000000000",
	    "uuid=00000000-0000-0000-0000-000000000000", "nil UUID");

	memset(long_path, 'p', PATH_MAX);
	strcpy(long_path + PATH_MAX, ",1G,128K");
	bad(long_path, "PATH is too long", NULL);
}

static void test_path_in_message(void **state)
{
	struct nvdimm_config cfg;

	(void)state;
	expect_error(nvdimm_config__parse("/srv/pm1,300M,128K", &cfg), "/srv/pm1");
	expect_error(nvdimm_config__parse("/srv/pm2,1G,1K", &cfg), "/srv/pm2");
}

static void test_uuid_text(void **state)
{
	uint8_t u[NVDIMM_UUID_LEN], v[NVDIMM_UUID_LEN];
	char s[NVDIMM_UUID_STR_LEN];

	(void)state;
	assert_int_equal(uuid__parse(UUID_AU, u), 0);
	uuid__format(u, s);
	assert_string_equal(s, UUID_A);		/* always lowercase */
	assert_int_equal(uuid__parse(s, v), 0);
	assert_memory_equal(u, v, sizeof(u));
	assert_int_equal(uuid__parse("4d5e6f70+8192-4a3b-9c4d-5e6f70819203", v),
			 -EINVAL);
	assert_int_equal(uuid__parse(NULL, v), -EINVAL);
	assert_memory_equal(u, v, sizeof(u));	/* untouched on error */
}

static void test_record_path(void **state)
{
	char out[PATH_MAX], small[8];

	(void)state;
	assert_int_equal(nvdimm_uuid__record_path("/no-such-lkvm-dir/nvdimm", NULL,
						  out, sizeof(out)), 0);
	assert_string_equal(out, "/no-such-lkvm-dir/nvdimm.uuid");
	assert_int_equal(nvdimm_uuid__record_path("/no-such-lkvm-dir/nvdimm", "dax0.0",
						  out, sizeof(out)), 0);
	assert_null(strstr(out, "no-such-lkvm-dir"));	/* devdax: the state dir */

	unsetenv("LKVM_STATE_DIR");
	assert_int_equal(nvdimm_uuid__record_path("/dev/dax0.0", "dax0.0", out,
						  sizeof(out)), 0);
	assert_string_equal(out, NVDIMM_STATE_DIR "/dax0.0.uuid");
	assert_string_equal(out, "/var/lib/lkvm/dax0.0.uuid");

	setenv("LKVM_STATE_DIR", "/run/lkvm-test", 1);
	assert_int_equal(nvdimm_uuid__record_path("/dev/dax1.2", "dax1.2", out,
						  sizeof(out)), 0);
	assert_string_equal(out, "/run/lkvm-test/dax1.2.uuid");
	unsetenv("LKVM_STATE_DIR");

	expect_error(nvdimm_uuid__record_path("/tmp/nvdimm", NULL, small, sizeof(small)),
		     "too long");
}

/* The seed's file: 2816M + 128K, label area at the end (QEMU's layout). */
static void test_seed_backing(void **state)
{
	static const uint8_t tag[8] = "LABEL-0";
	char dir[] = "/tmp/lkvm-nvdimm-seed-XXXXXX", arg[128], path[96], rec[112];
	struct nvdimm_config cfg;
	struct nvdimm d;
	uint8_t buf[8];
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/nvdimm", dir);
	snprintf(rec, sizeof(rec), "%s.uuid", path);
	fd = open(path, O_CREAT | O_WRONLY, 0600);	/* the seed's touch */
	assert_true(fd >= 0);
	close(fd);

	snprintf(arg, sizeof(arg), "%s,2816M,128K", path);
	assert_int_equal(nvdimm_config__parse(arg, &cfg), 0);
	assert_int_equal(nvdimm__open(&d, &cfg, 0), 0);
	assert_true(d.map_len == 2952921088ULL);
	assert_true(d.data == d.map);
	assert_true(d.label - d.map == 2952790016LL);
	assert_true(d.drc_index == 0x90000000u);
	memcpy(d.label, tag, sizeof(tag));
	assert_int_equal(nvdimm__flush(&d), 0);

	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size == 2952921088LL);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, sizeof(buf), 2952790016LL), sizeof(buf));
	assert_memory_equal(buf, tag, sizeof(tag));
	close(fd);
	nvdimm__close(&d);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(unlink(rec), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_numbers),
		cmocka_unit_test(test_good_values),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_path_in_message),
		cmocka_unit_test(test_uuid_text),
		cmocka_unit_test(test_record_path),
		cmocka_unit_test(test_seed_backing),
	};

	return cmocka_run_group_tests_name("nvdimm-options", tests, NULL, NULL);
}
