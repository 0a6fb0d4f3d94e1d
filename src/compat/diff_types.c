/* qapic diff: the pair graph (diff_graph.h).  Every pair of corresponding
 * types (old, new) that a command or event reaches is compared once,
 * locally: what differs at that level (members, values, branches,
 * features, the JSON shape), and edges to the pairs below it (member
 * types, branch types, array elements).  Local changes depend neither on
 * the direction nor on the path, so shared types cost once, and the graph
 * is finite however recursive the schema. */
#include "compat/diff_graph.h"

#include <stdint.h>
#include <stdlib.h>

/* The map key of a pair: both addresses in hex (the map takes strings). */
static void pair_key(char *buf, const qc_value *o, const qc_value *n)
{
    uintptr_t v[2] = { (uintptr_t)o, (uintptr_t)n };
    char *p = buf;
    for (int k = 0; k < 2; k++) {
        for (int sh = (int)sizeof v[k] * 8 - 4; sh >= 0; sh -= 4)
            *p++ = "0123456789abcdef"[(v[k] >> sh) & 15];
        *p++ = k ? '\0' : ' ';
    }
}

pair *qc_diff_pair(differ *dx, const qc_value *o, const qc_value *n)
{
    char key[2 * 2 * sizeof(uintptr_t) + 2];
    pair_key(key, o, n);
    pair *p = qc_hashmap_get(dx->pairs, key);
    if (!p) {
        p = qc_arena_alloc(dx->a, sizeof *p);
        p->o = o;
        p->n = n;
        qc_hashmap_put(dx->pairs, qc_arena_strdup(dx->a, key), p);
        qc_ptrvec_push(dx->a, &dx->all, p);
    }
    return p;
}

lchange *qc_diff_add_change(differ *dx, pair *p, qc_diff_kind kind,
                            const char *suffix, const char *name,
                            unsigned flags)
{
    lchange *c = qc_arena_alloc(dx->a, sizeof *c);
    c->kind = kind;
    c->suffix = suffix;
    c->name = name;
    c->flags = flags;
    qc_ptrvec_push(dx->a, &p->changes, c);
    return c;
}

static edge *add_edge(differ *dx, pair *p, const char *suffix, pos_kind pos,
                      pair *to)
{
    edge *e = qc_arena_alloc(dx->a, sizeof *e);
    e->suffix = suffix;
    e->pos = pos;
    e->to = to;
    qc_ptrvec_push(dx->a, &p->edges, e);
    return e;
}

/* --- named lists, compared by sorted merge -------------------------------- */

typedef struct named {
    const char *name;
    const qc_value *v;     /* the element (a bare enum value: the string) */
    size_t index;          /* in the array: keeps the sort stable */
} named;

static int cmp_named(const void *pa, const void *pb)
{
    const named *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Sorts the N elements of V by name, keeps the first of each name, and
 * returns how many are left. */
static size_t sort_unique(named *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_named);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || strcmp(v[u - 1].name, v[i].name))
            v[u++] = v[i];
    return u;
}

/* The elements of array KEY of V, by their string member FIELD (or by
 * themselves when they are strings), sorted, first of duplicates kept. */
static named *collect(differ *dx, const qc_value *v, const char *key,
                      const char *field, size_t *n)
{
    const qc_value *arr = qc_obj_get(v, key);
    size_t total = qc_is_array(arr) ? qc_arr_len(arr) : 0, k = 0;
    named *out = qc_arena_alloc(dx->a, (total + 1) * sizeof *out);
    for (size_t i = 0; i < total; i++) {
        const qc_value *e = qc_arr_at(arr, i);
        const char *name = qc_is_string(e) ? e->u.str.s
                           : field ? qc_obj_get_str(e, field) : NULL;
        if (name) {
            out[k].name = name;
            out[k].index = k;
            out[k++].v = e;
        }
    }
    *n = sort_unique(out, k);
    return out;
}

typedef void (*merge_fn)(differ *dx, pair *p, const named *o,
                         const named *n, void *ctx);

/* Calls FN with (o, NULL) for names only in OLD, (NULL, n) for names only
 * in NEW and (o, n) for names in both, in name order. */
static void merge(differ *dx, pair *p, const named *o, size_t no,
                  const named *n, size_t nn, merge_fn fn, void *ctx)
{
    size_t i = 0, j = 0;
    while (i < no || j < nn) {
        int c = i == no ? 1 : j == nn ? -1 : strcmp(o[i].name, n[j].name);
        if (c < 0)
            fn(dx, p, &o[i++], NULL, ctx);
        else if (c > 0)
            fn(dx, p, NULL, &n[j++], ctx);
        else
            fn(dx, p, &o[i++], &n[j++], ctx);
    }
}

/* --- JSON shapes ------------------------------------------------------------ */

enum {
    S_OBJECT = 1 << 0, S_ARRAY = 1 << 1, S_STRING = 1 << 2, S_ENUM = 1 << 3,
    S_INT = 1 << 4, S_NUMBER = 1 << 5, S_BOOL = 1 << 6, S_NULL = 1 << 7,
    S_ANY = 1 << 8, S_UNKNOWN = 1 << 9,
};

static unsigned builtin_shape(const char *json_type)
{
    static const struct { const char *name; unsigned shape; } map[] = {
        { "string", S_STRING }, { "int", S_INT }, { "number", S_NUMBER },
        { "boolean", S_BOOL }, { "null", S_NULL }, { "value", S_ANY },
        { "object", S_OBJECT }, { "array", S_ARRAY },
    };
    for (size_t i = 0; json_type && i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i].name, json_type))
            return map[i].shape;
    return S_UNKNOWN;
}

/* The JSON values a type takes, as a set of shapes.  DEPTH guards against
 * alternates of alternates, which only a broken schema has. */
static unsigned shape_of(const qc_ischema *s, const qc_value *t, int depth)
{
    const char *meta = meta_of(t);
    if (str_eq(meta, "object"))
        return S_OBJECT;
    if (str_eq(meta, "array"))
        return S_ARRAY;
    if (str_eq(meta, "enum"))
        return S_ENUM;
    if (str_eq(meta, "builtin"))
        return builtin_shape(qc_obj_get_str(t, "json-type"));
    if (str_eq(meta, "alternate") && depth < 2) {
        const qc_value *ms = qc_obj_get(t, "members");
        unsigned sh = 0;
        for (size_t i = 0; qc_is_array(ms) && i < qc_arr_len(ms); i++)
            sh |= shape_of(s, type_at(s, qc_arr_at(ms, i), "type"),
                           depth + 1);
        return sh;
    }
    return S_UNKNOWN;
}

/* True when every value of shape set B is a value of shape set A. */
static bool covers(unsigned a, unsigned b)
{
    if (a & S_ANY)
        a |= ~(unsigned)S_UNKNOWN;
    if (a & S_STRING)
        a |= S_ENUM;
    if (a & S_NUMBER)
        a |= S_INT;
    return (b & ~a) == 0 && !(b & S_UNKNOWN);
}

/* The branch category of an alternate member: at most one branch of an
 * alternate may take each. */
static const char *category(unsigned shape)
{
    if (shape & (S_STRING | S_ENUM))
        return "string";
    if (shape & (S_INT | S_NUMBER))
        return "number";
    if (shape & S_OBJECT)
        return "object";
    if (shape & S_ARRAY)
        return "array";
    if (shape & S_BOOL)
        return "boolean";
    if (shape & S_NULL)
        return "null";
    return shape & S_ANY ? "any" : "unknown";
}

/* A short description of type T for messages: "string", "enum",
 * "array of object", "alternate of string, null". */
static const char *describe(differ *dx, const qc_ischema *s,
                            const qc_value *t, int depth)
{
    const char *meta = meta_of(t);
    if (!t)
        return "an undefined type";
    if (str_eq(meta, "builtin")) {
        const char *jt = qc_obj_get_str(t, "json-type");
        if (str_eq(jt, "int"))
            return "integer";
        if (str_eq(jt, "value"))
            return "any JSON value";
        return jt ? jt : "a builtin";
    }
    if (str_eq(meta, "object"))
        return qc_obj_get(t, "tag") ? "union" : "object";
    if (str_eq(meta, "array") && depth < 3)
        return qc_arena_printf(dx->a, "array of %s",
                               describe(dx, s, type_at(s, t, "element-type"),
                                        depth + 1));
    if (str_eq(meta, "alternate") && depth < 3) {
        const qc_value *ms = qc_obj_get(t, "members");
        const char *text = "alternate of ";
        for (size_t i = 0; qc_is_array(ms) && i < qc_arr_len(ms); i++)
            text = qc_arena_printf(dx->a, "%s%s%s", text, i ? ", " : "",
                                   describe(dx, s, type_at(s, qc_arr_at(ms, i),
                                                           "type"), depth + 1));
        return text;
    }
    return meta ? meta : "an unknown type";
}

/* --- local comparison of a pair --------------------------------------------- */

typedef struct feat_ctx {
    const char *prefix;    /* path below the position to what has the
                            * feature: "", a member, "^value" */
    owner_kind owner;
    const char *owner_name;
} feat_ctx;

static void on_feature(differ *dx, pair *p, const named *o, const named *n,
                       void *ctx)
{
    const feat_ctx *fc = ctx;
    if (o && n)
        return;
    const char *name = o ? o->name : n->name;
    /* A feature of the type itself has no query path of its own below a
     * member: the walk decides where it goes (see report_change). */
    const char *suffix = "";
    if (fc->owner != OWN_TYPE)
        suffix = *fc->prefix ? qc_arena_printf(dx->a, "%s/$%s", fc->prefix, name)
                             : qc_arena_printf(dx->a, "$%s", name);
    lchange *c = qc_diff_add_change(dx, p, o ? QC_DIFF_FEATURE_REMOVED
                                             : QC_DIFF_FEATURE_ADDED,
                                    suffix, name,
                                    fc->owner == OWN_TYPE ? F_TYPE : 0);
    c->owner = fc->owner;
    c->owner_name = fc->owner_name;
}

void qc_diff_features(differ *dx, pair *p, const qc_value *o,
                      const qc_value *n, const char *prefix, owner_kind owner,
                      const char *owner_name)
{
    if (!qc_obj_get(o, "features") && !qc_obj_get(n, "features"))
        return;
    size_t no, nn;
    named *fo = collect(dx, o, "features", NULL, &no);
    named *fn = collect(dx, n, "features", NULL, &nn);
    feat_ctx fc = { prefix, owner, owner_name };
    merge(dx, p, fo, no, fn, nn, on_feature, &fc);
}

static void type_changed(differ *dx, pair *p, const qc_value *o,
                         const qc_value *n)
{
    unsigned so = shape_of(dx->os, o, 0), sn = shape_of(dx->ns, n, 0);
    unsigned flags = (covers(sn, so) ? F_WIDER : 0)
                   | (covers(so, sn) ? F_NARROWER : 0)
                   | (!o || !n ? F_UNKNOWN : 0);
    lchange *c = qc_diff_add_change(dx, p, QC_DIFF_TYPE_CHANGED, "", NULL,
                                    flags);
    c->detail = qc_arena_printf(dx->a, "type changed from %s to %s",
                                describe(dx, dx->os, o, 0),
                                describe(dx, dx->ns, n, 0));
}

typedef struct object_ctx {
    const char *tag_o, *tag_n;
    const qc_value *tag_enum_o;   /* the old tag member's enum type */
} object_ctx;

static void on_member(differ *dx, pair *p, const named *o, const named *n,
                      void *ctx)
{
    const object_ctx *oc = ctx;
    const named *m = o ? o : n;
    const char *comp = component(dx, m->name);
    if (!o || !n) {
        unsigned flags = (is_optional(m->v) ? 0 : F_MANDATORY)
                         | (o ? status_flags(o->v) : 0);
        qc_diff_add_change(dx, p, o ? QC_DIFF_MEMBER_REMOVED
                                    : QC_DIFF_MEMBER_ADDED,
                           comp, m->name, flags);
        return;
    }
    bool opt_o = is_optional(o->v), opt_n = is_optional(n->v);
    if (opt_o != opt_n)
        qc_diff_add_change(dx, p, opt_o ? QC_DIFF_MADE_MANDATORY
                                        : QC_DIFF_MADE_OPTIONAL,
                           comp, m->name, status_flags(o->v));
    qc_diff_features(dx, p, o->v, n->v, comp, OWN_MEMBER, m->name);
    edge *e = add_edge(dx, p, comp, POS_MEMBER,
                       qc_diff_pair(dx, type_at(dx->os, o->v, "type"),
                                    type_at(dx->ns, n->v, "type")));
    e->unstable = is_unstable(o->v);
    e->tag = str_eq(m->name, oc->tag_o) && str_eq(m->name, oc->tag_n);
}

/* Flags of the tag value CASE of a union's old tag enum: removing the
 * branch of a deprecated value is expected. */
static unsigned case_status(differ *dx, const qc_value *tag_enum,
                            const char *name)
{
    size_t n;
    named *vals = collect(dx, tag_enum, "members", "name", &n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(vals[i].name, name))
            return status_flags(vals[i].v);
    return 0;
}

static void on_variant(differ *dx, pair *p, const named *o, const named *n,
                       void *ctx)
{
    const object_ctx *oc = ctx;
    const char *comp = qc_arena_printf(dx->a, "+%s", (o ? o : n)->name);
    if (!o || !n) {
        qc_diff_add_change(dx, p, o ? QC_DIFF_BRANCH_REMOVED
                                    : QC_DIFF_BRANCH_ADDED,
                           comp, (o ? o : n)->name,
                           o ? case_status(dx, oc->tag_enum_o, o->name) : 0);
        return;
    }
    add_edge(dx, p, comp, POS_OTHER,
             qc_diff_pair(dx, type_at(dx->os, o->v, "type"),
                          type_at(dx->ns, n->v, "type")));
}

static void diff_object(differ *dx, pair *p)
{
    object_ctx oc = { qc_obj_get_str(p->o, "tag"), qc_obj_get_str(p->n, "tag"),
                      NULL };
    size_t no, nn;
    named *mo = collect(dx, p->o, "members", "name", &no);
    named *mn = collect(dx, p->n, "members", "name", &nn);
    for (size_t i = 0; oc.tag_o && i < no; i++)
        if (!strcmp(mo[i].name, oc.tag_o))
            oc.tag_enum_o = type_at(dx->os, mo[i].v, "type");
    merge(dx, p, mo, no, mn, nn, on_member, &oc);

    if (oc.tag_o && oc.tag_n && strcmp(oc.tag_o, oc.tag_n)) {
        lchange *c = qc_diff_add_change(dx, p, QC_DIFF_TYPE_CHANGED, "", NULL,
                                        0);
        c->detail = qc_arena_printf(dx->a,
                                    "union tag changed from '%s' to '%s'",
                                    oc.tag_o, oc.tag_n);
    }
    named *vo = collect(dx, p->o, "variants", "case", &no);
    named *vn = collect(dx, p->n, "variants", "case", &nn);
    merge(dx, p, vo, no, vn, nn, on_variant, &oc);
}

static void on_enum_value(differ *dx, pair *p, const named *o, const named *n,
                          void *ctx)
{
    (void)ctx;
    const char *comp = qc_arena_printf(dx->a, "^%s", (o ? o : n)->name);
    if (!o || !n) {
        qc_diff_add_change(dx, p, o ? QC_DIFF_VALUE_REMOVED
                                    : QC_DIFF_VALUE_ADDED,
                           comp, (o ? o : n)->name, o ? status_flags(o->v) : 0);
        return;
    }
    qc_diff_features(dx, p, o->v, n->v, comp, OWN_VALUE, o->name);
}

/* The values of an enum: "members" (QEMU 6.2 on, with features), else
 * "values". */
static named *enum_values(differ *dx, const qc_value *t, size_t *n)
{
    if (qc_is_array(qc_obj_get(t, "members")))
        return collect(dx, t, "members", "name", n);
    return collect(dx, t, "values", NULL, n);
}

static void diff_enum(differ *dx, pair *p)
{
    size_t no, nn;
    named *vo = enum_values(dx, p->o, &no);
    named *vn = enum_values(dx, p->n, &nn);
    merge(dx, p, vo, no, vn, nn, on_enum_value, NULL);
}

/* The branches of alternate T, named by their JSON category. */
static named *alternate_branches(differ *dx, const qc_ischema *s,
                                 const qc_value *t, size_t *n)
{
    const qc_value *ms = qc_obj_get(t, "members");
    size_t total = qc_is_array(ms) ? qc_arr_len(ms) : 0;
    named *out = qc_arena_alloc(dx->a, (total + 1) * sizeof *out);
    for (size_t i = 0; i < total; i++) {
        const qc_value *bt = type_at(s, qc_arr_at(ms, i), "type");
        out[i].name = category(shape_of(s, bt, 1));
        out[i].v = bt;
        out[i].index = i;
    }
    *n = sort_unique(out, total);
    return out;
}

static void on_alternative(differ *dx, pair *p, const named *o,
                           const named *n, void *ctx)
{
    (void)ctx;
    if (o && n) {
        add_edge(dx, p, "", POS_INHERIT, qc_diff_pair(dx, o->v, n->v));
        return;
    }
    const named *b = o ? o : n;
    const qc_ischema *s = o ? dx->os : dx->ns;
    /* "!json-type" selects a builtin branch in a query. */
    const char *jt = str_eq(meta_of(b->v), "builtin")
                     ? qc_obj_get_str(b->v, "json-type") : NULL;
    lchange *c = qc_diff_add_change(dx, p, o ? QC_DIFF_ALTERNATIVE_REMOVED
                                             : QC_DIFF_ALTERNATIVE_ADDED,
                                    jt ? qc_arena_printf(dx->a, "!%s", jt) : "",
                                    b->name, 0);
    c->detail = describe(dx, s, b->v, 1);
}

static void diff_alternate(differ *dx, pair *p)
{
    size_t no, nn;
    named *bo = alternate_branches(dx, dx->os, p->o, &no);
    named *bn = alternate_branches(dx, dx->ns, p->n, &nn);
    merge(dx, p, bo, no, bn, nn, on_alternative, NULL);
}

/* The branch of alternate ALT (in S) that takes values of shape SHAPE. */
static const qc_value *branch_for(differ *dx, const qc_ischema *s,
                                  const qc_value *alt, unsigned shape)
{
    size_t n;
    named *bs = alternate_branches(dx, s, alt, &n);
    const char *cat = category(shape);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(bs[i].name, cat))
            return bs[i].v;
    return NULL;
}

/* Types of different meta-types: the shape change, and where one side is
 * an alternate, the structure of the branch that matches the other side
 * (an object that became an alternate of it and a string keeps its
 * members). */
static void diff_meta_change(differ *dx, pair *p, const char *mo,
                             const char *mn)
{
    type_changed(dx, p, p->o, p->n);
    const qc_value *o = p->o, *n = p->n;
    if (str_eq(mn, "alternate"))
        n = branch_for(dx, dx->ns, n, shape_of(dx->os, o, 0));
    else if (str_eq(mo, "alternate"))
        o = branch_for(dx, dx->os, o, shape_of(dx->ns, n, 0));
    else
        return;
    const char *bo = meta_of(o), *bn = meta_of(n);
    if (o && n && str_eq(bo, bn) && !str_eq(bo, "builtin"))
        add_edge(dx, p, "", POS_INHERIT, qc_diff_pair(dx, o, n));
}

static void compute_local(differ *dx, pair *p)
{
    if (!p->o || !p->n) {
        if (p->o != p->n)
            type_changed(dx, p, p->o, p->n);
        return;
    }
    const char *mo = meta_of(p->o), *mn = meta_of(p->n);
    if (!mo && !mn)
        return;             /* nothing to compare: the dump check's business */
    if (!str_eq(mo, mn)) {
        diff_meta_change(dx, p, mo, mn);
        return;
    }
    if (!strcmp(mo, "object"))
        diff_object(dx, p);
    else if (!strcmp(mo, "enum"))
        diff_enum(dx, p);
    else if (!strcmp(mo, "alternate"))
        diff_alternate(dx, p);
    else if (!strcmp(mo, "array"))
        add_edge(dx, p, "", POS_INHERIT,
                 qc_diff_pair(dx, type_at(dx->os, p->o, "element-type"),
                              type_at(dx->ns, p->n, "element-type")));
    else if (!strcmp(mo, "builtin")
             && !str_eq(qc_obj_get_str(p->o, "json-type"),
                        qc_obj_get_str(p->n, "json-type")))
        type_changed(dx, p, p->o, p->n);
    qc_diff_features(dx, p, p->o, p->n, "", OWN_TYPE, NULL);
}


void qc_diff_compare_pairs(differ *dx)
{
    /* Comparing a pair may create more: ALL grows while it is read. */
    for (; dx->computed < dx->all.n; dx->computed++)
        compute_local(dx, dx->all.items[dx->computed]);
}
