#!/bin/bash
# Batch mode: one result line per input path, in order, flushed for a
# coprocess, with failures in band.  --jobs gives the same bytes as one job.
# Needs $IMGID and $FIXTURES, which make check sets.

: "${IMGID:?set IMGID to the imgid binary}"
: "${FIXTURES:?set FIXTURES to the fixtures directory}"

passed=0
failed=0
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$FIXTURES" || exit 1

pass() {
	passed=$((passed + 1))
}

fail() {
	failed=$((failed + 1))
	printf 'FAIL: %s\n' "$1"
}

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" == "$3" ]; then
		pass
	else
		fail "$1"
		printf '  expected: %q\n  actual:   %q\n' "$2" "$3"
	fi
}

# check_file NAME EXPECTED_FILE ACTUAL_FILE
check_file() {
	if cmp -s "$2" "$3"; then
		pass
	else
		fail "$1"
		diff "$2" "$3" | head -10
	fi
}

# NOTE: some ImageMagick messages in batch mode name the descriptor or the
# temporary copy that ImageMagick read rather than the path, a name that
# changes from run to run, so it is replaced before runs are compared.
normalize() {
	sed 's|/tmp/magick-[A-Za-z0-9_-]*|TMPFILE|g; s|/proc/self/fd/[0-9]*|TMPFILE|g'
}

test_two_hundred_paths() {
	local files=(jpeg-16x16-q50.jpg png-rgb8.png svg-viewbox.svg
	    gif-animated.gif)
	local sizes=(16x16 70x46 120x80 24x16)
	local i

	for ((i = 0; i < 200; i++)); do
		printf '%s\n' "${files[i % 4]}" >>"$work/list"
		printf 'ok\t%s\n' "${sizes[i % 4]}" >>"$work/expected"
	done
	"$IMGID" --batch -format '%wx%h' <"$work/list" >"$work/out"
	check "200 paths: exit status" 0 "$?"
	check "200 paths: line count" 200 "$(wc -l <"$work/out")"
	check_file "200 paths: lines in order" "$work/expected" "$work/out"
}

# Each result line must arrive before the next path is written, or read
# times out, so a missing flush shows as a failure, not a hang.
test_coprocess() {
	local answers=() path line

	coproc IMG { "$IMGID" --batch -format '%m %wx%h' 2>/dev/null; }
	for path in png-rgb8.png nosuch.png gif-single.gif tiff-3pages.tif; do
		printf '%s\n' "$path" >&"${IMG[1]}"
		if read -t 5 -r line <&"${IMG[0]}"; then
			answers+=("$line")
		else
			answers+=("timed out")
		fi
	done
	exec {IMG[1]}>&-
	wait "$IMG_PID"
	check "coprocess: exit status" 1 "$?"
	check "coprocess: PNG" $'ok\tPNG 70x46' "${answers[0]}"
	check "coprocess: missing" $'error\tunable to open image `nosuch.png\': No such file or directory' "${answers[1]}"
	check "coprocess: GIF" $'ok\tGIF 70x46' "${answers[2]}"
	check "coprocess: TIFF frame 0" $'ok\tTIFF 24x16' "${answers[3]}"
}

# --buffer keeps a short result line in the stdio buffer until exit.
test_buffer_option() {
	local line status

	coproc BUF { "$IMGID" --batch --buffer -format '%wx%h'; }
	printf 'png-rgb8.png\n' >&"${BUF[1]}"
	read -t 1 -r line <&"${BUF[0]}"
	status=$?
	exec {BUF[1]}>&-
	check "buffer: no answer before exit" yes \
	    "$([ "$status" -gt 128 ] && echo yes || echo no)"
	read -t 5 -r line <&"${BUF[0]}"
	check "buffer: answer at exit" $'ok\t70x46' "$line"
	wait "$BUF_PID"
}

# NOTE: text.txt is checked for the error status only, because batch mode
# words its message differently from identify ("no decode delegate" where
# identify prints "improper image header").
test_failures_in_band() {
	printf '%s\n' png-rgb8.png nosuch.jpg '' jpeg-gray.jpg text.txt \
	    gif-single.gif >"$work/list"
	"$IMGID" --batch -format '%wx%h' <"$work/list" >"$work/out" \
	    2>"$work/err"
	check "failures: exit status" 1 "$?"
	check "failures: lines" "ok	70x46
error	unable to open image \`nosuch.jpg': No such file or directory
error	unable to open image \`': No such file or directory
ok	70x46" "$(head -4 "$work/out")"
	check "failures: text file" error "$(sed -n 5p "$work/out" | cut -f1)"
	check "failures: line after" $'ok\t70x46' "$(sed -n 6p "$work/out")"
	check "failures: line count" 6 "$(wc -l <"$work/out")"
	check "failures: messages on stderr" \
	    "imgid: unable to open image \`nosuch.jpg': No such file or directory
imgid: unable to open image \`': No such file or directory" \
	    "$(head -2 "$work/err")"
}

test_exit_status_success() {
	printf '%s\n' png-rgb8.png jpeg-gray.jpg gif-animated.gif |
	    "$IMGID" --batch -format '%w' >/dev/null 2>&1
	check "all identified: exit status" 0 "$?"
	"$IMGID" --batch </dev/null >"$work/out"
	check "empty input: exit status" 0 "$?"
	check "empty input: no output" "" "$(cat "$work/out")"
}

test_line_endings() {
	local out

	out=$(printf 'png-rgb8.png\r\njpeg-gray.jpg' |
	    "$IMGID" --batch -format '%m')
	check "CRLF and last line without newline" $'ok\tPNG\nok\tJPEG' "$out"
	out=$(printf 'png-rgb8.png\0junk\njpeg-gray.jpg\n' |
	    "$IMGID" --batch -format '%m' 2>/dev/null)
	check "NUL byte inside a line" \
	    $'error\tunable to open image `png-rgb8.png\': Invalid argument\nok\tJPEG' \
	    "$out"
}

test_null_separated() {
	local out

	cp png-rgb8.png "$work/new
line.png"
	cp jpeg-gray.jpg "$work/back\\slash.jpg"
	out=$(printf '%s\0' "$work/new
line.png" "$work/back\\slash.jpg" jpeg-gray.jpg |
	    "$IMGID" --batch -0 -format '%m %f')
	check "-0: names with newline and backslash" \
	    "ok	PNG new\\nline.png
ok	JPEG back\\\\slash.jpg
ok	JPEG jpeg-gray.jpg" "$out"
	out=$(printf '%s\0' "$work/new
line.png" | "$IMGID" --batch --null -format '%wx%h\n')
	check "--null: one line" $'ok\t70x46' "$out"
}

test_default_fields() {
	local out

	out=$(printf '%s\n' png-palette8.png gif-page-offsets.gif \
	    jpeg-orientation6.jpg "with space.png" | "$IMGID" --batch)
	check "default fields" \
	    "ok	png-palette8.png	PNG	70	46	1	70x46+0+0	8	sRGB	0	$(stat -c %s png-palette8.png)
ok	gif-page-offsets.gif	GIF	20	10	2	100x80+5+7	8	sRGB	0	109
ok	jpeg-orientation6.jpg	JPEG	70	46	1	70x46+0+0	8	sRGB	6	$(stat -c %s jpeg-orientation6.jpg)
ok	with space.png	PNG	70	46	1	70x46+0+0	8	sRGB	0	747" "$out"
}

test_multiline_format() {
	local out

	out=$(printf 'png-rgb8.png\n' |
	    "$IMGID" --batch -format '%w\n%h\n\n')
	check "format text with newlines" 'ok	70\n46\n' "$out"
	out=$(printf 'png-rgb8.png\n' | "$IMGID" --batch -format '')
	check "empty format text" $'ok\t' "$out"
}

test_regard_warnings() {
	local out

	out=$(printf 'png-rgb8.png\n' |
	    "$IMGID" --batch -format '%wx%h,%[exif:orientation]' 2>/dev/null)
	check "warning: still ok" $'ok\t70x46,' "$out"
	out=$(printf 'png-rgb8.png\n' | "$IMGID" --batch -regard-warnings \
	    -format '%wx%h,%[exif:orientation]' 2>/dev/null)
	check "regard-warnings: error line" \
	    $'error\tunknown image property "%[exif:orientation]"' "$out"
	out=$(printf 'png-rgb8.png\n' | "$IMGID" --batch -quiet \
	    -regard-warnings -format '%[exif:orientation]' 2>&1)
	check "regard-warnings, quiet: error line" \
	    $'error\twarning with -regard-warnings `png-rgb8.png\'' "$out"
}

# identify fails on this file without printing any message; imgid reports why.
test_failure_without_message() {
	local out expected

	out=$(printf 'png-bad-crc.png\n' | "$IMGID" --batch 2>&1)
	expected=$(printf '%s\n%s' \
	    "imgid: unable to read image \`png-bad-crc.png'" \
	    "$(printf 'error\t')unable to read image \`png-bad-crc.png'")
	check "failure without message" "$expected" "$out"
}

test_batch_file() {
	local out

	printf '%s\n' png-rgb8.png jpeg-gray.jpg >"$work/paths"
	out=$("$IMGID" --batch="$work/paths" -format '%m')
	check "--batch=FILE" $'ok\tPNG\nok\tJPEG' "$out"
	"$IMGID" --batch="$work/no-such-list" 2>"$work/err" >/dev/null
	check "--batch=FILE missing: exit status" 1 "$?"
	check "--batch=FILE missing: message" \
	    "imgid: cannot open batch input \`$work/no-such-list': No such file or directory" \
	    "$(cat "$work/err")"
}

# run_jobs NAME ARGS...: run imgid on $work/many into $work/out.NAME and
# $work/err.NAME, and its exit status into $status.  A crash or a deadlock
# in a worker thread shows as a status above 1 instead of a hang.
run_jobs() {
	local name=$1

	shift
	timeout 60 "$IMGID" "$@" <"$work/many" 2>"$work/err.$name" |
	    normalize >"$work/out.$name"
	status=${PIPESTATUS[0]}
}

# Every fixture through ImageMagick and the fast probes, several times,
# with the results finishing out of order across four threads.
test_jobs_same_output() {
	local format run jobs status

	ls >"$work/all"
	for ((run = 0; run < 20; run++)); do
		cat "$work/all"
	done >"$work/many"
	for format in '%m %wx%h %n %[exif:orientation]' ''; do
		for jobs in 1 4 0; do
			run_jobs "$jobs" --batch --jobs "$jobs" \
			    ${format:+-format} ${format:+"$format"}
			check "jobs $jobs: exit status" 1 "$status"
		done
		check_file "jobs 4 = jobs 1: ${format:-default}" \
		    "$work/out.1" "$work/out.4"
		check_file "jobs 0 = jobs 1: ${format:-default}" \
		    "$work/out.1" "$work/out.0"
		check "jobs 4: stderr lines" "$(wc -l <"$work/err.1")" \
		    "$(wc -l <"$work/err.4")"
		check "jobs 4: line count" "$(wc -l <"$work/many")" \
		    "$(wc -l <"$work/out.4")"
	done
	run_jobs json.4 --batch --jobs 4 --json
	check "jobs 4 json: exit status" 1 "$status"
	run_jobs json.1 --batch --json
	check_file "jobs 4 = jobs 1: json" "$work/out.json.1" \
	    "$work/out.json.4"
}

test_jobs_exit_status() {
	printf '%s\n' png-rgb8.png gif-single.gif tiff-3pages.tif |
	    "$IMGID" --batch --jobs 3 >/dev/null
	check "jobs: all identified" 0 "$?"
	printf '%s\n' png-rgb8.png nosuch.gif tiff-3pages.tif |
	    "$IMGID" --batch --jobs 3 >/dev/null 2>&1
	check "jobs: one missing" 1 "$?"
}

test_two_hundred_paths
test_coprocess
test_buffer_option
test_failures_in_band
test_exit_status_success
test_line_endings
test_null_separated
test_default_fields
test_multiline_format
test_regard_warnings
test_failure_without_message
test_batch_file
test_jobs_same_output
test_jobs_exit_status

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
