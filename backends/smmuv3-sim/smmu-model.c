/* SPDX-License-Identifier: MIT */
/*
 * The modelled SMMU's lifetime, its stream and CD tables, and what it lets
 * software observe: the commands it consumed, counters and a trace hook.
 * The queue is smmu-queue.c, command execution smmu-exec.c, the caches
 * smmu-caches.c (see smmu-priv.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "smmu-priv.h"

/* Doubles *cap until it holds need elements; false when memory is short. */
static bool grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t cap2 = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return true;
	while (cap2 < need)
		cap2 *= 2;
	p = nestref_realloc(*arr, cap2 * size);
	if (!p)
		return false;
	*arr = p;
	*cap = cap2;
	return true;
}

int smmu_model_new(struct smmu_model **out,
		   const struct nestref_smmuv3_features *features,
		   unsigned int cmdq_log2, unsigned int evtq_log2)
{
	struct smmu_model *m;

	*out = NULL;
	if (cmdq_log2 < 1 || cmdq_log2 > SMMU_CMDQS_MAX ||
	    evtq_log2 < 1 || evtq_log2 > SMMU_EVENTQS_MAX)
		return -EINVAL;
	if (features && (features->sidsize > SMMU_SIDSIZE_MAX ||
			 features->ssidsize > SMMU_SSIDSIZE_MAX))
		return -EINVAL;
	m = nestref_calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	if (features)
		m->f = *features;
	else
		nestref_smmuv3_features_default(&m->f);
	m->cmdq.log2 = cmdq_log2;
	m->evtq.log2 = evtq_log2;
	nestref_vsid_table_init(&m->ste_index);
	m->slots = nestref_calloc((size_t)1 << cmdq_log2, sizeof(*m->slots));
	if (!m->slots)
		goto err_free;
	m->events = nestref_calloc((size_t)1 << evtq_log2, sizeof(*m->events));
	if (!m->events)
		goto err_slots;
	*out = m;
	return 0;

err_slots:
	nestref_free(m->slots);
err_free:
	nestref_free(m);
	return -ENOMEM;
}

void smmu_model_free(struct smmu_model *m)
{
	if (!m)
		return;
	smmu_caches_free(m);
	nestref_free(m->slots);
	nestref_free(m->events);
	nestref_free(m->ste);
	nestref_vsid_table_fini(&m->ste_index);
	nestref_free(m->cd);
	nestref_free(m->issued);
	nestref_free(m);
}

void smmu_model_set_trace(struct smmu_model *m, smmu_exec_fn fn, void *cookie)
{
	m->trace = fn;
	m->trace_cookie = cookie;
}

/* ------------------------------------------------ stream and CD tables */

/*
 * IDR0.VMID16 / ASID16 (IHI 0070 4.4): an SMMU with 8-bit VMIDs or ASIDs
 * has no tag above 0xff, so an STE or CD cannot hold one.
 */
static bool vmid_fits(const struct smmu_model *m, uint64_t vmid)
{
	return vmid <= (m->f.vmid16 ? 0xffffu : 0xffu);
}

static bool asid_fits(const struct smmu_model *m, uint64_t asid)
{
	return asid <= (m->f.asid16 ? 0xffffu : 0xffu);
}

static bool sid_fits(const struct smmu_model *m, uint64_t sid)
{
	return sid < (UINT64_C(1) << m->f.sidsize);
}

/* SSIDSIZE 0: no substreams, the one CD is index 0 (IHI 0070 4.3.3). */
static bool ssid_fits(const struct smmu_model *m, uint64_t ssid)
{
	return ssid < (UINT64_C(1) << m->f.ssidsize);
}

/* Index of the STE of sid, or n_ste when there is none. */
static size_t ste_find(const struct smmu_model *m, uint32_t sid)
{
	uintptr_t slot = (uintptr_t)nestref_vsid_table_find(&m->ste_index, sid);

	return slot ? slot - 1 : m->n_ste;
}

static bool cd_before(const struct smmu_cd *cd, uint32_t sid, uint32_t ssid)
{
	return cd->sid < sid || (cd->sid == sid && cd->ssid < ssid);
}

/* Index of the first CD at or after (sid, ssid). */
static size_t cd_find(const struct smmu_model *m, uint32_t sid, uint32_t ssid)
{
	size_t lo = 0, hi = m->n_cd;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cd_before(&m->cd[mid], sid, ssid))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int smmu_ste_install(struct smmu_model *m, uint32_t sid, uint32_t vmid,
		     bool stage1)
{
	size_t i;
	int rc;

	if (!sid_fits(m, sid) || !vmid_fits(m, vmid))
		return -ERANGE;
	i = ste_find(m, sid);
	if (i == m->n_ste) {
		if (!grow((void **)&m->ste, &m->cap_ste, m->n_ste + 1,
			  sizeof(*m->ste)))
			return -ENOMEM;
		rc = nestref_vsid_table_insert(&m->ste_index, sid,
					  (void *)(uintptr_t)(i + 1));
		if (rc)
			return rc;
		m->n_ste++;
	}
	m->ste[i] = (struct smmu_ste){ .sid = sid, .vmid = vmid,
				       .stage1 = stage1 };
	return 0;
}

/*
 * The CD table hangs off the STE (STE.S1ContextPtr), so clearing the STE
 * drops its CDs too.  Cached copies are not touched: that takes a CFGI
 * command, as on hardware (IHI 0070 4.3).
 */
void smmu_ste_clear(struct smmu_model *m, uint32_t sid)
{
	size_t i = ste_find(m, sid), first, last;

	if (i < m->n_ste) {
		/* The last STE moves into the hole: nothing shifts. */
		nestref_vsid_table_remove(&m->ste_index, sid);
		if (i != --m->n_ste) {
			m->ste[i] = m->ste[m->n_ste];
			nestref_vsid_table_remove(&m->ste_index, m->ste[i].sid);
			/* Cannot fail: the slot it had was just freed. */
			nestref_vsid_table_insert(&m->ste_index, m->ste[i].sid,
					     (void *)(uintptr_t)(i + 1));
		}
	}
	first = cd_find(m, sid, 0);
	for (last = first; last < m->n_cd && m->cd[last].sid == sid; last++)
		;
	/* Only with something to remove: m->cd may never have been allocated. */
	if (last > first) {
		memmove(&m->cd[first], &m->cd[last],
			(m->n_cd - last) * sizeof(*m->cd));
		m->n_cd -= last - first;
	}
}

/* A CD may be installed before its STE: the host picks the order. */
int smmu_cd_install(struct smmu_model *m, uint32_t sid, uint32_t ssid,
		    uint32_t asid)
{
	size_t i;

	if (!sid_fits(m, sid) || !ssid_fits(m, ssid) || !asid_fits(m, asid))
		return -ERANGE;
	i = cd_find(m, sid, ssid);
	if (i == m->n_cd || m->cd[i].sid != sid || m->cd[i].ssid != ssid) {
		if (!grow((void **)&m->cd, &m->cap_cd, m->n_cd + 1,
			  sizeof(*m->cd)))
			return -ENOMEM;
		memmove(&m->cd[i + 1], &m->cd[i],
			(m->n_cd - i) * sizeof(*m->cd));
		m->n_cd++;
	}
	m->cd[i] = (struct smmu_cd){ .sid = sid, .ssid = ssid, .asid = asid };
	return 0;
}

int smmu_ste_get(const struct smmu_model *m, uint32_t sid, uint32_t *vmid,
		 bool *stage1)
{
	size_t i = ste_find(m, sid);

	if (i == m->n_ste)
		return -ENOENT;
	*vmid = m->ste[i].vmid;
	*stage1 = m->ste[i].stage1;
	return 0;
}

int smmu_cd_get(const struct smmu_model *m, uint32_t sid, uint32_t ssid,
		uint32_t *asid)
{
	size_t i = cd_find(m, sid, ssid);

	if (i == m->n_cd || m->cd[i].sid != sid || m->cd[i].ssid != ssid)
		return -ENOENT;
	*asid = m->cd[i].asid;
	return 0;
}

/* ------------------------------------------------------- observation */

/*
 * Called once per command the SMMU read and acted on, the one raising a
 * command error included, so the issued list, counters and trace agree.
 * A command that is fetched again after the host acknowledged its error
 * (without rewriting it) is a new fetch and is recorded again.
 */
void smmu_record(struct smmu_model *m, const struct smmu_exec *ex)
{
	unsigned int k;

	/* Kept only once someone asked: a long run must not grow forever. */
	if (!m->issued_on)
		;
	else if (grow((void **)&m->issued, &m->cap_issued, m->n_issued + 1,
		      sizeof(*m->issued)))
		m->issued[m->n_issued++] = ex->cmd;
	else
		m->issued_lost = true;
	m->counters.commands[nestref_smmuv3_opcode(&ex->cmd)]++;
	m->counters.cerrors[ex->cerror]++;
	for (k = 0; k < NESTREF_SMMUV3_CACHE_KIND_COUNT; k++)
		m->counters.removed[k] += ex->removed[k];
	if (m->trace)
		m->trace(m->trace_cookie, ex);
}

const struct nestref_smmuv3_cmd *smmu_issued(const struct smmu_model *m,
					     size_t *count)
{
	*count = m->n_issued;
	return m->issued;
}

bool smmu_issued_complete(const struct smmu_model *m)
{
	return !m->issued_lost;
}

void smmu_issued_clear(struct smmu_model *m)
{
	m->n_issued = 0;
	m->issued_lost = false;
	m->issued_on = true;
}

const struct smmu_counters *smmu_counters(const struct smmu_model *m)
{
	return &m->counters;
}
