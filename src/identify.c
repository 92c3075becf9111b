/*
 * One operand from name to result: parse the name, open and check the
 * file, try the fast probes, and fall back to ImageMagick when they cannot
 * reproduce identify's exact output.
 */
#include "config.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "imgid.h"

static double
clock_seconds(clockid_t clock)
{
	struct timespec	 ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Return 1 when ImageMagick would read name as the file of that name: no
 * frame suffix, format prefix, template, list or glob character in it.
 * Such a batch path is handed over by name, so that ImageMagick falls back
 * on its extension exactly as identify does.  Any other literal path is
 * read through its open descriptor.
 */
static int
name_is_plain(const char *name)
{
	return *name != '\0' && *name != '@' && strcmp(name, "-") != 0 &&
	    strpbrk(name, "[]:%*?{}") == NULL;
}

/*
 * Return 1 when every frame is within ImageMagick's size limits, which
 * its coders check even when they ping; bigger files go to ImageMagick.
 */
static int
probe_within_limits(const struct probe_data *pd)
{
	uint64_t	 i;

	if (pd->nframes == 0)
		return magick_within_limits(pd->info.columns, pd->info.rows);
	for (i = 0; i < pd->nframes; i++)
		if (!magick_within_limits(pd->frames[i].columns,
		    pd->frames[i].rows))
			return 0;
	return 1;
}

/* Turn the fast interpreter's warning list into messages. */
static void
identify_warnings(struct result *r, const struct buf *warnings)
{
	const char	*line, *end;
	char		 reason[4200];

	if (warnings->len == 0)
		return;
	for (line = warnings->data; *line != '\0'; line = end + 1) {
		end = strchr(line, '\n');
		snprintf(reason, sizeof(reason), "unknown image property %.*s",
		    (int)(end - line), line);
		result_message(r, r->opt, MAGICK_WARNING, reason, NULL);
	}
}

/*
 * Write the fast output for a probed file, frame by frame.  Return -1, with
 * nothing written, when an escape needs ImageMagick.
 */
static int
identify_fast(struct result *r, const struct probe_data *pd,
    const struct format_names *names, double started, double cpu_started)
{
	const struct options	*opt = r->opt;
	const struct image	*frames = pd->nframes ? pd->frames : &pd->info;
	uint64_t		 count = pd->nframes ? pd->nframes : 1, i;
	struct buf		 text = { NULL, 0, 0 }, warnings = { NULL, 0, 0 };

	if (opt->verbose)
		return -1;
	/* Batch fields and JSON records are made from the facts alone. */
	if (opt->format == NULL && (opt->batch || opt->json))
		return 0;
	if (opt->batch)
		count = 1;
	for (i = 0; i < count; i++) {
		if (opt->format == NULL) {
			describe_line(&frames[i], names, count > 1,
			    i == count - 1,
			    clock_seconds(CLOCK_PROCESS_CPUTIME_ID) -
			    cpu_started,
			    clock_seconds(CLOCK_MONOTONIC) - started, &text);
			continue;
		}
		if (format_expand(opt->format, &frames[i], names, &text,
		    &warnings) != FORMAT_DONE) {
			buf_free(&text);
			buf_free(&warnings);
			return -1;
		}
	}
	identify_warnings(r, &warnings);
	if (text.len != 0)
		buf_add(&r->out, text.data, text.len);
	buf_free(&text);
	buf_free(&warnings);
	return 0;
}

/*
 * Identify an already parsed operand.  literal is set for a name from a
 * batch, so ImageMagick must read the open file rather than parse the name.
 */
static void
identify_parsed(const struct options *opt, const struct operand *op,
    int literal, struct result *r)
{
	struct format_names	 names;
	struct probe_data	 pd;
	double			 started, cpu_started;
	uint64_t		 size;
	int			 fd, first_only;

	/* Only the default line prints times; the CPU clock is a system call. */
	started = cpu_started = 0;
	if (opt->format == NULL && !opt->batch && !opt->json) {
		started = clock_seconds(CLOCK_MONOTONIC);
		cpu_started = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
	}
	if (probe_open(op->path, &fd, &size, r, opt) != PROBE_OK)
		return;
	names.magick_filename = op->arg;
	names.filename = op->path;
	first_only = op->frames != NULL && strcmp(op->frames, "0") == 0;
	/*
	 * Under -regard-warnings, ImageMagick reads a file with XMP, because
	 * a warning about malformed XMP then fails it.  Without the option,
	 * the warning changes neither standard output nor the exit status.
	 */
	if (probe_file(fd, size, first_only, &pd) == PROBE_OK &&
	    !op->magick_only && (pd.nframes == 0 || op->frames == NULL ||
	    first_only) && probe_within_limits(&pd) &&
	    !(pd.unchecked_xmp && opt->regard_warnings)) {
		r->info = pd.info;
		r->have_info = 1;
		if (identify_fast(r, &pd, &names, started, cpu_started) == 0) {
			probe_free(&pd);
			close(fd);
			return;
		}
	}
	probe_free(&pd);
	r->have_info = 0;
	magick_identify(opt, op->arg, literal && !name_is_plain(op->arg) ?
	    fd : -1, opt->batch, pd.svg && !op->magick_only, op->geometry,
	    pd.decode_differs, r);
	close(fd);
}

/* Identify one command-line operand, with identify's name rules. */
void
identify_operand(const struct options *opt, const char *arg, struct result *r)
{
	struct operand	 op;

	r->opt = opt;
	r->name = arg;
	if (path_parse(arg, 0, &op) != 0) {
		result_error(r, opt, "not authorized", arg, 0);
		return;
	}
	if (strcmp(op.path, "-") == 0)
		magick_identify(opt, arg, -1, 0, 0, op.geometry, 0, r);
	else
		identify_parsed(opt, &op, 0, r);
	path_free(&op);
}

/* Identify a batch path, taken literally. */
void
identify_literal(const struct options *opt, const char *path,
    struct result *r)
{
	struct operand	 op;

	r->opt = opt;
	r->name = path;
	path_parse(path, 1, &op);
	identify_parsed(opt, &op, 1, r);
	path_free(&op);
}
