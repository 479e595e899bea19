/* SPDX-License-Identifier: MIT */
/*
 * `nestref export`: vector files as JSON documents for other harnesses
 * (spec/vectors.md 7, docs/spec/export.schema.json), in Wycheproof's
 * layout: the file's id, title, references, profiles and notes, then its
 * tests, each with a tcId "<id>/<tc>", its flags, a result and its steps.
 *
 * setup, notes and each test's steps are the vector data model of
 * vectors.schema.json: the YAML document read again (the file has been
 * loaded, so it is known to be valid) and written as JSON with the
 * loader's typing, an integer being a plain scalar in decimal or 0x hex.
 * The JSON is written here rather than with jansson: the format's 64-bit
 * fields (an address, a raw command word) go up to 2^64 - 1, and
 * jansson's integers stop at 2^63 - 1.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nestref/backend.h>

#include "api.h"
#include "escape.h"
#include "paths.h"
#include "vector-load.h"

/* ------------------------------------------------------------------ */
/* A JSON writer                                                       */

#define JW_MAX_DEPTH 80

struct jw {
	FILE *out;
	bool pretty;
	unsigned int depth;
	bool items[JW_MAX_DEPTH]; /* a value was written at this depth */
	bool after_key;           /* the next value follows a key */
	/* the alias budget of the loader (vector-load.h) */
	size_t visits;
	size_t max_visits;
	int err;
};

static void jw_newline(struct jw *w)
{
	unsigned int i;

	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (i = 0; i < w->depth; i++)
		fputs("  ", w->out);
}

/* Before a value or a key: the comma and the line break it needs. */
static void jw_item(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth) {
		if (w->items[w->depth])
			fputc(',', w->out);
		jw_newline(w);
	}
	w->items[w->depth] = true;
}

static void jw_open(struct jw *w, char c)
{
	jw_item(w);
	fputc(c, w->out);
	if (w->depth + 1 >= JW_MAX_DEPTH) {
		w->err = -E2BIG;
		return;
	}
	w->depth++;
	w->items[w->depth] = false;
}

static void jw_close(struct jw *w, char c)
{
	bool had = w->items[w->depth];

	if (w->depth)
		w->depth--;
	if (had)
		jw_newline(w);
	fputc(c, w->out);
}

/*
 * A JSON string.  s is valid UTF-8 (libyaml checked the scalars, and
 * jw_string() escapes a path that is not): DEL, C1 and the other
 * controls of report.md 6.1 that JSON lets stand raw are written as
 * \uXXXX, so that no control byte reaches the file or the terminal.
 */
static void jw_string_n(struct jw *w, const char *s, size_t len)
{
	struct esc_char ch;
	size_t i;

	fputc('"', w->out);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			fputs("\\\"", w->out);
			break;
		case '\\':
			fputs("\\\\", w->out);
			break;
		case '\n':
			fputs("\\n", w->out);
			break;
		case '\r':
			fputs("\\r", w->out);
			break;
		case '\t':
			fputs("\\t", w->out);
			break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				fputc(c, w->out);
				break;
			}
			esc_decode(s + i, &ch);
			if (ch.invalid || i + ch.len > len)
				fputs("\\ufffd", w->out); /* never, as said */
			else if (esc_is_control(ch.cp))
				fprintf(w->out, "\\u%04x", (unsigned int)ch.cp);
			else
				fwrite(s + i, 1, ch.len, w->out);
			i += ch.invalid ? 0 : ch.len - 1;
		}
	}
	fputc('"', w->out);
}

static void jw_key(struct jw *w, const char *key)
{
	jw_item(w);
	jw_string_n(w, key, strlen(key));
	fputs(w->pretty ? ": " : ":", w->out);
	w->after_key = true;
}

/* A string of the model or a path: escaped if not UTF-8 (report.md 6.3). */
static void jw_string(struct jw *w, const char *s)
{
	char *copy;
	const char *value = esc_value(s, &copy);

	if (!value) {
		w->err = -ENOMEM;
		return;
	}
	jw_item(w);
	jw_string_n(w, value, strlen(value));
	nestref_free(copy);
}

static void jw_raw(struct jw *w, const char *text)
{
	jw_item(w);
	fputs(text, w->out);
}

static void jw_uint(struct jw *w, unsigned long long v)
{
	jw_item(w);
	fprintf(w->out, "%llu", v);
}

/* ------------------------------------------------------------------ */
/* YAML nodes as JSON, with the loader's typing                        */

/* The loader's reading of an integer, at most 64 bits (vectors.md 1.4);
 * anything else stays a string, as the schema test reads it. */
static bool scalar_uint(const unsigned char *s, size_t len,
			unsigned long long *out)
{
	bool overflow;
	uint64_t v;

	if (!vl_parse_uint(s, len, &v, &overflow) || overflow)
		return false;
	*out = v;
	return true;
}

static void jw_node(struct jw *w, yaml_document_t *doc, yaml_node_t *node);

static bool jw_visit(struct jw *w)
{
	if (++w->visits <= w->max_visits)
		return true;
	w->err = -E2BIG;
	return false;
}

static void jw_scalar(struct jw *w, const yaml_node_t *node)
{
	const unsigned char *s = node->data.scalar.value;
	size_t len = node->data.scalar.length;
	unsigned long long v;

	if (vl_is_plain(node)) {
		if (scalar_uint(s, len, &v)) {
			jw_uint(w, v);
			return;
		}
		if (vl_scalar_is(node, "true") || vl_scalar_is(node, "false")) {
			jw_raw(w, (const char *)s);
			return;
		}
	}
	jw_item(w);
	jw_string_n(w, (const char *)s, len);
}

static void jw_mapping(struct jw *w, yaml_document_t *doc, yaml_node_t *node)
{
	yaml_node_pair_t *pair;
	yaml_node_t *key;

	if (!jw_visit(w))
		return;
	jw_open(w, '{');
	for (pair = node->data.mapping.pairs.start;
	     !w->err && pair < node->data.mapping.pairs.top; pair++) {
		key = yaml_document_get_node(doc, pair->key);
		if (!key || key->type != YAML_SCALAR_NODE) {
			w->err = -EINVAL;
			break;
		}
		jw_item(w);
		jw_string_n(w, (const char *)key->data.scalar.value,
			    key->data.scalar.length);
		fputs(w->pretty ? ": " : ":", w->out);
		w->after_key = true;
		jw_node(w, doc, yaml_document_get_node(doc, pair->value));
	}
	jw_close(w, '}');
}

static void jw_node(struct jw *w, yaml_document_t *doc, yaml_node_t *node)
{
	yaml_node_item_t *item;

	if (w->err)
		return;
	if (!node) {
		w->err = -EINVAL;
		return;
	}
	switch (node->type) {
	case YAML_SCALAR_NODE:
		jw_scalar(w, node);
		break;
	case YAML_MAPPING_NODE:
		jw_mapping(w, doc, node);
		break;
	case YAML_SEQUENCE_NODE:
		if (!jw_visit(w))
			return;
		jw_open(w, '[');
		for (item = node->data.sequence.items.start;
		     !w->err && item < node->data.sequence.items.top; item++)
			jw_node(w, doc, yaml_document_get_node(doc, *item));
		jw_close(w, ']');
		break;
	default:
		w->err = -EINVAL;
	}
}

/* The value of key in a mapping node, or NULL. */
static yaml_node_t *map_get(yaml_document_t *doc, const yaml_node_t *map,
			    const char *key)
{
	yaml_node_pair_t *pair;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++)
		if (vl_scalar_is(yaml_document_get_node(doc, pair->key), key))
			return yaml_document_get_node(doc, pair->value);
	return NULL;
}

/* key: the node, or key: the default text when the file has no such key. */
static void jw_member(struct jw *w, yaml_document_t *doc,
		      const yaml_node_t *map, const char *key,
		      const char *missing)
{
	yaml_node_t *node = map_get(doc, map, key);

	if (!node && !missing)
		return;
	jw_key(w, key);
	if (node)
		jw_node(w, doc, node);
	else
		jw_raw(w, missing);
}

/* ------------------------------------------------------------------ */
/* One document                                                        */

/*
 * Wycheproof's result: "invalid" when a step must fail, "acceptable" when
 * a step's success or failure is left open, "valid" otherwise.
 */
static const char *test_result(const struct vec_test *test)
{
	bool either = false;
	size_t i;

	for (i = 0; i < test->n_steps; i++) {
		if (test->steps[i].expect.result == VEC_RESULT_ERROR)
			return "invalid";
		if (test->steps[i].expect.result == VEC_RESULT_EITHER)
			either = true;
	}
	return either ? "acceptable" : "valid";
}

/* The profiles the file covers, oldest kernel first (as docs list them). */
static void jw_profiles(struct jw *w, uint32_t profiles)
{
	static const enum nestref_profile by_age[] = {
		NESTREF_PROFILE_RFC_V3, NESTREF_PROFILE_LINUX_6_13,
		NESTREF_PROFILE_LINUX_7_2, NESTREF_PROFILE_LINUX_7_4,
	};
	size_t i;

	jw_key(w, "profiles");
	jw_open(w, '[');
	for (i = 0; i < sizeof(by_age) / sizeof(by_age[0]); i++)
		if (profiles & NESTREF_PROFILE_BIT(by_age[i]))
			jw_string(w, nestref_profile_name(by_age[i]));
	jw_close(w, ']');
}

static void jw_test(struct jw *w, yaml_document_t *doc, yaml_node_t *node,
		    const struct vec_file *f, const struct vec_test *test)
{
	char tc_id[512];

	snprintf(tc_id, sizeof(tc_id), "%s/%ld", f->id, test->tc);
	jw_open(w, '{');
	jw_key(w, "tcId");
	jw_string(w, tc_id);
	jw_key(w, "tc");
	jw_uint(w, (unsigned long long)test->tc);
	jw_member(w, doc, node, "comment", NULL);
	jw_member(w, doc, node, "flags", "[]");
	jw_key(w, "result");
	jw_string(w, test_result(test));
	jw_member(w, doc, node, "steps", NULL);
	jw_close(w, '}');
}

static void jw_document(struct jw *w, yaml_document_t *doc,
			const struct vec_file *f, const char *source)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	yaml_node_t *tests = map_get(doc, root, "tests");
	char generator[64];
	size_t i;

	snprintf(generator, sizeof(generator), "nestref %s", nestref_version());
	if (!tests || tests->type != YAML_SEQUENCE_NODE ||
	    (size_t)(tests->data.sequence.items.top -
		     tests->data.sequence.items.start) != f->n_tests) {
		/* Not the file that was loaded: it changed since. */
		w->err = -ESTALE;
		return;
	}
	jw_open(w, '{');
	jw_key(w, "format");
	jw_string(w, NESTREF_VEC_EXPORT_FORMAT);
	jw_key(w, "schema");
	jw_string(w, "export.schema.json");
	jw_key(w, "generator");
	jw_string(w, generator);
	jw_key(w, "vectorFormat");
	jw_string(w, VEC_FORMAT);
	jw_key(w, "source");
	jw_string(w, source);
	jw_key(w, "id");
	jw_string(w, f->id);
	jw_key(w, "title");
	jw_string(w, f->title);
	jw_member(w, doc, root, "description", NULL);
	jw_member(w, doc, root, "references", "[]");
	jw_profiles(w, f->profiles);
	jw_member(w, doc, root, "requires", "[]");
	jw_member(w, doc, root, "notes", "{}");
	jw_member(w, doc, root, "setup", NULL);
	jw_key(w, "numberOfTests");
	jw_uint(w, f->n_tests);
	jw_key(w, "tests");
	jw_open(w, '[');
	for (i = 0; i < f->n_tests && !w->err; i++)
		jw_test(w, doc,
			yaml_document_get_node(doc,
					       tests->data.sequence.items.start[i]),
			f, &f->tests[i]);
	jw_close(w, ']');
	jw_close(w, '}');
}

/* The document of one loaded file on out, at the given depth. */
static int export_to(FILE *out, const struct vec_file *f, const char *source,
		     bool pretty, unsigned int depth)
{
	struct vec_diag diag;
	yaml_document_t doc;
	struct jw w;
	int rc;

	vec_diag_init(&diag);
	rc = vl_read(f->path, &diag, &doc, NULL);
	vec_diag_free(&diag);
	if (rc)
		return rc == -EINVAL ? -ESTALE : rc;
	memset(&w, 0, sizeof(w));
	w.out = out;
	w.pretty = pretty;
	w.depth = depth;
	w.items[depth] = depth > 0;
	w.after_key = depth > 0;
	w.max_visits = (size_t)(doc.nodes.top - doc.nodes.start) +
		       VL_ALIAS_BUDGET;
	jw_document(&w, &doc, f, source ? source : f->path);
	yaml_document_delete(&doc);
	if (!w.err && ferror(out))
		w.err = -EIO;
	return w.err;
}

int nestref_vec_export_json(const struct nestref_vec_file *file,
			    const char *source, uint32_t flags, char **json)
{
	size_t len;
	FILE *out;
	int rc;

	if (!json)
		return -EINVAL;
	*json = NULL;
	if (!file)
		return -EINVAL;
	out = open_memstream(json, &len);
	if (!out)
		return -ENOMEM;
	rc = export_to(out, file->f, source,
		       flags & NESTREF_VEC_EXPORT_PRETTY, 0);
	if (fclose(out) && !rc)
		rc = -ENOMEM;
	if (rc) {
		free(*json);
		*json = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Many files                                                          */

/*
 * Where a collected path sits under the arguments: under a folder given,
 * the rest of its path; a file given, its name.
 */
static const char *relative_source(const char *path,
				   const char *const *args, size_t n_args)
{
	const char *slash;
	struct stat st;
	size_t i, n;

	for (i = 0; i < n_args; i++) {
		n = strlen(args[i]);
		while (n > 1 && args[i][n - 1] == '/')
			n--;
		if (strncmp(path, args[i], n) != 0 || path[n] != '/' ||
		    stat(args[i], &st) || !S_ISDIR(st.st_mode))
			continue;
		return path + n + 1;
	}
	slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* mkdir -p of the folders above path (path itself is a file). */
static int make_parents(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0777) && errno != EEXIST) {
			int rc = -errno;

			*p = '/';
			return rc;
		}
		*p = '/';
	}
	return 0;
}

/* dir/source with .yaml or .yml replaced by .json; NULL without memory. */
static char *output_path(const char *dir, const char *source)
{
	size_t n = strlen(source), len;
	char *path;

	if (n > 5 && !strcmp(source + n - 5, ".yaml"))
		n -= 5;
	else if (n > 4 && !strcmp(source + n - 4, ".yml"))
		n -= 4;
	len = strlen(dir) + 1 + n + sizeof(".json");
	path = nestref_malloc(len);
	if (path)
		snprintf(path, len, "%s/%.*s.json", dir, (int)n, source);
	return path;
}

static const char *export_error(int rc)
{
	return rc == -ESTALE ? "changed since it was loaded" : strerror(-rc);
}

static int export_file(const char *dir, const struct vec_file *f,
		       const char *source, FILE *err)
{
	char *path = output_path(dir, source);
	FILE *out;
	int rc;

	if (!path) {
		fputs("nestref: out of memory\n", err);
		return -ENOMEM;
	}
	rc = make_parents(path);
	out = rc ? NULL : fopen(path, "w");
	if (!out) {
		rc = rc ? rc : -errno;
		nestref_vec_escape_line(err, "nestref: %s: %s", path,
					strerror(-rc));
		nestref_free(path);
		return rc;
	}
	rc = export_to(out, f, source, true, 0);
	if (!rc && fputc('\n', out) == EOF)
		rc = -EIO;
	if (fclose(out) && !rc)
		rc = -errno;
	if (rc)
		nestref_vec_escape_line(err, "nestref: %s: %s", path,
					export_error(rc));
	nestref_free(path);
	return rc;
}

static int export_opts_in(struct nestref_vec_export_opts *o,
			  const struct nestref_vec_export_opts *in)
{
	const unsigned char *tail;
	size_t size = in ? in->size : 0, i;

	memset(o, 0, sizeof(*o));
	if (!in)
		return 0;
	if (size > sizeof(*o)) {
		tail = (const unsigned char *)in + sizeof(*o);
		for (i = 0; i < size - sizeof(*o); i++)
			if (tail[i])
				return -E2BIG;
		size = sizeof(*o);
	}
	memcpy(o, in, size);
	return 0;
}

int nestref_vec_export_files(const char *const *paths, size_t n_paths,
			     const struct nestref_vec_export_opts *opts)
{
	struct nestref_vec_export_opts o;
	struct path_list list;
	struct files_scan scan;
	struct vec_file *file = NULL;
	size_t i, done = 0, tests = 0;
	bool array;
	FILE *out, *err;
	int rc;

	rc = export_opts_in(&o, opts);
	out = o.out ? o.out : stdout;
	err = o.err ? o.err : stderr;
	if (rc) {
		fprintf(err, "nestref: export options: %s\n", strerror(-rc));
		return NESTREF_VEC_EXIT_USAGE;
	}
	array = !o.output_dir && (o.flags & NESTREF_VEC_EXPORT_ARRAY);
	if (paths_collect(paths, n_paths, &list, err))
		return NESTREF_VEC_EXIT_USAGE;
	/* Checked first, then exported one at a time (files.c). */
	rc = files_scan(&list, err, &scan);
	if (rc)
		goto out;
	if (array)
		fputc('[', out);
	for (i = 0; i < list.count && !rc; i++) {
		const char *source = relative_source(list.paths[i], paths,
						     n_paths);

		rc = files_load_one(list.paths[i], NULL, err, &file);
		if (rc)
			break;
		if (o.profiles && !(file->profiles & o.profiles)) {
			vec_file_free(file);
			continue;
		}
		if (o.output_dir) {
			rc = export_file(o.output_dir, file, source, err);
		} else {
			if (array)
				fputs(done ? ",\n  " : "\n  ", out);
			rc = export_to(out, file, source, array, array);
			if (!rc && !array)
				fputc('\n', out);
			if (rc)
				nestref_vec_escape_line(err, "nestref: %s: %s",
							file->path,
							export_error(rc));
		}
		done++;
		tests += file->n_tests;
		vec_file_free(file);
	}
	if (array && !rc)
		fputs(done ? "\n]\n" : "]\n", out);
	if (!rc && (fflush(out) || ferror(out))) {
		fputs("nestref: cannot write the export\n", err);
		rc = -EIO;
	}
	if (!rc && !(o.flags & NESTREF_VEC_QUIET))
		nestref_vec_escape_line(err,
			"nestref: exported %zu file(s), %zu tests%s%s",
			done, tests, o.output_dir ? " into " : "",
			o.output_dir ? o.output_dir : "");
	rc = rc ? NESTREF_VEC_EXIT_USAGE : NESTREF_VEC_EXIT_OK;
out:
	files_scan_free(&scan);
	paths_free(&list);
	return rc;
}
