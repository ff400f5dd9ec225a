/* failon.c: diff --fail-on: limits on growth, for CI. */
#include "analysis/analysis.h"

#include <errno.h>
#include <stdlib.h>
#include <strings.h>

/* A limit: decimal digits, with a fraction for sizes ("1.5GiB"); no sign, exponent, hex,
 * "inf" or "nan", which strtod would take. The number of digits is bounded so the value read
 * is exact enough before it is checked against the range. */
static bool decimal(const char *v, bool fraction, double *x, const char **end)
{
	const char *p = v;
	size_t digits = 0;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (fraction && *p == '.' && p[1] >= '0' && p[1] <= '9')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits || digits > 40)
		return false;
	*x = strtod(v, NULL);
	*end = p;
	return true;
}

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
		const char *v = eq + 2, *end;
		bool count = !strcmp(tok, "goroutines");
		double x;
		if (!count && strcmp(tok, "heap") && strcmp(tok, "rss")) {
			snprintf(err, errlen, "unknown measure '%s' (goroutines, heap, rss)", tok);
			rc = -EINVAL;
			break;
		}
		if (!decimal(v, !count, &x, &end)) {
			snprintf(err, errlen, "'%s=%s': not a %s", tok, eq + 1,
			         count ? "count (digits)" : "size (digits, a unit)");
			rc = -EINVAL;
			break;
		}
		double mult = 1;
		if (count && *end) {
			snprintf(err, errlen, "'goroutines=%s': a whole number, without a unit", eq + 1);
			rc = -EINVAL;
			break;
		}
		while (*end == ' ')
			end++;
		if (count || !*end || !strcasecmp(end, "B"))
			mult = 1;
		else if (!strcasecmp(end, "K") || !strcasecmp(end, "KiB") || !strcasecmp(end, "KB"))
			mult = 1024.0;
		else if (!strcasecmp(end, "M") || !strcasecmp(end, "MiB") || !strcasecmp(end, "MB"))
			mult = 1024.0 * 1024;
		else if (!strcasecmp(end, "G") || !strcasecmp(end, "GiB") || !strcasecmp(end, "GB"))
			mult = 1024.0 * 1024 * 1024;
		else if (!strcasecmp(end, "T") || !strcasecmp(end, "TiB") || !strcasecmp(end, "TB"))
			mult = 1024.0 * 1024 * 1024 * 1024;
		else {
			snprintf(err, errlen, "'%s=%s': unknown unit (B, KiB, MiB, GiB, TiB)", tok,
			         eq + 1);
			rc = -EINVAL;
			break;
		}
		/* A delta is an int64_t: a limit it can never reach is a mistake, not "no limit".
		 * (double)INT64_MAX is 2^63: below it, the conversion is exact enough and defined. */
		double value = x * mult;
		errno = 0;
		long long n = count ? strtoll(v, NULL, 10) : 0;
		if (count ? errno == ERANGE : !(value < 9223372036854775807.0)) {
			snprintf(err, errlen, "'%s=%s': out of range (%s)", tok, eq + 1,
			         count ? "at most 9223372036854775807" : "below 8 EiB");
			rc = -ERANGE;
			break;
		}
		if (count) {
			f->goroutines = n;
			f->has_goroutines = true;
		} else if (!strcmp(tok, "heap")) {
			f->heap = (int64_t)value;
			f->has_heap = true;
		} else {
			f->rss = (int64_t)value;
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
