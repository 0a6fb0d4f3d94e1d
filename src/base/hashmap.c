/* String-keyed open-addressing hash map; see hashmap.h. */
#include "base/hashmap.h"

#include <stdint.h>
#include <string.h>

typedef struct {
    const char *key;
    void *value;
    uint32_t hash;
} slot;

struct qc_hashmap {
    qc_arena *arena;
    slot *slots;
    size_t cap;      /* power of two */
    size_t n;
};

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

qc_hashmap *qc_hashmap_new(qc_arena *a)
{
    return qc_hashmap_new_sized(a, 32);
}

qc_hashmap *qc_hashmap_new_sized(qc_arena *a, size_t n)
{
    qc_hashmap *m = qc_arena_alloc(a, sizeof(*m));
    m->arena = a;
    m->cap = 8;
    while (m->cap < 2 * n + 2)
        m->cap *= 2;
    m->slots = qc_arena_alloc(a, m->cap * sizeof(slot));
    return m;
}

static slot *find(const qc_hashmap *m, const char *key, uint32_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
    }
}

static void grow(qc_hashmap *m)
{
    slot *old = m->slots;
    size_t oldcap = m->cap;
    m->cap *= 2;
    /* The old table stays in the arena: growth is rare and bounded. */
    m->slots = qc_arena_alloc(m->arena, m->cap * sizeof(slot));
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key)
            *find(m, old[i].key, old[i].hash) = old[i];
}

void *qc_hashmap_get(const qc_hashmap *m, const char *key)
{
    if (!m || !key)
        return NULL;
    slot *s = find(m, key, hash_str(key));
    return s->key ? s->value : NULL;
}

void *qc_hashmap_put_new(qc_hashmap *m, const char *key, void *value)
{
    uint32_t h = hash_str(key);
    slot *s = find(m, key, h);
    if (s->key)
        return s->value;
    if ((m->n + 1) * 2 > m->cap) {
        grow(m);
        s = find(m, key, h);
    }
    s->key = key;
    s->hash = h;
    s->value = value;
    m->n++;
    return value;
}

void qc_hashmap_put(qc_hashmap *m, const char *key, void *value)
{
    uint32_t h = hash_str(key);
    slot *s = find(m, key, h);
    if (s->key) {
        s->value = value;
        return;
    }
    qc_hashmap_put_new(m, key, value);
}

size_t qc_hashmap_size(const qc_hashmap *m)
{
    return m ? m->n : 0;
}
