/*
 * variables_fixture.h: the types and hook shared by the variables suite and
 * its fixture (tests/fixtures/variables_body.c, built at -O0 and -O2).
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

int leaf_O0(int, const char *, struct fx_point, double, char, void (*)(void), struct fx_node *);
int mid_O0(int, struct fx_node *);
int recurse_O0(int);
void target_fn_O0(void);
int mid_O2(int, struct fx_node *);
int recurse_O2(int);

#endif
