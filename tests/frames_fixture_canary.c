/*
 * frames_fixture_canary.c: a function built with -fstack-protector-all (see
 * the Makefile), for the frames suite's canary test.  The protector is a
 * per-file flag so that gcc and clang both build it (clang has no
 * per-function attribute for it).
 *
 * frames_protected(cb) keeps a char array, so its prologue stores the
 * thread's canary (%fs:0x28) just below its saved rbp; it calls cb with its
 * own frame address, and cb captures the stack from there.
 */
#include <stdint.h>
#include <stdio.h>

int frames_protected(int (*cb)(uintptr_t fp), int x);

__attribute__((noinline)) int frames_protected(int (*cb)(uintptr_t fp), int x)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%d", x);
    int r = cb((uintptr_t)__builtin_frame_address(0));
    __asm__ volatile("" ::: "memory");  /* no tail call: keep this frame */
    return r + buf[0];
}

/* A protected leaf: no callee-saved register to push, so its canary lies
 * right below its saved rbp (gcc and clang). */
int frames_protected_leaf(int x);

__attribute__((noinline)) int frames_protected_leaf(int x)
{
    volatile char buf[16];

    buf[x & 15] = (char)x;
    return buf[(x + 1) & 15];
}
