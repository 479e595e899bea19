/* SPDX-License-Identifier: MIT */
/*
 * iommufd: the real kernel, through /dev/iommu.  The seed's user data
 * becomes its upstream successor (kernel-facts 1.7): set_dev_user_data is
 * IOMMU_VDEVICE_ALLOC with virt_id = the vSID, unset is IOMMU_DESTROY of
 * that vDEVICE, and invalidation is IOMMU_HWPT_INVALIDATE on the vIOMMU,
 * with entry_num passed back exactly as the kernel wrote it.  The core's
 * own checks run first; whatever reaches the kernel gets the kernel's
 * answer, unchanged.
 *
 * Two modes (--backend-options):
 *  - mode=selftest (default): the iommufd selftest mock (kernel-facts 5):
 *    a mock device per setup device, a SELFTEST vIOMMU, `selftest`
 *    invalidations, check_cache through IOMMU_TEST_OP_DEV_CHECK_CACHE,
 *    the mock's nested HWPTs and attach (nested.c) and its
 *    TRIGGER_VEVENT (events.c).
 *  - mode=vfio,devices=/dev/vfio/devices/vfio0:...: real devices, bound
 *    through their VFIO cdevs in the order the vector names devices, an
 *    ARM_SMMUV3 vIOMMU, `arm-smmuv3` invalidations, and nested HWPTs
 *    that devices attach to (nested.c).  What the SMMU received is not
 *    observable from user space.
 * In both modes vEVENTQs are the kernel's, read through their file
 * descriptors (events.c).
 * A vIOMMU needs a device to exist (2.8); the first device (a hidden mock
 * device in selftest mode, the first named cdev in vfio mode) anchors the
 * nest-parent HWPT and the vIOMMU.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nestref/backend.h>
#include <nestref/iommufd.h>
#include <nestref/smmuv3.h>

#include "ifd.h"
#include "sys.h"
#include "uapi.h"
#include "user-buffer.h"

int ifd_ioctl_error(struct nestref_ctx *ctx, const char *name)
{
	int err = errno;

	nestref_ctx_set_message(ctx, "iommufd: %s: %s", name,
				nestref_strerror(-err));
	return -err;
}

void ifd_destroy(struct nestref_ctx *ctx, uint32_t id)
{
	struct nr_iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	if (id)
		ifd_ioctl(ctx, ifd_ctx(ctx)->fd, NR_IOMMU_DESTROY, &cmd,
			  "IOMMU_DESTROY");
}

/* The keys of the options, in the order ifd_option() switches on. */
enum { IFD_OPT_MODE, IFD_OPT_DEVICES, IFD_OPT_IOMMUFD };

static const struct nestref_option_key ifd_option_keys[] = {
	[IFD_OPT_MODE] = { "mode", "selftest|vfio" },
	[IFD_OPT_DEVICES] = { "devices", "PATH[:PATH...]" },
	/* For a kernel whose misc device lives elsewhere. */
	[IFD_OPT_IOMMUFD] = { "iommufd", "PATH" },
	{ NULL, NULL },
};

/* devices=A:B:C adds the cdevs A, B and C, in the order vectors name
 * devices. */
static int ifd_option_devices(struct nestref_ctx *ctx, const char *list)
{
	struct ifd_ctx *ic = ifd_ctx(ctx);
	const char *p = list;
	size_t len;

	for (;;) {
		len = strcspn(p, ":");
		if (!len) {
			nestref_ctx_set_message(ctx,
						"iommufd: devices=%s has an empty path",
						list);
			return -EINVAL;
		}
		if (ic->n_paths == IFD_MAX_VFIO) {
			nestref_ctx_set_message(ctx,
						"iommufd: devices= names more than %d devices",
						IFD_MAX_VFIO);
			return -E2BIG;
		}
		ic->paths[ic->n_paths] = nestref_strndup(p, len);
		if (!ic->paths[ic->n_paths++])
			return -ENOMEM;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int ifd_option(struct nestref_ctx *ctx, size_t key, const char *value,
		      void *arg)
{
	struct ifd_ctx *ic = ifd_ctx(ctx);

	(void)arg;
	switch (key) {
	case IFD_OPT_MODE:
		if (strcmp(value, "selftest") == 0) {
			ic->mode = IFD_SELFTEST;
		} else if (strcmp(value, "vfio") == 0) {
			ic->mode = IFD_VFIO;
		} else {
			nestref_ctx_set_message(ctx,
						"iommufd: mode '%s' is not selftest or vfio",
						value);
			return -EINVAL;
		}
		return 0;
	case IFD_OPT_DEVICES:
		return ifd_option_devices(ctx, value);
	default:
		nestref_free(ic->iommufd_path);
		ic->iommufd_path = nestref_strdup(value);
		return ic->iommufd_path ? 0 : -ENOMEM;
	}
}

/* "mode=vfio,devices=/dev/vfio/devices/vfio0:/dev/vfio/devices/vfio1" */
static int ifd_options(struct nestref_ctx *ctx, const char *options)
{
	int rc;

	rc = nestref_ctx_parse_options(ctx, options, ifd_option_keys,
				       ifd_option, NULL);
	if (!rc && ifd_ctx(ctx)->mode == IFD_VFIO && !ifd_ctx(ctx)->n_paths) {
		nestref_ctx_set_message(ctx,
					"iommufd: mode=vfio needs devices=/dev/vfio/devices/vfioN[:...]");
		rc = -EINVAL;
	}
	return rc;
}

static void ifd_free_paths(struct ifd_ctx *ic)
{
	while (ic->n_paths)
		nestref_free(ic->paths[--ic->n_paths]);
	nestref_free(ic->iommufd_path);
	ic->iommufd_path = NULL;
}

static int ifd_open(struct nestref_ctx *ctx, const char *options)
{
	struct ifd_ctx *ic = ifd_ctx(ctx);
	struct nr_iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct nr_iommu_test_cmd probe = { .size = sizeof(probe) };
	const char *path;
	int rc;

	ic->fd = -1;
	ic->anchor_fd = -1;
	rc = ifd_options(ctx, options);
	if (rc)
		goto err_paths;
	/*
	 * The kernel's PAGE_SIZE bounds entry_len (kernel-facts 2.7): the
	 * two must agree.
	 */
	if (sysconf(_SC_PAGESIZE) != (long)nestref_ctx_page_size(ctx)) {
		nestref_ctx_set_message(ctx,
					"iommufd: this kernel's PAGE_SIZE is %ld, the context says %u",
					sysconf(_SC_PAGESIZE),
					nestref_ctx_page_size(ctx));
		rc = -EOPNOTSUPP;
		goto err_paths;
	}
	path = ic->iommufd_path ? ic->iommufd_path : "/dev/iommu";
	ic->fd = ifd_sys()->open(path, O_RDWR);
	if (ic->fd < 0) {
		/* No iommufd here: the run is a skip, not a failure (exit 77). */
		nestref_ctx_set_message(ctx, "iommufd: cannot open %s: %s",
					path, strerror(errno));
		rc = -ENODEV;
		goto err_paths;
	}
	/* An unknown test op is EOPNOTSUPP where the selftest exists (5.1). */
	if (ic->mode == IFD_SELFTEST &&
	    ifd_sys()->ioctl(ic->fd, NR_IOMMU_TEST_CMD, &probe) != 0 &&
	    errno != EOPNOTSUPP) {
		nestref_ctx_set_message(ctx,
					"iommufd: no selftest ioctl (%s): the kernel lacks CONFIG_IOMMUFD_TEST",
					nestref_strerror(-errno));
		rc = -ENODEV;
		goto err_close;
	}
	rc = ifd_ioctl(ctx, ic->fd, NR_IOMMU_IOAS_ALLOC, &ioas,
		       "IOMMU_IOAS_ALLOC");
	if (rc)
		goto err_close;
	ic->ioas_id = ioas.out_ioas_id;
	/*
	 * The selftest's mock vIOMMU takes no vSTE (kernel-facts 2.11) but
	 * its own struct iommu_hwpt_selftest, and only the mock has
	 * TRIGGER_VEVENT (5.10).
	 */
	if (ic->mode == IFD_VFIO)
		nestref_ctx_set_caps(ctx, NESTREF_CAP_INV_ARM_SMMUV3 |
						  NESTREF_CAP_ATTACH_NESTED);
	else
		nestref_ctx_set_caps(ctx, NESTREF_CAP_INV_SELFTEST |
						  NESTREF_CAP_CHECK_CACHE |
						  NESTREF_CAP_ATTACH_NESTED |
						  NESTREF_CAP_TRIGGER_VEVENT);
	return 0;

err_close:
	ifd_sys()->close(ic->fd);
	ic->fd = -1;
err_paths:
	ifd_free_paths(ic);
	return rc;
}

static void ifd_close(struct nestref_ctx *ctx)
{
	struct ifd_ctx *ic = ifd_ctx(ctx);

	/* Every vIOMMU and device is gone: the anchor can go now. */
	if (ic->anchor_fd >= 0)
		ifd_sys()->close(ic->anchor_fd);
	else if (ic->anchored)
		ifd_destroy(ctx, ic->anchor_stdev);
	ifd_destroy(ctx, ic->ioas_id);
	ifd_sys()->close(ic->fd);
	ifd_guard_free(&ic->guard);
	ifd_free_paths(ic);
}

/* IOMMU_TEST_OP_MOCK_DOMAIN (5.2): a new mock device on the IOAS. */
static int ifd_mock_device(struct nestref_ctx *ctx, uint32_t *stdev,
			   uint32_t *idev)
{
	struct ifd_ctx *ic = ifd_ctx(ctx);
	struct nr_iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = NR_IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = ic->ioas_id,
	};
	int rc = ifd_ioctl(ctx, ic->fd, NR_IOMMU_TEST_CMD, &cmd,
			   "IOMMU_TEST_OP_MOCK_DOMAIN");

	if (rc)
		return rc;
	*stdev = cmd.mock_domain.out_stdev_id;
	*idev = cmd.mock_domain.out_idev_id;
	return 0;
}

static int ifd_vfio_bind(struct nestref_ctx *ctx, const char *path, int *fd,
			 uint32_t *idev);

/* The context's anchor device, made once (see struct ifd_ctx). */
static int ifd_anchor(struct nestref_ctx *ctx)
{
	struct ifd_ctx *ic = ifd_ctx(ctx);
	int rc;

	if (ic->anchored)
		return 0;
	if (ic->mode == IFD_SELFTEST)
		rc = ifd_mock_device(ctx, &ic->anchor_stdev, &ic->anchor_idev);
	else
		rc = ifd_vfio_bind(ctx, ic->paths[0], &ic->anchor_fd,
				   &ic->anchor_idev);
	if (!rc)
		ic->anchored = true;
	return rc;
}

/* A VFIO cdev bound to this iommufd (VFIO_DEVICE_BIND_IOMMUFD). */
static int ifd_vfio_bind(struct nestref_ctx *ctx, const char *path, int *fd,
			 uint32_t *idev)
{
	struct ifd_ctx *ic = ifd_ctx(ctx);
	struct nr_vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = ic->fd,
	};
	int rc;

	*fd = ifd_sys()->open(path, O_RDWR);
	if (*fd < 0) {
		int err = errno;

		nestref_ctx_set_message(ctx, "iommufd: cannot open %s: %s",
					path, strerror(err));
		return -err;
	}
	rc = ifd_ioctl(ctx, *fd, NR_VFIO_DEVICE_BIND_IOMMUFD, &bind,
		       "VFIO_DEVICE_BIND_IOMMUFD");
	if (rc) {
		ifd_sys()->close(*fd);
		*fd = -1;
		return rc;
	}
	*idev = bind.out_devid;
	return 0;
}

static int ifd_viommu_init(struct nestref_viommu *viommu)
{
	struct nestref_ctx *ctx = nestref_viommu_ctx(viommu);
	struct ifd_ctx *ic = ifd_ctx(ctx);
	struct ifd_viommu *iv = nestref_viommu_priv(viommu);
	struct nr_iommu_hwpt_alloc hwpt = {
		.size = sizeof(hwpt),
		.flags = NR_IOMMU_HWPT_ALLOC_NEST_PARENT,
		.pt_id = ic->ioas_id,
		.data_type = NR_IOMMU_HWPT_DATA_NONE,
	};
	struct nr_iommu_viommu_alloc alloc = {
		.size = sizeof(alloc),
		.type = ic->mode == IFD_SELFTEST ?
				NR_IOMMU_VIOMMU_TYPE_SELFTEST :
				NR_IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
	};
	int rc = ifd_anchor(ctx);

	if (rc)
		return rc;
	/* 2.8: the vIOMMU sits on a nest-parent paging HWPT. */
	hwpt.dev_id = ic->anchor_idev;
	rc = ifd_ioctl(ctx, ic->fd, NR_IOMMU_HWPT_ALLOC, &hwpt,
		       "IOMMU_HWPT_ALLOC");
	if (rc)
		return rc;
	iv->hwpt_id = hwpt.out_hwpt_id;
	alloc.dev_id = ic->anchor_idev;
	alloc.hwpt_id = iv->hwpt_id;
	rc = ifd_ioctl(ctx, ic->fd, NR_IOMMU_VIOMMU_ALLOC, &alloc,
		       "IOMMU_VIOMMU_ALLOC");
	if (rc)
		goto err_hwpt;
	iv->viommu_id = alloc.out_viommu_id;
	iv->fd = ic->fd;
	return 0;

err_hwpt:
	ifd_destroy(ctx, iv->hwpt_id);
	return rc;
}

static void ifd_viommu_destroy(struct nestref_viommu *viommu)
{
	struct nestref_ctx *ctx = nestref_viommu_ctx(viommu);
	struct ifd_viommu *iv = nestref_viommu_priv(viommu);

	/* Users first: the vIOMMU pins the HWPT (2.8). */
	ifd_destroy(ctx, iv->viommu_id);
	ifd_destroy(ctx, iv->hwpt_id);
}

static int ifd_dev_init(struct nestref_dev *dev)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	struct ifd_ctx *ic = ifd_ctx(ctx);
	struct ifd_dev *id = nestref_dev_priv(dev);
	size_t index = ic->n_devs;
	int rc = 0;

	id->vfio_fd = -1;
	/* A mock device or a VFIO cdev is what it is: one StreamID here. */
	if (nestref_dev_stream_count(dev) != 1) {
		nestref_ctx_set_message(ctx,
					"iommufd: cannot make a device with %zu StreamIDs",
					nestref_dev_stream_count(dev));
		return -EOPNOTSUPP;
	}
	if (ic->mode == IFD_SELFTEST) {
		rc = ifd_mock_device(ctx, &id->stdev, &id->idev);
	} else if (index == 0) {
		/* The first cdev is the anchor's: shared, opened once. */
		rc = ifd_anchor(ctx);
		id->idev = ic->anchor_idev;
	} else if (index >= ic->n_paths) {
		nestref_ctx_set_message(ctx,
					"iommufd: the vector needs device %zu but devices= names %zu",
					index + 1, ic->n_paths);
		rc = -ENOSPC;
	} else {
		rc = ifd_vfio_bind(ctx, ic->paths[index], &id->vfio_fd,
				   &id->idev);
	}
	if (!rc)
		ic->n_devs++;
	return rc;
}

static void ifd_dev_destroy(struct nestref_dev *dev)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	struct ifd_dev *id = nestref_dev_priv(dev);

	ifd_dev_detach_shared(dev);
	if (id->vfio_fd >= 0)
		ifd_sys()->close(id->vfio_fd); /* closing the cdev unbinds */
	else
		ifd_destroy(ctx, id->stdev);
}

/* 1.7: the user data becomes a vDEVICE whose virt_id is the vSID. */
static int ifd_set_dev_user_data(struct nestref_dev *dev, const void *data)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	struct ifd_viommu *iv = nestref_viommu_priv(nestref_dev_viommu(dev));
	struct ifd_dev *id = nestref_dev_priv(dev);
	const unsigned char *b = data;
	struct nr_iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = iv->viommu_id,
		.dev_id = id->idev,
		.virt_id = nestref_le32(b),
	};
	int rc = ifd_ioctl(ctx, ifd_ctx(ctx)->fd, NR_IOMMU_VDEVICE_ALLOC, &cmd,
			   "IOMMU_VDEVICE_ALLOC");

	if (!rc)
		id->vdevice = cmd.out_vdevice_id;
	return rc;
}

static void ifd_unset_dev_user_data(struct nestref_dev *dev)
{
	struct ifd_dev *id = nestref_dev_priv(dev);

	ifd_destroy(nestref_dev_ctx(dev), id->vdevice);
	id->vdevice = 0;
}

/*
 * The data_uptr of an array the kernel could read past data_size: the
 * kernel reads at most entry_num * entry_len bytes (kernel-facts 2.7), so
 * only a shorter array, whose read must fault where the core's would, is
 * copied to the end of the guarded buffer.
 */
static int ifd_array_guarded(struct nestref_ctx *ctx,
			     const struct nestref_user_array *array,
			     uint64_t *uptr)
{
	unsigned char *p;
	int rc;

	rc = ifd_guard_reserve(&ifd_ctx(ctx)->guard, array->data_size, &p);
	if (rc) {
		nestref_ctx_set_message(ctx,
					"iommufd: cannot map a guarded buffer of %zu bytes: %s",
					array->data_size, nestref_strerror(rc));
		return rc;
	}
	if (array->data_size)
		memcpy(p, array->data, array->data_size);
	*uptr = (uint64_t)(uintptr_t)p;
	return 0;
}

/*
 * The per-call path that docs/bench.md 8.2 measures against the bare
 * ioctl: when the caller vouches for the whole array, its own memory goes
 * to the kernel as it is, and the context is not even looked up unless
 * something fails.
 */
static int ifd_cache_invalidate_user(struct nestref_viommu *viommu,
				     struct nestref_user_array *array)
{
	const struct ifd_viommu *iv = nestref_viommu_priv(viommu);
	uint64_t need = (uint64_t)array->entry_num * array->entry_len;
	struct nr_iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = iv->viommu_id,
		.data_uptr = (uint64_t)(uintptr_t)array->data,
		.data_type = array->type,
		.entry_len = array->entry_len,
		.entry_num = array->entry_num,
	};
	int rc = 0;

	if (array->data && need > array->data_size)
		rc = ifd_array_guarded(nestref_viommu_ctx(viommu), array,
				       &cmd.data_uptr);
	if (rc) {
		array->entry_num = 0;
		return rc;
	}
	if (ifd_sys()->ioctl(iv->fd, NR_IOMMU_HWPT_INVALIDATE, &cmd))
		rc = ifd_ioctl_error(nestref_viommu_ctx(viommu),
				     "IOMMU_HWPT_INVALIDATE");
	/* 2.7 step 5: written back whether or not the call failed. */
	array->entry_num = cmd.entry_num;
	return rc;
}

/*
 * <nestref/iommufd.h>: the fd and the kernel's vIOMMU ID behind one of the
 * context's vIOMMUs, for callers that issue IOMMU_HWPT_INVALIDATE
 * themselves (nestref-bench's ioctl rows).
 */
static int ifd_viommu_target(struct nestref_ctx *ctx, uint32_t viommu_id,
			     int *fd, uint32_t *kernel_viommu_id)
{
	struct nestref_viommu *viommu = nestref_ctx_viommu(ctx, viommu_id);

	if (!viommu)
		return -ENOENT;
	*fd = ifd_ctx(ctx)->fd;
	*kernel_viommu_id =
		((struct ifd_viommu *)nestref_viommu_priv(viommu))->viommu_id;
	return 0;
}

/* <nestref/iommufd.h>: the IOAS under every nest parent (ifd_viommu_init). */
static int ifd_ioas_target(struct nestref_ctx *ctx, int *fd,
			   uint32_t *kernel_ioas_id)
{
	*fd = ifd_ctx(ctx)->fd;
	*kernel_ioas_id = ifd_ctx(ctx)->ioas_id;
	return 0;
}

/* <nestref/iommufd.h>: a device's cdev, its own or the anchor's it shares. */
static int ifd_dev_target(struct nestref_ctx *ctx, uint32_t dev_id,
			  int *vfio_fd, uint32_t *kernel_dev_id)
{
	struct nestref_dev *dev = nestref_ctx_dev(ctx, dev_id);

	if (!dev)
		return -ENOENT;
	if (ifd_ctx(ctx)->mode != IFD_VFIO)
		return -EOPNOTSUPP;
	*vfio_fd = ifd_dev_fd(dev);
	*kernel_dev_id = ((struct ifd_dev *)nestref_dev_priv(dev))->idev;
	return 0;
}

static const struct nestref_iommufd_ops ifd_iommufd_ops = {
	.version = NESTREF_IOMMUFD_OPS_VERSION,
	.viommu_target = ifd_viommu_target,
	.ioas_target = ifd_ioas_target,
	.dev_target = ifd_dev_target,
};

/* IOMMU_TEST_OP_DEV_CHECK_CACHE (5.5). */
static int ifd_check_cache(struct nestref_dev *dev, uint32_t index,
			   uint32_t value)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	struct ifd_dev *id = nestref_dev_priv(dev);
	struct nr_iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = NR_IOMMU_TEST_OP_DEV_CHECK_CACHE,
		.id = id->idev,
		.check_dev_cache = { .id = index, .cache = value },
	};

	return ifd_ioctl(ctx, ifd_ctx(ctx)->fd, NR_IOMMU_TEST_CMD, &cmd,
			 "IOMMU_TEST_OP_DEV_CHECK_CACHE");
}

/*
 * By name (backend.h, version 2).  The kernel answers as itself, and make
 * check-kernel boots 7.2.
 */
static const char *const ifd_profiles[] = { "linux-7.2", NULL };

const struct nestref_backend nr_backend_iommufd = {
	.version = NESTREF_BACKEND_VERSION,
	.name = "iommufd",
	.description = "the real kernel through /dev/iommu (mode=selftest: the selftest mock; mode=vfio,devices=...: real devices)",
	/*
	 * The union over both modes; each context narrows it in ifd_open.
	 * vfio mode answers arm-smmuv3 arrays and makes nested HWPTs from
	 * vSTEs (nested.c), but cannot say what the SMMU received; selftest
	 * mode makes the mock's nested HWPTs and triggers its events.  No
	 * raw-user-data: VDEVICE_ALLOC takes a virt_id, not
	 * bytes, so the length rules never reach the kernel.
	 */
	.caps = NESTREF_CAP_INV_SELFTEST | NESTREF_CAP_CHECK_CACHE |
		NESTREF_CAP_INV_ARM_SMMUV3 | NESTREF_CAP_ATTACH_NESTED |
		NESTREF_CAP_TRIGGER_VEVENT,
	.profile_names = ifd_profiles,
	.ctx_priv_size = sizeof(struct ifd_ctx),
	.viommu_priv_size = sizeof(struct ifd_viommu),
	.dev_priv_size = sizeof(struct ifd_dev),
	.open = ifd_open,
	.close = ifd_close,
	.viommu_init = ifd_viommu_init,
	.viommu_destroy = ifd_viommu_destroy,
	.dev_init = ifd_dev_init,
	.dev_destroy = ifd_dev_destroy,
	.set_dev_user_data = ifd_set_dev_user_data,
	.unset_dev_user_data = ifd_unset_dev_user_data,
	.dev_user_data_len = 4,
	.cache_invalidate_user = ifd_cache_invalidate_user,
	.check_cache = ifd_check_cache,
	.ext_name = NESTREF_IOMMUFD_EXT,
	.ext = &ifd_iommufd_ops,
	.hwpt_priv_size = sizeof(struct ifd_hwpt),
	.hwpt_nested_init = ifd_hwpt_nested_init,
	.hwpt_nested_destroy = ifd_hwpt_nested_destroy,
	.dev_attach = ifd_dev_attach,
	/* The kernel keeps the queues: no veventq-sequence (2.12). */
	.veventq_priv_size = sizeof(struct ifd_veventq),
	.veventq_alloc = ifd_veventq_alloc,
	.veventq_read = ifd_veventq_read,
	.veventq_destroy = ifd_veventq_destroy,
	.trigger_vevent = ifd_trigger_vevent,
};
