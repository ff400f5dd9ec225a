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
	       ((go_minor == 0 || go_minor >= 24) && !strncmp(func, "internal/runtime/", 17));
}

char *gi_func_name_for_print(const char *name)
{
	const char *i = strchr(name, '['), *j = strrchr(name, ']');
	if (!i || !j || j <= i)
		return xstrdup(name);
	return xasprintf("%.*s[...]%s", (int)(i - name), name, j + 1);
}
