/* buildinfo.c: the Go linker's .go.buildinfo section: the Go version and the module and
 * build settings, as `go version -m` prints them (src/debug/buildinfo/buildinfo.go). */
#include "goruntime/goruntime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int uvarint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -1;
		uint8_t b = *(*p)++;
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

static char *read_string(const uint8_t **p, const uint8_t *end)
{
	uint64_t n;
	if (uvarint(p, end, &n) != 0 || n > (uint64_t)(end - *p))
		return NULL;
	char *s = xmalloc(n + 1);
	memcpy(s, *p, n);
	s[n] = 0;
	*p += n;
	return s;
}

/* Undoes strconv.Quote for the simple escapes Go writes in build settings. */
static char *unquote(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return xstrdup(s);
	char *o = xmalloc(n), *q = o;
	for (size_t i = 1; i < n - 1; i++) {
		if (s[i] == '\\' && i + 1 < n - 1) {
			char c = s[++i];
			*q++ = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		} else {
			*q++ = s[i];
		}
	}
	*q = 0;
	return o;
}

static void parse_modinfo(char *mi, struct gi_buildinfo *b)
{
	size_t n = strlen(mi);
	if (n >= 33 && mi[n - 17] == '\n') {  /* 16-byte sentinels at both ends */
		mi[n - 16] = 0;
		mi += 16;
	}
	char *save = NULL;
	for (char *line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = {0};
		int k = 0;
		char *s2 = NULL;
		for (char *t = strtok_r(line, "\t", &s2); t && k < 4; t = strtok_r(NULL, "\t", &s2))
			f[k++] = t;
		if (k >= 2 && !strcmp(f[0], "path") && !b->main_path)
			b->main_path = xstrdup(f[1]);
		else if (k >= 3 && !strcmp(f[0], "mod")) {
			free(b->main_path);
			b->main_path = xstrdup(f[1]);
			b->main_version = xstrdup(f[2]);
			b->main_sum = xstrdup(k >= 4 ? f[3] : NULL);
		} else if (k >= 2 && !strcmp(f[0], "build")) {
			char *eq = strchr(f[1], '=');
			if (!eq)
				continue;
			*eq = 0;
			char *v = unquote(eq + 1);
			gi_strmap_add(&b->settings, f[1], v);
			free(v);
		}
	}
}

int gi_buildinfo_parse(const uint8_t *sec, size_t len, struct gi_buildinfo *out, char *err,
                       size_t errlen)
{
	static const char magic[] = "\xff Go buildinf:";
	memset(out, 0, sizeof *out);
	if (len < 32 || memcmp(sec, magic, 14) != 0) {
		snprintf(err, errlen, "bad .go.buildinfo header");
		return -EINVAL;
	}
	if (!(sec[15] & 2)) {
		snprintf(err, errlen, "Go older than 1.18 (pointer-format build info)");
		return -ENOTSUP;
	}
	const uint8_t *p = sec + 32, *end = sec + len;
	out->go_version = read_string(&p, end);
	char *mi = out->go_version ? read_string(&p, end) : NULL;
	if (!out->go_version || !mi) {
		snprintf(err, errlen, "truncated .go.buildinfo");
		free(mi);
		gi_buildinfo_free(out);
		return -EINVAL;
	}
	parse_modinfo(mi, out);
	free(mi);
	return 0;
}

void gi_buildinfo_free(struct gi_buildinfo *b)
{
	free(b->go_version);
	free(b->main_path);
	free(b->main_version);
	free(b->main_sum);
	gi_strmap_free(&b->settings);
	memset(b, 0, sizeof *b);
}

int gi_go_version_parse(const char *s, int *major, int *minor, int *patch)
{
	if (!s)
		return -EINVAL;
	const char *p = strstr(s, "go1.");
	if (!p)
		return -EINVAL;
	p += 2;
	char *end;
	long a = strtol(p, &end, 10);
	if (*end != '.')
		return -EINVAL;
	long b = strtol(end + 1, &end, 10);
	long c = 0;
	if (*end == '.')
		c = strtol(end + 1, &end, 10);
	*major = (int)a;
	*minor = (int)b;
	*patch = (int)c;
	return 0;
}
