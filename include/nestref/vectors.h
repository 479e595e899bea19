/* SPDX-License-Identifier: MIT */
/*
 * libnestref-vectors: loads nestref's YAML vector files (format
 * nestref/vectors-1, spec/vectors.md) and runs them on a nestref context,
 * with the verdicts and the TAP version 13 report of `nestref run`.  Link
 * it with `pkg-config --cflags --libs nestref-vectors`;
 * docs/vectors-library.md has an example.
 *
 * Every struct is opaque or starts with its size, and every function is
 * prefixed nestref_vec_: the library exports nothing else
 * (tests/exports-vectors.sh).  It needs libyaml, which libnestref does not.
 *
 * Functions return 0 or a negative errno unless they say otherwise.  A
 * file, a result or a session belongs to the caller, who frees it; the
 * strings the accessors return live as long as their object.
 *
 * Why the step level is public.  `nestref explain` runs a test one step at
 * a time and reads the context between the steps (the SMMUv3 trace, the
 * counters).  That could have stayed in an internal header that only the
 * command links statically, but then the installed command would carry a
 * second copy of the library, and nothing would show that this header is
 * enough to build a tool like it.  So the session functions below give
 * what explain uses (each step's action and position, the context, each
 * step's answer and whether it is what the vector expects) without the
 * loader's in-memory model, which changes with the format.  The three
 * commands that read vectors, run, lint and explain, use this header and
 * no internal one, and link the shared library.
 */
#ifndef NESTREF_VECTORS_H
#define NESTREF_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <nestref/nestref.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit statuses of `nestref run` (spec/vectors.md 5). */
#define NESTREF_VEC_EXIT_OK 0
#define NESTREF_VEC_EXIT_FAILED 1      /* a test failed */
#define NESTREF_VEC_EXIT_USAGE 2       /* a load error, a bad option */
#define NESTREF_VEC_EXIT_UNAVAILABLE 77 /* the backend cannot run here */

/* ------------------------------------------------------------------ */
/* Loading                                                             */

/*
 * Load errors, each a "file:line:column: message" string.  The file is
 * the path as given, not escaped: show a message with
 * nestref_vec_escape_fputs() (spec/report.md 6).
 */
struct nestref_vec_diag;

NESTREF_API struct nestref_vec_diag *nestref_vec_diag_new(void);
NESTREF_API void nestref_vec_diag_free(struct nestref_vec_diag *diag);
NESTREF_API size_t nestref_vec_diag_count(const struct nestref_vec_diag *diag);
/**
 * Message i, or NULL past the end.  Unlike other accessors' strings, it
 * is valid only until the next call on the same diag (or a load into it):
 * a file's path is kept once, not in every message (spec/vectors.md 1.5),
 * and the message is put together on each call.
 */
NESTREF_API const char *
nestref_vec_diag_message(const struct nestref_vec_diag *diag, size_t i);

/* A loaded vector file: every value already checked against the format. */
struct nestref_vec_file;

/**
 * Loads one file.  Returns 0 and *file, or -EINVAL with every load error
 * the loader found appended to diag (YAML syntax errors stop at the
 * first; the others are all collected, in the order of the file), -ENOMEM,
 * or the -errno of opening the file (also in diag, as "file: message").
 * diag may be NULL, and may gather the errors of several files.
 */
NESTREF_API int nestref_vec_load(const char *path,
				 struct nestref_vec_file **file,
				 struct nestref_vec_diag *diag);
NESTREF_API void nestref_vec_file_free(struct nestref_vec_file *file);

/* The file as given to nestref_vec_load(), its id, its title. */
NESTREF_API const char *
nestref_vec_file_path(const struct nestref_vec_file *file);
NESTREF_API const char *
nestref_vec_file_id(const struct nestref_vec_file *file);
NESTREF_API const char *
nestref_vec_file_title(const struct nestref_vec_file *file);
/** NESTREF_PROFILE_BIT()s of the profiles the file covers. */
NESTREF_API uint32_t
nestref_vec_file_profiles(const struct nestref_vec_file *file);
/** For a deprecated profile name in the file, what to use; else NULL. */
NESTREF_API const char *
nestref_vec_file_profile_note(const struct nestref_vec_file *file);
/** The capabilities (enum nestref_cap) the file requires. */
NESTREF_API uint32_t
nestref_vec_file_requires(const struct nestref_vec_file *file);

/* Its setup: the vIOMMU's VMID, PAGE_SIZE (0: the context's default). */
NESTREF_API uint32_t
nestref_vec_file_vmid(const struct nestref_vec_file *file);
/*
 * Its vIOMMUs (setup.viommus; one unless the file gives several), numbered
 * from 0 in the order the setup allocates them, and the stage-2 VMID of
 * each (0 for a bad index).  nestref_vec_file_vmid() is vIOMMU 0's.
 */
NESTREF_API size_t
nestref_vec_file_viommus(const struct nestref_vec_file *file);
NESTREF_API uint32_t
nestref_vec_viommu_vmid(const struct nestref_vec_file *file, size_t viommu);
NESTREF_API uint32_t
nestref_vec_file_page_size(const struct nestref_vec_file *file);
/* Its devices, 0 to nestref_vec_file_devices() - 1. */
NESTREF_API size_t
nestref_vec_file_devices(const struct nestref_vec_file *file);
NESTREF_API const char *
nestref_vec_device_name(const struct nestref_vec_file *file, size_t dev);
/** The device's physical StreamIDs (1 to NESTREF_DEV_STREAMS_MAX). */
NESTREF_API size_t nestref_vec_device_psids(const struct nestref_vec_file *file,
					    size_t dev, const uint32_t **psids);
/** The vIOMMU its vSID is set on (0 unless the device names another). */
NESTREF_API size_t
nestref_vec_device_viommu(const struct nestref_vec_file *file, size_t dev);
/** Its vSID, set before every test; -ENOENT when it has none. */
NESTREF_API int nestref_vec_device_vsid(const struct nestref_vec_file *file,
					size_t dev, uint32_t *vsid);

/* Its setup vEVENTQs (spec/vectors.md 1.2), 0 to
 * nestref_vec_file_veventqs() - 1, allocated in this order. */
NESTREF_API size_t
nestref_vec_file_veventqs(const struct nestref_vec_file *file);
/* A setup vEVENTQ as the file gives it. */
struct nestref_vec_veventq {
	const char *name;
	size_t viommu;     /* a number of setup.viommus */
	uint32_t type;     /* NESTREF_VEVENTQ_TYPE_* or a raw type */
	uint32_t depth;
	bool has_sequence; /* the simulation aid `sequence` (1.2) */
	uint32_t sequence;
};
/** A queue type as vectors write it: "selftest", "arm-smmuv3", or "0x77"
 * written into buf. */
NESTREF_API const char *nestref_vec_veventq_type_text(uint32_t type,
						      char buf[16]);
/** 0 and *out, or -EINVAL for a bad index or a NULL pointer. */
NESTREF_API int nestref_vec_file_veventq(const struct nestref_vec_file *file,
					 size_t q, struct nestref_vec_veventq *out);

/* Its tests, 0 to nestref_vec_file_tests() - 1, in the order written. */
NESTREF_API size_t nestref_vec_file_tests(const struct nestref_vec_file *file);
/** The test's number (its tc), cited as "id/tc"; 0 for a bad index. */
NESTREF_API long nestref_vec_test_tc(const struct nestref_vec_file *file,
				     size_t test);
/** Its comment, or NULL. */
NESTREF_API const char *
nestref_vec_test_comment(const struct nestref_vec_file *file, size_t test);
/** The index of the test numbered tc: 0, or -ENOENT. */
NESTREF_API int nestref_vec_test_find(const struct nestref_vec_file *file,
				      long tc, size_t *test);
NESTREF_API size_t nestref_vec_test_steps(const struct nestref_vec_file *file,
					  size_t test);
/**
 * A step's action ("set_dev_user_data", "invalidate", ...) and the
 * position of its key in the file (line and column may be NULL); NULL
 * for a bad index.
 */
NESTREF_API const char *
nestref_vec_step_action(const struct nestref_vec_file *file, size_t test,
			size_t step, unsigned int *line, unsigned int *column);

/* ------------------------------------------------------------------ */
/* Running tests                                                       */

/*
 * The context every test gets is a fresh one (spec/vectors.md 1) opened
 * with the caller's struct nestref_ctx_opts: its backend, backend_options,
 * profile and rules_off.  The file decides ext_opts (its setup.smmu) and
 * page_size; the caller's are not used.  NULL options: the defaults.
 */

enum nestref_vec_verdict {
	NESTREF_VEC_PASS,
	NESTREF_VEC_PASS_PARTLY, /* passed; some checks need a capability the
				  * backend lacks and were not made */
	NESTREF_VEC_FAIL,
	NESTREF_VEC_SKIP,        /* why: profile, capability, machine */
	NESTREF_VEC_ERROR,       /* nothing ran: a bad backend or its options */
};

#define NESTREF_VEC_VERDICT_COUNT 5

/** "pass", "pass-partly", "fail", "skip", "error"; NULL if out of range. */
NESTREF_API const char *
nestref_vec_verdict_name(enum nestref_vec_verdict verdict);

/* What running a test or a file came to. */
struct nestref_vec_result;

/**
 * Runs test number `test` (an index) of file, or all its tests, and
 * returns 0 and *result, -EINVAL for a bad index or a NULL pointer, or
 * -ENOMEM.  A backend that cannot run here gives a result (a skip).
 */
NESTREF_API int nestref_vec_run_test(const struct nestref_vec_file *file,
				     size_t test,
				     const struct nestref_ctx_opts *opts,
				     struct nestref_vec_result **result);
NESTREF_API int nestref_vec_run_file(const struct nestref_vec_file *file,
				     const struct nestref_ctx_opts *opts,
				     struct nestref_vec_result **result);
NESTREF_API void nestref_vec_result_free(struct nestref_vec_result *result);

/**
 * A file's verdict is the worst of its tests': fail, then pass-partly,
 * then pass; skip only when every test was skipped.
 */
NESTREF_API enum nestref_vec_verdict
nestref_vec_result_verdict(const struct nestref_vec_result *result);
/**
 * Why the verdict is not a plain pass: a skip's reason (what `nestref
 * run` prints after "# SKIP", "backend unavailable: ..." for a backend
 * that cannot run here), the capabilities a partly checked test missed
 * ("missing observe-issued"), the first failed test ("id/tc"; the TAP
 * report has the details), or the error that stopped the run.  NULL for
 * a pass.
 */
NESTREF_API const char *
nestref_vec_result_reason(const struct nestref_vec_result *result);
/**
 * The report of `nestref run` for the same tests: "TAP version 13", the
 * plan, a line per test numbered from 1, and for a failure the YAML block
 * with the file position, what was expected and what came back.
 */
NESTREF_API const char *
nestref_vec_result_tap(const struct nestref_vec_result *result);
/** How many tests came to the verdict. */
NESTREF_API size_t
nestref_vec_result_count(const struct nestref_vec_result *result,
			 enum nestref_vec_verdict verdict);
/** The exit status `nestref run` would give (NESTREF_VEC_EXIT_*). */
NESTREF_API int
nestref_vec_result_status(const struct nestref_vec_result *result);

/* ------------------------------------------------------------------ */
/* One test, step by step (what `nestref explain` shows)               */

/* One test's context, its setup applied, and the steps run so far. */
struct nestref_vec_session;

/**
 * Opens a context for test `test` of file and applies the setup.  Returns
 * 0; -ENODEV when the backend cannot run on this machine; -EOPNOTSUPP
 * when it cannot be the file's machine (its page_size, say: a skip);
 * another -errno when the context could not be opened or the setup
 * failed.  msg (msg_len bytes, may be NULL) gets the sentence why.
 * The file must outlive the session.
 */
NESTREF_API int nestref_vec_session_open(const struct nestref_vec_file *file,
					 size_t test,
					 const struct nestref_ctx_opts *opts,
					 struct nestref_vec_session **session,
					 char *msg, size_t msg_len);
NESTREF_API void nestref_vec_session_close(struct nestref_vec_session *session);
/** The session's context, for nestref_ctx_caps() and observations. */
NESTREF_API struct nestref_ctx *
nestref_vec_session_ctx(const struct nestref_vec_session *session);

/* Whether a step's answer is what the vector expects. */
enum nestref_vec_check {
	NESTREF_VEC_CHECK_NONE, /* nothing could be checked (a capability) */
	NESTREF_VEC_CHECK_PASS,
	NESTREF_VEC_CHECK_FAIL,
};

/*
 * What a step answered.  Extensible: the caller sets size, and the
 * library fills what fits in it.
 */
struct nestref_vec_answer {
	uint32_t size;  /* sizeof(struct nestref_vec_answer) */
	int rc;         /* what the call returned: 0 or a negative errno */
	bool has_entry_num; /* an invalidate step */
	uint32_t entry_num; /* the entry_num written back */
	bool has_flags; /* a hw_info step that answered */
	uint32_t flags;
	/* The context's sentence after the call, "" for none; valid until
	 * the next step or the end of the session. */
	const char *message;
	enum nestref_vec_check check;
	uint32_t missing; /* capabilities whose checks were not made */
	/* A read_vevents step that read: how many bytes
	 * (nestref_vec_session_records() says the records). */
	bool has_read;
	size_t read_bytes;
};

/**
 * Runs the next step; step must be the number of steps run so far (steps
 * run in order, as a test runs them).  Returns 0 and *answer, -EINVAL for
 * another index, or a negative errno when the step could not be run,
 * observed or checked (-ENOMEM, -E2BIG for an array of more than 64 MiB).
 */
NESTREF_API int nestref_vec_session_step(struct nestref_vec_session *session,
					 size_t step,
					 struct nestref_vec_answer *answer);

/*
 * The records the last step read, when it was a read_vevents step that
 * read: line() gets one line for each, as the reports show them
 * ("sequence 0: virt_id 0x99", "sequence 1: F_TRANSLATION sid=0x99 ...
 * (words)", "sequence 2: LOST_EVENTS"), and a last line for bytes that
 * are not whole records.  Nothing for any other step.
 */
NESTREF_API void
nestref_vec_session_records(const struct nestref_vec_session *session,
			    void (*line)(const char *text, void *arg),
			    void *arg);

/* ------------------------------------------------------------------ */
/* What the nestref command does                                       */

/* nestref_vec_run_opts.flags */
#define NESTREF_VEC_QUIET (1u << 0)    /* no summary line (errors still) */
/*
 * Progress on err, one line rewritten in place: the tests and files done,
 * the failures so far and the file running.
 */
#define NESTREF_VEC_PROGRESS (1u << 1)
/*
 * Run the files whose `requires` names observations the backend lacks
 * (observe-issued, observe-caches, observe-hw-info, check-cache) instead
 * of skipping them: their tests run, the checks that need the missing
 * capability are not made, and they pass only partly (`nestref run
 * --partial`; spec/vectors.md 2.3).  What a kernel answers is then
 * checked even where what its hardware received cannot be seen.
 */
#define NESTREF_VEC_PARTIAL (1u << 2)
/*
 * With NESTREF_VEC_PROGRESS: no progress until the run has taken two
 * seconds, so a short run leaves err as it would be without (`nestref
 * run` on a terminal).
 */
#define NESTREF_VEC_PROGRESS_LATE (1u << 3)
/*
 * Leave out the files whose `requires` names a capability the backend
 * lacks (--partial's observations aside), instead of skipping their
 * tests: they are not tests of this backend.  The summary says how many
 * files and tests were left out and which backend runs them, so what is
 * still skipped is what does not apply (`nestref run --only-applicable`;
 * `make check` runs each backend so).
 */
#define NESTREF_VEC_APPLICABLE (1u << 4)

struct nestref_vec_run_opts {
	uint32_t size; /* sizeof(struct nestref_vec_run_opts) */
	const struct nestref_ctx_opts *ctx; /* NULL: the defaults */
	FILE *out;      /* the TAP report; NULL: stdout */
	FILE *err;      /* errors, warnings and the summary; NULL: stderr */
	uint32_t flags; /* NESTREF_VEC_* */
	/*
	 * Capabilities (enum nestref_cap) the backend is expected to have,
	 * 0 for none (`nestref run --expect-caps`).  When the context lacks
	 * one, or a test is skipped for lacking one, the run says which on
	 * err and fails (NESTREF_VEC_EXIT_FAILED), so that a backend that
	 * loses a capability fails instead of turning its tests into skips.
	 */
	uint32_t expect_caps;
	/*
	 * Machine-readable reports of the run, NULL for none: the JSON report
	 * of spec/report.md (format nestref/report-1: the implementation,
	 * the profile, each test's verdict with its references, flags and,
	 * for a failure, what was expected and what came back; the totals)
	 * and JUnit XML.  Both are written when the run ends, whatever its
	 * status: a run stopped by a load error or an unavailable backend
	 * says so in them.
	 */
	FILE *report;
	FILE *junit;
};

/* Tests counted by verdict.  Extensible like nestref_vec_answer. */
struct nestref_vec_summary {
	uint32_t size; /* sizeof(struct nestref_vec_summary) */
	size_t passed;
	size_t passed_partly;
	size_t failed;
	size_t skipped;
};

/**
 * A registered backend other than except (NULL: none) that declares every
 * capability in caps and supports profile: the one to suggest for tests
 * skipped for lacking caps.  Backends that need no kernel come first;
 * exec, which needs a program, is never suggested.  NULL if none.
 */
NESTREF_API const char *nestref_vec_backend_for(uint32_t caps,
						enum nestref_profile profile,
						const char *except);

/**
 * `nestref run PATH...`: expands the paths (a folder is searched
 * recursively for *.yaml and *.yml files, dot names passed over), loads
 * every file in sorted order and prints each load error, checks that the
 * ids are unique, runs every test and prints TAP version 13 on out and
 * the summary on err (naming the module of a backend that one loaded),
 * then a line for each expected capability that is missing
 * (expect_caps).  Returns the exit status (NESTREF_VEC_EXIT_*), and the
 * counts in summary when it is not NULL.
 */
NESTREF_API int nestref_vec_run_files(const char *const *paths, size_t n_paths,
				      const struct nestref_vec_run_opts *opts,
				      struct nestref_vec_summary *summary);

/**
 * The vector files that nestref_vec_run_files() would read for these
 * paths, in the order it reads them (a folder searched recursively for
 * *.yaml and *.yml files, spec/vectors.md 5), each given to fn.  A
 * non-zero return of fn stops the walk and is returned.  Returns 0, or a
 * negative errno after saying why on err (no vector file at all is
 * -ENOENT).  `nestref explain` selects its files with it.
 */
NESTREF_API int nestref_vec_each_file(const char *const *paths,
				      size_t n_paths, FILE *err,
				      int (*fn)(const char *path, void *arg),
				      void *arg);

/**
 * `nestref lint PATH...`: loads the files as nestref_vec_run_files() does
 * without running them, prints every load error on err, and unless quiet
 * "nestref: N file(s), no load errors".  Returns NESTREF_VEC_EXIT_OK or
 * NESTREF_VEC_EXIT_USAGE.
 */
NESTREF_API int nestref_vec_lint_files(const char *const *paths, size_t n_paths,
				       const struct nestref_vec_run_opts *opts);

/* ------------------------------------------------------------------ */
/* The vectors as JSON, for other harnesses (spec/vectors.md 7)        */

/*
 * An export document (docs/spec/export.schema.json) is one vector file
 * in Wycheproof's layout: its id, title, references, the profiles it
 * covers (a test's expectations hold under each of them), its notes and
 * setup, then its tests, each with a tcId "<id>/<tc>", its flags, a
 * result ("valid", "invalid" when a step must fail, "acceptable" when one
 * may fail or not) and its steps.  setup, notes and the steps are the
 * vector data model of docs/spec/vectors.schema.json: the YAML as JSON,
 * integers as JSON integers up to 2^64 - 1.
 */
#define NESTREF_VEC_EXPORT_FORMAT "nestref/export-1"

/* nestref_vec_export_json() flags */
#define NESTREF_VEC_EXPORT_PRETTY (1u << 8) /* indented; else one line */

/**
 * The export document of a loaded file, NUL-terminated, in *json (free()
 * it).  source is what the document names as its source (the path below
 * the exported folder; NULL: the path it was loaded from).  The file is
 * read again: returns 0, -ESTALE when it changed since it was loaded,
 * -ENOMEM, -EINVAL for a NULL argument, or the -errno of reading it.
 */
NESTREF_API int nestref_vec_export_json(const struct nestref_vec_file *file,
					const char *source, uint32_t flags,
					char **json);

/* nestref_vec_export_opts.flags: NESTREF_VEC_QUIET, and */
#define NESTREF_VEC_EXPORT_ARRAY (1u << 9) /* one JSON array, not JSON lines */

struct nestref_vec_export_opts {
	uint32_t size;     /* sizeof(struct nestref_vec_export_opts) */
	uint32_t profiles; /* NESTREF_PROFILE_BIT()s: only the files that
			    * cover one of them; 0: every file */
	/*
	 * NULL: the documents on out, one per line (JSON lines), or one
	 * indented array with NESTREF_VEC_EXPORT_ARRAY.  Else a folder: each
	 * file becomes FOLDER/<its path below the folder given>.json,
	 * indented, the folders made as needed.
	 */
	const char *output_dir;
	FILE *out;      /* NULL: stdout */
	FILE *err;      /* load errors and the summary; NULL: stderr */
	uint32_t flags;
};

/**
 * `nestref export PATH...`: expands and loads the paths as
 * nestref_vec_run_files() does, checks that the ids are unique, and
 * writes the export document of each file.  Nothing is written when a
 * file does not load.  Returns NESTREF_VEC_EXIT_OK, or
 * NESTREF_VEC_EXIT_USAGE for a load error or an output that could not be
 * written (each said on err).
 */
NESTREF_API int
nestref_vec_export_files(const char *const *paths, size_t n_paths,
			 const struct nestref_vec_export_opts *opts);

/**
 * Prints "nestref: warning: NOTE" on err (NULL: stderr), the first time
 * only in this process; nothing for a NULL note.  The two functions above
 * call it for a deprecated profile name in a file, and the command for
 * one in --profile, so that a run says it once.
 */
NESTREF_API void nestref_vec_warn_deprecated(FILE *err, const char *note);

/* ------------------------------------------------------------------ */
/* Showing strings from vectors and paths (spec/report.md 6)           */

/*
 * A comment, a reference, a path or a backend's message may hold any
 * character: everything this library prints (TAP, its YAML blocks, load
 * errors, notes) shows such strings escaped, and so must a program that
 * prints them itself (a load error of nestref_vec_diag_message() names
 * the path as it was given).  Escaped are the control characters (C0,
 * DEL, C1), the line and paragraph separators U+2028 and U+2029, the
 * bidirectional controls, the bytes that are not valid UTF-8 and the
 * backslash, as YAML's double-quoted escapes: \n, \r, \t, \e (ESC), \a
 * (BEL), \b, \v, \f, \xNN for another control below 0x80 or a byte that
 * is not UTF-8, \uNNNN for a code point above 0x7f, and \\.  Valid UTF-8
 * is otherwise kept as it is.
 */
#define NESTREF_VEC_ESCAPE_TAP (1u << 0)    /* also '#' as \#: a TAP
					     * description or directive */
#define NESTREF_VEC_ESCAPE_QUOTED (1u << 1) /* also '"' as \": the inside of
					     * a YAML double-quoted scalar */

/**
 * Writes s escaped into buf, at most len bytes with the NUL that ends it,
 * cut between two escapes or characters, never inside one.  Returns the
 * length of the whole escaped text, as snprintf() does: buf was too
 * short when it is len or more.  buf may be NULL when len is 0; a NULL s
 * is "".  flags: NESTREF_VEC_ESCAPE_*.
 */
NESTREF_API size_t nestref_vec_escape(char *buf, size_t len, const char *s,
				      uint32_t flags);
/** The same, written to out: 0, or -EIO. */
NESTREF_API int nestref_vec_escape_fputs(FILE *out, const char *s,
					 uint32_t flags);
/**
 * A message line: fmt formatted as printf() does, the whole text escaped
 * (so fmt holds no newline), then a newline.  0, -EIO, -EINVAL for a
 * format printf() refuses, or -ENOMEM when a line too long for the stack
 * found no memory: its start is written, then "... (out of memory for
 * the rest)".
 */
NESTREF_API int nestref_vec_escape_line(FILE *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif /* NESTREF_VECTORS_H */
