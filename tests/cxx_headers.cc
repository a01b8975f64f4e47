// cxx_headers.cc: every public header included from C++ (run by `make
// check`): they must compile as C++11 with -Wall -Wextra -Werror, and their
// functions must link by their C names (extern "C").
#include <stacklab.h>
#include <stacklab/abi.h>
#include <stacklab/context.h>
#include <stacklab/dot.h>
#include <stacklab/except.h>
#include <stacklab/frames.h>
#include <stacklab/memmap.h>
#include <stacklab/target.h>
#include <stacklab/version.h>

#include <cstdio>
#include <cstring>

int main()
{
    sl_stack s = sl_stack();
    int n = sl_stack_capture(&s, SL_WALK_CFI);
    sl_stack_symbolize(&s);
    bool named = n > 0 && s.frames[0].function && std::strcmp(s.frames[0].function, "main") == 0;
    sl_stack_release(&s);
    sl_memmap m = sl_memmap();
    bool mapped = sl_memmap_read(&m) > 0 &&
                  std::strcmp(sl_memmap_classify(&m, (const void *)&main), "text") == 0;
    sl_memmap_release(&m);
    bool dot = std::strcmp(sl_dot_strerror(SL_DOT_OK), "no error") == 0;
    std::printf("C++: capture %s, memmap %s, dot %s, stacklab %s\n", named ? "ok" : "FAILED",
                mapped ? "ok" : "FAILED", dot ? "ok" : "FAILED", STACKLAB_VERSION);
    return named && mapped && dot ? 0 : 1;
}
