/* stacklab/dot.h: being written (see the dot issue). */
#ifndef STACKLAB_DOT_H
#define STACKLAB_DOT_H
#endif
