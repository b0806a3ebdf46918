// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "expect-error.h"

#include "lkvm/config.h"
#include "lkvm/util.h"

#define ARGS(...) ((char *[]){ "run", __VA_ARGS__, NULL })
#define NARGS(...) ((int)(sizeof((char *[]){ "run", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(cfg, ...) run_options__parse(NARGS(__VA_ARGS__), ARGS(__VA_ARGS__), cfg)

static void test_defaults(void **state)
{
	struct vm_config cfg;

	(void)state;
	assert_int_equal(PARSE(&cfg, "-k", "vmlinux"), RUN_OPTIONS_OK);
	assert_string_equal(cfg.kernel, "vmlinux");
	assert_null(cfg.initrd);
	assert_null(cfg.params);
	assert_true(cfg.ram_size == LKVM_DEFAULT_RAM);
	assert_int_equal(cfg.nr_cpus, 1);
	assert_false(cfg.debug);
	assert_false(cfg.no_reboot);
}

static void test_short_options(void **state)
{
	struct vm_config cfg;

	(void)state;
	assert_int_equal(PARSE(&cfg, "-k", "vmlinux", "-i", "initrd", "-m", "2G",
			       "-c", "2", "-p", "console=hvc0 quiet"), 0);
	assert_string_equal(cfg.initrd, "initrd");
	assert_true(cfg.ram_size == 2 * GiB);
	assert_int_equal(cfg.nr_cpus, 2);
	assert_string_equal(cfg.params, "console=hvc0 quiet");
}

static void test_long_options(void **state)
{
	struct vm_config cfg;

	(void)state;
	assert_int_equal(PARSE(&cfg, "--kernel", "k", "--initrd=i", "--mem", "1024",
			       "--cpus=4", "--params", "p", "--name", "vm1",
			       "--debug", "--no-reboot"), 0);
	assert_string_equal(cfg.kernel, "k");
	assert_string_equal(cfg.initrd, "i");
	assert_true(cfg.ram_size == 1 * GiB);	/* bare number = MiB */
	assert_int_equal(cfg.nr_cpus, 4);
	assert_string_equal(cfg.name, "vm1");
	assert_true(cfg.debug);
	assert_true(cfg.no_reboot);
}

static void test_on_panic(void **state)
{
	struct vm_config cfg;

	(void)state;
	assert_int_equal(PARSE(&cfg, "-k", "k"), 0);
	assert_int_equal(cfg.on_panic, ON_PANIC_STOP);
	assert_int_equal(PARSE(&cfg, "-k", "k", "--on-panic=reboot"), 0);
	assert_int_equal(cfg.on_panic, ON_PANIC_REBOOT);
	assert_int_equal(PARSE(&cfg, "-k", "k", "--on-panic", "guest"), 0);
	assert_int_equal(cfg.on_panic, ON_PANIC_GUEST);
	assert_int_equal(PARSE(&cfg, "-k", "k", "--on-panic=guest", "--on-panic=stop"), 0);
	assert_int_equal(cfg.on_panic, ON_PANIC_STOP);
	expect_error(PARSE(&cfg, "-k", "k", "--on-panic=Stop"),
		     "--on-panic: 'Stop' is not stop, reboot or guest");
	expect_error(PARSE(&cfg, "-k", "k", "--on-panic="), "is not stop");
	expect_error(PARSE(&cfg, "-k", "k", "--on-panic"), "needs a value");
}

static void test_seccomp(void **state)
{
	struct vm_config cfg;

	(void)state;
	assert_int_equal(PARSE(&cfg, "-k", "k"), 0);
	assert_true(cfg.seccomp);	/* on unless asked */
	assert_int_equal(PARSE(&cfg, "-k", "k", "--seccomp=off"), 0);
	assert_false(cfg.seccomp);
	assert_int_equal(PARSE(&cfg, "-k", "k", "--seccomp", "on"), 0);
	assert_true(cfg.seccomp);
	expect_error(PARSE(&cfg, "-k", "k", "--seccomp=no"), "--seccomp: 'no' is not on or off");
}

static void test_name(void **state)
{
	char longest[VM_NAME_MAX + 2], name[VM_NAME_MAX + 1];
	struct vm_config cfg;

	(void)state;
	assert_int_equal(PARSE(&cfg, "-k", "k"), 0);
	assert_null(cfg.name);
	run_options__name(&cfg, 4321, name);
	assert_string_equal(name, "guest-4321");	/* kvmtool's default */
	assert_int_equal(PARSE(&cfg, "-k", "k", "--name=web_1.test-A"), 0);
	assert_string_equal(cfg.name, "web_1.test-A");
	run_options__name(&cfg, 4321, name);
	assert_string_equal(name, "web_1.test-A");
	assert_int_equal(PARSE(&cfg, "-k", "k", "--name", "0"), 0);

	memset(longest, 'a', VM_NAME_MAX);
	longest[VM_NAME_MAX] = '\0';
	assert_int_equal(PARSE(&cfg, "-k", "k", "--name", longest), 0);
	run_options__name(&cfg, 1, name);
	assert_string_equal(name, longest);
	longest[VM_NAME_MAX] = 'a';
	longest[VM_NAME_MAX + 1] = '\0';
	expect_error(PARSE(&cfg, "-k", "k", "--name", longest), "...' is not a name");
}

static void test_bad_names(void **state)
{
	static char *const bad[] = {
		"", ".hidden", "-opt", "a/b", "../x", "a b", "vm\n1", "caf\xc3\xa9",
		"a:b", "a*", NULL,
	};
	char *const *n;
	struct vm_config cfg;

	(void)state;
	for (n = bad; *n; n++)
		expect_error(PARSE(&cfg, "-k", "k", "--name", *n), "is not a name");
	/* the message names the option and shows the name on one line */
	expect_error(PARSE(&cfg, "-k", "k", "--name", "vm\n1"), "--name: 'vm\\n1'");
	expect_error(PARSE(&cfg, "-k", "k", "--name=.x"), "not starting with '.' or '-'");
	expect_error(PARSE(&cfg, "-k", "k", "--name"), "needs a value");
}

static void test_help(void **state)
{
	struct vm_config cfg;

	(void)state;
	assert_int_equal(PARSE(&cfg, "--help"), RUN_OPTIONS_HELP);
	assert_int_equal(PARSE(&cfg, "-k", "x", "-h"), RUN_OPTIONS_HELP);
	assert_non_null(strstr(run_options__usage(), "--nvdimm"));
}

static void test_errors(void **state)
{
	struct vm_config cfg;

	(void)state;
	expect_error(PARSE(&cfg, "-i", "initrd"), "no kernel");
	expect_error(PARSE(&cfg, "-k", "k", "-m", "100M"), "multiple of 256M");
	expect_error(PARSE(&cfg, "-k", "k", "-m", "0"), "multiple of 256M");
	expect_error(PARSE(&cfg, "-k", "k", "-m", "lots"), "not a size");
	expect_error(PARSE(&cfg, "-k", "k", "-m", "99999999999999999999G"), "maximum");
	expect_error(PARSE(&cfg, "-k", "k", "-m", "17592186044416"), "maximum");
	expect_error(PARSE(&cfg, "-k", "k", "-c", "0"), "--cpus 0");
	expect_error(PARSE(&cfg, "-k", "k", "-c", "two"), "--cpus two");
	expect_error(PARSE(&cfg, "-k", "k", "-c", "100000"), "--cpus");
	expect_error(PARSE(&cfg, "-k", "k", "--frobnicate"), "unknown option --frobnicate");
	expect_error(PARSE(&cfg, "-k", "k", "stray"), "unexpected argument 'stray'");
	expect_error(PARSE(&cfg, "-k"), "needs a value");
}

static void test_nvdimm_limit(void **state)
{
	static char paths[LKVM_MAX_NVDIMMS + 1][64];
	char *argv[3 + 2 * (LKVM_MAX_NVDIMMS + 1) + 1];
	struct vm_config cfg;
	int argc = 0, i;

	(void)state;
	argv[argc++] = "run";
	argv[argc++] = "-k";
	argv[argc++] = "k";
	for (i = 0; i < LKVM_MAX_NVDIMMS; i++) {
		snprintf(paths[i], sizeof(paths[i]), "/nonexistent/pmem%d,256M,128K", i);
		argv[argc++] = "--nvdimm";
		argv[argc++] = paths[i];
	}
	argv[argc] = NULL;
	assert_int_equal(run_options__parse(argc, argv, &cfg), 0);
	assert_int_equal(cfg.nr_nvdimms, LKVM_MAX_NVDIMMS);
	assert_string_equal(cfg.nvdimm[3].path, "/nonexistent/pmem3");
	assert_true(cfg.nvdimm[3].size == 256 * MiB);
	assert_true(cfg.nvdimm[3].label_size == 128 * KiB);
	argv[argc++] = "--nvdimm";
	argv[argc++] = "/nonexistent/extra,256M,128K";
	argv[argc] = NULL;
	expect_error(run_options__parse(argc, argv, &cfg), "at most");
}

static void test_nvdimm_errors(void **state)
{
	struct vm_config cfg;

	(void)state;
	expect_error(PARSE(&cfg, "-k", "k", "--nvdimm", "/x,100M,128K"), "--nvdimm /x");
	expect_error(PARSE(&cfg, "-k", "k", "--nvdimm", "/x,256M,128K", "--nvdimm",
			   "/x,256M,128K"), "--nvdimm");
	assert_int_equal(PARSE(&cfg, "-k", "k", "--nvdimm", "/x,2816M,128K,ro"), 0);
	assert_true(cfg.nvdimm[0].readonly);
	assert_true(cfg.nvdimm[0].size == 2952790016ULL);
}

/* @text in a new file under /tmp; its path (the caller unlinks it) */
static char *xml_file(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/lkvm-test-XXXXXX.xml");
	fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

#define XML_HEAD "<memory model='nvdimm' access='shared'><source><path>/srv/p.img</path></source>"
#define XML_TARGET "<target><size unit='GiB'>1</size><label><size unit='KiB'>128</size></label></target>"

static void test_nvdimm_xml(void **state)
{
	struct vm_config cfg;
	char *f;

	(void)state;
	/* the seed's start XML: libvirt's pSeries rule */
	assert_int_equal(PARSE(&cfg, "-k", "k", "--nvdimm-xml",
			       "tests/system/data/nvdimm-start.xml"), 0);
	assert_int_equal(cfg.nr_nvdimms, 1);
	assert_string_equal(cfg.nvdimm[0].path, "/tmp/nvdimm");
	assert_true(cfg.nvdimm[0].size == 2952790016ULL);
	assert_true(cfg.nvdimm[0].label_size == 128 * KiB);
	assert_true(cfg.nvdimm[0].has_uuid);
	assert_string_equal(cfg.nvdimm_id[0], "");

	/* after a --nvdimm: slot 1, with its alias as its id */
	f = xml_file(XML_HEAD XML_TARGET "<alias name='data'/><address type='dimm' slot='1'/></memory>");
	assert_int_equal(PARSE(&cfg, "-k", "k", "--nvdimm", "/srv/a.img,256M,128K",
			       "--nvdimm-xml", f), 0);
	unlink(f);
	assert_int_equal(cfg.nr_nvdimms, 2);
	assert_string_equal(cfg.nvdimm[1].path, "/srv/p.img");
	assert_true(cfg.nvdimm[1].size == 768 * MiB);
	assert_string_equal(cfg.nvdimm_id[0], "");
	assert_string_equal(cfg.nvdimm_id[1], "data");
}

static void test_nvdimm_xml_refused(void **state)
{
	struct vm_config cfg;
	char *f;

	(void)state;
	f = xml_file(XML_HEAD XML_TARGET "<address type='dimm' slot='2'/></memory>");
	expect_error(PARSE(&cfg, "-k", "k", "--nvdimm-xml", f),
		     "<address slot='2'>: devices take slots in command-line order");
	unlink(f);
	f = xml_file(XML_HEAD XML_TARGET "<address type='dimm' slot='0' base='0x100000000'/></memory>");
	expect_error(PARSE(&cfg, "-k", "k", "--nvdimm-xml", f), "base='0x100000000'");
	unlink(f);
	f = xml_file(XML_HEAD XML_TARGET);
	expect_error(PARSE(&cfg, "-k", "k", "--nvdimm-xml", f), "--nvdimm-xml ");
	unlink(f);
	expect_error(PARSE(&cfg, "-k", "k", "--nvdimm-xml", "/nonexistent/x.xml"),
		     "--nvdimm-xml ");
	/* the same file twice, however it is given */
	f = xml_file(XML_HEAD XML_TARGET "</memory>");
	expect_error(PARSE(&cfg, "-k", "k", "--nvdimm", "/srv/p.img,768M,128K",
			   "--nvdimm-xml", f), "--nvdimm");
	unlink(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_short_options),
		cmocka_unit_test(test_long_options),
		cmocka_unit_test(test_on_panic),
		cmocka_unit_test(test_seccomp),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nvdimm_limit),
		cmocka_unit_test(test_nvdimm_errors),
		cmocka_unit_test(test_nvdimm_xml),
		cmocka_unit_test(test_nvdimm_xml_refused),
	};

	return cmocka_run_group_tests_name("run-options", tests, NULL, NULL);
}
