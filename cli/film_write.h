/*
 * film_write.h: the film of `stacklab film` as data, and the page it becomes.
 *
 * The stepper (film.c) adds one step at a time: the stack as the library
 * captured and symbolized it, the registers that matter, what returned since
 * the previous step and what the program printed.  The writer keeps only
 * what a page needs, compactly: each source file once, each distinct frame
 * record once (the outer frames of a recursion do not change between steps,
 * so a step is mostly a list of record numbers), and the output as deltas.
 * film_write then puts the JSON into the page template (film_page.html,
 * built into the program) and writes the file atomically.
 *
 *     film *f = film_new("./fact 4", NULL, FILM_LINES, 0);
 *     film_add(f, &step);                  // once per step
 *     film_write(f, "fact.html");          // temp file + rename
 *     film_free(f);
 */
#ifndef STACKLAB_CLI_FILM_WRITE_H
#define STACKLAB_CLI_FILM_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "stacklab/frames.h"

typedef enum { FILM_LINES, FILM_INSTRUCTIONS } film_mode;

/* A function that returned since the previous step, and what it left in rax. */
typedef struct film_return {
    const char *function;
    uint64_t rax;
} film_return;

typedef struct film_step {
    const sl_stack *stack;      /* captured and symbolized */
    int first, last;            /* frames shown: innermost .. outermost (e.g. main) */
    int line;                   /* the step's source line (frame first), 0: its frame's */
    uintptr_t rip, rsp, rbp;
    const char *insn;           /* instruction steps: the instruction at rip, or NULL */
    const char *note;           /* something to say about this step (a crash), or NULL */
    const film_return *returns; /* since the previous step, innermost first */
    int return_count;
    const char *out;            /* what the program wrote since the previous step */
    size_t out_len;
} film_step;

typedef struct film film;

/* A new, empty film of command (shown as the page's heading).  stable: the
 * page shows CFA offsets first.  NULL when out of memory. */
film *film_new(const char *command, const char *title, film_mode mode, int stable);

/* A directory where source files named by a relative path may be (a compile
 * unit's DW_AT_comp_dir: the compiler wrote the name it was given).  Tried
 * after the current directory, in the order given. */
void film_source_dir(film *f, const char *dir);

/* Appends one step.  Returns 0, or -1 when out of memory. */
int film_add(film *f, const film_step *st);

/* The number of steps added so far. */
int film_steps(const film *f);

/* What the page says at the end: that the film was cut at --max-steps, how
 * the program ended ("exited with status 0"), how many start-up frames above
 * the outermost shown were left out (negative: leave it as it is). */
void film_set_end(film *f, int cut, const char *ending, int hidden_frames);

/* Writes the page to path through a temporary file in the same directory, so
 * no half-written page is ever left.  Returns 0, or -1 with errno set. */
int film_write(film *f, const char *path);

void film_free(film *f);

/* The page template (film_page.html), built into the program by
 * film_page.S; NUL-terminated. */
extern const char film_page_html[];

#endif
