/* SPDX-License-Identifier: MIT */
/*
 * The real kernel (issue 5 point 1(d)): IOMMU_HWPT_INVALIDATE on the
 * iommufd selftest's vIOMMU (kernel-facts 2.7, 5.4), and how the other
 * paths compare with it when they run in the same process on the same
 * CPU.
 *
 * Whether the kernel can be measured is the iommufd backend's own answer:
 * a context opens /dev/iommu and probes the selftest (kernel-facts 5.1).
 * Where it cannot (no /dev/iommu, no CONFIG_IOMMUFD_TEST, no permission),
 * the kernel rows are "not measured" with that reason, never estimated;
 * `make bench-kernel` measures them in a QEMU guest.
 *
 * The ratios pair each measured kernel row with the rows of the same
 * stream (batch, populated vSIDs, working set, linux-7.2) of the other
 * paths: ioctl (the bare ioctl), mock, and sim with cfgi-cd commands, each
 * of which looks one vSID up, as each selftest entry does.
 *
 * --backend-options=mode=vfio,devices=A:B:C puts the kernel rows on real
 * devices instead (make bench-kernel-arm64: the arm-smmu-v3 driver under
 * QEMU's SMMUv3): an ARM_SMMUV3 vIOMMU, SMMUv3 commands (cfgi-cd and
 * tlbi-nh-va, the sim rows' streams) and as many vSIDs as devices, one
 * cdev each.  The ratios then pair each kernel row with the ioctl and sim
 * rows of its own mix; the mock, which takes selftest entries only, is
 * not in that run.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

void bench_kernel_options(const struct bench_options *opts, char *buf,
			  size_t len)
{
	const char *mode = opts->backend_options ? opts->backend_options :
						   "mode=selftest";

	if (opts->iommufd)
		snprintf(buf, len, "%s,iommufd=%s", mode, opts->iommufd);
	else
		snprintf(buf, len, "%s", mode);
}

uint32_t bench_kernel_vfio_devices(const struct bench_options *opts)
{
	const char *p = opts->backend_options;
	uint32_t devices = 0;
	bool vfio = false;

	/* The backend's own syntax: comma-separated items, the last mode=
	 * wins, the paths of devices= are separated by ':'. */
	while (p && *p) {
		size_t n = strcspn(p, ","), k;

		if (n == 9 && !strncmp(p, "mode=vfio", n))
			vfio = true;
		else if (n == 13 && !strncmp(p, "mode=selftest", n))
			vfio = false;
		else if (n > 8 && !strncmp(p, "devices=", 8)) {
			devices++;
			for (k = 8; k < n; k++)
				devices += p[k] == ':';
		}
		p += n;
		p += *p == ',';
	}
	return vfio ? devices : 0;
}

enum bench_mix bench_sim_mix_of(enum bench_mix mix)
{
	return mix == MIX_SELFTEST ? BENCH_SIM_RATIO_MIX : mix;
}

void bench_kernel_probe(const struct bench_options *opts,
			struct bench_kernel_probe *probe)
{
	char options[BENCH_KERNEL_OPTIONS_LEN];
	struct nestref_ctx_opts o = {
		.size = sizeof(o),
		.profile = NESTREF_PROFILE_LINUX_7_2,
		.backend = "iommufd",
		.backend_options = options,
	};
	struct nestref_ctx *ctx = NULL;

	bench_kernel_options(opts, options, sizeof(options));
	memset(probe, 0, sizeof(*probe));
	probe->probed = true;
	probe->rc = nestref_ctx_new(&ctx, &o, probe->reason,
				    sizeof(probe->reason));
	if (probe->rc)
		return;
	nestref_ctx_free(ctx);
	probe->available = true;
	probe->reason[0] = '\0';
}

double bench_ratio_of(const struct bench_result *a,
		      const struct bench_result *b)
{
	if (!a || !b || !a->ok || !b->ok || !(b->st.median > 0))
		return NAN;
	return a->st.median / b->st.median;
}

/* The measured row of kind (and mix) on k's stream, or NULL. */
static const struct bench_result *
same_stream(const struct bench_result *res, size_t n,
	    const struct bench_result *k, enum bench_kind kind,
	    enum bench_mix mix)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct bench_spec *s = &res[i].spec;

		if (res[i].ok && s->kind == kind && s->mix == mix &&
		    s->profile == k->spec.profile &&
		    s->batch == k->spec.batch &&
		    s->populated == k->spec.populated &&
		    s->working_set == k->spec.working_set && !s->cached)
			return &res[i];
	}
	return NULL;
}

bool bench_kernel_ratio(const struct bench_result *res, size_t n,
			const struct bench_result *k, struct bench_ratio *out)
{
	if (!k->ok || k->spec.kind != BENCH_KERNEL)
		return false;
	*out = (struct bench_ratio){
		.populated = k->spec.populated,
		.batch = k->spec.batch,
		.working_set = bench_spec_ws(&k->spec),
		.kernel = k,
		.ioctl = same_stream(res, n, k, BENCH_IOCTL, k->spec.mix),
		.mock = same_stream(res, n, k, BENCH_MOCK, k->spec.mix),
		.sim = same_stream(res, n, k, BENCH_SIM,
				   bench_sim_mix_of(k->spec.mix)),
	};
	return true;
}

const struct bench_result *bench_kernel_commands(const struct bench_result *res,
						 size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (bench_kind_is_kernel(res[i].spec.kind) &&
		    res[i].spec.mix != MIX_SELFTEST)
			return &res[i];
	return NULL;
}

const char *bench_kernel_status(const struct bench_result *res, size_t n,
				const struct bench_kernel_probe *probe,
				char *reason, size_t len)
{
	const struct bench_result *failed = NULL, *absent = NULL;
	bool measured = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!bench_kind_is_kernel(res[i].spec.kind))
			continue;
		if (res[i].ok)
			measured = true;
		else if (res[i].not_measured)
			absent = absent ? absent : &res[i];
		else
			failed = failed ? failed : &res[i];
	}
	reason[0] = '\0';
	if (failed) {
		snprintf(reason, len, "%s", failed->error);
		return "failed";
	}
	if (measured)
		return "ok";
	if (absent)
		snprintf(reason, len, "%s", absent->error);
	else if (probe->probed && !probe->available)
		snprintf(reason, len, "%s", probe->reason);
	else
		snprintf(reason, len, "not asked for in this run (--only)");
	return "not-measured";
}
