/* status.c: goroutine statuses (runtime/runtime2.go) and what they mean to a reader. */
#include "goruntime/goruntime.h"

const char *gi_gstatus_word(unsigned st)
{
	/* gStatusStrings (runtime/traceback.go); _Gdeadextra (1.26) is a dead g waiting for a
	 * cgo callback on an extra M */
	static const char *const words[] = {"idle", "runnable", "running", "syscall", "waiting",
	                                    "moribund_unused", "dead", "enqueue_unused",
	                                    "copystack", "preempted", "leaked",
	                                    "waiting for cgo callback"};
	return st < sizeof words / sizeof words[0] ? words[st] : "???";
}

bool gi_status_key_is_wait(const char *key)
{
	static const char *const not_waits[] = {"running", "runnable", "syscall", "idle", "dead",
	                                        "copystack", "preempted"};
	if (!key)
		return false;
	for (size_t i = 0; i < sizeof not_waits / sizeof not_waits[0]; i++)
		if (!strcmp(key, not_waits[i]))
			return false;
	return true;
}
