/* elfinfo.c: the target's ELF file (libelf) and its .go.buildinfo. */
#include "goinspect.h"

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
		return -1;
	}
	e->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (e->fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	Elf *elf = elf_begin(e->fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		snprintf(err, errlen, "not an ELF file");
		if (elf)
			elf_end(elf);
		close(e->fd);
		e->fd = -1;
		return -1;
	}
	e->elf = elf;
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh)) {
		snprintf(err, errlen, "bad ELF header: %s", elf_errmsg(-1));
		gi_elf_close(e);
		return -1;
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
		return -1;
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
		return r == (ssize_t)avail ? 0 : -1;
	}
	return -1;
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
	return -1;
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

/* ---- .go.buildinfo ---- */

static int uvarint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -1;
		uint8_t b = *(*p)++;
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

static char *read_string(const uint8_t **p, const uint8_t *end)
{
	uint64_t n;
	if (uvarint(p, end, &n) != 0 || n > (uint64_t)(end - *p))
		return NULL;
	char *s = xmalloc(n + 1);
	memcpy(s, *p, n);
	s[n] = 0;
	*p += n;
	return s;
}

/* Undoes strconv.Quote for the simple escapes Go writes in build settings. */
static char *unquote(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return xstrdup(s);
	char *o = xmalloc(n), *q = o;
	for (size_t i = 1; i < n - 1; i++) {
		if (s[i] == '\\' && i + 1 < n - 1) {
			char c = s[++i];
			*q++ = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		} else {
			*q++ = s[i];
		}
	}
	*q = 0;
	return o;
}

static void parse_modinfo(char *mi, struct gi_buildinfo *b)
{
	size_t n = strlen(mi);
	if (n >= 33 && mi[n - 17] == '\n') {  /* 16-byte sentinels at both ends */
		mi[n - 16] = 0;
		mi += 16;
	}
	char *save = NULL;
	for (char *line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = {0};
		int k = 0;
		char *s2 = NULL;
		for (char *t = strtok_r(line, "\t", &s2); t && k < 4; t = strtok_r(NULL, "\t", &s2))
			f[k++] = t;
		if (k >= 2 && !strcmp(f[0], "path") && !b->main_path)
			b->main_path = xstrdup(f[1]);
		else if (k >= 3 && !strcmp(f[0], "mod")) {
			free(b->main_path);
			b->main_path = xstrdup(f[1]);
			b->main_version = xstrdup(f[2]);
			b->main_sum = xstrdup(k >= 4 ? f[3] : NULL);
		} else if (k >= 2 && !strcmp(f[0], "build")) {
			char *eq = strchr(f[1], '=');
			if (!eq)
				continue;
			*eq = 0;
			char *v = unquote(eq + 1);
			gi_strmap_add(&b->settings, f[1], v);
			free(v);
		}
	}
}

int gi_buildinfo_parse(const uint8_t *sec, size_t len, struct gi_buildinfo *out, char *err,
                       size_t errlen)
{
	static const char magic[] = "\xff Go buildinf:";
	memset(out, 0, sizeof *out);
	if (len < 32 || memcmp(sec, magic, 14) != 0) {
		snprintf(err, errlen, "bad .go.buildinfo header");
		return -1;
	}
	if (!(sec[15] & 2)) {
		snprintf(err, errlen, "Go older than 1.18 (pointer-format build info)");
		return -2;
	}
	const uint8_t *p = sec + 32, *end = sec + len;
	out->go_version = read_string(&p, end);
	char *mi = out->go_version ? read_string(&p, end) : NULL;
	if (!out->go_version || !mi) {
		snprintf(err, errlen, "truncated .go.buildinfo");
		free(mi);
		gi_buildinfo_free(out);
		return -1;
	}
	parse_modinfo(mi, out);
	free(mi);
	return 0;
}

void gi_buildinfo_free(struct gi_buildinfo *b)
{
	free(b->go_version);
	free(b->main_path);
	free(b->main_version);
	free(b->main_sum);
	gi_strmap_free(&b->settings);
	memset(b, 0, sizeof *b);
}

int gi_go_version_parse(const char *s, int *major, int *minor, int *patch)
{
	if (!s)
		return -1;
	const char *p = strstr(s, "go1.");
	if (!p)
		return -1;
	p += 2;
	char *end;
	long a = strtol(p, &end, 10);
	if (*end != '.')
		return -1;
	long b = strtol(end + 1, &end, 10);
	long c = 0;
	if (*end == '.')
		c = strtol(end + 1, &end, 10);
	*major = (int)a;
	*minor = (int)b;
	*patch = (int)c;
	return 0;
}
