/*
 * machine.h: what the command needs to know about the processor it stops:
 * where the program counter is in a stopped thread, what a breakpoint
 * instruction looks like, and how to step over a prologue when the program
 * has no line table.  One implementation per architecture, chosen by path
 * (cli/arch/$(ARCH)/machine.c), so the rest of cli/ is the same everywhere.
 */
#ifndef STACKLAB_CLI_MACHINE_H
#define STACKLAB_CLI_MACHINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The breakpoint instruction, planted over the first byte(s) of an
 * instruction, and its length. */
extern const uint8_t machine_break_insn[];
extern const size_t machine_break_len;

/* The program counter of a thread stopped under ptrace.  0, or -1. */
int machine_get_pc(pid_t tid, uintptr_t *pc);
int machine_set_pc(pid_t tid, uintptr_t pc);

/* The stack pointer of a stopped thread.  0, or -1. */
int machine_get_sp(pid_t tid, uintptr_t *sp);

/* The registers a film shows at each step: the pc, the stack and frame
 * pointers, and the register a function returns its value in (x86-64: rip,
 * rsp, rbp, rax). */
typedef struct machine_regs {
    uintptr_t pc, sp, fp;
    uint64_t ret;
} machine_regs;

/* What this processor calls them, for the film's page: x86-64 "rip", "rsp",
 * "rbp", "rax"; AArch64 would say "pc", "sp", "x29", "x0" and RISC-V "pc",
 * "sp", "s0", "a0" (their psABIs' frame pointer and first return register). */
typedef struct machine_names {
    const char *pc, *sp, *fp, *ret;
} machine_names;
extern const machine_names machine_reg_names;

/* Reads them from a stopped thread.  0, or -1. */
int machine_get_regs(pid_t tid, machine_regs *r);

/* Is the instruction whose bytes begin at code (n of them) a return? */
int machine_is_return(const uint8_t *code, size_t n);

/* Where a thread that trapped on a breakpoint planted at addr reports its pc
 * (x86-64: after the one-byte int3, addr + 1). */
uintptr_t machine_pc_after_break(uintptr_t addr);

/* The length of the frame-setup prologue at the start of code (the bytes of
 * a function without line information), so a breakpoint stops where gdb's
 * `break FUNCTION` stops in such a function.  0 when there is none. */
size_t machine_prologue_length(const uint8_t *code, size_t n);

#endif
