/*
 * unwind_target.c: libunwind's accessors for a target, so the CFI walk can
 * step through a stopped thread of another process.
 *
 * libunwind asks an address space four things while it steps (libunwind's
 * unw_create_addr_space(3)): read a word, read a register of the frame it
 * starts from, and find the unwind information (the FDE) covering an ip.
 * Words come from the target (sl_target_read), registers from the sl_regs
 * the target gave at the stop.  Finding the FDE means locating the ELF
 * object mapped at ip and binary-searching its .eh_frame_hdr table;
 * libunwind-ptrace already does that for a traced process
 * (_UPT_find_proc_info), in an address space of its own that reads with
 * PTRACE_PEEKDATA, so it gets one: the target is stopped under ptrace by
 * contract.
 */
#include <libunwind-ptrace.h>

#include <pthread.h>
#include <string.h>

#include "target_arch.h"
#include "unwind_target.h"

struct sl_unwind_target {
    const sl_target *target;
    sl_regs regs;
    unw_addr_space_t as;        /* ours: reads through the target */
    unw_addr_space_t upt_as;    /* libunwind-ptrace's, for finding FDEs */
    void *upt;
    pid_t pid, tid;             /* whose they are */
};

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
                          int need_unwind_info, void *arg)
{
    (void)as;
    sl_unwind_target *u = arg;
    return _UPT_find_proc_info(u->upt_as, ip, pi, need_unwind_info, u->upt);
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
    (void)as;
    sl_unwind_target *u = arg;
    _UPT_put_unwind_info(u->upt_as, pi, u->upt);
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg)
{
    (void)as, (void)addr, (void)arg;
    return -UNW_ENOINFO;        /* no run-time generated code registered */
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val,
                      int write, void *arg)
{
    (void)as;
    sl_unwind_target *u = arg;
    if (write)
        return -UNW_EREADONLYREG;   /* a walk never writes */
    return sl_target_read(u->target, addr, val, sizeof *val) == 0 ? 0 : -UNW_EINVAL;
}

/* libunwind asks for the registers of the frame the cursor started in; it
 * tracks the others' itself. */
static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val,
                      int write, void *arg)
{
    (void)as;
    sl_unwind_target *u = arg;
    int d = sl__arch_dwarf_of_unw(reg);
    if (write)
        return -UNW_EREADONLYREG;
    if (d < 0 || !(u->regs.known & (1ull << d)))
        return -UNW_EBADREG;
    *val = u->regs.value[d];
    return 0;
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val,
                        int write, void *arg)
{
    (void)as, (void)reg, (void)val, (void)write, (void)arg;
    return -UNW_EBADREG;
}

static int resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
    (void)as, (void)c, (void)arg;
    return -UNW_EINVAL;             /* a walk never resumes the target */
}

static int get_proc_name(unw_addr_space_t as, unw_word_t ip, char *buf, size_t len,
                         unw_word_t *off, void *arg)
{
    (void)as, (void)ip, (void)buf, (void)len, (void)off, (void)arg;
    return -UNW_ENOINFO;            /* names come from symbolize.c */
}

static unw_accessors_t accessors = {
    .find_proc_info = find_proc_info,
    .put_unwind_info = put_unwind_info,
    .get_dyn_info_list_addr = get_dyn_info_list_addr,
    .access_mem = access_mem,
    .access_reg = access_reg,
    .access_fpreg = access_fpreg,
    .resume = resume,
    .get_proc_name = get_proc_name,
};

/* The last thread walked keeps its address spaces: libunwind then caches
 * what it learnt about each ip (UNW_CACHE_GLOBAL) and libunwind-ptrace the
 * ELF image it found the last FDE in, so the thousand captures of one
 * thread that `stacklab film` makes do not create and destroy them, and
 * read the program's files, a thousand times.  One walk at a time uses
 * them (the lock is held from open to close).  (A new process given the
 * same pid and tid as the last one would meet stale caches; the command
 * traces one program per run.) */
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static sl_unwind_target kept;           /* .upt: holds (pid, tid)'s spaces */

static void drop_kept(void)
{
    if (kept.upt)
        _UPT_destroy(kept.upt);
    if (kept.upt_as)
        unw_destroy_addr_space(kept.upt_as);
    if (kept.as)
        unw_destroy_addr_space(kept.as);
    memset(&kept, 0, sizeof kept);
}

sl_unwind_target *sl__unwind_target_open(const sl_target *t, const sl_regs *r)
{
    sl_unwind_target *u = &kept;
    pthread_mutex_lock(&kept_lock);
    if (u->upt && (u->pid != t->pid || u->tid != t->tid))
        drop_kept();
    if (!u->upt) {
        u->pid = t->pid;
        u->tid = t->tid;
        u->as = unw_create_addr_space(&accessors, 0);
        u->upt_as = unw_create_addr_space(&_UPT_accessors, 0);
        u->upt = _UPT_create(t->tid);
        if (!u->as || !u->upt_as || !u->upt) {
            drop_kept();
            pthread_mutex_unlock(&kept_lock);
            return NULL;
        }
        unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
    }
    u->target = t;
    u->regs = *r;
    return u;
}

int sl__unwind_target_cursor(sl_unwind_target *u, unw_cursor_t *c)
{
    return unw_init_remote(c, u->as, u) < 0 ? -1 : 0;
}

void sl__unwind_target_close(sl_unwind_target *u)
{
    if (u)
        pthread_mutex_unlock(&kept_lock);
}
