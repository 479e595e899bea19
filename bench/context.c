/* SPDX-License-Identifier: MIT */
/*
 * What is recorded with every result set (issue 5 point 3): the date, the
 * bench's and library's versions, `git describe` of the source tree when
 * the build said where it is, the CPU model and count, the kernel, the
 * load average, the compiler and the flags the build passed.
 *
 * The build passes NESTREF_BENCH_CC, NESTREF_BENCH_CFLAGS and
 * NESTREF_BENCH_SRCDIR as string macros; without them the context says
 * "unknown" rather than guess.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#ifndef NESTREF_BENCH_CFLAGS
#define NESTREF_BENCH_CFLAGS ""
#endif

/* The compiler that built this file, from its own macros. */
#if defined(__clang__)
#define BENCH_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define BENCH_COMPILER "gcc " __VERSION__
#else
#define BENCH_COMPILER "unknown compiler"
#endif

/* "model name" (x86), else "Model" or "Hardware" (Arm), of /proc/cpuinfo. */
static void cpu_model(char *buf, size_t len)
{
	static const char *const keys[] = { "model name", "Model",
					    "Hardware" };
	char line[512];
	size_t k;

	snprintf(buf, len, "unknown");
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		FILE *f = fopen("/proc/cpuinfo", "r");
		size_t klen = strlen(keys[k]);

		if (!f)
			return;
		while (fgets(line, sizeof(line), f)) {
			char *v;

			if (strncmp(line, keys[k], klen) != 0 ||
			    !(v = strchr(line + klen, ':')))
				continue;
			v++;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(buf, len, "%s", v);
			fclose(f);
			return;
		}
		fclose(f);
	}
}

/* `git describe --always --dirty` of the source tree, "" if unknown. */
static void git_describe(char *buf, size_t len)
{
#ifdef NESTREF_BENCH_SRCDIR
	char cmd[1024], *q = cmd;
	const char *p;
	FILE *f;

	buf[0] = '\0';
	q += snprintf(cmd, sizeof(cmd), "git -C '");
	for (p = NESTREF_BENCH_SRCDIR; *p && q < cmd + sizeof(cmd) - 64; p++) {
		if (*p == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else {
			*q++ = *p;
		}
	}
	snprintf(q, (size_t)(cmd + sizeof(cmd) - q),
		 "' describe --always --dirty 2>/dev/null");
	f = popen(cmd, "r");
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	pclose(f);
#else
	buf[0] = '\0';
	(void)len;
#endif
}

void bench_context_collect(struct bench_context *ctx)
{
	struct timespec res;
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;

	memset(ctx, 0, sizeof(*ctx));
	if (gmtime_r(&now, &tm))
		strftime(ctx->date, sizeof(ctx->date), "%Y-%m-%dT%H:%M:%SZ",
			 &tm);
	snprintf(ctx->bench_version, sizeof(ctx->bench_version), "%s",
		 PACKAGE_VERSION);
	snprintf(ctx->library_version, sizeof(ctx->library_version), "%s",
		 nestref_version());
	git_describe(ctx->git_describe, sizeof(ctx->git_describe));
	cpu_model(ctx->cpu_model, sizeof(ctx->cpu_model));
	ctx->nproc = sysconf(_SC_NPROCESSORS_ONLN);
	if (uname(&u) == 0)
		snprintf(ctx->kernel, sizeof(ctx->kernel), "%.30s %.60s %.30s",
			 u.sysname, u.release, u.machine);
	ctx->loadavg_ok = getloadavg(ctx->loadavg, 3) == 3;
#ifdef NESTREF_BENCH_CC
	snprintf(ctx->compiler, sizeof(ctx->compiler), "%s (%s)", BENCH_COMPILER,
		 NESTREF_BENCH_CC);
#else
	snprintf(ctx->compiler, sizeof(ctx->compiler), "%s", BENCH_COMPILER);
#endif
	snprintf(ctx->cflags, sizeof(ctx->cflags), "%s",
		 NESTREF_BENCH_CFLAGS[0] ? NESTREF_BENCH_CFLAGS :
					   "unknown (not passed by the build)");
	ctx->clock_res_ns =
		clock_getres(CLOCK_MONOTONIC, &res) == 0 ?
			res.tv_sec * 1000000000L + res.tv_nsec :
			-1;
	ctx->asan = BENCH_ASAN;
}
