/* loop.c: a line inside a loop, reached once per pass; f called many times. */
#include <stdio.h>

int f(int i)
{
    return i & 1;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? 20000 : 10, sum = 0;
    (void)argv;
    for (long i = 0; i < n; i++) {
        sum += f((int)i);
        sum += i;   /* LOOP-LINE */
    }
    printf("%ld\n", sum);
    return 0;
}
