/* The oracle as a QEMU would describe it: a query-qmp-schema reply built
 * from the oracle tables (type names unmasked), which the peer-based
 * tests give the client as its server's schema, and the removal of one
 * argument, branch or enum value from such a schema (a QEMU older than
 * a rule's min-version). */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "internal/testgen.h"

#define EMPTY "q_empty"

static const char *json_type_of_kind(qapic_kind k)
{
    switch (k) {
    case QAPIC_KIND_STR: return "string";
    case QAPIC_KIND_NUMBER: return "number";
    case QAPIC_KIND_BOOL: return "boolean";
    case QAPIC_KIND_NULL: return "null";
    case QAPIC_KIND_ANY: return "value";
    default: return "int";
    }
}

/* The name a type has in the schema: arrays are "[ELEMENT]", as in QEMU's
 * unmasked introspection. */
static void type_name(const qapic_tg_schema *s, uint32_t t, char *buf,
                      size_t size)
{
    const qapic_tg_type *x = &s->types[t];
    if (t == QAPIC_TG_NONE)
        snprintf(buf, size, EMPTY);
    else if (x->kind == QAPIC_KIND_LIST) {
        char el[256];
        type_name(s, x->element, el, sizeof el);
        snprintf(buf, size, "[%s]", el);
    } else
        snprintf(buf, size, "%s", x->name);
}

static struct json_object *str(const char *s)
{
    return json_object_new_string(s);
}

static struct json_object *entry(const char *name, const char *meta)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "name", str(name));
    json_object_object_add(o, "meta-type", str(meta));
    return o;
}

static struct json_object *object_entry(const qapic_tg_schema *s,
                                        const qapic_tg_type *x)
{
    char name[512];
    struct json_object *o = entry(x->name, "object");
    struct json_object *ms = json_object_new_array();
    for (size_t i = 0; i < x->nmembers; i++) {
        const qapic_tg_member *m = &x->members[i];
        struct json_object *mo = json_object_new_object();
        type_name(s, m->type, name, sizeof name);
        json_object_object_add(mo, "name", str(m->name));
        json_object_object_add(mo, "type", str(name));
        if (m->flags & QAPIC_TG_OPTIONAL)
            json_object_object_add(mo, "default", NULL);
        json_object_array_add(ms, mo);
    }
    json_object_object_add(o, "members", ms);
    if (x->kind != QAPIC_KIND_UNION)
        return o;
    const qapic_tg_type *tt = &s->types[x->members[x->tag].type];
    json_object_object_add(o, "tag", str(x->members[x->tag].name));
    struct json_object *vs = json_object_new_array();
    for (size_t k = 0; k < tt->nvalues; k++) {
        struct json_object *v = json_object_new_object();
        type_name(s, x->branches[k], name, sizeof name);
        json_object_object_add(v, "case", str(tt->values[k]));
        json_object_object_add(v, "type", str(name));
        json_object_array_add(vs, v);
    }
    json_object_object_add(o, "variants", vs);
    return o;
}

static struct json_object *type_entry(const qapic_tg_schema *s, uint32_t t)
{
    const qapic_tg_type *x = &s->types[t];
    char name[512];
    struct json_object *o, *a;
    switch (x->kind) {
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
        return object_entry(s, x);
    case QAPIC_KIND_ENUM:
        o = entry(x->name, "enum");
        a = json_object_new_array();
        struct json_object *ms = json_object_new_array();
        for (size_t k = 0; k < x->nvalues; k++) {
            struct json_object *m = json_object_new_object();
            json_object_object_add(m, "name", str(x->values[k]));
            json_object_array_add(ms, m);
            json_object_array_add(a, str(x->values[k]));
        }
        json_object_object_add(o, "members", ms);
        json_object_object_add(o, "values", a);
        return o;
    case QAPIC_KIND_ALTERNATE:
        o = entry(x->name, "alternate");
        a = json_object_new_array();
        for (size_t k = 0; k < x->nalts; k++) {
            struct json_object *m = json_object_new_object();
            type_name(s, x->alts[k].type, name, sizeof name);
            json_object_object_add(m, "type", str(name));
            json_object_array_add(a, m);
        }
        json_object_object_add(o, "members", a);
        return o;
    case QAPIC_KIND_LIST:
        type_name(s, t, name, sizeof name);
        o = entry(name, "array");
        type_name(s, x->element, name, sizeof name);
        json_object_object_add(o, "element-type", str(name));
        return o;
    default:
        o = entry(x->name, "builtin");
        json_object_object_add(o, "json-type", str(json_type_of_kind(x->kind)));
        return o;
    }
}

struct json_object *qapic_tg__introspect(const qapic_tg_schema *s)
{
    char name[512];
    struct json_object *all = json_object_new_array();
    if (!all)
        return NULL;
    for (size_t i = 0; i < s->ncommands; i++) {
        const qapic_tg_command *c = &s->commands[i];
        struct json_object *o = entry(c->name, "command");
        type_name(s, c->args, name, sizeof name);
        json_object_object_add(o, "arg-type", str(name));
        type_name(s, c->ret, name, sizeof name);
        json_object_object_add(o, "ret-type", str(name));
        json_object_array_add(all, o);
    }
    for (size_t i = 0; i < s->nevents; i++) {
        struct json_object *o = entry(s->events[i].name, "event");
        type_name(s, s->events[i].data, name, sizeof name);
        json_object_object_add(o, "arg-type", str(name));
        json_object_array_add(all, o);
    }
    struct json_object *empty = entry(EMPTY, "object");
    json_object_object_add(empty, "members", json_object_new_array());
    json_object_array_add(all, empty);
    for (size_t t = 0; t < s->ntypes; t++)
        json_object_array_add(all, type_entry(s, (uint32_t)t));
    return all;
}

/* ---- removing what a path names ----------------------------------------- */

static struct json_object *get(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static struct json_object *find_entry(struct json_object *schema,
                                      const char *name)
{
    size_t n = json_object_array_length(schema);
    for (size_t i = 0; name && i < n; i++) {
        struct json_object *e = json_object_array_get_idx(schema, i);
        const char *en = json_object_get_string(get(e, "name"));
        if (en && !strcmp(en, name))
            return e;
    }
    return NULL;
}

/* The index of the element of ARR whose KEY is the LEN bytes at NAME. */
static int find_in(struct json_object *arr, const char *key, const char *name,
                   size_t len)
{
    size_t n = json_object_is_type(arr, json_type_array)
        ? json_object_array_length(arr) : 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        const char *v = key ? json_object_get_string(get(e, key))
                            : json_object_get_string(e);
        if (v && strlen(v) == len && !memcmp(v, name, len))
            return (int)i;
    }
    return -1;
}

static void drop(struct json_object *arr, int i)
{
    json_object_array_del_idx(arr, (size_t)i, 1);
}

/* Entry of type NAME with arrays looked through. */
static struct json_object *resolve(struct json_object *schema,
                                   const char *name)
{
    struct json_object *e = find_entry(schema, name);
    for (int i = 0; i < 64 && e; i++) {
        const char *meta = json_object_get_string(get(e, "meta-type"));
        if (!meta || strcmp(meta, "array"))
            break;
        e = find_entry(schema,
                       json_object_get_string(get(e, "element-type")));
    }
    return e;
}

/* Among an alternate's branch types, the first of META. */
static struct json_object *alternate_branch(struct json_object *schema,
                                            struct json_object *alt,
                                            const char *meta)
{
    struct json_object *ms = get(alt, "members");
    size_t n = json_object_array_length(ms);
    for (size_t i = 0; i < n; i++) {
        struct json_object *b = resolve(
            schema, json_object_get_string(
                        get(json_object_array_get_idx(ms, i), "type")));
        const char *bm = b ? json_object_get_string(get(b, "meta-type")) : "";
        if (bm && !strcmp(bm, meta))
            return b;
    }
    return NULL;
}

/* Member NAME (LEN bytes) of object entry T, in T or in the variant types
 * (a path may name a branch member without its +branch). */
static bool remove_step(struct json_object *schema, struct json_object **t,
                        const char *c, size_t len, bool last)
{
    const char *meta = json_object_get_string(get(*t, "meta-type"));
    if (meta && !strcmp(meta, "alternate"))
        *t = alternate_branch(schema, *t, c[0] == '^' ? "enum" : "object");
    if (!*t)
        return false;
    if (c[0] == '^') {
        int i = find_in(get(*t, "values"), NULL, c + 1, len - 1);
        int k = find_in(get(*t, "members"), "name", c + 1, len - 1);
        if (i < 0 && k < 0)
            return false;
        if (i >= 0)
            drop(get(*t, "values"), i);
        if (k >= 0)
            drop(get(*t, "members"), k);
        return last;
    }
    if (c[0] == '+') {
        struct json_object *vs = get(*t, "variants");
        int i = find_in(vs, "case", c + 1, len - 1);
        if (i < 0)
            return false;
        if (last) {
            drop(vs, i);
            return true;
        }
        *t = resolve(schema, json_object_get_string(
                                 get(json_object_array_get_idx(vs, i),
                                     "type")));
        return *t != NULL;
    }
    struct json_object *ms = get(*t, "members");
    int i = find_in(ms, "name", c, len);
    if (i < 0)
        return false;
    if (last) {
        drop(ms, i);
        return true;
    }
    *t = resolve(schema, json_object_get_string(
                             get(json_object_array_get_idx(ms, i), "type")));
    return *t != NULL;
}

bool qapic_tg__schema_remove(struct json_object *schema, const char *cmd,
                             const char *path)
{
    struct json_object *c = find_entry(schema, cmd);
    struct json_object *t = c ? resolve(schema, json_object_get_string(
                                                    get(c, "arg-type")))
                              : NULL;
    for (const char *p = path; t && *p;) {
        size_t len = strcspn(p, "/");
        bool last = !p[len];
        if (!remove_step(schema, &t, p, len, last))
            return false;
        if (last)
            return true;
        p += len + 1;
    }
    return false;
}
