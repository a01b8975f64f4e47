/*
 * unwinding.S: a routine that no unwinder can see through, for the
 * unwinding demo's last scene.
 *
 *   long un_blind_call(long x);     returns un_bottom(x)
 *
 * No frame pointer and, on purpose, no CFI: the absence is the point of
 * this file.  A frame-pointer walk cannot see its frame (rbp is whatever
 * its caller left there), and a CFI walk finds no .eh_frame entry for its
 * pc, so libunwind falls back on guessing a frame record that does not
 * exist.  Its whole frame is the return address and 8 bytes of padding
 * that keep the call aligned (System V psABI 3.2.2: rsp + 8 is a multiple
 * of 16 at function entry):
 *
 *      | return address |  <- rsp at entry
 *      | padding        |  <- rsp at the call
 */
        .text
        .globl  un_blind_call
        .type   un_blind_call, @function
un_blind_call:
        sub     $8, %rsp                /* realign for the call */
        call    *un_bottom(%rip)        /* x is still in rdi */
        add     $8, %rsp
        ret
        .size   un_blind_call, .-un_blind_call

        .section .note.GNU-stack,"",@progbits
