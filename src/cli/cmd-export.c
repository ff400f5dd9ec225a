/* cmd-export.c: goinspect export FILE: a snapshot as a pprof profile or folded stacks. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>  /* optind */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

const char gi_usage_export[] =
	"usage: goinspect export [--format pprof|folded] [--profile PROFILE] [-o OUT] FILE\n"
	"\n"
	"Write a snapshot in a format other tools read:\n"
	"  pprof   a gzipped profile.proto, for `go tool pprof` (also with -base to compare\n"
	"          two exports)\n"
	"  folded  folded stacks (\"outer;...;inner COUNT\") of the goroutine groups, for\n"
	"          flame graph tools\n"
	"\n"
	"Profiles (pprof):\n"
	"  goroutine     the goroutine groups, the same counts as goinspect's own (default)\n"
	"  heap          the runtime's heap profile by allocation site, as /debug/pprof/heap:\n"
	"                alloc_objects, alloc_space, inuse_objects, inuse_space\n"
	"  allocs        the same, alloc_space shown first, as /debug/pprof/allocs\n"
	"  size-classes  the heap by size class: objects and bytes in use per class\n"
	"\n"
	"  -f, --format F       pprof (default) or folded\n"
	"  -p, --profile P      goroutine (default), heap, allocs or size-classes\n"
	"  -o, --output OUT     write OUT (default: FILE without .snap, plus .pb.gz,\n"
	"                       .heap.pb.gz, .allocs.pb.gz, .classes.pb.gz or .folded;\n"
	"                       - for standard output with folded)\n"
	"  -h, --help           this help\n";

int gi_cmd_export(int argc, char **argv)
{
	static const struct {
		const char *name, *ext;
		enum gi_export_profile what;
	} profiles[] = {
		{"goroutine", ".pb.gz", GI_EXPORT_GOROUTINE},
		{"heap", ".heap.pb.gz", GI_EXPORT_HEAP},
		{"allocs", ".allocs.pb.gz", GI_EXPORT_ALLOCS},
		{"size-classes", ".classes.pb.gz", GI_EXPORT_SIZE_CLASSES},
	};
	const char *format = "pprof", *profile = "goroutine", *out = NULL;
	struct gi_opts p;
	int o;
	gi_opt_init(&p, GI_CMD_EXPORT, gi_usage_export, argc, argv);
	while ((o = gi_opt_next(&p)) > 0) {
		switch (o) {
		case GI_OPT_FORMAT: format = p.arg; break;
		case GI_OPT_PROFILE: profile = p.arg; break;
		case GI_OPT_OUTPUT: out = p.arg; break;
		case GI_OPT_HELP: return GI_EXIT_OK;
		}
	}
	if (o < 0)
		return -o;
	if (strcmp(format, "pprof") && strcmp(format, "folded"))
		return gi_usage_error(gi_usage_export, "bad --format '%s' (pprof, folded)", format);
	size_t pi = 0;
	while (pi < sizeof profiles / sizeof *profiles && strcmp(profile, profiles[pi].name))
		pi++;
	if (pi == sizeof profiles / sizeof *profiles)
		return gi_usage_error(gi_usage_export,
		                   "bad --profile '%s' (goroutine, heap, allocs, size-classes)", profile);
	bool pprof = !strcmp(format, "pprof");
	if (pi && !pprof)
		return gi_usage_error(gi_usage_export, "--profile %s is for --format pprof", profile);
	if (argc - optind != 1)
		return gi_usage_error(gi_usage_export, "export takes one snapshot file");
	const char *in = argv[optind];
	char defname[PATH_MAX];
	if (!out) {
		size_t len = strlen(in);
		const char *ext = pprof ? profiles[pi].ext : ".folded";
		if (len > 5 && !strcmp(in + len - 5, ".snap"))
			len -= 5;
		else if (len > 8 && !strcmp(in + len - 8, ".snap.gz"))
			len -= 8;
		if (len + strlen(ext) >= sizeof defname)
			return gi_usage_error(gi_usage_export, "file name too long: give -o");
		memcpy(defname, in, len);
		memcpy(defname + len, ext, strlen(ext) + 1);
		out = defname;
	}
	if (pprof && !strcmp(out, "-"))
		return gi_usage_error(gi_usage_export, "a pprof profile is binary: give -o FILE");
	char err[512];
	bool to_stdout = !strcmp(out, "-");
	if (!to_stdout && gi_out_check(out, err, sizeof err) != 0) {
		gi_err("cannot write %s: %s", out, err);
		return GI_EXIT_IO;
	}
	struct gi_snapshot s;
	int r = gi_load(in, &s);
	if (r)
		return r;
	if (!pprof)
		gi_text_safe(&s);  /* folded stacks are text, often read on a terminal */
	int rc = GI_EXIT_OK;
	if (pprof) {
		r = gi_export_pprof(&s, profiles[pi].what, out, err, sizeof err);
	} else if (to_stdout) {
		r = gi_export_folded(&s, stdout, err, sizeof err);
	} else {
		struct gi_out file;
		FILE *f = NULL;
		r = gi_out_open(&file, out, err, sizeof err);
		if (r == 0 && !(f = fdopen(file.fd, "w"))) {
			r = -errno;
			snprintf(err, sizeof err, "%s", strerror(errno));
			close(file.fd);
		}
		if (f) {
			r = gi_export_folded(&s, f, err, sizeof err);
			bool bad = ferror(f);
			if ((fclose(f) != 0 || bad) && r == 0) {
				r = -(errno ? errno : EIO);
				snprintf(err, sizeof err, "%s", strerror(-r));
			}
		}
		if (file.path && gi_out_close(&file, r == 0, err, sizeof err) != 0 && r == 0)
			r = -EIO;
	}
	if (r == -ENODATA) {
		gi_err("%s: %s", in, err);
		rc = GI_EXIT_SNAPFILE;
	} else if (r < 0) {
		gi_err("cannot write %s: %s", out, err);
		rc = GI_EXIT_IO;
	} else if (strcmp(out, "-")) {
		printf("%s\n", out);
		rc = gi_finish_output();
	} else {
		rc = gi_finish_output();
	}
	gi_snapshot_free(&s);
	return rc;
}

