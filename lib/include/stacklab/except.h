/*
 * stacklab/except.h: exceptions for C.  SL_TRY / SL_CATCH / SL_FINALLY /
 * SL_THROW on a hand-written setjmp/longjmp (the context of abi.h's
 * sl_context_save/restore, saved by asm/<arch>/context.S together with the
 * handler record), with cleanups that run when a block is left, cause
 * chains, per-thread state, hardware faults as exceptions, and misuse
 * detection.
 *
 * A complete example:
 *
 *     #include <stacklab/except.h>
 *
 *     SL_DECLARE_EXCEPTION(ParseError);                    // in a header
 *     SL_DEFINE_EXCEPTION(ParseError, SL_RuntimeError, "parse error");
 *
 *     static int parse_digit(char c)
 *     {
 *         if (c < '0' || c > '9')
 *             SL_THROW(ParseError, "'%c' is not a digit", c);
 *         return c - '0';
 *     }
 *
 *     int main(void)
 *     {
 *         volatile int digits = 0;                 // read after a throw: volatile
 *         char *buf = malloc(64);
 *
 *         SL_TRY {
 *             sl_defer(free, buf);                 // runs however the body is left
 *             for (const char *p = "12x"; *p; p++) {
 *                 parse_digit(*p);
 *                 digits++;
 *             }
 *         } SL_CATCH(ParseError, e) {
 *             printf("%s after %d digits\n", e->message, digits);
 *         } SL_FINALLY {
 *             puts("done");
 *         } SL_END_TRY;
 *         return 0;
 *     }
 *
 * The rules (each is tested in tests/test_except.c):
 *
 *  1. CATCH clauses are tried in order; the first whose type is the thrown
 *     type or an ancestor of it runs.  At most one runs.
 *  2. Cleanups registered with sl_defer() while a TRY body runs (also from
 *     functions it calls) run exactly once, last registered first, when the
 *     body is left by any way, before that TRY's CATCH and FINALLY clauses
 *     (as C++ destroys a try block's locals before its handler runs).  On a
 *     throw they run before the jump, while the thrower's frames still exist.
 *  3. FINALLY runs after the body and after a CATCH, whether or not an
 *     exception is propagating.
 *  4. An exception thrown while a CATCH runs, while a FINALLY runs with an
 *     exception pending, or by a cleanup during unwinding, replaces the one
 *     in flight, which becomes its `cause`: nothing is silently lost.  The
 *     chain stays readable until the outermost handler that sees it ends.
 *  5. An exception no CATCH takes continues to the enclosing TRY after the
 *     FINALLY has run; with none left, the uncaught handler runs and the
 *     process aborts.
 *  6. All state is per thread: threads never see each other's exceptions.
 *  7. VOLATILE: a local variable of the function holding the SL_TRY that is
 *     changed anywhere after SL_TRY began (in the body, in a CATCH, in the
 *     FINALLY) and read after a throw lands in that TRY (in a CATCH, in the
 *     FINALLY, or after SL_END_TRY) must be declared `volatile`.  Every
 *     throw to a TRY, also one from its own CATCH, resumes the function with
 *     the registers as they were when SL_TRY saved them, so at -O2 a
 *     variable kept in a register reads back its value from before the TRY:
 *     a local a CATCH changes and then throws reads back stale in the
 *     FINALLY (demos/setjmp_inside.c shows both).  gcc's -Wclobbered (part
 *     of -Wextra) names some such variables, not all.  A throw
 *     leaves the floating-point control state (rounding mode, exception
 *     masks) as the thrower left it, as longjmp and C++ throw do.
 *  8. MISUSE: never leave a TRY body or clause with return, goto, break,
 *     continue or longjmp; always reach SL_END_TRY.  A return or goto out of
 *     the block is reported the moment it happens (the record carries a
 *     cleanup attribute, which gcc and clang run on every jump out of a
 *     scope), and so are break and continue (the clauses sit in a loop of
 *     the macro's own, so they leave the TRY, not your loop):
 *         stacklab: SL_TRY at FILE:LINE was left without SL_END_TRY (by break: ...)
 *     and the process aborts; the abandoned TRY's CATCH never runs.  longjmp
 *     runs no cleanups, so a TRY left by it is found at the next SL_TRY,
 *     SL_END_TRY, SL_THROW or sl_defer of the thread that sees its record
 *     stale, and a throw never jumps into a record that is: each active
 *     TRY's frame address, site and saved stack pointer word are kept in a
 *     per-thread array, which later calls cannot overwrite; a live record
 *     lies above the thrower and still holds that word.  The one case no
 *     library can see: a longjmp to a point in the TRY's own function (or
 *     one that leaves the dead frame untouched) followed by a throw from
 *     there; its record is exactly as a live one.  Do not longjmp out of a
 *     TRY: throw.  SL_END_TRY reached with its TRY not active names its own
 *     FILE:LINE.
 *  9. No heap allocation on the TRY, THROW, CATCH and FINALLY paths: a
 *     thread's state is allocated once, at its first SL_TRY (or throw);
 *     then exceptions come from a per-thread pool, cleanups from another,
 *     and the handler array has room for SL_TRY_MAX nested TRYs.  Past
 *     those (SL_EXCEPTIONS_MAX exceptions alive: a long cause chain;
 *     SL_DEFER_POOL cleanups; SL_TRY_MAX nested TRYs) they grow on the
 *     heap instead of failing.
 * 10. Works through frames built with any compiler options and through
 *     stacklab's assembly shims: nothing depends on frame layout or CFI.
 *
 * Signals: after sl_trap_signals(), SIGSEGV, SIGBUS, SIGFPE and SIGILL in
 * the calling thread become exceptions (SL_SignalError and its subtypes),
 * raised on an alternate signal stack so that a stack overflow is caught
 * too.  A fault with no SL_TRY active is reported as uncaught and aborts.
 * Cleanups registered deeper than the fault run on that alternate stack
 * (256 KiB).  Catching a fault is for reporting and carrying on with other
 * work: the data the faulting code was changing may be half-written.  The
 * TRY a fault lands in sees the floating-point control state (rounding
 * mode, exception masks) the faulting code had, as for a throw (rule 7).
 * In a thread that did not call sl_trap_signals these signals behave as
 * without stacklab: the handler the program had installed before runs (a
 * crash reporter, say), or else the default action (or SIG_IGN for a signal
 * sent with raise or kill).
 *
 * Limits, and why:
 *  - SL_THROW from a signal handler of your own leaves that signal blocked
 *    (the kernel unblocks it only when the handler returns, and a throw
 *    does not save the signal mask at each SL_TRY: that would be a system
 *    call per TRY).  Unblock it before throwing (pthread_sigmask), or
 *    install the handler with SA_NODEFER.  The faults above are unblocked
 *    for you.
 *  - -fsanitize=thread: not supported.  A throw is a jump TSan cannot see
 *    (it intercepts longjmp, not this library's context restore), so its
 *    shadow call stack grows with every throw until TSan's own check fails.
 *  - ASan with detect_stack_use_after_return=1, and clang's
 *    -fsanitize=safe-stack: a TRY's record then lives on a second stack (the
 *    fake stack, the unsafe stack), and rule 8's liveness check compares
 *    its address with the real stack pointer, so a correct program may be
 *    reported as misuse.  Not supported; ASan's default (0) is.
 *
 * Short names: #define STACKLAB_SHORT_NAMES before the include for TRY,
 * CATCH, CATCH_ANY, FINALLY, END_TRY, THROW and RETHROW.
 */
#ifndef STACKLAB_EXCEPT_H
#define STACKLAB_EXCEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "stacklab/context.h"
#include "stacklab/frames.h"

#pragma GCC visibility push(default)
#ifdef __cplusplus
extern "C" {                    /* C names, also from C++ */
#endif

/* ---- Exception types ---------------------------------------------------- */

/* A type is a constant compared by address; its parent makes the hierarchy. */
typedef struct sl_exception_type {
    const char *name;                           /* "ParseError" */
    const struct sl_exception_type *parent;     /* NULL only for SL_Exception */
    const char *default_message;                /* used by SL_THROW(Type) */
} sl_exception_type;

/* SL_DECLARE_EXCEPTION(Name); in a header, and in exactly one .c file
 * SL_DEFINE_EXCEPTION(Name, Parent, "default message"); */
#define SL_DECLARE_EXCEPTION(Name) extern const sl_exception_type Name
#define SL_DEFINE_EXCEPTION(Name, Parent, message)                          \
    _Static_assert(__builtin_strcmp(#Name, #Parent) != 0,                   \
                   "SL_DEFINE_EXCEPTION: " #Name " cannot be its own parent"); \
    const sl_exception_type Name = { #Name, &(Parent), (message) }

/* The built-in hierarchy. */
SL_DECLARE_EXCEPTION(SL_Exception);             /* the root */
SL_DECLARE_EXCEPTION(SL_RuntimeError);          /*   SL_Exception */
SL_DECLARE_EXCEPTION(SL_InvalidArgument);       /*     SL_RuntimeError */
SL_DECLARE_EXCEPTION(SL_OutOfMemory);           /*     SL_RuntimeError */
SL_DECLARE_EXCEPTION(SL_IOError);               /*     SL_RuntimeError */
SL_DECLARE_EXCEPTION(SL_SignalError);           /*     SL_RuntimeError */
SL_DECLARE_EXCEPTION(SL_SegmentationFault);     /*       SL_SignalError */
SL_DECLARE_EXCEPTION(SL_StackOverflow);         /*         SL_SegmentationFault */
SL_DECLARE_EXCEPTION(SL_BusError);              /*       SL_SignalError */
SL_DECLARE_EXCEPTION(SL_ArithmeticError);       /*       SL_SignalError */
SL_DECLARE_EXCEPTION(SL_IllegalInstruction);    /*       SL_SignalError */

/* ---- Exceptions ----------------------------------------------------------- */

#define SL_MESSAGE_MAX      256     /* bytes of message, NUL included */
#define SL_BACKTRACE_MAX    64      /* return addresses kept per exception */
#define SL_EXCEPTIONS_MAX   16      /* exceptions alive per thread before the heap */
#define SL_DEFER_POOL       64      /* cleanups per thread before the heap */
#define SL_TRY_MAX          512     /* SL_TRY blocks nested per thread before the
                                       handler array grows (it doubles) */

typedef struct sl_exception sl_exception;
struct sl_exception {
    const sl_exception_type *type;
    char message[SL_MESSAGE_MAX];       /* formatted, NUL-terminated, truncated
                                           (at a UTF-8 character boundary) */
    const char *file;                   /* where SL_THROW was written; */
    int line;                           /*   NULL / 0 for a signal */
    const char *function;
    int error_number;                   /* errno at the throw */
    int signal_number;                  /* for signal exceptions, else 0 */
    void *fault_address;                /* for signal exceptions, else NULL */
    const sl_exception *cause;          /* the exception this one replaced */
    void *data;                         /* SL_THROW_DATA's pointer, else NULL */
    void *backtrace[SL_BACKTRACE_MAX];  /* return addresses, innermost first */
    int backtrace_length;               /* 0 when capture was off */
};

/* True if e's type is t or a descendant of t. */
bool sl_exception_is(const sl_exception *e, const sl_exception_type *t);

/* True if t is ancestor or a descendant of it (a type is its own ancestor). */
bool sl_exception_is_type(const sl_exception_type *t, const sl_exception_type *ancestor);

/* Prints the type, message, throw site, signal details, the symbolized
 * backtrace and then the cause chain. */
void sl_exception_print(const sl_exception *e, FILE *out);

/* Runs when an exception reaches no handler; the process aborts when it
 * returns.  The default prints like sl_exception_print to stderr.  Returns
 * the previous handler; NULL restores the default. */
typedef void (*sl_uncaught_handler)(const sl_exception *);
sl_uncaught_handler sl_set_uncaught_handler(sl_uncaught_handler h);

/* Turns backtrace capture at SL_THROW on or off for the calling thread
 * (default on; capture costs a libunwind walk per throw). */
void sl_set_backtrace_capture(bool on);

/* Registers fn(arg) with the innermost SL_TRY whose body is running in this
 * thread (rule 2).  Called outside any TRY body: a message naming the caller
 * and abort. */
void sl_defer(void (*fn)(void *), void *arg);

/* Common cleanups, to register without a wrapper of one's own:
 *     sl_defer_free(buf);          free(buf)
 *     sl_defer_fclose(file);       fclose(file), if file is not NULL
 *     sl_defer_free_ptr(&buf);     free(buf) as buf is when the cleanup runs,
 *                                  for a buffer realloc'd after registering */
void sl_cleanup_free(void *p);
void sl_cleanup_fclose(void *file);
void sl_cleanup_free_ptr(void *pointer_to_pointer);
#define sl_defer_free(p)        sl_defer(sl_cleanup_free, (p))
#define sl_defer_fclose(f)      sl_defer(sl_cleanup_fclose, (f))
#define sl_defer_free_ptr(pp)   sl_defer(sl_cleanup_free_ptr, (pp))

/* ---- Signals ---------------------------------------------------------------- */

/* What sl_trap_signals returns. */
enum {
    SL_TRAP_OK = 0,             /* signals are trapped in this thread */
    SL_TRAP_NO_MEMORY = -1,     /* could not map the alternate signal stack */
    SL_TRAP_SIGALTSTACK = -2,   /* sigaltstack refused it */
    SL_TRAP_SIGACTION = -3      /* could not install the handlers */
};

/* Makes SIGSEGV, SIGBUS, SIGFPE and SIGILL in the calling thread raise
 * exceptions, on an alternate stack.  Call again in every thread that wants
 * it.  Returns SL_TRAP_OK or a negative SL_TRAP_ code. */
int sl_trap_signals(void);

/* Undoes sl_trap_signals for the calling thread (the process's previous
 * handlers come back when no thread traps any more). */
void sl_untrap_signals(void);

/* ---- The blocks ----------------------------------------------------------------
 *
 *     SL_TRY { ... }
 *     SL_CATCH(Type, e) { ... }    e: const sl_exception *, Type or a subtype
 *     SL_CATCH_ANY(e) { ... }
 *     SL_FINALLY { ... }
 *     SL_END_TRY;
 *
 * How it works: SL_TRY pushes a handler record on a per-thread array and
 * saves a context (registers, stack pointer, resume address).  A throw
 * jumps back to that one context; the code after it then tests the clauses
 * in order, and the frame's phase says which ones may still run.  So every
 * clause of one TRY is reached from the same landing point.  The CATCH
 * clauses hang off the body as "else if", so a body that ends normally
 * skips them without a test:
 *
 *     BODY --(body ends)-------------------------------> FINALLY_CLEAN
 *       |
 *       +--(throw)--> UNWINDING --(cleanups ran)--> THROWN --(CATCH matches)--> CATCH
 *                                                      |                          |
 *                                                      +------------------> FINALLY
 *
 * SL_END_TRY pops the record; an exception still propagating is thrown on
 * to the enclosing TRY.
 */

#define SL_TRY                                                              \
    do {                                                                    \
        SL__QUIET_SHADOW_BEGIN                                              \
        static const sl__site sl__try_site = { __FILE__, __LINE__, __func__ };\
        sl__try sl__t __attribute__((cleanup(sl__try_scope_end)));         \
        enum { sl__after_finally = 0 };                                     \
        SL__QUIET_SHADOW_END                                                \
        for (;; sl__try_left(&sl__t, SL__LEFT_CONTINUE)) {                  \
            if (SL__TRY_ENTER(&sl__t, &sl__try_site) == 0) {

#define SL_CATCH(Type, e)                                                   \
            } else if (sl__t.phase == SL__THROWN && sl__catch(&sl__t, &(Type))) { \
                SL__CHECK_TYPE(SL_CATCH, Type);                             \
                SL__CATCH_NAMES(e)

#define SL_CATCH_ANY(e)                                                     \
            } else if (sl__t.phase == SL__THROWN && sl__catch(&sl__t, NULL)) { \
                SL__CATCH_NAMES(e)

#define SL_FINALLY                                                          \
            }                                                               \
            SL__QUIET_SHADOW_BEGIN                                          \
            enum { sl__after_finally = 1 };     /* a CATCH may not follow */ \
            SL__QUIET_SHADOW_END                                            \
            if (sl__finally(&sl__t)) {

#define SL_END_TRY                                                          \
            }                                                               \
            sl__try_end(&sl__t, __FILE__, __LINE__);                        \
            break;                                                          \
        }                                                                   \
        if (sl__t.phase != SL__ENDED)                                       \
            sl__try_left(&sl__t, SL__LEFT_BREAK);                           \
    } while (0)

/* SL_THROW(Type), SL_THROW(Type, "message"), SL_THROW(Type, fmt, ...).
 * The first uses Type's default message. */
#define SL_THROW(...) \
    SL__CAT(SL__THROW_, SL__THROW_KIND(__VA_ARGS__))(__VA_ARGS__)

/* SL_TRY ... SL_END_TRY is a statement, so `if (x) SL_TRY {...} SL_END_TRY;
 * else ...` works.  Its clauses sit inside a loop of the macro's own: a
 * break or continue written in a body or clause (outside a loop of yours)
 * leaves the TRY, not your loop, and is misuse (rule 8).  To return a value
 * computed inside a TRY, store it in a volatile local and return after
 * SL_END_TRY:
 *
 *     volatile int result = -1;
 *     SL_TRY { result = parse(text); } SL_CATCH(ParseError, e) { ... } SL_END_TRY;
 *     return result;
 */

/* SL_THROW_DATA(Type, data, fmt, ...): as SL_THROW(Type, fmt, ...), with
 * e->data = data, a pointer of the program's (a record, an error code
 * block) for the CATCH to use; the program keeps it alive until then. */
#define SL_THROW_DATA(Type, data, ...)                                      \
    do {                                                                    \
        SL__CHECK_TYPE(SL_THROW_DATA, Type);                                \
        SL__THROW_SITE;                                                     \
        sl__throw_data(&(Type), &sl__throw_site, (data), __VA_ARGS__);      \
    } while (0)

/* Inside a CATCH: throws the caught exception on, unchanged (same object,
 * throw site and backtrace).  Outside a CATCH it does not compile. */
#define SL_RETHROW() sl__rethrow(sl__caught)

#ifdef STACKLAB_SHORT_NAMES
#define TRY             SL_TRY
#define CATCH           SL_CATCH
#define CATCH_ANY       SL_CATCH_ANY
#define FINALLY         SL_FINALLY
#define END_TRY         SL_END_TRY
#define THROW           SL_THROW
#define RETHROW         SL_RETHROW
#endif

/* ---- Active handlers, as diagrams show them ------------------------------- */

/* What an active SL_TRY is doing now. */
typedef enum {
    SL_TRY_BODY,                /* running its body */
    SL_TRY_CATCH,               /* running a CATCH clause */
    SL_TRY_FINALLY              /* running its FINALLY clause */
} sl_try_state;

/* One active SL_TRY of the calling thread, as diagrams show it. */
typedef struct sl_handler_record {
    const char *file;           /* where the SL_TRY is written */
    int line;
    const char *function;
    uintptr_t sp;               /* the stack pointer its context saved: a throw
                                   lands in the frame that holds this address */
    uintptr_t resume_pc;        /* where a throw resumes (demangled) */
    sl_try_state state;
} sl_handler_record;

/* Copies up to max of the calling thread's active SL_TRY blocks into out,
 * innermost first.  Returns how many are active (may exceed max). */
int sl_handler_records(sl_handler_record *out, int max);

#ifndef SL_DROPIN                /* (the drop-in has no frames module) */
/* Sets SL_FRAME_TRY on each frame of s that holds an active SL_TRY of the
 * calling thread.  Returns the number of frames marked. */
int sl_stack_mark_handlers(sl_stack *s);
#endif

/* ---- Private: what the macros expand to (names sl__*; do not use) ---------- */

typedef struct sl__site {       /* a static record per SL_TRY / SL_THROW */
    const char *file;
    int line;
    const char *function;
} sl__site;

/* sl__try.phase.  Below SL__UNWINDING no exception was ever thrown to this
 * TRY, and sl__try.exception is not even initialized: the fast path never
 * writes it.  Above SL__FINALLY_CLEAN, SL_END_TRY has work to do. */
enum {
    SL__BODY,                   /* the body runs (or ended normally) */
    SL__FINALLY_CLEAN,          /* FINALLY after a normal body */
    SL__BODY_DEFERS,            /* the body runs, with cleanups registered */
    SL__UNWINDING,              /* a throw runs the body's cleanups */
    SL__THROWN,                 /* the body was left by a throw: CATCH may run */
    SL__CATCH,                  /* a CATCH clause runs or ran */
    SL__FINALLY,                /* FINALLY after an exception */
    SL__ENDED                   /* SL_END_TRY ran: the block may be left */
};

typedef struct sl__try {        /* lives in the frame of the SL_TRY's function */
    sl_context context;         /* where every throw to this TRY lands */
    int phase;                  /* SL__BODY .. SL__ENDED */
    int propagating;            /* exception still wants a handler */
    sl_exception *exception;    /* from SL__UNWINDING on: the one it holds */
} sl__try;

/* Per thread, what later calls cannot overwrite (rule 8): each active TRY's
 * frame (its address also says where on the stack it is), its site, and a
 * copy of the stack pointer word its context saved (mangled, so no data
 * that overwrote a dead record will match it): a throw jumps to a record
 * only if the record still holds that word.  slot[0] is a sentinel above
 * every stack, so the push needs no test for "first".  last starts NULL (a
 * thread-local cannot be initialized with its own address): the push's one
 * test "top >= last" catches both the first use in a thread and an
 * overflow. */
typedef struct sl__slot {
    sl__try *frame;
    const sl__site *site;
    uint64_t check;             /* == frame->context's saved stack pointer */
} sl__slot;

typedef struct sl__handlers {
    sl__slot *top;              /* the innermost TRY's slot (slot[0]: none) */
    sl__slot *last;             /* the array's last slot: full when top reaches it */
    unsigned ndefer;            /* cleanups registered and not yet run */
    sl__slot *slot;             /* the array, on the heap (it grows) */
} sl__handlers;

#ifdef __cplusplus
extern thread_local sl__handlers sl__tls_handlers;  /* C++'s name for _Thread_local */
#else
extern _Thread_local sl__handlers sl__tls_handlers;
#endif

/* How a TRY was left without SL_END_TRY (rule 8), for the report. */
enum {
    SL__LEFT_RETURN,            /* return or goto: the block's cleanup saw it */
    SL__LEFT_BREAK,             /* break: it left the macro's loop */
    SL__LEFT_CONTINUE,          /* continue: it reached the macro's loop step */
    SL__LEFT_STALE              /* found later: its record is stale (longjmp) */
};

/* Nested TRYs in one function declare the macros' names again in inner
 * blocks; that is the design, so -Wshadow is kept quiet about those only. */
#define SL__QUIET_SHADOW_BEGIN \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wshadow\"")
#define SL__QUIET_SHADOW_END _Pragma("GCC diagnostic pop")

/* The names a CATCH clause declares: e for the user, sl__caught for
 * SL_RETHROW. */
#define SL__CATCH_NAMES(e)                                                  \
    _Static_assert(!sl__after_finally, "SL_CATCH after SL_FINALLY never runs: " \
                   "write every CATCH before the FINALLY");                 \
    SL__QUIET_SHADOW_BEGIN                                                  \
    const sl_exception *const e __attribute__((unused)) = sl__t.exception;  \
    const sl_exception *const sl__caught __attribute__((unused)) = sl__t.exception; \
    SL__QUIET_SHADOW_END

/* An exception type is an object: SL_THROW("disk full") forgot it. */
#define SL__CHECK_TYPE(what, Type)                                          \
    _Static_assert(_Generic(&(Type), const sl_exception_type *: 1,          \
                            sl_exception_type *: 1, default: 0),            \
                   #what ": the first argument must be an exception type " \
                   "(SL_THROW(Type, \"message\"))")

/* SL_TRY's entry (asm/<arch>/context.S): pushes {t, site, check} on the
 * thread's array and saves t's context; returns 0, and 1 each time a throw
 * lands in t. */
#ifndef SL__TRY_ENTER            /* (asm/generic/context.h defines its own) */
#define SL__TRY_ENTER(t, site) sl__try_enter((t), (site))
int sl__try_enter(sl__try *t, const sl__site *site) __attribute__((returns_twice)) SL_NOPLT;
#endif
void sl__leave_body(sl__try *t);
void sl__try_finish(sl__try *t, const char *end_file, int end_line) SL_NOPLT;
__attribute__((noreturn, cold)) void sl__try_left(sl__try *t, int how);
__attribute__((noreturn)) void sl__throw_message(const sl_exception_type *type,
        const sl__site *site, const char *message, size_t length) SL_NOPLT;
__attribute__((noreturn)) void sl__throw_default(const sl_exception_type *type,
        const sl__site *site);
__attribute__((noreturn, format(printf, 3, 4))) void sl__throw_format(
        const sl_exception_type *type, const sl__site *site, const char *fmt, ...);
__attribute__((noreturn)) void sl__rethrow(const sl_exception *e);
__attribute__((noreturn, format(printf, 4, 5))) void sl__throw_data(
        const sl_exception_type *type, const sl__site *site, void *data,
        const char *fmt, ...);

/* The compiler runs this on every way out of a TRY's block (the record's
 * cleanup attribute): a return or goto that skips SL_END_TRY is reported
 * the moment it happens, before any throw can land in the TRY (rule 8). */
static inline __attribute__((always_inline)) void sl__try_scope_end(sl__try *t)
{
    if (__builtin_expect(t->phase != SL__ENDED, 0))
        sl__try_left(t, SL__LEFT_RETURN);
}

/* SL_CATCH: takes the exception if its type is Type or a subtype of it
 * (rule 1); the phase then keeps every later CATCH of this TRY out. */
static inline __attribute__((always_inline))
bool sl__catch(sl__try *t, const sl_exception_type *type)
{
    const sl_exception_type *thrown = t->exception->type;

    if (type && thrown != type && !sl_exception_is_type(thrown, type))
        return false;
    t->phase = SL__CATCH;
    t->propagating = 0;
    return true;
}

/* SL_FINALLY: runs once, after the body (and its cleanups, rule 2) or
 * after a CATCH (rule 3). */
static inline __attribute__((always_inline)) bool sl__finally(sl__try *t)
{
    if (t->phase == SL__FINALLY || t->phase == SL__FINALLY_CLEAN)
        return false;
    if (t->phase == SL__BODY_DEFERS)
        sl__leave_body(t);              /* phase back to SL__BODY */
    t->phase = t->phase == SL__BODY ? SL__FINALLY_CLEAN : SL__FINALLY;
    return true;
}

/* SL_END_TRY: pops this TRY, which must be the innermost (rule 8).  The
 * rest (cleanups still to run, an exception to pass on or release) is
 * sl__try_finish's.  SL__ENDED then lets the block be left. */
static inline __attribute__((always_inline))
void sl__try_end(sl__try *t, const char *end_file, int end_line)
{
    sl__handlers *h = &sl__tls_handlers;
    sl__slot *s = h->top;

    if (__builtin_expect(t->phase > SL__FINALLY_CLEAN || s->frame != t, 0))
        sl__try_finish(t, end_file, end_line);
    else
        h->top = s - 1;
    t->phase = SL__ENDED;
}

/* SL_THROW's forms: D (type only), M (message), F (format and arguments).
 * Only "is there a third argument?" matters, so any number of arguments
 * works: the third slot of the list holds a marker that expands to "~, D"
 * or "~, M" when the user gave fewer arguments, and SL__SECOND picks the
 * letter after it (F when the slot holds the user's own argument). */
#define SL__CAT(a, b) SL__CAT_(a, b)
#define SL__CAT_(a, b) a##b
#define SL__THROW_KIND(...) \
    SL__SECOND(SL__THIRD(__VA_ARGS__, SL__KIND_M, SL__KIND_D, ~) (), F, ~)
#define SL__THIRD(...) SL__THIRD_(__VA_ARGS__)
#define SL__THIRD_(a, b, c, ...) c
#define SL__SECOND(...) SL__SECOND_(__VA_ARGS__)
#define SL__SECOND_(a, b, ...) b
#define SL__KIND_D() ~, D
#define SL__KIND_M() ~, M
#define SL__THROW_SITE \
    static const sl__site sl__throw_site = { __FILE__, __LINE__, __func__ }
/* A message alone is still a format ("100%% sure"), but the compiler folds
 * strchr and strlen of a literal: a message without '%' that fits is copied
 * with a length known at compile time; (size_t)-1 asks for the "%%" pass,
 * which also cuts a message too long (at a UTF-8 character boundary). */
#define SL__THROW_D(Type)                                                   \
    do {                                                                    \
        SL__CHECK_TYPE(SL_THROW, Type);                                     \
        SL__THROW_SITE;                                                     \
        sl__throw_default(&(Type), &sl__throw_site);                        \
    } while (0)
#define SL__THROW_M(Type, message)                                          \
    do {                                                                    \
        SL__CHECK_TYPE(SL_THROW, Type);                                     \
        SL__THROW_SITE;                                                     \
        const char *const sl__m = (message);    /* evaluated once */        \
        sl__throw_message(&(Type), &sl__throw_site, sl__m,                  \
            __builtin_strchr(sl__m, '%') ? (size_t)-1 :                     \
            __builtin_strlen(sl__m) < SL_MESSAGE_MAX ? __builtin_strlen(sl__m) \
                                                     : (size_t)-1);         \
    } while (0)
#define SL__THROW_F(Type, ...)                                              \
    do {                                                                    \
        SL__CHECK_TYPE(SL_THROW, Type);                                     \
        SL__THROW_SITE;                                                     \
        sl__throw_format(&(Type), &sl__throw_site, __VA_ARGS__);            \
    } while (0)

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop

#endif
