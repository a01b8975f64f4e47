/*
 * exceptions.c: what a throw does to the stack.
 *
 * The lecture: main calls level1 .. level4; level4 throws.  On the way up,
 * every cleanup registered with sl_defer runs (last registered first, like
 * C++ destructors), the FINALLY of level2's TRY runs although it catches
 * nothing, and main's CATCH gets the exception.  Then the handler chain
 * (the list of active SL_TRY blocks, each pointing into the frame a throw
 * lands in) is drawn over the stack, and a CATCH that throws a new exception
 * shows how the old one is kept as its cause.
 */
#include <stdlib.h>
#include <string.h>

#include "stacklab/dot.h"
#include "stacklab/except.h"
#include "lecture.h"

SL_DEFINE_EXCEPTION(ParseError, SL_RuntimeError, "parse error");
SL_DEFINE_EXCEPTION(ConfigError, SL_RuntimeError, "cannot load the configuration");

/* Each event is numbered as it happens, so the order is the lesson. */
static int event;

static void say_event(const char *who, const char *what)
{
    char n[16];
    snprintf(n, sizeof n, "(%d)", ++event);
    lecture_say("%-4s %-8s %s", n, who, what);
}

static bool draw_handlers;      /* the second pass draws the handler chain */

static void close_file(void *name)
{
    char what[128];
    if (draw_handlers)
        return;
    snprintf(what, sizeof what, "cleanup: fclose(%s)   (deferred in level1)", (char *)name);
    say_event("unwind", what);
}

static void free_buffer(void *unused)
{
    (void)unused;
    if (!draw_handlers)
        say_event("unwind", "cleanup: free(buffer)   (deferred in level2)");
}

static void unlock(void *unused)
{
    (void)unused;
    if (!draw_handlers)
        say_event("unwind", "cleanup: unlock(&table_lock)   (deferred in level3)");
}

/* Where each level's frame is (its frame pointer lies inside it). */
static uintptr_t level_frame[5];

__attribute__((noinline))
static void level4(void)
{
    if (draw_handlers) {
        /* The deferred cleanups, each beside the frame that registered it,
         * numbered in the order a throw runs them (last registered first). */
        sl_dot_note cleanups[] = {
            { "1st cleanup: unlock(&table_lock)", "sl_defer in level3", level_frame[3], NULL },
            { "2nd cleanup: free(buffer)", "sl_defer in level2's SL_TRY body", level_frame[2],
              NULL },
            { "3rd cleanup: fclose(settings.conf)", "sl_defer in level1", level_frame[1], NULL },
        };
        sl_dot_options o = SL_DOT_DEFAULTS;
        o.title = "Two SL_TRY blocks and three deferred cleanups: a throw from level4";
        o.show_variables = 0;           /* the handler chain and cleanups fill the slide */
        o.relative = lecture_stable();
        o.show_handlers = 1;
        o.notes = cleanups;
        o.note_count = 3;
        if (sl_diagram_here(lecture_diagram_path("exceptions.dot"), &o) < 0)
            lecture_fail("sl_diagram_here: %s", sl_dot_last_error());

        sl_handler_record h[4];
        int n = sl_handler_records(h, 4);
        lecture_say("From inside level4, %d SL_TRY blocks are active (innermost first):", n);
        for (int i = 0; i < n && i < 4; i++)
            lecture_code("SL_TRY in %-7s line %-4d state %-7s saved rsp %s", h[i].function,
                         h[i].line, h[i].state == SL_TRY_BODY ? "body"
                         : h[i].state == SL_TRY_CATCH ? "catch" : "finally",
                         lecture_stable() ? lecture_offset((intptr_t)(h[i].sp - h[0].sp))
                                          : lecture_addr((void *)h[i].sp));
        lecture_say("Each record is a saved context: a throw restores the innermost one and "
                    "resumes in that frame, discarding every frame below it. exceptions.svg "
                    "draws each record as a note with an arrow to the frame a throw lands in.");
        return;
    }
    say_event("level4", "SL_THROW(ParseError, ...)");
    SL_THROW(ParseError, "unexpected '}' at line %d", 42);
}

__attribute__((noinline))
static void level3(void)
{
    level_frame[3] = (uintptr_t)__builtin_frame_address(0);
    sl_defer(unlock, NULL);
    level4();
    if (!draw_handlers)
        say_event("level3", "not reached");
}

__attribute__((noinline))
static void level2(void)
{
    level_frame[2] = (uintptr_t)__builtin_frame_address(0);
    SL_TRY {
        sl_defer(free_buffer, NULL);
        level3();
    } SL_FINALLY {
        if (!draw_handlers)
            say_event("level2", "FINALLY: runs, although level2 catches nothing");
    } SL_END_TRY;
    if (!draw_handlers)
        say_event("level2", "not reached: the exception continues upwards");
}

__attribute__((noinline))
static void level1(void)
{
    level_frame[1] = (uintptr_t)__builtin_frame_address(0);
    sl_defer(close_file, "settings.conf");
    level2();
    if (!draw_handlers)
        say_event("level1", "not reached");
}

/* A parser deep down throws ParseError; load_config turns it into the error
 * its own callers understand, keeping the original as the cause. */
__attribute__((noinline))
static void parse(void)
{
    SL_THROW(ParseError, "expected a value after 'port =' at line 7");
}

static const char *config_path = "settings.conf";

__attribute__((noinline))
static void load_config(void)
{
    SL_TRY {
        parse();
    } SL_CATCH(ParseError, e) {
        (void)e;
        SL_THROW(ConfigError, "cannot load %s", config_path);
    } SL_END_TRY;
}

/* sl_exception_print's report, indented like the rest of the lecture. */
static void print_indented(const sl_exception *e)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f)
        return;
    sl_exception_print(e, f);
    fclose(f);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        lecture_code("%s", line);
    free(text);
}

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "exceptions",
                  "SL_THROW through four frames: cleanups, FINALLY, the handler chain, causes.",
                  "Shows: the order in which deferred cleanups, FINALLY and CATCH run when\n"
                  "level4 throws to main; the active SL_TRY records over the stack; an\n"
                  "exception thrown from a CATCH keeping the first one as its cause.\n\n"
                  "Diagrams:\n"
                  "  exceptions.svg  the stack from inside two nested SL_TRY blocks, with the\n"
                  "                  handler chain\n");

    lecture_step("A throw through four frames");
    lecture_code("main:   SL_TRY { level1(); } SL_CATCH(ParseError, e) {..} SL_FINALLY {..} SL_END_TRY;");
    lecture_code("level1: sl_defer(close_file, \"settings.conf\");  level2();");
    lecture_code("level2: SL_TRY { sl_defer(free_buffer, buf);  level3(); } SL_FINALLY {..} "
                 "SL_END_TRY;");
    lecture_code("level3: sl_defer(unlock, &table_lock);  level4();");
    lecture_code("level4: SL_THROW(ParseError, \"unexpected '}' at line %%d\", 42);");
    lecture_say("What runs, in the order it happens:");
    SL_TRY {
        level1();
        say_event("main", "not reached");
    } SL_CATCH(ParseError, e) {
        char what[SL_MESSAGE_MAX + 32];
        snprintf(what, sizeof what, "CATCH(ParseError): caught \"%s\"", e->message);
        say_event("main", what);
    } SL_FINALLY {
        say_event("main", "FINALLY");
    } SL_END_TRY;
    lecture_say("Cleanups ran last-registered first, each TRY's before its CATCH and FINALLY: as "
                "C++ runs destructors during unwinding.");

    lecture_step("The handler chain over the stack");
    draw_handlers = true;
    SL_TRY {
        level1();
    } SL_CATCH_ANY(e) {
        lecture_fail("unexpected %s: %s", e->type->name, e->message);
    } SL_END_TRY;
    lecture_diagram_render("exceptions");

    lecture_step("Cause chains: an exception thrown while handling another");
    lecture_say("load_config catches the parser's ParseError and throws ConfigError; the first "
                "becomes the cause of the second:");
    SL_TRY {
        load_config();
    } SL_CATCH(ConfigError, e) {
        lecture_say("caught %s; its cause is %s", lecture_em(e->type->name),
                    e->cause ? lecture_em(e->cause->type->name) : lecture_bad("missing"));
        lecture_say("sl_exception_print(e, stdout) shows both, each with its throw site and "
                    "backtrace:");
        print_indented(e);
    } SL_END_TRY;

    return lecture_end();
}
