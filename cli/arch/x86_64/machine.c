/*
 * machine.c (x86-64): registers of a stopped thread through
 * PTRACE_GETREGS/PTRACE_POKEUSER, the int3 breakpoint, and the frame-pointer
 * prologue gdb skips in a function without line information.
 */
#include <stddef.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "machine.h"

/* int3: the one-byte breakpoint (Intel SDM vol. 2, INT n/INTO/INT3). */
const uint8_t machine_break_insn[] = { 0xcc };
const size_t machine_break_len = 1;

int machine_get_pc(pid_t tid, uintptr_t *pc)
{
    struct user_regs_struct r;
    if (ptrace(PTRACE_GETREGS, tid, 0, &r) != 0)
        return -1;
    *pc = r.rip;
    return 0;
}

int machine_get_sp(pid_t tid, uintptr_t *sp)
{
    struct user_regs_struct r;
    if (ptrace(PTRACE_GETREGS, tid, 0, &r) != 0)
        return -1;
    *sp = r.rsp;
    return 0;
}

const machine_names machine_reg_names = { "rip", "rsp", "rbp", "rax" };

int machine_get_regs(pid_t tid, machine_regs *r)
{
    struct user_regs_struct u;
    if (ptrace(PTRACE_GETREGS, tid, 0, &u) != 0)
        return -1;
    *r = (machine_regs){ u.rip, u.rsp, u.rbp, u.rax };
    return 0;
}

/* ret (c3), ret imm16 (c2), and the "repz ret" (f3 c3) older gcc wrote
 * (Intel SDM vol. 2, RET). */
int machine_is_return(const uint8_t *code, size_t n)
{
    return n >= 1 && (code[0] == 0xc3 || code[0] == 0xc2 ||
                      (n >= 2 && code[0] == 0xf3 && code[1] == 0xc3));
}

/* One word of the user area rather than the whole register set: the hot
 * path of a breakpoint hit. */
int machine_set_pc(pid_t tid, uintptr_t pc)
{
    return ptrace(PTRACE_POKEUSER, tid, offsetof(struct user, regs.rip), pc) == 0 ? 0 : -1;
}

uintptr_t machine_pc_after_break(uintptr_t addr)
{
    return addr + 1;
}

/* gdb's amd64 prologue analysis without debug info skips an endbr64, then
 * `push %rbp; mov %rsp,%rbp` (both encodings of the mov). */
size_t machine_prologue_length(const uint8_t *code, size_t n)
{
    static const uint8_t endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
    size_t i = 0;
    if (n >= 4 && memcmp(code, endbr64, 4) == 0)
        i = 4;
    if (i < n && code[i] == 0x55) {                     /* push %rbp */
        if (i + 4 <= n && code[i + 1] == 0x48 &&
            (code[i + 2] == 0x89 && code[i + 3] == 0xe5))   /* mov %rsp,%rbp */
            return i + 4;
        if (i + 4 <= n && code[i + 1] == 0x48 &&
            (code[i + 2] == 0x8b && code[i + 3] == 0xec))   /* mov %rsp,%rbp (8b form) */
            return i + 4;
        return i + 1;
    }
    return i;
}
