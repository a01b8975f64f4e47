/*
 * test_abi.c: the calling-convention routines of asm/<arch>/ and abi.c.
 */
#include <stdint.h>
#include <string.h>

#include <stacklab/abi.h>
#include "context.h"
#include "harness.h"

/* ---- context save/restore ------------------------------------------- */

static sl_context jump_ctx;

__attribute__((noinline))
static void jump_back(int value)
{
    sl_context_restore(&jump_ctx, value);
}

static void test_context_returns_value(void)
{
    volatile int passes = 0;
    int r = sl_context_save(&jump_ctx);

    passes++;
    if (r == 0)
        jump_back(42);
    CU_ASSERT_EQUAL(r, 42);
    CU_ASSERT_EQUAL(passes, 2);
}

static void test_context_zero_becomes_one(void)
{
    volatile int passes = 0;
    int r = sl_context_save(&jump_ctx);

    passes++;
    if (r == 0)
        jump_back(0);
    CU_ASSERT_EQUAL(r, 1);
    CU_ASSERT_EQUAL(passes, 2);
}

static void test_context_mangles_pointers(void)
{
    sl_context c;
    const struct sl_context_x86_64 *x = (const void *)&c;

    memset(&c, 0, sizeof c);
    sl_context_save(&c);
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    uint64_t rsp = sl__ctx_demangle(x->rsp_mangled);
    uint64_t rip = sl__ctx_demangle(x->rip_mangled);

    /* The demangled stack pointer lies in this frame, below its frame
     * pointer; the demangled pc lies in this function's code. */
    CU_ASSERT(rsp <= sp && sp - rsp < 4096);
    CU_ASSERT(rip > (uintptr_t)test_context_mangles_pointers &&
              rip < (uintptr_t)test_context_mangles_pointers + 4096);
    if (sl__context_secret != 0) {
        CU_ASSERT(x->rsp_mangled != rsp);
        CU_ASSERT(x->rip_mangled != rip);
    }
}

void suite_abi(void)
{
    CU_pSuite s = CU_add_suite("abi", NULL, NULL);

    CU_add_test(s, "context save returns the restored value", test_context_returns_value);
    CU_add_test(s, "context restore with 0 resumes with 1", test_context_zero_becomes_one);
    CU_add_test(s, "context stores rsp and rip mangled", test_context_mangles_pointers);
}
