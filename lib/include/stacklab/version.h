/*
 * stacklab/version.h: which stacklab this is, for #if and for --version.
 * The Makefile reads STACKLAB_VERSION from here (one place to change it).
 */
#ifndef STACKLAB_VERSION_H
#define STACKLAB_VERSION_H

#define STACKLAB_VERSION_MAJOR 0
#define STACKLAB_VERSION_MINOR 1
#define STACKLAB_VERSION_PATCH 0
#define STACKLAB_VERSION "0.1.0"

/* One number to compare: STACKLAB_VERSION_NUMBER >= 0x000100 (0.1.0). */
#define STACKLAB_VERSION_NUMBER \
    ((STACKLAB_VERSION_MAJOR << 16) | (STACKLAB_VERSION_MINOR << 8) | STACKLAB_VERSION_PATCH)

#endif
