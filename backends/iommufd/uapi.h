/* SPDX-License-Identifier: MIT */
/*
 * The iommufd uAPI this backend uses, declared from the facts of
 * kernel-facts sections 2 and 5 (Debian bookworm ships no
 * <linux/iommufd.h>).  Where a new enough <linux/iommufd.h> is installed,
 * configure finds it and the layouts below are checked against it at
 * build time (see the end of this file).
 */
#ifndef NESTREF_IOMMUFD_UAPI_H
#define NESTREF_IOMMUFD_UAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/* 2.1: every command is _IO(';', nr), base 0x80. */
#define NR_IOMMUFD_TYPE ';'
#define NR_IOMMU_DESTROY _IO(NR_IOMMUFD_TYPE, 0x80)
#define NR_IOMMU_IOAS_ALLOC _IO(NR_IOMMUFD_TYPE, 0x81)
#define NR_IOMMU_HWPT_ALLOC _IO(NR_IOMMUFD_TYPE, 0x89)
#define NR_IOMMU_HWPT_INVALIDATE _IO(NR_IOMMUFD_TYPE, 0x8d)
#define NR_IOMMU_VIOMMU_ALLOC _IO(NR_IOMMUFD_TYPE, 0x90)
#define NR_IOMMU_VDEVICE_ALLOC _IO(NR_IOMMUFD_TYPE, 0x91)
/* Used by tests/kernel/edu-fault.c: stage 2 of a guest's IPA space
 * (IOAS_MAP into the nest parent's IOAS). */
#define NR_IOMMU_IOAS_MAP _IO(NR_IOMMUFD_TYPE, 0x85)
#define NR_IOMMU_VEVENTQ_ALLOC _IO(NR_IOMMUFD_TYPE, 0x93)
/* 5.1: selftest only, base + 32. */
#define NR_IOMMU_TEST_CMD _IO(NR_IOMMUFD_TYPE, 0xa0)

/* 2.4 */
struct nr_iommu_destroy {
	uint32_t size;
	uint32_t id;
};

struct nr_iommu_ioas_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_ioas_id;
};

#define NR_IOMMU_HWPT_ALLOC_NEST_PARENT (1u << 0)
#define NR_IOMMU_HWPT_DATA_NONE 0u

struct nr_iommu_hwpt_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pt_id;
	uint32_t out_hwpt_id;
	uint32_t reserved;
	uint32_t data_type;
	uint32_t data_len;
	uint64_t data_uptr __attribute__((aligned(8)));
	uint32_t fault_id;
	uint32_t reserved2;
};

/* 2.5 */
#define NR_IOMMU_VIOMMU_TYPE_ARM_SMMUV3 1u
#define NR_IOMMU_VIOMMU_TYPE_SELFTEST 0xdeadbeefu

/* 2.4: 40 bytes since 6.17 (24 before; the tail here is all zero). */
struct nr_iommu_viommu_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t type;
	uint32_t dev_id;
	uint32_t hwpt_id;
	uint32_t out_viommu_id;
	uint32_t data_len;
	uint32_t reserved;
	uint64_t data_uptr __attribute__((aligned(8)));
};

struct nr_iommu_vdevice_alloc {
	uint32_t size;
	uint32_t viommu_id;
	uint32_t dev_id;
	uint32_t out_vdevice_id;
	uint64_t virt_id __attribute__((aligned(8)));
};

struct nr_iommu_hwpt_invalidate {
	uint32_t size;
	uint32_t hwpt_id;
	uint64_t data_uptr __attribute__((aligned(8)));
	uint32_t data_type;
	uint32_t entry_len;
	uint32_t entry_num;
	uint32_t reserved;
};

/* struct iommu_ioas_map: user_va mapped at iova (FIXED_IOVA) or where the
 * kernel finds room. */
#define NR_IOMMU_IOAS_MAP_FIXED_IOVA (1u << 0)
#define NR_IOMMU_IOAS_MAP_WRITEABLE (1u << 1)
#define NR_IOMMU_IOAS_MAP_READABLE (1u << 2)

struct nr_iommu_ioas_map {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t reserved;
	uint64_t user_va __attribute__((aligned(8)));
	uint64_t length;
	uint64_t iova;
};

/*
 * 2.12: a vEVENTQ of type on a vIOMMU; the kernel answers with the
 * object's ID and a file descriptor to read(2) the records from.
 */
struct nr_iommu_veventq_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t veventq_depth;
	uint32_t out_veventq_id;
	uint32_t out_veventq_fd;
	uint32_t reserved;
};

/*
 * 5.1: struct iommu_test_cmd, the union's members this backend uses.
 * MOCK_DOMAIN_REPLACE (5.10) takes the selftest object in id and the HWPT
 * in mock_domain_replace.pt_id; TRIGGER_VEVENT (5.10) reads only
 * trigger_vevent.dev_id, the device's iommufd ID.
 */
#define NR_IOMMU_TEST_OP_MOCK_DOMAIN 2u
#define NR_IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE 10u
#define NR_IOMMU_TEST_OP_DEV_CHECK_CACHE 16u
#define NR_IOMMU_TEST_OP_TRIGGER_VEVENT 17u

struct nr_iommu_test_cmd {
	uint32_t size;
	uint32_t op;
	uint32_t id;
	uint32_t reserved;
	union {
		struct {
			uint32_t out_stdev_id;
			uint32_t out_hwpt_id;
			uint32_t out_idev_id;
		} mock_domain;
		struct {
			uint32_t pt_id;
		} mock_domain_replace;
		struct {
			uint32_t id;
			uint32_t cache;
		} check_dev_cache;
		struct {
			uint32_t dev_id;
		} trigger_vevent;
		uint64_t pad[6]; /* the largest member, `dirty`, is 48 bytes */
	};
	uint32_t last;
};

/*
 * VFIO cdev binding (Linux 6.6+, include/uapi/linux/vfio.h; not in
 * kernel-facts): VFIO_DEVICE_BIND_IOMMUFD = _IO(';', 100 + 18) on the
 * device's /dev/vfio/devices/vfioN; argsz 16 is the first version (a
 * token pointer was appended later).
 */
#define NR_VFIO_DEVICE_BIND_IOMMUFD _IO(';', 100 + 18)

struct nr_vfio_device_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;
	int32_t iommufd;
	uint32_t out_devid;
};

/*
 * Attaching a bound cdev to a HWPT, and detaching it (Linux 6.6+,
 * include/uapi/linux/vfio.h; kernel-facts 2.11):
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT = _IO(';', 100 + 19) with {argsz, flags,
 * pt_id}, 12 bytes, the first version (a pasid was appended later, read
 * only with flags bit 0); VFIO_DEVICE_DETACH_IOMMUFD_PT = _IO(';', 100 +
 * 20) with {argsz, flags}, 8 bytes, likewise.
 */
#define NR_VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(';', 100 + 19)
#define NR_VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(';', 100 + 20)

struct nr_vfio_device_attach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pt_id; /* in: the HWPT; out: what was attached */
};

struct nr_vfio_device_detach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
};

/* The layouts of kernel-facts 2.4, 2.12, 5.1 and 5.10 (sizes checked on x86-64 gcc). */
_Static_assert(sizeof(struct nr_iommu_destroy) == 8, "iommu_destroy");
_Static_assert(sizeof(struct nr_iommu_ioas_alloc) == 12, "iommu_ioas_alloc");
_Static_assert(sizeof(struct nr_iommu_hwpt_alloc) == 48, "iommu_hwpt_alloc");
_Static_assert(sizeof(struct nr_iommu_viommu_alloc) == 40, "iommu_viommu_alloc");
_Static_assert(sizeof(struct nr_iommu_vdevice_alloc) == 24, "iommu_vdevice_alloc");
_Static_assert(offsetof(struct nr_iommu_vdevice_alloc, virt_id) == 16,
	       "iommu_vdevice_alloc.virt_id");
_Static_assert(sizeof(struct nr_iommu_hwpt_invalidate) == 32,
	       "iommu_hwpt_invalidate");
_Static_assert(offsetof(struct nr_iommu_hwpt_invalidate, entry_num) == 24,
	       "iommu_hwpt_invalidate.entry_num");
_Static_assert(offsetof(struct nr_iommu_test_cmd, last) == 64,
	       "iommu_test_cmd.last");
_Static_assert(sizeof(struct nr_iommu_test_cmd) == 72, "iommu_test_cmd");
_Static_assert(sizeof(struct nr_vfio_device_bind_iommufd) == 16,
	       "vfio_device_bind_iommufd");
_Static_assert(offsetof(struct nr_iommu_hwpt_alloc, data_uptr) == 32,
	       "iommu_hwpt_alloc.data_uptr");
_Static_assert(sizeof(struct nr_vfio_device_attach_iommufd_pt) == 12,
	       "vfio_device_attach_iommufd_pt");
_Static_assert(sizeof(struct nr_vfio_device_detach_iommufd_pt) == 8,
	       "vfio_device_detach_iommufd_pt");
_Static_assert(sizeof(struct nr_iommu_ioas_map) == 40, "iommu_ioas_map");
_Static_assert(sizeof(struct nr_iommu_veventq_alloc) == 32,
	       "iommu_veventq_alloc");
_Static_assert(offsetof(struct nr_iommu_veventq_alloc, out_veventq_fd) == 24,
	       "iommu_veventq_alloc.out_veventq_fd");
_Static_assert(offsetof(struct nr_iommu_test_cmd, trigger_vevent.dev_id) == 16,
	       "iommu_test_cmd.trigger_vevent.dev_id");
_Static_assert(offsetof(struct nr_iommu_test_cmd, mock_domain_replace.pt_id) ==
		       16,
	       "iommu_test_cmd.mock_domain_replace.pt_id");

#ifdef HAVE_LINUX_IOMMUFD_H
/* A real header is installed: the numbers and layouts must agree. */
#include <linux/iommufd.h>
_Static_assert(NR_IOMMU_DESTROY == IOMMU_DESTROY, "IOMMU_DESTROY");
_Static_assert(NR_IOMMU_IOAS_ALLOC == IOMMU_IOAS_ALLOC, "IOMMU_IOAS_ALLOC");
_Static_assert(NR_IOMMU_HWPT_ALLOC == IOMMU_HWPT_ALLOC, "IOMMU_HWPT_ALLOC");
_Static_assert(NR_IOMMU_HWPT_INVALIDATE == IOMMU_HWPT_INVALIDATE,
	       "IOMMU_HWPT_INVALIDATE");
_Static_assert(NR_IOMMU_IOAS_MAP == IOMMU_IOAS_MAP, "IOMMU_IOAS_MAP");
_Static_assert(sizeof(struct nr_iommu_ioas_map) ==
		       sizeof(struct iommu_ioas_map),
	       "struct iommu_ioas_map");
_Static_assert(sizeof(struct nr_iommu_hwpt_invalidate) ==
		       sizeof(struct iommu_hwpt_invalidate),
	       "struct iommu_hwpt_invalidate");
_Static_assert(offsetof(struct nr_iommu_hwpt_invalidate, entry_num) ==
		       offsetof(struct iommu_hwpt_invalidate, entry_num),
	       "iommu_hwpt_invalidate.entry_num");
#ifdef IOMMU_VDEVICE_ALLOC
_Static_assert(NR_IOMMU_VIOMMU_ALLOC == IOMMU_VIOMMU_ALLOC, "IOMMU_VIOMMU_ALLOC");
_Static_assert(NR_IOMMU_VDEVICE_ALLOC == IOMMU_VDEVICE_ALLOC,
	       "IOMMU_VDEVICE_ALLOC");
_Static_assert(sizeof(struct nr_iommu_vdevice_alloc) ==
		       sizeof(struct iommu_vdevice_alloc),
	       "struct iommu_vdevice_alloc");
_Static_assert(offsetof(struct nr_iommu_vdevice_alloc, virt_id) ==
		       offsetof(struct iommu_vdevice_alloc, virt_id),
	       "iommu_vdevice_alloc.virt_id");
#endif
#ifdef IOMMU_VEVENTQ_ALLOC
_Static_assert(NR_IOMMU_VEVENTQ_ALLOC == IOMMU_VEVENTQ_ALLOC,
	       "IOMMU_VEVENTQ_ALLOC");
_Static_assert(sizeof(struct nr_iommu_veventq_alloc) ==
		       sizeof(struct iommu_veventq_alloc),
	       "struct iommu_veventq_alloc");
_Static_assert(offsetof(struct nr_iommu_veventq_alloc, out_veventq_fd) ==
		       offsetof(struct iommu_veventq_alloc, out_veventq_fd),
	       "iommu_veventq_alloc.out_veventq_fd");
#endif
#endif

#endif /* NESTREF_IOMMUFD_UAPI_H */
