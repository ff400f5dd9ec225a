/* failon.c: diff --fail-on: limits on growth, for CI. */
#include "analysis/analysis.h"

#include <errno.h>
#include <stdlib.h>
#include <strings.h>

int gi_failon_parse(const char *spec, struct gi_failon *f, char *err, size_t errlen)
{
	memset(f, 0, sizeof *f);
	char *copy = xstrdup(spec), *save = NULL;
	int rc = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq || eq[1] != '+') {
			snprintf(err, errlen, "'%s': want NAME=+LIMIT (goroutines=+100, heap=+64MiB, "
			         "rss=+256MiB)", tok);
			rc = -EINVAL;
			break;
		}
		*eq = 0;
		const char *v = eq + 2;
		char *end;
		double x = strtod(v, &end);
		if (end == v || x < 0) {
			snprintf(err, errlen, "'%s=%s': not a number", tok, eq + 1);
			rc = -EINVAL;
			break;
		}
		double mult = 1;
		if (!strcmp(tok, "goroutines")) {
			if (*end) {
				snprintf(err, errlen, "'goroutines=%s': a count, without a unit", eq + 1);
				rc = -EINVAL;
				break;
			}
			f->goroutines = (int64_t)x;
			f->has_goroutines = true;
			continue;
		}
		if (strcmp(tok, "heap") && strcmp(tok, "rss")) {
			snprintf(err, errlen, "unknown measure '%s' (goroutines, heap, rss)", tok);
			rc = -EINVAL;
			break;
		}
		while (*end == ' ')
			end++;
		if (!*end || !strcasecmp(end, "B"))
			mult = 1;
		else if (!strcasecmp(end, "K") || !strcasecmp(end, "KiB") || !strcasecmp(end, "KB"))
			mult = 1024.0;
		else if (!strcasecmp(end, "M") || !strcasecmp(end, "MiB") || !strcasecmp(end, "MB"))
			mult = 1024.0 * 1024;
		else if (!strcasecmp(end, "G") || !strcasecmp(end, "GiB") || !strcasecmp(end, "GB"))
			mult = 1024.0 * 1024 * 1024;
		else {
			snprintf(err, errlen, "'%s=%s': unknown unit (B, KiB, MiB, GiB)", tok, eq + 1);
			rc = -EINVAL;
			break;
		}
		if (!strcmp(tok, "heap")) {
			f->heap = (int64_t)(x * mult);
			f->has_heap = true;
		} else {
			f->rss = (int64_t)(x * mult);
			f->has_rss = true;
		}
	}
	free(copy);
	return rc;
}

int gi_failon_check(const struct gi_failon *f, const struct gi_diff *d, FILE *msg,
                    char *err, size_t errlen)
{
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	if (f->has_goroutines && !(a->gor_available && b->gor_available)) {
		snprintf(err, errlen, "--fail-on goroutines: the goroutines were not read in %s "
		         "snapshot", a->gor_available ? "the last" : "the first");
		return -ENOENT;
	}
	if (f->has_heap && !d->heap_known) {
		snprintf(err, errlen, "--fail-on heap: the snapshots have no heap figures "
		         "(heap.heap_inuse)");
		return -ENOENT;
	}
	if (f->has_rss && !(a->mem.available && b->mem.available)) {
		snprintf(err, errlen, "--fail-on rss: the memory map was not read in %s snapshot",
		         a->mem.available ? "the last" : "the first");
		return -ENOENT;
	}
	int crossed = 0;
	if (f->has_goroutines && d->gor_delta > f->goroutines) {
		fprintf(msg, "goinspect: --fail-on goroutines=+%lld crossed: goroutines %+lld\n",
		        (long long)f->goroutines, (long long)d->gor_delta);
		crossed++;
	}
	if (f->has_heap && d->heap_inuse_delta > f->heap) {
		fprintf(msg, "goinspect: --fail-on heap=+%s crossed: heap in use %s\n", GI_SIZE(f->heap),
		        GI_DSIZE(d->heap_inuse_delta));
		crossed++;
	}
	if (f->has_rss && d->rss_delta > f->rss) {
		fprintf(msg, "goinspect: --fail-on rss=+%s crossed: RSS %s\n", GI_SIZE(f->rss),
		        GI_DSIZE(d->rss_delta));
		crossed++;
	}
	return crossed;
}
