/*
 * film.c: `stacklab film`, a program stepped line by line (or instruction by
 * instruction) with its stack captured at every step, written as one page.
 *
 *     stacklab film [OPTIONS] -o FILM.html -- PROGRAM [ARGS...]
 *
 * Stepping works as gdb's `step` does, on the program's own code only (the
 * functions of the executable that have line information):
 *
 *   - the program runs freely to a breakpoint at main (or at each --function);
 *   - from there it is single-stepped, and a step is recorded whenever the pc
 *     reaches the first instruction of a line-table row (a statement) of
 *     another line, of a new call, or of a loop going round on one line; the
 *     row at a function's entry is passed over, so a call shows its first
 *     line after the prologue, where gdb stops.  Coming back from a call
 *     lands in the middle of the caller's line: stepping goes on to the
 *     start of the next one, as gdb's does;
 *   - a call that leaves the program's code (a PLT stub, the C library) is
 *     run at full speed to a breakpoint at its return address;
 *   - in a function named by --instructions every instruction is a step.
 *
 * At each step the stopped thread is read through the library's target
 * interface (target.h): the CFI walk, symbols and variables are the
 * library's, the same as `stacklab snap` draws; film_write.c turns the steps
 * into the page.  The program's output goes through a pseudo-terminal (so it
 * is line-buffered as on a terminal) that a reader thread copies to our
 * stdout and keeps for the film.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <gelf.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "stacklab/frames.h"
#include "stacklab/target.h"
#include "cli.h"
#include "film_write.h"
#include "machine.h"
#include "tracee.h"
#include "where.h"

/* ---- the program's own code: line rows and functions ------------------------ */

typedef struct row {
    uintptr_t addr;             /* link-time address */
    int line;
    int stmt;                   /* a statement begins here (DW_LNS_negate_stmt) */
    int end;                    /* end of a sequence: no code from here */
    const char *file;           /* owned by the Dwarf handle */
} row;

typedef struct func {
    uintptr_t addr, size;       /* link-time address */
    const char *name;           /* owned by the Elf handle */
} func;

typedef struct program {
    int fd;
    Elf *elf;
    Dwarf *dwarf;
    row *rows;                  /* by address; a pc belongs to the last row <= it */
    size_t nrows;
    func *funcs;                /* FUNC symbols with a size, by address */
    Elf_Data *text;             /* .text, to see which instruction is a ret */
    uintptr_t text_addr;
    size_t nfuncs;
    uintptr_t bias;             /* run-time address - link-time address */
    const char *dirs[16];       /* the compile units' directories (DW_AT_comp_dir),
                                   where their relative file names are */
    int ndirs;
} program;

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return y->end - x->end;     /* an end before a start at the same address */
}

static int func_cmp(const void *a, const void *b)
{
    const func *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Reads every compile unit's line table (clang writes no .debug_aranges, so
 * units are walked, not looked up) and the symbol table's functions. */
static int program_open(program *p, const char *path, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->fd = -1;
    elf_version(EV_CURRENT);
    if ((p->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
        !(p->elf = elf_begin(p->fd, ELF_C_READ_MMAP, NULL))) {
        snprintf(err, errlen, "%s: cannot read the program's ELF file", path);
        return -1;
    }
    size_t cap = 0;
    if ((p->dwarf = dwarf_begin_elf(p->elf, DWARF_C_READ, NULL))) {
        Dwarf_Off off = 0, next;
        size_t hsize;
        while (dwarf_nextcu(p->dwarf, off, &next, &hsize, NULL, NULL, NULL) == 0) {
            Dwarf_Die cu;
            Dwarf_Lines *lines;
            size_t n;
            Dwarf_Attribute at;
            const char *dir = dwarf_offdie(p->dwarf, off + hsize, &cu)
                                  ? dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &at)) : NULL;
            int known = 0;
            for (int i = 0; dir && i < p->ndirs; i++)
                known |= strcmp(p->dirs[i], dir) == 0;
            if (dir && !known && p->ndirs < (int)(sizeof p->dirs / sizeof p->dirs[0]))
                p->dirs[p->ndirs++] = dir;
            if (dwarf_offdie(p->dwarf, off + hsize, &cu) &&
                dwarf_getsrclines(&cu, &lines, &n) == 0) {
                for (size_t i = 0; i < n; i++) {
                    Dwarf_Line *l = dwarf_onesrcline(lines, i);
                    Dwarf_Addr a;
                    row r = { 0 };
                    bool b;
                    if (!l || dwarf_lineaddr(l, &a) != 0)
                        continue;
                    r.addr = a;
                    dwarf_lineno(l, &r.line);
                    r.stmt = dwarf_linebeginstatement(l, &b) == 0 && b;
                    r.end = dwarf_lineendsequence(l, &b) == 0 && b;
                    r.file = dwarf_linesrc(l, NULL, NULL);
                    if (p->nrows == cap) {
                        cap = cap ? 2 * cap : 1024;
                        row *g = realloc(p->rows, cap * sizeof *g);
                        if (!g)
                            return -1;
                        p->rows = g;
                    }
                    p->rows[p->nrows++] = r;
                }
            }
            off = next;
        }
    }
    if (p->nrows == 0) {
        snprintf(err, errlen, "%s has no line information: build it with -g", path);
        return -1;
    }
    qsort(p->rows, p->nrows, sizeof p->rows[0], row_cmp);

    Elf_Scn *scn = NULL;
    cap = 0;
    while ((scn = elf_nextscn(p->elf, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
        for (size_t i = 0; d && i < n; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(d, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
                sym.st_shndx == SHN_UNDEF || sym.st_size == 0)
                continue;
            if (p->nfuncs == cap) {
                cap = cap ? 2 * cap : 256;
                func *g = realloc(p->funcs, cap * sizeof *g);
                if (!g)
                    return -1;
                p->funcs = g;
            }
            p->funcs[p->nfuncs++] = (func){ sym.st_value, sym.st_size,
                                            elf_strptr(p->elf, sh.sh_link, sym.st_name) };
        }
    }
    qsort(p->funcs, p->nfuncs, sizeof p->funcs[0], func_cmp);

    size_t shstrndx;
    scn = NULL;
    while (elf_getshdrstrndx(p->elf, &shstrndx) == 0 && (scn = elf_nextscn(p->elf, scn))) {
        GElf_Shdr sh;
        const char *name;
        if (gelf_getshdr(scn, &sh) && (name = elf_strptr(p->elf, shstrndx, sh.sh_name)) &&
            strcmp(name, ".text") == 0) {
            p->text = elf_getdata(scn, NULL);
            p->text_addr = sh.sh_addr;
            break;
        }
    }
    return 0;
}

/* Is the instruction at run-time address pc a return?  Read from the file:
 * the code does not change, and a read of the running program would cost a
 * system call per instruction. */
static int is_return(const program *p, uintptr_t pc)
{
    uintptr_t a = pc - p->bias;
    if (!p->text || a < p->text_addr || a >= p->text_addr + p->text->d_size)
        return 0;
    size_t at = a - p->text_addr;
    return machine_is_return((const uint8_t *)p->text->d_buf + at, p->text->d_size - at);
}

static void program_close(program *p)
{
    free(p->rows);
    free(p->funcs);
    if (p->dwarf)
        dwarf_end(p->dwarf);
    if (p->elf)
        elf_end(p->elf);
    if (p->fd >= 0)
        close(p->fd);
}

/* The row run-time address pc belongs to, NULL outside the program's code. */
static const row *row_at(const program *p, uintptr_t pc)
{
    uintptr_t a = pc - p->bias;
    size_t lo = 0, hi = p->nrows;

    while (lo < hi) {                   /* the first row above a */
        size_t mid = (lo + hi) / 2;
        if (p->rows[mid].addr <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || p->rows[lo - 1].end)
        return NULL;
    return &p->rows[lo - 1];
}

/* The function run-time address pc is in, NULL when none. */
static const func *func_at(const program *p, uintptr_t pc)
{
    uintptr_t a = pc - p->bias;
    size_t lo = 0, hi = p->nfuncs;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->funcs[mid].addr <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || a >= p->funcs[lo - 1].addr + p->funcs[lo - 1].size)
        return NULL;
    return &p->funcs[lo - 1];
}

static const func *func_named(const program *p, const char *name)
{
    for (size_t i = 0; i < p->nfuncs; i++)
        if (strcmp(p->funcs[i].name, name) == 0)
            return &p->funcs[i];
    return NULL;
}

/* Where the executable was loaded: the start of its first mapping minus the
 * page of its first PT_LOAD's link-time address (0 for a PIE). */
static int program_locate(program *p, pid_t pid)
{
    char path[64], line[4096], exe[4096];
    snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
    ssize_t n = readlink(path, exe, sizeof exe - 1);
    if (n < 0)
        return -1;
    exe[n] = '\0';

    uintptr_t first_vaddr = 0;
    size_t nph;
    if (elf_getphdrnum(p->elf, &nph) == 0)
        for (size_t i = 0; i < nph; i++) {
            GElf_Phdr ph;
            if (gelf_getphdr(p->elf, (int)i, &ph) && ph.p_type == PT_LOAD) {
                first_vaddr = ph.p_vaddr & ~(uintptr_t)0xfff;
                break;
            }
        }
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, off;
        int name = 0;
        if (sscanf(line, "%lx-%*x %*s %lx %*s %*s %n", &lo, &off, &name) >= 2 && name &&
            off == 0 && strncmp(line + name, exe, (size_t)n) == 0 && line[name + n] == '\n') {
            p->bias = lo - first_vaddr;
            found = 0;
            break;
        }
    }
    fclose(f);
    return found;
}

/* ---- the program's output --------------------------------------------------- */

/* The master side of the program's terminal.  A reader thread copies what
 * the program writes to our stdout as it comes (so nothing ever blocks on a
 * full terminal) and keeps it; each step takes what is new. */
typedef struct output {
    int master;
    pthread_t reader;
    pthread_mutex_t lock;
    char *text;
    size_t len, cap, taken;
    int running;
    volatile int stop;          /* the program has ended: read what is left and go */
} output;

/* Reads what is there now; 0 at the end.  Called with the lock held. */
static ssize_t output_pull(output *o)
{
    char chunk[4096];
    ssize_t n = read(o->master, chunk, sizeof chunk);
    if (n <= 0)
        return n;
    if (o->len + (size_t)n > o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 8192;
        while (cap < o->len + (size_t)n)
            cap *= 2;
        char *t = realloc(o->text, cap);
        if (!t)
            return -1;
        o->text = t;
        o->cap = cap;
    }
    memcpy(o->text + o->len, chunk, (size_t)n);
    o->len += (size_t)n;
    if (fwrite(chunk, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout) != 0)
        clearerr(stdout);
    return n;
}

static void *output_reader(void *arg)
{
    output *o = arg;
    for (;;) {
        struct pollfd pfd = { .fd = o->master, .events = POLLIN };
        int ready = poll(&pfd, 1, 100);
        if (ready < 0 && errno != EINTR)
            break;
        if (ready == 0 && o->stop)
            break;                      /* ended, and a child holds the terminal */
        pthread_mutex_lock(&o->lock);
        ssize_t n = output_pull(o);
        pthread_mutex_unlock(&o->lock);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            break;                      /* EIO: every copy of the terminal closed */
    }
    return NULL;
}

/* Opens a terminal in raw mode (no "\n" -> "\r\n") and returns its slave. */
static int output_open(output *o)
{
    memset(o, 0, sizeof *o);
    pthread_mutex_init(&o->lock, NULL);
    o->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (o->master < 0 || grantpt(o->master) < 0 || unlockpt(o->master) < 0)
        return -1;
    const char *name = ptsname(o->master);
    int slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
    struct termios tio;
    if (slave >= 0 && tcgetattr(slave, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(slave, TCSANOW, &tio);
    }
    fcntl(o->master, F_SETFL, fcntl(o->master, F_GETFL) | O_NONBLOCK);
    return slave;
}

static void output_start(output *o)
{
    o->running = pthread_create(&o->reader, NULL, output_reader, o) == 0;
}

/* What the program wrote since the last call (pointer into o->text). */
static const char *output_take(output *o, size_t *n)
{
    pthread_mutex_lock(&o->lock);
    while (output_pull(o) > 0)
        ;
    const char *s = o->text ? o->text + o->taken : "";
    *n = o->len - o->taken;
    o->taken = o->len;
    pthread_mutex_unlock(&o->lock);
    return s;
}

static void output_close(output *o)
{
    o->stop = 1;
    if (o->running)
        pthread_join(o->reader, NULL);
    if (o->master >= 0)
        close(o->master);
    free(o->text);
    pthread_mutex_destroy(&o->lock);
}

/* ---- stepping ----------------------------------------------------------------- */

typedef struct options {
    const char *out;
    const char *title;
    const char **functions;     /* --function */
    int nfunctions;
    const char **instructions;  /* --instructions */
    int ninstructions;
    int max_steps;
    int stable;
    int no_variables;
    const char *list;           /* --list FILE: the steps as text too */
} options;

/* The instructions of the --instructions functions as objdump prints them
 * ("push   %rbp"), read once at the first step in each function
 * (disassemble_func). */
typedef struct insn_text {
    uintptr_t addr;             /* link-time */
    char *text;
} insn_text;

typedef struct stepper {
    const options *opt;
    program prog;
    tracee t;
    pid_t tid;
    film *film;
    output out;
    sl_stack stack;
    machine_regs cur, prev;
    int depth;                  /* calls minus returns since stepping began */
    /* the last step: */
    const row *at;
    int at_depth;
    uintptr_t at_pc;
    film_return returns[16];    /* returns since the last step */
    int nreturns;
    int cut;
    FILE *list;                 /* --list */
    char exe[64];               /* /proc/PID/exe */
    insn_text *insns;           /* --instructions: objdump's text of each instruction */
    int ninsns;
    const func *disassembled[16];
    int ndisassembled;
} stepper;

static int is_instruction_func(const stepper *st, const func *f)
{
    for (int i = 0; f && i < st->opt->ninstructions; i++)
        if (strcmp(f->name, st->opt->instructions[i]) == 0)
            return 1;
    return 0;
}

static void disassemble_func(stepper *st, const char *exe, const func *f)
{
    char cmd[8192], line[512];
    snprintf(cmd, sizeof cmd,
             "objdump -d --no-show-raw-insn --start-address=0x%lx --stop-address=0x%lx '%s' 2>/dev/null",
             (unsigned long)f->addr, (unsigned long)(f->addr + f->size), exe);
    FILE *p = popen(cmd, "r");
    while (p && fgets(line, sizeof line, p)) {
        unsigned long at;
        int n = 0;
        if (sscanf(line, " %lx:%n", &at, &n) != 1 || !n || line[n] != '\t')
            continue;
        char *s = line + n;
        s += strspn(s, " \t");
        s[strcspn(s, "\n#<")] = '\0';         /* objdump's comments and symbol hints */
        for (size_t k = strlen(s); k && (s[k - 1] == ' ' || s[k - 1] == '\t'); k--)
            s[k - 1] = '\0';
        for (char *c = s; *c; c++)
            if (*c == '\t')
                *c = ' ';
        insn_text *g = realloc(st->insns, (size_t)(st->ninsns + 1) * sizeof *g);
        if (!g)
            break;
        st->insns = g;
        st->insns[st->ninsns++] = (insn_text){ at, strdup(s) };
    }
    if (p)
        pclose(p);
}

/* The text of the instruction at run-time address pc, NULL when unknown. */
static const char *instruction_at(stepper *st, const func *f, uintptr_t pc)
{
    int done = 0;
    for (int i = 0; i < st->ndisassembled; i++)
        done |= st->disassembled[i] == f;
    if (!done && st->ndisassembled < (int)(sizeof st->disassembled / sizeof st->disassembled[0])) {
        st->disassembled[st->ndisassembled++] = f;
        disassemble_func(st, st->exe, f);
    }
    for (int i = 0; i < st->ninsns; i++)
        if (st->insns[i].addr + st->prog.bias == pc)
            return st->insns[i].text;
    return NULL;
}

/* Captures the stopped thread and adds a step.  Returns 0, or -1. */
static int take_step(stepper *st, const row *at, const char *note)
{
    sl_target tg;
    sl_stack *s = &st->stack;

    if (sl_target_ptrace(&tg, st->t.pid, st->tid) < 0)
        return -1;
    int n = sl_stack_capture_target(s, &tg, SL_WALK_CFI);
    int last = s->count - 1;
    if (n > 0) {
        int m = cli_symbolize(s, 0);
        if (m >= 0)
            last = m;
        if (!st->opt->no_variables) {
            s->count = last + 1;        /* the frames drawn: not libc's start-up */
            sl_stack_read_variables(s);
            s->count = n;
        }
    }
    sl_target_release(&tg);
    if (n <= 0)
        return -1;

    size_t outlen;
    const char *out = output_take(&st->out, &outlen);
    const func *f = func_at(&st->prog, st->cur.pc);
    const char *insn = is_instruction_func(st, f) ? instruction_at(st, f, st->cur.pc) : NULL;
    film_step step = {
        .stack = s, .first = 0, .last = last, .line = at ? at->line : 0,
        .rip = st->cur.pc, .rsp = st->cur.sp, .rbp = st->cur.fp,
        .insn = insn, .note = note, .returns = st->returns, .return_count = st->nreturns,
        .out = out, .out_len = outlen,
    };
    int r = film_add(st->film, &step);
    film_set_end(st->film, 0, NULL, s->count - 1 - last);
    if (st->list) {                     /* "12 17 main > factorial > factorial" */
        fprintf(st->list, "%d %d ", film_steps(st->film), at ? at->line : s->frames[0].line);
        for (int i = last; i >= 0; i--)
            fprintf(st->list, i ? "%s > " : "%s\n", s->frames[i].function);
    }
    st->nreturns = 0;
    st->at = at;
    st->at_depth = st->depth;
    st->at_pc = st->cur.pc;
    return r;
}

/* Is this pc where a step begins?  See the top of the file. */
static int begins_step(const stepper *st, const row *r, const func *f)
{
    uintptr_t pc = st->cur.pc;

    if (is_instruction_func(st, f))
        return 1;
    if (!r || !r->stmt || r->addr + st->prog.bias != pc)
        return 0;                       /* the middle of a line */
    if (f && f->addr + st->prog.bias == pc)
        return 0;                       /* a function's entry: its prologue comes first */
    return !st->at || st->depth != st->at_depth || r->line != st->at->line ||
           strcmp(r->file ? r->file : "", st->at->file ? st->at->file : "") != 0 ||
           pc <= st->at_pc;
}

/* Single-steps the program's own code from where it stopped until it
 * leaves through its outermost frame (rsp above floor), ends, or the film is
 * full.  Returns a tracee_result: TRACEE_OK when it left, or what ended it. */
static int step_through(stepper *st, uintptr_t floor, tracee_event *ev)
{
    for (;;) {
        const row *r = row_at(&st->prog, st->cur.pc);
        const func *f = func_at(&st->prog, st->cur.pc);
        if (begins_step(st, r, f)) {
            if (film_steps(st->film) >= st->opt->max_steps) {
                st->cut = 1;
                return TRACEE_OK;
            }
            if (take_step(st, r, NULL) < 0)
                return TRACEE_ESYSTEM;
        }
        st->prev = st->cur;
        int k = tracee_step(&st->t, st->tid, ev);
        if (k != TRACEE_STEPPED)
            return k;
        if (machine_get_regs(st->tid, &st->cur) < 0)
            return TRACEE_ESYSTEM;

        const func *now = func_at(&st->prog, st->cur.pc);
        if (st->cur.sp == st->prev.sp - 8 && now && now->addr + st->prog.bias == st->cur.pc)
            st->depth++;                /* a call */
        if (f && is_return(&st->prog, st->prev.pc)) {
            st->depth--;                /* a return: the value is in rax */
            if (st->nreturns < (int)(sizeof st->returns / sizeof st->returns[0]))
                st->returns[st->nreturns++] = (film_return){ f->name, st->cur.ret };
        }
        if (st->cur.sp > floor)
            return TRACEE_OK;           /* the outermost filmed frame returned */
        if (row_at(&st->prog, st->cur.pc) || is_instruction_func(st, now))
            continue;

        /* Outside the program's code: run to the return address. */
        uintptr_t ra, sp = st->cur.sp;
        if (tracee_read(&st->t, sp, &ra, sizeof ra) < 0 || !row_at(&st->prog, ra))
            return TRACEE_OK;           /* not called from our code: we are done here */
        int planted = tracee_break_insert(&st->t, ra) == 0;
        do {
            k = tracee_run(&st->t, ev);
            if (k == TRACEE_BREAK && machine_get_regs(ev->tid, &st->cur) < 0)
                k = TRACEE_ESYSTEM;
        } while (k == TRACEE_BREAK && (ev->addr != ra || st->cur.sp <= sp));
        if (planted)
            tracee_break_remove(&st->t, ra);
        if (k != TRACEE_BREAK)
            return k;
        st->tid = ev->tid;              /* its pc is back at ra, under the int3 */
    }
}

/* ---- the command ---------------------------------------------------------------- */

static void usage(FILE *out)
{
    fputs("usage: stacklab film [OPTIONS] -o FILM.html -- PROGRAM [ARGS...]\n"
          "Steps PROGRAM (built with -g) and writes its stack at every step as one HTML page.\n"
          "  -o, --output FILE      the page to write (required)\n"
          "  --function F           film only F and what it calls (repeatable)\n"
          "  --instructions F       one step per machine instruction in F (repeatable)\n"
          "  --max-steps N          stop filming after N steps (default 1000)\n"
          "  --stable               ASLR off; the page shows CFA offsets first\n"
          "  --no-variables         frames and slots only\n"
          "  --title TEXT           a caption for the page\n"
          "  --list FILE            also write the steps as text: step, line, frames\n"
          "Exit status: the program's (128+signal when a signal ended it); 125 usage,\n"
          "126 not executable, 127 not found.\n", out);
}

/* The command line as the page shows it: "./fact 4". */
static char *command_text(char *const argv[])
{
    size_t n = 1;
    for (int i = 0; argv[i]; i++)
        n += strlen(argv[i]) + 1;
    char *s = malloc(n), *p = s;
    for (int i = 0; s && argv[i]; i++)
        p += sprintf(p, i ? " %s" : "%s", argv[i]);
    return s;
}

static int parse(int argc, char *argv[], options *o)
{
    enum { OPT_FUNCTION = 256, OPT_INSNS, OPT_MAX, OPT_STABLE, OPT_NOVARS, OPT_TITLE, OPT_LIST };
    static const struct option longs[] = {
        { "output", required_argument, NULL, 'o' },
        { "function", required_argument, NULL, OPT_FUNCTION },
        { "instructions", required_argument, NULL, OPT_INSNS },
        { "max-steps", required_argument, NULL, OPT_MAX },
        { "stable", no_argument, NULL, OPT_STABLE },
        { "no-variables", no_argument, NULL, OPT_NOVARS },
        { "title", required_argument, NULL, OPT_TITLE },
        { "list", required_argument, NULL, OPT_LIST },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int c;
    char *end;

    o->max_steps = 1000;
    o->functions = calloc((size_t)argc, sizeof *o->functions);
    o->instructions = calloc((size_t)argc, sizeof *o->instructions);
    optind = 1;
    while ((c = getopt_long(argc, argv, "+o:h", longs, NULL)) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case OPT_FUNCTION: o->functions[o->nfunctions++] = optarg; break;
        case OPT_INSNS: o->instructions[o->ninstructions++] = optarg; break;
        case OPT_MAX:
            errno = 0;
            o->max_steps = (int)strtol(optarg, &end, 10);
            if (errno || *end || o->max_steps < 1) {
                cli_error("film: --max-steps %s: not a positive number", optarg);
                return -1;
            }
            break;
        case OPT_STABLE: o->stable = 1; break;
        case OPT_NOVARS: o->no_variables = 1; break;
        case OPT_TITLE: o->title = optarg; break;
        case OPT_LIST: o->list = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (!o->out) {
        cli_error("film: no output page: give -o FILM.html");
        return -1;
    }
    if (optind >= argc) {
        cli_error("film: no program to run: stacklab film -o FILM.html -- PROGRAM");
        return -1;
    }
    return optind;
}

/* Launches argv with the terminal of o as its stdout and stderr. */
static int launch(stepper *st, char *const argv[])
{
    int slave = output_open(&st->out);
    if (slave < 0) {
        snprintf(st->t.error, sizeof st->t.error, "cannot open a terminal for the program: %s",
                 strerror(errno));
        return TRACEE_ESYSTEM;
    }
    fflush(stdout);
    fflush(stderr);
    int out = dup(1), err = dup(2);
    dup2(slave, 1);
    dup2(slave, 2);
    int r = tracee_launch(&st->t, argv, st->opt->stable ? TRACEE_NO_ASLR : 0);
    dup2(out, 1);
    dup2(err, 2);
    close(out);
    close(err);
    close(slave);
    output_start(&st->out);
    return r;
}

/* Can a file be created beside path?  Asked before the program runs, so a
 * typo in -o does not cost a whole run. */
static int writable_dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return 0;
    char *slash = strrchr(copy, '/');
    const char *dir = slash ? (slash == copy ? "/" : (*slash = '\0', copy)) : ".";
    int ok = access(dir, W_OK | X_OK) == 0;
    free(copy);
    return ok;
}

static void describe_end(int status, char *buf, size_t n)
{
    if (WIFEXITED(status))
        snprintf(buf, n, "the program exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, n, "the program was killed by SIG%s (%s)",
                 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?",
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, n, "the program ended");
}

/* Says that the program has no function name, the way `stacklab snap
 * --at` says it (with the names it may have meant). */
static void no_function(stepper *st, const char *name)
{
    where w = { 0 };
    if (where_resolve(&w, name, st->t.pid) < 0)
        cli_error("film: %s", w.error);
    else
        cli_error("film: %s has no out-of-line copy of %s to step through", st->exe, name);
    where_release(&w);
}

static void stepper_release(stepper *st)
{
    film_free(st->film);
    sl_stack_release(&st->stack);
    program_close(&st->prog);
    for (int i = 0; i < st->ninsns; i++)
        free(st->insns[i].text);
    if (st->list)
        fclose(st->list);
    free(st->insns);
    free(st->opt->functions);
    free(st->opt->instructions);
}

int cmd_film(int argc, char **argv)
{
    options opt = { 0 };
    stepper st = { .opt = &opt, .prog.fd = -1 };
    int first = parse(argc, argv, &opt), status = 0, code;
    tracee_event ev;
    char ending[128];

    if (first < 0) {
        stepper_release(&st);
        return EXIT_USAGE;
    }
    if (!writable_dir_of(opt.out)) {
        cli_error("film: cannot write %s: %s", opt.out, strerror(errno));
        stepper_release(&st);
        return EXIT_USAGE;
    }
    if (opt.list && !(st.list = fopen(opt.list, "we"))) {
        cli_error("film: cannot write %s: %s", opt.list, strerror(errno));
        stepper_release(&st);
        return EXIT_USAGE;
    }
    char **prog_argv = argv + first;
    int r = launch(&st, prog_argv);
    if (r < 0) {
        cli_error("film: %s", st.t.error);
        output_close(&st.out);
        stepper_release(&st);
        return r == TRACEE_ENOENT ? EXIT_NOT_FOUND : r == TRACEE_ENOEXEC ? EXIT_CANNOT_EXECUTE
                                                                    : EXIT_USAGE;
    }
    st.tid = st.t.pid;
    snprintf(st.exe, sizeof st.exe, "/proc/%d/exe", (int)st.t.pid);
    char err[512] = "";
    if (program_open(&st.prog, st.exe, err, sizeof err) < 0 || program_locate(&st.prog, st.t.pid) < 0) {
        cli_error("film: %s", err[0] ? err : "cannot read the program");
        goto fail;
    }
    const char *main_only[] = { "main" };
    const char **entries = opt.nfunctions ? opt.functions : main_only;
    for (int i = 0; i < (opt.nfunctions ? opt.nfunctions : 1); i++) {
        const func *f = func_named(&st.prog, entries[i]);
        if (!f) {
            no_function(&st, entries[i]);
            goto fail;
        }
        if (tracee_break_insert(&st.t, f->addr + st.prog.bias) < 0) {
            cli_error("film: %s", st.t.error);
            goto fail;
        }
    }
    for (int i = 0; i < opt.ninstructions; i++)
        if (!func_named(&st.prog, opt.instructions[i])) {
            no_function(&st, opt.instructions[i]);
            goto fail;
        }
    char *cmd = command_text(prog_argv);
    st.film = film_new(cmd, opt.title, opt.ninstructions ? FILM_INSTRUCTIONS : FILM_LINES,
                       opt.stable);
    free(cmd);
    if (!st.film)
        goto fail;
    for (int i = 0; i < st.prog.ndirs; i++)
        film_source_dir(st.film, st.prog.dirs[i]);

    for (;;) {
        r = tracee_run(&st.t, &ev);
        if (r == TRACEE_BREAK) {
            st.tid = ev.tid;
            if (machine_get_regs(st.tid, &st.cur) < 0)
                break;
            st.depth = 0;
            st.at = NULL;               /* an entry always begins a step */
            r = step_through(&st, st.cur.sp, &ev);
            /* Back in the caller of a --function: one more step, to show
             * what it returned. */
            if (r == TRACEE_OK && !st.cut && st.nreturns > 0 && opt.nfunctions &&
                film_steps(st.film) < opt.max_steps &&
                take_step(&st, row_at(&st.prog, st.cur.pc), NULL) < 0)
                r = TRACEE_ESYSTEM;
        }
        if (r == TRACEE_SIGNAL) {
            char note[128];
            snprintf(note, sizeof note, "SIG%s (%s), fault address 0x%lx: the program crashes here",
                     sigabbrev_np(ev.signal) ? sigabbrev_np(ev.signal) : "?",
                     strsignal(ev.signal), (unsigned long)(uintptr_t)ev.info.si_addr);
            if (!st.cut && film_steps(st.film) < opt.max_steps && machine_get_regs(ev.tid, &st.cur) == 0) {
                st.tid = ev.tid;
                take_step(&st, row_at(&st.prog, st.cur.pc), note);
            }
        }
        if (r != TRACEE_OK || st.cut)
            break;
    }
    if (r < 0) {
        cli_error("film: %s", st.t.error[0] ? st.t.error : "stepping failed");
        goto fail;
    }
    status = tracee_finish(&st.t);      /* ended: its status; else run on to the end */
    output_close(&st.out);
    describe_end(status, ending, sizeof ending);
    film_set_end(st.film, st.cut, ending, -1);
    code = tracee_exit_code(status);
    if (film_steps(st.film) == 0)
        cli_error("film: no step was filmed (%s before reaching %s)",
                ending, entries[0]);
    if (film_write(st.film, opt.out) < 0) {
        cli_error("film: cannot write %s: %s", opt.out, strerror(errno));
        code = EXIT_USAGE;
    }
    stepper_release(&st);
    return code;
fail:
    tracee_kill(&st.t);
    output_close(&st.out);
    stepper_release(&st);
    return EXIT_USAGE;
}
