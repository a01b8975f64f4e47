/*
 * target_arch.c (x86-64): registers as DWARF numbers them, for the target
 * layer (lib/target.c) and the DWARF evaluator.
 *
 * System V AMD64 ABI, section 3.6.2 (DWARF register number mapping): 0 rax,
 * 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8-15 r8-r15, 16 the
 * return address (rip).  Section 3.2.1: rbx, rbp, rsp and r12-r15 are
 * preserved across calls; the others are not.
 */
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "target_arch.h"

const int sl__arch_callee_saved_dwarf[] = { 3, 6, 12, 13, 14, 15 }; /* rbx rbp r12-r15 */
const int sl__arch_dwarf_pc = 16, sl__arch_dwarf_sp = 7, sl__arch_dwarf_fp = 6;

const int sl__arch_dwarf_count = 17;
const char *const sl__arch_dwarf_name[] = {
    "rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", NULL,
};

int sl__arch_dwarf_callee_saved(int n)
{
    return n == 3 || n == 6 || n == 7 || (n >= 12 && n <= 15);
}

/* libunwind numbers x86-64's registers as DWARF does (UNW_X86_64_RAX = 0 ...
 * UNW_X86_64_RIP = 16). */
int sl__arch_dwarf_of_unw(int unw)
{
    return unw >= 0 && unw <= 16 ? unw : -1;
}

uintptr_t sl__arch_thread_pointer(void)
{
    uintptr_t tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp));   /* the TCB points at itself */
    return tp;
}

/* glibc's tcbhead_t keeps stack_guard at 0x28 from the fs base (what the
 * protector's %fs:0x28 loads). */
uintptr_t sl__arch_target_canary(const sl_target *t, const sl_regs *r)
{
    uintptr_t c;
    return r->tp && sl_target_read_word(t, r->tp + 0x28, &c) == 0 ? c : 0;
}

int sl__arch_ptrace_regs(pid_t tid, sl_regs *r)
{
    struct user_regs_struct u;
    if (ptrace(PTRACE_GETREGS, tid, NULL, &u) < 0)
        return -1;
    const unsigned long long v[17] = {
        u.rax, u.rdx, u.rcx, u.rbx, u.rsi, u.rdi, u.rbp, u.rsp,
        u.r8, u.r9, u.r10, u.r11, u.r12, u.r13, u.r14, u.r15, u.rip,
    };
    for (int i = 0; i < 17; i++)
        r->value[i] = v[i];
    r->known = (1ull << 17) - 1;
    r->pc = u.rip;
    r->sp = u.rsp;
    r->fp = u.rbp;
    r->tp = u.fs_base;
    return 0;
}
