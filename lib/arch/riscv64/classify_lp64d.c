/*
 * classify_lp64d.c: where the RISC-V LP64D calling convention puts each
 * argument, as plain C.
 *
 * Built into every architecture's library (it reads nothing but
 * sl_probe_arg), so an x86-64 lecture can show the RISC-V placement of the
 * same prototype; on riscv64 the probe then checks it against a real call.
 *
 * RISC-V ABIs Specification, "Integer Calling Convention" and "Hardware
 * Floating-point Calling Convention" (XLEN = FLEN = 64), for what
 * sl_probe_arg can describe:
 *  - a0-a7 carry integers, pointers and aggregates up to 2 x XLEN (16
 *    bytes), one register per 8 bytes; a 16-byte value that finds one
 *    register left goes half in a7, half on the stack; larger aggregates
 *    are passed by reference (a pointer to the caller's copy);
 *  - fa0-fa7 carry float and double while they last; then floats go by the
 *    integer rules (an a register, then the stack), not to the stack at
 *    once as on AArch64;
 *  - an aggregate whose flattened members are one or two floating-point
 *    values, or one floating-point and one integer value, goes in fa
 *    registers (and an a register) when enough are free, else by the
 *    integer rules; long double (128-bit) is an integer pair: FLEN is 64;
 *  - the stack from sp at entry, in 8-byte slots, 16-byte aligned values
 *    at a multiple of 16.
 * Variadic arguments (not described by sl_probe_arg) follow the integer
 * rules only: a variadic double goes in an a register, and a 16-byte
 * aligned one starts at an even register.
 */
#include <stdbool.h>
#include <string.h>

#include <stacklab/abi.h>
#include "abi_arch.h"

/* The floating-point calling convention's shapes: how many FP and integer
 * registers the flattened members want (FP-eligible), or false. */
static bool fp_shape(const sl_probe_arg *a, const sl__abi_member *m, int k, size_t size,
                     int *fps, int *ints)
{
    *fps = *ints = 0;
    if (k < 1 || k > 2 || size > 16)
        return false;
    for (int i = 0; i < k; i++) {
        if (m[i].kind == SL__K_LONG_DOUBLE)
            return false;
        if (m[i].kind == SL__K_FP)
            ++*fps;
        else
            ++*ints;
    }
    if (!a->layout)
        return *fps == 1;
    return *fps == 2 || (*fps == 1 && *ints <= 1);
}

int sl__lp64d_classify(const sl_probe_arg *arg, sl_arg_class classes[], int max)
{
    sl__abi_member m[16];
    size_t size, align;
    int k = sl__abi_members(arg, m, 16, &size, &align), fps, ints, n;

    if (k < 1 || !classes || max < 1)
        return -1;
    if (fp_shape(arg, m, k, size, &fps, &ints)) {
        for (n = 0; n < k && n < max; n++)
            classes[n] = m[n].kind == SL__K_FP ? SL_CLASS_FP : SL_CLASS_INTEGER;
        return n;
    }
    if (size > 16) {
        classes[0] = SL_CLASS_REFERENCE;
        return 1;
    }
    n = (int)((size + 7) / 8);
    for (int i = 0; i < n && i < max; i++)
        classes[i] = SL_CLASS_INTEGER;
    return n < max ? n : max;
}

void sl__lp64d_where(const sl_probe_arg *args, int n, sl__abi_where *out)
{
    int a = 0, fa = 0;                  /* next a and fa register */
    size_t stack = 0;                   /* next stack byte */

    for (int i = 0; i < n; i++) {
        sl__abi_where *w = &out[i];
        sl__abi_member m[16];
        size_t size, align;
        int k = sl__abi_members(&args[i], m, 16, &size, &align), fps, ints;

        memset(w, 0, sizeof *w);
        if (k < 1)
            continue;
        if (fp_shape(&args[i], m, k, size, &fps, &ints) && fa + fps <= 8 && a + ints <= 8) {
            for (int j = 0; j < k; j++)
                w->part[w->nparts++] = m[j].kind == SL__K_FP
                    ? (sl__abi_part){ 'f', fa++, m[j].offset, m[j].size }
                    : (sl__abi_part){ 'g', a++, m[j].offset, m[j].size };
            continue;
        }
        if (size > 16) {                                /* by reference */
            w->by_reference = true;
            size = 8;
            align = 8;
        }
        /* The integer rules: one or two a registers, split, or the stack. */
        size_t from = 0;
        for (; from < size && a < 8; from += 8)
            w->part[w->nparts++] = (sl__abi_part){ 'g', a++, from, size - from < 8 ? size - from : 8 };
        if (from < size) {
            if (from == 0)
                stack = (stack + (align > 8 ? align : 8) - 1) / (align > 8 ? align : 8) *
                        (align > 8 ? align : 8);
            w->part[w->nparts++] = (sl__abi_part){ 's', (int)stack, from, size - from };
            stack += (size - from + 7) / 8 * 8;
        }
    }
}
