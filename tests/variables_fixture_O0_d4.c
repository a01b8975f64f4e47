/* The variables fixture at -O0 in DWARF 4 (see the Makefile). */
#define FX(name) name##_O0_d4
#define FX_ADDRESSES(...) __VA_ARGS__
#include "fixtures/variables_body.c"
