/*
 * frames_arch.c (AArch64): register names and the frame record for the
 * walker in lib/frames.c.
 *
 * AAPCS64 6.1.1 "General-purpose Registers": x19-x28 and the frame
 * pointer x29 are callee-saved (so are d8-d15, which the walk does not
 * show).  The frame record's layout is in frames_layout.h.
 */
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "frames_arch.h"

const int sl__arch_callee_saved_unw[] = {
    UNW_AARCH64_X19, UNW_AARCH64_X20, UNW_AARCH64_X21, UNW_AARCH64_X22,
    UNW_AARCH64_X23, UNW_AARCH64_X24, UNW_AARCH64_X25, UNW_AARCH64_X26,
    UNW_AARCH64_X27, UNW_AARCH64_X28, UNW_AARCH64_X29,
};
const char *const sl__arch_callee_saved_name[] = {
    "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29",
};
const int sl__arch_callee_saved_count =
    (int)(sizeof sl__arch_callee_saved_unw / sizeof sl__arch_callee_saved_unw[0]);

const int sl__arch_unw_ip = UNW_AARCH64_PC;
const int sl__arch_unw_sp = UNW_AARCH64_SP;
const int sl__arch_unw_cfa = UNW_AARCH64_CFA;
const int sl__arch_unw_fp = UNW_AARCH64_X29;
const int sl__arch_unw_signal_late = 0;
const int sl__arch_unw_ra = UNW_AARCH64_X30;

/* AArch64's protector loads the canary from __stack_chk_guard (adrp, ldr)
 * and stores it with stp/str: not decoded here yet, so the walk keeps to
 * the value just below a frame record there. */
int sl__arch_canary_store(const unsigned char *code, size_t n, uintptr_t start,
                          sl_canary_store *st)
{
    (void)code;
    (void)n;
    (void)start;
    (void)st;
    return -1;
}
