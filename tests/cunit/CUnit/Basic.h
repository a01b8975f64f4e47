/*
 * CUnit/Basic.h: the stand-in's run interface (see CUnit.h): run every
 * registered suite, verbose, and print CUnit's summary table.
 */
#ifndef SL_CUNIT_LITE_BASIC_H
#define SL_CUNIT_LITE_BASIC_H

#include "CUnit.h"

typedef enum { CU_BRM_NORMAL, CU_BRM_SILENT, CU_BRM_VERBOSE } CU_BasicRunMode;

void CU_basic_set_mode(CU_BasicRunMode mode);
CU_ErrorCode CU_basic_run_tests(void);

#endif
