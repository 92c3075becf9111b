# MiniMagick 4 as a real client: pointed at a directory whose "identify" is
# a link to imgid, every call below must return what the same call returns
# with ImageMagick's own identify.
#
# Environment: IMGID (the built binary), FIXTURES (the fixtures directory),
# and optionally ORACLE_DIR (where ImageMagick's identify is, /usr/bin by
# default).

require "minitest/autorun"
require "mini_magick"
require "tmpdir"

IMGID = ENV.fetch("IMGID")
FIXTURES = ENV.fetch("FIXTURES")
ORACLE_DIR = ENV.fetch("ORACLE_DIR", "/usr/bin")
LINK_DIR = Dir.mktmpdir("imgid-minimagick")
File.symlink(IMGID, File.join(LINK_DIR, "identify"))
Minitest.after_run { FileUtils.rm_rf(LINK_DIR) }
Dir.chdir(FIXTURES)

MiniMagick.configure do |config|
  config.cli = :imagemagick
  config.timeout = 20
end

# Valid images of every kind the fast probes and the ImageMagick module
# read, and names that need care.
IMAGES = %w[
  png-rgb8.png png-palette8.png png-gray16.png png-phys-300dpi.png
  png-text-comment.png jpeg-baseline.jpg jpeg-orientation6.jpg
  jpeg-exif-resolution.jpg jpeg-exif-bigendian.jpg jpeg-cmyk.jpg
  gif-animated.gif gif-page-offsets.gif tiff-3pages.tif webp-lossy.webp
  image.bmp brackets[1].png with\ space.png café.jpg
].freeze

# Files identify rejects: MiniMagick must reject them the same way.
INVALID = %w[text.txt empty.png png-bad-crc.png].freeze

# identify -verbose fields that measure the run rather than the file.
TIMING_KEYS = ["Elapsed time", "User time", "Pixels per second"].freeze

# Call MiniMagick's attribute on path with identify taken from dir.  Paths
# are relative to FIXTURES.
# NOTE: identify 6.9.11 fails on "dir/brackets[1].png" (it reads the file
# as a list of names) but not on "brackets[1].png", while imgid reads both.
def minimagick(dir, path)
  MiniMagick.cli_path = dir
  yield MiniMagick::Image.new(path)
ensure
  MiniMagick.cli_path = nil
end

# Return the value, or the exception class when the call raised.
def outcome(dir, path, &call)
  minimagick(dir, path, &call)
rescue MiniMagick::Error, MiniMagick::Invalid => e
  e.class
end

def without_timing(details)
  return details unless details.is_a?(Hash)

  details.reject { |key, _| TIMING_KEYS.include?(key) }
         .transform_values { |value| without_timing(value) }
end

# Each call MiniMagick makes, as its users write it.
CALLS = {
  "valid" => ->(image) { image.valid? },
  "dimensions" => ->(image) { image.dimensions },
  "type" => ->(image) { image.type },
  "size" => ->(image) { image.size },
  "human_size" => ->(image) { image.human_size },
  "colorspace" => ->(image) { image.colorspace },
  "resolution" => ->(image) { image.resolution },
  "format_escapes" => ->(image) { image["%w %h"] },
  "orientation" => ->(image) { image["%[orientation]"] },
  "exif_orientation" => ->(image) { image["EXIF:Orientation"] },
  "exif" => ->(image) { image.exif },
  "details" => ->(image) { without_timing(image.details) },
  "layers" => ->(image) { image.layers.size },
}.freeze

class MiniMagickTest < Minitest::Test
  def setup
    # details prints a deprecation notice on every call.
    @stderr, $stderr = $stderr, StringIO.new
  end

  def teardown
    $stderr = @stderr
  end

  def test_link_runs_imgid
    version = MiniMagick::Tool::Identify.new do |identify|
      MiniMagick.cli_path = LINK_DIR
      identify.version
    end
    assert_match(/^imgid /, version)
  ensure
    MiniMagick.cli_path = nil
  end

  IMAGES.each do |path|
    CALLS.each do |name, call|
      define_method("test_#{name}_#{path}") do
        expected = outcome(ORACLE_DIR, path, &call)
        actual = outcome(LINK_DIR, path, &call)
        refute_kind_of(Class, expected, "identify failed on #{path}")
        assert_equal(expected, actual)
      end
    end
  end

  INVALID.each do |path|
    define_method("test_invalid_#{path}") do
      assert_equal(false, outcome(ORACLE_DIR, path, &:valid?))
      assert_equal(false, outcome(LINK_DIR, path, &:valid?))
      assert_equal(outcome(ORACLE_DIR, path, &:dimensions),
                   outcome(LINK_DIR, path, &:dimensions))
    end
  end

  # NOTE: only dimensions and type are compared for SVG.  imgid pings SVG
  # with ImageMagick's internal reader and never renders it, while identify
  # renders it, so human_size, colorspace, resolution and details differ.
  def test_svg_dimensions
    %w[svg-size.svg svg-viewbox.svg].each do |path|
      assert_equal(outcome(ORACLE_DIR, path, &:dimensions),
                   outcome(LINK_DIR, path, &:dimensions))
      assert_equal(outcome(ORACLE_DIR, path, &:type),
                   outcome(LINK_DIR, path, &:type))
    end
  end
end
