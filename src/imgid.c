/*
 * imgid: identify's output about image files, from their headers, in one
 * process.  main reads identify-style options in order, so that each
 * operand is identified with the settings given before it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "imgid.h"

static const char usage_text[] =
    "usage: %s [options] file ...\n"
    "       %s --batch[=FILE] [-0] [--jobs N] [--json] [options]\n"
    "\n"
    "Options, as identify reads them:\n"
    "  -format string    print these escapes per frame (%%w, %%h, %%m, ...)\n"
    "  -ping             read headers only, even where pixels would differ\n"
    "  -quiet            do not print warnings\n"
    "  -regard-warnings  exit 1 when a warning was printed\n"
    "  -verbose          print ImageMagick's full description\n"
    "  -version          print version information\n"
    "  -help             print this text\n"
    "  --                the next argument is a file, even if it starts with -\n"
    "\n"
    "imgid options:\n"
    "  --batch[=FILE]    read paths, one per line, from standard input or FILE\n"
    "  -0, --null        batch paths end with NUL instead of newline\n"
    "  --buffer          do not flush after every batch line\n"
    "  --jobs N          identify up to N files at once (0: one per CPU)\n"
    "  --json            print one JSON object per file\n"
    "  --no-sandbox      do not install the seccomp filter\n";

/* Options identify accepts that imgid does not implement. */
static const char *const identify_only[] = {
	"alpha", "antialias", "authenticate", "channel", "clip", "clip-mask",
	"clip-path", "colorspace", "crop", "debug", "define", "density",
	"depth", "endian", "extract", "features", "fuzz", "gamma", "grayscale",
	"interlace", "interpolate", "limit", "list", "log", "mask", "matte",
	"moments", "monitor", "negate", "precision", "respect-parentheses",
	"sampling-factor", "seed", "set", "size", "strip", "unique", "units",
	"virtual-pixel", NULL
};

static void
usage(const char *progname, FILE *out)
{
	fprintf(out, usage_text, progname, progname);
}

/* The message prefix: "identify" when run through the identify link. */
static const char *
program_name(const char *argv0)
{
	const char	*base = strrchr(argv0, '/');

	base = base != NULL ? base + 1 : argv0;
	return strcmp(base, "identify") == 0 ? "identify" : "imgid";
}

static int
print_version(const struct options *opt)
{
	const char	*magick = magick_version(opt);

	if (magick != NULL)
		printf("Version: %s\n", magick);
	printf("imgid %s: identify's answers from image headers\n",
	    PACKAGE_VERSION);
	return 0;
}

/* Print one operand's result and free it; return its exit status. */
static int
emit(struct result *r)
{
	int	 failed = r->failed ||
	    (r->warned && r->opt->regard_warnings);

	if (r->opt->json) {
		struct buf	 record = { NULL, 0, 0 };

		json_record(r, &record);
		buf_free(&r->out);
		r->out = record;
	}
	if (r->err.len != 0) {
		fflush(stdout);
		fwrite(r->err.data, 1, r->err.len, stderr);
	}
	if (r->out.len != 0)
		fwrite(r->out.data, 1, r->out.len, stdout);
	result_free(r);
	return failed;
}

static int
option_error(const struct options *opt, const char *what, const char *arg)
{
	fprintf(stderr, "%s: %s `%s'\n", opt->progname, what, arg);
	return 1;
}

/*
 * Apply option argv[*i] to opt, consuming an argument if it takes one.
 * Return 0, or 1 after printing an error, or -1 when the program should
 * exit 0 (help, version).
 */
static int
parse_option(struct options *opt, int argc, char **argv, int *i)
{
	const char	*arg = argv[*i], *name = arg + 1;
	size_t		 k;

	if (strcmp(arg, "--batch") == 0 || strncmp(arg, "--batch=", 8) == 0) {
		opt->batch = 1;
		opt->batch_file = arg[7] == '=' ? arg + 8 : NULL;
		return 0;
	}
	if ((strcmp(arg, "-0") == 0 || strcmp(arg, "--null") == 0 ||
	    strcmp(arg, "--buffer") == 0 || strcmp(arg, "--jobs") == 0 ||
	    strcmp(arg, "-j") == 0) && !opt->batch_given)
		return option_error(opt, "option requires --batch", arg);
	if (strcmp(arg, "-0") == 0 || strcmp(arg, "--null") == 0)
		opt->null_input = 1;
	else if (strcmp(arg, "--buffer") == 0)
		opt->buffer = 1;
	else if (strcmp(arg, "--json") == 0)
		opt->json = 1;
	else if (strcmp(arg, "--no-sandbox") == 0)
		opt->sandbox = 0;
	else if (strcmp(arg, "--jobs") == 0 || strcmp(arg, "-j") == 0) {
		char	*end;

		if (*i + 1 >= argc)
			return option_error(opt, "option requires an argument",
			    arg);
		opt->jobs = (int)strtol(argv[++*i], &end, 10);
		if (*end != '\0' || opt->jobs < 0 || opt->jobs > 1024)
			return option_error(opt, "invalid --jobs value",
			    argv[*i]);
	} else if (strcasecmp(name, "format") == 0) {
		if (*i + 1 >= argc)
			return option_error(opt, "option requires an argument",
			    arg);
		opt->format = argv[++*i];
		opt->decode = !opt->ping;
		/* An fx expression can loop for ever; no client uses one. */
		if (strcasestr(opt->format, "%[fx:") != NULL)
			return option_error(opt,
			    "fx expressions are not supported by imgid",
			    opt->format);
	} else if (strcasecmp(name, "ping") == 0) {
		opt->ping = 1;
		opt->decode = 0;
	} else if (strcasecmp(name, "quiet") == 0) {
		opt->quiet = 1;
		opt->decode = !opt->ping;
	} else if (strcasecmp(name, "regard-warnings") == 0) {
		opt->regard_warnings = 1;
		opt->decode = !opt->ping;
	} else if (strcasecmp(name, "verbose") == 0) {
		/* As in identify, -verbose undoes an earlier -ping. */
		opt->verbose = 1;
		opt->ping = 0;
		opt->decode = 1;
	}
	else if (strcasecmp(name, "version") == 0 ||
	    strcmp(arg, "--version") == 0) {
		print_version(opt);
		return -1;
	} else if (strcasecmp(name, "help") == 0 || strcmp(arg, "--help") == 0) {
		usage(opt->progname, stdout);
		return -1;
	} else {
		for (k = 0; identify_only[k] != NULL; k++)
			if (strcasecmp(name, identify_only[k]) == 0)
				return option_error(opt,
				    "option not supported by imgid", arg);
		return option_error(opt, "unrecognized option", arg);
	}
	return 0;
}

/*
 * Return 1 when --batch is among the arguments before "--", skipping the
 * arguments of -format and --jobs, so that the batch options may come
 * before it.
 */
static int
batch_given(int argc, char **argv)
{
	int	 i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--batch") == 0 ||
		    strncmp(argv[i], "--batch=", 8) == 0)
			return 1;
		if (strcasecmp(argv[i], "-format") == 0 ||
		    strcmp(argv[i], "--jobs") == 0 || strcmp(argv[i], "-j") == 0)
			i++;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct options	 opt;
	struct result	 r;
	int		 i, status = 0, operands = 0, rc;
	char		 err[256];

	memset(&opt, 0, sizeof(opt));
	opt.progname = program_name(argv[0]);
	opt.jobs = 1;
	opt.sandbox = 1;
	opt.batch_given = batch_given(argc, argv);
	if (argc < 2) {
		usage(opt.progname, stdout);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		/* "-" and "-[0]" name standard input, as in identify. */
		if ((argv[i][0] == '-' || argv[i][0] == '+') &&
		    argv[i][1] != '\0' && argv[i][1] != '[' &&
		    strcmp(argv[i], "--") != 0) {
			rc = parse_option(&opt, argc, argv, &i);
			if (rc != 0)
				return rc < 0 ? 0 : 1;
			continue;
		}
		if (strcmp(argv[i], "--") == 0 && ++i >= argc)
			break;
		if (operands++ == 0 && !opt.batch && opt.sandbox &&
		    sandbox_enter(err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", opt.progname, err);
			return 1;
		}
		memset(&r, 0, sizeof(r));
		identify_operand(&opt, argv[i], &r);
		status |= emit(&r);
	}
	if (opt.batch) {
		/*
		 * ImageMagick counts its time limit from the first pixel
		 * access to the end of the process, so a long batch would
		 * die when it ran out.
		 */
		unsetenv("MAGICK_TIME_LIMIT");
		if (opt.sandbox && sandbox_enter(err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", opt.progname, err);
			return 1;
		}
		status |= batch_run(&opt);
	} else if (operands == 0) {
		fprintf(stderr, "%s: missing an image filename\n",
		    opt.progname);
		return 1;
	}
	probe_thread_end();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror(opt.progname);
		return 1;
	}
	return status;
}
