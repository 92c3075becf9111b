/*
 * Per-operand results: standard output text and messages, collected so
 * that parallel jobs can print them in input order.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "imgid.h"

/*
 * Append a file name with control characters and backslashes escaped, so
 * that a hostile name cannot move the cursor or forge a message line.
 */
void
quote_name(struct buf *b, const char *name)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p == '\\')
			buf_adds(b, "\\\\");
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\%03o", *p);
		else
			buf_addc(b, *p);
	}
}

/*
 * Record a message in identify's shape, "reason `description'", minus the
 * source location that ImageMagick appends.  Warnings are dropped under
 * -quiet but still count for -regard-warnings, as in identify.
 */
void
result_message(struct result *r, const struct options *opt,
    enum magick_severity severity, const char *reason, const char *description)
{
	if (severity == MAGICK_ERROR)
		r->failed = 1;
	else {
		r->warned = 1;
		if (opt->quiet)
			return;
	}
	buf_printf(&r->err, "%s: %s", opt->progname, reason);
	if (description != NULL && *description != '\0') {
		buf_addc(&r->err, ' ');
		quote_name(&r->err, description);
	}
	buf_addc(&r->err, '\n');
}

/*
 * Record an error about a file: "reason `name'" and, when errnum is not
 * zero, the system's text for it, as ImageMagick words open failures.
 */
void
result_error(struct result *r, const struct options *opt, const char *reason,
    const char *name, int errnum)
{
	r->failed = 1;
	buf_printf(&r->err, "%s: %s `", opt->progname, reason);
	quote_name(&r->err, name);
	buf_addc(&r->err, '\'');
	if (errnum != 0)
		buf_printf(&r->err, ": %s", strerror(errnum));
	buf_addc(&r->err, '\n');
}

void
result_free(struct result *r)
{
	buf_free(&r->out);
	buf_free(&r->err);
}
