/* Unit tests for elfinfo.c: .go.buildinfo parsing (crafted and from the fixtures' real
 * binaries, built by every Go toolchain found), Go version strings, ELF basics. */
#include "goruntime/goruntime.h"

#include <errno.h>
#include "unit.h"

#include <dirent.h>
#include <elf.h>
#include <stdlib.h>

/* A Go 1.18+ section: 32-byte header, then two uvarint-prefixed strings. */
static size_t craft(uint8_t *buf, const char *ver, const char *mod, int flags)
{
	memset(buf, 0, 32);
	memcpy(buf, "\xff Go buildinf:", 14);
	buf[14] = 8;
	buf[15] = (uint8_t)flags;
	size_t n = 32;
	const char *s[2] = {ver, mod};
	for (int i = 0; i < 2; i++) {
		size_t l = strlen(s[i]);
		buf[n++] = (uint8_t)(l < 128 ? l : (l & 0x7f) | 0x80);
		if (l >= 128)
			buf[n++] = (uint8_t)(l >> 7);
		memcpy(buf + n, s[i], l);
		n += l;
	}
	return n;
}

static void real_binaries(void)
{
	const char *bd = getenv("GI_BUILDDIR");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/fixtures-bin", bd ? bd : ".");
	DIR *d = opendir(dir);
	int seen = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "go1.", 4) != 0)
			continue;
		char path[8192], err[256];
		snprintf(path, sizeof path, "%s/%s/states", dir, e->d_name);
		struct gi_elf elf;
		CHECK(gi_elf_open(&elf, path, err, sizeof err) == 0);
		CHECK(elf.elfclass == ELFCLASS64 && elf.machine == EM_X86_64 && !elf.pie);
		CHECK(elf.has_dwarf && elf.has_symtab);
		size_t len;
		const uint8_t *sec = gi_elf_section(&elf, ".go.buildinfo", &len, NULL);
		CHECK(sec != NULL);
		struct gi_buildinfo bi;
		CHECK(sec && gi_buildinfo_parse(sec, len, &bi, err, sizeof err) == 0);
		CHECK_STR(bi.go_version, e->d_name);
		CHECK_STR(bi.main_path, "goinspect.test/fixtures");
		CHECK_STR(bi.main_version, "(devel)");
		CHECK_STR(gi_strmap_get(&bi.settings, "GOARCH"), "amd64");
		CHECK_STR(gi_strmap_get(&bi.settings, "GOOS"), "linux");
		CHECK_STR(gi_strmap_get(&bi.settings, "-compiler"), "gc");
		CHECK_STR(gi_strmap_get(&bi.settings, "CGO_ENABLED"), "0");
		uint64_t addr, size;
		CHECK(gi_elf_symbol(&elf, "runtime.allgs", &addr, &size) == 0 && size == 24);
		uint64_t hdr[2];
		CHECK(gi_elf_read_vaddr(&elf, elf.entry, hdr, sizeof hdr) == 0);
		gi_buildinfo_free(&bi);
		gi_elf_close(&elf);
		seen++;
	}
	if (d)
		closedir(d);
	printf("real binaries checked: %d\n", seen);
}

int main(void)
{
	uint8_t buf[4096];
	char err[256];
	struct gi_buildinfo bi;
	static const char mod[] =
		"0123456789abcdef"
		"path\texample.com/svc/cmd/server\n"
		"mod\texample.com/svc\tv1.2.3\th1:abc=\n"
		"dep\tgolang.org/x/sys\tv0.1.0\th1:def=\n"
		"build\t-compiler=gc\n"
		"build\t-ldflags=\"-s -w -X main.v=1\"\n"
		"build\tCGO_ENABLED=1\n"
		"build\tGOARCH=amd64\n"
		"\n0123456789abcdef";
	size_t n = craft(buf, "go1.24.3", mod, 2);
	CHECK(gi_buildinfo_parse(buf, n, &bi, err, sizeof err) == 0);
	CHECK_STR(bi.go_version, "go1.24.3");
	CHECK_STR(bi.main_path, "example.com/svc");
	CHECK_STR(bi.main_version, "v1.2.3");
	CHECK_STR(bi.main_sum, "h1:abc=");
	CHECK_U64(bi.settings.n, 4);
	CHECK_STR(gi_strmap_get(&bi.settings, "-ldflags"), "-s -w -X main.v=1");
	CHECK_STR(gi_strmap_get(&bi.settings, "CGO_ENABLED"), "1");
	gi_buildinfo_free(&bi);

	n = craft(buf, "go1.22.1", "", 2);  /* no module information (GOPATH build) */
	CHECK(gi_buildinfo_parse(buf, n, &bi, err, sizeof err) == 0);
	CHECK_STR(bi.go_version, "go1.22.1");
	CHECK(bi.main_path == NULL && bi.settings.n == 0);
	gi_buildinfo_free(&bi);

	n = craft(buf, "go1.17", "", 0);  /* pointer format */
	CHECK(gi_buildinfo_parse(buf, n, &bi, err, sizeof err) == -ENOTSUP);
	CHECK(strstr(err, "older than 1.18") != NULL);
	gi_buildinfo_free(&bi);

	n = craft(buf, "go1.24.3", mod, 2);
	buf[3] = 'X';
	CHECK(gi_buildinfo_parse(buf, n, &bi, err, sizeof err) == -EINVAL);
	CHECK(gi_buildinfo_parse(buf, 20, &bi, err, sizeof err) == -EINVAL);  /* short header */
	n = craft(buf, "go1.24.3", mod, 2);
	CHECK(gi_buildinfo_parse(buf, 40, &bi, err, sizeof err) == -EINVAL);  /* cut mid-string */
	CHECK(strstr(err, "truncated") != NULL);
	memset(buf + 32, 0xff, 12);  /* a varint that never ends */
	CHECK(gi_buildinfo_parse(buf, 44, &bi, err, sizeof err) == -EINVAL);
	buf[32] = 0x7f;  /* a length past the end */
	CHECK(gi_buildinfo_parse(buf, 40, &bi, err, sizeof err) == -EINVAL);

	int a, b, c;
	CHECK(gi_go_version_parse("go1.26.8", &a, &b, &c) == 0 && a == 1 && b == 26 && c == 8);
	CHECK(gi_go_version_parse("go1.21rc2", &a, &b, &c) == 0 && b == 21 && c == 0);
	CHECK(gi_go_version_parse("go1.22", &a, &b, &c) == 0 && b == 22 && c == 0);
	CHECK(gi_go_version_parse("devel go1.27-abcdef Tue Jan 1", &a, &b, &c) == 0 && b == 27);
	CHECK(gi_go_version_parse("go1.24.1 X:boringcrypto", &a, &b, &c) == 0 && b == 24 && c == 1);
	CHECK(gi_go_version_parse("gccgo", &a, &b, &c) == -EINVAL);
	CHECK(gi_go_version_parse(NULL, &a, &b, &c) == -EINVAL);

	struct gi_elf e;
	CHECK(gi_elf_open(&e, "/proc/self/exe", err, sizeof err) == 0);
	CHECK(gi_elf_section(&e, ".go.buildinfo", NULL, NULL) == NULL);
	CHECK(gi_elf_section(&e, ".text", NULL, NULL) != NULL);
	gi_elf_close(&e);
	const char *src = getenv("GI_SRCDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/configure.ac", src ? src : ".");
	CHECK(gi_elf_open(&e, path, err, sizeof err) == -ENOEXEC && strstr(err, "not an ELF file"));
	CHECK(gi_elf_open(&e, "/nonexistent", err, sizeof err) == -ENOENT && strstr(err, "No such file"));

	real_binaries();
	return UNIT_DONE();
}
