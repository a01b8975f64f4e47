/*
 * frames_fixture_blind.S: a routine that no unwinder can see through, for
 * the frames suite's "where did the CFI walk stop" test.
 *
 *   long frames_blind_call(long (*fn)(void));     returns fn()
 *
 * No frame record and, on purpose, no CFI: the absence is the point of
 * this file.  It calls fn with rbp = 0, so libunwind, finding no .eh_frame
 * entry for its pc, falls back on a frame record at rbp, finds none there,
 * and ends the walk as if this were the outermost frame.  The frames suite
 * checks that the capture says "no unwind information" instead.
 *
 * rbp is callee-saved (System V psABI 3.2.1, figure 3.4): it is kept in
 * rbx (also callee-saved, pushed first) across the call.  The push also
 * keeps the call aligned (psABI 3.2.2: rsp + 8 is a multiple of 16 at
 * function entry):
 *
 *      | return address |  <- rsp at entry
 *      | caller's rbx   |  <- rsp at the call
 */
        .text
        .globl  frames_blind_call
        .type   frames_blind_call, @function
frames_blind_call:
        pushq   %rbx
        movq    %rbp, %rbx              /* keep the caller's rbp */
        xorl    %ebp, %ebp              /* no frame record to guess at */
        call    *%rdi
        movq    %rbx, %rbp
        popq    %rbx
        ret
        .size   frames_blind_call, .-frames_blind_call

        .section .note.GNU-stack,"",@progbits
