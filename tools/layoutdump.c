/* layoutdump: prints, as C source for src/goruntime/layouts-table.c, the layouts of the runtime types
 * and the sizes of the runtime globals goinspect reads, from the DWARF of a Go binary.
 * scripts/gen-layouts.sh runs it on a build made with each Go release.
 *   layoutdump BINARY GOVERSION
 *   layoutdump --vars BINARY      the globals' link-time addresses, "global NAME 0xADDR"
 */
#include "goruntime/goruntime.h"

#include <stdlib.h>
#include <string.h>

static const char *const types[] = {
	"runtime.g", "runtime.m", "runtime.p", "runtime.schedt", "runtime.gobuf", "runtime.stack",
	"runtime.mheap", "runtime.mspan", "runtime.mcentral", "runtime.heapArena",
	"runtime.mstats", "runtime.consistentHeapStats", "runtime.heapStatsDelta",
	"runtime.gcControllerState", "runtime.moduledata", "runtime.pcHeader", "runtime._func",
	"runtime.sudog", "runtime.hchan", "runtime.waitq", "runtime.mcache", "runtime.workType",
	"runtime.gList", "runtime.gQueue", "runtime.funcval", "runtime.special",
	"runtime/pprof.labelMap", "runtime/pprof.label",
};

static const char *const vars[] = {
	"runtime.allgs", "runtime.allglen", "runtime.allgptr", "runtime.sched", "runtime.allp",
	"runtime.allm", "runtime.mheap_", "runtime.firstmoduledata", "runtime.waitReasonStrings",
	"runtime.fingStatus", "runtime.fingRunning", "runtime.memstats", "runtime.gcController",
	"runtime.work", "runtime.gomaxprocs", "runtime.ncpu", "runtime.physPageSize",
	"runtime.MemProfileRate", "runtime.disableMemoryProfiling", "runtime.mbuckets",
	"runtime.mProfCycle", "runtime.gcphase", "runtime.class_to_size",
	"internal/runtime/gc.SizeClassToSize",
};

struct ctx {
	int type;
	unsigned n;
};

static int print_member(void *arg, const char *path, uint64_t off, uint64_t size)
{
	struct ctx *c = arg;
	printf("\t{%d, \"%s\", %llu, %llu},\n", c->type, path, (unsigned long long)off,
	       (unsigned long long)size);
	c->n++;
	return 0;
}

static int print_vars(const char *bin)
{
	struct gi_elf elf;
	char err[256];
	struct gi_dwarf *d = NULL;
	if (gi_elf_open(&elf, bin, err, sizeof err) != 0 ||
	    gi_dwarf_open(&elf, &d, err, sizeof err) != 0) {
		fprintf(stderr, "layoutdump: %s: %s\n", bin, err);
		return 1;
	}
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		uint64_t a;
		if (gi_dwarf_var(d, vars[i], &a, NULL) == 0)
			printf("global %s %#llx\n", vars[i], (unsigned long long)a);
	}
	gi_dwarf_close(d);
	gi_elf_close(&elf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--vars"))
		return print_vars(argv[2]);
	if (argc != 3) {
		fprintf(stderr, "usage: layoutdump BINARY GOVERSION\n");
		return 2;
	}
	struct gi_elf elf;
	char err[256];
	if (gi_elf_open(&elf, argv[1], err, sizeof err) != 0) {
		fprintf(stderr, "layoutdump: %s: %s\n", argv[1], err);
		return 1;
	}
	struct gi_dwarf *d;
	if (gi_dwarf_open(&elf, &d, err, sizeof err) != 0) {
		fprintf(stderr, "layoutdump: %s: %s\n", argv[1], err);
		return 1;
	}
	int major = 0, minor = 0, patch = 0;
	if (gi_go_version_parse(argv[2], &major, &minor, &patch) != 0 || major != 1) {
		fprintf(stderr, "layoutdump: bad Go version %s\n", argv[2]);
		return 1;
	}
	const size_t nt = sizeof types / sizeof types[0], nv = sizeof vars / sizeof vars[0];
	printf("/* %s */\nstatic const struct gi_ltab_type types_%d[] = {\n", argv[2], minor);
	for (size_t i = 0; i < nt; i++) {
		uint64_t sz;
		if (gi_dwarf_type_size(d, types[i], &sz) == 0)
			printf("\t{\"%s\", %llu},\n", types[i], (unsigned long long)sz);
		else
			printf("\t{\"%s\", 0},  /* not in this release */\n", types[i]);
	}
	printf("};\nstatic const struct gi_ltab_member members_%d[] = {\n", minor);
	for (size_t i = 0; i < nt; i++) {
		struct ctx c = {(int)i, 0};
		uint64_t sz;
		if (gi_dwarf_type_size(d, types[i], &sz) != 0)
			continue;  /* not in this release */
		if (gi_dwarf_walk(d, types[i], print_member, &c) < 0) {
			fprintf(stderr, "layoutdump: %s: cannot walk %s\n", argv[1], types[i]);
			return 1;
		}
	}
	printf("};\nstatic const struct gi_ltab_var vars_%d[] = {\n", minor);
	for (size_t i = 0; i < nv; i++) {
		uint64_t a, sz = 0;
		if (gi_dwarf_var(d, vars[i], &a, &sz) == 0)
			printf("\t{\"%s\", %llu},\n", vars[i], (unsigned long long)sz);
	}
	printf("};\n");
	gi_dwarf_close(d);
	gi_elf_close(&elf);
	return 0;
}
