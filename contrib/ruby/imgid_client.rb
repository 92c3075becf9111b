# frozen_string_literal: true

# A client for "imgid --batch" kept as a coprocess: the application starts
# one imgid and sends it every path, so that looking at an upload never
# forks the application again.  A request writes one NUL-terminated path
# and reads back one line: "ok<TAB>text" or "error<TAB>message".
#
#   client = ImgidClient.new
#   client.geometry("/tmp/upload.jpg")   #=> "4032x3024,6"
#   client.identify("/tmp/upload.jpg")   #=> the -format text
#
# One client serves many threads, one request at a time.  If imgid exits
# or stops responding, the client starts a new one.
class ImgidClient
  class Error < StandardError; end

  # imgid could not identify the file; the message is identify's.
  class NotIdentified < Error; end

  # imgid did not respond in time and was killed.
  class Timeout < Error; end

  # The -format Paperclip 3.4 and later passes to identify.
  PAPERCLIP_FORMAT = "%wx%h,%[exif:orientation]"

  UNESCAPE = { "\\" => "\\", "t" => "\t", "n" => "\n", "r" => "\r" }.freeze

  attr_reader :pid

  # command: the imgid program.  format: the -format text of every result.
  # timeout: seconds to wait for one result line.  err: where imgid's
  # standard error goes; its messages also come in band on failure.
  def initialize(command: "imgid", format: PAPERCLIP_FORMAT, timeout: 30,
                 err: File::NULL, args: [])
    @argv = [command, "--batch", "-0", "-format", format, *args]
    @timeout = timeout
    @err = err
    @lock = Mutex.new
    @pid = nil
  end

  # Return the -format text for path's first frame, or raise NotIdentified
  # with identify's message.  A request whose imgid died is sent once more
  # to a new imgid.
  def identify(path)
    path = path.to_s
    raise ArgumentError, "path contains a NUL byte: #{path.inspect}" if path.include?("\0")

    @lock.synchronize do
      attempts = 0
      begin
        attempts += 1
        parse(request(path))
      rescue EOFError, Errno::EPIPE, Errno::EBADF
        stop
        retry if attempts < 2
        raise Error, "imgid exited twice while reading #{path}"
      end
    end
  end

  # Return what Paperclip's GeometryDetector reads from identify, as
  # "WIDTHxHEIGHT,ORIENTATION", when the client uses PAPERCLIP_FORMAT.
  def geometry(path)
    identify(path)
  end

  # Stop imgid: close its input so that it exits, and wait for it.
  def close
    @lock.synchronize { stop }
  end

  # Turn imgid's escaped field back into the text it stands for.
  def self.unescape(field)
    field.gsub(/\\(.)/m) { UNESCAPE.fetch(Regexp.last_match(1), Regexp.last_match(1)) }
  end

  private

  def request(path)
    start if @pid.nil? || @owner != Process.pid
    @input.write(path.b, "\0")
    read_line
  end

  def parse(line)
    status, text = line.split("\t", 2)
    case status
    when "ok" then self.class.unescape(text.to_s)
    when "error" then raise NotIdentified, self.class.unescape(text.to_s)
    else raise Error, "unexpected line from imgid: #{line.inspect}"
    end
  end

  # Read one result line, killing imgid when it takes longer than timeout.
  def read_line
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + @timeout
    until (newline = @buffer.index("\n"))
      remaining = deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC)
      if remaining <= 0 || IO.select([@output], nil, nil, remaining).nil?
        stop(kill: true)
        raise Timeout, "imgid did not respond within #{@timeout} s"
      end
      @buffer << @output.read_nonblock(65_536)
    end
    @buffer.slice!(0..newline).chomp("\n").force_encoding(Encoding::UTF_8)
  end

  def start
    forget if @pid && @owner != Process.pid
    input_read, @input = IO.pipe
    @output, output_write = IO.pipe
    @pid = Process.spawn(*@argv, in: input_read, out: output_write,
                                 err: @err, close_others: true)
    input_read.close
    output_write.close
    @input.binmode
    @input.sync = true
    @output.binmode
    @buffer = String.new(encoding: Encoding::BINARY)
    @owner = Process.pid
  end

  # Close the pipes and reap imgid.  A process that inherited the client
  # through fork only closes its copies, because the imgid is its parent's.
  def stop(kill: false)
    return if @pid.nil?
    return forget if @owner != Process.pid

    Process.kill(:KILL, @pid) if kill
    @input.close unless @input.closed?
    @output.close unless @output.closed?
    Process.wait(@pid)
  rescue Errno::ECHILD, Errno::ESRCH
    nil
  ensure
    @pid = nil
  end

  def forget
    @input.close unless @input.closed?
    @output.close unless @output.closed?
    @pid = nil
  end
end
