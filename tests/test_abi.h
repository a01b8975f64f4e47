/*
 * test_abi.h: what the abi suite's shared part (tests/test_abi.c) and its
 * architecture's part (tests/arch/$(ARCH)/test_abi_arch.c) both use.
 */
#ifndef SL_TEST_ABI_H
#define SL_TEST_ABI_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <stacklab/abi.h>
#include "harness.h"

/* Adds the architecture's own tests (its calling convention's rules, the
 * probe, the context's register layout) to the abi suite. */
void sl_test_abi_arch(CU_pSuite s);

/* Keeps a struct result alive without looking at it. */
#define KEEP_STRUCT(x) __asm__ volatile("" : : "r"(&(x)) : "memory")

/* Where the last probe found a value: "rdi", "stack+8", "(not found)". */
static char where[48];

static inline const char *where_is(const void *v, size_t n)
{
    if (sl_probe_find(sl_probe_last(), v, n, where, sizeof where) < 0)
        snprintf(where, sizeof where, "(not found)");
    return where;
}
#define WHERE(x) where_is(&(x), sizeof(x))
#define CU_ASSERT_WHERE(x, place) \
    do { const char *w_ = WHERE(x); CU_ASSERT_STRING_EQUAL(w_, place); \
         if (strcmp(w_, place)) fprintf(stderr, "\n  %s: got %s, want %s\n", #x, w_, place); } while (0)

/* A register of the last probe, by name. */
static inline uint64_t reg(const char *name)
{
    uint64_t v = 0;
    CU_ASSERT_EQUAL(sl_probe_register(sl_probe_last(), name, &v), 0);
    return v;
}

#endif
