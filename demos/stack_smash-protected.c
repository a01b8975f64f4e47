/*
 * stack_smash-protected.c: the vulnerable function, built with
 * -fstack-protector-all (see the Makefile), so its prologue stores the
 * thread's canary (%fs:0x28) just below the saved frame pointer and its
 * epilogue checks it before returning.
 */
#include <stddef.h>

/* Copies n bytes into a 16-byte buffer without checking n: the bug.  Then
 * calls inside(buf) (when given) while the frame is still live, so the demo
 * can look at it. */
__attribute__((noinline))
void ss_protected_copy(const char *src, size_t n, void (*inside)(char *buf))
{
    char buf[16];
    for (size_t i = 0; i < n; i++)
        ((volatile char *)buf)[i] = src[i];
    if (inside)
        inside(buf);
}
