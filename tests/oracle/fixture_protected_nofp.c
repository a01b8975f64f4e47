/*
 * fixture_protected_nofp.c: functions with no frame record that still store
 * a canary (-fstack-protector-all -fomit-frame-pointer): the canary is found
 * from the CFA, not from a frame pointer.
 */
#include <stdio.h>

#include "fixture.h"

NOINLINE int fixture_protected_inner(int x)
{
    MANY_REGISTERS_BODY(x);
}

NOINLINE int fixture_protected_mid(int x)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%d", x);
    int r = fixture_protected_inner(x + buf[1]);
    KEEP_FRAME();
    return r;
}
