/* SPDX-License-Identifier: MIT */
/*
 * The opaque types of <nestref/vectors.h>, over the internal model
 * (vector.h).  Only api-*.c include this: the loader and the runner know
 * nothing of the public API.
 */
#ifndef NESTREF_VECTORS_API_H
#define NESTREF_VECTORS_API_H

#include <nestref/vectors.h>

#include "vector.h"

struct nestref_vec_diag {
	struct vec_diag d;
};

struct nestref_vec_file {
	struct vec_file *f;
};

#endif /* NESTREF_VECTORS_API_H */
