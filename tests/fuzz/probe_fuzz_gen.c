/*
 * probe_fuzz_gen.c: writes the probe fuzzer's cases, a C file of random
 * prototypes, to stdout.
 *
 *     probe_fuzz_gen SEED COUNT > cases.c
 *
 * Each case declares its argument types (scalars in every spelling the
 * classifier reads, structs with arrays and nested groups, unions, packed
 * structs), fills every argument with bytes of its own, calls the probe
 * through the prototype (System V or ms_abi, sometimes variadic), and hands
 * the snapshot and the arguments, described as sl_probe_arg, to the driver
 * (probe_fuzz.c), which checks each predicted place.  The same seed gives
 * the same file, so a failure can be reproduced and a case read.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    PROMOTES = 1,               /* changed by the default argument promotions */
    SPECIAL = 2,                /* needs a valid value (_Bool, x87), not random bytes */
    BIG = 4                     /* 32 bytes: rare inside aggregates */
};

static const struct scalar {
    const char *c;              /* as declared, and as sl_probe_arg.type says it */
    int flags;
    int weight;
} scalars[] = {
    { "char", PROMOTES, 2 }, { "signed char", PROMOTES, 1 }, { "unsigned char", PROMOTES, 1 },
    { "short int", PROMOTES, 1 }, { "unsigned short", PROMOTES, 1 }, { "int", 0, 3 },
    { "unsigned", 0, 1 }, { "long", 0, 3 }, { "long unsigned int", 0, 1 },
    { "long long int", 0, 1 }, { "unsigned long long int", 0, 1 }, { "size_t", 0, 1 },
    { "ssize_t", 0, 1 }, { "wchar_t", 0, 1 }, { "enum fz_color", 0, 1 },
    { "_Bool", PROMOTES | SPECIAL, 1 }, { "float", PROMOTES, 3 }, { "double", 0, 3 },
    { "long double", SPECIAL, 2 }, { "__int128", 0, 2 }, { "unsigned __int128", 0, 1 },
    { "float _Complex", 0, 2 }, { "double _Complex", 0, 2 },
    { "long double _Complex", SPECIAL | BIG, 1 }, { "__float128", 0, 2 },
    { "char *", 0, 1 }, { "void *", 0, 1 },
};
#define NSCALARS ((int)(sizeof scalars / sizeof scalars[0]))

/* splitmix64: the same numbers for the same seed everywhere. */
static uint64_t state;
static uint64_t next(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static int below(int n) { return (int)(next() % (uint64_t)n); }

/* A type: a scalar, or a struct/union of members (each maybe an array). */
typedef struct type {
    int scalar;                 /* index in scalars[], or -1 for a group */
    bool is_union, packed;
    int n;
    struct type *member[4];
    int dim[4];                 /* 1: not an array */
    char name[24];              /* the typedef of a group */
} type;

static type pool[4096];
static int npool, ntypedef;

static int pick_scalar(int avoid)
{
    int total = 0, r;
    for (int i = 0; i < NSCALARS; i++)
        total += scalars[i].flags & avoid ? 0 : scalars[i].weight;
    r = below(total);
    for (int i = 0; i < NSCALARS; i++) {
        int w = scalars[i].flags & avoid ? 0 : scalars[i].weight;
        if (r < w)
            return i;
        r -= w;
    }
    return 0;
}

/* A random group.  Inside unions only byte-safe members (no _Bool, no
 * x87: random bytes in them are not values); depth bounds the nesting. */
static type *group(int depth, int avoid, FILE *out)
{
    type *t = &pool[npool++];

    memset(t, 0, sizeof *t);
    t->scalar = -1;
    t->is_union = below(5) == 0;
    t->packed = !t->is_union && below(6) == 0;
    if (t->is_union)
        avoid |= SPECIAL;
    t->n = 1 + below(3);
    for (int i = 0; i < t->n; i++) {
        if (depth < 2 && below(5) == 0)
            t->member[i] = group(depth + 1, avoid, out);
        else {
            type *s = &pool[npool++];
            memset(s, 0, sizeof *s);
            s->scalar = pick_scalar(avoid | BIG);
            t->member[i] = s;
        }
        t->dim[i] = below(t->member[i]->scalar >= 0 ? 4 : 8) == 0 ? 2 + below(3) : 1;
    }
    snprintf(t->name, sizeof t->name, "fz_t%d", ntypedef++);
    fprintf(out, "typedef %s %s{", t->is_union ? "union" : "struct",
            t->packed ? "__attribute__((packed)) " : "");
    for (int i = 0; i < t->n; i++) {
        const type *m = t->member[i];
        fprintf(out, " %s m%d", m->scalar >= 0 ? scalars[m->scalar].c : m->name, i);
        if (t->dim[i] > 1)
            fprintf(out, "[%d]", t->dim[i]);
        fprintf(out, ";");
    }
    fprintf(out, " } %s;\n", t->name);
    return t;
}

/* The layout string of a group's body (sl_probe_arg.layout). */
static size_t layout(const type *t, char *buf, size_t size)
{
    size_t used = 0;
    for (int i = 0; i < t->n && used < size; i++) {
        const type *m = t->member[i];
        int k;
        if (i)
            buf[used++] = ',';
        if (m->scalar >= 0)
            k = snprintf(buf + used, size - used, "%s", scalars[m->scalar].c);
        else {
            k = snprintf(buf + used, size - used, "%s%s{", m->packed ? "packed " : "",
                         m->is_union ? "union" : "");
            used += k > 0 ? (size_t)k : 0;
            used += layout(m, buf + used, size - used);
            k = snprintf(buf + used, size - used, "}");
        }
        used += k > 0 ? (size_t)k : 0;
        if (t->dim[i] > 1 && used < size) {
            k = snprintf(buf + used, size - used, "[%d]", t->dim[i]);
            used += k > 0 ? (size_t)k : 0;
        }
    }
    return used < size ? used : size - 1;
}

/* Assigns a valid value to every _Bool and x87 leaf reached by path. */
static void special_values(const type *t, const char *path, FILE *out)
{
    if (t->scalar >= 0) {
        const char *c = scalars[t->scalar].c;
        if (strcmp(c, "_Bool") == 0)
            fprintf(out, "    %s = 1;\n", path);
        else if (strcmp(c, "long double") == 0)
            fprintf(out, "    %s = fz_real();\n", path);
        else if (strcmp(c, "long double _Complex") == 0)
            fprintf(out, "    fz_complex(&%s);\n", path);
        return;
    }
    if (t->is_union)
        return;                 /* byte-safe members only */
    for (int i = 0; i < t->n; i++)
        for (int d = 0; d < t->dim[i]; d++) {
            char sub[256];
            if (t->dim[i] > 1)
                snprintf(sub, sizeof sub, "%s.m%d[%d]", path, i, d);
            else
                snprintf(sub, sizeof sub, "%s.m%d", path, i);
            special_values(t->member[i], sub, out);
        }
}

int main(int argc, char **argv)
{
    int count;
    FILE *out = stdout;

    if (argc != 3 || (count = atoi(argv[2])) <= 0) {
        fprintf(stderr, "usage: probe_fuzz_gen SEED COUNT > cases.c\n");
        return 2;
    }
    state = strtoull(argv[1], NULL, 0);
    fprintf(out, "/* Generated by probe_fuzz_gen %s %d: do not edit. */\n", argv[1], count);
    fprintf(out, "#include <stddef.h>\n#include <sys/types.h>\n"
                 "#include <wchar.h>\n#include \"probe_fuzz.h\"\n\n"
                 "enum fz_color { FZ_RED, FZ_GREEN, FZ_BLUE = 0x7fffffff };\n\n");
    for (int k = 0; k < count; k++) {
        type *arg[12];
        int n = 1 + below(8), fixed;
        bool ms = below(3) == 0, variadic = below(5) == 0;
        char proto[2048], lay[512];
        size_t used = 0;

        npool = 0;
        fixed = variadic ? 1 + below(n) : n;
        for (int i = 0; i < n; i++) {
            if (below(3) == 0)
                arg[i] = group(0, i >= fixed ? PROMOTES : 0, out);
            else {
                arg[i] = &pool[npool++];
                memset(arg[i], 0, sizeof *arg[i]);
                arg[i]->scalar = pick_scalar(i >= fixed ? PROMOTES : 0);
            }
        }
        fprintf(out, "typedef void (%s*fz_fn%d)(", ms ? "__attribute__((ms_abi)) " : "", k);
        used += (size_t)snprintf(proto + used, sizeof proto - used, "%s void f(",
                                 ms ? "ms_abi" : "sysv");
        for (int i = 0; i < n; i++) {
            const char *c = arg[i]->scalar >= 0 ? scalars[arg[i]->scalar].c : arg[i]->name;
            if (i < fixed)
                fprintf(out, "%s%s", i ? ", " : "", c);
            if (arg[i]->scalar >= 0)
                used += (size_t)snprintf(proto + used, sizeof proto - used, "%s%s%s",
                                         i ? ", " : "", i == fixed ? "... " : "", c);
            else {
                layout(arg[i], lay, sizeof lay);
                used += (size_t)snprintf(proto + used, sizeof proto - used, "%s%s%s%s{%s}",
                                         i ? ", " : "", i == fixed ? "... " : "",
                                         arg[i]->packed ? "packed " : "",
                                         arg[i]->is_union ? "union" : "struct", lay);
            }
            if (used >= sizeof proto)
                used = sizeof proto - 1;
        }
        fprintf(out, "%s);\n", fixed < n ? ", ..." : "");
        snprintf(proto + used, sizeof proto - used, ")");

        fprintf(out, "static void fz_case%d(void)\n{\n", k);
        for (int i = 0; i < n; i++) {
            char path[16];
            fprintf(out, "    %s a%d;\n", arg[i]->scalar >= 0 ? scalars[arg[i]->scalar].c
                                                           : arg[i]->name, i);
            fprintf(out, "    fz_fill(&a%d, sizeof a%d);\n", i, i);
            snprintf(path, sizeof path, "a%d", i);
            special_values(arg[i], path, out);
        }
        /* The descriptions first: after the call, nothing may be stored in
         * this frame before the check, where a by-reference copy may lie. */
        fprintf(out, "    sl_probe_arg args[] = {\n");
        for (int i = 0; i < n; i++) {
            if (arg[i]->scalar >= 0)
                fprintf(out, "        { \"%s\", &a%d, sizeof a%d, NULL },\n",
                        scalars[arg[i]->scalar].c, i, i);
            else {
                layout(arg[i], lay, sizeof lay);
                fprintf(out, "        { \"%s\", &a%d, sizeof a%d, \"%s%s%s%s\" },\n",
                        arg[i]->name, i, i, arg[i]->packed ? "packed{" : "",
                        arg[i]->is_union ? "union{" : "", lay,
                        arg[i]->packed || arg[i]->is_union ? "}" : "");
            }
        }
        fprintf(out, "    };\n    ((fz_fn%d)%s)(", k, ms ? "SL_PROBE_MS" : "SL_PROBE");
        for (int i = 0; i < n; i++)
            fprintf(out, "%sa%d", i ? ", " : "", i);
        fprintf(out, ");\n    fz_check(%d, \"%s\", args, %d, %d);\n}\n\n", k, proto, n, fixed);
    }
    fprintf(out, "void (*const fz_cases[])(void) = {\n");
    for (int k = 0; k < count; k++)
        fprintf(out, "    fz_case%d,\n", k);
    fprintf(out, "};\nconst int fz_ncases = %d;\n", count);
    fprintf(out, "#ifdef __clang__\nconst int fz_by_clang = __clang_major__;\n#else\n"
                 "const int fz_by_clang = 0;\n#endif\n");
    return 0;
}
