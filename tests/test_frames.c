/* test_frames.c: the frames suite (being written). */
#include "harness.h"

void suite_frames(void)
{
    CU_add_suite("frames", NULL, NULL);
}
