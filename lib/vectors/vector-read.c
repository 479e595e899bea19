/* SPDX-License-Identifier: MIT */
/*
 * Reading a vector file and parsing its one YAML document (spec/vectors.md
 * section 1).  A syntax error stops here with libyaml's own problem and
 * position: nothing after it can be trusted, so the semantic walk of
 * lib/vectors/vector-load.c only ever sees a well-formed document.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nestref/backend.h>

#include "vector-load.h"

/* Vector files are small; this keeps /dev/zero from eating the memory. */
#define VL_FILE_MAX (16u << 20)

/*
 * A load error that stops the read: err with its message in diag, or
 * -ENOMEM when the message could not be kept, so that a caller never
 * sees an error without its sentence (the walk's vl->nomem likewise).
 */
static int read_fail(struct vec_diag *diag, const char *path,
		     struct vec_mark mark, int err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int read_fail(struct vec_diag *diag, const char *path,
		     struct vec_mark mark, int err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vec_diag_vadd(diag, path, mark, fmt, ap);
	va_end(ap);
	return rc ? rc : err;
}

static int read_file(const char *path, struct vec_diag *diag,
		     unsigned char **out, size_t *len)
{
	const struct vec_mark nowhere = { 0, 0 };
	unsigned char *buf, *grown;
	size_t size = 4096, used = 0, n;
	struct stat st;
	FILE *f;
	int fd, ret;

	*out = NULL;
	*len = 0;
	/*
	 * Opened without blocking and checked before a byte is read: a FIFO
	 * or a device named like a vector must not hang the run (paths.c).
	 */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		return read_fail(diag, path, nowhere, ret, "cannot open: %s",
				 strerror(-ret));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return read_fail(diag, path, nowhere, -EISDIR,
				 "cannot read: %s", strerror(EISDIR));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return read_fail(diag, path, nowhere, -EINVAL,
				 "not a regular file (a FIFO, device or socket is never read)");
	}
	f = fdopen(fd, "rb");
	if (!f) {
		ret = -errno;
		close(fd);
		return read_fail(diag, path, nowhere, ret, "cannot open: %s",
				 strerror(-ret));
	}
	buf = nestref_malloc(size);
	if (!buf) {
		ret = -ENOMEM;
		goto err_close;
	}
	errno = 0;
	for (;;) {
		n = fread(buf + used, 1, size - used, f);
		used += n;
		if (used < size)
			break;
		if (size >= VL_FILE_MAX) {
			ret = read_fail(diag, path, nowhere, -EFBIG,
					"file is larger than %u MiB",
					VL_FILE_MAX >> 20);
			goto err_free;
		}
		grown = nestref_realloc(buf, size * 2);
		if (!grown) {
			ret = -ENOMEM;
			goto err_free;
		}
		buf = grown;
		size *= 2;
	}
	if (ferror(f)) {
		ret = errno ? -errno : -EIO;
		ret = read_fail(diag, path, nowhere, ret, "cannot read: %s",
				strerror(-ret));
		goto err_free;
	}
	fclose(f);
	*out = buf;
	*len = used;
	return 0;

err_free:
	nestref_free(buf);
err_close:
	fclose(f);
	if (ret == -ENOMEM)
		vec_diag_add(diag, path, nowhere, "out of memory");
	return ret;
}

/*
 * libyaml's reader errors (bad UTF-8, control characters) carry a byte
 * offset and no mark: count lines and characters up to it.
 */
static struct vec_mark offset_mark(const unsigned char *buf, size_t len,
				   size_t offset)
{
	struct vec_mark mark = { 1, 1 };
	size_t i;

	for (i = 0; i < offset && i < len; i++) {
		if (buf[i] == '\n') {
			mark.line++;
			mark.column = 1;
		} else if ((buf[i] & 0xc0) != 0x80) {
			mark.column++;
		}
	}
	return mark;
}

static int syntax_error(const yaml_parser_t *parser, const char *path,
			const unsigned char *buf, size_t len,
			struct vec_diag *diag)
{
	const char *problem = parser->problem ? parser->problem : "syntax error";
	struct vec_mark mark;

	switch (parser->error) {
	case YAML_MEMORY_ERROR:
		mark = offset_mark(buf, len, 0);
		vec_diag_add(diag, path, mark, "out of memory");
		return -ENOMEM;
	case YAML_READER_ERROR:
		mark = offset_mark(buf, len, parser->problem_offset);
		if (parser->problem_value != -1)
			return read_fail(diag, path, mark, -EINVAL,
					 "%s (0x%x)", problem,
					 (unsigned int)parser->problem_value);
		return read_fail(diag, path, mark, -EINVAL, "%s", problem);
	default:
		mark.line = (unsigned int)parser->problem_mark.line + 1;
		mark.column = (unsigned int)parser->problem_mark.column + 1;
		if (parser->context)
			return read_fail(diag, path, mark, -EINVAL,
					 "%s (%s at line %zu column %zu)",
					 problem, parser->context,
					 parser->context_mark.line + 1,
					 parser->context_mark.column + 1);
		return read_fail(diag, path, mark, -EINVAL, "%s", problem);
	}
}

/*
 * A vector file nests about ten levels deep.  libyaml's scanner costs
 * O(depth) per token inside flow collections, so "[[[[..." a few hundred
 * kilobytes long takes minutes: a first pass over the events stops at this
 * depth before the document is built.
 */
#define VL_MAX_DEPTH 64

/*
 * The event pass: YAML syntax, nesting depth, and a single document (a
 * second one would be ignored silently by a document loader).
 */
static int prescan(const char *path, struct vec_diag *diag,
		   const unsigned char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t event;
	unsigned int depth = 0, docs = 0;
	struct vec_mark mark;
	bool done = false;
	int ret = 0;

	if (!yaml_parser_initialize(&parser)) {
		vec_diag_add(diag, path, offset_mark(buf, len, 0),
			     "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, buf, len);
	while (!done && !ret) {
		if (!yaml_parser_parse(&parser, &event)) {
			ret = syntax_error(&parser, path, buf, len, diag);
			break;
		}
		mark.line = (unsigned int)event.start_mark.line + 1;
		mark.column = (unsigned int)event.start_mark.column + 1;
		switch (event.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				ret = read_fail(diag, path, mark, -EINVAL,
						"expected one document");
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > VL_MAX_DEPTH)
				ret = read_fail(diag, path, mark, -EINVAL,
						"mappings and lists nest deeper than %u levels",
						VL_MAX_DEPTH);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return ret;
}

int vl_read(const char *path, struct vec_diag *diag, yaml_document_t *doc)
{
	yaml_parser_t parser;
	unsigned char *buf;
	size_t len;
	int ret;

	ret = read_file(path, diag, &buf, &len);
	if (ret)
		return ret;
	ret = prescan(path, diag, buf, len);
	if (ret)
		goto err_buf;
	if (!yaml_parser_initialize(&parser)) {
		ret = -ENOMEM;
		vec_diag_add(diag, path, offset_mark(buf, len, 0),
			     "out of memory");
		goto err_buf;
	}
	yaml_parser_set_input_string(&parser, buf, len);
	/* the document copies every string: parser and buffer can go */
	if (!yaml_parser_load(&parser, doc)) {
		ret = syntax_error(&parser, path, buf, len, diag);
		goto err_parser;
	}
	if (!yaml_document_get_root_node(doc)) {
		yaml_document_delete(doc);
		ret = read_fail(diag, path, offset_mark(buf, len, 0), -EINVAL,
				"expected a mapping, got an empty document");
		goto err_parser;
	}
	yaml_parser_delete(&parser);
	nestref_free(buf);
	return 0;

err_parser:
	yaml_parser_delete(&parser);
err_buf:
	nestref_free(buf);
	return ret;
}
