/*
 * stacklab/frames.h: capture a thread's stack as plain records.
 *
 * Three separate steps, with plain data in between so each can be tested
 * alone:
 *   sl_stack_capture    walks the stack, recording addresses and slots only;
 *   sl_stack_symbolize  fills in names, file:line and module (ELF + libdw);
 *   sl_stack_print      (or the DOT writer in dot.h) turns them into text.
 *
 * Typical use:
 *     sl_stack s = {0};
 *     if (sl_stack_capture(&s, SL_WALK_CFI) < 0)
 *         fprintf(stderr, "%s\n", sl_stack_stop_string(s.stop));
 *     sl_stack_symbolize(&s);
 *     sl_stack_print(&s, stdout);
 *     sl_stack_release(&s);
 */
#ifndef STACKLAB_FRAMES_H
#define STACKLAB_FRAMES_H

#include <stdint.h>
#include <stdio.h>

#include <stacklab/target.h>

#pragma GCC visibility push(default)
#ifdef __cplusplus
extern "C" {                    /* C names, also from C++ */
#endif

/* How to find the caller of a frame. */
typedef enum {
    SL_WALK_FP,         /* follow the saved frame-pointer chain by hand */
    SL_WALK_CFI,        /* DWARF call-frame information, through libunwind */
    SL_WALK_ADDRESSES   /* only return addresses, from sl_stack_from_addresses
                           (not a walker sl_stack_capture accepts) */
} sl_walker;

/* Why a walk stopped (sl_stack.stop). */
typedef enum {
    SL_STOP_END = 0,            /* reached the outermost frame */
    SL_STOP_FP_OUTSIDE_STACK,   /* FP walk: next frame pointer not inside this thread's stack */
    SL_STOP_FP_NOT_ABOVE,       /* FP walk: next frame pointer not above the current one */
    SL_STOP_FP_MISALIGNED,      /* FP walk: next frame pointer not 8-byte aligned */
    SL_STOP_NO_UNWIND_INFO,     /* CFI walk: no unwind information for a pc */
    SL_STOP_UNWIND_ERROR,       /* CFI walk: libunwind reported an error */
    SL_STOP_LIMIT,              /* SL_STACK_MAX_FRAMES reached */
    SL_STOP_NO_MEMORY,          /* could not grow the frame array */
    SL_STOP_BAD_ARGUMENT,       /* NULL stack or unknown walker */
    SL_STOP_NOT_BUILT           /* CFI walk: this build has none (riscv64: no libunwind) */
} sl_walk_stop;

/* The deepest stack a capture records. */
#define SL_STACK_MAX_FRAMES 100000

/* Frame flags (sl_frame.flags). */
enum {
    SL_FRAME_SIGNAL  = 1u << 0, /* the kernel's signal frame (sigreturn trampoline) */
    SL_FRAME_NO_CFI  = 1u << 1, /* no unwind information covers this pc */
    SL_FRAME_TRY     = 1u << 2, /* holds an active SL_TRY (set by except.h's sl_stack_mark_handlers) */
    SL_FRAME_INTERRUPTED = 1u << 3, /* interrupted by a signal (or frame 0 of a thread stopped
                                       under ptrace): pc is exact, not a return address */
    SL_FRAME_CANARY  = 1u << 4  /* the frame's function stored this thread's
                                   stack-protector canary at canary_slot, and
                                   it is still there (CFI walk; see frames.c
                                   for when a canary cannot be found) */
};

/* Where a frame spilled one callee-saved register. */
typedef struct sl_saved_reg {
    const char *name;           /* "rbx", "rbp", "r12", ... (static string) */
    uintptr_t slot;             /* the address it was saved at */
} sl_saved_reg;

/* The most callee-saved registers one frame can save (x86-64: 6, AArch64:
 * 11, RISC-V: 12). */
#define SL_SAVED_MAX 12

/* Where a variable lives at the frame's pc (sl_variable.place). */
typedef enum {
    SL_VAR_MEMORY,          /* lives at address (size bytes) */
    SL_VAR_REGISTER,        /* lives in reg ("rbx"; pieces: "rbx+rbp") */
    SL_VAR_COMPUTED,        /* no home: DWARF computes its value (DW_OP_stack_value, implicit value) */
    SL_VAR_OPTIMIZED_OUT    /* not available at this pc: why says why */
} sl_var_place;

enum {                      /* sl_variable.flags */
    SL_VAR_PARAMETER   = 1u << 0,   /* a formal parameter */
    SL_VAR_ENTRY_VALUE = 1u << 1,   /* value as it was at function entry (gdb's n@entry) */
    SL_VAR_PARTIAL     = 1u << 2,   /* some pieces known, others optimized out */
    SL_VAR_STATIC      = 1u << 3    /* a static local (lives in .data/.bss) */
};

/* One argument or local of a frame, as sl_stack_read_variables found it.
 * Strings are owned by the sl_stack. */
typedef struct sl_variable {
    const char *name;       /* "n" */
    const char *type;       /* C spelling: "int", "char [16]", "struct node *", "const char *" */
    unsigned flags;
    sl_var_place place;
    uintptr_t address;      /* SL_VAR_MEMORY: its first byte */
    size_t size;            /* sizeof its type */
    const char *reg;        /* SL_VAR_REGISTER */
    const char *value;      /* formatted as gdb's `print` formats it; "<optimized out>" when unknown */
    const char *why;        /* SL_VAR_OPTIMIZED_OUT: "not live at this pc", "no location",
                               "in a call-clobbered register" */
    int line;               /* declaration line, 0 when unknown */
    uintptr_t pointer;      /* a pointer's value (0 otherwise), for the diagrams' arrows */
    const char *pointee;    /* a pointer's target type, C spelling ("struct node"); NULL otherwise */
} sl_variable;

/* One field of an object a pointer points at (sl_object). */
typedef struct sl_field {
    const char *name;       /* member name; "" for a pointee that is not a struct */
    const char *value;      /* formatted as gdb's print */
    size_t offset;          /* from the object's first byte */
    uintptr_t pointer;      /* a pointer member's value, 0 otherwise */
} sl_field;

/* An object outside the stack (heap, data, bss) that a variable's pointer,
 * or another such object's pointer, points at: read for the diagrams. */
typedef struct sl_object {
    uintptr_t address;
    size_t size;
    const char *type;       /* C spelling: "struct node" */
    int depth;              /* 1: a variable points at it; 2: an object of depth 1 does ... */
    int readable;           /* 0: "Cannot access memory" there */
    int field_count;
    sl_field *fields;
} sl_object;

/* A function the compiler inlined into a frame's function and that is
 * running at the frame's pc.  gdb's bt shows each as a frame of its own,
 * "inlined into" the function whose physical frame (CFA, slots, registers)
 * it shares; stacklab keeps it inside that sl_frame, so a stack still holds
 * one sl_frame per physical frame. */
typedef struct sl_inline {
    const char *function;       /* "scale", from DWARF (it has no symbol of its own) */
    const char *file;           /* inlined[0]: where the pc is; the others: */
    int line;                   /*   where each calls the one inside it */
    sl_variable *variables;     /* its parameters and locals, as sl_frame's */
    int variable_count;
} sl_inline;

/* The most objects and the deepest chain sl_stack_read_variables follows. */
#define SL_OBJECTS_MAX 64
#define SL_OBJECTS_DEPTH 4

/* One frame.  "slot" fields hold the address where a value is stored, 0 when
 * unknown.  On x86-64 with frame pointers:
 *
 *      cfa ->  | caller's frame ...    |   (incoming stack arguments above)
 *              | return address        |   <- return_address_slot = cfa - 8
 *      fp  ->  | caller's rbp          |   <- saved_fp_slot       = cfa - 16
 *              | callee-saved spills,  |
 *              | canary, locals        |
 *      sp  ->  | ...                   |
 */
typedef struct sl_frame {
    uintptr_t pc;               /* frame 0: where it is now; others: the return address */
    uintptr_t sp;               /* stack pointer in this frame */
    uintptr_t fp;               /* frame pointer (rbp) in this frame, 0 when unknown */
    uintptr_t cfa;              /* canonical frame address: caller's sp before the call */
    uintptr_t return_address_slot;
    uintptr_t saved_fp_slot;
    uintptr_t saved_fp_value;   /* CFI walk: what saved_fp_slot held at capture (the
                                   caller's rbp: its frame record, or any value
                                   when the caller keeps none); 0 when unknown.
                                   FP walk: use sl_frame_saved_fp() */
    uintptr_t canary_slot;      /* stack-protector canary, when SL_FRAME_CANARY */
    unsigned flags;
    int saved_count;            /* entries in saved[] (below) */

    /* Filled in by sl_stack_symbolize; strings are owned by the sl_stack. */
    const char *function;       /* never NULL after symbolizing: "??" when unknown */
    uintptr_t offset;           /* pc - start of function */
    const char *file;           /* source file of pc, NULL without debug info */
    int line;                   /* 0 without debug info */
    const char *module;         /* executable or shared object path */

    /* Filled in by sl_stack_read_variables: parameters first, then the
     * locals of every block in scope at the pc, innermost block last. */
    sl_variable *variables;
    int variable_count;
    /* Also filled in by sl_stack_read_variables: the functions inlined at
     * the pc, innermost first.  Then file:line (above) is where this
     * frame's function calls inlined[inlined_count - 1], as gdb shows it. */
    sl_inline *inlined;
    int inlined_count;

    sl_saved_reg saved[SL_SAVED_MAX];   /* CFI walk: where this frame spilled
                                           its caller's callee-saved registers */
} sl_frame;

/* A captured stack.  Zero it before the first capture; a capture reuses the
 * frame array of an earlier one. */
typedef struct sl_stack {
    sl_frame *frames;           /* frames[0] called sl_stack_capture; callers follow */
    int count;
    int capacity;
    sl_walker walker;
    sl_walk_stop stop;          /* why the walk ended */
    const sl_target *target;    /* whose stack: NULL for the calling thread
                                   (sl_stack_capture); else the target given
                                   to sl_stack_capture_target, which must
                                   outlive the stack's use */
    uintptr_t stack_low;        /* this thread's stack: [stack_low, stack_high) */
    uintptr_t stack_high;
    sl_object *objects;         /* what pointers point at outside the stack (read by
                                   sl_stack_read_variables, for the diagrams) */
    int object_count;
    sl_regs regs;               /* the registers the walk started from (frame 0's);
                                   known says which (the FP walk records none) */
    void *strings;              /* private: storage for symbolized strings */
} sl_stack;

/* Captures the calling thread's stack with walker w.  Returns the number of
 * frames, or -1 when nothing could be captured (s->stop says why).  A walk
 * that ends early still returns the frames it found, with s->stop set. */
int sl_stack_capture(sl_stack *s, sl_walker w);

/* Captures the stack of target t's thread with walker w: for another
 * process's stopped thread (sl_target_ptrace), frames[0] is where it stopped
 * and every word is read through t; for sl_target_self() or NULL, the same
 * as sl_stack_capture.  Returns the number of frames, or -1. */
int sl_stack_capture_target(sl_stack *s, const sl_target *t, sl_walker w);

/* Makes a stack from return addresses (as from unw_backtrace), e.g. an
 * exception's backtrace, so it can be symbolized and printed.
 * Returns n, or -1 when out of memory. */
int sl_stack_from_addresses(sl_stack *s, void *const *pcs, int n);

/* The stack sl_stack_symbolize needs below the frame that calls it.
 * libdw's line-table reader (elfutils 0.188's dwarf_getsrclines) keeps its
 * first few thousand lines, files and directories in arrays on the stack:
 * a symbolize that read a compile unit's line table for the first time used
 * 156 KiB of stack on x86-64, and on a 64 or 128 KiB alternate signal stack
 * wrote below it and crashed.  This is that, with room to spare;
 * sl_stack_read_variables needs the same. */
#define SL_SYMBOLIZE_STACK (192 * 1024)

/* What sl_stack_symbolize returns when it fails (negative). */
typedef enum {
    SL_SYMBOLIZE_EINVAL = -1,   /* NULL stack */
    SL_SYMBOLIZE_ESTACK = -2    /* less than SL_SYMBOLIZE_STACK of stack is left
                                   where it was called (a small alternate signal
                                   stack, a small thread): nothing was filled in */
} sl_symbolize_error;

/* Fills in function, offset, file, line and module of every frame.
 * Returns the number of frames whose function was found, or a negative
 * sl_symbolize_error (sl_symbolize_strerror says why).  In a handler on a
 * small alternate stack, capture there and symbolize after it returns. */
int sl_stack_symbolize(sl_stack *s);

/* As sl_stack_symbolize, but file and line only for the innermost `lines`
 * frames; the others get function, offset and module.  A module's line
 * table (and a library's separate debug information, hundreds of
 * milliseconds for the C library's) is then read only for the frames a
 * picture shows with lines.  lines < 0: every frame. */
int sl_stack_symbolize_lines(sl_stack *s, int lines);

/* One sentence for an sl_symbolize_error (async-signal-safe: a constant). */
const char *sl_symbolize_strerror(int code);

/* Reads the arguments and locals of every frame up to and including main
 * (names, C types, places and values, from DWARF debug information), and
 * the functions inlined at its pc with theirs (sl_frame.inlined),
 * symbolizing first if that was not done (then with file:line up to main).
 * The C library's start-up frames above main are left without variables:
 * they are its own, and reading them would load its whole separate debug
 * information (~80 ms on Debian 12, 15 times the rest of a first read).
 * For the calling thread, call it while the captured frames still exist
 * (before the function that captured returns).  Returns the number of
 * variables found, or -1 when the stack holds nothing to read or less than
 * SL_SYMBOLIZE_STACK is left to read it on. */
int sl_stack_read_variables(sl_stack *s);

/* What frame i's saved-rbp slot held at capture (its caller's rbp), for
 * either walker: the CFI walk records it in saved_fp_value; in an FP walk it
 * is where the walk went next, frames[i + 1].fp, and for the frame where the
 * chain ended, the value the walk stopped on.  0 when unknown. */
uintptr_t sl_frame_saved_fp(const sl_stack *s, int i);

/* Frees what the stack holds and zeroes it. */
void sl_stack_release(sl_stack *s);

/* Prints one line per frame ("#3  0x... name+0x1c  file.c:42  [module]"),
 * and under it the frame's variables when they were read, as gdb's
 * `bt full` does, with each one's place: "n = 12   [CFA-20, int]".  A
 * function inlined at the pc gets a line of its own before its frame's,
 * with the same number: "#3  0x... scale  file.c:75  [inlined into outer]".
 * Returns the number of lines written, or -1 on an output error. */
int sl_stack_print(const sl_stack *s, FILE *out);

/* A short sentence for a stop reason. */
const char *sl_stack_stop_string(sl_walk_stop why);

/* The bounds of the calling thread's stack. Returns 0, or -1. */
int sl_thread_stack_bounds(uintptr_t *low, uintptr_t *high);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop

#endif
