/*
 * Loading the MagickWand module on demand.  Linking MagickWand into the
 * program would cost every start about 5 ms and 8 MiB for some 35 shared
 * libraries (measured on Debian 12 with ImageMagick 6.9.11), which a
 * PNG/JPEG-only run never needs.
 */
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgid.h"

#define MODULE_NAME	"imgid_magick.so"

/*
 * Resource limits for ImageMagick, which takes the lower of each value
 * and the host's policy.xml.  Width, height and area are those of Debian
 * 12's policy.xml, so that ImageMagick refuses the same headers that
 * identify refuses.  Memory and disk bound a pixel decode: with no disk
 * cache, an image needing more than the memory limit fails instead of
 * being written to a temporary file.
 *
 * NOTE: no time limit.  ImageMagick 6.9.11 counts it from the first pixel
 * access of the process, not of a file, then ends the process with _exit:
 * a batch run would die after that many seconds.  Restarting the clock
 * before each read races with --jobs threads, which then fail the check
 * at once and crash.  A host policy.xml time limit has the same effect.
 */
static const struct magick_limits limits = {
	.width = 16000,			/* pixels, Debian's "16KP" */
	.height = 16000,		/* pixels, Debian's "16KP" */
	.area = 128000000,		/* pixels, Debian's "128MP" */
	.memory = 256ull << 20,		/* 33 megapixels at 8 bytes each (Q16) */
	.map = 512ull << 20,		/* unused: a mapped cache needs disk */
	.disk = 1,			/* bytes: no pixel cache file at all */
	.time = 0,			/* none: see the note above */
	.threads = 1			/* --jobs parallelises, not the coders */
};

static const struct magick_module *module;
static char module_error[512];
static pthread_once_t module_once = PTHREAD_ONCE_INIT;

/*
 * Find the module: next to the program in a build tree (libtool keeps it
 * in .libs), else in the installed module directory.
 */
static void *
magick_open(void)
{
	char	 exe[PATH_MAX], path[PATH_MAX + 64], *slash;
	ssize_t	 n;
	void	*handle;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/.libs/%s", exe,
			    MODULE_NAME);
			if (access(path, R_OK) == 0 &&
			    (handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)) != NULL)
				return handle;
		}
	}
	handle = dlopen(PKGLIBDIR "/" MODULE_NAME, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL)
		snprintf(module_error, sizeof(module_error), "%s", dlerror());
	return handle;
}

static void
magick_load_once(void)
{
	const struct magick_module	*m;
	void				*handle;

	if ((handle = magick_open()) == NULL)
		return;
	m = dlsym(handle, MAGICK_MODULE_SYMBOL);
	if (m == NULL || m->abi != MAGICK_MODULE_ABI) {
		snprintf(module_error, sizeof(module_error),
		    "%s: wrong module version", MODULE_NAME);
		return;
	}
	if (m->start(&limits, module_error, sizeof(module_error)) != 0)
		return;
	module = m;
}

/*
 * Return 1 when an image of this size is within the limits ImageMagick
 * applies.  A fast probe hands bigger headers to ImageMagick, so that
 * imgid rejects what identify rejects.
 */
int
magick_within_limits(uint64_t columns, uint64_t rows)
{
	return columns <= limits.width && rows <= limits.height &&
	    (rows == 0 || columns <= limits.area / rows);
}

/* Load and start the module once; report failure in r. */
int
magick_load(const struct options *opt, struct result *r)
{
	pthread_once(&module_once, magick_load_once);
	if (module != NULL)
		return 0;
	r->failed = 1;
	buf_printf(&r->err, "%s: cannot load the ImageMagick module: %s\n",
	    opt->progname, module_error);
	return -1;
}

static void
magick_message(void *context, enum magick_severity severity,
    const char *reason, const char *description)
{
	struct result	*r = context;

	result_message(r, r->opt, severity, reason, description);
}

/*
 * Identify name with ImageMagick.  fd is an open file for a literal name
 * (batch mode), or -1 to let ImageMagick parse name as identify would.
 * A geometry suffix ("photo.jpg[100x100]") resizes what identify decodes,
 * so it keeps identify's choice to decode.
 * msvg selects ImageMagick's internal SVG renderer, because the default
 * SVG reader first tries an external program, which the policy forbids.
 */
void
magick_identify(const struct options *opt, const char *name, int fd,
    int first_frame, int msvg, int geometry, int decode_differs,
    struct result *r)
{
	struct magick_request	 req;
	struct magick_reply	 reply;
	size_t			 messages;

	if (magick_load(opt, r) != 0)
		return;
	memset(&req, 0, sizeof(req));
	req.name = name;
	req.fd = fd;
	req.format = opt->format;
	req.verbose = opt->verbose;
	/*
	 * identify decodes pixels whenever an option other than -ping is
	 * given.  Ping anyway when the requested escapes cannot tell, unless
	 * the probe found facts that only a decode reads.
	 */
	req.would_decode = opt->decode;
	req.ping = !opt->decode || (opt->format != NULL && !geometry &&
	    !decode_differs &&
	    !opt->verbose &&
	    format_ping_safe(opt->format));
	req.msvg = msvg;
	req.first_frame = first_frame;
	req.message = magick_message;
	req.context = r;
	messages = r->err.len;
	module->identify(&req, &reply);
	/* Some coders fail without a message, so imgid reports one. */
	if (reply.failed && r->err.len == messages)
		result_error(r, opt, "unable to read image", name, 0);
	if (reply.out != NULL)
		buf_add(&r->out, reply.out, reply.out_len);
	free(reply.out);
	if (reply.failed)
		r->failed = 1;
	if (reply.warned)
		r->warned = 1;
	if (reply.described) {
		r->info = reply.info;
		r->have_info = 1;
	}
}

/* Return ImageMagick's version line, loading the module if needed. */
const char *
magick_version(const struct options *opt)
{
	struct result	 r;

	memset(&r, 0, sizeof(r));
	r.opt = opt;
	if (magick_load(opt, &r) != 0) {
		fputs(r.err.data, stderr);
		result_free(&r);
		return NULL;
	}
	return module->version();
}
