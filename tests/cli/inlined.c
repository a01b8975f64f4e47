/* inlined.c: at -O2 square() has no out-of-line copy (every call inlined). */
#include <stdio.h>
#include <stdlib.h>

static int square(int x)
{
    return x * x;
}

int main(int argc, char **argv)
{
    (void)argv;
    printf("%d\n", square(argc + 2));
    return 0;
}
