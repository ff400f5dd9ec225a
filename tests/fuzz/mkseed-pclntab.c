/* Makes a seed for fuzz-pclntab from a Go program that is not position independent and keeps
 * its symbols: 8 bytes (little endian) of runtime.firstmoduledata's offset from 0x400000, the
 * last of them the program's Go minor release, then the program's loaded image from 0x400000
 * (its file bytes; zero where it has none). */
#include "goruntime/goruntime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkseed-pclntab GO-PROGRAM OUT\n");
		return 64;
	}
	struct gi_elf e;
	char err[256];
	memset(&e, 0, sizeof e);
	if (gi_elf_open(&e, argv[1], err, sizeof err) != 0) {
		fprintf(stderr, "mkseed-pclntab: %s\n", err);
		return 1;
	}
	uint64_t md, mdsize, end = 0x400000;
	size_t len;
	uint64_t addr;
	if (gi_elf_symbol(&e, "runtime.firstmoduledata", &md, &mdsize) != 0 || md < 0x400000) {
		fprintf(stderr, "mkseed-pclntab: no runtime.firstmoduledata (PIE or stripped?)\n");
		return 1;
	}
	const char *secs[] = {".text", ".rodata", ".typelink", ".itablink", ".gopclntab",
	                      ".go.module", ".noptrdata", ".data"};
	for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++)
		if (gi_elf_section(&e, secs[i], &len, &addr) && addr + len > end)
			end = addr + len;
	if (md + mdsize > end)
		end = md + mdsize;
	size_t n = (size_t)(end - 0x400000);
	uint8_t *img = calloc(1, n + 8);
	uint64_t off = md - 0x400000;
	memcpy(img, &off, 8);
	const uint8_t *bi = gi_elf_section(&e, ".go.buildinfo", &len, NULL);
	struct gi_buildinfo b;
	int major = 0, minor = 0, patch = 0;
	if (!bi || gi_buildinfo_parse(bi, len, &b, err, sizeof err) != 0 ||
	    gi_go_version_parse(b.go_version, &major, &minor, &patch) != 0) {
		fprintf(stderr, "mkseed-pclntab: no Go version in %s\n", argv[1]);
		return 1;
	}
	gi_buildinfo_free(&b);
	img[7] = (uint8_t)minor;
	for (uint64_t a = 0x400000; a < end; a += 4096) {
		size_t chunk = end - a < 4096 ? (size_t)(end - a) : 4096;
		gi_elf_read_vaddr(&e, a, img + 8 + (a - 0x400000), chunk);
	}
	FILE *f = fopen(argv[2], "wb");
	if (!f || fwrite(img, 1, n + 8, f) != n + 8 || fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	free(img);
	gi_elf_close(&e);
	return 0;
}
