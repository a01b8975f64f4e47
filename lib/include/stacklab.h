/*
 * stacklab.h: everything stacklab offers, in one include.
 *
 *   stacklab/except.h   SL_TRY / SL_CATCH / SL_FINALLY / SL_THROW
 *   stacklab/frames.h   capture, symbolize and print the stack
 *   stacklab/dot.h      Graphviz diagrams of stacks and handlers
 *   stacklab/abi.h      context save, frame shims, argument probe, checked call
 *   stacklab/memmap.h   the process's address space
 *   stacklab/target.h   whose memory a capture reads: this thread or a stopped one
 *   stacklab/version.h  STACKLAB_VERSION
 */
#ifndef STACKLAB_H
#define STACKLAB_H

#include "stacklab/abi.h"
#include "stacklab/frames.h"
#include "stacklab/except.h"
#include "stacklab/dot.h"
#include "stacklab/memmap.h"
#include "stacklab/target.h"
#include "stacklab/version.h"

#endif
