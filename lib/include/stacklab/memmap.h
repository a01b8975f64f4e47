/* stacklab/memmap.h: being written (see the memmap issue). */
#ifndef STACKLAB_MEMMAP_H
#define STACKLAB_MEMMAP_H
#endif
