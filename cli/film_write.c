/*
 * film_write.c: a film's steps as one JSON object inside the page template.
 *
 * The JSON (read by the script in film_page.html):
 *
 *   { "command": "./fact 4", "title": ..., "mode": "lines" | "instructions",
 *     "stable": 0|1, "cut": 0|1, "exit": "exited with status 0", "hidden": N,
 *     "files":  [ { "path": "demos/recursion.c", "text": ["line 1", ...] } ],
 *     "frames": [ { "fn": "factorial", "off": 44, "file": 0, "line": 57,
 *                   "module": "/path/fact", "pc": N, "cfa": N, "sp": N, "fp": N,
 *                   "ra": N, "sfp": N, "sfpv": N, "canary": N,
 *                   "saved": [["rbx", N], ...], "caller": "fn+0x7a",
 *                   "vars": [["n", "int", "4", "mem", N, 4, 1, "", 0], ...] } ],
 *     "objects": [ { "addr": N, "size": 16, "type": "struct node", "ok": 1,
 *                    "fields": [["next", "0x4052c0", 8, N], ...] } ],
 *     "regs":   { "pc": "rip", "sp": "rsp", "fp": "rbp", "ret": "rax" },
 *     "steps":  [ { "f": [3, 7, 9], "o": [0, 1], "line": 57, "rip": N, "rsp": N,
 *                   "rbp": N, "insn": "push %rbp", "ret": [["factorial", "1"]],
 *                   "rax": "1", "out": "text", "note": "SIGSEGV ..." } ] }
 *
 * Addresses are plain numbers (user-space addresses fit in a double's 53
 * bits); a slot field of 0 means the walk did not find that slot.  A step's
 * "f" lists its frames outermost first by index into "frames": identical
 * frame records are stored once (found through a hash of their text), which
 * is what keeps 1000 steps of a recursion small.  "o" lists the objects
 * outside the stack that the step's pointers point at (the library's heap
 * boxes, as sl_stack_read_variables read them, as many and as deep as the
 * DOT writer draws by default), stored once the same way.
 * "regs" names the registers a step's rip, rsp, rbp and rax hold on this
 * machine (the keys are x86-64's; the names come from cli/arch/).  Every string is escaped for
 * JSON and "<" is written as \u003c, so no value can close the script element
 * the JSON lives in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stacklab/dot.h"
#include "film_write.h"
#include "machine.h"

/* ---- a growing buffer ---------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t len, cap;
    int failed;                 /* out of memory once: every later append is dropped */
} buf;

static void put_mem(buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void put(buf *b, const char *s)
{
    put_mem(b, s, strlen(s));
}

static void put_num(buf *b, unsigned long long v)
{
    char t[24];
    put_mem(b, t, (size_t)snprintf(t, sizeof t, "%llu", v));
}

/* A JSON string: quotes, backslashes and control bytes escaped, and "<" too
 * (see the top of the file).  Bytes >= 0x80 pass through: the page is UTF-8. */
static void put_json_mem(buf *b, const char *s, size_t n)
{
    put_mem(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char t[8];
        if (c == '"' || c == '\\') {
            t[0] = '\\';
            t[1] = (char)c;
            put_mem(b, t, 2);
        } else if (c == '\n') {
            put_mem(b, "\\n", 2);
        } else if (c < 0x20 || c == '<' || c == 0x7f) {
            put_mem(b, t, (size_t)snprintf(t, sizeof t, "\\u%04x", c));
        } else {
            put_mem(b, (const char *)&s[i], 1);
        }
    }
    put_mem(b, "\"", 1);
}

static void put_json(buf *b, const char *s)
{
    put_json_mem(b, s ? s : "", s ? strlen(s) : 0);
}

/* ---- the film ------------------------------------------------------------ */

/* One record's text (a frame or an object), stored once. */
typedef struct record {
    size_t at, len;             /* in its store's text */
    uint64_t hash;
} record;

/* Records of one kind, each distinct text once: ",{...}" concatenated, and
 * a hash table of record indices + 1 (0: empty) to find a text again. */
typedef struct store {
    buf text;
    record *rec;
    int nrec, caprec;
    int *slots;
    size_t nslots;
} store;

struct film {
    film_mode mode;
    int stable, cut, hidden;
    char *command, *title, *ending;
    char **files;               /* source paths, by index in "files" */
    int nfiles;
    char *dirs[16];             /* where relative source paths are looked for */
    int ndirs;
    store frames, objects;
    buf steps;                  /* ",{...}" per step */
    int nsteps;
    buf scratch;                /* the record being built */
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

film *film_new(const char *command, const char *title, film_mode mode, int stable)
{
    film *f = calloc(1, sizeof *f);

    if (!f)
        return NULL;
    f->mode = mode;
    f->stable = stable;
    f->command = dup_or_null(command);
    f->title = dup_or_null(title);
    f->frames.nslots = f->objects.nslots = 1024;
    f->frames.slots = calloc(f->frames.nslots, sizeof f->frames.slots[0]);
    f->objects.slots = calloc(f->objects.nslots, sizeof f->objects.slots[0]);
    if (!f->frames.slots || !f->objects.slots || (command && !f->command) ||
        (title && !f->title)) {
        film_free(f);
        return NULL;
    }
    return f;
}

void film_free(film *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->nfiles; i++)
        free(f->files[i]);
    for (int i = 0; i < f->ndirs; i++)
        free(f->dirs[i]);
    free(f->files);
    free(f->frames.text.p);
    free(f->frames.rec);
    free(f->frames.slots);
    free(f->objects.text.p);
    free(f->objects.rec);
    free(f->objects.slots);
    free(f->steps.p);
    free(f->scratch.p);
    free(f->command);
    free(f->title);
    free(f->ending);
    free(f);
}

void film_source_dir(film *f, const char *dir)
{
    if (f->ndirs < (int)(sizeof f->dirs / sizeof f->dirs[0]) && (f->dirs[f->ndirs] = strdup(dir)))
        f->ndirs++;
}

int film_steps(const film *f)
{
    return f->nsteps;
}

void film_set_end(film *f, int cut, const char *ending, int hidden_frames)
{
    f->cut = cut;
    if (hidden_frames >= 0)
        f->hidden = hidden_frames;
    free(f->ending);
    f->ending = dup_or_null(ending);
}

/* The index of a source file in "files", adding it the first time; -1 for
 * a frame without one. */
static int file_index(film *f, const char *path)
{
    if (!path)
        return -1;
    for (int i = f->nfiles - 1; i >= 0; i--)
        if (strcmp(f->files[i], path) == 0)
            return i;
    char **p = realloc(f->files, (size_t)(f->nfiles + 1) * sizeof *p);
    if (!p)
        return -1;
    f->files = p;
    if (!(p[f->nfiles] = strdup(path)))
        return -1;
    return f->nfiles++;
}

static uint64_t hash_of(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;        /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int grow_table(store *t)
{
    size_t n = t->nslots * 2;
    int *slots = calloc(n, sizeof *slots);

    if (!slots)
        return -1;
    for (int i = 0; i < t->nrec; i++) {
        size_t k = t->rec[i].hash & (n - 1);
        while (slots[k])
            k = (k + 1) & (n - 1);
        slots[k] = i + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    return 0;
}

/* The index in t of the record text in scratch: an existing identical one,
 * or a new one.  -1 when out of memory. */
static int intern_record(store *t, const buf *scratch)
{
    const char *s = scratch->p;
    size_t n = scratch->len;
    uint64_t h = hash_of(s, n);
    size_t k = h & (t->nslots - 1);

    for (; t->slots[k]; k = (k + 1) & (t->nslots - 1)) {
        const record *r = &t->rec[t->slots[k] - 1];
        if (r->hash == h && r->len == n && memcmp(t->text.p + r->at, s, n) == 0)
            return t->slots[k] - 1;
    }
    if (t->nrec == t->caprec) {
        int cap = t->caprec ? 2 * t->caprec : 256;
        record *r = realloc(t->rec, (size_t)cap * sizeof *r);
        if (!r)
            return -1;
        t->rec = r;
        t->caprec = cap;
    }
    put_mem(&t->text, ",", 1);
    t->rec[t->nrec] = (record){ t->text.len, n, h };
    put_mem(&t->text, s, n);
    if (t->text.failed)
        return -1;
    t->slots[k] = ++t->nrec;
    if ((size_t)t->nrec * 2 > t->nslots && grow_table(t) < 0)
        return -1;
    return t->nrec - 1;
}

static void field_num(buf *b, const char *name, unsigned long long v)
{
    put(b, ",\"");
    put(b, name);
    put(b, "\":");
    put_num(b, v);
}

/* A frame's variables: [name, type, value, place, address, size, flags,
 * register or why, pointer value], in the frame's order (parameters first). */
static void put_variables(buf *b, const sl_frame *fr)
{
    static const char *const places[] = {
        [SL_VAR_MEMORY] = "mem", [SL_VAR_REGISTER] = "reg",
        [SL_VAR_COMPUTED] = "computed", [SL_VAR_OPTIMIZED_OUT] = "out",
    };
    if (fr->variable_count <= 0)
        return;
    put(b, ",\"vars\":[");
    for (int k = 0; k < fr->variable_count; k++) {
        const sl_variable *v = &fr->variables[k];
        put(b, k ? ",[" : "[");
        put_json(b, v->name);
        put(b, ",");
        put_json(b, v->type);
        put(b, ",");
        put_json(b, v->value);
        put(b, ",\"");
        put(b, (size_t)v->place < sizeof places / sizeof places[0] && places[v->place]
                   ? places[v->place] : "out");
        put(b, "\",");
        put_num(b, v->place == SL_VAR_MEMORY ? v->address : 0);
        put(b, ",");
        put_num(b, v->size);
        put(b, ",");
        put_num(b, v->flags);
        put(b, ",");
        put_json(b, v->place == SL_VAR_REGISTER ? v->reg : v->why);
        put(b, ",");
        put_num(b, v->pointer);
        put(b, "]");
    }
    put(b, "]");
}

/* A frame as a record: what the page draws, nothing it does not.  caller:
 * the frame above it when that one is not shown (main's caller), so that
 * its return address still names where it goes. */
static void frame_record(film *f, buf *b, const sl_frame *fr, const sl_frame *caller)
{
    put(b, "{\"fn\":");
    put_json(b, fr->function ? fr->function : "??");
    field_num(b, "off", fr->offset);
    put(b, ",\"file\":");
    int file = file_index(f, fr->file);
    if (file < 0)
        put(b, "-1");
    else
        put_num(b, (unsigned)file);
    field_num(b, "line", fr->line > 0 ? (unsigned)fr->line : 0);
    put(b, ",\"module\":");
    put_json(b, fr->module);
    field_num(b, "pc", fr->pc);
    field_num(b, "cfa", fr->cfa);
    field_num(b, "sp", fr->sp);
    field_num(b, "fp", fr->fp);
    field_num(b, "ra", fr->return_address_slot);
    field_num(b, "sfp", fr->saved_fp_slot);
    field_num(b, "sfpv", fr->saved_fp_value);
    field_num(b, "canary", (fr->flags & SL_FRAME_CANARY) ? fr->canary_slot : 0);
    put(b, ",\"saved\":[");
    for (int k = 0; k < fr->saved_count && k < SL_SAVED_MAX; k++) {
        put(b, k ? ",[" : "[");
        put_json(b, fr->saved[k].name);
        put(b, ",");
        put_num(b, fr->saved[k].slot);
        put(b, "]");
    }
    put(b, "]");
    put_variables(b, fr);
    if (caller) {
        char name[256];
        int n = snprintf(name, sizeof name, "%s", caller->function ? caller->function : "??");
        if (caller->offset && n >= 0 && (size_t)n < sizeof name)
            snprintf(name + n, sizeof name - (size_t)n, "+0x%lx", (unsigned long)caller->offset);
        put(b, ",\"caller\":");
        put_json(b, name);
    }
    put(b, "}");
}

/* An object a pointer points at, as a record: [name, value, offset,
 * pointer] per field ("" names the value of an object that is no struct). */
static void object_record(buf *b, const sl_object *o)
{
    put(b, "{\"addr\":");
    put_num(b, o->address);
    field_num(b, "size", o->size);
    put(b, ",\"type\":");
    put_json(b, o->type);
    field_num(b, "ok", o->readable != 0);
    put(b, ",\"fields\":[");
    for (int k = 0; o->readable && k < o->field_count; k++) {
        const sl_field *fl = &o->fields[k];
        put(b, k ? ",[" : "[");
        put_json(b, fl->name);
        put(b, ",");
        put_json(b, fl->value);
        put(b, ",");
        put_num(b, fl->offset);
        put(b, ",");
        put_num(b, fl->pointer);
        put(b, "]");
    }
    put(b, "]}");
}

/* rax as a return value.  Without the function's type: what fits in eax is
 * shown as an int (a function returning int leaves the upper half zero, and
 * -1 as 0xffffffff), anything wider in hex, as a pointer would be. */
static void put_rax(buf *b, uint64_t rax)
{
    char t[32];

    if (rax >> 32 == 0)
        snprintf(t, sizeof t, "%d", (int)(int32_t)(uint32_t)rax);
    else
        snprintf(t, sizeof t, "0x%llx", (unsigned long long)rax);
    put_json(b, t);
}

int film_add(film *f, const film_step *st)
{
    const sl_stack *s = st->stack;
    buf *b = &f->steps;

    put(b, f->nsteps ? ",{\"f\":[" : "{\"f\":[");
    for (int i = st->last, n = 0; s && i >= st->first && i >= 0; i--, n++) {
        f->scratch.len = 0;
        frame_record(f, &f->scratch, &s->frames[i],
                     i == st->last && i + 1 < s->count ? &s->frames[i + 1] : NULL);
        if (f->scratch.failed)
            return -1;
        int r = intern_record(&f->frames, &f->scratch);
        if (r < 0)
            return -1;
        if (n)
            put(b, ",");
        put_num(b, (unsigned)r);
    }
    put(b, "]");
    const sl_dot_options drawn = SL_DOT_DEFAULTS;
    int nobj = 0;
    for (int k = 0; s && k < s->object_count && nobj < drawn.max_objects; k++) {
        if (s->objects[k].depth > drawn.pointer_depth)
            continue;
        f->scratch.len = 0;
        object_record(&f->scratch, &s->objects[k]);
        int r = f->scratch.failed ? -1 : intern_record(&f->objects, &f->scratch);
        if (r < 0)
            return -1;
        put(b, nobj++ ? "," : ",\"o\":[");
        put_num(b, (unsigned)r);
    }
    if (nobj)
        put(b, "]");
    if (st->line > 0)
        field_num(b, "line", (unsigned)st->line);
    field_num(b, "rip", st->rip);
    field_num(b, "rsp", st->rsp);
    field_num(b, "rbp", st->rbp);
    if (st->insn) {
        put(b, ",\"insn\":");
        put_json(b, st->insn);
    }
    if (st->note) {
        put(b, ",\"note\":");
        put_json(b, st->note);
    }
    if (st->return_count > 0) {
        put(b, ",\"ret\":[");
        for (int k = 0; k < st->return_count; k++) {
            put(b, k ? ",[" : "[");
            put_json(b, st->returns[k].function);
            put(b, ",");
            put_rax(b, st->returns[k].rax);
            put(b, "]");
        }
        put(b, "],\"rax\":");
        put_rax(b, st->returns[0].rax);
    }
    if (st->out_len) {
        put(b, ",\"out\":");
        put_json_mem(b, st->out, st->out_len);
    }
    put(b, "}");
    if (b->failed)
        return -1;
    f->nsteps++;
    return 0;
}

/* ---- the page ------------------------------------------------------------ */

/* A source file as a JSON array of lines; [] when it cannot be read (the page
 * then says there is no source).  A relative path is looked for from the
 * current directory, then from each directory of film_source_dir. */
static void put_source(const film *f, buf *b, const char *path)
{
    FILE *in = fopen(path, "r");
    for (int i = 0; !in && path[0] != '/' && i < f->ndirs; i++) {
        char *full;
        if (asprintf(&full, "%s/%s", f->dirs[i], path) < 0)
            break;
        in = fopen(full, "r");
        free(full);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int first = 1;

    put(b, "[");
    while (in && (n = getline(&line, &cap, in)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            n--;
        if (!first)
            put(b, ",");
        put_json_mem(b, line, (size_t)n);
        first = 0;
    }
    put(b, "]");
    free(line);
    if (in)
        fclose(in);
}

static void put_json_text(film *f, buf *b)
{
    put(b, "{\"command\":");
    put_json(b, f->command);
    put(b, ",\"title\":");
    put_json(b, f->title);
    put(b, f->mode == FILM_INSTRUCTIONS ? ",\"mode\":\"instructions\"" : ",\"mode\":\"lines\"");
    field_num(b, "stable", (unsigned)f->stable);
    field_num(b, "cut", (unsigned)f->cut);
    field_num(b, "hidden", (unsigned)(f->hidden > 0 ? f->hidden : 0));
    put(b, ",\"exit\":");
    put_json(b, f->ending);
    put(b, ",\n\"files\":[");
    for (int i = 0; i < f->nfiles; i++) {
        put(b, i ? ",\n{\"path\":" : "{\"path\":");
        put_json(b, f->files[i]);
        put(b, ",\"text\":");
        put_source(f, b, f->files[i]);
        put(b, "}");
    }
    put(b, "],\n\"frames\":[");
    if (f->frames.text.len)
        put_mem(b, f->frames.text.p + 1, f->frames.text.len - 1);     /* its first ',' */
    put(b, "],\n\"objects\":[");
    if (f->objects.text.len)
        put_mem(b, f->objects.text.p + 1, f->objects.text.len - 1);
    put(b, "],\n\"regs\":{\"pc\":");
    put_json(b, machine_reg_names.pc);
    put(b, ",\"sp\":");
    put_json(b, machine_reg_names.sp);
    put(b, ",\"fp\":");
    put_json(b, machine_reg_names.fp);
    put(b, ",\"ret\":");
    put_json(b, machine_reg_names.ret);
    put(b, "}");
    put(b, ",\n\"steps\":[");
    put_mem(b, f->steps.p ? f->steps.p : "", f->steps.len);
    put(b, "]}");
}

int film_write(film *f, const char *path)
{
    static const char marker[] = "/*@@FILM_DATA@@*/";
    const char *at = strstr(film_page_html, marker);
    buf json = { 0 };
    char *tmp = NULL;
    FILE *out = NULL;
    int fd = -1, saved;

    if (!at || asprintf(&tmp, "%s.XXXXXX", path) < 0) {
        errno = at ? ENOMEM : EINVAL;
        return -1;
    }
    put_json_text(f, &json);
    if (json.failed) {
        errno = ENOMEM;
        goto fail;
    }
    if ((fd = mkstemp(tmp)) < 0 || !(out = fdopen(fd, "w")))
        goto fail;
    fd = -1;
    fwrite(film_page_html, 1, (size_t)(at - film_page_html), out);
    fwrite(json.p, 1, json.len, out);
    fputs(at + sizeof marker - 1, out);
    mode_t mask = umask(0);                     /* mkstemp made it 0600 */
    umask(mask);
    if (ferror(out) || fchmod(fileno(out), 0666 & ~mask) < 0)
        goto fail;
    if (fclose(out) != 0) {
        out = NULL;
        goto fail;
    }
    out = NULL;
    if (rename(tmp, path) < 0)
        goto fail;
    free(tmp);
    free(json.p);
    return 0;
fail:
    saved = errno;
    if (out)
        fclose(out);
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    free(json.p);
    errno = saved;
    return -1;
}
