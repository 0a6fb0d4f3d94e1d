/* Introspected schemas: an index by name over a query-qmp-schema array,
 * and loading one from a capability dump or a source schema. */
#include "dumps/ischema.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "base/hashmap.h"
#include "schema/introspect.h"
#include "syntax/parse.h"
#include "base/source.h"

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

/* Index of the "execute": COMMAND object at or after FROM, or N. */
static size_t find_execute(qc_value *const *vals, size_t n, size_t from,
                           const char *command)
{
    for (size_t i = from; i < n; i++) {
        const char *ex = qc_obj_get_str(vals[i], "execute");
        if (ex && !strcmp(ex, command))
            return i;
    }
    return n;
}

const qc_value *qc_replies_find_return(qc_value *const *vals, size_t n,
                                       const char *command)
{
    /* The reply is the value right after the command (dumps alternate
     * strictly); an error reply does not end the search, a later attempt
     * may have succeeded. */
    for (size_t i = find_execute(vals, n, 0, command); i < n;
         i = find_execute(vals, n, i + 1, command)) {
        if (i + 1 < n) {
            const qc_value *r = qc_obj_get(vals[i + 1], "return");
            if (r)
                return r;
        }
    }
    return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && !strcmp(s + ls - lx, suffix);
}

qc_ischema *qc_ischema_from_json(qc_arena *a, qc_diag *d,
                                 const qc_source *src, qc_value **vals,
                                 size_t n)
{
    if (n == 1 && qc_is_array(vals[0]))
        return qc_ischema_new(a, vals[0]);
    const qc_value *ret = qc_replies_find_return(vals, n, "query-qmp-schema");
    if (!ret && n == 1 && qc_is_array(qc_obj_get(vals[0], "return")))
        ret = qc_obj_get(vals[0], "return");
    if (!ret) {
        size_t i = find_execute(vals, n, 0, "query-qmp-schema");
        if (i < n)
            qc_error(d, vals[i]->loc, "ischema-no-schema-reply",
                     "the query-qmp-schema command in this dump has no "
                     "successful reply");
        else
            qc_error(d, qc_loc_make(src, 0), "ischema-no-schema-reply",
                     "this capability dump holds no query-qmp-schema "
                     "command");
        return NULL;
    }
    if (!qc_is_array(ret)) {
        qc_error(d, ret->loc, "ischema-not-array",
                 "the query-qmp-schema reply returns %s, not an array",
                 qc_value_type_name(ret));
        return NULL;
    }
    return qc_ischema_new(a, ret);
}

bool qc_ischema_text_is_json(const char *text, size_t len)
{
    size_t k = 0;
    while (k < len && text[k] && strchr(" \t\r\n", text[k]))
        k++;
    if (k < len && text[k] == '[')
        return true;
    if (k >= len || text[k] != '{')
        return false;
    /* A source schema quotes with ' only. */
    for (k++; k < len && text[k] && strchr(" \t\r\n", text[k]); k++)
        ;
    return k < len && text[k] == '"';
}

qc_ischema *qc_ischema_load(qc_arena *a, qc_diag *d, const qc_options *opts,
                            const char *path, bool *io_error)
{
    bool dummy;
    if (!io_error)
        io_error = &dummy;
    *io_error = false;
    /* A capability dump (.replies, or any file of JSON objects), generated
     * introspection (a JSON array, such as "qapic introspect" writes), or
     * a source schema, which never starts with '[' nor quotes with '"'. */
    int err = 0;
    qc_source *src = qc_source_load(a, path, false, &err);
    if (!src) {
        *io_error = true;
        qc_error(d, qc_loc_make(NULL, 0), "io-error",
                 "cannot read '%s': %s", path, strerror(err));
        return NULL;
    }
    if (ends_with(path, ".replies")
        || qc_ischema_text_is_json(src->text, src->len)) {
        size_t n = 0;
        qc_value **vals = qc_parse_json(a, src, true, d, &n);
        return vals ? qc_ischema_from_json(a, d, src, vals, n) : NULL;
    }

    /* A source schema: what could any build of it offer?  Every condition
     * is taken as true, and names are unmasked so that paths can be
     * followed by their real type names too. */
    qc_introspect_opts io = QC_INTROSPECT_OPTS_DEFAULT;
    io.all_conditions_true = true;
    io.unmask = true;
    const qc_value *arr = qc_introspect_file(a, d, opts, path, &io, io_error);
    if (!arr)
        return NULL;
    return qc_ischema_new(a, arr);
}
