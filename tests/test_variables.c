/*
 * test_variables.c: the variables suite.  The fixture (variables_body.c,
 * built at -O0, -Og and -O2, each in DWARF 5 and 4: the levels below) calls
 * a hook from its innermost blocks; the hook captures the stack there and
 * reads every frame's variables.
 *
 *   -O0     every argument and local by name, C type, address (== &var)
 *           and exact value, formatted as gdb prints it;
 *   -Og/-O2 every value shown equals the true one, or is marked optimized
 *           out, computed or an entry value: never wrong; a static
 *           function inlined at -O2 is a frame of its own, inlined into
 *           its caller's;
 *   gdb     the oracle: gdb -batch stops the same fixture at the hook and
 *           prints each frame (as bt does: function, file:line, inlined
 *           frames numbered as frames) and its `info args` / `info
 *           locals`; stacklab's frames, names and values must match
 *           (run_tests --variables-fixture is the program gdb runs);
 *   abuse   a wild pointer, a circular list, a 1 MiB array, a corrupt
 *           frame: bounded output, no crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stacklab/dot.h>
#include <stacklab/frames.h>
#include "harness.h"
#include "test_arch.h"
#include "variables_fixture.h"

#ifdef __clang__
#define SL_NOCLONE __attribute__((noinline))
#else
#define SL_NOCLONE __attribute__((noinline, noclone))
#endif

void (*variables_fixture_hook)(const struct fx_locals *where);

/* The fixture's levels: the suffix of its functions' names and its entry
 * points. */
typedef struct fx_level {
    const char *name;
    int optimized;
    int (*mid)(int, struct fx_node *);
    int (*recurse)(int);
    int (*outer)(int);
} fx_level;

#define LEVEL(L, optimized) { #L, optimized, mid_##L, recurse_##L, outer_##L }
static const fx_level levels[] = {
    LEVEL(O0, 0), LEVEL(Og, 1), LEVEL(O2, 1), LEVEL(O0_d4, 0), LEVEL(Og_d4, 1), LEVEL(O2_d4, 1),
};
#define LEVELS (int)(sizeof levels / sizeof levels[0])

static const fx_level *level_named(const char *name)
{
    for (int k = 0; k < LEVELS; k++)
        if (strcmp(levels[k].name, name) == 0)
            return &levels[k];
    return NULL;
}

/* The level being tested, and a fixture function's name at it. */
static const fx_level *lv = &levels[0];

static const char *fxn(const char *base)
{
    static char name[4][64];
    static int next;
    char *n = name[next++ % 4];
    snprintf(n, sizeof name[0], "%s_%s", base, lv->name);
    return n;
}

static const sl_variable *find_var(const sl_frame *f, const char *name, int nth)
{
    for (int k = 0; k < f->variable_count; k++)
        if (strcmp(f->variables[k].name, name) == 0 && nth-- == 0)
            return &f->variables[k];
    return NULL;
}

static int frame_named(const sl_stack *s, const char *fn, int from)
{
    for (int i = from; i < s->count; i++)
        if (s->frames[i].function && strcmp(s->frames[i].function, fn) == 0)
            return i;
    return -1;
}

#define CHECK_VALUE(f, name, nth, want)                                          \
    do {                                                                         \
        const sl_variable *v_ = find_var((f), (name), (nth));                    \
        CU_ASSERT_PTR_NOT_NULL(v_);                                              \
        if (v_)                                                                  \
            SL_ASSERT_CONTAINS(v_->value, (want));                               \
        if (v_ && strcmp(v_->value, (want)) != 0)                                \
            CU_FAIL("value differs: " name);                                     \
    } while (0)

/* ---- -O0: everything exact -------------------------------------------------------- */

static int o0_checked;

__attribute__((noinline)) static void check_o0_leaf(const struct fx_locals *where)
{
    sl_stack s = {0};
    CU_ASSERT_TRUE_FATAL(sl_stack_capture(&s, SL_WALK_CFI) > 3);
    int n = sl_stack_read_variables(&s);
    CU_ASSERT_TRUE(n >= 20);
    int li = frame_named(&s, fxn("leaf"), 0), mi = frame_named(&s, fxn("mid"), 0);
    CU_ASSERT_EQUAL_FATAL(li, 1);
    CU_ASSERT_EQUAL_FATAL(mi, 2);
    const sl_frame *leaf = &s.frames[li], *mid = &s.frames[mi];

    /* parameters first, in order */
    const char *params[] = { "n", "tag", "p", "d", "c", "fn", "list" };
    for (int k = 0; k < 7; k++) {
        CU_ASSERT_TRUE_FATAL(leaf->variable_count > k);
        CU_ASSERT_STRING_EQUAL(leaf->variables[k].name, params[k]);
        CU_ASSERT_TRUE(leaf->variables[k].flags & SL_VAR_PARAMETER);
    }
    const sl_variable *v = find_var(leaf, "n", 0);
    CU_ASSERT_STRING_EQUAL(v->value, "7");
    CU_ASSERT_STRING_EQUAL(v->type, "int");
    CU_ASSERT_EQUAL(v->place, SL_VAR_MEMORY);
    CU_ASSERT_EQUAL(v->address, (uintptr_t)where->n);
    CU_ASSERT_EQUAL(v->size, sizeof(int));
    CU_ASSERT_TRUE(v->line > 0);

    v = find_var(leaf, "tag", 0);
    CU_ASSERT_STRING_EQUAL(v->type, "const char *");
    CU_ASSERT_TRUE(strncmp(v->value, "0x", 2) == 0 && strstr(v->value, " \"w0\""));
    CU_ASSERT_STRING_EQUAL(find_var(leaf, "p", 0)->type, "struct fx_point");
    CU_ASSERT_EQUAL(find_var(leaf, "p", 0)->address, (uintptr_t)where->p);
    CHECK_VALUE(leaf, "p", 0, "{x = 1, y = 2}");
    CHECK_VALUE(leaf, "d", 0, "2.5");
    CHECK_VALUE(leaf, "c", 0, "65 'A'");
    CU_ASSERT_STRING_EQUAL(find_var(leaf, "fn", 0)->type, "void (*)(void)");
    char target[80];
    snprintf(target, sizeof target, " <%s>", fxn("target_fn"));
    SL_ASSERT_CONTAINS(find_var(leaf, "fn", 0)->value, target);
    CHECK_VALUE(leaf, "list", 0, "0x0");

    v = find_var(leaf, "calls", 0);
    CU_ASSERT_TRUE(v->flags & SL_VAR_STATIC);
    CU_ASSERT_EQUAL(v->address, (uintptr_t)where->calls);
    CU_ASSERT_STRING_EQUAL(v->value, "43");

    v = find_var(leaf, "buf", 0);
    CU_ASSERT_STRING_EQUAL(v->type, "char [16]");
    CU_ASSERT_EQUAL(v->address, (uintptr_t)where->buf);
    CU_ASSERT_EQUAL(v->size, 16);
    CHECK_VALUE(leaf, "buf", 0, "\"quote\\\"<>&\\000\\000\\000\\000\\000\\000\"");
    CU_ASSERT_STRING_EQUAL(find_var(leaf, "arr", 0)->type, "int [5]");
    CU_ASSERT_EQUAL(find_var(leaf, "arr", 0)->address, (uintptr_t)where->arr);
    CHECK_VALUE(leaf, "arr", 0, "{1, 2, 3, 0, 0}");
    CHECK_VALUE(leaf, "zeros", 0, "{0 <repeats 20 times>}");
    CHECK_VALUE(leaf, "num", 0, "{i = 1069547520, f = 1.5}");
    CU_ASSERT_STRING_EQUAL(find_var(leaf, "num", 0)->type, "union fx_number");
    CHECK_VALUE(leaf, "col", 0, "FX_GREEN");
    CU_ASSERT_STRING_EQUAL(find_var(leaf, "col", 0)->type, "enum fx_color");
    CHECK_VALUE(leaf, "flag", 0, "true");
    CHECK_VALUE(leaf, "big", 0, "1234567890123");
    CHECK_VALUE(leaf, "neg", 0, "-7");
    CHECK_VALUE(leaf, "wild", 0, "0x10 <error: Cannot access memory at address 0x10>");
    CHECK_VALUE(leaf, "f", 0, "0.100000001");

    /* the shadowed x: the outer one first, the inner block's last */
    CHECK_VALUE(leaf, "x", 0, "1");
    CHECK_VALUE(leaf, "x", 1, "2");
    CU_ASSERT_EQUAL(find_var(leaf, "x", 1)->address, (uintptr_t)where->x_inner);
    CU_ASSERT_STRING_EQUAL(leaf->variables[leaf->variable_count - 2].name, "inner");
    CU_ASSERT_STRING_EQUAL(leaf->variables[leaf->variable_count - 1].name, "where");
    CHECK_VALUE(leaf, "inner", 0, "14");
    CU_ASSERT_EQUAL(find_var(leaf, "inner", 0)->address, (uintptr_t)where->inner);

    CHECK_VALUE(mid, "depth", 0, "3");
    CHECK_VALUE(mid, "local", 0, "9");
    CHECK_VALUE(mid, "q", 0, "{x = 1, y = 2}");

    /* printed under each frame, with the place */
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    CU_ASSERT_TRUE(sl_stack_print(&s, out) > s.count + 20);
    fclose(out);
    SL_ASSERT_CONTAINS(text, "        n = 7   [CFA-");
    SL_ASSERT_CONTAINS(text, ", int]\n");
    SL_ASSERT_CONTAINS(text, "calls = 43   [static 0x");
    free(text);
    sl_stack_release(&s);
    o0_checked = 1;
}

static void test_o0_values(void)
{
    for (int k = 0; k < LEVELS; k++) {
        if (levels[k].optimized)
            continue;
        lv = &levels[k];
        o0_checked = 0;
        variables_fixture_hook = check_o0_leaf;
        lv->mid(3, NULL);
        CU_ASSERT_TRUE(o0_checked);
    }
}

static int recursion_checked;

__attribute__((noinline)) static void check_recursion(const struct fx_locals *where)
{
    (void)where;
    /* The frame base is the CFA: where the FP walk cannot know it (gcc on
     * AArch64 keeps the record at the bottom of the frame), only the CFI
     * walk's frames are read. */
    if (!SL_TEST_FP_WALK_KNOWS_CFA)
        printf("(the FP walk's CFA is only a bound on this architecture: CFI walk only) ");
    for (int w = SL_TEST_FP_WALK_KNOWS_CFA ? SL_WALK_FP : SL_WALK_CFI; w <= SL_WALK_CFI; w++) {
        sl_stack s = {0};
        CU_ASSERT_TRUE_FATAL(sl_stack_capture(&s, (sl_walker)w) > 101);
        CU_ASSERT_TRUE(sl_stack_read_variables(&s) >= 202);
        for (int k = 0; k <= 100; k++) {
            const sl_frame *f = &s.frames[1 + k];
            char want[32];
            CU_ASSERT_STRING_EQUAL(f->function, "recurse_O0");
            snprintf(want, sizeof want, "%d", k);
            const sl_variable *v = find_var(f, "n", 0);
            CU_ASSERT_PTR_NOT_NULL_FATAL(v);
            CU_ASSERT_STRING_EQUAL(v->value, want);
            snprintf(want, sizeof want, "%d", 2 * k);
            CU_ASSERT_STRING_EQUAL(find_var(f, "twice", 0)->value, want);
        }
        /* main (run_tests.c's: argc, argv) is read; the C library's
         * start-up frames above it are not, nor are their lines.  (The FP
         * walk stops in CUnit, built without frame pointers.) */
        int m = 0;
        while (m < s.count && !(s.frames[m].function && !strcmp(s.frames[m].function, "main")))
            m++;
        CU_ASSERT_TRUE_FATAL(w == SL_WALK_FP || m < s.count);
        if (m < s.count) {
            CU_ASSERT_PTR_NOT_NULL(find_var(&s.frames[m], "argc", 0));
            CU_ASSERT_TRUE(s.frames[m].line > 0);
        }
        for (int k = m + 1; k < s.count; k++) {
            CU_ASSERT_EQUAL(s.frames[k].variable_count, 0);
            CU_ASSERT_EQUAL(s.frames[k].line, 0);
        }
        sl_stack_release(&s);
    }
    recursion_checked = 1;
}

static void test_o0_recursion(void)
{
    recursion_checked = 0;
    variables_fixture_hook = check_recursion;
    recurse_O0(100);
    CU_ASSERT_TRUE(recursion_checked);
}

/* ---- -Og, -O2: true or honestly unknown ---------------------------------------------- */

static const struct { const char *fn, *name, *value; } o2_truth[] = {
    { "leaf", "n", "7" },          { "leaf", "p", "{x = 1, y = 2}" },
    { "leaf", "d", "2.5" },        { "leaf", "c", "65 'A'" },
    { "leaf", "list", "0x0" },     { "leaf", "calls", "43" },
    { "leaf", "inner", "14" },     { "leaf", "col", "FX_GREEN" },
    { "leaf", "flag", "true" },    { "leaf", "big", "1234567890123" },
    { "leaf", "neg", "-7" },       { "leaf", "f", "0.100000001" },
    { "leaf", "arr", "{1, 2, 3, 0, 0}" },
    { "leaf", "zeros", "{0 <repeats 20 times>}" },
    { "leaf", "buf", "\"quote\\\"<>&\\000\\000\\000\\000\\000\\000\"" },
    { "mid", "depth", "3" },       { "mid", "local", "9" },
    { "mid", "q", "{x = 1, y = 2}" },
    { "scale", "v", "4" },         { "scale", "by", "3" },
    { "scale", "scaled", "12" },   { "outer", "k", "3" },
    { "outer", "base", "4" },
};
static int o2_shown, o2_hidden, o2_checked, o2_inlined;

/* The variables of function fn (base name) at the level tested. */
static void check_o2_function(const char *fn, const sl_variable *vars, int count)
{
    size_t len = strlen(fn);
    for (int k = 0; k < count; k++) {
        const sl_variable *v = &vars[k];
        if (v->place == SL_VAR_OPTIMIZED_OUT) {
            CU_ASSERT_STRING_EQUAL(v->value, "<optimized out>");
            CU_ASSERT_PTR_NOT_NULL(v->why);
            o2_hidden++;
            continue;
        }
        if (v->flags & SL_VAR_PARTIAL) {
            SL_ASSERT_CONTAINS(v->value, "<optimized out>");
            o2_hidden++;
            continue;
        }
        for (size_t t = 0; t < sizeof o2_truth / sizeof o2_truth[0]; t++) {
            if (strncmp(o2_truth[t].fn, fn, len) || o2_truth[t].fn[len] ||
                strcmp(o2_truth[t].name, v->name))
                continue;
            o2_shown++;
            if (strcmp(v->value, o2_truth[t].value) != 0) {
                char msg[300];
                snprintf(msg, sizeof msg, "-%s %s: %s = %s, truly %s", lv->name, fn, v->name,
                         v->value, o2_truth[t].value);
                CU_FAIL(msg);
                fprintf(stderr, "%s\n", msg);
            }
        }
    }
}

/* Every function of the fixture on the stack, inlined ones included. */
static void check_o2_frames(const sl_stack *s)
{
    static const char *const bases[] = { "leaf", "mid", "scale", "outer" };
    for (int i = 0; i < s->count; i++) {
        const sl_frame *f = &s->frames[i];
        for (int b = 0; b < 4; b++) {
            if (strcmp(f->function, fxn(bases[b])) == 0)
                check_o2_function(bases[b], f->variables, f->variable_count);
            for (int k = 0; k < f->inlined_count; k++)
                if (strcmp(f->inlined[k].function, fxn(bases[b])) == 0)
                    check_o2_function(bases[b], f->inlined[k].variables,
                                      f->inlined[k].variable_count);
        }
    }
}

/* The recursion: n is k in the k-th frame, or unknown.  gcc may fold the
 * recursion into a loop in one frame: then n may only be shown as its value
 * at entry, which is what the outermost call passed. */
static void check_o2_recursion(const sl_stack *s)
{
    int first = frame_named(s, fxn("recurse"), 0), frames = 0;
    for (int i = first; i >= 0 && i < s->count && !strcmp(s->frames[i].function, fxn("recurse"));
         i++)
        frames++;
    for (int j = 0; j < frames; j++) {
        const sl_variable *v = find_var(&s->frames[first + j], "n", 0);
        if (!v || v->place == SL_VAR_OPTIMIZED_OUT)
            continue;
        char want[16];
        if (v->flags & SL_VAR_ENTRY_VALUE)
            snprintf(want, sizeof want, "%d", 5 - (frames - 1 - j));
        else if (frames == 6)
            snprintf(want, sizeof want, "%d", j);
        else
            continue;
        CU_ASSERT_STRING_EQUAL(v->value, want);
        o2_shown++;
    }
}

/* At -O2 gcc and clang inline scale into outer: one physical frame,
 * outer's, holding scale as an inlined frame, printed as a frame of its
 * own.  (gdb's view of the same is compared below.) */
static void check_inlined(const sl_stack *s)
{
    int oi = frame_named(s, fxn("outer"), 0);
    CU_ASSERT_EQUAL_FATAL(oi, 1);
    CU_ASSERT_EQUAL(frame_named(s, fxn("scale"), 0), -1);
    const sl_frame *f = &s->frames[oi];
    CU_ASSERT_EQUAL_FATAL(f->inlined_count, 1);
    CU_ASSERT_STRING_EQUAL(f->inlined[0].function, fxn("scale"));
    SL_ASSERT_CONTAINS(f->inlined[0].file, "variables_body.c");
    SL_ASSERT_CONTAINS(f->file, "variables_body.c");
    CU_ASSERT_TRUE(f->inlined[0].line > f->line - 12 && f->inlined[0].line < f->line);
    CU_ASSERT_PTR_NOT_NULL(find_var(f, "k", 0));
    CU_ASSERT_PTR_NULL(find_var(f, "v", 0));    /* scale's, not outer's */
    int found_v = 0;
    for (int k = 0; k < f->inlined[0].variable_count; k++)
        found_v += strcmp(f->inlined[0].variables[k].name, "v") == 0;
    CU_ASSERT_EQUAL(found_v, 1);
    char *text = NULL, want[160];
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    sl_stack_print(s, out);
    fclose(out);
    snprintf(want, sizeof want, "#1   0x%016lx %s  variables_body.c:%d  [inlined into %s]\n",
             (unsigned long)f->pc, fxn("scale"), f->inlined[0].line, fxn("outer"));
    SL_ASSERT_CONTAINS(text, want);
    snprintf(want, sizeof want, "\n#1   0x%016lx %s+0x", (unsigned long)f->pc, fxn("outer"));
    SL_ASSERT_CONTAINS(text, want);
    CU_ASSERT_TRUE(strstr(text, fxn("scale")) < strstr(text, want));
    free(text);
    /* in the diagram: a row of outer's frame, with scale's variables */
    text = NULL;
    out = open_memstream(&text, &len);
    sl_dot_options opt = SL_DOT_DEFAULTS;
    CU_ASSERT_EQUAL(sl_stack_write_dot(s, out, &opt), 0);
    fclose(out);
    snprintf(want, sizeof want, "<B>%s</B> runs here, inlined into %s", fxn("scale"),
             fxn("outer"));
    SL_ASSERT_CONTAINS(text, want);
    SL_ASSERT_CONTAINS(text, "by = 3 (computed)");
    free(text);
    o2_inlined++;
}

__attribute__((noinline)) static void check_o2(const struct fx_locals *where)
{
    (void)where;
    sl_stack s = {0};
    CU_ASSERT_TRUE_FATAL(sl_stack_capture(&s, SL_WALK_CFI) > 3);
    sl_stack_read_variables(&s);
    if (getenv("SL_TEST_VERBOSE"))
        sl_stack_print(&s, stderr);
    check_o2_frames(&s);
    check_o2_recursion(&s);
    if (frame_named(&s, fxn("outer"), 0) > 0 && strncmp(lv->name, "O2", 2) == 0)
        check_inlined(&s);
    sl_stack_release(&s);
    o2_checked++;
}

static void test_o2_honest(void)
{
    for (int k = 0; k < LEVELS; k++) {
        if (!levels[k].optimized)
            continue;
        lv = &levels[k];
        o2_shown = o2_hidden = o2_checked = o2_inlined = 0;
        variables_fixture_hook = check_o2;
        lv->mid(3, NULL);
        lv->recurse(5);
        lv->outer(3);
        CU_ASSERT_EQUAL(o2_checked, 3);
        CU_ASSERT_TRUE(o2_shown > 0);
        CU_ASSERT_EQUAL(o2_inlined, strncmp(lv->name, "O2", 2) == 0);
    }
}

/* ---- abuse ----------------------------------------------------------------------------- */

struct big_holder { char megabyte[1 << 20]; };

SL_NOCLONE static int abuse_frame(struct fx_node *cycle, int *wild_ptr,
                                                 struct big_holder *big, sl_stack *s)
{
    static char huge[1 << 20];
    memset(huge, 'A', sizeof huge);
    sl_stack_capture(s, SL_WALK_CFI);
    int n = sl_stack_read_variables(s);
    /* not a tail call: this frame must still exist while it is read */
    __asm__ volatile("" : "+r"(n) : : "memory");
    return n + cycle->value + (wild_ptr != NULL) + big->megabyte[0] + huge[5];
}

static void test_abuse(void)
{
    struct fx_node a = { 1, NULL }, b = { 2, &a };
    a.next = &b;        /* a circular list */
    struct big_holder *big = calloc(1, sizeof *big);
    sl_stack s = {0};
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    abuse_frame(&a, (int *)8, big, &s);
    const sl_frame *f = &s.frames[0];
    if (getenv("SL_TEST_VERBOSE"))
        sl_stack_print(&s, stderr);
    CU_ASSERT_STRING_EQUAL(f->function, "abuse_frame");
    const sl_variable *v = find_var(f, "huge", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    /* gdb's max-value-size (64 KiB) and its message (clang may drop it) */
    if (v->place != SL_VAR_OPTIMIZED_OUT)
        CU_ASSERT_STRING_EQUAL(v->value,
                               "<error: value requires 1048576 bytes, which is more than max-value-size>");
    CU_ASSERT_EQUAL(v->size, 1u << 20);
    v = find_var(f, "wild_ptr", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    if (v->place != SL_VAR_OPTIMIZED_OUT) {     /* clang drops the constant argument */
        CU_ASSERT_STRING_EQUAL(v->value, "0x8");
        CU_ASSERT_EQUAL(v->pointer, 8);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v->pointee);
        CU_ASSERT_STRING_EQUAL(v->pointee, "int");
    }
    v = find_var(f, "big", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    if (v->place != SL_VAR_OPTIMIZED_OUT)
        CU_ASSERT_EQUAL(v->pointer, (uintptr_t)big);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    sl_stack_print(&s, out);
    fclose(out);
    CU_ASSERT_TRUE(len < 64 * 1024);
    free(text);
    sl_stack_release(&s);
    free(big);
}

/* A stack whose frame records point nowhere: reading must not crash. */
static void corrupt_child(void *arg)
{
    (void)arg;
    sl_stack s = {0};
    sl_stack_capture(&s, SL_WALK_CFI);
    for (int i = 0; i < s.count; i++) {
        s.frames[i].cfa = 0x10 + (uintptr_t)i * 64;
        s.frames[i].sp = 0x8;
        s.frames[i].fp = 0x18;
        for (int k = 0; k < s.frames[i].saved_count; k++)
            s.frames[i].saved[k].slot = 0x20;
    }
    int n = sl_stack_read_variables(&s);
    sl_stack_print(&s, stdout);
    printf("read %d\n", n);
    sl_stack_release(&s);
}

static void test_corrupt_frame(void)
{
    sl_child c;
    CU_ASSERT_EQUAL_FATAL(sl_child_run(&c, corrupt_child, NULL, 30), 0);
    SL_ASSERT_CHILD_EXITED(c, 0);
    CU_ASSERT_TRUE(sl_child_says(&c, "read "));
    CU_ASSERT_TRUE(sl_child_says(&c, "Cannot access memory at address 0x"));
}

static void test_gdb_o0(void);
static void test_gdb_o2(void);
#ifdef SL_WITHOUT_DWARF_LIBS
static void variables_not_here(void)
{
    sl_test_not_here("no libdw for riscv64 in Debian: variables are not read in this build");
}
#endif

void suite_variables(void)
{
    CU_pSuite s = CU_add_suite("variables", NULL, NULL);
#ifdef SL_WITHOUT_DWARF_LIBS
    CU_add_test(s, "variables need libdw", variables_not_here);
    return;
#endif
    CU_add_test(s, "-O0 (DWARF 5, 4): names, types, addresses, values as gdb prints them",
                test_o0_values);
    CU_add_test(s, "-O0: n in each of 100 recursive frames (FP and CFI walks)", test_o0_recursion);
    CU_add_test(s, "-Og, -O2 (DWARF 5, 4): every value true or marked unknown; inlined frames",
                test_o2_honest);
    CU_add_test(s, "a 1 MiB array, a wild pointer, a cycle: bounded", test_abuse);
    CU_add_test(s, "a corrupt frame: errors, no crash", test_corrupt_frame);
    CU_add_test(s, "gdb -batch agrees at -O0: frames, info args, info locals", test_gdb_o0);
    CU_add_test(s, "gdb -batch agrees (or knows more) at -Og, -O2: frames (inlined too), "
                   "info args, info locals", test_gdb_o2);
}

/* ---- gdb as the oracle ------------------------------------------------------------- */

/* run_tests --variables-fixture LEVEL FILE is the program gdb runs: the
 * fixture at LEVEL (O0, Og_d4, ...) calls variables_gdb_marker from its
 * innermost blocks, in mid's call of leaf and in scale (inlined into outer
 * at -O2); at each, gdb stops, prints each frame (the line bt prints for
 * it) with its `info args` and `info locals`, and continues; the marker
 * then adds stacklab's view of the same frames to FILE. */
static const char *gdb_dump_path;

static int fixture_function(const char *fn)
{
    size_t n = fn ? strlen(fn) : 0, m = strlen(lv->name);
    return n > m + 1 && fn[n - m - 1] == '_' && strcmp(fn + n - m, lv->name) == 0;
}

static const char *base_name(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path ? path : "??";
}

static void dump_function(FILE *out, const char *fn, const char *file, int line,
                          const sl_variable *v, int count)
{
    fprintf(out, "@frame %s %s:%d\n", fn, base_name(file), line);
    for (int k = 0; k < count; k++)
        fprintf(out, "%s = %s\t%s\n", v[k].name, v[k].value,
                v[k].place == SL_VAR_COMPUTED ? "computed" : "");
}

__attribute__((noinline)) void variables_gdb_marker(const struct fx_locals *where)
{
    (void)where;
    sl_stack s = {0};
    sl_stack_capture(&s, SL_WALK_CFI);
    sl_stack_read_variables(&s);
    FILE *out = fopen(gdb_dump_path, "a");
    if (out) {
        for (int i = 1; i < s.count && fixture_function(s.frames[i].function); i++) {
            const sl_frame *f = &s.frames[i];
            for (int k = 0; k < f->inlined_count; k++)
                dump_function(out, f->inlined[k].function, f->inlined[k].file,
                              f->inlined[k].line, f->inlined[k].variables,
                              f->inlined[k].variable_count);
            dump_function(out, f->function, f->file, f->line, f->variables, f->variable_count);
        }
        fclose(out);
    }
    sl_stack_release(&s);
    __asm__ volatile("" ::: "memory");
}

int variables_fixture_main(const char *level, const char *path)
{
    lv = level_named(level);
    if (!lv) {
        fprintf(stderr, "run_tests: no fixture level '%s'\n", level);
        return 2;
    }
    gdb_dump_path = path;
    variables_fixture_hook = variables_gdb_marker;
    lv->mid(3, NULL);
    lv->outer(3);
    return 0;
}

/* One frame: "function file:line", and its variables as "name = value"
 * lines. */
typedef struct frame_view {
    char function[128];
    char *lines[64];
    int n;
} frame_view;

static void view_add(frame_view *v, const char *line)
{
    if (v->n < 64)
        v->lines[v->n++] = strdup(line);
}

static void views_free(frame_view *v, int n)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < v[i].n; k++)
            free(v[i].lines[k]);
}

/* Parses stacklab's dump. */
static int read_dump(const char *path, frame_view *v, int max)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int n = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "@frame ", 7) == 0) {
            if (++n == max)
                break;
            snprintf(v[n].function, sizeof v[n].function, "%.127s", line + 7);
        } else if (n >= 0) {
            view_add(&v[n], line);
        }
    }
    fclose(f);
    return n + 1;
}

/* Parses gdb's output: "@frame", then the frame's line as bt prints it
 * ("#k  0x... in FUNCTION (args) at FILE:LINE"; an inlined frame's has no
 * address), then "@vars" and the lines of info args and info locals ("No
 * locals." and such skipped).  Frames of functions not the fixture's
 * (the marker's callers) are left out. */
static int read_gdb(const char *path, frame_view *v, int max)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int n = -1, in_vars = 0, keep = 0;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line, "@frame") == 0) {
            if (n + 1 == max)
                break;
            in_vars = keep = 0;
        } else if (strcmp(line, "@vars") == 0) {
            in_vars = 1;
        } else if (!in_vars && line[0] == '#' && !keep) {
            const char *p = strstr(line, " in ");
            p = p ? p + 4 : line + strcspn(line, " ") + strspn(line + strcspn(line, " "), " ");
            char fn[64];
            snprintf(fn, sizeof fn, "%.*s", (int)strcspn(p, " ("), p);
            if (!fixture_function(fn))
                continue;
            keep = 1;
            n++;
            const char *at = NULL;
            for (const char *q = strstr(line, " at "); q; q = strstr(q + 1, " at "))
                at = q;
            snprintf(v[n].function, sizeof v[n].function, "%s %s", fn,
                     at ? base_name(at + 4) : "??");
        } else if (keep && in_vars && strstr(line, " = ") && line[0] != ' ') {
            view_add(&v[n], line);
        }
    }
    fclose(f);
    return n + 1;
}

static void compare_with_gdb(const char *level)
{
    char dir[] = "/tmp/stacklab-gdb-XXXXXX", dump[64], out[64], cmd[4096], exe[1024];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CU_ASSERT_TRUE_FATAL(len > 0);
    exe[len] = '\0';
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    lv = level_named(level);
    snprintf(dump, sizeof dump, "%s/stacklab", dir);
    snprintf(out, sizeof out, "%s/gdb", dir);
    int w = snprintf(cmd, sizeof cmd,
                     "timeout 120 gdb -batch -nx -ex 'set width 0' -ex 'set height 0' "
                     "-ex 'set debuginfod enabled off' "
                     "-ex 'break variables_gdb_marker' -ex run");
    for (int stop = 0; stop < 2; stop++) {      /* leaf in mid; scale in outer */
        for (int k = 1; k <= 4; k++)
            w += snprintf(cmd + w, sizeof cmd - (size_t)w,
                          " -ex 'echo @frame\\n' -ex 'frame %d' -ex 'echo @vars\\n'"
                          " -ex 'info args' -ex 'info locals'", k);
        w += snprintf(cmd + w, sizeof cmd - (size_t)w, " -ex continue");
    }
    snprintf(cmd + w, sizeof cmd - (size_t)w,
             " --args %s --variables-fixture %s %s > %s 2>&1 </dev/null", exe, level, dump, out);
    int status = system(cmd);
    CU_ASSERT_EQUAL(status, 0);

    frame_view mine[8] = {0}, gdb[8] = {0};
    int nm = read_dump(dump, mine, 8), ng = read_gdb(out, gdb, 8);
    CU_ASSERT_EQUAL(nm, 4);         /* leaf, mid; scale, outer */
    CU_ASSERT_EQUAL(ng, nm);
    for (int i = 0; i < nm; i++)
        CU_ASSERT_TRUE(mine[i].n < 64);
    int compared = 0, hidden = 0;
    for (int i = 0; i < nm && i < ng; i++) {
        /* the frames as bt shows them: function and file:line */
        if (strcmp(mine[i].function, gdb[i].function) != 0) {
            char msg[300];
            snprintf(msg, sizeof msg, "-%s frame %d: stacklab %.127s, gdb %.127s", level, i,
                     mine[i].function, gdb[i].function);
            CU_FAIL(msg);
            fprintf(stderr, "%s\n", msg);
        }
        /* pair the lines: equal ones first, then by name (gdb lists the
         * innermost block first, stacklab last: a shadowed name twice) */
        char used[64] = {0}, done[64] = {0};
        for (int k = 0; k < gdb[i].n && k < 64; k++)
            for (int j = 0; j < mine[i].n && !done[k]; j++) {
                const char *a = mine[i].lines[j];
                size_t na = strcspn(a, "\t");
                if (!used[j] && na == strlen(gdb[i].lines[k]) &&
                    strncmp(a, gdb[i].lines[k], na) == 0) {
                    used[j] = done[k] = 1;
                    compared++;
                }
            }
        for (int k = 0; k < gdb[i].n && k < 64; k++) {
            const char *b = gdb[i].lines[k], *a = NULL;
            size_t nb = strcspn(b, " ");
            if (done[k])
                continue;
            for (int j = 0; j < mine[i].n && !a; j++)
                if (!used[j] && strncmp(mine[i].lines[j], b, nb + 1) == 0) {
                    used[j] = 1;
                    a = mine[i].lines[j];
                }
            char msg[600];
            if (!a) {
                snprintf(msg, sizeof msg, "%.63s -%.5s: gdb shows \"%.250s\", stacklab not",
                         gdb[i].function, level, b);
                CU_FAIL(msg);
                if (getenv("SL_TEST_VERBOSE"))
                    fprintf(stderr, "%s\n", msg);
                continue;
            }
            size_t na = strcspn(a, "\t");
            /* stacklab may know less than gdb (which also asks callers
             * reached through pointers), never something else */
            int same = na == strlen(b) && strncmp(a, b, na) == 0;
            int ok = same || (strstr(a, "<optimized out>") && lv->optimized);
            hidden += !same && ok;
            compared++;
            if (!ok) {
                snprintf(msg, sizeof msg, "%.63s -%.5s: stacklab \"%.*s\", gdb \"%.250s\"",
                         mine[i].function, level, (int)(na < 250 ? na : 250), a, b);
                CU_FAIL(msg);
                if (getenv("SL_TEST_VERBOSE"))
                    fprintf(stderr, "%s\n", msg);
            }
        }
        /* gdb's info locals leaves out constants given as bytes
         * (DW_AT_const_value blocks); stacklab shows them, computed */
        for (int j = 0; j < mine[i].n; j++)
            if (!used[j] && !strstr(mine[i].lines[j], "\tcomputed")) {
                char msg[400];
                snprintf(msg, sizeof msg, "%.63s -%.5s: stacklab shows \"%.250s\", gdb not",
                         mine[i].function, level, mine[i].lines[j]);
                CU_FAIL(msg);
            }
    }
    CU_ASSERT_TRUE(compared >= 10);
    if (getenv("SL_TEST_VERBOSE"))
        fprintf(stderr, "gdb -%s: %d variables compared, %d shown by gdb only\n", level,
                compared, hidden);
    views_free(mine, nm > 0 ? nm : 0);
    views_free(gdb, ng > 0 ? ng : 0);
    unlink(dump);
    unlink(out);
    rmdir(dir);
}

static void test_gdb(int optimized)
{
#ifdef SL_TEST_UNDER_QEMU
    sl_test_not_here("this machine's gdb cannot run the other architecture's program (qemu-user)");
    return;
#endif
    if (sl_under_valgrind())
        return;     /* gdb would run the suite under valgrind's loader */
    for (int k = 0; k < LEVELS; k++)
        if (levels[k].optimized == optimized)
            compare_with_gdb(levels[k].name);
}

static void test_gdb_o0(void)
{
    test_gdb(0);
}

static void test_gdb_o2(void)
{
    test_gdb(1);
}
