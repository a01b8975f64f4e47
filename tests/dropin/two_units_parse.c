/* The second file of the two-file drop-in test: declarations only. */
#include "stacklab_except.h"
#include "two_units.h"

int parse_digits(const char *s)
{
    int n = 0;

    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            SL_THROW(ParseError, "'%c' is not a digit", *s);
        n = n * 10 + (*s - '0');
    }
    return n;
}
