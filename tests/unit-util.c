/* Unit tests for util.c (formatting, tables, escaping) and the GOINSPECT_FAULT parser. */
#include "base/base.h"
#include "unit.h"

#include <stdlib.h>

int main(void)
{
	char b[64];
	CHECK_STR(gi_fmt_size(b, sizeof b, 0, false), "0 B");
	CHECK_STR(gi_fmt_size(b, sizeof b, 0, true), "0 B");
	CHECK_STR(gi_fmt_size(b, sizeof b, 1023, false), "1023 B");
	CHECK_STR(gi_fmt_size(b, sizeof b, 1024, false), "1.00 KiB");
	CHECK_STR(gi_fmt_size(b, sizeof b, 12 * 1024 * 1024 + 300 * 1024, false), "12.3 MiB");
	CHECK_STR(gi_fmt_size(b, sizeof b, 4096, true), "+4.00 KiB");
	CHECK_STR(gi_fmt_size(b, sizeof b, -1, true), "-1 B");
	CHECK_STR(gi_fmt_size(b, sizeof b, -(300LL << 20), true), "-300 MiB");
	CHECK(gi_fmt_size(b, sizeof b, INT64_MIN, true)[0] == '-');  /* no overflow */
	CHECK_STR(gi_fmt_duration(b, sizeof b, 999), "999 ns");
	CHECK_STR(gi_fmt_duration(b, sizeof b, 850000), "850 us");
	CHECK_STR(gi_fmt_duration(b, sizeof b, 3200000), "3.2 ms");
	CHECK_STR(gi_fmt_duration(b, sizeof b, 1250000000), "1.25 s");

	struct gi_counts c = {0};
	gi_counts_add(&c, "select", 3);
	gi_counts_add(&c, "chan send", 10);
	gi_counts_add(&c, "select", 2);
	gi_counts_add(&c, "running", 5);
	CHECK_U64(c.n, 3);
	CHECK_U64(gi_counts_get(&c, "select"), 5);
	CHECK_U64(gi_counts_get(&c, "absent"), 0);
	CHECK_U64(gi_counts_sum(&c), 20);
	gi_counts_sort_desc(&c);
	CHECK_STR(c.v[0].key, "chan send");
	CHECK_STR(c.v[1].key, "running");  /* ties broken by name */
	CHECK_STR(c.v[2].key, "select");
	gi_counts_free(&c);
	CHECK_U64(c.n, 0);

	struct gi_strmap m = {0};
	gi_strmap_add(&m, "GOARCH", "amd64");
	gi_strmap_add(&m, "CGO_ENABLED", NULL);
	CHECK_STR(gi_strmap_get(&m, "GOARCH"), "amd64");
	CHECK_STR(gi_strmap_get(&m, "CGO_ENABLED"), "");
	CHECK(gi_strmap_get(&m, "nope") == NULL);
	gi_strmap_free(&m);

	setenv("GOINSPECT_FAULT", "kill-target,stop-sleep=250", 1);
	CHECK_STR(gi_fault(GI_FAULT_STOP_SLEEP), "250");
	CHECK_STR(gi_fault(GI_FAULT_KILL_TARGET), "");
	CHECK(gi_fault(GI_FAULT_TABLE) == NULL);
	CHECK(gi_fault(GI_FAULT_NO_DWARF) == NULL);
	unsetenv("GOINSPECT_FAULT");
	CHECK(gi_fault(GI_FAULT_KILL_TARGET) == NULL);

	char *s = xasprintf("%s-%d", "x", 42);
	CHECK_STR(s, "x-42");
	free(s);

	/* Control characters escaped, the rest (UTF-8 included) kept; NULL when none. */
	CHECK(gi_escape_controls("main.handle (main.go:26) \xc3\xa9t\xc3\xa9") == NULL);
	CHECK(gi_escape_controls(NULL) == NULL);
	char *e = gi_escape_controls("a\033]0;t\007b\nc\x7f\xc2\x9b" "1m\xc2\xa0");
	CHECK_STR(e, "a\\x1b]0;t\\x07b\\x0ac\\x7f\\u009b1m\xc2\xa0");
	free(e);
	return UNIT_DONE();
}
