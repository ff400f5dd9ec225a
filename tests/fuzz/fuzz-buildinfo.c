/* libFuzzer harness: the .go.buildinfo parser and the Go version parser. */
#include "goruntime/goruntime.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gi_buildinfo b;
	char err[256];
	memset(&b, 0, sizeof b);
	gi_buildinfo_parse(data, size, &b, err, sizeof err);
	int maj, min, patch;
	if (b.go_version)
		gi_go_version_parse(b.go_version, &maj, &min, &patch);
	gi_buildinfo_free(&b);
	return 0;
}
