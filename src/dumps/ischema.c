/* The index of an introspected schema; see ischema.h. */
#include "dumps/ischema.h"

#include <string.h>

struct qc_ischema {
    const qc_value *array;
    const qc_value **entries;   /* the indexed entries, in array order */
    const char **names;         /* theirs */
    uint32_t *hashes;           /* of their names (qc_name_hash) */
    size_t n;
    uint32_t *index;            /* positions in ENTRIES + 1, open
                                   addressing by the names' hashes */
    size_t mask;                /* of INDEX's size, a power of two */
};

/* The slot of the index for NAME (hash H): the one that holds it, or the
 * empty one where it would go. */
static uint32_t *slot_of(const qc_ischema *s, const char *name, uint32_t h)
{
    for (size_t i = h & s->mask;; i = (i + 1) & s->mask) {
        uint32_t *slot = &s->index[i];
        if (!*slot)
            return slot;
        size_t k = *slot - 1;
        if (s->hashes[k] == h
            && (s->names[k] == name || !strcmp(s->names[k], name)))
            return slot;
    }
}

qc_ischema *qc_ischema_new(qc_arena *a, const qc_value *array)
{
    qc_ischema *s = qc_arena_alloc(a, sizeof *s);
    s->array = array;
    size_t total = qc_is_array(array) ? qc_arr_len(array) : 0;
    s->entries = qc_arena_alloc(a, (total + 1) * sizeof *s->entries);
    s->names = qc_arena_alloc_uninit(a, (total + 1) * sizeof *s->names);
    s->hashes = qc_arena_alloc_uninit(a, (total + 1) * sizeof *s->hashes);
    for (s->mask = 15; s->mask + 1 < 2 * total; s->mask = 2 * s->mask + 1)
        ;
    s->index = qc_arena_alloc(a, (s->mask + 1) * sizeof *s->index);
    for (size_t i = 0; i < total; i++) {
        const qc_value *e = qc_arr_at(array, i);
        const char *name = qc_obj_get_str(e, "name");
        if (!name)
            continue;
        uint32_t h = qc_name_hash(name), *slot = slot_of(s, name, h);
        /* The first of duplicate names wins; the soundness check is the
         * place to complain about the others. */
        if (*slot)
            continue;
        s->entries[s->n] = e;
        s->names[s->n] = name;
        s->hashes[s->n] = h;
        *slot = (uint32_t)++s->n;
    }
    return s;
}

const qc_value *qc_ischema_lookup(const qc_ischema *s, const char *name)
{
    if (!s || !name)
        return NULL;
    uint32_t *slot = slot_of(s, name, qc_name_hash(name));
    return *slot ? s->entries[*slot - 1] : NULL;
}

size_t qc_ischema_size(const qc_ischema *s)
{
    return s->n;
}

const qc_value *qc_ischema_entry(const qc_ischema *s, size_t i)
{
    return i < s->n ? s->entries[i] : NULL;
}

const qc_value *qc_ischema_array(const qc_ischema *s)
{
    return s->array;
}

bool qc_ischema_has_feature(const qc_value *v, const char *feat)
{
    const qc_value *fs = qc_obj_get(v, "features");
    if (!qc_is_array(fs))
        return false;
    for (size_t i = 0; i < qc_arr_len(fs); i++) {
        const qc_value *f = qc_arr_at(fs, i);
        if (qc_is_string(f) && !strcmp(f->u.str.s, feat))
            return true;
    }
    return false;
}
