/* The variables fixture at -O2 (see the Makefile): locals in registers,
 * computed, or gone; nothing shown may be wrong. */
#define FX(name) name##_O2
#define FX_ADDRESSES(...) 0
#define FX_UNUSED(x) (void)(x)
#include "fixtures/variables_body.c"
