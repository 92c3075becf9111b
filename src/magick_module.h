/*
 * Interface between imgid and its MagickWand module, which the program
 * loads with dlopen on the first file that needs ImageMagick.  Only plain C
 * types cross it, so the program never includes an ImageMagick header.
 */
#ifndef IMGID_MAGICK_MODULE_H
#define IMGID_MAGICK_MODULE_H

#include "image.h"

#define MAGICK_MODULE_ABI	3
#define MAGICK_MODULE_SYMBOL	"imgid_magick_module"

/* Message severities, as identify reports them. */
enum magick_severity {
	MAGICK_WARNING = 1,
	MAGICK_ERROR = 2
};

/* One read request: an operand as identify would receive it. */
struct magick_request {
	const char	*name;		/* operand, frame suffix included */
	int		 fd;		/* open file for a literal name, or -1 */
	const char	*format;	/* -format text, or NULL */
	int		 ping;		/* read headers only */
	int		 would_decode;	/* identify would decode the pixels */
	int		 verbose;	/* ImageMagick's -verbose text */
	int		 first_frame;	/* format or describe frame 0 only */
	int		 msvg;		/* read SVG with the internal renderer */
	void		(*message)(void *, enum magick_severity,
			    const char *reason, const char *description);
	void		*context;	/* first argument of message */
};

/* Result of one read.  out is malloc'd and owned by the caller. */
struct magick_reply {
	char		*out;
	size_t		 out_len;
	int		 failed;	/* an error was reported */
	int		 warned;	/* a warning was reported */
	int		 described;	/* info holds frame 0 */
	struct image	 info;
};

/* Resource limits the program sets before the first read. */
struct magick_limits {
	uint64_t	width;		/* pixels */
	uint64_t	height;
	uint64_t	area;		/* pixels */
	uint64_t	memory;		/* bytes */
	uint64_t	map;		/* bytes */
	uint64_t	disk;		/* bytes */
	uint64_t	time;		/* seconds */
	uint64_t	threads;
};

struct magick_module {
	int		 abi;
	int		(*start)(const struct magick_limits *, char *err,
			    size_t errlen);
	void		(*identify)(const struct magick_request *,
			    struct magick_reply *);
	const char	*(*version)(void);
	void		(*stop)(void);
};

#endif
