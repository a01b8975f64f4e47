/*
 * CUnit/CUnit.h: a stand-in for the part of CUnit 2.1 that stacklab's
 * suites use, for architectures Debian has no libcunit for (riscv64).
 * Written here from CUnit's documented interface; the suites compile
 * unchanged against either.  The Makefile puts tests/cunit/ on the include
 * path only where libcunit is missing.
 */
#ifndef SL_CUNIT_LITE_H
#define SL_CUNIT_LITE_H

typedef int CU_BOOL;
#define CU_TRUE  1
#define CU_FALSE 0

typedef enum { CUE_SUCCESS = 0, CUE_NOMEMORY = 1, CUE_NOREGISTRY = 10 } CU_ErrorCode;

typedef void (*CU_TestFunc)(void);
typedef int (*CU_InitializeFunc)(void);
typedef int (*CU_CleanupFunc)(void);
typedef struct CU_Suite *CU_pSuite;
typedef struct CU_Test *CU_pTest;

CU_ErrorCode CU_initialize_registry(void);
void CU_cleanup_registry(void);
CU_ErrorCode CU_get_error(void);
const char *CU_get_error_msg(void);
CU_pSuite CU_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc clean);
CU_pTest CU_add_test(CU_pSuite suite, const char *name, CU_TestFunc fn);
unsigned CU_get_number_of_tests_failed(void);
unsigned CU_get_number_of_failures(void);

/* Records one assertion; a failed fatal one ends the test at once. */
CU_BOOL CU_assertImplementation(CU_BOOL value, unsigned line, const char *condition,
                                const char *file, const char *function, CU_BOOL fatal);

#define CU__A(v, text, fatal) { \
    CU_assertImplementation((v) ? CU_TRUE : CU_FALSE, __LINE__, text, __FILE__, __func__, fatal); }

#define CU_PASS(msg)                  CU__A(1, "CU_PASS(" #msg ")", CU_FALSE)
#define CU_FAIL(msg)                  CU__A(0, "CU_FAIL(" #msg ")", CU_FALSE)
#define CU_ASSERT(v)                  CU__A(v, #v, CU_FALSE)
#define CU_ASSERT_FATAL(v)            CU__A(v, #v, CU_TRUE)
#define CU_ASSERT_TRUE(v)             CU__A(v, "CU_ASSERT_TRUE(" #v ")", CU_FALSE)
#define CU_ASSERT_TRUE_FATAL(v)       CU__A(v, "CU_ASSERT_TRUE_FATAL(" #v ")", CU_TRUE)
#define CU_ASSERT_FALSE(v)            CU__A(!(v), "CU_ASSERT_FALSE(" #v ")", CU_FALSE)
#define CU_ASSERT_EQUAL(a, b)         CU__A((a) == (b), "CU_ASSERT_EQUAL(" #a "," #b ")", CU_FALSE)
#define CU_ASSERT_EQUAL_FATAL(a, b)   CU__A((a) == (b), "CU_ASSERT_EQUAL_FATAL(" #a "," #b ")", CU_TRUE)
#define CU_ASSERT_NOT_EQUAL(a, b)     CU__A((a) != (b), "CU_ASSERT_NOT_EQUAL(" #a "," #b ")", CU_FALSE)
#define CU_ASSERT_NOT_EQUAL_FATAL(a, b) \
    CU__A((a) != (b), "CU_ASSERT_NOT_EQUAL_FATAL(" #a "," #b ")", CU_TRUE)
#define CU_ASSERT_PTR_EQUAL(a, b) \
    CU__A((const void *)(a) == (const void *)(b), "CU_ASSERT_PTR_EQUAL(" #a "," #b ")", CU_FALSE)
#define CU_ASSERT_PTR_NULL(p)         CU__A((p) == NULL, "CU_ASSERT_PTR_NULL(" #p ")", CU_FALSE)
#define CU_ASSERT_PTR_NOT_NULL(p)     CU__A((p) != NULL, "CU_ASSERT_PTR_NOT_NULL(" #p ")", CU_FALSE)
#define CU_ASSERT_PTR_NOT_NULL_FATAL(p) \
    CU__A((p) != NULL, "CU_ASSERT_PTR_NOT_NULL_FATAL(" #p ")", CU_TRUE)
#define CU_ASSERT_STRING_EQUAL(a, b) \
    CU__A(!strcmp((const char *)(a), (const char *)(b)), \
          "CU_ASSERT_STRING_EQUAL(" #a "," #b ")", CU_FALSE)

#include <stddef.h>
#include <string.h>

#endif
