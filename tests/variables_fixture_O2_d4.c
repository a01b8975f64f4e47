/* The variables fixture at -O2 in DWARF 4 (see the Makefile): location
 * lists in .debug_loc, GNU entry values and call sites. */
#define FX(name) name##_O2_d4
#define FX_ADDRESSES(...) 0
#include "fixtures/variables_body.c"
