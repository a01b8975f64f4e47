/* reads.c: sums numbers from stdin; stopped in add() at the third one. */
#include <stdio.h>

long add(long total, long x)
{
    return total + x;
}

int main(void)
{
    long x, total = 0;
    while (scanf("%ld", &x) == 1)
        total = add(total, x);
    printf("total %ld\n", total);
    return total == 10 ? 0 : 1;
}
