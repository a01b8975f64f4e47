/*
 * bench_dot.c: writing a 10,000-frame stack diagram with sl_stack_write_dot
 * against a baseline that prints the same rows (address and role of every
 * slot, one line each) with plain fprintf.  Both write to /dev/null, so
 * only formatting and escaping are measured.  The DOT writer escapes every
 * name and emits HTML-like markup, so some multiple of the baseline is
 * expected; what matters is that it stays linear and well under a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stacklab/dot.h>
#include "bench.h"

#define FRAMES 10000

static sl_stack stack;
static FILE *devnull;

static void make_stack(void)
{
    static const char *const names[] = { "fact", "std::map<int, char>::operator[]", "walk" };

    if (stack.frames)
        return;
    devnull = fopen("/dev/null", "w");
    stack.frames = calloc(FRAMES, sizeof *stack.frames);
    stack.count = stack.capacity = FRAMES;
    stack.walker = SL_WALK_CFI;
    for (int i = 0; i < FRAMES; i++) {
        sl_frame *f = &stack.frames[i];
        uintptr_t cfa = 0x7ffc00100000 + (uintptr_t)i * 96;
        f->cfa = cfa;
        f->sp = cfa - 96;
        f->fp = cfa - 16;
        f->pc = 0x401000 + (uintptr_t)i;
        f->return_address_slot = cfa - 8;
        f->saved_fp_slot = cfa - 16;
        f->saved[0] = (sl_saved_reg){ "rbx", cfa - 24 };
        f->saved_count = 1;
        f->canary_slot = cfa - 32;
        f->flags = SL_FRAME_CANARY;
        f->function = names[i % 3];
        f->offset = 0x1c;
        f->file = "lecture/recursion.c";
        f->line = 40 + i % 7;
        f->module = "/usr/bin/stacklab-recursion";
    }
}

BENCH(rows_fprintf, NULL, 0, 2, "baseline: fprintf of the same rows, 10,000 frames")
{
    make_stack();
    for (long it = 0; it < iterations; it++) {
        for (int i = FRAMES - 1; i >= 0; i--) {
            const sl_frame *f = &stack.frames[i];
            const sl_frame *caller = i + 1 < FRAMES ? &stack.frames[i + 1] : f;
            fprintf(devnull, "#%d %s+0x%lx %s:%d %s\n", i, f->function,
                    (unsigned long)f->offset, f->file, f->line, f->module);
            fprintf(devnull, "0x%lx incoming stack args\n", (unsigned long)f->cfa);
            fprintf(devnull, "0x%lx return address -> %s+0x%lx %s:%d\n",
                    (unsigned long)f->return_address_slot, caller->function,
                    (unsigned long)caller->offset, caller->file, caller->line);
            fprintf(devnull, "0x%lx saved rbp\n", (unsigned long)f->saved_fp_slot);
            fprintf(devnull, "0x%lx saved %s\n", (unsigned long)f->saved[0].slot,
                    f->saved[0].name);
            fprintf(devnull, "0x%lx canary\n", (unsigned long)f->canary_slot);
            fprintf(devnull, "0x%lx locals %lu\n", (unsigned long)f->sp,
                    (unsigned long)(f->canary_slot - f->sp));
        }
        fflush(devnull);
    }
}

BENCH(write_dot_10000, "rows_fprintf", 2.0, 2,
      "sl_stack_write_dot, 10,000 frames, every slot (lib/dot.c)")
{
    make_stack();
    for (long it = 0; it < iterations; it++)
        if (sl_stack_write_dot(&stack, devnull, NULL) != 0)
            abort();
}
