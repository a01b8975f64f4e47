/*
 * abi.c: reading what the probe and the checked call recorded.
 *
 * The assembly only copies registers; everything here is plain C over
 * plain records, so it can be tested on a hand-made snapshot.  What is
 * particular to the machine (register names, which registers a
 * convention uses, how it classes a struct) comes from
 * lib/arch/<arch>/abi_<arch>.c through abi_arch.h.
 */
#include <stdio.h>
#include <string.h>

#include <stacklab/abi.h>
#include "abi_arch.h"

const char *sl_arg_class_name(sl_arg_class c)
{
    static const char *const names[] = {
        [SL_CLASS_NONE] = "NO_CLASS", [SL_CLASS_INTEGER] = "INTEGER",
        [SL_CLASS_SSE] = "SSE", [SL_CLASS_X87] = "X87",
        [SL_CLASS_MEMORY] = "MEMORY", [SL_CLASS_REFERENCE] = "REFERENCE",
    };
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

/* The search order is the order in which a convention hands out places:
 * integer registers, vector registers, then the stack in eightbytes. */
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

/* Where one argument went: each eightbyte found on its own ("rsi + xmm0"),
 * or the whole value in one place when it is there ("stack+16"). */
static void locate(const sl_probe_snapshot *s, const sl__abi_convention *cv,
                   const sl_probe_arg *a, int number, sl_arg_class first,
                   char *out, size_t size)
{
    const unsigned char *v = a->value;
    size_t used = 0;

    out[0] = '\0';
    if (first == SL_CLASS_REFERENCE) {
        /* Positional: argument n's slot holds a pointer to a copy. */
        if (number <= cv->n_int_args)
            snprintf(out, size, "%s = pointer to a copy",
                     sl__abi_gpr_name(cv->int_args[number - 1]));
        else
            snprintf(out, size, "stack+%zu = pointer to a copy",
                     cv->stack_start + 8 * (size_t)(number - 1 - cv->n_int_args));
        return;
    }
    if (a->size > 8 && a->size <= 16 && sl_probe_find(s, v, a->size, out, size) == 0 &&
        strncmp(out, "stack", 5) == 0)
        return;
    if (a->size > 16) {
        char where[32];
        /* Large values are copied whole: find the first eightbyte. */
        if (sl_probe_find(s, v, 8, where, sizeof where) == 0)
            snprintf(out, size, "%s..+%zu", where, a->size - 1);
        else
            snprintf(out, size, "not found");
        return;
    }
    for (size_t off = 0; off < a->size; off += 8) {
        char where[32];
        size_t n = a->size - off < 8 ? a->size - off : 8;
        if (sl_probe_find(s, v + off, n, where, sizeof where) < 0)
            snprintf(where, sizeof where, "not found");
        used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s%s",
                                 off ? " + " : "", where);
        if (used >= size)
            return;
    }
}

int sl_probe_print(const sl_probe_snapshot *s, const sl_probe_arg *args, int n, FILE *out)
{
    const sl__abi_convention *cv;
    bool seen[SL_CLASS_REFERENCE + 1] = { false };
    uint64_t count;
    int err = 0;

    if (!s || !out || (n > 0 && !args))
        return -1;
    cv = sl__abi_convention_of((sl_call_convention)s->convention);
    if (!cv) {
        fprintf(out, "(no probe has run on this thread)\n");
        return -1;
    }
    fprintf(out, "%s (%s): entry sp 0x%llx, return address 0x%llx",
            cv->name, cv->doc, (unsigned long long)s->entry_sp,
            (unsigned long long)s->return_address);
    if (cv->vararg_count && sl_probe_register(s, cv->vararg_count, &count) == 0)
        fprintf(out, ", %s = %llu", cv->vararg_count, (unsigned long long)count);
    fprintf(out, "\n  %-2s %-24s %4s  %-22s %s\n", "#", "type", "size",
            "class (per eightbyte)", "where");
    for (int i = 0; i < n; i++) {
        sl_arg_class cls[2];
        int k = sl_probe_classify(&args[i], (sl_call_convention)s->convention, cls, 2);
        char classes[40] = "?", where[96];
        size_t used = 0;

        for (int j = 0; j < k; j++) {
            used += (size_t)snprintf(classes + used, sizeof classes - used, "%s%s",
                                     j ? "," : "", sl_arg_class_name(cls[j]));
            seen[cls[j]] = true;
        }
        locate(s, cv, &args[i], i + 1, k > 0 ? cls[0] : SL_CLASS_NONE, where, sizeof where);
        fprintf(out, "  %-2d %-24s %4zu  %-22s %s\n", i + 1, args[i].type ? args[i].type : "?",
                args[i].size, classes, where);
    }
    for (int c = SL_CLASS_INTEGER; c <= SL_CLASS_REFERENCE; c++)
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
