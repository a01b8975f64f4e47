/*
 * except_shadow.c: TRYs nested in one function, every clause holding
 * another TRY, built with -Wshadow -Werror (see the Makefile): the macros'
 * own names must keep warning-free code warning-free.  The except suite
 * runs it and checks the order.
 */
#include <stdio.h>
#include <string.h>

#include <stacklab/except.h>

int except_nested_in_every_clause(char *log, size_t size);

int except_nested_in_every_clause(char *log, size_t size)
{
    volatile int steps = 0;

    log[0] = '\0';
    SL_TRY {
        SL_TRY {
            SL_THROW(SL_IOError, "inner");
        } SL_CATCH(SL_IOError, e) {
            strncat(log, "c1 ", size - strlen(log) - 1);
            SL_TRY {
                SL_THROW(SL_RuntimeError, "in a catch");
            } SL_CATCH_ANY(e2) {
                strncat(log, "c2 ", size - strlen(log) - 1);
            } SL_END_TRY;
            steps++;
        } SL_FINALLY {
            SL_TRY {
                SL_THROW(SL_OutOfMemory);
            } SL_CATCH(SL_OutOfMemory, e3) {
                strncat(log, "c3 ", size - strlen(log) - 1);
            } SL_FINALLY {
                strncat(log, "f3 ", size - strlen(log) - 1);
            } SL_END_TRY;
            steps++;
        } SL_END_TRY;
        SL_THROW(SL_InvalidArgument, "outer %d", steps);
    } SL_CATCH(SL_InvalidArgument, e) {
        strncat(log, e->message, size - strlen(log) - 1);
        steps++;
    } SL_END_TRY;
    return steps;
}
