/*
 * address_space.c: where a program's pieces live in memory.
 *
 * The lecture: one variable of each kind (code, a string literal, an
 * initialized global, a zeroed global, a malloc'd block, a local, an
 * anonymous mmap, a libc function), each address classified by the region of
 * /proc/self/maps that holds it, then drawn as the address-space picture.
 * The addresses are virtual: a second run of this same program puts
 * everything elsewhere (ASLR), and an address with no mapping behind it is
 * not memory at all: reading it is a segmentation fault, which stacklab turns
 * into an exception.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stacklab/except.h"
#include "stacklab/memmap.h"
#include "lecture.h"

int initialized_global = 42;            /* .data: its value is in the file */
int zeroed_global;                      /* .bss: only its size is in the file */
static const char greeting[] = "hello"; /* .rodata */

/* Environment variable that makes a re-run print its addresses and exit. */
#define CHILD_ENV "STACKLAB_ADDRESS_SPACE_CHILD"

struct thing {
    const char *label;                  /* what it is, as C code */
    const void *address;
};

int main(int argc, char **argv);

static int collect(struct thing *t, void *heap, void *mapped, const int *local)
{
    int n = 0;
    t[n++] = (struct thing){ "main (a function)", (const void *)main };
    t[n++] = (struct thing){ "\"hello\" (string literal)", greeting };
    t[n++] = (struct thing){ "initialized_global = 42", &initialized_global };
    t[n++] = (struct thing){ "zeroed_global", &zeroed_global };
    t[n++] = (struct thing){ "malloc(64)", heap };
    t[n++] = (struct thing){ "mmap(4096) anonymous", mapped };
    t[n++] = (struct thing){ "printf (in libc)", (const void *)printf };
    t[n++] = (struct thing){ "int local (in main)", local };
    return n;
}

/* The re-run: print "label<TAB>address" for a few things and exit. */
static int child(void)
{
    int local = 0;
    void *heap = malloc(64);
    void *mapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct thing t[8];
    int n = collect(t, heap, mapped, &local);
    for (int i = 0; i < n; i++)
        printf("%s\t%p\n", t[i].label, t[i].address);
    return 0;
}

/* A page in the middle of the widest gap between two mappings: certainly not
 * mapped when we read it. */
static const void *unmapped_address(const sl_memmap *m)
{
    uintptr_t best = 0, widest = 0;
    for (int i = 0; i + 1 < m->count; i++) {
        uintptr_t gap = m->regions[i + 1].start - m->regions[i].end;
        if (gap > widest && m->regions[i + 1].start < ((uintptr_t)1 << 47)) {
            widest = gap;
            best = m->regions[i].end + gap / 2;
        }
    }
    return (const void *)(best & ~(uintptr_t)4095);
}

/* Runs this program again in child mode; fills addr[] with what it printed. */
static int run_again(const char *self, void **addr, int n)
{
    char cmd[4200], line[512];
    snprintf(cmd, sizeof cmd, "%s=1 '%s'", CHILD_ENV, self);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    int rows = 0;
    while (fgets(line, sizeof line, p) && rows < n) {
        char *tab = strchr(line, '\t');
        if (tab && sscanf(tab + 1, "%p", &addr[rows]) == 1)
            rows++;
    }
    return pclose(p) == 0 && rows == n ? 0 : -1;
}

/* Two runs of the same program, with the same environment, side by side. */
static void compare_runs(struct thing *t, int n)
{
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0 || memchr(self, '\'', (size_t)len)) {
        lecture_fail("cannot find my own executable");
        return;
    }
    self[len] = 0;
    fflush(stdout);

    void *first[8], *second[8];
    if (run_again(self, first, n) < 0 || run_again(self, second, n) < 0) {
        lecture_fail("the re-runs did not print their addresses");
        return;
    }
    int same = 0;
    lecture_code("%-26s %-16s %s", "", "first run", "second run");
    for (int i = 0; i < n; i++) {
        same += first[i] == second[i];
        lecture_code("%-26s %-16s %s", t[i].label, lecture_addr(first[i]),
                     lecture_addr(second[i]));
    }
    if (same == n)
        lecture_say("Every address is the same: ASLR is off for this process (--stable, or "
                    "/proc/sys/kernel/randomize_va_space is 0).");
    else
        lecture_say("%d of %d addresses moved: ASLR (address space layout randomization) "
                    "places code, heap, stack and libraries at random bases on every run.",
                    n - same, n);
    if (same < n)
        lecture_say("Only the bases move: code and data keep their last three hex digits, their "
                    "offset inside a 4 KiB page.");
    lecture_say("They are %s addresses: each process has its own page table, so the same number "
                "can mean different memory in two processes.", lecture_em("virtual"));
}

int main(int argc, char **argv)
{
    if (getenv(CHILD_ENV))
        return child();

    lecture_begin(argc, argv, "address_space",
                  "Where code, data, heap, stack and libraries live in a process.",
                  "Shows: the address of a function, a string literal, a global, a zeroed\n"
                  "global, a malloc'd block, an mmap'd page, a libc function and a local,\n"
                  "each with the region that holds it; a second run's addresses (ASLR); and\n"
                  "a read from an unmapped address caught as SL_SegmentationFault.\n\n"
                  "Diagrams:\n"
                  "  address_space.svg   the address space, each of the above marked\n");

    int local = 7;
    void *heap = malloc(64);
    void *mapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct thing t[8];
    int n = collect(t, heap, mapped, &local);

    sl_memmap m = {0};
    if (sl_memmap_read(&m) < 0) {
        lecture_fail("sl_memmap_read failed");
        return lecture_end();
    }

    lecture_step("One thing of each kind, and the region that holds it");
    lecture_code("%-26s %-16s %-8s %s", "C", "address", "region", "mapping");
    for (int i = 0; i < n; i++) {
        const char *kind = sl_memmap_classify(&m, t[i].address);
        const sl_region *r = sl_memmap_find(&m, t[i].address);
        const char *path = r && r->path ? strrchr(r->path, '/') : NULL;
        path = path ? path + 1 : r && r->path ? r->path : "(anonymous)";
        lecture_code("%-26s %-16s %-8s %s %s", t[i].label, lecture_addr(t[i].address),
                     kind ? kind : "?", r ? r->perms : "", path);
    }
    lecture_say("text is r-x (run, never write), rodata r--, data and bss rw-: the permissions "
                "come from the ELF file's segments.");
    lecture_say("bss costs nothing in the file: the loader maps zeroed pages for it.");
    lecture_say("The heap grows up from just above bss; the stack grows down from near the top; "
                "mmap and shared libraries sit in between.");

    lecture_step("The picture");
    const void *hole = unmapped_address(&m);
    sl_mark marks[9];
    for (int i = 0; i < n; i++)
        marks[i] = (sl_mark){ t[i].label, t[i].address };
    marks[n] = (sl_mark){ "unmapped (step 4)", hole };
    FILE *f = lecture_diagram_open("address_space");
    if (f) {
        if (sl_memmap_write_dot(&m, f, marks, n + 1) < 0)
            lecture_fail("sl_memmap_write_dot failed");
        if (lecture_diagram_close(f) == 0)
            lecture_say("address_space.svg: the %d mappings of /proc/self/maps, high addresses at "
                        "the top, each thing above marked with an arrow.", m.count);
    }

    lecture_step("Addresses are virtual: the same program, run twice more");
    compare_runs(t, n);

    lecture_step("An address with nothing behind it");
    const char *kind = sl_memmap_classify(&m, hole);
    lecture_say("%s lies in the widest gap between two mappings: classify says %s.",
                lecture_addr(hole), kind ? kind : "not mapped");
    lecture_code("SL_TRY { x = *(volatile char *)%p; } SL_CATCH(SL_SegmentationFault, e) ...",
                 hole);
    sl_trap_signals();
    SL_TRY {
        char x = *(volatile const char *)hole;
        lecture_fail("read %d from an unmapped address", x);
    } SL_CATCH(SL_SegmentationFault, e) {
        lecture_say("caught %s: %s", lecture_em(e->type->name), e->message);
        lecture_say("fault address %s: the MMU found no page there, the kernel sent SIGSEGV, "
                    "and sl_trap_signals turned it into an exception.",
                    lecture_addr(e->fault_address));
    } SL_END_TRY;
    sl_untrap_signals();

    sl_memmap_release(&m);
    munmap(mapped, 4096);
    free(heap);
    return lecture_end();
}
