# Shared helpers for the shell tests: counters and a closing summary line.
# Each test script sources this file, calls pass/fail/skip, then finish.

passed=0
failed=0
skipped=0

pass() {
	passed=$((passed + 1))
}

# fail NAME DETAIL...: count a failure and print what differed.
fail() {
	failed=$((failed + 1))
	printf 'FAIL: %s\n' "$1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@"
	return 0
}

# skip NAME REASON: count a case that cannot run, with the reason.
skip() {
	skipped=$((skipped + 1))
	printf 'skip: %s: %s\n' "$1" "$2"
}

# Print the summary line and exit non-zero if anything failed.
finish() {
	printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" \
	    "$skipped"
	[ "$failed" -eq 0 ]
}

# Mask identify's timing fields, which differ from run to run.
mask_times() {
	sed -e 's/[0-9][0-9]*\.[0-9][0-9]*u [0-9][0-9]*:[0-9][0-9]\.[0-9][0-9]*$/TIME/' \
	    -e '/^  Elapsed time: /d' -e '/^  User time: /d' \
	    -e '/^  Pixels per second: /d'
}
