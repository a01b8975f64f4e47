/*
 * stacklab/target.h: whose memory and registers a capture describes.
 *
 * Capture (frames.h), symbolizing and reading variables never touch the
 * described program's memory directly: every read goes through a target.
 * There are two kinds:
 *
 *   the calling thread     sl_target_self(): reads are checked against the
 *                          thread's mappings and never fault (a wild pointer
 *                          in a variable reads as "Cannot access memory");
 *   a stopped thread of    sl_target_ptrace(): a thread of another process,
 *   another process        stopped under ptrace (the `stacklab` command),
 *                          read with process_vm_readv and PTRACE_GETREGS.
 *
 * The interface is deliberately small: read bytes, read the registers the
 * walk starts from, say which process and thread, and where its stack is.
 * Everything above it (walkers, symbolizer, DWARF evaluator) is the same
 * code for both kinds.
 *
 *     sl_target t;
 *     sl_target_ptrace(&t, pid, tid);            // tid stopped by ptrace
 *     sl_stack s = {0};
 *     sl_stack_capture_target(&s, &t, SL_WALK_CFI);
 *     sl_stack_symbolize(&s);                     // names from pid's modules
 *     sl_stack_read_variables(&s);
 *     sl_stack_print(&s, stdout);
 *     sl_stack_release(&s);
 *     sl_target_release(&t);
 */
#ifndef STACKLAB_TARGET_H
#define STACKLAB_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

/* The registers a walk starts from, numbered as DWARF numbers them for the
 * architecture (x86-64: 0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp,
 * 7 rsp, 8-15 r8-r15, 16 the return address column = rip; AArch64: 0-30
 * x0-x30, 31 sp; RISC-V: 0-31 x0-x31), with a bit per register that holds a
 * value.  pc, sp and fp are repeated by name for the walkers. */
#define SL_REGS_MAX 64
typedef struct sl_regs {
    uintptr_t pc, sp, fp;
    uint64_t value[SL_REGS_MAX];    /* by DWARF register number */
    uint64_t known;                 /* bit n: value[n] holds the register */
    uintptr_t tp;                   /* thread pointer (x86-64: the fs base, where
                                       the stack-protector canary lives); 0 unknown */
} sl_regs;

typedef struct sl_target sl_target;

/* One kind of target: how to read it.  Each returns 0 on success, -1 on
 * failure (nothing is ever read partially: a read that crosses into an
 * unmapped page fails whole). */
typedef struct sl_target_ops {
    int (*read)(const sl_target *t, uintptr_t addr, void *buf, size_t n);
    int (*regs)(const sl_target *t, sl_regs *r);
    int (*stack_bounds)(const sl_target *t, uintptr_t *low, uintptr_t *high);
} sl_target_ops;

struct sl_target {
    const sl_target_ops *ops;
    pid_t pid;                  /* the process described */
    pid_t tid;                  /* the thread described */
    int self;                   /* 1: the calling thread of this process */
    void *data;                 /* private to the kind */
};

/* The calling thread.  A static object: never released. */
const sl_target *sl_target_self(void);

/* A thread tid of process pid, already stopped under ptrace by the caller
 * (attached or traced from launch).  What it reads is kept until
 * sl_target_release: make a new target each time the thread has run.
 * Returns 0, or -1 when pid is not readable (errno says why). */
int sl_target_ptrace(sl_target *t, pid_t pid, pid_t tid);

/* Frees what sl_target_ptrace allocated (the target stays stopped). */
void sl_target_release(sl_target *t);

/* Reads n bytes at addr of t's memory into buf.  Returns 0, or -1 when any
 * of it is not mapped readable.  Never faults. */
int sl_target_read(const sl_target *t, uintptr_t addr, void *buf, size_t n);

/* Reads one word; returns 0, or -1. */
int sl_target_read_word(const sl_target *t, uintptr_t addr, uintptr_t *w);

/* The registers of t's thread (for the calling thread: of the caller of this
 * function).  Returns 0, or -1. */
int sl_target_regs(const sl_target *t, sl_regs *r);

/* The bounds [low, high) of t's thread stack (for a signal handler running on
 * an alternate stack: that stack).  Returns 0, or -1. */
int sl_target_stack_bounds(const sl_target *t, uintptr_t *low, uintptr_t *high);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif
