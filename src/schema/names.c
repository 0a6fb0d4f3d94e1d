/* The schema's table of names; see names.h.
 *
 * Open addressing with linear probing, filled to 3/4 at most; a name's
 * first slot is its hash scaled to the table (a multiplication), so the
 * table has as many slots as that fill needs, not a power of two.  A
 * removed name's slot is emptied and the slots after it moved back
 * where their probe allows (backward-shift deletion): no tombstones, so
 * a table where definitions fail and their indexes are reused stays as
 * full as its names make it. */
#include "schema/names.h"

#include <stdint.h>
#include <string.h>

#include "base/hashmap.h"
#include "schema/schema.h"

typedef struct {
    uint32_t hash;
    uint32_t ref;       /* the entity's index + 1; 0: an empty slot */
} slot;

struct qc_names {
    qc_arena *arena;
    slot *slots;
    uint32_t cap, n;
    bool block;         /* slots is a block of qc_arena_grow */
};

/* Slots for N names. */
static uint32_t cap_for(size_t n)
{
    size_t cap = (4 * n + 2) / 3 + 1;
    return cap < 8 ? 8 : (uint32_t)cap;
}

static inline uint32_t home(uint32_t h, uint32_t cap)
{
    return (uint32_t)(((uint64_t)h * cap) >> 32);
}

/* Zero-filled slots for T->cap: in the arena for a table as made (a big
 * one comes zero from the system), in a block of its own once grown, so
 * that the table it replaces can be given back. */
static void alloc_slots(qc_names *t, bool grown)
{
    size_t bytes = (size_t)t->cap * sizeof(slot);
    t->block = grown && bytes >= QC_ARENA_GROW_BLOCK;
    if (t->block) {
        t->slots = qc_arena_grow(t->arena, NULL, 0, bytes);
        memset(t->slots, 0, bytes);
    } else {
        t->slots = qc_arena_alloc(t->arena, bytes);
    }
}

qc_names *qc_names_new(qc_arena *a, size_t n)
{
    qc_names *t = qc_arena_alloc(a, sizeof(*t));
    t->arena = a;
    t->cap = cap_for(n);
    alloc_slots(t, false);
    return t;
}

/* The slot holding NAME, or the empty one where it would go.  Names are
 * often the very string of the entity (references resolved from it):
 * pointers compare first. */
static inline slot *find(const qc_names *t, qc_entity *const *ents,
                         const char *name, uint32_t h)
{
    uint32_t cap = t->cap;
    for (uint32_t i = home(h, cap);;) {
        slot *s = &t->slots[i];
        if (!s->ref)
            return s;
        if (s->hash == h) {
            const char *k = ents[s->ref - 1]->name;
            if (k == name || strcmp(k, name) == 0)
                return s;
        }
        if (++i == cap)
            i = 0;
    }
}

/* Twice the room: the slots are placed again by their hashes alone (their
 * names are all different). */
static void grow(qc_names *t)
{
    slot *old = t->slots;
    uint32_t oldcap = t->cap;
    bool old_block = t->block;
    t->cap = cap_for(2 * ((size_t)t->n + 1));
    alloc_slots(t, true);
    for (uint32_t i = 0; i < oldcap; i++) {
        if (!old[i].ref)
            continue;
        uint32_t j = home(old[i].hash, t->cap);
        while (t->slots[j].ref)
            if (++j == t->cap)
                j = 0;
        t->slots[j] = old[i];
    }
    if (old_block)
        qc_arena_release(t->arena, old, (size_t)oldcap * sizeof(slot));
}

qc_entity *qc_names_get(const qc_names *t, qc_entity *const *ents,
                        const char *name)
{
    if (!t || !name)
        return NULL;
    slot *s = find(t, ents, name, qc_hash_str(name));
    return s->ref ? ents[s->ref - 1] : NULL;
}

qc_entity *qc_names_put_new(qc_names *t, qc_entity *const *ents,
                            qc_entity *e)
{
    uint32_t h = qc_hash_str(e->name);
    slot *s = find(t, ents, e->name, h);
    if (s->ref)
        return ents[s->ref - 1];
    if (4 * ((size_t)t->n + 1) > 3 * (size_t)t->cap) {
        grow(t);
        s = find(t, ents, e->name, h);
    }
    s->hash = h;
    s->ref = e->index + 1;
    t->n++;
    return e;
}

bool qc_names_remove(qc_names *t, qc_entity *const *ents,
                     const qc_entity *e)
{
    slot *s = find(t, ents, e->name, qc_hash_str(e->name));
    if (!s->ref || ents[s->ref - 1] != e)
        return false;
    /* The slots after the hole up to the next empty one: each moves into
     * the hole unless its first slot lies after the hole (cyclically),
     * where a probe from there would no longer reach it. */
    uint32_t cap = t->cap, i = (uint32_t)(s - t->slots);
    for (uint32_t j = i;;) {
        if (++j == cap)
            j = 0;
        slot *next = &t->slots[j];
        if (!next->ref)
            break;
        uint32_t k = home(next->hash, cap);
        if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
            continue;
        t->slots[i] = *next;
        i = j;
    }
    t->slots[i] = (slot){ 0, 0 };
    t->n--;
    return true;
}
