// SPDX-License-Identifier: GPL-2.0
/* Loading an ELF vmlinux into guest memory: every offset checked. */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/boot.h"
#include "lkvm/loader.h"
#include "lkvm/util.h"

/* vmlinux is linked at 0xc000000000000000 and runs from physical 0 */
#define PPC64_KERNELBASE_MASK 0x0fffffffffffffffULL

struct elf_fields {
	bool le;
};

static uint16_t e16(const struct elf_fields *f, uint16_t v)
{
	return f->le ? le16toh(v) : be16toh(v);
}

static uint32_t e32(const struct elf_fields *f, uint32_t v)
{
	return f->le ? le32toh(v) : be32toh(v);
}

static uint64_t e64(const struct elf_fields *f, uint64_t v)
{
	return f->le ? le64toh(v) : be64toh(v);
}

/* Read program header @i in host order; false if it is outside the file. */
static bool phdr(const struct elf_image *img, const struct elf_fields *f,
		 unsigned int i, Elf64_Phdr *out)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->data;
	uint64_t off = e64(f, eh->e_phoff) + (uint64_t)i * sizeof(*out);

	if (off < e64(f, eh->e_phoff) || off > img->len ||
	    img->len - off < sizeof(*out))
		return false;
	memcpy(out, img->data + off, sizeof(*out));
	out->p_type = e32(f, out->p_type);
	out->p_offset = e64(f, out->p_offset);
	out->p_paddr = e64(f, out->p_paddr) & PPC64_KERNELBASE_MASK;
	out->p_filesz = e64(f, out->p_filesz);
	out->p_memsz = e64(f, out->p_memsz);
	return true;
}

static int fields(const struct elf_image *img, struct elf_fields *f)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->data;

	if (img->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return lkvm__fail(-ENOEXEC, "not an ELF file (lkvm boots an ELF vmlinux)");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return lkvm__fail(-ENOEXEC, "not a 64-bit ELF file");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB && eh->e_ident[EI_DATA] != ELFDATA2MSB)
		return lkvm__fail(-ENOEXEC, "ELF file of unknown byte order");
	f->le = eh->e_ident[EI_DATA] == ELFDATA2LSB;
	if (e16(f, eh->e_machine) != EM_PPC64)
		return lkvm__fail(-ENOEXEC, "ELF file is not for 64-bit PowerPC");
	if (e16(f, eh->e_type) != ET_EXEC && e16(f, eh->e_type) != ET_DYN)
		return lkvm__fail(-ENOEXEC, "ELF file is not an executable");
	if (e16(f, eh->e_phentsize) != sizeof(Elf64_Phdr))
		return lkvm__fail(-ENOEXEC, "ELF program headers of unexpected size");
	return 0;
}

int elf__inspect(struct elf_image *img, const void *data, size_t len)
{
	struct elf_fields f = { .le = true };
	unsigned int i, n;
	Elf64_Phdr ph;
	int ret;

	*img = (struct elf_image){ .data = data, .len = len };
	ret = fields(img, &f);
	if (ret)
		return ret;
	n = e16(&f, ((const Elf64_Ehdr *)data)->e_phnum);
	for (i = 0; i < n; i++) {
		if (!phdr(img, &f, i, &ph))
			return lkvm__fail(-ENOEXEC, "ELF program header %u outside the file", i);
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset)
			return lkvm__fail(-ENOEXEC, "ELF segment %u outside the file", i);
		if (ph.p_paddr + ph.p_memsz < ph.p_paddr)
			return lkvm__fail(-ENOEXEC, "ELF segment %u wraps around", i);
		if (ph.p_paddr + ph.p_memsz > img->load_end)
			img->load_end = ph.p_paddr + ph.p_memsz;
		if (img->nr_segs == ELF_MAX_SEGMENTS)
			return lkvm__fail(-ENOEXEC, "ELF file has more than %d loadable segments",
					  ELF_MAX_SEGMENTS);
		img->seg[img->nr_segs++] = (struct elf_segment){
			.offset = ph.p_offset, .paddr = ph.p_paddr,
			.filesz = ph.p_filesz, .memsz = ph.p_memsz,
		};
	}
	if (!img->nr_segs)
		return lkvm__fail(-ENOEXEC, "ELF file has nothing to load");
	img->entry = e64(&f, ((const Elf64_Ehdr *)data)->e_entry) & PPC64_KERNELBASE_MASK;
	if (img->entry >= img->load_end)
		return lkvm__fail(-ENOEXEC, "ELF entry point outside the image");
	return 0;
}

int elf__load(const struct elf_image *img, struct guest_mem *mem, int fd,
	      struct loader *l)
{
	const struct elf_segment *s;
	uint8_t *dst;

	for (s = img->seg; s < img->seg + img->nr_segs; s++) {
		dst = guest_mem__ptr(mem, s->paddr, s->memsz, true);
		if (!dst)
			return lkvm__fail(-EFAULT, "kernel segment at 0x%llx does not fit in guest RAM",
					  (unsigned long long)s->paddr);
		/* a file that shrank since inspection reads short: the
		 * loader reports that rather than loading less */
		if (loader__add(l, "kernel", fd, s->offset, dst, s->filesz) ||
		    loader__add_zero(l, "kernel bss", dst + s->filesz,
				     s->memsz - s->filesz))
			return -E2BIG;
	}
	return 0;
}
