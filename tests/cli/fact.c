/* fact.c: recursion, for `stacklab snap --at factorial:4 -- fact 5`.
 * Built at -O0 and -O2.  At -O2 gcc turns n * factorial(n - 1) into a loop
 * and inlines the recursion into itself; the volatile read after the call
 * and noinline keep one real frame per call (the test is where frames are,
 * not what the optimizer does). */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int factorial(int n)
{
    volatile int keep = n;
    if (n <= 1)
        return 1;
    return factorial(n - 1) * keep;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 5;
    printf("%d! = %d\n", n, factorial(n));
    return 0;
}
