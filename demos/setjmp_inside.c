/*
 * setjmp_inside.c: what a setjmp saves, and what it cannot save.
 *
 * The lecture: sl_context_save (asm/x86_64/context.S, stacklab's setjmp) is
 * a dozen instructions.  It stores only what the ABI says a call preserves:
 * rbx, rbp, r12-r15, the stack pointer and the return address, plus two
 * floating-point control words; the last two pointers mangled with a
 * per-process secret.  sl_context_restore loads them back and "returns" from
 * sl_context_save a second time, abandoning every frame in between.  What it
 * cannot bring back is a local the compiler kept in a register after the
 * save: hence `volatile`.
 */
#include <string.h>

#include "stacklab/abi.h"
#include "stacklab/dot.h"
#include "stacklab/frames.h"
#include "lecture.h"

/* From setjmp_inside-pitfall.c, compiled at -O2. */
long pitfall_plain(sl_context *ctx, long start);
long pitfall_volatile(sl_context *ctx, long start);
long clause_plain(long start);
long clause_volatile(long start);
const char *pitfall_explained(void);

/* "function+0x1c (file.c:42)" for a code address. */
static const char *code_name(uint64_t pc, char *buf, size_t size)
{
    sl_stack s = {0};
    void *pcs[1] = { (void *)(uintptr_t)pc };
    snprintf(buf, size, "?");
    if (sl_stack_from_addresses(&s, pcs, 1) == 1 && sl_stack_symbolize(&s) == 1) {
        const sl_frame *f = &s.frames[0];
        const char *file = f->file ? strrchr(f->file, '/') : NULL;
        file = file ? file + 1 : f->file;
        if (file)
            snprintf(buf, size, "%s+%#lx (%s:%d)", f->function, (unsigned long)f->offset, file,
                     f->line);
        else
            snprintf(buf, size, "%s+%#lx", f->function, (unsigned long)f->offset);
    }
    sl_stack_release(&s);
    return buf;
}

__attribute__((noinline))
static void show_saved_context(void)
{
    sl_context ctx;

    if (sl_context_save(&ctx) != 0)
        return;
    uintptr_t frame = (uintptr_t)__builtin_frame_address(0);

    sl_context_slot slot[16];
    int n = sl_context_slots(&ctx, slot, 16);
    if (n <= 0) {
        lecture_fail("sl_context_slots returned %d", n);
        return;
    }
    lecture_say("sl_context_save(&ctx) filled %d slots of the buffer:", n);
    lecture_code("%-6s %-6s %-18s %-7s %s", "offset", "slot", "stored", "", "meaning");
    for (int i = 0; i < n && i < 16; i++) {
        char meaning[200] = "";
        const sl_context_slot *s = &slot[i];
        if (!strcmp(s->name, "rsp"))
            snprintf(meaning, sizeof meaning, "-> %s%srbp%s: rsp once it returns",
                     lecture_stable() ? "" : lecture_addr((void *)s->value),
                     lecture_stable() ? "" : " = ", lecture_offset((intptr_t)(s->value - frame)));
        else if (!strcmp(s->name, "rip"))
            snprintf(meaning, sizeof meaning, "-> %s",
                     code_name(s->value, (char[160]){0}, 160));
        else if (!strcmp(s->name, "rbp"))
            snprintf(meaning, sizeof meaning, "%s", s->value == frame
                     ? "this function's frame pointer" : "callee-saved: the caller's value");
        else if (!strcmp(s->name, "mxcsr"))
            snprintf(meaning, sizeof meaning, "SSE control: rounding, exception masks");
        else if (!strcmp(s->name, "x87cw") || !strcmp(s->name, "fpucw"))
            snprintf(meaning, sizeof meaning, "x87 control word: precision, rounding");
        else
            snprintf(meaning, sizeof meaning, "callee-saved: the caller's value");
        char stored[24];
        snprintf(stored, sizeof stored, "0x%016lx", (unsigned long)s->stored);
        lecture_code("+%-5u %-6s %-18s %-7s %s", s->offset, s->name,
                     lecture_stable() && s->mangled ? "(random every run)" : stored,
                     s->mangled ? "mangled" : "", meaning);
    }
    lecture_say("Only what the ABI says survives a call: every other register is the caller's "
                "problem already, so a resumed sl_context_save may return with it garbled.");
    lecture_say("rsp and rip are stored %s (XOR with a per-process secret, rotate 17): an overflow "
                "that rewrites the buffer cannot aim the next jump without the secret.",
                lecture_em("mangled"));
}

static sl_context jump_ctx;

/* gcc sees that descend never returns (it recurses or jumps) and calls that
 * infinite recursion; here the jump is the point. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"

__attribute__((noinline))
static void descend(int n)
{
    if (n < 2) {
        lecture_say("%*sdescend(%d)", 2 * n, "", n);
        descend(n + 1);
        lecture_fail("descend(%d) returned", n + 1);
        return;
    }
    lecture_say("%*sdescend(%d) draws setjmp_inside.svg", 2 * n, "", n);
    /* The saved context as a note beside the stack, its arrow at the frame
     * its saved rsp lies in: where the jump lands. */
    sl_context_slot slot[16];
    char text[512], code[160] = "?", rest[64] = "";
    uintptr_t landing = 0;
    int nslots = sl_context_slots(&jump_ctx, slot, 16);
    for (int i = 0; i < nslots && i < 16; i++) {
        const sl_context_slot *c = &slot[i];
        if (!strcmp(c->name, "rsp"))
            landing = (uintptr_t)c->value;
        else if (!strcmp(c->name, "rip"))
            code_name(c->value, code, sizeof code);
        else if (!strcmp(c->name, "mxcsr") || !strcmp(c->name, "x87cw"))
            snprintf(rest + strlen(rest), sizeof rest - strlen(rest), "%s%s %#lx",
                     rest[0] ? ", " : "", c->name, (unsigned long)c->value);
    }
    snprintf(text, sizeof text, "rbx rbp r12 r13 r14 r15: the caller's values\n"
             "rsp (mangled): where the stack will end\n"
             "rip (mangled): %s\n%s", code, rest);
    sl_dot_note note = { "sl_context jump_ctx", text, landing,
                         "sl_context_restore lands here" };
    sl_dot_options o = SL_DOT_DEFAULTS;
    o.title = "Just before sl_context_restore: the frames the jump abandons";
    o.relative = lecture_stable();
    o.highlight = "descend";
    o.show_variables = 0;               /* the lesson is the saved registers, not the
                                           buffers this demo keeps for its notes */
    o.notes = &note;
    o.note_count = 1;
    if (sl_diagram_here(lecture_diagram_path("setjmp_inside.dot"), &o) == 0)
        lecture_diagram_render("setjmp_inside");
    else
        lecture_fail("sl_diagram_here: %s", sl_dot_last_error());
    lecture_say("%*sthen sl_context_restore(&ctx, 42)", 2 * n + 2, "");
    sl_context_restore(&jump_ctx, 42);
}

__attribute__((noinline))
static void jump_across_frames(void)
{
    int r = sl_context_save(&jump_ctx);
    if (r == 0) {
        lecture_say("sl_context_save(&ctx) returned 0: first time through, go down");
        descend(1);
        lecture_fail("not reached");
    } else {
        lecture_say("sl_context_save(&ctx) returned %s a second time, in jump_across_frames",
                    lecture_em(r == 42 ? "42" : "something else"));
        lecture_say("The two descend frames were never returned from: rsp simply moved back "
                    "above them. No code in them ran on the way out.");
    }
}

/* Called by the pitfall functions; not static and not inlined, so that the
 * compiler compiling them cannot see that it never returns. */
void pitfall_jump(sl_context *ctx, long seen);

static long pitfall_seen;
static const char *pitfall_picture;     /* what pitfall_jump draws ("plain"), or NULL */

/* The pitfall function's frame just before the jump: where its `total`
 * lives now (a register, a slot, memory), with the value it holds. */
__attribute__((noinline))
static void draw_pitfall(const char *which, long seen)
{
    char name[64], title[128], function[32];
    snprintf(name, sizeof name, "setjmp_inside-%s", which);
    snprintf(function, sizeof function, "pitfall_%s", which);
    snprintf(title, sizeof title, "%s just before the jump: total is %ld; where does it live?",
             function, seen);
    sl_dot_options o = SL_DOT_DEFAULTS;
    o.title = title;
    o.relative = lecture_stable();
    o.highlight = function;
    o.skip_frames = 1;                  /* this function */
    snprintf(name + strlen(name), sizeof name - strlen(name), ".dot");
    if (sl_diagram_here(lecture_diagram_path(name), &o) == 0) {
        name[strlen(name) - 4] = '\0';
        lecture_diagram_render(name);
    } else {
        lecture_fail("sl_diagram_here: %s", sl_dot_last_error());
    }
}

/* Called from the FINALLY of the SL_TRY versions: that frame, where its
 * `stage` lives after the second throw. */
void pitfall_in_finally(const char *which, long read);

void pitfall_in_finally(const char *which, long read)
{
    char name[64], title[128], function[32];
    snprintf(name, sizeof name, "setjmp_inside-finally-%s.dot", which);
    snprintf(function, sizeof function, "stages_%s", which);
    snprintf(title, sizeof title, "%s's FINALLY after the second throw: it read stage = %ld",
             function, read);
    sl_dot_options o = SL_DOT_DEFAULTS;
    o.title = title;
    o.relative = lecture_stable();
    o.highlight = function;
    o.stop_at = function;
    o.skip_frames = 1;                  /* this function */
    if (sl_diagram_here(lecture_diagram_path(name), &o) == 0) {
        name[strlen(name) - 4] = '\0';
        lecture_diagram_render(name);
    } else {
        lecture_fail("sl_diagram_here: %s", sl_dot_last_error());
    }
}

void pitfall_jump(sl_context *ctx, long seen)
{
    pitfall_seen = seen;
    if (pitfall_picture)
        draw_pitfall(pitfall_picture, seen);
    sl_context_restore(ctx, 1);
}

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "setjmp_inside",
                  "Inside a setjmp: what sl_context_save stores, a jump, and the volatile "
                  "pitfall.",
                  "Shows: the slots of an sl_context (callee-saved registers, mangled rsp and\n"
                  "rip), a non-local jump out of two frames, and a local changed between\n"
                  "save and jump read back wrong at -O2 unless it is volatile.\n\n"
                  "Diagrams:\n"
                  "  setjmp_inside.svg            the stack just before sl_context_restore\n"
                  "  setjmp_inside-plain.svg      the pitfall's frame before the jump: where\n"
                  "                               the plain local total lives\n"
                  "  setjmp_inside-volatile.svg   the same with volatile long total\n"
                  "  setjmp_inside-finally-plain.svg, -finally-volatile.svg\n"
                  "                               an SL_TRY's FINALLY after a throw from its\n"
                  "                               CATCH: where stage lives, plain or volatile\n");

    lecture_step("What sl_context_save stores");
    show_saved_context();

    lecture_step("A non-local jump: sl_context_restore");
    jump_across_frames();

    lecture_step("The volatile pitfall (compiled at -O2)");
    lecture_code("long total = 100;                 /* or: volatile long total = 100; */");
    lecture_code("if (sl_context_save(&ctx) != 0) return total;");
    lecture_code("for (i = 1; i <= 4; i++) total += i;   /* 110 now */");
    lecture_code("sl_context_restore(&ctx, 1);");
    sl_context ctx;
    pitfall_picture = "plain";
    long plain = pitfall_plain(&ctx, 100);
    long seen = pitfall_seen;
    pitfall_picture = "volatile";
    long vol = pitfall_volatile(&ctx, 100);
    pitfall_picture = NULL;
    lecture_say("plain local:    total was %ld at the jump, read back as %ld  %s", seen, plain,
                plain == seen ? lecture_good("right (this time)") : lecture_bad("WRONG"));
    lecture_say("volatile local: total was %ld at the jump, read back as %ld  %s", pitfall_seen,
                vol, vol == pitfall_seen ? lecture_good("right") : lecture_bad("WRONG"));
    if (plain != seen)
        lecture_say("%s", pitfall_explained());
    lecture_say("C11 7.13.2.1: such a local is indeterminate after the jump unless it is "
                "%s, which makes every write go to memory, and memory is not rolled back.",
                lecture_em("volatile"));
    if (vol != pitfall_seen)
        lecture_fail("the volatile local was read back wrong");

    lecture_step("The same rule in every clause of an SL_TRY");
    lecture_code("long stage = 100;                 /* or: volatile long stage = 100; */");
    lecture_code("SL_TRY     { stage = 101; SL_THROW(SL_RuntimeError, \"first\"); }");
    lecture_code("SL_CATCH_ANY(e) { stage = 102; SL_THROW(SL_RuntimeError, \"second\"); }");
    lecture_code("SL_FINALLY { read stage } SL_END_TRY;");
    long cplain = clause_plain(100), cvol = clause_volatile(100);
    lecture_say("plain local:    the FINALLY read %ld  %s", cplain,
                cplain == 102 ? lecture_good("right (this time)") : lecture_bad("WRONG (stale)"));
    lecture_say("volatile local: the FINALLY read %ld  %s", cvol,
                cvol == 102 ? lecture_good("right") : lecture_bad("WRONG"));
    lecture_say("Every throw to a TRY, also the one from its own CATCH, jumps back to the "
                "registers SL_TRY saved: a local changed after SL_TRY and read after a throw "
                "(in a CATCH, the FINALLY, or after SL_END_TRY) must be %s.",
                lecture_em("volatile"));
    if (cvol != 102)
        lecture_fail("the volatile local was read back wrong in the FINALLY");
    return lecture_end();
}
