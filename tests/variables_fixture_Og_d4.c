/* The variables fixture at -Og in DWARF 4 (see the Makefile). */
#define FX(name) name##_Og_d4
#define FX_ADDRESSES(...) 0
#include "fixtures/variables_body.c"
