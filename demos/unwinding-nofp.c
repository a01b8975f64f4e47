/*
 * unwinding-nofp.c: the part of the unwinding demo built with
 * -fomit-frame-pointer (see the Makefile), as release builds of many
 * libraries are.  These functions never set up rbp: a frame-pointer walk
 * cannot see their frames, while their DWARF CFI still describes them.
 */

/* Two plain functions: rbp passes through them untouched. */
__attribute__((noinline))
long un_nofp_inner(long (*bottom)(long), long x)
{
    return bottom(x + 1) + 1;           /* "+ 1" keeps the call from being a tail call */
}

__attribute__((noinline))
long un_nofp_outer(long (*bottom)(long), long x)
{
    return un_nofp_inner(bottom, x + 1) + 1;
}

/* Seven values that must survive the call: more than the other five
 * callee-saved registers hold, so the compiler also uses rbp, as an ordinary
 * register.  (Volatile reads cannot be moved after the call.) */
volatile long un_seeds[7] = { 1, 2, 3, 4, 5, 6, 7 };

__attribute__((noinline))
long un_nofp_busy(long (*bottom)(long), long x)
{
    long a = un_seeds[0], b = un_seeds[1], c = un_seeds[2], d = un_seeds[3];
    long e = un_seeds[4], f = un_seeds[5], g = un_seeds[6];
    long r = bottom(x);
    return r + a * b + c * d + e * f + g * (a + b + c + d + e + f);
}
