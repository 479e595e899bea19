/* SPDX-License-Identifier: MIT */
/*
 * Reading a vector file and parsing its one YAML document (spec/vectors.md
 * section 1).  A syntax error stops here with libyaml's own problem and
 * position: nothing after it can be trusted, so the semantic walk of
 * lib/vectors/vector-load.c only ever sees a well-formed document.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
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

/* Reads f to its end into a buffer of ours; 0 or -errno, said in diag. */
static int read_stream(FILE *f, const char *path, struct vec_diag *diag,
		       unsigned char **out, size_t *len)
{
	const struct vec_mark nowhere = { 0, 0 };
	unsigned char *buf, *grown;
	size_t size = 4096, used = 0, n;
	int ret;

	buf = nestref_malloc(size);
	if (!buf) {
		ret = -ENOMEM;
		goto err;
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
	*out = buf;
	*len = used;
	return 0;

err_free:
	nestref_free(buf);
err:
	if (ret == -ENOMEM)
		vec_diag_add(diag, path, nowhere, "out of memory");
	return ret;
}

/*
 * "-" is standard input (spec/vectors.md 5).  It can be read once only, and a
 * run reads each file twice (files.c: the ids first, then the tests), so
 * what was read is kept for the rest of the process and shared.
 */
static unsigned char *vl_stdin;
static size_t vl_stdin_len;

static int read_stdin(struct vec_diag *diag, unsigned char **out, size_t *len)
{
	int ret;

	if (!vl_stdin) {
		ret = read_stream(stdin, "-", diag, &vl_stdin, &vl_stdin_len);
		if (ret)
			return ret;
	}
	*out = vl_stdin;
	*len = vl_stdin_len;
	return 0;
}

/* *shared: the buffer is the kept standard input, not the caller's. */
static int read_file(const char *path, struct vec_diag *diag,
		     unsigned char **out, size_t *len, bool *shared)
{
	const struct vec_mark nowhere = { 0, 0 };
	struct stat st;
	FILE *f;
	int fd, ret;

	*out = NULL;
	*len = 0;
	*shared = !strcmp(path, "-");
	if (*shared)
		return read_stdin(diag, out, len);
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
	ret = read_stream(f, path, diag, out, len);
	fclose(f);
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

/* What the event pass keeps of one anchor (docs/spec/vectors.md 1.5). */
struct vl_anchor {
	char *name;
	uint64_t bytes;     /* scalar bytes of the anchored node, expanded */
	unsigned int depth; /* of a collection still being read, else 0 */
};

/* The event pass's state: depth, documents, anchors and the budgets. */
struct vl_scan {
	const char *path;
	struct vec_diag *diag;
	unsigned int depth, docs;
	/* the scalar bytes of each open collection, expanded */
	uint64_t open_bytes[VL_MAX_DEPTH + 1];
	struct vl_anchor *anchors;
	size_t n_anchors, aliases;
	uint64_t scalar_bytes, scalar_budget;
};

static struct vl_anchor *scan_anchor_find(struct vl_scan *sc, const char *name)
{
	size_t i;

	/* the last definition of a name wins (YAML 1.2, 3.2.2.2) */
	for (i = sc->n_anchors; i-- > 0;)
		if (!strcmp(sc->anchors[i].name, name))
			return &sc->anchors[i];
	return NULL;
}

/* Adds bytes of scalar text to every open collection and to the total. */
static int scan_add_bytes(struct vl_scan *sc, uint64_t bytes,
			  struct vec_mark mark)
{
	unsigned int i;

	for (i = 0; i <= sc->depth && i <= VL_MAX_DEPTH; i++)
		sc->open_bytes[i] += bytes;
	sc->scalar_bytes += bytes;
	if (sc->scalar_bytes <= sc->scalar_budget)
		return 0;
	return read_fail(sc->diag, sc->path, mark, -EINVAL,
			 "aliases expand the file's text beyond %llu bytes (%u times its size, at least %u KiB): limit of the loader",
			 (unsigned long long)sc->scalar_budget,
			 VL_EXPANDED_TIMES, VL_BUDGET_FLOOR >> 10);
}

static int scan_anchor_add(struct vl_scan *sc, const char *name,
			   unsigned int depth, uint64_t bytes,
			   struct vec_mark mark)
{
	struct vl_anchor *grown, *a;

	if (sc->n_anchors >= VL_ANCHORS_MAX)
		return read_fail(sc->diag, sc->path, mark, -EINVAL,
				 "more than %u anchors: limit of the loader",
				 VL_ANCHORS_MAX);
	grown = nestref_reallocarray(sc->anchors, sc->n_anchors + 1,
				     sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	sc->anchors = grown;
	a = &sc->anchors[sc->n_anchors];
	a->name = nestref_strdup(name);
	if (!a->name)
		return -ENOMEM;
	a->bytes = bytes;
	a->depth = depth;
	sc->n_anchors++;
	return 0;
}

/* An alias: counted, and its anchor's text counted again. */
static int scan_alias(struct vl_scan *sc, const char *name,
		      struct vec_mark mark)
{
	const struct vl_anchor *a = scan_anchor_find(sc, name);

	if (++sc->aliases > VL_ALIASES_MAX)
		return read_fail(sc->diag, sc->path, mark, -EINVAL,
				 "more than %u aliases: limit of the loader",
				 VL_ALIASES_MAX);
	/* An unknown anchor is libyaml's error, found when it loads. */
	if (!a)
		return 0;
	if (a->depth)
		return read_fail(sc->diag, sc->path, mark, -EINVAL,
				 "alias *%.40s refers to a collection that contains it",
				 name);
	return scan_add_bytes(sc, a->bytes, mark);
}

/* Any tag written in the file: the format has no use for one (1.4). */
static int scan_tag(struct vl_scan *sc, const yaml_char_t *tag,
		    struct vec_mark mark)
{
	static const char core[] = "tag:yaml.org,2002:";
	const char *t = (const char *)tag;

	if (!t)
		return 0;
	/* shown as written: libyaml resolves !!str to the core schema's URI */
	if (!strncmp(t, core, sizeof(core) - 1))
		return read_fail(sc->diag, sc->path, mark, -EINVAL,
				 "explicit YAML tag '!!%.40s': the format has no tags (write the value without it)",
				 t + sizeof(core) - 1);
	return read_fail(sc->diag, sc->path, mark, -EINVAL,
			 "explicit YAML tag '%.40s': the format has no tags (write the value without it)",
			 t);
}

static int scan_collection_start(struct vl_scan *sc, const yaml_char_t *tag,
				 const yaml_char_t *anchor,
				 struct vec_mark mark)
{
	int ret = scan_tag(sc, tag, mark);

	if (ret)
		return ret;
	if (++sc->depth > VL_MAX_DEPTH)
		return read_fail(sc->diag, sc->path, mark, -EINVAL,
				 "mappings and lists nest deeper than %u levels",
				 VL_MAX_DEPTH);
	sc->open_bytes[sc->depth] = 0;
	/* the anchor's size is known at the end of its collection */
	if (anchor)
		return scan_anchor_add(sc, (const char *)anchor, sc->depth, 0,
				       mark);
	return 0;
}

static void scan_collection_end(struct vl_scan *sc)
{
	size_t i;

	for (i = sc->n_anchors; i-- > 0;) {
		struct vl_anchor *a = &sc->anchors[i];

		if (a->depth == sc->depth) {
			a->bytes = sc->open_bytes[sc->depth];
			a->depth = 0;
			break;
		}
	}
	sc->depth--;
}

static int scan_event(struct vl_scan *sc, const yaml_event_t *event,
		      bool *done)
{
	struct vec_mark mark;
	int ret;

	mark.line = (unsigned int)event->start_mark.line + 1;
	mark.column = (unsigned int)event->start_mark.column + 1;
	switch (event->type) {
	case YAML_STREAM_END_EVENT:
		*done = true;
		return 0;
	case YAML_DOCUMENT_START_EVENT:
		if (++sc->docs > 1)
			return read_fail(sc->diag, sc->path, mark, -EINVAL,
					 "expected one document");
		return 0;
	case YAML_SCALAR_EVENT:
		ret = scan_tag(sc, event->data.scalar.tag, mark);
		if (!ret)
			ret = scan_add_bytes(sc, event->data.scalar.length,
					     mark);
		if (!ret && event->data.scalar.anchor)
			ret = scan_anchor_add(sc,
					      (const char *)event->data.scalar.anchor,
					      0, event->data.scalar.length,
					      mark);
		return ret;
	case YAML_ALIAS_EVENT:
		return scan_alias(sc, (const char *)event->data.alias.anchor,
				  mark);
	case YAML_SEQUENCE_START_EVENT:
		return scan_collection_start(sc,
					     event->data.sequence_start.tag,
					     event->data.sequence_start.anchor,
					     mark);
	case YAML_MAPPING_START_EVENT:
		return scan_collection_start(sc, event->data.mapping_start.tag,
					     event->data.mapping_start.anchor,
					     mark);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		scan_collection_end(sc);
		return 0;
	default:
		return 0;
	}
}

/*
 * The event pass, before the document is built: YAML syntax, nesting
 * depth, a single document (a second one would be ignored silently by a
 * document loader), no tags, and the alias limits of docs/spec/vectors.md
 * 1.2.  libyaml's document shares an aliased node, but the walk reads it
 * again at every alias and copies its strings: the bytes are counted here
 * as the walk will see them.
 */
static int prescan(const char *path, struct vec_diag *diag,
		   const unsigned char *buf, size_t len)
{
	struct vl_scan sc = { .path = path, .diag = diag };
	yaml_parser_t parser;
	yaml_event_t event;
	bool done = false;
	size_t i;
	int ret = 0;

	sc.scalar_budget = (uint64_t)VL_EXPANDED_TIMES *
			   (len > VL_BUDGET_FLOOR ? len : VL_BUDGET_FLOOR);
	if (!yaml_parser_initialize(&parser))
		return read_fail(diag, path, offset_mark(buf, len, 0), -ENOMEM,
				 "out of memory");
	yaml_parser_set_input_string(&parser, buf, len);
	while (!done && !ret) {
		if (!yaml_parser_parse(&parser, &event)) {
			ret = syntax_error(&parser, path, buf, len, diag);
			break;
		}
		ret = scan_event(&sc, &event, &done);
		yaml_event_delete(&event);
	}
	if (ret == -ENOMEM)
		ret = read_fail(diag, path, offset_mark(buf, len, 0), -ENOMEM,
				"out of memory");
	yaml_parser_delete(&parser);
	for (i = 0; i < sc.n_anchors; i++)
		nestref_free(sc.anchors[i].name);
	nestref_free(sc.anchors);
	return ret;
}

int vl_parse(const char *path, struct vec_diag *diag, const unsigned char *buf,
	     size_t len, yaml_document_t *doc)
{
	yaml_parser_t parser;
	int ret;

	ret = prescan(path, diag, buf, len);
	if (ret)
		return ret;
	if (!yaml_parser_initialize(&parser))
		return read_fail(diag, path, offset_mark(buf, len, 0), -ENOMEM,
				 "out of memory");
	yaml_parser_set_input_string(&parser, buf, len);
	/* the document copies every string: the parser can go */
	if (!yaml_parser_load(&parser, doc)) {
		ret = syntax_error(&parser, path, buf, len, diag);
		goto out_parser;
	}
	if (!yaml_document_get_root_node(doc)) {
		yaml_document_delete(doc);
		ret = read_fail(diag, path, offset_mark(buf, len, 0), -EINVAL,
				"expected a mapping, got an empty document");
	}
out_parser:
	yaml_parser_delete(&parser);
	return ret;
}

int vl_read(const char *path, struct vec_diag *diag, yaml_document_t *doc,
	    size_t *size)
{
	unsigned char *buf;
	bool shared;
	size_t len;
	int ret;

	ret = read_file(path, diag, &buf, &len, &shared);
	if (ret)
		return ret;
	ret = vl_parse(path, diag, buf, len, doc);
	if (!ret && size)
		*size = len;
	if (!shared)
		nestref_free(buf);
	return ret;
}
