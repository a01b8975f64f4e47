/*
 * fixture_protected.c: a framed function built with -fstack-protector-all:
 * its prologue stores the thread's canary (%fs:0x28) in its frame.
 */
#include <stdio.h>

#include "fixture.h"

NOINLINE int fixture_protected_outer(int x)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%d", x);
    int r = fixture_protected_mid(x + buf[0]);
    KEEP_FRAME();
    return r;
}

NOINLINE int fixture_protected_leaf(int x)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%d", x);
    KEEP_FRAME();
    return buf[0];
}
