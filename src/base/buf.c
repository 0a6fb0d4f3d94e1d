/* Growable byte buffers; see buf.h. */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *qc_xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("qapic: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *qc_grow(void *p, size_t *cap, size_t size)
{
    *cap = *cap ? 2 * *cap : 64;
    return qc_xrealloc(p, *cap * size);
}

void qc_buf_reserve(qc_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = qc_xrealloc(b->data, cap);
    b->cap = cap;
}

void qc_buf_drop_front(qc_buf *b, size_t n)
{
    if (!n)
        return;
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

void qc_buf_append(qc_buf *b, const char *s, size_t n)
{
    qc_buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void qc_buf_puts(qc_buf *b, const char *s)
{
    qc_buf_append(b, s, strlen(s));
}

void qc_buf_putc(qc_buf *b, char c)
{
    qc_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void qc_buf_vprintf(qc_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0)
        return;
    qc_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void qc_buf_printf(qc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qc_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void qc_buf_indent(qc_buf *b, size_t n)
{
    qc_buf_reserve(b, n);
    memset(b->data + b->len, ' ', n);
    b->len += n;
    b->data[b->len] = '\0';
}

void qc_buf_reset(qc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *qc_buf_steal(qc_buf *b)
{
    char *p = b->data;
    if (!p) {
        p = malloc(1);
        if (!p)
            abort();
        p[0] = '\0';
    }
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void qc_buf_free(qc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
