#!/bin/sh
# Hostile paths and files, made here at test time.  Each run ends within
# HOSTILE_SECONDS (2 by default) with exit status 1 or a correct header.
# It never crashes, never blocks on a FIFO or on standard input, and peaks
# below HOSTILE_RSS_KB (48 MiB by default) of memory.  In batch mode the
# path after each hostile one still gets its correct result line.  The
# sanitizer build raises both limits, because ASan's shadow memory and
# checks cost RSS and time.

set -u
: "${IMGID:?IMGID must name the imgid binary}"
: "${FIXTURES:?FIXTURES must name the fixtures directory}"
max_seconds=${HOSTILE_SECONDS:-2}
max_kb=${HOSTILE_RSS_KB:-49152}

if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 is needed to write the hostile files"
	exit 77
fi
time_tool=/usr/bin/time
if [ ! -x "$time_tool" ]; then
	echo "# peak memory not measured: /usr/bin/time is missing" \
	    "(Debian package time)"
	time_tool=""
fi

work=$(mktemp -d) || exit 99
trap 'chmod -R u+rwx "$work"; rm -rf "$work"' EXIT
in=$work/in
mkdir "$in"
good=$FIXTURES/png-rgb8.png

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

# Write the binary files: headers that claim giant sizes, a
# decompression bomb, truncated and corrupt headers.
python3 - "$in" "$FIXTURES" <<'EOF'
import os, random, struct, sys, zlib

out, fixtures = sys.argv[1], sys.argv[2]


def put(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)


def chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xffffffff
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', crc)


SIG = b'\x89PNG\r\n\x1a\n'


def ihdr(width, height, depth=8, color=2):
    return chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, depth,
                                      color, 0, 0, 0))


def png(width, height):
    return (SIG + ihdr(width, height) +
            chunk(b'IDAT', zlib.compress(b'\0' * 64)) + chunk(b'IEND', b''))


def gif(width, height, frames=1):
    head = b'GIF89a' + struct.pack('<HHBBB', width, height, 0x80, 0, 0)
    palette = b'\0\0\0\xff\xff\xff'
    frame = (b'\x2c' + struct.pack('<HHHHB', 0, 0, width, height, 0) +
             b'\x02\x02\x44\x01\x00')
    return head + palette + frame * frames + b'\x3b'


rgb8 = open(os.path.join(fixtures, 'png-rgb8.png'), 'rb').read()
jpeg = open(os.path.join(fixtures, 'jpeg-baseline.jpg'), 'rb').read()

put('png-signature-only.png', SIG)
put('png-ihdr-only.png', SIG + ihdr(70, 46))
bad_crc = bytearray(rgb8)
bad_crc[32] ^= 1
put('png-bad-ihdr-crc.png', bytes(bad_crc))
put('jpeg-cut-before-sof.jpg', jpeg[:jpeg.index(b'\xff\xc0')])
random.seed(7)
put('random-bytes.jpg', bytes(random.getrandbits(8) for _ in range(4096)))
put('text-named.png', b'plain text, not a PNG\n')

put('png-65535x65535.png', png(65535, 65535))
put('png-1000000x1000000.png', png(1000000, 1000000))
put('gif-65535x65535.gif', gif(65535, 65535))
put('gif-100000-frames.gif', gif(1, 1, 100000))

# 50000x50000 1-bit gray: 312 MB of rows inflate from a 300 KB file.
deflate = zlib.compressobj(9)
rows = b'\0' * (1 + 50000 // 8) * 1000
data = b''.join(deflate.compress(rows) for _ in range(50)) + deflate.flush()
put('png-bomb-50000x50000.png', SIG + ihdr(50000, 50000, 1, 0) +
    chunk(b'IDAT', data) + chunk(b'IEND', b''))

bmp_info = struct.pack('<IiiHHIIiiII', 40, 30000, 30000, 1, 24, 0, 0,
                       2835, 2835, 0, 0)
put('bmp-30000x30000.bmp', b'BM' + struct.pack('<IHHI', 54 + 30000 * 30000 * 3,
                                                0, 0, 54) + bmp_info)

with open(os.path.join(out, 'sparse-8gib.png'), 'wb') as f:
    f.write(rgb8)
    f.truncate(8 << 30)
with open(os.path.join(out, 'sparse-1gib.gif'), 'wb') as f:
    f.write(gif(10, 10))
    f.truncate(1 << 30)

put('svg-60000x60000.svg',
    b'<svg xmlns="http://www.w3.org/2000/svg" width="60000" height="60000">'
    b'<rect width="60000" height="60000" fill="red"/></svg>\n')
put('txt-60000x60000.txt',
    b'# ImageMagick pixel enumeration: 60000,60000,65535,srgb\n0,0: (0,0,0)\n')

# A TIFF whose first directory names itself as the next one.
entries = (struct.pack('<HHII', 256, 4, 1, 16) +
           struct.pack('<HHII', 257, 4, 1, 16) +
           struct.pack('<HHII', 258, 3, 1, 8))
put('tiff-ifd-loop.tif',
    b'II*\0' + struct.pack('<I', 8) + struct.pack('<H', 3) + entries +
    struct.pack('<I', 8))
EOF
[ -f "$in/tiff-ifd-loop.tif" ] || { echo "ERROR: python3 failed"; exit 99; }

for ext in jpg jpeg png gif bmp tif tiff webp heic avif svg ico psd pgm ppm \
    pdf ps eps mp4 mvg msl txt html xcf cr2 jp2; do
	: > "$in/zero-bytes.$ext"
done

# Special files and names.
mkfifo "$work/fifo"
mkdir "$work/directory"
ln -s "$work/nowhere" "$work/dangling"
ln -s "$work/loop-b" "$work/loop-a"
ln -s "$work/loop-a" "$work/loop-b"
long=$work
while [ ${#long} -le 4200 ]; do
	long=$long/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
done
long=$long/image.png

# Standard input for every run: a FIFO that this shell keeps open for
# writing and never writes to, so that a read of it blocks until timeout.
mkfifo "$work/stdin"
exec 9<> "$work/stdin"

# Print the seconds since the time $1 (from date +%s.%N).
elapsed() {
	echo "$1 $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }'
}

# Run imgid with the arguments, as the user that $as_user switches to
# when set.  Sets $status, $seconds and $kb (peak RSS, 0 when not
# measured); output in $work/out and $work/err.
as_user=""
run() {
	start=$(date +%s.%N)
	if [ -n "$time_tool" ]; then
		$as_user "$time_tool" -o "$work/time" -f '%M' \
		    timeout -k 1 10 "$IMGID" "$@" < "$work/stdin" \
		    > "$work/out" 2> "$work/err"
		status=$?
		kb=$(tail -n 1 "$work/time")
	else
		$as_user timeout -k 1 10 "$IMGID" "$@" < "$work/stdin" \
		    > "$work/out" 2> "$work/err"
		status=$?
		kb=0
	fi
	seconds=$(elapsed "$start")
}

# Check the last run: NAME, then "error" (exit status 1), "output" (exit
# status 0 and output on stdout) or "either".
check_run() {
	name=$1
	expect=$2
	why=""
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		why="still running after 10 s"
	elif [ "$status" -gt 1 ]; then
		why="exit status $status: $(head -c 300 "$work/err")"
	elif awk -v s="$seconds" -v m="$max_seconds" 'BEGIN { exit !(s > m) }'
	then
		why="took $seconds s (limit $max_seconds s)"
	elif [ "$kb" -gt "$max_kb" ]; then
		why="peak RSS $kb KiB (limit $max_kb KiB)"
	fi

	case $expect,$status in
	error,1|output,0|either,0|either,1)
		;;
	*)
		[ -n "$why" ] || why="expected $expect, exit status $status"
		;;
	esac

	if [ -z "$why" ] && [ "$status" -eq 0 ] && [ ! -s "$work/out" ]; then
		why="exit status 0 without output"
	fi
	if [ -n "$why" ]; then
		fail "$name: $why"
	else
		pass "$name ($seconds s, $kb KiB)"
	fi
}

# Check that a run printed exactly the expected line.
check_line() {
	name=$1
	expected=$2
	if [ "$status" -eq 0 ] && [ "$(cat "$work/out")" = "$expected" ]; then
		pass "$name"
	else
		fail "$name: exit status $status, output '$(head -c 200 \
		    "$work/out")', expected '$expected'"
	fi
}

# Files: the default line, then an escape that needs pixels, then
# -verbose, which both make ImageMagick decode.
for file in "$in"/*; do
	base=${file##*/}
	# Giant headers may be printed from the header alone, as the fast
	# probes do, or rejected at ImageMagick's limits, as identify does.
	case $base in
	sparse-8gib.png|svg-60000x60000.svg|sparse-1gib.gif)
		expect=either ;;
	png-65535x65535.png|png-1000000x1000000.png|png-bomb-50000x50000.png)
		expect=either ;;
	gif-65535x65535.gif)
		expect=either ;;
	*)
		expect=error ;;
	esac
	run "$file"
	check_run "$base" "$expect"
	run -format '%w %h %k\n' "$file"
	check_run "$base -format %k" "$expect"
	run -verbose "$file"
	check_run "$base -verbose" "$expect"
done

# Headers that imgid prints without rejecting them.  Without -ping,
# identify would render the SVG and meet its width limit, so imgid
# reports that limit too; with -ping both print the header's size.
run -ping -format '%m %w %h\n' "$in/svg-60000x60000.svg"
check_line "svg-60000x60000.svg header" "SVG 60000 60000"
run -format '%m %w %h %B\n' "$in/sparse-8gib.png"
check_line "sparse-8gib.png header" "PNG 70 46 8589934592"
run -format '%m %w %h %B\n' "$in/sparse-1gib.gif"
check_line "sparse-1gib.gif header" "GIF 10 10 1073741824"

# Paths that are not regular files, or not there.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	unreadable="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
	unreadable=""
fi
cp "$good" "$work/no-read-permission.png"
chmod 000 "$work/no-read-permission.png"
chmod 755 "$work"
for path in "$work/fifo" /dev/zero /dev/urandom "$work/directory" \
    "$work/dangling" "$work/loop-a" "" "$long" "[0]"; do
	run "$path"
	check_run "path '$(echo "$path" | sed "s|$work/||" | cut -c 1-40)'" error
done
if [ "$(id -u)" -ne 0 ] || { [ -n "$unreadable" ] &&
    $unreadable test -x "$IMGID" && $unreadable test -r "$good"; }; then
	chmod 666 "$work/out" "$work/err" "$work/time" 2> /dev/null
	as_user=$unreadable
	run "$work/no-read-permission.png"
	as_user=""
	check_run "path without read permission" error
	if ! grep -q 'Permission denied' "$work/err"; then
		fail "path without read permission: message" \
		    "'$(head -c 200 "$work/err")'"
	fi
else
	echo "# skipped: path without read permission: running as root and" \
	    "user nobody cannot reach $IMGID"
fi

# Batch: after each hostile path comes a good one, whose result line must
# equal the one it gets alone, within the time limit, one line per path.
batch() {
	printf '%s\n' "$@" | timeout 10 "$IMGID" --batch \
	    -format '%m %w %h\n' 2> /dev/null
}
expected=$(batch "$good")
if [ -z "$expected" ]; then
	echo "# skipped: batch checks: imgid --batch printed nothing for" \
	    "$good in this build"
else
	for path in "$in"/* "$work/fifo" /dev/zero "$work/directory" \
	    "$work/dangling" "$work/loop-a" "$long"; do
		name=$(echo "$path" | sed "s|$work/||;s|^in/||" | cut -c 1-40)
		start=$(date +%s.%N)
		batch "$path" "$good" > "$work/out"
		seconds=$(elapsed "$start")
		lines=$(wc -l < "$work/out")
		got=$(tail -n 1 "$work/out")
		if [ "$lines" -ne 2 ]; then
			fail "batch: $name: $lines result lines, expected 2"
		elif [ "$got" != "$expected" ]; then
			fail "batch: after $name: '$got', expected '$expected'"
		elif awk -v s="$seconds" -v m="$max_seconds" \
		    'BEGIN { exit !(s > m) }'; then
			fail "batch: $name: took $seconds s" \
			    "(limit $max_seconds s)"
		else
			pass "batch: good path after $name ($seconds s)"
		fi
	done
fi

# Many ImageMagick reads at once: --jobs threads share its caches and
# locks, and a race there hangs or crashes some runs, not every run.
ls "$FIXTURES"/* "$FIXTURES"/* "$FIXTURES"/* > "$work/paths"
bad=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
	timeout -k 1 20 "$IMGID" --batch --jobs 4 -format '%m %wx%h\n' \
	    < "$work/paths" > /dev/null 2>&1
	status=$?
	if [ "$status" -gt 1 ]; then
		bad="$bad $status"
	fi
done
if [ -z "$bad" ]; then
	pass "batch --jobs 4 over the fixtures, 15 runs"
else
	fail "batch --jobs 4 over the fixtures: exit statuses$bad" \
	    "(124: still running after 20 s)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
