/* SPDX-License-Identifier: MIT */
/*
 * What the bench measures (issue 5 point 1).
 *
 * A world is a context with one vIOMMU (VMID 1) and `populated` devices,
 * device i having pSID 0x10000 + 2i and user data linking vSID v(i + 1),
 * where v is a fixed bijection of the 32-bit space (xor-shifts and odd
 * multiplications, so v(x) is 0 only for x = 0): the vSIDs are spread
 * pseudo-randomly over all 32 bits, and the first 1k of them are also the
 * first 1k of the 64k and 1M sets.  64 more devices without user data,
 * with odd pSIDs spread between those, are for churn.
 *
 * The command stream names a working set of W = min(working set, populated)
 * devices: devices i = floor(j * populated / W) for j < W.  A pass of the
 * pool visits them in shuffled order, each as often as the others.  The
 * pool holds max(4096, W) commands (W * 16 for the unmap mix) and batches
 * walk through it cyclically; a pass is 64 KiB at the default sizes.
 *
 * The modelled SMMU's caches are empty, unless a sim benchmark asks for
 * `cached` TLB entries: another tenant's (VMID 2, ASID 1, 4 KiB pages at
 * 0, 4 KiB, 8 KiB, ...), which no command of this vIOMMU may remove, so
 * they stay cached for the whole run and every invalidation has to look
 * past them.
 *
 * Mixes (every field valid for linux-7.4's masks and the model):
 *  - cfgi-cd: CFGI_CD, SID = the device's vSID, a pseudo-random SSID below
 *    2^20, Leaf 1;
 *  - tlbi-nh-va: TLBI_NH_VA, the device's ASID (1 + j), VMID 0 (the host
 *    forces it), a range of 1 to 16 pages of 4 KiB (TG 4K, TTL 3, NUM 0-15,
 *    SCALE 0) at a pseudo-random 1 MiB-aligned 48-bit address, Leaf 1;
 *  - unmap, a guest unmapping buffers: groups of 16 commands for one
 *    device of the working set: 13 TLBI_NH_VA as above on consecutive
 *    ranges, then 2 ATC_INV of that device (SSV 0, Size 0-3, aligned),
 *    then 1 CFGI_CD of it: 81.25% TLBI_NH_VA, 12.5% ATC_INV, 6.25% CFGI_CD;
 *  - selftest (mock, and kernel, ioctl on the selftest): {flags 0,
 *    vdev_id = vSID, cache_id = k mod 4} (kernel-facts 5.4).
 *
 * The kernel rows' world is a context on the iommufd backend, mode=selftest:
 * each device is a mock device of the kernel's selftest and its user data
 * a vDEVICE whose virt_id is the vSID (kernel-facts 1.7, 2.9).  `kernel`
 * times nestref_invalidate() there; `ioctl` times IOMMU_HWPT_INVALIDATE
 * on the same vIOMMU with the same entries, without nestref (2.7).  In
 * mode=vfio (kernel.c) the devices are VFIO cdevs on an ARM_SMMUV3
 * vIOMMU, and the kernel and ioctl rows carry the SMMUv3 commands of
 * their mix, as the sim rows do; what the SMMU received is not checked.
 *
 * Everything goes through public headers: the rewrite rows call the
 * backend's struct nestref_smmuv3_ops.rewrite (<nestref/smmuv3.h>), the
 * ioctl rows get the fd and the kernel's vIOMMU ID from struct
 * nestref_iommufd_ops (<nestref/iommufd.h>) and build the ioctl from the
 * kernel's ABI (bench.h).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <nestref/backend.h>
#include <nestref/iommufd.h>
#include <nestref/smmuv3.h>

#include "bench.h"

#ifdef HAVE_LINUX_IOMMUFD_H
/* A real header is installed: the bench's copy of the ABI must agree. */
#include <linux/iommufd.h>
_Static_assert(BENCH_IOMMU_HWPT_INVALIDATE == IOMMU_HWPT_INVALIDATE,
	       "IOMMU_HWPT_INVALIDATE");
_Static_assert(sizeof(struct bench_hwpt_invalidate) ==
		       sizeof(struct iommu_hwpt_invalidate),
	       "struct iommu_hwpt_invalidate");
_Static_assert(offsetof(struct bench_hwpt_invalidate, entry_num) ==
		       offsetof(struct iommu_hwpt_invalidate, entry_num),
	       "iommu_hwpt_invalidate.entry_num");
#endif

#define WORLD_VMID 1u
#define OTHER_VMID 2u
#define PSID_BASE 0x10000u
#define POOL_MIN 4096u
#define POOL_MAX (1u << 22)
#define UNMAP_GROUP 16u
#define UNMAP_TLBI 13u
#define UNMAP_ATC 2u
#define SMMUV3_ENTRY_LEN 16u
#define SELFTEST_ENTRY_LEN 12u
/* Devices without user data that churn sets and unsets in turn. */
#define CHURN_DEVS 64u

/* Keeps the loops' results alive (style.md 2.3). */
static volatile uint64_t bench_sink;

static int sys_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

int (*bench_ioctl)(int fd, unsigned long request, void *arg) = sys_ioctl;

struct bench_world {
	char backend[32];
	enum nestref_profile profile;
	uint32_t populated;
	uint32_t cached; /* TLB entries of OTHER_VMID filled in */
	struct nestref_ctx *ctx;
	uint32_t viommu_id;
	struct nestref_viommu *viommu;
	uint32_t *dev_ids; /* of the populated devices, for check_cache */
	bool kernel;       /* on iommufd: no churn devices */
	int kernel_fd;     /* iommufd: the fd and the kernel's vIOMMU ID */
	uint32_t kernel_viommu;
	uint32_t churn_dev[CHURN_DEVS];
	unsigned char churn_data[CHURN_DEVS][4];
};

struct bench_workload {
	struct bench_spec spec;
	struct bench_world *w;
	uint32_t ws;
	size_t pool_len;                    /* commands in one pass */
	struct nestref_smmuv3_cmd *cmds;    /* pool_len + batch */
	struct nestref_smmuv3_cmd *scratch; /* rewrite: one batch */
	unsigned char *bytes;               /* sim, mock: the user arrays */
	uint32_t entry_len;
	size_t pos;
	uint64_t iter;
	/* rewrite: the backend's struct nestref_smmuv3_ops (version 2) */
	const struct nestref_smmuv3_ops *smmuv3;
	struct bench_events *events; /* events (events.c) */
};

static void set_err(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ placement */

/* A bijection of the 32-bit space with 0 -> 0: odd multiplications and
 * xor-shifts are each invertible. */
static uint32_t mix32(uint32_t x)
{
	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	x *= 0x297a2d39u;
	x ^= x >> 15;
	return x;
}

static uint32_t vsid_of(uint32_t i)
{
	return mix32(i + 1);
}

uint32_t bench_vsid_of(uint32_t i)
{
	return vsid_of(i);
}

static uint32_t psid_of(uint32_t i)
{
	return PSID_BASE + 2 * i;
}

uint32_t bench_psid_of(uint32_t i)
{
	return psid_of(i);
}

/* Churn devices sit between the populated pSIDs (odd ones), spread over
 * the range, so a set lands anywhere in the stream table. */
static uint32_t churn_psid(uint32_t populated, uint32_t k)
{
	return PSID_BASE + 2 * (uint32_t)((uint64_t)k * populated / CHURN_DEVS) +
	       1;
}

static void le32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* splitmix64: a fixed seed gives the same pool on every run. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint32_t rng_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)(rng_next(state) % n);
}

/* ------------------------------------------------------------ names */

const char *bench_kind_name(enum bench_kind kind)
{
	static const char *const names[] = { "rewrite", "sim",    "mock",
					     "churn",   "kernel", "ioctl",
					     "events",  "memory", "qemu-smmu" };

	return (unsigned int)kind < BENCH_KIND_COUNT ? names[kind] : "?";
}

bool bench_kind_is_kernel(enum bench_kind kind)
{
	return kind == BENCH_KERNEL || kind == BENCH_IOCTL;
}

/* Whether the spec's operations are selftest entries (mock, and the
 * kernel rows on the selftest), not SMMUv3 commands. */
static bool spec_is_selftest(const struct bench_spec *spec)
{
	return spec->mix == MIX_SELFTEST;
}

/* The invalidation array type of the spec's entries. */
static uint32_t spec_inv_type(const struct bench_spec *spec)
{
	return spec_is_selftest(spec) ? NESTREF_INV_TYPE_SELFTEST :
					NESTREF_INV_TYPE_ARM_SMMUV3;
}

const char *bench_mix_name(enum bench_mix mix)
{
	static const char *const names[] = { "cfgi-cd", "tlbi-nh-va",
					     "unmap", "selftest", "-",
					     "fault" };

	return (unsigned int)mix < MIX_COUNT ? names[mix] : "?";
}

const char *bench_unit(const struct bench_spec *spec)
{
	if (spec->kind == BENCH_EVENTS)
		return "events/s";
	if (spec_is_selftest(spec))
		return "entries/s";
	return spec->kind == BENCH_CHURN ? "pairs/s" : "commands/s";
}

uint32_t bench_spec_ws(const struct bench_spec *spec)
{
	return spec->working_set < spec->populated ? spec->working_set :
						     spec->populated;
}

void bench_count_format(uint64_t n, char *buf, size_t len)
{
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(n >> 20));
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, len, "%lluk", (unsigned long long)(n >> 10));
	else
		snprintf(buf, len, "%llu", (unsigned long long)n);
}

void bench_spec_format(const struct bench_spec *spec, char *buf, size_t len)
{
	char ws[16];

	if (spec->working_set == BENCH_WS_ALL)
		snprintf(ws, sizeof(ws), "all");
	else
		snprintf(ws, sizeof(ws), "%u", spec->working_set);
	snprintf(buf, len, "%s:%s:%s:%s:%u:%u:%s:%u",
		 bench_kind_name(spec->kind), spec->backend,
		 nestref_profile_name(spec->profile), bench_mix_name(spec->mix),
		 spec->batch, spec->populated, ws, spec->cached);
}

void bench_spec_describe(const struct bench_spec *spec, char *buf, size_t len)
{
	char pop[16], ws[16], cached[32] = "";

	if (spec->cached) {
		bench_count_format(spec->cached, ws, sizeof(ws));
		snprintf(cached, sizeof(cached), " cached %s", ws);
	}
	bench_count_format(spec->populated, pop, sizeof(pop));
	if (spec->working_set == BENCH_WS_ALL)
		snprintf(ws, sizeof(ws), "all");
	else
		bench_count_format(bench_spec_ws(spec), ws, sizeof(ws));
	if (spec->kind == BENCH_CHURN)
		snprintf(buf, len, "%s %s %s vsids %s",
			 bench_kind_name(spec->kind), spec->backend,
			 nestref_profile_name(spec->profile), pop);
	else
		snprintf(buf, len, "%s %s %s %s batch %u vsids %s ws %s%s",
			 bench_kind_name(spec->kind), spec->backend,
			 nestref_profile_name(spec->profile),
			 bench_mix_name(spec->mix), spec->batch, pop, ws, cached);
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int bench_spec_parse(const char *text, struct bench_spec *spec)
{
	char buf[160], *field[8], *save = NULL, *tok;
	size_t n = 0, len = strlen(text);
	unsigned int k;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, len + 1);
	for (tok = strtok_r(buf, ":", &save); tok && n < 8;
	     tok = strtok_r(NULL, ":", &save))
		field[n++] = tok;
	if (n != 8 || tok)
		return -EINVAL;
	memset(spec, 0, sizeof(*spec));
	for (k = 0; k < BENCH_KIND_COUNT; k++)
		if (!strcmp(field[0], bench_kind_name((enum bench_kind)k)))
			break;
	if (k == BENCH_KIND_COUNT)
		return -EINVAL;
	spec->kind = (enum bench_kind)k;
	if (!strcmp(field[1], "smmuv3-sim"))
		spec->backend = "smmuv3-sim";
	else if (!strcmp(field[1], "mock"))
		spec->backend = "mock";
	else if (!strcmp(field[1], "iommufd"))
		spec->backend = "iommufd";
	else
		return -EINVAL;
	if (nestref_profile_parse(field[2], &spec->profile))
		return -EINVAL;
	for (k = 0; k < MIX_COUNT; k++)
		if (!strcmp(field[3], bench_mix_name((enum bench_mix)k)))
			break;
	if (k == MIX_COUNT)
		return -EINVAL;
	spec->mix = (enum bench_mix)k;
	if (parse_u32(field[4], &spec->batch) || !spec->batch ||
	    parse_u32(field[5], &spec->populated) || !spec->populated)
		return -EINVAL;
	if (!strcmp(field[6], "all"))
		spec->working_set = BENCH_WS_ALL;
	else if (parse_u32(field[6], &spec->working_set) ||
		 !spec->working_set)
		return -EINVAL;
	if (parse_u32(field[7], &spec->cached))
		return -EINVAL;
	return 0;
}

/* ------------------------------------------------------------ worlds */

bool bench_world_matches(const struct bench_world *w,
			 const struct bench_spec *spec)
{
	return w && !strcmp(w->backend, spec->backend) &&
	       w->profile == spec->profile && w->populated == spec->populated &&
	       (!w->cached || w->cached == spec->cached);
}

void bench_world_free(struct bench_world *w)
{
	if (!w)
		return;
	nestref_ctx_free(w->ctx);
	free(w->dev_ids);
	free(w);
}

static int world_link(struct bench_world *w, uint32_t i, char *err,
		      size_t err_len)
{
	unsigned char data[4];
	uint32_t dev_id = 0;
	int rc;

	rc = nestref_dev_add(w->ctx, psid_of(i), &dev_id);
	w->dev_ids[i] = dev_id;
	if (!rc) {
		le32_put(data, vsid_of(i));
		rc = nestref_set_dev_user_data(w->ctx, w->viommu_id, dev_id,
					       data, sizeof(data), NULL);
	}
	if (rc)
		set_err(err, err_len, "%s: linking device %u (vSID 0x%x): %s",
			w->backend, i, vsid_of(i), nestref_ctx_message(w->ctx));
	return rc;
}

int bench_world_new(struct bench_world **out, const char *backend,
		    const char *backend_options, enum nestref_profile profile,
		    uint32_t populated, struct bench_progress *prog, char *err,
		    size_t err_len)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.profile = profile,
		.backend = backend,
		.backend_options = backend_options,
	};
	struct bench_world *w;
	char msg[256], pop[16];
	uint32_t i;
	int rc;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w) {
		set_err(err, err_len, "out of memory");
		return -ENOMEM;
	}
	snprintf(w->backend, sizeof(w->backend), "%s", backend);
	w->profile = profile;
	w->populated = populated;
	w->kernel_fd = -1;
	/* Churn runs on the in-memory backends only (plan.c). */
	w->kernel = !strcmp(backend, "iommufd");
	w->dev_ids = calloc(populated ? populated : 1, sizeof(*w->dev_ids));
	if (!w->dev_ids) {
		set_err(err, err_len, "out of memory for %u devices", populated);
		rc = -ENOMEM;
		goto fail;
	}
	rc = nestref_ctx_new(&w->ctx, &opts, msg, sizeof(msg));
	if (rc) {
		set_err(err, err_len, "%s: opening a context: %s", backend, msg);
		goto fail;
	}
	rc = nestref_viommu_alloc(w->ctx, WORLD_VMID, &w->viommu_id);
	if (rc) {
		set_err(err, err_len, "%s: vIOMMU: %s", backend,
			nestref_ctx_message(w->ctx));
		goto fail;
	}
	/* The rewrite rows hand this vIOMMU to the backend's rewrite op. */
	w->viommu = nestref_ctx_viommu(w->ctx, w->viommu_id);
	if (w->kernel) {
		const struct nestref_iommufd_ops *ops =
			nestref_ctx_ext(w->ctx, NESTREF_IOMMUFD_EXT);

		rc = ops ? ops->viommu_target(w->ctx, w->viommu_id,
					      &w->kernel_fd, &w->kernel_viommu) :
			   -EOPNOTSUPP;
		if (rc) {
			set_err(err, err_len,
				"%s: no iommufd fd and vIOMMU behind the context: %s",
				backend, nestref_errno_name(rc));
			goto fail;
		}
	}
	bench_count_format(populated, pop, sizeof(pop));
	for (i = 0; i < populated; i++) {
		if (prog && i % 65536 == 0)
			bench_progress(prog, "linking %s vSIDs on %s (%s): %u%%",
				       pop, backend,
				       nestref_profile_name(profile),
				       (unsigned int)((uint64_t)i * 100 /
						      populated));
		rc = world_link(w, i, err, err_len);
		if (rc)
			goto fail;
	}
	for (i = 0; !w->kernel && i < CHURN_DEVS; i++) {
		rc = nestref_dev_add(w->ctx, churn_psid(populated, i),
				     &w->churn_dev[i]);
		if (rc) {
			set_err(err, err_len, "%s: churn device: %s", backend,
				nestref_ctx_message(w->ctx));
			goto fail;
		}
		le32_put(w->churn_data[i], vsid_of(populated + i));
	}
	*out = w;
	return 0;
fail:
	bench_world_free(w);
	return rc;
}

/* ------------------------------------------------------------ pools */

/* The pool's length: every member of the working set once per pass. */
static size_t pool_length(const struct bench_spec *spec, uint32_t ws)
{
	uint64_t per = spec->mix == MIX_UNMAP ? UNMAP_GROUP : 1;
	uint64_t len = (uint64_t)ws * per;

	if (len < POOL_MIN)
		len = POOL_MIN;
	if (len > POOL_MAX)
		len = POOL_MAX;
	if (len % per)
		len -= len % per;
	if (len < spec->batch)
		len = spec->batch;
	return (size_t)len;
}

/* The ASID a guest gave member j's address space. */
static uint32_t asid_of(uint32_t j)
{
	return 1 + j % 0xfffeu;
}

static void cmd_tlbi(struct nestref_smmuv3_cmd *c, uint32_t asid,
		     uint64_t addr, uint32_t pages)
{
	nestref_smmuv3_cmd_init(c, "TLBI_NH_VA");
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_ASID, asid);
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_ADDR, addr);
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_LEAF, 1);
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_TG, 1);
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_TTL, 3);
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_NUM, pages - 1);
}

static void cmd_cfgi_cd(struct nestref_smmuv3_cmd *c, uint32_t vsid,
			uint32_t ssid)
{
	nestref_smmuv3_cmd_init(c, "CFGI_CD");
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_SID, vsid);
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_SSID, ssid);
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_LEAF, 1);
}

static void cmd_atc_inv(struct nestref_smmuv3_cmd *c, uint32_t vsid,
			uint64_t addr, uint32_t size)
{
	nestref_smmuv3_cmd_init(c, "ATC_INV");
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_SID, vsid);
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_SIZE, size);
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_ADDR,
			   addr & ~((UINT64_C(4096) << size) - 1));
}

/* A pseudo-random 1 MiB-aligned address below 2^48: room for a group's
 * 13 consecutive ranges of up to 64 KiB. */
static uint64_t rng_addr(uint64_t *rng)
{
	return (rng_next(rng) & ((UINT64_C(1) << 48) - 1)) &
	       ~UINT64_C(0xfffff);
}

/*
 * Fills cmds[0, len) and who[0, len) (the device index each command
 * names, UINT32_MAX for none) from the shuffled working set; order has
 * room for ws indexes.
 */
static void pool_fill(const struct bench_spec *spec, uint32_t ws,
		      const uint32_t *members, uint32_t *order,
		      struct nestref_smmuv3_cmd *cmds, uint32_t *who,
		      size_t len)
{
	uint64_t rng = UINT64_C(0x6e657374726566); /* fixed: "nestref" */
	uint32_t j, k, g;
	size_t at = 0;

	for (j = 0; j < ws; j++)
		order[j] = j;
	while (at < len) {
		/* One pass over the working set, in a fresh order. */
		for (j = ws; j > 1; j--) {
			uint32_t r = rng_below(&rng, j), t = order[j - 1];

			order[j - 1] = order[r];
			order[r] = t;
		}
		for (k = 0; k < ws && at < len; k++) {
			uint32_t m = order[k], dev = members[m];
			uint32_t vsid = vsid_of(dev);
			uint64_t addr = rng_addr(&rng);

			switch (spec->mix) {
			case MIX_CFGI_CD:
				cmd_cfgi_cd(&cmds[at], vsid,
					    rng_below(&rng, 1u << 20));
				who[at++] = dev;
				break;
			case MIX_TLBI_NH_VA:
				cmd_tlbi(&cmds[at], asid_of(m), addr,
					 1 + rng_below(&rng, 16));
				who[at++] = UINT32_MAX;
				break;
			case MIX_SELFTEST:
			case MIX_FAULT:
				/* The entry (or event) is built from who[]
				 * alone. */
				who[at++] = dev;
				break;
			case MIX_UNMAP:
				for (g = 0; g < UNMAP_TLBI; g++) {
					cmd_tlbi(&cmds[at], asid_of(m),
						 addr + (uint64_t)g * 16 * 4096,
						 1 + rng_below(&rng, 16));
					who[at++] = UINT32_MAX;
				}
				for (g = 0; g < UNMAP_ATC; g++) {
					cmd_atc_inv(&cmds[at], vsid,
						    addr + (uint64_t)g * 8 *
								   16 * 4096,
						    rng_below(&rng, 4));
					who[at++] = dev;
				}
				cmd_cfgi_cd(&cmds[at], vsid,
					    rng_below(&rng, 1u << 20));
				who[at++] = dev;
				break;
			default:
				who[at++] = UINT32_MAX;
				break;
			}
		}
	}
}

int bench_pool_physical(const struct bench_spec *spec, const uint32_t *psids,
			uint32_t n, uint32_t vmid,
			struct nestref_smmuv3_cmd **out, size_t *len)
{
	size_t total = pool_length(spec, n), i;
	uint32_t *members = calloc(n, sizeof(*members));
	uint32_t *order = calloc(n, sizeof(*order));
	uint32_t *who = calloc(total, sizeof(*who));
	struct nestref_smmuv3_cmd *cmds = calloc(total, sizeof(*cmds));
	uint32_t j;
	int rc = -ENOMEM;

	if (!members || !order || !who || !cmds)
		goto out;
	/* Every device is in the working set: floor(j * n / n) = j. */
	for (j = 0; j < n; j++)
		members[j] = j;
	pool_fill(spec, n, members, order, cmds, who, total);
	/* What the host issues (kernel-facts 4.2): the pSID, its VMID. */
	for (i = 0; i < total; i++) {
		if (who[i] != UINT32_MAX)
			nestref_smmuv3_set(&cmds[i], NESTREF_SMMUV3_F_SID,
					   psids[who[i]]);
		if (nestref_smmuv3_has_field(nestref_smmuv3_opcode(&cmds[i]),
					     NESTREF_SMMUV3_F_VMID))
			nestref_smmuv3_set(&cmds[i], NESTREF_SMMUV3_F_VMID,
					   vmid);
	}
	*out = cmds;
	*len = total;
	cmds = NULL;
	rc = 0;
out:
	free(cmds);
	free(who);
	free(order);
	free(members);
	return rc;
}

static void bytes_fill(struct bench_workload *wl, const uint32_t *who,
		       size_t total)
{
	size_t i;

	for (i = 0; i < total; i++) {
		unsigned char *p = wl->bytes + i * wl->entry_len;

		if (spec_is_selftest(&wl->spec)) {
			le32_put(p, 0);
			le32_put(p + 4, vsid_of(who[i]));
			le32_put(p + 8, (uint32_t)(i % 4));
		} else {
			nestref_smmuv3_to_bytes(&wl->cmds[i], p);
		}
	}
}

/* ------------------------------------------------------------ loops */

/*
 * The host's loop over batches: copy the guest's commands (the rewrite
 * works in place), then the backend rewrites them.  Kept lean, since
 * callgrind counts this loop's own instructions too.
 */
static int run_rewrite(struct bench_workload *wl, uint64_t iters, char *err,
		       size_t err_len)
{
	struct nestref_viommu *viommu = wl->w->viommu;
	size_t (*rewrite)(struct nestref_viommu *, struct nestref_smmuv3_cmd *,
			  size_t) = wl->smmuv3->rewrite;
	struct nestref_smmuv3_cmd *scratch = wl->scratch;
	uint32_t batch = wl->spec.batch;
	size_t pos = wl->pos, len = wl->pool_len;
	uint64_t acc = 0, bad = 0, it;

	for (it = 0; it < iters; it++) {
		memcpy(scratch, wl->cmds + pos,
		       (size_t)batch * sizeof(*scratch));
		bad += rewrite(viommu, scratch, batch);
		acc ^= scratch[batch - 1].dw[0];
		pos += batch;
		if (pos >= len)
			pos -= len;
	}
	wl->pos = pos;
	bench_sink ^= acc;
	if (bad) {
		set_err(err, err_len, "%llu commands refused by the host",
			(unsigned long long)bad);
		return -EIO;
	}
	return 0;
}

/* After a batch: the next one starts where it ended, the pool wrapping. */
static inline void pool_next(struct bench_workload *wl)
{
	wl->pos += wl->spec.batch;
	if (wl->pos >= wl->pool_len)
		wl->pos -= wl->pool_len;
}

/* A call that failed or handled less than its batch: the row fails. */
static int batch_failed(char *err, size_t err_len, const char *call, int rc,
			uint32_t handled, uint32_t batch, const char *detail)
{
	set_err(err, err_len, "%s: %s, %u of %u entries handled%s%s", call,
		rc ? nestref_errno_name(rc) : "0", handled, batch,
		detail ? ": " : "", detail ? detail : "");
	return rc ? rc : -EIO;
}

static int run_invalidate(struct bench_workload *wl, uint64_t iters,
			  char *err, size_t err_len)
{
	struct nestref_user_array a = {
		.type = spec_inv_type(&wl->spec),
		.entry_len = wl->entry_len,
	};
	uint32_t batch = wl->spec.batch;
	uint64_t it;
	int rc;

	for (it = 0; it < iters; it++) {
		a.entry_num = batch;
		a.data = wl->bytes + wl->pos * wl->entry_len;
		a.data_size = (size_t)batch * wl->entry_len;
		rc = nestref_invalidate(wl->w->ctx, wl->w->viommu_id, &a);
		if (rc || a.entry_num != batch)
			return batch_failed(err, err_len, "nestref_invalidate",
					    rc, a.entry_num, batch,
					    nestref_ctx_message(wl->w->ctx));
		pool_next(wl);
	}
	bench_sink += it;
	return 0;
}

/*
 * The bare ioctl (kernel-facts 2.7): the entries go to the kernel straight
 * from the pool, with no core checks and no copy into a guarded buffer.
 */
static int run_ioctl(struct bench_workload *wl, uint64_t iters, char *err,
		     size_t err_len)
{
	struct bench_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = wl->w->kernel_viommu,
		.data_type = spec_inv_type(&wl->spec),
		.entry_len = wl->entry_len,
	};
	int (*ioctl_fn)(int, unsigned long, void *) = bench_ioctl;
	int fd = wl->w->kernel_fd, rc;
	uint32_t batch = wl->spec.batch;
	uint64_t it;

	for (it = 0; it < iters; it++) {
		cmd.entry_num = batch;
		cmd.data_uptr =
			(uint64_t)(uintptr_t)(wl->bytes + wl->pos * wl->entry_len);
		rc = ioctl_fn(fd, BENCH_IOMMU_HWPT_INVALIDATE, &cmd) ? -errno : 0;
		if (rc || cmd.entry_num != batch)
			return batch_failed(err, err_len,
					    "IOMMU_HWPT_INVALIDATE", rc,
					    cmd.entry_num, batch, NULL);
		pool_next(wl);
	}
	bench_sink += it;
	return 0;
}

static int run_churn(struct bench_workload *wl, uint64_t iters, char *err,
		     size_t err_len)
{
	struct bench_world *w = wl->w;
	uint64_t it;
	uint32_t k, id = 0;
	int rc;

	for (it = 0; it < iters; it++) {
		k = (uint32_t)(wl->iter++ % CHURN_DEVS);
		rc = nestref_set_dev_user_data(w->ctx, w->viommu_id,
					       w->churn_dev[k],
					       w->churn_data[k], 4, &id);
		if (!rc)
			rc = nestref_unset_dev_user_data(w->ctx,
							 w->churn_dev[k]);
		if (rc) {
			set_err(err, err_len, "set/unset of churn device %u: %s",
				k, nestref_ctx_message(w->ctx));
			return rc;
		}
	}
	bench_sink += id;
	return 0;
}

int bench_workload_run(struct bench_workload *wl, uint64_t iters, char *err,
		       size_t err_len)
{
	switch (wl->spec.kind) {
	case BENCH_REWRITE:
		return run_rewrite(wl, iters, err, err_len);
	case BENCH_SIM:
	case BENCH_MOCK:
	case BENCH_KERNEL:
		return run_invalidate(wl, iters, err, err_len);
	case BENCH_IOCTL:
		return run_ioctl(wl, iters, err, err_len);
	case BENCH_CHURN:
		return run_churn(wl, iters, err, err_len);
	case BENCH_EVENTS:
		return bench_events_run(wl->events, iters, err, err_len);
	default:
		set_err(err, err_len, "unknown benchmark kind");
		return -EINVAL;
	}
}

uint64_t bench_workload_ops(const struct bench_workload *wl)
{
	return wl->spec.kind == BENCH_CHURN ? 1 : wl->spec.batch;
}

const char *bench_workload_rewrite_symbol(const struct bench_workload *wl)
{
	return wl->smmuv3 ? wl->smmuv3->rewrite_symbol : NULL;
}

/* ------------------------------------------------------------ checks */

/* The rewrite of the whole pool, compared with what the host must do. */
static int check_rewrite(struct bench_workload *wl, const uint32_t *who,
			 char *err, size_t err_len)
{
	struct nestref_smmuv3_cmd c;
	uint64_t v;
	size_t i;

	for (i = 0; i < wl->pool_len; i++) {
		c = wl->cmds[i];
		if (wl->smmuv3->rewrite(wl->w->viommu, &c, 1)) {
			set_err(err, err_len,
				"pool command %zu refused by the host's rewrite",
				i);
			return -EIO;
		}
		if (who[i] != UINT32_MAX &&
		    (nestref_smmuv3_get(&c, NESTREF_SMMUV3_F_SID, &v) ||
		     v != psid_of(who[i]))) {
			set_err(err, err_len,
				"pool command %zu: SID not rewritten to pSID 0x%x",
				i, psid_of(who[i]));
			return -EIO;
		}
		if (nestref_smmuv3_opcode(&c) == NESTREF_SMMUV3_TLBI_NH_VA &&
		    (nestref_smmuv3_get(&c, NESTREF_SMMUV3_F_VMID, &v) ||
		     v != WORLD_VMID)) {
			set_err(err, err_len, "pool command %zu: VMID not forced",
				i);
			return -EIO;
		}
	}
	return 0;
}

/* A command the SMMU model refused is skipped silently (CERROR_ILL):
 * a measurement over such commands would be wrong, so look. */
static int check_no_skips(struct bench_workload *wl, char *err,
			  size_t err_len)
{
	const struct nestref_counter *c;
	size_t n, i;

	if (nestref_counters(wl->w->ctx, &c, &n))
		return 0;
	for (i = 0; i < n; i++)
		if (!strcmp(c[i].name, "host.cerror-skips") ||
		    !strncmp(c[i].name, "smmu.cerrors.", 13)) {
			set_err(err, err_len,
				"the modelled SMMU raised command errors (%s = %llu)",
				c[i].name, (unsigned long long)c[i].value);
			return -EIO;
		}
	return 0;
}

/* Another tenant's TLB entries, which this vIOMMU's commands never reach. */
static int world_fill_tlb(struct bench_world *w, uint32_t n, char *err,
			  size_t err_len)
{
	struct nestref_smmuv3_cache_entry *e = calloc(n, sizeof(*e));
	uint32_t i;
	int rc;

	if (!e) {
		set_err(err, err_len, "out of memory for %u cache entries", n);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		e[i].kind = NESTREF_SMMUV3_CACHE_TLB;
		e[i].vmid = OTHER_VMID;
		e[i].asid = 1;
		e[i].va = (uint64_t)i << 12;
		e[i].level = 3;
		e[i].tg = 4096;
	}
	rc = nestref_smmuv3_caches_fill(w->ctx, e, n);
	free(e);
	if (rc) {
		set_err(err, err_len, "filling %u TLB entries: %s", n,
			nestref_ctx_message(w->ctx));
		return rc;
	}
	w->cached = n;
	return 0;
}

/* After the check: the other tenant's entries must all still be there. */
static int check_cached(struct bench_workload *wl, char *err, size_t err_len)
{
	const struct nestref_smmuv3_cache_entry *e;
	size_t n;
	int rc = nestref_smmuv3_caches_get(wl->w->ctx, &e, &n);

	if (!rc && n != wl->spec.cached) {
		set_err(err, err_len,
			"%zu of %u cached entries left after a pass: the stream removed some",
			n, wl->spec.cached);
		return -EIO;
	}
	return rc;
}

/*
 * After a pass of selftest entries: every cache word the pool named must
 * read 0 (kernel-facts 5.4 step 3d, 5.5), so the entries did reach the
 * devices, on the mock as in the kernel.
 */
static int check_selftest_caches(struct bench_workload *wl,
				 const uint32_t *who, char *err,
				 size_t err_len)
{
	size_t i;

	for (i = 0; i < wl->pool_len; i++) {
		uint32_t dev = wl->w->dev_ids[who[i]];
		int rc = nestref_check_cache(wl->w->ctx, dev, (uint32_t)(i % 4),
					     0);

		if (rc) {
			set_err(err, err_len,
				"after a pass, cache %u of device %u (vSID 0x%x) is not invalidated: %s",
				(unsigned int)(i % 4), who[i], vsid_of(who[i]),
				nestref_ctx_message(wl->w->ctx));
			return -EIO;
		}
	}
	return 0;
}

static int workload_check(struct bench_workload *wl, const uint32_t *who,
			  char *err, size_t err_len)
{
	uint64_t passes;
	int rc;

	switch (wl->spec.kind) {
	case BENCH_REWRITE:
		return check_rewrite(wl, who, err, err_len);
	case BENCH_SIM:
	case BENCH_MOCK:
	case BENCH_KERNEL:
	case BENCH_IOCTL:
		/* One whole pass of the pool, then back to its start. */
		passes = (wl->pool_len + wl->spec.batch - 1) / wl->spec.batch;
		rc = bench_workload_run(wl, passes, err, err_len);
		if (!rc && wl->spec.kind == BENCH_SIM)
			rc = check_no_skips(wl, err, err_len);
		if (!rc && spec_is_selftest(&wl->spec))
			rc = check_selftest_caches(wl, who, err, err_len);
		if (!rc && wl->spec.cached)
			rc = check_cached(wl, err, err_len);
		wl->pos = 0;
		return rc;
	default:
		return -EINVAL;
	}
}

/* Every churn device set and unset once. */
static int churn_check(struct bench_workload *wl, char *err, size_t err_len)
{
	int rc = bench_workload_run(wl, CHURN_DEVS, err, err_len);

	wl->iter = 0;
	return rc;
}

static bool spec_fits(const struct bench_spec *spec)
{
	switch (spec->kind) {
	case BENCH_REWRITE:
		return !strcmp(spec->backend, "smmuv3-sim") &&
		       spec->mix <= MIX_UNMAP && !spec->cached;
	case BENCH_SIM:
		return !strcmp(spec->backend, "smmuv3-sim") &&
		       spec->mix <= MIX_UNMAP;
	case BENCH_MOCK:
		return !strcmp(spec->backend, "mock") &&
		       spec->mix == MIX_SELFTEST && !spec->cached;
	case BENCH_KERNEL:
	case BENCH_IOCTL:
		/* Selftest entries, or SMMUv3 commands in mode=vfio. */
		return !strcmp(spec->backend, "iommufd") &&
		       spec->mix != MIX_NONE && !spec->cached;
	case BENCH_CHURN:
		return strcmp(spec->backend, "iommufd") != 0 &&
		       spec->mix == MIX_NONE && !spec->cached;
	case BENCH_EVENTS:
		return ((!strcmp(spec->backend, "smmuv3-sim") &&
			 spec->mix == MIX_FAULT) ||
			(!strcmp(spec->backend, "mock") &&
			 spec->mix == MIX_SELFTEST)) &&
		       !spec->cached;
	default:
		return false;
	}
}

void bench_workload_free(struct bench_workload *wl)
{
	if (!wl)
		return;
	bench_events_free(wl->events);
	free(wl->cmds);
	free(wl->scratch);
	free(wl->bytes);
	free(wl);
}

int bench_workload_new(struct bench_workload **out, struct bench_world *w,
		       const struct bench_spec *spec, char *err,
		       size_t err_len)
{
	struct bench_workload *wl;
	uint32_t *members = NULL, *order = NULL, *who = NULL, j;
	size_t total;
	int rc = -ENOMEM;

	*out = NULL;
	if (!spec_fits(spec) || !bench_world_matches(w, spec) || !spec->batch) {
		set_err(err, err_len, "benchmark and world do not fit");
		return -EINVAL;
	}
	wl = calloc(1, sizeof(*wl));
	if (!wl) {
		set_err(err, err_len, "out of memory");
		return -ENOMEM;
	}
	wl->spec = *spec;
	wl->w = w;
	if (spec->kind == BENCH_REWRITE) {
		wl->smmuv3 = nestref_ctx_ext(w->ctx, NESTREF_SMMUV3_EXT);
		if (!wl->smmuv3 || wl->smmuv3->version < 2 ||
		    !wl->smmuv3->rewrite) {
			set_err(err, err_len,
				"%s has no SMMUv3 rewrite op (struct nestref_smmuv3_ops version 2)",
				w->backend);
			free(wl);
			return -EOPNOTSUPP;
		}
	}
	wl->ws = bench_spec_ws(spec);
	if (spec->kind == BENCH_CHURN) {
		rc = churn_check(wl, err, err_len);
		goto out;
	}
	wl->pool_len = pool_length(spec, wl->ws);
	total = wl->pool_len + spec->batch;
	wl->entry_len = spec_is_selftest(spec) ? SELFTEST_ENTRY_LEN :
						 SMMUV3_ENTRY_LEN;
	members = malloc((size_t)wl->ws * sizeof(*members));
	order = malloc((size_t)wl->ws * sizeof(*order));
	who = malloc(total * sizeof(*who));
	wl->cmds = calloc(total, sizeof(*wl->cmds));
	if (spec->kind == BENCH_REWRITE)
		wl->scratch = calloc(spec->batch, sizeof(*wl->scratch));
	else
		wl->bytes = malloc(total * wl->entry_len);
	if (!members || !order || !who || !wl->cmds ||
	    (spec->kind == BENCH_REWRITE ? !wl->scratch : !wl->bytes)) {
		set_err(err, err_len, "out of memory for a pool of %zu",
			wl->pool_len);
		goto out;
	}
	for (j = 0; j < wl->ws; j++)
		members[j] = (uint32_t)((uint64_t)j * spec->populated / wl->ws);
	pool_fill(spec, wl->ws, members, order, wl->cmds, who, wl->pool_len);
	/* The tail repeats the start, so a batch may begin anywhere. */
	memcpy(wl->cmds + wl->pool_len, wl->cmds,
	       (size_t)spec->batch * sizeof(*wl->cmds));
	memcpy(who + wl->pool_len, who, (size_t)spec->batch * sizeof(*who));
	if (spec->kind == BENCH_EVENTS) {
		rc = bench_events_new(&wl->events, w->ctx, w->viommu_id, spec,
				      w->dev_ids, who, wl->pool_len, err,
				      err_len);
		goto out;
	}
	if (wl->bytes)
		bytes_fill(wl, who, total);
	rc = 0;
	if (spec->cached && !w->cached)
		rc = world_fill_tlb(w, spec->cached, err, err_len);
	if (!rc)
		rc = workload_check(wl, who, err, err_len);
out:
	free(members);
	free(order);
	free(who);
	if (rc) {
		bench_workload_free(wl);
		return rc;
	}
	*out = wl;
	return 0;
}
