// SPDX-License-Identifier: GPL-2.0
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lkvm/boot.h"
#include "lkvm/loader.h"
#include "lkvm/util.h"

/* A little-endian ppc64 vmlinux in miniature: one PT_LOAD with bss. */
struct mini_elf {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t text[64];
};

static void make_elf(struct mini_elf *e)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
	e->eh.e_ident[EI_CLASS] = ELFCLASS64;
	e->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	e->eh.e_ident[EI_VERSION] = EV_CURRENT;
	e->eh.e_type = htole16(ET_EXEC);
	e->eh.e_machine = htole16(EM_PPC64);
	e->eh.e_entry = htole64(0xc000000000000000ULL);
	e->eh.e_phoff = htole64(offsetof(struct mini_elf, ph));
	e->eh.e_phentsize = htole16(sizeof(Elf64_Phdr));
	e->eh.e_phnum = htole16(2);
	e->ph[0].p_type = htole32(PT_LOAD);
	e->ph[0].p_offset = htole64(offsetof(struct mini_elf, text));
	e->ph[0].p_vaddr = htole64(0xc000000000000000ULL);
	e->ph[0].p_paddr = htole64(0);
	e->ph[0].p_filesz = htole64(sizeof(e->text));
	e->ph[0].p_memsz = htole64(4096);	/* the rest is bss */
	e->ph[1].p_type = htole32(PT_NOTE);
	memset(e->text, 0xab, sizeof(e->text));
}

/* The image as a file: the loader reads the segments through a descriptor. */
static int elf_file(const struct mini_elf *e)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(fwrite(e, sizeof(*e), 1, f), 1);
	assert_int_equal(fflush(f), 0);
	return dup(fileno(f));	/* the tmpfile's FILE is leaked on purpose */
}

static void expect_refused(struct mini_elf *e, size_t len, const char *why)
{
	struct elf_image img;

	assert_int_equal(elf__inspect(&img, e, len), -ENOEXEC);
	if (!strstr(lkvm__last_error(), why))
		fail_msg("'%s' lacks '%s'", lkvm__last_error(), why);
}

static void test_good_image(void **state)
{
	struct mini_elf e;
	struct elf_image img;

	(void)state;
	make_elf(&e);
	assert_int_equal(elf__inspect(&img, &e, sizeof(e)), 0);
	assert_true(img.entry == 0);
	assert_true(img.load_end == 4096);
}

/* 8 KiB of 0x55, the first @guest_size bytes of it guest RAM at 0 */
static uint8_t *guest_ram(struct guest_mem *mem, size_t guest_size)
{
	uint8_t *ram = malloc(8192);

	assert_non_null(ram);
	memset(ram, 0x55, 8192);
	assert_int_equal(guest_mem__add(mem, 0, guest_size, ram, false), 0);
	return ram;
}

static void test_load_zeroes_bss(void **state)
{
	struct guest_mem mem = { 0 };
	struct loader l = { .nr_jobs = 0 };
	struct elf_image img;
	struct mini_elf e;
	uint8_t *ram = guest_ram(&mem, 8192);
	int fd;

	(void)state;
	make_elf(&e);
	assert_int_equal(elf__inspect(&img, &e, sizeof(e)), 0);
	fd = elf_file(&e);
	assert_int_equal(elf__load(&img, &mem, fd, &l), 0);
	/* bytes and bss both wait for the loader */
	assert_int_equal(ram[0], 0x55);
	assert_int_equal(ram[64], 0x55);
	assert_int_equal(loader__run(&l, 2), 0);
	close(fd);
	assert_int_equal(ram[0], 0xab);
	assert_int_equal(ram[63], 0xab);
	assert_int_equal(ram[64], 0);		/* bss zeroed */
	assert_int_equal(ram[4095], 0);
	assert_int_equal(ram[4096], 0x55);	/* nothing past memsz */
	free(ram);
}

static void test_load_too_big_for_ram(void **state)
{
	struct guest_mem mem = { 0 };
	struct loader l = { .nr_jobs = 0 };
	struct elf_image img;
	struct mini_elf e;
	uint8_t ram[1024];
	int fd;

	(void)state;
	assert_int_equal(guest_mem__add(&mem, 0, sizeof(ram), ram, false), 0);
	make_elf(&e);
	assert_int_equal(elf__inspect(&img, &e, sizeof(e)), 0);
	fd = elf_file(&e);
	assert_int_equal(elf__load(&img, &mem, fd, &l), -EFAULT);
	assert_int_equal(l.nr_jobs, 0);
	close(fd);
}

/*
 * The file is rewritten between inspection and loading (the segment now
 * claims more file bytes than memory): only what was checked is loaded,
 * and nothing lands past the segment's memory size.
 */
static void test_load_ignores_later_header_changes(void **state)
{
	struct guest_mem mem = { 0 };
	struct loader l = { .nr_jobs = 0 };
	struct elf_image img;
	struct mini_elf e;
	uint8_t *ram = guest_ram(&mem, 4096);
	int fd;

	(void)state;
	make_elf(&e);
	assert_int_equal(elf__inspect(&img, &e, sizeof(e)), 0);
	e.ph[0].p_filesz = htole64(1ULL << 20);
	e.ph[0].p_memsz = htole64(64);
	e.eh.e_phnum = htole16(0);
	fd = elf_file(&e);
	assert_int_equal(elf__load(&img, &mem, fd, &l), 0);
	assert_int_equal(l.nr_jobs, 2);
	assert_int_equal(l.job[0].len, 64);
	assert_int_equal(l.job[1].len, 4096 - 64);
	assert_int_equal(loader__run(&l, 2), 0);
	close(fd);
	assert_int_equal(ram[63], 0xab);
	assert_int_equal(ram[4095], 0);
	assert_int_equal(ram[4096], 0x55);	/* outside guest RAM: untouched */
	free(ram);
}

static void test_too_many_segments(void **state)
{
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph[ELF_MAX_SEGMENTS + 1];
		uint8_t text[64];
	} big;
	struct mini_elf e;
	struct elf_image img;
	unsigned int i;

	(void)state;
	make_elf(&e);
	memset(&big, 0, sizeof(big));
	big.eh = e.eh;
	big.eh.e_phnum = htole16(ELF_MAX_SEGMENTS + 1);
	for (i = 0; i <= ELF_MAX_SEGMENTS; i++) {
		big.ph[i] = e.ph[0];
		big.ph[i].p_offset = htole64(offsetof(typeof(big), text));
		big.ph[i].p_paddr = htole64(i * 4096ULL);
	}
	assert_int_equal(elf__inspect(&img, &big, sizeof(big)), -ENOEXEC);
	assert_non_null(strstr(lkvm__last_error(), "more than"));
	big.eh.e_phnum = htole16(ELF_MAX_SEGMENTS);
	assert_int_equal(elf__inspect(&img, &big, sizeof(big)), 0);
	assert_int_equal(img.nr_segs, ELF_MAX_SEGMENTS);
}

static void test_not_elf(void **state)
{
	struct mini_elf e;

	(void)state;
	memset(&e, 0, sizeof(e));
	memcpy(&e, "this is not a kernel\n", 21);
	expect_refused(&e, sizeof(e), "not an ELF");
	make_elf(&e);
	expect_refused(&e, 10, "not an ELF");		/* truncated header */
}

static void test_wrong_kind(void **state)
{
	struct mini_elf e;

	(void)state;
	make_elf(&e);
	e.eh.e_ident[EI_CLASS] = ELFCLASS32;
	expect_refused(&e, sizeof(e), "64-bit");
	make_elf(&e);
	e.eh.e_machine = htole16(EM_X86_64);
	expect_refused(&e, sizeof(e), "PowerPC");
	make_elf(&e);
	e.eh.e_type = htole16(ET_REL);
	expect_refused(&e, sizeof(e), "executable");
}

static void test_hostile_headers(void **state)
{
	struct mini_elf e;

	(void)state;
	make_elf(&e);
	e.eh.e_phoff = htole64(UINT64_MAX - 8);
	expect_refused(&e, sizeof(e), "program header");
	make_elf(&e);
	e.ph[0].p_offset = htole64(sizeof(e) - 8);
	expect_refused(&e, sizeof(e), "outside the file");
	make_elf(&e);
	e.ph[0].p_filesz = htole64(UINT64_MAX);
	e.ph[0].p_memsz = htole64(UINT64_MAX);
	expect_refused(&e, sizeof(e), "outside the file");
	make_elf(&e);
	e.ph[0].p_paddr = htole64(0x0fffffffffffff00ULL);
	e.ph[0].p_memsz = htole64(0xf100000000000000ULL);
	expect_refused(&e, sizeof(e), "wraps");
	make_elf(&e);
	e.ph[0].p_type = htole32(PT_NOTE);
	expect_refused(&e, sizeof(e), "nothing to load");
	make_elf(&e);
	e.eh.e_entry = htole64(0xc000000000100000ULL);
	expect_refused(&e, sizeof(e), "entry point");
}

static void test_cpuinfo(void **state)
{
	struct cpu_info info = { 0 };

	(void)state;
	assert_int_equal(cpuinfo__parse("processor\t: 0\ncpu\t\t: POWER9 (architected)\n"
					"clock\t\t: 2200.000000MHz\nrevision\t: 2.2\n\n"
					"timebase\t: 512000000\nplatform\t: pSeries\n", &info), 0);
	assert_int_equal(info.timebase_hz, 512000000);
	assert_int_equal(info.clock_hz, 2200000000U);
	assert_int_equal(info.dcache_block, 128);
	assert_int_equal(cpuinfo__parse("processor\t: 0\nvendor_id\t: GenuineIntel\n", &info),
			 -EINVAL);
	assert_int_equal(cpuinfo__parse("timebase\t: lots\n", &info), -EINVAL);
	/* values a double holds but a u64 or u32 does not: refused, never
	 * converted (that would be undefined behaviour) */
	assert_int_equal(cpuinfo__parse("timebase\t: nan\n", &info), -EINVAL);
	assert_int_equal(cpuinfo__parse("timebase\t: inf\n", &info), -EINVAL);
	assert_int_equal(cpuinfo__parse("timebase\t: 1e30\n", &info), -EINVAL);
	assert_int_equal(cpuinfo__parse("timebase\t: 5e9\n", &info), -EINVAL);
	assert_int_equal(cpuinfo__parse("timebase\t: -5\n", &info), -EINVAL);
	/* a bad clock only falls back to a default */
	assert_int_equal(cpuinfo__parse("clock\t: 1e300MHz\ntimebase\t: 512000000\n", &info), 0);
	assert_int_equal(info.clock_hz, 1000000000);
	assert_int_equal(cpuinfo__parse("clock\t: nanMHz\ntimebase\t: 512000000\n", &info), 0);
	assert_int_equal(info.clock_hz, 1000000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_image),
		cmocka_unit_test(test_load_zeroes_bss),
		cmocka_unit_test(test_load_too_big_for_ram),
		cmocka_unit_test(test_load_ignores_later_header_changes),
		cmocka_unit_test(test_too_many_segments),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_wrong_kind),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_cpuinfo),
	};

	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
