/*
 * except_internal.h: what except.c shares with except_signal.c.
 */
#ifndef SL_EXCEPT_INTERNAL_H
#define SL_EXCEPT_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <stacklab/except.h>

/* Where DWARF runs out (the outermost frame), libunwind tests whether an
 * address is readable by write(2)-ing it to a pipe; valgrind reports each
 * probe.  They are libunwind's by design, so both files mute valgrind around
 * the walks they make (a user's program run under valgrind stays quiet). */
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define SL_QUIET_VALGRIND_BEGIN VALGRIND_DISABLE_ERROR_REPORTING
#define SL_QUIET_VALGRIND_END   VALGRIND_ENABLE_ERROR_REPORTING
#else
#define SL_QUIET_VALGRIND_BEGIN ((void)0)
#define SL_QUIET_VALGRIND_END   ((void)0)
#endif

/* A fresh exception from the calling thread's pool, zeroed except for its
 * type and errno.  Aborts with a message when the pool is exhausted. */
sl_exception *sl__exception_new(const sl_exception_type *type);

/* sl__try_enter's slow paths (context.S).  The first TRY of a thread (or one
 * too many): returns the slot to push above.  A TRY whose innermost record
 * is not above it: aborts unless that record is a TRY nested in the same
 * function; sp is the stack pointer of t's function. */
sl__slot *sl__try_first(const sl__site *site);
void sl__try_check(sl__try *t, uintptr_t sp);

/* Throws x to the innermost TRY of the thread.  below is the highest address
 * that is dead once the throw leaves (an address in the thrower's frame, or
 * just under an interrupted frame's sp): a live TRY's record always lies
 * above it (rule 8).  With no TRY active, x is uncaught. */
__attribute__((noreturn)) void sl__raise(sl_exception *x, uintptr_t below);

/* The liveness bound to use instead of below (an address of the caller's
 * frame) when the caller runs on this thread's alternate signal stack: the
 * interrupted stack pointer of the fault being raised, minus one (the
 * alternate stack may lie anywhere, above the thread's stack too).  Else
 * below itself.  Only the cold paths of the checks ask. */
uintptr_t sl__signal_bound(uintptr_t below);

/* Runs the uncaught handler on x and aborts. */
__attribute__((noreturn)) void sl__uncaught(const sl_exception *x);

/* Whether the calling thread captures backtraces. */
bool sl__backtrace_on(void);

/* The seam to the rest of stacklab (except_backtrace.c in the library; the
 * drop-in header carries a libc-only version of the same four functions).
 *
 * sl__backtrace_capture: up to max return addresses of the calling thread,
 * innermost first (the caller's own frame included).  Returns how many.
 * sl__backtrace_interrupted: for a signal handler's ucontext, the
 * interrupted frame's stack pointer in *sp (0 when unknown) and up to max
 * pcs starting with the faulting pc.  Returns how many.
 * sl__backtrace_print: one line per address, symbolized as well as it can.
 * sl__describe_code: "function() at file:line" for a code address. */
int sl__backtrace_capture(void **pcs, int max);
int sl__backtrace_interrupted(void *ucontext, uintptr_t *sp, void **pcs, int max);
void sl__backtrace_print(void *const *pcs, int n, FILE *out);
void sl__describe_code(const void *pc, char *buf, size_t size);

/* The highest address of the calling function's own frame: everything
 * below its CFA (the caller's sp at the call) dies when it returns, so a
 * TRY record at or below this is dead.  Not __builtin_frame_address(0):
 * on x86-64 and AArch64 the frame pointer points at the frame record, but
 * on RISC-V it is the CFA itself, the first byte of the caller's frame. */
#define SL__OWN_FRAME_TOP() ((uintptr_t)__builtin_dwarf_cfa() - 1)

#endif
