/*
 * probe_fuzz.c: the probe fuzzer's driver.  Runs every generated case
 * (probe_fuzz_gen.c) and checks, for each argument, that its bytes are
 * where stacklab's classifier says the convention puts them: the oracle is
 * the compiler that built the cases (gcc or clang), the judge the probe's
 * snapshot of registers and stack at entry.
 *
 *     probe_fuzz LABEL        e.g. "clang -O2"; exit 1 on any disagreement
 *
 * An argument by reference (ms_abi) is checked through its pointer: the
 * copy it points at must hold the value.  Stack places beyond the 256
 * bytes the probe copies cannot be checked and are counted apart.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stacklab/target.h>
#include "abi_arch.h"
#include "probe_fuzz.h"

static uint64_t fill_state = 0x5eed;
static int checked, agreed, unknown, beyond, failures, after_deviation;

/* Where clang 14 departs from the conventions (gcc follows them on every
 * case): each disagreement of this kind is counted under its reason, and
 * the arguments after it in the same call, whose places it moved, are not
 * compared.  Any other disagreement fails. */
static const char *const deviation_text[] = {
    "__int128 on the stack aligned to 8 bytes (psABI: 16; LLVM 18 aligns it)",
    "a struct or union holding __float128 passed in memory (psABI: SSE, SSEUP: one xmm register)",
    "ms_abi __float128 passed in an xmm register, taking no argument slot (gcc: by reference)",
};
static int deviations[3];

static int clang_deviation(const sl__abi_layout *l, sl_call_convention conv, const char *place)
{
    bool f128 = false;

    for (int i = 0; i < l->nleaves && i < SL__ABI_MAX_LEAVES; i++)
        f128 |= l->leaf[i].kind == SL__LEAF_FLOAT128;
    if (conv == SL_CALL_SYSV && l->scalar && l->leaf[0].kind == SL__LEAF_INT128 &&
        strncmp(place, "stack+", 6) == 0)
        return 0;
    if (conv == SL_CALL_SYSV && !l->scalar && f128 && strncmp(place, "stack+", 6) != 0)
        return 1;
    if (conv == SL_CALL_MS && f128)
        return 2;
    return -1;
}

/* Whether the snapshot's stack arguments hold a's value at some 8-byte
 * aligned offset.  clang -O2 may copy a struct it passes in memory through
 * the very xmm register the psABI names for it: the value is then in both,
 * and the copy on the stack is the one passed. */
static bool also_on_stack(const sl_probe_snapshot *s, const sl__abi_layout *l,
                          const sl_probe_arg *a)
{
    for (size_t off = 0; off + a->size <= SL_PROBE_STACK_BYTES; off += 8)
        if (sl__abi_holds(l, s->stack + off, a->value, 0, a->size))
            return true;
    return false;
}

void fz_fill(void *p, size_t n)
{
    unsigned char *b = p;

    for (size_t i = 0; i < n; i++) {
        uint64_t z = (fill_state += 0x9e3779b97f4a7c15u);   /* splitmix64 */
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        b[i] = (unsigned char)(z ^ (z >> 31));
    }
}

long double fz_real(void)
{
    uint64_t r;
    fz_fill(&r, sizeof r);
    return (long double)(r >> 11) / 3.0L + 1.0L;
}

void fz_complex(long double _Complex *z)
{
    long double *part = (long double *)z;       /* C11 6.2.5: an array of two */
    part[0] = fz_real();
    part[1] = fz_real();
}

void fz_check(int k, const char *proto, const sl_probe_arg *args, int n, int fixed)
{
    const sl_probe_snapshot *s = sl_probe_last();
    sl_call_convention conv = (sl_call_convention)s->convention;
    sl__abi_place place[16];

    sl__abi_place_args(s, args, n, place);
    for (int i = 0; i < n; i++) {
        sl__abi_layout l;
        sl_arg_class c[4];
        size_t off;
        bool ok, by_ref;
        int why;

        if (sl_probe_classify(&args[i], conv, c, 4) < 0 || sl__abi_layout_of(&args[i], &l) < 0) {
            unknown++;
            printf("case %d: %s\n  argument %d (%s): not classified\n", k, proto, i + 1,
                   args[i].type);
            continue;
        }
        by_ref = strstr(place[i].text, "= pointer to a copy") != NULL;
        if (sscanf(place[i].text, "stack+%zu", &off) == 1 &&
            off + (by_ref ? 8 : args[i].size) > SL_PROBE_STACK_BYTES) {
            beyond++;
            continue;
        }
        ok = place[i].verified;
        if (by_ref) {           /* the pointer passed is to a copy holding the value */
            unsigned char copy[512];
            /* Not a copy: a null pointer, or a stale one to the variable itself. */
            ok = place[i].copy && place[i].copy != (uintptr_t)args[i].value &&
                 args[i].size <= sizeof copy &&
                 sl_target_read(sl_target_self(), place[i].copy, copy, args[i].size) == 0 &&
                 sl__abi_holds(&l, copy, args[i].value, 0, args[i].size);
        }
        if (fz_by_clang && (why = clang_deviation(&l, conv, place[i].text)) >= 0 &&
            (!ok || (why == 1 && also_on_stack(s, &l, &args[i])))) {
            deviations[why]++;
            after_deviation += n - i - 1;
            return;
        }
        checked++;
        if (ok) {
            agreed++;
            continue;
        }
        char found[32];
        if (sl_probe_find_arg(s, &args[i], found, sizeof found) < 0)
            snprintf(found, sizeof found, "nowhere");
        if (failures++ < 40)
            printf("case %d: %s\n  argument %d (%s%s, %zu bytes): predicted %s, found at %s\n",
                   k, proto, i + 1, args[i].type, i >= fixed ? ", variadic" : "", args[i].size,
                   place[i].text, found);
    }
}

int main(int argc, char **argv)
{
    const char *label = argc > 1 ? argv[1] : "?";
    int known;

    for (int k = 0; k < fz_ncases; k++)
        fz_cases[k]();
    known = deviations[0] + deviations[1] + deviations[2];
    printf("probe fuzz (%s): %d prototypes, %d arguments checked, %d agree, %d disagree"
           " (%d not classified, %d past the snapshot)\n", label, fz_ncases, checked, agreed,
           checked - agreed, unknown, beyond);
    if (known) {
        printf("  not compared: %d known clang %d deviations, and the %d arguments after them"
               " in the same calls:\n", known, fz_by_clang, after_deviation);
        for (int i = 0; i < 3; i++)
            if (deviations[i])
                printf("    %3d  %s\n", deviations[i], deviation_text[i]);
    }
    return checked == agreed && unknown == 0 ? 0 : 1;
}
