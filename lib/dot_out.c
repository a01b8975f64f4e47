/*
 * dot_out.c: the buffered text writer under both DOT writers (see
 * lib/internal/dot_out.h), with the escaping that keeps any symbol name from
 * breaking an HTML-like label.
 */
#include <errno.h>

#include "dot_out.h"
#include "stacklab/dot.h"

void sl__out_failed(sl__out *o)
{
    if (!o->failed)
        o->failed = errno ? errno : EIO;
}

void sl__out_flush(sl__out *o)
{
    errno = 0;
    if (o->len && fwrite(o->buf, 1, o->len, o->file) != o->len)
        sl__out_failed(o);
    o->len = 0;
}

void sl__out_int(sl__out *o, long long v)
{
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[sizeof tmp - 1 - n++] = '-';
    sl__out_mem(o, tmp + sizeof tmp - n, (size_t)n);
}

void sl__out_hex(sl__out *o, uintptr_t v)
{
    char tmp[20];
    int n = 0;

    do {
        tmp[sizeof tmp - 1 - n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    tmp[sizeof tmp - 1 - n++] = 'x';
    tmp[sizeof tmp - 1 - n++] = '0';
    sl__out_mem(o, tmp + sizeof tmp - n, (size_t)n);
}

/* The length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one.
 * Graphviz rejects invalid UTF-8, and a symbol name may hold any byte. */
static int utf8_length(const unsigned char *s)
{
    int n;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4;
    else
        return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

void sl__out_html(sl__out *o, const char *s, int width)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "??");
    int chars = 0;

    while (*p) {
        int n;

        if (width > 0 && chars == width - 1 && p[utf8_length(p) ? utf8_length(p) : 1]) {
            sl__out_str(o, "\xe2\x80\xa6");     /* U+2026 horizontal ellipsis */
            return;
        }
        chars++;
        switch (*p) {
        case '&':  sl__out_mem(o, "&amp;", 5); p++; continue;
        case '<':  sl__out_mem(o, "&lt;", 4); p++; continue;
        case '>':  sl__out_mem(o, "&gt;", 4); p++; continue;
        case '"':  sl__out_mem(o, "&quot;", 6); p++; continue;
        case '\'': sl__out_mem(o, "&#39;", 5); p++; continue;
        default: break;
        }
        n = utf8_length(p);
        if (n == 0 || *p < 0x20 || *p == 0x7f) {
            sl__out_mem(o, "?", 1);
            p++;
            continue;
        }
        sl__out_mem(o, (const char *)p, (size_t)n);
        p += n;
    }
}

void sl__out_size(sl__out *o, uintptr_t bytes)
{
    static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    int u = 0;
    uintptr_t whole = bytes, tenths = 0;

    while (whole >= 1024 && u < 6) {
        tenths = (whole % 1024) * 10 / 1024;
        whole /= 1024;
        u++;
    }
    sl__out_int(o, (long long)whole);
    if (u > 0 && whole < 10 && tenths) {
        char t[2] = { '.', (char)('0' + tenths) };
        sl__out_mem(o, t, 2);
    }
    sl__out_mem(o, " ", 1);
    sl__out_str(o, unit[u]);
}

int sl__out_finish(sl__out *o)
{
    sl__out_flush(o);
    errno = 0;
    if (fflush(o->file) != 0 || ferror(o->file))
        sl__out_failed(o);
    return o->failed ? SL_DOT_EIO : SL_DOT_OK;
}
