/*
 * except.c: SL_TRY / SL_CATCH / SL_FINALLY / SL_THROW (see except.h for the
 * rules this file implements, and except_signal.c for faults).
 *
 * The design in three sentences.  SL_TRY saves a context in its own frame
 * and records {frame, frame address, site} in a per-thread array; a throw
 * runs the body's cleanups and jumps back to that context, where the code
 * of every clause is tested again in order and the frame's phase decides
 * which one runs.  SL_END_TRY pops the record and throws an exception still
 * propagating on to the enclosing TRY, so an exception climbs one TRY at a
 * time, running each FINALLY on the way, exactly as the rules say.
 *
 * Exceptions live in a per-thread pool with reference counts: a TRY holding
 * one counts, and so does a `cause` pointing at it.  That is what lets a
 * replaced exception stay readable through `cause` for as long as the chain
 * is seen, with no heap and nothing freed twice.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stacklab/except.h>
#include "context.h"
#include "except_internal.h"
#include "try.h"

/* The layouts sl__try_enter (asm/<arch>/context.S) reaches into. */
_Static_assert(offsetof(sl__handlers, top) == SL_H_TOP, "top");
_Static_assert(offsetof(sl__handlers, last) == SL_H_LAST, "last");
_Static_assert(offsetof(sl__slot, frame) == SL_SLOT_FRAME, "frame");
_Static_assert(offsetof(sl__slot, site) == SL_SLOT_SITE, "site");
_Static_assert(offsetof(sl__slot, check) == SL_SLOT_CHECK, "check");
_Static_assert(sizeof(sl__slot) == SL_SLOT_SIZE, "slot size");
_Static_assert(offsetof(sl__try, context) == 0, "context first");
_Static_assert(offsetof(sl__try, phase) == SL_TRY_PHASE, "phase");
/* sl_context_save stores its rsp copy in the word after the context. */
_Static_assert(SL_CTX_SIZE + 8 <= sizeof(sl_context), "spare word");

/* ---- the built-in types ------------------------------------------------- */

const sl_exception_type SL_Exception = { "SL_Exception", NULL, "exception" };
SL_DEFINE_EXCEPTION(SL_RuntimeError, SL_Exception, "runtime error");
SL_DEFINE_EXCEPTION(SL_InvalidArgument, SL_RuntimeError, "invalid argument");
SL_DEFINE_EXCEPTION(SL_OutOfMemory, SL_RuntimeError, "out of memory");
SL_DEFINE_EXCEPTION(SL_IOError, SL_RuntimeError, "input/output error");
SL_DEFINE_EXCEPTION(SL_SignalError, SL_RuntimeError, "signal");
SL_DEFINE_EXCEPTION(SL_SegmentationFault, SL_SignalError, "segmentation fault");
SL_DEFINE_EXCEPTION(SL_StackOverflow, SL_SegmentationFault, "stack overflow");
SL_DEFINE_EXCEPTION(SL_BusError, SL_SignalError, "bus error");
SL_DEFINE_EXCEPTION(SL_ArithmeticError, SL_SignalError, "arithmetic error");
SL_DEFINE_EXCEPTION(SL_IllegalInstruction, SL_SignalError, "illegal instruction");

/* ---- per-thread state --------------------------------------------------- */

/* Thread-local storage holds only what the hot paths reach first: the
 * handler array's top and end, and a pointer to the rest of the thread's
 * state.  Both the handler array and that state are allocated at the
 * thread's first SL_TRY (or first throw) and grow on the heap, so that
 * libstacklab.so keeps a few dozen bytes of static TLS, not kilobytes
 * (a library loaded by dlopen gets very little), and no depth is a hard
 * limit.  The fast paths touch the heap only at that first use.
 *
 * The handler array the macros push on: slot[0] is a sentinel whose frame
 * address is above every stack, so "is the enclosing TRY above me?" needs
 * no special case for the outermost TRY.  Until a thread's first SL_TRY,
 * top points at a shared read-only record with no site ("no TRY here"),
 * and last is NULL, so that first push takes the slow path (top >= last),
 * which allocates the array. */
static const sl__slot no_handlers = { NULL, NULL, 0 };

_Thread_local sl__handlers sl__tls_handlers = {
    .top = (sl__slot *)&no_handlers,
    .last = NULL,
    .slot = NULL
};

/* How many TRY blocks are active in this thread: slot[depth()] is the
 * innermost. */
static unsigned depth(void)
{
    const sl__handlers *h = &sl__tls_handlers;
    return h->last ? (unsigned)(h->top - h->slot) : 0;
}

typedef struct pooled {
    sl_exception e;             /* first, so a pointer to e is one to the entry */
    int refs;                   /* 0: free */
    bool heap;                  /* beyond the pool: freed when released */
} pooled;

typedef struct deferred {
    void (*fn)(void *);
    void *arg;
    unsigned owner;             /* the TRY whose body registered it: its depth */
} deferred;

typedef struct thread_state {
    pooled pool[SL_EXCEPTIONS_MAX];     /* beyond it, exceptions come from the heap */
    deferred defers[SL_DEFER_POOL];
    deferred *more;             /* on the heap: cleanups SL_DEFER_POOL and up */
    unsigned more_capacity;
    bool in_uncaught;           /* the uncaught handler runs, on uncaught: */
    const sl_exception *uncaught;
} thread_state;

static _Thread_local struct {
    thread_state *s;            /* allocated at first use */
    bool backtrace_off;         /* zero-initialized: capture is on by default */
} tls;

/* A thread's state is given back when it exits (the key's destructor). */
static pthread_key_t state_key;
static pthread_once_t state_key_once = PTHREAD_ONCE_INIT;

static void state_free(void *unused)
{
    sl__handlers *h = &sl__tls_handlers;
    (void)unused;
    if (tls.s) {
        free(tls.s->more);
        free(tls.s);
        tls.s = NULL;
    }
    free(h->slot);
    h->slot = NULL;
    h->top = (sl__slot *)&no_handlers;
    h->last = NULL;
}

static void make_state_key(void)
{
    pthread_key_create(&state_key, state_free);
}

static __attribute__((noreturn, cold)) void no_memory(const char *what)
{
    fprintf(stderr, "stacklab: out of memory for %s\n", what);
    abort();
}

/* The calling thread's state, allocated at its first use. */
static __attribute__((noinline, cold)) thread_state *state_start(void)
{
    tls.s = calloc(1, sizeof *tls.s);
    if (!tls.s)
        no_memory("this thread's exception state");
    pthread_once(&state_key_once, make_state_key);
    pthread_setspecific(state_key, tls.s);
    return tls.s;
}

static inline thread_state *state(void)
{
    thread_state *st = tls.s;
    return __builtin_expect(st != NULL, 1) ? st : state_start();
}

static _Atomic(sl_uncaught_handler) uncaught_handler;

/* ---- types ------------------------------------------------------------- */

/* A walk up a type's parents.  A hierarchy that loops (A's parent B, B's
 * parent A) would hang every walk, so each walk keeps Brent's mark: a type
 * it passed, moved on after 1, 2, 4, ... steps; meeting the mark again
 * means a loop, found within twice its length. */
typedef struct type_walk {
    const sl_exception_type *mark;
    unsigned steps, limit;
} type_walk;

static __attribute__((noreturn, cold)) void type_loop(const sl_exception_type *t)
{
    fprintf(stderr, "stacklab: the parents of exception type %s loop back to it "
            "(an SL_DEFINE_EXCEPTION names a descendant as the parent)\n", t->name);
    abort();
}

static const sl_exception_type *up(const sl_exception_type *t, type_walk *w)
{
    t = t->parent;
    if (t == w->mark)
        type_loop(t);
    if (++w->steps == w->limit) {
        w->mark = t;
        w->limit *= 2;
        w->steps = 0;
    }
    return t;
}

bool sl_exception_is_type(const sl_exception_type *t, const sl_exception_type *ancestor)
{
    type_walk w = { t, 0, 1 };

    for (; t; t = up(t, &w))
        if (t == ancestor)
            return true;
    return false;
}

bool sl_exception_is(const sl_exception *e, const sl_exception_type *t)
{
    return e && sl_exception_is_type(e->type, t);
}

/* ---- the exception pool ----------------------------------------------- */

/* An exception beyond the pool: every entry is held (a cause chain longer
 * than SL_EXCEPTIONS_MAX, say).  release() frees it again. */
static __attribute__((noinline, cold)) pooled *pooled_from_heap(void)
{
    pooled *p = calloc(1, sizeof *p);
    if (!p)
        no_memory("an exception beyond the pool");
    p->heap = true;
    return p;
}

static __attribute__((noreturn, cold)) void null_type(const sl__site *site)
{
    fprintf(stderr, "stacklab: SL_THROW at %s:%d in %s() threw a NULL exception type\n",
            site->file, site->line, site->function);
    abort();
}

/* The first free entry of the pool, reset.  Only the fields a throw may
 * leave untouched are cleared: the message and backtrace are written by
 * whoever fills the exception in. */
static inline __attribute__((always_inline))
sl_exception *take(const sl_exception_type *type, const sl__site *site)
{
    int saved_errno = errno;
    thread_state *st = state();
    pooled *p = st->pool, *end = st->pool + SL_EXCEPTIONS_MAX;

    if (__builtin_expect(type == NULL, 0))
        null_type(site);
    while (p->refs != 0) {
        if (__builtin_expect(++p == end, 0)) {
            p = pooled_from_heap();     /* a long cause chain: past the pool */
            break;
        }
    }

    sl_exception *x = &p->e;
    p->refs = 1;                        /* the thrower's reference */
    x->type = type;
    x->file = site->file;
    x->line = site->line;
    x->function = site->function;
    x->error_number = saved_errno;
    x->signal_number = 0;
    x->fault_address = NULL;
    x->cause = NULL;
    x->data = NULL;
    x->backtrace_length = 0;
    return x;
}

sl_exception *sl__exception_new(const sl_exception_type *type)
{
    static const sl__site nowhere = { NULL, 0, NULL };   /* a signal */
    sl_exception *x = take(type, &nowhere);

    x->message[0] = '\0';
    return x;
}

static void retain(const sl_exception *x)
{
    ((pooled *)x)->refs++;
}

/* Drops one reference; an exception nobody holds releases its cause. */
static void release(const sl_exception *x)
{
    while (x) {
        pooled *p = (pooled *)x;
        const sl_exception *cause = x->cause;
        if (--p->refs > 0)
            return;
        if (p->heap)
            free(p);
        x = cause;
    }
}

/* x replaces old (rule 4): old, with the reference the caller held, goes at
 * the end of x's cause chain (x may already have causes of its own). */
static void chain(sl_exception *x, sl_exception *old)
{
    sl_exception *tail = x;

    for (const sl_exception *c = x; c; c = c->cause) {
        if (c == old) {                 /* already in the chain: a rethrow */
            release(old);
            return;
        }
        tail = (sl_exception *)c;
    }
    tail->cause = old;
}

/* ---- misuse (rule 8) ------------------------------------------------------- */

/* Reports the TRY of slot s as left without SL_END_TRY, saying how when
 * that is known, and aborts. */
static __attribute__((noreturn, cold)) void misuse(const sl__slot *s, int how)
{
    static const char *const by[] = {
        [SL__LEFT_RETURN] = "by return or goto",
        [SL__LEFT_BREAK] = "by break: in a TRY, break and continue leave the TRY, "
                           "not your loop",
        [SL__LEFT_CONTINUE] = "by continue: in a TRY, break and continue leave the "
                              "TRY, not your loop",
        [SL__LEFT_STALE] = "by longjmp or a context switch; its record is stale",
    };

    if (s && s->site)
        fprintf(stderr, "stacklab: SL_TRY at %s:%d was left without SL_END_TRY (%s)\n",
                s->site->file, s->site->line, by[how]);
    else
        fprintf(stderr, "stacklab: an SL_TRY was left without SL_END_TRY (%s)\n", by[how]);
    fflush(stderr);
    abort();
}

/* The slot of t, searched from the innermost out; NULL if t is not active. */
static const sl__slot *slot_of(const sl__try *t)
{
    const sl__handlers *h = &sl__tls_handlers;

    for (unsigned d = depth(); d > 0; d--)
        if (h->slot[d].frame == t)
            return &h->slot[d];
    return NULL;
}

/* A jump (return, goto, break, continue) is leaving t's block. */
void sl__try_left(sl__try *t, int how)
{
    misuse(slot_of(t), how);
}

/* The innermost TRY is stale: found by a check after the fact. */
static __attribute__((noreturn, cold)) void stale(void)
{
    misuse(sl__tls_handlers.top, SL__LEFT_STALE);
}

/* The push found top >= last: the thread's first TRY (the array is
 * allocated, SL_TRY_MAX deep), or the array is full (it doubles).  Returns
 * the slot to push above. */
sl__slot *sl__try_first(const sl__site *site)
{
    sl__handlers *h = &sl__tls_handlers;
    size_t depth_now = h->last ? (size_t)(h->top - h->slot) : 0;
    size_t capacity = h->last ? 2 * (size_t)(h->last - h->slot) : SL_TRY_MAX;
    sl__slot *slot = realloc(h->slot, (capacity + 1) * sizeof *slot);

    (void)site;
    if (!slot)
        no_memory("the SL_TRY handler array");
    if (!h->last) {
        slot[0] = (sl__slot){ (sl__try *)UINTPTR_MAX, NULL, 0 };
        state();                        /* and the rest of the thread's state */
    }
    h->slot = slot;
    h->top = &slot[depth_now];
    h->last = &slot[capacity];
    return h->top;
}

/* The innermost TRY's frame is not above the new one t.  If it lies below
 * sp, the stack pointer of t's function, its function has returned: stale.
 * If it is t itself, t's function was left and entered again: stale.  Else
 * it is a TRY nested in the same function, which is fine. */
void sl__try_check(sl__try *t, uintptr_t sp)
{
    uintptr_t prev = (uintptr_t)sl__tls_handlers.top->frame;

    if (prev == (uintptr_t)t || (prev < sp && prev <= sl__signal_bound(sp - 1)))
        stale();
}

/* A throw's check failed: unless the thrower runs on the alternate signal
 * stack (a cleanup of a fault), where the bound is the interrupted sp, the
 * record is stale. */
static __attribute__((noinline, cold)) void check_again(const sl__slot *top, uintptr_t below)
{
    below = sl__signal_bound(below);
    if ((uintptr_t)top->frame <= below ||
        top->check != top->frame->context.word[SL_CTX_SP / 8])
        stale();
}

/* ---- cleanups (rule 2) ------------------------------------------------------ */

static deferred *defer_at(unsigned i)
{
    thread_state *st = tls.s;
    return i < SL_DEFER_POOL ? &st->defers[i] : &st->more[i - SL_DEFER_POOL];
}

/* Runs the cleanups of the TRY in slot owner, last first.  Each is removed
 * before it runs, so one that throws is not run again by the new throw. */
static void run_defers(unsigned owner)
{
    sl__handlers *h = &sl__tls_handlers;

    thread_state *st = tls.s;

    while (h->ndefer > 0 && defer_at(h->ndefer - 1)->owner == owner) {
        deferred c = *defer_at(--h->ndefer);
        if (st->more && h->ndefer <= SL_DEFER_POOL) {
            free(st->more);             /* back within the pool */
            st->more = NULL;
            st->more_capacity = 0;
        }
        c.fn(c.arg);
    }
}

/* The body ended normally with cleanups registered.  They run with the
 * phase back at BODY: one that throws is a throw from the body. */
void sl__leave_body(sl__try *t)
{
    sl__handlers *h = &sl__tls_handlers;

    if (h->top->frame != t)
        stale();
    t->phase = SL__BODY;
    run_defers(depth());
    t->phase = SL__BODY;
}

static __attribute__((noinline, cold, noreturn)) void defer_outside_try(void *ra)
{
    char where[512];

    sl__describe_code(ra, where, sizeof where);
    fprintf(stderr, "stacklab: sl_defer called outside any SL_TRY body, from %s\n", where);
    abort();
}

void sl_cleanup_free(void *p)
{
    free(p);
}

void sl_cleanup_fclose(void *file)
{
    if (file)
        fclose(file);
}

void sl_cleanup_free_ptr(void *pointer_to_pointer)
{
    free(*(void **)pointer_to_pointer);
}

static bool is_body(int phase)
{
    return phase == SL__BODY || phase == SL__BODY_DEFERS || phase == SL__UNWINDING;
}

void sl_defer(void (*fn)(void *), void *arg)
{
    sl__handlers *h = &sl__tls_handlers;
    uintptr_t here = SL__OWN_FRAME_TOP();
    sl__slot *s = h->top;               /* the sentinels have no site */

    if (s->site && (uintptr_t)s->frame <= here && (uintptr_t)s->frame <= sl__signal_bound(here))
        stale();
    while (s->site && !is_body(s->frame->phase))
        s--;                            /* CATCH or FINALLY: not a body */
    if (!s->site)
        defer_outside_try(__builtin_return_address(0));
    thread_state *st = tls.s;           /* (a TRY is active: allocated) */
    if (h->ndefer >= SL_DEFER_POOL + st->more_capacity) {
        unsigned cap = st->more_capacity ? 2 * st->more_capacity : SL_DEFER_POOL;
        deferred *more = realloc(st->more, cap * sizeof *more);
        if (!more) {
            fn(arg);                    /* nothing may leak: clean up now */
            SL_THROW(SL_OutOfMemory, "no memory to register cleanup %u", h->ndefer);
        }
        st->more = more;
        st->more_capacity = cap;
    }
    *defer_at(h->ndefer++) = (deferred){ fn, arg, (unsigned)(s - h->slot) };
    if (s->frame->phase == SL__BODY)
        s->frame->phase = SL__BODY_DEFERS;     /* its end must run them */
}

/* ---- throwing ------------------------------------------------------------------ */

/* Throws x to the innermost TRY: decides what x replaces (rule 4), runs
 * the body's cleanups while the thrower's frames still exist (rule 2), and
 * jumps.  Inlined into each throw function: a throw is one call deep. */
static inline __attribute__((always_inline, noreturn))
void raise_to(sl_exception *x, uintptr_t below)
{
    sl__handlers *h = &sl__tls_handlers;
    sl__slot *top = h->top;
    sl__try *t;

    if (!top->site)                     /* no TRY: a sentinel */
        sl__uncaught(x);
    /* Never jump into a dead frame: a live record lies above the thrower,
     * and still holds the stack pointer word its slot copied. */
    if (__builtin_expect((uintptr_t)top->frame <= below ||
                         top->check != top->frame->context.word[SL_CTX_SP / 8], 0))
        check_again(top, below);
    t = top->frame;

    switch (t->phase) {
    case SL__BODY:
    case SL__BODY_DEFERS:               /* the first throw out of the body */
    case SL__FINALLY_CLEAN:             /* or out of a FINALLY with nothing pending */
        t->exception = x;
        break;
    case SL__FINALLY:
        if (!t->propagating && t->exception != x) {
            release(t->exception);      /* a CATCH handled it: nothing is lost */
            t->exception = x;
            break;
        }
        __attribute__((fallthrough));  /* x replaces the pending one */
    default:                            /* UNWINDING, THROWN, CATCH (rule 4) */
        if (t->exception == x) {
            release(x);                 /* a rethrow: the TRY holds it already */
        } else {
            chain(x, t->exception);
            t->exception = x;
        }
        break;
    }
    t->propagating = 1;
    if (t->phase == SL__FINALLY_CLEAN) {
        t->phase = SL__FINALLY;         /* END_TRY passes it on */
    } else if (t->phase <= SL__UNWINDING) {
        t->phase = SL__UNWINDING;
        if (h->ndefer)
            run_defers((unsigned)(top - h->slot));  /* one may throw: it takes over */
        t->phase = SL__THROWN;
    }
    sl__context_resume(&t->context, 1);    /* (as sl__try_enter saved it) */
}

void sl__raise(sl_exception *x, uintptr_t below)
{
    raise_to(x, below);
}


/* SL_END_TRY's slow path.  Cleanups not run yet (a body without FINALLY)
 * run first, with t still innermost: one that throws is caught here like a
 * throw from the body.  Then t is popped, and an exception no clause took
 * goes on to the enclosing TRY (rule 5); one that was handled is released. */
void sl__try_finish(sl__try *t, const char *end_file, int end_line)
{
    sl__handlers *h = &sl__tls_handlers;
    sl_exception *x;

    if (h->top->frame != t) {
        if (!slot_of(t)) {
            fprintf(stderr, "stacklab: SL_END_TRY at %s:%d without an active SL_TRY\n",
                    end_file, end_line);
            abort();
        }
        stale();                        /* a TRY inside t was abandoned */
    }
    if (t->phase == SL__BODY_DEFERS)
        sl__leave_body(t);
    h->top--;
    if (t->phase <= SL__FINALLY_CLEAN)
        return;
    x = t->exception;
    if (t->propagating)                 /* (a call: keeps this path lean) */
        sl__raise(x, SL__OWN_FRAME_TOP());
    release(x);
}

bool sl__backtrace_on(void)
{
    return !tls.backtrace_off;
}

void sl_set_backtrace_capture(bool on)
{
    tls.backtrace_off = !on;
}

/* Records the stack of the throw, beginning at the thrower's frame: thrower
 * is the return address into it, so every frame of this library below it
 * (capture, and one or two sl__throw_ functions, by the form of SL_THROW) is
 * dropped, however many there are. */
static __attribute__((noinline)) void capture(sl_exception *x, const void *thrower)
{
    void *pcs[SL_BACKTRACE_MAX + 3];
    int n, first = 0;

    n = sl__backtrace_capture(pcs, SL_BACKTRACE_MAX + 3);

    while (first < n && pcs[first] != thrower)
        first++;
    if (first == n)                     /* (never seen: keep every frame) */
        first = 0;
    if (n - first > SL_BACKTRACE_MAX)
        n = first + SL_BACKTRACE_MAX;
    memcpy(x->backtrace, pcs + first, (size_t)(n - first) * sizeof pcs[0]);
    x->backtrace_length = n - first;
}

static inline __attribute__((always_inline))
sl_exception *begin(const sl_exception_type *type, const sl__site *site)
{
    return take(type, site);
}

static const char *default_message(const sl_exception_type *t)
{
    type_walk w = { t, 0, 1 };

    for (; t; t = up(t, &w))
        if (t->default_message)
            return t->default_message;
    return "";
}

/* A message cut at SL_MESSAGE_MAX - 1 bytes may end inside a UTF-8
 * character; then that character's first bytes go too, so that what is
 * left is still valid text.  (Only the end is looked at: the last lead
 * byte and whether all the bytes it announces are there.) */
static __attribute__((noinline, cold)) void cut_at_character(char *m)
{
    size_t n = strlen(m), lead = n;
    unsigned char c;

    while (lead > 0 && n - lead < 3 && ((unsigned char)m[lead - 1] & 0xc0) == 0x80)
        lead--;                         /* continuation bytes: 10xxxxxx */
    if (lead == 0)
        return;
    c = (unsigned char)m[lead - 1];
    if (c >= 0xc0 && n - (lead - 1) < (c >= 0xf0 ? 4u : c >= 0xe0 ? 3u : 2u))
        m[lead - 1] = '\0';
}

/* Copies n < SL_MESSAGE_MAX bytes and the NUL.  Eight at a time, the last
 * eight overlapping: a short message costs a few moves, not a memcpy call
 * (what compilers do for a constant size, done here for a variable one). */
static inline __attribute__((always_inline))
void copy_message(char *dst, const char *src, size_t n)
{
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8)
            memcpy(dst + i, src + i, 8);
        memcpy(dst + n - 8, src + n - 8, 8);
    } else {
        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
    }
    dst[n] = '\0';
}

/* SL_THROW(Type, "message") and SL_THROW(Type): length is the message's,
 * below SL_MESSAGE_MAX (the macro folds it for a literal), or (size_t)-1
 * when the message holds a '%' or is too long.  thrower: the return address
 * into the function that threw, where the backtrace begins. */
static inline __attribute__((always_inline, noreturn))
void throw_message(const sl_exception_type *type, const sl__site *site,
                   const char *message, size_t length, const void *thrower)
{
    sl_exception *x = begin(type, site);

    if (length != (size_t)-1) {
        copy_message(x->message, message, length);
    } else {
        /* A format with no arguments: only "%%" means something.  (Also
         * a message too long for the buffer: it is cut here.) */
        char *out = x->message, *end = x->message + SL_MESSAGE_MAX - 1;
        const char *p = message;
        for (; *p && out < end; p++) {
            if (p[0] == '%' && p[1] == '%')
                p++;
            *out++ = *p;
        }
        *out = '\0';
        if (*p)
            cut_at_character(x->message);
    }
    if (!tls.backtrace_off)
        capture(x, thrower);
    raise_to(x, SL__OWN_FRAME_TOP());
}

void sl__throw_message(const sl_exception_type *type, const sl__site *site,
                       const char *message, size_t length)
{
    throw_message(type, site, message, length, __builtin_return_address(0));
}

/* SL_THROW(Type): the nearest default message up the hierarchy. */
void sl__throw_default(const sl_exception_type *type, const sl__site *site)
{
    const char *message = default_message(type);
    size_t n = strlen(message);

    if (n >= SL_MESSAGE_MAX) {          /* cut: through the pass that cuts */
        sl_exception *x = begin(type, site);
        copy_message(x->message, message, SL_MESSAGE_MAX - 1);
        cut_at_character(x->message);
        if (!tls.backtrace_off)
            capture(x, __builtin_return_address(0));
        raise_to(x, (uintptr_t)__builtin_frame_address(0));
    }
    throw_message(type, site, message, n, __builtin_return_address(0));
}

void sl__throw_format(const sl_exception_type *type, const sl__site *site,
                      const char *fmt, ...)
{
    sl_exception *x = begin(type, site);
    va_list ap;

    va_start(ap, fmt);
    if (vsnprintf(x->message, SL_MESSAGE_MAX, fmt, ap) >= SL_MESSAGE_MAX)
        cut_at_character(x->message);                   /* truncated */
    va_end(ap);
    if (!tls.backtrace_off)
        capture(x, __builtin_return_address(0));
    raise_to(x, SL__OWN_FRAME_TOP());
}

void sl__throw_data(const sl_exception_type *type, const sl__site *site, void *data,
                    const char *fmt, ...)
{
    sl_exception *x = begin(type, site);
    va_list ap;

    x->data = data;
    va_start(ap, fmt);
    if (vsnprintf(x->message, SL_MESSAGE_MAX, fmt, ap) >= SL_MESSAGE_MAX)
        cut_at_character(x->message);
    va_end(ap);
    if (!tls.backtrace_off)
        capture(x, __builtin_return_address(0));
    raise_to(x, (uintptr_t)__builtin_frame_address(0));
}

void sl__rethrow(const sl_exception *e)
{
    retain(e);                          /* the reference the throw carries */
    raise_to((sl_exception *)e, SL__OWN_FRAME_TOP());
}

/* ---- uncaught (rule 5) ----------------------------------------------------- */

static void default_uncaught(const sl_exception *x)
{
    fprintf(stderr, "stacklab: uncaught exception\n");
    sl_exception_print(x, stderr);
    fflush(stderr);
}

sl_uncaught_handler sl_set_uncaught_handler(sl_uncaught_handler h)
{
    return atomic_exchange(&uncaught_handler, h);
}

void sl__uncaught(const sl_exception *x)
{
    sl_uncaught_handler h = atomic_load(&uncaught_handler);
    thread_state *st = state();

    if (st->in_uncaught) {              /* the handler threw, and nobody caught it */
        fprintf(stderr, "stacklab: the uncaught-exception handler threw %s: %s\n"
                "stacklab: (while handling this uncaught exception)\n",
                x->type ? x->type->name : "(no type)", x->message);
        sl_exception_print(st->uncaught, stderr);
        fflush(NULL);
        abort();
    }
    st->in_uncaught = true;
    st->uncaught = x;
    (h ? h : default_uncaught)(x);
    fflush(NULL);
    abort();
}

/* ---- printing ------------------------------------------------------------------- */

static void print_one(const sl_exception *x, FILE *out)
{
    fprintf(out, "%s: %s\n", x->type ? x->type->name : "(no type)", x->message);
    if (x->file)
        fprintf(out, "    thrown at %s:%d in %s()\n", x->file, x->line,
                x->function ? x->function : "??");
    if (x->signal_number)
        fprintf(out, "    raised by signal %d (SIG%s), fault address 0x%lx\n",
                x->signal_number, sigabbrev_np(x->signal_number) ?
                sigabbrev_np(x->signal_number) : "?",
                (unsigned long)(uintptr_t)x->fault_address);
    /* errno is recorded at every throw, but means something only for an
     * I/O error: printed for others it would be a stale, misleading value. */
    if (x->error_number && sl_exception_is_type(x->type, &SL_IOError))
        fprintf(out, "    errno was %d (%s)\n", x->error_number,
                strerrorname_np(x->error_number) ? strerrorname_np(x->error_number) : "?");
    if (x->backtrace_length > 0)
        sl__backtrace_print(x->backtrace, x->backtrace_length, out);
}

void sl_exception_print(const sl_exception *e, FILE *out)
{
    int links = 0;

    for (const sl_exception *x = e; x && links < 2 * SL_EXCEPTIONS_MAX; x = x->cause, links++) {
        if (x != e)
            fprintf(out, "caused by ");
        print_one(x, out);
    }
}

/* ---- handler records, for diagrams ------------------------------------------ */

int sl_handler_records(sl_handler_record *out, int max)
{
    const sl__handlers *h = &sl__tls_handlers;
    int k = 0;

    for (unsigned d = depth(); d > 0; d--, k++) {
        if (k >= max || !out)
            continue;
        const sl__try *t = h->slot[d].frame;
        const sl__site *s = h->slot[d].site;
        out[k] = (sl_handler_record){
            .file = s->file,
            .line = s->line,
            .function = s->function,
            .sp = (uintptr_t)sl__ctx_demangle(t->context.word[SL_CTX_SP / 8]),
            .resume_pc = (uintptr_t)sl__ctx_demangle(t->context.word[SL_CTX_PC / 8]),
            .state = t->phase == SL__CATCH ? SL_TRY_CATCH :
                     t->phase == SL__FINALLY || t->phase == SL__FINALLY_CLEAN ?
                     SL_TRY_FINALLY : SL_TRY_BODY,
        };
    }
    return k;
}
