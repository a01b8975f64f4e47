/*
 * target_arch.c (AArch64): registers as DWARF numbers them, for the target
 * layer (lib/target.c) and the DWARF evaluator.
 *
 * DWARF for the Arm 64-bit Architecture (AADWARF64), 4.1: 0-30 x0-x30,
 * 31 sp; the pc has no DWARF number of its own (x30, the link register, is
 * the return-address column), so it is kept in sl_regs.pc only.
 * AAPCS64 6.1.1: x19-x29 and sp are preserved across calls.
 */
#include <elf.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <asm/ptrace.h>

#include "target_arch.h"

const int sl__arch_callee_saved_dwarf[] = { 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29 };
const int sl__arch_dwarf_pc = 32, sl__arch_dwarf_sp = 31, sl__arch_dwarf_fp = 29;

const int sl__arch_dwarf_count = 33;
const char *const sl__arch_dwarf_name[] = {
    "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
    "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
    "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
    "sp", "pc", NULL,
};

int sl__arch_dwarf_callee_saved(int n)
{
    return (n >= 19 && n <= 29) || n == 31;
}

/* libunwind's AArch64 numbers are DWARF's for x0-x30 and sp; UNW_AARCH64_PC
 * is 32, our slot for the pc. */
int sl__arch_dwarf_of_unw(int unw)
{
    return unw >= 0 && unw <= 32 ? unw : -1;
}

uintptr_t sl__arch_thread_pointer(void)
{
    uintptr_t tp;
    __asm__("mrs %0, tpidr_el0" : "=r"(tp));
    return tp;
}

/* glibc on AArch64 keeps the canary in a global (__stack_chk_guard), not
 * at the thread pointer: another process's copy is not found from here. */
uintptr_t sl__arch_target_canary(const sl_target *t, const sl_regs *r)
{
    (void)t, (void)r;
    return 0;
}

int sl__arch_ptrace_regs(pid_t tid, sl_regs *r)
{
    struct user_pt_regs u;
    struct iovec io = { &u, sizeof u };
    if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &io) < 0)
        return -1;
    for (int i = 0; i < 31; i++)
        r->value[i] = u.regs[i];
    r->value[31] = u.sp;
    r->value[32] = u.pc;
    r->known = (1ull << 33) - 1;
    r->pc = u.pc;
    r->sp = u.sp;
    r->fp = u.regs[29];
    r->tp = 0;
    return 0;
}
