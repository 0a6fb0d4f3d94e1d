/* Bump allocator: one arena per run holds the AST and the schema model.
 * Nothing allocated from an arena is freed on its own; qc_arena_free()
 * releases everything at once.
 *
 * A chunk is used from both ends: objects, aligned on 8 bytes, from its
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
    struct qc_arena_chunk *grown;   /* the blocks of qc_arena_grow */
    struct qc_arena_hook *hooks;    /* qc_arena_on_free's */
    /* The largest small array given back (qc_arena_release) since the
     * last taken, for the next qc_arena_grow it can hold: a schema parses
     * file after file, each with a list of items used only while it is
     * loaded. */
    void *spare;
    size_t spare_size;
    /* The part of the parser's last block of strings it did not use,
     * for the next parse (qc_parse): a schema of many small files would
     * leave a block's end behind each. */
    char *strings, *strings_end;
} qc_arena;

qc_arena *qc_arena_new(void);
void qc_arena_free(qc_arena *a);

/* Has FN(ARG) called when A is freed, before its memory is (the last
 * registered first). */
void qc_arena_on_free(qc_arena *a, void (*fn)(void *), void *arg);

/* The slow paths of the allocations below: a new chunk. */
void *qc_arena_alloc_chunk(qc_arena *a, size_t size);
void *qc_arena_alloc_zero_chunk(qc_arena *a, size_t size);
char *qc_arena_alloc_text_chunk(qc_arena *a, size_t size);

/* The alignment of objects: that of pointers and 64-bit integers, not
 * max_align_t's 16 (long double, which no arena object holds): the
 * small objects of the front end, one per value and member, are 8 bytes
 * more than a multiple of 16. */
#define QC_ARENA_ALIGN 8

/* Aligned on QC_ARENA_ALIGN, not zero-filled: for memory about to be
 * overwritten.  Aborts on out-of-memory. */
static inline void *qc_arena_alloc_uninit(qc_arena *a, size_t size)
{
    const size_t align = QC_ARENA_ALIGN;
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
    const size_t align = QC_ARENA_ALIGN;
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

/* Arrays of at least this many bytes grow in blocks of their own. */
#define QC_ARENA_GROW_BLOCK ((size_t)32 * 1024)

/* P, an array of OLD bytes that qc_arena_grow gave (or any arena memory
 * when OLD < QC_ARENA_GROW_BLOCK), made NEW bytes long (NEW > OLD), the
 * first OLD kept: for arrays that grow by doubling.  A small one is
 * copied and the old copy left in the arena; a big one lives in a block
 * of its own, resized in place (mremap: neither copied nor left behind),
 * which P no longer names.  So pass OLD exactly, and keep no pointer
 * into a big array across its growth. */
void *qc_arena_grow(qc_arena *a, void *p, size_t old, size_t new);

/* P, an array of qc_arena_grow of *CAP items of SIZE bytes (NULL and 0
 * at first), made twice as long (16 items at first), *CAP updated: the
 * doubling of an array that grows by one item at a time. */
void *qc_arena_grow_array(qc_arena *a, void *p, size_t *cap, size_t size);

/* Gives back P, an array of SIZE bytes from qc_arena_grow that is no
 * longer used: a big one's block is freed now, a small one stays in the
 * arena, where a later qc_arena_grow may reuse it. */
void qc_arena_release(qc_arena *a, void *p, size_t size);

/* Growable array of pointers whose storage comes from an arena (by
 * qc_arena_grow: keep no pointer to its items across a push). */
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
