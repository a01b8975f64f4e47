/*
 * dot_out.h: the buffered writer shared by the stack and address-space DOT
 * writers (lib/dot.c, lib/dot_memmap.c).  Text goes into a 64 KiB buffer that
 * is handed to fwrite when full, so a 10,000-frame diagram costs one pass and
 * no per-row stdio call.  An output error is remembered (with its errno, so
 * that a full disk says "No space left on device") and reported once at the
 * end (sl__out_finish).
 */
#ifndef SL_DOT_OUT_H
#define SL_DOT_OUT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct sl__out {
    FILE *file;
    size_t len;
    int failed;                 /* 0, or the errno of the first failed write */
    char buf[65536];
} sl__out;

void sl__out_flush(sl__out *o);
/* Remembers the first write error (errno, EIO when unset). */
void sl__out_failed(sl__out *o);

/* Writes path atomically (dot.c): write(f, arg) puts DOT into a temporary
 * file, rendered by Graphviz for .svg/.png/.pdf, renamed over path when
 * whole.  Returns 0 or a negative sl_dot_error (sl_dot_last_error says why). */
int sl__dot_write_file(const char *path, int (*write)(FILE *, const void *), const void *arg,
                       const char *dot_program);

/* Appends n bytes. */
static inline void sl__out_mem(sl__out *o, const char *s, size_t n)
{
    if (o->len + n > sizeof o->buf) {
        sl__out_flush(o);
        if (n > sizeof o->buf) {
            if (fwrite(s, 1, n, o->file) != n)
                sl__out_failed(o);
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static inline void sl__out_str(sl__out *o, const char *s)
{
    sl__out_mem(o, s, strlen(s));
}

/* Appends a decimal integer. */
void sl__out_int(sl__out *o, long long v);
/* Appends 0x followed by lowercase hex digits. */
void sl__out_hex(sl__out *o, uintptr_t v);
/* Appends s for an HTML-like label: & < > " and ' become entities, control
 * bytes and invalid UTF-8 become '?', and at most width characters are kept
 * (then an ellipsis).  width 0: no limit.  NULL appends "??". */
void sl__out_html(sl__out *o, const char *s, int width);
/* Appends a byte count as "24 B", "4 KiB", "1.9 MiB", "21 TiB". */
void sl__out_size(sl__out *o, uintptr_t bytes);
/* Flushes; returns 0 or SL_DOT_EIO (then o->failed holds the errno). */
int sl__out_finish(sl__out *o);

#endif
