/*
 * thread_block.h: per-thread buffers kept out of static TLS.
 *
 * An initial-exec thread-local lives in the static TLS block that glibc
 * sizes when the program starts.  A library loaded later by dlopen (a
 * plugin linked with libstacklab.so, a language binding) must fit in what
 * glibc kept spare for every late load together: 1,712 bytes on glibc
 * 2.36 x86-64 with default tunables, else "cannot allocate memory in
 * static TLS block".  And a library's thread-locals are one block: one
 * initial-exec access puts all of them there.  So libstacklab's static TLS
 * holds words and pointers only (about 200 bytes); a buffer of a few
 * hundred bytes or more is a thread block: allocated at the thread's first
 * use, found through a thread-local pointer after that, freed (and the
 * pointer cleared) when the thread exits.
 *
 *   static __thread struct cache *t_cache;
 *   struct cache *c = t_cache ? t_cache
 *                   : sl__thread_block((void **)&t_cache, sizeof *c, NULL, "the cache");
 */
#ifndef SL_THREAD_BLOCK_H
#define SL_THREAD_BLOCK_H

#include <stddef.h>

/* Allocates size zeroed bytes for the calling thread, stores their address
 * in *cache (a thread-local of the calling thread) and returns it.  When
 * the thread exits, release(block) runs first (unless NULL: for what the
 * block points to), then the block is freed and *cache cleared.  Aborts
 * with "stacklab: out of memory for <what>" when the memory is not there.
 * (It calls calloc: like the walkers' frame arrays, a thread's first
 * block is not async-signal-safe.) */
void *sl__thread_block(void **cache, size_t size, void (*release)(void *block),
                       const char *what);

#endif
