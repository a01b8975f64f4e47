/*
 * two_units_main.c and two_units_parse.c: the drop-in as a project uses it,
 * from two files, compiled as strict C11 (-std=c11 -pedantic -Werror).
 * This one holds the implementation; both declare and use the same type.
 */
#define STACKLAB_EXCEPT_IMPLEMENTATION
#include "stacklab_except.h"
#include "two_units.h"

#include <stdlib.h>

SL_DEFINE_EXCEPTION(ParseError, SL_RuntimeError, "parse error");

static void count(void *arg)
{
    ++*(int *)arg;
}

int main(void)
{
    volatile int digits = 0, caught = 0, finally = 0, faults = 0;
    int cleanups = 0;

    SL_TRY {
        sl_defer(count, &cleanups);
        digits = parse_digits("12x");
    } SL_CATCH(ParseError, e) {
        caught = e->line > 0 && sl_exception_is(e, &SL_RuntimeError);
    } SL_FINALLY {
        finally = 1;
    } SL_END_TRY;

    if (sl_trap_signals() != SL_TRAP_OK)
        return 2;
    for (int i = 0; i < 3; i++) {
        SL_TRY {
            volatile int *p = NULL;
            *p = i;
        } SL_CATCH(SL_SegmentationFault, e) {
            faults += e->signal_number != 0;
        } SL_END_TRY;
    }
    printf("digits %d, caught %d, finally %d, cleanups %d, faults %d\n",
           digits, caught, finally, cleanups, faults);
    return !(digits == 0 && caught && finally && cleanups == 1 && faults == 3);
}
