/* SPDX-License-Identifier: MIT */
#ifndef NESTREF_LIB_REGISTRY_H
#define NESTREF_LIB_REGISTRY_H

/* The backend used when the caller names none. */
#define NR_DEFAULT_BACKEND "smmuv3-sim"

#endif /* NESTREF_LIB_REGISTRY_H */
