/*
 * For the except suite built on the drop-in (make check-dropin): the
 * suite's own #include <stacklab/except.h> gets dropin/stacklab_except.h,
 * so the same test files test both.
 */
#include "stacklab_except.h"
