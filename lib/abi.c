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
        sl_arg_class cls[2];
        int k = sl_probe_classify(&args[i], (sl_call_convention)s->convention, cls, 2);
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
