/*
 * Batch mode: paths from a stream, one per line or NUL-terminated, and
 * exactly one result line per path on standard output, in input order.
 * With --jobs, worker threads identify chunks of consecutive paths at once
 * inside a bounded window, and whichever thread completes the oldest
 * pending chunk prints it and every later one that is ready.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgid.h"

/*
 * Paths handed to a worker at once, because a lock round trip and a
 * wake-up per path made --jobs 2 slower than one job.
 */
#define BATCH_CHUNK		32

/* Pending chunks per worker thread: enough to keep them all busy. */
#define BATCH_WINDOW_PER_JOB	2

struct batch {
	const struct options	*opt;
	FILE			*in;
	int			 delim;		/* '\n' or '\0' */
	int			 flush;		/* flush after every line */
	int			 may_block;	/* input is no regular file */
	int			 status;	/* 1 once a path failed */
	struct buf		 line;		/* line being written, kept */
};

/* One path in the window and its result. */
struct slot {
	char		*path;
	size_t		 len;		/* bytes in path, NUL bytes included */
	struct result	 result;
};

/* Consecutive paths that one worker identifies, done once all are. */
struct chunk {
	struct slot	 slots[BATCH_CHUNK];
	size_t		 count;
	int		 done;
};

struct pool {
	struct batch	*batch;
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;		/* a chunk was queued, or input ended */
	pthread_cond_t	 space;		/* a chunk was printed and freed */
	struct chunk	*chunks;
	size_t		 size;		/* chunks in the window */
	size_t		 queued;	/* chunks read so far */
	size_t		 taken;		/* chunks a worker has started */
	size_t		 printed;	/* chunks written so far */
	int		 eof;
	int		 printing;	/* a thread is writing a chunk */
};

/*
 * Append s with backslash, tab, newline and carriage return written as
 * \\, \t, \n and \r, so that a field never splits a line or a record.
 */
static void
batch_escape(struct buf *out, const char *s, size_t len)
{
	size_t				 i, run;

	static const unsigned char	 special[256] = {
		['\\'] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1
	};

	for (i = 0; i < len; i += run) {
		for (run = 0; i + run < len; run++)
			if (special[(unsigned char)s[i + run]])
				break;
		if (run != 0) {
			buf_add(out, s + i, run);
			continue;
		}
		switch (s[i]) {
		case '\\':
			buf_adds(out, "\\\\");
			break;
		case '\t':
			buf_adds(out, "\\t");
			break;
		case '\n':
			buf_adds(out, "\\n");
			break;
		default:
			buf_adds(out, "\\r");
			break;
		}
		run = 1;
	}
}

/*
 * Append the in-band reason for a failure: the last message, which is the
 * error that ended the read, without the program name before it.  A file
 * can fail with no message, as identify fails on some damaged PNGs, or
 * with its only warning hidden by -quiet.  A reason is composed then.
 */
static void
batch_reason(const struct result *r, struct buf *out)
{
	struct buf	 made = { NULL, 0, 0 };
	const char	*start, *end;
	size_t		 plen = strlen(r->opt->progname);

	if (r->err.len == 0) {
		buf_adds(&made, r->failed ? "unable to read image `" :
		    "warning with -regard-warnings `");
		quote_name(&made, r->name);
		buf_addc(&made, '\'');
		batch_escape(out, made.data, made.len);
		buf_free(&made);
		return;
	}
	end = r->err.data + r->err.len - 1;
	for (start = end; start > r->err.data && start[-1] != '\n'; start--)
		continue;
	if ((size_t)(end - start) > plen + 1 &&
	    strncmp(start, r->opt->progname, plen) == 0 &&
	    strncmp(start + plen, ": ", 2) == 0)
		start += plen + 2;
	batch_escape(out, start, (size_t)(end - start));
}

/*
 * Write v in decimal backwards, ending just before end, and return where
 * the digits start.
 */
static char *
batch_digits(char *end, unsigned long long v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}

/*
 * Write sep (unless it is NUL), then v in decimal with a sign when it is
 * negative or plus is set, at p and return the end.
 */
static char *
field_number(char *p, char sep, long long v, int plus)
{
	char			 digits[24], *start;
	unsigned long long	 magnitude = (unsigned long long)v;

	if (v < 0)
		magnitude = -magnitude;
	start = batch_digits(digits + sizeof(digits), magnitude);
	if (sep != '\0')
		*p++ = sep;
	if (v < 0)
		*p++ = '-';
	else if (plus)
		*p++ = '+';
	memcpy(p, start, (size_t)(digits + sizeof(digits) - start));
	return p + (digits + sizeof(digits) - start);
}

/* Write sep, then the unsigned v in decimal, at p and return the end. */
static char *
field_unsigned(char *p, char sep, unsigned long long v)
{
	char	 digits[24], *start;

	start = batch_digits(digits + sizeof(digits), v);
	*p++ = sep;
	memcpy(p, start, (size_t)(digits + sizeof(digits) - start));
	return p + (digits + sizeof(digits) - start);
}

/* Write sep, then the string s, at p and return the end. */
static char *
field_text(char *p, char sep, const char *s)
{
	size_t	 len = strlen(s);

	*p++ = sep;
	memcpy(p, s, len);
	return p + len;
}

/*
 * Append the fixed fields that describe a file when -format is absent.
 * They are written into one array and appended at once: appending them
 * one by one cost 2,000 instructions per path against 1,400 now
 * (callgrind, batch_emit over the benchmark's 3,020 paths).
 */
static void
batch_fields(const struct result *r, struct buf *out)
{
	const struct image	*im = &r->info;
	char			 text[sizeof(im->magick) +
	    sizeof(im->colorspace) + 10 * 24];
	char			*p = text;

	batch_escape(out, r->name, strlen(r->name));
	p = field_text(p, '\t', im->magick);
	p = field_unsigned(p, '\t', im->columns);
	p = field_unsigned(p, '\t', im->rows);
	p = field_unsigned(p, '\t', im->frames);
	p = field_unsigned(p, '\t', im->page_width);
	p = field_unsigned(p, 'x', im->page_height);
	p = field_number(p, '\0', im->page_x, 1);
	p = field_number(p, '\0', im->page_y, 1);
	p = field_unsigned(p, '\t', im->depth);
	p = field_text(p, '\t', im->colorspace);
	p = field_number(p, '\t', im->orientation, 0);
	p = field_unsigned(p, '\t', im->file_size);
	buf_add(out, text, (size_t)(p - text));
}

/*
 * Append the -format (or -verbose) text as one field.  One final newline
 * is dropped, because identify users often end a format with "\n".
 */
static void
batch_text(const struct result *r, struct buf *out)
{
	size_t	 len = r->out.len;

	if (len > 0 && r->out.data[len - 1] == '\n')
		len--;
	batch_escape(out, r->out.data, len);
}

/* Build the line for one result: "ok", "error" or a JSON object. */
static void
batch_line(const struct result *r, int failed, struct buf *line)
{
	if (r->opt->json) {
		json_record(r, line);
		return;
	}
	if (failed) {
		buf_adds(line, "error\t");
		batch_reason(r, line);
	} else if (r->opt->format != NULL || r->opt->verbose ||
	    !r->have_info) {
		buf_adds(line, "ok\t");
		batch_text(r, line);
	} else {
		buf_adds(line, "ok\t");
		batch_fields(r, line);
	}
	buf_addc(line, '\n');
}

/*
 * Write a result's messages and line, then free it.  Unless --buffer is
 * given, earlier lines are flushed first, so that each message comes
 * after them where both streams go to one terminal or file.
 */
static void
batch_emit(struct batch *b, struct result *r)
{
	struct buf	*line = &b->line;
	int		 failed = r->failed ||
	    (r->warned && b->opt->regard_warnings);

	line->len = 0;
	batch_line(r, failed, line);
	if (r->err.len != 0) {
		if (!b->opt->buffer)
			fflush(stdout);
		fwrite(r->err.data, 1, r->err.len, stderr);
	}
	fwrite(line->data, 1, line->len, stdout);
	if (b->flush)
		fflush(stdout);
	result_free(r);
	if (failed)
		b->status = 1;
}

/*
 * Identify one input record.  A line with a NUL byte in it names no file,
 * so it fails rather than being cut short at the NUL.
 */
static void
batch_identify(struct batch *b, const char *path, size_t len,
    struct result *r)
{
	memset(r, 0, sizeof(*r));
	if (strlen(path) == len) {
		identify_literal(b->opt, path, r);
		return;
	}
	r->opt = b->opt;
	r->name = path;
	result_error(r, b->opt, "unable to open image", path, EINVAL);
}

/*
 * Read the next path into *line, without its delimiter and, for lines,
 * without a carriage return before the newline.  Return its length, or -1
 * at the end of input.
 */
static ssize_t
batch_read(struct batch *b, char **line, size_t *cap)
{
	ssize_t	 n;

	n = getdelim(line, cap, b->delim, b->in);
	if (n <= 0)
		return -1;
	if ((*line)[n - 1] == b->delim)
		(*line)[--n] = '\0';
	if (b->delim == '\n' && n > 0 && (*line)[n - 1] == '\r')
		(*line)[--n] = '\0';
	return n;
}

static void
batch_run_serial(struct batch *b)
{
	struct result	 r;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 len;

	while ((len = batch_read(b, &line, &cap)) >= 0) {
		batch_identify(b, line, (size_t)len, &r);
		batch_emit(b, &r);
	}
	free(line);
}

/* Write the results of a chunk in order and free its paths. */
static void
chunk_emit(struct batch *b, struct chunk *c)
{
	size_t	 i;

	for (i = 0; i < c->count; i++) {
		batch_emit(b, &c->slots[i].result);
		free(c->slots[i].path);
		c->slots[i].path = NULL;
	}
}

/*
 * Print every finished chunk at the head of the window, in order.  The
 * caller holds the lock.  It is released while writing, and the printing
 * flag keeps a second thread from writing at the same time.
 */
static void
pool_print(struct pool *p)
{
	struct chunk	*c;

	while (!p->printing && p->printed < p->taken &&
	    p->chunks[p->printed % p->size].done) {
		c = &p->chunks[p->printed % p->size];
		p->printing = 1;
		pthread_mutex_unlock(&p->lock);
		chunk_emit(p->batch, c);
		pthread_mutex_lock(&p->lock);
		c->count = 0;
		c->done = 0;
		p->printed++;
		p->printing = 0;
		pthread_cond_signal(&p->space);
	}
}

/* A worker thread: take the oldest queued chunk, identify it, print. */
static void *
pool_worker(void *arg)
{
	struct pool	*p = arg;
	struct chunk	*c;
	struct slot	*s;
	size_t		 i;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->taken == p->queued && !p->eof)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->taken == p->queued)
			break;
		c = &p->chunks[p->taken++ % p->size];
		pthread_mutex_unlock(&p->lock);
		for (i = 0; i < c->count; i++) {
			s = &c->slots[i];
			batch_identify(p->batch, s->path, s->len, &s->result);
		}
		pthread_mutex_lock(&p->lock);
		c->done = 1;
		pool_print(p);
	}
	pthread_mutex_unlock(&p->lock);
	probe_thread_end();
	return NULL;
}

/*
 * Wait while the window is full, then return the next free chunk.  Only
 * the reading thread touches it until pool_queue hands it over.
 */
static struct chunk *
pool_space(struct pool *p)
{
	struct chunk	*c;

	pthread_mutex_lock(&p->lock);
	while (p->queued - p->printed >= p->size)
		pthread_cond_wait(&p->space, &p->lock);
	c = &p->chunks[p->queued % p->size];
	pthread_mutex_unlock(&p->lock);
	return c;
}

/* Hand the chunk that pool_space returned to the workers. */
static void
pool_queue(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->queued++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

/* Add a copy of one path to a chunk. */
static void
chunk_add(struct chunk *c, const char *line, size_t len)
{
	struct slot	*s = &c->slots[c->count++];

	s->path = memcpy(xmalloc(len + 1), line, len + 1);
	s->len = len;
}

/*
 * Return whether reading another path could wait for the writer.  A
 * coprocess writes one path and waits for its line, so a partial chunk
 * must be handed over before such a read.
 *
 * NOTE: poll sees only the descriptor, so paths that stdio has already
 * read from a pipe look like a wait, and chunks from such input can be
 * smaller than BATCH_CHUNK.  The output is the same, only slower.
 */
static int
batch_would_block(struct batch *b)
{
	struct pollfd	 pfd;

	if (!b->may_block)
		return 0;
	pfd.fd = fileno(b->in);
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) != 1;
}

/* Read every path into chunks and hand them to the workers. */
static void
pool_feed(struct pool *p, struct batch *b)
{
	struct chunk	*c = NULL;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 len;

	while ((len = batch_read(b, &line, &cap)) >= 0) {
		if (c == NULL)
			c = pool_space(p);
		chunk_add(c, line, (size_t)len);
		if (c->count == BATCH_CHUNK || batch_would_block(b)) {
			pool_queue(p);
			c = NULL;
		}
	}
	if (c != NULL)
		pool_queue(p);
	free(line);
}

/* Start up to n workers; return how many started. */
static size_t
pool_start(struct pool *p, pthread_t *threads, size_t n)
{
	size_t	 started;
	int	 error;

	for (started = 0; started < n; started++) {
		error = pthread_create(&threads[started], NULL, pool_worker, p);
		if (error != 0) {
			fprintf(stderr, "%s: cannot start a worker thread: "
			    "%s\n", p->batch->opt->progname, strerror(error));
			break;
		}
	}
	return started;
}

/* Read every path and let jobs worker threads identify them. */
static void
batch_run_parallel(struct batch *b, size_t jobs)
{
	struct pool	 p;
	pthread_t	*threads = xmalloc(jobs * sizeof(*threads));
	struct stat	 st;
	size_t		 started, i;

	memset(&p, 0, sizeof(p));
	p.batch = b;
	p.size = jobs * BATCH_WINDOW_PER_JOB;
	p.chunks = xmalloc(p.size * sizeof(*p.chunks));
	memset(p.chunks, 0, p.size * sizeof(*p.chunks));
	b->may_block = fstat(fileno(b->in), &st) == -1 ||
	    !S_ISREG(st.st_mode);
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.space, NULL);
	started = pool_start(&p, threads, jobs);
	if (started == 0) {
		batch_run_serial(b);
	} else {
		pool_feed(&p, b);
		pthread_mutex_lock(&p.lock);
		p.eof = 1;
		pthread_cond_broadcast(&p.work);
		pthread_mutex_unlock(&p.lock);
	}
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_cond_destroy(&p.space);
	pthread_cond_destroy(&p.work);
	pthread_mutex_destroy(&p.lock);
	free(p.chunks);
	free(threads);
}

/* Flush every line when a reader may wait for it: a pipe, socket or tty. */
static int
batch_wants_flush(const struct options *opt)
{
	struct stat	 st;

	if (opt->buffer)
		return 0;
	if (isatty(STDOUT_FILENO))
		return 1;
	if (fstat(STDOUT_FILENO, &st) == -1)
		return 0;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

static size_t
batch_jobs(const struct options *opt)
{
	long	 cpus;

	if (opt->jobs > 0)
		return (size_t)opt->jobs;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus > 0 ? (size_t)cpus : 1;
}

/*
 * Identify every path of the batch input.  Return 0 when all of them were
 * identified, 1 when any failed or the input could not be read.
 */
int
batch_run(const struct options *opt)
{
	struct batch	 b;
	size_t		 jobs = batch_jobs(opt);
	int		 from_file;

	memset(&b, 0, sizeof(b));
	b.opt = opt;
	b.delim = opt->null_input ? '\0' : '\n';
	b.flush = batch_wants_flush(opt);
	from_file = opt->batch_file != NULL &&
	    strcmp(opt->batch_file, "-") != 0;
	b.in = from_file ? fopen(opt->batch_file, "r") : stdin;
	if (b.in == NULL) {
		fprintf(stderr, "%s: cannot open batch input `%s': %s\n",
		    opt->progname, opt->batch_file, strerror(errno));
		return 1;
	}
	if (jobs == 1)
		batch_run_serial(&b);
	else
		batch_run_parallel(&b, jobs);
	if (ferror(b.in)) {
		fprintf(stderr, "%s: cannot read batch input: %s\n",
		    opt->progname, strerror(errno));
		b.status = 1;
	}
	if (from_file)
		fclose(b.in);
	buf_free(&b.line);
	return b.status;
}
