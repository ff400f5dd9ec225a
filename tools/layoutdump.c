/* layoutdump: prints, as C source for src/goruntime/layouts-table.c, what goinspect reads a
 * release's runtime with when a binary has no DWARF, taken from the DWARF and data of a build
 * made with that release: the layouts of the runtime types, the sizes of the runtime globals,
 * the constants, the size-class table, the status words (gStatusStrings) and how function
 * names print (the results of runtime.funcNamePiecesForPrint).
 * scripts/gen-layouts.sh runs it on a build made with each Go release.
 *   layoutdump BINARY GOVERSION
 *   layoutdump --vars BINARY      the globals' link-time addresses, "global NAME 0xADDR"
 * The lists below are what goinspect's readers ask for (a name is dumped where the release
 * has it; several names of one fact are the names it had in different releases).
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
	/* the function table's inline tree; the heap profile's bucket and record; label sets */
	"runtime.inlinedCall", "runtime.bucket", "runtime.memRecord", "runtime.memRecordCycle",
	"internal/runtime/pprof/label.Label", "runtime.hmap",
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

static const char *const consts[] = {
	/* goroutine statuses (status.c) */
	"runtime._Gidle", "runtime._Grunnable", "runtime._Grunning", "runtime._Gsyscall",
	"runtime._Gwaiting", "runtime._Gdead", "runtime._Gcopystack", "runtime._Gpreempted",
	"runtime._Gleaked", "runtime._Gdeadextra", "runtime._Gscan",
	/* the function table (pclntab.c) */
	"internal/abi.FuncIDWrapper", "runtime.funcID_wrapper", "internal/abi.FuncFlagTopFrame",
	"runtime.funcFlag_TOPFRAME", "internal/abi.PCDATA_InlTreeIndex",
	"runtime._PCDATA_InlTreeIndex", "internal/abi.FUNCDATA_InlTree", "runtime._FUNCDATA_InlTree",
	"internal/runtime/sys.PCQuantum", "runtime/internal/sys.PCQuantum",
	/* the heap (heap.c, goroutines.c) */
	"internal/runtime/gc.NumSizeClasses", "runtime._NumSizeClasses", "runtime.numSpanClasses",
	"runtime.pageSize", "runtime.mSpanDead", "runtime.mSpanInUse", "runtime.mSpanManual",
	"runtime.heapArenaBytes", "runtime.arenaBaseOffsetUintptr",
	"runtime.memoryLimitHeapGoalHeadroom", "runtime.memoryLimitMinHeapGoalHeadroom",
	"runtime.memoryLimitHeapGoalHeadroomPercent",
	/* finalizers, the heap profile, label maps (goroutines.c, memprof.c) */
	"runtime.fingRunningFinalizer", "runtime.memProfile", "runtime.bucketCnt",
	"internal/abi.MapBucketCount", "internal/abi.OldMapBucketCount", "runtime.minTopHash",
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

/* A C string literal of s. */
static void print_cstring(const char *s)
{
	putchar('"');
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			printf("\\%03o", (unsigned char)*s);
		else
			putchar(*s);
	putchar('"');
}

/* The initialised data of a global [N]uint16 or [N]string, read from the file (the build is
 * not position independent: its pointers are link-time addresses). */
static int print_data(struct gi_elf *elf, struct gi_dwarf *d, int minor, const char *bin)
{
	static const char *const cls[] = {"internal/runtime/gc.SizeClassToSize",
	                                   "runtime.class_to_size"};
	uint64_t a, sz = 0;
	size_t k = 0;
	while (k < 2 && gi_dwarf_var(d, cls[k], &a, &sz) != 0)
		k++;
	uint16_t *v = k < 2 && sz && sz % 2 == 0 && sz < 4096 ? malloc(sz) : NULL;
	if (!v || gi_elf_read_vaddr(elf, a, v, sz) != 0) {
		fprintf(stderr, "layoutdump: %s: no size-class table\n", bin);
		return 1;
	}
	printf("static const uint16_t class_size_%d[] = {", minor);
	for (size_t i = 0; i < sz / 2; i++)
		printf("%s%u,", i % 12 ? " " : "\n\t", v[i]);
	printf("\n};\n");
	free(v);
	uint64_t hdr[2 * 64];
	if (gi_dwarf_var(d, "runtime.gStatusStrings", &a, &sz) != 0 || sz % 16 || sz > sizeof hdr ||
	    gi_elf_read_vaddr(elf, a, hdr, sz) != 0) {
		fprintf(stderr, "layoutdump: %s: no runtime.gStatusStrings\n", bin);
		return 1;
	}
	printf("static const char *const gstatus_%d[] = {\n", minor);
	for (size_t i = 0; i < sz / 16; i++) {
		char s[257] = "";
		uint64_t len = hdr[2 * i + 1];
		if (len > 256 || (len && gi_elf_read_vaddr(elf, hdr[2 * i], s, len) != 0)) {
			fprintf(stderr, "layoutdump: %s: gStatusStrings[%zu] unreadable\n", bin, i);
			return 1;
		}
		s[len] = 0;
		printf("\t");
		print_cstring(s);
		printf(",\n");
	}
	printf("};\n");
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
	printf("};\nstatic const struct gi_ltab_const consts_%d[] = {\n", minor);
	for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
		int64_t v;
		if (gi_dwarf_const(d, consts[i], &v) == 0)
			printf("\t{\"%s\", %lldll},\n", consts[i], (long long)v);
	}
	printf("};\n");
	if (print_data(&elf, d, minor, argv[1]) != 0)
		return 1;
	int pieces = 0;
	if (gi_dwarf_func_results(d, "runtime.funcNamePiecesForPrint", &pieces) != 0)
		pieces = 0;
	printf("static const struct gi_ltab ltab_%d = {\n", minor);
	printf("\t%d, \"%s\",\n", minor, argv[2]);
	const char *const arrays[] = {"types", "members", "vars", "consts", "class_size", "gstatus"};
	for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
		printf("\t%s_%d, sizeof %s_%d / sizeof %s_%d[0],\n", arrays[i], minor, arrays[i], minor,
		       arrays[i], minor);
	printf("\t%d,  /* results of runtime.funcNamePiecesForPrint */\n};\n", pieces);
	gi_dwarf_close(d);
	gi_elf_close(&elf);
	return 0;
}
