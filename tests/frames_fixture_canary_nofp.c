/*
 * frames_fixture_canary_nofp.c: a protected function without a frame
 * record (-fstack-protector-all -fomit-frame-pointer, see the Makefile), for
 * the frames suite: its prologue still stores the canary, at an
 * rsp-relative slot the CFI walk finds from the function's code.
 */
#include <stdint.h>
#include <stdio.h>

int frames_protected_nofp(int (*cb)(uintptr_t fp), int x);

__attribute__((noinline)) int frames_protected_nofp(int (*cb)(uintptr_t fp), int x)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%d", x);
    int r = cb(0);
    __asm__ volatile("" ::: "memory");  /* no tail call: keep this frame */
    return r + buf[0];
}
