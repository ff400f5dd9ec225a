/* libFuzzer harness: the snapshot reader, and show, show --json and diff on what it accepts. */
#include "output/output.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("snap", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	char path[64], err[512];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct gi_snapshot s;
	memset(&s, 0, sizeof s);
	if (gi_snapshot_read(path, &s, err, sizeof err) == 0) {
		FILE *null = fopen("/dev/null", "w");
		struct gi_report_opts o = {0};
		gi_report_show(null, &s, &o);
		o.all = true;
		gi_report_show(null, &s, &o);
		o.all = false;
		o.json = true;
		gi_report_show(null, &s, &o);
		const struct gi_snapshot *v[3] = {&s, &s, &s};
		struct gi_diff *d = gi_diff_new(v, 3);
		gi_report_diff(null, d, NULL, &o);
		o.json = false;
		gi_report_diff(null, d, NULL, &o);
		gi_diff_free(d);
		d = gi_diff_new(v, 2);
		gi_report_diff(null, d, NULL, &o);
		gi_diff_free(d);
		gi_export_folded(&s, null, err, sizeof err);
		fclose(null);
	}
	gi_snapshot_free(&s);
	close(fd);
	return 0;
}
