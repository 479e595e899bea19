/* SPDX-License-Identifier: MIT */
/*
 * fuzz-exec's child: backends/exec/exec-child.c's functions without a
 * process.  Each request line is built by the exec backend's own
 * exec_line_request() and checked here; each reply is the next line of the
 * input, checked by the backend's own exec_line_reply(), so that the
 * replies reach every check of exec.c and exec-line.c in-process
 * (docs/fuzzing.md section 4).  A reply line that starts with '*' has it
 * replaced by {"id":N, with the request's id, so that an input need not
 * count its requests; any other line is read as it is.  When the lines
 * run out the child is gone: the request fails with EIO, as a child that
 * exited would make it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "backends/exec/exec.h"
#include "exec-child-fake.h"
#include "fuzz.h"

static struct {
	const uint8_t *p;
	size_t n;
} fuzz_replies;

void fuzz_exec_replies(const uint8_t *p, size_t n)
{
	fuzz_replies.p = p;
	fuzz_replies.n = n;
}

int exec_child_init(struct exec_child *c, char *msg, size_t msg_len)
{
	(void)msg;
	(void)msg_len;
	memset(c, 0, sizeof(*c));
	c->to_child = -1;
	c->from_child = -1;
	c->timeout = EXEC_TIMEOUT_DEFAULT;
	return 0;
}

int exec_child_start(struct exec_child *c, const char *command, char *msg,
		     size_t msg_len)
{
	(void)command;
	(void)msg;
	(void)msg_len;
	/* Running as far as exec_child_call() can tell; nothing is killed. */
	c->pid = 1;
	return 0;
}

static void fake_end(struct exec_child *c)
{
	nestref_free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
	c->pid = 0;
}

void exec_child_stop(struct exec_child *c)
{
	fake_end(c);
}

int exec_child_fail(struct exec_child *c, const char *op, char *msg,
		    size_t msg_len, const char *fmt, ...)
{
	char what[EXEC_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(c->failure, sizeof(c->failure), "request %lu (%s): %s",
		 c->id, op, what);
	c->failed = true;
	fake_end(c);
	snprintf(msg, msg_len, "exec: %s", c->failure);
	return -EIO;
}

/* The request nestref wrote: one JSON object with its id and op. */
static void check_request(const struct exec_child *c, const char *op,
			  const char *line, size_t n)
{
	json_error_t err;
	const char *name;
	json_t *r;

	FUZZ_CHECK(n > 0 && line[n - 1] == '\n' && !memchr(line, '\n', n - 1),
		   "request %lu (%s) is not one line", c->id, op);
	r = json_loadb(line, n - 1, JSON_REJECT_DUPLICATES, &err);
	FUZZ_CHECK(json_is_object(r), "request %lu (%s) is not JSON: %s",
		   c->id, op, err.text);
	name = json_string_value(json_object_get(r, "op"));
	FUZZ_CHECK(json_integer_value(json_object_get(r, "id")) ==
				   (json_int_t)c->id &&
			   name && !strcmp(name, op),
		   "request %lu (%s) has another id or op", c->id, op);
	json_decref(r);
}

/* The next reply line into c->buf: 0, -ENOENT for none, or -ENOMEM. */
static int next_reply(struct exec_child *c, size_t *nl)
{
	const uint8_t *end;
	char head[32];
	size_t line, len, extra = 0;
	int h = 0;
	char *buf;

	if (!fuzz_replies.n)
		return -ENOENT;
	end = memchr(fuzz_replies.p, '\n', fuzz_replies.n);
	line = end ? (size_t)(end - fuzz_replies.p) : fuzz_replies.n;
	/* a '*' is not the newline: the line has it */
	if (fuzz_replies.p[0] == '*') {
		h = snprintf(head, sizeof(head), "{\"id\":%lu,", c->id);
		extra = 1;
	}
	len = (size_t)h + line - extra;
	buf = nestref_realloc(c->buf, len + 1);
	if (!buf)
		return -ENOMEM;
	c->buf = buf;
	c->cap = len + 1;
	memcpy(buf, head, (size_t)h);
	memcpy(buf + h, fuzz_replies.p + extra, line - extra);
	buf[len] = '\n';
	c->len = len + 1;
	*nl = len;
	fuzz_replies.p += line + (end ? 1 : 0);
	fuzz_replies.n -= line + (end ? 1 : 0);
	return 0;
}

int exec_child_call(struct exec_child *c, const char *op, json_t *req,
		    json_t **reply, char *msg, size_t msg_len)
{
	size_t n, nl = 0;
	char *line;
	int rc;

	*reply = NULL;
	rc = exec_line_request(c, op, req, &line, &n, msg, msg_len);
	if (rc)
		return rc;
	check_request(c, op, line, n);
	nestref_free(line);
	rc = next_reply(c, &nl);
	if (rc == -ENOENT)
		return exec_child_fail(c, op, msg, msg_len,
				       "the child exited with status 0 before it replied");
	if (rc)
		return exec_child_fail(c, op, msg, msg_len,
				       "reading from the child: %s",
				       strerror(-rc));
	return exec_line_reply(c, op, nl, reply, msg, msg_len);
}
