/*
 * stack_smash-unprotected.c: the same vulnerable function, built with
 * -fno-stack-protector (see the Makefile): nothing stands between the
 * buffer and the saved frame pointer and return address.
 */
#include <stddef.h>

/* Copies n bytes into a 16-byte buffer without checking n: the bug.  Then
 * calls inside(buf) (when given) while the frame is still live. */
__attribute__((noinline))
void ss_unprotected_copy(const char *src, size_t n, void (*inside)(char *buf))
{
    char buf[16];
    for (size_t i = 0; i < n; i++)
        ((volatile char *)buf)[i] = src[i];
    if (inside)
        inside(buf);
}
