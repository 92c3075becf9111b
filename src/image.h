/*
 * Header facts about one image frame, shared by the program and the
 * MagickWand module.  The field names follow ImageMagick's Image structure
 * so that each escape can be traced to the member it reads there.
 */
#ifndef IMGID_IMAGE_H
#define IMGID_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Resolution units, numbered as ImageMagick's ResolutionType. */
enum image_units {
	UNITS_UNDEFINED = 0,
	UNITS_PER_INCH = 1,
	UNITS_PER_CENTIMETER = 2
};

struct image {
	char		magick[32];	/* coder name, "PNG" or "JPEG" */
	uint64_t	columns;
	uint64_t	rows;
	uint64_t	page_width;
	uint64_t	page_height;
	int64_t		page_x;
	int64_t		page_y;
	unsigned	depth;		/* bits per sample as ImageMagick stores it */
	char		colorspace[24];	/* "sRGB", "Gray", "CMYK" */
	char		type[24];	/* "Grayscale" or empty when unset */
	int		pseudo_class;	/* 1 for PseudoClass (a colormap) */
	int		matte;		/* 1 when an alpha channel is present */
	uint64_t	colors;		/* colormap entries when pseudo_class */
	double		x_resolution;	/* 0 when the file gives none */
	double		y_resolution;
	enum image_units units;
	int		orientation;	/* EXIF value 1 to 8, 0 when absent */
	char		exif_orientation[32];	/* exif:Orientation as printed */
	char		compression[16];	/* "JPEG", "Zip" */
	uint64_t	frames;		/* frames in the file */
	uint64_t	scene;		/* this frame's index */
	uint64_t	file_size;	/* bytes */
};

#endif
