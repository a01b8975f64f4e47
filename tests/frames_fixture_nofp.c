/*
 * frames_fixture_nofp.c: code built with -fomit-frame-pointer (see the
 * Makefile), for the frames suite.
 *
 * Neither function sets up a frame record: rbp keeps whatever value their
 * caller left in it.  The frame-pointer walk therefore cannot see one of
 * them (the lesson: it needs every frame's cooperation), while the CFI walk
 * finds both through .eh_frame.
 */
int frames_nofp_outer(int (*cb)(int), int x);
int frames_nofp_inner(int (*cb)(int), int x);

__attribute__((noinline)) int frames_nofp_inner(int (*cb)(int), int x)
{
    int r = cb(x);
    __asm__ volatile("" ::: "memory");  /* no tail call: keep this frame */
    return r + 1;
}

__attribute__((noinline)) int frames_nofp_outer(int (*cb)(int), int x)
{
    int r = frames_nofp_inner(cb, x + 1);
    __asm__ volatile("" ::: "memory");
    return r + 2;
}
