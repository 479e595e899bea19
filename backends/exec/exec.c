/* SPDX-License-Identifier: MIT */
/*
 * The exec backend: an implementation under test in any language, run as
 * a child process (`nestref run --backend exec:COMMAND`) and spoken to
 * with the JSON-lines protocol of docs/spec/protocol.md.
 *
 * The core keeps doing what it does for every backend (object IDs, the
 * checks, entry_num written back, its profile rules); each op of this
 * table is one request to the child, which plays the driver.  What the
 * child announces in its hello reply narrows the context: its
 * capabilities (nestref_ctx_set_caps()), its user-data length
 * (nestref_ctx_set_dev_user_data_len()), and its profiles, whose absence
 * makes open refuse the context.  exec-child.c keeps the child in check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>
#include <nestref/smmuv3.h>

#include "exec.h"

#define EXEC_USER_DATA_MAX 4096
#define EXEC_ENTRY_SIZE_MAX 4096

struct exec_ctx {
	struct exec_child child;
	char name[64]; /* the child's, from hello */
	bool has_inv;
	uint32_t inv_type;
	uint32_t inv_entry_size;
	/* What the last observation of each kind returned. */
	struct nestref_smmuv3_cmd *issued;
	size_t n_issued;
	struct nestref_smmuv3_cache_entry *caches;
	size_t n_caches;
	struct nestref_smmuv3_trace_event *events;
	size_t n_events;
	char **texts; /* the events' strings */
	size_t n_texts;
	struct nestref_counter *counters;
	size_t n_counters;
	/*
	 * The first failed report of the vevents the last reply carried
	 * (protocol.md section 4.7), 0 when every one was reported.
	 */
	int event_rc;
};

static const char *const exec_cache_kinds[] = { "tlb", "cfg", "atc" };
static const char *const exec_cache_flags[] = { "global", "walk", "ssid" };
static const char *const exec_trace_kinds[] = { "rewrite", "reject", "issue",
						"exec", "note" };

static struct exec_ctx *exec_priv(struct nestref_ctx *ctx)
{
	return nestref_ctx_priv(ctx);
}

/* ------------------------------------------------------------ requests */

/*
 * The child's verdict in a reply that exec_child_call() accepted: 0, or
 * its errno with its message (and rule) as the context's message.
 */
static int exec_verdict(struct nestref_ctx *ctx, const json_t *r)
{
	const json_t *text = json_object_get(r, "message");
	const json_t *rule = json_object_get(r, "rule");
	const char *m;
	enum nestref_rule which;
	int e = 0;

	if (json_integer_value(json_object_get(r, "rc")) == 0)
		return 0;
	nestref_errno_parse(json_string_value(json_object_get(r, "errno")), &e);
	m = json_is_string(text) ? json_string_value(text) : nestref_strerror(e);
	if (json_is_string(rule) &&
	    nestref_rule_parse(json_string_value(rule), &which) == 0)
		return nestref_ctx_fail_rule(ctx, -e, which, "%s", m);
	if (json_is_string(text))
		nestref_ctx_set_message(ctx, "%s", m);
	return -e;
}

/* A reply member that breaks the protocol: the child is done. */
static int exec_bad_reply(struct nestref_ctx *ctx, const char *op,
			  const char *what)
{
	struct exec_ctx *ec = exec_priv(ctx);
	char msg[EXEC_MSG_LEN + 64];
	int rc;

	rc = exec_child_fail(&ec->child, op, msg, sizeof(msg), "%s", what);
	nestref_ctx_set_message(ctx, "%s", msg);
	return rc;
}

/* An event's data, at most (protocol.md section 4.7). */
#define EXEC_EVENT_MAX 256

/*
 * One member of a reply's vevents: its vIOMMU (one the core holds), type
 * and 1 to EXEC_EVENT_MAX bytes of data; -1 when it is malformed.
 */
static int exec_event(struct nestref_ctx *ctx, const json_t *e,
		      struct nestref_viommu **viommu, uint32_t *type,
		      unsigned char *data, size_t *len)
{
	const json_t *hex = json_object_get(e, "data");
	uint32_t id;

	if (exec_json_get_u32(json_object_get(e, "viommu"), &id) ||
	    exec_json_get_u32(json_object_get(e, "type"), type) ||
	    !json_is_string(hex))
		return -1;
	*viommu = nestref_ctx_viommu(ctx, id);
	*len = json_string_length(hex) / 2;
	if (!*viommu || !*len || *len > EXEC_EVENT_MAX)
		return -1;
	return exec_json_unhex(hex, data, *len);
}

/*
 * The vevents a reply carries (protocol.md section 4.7): all are checked
 * before any is reported, so that a malformed reply reports none; then
 * each goes to nestref_viommu_report_event() in order, the queues being
 * the core's (kernel-facts 2.12).  0 with the first failed report in
 * ec->event_rc, or the protocol error.
 */
static int exec_report_events(struct nestref_ctx *ctx, const char *op,
			      const json_t *r)
{
	struct exec_ctx *ec = exec_priv(ctx);
	const json_t *events = json_object_get(r, "vevents");
	unsigned char data[EXEC_EVENT_MAX];
	struct nestref_viommu *viommu;
	const json_t *e;
	uint32_t type;
	size_t i, len;
	int rc;

	ec->event_rc = 0;
	if (!events || json_is_null(events))
		return 0;
	if (!json_is_array(events))
		return exec_bad_reply(ctx, op, "vevents is not an array");
	json_array_foreach (events, i, e)
		if (exec_event(ctx, e, &viommu, &type, data, &len)) {
			char what[128];

			snprintf(what, sizeof(what),
				 "vevent %zu needs a vIOMMU of the context, a u32 type and 1 to %d bytes of hex data",
				 i, EXEC_EVENT_MAX);
			return exec_bad_reply(ctx, op, what);
		}
	json_array_foreach (events, i, e) {
		exec_event(ctx, e, &viommu, &type, data, &len);
		rc = nestref_viommu_report_event(viommu, type, data, len);
		if (rc && !ec->event_rc)
			ec->event_rc = rc;
	}
	return 0;
}

/*
 * One request (req is consumed; NULL means it could not be built): the
 * child's verdict, or -EIO when the child or the protocol failed, each
 * with its message.  With reply, the reply whenever the child gave one
 * (the caller frees it).  -ENOMEM when memory ran out on nestref's side,
 * the request unsent or its reply lost.  With tell, the request is a
 * void op's (a destroy, an unset, a clear), which cannot fail: when it
 * ran out of memory the child keeps what nestref dropped, so the child
 * is failed, and every later request says why (protocol.md section 6).
 */
static int exec_call_ex(struct nestref_ctx *ctx, const char *op, json_t *req,
			json_t **reply, bool tell)
{
	struct exec_ctx *ec = exec_priv(ctx);
	char msg[EXEC_MSG_LEN + 64];
	json_t *r = NULL;
	int rc = -ENOMEM;

	if (reply)
		*reply = NULL;
	snprintf(msg, sizeof(msg), "exec: %s: out of memory", op);
	if (req) {
		rc = exec_child_call(&ec->child, op, req, &r, msg, sizeof(msg));
		json_decref(req);
	}
	if (rc == -ENOMEM && tell && !ec->child.failed)
		exec_child_fail(&ec->child, op, msg, sizeof(msg),
				"out of memory: the child was not told, and its state is no longer nestref's");
	if (rc) {
		nestref_ctx_set_message(ctx, "%s", msg);
		return rc;
	}
	rc = exec_report_events(ctx, op, r);
	if (rc) {
		json_decref(r);
		return rc;
	}
	rc = exec_verdict(ctx, r);
	if (reply)
		*reply = r;
	else
		json_decref(r);
	return rc;
}

static int exec_call(struct nestref_ctx *ctx, const char *op, json_t *req,
		     json_t **reply)
{
	return exec_call_ex(ctx, op, req, reply, false);
}

/* A void op's request (exec_call_ex). */
static void exec_tell(struct nestref_ctx *ctx, const char *op, json_t *req)
{
	exec_call_ex(ctx, op, req, NULL, true);
}

/* An array of names, or NULL without memory. */
static json_t *exec_names(const char *const *names, size_t n, uint32_t bits)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if ((bits & (1u << i)) &&
		    json_array_append_new(a, json_string(names[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Names of an array into bits; -1 when a member is not a known name
 * (with allow_unknown, unknown strings are passed over). */
static int exec_parse_names(const json_t *a, const char *const *names,
			    size_t n, bool allow_unknown, uint32_t *bits)
{
	const json_t *v;
	size_t i, k;

	*bits = 0;
	if (!a)
		return 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach (a, i, v) {
		if (!json_is_string(v))
			return -1;
		for (k = 0; k < n; k++)
			if (strcmp(json_string_value(v), names[k]) == 0)
				break;
		if (k < n)
			*bits |= 1u << k;
		else if (!allow_unknown)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ the child */

/* Where the command starts: after the first "cmd=" that opens the string
 * or follows a comma (protocol.md section 6). */
static const char *exec_command(const char *options, size_t *prefix)
{
	const char *p = options;

	while (p) {
		if (strncmp(p, "cmd=", 4) == 0) {
			*prefix = p == options ? 0 : (size_t)(p - options) - 1;
			return p + 4;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return NULL;
}

static int exec_hello(struct nestref_ctx *ctx, struct exec_ctx *ec)
{
	/* Every name the library knows: what a child may announce. */
	const char *all_caps[NESTREF_CAP_COUNT];
	const char *profiles[NESTREF_PROFILE_COUNT];
	enum nestref_profile want = nestref_ctx_profile(ctx);
	uint32_t caps, have, len;
	json_t *r, *inv, *v;
	char list[128] = "";
	int rc, p;

	for (p = 0; p < NESTREF_CAP_COUNT; p++)
		all_caps[p] = nestref_cap_name(1u << p);

	for (p = 0; p < NESTREF_PROFILE_COUNT; p++)
		profiles[p] = nestref_profile_name((enum nestref_profile)p);
	rc = exec_call(ctx, "hello",
		       json_pack("{s:i, s:s}", "protocol", EXEC_PROTOCOL,
				 "nestref", nestref_version()),
		       &r);
	if (rc) {
		json_decref(r);
		return rc;
	}
	v = json_object_get(r, "protocol");
	if (!json_is_integer(v) || json_integer_value(v) != EXEC_PROTOCOL)
		rc = exec_bad_reply(ctx, "hello",
				    "the child does not speak protocol 1");
	else if (!json_is_string(json_object_get(r, "name")) ||
		 !json_is_string(json_object_get(r, "version")))
		rc = exec_bad_reply(ctx, "hello",
				    "the reply lacks the string name or version");
	else if (exec_parse_names(json_object_get(r, "caps"), all_caps,
				  NESTREF_CAP_COUNT, true, &caps) ||
		 exec_parse_names(json_object_get(r, "profiles"), profiles,
				  NESTREF_PROFILE_COUNT, true, &have) ||
		 !json_is_array(json_object_get(r, "caps")) ||
		 !json_is_array(json_object_get(r, "profiles")))
		rc = exec_bad_reply(ctx, "hello",
				    "caps and profiles must be arrays of names");
	else if (exec_json_get_u32(json_object_get(r, "dev_user_data_len"),
				   &len) ||
		 len > EXEC_USER_DATA_MAX)
		rc = exec_bad_reply(ctx, "hello",
				    "dev_user_data_len is not 0 to 4096");
	if (rc) {
		json_decref(r);
		return rc;
	}
	snprintf(ec->name, sizeof(ec->name), "%s",
		 json_string_value(json_object_get(r, "name")));
	inv = json_object_get(r, "invalidate");
	if (inv && !json_is_null(inv)) {
		if (exec_json_get_u32(json_object_get(inv, "type"),
				      &ec->inv_type) ||
		    exec_json_get_u32(json_object_get(inv, "entry_size"),
				      &ec->inv_entry_size) ||
		    ec->inv_entry_size == 0 ||
		    ec->inv_entry_size > EXEC_ENTRY_SIZE_MAX) {
			json_decref(r);
			return exec_bad_reply(ctx, "hello",
					      "invalidate needs a type and an entry_size of 1 to 4096");
		}
		ec->has_inv = true;
	}
	json_decref(r);
	if (!(have & NESTREF_PROFILE_BIT(want))) {
		for (p = 0; p < NESTREF_PROFILE_COUNT; p++)
			if (have & NESTREF_PROFILE_BIT(p))
				snprintf(list + strlen(list),
					 sizeof(list) - strlen(list), "%s%s",
					 list[0] ? ", " : "", profiles[p]);
		nestref_ctx_set_message(ctx,
					"exec: %s does not answer as %s (it announces %s)",
					ec->name, profiles[want],
					list[0] ? list : "no profile nestref knows");
		return -EOPNOTSUPP;
	}
	nestref_ctx_set_caps(ctx, caps);
	nestref_ctx_set_dev_user_data_len(ctx, len);
	return 0;
}

static json_t *exec_features(const struct nestref_ctx *ctx)
{
	struct nestref_smmuv3_features f;

	nestref_smmuv3_ctx_features(ctx, &f);
	return json_pack("{s:I, s:I, s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
			 "sidsize", (json_int_t)f.sidsize, "ssidsize",
			 (json_int_t)f.ssidsize, "asid16", f.asid16, "vmid16",
			 f.vmid16, "ril", f.ril, "ats", f.ats, "ds", f.ds,
			 "repeat_tlbi_cfgi", f.repeat_tlbi_cfgi,
			 "gerror_irq_blocked", f.gerror_irq_blocked);
}

static int exec_send_open(struct nestref_ctx *ctx, const char *options,
			  size_t options_len)
{
	json_t *rules = json_array();
	int r;

	for (r = 0; rules && r < NESTREF_RULE_COUNT; r++)
		if (nestref_ctx_rule(ctx, (enum nestref_rule)r) &&
		    json_array_append_new(rules,
					  json_string(nestref_rule_name(
						  (enum nestref_rule)r)))) {
			json_decref(rules);
			rules = NULL;
		}
	return exec_call(ctx, "open",
			 json_pack("{s:s, s:o, s:I, s:o, s:o, s:s%}", "profile",
				   nestref_profile_name(nestref_ctx_profile(ctx)),
				   "rules", rules, "page_size",
				   (json_int_t)nestref_ctx_page_size(ctx),
				   "kmalloc_max",
				   exec_json_u64(nestref_ctx_kmalloc_max(ctx)),
				   "smmu", exec_features(ctx), "options",
				   options, options_len),
			 NULL);
}

static void exec_obs_free(struct exec_ctx *ec)
{
	size_t i;

	for (i = 0; i < ec->n_texts; i++)
		nestref_free(ec->texts[i]);
	nestref_free(ec->texts);
	nestref_free(ec->events);
	nestref_free(ec->issued);
	nestref_free(ec->caches);
	nestref_free(ec->counters);
	ec->texts = NULL;
	ec->events = NULL;
	ec->issued = NULL;
	ec->caches = NULL;
	ec->counters = NULL;
	ec->n_texts = ec->n_events = ec->n_issued = ec->n_caches = 0;
	ec->n_counters = 0;
}

static int exec_open(struct nestref_ctx *ctx, const char *options)
{
	struct exec_ctx *ec = exec_priv(ctx);
	char msg[EXEC_MSG_LEN];
	const char *command;
	size_t prefix = 0;
	int rc;

	rc = exec_child_init(&ec->child, msg, sizeof(msg));
	if (rc) {
		nestref_ctx_set_message(ctx, "%s", msg);
		return rc;
	}
	command = options ? exec_command(options, &prefix) : NULL;
	if (!command || !*command) {
		nestref_ctx_set_message(ctx,
					"exec: no command: use --backend exec:COMMAND, or backend options that end in cmd=COMMAND");
		return -EINVAL;
	}
	rc = exec_child_start(&ec->child, command, msg, sizeof(msg));
	if (rc) {
		nestref_ctx_set_message(ctx, "%s", msg);
		return rc;
	}
	rc = exec_hello(ctx, ec);
	if (!rc)
		rc = exec_send_open(ctx, options, prefix);
	if (rc) {
		/* The core calls close only for contexts that opened. */
		exec_child_stop(&ec->child);
		return rc;
	}
	return 0;
}

static void exec_close_ctx(struct nestref_ctx *ctx)
{
	struct exec_ctx *ec = exec_priv(ctx);

	/*
	 * Not a void op's exec_tell: a child that is not told (memory ran
	 * out) ends at the end of its stdin all the same (protocol.md 1).
	 */
	exec_call(ctx, "close", json_object(), NULL);
	exec_child_stop(&ec->child);
	exec_obs_free(ec);
}

/* ------------------------------------------------------------ objects */

static int exec_viommu_init(struct nestref_viommu *viommu)
{
	return exec_call(nestref_viommu_ctx(viommu), "viommu_init",
			 json_pack("{s:I, s:I}", "viommu",
				   (json_int_t)nestref_viommu_id(viommu),
				   "s2_id",
				   (json_int_t)nestref_viommu_s2_id(viommu)),
			 NULL);
}

static void exec_viommu_destroy(struct nestref_viommu *viommu)
{
	exec_tell(nestref_viommu_ctx(viommu), "viommu_destroy",
		  json_pack("{s:I}", "viommu",
			    (json_int_t)nestref_viommu_id(viommu)));
}

static int exec_dev_init(struct nestref_dev *dev)
{
	json_t *psids = json_array();
	size_t i;

	for (i = 0; psids && i < nestref_dev_stream_count(dev); i++)
		if (json_array_append_new(psids,
					  json_integer((json_int_t)nestref_dev_stream(dev, i)))) {
			json_decref(psids);
			psids = NULL;
		}
	return exec_call(nestref_dev_ctx(dev), "dev_init",
			 json_pack("{s:I, s:o}", "dev",
				   (json_int_t)nestref_dev_id(dev), "psids",
				   psids),
			 NULL);
}

static void exec_dev_destroy(struct nestref_dev *dev)
{
	exec_tell(nestref_dev_ctx(dev), "dev_destroy",
		  json_pack("{s:I}", "dev", (json_int_t)nestref_dev_id(dev)));
}

/* ------------------------------------------------------------ user data */

static json_t *exec_unset_req(struct nestref_dev *dev,
			      struct nestref_viommu *viommu, json_t *virt_id)
{
	return json_pack("{s:I, s:I, s:o, s:I}", "viommu",
			 (json_int_t)nestref_viommu_id(viommu), "dev",
			 (json_int_t)nestref_dev_id(dev), "virt_id", virt_id,
			 "vdevices", (json_int_t)nestref_dev_vdevice_count(dev));
}

static int exec_set_dev_user_data(struct nestref_dev *dev,
				  const void *user_data)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	struct nestref_viommu *viommu = nestref_dev_viommu(dev);
	const json_t *link;
	uint64_t virt_id;
	json_t *r;
	int rc;

	rc = exec_call(ctx, "set_dev_user_data",
		       json_pack("{s:I, s:I, s:o, s:I}", "viommu",
				 (json_int_t)nestref_viommu_id(viommu), "dev",
				 (json_int_t)nestref_dev_id(dev), "data",
				 exec_json_hex(user_data,
					       nestref_dev_user_data_len(ctx)),
				 "vdevices",
				 (json_int_t)nestref_dev_vdevice_count(dev)),
		       &r);
	link = rc ? NULL : json_object_get(r, "link");
	if (!link || json_is_null(link)) {
		json_decref(r);
		return rc;
	}
	if (exec_json_get_u64(link, &virt_id)) {
		json_decref(r);
		return exec_bad_reply(ctx, "set_dev_user_data",
				      "link is not a u64");
	}
	json_decref(r);
	rc = nestref_viommu_link(viommu, virt_id, dev);
	if (!rc)
		return 0;
	/*
	 * The child linked and the core could not (the ID is taken in the
	 * core's table, or memory ran out): undo the child's set.
	 */
	exec_tell(ctx, "unset_dev_user_data",
		  exec_unset_req(dev, viommu, exec_json_u64(virt_id)));
	if (rc != -EEXIST)
		return rc;
	nestref_ctx_set_message(ctx,
				"exec: %s linked virtual ID 0x%llx, which is already linked in vIOMMU %u (a driver refuses it)",
				exec_priv(ctx)->name, (unsigned long long)virt_id,
				nestref_viommu_id(viommu));
	return -EEXIST;
}

static void exec_unset_dev_user_data(struct nestref_dev *dev)
{
	struct nestref_viommu *viommu = nestref_dev_viommu(dev);
	uint64_t virt_id = nestref_dev_virt_id(dev);
	bool linked = nestref_viommu_find_dev(viommu, virt_id) == dev;

	exec_tell(nestref_dev_ctx(dev), "unset_dev_user_data",
		  exec_unset_req(dev, viommu,
				 linked ? exec_json_u64(virt_id) : json_null()));
	if (linked)
		nestref_viommu_unlink(viommu, virt_id);
}

/* ------------------------------------------------------------ invalidation */

/*
 * What nestref_user_array_copy() gives for the whole array with the
 * child's type and entry size (protocol.md section 4.5), checked before
 * anything is allocated, so that the memory follows the caller's buffer
 * and not the entry_num it claims.
 */
static json_t *exec_copy(const struct exec_ctx *ec,
			 const struct nestref_user_array *array)
{
	size_t size = ec->inv_entry_size;
	uint64_t total = (uint64_t)array->entry_num * size;
	unsigned char *buf = NULL;
	json_t *hex;
	int rc;

	rc = nestref_user_array_check(array, ec->inv_type, size, 0,
				      array->entry_num);
	if (!rc && total > EXEC_COPY_MAX)
		rc = -ENOMEM;
	if (!rc) {
		buf = nestref_malloc((size_t)total);
		rc = buf ? nestref_user_array_copy(array, ec->inv_type, size,
						   0, array->entry_num, buf) :
			   -ENOMEM;
	}
	if (rc) {
		nestref_free(buf);
		return json_pack("{s:i, s:s}", "rc", rc, "errno",
				 nestref_errno_name(rc));
	}
	hex = exec_json_hex(buf, (size_t)total);
	nestref_free(buf);
	return json_pack("{s:i, s:o}", "rc", 0, "entries", hex);
}

static int exec_cache_invalidate_user(struct nestref_viommu *viommu,
				      struct nestref_user_array *array)
{
	struct nestref_ctx *ctx = nestref_viommu_ctx(viommu);
	struct exec_ctx *ec = exec_priv(ctx);
	uint32_t n = array->entry_num, handled;
	const json_t *num;
	json_t *r;
	int rc;

	if (!ec->has_inv) {
		array->entry_num = 0;
		nestref_ctx_set_message(ctx,
					"exec: %s announced no invalidation type",
					ec->name);
		return -EOPNOTSUPP;
	}
	rc = exec_call(ctx, "cache_invalidate_user",
		       json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "viommu",
				 (json_int_t)nestref_viommu_id(viommu), "type",
				 (json_int_t)array->type, "entry_len",
				 (json_int_t)array->entry_len, "entry_num",
				 (json_int_t)n, "base",
				 (json_int_t)nestref_viommu_inv_base(viommu),
				 "copy", exec_copy(ec, array)),
		       &r);
	if (!r) {
		/* No verdict: nothing is known to be handled. */
		array->entry_num = 0;
		return rc;
	}
	num = json_object_get(r, "entry_num");
	handled = n;
	if (num && (exec_json_get_u32(num, &handled) || handled > n)) {
		json_decref(r);
		array->entry_num = 0;
		return exec_bad_reply(ctx, "cache_invalidate_user",
				      "entry_num is not 0 to the request's entry_num");
	}
	json_decref(r);
	array->entry_num = handled;
	return rc;
}

/* ------------------------------------------------------------ nesting */

/*
 * The driver's alloc_domain_nested (protocol.md section 4.7): the child
 * reads the data as its driver's single-struct copy would; null data is
 * a pointer that copy cannot read (EFAULT where the driver copies).
 */
static int exec_hwpt_nested_init(struct nestref_hwpt *hwpt, uint32_t data_type,
				 const void *data, size_t len)
{
	return exec_call(nestref_hwpt_ctx(hwpt), "hwpt_nested_init",
			 json_pack("{s:I, s:I, s:I, s:I, s:o}", "hwpt",
				   (json_int_t)nestref_hwpt_id(hwpt), "viommu",
				   (json_int_t)nestref_viommu_id(
					   nestref_hwpt_viommu(hwpt)),
				   "data_type", (json_int_t)data_type,
				   "data_len", (json_int_t)len, "data",
				   data ? exec_json_hex(data, len) :
					  json_null()),
			 NULL);
}

static void exec_hwpt_nested_destroy(struct nestref_hwpt *hwpt)
{
	exec_tell(nestref_hwpt_ctx(hwpt), "hwpt_nested_destroy",
		  json_pack("{s:I}", "hwpt",
			    (json_int_t)nestref_hwpt_id(hwpt)));
}

/*
 * The attach, with what the core knows and a driver asks it: the
 * device's vDEVICE in the HWPT's vIOMMU (iommufd_viommu_get_vdev_id,
 * kernel-facts 3.11, 5.10), null when it has none there.
 */
static int exec_dev_attach(struct nestref_dev *dev, struct nestref_hwpt *hwpt)
{
	struct nestref_viommu *viommu = nestref_hwpt_viommu(hwpt);
	uint64_t virt_id;

	return exec_call(nestref_dev_ctx(dev), "dev_attach",
			 json_pack("{s:I, s:I, s:I, s:o}", "dev",
				   (json_int_t)nestref_dev_id(dev), "hwpt",
				   (json_int_t)nestref_hwpt_id(hwpt), "viommu",
				   (json_int_t)nestref_viommu_id(viommu),
				   "virt_id",
				   nestref_viommu_dev_virt_id(viommu, dev,
							      &virt_id) ?
					   json_null() :
					   exec_json_u64(virt_id)),
			 NULL);
}

/*
 * TRIGGER_VEVENT: the child reports its event in the reply, and the call
 * returns what the report returned (kernel-facts 5.10): EOPNOTSUPP
 * without a queue of its type.
 */
static int exec_trigger_vevent(struct nestref_dev *dev)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	int rc;

	rc = exec_call(ctx, "trigger_vevent",
		       json_pack("{s:I}", "dev", (json_int_t)nestref_dev_id(dev)),
		       NULL);
	return rc ? rc : exec_priv(ctx)->event_rc;
}

/*
 * The modelled SMMU meets a record: the child's host forwards it in the
 * reply's vevents or drops it, and the call says only that the SMMU took
 * it (smmuv3.h): a failed report is the host's drop.
 */
static int exec_raise_event(struct nestref_ctx *ctx,
			    const struct nestref_smmuv3_event *evt)
{
	unsigned char bytes[NESTREF_SMMUV3_EVENT_SIZE];

	nestref_smmuv3_event_to_bytes(evt, bytes);
	return exec_call(ctx, "raise_event",
			 json_pack("{s:o}", "event",
				   exec_json_hex(bytes, sizeof(bytes))),
			 NULL);
}

/* ------------------------------------------------------------ observation */

static int exec_check_cache(struct nestref_dev *dev, uint32_t index,
			    uint32_t value)
{
	return exec_call(nestref_dev_ctx(dev), "check_cache",
			 json_pack("{s:I, s:I, s:I}", "dev",
				   (json_int_t)nestref_dev_id(dev), "index",
				   (json_int_t)index, "value",
				   (json_int_t)value),
			 NULL);
}

static int exec_hw_info(struct nestref_dev *dev, uint32_t *flags)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	json_t *r;
	int rc;

	rc = exec_call(ctx, "hw_info",
		       json_pack("{s:I}", "dev", (json_int_t)nestref_dev_id(dev)),
		       &r);
	if (!rc && exec_json_get_u32(json_object_get(r, "flags"), flags))
		rc = exec_bad_reply(ctx, "hw_info", "flags is not a u32");
	json_decref(r);
	return rc;
}

/*
 * An observation that returns an array: its reply's member `member`, an
 * array, or NULL with the errno in *rc (the child's, or -EIO).
 */
static json_t *exec_observe(struct nestref_ctx *ctx, const char *op,
			    const char *member, int *rc)
{
	json_t *r, *a;

	*rc = exec_call(ctx, op, json_object(), &r);
	if (*rc) {
		json_decref(r);
		return NULL;
	}
	a = json_object_get(r, member);
	if (!json_is_array(a)) {
		json_decref(r);
		*rc = exec_bad_reply(ctx, op, "the reply lacks its array");
		return NULL;
	}
	json_incref(a);
	json_decref(r);
	return a;
}

static int exec_counters(struct nestref_ctx *ctx,
			 const struct nestref_counter **counters, size_t *count)
{
	struct exec_ctx *ec = exec_priv(ctx);
	const json_t *v;
	json_t *a;
	size_t i;
	int rc;

	a = exec_observe(ctx, "counters", "counters", &rc);
	if (!a)
		return rc;
	nestref_free(ec->counters);
	ec->n_counters = 0;
	ec->counters = nestref_calloc(json_array_size(a) + 1,
			sizeof(*ec->counters));
	if (!ec->counters) {
		json_decref(a);
		return -ENOMEM;
	}
	json_array_foreach (a, i, v) {
		struct nestref_counter *c = &ec->counters[i];
		const json_t *name = json_object_get(v, "name");

		if (!json_is_string(name) ||
		    json_string_length(name) >= sizeof(c->name) ||
		    exec_json_get_u64(json_object_get(v, "value"), &c->value)) {
			json_decref(a);
			return exec_bad_reply(ctx, "counters",
					      "a counter needs a name under 48 bytes and a u64 value");
		}
		memcpy(c->name, json_string_value(name),
		       json_string_length(name) + 1);
		ec->n_counters++;
	}
	json_decref(a);
	*counters = ec->counters;
	*count = ec->n_counters;
	return 0;
}

/* A 16-byte command in hex; -1 when it is not. */
static int exec_cmd(const json_t *v, struct nestref_smmuv3_cmd *cmd)
{
	unsigned char bytes[16];

	if (exec_json_unhex(v, bytes, sizeof(bytes)))
		return -1;
	nestref_smmuv3_from_bytes(cmd, bytes);
	return 0;
}

static int exec_issued(struct nestref_ctx *ctx,
		       const struct nestref_smmuv3_cmd **cmds, size_t *count)
{
	struct exec_ctx *ec = exec_priv(ctx);
	const json_t *v;
	json_t *a;
	size_t i;
	int rc;

	a = exec_observe(ctx, "issued", "cmds", &rc);
	if (!a)
		return rc;
	nestref_free(ec->issued);
	ec->n_issued = 0;
	ec->issued = nestref_calloc(json_array_size(a) + 1,
			sizeof(*ec->issued));
	if (!ec->issued) {
		json_decref(a);
		return -ENOMEM;
	}
	json_array_foreach (a, i, v) {
		if (exec_cmd(v, &ec->issued[i])) {
			json_decref(a);
			return exec_bad_reply(ctx, "issued",
					      "a command is not 16 bytes of hex");
		}
		ec->n_issued++;
	}
	json_decref(a);
	*cmds = ec->issued;
	*count = ec->n_issued;
	return 0;
}

static void exec_issued_clear(struct nestref_ctx *ctx)
{
	exec_tell(ctx, "issued_clear", json_object());
}

static json_t *exec_cache_entry_json(const struct nestref_smmuv3_cache_entry *e)
{
	json_t *flags = exec_names(exec_cache_flags,
				   NESTREF_ARRAY_SIZE(exec_cache_flags),
				   e->flags);

	if (e->kind >= NESTREF_ARRAY_SIZE(exec_cache_kinds)) {
		json_decref(flags);
		return NULL;
	}
	return json_pack("{s:s, s:o, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:o, s:o}",
			 "kind", exec_cache_kinds[e->kind], "flags", flags,
			 "vmid", (json_int_t)e->vmid, "asid",
			 (json_int_t)e->asid, "va", exec_json_u64(e->va),
			 "level", (json_int_t)e->level, "tg",
			 (json_int_t)e->tg, "sid", (json_int_t)e->sid, "ssid",
			 (json_int_t)e->ssid, "addr", exec_json_u64(e->addr),
			 "span", exec_json_u64(e->span));
}

/* A u32 member that may be left out (0); -1 when it is something else. */
static int exec_opt_u32(const json_t *o, const char *key, uint32_t *out)
{
	const json_t *v = json_object_get(o, key);

	*out = 0;
	return v ? exec_json_get_u32(v, out) : 0;
}

static int exec_opt_u64(const json_t *o, const char *key, uint64_t *out)
{
	const json_t *v = json_object_get(o, key);

	*out = 0;
	return v ? exec_json_get_u64(v, out) : 0;
}

/* The index of a name in names; -1 when absent. */
static int exec_name_index(const json_t *v, const char *const *names,
			   size_t n)
{
	size_t i;

	if (!json_is_string(v))
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(json_string_value(v), names[i]) == 0)
			return (int)i;
	return -1;
}

static int exec_cache_entry(const json_t *o,
			    struct nestref_smmuv3_cache_entry *e)
{
	int kind = exec_name_index(json_object_get(o, "kind"),
				   exec_cache_kinds,
				   NESTREF_ARRAY_SIZE(exec_cache_kinds));

	memset(e, 0, sizeof(*e));
	if (kind < 0 ||
	    exec_parse_names(json_object_get(o, "flags"), exec_cache_flags,
			     NESTREF_ARRAY_SIZE(exec_cache_flags), false,
			     &e->flags) ||
	    exec_opt_u32(o, "vmid", &e->vmid) ||
	    exec_opt_u32(o, "asid", &e->asid) ||
	    exec_opt_u64(o, "va", &e->va) ||
	    exec_opt_u32(o, "level", &e->level) ||
	    exec_opt_u32(o, "tg", &e->tg) || exec_opt_u32(o, "sid", &e->sid) ||
	    exec_opt_u32(o, "ssid", &e->ssid) ||
	    exec_opt_u64(o, "addr", &e->addr) ||
	    exec_opt_u64(o, "span", &e->span))
		return -1;
	e->kind = (uint32_t)kind;
	return 0;
}

static int exec_caches_fill(struct nestref_ctx *ctx,
			    const struct nestref_smmuv3_cache_entry *entries,
			    size_t count)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < count; i++) {
		json_t *e;

		if (entries[i].kind >= NESTREF_ARRAY_SIZE(exec_cache_kinds)) {
			nestref_ctx_set_message(ctx,
						"exec: cache entry %zu has kind %u",
						i, entries[i].kind);
			json_decref(a);
			return -EINVAL;
		}
		/* NULL only for memory: the append then fails too. */
		e = exec_cache_entry_json(&entries[i]);
		if (json_array_append_new(a, e)) {
			json_decref(a);
			a = NULL;
		}
	}
	return exec_call(ctx, "caches_fill",
			 a ? json_pack("{s:o}", "entries", a) : NULL, NULL);
}

static int exec_caches_get(struct nestref_ctx *ctx,
			   const struct nestref_smmuv3_cache_entry **entries,
			   size_t *count)
{
	struct exec_ctx *ec = exec_priv(ctx);
	const json_t *v;
	json_t *a;
	size_t i;
	int rc;

	a = exec_observe(ctx, "caches_get", "entries", &rc);
	if (!a)
		return rc;
	nestref_free(ec->caches);
	ec->n_caches = 0;
	ec->caches = nestref_calloc(json_array_size(a) + 1,
			sizeof(*ec->caches));
	if (!ec->caches) {
		json_decref(a);
		return -ENOMEM;
	}
	json_array_foreach (a, i, v) {
		if (exec_cache_entry(v, &ec->caches[i])) {
			json_decref(a);
			return exec_bad_reply(ctx, "caches_get",
					      "a cache entry is malformed (protocol.md section 4.6)");
		}
		ec->n_caches++;
	}
	json_decref(a);
	*entries = ec->caches;
	*count = ec->n_caches;
	return 0;
}

/*
 * A string member kept until the next trace; "" stays NULL.  -1 when it
 * is no string, -ENOMEM when it cannot be kept.
 */
static int exec_text(struct exec_ctx *ec, const json_t *o, const char *key,
		     const char **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	ec->texts[ec->n_texts] = nestref_strdup(json_string_value(v));
	if (!ec->texts[ec->n_texts])
		return -ENOMEM;
	*out = ec->texts[ec->n_texts++];
	return 0;
}

static int exec_trace_event(struct exec_ctx *ec, const json_t *o,
			    struct nestref_smmuv3_trace_event *ev)
{
	int kind = exec_name_index(json_object_get(o, "kind"),
				   exec_trace_kinds,
				   NESTREF_ARRAY_SIZE(exec_trace_kinds));
	const json_t *err = json_object_get(o, "errno");
	const json_t *removed = json_object_get(o, "removed");
	int e = 0, rc;
	size_t i;

	memset(ev, 0, sizeof(*ev));
	if (kind < 0 || exec_opt_u32(o, "index", &ev->index) ||
	    exec_opt_u32(o, "count", &ev->count) ||
	    exec_opt_u32(o, "cerror", &ev->cerror))
		return -1;
	ev->kind = (uint32_t)kind;
	if (err && !json_is_null(err) &&
	    (!json_is_string(err) ||
	     nestref_errno_parse(json_string_value(err), &e)))
		return -1;
	ev->err = -e;
	if ((json_object_get(o, "in") &&
	     exec_cmd(json_object_get(o, "in"), &ev->in)) ||
	    (json_object_get(o, "out") &&
	     exec_cmd(json_object_get(o, "out"), &ev->out)))
		return -1;
	if (removed) {
		if (!json_is_array(removed) ||
		    json_array_size(removed) != NESTREF_SMMUV3_CACHE_KIND_COUNT)
			return -1;
		for (i = 0; i < NESTREF_SMMUV3_CACHE_KIND_COUNT; i++)
			if (exec_json_get_u32(json_array_get(removed, i),
					      &ev->removed[i]))
				return -1;
	}
	rc = exec_text(ec, o, "rule", &ev->rule);
	if (!rc)
		rc = exec_text(ec, o, "section", &ev->section);
	if (!rc)
		rc = exec_text(ec, o, "function", &ev->function);
	return rc;
}

static int exec_trace(struct nestref_ctx *ctx,
		      const struct nestref_smmuv3_trace_event **events,
		      size_t *count)
{
	struct exec_ctx *ec = exec_priv(ctx);
	const json_t *v;
	json_t *a;
	size_t i, n;
	int rc;

	a = exec_observe(ctx, "trace", "events", &rc);
	if (!a)
		return rc;
	for (i = 0; i < ec->n_texts; i++)
		nestref_free(ec->texts[i]);
	nestref_free(ec->texts);
	nestref_free(ec->events);
	ec->n_texts = ec->n_events = 0;
	n = json_array_size(a);
	ec->events = nestref_calloc(n + 1, sizeof(*ec->events));
	ec->texts = nestref_calloc(3 * n + 1, sizeof(*ec->texts));
	if (!ec->events || !ec->texts) {
		json_decref(a);
		return -ENOMEM;
	}
	json_array_foreach (a, i, v) {
		rc = exec_trace_event(ec, v, &ec->events[i]);
		if (rc == -ENOMEM) {
			/* The reply was good: the child stays. */
			json_decref(a);
			nestref_ctx_set_message(ctx, "exec: trace: out of memory");
			return rc;
		}
		if (rc) {
			json_decref(a);
			return exec_bad_reply(ctx, "trace",
					      "a trace event is malformed (protocol.md section 4.6)");
		}
		ec->n_events++;
	}
	json_decref(a);
	*events = ec->events;
	*count = ec->n_events;
	return 0;
}

static void exec_trace_clear(struct nestref_ctx *ctx)
{
	exec_tell(ctx, "trace_clear", json_object());
}

static const struct nestref_smmuv3_ops exec_smmuv3_ops = {
	.version = NESTREF_SMMUV3_OPS_VERSION,
	.issued = exec_issued,
	.issued_clear = exec_issued_clear,
	.caches_fill = exec_caches_fill,
	.caches_get = exec_caches_get,
	.trace = exec_trace,
	.trace_clear = exec_trace_clear,
	.raise_event = exec_raise_event,
};

/* Every profile: open refuses the ones the child does not announce. */
static const char *const exec_profiles[] = {
	"rfc-v3", "linux-6.13", "linux-7.2", "linux-7.4", NULL,
};

const struct nestref_backend nr_backend_exec = {
	.version = NESTREF_BACKEND_VERSION,
	.name = "exec",
	.description = "an implementation in any language, run as a child process (exec:COMMAND, docs/spec/protocol.md): the capabilities and profiles below are the most its child may announce",
	.caps = NESTREF_CAP_INV_ARM_SMMUV3 | NESTREF_CAP_INV_SELFTEST |
		NESTREF_CAP_OBSERVE_ISSUED | NESTREF_CAP_CHECK_CACHE |
		NESTREF_CAP_RAW_USER_DATA | NESTREF_CAP_OBSERVE_CACHES |
		NESTREF_CAP_OBSERVE_HW_INFO | NESTREF_CAP_ATTACH_NESTED |
		NESTREF_CAP_TRIGGER_VEVENT | NESTREF_CAP_INJECT_EVENT,
	.profile_names = exec_profiles,
	.ctx_priv_size = sizeof(struct exec_ctx),
	.open = exec_open,
	.close = exec_close_ctx,
	.viommu_init = exec_viommu_init,
	.viommu_destroy = exec_viommu_destroy,
	.dev_init = exec_dev_init,
	.dev_destroy = exec_dev_destroy,
	.set_dev_user_data = exec_set_dev_user_data,
	.unset_dev_user_data = exec_unset_dev_user_data,
	/* The child's, set per context from its hello. */
	.dev_user_data_len = 4,
	.cache_invalidate_user = exec_cache_invalidate_user,
	.check_cache = exec_check_cache,
	.counters = exec_counters,
	.ext_name = NESTREF_SMMUV3_EXT,
	.ext = &exec_smmuv3_ops,
	.hw_info = exec_hw_info,
	.hwpt_nested_init = exec_hwpt_nested_init,
	.hwpt_nested_destroy = exec_hwpt_nested_destroy,
	.dev_attach = exec_dev_attach,
	/* The queues are the core's: the child reports in its replies. */
	.trigger_vevent = exec_trigger_vevent,
};
