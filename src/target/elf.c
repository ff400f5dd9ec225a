/* elf.c: the target's ELF file, read with libelf. */
#include "target/target.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int gi_elf_open(struct gi_elf *e, const char *path, char *err, size_t errlen)
{
	memset(e, 0, sizeof *e);
	e->fd = -1;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "libelf is out of date");
		return -ENOTSUP;
	}
	char why[256];
	int r = gi_open_regular(path, &e->fd, NULL, why, sizeof why);  /* a FIFO is not waited on */
	if (r < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, why);
		return r;
	}
	Elf *elf = elf_begin(e->fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		snprintf(err, errlen, "not an ELF file");
		if (elf)
			elf_end(elf);
		close(e->fd);
		e->fd = -1;
		return -ENOEXEC;
	}
	e->elf = elf;
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh)) {
		snprintf(err, errlen, "bad ELF header: %s", elf_errmsg(-1));
		gi_elf_close(e);
		return -ENOEXEC;
	}
	e->elfclass = gelf_getclass(elf);
	e->machine = eh.e_machine;
	e->pie = eh.e_type == ET_DYN;
	e->entry = eh.e_entry;
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return 0;
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info"))
			e->has_dwarf = true;
		else if (sh.sh_type == SHT_SYMTAB)
			e->has_symtab = true;
		else if (sh.sh_type == SHT_NOTE) {
			Elf_Data *d = elf_getdata(scn, NULL);
			GElf_Nhdr nh;
			size_t off = 0, noff, doff;
			while (d && (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
				if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
				    !memcmp((char *)d->d_buf + noff, "GNU", 4) && nh.n_descsz <= 64) {
					const uint8_t *id = (const uint8_t *)d->d_buf + doff;
					for (size_t i = 0; i < nh.n_descsz; i++)
						snprintf(e->build_id + 2 * i, 3, "%02x", id[i]);
				} else if (nh.n_type == 4 && (nh.n_namesz == 3 || nh.n_namesz == 4) &&
				           !memcmp((char *)d->d_buf + noff, "Go", 3) &&
				           nh.n_descsz < sizeof e->go_build_id) {
					memcpy(e->go_build_id, (char *)d->d_buf + doff, nh.n_descsz);
					e->go_build_id[nh.n_descsz] = 0;
				}
			}
		}
	}
	return 0;
}

bool gi_elf_is_gccgo(struct gi_elf *e)
{
	size_t len;
	uint64_t addr;
	if (gi_elf_section(e, ".go_export", &len, &addr))
		return true;
	Elf *elf = e->elf;
	for (Elf_Scn *scn = NULL; elf && (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : 16); i++) {
			GElf_Dyn dyn;
			if (!gelf_getdyn(d, (int)i, &dyn) || dyn.d_tag != DT_NEEDED)
				continue;
			const char *n = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
			if (n && !strncmp(n, "libgo.so", 8))
				return true;
		}
	}
	return false;
}

const uint8_t *gi_elf_section(struct gi_elf *e, const char *name, size_t *len, uint64_t *addr)
{
	size_t shstrndx;
	Elf *elf = e->elf;
	if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
		return NULL;
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!n || strcmp(n, name))
			continue;
		if (sh.sh_flags & SHF_COMPRESSED)
			elf_compress(scn, 0, 0);
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return NULL;
		if (len)
			*len = d->d_size;
		if (addr)
			*addr = sh.sh_addr;
		return d->d_buf;
	}
	return NULL;
}

int gi_elf_read_vaddr(struct gi_elf *e, uint64_t vaddr, void *buf, size_t len)
{
	size_t n;
	Elf *elf = e->elf;
	if (!elf || elf_getphdrnum(elf, &n) != 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (vaddr < ph.p_vaddr || vaddr + len > ph.p_vaddr + ph.p_memsz)
			continue;
		memset(buf, 0, len);
		uint64_t off = vaddr - ph.p_vaddr;
		if (off >= ph.p_filesz)
			return 0;
		size_t avail = ph.p_filesz - off < len ? (size_t)(ph.p_filesz - off) : len;
		ssize_t r = pread(e->fd, buf, avail, (off_t)(ph.p_offset + off));
		return r == (ssize_t)avail ? 0 : r < 0 ? -errno : -EIO;
	}
	return -EFAULT;
}

int gi_elf_symbol(struct gi_elf *e, const char *name, uint64_t *addr, uint64_t *size)
{
	Elf *elf = e->elf;
	for (Elf_Scn *scn = NULL; elf && (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		size_t count = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; d && i < count; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(d, (int)i, &sym))
				continue;
			const char *n = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (n && !strcmp(n, name)) {
				*addr = sym.st_value;
				if (size)
					*size = sym.st_size;
				return 0;
			}
		}
	}
	return -ENOENT;
}

void gi_elf_close(struct gi_elf *e)
{
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	e->elf = NULL;
	e->fd = -1;
}

bool gi_elf_same_build(const struct gi_elf *a, const struct gi_elf *b)
{
	int compared = 0;
	if (a->build_id[0] && b->build_id[0]) {
		if (strcmp(a->build_id, b->build_id))
			return false;
		compared++;
	}
	if (a->go_build_id[0] && b->go_build_id[0]) {
		if (strcmp(a->go_build_id, b->go_build_id))
			return false;
		compared++;
	}
	return compared > 0;
}

unsigned gi_elf_host_machine(void)
{
#if defined(__aarch64__)
	return EM_AARCH64;
#else
	return EM_X86_64;
#endif
}

const char *gi_elf_machine_name(unsigned machine)
{
	switch (machine) {
	case EM_X86_64: return "x86-64";
	case EM_AARCH64: return "arm64";
	case EM_386: return "x86 (32-bit)";
	case EM_ARM: return "arm (32-bit)";
	case EM_RISCV: return "riscv";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390x";
	default: return "an unknown machine";
	}
}
