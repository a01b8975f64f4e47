/*
 * demo.c: `stacklab demo [NAME] [DEMO OPTIONS]`: the lecture demos.
 *
 * Installed, each demo is a program of its own beside this one
 * (PREFIX/bin/stacklab-NAME); in the build tree it is build/demos/NAME next
 * to build/stacklab.  Without a NAME the tour runs them all in lecture order.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "tracee.h"

#ifndef STACKLAB_DEMOS
#define STACKLAB_DEMOS ""
#endif

static const char demo_help[] =
    "usage: stacklab demo [NAME] [DEMO OPTIONS]\n"
    "\n"
    "Runs the lecture tour (every demo in order), or the demo NAME.  Demo options\n"
    "(each demo's --help lists them): --step (wait for Enter between steps),\n"
    "--diagrams DIR (where diagrams are written), --no-color.\n"
    "\n"
    "  --list       the demos, in lecture order\n"
    "  -h, --help   this help\n"
    "\n"
    "demos: " STACKLAB_DEMOS "\n";

/* Where demo name lives: path filled in, 0; or -1. */
static int find_demo(const char *name, char *path, size_t size)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || strchr(name, '/'))
        return -1;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    *slash = '\0';
    if ((size_t)snprintf(path, size, "%s/stacklab-%s", self, name) < size &&
        access(path, X_OK) == 0)
        return 0;
    if ((size_t)snprintf(path, size, "%s/demos/%s", self, name) < size && access(path, X_OK) == 0)
        return 0;
    return -1;
}

static int known(const char *name)
{
    const char *list = STACKLAB_DEMOS;
    size_t len = strlen(name);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += len)
        if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return 1;
    return 0;
}

/* Runs one demo with args; returns its exit status as a shell reports it. */
static int run_demo(const char *name, char **args, int nargs)
{
    char path[PATH_MAX];
    if (find_demo(name, path, sizeof path) != 0) {
        cli_error("demo: the demo %s is not installed beside stacklab (make install)", name);
        return EXIT_NOT_FOUND;
    }
    char **argv = calloc((size_t)nargs + 2, sizeof *argv);
    if (!argv)
        return EXIT_USAGE;
    argv[0] = path;
    for (int i = 0; i < nargs; i++)
        argv[i + 1] = args[i];
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execv(path, argv);
        cli_error("demo: cannot run %s: %s", path, strerror(errno));
        _exit(EXIT_CANNOT_EXECUTE);
    }
    free(argv);
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        return EXIT_USAGE;
    return tracee_exit_code(st);
}

int cmd_demo(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(demo_help, stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--list") == 0) {
        puts(STACKLAB_DEMOS);
        return 0;
    }
    if (argc >= 2 && argv[1][0] != '-') {
        if (!known(argv[1])) {
            cli_error("demo: no demo '%s' (demos: %s)", argv[1], STACKLAB_DEMOS);
            return EXIT_USAGE;
        }
        return run_demo(argv[1], argv + 2, argc - 2);
    }
    /* The tour: every demo in lecture order, with the same options. */
    char list[] = STACKLAB_DEMOS;
    for (char *save, *name = strtok_r(list, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
        int r = run_demo(name, argv + 1, argc - 1);
        if (r != 0)
            return r;
    }
    return 0;
}
