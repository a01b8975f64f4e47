/*
 * recursion.c: the subject of `make bench`'s film case: a small recursion
 * at -O0, called 100 times, so that 1000 line steps stay in the program's
 * own code (stepped into sum and back, a few frames deep).
 */
#include <stdio.h>

long sum(long n)
{
    if (n == 0)
        return 0;
    long rest = sum(n - 1);
    return n + rest;
}

int main(void)
{
    long total = 0;
    for (int i = 0; i < 100; i++)
        total += sum(8);
    printf("%ld\n", total);
    return 0;
}
