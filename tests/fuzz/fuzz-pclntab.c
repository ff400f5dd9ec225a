/* libFuzzer harness: the function table reader (.gopclntab through the runtime's
 * moduledata), the symbolizer and the unwinder, over a memory image.
 *
 * Input: 8 bytes, little endian: the offset of moduledata in the image (7 bytes) and the Go
 * minor release whose built-in table lays it out (the last byte); then the image, mapped at
 * address 0x400000. The seeds are images of real programs' moduledata, pclntab and text (made
 * at test time from the fixtures). */
#include "goruntime/goruntime.h"

#include <stdbool.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE 0x400000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	uint64_t mdoff;
	memcpy(&mdoff, data, 8);
	const struct gi_ltab *tab = gi_ltab_find(data[7]);
	if (!tab)
		tab = gi_ltabs[data[7] % gi_nltabs];
	mdoff &= 0x00ffffffffffffffull;
	static struct gi_pcln_layout pls[256];
	static bool have[256];
	char err[256];
	if (!have[tab->go_minor & 255]) {
		struct gi_layout *l;
		gi_layout_from_table(tab, &l);
		if (gi_layout_pcln(l, &pls[tab->go_minor & 255], err, sizeof err) != 0)
			__builtin_trap();  /* every built-in table describes the function table */
		gi_layout_close(l);
		have[tab->go_minor & 255] = true;
	}
	struct gi_remote m;
	gi_remote_open_buffer(&m, BASE, data + 8, size - 8);
	struct gi_pcln *p;
	if (gi_pcln_load(&m, BASE + mdoff, &pls[tab->go_minor & 255], &p, err, sizeof err) != 0)
		return 0;
	/* Look up and unwind from pcs spread over the image, and over a stack made of the
	 * image's own words. */
	struct gi_pcln_frame fr[32];
	uint64_t pcs[64];
	size_t words = (size - 8) / 8;
	for (size_t i = 0; i < 64 && words; i++) {
		uint64_t w;
		memcpy(&w, data + 8 + 8 * ((i * 7919) % words), 8);
		uint64_t pc = BASE + (w % (size - 8));
		gi_pcln_frames(p, pc, i & 1, fr, 32);
		gi_pcln_funcname(p, pc);
		int64_t d;
		gi_pcln_spdelta(p, pc, &d);
		bool trunc;
		size_t off = (size_t)((w >> 20) % (size - 8)) & ~(size_t)7;
		gi_unwind(p, pc, BASE + off, data + 8 + off, BASE + off, size - 8 - off, pcs, 64, &trunc);
	}
	gi_pcln_free(p);
	return 0;
}
