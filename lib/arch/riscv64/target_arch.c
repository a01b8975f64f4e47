/*
 * target_arch.c (RISC-V): registers as DWARF numbers them, for the target
 * layer (lib/target.c) and the DWARF evaluator.
 *
 * RISC-V ELF psABI, "DWARF Register Numbers": 0-31 are x0-x31 (ra = 1,
 * sp = 2, s0 = 8, s1 = 9, s2-s11 = 18-27); the pc has no DWARF number (ra
 * is the return-address column), so it is kept in slot 32 and sl_regs.pc.
 * "Integer Register Convention": s0-s11 and sp are preserved across calls.
 */
#include <elf.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <asm/ptrace.h>

#include "target_arch.h"

const int sl__arch_callee_saved_dwarf[] = { 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27 };
const int sl__arch_dwarf_pc = 32, sl__arch_dwarf_sp = 2, sl__arch_dwarf_fp = 8;

const int sl__arch_dwarf_count = 33;
const char *const sl__arch_dwarf_name[] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2",
    "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
    "s10", "s11", "t3", "t4", "t5", "t6", "pc", NULL,
};

int sl__arch_dwarf_callee_saved(int n)
{
    return n == 2 || n == 8 || n == 9 || (n >= 18 && n <= 27);
}

/* This build has no libunwind; its numbers would be DWARF's. */
int sl__arch_dwarf_of_unw(int unw)
{
    return unw >= 0 && unw <= 32 ? unw : -1;
}

uintptr_t sl__arch_thread_pointer(void)
{
    uintptr_t tp;
    __asm__("mv %0, tp" : "=r"(tp));
    return tp;
}

/* glibc on RISC-V keeps the canary in a global (__stack_chk_guard), not at
 * the thread pointer: another process's copy is not found from here. */
uintptr_t sl__arch_target_canary(const sl_target *t, const sl_regs *r)
{
    (void)t, (void)r;
    return 0;
}

/* NT_PRSTATUS is struct user_regs_struct: pc, then x1-x31 in order. */
int sl__arch_ptrace_regs(pid_t tid, sl_regs *r)
{
    struct user_regs_struct u;
    struct iovec io = { &u, sizeof u };
    const unsigned long *x = (const unsigned long *)&u;
    if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &io) < 0)
        return -1;
    r->value[0] = 0;
    for (int i = 1; i < 32; i++)
        r->value[i] = x[i];
    r->value[32] = u.pc;
    r->known = (1ull << 33) - 1;
    r->pc = u.pc;
    r->sp = u.sp;
    r->fp = u.s0;
    r->tp = u.tp;
    return 0;
}
