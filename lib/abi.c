/*
 * abi.c: reading what the probe and the checked call recorded.
 *
 * The assembly only copies registers; everything here is plain C over
 * plain records, so it can be tested on a hand-made snapshot.  What is
 * particular to the machine (register names, which registers a
 * convention uses, how it classes a struct) comes from
 * lib/arch/<arch>/abi_<arch>.c through abi_arch.h.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#else
#define VALGRIND_MAKE_MEM_DEFINED(addr, len) ((void)(addr), (void)(len))
#endif

#include <stacklab/abi.h>
#include "abi_arch.h"
#include "probe.h"
#include "thread_block.h"

const char *sl_arg_class_name(sl_arg_class c)
{
    static const char *const names[SL_CLASS_COUNT] = {
        [SL_CLASS_NONE] = "NO_CLASS", [SL_CLASS_INTEGER] = "INTEGER",
        [SL_CLASS_SSE] = "SSE", [SL_CLASS_X87] = "X87",
        [SL_CLASS_MEMORY] = "MEMORY", [SL_CLASS_REFERENCE] = "REFERENCE",
        [SL_CLASS_FP] = "FP",
        [SL_CLASS_SSEUP] = "SSEUP", [SL_CLASS_X87UP] = "X87UP",
        [SL_CLASS_COMPLEX_X87] = "COMPLEX_X87",
    };
    return (unsigned)c < SL_CLASS_COUNT ? names[c] : "?";
}

/* ---- C layout: type names and layout strings ----------------------------
 *
 * A type name is read as C reads declaration specifiers: words in any
 * order ("long unsigned int" is "unsigned long"), qualifiers ignored.
 * A layout is a struct body: members separated by commas, each a type
 * with optional array bounds or a {group}; "union" and "packed" mark a
 * group.  Sizes and alignments are LP64's (x86-64, AArch64, RISC-V). */

typedef struct scalar {
    unsigned size, align;           /* of the whole scalar (a _Complex: both halves) */
    sl__leaf_kind kind;
    bool is_complex;
} scalar;

/* Single-word names from <stddef.h>, <stdint.h>, <sys/types.h>, <wchar.h>,
 * <uchar.h> and the compilers' own. */
static const struct { const char *name; unsigned size; sl__leaf_kind kind; } named[] = {
    { "size_t", 8, SL__LEAF_INT }, { "ssize_t", 8, SL__LEAF_INT },
    { "ptrdiff_t", 8, SL__LEAF_INT }, { "intptr_t", 8, SL__LEAF_INT },
    { "uintptr_t", 8, SL__LEAF_INT }, { "intmax_t", 8, SL__LEAF_INT },
    { "uintmax_t", 8, SL__LEAF_INT }, { "off_t", 8, SL__LEAF_INT },
    { "time_t", 8, SL__LEAF_INT }, { "pid_t", 4, SL__LEAF_INT },
    { "uid_t", 4, SL__LEAF_INT }, { "gid_t", 4, SL__LEAF_INT },
    { "mode_t", 4, SL__LEAF_INT }, { "wchar_t", 4, SL__LEAF_INT },
    { "wint_t", 4, SL__LEAF_INT }, { "char16_t", 2, SL__LEAF_INT },
    { "char32_t", 4, SL__LEAF_INT }, { "int8_t", 1, SL__LEAF_INT },
    { "uint8_t", 1, SL__LEAF_INT }, { "int16_t", 2, SL__LEAF_INT },
    { "uint16_t", 2, SL__LEAF_INT }, { "int32_t", 4, SL__LEAF_INT },
    { "uint32_t", 4, SL__LEAF_INT }, { "int64_t", 8, SL__LEAF_INT },
    { "uint64_t", 8, SL__LEAF_INT }, { "bool", 1, SL__LEAF_INT },
    { "_Bool", 1, SL__LEAF_INT }, { "__int128_t", 16, SL__LEAF_INT128 },
    { "__uint128_t", 16, SL__LEAF_INT128 }, { "_Float32", 4, SL__LEAF_FLOAT },
    { "_Float64", 8, SL__LEAF_FLOAT }, { "__float128", 16, SL__LEAF_FLOAT128 },
    { "_Float128", 16, SL__LEAF_FLOAT128 },
};

static bool is_word(const char *p, size_t len, const char *w)
{
    return strlen(w) == len && strncmp(p, w, len) == 0;
}

/* Reads the type name in [p, p + len).  Returns 0, or -1. */
static int scalar_of(const char *p, size_t len, scalar *t)
{
    int longs = 0, shorts = 0, ints = 0, chars = 0, signs = 0, floats = 0, doubles = 0;
    int int128 = 0, complex = 0, enums = 0, name = -1;
    const char *end = p + len;

    if (memchr(p, '*', len)) {                  /* any pointer, function pointers too */
        *t = (scalar){ 8, 8, SL__LEAF_INT, false };
        return 0;
    }
    while (p < end) {
        size_t n;
        while (p < end && *p == ' ')
            p++;
        n = 0;
        while (p + n < end && p[n] != ' ')
            n++;
        if (n == 0)
            break;
        if (is_word(p, n, "const") || is_word(p, n, "volatile") || is_word(p, n, "restrict"))
            ;
        else if (is_word(p, n, "signed") || is_word(p, n, "unsigned"))
            signs++;
        else if (is_word(p, n, "long"))
            longs++;
        else if (is_word(p, n, "short"))
            shorts++;
        else if (is_word(p, n, "int"))
            ints++;
        else if (is_word(p, n, "char"))
            chars++;
        else if (is_word(p, n, "float"))
            floats++;
        else if (is_word(p, n, "double"))
            doubles++;
        else if (is_word(p, n, "__int128"))
            int128++;
        else if (is_word(p, n, "_Complex") || is_word(p, n, "complex") ||
                 is_word(p, n, "__complex__"))
            complex++;
        else if (is_word(p, n, "enum") && enums == 0) {
            enums++;                            /* and its tag, whatever it is */
            p += n;
            while (p < end && *p == ' ')
                p++;
            for (n = 0; p + n < end && p[n] != ' '; n++)
                ;
            if (n == 0)
                return -1;
        } else {
            int i = 0, count = (int)(sizeof named / sizeof named[0]);
            while (i < count && !is_word(p, n, named[i].name))
                i++;
            if (i == count || name >= 0)
                return -1;
            name = i;
        }
        p += n;
    }
    if (complex > 1 || (complex && (enums || int128)))
        return -1;
    int specifiers = longs + shorts + ints + chars + signs + floats + doubles + int128;
    if (enums) {                                /* gcc and clang: int unless the values need more */
        if (specifiers || name >= 0)
            return -1;
        *t = (scalar){ 4, 4, SL__LEAF_INT, false };
    } else if (name >= 0) {
        if (specifiers)
            return -1;
        *t = (scalar){ named[name].size, named[name].size, named[name].kind, false };
    } else if (floats + doubles == 1) {
        if (specifiers != 1 + (doubles ? longs : 0) || longs > 1 || (floats && longs))
            return -1;
        *t = floats ? (scalar){ 4, 4, SL__LEAF_FLOAT, false }
           : longs ? (scalar){ 16, 16, SL__LEAF_LONG_DOUBLE, false }
           : (scalar){ 8, 8, SL__LEAF_FLOAT, false };
    } else if (floats + doubles || signs > 1 || ints > 1 || chars + shorts + int128 > 1 ||
               (longs && (shorts || chars || int128)) || longs > 2 ||
               ((chars || int128) && ints) || specifiers == 0) {
        return -1;
    } else {
        unsigned size = int128 ? 16 : chars ? 1 : shorts ? 2 : longs ? 8 : 4;
        *t = (scalar){ size, size, int128 ? SL__LEAF_INT128 : SL__LEAF_INT, false };
    }
    if (complex) {                              /* two of them: real, imaginary */
        t->size *= 2;
        t->is_complex = true;
    }
    return 0;
}

/* Bytes of a long double that hold its value: the x87 extended format
 * (64-bit significand) uses 10 of its 16, IEEE binary128 all 16. */
static const unsigned long_double_bytes = LDBL_MANT_DIG == 64 ? 10 : sizeof(long double);

static const char *skip_spaces(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

/* True when p begins with the word w (not a longer name). */
static bool starts_word(const char *p, const char *w)
{
    size_t n = strlen(w);
    return strncmp(p, w, n) == 0 && (p[n] == ' ' || p[n] == '{');
}

/* Notes the scalar t placed at offset at: a leaf per part, its value bytes,
 * and whether it lies off its natural alignment. */
static void record(sl__abi_layout *l, size_t at, const scalar *t, bool in_union)
{
    int parts = t->is_complex ? 2 : 1;
    unsigned part = t->size / (unsigned)parts;

    for (int k = 0; k < parts; k++) {
        size_t off = at + (size_t)k * part;
        unsigned bytes = t->kind == SL__LEAF_LONG_DOUBLE ? long_double_bytes : part;

        if (off % t->align)
            l->unaligned = true;
        if (l->nleaves < SL__ABI_MAX_LEAVES)
            l->leaf[l->nleaves] = (sl__abi_leaf){ off, part, (unsigned char)t->kind,
                                                  t->is_complex, in_union };
        l->nleaves++;
        for (unsigned b = 0; b < bytes && off + b < SL__ABI_MASK_BYTES; b++)
            l->value[off + b] = true;
    }
}

static int group(const char **p, sl__abi_layout *l, size_t at, bool packed, bool is_union,
                 bool in_union, size_t *size, size_t *align, int depth);

/* One member without its array bounds: a type name or a {group}.  With l,
 * records its leaves at offset at; either way returns its size and
 * alignment. */
static int base(const char **p, sl__abi_layout *l, size_t at, bool in_union,
                size_t *size, size_t *align, int depth)
{
    const char *q = skip_spaces(*p);
    bool packed = false, is_union = false;
    size_t len;
    scalar t;

    if (starts_word(q, "packed"))
        packed = true, q = skip_spaces(q + 6);
    if (starts_word(q, "union"))
        is_union = true, q = skip_spaces(q + 5);
    else if (starts_word(q, "struct"))
        q = skip_spaces(q + 6);
    if (*q == '{') {
        q++;
        if (group(&q, l, at, packed, is_union, in_union, size, align, depth + 1) < 0)
            return -1;
        q = skip_spaces(q);
        if (*q != '}')
            return -1;
        *p = q + 1;
        return 0;
    }
    len = strcspn(q, ",{}[");
    while (len && q[len - 1] == ' ')
        len--;
    if (packed || is_union || scalar_of(q, len, &t) < 0)
        return -1;
    if (l)
        record(l, at, &t, in_union);
    *size = t.size;
    *align = t.align;
    *p = q + len;
    return 0;
}

/* One member with its array bounds ("char[3]", "{int,char}[2][2]"). */
static int member(const char **p, sl__abi_layout *l, size_t at, bool in_union,
                  size_t *size, size_t *align, int depth)
{
    const char *start = *p, *q = *p;
    size_t esize, count = 1;
    int before = l ? l->nleaves : 0;

    if (depth > 16 || base(&q, NULL, 0, false, &esize, align, depth) < 0)
        return -1;
    for (q = skip_spaces(q); *q == '['; q = skip_spaces(q)) {
        char *end;
        unsigned long n = strtoul(q + 1, &end, 10);
        if (n == 0 || n > (1ul << 24) || *skip_spaces(end) != ']')
            return -1;
        count *= n;
        q = skip_spaces(end) + 1;
    }
    if (count > (1ul << 24) / (esize ? esize : 1))
        return -1;
    /* Leaves past the compared bytes are only counted. */
    for (size_t i = 0; l && i < count; i++) {
        const char *r = start;
        size_t at_i = at + i * esize;
        if (at_i >= SL__ABI_MASK_BYTES && i > 0) {
            int per = (l->nleaves - before) / (int)i;   /* every element has as many */
            l->nleaves += per * (int)(count - i);
            break;
        }
        if (base(&r, l, at_i, in_union, &esize, align, depth) < 0)
            return -1;
    }
    *size = esize * count;
    *p = q;
    return 0;
}

/* A struct or union body: members up to the closing brace (or the end). */
static int group(const char **p, sl__abi_layout *l, size_t at, bool packed, bool is_union,
                 bool in_union, size_t *size, size_t *align, int depth)
{
    size_t off = 0, max_align = 1, max_size = 0;

    if (is_union && l)
        l->has_union = true;
    for (;;) {
        const char *q = *p;
        size_t msize, malign, place;

        if (member(&q, NULL, 0, false, &msize, &malign, depth) < 0)
            return -1;
        if (packed)
            malign = 1;
        place = is_union ? 0 : (off + malign - 1) / malign * malign;
        if (l && member(p, l, at + place, in_union || is_union, &msize, &malign, depth) < 0)
            return -1;
        *p = skip_spaces(q);
        if (packed)
            malign = 1;
        if (is_union)
            max_size = msize > max_size ? msize : max_size;
        else
            off = place + msize;
        max_align = malign > max_align ? malign : max_align;
        if (**p != ',')
            break;
        (*p)++;
    }
    off = is_union ? max_size : off;
    *size = (off + max_align - 1) / max_align * max_align;
    *align = max_align;
    return 0;
}

int sl__abi_layout_of(const sl_probe_arg *arg, sl__abi_layout *l)
{
    const char *p;
    size_t size = 0, align = 1;

    memset(l, 0, sizeof *l);
    if (!arg || (!arg->layout && !arg->type))
        return -1;
    if (arg->layout) {
        p = arg->layout;
        if (group(&p, l, 0, false, false, false, &size, &align, 0) < 0)
            return -1;
    } else {
        scalar t;
        if (scalar_of(arg->type, strlen(arg->type), &t) < 0)
            return -1;
        record(l, 0, &t, false);
        l->scalar = true;
        l->is_complex = t.is_complex;
        size = t.size;
        align = t.align;
        p = "";
    }
    if (*skip_spaces(p) || size != arg->size)
        return -1;
    l->size = size;
    l->align = align;
    return 0;
}

bool sl__abi_holds(const sl__abi_layout *l, const unsigned char *place,
                   const unsigned char *v, size_t at, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t b = at + i;
        if (l && b < SL__ABI_MASK_BYTES && !l->value[b])
            continue;
        if (place[i] != v[b])
            return false;
    }
    return true;
}

/* ---- the probe's snapshot ------------------------------------------------- */

/* probe.S stores into the snapshot this points at; a thread's first probe
 * finds it NULL and calls sl__probe_snapshot_new with every argument
 * register saved.  Only the pointer is in static TLS (thread_block.h). */
__thread sl_probe_snapshot *sl__probe_snapshot;

sl_probe_snapshot *sl__probe_snapshot_new(void)
{
    return sl__thread_block((void **)&sl__probe_snapshot, sizeof *sl__probe_snapshot, NULL,
                            "the probe's snapshot");
}

const sl_probe_snapshot *sl_probe_last(void)
{
    sl_probe_snapshot *s = sl__probe_snapshot ? sl__probe_snapshot : sl__probe_snapshot_new();
    /* The probe copies 256 bytes of stack whatever the call used, and
     * registers the caller never set: tell valgrind that reading them is
     * the point (a no-op outside valgrind). */
    VALGRIND_MAKE_MEM_DEFINED(s, sizeof *s);
    return s;
}

/* ---- searching a snapshot ------------------------------------------------ */

/* The search order is the order in which a convention hands out places:
 * integer registers, vector registers, then the stack in eightbytes.  A
 * search cannot know which registers the call used: a scratch register may
 * still hold a copy the caller staged through it, and the 256 bytes may
 * reach the caller's own locals.  sl_probe_print therefore checks the
 * place the rules give instead of searching.  l (may be NULL) says which
 * bytes to compare. */
static int search(const sl_probe_snapshot *s, const sl__abi_layout *l, const unsigned char *v,
                  size_t size, char *where, size_t where_size)
{
    const sl__abi_convention *cv;
    char vec[16];

    if (!s || !v || size == 0 || !where || where_size == 0)
        return -1;
    cv = sl__abi_convention_of((sl_call_convention)s->convention);
    if (!cv)
        return -1;
    for (int i = 0; size <= 8 && i < cv->n_int_args; i++)
        if (sl__abi_holds(l, (const unsigned char *)&s->gpr[cv->int_args[i]], v, 0, size)) {
            snprintf(where, where_size, "%s", sl__abi_gpr_name(cv->int_args[i]));
            return 0;
        }
    for (int i = 0; size <= 16 && i < cv->n_vec_args; i++) {
        if (sl__abi_holds(l, s->vec[i], v, 0, size)) {
            snprintf(where, where_size, "%s", sl__abi_vec_name(i, vec, sizeof vec));
            return 0;
        }
        if (size <= 8 && sl__abi_holds(l, s->vec[i] + 8, v, 0, size)) {
            snprintf(where, where_size, "%s+8", sl__abi_vec_name(i, vec, sizeof vec));
            return 0;
        }
    }
    for (size_t off = cv->stack_start; off + size <= SL_PROBE_STACK_BYTES; off += 8)
        if (sl__abi_holds(l, s->stack + off, v, 0, size)) {
            snprintf(where, where_size, "stack+%zu", off);
            return 0;
        }
    return -1;
}

int sl_probe_find(const sl_probe_snapshot *s, const void *bytes, size_t size,
                  char *where, size_t where_size)
{
    return search(s, NULL, bytes, size, where, where_size);
}

int sl_probe_find_arg(const sl_probe_snapshot *s, const sl_probe_arg *arg,
                      char *where, size_t where_size)
{
    sl__abi_layout l;

    if (!arg)
        return -1;
    /* A value the layout cannot describe is compared whole. */
    return search(s, sl__abi_layout_of(arg, &l) == 0 ? &l : NULL, arg->value, arg->size,
                  where, where_size);
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

        for (int j = 0; j < k && j < 4; j++) {
            used += (size_t)snprintf(classes + used, sizeof classes - used, "%s%s",
                                     j ? "," : "", sl_arg_class_name(cls[j]));
            seen[cls[j]] = true;
        }
        /* The place the rules give; when the value is not there, say so
         * and where a search finds it (if anywhere). */
        if (place[i].verified || !args[i].value || strcmp(place[i].text, "?") == 0)
            snprintf(where, sizeof where, "%s", place[i].text);
        else {
            char found[32];
            if (sl_probe_find_arg(s, &args[i], found, sizeof found) < 0)
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

/* The C layout (sl__abi_layout_of) as the scalars AAPCS64 and LP64D
 * classify: integers, floating point, and 16-byte floating point (their
 * long double, and __float128). */
int sl__abi_members(const sl_probe_arg *arg, sl__abi_member *m, int max,
                    size_t *size, size_t *align)
{
    sl__abi_layout l;

    if (sl__abi_layout_of(arg, &l) < 0 || l.nleaves > max || l.nleaves > SL__ABI_MAX_LEAVES)
        return -1;
    for (int i = 0; i < l.nleaves; i++) {
        const sl__abi_leaf *f = &l.leaf[i];
        m[i] = (sl__abi_member){ f->offset, f->size,
                                 f->kind == SL__LEAF_FLOAT ? SL__K_FP
                                 : f->kind == SL__LEAF_LONG_DOUBLE ||
                                   f->kind == SL__LEAF_FLOAT128 ? SL__K_LONG_DOUBLE : SL__K_INT };
    }
    *size = l.size;
    *align = l.align;
    return l.nleaves;
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
