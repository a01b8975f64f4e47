/*
 * variables_fixture.h: the types and hook shared by the variables suite and
 * its fixture (tests/fixtures/variables_body.c, built at several
 * optimization levels and DWARF versions: the levels below).
 */
#ifndef SL_VARIABLES_FIXTURE_H
#define SL_VARIABLES_FIXTURE_H

struct fx_point { int x, y; };
union fx_number { int i; float f; };
enum fx_color { FX_RED, FX_GREEN = 5, FX_BLUE };
struct fx_node { int value; struct fx_node *next; };

/* Where the fixture's locals are (at -O0: taking an address at -O2 would
 * keep the variable in memory and spoil the test). */
struct fx_locals {
    void *n, *buf, *arr, *x_inner, *inner, *calls, *p;
};

/* Called from the fixture's innermost block; set by the test. */
extern void (*variables_fixture_hook)(const struct fx_locals *where);

/* The fixture's entry points at one level L (a function name's suffix). */
#define FX_LEVEL(L)                                                                  \
    int leaf_##L(int, const char *, struct fx_point, double, char, void (*)(void),  \
                 struct fx_node *);                                                  \
    int mid_##L(int, struct fx_node *);                                              \
    int recurse_##L(int);                                                            \
    int outer_##L(int);                                                              \
    void target_fn_##L(void);

/* -O0, -Og and -O2, each in DWARF 5 (the compilers' default) and DWARF 4. */
FX_LEVEL(O0) FX_LEVEL(Og) FX_LEVEL(O2)
FX_LEVEL(O0_d4) FX_LEVEL(Og_d4) FX_LEVEL(O2_d4)

#endif
