/* stacklab/except.h: being written (see the except issue). */
#ifndef STACKLAB_EXCEPT_H
#define STACKLAB_EXCEPT_H
#endif
