/* The variables fixture at -O0 (see the Makefile): every local in memory. */
#define FX(name) name##_O0
#define FX_ADDRESSES(...) __VA_ARGS__
#include "fixtures/variables_body.c"
