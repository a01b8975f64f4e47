/*
 * frames.c: capture a thread's stack as plain records.
 *
 * Two walkers fill the same sl_frame array:
 *
 *   SL_WALK_FP   follows the chain of saved frame pointers by hand.  It is the
 *                lesson: each frame record holds the caller's frame pointer and
 *                the return address, so a walk is two loads per frame.  It only
 *                works through code that keeps a frame pointer, and every next
 *                frame pointer is checked before it is followed (inside this
 *                thread's stack, at or above the current frame's CFA,
 *                aligned), so a corrupt chain ends the walk with a reason
 *                instead of a crash.  A saved frame pointer of 0 is the ABI's
 *                mark of the outermost frame (SL_STOP_END).
 *
 *   SL_WALK_CFI  asks libunwind, which reads the DWARF call-frame information
 *                (.eh_frame) and so also walks code without frame pointers and
 *                through the kernel's signal frames.  It also tells where each
 *                callee-saved register was spilled (unw_get_save_loc) and
 *                where the stack-protector canary sits: read from each
 *                function's own code (its prologue's store of %fs:0x28),
 *                so frames without a frame record have theirs found too,
 *                and a frame whose function stores none never has one.
 *                Not found: a canary overwritten since (the slot must
 *                hold the thread's value), one stored more than
 *                CANARY_SCAN bytes into its function, one stored relative
 *                to rsp in a frame whose sp has moved since (stopped while
 *                pushing a call's stack arguments), and on architectures whose code
 *                is not decoded (AArch64: a value match below the frame
 *                record instead).
 *
 * Both walk the calling thread (sl_stack_capture) or a thread of another
 * process stopped under ptrace (sl_stack_capture_target): the same loops,
 * started from a different frame and reading through the target (target.h).
 *
 * Capture records addresses and slots only.  Names come later, from
 * sl_stack_symbolize (symbolize.c).  Everything about registers and the frame
 * record's layout comes from lib/arch/$(ARCH)/frames_arch.c.
 */
/* libunwind's generic API (no UNW_LOCAL_ONLY): one walk loop serves both
 * unw_init_local (this thread) and unw_init_remote (another process). */
#ifndef SL_WITHOUT_DWARF_LIBS           /* (riscv64: no libunwind in Debian) */
#include <libunwind.h>
#endif

#include <limits.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif

#include <stacklab/frames.h>
#include "frames_arch.h"
#include "frames_internal.h"
#include "target_arch.h"
#include "target_internal.h"
#include "thread_block.h"
#ifndef SL_WITHOUT_DWARF_LIBS
#include "unwind_target.h"
#endif

/* ASan keeps redzones around locals; the walkers read raw words of other
 * functions' frames (saved registers, canaries), which is the point. */
#if defined(__clang__) || defined(__SANITIZE_ADDRESS__)
#define SL_RAW_STACK_READ __attribute__((no_sanitize_address))
#else
#define SL_RAW_STACK_READ
#endif

/* ---- the frame array --------------------------------------------------- */

/* A stack's first array has room for FIRST_FRAMES frames (40 KB), which
 * most stacks fit in.  Released, an array of that size is kept as the
 * thread's spare and taken by its next capture: malloc and free of 40 KB
 * cost about as much as walking ten frames, and the documented use (a
 * zeroed sl_stack per capture) would pay them every time.  One spare per
 * thread, freed when the thread exits (a thread block, thread_block.h);
 * exchanged atomically, so that a capture in a signal handler never gets
 * the array of the code it interrupted. */
#define FIRST_FRAMES 128
typedef struct spare {
    _Atomic(sl_frame *) frames;
} spare;
static __thread spare *t_spare;

static void spare_free(void *block)
{
    free(((spare *)block)->frames);
}

static sl_frame *first_array(void)
{
    sl_frame *f = t_spare ? atomic_exchange(&t_spare->frames, NULL) : NULL;
    return f ? f : malloc(FIRST_FRAMES * sizeof *f);
}

static void give_back(sl_frame *frames, int capacity)
{
    if (!frames || capacity != FIRST_FRAMES) {
        free(frames);
        return;
    }
    spare *sp = t_spare ? t_spare
                        : sl__thread_block((void **)&t_spare, sizeof *sp, spare_free,
                                           "the spare frame array");
    free(atomic_exchange(&sp->frames, frames));
}

int sl__stack_reserve(sl_stack *s, int n)
{
    if (n <= s->capacity)
        return 0;
    if (!s->frames && n <= FIRST_FRAMES) {
        if (!(s->frames = first_array()))
            return -1;
        s->capacity = FIRST_FRAMES;
        return 0;
    }
    int cap = s->capacity ? s->capacity : FIRST_FRAMES;
    while (cap < n)
        cap *= 2;
    if (cap > SL_STACK_MAX_FRAMES)
        cap = SL_STACK_MAX_FRAMES;
    if (cap < n)
        return -1;
    sl_frame *f = realloc(s->frames, (size_t)cap * sizeof *f);
    if (!f)
        return -1;
    s->frames = f;
    s->capacity = cap;
    return 0;
}

/* Makes room for frame n, growing the array when it is full; sets s->stop
 * when it cannot. */
static inline int make_room(sl_stack *s, int n)
{
    if (n < s->capacity)
        return 0;
    if (n >= SL_STACK_MAX_FRAMES) {
        s->stop = SL_STOP_LIMIT;
        return -1;
    }
    if (sl__stack_reserve(s, n + 1) < 0) {
        s->stop = SL_STOP_NO_MEMORY;
        return -1;
    }
    return 0;
}

/* The FP walk's frame array is full at f (its end): grows it, and returns
 * where f is in the new array (NULL when it cannot grow). */
static sl_frame *grow(sl_stack *s, sl_frame *f)
{
    int n = (int)(f - s->frames);
    return make_room(s, n) < 0 ? NULL : s->frames + n;
}

/* A new frame at pc and sp.  What a walker may add to it later starts
 * empty: saved registers, canary, flags, names and variables
 * (sl_stack_symbolize and sl_stack_read_variables fill those in).  Both
 * walkers begin every frame here, and then set its fp, CFA and slots
 * themselves (0 when unknown). */
static inline void frame_begin(sl_frame *f, uintptr_t pc, uintptr_t sp)
{
    f->pc = pc;
    f->sp = sp;
    /* From saved_fp_value up to saved[], which holds saved_count entries,
     * in two runs of at most 80 bytes: gcc clears each with a few vector
     * stores, where one of 96 bytes becomes a rep stos that costs the FP
     * walk about half its speed. */
    memset(&f->saved_fp_value, 0, offsetof(sl_frame, variables) - offsetof(sl_frame, saved_fp_value));
    memset(&f->variables, 0, offsetof(sl_frame, saved) - offsetof(sl_frame, variables));
}

void sl_stack_release(sl_stack *s)
{
    if (!s)
        return;
    sl__strings_free(s);
    give_back(s->frames, s->capacity);
    memset(s, 0, sizeof *s);
}

int sl_stack_from_addresses(sl_stack *s, void *const *pcs, int n)
{
    if (!s || n < 0 || (n > 0 && !pcs) || n > SL_STACK_MAX_FRAMES) {
        if (s)
            s->stop = SL_STOP_BAD_ARGUMENT;
        return -1;
    }
    s->count = 0;
    if (sl__stack_reserve(s, n) < 0) {
        s->stop = SL_STOP_NO_MEMORY;
        return -1;
    }
    for (int i = 0; i < n; i++) {
        sl_frame *f = &s->frames[i];
        memset(f, 0, sizeof *f);
        f->pc = (uintptr_t)pcs[i];
    }
    s->count = n;
    s->walker = SL_WALK_ADDRESSES;  /* every pc is a return address */
    s->target = NULL;
    s->regs.known = 0;
    s->stop = SL_STOP_END;
    return n;
}

uintptr_t sl_frame_saved_fp(const sl_stack *s, int i)
{
    if (!s || i < 0 || i >= s->count)
        return 0;
    if (s->walker == SL_WALK_FP && i + 2 < s->count)
        return s->frames[i + 1].fp;     /* the chain: where the walk went next */
    return s->frames[i].saved_fp_value;
}

const char *sl_stack_stop_string(sl_walk_stop why)
{
    switch (why) {
    case SL_STOP_END:              return "reached the outermost frame";
    case SL_STOP_FP_OUTSIDE_STACK: return "next frame pointer is outside this thread's stack";
    case SL_STOP_FP_NOT_ABOVE:     return "next frame pointer is not above the current one";
    case SL_STOP_FP_MISALIGNED:    return "next frame pointer is not 8-byte aligned";
    case SL_STOP_NO_UNWIND_INFO:   return "no unwind information for a pc";
    case SL_STOP_UNWIND_ERROR:     return "libunwind reported an error";
    case SL_STOP_LIMIT:            return "too many frames (SL_STACK_MAX_FRAMES)";
    case SL_STOP_NO_MEMORY:        return "out of memory for the frame array";
    case SL_STOP_BAD_ARGUMENT:     return "bad argument (NULL stack or unknown walker)";
    case SL_STOP_NOT_BUILT:        return "this build has no CFI walk (no libunwind for the architecture)";
    }
    return "unknown stop reason";
}

/* ---- SL_WALK_FP ------------------------------------------------------------ */

#define WORD_AT(a) (*(const uintptr_t *)(a))

/* A word of another process's stack, read through its target; 0 when it
 * cannot be read, which the walk takes as the end of the chain (the word
 * was checked to lie inside the stack, so this is rare). */
static uintptr_t target_word(const sl_target *t, uintptr_t a)
{
    uintptr_t w;
    return sl_target_read_word(t, a, &w) == 0 ? w : 0;
}

/* The calling thread's words are loaded directly (each address was checked
 * to lie inside the stack first); another process's through its target.
 * walk_fp is inlined into both callers, so t is a constant there and the
 * calling thread's loop has no test of it. */
#define LOAD(t, a) ((t) ? target_word((t), (a)) : WORD_AT(a))

/* Walks the chain of frame records from a frame whose pc, sp and frame
 * pointer are known.  A record, on x86-64:
 *
 *      fp + 16   the CFA: the caller's sp before its call
 *      fp +  8   return address: where the caller goes on (its pc)
 *      fp        the caller's saved fp: where the caller's record is
 *
 * A frame's fp is checked before anything is read at it: it must lie
 * inside the stack, at or above the frame's sp (records never overlap, so
 * the walk only moves up and always ends), and be aligned; 0 is the ABI's
 * mark of the outermost frame.  The frame where the check fails has a pc
 * and an sp but no record.
 *
 * What this walk leaves to others: callee-saved spills and canaries (the
 * CFI walk), and each frame's saved fp value, which is simply the next
 * frame's fp (sl_frame_saved_fp). */
SL_RAW_STACK_READ __attribute__((always_inline))
static inline int walk_fp(sl_stack *s, const sl_target *t,
                          uintptr_t pc, uintptr_t sp, uintptr_t fp)
{
    const uintptr_t low = s->stack_low, top = s->stack_high - SL_ARCH_FP_CFA;
    sl_frame *f = s->frames, *end = f + s->capacity;

    for (;; f++) {
        if (f == end) {                 /* the array is full */
            if (!(f = grow(s, f)))
                break;
            end = s->frames + s->capacity;
        }
        frame_begin(f, pc, sp);
        if (fp < sp || fp > top || (fp & (sizeof(uintptr_t) - 1)))
            break;                      /* the last frame: it has no record */
        f->fp = fp;
        f->cfa = fp + SL_ARCH_FP_CFA;
        f->return_address_slot = fp + SL_ARCH_FP_RETURN_ADDRESS;
        f->saved_fp_slot = fp + SL_ARCH_FP_SAVED_FP;
        /* The record says where the caller goes on, and its sp and fp. */
        pc = LOAD(t, fp + SL_ARCH_FP_RETURN_ADDRESS);
        sp = fp + SL_ARCH_FP_CFA;
        fp = LOAD(t, fp + SL_ARCH_FP_SAVED_FP);
    }
    /* f is the frame where the check failed: a pc and an sp, no record
     * (NULL when the array could not grow). */
    int n = s->capacity;
    if (f) {
        f->fp = f->cfa = f->return_address_slot = f->saved_fp_slot = 0;
        n = (int)(f - s->frames) + 1;
    }
    if (s->stop == SL_STOP_END)         /* (make_room says why it stopped) */
        s->stop = fp == 0 ? SL_STOP_END :           /* the ABI's outermost mark */
                  fp < low || fp > top ? SL_STOP_FP_OUTSIDE_STACK :
                  fp < sp ? SL_STOP_FP_NOT_ABOVE : SL_STOP_FP_MISALIGNED;
    /* The frame below the last keeps the value the walk stopped on, what
     * its saved-fp slot held. */
    if (n >= 2)
        s->frames[n - 2].saved_fp_value = fp;
    s->count = n;
    return n;
}

/* The calling thread: the walk starts at the record of sl_stack_capture's
 * own frame (cur), so that frames[0] is its caller. */
SL_RAW_STACK_READ __attribute__((always_inline))
static inline int walk_fp_self(sl_stack *s, uintptr_t cur)
{
    if (cur < s->stack_low || cur > s->stack_high - SL_ARCH_FP_CFA ||
        (cur & (sizeof(uintptr_t) - 1))) {
        s->stop = SL_STOP_FP_OUTSIDE_STACK;
        s->count = 0;
        return 0;
    }
    return walk_fp(s, NULL, WORD_AT(cur + SL_ARCH_FP_RETURN_ADDRESS), cur + SL_ARCH_FP_CFA,
                   WORD_AT(cur + SL_ARCH_FP_SAVED_FP));
}

/* A stopped thread: frame 0 is where it stopped. */
static int walk_fp_target(sl_stack *s, const sl_target *t, const sl_regs *r)
{
    return walk_fp(s, t, r->pc, r->sp, r->fp);
}

/* ---- SL_WALK_CFI ----------------------------------------------------------- */
#ifndef SL_WITHOUT_DWARF_LIBS

/* What the code at an ip says, remembered per thread for ip of process pid
 * (0: our own): whether libunwind has unwind information for it, and where
 * its function stores the stack-protector canary.  unw_get_proc_info
 * searches every loaded object's .eh_frame_hdr, far more than a step costs,
 * and for another process libunwind-ptrace maps and unmaps the ELF file
 * for each question as a walk goes between the program and libc (most of a
 * remote capture's time without this cache; `stacklab film` captures at
 * every step).  (An object unloaded and another loaded at the same address
 * could make an entry stale; that only affects the NO_CFI flag and the
 * canary, and a canary is still checked against the thread's value.)
 * 12 KB: a thread block (thread_block.h), not static TLS. */
#define INFO_CACHE 256
#define CANARY_SCAN 512         /* bytes of a function's code searched for it */
typedef struct code_facts {
    uintptr_t ip;
    pid_t pid;
    int has_info;
    int canary;                 /* 1: stored (where: store), 0: not, -1: not decoded */
    sl_canary_store store;
} code_facts;
static __thread code_facts *t_info;     /* [INFO_CACHE], from the first CFI walk on */

/* Reads the function's code from its entry up to ip (at most CANARY_SCAN
 * bytes) for the store of the canary.  Only stores before ip count: a
 * return address follows its call, an interrupted pc is the next
 * instruction to run. */
static int find_canary_store(const sl_target *t, uintptr_t start, uintptr_t ip,
                             sl_canary_store *st)
{
    unsigned char code[CANARY_SCAN];
    size_t n = ip > start ? ip - start : 0;
    if (n > sizeof code)
        n = sizeof code;
    if (t ? sl_target_read(t, start, code, n) < 0 : (memcpy(code, (const void *)start, n), 0))
        return 0;
    return sl__arch_canary_store(code, n, start, st);
}

static const code_facts *facts_of(unw_cursor_t *c, const sl_target *t, uintptr_t ip)
{
    pid_t pid = t ? t->pid : 0;
    unsigned i = (unsigned)((ip ^ (ip >> 9)) & (INFO_CACHE - 1));
    code_facts *cache = t_info ? t_info
                      : sl__thread_block((void **)&t_info, INFO_CACHE * sizeof *t_info,
                                         NULL, "the CFI walk's cache");
    code_facts *e = &cache[i];
    if (e->ip == ip && e->pid == pid)
        return e;
    unw_proc_info_t pi;
    int r = unw_get_proc_info(c, &pi);
    e->ip = ip;
    e->pid = pid;
    e->has_info = !(r == -UNW_ENOINFO ||
                    (r == 0 && pi.format == UNW_INFO_FORMAT_DYNAMIC && !pi.unwind_info));
    e->canary = r == 0 && e->has_info && pi.start_ip < ip
                ? find_canary_store(t, pi.start_ip, ip, &e->store) : 0;
    return e;
}

/* Where each callee-saved register is currently saved (memory address, 0
 * when it lives in a register or nowhere). */
static void save_locs(unw_cursor_t *c, uintptr_t *loc)
{
    for (int r = 0; r < sl__arch_callee_saved_count; r++) {
        unw_save_loc_t sl;
        loc[r] = 0;
        if (unw_get_save_loc(c, sl__arch_callee_saved_unw[r], &sl) == 0 &&
            sl.type == UNW_SLT_MEMORY)
            loc[r] = (uintptr_t)sl.u.addr;
    }
}

/* Reads a word of a frame that may never have been written (padding next to
 * a spill).  The calling thread's is loaded directly (the address lies
 * between a frame's sp and its CFA); under valgrind the copy is declared
 * defined, since comparing it with the canary is the point.  Another
 * process's is read through its target (0 when unreadable). */
SL_RAW_STACK_READ
static uintptr_t read_word(const sl_target *t, uintptr_t a)
{
    if (t)
        return target_word(t, a);
    uintptr_t w = WORD_AT(a);
#ifdef VALGRIND_MAKE_MEM_DEFINED
    VALGRIND_MAKE_MEM_DEFINED(&w, sizeof w);
#endif
    return w;
}

/* The stack-protector canary of frame f, from its function's code: the
 * prologue's store names the slot (base register + displacement).  An
 * rbp-based slot is exact; an rsp-based one assumes the frame's sp is the
 * sp of its body (true at a call, except while arguments are pushed for
 * it), so the slot must also lie inside the frame and hold the thread's
 * canary.  A frame whose function stores none has none, whatever its
 * words hold: an old copy left by a function that returned is not one. */
SL_RAW_STACK_READ
static void mark_canary(sl_frame *f, const sl_target *t, const code_facts *code,
                        uintptr_t canary)
{
    if (code->canary != 1 || code->store.at >= f->pc)
        return;
    uintptr_t base = code->store.base == SL_CANARY_BASE_FP ? f->fp : f->sp;
    uintptr_t slot = base + (uintptr_t)code->store.disp;
    if (base && slot >= f->sp && slot < f->cfa && !(slot & (sizeof(uintptr_t) - 1)) &&
        read_word(t, slot) == canary) {
        f->canary_slot = slot;
        f->flags |= SL_FRAME_CANARY;
    }
}

/* Where an architecture's code is not decoded, the canary is taken by its
 * value next to a frame record: right below the record and the callee-saved
 * spills that follow it (one word of padding may keep the locals
 * 16-aligned), or, where the record lies at the bottom of the frame (gcc on
 * AArch64), in the frame's highest word or the one below it. */
SL_RAW_STACK_READ
static void mark_canary_by_value(sl_frame *f, const sl_target *t, uintptr_t canary)
{
    uintptr_t slot = 0;
    if (f->saved_fp_slot && f->saved_fp_slot == f->cfa - SL_ARCH_FP_CFA + SL_ARCH_FP_SAVED_FP) {
        uintptr_t lowest = f->saved_fp_slot - SL_ARCH_FP_SAVED_FP;
        for (int k = 0; k < f->saved_count; k++)
            if (f->saved[k].slot < lowest)
                lowest = f->saved[k].slot;
        for (int k = 1; k <= 2 && !slot; k++) {
            uintptr_t a = lowest - k * sizeof(uintptr_t);
            if (a >= f->sp && read_word(t, a) == canary)
                slot = a;
        }
    } else if (SL_ARCH_FP_CANARY_AT_TOP && f->saved_fp_slot && f->saved_fp_slot < f->cfa) {
        for (int k = 1; k <= 2 && !slot; k++) {
            uintptr_t a = f->cfa - k * sizeof(uintptr_t);
            if (a > f->saved_fp_slot && read_word(t, a) == canary)
                slot = a;
        }
    }
    if (slot) {
        f->canary_slot = slot;
        f->flags |= SL_FRAME_CANARY;
    }
}

/* Steps frame by frame from the frame the cursor stands on (the caller of
 * sl_stack_capture, or where a stopped thread stopped).  The cursor was set
 * up by the caller: for this thread on libunwind's own view of our memory,
 * for another process on the target's (unwind_target.c); the walk is the
 * same.  libunwind's save location of a register, seen from frame i+1, is
 * where frame i spilled it, so a frame's spills are the locations that
 * change across the step out of it; its CFA is the sp of its caller. */
__attribute__((noinline))
static int walk_cfi(sl_stack *s, unw_cursor_t *cp, const sl_target *t, uintptr_t canary)
{
    unw_cursor_t c = *cp;
    uintptr_t prev[SL_SAVED_MAX], now[SL_SAVED_MAX];
    const int nregs = sl__arch_callee_saved_count;
    const ptrdiff_t o_fp = SL_ARCH_FP_SAVED_FP, o_ra = SL_ARCH_FP_RETURN_ADDRESS,
                    o_cfa = SL_ARCH_FP_CFA;
    int fp_reg = -1;

    for (int r = 0; r < nregs; r++)
        if (sl__arch_callee_saved_unw[r] == sl__arch_unw_fp)
            fp_reg = r;

    s->count = 0;
    save_locs(&c, prev);

    unw_word_t ip, sp, fp;
    unw_get_reg(&c, UNW_REG_IP, &ip);
    unw_get_reg(&c, UNW_REG_SP, &sp);
    unsigned next_flags = 0;
    int n = 0;

    for (;;) {
        if (make_room(s, n) < 0)
            break;
        sl_frame *f = &s->frames[n++];
        frame_begin(f, ip, sp);
        f->flags = next_flags;
        f->fp = unw_get_reg(&c, sl__arch_unw_fp, &fp) == 0 ? fp : 0;
        f->cfa = f->return_address_slot = f->saved_fp_slot = 0;

        const code_facts *code = facts_of(&c, t, ip);
        if (!code->has_info)
            f->flags |= SL_FRAME_NO_CFI;

        /* unw_step returns 0 at the outermost frame, as the CFI marks it
         * (_start's undefined return address).  Through a pc without CFI
         * libunwind guesses a frame record from rbp, and a guess that finds
         * rbp 0 or garbage also ends in 0 or an error: that walk did not
         * reach the end of the stack, it lost its way. */
        int tramp_here = !sl__arch_unw_signal_late && unw_is_signal_frame(&c) > 0;
        int r = unw_step(&c);
        if (r <= 0) {
            if (r == -UNW_ENOINFO || (f->flags & SL_FRAME_NO_CFI)) {
                f->flags |= SL_FRAME_NO_CFI;
                s->stop = SL_STOP_NO_UNWIND_INFO;
            } else {
                s->stop = r == 0 ? SL_STOP_END : SL_STOP_UNWIND_ERROR;
            }
            break;
        }
        unw_get_reg(&c, UNW_REG_IP, &ip);
        unw_get_reg(&c, UNW_REG_SP, &sp);
        save_locs(&c, now);

        /* libunwind 1.6.2 answers "signal frame" for the frame it reached by
         * stepping out of the kernel's sigreturn trampoline, that is, for the
         * interrupted frame: so the frame just left, f, is the trampoline.
         * Its caller's registers, return address included, were saved by
         * the kernel in the ucontext (the "rip" slot there); the interrupted
         * frame's pc is exact, not a return address.  (libunwind's AArch64
         * port answers on the trampoline itself: sl__arch_unw_signal_late.) */
        next_flags = 0;
        if (sl__arch_unw_signal_late ? unw_is_signal_frame(&c) > 0 : tramp_here) {
            f->flags |= SL_FRAME_SIGNAL;
            next_flags = SL_FRAME_INTERRUPTED;
        }
        unw_save_loc_t ra;
        f->cfa = sp;
        /* Where the return address was: the register that holds it at a
         * call (x86-64: the pc, pushed; AArch64: x30), or for the
         * trampoline the pc slot of the kernel's saved context. */
        int ra_reg = (f->flags & SL_FRAME_SIGNAL) ? sl__arch_unw_ip : sl__arch_unw_ra;
        f->return_address_slot = unw_get_save_loc(&c, ra_reg, &ra) == 0 &&
                                 ra.type == UNW_SLT_MEMORY ? (uintptr_t)ra.u.addr
                                                          : sp - o_cfa + o_ra;
        for (int i = 0; i < nregs; i++) {
            if (now[i] != prev[i] && now[i] >= f->sp && now[i] < sp) {
                int k = f->saved_count++;
                f->saved[k].name = sl__arch_callee_saved_name[i];
                f->saved[k].slot = now[i];
                if (i == fp_reg) {
                    f->saved_fp_slot = now[i];
                    f->saved_fp_value = read_word(t, now[i]);
                }
            }
        }
        if (!(f->flags & SL_FRAME_SIGNAL)) {
            /* Without CFI libunwind guesses that rbp points at a frame
             * record, and reports the caller's sp as this frame's sp + 16,
             * which only holds where rbp == sp.  When the guess held (the
             * word above rbp is the return address it went on with), the
             * record itself gives this frame's CFA and its saved rbp. */
            uintptr_t rec = f->fp;
            if ((f->flags & SL_FRAME_NO_CFI) && fp_reg >= 0 && !f->saved_fp_slot &&
                rec >= f->sp && !(rec & (sizeof(uintptr_t) - 1)) &&
                rec + o_cfa <= s->stack_high && read_word(t, rec + o_ra) == ip &&
                f->saved_count < SL_SAVED_MAX) {
                f->cfa = sp = rec + o_cfa;
                f->return_address_slot = rec + o_ra;
                f->saved_fp_slot = rec + o_fp;
                f->saved_fp_value = read_word(t, rec + o_fp);
                f->saved[f->saved_count].name = sl__arch_callee_saved_name[fp_reg];
                f->saved[f->saved_count++].slot = rec + o_fp;
            }
            if (canary && code->canary >= 0)
                mark_canary(f, t, code, canary);
            else if (canary)
                mark_canary_by_value(f, t, canary);
        }
        memcpy(prev, now, sizeof prev);
        if (ip == 0) {
            s->stop = SL_STOP_END;
            break;
        }
    }
    s->count = n;
    return n;
}

#endif /* SL_WITHOUT_DWARF_LIBS */

/* ---- the entry points ------------------------------------------------------- */

static int bad_walker(sl_stack *s, sl_walker w)
{
    if (w == SL_WALK_FP || w == SL_WALK_CFI)
        return 0;
    s->count = 0;
    s->stop = SL_STOP_BAD_ARGUMENT;
    return 1;
}

#ifndef SL_WITHOUT_DWARF_LIBS
/* The calling thread's CFI walk: libunwind's view of our own memory, from
 * here, stepped out of this function and of the public one that called it
 * (out of line, so the FP walk's caller keeps a small frame). */
__attribute__((noinline))
static int walk_cfi_self(sl_stack *s)
{
    unw_context_t uc;
    unw_cursor_t c;
    unw_getcontext(&uc);
    if (unw_init_local(&c, &uc) < 0 || unw_step(&c) <= 0 || unw_step(&c) <= 0) {
        s->count = 0;
        s->stop = SL_STOP_UNWIND_ERROR;
        return -1;
    }
    /* Frame 0's callee-saved registers, for variables living there. */
    unw_word_t v;
    s->regs.known = 0;
    for (int k = 0; k < sl__arch_callee_saved_count; k++) {
        if (unw_get_reg(&c, sl__arch_callee_saved_unw[k], &v) == 0) {
            s->regs.value[sl__arch_callee_saved_dwarf[k]] = v;
            s->regs.known |= 1ull << sl__arch_callee_saved_dwarf[k];
        }
    }
    int n = walk_cfi(s, &c, NULL, sl__arch_canary());
    __asm__ volatile("" ::: "memory");
    return n;
}
#endif /* SL_WITHOUT_DWARF_LIBS */

/* The calling thread, from the frame of the public function this is inlined
 * into: both walkers start there and skip it, so frames[0] is its caller. */
__attribute__((always_inline))
static inline int capture_self(sl_stack *s, sl_walker w)
{
    s->walker = w;
    s->target = NULL;
    s->stop = SL_STOP_END;
    /* The thread's bounds, cached after its first capture: the common case
     * without a call; the first time and on an alternate signal stack, the
     * full lookup. */
    s->regs.known = 0;
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (here >= sl__self_stack_low && here < sl__self_stack_high) {
        s->stack_low = sl__self_stack_low;
        s->stack_high = sl__self_stack_high;
    } else if (sl_thread_stack_bounds(&s->stack_low, &s->stack_high) < 0) {
        s->stack_low = s->stack_high = 0;
    }

    int n;
    if (w == SL_WALK_FP) {
        if (!s->stack_high) {
            s->count = 0;
            s->stop = SL_STOP_FP_OUTSIDE_STACK;
            return -1;
        }
        n = walk_fp_self(s, here);
    } else {
#ifndef SL_WITHOUT_DWARF_LIBS
        n = walk_cfi_self(s);
#else
        s->count = 0;
        s->stop = SL_STOP_NOT_BUILT;
        return -1;
#endif
    }
    return n > 0 ? n : -1;
}

/* noinline and with a frame of its own: the walk skips it. */
__attribute__((noinline))
int sl_stack_capture(sl_stack *s, sl_walker w)
{
    if (!s || bad_walker(s, w))
        return -1;
    int n = capture_self(s, w);
    /* Keep this frame from being a tail call, which would leave the walkers
     * one frame off. */
    __asm__ volatile("" ::: "memory");
    return n;
}

/* Another thread, stopped: frame 0 is where it stopped, every read goes
 * through its target. */
static int capture_target(sl_stack *s, const sl_target *t, sl_walker w)
{
    s->walker = w;
    s->target = t;
    s->stop = SL_STOP_END;
    s->count = 0;
    sl_regs r;
    if (sl_target_regs(t, &r) < 0 ||
        sl_target_stack_bounds(t, &s->stack_low, &s->stack_high) < 0) {
        s->stop = SL_STOP_UNWIND_ERROR;
        return -1;
    }
    s->regs = r;
    int n;
    if (w == SL_WALK_FP) {
        n = walk_fp_target(s, t, &r);
    } else {
#ifdef SL_WITHOUT_DWARF_LIBS
        s->stop = SL_STOP_NOT_BUILT;
        return -1;
#else
        sl_unwind_target *u = sl__unwind_target_open(t, &r);
        unw_cursor_t c;
        if (!u || sl__unwind_target_cursor(u, &c) < 0) {
            sl__unwind_target_close(u);
            s->stop = SL_STOP_UNWIND_ERROR;
            return -1;
        }
        n = walk_cfi(s, &c, t, sl__arch_target_canary(t, &r));
        sl__unwind_target_close(u);
#endif
    }
    /* Stopped, not calling: frame 0's pc is exact, as an interrupted one's. */
    if (n > 0)
        s->frames[0].flags |= SL_FRAME_INTERRUPTED;
    return n > 0 ? n : -1;
}

__attribute__((noinline))
int sl_stack_capture_target(sl_stack *s, const sl_target *t, sl_walker w)
{
    if (!s || bad_walker(s, w))
        return -1;
    int n = t && !t->self ? capture_target(s, t, w) : capture_self(s, w);
    __asm__ volatile("" ::: "memory");
    return n;
}

/* libunwind calls these only through weak references, and a weak reference
 * does not pull a function out of libc.a: in a fully static program
 * (-static) one of them left out is a call to address 0 inside the first
 * unw_backtrace.  These strong references keep them in. */
__attribute__((used)) static void (*const pthread_for_libunwind[])(void) = {
    (void (*)(void))pthread_once, (void (*)(void))pthread_key_create,
    (void (*)(void))pthread_setspecific, (void (*)(void))pthread_mutex_init,
    (void (*)(void))pthread_mutex_lock, (void (*)(void))pthread_mutex_unlock,
};
