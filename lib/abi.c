/*
 * abi.c: reading what the probe and the checked call recorded.
 *
 * The assembly only copies registers; everything here is plain C over
 * plain records, so it can be tested on a hand-made snapshot.  What is
 * particular to the machine (register names, which registers a
 * convention uses, how it classes a struct) comes from
 * lib/arch/<arch>/abi_<arch>.c through abi_arch.h.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <stacklab/abi.h>
#include "abi_arch.h"

const char *sl_arg_class_name(sl_arg_class c)
{
    static const char *const names[] = {
        [SL_CLASS_NONE] = "NO_CLASS", [SL_CLASS_INTEGER] = "INTEGER",
        [SL_CLASS_SSE] = "SSE", [SL_CLASS_X87] = "X87",
        [SL_CLASS_MEMORY] = "MEMORY", [SL_CLASS_REFERENCE] = "REFERENCE",
        [SL_CLASS_FP] = "FP",
    };
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

/* The search order is the order in which a convention hands out places:
 * integer registers, vector registers, then the stack in eightbytes.  A
 * search cannot know which registers the call used: a scratch register may
 * still hold a copy the caller staged through it, and the 256 bytes may
 * reach the caller's own locals.  sl_probe_print therefore checks the
 * place the rules give instead of searching. */
int sl_probe_find(const sl_probe_snapshot *s, const void *bytes, size_t size,
                  char *where, size_t where_size)
{
    const sl__abi_convention *cv;
    char vec[16];

    if (!s || !bytes || size == 0 || size > 16 || !where || where_size == 0)
        return -1;
    cv = sl__abi_convention_of((sl_call_convention)s->convention);
    if (!cv)
        return -1;
    for (int i = 0; size <= 8 && i < cv->n_int_args; i++)
        if (memcmp(&s->gpr[cv->int_args[i]], bytes, size) == 0) {
            snprintf(where, where_size, "%s", sl__abi_gpr_name(cv->int_args[i]));
            return 0;
        }
    for (int i = 0; i < cv->n_vec_args; i++) {
        if (memcmp(s->vec[i], bytes, size) == 0) {
            snprintf(where, where_size, "%s", sl__abi_vec_name(i, vec, sizeof vec));
            return 0;
        }
        if (size <= 8 && memcmp(s->vec[i] + 8, bytes, size) == 0) {
            snprintf(where, where_size, "%s+8", sl__abi_vec_name(i, vec, sizeof vec));
            return 0;
        }
    }
    for (size_t off = cv->stack_start; off + size <= SL_PROBE_STACK_BYTES; off += 8)
        if (memcmp(s->stack + off, bytes, size) == 0) {
            snprintf(where, where_size, "stack+%zu", off);
            return 0;
        }
    return -1;
}

int sl_probe_print(const sl_probe_snapshot *s, const sl_probe_arg *args, int n, FILE *out)
{
    const sl__abi_convention *cv;
    bool seen[SL_CLASS_COUNT] = { false };
    uint64_t count;
    int err = 0;

    if (!s || !out || (n > 0 && !args))
        return -1;
    cv = sl__abi_convention_of((sl_call_convention)s->convention);
    if (!cv) {
        fprintf(out, "(no probe has run on this thread)\n");
        return -1;
    }
    fprintf(out, "%s (%s)\n  entry sp 0x%llx, return address 0x%llx", cv->name, cv->doc,
            (unsigned long long)s->entry_sp, (unsigned long long)s->return_address);
    if (cv->vararg_count && sl_probe_register(s, cv->vararg_count, &count) == 0)
        fprintf(out, ", %s = %llu (set by variadic calls only)",
                cv->vararg_count, (unsigned long long)count);
    fprintf(out, "\n  %-2s %-24s %4s  %-22s %s\n", "#", "type", "size",
            "class (per eightbyte)", "where");
    sl__abi_place place[n > 0 ? n : 1];

    sl__abi_place_args(s, args, n, place);
    for (int i = 0; i < n; i++) {
        sl_arg_class cls[4];
        int k = sl_probe_classify(&args[i], (sl_call_convention)s->convention, cls, 4);
        char classes[40] = "?", where[96];
        size_t used = 0;

        for (int j = 0; j < k; j++) {
            used += (size_t)snprintf(classes + used, sizeof classes - used, "%s%s",
                                     j ? "," : "", sl_arg_class_name(cls[j]));
            seen[cls[j]] = true;
        }
        /* The place the rules give; when the value is not there, say so
         * and where a search finds it (if anywhere). */
        if (place[i].verified || args[i].size > 16 || !args[i].value)
            snprintf(where, sizeof where, "%s", place[i].text);
        else {
            char found[32];
            if (sl_probe_find(s, args[i].value, args[i].size, found, sizeof found) < 0)
                snprintf(found, sizeof found, "nowhere");
            snprintf(where, sizeof where, "%s? (not there; found at %s)", place[i].text, found);
        }
        fprintf(out, "  %-2d %-24s %4zu  %-22s %s\n", i + 1, args[i].type ? args[i].type : "?",
                args[i].size, classes, where);
    }
    for (int c = SL_CLASS_INTEGER; c < SL_CLASS_COUNT; c++)
        if (seen[c] && cv->class_note[c])
            fprintf(out, "  %s\n", cv->class_note[c]);
    if (cv->stack_start)
        fprintf(out, "  stack+0..%zu is the shadow space the caller reserves for the callee\n",
                cv->stack_start - 1);
    if (ferror(out))
        err = -1;
    return err;
}

int sl_check_print(const sl_check_report *r, FILE *out)
{
    if (!r || !out)
        return -1;
    fprintf(out, "  %-6s %-18s %-18s\n", "reg", "canary", "after the call");
    for (int i = 0; i < r->reg_count; i++)
        fprintf(out, "  %-6s 0x%016llx 0x%016llx  %s\n", r->reg[i].name,
                (unsigned long long)r->reg[i].expected, (unsigned long long)r->reg[i].found,
                r->reg[i].expected == r->reg[i].found ? "kept" : "CLOBBERED");
    fprintf(out, "  stack pointer %s (moved %ld bytes), direction flag %s\n",
            r->stack_pointer_ok ? "kept" : "WRONG", r->stack_pointer_delta,
            r->direction_flag_clear ? "clear" : "SET");
    fprintf(out, "  verdict: %s%s%s\n", r->ok ? "follows the ABI" : "BREAKS the ABI",
            r->clobbered_count ? ", clobbered " : "", r->clobbered);
    return ferror(out) ? -1 : 0;
}

/* ---- the checked call's shared half ---------------------------------------- */

/* Canaries: random (splitmix64 from a random seed), with bit 56 set so
 * that none is 0 or a small number a sloppy callee might load by chance. */
uint64_t sl__abi_canary(void)
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

void sl__check_report_fill(sl_check_report *r, const char *const names[],
                           const uint64_t *expected, const uint64_t *found, int n)
{
    size_t used = 0;

    r->clobbered[0] = '\0';
    r->clobbered_count = 0;
    r->reg_count = n < SL_CHECK_REGS ? n : SL_CHECK_REGS;
    for (int i = 0; i < r->reg_count; i++) {
        r->reg[i].name = names[i];
        r->reg[i].expected = expected[i];
        r->reg[i].found = found[i];
        if (expected[i] == found[i])
            continue;
        used += (size_t)snprintf(r->clobbered + used, sizeof r->clobbered - used, "%s%s",
                                 r->clobbered_count ? "," : "", names[i]);
        if (used >= sizeof r->clobbered)
            used = sizeof r->clobbered - 1;
        r->clobbered_count++;
    }
}

/* ---- the rules as plain C: members, words, predictions ---------------------- */

static const struct abi_scalar {
    const char *name;
    unsigned size;
    sl__abi_kind kind;
} abi_scalars[] = {
    { "char", 1, SL__K_INT }, { "_Bool", 1, SL__K_INT }, { "bool", 1, SL__K_INT },
    { "int8_t", 1, SL__K_INT }, { "uint8_t", 1, SL__K_INT },
    { "short", 2, SL__K_INT }, { "int16_t", 2, SL__K_INT }, { "uint16_t", 2, SL__K_INT },
    { "int", 4, SL__K_INT }, { "int32_t", 4, SL__K_INT }, { "uint32_t", 4, SL__K_INT },
    { "unsigned", 4, SL__K_INT }, { "signed", 4, SL__K_INT },
    { "long", 8, SL__K_INT }, { "long int", 8, SL__K_INT }, { "long long", 8, SL__K_INT },
    { "int64_t", 8, SL__K_INT }, { "uint64_t", 8, SL__K_INT }, { "size_t", 8, SL__K_INT },
    { "intptr_t", 8, SL__K_INT }, { "uintptr_t", 8, SL__K_INT }, { "ptrdiff_t", 8, SL__K_INT },
    { "float", 4, SL__K_FP }, { "double", 8, SL__K_FP },
    { "long double", 16, SL__K_LONG_DOUBLE },
};

/* A scalar type name, ignoring const/signed/unsigned and spaces around;
 * pointers ("char *") are 8-byte integers.  NULL when not understood. */
static const struct abi_scalar *abi_scalar_of(const char *name, size_t len)
{
    static const struct abi_scalar pointer = { "pointer", 8, SL__K_INT };
    char buf[64];
    char *p;

    while (len && name[len - 1] == ' ')
        len--;
    while (len && *name == ' ')
        name++, len--;
    if (len == 0 || len >= sizeof buf)
        return NULL;
    if (name[len - 1] == '*')
        return &pointer;
    memcpy(buf, name, len);
    buf[len] = '\0';
    p = buf;
    for (;;) {
        if (strncmp(p, "const ", 6) == 0)
            p += 6;
        else if (strncmp(p, "signed ", 7) == 0)
            p += 7;
        else if (strncmp(p, "unsigned ", 9) == 0)
            p += 9;
        else
            break;
    }
    for (size_t i = 0; i < sizeof abi_scalars / sizeof abi_scalars[0]; i++)
        if (strcmp(p, abi_scalars[i].name) == 0)
            return &abi_scalars[i];
    return NULL;
}

int sl__abi_members(const sl_probe_arg *arg, sl__abi_member *m, int max,
                    size_t *size, size_t *align)
{
    size_t offset = 0, al = 1;
    int n = 0;

    if (!arg || (!arg->layout && !arg->type))
        return -1;
    if (!arg->layout) {                                 /* a scalar */
        const struct abi_scalar *t = abi_scalar_of(arg->type, strlen(arg->type));
        if (!t || max < 1)
            return -1;
        m[0] = (sl__abi_member){ 0, t->size, t->kind };
        *size = *align = t->size;
        return 1;
    }
    for (const char *p = arg->layout; *p; ) {           /* "long,double[2]" */
        const char *end = p + strcspn(p, ",");
        const char *bracket = memchr(p, '[', (size_t)(end - p));
        unsigned long count = bracket ? strtoul(bracket + 1, NULL, 10) : 1;
        const struct abi_scalar *t = abi_scalar_of(p, (size_t)((bracket ? bracket : end) - p));

        if (!t || count == 0)
            return -1;
        offset = (offset + t->size - 1) / t->size * t->size;
        al = t->size > al ? t->size : al;
        for (unsigned long i = 0; i < count; i++, offset += t->size) {
            if (n == max)
                return -1;
            m[n++] = (sl__abi_member){ offset, t->size, t->kind };
        }
        p = *end ? end + 1 : end;
    }
    *size = (offset + al - 1) / al * al;
    *align = al;
    return n;
}

void sl__abi_where_text(sl_call_convention c, const sl__abi_where *w, char *buf, size_t size)
{
    const char *g = c == SL_CALL_LP64D ? "a" : "x", *f = c == SL_CALL_LP64D ? "fa" : "v";
    size_t used = 0;

    buf[0] = '\0';
    if (w->nparts == 0) {
        snprintf(buf, size, "?");
        return;
    }
    for (int i = 0; i < w->nparts && used < size; i++) {
        const sl__abi_part *p = &w->part[i];
        int k;
        if (p->bank == 's')
            k = p->size > 8 ? snprintf(buf + used, size - used, "%sstack+%d..%zu", i ? " + " : "",
                                       p->n, (size_t)p->n + p->size - 1)
                            : snprintf(buf + used, size - used, "%sstack+%d", i ? " + " : "", p->n);
        else
            k = snprintf(buf + used, size - used, "%s%s%d", i ? " + " : "",
                         p->bank == 'g' ? g : f, p->n);
        used += k > 0 ? (size_t)k : 0;
    }
    if (w->by_reference && used < size)
        snprintf(buf + used, size - used, " = pointer to a copy");
}

int sl_probe_predict(sl_call_convention conv, const sl_probe_arg *args, int n,
                     char (*where)[64])
{
    if (!where || n < 0 || (n > 0 && !args))
        return -1;
    if (conv == SL_CALL_AAPCS64 || conv == SL_CALL_LP64D) {
        sl__abi_where w[n > 0 ? n : 1];
        if (conv == SL_CALL_AAPCS64)
            sl__aapcs64_where(args, n, w);
        else
            sl__lp64d_where(args, n, w);
        for (int i = 0; i < n; i++)
            sl__abi_where_text(conv, &w[i], where[i], 64);
        return 0;
    }
    if (!sl__abi_convention_of(conv)) {
        for (int i = 0; i < n; i++)
            snprintf(where[i], 64, "?");
        return -1;
    }
    /* The probe's own placement, on a snapshot that holds nothing: the
     * text is the rules', the "verified" flags are ignored. */
    sl_probe_snapshot s;
    sl__abi_place p[n > 0 ? n : 1];
    memset(&s, 0, sizeof s);
    s.convention = (uint32_t)conv;
    sl__abi_place_args(&s, args, n, p);
    for (int i = 0; i < n; i++)
        snprintf(where[i], 64, "%s", p[i].text);
    return 0;
}

/* Whether the snapshot holds value at every place of w.  On AArch64 and
 * RISC-V gpr[n] is x<n> / a<n> and vec[n] is v<n> / fa<n>.  A reference
 * counts as held: the copy's address is not known in advance. */
static bool where_holds(const sl_probe_snapshot *s, const sl__abi_where *w, const void *value)
{
    const unsigned char *v = value;

    if (w->nparts == 0 || !v)
        return false;
    if (w->by_reference)
        return true;
    for (int i = 0; i < w->nparts; i++) {
        const sl__abi_part *p = &w->part[i];
        const unsigned char *at =
            p->bank == 'g' ? (p->n < SL_PROBE_GPRS ? (const unsigned char *)&s->gpr[p->n] : NULL) :
            p->bank == 'f' ? (p->n < SL_PROBE_VECS ? s->vec[p->n] : NULL) :
            (size_t)p->n + p->size <= SL_PROBE_STACK_BYTES ? s->stack + p->n : NULL;
        if (!at || memcmp(at, v + p->from, p->size) != 0)
            return false;
    }
    return true;
}

void sl__abi_place_by_rules(const sl_probe_snapshot *s, const sl_probe_arg *args, int n,
                            sl__abi_place *out)
{
    sl_call_convention c = (sl_call_convention)s->convention;
    sl__abi_where w[n > 0 ? n : 1];

    if (c == SL_CALL_AAPCS64)
        sl__aapcs64_where(args, n, w);
    else if (c == SL_CALL_LP64D)
        sl__lp64d_where(args, n, w);
    else
        memset(w, 0, sizeof w);
    for (int i = 0; i < n; i++) {
        sl__abi_where_text(c, &w[i], out[i].text, sizeof out[i].text);
        out[i].verified = where_holds(s, &w[i], args[i].value);
    }
}
