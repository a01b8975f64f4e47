/*
 * prologue_epilogue-nofp.c: the demo's example function built with
 * -fomit-frame-pointer (see the Makefile), to be disassembled beside the
 * same function built with frame pointers (pe_compiled_fp in
 * prologue_epilogue.c).
 */
long pe_consume(const long *values, int n);

long pe_compiled_nofp(long n)
{
    long local[4];
    for (int i = 0; i < 4; i++)
        local[i] = n + i;
    return pe_consume(local, 4) + 1;
}
