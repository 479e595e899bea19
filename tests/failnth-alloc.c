/* SPDX-License-Identifier: MIT */
/*
 * The counting, failing allocator of make check-failnth (failnth-alloc.h).
 *
 * Each block starts with a header (its size and a magic word), so that
 * the allocator knows what is live without a table, and a pointer it did
 * not hand out, or one given back twice, stops the run with a message
 * instead of corrupting the heap.  jansson's functions have no opaque
 * pointer, so the state is this file's, for both.
 */
#include <execinfo.h>
#include <jansson.h>
#include <link.h>
#include <malloc.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/nestref.h>

#include "failnth-alloc.h"

#define FA_LIVE UINT64_C(0x6e72616c6c6f6321) /* "nralloc!" */
#define FA_DEAD UINT64_C(0x6e7266726565642e) /* "nrfreed." */
#define FA_FRAMES 16

/* Big enough for any type's alignment, as malloc's blocks are. */
union fa_head {
	struct {
		uint64_t magic;
		size_t size;
	} h;
	max_align_t align; /* cppcheck-suppress unusedStructMember */
};

static struct {
	unsigned int in_loader; /* inside json_loadb: never fail */
	uint64_t exempt;
	uint64_t calls;
	uint64_t nth;
	bool fired;
	size_t live_blocks;
	size_t live_bytes;
	void *where[FA_FRAMES];
	size_t n_where;
	/* Where libjansson is mapped, to tell its frames from the caller's. */
	uintptr_t jansson_lo, jansson_hi;
	/*
	 * A clean run's jansson allocations: bit n set when allocation n
	 * was made by the same jansson call as allocation n - 1 (the same
	 * stack outside jansson), and that stack's hash for the last one.
	 */
	unsigned char *same;
	size_t same_cap;
	uint64_t last_key;
	uint64_t last_jansson; /* the number of the last jansson allocation */
	bool recording;
} fa;

static union fa_head *fa_head_of(void *ptr, const char *what)
{
	union fa_head *head = (union fa_head *)ptr - 1;

	if (head->h.magic != FA_LIVE) {
		fprintf(stderr,
			"failnth: %s of %p, which this allocator %s\n", what,
			ptr, head->h.magic == FA_DEAD ? "has already taken back" :
							"never handed out");
		abort();
	}
	return head;
}

/* A hash of the frames of the stack that lie outside libjansson. */
static uint64_t fa_caller_key(void)
{
	void *frames[48];
	uint64_t key = 1469598103934665603u;
	int n = backtrace(frames, 48), i;

	for (i = 0; i < n; i++) {
		uintptr_t pc = (uintptr_t)frames[i];

		if (pc >= fa.jansson_lo && pc < fa.jansson_hi)
			continue;
		key = (key ^ pc) * 1099511628211u;
	}
	return key;
}

/* In a clean run: notes whether this jansson allocation repeats a call. */
static void fa_note_jansson(void)
{
	uint64_t key = fa_caller_key();
	size_t byte = (size_t)(fa.calls / 8);

	if (byte >= fa.same_cap) {
		size_t cap = fa.same_cap ? 2 * fa.same_cap : 4096;
		unsigned char *grown;

		while (cap <= byte)
			cap *= 2;
		grown = realloc(fa.same, cap);
		if (!grown) {
			perror("failnth");
			abort();
		}
		memset(grown + fa.same_cap, 0, cap - fa.same_cap);
		fa.same = grown;
		fa.same_cap = cap;
	}
	if (fa.last_jansson == fa.calls - 1 && key == fa.last_key)
		fa.same[byte] |= (unsigned char)(1u << (fa.calls % 8));
	fa.last_key = key;
	fa.last_jansson = fa.calls;
}

/* Counts one request; false for the one to refuse. */
static bool fa_grant(bool jansson)
{
	int n;

	if (fa.in_loader) {
		fa.exempt++;
		return true;
	}
	++fa.calls;
	if (jansson && fa.recording)
		fa_note_jansson();
	if (fa.calls != fa.nth)
		return true;
	fa.fired = true;
	n = backtrace(fa.where, FA_FRAMES);
	fa.n_where = n > 0 ? (size_t)n : 0;
	return false;
}

/* Blocks without the header, under valgrind (failnth_alloc_install()). */
static bool fa_plain;

static void *fa_block(size_t size, bool jansson)
{
	union fa_head *head;
	void *p;

	if (!fa_grant(jansson) || size > SIZE_MAX - sizeof(*head))
		return NULL;
	if (fa_plain) {
		p = malloc(size);
		if (p) {
			fa.live_blocks++;
			fa.live_bytes += malloc_usable_size(p);
		}
		return p;
	}
	head = malloc(sizeof(*head) + size);
	if (!head)
		return NULL;
	head->h.magic = FA_LIVE;
	head->h.size = size;
	fa.live_blocks++;
	fa.live_bytes += size;
	return head + 1;
}

static void *fa_alloc(void *opaque, size_t size)
{
	(void)opaque;
	return fa_block(size, false);
}

static void *fa_resize(void *opaque, void *ptr, size_t size)
{
	union fa_head *head, *grown;
	size_t old;
	void *p;

	(void)opaque;
	if (fa_plain) {
		old = malloc_usable_size(ptr);
		if (!fa_grant(false))
			return NULL;
		p = realloc(ptr, size);
		if (p)
			fa.live_bytes = fa.live_bytes - old +
					malloc_usable_size(p);
		return p;
	}
	head = fa_head_of(ptr, "resize");
	old = head->h.size;
	/* A refused resize leaves the block as it was, as realloc does. */
	if (!fa_grant(false) || size > SIZE_MAX - sizeof(*head))
		return NULL;
	grown = realloc(head, sizeof(*head) + size);
	if (!grown)
		return NULL;
	grown->h.size = size;
	fa.live_bytes = fa.live_bytes - old + size;
	return grown + 1;
}

static void fa_release(void *opaque, void *ptr)
{
	union fa_head *head;

	(void)opaque;
	if (fa_plain) {
		fa.live_blocks--;
		fa.live_bytes -= malloc_usable_size(ptr);
		free(ptr);
		return;
	}
	head = fa_head_of(ptr, "release");
	head->h.magic = FA_DEAD;
	fa.live_blocks--;
	fa.live_bytes -= head->h.size;
	free(head);
}

static void *fa_json_malloc(size_t size)
{
	return fa_block(size ? size : 1, true);
}

static void fa_json_free(void *ptr)
{
	if (ptr)
		fa_release(NULL, ptr);
}

/*
 * json_loadb() as the library calls it (the linker's --wrap): its
 * allocations are not failed (failnth-alloc.h says why).
 */
json_t *__real_json_loadb(const char *buffer, size_t len, size_t flags,
			  json_error_t *error);
json_t *__wrap_json_loadb(const char *buffer, size_t len, size_t flags,
			  json_error_t *error);

json_t *__wrap_json_loadb(const char *buffer, size_t len, size_t flags,
			  json_error_t *error)
{
	json_t *r;

	fa.in_loader++;
	r = __real_json_loadb(buffer, len, flags, error);
	fa.in_loader--;
	return r;
}

uint64_t failnth_alloc_exempt(void)
{
	return fa.exempt;
}

/* dl_iterate_phdr's callback: libjansson's mapped range. */
static int fa_find_jansson(struct dl_phdr_info *info, size_t size, void *data)
{
	ElfW(Half) i;

	(void)size;
	(void)data;
	if (!info->dlpi_name || !strstr(info->dlpi_name, "libjansson"))
		return 0;
	fa.jansson_lo = UINTPTR_MAX;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		if (lo < fa.jansson_lo)
			fa.jansson_lo = lo;
		if (lo + ph->p_memsz > fa.jansson_hi)
			fa.jansson_hi = lo + ph->p_memsz;
	}
	return 1;
}

bool failnth_alloc_same_call(uint64_t n)
{
	return n / 8 < fa.same_cap && (fa.same[n / 8] & (1u << (n % 8)));
}

void failnth_alloc_install(void)
{
	static const struct nestref_allocator a = {
		.alloc = fa_alloc,
		.resize = fa_resize,
		.release = fa_release,
	};

	const char *plain = getenv("FAILNTH_NO_HEADER");

	/*
	 * memcheck takes a block only pointed to past its start (the header)
	 * for possibly lost: under valgrind the blocks are plain, and
	 * valgrind itself catches a pointer given back that no allocator
	 * handed out.
	 */
	if (plain && *plain)
		fa_plain = true;
	nestref_set_allocator(&a);
	json_set_alloc_funcs(fa_json_malloc, fa_json_free);
	dl_iterate_phdr(fa_find_jansson, NULL);
}

void failnth_alloc_arm(uint64_t nth)
{
	if (nth == 0 && fa.same)
		memset(fa.same, 0, fa.same_cap);
	fa.recording = nth == 0;
	fa.last_jansson = 0;
	fa.calls = 0;
	fa.exempt = 0;
	fa.nth = nth;
	fa.fired = false;
	fa.n_where = 0;
}

void failnth_alloc_disarm(void)
{
	fa.nth = 0;
	fa.recording = false;
}

uint64_t failnth_alloc_calls(void)
{
	return fa.calls;
}

bool failnth_alloc_fired(void)
{
	return fa.fired;
}

size_t failnth_alloc_live_blocks(void)
{
	return fa.live_blocks;
}

size_t failnth_alloc_live_bytes(void)
{
	return fa.live_bytes;
}

size_t failnth_alloc_where(void **frames, size_t max)
{
	size_t n = fa.n_where < max ? fa.n_where : max;

	memcpy(frames, fa.where, n * sizeof(*frames));
	return n;
}
