/*
 * calling_convention (AArch64 and RISC-V): where a call puts its arguments,
 * measured on the machine that runs it.
 *
 * The x86-64 demo (demos/calling_convention.c) contrasts System V with
 * Microsoft x64, which only x86-64 has.  This one, built by
 * `make ARCH=aarch64` or `make ARCH=riscv64`, calls the probe (sl_probe, in
 * asm/<arch>/probe.S) through one prototype and prints where each argument
 * really went, checked against the rules (sl_probe_print); then the same
 * prototype under the four conventions, predicted from their rules.  On
 * this x86-64 machine it runs under qemu-user, which executes the other
 * architecture's instructions one by one: the registers are the real ones.
 */
#include <stacklab/abi.h>

#include <stdio.h>
#include <string.h>

#include "lecture.h"

/* calling_convention-four.c: the prototype, its arguments, the table. */
extern const sl_probe_arg cc_four_args[6];
extern const char *const cc_four_prototype;
void cc_four_call(void (*probe)(void));
void cc_four_table(void);

static void (*volatile probe)(void) = sl_probe;

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "calling_convention",
                  "Where a call puts its arguments, measured by the probe on this machine.",
                  "Shows: one prototype called through the probe, each argument found in the\n"
                  "register or stack slot the convention names (AAPCS64 on AArch64, LP64D on\n"
                  "RISC-V), then the same prototype under all four conventions.\n\n"
                  "Diagrams:\n"
                  "  calling_convention.svg   the stack at the probed call\n");

    lecture_step("One call through the probe");
    lecture_say("The probe is one assembly routine (asm/<arch>/probe.S) called through any "
                "prototype: it saves every argument register, the FP/vector argument "
                "registers and 256 bytes of stack arguments. If this runs on an x86-64 "
                "machine, qemu-user is executing it: %s.",
                lecture_note("the registers below are the guest's real ones"));
    lecture_code("%s", cc_four_prototype);
    cc_four_call(probe);
    sl_probe_snapshot s = *sl_probe_last();     /* before anything else probes */
    sl_probe_print(&s, cc_four_args, 6, stdout);

    /* Every place the rules name must hold the value (a reference: the
     * pointer's copy is not checked). */
    char where[6][64];
    if (sl_probe_predict((sl_call_convention)s.convention, cc_four_args, 6, where) != 0)
        lecture_fail("the rules of this machine's convention are not built in");
    else
        lecture_say("Each place above is the one the rules predict (%s) and held the value "
                    "when the probe ran; \"?\" would mark a disagreement.",
                    s.convention == SL_CALL_AAPCS64 ? "AAPCS64 6.8.2" : "RISC-V LP64D");

    lecture_step("The same prototype under four conventions");
    cc_four_table();
    lecture_say("The struct of three floats is the clearest difference: AAPCS64 calls it a "
                "Homogeneous Floating-point Aggregate and gives each member a v register; "
                "RISC-V's floating-point rules take at most two members, so it travels in "
                "two integer registers; System V packs it into two xmm registers.");
    lecture_draw_stack("calling_convention", "The stack at the probed call", "main");
    return lecture_end();
}
