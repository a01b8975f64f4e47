/*
 * calling_convention-four.c: one prototype under four calling conventions,
 * side by side: System V AMD64, Microsoft x64, AAPCS64 and RISC-V LP64D.
 *
 * The rules are plain C in the library (sl_probe_predict), so any machine
 * can print where each of the four would put the same arguments; the probe
 * then measures the one the machine runs (calling_convention.c on x86-64,
 * demos/ports/calling_convention.c elsewhere).
 */
#include <stacklab/abi.h>

#include <stdio.h>
#include <string.h>

#include "lecture.h"

struct four_pair { long a; double b; };                 /* mixed 16 bytes */
struct four_floats { float x, y, z; };                  /* three floats */
struct four_big { long w, x, y, z; };                   /* 32 bytes */

static const int fi = 7;
static const double fd = 2.5;
static const struct four_pair fp = { 11, 0.5 };
static const struct four_floats ff = { 1.0f, 2.0f, 3.0f };
static const struct four_big fb = { 1, 2, 3, 4 };
static const long fl = 42;

/* The arguments of cc_four_prototype, described for the rules. */
const sl_probe_arg cc_four_args[6] = {
    { "int", &fi, sizeof fi, NULL },
    { "double", &fd, sizeof fd, NULL },
    { "struct pair", &fp, sizeof fp, "long,double" },
    { "struct floats", &ff, sizeof ff, "float[3]" },
    { "struct big", &fb, sizeof fb, "long[4]" },
    { "long", &fl, sizeof fl, NULL },
};
const char *const cc_four_prototype =
    "void f(int i, double d, struct pair {long; double} p,\n"
    "       struct floats {float x, y, z;} t, struct big {long w, x, y, z;} b, long l);";

/* Calls probe through the prototype above (AAPCS64 or LP64D, where the
 * probe runs one of those), so the snapshot holds the real placement. */
void cc_four_call(void (*probe)(void))
{
    ((void (*)(int, double, struct four_pair, struct four_floats, struct four_big, long))probe)(
        fi, fd, fp, ff, fb, fl);
    __asm__ volatile("" ::: "memory");          /* not a tail call: the copies stay */
}

/* Shortens "rdx = pointer to a copy" to fit a column. */
static const char *shorten(char *where)
{
    char *p = strstr(where, " = pointer to a copy");
    if (p)
        strcpy(p, " -> copy");
    return where;
}

void cc_four_table(void)
{
    static const struct { sl_call_convention c; const char *name; } convs[4] = {
        { SL_CALL_SYSV, "System V" }, { SL_CALL_MS, "Microsoft x64" },
        { SL_CALL_AAPCS64, "AAPCS64" }, { SL_CALL_LP64D, "RISC-V LP64D" },
    };
    char where[4][6][64];
    int ok[4];

    lecture_code("%s", cc_four_prototype);
    for (int k = 0; k < 4; k++)
        ok[k] = sl_probe_predict(convs[k].c, cc_four_args, 6, where[k]) == 0;
    lecture_code("%s", lecture_dim("arg  type            System V         Microsoft x64    "
                                   "AAPCS64          RISC-V LP64D"));
    for (int i = 0; i < 6; i++) {
        char line[160];
        int n = snprintf(line, sizeof line, "%-4d %-15s", i + 1, cc_four_args[i].type);
        for (int k = 0; k < 4 && n < (int)sizeof line; k++)
            n += snprintf(line + n, sizeof line - (size_t)n, k < 3 ? " %-16s" : " %s",
                          ok[k] ? shorten(where[k][i]) : "(x86-64 only)");
        lecture_code("%s", line);
    }
}
