/* trend.c: noise floors, and the shape of a series over three or more snapshots. */
#include "analysis/analysis.h"

#include <stdlib.h>

bool gi_beyond_noise(enum gi_measure m, int64_t delta, uint64_t before)
{
	uint64_t floor_abs, pct;
	switch (m) {
	case GI_M_GOROUTINES: floor_abs = GI_NOISE_GOROUTINES; pct = GI_NOISE_GOROUTINES_PCT; break;
	case GI_M_CLASS: floor_abs = GI_NOISE_CLASS_BYTES; pct = GI_NOISE_PCT; break;
	case GI_M_HEAP: floor_abs = GI_NOISE_HEAP_BYTES; pct = GI_NOISE_PCT; break;
	default: floor_abs = GI_NOISE_RSS_BYTES; pct = GI_NOISE_PCT; break;
	}
	if (delta <= 0)
		return false;
	return (uint64_t)delta >= floor_abs && (uint64_t)delta * 100 >= before * pct;
}

const char *gi_shape_name(enum gi_shape s)
{
	static const char *n[] = {"none", "flat", "steady growth", "one-off step", "irregular growth",
	                          "shrinking", "fluctuating"};
	return (unsigned)s < sizeof n / sizeof *n ? n[s] : "?";
}

const char *gi_shape_word(enum gi_shape s)
{
	static const char *n[] = {"none", "flat", "steady", "step", "irregular", "shrinking",
	                          "fluctuating"};
	return (unsigned)s < sizeof n / sizeof *n ? n[s] : "?";
}

enum gi_shape gi_series_shape(enum gi_measure m, const int64_t *v, size_t n, size_t *step_at)
{
	if (step_at)
		*step_at = 0;
	if (n < 3)
		return GI_SHAPE_NONE;
	int64_t total = v[n - 1] - v[0];
	uint64_t base = v[0] > 0 ? (uint64_t)v[0] : 0;
	if (!gi_beyond_noise(m, total, base)) {
		if (total < 0 && gi_beyond_noise(m, -total, (uint64_t)(v[n - 1] > 0 ? v[n - 1] : 0)))
			return GI_SHAPE_SHRINKING;
		for (size_t i = 0; i + 1 < n; i++) {
			int64_t d = v[i + 1] - v[i];
			if (gi_beyond_noise(m, d, (uint64_t)(v[i] > 0 ? v[i] : 0)) ||
			    gi_beyond_noise(m, -d, (uint64_t)(v[i + 1] > 0 ? v[i + 1] : 0)))
				return GI_SHAPE_FLUCTUATING;
		}
		return GI_SHAPE_FLAT;
	}
	/* Steady: it grew at every step. */
	bool every = true;
	size_t big = 0, bigi = 0;
	int64_t bigd = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		int64_t d = v[i + 1] - v[i];
		if (d <= 0)
			every = false;
		if (d > bigd) {
			bigd = d;
			bigi = i;
		}
	}
	/* One-off: one step carries at least 80% of the growth, and no other step moved by
	 * more than 10% of it. */
	if (bigd * 10 >= total * 8) {
		big = 1;
		for (size_t i = 0; i + 1 < n; i++) {
			int64_t d = v[i + 1] - v[i];
			if (i != bigi && llabs(d) * 10 > total)
				big = 0;
		}
	}
	if (big) {
		if (step_at)
			*step_at = bigi;
		return GI_SHAPE_STEP;
	}
	return every ? GI_SHAPE_STEADY : GI_SHAPE_IRREGULAR;
}
