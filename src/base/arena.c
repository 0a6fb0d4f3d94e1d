/* The chunked bump allocator; see arena.h. */
#define _GNU_SOURCE             /* mremap */
#include "base/arena.h"
#include "base/buf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The first chunk of an arena is small: most arenas stay small.  The
 * next ones are big and, where the system has them, backed by one huge
 * page each: a page fault costs microseconds, and reading a large schema
 * or dump touches megabytes of arena.  Big chunks of a freed arena are
 * kept for the next one (a run reads one file after another). */
#define SMALL_CHUNK (256 * 1024)
#define BIG_CHUNK (2 * 1024 * 1024)
#define MAX_SPARE 8

enum chunk_kind {
    CHUNK_SMALL, CHUNK_BIG, CHUNK_BLOCK, CHUNK_BIG_MALLOC, CHUNK_MAPPED
};

struct qc_arena_chunk {
    struct qc_arena_chunk *next;
    enum chunk_kind kind;
    uint32_t pages;             /* CHUNK_MAPPED: its length in PAGEs */
    max_align_t data[];
};

#define BIG_DATA (BIG_CHUNK - offsetof(struct qc_arena_chunk, data))

/* Chunks of freed arenas, for the next ones (touching fresh memory costs
 * a page fault a page). */
static struct qc_arena_chunk *spare, *spare_small;
static unsigned nspare, nspare_small;

static void *xmalloc(size_t n)
{
    return qc_xrealloc(NULL, n);
}

/* A big chunk: 2 MiB aligned on 2 MiB, so that one huge page can back
 * it; from malloc when mapping fails. */
static struct qc_arena_chunk *big_chunk(int *fresh)
{
    *fresh = 0;
    if (spare) {
        struct qc_arena_chunk *c = spare;
        spare = c->next;
        nspare--;
        return c;
    }
    struct qc_arena_chunk *c = NULL;
#if defined(MAP_ANONYMOUS)
    char *p = mmap(NULL, 2 * BIG_CHUNK, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
        char *q = (char *)(((uintptr_t)p + BIG_CHUNK - 1)
                           & ~(uintptr_t)(BIG_CHUNK - 1));
        if (q > p)
            munmap(p, (size_t)(q - p));
        munmap(q + BIG_CHUNK, (size_t)(p + 2 * BIG_CHUNK - (q + BIG_CHUNK)));
#if defined(MADV_HUGEPAGE)
        madvise(q, BIG_CHUNK, MADV_HUGEPAGE);
#endif
        c = (struct qc_arena_chunk *)q;
        c->kind = CHUNK_BIG;
        *fresh = 1;             /* anonymous mappings are zero-filled */
    }
#endif
    if (!c) {
        c = xmalloc(BIG_CHUNK);
        c->kind = CHUNK_BIG_MALLOC;
    }
    return c;
}

static void free_chunk(struct qc_arena_chunk *c)
{
    if (c->kind == CHUNK_BIG && nspare < MAX_SPARE) {
        c->next = spare;
        spare = c;
        nspare++;
        return;
    }
    if (c->kind == CHUNK_SMALL && nspare_small < MAX_SPARE) {
        c->next = spare_small;
        spare_small = c;
        nspare_small++;
        return;
    }
#if defined(MAP_ANONYMOUS)
    if (c->kind == CHUNK_BIG) {
        munmap(c, BIG_CHUNK);
        return;
    }
#endif
    free(c);
}

/* The blocks of qc_arena_grow are mappings of their own where mremap
 * can resize them: malloc would serve blocks below its mmap threshold
 * from its heap, and it raises that threshold to the size of each
 * mapped block freed (a grown hash table's old one), so a heap block
 * that grows is copied and leaves a hole behind. */
#if defined(MAP_ANONYMOUS) && defined(MREMAP_MAYMOVE)
#define PAGE ((size_t)4096)

/* C (a block, or NULL for a new one) with room for SIZE bytes. */
static struct qc_arena_chunk *resize_block(struct qc_arena_chunk *c,
                                           size_t size)
{
    size_t len = (sizeof *c + size + PAGE - 1) & ~(PAGE - 1);
    void *p = c ? mremap(c, c->pages * PAGE, len, MREMAP_MAYMOVE)
                : mmap(NULL, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || len / PAGE > UINT32_MAX) {
        fputs("qapic: out of memory\n", stderr);
        abort();
    }
    c = p;
    c->kind = CHUNK_MAPPED;
    c->pages = (uint32_t)(len / PAGE);
    return c;
}
#else
static struct qc_arena_chunk *resize_block(struct qc_arena_chunk *c,
                                           size_t size)
{
    c = qc_xrealloc(c, sizeof *c + size);
    c->kind = CHUNK_BLOCK;
    return c;
}
#endif

static void free_block(struct qc_arena_chunk *c)
{
#if defined(MAP_ANONYMOUS) && defined(MREMAP_MAYMOVE)
    if (c->kind == CHUNK_MAPPED) {
        munmap(c, c->pages * PAGE);
        return;
    }
#endif
    free(c);
}

/* With a first chunk, so that even a zero-sized allocation gives a
 * pointer (pages untouched cost nothing). */
qc_arena *qc_arena_new(void)
{
    qc_arena *a = xmalloc(sizeof *a);
    struct qc_arena_chunk *c = spare_small;
    if (c) {
        spare_small = c->next;
        nspare_small--;
    } else {
        c = xmalloc(sizeof *c + SMALL_CHUNK);
        c->kind = CHUNK_SMALL;
    }
    c->next = NULL;
    a->head = c;
    a->grown = NULL;
    a->hooks = NULL;
    a->spare = NULL;
    a->spare_size = 0;
    a->strings = a->strings_end = NULL;
    a->cur = (char *)c->data;
    a->end = a->cur + SMALL_CHUNK;
    a->zero = 0;
    return a;
}

struct qc_arena_hook {
    struct qc_arena_hook *next;
    void (*fn)(void *);
    void *arg;
};

void qc_arena_on_free(qc_arena *a, void (*fn)(void *), void *arg)
{
    struct qc_arena_hook *h = qc_arena_alloc(a, sizeof *h);
    h->fn = fn;
    h->arg = arg;
    h->next = a->hooks;
    a->hooks = h;
}

void qc_arena_free(qc_arena *a)
{
    if (!a)
        return;
    for (struct qc_arena_hook *h = a->hooks; h; h = h->next)
        h->fn(h->arg);
    for (struct qc_arena_chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free_chunk(c);
    }
    for (struct qc_arena_chunk *c = a->grown, *next; c; c = next) {
        next = c->next;
        free_block(c);
    }
    free(a);
}

/* Room for SIZE bytes (a multiple of the alignment for objects): a block
 * of its own behind the current chunk when it is large, so that the free
 * space of the current chunk is not abandoned; else a new current chunk.
 * Returns the block's start, or NULL when it is the new current chunk. */
static char *new_chunk(qc_arena *a, size_t size)
{
    struct qc_arena_chunk *c;
    int fresh;
    if (size > BIG_DATA / 4) {
        /* A big chunk of its own when it fits one (a file's text, read
         * one after another: a kept chunk serves them all). */
        if (size <= BIG_DATA) {
            c = big_chunk(&fresh);
        } else {
            c = xmalloc(sizeof *c + size);
            c->kind = CHUNK_BLOCK;
        }
        c->next = a->head->next;
        a->head->next = c;
        return (char *)c->data;
    }
    c = big_chunk(&fresh);
    c->next = a->head;
    a->head = c;
    a->cur = (char *)c->data;
    a->end = (char *)c + BIG_CHUNK;
    a->zero = fresh;
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

void *qc_arena_alloc_zero_chunk(qc_arena *a, size_t size)
{
    char *p = new_chunk(a, size);
    if (!p) {
        p = a->cur;
        a->cur += size;
        if (a->zero)
            return p;
    }
    memset(p, 0, size);
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

/* The block of qc_arena_grow at P, taken off A's list. */
static struct qc_arena_chunk *unlink_grown(qc_arena *a, void *p)
{
    struct qc_arena_chunk *c = (struct qc_arena_chunk *)
        ((char *)p - offsetof(struct qc_arena_chunk, data));
    struct qc_arena_chunk **link = &a->grown;
    while (*link != c)
        link = &(*link)->next;
    *link = c->next;
    return c;
}

void qc_arena_release(qc_arena *a, void *p, size_t size)
{
    if (size >= QC_ARENA_GROW_BLOCK) {
        free_block(unlink_grown(a, p));
    } else if (p && size > a->spare_size) {
        a->spare = p;
        a->spare_size = size;
    }
}

/* Doubling in the arena leaves the old arrays behind: as much again as
 * the array, for the arrays of a schema's definitions.  A big array has
 * a block of its own instead, which grows in place. */
void *qc_arena_grow(qc_arena *a, void *p, size_t old, size_t new)
{
    if (new < QC_ARENA_GROW_BLOCK) {
        void *q;
        if (a->spare && new <= a->spare_size) {
            q = a->spare;
            a->spare = NULL;
            a->spare_size = 0;
        } else {
            q = qc_arena_alloc_uninit(a, new);
        }
        if (old)
            memcpy(q, p, old);
        return q;
    }
    struct qc_arena_chunk *c = old >= QC_ARENA_GROW_BLOCK
        ? unlink_grown(a, p) : NULL;
    struct qc_arena_chunk *n = resize_block(c, new);
    if (!c && old)
        memcpy(n->data, p, old);
    n->next = a->grown;
    a->grown = n;
    return n->data;
}

void *qc_arena_grow_array(qc_arena *a, void *p, size_t *cap, size_t size)
{
    size_t old = *cap * size;
    *cap = *cap ? 2 * *cap : 16;
    return qc_arena_grow(a, p, old, *cap * size);
}

void qc_ptrvec_grow(qc_arena *a, qc_ptrvec *v)
{
    size_t cap = v->cap ? v->cap * 2 : 8;
    if (cap * sizeof *v->items < QC_ARENA_GROW_BLOCK) {
        /* qc_arena_grow's small case, inline: most vectors are small */
        void **items = qc_arena_alloc_uninit(a, cap * sizeof *items);
        if (v->n)
            memcpy(items, v->items, v->n * sizeof *items);
        v->items = items;
    } else {
        v->items = qc_arena_grow(a, v->items, v->cap * sizeof *v->items,
                                 cap * sizeof *v->items);
    }
    v->cap = cap;
}
