/*
 * abi_arch.h: the seam between lib/abi.c (shared C) and the machine's
 * calling conventions in lib/arch/<arch>/abi_<arch>.c.
 *
 * The shared side turns an sl_probe_arg's C type or layout into bytes:
 * size, alignment and the scalars ("leaves") at their offsets, which is
 * the same C on every LP64 target.  The arch side classifies that layout
 * under each convention it knows and says where the arguments go.
 */
#ifndef SL_ABI_ARCH_H
#define SL_ABI_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stacklab/abi.h>

/* ---- provided by lib/abi.c: C layout --------------------------------------- */

/* What a scalar is, as calling conventions care. */
typedef enum {
    SL__LEAF_INT,                   /* integers, pointers, enums, _Bool */
    SL__LEAF_INT128,                /* __int128 */
    SL__LEAF_FLOAT,                 /* float, double */
    SL__LEAF_LONG_DOUBLE,           /* long double */
    SL__LEAF_FLOAT128               /* __float128 */
} sl__leaf_kind;

typedef struct sl__abi_leaf {
    size_t offset;                  /* from the start of the argument */
    unsigned size;                  /* 1..16 */
    unsigned char kind;             /* sl__leaf_kind */
    bool complex_part;              /* the real or imaginary half of a _Complex */
    bool in_union;                  /* overlaps other members */
} sl__abi_leaf;

#define SL__ABI_MAX_LEAVES 64
#define SL__ABI_MASK_BYTES SL_PROBE_STACK_BYTES

/* An argument's C layout.  Leaves are kept in order up to
 * SL__ABI_MAX_LEAVES (nleaves counts them all); classification needs only
 * the first 16 bytes' (AAPCS64 homogeneous aggregates: the first 64). */
typedef struct sl__abi_layout {
    size_t size, align;
    bool scalar;                    /* one scalar or _Complex, not a struct/union/array */
    bool is_complex;                /* scalar is a _Complex */
    bool unaligned;                 /* some leaf lies off its natural alignment (packed) */
    bool has_union;
    int nleaves;
    sl__abi_leaf leaf[SL__ABI_MAX_LEAVES];
    /* value[i]: byte i holds part of a value (not padding, not the unused
     * bytes of an x87 long double); bytes past SL__ABI_MASK_BYTES count as
     * value bytes. */
    bool value[SL__ABI_MASK_BYTES];
} sl__abi_layout;

/* Lays out arg (its layout, or its type when layout is NULL).  Returns 0,
 * or -1 when a name is not understood or the layout's size is not
 * arg->size. */
int sl__abi_layout_of(const sl_probe_arg *arg, sl__abi_layout *out);

/* Whether the n bytes at place equal v's value bytes from offset at on. */
bool sl__abi_holds(const sl__abi_layout *l, const unsigned char *place,
                   const unsigned char *v, size_t at, size_t n);

/* ---- provided by lib/arch/<arch>/abi_<arch>.c -------------------------------- */

/* One calling convention, as far as the probe's report needs it. */
typedef struct sl__abi_convention {
    const char *name;               /* "System V AMD64" */
    const char *doc;                /* the document that defines it */
    int int_args[8];                /* gpr[] slots of the integer argument registers */
    int n_int_args;
    int n_vec_args;                 /* vector argument registers: vec[0..n) */
    size_t stack_start;             /* first stack-argument byte (after the shadow space) */
    bool positional;                /* argument n uses slot n, integer or vector */
    const char *vararg_count;       /* register naming the vector count of a variadic call, or NULL */
    const char *class_note[SL_CLASS_COUNT]; /* one sentence per class */
} sl__abi_convention;

/* The convention c, or NULL if the architecture has no such convention. */
const sl__abi_convention *sl__abi_convention_of(sl_call_convention c);

/* Name of gpr[] slot i ("rdi"), or NULL if unused. */
const char *sl__abi_gpr_name(int i);
/* Name of vector register i ("xmm3"). */
const char *sl__abi_vec_name(int i, char *buf, size_t size);

/* Where the convention of s puts each of args[0..n) and whether s holds
 * the value there. */
typedef struct sl__abi_place {
    char text[64];                  /* "rsi + xmm0", "stack+8", "rdx = pointer to a copy" */
    bool verified;                  /* the snapshot holds the value at that place */
    uintptr_t copy;                 /* by reference: the pointer passed (0: none) */
} sl__abi_place;
void sl__abi_place_args(const sl_probe_snapshot *s, const sl_probe_arg *args, int n,
                        sl__abi_place *out);

/* ---- rules as plain C, built on every architecture ----------------------
 * AAPCS64 and RISC-V LP64D (lib/arch/aarch64/classify_aapcs64.c,
 * lib/arch/riscv64/classify_lp64d.c) are compiled into every build, so
 * that an x86-64 lecture can show where those machines would put the same
 * arguments (sl_probe_predict).  They read sl_probe_arg through
 * sl__abi_members. */

typedef enum { SL__K_INT, SL__K_FP, SL__K_LONG_DOUBLE } sl__abi_kind;
typedef struct sl__abi_member {
    size_t offset, size;
    sl__abi_kind kind;
} sl__abi_member;

/* The scalars arg is made of, in order (a scalar: itself; an aggregate:
 * each member of its layout, arrays expanded), with sizeof and alignment
 * of the whole.  Returns how many (at most max), or -1 if a type is not
 * understood or there are more than max. */
int sl__abi_members(const sl_probe_arg *arg, sl__abi_member *m, int max,
                    size_t *size, size_t *align);

/* One piece of an argument in one place. */
typedef struct sl__abi_part {
    char bank;                      /* 'g' integer register, 'f' FP/vector register, 's' stack */
    int n;                          /* register number in its bank, or stack offset */
    size_t from, size;              /* which bytes of the value */
} sl__abi_part;

typedef struct sl__abi_where {
    int nparts;                     /* 0: not understood */
    bool by_reference;              /* part[0] holds a pointer to the caller's copy */
    sl__abi_part part[4];
} sl__abi_where;

/* Classify one argument, and place each of args[0..n), by the rules of
 * AAPCS64 (6.8.2) and of the RISC-V LP64D calling convention. */
int sl__aapcs64_classify(const sl_probe_arg *arg, sl_arg_class classes[], int max);
void sl__aapcs64_where(const sl_probe_arg *args, int n, sl__abi_where *out);
int sl__lp64d_classify(const sl_probe_arg *arg, sl_arg_class classes[], int max);
void sl__lp64d_where(const sl_probe_arg *args, int n, sl__abi_where *out);

/* "x1 + v0", "stack+8", "x2 = pointer to a copy": w in words, with the
 * register names of convention c. */
void sl__abi_where_text(sl_call_convention c, const sl__abi_where *w, char *buf, size_t size);

/* sl__abi_place_args for AAPCS64 and LP64D: the rules' places, each
 * checked against the snapshot (gpr[n] = x<n> / a<n>, vec[n] = v<n> / fa<n>). */
void sl__abi_place_by_rules(const sl_probe_snapshot *s, const sl_probe_arg *args, int n,
                            sl__abi_place *out);

/* The checked call's half that every architecture shares (lib/abi.c): a
 * random canary for one register, and the report's register table and
 * clobbered list from n names, canaries and values found. */
uint64_t sl__abi_canary(void);
void sl__check_report_fill(sl_check_report *r, const char *const names[],
                           const uint64_t *expected, const uint64_t *found, int n);

#endif
