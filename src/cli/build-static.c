/* build-static.c: goinspect-static (`make static`), every library linked in. --version says
 * which libraries and releases are inside and under which licenses, since the file is often
 * all there is on the host it was copied to. The releases are those of the headers the build
 * compiled against, which come in the same -dev packages as the archives it linked (bzip2,
 * whose header has none, is asked). */
#include "cli/cli.h"

#include <bzlib.h>
#include <capstone/capstone.h>
#include <elfutils/version.h>
#include <jansson.h>
#include <libunwind.h>
#include <lzma.h>
#include <protobuf-c/protobuf-c.h>
#include <zlib.h>

#define STR_(x) #x
#define STR(x) STR_(x)

void gi_version_more(FILE *f)
{
	const char *bz2 = BZ2_bzlibVersion();  /* "1.0.8, 13-Jul-2019" */
	char elfutils[32], bzip2[32];
	snprintf(elfutils, sizeof elfutils, "%d.%d", _ELFUTILS_VERSION / 1000, _ELFUTILS_VERSION % 1000);
	snprintf(bzip2, sizeof bzip2, "%.*s", (int)strcspn(bz2, ","), bz2);
	const struct {
		const char *name, *release, *license;
	} libs[] = {
		{"elfutils libdw, libelf", elfutils, "GPL-2.0-or-later OR LGPL-3.0-or-later"},
		{"libunwind", STR(UNW_VERSION_MAJOR) "." STR(UNW_VERSION_MINOR) "." STR(UNW_VERSION_EXTRA), "MIT"},
		{"capstone", STR(CS_VERSION_MAJOR) "." STR(CS_VERSION_MINOR) "." STR(CS_VERSION_EXTRA), "BSD-3-Clause"},
		{"jansson", JANSSON_VERSION, "MIT"},
		{"protobuf-c", PROTOBUF_C_VERSION, "BSD-2-Clause"},
		{"zlib", ZLIB_VERSION, "Zlib"},
#if LZMA_VERSION >= 50060000U
		{"xz liblzma", LZMA_VERSION_STRING, "0BSD"},
#else
		{"xz liblzma", LZMA_VERSION_STRING, "public domain"},
#endif
		{"bzip2 libbz2", bzip2, "bzip2-1.0.6"},
		{"GNU C Library", STR(__GLIBC__) "." STR(__GLIBC_MINOR__), "LGPL-2.1-or-later"},
		{"GCC libgcc", __VERSION__, "GPL-3.0-or-later WITH GCC-exception-3.1"},
	};
	fputs("statically linked (goinspect-static); license GPL-2.0-or-later, and the pprof schema\n"
	      "the export is encoded with is the pprof project's, Apache-2.0\n"
	      "libraries linked in, their releases and licenses:\n", f);
	for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
		char nr[64];
		snprintf(nr, sizeof nr, "%s %s", libs[i].name, libs[i].release);
		fprintf(f, "  %-30s %s\n", nr, libs[i].license);
	}
	fputs("debuginfod lookups run the host's debuginfod-find, where it has one\n", f);
}
