/* Validation of QMP values against an introspected schema (validate.h).
 *
 * Unlike libvirt's validator (testutilsqemuschema.c), unions are followed
 * through every level: the members of the variant chosen by the tag are
 * merged, and if that variant is itself a union its own tag chooses again
 * (MigrationAddress 'socket' -> SocketAddress).  Integers are told from
 * other numbers, and alternates choose their branch by JSON type, as QEMU
 * does. */
#include "dumps/validate.h"

#include <stdarg.h>
#include <string.h>

#include "base/buf.h"

#define MAX_DEPTH 1000      /* schema loops, absurd nesting */
#define MAX_UNION_LEVELS 64

struct vs {
    qc_arena *a;
    const qc_ischema *s;
    const qc_validate_opts *o;
    qc_validate_fn fn;
    void *ctx;
    size_t problems;
    qc_buf path;
};

__attribute__((format(printf, 4, 5)))
static void problem(struct vs *v, const qc_value *at, const char *code,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = qc_arena_vprintf(v->a, fmt, ap);
    va_end(ap);
    v->problems++;
    v->fn(v->ctx, v->path.data ? v->path.data : "", at, code, msg);
}

static size_t path_key(struct vs *v, const char *key)
{
    size_t mark = v->path.len;
    if (mark)
        qc_buf_putc(&v->path, '.');
    qc_buf_puts(&v->path, key);
    return mark;
}

static size_t path_index(struct vs *v, size_t i)
{
    size_t mark = v->path.len;
    qc_buf_printf(&v->path, "[%zu]", i);
    return mark;
}

static void path_restore(struct vs *v, size_t mark)
{
    v->path.len = mark;
    v->path.data[mark] = '\0';
}

/* Reports the policy-relevant features of an entity (WHAT names it). */
static void features(struct vs *v, const qc_value *at, const qc_value *owner,
                     const char *what)
{
    const qc_value *f = qc_obj_get(owner, "features");
    if (!qc_is_array(f))
        return;
    for (size_t i = 0; i < f->u.arr.n; i++) {
        const qc_value *x = f->u.arr.items[i];
        if (!qc_is_string(x))
            continue;
        const char *hint = NULL;
        if (!strcmp(x->u.str.s, "deprecated") && !v->o->allow_deprecated)
            hint = v->o->deprecated_hint;
        else if (!strcmp(x->u.str.s, "unstable") && !v->o->allow_unstable)
            hint = v->o->unstable_hint;
        else
            continue;
        problem(v, at, x->u.str.s[0] == 'd' ? "qmp-deprecated" : "qmp-unstable",
                "%s is %s%s%s%s", what, x->u.str.s, hint ? " (" : "",
                hint ? hint : "", hint ? ")" : "");
    }
}

static const char *jtype_word(const char *jt)
{
    if (!strcmp(jt, "int"))
        return "integer";
    if (!strcmp(jt, "value"))
        return "any value";
    return jt;
}

/* The JSON type a schema type accepts: "string", "int", "number",
 * "boolean", "null", "value" (anything), "object", "array", or NULL. */
static const char *json_kind(const qc_ischema *s, const char *type)
{
    const qc_value *e = qc_ischema_lookup(s, type);
    const char *meta = qc_obj_get_str(e, "meta-type");
    if (!meta)
        return NULL;
    if (!strcmp(meta, "builtin"))
        return qc_obj_get_str(e, "json-type");
    if (!strcmp(meta, "enum"))
        return "string";
    if (!strcmp(meta, "object"))
        return "object";
    if (!strcmp(meta, "array"))
        return "array";
    if (!strcmp(meta, "alternate"))
        return "value";
    return NULL;
}

/* Does a value of JSON type JT fit VAL? EXACT: an integer fits only
 * "int", not "number". */
static bool kind_fits(const char *jt, const qc_value *val, bool exact)
{
    switch (val->kind) {
    case QC_VSTRING: return !strcmp(jt, "string");
    case QC_VINT:
    case QC_VUINT:
        return !strcmp(jt, "int") || (!exact && !strcmp(jt, "number"));
    case QC_VNUMBER: return !strcmp(jt, "number");
    case QC_VBOOL: return !strcmp(jt, "boolean");
    case QC_VNULL: return !strcmp(jt, "null");
    case QC_VOBJECT: return !strcmp(jt, "object");
    case QC_VARRAY: return !strcmp(jt, "array");
    }
    return false;
}

static void value(struct vs *v, const char *type, const qc_value *val,
                  unsigned depth);

static bool enum_has(const qc_value *e, const char *s, const qc_value **member)
{
    const qc_value *m = qc_obj_get(e, "members");
    *member = NULL;
    if (qc_is_array(m)) {
        for (size_t i = 0; i < m->u.arr.n; i++) {
            const char *n = qc_obj_get_str(m->u.arr.items[i], "name");
            if (n && !strcmp(n, s)) {
                *member = m->u.arr.items[i];
                return true;
            }
        }
        return false;
    }
    m = qc_obj_get(e, "values");
    if (qc_is_array(m))
        for (size_t i = 0; i < m->u.arr.n; i++)
            if (qc_is_string(m->u.arr.items[i])
                && !strcmp(m->u.arr.items[i]->u.str.s, s))
                return true;
    return false;
}

static void enum_value(struct vs *v, const qc_value *e, const qc_value *val)
{
    const qc_value *member;
    if (val->kind != QC_VSTRING) {
        problem(v, val, "qmp-type-mismatch", "expected string (an enum value), got %s",
                qc_value_type_name(val));
        return;
    }
    if (enum_has(e, val->u.str.s, &member)) {
        if (member)
            features(v, val, member,
                     qc_arena_printf(v->a, "enum value '%s'", val->u.str.s));
        return;
    }
    /* Name a few allowed values. */
    qc_buf b = QC_BUF_INIT;
    const qc_value *list = qc_obj_get(e, "members");
    bool named = qc_is_array(list);
    if (!named)
        list = qc_obj_get(e, "values");
    size_t n = qc_is_array(list) ? list->u.arr.n : 0;
    for (size_t i = 0; i < n && i < 12; i++) {
        const qc_value *x = list->u.arr.items[i];
        const char *s = named ? qc_obj_get_str(x, "name")
                              : qc_is_string(x) ? x->u.str.s : NULL;
        qc_buf_printf(&b, "%s'%s'", i ? ", " : "", s ? s : "?");
    }
    if (n > 12)
        qc_buf_puts(&b, ", ...");
    problem(v, val, "qmp-bad-enum-value", "'%s' is not a value of this enum (%s%s)",
            val->u.str.s, n ? "one of " : "it has no values",
            b.data ? b.data : "");
    qc_buf_free(&b);
}

/* The members of object type E and, following the tags, of the variants
 * VAL chooses, at every level, into *MEMBERS. */
static void gather_members(struct vs *v, const qc_value *e, const qc_value *val,
                           qc_ptrvec *members)
{
    const qc_value *cur = e;
    for (unsigned level = 0; cur && level < MAX_UNION_LEVELS; level++) {
        const qc_value *ms = qc_obj_get(cur, "members");
        if (qc_is_array(ms))
            for (size_t i = 0; i < ms->u.arr.n; i++)
                qc_ptrvec_push(v->a, members, ms->u.arr.items[i]);
        const char *tag = qc_obj_get_str(cur, "tag");
        if (!tag)
            return;
        const char *tv = qc_obj_get_str(val, tag);
        if (!tv)
            return;     /* the tag member's own check reports it */
        const qc_value *vs = qc_obj_get(cur, "variants"), *chosen = NULL;
        for (size_t i = 0; qc_is_array(vs) && i < vs->u.arr.n; i++) {
            const char *cs = qc_obj_get_str(vs->u.arr.items[i], "case");
            if (cs && !strcmp(cs, tv))
                chosen = vs->u.arr.items[i];
        }
        if (!chosen) {
            /* A value the tag's enum knows but no variant covers; an
             * unknown value is reported by the enum check. */
            const qc_value *tm = NULL, *dummy;
            const qc_value *cm = qc_obj_get(cur, "members");
            for (size_t i = 0; qc_is_array(cm) && i < cm->u.arr.n; i++) {
                const char *n = qc_obj_get_str(cm->u.arr.items[i], "name");
                if (n && !strcmp(n, tag))
                    tm = cm->u.arr.items[i];
            }
            const qc_value *te = qc_ischema_lookup(v->s, qc_obj_get_str(tm, "type"));
            if (te && enum_has(te, tv, &dummy))
                problem(v, qc_obj_get(val, tag), "qmp-no-variant",
                        "the schema has no variant for %s '%s'", tag, tv);
            return;
        }
        const char *vt = qc_obj_get_str(chosen, "type");
        cur = qc_ischema_lookup(v->s, vt);
        if (!cur) {
            problem(v, val, "qmp-schema-broken",
                    "variant type '%s' is not in the schema", vt ? vt : "?");
            return;
        }
        features(v, val, cur, qc_arena_printf(v->a, "variant '%s'", tv));
    }
}

/* An object value against the members of its type and chosen variants. */
static void object_value(struct vs *v, const qc_value *e, const qc_value *val,
                         unsigned depth)
{
    if (val->kind != QC_VOBJECT) {
        problem(v, val, "qmp-type-mismatch", "expected object, got %s",
                qc_value_type_name(val));
        return;
    }
    qc_ptrvec members = { NULL, 0, 0 };
    gather_members(v, e, val, &members);
    for (size_t i = 0; i < val->u.obj.n; i++) {
        const qc_member *m = &val->u.obj.members[i];
        size_t mark = path_key(v, m->key);
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = !strcmp(val->u.obj.members[j].key, m->key);
        if (dup) {
            problem(v, m->value, "qmp-duplicate-member",
                    "member '%s' appears twice", m->key);
            path_restore(v, mark);
            continue;
        }
        const qc_value *sm = NULL;
        for (size_t j = 0; j < members.n && !sm; j++) {
            const char *n = qc_obj_get_str(members.items[j], "name");
            if (n && !strcmp(n, m->key))
                sm = members.items[j];
        }
        if (!sm) {
            problem(v, m->value, "qmp-unknown-member",
                    "unknown member '%s'", m->key);
        } else {
            features(v, m->value, sm,
                     qc_arena_printf(v->a, "member '%s'", m->key));
            const char *t = qc_obj_get_str(sm, "type");
            if (t)
                value(v, t, m->value, depth + 1);
        }
        path_restore(v, mark);
    }
    for (size_t j = 0; j < members.n; j++) {
        const qc_value *sm = members.items[j];
        const char *n = qc_obj_get_str(sm, "name");
        if (n && !qc_obj_member(sm, "default") && !qc_obj_member(val, n))
            problem(v, val, "qmp-missing-member",
                    "missing required member '%s'", n);
    }
}

static void alternate_value(struct vs *v, const qc_value *e,
                            const qc_value *val, unsigned depth)
{
    const qc_value *ms = qc_obj_get(e, "members");
    size_t n = qc_is_array(ms) ? ms->u.arr.n : 0;
    const char *pick = NULL;

    for (int pass = 0; pass < 2 && !pick; pass++) {
        for (size_t i = 0; i < n && !pick; i++) {
            const char *t = qc_obj_get_str(ms->u.arr.items[i], "type");
            const char *jk = t ? json_kind(v->s, t) : NULL;
            if (jk && (kind_fits(jk, val, pass == 0)
                       || (pass == 1 && !strcmp(jk, "value"))))
                pick = t;
        }
    }
    if (pick) {
        value(v, pick, val, depth + 1);
        return;
    }
    qc_buf b = QC_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *t = qc_obj_get_str(ms->u.arr.items[i], "type");
        const char *jk = t ? json_kind(v->s, t) : NULL;
        qc_buf_printf(&b, "%s%s", i ? ", " : "", jk ? jtype_word(jk) : "?");
    }
    problem(v, val, "qmp-type-mismatch", "expected one of %s, got %s",
            b.data ? b.data : "(nothing)", qc_value_type_name(val));
    qc_buf_free(&b);
}

static void builtin_value(struct vs *v, const char *jt, const qc_value *val)
{
    if (!strcmp(jt, "value") || kind_fits(jt, val, false))
        return;
    if (!strcmp(jt, "int") && val->kind == QC_VNUMBER)
        problem(v, val, "qmp-type-mismatch",
                "expected integer, got number %s (not an integer, or out of the 64-bit range)",
                val->u.num.text);
    else
        problem(v, val, "qmp-type-mismatch", "expected %s, got %s",
                jtype_word(jt), qc_value_type_name(val));
}

static void value(struct vs *v, const char *type, const qc_value *val,
                  unsigned depth)
{
    const qc_value *e = qc_ischema_lookup(v->s, type);
    const char *meta = qc_obj_get_str(e, "meta-type");

    if (depth > MAX_DEPTH) {
        problem(v, val, "qmp-too-deep", "nested too deeply (a loop in the schema?)");
        return;
    }
    if (!e || !meta) {
        problem(v, val, "qmp-schema-broken", "type '%s' is not in the schema",
                type);
        return;
    }
    if (!strcmp(meta, "builtin")) {
        const char *jt = qc_obj_get_str(e, "json-type");
        if (jt)
            builtin_value(v, jt, val);
        return;
    }
    features(v, val, e, qc_arena_printf(v->a, "type '%s'", type));
    if (!strcmp(meta, "enum")) {
        enum_value(v, e, val);
    } else if (!strcmp(meta, "object")) {
        object_value(v, e, val, depth);
    } else if (!strcmp(meta, "array")) {
        const char *et = qc_obj_get_str(e, "element-type");
        if (val->kind != QC_VARRAY) {
            problem(v, val, "qmp-type-mismatch", "expected array, got %s",
                    qc_value_type_name(val));
            return;
        }
        for (size_t i = 0; et && i < val->u.arr.n; i++) {
            size_t mark = path_index(v, i);
            value(v, et, val->u.arr.items[i], depth + 1);
            path_restore(v, mark);
        }
    } else if (!strcmp(meta, "alternate")) {
        alternate_value(v, e, val, depth);
    } else {
        problem(v, val, "qmp-schema-broken", "'%s' is a %s, not a type", type,
                meta);
    }
}

static void start(struct vs *v, const char *path)
{
    qc_buf_reserve(&v->path, 64);
    v->path.len = 0;
    v->path.data[0] = '\0';
    if (path)
        qc_buf_puts(&v->path, path);
}

size_t qc_validate_value(qc_arena *a, const qc_ischema *s, const char *type,
                         const qc_value *val, const char *path,
                         const qc_validate_opts *o, qc_validate_fn fn,
                         void *ctx)
{
    struct vs v = { a, s, o, fn, ctx, 0, QC_BUF_INIT };
    start(&v, path);
    value(&v, type, val, 0);
    qc_buf_free(&v.path);
    return v.problems;
}

size_t qc_validate_command(qc_arena *a, const qc_ischema *s,
                           const qc_value *cmd, const qc_validate_opts *o,
                           qc_validate_fn fn, void *ctx)
{
    struct vs v = { a, s, o, fn, ctx, 0, QC_BUF_INIT };
    start(&v, NULL);

    if (!qc_is_object(cmd)) {
        problem(&v, cmd, "qmp-bad-command", "a command must be an object, got %s",
                qc_value_type_name(cmd));
        goto out;
    }
    const qc_value *x = qc_obj_get(cmd, "execute");
    const char *key = "execute";
    if (!x) {
        x = qc_obj_get(cmd, "exec-oob");
        key = "exec-oob";
    }
    for (size_t i = 0; i < cmd->u.obj.n; i++) {
        const char *k = cmd->u.obj.members[i].key;
        if (strcmp(k, "execute") && strcmp(k, "exec-oob")
            && strcmp(k, "arguments") && strcmp(k, "id"))
            problem(&v, cmd->u.obj.members[i].value, "qmp-bad-command",
                    "unexpected key '%s' in a command", k);
    }
    if (!x) {
        problem(&v, cmd, "qmp-bad-command", "the command has no 'execute'");
        goto out;
    }
    if (!qc_is_string(x)) {
        size_t mark = path_key(&v, key);
        problem(&v, x, "qmp-bad-command", "expected string, got %s",
                qc_value_type_name(x));
        path_restore(&v, mark);
        goto out;
    }
    const char *name = x->u.str.s;
    const qc_value *e = qc_ischema_lookup(s, name);
    const char *meta = qc_obj_get_str(e, "meta-type");
    if (!meta || strcmp(meta, "command")) {
        size_t mark = path_key(&v, key);
        problem(&v, x, "qmp-unknown-command",
                "unknown command '%s': the schema has no such command", name);
        path_restore(&v, mark);
        goto out;
    }
    size_t mark = path_key(&v, key);
    features(&v, x, e, qc_arena_printf(a, "command '%s'", name));
    path_restore(&v, mark);

    const qc_value *args = qc_obj_get(cmd, "arguments");
    qc_value empty;
    if (!args) {
        memset(&empty, 0, sizeof empty);
        empty.kind = QC_VOBJECT;
        empty.loc = cmd->loc;
        args = &empty;
    }
    const char *at = qc_obj_get_str(e, "arg-type");
    path_key(&v, "arguments");
    if (at)
        value(&v, at, args, 0);
    else if (args->kind != QC_VOBJECT)
        problem(&v, args, "qmp-type-mismatch", "expected object, got %s",
                qc_value_type_name(args));
out:
    qc_buf_free(&v.path);
    return v.problems;
}
