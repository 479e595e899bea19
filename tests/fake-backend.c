/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake-backend.h"

struct fake_knobs fake_knobs;

#define FAKE_MAX_ISSUED 4096
#define FAKE_MAX_CACHES 256

struct fake_ctx {
	struct nestref_smmuv3_cmd issued[FAKE_MAX_ISSUED];
	size_t n_issued;
	struct nestref_smmuv3_cache_entry caches[FAKE_MAX_CACHES];
	size_t n_caches;
	const unsigned char *first_data;
};

struct fake_dev {
	uint32_t vsid;
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Flags a test gives through backend_options. */
enum { FAKE_OPT_UNAVAILABLE, FAKE_OPT_NO_ISSUED };

static const struct nestref_option_key fake_option_keys[] = {
	[FAKE_OPT_UNAVAILABLE] = { "unavailable", NULL },
	/* A backend that cannot see what the SMMU received (a kernel). */
	[FAKE_OPT_NO_ISSUED] = { "no-issued", NULL },
	{ NULL, NULL },
};

static int fake_option(struct nestref_ctx *ctx, size_t key, const char *value,
		       void *arg)
{
	(void)value;
	(void)arg;
	if (key == FAKE_OPT_UNAVAILABLE) {
		nestref_ctx_set_message(ctx, "fake: told to be unavailable");
		return -ENODEV;
	}
	nestref_ctx_set_caps(ctx, nestref_ctx_caps(ctx) &
				  ~NESTREF_CAP_OBSERVE_ISSUED);
	return 0;
}

static int fake_open(struct nestref_ctx *ctx, const char *options)
{
	int rc;

	rc = nestref_ctx_parse_options(ctx, options, fake_option_keys,
				       fake_option, NULL);
	return rc ? rc : fake_knobs.open_rc;
}

static int fake_set(struct nestref_dev *dev, const void *data)
{
	struct fake_dev *fd = nestref_dev_priv(dev);

	fake_knobs.set_calls++;
	if (fake_knobs.set_rc)
		return fake_knobs.set_rc;
	fd->vsid = le32(data);
	return nestref_viommu_link(nestref_dev_viommu(dev), fd->vsid, dev);
}

static void fake_unset(struct nestref_dev *dev)
{
	fake_knobs.unset_calls++;
	/*
	 * The vSID of the vDEVICE being unset: without one-vdevice-per-device
	 * (linux-6.13) a device may hold several, each with its own.
	 */
	nestref_viommu_unlink(nestref_dev_viommu(dev),
			      nestref_dev_virt_id(dev));
}

static void fake_issue(struct fake_ctx *fc, const struct nestref_smmuv3_cmd *c)
{
	if (fc->n_issued < FAKE_MAX_ISSUED)
		fc->issued[fc->n_issued++] = *c;
}

static void fake_cfgi_cd_all(struct fake_ctx *fc, uint32_t sid)
{
	size_t i, k = 0;

	for (i = 0; i < fc->n_caches; i++)
		if (!(fc->caches[i].kind == NESTREF_SMMUV3_CACHE_CFG &&
		      fc->caches[i].sid == sid))
			fc->caches[k++] = fc->caches[i];
	fc->n_caches = k;
}

static int fake_invalidate(struct nestref_viommu *viommu,
			   struct nestref_user_array *array)
{
	struct fake_ctx *fc = nestref_ctx_priv(nestref_viommu_ctx(viommu));
	uint32_t n = array->entry_num, i;
	struct nestref_smmuv3_cmd sync = { { NESTREF_SMMUV3_SYNC, 0 } };
	unsigned char *buf;
	int rc = 0;

	fake_knobs.invalidate_calls++;
	fake_knobs.last_entry_num = n;
	if (fake_knobs.invalidate_calls == 1)
		fc->first_data = array->data;
	else if (fc->first_data && array->data)
		fake_knobs.last_data_offset =
			(size_t)((const unsigned char *)array->data -
				 fc->first_data);
	if (fake_knobs.chunk && n > fake_knobs.chunk)
		n = fake_knobs.chunk;
	buf = malloc(n ? (size_t)n * 16 : 1);
	if (!buf)
		return -ENOMEM;
	rc = nestref_user_array_copy(array, NESTREF_INV_TYPE_ARM_SMMUV3, 16, 0,
				     n, buf);
	array->entry_num = 0;
	for (i = 0; !rc && i < n; i++) {
		struct nestref_smmuv3_cmd c;
		uint64_t sid;

		nestref_smmuv3_from_bytes(&c, buf + (size_t)i * 16);
		if (nestref_smmuv3_opcode(&c) == NESTREF_SMMUV3_CFGI_STE) {
			rc = -EIO;
			break;
		}
		if (nestref_smmuv3_opcode(&c) == NESTREF_SMMUV3_CFGI_CD_ALL &&
		    nestref_smmuv3_get(&c, NESTREF_SMMUV3_F_SID, &sid) == 0)
			fake_cfgi_cd_all(fc, (uint32_t)sid);
		fake_issue(fc, &c);
		array->entry_num++;
	}
	if (n && !rc)
		fake_issue(fc, &sync);
	array->entry_num += fake_knobs.overreport;
	free(buf);
	return rc;
}

static int fake_hwpt_init(struct nestref_hwpt *hwpt, uint32_t data_type,
			  const void *data, size_t len)
{
	(void)hwpt;
	(void)data_type;
	(void)data;
	(void)len;
	fake_knobs.hwpt_inits++;
	return fake_knobs.hwpt_rc;
}

static void fake_hwpt_destroy(struct nestref_hwpt *hwpt)
{
	(void)hwpt;
	fake_knobs.hwpt_destroys++;
}

static int fake_dev_attach(struct nestref_dev *dev, struct nestref_hwpt *hwpt)
{
	(void)hwpt;
	fake_knobs.attach_calls++;
	fake_knobs.last_old_hwpt = nestref_dev_hwpt(dev);
	return fake_knobs.attach_rc;
}

static int fake_trigger_vevent(struct nestref_dev *dev)
{
	struct fake_dev *fd = nestref_dev_priv(dev);
	struct nestref_viommu *viommu = nestref_dev_viommu(dev);
	unsigned char event[NESTREF_VEVENT_SELFTEST_SIZE];

	fake_knobs.trigger_calls++;
	if (fake_knobs.trigger_rc)
		return fake_knobs.trigger_rc;
	if (!viommu)
		return -ENOENT;
	nestref_le_put(event, sizeof(event), fd->vsid);
	return nestref_viommu_report_event(viommu, NESTREF_VEVENTQ_TYPE_SELFTEST,
					   event, sizeof(event));
}

static int fake_veventq_alloc(struct nestref_veventq *q)
{
	(void)q;
	fake_knobs.veventq_allocs++;
	return fake_knobs.veventq_alloc_rc;
}

static int fake_veventq_read(struct nestref_veventq *q,
			     struct nestref_event_buffer *buf)
{
	(void)q;
	fake_knobs.veventq_reads++;
	fake_knobs.last_read_count = buf->count;
	return fake_knobs.veventq_read_rc;
}

static void fake_veventq_destroy(struct nestref_veventq *q)
{
	(void)q;
	fake_knobs.veventq_destroys++;
}

static int fake_check_cache(struct nestref_dev *dev, uint32_t index,
			    uint32_t value)
{
	struct fake_dev *fd = nestref_dev_priv(dev);

	/* The fake's only cache word is its vSID, at index 0. */
	return index == 0 && fd->vsid == value ? 0 : -EINVAL;
}

static int fake_issued(struct nestref_ctx *ctx,
		       const struct nestref_smmuv3_cmd **cmds, size_t *count)
{
	struct fake_ctx *fc = nestref_ctx_priv(ctx);

	*cmds = fc->issued;
	*count = fc->n_issued;
	return 0;
}

static void fake_issued_clear(struct nestref_ctx *ctx)
{
	struct fake_ctx *fc = nestref_ctx_priv(ctx);

	fc->n_issued = 0;
}

static int fake_caches_fill(struct nestref_ctx *ctx,
			    const struct nestref_smmuv3_cache_entry *entries,
			    size_t count)
{
	struct fake_ctx *fc = nestref_ctx_priv(ctx);

	if (count > FAKE_MAX_CACHES - fc->n_caches)
		return -ENOSPC;
	memcpy(fc->caches + fc->n_caches, entries, count * sizeof(*entries));
	fc->n_caches += count;
	return 0;
}

static int fake_caches_get(struct nestref_ctx *ctx,
			   const struct nestref_smmuv3_cache_entry **entries,
			   size_t *count)
{
	struct fake_ctx *fc = nestref_ctx_priv(ctx);

	*entries = fc->caches;
	*count = fc->n_caches;
	return 0;
}

static const struct nestref_smmuv3_ops fake_smmuv3_ops = {
	.version = NESTREF_SMMUV3_OPS_VERSION,
	.issued = fake_issued,
	.issued_clear = fake_issued_clear,
	.caches_fill = fake_caches_fill,
	.caches_get = fake_caches_get,
};

static const struct nestref_backend fake_backend = {
	.version = NESTREF_BACKEND_VERSION,
	.name = "fake",
	.description = "test backend with every capability",
	.caps = NESTREF_CAP_INV_ARM_SMMUV3 | NESTREF_CAP_OBSERVE_ISSUED |
		NESTREF_CAP_CHECK_CACHE | NESTREF_CAP_RAW_USER_DATA |
		NESTREF_CAP_OBSERVE_CACHES | NESTREF_CAP_ATTACH_NESTED |
		NESTREF_CAP_TRIGGER_VEVENT,
	.profiles = NESTREF_PROFILES_ALL,
	.ctx_priv_size = sizeof(struct fake_ctx),
	.dev_priv_size = sizeof(struct fake_dev),
	.open = fake_open,
	.set_dev_user_data = fake_set,
	.unset_dev_user_data = fake_unset,
	.dev_user_data_len = 4,
	.cache_invalidate_user = fake_invalidate,
	.check_cache = fake_check_cache,
	.ext_name = NESTREF_SMMUV3_EXT,
	.ext = &fake_smmuv3_ops,
	.hwpt_nested_init = fake_hwpt_init,
	.hwpt_nested_destroy = fake_hwpt_destroy,
	.dev_attach = fake_dev_attach,
	.trigger_vevent = fake_trigger_vevent,
};

static const struct nestref_backend fake_evq_backend = {
	.version = NESTREF_BACKEND_VERSION,
	.name = "fake-evq",
	.description = "test backend that owns its event queues",
	.caps = NESTREF_CAP_TRIGGER_VEVENT,
	.profiles = NESTREF_PROFILES_ALL,
	.veventq_priv_size = 16,
	.veventq_alloc = fake_veventq_alloc,
	.veventq_read = fake_veventq_read,
	.veventq_destroy = fake_veventq_destroy,
	.trigger_vevent = fake_trigger_vevent,
	.dev_priv_size = sizeof(struct fake_dev),
};

static const struct nestref_backend fake_noops_backend = {
	.version = NESTREF_BACKEND_VERSION,
	.name = "fake-noops",
	.description = "test backend without user-data or invalidation ops",
	.profiles = NESTREF_PROFILES_ALL,
};

static const struct nestref_backend fake_rfc_backend = {
	.version = NESTREF_BACKEND_VERSION,
	.name = "fake-rfc",
	.description = "test backend for rfc-v3 only",
	.profiles = NESTREF_PROFILE_BIT(NESTREF_PROFILE_RFC_V3),
	.dev_priv_size = sizeof(struct fake_dev),
	.set_dev_user_data = fake_set,
	.unset_dev_user_data = fake_unset,
	.dev_user_data_len = 4,
};

void fake_backend_setup(void)
{
	static int registered;

	memset(&fake_knobs, 0, sizeof(fake_knobs));
	if (registered)
		return;
	nestref_backend_register(&fake_backend);
	nestref_backend_register(&fake_noops_backend);
	nestref_backend_register(&fake_rfc_backend);
	nestref_backend_register(&fake_evq_backend);
	registered = 1;
}
