/* The unwinder and symbolizer on garbage: random stack bytes, random pcs, stacks whose
 * return addresses point back into themselves. Every call must end, within its bound, and
 * nothing may crash (the suite also runs under ASan and UBSan). Uses a live fixture's
 * function table (fixtures-bin/<go>/states, started here). */
#include "goruntime/goruntime.h"
#include "unit.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int run(const char *bin)
{
	char dir[] = "/tmp/gi-unit-unwind.XXXXXX", ready[512];
	if (!mkdtemp(dir))
		return 99;
	pid_t pid = fork();
	if (pid == 0) {
		execl(bin, bin, "-out", dir, (char *)NULL);
		_exit(127);
	}
	snprintf(ready, sizeof ready, "%s/ready", dir);
	for (int i = 0; i < 600 && access(ready, F_OK) != 0; i++)
		usleep(50000);
	char exe[64], err[256];
	snprintf(exe, sizeof exe, "/proc/%d/exe", pid);
	struct gi_elf elf;
	CHECK(gi_elf_open(&elf, exe, err, sizeof err) == 0);
	struct gi_dwarf *dw = NULL;
	CHECK(gi_dwarf_open(&elf, &dw, err, sizeof err) == 0 && dw != NULL);
	uint64_t md = 0;
	CHECK(dw && gi_dwarf_var(dw, "runtime.firstmoduledata", &md, NULL) == 0);
	struct gi_remote m;
	gi_remote_open(&m, pid);
	struct gi_pcln *p = NULL;
	struct gi_layout *lay = NULL;
	struct gi_pcln_layout pl;
	CHECK(gi_layout_from_elf(&elf, &lay, err, sizeof err) == 0 &&
	      gi_layout_pcln(lay, &pl, err, sizeof err) == 0);
	gi_layout_close(lay);
	if (md && lay)
		gi_pcln_load(&m, md, &pl, &p, err, sizeof err);
	CHECK(p != NULL);
	uint64_t text = 0, etext = 0;
	if (p) {
		gi_remote_read_u64(&m, md + pl.md_text, &text);
		gi_remote_read_u64(&m, md + pl.md_etext, &etext);
		uint64_t main_addr;
		CHECK(gi_elf_symbol(&elf, "runtime.main", &main_addr, NULL) == 0);
		CHECK_STR(gi_pcln_funcname(p, main_addr), "runtime.main");
		CHECK(gi_pcln_funcname(p, etext + 4096) == NULL);
	}
	static uint8_t stk[8192];
	uint64_t pcs[64];
	struct gi_pcln_frame fr[64];
	int worst = 0, bad = 0;
	for (int it = 0; p && it < 20000; it++) {
		size_t len = next() % sizeof stk;
		for (size_t i = 0; i < sizeof stk; i += 8) {
			uint64_t v;
			switch (next() % 4) {
			case 0: v = text + next() % (etext - text + 64); break;  /* a pc, maybe past */
			case 1: v = 0x10000 + (i & ~7ull) + (next() % 64);       /* into the stack */
				break;
			case 2: v = 0; break;
			default: v = next(); break;
			}
			memcpy(stk + i, &v, 8);
		}
		uint64_t pc = (it % 3) ? text + next() % (etext - text) : next();
		bool trunc;
		int n = gi_unwind(p, pc, 0x10000 + (next() % (len + 1)), stk, 0x10000, len, pcs, 64, &trunc);
		if (n < 0 || n > 64)
			bad++;
		if (n > worst)
			worst = n;
		for (int i = 0; i < n; i++) {
			int k = gi_pcln_frames(p, pcs[i], i > 0, fr, 64);
			if (k < 0 || k > 64)
				bad++;
			for (int j = 0; j < k; j++)
				if (!fr[j].func || !fr[j].file)
					bad++;
		}
	}
	CHECK(bad == 0);
	printf("20000 garbage stacks: deepest %d frames, none out of bounds\n", worst);
	gi_pcln_free(p);
	gi_remote_close(&m);
	gi_dwarf_close(dw);
	gi_elf_close(&elf);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	free(cmd);
	return 0;
}

int main(void)
{
	const char *bd = getenv("GI_BUILDDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/fixtures-bin", bd ? bd : ".");
	DIR *d = opendir(path);
	struct dirent *e;
	int ran = 0;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "go1.", 4) != 0)
			continue;
		char bin[8192];
		snprintf(bin, sizeof bin, "%s/%s/states", path, e->d_name);
		printf("%s: ", e->d_name);
		fflush(stdout);
		if (run(bin) == 99)
			return 99;
		ran++;
	}
	if (d)
		closedir(d);
	if (!ran) {
		printf("no fixtures built: skipped\n");
		return 77;
	}
	return UNIT_DONE();
}
