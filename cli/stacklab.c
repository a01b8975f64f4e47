/*
 * stacklab.c: the `stacklab` command: which subcommand, --help, --version.
 *
 *     stacklab snap [OPTIONS] -- PROGRAM [ARGS...]    stack diagram at a point or a crash
 *     stacklab maps [OPTIONS] -- PROGRAM [ARGS...]    address-space diagram there
 *     stacklab film [OPTIONS] -o F.html -- PROGRAM    its stack at every step, as one page
 *     stacklab demo [NAME] [DEMO OPTIONS]             the lecture demos
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef STACKLAB_VERSION
#define STACKLAB_VERSION "unknown"
#endif

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("stacklab: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void usage(FILE *out)
{
    fputs("usage: stacklab COMMAND [OPTIONS] [-- PROGRAM [ARGS...]]\n"
          "\n"
          "Draws the stack of an unmodified program (built with -g for lines and\n"
          "variables) where you ask, or where it crashes.\n"
          "\n"
          "commands:\n"
          "  snap    stack diagram at a function, a line or a crash\n"
          "            stacklab snap --at factorial:4 -o fact.svg -- ./fact 5\n"
          "  maps    address-space diagram of the program where it stopped\n"
          "            stacklab maps --at main -o maps.svg -- ./prog\n"
          "  film    the stack at every line (or instruction) of a run, as one HTML page\n"
          "            stacklab film -o fact.html -- ./fact 4\n"
          "  demo    the lecture demos: `stacklab demo` runs the tour, `stacklab demo\n"
          "          recursion` one of them, `stacklab demo --list` names them\n"
          "\n"
          "`stacklab COMMAND --help` for each command's options; `man stacklab`.\n", out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("stacklab %s\n", STACKLAB_VERSION);
        return 0;
    }
    if (strcmp(cmd, "snap") == 0)
        return cmd_snap(argc - 1, argv + 1);
    if (strcmp(cmd, "maps") == 0)
        return cmd_maps(argc - 1, argv + 1);
    if (strcmp(cmd, "film") == 0)
        return cmd_film(argc - 1, argv + 1);
    if (strcmp(cmd, "demo") == 0)
        return cmd_demo(argc - 1, argv + 1);
    cli_error("no command '%s' (commands: snap, maps, film, demo; see stacklab --help)", cmd);
    return EXIT_USAGE;
}
