#!/bin/sh
# Compare imgid with ImageMagick's identify, side by side, on every fixture
# and every call form that real clients use: standard output (timing
# fields masked) and exit status must be equal.  Where imgid differs from
# identify on purpose, the case is skipped with the reason from the manual.

. "${TESTDIR:-$(dirname "$0")}/lib.sh"

IDENTIFY=${IDENTIFY:-/usr/bin/identify}
if [ ! -x "$IDENTIFY" ]; then
	fail "identify comparison" \
	    "$IDENTIFY not found: install the Debian package imagemagick"
	finish
	exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# One call form per line: arguments separated by '^', with @ standing for
# the fixture's path.  The forms come from Paperclip, MiniMagick,
# Dragonfly, Active Storage, Discourse, Drupal, node gm and shell scripts.
forms='-format^%wx%h,%[exif:orientation]^@[0]
-format^%wx%h,1^@[0]
-format^%wx%h^@[0]
-format^%m^@[0]
-format^%m %w %h %b^@[0]
-ping^-format^%m %w %h^@
@
-format^%[orientation]^@[0]
-format^%n\n^@
-ping^-format^%n\n^@
-format^%w %h^@
-ping^-format^%w %h^@
-format^%w %h^@[0]
-ping^-format^%wx%h ^@
-format^%[EXIF:Orientation]^@[0]
-format^%[EXIF:*]^@[0]
-format^format:%[magick]|width:%[width]|height:%[height]|colorspace:%[colorspace]|profiles:%[profiles]|exif_orientation:%[EXIF:Orientation]\n^@
-verbose^@[0]
-quiet^-ping^-format^%w %h\n^@
-quiet^@
-regard-warnings^-format^%w^@
-format^%r^@[0]
-format^%q %z %Q^@[0]
-format^%x %y %U^@[0]
-format^%f|%d|%e|%t|%i|%M|%g|%P|%W|%H|%X|%Y|%O|%G|%p|%s|%[width]|%[height]|%[magick]|%[size]|%b|%B^@
-format^%k %#^@[0]
-format^%c^@[0]
-format^  5%w %% %\t &lt;%[]x^@
-ping^-verbose^@[0]
-format^%o|%[filename]|%[option:*]^@[0]
-format^%w %h %g\n^@[10x10]'

# Print the reason a case is a documented difference, or nothing.
difference() {
	case "$1:$2" in
	svg-*:-ping^-verbose*)
		echo "-verbose after -ping decodes, and imgid never renders SVG"
		;;
	svg-*:-ping*|svg-*:@)
		;;
	svg-*:*%b*|svg-*:*%r*|svg-*:*%k*|svg-*:*%x*|svg-*:*-verbose*|\
	svg-*:*10x10*|\
	svg-*:-quiet^@)
		echo "imgid never renders SVG; identify renders it, then" \
		    "prints its intermediate file's size and pixel facts"
		;;
	esac
}

# Return 0 for a file that identify fails to read but still describes as
# "0x0".  imgid prints nothing for it, as the manual documents, with the
# same exit status.
zero_size() {
	case "$1" in
	random.jpg|jpeg-truncated-after-sof.jpg) return 0 ;;
	esac
	return 1
}

# run PROGRAM FORM FILE: print standard output, then the exit status.
run() {
	prog=$1 form=$2 file=$3
	set --
	old_ifs=$IFS
	IFS='^'
	for word in $form; do
		case "$word" in
		@*) word="./$file${word#@}" ;;
		esac
		set -- "$@" "$word"
	done
	IFS=$old_ifs
	"$prog" "$@" > "$work/raw" 2>/dev/null
	status=$?
	mask_times < "$work/raw"
	printf '\nstatus %d\n' "$status"
}

cd "${FIXTURES:?}" || exit 1
for file in *; do
	case "$file" in
	README|make-fixtures.sh) continue ;;
	esac
	printf '%s\n' "$forms" > "$work/forms"
	while IFS= read -r form; do
		name="$file :: $form"
		reason=$(difference "$file" "$form")
		if [ -n "$reason" ]; then
			skip "$name" "$reason"
			continue
		fi
		run "$IDENTIFY" "$form" "$file" > "$work/expected"
		run "${IMGID:?}" "$form" "$file" > "$work/actual"
		if zero_size "$file"; then
			# Only the exit status must agree: see zero_size.
			tail -n 1 "$work/expected" > "$work/status"
			mv "$work/status" "$work/expected"
			tail -n 1 "$work/actual" > "$work/status"
			mv "$work/status" "$work/actual"
		fi
		if cmp -s "$work/expected" "$work/actual"; then
			pass
		else
			fail "$name" "$(diff "$work/expected" "$work/actual")"
		fi
	done < "$work/forms"
done
finish
