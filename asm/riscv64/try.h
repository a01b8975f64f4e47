/*
 * try.h: the layouts sl__try_enter (context.S) reaches into.  They are C
 * structs (except.h) of pointers and ints, so every LP64 architecture lays
 * them out alike: one header, asm/x86_64/try.h, holds the numbers and the
 * picture; lib/except.c checks them with _Static_assert on each build.
 */
#ifndef SL_ARCH_TRY_H_RISCV64
#define SL_ARCH_TRY_H_RISCV64
#include "../x86_64/try.h"
#endif
