/*
 * factorial.c: the subject of the factorial film (`make film`).
 *
 *     stacklab film -o factorial.html -- factorial 4
 *
 * One frame per call: watch the stack grow four frames deep, then each
 * frame hand its result back in rax as it is popped.  Built -O0 -g: every
 * line is a step and n lives in every frame.
 */
#include <stdio.h>
#include <stdlib.h>

int factorial(int n)
{
    if (n <= 1)
        return 1;
    return n * factorial(n - 1);
}

int main(int argc, char *argv[])
{
    int n = argc > 1 ? atoi(argv[1]) : 4;
    int result = factorial(n);
    printf("factorial(%d) = %d\n", n, result);
    return 0;
}
