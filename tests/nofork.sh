#!/bin/sh
# imgid under strace, on every fixture and on files built to make
# ImageMagick start a program, fetch a URL or run a script.  Passes when
# no process was created, no network socket was opened, no payload left
# its marker or deleted its victim, each hostile file ended with an error
# (or printed its header), and TMPDIR stayed empty.
#
# Payload URLs name the loopback discard port (127.0.0.1:9): the coders
# that fetch URLs are denied by policy and socket() by the seccomp filter,
# and should both fail, nothing leaves this host.

set -u
: "${IMGID:?IMGID must name the imgid binary}"
: "${FIXTURES:?FIXTURES must name the fixtures directory}"

if ! command -v strace >/dev/null 2>&1; then
	echo "SKIP: strace is not installed (Debian package strace)"
	exit 77
fi
if ! strace -o /dev/null true 2>/dev/null; then
	echo "SKIP: strace cannot trace here: ptrace is not permitted"
	exit 77
fi

work=$(mktemp -d) || exit 99
trap 'rm -rf "$work"' EXIT
in=$work/in
mkdir "$in" "$work/tmp"
marker=$work/marker
victim=$work/victim
echo "ImageMagick's ephemeral: coder deletes this file" > "$victim"
unset MAGICK_TEMPORARY_PATH
TMPDIR=$work/tmp
export TMPDIR

passed=0
failed=0

pass() {
	passed=$((passed + 1))
	echo "ok - $1"
}

fail() {
	failed=$((failed + 1))
	echo "not ok - $1"
}

# Every payload below, if ImageMagick ran it, would create $marker,
# delete $victim or open a socket to 127.0.0.1:9.
make_payloads() {
	cat > "$in/url-fill.mvg" <<EOF
push graphic-context
viewbox 0 0 64 64
fill 'url(http://127.0.0.1:9/x.jpg"|touch "$marker")'
pop graphic-context
EOF
	for ext in jpg png gif; do
		cp "$in/url-fill.mvg" "$in/url-fill-mvg.$ext"
	done
	cat > "$in/ephemeral.mvg" <<EOF
push graphic-context
viewbox 0 0 64 64
image over 0,0 0,0 'ephemeral:$victim'
image over 0,0 0,0 'msl:$in/write.msl'
pop graphic-context
EOF
	cp "$in/ephemeral.mvg" "$in/ephemeral-mvg.jpg"
	cat > "$in/write.msl" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<image>
<read filename="$FIXTURES/png-rgb8.png"/>
<write filename="$marker"/>
</image>
EOF
	cp "$in/write.msl" "$in/write-msl.jpg"
	cat > "$in/references.svg" <<EOF
<?xml version="1.0" standalone="no"?>
<svg width="64" height="64" xmlns="http://www.w3.org/2000/svg"
    xmlns:xlink="http://www.w3.org/1999/xlink">
<image xlink:href="msl:$in/write.msl" width="64" height="64"/>
<image xlink:href="ephemeral:$victim" width="64" height="64"/>
<image xlink:href="text:$victim" width="64" height="64"/>
<image xlink:href="mvg:$in/url-fill.mvg" width="64" height="64"/>
<image xlink:href="http://127.0.0.1:9/x.png" width="64" height="64"/>
</svg>
EOF
	cat > "$in/entity.svg" <<EOF
<?xml version="1.0" standalone="no"?>
<!DOCTYPE svg [ <!ENTITY remote SYSTEM "http://127.0.0.1:9/entity"> ]>
<svg width="64" height="64" xmlns="http://www.w3.org/2000/svg">
<title>&remote;</title>
</svg>
EOF
	# Debian's delegates.xml renders any SVG with inkscape.
	cat > "$in/delegate.svg" <<EOF
<svg width="64" height="48" xmlns="http://www.w3.org/2000/svg">
<rect width="64" height="48" fill="red"/>
</svg>
EOF
	printf '<html><body><img src="http://127.0.0.1:9/"></body></html>\n' \
	    > "$in/page-html.gif"
	# An ftyp box alone: ImageMagick hands MP4 to ffmpeg.
	printf '\000\000\000\030ftypmp42\000\000\000\000mp42isom' \
	    > "$in/fake.mp4"
	printf '\000\000\000\030ftypheic\000\000\000\000mif1heic' \
	    > "$in/fake.heic"
	printf '%%!PS-Adobe-3.0\n(%s) (w) file closefile\nshowpage\n' \
	    "$marker" > "$in/write.ps"
	printf '%s\n' "$in/write.msl" > "$in/list.txt"
}

# Run imgid under strace, standard input from $stdin.  Leaves stdout,
# stderr and the exit status in $work/out, $work/err and $status, and one
# trace file per process or thread in $work/trace.
stdin=/dev/null
traced() {
	rm -rf "$work/trace"
	mkdir "$work/trace"
	strace -ff -qq -e trace=process,network -o "$work/trace/t" \
	    "$IMGID" "$@" < "$stdin" > "$work/out" 2> "$work/err"
	status=$?
}

# Print every traced call that created a process, ran a program or made
# a network socket, and did not fail.  The first execve is strace
# starting imgid itself.
trace_violations() {
	cat "$work/trace"/t.* | awk '
	function result(line,    n, parts) {
		n = split(line, parts, " = ")
		return n > 1 ? parts[n] + 0 : -1
	}
	/^(execve|execveat)\(/ && result($0) == 0 {
		if (execs++ > 0 || $0 ~ /^execveat/)
			print
		next
	}
	/^(fork|vfork)\(/ && result($0) > 0 { print; next }
	/^clone3?\(/ && result($0) > 0 && $0 !~ /CLONE_THREAD/ { print; next }
	/^(socket|socketpair)\(/ && result($0) >= 0 &&
	    $0 !~ /AF_(UNIX|LOCAL)/ { print; next }
	/^\+\+\+ killed by/ { print }
	'
}

# Check one traced run: NAME, then "error" (exit status 1), "output"
# (exit status 0 and output) or "either".
check_run() {
	name=$1
	expect=$2
	why=""
	violations=$(trace_violations)
	if [ -n "$violations" ]; then
		why="process or socket: $(echo "$violations" | head -n 3)"
	elif [ -e "$marker" ]; then
		why="payload created $marker"
		rm -f "$marker"
	elif [ ! -e "$victim" ]; then
		why="payload deleted $victim"
		echo restored > "$victim"
	elif [ "$status" -gt 1 ]; then
		why="exit status $status: $(head -c 300 "$work/err")"
	fi

	case $expect,$status in
	error,1|output,0|either,0|either,1)
		;;
	*)
		[ -n "$why" ] || why="expected $expect, exit status $status"
		;;
	esac

	# identify, too, fails on some files without a message (a bad PNG
	# CRC, a truncated HEIC), so its absence is noted, not failed.
	if [ -z "$why" ] && [ "$status" -eq 1 ] && [ ! -s "$work/err" ]; then
		echo "# $name: exit status 1 without a message"
	fi
	if [ -z "$why" ] && [ "$status" -eq 0 ] && [ ! -s "$work/out" ]; then
		why="exit status 0 without output"
	fi

	if [ -n "$why" ]; then
		fail "$name: $why"
	else
		pass "$name"
	fi
}

make_payloads

# Every fixture in one run: a bad fixture makes the status 1, so only the
# trace is checked here.
traced "$FIXTURES"/*
if [ "$status" -le 1 ]; then
	status=0
fi
check_run "all fixtures, one run" either

# Without the filter, the policy alone must stop every payload: there, a
# process or socket that was tried would also have succeeded.
for file in "$in"/*; do
	base=${file##*/}
	case $base in
	delegate.svg)		expect=output ;;
	entity.svg)		expect=either ;;
	list.txt)		continue ;;
	*)			expect=error ;;
	esac
	traced "$file"
	check_run "$base" "$expect"
	traced -verbose "$file"
	check_run "$base -verbose" "$expect"
	traced --no-sandbox -verbose "$file"
	check_run "$base --no-sandbox -verbose" "$expect"
done

traced -format '%m %w %h\n' "$in/delegate.svg"
if [ "$status" -eq 0 ] && [ "$(cat "$work/out")" = "SVG 64 48" ]; then
	pass "delegate.svg header from the internal renderer"
else
	fail "delegate.svg header: exit $status, output '$(cat "$work/out")'"
fi

# Operands that name a coder explicitly, as a hostile client might pass.
for operand in "msl:$in/write.msl" "ephemeral:$victim" "text:$victim" \
    "mvg:$in/url-fill.mvg" "http://127.0.0.1:9/x.png" \
    "https://127.0.0.1:9/x.png" "url:http://127.0.0.1:9/x.png" \
    "label:@$victim" "@$in/list.txt" "ps:$in/write.ps"; do
	traced "$operand"
	check_run "operand ${operand%%:*}:" error
done

if printf '%s\n' "$FIXTURES/png-rgb8.png" | "$IMGID" --batch \
    > /dev/null 2>&1; then
	ls "$FIXTURES"/* "$in"/* > "$work/paths"
	stdin=$work/paths
	traced --batch --jobs 2
	stdin=/dev/null
	if [ "$status" -le 1 ]; then
		status=0
	fi
	check_run "batch --jobs 2, fixtures and payloads" output
	if grep -q 'CLONE_THREAD' "$work/trace"/t.*; then
		pass "batch --jobs 2 started its threads under the filter"
	else
		fail "batch --jobs 2 started no thread"
	fi
else
	echo "# batch checks skipped: imgid --batch does not work in this build"
fi

leftover=$(ls -A "$TMPDIR")
if [ -z "$leftover" ]; then
	pass "TMPDIR left empty"
else
	fail "TMPDIR holds: $leftover"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
