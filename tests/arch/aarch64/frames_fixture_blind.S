/*
 * frames_fixture_blind.S (AArch64): a routine that no unwinder can see
 * through, for the frames suite's "where did the CFI walk stop" test.
 *
 *   long frames_blind_call(long (*fn)(void));     returns fn()
 *
 * No frame record and, on purpose, no CFI: the absence is the point of
 * this file.  It calls fn with x29 = 0, so an unwinder that finds no
 * .eh_frame entry for its pc and falls back on the frame record at x29
 * finds none there.
 *
 * x29 and x19 are callee-saved (AAPCS64 6.1.1): the caller's x29 is kept
 * in x19, whose own value goes to the stack with x30 (the return address,
 * which the bl below overwrites), 16 bytes to keep sp aligned:
 *
 *      | caller's x19 | sp+8
 *      | x30          | <- sp at the call
 */
        .text
        .globl  frames_blind_call
        .type   frames_blind_call, %function
frames_blind_call:
        stp     x30, x19, [sp, #-16]!
        mov     x19, x29                /* keep the caller's x29 */
        mov     x29, #0                 /* no frame record to guess at */
        blr     x0
        mov     x29, x19
        ldp     x30, x19, [sp], #16
        ret
        .size   frames_blind_call, .-frames_blind_call

        .section .note.GNU-stack,"",%progbits
