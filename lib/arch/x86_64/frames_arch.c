/*
 * frames_arch.c (x86-64): register names and the frame record for the
 * walker in lib/frames.c.
 *
 * System V AMD64 ABI, section 3.2 (function calling sequence): rbx, rbp and
 * r12-r15 are callee-saved; with frame pointers, the prologue
 * `push %rbp; mov %rsp,%rbp` builds the record
 *
 *      fp + 16  ->  caller's stack (the CFA: rsp before the call)
 *      fp +  8  ->  return address
 *      fp       ->  caller's rbp
 *      fp -  8  ->  stack-protector canary (gcc -fstack-protector*)
 */
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "frames_arch.h"

const sl__fp_layout sl__arch_fp = {
    .saved_fp = 0,
    .return_address = 8,
    .cfa = 16,
    .canary = -8,
    .fp_name = "rbp",
};

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

/* glibc keeps the canary in the thread control block, at %fs:0x28; the
 * stack protector's prologue copies it from there (`mov %fs:0x28,%rax`). */
uintptr_t sl__arch_canary(void)
{
    uintptr_t c;
    __asm__("mov %%fs:0x28, %0" : "=r"(c));
    return c;
}
