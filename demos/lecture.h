/*
 * lecture.h: the scaffolding every demo shares, so that each demo's own file
 * is nothing but its lecture script.
 *
 * A demo reads like this:
 *
 *     int main(int argc, char **argv)
 *     {
 *         lecture_begin(argc, argv, "recursion",
 *                       "Each call gets a frame; deep recursion runs out of stack.",
 *                       "Diagrams:\n  recursion.svg   the stack at the deepest call\n");
 *         lecture_step("Factorial to depth %d", n);
 *         lecture_say("frame of fact(%d) starts at %s", n, lecture_addr(p));
 *         ...
 *         return lecture_end();
 *     }
 *
 * Options every demo understands (lecture_begin handles them):
 *   --help           usage, what the demo shows and which diagrams it writes
 *   --step           pause for Enter before each step (only when stdin is a terminal)
 *   --no-color       plain text (colour is also off when stdout is not a
 *                    terminal, or when NO_COLOR is set)
 *   --diagrams DIR   where diagrams go (default "diagrams", created if missing)
 *   --stable         ASLR off (the demo re-executes itself once with
 *                    personality(ADDR_NO_RANDOMIZE)) and addresses printed as
 *                    offsets where the demo can, so a run matches the slides
 *
 * Output is kept inside 100 columns: lecture_say wraps long lines.
 */
#ifndef LECTURE_H
#define LECTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Parses the common options; prints usage and exits for --help (status 0) or
 * a bad option (status 2).  name: the demo's name; summary: one line; help:
 * a few lines listing the diagrams it writes (may be NULL).  Prints the
 * demo's title.  Under --stable it may re-execute the program first. */
void lecture_begin(int argc, char **argv, const char *name, const char *summary,
                   const char *help);

/* A numbered headline ("3. What the handler saves"); under --step, waits for
 * Enter first. */
void lecture_step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One indented line of explanation (wrapped at 100 columns). */
void lecture_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An indented line printed as is, dimmed: code, or a table row. */
void lecture_code(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reports that something really failed: printed in red; lecture_end then
 * returns 1. */
void lecture_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Lists the diagrams written and returns main's exit status (0, or 1 after a
 * lecture_fail). */
int lecture_end(void);

/* Colour helpers: each returns text wrapped in the colour's escape codes
 * (or the text alone without colour).  The result lives in one of 16
 * rotating buffers of 512 bytes, so several fit in one lecture_say. */
const char *lecture_em(const char *text);      /* bold: the word that matters */
const char *lecture_good(const char *text);    /* green: what went right */
const char *lecture_bad(const char *text);     /* red: a fault, a wrong value */
const char *lecture_note(const char *text);    /* cyan: names, registers */
const char *lecture_dim(const char *text);     /* grey: asides */

/* An address as "0x7ffd5c3e1a40" (in a rotating buffer, as above). */
const char *lecture_addr(const void *p);

/* A signed distance in bytes as "+0x40" or "-0x1a0" (rotating buffer). */
const char *lecture_offset(intptr_t bytes);

/* Whether --stable was given: the demo should prefer offsets to addresses
 * (and relative addresses in its stack diagrams). */
bool lecture_stable(void);

/* Whether stdin is a terminal (someone may be watching live). */
bool lecture_interactive(void);

/* The program's path as given in argv[0] (to re-run itself). */
const char *lecture_program(void);

/* "DIR/file": where to write a diagram file (valid until lecture_end). */
const char *lecture_diagram_path(const char *file);

/* Opens DIR/name.dot for writing a diagram (name without extension); NULL
 * after reporting the error. */
FILE *lecture_diagram_open(const char *name);

/* Closes a file from lecture_diagram_open and renders it to DIR/name.svg
 * with Graphviz.  Returns 0, or -1 after reporting the error. */
int lecture_diagram_close(FILE *dot);

/* Renders DIR/name.dot, already written (e.g. by sl_diagram_here), to
 * DIR/name.svg.  Returns 0, or -1 after reporting the error. */
int lecture_diagram_render(const char *name);

/* Draws the calling thread's stack, from the function that calls this one
 * up to main, into DIR/name.svg (and name.dot), with sl_diagram_here. */
void lecture_draw_stack(const char *name, const char *title, const char *highlight);

#endif
