/* The variables fixture at -Og (see the Makefile): optimized for debugging,
 * yet locals move to registers and some are gone. */
#define FX(name) name##_Og
#define FX_ADDRESSES(...) 0
#include "fixtures/variables_body.c"
