/* Bump allocator: one arena per run holds the AST and the schema model.
 * Nothing allocated from an arena is freed on its own; qc_arena_free()
 * releases everything at once.
 *
 * A chunk is used from both ends: objects, aligned for any type, from its
 * start up, and text, which needs no alignment, from its end down.  The
 * common case of both is inline: the front end allocates for every token. */
#ifndef QC_ARENA_H
#define QC_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct qc_arena {
    char *cur, *end;            /* the current chunk's free space */
    struct qc_arena_chunk *head;
    /* That free space is all zero bytes: the chunk came fresh from the
     * system, and nothing is ever written there before it is allocated
     * (objects are taken from its start, text from its end). */
    int zero;
} qc_arena;

qc_arena *qc_arena_new(void);
void qc_arena_free(qc_arena *a);

/* The slow paths of the allocations below: a new chunk. */
void *qc_arena_alloc_chunk(qc_arena *a, size_t size);
void *qc_arena_alloc_zero_chunk(qc_arena *a, size_t size);
char *qc_arena_alloc_text_chunk(qc_arena *a, size_t size);

/* Aligned for any type, not zero-filled: for memory about to be
 * overwritten.  Aborts on out-of-memory. */
static inline void *qc_arena_alloc_uninit(qc_arena *a, size_t size)
{
    const size_t align = _Alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    if (size <= (size_t)(a->end - a->cur)) {
        void *p = a->cur;
        a->cur += size;
        return p;
    }
    return qc_arena_alloc_chunk(a, size);
}

/* The same, zero-filled (by the system when the chunk is fresh: big
 * tables are made that cost nothing to fill then). */
static inline void *qc_arena_alloc(qc_arena *a, size_t size)
{
    const size_t align = _Alignof(max_align_t);
    size_t rounded = (size + align - 1) & ~(align - 1);
    if (rounded <= (size_t)(a->end - a->cur)) {
        void *p = a->cur;
        a->cur += rounded;
        if (!a->zero)
            memset(p, 0, size);
        return p;
    }
    return qc_arena_alloc_zero_chunk(a, rounded);
}

/* SIZE bytes of text (no alignment), not zero-filled. */
static inline char *qc_arena_alloc_text(qc_arena *a, size_t size)
{
    if (size <= (size_t)(a->end - a->cur)) {
        a->end -= size;
        return a->end;
    }
    return qc_arena_alloc_text_chunk(a, size);
}

char *qc_arena_strdup(qc_arena *a, const char *s);

/* The N bytes at S and a NUL (inline: the scanner copies every string). */
static inline char *qc_arena_strndup(qc_arena *a, const char *s, size_t n)
{
    char *p = qc_arena_alloc_text(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
/* A, B and C (any may be NULL) one after the other: the cheap printf of
 * names made from names. */
char *qc_arena_concat(qc_arena *a, const char *x, const char *y,
                      const char *z);
char *qc_arena_printf(qc_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *qc_arena_vprintf(qc_arena *a, const char *fmt, va_list ap);

/* Growable array of pointers whose storage comes from an arena. */
typedef struct qc_ptrvec {
    void **items;
    size_t n, cap;
} qc_ptrvec;

/* Its slow path: room for more. */
void qc_ptrvec_grow(qc_arena *a, qc_ptrvec *v);

static inline void qc_ptrvec_push(qc_arena *a, qc_ptrvec *v, void *item)
{
    if (v->n == v->cap)
        qc_ptrvec_grow(a, v);
    v->items[v->n++] = item;
}

#endif
