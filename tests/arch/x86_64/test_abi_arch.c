/*
 * test_abi_arch.c (x86_64): the abi suite's tests that are this
 * architecture's own: its calling conventions (System V AMD64 and
 * Microsoft x64), the probe, the context's register layout.
 * tests/test_abi.c has the shared ones.
 */
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stacklab/abi.h>
#include <stacklab/frames.h>
#include "abi_arch.h"
#include "context.h"
#include "harness.h"
#include "test_abi.h"

/* ---- context: the saved registers ----------------------------------- */

static void test_context_mangles_pointers(void)
{
    sl_context c;
    const struct sl_context_x86_64 *x = (const void *)&c;

    memset(&c, 0, sizeof c);
    sl_context_save(&c);
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    uint64_t rsp = sl__ctx_demangle(x->rsp_mangled);
    uint64_t rip = sl__ctx_demangle(x->rip_mangled);

    /* The demangled stack pointer lies in this frame, below its frame
     * pointer; the demangled pc lies in this function's code. */
    CU_ASSERT(rsp <= sp && sp - rsp < 4096);
    CU_ASSERT(rip > (uintptr_t)test_context_mangles_pointers &&
              rip < (uintptr_t)test_context_mangles_pointers + 4096);
    if (sl__context_secret != 0) {
        CU_ASSERT(x->rsp_mangled != rsp);
        CU_ASSERT(x->rip_mangled != rip);
    }
}

/* ---- context: callee-saved registers survive the jump --------------- */

int sl_test_context_keeps_regs(sl_context *ctx, uint64_t out[5]);

static void test_context_keeps_callee_saved(void)
{
    sl_context c;
    uint64_t out[5] = { 0 };

    CU_ASSERT_EQUAL(sl_test_context_keeps_regs(&c, out), 7);
    CU_ASSERT_EQUAL(out[0], 0xb0);      /* rbx */
    CU_ASSERT_EQUAL(out[1], 0x120);     /* r12 */
    CU_ASSERT_EQUAL(out[2], 0x130);
    CU_ASSERT_EQUAL(out[3], 0x140);
    CU_ASSERT_EQUAL(out[4], 0x150);     /* r15 */
}
/* ---- the probe: where did each argument go? ---------------------------- */

/* A by-reference argument: the register holds a pointer to a copy in the
 * caller's frame.  The copy is checked through the probe's copy of the
 * stack when that reaches it; the live memory is no longer the copy's
 * (the callee owned it and the compiler may reuse the slot; ASan calls
 * reading it a use after scope), so otherwise only the address is checked. */
static void check_reference(const char *name, const void *value, size_t size)
{
    const sl_probe_snapshot *s = sl_probe_last();
    uint64_t p = 0, base = s->entry_sp + 8;

    CU_ASSERT_EQUAL(sl_probe_register(s, name, &p), 0);
    CU_ASSERT(p >= base && p - base < (1u << 20));       /* in the caller's frame */
    if (p >= base && p + size <= base + SL_PROBE_STACK_BYTES)
        CU_ASSERT(memcmp(s->stack + (p - base), value, size) == 0);
}

struct pair { long l; double d; };                 /* INTEGER + SSE */
struct big { long a, b, c, d; };                   /* 32 bytes: MEMORY */
struct two_floats { float x, y; };                 /* 8 bytes: SSE / ms: INTEGER */

#define MS __attribute__((ms_abi))

#define SYSV_AS(type) ((type)SL_PROBE)
#define MS_AS(type)   ((type)SL_PROBE_MS)

static const long L[8] = {
    0x1111111111111101, 0x1111111111111102, 0x1111111111111103, 0x1111111111111104,
    0x1111111111111105, 0x1111111111111106, 0x1111111111111107, 0x1111111111111108,
};
static const double D[10] = { 1.25, 2.5, 3.75, 4.125, 5.0625, 6.03125, 7.5, 8.25, 9.125, 10.0625 };

static void test_sysv_integers(void)
{
    SYSV_AS(void (*)(long, long, long, long, long, long, long, long))
        (L[0], L[1], L[2], L[3], L[4], L[5], L[6], L[7]);
    CU_ASSERT_EQUAL(sl_probe_last()->convention, SL_CALL_SYSV);
    CU_ASSERT_WHERE(L[0], "rdi");
    CU_ASSERT_WHERE(L[1], "rsi");
    CU_ASSERT_WHERE(L[2], "rdx");
    CU_ASSERT_WHERE(L[3], "rcx");
    CU_ASSERT_WHERE(L[4], "r8");
    CU_ASSERT_WHERE(L[5], "r9");
    CU_ASSERT_WHERE(L[6], "stack+0");
    CU_ASSERT_WHERE(L[7], "stack+8");
}

static void test_sysv_doubles(void)
{
    SYSV_AS(void (*)(double, double, double, double, double, double, double, double,
                     double, double))
        (D[0], D[1], D[2], D[3], D[4], D[5], D[6], D[7], D[8], D[9]);
    CU_ASSERT_WHERE(D[0], "xmm0");
    CU_ASSERT_WHERE(D[3], "xmm3");
    CU_ASSERT_WHERE(D[7], "xmm7");
    /* (Searched, D[8] may show up first in a scratch register the caller
     * staged it through, so look where the rule says.) */
    CU_ASSERT_EQUAL(memcmp(sl_probe_last()->stack + 0, &D[8], 8), 0);
    CU_ASSERT_EQUAL(memcmp(sl_probe_last()->stack + 8, &D[9], 8), 0);
}

static void test_sysv_mixed(void)
{
    int i = 0x51515151;

    /* Integers and doubles take from separate queues. */
    SYSV_AS(void (*)(int, double, long, double))(i, D[0], L[1], D[1]);
    CU_ASSERT_WHERE(i, "rdi");
    CU_ASSERT_WHERE(D[0], "xmm0");
    CU_ASSERT_WHERE(L[1], "rsi");
    CU_ASSERT_WHERE(D[1], "xmm1");
}

static void test_sysv_struct_integer_sse(void)
{
    struct pair p = { L[4], D[2] };
    sl_probe_arg a = { "struct pair", &p, sizeof p, "long,double" };
    sl_arg_class c[2];

    SYSV_AS(void (*)(long, struct pair))(L[0], p);
    CU_ASSERT_WHERE(L[0], "rdi");
    CU_ASSERT_WHERE(p.l, "rsi");
    CU_ASSERT_WHERE(p.d, "xmm0");
    CU_ASSERT_EQUAL(sl_probe_classify(&a, SL_CALL_SYSV, c, 2), 2);
    CU_ASSERT_EQUAL(c[0], SL_CLASS_INTEGER);
    CU_ASSERT_EQUAL(c[1], SL_CLASS_SSE);
}

static void test_sysv_struct_memory(void)
{
    struct big b = { L[4], L[5], L[6], L[7] };
    sl_probe_arg a = { "struct big", &b, sizeof b, "long[4]" };
    sl_arg_class c[2];

    SYSV_AS(void (*)(long, struct big))(L[0], b);
    CU_ASSERT_WHERE(L[0], "rdi");
    CU_ASSERT_EQUAL(memcmp(sl_probe_last()->stack, &b, sizeof b), 0);  /* the whole copy */
    CU_ASSERT_EQUAL(sl_probe_classify(&a, SL_CALL_SYSV, c, 2), 1);
    CU_ASSERT_EQUAL(c[0], SL_CLASS_MEMORY);
}

static void test_sysv_returned_struct(void)
{
    struct big r;
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
    uint64_t rdi;

    r = SYSV_AS(struct big (*)(long))(L[2]);
    KEEP_STRUCT(r);
    /* The hidden pointer to the result takes rdi; the argument moves over. */
    CU_ASSERT_WHERE(L[2], "rsi");
    rdi = reg("rdi");
    CU_ASSERT(rdi < fp && fp - rdi < 4096);
}

static void test_sysv_variadic(void)
{
    SYSV_AS(void (*)(const char *, ...))("x", D[0], L[3], D[1]);
    CU_ASSERT_EQUAL(reg("al"), 2);              /* two vector registers used */
    CU_ASSERT_WHERE(D[0], "xmm0");
    CU_ASSERT_WHERE(L[3], "rsi");
    CU_ASSERT_WHERE(D[1], "xmm1");
    SYSV_AS(void (*)(const char *, ...))("x", L[3]);
    CU_ASSERT_EQUAL(reg("al"), 0);
}

static void test_sysv_float_long_double(void)
{
    float f = 1.5f;
    long double ld = 3.25L;
    int i = 0x61616161;
    sl_probe_arg a = SL_PROBE_ARG(long double, ld);
    sl_arg_class c[2];

    SYSV_AS(void (*)(float, long double, int))(f, ld, i);
    CU_ASSERT_WHERE(f, "xmm0");
    CU_ASSERT_STRING_EQUAL(where_is(&ld, 10), "stack+0");  /* X87: memory */
    CU_ASSERT_WHERE(i, "rdi");
    CU_ASSERT_EQUAL(sl_probe_classify(&a, SL_CALL_SYSV, c, 2), 2);
    CU_ASSERT_EQUAL(c[0], SL_CLASS_X87);
    CU_ASSERT_EQUAL(c[1], SL_CLASS_X87UP);
}

static void test_sysv_two_floats(void)
{
    struct two_floats t = { 1.5f, 2.5f };

    SYSV_AS(void (*)(struct two_floats))(t);
    CU_ASSERT_WHERE(t, "xmm0");                 /* one SSE eightbyte */
}

/* ---- classification against the psABI's own examples and rules -------- */

typedef struct {
    const char *type, *layout;
    size_t size;
    const char *sysv;           /* the classes, comma-separated */
    const char *ms;             /* NULL: not checked */
} class_case;

static const char *classes_text(const char *type, const char *layout, size_t size,
                                sl_call_convention conv, char *buf, size_t n)
{
    sl_probe_arg a = { type, NULL, size, layout };
    sl_arg_class c[2];
    int k = sl_probe_classify(&a, conv, c, 2);
    size_t used = 0;

    buf[0] = '\0';
    if (k < 0)
        snprintf(buf, n, "-1");
    for (int j = 0; j < k && j < 2; j++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", j ? "," : "",
                                 sl_arg_class_name(c[j]));
    return buf;
}

static void check_cases(const class_case *t, int n)
{
    char got[64];

    for (int i = 0; i < n; i++) {
        const char *name = t[i].layout ? t[i].layout : t[i].type;
        classes_text(t[i].type, t[i].layout, t[i].size, SL_CALL_SYSV, got, sizeof got);
        if (strcmp(got, t[i].sysv) != 0)
            fprintf(stderr, "\n  sysv %s: got %s, want %s", name, got, t[i].sysv);
        CU_ASSERT_STRING_EQUAL(got, t[i].sysv);
        if (!t[i].ms)
            continue;
        classes_text(t[i].type, t[i].layout, t[i].size, SL_CALL_MS, got, sizeof got);
        if (strcmp(got, t[i].ms) != 0)
            fprintf(stderr, "\n  ms %s: got %s, want %s", name, got, t[i].ms);
        CU_ASSERT_STRING_EQUAL(got, t[i].ms);
    }
}

/* The spellings C allows for one type all name it. */
static void test_classify_spellings(void)
{
    static const class_case t[] = {
        { "short int", NULL, 2, "INTEGER", "INTEGER" },
        { "unsigned short int", NULL, 2, "INTEGER", NULL },
        { "long unsigned int", NULL, 8, "INTEGER", "INTEGER" },
        { "long long int", NULL, 8, "INTEGER", NULL },
        { "unsigned long long int", NULL, 8, "INTEGER", NULL },
        { "long long unsigned", NULL, 8, "INTEGER", NULL },
        { "signed char", NULL, 1, "INTEGER", NULL },
        { "const volatile unsigned", NULL, 4, "INTEGER", NULL },
        { "ssize_t", NULL, 8, "INTEGER", NULL },
        { "size_t", NULL, 8, "INTEGER", NULL },
        { "wchar_t", NULL, 4, "INTEGER", NULL },
        { "enum color", NULL, 4, "INTEGER", "INTEGER" },
        { "const char *const", NULL, 8, "INTEGER", NULL },
        { "void (*)(int)", NULL, 8, "INTEGER", NULL },
        { "double", NULL, 8, "SSE", "SSE" },
        { "long double", NULL, 16, "X87,X87UP", "REFERENCE" },
        { "struct s", "short int,long unsigned int", 16, "INTEGER,INTEGER", "REFERENCE" },
        { "struct s", "enum e,float", 8, "INTEGER", "INTEGER" },
        /* Not C: refused, never guessed. */
        { "long short", NULL, 2, "-1", NULL },
        { "unsigned double", NULL, 8, "-1", NULL },
        { "int", NULL, 8, "-1", NULL },                 /* size does not match */
        { "struct opaque", NULL, 16, "-1", NULL },
        { "struct s", "int,{char", 8, "-1", NULL },
    };
    check_cases(t, (int)(sizeof t / sizeof t[0]));
}

/* psABI 3.2.3: unions, __int128, _Complex, x87 and the merge rules. */
static void test_classify_psabi(void)
{
    static const class_case t[] = {
        { "__int128", NULL, 16, "INTEGER,INTEGER", "REFERENCE" },
        { "unsigned __int128", NULL, 16, "INTEGER,INTEGER", NULL },
        { "float _Complex", NULL, 8, "SSE", "INTEGER" },
        { "double _Complex", NULL, 16, "SSE,SSE", "REFERENCE" },
        { "complex double", NULL, 16, "SSE,SSE", NULL },
        { "long double _Complex", NULL, 32, "COMPLEX_X87", "REFERENCE" },
        { "__float128", NULL, 16, "SSE,SSEUP", "REFERENCE" },
        { "union u", "union{int,float}", 4, "INTEGER", "INTEGER" },   /* merge: INTEGER wins */
        { "union u", "union{float,double}", 8, "SSE", "INTEGER" },
        { "union u", "union{double,long}", 8, "INTEGER", NULL },
        { "union u", "union{long double,double}", 16, "MEMORY", NULL },   /* X87 with SSE */
        { "union u", "union{char[12],double}", 16, "INTEGER,INTEGER", NULL },
        { "union u", "union{float[3],double}", 16, "SSE,SSE", NULL },
        { "struct s", "long double", 16, "X87,X87UP", "REFERENCE" },
        { "struct s", "double,union{float,int}", 16, "SSE,INTEGER", NULL },
        { "struct s", "float,float,float", 12, "SSE,SSE", "REFERENCE" },
        { "struct s", "char,{short,float}", 12, "INTEGER,SSE", NULL },
        { "struct s", "{char,char}[2],float", 8, "INTEGER", "INTEGER" },
        { "struct s", "__int128", 16, "INTEGER,INTEGER", NULL },
        { "struct s", "float _Complex,double", 16, "SSE,SSE", NULL },
        { "struct s", "char,double _Complex", 24, "MEMORY", NULL },
        { "struct s", "packed{char,long}", 9, "MEMORY", "REFERENCE" },    /* unaligned */
        { "struct s", "packed{int,int}", 8, "INTEGER", "INTEGER" },      /* packed, aligned */
        { "struct s", "long[3]", 24, "MEMORY", "REFERENCE" },
    };
    check_cases(t, (int)(sizeof t / sizeof t[0]));
}

/* An argument the classifier cannot place must not move the others: with
 * System V it may have taken registers of either kind, so those after it
 * are unknown ("?"), never guessed one register early. */
static void test_unknown_does_not_shift(void)
{
    struct pair p = { L[4], D[2] };
    long x = L[1];
    sl_probe_arg args[] = {
        { "struct opaque", &p, sizeof p, NULL },        /* not understood */
        SL_PROBE_ARG(long, x),
    };
    sl__abi_place place[2];

    SYSV_AS(void (*)(struct pair, long))(p, x);
    sl__abi_place_args(sl_probe_last(), args, 2, place);
    CU_ASSERT_STRING_EQUAL(place[0].text, "?");
    CU_ASSERT_STRING_EQUAL(place[1].text, "?");
    CU_ASSERT_WHERE(x, "rsi");                  /* where it really is (p: rdi + xmm0) */
    /* Microsoft x64 places by position: one unknown moves nothing. */
    MS_AS(void (MS *)(struct pair, long))(p, x);
    sl__abi_place_args(sl_probe_last(), args, 2, place);
    CU_ASSERT_STRING_EQUAL(place[0].text, "?");
    CU_ASSERT_STRING_EQUAL(place[1].text, "rdx");
    CU_ASSERT_TRUE(place[1].verified);
}

union int_or_float { int i; float f; };
struct ld_box { long double ld; };

/* Unions, __int128 and _Complex through the probe: each where the psABI
 * says, as gcc and clang put it. */
static void test_union_int128_complex_placed(void)
{
    union int_or_float u = { .i = 0x47474747 };
    __int128 w = ((__int128)L[6] << 64) | (unsigned long)L[7];
    double _Complex z = D[3] + D[4] * 1.0i;
    float _Complex fz = 1.5f + 2.5f * 1.0fi;
    long double _Complex lz = 1.25L + 2.5L * 1.0i;
    long n = L[0];
    sl_probe_arg args[] = {
        { "union int_or_float", &u, sizeof u, "union{int,float}" },
        SL_PROBE_ARG(__int128, w),
        SL_PROBE_ARG(double _Complex, z),
        SL_PROBE_ARG(float _Complex, fz),
        SL_PROBE_ARG(long double _Complex, lz),
        SL_PROBE_ARG(long, n),
    };
    sl__abi_place place[6];

    SYSV_AS(void (*)(union int_or_float, __int128, double _Complex, float _Complex,
                     long double _Complex, long))(u, w, z, fz, lz, n);
    sl__abi_place_args(sl_probe_last(), args, 6, place);
    CU_ASSERT_STRING_EQUAL(place[0].text, "rdi");
    CU_ASSERT_STRING_EQUAL(place[1].text, "rsi + rdx");
    CU_ASSERT_STRING_EQUAL(place[2].text, "xmm0 + xmm1");
    CU_ASSERT_STRING_EQUAL(place[3].text, "xmm2");
    CU_ASSERT_STRING_EQUAL(place[4].text, "stack+0..31");
    CU_ASSERT_STRING_EQUAL(place[5].text, "rcx");
    for (int i = 0; i < 6; i++)
        CU_ASSERT_TRUE(place[i].verified);
}

/* A long double's 6 unused bytes are whatever the copy held: compare the
 * 10 that hold the value.  A hand-made snapshot makes them differ. */
static void test_long_double_value_bytes(void)
{
    union { long double ld; unsigned char b[16]; } caller;
    struct ld_box box;
    sl_probe_snapshot s;
    sl_probe_arg a = { "long double", caller.b, 16, NULL };
    sl_probe_arg boxed = { "struct ld_box", &box, sizeof box, "long double" };
    sl__abi_place place[2];
    sl_probe_arg both[2] = { a, boxed };

    memset(&caller, 0xa5, sizeof caller);
    caller.ld = -3.25L;
    memset(&box, 0x5a, sizeof box);
    box.ld = 6.5L;
    memset(&s, 0, sizeof s);
    s.convention = SL_CALL_SYSV;
    memcpy(s.stack, caller.b, 10);              /* what fstpt stores: 10 bytes */
    memcpy(s.stack + 16, &box, 10);
    CU_ASSERT_EQUAL(sl_probe_find_arg(&s, &a, where, sizeof where), 0);
    CU_ASSERT_STRING_EQUAL(where, "stack+0");
    CU_ASSERT_EQUAL(sl_probe_find_arg(&s, &boxed, where, sizeof where), 0);
    CU_ASSERT_STRING_EQUAL(where, "stack+16");
    sl__abi_place_args(&s, both, 2, place);
    CU_ASSERT_STRING_EQUAL(place[0].text, "stack+0..15");
    CU_ASSERT_TRUE(place[0].verified);
    CU_ASSERT_STRING_EQUAL(place[1].text, "stack+16..31");
    CU_ASSERT_TRUE(place[1].verified);
    /* A different value is not found. */
    caller.ld = 3.25L;
    CU_ASSERT_EQUAL(sl_probe_find_arg(&s, &a, where, sizeof where), -1);

    /* And through a real call. */
    long double ld = 7.75L;
    sl_probe_arg live[2] = { SL_PROBE_ARG(long double, ld),
                             { "struct ld_box", &box, sizeof box, "long double" } };
    SYSV_AS(void (*)(long double, struct ld_box))(ld, box);
    CU_ASSERT_EQUAL(sl_probe_find_arg(sl_probe_last(), &live[0], where, sizeof where), 0);
    CU_ASSERT_STRING_EQUAL(where, "stack+0");
    sl__abi_place_args(sl_probe_last(), live, 2, place);
    CU_ASSERT_TRUE(place[0].verified);
    CU_ASSERT_TRUE(place[1].verified);
}

/* sl_probe_find finds a value of any size the snapshot holds. */
static void test_find_any_size(void)
{
    /* (Values of their own: a copy staged through a vector register stays
     * there for the next test's search to find.) */
    struct big b = { 0x3333333333333301, 0x3333333333333302, 0x3333333333333303, 0x3333333333333304 };
    struct { long w[6]; } six = { { 0x3333333333333311, 0x3333333333333312, 0x3333333333333313,
                                    0x3333333333333314, 0x3333333333333315, 0x3333333333333316 } };

    SYSV_AS(void (*)(long, struct big, struct big))(L[0], b, b);
    CU_ASSERT_WHERE(b, "stack+0");              /* 32 bytes, MEMORY */
    SYSV_AS(void (*)(int, int, int, int, int, int, long, typeof(six)))(1, 2, 3, 4, 5, 6, L[3], six);
    CU_ASSERT_WHERE(six, "stack+8");            /* 48 bytes after one stack long */
    CU_ASSERT_EQUAL(sl_probe_find(sl_probe_last(), &six, SL_PROBE_STACK_BYTES + 8,
                                  where, sizeof where), -1);
}

static void test_ms_integers(void)
{
    MS_AS(void (MS *)(long, long, long, long, long, long))(L[0], L[1], L[2], L[3], L[4], L[5]);
    CU_ASSERT_EQUAL(sl_probe_last()->convention, SL_CALL_MS);
    CU_ASSERT_WHERE(L[0], "rcx");
    CU_ASSERT_WHERE(L[1], "rdx");
    CU_ASSERT_WHERE(L[2], "r8");
    CU_ASSERT_WHERE(L[3], "r9");
    CU_ASSERT_WHERE(L[4], "stack+32");          /* after the shadow space */
    CU_ASSERT_WHERE(L[5], "stack+40");
}

static void test_ms_doubles(void)
{
    MS_AS(void (MS *)(double, double, double, double, double, double))
        (D[0], D[1], D[2], D[3], D[4], D[5]);
    CU_ASSERT_WHERE(D[0], "xmm0");
    CU_ASSERT_WHERE(D[3], "xmm3");
    CU_ASSERT_EQUAL(memcmp(sl_probe_last()->stack + 32, &D[4], 8), 0);
    CU_ASSERT_EQUAL(memcmp(sl_probe_last()->stack + 40, &D[5], 8), 0);
}

static void test_ms_mixed(void)
{
    int i = 0x51515151;

    /* One queue: the position picks the register, integer or vector. */
    MS_AS(void (MS *)(int, double, long, double))(i, D[0], L[1], D[1]);
    CU_ASSERT_WHERE(i, "rcx");
    CU_ASSERT_WHERE(D[0], "xmm1");
    CU_ASSERT_WHERE(L[1], "r8");
    CU_ASSERT_WHERE(D[1], "xmm3");
}

static void test_ms_structs(void)
{
    struct pair p = { L[4], D[2] };
    struct big b = { L[4], L[5], L[6], L[7] };
    struct two_floats t = { 1.5f, 2.5f };
    sl_probe_arg ap = { "struct pair", &p, sizeof p, "long,double" };
    sl_probe_arg at = { "struct two_floats", &t, sizeof t, "float,float" };
    sl_arg_class c[2];

    MS_AS(void (MS *)(struct pair, struct big, struct two_floats))(p, b, t);
    /* 16 and 32 bytes: by reference, a pointer to a copy in rcx and rdx. */
    check_reference("rcx", &p, sizeof p);
    check_reference("rdx", &b, sizeof b);
    CU_ASSERT_WHERE(t, "r8");                   /* 8 bytes: by value, integer register */
    CU_ASSERT_EQUAL(sl_probe_classify(&ap, SL_CALL_MS, c, 2), 1);
    CU_ASSERT_EQUAL(c[0], SL_CLASS_REFERENCE);
    CU_ASSERT_EQUAL(sl_probe_classify(&at, SL_CALL_MS, c, 2), 1);
    CU_ASSERT_EQUAL(c[0], SL_CLASS_INTEGER);
}

/* A by-reference place names the pointer passed, and holds the value only
 * when the copy it points at does (not merely because a pointer is there). */
static void test_ms_reference_checked(void)
{
    struct pair p = { L[4], D[2] };
    struct big b = { L[4], L[5], L[6], L[7] }, other = { L[0], L[1], L[2], L[3] };
    sl_probe_arg args[] = {
        { "struct pair", &p, sizeof p, "long,double" },
        { "struct big", &b, sizeof b, "long,long,long,long" },
    };
    sl__abi_place place[2];
    const sl_probe_snapshot *s;

    MS_AS(void (MS *)(struct pair, struct big))(p, b);
    s = sl_probe_last();
    sl__abi_place_args(s, args, 2, place);
    CU_ASSERT_EQUAL(place[0].copy, reg("rcx"));
    CU_ASSERT_EQUAL(place[1].copy, reg("rdx"));
    CU_ASSERT_TRUE(place[0].verified);
    CU_ASSERT_TRUE(place[1].verified);
    /* The copies are in the caller's frame, within the probe's stack bytes. */
    CU_ASSERT(place[1].copy >= s->entry_sp + 8 &&
              place[1].copy + sizeof b <= s->entry_sp + 8 + SL_PROBE_STACK_BYTES);
    args[1].value = &other;
    sl__abi_place_args(s, args, 2, place);
    CU_ASSERT_FALSE(place[1].verified);
    /* No pointer passed (clang 14 puts an ms_abi __float128 in xmm and
     * leaves its slot as it was): no copy there either. */
    sl_probe_snapshot none = *s;
    int rdx = 0;
    while (sl__abi_gpr_name(rdx) && strcmp(sl__abi_gpr_name(rdx), "rdx") != 0)
        rdx++;
    CU_ASSERT_PTR_NOT_NULL_FATAL(sl__abi_gpr_name(rdx));
    none.gpr[rdx] = 0;
    args[1].value = &b;
    sl__abi_place_args(&none, args, 2, place);
    CU_ASSERT_TRUE(place[0].verified);
    CU_ASSERT_FALSE(place[1].verified);
}

static void test_ms_returned_struct(void)
{
    struct big r;
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
    uint64_t rcx;

    r = MS_AS(struct big (MS *)(long))(L[2]);
    KEEP_STRUCT(r);
    CU_ASSERT_WHERE(L[2], "rdx");
    rcx = reg("rcx");
    CU_ASSERT(rcx < fp && fp - rcx < 4096);
}

static void test_ms_variadic(void)
{
    /* A variadic ms_abi call puts a double in both the vector and the
     * integer register of its position, so va_arg can find it. */
    MS_AS(void (MS *)(long, ...))(L[0], D[1]);
    CU_ASSERT_WHERE(L[0], "rcx");
    CU_ASSERT_WHERE(D[1], "rdx");
    CU_ASSERT_EQUAL(memcmp(sl_probe_last()->vec[1], &D[1], 8), 0);
}

static void test_ms_float_long_double(void)
{
    float f = 1.5f;
    long double ld = 3.25L;
    int i = 0x61616161;

    MS_AS(void (MS *)(float, long double, int))(f, ld, i);
    CU_ASSERT_WHERE(f, "xmm0");
    check_reference("rdx", &ld, 10);                    /* by reference */
    CU_ASSERT_WHERE(i, "r8");
}

static void test_ms_probe_preserves(void)
{
    int sl_test_ms_probe_keeps_regs(void);
    CU_ASSERT_EQUAL(sl_test_ms_probe_keeps_regs(), 0);
}

/* A thread's first probe finds no snapshot yet and calls C for one
 * (probe.S) before it records anything: it must record and keep the same
 * registers as every later probe. */
static void first_probe_integers(void)
{
    test_sysv_integers();
    CU_ASSERT_EQUAL(sl_probe_last()->count, 1);
}

static void test_first_probe_in_a_thread(void)
{
    CU_ASSERT_EQUAL(sl_thread_run(first_probe_integers), 0);
    CU_ASSERT_EQUAL(sl_thread_run(test_sysv_doubles), 0);
    CU_ASSERT_EQUAL(sl_thread_run(test_ms_mixed), 0);
    CU_ASSERT_EQUAL(sl_thread_run(test_ms_probe_preserves), 0);
}

static void print_report(void *unused)
{
    struct pair p = { 0x7777, 2.5 };
    struct big b = { L[4], L[5], L[6], L[7] };
    int i = 0x1234567;
    sl_probe_arg args[] = {
        SL_PROBE_ARG(int, i),
        { "struct pair", &p, sizeof p, "long,double" },
        { "struct big", &b, sizeof b, "long[4]" },
    };

    (void)unused;
    SYSV_AS(void (*)(int, struct pair, struct big))(i, p, b);
    sl_probe_print(sl_probe_last(), args, 3, stdout);
    MS_AS(void (MS *)(int, struct pair, struct big))(i, p, b);
    sl_probe_print(sl_probe_last(), args, 3, stdout);
}

static void test_probe_print(void)
{
    sl_child c;

    CU_ASSERT_EQUAL_FATAL(sl_child_run(&c, print_report, NULL, 10), 0);
    SL_ASSERT_CHILD_EXITED(c, 0);
    SL_ASSERT_CONTAINS(c.output, "System V AMD64");
    SL_ASSERT_CONTAINS(c.output, "INTEGER,SSE");
    SL_ASSERT_CONTAINS(c.output, "rsi + xmm0");
    SL_ASSERT_CONTAINS(c.output, "MEMORY");
    SL_ASSERT_CONTAINS(c.output, "stack+0..31");
    SL_ASSERT_CONTAINS(c.output, "Microsoft x64");
    SL_ASSERT_CONTAINS(c.output, "rdx = pointer to a copy");
    SL_ASSERT_CONTAINS(c.output, "r8 = pointer to a copy");
    SL_ASSERT_CONTAINS(c.output, "shadow space");
    CU_ASSERT(!sl_child_says(&c, "not there"));
}
/* ---- the checked call: the direction flag ----------------------------- */

long sl_test_sets_df(long a, long b, long c, long d);

/* The psABI (3.2.1) wants DF clear on entry and on return. */
static void test_checked_call_direction_flag(void)
{
    sl_check_report r;

    CU_ASSERT_EQUAL(sl_checked_call(&r, sl_test_sets_df, 6, 0, 0, 0), 6);
    CU_ASSERT(!r.ok);
    CU_ASSERT(!r.direction_flag_clear);
    CU_ASSERT_STRING_EQUAL(r.clobbered, "");
}

void sl_test_abi_arch(CU_pSuite s)
{
    CU_add_test(s, "context stores rsp and rip mangled", test_context_mangles_pointers);
    CU_add_test(s, "context restore brings back rbx, r12-r15", test_context_keeps_callee_saved);
    CU_add_test(s, "sysv: integers past the sixth go on the stack", test_sysv_integers);
    CU_add_test(s, "sysv: doubles in xmm0-7, then the stack", test_sysv_doubles);
    CU_add_test(s, "sysv: mixed int/double use two queues", test_sysv_mixed);
    CU_add_test(s, "sysv: struct {long; double} is INTEGER+SSE", test_sysv_struct_integer_sse);
    CU_add_test(s, "sysv: 32-byte struct is MEMORY", test_sysv_struct_memory);
    CU_add_test(s, "sysv: returned struct takes rdi", test_sysv_returned_struct);
    CU_add_test(s, "sysv: variadic call sets al", test_sysv_variadic);
    CU_add_test(s, "sysv: float in xmm, long double on the stack", test_sysv_float_long_double);
    CU_add_test(s, "sysv: struct of two floats in one xmm", test_sysv_two_floats);
    CU_add_test(s, "classify: every spelling of a type", test_classify_spellings);
    CU_add_test(s, "classify: unions, __int128, _Complex, x87 per the psABI", test_classify_psabi);
    CU_add_test(s, "sysv: an unknown argument moves no other", test_unknown_does_not_shift);
    CU_add_test(s, "sysv: union, __int128 and _Complex placed", test_union_int128_complex_placed);
    CU_add_test(s, "long double: the 10 value bytes are compared", test_long_double_value_bytes);
    CU_add_test(s, "find: values of any size", test_find_any_size);
    CU_add_test(s, "ms: integers past the fourth after the shadow space", test_ms_integers);
    CU_add_test(s, "ms: doubles in xmm0-3, then the stack", test_ms_doubles);
    CU_add_test(s, "ms: mixed int/double by position", test_ms_mixed);
    CU_add_test(s, "ms: structs by reference or in one register", test_ms_structs);
    CU_add_test(s, "ms: a by-reference place checks the copy", test_ms_reference_checked);
    CU_add_test(s, "ms: returned struct takes rcx", test_ms_returned_struct);
    CU_add_test(s, "ms: variadic double in both registers", test_ms_variadic);
    CU_add_test(s, "ms: float in xmm, long double by reference", test_ms_float_long_double);
    CU_add_test(s, "ms: probe keeps rdi, rsi, xmm6, xmm15", test_ms_probe_preserves);
    CU_add_test(s, "a thread's first probe records and keeps the same", test_first_probe_in_a_thread);
    CU_add_test(s, "probe report table (sysv and ms)", test_probe_print);
    CU_add_test(s, "checked call: direction flag set", test_checked_call_direction_flag);
}
