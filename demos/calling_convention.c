/*
 * calling_convention: where a call puts its arguments.
 *
 * The probe (sl_probe, sl_probe_ms in stacklab/abi.h) is an assembly routine
 * that can be called through any prototype: it saves every argument register
 * and the caller's stack-argument area, and sl_probe_find tells us where the
 * bytes of each argument landed.  Each call below is made twice, once under
 * the System V AMD64 convention (Linux, macOS, the BSDs) and once under the
 * Microsoft x64 convention (gcc's __attribute__((ms_abi))), and the two
 * answers are printed side by side.
 *
 * The values are chosen so that their bytes occur nowhere else: 0x1111...
 * for the first integer, 1.5 for the first double, and so on.
 */
#include <stacklab/abi.h>

#include <stdio.h>
#include <string.h>

#include "lecture.h"

/* calling_convention-four.c: the four conventions side by side. */
void cc_four_table(void);

#define MS __attribute__((ms_abi))

/* The probes, reached through pointers the compiler cannot see through:
 * each call below casts them to the prototype under study, which is the
 * point of the probe (and would otherwise draw gcc's warning about calling
 * a function through an incompatible type). */
static void (*volatile probe_sysv)(void) = sl_probe;
static void (*volatile probe_ms)(void) = sl_probe_ms;

/* ---- the values passed ---------------------------------------------------- */

struct pair_ld { long a; double b; };           /* INTEGER + SSE */
struct two_ints { int x, y; };                  /* one INTEGER eightbyte */
struct two_doubles { double x, y; };            /* SSE + SSE */
struct big { long w, x, y, z; };                /* 32 bytes: MEMORY */

static const long L[8] = {
    0x1111111111111111, 0x2222222222222222, 0x3333333333333333, 0x4444444444444444,
    0x5555555555555555, 0x6666666666666666, 0x7777777777777777, 0x0888888888888888,
};
static const double D[9] = { 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5 };
static const int I1 = 0x1234567;
static const float F1 = 2.75f;
static char text[] = "hello";
static char *const P1 = text;
static const struct pair_ld S_PAIR = { 0x0a0a0a0a0a0a0a0a, 0.125 };
static const struct two_ints S_INTS = { 0x0b0b0b0b, 0x0c0c0c0c };
static const struct two_doubles S_DBLS = { 10.25, 20.25 };
static const struct big S_BIG = { 0x0d0d0d0d0d0d0d01, 0x0d0d0d0d0d0d0d02,
                                  0x0d0d0d0d0d0d0d03, 0x0d0d0d0d0d0d0d04 };

/* ---- one row per argument (or per eightbyte of a struct) ------------------ */

#define MAX_ROWS 12

typedef struct row {
    const char *name;       /* as written in the call: "a1", "s.b" */
    const char *type;       /* its C type */
    const char *value;      /* the value, as the table shows it */
    const void *bytes;      /* where the value's bytes are */
    size_t size;
    const char *sysv_class; /* the System V class of this eightbyte */
    int ms_ref;             /* Microsoft x64: passed by reference at this position (1-4) */
    size_t ms_ref_offset;   /* ... this row's offset inside the referenced copy */
    int pos;                /* argument position, counting a hidden result pointer */
    char where[2][32];      /* [0] System V, [1] Microsoft x64 */
} row;

static const char *const ms_regs[4] = { "rcx", "rdx", "r8", "r9" };

typedef struct call {
    const char *title;
    const char *proto;
    row rows[MAX_ROWS];
    int nrows;
    int npos;               /* positions used so far */
    unsigned al;            /* System V: what the caller put in al */
    uint64_t hidden[2];     /* the hidden result pointer under each convention */
    const void *result;     /* where the caller wanted the result */
} call;


static const char *const sysv_regs[6] = { "rdi", "rsi", "rdx", "rcx", "r8", "r9" };

/* Looks for a row's bytes where its class can travel: vector registers for
 * SSE, integer argument registers otherwise, then the stack arguments.
 * (sl_probe_find searches every register in one order; a register the call
 * did not use can hold a stale copy of a value, so the demo asks by class.) */
static bool find_arg(const sl_probe_snapshot *s, const row *r, int conv, char *w, size_t size)
{
    uint64_t v;
    /* Microsoft x64 assigns by position: only that position's registers count. */
    int lo = conv == 1 ? r->pos - 1 : 0;
    int hi = conv == 1 ? (r->pos <= 4 ? r->pos : 0) : 8;
    if (r->size <= 8 && !strcmp(r->sysv_class, "SSE")) {
        for (int k = lo; k < hi; k++) {
            if (memcmp(s->vec[k], r->bytes, r->size) != 0)
                continue;
            /* Microsoft x64 variadic: the same value in the position's integer register */
            if (conv == 1 && sl_probe_register(s, ms_regs[k], &v) == 0 &&
                memcmp(&v, r->bytes, r->size) == 0)
                snprintf(w, size, "%s and xmm%d", ms_regs[k], k);
            else
                snprintf(w, size, "xmm%d", k);
            return true;
        }
    } else if (r->size <= 8) {
        for (int k = lo; k < (conv == 0 ? 6 : hi); k++)
            if (sl_probe_register(s, conv == 0 ? sysv_regs[k] : ms_regs[k], &v) == 0 &&
                memcmp(&v, r->bytes, r->size) == 0) {
                snprintf(w, size, "%s", conv == 0 ? sysv_regs[k] : ms_regs[k]);
                return true;
            }
    }
    /* The stack arguments, in 8-byte slots; Microsoft's start after the shadow space. */
    for (size_t off = conv == 0 ? 0 : 32; off + r->size <= SL_PROBE_STACK_BYTES; off += 8)
        if (memcmp(s->stack + off, r->bytes, r->size) == 0) {
            snprintf(w, size, "stack+%zu", off);
            return true;
        }
    return false;
}

/* Fills column conv (0 System V, 1 Microsoft) of every row from the last
 * snapshot.  Called by the function that made the call, while the copies a
 * by-reference argument points at still exist in its frame. */
static void locate(call *c, int conv)
{
    const sl_probe_snapshot *s = sl_probe_last();

    for (int i = 0; i < c->nrows; i++) {
        row *r = &c->rows[i];
        char *w = r->where[conv];
        if (conv == 1 && r->ms_ref) {
            /* Not 1, 2, 4 or 8 bytes: the callee gets a pointer to a copy. */
            const char *reg = ms_regs[r->ms_ref - 1];
            uint64_t p = 0;
            if (sl_probe_register(s, reg, &p) == 0 && p &&
                memcmp((const char *)(uintptr_t)p + r->ms_ref_offset, r->bytes, r->size) == 0)
                snprintf(w, sizeof r->where[0], "[%s%s] copy", reg,
                         r->ms_ref_offset ? "+8" : "");
            else
                snprintf(w, sizeof r->where[0], "by reference?");
            continue;
        }
        if (!find_arg(s, r, conv, w, sizeof r->where[0]))
            snprintf(w, sizeof r->where[0], "(not found)");
    }
    uint64_t rax = 0, first = 0;
    if (conv == 0 && sl_probe_register(s, "rax", &rax) == 0)
        c->al = (unsigned)(rax & 0xff);
    if (sl_probe_register(s, conv == 0 ? "rdi" : "rcx", &first) == 0)
        c->hidden[conv] = first;
}

/* After the last locate: keeps the call out of tail position, so the
 * caller's frame (and the copies in it) outlives locate. */
#define KEEP_FRAME() __asm__ volatile("" ::: "memory")

static void add(call *c, const char *name, const char *type, const char *value,
                const void *bytes, size_t size, const char *cls)
{
    row *r = &c->rows[c->nrows++];
    *r = (row){ .name = name, .type = type, .value = value, .bytes = bytes, .size = size,
                .sysv_class = cls, .pos = ++c->npos };
}

/* The same call, marked as passed by reference under Microsoft x64. */
static void add_ms_ref(call *c, const char *name, const char *type, const char *value,
                       const void *bytes, size_t size, const char *cls, int pos, size_t off)
{
    add(c, name, type, value, bytes, size, cls);
    if (off > 0)                        /* another eightbyte of the same argument */
        c->rows[c->nrows - 1].pos = --c->npos;
    c->rows[c->nrows - 1].ms_ref = pos;
    c->rows[c->nrows - 1].ms_ref_offset = off;
}

/* Pads plain text to width before colouring it, so columns stay aligned. */
static const char *cell(const char *(*paint)(const char *), const char *text, int width)
{
    char padded[64];
    snprintf(padded, sizeof padded, "%-*s", width, text);
    return paint ? paint(padded) : lecture_em(padded);
}

/* No colour: a copy in one of a few rotating buffers. */
static const char *plain(const char *t)
{
    static char buf[8][64];
    static unsigned next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%s", t);
    return b;
}

static bool is_stack(const char *where) { return strncmp(where, "stack", 5) == 0; }

static void print_table(const call *c)
{
    lecture_code("%s", c->proto);
    lecture_say("%s", lecture_dim("arg    C type        value                  class      "
                                  "System V       Microsoft x64"));
    for (int i = 0; i < c->nrows; i++) {
        const row *r = &c->rows[i];
        lecture_say("%s%s%s%s%s%s", cell(plain, r->name, 7), cell(plain, r->type, 14),
                    cell(plain, r->value, 23), cell(lecture_dim, r->sysv_class, 11),
                    cell(is_stack(r->where[0]) ? lecture_bad : lecture_note, r->where[0], 15),
                    cell(is_stack(r->where[1]) ? lecture_bad : lecture_note, r->where[1], 0));
    }
}

/* ---- the calls ------------------------------------------------------------ */

typedef void (*sysv_longs)(long, long, long, long, long, long, long, long);
typedef void MS (*ms_longs)(long, long, long, long, long, long, long, long);

static __attribute__((noinline)) void call_longs(call *c)
{
    ((sysv_longs)probe_sysv)(L[0], L[1], L[2], L[3], L[4], L[5], L[6], L[7]);
    locate(c, 0);
    ((ms_longs)probe_ms)(L[0], L[1], L[2], L[3], L[4], L[5], L[6], L[7]);
    locate(c, 1);
    KEEP_FRAME();
}

typedef void (*sysv_doubles)(double, double, double, double, double, double, double,
                             double, double);
typedef void MS (*ms_doubles)(double, double, double, double, double, double, double,
                              double, double);

static __attribute__((noinline)) void call_doubles(call *c)
{
    ((sysv_doubles)probe_sysv)(D[0], D[1], D[2], D[3], D[4], D[5], D[6], D[7], D[8]);
    locate(c, 0);
    ((ms_doubles)probe_ms)(D[0], D[1], D[2], D[3], D[4], D[5], D[6], D[7], D[8]);
    locate(c, 1);
    KEEP_FRAME();
}

typedef void (*sysv_mixed)(int, double, long, float, char *, double);
typedef void MS (*ms_mixed)(int, double, long, float, char *, double);

static __attribute__((noinline)) void call_mixed(call *c)
{
    ((sysv_mixed)probe_sysv)(I1, D[0], L[0], F1, P1, D[1]);
    locate(c, 0);
    ((ms_mixed)probe_ms)(I1, D[0], L[0], F1, P1, D[1]);
    locate(c, 1);
    KEEP_FRAME();
}

typedef void (*sysv_structs)(struct pair_ld, struct two_ints, struct two_doubles);
typedef void MS (*ms_structs)(struct pair_ld, struct two_ints, struct two_doubles);

static __attribute__((noinline)) void call_structs(call *c)
{
    ((sysv_structs)probe_sysv)(S_PAIR, S_INTS, S_DBLS);
    locate(c, 0);
    ((ms_structs)probe_ms)(S_PAIR, S_INTS, S_DBLS);
    locate(c, 1);
    KEEP_FRAME();
}

typedef void (*sysv_big)(long, struct big, long);
typedef void MS (*ms_big)(long, struct big, long);

static __attribute__((noinline)) void call_big(call *c)
{
    ((sysv_big)probe_sysv)(L[0], S_BIG, L[1]);
    locate(c, 0);
    ((ms_big)probe_ms)(L[0], S_BIG, L[1]);
    locate(c, 1);
    KEEP_FRAME();
}

typedef struct big (*sysv_ret)(long, long);
typedef struct big MS (*ms_ret)(long, long);

static __attribute__((noinline)) void call_returns_big(call *c)
{
    /* The probe returns without writing the result: only where the caller
     * asked for it matters here, so it is never read. */
    volatile struct big result;
    c->result = (const void *)&result;
    result = ((sysv_ret)probe_sysv)(L[0], L[1]);
    locate(c, 0);
    result = ((ms_ret)probe_ms)(L[0], L[1]);
    locate(c, 1);
    KEEP_FRAME();
}

typedef void (*sysv_variadic)(const char *, ...);
typedef void MS (*ms_variadic)(const char *, ...);

static __attribute__((noinline)) void call_variadic(call *c)
{
    ((sysv_variadic)probe_sysv)(P1, I1, D[0], D[1]);
    locate(c, 0);
    ((ms_variadic)probe_ms)(P1, I1, D[0], D[1]);
    locate(c, 1);
    KEEP_FRAME();
}

/* ---- the diagram ---------------------------------------------------------- */

/* Where the eight longs went under both conventions: registers on the left,
 * the stack (higher addresses at the top) on the right. */
static void write_diagram(const call *c)
{
    FILE *f = lecture_diagram_open("calling_convention");
    if (!f)
        return;
    fprintf(f, "digraph calling_convention {\n"
               "  graph [rankdir=TB, nodesep=0.4, fontname=\"Helvetica\", fontsize=20, labelloc=t,\n"
               "         label=\"f(a1, ..., a8): eight longs at the moment f is entered\"];\n"
               "  node [shape=plaintext, fontname=\"Helvetica\", fontsize=16];\n");
    for (int conv = 0; conv < 2; conv++) {
        const char *regs0[6] = { "rdi", "rsi", "rdx", "rcx", "r8", "r9" };
        const char *const *regs = conv == 0 ? regs0 : ms_regs;
        int nregs = conv == 0 ? 6 : 4;
        const char *colour = conv == 0 ? "#dbe9f6" : "#fde2c8";

        const char *conv_name = conv == 0 ? "System V" : "Microsoft x64";
        fprintf(f, "    regs%d [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\""
                   " cellpadding=\"6\"><tr><td colspan=\"2\"><b>%s</b><br/>registers</td></tr>\n",
                conv, conv_name);
        for (int k = 0; k < nregs; k++) {
            const char *who = "";
            for (int i = 0; i < c->nrows; i++)
                if (!strcmp(c->rows[i].where[conv], regs[k]))
                    who = c->rows[i].name;
            fprintf(f, "      <tr><td align=\"left\"><b>%s</b></td><td bgcolor=\"%s\">%s</td></tr>\n",
                    regs[k], colour, who);
        }
        fprintf(f, "      </table>>];\n");

        /* The stack: slots by offset from the entry rsp, highest first. */
        int top = 0;
        for (int i = 0; i < c->nrows; i++) {
            int n;
            if (sscanf(c->rows[i].where[conv], "stack+%d", &n) == 1 && n + 8 > top)
                top = n + 8;
        }
        fprintf(f, "    stack%d [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\""
                   " cellpadding=\"6\"><tr><td colspan=\"2\"><b>%s</b><br/>stack at entry"
                   " (grows down)</td></tr>\n", conv, conv_name);
        for (int off = top - 8; off >= -8; off -= 8) {
            const char *who = NULL, *bg = colour;
            char name[64];
            for (int i = 0; i < c->nrows; i++) {
                int n;
                if (sscanf(c->rows[i].where[conv], "stack+%d", &n) == 1 && n == off)
                    who = c->rows[i].name;
            }
            if (off == -8) {
                who = "return address";
                bg = "#e0e0e0";
            } else if (!who && conv == 1 && off < 32) {
                snprintf(name, sizeof name, "shadow space: home of %s", ms_regs[off / 8]);
                who = name;
                bg = "#f4f4f4";
            } else if (!who) {
                who = "";
                bg = "white";
            }
            fprintf(f, "      <tr><td align=\"right\">rsp+%d</td><td bgcolor=\"%s\""
                       " width=\"220\">%s</td></tr>\n", off + 8, bg, who);
        }
        fprintf(f, "      </table>>];\n");
    }
    /* Side by side, System V on the left. */
    fprintf(f, "  { rank=same; regs0; stack0; regs1; stack1; }\n"
               "  regs0 -> stack0 -> regs1 -> stack1 [style=invis];\n}\n");
    lecture_diagram_close(f);
}

/* ---- the lecture ---------------------------------------------------------- */

static void check(const call *c, int conv, const char *const *expect)
{
    for (int i = 0; i < c->nrows && expect[i]; i++)
        if (strcmp(c->rows[i].where[conv], expect[i]) != 0)
            lecture_fail("%s: %s expected in %s, found in %s",
                         conv == 0 ? "System V" : "Microsoft x64", c->rows[i].name,
                         expect[i], c->rows[i].where[conv]);
}

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "calling_convention",
                  "Where a call puts its arguments: System V AMD64 and Microsoft x64 side by side.",
                  "Each call goes to an assembly probe that records every argument register\n"
                  "and the stack; the table says where each argument's bytes were found.\n\n"
                  "Diagrams:\n"
                  "  calling_convention.svg   eight longs: registers and stack, both conventions\n");

    lecture_step("How to read the tables");
    lecture_say("The probe is one assembly routine called through many prototypes. It saves "
                "every argument register and the stack above its return address; "
                "%s is the first byte above the return address (the entry rsp + 8).",
                lecture_note("stack+0"));
    lecture_say("System V column: Linux, macOS, BSD. Microsoft x64 column: Windows "
                "(gcc's %s).", lecture_note("__attribute__((ms_abi))"));

    call longs = { .proto = "void f(long a1, long a2, ..., long a8);" };
    static const char *const lname[8] = { "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8" };
    static const char *const lval[8] = { "0x1111111111111111", "0x2222222222222222",
        "0x3333333333333333", "0x4444444444444444", "0x5555555555555555",
        "0x6666666666666666", "0x7777777777777777", "0x0888888888888888" };
    for (int i = 0; i < 8; i++)
        add(&longs, lname[i], "long", lval[i], &L[i], 8, "INTEGER");
    call_longs(&longs);
    lecture_step("Eight integers: six in registers, then the stack");
    print_table(&longs);
    check(&longs, 0, (const char *const[]){ "rdi", "rsi", "rdx", "rcx", "r8", "r9",
                                            "stack+0", "stack+8", NULL });
    check(&longs, 1, (const char *const[]){ "rcx", "rdx", "r8", "r9", "stack+32", "stack+40",
                                            "stack+48", "stack+56", NULL });
    lecture_say("System V has six integer argument registers; a7 and a8 go on the stack, "
                "a7 just above the return address.");
    lecture_say("Microsoft x64 has four. The caller also reserves 32 bytes of %s above the "
                "return address (stack+0 to stack+31), where the callee may spill rcx, rdx, r8 "
                "and r9: so a5 is at %s.", lecture_em("shadow space"), lecture_note("stack+32"));
    write_diagram(&longs);

    call doubles = { .proto = "void f(double d1, ..., double d9);" };
    static const char *const dname[9] = { "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9" };
    static const char *const dval[9] = { "1.5", "2.5", "3.5", "4.5", "5.5", "6.5", "7.5",
                                         "8.5", "9.5" };
    for (int i = 0; i < 9; i++)
        add(&doubles, dname[i], "double", dval[i], &D[i], 8, "SSE");
    call_doubles(&doubles);
    lecture_step("Nine doubles: the vector registers xmm0-xmm7");
    print_table(&doubles);
    lecture_say("System V has eight vector argument registers, counted separately from the "
                "integer ones. Microsoft x64 has four, and they are shared by position.");

    call mixed = { .proto = "void f(int i, double d, long l, float x, char *p, double e);" };
    add(&mixed, "i", "int", "0x1234567", &I1, 4, "INTEGER");
    add(&mixed, "d", "double", "1.5", &D[0], 8, "SSE");
    add(&mixed, "l", "long", "0x1111111111111111", &L[0], 8, "INTEGER");
    add(&mixed, "x", "float", "2.75f", &F1, 4, "SSE");
    add(&mixed, "p", "char *", "\"hello\"", &P1, 8, "INTEGER");
    add(&mixed, "e", "double", "2.5", &D[1], 8, "SSE");
    call_mixed(&mixed);
    lecture_step("Mixed integers and floating point: counted separately, or by position");
    print_table(&mixed);
    check(&mixed, 0, (const char *const[]){ "rdi", "xmm0", "rsi", "xmm1", "rdx", "xmm2", NULL });
    lecture_say("System V fills integer and vector registers independently: l is the second "
                "integer argument, so it goes in rsi although it is the third argument.");
    lecture_say("Microsoft x64 assigns by position: the 2nd argument is xmm1 or rdx, the 3rd "
                "is r8 or xmm2, whatever came before; the 5th and 6th go to the stack.");

    call structs = { .proto = "void f(struct {long a; double b;} s, struct {int x, y;} t,\n"
                              "          struct {double x, y;} u);" };
    add_ms_ref(&structs, "s.a", "long", "0x0a0a0a0a0a0a0a0a", &S_PAIR.a, 8, "INTEGER", 1, 0);
    add_ms_ref(&structs, "s.b", "double", "0.125", &S_PAIR.b, 8, "SSE", 1, 8);
    add(&structs, "t", "int, int", "0x0b0b0b0b,0x0c0c0c0c", &S_INTS, 8, "INTEGER");
    add_ms_ref(&structs, "u.x", "double", "10.25", &S_DBLS.x, 8, "SSE", 3, 0);
    add_ms_ref(&structs, "u.y", "double", "20.25", &S_DBLS.y, 8, "SSE", 3, 8);
    call_structs(&structs);
    lecture_step("Small structs: classified eightbyte by eightbyte");
    print_table(&structs);
    check(&structs, 0, (const char *const[]){ "rdi", "xmm0", "rsi", "xmm1", "xmm2", NULL });
    lecture_say("System V splits a struct of up to 16 bytes into eightbytes and classifies each: "
                "INTEGER if it holds an integer or pointer (general register), SSE if only "
                "float/double (vector register). s travels in rdi %s xmm0; t's two ints share "
                "one eightbyte, so one register.", lecture_em("and"));
    lecture_say("Microsoft x64 passes a struct in a register only if it is 1, 2, 4 or 8 bytes "
                "(t); otherwise the caller makes a copy and passes its address: [rcx] is "
                "the copy of s.");

    call big = { .proto = "void f(long a, struct big {long w, x, y, z;} b, long c);" };
    add(&big, "a", "long", "0x1111111111111111", &L[0], 8, "INTEGER");
    add_ms_ref(&big, "b", "struct big", "32 bytes 0x0d0d...", &S_BIG, 32, "MEMORY", 2, 0);
    add(&big, "c", "long", "0x2222222222222222", &L[1], 8, "INTEGER");
    call_big(&big);
    lecture_step("A large struct: MEMORY class, copied onto the stack");
    print_table(&big);
    check(&big, 0, (const char *const[]){ "rdi", "stack+0", "rsi", NULL });
    lecture_say("More than 16 bytes is class MEMORY: System V copies all 32 bytes into the "
                "stack-argument area, and it takes %s register: c is still in rsi.",
                lecture_em("no"));
    lecture_say("Microsoft x64 copies it too, but passes a pointer to the copy in rdx, the "
                "register of the 2nd position.");

    call ret = { .proto = "struct big f(long a, long b);      /* returns 32 bytes */",
                 .npos = 1 };          /* the hidden pointer is position 1 */
    add(&ret, "a", "long", "0x1111111111111111", &L[0], 8, "INTEGER");
    add(&ret, "b", "long", "0x2222222222222222", &L[1], 8, "INTEGER");
    call_returns_big(&ret);
    lecture_step("Returning a large struct: the hidden pointer");
    print_table(&ret);
    check(&ret, 0, (const char *const[]){ "rsi", "rdx", NULL });
    lecture_say("A result that does not fit in rax:rdx is written to memory the caller "
                "provides. Its address travels as a %s first argument, so a and b move one "
                "register along.", lecture_em("hidden"));
    lecture_say("hidden pointer: System V rdi = %s, Microsoft rcx = %s; the caller's result "
                "variable is at %s%s.", lecture_addr((void *)(uintptr_t)ret.hidden[0]),
                lecture_addr((void *)(uintptr_t)ret.hidden[1]), lecture_addr(ret.result),
                ret.hidden[0] == (uintptr_t)ret.result ? " (the same: no temporary)" :
                " (a temporary in the caller's frame)");
    lecture_say("The callee must return that pointer in rax; the probe does, as the ABI says.");

    call var = { .proto = "void f(const char *fmt, ...);   f(fmt, i, d1, d2)" };
    add(&var, "fmt", "char *", "\"hello\"", &P1, 8, "INTEGER");
    add(&var, "i", "int", "0x1234567", &I1, 4, "INTEGER");
    add(&var, "d1", "double", "1.5", &D[0], 8, "SSE");
    add(&var, "d2", "double", "2.5", &D[1], 8, "SSE");
    call_variadic(&var);
    lecture_step("A variadic call: al counts the vector registers");
    print_table(&var);
    char al[80];
    snprintf(al, sizeof al, "al = %u", var.al);
    lecture_say("System V: the caller sets %s, the number of vector registers used (at most "
                "8). A variadic callee's prologue reads al to decide whether to save xmm0-xmm7 "
                "for va_arg; this call used xmm0 and xmm1.", lecture_note(al));
    if (var.al < 2 || var.al > 8)
        lecture_fail("al should be between 2 and 8 for two doubles, it is %u", var.al);
    lecture_say("Microsoft x64 has no al: variadic doubles go in the integer register of their "
                "position (and a copy in the xmm register), so va_arg only reads memory after "
                "the callee spills the four registers into the shadow space.");

    lecture_step("One prototype, four conventions");
    lecture_say("The same call under the two x86-64 conventions and the two other 64-bit ABIs "
                "a course meets: AAPCS64 (Arm) and RISC-V LP64D. Their rules are plain C in "
                "the library (sl_probe_predict), so this machine can predict them; "
                "make ARCH=aarch64 demo measures AAPCS64 with the probe under qemu.");
    cc_four_table();
    lecture_say("AAPCS64 and RISC-V pass the mixed 16-byte struct in integer registers "
                "(AArch64) or one integer and one FP register (RISC-V, like System V's "
                "INTEGER+SSE); three floats are an HFA in v registers on AArch64 but two "
                "integer registers on RISC-V; over 16 bytes, both pass a pointer to a copy.");

    lecture_step("The rules, on one slide");
    lecture_code("                System V AMD64                 Microsoft x64");
    lecture_code("integers        rdi rsi rdx rcx r8 r9          rcx rdx r8 r9 (by position)");
    lecture_code("floating point  xmm0-xmm7                      xmm0-xmm3 (by position)");
    lecture_code("stack args      at entry rsp+8                 at entry rsp+40, after shadow");
    lecture_code("small structs   per eightbyte: INTEGER / SSE   1, 2, 4, 8 bytes: as integer");
    lecture_code("large structs   copied to the stack (MEMORY)   pointer to a copy");
    lecture_code("big results     hidden pointer in rdi          hidden pointer in rcx");
    lecture_code("variadic        al = vector registers used     doubles also in integer regs");
    return lecture_end();
}
