/* The drop-in's implementation, for the except suite built on it. */
#define STACKLAB_EXCEPT_IMPLEMENTATION
#include "stacklab_except.h"
