/*
 * cli.h: what the subcommands of `stacklab` share.
 *
 * Exit statuses follow env(1) and timeout(1), so the command can stand in
 * for the program it runs: the program's own status, 128 + signal when a
 * signal ended it, and for the command's own failures 125 (usage or another
 * error of ours), 126 (the program cannot be executed), 127 (not found).
 */
#ifndef STACKLAB_CLI_H
#define STACKLAB_CLI_H

enum {
    EXIT_USAGE = 125,
    EXIT_CANNOT_EXECUTE = 126,
    EXIT_NOT_FOUND = 127
};

/* Prints "stacklab: MESSAGE" on stderr (one line). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct sl_stack;

/* Names every frame of s and gives file:line to those up to main (all of
 * them when all is set, or when there is no main): the lines of frames
 * never drawn are not read.  Returns main's index, or -1. */
int cli_symbolize(struct sl_stack *s, int all);

int cmd_snap(int argc, char **argv);
int cmd_maps(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_film(int argc, char **argv);

#endif
