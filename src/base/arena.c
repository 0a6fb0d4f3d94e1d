/* The chunked bump allocator; see arena.h. */
#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QC_ARENA_CHUNK (256 * 1024)

struct qc_arena_chunk {
    struct qc_arena_chunk *next;
    max_align_t data[];
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("qapic: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *new_chunk(qc_arena *a, size_t size);

/* With a first chunk, so that even a zero-sized allocation gives a
 * pointer (pages untouched cost nothing). */
qc_arena *qc_arena_new(void)
{
    qc_arena *a = xmalloc(sizeof *a);
    a->cur = a->end = NULL;
    a->head = NULL;
    new_chunk(a, 0);
    return a;
}

void qc_arena_free(qc_arena *a)
{
    if (!a)
        return;
    for (struct qc_arena_chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

/* Room for SIZE bytes (a multiple of the alignment for objects): a block
 * of its own behind the current chunk when it is large, so that the free
 * space of the current chunk is not abandoned; else a new current chunk.
 * Returns the block's start, or NULL when it is the new current chunk. */
static char *new_chunk(qc_arena *a, size_t size)
{
    if (size > QC_ARENA_CHUNK / 4) {
        struct qc_arena_chunk *c = xmalloc(sizeof *c + size);
        c->next = a->head->next;
        a->head->next = c;
        return (char *)c->data;
    }
    struct qc_arena_chunk *c = xmalloc(sizeof *c + QC_ARENA_CHUNK);
    c->next = a->head;
    a->head = c;
    a->cur = (char *)c->data;
    a->end = a->cur + QC_ARENA_CHUNK;
    return NULL;
}

void *qc_arena_alloc_chunk(qc_arena *a, size_t size)
{
    char *p = new_chunk(a, size);
    if (p)
        return p;
    p = a->cur;
    a->cur += size;
    return p;
}

char *qc_arena_alloc_text_chunk(qc_arena *a, size_t size)
{
    char *p = new_chunk(a, size);
    if (p)
        return p;
    a->end -= size;
    return a->end;
}

char *qc_arena_strndup(qc_arena *a, const char *s, size_t n)
{
    char *p = qc_arena_alloc_text(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *qc_arena_strdup(qc_arena *a, const char *s)
{
    return qc_arena_strndup(a, s, strlen(s));
}

char *qc_arena_concat(qc_arena *a, const char *x, const char *y,
                      const char *z)
{
    size_t nx = x ? strlen(x) : 0, ny = y ? strlen(y) : 0;
    size_t nz = z ? strlen(z) : 0;
    char *p = qc_arena_alloc_text(a, nx + ny + nz + 1);
    memcpy(p, x ? x : "", nx);
    memcpy(p + nx, y ? y : "", ny);
    memcpy(p + nx + ny, z ? z : "", nz);
    p[nx + ny + nz] = '\0';
    return p;
}

char *qc_arena_vprintf(qc_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = qc_arena_alloc_text(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *qc_arena_printf(qc_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = qc_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void qc_ptrvec_push(qc_arena *a, qc_ptrvec *v, void *item)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        void **items = qc_arena_alloc_uninit(a, cap * sizeof *items);
        if (v->n)
            memcpy(items, v->items, v->n * sizeof *items);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = item;
}
