/*
 * fixture_nofp.c: the oracle fixture's code without frame pointers (built
 * with -fomit-frame-pointer): only the CFI says where each caller is.
 */
#include "fixture.h"

NOINLINE static int nofp_inner(int x)
{
    report();
    KEEP_FRAME();
    return x + 1;
}

NOINLINE int fixture_nofp_outer(int x)
{
    int r = nofp_inner(x + 1);
    KEEP_FRAME();
    return r + 2;
}

NOINLINE int fixture_regs_nofp(int x)
{
    MANY_REGISTERS_BODY(x);
}
