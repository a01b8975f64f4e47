/*
 * prologue.c: the subject of the prologue film (`make film`).
 *
 *     stacklab film --instructions sl_asm_framed -o prologue.html -- prologue
 *
 * One call through a hand-written prologue and epilogue, sl_asm_framed
 * (asm/x86_64/frames.S), one instruction per step: push %rbp and rsp moves
 * down; mov %rsp,%rbp and the frame record is formed; sub makes room for
 * the locals; the call to square and back; leave and ret take it all down.
 */
#include <stdio.h>

#include "stacklab/abi.h"

static long square(void *arg)
{
    long x = (long)arg;
    return x * x;
}

int main(void)
{
    long r = sl_asm_framed(square, (void *)7);
    printf("sl_asm_framed(square, 7) = %ld\n", r);
    return 0;
}
