/* Bump allocator: one arena per run holds the AST and the schema model.
 * Nothing allocated from an arena is freed on its own; qc_arena_free()
 * releases everything at once. */
#ifndef QC_ARENA_H
#define QC_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct qc_arena qc_arena;

qc_arena *qc_arena_new(void);
void qc_arena_free(qc_arena *a);

/* Zero-filled, aligned for any type.  Aborts on out-of-memory. */
void *qc_arena_alloc(qc_arena *a, size_t size);
/* The same without zero-filling, for memory about to be overwritten. */
void *qc_arena_alloc_uninit(qc_arena *a, size_t size);
char *qc_arena_strdup(qc_arena *a, const char *s);
char *qc_arena_strndup(qc_arena *a, const char *s, size_t n);
char *qc_arena_printf(qc_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *qc_arena_vprintf(qc_arena *a, const char *fmt, va_list ap);

/* Growable array of pointers whose storage comes from an arena. */
typedef struct qc_ptrvec {
    void **items;
    size_t n, cap;
} qc_ptrvec;

void qc_ptrvec_push(qc_arena *a, qc_ptrvec *v, void *item);

#endif
