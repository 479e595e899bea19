// SPDX-License-Identifier: MIT
/*
 * nestref-edu-fault: the way back on the real arm-smmu-v3 driver
 * (issue 14; make check-kernel-arm64, docs/kernel.md 5.12).  In the
 * arm64 guest, on one `edu` device bound to vfio-pci:
 *
 *  1. through libnestref's iommufd backend in mode=vfio: a context, a
 *     vIOMMU, a vDEVICE whose vSID differs from the device's StreamID,
 *     and a vEVENTQ of type arm-smmuv3 (nestref_veventq_alloc,
 *     kernel-facts 2.12);
 *  2. a guest's stage 1 in its IPA space: one page holding a context
 *     descriptor (CD) table of one CD with R (record faults) set, one
 *     page of stage-1 table that maps nothing, both mapped at fixed IPAs
 *     into the IOAS under the vIOMMU's nest parent (its stage 2), and
 *     the device attached to a nested HWPT whose vSTE says stage-1
 *     translate (CFG 5) with S1ContextPtr the CD table's IPA
 *     (kernel-facts 2.11, 3.7);
 *  3. the device's BAR0 mapped through VFIO, and a DMA read from an
 *     IOVA stage 1 does not map (tests/kernel/edu-dma.c);
 *  4. the vEVENTQ read (nestref_veventq_read, which does not block,
 *     again every 10 ms until a timeout): the SMMU writes an
 *     F_TRANSLATION record with the device's physical StreamID, and the
 *     host driver forwards it with the vSID in its place (kernel-facts
 *     3.11).
 *
 * Usage: nestref-edu-fault [--vsid N] [--timeout-ms N] CDEV PSID
 * where CDEV is the device's /dev/vfio/devices/vfioN and PSID its
 * StreamID (its PCI requester ID), which only the check compares with.
 * It prints what it did, each record it read, and a last line
 * "edu-fault: PASS ..." or "edu-fault: FAIL <stage>: ...".  Exit status
 * 0 for a pass, 1 when the event did not come or came wrong, 2 when the
 * setup failed.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <nestref/backend.h>
#include <nestref/iommufd.h>
#include <nestref/smmuv3.h>

#include "backends/iommufd/uapi.h"
#include "edu-dma.h"

/*
 * Where the guest's stage-1 structures live in its IPA space: two pages
 * at a fixed IPA in the nest parent's IOAS, clear of the SMMU's MSI
 * window (0x8000000) that the host reserves there.
 */
#define TABLES_IPA 0x40000000ull
#define CD_PAGE 0        /* the CD table: one 64-byte CD */
#define S1_TABLE_PAGE 1  /* the stage-1 level-1 table: all invalid */
#define N_PAGES 2
/* A DMA from here faults at stage 1 (level 1, entry 0); below edu's mask. */
#define FAULT_IOVA 0x100000ull
#define DMA_BYTES 8u

/* CD word 0 (IHI 0070 5.4; Linux CTXDESC_CD_0_*) */
#define CD0_T0SZ(n) ((uint64_t)(n) << 0)     /* 64 - T0SZ bits of VA */
#define CD0_IRGN0_WBWA (1ull << 8)
#define CD0_ORGN0_WBWA (1ull << 10)
#define CD0_SH0_INNER (3ull << 12)
#define CD0_EPD1 (1ull << 30)                /* no TTB1 walks */
#define CD0_V (1ull << 31)
#define CD0_IPS_40BIT (2ull << 32)
#define CD0_AA64 (1ull << 41)
#define CD0_R (1ull << 45)                   /* record faults */
#define CD0_A (1ull << 46)                   /* abort on fault (no stall) */
#define CD0_ASET (1ull << 47)
#define CD0_ASID(n) ((uint64_t)(n) << 48)
#define CD1_TTB0_MASK 0x000ffffffffffff0ull  /* bits 51:4 */
#define VA_BITS 39                           /* T0SZ 25: walks start at level 1 */
#define ASID 1u

/* vSTE (kernel-facts 3.7: the bits user space may set) */
#define STE0_V (1ull << 0)
#define STE0_CFG_S1_TRANS (5ull << 1)
#define STE0_S1CTXPTR_MASK 0x000fffffffffffc0ull /* bits 51:6 */
#define STE1_S1CIR_WBRA (1ull << 2)
#define STE1_S1COR_WBRA (1ull << 4)
#define STE1_S1CSH_ISH (3ull << 6)

#define VEVENTQ_DEPTH 16u
#define MAX_RECORDS 4u
#define RECORD_SIZE (NESTREF_VEVENT_HEADER_SIZE + NESTREF_SMMUV3_EVENT_SIZE)
#define READ_EVERY_MS 10

struct fault {
	const char *cdev;
	uint32_t psid, vsid;
	unsigned int timeout_ms;
	struct nestref_ctx *ctx;
	const struct nestref_iommufd_ops *ops;
	uint32_t viommu, dev, hwpt;
	uint32_t veventq;
	uint8_t *pages;
	struct edu edu;
};

static void put_le64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int fail(const char *stage, int rc, const char *what)
{
	printf("edu-fault: FAIL %s: %s%s%s\n", stage, what, rc ? ": " : "",
	       rc ? nestref_strerror(rc) : "");
	return 2;
}

static int fail_ctx(struct fault *f, const char *stage, int rc)
{
	return fail(stage, rc, nestref_ctx_message(f->ctx));
}

/* 1. Context, vIOMMU, device and vDEVICE through the backend. */
static int setup_nestref(struct fault *f)
{
	char options[256], msg[256];
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.profile = NESTREF_PROFILE_LINUX_7_2,
		.backend = "iommufd",
		.backend_options = options,
	};
	uint8_t vsid[4];
	int rc;

	snprintf(options, sizeof(options), "mode=vfio,devices=%s", f->cdev);
	rc = nestref_ctx_new(&f->ctx, &opts, msg, sizeof(msg));
	if (rc)
		return fail("context", rc, msg);
	f->ops = nestref_ctx_ext(f->ctx, NESTREF_IOMMUFD_EXT);
	if (!f->ops || f->ops->version < 2)
		return fail("context", -EOPNOTSUPP,
			    "the iommufd backend has no ioas_target");
	rc = nestref_dev_add(f->ctx, f->psid, &f->dev);
	if (rc)
		return fail_ctx(f, "device", rc);
	rc = nestref_viommu_alloc(f->ctx, 1, &f->viommu);
	if (rc)
		return fail_ctx(f, "vIOMMU", rc);
	vsid[0] = (uint8_t)f->vsid;
	vsid[1] = (uint8_t)(f->vsid >> 8);
	vsid[2] = (uint8_t)(f->vsid >> 16);
	vsid[3] = (uint8_t)(f->vsid >> 24);
	rc = nestref_set_dev_user_data(f->ctx, f->viommu, f->dev, vsid,
				       sizeof(vsid), NULL);
	if (rc)
		return fail_ctx(f, "vDEVICE", rc);
	rc = nestref_veventq_alloc(f->ctx, f->viommu,
				   NESTREF_VEVENTQ_TYPE_ARM_SMMUV3,
				   VEVENTQ_DEPTH, 0, &f->veventq);
	if (rc)
		return fail_ctx(f, "vEVENTQ", rc);
	printf("edu-fault: device %s pSID 0x%x, vDEVICE vSID 0x%x, vEVENTQ of type arm-smmuv3 (depth %u)\n",
	       f->cdev, f->psid, f->vsid, VEVENTQ_DEPTH);
	return 0;
}

/* 2. The guest's stage 1: a CD table and an empty table, at TABLES_IPA. */
static int setup_stage1(struct fault *f)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *cd;
	struct nr_iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = NR_IOMMU_IOAS_MAP_FIXED_IOVA |
			 NR_IOMMU_IOAS_MAP_READABLE |
			 NR_IOMMU_IOAS_MAP_WRITEABLE,
		.length = (uint64_t)page * N_PAGES,
		.iova = TABLES_IPA,
	};
	int fd, rc;

	f->pages = mmap(NULL, (size_t)page * N_PAGES, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->pages == MAP_FAILED) {
		f->pages = NULL;
		return fail("stage 1", -errno, "mmap of the table pages");
	}
	cd = f->pages + (size_t)page * CD_PAGE;
	put_le64(cd, CD0_T0SZ(64 - VA_BITS) | CD0_IRGN0_WBWA | CD0_ORGN0_WBWA |
			     CD0_SH0_INNER | CD0_EPD1 | CD0_V | CD0_IPS_40BIT |
			     CD0_AA64 | CD0_R | CD0_A | CD0_ASET |
			     CD0_ASID(ASID));
	put_le64(cd + 8, (TABLES_IPA + (uint64_t)page * S1_TABLE_PAGE) &
				 CD1_TTB0_MASK);
	/* The level-1 table stays zero: every entry invalid. */
	rc = f->ops->ioas_target(f->ctx, &fd, &map.ioas_id);
	if (rc)
		return fail("stage 2", rc, "no IOAS");
	map.user_va = (uint64_t)(uintptr_t)f->pages;
	if (ioctl(fd, NR_IOMMU_IOAS_MAP, &map))
		return fail("stage 2", -errno, "IOMMU_IOAS_MAP of the tables");
	printf("edu-fault: CD table at IPA 0x%llx (ASID %u, R and A set, TTB0 0x%llx), IOAS %u\n",
	       (unsigned long long)TABLES_IPA, ASID,
	       (unsigned long long)(TABLES_IPA + (uint64_t)page * S1_TABLE_PAGE),
	       map.ioas_id);
	return 0;
}

/* The nested HWPT of a stage-1 vSTE, and the attach (2.11, 3.7). */
static int attach_stage1(struct fault *f)
{
	uint8_t vste[NESTREF_SMMUV3_VSTE_SIZE];
	uint64_t ste0 = STE0_V | STE0_CFG_S1_TRANS |
			(TABLES_IPA & STE0_S1CTXPTR_MASK);
	uint64_t ste1 = STE1_S1CIR_WBRA | STE1_S1COR_WBRA | STE1_S1CSH_ISH;
	int rc;

	put_le64(vste, ste0);
	put_le64(vste + 8, ste1);
	rc = nestref_hwpt_alloc_nested(f->ctx, f->viommu,
				       NESTREF_HWPT_DATA_ARM_SMMUV3, vste,
				       sizeof(vste), &f->hwpt);
	if (rc)
		return fail_ctx(f, "nested HWPT", rc);
	rc = nestref_dev_attach(f->ctx, f->dev, f->hwpt);
	if (rc)
		return fail_ctx(f, "attach", rc);
	printf("edu-fault: attached to a nested HWPT, vSTE 0x%016" PRIx64
	       " 0x%016" PRIx64 "\n", ste0, ste1);
	return 0;
}

/* 3. The DMA from an IOVA stage 1 does not map. */
static int start_dma(struct fault *f)
{
	uint32_t kernel_dev;
	unsigned int waited;
	int fd, rc;

	rc = f->ops->dev_target(f->ctx, f->dev, &fd, &kernel_dev);
	if (rc)
		return fail("device", rc, "no cdev behind the device");
	rc = edu_open(&f->edu, fd);
	if (rc)
		return fail("BAR0", rc, "the edu's BAR0 through VFIO");
	printf("edu-fault: BAR0 mapped (%zu bytes), PCI_COMMAND was 0x%x, bus mastering on\n",
	       f->edu.bar0_size, f->edu.command);
	rc = edu_dma_from(&f->edu, FAULT_IOVA, DMA_BYTES, f->timeout_ms,
			  &waited);
	if (rc)
		return fail("DMA", rc, "the edu did not finish its DMA");
	printf("edu-fault: DMA of %u bytes from IOVA 0x%llx done after %u ms\n",
	       DMA_BYTES, (unsigned long long)FAULT_IOVA, waited);
	return 0;
}

/*
 * Prints the record at rec (whole: nestref_veventq_read returns whole
 * records) and returns its length; *found is set when it is the fault.
 */
static size_t show_record(const struct fault *f, const uint8_t *rec,
			  bool *found)
{
	uint32_t flags = nestref_le32(rec), seq = nestref_le32(rec + 4);
	struct nestref_smmuv3_event evt;
	char text[256];

	if (flags & NESTREF_VEVENT_FLAG_LOST_EVENTS) {
		printf("edu-fault: record flags 0x%x sequence %u: events lost\n",
		       flags, seq);
		return NESTREF_VEVENT_HEADER_SIZE;
	}
	nestref_smmuv3_event_from_bytes(&evt, rec + NESTREF_VEVENT_HEADER_SIZE);
	nestref_smmuv3_event_format(&evt, text, sizeof(text));
	printf("edu-fault: record flags 0x%x sequence %u: %s\n", flags, seq,
	       text);
	if (nestref_smmuv3_event_get(&evt, NESTREF_SMMUV3_EVT_ID) ==
		    NESTREF_SMMUV3_EVT_F_TRANSLATION &&
	    nestref_smmuv3_event_get(&evt, NESTREF_SMMUV3_EVT_SID) == f->vsid &&
	    nestref_smmuv3_event_get(&evt, NESTREF_SMMUV3_EVT_ADDR) ==
		    FAULT_IOVA)
		*found = true;
	return RECORD_SIZE;
}

/*
 * nestref_veventq_read until it returns records or timeout_ms pass: the
 * event arrives through the SMMU's event interrupt, after the DMA.
 */
static int read_records(struct fault *f, struct nestref_event_buffer *buf,
			unsigned int *waited_ms)
{
	static const struct timespec tick = { 0, READ_EVERY_MS * 1000000L };
	int rc;

	for (*waited_ms = 0;; *waited_ms += READ_EVERY_MS) {
		rc = nestref_veventq_read(f->ctx, f->veventq, buf);
		if (rc || buf->done || *waited_ms >= f->timeout_ms)
			return rc;
		nanosleep(&tick, NULL);
	}
}

/* 4. What reached the vEVENTQ. */
static int read_events(struct fault *f)
{
	uint8_t data[RECORD_SIZE * MAX_RECORDS];
	struct nestref_event_buffer buf = {
		.data = data,
		.count = sizeof(data),
		.data_size = sizeof(data),
	};
	unsigned int waited;
	bool found = false;
	size_t off;
	int rc;

	rc = read_records(f, &buf, &waited);
	if (rc)
		return fail_ctx(f, "vEVENTQ", rc);
	if (!buf.done) {
		printf("edu-fault: FAIL vEVENTQ: no event within %u ms of the DMA's end\n",
		       f->timeout_ms);
		return 1;
	}
	printf("edu-fault: %zu bytes read from the vEVENTQ after %u ms\n",
	       buf.done, waited);
	for (off = 0; off + NESTREF_VEVENT_HEADER_SIZE <= buf.done;)
		off += show_record(f, data + off, &found);
	if (!found) {
		printf("edu-fault: FAIL vEVENTQ: no F_TRANSLATION at 0x%llx with StreamID 0x%x\n",
		       (unsigned long long)FAULT_IOVA, f->vsid);
		return 1;
	}
	printf("edu-fault: PASS F_TRANSLATION at IOVA 0x%llx reached the vEVENTQ with vSID 0x%x (pSID 0x%x)\n",
	       (unsigned long long)FAULT_IOVA, f->vsid, f->psid);
	return 0;
}

static void teardown(struct fault *f)
{
	edu_close(&f->edu);
	/* The queue, its vIOMMU and the rest, in the kernel's order. */
	nestref_ctx_free(f->ctx);
	if (f->pages)
		munmap(f->pages, (size_t)sysconf(_SC_PAGESIZE) * N_PAGES);
}

static int usage(FILE *out, int rc)
{
	fprintf(out, "usage: nestref-edu-fault [--vsid N] [--timeout-ms N] CDEV PSID\n");
	return rc;
}

static int number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || end == s || *end || *out > max ? -EINVAL : 0;
}

int main(int argc, char **argv)
{
	struct fault f = {
		.vsid = 0x99,
		.timeout_ms = 3000,
		.edu = { .bar0 = MAP_FAILED },
	};
	unsigned long v;
	int i, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help"))
			return usage(stdout, 0);
		if (i + 1 >= argc || number(argv[i + 1], UINT32_MAX, &v))
			return usage(stderr, 2);
		if (!strcmp(argv[i], "--vsid"))
			f.vsid = (uint32_t)v;
		else if (!strcmp(argv[i], "--timeout-ms"))
			f.timeout_ms = (unsigned int)v;
		else
			return usage(stderr, 2);
		i++;
	}
	if (argc - i != 2 || number(argv[i + 1], UINT32_MAX, &v))
		return usage(stderr, 2);
	f.cdev = argv[i];
	f.psid = (uint32_t)v;
	if (f.vsid == f.psid) {
		fprintf(stderr, "edu-fault: the vSID must differ from the pSID 0x%x\n",
			f.psid);
		return 2;
	}
	rc = setup_nestref(&f);
	if (!rc)
		rc = setup_stage1(&f);
	if (!rc)
		rc = attach_stage1(&f);
	if (!rc)
		rc = start_dma(&f);
	if (!rc)
		rc = read_events(&f);
	teardown(&f);
	return rc;
}
