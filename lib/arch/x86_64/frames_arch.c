/*
 * frames_arch.c (x86-64): register names and the frame record for the
 * walker in lib/frames.c.
 *
 * System V AMD64 ABI, section 3.2.1 (registers): rbx, rbp and r12-r15 are
 * callee-saved.  The frame record's layout is in frames_layout.h.
 */
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "frames_arch.h"

const int sl__arch_callee_saved_unw[] = {
    UNW_X86_64_RBX, UNW_X86_64_RBP, UNW_X86_64_R12,
    UNW_X86_64_R13, UNW_X86_64_R14, UNW_X86_64_R15,
};
const char *const sl__arch_callee_saved_name[] = {
    "rbx", "rbp", "r12", "r13", "r14", "r15",
};
const int sl__arch_callee_saved_count =
    (int)(sizeof sl__arch_callee_saved_unw / sizeof sl__arch_callee_saved_unw[0]);

const int sl__arch_unw_ip = UNW_X86_64_RIP;
const int sl__arch_unw_sp = UNW_X86_64_RSP;
const int sl__arch_unw_cfa = UNW_X86_64_CFA;
const int sl__arch_unw_fp = UNW_X86_64_RBP;
const int sl__arch_unw_signal_late = 1;
const int sl__arch_unw_ra = UNW_X86_64_RIP;
