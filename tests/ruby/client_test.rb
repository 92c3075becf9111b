# The Ruby coprocess client in contrib/ruby: its results equal identify's
# output for Paperclip's command, failures raise, and a dead or stuck imgid
# is replaced.
#
# Environment: IMGID (the built binary), FIXTURES (the fixtures directory),
# and optionally ORACLE (ImageMagick's identify, /usr/bin/identify by
# default).

require "minitest/autorun"
require "open3"
require "tmpdir"
require_relative "../../contrib/ruby/imgid_client"

IMGID = ENV.fetch("IMGID")
FIXTURES = ENV.fetch("FIXTURES")
ORACLE = ENV.fetch("ORACLE", "/usr/bin/identify")

class ImgidClientTest < Minitest::Test
  def setup
    @client = ImgidClient.new(command: IMGID, timeout: 10)
  end

  def teardown
    @client.close
  end

  def fixture(name)
    File.join(FIXTURES, name)
  end

  # What Paperclip reads: identify -format '%wx%h,%[exif:orientation]'
  # 'path[0]', with standard error discarded.
  def paperclip_identify(path)
    out, _err, _status = Open3.capture3(ORACLE, "-format",
                                        ImgidClient::PAPERCLIP_FORMAT,
                                        "#{path}[0]")
    out
  end

  def test_geometry_matches_identify
    %w[jpeg-orientation6.jpg jpeg-orientation8.jpg jpeg-exif-bigendian.jpg
       png-rgb8.png gif-animated.gif tiff-3pages.tif webp-lossy.webp
       image.psd].each do |name|
      assert_equal(paperclip_identify(fixture(name)),
                   @client.geometry(fixture(name)), name)
    end
  end

  def test_geometry_values
    assert_equal("70x46,6", @client.geometry(fixture("jpeg-orientation6.jpg")))
    assert_equal("70x46,", @client.geometry(fixture("png-rgb8.png")))
  end

  def test_missing_file_raises
    error = assert_raises(ImgidClient::NotIdentified) do
      @client.geometry(fixture("nosuch.jpg"))
    end
    assert_includes(error.message, "unable to open image")
    assert_includes(error.message, "nosuch.jpg")
  end

  def test_next_path_after_failure
    assert_raises(ImgidClient::NotIdentified) { @client.geometry(fixture("text.txt")) }
    assert_equal("70x46,", @client.geometry(fixture("png-rgb8.png")))
  end

  def test_name_with_newline
    Dir.mktmpdir do |dir|
      path = File.join(dir, "two\nlines.png")
      FileUtils.cp(fixture("png-rgb8.png"), path)
      assert_equal("70x46,", @client.geometry(path))
    end
  end

  def test_nul_in_path_rejected
    assert_raises(ArgumentError) { @client.geometry("a\0b.png") }
  end

  def test_multiline_text_unescaped
    client = ImgidClient.new(command: IMGID, format: '%w\n%h\\\\%m\n')
    assert_equal("70\n46\\PNG", client.identify(fixture("png-rgb8.png")))
  ensure
    client&.close
  end

  def test_killed_child_replaced
    assert_equal("70x46,6", @client.geometry(fixture("jpeg-orientation6.jpg")))
    old_pid = @client.pid
    Process.kill(:KILL, old_pid)
    assert_equal("24x16,", @client.geometry(fixture("gif-animated.gif")))
    refute_nil(@client.pid)
    refute_equal(old_pid, @client.pid)
  end

  def test_closed_client_restarts
    @client.geometry(fixture("png-rgb8.png"))
    @client.close
    assert_nil(@client.pid)
    assert_equal("70x46,6", @client.geometry(fixture("jpeg-orientation6.jpg")))
  end

  def test_stuck_child_killed
    Dir.mktmpdir do |dir|
      stuck = File.join(dir, "stuck")
      File.write(stuck, "#!/bin/sh\nexec sleep 60\n")
      File.chmod(0o755, stuck)
      client = ImgidClient.new(command: stuck, timeout: 0.5)
      assert_raises(ImgidClient::Timeout) { client.geometry(fixture("png-rgb8.png")) }
      assert_nil(client.pid)
    end
  end

  def test_threads_share_one_child
    names = { "jpeg-orientation6.jpg" => "70x46,6", "png-rgb8.png" => "70x46,",
              "gif-animated.gif" => "24x16," }
    threads = 8.times.map do
      Thread.new do
        20.times.map do |i|
          name = names.keys[i % names.size]
          @client.geometry(fixture(name)) == names[name]
        end
      end
    end
    assert(threads.flat_map(&:value).all?)
  end

  def test_forked_process_starts_its_own
    parent_pid = @client.geometry(fixture("png-rgb8.png")) && @client.pid
    reader, writer = IO.pipe
    child = fork do
      reader.close
      writer.write("#{@client.geometry(fixture('jpeg-orientation6.jpg'))} #{@client.pid}")
      writer.close
      exit!(0)
    end
    writer.close
    answer, child_imgid = reader.read.split(" ")
    Process.wait(child)
    assert_equal("70x46,6", answer)
    refute_equal(parent_pid.to_s, child_imgid)
    assert_equal(parent_pid, @client.pid)
    assert_equal("70x46,", @client.geometry(fixture("png-rgb8.png")))
  end
end
