// SPDX-License-Identifier: MIT
/*
 * nestref-steps: every test of the given vector files run one step at a
 * time, with what each step answered as one JSON object per line.  It is
 * the guest's and the host's half of the issued-command comparison of
 * `make check-kernel-arm64` (docs/kernel.md section 5, tests/kernel/
 * arm64.sh, tests/kernel/arm64-compare.py):
 *
 *  - on smmuv3-sim (the host) each invalidate step also lists the commands
 *    the modelled SMMU received (nestref_smmuv3_issued), CMD_SYNCs
 *    included;
 *  - on iommufd in mode=vfio (the guest, the real arm-smmu-v3 driver)
 *    nothing in user space can see what the SMMU received, so with
 *    --markers each invalidate step is bracketed by two marker
 *    invalidations of its own, which QEMU's trace shows: everything QEMU
 *    consumed between the two markers, and nothing else, belongs to the
 *    step (docs/kernel.md 5.2 says why a marker is an in-band command and
 *    not a line on the console).
 *
 * Usage: nestref-steps [--backend NAME] [--backend-options S]
 *			[--profile P] [--markers] PATH...
 * where a PATH is a vector file or a folder of them.
 *
 * Lines (docs/kernel.md 5.3 lists every key):
 *   {"kind":"test", "id", "tc", "file", "status": "ran"|"skip", "reason",
 *    "vmids", "devices": [{"name", "psids", "viommu", "vsid"}]}
 *   {"kind":"step", "id", "tc", "step", "action", "line", "rc", "errno",
 *    "entry_num", "check", "marker", "issued": [["0xdw0","0xdw1","OP field=value ..."], ...]}
 *   {"kind":"end", "tests", "steps", "markers"}
 * Exit status 0, or 2 for a usage error, a file that does not load or a
 * marker that could not be issued.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <jansson.h>

#include <nestref/backend.h>
#include <nestref/iommufd.h>
#include <nestref/smmuv3.h>
#include <nestref/vectors.h>

#include "backends/iommufd/uapi.h"

/*
 * The marker commands: TLBI_NH_VA with ASIDs no vector uses, and the
 * marker's number in the address, so that a lost or doubled marker shows
 * (docs/kernel.md 5.2).  Both are legal commands the 7.2 driver forwards
 * with the vIOMMU's VMID.
 */
#define MARK_BEGIN_ASID 0xfeedu
#define MARK_END_ASID 0xfeeeu
/* nestref object IDs tried when looking for one of the test's vIOMMUs */
#define MAX_OBJECT_ID 64u

struct steps {
	struct nestref_ctx_opts opts;
	enum nestref_profile profile;
	bool markers;
	unsigned long tests, steps, marks;
};

static void emit(json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII |
					  JSON_PRESERVE_ORDER);

	if (s) {
		puts(s);
		free(s);
	}
	json_decref(obj);
}

static json_t *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_string(buf);
}

/*
 * Marker invalidations; 0 or -errno.  A begin marker goes to every
 * vIOMMU of ctx in the order they were allocated (the setup's order:
 * nestref object IDs ascend), so that QEMU shows each one's real VMID;
 * an end marker goes to the first only.
 */
static int mark(struct nestref_ctx *ctx, uint32_t asid, unsigned long n)
{
	const struct nestref_iommufd_ops *ops =
		nestref_ctx_ext(ctx, NESTREF_IOMMUFD_EXT);
	struct nestref_smmuv3_cmd cmd;
	unsigned char bytes[16];
	struct nr_iommu_hwpt_invalidate inv = {
		.size = sizeof(inv),
		.data_type = NESTREF_INV_TYPE_ARM_SMMUV3,
		.entry_len = sizeof(bytes),
		.entry_num = 1,
	};
	uint32_t id, kernel_id = 0;
	int fd = -1, sent = 0;

	if (!ops)
		return -EOPNOTSUPP;
	nestref_smmuv3_cmd_init(&cmd, "TLBI_NH_VA");
	nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_ASID, asid);
	nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_ADDR, (uint64_t)n << 12);
	nestref_smmuv3_to_bytes(&cmd, bytes);
	inv.data_uptr = (uint64_t)(uintptr_t)bytes;
	for (id = 1; id <= MAX_OBJECT_ID; id++) {
		if (ops->viommu_target(ctx, id, &fd, &kernel_id))
			continue;
		inv.hwpt_id = kernel_id;
		inv.entry_num = 1;
		if (ioctl(fd, NR_IOMMU_HWPT_INVALIDATE, &inv))
			return -errno;
		sent++;
		if (asid == MARK_END_ASID)
			break;
	}
	return sent ? 0 : -ENOENT;
}

static json_t *issued_list(struct nestref_ctx *ctx)
{
	const struct nestref_smmuv3_cmd *cmds;
	size_t n, i;
	json_t *list;

	if (!(nestref_ctx_caps(ctx) & NESTREF_CAP_OBSERVE_ISSUED) ||
	    nestref_smmuv3_issued(ctx, &cmds, &n))
		return json_null();
	list = json_array();
	for (i = 0; list && i < n; i++) {
		char text[256];

		/* The fields by name, so the host need not decode them. */
		nestref_smmuv3_format(&cmds[i], text, sizeof(text));
		json_array_append_new(list,
				      json_pack("[oos]", hex(cmds[i].dw[0]),
						hex(cmds[i].dw[1]), text));
	}
	return list;
}

/* The VMIDs of the setup's vIOMMUs, in order. */
static json_t *vmids(const struct nestref_vec_file *file)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; list && i < nestref_vec_file_viommus(file); i++)
		json_array_append_new(list,
				      json_integer(nestref_vec_viommu_vmid(file, i)));
	return list;
}

static json_t *devices(const struct nestref_vec_file *file)
{
	json_t *list = json_array();
	size_t d, i, n;

	for (d = 0; list && d < nestref_vec_file_devices(file); d++) {
		const uint32_t *psids;
		json_t *ps = json_array();
		json_t *dev;
		uint32_t vsid;

		n = nestref_vec_device_psids(file, d, &psids);
		for (i = 0; ps && i < n; i++)
			json_array_append_new(ps, json_integer(psids[i]));
		dev = json_pack("{s:s,s:o,s:I}", "name",
				nestref_vec_device_name(file, d), "psids", ps,
				"viommu",
				(json_int_t)nestref_vec_device_viommu(file, d));
		if (dev && !nestref_vec_device_vsid(file, d, &vsid))
			json_object_set_new(dev, "vsid", json_integer(vsid));
		json_array_append_new(list, dev);
	}
	return list;
}

static json_t *test_line(const struct nestref_vec_file *file, size_t t,
			 const char *status, const char *reason)
{
	json_t *o = json_pack("{s:s,s:s,s:I,s:s,s:s}", "kind", "test", "id",
			      nestref_vec_file_id(file), "tc",
			      (json_int_t)nestref_vec_test_tc(file, t), "file",
			      nestref_vec_file_path(file), "status", status);

	if (!o)
		return NULL;
	if (reason)
		json_object_set_new(o, "reason", json_string(reason));
	json_object_set_new(o, "vmids", vmids(file));
	json_object_set_new(o, "devices", devices(file));
	return o;
}

/* Runs the test's steps; 0, or -errno when a marker could not be issued. */
static int run_steps(struct steps *st, const struct nestref_vec_file *file,
		     size_t t, struct nestref_vec_session *session)
{
	struct nestref_ctx *ctx = nestref_vec_session_ctx(session);
	size_t s, n = nestref_vec_test_steps(file, t);
	static const char *const checks[] = { "none", "pass", "fail" };

	for (s = 0; s < n; s++) {
		struct nestref_vec_answer a = { .size = sizeof(a) };
		unsigned int line = 0;
		const char *action =
			nestref_vec_step_action(file, t, s, &line, NULL);
		bool inv = action && !strcmp(action, "invalidate");
		bool marked = inv && st->markers;
		json_t *o;
		int rc;

		if (marked) {
			rc = mark(ctx, MARK_BEGIN_ASID, ++st->marks);
			if (rc)
				return rc;
		}
		rc = nestref_vec_session_step(session, s, &a);
		if (marked) {
			int mrc = mark(ctx, MARK_END_ASID, st->marks);

			if (mrc)
				return mrc;
		}
		st->steps++;
		o = json_pack("{s:s,s:s,s:I,s:I,s:s,s:I}", "kind", "step", "id",
			      nestref_vec_file_id(file), "tc",
			      (json_int_t)nestref_vec_test_tc(file, t), "step",
			      (json_int_t)(s + 1), "action",
			      action ? action : "?", "line", (json_int_t)line);
		if (!o)
			return -ENOMEM;
		if (rc) {
			/* The step could not be run at all (ENOMEM, E2BIG). */
			json_object_set_new(o, "error",
					    json_string(nestref_errno_name(rc)));
			emit(o);
			return 0;
		}
		json_object_set_new(o, "rc", json_integer(a.rc));
		json_object_set_new(o, "errno",
				    a.rc ? json_string(nestref_errno_name(a.rc)) :
					   json_null());
		json_object_set_new(o, "entry_num",
				    a.has_entry_num ?
					    json_integer(a.entry_num) :
					    json_null());
		json_object_set_new(o, "check", json_string(checks[a.check]));
		json_object_set_new(o, "marker",
				    marked ? json_integer((json_int_t)st->marks) :
					     json_null());
		json_object_set_new(o, "issued",
				    inv ? issued_list(ctx) : json_null());
		emit(o);
	}
	return 0;
}

static int run_file(struct steps *st, const char *path)
{
	struct nestref_vec_diag *diag = nestref_vec_diag_new();
	struct nestref_vec_file *file = NULL;
	size_t t, i;
	int rc;

	if (!diag)
		return -ENOMEM;
	rc = nestref_vec_load(path, &file, diag);
	if (rc) {
		for (i = 0; i < nestref_vec_diag_count(diag); i++)
			nestref_vec_escape_line(stderr, "%s",
						nestref_vec_diag_message(diag, i));
		nestref_vec_diag_free(diag);
		return rc;
	}
	nestref_vec_diag_free(diag);
	for (t = 0; t < nestref_vec_file_tests(file) && !rc; t++) {
		struct nestref_vec_session *session = NULL;
		char msg[256] = "";
		int orc;

		st->tests++;
		if (!(nestref_vec_file_profiles(file) &
		      NESTREF_PROFILE_BIT(st->profile))) {
			emit(test_line(file, t, "skip",
				       "profile not covered by this file"));
			continue;
		}
		orc = nestref_vec_session_open(file, t, &st->opts, &session, msg,
					       sizeof(msg));
		if (orc) {
			emit(test_line(file, t, "skip", msg));
			continue;
		}
		emit(test_line(file, t, "ran", NULL));
		rc = run_steps(st, file, t, session);
		nestref_vec_session_close(session);
		if (rc)
			fprintf(stderr, "nestref-steps: %s/%ld: a marker: %s\n",
				nestref_vec_file_id(file),
				nestref_vec_test_tc(file, t),
				nestref_strerror(rc));
	}
	nestref_vec_file_free(file);
	return rc;
}

static int run_path(struct steps *st, const char *path);

/* A folder: its *.yaml and *.yml files and subfolders, in name order,
 * dot names passed over, as nestref run reads one. */
static int run_dir(struct steps *st, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	int i, rc = 0;

	if (n < 0) {
		fprintf(stderr, "nestref-steps: %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		char *path;
		struct stat sb;

		if (rc || name[0] == '.' ||
		    asprintf(&path, "%s/%s", dir, name) < 0) {
			free(names[i]);
			continue;
		}
		if (!stat(path, &sb) &&
		    (S_ISDIR(sb.st_mode) ||
		     (len > 5 && !strcmp(name + len - 5, ".yaml")) ||
		     (len > 4 && !strcmp(name + len - 4, ".yml"))))
			rc = run_path(st, path);
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int run_path(struct steps *st, const char *path)
{
	struct stat sb;

	if (!stat(path, &sb) && S_ISDIR(sb.st_mode))
		return run_dir(st, path);
	return run_file(st, path);
}

static int usage(FILE *f, int status)
{
	fputs("usage: nestref-steps [--backend NAME] [--backend-options S] [--profile P]\n"
	      "                     [--markers] FILE...\n"
	      "Runs every test of the vector FILEs step by step and prints one JSON\n"
	      "line per test and per step (docs/kernel.md section 5).  --markers\n"
	      "brackets each invalidate step with marker invalidations (iommufd).\n",
	      f);
	return status;
}

int main(int argc, char **argv)
{
	struct steps st = {
		.opts = { .size = sizeof(st.opts), .backend = "smmuv3-sim" },
	};
	int i, rc = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--help"))
			return usage(stdout, 0);
		if (!strcmp(arg, "--markers")) {
			st.markers = true;
			continue;
		}
		if (i + 1 >= argc)
			return usage(stderr, 2);
		if (!strcmp(arg, "--backend")) {
			st.opts.backend = argv[++i];
		} else if (!strcmp(arg, "--backend-options")) {
			st.opts.backend_options = argv[++i];
		} else if (!strcmp(arg, "--profile")) {
			if (nestref_profile_parse(argv[++i], &st.profile)) {
				fprintf(stderr, "nestref-steps: unknown profile %s\n",
					argv[i]);
				return 2;
			}
		} else {
			return usage(stderr, 2);
		}
	}
	if (i == argc)
		return usage(stderr, 2);
	st.opts.profile = st.profile;
	for (; i < argc && !rc; i++)
		rc = run_path(&st, argv[i]);
	emit(json_pack("{s:s,s:I,s:I,s:I}", "kind", "end", "tests",
		       (json_int_t)st.tests, "steps", (json_int_t)st.steps,
		       "markers", (json_int_t)st.marks));
	return rc ? 2 : 0;
}
