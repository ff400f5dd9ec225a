/* build-shared.c: goinspect, linked with the system's shared libraries (the usual build).
 * Its --version is the version alone; goinspect-static links build-static.c instead. */
#include "cli/cli.h"

void gi_version_more(FILE *f)
{
	(void)f;
}
