/*
 * test_variables.c: the variables suite.  The fixture (variables_body.c,
 * built at -O0 and at -O2) calls a hook from its innermost block; the hook
 * captures the stack there and reads every frame's variables.
 *
 *   -O0     every argument and local by name, C type, address (== &var)
 *           and exact value, formatted as gdb prints it;
 *   -O2     every value shown equals the true one, or is marked optimized
 *           out, computed or an entry value: never wrong;
 *   gdb     the oracle: gdb -batch stops the same fixture at the hook and
 *           prints `info args` / `info locals` of each frame; stacklab's
 *           names and values must match (run_tests --variables-fixture is
 *           the program gdb runs);
 *   abuse   a wild pointer, a circular list, a 1 MiB array, a corrupt
 *           frame: bounded output, no crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    int li = frame_named(&s, "leaf_O0", 0), mi = frame_named(&s, "mid_O0", 0);
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
    SL_ASSERT_CONTAINS(find_var(leaf, "fn", 0)->value, " <target_fn_O0>");
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
    o0_checked = 0;
    variables_fixture_hook = check_o0_leaf;
    mid_O0(3, NULL);
    CU_ASSERT_TRUE(o0_checked);
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

/* ---- -O2: true or honestly unknown --------------------------------------------------- */

static const struct { const char *fn, *name, *value; } o2_truth[] = {
    { "leaf_O2", "n", "7" },          { "leaf_O2", "p", "{x = 1, y = 2}" },
    { "leaf_O2", "d", "2.5" },        { "leaf_O2", "c", "65 'A'" },
    { "leaf_O2", "list", "0x0" },     { "leaf_O2", "calls", "43" },
    { "leaf_O2", "inner", "14" },     { "leaf_O2", "col", "FX_GREEN" },
    { "leaf_O2", "flag", "true" },    { "leaf_O2", "big", "1234567890123" },
    { "leaf_O2", "neg", "-7" },       { "leaf_O2", "f", "0.100000001" },
    { "leaf_O2", "arr", "{1, 2, 3, 0, 0}" },
    { "leaf_O2", "zeros", "{0 <repeats 20 times>}" },
    { "leaf_O2", "buf", "\"quote\\\"<>&\\000\\000\\000\\000\\000\\000\"" },
    { "mid_O2", "depth", "3" },       { "mid_O2", "local", "9" },
    { "mid_O2", "q", "{x = 1, y = 2}" },
};
static int o2_shown, o2_hidden, o2_checked;

static void check_o2_frame(const sl_frame *f)
{
    for (int k = 0; k < f->variable_count; k++) {
        const sl_variable *v = &f->variables[k];
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
            if (strcmp(o2_truth[t].fn, f->function) || strcmp(o2_truth[t].name, v->name))
                continue;
            o2_shown++;
            if (strcmp(v->value, o2_truth[t].value) != 0) {
                char msg[300];
                snprintf(msg, sizeof msg, "%s: %s = %s, truly %s", f->function, v->name,
                         v->value, o2_truth[t].value);
                CU_FAIL(msg);
                fprintf(stderr, "%s\n", msg);
            }
        }
    }
}

__attribute__((noinline)) static void check_o2(const struct fx_locals *where)
{
    (void)where;
    sl_stack s = {0};
    CU_ASSERT_TRUE_FATAL(sl_stack_capture(&s, SL_WALK_CFI) > 3);
    sl_stack_read_variables(&s);
    int li = frame_named(&s, "leaf_O2", 0), mi = frame_named(&s, "mid_O2", 0);
    CU_ASSERT_TRUE((li > 0 && mi > li) || frame_named(&s, "recurse_O2", 0) > 0);
    if (getenv("SL_TEST_VERBOSE"))
        sl_stack_print(&s, stderr);
    if (li > 0)
        check_o2_frame(&s.frames[li]);
    if (mi > 0)
        check_o2_frame(&s.frames[mi]);
    /* the recursion: n is k in the k-th frame, or unknown.  gcc may fold
     * the recursion into a loop in one frame: then n may only be shown as
     * its value at entry, which is what the outermost call passed. */
    int first = frame_named(&s, "recurse_O2", 0), frames = 0;
    for (int i = first; i >= 0 && i < s.count && !strcmp(s.frames[i].function, "recurse_O2"); i++)
        frames++;
    for (int j = 0; j < frames; j++) {
        const sl_variable *v = find_var(&s.frames[first + j], "n", 0);
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
    sl_stack_release(&s);
    o2_checked++;
}

static void test_o2_honest(void)
{
    o2_shown = o2_hidden = o2_checked = 0;
    variables_fixture_hook = check_o2;
    mid_O2(3, NULL);
    recurse_O2(5);
    CU_ASSERT_EQUAL(o2_checked, 2);
    CU_ASSERT_TRUE(o2_shown > 0);
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
    CU_add_test(s, "-O0: names, types, addresses, values as gdb prints them", test_o0_values);
    CU_add_test(s, "-O0: n in each of 100 recursive frames (FP and CFI walks)", test_o0_recursion);
    CU_add_test(s, "-O2: every value true or marked unknown", test_o2_honest);
    CU_add_test(s, "a 1 MiB array, a wild pointer, a cycle: bounded", test_abuse);
    CU_add_test(s, "a corrupt frame: errors, no crash", test_corrupt_frame);
    CU_add_test(s, "gdb -batch agrees: info args / info locals at -O0", test_gdb_o0);
    CU_add_test(s, "gdb -batch agrees (or knows more) at -O2", test_gdb_o2);
}

/* ---- gdb as the oracle ------------------------------------------------------------- */

/* run_tests --variables-fixture LEVEL FILE is the program gdb runs: the
 * fixture at LEVEL (O0, O2) calls variables_gdb_marker from its innermost
 * block; gdb stops there, prints `info args` and `info locals` of each
 * frame, and continues; the marker then writes stacklab's view of the same
 * frames to FILE. */
static const char *gdb_dump_path;

static int fixture_function(const char *fn)
{
    size_t n = fn ? strlen(fn) : 0;
    return n > 3 && (strcmp(fn + n - 3, "_O0") == 0 || strcmp(fn + n - 3, "_O2") == 0);
}

__attribute__((noinline)) void variables_gdb_marker(const struct fx_locals *where)
{
    (void)where;
    sl_stack s = {0};
    sl_stack_capture(&s, SL_WALK_CFI);
    sl_stack_read_variables(&s);
    FILE *f = fopen(gdb_dump_path, "w");
    if (f) {
        for (int i = 1; i < s.count && fixture_function(s.frames[i].function); i++) {
            fprintf(f, "@frame %s\n", s.frames[i].function);
            for (int k = 0; k < s.frames[i].variable_count; k++) {
                const sl_variable *v = &s.frames[i].variables[k];
                fprintf(f, "%s = %s\t%s\n", v->name, v->value,
                        v->place == SL_VAR_COMPUTED ? "computed" : "");
            }
        }
        fclose(f);
    }
    sl_stack_release(&s);
    __asm__ volatile("" ::: "memory");
}

int variables_fixture_main(const char *level, const char *path)
{
    gdb_dump_path = path;
    variables_fixture_hook = variables_gdb_marker;
    if (strcmp(level, "O0") == 0)
        mid_O0(3, NULL);
    else
        mid_O2(3, NULL);
    return 0;
}

/* One frame's variables as sorted "name = value" lines. */
typedef struct frame_view {
    char function[64];
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
            snprintf(v[n].function, sizeof v[n].function, "%.63s", line + 7);
        } else if (n >= 0) {
            view_add(&v[n], line);
        }
    }
    fclose(f);
    return n + 1;
}

/* Parses gdb's output: "@frame", the "#k ... in FUNCTION (" line, then the
 * lines of info args and info locals ("No locals." and such skipped). */
static int read_gdb(const char *path, frame_view *v, int max)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int n = -1, in_vars = 0;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line, "@frame") == 0) {
            if (++n == max)
                break;
            in_vars = 0;
        } else if (strcmp(line, "@vars") == 0) {
            in_vars = 1;
        } else if (strcmp(line, "@end") == 0) {
            break;
        } else if (n >= 0 && !in_vars && line[0] == '#' && !v[n].function[0]) {
            const char *p = strstr(line, " in ");
            p = p ? p + 4 : line + strcspn(line, " ") + strspn(line + strcspn(line, " "), " ");
            snprintf(v[n].function, sizeof v[n].function, "%.*s", (int)strcspn(p, " ("), p);
        } else if (n >= 0 && in_vars && strstr(line, " = ") && line[0] != ' ') {
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
    snprintf(dump, sizeof dump, "%s/stacklab", dir);
    snprintf(out, sizeof out, "%s/gdb", dir);
    int w = snprintf(cmd, sizeof cmd,
                     "timeout 120 gdb -batch -nx -ex 'set width 0' -ex 'set height 0' "
                     "-ex 'set debuginfod enabled off' "
                     "-ex 'break variables_gdb_marker' -ex run");
    for (int k = 1; k <= 4; k++)
        w += snprintf(cmd + w, sizeof cmd - (size_t)w,
                      " -ex 'echo @frame\\n' -ex 'frame %d' -ex 'echo @vars\\n'"
                      " -ex 'info args' -ex 'info locals'", k);
    snprintf(cmd + w, sizeof cmd - (size_t)w,
             " -ex 'echo @end\\n' -ex continue --args %s --variables-fixture %s %s"
             " > %s 2>&1 </dev/null", exe, level, dump, out);
    int status = system(cmd);
    CU_ASSERT_EQUAL(status, 0);

    frame_view mine[8] = {0}, gdb[8] = {0};
    int nm = read_dump(dump, mine, 8), ng = read_gdb(out, gdb, 8);
    CU_ASSERT_TRUE(nm >= 2);        /* leaf, mid */
    CU_ASSERT_TRUE(ng >= nm);
    for (int i = 0; i < nm; i++)
        CU_ASSERT_TRUE(mine[i].n < 64);
    int compared = 0, hidden = 0;
    for (int i = 0; i < nm && i < ng; i++) {
        CU_ASSERT_STRING_EQUAL(mine[i].function, gdb[i].function);
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
                snprintf(msg, sizeof msg, "%.63s -%.3s: gdb shows \"%.250s\", stacklab not",
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
            int ok = same || (strstr(a, "<optimized out>") && strcmp(level, "O0") != 0);
            hidden += !same && ok;
            compared++;
            if (!ok) {
                snprintf(msg, sizeof msg, "%.63s -%.3s: stacklab \"%.*s\", gdb \"%.250s\"",
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
                snprintf(msg, sizeof msg, "%.63s -%.3s: stacklab shows \"%.250s\", gdb not",
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

static void test_gdb_o0(void)
{
#ifdef SL_TEST_UNDER_QEMU
    sl_test_not_here("this machine's gdb cannot run the other architecture's program (qemu-user)");
    return;
#endif
    if (sl_under_valgrind())
        return;     /* gdb would run the suite under valgrind's loader */
    compare_with_gdb("O0");
}

static void test_gdb_o2(void)
{
#ifdef SL_TEST_UNDER_QEMU
    sl_test_not_here("this machine's gdb cannot run the other architecture's program (qemu-user)");
    return;
#endif
    if (sl_under_valgrind())
        return;
    compare_with_gdb("O2");
}
