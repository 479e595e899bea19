/* SPDX-License-Identifier: MIT */
/*
 * The words both views of the explain walk use (explain.h), so that the
 * text and the page name a command error, a cache and an answer alike.
 */
#include <inttypes.h>
#include <stdio.h>

#include "explain.h"

/* CMDQ_CONS.ERR, kernel-facts 4.3. */
const char *explain_cerror_name(uint32_t cerror)
{
	static const char *const names[] = {
		"none", "CERROR_ILL", "CERROR_ABT", "CERROR_ATC_INV_SYNC",
	};

	return names[cerror & 3];
}

const char *explain_cache_name(unsigned int kind, bool long_form)
{
	static const char *const names[][2] = {
		[NESTREF_SMMUV3_CACHE_TLB] = { "tlb", "TLB" },
		[NESTREF_SMMUV3_CACHE_CFG] = { "cfg", "config cache" },
		[NESTREF_SMMUV3_CACHE_ATC] = { "atc", "ATC" },
	};

	if (kind >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[kind][long_form];
}

const char *explain_errno_name(int err)
{
	const char *name = nestref_errno_name(err);

	return name ? name : "error";
}

void explain_answer_text(char *buf, size_t len,
			 const struct nestref_vec_answer *ans)
{
	const char *name = nestref_errno_name(ans->rc);
	int used = snprintf(buf, len, "%s%s", ans->rc ? "error " : "ok",
			    ans->rc ? (name ? name : "?") : "");

	if (ans->has_entry_num && used >= 0 && (size_t)used < len)
		used += snprintf(buf + used, len - (size_t)used,
				 ", entry_num %" PRIu32, ans->entry_num);
	if (ans->has_flags && used >= 0 && (size_t)used < len)
		used += snprintf(buf + used, len - (size_t)used,
				 ", flags 0x%" PRIx32, ans->flags);
	if (ans->has_read && used >= 0 && (size_t)used < len)
		snprintf(buf + used, len - (size_t)used, ", %zu bytes read",
			 ans->read_bytes);
}

const char *explain_check_text(enum nestref_vec_check check)
{
	return check == NESTREF_VEC_CHECK_FAIL ? "NOT what the vector expects" :
	       check == NESTREF_VEC_CHECK_PASS ? "as the vector expects" :
						 "nothing checked";
}

void explain_rule_text(char *buf, size_t len,
		       const struct nestref_smmuv3_trace_event *ev)
{
	snprintf(buf, len, "%s%s%s%s%s%s", ev->rule ? ev->rule : "",
		 ev->section || ev->function ? " [" : "",
		 ev->section ? ev->section : "",
		 ev->section && ev->function ? "; linux: " : "",
		 ev->function ? ev->function : "",
		 ev->section || ev->function ? "]" : "");
}
