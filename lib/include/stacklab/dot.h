/*
 * stacklab/dot.h: Graphviz diagrams of a captured stack and its handlers.
 *
 * The writer only writes: it turns an sl_stack (frames.h) that was captured
 * and symbolized elsewhere into DOT text.  High addresses are at the top of
 * the page and the stack grows down it, as in the lecture notes.  Every frame
 * is a box: a header (function, file:line, module, how it was unwound), then
 * one row per slot by address (incoming stack arguments, return address,
 * saved frame pointer, callee-saved spills, canary, locals), the red zone
 * under a frame that may be a leaf, and on request a legend for the colours.
 * The defaults are a lecturer's: stop at main, elide the middle of a deep
 * recursion, and lay long stacks out in columns so that the text stays
 * large when the picture is fitted to a 16:9 slide.
 *
 *     sl_dot_options o = SL_DOT_DEFAULTS;
 *     o.title = "factorial(5) at its deepest";
 *     o.relative = 1;                     // CFA offsets: same on every run
 *     if (sl_diagram_here("diagrams/fact.svg", &o) < 0)
 *         fprintf(stderr, "%s\n", sl_dot_last_error());
 */
#ifndef STACKLAB_DOT_H
#define STACKLAB_DOT_H

#include <stdio.h>
#include "stacklab/frames.h"
#include "stacklab/except.h"

#pragma GCC visibility push(default)
#ifdef __cplusplus
extern "C" {                    /* C names, also from C++ */
#endif

/* What the DOT functions return: 0, or one of these (negative). */
typedef enum {
    SL_DOT_OK = 0,              /* no error */
    SL_DOT_EINVAL = -1,         /* NULL stack, stream or path; or a bad option */
    SL_DOT_EIO = -2,            /* writing the output failed */
    SL_DOT_ENOMEM = -3,         /* out of memory */
    SL_DOT_ECAPTURE = -4,       /* sl_diagram_here could not capture the stack */
    SL_DOT_EFORMAT = -5,        /* the path ends in none of .dot .gv .svg .png .pdf */
    SL_DOT_ENOGRAPHVIZ = -6,    /* Graphviz's `dot` program is not installed */
    SL_DOT_ERENDER = -7,        /* `dot` ran but failed (its exit status is in the reason) */
    SL_DOT_EOPEN = -8           /* the output file could not be created */
} sl_dot_error;

/* A box of text beside the stack, with an arrow to the frame that holds
 * address: how a demo points at a saved context, a deferred cleanup, a
 * fault.  Everything is escaped. */
typedef struct sl_dot_note {
    const char *title;          /* the bold first line */
    const char *text;           /* more lines, '\n' between them; NULL: none */
    uintptr_t address;          /* a stack address; 0 (or not on the stack drawn):
                                   no arrow */
    const char *arrow;          /* the arrow's label ("the jump lands here"), or NULL */
} sl_dot_note;

/* How a stack diagram is drawn.  Start from SL_DOT_DEFAULTS; NULL options
 * mean the defaults. */
typedef struct sl_dot_options {
    const char *title;          /* caption above the diagram, NULL: none */
    int show_slots;             /* rows for every slot (0: headers only) */
    int show_handlers;          /* the SL_TRY handler chain over the stack */
    int relative;               /* addresses as CFA offsets ("CFA-16"): identical
                                   across runs under ASLR, for slides */
    int max_frames;             /* more frames than this: keep the innermost and
                                   outermost, elide the middle; 0: no limit
                                   (default 8: deep recursion fits a slide) */
    int legend;                 /* the box explaining the colours (default off:
                                   every row says what it is) */
    int show_red_zone;          /* the 128-byte red zone under a frame that may be
                                   a leaf (one a signal interrupted) */
    int font_size;              /* points; 0: 18 (readable when projected) */
    int name_width;             /* longer names are cut to this many characters
                                   with an ellipsis; 0: 44 */
    int skip_frames;            /* leave out this many innermost frames (e.g. the
                                   function that drew the picture) */
    const char *highlight;      /* a function whose frames are drawn emphasised */
    const char *stop_at;        /* the outermost function to draw (default "main":
                                   the C library's start-up frames above it become
                                   one small "not shown" box); NULL: every frame */
    const sl_handler_record *handlers; /* draw these handler records instead of
                                   the calling thread's active ones */
    int handler_count;
    const char *dot_program;    /* Graphviz's dot, NULL: "dot" from PATH */
    const sl_dot_note *notes;   /* boxes of text beside the frames they point at */
    int note_count;
    int columns;                /* the slide layout: frames in this many columns,
                                   read like a newspaper (down, then the next
                                   column to the right); 0: as many as make the
                                   text largest on a 16:9 slide; 1: one column */
    int show_variables;         /* each variable read by sl_stack_read_variables in
                                   its own row, pointers as arrows (default on) */
    int pointer_depth;          /* follow pointers out of the stack this deep into
                                   boxes in a "heap / data" area (default 3) */
    int max_objects;            /* at most this many such boxes (default 32) */
} sl_dot_options;

#define SL_DOT_DEFAULTS { .title = NULL, .show_slots = 1, .show_handlers = 1, \
    .relative = 0, .max_frames = 8, .legend = 0, .show_red_zone = 1,         \
    .font_size = 0, .name_width = 0, .skip_frames = 0, .highlight = NULL,    \
    .stop_at = "main", .handlers = NULL, .handler_count = 0,                 \
    .dot_program = NULL, .notes = NULL, .note_count = 0, .columns = 0,       \
    .show_variables = 1, .pointer_depth = 3, .max_objects = 32 }

/* Writes stack s as a DOT digraph to out.  The output is valid DOT for any
 * names (everything is escaped).  Returns 0 or a negative sl_dot_error. */
int sl_stack_write_dot(const sl_stack *s, FILE *out, const sl_dot_options *o);

/* Writes stack s to path: DOT for .dot/.gv, rendered by Graphviz's `dot`
 * for .svg/.png/.pdf.  Atomic: the file appears complete or not at all (a
 * temporary file beside it is renamed over it).  Returns 0 or a negative
 * sl_dot_error (see sl_dot_last_error for the reason). */
int sl_stack_write_file(const sl_stack *s, const char *path, const sl_dot_options *o);

/* Captures the calling thread's stack (CFI walk), symbolizes it, marks its
 * SL_TRY frames and writes the diagram to path: DOT for .dot/.gv, rendered by
 * Graphviz's `dot` for .svg/.png/.pdf.  The diagram starts at the caller of
 * sl_diagram_here.  Returns 0 or a negative sl_dot_error (see
 * sl_dot_last_error for the reason). */
int sl_diagram_here(const char *path, const sl_dot_options *o);

/* Renders DOT file dot_path into out_path (format from its extension) with
 * Graphviz's `dot` (dot_program, NULL: "dot" from PATH).  Returns 0 or a
 * negative sl_dot_error. */
int sl_dot_render(const char *dot_path, const char *out_path, const char *dot_program);

/* The reason for the calling thread's last failed DOT call, in one sentence
 * naming the path ("" when none failed). */
const char *sl_dot_last_error(void);

/* A short description of an sl_dot_error code. */
const char *sl_dot_strerror(int code);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop

#endif
