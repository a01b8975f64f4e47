/*
 * target_arch.h: what the target layer (lib/target.c) needs to know about one
 * architecture's registers, from lib/arch/$(ARCH)/target_arch.c.
 */
#ifndef SL_TARGET_ARCH_H
#define SL_TARGET_ARCH_H

#include <stdint.h>
#include <sys/types.h>

#include <stacklab/target.h>

/* DWARF register numbers of the callee-saved registers, in the order of
 * sl__arch_callee_saved_unw (frames_arch.h), and of pc, sp and fp. */
extern const int sl__arch_callee_saved_dwarf[];
extern const int sl__arch_dwarf_pc, sl__arch_dwarf_sp, sl__arch_dwarf_fp;

/* The number of DWARF registers sl_regs can hold for this architecture and
 * their names ("rax", ...), indexed by DWARF number; NULL past the end. */
extern const int sl__arch_dwarf_count;
extern const char *const sl__arch_dwarf_name[];

/* Whether DWARF register n keeps its value across a call (callee-saved):
 * only those are known in a frame that is not the innermost one. */
int sl__arch_dwarf_callee_saved(int n);

/* The DWARF number of libunwind's register number unw, or -1. */
int sl__arch_dwarf_of_unw(int unw);

/* This thread's thread pointer (x86-64: fs base). */
uintptr_t sl__arch_thread_pointer(void);

/* The stack-protector canary of a target's thread whose registers are r,
 * read through t; 0 when unknown. */
uintptr_t sl__arch_target_canary(const sl_target *t, const sl_regs *r);

/* Fills r from PTRACE_GETREGS of a stopped thread tid: 0, or -1 (errno). */
int sl__arch_ptrace_regs(pid_t tid, sl_regs *r);

#endif
