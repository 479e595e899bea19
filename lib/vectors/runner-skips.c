/* SPDX-License-Identifier: MIT */
/*
 * What a person reads after a run: the skipped tests grouped by reason,
 * each with what would run them (a backend that has the capabilities
 * they need), the files left out as not for this backend, and whether
 * anything ran at all.  A skip should tell a newcomer what to do next.
 */
#include <string.h>

#include "escape.h"
#include "record.h"
#include "runner-report.h"
#include "runner.h"

const char *nestref_vec_backend_for(uint32_t caps, enum nestref_profile profile,
				    const char *except)
{
	const struct nestref_backend *be, *best = NULL;
	const char *name;
	int rank, best_rank = 2;
	size_t i;

	for (i = 0; (be = nestref_backend_at(i)); i++) {
		name = nestref_backend_name(be);
		/* exec needs a program to run: no use as a suggestion. */
		if ((except && !strcmp(name, except)) || !strcmp(name, "exec"))
			continue;
		if ((nestref_backend_caps(be) & caps) != caps ||
		    !(nestref_backend_profiles(be) & NESTREF_PROFILE_BIT(profile)))
			continue;
		/* A backend that needs a kernel comes after those that do not. */
		rank = !strcmp(name, "iommufd");
		if (rank < best_rank) {
			best = be;
			best_rank = rank;
		}
	}
	return best ? nestref_backend_name(best) : NULL;
}

/* "they need X, Y, which backend B lacks; run them with --backend C" */
static void skips_need(char *buf, size_t len, uint32_t caps,
		       const struct run_state *st, const char *backend)
{
	const char *other = nestref_vec_backend_for(caps, st->copts.profile,
						    backend);
	char names[160];
	size_t used;

	report_caps(names, sizeof(names), "", caps);
	used = (size_t)snprintf(buf, len, "they need%s, which backend %s lacks",
				names, backend);
	if (used >= len)
		return;
	if (other)
		snprintf(buf + used, len - used, "; run them with --backend %s",
			 other);
	else
		snprintf(buf + used, len - used,
			 "; no registered backend has %s for profile %s",
			 caps & (caps - 1) ? "them all" : "it",
			 nestref_profile_name(st->copts.profile));
}

/*
 * Each line of the summary's skip part, given to fn: the groups, the
 * tests skipped for other reasons (why NULL), the files left out (files
 * not 0).  The summary on err and the JSON report (report.md 2.2) both
 * come from here, so they say the same.
 */
static void skips_each(const struct run_state *st, const char *backend,
		       void (*fn)(void *arg, size_t tests, size_t files,
				  const char *why),
		       void *arg)
{
	const struct runner_summary *sum = st->sum;
	const struct runner_skip_group *g;
	char line[512];
	size_t i;

	for (i = 0; i < sum->n_skip_groups; i++) {
		g = &sum->skip_groups[i];
		if (g->kind == RUNNER_SKIP_CAPS)
			skips_need(line, sizeof(line), g->caps, st, backend);
		else if (g->kind == RUNNER_SKIP_PROFILE)
			snprintf(line, sizeof(line),
				 "their files do not cover profile %s: not applicable here",
				 nestref_profile_name(st->copts.profile));
		else
			snprintf(line, sizeof(line), "%s", g->why);
		fn(arg, g->n, 0, line);
	}
	if (sum->skip_ungrouped)
		fn(arg, sum->skip_ungrouped, 0, NULL);
	if (sum->left_out_files) {
		skips_need(line, sizeof(line), sum->left_out_caps, st, backend);
		fn(arg, sum->left_out_tests, sum->left_out_files, line);
	}
}

static void skips_print_line(void *arg, size_t tests, size_t files,
			     const char *why)
{
	FILE *err = arg;

	if (files)
		nestref_vec_escape_line(err,
					"nestref: %zu files (%zu tests) left out as not for this backend: %s",
					files, tests, why);
	else if (why)
		nestref_vec_escape_line(err, "nestref: %zu skipped: %s", tests,
					why);
	else
		fprintf(err, "nestref: %zu skipped for other reasons (see the TAP lines)\n",
			tests);
}

static void skips_record_line(void *arg, size_t tests, size_t files,
			      const char *why)
{
	record_skips(arg, tests, files,
		     why ? why : "other reasons: each test's reason says which");
}

void runner_skips_print(const struct run_state *st, const char *backend)
{
	skips_each(st, backend, skips_print_line, st->opts->err);
}

void runner_skips_record(const struct run_state *st, const char *backend)
{
	if (st->opts->record)
		skips_each(st, backend, skips_record_line, st->opts->record);
}

bool runner_nothing_ran(const struct runner_summary *sum)
{
	return !sum->passed && !sum->passed_partly && !sum->failed &&
	       (sum->skipped || sum->left_out_tests);
}
