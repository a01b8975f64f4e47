/*
 * cunit_lite.c: the stand-in for CUnit's registry and basic runner (see
 * CUnit/CUnit.h), used only where Debian has no libcunit (riscv64).
 *
 * A failed fatal assertion ends its test through longjmp back into the
 * runner, as CUnit does; the suites never keep state across that jump.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CUnit/Basic.h"

struct CU_Test {
    const char *name;
    CU_TestFunc fn;
    struct CU_Test *next;
};

struct CU_Suite {
    const char *name;
    CU_InitializeFunc init;
    CU_CleanupFunc clean;
    struct CU_Test *tests, **tail;
    struct CU_Suite *next;
};

static struct CU_Suite *suites, **suites_tail = &suites;
static unsigned tests_run, tests_failed, asserts, failures;
static int test_failed_now;
static jmp_buf fatal_jump;
static int in_test;
static CU_ErrorCode error;

CU_ErrorCode CU_initialize_registry(void)
{
    suites = NULL;
    suites_tail = &suites;
    return error = CUE_SUCCESS;
}

void CU_cleanup_registry(void)
{
    while (suites) {
        struct CU_Suite *s = suites;
        suites = s->next;
        while (s->tests) {
            struct CU_Test *t = s->tests;
            s->tests = t->next;
            free(t);
        }
        free(s);
    }
    suites_tail = &suites;
}

CU_ErrorCode CU_get_error(void)
{
    return error;
}

const char *CU_get_error_msg(void)
{
    return error == CUE_SUCCESS ? "no error" : "out of memory";
}

CU_pSuite CU_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc clean)
{
    struct CU_Suite *s = calloc(1, sizeof *s);

    if (!s) {
        error = CUE_NOMEMORY;
        return NULL;
    }
    s->name = name;
    s->init = init;
    s->clean = clean;
    s->tail = &s->tests;
    *suites_tail = s;
    suites_tail = &s->next;
    return s;
}

CU_pTest CU_add_test(CU_pSuite suite, const char *name, CU_TestFunc fn)
{
    struct CU_Test *t = suite ? calloc(1, sizeof *t) : NULL;

    if (!t) {
        error = CUE_NOMEMORY;
        return NULL;
    }
    t->name = name;
    t->fn = fn;
    *suite->tail = t;
    suite->tail = &t->next;
    return t;
}

CU_BOOL CU_assertImplementation(CU_BOOL value, unsigned line, const char *condition,
                                const char *file, const char *function, CU_BOOL fatal)
{
    (void)function;
    asserts++;
    if (value)
        return CU_TRUE;
    failures++;
    if (!test_failed_now)
        printf("FAILED\n");
    test_failed_now++;
    printf("    %d. %s:%u  - %s\n", test_failed_now, file, line, condition);
    if (fatal && in_test)
        longjmp(fatal_jump, 1);
    return CU_FALSE;
}

unsigned CU_get_number_of_tests_failed(void)
{
    return tests_failed;
}

unsigned CU_get_number_of_failures(void)
{
    return failures;
}

/* Runs one test; a failed fatal assertion jumps back here.  A function of
 * its own, so that the jump clobbers no caller's variable. */
static void run_one(CU_TestFunc fn)
{
    in_test = 1;
    if (setjmp(fatal_jump) == 0)
        fn();
    in_test = 0;
}

void CU_basic_set_mode(CU_BasicRunMode mode)
{
    (void)mode;                         /* always verbose */
}

CU_ErrorCode CU_basic_run_tests(void)
{
    unsigned nsuites = 0, ntests = 0, first_asserts = asserts;

    printf("\n     stacklab's CUnit stand-in (tests/cunit/)\n\n");
    for (struct CU_Suite *s = suites; s; s = s->next) {
        nsuites++;
        printf("\nSuite: %s\n", s->name);
        if (s->init && s->init() != 0) {
            printf("  suite initialization FAILED\n");
            failures++;
            continue;
        }
        for (struct CU_Test *t = s->tests; t; t = t->next) {
            ntests++;
            tests_run++;
            test_failed_now = 0;
            printf("  Test: %s ...", t->name);
            fflush(stdout);
            run_one(t->fn);
            if (test_failed_now)
                tests_failed++;
            else
                printf("passed\n");
            fflush(stdout);
        }
        if (s->clean)
            s->clean();
    }
    printf("\nRun Summary:    Type  Total    Ran Passed Failed Inactive\n");
    printf("              suites %6u %6u    n/a      0        0\n", nsuites, nsuites);
    printf("               tests %6u %6u %6u %6u        0\n", ntests, tests_run,
           tests_run - tests_failed, tests_failed);
    printf("             asserts %6u %6u %6u %6u      n/a\n\n", asserts - first_asserts,
           asserts - first_asserts, asserts - first_asserts - failures, failures);
    return CUE_SUCCESS;
}
