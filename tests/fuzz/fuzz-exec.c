/* SPDX-License-Identifier: MIT */
/*
 * fuzz-exec: the exec backend's side of its protocol (docs/spec/
 * protocol.md), in-process.  The input's first line is a program of
 * ops.c (the context's header and its calls; it cannot hold the byte
 * 0x0a), each following line the child's reply to the next request
 * (exec-child-fake.c; a leading '*' stands for {"id":N,).  The replies
 * reach the checks of exec-line.c and what exec.c reads from each op's
 * reply; ops.c checks the context after each call (docs/fuzzing.md
 * section 4).
 */
#include <string.h>

#include "exec-child-fake.h"
#include "ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_ops_target exec = {
		.backend = "exec",
		.options = "cmd=fuzz-exec",
	};
	const uint8_t *nl = memchr(data, '\n', size);
	size_t head = nl ? (size_t)(nl - data) : size;
	struct fuzz_in in = { data, head };

	if (nl)
		fuzz_exec_replies(nl + 1, size - head - 1);
	else
		fuzz_exec_replies(NULL, 0);
	fuzz_ops_run(&in, &exec);
	return 0;
}
