/*
 * plugin.c: a plugin linked with libstacklab.so, for tests/dlopen/main.c.
 * A program that does not link stacklab loads it with dlopen and calls
 * plugin_run through dlsym, from main and from a thread that was running
 * before the load.  It uses what keeps per-thread state: the exceptions
 * (TRY, a throw through a few frames, CATCH, FINALLY), both walkers and
 * the probe.
 */
#include <stdio.h>
#include <string.h>
#include <stacklab.h>

SL_DEFINE_EXCEPTION(PluginError, SL_Exception, "plugin error");

static void dive(int n);
static void (*volatile dive_again)(int) = dive;   /* a call gcc cannot see through */

static void dive(int n)
{
    if (n > 0)
        dive_again(n - 1);
    else
        SL_THROW(PluginError, "at the bottom");
    __asm__ volatile("");       /* not a tail call: each level is a frame */
}

/* Captures this thread's stack with walker w; 0 when main's frames are in it. */
static int capture(sl_walker w, const char *who)
{
    sl_stack s = { 0 };
    int found = 0;
    if (sl_stack_capture(&s, w) > 0 && sl_stack_symbolize(&s) > 0)
        for (int i = 0; i < s.count; i++)
            found |= strcmp(s.frames[i].function, "plugin_run") == 0;
    if (!found) {
        fprintf(stderr, "%s: the %s walk did not find plugin_run:\n", who,
                w == SL_WALK_FP ? "FP" : "CFI");
        sl_stack_print(&s, stderr);
    }
    sl_stack_release(&s);
    return found ? 0 : 1;
}

/* 0 when everything did what it should in this thread. */
__attribute__((visibility("default"))) int plugin_run(const char *who)
{
    volatile int caught = 0, finally = 0;

    SL_TRY {
        dive(10);
    } SL_CATCH(PluginError, e) {
        caught = strcmp(e->message, "at the bottom") == 0;
    } SL_FINALLY {
        finally = 1;
    } SL_END_TRY;
    int failures = 0;
    if (!caught || !finally) {
        fprintf(stderr, "%s: caught %d, finally %d\n", who, caught, finally);
        failures++;
    }

    failures += capture(SL_WALK_FP, who);
#ifndef SL_WITHOUT_DWARF_LIBS
    failures += capture(SL_WALK_CFI, who);
#endif

    /* The probe, twice: the first call in a thread finds its snapshot.
     * gpr[0], gpr[1] and vec[0] are the first integer and vector argument
     * registers on every architecture. */
    for (long round = 1; round <= 2; round++) {
        ((void (*)(long, long, double))SL_PROBE)(round, 42, 2.5);
        const sl_probe_snapshot *p = sl_probe_last();
        double d;
        memcpy(&d, p->vec[0], sizeof d);
        if (p->gpr[0] != (uint64_t)round || p->gpr[1] != 42 || d != 2.5 || p->count != (uint32_t)round) {
            fprintf(stderr, "%s: probe %ld saw %llu, %llu, %g (count %u)\n", who, round,
                    (unsigned long long)p->gpr[0], (unsigned long long)p->gpr[1], d,
                    (unsigned)p->count);
            failures++;
        }
    }
    return failures;
}
