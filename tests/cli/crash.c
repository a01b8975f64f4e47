/* crash.c: the ways a student's program dies.  crash null|abort|div|overflow|ok */
#include <assert.h>
#include <stdio.h>
#include <string.h>

struct node {
    int value;
    struct node *next;
};

int sum_list(const struct node *n)
{
    int total = 0;
    for (; n; n = n->next->next)        /* the bug: skips a node, runs off the end */
        total += n->value;
    return total;
}

int divide(int a, int b)
{
    return a / b;
}

int check_positive(int x)
{
    assert(x > 0);
    return x;
}

int deep(int n)
{
    volatile char pad[64];
    pad[0] = (char)n;
    if (pad[0] == 1 && n < 0)           /* never: only so compilers see an end */
        return 0;
    return deep(n + 1) + pad[0];
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "null";
    struct node c = { 3, NULL }, b = { 2, &c }, a = { 1, &b };
    volatile int zero = 0;
    if (strcmp(what, "null") == 0)
        printf("%d\n", sum_list(&a));
    else if (strcmp(what, "abort") == 0)
        printf("%d\n", check_positive(-1));
    else if (strcmp(what, "div") == 0)
        printf("%d\n", divide(1, zero));
    else if (strcmp(what, "overflow") == 0)
        printf("%d\n", deep(0));
    else
        printf("ok\n");
    return 0;
}
