/* test_memmap.c: the memmap suite (being written). */
#include "harness.h"

void suite_memmap(void)
{
    CU_add_suite("memmap", NULL, NULL);
}
