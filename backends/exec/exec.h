/* SPDX-License-Identifier: MIT */
/*
 * The exec backend's private header: the child process and its transport
 * (exec-child.c), the request and reply lines (exec-line.c), and the
 * JSON helpers of the protocol (exec-json.c).
 * docs/spec/protocol.md is the protocol.
 */
#ifndef NESTREF_BACKEND_EXEC_H
#define NESTREF_BACKEND_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

/* A reply line is at most this long, its newline included. */
#define EXEC_REPLY_MAX (1u << 20)
/* The entries a cache_invalidate_user request carries, at most. */
#define EXEC_COPY_MAX (64u << 20)
/* Seconds per request unless $NESTREF_EXEC_TIMEOUT says otherwise. */
#define EXEC_TIMEOUT_DEFAULT 10.0
#define EXEC_PROTOCOL 1

#define EXEC_MSG_LEN 240

/* One child process, one context (protocol.md section 1). */
struct exec_child {
	pid_t pid;       /* 0: none running */
	int to_child;    /* our end of its stdin, -1 when closed */
	int from_child;  /* our end of its stdout, -1 when closed */
	char *buf;       /* the reply being read */
	size_t len, cap;
	unsigned long id; /* the last request's id */
	double timeout;   /* seconds per request */
	/* After the first failure every request fails with this. */
	bool failed;
	char failure[EXEC_MSG_LEN + 64];
};

/**
 * Sets up c (no child yet) with the timeout of $NESTREF_EXEC_TIMEOUT.
 * -EINVAL with a sentence in msg when that is not a positive number.
 */
int exec_child_init(struct exec_child *c, char *msg, size_t msg_len);

/**
 * Starts `/bin/sh -c command` with pipes on its stdin and stdout.  0, or
 * a negative errno with a sentence in msg.
 */
int exec_child_start(struct exec_child *c, const char *command, char *msg,
		     size_t msg_len);

/**
 * Sends req (its "id" and "op" are set here) and reads the reply, which
 * must be an object with the request's id and a valid rc/errno pair.
 * Returns 0 with *reply (the caller owns it), or -EIO after a failure of
 * the child or of the protocol: the child is then killed and reaped, and
 * msg holds "exec: request N (OP): what happened".
 */
int exec_child_call(struct exec_child *c, const char *op, json_t *req,
		    json_t **reply, char *msg, size_t msg_len);

/* The lines (exec-line.c) ------------------------------------------- */

/**
 * The next request to c: counts it (c->id), then builds its line for req
 * (its members after "id" and "op"), ended by its newline.  0 with *line
 * (nestref_free() it) and its length *len; -EIO when c has failed or is
 * not running, -ENOMEM, each with msg saying so.
 */
int exec_line_request(struct exec_child *c, const char *op, json_t *req,
		      char **line, size_t *len, char *msg, size_t msg_len);

/**
 * Checks the reply in c->buf, whose newline is at offset nl: one JSON
 * object with the id of request c->id and a valid rc/errno pair, and
 * nothing after its newline (c->len bytes were read).  Returns 0 with
 * *reply (the caller owns it) and c->len reset, or exec_child_fail()'s
 * -EIO with msg saying why.
 */
int exec_line_reply(struct exec_child *c, const char *op, size_t nl,
		    json_t **reply, char *msg, size_t msg_len);

/* A printable excerpt of n bytes at p (40 at most), for messages. */
void exec_excerpt(const char *p, size_t n, char *out, size_t out_len);

/**
 * A reply broke the protocol in a way only its op can tell (a missing
 * member): records "exec: request N (OP): why" as the child's failure,
 * kills it, copies the sentence into msg and returns -EIO.
 */
int exec_child_fail(struct exec_child *c, const char *op, char *msg,
		    size_t msg_len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/**
 * Ends the child: closes its stdin, waits for its exit up to the timeout,
 * kills it if it has not, reaps it and closes every descriptor.
 */
void exec_child_stop(struct exec_child *c);

/* JSON helpers (exec-json.c) ----------------------------------------- */

/* A u64 as protocol.md section 2 writes it: a number below 2^53, else a
 * "0x..." string. */
json_t *exec_json_u64(uint64_t v);
/* Reads a u64 written either way; -1 when it is neither. */
int exec_json_get_u64(const json_t *v, uint64_t *out);
/* Reads an integer 0 .. UINT32_MAX; -1 otherwise. */
int exec_json_get_u32(const json_t *v, uint32_t *out);
/* Bytes as a lowercase hex string; NULL when out of memory. */
json_t *exec_json_hex(const void *bytes, size_t n);
/*
 * A hex string of exactly n bytes into out; -1 when v is not a string of
 * 2n hex digits.
 */
int exec_json_unhex(const json_t *v, void *out, size_t n);

#endif /* NESTREF_BACKEND_EXEC_H */
