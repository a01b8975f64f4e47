/*
 * context.c: the secret that sl_context_save mixes into the pointers it
 * stores (see asm/x86_64/context.S for why).  It is chosen once, before
 * main, from the kernel's random bytes; it must never change afterwards,
 * or every saved context would resume at a garbage address.
 */
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>

#include "context.h"

uint64_t sl__context_secret;

__attribute__((constructor))
static void context_choose_secret(void)
{
    uint64_t s = 0;

    if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s) {
        /* Early boot or seccomp: fall back to the 16 bytes the kernel
         * hands every process (AT_RANDOM). */
        const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
        if (r)
            memcpy(&s, r + 8, sizeof s);
    }
    sl__context_secret = s;
}
