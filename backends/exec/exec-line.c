/* SPDX-License-Identifier: MIT */
/*
 * The lines of the exec protocol (docs/spec/protocol.md sections 1 and
 * 3): the request line nestref writes and the checks of the reply line it
 * reads, apart from the child process and the pipes (exec-child.c), so
 * that tests/fuzz/ can feed replies to the same checks in-process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>
#include <nestref/nestref.h>

#include "exec.h"

void exec_excerpt(const char *p, size_t n, char *out, size_t out_len)
{
	size_t i, j = 0;

	for (i = 0; i < n && j + 4 < out_len && i < 40; i++)
		out[j++] = (char)(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?');
	if (i < n && j + 4 < out_len) {
		out[j++] = '.';
		out[j++] = '.';
		out[j++] = '.';
	}
	out[j] = '\0';
}

int exec_line_request(struct exec_child *c, const char *op, json_t *req,
		      char **line, size_t *len, char *msg, size_t msg_len)
{
	json_t *head;
	size_t n;
	char *s;

	*line = NULL;
	*len = 0;
	c->id++;
	if (c->failed || c->pid <= 0) {
		snprintf(msg, msg_len, "exec: request %lu (%s) not sent: %s",
			 c->id, op,
			 c->failed ? c->failure : "the child is not running");
		return -EIO;
	}
	/* id and op first, for people reading a session. */
	head = json_pack("{s:I, s:s}", "id", (json_int_t)c->id, "op", op);
	n = head && !json_object_update(head, req) ?
		    json_dumpb(head, NULL, 0, JSON_COMPACT) :
		    0;
	s = n ? nestref_malloc(n + 1) : NULL;
	if (!s || json_dumpb(head, s, n, JSON_COMPACT) != n) {
		nestref_free(s);
		json_decref(head);
		snprintf(msg, msg_len, "exec: request %lu (%s): out of memory",
			 c->id, op);
		return -ENOMEM;
	}
	json_decref(head);
	s[n] = '\n';
	*line = s;
	*len = n + 1;
	return 0;
}

/* The members every reply has (protocol.md section 3). */
static int exec_check_reply(struct exec_child *c, const char *op,
			    const json_t *r, char *msg, size_t msg_len)
{
	const json_t *rc = json_object_get(r, "rc");
	const json_t *name = json_object_get(r, "errno");
	const json_t *text = json_object_get(r, "message");
	const json_t *rule = json_object_get(r, "rule");
	uint64_t id;
	int err;

	if (exec_json_get_u64(json_object_get(r, "id"), &id) || id != c->id)
		return exec_child_fail(c, op, msg, msg_len,
				       "the reply's id is not %lu", c->id);
	if (!json_is_integer(rc) || json_integer_value(rc) > 0)
		return exec_child_fail(c, op, msg, msg_len,
				       "the reply's rc is not 0 or a negative errno");
	if (json_integer_value(rc) < 0 &&
	    (!json_is_string(name) ||
	     nestref_errno_parse(json_string_value(name), &err)))
		return exec_child_fail(c, op, msg, msg_len,
				       "rc %lld without the name of an errno nestref knows",
				       (long long)json_integer_value(rc));
	if ((text && !json_is_string(text)) || (rule && !json_is_string(rule)))
		return exec_child_fail(c, op, msg, msg_len,
				       "the reply's message or rule is not a string");
	return 0;
}

int exec_line_reply(struct exec_child *c, const char *op, size_t nl,
		    json_t **reply, char *msg, size_t msg_len)
{
	json_error_t jerr;
	char text[64];
	json_t *r;
	int rc;

	*reply = NULL;
	r = json_loadb(c->buf, nl, JSON_REJECT_DUPLICATES, &jerr);
	if (!r || !json_is_object(r)) {
		json_decref(r);
		exec_excerpt(c->buf, nl, text, sizeof(text));
		return exec_child_fail(c, op, msg, msg_len,
				       "the reply is not a JSON object: '%s'",
				       text);
	}
	rc = exec_check_reply(c, op, r, msg, msg_len);
	if (rc) {
		json_decref(r);
		return rc;
	}
	if (nl + 1 < c->len) {
		json_decref(r);
		exec_excerpt(c->buf + nl + 1, c->len - nl - 1, text,
			     sizeof(text));
		return exec_child_fail(c, op, msg, msg_len,
				       "the child wrote '%s' after its reply (stray output)",
				       text);
	}
	c->len = 0;
	*reply = r;
	return 0;
}
