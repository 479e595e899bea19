/* SPDX-License-Identifier: MIT */
/* The backends built into the library, always in the registry. */
#ifndef NESTREF_LIB_BUILTIN_H
#define NESTREF_LIB_BUILTIN_H

#include <nestref/backend.h>

extern const struct nestref_backend nr_mock_backend;
extern const struct nestref_backend nr_smmuv3_sim_backend;
extern const struct nestref_backend nr_iommufd_backend;

#endif /* NESTREF_LIB_BUILTIN_H */
