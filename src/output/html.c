/* html.c: diff --html, one self-contained page: no script, no style sheet, font or image
 * from elsewhere, so it can be mailed, attached to a ticket or opened offline.
 *
 * It holds the verdict, a flame graph of the goroutine stacks that grew (inline SVG, drawn
 * here: one box per function, as wide as the goroutines it gained; the program's entry at the
 * bottom, where they block at the top) and bar charts of the goroutine groups, heap size
 * classes, memory kinds and mappings that grew. */
#include "output/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* ---- the flame graph ---- */

struct fnode {
	const char *name;
	uint64_t value;
	struct fnode *kids;
	size_t nkids, cap;
};

static struct fnode *child(struct fnode *n, const char *name)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (!strcmp(n->kids[i].name, name))
			return &n->kids[i];
	GI_GROW(n->kids, n->nkids, n->cap);
	struct fnode *k = &n->kids[n->nkids++];
	memset(k, 0, sizeof *k);
	k->name = name;
	return k;
}

static void fnode_free(struct fnode *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		fnode_free(&n->kids[i]);
	free(n->kids);
}

static size_t fnode_depth(const struct fnode *n)
{
	size_t d = 0;
	for (size_t i = 0; i < n->nkids; i++) {
		size_t k = fnode_depth(&n->kids[i]);
		if (k > d)
			d = k;
	}
	return d + 1;
}

#define FW 1200.0 /* SVG user units */
#define FH 18

static void flame_rects(FILE *f, const struct fnode *n, double x, double w, size_t depth,
                        size_t maxdepth, uint64_t total)
{
	double y = (double)(maxdepth - depth - 1) * FH;
	uint64_t h = 2166136261u;
	for (const char *p = n->name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	int r = 205 + (int)(h % 50), g = 80 + (int)((h >> 8) % 130), b = 40 + (int)((h >> 16) % 40);
	fprintf(f, "<g class=\"frame\" data-func=\"");
	esc(f, n->name);
	fprintf(f, "\" data-value=\"%llu\"><title>", (unsigned long long)n->value);
	esc(f, n->name);
	fprintf(f, ": +%llu goroutine%s (%.1f%%)</title>", (unsigned long long)n->value,
	        n->value == 1 ? "" : "s", total ? 100.0 * (double)n->value / (double)total : 0);
	fprintf(f, "<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%d\" rx=\"2\" "
	        "fill=\"rgb(%d,%d,%d)\"/>", x, y, w > 1 ? w - 0.5 : w, FH - 1, r, g, b);
	size_t fit = w > 12 ? (size_t)((w - 6) / 7) : 0;
	if (fit >= 3) {
		size_t len = strlen(n->name);
		fprintf(f, "<text x=\"%.2f\" y=\"%.0f\">", x + 3, y + FH - 5);
		if (len <= fit) {
			esc(f, n->name);
		} else {
			char *cut = xstrdup(n->name);
			cut[fit - 2] = 0;
			esc(f, cut);
			fputs("..", f);
			free(cut);
		}
		fputs("</text>", f);
	}
	fputs("</g>\n", f);
	double cx = x;
	for (size_t i = 0; i < n->nkids; i++) {
		double cw = n->value ? w * (double)n->kids[i].value / (double)n->value : 0;
		flame_rects(f, &n->kids[i], cx, cw, depth + 1, maxdepth, total);
		cx += cw;
	}
}

static void flame(FILE *f, const struct gi_diff *d)
{
	struct fnode root;
	memset(&root, 0, sizeof root);
	root.name = "all goroutines that grew";
	for (size_t i = 0; i < d->ngroups; i++) {
		const struct gi_group_delta *g = &d->groups[i];
		if (g->delta <= 0 || !g->b)
			continue;
		root.value += (uint64_t)g->delta;
		struct fnode *n = &root;
		for (size_t k = g->b->nframes; k-- > 0;) {
			n = child(n, g->b->frames[k].func ? g->b->frames[k].func : "?");
			n->value += (uint64_t)g->delta;
		}
	}
	if (!root.value) {
		fputs("<p class=\"none\">No goroutine stack grew.</p>\n", f);
		fnode_free(&root);
		return;
	}
	size_t depth = fnode_depth(&root);
	fprintf(f, "<svg class=\"flame\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %zu\" "
	        "width=\"100%%\" role=\"img\" aria-label=\"flame graph\">\n", FW, depth * FH);
	flame_rects(f, &root, 0, FW, 0, depth, root.value);
	fputs("</svg>\n<p class=\"note\">Width: goroutines gained between the first and the last "
	      "snapshot. Bottom: where the goroutines started; top: where they wait. Hover a box "
	      "for its figures.</p>\n", f);
	fnode_free(&root);
}

/* ---- bar charts ---- */

struct bar {
	char *label;
	int64_t value;
	char *text;  /* the figure shown */
};

static void bars(FILE *f, const char *id, const char *title, struct bar *b, size_t n)
{
	int64_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (llabs(b[i].value) > max)
			max = llabs(b[i].value);
	fprintf(f, "<section id=\"%s\"><h2>", id);
	esc(f, title);
	fputs("</h2>\n", f);
	if (!n) {
		fputs("<p class=\"none\">Nothing grew.</p>\n", f);
	} else {
		fputs("<table class=\"bars\">\n", f);
		for (size_t i = 0; i < n; i++) {
			double pct = max ? 100.0 * (double)llabs(b[i].value) / (double)max : 0;
			fprintf(f, "<tr class=\"bar\" data-value=\"%lld\"><th>", (long long)b[i].value);
			esc(f, b[i].label);
			fprintf(f, "</th><td class=\"fig\">");
			esc(f, b[i].text);
			fprintf(f, "</td><td class=\"track\"><div class=\"%s\" style=\"width:%.1f%%\">"
			        "</div></td></tr>\n", b[i].value >= 0 ? "up" : "down", pct < 0.5 ? 0.5 : pct);
		}
		fputs("</table>\n", f);
	}
	fputs("</section>\n", f);
	for (size_t i = 0; i < n; i++) {
		free(b[i].label);
		free(b[i].text);
	}
	free(b);
}

static const char style[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;"
	"max-width:1250px;padding:0 1em;color:#1d1d1f;background:#fff}"
	"h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.6em 0 .5em;"
	"border-bottom:1px solid #ddd;padding-bottom:.2em}"
	".meta{color:#555;margin:0}.note{color:#666;font-size:.9em}"
	"#verdict{background:#fff4f2;border-left:5px solid #d33;padding:.6em 1em;margin-top:1.2em}"
	"#verdict.quiet{background:#f2faf3;border-left-color:#2a2}"
	"#verdict h2{border:0;margin:.2em 0}#verdict li{margin:.3em 0}"
	"svg.flame{border:1px solid #eee;background:#fafafa}"
	"svg.flame text{font:11px ui-monospace,monospace;fill:#000;pointer-events:none}"
	"svg.flame g.frame:hover rect{stroke:#000;stroke-width:.8}"
	"table.bars{border-collapse:collapse;width:100%}"
	"table.bars th{text-align:left;font:12px ui-monospace,monospace;padding:2px 8px 2px 0;"
	"max-width:520px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:normal}"
	"table.bars td.fig{text-align:right;padding:2px 8px;white-space:nowrap;"
	"font-variant-numeric:tabular-nums}"
	"table.bars td.track{width:45%}"
	"div.up,div.down{height:12px;border-radius:2px}div.up{background:#d9534f}"
	"div.down{background:#5cb85c}"
	".none{color:#666;font-style:italic}";

int gi_html_write(const struct gi_diff *d, const char *const *paths, const char *out,
                  char *err, size_t errlen)
{
	struct gi_out file;
	int rc = gi_out_open(&file, out, err, errlen);
	if (rc)
		return rc;
	FILE *f = fdopen(file.fd, "w");
	if (!f) {
		int e = errno;
		snprintf(err, errlen, "%s", strerror(e));
		close(file.fd);
		gi_out_close(&file, false, err, errlen);
		return -e;
	}
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
	fprintf(f, "goinspect diff: PID %d (", b->pid);
	esc(f, b->comm ? b->comm : "?");
	fprintf(f, ")</title>\n<style>%s</style>\n</head>\n<body>\n<h1>goinspect diff: PID %d (",
	        style, b->pid);
	esc(f, b->comm ? b->comm : "?");
	fputs(")</h1>\n<p class=\"meta\">", f);
	esc(f, b->exe ? b->exe : "?");
	fputs(", ", f);
	esc(f, b->go_version ? b->go_version : "");
	fputs("</p>\n<p class=\"meta\">", f);
	for (size_t i = 0; i < d->nsnaps; i++) {
		if (i)
			fputs(" &rarr; ", f);
		esc(f, paths ? gi_basename(paths[i]) : "?");
		fputs(" (", f);
		esc(f, d->snaps[i]->time_utc ? d->snaps[i]->time_utc : "?");
		fputs(")", f);
	}
	fputs("</p>\n", f);

	/* The verdict. */
	fprintf(f, "<section id=\"verdict\"%s><h2>Verdict</h2>\n",
	        d->nclaims ? "" : " class=\"quiet\"");
	if (!d->nclaims) {
		fputs("<p>Nothing grew beyond noise.</p>\n", f);
	} else {
		fputs("<ul>\n", f);
		for (size_t i = 0; i < d->nclaims; i++) {
			fprintf(f, "<li class=\"claim\" data-kind=\"%s\">", d->claims[i].kind);
			esc(f, d->claims[i].text);
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	fputs("</section>\n", f);

	fprintf(f, "<section id=\"totals\"><h2>Totals</h2><p>Goroutines %llu &rarr; %llu "
	        "(%+lld)", (unsigned long long)a->gor_total, (unsigned long long)b->gor_total,
	        (long long)d->gor_delta);
	if (d->stuck_known)
		fprintf(f, ", %llu stuck since the first snapshot", (unsigned long long)d->stuck);
	fprintf(f, ". RSS %s &rarr; %s (%s)", GI_SIZE(a->mem.rss), GI_SIZE(b->mem.rss), GI_DSIZE(d->rss_delta));
	if (d->heap_known)
		fprintf(f, ". Heap in use %s &rarr; %s (%s)", GI_SIZE(a->heap.heap_inuse),
		        GI_SIZE(b->heap.heap_inuse), GI_DSIZE(d->heap_inuse_delta));
	fputs(".</p></section>\n", f);

	fputs("<section id=\"flamegraph\"><h2>Goroutine stacks that grew</h2>\n", f);
	if (d->stacks_known)
		flame(f, d);
	else
		fputs("<p class=\"none\">The stacks were not read in both snapshots.</p>\n", f);
	fputs("</section>\n", f);

	/* Bar charts of what grew. */
	struct bar *bb = xcalloc(d->ngroups + 1, sizeof *bb);
	size_t n = 0;
	for (size_t i = 0; i < d->ngroups && n < 20; i++) {
		const struct gi_group_delta *g = &d->groups[i];
		if (g->delta <= 0)
			continue;
		const struct gi_frame *w = gi_group_where(g->b);
		bb[n].label = xasprintf("%s (%s:%d) [%s]", w && w->func ? w->func : "?",
		                        gi_basename(w ? w->file : NULL), w ? w->line : 0,
		                        g->b->wait_reason ? g->b->wait_reason : "?");
		bb[n].value = g->delta;
		bb[n].text = xasprintf("%+lld", (long long)g->delta);
		n++;
	}
	bars(f, "groups", "Goroutine groups that grew", bb, n);

	bb = xcalloc(d->nclasses + 1, sizeof *bb);
	n = 0;
	for (size_t i = 0; i < d->nclasses && n < 20; i++) {
		const struct gi_class_delta *c = &d->classes[i];
		if (c->bytes_delta <= 0)
			continue;
		bb[n].label = c->size ? xasprintf("class %d: %llu-byte objects", c->cls,
		                                  (unsigned long long)c->size)
		                      : xasprintf("class %d: large objects", c->cls);
		bb[n].value = c->bytes_delta;
		bb[n].text = xasprintf("%s, %+lld objects", GI_DSIZE(c->bytes_delta),
		                       (long long)c->objects_delta);
		n++;
	}
	if (d->classes_known)
		bars(f, "classes", "Heap size classes that grew", bb, n);
	else
		free(bb);

	bb = xcalloc(GI_MAP_KIND_COUNT, sizeof *bb);
	n = 0;
	for (int k = 0; k < GI_MAP_KIND_COUNT; k++)
		if (d->kinds[k].delta > 0) {
			bb[n].label = xstrdup(gi_map_kind_name(k));
			bb[n].value = d->kinds[k].delta;
			bb[n].text = xstrdup(GI_DSIZE(d->kinds[k].delta));
			n++;
		}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && bb[j].value > bb[j - 1].value; j--) {
			struct bar t = bb[j];
			bb[j] = bb[j - 1];
			bb[j - 1] = t;
		}
	bars(f, "kinds", "Memory that grew, by kind (RSS)", bb, n);

	/* Mappings that grew, largest first (diff sorts them by the size of the change). */
	bb = xcalloc(d->nmaps + 1, sizeof *bb);
	n = 0;
	for (size_t i = 0; i < d->nmaps && n < 15; i++) {
		const struct gi_map_delta *md = &d->maps[i];
		if (md->delta <= 0 || !md->b)
			continue;
		const struct gi_mapping *m = md->b;
		bb[n].label = xasprintf("%012llx %s %s", (unsigned long long)m->start,
		                        gi_map_kind_name(m->kind), m->path ? m->path : "[anon]");
		bb[n].value = md->delta;
		bb[n].text = xstrdup(GI_DSIZE(md->delta));
		n++;
	}
	bars(f, "mappings", "Mappings that grew (RSS)", bb, n);

	bool ok = !ferror(f);
	int e = ok ? 0 : errno ? errno : EIO;
	if (fclose(f) != 0 && ok) {
		ok = false;
		e = errno ? errno : EIO;
	}
	if (!ok)
		snprintf(err, errlen, "%s", strerror(e));
	rc = gi_out_close(&file, ok, err, errlen);
	return ok ? rc : -e;
}
