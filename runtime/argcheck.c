/* The check of a call against the connected QEMU's schema, before it is
 * sent: the command exists; every member sent exists, found by name
 * through objects, arrays, unions (by the value of their tag) and
 * alternates (by the JSON type of the value); every enum value sent is
 * known; every member the QEMU requires is sent; each value has a JSON type
 * the QEMU accepts.  Type names are masked in query-qmp-schema, so types
 * are reached from the command by the names in its entries, never by
 * their own (libvirt's testQEMUSchemaValidateCommand does the same). */
#include "internal/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 1000

typedef struct chk {
    struct json_object *index;
    const char *who;            /* "this QEMU (7.2.22)" */
    const char *command;
    char *path;                 /* "channels[0].addr", growing */
    size_t len, cap;
    qapic__feature_fn *feature; /* deprecated/unstable uses, or NULL */
    void *ctx;
    bool open;                  /* arguments not all described: members
                                   the schema lacks pass at the top */
    qapic_error **err;
} chk;

static struct json_object *get(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* The QAPIC_FEATURE_* bits of the "features" of schema entry E. */
static uint32_t feature_bits(struct json_object *e)
{
    struct json_object *fs = get(e, "features");
    uint32_t bits = 0;
    if (qapic__json_array_has(fs, "deprecated"))
        bits |= QAPIC_FEATURE_DEPRECATED;
    if (qapic__json_array_has(fs, "unstable"))
        bits |= QAPIC_FEATURE_UNSTABLE;
    return bits;
}

/* Reports a use of entry E (a member or an enum member) to the feature
 * hook when E is deprecated or unstable: "argument 'PATH' of 'CMD'", or
 * "value 'V' of argument 'PATH' of 'CMD'" when VALUE is given. */
static int use(chk *k, struct json_object *e, const char *value)
{
    uint32_t bits = feature_bits(e);
    if (!k->feature || !bits)
        return 0;
    const char *p = k->len ? k->path : "";
    char *what = value
        ? qapic_rt_printf("value '%s' of argument '%s' of '%s'", value, p,
                          k->command)
        : qapic_rt_printf("argument '%s' of '%s'", p, k->command);
    return k->feature(k->ctx, bits, what);
}

/* Appends FMT's output to the path; returns the old length to restore. */
static size_t push(chk *k, const char *fmt, const char *s, size_t i)
{
    size_t old = k->len;
    char piece[64];
    const char *add = piece;
    char *owned = NULL;
    if (s) {
        owned = qapic_rt_printf(k->len ? ".%s" : "%s", s);
        add = owned ? owned : "?";
    } else {
        snprintf(piece, sizeof piece, fmt, i);
    }
    size_t n = strlen(add);
    if (k->len + n + 1 > k->cap) {
        size_t cap = (k->len + n + 1) * 2;
        char *p = realloc(k->path, cap);
        if (p) {
            k->path = p;
            k->cap = cap;
        }
    }
    if (k->len + n + 1 <= k->cap) {
        memcpy(k->path + k->len, add, n + 1);
        k->len += n;
    }
    free(owned);
    return old;
}

static void pop(chk *k, size_t old)
{
    k->len = old;
    if (k->path)
        k->path[old] = '\0';
}

/* An UNSUPPORTED error: "WHO VERB argument 'PATH' of 'COMMAND'". */
static int fail(chk *k, const char *verb)
{
    const char *p = k->len ? k->path : "";
    qapic_error *e = qapic__error_new(
        QAPIC_ERROR_UNSUPPORTED, "%s %s argument '%s' of '%s'", k->who,
        verb ? verb : "rejects", p, k->command);
    if (e)
        e->path = k->len ? qapic_rt_printf("arguments.%s", p)
                         : qapic_rt_strdup("arguments");
    return qapic__error_give(k->err, e);
}

/* The JSON type of V as a noun: "string", "integer", ... */
static const char *json_noun(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return "null";
    case json_type_boolean: return "boolean";
    case json_type_double: return "number";
    case json_type_int: return "integer";
    case json_type_object: return "object";
    case json_type_array: return "array";
    case json_type_string: return "string";
    }
    return "value";
}

static const char *article(const char *noun)
{
    return !strcmp(noun, "null") ? "" : strchr("aeiou", noun[0]) ? "an "
                                                                 : "a ";
}

/* "a string" for the json-type "string". */
static const char *builtin_name(const char *jt)
{
    static const char *const names[][2] = {
        { "string", "a string" }, { "int", "an integer" },
        { "number", "a number" }, { "boolean", "a boolean" },
        { "null", "null" }, { "object", "an object" },
        { "array", "an array" },
    };
    for (size_t i = 0; jt && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i][0], jt))
            return names[i][1];
    return jt ? jt : "another value";
}

/* Whether V has the JSON type a builtin of json-type JT takes. */
static bool fits_builtin(struct json_object *v, const char *jt)
{
    enum json_type t = json_object_get_type(v);
    if (!jt || !strcmp(jt, "value"))
        return true;
    if (!strcmp(jt, "string"))
        return t == json_type_string;
    if (!strcmp(jt, "int"))
        return t == json_type_int;
    if (!strcmp(jt, "number"))
        return t == json_type_int || t == json_type_double;
    if (!strcmp(jt, "boolean"))
        return t == json_type_boolean;
    if (!strcmp(jt, "null"))
        return t == json_type_null;
    if (!strcmp(jt, "object"))
        return t == json_type_object;
    if (!strcmp(jt, "array"))
        return t == json_type_array;
    return true;    /* a json-type this runtime does not know */
}

/* Whether V selects the alternate branch of type entry T. */
static bool fits_branch(struct json_object *t, struct json_object *v)
{
    const char *meta = qapic__json_str(t, "meta-type");
    if (!meta)
        return false;
    if (!strcmp(meta, "builtin"))
        return fits_builtin(v, qapic__json_str(t, "json-type"));
    if (!strcmp(meta, "enum"))
        return json_object_is_type(v, json_type_string);
    if (!strcmp(meta, "object"))
        return json_object_is_type(v, json_type_object);
    if (!strcmp(meta, "array"))
        return json_object_is_type(v, json_type_array);
    return false;
}

static int check_value(chk *k, const char *type, struct json_object *v,
                       unsigned depth);

/* Whether enum T has the value S; *MEMBER gets its entry among
 * "members" (6.2 and later, with its features), or NULL. */
static bool enum_has(struct json_object *t, const char *s,
                     struct json_object **member)
{
    *member = NULL;
    struct json_object *ms = get(t, "members");
    for (size_t i = 0; json_object_is_type(ms, json_type_array)
                       && i < json_object_array_length(ms); i++) {
        struct json_object *m = json_object_array_get_idx(ms, i);
        const char *n = qapic__json_str(m, "name");
        if (n && !strcmp(n, s)) {
            *member = m;
            return true;
        }
    }
    return qapic__json_array_has(get(t, "values"), s);
}

/* ---- objects ------------------------------------------------------------ */

typedef struct memberset {
    struct json_object **m;
    size_t n, cap;
} memberset;

static void add_members(memberset *s, struct json_object *t)
{
    struct json_object *ms = get(t, "members");
    size_t n = json_object_is_type(ms, json_type_array)
        ? json_object_array_length(ms) : 0;
    if (s->n + n > s->cap) {
        size_t cap = (s->n + n) * 2;
        struct json_object **g = realloc(s->m, cap * sizeof *g);
        if (!g)
            return;
        s->m = g;
        s->cap = cap;
    }
    for (size_t i = 0; i < n; i++)
        s->m[s->n++] = json_object_array_get_idx(ms, i);
}

/* The members of object T for value V: its own, and those of the variant
 * its tag selects (recursively: a variant may be a union itself). */
static void collect(chk *k, memberset *s, struct json_object *t,
                    struct json_object *v, unsigned depth)
{
    add_members(s, t);
    const char *tag = qapic__json_str(t, "tag");
    struct json_object *tv = tag ? get(v, tag) : NULL;
    if (!json_object_is_type(tv, json_type_string) || depth > MAX_DEPTH)
        return;
    struct json_object *vs = get(t, "variants");
    for (size_t i = 0; json_object_is_type(vs, json_type_array)
                       && i < json_object_array_length(vs); i++) {
        struct json_object *var = json_object_array_get_idx(vs, i);
        const char *cs = qapic__json_str(var, "case");
        if (cs && !strcmp(cs, json_object_get_string(tv))) {
            struct json_object *vt = qapic__schema_lookup(
                k->index, qapic__json_str(var, "type"));
            if (vt)
                collect(k, s, vt, v, depth + 1);
            return;
        }
    }
}

static struct json_object *find_member(const memberset *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++) {
        const char *n = qapic__json_str(s->m[i], "name");
        if (n && !strcmp(n, name))
            return s->m[i];
    }
    return NULL;
}

static int check_object(chk *k, struct json_object *t, struct json_object *v,
                        unsigned depth)
{
    memberset s = { 0 };
    int rc = 0;
    collect(k, &s, t, v, depth);
    json_object_object_foreach(v, key, val) {
        struct json_object *m = find_member(&s, key);
        if (!m && k->open && depth == 0)
            continue;
        size_t old = push(k, NULL, key, 0);
        rc = !m ? fail(k, "has no") : use(k, m, NULL);
        if (rc == 0)
            rc = check_value(k, qapic__json_str(m, "type"), val, depth + 1);
        pop(k, old);
        if (rc < 0)
            break;
    }
    for (size_t i = 0; rc == 0 && i < s.n; i++) {
        const char *name = qapic__json_str(s.m[i], "name");
        if (!name || json_object_object_get_ex(s.m[i], "default", NULL)
            || json_object_object_get_ex(v, name, NULL))
            continue;
        size_t old = push(k, NULL, name, 0);
        rc = fail(k, "requires");
        pop(k, old);
    }
    free(s.m);
    return rc;
}

/* ---- values ------------------------------------------------------------------ */

static int wrong_type(chk *k, const char *expected, struct json_object *v)
{
    const char *got = json_noun(v);
    char *what = qapic_rt_printf("expects %s, not %s%s, for", expected,
                               article(got), got);
    int rc = fail(k, what);
    free(what);
    return rc;
}

static int check_alternate(chk *k, struct json_object *t,
                           struct json_object *v, unsigned depth)
{
    struct json_object *ms = get(t, "members");
    for (size_t i = 0; json_object_is_type(ms, json_type_array)
                       && i < json_object_array_length(ms); i++) {
        const char *bt = qapic__json_str(json_object_array_get_idx(ms, i),
                                         "type");
        struct json_object *b = qapic__schema_lookup(k->index, bt);
        if (b && fits_branch(b, v))
            return check_value(k, bt, v, depth + 1);
    }
    char *what = qapic_rt_printf("takes no %s for", json_noun(v));
    int rc = fail(k, what);
    free(what);
    return rc;
}

static int check_value(chk *k, const char *type, struct json_object *v,
                       unsigned depth)
{
    struct json_object *t = qapic__schema_lookup(k->index, type);
    const char *meta = qapic__json_str(t, "meta-type");
    /* A dangling type name: the schema is broken, not the call. */
    if (!meta || depth > MAX_DEPTH)
        return 0;
    if (!strcmp(meta, "builtin")) {
        const char *jt = qapic__json_str(t, "json-type");
        return fits_builtin(v, jt) ? 0 : wrong_type(k, builtin_name(jt), v);
    }
    if (!strcmp(meta, "enum")) {
        if (!json_object_is_type(v, json_type_string))
            return wrong_type(k, "a string", v);
        const char *s = json_object_get_string(v);
        struct json_object *member;
        if (enum_has(t, s, &member))
            return member ? use(k, member, s) : 0;
        char *what = qapic_rt_printf("has no value '%s' for", s);
        int rc = fail(k, what);
        free(what);
        return rc;
    }
    if (!strcmp(meta, "array")) {
        if (!json_object_is_type(v, json_type_array))
            return wrong_type(k, "an array", v);
        const char *et = qapic__json_str(t, "element-type");
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            size_t old = push(k, "[%zu]", NULL, i);
            int rc = check_value(k, et, json_object_array_get_idx(v, i),
                                 depth + 1);
            pop(k, old);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    if (!strcmp(meta, "object"))
        return json_object_is_type(v, json_type_object)
            ? check_object(k, t, v, depth) : wrong_type(k, "an object", v);
    if (!strcmp(meta, "alternate"))
        return check_alternate(k, t, v, depth);
    return 0;
}

int qapic__check_args(struct json_object *index, const char *who,
                      const char *command, struct json_object *args,
                      bool open, qapic__feature_fn *feature, void *ctx,
                      qapic_error **err)
{
    struct json_object *cmd = qapic__schema_lookup(index, command);
    const char *meta = qapic__json_str(cmd, "meta-type");
    if (!meta || strcmp(meta, "command"))
        return qapic__error_give(err, qapic__error_new(
            QAPIC_ERROR_UNSUPPORTED, "%s has no command '%s'", who, command));
    chk k = { index, who, command, NULL, 0, 0, feature, ctx, open, err };
    if (feature && feature_bits(cmd)
        && feature(ctx, feature_bits(cmd),
                   qapic_rt_printf("command '%s'", command)) < 0)
        return -1;
    struct json_object *empty = NULL;
    if (!args)
        args = empty = json_object_new_object();
    struct json_object *at = qapic__schema_lookup(
        index, qapic__json_str(cmd, "arg-type"));
    int rc;
    if (at)
        rc = check_value(&k, qapic__json_str(cmd, "arg-type"), args, 0);
    else {
        /* No argument type at all: nothing may be sent. */
        rc = 0;
        json_object_object_foreach(args, key, val) {
            (void)val;
            push(&k, NULL, key, 0);
            rc = fail(&k, "has no");
            break;
        }
    }
    if (empty)
        json_object_put(empty);
    free(k.path);
    return rc;
}
