#!/bin/sh
# Benchmark imgid against ImageMagick's identify and its peers, then check
# the performance targets.  "make bench" runs this with:
#
#   IMGID          the imgid program to time
#   FLOOR          tests/floor, which only opens and reads each file
#   BENCH_DIR      work directory: corpus/ (kept between runs), results/
#   SRCDIR         the source tree, for BENCH_PUBLISH
#
# Optional settings:
#
#   BENCH_ROUNDS   rounds of every many-file case (default 7).  Each round
#                  runs every case once, so a burst of load from another
#                  process hits all cases alike.  The median is reported.
#   BENCH_REPEAT   runs per round of a many-file case whose run took less
#                  than 0.5 s (default 5), so that short runs, which one
#                  scheduling delay can double, get more samples
#   BENCH_CALLS    runs of each one-call case per round (default 20)
#   BENCH_PUBLISH  "yes": write the report into $SRCDIR/BENCHMARKS.md and
#                  the chart to $SRCDIR/docs/bench.svg
#
# Exit status: 0 when every target passed or was skipped, 1 when one
# failed, 2 when the benchmark itself could not run.
set -eu

IMGID=${IMGID:-./imgid}
FLOOR=${FLOOR:-./tests/floor}
BENCH_DIR=${BENCH_DIR:-./bench}
SRCDIR=${SRCDIR:-$(dirname "$0")/..}
BENCH_ROUNDS=${BENCH_ROUNDS:-7}
BENCH_CALLS=${BENCH_CALLS:-20}
BENCH_REPEAT=${BENCH_REPEAT:-5}
BENCH_PUBLISH=${BENCH_PUBLISH:-no}

# Bump this when the corpus recipe changes, so that old corpora are rebuilt.
CORPUS_VERSION=2

# The format string Ruby's Paperclip passes to identify for every upload.
PAPERCLIP_FORMAT='%wx%h,%[exif:orientation]'

TAB=$(printf '\t')

log() {
	printf 'bench: %s\n' "$*" >&2
}

die() {
	log "$*"
	exit 2
}

# Print the absolute form of an existing path.
absolute() {
	(cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$1")")
}

# Check for every program the benchmark runs, naming the Debian 12 package
# that installs each one that is missing.
check_tools() {
	missing=""
	for pair in convert:imagemagick identify:imagemagick \
	    gm:graphicsmagick vipsheader:libvips-tools \
	    exiftool:libimage-exiftool-perl file:file /usr/bin/time:time \
	    gnuplot:gnuplot-nox cwebp:webp heif-enc:libheif-examples \
	    hyperfine:hyperfine; do
		tool=${pair%%:*}
		package=${pair#*:}
		if ! command -v "$tool" >/dev/null 2>&1; then
			log "$tool not found: install the Debian package $package"
			missing="$missing $package"
		fi
	done
	if [ -n "$missing" ]; then
		missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
		die "missing tools: install them with apt-get install $missing"
	fi
	[ -x "$IMGID" ] || die "$IMGID not found: run make first"
	[ -x "$FLOOR" ] || die "$FLOOR not found: run make tests/floor first"
}

# --- Corpus -----------------------------------------------------------------

# Set crop and resize for variant k of a w x h picture taken from a
# 4000x3000 base.  Pictures up to 1000x750 are cut four times larger and
# scaled down, so that small files look like downscaled photos rather than
# flat patches.
region() {
	w=$1 h=$2 k=$3
	if [ "$w" -le 1000 ] && [ "$h" -le 750 ]; then
		cw=$((w * 4)) ch=$((h * 4)) resize="-resize ${w}x${h}!"
	else
		cw=$w ch=$h resize=""
	fi
	x=$(( (k * 397 + 13) % (4000 - cw + 1) ))
	y=$(( (k * 211 + 7) % (3000 - ch + 1) ))
	crop="${cw}x${ch}+${x}+${y}"
}

# Write variant k of size w x h: a JPEG from the photo base, a PNG and for
# even k a GIF from the graphic base.  JPEG and PNG options rotate through
# the kinds that web uploads contain.
make_fast_variant() {
	region "$1" "$2" "$3"
	name=$(printf 'f%04dx%04d-%d' "$w" "$h" "$k")

	jpeg_opts="-quality $((70 + k * 7 % 26))"
	if [ $((k % 2)) -eq 1 ]; then
		jpeg_opts="$jpeg_opts -interlace plane"
	fi
	case $((k % 5)) in
	2) jpeg_opts="$jpeg_opts -sampling-factor 1x1" ;;
	4) jpeg_opts="$jpeg_opts -colorspace gray" ;;
	esac
	convert photo.mpc -crop "$crop" +repage $resize $jpeg_opts \
	    "src/$name.jpg"
	if [ $((k % 3)) -eq 0 ]; then
		orientation=$(( (k + w / 16 + h) % 8 + 1 ))
		echo "src/$name.jpg" >> "exif-$orientation.args"
	fi

	case $(( (k + w) % 5 )) in
	0) png_opts="" png_out="PNG24:src/$name.png" ;;
	1) png_opts="-colors 200" png_out="PNG8:src/$name.png" ;;
	2) png_opts="-colorspace gray" png_out="PNG:src/$name.png" ;;
	3) png_opts="-alpha set -channel A -evaluate set 75% +channel"
	   png_out="PNG32:src/$name.png" ;;
	4) png_opts="-interlace PNG" png_out="PNG24:src/$name.png" ;;
	esac
	if [ $((k % 2)) -eq 0 ]; then
		convert graphic.mpc -crop "$crop" +repage $resize \
		    \( +clone $png_opts -write "$png_out" +delete \) \
		    +dither -colors $((k % 3 == 0 ? 256 : 64)) "src/$name.gif"
	else
		convert graphic.mpc -crop "$crop" +repage $resize $png_opts \
		    "$png_out"
	fi
}

# Write variant k of size w x h in each format that takes the MagickWand
# path: WebP, HEIC, TIFF, BMP, PSD and SVG.
make_wand_variant() {
	region "$1" "$2" "$3"
	name=$(printf 'w%04dx%04d-%d' "$w" "$h" "$k")
	convert graphic.mpc -crop "$crop" +repage $resize "tmp/$name.png"
	if [ "$k" -eq 1 ]; then
		cwebp -quiet -lossless "tmp/$name.png" -o "wsrc/$name.webp"
		tiff_opts="-compress lzw"
	else
		cwebp -quiet -q 80 "tmp/$name.png" -o "wsrc/$name.webp"
		tiff_opts=""
	fi
	heif-enc -q 50 "tmp/$name.png" -o "wsrc/$name.heic" >/dev/null
	convert "tmp/$name.png" \( +clone $tiff_opts -write "wsrc/$name.tif" \
	    +delete \) \( +clone -write "wsrc/$name.bmp" +delete \) \
	    "wsrc/$name.psd"
	cat > "wsrc/$name.svg" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="$w" height="$h">
  <rect width="$w" height="$h" fill="#$(printf '%02x' $((k * 90 + 40)))7040"/>
  <circle cx="$((w / 2))" cy="$((h / 2))" r="$((h / 3))" fill="#40a0e0"/>
  <path d="M0,0 L$w,$h M$w,0 L0,$h" stroke="#202020"/>
</svg>
EOF
}

# Run "function size variant" for every line of a job list, one job per
# processor at a time.
run_jobs() {
	func=$1 jobs=$2 running=0 processors=$(nproc)
	while read -r size variant; do
		(
			$func "${size%x*}" "${size#*x}" "$variant" ||
			    echo "$func $size $variant" >> failed
		) < /dev/null &
		running=$((running + 1))
		if [ "$running" -ge "$processors" ]; then
			wait
			running=0
		fi
	done < "$jobs"
	wait
	if [ -s failed ]; then
		die "making the corpus failed for: $(tr '\n' ';' < failed)"
	fi
}

# Print "size variant" lines: more variants of small pictures, as upload
# folders hold more thumbnails and icons than camera originals.
fast_jobs() {
	for size in 16x16 24x24 32x32 48x48 64x64 96x96 128x96 160x120 \
	    200x200 256x256; do
		for k in 0 1 2 3 4 5 6 7; do echo "$size $k"; done
	done
	for size in 320x240 400x300 480x360 512x512 640x480 800x600 \
	    1024x768; do
		for k in 0 1 2 3; do echo "$size $k"; done
	done
	for size in 1280x720 1280x960 1600x1200 1920x1080; do
		for k in 0 1; do echo "$size $k"; done
	done
	for size in 4000x3000 3000x2000 2560x1440 2048x1536; do
		echo "$size 0"
	done
}

wand_jobs() {
	for size in 16x16 32x32 64x48 100x100 160x120 256x256 320x240 \
	    640x480 800x600 1024x768; do
		for k in 0 1; do echo "$size $k"; done
	done
}

# Hard-link every file of src into copies directories and list the links.
link_copies() {
	src=$1 dest=$2 copies=$3
	i=0
	while [ "$i" -lt "$copies" ]; do
		mkdir -p "$dest/d$i"
		ln "$src"/* "$dest/d$i/"
		i=$((i + 1))
	done
	find "$dest" -type f | sort > "$dest.list"
}

# Repeat the lines of a list until there are count of them.
repeat_list() {
	list=$1 count=$2
	lines=$(wc -l < "$list")
	n=0
	while [ "$n" -lt "$count" ]; do
		cat "$list"
		n=$((n + lines))
	done | head -n "$count"
}

make_corpus() {
	dir=$BENCH_DIR/corpus
	if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$CORPUS_VERSION" ]
	then
		log "reusing the corpus in $dir (delete it to rebuild)"
		return
	fi
	log "making the corpus in $dir (about half a minute)"
	rm -rf "$dir"
	mkdir -p "$dir/src" "$dir/wsrc" "$dir/tmp" "$dir/call"
	(
		cd "$dir"
		# Noisy plasma compresses like a photo, and blurred, enlarged
		# and posterized plasma like a screenshot or a drawing.
		convert -seed 7 -size 4000x3000 plasma:fractal \
		    -attenuate 0.3 +noise Gaussian photo.mpc &
		convert -seed 3 -size 1000x750 plasma:fractal -blur 0x2 \
		    -scale 400% -posterize 12 graphic.mpc
		wait
		[ -f photo.mpc ] || die "convert could not make the photo base"

		fast_jobs > fast.jobs
		run_jobs make_fast_variant fast.jobs
		for args in exif-*.args; do
			orientation=${args#exif-}
			exiftool -q -overwrite_original \
			    "-Orientation#=${orientation%.args}" -@ "$args"
		done
		wand_jobs > wand.jobs
		run_jobs make_wand_variant wand.jobs

		# The one-call files: two camera-sized JPEGs rotated by EXIF,
		# as phones write them, and a screenshot-sized PNG.
		convert photo.mpc -crop 1920x1080+500+400 +repage -quality 85 \
		    call/jpeg-1920x1080.jpg
		convert photo.mpc -quality 88 call/jpeg-4000x3000.jpg
		convert graphic.mpc -crop 1920x1080+500+400 +repage \
		    PNG24:call/png-1920x1080.png
		exiftool -q -overwrite_original -Orientation#=6 \
		    call/jpeg-1920x1080.jpg call/jpeg-4000x3000.jpg

		link_copies src fast 10
		link_copies wsrc wand 5
		for ext in png jpg gif; do
			grep "\\.$ext\$" fast.list > "fast-$ext.list"
		done
		head -n 1000 fast.list > scale-1000.list
		repeat_list fast.list 10000 > scale-10000.list
		repeat_list fast.list 100000 > scale-100000.list
		rm -rf tmp photo.mpc photo.cache graphic.mpc graphic.cache
	)
	echo "$CORPUS_VERSION" > "$dir/stamp"
}

# --- Timing -----------------------------------------------------------------

# Print the median of the numbers on standard input.
median() {
	sort -g | awk '{ v[NR] = $1 }
	    END {
		if (NR == 0) exit 1
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
	    }'
}

# Run "sh -c command" once under /usr/bin/time.  Append its wall time in
# nanoseconds to id.ns and its peak RSS in KiB to id.rss.  That RSS is the
# largest of any process the command ran.
run_once() {
	out=$RESULTS/$(printf '%s' "$1" | tr / .)
	start=$(date +%s%N)
	if ! /usr/bin/time -f %M -o "$RESULTS/time.out" \
	    sh -c "$2" < /dev/null > /dev/null 2> "$out.err"
	then
		head -n 1 "$RESULTS/time.out" > "$out.failed"
	fi
	end=$(date +%s%N)
	echo $((end - start)) >> "$out.ns"
	tail -n 1 "$RESULTS/time.out" >> "$out.rss"
}

# Run a case once, and BENCH_REPEAT - 1 more times when that run took less
# than 0.5 s.
run_short() {
	run_once "$1" "$2"
	out=$RESULTS/$(printf '%s' "$1" | tr / .)
	[ "$(tail -n 1 "$out.ns")" -lt 500000000 ] || return 0
	repeat=1
	while [ "$repeat" -lt "$BENCH_REPEAT" ]; do
		run_once "$1" "$2"
		repeat=$((repeat + 1))
	done
}

# Run every case of a case file (id, label, file count, command, separated
# by tabs) once per round, or BENCH_REPEAT times when it is short, round
# after round.  A case's time is its median less the median time of
# running "true" the same way.
run_cases() {
	cases=$1
	round=1
	while [ "$round" -le "$BENCH_ROUNDS" ]; do
		run_short overhead true
		while IFS=$TAB read -r id label count command; do
			run_short "$id" "$command"
		done < "$cases"
		round=$((round + 1))
	done
	overhead=$(median < "$RESULTS/overhead.ns")
	while IFS=$TAB read -r id label count command; do
		out=$RESULTS/$(printf '%s' "$id" | tr / .)
		if [ -f "$out.failed" ]; then
			reason=$(head -n 1 "$out.failed")
			log "$label on $count files failed in at least one" \
			    "round ($reason): $(head -c 300 "$out.err")"
			printf '%s\t%s\t%s\t%s\n' "$id" "$label" "$count" \
			    "$reason" >> "$RESULTS/failed.tsv"
			continue
		fi
		ns=$(median < "$out.ns")
		ns=$((ns > overhead ? ns - overhead : 0))
		rss=$(median < "$out.rss")
		printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$label" "$count" "$ns" \
		    "$rss" >> "$RESULTS/many.tsv"
	done < "$cases"
}

# Append a case line.
add_case() {
	printf '%s\t%s\t%s\t%s\n' "$2" "$3" "$(wc -l < "$4")" "$5" >> "$1"
}

# Return success when imgid --batch, with the given extra options, prints
# one line per path.
batch_works() {
	out=$(head -n 3 fast.list | "$IMGID" --batch "$@" 2> /dev/null) ||
	    return 1
	[ "$(printf '%s\n' "$out" | wc -l)" -eq 3 ]
}

# Cases over many PNG, JPEG and GIF files, and the same per format.
many_cases() {
	cases=$RESULTS/many.cases
	: > "$cases"
	for set in fast fast-png fast-jpg fast-gif; do
		list=$set.list
		if [ "$BATCH" = yes ]; then
			add_case "$cases" "$set/batch" "imgid --batch" "$list" \
			    "'$IMGID' --batch < $list"
		fi
		if [ "$BATCH2" = yes ] && [ "$set" = fast ]; then
			add_case "$cases" "$set/batch2" "imgid --batch --jobs 2" \
			    "$list" "'$IMGID' --batch --jobs 2 < $list"
		fi
		add_case "$cases" "$set/xargs-imgid" "xargs imgid" "$list" \
		    "xargs '$IMGID' < $list"
		add_case "$cases" "$set/gm" "xargs gm identify -ping" "$list" \
		    "xargs gm identify -ping < $list"
		add_case "$cases" "$set/floor" "floor" "$list" \
		    "'$FLOOR' < $list"
		add_case "$cases" "$set/floor-x" "floor -x" "$list" \
		    "'$FLOOR' -x < $list"
		[ "$set" = fast ] || continue
		add_case "$cases" "$set/identify" "xargs identify -ping" \
		    "$list" "xargs identify -ping < $list"
		add_case "$cases" "$set/vips" "xargs vipsheader" "$list" \
		    "xargs vipsheader < $list"
		add_case "$cases" "$set/exiftool" "exiftool -fast -@" "$list" \
		    "exiftool -fast -s3 -ImageSize -Orientation# -@ $list"
		add_case "$cases" "$set/file" "file -f" "$list" \
		    "file -f $list"
	done
	run_cases "$cases"
}

# Cases over files that only ImageMagick reads.
wand_cases() {
	cases=$RESULTS/wand.cases
	: > "$cases"
	if [ "$BATCH" = yes ]; then
		add_case "$cases" wand/batch "imgid --batch" wand.list \
		    "'$IMGID' --batch < wand.list"
	fi
	if [ "$BATCH2" = yes ]; then
		add_case "$cases" wand/batch2 "imgid --batch --jobs 2" wand.list \
		    "'$IMGID' --batch --jobs 2 < wand.list"
	fi
	add_case "$cases" wand/xargs-imgid "xargs imgid" wand.list \
	    "xargs '$IMGID' < wand.list"
	add_case "$cases" wand/identify "xargs identify -ping" wand.list \
	    "xargs identify -ping < wand.list"
	run_cases "$cases"
}

# imgid --batch over 1,000 to 100,000 paths: per-file cost and memory.
scale_cases() {
	cases=$RESULTS/scale.cases
	: > "$cases"
	[ "$BATCH" = yes ] || return 0
	for n in 1000 10000 100000; do
		add_case "$cases" "scale/$n" "imgid --batch, $n paths" \
		    "scale-$n.list" "'$IMGID' --batch < scale-$n.list"
	done
	run_cases "$cases"
}

# Time one call of each tool on one file: (BENCH_ROUNDS + 1) / 2 rounds of
# BENCH_CALLS runs under hyperfine, the tools taking turns between rounds,
# and the peak RSS of three runs under /usr/bin/time.  Each tool requests
# what Paperclip requests (width, height, EXIF orientation) where its
# options allow.
one_call() {
	file=$1
	key=$(basename "${file%.*}")
	cases=$RESULTS/call-$key.cases
	{
		printf 'imgid -format\t%s\n' \
		    "'$IMGID' -format '$PAPERCLIP_FORMAT' '$file[0]'"
		printf 'identify -format\t%s\n' \
		    "identify -format '$PAPERCLIP_FORMAT' '$file[0]'"
		printf 'identify -ping -format\t%s\n' \
		    "identify -ping -format '$PAPERCLIP_FORMAT' '$file[0]'"
		printf 'gm identify -ping -format\t%s\n' \
		    "gm identify -ping -format '%wx%h,%[EXIF:Orientation]' '$file'"
		printf 'vipsheader\t%s\n' "vipsheader '$file'"
		printf 'exiftool -fast\t%s\n' \
		    "exiftool -fast -s3 -ImageSize -Orientation# '$file'"
		printf 'file\t%s\n' "file '$file'"
	} > "$cases"
	round=1
	while [ "$round" -le $(( (BENCH_ROUNDS + 1) / 2 )) ]; do
		n=0
		while IFS=$TAB read -r label command; do
			n=$((n + 1))
			hyperfine -N -w 2 -r "$BENCH_CALLS" --style none \
			    -n call --export-csv "$RESULTS/call.csv" \
			    "$command" < /dev/null > /dev/null \
			    2> "$RESULTS/call.err" ||
			    die "$label failed on $file: $(cat "$RESULTS/call.err")"
			tail -n 1 "$RESULTS/call.csv" |
			    awk -F, '{ printf "%.0f\n", $4 * 1e9 }' \
			    >> "$RESULTS/call-$key-$n.ns"
		done < "$cases"
		round=$((round + 1))
	done
	n=0
	while IFS=$TAB read -r label command; do
		n=$((n + 1))
		for run in 1 2 3; do
			eval "/usr/bin/time -f %M -o '$RESULTS/time.out' $command" \
			    < /dev/null > /dev/null 2>&1 || true
			tail -n 1 "$RESULTS/time.out"
		done | median > "$RESULTS/call-$key-$n.rss"
		printf '%s\t%s\t%s\t%s\n' "$key" "$label" \
		    "$(median < "$RESULTS/call-$key-$n.ns")" \
		    "$(cat "$RESULTS/call-$key-$n.rss")" >> "$RESULTS/call.tsv"
	done < "$cases"
}

# --- Report -----------------------------------------------------------------

# Print column col of the call.tsv row for a file key and a command label.
call_value() {
	awk -F "$TAB" -v k="$1" -v l="$2" -v c="$3" \
	    '$1 == k && $2 == l { print $c }' "$RESULTS/call.tsv"
}

# Print column col of the many.tsv row for a case id.
many_value() {
	awk -F "$TAB" -v k="$1" -v c="$2" '$1 == k { print $c }' \
	    "$RESULTS/many.tsv"
}

# Print a / b to two decimals, or nothing when either is missing.
ratio() {
	[ -n "$1" ] && [ -n "$2" ] || return 0
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b }'
}

describe_machine() {
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
	debian=$(cat /etc/debian_version 2> /dev/null || echo unknown)
	commit=$(git -C "$SRCDIR" rev-parse --short HEAD 2> /dev/null ||
	    echo unknown)

	printf 'Measured on %s UTC: %s, %s cores, %s GiB of memory, ' \
	    "$(date -u '+%Y-%m-%d %H:%M')" "$cpu" "$(nproc)" "$mem"
	printf 'Debian %s, Linux %s.\n' "$debian" "$(uname -r)"
	printf 'imgid at commit %s, %s, %s, libvips %s, ExifTool %s, %s.\n' \
	    "$commit" \
	    "$(identify -version | awk 'NR == 1 { print $2, $3 }')" \
	    "$(gm version | awk 'NR == 1 { print $1, $2 }')" \
	    "$(vipsheader --version | sed 's/^vips-//')" \
	    "$(exiftool -ver)" "$(file --version | head -n 1)"
	printf 'Files were in the page cache. The machine was shared with '
	printf 'other work, so compare ratios rather than absolute times.\n'
}

# Print one markdown table over the many-file cases whose id starts with
# prefix, with times per file and ratios to the case named base.
many_table() {
	prefix=$1 base=$2
	base_ns=$(many_value "$base" 4)
	printf '| command | files | total | per file | × %s | peak RSS |\n' \
	    "$(many_value "$base" 2)"
	echo "| --- | ---: | ---: | ---: | ---: | ---: |"
	awk -F "$TAB" -v p="$prefix/" -v b="$base_ns" '
	    index($1, p) == 1 {
		r = b > 0 ? sprintf("%.1f", $4 / b) : "-"
		printf "| %s | %d | %.3f s | %.1f µs | %s | %.1f MiB |\n",
		    $2, $3, $4 / 1e9, $4 / 1e3 / $3, r, $5 / 1024
	    }' "$RESULTS/many.tsv"
	[ -f "$RESULTS/failed.tsv" ] || return 0
	awk -F "$TAB" -v p="$prefix/" 'index($1, p) == 1 {
		printf "| %s | %d | failed: %s | | | |\n", $2, $3, $4
	    }' "$RESULTS/failed.tsv"
}

# Print the one-call tables: times with ratios, then peak RSS.
report_calls() {
	echo "### One call per file"
	echo
	echo "Median wall time of $(( (BENCH_ROUNDS + 1) / 2 * BENCH_CALLS ))" \
	    "runs. × is the time divided by imgid's time on the same file."
	echo
	printf '| command | JPEG 1920x1080 | × | JPEG 4000x3000 | × |'
	printf ' PNG 1920x1080 | × |\n'
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	cut -f 2 "$RESULTS/call.tsv" | awk '!seen[$0]++' |
	while read -r label; do
		printf '| %s |' "$label"
		for key in $CALL_KEYS; do
			awk -v ns="$(call_value "$key" "$label" 3)" \
			    -v b="$(call_value "$key" "imgid -format" 3)" \
			    'BEGIN { printf " %.2f ms | %.1f |", ns / 1e6, ns / b }'
		done
		echo
	done

	echo
	echo "Peak RSS, median of 3 runs:"
	echo
	echo "| command | JPEG 1920x1080 | JPEG 4000x3000 | PNG 1920x1080 |"
	echo "| --- | ---: | ---: | ---: |"
	cut -f 2 "$RESULTS/call.tsv" | awk '!seen[$0]++' |
	while read -r label; do
		printf '| %s |' "$label"
		for key in $CALL_KEYS; do
			awk -v k="$(call_value "$key" "$label" 4)" \
			    'BEGIN { printf " %.1f MiB |", k / 1024 }'
		done
		echo
	done
}

# Print the many-file tables, each against imgid's batch row.
report_many() {
	echo "### Many PNG, JPEG and GIF files"
	echo
	echo "$(wc -l < fast.list) paths to $(ls src | wc -l) distinct files" \
	    "from 16x16 to 4000x3000 (hard links), median of $BENCH_ROUNDS" \
	    "rounds, with $BENCH_REPEAT runs per round of each command that" \
	    "takes less than 0.5 s."
	echo
	many_table fast "$MANY_BASE"
	for ext in png jpg gif; do
		echo
		echo "Only the .$ext files:"
		echo
		many_table "fast-$ext" "fast-$ext/${MANY_BASE#fast/}"
	done

	echo
	echo "### Formats that ImageMagick reads"
	echo
	echo "$(wc -l < wand.list) paths to $(ls wsrc | wc -l) distinct" \
	    "WebP, HEIC, TIFF, BMP, PSD and SVG files."
	echo
	many_table wand "wand/${MANY_BASE#fast/}"

	if [ "$BATCH" = yes ]; then
		echo
		echo "### From 1,000 to 100,000 paths"
		echo
		many_table scale scale/1000
	fi
}

report() {
	echo "## Latest results"
	echo
	describe_machine
	echo
	echo "Command: \`make bench\` (BENCH_ROUNDS=$BENCH_ROUNDS," \
	    "BENCH_CALLS=$BENCH_CALLS, BENCH_REPEAT=$BENCH_REPEAT)," \
	    "$(cat "$RESULTS/elapsed") s in all."
	echo
	echo "![Benchmark chart](docs/bench.svg)"
	if [ -s "$RESULTS/skipped" ]; then
		echo
		sed 's/^/Skipped: /' "$RESULTS/skipped"
	fi
	echo
	report_calls
	echo
	report_many
	echo
	echo "### Targets"
	echo
	cat "$RESULTS/targets.md"
}

# Write call.dat and many.dat, then draw them with gnuplot.
chart() {
	for key in $CALL_KEYS; do
		awk -F "$TAB" -v k="$key" \
		    '$1 == k { printf "%.4f\n", $3 / 1e6 }' \
		    "$RESULTS/call.tsv" > "$RESULTS/call-$key.col"
	done
	awk -F "$TAB" '!seen[$2]++ { printf "\"%s\"\n", $2 }' \
	    "$RESULTS/call.tsv" > "$RESULTS/call-labels.col"
	(cd "$RESULTS" && paste -d ' ' call-labels.col \
	    $(for key in $CALL_KEYS; do printf 'call-%s.col ' "$key"; done)) \
	    > "$RESULTS/call.dat"
	awk -F "$TAB" 'index($1, "fast/") == 1 {
		printf "\"%s\" %.2f\n", $2, $4 / 1e3 / $3 }' \
	    "$RESULTS/many.tsv" > "$RESULTS/many.dat"
	files=$(wc -l < fast.list)

	gnuplot <<EOF
set terminal svg size 1100,520 dynamic font "sans,11" background rgb "white"
set output "$RESULTS/bench.svg"
set multiplot layout 1,2
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set grid ytics
set xtics rotate by 30 right noenhanced nomirror
set key top left opaque noenhanced
set bmargin 7
set title "One call: median wall time (ms, log scale)"
set yrange [0.1:1000]
plot "$RESULTS/call.dat" using 2:xtic(1) title "JPEG 1920x1080", \
     "" using 3 title "JPEG 4000x3000", "" using 4 title "PNG 1920x1080"
set title "$files PNG/JPEG/GIF files: time per file (µs, log scale)"
set yrange [0.5:*]
plot "$RESULTS/many.dat" using 2:xtic(1) notitle lc rgb "#4060a0"
unset multiplot
EOF
}

# Print a target's result line, add it to targets.md and count failures.
# value is empty when a case it needs was skipped, "failed" when one failed.
# With op "info", value is a figure shown beside the targets, with limit as
# its note, and it never fails.
target() {
	name=$1 value=$2 op=$3 limit=$4
	if [ -z "$value" ]; then
		result=SKIP
		value="not measured"
	elif [ "$value" = failed ]; then
		result=FAIL
		value="a command failed"
	else
		result=$(awk -v v="$value" -v l="$limit" -v op="$op" 'BEGIN {
		    if (op == "info") ok = 1
		    else if (op == ">=") ok = v >= l
		    else if (op == ">") ok = v > l
		    else ok = v <= l
		    print ok ? "PASS" : "FAIL" }')
	fi
	[ "$result" != FAIL ] || FAILED=$((FAILED + 1))
	[ "$op" != info ] || result=INFO
	if [ "$op" = info ]; then
		printf '%s\t%s: %s (%s)\n' "$result" "$name" "$value" "$limit"
		printf '| %s | %s | %s | %s |\n' "$name" "$value" "$limit" \
		    "$result" >> "$RESULTS/targets.md"
		return
	fi
	printf '%s\t%s: %s (needed %s %s)\n' "$result" "$name" "$value" \
	    "$op" "$limit"
	printf '| %s | %s | %s %s | %s |\n' "$name" "$value" "$op" "$limit" \
	    "$result" >> "$RESULTS/targets.md"
}

# Print the ratio of two many-file case times, or "failed" when either
# case failed.
many_ratio() {
	for id in "$1" "$2"; do
		if [ -n "$id" ] &&
		    [ -f "$RESULTS/$(printf '%s' "$id" | tr / .).failed" ]; then
			echo failed
			return
		fi
	done
	ratio "$(many_value "$1" 4)" "$(many_value "$2" 4)"
}

# Print the largest time per file at 10,000 or 100,000 paths divided by
# the time per file at 1,000.
scale_growth() {
	awk -F "$TAB" '$1 ~ /^scale\// {
		per = $4 / $3
		if ($1 == "scale/1000") base = per
		else if (per > worst) worst = per
	    }
	    END { if (base > 0 && worst > 0) printf "%.2f\n", worst / base }' \
	    "$RESULTS/many.tsv"
}

check_targets() {
	FAILED=0
	echo "| target | measured | needed | result |" > "$RESULTS/targets.md"
	echo "| --- | ---: | ---: | --- |" >> "$RESULTS/targets.md"

	for key in jpeg-1920x1080:15 jpeg-4000x3000:60; do
		file=${key%:*}
		target "one call, JPEG ${file#jpeg-}: identify -format / imgid" \
		    "$(ratio "$(call_value "$file" "identify -format" 3)" \
		    "$(call_value "$file" "imgid -format" 3)")" \
		    ">=" "${key#*:}"
	done
	rss=$(for key in $CALL_KEYS; do
		call_value "$key" "imgid -format" 4
	    done | sort -n | tail -n 1)
	target "one call, PNG/JPEG: imgid peak RSS in KiB" "$rss" "<=" 4096

	batch="" batch2="" time_growth="" rss_growth=""
	[ "$BATCH" = no ] || batch=fast/batch
	[ "$BATCH2" = no ] || batch2=fast/batch2
	target "many files: gm identify -ping / imgid --batch" \
	    "$(many_ratio fast/gm "$batch")" ">=" 5
	target "many files: imgid --batch --jobs 2 / floor" \
	    "$(many_ratio "$batch2" fast/floor)" "<=" 1.5
	target "many files: imgid --batch / floor" \
	    "$(many_ratio "$batch" fast/floor)" info "one job"
	target "many files: floor -x / floor" \
	    "$(many_ratio fast/floor-x fast/floor)" info \
	    "the I/O of an exact answer"
	target "many files: imgid --batch / floor -x" \
	    "$(many_ratio "$batch" fast/floor-x)" info \
	    "imgid's own cost, one job"
	batch2=""

	[ "$BATCH" = no ] || batch=wand/batch
	[ "$BATCH2" = no ] || batch2=wand/batch2
	target "ImageMagick formats: identify -ping / imgid --batch" \
	    "$(many_ratio wand/identify "$batch")" ">" 1
	target "ImageMagick formats: --jobs 1 / --jobs 2" \
	    "$(many_ratio "$batch" "$batch2")" ">=" 1.6

	if [ "$BATCH" = yes ]; then
		time_growth=$(scale_growth)
		rss_growth=$(ratio "$(many_value scale/100000 5)" \
		    "$(many_value scale/1000 5)")
		if [ -f "$RESULTS/failed.tsv" ] &&
		    grep -q '^scale/' "$RESULTS/failed.tsv"; then
			time_growth=failed rss_growth=failed
		fi
	fi
	target "1,000 to 100,000 paths: largest time per file / at 1,000" \
	    "$time_growth" "<=" 1.2
	target "1,000 to 100,000 paths: peak RSS at 100,000 / at 1,000" \
	    "$rss_growth" "<=" 1.1
}

# Replace the results part of BENCHMARKS.md and copy the chart.
publish() {
	doc=$SRCDIR/BENCHMARKS.md
	grep -q '^<!-- results: begin' "$doc" ||
	    die "$doc has no results markers, so the report was not published"
	awk -v report="$RESULTS/report.md" '
	    /^<!-- results: end/ { skip = 0 }
	    !skip { print }
	    /^<!-- results: begin/ {
		while ((getline line < report) > 0) print line
		skip = 1
	    }' "$doc" > "$RESULTS/BENCHMARKS.md"
	cp "$RESULTS/BENCHMARKS.md" "$doc"
	mkdir -p "$SRCDIR/docs"
	cp "$RESULTS/bench.svg" "$SRCDIR/docs/bench.svg"
	log "wrote $doc and $SRCDIR/docs/bench.svg"
}

main() {
	check_tools
	IMGID=$(absolute "$IMGID")
	FLOOR=$(absolute "$FLOOR")
	mkdir -p "$BENCH_DIR"
	BENCH_DIR=$(absolute "$BENCH_DIR")
	SRCDIR=$(absolute "$SRCDIR")
	started=$(date +%s)
	make_corpus
	RESULTS=$BENCH_DIR/results
	rm -rf "$RESULTS"
	mkdir -p "$RESULTS"
	cd "$BENCH_DIR/corpus"

	BATCH=yes BATCH2=yes MANY_BASE=fast/batch
	if ! batch_works; then
		BATCH=no BATCH2=no MANY_BASE=fast/xargs-imgid
		echo "imgid --batch rows: this imgid has no working batch mode" \
		    "(three paths on standard input did not give three lines)." \
		    >> "$RESULTS/skipped"
	elif ! batch_works --jobs 2; then
		BATCH2=no
		echo "imgid --batch --jobs 2 rows: --jobs 2 did not give" \
		    "one line per path." >> "$RESULTS/skipped"
	fi
	[ ! -s "$RESULTS/skipped" ] || sed 's/^/bench: skipped: /' \
	    "$RESULTS/skipped" >&2

	CALL_KEYS="jpeg-1920x1080 jpeg-4000x3000 png-1920x1080"
	for file in call/jpeg-1920x1080.jpg call/jpeg-4000x3000.jpg \
	    call/png-1920x1080.png; do
		log "one call: $file"
		one_call "$file"
	done
	log "many PNG, JPEG and GIF files"
	many_cases
	log "many files that ImageMagick reads"
	wand_cases
	log "1,000 to 100,000 paths"
	scale_cases

	echo $(( $(date +%s) - started )) > "$RESULTS/elapsed"
	check_targets > "$RESULTS/targets.txt"
	report > "$RESULTS/report.md"
	chart
	cat "$RESULTS/report.md"
	echo
	cat "$RESULTS/targets.txt"
	log "report in $RESULTS/report.md, chart in $RESULTS/bench.svg"
	[ "$BENCH_PUBLISH" != yes ] || publish
	[ "$FAILED" -eq 0 ]
}

main "$@"
