/*
 * memmap_internal.h: what lib/memmap.c keeps beside the regions, shared with
 * the address-space writer (lib/dot_memmap.c).
 */
#ifndef SL_MEMMAP_INTERNAL_H
#define SL_MEMMAP_INTERNAL_H

#include <limits.h>
#include <stdint.h>

#include "stacklab/memmap.h"

#define SL__MAX_SECTIONS 64
#define SL__MAX_OBJECTS 128

/* One allocated section of the executable, at its run-time address. */
typedef struct sl__section {
    uintptr_t start, end;
    const char *kind;           /* "text", "rodata", "data", "bss" */
    char name[24];
} sl__section;

typedef struct sl__memmap_priv {
    char exe[PATH_MAX];         /* the executable's path, as the maps show it */
    uintptr_t bias;             /* the executable's load bias */
    int nobjects;
    struct { uintptr_t start, end; } objects[SL__MAX_OBJECTS]; /* loaded objects'
                                   segments; [0] is the executable */
    int nsections;
    sl__section sections[SL__MAX_SECTIONS];   /* in address order */
} sl__memmap_priv;

const sl__memmap_priv *sl__memmap_priv_of(const sl_memmap *m);

#endif
