/* SPDX-License-Identifier: MIT */
/*
 * Profiles as data: each profile is the set of rules its kernel follows,
 * and each rule names the kernel function it comes from.  docs/profiles.md
 * is the same table for people; tests/profiles.sh checks that the two
 * agree.  Nothing else in the library compares profiles: code asks
 * nestref_ctx_rule().
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

#define R(rule) NESTREF_RULE_BIT(NESTREF_RULE_##rule)

static const struct {
	const char *name;
	const char *kernels;
	const char *checked;
	uint32_t rules;
} nr_profiles[NESTREF_PROFILE_COUNT] = {
	[NESTREF_PROFILE_LINUX_7_2] = {
		"linux-7.2",
		"7.2 (7.2.13, Debian's linux-source-7.2)",
		"booted",
		R(ONE_VDEVICE_PER_DEVICE) | R(VDEVICE_TOMBSTONE) |
			R(VDEVICE_ONE_STREAM) | R(INVALIDATE_BOUNDS) |
			R(INVALIDATE_WHOLE_ARRAY) | R(ATTACH_NEEDS_VDEVICE) |
			R(VEVENTQ),
	},
	[NESTREF_PROFILE_RFC_V3] = {
		/* The RFC had no array invalidation: 6.13's stands in. */
		"rfc-v3",
		"RFC v3 of 23 Apr 2023 and nesting v2 06/17; invalidation as 6.13",
		"source-read",
		R(USER_DATA_TAIL_EFAULT) | R(RFC_USER_DATA) |
			R(ONE_VDEVICE_PER_DEVICE) | R(INVALIDATE_WHOLE_ARRAY),
	},
	[NESTREF_PROFILE_LINUX_7_4] = {
		"linux-7.4",
		"7.4 (mainline merge 1021679bed5a of 2026-10-22)",
		"source-read",
		R(ONE_VDEVICE_PER_DEVICE) | R(VDEVICE_TOMBSTONE) |
			R(VDEVICE_ONE_STREAM) | R(INVALIDATE_BOUNDS) |
			R(INVALIDATE_CORE_LOOP) | R(STRICT_COMMANDS) |
			R(REPEAT_ERRATUM) | R(ATTACH_NEEDS_VDEVICE) |
			R(VEVENTQ),
	},
	[NESTREF_PROFILE_LINUX_6_13] = {
		"linux-6.13",
		"6.13 as released (6.13 to 6.16 for the vDEVICE rules)",
		"source-read",
		R(INVALIDATE_WHOLE_ARRAY),
	},
};

static const struct {
	const char *alias;
	enum nestref_profile profile;
	const char *note;
} nr_profile_aliases[] = {
	{ "linux-next", NESTREF_PROFILE_LINUX_7_4,
	  "profile 'linux-next' is deprecated: the series it named was merged for Linux 7.4; use 'linux-7.4'" },
};

static const struct {
	const char *name;
	const char *text;
	const char *source;
	/* The capability a backend needs to show the rule at all, by name:
	 * the core knows no architecture's bits. */
	const char *needs;
} nr_rules[NESTREF_RULE_COUNT] = {
	[NESTREF_RULE_USER_DATA_TAIL_EFAULT] = {
		"user-data-tail-efault",
		"a user-data struct longer than the driver's with a non-zero tail is EFAULT, not E2BIG",
		"RFC v3 2/4 iommufd_device_set_data (kernel-facts 1.3 step 7)",
		NULL, /* needs no capability */
	},
	[NESTREF_RULE_RFC_USER_DATA] = {
		"rfc-user-data",
		"the RFC's drivers: the selftest mock stores its value opaquely (two devices may hold the same one); SMMUv3 refuses vSID 0 (EINVAL) and a taken vSID (EBUSY)",
		"RFC v3 3/4 mock set_dev_user_data; nesting v2 06/17 arm_smmu_set_dev_user_data (kernel-facts 1.4, 1.6)",
		NULL, /* needs no capability */
	},
	[NESTREF_RULE_ONE_VDEVICE_PER_DEVICE] = {
		"one-vdevice-per-device",
		"a device that already has user data (a vDEVICE, in any vIOMMU) is refused with EEXIST",
		"iommufd_vdevice_alloc_ioctl, idev->vdev (kernel-facts 2.9); RFC iommufd_device_set_data step 4",
		NULL, /* needs no capability */
	},
	[NESTREF_RULE_VDEVICE_TOMBSTONE] = {
		"vdevice-tombstone",
		"destroying a device that has a vDEVICE destroys the vDEVICE but keeps its ID reserved (IOMMU_DESTROY on it is ENOENT, no new object gets it) until the context is closed",
		"iommufd_device_pre_destroy, iommufd_object_tombstone_user (kernel-facts 2.9)",
		NULL, /* needs no capability */
	},
	[NESTREF_RULE_VDEVICE_ONE_STREAM] = {
		"vdevice-one-stream",
		"a vDEVICE for a device with other than exactly one StreamID is EOPNOTSUPP",
		"arm_vsmmu_vdevice_init (kernel-facts 3.2, 2.9)",
		"inv-arm-smmuv3",
	},
	[NESTREF_RULE_INVALIDATE_BOUNDS] = {
		"invalidate-bounds",
		"with entries, entry_len above PAGE_SIZE or entry_num above 2^19 is EINVAL and entry_num comes back 0",
		"iommufd_hwpt_invalidate (kernel-facts 2.7)",
		NULL, /* needs no capability */
	},
	[NESTREF_RULE_INVALIDATE_CORE_LOOP] = {
		"invalidate-core-loop",
		"the core calls the driver again on the rest of the array while it makes progress",
		"iommufd_hwpt_invalidate, commit 61e2f25a49bc (kernel-facts 2.7, 3.5)",
		NULL, /* needs no capability */
	},
	[NESTREF_RULE_INVALIDATE_WHOLE_ARRAY] = {
		"invalidate-whole-array",
		"the driver allocates the whole array before copying or checking it: above the largest kmalloc that is ENOMEM, nothing is done and entry_num comes back unchanged",
		"arm_vsmmu_cache_invalidate, mock_viommu_cache_invalidate (kernel-facts 3.4, 5.4)",
		NULL, /* needs no capability */
	},
	[NESTREF_RULE_STRICT_COMMANDS] = {
		"strict-commands",
		"each SMMUv3 command is checked against its opcode's allowed bits and range rules, chunks of 63 are converted whole before any is issued, and an empty array probes the type",
		"arm_vsmmu_validate_user_cmd, arm_vsmmu_cache_invalidate, commit 26564d25cd81 (kernel-facts 3.5)",
		"inv-arm-smmuv3",
	},
	[NESTREF_RULE_REPEAT_ERRATUM] = {
		"repeat-erratum",
		"the host knows the Tegra264 erratum: it reports it in hw_info and issues guest commands exactly as given, leaving the repeat to the guest",
		"arm_smmu_erratum_repeat_tlbi_cfgi, arm_smmu_hw_info, commits d501d66815ee and 06b15ddcfbc0 (kernel-facts 3.8)",
		"inv-arm-smmuv3",
	},
	[NESTREF_RULE_ATTACH_NEEDS_VDEVICE] = {
		"attach-needs-vdevice",
		"attaching a device to a nested HWPT whose vSTE translates at stage 1 (SMMUv3 CFG 5) needs a vDEVICE of the device in the HWPT's vIOMMU, else ENOENT; abort and bypass vSTEs attach without one; the selftest mock's nested HWPTs always need one",
		"arm_smmu_attach_prepare_vmaster, mock_domain_nop_attach, iommufd_viommu_get_vdev_id (kernel-facts 2.9, 2.11, 5.10)",
		"attach-nested",
	},
	[NESTREF_RULE_VEVENTQ] = {
		"veventq",
		"vEVENTQs exist: IOMMU_VEVENTQ_ALLOC and reading events; without the rule both are ENOTTY, an unknown ioctl",
		"iommufd_veventq_alloc (6.15)",
		NULL, /* needs no capability */
	},
};

/* Whether p and r index the tables; out-of-range values answer NULL or 0. */
static bool nr_profile_ok(enum nestref_profile p)
{
	return (unsigned int)p < NESTREF_PROFILE_COUNT;
}

static bool nr_rule_ok(enum nestref_rule r)
{
	return (unsigned int)r < NESTREF_RULE_COUNT;
}

const char *nestref_profile_name(enum nestref_profile profile)
{
	return nr_profile_ok(profile) ? nr_profiles[profile].name : NULL;
}

const char *nestref_profile_kernels(enum nestref_profile profile)
{
	return nr_profile_ok(profile) ? nr_profiles[profile].kernels : NULL;
}

const char *nestref_profile_checked(enum nestref_profile profile)
{
	return nr_profile_ok(profile) ? nr_profiles[profile].checked : NULL;
}

uint32_t nestref_rule_caps(enum nestref_rule rule)
{
	uint32_t cap = 0;

	if (nr_rule_ok(rule) && nr_rules[rule].needs)
		nestref_cap_parse(nr_rules[rule].needs, &cap);
	return cap;
}

uint32_t nestref_profile_rules(enum nestref_profile profile)
{
	return nr_profile_ok(profile) ? nr_profiles[profile].rules : 0;
}

int nestref_profile_parse(const char *name, enum nestref_profile *out)
{
	unsigned int p;
	size_t i;

	if (!name)
		return -EINVAL;
	for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
		if (strcmp(nr_profiles[p].name, name) == 0) {
			*out = (enum nestref_profile)p;
			return 0;
		}
	}
	for (i = 0; i < NESTREF_ARRAY_SIZE(nr_profile_aliases); i++) {
		if (strcmp(nr_profile_aliases[i].alias, name) == 0) {
			*out = nr_profile_aliases[i].profile;
			return 0;
		}
	}
	return -EINVAL;
}

const char *nestref_profile_alias_note(const char *name)
{
	size_t i;

	for (i = 0; name && i < NESTREF_ARRAY_SIZE(nr_profile_aliases); i++)
		if (strcmp(nr_profile_aliases[i].alias, name) == 0)
			return nr_profile_aliases[i].note;
	return NULL;
}

const char *nestref_rule_name(enum nestref_rule rule)
{
	return nr_rule_ok(rule) ? nr_rules[rule].name : NULL;
}

const char *nestref_rule_text(enum nestref_rule rule)
{
	return nr_rule_ok(rule) ? nr_rules[rule].text : NULL;
}

const char *nestref_rule_source(enum nestref_rule rule)
{
	return nr_rule_ok(rule) ? nr_rules[rule].source : NULL;
}

int nestref_rule_parse(const char *name, enum nestref_rule *out)
{
	unsigned int r;

	if (!name)
		return -EINVAL;
	for (r = 0; r < NESTREF_RULE_COUNT; r++) {
		if (strcmp(nr_rules[r].name, name) == 0) {
			*out = (enum nestref_rule)r;
			return 0;
		}
	}
	return -EINVAL;
}

bool nestref_ctx_rule(const struct nestref_ctx *ctx, enum nestref_rule rule)
{
	return nr_rule(ctx, rule);
}
