/*
 * test_dot.c: the dot suite.  Stacks built by hand (known slots, hostile
 * symbol names, 10,000 frames, elision) and real captures are written as DOT;
 * every diagram must be accepted by Graphviz (`dot -Tsvg`, exit status 0) and
 * hold the labels, roles and edges a student would look for.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stacklab/abi.h>
#include <stacklab/dot.h>
#include <stacklab/frames.h>
#include "harness.h"
#include "test_arch.h"

/* ---- helpers ------------------------------------------------------------ */

/* The DOT for s with options o, as a malloc'd string (NULL on failure). */
static char *dot_of(const sl_stack *s, const sl_dot_options *o, int *rc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    *rc = -1;
    if (!f)
        return NULL;
    *rc = sl_stack_write_dot(s, f, o);
    fclose(f);
    return text;
}

/* Runs Graphviz on text: `dot -Tsvg` (or `nop`, which only parses, for the
 * very large ones).  Returns its exit status, -1 if it could not run. */
/* Every file this suite writes goes in a directory of its own (made by the
 * suite's init, removed by its cleanup): fixed names in /tmp would collide
 * with another user's run or a concurrent one. */
static char dir[] = "/tmp/stacklab-test-dot-XXXXXX";

static const char *in_dir(const char *name)
{
    static char path[sizeof dir + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    if (text && fread(text, 1, (size_t)n, f) != (size_t)n) {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

/* How many entries directory d holds (dot files included). */
static int count_files(const char *d)
{
    DIR *dp = opendir(d);
    struct dirent *e;
    int n = 0;

    if (!dp)
        return -1;
    while ((e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(dp);
    return n;
}

static int make_dir(void)
{
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void)
{
    char cmd[sizeof dir + 16];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs Graphviz's tool on text.  Its complaints go to the test output; a
 * rejected file is kept (and named) for a look. */
static int graphviz_status(const char *text, const char *tool)
{
    char path[sizeof dir + 32], cmd[sizeof path + 64];
    int fd, status;
    FILE *f;

    snprintf(path, sizeof path, "%s/graph-XXXXXX.dot", dir);
    fd = mkstemps(path, 4);
    if (fd < 0 || !(f = fdopen(fd, "w")))
        return -1;
    fputs(text, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s %s >/dev/null", tool, path);
    status = system(cmd);
    if (status != 0)
        fprintf(stderr, "(%s rejected %s; kept)\n", tool, path);
    else
        unlink(path);
    return status;
}

#define ASSERT_DOT_ACCEPTS(text) \
    CU_ASSERT_EQUAL(graphviz_status((text), "dot -Tsvg"), 0)

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* A frame with the layout gcc gives a function with frame pointers:
 * return address at cfa-8, saved rbp at cfa-16, rbx and r12 below it, the
 * canary under those, then locals down to sp. */
static void fake_frame(sl_frame *f, uintptr_t cfa, uintptr_t size, const char *name)
{
    memset(f, 0, sizeof *f);
    f->cfa = cfa;
    f->sp = cfa - size;
    f->fp = cfa - 16;
    f->pc = 0x401000 + (cfa & 0xfff);
    f->return_address_slot = cfa - 8;
    f->saved_fp_slot = cfa - 16;
    f->saved[0] = (sl_saved_reg){ "rbp", cfa - 16 };
    f->saved[1] = (sl_saved_reg){ "rbx", cfa - 24 };
    f->saved[2] = (sl_saved_reg){ "r12", cfa - 32 };
    f->saved_count = 3;
    f->canary_slot = cfa - 40;
    f->flags = SL_FRAME_CANARY;
    f->function = name;
    f->offset = 0x1c;
    f->file = "/src/lecture/demo.c";
    f->line = 42;
    f->module = "/usr/bin/stacklab-demo";
}

/* n frames, innermost at the lowest address, each 96 bytes. */
static void fake_stack(sl_stack *s, int n, const char *const *names, int nnames)
{
    memset(s, 0, sizeof *s);
    s->frames = calloc((size_t)n, sizeof *s->frames);
    s->count = n;
    s->capacity = n;
    s->walker = SL_WALK_CFI;
    for (int i = 0; i < n; i++)
        fake_frame(&s->frames[i], 0x7ffc00100000 + (uintptr_t)i * 96, 96,
                   names[i % nnames]);
    /* Each saved rbp points at the caller's frame record. */
    for (int i = 0; i + 1 < n; i++)
        s->frames[i].saved_fp_value = s->frames[i + 1].saved_fp_slot;
}

static void free_fake(sl_stack *s)
{
    free(s->frames);
    memset(s, 0, sizeof *s);
}

/* ---- hand-made stacks --------------------------------------------------- */

static void test_every_role_labelled(void)
{
    static const char *const names[] = { "leaf", "middle", "main" };
    sl_dot_options o = SL_DOT_DEFAULTS;
    sl_stack s;
    int rc;
    char *text;

    fake_stack(&s, 3, names, 3);
    /* A leaf a signal interrupted: the one frame with a red zone. */
    s.frames[0].flags |= SL_FRAME_INTERRUPTED;
    o.legend = 1;
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "digraph stack");
    SL_ASSERT_CONTAINS(text, "#0  leaf");
    SL_ASSERT_CONTAINS(text, "#2  main");
    SL_ASSERT_CONTAINS(text, "demo.c:42");
    SL_ASSERT_CONTAINS(text, "stacklab-demo");
    SL_ASSERT_CONTAINS(text, "CFI walk");
    SL_ASSERT_CONTAINS(text, "incoming stack args");
    SL_ASSERT_CONTAINS(text, "return address \xe2\x86\x92 middle+0x1c");   /* call site */
    SL_ASSERT_CONTAINS(text, "saved " SL_ARCH_FP_NAME);
    SL_ASSERT_CONTAINS(text, "saved rbx (callee-saved)");
    SL_ASSERT_CONTAINS(text, "saved r12 (callee-saved)");
    SL_ASSERT_CONTAINS(text, "stack canary");
    SL_ASSERT_CONTAINS(text, "locals / padding");
    if (SL_ARCH_RED_ZONE)               /* (System V only) */
        SL_ASSERT_CONTAINS(text, "red zone");
    SL_ASSERT_CONTAINS(text, "\xe2\x86\x90 " SL_ARCH_SP_NAME);
    SL_ASSERT_CONTAINS(text, "Legend");
    /* Saved rbp points at the caller's frame record. */
    SL_ASSERT_CONTAINS(text, "f0:fp:e -> f1:fp:e");
    SL_ASSERT_CONTAINS(text, "f1:fp:e -> f2:fp:e");
    /* High addresses on top: the outermost frame is written first. */
    CU_ASSERT_TRUE(strstr(text, "f2 [") < strstr(text, "f0 ["));
    /* rbp is drawn once, as the frame-record slot, not again as a spill. */
    CU_ASSERT_EQUAL(count_of(text, "saved " SL_ARCH_FP_NAME), 3 + 1);    /* + the legend */
    /* The absolute address of frame 0's return-address slot. */
    SL_ASSERT_CONTAINS(text, "0x7ffc00100058");
    ASSERT_DOT_ACCEPTS(text);
    free(text);
    free_fake(&s);
}

/* Whether some run of label text starts with a space: SVG renderers (librsvg,
 * browsers) drop it, and "main [SL_TRY]" reads "main[SL_TRY]".  A run starts
 * after each tag; one of spaces only is harmless (Graphviz places the next
 * run after it). */
static int run_starts_with_space(const char *text)
{
    for (const char *p = text; (p = strchr(p, '>')) != NULL; p++) {
        const char *q = p + 1;
        if (*q != ' ')
            continue;
        while (*q == ' ')
            q++;
        if (*q != '<' && *q != '\n' && *q != ']' && *q != ';' && *q != '\0' && p[-1] != '-')
            return 1;
    }
    return 0;
}

/* What a lecturer gets without options: main is the outermost frame drawn,
 * a deep recursion is elided, no legend, no red zone under a frame that
 * called another, and a stack taller than a slide is laid out in columns. */
static void test_lecture_defaults(void)
{
    static const char *const names[] = { "fact" };
    sl_dot_options o = SL_DOT_DEFAULTS;
    sl_stack s;
    int rc;
    char *text;

    fake_stack(&s, 503, names, 1);
    s.frames[500].function = "main";
    s.frames[501].function = "__libc_start_call_main";
    s.frames[502].function = "_start";
    text = dot_of(&s, NULL, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "2 outer frames not shown");
    SL_ASSERT_CONTAINS(text, "493 frames not shown");
    CU_ASSERT_PTR_NULL(strstr(text, "#502  _start"));
    CU_ASSERT_PTR_NULL(strstr(text, "Legend"));
    CU_ASSERT_PTR_NULL(strstr(text, "red zone"));
    CU_ASSERT_FALSE(run_starts_with_space(text));
    /* 500 deep: a few KiB of DOT, not megabytes. */
    CU_ASSERT_TRUE(strlen(text) < 40000);
    /* Ten boxes do not fit one column of a 16:9 slide: the column tops share
     * a rank, left to right. */
    SL_ASSERT_CONTAINS(text, "{ rank=same; outer; ");
    ASSERT_DOT_ACCEPTS(text);
    free(text);

    o.columns = 1;
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NULL(strstr(text, "rank=same"));
    SL_ASSERT_CONTAINS(text, "outer -> f500 [style=invis weight=100]");
    free(text);

    /* Marks that start a run after a tag keep their space in the run before. */
    s.frames[3].flags |= SL_FRAME_TRY | SL_FRAME_INTERRUPTED;
    o.legend = 1;
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "[SL_TRY]");
    if (SL_ARCH_RED_ZONE)
        SL_ASSERT_CONTAINS(text, "red zone");
    CU_ASSERT_FALSE(run_starts_with_space(text));
    ASSERT_DOT_ACCEPTS(text);
    free(text);
    free_fake(&s);
}

/* Notes: a box of escaped text beside the frame holding its address, with
 * a labelled arrow into that frame's header; no arrow for an address off
 * the stack. */
static void test_notes(void)
{
    static const char *const names[] = { "leaf", "middle", "main" };
    sl_dot_options o = SL_DOT_DEFAULTS;
    sl_stack s;
    int rc;
    char *text;

    fake_stack(&s, 3, names, 3);
    sl_dot_note notes[] = {
        { "sl_context <ctx>", "rsp (mangled)\nrip & \"more\"", s.frames[1].sp + 8,
          "lands here" },
        { "elsewhere", NULL, 0x10, NULL },
    };
    o.notes = notes;
    o.note_count = 2;
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "sl_context &lt;ctx&gt;");
    SL_ASSERT_CONTAINS(text, "rip &amp; &quot;more&quot;");
    SL_ASSERT_CONTAINS(text, "n0 -> f1:h");
    SL_ASSERT_CONTAINS(text, "label=<lands here>");
    SL_ASSERT_CONTAINS(text, "n1 [");
    CU_ASSERT_PTR_NULL(strstr(text, "n1 -> "));
    CU_ASSERT_FALSE(run_starts_with_space(text));
    ASSERT_DOT_ACCEPTS(text);
    free(text);
    free_fake(&s);
}

static void test_odd_symbol_names(void)
{
    static const char *const names[] = {
        "std::vector<int, std::allocator<int> >::operator[](unsigned long)",
        "operator<<(std::ostream&, \"quoted\" const&)",
        "a|b{c}d\\e|<port>",
        "tab\there\nnewline\r\x01\x7f",
        "bad utf8 \xff\xfe\xc3( \xe2\x82 end",
        "</TD></TR></TABLE>>]; evil -> injected;",
        "&amp; &#38; &unknown;",
        "\xce\xbb caf\xc3\xa9 \xf0\x9f\x94\xa5",
        "",
    };
    sl_stack s;
    int rc;
    char *text;

    fake_stack(&s, 9, names, 9);
    s.frames[3].file = "dir<with>/file&\"name\".c";
    s.frames[4].module = "/lib/<odd>|{module}.so";
    s.frames[5].function = NULL;
    text = dot_of(&s, NULL, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "std::vector&lt;int, std::allocator&lt;int&gt; &gt;");
    SL_ASSERT_CONTAINS(text, "operator&lt;&lt;(std::ostream&amp;, &quot;quoted&quot;");
    SL_ASSERT_CONTAINS(text, "a|b{c}d\\e|&lt;port&gt;");
    SL_ASSERT_CONTAINS(text, "tab?here?newline");
    SL_ASSERT_CONTAINS(text, "bad utf8 ??");
    SL_ASSERT_CONTAINS(text, "\xce\xbb caf\xc3\xa9");
    SL_ASSERT_CONTAINS(text, "&amp;amp;");
    SL_ASSERT_CONTAINS(text, "#5  ??");
    CU_ASSERT_PTR_NULL(strstr(text, "evil -> injected"));
    CU_ASSERT_PTR_NULL(strstr(text, "</TABLE>>]; evil"));
    /* A long C++ name is cut with an ellipsis. */
    SL_ASSERT_CONTAINS(text, "\xe2\x80\xa6");
    ASSERT_DOT_ACCEPTS(text);
    free(text);
    free_fake(&s);
}

static void test_elision(void)
{
    static const char *const names[] = { "fact" };
    sl_dot_options o = SL_DOT_DEFAULTS;
    sl_stack s;
    int rc;
    char *text;

    fake_stack(&s, 10000, names, 1);
    s.frames[9999].function = "main";
    o.max_frames = 7;
    o.columns = 1;
    o.title = "fact(10000) & friends <deep>";
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "9993 frames not shown");
    SL_ASSERT_CONTAINS(text, "fact(10000) &amp; friends &lt;deep&gt;");
    /* Innermost four and outermost three are drawn. */
    SL_ASSERT_CONTAINS(text, "f0 [");
    SL_ASSERT_CONTAINS(text, "f3 [");
    CU_ASSERT_PTR_NULL(strstr(text, "f4 ["));
    CU_ASSERT_PTR_NULL(strstr(text, "f9996 ["));
    SL_ASSERT_CONTAINS(text, "f9997 [");
    SL_ASSERT_CONTAINS(text, "#9999  main");
    /* The chain continues through the elision node. */
    SL_ASSERT_CONTAINS(text, "f3:fp:e -> elided:e");
    SL_ASSERT_CONTAINS(text, "elided -> f3");
    SL_ASSERT_CONTAINS(text, "f9997 -> elided");
    ASSERT_DOT_ACCEPTS(text);
    free(text);

    o.max_frames = 1;
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    SL_ASSERT_CONTAINS(text, "9999 frames not shown");
    ASSERT_DOT_ACCEPTS(text);
    free(text);
    free_fake(&s);
}

static void test_ten_thousand_frames(void)
{
    static const char *const names[] = { "recurse", "recurse_helper<T&>" };
    sl_dot_options o = SL_DOT_DEFAULTS;
    sl_stack s;
    int rc;
    char *text;

    fake_stack(&s, 10000, names, 2);
    o.max_frames = 0;                   /* every frame */
    o.columns = 1;
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(count_of(text, "<TABLE BORDER=\"2\""), 10000);
    CU_ASSERT_EQUAL(count_of(text, ":fp:e -> f"), 9999);
    /* Laying out 10,000 nodes takes Graphviz minutes: parse only. */
    CU_ASSERT_EQUAL(graphviz_status(text, "nop"), 0);
    free(text);
    free_fake(&s);
}

static void test_relative_addresses(void)
{
    static const char *const names[] = { "leaf", "main" };
    sl_dot_options o = SL_DOT_DEFAULTS;
    sl_stack s;
    int rc;
    char *a, *b;

    fake_stack(&s, 2, names, 2);
    o.relative = 1;
    o.legend = 1;
    a = dot_of(&s, &o, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    SL_ASSERT_CONTAINS(a, ">CFA-8<");
    SL_ASSERT_CONTAINS(a, ">CFA-16<");
    SL_ASSERT_CONTAINS(a, ">CFA-40<");
    SL_ASSERT_CONTAINS(a, ">CFA<");
    SL_ASSERT_CONTAINS(a, "offsets from each frame's CFA");
    CU_ASSERT_PTR_NULL(strstr(a, "0x7ffc"));
    ASSERT_DOT_ACCEPTS(a);
    /* The same stack elsewhere (another ASLR run) draws the same picture. */
    for (int i = 0; i < s.count; i++) {
        sl_frame *f = &s.frames[i];
        uintptr_t d = 0x123450;
        f->cfa += d; f->sp += d; f->fp += d; f->return_address_slot += d;
        f->saved_fp_slot += d; f->canary_slot += d;
        if (f->saved_fp_value)
            f->saved_fp_value += d;
        for (int k = 0; k < f->saved_count; k++)
            f->saved[k].slot += d;
        f->pc += 0x5000;
    }
    b = dot_of(&s, &o, &rc);
    CU_ASSERT_STRING_EQUAL(a, b);
    free(a);
    free(b);
    free_fake(&s);
}

/* A leaf a signal interrupted keeps its locals below rsp, in the red zone
 * (gcc -O0 does, without moving rsp): they are drawn as rows of its frame,
 * not as "memory elsewhere".  A function inlined into a frame gets a row
 * of its own in that frame, its variables listed there. */
static void test_variables_red_zone_and_inlined(void)
{
    static const char *const names[] = { "sum_list", "main" };
    sl_dot_options o = SL_DOT_DEFAULTS;
    sl_stack s;
    int rc;

    fake_stack(&s, 2, names, 2);
    sl_frame *f = &s.frames[0];
    f->flags |= SL_FRAME_INTERRUPTED;
    sl_variable v[2] = {
        { .name = "total", .type = "int", .place = SL_VAR_MEMORY, .address = f->sp - 4,
          .size = 4, .value = "4" },
        { .name = "by", .type = "int", .place = SL_VAR_COMPUTED, .size = 4, .value = "3" },
    };
    f->variables = v;
    f->variable_count = 1;
    sl_inline in = { "scale<&>", "demo.c", 79, &v[1], 1 };
    s.frames[1].inlined = &in;
    s.frames[1].inlined_count = 1;
    char *text = dot_of(&s, &o, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    if (SL_ARCH_RED_ZONE) {             /* (System V only) */
        SL_ASSERT_CONTAINS(text, "int total = 4");
        CU_ASSERT_PTR_NULL(strstr(text, "memory elsewhere"));
    }
    SL_ASSERT_CONTAINS(text, "<B>scale&lt;&amp;&gt;</B> runs here, inlined into main");
    SL_ASSERT_CONTAINS(text, "demo.c:79");
    SL_ASSERT_CONTAINS(text, "by = 3 (computed)");
    ASSERT_DOT_ACCEPTS(text);
    free(text);
    free_fake(&s);
}

static void test_handler_chain(void)
{
    static const char *const names[] = { "thrower", "cleanup_frame", "try_holder", "main" };
    sl_dot_options o = SL_DOT_DEFAULTS;
    sl_handler_record h[2];
    sl_stack s;
    int rc;
    char *text;

    fake_stack(&s, 4, names, 4);
    s.frames[2].flags |= SL_FRAME_TRY;
    h[0] = (sl_handler_record){ "lecture/exc.c", 17, "try_holder", s.frames[2].sp + 16,
                                0x401234, SL_TRY_BODY };
    h[1] = (sl_handler_record){ "lecture/<main>.c", 9, "main", s.frames[3].sp + 8,
                                0x401300, SL_TRY_FINALLY };
    o.handlers = h;
    o.handler_count = 2;
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "SL_TRY handler 0 (innermost)");
    SL_ASSERT_CONTAINS(text, "exc.c:17");
    SL_ASSERT_CONTAINS(text, "&lt;main&gt;.c:9");
    SL_ASSERT_CONTAINS(text, "running its FINALLY");
    SL_ASSERT_CONTAINS(text, "h0 -> f2:h");
    SL_ASSERT_CONTAINS(text, "h1 -> f3:h");
    SL_ASSERT_CONTAINS(text, "h0 -> h1");
    SL_ASSERT_CONTAINS(text, "[SL_TRY]");
    SL_ASSERT_CONTAINS(text, "a throw<BR/>lands here");
    ASSERT_DOT_ACCEPTS(text);
    free(text);

    o.show_handlers = 0;
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_PTR_NULL(strstr(text, "h0 ->"));
    free(text);
    free_fake(&s);
}

static void test_options_and_odd_stacks(void)
{
    static const char *const names[] = { "leaf", "main" };
    sl_dot_options o = SL_DOT_DEFAULTS;
    sl_stack s, empty = { 0 };
    int rc;
    char *text;

    text = dot_of(&empty, NULL, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    SL_ASSERT_CONTAINS(text, "(no frames)");
    ASSERT_DOT_ACCEPTS(text);
    free(text);

    /* Unknown slots (an FP walk past code without frame pointers), a signal
     * frame, headers only, no legend, a highlight. */
    fake_stack(&s, 2, names, 2);
    memset(s.frames[0].saved, 0, sizeof s.frames[0].saved);
    s.frames[0].saved_count = 0;
    s.frames[0].cfa = 0;
    s.frames[0].saved_fp_slot = 0;
    s.frames[0].flags = SL_FRAME_SIGNAL | SL_FRAME_NO_CFI;
    s.frames[1].sp = 0;
    s.walker = SL_WALK_FP;
    o.highlight = "main";
    o.legend = 0;
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    SL_ASSERT_CONTAINS(text, "signal frame: leaf");
    SL_ASSERT_CONTAINS(text, "#e8590c");
    SL_ASSERT_CONTAINS(text, "FP walk");
    CU_ASSERT_PTR_NULL(strstr(text, "Legend"));
    ASSERT_DOT_ACCEPTS(text);
    free(text);

    o.show_slots = 0;
    o.skip_frames = 1;
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_PTR_NULL(strstr(text, "return address"));
    CU_ASSERT_PTR_NULL(strstr(text, "f0 ["));
    ASSERT_DOT_ACCEPTS(text);
    free(text);

    o.skip_frames = 5;              /* more than there are */
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    ASSERT_DOT_ACCEPTS(text);
    free(text);
    free_fake(&s);
}

static void test_stop_at_and_legend(void)
{
    static const char *const names[] = { "leaf", "helper", "main", "__libc_start_call_main",
                                         "_start" };
    sl_dot_options o = SL_DOT_DEFAULTS;
    sl_stack s;
    int rc;
    char *text;

    fake_stack(&s, 5, names, 5);
    o.stop_at = "main";
    o.highlight = "helper";
    o.legend = 1;
    text = dot_of(&s, &o, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "2 outer frames not shown");
    SL_ASSERT_CONTAINS(text, "callers of main: __libc_start_call_main");
    SL_ASSERT_CONTAINS(text, "f2:fp:e -> outer:e");
    SL_ASSERT_CONTAINS(text, "outer -> f2");
    CU_ASSERT_PTR_NULL(strstr(text, "f3 ["));
    /* The legend lists what is drawn, and only that. */
    SL_ASSERT_CONTAINS(text, "return address (where ret jumps)");
    SL_ASSERT_CONTAINS(text, "stack-protector canary");
    SL_ASSERT_CONTAINS(text, "the function in focus");
    CU_ASSERT_PTR_NULL(strstr(text, "kernel signal frame"));
    CU_ASSERT_PTR_NULL(strstr(text, "active SL_TRY"));
    ASSERT_DOT_ACCEPTS(text);
    free(text);

    o.stop_at = "not_on_this_stack";
    text = dot_of(&s, &o, &rc);
    SL_ASSERT_CONTAINS(text, "#4  _start");
    CU_ASSERT_PTR_NULL(strstr(text, "not shown"));
    free(text);
    free_fake(&s);
}

static void test_errors(void)
{
    static const char *const names[] = { "leaf" };
    sl_stack s;
    FILE *full = fopen("/dev/full", "w");
    sl_dot_options o = SL_DOT_DEFAULTS;

    fake_stack(&s, 300, names, 1);
    CU_ASSERT_EQUAL(sl_stack_write_dot(NULL, stdout, NULL), SL_DOT_EINVAL);
    CU_ASSERT_EQUAL(sl_stack_write_dot(&s, NULL, NULL), SL_DOT_EINVAL);
    if (full) {
        CU_ASSERT_EQUAL(sl_stack_write_dot(&s, full, NULL), SL_DOT_EIO);
        SL_ASSERT_CONTAINS(sl_dot_last_error(), "No space left on device");
        fclose(full);
    }
    CU_ASSERT_EQUAL(sl_diagram_here(NULL, NULL), SL_DOT_EINVAL);
    CU_ASSERT_EQUAL(sl_diagram_here(in_dir("x.txt"), NULL), SL_DOT_EFORMAT);
    SL_ASSERT_CONTAINS(sl_dot_last_error(), in_dir("x.txt"));
    CU_ASSERT_EQUAL(sl_diagram_here("/nonexistent-dir/x.dot", NULL), SL_DOT_EOPEN);
    SL_ASSERT_CONTAINS(sl_dot_last_error(), "/nonexistent-dir/x.dot");

    o.dot_program = "/nonexistent/graphviz/dot";
    CU_ASSERT_EQUAL(sl_diagram_here(in_dir("missing.svg"), &o), SL_DOT_ENOGRAPHVIZ);
    SL_ASSERT_CONTAINS(sl_dot_last_error(), in_dir("missing.svg"));
    SL_ASSERT_CONTAINS(sl_dot_last_error(), "Graphviz");
    SL_ASSERT_CONTAINS(sl_dot_strerror(SL_DOT_ENOGRAPHVIZ), "Graphviz");
    o.dot_program = "false";
    CU_ASSERT_EQUAL(sl_diagram_here(in_dir("false.svg"), &o), SL_DOT_ERENDER);
    SL_ASSERT_CONTAINS(sl_dot_last_error(), "exited with status 1");

    /* A render error carries Graphviz's own words, and leaves no file: not
     * the output, not a temporary one. */
    FILE *bad = fopen(in_dir("bad.dot"), "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
    fputs("digraph { a -> ; }\n", bad);
    fclose(bad);
    char bad_dot[256];
    snprintf(bad_dot, sizeof bad_dot, "%s", in_dir("bad.dot"));
    CU_ASSERT_EQUAL(sl_dot_render(bad_dot, in_dir("bad.svg"), NULL), SL_DOT_ERENDER);
    SL_ASSERT_CONTAINS(sl_dot_last_error(), "syntax error in line 1");
    CU_ASSERT_NOT_EQUAL(access(in_dir("bad.svg"), F_OK), 0);
    CU_ASSERT_EQUAL(count_files(dir), 1);      /* bad.dot alone */
    unlink(in_dir("bad.dot"));

    /* A .dot is written beside its name and renamed over it once whole. */
    FILE *old = fopen(in_dir("keep.dot"), "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(old);
    fputs("digraph { old; }\n", old);
    fclose(old);
    CU_ASSERT_EQUAL(sl_diagram_here(in_dir("keep.dot"), NULL), SL_DOT_OK);
    CU_ASSERT_EQUAL(count_files(dir), 1);      /* keep.dot, replaced; no temporary */
    char *text = slurp(in_dir("keep.dot"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "digraph stack");
    free(text);
    unlink(in_dir("keep.dot"));
    free_fake(&s);
}

/* ---- real stacks ------------------------------------------------------- */

/* The DOT of the current stack; where the symbolizer found file:line for
 * the calling function, the header must show it. */
static char *captured_dot(sl_walker w, const sl_dot_options *o, int *rc)
{
    sl_stack s = { 0 };
    char *text, where[256] = "";

    CU_ASSERT_TRUE(sl_stack_capture(&s, w) > 0);
    sl_stack_symbolize(&s);
    for (int i = 0; i < s.count; i++)
        if (s.frames[i].file && strcmp(s.frames[i].function, "dot_inner_callee") == 0) {
            const char *slash = strrchr(s.frames[i].file, '/');
            snprintf(where, sizeof where, "%s:%d", slash ? slash + 1 : s.frames[i].file,
                     s.frames[i].line);
        }
    text = dot_of(&s, o, rc);
    if (where[0])
        SL_ASSERT_CONTAINS(text, where);
    sl_stack_release(&s);
    return text;
}

__attribute__((noinline)) static char *dot_inner_callee(sl_walker w, int *rc)
{
    char *text = captured_dot(w, NULL, rc);
    __asm__ volatile("" ::: "memory");
    return text;
}

__attribute__((noinline)) static char *dot_outer_caller(sl_walker w, int *rc)
{
    char *text = dot_inner_callee(w, rc);
    __asm__ volatile("" ::: "memory");
    return text;
}

/* The saved rbp arrow ends at the row whose address is the saved value.
 * Frame 1 here keeps no frame record (-fomit-frame-pointer): frame 0's
 * saved rbp is frame 2's record, so the arrow skips frame 1 instead of
 * ending at its header.  A saved rbp that is no drawn record gets no arrow. */
static void test_fp_edge_skips_frame_without_record(void)
{
    static const char *const names[] = { "leaf", "no_record", "main", "outer" };
    sl_stack s;
    int rc;
    char *text;

    fake_stack(&s, 4, names, 4);
    sl_frame *f1 = &s.frames[1];
    f1->saved_fp_slot = 0;
    f1->saved_fp_value = 0;
    f1->saved[0] = f1->saved[2];        /* only rbx and r12 spilled */
    f1->saved_count = 2;
    f1->fp = 0;
    s.frames[0].saved_fp_value = s.frames[2].saved_fp_slot;
    s.frames[2].saved_fp_value = 0x1234;            /* rbp held data */
    text = dot_of(&s, NULL, &rc);
    CU_ASSERT_EQUAL(rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "f0:fp:e -> f2:fp:e");
    CU_ASSERT_PTR_NULL(strstr(text, "f0:fp:e -> f1"));
    CU_ASSERT_PTR_NULL(strstr(text, ":h:e"));
    SL_ASSERT_CONTAINS(text, "saved " SL_ARCH_FP_NAME " \xe2\x86\x92 frame record of #2");
    CU_ASSERT_PTR_NULL(strstr(text, "f2:fp:e ->"));
    SL_ASSERT_CONTAINS(text, "saved " SL_ARCH_FP_NAME " = 0x1234 (not a frame record drawn here)");
    ASSERT_DOT_ACCEPTS(text);
    free(text);

    /* A saved rbp may point at any drawn row, not only a record. */
    s.frames[0].saved_fp_value = s.frames[1].cfa - 40;  /* frame 1's canary slot */
    text = dot_of(&s, NULL, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "f0:fp:e -> f1:canary:e");
    ASSERT_DOT_ACCEPTS(text);
    free(text);
    free_fake(&s);
}

/* ---- real captures through code without frame records or CFI --------- */

/* In tests/frames_fixture_nofp.c, built with -fomit-frame-pointer. */
int frames_nofp_outer(int (*cb)(int), int x);
static char *real_text;
static int real_rc;

/* Captures (CFI walk), symbolizes and writes the stack into real_text. */
__attribute__((noinline)) static int draw_real(int x)
{
    sl_stack s = { 0 };
    int rc = -1;
    if (sl_stack_capture(&s, SL_WALK_CFI) > 0) {
        sl_stack_symbolize(&s);
        real_text = dot_of(&s, NULL, &rc);
    }
    real_rc = rc;
    sl_stack_release(&s);
    __asm__ volatile("" ::: "memory");
    return rc + x;
}

/* frames_nofp_outer and _inner keep no frame record, so the rbp saved in
 * draw_real's frame is the record of this function, three frames up. */
/* True where this build has a CFI walk; elsewhere says why the test
 * cannot run there. */
static bool cfi_here(void)
{
#ifdef SL_WITHOUT_DWARF_LIBS
    sl_test_not_here("no CFI walk in this build (no libunwind for riscv64 in Debian)");
    return false;
#else
    return true;
#endif
}

__attribute__((noinline)) static void test_real_fp_edge_skips_nofp(void)
{
    if (!cfi_here())
        return;
    real_text = NULL;
    frames_nofp_outer(draw_real, 0);
    __asm__ volatile("" ::: "memory");
    CU_ASSERT_EQUAL(real_rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(real_text);
    SL_ASSERT_CONTAINS(real_text, "#0  draw_real");
    SL_ASSERT_CONTAINS(real_text, "#3  test_real_fp_edge_skips_nofp");
    SL_ASSERT_CONTAINS(real_text, "f0:fp:e -> f3:fp:e");
    CU_ASSERT_PTR_NULL(strstr(real_text, ":h:e"));
    ASSERT_DOT_ACCEPTS(real_text);
    free(real_text);
}

__attribute__((noinline)) static long draw_real_no_cfi(void *arg)
{
    long r = draw_real((int)(long)arg);
    __asm__ volatile("" ::: "memory");
    return r;
}

/* sl_asm_no_cfi has no CFI; libunwind found it by its frame record, and
 * its saved rbp is drawn there (not as 8 B of "locals / padding"), with
 * the arrow from the frame below ending on it. */
__attribute__((noinline)) static void test_real_no_cfi_record(void)
{
    if (!cfi_here())
        return;
    if (SL_TEST_UNW_FOLLOWS_LR) {
        sl_test_not_here("libunwind's AArch64 port does not guess a frame record for code "
                         "without CFI (it takes x30 as the return address)");
        return;
    }
    real_text = NULL;
    sl_asm_no_cfi(draw_real_no_cfi, NULL);
    __asm__ volatile("" ::: "memory");
    CU_ASSERT_EQUAL(real_rc, SL_DOT_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(real_text);
    SL_ASSERT_CONTAINS(real_text, "#2  sl_asm_no_cfi");
    SL_ASSERT_CONTAINS(real_text, "no CFI: found by frame pointer");
    SL_ASSERT_CONTAINS(real_text, "f1:fp:e -> f2:fp:e");
    SL_ASSERT_CONTAINS(real_text, "f2:fp:e -> f3:fp:e");
    const char *f2 = strstr(real_text, "\nf2 [");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f2);
    const char *end = strstr(f2, "</TABLE>>];");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    const char *fp_row = strstr(f2, "PORT=\"fp\">saved " SL_ARCH_FP_NAME);
    CU_ASSERT_TRUE(fp_row && fp_row < end);
    /* Below the record: its 16 bytes of locals (subq $16, %rsp), in one row. */
    const char *pad = strstr(f2, "locals / padding \xc2\xb7 16 B");
    CU_ASSERT_TRUE(pad && pad < end);
    CU_ASSERT_EQUAL(count_of(f2, "locals / padding") - count_of(end, "locals / padding"), 1);
    ASSERT_DOT_ACCEPTS(real_text);
    free(real_text);
}

static void test_real_capture_cfi_and_fp(void)
{
    sl_walker walkers[] = { SL_WALK_CFI, SL_WALK_FP };

    for (int k = cfi_here() ? 0 : 1; k < 2; k++) {
        int rc;
        char *text = dot_outer_caller(walkers[k], &rc);
        CU_ASSERT_EQUAL(rc, SL_DOT_OK);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        SL_ASSERT_CONTAINS(text, "dot_inner_callee");
        SL_ASSERT_CONTAINS(text, "dot_outer_caller");
        SL_ASSERT_CONTAINS(text, "return address \xe2\x86\x92 dot_outer_caller");
        SL_ASSERT_CONTAINS(text, ":fp:e -> f");
        SL_ASSERT_CONTAINS(text, k == 0 ? "CFI walk" : "FP walk");
        ASSERT_DOT_ACCEPTS(text);
        free(text);
    }
}

__attribute__((noinline)) static int draw_here_for_test(const char *path)
{
    sl_dot_options o = SL_DOT_DEFAULTS;
    o.title = "sl_diagram_here from the dot suite";
    o.max_frames = 6;
    int rc = sl_diagram_here(path, &o);
    __asm__ volatile("" ::: "memory");
    return rc;
}


static void test_diagram_here(void)
{
    const char *names[] = { "here.dot", "here.svg" };

    for (int k = 0; k < 2; k++) {
        char path[sizeof dir + 64];
        snprintf(path, sizeof path, "%s", in_dir(names[k]));
        CU_ASSERT_EQUAL(draw_here_for_test(path), SL_DOT_OK);
        char *text = slurp(path);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        SL_ASSERT_CONTAINS(text, k == 0 ? "digraph stack" : "<svg");
        SL_ASSERT_CONTAINS(text, "draw_here_for_test");
        /* The diagram starts at the caller: sl_diagram_here is not in it. */
        CU_ASSERT_PTR_NULL(strstr(text, "#0  sl_diagram_here"));
        if (k == 0)
            ASSERT_DOT_ACCEPTS(text);
        free(text);
        unlink(path);
    }
}

/* How many entries the suite's directory holds (temporary files included). */
static int entries_in_dir(void)
{
    char cmd[sizeof dir + 32];
    snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

/* sl_stack_write_file: the file appears whole or not at all. */
static void test_write_file_atomic(void)
{
    static const char *const names[] = { "leaf", "main" };
    sl_stack s;
    sl_dot_options o = SL_DOT_DEFAULTS;
    int before = entries_in_dir();

    fake_stack(&s, 2, names, 2);
    CU_ASSERT_EQUAL(sl_stack_write_file(&s, in_dir("whole.dot"), NULL), SL_DOT_OK);
    char *text = slurp(in_dir("whole.dot"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    SL_ASSERT_CONTAINS(text, "digraph stack");
    free(text);
    CU_ASSERT_EQUAL(entries_in_dir(), before + 1);      /* no temporary left */
    struct stat st;                         /* made as fopen makes a file, not 0600 */
    mode_t mask = umask(022);
    umask(mask);
    CU_ASSERT_EQUAL_FATAL(stat(in_dir("whole.dot"), &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0666 & ~mask);

    o.dot_program = "false";                /* the renderer fails: no file */
    CU_ASSERT_EQUAL(sl_stack_write_file(&s, in_dir("broken.svg"), &o), SL_DOT_ERENDER);
    SL_ASSERT_CONTAINS(sl_dot_last_error(), in_dir("broken.svg"));
    CU_ASSERT_EQUAL(access(in_dir("broken.svg"), F_OK), -1);
    CU_ASSERT_EQUAL(entries_in_dir(), before + 1);
    CU_ASSERT_EQUAL(sl_stack_write_file(&s, "/nonexistent-dir/x.svg", NULL), SL_DOT_EOPEN);
    SL_ASSERT_CONTAINS(sl_dot_last_error(), "/nonexistent-dir/x.svg");
    unlink(in_dir("whole.dot"));
    free_fake(&s);
}

void suite_dot(void)
{
    CU_pSuite s = CU_add_suite("dot", make_dir, remove_dir);

    CU_add_test(s, "every slot role labelled, fp edges", test_every_role_labelled);
    CU_add_test(s, "odd symbol names escaped", test_odd_symbol_names);
    CU_add_test(s, "a lecturer's defaults: main, elided, columns", test_lecture_defaults);
    CU_add_test(s, "notes beside the frames", test_notes);
    CU_add_test(s, "elision of deep stacks", test_elision);
    CU_add_test(s, "10,000 frames", test_ten_thousand_frames);
    CU_add_test(s, "CFA-relative addresses", test_relative_addresses);
    CU_add_test(s, "variables in a leaf's red zone; an inlined function's row",
                test_variables_red_zone_and_inlined);
    CU_add_test(s, "SL_TRY handler chain", test_handler_chain);
    CU_add_test(s, "options, empty and odd stacks", test_options_and_odd_stacks);
    CU_add_test(s, "stop_at and a legend of what is drawn", test_stop_at_and_legend);
    CU_add_test(s, "errors", test_errors);
    CU_add_test(s, "saved rbp arrow skips a frame without a record", test_fp_edge_skips_frame_without_record);
    CU_add_test(s, "real capture through -fomit-frame-pointer code: rbp arrow", test_real_fp_edge_skips_nofp);
    CU_add_test(s, "real capture through code without CFI: its frame record", test_real_no_cfi_record);
    CU_add_test(s, "real capture, CFI and FP", test_real_capture_cfi_and_fp);
    CU_add_test(s, "sl_diagram_here .dot and .svg", test_diagram_here);
    CU_add_test(s, "sl_stack_write_file is atomic", test_write_file_atomic);
}
