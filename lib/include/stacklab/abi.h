/*
 * stacklab/abi.h: the calling convention made visible.
 *
 * Hand-written assembly in asm/<arch>/ paired with C entry points: a context
 * save/restore (a setjmp/longjmp you can read), prologue/epilogue shims,
 * an argument probe and a checked call.
 *
 * The probe in one example (System V; demos/calling_convention.c has more):
 *
 *     struct pair { long l; double d; } p = { 7, 2.5 };
 *     int n = 1;
 *     ((void (*)(int, struct pair))SL_PROBE)(n, p);
 *     sl_probe_arg args[] = { SL_PROBE_ARG(int, n),
 *                             { "struct pair", &p, sizeof p, "long,double" } };
 *     sl_probe_print(sl_probe_last(), args, 2, stdout);
 *
 *     #  type         size  class (per eightbyte)  where
 *     1  int             4  INTEGER                rdi
 *     2  struct pair    16  INTEGER,SSE            rsi + xmm0
 *
 * The functions are documented here; the routines' own files explain the
 * registers and frames (asm/x86_64/frames.S, probe.S, checked_call.S).
 */
#ifndef STACKLAB_ABI_H
#define STACKLAB_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "stacklab/context.h"

#pragma GCC visibility push(default)
#ifdef __cplusplus
extern "C" {                    /* C names, also from C++ */
#endif

/* Lists what a saved context holds, one slot per register, for display.
 * Fills up to max slots and returns how many the architecture has. */
typedef struct sl_context_slot {
    const char *name;           /* "rbx", ..., "rsp", "rip", "mxcsr", "x87cw" */
    uint64_t stored;            /* the word as it sits in the buffer */
    uint64_t value;             /* what it means: demangled when mangled */
    bool mangled;               /* stored != value by design (pointer guard) */
    unsigned offset;            /* byte offset in sl_context */
} sl_context_slot;

int sl_context_slots(const sl_context *ctx, sl_context_slot *slots, int max);

/* ---- Prologue/epilogue shims (asm/<arch>/frames.S) --------------------- */
/* Each calls fn(arg) and returns its result, so that it shows up as a real
 * frame between two C frames in a debugger, a walker or an exception. */

/* Classic frame: push rbp; mov rsp,rbp; locals; leave; ret.  With CFI. */
long sl_asm_framed(long (*fn)(void *), void *arg);
/* No frame pointer: only the 8 bytes the call's alignment needs.  With CFI. */
long sl_asm_frameless(long (*fn)(void *), void *arg);
/* Saves (and uses) every callee-saved register but rbp, each with CFI
 * saying where, so a CFI walker can show the save slots. */
long sl_asm_saves_registers(long (*fn)(void *), void *arg);
/* Framed like sl_asm_framed but with no CFI at all: what unwinders meet in
 * hand-written code that forgot it. */
long sl_asm_no_cfi(long (*fn)(void *), void *arg);

/* ---- The argument probe (asm/<arch>/probe.S, lib/abi.c) ---------------- */

/* Calling conventions (sl_probe_snapshot.convention). */
typedef enum {
    SL_CALL_NONE = 0,           /* no probe has run on this thread yet */
    SL_CALL_SYSV = 1,           /* System V AMD64 psABI (Linux, BSD, macOS) */
    SL_CALL_MS   = 2,           /* Microsoft x64 (__attribute__((ms_abi))) */
    SL_CALL_AAPCS64 = 3,        /* Procedure Call Standard for the Arm 64-bit Architecture */
    SL_CALL_LP64D = 4           /* RISC-V psABI, LP64D (64-bit, doubles in FP registers) */
} sl_call_convention;

#define SL_PROBE_GPRS        16   /* integer register slots (x86-64 uses 8) */
#define SL_PROBE_VECS        16   /* vector register slots (x86-64 uses 8) */
#define SL_PROBE_STACK_BYTES 256  /* stack-argument bytes copied */

/* Everything a call left for its callee, as the probe found it at entry.
 * Which gpr slot is which register is the architecture's business: read
 * them by name with sl_probe_register. */
typedef struct sl_probe_snapshot {
    uint64_t gpr[SL_PROBE_GPRS];
    unsigned char vec[SL_PROBE_VECS][16];       /* whole vector registers */
    uint64_t entry_sp;                          /* x86-64: points at the return address */
    uint64_t return_address;
    uint32_t convention;                        /* sl_call_convention */
    uint32_t count;                             /* probes taken by this thread */
    unsigned char stack[SL_PROBE_STACK_BYTES];  /* from the first stack argument
                                                   (x86-64: entry_sp + 8) up */
} sl_probe_snapshot;

/* Call through any System V function-pointer type (cast from void (*)(void)):
 *     ((void (*)(long, double))sl_probe)(1, 2.0);
 * Records the argument registers, al, xmm0-7, the stack arguments and the
 * return address; preserves callee-saved registers; returns its incoming
 * rdi in rax, so prototypes returning a large struct work. */
void sl_probe(void);
/* The same for __attribute__((ms_abi)) prototypes: rcx, rdx, r8, r9,
 * xmm0-3, the shadow space and the stack arguments; returns incoming rcx. */
void sl_probe_ms(void);

/* The probes as addresses the compiler cannot trace back to their
 * definition, so a call through another prototype compiles cleanly (gcc
 * warns about a call through a cast when it can see both types):
 *     ((void (*)(long, double))SL_PROBE)(1, 2.0);
 *     ((void (__attribute__((ms_abi)) *)(long, double))SL_PROBE_MS)(1, 2.0); */
#define SL_PROBE    sl__opaque_fn(sl_probe)
#define SL_PROBE_MS sl__opaque_fn(sl_probe_ms)
static inline void (*sl__opaque_fn(void (*f)(void)))(void)
{
    __asm__("" : "+r"(f));
    return f;
}

/* The calling thread's last snapshot (overwritten by its next probe). */
const sl_probe_snapshot *sl_probe_last(void);

/* Finds the size bytes at bytes (any size the snapshot can hold) in s and
 * writes where they were: an argument register in convention order ("rdi",
 * ... or "rcx", ...; values up to 8 bytes), then "xmm0".."xmm7" ("xmm1+8":
 * the upper half; up to 16 bytes), then "stack+N", N counted from the first
 * stack argument (ms_abi: after the 32-byte shadow space, so its 5th
 * argument is "stack+32").  Returns 0, or -1 if absent.  Every byte is
 * compared: for a value with padding (a struct's, or the 6 unused bytes of
 * an x87 long double) use sl_probe_find_arg.  The first match wins: use
 * distinctive values, as a scratch register may hold a stray copy the
 * caller staged through it. */
int sl_probe_find(const sl_probe_snapshot *s, const void *bytes, size_t size,
                  char *where, size_t where_size);

/* Reads one saved register by name: an integer register ("rdi", "rax",
 * "r10"), "xmmN" (its low 8 bytes), "rsp" (at entry) or "ret" (the return
 * address).  Returns 0, or -1 for a name the snapshot does not hold. */
int sl_probe_register(const sl_probe_snapshot *s, const char *name, uint64_t *value);

/* One argument of a probed call, described for sl_probe_print.
 *
 * type is a C type as written: "int", "short int", "long unsigned int",
 * "unsigned long long int", "size_t", "ssize_t", "wchar_t", "enum color"
 * (taken as int), "char *" (any pointer), "__int128", "long double",
 * "double _Complex" (or "complex double"), "__float128", ...
 * layout describes a struct member by member, each a type as above with
 * optional array bounds, or a nested group:
 *     "long,double"                  struct { long l; double d; }
 *     "char[3],float"                struct { char c[3]; float f; }
 *     "int,{char,short}[2]"          struct { int i; struct { char c; short s; } a[2]; }
 *     "union{int,float}"             union { int i; float f; }
 *     "packed{char,long}"            struct __attribute__((packed)) { char c; long l; }
 * Bit-fields and alignment attributes cannot be described. */
typedef struct sl_probe_arg {
    const char *type;           /* the C type as the lecture shows it */
    const void *value;          /* the value passed */
    size_t size;                /* sizeof the value */
    const char *layout;         /* aggregates: member types in order (above);
                                   NULL for a scalar (classified from type) */
} sl_probe_arg;

#define SL_PROBE_ARG(ctype, var) { #ctype, &(var), sizeof(var), NULL }

/* How the convention passes a value (sl_probe_classify).  System V classes
 * each eightbyte (psABI 3.2.3); Microsoft x64 passes 1, 2, 4 or 8-byte
 * values in a register and everything else by reference. */
typedef enum {
    SL_CLASS_NONE = 0,          /* padding only */
    SL_CLASS_INTEGER,           /* general-purpose register */
    SL_CLASS_SSE,               /* vector register */
    SL_CLASS_X87,               /* long double's significand: memory when an argument */
    SL_CLASS_MEMORY,            /* copied to the stack */
    SL_CLASS_REFERENCE,         /* ms_abi, AAPCS64, RISC-V: a pointer to a caller's copy */
    SL_CLASS_FP,                /* AAPCS64, RISC-V: a floating-point register (v0-v7,
                                   fa0-fa7), one per HFA member or FP struct field */
    SL_CLASS_SSEUP,             /* upper half of the vector register SSE began (__float128) */
    SL_CLASS_X87UP,             /* long double's exponent: goes with X87 */
    SL_CLASS_COMPLEX_X87,       /* long double _Complex: memory when an argument */
    SL_CLASS_COUNT
} sl_arg_class;

/* Classifies arg under convention conv: fills up to max classes[] (one per
 * eightbyte after the psABI's post-merger cleanup; a single entry for
 * MEMORY, REFERENCE and COMPLEX_X87) and returns how many there are, or -1
 * if the type or layout is not understood or does not match arg->size. */
int sl_probe_classify(const sl_probe_arg *arg, sl_call_convention conv,
                      sl_arg_class classes[], int max);

/* Where convention conv puts each of args[0..n) by its rules alone, with
 * no probe run: one line per argument in where[i] ("x0", "v0 + v1",
 * "stack+8", "x1 = pointer to a copy").  AAPCS64 and RISC-V LP64D are
 * known on every architecture (plain C), System V and Microsoft x64 where
 * the probe runs them.  Returns 0, or -1 for a convention not built in
 * (where[i] is then "?"). */
int sl_probe_predict(sl_call_convention conv, const sl_probe_arg *args, int n,
                     char (*where)[64]);

/* The name of a class ("INTEGER", "SSE", ...). */
const char *sl_arg_class_name(sl_arg_class c);

/* sl_probe_find for a described argument: compares only the bytes that
 * hold its value (no struct padding, 10 of a long double's 16), so a value
 * whose padding differs from the copy the call made is still found.
 * Returns 0, or -1 if absent. */
int sl_probe_find_arg(const sl_probe_snapshot *s, const sl_probe_arg *arg,
                      char *where, size_t where_size);

/* Prints the lecture table for a probed call: argument number, C type,
 * size, classification and where the convention puts each part (checked
 * against the snapshot), then a note on each class that occurred.  args
 * are the visible arguments only (no hidden return pointer).  An argument
 * that cannot be classified shows "?", and so does every System V one
 * after it (its registers are unknown); Microsoft x64 places by position.
 * Returns 0, or -1 on an output error. */
int sl_probe_print(const sl_probe_snapshot *s, const sl_probe_arg *args, int n, FILE *out);

/* ---- The checked call (asm/<arch>/checked_call.S) ---------------------- */

#define SL_CHECK_REGS 32          /* x86-64 uses 7, AArch64 20, RISC-V 25 */

/* What sl_checked_call found. */
typedef struct sl_check_report {
    bool ok;                    /* everything below held */
    char clobbered[192];        /* callee-saved registers not preserved: "rbx,r13" */
    int clobbered_count;
    bool stack_pointer_ok;      /* the stack pointer came back where it was */
    long stack_pointer_delta;   /* bytes it moved (after - before) */
    bool direction_flag_clear;  /* x86-64: DF was clear on return, as the ABI
                                   requires (always true elsewhere) */
    int reg_count;
    struct {
        const char *name;       /* "rbx", "rbp", "r12", ..., "mxcsr" */
        uint64_t expected;      /* the canary loaded before the call */
        uint64_t found;         /* the value after it */
    } reg[SL_CHECK_REGS];
} sl_check_report;

/* Calls fn(a, b, c, d) with random canaries in every callee-saved register
 * and the stack aligned as the ABI requires; afterwards checks the
 * registers, the stack pointer and the direction flag, restores the
 * caller's registers whatever fn did, fills report (may be NULL) and
 * returns fn's result. */
long sl_checked_call(sl_check_report *report, long (*fn)(long, long, long, long),
                     long a, long b, long c, long d);

/* Prints the report: one line per register, canary and found value.
 * Returns 0, or -1 on an output error. */
int sl_check_print(const sl_check_report *report, FILE *out);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop

#endif
