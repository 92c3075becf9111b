/*
 * The MagickWand module: every file the fast probes do not describe is read
 * here by ImageMagick itself, and its escapes are expanded by ImageMagick's
 * own interpreter, so that this output is identify's by construction.
 * imgid loads this module with dlopen only when a file needs it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <wand/MagickWand.h>

#include "magick_module.h"

extern const struct magick_module imgid_magick_module;

/* The request whose messages the handlers collect, one per thread. */
static _Thread_local const struct magick_request *current_request;
static _Thread_local struct magick_reply *current_reply;

/*
 * Built-in security policy, applied before the first read.  ImageMagick
 * 6.9.11 appends it to the host's policy.xml, and the last rule that
 * matches a coder, delegate, module or path decides, so the host cannot
 * loosen these rules.  Should ImageMagick refuse the policy, the module
 * does not start and no file reaches ImageMagick.  The policy turns off
 * delegates (external programs), "@" paths, and the coders that fetch
 * URLs, run drawing scripts, read other files by indirection or read an
 * inherited descriptor (FD).  list-length applies only where the host's
 * policy.xml sets none: a frame costs about 25 KiB even when pinged, so
 * rejecting files of 1000 frames or more keeps a 100000-frame GIF (1.5 MB)
 * at 37 MiB instead of 2.5 GiB.
 */
static const char policy_xml[] =
    "<policymap>\n"
    "  <policy domain=\"delegate\" rights=\"none\" pattern=\"*\"/>\n"
    "  <policy domain=\"coder\" rights=\"none\" pattern=\"{URL,HTTP,HTTPS,"
    "FTP,MVG,MSL,TEXT,EPHEMERAL,INLINE,LABEL,CAPTION,PANGO,X,SHOW,WIN,"
    "PRINT,PS,PS2,PS3,EPS,EPSF,EPSI,EPT,PDF,PDFA,XPS,AI,PCL,MPEG,MP4,M4V,"
    "MOV,AVI,WMV,MKV,FLV,PLASMA,FRACTAL,CLIPBOARD,VID,MAP,IMPLICIT,FD}\"/>\n"
    "  <policy domain=\"path\" rights=\"none\" pattern=\"@*\"/>\n"
    "  <policy domain=\"module\" rights=\"none\" pattern=\"{PS,PDF,XPS,"
    "MPEG,URL,MSL,MVG,LABEL,CAPTION,PANGO,X,SHOW,WIN}\"/>\n"
    "  <policy domain=\"resource\" name=\"list-length\" value=\"1000\"/>\n"
    "</policymap>\n";

/*
 * Return text with each occurrence of alias replaced by name, so that a
 * message about a file read through its descriptor names the file.
 */
static char *
module_unalias(const char *text, const char *alias, const char *name)
{
	size_t		 alias_len = strlen(alias), name_len = strlen(name);
	size_t		 count = 0, len;
	const char	*p, *hit;
	char		*out, *q;

	for (p = text; (hit = strstr(p, alias)) != NULL; p = hit + alias_len)
		count++;
	len = strlen(text) + count * name_len + 1;
	if ((out = malloc(len)) == NULL)
		return NULL;
	for (p = text, q = out; (hit = strstr(p, alias)) != NULL;
	    p = hit + alias_len) {
		memcpy(q, p, (size_t)(hit - p));
		q += hit - p;
		memcpy(q, name, name_len);
		q += name_len;
	}
	strcpy(q, p);
	return out;
}

/*
 * Strip ImageMagick's " @ error/file.c/Function/line" location, which
 * names its source files rather than anything the user can act on, and
 * put back the file name where ImageMagick saw only a descriptor.
 */
static void
module_report(enum magick_severity severity, const char *reason,
    const char *description)
{
	const struct magick_request	*req = current_request;
	char				*text, *at;

	char				 alias[64];

	if (req == NULL || reason == NULL)
		return;
	if (req->fd >= 0) {
		snprintf(alias, sizeof(alias), "/proc/self/fd/%d", req->fd);
		text = module_unalias(reason, alias, req->name);
	} else
		text = strdup(reason);
	if (text == NULL)
		return;
	at = strstr(text, " @ ");
	if (at != NULL && (strncmp(at, " @ error/", 9) == 0 ||
	    strncmp(at, " @ warning/", 11) == 0 ||
	    strncmp(at, " @ fatal/", 9) == 0))
		*at = '\0';
	if (severity == MAGICK_ERROR)
		current_reply->failed = 1;
	else
		current_reply->warned = 1;
	req->message(req->context, severity, text, description);
	free(text);
}

static void
module_error(const ExceptionType severity, const char *reason,
    const char *description)
{
	(void)severity;
	module_report(MAGICK_ERROR, reason, description);
}

static void
module_warning(const ExceptionType severity, const char *reason,
    const char *description)
{
	(void)severity;
	module_report(MAGICK_WARNING, reason, description);
}

/* Fatal errors must not exit the whole program: report them as errors. */
static void
module_fatal(const ExceptionType severity, const char *reason,
    const char *description)
{
	(void)severity;
	module_report(MAGICK_ERROR, reason, description);
}

static void
module_limit(ResourceType type, uint64_t value)
{
	if (value != 0)
		SetMagickResourceLimit(type, (MagickSizeType)value);
}

static int
module_start(const struct magick_limits *limits, char *err, size_t errlen)
{
	ExceptionInfo	*exception;
	int		 ok;

	MagickCoreGenesis("imgid", MagickFalse);
	exception = AcquireExceptionInfo();
	ok = SetMagickSecurityPolicy(policy_xml, exception) != MagickFalse;
	if (!ok)
		snprintf(err, errlen, "cannot set the security policy: %s",
		    exception->reason != NULL ? exception->reason : "unknown");
	DestroyExceptionInfo(exception);
	if (!ok)
		return -1;
	SetErrorHandler(module_error);
	SetWarningHandler(module_warning);
	SetFatalErrorHandler(module_fatal);
	module_limit(WidthResource, limits->width);
	module_limit(HeightResource, limits->height);
	module_limit(AreaResource, limits->area);
	module_limit(MemoryResource, limits->memory);
	module_limit(MapResource, limits->map);
	module_limit(DiskResource, limits->disk);
	module_limit(TimeResource, limits->time);
	module_limit(ThreadResource, limits->threads);
	return 0;
}

/* Copy frame 0's header facts, for JSON output. */
static void
module_describe(const Image *image, struct image *info)
{
	const char	*value;

	memset(info, 0, sizeof(*info));
	snprintf(info->magick, sizeof(info->magick), "%.31s", image->magick);
	info->columns = image->columns;
	info->rows = image->rows;
	info->page_width = image->page.width;
	info->page_height = image->page.height;
	info->page_x = image->page.x;
	info->page_y = image->page.y;
	info->depth = (unsigned)image->depth;
	snprintf(info->colorspace, sizeof(info->colorspace), "%s",
	    CommandOptionToMnemonic(MagickColorspaceOptions,
	    (ssize_t)image->colorspace));
	info->pseudo_class = image->storage_class == PseudoClass;
	info->matte = image->matte != MagickFalse;
	info->colors = image->colors;
	info->x_resolution = image->x_resolution;
	info->y_resolution = image->y_resolution;
	info->units = (enum image_units)image->units;
	info->orientation = image->orientation <= 8 ? (int)image->orientation : 0;
	value = GetImageProperty(image, "exif:Orientation");
	if (value != NULL)
		snprintf(info->exif_orientation,
		    sizeof(info->exif_orientation), "%.31s", value);
	info->frames = GetImageListLength(image);
	info->file_size = image->extent != 0 ? image->extent :
	    GetBlobSize(image);
}

/* Write identify's text for each frame into out, as identify does. */
static void
module_output(const struct magick_request *req, Image *images, FILE *out,
    ExceptionInfo *exception)
{
	ImageInfo	*format_info;
	Image		*image;
	size_t		 count = 0;
	char		*text;

	/*
	 * identify expands escapes with its own settings, not the reader's:
	 * no file name (so %o is empty) and two options, filename and format.
	 */
	format_info = CloneImageInfo(NULL);
	SetImageOption(format_info, "filename", req->name);
	if (req->format != NULL)
		SetImageOption(format_info, "format", req->format);

	for (image = images; image != NULL; image = GetNextImageInList(image)) {
		if (image->scene == 0)
			image->scene = count++;
		if (req->format == NULL && req->verbose) {
			/* identify's settings, which it lists as artifacts. */
			SetImageArtifact(image, "filename", req->name);
			SetImageArtifact(image, "verbose", "true");
			IdentifyImage(image, out, MagickTrue);
		} else if (req->format == NULL)
			IdentifyImage(image, out, MagickFalse);
		else {
			text = InterpretImageProperties(format_info, image,
			    req->format);
			InheritException(exception, &image->exception);
			if (text != NULL) {
				fputs(text, out);
				DestroyString(text);
			}
		}
		if (req->first_frame)
			break;
	}
	DestroyImageInfo(format_info);
}

/*
 * Set up image_info for a request.  A literal name (fd >= 0) is read from
 * the open file, so ImageMagick parses no frame suffix, format prefix or
 * template in it, and picks the format from the content alone.  SVG is
 * read by the internal renderer: ImageMagick's SVG reader would first run
 * an external program, which the policy forbids.
 */
static ImageInfo *
module_image_info(const struct magick_request *req)
{
	ImageInfo	*image_info = CloneImageInfo(NULL);
	const char	*name = req->name;
	char		 fd_path[64];
	int		 fd;

	/* Rendering SVG would run its drawing commands: never do it. */
	image_info->ping = req->ping || req->msvg ? MagickTrue : MagickFalse;
	/*
	 * ImageMagick copies all of a FILE it is handed to a temporary file
	 * before reading it.  Opening the descriptor again through /proc
	 * reads the file in place; the FILE is for hosts without /proc.
	 */
	if (req->fd >= 0) {
		snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", req->fd);
		name = fd_path;
	}
	if (req->fd >= 0 && access(fd_path, R_OK) != 0) {
		fd = dup(req->fd);
		if (fd != -1 && lseek(fd, 0, SEEK_SET) == 0)
			image_info->file = fdopen(fd, "rb");
		else if (fd != -1)
			close(fd);
		name = "imgid-input";
	}
	if (strncasecmp(name, "svg:", 4) == 0)
		snprintf(image_info->filename, MaxTextExtent, "MSVG:%s",
		    name + 4);
	else if (req->msvg)
		snprintf(image_info->filename, MaxTextExtent, "MSVG:%s", name);
	else
		CopyMagickString(image_info->filename, name, MaxTextExtent);
	return image_info;
}

/*
 * Put the name as given back where %M, %f and the default line read it,
 * when the request changed what ImageMagick was handed.
 */
static void
module_rename(const struct magick_request *req, Image *images)
{
	Image	*image;

	for (image = images; image != NULL; image = GetNextImageInList(image)) {
		if (req->fd >= 0)
			CopyMagickString(image->filename, req->name,
			    MaxTextExtent);
		if (req->fd >= 0 || req->msvg ||
		    strncasecmp(req->name, "svg:", 4) == 0)
			CopyMagickString(image->magick_filename, req->name,
			    MaxTextExtent);
	}
}

/*
 * Throw the error that identify's pixel decode would meet, for a file that
 * imgid pinged where identify would decode it.  That error comes from a
 * frame wider or taller than the width and height limits, or from a pixel
 * cache (8 bytes a pixel at Q16) too big for identify's memory and disk.
 * NOTE: the cache bound assumes Debian 12's policy.xml (256 MiB of memory,
 * 1 GiB of disk); a host with other limits decodes more or less.
 */
static void
module_decode_limits(const Image *images, ExceptionInfo *exception)
{
	const MagickSizeType	 cache = (256 + 1024) * (MagickSizeType)1048576;
	const Image		*image;

	for (image = images; image != NULL; image = GetNextImageInList(image)) {
		if (image->columns > GetMagickResourceLimit(WidthResource) ||
		    image->rows > GetMagickResourceLimit(HeightResource)) {
			ThrowMagickException(exception, GetMagickModule(),
			    ResourceLimitError, "WidthOrHeightExceedsLimit",
			    "`%s'", image->filename);
			return;
		}
		if ((MagickSizeType)image->columns * image->rows > cache / 8) {
			ThrowMagickException(exception, GetMagickModule(),
			    ResourceLimitError, "CacheResourcesExhausted",
			    "`%s'", image->filename);
			return;
		}
	}
}

/*
 * Return 1 when a frame has no pixels.  identify prints such frames as
 * "0x0", even with exit status 0 for XML that is not an image or for an
 * icon directory with no icons.  imgid reports an error instead.
 */
static int
module_zero_size(const Image *images)
{
	const Image	*image;

	for (image = images; image != NULL; image = GetNextImageInList(image))
		if (image->columns == 0 || image->rows == 0)
			return 1;
	return 0;
}

static void
module_identify(const struct magick_request *req, struct magick_reply *reply)
{
	ImageInfo	*image_info;
	ExceptionInfo	*exception;
	Image		*images;
	FILE		*out;
	char		*text = NULL;
	size_t		 len = 0;

	memset(reply, 0, sizeof(*reply));
	current_request = req;
	current_reply = reply;
	image_info = module_image_info(req);
	exception = AcquireExceptionInfo();
	images = req->ping ? PingImages(image_info, exception) :
	    ReadImages(image_info, exception);
	if (images == NULL || exception->severity >= ErrorException)
		reply->failed = 1;
	if (images != NULL) {
		/* identify reports what the coder left on the first frame. */
		InheritException(exception, &images->exception);
		module_rename(req, images);
		if (req->ping && req->would_decode)
			module_decode_limits(images, exception);
		/*
		 * identify prints the frames a coder returns with an error,
		 * as for a GIF cut inside its image data.  A ping that
		 * replaces identify's decode cannot show what the decode would
		 * return, so it prints nothing.
		 */
		if (exception->severity >= ErrorException &&
		    req->ping && req->would_decode)
			out = NULL;
		else if (module_zero_size(images)) {
			if (exception->severity < ErrorException)
				ThrowMagickException(exception, GetMagickModule(),
				    CorruptImageError, "NegativeOrZeroImageSize",
				    "`%s'", req->name);
			out = NULL;
		} else
			out = open_memstream(&text, &len);
		if (out != NULL) {
			module_output(req, images, out, exception);
			fclose(out);
		}
		module_describe(images, &reply->info);
		reply->described = 1;
		DestroyImageList(images);
	}
	if (exception->severity >= ErrorException)
		reply->failed = 1;
	CatchException(exception);
	DestroyExceptionInfo(exception);
	if (image_info->file != NULL)
		fclose(image_info->file);
	image_info->file = NULL;
	DestroyImageInfo(image_info);
	reply->out = text;
	reply->out_len = len;
	current_request = NULL;
	current_reply = NULL;
}

static const char *
module_version(void)
{
	size_t	 number;

	return GetMagickVersion(&number);
}

static void
module_stop(void)
{
	MagickCoreTerminus();
}

const struct magick_module imgid_magick_module = {
	MAGICK_MODULE_ABI,
	module_start,
	module_identify,
	module_version,
	module_stop
};
