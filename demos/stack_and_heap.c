/*
 * stack_and_heap.c: what lives on the stack and what lives on the heap.
 *
 * The lecture (the memory-management notes this project grew from): a
 * function's locals live in its frame and die with it; swap(&a, &b) gets
 * pointers into its caller's frame, so it can change the caller's
 * variables; memory from malloc lives on the heap until freed, and a linked
 * list is a chain of heap blocks that only pointers hold together.  The
 * diagram shows each variable in its slot, arrows from pointers to the
 * slots they point at, and the list as boxes in the heap ending in NULL.
 */
#include <stdlib.h>

#include "stacklab/dot.h"
#include "stacklab/frames.h"
#include "lecture.h"

struct node {
    int value;
    struct node *next;
};

static int drew;

/* Draws the stack from here up (this frame left out). */
__attribute__((noinline))
static void draw(const char *name, const char *title)
{
    sl_dot_options o = SL_DOT_DEFAULTS;
    char file[64];
    snprintf(file, sizeof file, "%s.dot", name);
    o.title = title;
    o.relative = lecture_stable();
    o.skip_frames = 1;
    o.highlight = "swap";
    if (sl_diagram_here(lecture_diagram_path(file), &o) == 0)
        drew++;
    else
        lecture_fail("sl_diagram_here: %s", sl_dot_last_error());
}

/* The .svg of each diagram drawn (rendering runs dot: after the frames are
 * gone). */
static void render(void)
{
    lecture_diagram_render("stack_and_heap-swap");
    lecture_diagram_render("stack_and_heap-list");
}

/* x and y point into the caller's frame: *x is the caller's a. */
__attribute__((noinline))
static void swap(int *x, int *y)
{
    int tmp = *x;
    *x = *y;
    *y = tmp;
    draw("stack_and_heap-swap", "swap(&a, &b): x and y point into main's frame");
    __asm__ volatile("" ::: "memory");
}

/* Builds a list of n nodes on the heap: 1 -> 2 -> ... -> n -> NULL. */
__attribute__((noinline))
static struct node *make_list(int n)
{
    struct node *head = NULL;
    for (int i = n; i >= 1; i--) {
        struct node *fresh = malloc(sizeof *fresh);
        if (!fresh)
            abort();
        fresh->value = i;
        fresh->next = head;
        head = fresh;
    }
    return head;
}

__attribute__((noinline))
static int sum_list(const struct node *list)
{
    int sum = 0;
    for (const struct node *p = list; p; p = p->next)
        sum += p->value;
    draw("stack_and_heap-list", "a linked list: the stack holds one pointer, the heap the nodes");
    __asm__ volatile("" ::: "memory");
    return sum;
}

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "stack_and_heap",
                  "Locals live in frames; malloc'd memory lives on the heap.",
                  "Diagrams:\n"
                  "  stack_and_heap-swap.svg   swap(&a, &b): pointers into the caller's frame\n"
                  "  stack_and_heap-list.svg   a linked list: one pointer on the stack, nodes on the heap\n");

    lecture_step("Locals are slots in a frame");
    int a = 1, b = 2;
    if (lecture_stable())
        lecture_say("main's a and b live in main's frame, %s bytes apart.",
                    lecture_offset((intptr_t)((char *)&b - (char *)&a)));
    else
        lecture_say("main's a and b live in main's frame, at %s and %s.", lecture_addr(&a),
                    lecture_addr(&b));

    lecture_step("swap(&a, &b): pointers into the caller's frame");
    swap(&a, &b);
    lecture_say("After swap: a = %d, b = %d. swap changed main's variables through x and y.",
                a, b);

    lecture_step("A linked list on the heap");
    struct node *list = make_list(3);
    int sum = sum_list(list);
    if (lecture_stable())       /* heap addresses vary with malloc's history */
        lecture_say("The list 1 -> 2 -> 3 sums to %d. Its nodes are heap blocks;", sum);
    else
        lecture_say("The list 1 -> 2 -> 3 sums to %d. Its nodes are heap blocks (%s ...);",
                    sum, lecture_addr(list));
    lecture_say("only the pointer %s is on the stack. When main returns, the pointer",
                lecture_note("list"));
    lecture_say("is gone, the blocks are not: free them, or they leak.");
    while (list) {
        struct node *next = list->next;
        free(list);
        list = next;
    }
    if (drew != 2)
        lecture_fail("expected 2 diagrams, drew %d", drew);
    else
        render();
    return lecture_end();
}
