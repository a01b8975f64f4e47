/*
 * harness.h: what every test suite shares.
 *
 * Each tests/test_<module>.c defines one function, suite_<module>(), that
 * adds its CUnit suite; run_tests.c lists them.  Cases that may crash,
 * abort or exit run in a forked child through sl_child_run(), so a crash is
 * reported as a failure naming the signal instead of ending the whole run.
 */
#ifndef SL_TEST_HARNESS_H
#define SL_TEST_HARNESS_H

#include <CUnit/CUnit.h>
#include <stddef.h>

/* What a child did: its wait status and everything it wrote to stdout and
 * stderr (merged, NUL-terminated, truncated to the buffer). */
typedef struct sl_child {
    int status;
    char output[65536];
    size_t length;
} sl_child;

/* Runs fn(arg) in a forked child with stdout and stderr captured; the child
 * exits 0 when fn returns.  Waits at most timeout_seconds (then kills it with
 * SIGKILL).  Returns 0, or -1 if the child could not be run. */
int sl_child_run(sl_child *c, void (*fn)(void *), void *arg, int timeout_seconds);

/* A one-line description of a wait status ("exited 0", "killed by SIGSEGV"). */
const char *sl_child_describe(int status, char *buf, size_t size);

/* Fails the current test with a message naming what the child did, unless
 * it exited with the given code. */
#define SL_ASSERT_CHILD_EXITED(c, code) \
    sl__assert_child(&(c), 0, (code), __LINE__, __FILE__, __func__)
/* Fails unless the child was killed by the given signal. */
#define SL_ASSERT_CHILD_SIGNALED(c, sig) \
    sl__assert_child(&(c), 1, (sig), __LINE__, __FILE__, __func__)

void sl__assert_child(const sl_child *c, int by_signal, int expected,
                      unsigned line, const char *file, const char *func);

/* Runs fn in a new thread and waits for it: what a thread does first
 * (its first TRY, walk or probe) is tested there.  The calling thread
 * only waits, so fn may use CU_ASSERT.  Returns 0, or -1 if no thread
 * could be started. */
int sl_thread_run(void (*fn)(void));

/* True if the child's output contains text. */
int sl_child_says(const sl_child *c, const char *text);

/* Asserts that haystack contains needle, with both in the failure message. */
#define SL_ASSERT_CONTAINS(haystack, needle) \
    sl__assert_contains((haystack), (needle), __LINE__, __FILE__, __func__)
void sl__assert_contains(const char *haystack, const char *needle,
                         unsigned line, const char *file, const char *func);

/* True under valgrind, whose signal delivery (its own sigreturn
 * trampoline) and stack growth differ from the kernel's.  Tests use it only
 * to skip checks of exactly those things. */
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define sl_under_valgrind() (RUNNING_ON_VALGRIND != 0)
#else
#define sl_under_valgrind() 0
#define VALGRIND_DISABLE_ERROR_REPORTING ((void)0)
#define VALGRIND_ENABLE_ERROR_REPORTING ((void)0)
#endif

/* For a test whose feature this architecture lacks: prints why (after
 * the test's name in the verbose run) and passes.  Keeps the test names
 * the same on every architecture. */
void sl_test_not_here(const char *reason);

/* The suites (one per module). */
void suite_abi(void);
void suite_except(void);
void suite_frames(void);
void suite_dot(void);
void suite_memmap(void);
void suite_target(void);
void suite_variables(void);

/* run_tests --variables-fixture LEVEL FILE: the program the variables
 * suite's gdb test runs under gdb (test_variables.c). */
int variables_fixture_main(const char *level, const char *path);

#endif
