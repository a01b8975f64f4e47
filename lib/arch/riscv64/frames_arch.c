/*
 * frames_arch.c (RISC-V): register names and the frame record for the
 * walker in lib/frames.c.
 *
 * RISC-V ABIs Specification, "Integer Register Convention": s0-s11 are
 * callee-saved, s0 doubling as the frame pointer.  The numbers are DWARF's
 * (s0 = x8, s1 = x9, s2-s11 = x18-x27), which libunwind's RISC-V port uses
 * too; Debian bookworm has no libunwind for riscv64, so this build's CFI
 * walk is left out and nothing reads them yet.  The frame record's layout
 * is in frames_layout.h.
 */
#include <signal.h>
#include <ucontext.h>

#include "frames_arch.h"

const int sl__arch_callee_saved_unw[] = { 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27 };
const char *const sl__arch_callee_saved_name[] = {
    "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
};
const int sl__arch_callee_saved_count =
    (int)(sizeof sl__arch_callee_saved_unw / sizeof sl__arch_callee_saved_unw[0]);

/* DWARF: x0-x31 are 0-31; there is no pc or CFA register number. */
const int sl__arch_unw_ip = -1;
const int sl__arch_unw_sp = 2;
const int sl__arch_unw_cfa = -1;
const int sl__arch_unw_fp = 8;

/* The kernel's signal frame (struct sigcontext, asm/sigcontext.h): gregs[0]
 * is the pc, gregs[2] is sp (x2). */
void sl__arch_signal_pc_sp(const void *ucontext, uintptr_t *pc, uintptr_t *sp)
{
    const ucontext_t *uc = ucontext;

    *pc = (uintptr_t)uc->uc_mcontext.__gregs[REG_PC];
    *sp = (uintptr_t)uc->uc_mcontext.__gregs[REG_SP];
}
const int sl__arch_unw_signal_late = 0;      /* (no libunwind in this build) */
const int sl__arch_unw_ra = 1;                 /* ra = x1 */
