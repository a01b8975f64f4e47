/*
 * thread_block.c: per-thread buffers kept out of static TLS
 * (thread_block.h says why).
 *
 * Each block starts with a header, and a thread's blocks form a list kept
 * as the value of one pthread key, whose destructor frees them all when
 * the thread exits.  The blocks come from calloc, so that leak checkers
 * see what they point to (LeakSanitizer does not look inside mmap'd
 * memory, and would call a spare frame array lost).
 *
 *   pthread key value -> | header | the block ... |
 *                           next ---> | header | another block ... | -> NULL
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "thread_block.h"

typedef union header {
    struct {
        union header *next;     /* this thread's previous block */
        void **cache;           /* the thread-local that points at the block */
        void (*release)(void *);    /* for what the block points to, or NULL */
    } h;
    max_align_t align;          /* the block after it is aligned for anything */
} header;

static pthread_key_t blocks_key;
static pthread_once_t blocks_key_once = PTHREAD_ONCE_INIT;

/* At thread exit: clears each pointer first, so that a later destructor
 * (another library's) that uses stacklab allocates afresh, never reuses
 * freed memory. */
static void release_all(void *first)
{
    for (header *b = first, *next; b; b = next) {
        next = b->h.next;
        if (b->h.release)
            b->h.release(b + 1);
        *b->h.cache = NULL;
        free(b);
    }
}

static void make_key(void)
{
    if (pthread_key_create(&blocks_key, release_all) != 0) {
        fputs("stacklab: no pthread key left for per-thread buffers\n", stderr);
        abort();
    }
}

void *sl__thread_block(void **cache, size_t size, void (*release)(void *block),
                       const char *what)
{
    header *b;

    pthread_once(&blocks_key_once, make_key);
    b = calloc(1, sizeof *b + size);
    if (!b) {
        fprintf(stderr, "stacklab: out of memory for %s\n", what);
        abort();
    }
    b->h.next = pthread_getspecific(blocks_key);
    b->h.cache = cache;
    b->h.release = release;
    pthread_setspecific(blocks_key, b);
    return *cache = b + 1;
}
