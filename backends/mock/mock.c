/* SPDX-License-Identifier: MIT */
/*
 * The mock backend: the Linux iommufd selftest mock driver, in memory
 * (kernel-facts section 5).  It is also the example to copy when writing a
 * backend: one constant ops table, per-object state in the private areas
 * the core allocates, and nothing the core already does.
 *
 * Every mock device holds four cache words that start at 0xbaddad (5.2).
 * A selftest invalidation entry {flags, vdev_id, cache_id} names a device
 * by the virtual ID its user data linked (5.4) and zeroes one word, or all
 * four with FLAG_ALL.  check_cache reads a word back (5.5).
 *
 * The way back (5.10): a nested HWPT on a vIOMMU takes the selftest's
 * data; a device attached to it remembers its vDEVICE's virt_id, which
 * TRIGGER_VEVENT reports as the event {virt_id} on that vIOMMU, through
 * the queues the core keeps (kernel-facts 2.12).
 */
#include <errno.h>
#include <stdlib.h>

#include <nestref/backend.h>


#define MOCK_DEV_CACHE_NUM 4
#define MOCK_DEV_CACHE_ID_MAX 3
#define MOCK_DEV_CACHE_DEFAULT 0xbaddadu
#define MOCK_INV_FLAG_ALL (1u << 0)
/* struct iommu_viommu_invalidate_selftest: flags, vdev_id, cache_id */
#define MOCK_INV_ENTRY_LEN 12
/* The user data: the RFC mock's 4-byte struct, here the virtual ID. */
#define MOCK_USER_DATA_LEN 4
/* IOMMU_HWPT_DATA_SELFTEST: struct iommu_hwpt_selftest {u32 iotlb;
 * u32 pagetable_type}, of which iotlb is the first version's. */
#define MOCK_HWPT_DATA_SELFTEST 0xdeadu
#define MOCK_HWPT_DATA_MIN 4
#define MOCK_HWPT_DATA_LEN 8

struct mock_dev {
	uint32_t cache[MOCK_DEV_CACHE_NUM];
	uint32_t data; /* the RFC mock's opaque value */
	/*
	 * The virt_id of the device's vDEVICE when it was attached to a
	 * nested HWPT of its vIOMMU (mock_domain_nop_attach), 0 for none:
	 * what TRIGGER_VEVENT reports, stale once the vDEVICE goes (5.10).
	 */
	uint64_t vdev_id;
};

static int mock_dev_init(struct nestref_dev *dev)
{
	struct mock_dev *md = nestref_dev_priv(dev);
	int i;

	for (i = 0; i < MOCK_DEV_CACHE_NUM; i++)
		md->cache[i] = MOCK_DEV_CACHE_DEFAULT;
	return 0;
}

/*
 * Upstream's mock links the virtual ID, unique per vIOMMU (kernel-facts
 * 2.9).  The RFC's stored the value and nothing else (rfc-user-data,
 * kernel-facts 1.4): two devices may hold the same one, and no
 * invalidation can name them.
 */
static int mock_set_dev_user_data(struct nestref_dev *dev,
				  const void *user_data)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	struct mock_dev *md = nestref_dev_priv(dev);
	uint32_t id = nestref_le32(user_data);
	int rc;

	if (nestref_ctx_rule(ctx, NESTREF_RULE_RFC_USER_DATA)) {
		md->data = id;
		return 0;
	}
	rc = nestref_viommu_link(nestref_dev_viommu(dev), id, dev);
	if (rc == -EEXIST)
		nestref_ctx_set_message(ctx,
					"mock: virtual ID 0x%x is already linked in this vIOMMU",
					id);
	return rc;
}

static void mock_unset_dev_user_data(struct nestref_dev *dev)
{
	struct mock_dev *md = nestref_dev_priv(dev);

	/* The RFC mock's unset wrote 0 (kernel-facts 1.4). */
	md->data = 0;
	if (!nestref_ctx_rule(nestref_dev_ctx(dev), NESTREF_RULE_RFC_USER_DATA))
		nestref_viommu_unlink(nestref_dev_viommu(dev),
				      nestref_dev_virt_id(dev));
}

/* One entry (5.4 step 3): flags, then cache_id, then the device. */
static int mock_invalidate_one(struct nestref_viommu *viommu,
			       const unsigned char *entry, uint32_t index)
{
	struct nestref_ctx *ctx = nestref_viommu_ctx(viommu);
	uint32_t flags = nestref_le32(entry);
	uint32_t vdev_id = nestref_le32(entry + 4);
	uint32_t cache_id = nestref_le32(entry + 8);
	struct nestref_dev *dev;
	struct mock_dev *md;
	int i;

	if (flags & ~MOCK_INV_FLAG_ALL) {
		nestref_ctx_set_message(ctx,
					"mock: entry %u: flags 0x%x has bits other than FLAG_ALL",
					index, flags);
		return -EOPNOTSUPP;
	}
	if (cache_id > MOCK_DEV_CACHE_ID_MAX) {
		nestref_ctx_set_message(ctx,
					"mock: entry %u: cache_id %u exceeds %u",
					index, cache_id, MOCK_DEV_CACHE_ID_MAX);
		return -EINVAL;
	}
	dev = nestref_viommu_find_dev(viommu, vdev_id);
	if (!dev) {
		nestref_ctx_set_message(ctx,
					"mock: entry %u: no device has virtual ID 0x%x",
					index, vdev_id);
		return -EINVAL;
	}
	md = nestref_dev_priv(dev);
	if (flags & MOCK_INV_FLAG_ALL)
		for (i = 0; i < MOCK_DEV_CACHE_NUM; i++)
			md->cache[i] = 0;
	else
		md->cache[cache_id] = 0;
	return 0;
}

static int mock_cache_invalidate_user(struct nestref_viommu *viommu,
				      struct nestref_user_array *array)
{
	struct nestref_ctx *ctx = nestref_viommu_ctx(viommu);
	uint32_t n = array->entry_num, i;
	unsigned char *entries;
	int rc;

	/* The probe: an empty array of the right type succeeds (5.4 step 1). */
	if (n == 0 && array->type == NESTREF_INV_TYPE_SELFTEST)
		return 0;
	/*
	 * invalidate-whole-array (kernel-facts 5.4): the allocation comes
	 * first and its failure returns before the mock sets entry_num, so
	 * the caller's count comes back unchanged (observed on 7.2.13 by
	 * check-kernel).
	 */
	if (nestref_ctx_rule(ctx, NESTREF_RULE_INVALIDATE_WHOLE_ARRAY) &&
	    (uint64_t)n * MOCK_INV_ENTRY_LEN > nestref_ctx_kmalloc_max(ctx))
		return nestref_ctx_fail_rule(ctx, -ENOMEM,
					     NESTREF_RULE_INVALIDATE_WHOLE_ARRAY,
					     "mock: %u entries need more than the kernel's largest kmalloc (%llu bytes)",
					     n,
					     (unsigned long long)nestref_ctx_kmalloc_max(ctx));
	/*
	 * The whole array is copied before any entry is applied (step 2).
	 * Checked before the copy is allocated: a copy that would fault
	 * costs nothing, whatever entry_num claims.
	 */
	rc = nestref_user_array_check(array, NESTREF_INV_TYPE_SELFTEST,
				      MOCK_INV_ENTRY_LEN, 0, n);
	entries = rc ? NULL : nestref_malloc((size_t)n * MOCK_INV_ENTRY_LEN);
	if (!rc && !entries)
		rc = -ENOMEM;
	if (!rc)
		rc = nestref_user_array_copy(array, NESTREF_INV_TYPE_SELFTEST,
					     MOCK_INV_ENTRY_LEN, 0, n, entries);
	array->entry_num = 0;
	for (i = 0; !rc && i < n; i++) {
		rc = mock_invalidate_one(viommu,
					 entries + (size_t)i * MOCK_INV_ENTRY_LEN,
					 i);
		if (!rc)
			array->entry_num++;
	}
	nestref_free(entries);
	return rc;
}

static int mock_check_cache(struct nestref_dev *dev, uint32_t index,
			    uint32_t value)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	struct mock_dev *md = nestref_dev_priv(dev);

	/* kernel-facts 5.5: a bad index and a mismatch are both EINVAL. */
	if (index > MOCK_DEV_CACHE_ID_MAX) {
		nestref_ctx_set_message(ctx, "check_cache: index %u exceeds %u",
					index, MOCK_DEV_CACHE_ID_MAX);
		return -EINVAL;
	}
	if (md->cache[index] != value) {
		nestref_ctx_set_message(ctx,
					"check_cache: word %u is 0x%x, expected 0x%x",
					index, md->cache[index], value);
		return -EINVAL;
	}
	return 0;
}

/*
 * __mock_domain_alloc_nested: the selftest's data type only, read by the
 * single-struct copy of iommu_copy_struct_from_user (kernel-facts 5.10,
 * 2.6).  The iotlb value it carries has no observer here.
 */
static int mock_hwpt_nested_init(struct nestref_hwpt *hwpt, uint32_t data_type,
				 const void *data, size_t len)
{
	struct nestref_ctx *ctx = nestref_hwpt_ctx(hwpt);

	if (data_type != MOCK_HWPT_DATA_SELFTEST) {
		nestref_ctx_set_message(ctx,
					"mock: nested HWPT data type 0x%x; the mock takes IOMMU_HWPT_DATA_SELFTEST (0xdead) only (kernel-facts 5.10)",
					data_type);
		return -EOPNOTSUPP;
	}
	if (len < MOCK_HWPT_DATA_MIN || len > MOCK_HWPT_DATA_LEN) {
		nestref_ctx_set_message(ctx,
					"mock: %zu bytes of struct iommu_hwpt_selftest; it takes %d to %d (kernel-facts 5.10)",
					len, MOCK_HWPT_DATA_MIN,
					MOCK_HWPT_DATA_LEN);
		return -EINVAL;
	}
	if (!data) {
		nestref_ctx_set_message(ctx,
					"mock: the nested HWPT's data pointer is NULL (kernel-facts 2.6)");
		return -EFAULT;
	}
	return 0;
}

/*
 * mock_domain_nop_attach: the device's vDEVICE in the HWPT's vIOMMU,
 * looked up as iommufd_viommu_get_vdev_id does; none is ENOENT where the
 * kernel has the lookup (attach-needs-vdevice).  The virt_id is taken
 * only when the vIOMMU changes: a second nested HWPT on the same vIOMMU
 * keeps the one of the first attach (kernel-facts 5.10).
 */
static int mock_dev_attach(struct nestref_dev *dev, struct nestref_hwpt *hwpt)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	struct mock_dev *md = nestref_dev_priv(dev);
	struct nestref_viommu *viommu = nestref_hwpt_viommu(hwpt);
	struct nestref_hwpt *old = nestref_dev_hwpt(dev);
	uint64_t virt_id = 0;

	if (nestref_viommu_dev_virt_id(viommu, dev, &virt_id) &&
	    nestref_ctx_rule(ctx, NESTREF_RULE_ATTACH_NEEDS_VDEVICE))
		return nestref_ctx_fail_rule(ctx, -ENOENT,
					     NESTREF_RULE_ATTACH_NEEDS_VDEVICE,
					     "mock: device %u has no vDEVICE in vIOMMU %u (kernel-facts 5.10)",
					     nestref_dev_id(dev),
					     nestref_viommu_id(viommu));
	if (!old || nestref_hwpt_viommu(old) != viommu)
		md->vdev_id = virt_id;
	return 0;
}

/* iommufd_test_trigger_vevent (kernel-facts 5.10). */
static int mock_trigger_vevent(struct nestref_dev *dev)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	const struct mock_dev *md = nestref_dev_priv(dev);
	struct nestref_hwpt *hwpt = nestref_dev_hwpt(dev);
	unsigned char event[NESTREF_VEVENT_SELFTEST_SIZE];

	if (!hwpt || !md->vdev_id) {
		nestref_ctx_set_message(ctx,
					"mock: device %u %s (kernel-facts 5.10)",
					nestref_dev_id(dev),
					hwpt ? "was attached without a virt_id" :
					       "is attached to no nested HWPT");
		return -ENOENT;
	}
	/* struct iommu_viommu_event_selftest {u32 virt_id}. */
	nestref_le_put(event, sizeof(event), md->vdev_id);
	return nestref_viommu_report_event(nestref_hwpt_viommu(hwpt),
					   NESTREF_VEVENTQ_TYPE_SELFTEST, event,
					   sizeof(event));
}

/* By name (backend.h, version 2): the kernels it can answer as. */
static const char *const mock_profiles[] = {
	"rfc-v3", "linux-6.13", "linux-7.2", "linux-7.4", NULL,
};

const struct nestref_backend nr_backend_mock = {
	.version = NESTREF_BACKEND_VERSION,
	.name = "mock",
	.description = "in-memory replica of the Linux iommufd selftest mock driver",
	.caps = NESTREF_CAP_INV_SELFTEST | NESTREF_CAP_CHECK_CACHE |
		NESTREF_CAP_RAW_USER_DATA | NESTREF_CAP_ATTACH_NESTED |
		NESTREF_CAP_TRIGGER_VEVENT,
	.profile_names = mock_profiles,
	.dev_priv_size = sizeof(struct mock_dev),
	.dev_init = mock_dev_init,
	.set_dev_user_data = mock_set_dev_user_data,
	.unset_dev_user_data = mock_unset_dev_user_data,
	.dev_user_data_len = MOCK_USER_DATA_LEN,
	.cache_invalidate_user = mock_cache_invalidate_user,
	.check_cache = mock_check_cache,
	.hwpt_nested_init = mock_hwpt_nested_init,
	.dev_attach = mock_dev_attach,
	.trigger_vevent = mock_trigger_vevent,
};
