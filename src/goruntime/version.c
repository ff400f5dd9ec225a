/* version.c: the Go releases goinspect reads, and the runtime's behaviour by release.
 *
 * The releases goinspect knows are those of scripts/go-releases (releases.h): each has a
 * built-in table (layouts-table.c) for binaries without DWARF. A release newer than the newest
 * of them is read when its DWARF can be had, everything taken from the binary and checked
 * (layouts, constants, record shapes; capture.c refuses it when one does not fit); an older
 * one is refused. Nothing here compares a version where the binary can answer: the few rules
 * below are what no DWARF entry, layout or table says. */
#include "goruntime/goruntime.h"

#include <stdlib.h>

int gi_go_newest_known(void)
{
	const char *hide = gi_fault(GI_FAULT_HIDE_RELEASE);  /* test hook: day one of a release */
	if (hide && *hide) {
		int n = atoi(hide);
		if (n > GI_GO_MIN_MINOR && n - 1 < GI_GO_MAX_MINOR)
			return n - 1;
	}
	return GI_GO_MAX_MINOR;
}

enum gi_go_release gi_go_release_of(int major, int minor)
{
	if (major != 1 || minor < GI_GO_MIN_MINOR)
		return GI_GO_UNSUPPORTED;
	return minor <= gi_go_newest_known() ? GI_GO_KNOWN : GI_GO_NEWER;
}

/* The release that began each rule (from the Go sources of both releases). */
static const int rule_since[GI_RULE_COUNT] = {
	/* runtime/pprof/protomem.go and pprof.go hide "internal/runtime/" like "runtime." */
	[GI_RULE_PPROF_HIDES_INTERNAL_RUNTIME] = 24,
	/* runtime/traceback.go: isInjectedCall; before 1.21 only sigpanic (waspanic) */
	[GI_RULE_PREEMPT_IS_INJECTED] = 21,
};

bool gi_go_rule(enum gi_go_rule r, int minor)
{
	int newest = gi_go_newest_known();
	if ((unsigned)r >= GI_RULE_COUNT || rule_since[r] > newest)
		return false;  /* a rule of a release goinspect does not know (yet) */
	return (minor > newest ? newest : minor) >= rule_since[r];
}
