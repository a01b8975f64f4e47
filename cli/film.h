/*
 * film.h: `stacklab film`, the subcommand (see film.c).
 */
#ifndef STACKLAB_CLI_FILM_H
#define STACKLAB_CLI_FILM_H

/* Runs `stacklab film` with argv[0] = "film"; returns the exit status. */
int film_main(int argc, char *argv[]);

#endif
