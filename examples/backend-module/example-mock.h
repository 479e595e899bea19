/* SPDX-License-Identifier: MIT */
#ifndef EXAMPLE_MOCK_H
#define EXAMPLE_MOCK_H

/* Registers the "example-mock" backend: 0 or a negative errno. */
int example_mock_register(void);

#endif
