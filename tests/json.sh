#!/bin/bash
# --json: one JSON object per file that jq parses, with frame 0's header
# facts, or an "error" member when the file failed.
# Needs $IMGID and $FIXTURES, which make check sets, and jq.

: "${IMGID:?set IMGID to the imgid binary}"
: "${FIXTURES:?set FIXTURES to the fixtures directory}"

if ! command -v jq >/dev/null; then
	echo "SKIP: jq is not installed (Debian package jq)"
	exit 77
fi

passed=0
failed=0
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$FIXTURES" || exit 1

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" == "$3" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		printf 'FAIL: %s\n  expected: %q\n  actual:   %q\n' "$1" "$2" "$3"
	fi
}

# record PATH: print the batch JSON record for one path.
record() {
	printf '%s\n' "$1" | "$IMGID" --batch --json 2>/dev/null
}

# field PATH FILTER: print what jq's FILTER selects from PATH's record.
field() {
	record "$1" | jq -c "$2"
}

# Every line, for every fixture, must be one JSON object on its own.
test_every_line_parses() {
	local lines objects

	ls >"$work/all"
	"$IMGID" --batch --json <"$work/all" >"$work/out" 2>/dev/null
	check "batch: exit status" 1 "$?"
	lines=$(wc -l <"$work/out")
	check "batch: one line per path" "$(wc -l <"$work/all")" "$lines"
	objects=$(jq -c 'select(type == "object")' <"$work/out" | wc -l)
	check "batch: every line parses" "$lines" "$objects"
	check "batch: paths in order" \
	    "$(LC_ALL=C grep -v $'\351' "$work/all")" \
	    "$(jq -r '.path' <"$work/out" | LC_ALL=C grep -v $'\357\277\275')"

	"$IMGID" --json -- * >"$work/operands" 2>/dev/null
	lines=$(wc -l <"$work/operands")
	objects=$(jq -c 'select(type == "object")' <"$work/operands" | wc -l)
	check "operands: every line parses" "$lines" "$objects"
	check "operands: one line per file" "$(ls | wc -l)" "$lines"
}

test_png_record() {
	check "PNG: whole record" \
	    '{"path":"png-rgb8.png","format":"PNG","width":70,"height":46,"frames":1,"page":{"width":70,"height":46,"x":0,"y":0},"depth":8,"colorspace":"sRGB","orientation":null,"size":747}' \
	    "$(record png-rgb8.png)"
}

test_values() {
	check "JPEG orientation" 6 "$(field jpeg-orientation6.jpg .orientation)"
	check "JPEG big-endian EXIF" 3 \
	    "$(field jpeg-exif-bigendian.jpg .orientation)"
	check "JPEG gray colorspace" '"Gray"' \
	    "$(field jpeg-gray.jpg .colorspace)"
	check "JPEG CMYK colorspace" '"CMYK"' \
	    "$(field jpeg-cmyk.jpg .colorspace)"
	check "PNG 16-bit depth" 16 "$(field png-rgb16.png .depth)"
	check "GIF frames" 3 "$(field gif-animated.gif .frames)"
	check "GIF page" '{"width":100,"height":80,"x":5,"y":7}' \
	    "$(field gif-page-offsets.gif .page)"
	check "GIF frame 0 size" '[20,10]' \
	    "$(field gif-page-offsets.gif '[.width, .height]')"
	check "TIFF frames" 3 "$(field tiff-3pages.tif .frames)"
	check "WebP format" '"WEBP"' "$(field webp-lossless.webp .format)"
	check "SVG size" '[120,80]' \
	    "$(field svg-viewbox.svg '[.width, .height]')"
	check "file size" "$(stat -c %s jpeg-baseline.jpg)" \
	    "$(field jpeg-baseline.jpg .size)"
}

test_failure_record() {
	check "missing file" \
	    '{"path":"nosuch.png","error":"unable to open image `nosuch.png'"'"': No such file or directory"}' \
	    "$(record nosuch.png)"
	check "empty line" '"unable to open image `'"'"': No such file or directory"' \
	    "$(field '' .error)"
	check "failure has no width" null "$(field text.txt .width)"
	check "failure has an error" true "$(field text.txt '.error | length > 0')"
	check "failure without message" \
	    '"unable to read image `png-bad-crc.png'"'"'"' \
	    "$(field png-bad-crc.png .error)"
}

# A name that is not UTF-8 gets U+FFFD in "path" and its bytes in base64.
test_names() {
	local latin1 name

	latin1=$(printf 'caf\351.png')
	check "Latin-1 name: path" '"caf\ufffd.png"' \
	    "$(record "$latin1" | jq -c .path | sed 's/\xef\xbf\xbd/\\ufffd/')"
	check "Latin-1 name: base64 bytes" "$latin1" \
	    "$(record "$latin1" | jq -r .path_base64 | base64 -d)"
	check "UTF-8 name: no base64" null \
	    "$(field café.jpg .path_base64)"
	check "UTF-8 name: width" 16 "$(field café.jpg .width)"

	name=$(printf 'tab\there\001\033[31m.png')
	cp png-rgb8.png "$work/$name"
	check "control characters: escaped" \
	    '"'"$work"'/tab\there\u0001\u001b[31m.png"' \
	    "$(printf '%s\n' "$work/$name" | "$IMGID" --batch --json |
	    sed 's/^{"path":\("[^"]*"\).*/\1/')"
	check "control characters: round trip" "$work/$name" \
	    "$(printf '%s\n' "$work/$name" | "$IMGID" --batch --json |
	    jq -r .path)"
	cp png-rgb8.png "$work/quote\"back\\slash.png"
	check "quote and backslash" "$work/quote\"back\\slash.png" \
	    "$(printf '%s\0' "$work/quote\"back\\slash.png" |
	    "$IMGID" --batch -0 --json | jq -r .path)"
}

test_format_text() {
	check "format text member" '"70x46\n"' \
	    "$(printf 'png-rgb8.png\n' |
	    "$IMGID" --batch --json -format '%wx%h\n' | jq -c .text)"
	check "operand format text: every frame" '"24x1624x1624x16"' \
	    "$("$IMGID" --json -format '%wx%h' gif-animated.gif | jq -c .text)"
}

test_exit_status() {
	"$IMGID" --json png-rgb8.png jpeg-gray.jpg >/dev/null
	check "operands identified: exit status" 0 "$?"
	"$IMGID" --json png-rgb8.png nosuch.png >/dev/null 2>&1
	check "operand missing: exit status" 1 "$?"
	printf '%s\n' png-rgb8.png gif-single.gif |
	    "$IMGID" --batch --json >/dev/null
	check "batch identified: exit status" 0 "$?"
}

test_every_line_parses
test_png_record
test_values
test_failure_record
test_names
test_format_text
test_exit_status

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
