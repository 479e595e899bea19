/* SPDX-License-Identifier: MIT */
/*
 * The host driver's masters by StreamID: what arm_smmu_insert_master
 * records when a device is probed and arm_smmu_find_master reads when an
 * event names a StreamID (kernel-facts 3.11 step 2).  Every StreamID of
 * the device is recorded, so an event on any of them finds it.  The
 * device's vSID names only its first StreamID (3.2); the way back does
 * not care which one faulted.
 *
 * Aliasing: Linux refuses to probe a device whose StreamID another device
 * already has (ENODEV, "Aliasing StreamID ... unsupported"), while a
 * device that lists one StreamID twice is fine.  nestref's dev_add is not
 * a probe and accepts both: the first device keeps such a StreamID, and
 * the later one's events on it go to the first (or, once that one is
 * gone, to no device).  A vector about events gives its devices distinct
 * StreamIDs.
 */
#include <errno.h>

#include "host.h"

static void streams_remove_first(struct sim_ctx *sc, struct nestref_dev *dev,
				 size_t n)
{
	size_t i;
	uint32_t sid;

	for (i = 0; i < n; i++) {
		sid = nestref_dev_stream(dev, i);
		if (nestref_vsid_table_find(&sc->streams, sid) == dev)
			nestref_vsid_table_remove(&sc->streams, sid);
	}
}

int host_streams_add(struct nestref_dev *dev)
{
	struct sim_ctx *sc = nestref_ctx_priv(nestref_dev_ctx(dev));
	size_t n = nestref_dev_stream_count(dev), i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = nestref_vsid_table_insert(&sc->streams,
					       nestref_dev_stream(dev, i), dev);
		if (rc == -EEXIST)
			continue; /* see the aliasing note above */
		if (rc) {
			streams_remove_first(sc, dev, i);
			return rc;
		}
	}
	return 0;
}

void host_streams_remove(struct nestref_dev *dev)
{
	struct sim_ctx *sc = nestref_ctx_priv(nestref_dev_ctx(dev));

	streams_remove_first(sc, dev, nestref_dev_stream_count(dev));
}

struct nestref_dev *host_find_master(const struct sim_ctx *sc, uint32_t sid)
{
	return nestref_vsid_table_find(&sc->streams, sid);
}
