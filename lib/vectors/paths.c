/* SPDX-License-Identifier: MIT */
/*
 * The vector files of a run (spec/vectors.md 5): the paths given, with
 * each folder searched for *.yaml and *.yml files.  A folder is a tree of
 * its own: a symbolic link in it is followed only to a file inside that
 * tree, never to a folder, so a link to `.`, to an ancestor or to `/` can
 * neither loop nor leave the tree (and a folder reached twice, through a
 * bind mount, is searched once).  What is passed over for that, a
 * dangling link, and a file named like a vector that is no regular file
 * (a FIFO, a device: reading it could block) are each said in a note on
 * err; other files are not vectors and are passed over silently.  A
 * selection with no vector file at all is an error: a run of nothing
 * would look like a pass.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nestref/backend.h>
#include <nestref/vectors.h>

#include "paths.h"

/* One given folder being walked: its real path, the folders seen. */
struct walk {
	struct path_list *list;
	FILE *err;
	char *root;   /* realpath of the folder given */
	size_t root_len;
	dev_t *devs;  /* (st_dev, st_ino) of every folder walked */
	ino_t *inos;
	size_t n_seen;
};

static int paths_add(struct path_list *list, const char *path)
{
	char **grown = nestref_realloc(list->paths,
			       (list->count + 1) * sizeof(*list->paths));

	if (!grown)
		return -ENOMEM;
	list->paths = grown;
	list->paths[list->count] = nestref_strdup(path);
	if (!list->paths[list->count])
		return -ENOMEM;
	list->count++;
	return 0;
}

static int paths_is_vector(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static void paths_note(FILE *err, const char *path, const char *why)
{
	nestref_vec_escape_line(err, "nestref: note: %s: %s, passed over", path,
				why);
}

/* Whether the folder was walked before; if not, it is now recorded. */
static int walk_seen(struct walk *w, const struct stat *st, bool *seen)
{
	dev_t *devs;
	ino_t *inos;
	size_t i;

	for (i = 0; i < w->n_seen; i++)
		if (w->devs[i] == st->st_dev && w->inos[i] == st->st_ino) {
			*seen = true;
			return 0;
		}
	*seen = false;
	devs = nestref_realloc(w->devs, (w->n_seen + 1) * sizeof(*devs));
	if (!devs)
		return -ENOMEM;
	w->devs = devs;
	inos = nestref_realloc(w->inos, (w->n_seen + 1) * sizeof(*inos));
	if (!inos)
		return -ENOMEM;
	w->inos = inos;
	w->devs[w->n_seen] = st->st_dev;
	w->inos[w->n_seen++] = st->st_ino;
	return 0;
}

/*
 * A symbolic link at path: 1 to follow it (its target is in *st), 0 to
 * pass it over (said in a note), or -ENOMEM.
 */
static int walk_link(struct walk *w, const char *path, struct stat *st)
{
	char *target = realpath(path, NULL);
	size_t n;

	if (!target) {
		if (errno == ENOMEM)
			return -ENOMEM;
		paths_note(w->err, path, errno == ELOOP ?
						 "a symbolic link that loops" :
						 "a dangling symbolic link");
		return 0;
	}
	n = strlen(target);
	if (strncmp(target, w->root, w->root_len) != 0 ||
	    (n > w->root_len && target[w->root_len] != '/' &&
	     w->root[w->root_len - 1] != '/')) {
		/* neither the root itself nor below it */
		paths_note(w->err, path,
			   "a symbolic link out of the folder given");
		free(target);
		return 0;
	}
	free(target);
	if (stat(path, st) != 0) {
		paths_note(w->err, path, strerror(errno));
		return 0;
	}
	if (S_ISDIR(st->st_mode)) {
		paths_note(w->err, path,
			   "a symbolic link to a folder (not followed)");
		return 0;
	}
	return 1;
}

static int paths_walk(struct walk *w, const char *dir);

/* One entry of a folder: walked, added, or passed over. */
static int walk_entry(struct walk *w, const char *path, const char *name)
{
	struct stat st;
	bool seen;
	int rc;

	if (lstat(path, &st) != 0) {
		rc = -errno;
		nestref_vec_escape_line(w->err, "nestref: %s: %s", path,
					strerror(-rc));
		return rc;
	}
	if (S_ISLNK(st.st_mode)) {
		rc = walk_link(w, path, &st);
		if (rc <= 0)
			return rc; /* passed over, or out of memory */
	}
	if (S_ISDIR(st.st_mode)) {
		rc = walk_seen(w, &st, &seen);
		if (rc)
			return rc;
		if (seen) {
			paths_note(w->err, path, "a folder already searched");
			return 0;
		}
		return paths_walk(w, path);
	}
	if (!paths_is_vector(name))
		return 0; /* another kind of file: not a vector */
	if (!S_ISREG(st.st_mode)) {
		paths_note(w->err, path,
			   "not a regular file (a FIFO, device or socket is never read)");
		return 0;
	}
	return paths_add(w->list, path);
}

static int paths_walk(struct walk *w, const char *dir)
{
	struct dirent *ent;
	DIR *d;
	int rc = 0;

	d = opendir(dir);
	if (!d) {
		rc = -errno;
		nestref_vec_escape_line(w->err, "nestref: %s: %s", dir,
					strerror(-rc));
		return rc;
	}
	while (!rc && (ent = readdir(d))) {
		size_t len = strlen(dir) + strlen(ent->d_name) + 2;
		char *path;

		if (ent->d_name[0] == '.')
			continue;
		path = nestref_malloc(len);
		if (!path) {
			rc = -ENOMEM;
			break;
		}
		snprintf(path, len, "%s/%s", dir, ent->d_name);
		rc = walk_entry(w, path, ent->d_name);
		nestref_free(path);
	}
	closedir(d);
	return rc;
}

/* A folder given on the command line (without its trailing slashes). */
static int paths_folder(struct path_list *list, const char *dir,
			const struct stat *st, FILE *err)
{
	struct walk w = { .list = list, .err = err };
	bool seen;
	int rc;

	w.root = realpath(dir, NULL);
	if (!w.root) {
		rc = -errno;
		nestref_vec_escape_line(err, "nestref: %s: %s", dir,
					strerror(-rc));
		return rc;
	}
	w.root_len = strlen(w.root);
	rc = walk_seen(&w, st, &seen);
	if (!rc)
		rc = paths_walk(&w, dir);
	nestref_free(w.inos);
	nestref_free(w.devs);
	free(w.root);
	return rc;
}

static int paths_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A path of the list and the file it names, for paths_dedup(). */
struct path_file {
	dev_t dev;
	ino_t ino;
	size_t index;
};

static int path_file_cmp(const void *a, const void *b)
{
	const struct path_file *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * A file reached twice (a link and its target in one folder, or a path
 * given twice) is read once, under the first of its names in sorted
 * order: read twice, its id would clash with itself (vectors.md 5).
 */
static int paths_dedup(struct path_list *list, FILE *err)
{
	struct path_file *pf;
	struct stat st;
	size_t i, n = 0, kept = 0;

	pf = nestref_calloc(list->count, sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	for (i = 0; i < list->count; i++) {
		/* one that cannot be stat'ed is refused when it is read */
		if (stat(list->paths[i], &st) != 0)
			continue;
		pf[n].dev = st.st_dev;
		pf[n].ino = st.st_ino;
		pf[n++].index = i;
	}
	qsort(pf, n, sizeof(*pf), path_file_cmp);
	for (i = 1; i < n; i++) {
		if (pf[i].dev != pf[i - 1].dev || pf[i].ino != pf[i - 1].ino)
			continue;
		/* pf[i - 1] holds the first name: same file, lower index */
		nestref_vec_escape_line(err,
			"nestref: note: %s: the same file as %s, read once",
			list->paths[pf[i].index], list->paths[pf[i - 1].index]);
		nestref_free(list->paths[pf[i].index]);
		list->paths[pf[i].index] = NULL;
		pf[i].index = pf[i - 1].index;
	}
	nestref_free(pf);
	for (i = 0; i < list->count; i++)
		if (list->paths[i])
			list->paths[kept++] = list->paths[i];
	list->count = kept;
	return 0;
}

int paths_collect(const char *const *args, size_t n_args,
		  struct path_list *out, FILE *err)
{
	struct stat st;
	size_t i;
	int rc = 0;

	out->paths = NULL;
	out->count = 0;
	for (i = 0; !rc && i < n_args; i++) {
		const char *arg = args[i];
		size_t n = strlen(arg);

		/* "vectors/" and "vectors" name the same folder. */
		while (n > 1 && arg[n - 1] == '/')
			n--;
		if (!strcmp(arg, "-")) {
			/* Standard input (spec/vectors.md 5, vector-read.c). */
			rc = paths_add(out, arg);
		} else if (stat(args[i], &st) != 0) {
			rc = -errno;
			nestref_vec_escape_line(err, "nestref: %s: %s",
						args[i], strerror(-rc));
		} else if (S_ISDIR(st.st_mode)) {
			char *dir = nestref_strndup(arg, n);

			rc = dir ? paths_folder(out, dir, &st, err) : -ENOMEM;
			nestref_free(dir);
		} else {
			/* A file named here is read whatever its name; one
			 * that is no regular file is refused when read. */
			rc = paths_add(out, args[i]);
		}
	}
	if (rc == -ENOMEM)
		fprintf(err, "nestref: out of memory\n");
	if (!rc && !out->count) {
		nestref_vec_escape_line(err, "nestref: no vector file in %s%s: a folder is searched for *.yaml and *.yml files",
			n_args ? args[0] : "(nothing)",
			n_args > 1 ? " and the other paths given" : "");
		rc = -ENOENT;
	}
	if (rc) {
		paths_free(out);
		return rc;
	}
	qsort(out->paths, out->count, sizeof(*out->paths), paths_cmp);
	rc = paths_dedup(out, err);
	if (rc) {
		fprintf(err, "nestref: out of memory\n");
		paths_free(out);
	}
	return rc;
}

void paths_free(struct path_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		nestref_free(list->paths[i]);
	nestref_free(list->paths);
	list->paths = NULL;
	list->count = 0;
}

int nestref_vec_each_file(const char *const *paths, size_t n_paths,
			  FILE *err, int (*fn)(const char *path, void *arg),
			  void *arg)
{
	struct path_list list;
	size_t i;
	int rc;

	rc = paths_collect(paths, n_paths, &list, err ? err : stderr);
	for (i = 0; !rc && i < list.count; i++)
		rc = fn(list.paths[i], arg);
	paths_free(&list);
	return rc;
}
