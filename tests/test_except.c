/* test_except.c: the except suite (being written). */
#include "harness.h"

void suite_except(void)
{
    CU_add_suite("except", NULL, NULL);
}
