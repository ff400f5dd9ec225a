/* libFuzzer harness: the ELF reader (sections, compressed sections, build id, symbols, the
 * bytes behind an address) and the build information it leads to. */
#include "goruntime/goruntime.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("elf", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	char path[64], err[256];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct gi_elf e;
	memset(&e, 0, sizeof e);
	if (gi_elf_open(&e, path, err, sizeof err) == 0) {
		size_t len;
		uint64_t addr;
		const uint8_t *bi = gi_elf_section(&e, ".go.buildinfo", &len, &addr);
		if (bi) {
			struct gi_buildinfo b;
			memset(&b, 0, sizeof b);
			gi_buildinfo_parse(bi, len, &b, err, sizeof err);
			gi_buildinfo_free(&b);
		}
		gi_elf_section(&e, ".gopclntab", &len, &addr);
		gi_elf_section(&e, ".debug_info", &len, &addr);
		uint64_t sa, ss;
		if (gi_elf_symbol(&e, "runtime.firstmoduledata", &sa, &ss) == 0) {
			uint8_t buf[64];
			gi_elf_read_vaddr(&e, sa, buf, sizeof buf);
		}
		gi_elf_close(&e);
	}
	close(fd);
	return 0;
}
