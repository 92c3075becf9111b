#!/bin/sh
# Run the test of contrib/ruby/imgid_client.rb, or skip it when Ruby or
# Minitest is missing.

: "${IMGID:?set IMGID to the imgid binary}"
: "${TESTDIR:?set TESTDIR to the tests source directory}"

if ! ruby -e 'require "minitest"' 2>/dev/null; then
	echo "SKIP: Ruby and Minitest are needed (Debian packages ruby, ruby-minitest)"
	exit 77
fi
if [ ! -x "${ORACLE:-/usr/bin/identify}" ]; then
	echo "SKIP: ImageMagick's identify is missing (Debian package imagemagick)"
	exit 77
fi
exec ruby "$TESTDIR/ruby/client_test.rb"
