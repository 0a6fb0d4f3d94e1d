/* String-keyed open-addressing hash map; see hashmap.h.
 *
 * A slot is in use when its key is set and its generation is the map's:
 * resetting the map is then one increment, however large the table has
 * grown (the soundness check of dumps resets a map for every list). */
#include "base/hashmap.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const char *key;
    void *value;
    uint32_t hash;
    uint32_t gen;
} slot;

/* A small map has a power of two of slots, filled to half at most, and
 * finds a key's first slot by a mask.  A big one (BIG entries and more
 * when it is made) has as many slots as 3/4 full needs, and finds the
 * first slot by scaling the hash to the table (a multiplication): a
 * schema of a million names needs a table of 32 MB, not one of 100 MB
 * that the next power of two at half full can take. */
#define BIG 4096

struct qc_hashmap {
    qc_arena *arena;
    slot *slots;
    size_t cap;
    size_t mask;     /* cap - 1 for a small map (cap a power of two), 0 */
    size_t n;
    uint32_t gen;
    bool block;      /* slots is a block of qc_arena_grow (see grow) */
};

#define hash_str qc_hash_str

qc_hashmap *qc_hashmap_new(qc_arena *a)
{
    return qc_hashmap_new_sized(a, 32);
}

/* Whether N entries fit M's table. */
static inline bool fits(const qc_hashmap *m, size_t n)
{
    return m->mask ? 2 * n <= m->cap : 4 * n <= 3 * m->cap;
}

/* A table for about N entries. */
static void size_for(qc_hashmap *m, size_t n)
{
    if (n < BIG) {
        m->cap = 8;
        while (m->cap < 2 * n + 2)
            m->cap *= 2;
        m->mask = m->cap - 1;
    } else {
        m->cap = (4 * n + 2) / 3 + 1;
        m->mask = 0;
    }
}

qc_hashmap *qc_hashmap_new_sized(qc_arena *a, size_t n)
{
    qc_hashmap *m = qc_arena_alloc(a, sizeof(*m));
    m->arena = a;
    size_for(m, n);
    m->slots = qc_arena_alloc(a, m->cap * sizeof(slot));
    return m;
}

static inline bool in_use(const qc_hashmap *m, const slot *s)
{
    return s->key && s->gen == m->gen;
}

static inline bool holds(const qc_hashmap *m, const slot *s, const char *key,
                         uint32_t h)
{
    return !in_use(m, s)
        || (s->hash == h && (s->key == key || strcmp(s->key, key) == 0));
}

/* The slot holding KEY, or the empty one where it would go.  Inlined:
 * it is the whole cost of a lookup.  Keys are often the very string
 * stored (names interned by the readers): pointers compare first. */
static inline __attribute__((always_inline)) slot *
find(const qc_hashmap *m, const char *key, uint32_t h)
{
    size_t mask = m->mask;
    if (mask) {
        for (size_t i = h & mask;; i = (i + 1) & mask)
            if (holds(m, &m->slots[i], key, h))
                return &m->slots[i];
    }
    size_t cap = m->cap;
    for (size_t i = (size_t)(((uint64_t)h * cap) >> 32);;) {
        if (holds(m, &m->slots[i], key, h))
            return &m->slots[i];
        if (++i == cap)
            i = 0;
    }
}

/* A small table stays in the arena when the map outgrows it; a big one
 * is a block of its own, given back once its entries are moved (a map
 * grown from nothing to a million entries would otherwise leave as much
 * again behind).  A small map that grows past BIG entries becomes a big
 * one (filled to 3/4, as if it had been made for them). */
static void grow(qc_hashmap *m)
{
    slot *old = m->slots;
    size_t oldcap = m->cap;
    bool old_block = m->block;
    if (m->mask && 2 * (m->n + 1) < BIG) {
        m->cap *= 2;
        m->mask = m->cap - 1;
    } else {
        size_for(m, 2 * (m->n + 1));
    }
    size_t bytes = m->cap * sizeof(slot);
    m->block = bytes >= QC_ARENA_GROW_BLOCK;
    if (m->block) {
        m->slots = qc_arena_grow(m->arena, NULL, 0, bytes);
        memset(m->slots, 0, bytes);
    } else {
        m->slots = qc_arena_alloc(m->arena, bytes);
    }
    for (size_t i = 0; i < oldcap; i++)
        if (in_use(m, &old[i]))
            *find(m, old[i].key, old[i].hash) = old[i];
    if (old_block)
        qc_arena_release(m->arena, old, oldcap * sizeof(slot));
}

static inline __attribute__((always_inline)) void *
lookup(const qc_hashmap *m, const char *key, uint32_t h)
{
    slot *s = find(m, key, h);
    return in_use(m, s) ? s->value : NULL;
}

void *qc_hashmap_get_hashed(const qc_hashmap *m, const char *key,
                            uint32_t hash)
{
    if (!m || !key)
        return NULL;
    return lookup(m, key, hash);
}

/* The lookup inline here too: the checks of M and KEY once. */
void *qc_hashmap_get(const qc_hashmap *m, const char *key)
{
    if (!m || !key)
        return NULL;
    return lookup(m, key, hash_str(key));
}

void *qc_hashmap_put_new(qc_hashmap *m, const char *key, void *value)
{
    return qc_hashmap_put_new_hashed(m, key, hash_str(key), value);
}

/* Stores KEY at S, the empty slot find() gave for it. */
static void *insert(qc_hashmap *m, slot *s, const char *key, uint32_t h,
                    void *value)
{
    if (!fits(m, m->n + 1)) {
        grow(m);
        s = find(m, key, h);
    }
    s->key = key;
    s->hash = h;
    s->gen = m->gen;
    s->value = value;
    m->n++;
    return value;
}

void *qc_hashmap_put_new_hashed(qc_hashmap *m, const char *key,
                                uint32_t h, void *value)
{
    slot *s = find(m, key, h);
    if (in_use(m, s))
        return s->value;
    return insert(m, s, key, h, value);
}

void qc_hashmap_put(qc_hashmap *m, const char *key, void *value)
{
    uint32_t h = hash_str(key);
    slot *s = find(m, key, h);
    if (in_use(m, s))
        s->value = value;
    else
        insert(m, s, key, h, value);
}

void qc_hashmap_reset(qc_hashmap *m, size_t n)
{
    m->n = 0;
    if (!fits(m, n + 1)) {
        if (m->block)
            qc_arena_release(m->arena, m->slots, m->cap * sizeof(slot));
        m->block = false;
        size_for(m, n);
        m->slots = qc_arena_alloc(m->arena, m->cap * sizeof(slot));
        return;
    }
    if (++m->gen == 0)          /* wrapped: old slots would look current */
        memset(m->slots, 0, m->cap * sizeof(slot));
}

void qc_hashmap_release(qc_hashmap *m)
{
    if (m->block)
        qc_arena_release(m->arena, m->slots, m->cap * sizeof(slot));
    m->block = false;
    m->slots = NULL;
    m->cap = m->n = 0;
}
