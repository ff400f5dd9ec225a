/* version.c: the Go releases goinspect reads. A release is read only where its layouts can be
 * had (DWARF, or a built-in table checked against the binary) and every fact that is not a
 * layout is known for it; the others are refused with one line, never guessed at. */
#include "goruntime/goruntime.h"

bool gi_go_supported(int major, int minor)
{
	return major == 1 && minor >= GI_GO_MIN_MINOR && minor <= GI_GO_MAX_MINOR;
}
