/* The index of an introspected schema; see ischema.h. */
#include "dumps/ischema.h"

#include <string.h>

#include "base/hashmap.h"

struct qc_ischema {
    const qc_value *array;
    const qc_value **entries;   /* the indexed entries, in array order */
    size_t n;
    qc_hashmap *by_name;        /* name -> entry */
};

qc_ischema *qc_ischema_new(qc_arena *a, const qc_value *array)
{
    qc_ischema *s = qc_arena_alloc(a, sizeof *s);
    s->array = array;
    size_t total = qc_is_array(array) ? array->u.arr.n : 0;
    s->entries = qc_arena_alloc(a, (total + 1) * sizeof *s->entries);
    s->by_name = qc_hashmap_new_sized(a, total);
    for (size_t i = 0; i < total; i++) {
        const qc_value *e = array->u.arr.items[i];
        const char *name = qc_obj_get_str(e, "name");
        /* The first of duplicate names wins; the soundness check is the
         * place to complain about the others. */
        if (name && qc_hashmap_put_new(s->by_name, name, (void *)e) == e)
            s->entries[s->n++] = e;
    }
    return s;
}

const qc_value *qc_ischema_lookup(const qc_ischema *s, const char *name)
{
    if (!s || !name)
        return NULL;
    return qc_hashmap_get(s->by_name, name);
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
    for (size_t i = 0; i < fs->u.arr.n; i++) {
        const qc_value *f = fs->u.arr.items[i];
        if (qc_is_string(f) && !strcmp(f->u.str.s, feat))
            return true;
    }
    return false;
}
