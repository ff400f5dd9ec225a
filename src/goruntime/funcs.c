/* funcs.c: Go function names: whose code a frame is, and how the runtime prints it. */
#include "goruntime/goruntime.h"

bool gi_func_is_user(const char *func)
{
	if (!func)
		return false;
	if (!strncmp(func, "main.", 5))
		return true;
	const char *slash = strchr(func, '/');
	if (!slash)
		return false;  /* "sync.(*Mutex).Lock": a one-element path, so standard */
	return memchr(func, '.', (size_t)(slash - func)) != NULL;
}

bool gi_func_is_io_plumbing(const char *func)
{
	static const char *const pkgs[] = {"internal/poll", "net", "os", "io", "bufio", "syscall",
	                                   "internal/syscall/unix", "crypto/tls"};
	if (!func)
		return false;
	/* the package: up to the first dot after the last slash ("net/http.(*conn).serve") */
	const char *slash = strrchr(func, '/');
	const char *dot = strchr(slash ? slash : func, '.');
	if (!dot)
		return false;
	size_t len = (size_t)(dot - func);
	for (size_t i = 0; i < sizeof pkgs / sizeof *pkgs; i++)
		if (strlen(pkgs[i]) == len && !strncmp(func, pkgs[i], len))
			return true;
	return false;
}

bool gi_func_is_runtime(const char *func, int go_minor)
{
	if (!func)
		return false;
	return !strncmp(func, "runtime.", 8) ||
	       ((go_minor == 0 || gi_go_rule(GI_RULE_PPROF_HIDES_INTERNAL_RUNTIME, go_minor)) &&
	        !strncmp(func, "internal/runtime/", 17));
}

/* runtime.funcNamePiecesForPrint, in its two forms: with three results (Go 1.21 on), the type
 * arguments between the first '[' and the last ']' become "[...]"; with five (a generic
 * method of a generic type, Go 1.27 on), "T[...].M[...]" when the interior is "...]M[...".
 * Without it (Go 1.19, 1.20), the runtime prints the function table's name as it is. */
char *gi_func_name_for_print(const char *name, int pieces)
{
	const char *i = strchr(name, '['), *j = strrchr(name, ']');
	if (pieces < 3 || !i || !j || j <= i)
		return xstrdup(name);
	const char *in = i + 1;
	size_t inlen = (size_t)(j - in);
	if (pieces < 5 || !memchr(in, '[', inlen))
		return xasprintf("%.*s[...]%s", (int)(i - name), name, j + 1);
	/* the interior has a '[': find "]" then "[" at depth 0 (i.e. "...]___[...") */
	int depth = 1;
	ptrdiff_t rbr = -1, lbr = -1;
	for (size_t k = 0; k < inlen; k++) {
		if (in[k] == '[') {
			if (++depth != 1)
				continue;
			lbr = (ptrdiff_t)k;
			break;
		}
		if (in[k] == ']') {
			if (--depth < 0)
				break;
			if (depth == 0)
				rbr = (ptrdiff_t)k;
		}
	}
	if (depth == 1 && rbr >= 0 && lbr > rbr)
		return xasprintf("%.*s[...]%.*s[...]%s", (int)(i - name), name, (int)(lbr - rbr - 1),
		                 in + rbr + 1, j + 1);
	if (depth == 1 && rbr == -1 && lbr == -1)
		return xasprintf("%.*s[...]%s", (int)(i - name), name, j + 1);
	return xstrdup(name);  /* malformed: the whole name */
}
