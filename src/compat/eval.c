/* Client compatibility rules evaluated against an introspected schema and
 * against recorded QMP calls. */
#include "compat/compat.h"

#include <string.h>

#include "base/buf.h"
#include "dumps/query.h"

const char *qc_compat_status_name(qc_compat_status st)
{
    switch (st) {
    case QC_COMPAT_OK: return "ok";
    case QC_COMPAT_UNSTABLE: return "unstable";
    case QC_COMPAT_DEPRECATED: return "deprecated";
    case QC_COMPAT_INCOMPATIBLE_TYPE: return "incompatible-type";
    case QC_COMPAT_MISSING_MEMBER: return "missing-member";
    case QC_COMPAT_MISSING_COMMAND: return "missing-command";
    }
    return "?";
}

/* --- schema side ---------------------------------------------------------- */

/* Keeps the worst status seen; the first one of that gravity keeps its
 * detail. */
static void merge(qc_compat_result *res, qc_compat_status st, const char *detail)
{
    if (st > res->status) {
        res->status = st;
        res->detail = detail;
    }
}

static void check_features(qc_arena *a, const qc_rule *r, const qc_value *v,
                           const char *what, qc_compat_result *res)
{
    if (!r->allow_deprecated && qc_ischema_has_feature(v, "deprecated"))
        merge(res, QC_COMPAT_DEPRECATED, qc_arena_printf(a, "%s is deprecated", what));
    if (!r->allow_unstable && qc_ischema_has_feature(v, "unstable"))
        merge(res, QC_COMPAT_UNSTABLE, qc_arena_printf(a, "%s is unstable", what));
}

/* The outcome of following a member path. */
typedef struct walk_hit {
    bool found;
    size_t depth;                /* components matched (deepest attempt) */
    const char *type;            /* type name at the end, when found */
    const qc_value *feats[64];   /* members/values passed, for features */
    size_t nfeats;
} walk_hit;

typedef struct walker {
    const qc_ischema *s;
    const qc_rule_path *p;
    unsigned steps;
} walker;

static bool walk(walker *w, const char *type, size_t i, walk_hit *h);

static bool walk_into(walker *w, const char *type, size_t i,
                      const qc_value *feat, walk_hit *h)
{
    size_t saved = h->nfeats;
    if (feat && h->nfeats < sizeof h->feats / sizeof h->feats[0])
        h->feats[h->nfeats++] = feat;
    if (walk(w, type, i, h))
        return true;
    h->nfeats = saved;
    return false;
}

/* Follows components I.. of the path from the type named TYPE.  Arrays are
 * looked through, and every branch of an alternate is tried. */
static bool walk(walker *w, const char *type, size_t i, walk_hit *h)
{
    const qc_value *ent = type ? qc_ischema_lookup(w->s, type) : NULL;
    if (i > h->depth)
        h->depth = i;
    if (!ent || ++w->steps > 10000)
        return false;
    if (i == w->p->ncomps) {
        h->found = true;
        h->type = type;
        return true;
    }
    const char *meta = qc_obj_get_str(ent, "meta-type");
    if (!meta)
        return false;
    if (!strcmp(meta, "array"))
        return walk(w, qc_obj_get_str(ent, "element-type"), i, h);
    if (!strcmp(meta, "alternate")) {
        const qc_value *ms = qc_obj_get(ent, "members");
        for (size_t k = 0; qc_is_array(ms) && k < qc_arr_len(ms); k++)
            if (walk(w, qc_obj_get_str(qc_arr_at(ms, k), "type"), i, h))
                return true;
        return false;
    }

    const char *c = w->p->comps[i];
    if (c[0] == '+') {
        const qc_value *vs = qc_obj_get(ent, "variants");
        for (size_t k = 0; qc_is_array(vs) && k < qc_arr_len(vs); k++) {
            const char *cs = qc_obj_get_str(qc_arr_at(vs, k), "case");
            if (cs && !strcmp(cs, c + 1))
                return walk(w, qc_obj_get_str(qc_arr_at(vs, k), "type"), i + 1, h);
        }
        return false;
    }
    if (c[0] == '^') {
        if (strcmp(meta, "enum"))
            return false;
        const qc_value *ms = qc_obj_get(ent, "members");
        for (size_t k = 0; qc_is_array(ms) && k < qc_arr_len(ms); k++) {
            const char *n = qc_obj_get_str(qc_arr_at(ms, k), "name");
            if (n && !strcmp(n, c + 1))
                return walk_into(w, type, i + 1, qc_arr_at(ms, k), h);
        }
        /* Dumps older than 6.2 only have "values". */
        const qc_value *vals = qc_obj_get(ent, "values");
        for (size_t k = 0; qc_is_array(vals) && k < qc_arr_len(vals); k++) {
            const qc_value *n = qc_arr_at(vals, k);
            if (qc_is_string(n) && !strcmp(n->u.str.s, c + 1))
                return walk_into(w, type, i + 1, NULL, h);
        }
        return false;
    }
    if (strcmp(meta, "object"))
        return false;
    const qc_value *ms = qc_obj_get(ent, "members");
    for (size_t k = 0; qc_is_array(ms) && k < qc_arr_len(ms); k++) {
        const char *n = qc_obj_get_str(qc_arr_at(ms, k), "name");
        if (n && !strcmp(n, c))
            return walk_into(w, qc_obj_get_str(qc_arr_at(ms, k), "type"),
                             i + 1, qc_arr_at(ms, k), h);
    }
    return false;
}

enum {
    JM_STRING = 1, JM_INTEGER = 2, JM_NUMBER = 4, JM_BOOLEAN = 8,
    JM_NULL = 16, JM_OBJECT = 32, JM_ARRAY = 64, JM_ALL = 127,
};

/* The JSON types a value of TYPE may have. */
static unsigned json_mask(const qc_ischema *s, const char *type, int depth)
{
    const qc_value *ent = type ? qc_ischema_lookup(s, type) : NULL;
    const char *meta = qc_obj_get_str(ent, "meta-type");
    if (!meta || depth > 50)
        return 0;
    if (!strcmp(meta, "builtin")) {
        const char *jt = qc_obj_get_str(ent, "json-type");
        if (!jt) return 0;
        if (!strcmp(jt, "string")) return JM_STRING;
        if (!strcmp(jt, "int")) return JM_INTEGER;
        if (!strcmp(jt, "number")) return JM_INTEGER | JM_NUMBER;
        if (!strcmp(jt, "boolean")) return JM_BOOLEAN;
        if (!strcmp(jt, "null")) return JM_NULL;
        if (!strcmp(jt, "value")) return JM_ALL;
        return 0;
    }
    if (!strcmp(meta, "enum"))
        return JM_STRING;
    if (!strcmp(meta, "object"))
        return JM_OBJECT;
    if (!strcmp(meta, "array"))
        return JM_ARRAY;
    if (!strcmp(meta, "alternate")) {
        unsigned m = 0;
        const qc_value *ms = qc_obj_get(ent, "members");
        for (size_t k = 0; qc_is_array(ms) && k < qc_arr_len(ms); k++)
            m |= json_mask(s, qc_obj_get_str(qc_arr_at(ms, k), "type"), depth + 1);
        return m;
    }
    return 0;
}

static unsigned jtype_bit(qc_jtype t)
{
    switch (t) {
    case QC_JT_ANY: return JM_ALL;
    case QC_JT_STRING: return JM_STRING;
    case QC_JT_INTEGER: return JM_INTEGER;
    case QC_JT_NUMBER: return JM_NUMBER;
    case QC_JT_BOOLEAN: return JM_BOOLEAN;
    case QC_JT_NULL: return JM_NULL;
    case QC_JT_OBJECT: return JM_OBJECT;
    case QC_JT_ARRAY: return JM_ARRAY;
    }
    return 0;
}

static const char *mask_str(qc_arena *a, unsigned m)
{
    static const char *const names[] = {
        "string", "integer", "number", "boolean", "null", "object", "array",
    };
    if (m == JM_ALL)
        return "any JSON value";
    if (m == (JM_INTEGER | JM_NUMBER))
        return "number";
    qc_buf b = QC_BUF_INIT;
    for (unsigned i = 0; i < 7; i++)
        if (m & (1u << i)) {
            if (i == 1 && (m & JM_NUMBER))
                continue;
            qc_buf_printf(&b, "%s%s", b.len ? " or " : "", names[i]);
        }
    const char *r = qc_arena_strdup(a, b.data ? b.data : "nothing");
    qc_buf_free(&b);
    return r;
}

/* "channels/addr" for the first N components. */
static const char *path_prefix(qc_arena *a, const qc_rule_path *p, size_t n)
{
    qc_buf b = QC_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        qc_buf_printf(&b, "%s%s", i ? "/" : "", p->comps[i]);
    const char *r = qc_arena_strdup(a, b.data ? b.data : "");
    qc_buf_free(&b);
    return r;
}

static void eval_path(qc_arena *a, const qc_ischema *s, const qc_rule *r,
                      const char *root_type, const qc_rule_path *p,
                      qc_compat_result *res)
{
    const char *what = r->kind == QC_RULE_EVENT ? "member" : "argument";
    walker w = { s, p, 0 };
    walk_hit h;
    memset(&h, 0, sizeof h);
    if (!walk(&w, root_type, 0, &h)) {
        size_t i = h.depth < p->ncomps ? h.depth : p->ncomps - 1;
        const char *c = p->comps[i];
        const char *detail;
        const char *kind = c[0] == '+' ? "branch" : c[0] == '^' ? "value" : what;
        if (i == 0)
            detail = qc_arena_printf(a, "'%s' has no %s '%s'", r->name, kind, c);
        else
            detail = qc_arena_printf(a, "'%s' has no %s '%s' under '%s'", r->name,
                                     c[0] == '+' || c[0] == '^' ? kind : "member",
                                     c, path_prefix(a, p, i));
        merge(res, QC_COMPAT_MISSING_MEMBER, detail);
        return;
    }
    if (p->type != QC_JT_ANY && p->comps[p->ncomps - 1][0] != '^') {
        unsigned m = json_mask(s, h.type, 0);
        if (!(m & jtype_bit(p->type)))
            merge(res, QC_COMPAT_INCOMPATIBLE_TYPE,
                  qc_arena_printf(a, "'%s' takes %s, the rule wants %s", p->text,
                                  mask_str(a, m), qc_jtype_name(p->type)));
    } else if (p->type != QC_JT_ANY && p->type != QC_JT_STRING) {
        merge(res, QC_COMPAT_INCOMPATIBLE_TYPE,
              qc_arena_printf(a, "'%s' is an enum value (a string), the rule wants %s",
                              p->text, qc_jtype_name(p->type)));
    }
    for (size_t k = 0; k < h.nfeats; k++) {
        const char *n = qc_obj_get_str(h.feats[k], "name");
        check_features(a, r, h.feats[k],
                       qc_arena_printf(a, "%s '%s' of '%s'", what, n ? n : "?", r->name),
                       res);
    }
}

/* Detail of a false query: the first component whose prefix fails. */
static void eval_query(qc_arena *a, const qc_ischema *s, const char *q,
                       qc_compat_result *res)
{
    const char *why = NULL;
    int v = qc_query_eval(a, s, q, &why);
    if (v == QC_QUERY_TRUE)
        return;
    if (v == QC_QUERY_MALFORMED) {
        merge(res, QC_COMPAT_MISSING_MEMBER,
              qc_arena_printf(a, "query '%s' fails: %s", q, why ? why : "error"));
        return;
    }
    const char *slash = strchr(q, '/');
    char *first = qc_arena_strndup(a, q, slash ? (size_t)(slash - q) : strlen(q));
    if (!qc_ischema_lookup(s, first)) {
        merge(res, QC_COMPAT_MISSING_COMMAND,
              slash ? qc_arena_printf(a, "no '%s' in the schema (query '%s')", first, q)
                    : qc_arena_printf(a, "no '%s' in the schema", first));
        return;
    }
    /* Grow the prefix one component at a time up to the first false one. */
    const char *p = slash;
    while (p) {
        const char *next = strchr(p + 1, '/');
        size_t len = next ? (size_t)(next - q) : strlen(q);
        char *prefix = qc_arena_strndup(a, q, len);
        if (qc_query_eval(a, s, prefix, NULL) != QC_QUERY_TRUE) {
            const char *c = p + 1;
            size_t clen = len - (size_t)(c - q);
            const char *kind;
            switch (c[0]) {
            case '+': kind = "branch"; break;
            case '^': kind = "enum value"; break;
            case '$': kind = "feature"; break;
            case '!': kind = "JSON type"; break;
            default: kind = "member"; break;
            }
            merge(res, QC_COMPAT_MISSING_MEMBER,
                  qc_arena_printf(a, "no %s '%.*s' at '%.*s'", kind, (int)clen, c,
                                  (int)(p - q), q));
            return;
        }
        p = next;
    }
    merge(res, QC_COMPAT_MISSING_MEMBER, qc_arena_printf(a, "query '%s' is false", q));
}

qc_compat_result qc_compat_eval(qc_arena *a, const qc_ischema *s,
                                const qc_rule *r)
{
    qc_compat_result res = { QC_COMPAT_OK, "" };

    if (r->kind != QC_RULE_NONE) {
        const char *meta_want = r->kind == QC_RULE_COMMAND ? "command" : "event";
        const qc_value *ent = qc_ischema_lookup(s, r->name);
        const char *meta = qc_obj_get_str(ent, "meta-type");
        if (!ent || !meta || strcmp(meta, meta_want)) {
            merge(&res, QC_COMPAT_MISSING_COMMAND,
                  ent ? qc_arena_printf(a, "'%s' is not %s %s", r->name,
                                        r->kind == QC_RULE_COMMAND ? "a" : "an",
                                        meta_want)
                      : qc_arena_printf(a, "no %s '%s'", meta_want, r->name));
        } else {
            check_features(a, r, ent, qc_arena_printf(a, "%s '%s'", meta_want, r->name),
                           &res);
            const char *arg = qc_obj_get_str(ent, "arg-type");
            for (size_t i = 0; i < r->npaths; i++)
                eval_path(a, s, r, arg, &r->paths[i], &res);
        }
    }
    for (size_t i = 0; i < r->nqueries; i++)
        eval_query(a, s, r->queries[i], &res);
    return res;
}

/* --- call side ------------------------------------------------------------ */

const char *qc_compat_call_name(const qc_value *msg)
{
    const char *n = qc_obj_get_str(msg, "execute");
    return n ? n : qc_obj_get_str(msg, "exec-oob");
}

/* Collects the values at components I.. of P below V, looking through
 * arrays between components.  "+branch" components cannot be told apart
 * without the schema and are passed over. */
static void collect(qc_arena *a, const qc_rule_path *p, size_t i,
                    const qc_value *v, qc_ptrvec *out)
{
    while (i < p->ncomps && p->comps[i][0] == '+')
        i++;
    if (i == p->ncomps) {
        qc_ptrvec_push(a, out, (void *)v);
        return;
    }
    if (qc_is_array(v)) {
        for (size_t k = 0; k < qc_arr_len(v); k++)
            collect(a, p, i, qc_arr_at(v, k), out);
        return;
    }
    const char *c = p->comps[i];
    if (c[0] == '^') {
        if (qc_is_string(v) && !strcmp(v->u.str.s, c + 1))
            qc_ptrvec_push(a, out, (void *)v);
        return;
    }
    const qc_value *m = qc_obj_get(v, c);
    if (m)
        collect(a, p, i + 1, m, out);
}

static bool value_has_type(const qc_value *v, qc_jtype t)
{
    switch (t) {
    case QC_JT_ANY: return true;
    case QC_JT_STRING: return v->kind == QC_VSTRING;
    case QC_JT_INTEGER: return qc_is_integer(v);
    case QC_JT_NUMBER: return qc_is_number(v);
    case QC_JT_BOOLEAN: return v->kind == QC_VBOOL;
    case QC_JT_NULL: return v->kind == QC_VNULL;
    case QC_JT_OBJECT: return v->kind == QC_VOBJECT;
    case QC_JT_ARRAY: return v->kind == QC_VARRAY;
    }
    return false;
}

static const char *group_str(qc_arena *a, const qc_rule_group *g)
{
    qc_buf b = QC_BUF_INIT;
    qc_buf_putc(&b, '[');
    for (size_t i = 0; i < g->n; i++)
        qc_buf_printf(&b, "%s%s", i ? ", " : "", g->paths[i].text);
    qc_buf_putc(&b, ']');
    const char *r = qc_arena_strdup(a, b.data);
    qc_buf_free(&b);
    return r;
}

static size_t check_oneof(qc_arena *a, const qc_rule *r, const qc_value *msg,
                          const qc_value *args, qc_compat_call_fn fn, void *ctx)
{
    size_t used = 0, first = 0, second = 0;
    size_t problems = 0;
    const char *incomplete = NULL;

    for (size_t g = 0; g < r->noneof; g++) {
        const qc_rule_group *grp = &r->oneof[g];
        size_t present = 0;
        const char *absent = NULL;
        for (size_t i = 0; i < grp->n; i++) {
            qc_ptrvec found = { NULL, 0, 0 };
            collect(a, &grp->paths[i], 0, args, &found);
            if (found.n)
                present++;
            else if (!absent)
                absent = grp->paths[i].text;
        }
        if (!present)
            continue;
        if (used == 0)
            first = g;
        else if (used == 1)
            second = g;
        used++;
        if (present < grp->n && !incomplete)
            incomplete = qc_arena_printf(a, "uses %s without '%s'",
                                         group_str(a, grp), absent);
    }

    const char *name = qc_compat_call_name(msg);
    if (used == 0) {
        qc_buf b = QC_BUF_INIT;
        for (size_t g = 0; g < r->noneof; g++)
            qc_buf_printf(&b, "%s%s", g ? " or " : "", group_str(a, &r->oneof[g]));
        fn(ctx, r, msg, msg, "compat-call-one-of",
           qc_arena_printf(a, "'%s' call uses none of %s (rule '%s' wants exactly one)",
                           name, b.data, r->id));
        qc_buf_free(&b);
        problems++;
    } else if (used > 1) {
        fn(ctx, r, msg, msg, "compat-call-one-of",
           qc_arena_printf(a, "'%s' call uses both %s and %s (rule '%s' wants exactly one)",
                           name, group_str(a, &r->oneof[first]),
                           group_str(a, &r->oneof[second]), r->id));
        problems++;
    } else if (incomplete) {
        fn(ctx, r, msg, msg, "compat-call-one-of",
           qc_arena_printf(a, "'%s' call %s (rule '%s')", name, incomplete, r->id));
        problems++;
    }
    return problems;
}

static size_t check_types(qc_arena *a, const qc_rule *r, const qc_value *msg,
                          const qc_value *args, qc_compat_call_fn fn, void *ctx)
{
    size_t problems = 0;
    for (size_t i = 0; i < r->npaths; i++) {
        const qc_rule_path *p = &r->paths[i];
        if (p->type == QC_JT_ANY || !args)
            continue;
        qc_ptrvec found = { NULL, 0, 0 };
        collect(a, p, 0, args, &found);
        for (size_t k = 0; k < found.n; k++) {
            const qc_value *v = found.items[k];
            if (value_has_type(v, p->type))
                continue;
            fn(ctx, r, msg, v, "compat-call-type",
               qc_arena_printf(a, "'%s' is %s %s here; rule '%s' wants %s", p->text,
                               v->kind == QC_VARRAY || v->kind == QC_VOBJECT ? "an" : "a",
                               qc_value_type_name(v), r->id, qc_jtype_name(p->type)));
            problems++;
        }
    }
    return problems;
}

size_t qc_compat_check_call(qc_arena *a, const qc_ruleset *rs,
                            const qc_value *msg, qc_compat_call_fn fn, void *ctx)
{
    if (!qc_is_object(msg))
        return 0;
    const char *cmd = qc_compat_call_name(msg);
    const char *ev = cmd ? NULL : qc_obj_get_str(msg, "event");
    if (!cmd && !ev)
        return 0;
    const qc_value *args = qc_obj_get(msg, cmd ? "arguments" : "data");
    if (args && !qc_is_object(args))
        args = NULL;
    /* A call without arguments is one with an empty argument object. */
    static const qc_value empty = { .kind = QC_VOBJECT };
    const qc_value *a_or_empty = args ? args : &empty;

    size_t problems = 0;
    for (size_t i = 0; i < qc_ruleset_size(rs); i++) {
        const qc_rule *r = qc_ruleset_get(rs, i);
        if (!r->name || strcmp(r->name, cmd ? cmd : ev)
            || r->kind != (cmd ? QC_RULE_COMMAND : QC_RULE_EVENT))
            continue;
        if (r->noneof)
            problems += check_oneof(a, r, msg, a_or_empty, fn, ctx);
        problems += check_types(a, r, msg, args, fn, ctx);
    }
    return problems;
}
