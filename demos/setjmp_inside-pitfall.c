/*
 * setjmp_inside-pitfall.c: the volatile pitfall, compiled at -O2 whatever
 * OPT says (see the Makefile line for this file), because the lesson is what
 * the optimizer is allowed to do.
 *
 * Both functions save a context, change a local, and jump back.  C says
 * (C11 7.13.2.1) that after the jump a non-volatile local changed between
 * the save and the jump has an indeterminate value.  At -O2 the compiler
 * keeps `total` in a register or simply remembers its value, and never
 * writes the update anywhere the jump preserves; the jump brings back what
 * the registers held at the save.  `volatile` forces every write to memory,
 * which the jump does not touch.
 */
#include "stacklab/abi.h"
#include "stacklab/except.h"

long pitfall_plain(sl_context *ctx, long start);
long pitfall_volatile(sl_context *ctx, long start);
long clause_plain(long start);
long clause_volatile(long start);
const char *pitfall_explained(void);

/* In setjmp_inside.c, so that the compiler cannot see it never returns. */
void pitfall_jump(sl_context *ctx, long seen);
/* In setjmp_inside.c: draws the frame whose FINALLY calls it. */
void pitfall_in_finally(const char *which, long read);

/* gcc warns about exactly this (-Wclobbered, part of -Wextra); here it is
 * the point, so the warning is silenced for this file only. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wclobbered"
#endif

long pitfall_plain(sl_context *ctx, long start)
{
    long total = start;                 /* plain local */
    if (sl_context_save(ctx) != 0)
        return total;                   /* after the jump: what is it now? */
    for (long i = 1; i <= 4; i++)
        total += i;                     /* changed after the save */
    pitfall_jump(ctx, total);
    return -1;
}

long pitfall_volatile(sl_context *ctx, long start)
{
    volatile long total = start;        /* every access goes to memory */
    if (sl_context_save(ctx) != 0)
        return total;
    for (long i = 1; i <= 4; i++)
        total += i;
    pitfall_jump(ctx, total);
    return -1;
}

/* The same rule holds in every clause of an SL_TRY: each throw to it, also
 * one from its own CATCH, is a jump back to the one context SL_TRY saved.
 * Here the CATCH changes `stage` and throws; the FINALLY then runs after
 * that second jump and reads `stage`.  Both return what the FINALLY read
 * (the second exception goes on to the caller's TRY). */
static volatile long finally_read;

static void stages_plain(long start)
{
    long stage = start;                 /* plain local */
    SL_TRY {
        stage = start + 1;
        SL_THROW(SL_RuntimeError, "first");
    } SL_CATCH_ANY(e) {
        stage = start + 2;              /* changed in the CATCH, */
        SL_THROW(SL_RuntimeError, "second");    /* which then throws */
    } SL_FINALLY {
        finally_read = stage;           /* read after that throw */
        pitfall_in_finally("plain", finally_read);
    } SL_END_TRY;
}

static void stages_volatile(long start)
{
    volatile long stage = start;        /* every access goes to memory */
    SL_TRY {
        stage = start + 1;
        SL_THROW(SL_RuntimeError, "first");
    } SL_CATCH_ANY(e) {
        stage = start + 2;
        SL_THROW(SL_RuntimeError, "second");
    } SL_FINALLY {
        finally_read = stage;
        pitfall_in_finally("volatile", finally_read);
    } SL_END_TRY;
}

long clause_plain(long start)
{
    SL_TRY {
        stages_plain(start);
    } SL_CATCH_ANY(e) {
    } SL_END_TRY;
    return finally_read;
}

long clause_volatile(long start)
{
    SL_TRY {
        stages_volatile(start);
    } SL_CATCH_ANY(e) {
    } SL_END_TRY;
    return finally_read;
}

/* Where this compiler put `total` in pitfall_plain (read from `make listings`,
 * build/listings/; check it there when the compiler changes). */
const char *pitfall_explained(void)
{
#if defined(__clang__)
    return "clang keeps total in r14, a callee-saved register. sl_context_save stored r14 = 100; "
           "the loop made r14 = 110; the jump reloaded r14 from the context: 100.";
#elif defined(__GNUC__)
    return "gcc keeps total's first value (100) in a stack slot and computes the sum "
           "only in rax, a scratch register, never storing it back: after the jump it "
           "reads the slot, 100.";
#else
    return "The compiler kept the new value where the jump does not preserve it.";
#endif
}
