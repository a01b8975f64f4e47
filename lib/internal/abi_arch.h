/*
 * abi_arch.h: what lib/abi.c (shared C) needs to know about the machine's
 * calling conventions, provided by lib/arch/<arch>/abi_<arch>.c.
 */
#ifndef SL_ABI_ARCH_H
#define SL_ABI_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stacklab/abi.h>

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
    const char *class_note[SL_CLASS_REFERENCE + 1]; /* one sentence per class */
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
} sl__abi_place;
void sl__abi_place_args(const sl_probe_snapshot *s, const sl_probe_arg *args, int n,
                        sl__abi_place *out);

#endif
