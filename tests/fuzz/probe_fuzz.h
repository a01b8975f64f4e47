/*
 * probe_fuzz.h: what the generated cases (probe_fuzz_gen's output) call in
 * the driver, probe_fuzz.c.
 */
#ifndef SL_PROBE_FUZZ_H
#define SL_PROBE_FUZZ_H

#include <stddef.h>
#include <stacklab/abi.h>

/* Fills n bytes at p with bytes no other argument has. */
void fz_fill(void *p, size_t n);
/* A long double that is a value (random bytes may not be one). */
long double fz_real(void);
/* The same for both halves of a long double _Complex. */
void fz_complex(long double _Complex *z);
/* Checks where the last probe found each of args[0..n) (args[fixed..n)
 * passed through "...") against the classifier's prediction. */
void fz_check(int k, const char *proto, const sl_probe_arg *args, int n, int fixed);

extern void (*const fz_cases[])(void);
extern const int fz_ncases;
extern const int fz_by_clang;           /* __clang_major__ of the cases' compiler, or 0 */

#endif
