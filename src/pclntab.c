/* pclntab.c: function names from the runtime's own function table (.gopclntab).
 *
 * The tables are found through the live runtime.firstmoduledata, whose slices the runtime has
 * already relocated, so the same code serves static, PIE and externally linked binaries:
 *   moduledata: pcHeader *pcHeader @0, funcnametab []byte @8, cutab @32, filetab @56,
 *               pctab @80, pclntable []byte @104, ftab []functab @128, findfunctab @152,
 *               minpc @160, maxpc @168, text @176, etext @184  (Go 1.18 through 1.26)
 *   functab:    {entryoff u32 (from moduledata.text), funcoff u32 (into pclntable)}
 *   _func:      entryOff u32 @0, nameOff i32 @4 (into funcnametab), ...
 * The tables are immutable after start-up, so they are read before the target is stopped.
 */
#include "target.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TABLE (512u << 20)

struct gi_pcln {
	uint64_t text, etext;
	uint8_t *funcnames;
	size_t nfuncnames;
	uint8_t *pclntable;
	size_t npclntable;
	uint32_t *ftab;    /* 2 words per entry */
	size_t nftab;      /* entries, including the end marker */
};

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint8_t *read_slice(struct gi_mem *m, const uint8_t *hdr, size_t elem, size_t *n,
                           const char *what, char *err, size_t errlen)
{
	uint64_t ptr = rd64(hdr), len = rd64(hdr + 8);
	if (!ptr || !len || len > MAX_TABLE / elem) {
		snprintf(err, errlen, "implausible moduledata.%s (len %llu)", what,
		         (unsigned long long)len);
		return NULL;
	}
	uint8_t *buf = xmalloc(len * elem);
	int r = gi_mem_read(m, ptr, buf, len * elem);
	if (r < 0) {
		snprintf(err, errlen, "cannot read moduledata.%s: %s", what, strerror(-r));
		free(buf);
		return NULL;
	}
	*n = len;
	return buf;
}

struct gi_pcln *gi_pcln_load(struct gi_mem *m, uint64_t md, char *err, size_t errlen)
{
	uint8_t hdr[192];
	int r = gi_mem_read(m, md, hdr, sizeof hdr);
	if (r < 0) {
		snprintf(err, errlen, "cannot read runtime.firstmoduledata: %s", strerror(-r));
		return NULL;
	}
	struct gi_pcln *p = xcalloc(1, sizeof *p);
	p->text = rd64(hdr + 176);
	p->etext = rd64(hdr + 184);
	p->funcnames = read_slice(m, hdr + 8, 1, &p->nfuncnames, "funcnametab", err, errlen);
	if (p->funcnames)
		p->pclntable = read_slice(m, hdr + 104, 1, &p->npclntable, "pclntable", err, errlen);
	if (p->pclntable)
		p->ftab = (uint32_t *)read_slice(m, hdr + 128, 8, &p->nftab, "ftab", err, errlen);
	if (!p->ftab || p->nftab < 2 || p->etext <= p->text) {
		if (p->ftab)
			snprintf(err, errlen, "implausible function table");
		gi_pcln_free(p);
		return NULL;
	}
	return p;
}

const char *gi_pcln_funcname(struct gi_pcln *p, uint64_t pc)
{
	if (!p || pc < p->text || pc >= p->etext)
		return NULL;
	uint64_t off = pc - p->text;
	size_t nf = p->nftab - 1;  /* the last entry marks the end of text */
	if (off < p->ftab[0] || off >= p->ftab[2 * nf])
		return NULL;
	size_t lo = 0, hi = nf;    /* find the last entry with entryoff <= off */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (p->ftab[2 * mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	uint64_t funcoff = p->ftab[2 * lo + 1];
	if (funcoff + 8 > p->npclntable)
		return NULL;
	int32_t nameoff;
	memcpy(&nameoff, p->pclntable + funcoff + 4, 4);
	if (nameoff <= 0 || (size_t)nameoff >= p->nfuncnames)
		return NULL;
	const char *name = (const char *)p->funcnames + nameoff;
	if (!memchr(name, 0, p->nfuncnames - (size_t)nameoff))
		return NULL;
	return name;
}

void gi_pcln_free(struct gi_pcln *p)
{
	if (!p)
		return;
	free(p->funcnames);
	free(p->pclntable);
	free(p->ftab);
	free(p);
}
