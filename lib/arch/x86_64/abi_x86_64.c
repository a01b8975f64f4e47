/*
 * abi_x86_64.c: the x86-64 half of lib/abi.c: register names, the two
 * calling conventions the probe knows, argument classification, the
 * names of a saved context's slots, and the C side of the checked call.
 *
 * Classification follows the System V AMD64 psABI 3.2.3 "Parameter
 * Passing" (every class: INTEGER, SSE, SSEUP, X87, X87UP, COMPLEX_X87,
 * NO_CLASS, MEMORY; structs, unions, arrays, packed members) over the
 * layout lib/abi.c reads, and the Microsoft x64 convention's "Parameter
 * passing": 1, 2, 4 or 8 bytes by value in one register, anything else by
 * reference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <stacklab/abi.h>
#include "abi_arch.h"
#include "checked_call.h"
#include "context.h"
#include "probe.h"

/* ---- registers and conventions ----------------------------------------- */

__thread struct sl__check_frame *sl__check_current;

static const char *const gpr_names[SL_PR_I_COUNT] = {
    "rdi", "rsi", "rdx", "rcx", "r8", "r9", "rax", "r10",
};

static const sl__abi_convention sysv = {
    .name = "System V AMD64",
    .doc = "psABI 3.2.3, \"Parameter Passing\"",
    .int_args = { SL_PR_I_RDI, SL_PR_I_RSI, SL_PR_I_RDX, SL_PR_I_RCX, SL_PR_I_R8, SL_PR_I_R9 },
    .n_int_args = 6,
    .n_vec_args = 8,
    .stack_start = 0,
    .positional = false,
    .vararg_count = "al",
    .class_note = {
        [SL_CLASS_INTEGER] = "INTEGER: the next free of rdi, rsi, rdx, rcx, r8, r9",
        [SL_CLASS_SSE] = "SSE: the next free of xmm0-xmm7 (two floats share one)",
        [SL_CLASS_SSEUP] = "SSEUP: the upper half of the vector register its SSE eightbyte took",
        [SL_CLASS_X87] = "X87, X87UP (long double): always on the stack as an argument, 16-byte aligned",
        [SL_CLASS_COMPLEX_X87] = "COMPLEX_X87 (long double _Complex): on the stack, 16-byte aligned",
        [SL_CLASS_MEMORY] = "MEMORY: over 16 bytes (or unaligned): copied onto the stack",
    },
};

static const sl__abi_convention ms = {
    .name = "Microsoft x64",
    .doc = "x64 calling convention, \"Parameter passing\"",
    .int_args = { SL_PR_I_RCX, SL_PR_I_RDX, SL_PR_I_R8, SL_PR_I_R9 },
    .n_int_args = 4,
    .n_vec_args = 4,
    .stack_start = 32,
    .positional = true,
    .vararg_count = NULL,
    .class_note = {
        [SL_CLASS_INTEGER] = "INTEGER: by position in rcx, rdx, r8, r9 (structs of 1, 2, 4, 8 bytes too)",
        [SL_CLASS_SSE] = "SSE: float/double by position in xmm0-xmm3 (a variadic call copies it to the integer register)",
        [SL_CLASS_REFERENCE] = "REFERENCE: not 1, 2, 4 or 8 bytes: the caller passes a pointer to a copy",
    },
};

const sl__abi_convention *sl__abi_convention_of(sl_call_convention c)
{
    return c == SL_CALL_SYSV ? &sysv : c == SL_CALL_MS ? &ms : NULL;
}

const char *sl__abi_gpr_name(int i)
{
    return i >= 0 && i < SL_PR_I_COUNT ? gpr_names[i] : NULL;
}

const char *sl__abi_vec_name(int i, char *buf, size_t size)
{
    snprintf(buf, size, "xmm%u", (unsigned)i % 100u);
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
    if (strcmp(name, "al") == 0) {
        *value = s->gpr[SL_PR_I_RAX] & 0xff;
        return 0;
    }
    if (strcmp(name, "rsp") == 0) {
        *value = s->entry_sp;
        return 0;
    }
    if (strcmp(name, "ret") == 0) {
        *value = s->return_address;
        return 0;
    }
    if (sscanf(name, "xmm%d%c", &n, &tail) == 1 && n >= 0 && n < 8) {
        memcpy(value, s->vec[n], sizeof *value);
        return 0;
    }
    return -1;
}

/* ---- classification ---------------------------------------------------- */

/* psABI 3.2.3: the merge of two classes meeting in one eightbyte. */
static sl_arg_class merge(sl_arg_class a, sl_arg_class b)
{
    if (a == b || b == SL_CLASS_NONE)
        return a;
    if (a == SL_CLASS_NONE)
        return b;
    if (a == SL_CLASS_MEMORY || b == SL_CLASS_MEMORY)
        return SL_CLASS_MEMORY;
    if (a == SL_CLASS_INTEGER || b == SL_CLASS_INTEGER)
        return SL_CLASS_INTEGER;
    if (a == SL_CLASS_X87 || b == SL_CLASS_X87 || a == SL_CLASS_X87UP || b == SL_CLASS_X87UP ||
        a == SL_CLASS_COMPLEX_X87 || b == SL_CLASS_COMPLEX_X87)
        return SL_CLASS_MEMORY;
    return SL_CLASS_SSE;
}

/* System V (psABI 3.2.3 "Classification"): each eightbyte of a value of
 * at most 16 bytes takes the merge of the classes of the scalars in it; a
 * scalar's classes: integers INTEGER (__int128: two), float and double SSE,
 * __float128 SSE then SSEUP, long double X87 then X87UP, long double
 * _Complex COMPLEX_X87 (the other _Complex types are classed as a struct of
 * two).  Larger or unaligned: MEMORY.  Returns how many classes. */
static int classify_sysv(const sl__abi_layout *l, sl_arg_class eb[2])
{
    int n = (int)((l->size + 7) / 8);

    eb[0] = eb[1] = SL_CLASS_NONE;
    if (l->scalar && l->is_complex && l->leaf[0].kind == SL__LEAF_LONG_DOUBLE) {
        eb[0] = SL_CLASS_COMPLEX_X87;
        return 1;
    }
    if (l->size > 16 || l->unaligned || l->nleaves > SL__ABI_MAX_LEAVES) {
        eb[0] = SL_CLASS_MEMORY;
        return 1;
    }
    for (int i = 0; i < l->nleaves; i++) {
        const sl__abi_leaf *f = &l->leaf[i];
        size_t e = f->offset / 8;
        sl_arg_class lo = SL_CLASS_INTEGER, hi = SL_CLASS_NONE;

        switch ((sl__leaf_kind)f->kind) {
        case SL__LEAF_INT:         lo = SL_CLASS_INTEGER; break;
        case SL__LEAF_INT128:      lo = hi = SL_CLASS_INTEGER; break;
        case SL__LEAF_FLOAT:       lo = SL_CLASS_SSE; break;
        case SL__LEAF_FLOAT128:    lo = SL_CLASS_SSE, hi = SL_CLASS_SSEUP; break;
        case SL__LEAF_LONG_DOUBLE: lo = SL_CLASS_X87, hi = SL_CLASS_X87UP; break;
        }
        eb[e] = merge(eb[e], lo);
        if (hi != SL_CLASS_NONE)
            eb[e + 1] = merge(eb[e + 1], hi);
    }
    /* The post-merger cleanup. */
    if (eb[0] == SL_CLASS_MEMORY || eb[1] == SL_CLASS_MEMORY ||
        (eb[1] == SL_CLASS_X87UP && eb[0] != SL_CLASS_X87)) {
        eb[0] = SL_CLASS_MEMORY;
        return 1;
    }
    if (eb[1] == SL_CLASS_SSEUP && eb[0] != SL_CLASS_SSE)
        eb[1] = SL_CLASS_SSE;
    return n;
}

/* Microsoft x64 ("Parameter passing"): a value of 1, 2, 4 or 8 bytes goes
 * by value, a float or double in a vector register and anything else
 * (structs and unions too) in an integer register; other sizes go by
 * reference. */
static int classify_ms(const sl__abi_layout *l, sl_arg_class c[1])
{
    bool by_value = l->size == 1 || l->size == 2 || l->size == 4 || l->size == 8;

    if (!by_value)
        c[0] = SL_CLASS_REFERENCE;
    else if (l->scalar && !l->is_complex && l->leaf[0].kind == SL__LEAF_FLOAT)
        c[0] = SL_CLASS_SSE;
    else
        c[0] = SL_CLASS_INTEGER;
    return 1;
}

int sl_probe_classify(const sl_probe_arg *arg, sl_call_convention conv,
                      sl_arg_class classes[], int max)
{
    sl__abi_layout l;
    sl_arg_class c[2];
    int n;

    if (!arg || !classes || max < 1 || (conv != SL_CALL_SYSV && conv != SL_CALL_MS) ||
        sl__abi_layout_of(arg, &l) < 0)
        return -1;
    n = conv == SL_CALL_SYSV ? classify_sysv(&l, c) : classify_ms(&l, c);
    for (int i = 0; i < n && i < max; i++)
        classes[i] = c[i];
    return n;
}

/* ---- where each argument should be -------------------------------------- */

static size_t place_append(sl__abi_place *p, size_t used, const char *sep, const char *reg)
{
    int n = snprintf(p->text + used, sizeof p->text - used, "%s%s", sep, reg);
    used += n > 0 ? (size_t)n : 0;
    return used < sizeof p->text ? used : sizeof p->text - 1;
}

/* Microsoft x64: argument i takes slot i, a register or 8 bytes of stack. */
static void place_ms(const sl_probe_snapshot *s, const sl__abi_convention *cv, int i,
                     const sl_probe_arg *a, const sl__abi_layout *l, sl_arg_class c,
                     sl__abi_place *p)
{
    const unsigned char *v = a->value;
    bool reg = i < cv->n_int_args;
    size_t at = cv->stack_start + 8 * (size_t)(i - cv->n_int_args);
    char vname[12];
    const char *rname = !reg ? NULL : c == SL_CLASS_SSE ? sl__abi_vec_name(i, vname, sizeof vname)
                                                        : gpr_names[cv->int_args[i]];

    if (c == SL_CLASS_REFERENCE) {
        uint64_t base = s->entry_sp + 8;
        if (reg)
            snprintf(p->text, sizeof p->text, "%s = pointer to a copy", rname);
        else
            snprintf(p->text, sizeof p->text, "stack+%zu = pointer to a copy", at);
        if (reg)
            p->copy = (uintptr_t)s->gpr[cv->int_args[i]];
        else if (at + 8 <= SL_PROBE_STACK_BYTES)
            memcpy(&p->copy, s->stack + at, sizeof p->copy);
        /* The copy is in the caller's frame; checked here when the
         * snapshot's stack bytes reach it, else its address is not known
         * in advance and the place counts as held, unless no pointer was
         * passed at all (a null one, or the slot is past the snapshot). */
        p->verified = p->copy &&
                      (!(p->copy >= base && p->copy + a->size <= base + SL_PROBE_STACK_BYTES) ||
                       sl__abi_holds(l, s->stack + (p->copy - base), v, 0, a->size));
    } else if (reg) {
        snprintf(p->text, sizeof p->text, "%s", rname);
        p->verified = sl__abi_holds(l, c == SL_CLASS_SSE ? s->vec[i]
                                    : (const unsigned char *)&s->gpr[cv->int_args[i]],
                                    v, 0, a->size);
    } else {
        snprintf(p->text, sizeof p->text, "stack+%zu", at);
        p->verified = at + a->size <= SL_PROBE_STACK_BYTES &&
                      sl__abi_holds(l, s->stack + at, v, 0, a->size);
    }
}

/* Where the convention puts each argument (psABI 3.2.3's algorithm: each
 * eightbyte takes the next free register of its class, SSEUP the rest of
 * the vector register SSE took; a value whose eightbytes do not all fit
 * goes to the stack whole and leaves the registers to later arguments;
 * MEMORY and the x87 classes go to the stack, aligned to 16 when the type
 * is; Microsoft x64: slot n for argument n), and whether the snapshot
 * holds the value there.  Once an argument cannot be classified, the
 * System V places of those after it are unknown too: it may have taken
 * registers of either kind, or stack. */
void sl__abi_place_args(const sl_probe_snapshot *s, const sl_probe_arg *args, int n,
                        sl__abi_place *out)
{
    const sl__abi_convention *cv = sl__abi_convention_of((sl_call_convention)s->convention);
    int ints = 0, vecs = 0;
    size_t off = cv ? cv->stack_start : 0;
    bool lost = false;

    for (int i = 0; i < n; i++) {
        const sl_probe_arg *a = &args[i];
        const unsigned char *v = a->value;
        sl__abi_place *p = &out[i];
        sl__abi_layout l;
        sl_arg_class c[2];
        int k = -1, need_int = 0, need_vec = 0;
        size_t used = 0;
        bool on_stack = false;

        memset(p, 0, sizeof *p);
        if (cv && sl__abi_layout_of(a, &l) == 0)
            k = cv->positional ? classify_ms(&l, c) : classify_sysv(&l, c);
        if (k < 1 || !v || (lost && !cv->positional)) {
            snprintf(p->text, sizeof p->text, "?");
            lost = true;
            continue;
        }
        if (cv->positional) {
            place_ms(s, cv, i, a, &l, c[0], p);
            continue;
        }
        /* System V */
        for (int j = 0; j < k; j++) {
            need_int += c[j] == SL_CLASS_INTEGER;
            need_vec += c[j] == SL_CLASS_SSE;
            on_stack |= c[j] == SL_CLASS_MEMORY || c[j] == SL_CLASS_X87 ||
                        c[j] == SL_CLASS_X87UP || c[j] == SL_CLASS_COMPLEX_X87;
        }
        if (on_stack || ints + need_int > cv->n_int_args || vecs + need_vec > cv->n_vec_args) {
            size_t align = l.align > 8 ? 16 : 8;
            off = (off + align - 1) / align * align;
            if (a->size > 8)
                snprintf(p->text, sizeof p->text, "stack+%zu..%zu", off, off + a->size - 1);
            else
                snprintf(p->text, sizeof p->text, "stack+%zu", off);
            p->verified = off + a->size <= SL_PROBE_STACK_BYTES &&
                          sl__abi_holds(&l, s->stack + off, v, 0, a->size);
            off += (a->size + 7) / 8 * 8;
            continue;
        }
        p->verified = true;
        for (int j = 0; j < k; j++) {
            size_t part = a->size - 8 * (size_t)j < 8 ? a->size - 8 * (size_t)j : 8;
            char vname[12];
            const char *sep = used ? " + " : "";
            if (c[j] == SL_CLASS_INTEGER) {
                int r = cv->int_args[ints++];
                used = place_append(p, used, sep, gpr_names[r]);
                p->verified &= sl__abi_holds(&l, (const unsigned char *)&s->gpr[r], v, 8 * (size_t)j, part);
            } else if (c[j] == SL_CLASS_SSE) {
                int r = vecs++;
                bool up = j + 1 < k && c[j + 1] == SL_CLASS_SSEUP;
                used = place_append(p, used, sep, sl__abi_vec_name(r, vname, sizeof vname));
                p->verified &= sl__abi_holds(&l, s->vec[r], v, 8 * (size_t)j, up ? 16 : part);
            }                                   /* SSEUP: with its SSE; NO_CLASS: nowhere */
        }
    }
}

/* ---- context slots ----------------------------------------------------- */

int sl_context_slots(const sl_context *ctx, sl_context_slot *slots, int max)
{
    static const struct { const char *name; unsigned offset; int kind; } layout[] = {
        { "rbx", SL_CTX_RBX, 0 }, { "rbp", SL_CTX_RBP, 0 }, { "r12", SL_CTX_R12, 0 },
        { "r13", SL_CTX_R13, 0 }, { "r14", SL_CTX_R14, 0 }, { "r15", SL_CTX_R15, 0 },
        { "rsp", SL_CTX_RSP, 1 }, { "rip", SL_CTX_RIP, 1 },
        { "mxcsr", SL_CTX_MXCSR, 2 }, { "x87cw", SL_CTX_FPUCW, 3 },
    };
    const int n = (int)(sizeof layout / sizeof layout[0]);
    const unsigned char *bytes = (const unsigned char *)ctx;

    _Static_assert(sizeof(sl_context) >= SL_CTX_SIZE, "sl_context too small");
    for (int i = 0; ctx && slots && i < n && i < max; i++) {
        uint64_t v = 0;
        memcpy(&v, bytes + layout[i].offset,
               layout[i].kind == 2 ? 4 : layout[i].kind == 3 ? 2 : 8);
        slots[i].name = layout[i].name;
        slots[i].offset = layout[i].offset;
        slots[i].stored = v;
        slots[i].mangled = layout[i].kind == 1;
        slots[i].value = slots[i].mangled ? sl__ctx_demangle(v) : v;
    }
    return n;
}

/* ---- the checked call -------------------------------------------------- */

/* Canaries: random (splitmix64 from a random seed), with bit 56 set so
 * that none is 0 or a small number a sloppy callee might load by chance. */
static uint64_t canary(void)
{
    static __thread uint64_t state;
    uint64_t z;

    if (state == 0 && getrandom(&state, sizeof state, GRND_NONBLOCK) != (ssize_t)sizeof state)
        state = (uint64_t)(uintptr_t)&state ^ 0x9e3779b97f4a7c15u;
    z = (state += 0x9e3779b97f4a7c15u);                  /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (z ^ (z >> 31)) | (1ull << 56);
}

long sl_checked_call(sl_check_report *report, long (*fn)(long, long, long, long),
                     long a, long b, long c, long d)
{
    static const char *const names[SL_CK_NREGS] = { "rbx", "rbp", "r12", "r13", "r14", "r15" };
    struct sl__check_frame f, *prev;            /* every field is written below or by the asm */
    sl_check_report local, *r = report ? report : &local;
    size_t used = 0;

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
        f.canary[i] = canary();
    /* MXCSR canary: the default (0x1f80, all exceptions masked, round to
     * nearest) with rounding toward zero, a mode C code never sets by
     * accident, so a callee that resets MXCSR is caught. */
    f.mxcsr_canary = 0x1f80 | 0x6000;

    prev = sl__check_current;                   /* checked calls may nest */
    sl__checked_call_asm(&f);
    sl__check_current = prev;

    r->clobbered[0] = '\0';
    r->clobbered_count = 0;
    for (int i = 0; i < SL_CK_NREGS; i++) {
        r->reg[i].name = names[i];
        r->reg[i].expected = f.canary[i];
        r->reg[i].found = f.after[i];
    }
    r->reg[SL_CK_NREGS].name = "mxcsr";
    r->reg[SL_CK_NREGS].expected = f.mxcsr_canary;
    r->reg[SL_CK_NREGS].found = f.mxcsr_after;
    r->reg_count = SL_CK_NREGS + 1;
    for (int i = 0; i < r->reg_count; i++) {
        if (r->reg[i].expected == r->reg[i].found)
            continue;
        used += (size_t)snprintf(r->clobbered + used, sizeof r->clobbered - used, "%s%s",
                                 r->clobbered_count ? "," : "", r->reg[i].name);
        if (used >= sizeof r->clobbered)
            used = sizeof r->clobbered - 1;
        r->clobbered_count++;
    }
    r->stack_pointer_delta = (long)(f.after_rsp - f.before_rsp);
    r->stack_pointer_ok = r->stack_pointer_delta == 0;
    r->direction_flag_clear = !(f.rflags & SL_CK_RFLAGS_DF);
    r->ok = r->clobbered_count == 0 && r->stack_pointer_ok && r->direction_flag_clear;
    return (long)f.result;
}
