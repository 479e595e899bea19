/* SPDX-License-Identifier: MIT */
/*
 * The vector loader: reads one file of format nestref/vectors-1
 * (spec/vectors.md) with libyaml's document API and fills struct vec_file.
 *
 * A YAML syntax error stops the load (nothing after it can be trusted);
 * every semantic error is reported and the walk goes on, so that
 * `nestref lint` shows all of a file's problems at once (section 1).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "vector-load.h"

bool vl_name_ok(const char *s, const char *extra)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      strchr(extra, *s)))
			return false;
	return true;
}

static int name_cmp(const void *a, const void *b)
{
	const struct vl_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

void vl_sort_names(struct vl *vl, struct vl_name *names, size_t n,
		   const char *what)
{
	size_t i, first = 0;

	if (!n)
		return;
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(names[i].name, names[first].name) != 0) {
			first = i;
			continue;
		}
		if (what)
			vl_error_at(vl, names[i].mark,
				    "duplicate %s '%s' (first at line %u)",
				    what, names[i].name,
				    names[first].mark.line);
		else
			vl_error_at(vl, names[i].mark,
				    "duplicate key '%s' (first at line %u)",
				    names[i].name, names[first].mark.line);
	}
}

const struct vl_name *vl_find_name(const struct vl_name *names, size_t n,
				   const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, names[mid].name);

		if (!c)
			return &names[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

bool vl_find_device(struct vl *vl, const char *name, size_t *index)
{
	const struct vl_name *found;

	found = vl_find_name(vl->dev_names, vl->n_dev_names, name);
	if (!found)
		return false;
	*index = found->index;
	return true;
}

/* ---------------------------------------------------------------- */
/* Top level: references, profiles, requires, notes (sections 1, 2) */

static void load_references(struct vl *vl, yaml_node_t *node)
{
	struct vec_file *file = vl->file;
	const char *s;
	size_t n, i;

	if (!vl_seq(vl, node, "references", &n) || !n)
		return;
	file->references = vl_calloc(vl, n, sizeof(*file->references));
	if (!file->references)
		return;
	file->n_references = n;
	for (i = 0; i < n; i++)
		if (vl_str(vl, vl_item(vl, node, i), "references",
			   VL_NON_EMPTY, &s))
			file->references[i] = vl_strdup(vl, s);
}

static void load_profiles(struct vl *vl, yaml_node_t *node)
{
	const char *names[NESTREF_PROFILE_COUNT + 1];
	enum nestref_profile profile;
	const char *s;
	size_t n, i;

	for (i = 0; i < NESTREF_PROFILE_COUNT; i++) {
		names[i] = nestref_profile_name((enum nestref_profile)i);
		if (!names[i])
			names[i] = "?";
	}
	names[NESTREF_PROFILE_COUNT] = NULL;
	vl->file->profiles = 0;
	if (!vl_seq(vl, node, "profiles", &n))
		return;
	/* a file that runs under no profile is never run: surely a slip */
	if (!n)
		vl_error(vl, node, "expected a non-empty list for 'profiles'");
	for (i = 0; i < n; i++) {
		yaml_node_t *item = vl_item(vl, node, i);

		if (!vl_str(vl, item, "profiles", VL_NON_EMPTY, &s))
			continue;
		if (nestref_profile_parse(s, &profile) ||
		    (unsigned int)profile >= NESTREF_PROFILE_COUNT) {
			char expected[256], buf[VL_EXCERPT + 8];

			vl_join(expected, sizeof(expected), names);
			vl_error(vl, item,
				 "unknown profile '%s' (expected one of: %s)",
				 vl_text(item, buf), expected);
			continue;
		}
		if (nestref_profile_alias_note(s))
			vl->file->profile_note = nestref_profile_alias_note(s);
		if (vl->file->profiles & NESTREF_PROFILE_BIT(profile))
			vl_error(vl, item, "duplicate profile '%s'", s);
		vl->file->profiles |= NESTREF_PROFILE_BIT(profile);
	}
}

static void load_requires(struct vl *vl, yaml_node_t *node)
{
	const char *names[NESTREF_CAP_COUNT + 1];
	const char *s;
	uint32_t cap;
	size_t n, i;

	for (i = 0; i < NESTREF_CAP_COUNT; i++) {
		names[i] = nestref_cap_name(1u << i);
		if (!names[i])
			names[i] = "?";
	}
	names[NESTREF_CAP_COUNT] = NULL;
	if (!vl_seq(vl, node, "requires", &n))
		return;
	for (i = 0; i < n; i++) {
		yaml_node_t *item = vl_item(vl, node, i);

		if (!vl_str(vl, item, "requires", VL_NON_EMPTY, &s))
			continue;
		if (nestref_cap_parse(s, &cap)) {
			char expected[256], buf[VL_EXCERPT + 8];

			vl_join(expected, sizeof(expected), names);
			vl_error(vl, item,
				 "unknown capability '%s' (expected one of: %s)",
				 vl_text(item, buf), expected);
			continue;
		}
		if (vl->file->requires & cap)
			vl_error(vl, item, "duplicate capability '%s'", s);
		vl->file->requires |= cap;
	}
}

static void load_notes(struct vl *vl, yaml_node_t *node)
{
	static const char *const keys[] = { "bug", "description", NULL };
	struct vec_file *file = vl->file;
	yaml_node_pair_t *pair;
	struct vec_note *note;
	struct vl_kv kv[2];
	const char *s;
	size_t n, i;

	if (!vl_pairs(vl, node, "notes", &n) || !n)
		return;
	file->notes = vl_calloc(vl, n, sizeof(*file->notes));
	vl->note_names = vl_calloc(vl, n, sizeof(*vl->note_names));
	if (!file->notes || !vl->note_names)
		return;
	file->n_notes = n;
	pair = node->data.mapping.pairs.start;
	for (i = 0; i < n; i++, pair++) {
		yaml_node_t *k = vl_node(vl, pair->key);
		yaml_node_t *v = vl_node(vl, pair->value);

		note = &file->notes[i];
		if (k->type != YAML_SCALAR_NODE) {
			vl_expected(vl, k, "a note name", NULL);
			continue;
		}
		if (!vl_str(vl, k, "notes", VL_NON_EMPTY | VL_ONE_LINE, &s))
			continue;
		note->name = vl_strdup(vl, s);
		if (note->name) {
			vl->note_names[vl->n_note_names].name = note->name;
			vl->note_names[vl->n_note_names].index = i;
			vl->note_names[vl->n_note_names].mark = vl_mark(k);
			vl->n_note_names++;
		}
		if (!vl_map(vl, v, s, "a note", keys, kv))
			continue;
		if (vl_require(vl, v, &kv[0], "bug") &&
		    vl_str(vl, kv[0].val, "bug", VL_NON_EMPTY | VL_ONE_LINE,
			   &s))
			note->bug = vl_strdup(vl, s);
		if (vl_require(vl, v, &kv[1], "description") &&
		    vl_str(vl, kv[1].val, "description", VL_NON_EMPTY, &s))
			note->description = vl_strdup(vl, s);
	}
	vl_sort_names(vl, vl->note_names, vl->n_note_names, NULL);
}

/* ---------------------------------------------------------------- */
/* setup (section 1)                                                */

enum { SM_SIDSIZE, SM_SSIDSIZE, SM_ASID16, SM_VMID16, SM_RIL, SM_ATS, SM_DS,
       SM_REPEAT, SM_GERROR, SM_N };

static void load_smmu(struct vl *vl, yaml_node_t *node)
{
	static const char *const keys[] = { "sidsize", "ssidsize", "asid16",
					    "vmid16",  "ril",      "ats",
					    "ds", "repeat_tlbi_cfgi",
					    "gerror_irq_blocked", NULL };
	struct nestref_smmuv3_features *smmu = &vl->file->smmu;
	bool *flags[SM_N] = { NULL,	     NULL,	&smmu->asid16,
			      &smmu->vmid16, &smmu->ril, &smmu->ats,
			      &smmu->ds, &smmu->repeat_tlbi_cfgi,
			      &smmu->gerror_irq_blocked };
	struct vl_kv kv[SM_N];
	unsigned int k;
	uint64_t v;

	vl->file->has_smmu = true;
	if (!vl_map(vl, node, "smmu", "setup.smmu", keys, kv))
		return;
	/* IDR1.SIDSIZE is at most 32, IDR1.SSIDSIZE at most 20 */
	if (kv[SM_SIDSIZE].val &&
	    vl_uint(vl, kv[SM_SIDSIZE].val, "sidsize", 0, 32, &v))
		smmu->sidsize = (uint32_t)v;
	if (kv[SM_SSIDSIZE].val &&
	    vl_uint(vl, kv[SM_SSIDSIZE].val, "ssidsize", 0, 20, &v))
		smmu->ssidsize = (uint32_t)v;
	for (k = SM_ASID16; k < SM_N; k++)
		if (kv[k].val)
			vl_bool(vl, kv[k].val, keys[k], flags[k]);
}

enum { DV_NAME, DV_PSID, DV_VSID, DV_VIOMMU, DV_N };

/* psid: one StreamID, or a list of 1 to 8 for a multi-stream device. */
static void load_psids(struct vl *vl, yaml_node_t *node,
		       struct vec_device *dev)
{
	size_t n, i;

	if (node->type != YAML_SEQUENCE_NODE) {
		if (vl_u32(vl, node, "psid", &dev->psids[0]))
			dev->n_psids = 1;
		dev->psid = dev->psids[0];
		return;
	}
	if (!vl_seq(vl, node, "psid", &n))
		return;
	if (n == 0 || n > NESTREF_DEV_STREAMS_MAX) {
		vl_error(vl, node,
			 "expected 1 to %d StreamIDs in the list for 'psid', got %zu",
			 NESTREF_DEV_STREAMS_MAX, n);
		return;
	}
	for (i = 0; i < n; i++)
		vl_u32(vl, vl_item(vl, node, i), "psid", &dev->psids[i]);
	dev->n_psids = n;
	dev->psid = dev->psids[0];
}

static void load_device(struct vl *vl, yaml_node_t *node, size_t index)
{
	static const char *const keys[] = { "name", "psid", "vsid", "viommu",
					    NULL };
	struct vec_device *dev = &vl->file->devices[index];
	struct vl_kv kv[DV_N];
	const char *s;

	dev->mark = vl_mark(node);
	if (!vl_map(vl, node, NULL, "a device", keys, kv))
		return;
	if (vl_require(vl, node, &kv[DV_NAME], "name") &&
	    vl_str(vl, kv[DV_NAME].val, "name", VL_ONE_LINE, &s)) {
		if (!vl_name_ok(s, "_-"))
			vl_expected(vl, kv[DV_NAME].val,
				    "a name of [a-z0-9_-]+", "name");
		else
			dev->name = vl_strdup(vl, s);
	}
	if (dev->name) {
		struct vl_name *dn;

		/* the name stays resolvable even if the rest is wrong */
		dn = &vl->dev_names[vl->n_dev_names++];
		dn->name = dev->name;
		dn->index = index;
		dn->mark = vl_mark(kv[DV_NAME].val);
	}
	if (vl_require(vl, node, &kv[DV_PSID], "psid"))
		load_psids(vl, kv[DV_PSID].val, dev);
	if (kv[DV_VSID].val)
		dev->has_vsid = vl_u32(vl, kv[DV_VSID].val, "vsid",
				       &dev->vsid);
	if (kv[DV_VIOMMU].val)
		vl_viommu(vl, kv[DV_VIOMMU].val, &dev->viommu);
}

static void load_devices(struct vl *vl, yaml_node_t *node)
{
	struct vec_file *file = vl->file;
	size_t n, i;

	if (!vl_seq(vl, node, "devices", &n) || !n)
		return;
	file->devices = vl_calloc(vl, n, sizeof(*file->devices));
	vl->dev_names = vl_calloc(vl, n, sizeof(*vl->dev_names));
	if (!file->devices || !vl->dev_names)
		return;
	file->n_devices = n;
	for (i = 0; i < n; i++)
		load_device(vl, vl_item(vl, node, i), i);
	vl_sort_names(vl, vl->dev_names, vl->n_dev_names, "device");
}

enum { SU_VMID, SU_VIOMMUS, SU_PAGE_SIZE, SU_SMMU, SU_CACHES, SU_DEVICES,
       SU_VEVENTQS, SU_N };

bool vl_viommu(struct vl *vl, const yaml_node_t *node, uint32_t *out)
{
	uint64_t v;
	size_t n = vl->file->n_viommus;

	if (!vl_uint(vl, node, "viommu", 0, VEC_VIOMMUS_MAX - 1, &v))
		return false;
	if (v >= n) {
		vl_error(vl, node,
			 "viommu %llu: the setup has %zu vIOMMU(s), numbered from 0",
			 (unsigned long long)v, n);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* setup.viommus: a list of 1 to VEC_VIOMMUS_MAX VMIDs, one vIOMMU each. */
static void load_viommus(struct vl *vl, yaml_node_t *node)
{
	struct vec_file *file = vl->file;
	size_t n, i;
	uint64_t v;

	if (!vl_seq(vl, node, "viommus", &n))
		return;
	if (n < 1 || n > VEC_VIOMMUS_MAX) {
		vl_error(vl, node, "viommus: 1 to %d VMIDs, not %zu",
			 VEC_VIOMMUS_MAX, n);
		return;
	}
	for (i = 0; i < n; i++)
		if (vl_uint(vl, vl_item(vl, node, i), "viommus", 0, 0xffff, &v))
			file->vmids[i] = (uint32_t)v;
	file->n_viommus = n;
	file->vmid = file->vmids[0];
}

static void load_setup(struct vl *vl, yaml_node_t *node)
{
	static const char *const keys[] = { "vmid", "viommus", "page_size",
					    "smmu", "caches", "devices",
					    "veventqs", NULL };
	struct vec_file *file = vl->file;
	struct vl_kv kv[SU_N];
	uint64_t v;

	if (!vl_map(vl, node, "setup", "setup", keys, kv))
		return;
	if (kv[SU_VMID].val && kv[SU_VIOMMUS].val)
		vl_error(vl, kv[SU_VIOMMUS].key,
			 "vmid and viommus are exclusive: vmid: N is viommus: [N]");
	else if (kv[SU_VIOMMUS].val)
		load_viommus(vl, kv[SU_VIOMMUS].val);
	if (kv[SU_VMID].val &&
	    vl_uint(vl, kv[SU_VMID].val, "vmid", 0, 0xffff, &v))
		file->vmid = file->vmids[0] = (uint32_t)v;
	/* The kernel's PAGE_SIZE (kernel-facts 2.7): what Linux builds. */
	if (kv[SU_PAGE_SIZE].val &&
	    vl_uint(vl, kv[SU_PAGE_SIZE].val, "page_size", 4096, 65536, &v)) {
		if (v != 4096 && v != 16384 && v != 65536)
			vl_error(vl, kv[SU_PAGE_SIZE].val,
				 "expected 4096, 16384 or 65536 for 'page_size'");
		else
			file->page_size = (uint32_t)v;
	}
	if (kv[SU_SMMU].val)
		load_smmu(vl, kv[SU_SMMU].val);
	if (kv[SU_CACHES].val) {
		bool named[NESTREF_SMMUV3_CACHE_KIND_COUNT];

		file->has_caches = true;
		vl_caches(vl, kv[SU_CACHES].val, "setup.caches", &file->caches,
			  &file->n_caches, named);
	}
	if (kv[SU_DEVICES].val)
		load_devices(vl, kv[SU_DEVICES].val);
	if (kv[SU_VEVENTQS].val)
		vl_setup_veventqs(vl, kv[SU_VEVENTQS].val);
}

/* ---------------------------------------------------------------- */
/* tests (section 1)                                                */

struct tc_seen {
	long tc;
	size_t index;
	struct vec_mark mark;
};

static int tc_cmp(const void *a, const void *b)
{
	const struct tc_seen *x = a, *y = b;

	if (x->tc != y->tc)
		return x->tc < y->tc ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

enum { T_TC, T_COMMENT, T_FLAGS, T_STEPS, T_N };

static void load_flags(struct vl *vl, yaml_node_t *node, struct vec_test *t)
{
	const char *s;
	size_t n, i;

	if (!vl_seq(vl, node, "flags", &n) || !n)
		return;
	t->flags = vl_calloc(vl, n, sizeof(*t->flags));
	if (!t->flags)
		return;
	t->n_flags = n;
	for (i = 0; i < n; i++) {
		yaml_node_t *item = vl_item(vl, node, i);

		if (!vl_str(vl, item, "flags", VL_NON_EMPTY | VL_ONE_LINE, &s))
			continue;
		/* Wycheproof's rule: a flag cites a declared bug class */
		if (!vl_find_name(vl->note_names, vl->n_note_names, s)) {
			char buf[VL_EXCERPT + 8];

			vl_error(vl, item, "flag '%s' is not declared in notes",
				 vl_text(item, buf));
			continue;
		}
		t->flags[i] = vl_strdup(vl, s);
	}
}

static void load_test(struct vl *vl, yaml_node_t *node, struct vec_test *t,
		      struct tc_seen *seen)
{
	static const char *const keys[] = { "tc", "comment", "flags", "steps",
					    NULL };
	struct vl_kv kv[T_N];
	const char *s;
	uint64_t v;
	size_t n, i;

	t->mark = vl_mark(node);
	if (!vl_map(vl, node, NULL, "a test", keys, kv))
		return;
	if (vl_require(vl, node, &kv[T_TC], "tc") &&
	    vl_uint(vl, kv[T_TC].val, "tc", 1, INT32_MAX, &v)) {
		t->tc = (long)v;
		seen->tc = t->tc;
		seen->mark = vl_mark(kv[T_TC].val);
	}
	if (kv[T_COMMENT].val &&
	    vl_str(vl, kv[T_COMMENT].val, "comment", VL_ONE_LINE, &s))
		t->comment = vl_strdup(vl, s);
	if (kv[T_FLAGS].val)
		load_flags(vl, kv[T_FLAGS].val, t);
	if (!vl_require(vl, node, &kv[T_STEPS], "steps") ||
	    !vl_seq(vl, kv[T_STEPS].val, "steps", &n))
		return;
	if (!n) {
		vl_error(vl, kv[T_STEPS].val,
			 "expected a non-empty list for 'steps'");
		return;
	}
	t->steps = vl_calloc(vl, n, sizeof(*t->steps));
	if (!t->steps)
		return;
	t->n_steps = n;
	for (i = 0; i < n; i++)
		vl_step(vl, vl_item(vl, kv[T_STEPS].val, i), &t->steps[i]);
}

static void load_tests(struct vl *vl, yaml_node_t *node)
{
	struct vec_file *file = vl->file;
	struct tc_seen *seen;
	size_t n, i, first = 0;

	if (!vl_seq(vl, node, "tests", &n))
		return;
	if (!n) {
		vl_error(vl, node, "expected a non-empty list for 'tests'");
		return;
	}
	file->tests = vl_calloc(vl, n, sizeof(*file->tests));
	seen = vl_calloc(vl, n, sizeof(*seen));
	if (!file->tests || !seen)
		goto out;
	file->n_tests = n;
	for (i = 0; i < n; i++) {
		seen[i].index = i;
		load_test(vl, vl_item(vl, node, i), &file->tests[i], &seen[i]);
	}

	/* tc 0 marks a test whose tc was missing or wrong: not compared */
	qsort(seen, n, sizeof(*seen), tc_cmp);
	for (i = 1; i < n; i++) {
		if (!seen[i].tc || seen[i].tc != seen[first].tc) {
			first = i;
			continue;
		}
		vl_error_at(vl, seen[i].mark,
			    "duplicate tc %ld (first at line %u)", seen[i].tc,
			    seen[first].mark.line);
	}
out:
	nestref_free(seen);
}

/* ---------------------------------------------------------------- */

enum { K_FORMAT, K_ID, K_TITLE, K_DESCRIPTION, K_REFERENCES, K_PROFILES,
       K_REQUIRES, K_NOTES, K_SETUP, K_TESTS, K_N };

static void walk(struct vl *vl, yaml_node_t *root)
{
	static const char *const keys[] = {
		"format",   "id",    "title", "description", "references",
		"profiles", "requires", "notes", "setup",     "tests",
		NULL
	};
	struct vec_file *file = vl->file;
	struct vl_kv kv[K_N];
	const char *s;

	if (!vl_map(vl, root, NULL, "the file", keys, kv))
		return;
	if (vl_require(vl, root, &kv[K_FORMAT], "format") &&
	    vl_str(vl, kv[K_FORMAT].val, "format", 0, &s) &&
	    strcmp(s, VEC_FORMAT) != 0)
		vl_expected(vl, kv[K_FORMAT].val, VEC_FORMAT, "format");
	if (vl_require(vl, root, &kv[K_ID], "id") &&
	    vl_str(vl, kv[K_ID].val, "id", VL_ONE_LINE, &s)) {
		file->id_mark = vl_mark(kv[K_ID].val);
		if (vl_name_ok(s, "-"))
			file->id = vl_strdup(vl, s);
		else
			vl_expected(vl, kv[K_ID].val, "an id of [a-z0-9-]+",
				    "id");
	}
	if (vl_require(vl, root, &kv[K_TITLE], "title") &&
	    vl_str(vl, kv[K_TITLE].val, "title", VL_NON_EMPTY | VL_ONE_LINE,
		   &s))
		file->title = vl_strdup(vl, s);
	if (kv[K_DESCRIPTION].val &&
	    vl_str(vl, kv[K_DESCRIPTION].val, "description", 0, &s))
		file->description = vl_strdup(vl, s);
	if (kv[K_REFERENCES].val)
		load_references(vl, kv[K_REFERENCES].val);
	if (kv[K_PROFILES].val)
		load_profiles(vl, kv[K_PROFILES].val);
	if (kv[K_REQUIRES].val)
		load_requires(vl, kv[K_REQUIRES].val);
	/* notes and devices first: tests refer to them */
	if (kv[K_NOTES].val)
		load_notes(vl, kv[K_NOTES].val);
	if (kv[K_SETUP].val)
		load_setup(vl, kv[K_SETUP].val);
	if (vl_require(vl, root, &kv[K_TESTS], "tests"))
		load_tests(vl, kv[K_TESTS].val);
	/* the steps' queue names, now that every queue is known */
	vl_queues(vl);
}

static struct vec_file *file_new(const char *path)
{
	struct vec_file *file = nestref_calloc(1, sizeof(*file));
	size_t len = strlen(path);

	if (!file)
		return NULL;
	file->path = nestref_malloc(len + 1);
	if (!file->path) {
		nestref_free(file);
		return NULL;
	}
	memcpy(file->path, path, len + 1);
	/* defaults of section 1 */
	file->profiles = NESTREF_PROFILES_ALL;
	file->vmid = file->vmids[0] = 1;
	file->n_viommus = 1;
	nestref_smmuv3_features_default(&file->smmu);
	return file;
}

/* The walk of a parsed document, which it deletes. */
/* The walk of a parsed document of size bytes (its budgets, 1.5). */
static int load_doc(const char *path, yaml_document_t *doc, size_t size,
		    struct vec_file **out, struct vec_diag *diag)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	struct vl vl;
	int ret;

	memset(&vl, 0, sizeof(vl));
	if (size < VL_BUDGET_FLOOR)
		size = VL_BUDGET_FLOOR;
	vl.budget = VL_LOAD_TIMES * size;
	vl.array_max = VL_ARRAY_TIMES * size;
	vl.at = root;
	vl.path = path;
	vl.diag = diag;
	vl.doc = doc;
	vl.max_visits = (size_t)(doc->nodes.top - doc->nodes.start) +
			VL_ALIAS_BUDGET;
	vl.file = file_new(path);
	if (!vl.file) {
		ret = -ENOMEM;
		vec_diag_add(diag, path, vl_mark(root), "out of memory");
		goto err_doc;
	}
	walk(&vl, root);
	nestref_free(vl.dev_names);
	nestref_free(vl.note_names);
	if (vl.nomem) {
		ret = -ENOMEM;
		vec_diag_add(diag, path, vl_mark(root), "out of memory");
		goto err_file;
	}
	if (vl.errors) {
		ret = -EINVAL;
		/* a count that cannot be kept is lost memory, not a detail */
		if (vl.errors > VL_ERRORS_MAX &&
		    vec_diag_add(diag, path, (struct vec_mark){ 0, 0 },
				 "... and %u more errors (the first %u of a file are shown)",
				 vl.errors - VL_ERRORS_MAX, VL_ERRORS_MAX))
			ret = -ENOMEM;
		goto err_file;
	}
	*out = vl.file;
	yaml_document_delete(doc);
	return 0;

err_file:
	vec_file_free(vl.file);
err_doc:
	yaml_document_delete(doc);
	return ret;
}

int vec_load(const char *path, struct vec_file **out, struct vec_diag *diag)
{
	yaml_document_t doc;
	size_t size;
	int ret;

	*out = NULL;
	ret = vl_read(path, diag, &doc, &size);
	if (ret)
		return ret;
	return load_doc(path, &doc, size, out, diag);
}

int vec_load_mem(const char *name, const unsigned char *buf, size_t len,
		 struct vec_file **out, struct vec_diag *diag)
{
	yaml_document_t doc;
	int ret;

	*out = NULL;
	ret = vl_parse(name, diag, buf, len, &doc);
	if (ret)
		return ret;
	return load_doc(name, &doc, len, out, diag);
}

void vec_file_free(struct vec_file *file)
{
	struct vec_test *t;
	size_t i, j;

	if (!file)
		return;
	for (i = 0; i < file->n_tests; i++) {
		t = &file->tests[i];
		nestref_free(t->comment);
		for (j = 0; j < t->n_flags; j++)
			nestref_free(t->flags[j]);
		nestref_free(t->flags);
		for (j = 0; j < t->n_steps; j++)
			vl_step_free(&t->steps[j]);
		nestref_free(t->steps);
	}
	nestref_free(file->tests);
	for (i = 0; i < file->n_devices; i++)
		nestref_free(file->devices[i].name);
	nestref_free(file->devices);
	for (i = 0; i < file->n_veventqs; i++)
		nestref_free(file->veventqs[i].name);
	nestref_free(file->veventqs);
	nestref_free(file->queues);
	nestref_free(file->caches);
	for (i = 0; i < file->n_notes; i++) {
		nestref_free(file->notes[i].name);
		nestref_free(file->notes[i].bug);
		nestref_free(file->notes[i].description);
	}
	nestref_free(file->notes);
	for (i = 0; i < file->n_references; i++)
		nestref_free(file->references[i]);
	nestref_free(file->references);
	nestref_free(file->description);
	nestref_free(file->title);
	nestref_free(file->id);
	nestref_free(file->path);
	nestref_free(file);
}
