/* The connected QEMU's schema (the remote one, as opposed to the tables
 * of the bindings): query-qmp-schema, fetched once on first use (or
 * given), and indexed by name.  Type names are masked numbers in
 * it; only command and event names are real, so everything is reached
 * from those. */
#include "internal/client.h"

#include <stdlib.h>
#include <string.h>

const char *qapic__json_str(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    if (!o || !json_object_object_get_ex(o, key, &v)
        || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

bool qapic__json_array_has(struct json_object *arr, const char *s)
{
    size_t n = json_object_is_type(arr, json_type_array)
        ? json_object_array_length(arr) : 0;
    for (size_t i = 0; s && i < n; i++) {
        struct json_object *v = json_object_array_get_idx(arr, i);
        if (json_object_is_type(v, json_type_string)
            && !strcmp(json_object_get_string(v), s))
            return true;
    }
    return false;
}

struct json_object *qapic__schema_lookup(struct json_object *index,
                                         const char *name)
{
    struct json_object *e = NULL;
    if (!index || !name || !json_object_object_get_ex(index, name, &e))
        return NULL;
    return e;
}

/* name -> entry; the first of duplicate names wins, as in `qapic query`. */
static struct json_object *build_index(struct json_object *schema)
{
    struct json_object *index = json_object_new_object();
    if (!index)
        return NULL;
    size_t n = json_object_array_length(schema);
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(schema, i);
        const char *name = qapic__json_str(e, "name");
        if (name && !json_object_object_get_ex(index, name, NULL))
            json_object_object_add(index, name, json_object_get(e));
    }
    return index;
}

void qapic_client_set_schema(qapic_client *c, struct json_object *schema)
{
    if (!c)
        return;
    if (c->schema_index)
        json_object_put(c->schema_index);
    if (c->schema)
        json_object_put(c->schema);
    c->schema = c->schema_index = NULL;
    c->schema_unavailable = false;
    c->schema_given = false;
    if (!schema || !json_object_is_type(schema, json_type_array))
        return;
    c->schema = json_object_get(schema);
    c->schema_index = build_index(schema);
    c->schema_given = true;
}

struct json_object *qapic__schema_index(qapic_client *c, bool *unavailable,
                                        qapic_error **err)
{
    if (unavailable)
        *unavailable = false;
    if (c->schema_index)
        return c->schema_index;
    if (c->schema_unavailable) {
        if (unavailable)
            *unavailable = true;
        char *who = qapic__this_qemu(c);
        qapic__error_give(err, qapic__error_new(
            QAPIC_ERROR_UNSUPPORTED, "%s has no query-qmp-schema",
            who ? who : "this QEMU"));
        free(who);
        return NULL;
    }
    qapic_error *e = NULL;
    struct json_object *ret = qapic_client_execute(c, "query-qmp-schema",
                                                   NULL, 0, &e);
    if (!ret) {
        /* QEMU before 2.5 has no query-qmp-schema: nothing to check. */
        if (e && e->kind == QAPIC_ERROR_QMP && e->qmp_class
            && !strcmp(e->qmp_class, "CommandNotFound")) {
            c->schema_unavailable = true;
            if (unavailable)
                *unavailable = true;
        }
        qapic__error_give(err, e);
        return NULL;
    }
    if (!json_object_is_type(ret, json_type_array)) {
        qapic__error_give(err, qapic__error_new(
            QAPIC_ERROR_PROTOCOL, "query-qmp-schema returned %s, not an "
            "array", json_type_to_name(json_object_get_type(ret))));
        json_object_put(ret);
        return NULL;
    }
    qapic_client_set_schema(c, ret);
    c->schema_given = false;
    json_object_put(ret);
    if (!c->schema_index)
        qapic_error_set(err, QAPIC_ERROR_NOMEM, "out of memory");
    return c->schema_index;
}

struct json_object *qapic_client_schema(qapic_client *c, qapic_error **err)
{
    if (!c) {
        qapic_error_set(err, QAPIC_ERROR_INVALID, "no client");
        return NULL;
    }
    return qapic__schema_index(c, NULL, err) ? c->schema : NULL;
}
