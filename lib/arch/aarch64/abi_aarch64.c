/*
 * abi_aarch64.c: the AArch64 half of lib/abi.c: register names, the
 * calling convention the probe meets here (AAPCS64), the names of a saved
 * context's slots, and the C side of the checked call.  The rules
 * themselves are plain C in classify_aapcs64.c, built on every
 * architecture.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stacklab/abi.h>
#include "abi_arch.h"
#include "checked_call.h"
#include "context.h"
#include "probe.h"

/* ---- registers and conventions ----------------------------------------- */

__thread struct sl__check_frame *sl__check_current;

static const char *const gpr_names[SL_PR_I_COUNT] = {
    "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8",
};

static const sl__abi_convention aapcs64 = {
    .name = "AAPCS64",
    .doc = "Procedure Call Standard for the Arm 64-bit Architecture, 6.8.2",
    .int_args = { 0, 1, 2, 3, 4, 5, 6, 7 },
    .n_int_args = 8,
    .n_vec_args = 8,
    .stack_start = 0,
    .positional = false,
    .vararg_count = NULL,
    .class_note = {
        [SL_CLASS_INTEGER] = "INTEGER: the next free of x0-x7, one per 8 bytes (16-byte aligned: an even one)",
        [SL_CLASS_FP] = "FP: the next free of v0-v7; an HFA (1-4 floats or doubles) takes one per member",
        [SL_CLASS_REFERENCE] = "REFERENCE: over 16 bytes and not an HFA: the caller passes a pointer to a copy",
    },
};

const sl__abi_convention *sl__abi_convention_of(sl_call_convention c)
{
    return c == SL_CALL_AAPCS64 ? &aapcs64 : NULL;
}

const char *sl__abi_gpr_name(int i)
{
    return i >= 0 && i < SL_PR_I_COUNT ? gpr_names[i] : NULL;
}

const char *sl__abi_vec_name(int i, char *buf, size_t size)
{
    snprintf(buf, size, "v%u", (unsigned)i % 100u);
    return buf;
}

int sl_probe_register(const sl_probe_snapshot *s, const char *name, uint64_t *value)
{
    int n;
    char tail;

    if (!s || !name || !value)
        return -1;
    for (int i = 0; i < SL_PR_I_COUNT; i++)
        if (strcmp(name, gpr_names[i]) == 0) {
            *value = s->gpr[i];
            return 0;
        }
    if (strcmp(name, "sp") == 0) {
        *value = s->entry_sp;
        return 0;
    }
    if (strcmp(name, "ret") == 0 || strcmp(name, "x30") == 0) {
        *value = s->return_address;
        return 0;
    }
    if ((sscanf(name, "v%d%c", &n, &tail) == 1 || sscanf(name, "d%d%c", &n, &tail) == 1) &&
        n >= 0 && n < 8) {
        memcpy(value, s->vec[n], sizeof *value);
        return 0;
    }
    return -1;
}

int sl_probe_classify(const sl_probe_arg *arg, sl_call_convention conv,
                      sl_arg_class classes[], int max)
{
    if (conv == SL_CALL_AAPCS64)
        return sl__aapcs64_classify(arg, classes, max);
    if (conv == SL_CALL_LP64D)
        return sl__lp64d_classify(arg, classes, max);
    return -1;
}

void sl__abi_place_args(const sl_probe_snapshot *s, const sl_probe_arg *args, int n,
                        sl__abi_place *out)
{
    sl__abi_place_by_rules(s, args, n, out);
}

/* ---- context slots ----------------------------------------------------- */

int sl_context_slots(const sl_context *ctx, sl_context_slot *slots, int max)
{
    static const struct { const char *name; unsigned offset; } layout[] = {
        { "x19", SL_CTX_X19 + 0 }, { "x20", SL_CTX_X19 + 8 }, { "x21", SL_CTX_X19 + 16 },
        { "x22", SL_CTX_X19 + 24 }, { "x23", SL_CTX_X19 + 32 }, { "x24", SL_CTX_X19 + 40 },
        { "x25", SL_CTX_X19 + 48 }, { "x26", SL_CTX_X19 + 56 }, { "x27", SL_CTX_X19 + 64 },
        { "x28", SL_CTX_X19 + 72 }, { "x29", SL_CTX_X29 },
        { "sp", SL_CTX_SP }, { "pc", SL_CTX_PC },
        { "d8", SL_CTX_D8 + 0 }, { "d9", SL_CTX_D8 + 8 }, { "d10", SL_CTX_D8 + 16 },
        { "d11", SL_CTX_D8 + 24 }, { "d12", SL_CTX_D8 + 32 }, { "d13", SL_CTX_D8 + 40 },
        { "d14", SL_CTX_D8 + 48 }, { "d15", SL_CTX_D8 + 56 }, { "fpcr", SL_CTX_FPCR },
    };
    const int n = (int)(sizeof layout / sizeof layout[0]);
    const unsigned char *bytes = (const unsigned char *)ctx;

    _Static_assert(sizeof(sl_context) >= SL_CTX_SIZE, "sl_context too small");
    for (int i = 0; ctx && slots && i < n && i < max; i++) {
        uint64_t v;
        memcpy(&v, bytes + layout[i].offset, sizeof v);
        slots[i].name = layout[i].name;
        slots[i].offset = layout[i].offset;
        slots[i].stored = v;
        slots[i].mangled = layout[i].offset == SL_CTX_SP || layout[i].offset == SL_CTX_PC;
        slots[i].value = slots[i].mangled ? sl__ctx_demangle(v) : v;
    }
    return n;
}

/* ---- the checked call -------------------------------------------------- */

long sl_checked_call(sl_check_report *report, long (*fn)(long, long, long, long),
                     long a, long b, long c, long d)
{
    static const char *const names[SL_CK_NREGS + 1] = {
        "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29",
        "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15", "fpcr",
    };
    struct sl__check_frame f, *prev;            /* every field is written below or by the asm */
    sl_check_report local, *r = report ? report : &local;
    uint64_t expected[SL_CK_NREGS + 1], found[SL_CK_NREGS + 1];

    if (!fn) {
        fprintf(stderr, "stacklab: sl_checked_call: fn is NULL\n");
        abort();
    }
    f.fn = (uint64_t)(uintptr_t)fn;
    f.args[0] = (uint64_t)a;
    f.args[1] = (uint64_t)b;
    f.args[2] = (uint64_t)c;
    f.args[3] = (uint64_t)d;
    for (int i = 0; i < SL_CK_NREGS; i++)
        f.canary[i] = sl__abi_canary();
    /* FPCR canary: rounding toward zero (RMode 0b11, bits 23:22), a mode
     * C code never sets by accident, so a callee that resets FPCR is
     * caught. */
    f.fpcr_canary = 3u << 22;

    prev = sl__check_current;                   /* checked calls may nest */
    sl__checked_call_asm(&f);
    sl__check_current = prev;

    memcpy(expected, f.canary, sizeof f.canary);
    memcpy(found, f.after, sizeof f.after);
    expected[SL_CK_NREGS] = f.fpcr_canary;
    found[SL_CK_NREGS] = f.fpcr_after;
    sl__check_report_fill(r, names, expected, found, SL_CK_NREGS + 1);
    r->stack_pointer_delta = (long)(f.after_sp - f.before_sp);
    r->stack_pointer_ok = r->stack_pointer_delta == 0;
    r->direction_flag_clear = true;             /* no such flag here */
    r->ok = r->clobbered_count == 0 && r->stack_pointer_ok;
    return (long)f.result;
}
