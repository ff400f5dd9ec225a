/* html.c: diff --html (placeholder while the page is written). */
#include "goinspect.h"
#include <string.h>
int gi_html_write(const struct gi_diff *d, const char *const *paths, const char *out,
                  char *err, size_t errlen)
{
	snprintf(err, errlen, "not written yet");
	return -1;
}
