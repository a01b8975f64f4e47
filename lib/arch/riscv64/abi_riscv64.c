/*
 * abi_riscv64.c: the RISC-V half of lib/abi.c: register names, the
 * calling convention the probe meets here (LP64D), the names of a saved
 * context's slots, and the C side of the checked call.  The rules
 * themselves are plain C in classify_lp64d.c, built on every architecture.
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
    "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
};

static const sl__abi_convention lp64d = {
    .name = "RISC-V LP64D",
    .doc = "RISC-V ABIs Specification, \"Hardware Floating-point Calling Convention\"",
    .int_args = { 0, 1, 2, 3, 4, 5, 6, 7 },
    .n_int_args = 8,
    .n_vec_args = 8,
    .stack_start = 0,
    .positional = false,
    .vararg_count = NULL,
    .class_note = {
        [SL_CLASS_INTEGER] = "INTEGER: the next free of a0-a7, one per 8 bytes (a 16-byte value may split a7/stack)",
        [SL_CLASS_FP] = "FP: the next free of fa0-fa7 (structs of one or two floats, or a float and an integer, too)",
        [SL_CLASS_REFERENCE] = "REFERENCE: over 16 bytes: the caller passes a pointer to a copy",
    },
};

const sl__abi_convention *sl__abi_convention_of(sl_call_convention c)
{
    return c == SL_CALL_LP64D ? &lp64d : NULL;
}

const char *sl__abi_gpr_name(int i)
{
    return i >= 0 && i < SL_PR_I_COUNT ? gpr_names[i] : NULL;
}

const char *sl__abi_vec_name(int i, char *buf, size_t size)
{
    snprintf(buf, size, "fa%u", (unsigned)i % 100u);
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
    if (strcmp(name, "ret") == 0 || strcmp(name, "ra") == 0) {
        *value = s->return_address;
        return 0;
    }
    if (sscanf(name, "fa%d%c", &n, &tail) == 1 && n >= 0 && n < 8) {
        memcpy(value, s->vec[n], sizeof *value);
        return 0;
    }
    return -1;
}

int sl_probe_classify(const sl_probe_arg *arg, sl_call_convention conv,
                      sl_arg_class classes[], int max)
{
    if (conv == SL_CALL_LP64D)
        return sl__lp64d_classify(arg, classes, max);
    if (conv == SL_CALL_AAPCS64)
        return sl__aapcs64_classify(arg, classes, max);
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
    static const char *const s_names[12] = {
        "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
    };
    static const char *const fs_names[12] = {
        "fs0", "fs1", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11",
    };
    const int n = 12 + 2 + 12 + 1;
    const unsigned char *bytes = (const unsigned char *)ctx;

    _Static_assert(sizeof(sl_context) >= SL_CTX_SIZE, "sl_context too small");
    for (int i = 0; ctx && slots && i < n && i < max; i++) {
        unsigned off = i < 12 ? SL_CTX_S0 + 8 * (unsigned)i
                     : i == 12 ? SL_CTX_SP : i == 13 ? SL_CTX_PC
                     : i < 26 ? SL_CTX_FS0 + 8 * (unsigned)(i - 14) : SL_CTX_FCSR;
        uint64_t v;
        memcpy(&v, bytes + off, sizeof v);
        slots[i].name = i < 12 ? s_names[i] : i == 12 ? "sp" : i == 13 ? "pc"
                      : i < 26 ? fs_names[i - 14] : "fcsr";
        slots[i].offset = off;
        slots[i].stored = v;
        slots[i].mangled = i == 12 || i == 13;
        slots[i].value = slots[i].mangled ? sl__ctx_demangle(v) : v;
    }
    return n;
}

/* ---- the checked call -------------------------------------------------- */

long sl_checked_call(sl_check_report *report, long (*fn)(long, long, long, long),
                     long a, long b, long c, long d)
{
    static const char *const names[SL_CK_NREGS + 1] = {
        "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
        "fs0", "fs1", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11",
        "fcsr",
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
    /* fcsr canary: frm (bits 7:5) = 001, round toward zero, a mode C code
     * never sets by accident, so a callee that resets it is caught. */
    f.fcsr_canary = 1u << 5;

    prev = sl__check_current;                   /* checked calls may nest */
    sl__checked_call_asm(&f);
    sl__check_current = prev;

    memcpy(expected, f.canary, sizeof f.canary);
    memcpy(found, f.after, sizeof f.after);
    expected[SL_CK_NREGS] = f.fcsr_canary;
    found[SL_CK_NREGS] = f.fcsr_after;
    sl__check_report_fill(r, names, expected, found, SL_CK_NREGS + 1);
    r->stack_pointer_delta = (long)(f.after_sp - f.before_sp);
    r->stack_pointer_ok = r->stack_pointer_delta == 0;
    r->direction_flag_clear = true;             /* no such flag here */
    r->ok = r->clobbered_count == 0 && r->stack_pointer_ok;
    return (long)f.result;
}
