/*
 * test_memmap.c: the memmap suite.  One object of every kind the lecture
 * names is classified, and the address-space diagram must be accepted by
 * Graphviz with every mark drawn.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <stacklab/dot.h>
#include <stacklab/memmap.h>
#include "harness.h"

int memmap_test_global = 42;                /* .data */
static int memmap_test_zero;                /* .bss */
static const char memmap_test_literal[] = "a string literal in .rodata";

/* Under ASan or valgrind malloc does not use the brk heap. */
static int maps_name(const sl_memmap *m, const char *path)
{
    for (int i = 0; i < m->count; i++)
        if (m->regions[i].path && strcmp(m->regions[i].path, path) == 0)
            return 1;
    return 0;
}

static int malloc_is_replaced(const sl_memmap *m)
{
#if defined(__SANITIZE_ADDRESS__)
    (void)m;
    return 1;
#else
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
    (void)m;
    return 1;
#endif
#endif
    for (int i = 0; i < m->count; i++)
        if (m->regions[i].path && strstr(m->regions[i].path, "vgpreload"))
            return 1;
    return 0;
#endif
}

static void test_classify_each_kind(void)
{
    sl_memmap m;
    int local = 7;
    char *block = malloc(64);
    void *anon = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *libc_fn = dlsym(RTLD_NEXT, "getpid");
    const char *heap;

    CU_ASSERT_PTR_NOT_NULL_FATAL(block);
    CU_ASSERT_NOT_EQUAL_FATAL(anon, MAP_FAILED);
    CU_ASSERT_PTR_NOT_NULL(libc_fn);
    CU_ASSERT_TRUE_FATAL(sl_memmap_read(&m) > 5);

    CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, &memmap_test_global), "data");
    CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, &memmap_test_zero), "bss");
    CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, memmap_test_literal), "rodata");
    CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, "another literal"), "rodata");
    CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, (void *)test_classify_each_kind), "text");
    CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, &local), "stack");
    CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, anon), "mmap");
    CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, libc_fn), "library");
    heap = sl_memmap_classify(&m, block);
    CU_ASSERT_PTR_NOT_NULL_FATAL(heap);
    /* Under a replaced malloc a block is honestly "mmap".  Where the maps
     * name no [heap] (qemu-user emulates /proc/self/maps and leaves the brk
     * area anonymous, right after the executable's .bss), it is "mmap", or
     * "bss" when it shares the page the .bss tail ends in. */
    if (malloc_is_replaced(&m))
        CU_ASSERT_TRUE(strcmp(heap, "heap") == 0 || strcmp(heap, "mmap") == 0)
    else if (!maps_name(&m, "[heap]"))
        CU_ASSERT_TRUE(strcmp(heap, "mmap") == 0 || strcmp(heap, "bss") == 0)
    else
        CU_ASSERT_STRING_EQUAL(heap, "heap");
    CU_ASSERT_PTR_NULL(sl_memmap_classify(&m, NULL));
    CU_ASSERT_PTR_NULL(sl_memmap_classify(&m, (void *)0x1000));

    const sl_region *r = sl_memmap_find(&m, &memmap_test_global);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->perms[0], 'r');
    CU_ASSERT_EQUAL(r->perms[1], 'w');
    r = sl_memmap_find(&m, libc_fn);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->path);
    SL_ASSERT_CONTAINS(r->path, "libc");
    CU_ASSERT_EQUAL(r->perms[2], 'x');
    /* The regions come sorted and do not overlap. */
    for (int i = 1; i < m.count; i++)
        CU_ASSERT_TRUE(m.regions[i - 1].end <= m.regions[i].start);

    sl_memmap_release(&m);
    CU_ASSERT_PTR_NULL(m.regions);
    CU_ASSERT_EQUAL(m.count, 0);
    munmap(anon, 1 << 16);
    free(block);
}

static void test_address_space_diagram(void)
{
    sl_memmap m;
    int local = 1;
    char *block = malloc(100);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    sl_mark marks[] = {
        { "main's code (a function)", (void *)test_address_space_diagram },
        { "int global = 42", &memmap_test_global },
        { "static int zero", &memmap_test_zero },
        { "\"literal\" <&>", memmap_test_literal },
        { "malloc(100)", block },
        { "int local", &local },
        { "getpid (libc)", (void *)dlsym(RTLD_NEXT, "getpid") },
        { "NULL", NULL },
    };
    int n = (int)(sizeof marks / sizeof marks[0]);
    char path[] = "/tmp/stacklab-test-map-XXXXXX.dot", cmd[256];
    int fd;

    CU_ASSERT_TRUE_FATAL(sl_memmap_read(&m) > 0);
    CU_ASSERT_EQUAL(sl_memmap_write_dot(&m, f, marks, n), SL_DOT_OK);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "digraph address_space");
    SL_ASSERT_CONTAINS(text, "kernel half");
    SL_ASSERT_CONTAINS(text, "non-canonical hole");
    SL_ASSERT_CONTAINS(text, "zero page");
    SL_ASSERT_CONTAINS(text, "unmapped gap");
    SL_ASSERT_CONTAINS(text, "<B>stack</B>");
    SL_ASSERT_CONTAINS(text, "<B>text</B>");
    SL_ASSERT_CONTAINS(text, "<B>rodata</B>");
    SL_ASSERT_CONTAINS(text, "<B>data</B>");
    SL_ASSERT_CONTAINS(text, "<B>bss</B>");
    SL_ASSERT_CONTAINS(text, "libc.so");
    SL_ASSERT_CONTAINS(text, "&quot;literal&quot; &lt;&amp;&gt;");
    SL_ASSERT_CONTAINS(text, "128 TiB");
    for (int k = 0; k < n; k++) {
        char edge[16];
        snprintf(edge, sizeof edge, "m%d -> map:b", k);
        SL_ASSERT_CONTAINS(text, edge);
    }
    /* One row per library, not one per mapping.  (libc.so.6 may also appear
     * as a "mapped file": libdw maps it to read symbols once anything in
     * this process has been symbolized.) */
    {
        int libc_rows = 0;
        for (const char *p = text;
             (p = strstr(p, "<B>libc.so.6 </B>(shared library)")) != NULL; p++)
            libc_rows++;
        CU_ASSERT_EQUAL(libc_rows, 1);
    }
    fd = mkstemps(path, 4);
    CU_ASSERT_TRUE_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(write(fd, text, len), (ssize_t)len);
    close(fd);
    snprintf(cmd, sizeof cmd, "dot -Tsvg %s -o /dev/null", path);
    CU_ASSERT_EQUAL(system(cmd), 0);
    unlink(path);
    free(text);
    free(block);
    CU_ASSERT_EQUAL(sl_memmap_write_dot(NULL, stdout, NULL, 0), SL_DOT_EINVAL);
    CU_ASSERT_EQUAL(sl_memmap_write_dot(&m, NULL, NULL, 0), SL_DOT_EINVAL);
    sl_memmap_release(&m);
}

/* A shared library is mapped as several segments (ELF header r--, code
 * r-x, read-only data r--, relro r--, data rw-).  Its one row lists them in
 * that order, and never reads as rwx (writable code), which is what OR-ing
 * the segments' permissions used to show. */
static void test_library_row_permissions(void)
{
    sl_region r[] = {
        { 0x7f0000000000, 0x7f0000028000, "r--p", "library", "/lib/libdemo.so.6", 0, 7 },
        { 0x7f0000028000, 0x7f00001bd000, "r-xp", "library", "/lib/libdemo.so.6", 0x28000, 7 },
        { 0x7f00001bd000, 0x7f0000215000, "r--p", "library", "/lib/libdemo.so.6", 0x1bd000, 7 },
        { 0x7f0000215000, 0x7f0000219000, "r--p", "library", "/lib/libdemo.so.6", 0x214000, 7 },
        { 0x7f0000219000, 0x7f000021b000, "rw-p", "library", "/lib/libdemo.so.6", 0x218000, 7 },
        { 0x7f1000000000, 0x7f1000001000, "---p", "guard", NULL, 0, 0 },
        { 0x7f1000001000, 0x7f1000801000, "rw-p", "mmap", NULL, 0, 0 },
    };
    sl_memmap m = { r, (int)(sizeof r / sizeof r[0]), NULL };
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(sl_memmap_write_dot(&m, f, NULL, 0), SL_DOT_OK);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "<B>libdemo.so.6 </B>(shared library)");
    SL_ASSERT_CONTAINS(text, ">r-- r-x r-- rw-</FONT>");
    /* A thread stack: its guard page, a row of its own as classify names
     * it, then the stack itself. */
    SL_ASSERT_CONTAINS(text, "<B>guard</B>");
    SL_ASSERT_CONTAINS(text, ">---</FONT>");
    SL_ASSERT_CONTAINS(text, ">rw-</FONT>");
    CU_ASSERT_PTR_NULL(strstr(text, ">--- rw-</FONT>"));
    CU_ASSERT_PTR_NULL(strstr(text, "rwx"));
    free(text);
}

/* A thread's stack is a stack whoever asks, though the kernel names only
 * the main thread's "[stack]": the worker blocks in read() while main and
 * a second worker look at its local. */
typedef struct {
    int fds[2];
    int *local;
    pid_t tid;                  /* the blocked worker's */
    const char *seen_by_other;  /* what the second worker classified */
    const int *target;
} stack_case;

static void *blocked_worker(void *arg)
{
    stack_case *c = arg;
    int local = 5;
    char byte;

    c->tid = gettid();
    __atomic_store_n(&c->local, &local, __ATOMIC_RELEASE);
    if (read(c->fds[0], &byte, 1) != 1)         /* blocked in the kernel */
        return NULL;
    return NULL;
}

static void *asking_worker(void *arg)
{
    stack_case *c = arg;
    sl_memmap m;

    if (sl_memmap_read(&m) > 0) {
        const char *k = sl_memmap_classify(&m, c->target);
        c->seen_by_other = k ? k : "(null)";
        sl_memmap_release(&m);
    }
    return NULL;
}

/* Waits (10 s at most) until thread tid sleeps in the kernel, its state
 * in /proc/self/task/TID/stat 'S': a runnable thread has no stack
 * pointer to give (memmap.c), and a fixed sleep is no guarantee on a
 * loaded machine.  Returns 1 when it does. */
static int wait_until_blocked(pid_t tid)
{
    char path[64], line[512];

    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    for (int i = 0; i < 10000; i++) {
        FILE *f = fopen(path, "re");
        char *close_paren = NULL;
        if (f && fgets(line, sizeof line, f))
            close_paren = strrchr(line, ')');
        if (f)
            fclose(f);
        if (close_paren && close_paren[1] == ' ' && close_paren[2] == 'S')
            return 1;
        usleep(1000);
    }
    return 0;
}

static void test_thread_stack_whoever_asks(void)
{
    stack_case c = { .seen_by_other = "(not run)" };
    pthread_t blocked, asking;
    sl_memmap m;
    const sl_region *r;
    int *local;

    CU_ASSERT_EQUAL_FATAL(pipe(c.fds), 0);
    CU_ASSERT_EQUAL_FATAL(pthread_create(&blocked, NULL, blocked_worker, &c), 0);
    while (!(local = __atomic_load_n(&c.local, __ATOMIC_ACQUIRE)))
        usleep(1000);
    CU_ASSERT_TRUE_FATAL(wait_until_blocked(c.tid));  /* in read() */
    CU_ASSERT_TRUE_FATAL(sl_memmap_read(&m) > 0);
    r = sl_memmap_find(&m, local);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    /* Under valgrind or qemu-user a blocked thread's kernel stack pointer
     * is the emulator's own (memmap.c says so): only the asking thread's
     * stack is known. */
    int others_known = !sl_under_valgrind();
#ifdef SL_TEST_UNDER_QEMU
    sl_test_not_here("qemu-user: the kernel gives the emulator's stack pointer of a blocked thread");
    others_known = 0;
#endif
    if (others_known) {
        CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, local), "stack");
        CU_ASSERT_STRING_EQUAL(r->kind, "stack");
        CU_ASSERT_PTR_NULL(r->path);            /* not the kernel's [stack] */
        c.target = local;
        CU_ASSERT_EQUAL_FATAL(pthread_create(&asking, NULL, asking_worker, &c), 0);
        pthread_join(asking, NULL);
        CU_ASSERT_STRING_EQUAL(c.seen_by_other, "stack");
    }
    /* The main thread's stack, asked by a worker (under valgrind main's
     * stack is not the kernel's [stack] either). */
    if (!sl_under_valgrind()) {
        int main_local = 3;
        c.target = &main_local;
        CU_ASSERT_EQUAL_FATAL(pthread_create(&asking, NULL, asking_worker, &c), 0);
        pthread_join(asking, NULL);
        CU_ASSERT_STRING_EQUAL(c.seen_by_other, "stack");
    }
    CU_ASSERT_EQUAL(write(c.fds[1], "x", 1), 1);
    pthread_join(blocked, NULL);
    close(c.fds[0]);
    close(c.fds[1]);
    sl_memmap_release(&m);
}

/* In a position-independent executable a table of pointers to constant
 * strings lives in .data.rel.ro: writable for the relocations, then made
 * read-only (RELRO).  Both answers say rodata. */
static const char *const memmap_test_relro[] = { "relocated", "then read-only" };

/* One answer per address: every address of a region classifies as its
 * region's kind, at its first and last byte, at every section start, and
 * for the cases that used to differ: [vsyscall], .data.rel.ro, a guard page. */
static void test_one_answer_per_address(void)
{
    sl_memmap m;
    const sl_region *r;
    long page = sysconf(_SC_PAGESIZE);
    char *three = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    CU_ASSERT_NOT_EQUAL_FATAL(three, MAP_FAILED);
    CU_ASSERT_EQUAL_FATAL(mprotect(three + page, (size_t)page, PROT_NONE), 0);
    CU_ASSERT_TRUE_FATAL(sl_memmap_read(&m) > 0);
    for (int i = 0; i < m.count; i++) {
        const sl_region *x = &m.regions[i];
        const char *first = sl_memmap_classify(&m, (void *)x->start);
        const char *last = sl_memmap_classify(&m, (void *)(x->end - 1));
        CU_ASSERT_PTR_NOT_NULL_FATAL(x->kind);
        CU_ASSERT_TRUE(first && strcmp(first, x->kind) == 0);
        CU_ASSERT_TRUE(last && strcmp(last, x->kind) == 0);
        if (i > 0)
            CU_ASSERT_TRUE(m.regions[i - 1].end <= x->start);
    }
    r = sl_memmap_find(&m, three + page);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->kind, "guard");
    CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, three + page), "guard");
    CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, three), "mmap");

    CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, memmap_test_relro), "rodata");
    r = sl_memmap_find(&m, memmap_test_relro);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->kind, "rodata");
    CU_ASSERT_EQUAL(r->perms[1], '-');

    for (int i = 0; i < m.count; i++)
        if (m.regions[i].path && strcmp(m.regions[i].path, "[vsyscall]") == 0) {
            CU_ASSERT_STRING_EQUAL(m.regions[i].kind, "vsyscall");
            CU_ASSERT_STRING_EQUAL(sl_memmap_classify(&m, (void *)m.regions[i].start),
                                   "vsyscall");
        }
    /* .data and .bss on one page: two regions, cut where .bss begins. */
    r = sl_memmap_find(&m, &memmap_test_zero);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->kind, "bss");
    sl_memmap_release(&m);
    munmap(three, (size_t)page * 3);
}

static void test_bad_arguments(void)
{
    CU_ASSERT_EQUAL(sl_memmap_read(NULL), -1);
    CU_ASSERT_PTR_NULL(sl_memmap_classify(NULL, &memmap_test_global));
    sl_memmap_release(NULL);
}

void suite_memmap(void)
{
    CU_pSuite s = CU_add_suite("memmap", NULL, NULL);

    CU_add_test(s, "classify each kind of object", test_classify_each_kind);
    CU_add_test(s, "address-space diagram", test_address_space_diagram);
    CU_add_test(s, "library rows list each segment's permissions", test_library_row_permissions);
    CU_add_test(s, "a thread's stack is a stack, whoever asks", test_thread_stack_whoever_asks);
    CU_add_test(s, "one answer per address (vsyscall, relro, guard)", test_one_answer_per_address);
    CU_add_test(s, "bad arguments", test_bad_arguments);
}
