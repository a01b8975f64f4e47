/*
 * prologue_epilogue: how a function builds its frame and takes it down.
 *
 * The shims of prologue_epilogue.S store rsp and rbp after every
 * instruction of their prologue and epilogue, so we can print the frame
 * being built one instruction at a time.  Then the compiler's own prologue
 * (disassembled with objdump, when installed), with and without frame
 * pointers, and the 16-byte alignment rule at a call, broken on purpose in
 * a child process.
 */
#include <stacklab/abi.h>
#include <stacklab/dot.h>
#include <stacklab/frames.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lecture.h"

long pe_traced_framed(long (*fn)(void *), void *arg, uint64_t trace[][2]);
long pe_traced_frameless(long (*fn)(void *), void *arg, uint64_t trace[][2]);
long pe_call_misaligned(long (*fn)(void *), void *arg);
long pe_compiled_nofp(long n);
long pe_consume(const long *values, int n);

/* ---- the compiler's version (the -fomit-frame-pointer twin is in
 *      prologue_epilogue-nofp.c) ------------------------------------------- */

__attribute__((noinline)) long pe_consume(const long *values, int n)
{
    long sum = 0;
    for (int i = 0; i < n; i++)
        sum += values[i];
    return sum;
}

long pe_compiled_fp(long n)
{
    long local[4];
    for (int i = 0; i < 4; i++)
        local[i] = n + i;
    return pe_consume(local, 4) + 1;
}

/* ---- what the called function sees ----------------------------------------- */

/* Filled in by the function the shims call, while their frame is live. */
static struct inside {
    uintptr_t frame;            /* its own rbp: its entry rsp - 8 */
    uint64_t saved_rbp;         /* [shim's rbp]     */
    uint64_t return_address;    /* [shim's rbp + 8] */
    uint64_t shim_rbp;
} seen;

static uint64_t trace[8][2];

static __attribute__((noinline)) long look_inside(void *arg)
{
    (void)arg;
    seen.frame = (uintptr_t)__builtin_frame_address(0);
    seen.shim_rbp = trace[2][1];
    if (seen.shim_rbp) {
        seen.saved_rbp = ((const uint64_t *)(uintptr_t)seen.shim_rbp)[0];
        seen.return_address = ((const uint64_t *)(uintptr_t)seen.shim_rbp)[1];
    }
    return 42;
}

/* A function name for an address, through the library's symbolizer. */
static const char *name_of(uint64_t address)
{
    static char text[128];
    sl_stack s = { 0 };
    void *pc = (void *)(uintptr_t)address;
    snprintf(text, sizeof text, "?");
    if (sl_stack_from_addresses(&s, &pc, 1) == 1 && sl_stack_symbolize(&s) > 0)
        snprintf(text, sizeof text, "%s+%#lx", s.frames[0].function,
                 (unsigned long)s.frames[0].offset);
    sl_stack_release(&s);
    return text;
}

/* One row: the instruction, then rsp and rbp relative to the entry rsp. */
static void row(const char *insn, const char *effect, int r, uint64_t entry, uint64_t caller_rbp)
{
    char rsp[32], rbp[32];
    snprintf(rsp, sizeof rsp, "entry%s", trace[r][0] == entry ? ""
             : lecture_offset((intptr_t)(trace[r][0] - entry)));
    if (trace[r][1] == caller_rbp)
        snprintf(rbp, sizeof rbp, "caller's");
    else
        snprintf(rbp, sizeof rbp, "entry%s", trace[r][1] == entry ? ""
                 : lecture_offset((intptr_t)(trace[r][1] - entry)));
    lecture_code("%-22s rsp = %-10s (%%16 = %2d)   rbp = %-10s %s", insn, rsp,
                 (int)(trace[r][0] % 16), rbp, effect);
}

/* ---- objdump --------------------------------------------------------------- */

/* Prints the instructions of one function of this program, as objdump
 * disassembles them.  Returns 0, or -1 when objdump is not available. */
static int disassemble(const char *function)
{
    char exe[4096], cmd[4400], line[256];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = 0;
    snprintf(cmd, sizeof cmd, "objdump -d --no-show-raw-insn --no-addresses "
             "--disassemble=%s '%s' 2>/dev/null", function, exe);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    int shown = 0;
    bool in = false;
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = 0;
        if (strstr(line, "<") && strstr(line, ">:")) {
            in = true;
            lecture_code("%s", line);
            continue;
        }
        if (!in || !line[0] || !strncmp(line, "Disassembly", 11))
            continue;
        char *insn = line + strspn(line, " \t");
        if (!strncmp(insn, "nop", 3) || !strncmp(insn, "cs nop", 6) ||
            !strncmp(insn, "data16", 6) || !strncmp(insn, "xchg   %ax,%ax", 14))
            continue;                   /* alignment padding */
        lecture_code("    %s", insn);
        shown++;
    }
    pclose(p);
    return shown > 0 ? 0 : -1;
}

/* ---- the alignment rule ----------------------------------------------------- */

typedef float v4 __attribute__((vector_size(16)));

/* Keeps a 16-byte vector in its frame: the compiler stores it with an
 * aligned instruction (movaps), trusting rsp to be aligned as the ABI says. */
static __attribute__((noinline)) long needs_alignment(void *arg)
{
    volatile v4 local = { 1, 2, 3, 4 };
    local[0] += (float)(uintptr_t)arg;
    return (long)local[0];
}

static const char *run_in_child(long (*caller)(long (*)(void *), void *))
{
    static char text[96];
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(5);
        caller(needs_alignment, NULL);
        _exit(0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        snprintf(text, sizeof text, "could not run");
    else if (WIFSIGNALED(status))
        snprintf(text, sizeof text, "killed by SIG%s", sigabbrev_np(WTERMSIG(status)));
    else
        snprintf(text, sizeof text, "ran fine (exit %d)", WEXITSTATUS(status));
    return text;
}

static long diagram_inside(void *unused)
{
    (void)unused;
    lecture_draw_stack("prologue_epilogue", "sl_asm_framed: its frame record between two C frames",
               "sl_asm_framed");
    return 0;
}

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "prologue_epilogue",
                  "How a function builds its frame and takes it down, one instruction at a "
                  "time.",
                  "Traces rsp and rbp through hand-written prologues and epilogues, shows the\n"
                  "compiler's (objdump), frame pointer on and off, and the 16-byte rule.\n\n"
                  "Diagrams:\n"
                  "  prologue_epilogue.svg   the stack inside sl_asm_framed\n");

    lecture_step("A classic frame, instruction by instruction");
    lecture_say("pe_traced_framed (demos/prologue_epilogue.S) stores rsp and rbp after each "
                "instruction. Offsets are from rsp at entry, where the return address is:");
    uint64_t caller_rbp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
    memset(trace, 0, sizeof trace);
    long r = pe_traced_framed(look_inside, NULL, trace);
    uint64_t entry = trace[0][0];
    row("(entry)", "[rsp] = return address", 0, entry, caller_rbp);
    row("push %rbp", "[rsp] = caller's rbp", 1, entry, caller_rbp);
    row("mov  %rsp, %rbp", "rbp = this frame", 2, entry, caller_rbp);
    row("sub  $16, %rsp", "16 bytes of locals", 3, entry, caller_rbp);
    row("call *%rax ... back", "fn(arg) ran", 4, entry, caller_rbp);
    row("leave", "rsp = rbp; pop rbp", 5, entry, caller_rbp);
    lecture_code("%-22s rsp = %-10s (%%16 = %2d)   rbp = caller's   pops the return address",
                 "ret", "entry+0x8", (int)((entry + 8) % 16));
    if (r != 42 || trace[5][0] != entry || trace[5][1] != caller_rbp)
        lecture_fail("the epilogue did not restore rsp and rbp");
    lecture_say("While fn ran, the frame record at rbp held [rbp] = %s (the caller's rbp: %s) and "
                "[rbp+8] = %s, the return address.",
                lecture_stable() ? "the caller's rbp" : lecture_addr((void *)seen.saved_rbp),
                seen.saved_rbp == caller_rbp ? lecture_good("matches") : lecture_bad("differs"),
                lecture_note(name_of(seen.return_address)));
    lecture_say("That pair is what a frame-pointer walk follows, and what the "
                "CFI directives (.cfi_def_cfa_register %%rbp) describe to a CFI walk.");

    lecture_step("Without a frame pointer");
    memset(trace, 0, sizeof trace);
    pe_traced_frameless(look_inside, NULL, trace);
    entry = trace[0][0];
    row("(entry)", "[rsp] = return address", 0, entry, caller_rbp);
    row("sub  $8, %rsp", "only for alignment", 1, entry, caller_rbp);
    row("call *%rax ... back", "fn(arg) ran", 2, entry, caller_rbp);
    row("add  $8, %rsp", "frame gone", 3, entry, caller_rbp);
    lecture_say("rbp is never touched: the frame is found from rsp alone, by offsets only the "
                "CFI records (.cfi_adjust_cfa_offset 8).");

    lecture_step("The compiler's prologue, frame pointer on and off");
    lecture_code("long f(long n) { long local[4]; for (i = 0; i < 4; i++) local[i] = n + i;");
    lecture_code("                 return pe_consume(local, 4) + 1; }");
    if (disassemble("pe_compiled_fp") == 0 && disassemble("pe_compiled_nofp") == 0) {
        lecture_say("With frame pointers (-fno-omit-frame-pointer): push %%rbp; mov %%rsp,%%rbp; "
                    "locals at negative offsets from rbp; leave before ret (the scheduler mixes "
                    "the body's first instructions into the prologue). Without "
                    "(-fomit-frame-pointer, the default at -O2 on x86-64): one sub and one add on "
                    "rsp, and rbp is free for data.");
    } else {
        lecture_say("(objdump is not installed: `make listings` writes these disassemblies, or "
                    "install binutils)");
    }

    lecture_step("The 16-byte rule at the call");
    char at_entry[64], in_fn[64];
    memset(trace, 0, sizeof trace);
    pe_traced_framed(look_inside, NULL, trace);
    snprintf(at_entry, sizeof at_entry, "rsp %% 16 = %d at entry", (int)(trace[0][0] % 16));
    snprintf(in_fn, sizeof in_fn, "rsp %% 16 = %d at the call", (int)(trace[3][0] % 16));
    lecture_say("The psABI: rsp is a multiple of 16 %s. The call pushes 8 bytes, so a "
                "function starts with rsp %% 16 = 8 and must move rsp down by 8 + 16k bytes "
                "(pushes included) before its own calls. Measured above: %s, %s.", lecture_em("at every call instruction"),
                lecture_note(at_entry), lecture_note(in_fn));
    lecture_say("That is why the frameless shim subtracts 8, and the framed one pushes rbp (8) "
                "then subtracts 16: 24 bytes in all, of the form 8 + 16k. Compilers rely on the "
                "rule: 16-byte locals are stored with movaps, which faults on a misaligned "
                "address.");
    lecture_say("needs_alignment() keeps a 16-byte vector in its frame. Called properly: %s.",
                lecture_good(run_in_child(sl_asm_framed)));
    const char *bad = run_in_child(pe_call_misaligned);
    lecture_say("Called by pe_call_misaligned, which subtracts 16 instead of 8: the child was %s.",
                lecture_bad(bad));
    if (!strncmp(bad, "ran fine", 8))
        lecture_say("%s", lecture_dim("(this compiler did not use an aligned store here; the "
                                      "misalignment went unnoticed this time)"));

    lecture_step("The frame record, drawn");
    lecture_say("The library's sl_asm_framed between two C frames: return address, saved rbp "
                "(an arrow to the caller's record), locals: see prologue_epilogue.svg.");
    sl_asm_framed(diagram_inside, NULL);
    return lecture_end();
}
