/* fault.c: the fault points the tests set with GOINSPECT_FAULT=point[=value],... (base.h). */
#include "base/base.h"

#include <stdlib.h>
#include <sysexits.h>

static const char *const names[GI_FAULT_COUNT] = {
	[GI_FAULT_STOP_SLEEP] = "stop-sleep",
	[GI_FAULT_KILL_TARGET] = "kill-target",
	[GI_FAULT_STACKS_TIMEOUT] = "stacks-timeout",
	[GI_FAULT_NO_DWARF] = "no-dwarf",
	[GI_FAULT_TABLE] = "table",
	[GI_FAULT_PRINT_GLOBALS] = "print-globals",
	[GI_FAULT_NATIVE_NO_FILES] = "native-no-files",
	[GI_FAULT_READ_GARBAGE] = "read-garbage",
	[GI_FAULT_INPUT_LIMIT] = "input-limit",
	[GI_FAULT_HIDE_RELEASE] = "hide-release",
};

static char *parsed;  /* the GOINSPECT_FAULT the values are of */
static char *values[GI_FAULT_COUNT];

/* Splits GOINSPECT_FAULT (again when it changed); a point nobody knows is a mistake in a
 * test: refused. */
static void parse(const char *env)
{
	free(parsed);
	parsed = xstrdup(env);
	for (int p = 0; p < GI_FAULT_COUNT; p++) {
		free(values[p]);
		values[p] = NULL;
	}
	if (!*env)
		return;
	char *copy = xstrdup(env), *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (eq)
			*eq = 0;
		int p = 0;
		while (p < GI_FAULT_COUNT && strcmp(names[p], tok))
			p++;
		if (p == GI_FAULT_COUNT) {
			gi_err("GOINSPECT_FAULT: no fault point '%s'", tok);
			exit(EX_USAGE);
		}
		free(values[p]);
		values[p] = xstrdup(eq ? eq + 1 : "");
	}
	free(copy);
}

const char *gi_fault(enum gi_fault_point p)
{
	const char *env = getenv("GOINSPECT_FAULT");
	if (!env)
		env = "";
	if (!parsed || strcmp(parsed, env))
		parse(env);
	return (unsigned)p < GI_FAULT_COUNT ? values[p] : NULL;
}
