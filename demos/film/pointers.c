/*
 * pointers.c: the subject of the pointers film (`make film`).
 *
 *     stacklab film --stable -o pointers.html -- pointers
 *
 * A list of three nodes built on the heap, then summed by a function that
 * gets the list and a counter by reference: watch the boxes appear outside
 * the stack as malloc returns them, the arrows from list and n follow the
 * next pointers, and count in sum point back into main's frame.  With
 * `pointers N` the list is then walked recursively N more times (the tests
 * film 1000 steps of it).
 */
#include <stdio.h>
#include <stdlib.h>

struct node {
    int value;
    struct node *next;
};

static int sum(const struct node *list, int *count)
{
    int total = 0;
    for (const struct node *n = list; n; n = n->next) {
        total += n->value;
        ++*count;
    }
    return total;
}

static int length(const struct node *n)
{
    if (!n)
        return 0;
    return 1 + length(n->next);
}

int main(int argc, char **argv)
{
    struct node *list = NULL;
    for (int i = 1; i <= 3; i++) {
        struct node *n = malloc(sizeof *n);
        n->value = 10 * i;
        n->next = list;
        list = n;
    }
    int count = 0;
    int total = sum(list, &count);
    printf("%d in %d nodes\n", total, count);
    int rounds = argc > 1 ? atoi(argv[1]) : 0;
    long walked = 0;
    for (int r = 0; r < rounds; r++)
        walked += length(list);
    if (rounds)
        printf("%ld nodes walked\n", walked);
    return 0;
}
