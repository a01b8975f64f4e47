/*
 * run_tests: the CUnit driver.  `run_tests` runs every suite, `run_tests NAME`
 * one (abi, except, frames, dot, memmap, target, variables).  Exit status 0 only when every
 * test passed.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const struct {
    const char *name;
    void (*add)(void);
} suites[] = {
#ifdef SL_TEST_DROPIN       /* built on dropin/stacklab_except.h: that suite alone */
    { "except", suite_except },
#else
    { "abi",    suite_abi },
    { "except", suite_except },
    { "frames", suite_frames },
    { "dot",    suite_dot },
    { "memmap", suite_memmap },
    { "target", suite_target },
    { "variables", suite_variables },
#endif
};
#define NSUITES (int)(sizeof suites / sizeof suites[0])

/* ---- threads --------------------------------------------------------- */

static void *thread_body(void *fn)
{
    (*(void (**)(void))fn)();
    return NULL;
}

int sl_thread_run(void (*fn)(void))
{
    pthread_t t;
    if (pthread_create(&t, NULL, thread_body, &fn) != 0)
        return -1;
    return pthread_join(t, NULL) == 0 ? 0 : -1;
}

/* ---- children -------------------------------------------------------- */

int sl_child_run(sl_child *c, void (*fn)(void *), void *arg, int timeout_seconds)
{
    int pipefd[2];
    pid_t pid;
    time_t deadline = time(NULL) + timeout_seconds;

    memset(c, 0, sizeof *c);
    fflush(NULL);
    if (pipe(pipefd) < 0)
        return -1;
    pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        close(pipefd[1]);
        fn(arg);
        fflush(NULL);
        _exit(0);
    }
    close(pipefd[1]);
    fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
    for (;;) {
        char sink[4096];
        char *dst = c->length + 1 < sizeof c->output ? c->output + c->length : sink;
        size_t room = c->length + 1 < sizeof c->output ? sizeof c->output - 1 - c->length : sizeof sink;
        ssize_t n = read(pipefd[0], dst, room);
        if (n > 0) {
            if (dst != sink)
                c->length += (size_t)n;
            continue;
        }
        if (n == 0)
            break;
        if (errno != EAGAIN && errno != EINTR)
            break;
        if (time(NULL) > deadline) {
            kill(pid, SIGKILL);
            break;
        }
        usleep(1000);
    }
    close(pipefd[0]);
    c->output[c->length] = '\0';
    while (waitpid(pid, &c->status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}

const char *sl_child_describe(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "exited %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by SIG%s", sigabbrev_np(WTERMSIG(status)) ?
                 sigabbrev_np(WTERMSIG(status)) : "?");
    else
        snprintf(buf, size, "status 0x%x", status);
    return buf;
}

void sl__assert_child(const sl_child *c, int by_signal, int expected,
                      unsigned line, const char *file, const char *func)
{
    char got[64], msg[512];
    int ok = by_signal ? WIFSIGNALED(c->status) && WTERMSIG(c->status) == expected
                       : WIFEXITED(c->status) && WEXITSTATUS(c->status) == expected;

    if (ok) {
        CU_assertImplementation(CU_TRUE, line, "child", file, func, CU_FALSE);
        return;
    }
    snprintf(msg, sizeof msg, "child %s, expected %s %d; output: %.300s",
             sl_child_describe(c->status, got, sizeof got),
             by_signal ? "signal" : "exit", expected, c->output);
    CU_assertImplementation(CU_FALSE, line, msg, file, func, CU_FALSE);
}

int sl_child_says(const sl_child *c, const char *text)
{
    return strstr(c->output, text) != NULL;
}

void sl__assert_contains(const char *haystack, const char *needle,
                         unsigned line, const char *file, const char *func)
{
    char msg[700];
    int ok = haystack && needle && strstr(haystack, needle);

    if (ok) {
        CU_assertImplementation(CU_TRUE, line, "contains", file, func, CU_FALSE);
        return;
    }
    snprintf(msg, sizeof msg, "expected \"%.120s\" in: %.500s",
             needle ? needle : "(null)", haystack ? haystack : "(null)");
    CU_assertImplementation(CU_FALSE, line, msg, file, func, CU_FALSE);
}

void sl_test_not_here(const char *reason)
{
    printf("(not on this architecture: %s) ", reason);
    CU_PASS(reason);
}

/* ---- main ------------------------------------------------------------ */

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
#ifndef SL_TEST_DROPIN
    if (argc == 4 && strcmp(argv[1], "--variables-fixture") == 0)
        return variables_fixture_main(argv[2], argv[3]);
#endif
    int found = 0, failed;

    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "run_tests: %s\n", CU_get_error_msg());
        return 2;
    }
    for (int i = 0; i < NSUITES; i++) {
        if (!only || strcmp(only, suites[i].name) == 0) {
            suites[i].add();
            found = 1;
        }
    }
    if (!found) {
        fprintf(stderr, "run_tests: no suite named '%s' (", only);
        for (int i = 0; i < NSUITES; i++)
            fprintf(stderr, "%s%s", i ? ", " : "", suites[i].name);
        fprintf(stderr, ")\n");
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failed = (int)CU_get_number_of_tests_failed() + (int)CU_get_number_of_failures();
    if (CU_get_error() != CUE_SUCCESS)
        failed++;
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
