/*
 * classify_aapcs64.c: where AAPCS64 puts each argument, as plain C.
 *
 * Built into every architecture's library (it reads nothing but
 * sl_probe_arg), so an x86-64 lecture can show the AArch64 placement of
 * the same prototype; on AArch64 the probe then checks it against what a
 * real call left in the registers.
 *
 * Procedure Call Standard for the Arm 64-bit Architecture, 6.8.2
 * "Parameter passing rules", for what sl_probe_arg can describe (scalars,
 * and aggregates of scalars at their natural alignment):
 *  - B.3/B.4: an aggregate over 16 bytes that is not a Homogeneous
 *    Floating-point Aggregate (HFA: one to four members of one floating
 *    type) is copied by the caller, and a pointer to the copy is passed;
 *  - C.1-C.5: float, double, long double (binary128) and each member of
 *    an HFA take the next free SIMD/FP register v0-v7 (NSRN); an HFA that
 *    does not fit whole goes to the stack, and no later FP argument uses a
 *    register;
 *  - C.8-C.13: integers, pointers and small aggregates take the next free
 *    x0-x7 (NGRN), one register per 8 bytes; 16-byte aligned ones start at
 *    an even register; what does not fit whole goes to the stack;
 *  - C.14-C.17: the stack (NSAA) in 8-byte slots, 16-byte aligned types at
 *    a multiple of 16.
 * Variadic arguments follow the same rules on Linux (Apple's arm64 ABI
 * puts every variadic argument on the stack).  A large result is written
 * where x8 points (6.9), not passed as an argument.
 */
#include <stdbool.h>
#include <string.h>

#include <stacklab/abi.h>
#include "abi_arch.h"

/* The HFA's member count (1..4), or 0 when args are not an HFA. */
static int hfa_members(const sl__abi_member *m, int n)
{
    if (n < 1 || n > 4)
        return 0;
    for (int i = 0; i < n; i++)
        if (m[i].kind == SL__K_INT || m[i].size != m[0].size)
            return 0;
    return n;
}

int sl__aapcs64_classify(const sl_probe_arg *arg, sl_arg_class classes[], int max)
{
    sl__abi_member m[16];
    size_t size, align;
    int n = sl__abi_members(arg, m, 16, &size, &align), k;

    if (n < 1 || !classes || max < 1)
        return -1;
    if (!arg->layout) {
        classes[0] = m[0].kind == SL__K_INT ? SL_CLASS_INTEGER : SL_CLASS_FP;
        return 1;
    }
    if ((k = hfa_members(m, n)) > 0) {
        for (int i = 0; i < k && i < max; i++)
            classes[i] = SL_CLASS_FP;
        return k < max ? k : max;
    }
    if (size > 16) {
        classes[0] = SL_CLASS_REFERENCE;
        return 1;
    }
    k = (int)((size + 7) / 8);
    for (int i = 0; i < k && i < max; i++)
        classes[i] = SL_CLASS_INTEGER;
    return k < max ? k : max;
}

static size_t round_up(size_t v, size_t to)
{
    return (v + to - 1) / to * to;
}

void sl__aapcs64_where(const sl_probe_arg *args, int n, sl__abi_where *out)
{
    int ngrn = 0, nsrn = 0;             /* next x and v register */
    size_t nsaa = 0;                    /* next stack byte */

    for (int i = 0; i < n; i++) {
        sl__abi_where *w = &out[i];
        sl__abi_member m[16];
        size_t size, align;
        int k = sl__abi_members(&args[i], m, 16, &size, &align);
        int fp = !args[i].layout ? (k == 1 && m[0].kind != SL__K_INT) : hfa_members(m, k);

        memset(w, 0, sizeof *w);
        if (k < 1)
            continue;                   /* not understood: "?" */
        if (fp) {                                       /* C.1-C.5 */
            int count = args[i].layout ? fp : 1;
            if (nsrn + count <= 8) {
                for (int j = 0; j < count; j++)
                    w->part[w->nparts++] = (sl__abi_part){ 'f', nsrn++, m[j].offset, m[j].size };
                continue;
            }
            nsrn = 8;
        } else if (args[i].layout && size > 16) {       /* B.4: a pointer to a copy */
            w->by_reference = true;
            if (ngrn < 8)
                w->part[w->nparts++] = (sl__abi_part){ 'g', ngrn++, 0, 8 };
            else {
                w->part[w->nparts++] = (sl__abi_part){ 's', (int)nsaa, 0, 8 };
                nsaa += 8;
            }
            continue;
        } else {                                        /* C.8-C.13 */
            int regs = (int)((size + 7) / 8);
            if (align == 16)
                ngrn = (ngrn + 1) & ~1;
            if (ngrn + regs <= 8) {
                for (int j = 0; j < regs; j++) {
                    size_t from = 8 * (size_t)j;
                    w->part[w->nparts++] = (sl__abi_part){ 'g', ngrn++, from,
                                                           size - from < 8 ? size - from : 8 };
                }
                continue;
            }
            ngrn = 8;
        }
        nsaa = round_up(nsaa, align > 8 ? align : 8);   /* C.14-C.17 */
        w->part[w->nparts++] = (sl__abi_part){ 's', (int)nsaa, 0, size };
        nsaa += round_up(size, 8);
    }
}
