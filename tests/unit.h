/* Minimal unit-test helpers: every CHECK counts; main returns non-zero if any failed. */
#ifndef GI_UNIT_H
#define GI_UNIT_H
#include <stdio.h>
#include <string.h>
#include <inttypes.h>
static int unit_failed, unit_checks;
#define CHECK(cond) do { unit_checks++; if (!(cond)) { unit_failed++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); unit_checks++; \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) { unit_failed++; \
	fprintf(stderr, "%s:%d: CHECK_STR failed: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
		#a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)
#define CHECK_U64(a, b) do { uint64_t a_ = (a), b_ = (b); unit_checks++; if (a_ != b_) { \
	unit_failed++; fprintf(stderr, "%s:%d: CHECK_U64 failed: %s = %" PRIu64 ", want %" PRIu64 "\n", \
	__FILE__, __LINE__, #a, a_, b_); } } while (0)
#define UNIT_DONE() (printf("%d checks, %d failed\n", unit_checks, unit_failed), unit_failed ? 1 : 0)
#endif
