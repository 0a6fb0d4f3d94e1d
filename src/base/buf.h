/* Growable byte buffer (malloc-owned).  Used for formatted output: the
 * canonical JSON writer, diagnostics, generated files. */
#ifndef QC_BUF_H
#define QC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct qc_buf {
    char *data;     /* always NUL-terminated when non-NULL */
    size_t len, cap;
} qc_buf;

#define QC_BUF_INIT { NULL, 0, 0 }

void qc_buf_reserve(qc_buf *b, size_t extra);
void qc_buf_append(qc_buf *b, const char *s, size_t n);
void qc_buf_puts(qc_buf *b, const char *s);
void qc_buf_putc(qc_buf *b, char c);
void qc_buf_printf(qc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void qc_buf_vprintf(qc_buf *b, const char *fmt, va_list ap);
/* Appends N spaces. */
void qc_buf_indent(qc_buf *b, size_t n);
void qc_buf_reset(qc_buf *b);
/* Removes the first N bytes of B's text (N at most its length). */
void qc_buf_drop_front(qc_buf *b, size_t n);
/* Hands the data over to the caller (malloc'ed) and resets B. */
char *qc_buf_steal(qc_buf *b);
void qc_buf_free(qc_buf *b);

/* realloc that dies on out-of-memory (the run cannot go on without it). */
void *qc_xrealloc(void *p, size_t n);

/* realloc to twice *CAP (at least 64) entries of SIZE bytes, *CAP
 * updated; dies on out-of-memory. */
void *qc_grow(void *p, size_t *cap, size_t size);

#endif
