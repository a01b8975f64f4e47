/*
 * variables.c: every frame's arguments and locals, by name, C type, place
 * and value (sl_stack_read_variables), from DWARF debug information.
 *
 * For each frame:
 *   1. scopes   the DIEs enclosing the frame's pc (the call instruction, pc-1,
 *               for a caller): lexical blocks, the function, the unit.
 *               dwarf_getscopes walks the whole unit on every call, so the
 *               answer is cached per pc (a recursion asks for one pc many
 *               times);
 *   2. places   each variable's DW_AT_location, the entry of its location
 *               list covering the pc, evaluated by dwarf_expr.c in this
 *               frame: its registers are the ones the unwinder truly
 *               recovered (callee-saved registers, from the slots where
 *               younger frames saved them; every register of a stopped
 *               thread's innermost frame), its CFA the walk's;
 *   3. values   the variable's bytes, read through the stack's target (so a
 *               wild pointer reads as "Cannot access memory", never a fault),
 *               formatted as gdb's `print` formats them, so tests can compare
 *               with gdb line by line.
 *
 * An honest "optimized out" always beats a wrong value: a register the
 * unwinder cannot recover (call-clobbered, in a caller) makes the variable
 * optimized out, with the reason.
 */
#ifndef SL_WITHOUT_DWARF_LIBS           /* (riscv64: no libdw in Debian; stubs at the end) */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stacklab/frames.h>
#include "dwarf_expr.h"
#include "frames_internal.h"
#include "symbolize_internal.h"
#include "target_arch.h"

/* gdb's defaults: `set print elements 200`, `set print repeats 10`. */
#define PRINT_MAX 200
#define REPEAT_THRESHOLD 10
/* The most bytes of one variable read for its value: gdb's max-value-size,
 * and its message beyond it. */
#define VALUE_MAX 65536
/* How deep entry values may chain through callers, and nested types. */
#define ENTRY_DEPTH 4
#define TYPE_DEPTH 16

/* ---- a growing string ------------------------------------------------------- */

typedef struct sb {
    char *p;
    size_t len, cap;
} sb;

static void sb_putn(sb *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 128;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(sb *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(sb *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb_putn(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static const char *sb_str(const sb *b)
{
    return b->p ? b->p : "";
}

/* ---- DIE helpers -------------------------------------------------------------- */

static const char *die_name(Dwarf_Die *d)
{
    Dwarf_Attribute a;
    return dwarf_formstring(dwarf_attr_integrate(d, DW_AT_name, &a));
}

/* The DIE an attribute refers to (through abstract origins). */
static int die_ref(Dwarf_Die *d, int at, Dwarf_Die *out)
{
    Dwarf_Attribute a;
    return dwarf_formref_die(dwarf_attr_integrate(d, at, &a), out) ? 0 : -1;
}

static int die_flag(Dwarf_Die *d, int at)
{
    Dwarf_Attribute a;
    bool f = false;
    return dwarf_formflag(dwarf_attr_integrate(d, at, &a), &f) == 0 && f;
}

/* ---- types: C spelling ---------------------------------------------------------- */

static int is_char_type(Dwarf_Die *t)
{
    Dwarf_Die p;
    Dwarf_Attribute a;
    Dwarf_Word enc = 0;
    if (dwarf_peel_type(t, &p) != 0 || dwarf_tag(&p) != DW_TAG_base_type ||
        dwarf_bytesize(&p) != 1)
        return 0;
    dwarf_formudata(dwarf_attr(&p, DW_AT_encoding, &a), &enc);
    return enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char;
}

static void spell(Dwarf_Die *t, const char *decl, sb *out, int depth);

/* "int, char *" for a function type's parameters ("void" when none). */
static void spell_params(Dwarf_Die *fn, sb *out, int depth)
{
    Dwarf_Die c;
    int n = 0;
    sb_puts(out, "(");
    if (dwarf_child(fn, &c) == 0) {
        do {
            if (dwarf_tag(&c) == DW_TAG_formal_parameter) {
                Dwarf_Die pt;
                if (n++)
                    sb_puts(out, ", ");
                spell(die_ref(&c, DW_AT_type, &pt) == 0 ? &pt : NULL, "", out, depth + 1);
            } else if (dwarf_tag(&c) == DW_TAG_unspecified_parameters) {
                sb_puts(out, n++ ? ", ..." : "...");
            }
        } while (dwarf_siblingof(&c, &c) == 0);
    }
    if (!n) {
        bool proto = die_flag(fn, DW_AT_prototyped);
        sb_puts(out, proto ? "void" : "");
    }
    sb_puts(out, ")");
}

/* Spells type t around the declarator decl (C's inside-out rule): pointer
 * to array is "int (*)[4]", function pointer "int (*)(int)". */
static void spell(Dwarf_Die *t, const char *decl, sb *out, int depth)
{
    sb d = {0};
    const char *sp = *decl ? " " : "";
    if (!t || depth > TYPE_DEPTH) {
        sb_printf(out, "void%s%s", sp, decl);
        return;
    }
    Dwarf_Die next;
    int has_next = die_ref(t, DW_AT_type, &next) == 0;
    const char *name = die_name(t);
    switch (dwarf_tag(t)) {
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type: {
        const char *star = dwarf_tag(t) == DW_TAG_pointer_type ? "*" : "&";
        int tag = has_next ? dwarf_tag(&next) : 0;
        if (tag == DW_TAG_array_type || tag == DW_TAG_subroutine_type)
            sb_printf(&d, "(%s%s)", star, decl);
        else
            sb_printf(&d, "%s%s", star, decl);
        spell(has_next ? &next : NULL, sb_str(&d), out, depth + 1);
        break;
    }
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
    case DW_TAG_atomic_type: {
        const char *q = dwarf_tag(t) == DW_TAG_const_type ? "const"
                      : dwarf_tag(t) == DW_TAG_volatile_type ? "volatile"
                      : dwarf_tag(t) == DW_TAG_restrict_type ? "restrict" : "_Atomic";
        if (has_next && dwarf_tag(&next) == DW_TAG_pointer_type) {
            /* the pointer itself is qualified: "char * const" */
            Dwarf_Die pointee;
            int hp = die_ref(&next, DW_AT_type, &pointee) == 0;
            sb_printf(&d, "* %s%s%s", q, sp, decl);
            spell(hp ? &pointee : NULL, sb_str(&d), out, depth + 1);
        } else {
            sb_printf(out, "%s ", q);
            spell(has_next ? &next : NULL, decl, out, depth + 1);
        }
        break;
    }
    case DW_TAG_array_type: {
        Dwarf_Die c;
        sb_puts(&d, decl);
        if (dwarf_child(t, &c) == 0) {
            do {
                if (dwarf_tag(&c) != DW_TAG_subrange_type)
                    continue;
                Dwarf_Attribute a;
                Dwarf_Word n;
                if (dwarf_formudata(dwarf_attr(&c, DW_AT_count, &a), &n) == 0)
                    sb_printf(&d, "[%lu]", (unsigned long)n);
                else if (dwarf_formudata(dwarf_attr(&c, DW_AT_upper_bound, &a), &n) == 0)
                    sb_printf(&d, "[%lu]", (unsigned long)n + 1);
                else
                    sb_puts(&d, "[]");
            } while (dwarf_siblingof(&c, &c) == 0);
        }
        spell(has_next ? &next : NULL, sb_str(&d), out, depth + 1);
        break;
    }
    case DW_TAG_subroutine_type: {
        sb_puts(&d, decl);
        spell_params(t, &d, depth);
        spell(has_next ? &next : NULL, sb_str(&d), out, depth + 1);
        break;
    }
    case DW_TAG_structure_type:
        sb_printf(out, "struct %s%s%s", name ? name : "{...}", sp, decl);
        break;
    case DW_TAG_union_type:
        sb_printf(out, "union %s%s%s", name ? name : "{...}", sp, decl);
        break;
    case DW_TAG_enumeration_type:
        sb_printf(out, "enum %s%s%s", name ? name : "{...}", sp, decl);
        break;
    case DW_TAG_class_type:
        sb_printf(out, "class %s%s%s", name ? name : "{...}", sp, decl);
        break;
    default:        /* base types and typedefs go by name */
        sb_printf(out, "%s%s%s", name ? name : "?", sp, decl);
        break;
    }
    free(d.p);
}

/* ---- values: formatted as gdb's print ----------------------------------------- */

typedef struct value {
    const unsigned char *bytes;
    const unsigned char *known;     /* per byte: 1 when its piece is known */
    size_t avail;                   /* bytes read */
    uint64_t address;               /* where the value lives (0: nowhere) */
} value;

typedef struct fmt {
    const sl_target *target;
    Dwfl *dwfl;
} fmt;

static void format_value(const fmt *F, Dwarf_Die *t, value v, sb *out, int depth);

static int all_known(value v, size_t off, size_t n)
{
    if (off + n > v.avail)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!v.known[off + i])
            return 0;
    return 1;
}

static uint64_t load(value v, size_t off, size_t n)
{
    uint64_t r = 0;
    for (size_t i = n; i-- > 0;)
        r = r << 8 | v.bytes[off + i];
    return r;
}

/* A character as gdb writes it inside quotes q ('\'' or '"'). */
static void put_char(sb *out, unsigned c, char q)
{
    switch (c) {
    case '\n': sb_puts(out, "\\n"); return;
    case '\t': sb_puts(out, "\\t"); return;
    case '\r': sb_puts(out, "\\r"); return;
    case '\a': sb_puts(out, "\\a"); return;
    case '\b': sb_puts(out, "\\b"); return;
    case '\f': sb_puts(out, "\\f"); return;
    case '\v': sb_puts(out, "\\v"); return;
    case 033:  sb_puts(out, "\\033"); return;
    case '\\': sb_puts(out, "\\\\"); return;
    }
    if (c == (unsigned char)q) {
        sb_printf(out, "\\%c", q);
    } else if (c >= 0x20 && c < 0x7f) {
        char ch = (char)c;
        sb_putn(out, &ch, 1);
    } else {
        sb_printf(out, "\\%03o", c);
    }
}

/* Characters s[0..n) as gdb prints a string: runs longer than the repeat
 * threshold as 'c' <repeats N times>, the rest in quoted segments, at most
 * PRINT_MAX characters, then "...". more: the string goes on past n. */
static void put_string(sb *out, const unsigned char *s, size_t n, int more)
{
    size_t i = 0, printed = 0;
    int in_quote = 0, any = 0;
    if (n == 0 && !more) {
        sb_puts(out, "\"\"");
        return;
    }
    while (i < n && printed < PRINT_MAX) {
        size_t run = 1;
        while (i + run < n && s[i + run] == s[i])
            run++;
        if (run > REPEAT_THRESHOLD) {
            if (in_quote)
                sb_puts(out, "\"");
            if (any)
                sb_puts(out, ", ");
            sb_puts(out, "'");
            put_char(out, s[i], '\'');
            sb_printf(out, "' <repeats %zu times>", run);
            in_quote = 0;
            any = 1;
            i += run;
            printed += REPEAT_THRESHOLD;
            continue;
        }
        if (!in_quote) {
            if (any)
                sb_puts(out, ", ");
            sb_puts(out, "\"");
            in_quote = 1;
            any = 1;
        }
        put_char(out, s[i], '"');
        i++;
        printed++;
    }
    if (in_quote)
        sb_puts(out, "\"");
    if (i < n || more)
        sb_puts(out, "...");
}

/* A C string at addr in the target, as gdb prints a char pointer's target. */
static void put_target_string(const fmt *F, uint64_t addr, sb *out)
{
    unsigned char buf[PRINT_MAX + 1];
    size_t n = 0;
    int ended = 0;
    while (n < sizeof buf) {
        /* bytewise at first and near page ends; in blocks otherwise */
        size_t want = 64 - ((addr + n) & 63);
        if (want > sizeof buf - n)
            want = sizeof buf - n;
        if (sl_target_read(F->target, (uintptr_t)(addr + n), buf + n, want) < 0) {
            if (sl_target_read(F->target, (uintptr_t)(addr + n), buf + n, 1) < 0)
                break;
            want = 1;
        }
        size_t k;
        for (k = 0; k < want && buf[n + k]; k++)
            ;
        n += k;
        if (k < want) {
            ended = 1;
            break;
        }
    }
    if (n == 0 && !ended) {
        sb_printf(out, "<error: Cannot access memory at address 0x%lx>", (unsigned long)addr);
        return;
    }
    int more = !ended && n > PRINT_MAX;
    put_string(out, buf, n > PRINT_MAX ? PRINT_MAX : n, more || (!ended && n == PRINT_MAX));
}

/* dwfl_module_addrinfo searches a module's symbol table on every call, and
 * a recursion shows the same pointers in every frame: the answers are
 * cached per address (with the Dwfl locked, as the scopes are). */
#define SYMBOL_CACHE 64
static struct symbol_entry {
    unsigned generation;        /* sl__dwfl_generation + 1; 0: empty */
    uint64_t addr;
    char text[80];              /* " <name+off>", or "" */
} symbol_cache[SYMBOL_CACHE];

static void find_symbol(const fmt *F, uint64_t addr, sb *out);

/* " <symbol+off>" for an address inside a module's symbol, as gdb adds. */
static void put_symbol(const fmt *F, uint64_t addr, sb *out)
{
    if (!F->dwfl || !addr)
        return;
    struct symbol_entry *e = &symbol_cache[(addr ^ (addr >> 6)) % SYMBOL_CACHE];
    if (e->generation == sl__dwfl_generation + 1 && e->addr == addr) {
        sb_puts(out, e->text);
        return;
    }
    sb text = {0};
    find_symbol(F, addr, &text);
    sb_puts(out, sb_str(&text));
    if (text.len < sizeof e->text) {
        e->generation = sl__dwfl_generation + 1;
        e->addr = addr;
        memcpy(e->text, sb_str(&text), text.len + 1);
    }
    free(text.p);
}

static void find_symbol(const fmt *F, uint64_t addr, sb *out)
{
    Dwfl_Module *mod = dwfl_addrmodule(F->dwfl, addr);
    GElf_Off off;
    GElf_Sym sym;
    const char *name = mod ? dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL) : NULL;
    /* only inside a sized data object or at a function's entry */
    if (!name || GELF_ST_TYPE(sym.st_info) == STT_TLS || GELF_ST_TYPE(sym.st_info) == STT_SECTION ||
        (sym.st_size ? off >= sym.st_size : off != 0))
        return;
    /* gcc names a function's static "calls" "calls.0" in the symbol
     * table; gdb shows the source name */
    int len = (int)strlen(name), k = len;
    while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
        k--;
    if (k > 1 && k < len && name[k - 1] == '.')
        len = k - 1;
    if (off)
        sb_printf(out, " <%.*s+%lu>", len, name, (unsigned long)off);
    else
        sb_printf(out, " <%.*s>", len, name);
}

static void format_base(Dwarf_Die *t, value v, sb *out)
{
    Dwarf_Attribute a;
    Dwarf_Word enc = 0;
    int size = dwarf_bytesize(t);
    dwarf_formudata(dwarf_attr(t, DW_AT_encoding, &a), &enc);
    if (size <= 0 || !all_known(v, 0, (size_t)size)) {
        sb_puts(out, "<optimized out>");
        return;
    }
    if (enc == DW_ATE_float) {
        if (size == 4) {
            float f;
            memcpy(&f, v.bytes, 4);
            sb_printf(out, "%.9g", f);
        } else if (size == 8) {
            double d;
            memcpy(&d, v.bytes, 8);
            sb_printf(out, "%.17g", d);
        } else if (size == (int)sizeof(long double)) {
            long double d;
            memcpy(&d, v.bytes, sizeof d);
            sb_printf(out, "%.21Lg", d);
        } else {
            sb_puts(out, "<unsupported float>");
        }
        return;
    }
    if (size > 8) {
        sb_puts(out, "<unsupported type>");
        return;
    }
    uint64_t u = load(v, 0, (size_t)size);
    int64_t s = (int64_t)u;
    if (size < 8 && (u >> (size * 8 - 1)) & 1)
        s = (int64_t)(u | ~0ull << (size * 8));
    switch (enc) {
    case DW_ATE_boolean:
        if (u <= 1)
            sb_puts(out, u ? "true" : "false");
        else
            sb_printf(out, "%lu", (unsigned long)u);
        return;
    case DW_ATE_signed_char:
    case DW_ATE_unsigned_char:
        if (size == 1) {
            sb_printf(out, "%ld '", enc == DW_ATE_signed_char ? (long)s : (long)u);
            put_char(out, (unsigned)(u & 0xff), '\'');
            sb_puts(out, "'");
            return;
        }
        /* fall through */
    case DW_ATE_signed:
        sb_printf(out, "%ld", (long)s);
        return;
    default:
        sb_printf(out, "%lu", (unsigned long)u);
        return;
    }
}

static void format_pointer(const fmt *F, Dwarf_Die *t, value v, sb *out)
{
    int size = dwarf_bytesize(t);
    if (size <= 0)
        size = sizeof(uintptr_t);
    if (!all_known(v, 0, (size_t)size)) {
        sb_puts(out, "<optimized out>");
        return;
    }
    uint64_t p = load(v, 0, (size_t)size);
    sb_printf(out, "0x%lx", (unsigned long)p);
    Dwarf_Die to;
    if (!p)
        return;
    put_symbol(F, p, out);
    if (die_ref(t, DW_AT_type, &to) == 0 && is_char_type(&to)) {
        sb_puts(out, " ");
        put_target_string(F, p, out);
    }
}

/* The element count of an array's first dimension, and the type of one
 * element (the rest of the dimensions) as its size. */
static int array_dims(Dwarf_Die *t, Dwarf_Die *sub, size_t *count)
{
    if (dwarf_child(t, sub) != 0)
        return -1;
    do {
        if (dwarf_tag(sub) != DW_TAG_subrange_type)
            continue;
        Dwarf_Attribute a;
        Dwarf_Word n;
        if (dwarf_formudata(dwarf_attr(sub, DW_AT_count, &a), &n) == 0)
            *count = n;
        else if (dwarf_formudata(dwarf_attr(sub, DW_AT_upper_bound, &a), &n) == 0)
            *count = n + 1;
        else
            *count = 0;
        return 0;
    } while (dwarf_siblingof(sub, sub) == 0);
    return -1;
}

static void format_elements(const fmt *F, Dwarf_Die *elem, Dwarf_Die *next_dim,
                            size_t count, size_t esize, value v, sb *out, int depth);

static void format_array(const fmt *F, Dwarf_Die *t, value v, sb *out, int depth)
{
    Dwarf_Die sub, elem;
    size_t count = 0;
    if (array_dims(t, &sub, &count) < 0 || die_ref(t, DW_AT_type, &elem) != 0) {
        sb_puts(out, "<unknown array>");
        return;
    }
    /* a further dimension makes each element an array itself */
    Dwarf_Die next = sub;
    int more_dims = 0;
    while (dwarf_siblingof(&next, &next) == 0)
        if (dwarf_tag(&next) == DW_TAG_subrange_type) {
            more_dims = 1;
            break;
        }
    Dwarf_Word total = 0;
    if (dwarf_aggregate_size(t, &total) != 0 || count == 0) {
        sb_puts(out, count == 0 ? "0x0" : "<unknown size>");
        return;
    }
    format_elements(F, &elem, more_dims ? &next : NULL, count, total / count, v, out, depth);
}

static void format_elements(const fmt *F, Dwarf_Die *elem, Dwarf_Die *next_dim,
                            size_t count, size_t esize, value v, sb *out, int depth)
{
    size_t have_all = v.avail < count ? v.avail : count;
    if (!next_dim && is_char_type(elem) && all_known(v, 0, have_all)) {
        /* a string; gdb drops one trailing NUL of a char array (partly
         * known ones are printed as arrays of characters) */
        size_t n = count;
        size_t have = have_all;
        int cut = have < n;
        if (!cut && n > 0 && v.bytes[n - 1] == 0)
            n--;
        put_string(out, v.bytes, cut ? have : n, cut);
        return;
    }
    sb_puts(out, "{");
    size_t i = 0, things = 0;
    while (i < count && things < PRINT_MAX) {
        if ((i + 1) * esize > v.avail) {
            sb_puts(out, i ? ", " : "");
            sb_puts(out, "<unavailable>");
            i = count;
            break;
        }
        size_t run = 1;
        while (i + run < count && (i + run + 1) * esize <= v.avail &&
               memcmp(v.bytes + i * esize, v.bytes + (i + run) * esize, esize) == 0 &&
               memcmp(v.known + i * esize, v.known + (i + run) * esize, esize) == 0)
            run++;
        if (i)
            sb_puts(out, ", ");
        value e = { v.bytes + i * esize, v.known + i * esize, esize,
                    v.address ? v.address + i * esize : 0 };
        if (next_dim) {
            /* the sub-array: the same element type, one dimension less */
            size_t n2 = 0;
            Dwarf_Attribute a;
            Dwarf_Word w;
            if (dwarf_formudata(dwarf_attr(next_dim, DW_AT_count, &a), &w) == 0)
                n2 = w;
            else if (dwarf_formudata(dwarf_attr(next_dim, DW_AT_upper_bound, &a), &w) == 0)
                n2 = w + 1;
            Dwarf_Die nn = *next_dim;
            int more = 0;
            while (dwarf_siblingof(&nn, &nn) == 0)
                if (dwarf_tag(&nn) == DW_TAG_subrange_type) {
                    more = 1;
                    break;
                }
            format_elements(F, elem, more ? &nn : NULL, n2, n2 ? esize / n2 : 0, e, out, depth + 1);
        } else {
            format_value(F, elem, e, out, depth + 1);
        }
        if (run > REPEAT_THRESHOLD) {
            sb_printf(out, " <repeats %zu times>", run);
            i += run;
            things += REPEAT_THRESHOLD;
        } else {
            i++;
            things++;
        }
    }
    if (i < count)
        sb_puts(out, "...");
    sb_puts(out, "}");
}

static void format_struct(const fmt *F, Dwarf_Die *t, value v, sb *out, int depth)
{
    Dwarf_Die m;
    int n = 0;
    sb_puts(out, "{");
    if (dwarf_child(t, &m) == 0) {
        do {
            if (dwarf_tag(&m) != DW_TAG_member)
                continue;
            Dwarf_Die mt;
            if (die_ref(&m, DW_AT_type, &mt) != 0)
                continue;
            Dwarf_Attribute a;
            Dwarf_Word off = 0;
            dwarf_formudata(dwarf_attr(&m, DW_AT_data_member_location, &a), &off);
            const char *name = die_name(&m);
            if (n++)
                sb_puts(out, ", ");
            if (name)
                sb_printf(out, "%s = ", name);
            int bits = dwarf_bitsize(&m);
            if (bits > 0) {
                /* a bit-field: DW_AT_data_bit_offset counts from the struct's start */
                Dwarf_Word boff = 0;
                if (dwarf_formudata(dwarf_attr(&m, DW_AT_data_bit_offset, &a), &boff) != 0) {
                    Dwarf_Word old = 0;     /* DWARF 2/3: from the storage unit's top */
                    int unit = dwarf_bytesize(&m) > 0 ? dwarf_bytesize(&m) : dwarf_bytesize(&mt);
                    dwarf_formudata(dwarf_attr(&m, DW_AT_bit_offset, &a), &old);
                    boff = off * 8 + (Dwarf_Word)unit * 8 - old - (Dwarf_Word)bits;
                }
                size_t first = boff / 8, last = (boff + (Dwarf_Word)bits - 1) / 8;
                if (last >= 8 + first || !all_known(v, first, last - first + 1)) {
                    sb_puts(out, "<optimized out>");
                    continue;
                }
                uint64_t w = load(v, first, last - first + 1) >> (boff % 8);
                uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
                w &= mask;
                Dwarf_Die p;
                Dwarf_Word enc = 0;
                if (dwarf_peel_type(&mt, &p) == 0)
                    dwarf_formudata(dwarf_attr(&p, DW_AT_encoding, &a), &enc);
                if ((enc == DW_ATE_signed || enc == DW_ATE_signed_char) && bits < 64 &&
                    (w >> (bits - 1)) & 1)
                    sb_printf(out, "%ld", (long)(w | ~mask));
                else if (enc == DW_ATE_boolean)
                    sb_puts(out, w ? "true" : "false");
                else
                    sb_printf(out, "%lu", (unsigned long)w);
                continue;
            }
            if (off >= v.avail) {
                sb_puts(out, "<unavailable>");
                continue;
            }
            value mv = { v.bytes + off, v.known + off, v.avail - off,
                         v.address ? v.address + off : 0 };
            format_value(F, &mt, mv, out, depth + 1);
        } while (dwarf_siblingof(&m, &m) == 0);
    }
    sb_puts(out, "}");
}

static void format_enum(Dwarf_Die *t, value v, sb *out)
{
    int size = dwarf_bytesize(t);
    if (size <= 0 || size > 8 || !all_known(v, 0, (size_t)size)) {
        sb_puts(out, "<optimized out>");
        return;
    }
    uint64_t u = load(v, 0, (size_t)size);
    int64_t s = (int64_t)u;
    if (size < 8 && (u >> (size * 8 - 1)) & 1)
        s = (int64_t)(u | ~0ull << (size * 8));
    Dwarf_Die e;
    if (dwarf_child(t, &e) == 0) {
        do {
            Dwarf_Attribute a;
            Dwarf_Sword sv;
            Dwarf_Word uv;
            if (dwarf_tag(&e) != DW_TAG_enumerator)
                continue;
            Dwarf_Attribute *ca = dwarf_attr(&e, DW_AT_const_value, &a);
            if ((dwarf_formsdata(ca, &sv) == 0 && (sv == s || (uint64_t)sv == u)) ||
                (dwarf_formudata(ca, &uv) == 0 && uv == u)) {
                sb_puts(out, die_name(&e) ? die_name(&e) : "?");
                return;
            }
        } while (dwarf_siblingof(&e, &e) == 0);
    }
    sb_printf(out, "%ld", (long)s);
}

static void format_value(const fmt *F, Dwarf_Die *t, value v, sb *out, int depth)
{
    Dwarf_Die p;
    if (depth > TYPE_DEPTH) {
        sb_puts(out, "{...}");
        return;
    }
    if (!t || dwarf_peel_type(t, &p) != 0) {
        sb_puts(out, "<unknown type>");
        return;
    }
    switch (dwarf_tag(&p)) {
    case DW_TAG_base_type:        format_base(&p, v, out); break;
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:   format_pointer(F, &p, v, out); break;
    case DW_TAG_array_type:       format_array(F, &p, v, out, depth); break;
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
    case DW_TAG_union_type:       format_struct(F, &p, v, out, depth); break;
    case DW_TAG_enumeration_type: format_enum(&p, v, out); break;
    default:                      sb_puts(out, "<unsupported type>"); break;
    }
}

/* ---- scopes, cached per pc ------------------------------------------------------- */

#define SCOPE_CACHE 1024
static struct scope_entry {
    unsigned generation;
    Dwfl_Module *mod;
    Dwarf_Addr pc;              /* module-relative */
    Dwarf_Die *scopes;
    int n;
} scope_cache[SCOPE_CACHE];

static Dwarf_Die **graveyard;
static int graves;

static void bury_scopes(void)
{
    for (int k = 0; k < graves; k++)
        free(graveyard[k]);
    free(graveyard);
    graveyard = NULL;
    graves = 0;
}

/* Every scope at pc, innermost first, through inlined functions: blocks,
 * an inlined subroutine, the blocks of the function it was inlined into,
 * ..., the subprogram, the unit.  dwarf_getscopes stops at the innermost
 * inlined subroutine (its list goes on with where the function's abstract
 * definition is); dwarf_getscopes_die gives the scopes holding that
 * inlined instance, and so on outwards.  Returns the count, or -1. */
static int scopes_through_inlines(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die **out)
{
    Dwarf_Die *all = NULL, *part = NULL;
    int n = 0, k = dwarf_getscopes(cu, pc, &part);
    for (int hops = 0; k > 0 && hops < 64; hops++) {
        int cut = 0;            /* part[0..cut] are this function's scopes */
        while (cut < k - 1 && dwarf_tag(&part[cut]) != DW_TAG_inlined_subroutine)
            cut++;
        int inlined = dwarf_tag(&part[cut]) == DW_TAG_inlined_subroutine;
        int keep = inlined ? cut + 1 : k;
        Dwarf_Die *grown = realloc(all, (size_t)(n + keep) * sizeof *grown);
        if (!grown)
            break;
        all = grown;
        memcpy(all + n, part, (size_t)keep * sizeof *all);
        n += keep;
        if (!inlined)
            break;
        Dwarf_Die inl = part[cut];
        free(part);
        part = NULL;
        /* [the inlined instance, the scopes around it...]: go on after it */
        k = dwarf_getscopes_die(&inl, &part);
        if (k > 1)
            memmove(part, part + 1, (size_t)--k * sizeof *part);
        else
            k = 0;
    }
    free(part);
    if (n == 0) {
        free(all);
        return -1;
    }
    *out = all;
    return n;
}

/* The scopes at module-relative pc of the unit cu, as above, or NULL.
 * Called with the Dwfl locked; entries live until the Dwfl changes. */
static Dwarf_Die *scopes_at(Dwfl_Module *mod, Dwarf_Die *cu, Dwarf_Addr pc, int *n)
{
    unsigned h = (unsigned)((pc ^ (pc >> 11) ^ (uintptr_t)mod) % SCOPE_CACHE);
    struct scope_entry *e = &scope_cache[h];
    if (e->n && e->generation == sl__dwfl_generation && e->mod == mod && e->pc == pc) {
        *n = e->n;
        return e->scopes;       /* NULL when there are none (n -1): asked once */
    }
    Dwarf_Die *scopes = NULL;
    int k = scopes_through_inlines(cu, pc, &scopes);
    /* The entry replaced may still be in use by a frame being read (an
     * entry value reads the caller's scopes): freed after the read. */
    if (e->scopes) {
        Dwarf_Die **g = realloc(graveyard, (size_t)(graves + 1) * sizeof *g);
        if (g) {
            graveyard = g;
            graveyard[graves++] = e->scopes;
        }
    }
    e->generation = sl__dwfl_generation;
    e->mod = mod;
    e->pc = pc;
    e->scopes = k > 0 ? scopes : NULL;
    e->n = k > 0 ? k : -1;
    *n = e->n;
    return e->scopes;
}

/* ---- objects pointers point at (for the diagrams) ---------------------------------- */

typedef struct pending_obj {
    uintptr_t address;
    Dwarf_Die type;             /* the pointee's type, as the pointer declares it */
    int depth;
} pending_obj;

typedef struct obj_queue {
    pending_obj item[SL_OBJECTS_MAX * 4];
    int n;
} obj_queue;

/* Queues what a pointer of value p to type t points at, when it is worth a
 * box: outside the stack (pointers into the stack are arrows to slots),
 * not NULL, and of a type with a value (not void, a function or chars,
 * which are printed as strings already). */
static void want_object(obj_queue *q, const sl_stack *s, uintptr_t p, Dwarf_Die *t, int depth)
{
    Dwarf_Die peeled;
    if (!q || !p || depth > SL_OBJECTS_DEPTH || q->n == (int)(sizeof q->item / sizeof q->item[0]))
        return;
    if (p >= s->stack_low && p < s->stack_high)
        return;
    if (!t || dwarf_peel_type(t, &peeled) != 0 || is_char_type(&peeled))
        return;
    switch (dwarf_tag(&peeled)) {
    case DW_TAG_structure_type: case DW_TAG_union_type: case DW_TAG_class_type:
    case DW_TAG_base_type: case DW_TAG_pointer_type: case DW_TAG_enumeration_type:
        break;
    default:
        return;
    }
    q->item[q->n++] = (pending_obj){ p, *t, depth };
}

/* ---- a frame, as DWARF sees it ------------------------------------------------------ */

typedef struct frame_ctx {
    sl_stack *s;
    Dwfl *dwfl;
    int i;                      /* frame index */
    Dwfl_Module *mod;
    Dwarf_Addr bias;
    uintptr_t a;                /* the address looked up (pc or pc-1) */
    Dwarf_Die *scopes;
    int nscopes;
    int fn;                     /* index of the frame's function in scopes */
    int base_state;             /* 0 not yet, 1 known, -1 failed */
    uint64_t base;
    const char *base_why;
    int depth;                  /* entry values followed to get here */
    obj_queue *queue;           /* where pointers' targets are queued, or NULL */
    sl_dwarf_frame df;
} frame_ctx;

static int frame_setup(frame_ctx *c, sl_stack *s, Dwfl *dwfl, int i, int depth);

static int ctx_reg(void *arg, int n, uint64_t *v, const char **why)
{
    frame_ctx *c = arg;
    const sl_stack *s = c->s;
    const sl_frame *f = &s->frames[c->i];
    if (n < 0 || n >= sl__arch_dwarf_count) {
        *why = "an unknown register";
        return -1;
    }
    if (n == sl__arch_dwarf_sp) {
        *v = f->sp;
        return 0;
    }
    /* The innermost frame of a stopped thread: every register is known. */
    if (c->i == 0 && s->target && ((s->regs.known >> n) & 1)) {
        *v = s->regs.value[n];
        return 0;
    }
    if (!sl__arch_dwarf_callee_saved(n)) {
        *why = "in a call-clobbered register";
        return -1;
    }
    if (n == sl__arch_dwarf_fp && f->fp) {
        *v = f->fp;
        return 0;
    }
    /* The nearest younger frame that saved it holds this frame's value. */
    const char *name = sl__arch_dwarf_name[n];
    for (int j = c->i - 1; j >= 0; j--) {
        const sl_frame *g = &s->frames[j];
        for (int k = 0; k < g->saved_count; k++) {
            if (strcmp(g->saved[k].name, name) == 0) {
                uintptr_t w;
                if (sl_target_read_word(c->df.target, g->saved[k].slot, &w) < 0) {
                    *why = "register's save slot unreadable";
                    return -1;
                }
                *v = w;
                return 0;
            }
        }
    }
    if ((s->regs.known >> n) & 1) {
        *v = s->regs.value[n];
        return 0;
    }
    *why = "register not recovered by the unwinder";
    return -1;
}

static int ctx_cfa(void *arg, uint64_t *v, const char **why)
{
    frame_ctx *c = arg;
    const sl_frame *f = &c->s->frames[c->i];
    if (!f->cfa) {
        *why = "CFA unknown";
        return -1;
    }
    *v = f->cfa;
    return 0;
}

static int ctx_frame_base(void *arg, uint64_t *v, const char **why)
{
    frame_ctx *c = arg;
    if (c->base_state == 0) {
        Dwarf_Attribute a;
        Dwarf_Op *ops;
        size_t n;
        c->base_state = -1;
        c->base_why = "no frame base";
        if (dwarf_attr(&c->scopes[c->fn], DW_AT_frame_base, &a) &&
            dwarf_getlocation_addr(&a, c->a - c->bias, &ops, &n, 1) == 1 &&
            sl__dwarf_value(&c->df, &a, ops, n, &c->base, &c->base_why) == 0)
            c->base_state = 1;
    }
    if (c->base_state < 0) {
        *why = c->base_why;
        return -1;
    }
    *v = c->base;
    return 0;
}

/* Whether die (a call site's callee) names the function of frame c. */
static int same_function(frame_ctx *c, Dwarf_Die *callee)
{
    Dwarf_Off want[4];
    int n = 0;
    Dwarf_Die d = c->scopes[c->fn], o;
    want[n++] = dwarf_dieoffset(&d);
    if (die_ref(&d, DW_AT_abstract_origin, &o) == 0) {
        want[n++] = dwarf_dieoffset(&o);
        d = o;
    }
    if (die_ref(&d, DW_AT_specification, &o) == 0)
        want[n++] = dwarf_dieoffset(&o);
    Dwarf_Off got[3];
    int m = 0;
    got[m++] = dwarf_dieoffset(callee);
    if (die_ref(callee, DW_AT_abstract_origin, &o) == 0)
        got[m++] = dwarf_dieoffset(&o);
    if (die_ref(callee, DW_AT_specification, &o) == 0)
        got[m++] = dwarf_dieoffset(&o);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < m; k++)
            if (want[i] == got[k])
                return 1;
    /* a declaration in the caller's unit names a function defined in
     * another unit: compare the (linkage) names */
    if (die_flag(callee, DW_AT_declaration)) {
        Dwarf_Die fn = c->scopes[c->fn];
        Dwarf_Attribute a1, a2;
        const char *n1 = dwarf_formstring(dwarf_attr_integrate(callee, DW_AT_linkage_name, &a1));
        const char *n2 = dwarf_formstring(dwarf_attr_integrate(&fn, DW_AT_linkage_name, &a2));
        if (!n1 || !n2) {
            n1 = die_name(callee);
            n2 = die_name(&fn);
        }
        return n1 && n2 && strcmp(n1, n2) == 0;
    }
    return 0;
}

/* The call site DIE under die whose return address is ret (module-relative). */
static int find_call_site(Dwarf_Die *die, Dwarf_Addr ret, Dwarf_Die *out, int depth)
{
    Dwarf_Die c;
    if (depth > 32 || dwarf_child(die, &c) != 0)
        return -1;
    do {
        int tag = dwarf_tag(&c);
        if (tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site) {
            Dwarf_Attribute a;
            Dwarf_Addr pc;
            if ((dwarf_formaddr(dwarf_attr(&c, DW_AT_call_return_pc, &a), &pc) == 0 ||
                 dwarf_lowpc(&c, &pc) == 0) && pc == ret) {
                *out = c;
                return 0;
            }
        } else if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine) {
            if (find_call_site(&c, ret, out, depth + 1) == 0)
                return 0;
        }
    } while (dwarf_siblingof(&c, &c) == 0);
    return -1;
}

/* DW_OP_entry_value(DW_OP_regN): what the caller put in register N for the
 * call, from its call site's DW_AT_call_value, evaluated in the caller's
 * frame (as gdb does). */
static int ctx_entry_value(void *arg, const Dwarf_Op *ops, size_t n, uint64_t *v,
                           const char **why)
{
    frame_ctx *c = arg;
    int reg;
    if (n == 1 && ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
        reg = ops[0].atom - DW_OP_reg0;
    else if (n == 1 && ops[0].atom == DW_OP_regx)
        reg = (int)ops[0].number;
    else {
        *why = "entry value of memory";
        return -1;
    }
    if (c->depth >= ENTRY_DEPTH || c->i + 1 >= c->s->count ||
        (c->s->frames[c->i].flags & SL_FRAME_SIGNAL)) {
        *why = "entry value not available";
        return -1;
    }
    frame_ctx caller;
    if (frame_setup(&caller, c->s, c->dwfl, c->i + 1, c->depth + 1) < 0) {
        *why = "entry value: the caller has no debug information";
        return -1;
    }
    if (caller.mod != c->mod) {
        *why = "entry value: the caller is in another module";
        return -1;
    }
    Dwarf_Die site, callee;
    Dwarf_Addr ret = c->s->frames[c->i + 1].pc - caller.bias;
    if (find_call_site(&caller.scopes[caller.fn], ret, &site, 0) < 0) {
        *why = "entry value: no call site information in the caller";
        return -1;
    }
    if (die_ref(&site, DW_AT_call_origin, &callee) != 0 &&
        die_ref(&site, DW_AT_abstract_origin, &callee) != 0) {
        *why = "entry value: called through a pointer";
        return -1;
    }
    if (!same_function(c, &callee)) {
        *why = "entry value: the call site calls another function (a tail call)";
        return -1;
    }
    Dwarf_Die p;
    if (dwarf_child(&site, &p) == 0) {
        do {
            int tag = dwarf_tag(&p);
            if (tag != DW_TAG_call_site_parameter && tag != DW_TAG_GNU_call_site_parameter)
                continue;
            Dwarf_Attribute la, va;
            Dwarf_Op *lops, *vops;
            size_t ln, vn;
            if (!dwarf_attr(&p, DW_AT_location, &la) || dwarf_getlocation(&la, &lops, &ln) != 0 ||
                ln != 1)
                continue;
            int r = lops[0].atom == DW_OP_regx ? (int)lops[0].number : lops[0].atom - DW_OP_reg0;
            if (r != reg)
                continue;
            if (!dwarf_attr(&p, DW_AT_call_value, &va) &&
                !dwarf_attr(&p, DW_AT_GNU_call_site_value, &va))
                break;
            if (dwarf_getlocation(&va, &vops, &vn) != 0)
                break;
            return sl__dwarf_value(&caller.df, &va, vops, vn, v, why);
        } while (dwarf_siblingof(&p, &p) == 0);
    }
    *why = "entry value: the caller did not record it";
    return -1;
}

/* Finds frame i's module, unit and scopes.  0, or -1 without debug info. */
static int frame_setup(frame_ctx *c, sl_stack *s, Dwfl *dwfl, int i, int depth)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->dwfl = dwfl;
    c->i = i;
    c->depth = depth;
    const sl_frame *f = &s->frames[i];
    if (!f->pc)
        return -1;
    c->a = sl__frame_lookup_pc(f);
    c->mod = dwfl_addrmodule(dwfl, c->a);
    Dwarf_Die cu;
    if (!c->mod || sl__cu_of(c->mod, c->a, &cu, &c->bias) < 0)
        return -1;
    c->scopes = scopes_at(c->mod, &cu, c->a - c->bias, &c->nscopes);
    if (!c->scopes)
        return -1;
    /* The frame's own function: the outermost subprogram (inlined
     * functions nest inside it). */
    c->fn = -1;
    for (int k = c->nscopes - 1; k >= 0; k--)
        if (dwarf_tag(&c->scopes[k]) == DW_TAG_subprogram) {
            c->fn = k;
            break;
        }
    if (c->fn < 0)
        return -1;
    c->df.target = s->target ? s->target : sl_target_self();
    c->df.bias = c->bias;
    c->df.arg = c;
    c->df.reg = ctx_reg;
    c->df.cfa = ctx_cfa;
    c->df.frame_base = ctx_frame_base;
    c->df.entry_value = ctx_entry_value;
    return 0;
}

/* ---- one variable ------------------------------------------------------------------- */

/* The register names of a location's register pieces: "rbx", "rbx+rbp". */
static void reg_names(const sl_location *loc, sb *out)
{
    for (int k = 0; k < loc->count; k++) {
        const sl_piece *p = &loc->piece[k];
        if (p->kind != SL_PIECE_REGISTER)
            continue;
        if (out->len)
            sb_puts(out, "+");
        sb_puts(out, p->reg >= 0 && p->reg < sl__arch_dwarf_count ? sl__arch_dwarf_name[p->reg] : "?");
    }
}

/* A type's C spelling and size, cached per type DIE (by where its bytes
 * are in the loaded debug information): spelling walks the type chain,
 * and a recursion declares the same types in every frame.  With the Dwfl
 * locked, as the scopes are. */
#define TYPE_CACHE 128
static struct type_entry {
    unsigned generation;        /* sl__dwfl_generation + 1; 0: empty */
    const void *die;
    Dwarf_Word size;
    char text[72];
} type_cache[TYPE_CACHE];

static void spell_type(Dwarf_Die *t, sb *out, Dwarf_Word *size)
{
    uintptr_t key = t ? (uintptr_t)t->addr : 0;
    struct type_entry *e = &type_cache[(key ^ (key >> 7)) % TYPE_CACHE];
    if (t && e->generation == sl__dwfl_generation + 1 && e->die == t->addr) {
        sb_puts(out, e->text);
        *size = e->size;
        return;
    }
    size_t from = out->len;
    *size = 0;
    spell(t, "", out, 0);
    if (t)
        dwarf_aggregate_size(t, size);
    if (t && out->len - from < sizeof e->text) {
        e->generation = sl__dwfl_generation + 1;
        e->die = t->addr;
        e->size = *size;
        memcpy(e->text, sb_str(out) + from, out->len - from + 1);
    }
}

static void read_variable(frame_ctx *c, Dwarf_Die *var, int is_param, sl_variable *v)
{
    sl_stack *s = c->s;
    sb type = {0}, val = {0}, regs = {0};
    Dwarf_Die t;
    int has_type = die_ref(var, DW_AT_type, &t) == 0;
    Dwarf_Attribute a;
    Dwarf_Sword line = 0;

    memset(v, 0, sizeof *v);
    v->name = sl__keep(s, die_name(var));
    Dwarf_Word size;
    spell_type(has_type ? &t : NULL, &type, &size);
    v->type = sl__keep(s, sb_str(&type));
    v->size = size;
    if (dwarf_formsdata(dwarf_attr_integrate(var, DW_AT_decl_line, &a), &line) == 0)
        v->line = (int)line;
    v->flags = is_param ? SL_VAR_PARAMETER : 0;

    /* where it is */
    const char *why = NULL;
    sl_location loc = {0};
    Dwarf_Attribute la;
    Dwarf_Op *ops = NULL;
    size_t nops = 0;
    unsigned char small[16];
    const unsigned char *constant = NULL;
    size_t constant_len = 0;
    if (dwarf_attr(var, DW_AT_location, &la)) {
        int r = dwarf_getlocation_addr(&la, c->a - c->bias, &ops, &nops, 1);
        if (r == 0)
            why = "not live at this pc";
        else if (r < 0)
            why = "unreadable location";
        else if (nops == 0)
            why = "optimized out";
        else if (sl__dwarf_location(&c->df, &la, ops, nops, &loc, &why) == 0 && loc.count == 0)
            why = "optimized out";
    } else if (dwarf_attr_integrate(var, DW_AT_const_value, &la)) {
        Dwarf_Block blk;
        Dwarf_Sword sv;
        Dwarf_Word uv;
        if (dwarf_formblock(&la, &blk) == 0) {
            constant = blk.data;
            constant_len = blk.length;
        } else if (dwarf_formsdata(&la, &sv) == 0 || dwarf_formudata(&la, &uv) == 0) {
            uint64_t w = dwarf_formsdata(&la, &sv) == 0 ? (uint64_t)sv : uv;
            for (int k = 0; k < 8; k++)
                small[k] = (unsigned char)(w >> (8 * k));
            memset(small + 8, 0, 8);
            constant = small;
            constant_len = sizeof small;
        } else {
            why = "unreadable constant";
        }
    } else {
        why = "no location";
    }
    if (loc.entry_value)
        v->flags |= SL_VAR_ENTRY_VALUE;

    /* its bytes */
    size_t want = size < VALUE_MAX ? size : VALUE_MAX;
    unsigned char *bytes = calloc(want ? want : 1, 1), *known = calloc(want ? want : 1, 1);
    int unreadable = 0;
    uint64_t bad_addr = 0;
    if (!why && !constant && bytes && known) {
        size_t off = 0;
        int any_known = 0, any_unknown = 0;
        for (int k = 0; k < loc.count && off < want; k++) {
            const sl_piece *p = &loc.piece[k];
            size_t len = p->size ? p->size : want - off;
            if (len > want - off)
                len = want - off;
            switch (p->kind) {
            case SL_PIECE_MEMORY:
                if (sl_target_read(c->df.target, (uintptr_t)p->address, bytes + off, len) == 0) {
                    memset(known + off, 1, len);
                } else {
                    unreadable = 1;
                    bad_addr = p->address;
                }
                break;
            case SL_PIECE_REGISTER: {
                uint64_t rv;
                const char *rwhy = NULL;
                if (len <= 8 && ctx_reg(c, p->reg, &rv, &rwhy) == 0) {
                    for (size_t b = 0; b < len; b++)
                        bytes[off + b] = (unsigned char)(rv >> (8 * b));
                    memset(known + off, 1, len);
                } else if (!why) {
                    why = rwhy ? rwhy : "a register too wide";
                }
                break;
            }
            case SL_PIECE_VALUE:
                for (size_t b = 0; b < len && b < 8; b++)
                    bytes[off + b] = (unsigned char)(p->value >> (8 * b));
                memset(known + off, 1, len < 8 ? len : 8);
                break;
            case SL_PIECE_IMPLICIT:
                memcpy(bytes + off, p->bytes, len < p->size ? len : p->size);
                memset(known + off, 1, len < p->size ? len : p->size);
                break;
            case SL_PIECE_UNKNOWN:
                break;
            }
            for (size_t b = 0; b < len; b++) {
                any_known |= known[off + b];
                any_unknown |= !known[off + b];
            }
            off += len;
        }
        if (off < want)
            any_unknown = 1;        /* the pieces end before the variable does */
        if (any_known && any_unknown)
            v->flags |= SL_VAR_PARTIAL;
        if (any_known)
            why = NULL;         /* a register piece's reason matters only if nothing is known */
        else if (!why && !unreadable)
            why = "optimized out";
    } else if (constant && bytes && known) {
        size_t n = constant_len < want ? constant_len : want;
        memcpy(bytes, constant, n);
        memset(known, 1, n);
    }

    /* the place */
    if (why) {
        v->place = SL_VAR_OPTIMIZED_OUT;
        v->why = sl__keep(s, why);
        v->value = "<optimized out>";
    } else {
        /* Of the pieces known: registers name the place; only computed
         * values make it computed; else it is memory. */
        const sl_piece *mem = NULL;
        int computed = constant != NULL, memories = 0;
        for (int k = 0; k < loc.count; k++) {
            const sl_piece *p = &loc.piece[k];
            if (p->kind == SL_PIECE_MEMORY && !mem)
                mem = p;
            memories += p->kind == SL_PIECE_MEMORY;
            computed |= p->kind == SL_PIECE_VALUE || p->kind == SL_PIECE_IMPLICIT;
        }
        reg_names(&loc, &regs);
        if (regs.len) {
            v->place = SL_VAR_REGISTER;
            v->reg = sl__keep(s, sb_str(&regs));
        } else if (mem) {
            v->place = SL_VAR_MEMORY;
            v->address = (uintptr_t)mem->address;
            if (memories == 1 && nops == 1 &&
                (ops[0].atom == DW_OP_addr || ops[0].atom == DW_OP_addrx ||
                 ops[0].atom == DW_OP_GNU_addr_index))
                v->flags |= SL_VAR_STATIC;
        } else {
            v->place = computed ? SL_VAR_COMPUTED : SL_VAR_OPTIMIZED_OUT;
        }
        if (size > VALUE_MAX) {
            sb_printf(&val, "<error: value requires %lu bytes, which is more than max-value-size>",
                      (unsigned long)size);
        } else if (unreadable) {
            sb_printf(&val, "<error: Cannot access memory at address 0x%lx>", (unsigned long)bad_addr);
        } else {
            fmt F = { c->df.target, c->dwfl };
            value vv = { bytes, known, want, v->place == SL_VAR_MEMORY ? v->address : 0 };
            format_value(&F, has_type ? &t : NULL, vv, &val, 0);
        }
        v->value = sl__keep(s, sb_str(&val));
        /* a pointer: its value and its target's type, for the diagrams */
        Dwarf_Die pt, to;
        if (has_type && dwarf_peel_type(&t, &pt) == 0 && dwarf_tag(&pt) == DW_TAG_pointer_type &&
            want >= sizeof(uintptr_t) && known[0] && !unreadable) {
            memcpy(&v->pointer, bytes, sizeof v->pointer);
            sb pn = {0};
            Dwarf_Word pointee_size;
            int has_to = die_ref(&pt, DW_AT_type, &to) == 0;
            spell_type(has_to ? &to : NULL, &pn, &pointee_size);
            want_object(c->queue, s, v->pointer, has_to ? &to : NULL, 1);
            v->pointee = sl__keep(s, sb_str(&pn));
            free(pn.p);
        }
    }
    free(bytes);
    free(known);
    free(type.p);
    free(val.p);
    free(regs.p);
}

/* ---- a frame's variables ---------------------------------------------------------- */

typedef struct var_list {
    Dwarf_Die *die;
    unsigned char *is_param;
    int n, cap;
} var_list;

static void list_add(var_list *l, Dwarf_Die *d, int is_param)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        Dwarf_Die *nd = realloc(l->die, (size_t)cap * sizeof *nd);
        if (!nd)
            return;
        l->die = nd;
        unsigned char *np = realloc(l->is_param, (size_t)cap);
        if (!np)
            return;
        l->is_param = np;
        l->cap = cap;
    }
    l->die[l->n] = *d;
    l->is_param[l->n++] = (unsigned char)is_param;
}

/* Whether DIE d is a variable to list: a parameter when params, else a
 * local; named, and not a declaration of something defined elsewhere. */
static int wanted(Dwarf_Die *d, int params)
{
    int tag = dwarf_tag(d);
    return ((params && tag == DW_TAG_formal_parameter) || (!params && tag == DW_TAG_variable)) &&
           die_name(d) && !die_flag(d, DW_AT_declaration);
}

/* The DIE d's own DW_AT_abstract_origin refers to (not followed further). */
static int origin_of(Dwarf_Die *d, Dwarf_Die *out)
{
    Dwarf_Attribute a;
    return dwarf_attr(d, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, out) ? 0 : -1;
}

/* The variables declared directly in scope (parameters or locals).  An
 * inlined or out-of-line instance of a function or block lists only those
 * the compiler kept; the others are declared in its abstract origin, and
 * are listed too (as gdb does): they have no location here. */
static void collect(Dwarf_Die *scope, int params, var_list *l)
{
    Dwarf_Die c, origin, o;
    int from = l->n;
    if (dwarf_child(scope, &c) == 0) {
        do
            if (wanted(&c, params))
                list_add(l, &c, params);
        while (dwarf_siblingof(&c, &c) == 0);
    }
    if (origin_of(scope, &origin) < 0 || dwarf_child(&origin, &c) != 0)
        return;
    do {
        if (!wanted(&c, params))
            continue;
        int kept = 0;
        for (int k = from; k < l->n && !kept; k++)
            kept = origin_of(&l->die[k], &o) == 0 && dwarf_dieoffset(&o) == dwarf_dieoffset(&c);
        if (!kept)
            list_add(l, &c, params);
    } while (dwarf_siblingof(&c, &c) == 0);
}

/* The variables of one function of frame c, scopes[fn] (the subprogram or
 * an inlined subroutine), whose blocks at the pc are scopes[first..fn-1]:
 * its parameters, then its locals and those of each block, outermost
 * first (innermost last).  Returns how many, in *out. */
static int read_function(frame_ctx *c, int fn, int first, sl_variable **out)
{
    var_list l = {0};
    int n = 0;
    collect(&c->scopes[fn], 1, &l);
    for (int k = fn; k >= first; k--)
        if (k == fn || dwarf_tag(&c->scopes[k]) == DW_TAG_lexical_block)
            collect(&c->scopes[k], 0, &l);
    *out = NULL;
    sl_variable *v = l.n ? sl__keep_bytes(c->s, (size_t)l.n * sizeof *v) : NULL;
    if (v) {
        for (int k = 0; k < l.n; k++)
            read_variable(c, &l.die[k], l.is_param[k], &v[k]);
        *out = v;
        n = l.n;
    }
    free(l.die);
    free(l.is_param);
    return n;
}

/* Where inlined subroutine d is called from (DW_AT_call_file, _line);
 * leaves *file and *line alone when DWARF does not say. */
static void call_site_line(sl_stack *s, Dwarf_Die *d, const char **file, int *line)
{
    Dwarf_Attribute a;
    Dwarf_Word index, number;
    Dwarf_Die cu;
    Dwarf_Files *files;
    size_t count;
    if (dwarf_formudata(dwarf_attr(d, DW_AT_call_line, &a), &number) != 0)
        return;
    *line = (int)number;
    if (dwarf_formudata(dwarf_attr(d, DW_AT_call_file, &a), &index) == 0 &&
        dwarf_diecu(d, &cu, NULL, NULL) && dwarf_getsrcfiles(&cu, &files, &count) == 0 &&
        index < count)
        *file = sl__keep(s, dwarf_filesrc(files, index, NULL, NULL));
}

/* Frame i's variables, and the functions inlined at its pc with theirs.
 * Its scopes, innermost first, hold each inlined function after its own
 * blocks: [blocks, inlined g, blocks, inlined h, blocks, f (the frame's)].
 * gdb numbers g and h as frames of their own, each at the line where the
 * pc is in it or where it calls the next; f's line becomes its call of h. */
static int read_frame(sl_stack *s, Dwfl *dwfl, int i, obj_queue *q)
{
    frame_ctx c;
    sl_frame *f = &s->frames[i];
    if (f->inlined_count) {             /* read before: the pc's line is inlined[0]'s */
        f->file = f->inlined[0].file;
        f->line = f->inlined[0].line;
    }
    f->variables = NULL;
    f->variable_count = 0;
    f->inlined = NULL;
    f->inlined_count = 0;
    if (frame_setup(&c, s, dwfl, i, 0) < 0)
        return 0;
    c.queue = q;
    int levels = 0, first = 0, total = 0;
    for (int k = 0; k < c.fn; k++)
        levels += dwarf_tag(&c.scopes[k]) == DW_TAG_inlined_subroutine;
    sl_inline *in = levels ? sl__keep_bytes(s, (size_t)levels * sizeof *in) : NULL;
    const char *file = f->file;
    int line = f->line, l = 0;
    for (int k = 0; k < c.fn; k++) {
        if (dwarf_tag(&c.scopes[k]) != DW_TAG_inlined_subroutine)
            continue;
        if (in) {
            sl_inline *x = &in[l++];
            const char *name = die_name(&c.scopes[k]);
            x->function = sl__keep(s, name ? name : "??");
            x->file = file;
            x->line = line;
            x->variable_count = read_function(&c, k, first, &x->variables);
            total += x->variable_count;
        }
        call_site_line(s, &c.scopes[k], &file, &line);
        first = k + 1;
    }
    f->variable_count = read_function(&c, c.fn, first, &f->variables);
    if (in) {
        f->inlined = in;
        f->inlined_count = levels;
        f->file = file;
        f->line = line;
    }
    return total + f->variable_count;
}

/* Reads the objects queued, breadth first (so the first boxes are those
 * variables point at), each once, following their pointer members. */
static void read_objects(sl_stack *s, Dwfl *dwfl, obj_queue *q)
{
    s->objects = NULL;
    s->object_count = 0;
    if (!q)
        return;
    sl_object *obj = sl__keep_bytes(s, SL_OBJECTS_MAX * sizeof *obj);
    if (!obj)
        return;
    const sl_target *t = s->target ? s->target : sl_target_self();
    fmt F = { t, dwfl };
    int n = 0;
    for (int k = 0; k < q->n && n < SL_OBJECTS_MAX; k++) {
        pending_obj *p = &q->item[k];
        int seen = 0;
        for (int j = 0; j < n && !seen; j++)
            seen = obj[j].address == p->address;
        if (seen)
            continue;
        Dwarf_Die peeled;
        Dwarf_Word size = 0;
        if (dwarf_peel_type(&p->type, &peeled) != 0 || dwarf_aggregate_size(&peeled, &size) != 0 ||
            size == 0)
            continue;
        if (size > 4096)
            size = 4096;
        sl_object *o = &obj[n++];
        memset(o, 0, sizeof *o);
        o->address = p->address;
        o->size = size;
        o->depth = p->depth;
        sb ts = {0};
        spell(&p->type, "", &ts, 0);
        o->type = sl__keep(s, sb_str(&ts));
        free(ts.p);
        unsigned char *bytes = malloc(size), *known = malloc(size);
        if (!bytes || !known) {
            free(bytes);
            free(known);
            continue;
        }
        o->readable = sl_target_read(t, p->address, bytes, size) == 0;
        memset(known, 1, size);
        value v = { bytes, known, size, p->address };
        int tag = dwarf_tag(&peeled);
        int is_struct = tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
                        tag == DW_TAG_class_type;
        Dwarf_Die m;
        int fields = 0;
        if (is_struct && dwarf_child(&peeled, &m) == 0) {
            do
                fields += dwarf_tag(&m) == DW_TAG_member;
            while (dwarf_siblingof(&m, &m) == 0);
        }
        o->fields = sl__keep_bytes(s, (size_t)(fields ? fields : 1) * sizeof *o->fields);
        if (!o->fields || !o->readable) {
            free(bytes);
            free(known);
            continue;
        }
        if (!is_struct) {
            sb val = {0};
            format_value(&F, &p->type, v, &val, 0);
            o->fields[0] = (sl_field){ "", sl__keep(s, sb_str(&val)), 0, 0 };
            if (dwarf_tag(&peeled) == DW_TAG_pointer_type) {
                Dwarf_Die to;
                memcpy(&o->fields[0].pointer, bytes, sizeof(uintptr_t));
                if (die_ref(&peeled, DW_AT_type, &to) == 0)
                    want_object(q, s, o->fields[0].pointer, &to, p->depth + 1);
            }
            o->field_count = 1;
            free(val.p);
        } else if (dwarf_child(&peeled, &m) == 0) {
            do {
                Dwarf_Die mt, mp, to;
                Dwarf_Attribute a;
                Dwarf_Word off = 0;
                if (dwarf_tag(&m) != DW_TAG_member || die_ref(&m, DW_AT_type, &mt) != 0)
                    continue;
                dwarf_formudata(dwarf_attr(&m, DW_AT_data_member_location, &a), &off);
                sl_field *fl = &o->fields[o->field_count++];
                const char *name = die_name(&m);
                fl->name = sl__keep(s, name ? name : "");
                fl->offset = off;
                fl->pointer = 0;        /* set below for a pointer member */
                sb val = {0};
                if (dwarf_bitsize(&m) > 0) {
                    sb_puts(&val, "<bit-field>");
                } else if (off < size) {
                    value mv = { bytes + off, known + off, size - off, p->address + off };
                    format_value(&F, &mt, mv, &val, 0);
                    if (dwarf_peel_type(&mt, &mp) == 0 && dwarf_tag(&mp) == DW_TAG_pointer_type &&
                        off + sizeof(uintptr_t) <= size) {
                        memcpy(&fl->pointer, bytes + off, sizeof(uintptr_t));
                        if (die_ref(&mp, DW_AT_type, &to) == 0)
                            want_object(q, s, fl->pointer, &to, p->depth + 1);
                    }
                }
                fl->value = sl__keep(s, sb_str(&val));
                free(val.p);
            } while (dwarf_siblingof(&m, &m) == 0 && o->field_count < fields);
        }
        free(bytes);
        free(known);
    }
    s->objects = obj;
    s->object_count = n;
}

/* How many frames, innermost first, have their variables read: up to and
 * including main when main is on the stack.  Above it run the C library's
 * start-up frames (__libc_start_call_main, _start), whose variables are
 * the C library's: reading them, or their lines, loads its whole separate
 * debug information (libc6-dbg: ~80 ms of decompression, 15 times all the
 * rest of a first read of a 100-frame stack). */
static int frames_to_read(const sl_stack *s)
{
    for (int i = 0; i < s->count; i++)
        if (s->frames[i].function && strcmp(s->frames[i].function, "main") == 0)
            return i + 1;
    return s->count;
}

int sl_stack_read_variables(sl_stack *s)
{
    if (!s || s->count <= 0 || !s->frames || sl__symbolize_refused(s))
        return -1;          /* (libdw needs the stack symbolize needs) */
    int symbolized = 0;
    for (int i = 0; i < s->count && !symbolized; i++)
        symbolized = s->frames[i].function != NULL;
    if (!symbolized)
        sl_stack_symbolize_lines(s, 0);         /* names: where main is */
    int n = frames_to_read(s);
    if (!symbolized)
        sl_stack_symbolize_lines(s, n);         /* and lines up to it */
    Dwfl *dwfl = sl__dwfl_acquire(s->target ? s->target->pid : getpid());
    if (!dwfl)
        return -1;
    int total = 0;
    obj_queue *q = calloc(1, sizeof *q);
    for (int i = 0; i < n; i++)
        total += read_frame(s, dwfl, i, q);
    read_objects(s, dwfl, q);
    free(q);
    bury_scopes();
    sl__dwfl_release();
    return total;
}

/* ---- the place, in words ------------------------------------------------------------ */

size_t sl__variable_place(const sl_frame *f, const sl_variable *v, char *buf, size_t size)
{
    int n = 0;
    switch (v->place) {
    case SL_VAR_MEMORY:
        if (v->flags & SL_VAR_STATIC)
            n = snprintf(buf, size, "static 0x%lx", (unsigned long)v->address);
        else if (f->cfa && v->address < f->cfa + 4096 && v->address + 65536 > f->cfa)
            n = snprintf(buf, size, "CFA%+ld", (long)(v->address - f->cfa));
        else
            n = snprintf(buf, size, "0x%lx", (unsigned long)v->address);
        break;
    case SL_VAR_REGISTER:
        n = snprintf(buf, size, "in %s", v->reg ? v->reg : "?");
        break;
    case SL_VAR_COMPUTED:
        n = snprintf(buf, size, "computed");
        break;
    case SL_VAR_OPTIMIZED_OUT:
        n = snprintf(buf, size, "optimized out: %s", v->why ? v->why : "?");
        break;
    }
    if (n >= 0 && (size_t)n < size && (v->flags & SL_VAR_ENTRY_VALUE))
        n += snprintf(buf + n, size - (size_t)n, ", value at entry");
    return n < 0 ? 0 : (size_t)n;
}

#else /* SL_WITHOUT_DWARF_LIBS */

#include <errno.h>
#include <stdio.h>

#include <stacklab/frames.h>

/* Without libdw there are no DWARF scopes to read: no variables. */
int sl_stack_read_variables(sl_stack *s)
{
    (void)s;
    errno = ENOSYS;
    return -1;
}

size_t sl__variable_place(const sl_frame *f, const sl_variable *v, char *buf, size_t size)
{
    (void)f, (void)v;
    if (size)
        buf[0] = '\0';
    return 0;
}
#endif /* SL_WITHOUT_DWARF_LIBS */
