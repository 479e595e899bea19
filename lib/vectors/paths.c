/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"

static int paths_add(struct path_list *list, const char *path)
{
	char **grown = realloc(list->paths,
			       (list->count + 1) * sizeof(*list->paths));

	if (!grown)
		return -ENOMEM;
	list->paths = grown;
	list->paths[list->count] = strdup(path);
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

static int paths_walk(struct path_list *list, const char *dir, FILE *err)
{
	struct dirent *ent;
	struct stat st;
	DIR *d;
	int rc = 0;

	d = opendir(dir);
	if (!d) {
		fprintf(err, "nestref: %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	while (!rc && (ent = readdir(d))) {
		size_t len = strlen(dir) + strlen(ent->d_name) + 2;
		char *path;

		if (ent->d_name[0] == '.')
			continue;
		path = malloc(len);
		if (!path) {
			rc = -ENOMEM;
			break;
		}
		snprintf(path, len, "%s/%s", dir, ent->d_name);
		if (stat(path, &st) != 0) {
			fprintf(err, "nestref: %s: %s\n", path, strerror(errno));
			rc = -errno;
		} else if (S_ISDIR(st.st_mode)) {
			rc = paths_walk(list, path, err);
		} else if (paths_is_vector(ent->d_name)) {
			rc = paths_add(list, path);
		}
		free(path);
	}
	closedir(d);
	return rc;
}

static int paths_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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
		if (stat(args[i], &st) != 0) {
			fprintf(err, "nestref: %s: %s\n", args[i],
				strerror(errno));
			rc = -errno;
		} else if (S_ISDIR(st.st_mode)) {
			char *dir = strndup(arg, n);

			rc = dir ? paths_walk(out, dir, err) : -ENOMEM;
			free(dir);
		} else {
			rc = paths_add(out, args[i]);
		}
	}
	if (rc == -ENOMEM)
		fprintf(err, "nestref: out of memory\n");
	if (rc) {
		paths_free(out);
		return rc;
	}
	if (out->count)
		qsort(out->paths, out->count, sizeof(*out->paths), paths_cmp);
	return 0;
}

void paths_free(struct path_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->paths[i]);
	free(list->paths);
	list->paths = NULL;
	list->count = 0;
}
