#!/bin/sh
# Command-line behaviour: usage, options, messages, exit status and file
# names.  Each case compares standard output with tests/expected/NAME.out,
# checks that standard error contains a given text, and checks the status.

. "${TESTDIR:-$(dirname "$0")}/lib.sh"

expected_dir="$TESTDIR/expected"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# check NAME STATUS STDERR-TEXT [ARGS...]: run imgid in the fixtures
# directory and compare with the expected output, status and message.
check() {
	name=$1 want_status=$2 want_err=$3
	shift 3
	(cd "$FIXTURES" && "$IMGID" "$@") > "$work/out" 2> "$work/err" \
	    < /dev/null
	status=$?
	mask_times < "$work/out" > "$work/masked"
	if ! cmp -s "$expected_dir/$name.out" "$work/masked"; then
		fail "$name: standard output" \
		    "$(diff "$expected_dir/$name.out" "$work/masked")"
	elif [ "$status" -ne "$want_status" ]; then
		fail "$name: exit status $status, expected $want_status"
	elif [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$work/err"; then
		fail "$name: standard error lacks '$want_err'" "$(cat "$work/err")"
	elif [ -z "$want_err" ] && [ -s "$work/err" ]; then
		fail "$name: unexpected standard error" "$(cat "$work/err")"
	else
		pass
	fi
}

check usage 0 "" 
check help 0 "" -help
check unknown-option 1 "imgid: unrecognized option \`-foo'" -foo x.jpg
check null-without-batch 1 "imgid: option requires --batch \`-0'" \
    -0 png-rgb8.png
check jobs-without-batch 1 "imgid: option requires --batch \`--jobs'" \
    --jobs 2 png-rgb8.png
check unsupported-option 1 "option not supported by imgid \`-units'" \
    -units PixelsPerInch x.jpg
check format-missing-argument 1 "option requires an argument \`-format'" \
    -format
check missing-file 1 \
    "imgid: unable to open image \`nosuch.jpg': No such file or directory" \
    nosuch.jpg
check missing-file-frame 1 "unable to open image \`nosuch.jpg'" \
    -format '%w' 'nosuch.jpg[0]'
check one-missing 1 "unable to open image \`nosuch.png'" \
    -format '%wx%h\n' jpeg-baseline.jpg nosuch.png png-rgb8.png
check paperclip 0 "" -format '%wx%h,%[exif:orientation]' \
    'jpeg-orientation6.jpg[0]'
check paperclip-no-exif 0 \
    "imgid: unknown image property \"%[exif:orientation]\"" \
    -format '%wx%h,%[exif:orientation]' 'png-rgb8.png[0]'
check quiet-no-warning 0 "" -quiet -format '%wx%h,%[exif:orientation]' \
    'png-rgb8.png[0]'
check regard-warnings 1 "unknown image property" -regard-warnings \
    -format '%wx%h,%[exif:orientation]' 'png-rgb8.png[0]'
check minimagick 0 "" -format '%m %w %h %b' 'jpeg-gray.jpg[0]'
check dragonfly-animated 0 "" -ping -format '%m %w %h' gif-animated.gif
check discourse-frames 0 "" -format '%n\n' gif-animated.gif
check default-line 0 "" png-palette8.png jpeg-cmyk.jpg gif-page-offsets.gif
check frame-suffix 0 "" 'jpeg-baseline.jpg[0]' 'gif-animated.gif[1]'
check literal-brackets 0 "" 'brackets[1].png'
check dash-name 0 "" -format '%f %w\n' -- -dash.jpg
check space-name 0 "" -format '%f %w\n' 'with space.png'
check utf8-name 0 "" 'café.jpg'
check directory 1 "no decode delegate for this image format" .
check empty-name 1 "unable to open image \`'" ''
check empty-frame-name 1 "unable to open image \`'" '[0]'
check at-file 1 "not authorized \`@list.txt'" @list.txt
check text-file 1 "improper image header" text.txt
check exit-status-mixed 1 "no decode delegate for this image format" -format '%m\n' random.bin jpeg-baseline.jpg

# Control characters in a name are escaped in messages.
check control-name 1 'unable to open image `a\033[31mb' "$(printf 'a\033[31mb')"

# Run through a link named identify, messages carry identify's name.
ln -s "$IMGID" "$work/identify"
(cd "$FIXTURES" && "$work/identify" nosuch.jpg) 2> "$work/err" > /dev/null
if grep -q "^identify: unable to open image" "$work/err"; then
	pass
else
	fail "identify link: message prefix" "$(cat "$work/err")"
fi

# -version names ImageMagick first, as MiniMagick's version check expects.
"$IMGID" -version > "$work/out"
if head -n 1 "$work/out" | grep -q '^Version: ImageMagick 6\.9\.11'; then
	pass
else
	fail "version: first line" "$(cat "$work/out")"
fi

# An empty name must not read an open standard input.
if (sleep 20 | timeout 5 "$IMGID" '' '[0]') 2>/dev/null; then
	fail "empty name with open stdin: exit status 0"
elif [ $? -eq 124 ]; then
	fail "empty name with open stdin: timed out reading stdin"
else
	pass
fi

# The call forms of Paperclip and MiniMagick on PNG and JPEG are read
# from the header alone: the ImageMagick module is never loaded for them.
if command -v strace > /dev/null; then
	for args in "-format|%wx%h,%[exif:orientation]|jpeg-orientation6.jpg[0]" \
	    "-format|%m %w %h %b|png-palette8.png[0]" \
	    "jpeg-exif-thumbnail.jpg" "png-gray16.png"; do
		old_ifs=$IFS
		IFS='|'
		# shellcheck disable=SC2086 # split on '|' on purpose.
		set -- $args
		IFS=$old_ifs
		(cd "$FIXTURES" && strace -f -e trace=openat -o "$work/trace" \
		    "$IMGID" "$@" > /dev/null 2>&1)
		if grep -q imgid_magick "$work/trace"; then
			fail "fast path: ImageMagick loaded for $args"
		else
			pass
		fi
	done
else
	fail "fast path" "strace not found: install the Debian package strace"
fi

finish
