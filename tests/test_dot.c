/* test_dot.c: the dot suite (being written). */
#include "harness.h"

void suite_dot(void)
{
    CU_add_suite("dot", NULL, NULL);
}
