/* Soundness check of an introspected schema (see ischema_check.h).  The
 * key vocabulary is the one libvirt's qemu-replies-tool.py accepts: a key
 * it does not know means libvirt's code may not handle the schema. */
#include "ischema_check.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

struct sc {
    qc_arena *a;
    qc_diag *d;
    const char *ctx;
    size_t problems;
    /* Open-addressing table name -> first entry with that name. */
    const qc_value **slots;
    size_t cap;
};

__attribute__((format(printf, 5, 6)))
static qc_diagnostic *rep(struct sc *s, qc_loc loc, const char *code,
                          const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = qc_arena_vprintf(s->a, fmt, ap);
    va_end(ap);
    s->problems++;
    if (name)
        return qc_error(s->d, loc, code, "%s%sschema entry '%s': %s",
                        s->ctx ? s->ctx : "", s->ctx ? ": " : "", name, msg);
    return qc_error(s->d, loc, code, "%s%s%s", s->ctx ? s->ctx : "",
                    s->ctx ? ": " : "", msg);
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Returns the slot for NAME: empty or holding an entry named NAME. */
static const qc_value **slot(struct sc *s, const char *name)
{
    size_t i = hash(name) & (s->cap - 1);
    for (;; i = (i + 1) & (s->cap - 1)) {
        const qc_value *e = s->slots[i];
        if (!e || !strcmp(qc_obj_get_str(e, "name"), name))
            return &s->slots[i];
    }
}

static const qc_value *lookup(struct sc *s, const char *name)
{
    return name ? *slot(s, name) : NULL;
}

/* --- key vocabulary --- */

typedef enum { T_STR, T_LIST, T_BOOL, T_NULL } ktype;

struct kspec {
    const char *key;
    ktype type;
    bool mandatory;
};

static const char *ktype_name(ktype t)
{
    switch (t) {
    case T_STR: return "a string";
    case T_LIST: return "an array";
    case T_BOOL: return "a boolean";
    case T_NULL: return "null";
    }
    return "?";
}

static bool has_type(const qc_value *v, ktype t)
{
    switch (t) {
    case T_STR: return v->kind == QC_VSTRING;
    case T_LIST: return v->kind == QC_VARRAY;
    case T_BOOL: return v->kind == QC_VBOOL;
    case T_NULL: return v->kind == QC_VNULL;
    }
    return false;
}

static void check_features(struct sc *s, const char *name, const char *what,
                           const qc_value *obj)
{
    const qc_value *f = qc_obj_get(obj, "features");
    if (!qc_is_array(f))
        return;
    for (size_t i = 0; i < f->u.arr.n; i++)
        if (!qc_is_string(f->u.arr.items[i]))
            rep(s, (f->u.arr.items[i])->loc, "schema-bad-key", name,
                "features of %s must be strings, found %s", what,
                qc_value_type_name(f->u.arr.items[i]));
}

/* Checks that OBJ (WHAT, within entry NAME) is an object with exactly the
 * keys of SPEC.  Returns false if OBJ is not an object. */
static bool check_keys(struct sc *s, const char *name, const char *what,
                       const qc_value *obj, const struct kspec *spec)
{
    if (!qc_is_object(obj)) {
        rep(s, (obj)->loc, "schema-bad-key", name, "%s must be an object, found %s",
            what, qc_value_type_name(obj));
        return false;
    }
    for (size_t i = 0; i < obj->u.obj.n; i++) {
        const qc_member *m = &obj->u.obj.members[i];
        const struct kspec *k = spec;
        while (k->key && strcmp(k->key, m->key))
            k++;
        if (!k->key)
            rep(s, m->key_loc,
                "schema-unknown-key", name,
                "unknown key '%s' in %s: libvirt's code does not know it",
                m->key, what);
        else if (!has_type(m->value, k->type))
            rep(s, (m->value)->loc, "schema-bad-key", name,
                "'%s' of %s must be %s, found %s", m->key, what,
                ktype_name(k->type), qc_value_type_name(m->value));
    }
    for (const struct kspec *k = spec; k->key; k++)
        if (k->mandatory && !qc_obj_member(obj, k->key))
            rep(s, (obj)->loc, "schema-missing-key", name, "%s has no '%s'", what,
                k->key);
    check_features(s, name, what, obj);
    return true;
}

static const struct kspec k_command[] = {
    { "name", T_STR, true }, { "meta-type", T_STR, true },
    { "arg-type", T_STR, true }, { "ret-type", T_STR, true },
    { "features", T_LIST, false }, { "allow-oob", T_BOOL, false },
    { NULL, 0, false } };
static const struct kspec k_event[] = {
    { "name", T_STR, true }, { "meta-type", T_STR, true },
    { "arg-type", T_STR, true }, { "features", T_LIST, false },
    { NULL, 0, false } };
static const struct kspec k_object[] = {
    { "name", T_STR, true }, { "meta-type", T_STR, true },
    { "members", T_LIST, true }, { "tag", T_STR, false },
    { "variants", T_LIST, false }, { "features", T_LIST, false },
    { NULL, 0, false } };
static const struct kspec k_member[] = {
    { "name", T_STR, true }, { "type", T_STR, true },
    { "default", T_NULL, false }, { "features", T_LIST, false },
    { NULL, 0, false } };
static const struct kspec k_variant[] = {
    { "case", T_STR, true }, { "type", T_STR, true }, { NULL, 0, false } };
static const struct kspec k_array[] = {
    { "name", T_STR, true }, { "meta-type", T_STR, true },
    { "element-type", T_STR, true }, { NULL, 0, false } };
static const struct kspec k_enum[] = {
    { "name", T_STR, true }, { "meta-type", T_STR, true },
    { "members", T_LIST, false }, { "values", T_LIST, false },
    { NULL, 0, false } };
static const struct kspec k_enum_member[] = {
    { "name", T_STR, true }, { "features", T_LIST, false },
    { NULL, 0, false } };
static const struct kspec k_alternate[] = {
    { "name", T_STR, true }, { "meta-type", T_STR, true },
    { "members", T_LIST, true }, { NULL, 0, false } };
static const struct kspec k_alt_member[] = {
    { "type", T_STR, true }, { NULL, 0, false } };
static const struct kspec k_builtin[] = {
    { "name", T_STR, true }, { "meta-type", T_STR, true },
    { "json-type", T_STR, true }, { NULL, 0, false } };

static const struct {
    const char *meta;
    const struct kspec *spec;
} metas[] = {
    { "command", k_command }, { "event", k_event }, { "object", k_object },
    { "array", k_array }, { "enum", k_enum }, { "alternate", k_alternate },
    { "builtin", k_builtin },
};

/* --- references --- */

/* Checks that the string KEY of OBJ names an entry; returns it.  WANT, if
 * not NULL, is the meta-type it must have. */
static const qc_value *ref(struct sc *s, const char *name, const char *what,
                           const qc_value *obj, const char *key,
                           const char *want)
{
    const qc_value *v = qc_obj_get(obj, key);
    if (!qc_is_string(v))
        return NULL;
    const qc_value *t = lookup(s, v->u.str.s);
    if (!t) {
        rep(s, (v)->loc, "schema-unresolved", name,
            "'%s' of %s names '%s', which is not in the schema", key, what,
            v->u.str.s);
        return NULL;
    }
    const char *meta = qc_obj_get_str(t, "meta-type");
    if (meta && (!strcmp(meta, "command") || !strcmp(meta, "event"))) {
        rep(s, (v)->loc, "schema-bad-reference", name,
            "'%s' of %s names the %s '%s', not a type", key, what, meta,
            v->u.str.s);
        return NULL;
    }
    if (want && meta && strcmp(meta, want)) {
        rep(s, (v)->loc, "schema-bad-reference", name,
            "'%s' of %s names '%s', a%s %s, where an %s type is due", key,
            what, v->u.str.s, strchr("aeiou", meta[0]) ? "n" : "", meta, want);
        return NULL;
    }
    return t;
}

static bool enum_has(const qc_value *e, const char *val)
{
    const qc_value *m = qc_obj_get(e, "members");
    if (qc_is_array(m)) {
        for (size_t i = 0; i < m->u.arr.n; i++) {
            const char *n = qc_obj_get_str(m->u.arr.items[i], "name");
            if (n && !strcmp(n, val))
                return true;
        }
        return false;
    }
    m = qc_obj_get(e, "values");
    if (qc_is_array(m))
        for (size_t i = 0; i < m->u.arr.n; i++)
            if (qc_is_string(m->u.arr.items[i])
                && !strcmp(m->u.arr.items[i]->u.str.s, val))
                return true;
    return false;
}

static void check_object(struct sc *s, const char *name, const qc_value *e)
{
    const qc_value *members = qc_obj_get(e, "members");
    const qc_value *tagmember = NULL;
    const char *tag = qc_obj_get_str(e, "tag");

    if (qc_is_array(members)) {
        for (size_t i = 0; i < members->u.arr.n; i++) {
            const qc_value *m = members->u.arr.items[i];
            const char *mn = qc_obj_get_str(m, "name");
            const char *what = mn ? qc_arena_printf(s->a, "member '%s'", mn)
                                  : qc_arena_printf(s->a, "member %zu", i + 1);
            if (!check_keys(s, name, what, m, k_member))
                continue;
            ref(s, name, what, m, "type", NULL);
            for (size_t j = 0; mn && j < i; j++) {
                const char *other = qc_obj_get_str(members->u.arr.items[j], "name");
                if (other && !strcmp(other, mn)) {
                    rep(s, (m)->loc, "schema-duplicate-member", name,
                        "two members are named '%s'", mn);
                    break;
                }
            }
            if (tag && mn && !strcmp(mn, tag) && !tagmember)
                tagmember = m;
        }
    }
    const qc_value *variants = qc_obj_get(e, "variants");
    if (tag && !tagmember)
        rep(s, qc_obj_get(e, "tag")->loc, "schema-bad-tag", name,
            "tag '%s' is not one of the object's members", tag);
    if (variants && !qc_obj_member(e, "tag"))
        rep(s, (variants)->loc, "schema-bad-tag", name,
            "'variants' without a 'tag'");
    if (!qc_is_array(variants))
        return;
    const qc_value *tagtype = NULL;
    if (tagmember) {
        const char *tn = qc_obj_get_str(tagmember, "type");
        tagtype = lookup(s, tn);
        const char *meta = qc_obj_get_str(tagtype, "meta-type");
        if (tagtype && (!meta || strcmp(meta, "enum"))) {
            rep(s, (tagmember)->loc, "schema-bad-tag", name,
                "tag member '%s' has type '%s', which is not an enum", tag, tn);
            tagtype = NULL;
        }
    }
    for (size_t i = 0; i < variants->u.arr.n; i++) {
        const qc_value *v = variants->u.arr.items[i];
        const char *cs = qc_obj_get_str(v, "case");
        const char *what = cs ? qc_arena_printf(s->a, "variant '%s'", cs)
                              : qc_arena_printf(s->a, "variant %zu", i + 1);
        if (!check_keys(s, name, what, v, k_variant))
            continue;
        ref(s, name, what, v, "type", "object");
        if (cs && tagtype && !enum_has(tagtype, cs))
            rep(s, qc_obj_get(v, "case")->loc, "schema-bad-tag", name,
                "variant '%s' is not a value of the tag's enum '%s'", cs,
                qc_obj_get_str(tagtype, "name"));
        for (size_t j = 0; cs && j < i; j++) {
            const char *other = qc_obj_get_str(variants->u.arr.items[j], "case");
            if (other && !strcmp(other, cs)) {
                rep(s, (v)->loc, "schema-bad-tag", name,
                    "two variants are for case '%s'", cs);
                break;
            }
        }
    }
}

static void check_enum(struct sc *s, const char *name, const qc_value *e)
{
    const qc_value *members = qc_obj_get(e, "members");
    const qc_value *values = qc_obj_get(e, "values");

    if (!members && !values)
        rep(s, (e)->loc, "schema-missing-key", name,
            "an enum needs 'members' or 'values'");
    if (qc_is_array(members)) {
        for (size_t i = 0; i < members->u.arr.n; i++) {
            const qc_value *m = members->u.arr.items[i];
            const char *mn = qc_obj_get_str(m, "name");
            const char *what = mn ? qc_arena_printf(s->a, "enum member '%s'", mn)
                                  : qc_arena_printf(s->a, "enum member %zu", i + 1);
            check_keys(s, name, what, m, k_enum_member);
            for (size_t j = 0; mn && j < i; j++) {
                const char *other = qc_obj_get_str(members->u.arr.items[j], "name");
                if (other && !strcmp(other, mn)) {
                    rep(s, (m)->loc, "schema-duplicate-member", name,
                        "two enum members are named '%s'", mn);
                    break;
                }
            }
        }
    }
    if (qc_is_array(values)) {
        for (size_t i = 0; i < values->u.arr.n; i++)
            if (!qc_is_string(values->u.arr.items[i]))
                rep(s, (values->u.arr.items[i])->loc, "schema-bad-key", name,
                    "enum values must be strings, found %s",
                    qc_value_type_name(values->u.arr.items[i]));
        /* Since QEMU 6.2 both lists are given; they must agree. */
        if (qc_is_array(members)) {
            bool same = members->u.arr.n == values->u.arr.n;
            for (size_t i = 0; same && i < values->u.arr.n; i++) {
                const char *mn = qc_obj_get_str(members->u.arr.items[i], "name");
                const qc_value *vv = values->u.arr.items[i];
                same = mn && qc_is_string(vv) && !strcmp(mn, vv->u.str.s);
            }
            if (!same)
                rep(s, (values)->loc, "schema-enum-mismatch", name,
                    "'values' and the names in 'members' differ");
        }
    }
}

static void check_entry(struct sc *s, size_t idx, const qc_value *e)
{
    const char *name = qc_obj_get_str(e, "name");
    const char *label = name ? name : qc_arena_printf(s->a, "#%zu", idx + 1);
    const char *meta = qc_obj_get_str(e, "meta-type");
    const struct kspec *spec = NULL;

    if (!qc_is_object(e)) {
        rep(s, (e)->loc, "schema-bad-entry", NULL,
            "schema entry %zu must be an object, found %s", idx + 1,
            qc_value_type_name(e));
        return;
    }
    for (size_t i = 0; meta && i < sizeof metas / sizeof metas[0]; i++)
        if (!strcmp(meta, metas[i].meta))
            spec = metas[i].spec;
    if (!spec) {
        const qc_value *mv = qc_obj_get(e, "meta-type");
        if (!mv)
            rep(s, (e)->loc, "schema-bad-meta-type", label, "no 'meta-type'");
        else if (!meta)
            rep(s, (mv)->loc, "schema-bad-meta-type", label,
                "'meta-type' must be a string, found %s",
                qc_value_type_name(mv));
        else
            rep(s, (mv)->loc, "schema-bad-meta-type", label,
                "unknown meta-type '%s' (known: builtin, enum, array, object, alternate, command, event)",
                meta);
        return;
    }
    check_keys(s, label, "the entry", e, spec);
    if (!name)
        return;

    const qc_value **sl = slot(s, name);
    if (*sl != e) {
        qc_diagnostic *dg = rep(s, qc_obj_get(e, "name")->loc,
                                "schema-duplicate-name", label,
                                "a second entry with this name");
        qc_diag_note(dg, (*sl)->loc, NULL, NULL, "the first one");
    }

    if (!strcmp(meta, "command")) {
        ref(s, label, "the command", e, "arg-type", "object");
        ref(s, label, "the command", e, "ret-type", NULL);
    } else if (!strcmp(meta, "event")) {
        ref(s, label, "the event", e, "arg-type", "object");
    } else if (!strcmp(meta, "array")) {
        ref(s, label, "the array", e, "element-type", NULL);
    } else if (!strcmp(meta, "object")) {
        check_object(s, label, e);
    } else if (!strcmp(meta, "enum")) {
        check_enum(s, label, e);
    } else if (!strcmp(meta, "alternate")) {
        const qc_value *members = qc_obj_get(e, "members");
        if (qc_is_array(members)) {
            if (!members->u.arr.n)
                rep(s, (members)->loc, "schema-missing-key", label,
                    "an alternate needs at least one member");
            for (size_t i = 0; i < members->u.arr.n; i++) {
                const qc_value *m = members->u.arr.items[i];
                const char *what = qc_arena_printf(s->a, "alternative %zu", i + 1);
                if (check_keys(s, label, what, m, k_alt_member))
                    ref(s, label, what, m, "type", NULL);
            }
        }
    } else if (!strcmp(meta, "builtin")) {
        static const char *const jt[] = { "string", "int", "number",
                                          "boolean", "null", "value", NULL };
        const char *t = qc_obj_get_str(e, "json-type");
        size_t i = 0;
        while (t && jt[i] && strcmp(jt[i], t))
            i++;
        if (t && !jt[i])
            rep(s, qc_obj_get(e, "json-type")->loc, "schema-bad-key", label,
                "unknown json-type '%s' (known: string, int, number, boolean, null, value)",
                t);
    }
}

size_t qc_ischema_check(qc_arena *a, const qc_value *array,
                        const char *context, qc_diag *d)
{
    struct sc s = { a, d, context, 0, NULL, 0 };

    if (!qc_is_array(array)) {
        rep(&s, (array)->loc, "schema-not-array", NULL,
            "the schema (query-qmp-schema's return) must be an array, found %s",
            qc_value_type_name(array));
        return s.problems;
    }
    size_t n = array->u.arr.n;
    s.cap = 16;
    while (s.cap < 2 * n + 2)
        s.cap *= 2;
    s.slots = qc_arena_alloc(a, s.cap * sizeof *s.slots);
    for (size_t i = 0; i < n; i++) {
        const qc_value *e = array->u.arr.items[i];
        const char *name = qc_obj_get_str(e, "name");
        if (!name)
            continue;
        const qc_value **sl = slot(&s, name);
        if (!*sl)
            *sl = e;
    }
    for (size_t i = 0; i < n; i++)
        check_entry(&s, i, array->u.arr.items[i]);
    return s.problems;
}
