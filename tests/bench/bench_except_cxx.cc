// bench_except_cxx.cc: the g++ baseline for bench_except.c, a C++ throw
// caught 10 frames up.  The same chain as the C cases: noinline frames, no
// tail calls, the catch in the frame that started the chain.
//
// What a C++ throw costs, and why: __cxa_allocate_exception (malloc), then
// _Unwind_RaiseException walks the frames twice (search, then cleanup),
// reading each frame's CFI from .eh_frame and calling the personality
// routine, which parses the LSDA tables of every frame it passes.

namespace {

struct error {
    const char *message;
};

__attribute__((noinline)) int chain(int n)
{
    if (n == 0)
        throw error{"constant message"};
    int r = chain(n - 1);
    __asm__ volatile("" ::: "memory");  // keep the frame: no tail call
    return r + 1;
}

}  // namespace

// One throw caught 10 frames up; returns 1 when it was caught.
extern "C" int bench_cxx_throw_10(void)
{
    try {
        chain(9);                       // this frame + 10 chain frames
    } catch (const error &e) {
        return e.message[0] == 'c';
    }
    return 0;
}
