/*
 * frames_fixture_blind.S (RISC-V): a routine that no unwinder can see
 * through, for the frames suite's "where did the walk stop" test.
 *
 *   long frames_blind_call(long (*fn)(void));     returns fn()
 *
 * No frame record and, on purpose, no CFI: the absence is the point of
 * this file.  It calls fn with s0 = 0, so a walk that falls back on the
 * frame pointer finds no record there.
 *
 * s0 and s1 are callee-saved (RISC-V ABIs Specification, "Integer Register
 * Convention"): the caller's s0 is kept in s1, whose own value goes to the
 * stack with ra (which the call overwrites), 16 bytes to keep sp aligned:
 *
 *      | caller's s1 | sp+8
 *      | ra          | <- sp at the call
 */
        .text
        .globl  frames_blind_call
        .type   frames_blind_call, @function
frames_blind_call:
        addi    sp, sp, -16
        sd      ra, 0(sp)
        sd      s1, 8(sp)
        mv      s1, s0                  /* keep the caller's s0 */
        li      s0, 0                   /* no frame record to guess at */
        jalr    a0
        mv      s0, s1
        ld      s1, 8(sp)
        ld      ra, 0(sp)
        addi    sp, sp, 16
        ret
        .size   frames_blind_call, .-frames_blind_call

        .section .note.GNU-stack,"",@progbits
