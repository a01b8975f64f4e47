/*
 * thread_block.c: per-thread buffers kept out of static TLS
 * (thread_block.h says why).
 *
 * Each block starts with a header, and a thread's blocks form a list kept
 * as the value of one pthread key, whose destructor frees them all when
 * the thread exits.  The memory comes from mmap, not malloc: the first use
 * may be in a signal handler that interrupted malloc (a walk from a
 * SIGSEGV handler), and mmap is async-signal-safe.
 *
 *   pthread key value -> | header | the block ... |
 *                           next ---> | header | another block ... | -> NULL
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "thread_block.h"

typedef union header {
    struct {
        union header *next;     /* this thread's previous block */
        void **cache;           /* the thread-local that points at the block */
        void (*release)(void *);    /* for what the block points to, or NULL */
        size_t size;            /* of the mapping, header included */
    } h;
    max_align_t align;          /* the block after it is aligned for anything */
} header;

static pthread_key_t blocks_key;
static pthread_once_t blocks_key_once = PTHREAD_ONCE_INIT;

/* At thread exit: clears each pointer first, so that a later destructor
 * (another library's) that uses stacklab allocates afresh, never reuses
 * freed memory. */
static void release(void *first)
{
    for (header *b = first, *next; b; b = next) {
        next = b->h.next;
        if (b->h.release)
            b->h.release(b + 1);
        *b->h.cache = NULL;
        munmap(b, b->h.size);
    }
}

static void make_key(void)
{
    if (pthread_key_create(&blocks_key, release) != 0) {
        fputs("stacklab: no pthread key left for per-thread buffers\n", stderr);
        abort();
    }
}

void *sl__thread_block(void **cache, size_t size, void (*release)(void *block),
                       const char *what)
{
    size_t total = sizeof(header) + size;
    header *b;

    pthread_once(&blocks_key_once, make_key);
    b = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (b == MAP_FAILED) {
        fprintf(stderr, "stacklab: out of memory for %s\n", what);
        abort();
    }
    b->h.next = pthread_getspecific(blocks_key);
    b->h.cache = cache;
    b->h.release = release;
    b->h.size = total;
    pthread_setspecific(blocks_key, b);
    return *cache = b + 1;
}
