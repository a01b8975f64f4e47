/*
 * except_refused.c: mistakes the compiler must refuse.  The except suite
 * compiles this file once per case (-DREFUSE=n) and expects an error with
 * the message named in the test.
 */
#include <stacklab/except.h>

#if REFUSE == 1             /* a CATCH after the FINALLY would never run */
void f(void);
void f(void)
{
    SL_TRY {
    } SL_FINALLY {
    } SL_CATCH_ANY(e) {
    } SL_END_TRY;
}
#elif REFUSE == 2           /* the exception type forgotten */
void f(void);
void f(void)
{
    SL_THROW("disk full");
}
#elif REFUSE == 3           /* the type forgotten, with arguments */
void f(int n);
void f(int n)
{
    SL_THROW("disk %d full", n);
}
#elif REFUSE == 4           /* a type that is its own parent */
SL_DEFINE_EXCEPTION(LexError, LexError, "lexing failed");
#elif REFUSE == 5           /* not a type in a CATCH */
void f(void);
void f(void)
{
    SL_TRY {
    } SL_CATCH("disk full", e) {
    } SL_END_TRY;
}
#else                       /* the control: what compiles */
SL_DEFINE_EXCEPTION(LexError, SL_RuntimeError, "lexing failed");
void f(int n);
void f(int n)
{
    SL_TRY {
        SL_THROW(LexError, "%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d "
                 "%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d", n, n, n, n, n, n, n, n, n,
                 n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n);
    } SL_CATCH(LexError, e) {
    } SL_FINALLY {
    } SL_END_TRY;
}
#endif
