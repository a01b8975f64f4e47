/*
 * frames_arch.c (x86-64): register names and the frame record for the
 * walker in lib/frames.c.
 *
 * System V AMD64 ABI, section 3.2.1 (registers): rbx, rbp and r12-r15 are
 * callee-saved.  The frame record's layout is in frames_layout.h.
 *
 * The stack protector (gcc and clang, -fstack-protector*) loads the
 * thread's canary from the thread control block and stores it in the frame:
 *
 *      64 48 8b 04 25 28 00 00 00   mov  %fs:0x28, %rax   (REX.R: r8-r15)
 *      48 89 44 24 d8               mov  %rax, d8(%rsp)   (or d32, or none)
 *      48 89 45 d8                  mov  %rax, d8(%rbp)   (or d32)
 *
 * usually back to back, sometimes with a few instructions in between.
 */
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <string.h>

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

/* The store of register reg (0-15) to a frame slot, at code[0..n): its
 * length, with *base and *disp, or 0 when the bytes are not such a store. */
static size_t frame_store(const unsigned char *c, size_t n, int reg, int *base, intptr_t *disp)
{
    if (n < 4 || c[0] != (0x48 | (reg >= 8 ? 0x04 : 0)) || c[1] != 0x89 ||
        ((c[2] >> 3) & 7) != (reg & 7))
        return 0;
    int mod = c[2] >> 6, rm = c[2] & 7;
    size_t at = 3;
    if (rm == 4) {                              /* SIB byte: only (%rsp) */
        if (c[3] != 0x24)
            return 0;
        *base = SL_CANARY_BASE_SP;
        at = 4;
    } else if (rm == 5 && mod != 0) {           /* (%rbp); mod 0 is rip-relative */
        *base = SL_CANARY_BASE_FP;
    } else {
        return 0;
    }
    if (mod == 0) {
        *disp = 0;
        return at;
    }
    if (mod == 1 && at + 1 <= n) {
        *disp = (int8_t)c[at];
        return at + 1;
    }
    if (mod == 2 && at + 4 <= n) {
        int32_t d;
        memcpy(&d, c + at, 4);
        *disp = d;
        return at + 4;
    }
    return 0;
}

int sl__arch_canary_store(const unsigned char *code, size_t n, uintptr_t start,
                          sl_canary_store *st)
{
    static const unsigned char tail[] = { 0x25, 0x28, 0, 0, 0 };   /* SIB, disp32 0x28 */
    for (size_t i = 0; i + 9 <= n; i++) {
        /* mov %fs:0x28, reg: fs prefix, REX.W (+R), 8b, ModRM 00 reg 100 */
        if (code[i] != 0x64 || (code[i + 1] & 0xfb) != 0x48 || code[i + 2] != 0x8b ||
            (code[i + 3] & 0xc7) != 0x04 || memcmp(code + i + 4, tail, sizeof tail) != 0)
            continue;
        int reg = ((code[i + 1] & 0x04) ? 8 : 0) | ((code[i + 3] >> 3) & 7);
        /* Its store follows within a few instructions. */
        for (size_t j = i + 9; j < n && j < i + 9 + 32; j++) {
            if (frame_store(code + j, n - j, reg, &st->base, &st->disp)) {
                st->at = start + j;
                return 1;
            }
        }
    }
    return 0;
}
