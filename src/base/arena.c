/* The chunked bump allocator; see arena.h. */
#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QC_ARENA_CHUNK (256 * 1024)

struct chunk {
    struct chunk *next;
    size_t size, used;
    max_align_t data[];
};

struct qc_arena {
    struct chunk *head;
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

qc_arena *qc_arena_new(void)
{
    qc_arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    return a;
}

void qc_arena_free(qc_arena *a)
{
    if (!a)
        return;
    for (struct chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

void *qc_arena_alloc_uninit(qc_arena *a, size_t size)
{
    const size_t align = _Alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    struct chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        size_t cap = size > QC_ARENA_CHUNK / 4 ? size : QC_ARENA_CHUNK;
        c = xmalloc(sizeof *c + cap);
        c->size = cap;
        c->used = 0;
        /* A large block gets a chunk of its own behind the current one,
         * so the free space of the current chunk is not abandoned. */
        if (cap != QC_ARENA_CHUNK && a->head) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    return p;
}

void *qc_arena_alloc(qc_arena *a, size_t size)
{
    void *p = qc_arena_alloc_uninit(a, size);
    memset(p, 0, size);
    return p;
}

char *qc_arena_strndup(qc_arena *a, const char *s, size_t n)
{
    char *p = qc_arena_alloc_uninit(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *qc_arena_strdup(qc_arena *a, const char *s)
{
    return qc_arena_strndup(a, s, strlen(s));
}

char *qc_arena_vprintf(qc_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = qc_arena_alloc_uninit(a, (size_t)n + 1);
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
