/* status.c: goroutine statuses (runtime/runtime2.go) and what they mean to a reader.
 *
 * The values are the runtime's constants (_Gidle, _Gwaiting, ..., the _Gscan bit) and the
 * words are its gStatusStrings, both taken from the release's layouts: DWARF's constants and
 * the program's own gStatusStrings, or the built-in table's copies of them. */
#include "goruntime/goruntime.h"

#include <errno.h>
#include <stdlib.h>

static const char *const names[GI_GS_COUNT] = {
	[GI_GS_IDLE] = "idle", [GI_GS_RUNNABLE] = "runnable", [GI_GS_RUNNING] = "running",
	[GI_GS_SYSCALL] = "syscall", [GI_GS_WAITING] = "waiting", [GI_GS_DEAD] = "dead",
	[GI_GS_COPYSTACK] = "copystack", [GI_GS_PREEMPTED] = "preempted",
	[GI_GS_LEAKED] = "leaked", [GI_GS_DEADEXTRA] = "deadextra",
};

/* Reads a [n]string of the target into words. 0 or -errno. */
static int read_strings(struct gi_remote *m, uint64_t addr, uint64_t size, char ***words,
                        size_t *n)
{
	if (size % 16 || size == 0 || size > 16 * 256)
		return -EINVAL;
	uint64_t *hdr = xmalloc(size);
	int r = gi_remote_read(m, addr, hdr, size);
	if (r < 0) {
		free(hdr);
		return r;
	}
	*n = size / 16;
	*words = xcalloc(*n, sizeof **words);
	for (size_t i = 0; i < *n; i++) {
		uint64_t p = hdr[2 * i], len = hdr[2 * i + 1];
		char *s = xcalloc(1, len <= 256 ? len + 1 : 1);
		if (len > 256 || (len && (!p || gi_remote_read(m, p, s, len) != 0)))
			s[0] = 0;
		(*words)[i] = s;
	}
	free(hdr);
	return 0;
}

int gi_gstatus_load(struct gi_layout *l, struct gi_remote *m, struct gi_gstatus *st, char *err,
                    size_t errlen)
{
	memset(st, 0, sizeof *st);
	for (int i = 0; i < GI_GS_COUNT; i++) {
		char name[64];
		snprintf(name, sizeof name, "runtime._G%s", names[i]);
		if (gi_layout_const(l, name, &st->v[i]) != 0)
			st->v[i] = -1;
	}
	int64_t scan;
	for (int i = 0; i <= GI_GS_PREEMPTED; i++)
		if (st->v[i] < 0 || st->v[i] > 255) {
			snprintf(err, errlen, "no constant runtime._G%s", names[i]);
			return -ENOENT;
		}
	if (gi_layout_const(l, "runtime._Gscan", &scan) != 0 || scan <= 255 || scan > 1 << 30 ||
	    (scan & (scan - 1))) {
		snprintf(err, errlen, "no constant runtime._Gscan (a bit above the statuses)");
		return -ENOENT;
	}
	st->scan = (uint32_t)scan;
	/* the words: the program's own gStatusStrings (DWARF), or the table's copy */
	const struct gi_ltab *tab = gi_layout_table(l);
	uint64_t addr, size;
	if (tab) {
		st->nwords = tab->ngstatus;
		st->words = xcalloc(st->nwords ? st->nwords : 1, sizeof *st->words);
		for (size_t i = 0; i < st->nwords; i++)
			st->words[i] = xstrdup(tab->gstatus[i]);
	} else if (gi_layout_var(l, "runtime.gStatusStrings", &addr, &size) != 0 ||
	           read_strings(m, addr, size, &st->words, &st->nwords) != 0) {
		snprintf(err, errlen, "runtime.gStatusStrings not read");
		return -ENOENT;
	}
	/* each status the readers tell apart prints as its constant is named */
	for (int i = 0; i < GI_GS_COUNT; i++) {
		if (st->v[i] < 0 || i == GI_GS_DEADEXTRA)
			continue;
		if ((uint64_t)st->v[i] >= st->nwords || strcmp(st->words[st->v[i]], names[i])) {
			snprintf(err, errlen, "runtime.gStatusStrings[_G%s = %lld] is \"%.32s\", not \"%s\"",
			         names[i], (long long)st->v[i],
			         (uint64_t)st->v[i] < st->nwords ? st->words[st->v[i]] : "(none)",
			         names[i]);
			gi_gstatus_free(st);
			return -EINVAL;
		}
	}
	return 0;
}

void gi_gstatus_free(struct gi_gstatus *st)
{
	for (size_t i = 0; i < st->nwords; i++)
		free(st->words[i]);
	free(st->words);
	st->words = NULL;
	st->nwords = 0;
}

bool gi_gstatus_is(const struct gi_gstatus *st, uint32_t v, enum gi_gs which)
{
	return st->v[which] >= 0 && (uint64_t)st->v[which] == v;
}

const char *gi_gstatus_word(const struct gi_gstatus *st, uint32_t v)
{
	return v < st->nwords && st->words[v][0] ? st->words[v] : "???";
}

bool gi_status_key_is_wait(const char *key)
{
	static const char *const not_waits[] = {"running", "runnable", "syscall", "idle", "dead",
	                                        "copystack", "preempted"};
	if (!key)
		return false;
	for (size_t i = 0; i < sizeof not_waits / sizeof not_waits[0]; i++)
		if (!strcmp(key, not_waits[i]))
			return false;
	return true;
}
