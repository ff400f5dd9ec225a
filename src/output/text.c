/* text.c: what the text reports share: colours, widths, wrapping. */
#include "output/output.h"

#include <jansson.h>
#include <stdlib.h>
#include <time.h>

const char *gi_paint(const struct gi_report_opts *o, const char *code)
{
	return o && o->color ? code : "";
}

size_t gi_rows(const struct gi_report_opts *o, size_t n)
{
	return (o && o->top > 0 && (size_t)o->top < n) ? (size_t)o->top : n;
}

/* A right-aligned field of width w, red when it grew, green when it shrank. */
void gi_print_delta(FILE *out, const struct gi_report_opts *o, int w, int64_t delta,
                    const char *text)
{
	fprintf(out, "%s%*s%s", gi_paint(o, delta > 0 ? GI_C_RED : delta < 0 ? GI_C_GREEN : ""), w,
	        text, gi_paint(o, delta ? GI_C_OFF : ""));
}

const char *gi_fmt_count(char *buf, size_t n, int64_t v)
{
	snprintf(buf, n, "%+lld", (long long)v);
	return buf;
}

/* s cut to at most w columns, keeping its end (the most specific part of a Go name). */
const char *gi_fit(char *buf, size_t n, const char *s, size_t w)
{
	size_t len = strlen(s);
	if (len <= w || w < 8) {
		snprintf(buf, n, "%s", s);
		return buf;
	}
	snprintf(buf, n, "...%s", s + len - (w - 3));
	return buf;
}

/* Words wrapped at 78 columns, the first line after `first`, the rest indented by `indent`. */
void gi_wrap(FILE *out, const char *first, const char *indent, const char *text)
{
	size_t col = strlen(first), ind = strlen(indent);
	fputs(first, out);
	const char *p = text;
	bool start = true;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		size_t wl = (size_t)(e - p);
		if (!wl)
			break;
		if (!start && col + 1 + wl > 78) {
			fprintf(out, "\n%s", indent);
			col = ind;
			start = true;
		}
		if (!start) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, wl, out);
		col += wl;
		start = false;
		p = e;
	}
	fputc('\n', out);
}

long long gi_parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -1;
	return (long long)timegm(&tm);
}

void gi_print_json(FILE *out, void *json)
{
	json_dumpf(json, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(json);
}

static void safe_string(char **str, void *arg)
{
	(void)arg;
	char *e = gi_escape_controls(*str);
	if (e) {
		free(*str);
		*str = e;
	}
}

void gi_text_safe(struct gi_snapshot *s)
{
	gi_snapshot_strings(s, safe_string, NULL);
}
