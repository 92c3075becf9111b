#!/bin/sh
# Run MiniMagick against imgid and against ImageMagick's identify, or skip
# when Ruby, Minitest or MiniMagick is missing.

: "${IMGID:?set IMGID to the imgid binary}"
: "${TESTDIR:?set TESTDIR to the tests source directory}"

if ! ruby -e 'require "minitest"; require "mini_magick"' 2>/dev/null; then
	echo "SKIP: Ruby, Minitest and MiniMagick are needed" \
	    "(Debian packages ruby, ruby-minitest, ruby-mini-magick)"
	exit 77
fi
if [ ! -x "${ORACLE_DIR:-/usr/bin}/identify" ]; then
	echo "SKIP: ImageMagick's identify is missing (Debian package imagemagick)"
	exit 77
fi
exec ruby "$TESTDIR/ruby/minimagick_test.rb"
