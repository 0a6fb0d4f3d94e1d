/* The schema model: entity creation in QEMU's definition order and the
 * checks of QAPISchema.check (see schema.h).  The checks run in QEMU's
 * order, so the first error is the one QEMU reports.  After an error the
 * build goes on with whatever does not depend on it: a duplicate
 * definition is dropped, an entity whose check fails is marked failed, and
 * everything referring to a failed entity or to a definition the
 * expression checks rejected fails silently (its check would rely on
 * resolved types and completed member lists that are not there), so no
 * error is ever a consequence of an earlier one. */
#include "schema/schema.h"

#include <stdarg.h>
#include <string.h>

#include "schema/expr.h"
#include "base/hashmap.h"

typedef struct builder {
    qc_arena *a;
    qc_diag *d;
    const qc_options *o;
    qc_schema *s;
    qc_ptrvec ents;
    qc_ptrvec mods;
    qc_hashmap *mod_by_name;
    qc_hashmap *features;       /* name -> feat_first */
    qc_ptrvec feature_order;    /* feat_first * */
    bool predefining;
    /* Names of definitions the expression checks rejected or that were
     * dropped: references to them fail without a diagnostic. */
    qc_hashmap *rejected;
    /* A rejected definition had no recognisable name: any unknown name
     * may be its, so unknown references fail without a diagnostic; and it
     * may have been a pragma, so what its exception lists could allow is
     * not reported (an undocumented member, a non-object 'returns'). */
    bool rejected_unnamed;
    /* Names defined more than once: which definition references mean is
     * unclear, so they fail without a diagnostic. */
    qc_hashmap *contested;
    qc_ptrvec skip_docs;        /* qc_doc * not to check (entity failed) */
    bool failed;                /* an error was reported */
} builder;

typedef struct feat_first {
    const char *name;
    qc_loc loc;
    const char *meta, *defn;
} feat_first;

/* ---- conditions -------------------------------------------------------- */

bool qc_cond_eval(const qc_cond *c, bool (*defined)(void *ctx, const char *sym),
                  void *ctx)
{
    if (!c)
        return true;
    switch (c->kind) {
    case QC_COND_NAME:
        return defined(ctx, c->name);
    case QC_COND_NOT:
        return !qc_cond_eval(c->args[0], defined, ctx);
    case QC_COND_ALL:
        for (size_t i = 0; i < c->nargs; i++)
            if (!qc_cond_eval(c->args[i], defined, ctx))
                return false;
        return true;
    case QC_COND_ANY:
        for (size_t i = 0; i < c->nargs; i++)
            if (qc_cond_eval(c->args[i], defined, ctx))
                return true;
        return false;
    }
    return false;
}

static void cond_repr(qc_buf *b, const qc_cond *c, bool top)
{
    if (c->kind == QC_COND_NAME) {
        qc_buf_printf(b, top ? "%s" : "'%s'", c->name);
        return;
    }
    if (c->kind == QC_COND_NOT) {
        qc_buf_puts(b, "{'not': ");
        cond_repr(b, c->args[0], false);
        qc_buf_putc(b, '}');
        return;
    }
    qc_buf_puts(b, c->kind == QC_COND_ALL ? "{'all': [" : "{'any': [");
    for (size_t i = 0; i < c->nargs; i++) {
        if (i)
            qc_buf_puts(b, ", ");
        cond_repr(b, c->args[i], false);
    }
    qc_buf_puts(b, "]}");
}

void qc_cond_repr(qc_buf *b, const qc_cond *c)
{
    if (c)
        cond_repr(b, c, true);
}

static void cond_cgen(qc_buf *b, const qc_cond *c, bool parens)
{
    switch (c->kind) {
    case QC_COND_NAME:
        qc_buf_printf(b, "defined(%s)", c->name);
        return;
    case QC_COND_NOT:
        qc_buf_putc(b, '!');
        cond_cgen(b, c->args[0], true);
        return;
    default:
        if (parens)
            qc_buf_putc(b, '(');
        for (size_t i = 0; i < c->nargs; i++) {
            if (i)
                qc_buf_puts(b, c->kind == QC_COND_ALL ? " && " : " || ");
            cond_cgen(b, c->args[i], true);
        }
        if (parens)
            qc_buf_putc(b, ')');
    }
}

void qc_cond_cgen(qc_buf *b, const qc_cond *c)
{
    if (c)
        cond_cgen(b, c, false);
}

bool qc_cond_equal(const qc_cond *a, const qc_cond *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->nargs != b->nargs)
        return false;
    if (a->kind == QC_COND_NAME)
        return strcmp(a->name, b->name) == 0;
    for (size_t i = 0; i < a->nargs; i++)
        if (!qc_cond_equal(a->args[i], b->args[i]))
            return false;
    return true;
}

/* V has passed the expression checks. */
static qc_cond *cond_from(qc_arena *a, const qc_value *v)
{
    if (!v)
        return NULL;
    qc_cond *c = qc_arena_alloc(a, sizeof(*c));
    if (qc_is_string(v)) {
        c->kind = QC_COND_NAME;
        c->name = v->u.str.s;
        return c;
    }
    if (!qc_is_object(v) || v->u.obj.n != 1)
        return NULL;
    const qc_member *m = &v->u.obj.members[0];
    if (strcmp(m->key, "not") == 0) {
        c->kind = QC_COND_NOT;
        c->nargs = 1;
        c->args = qc_arena_alloc(a, sizeof(*c->args));
        c->args[0] = cond_from(a, m->value);
        return c;
    }
    c->kind = strcmp(m->key, "all") == 0 ? QC_COND_ALL : QC_COND_ANY;
    if (!qc_is_array(m->value))
        return NULL;
    c->nargs = m->value->u.arr.n;
    c->args = qc_arena_alloc(a, (c->nargs + 1) * sizeof(*c->args));
    for (size_t i = 0; i < c->nargs; i++)
        c->args[i] = cond_from(a, m->value->u.arr.items[i]);
    return c;
}

/* ---- entity helpers ---------------------------------------------------- */

const char *qc_c_name(qc_arena *a, const char *name, bool protect)
{
    return qc_expr_c_name(a, name, protect);
}

bool qc_entity_is_type(const qc_entity *e)
{
    return e && e->kind <= QC_ENT_ARRAY;
}

bool qc_entity_is_implicit(const qc_entity *e)
{
    switch (e->kind) {
    case QC_ENT_ARRAY:
        return true;
    case QC_ENT_OBJECT:
        return strncmp(e->name, "q_", 2) == 0;
    case QC_ENT_ENUM:
        return strcmp(e->name, "QType") == 0;
    default:
        return !e->has_info;
    }
}

const char *qc_entity_describe(qc_arena *a, const qc_entity *e)
{
    switch (e->kind) {
    case QC_ENT_ARRAY:
        return qc_arena_printf(a, "array type ['%s']", e->element_name);
    case QC_ENT_COMMAND:
    case QC_ENT_EVENT:
        return qc_arena_printf(a, "%s '%s'", e->meta, e->name);
    case QC_ENT_INCLUDE:
        return "include";
    default:
        return qc_arena_printf(a, "%s type '%s'", e->meta, e->name);
    }
}

const char *qc_entity_alternate_qtype(const qc_entity *e)
{
    const char *j = e->json_type;
    if (!j)
        return NULL;
    if (strcmp(j, "null") == 0) return "QTYPE_QNULL";
    if (strcmp(j, "string") == 0) return "QTYPE_QSTRING";
    if (strcmp(j, "number") == 0 || strcmp(j, "int") == 0) return "QTYPE_QNUM";
    if (strcmp(j, "boolean") == 0) return "QTYPE_QBOOL";
    if (strcmp(j, "array") == 0) return "QTYPE_QLIST";
    if (strcmp(j, "object") == 0) return "QTYPE_QDICT";
    return NULL;
}

qc_entity *qc_schema_lookup(const qc_schema *s, const char *name)
{
    return s ? qc_hashmap_get(s->by_name, name) : NULL;
}

qc_entity *qc_schema_lookup_type(const qc_schema *s, const char *name)
{
    qc_entity *e = qc_schema_lookup(s, name);
    return qc_entity_is_type(e) ? e : NULL;
}

/* Reports an error at E's location with its definition context. */
static qc_diagnostic *err_at(builder *b, qc_loc loc, const char *meta,
                             const char *name, const char *code,
                             const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static qc_diagnostic *err_at(builder *b, qc_loc loc, const char *meta,
                             const char *name, const char *code,
                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qc_diagnostic *dg = qc_diag_vreport(b->d, QC_SEV_ERROR, loc, code, fmt, ap);
    va_end(ap);
    if (name && meta)
        qc_diag_in_definition(dg, meta, name);
    return dg;
}

#define ERR(b, e, code, ...) \
    err_at((b), (e)->loc, (e)->defn_meta, (e)->defn_name, (code), __VA_ARGS__)

/* ---- definition -------------------------------------------------------- */

static qc_entity *new_entity(builder *b, qc_entity_kind kind, const char *name,
                             const char *meta, const qc_defn *dfn,
                             const qc_expr *x)
{
    qc_entity *e = qc_arena_alloc(b->a, sizeof(*e));
    e->kind = kind;
    e->name = name;
    e->meta = meta;
    if (x) {
        e->loc = x->loc;
        e->has_info = true;
    }
    if (dfn) {
        e->defn_meta = dfn->meta;
        e->defn_name = dfn->name;
    }
    return e;
}

static void def_entity(builder *b, qc_entity *e)
{
    e->index = b->ents.n;
    qc_ptrvec_push(b->a, &b->ents, e);
}

static bool def_definition(builder *b, qc_entity *e)
{
    def_entity(b, e);
    qc_entity *prev = qc_hashmap_get(b->s->by_name, e->name);
    if (prev) {
        if (prev->has_info) {
            if (!b->contested)
                b->contested = qc_hashmap_new(b->a);
            qc_hashmap_put(b->contested, e->name, prev);
            qc_diagnostic *dg = ERR(b, e, "qapi-duplicate-definition",
                                    "'%s' is defined more than once",
                                    e->name);
            qc_diag_note(dg, prev->loc, prev->defn_meta, prev->defn_name,
                         "previous definition");
        } else {
            ERR(b, e, "qapi-duplicate-definition", "%s is already defined",
                qc_entity_describe(b->a, prev));
        }
        return false;
    }
    qc_hashmap_put(b->s->by_name, e->name, e);
    return true;
}

static const char *make_array_type(builder *b, const char *elem,
                                   const qc_defn *dfn, const qc_expr *x,
                                   bool *ok)
{
    const char *name = qc_arena_printf(b->a, "%sList", elem);
    qc_entity *prev = qc_hashmap_get(b->s->by_name, name);
    if (!qc_entity_is_type(prev)) {
        qc_entity *e = new_entity(b, QC_ENT_ARRAY, name, "array", dfn, x);
        e->element_name = elem;
        e->json_type = "array";
        if (!def_definition(b, e))
            *ok = false;
    }
    return name;
}

/* A type reference: 'Name' or ['Name']. */
static const char *type_ref(builder *b, const qc_value *v, const qc_defn *dfn,
                            const qc_expr *x, bool *ok)
{
    if (qc_is_array(v) && v->u.arr.n == 1 && qc_is_string(v->u.arr.items[0]))
        return make_array_type(b, v->u.arr.items[0]->u.str.s, dfn, x, ok);
    if (qc_is_string(v))
        return v->u.str.s;
    return "";
}

static qc_feature **make_features(builder *b, const qc_value *v,
                                  const qc_defn *dfn, const qc_expr *x,
                                  size_t *n)
{
    *n = 0;
    if (!qc_is_array(v) || v->u.arr.n == 0)
        return NULL;
    qc_feature **fs = qc_arena_alloc(b->a, v->u.arr.n * sizeof(*fs));
    for (size_t i = 0; i < v->u.arr.n; i++) {
        const qc_value *f = v->u.arr.items[i];
        const qc_value *name = qc_is_object(f) ? qc_obj_get(f, "name") : f;
        qc_feature *ft = qc_arena_alloc(b->a, sizeof(*ft));
        ft->name = qc_is_string(name) ? name->u.str.s : "";
        ft->cond = qc_is_object(f) ? cond_from(b->a, qc_obj_get(f, "if"))
                                   : NULL;
        ft->loc = x ? x->loc : (qc_loc){ 0 };
        ft->special = strcmp(ft->name, "deprecated") == 0
            || strcmp(ft->name, "unstable") == 0;
        fs[i] = ft;
        if (!qc_hashmap_get(b->features, ft->name)) {
            feat_first *ff = qc_arena_alloc(b->a, sizeof(*ff));
            ff->name = ft->name;
            ff->loc = ft->loc;
            ff->meta = dfn ? dfn->meta : NULL;
            ff->defn = dfn ? dfn->name : NULL;
            qc_hashmap_put(b->features, ff->name, ff);
            qc_ptrvec_push(b->a, &b->feature_order, ff);
        }
    }
    *n = v->u.arr.n;
    return fs;
}

static qc_smember *new_member(builder *b, qc_role role, const char *name,
                              const qc_expr *x)
{
    qc_smember *m = qc_arena_alloc(b->a, sizeof(*m));
    m->role = role;
    m->name = name;
    if (x)
        m->loc = x->loc;
    return m;
}

/* MEMBERS dict -> members */
static qc_smember **make_members(builder *b, const qc_value *data,
                                 const qc_defn *dfn, const qc_expr *x,
                                 size_t *n, bool *ok)
{
    *n = 0;
    if (!qc_is_object(data) || data->u.obj.n == 0)
        return NULL;
    qc_smember **ms = qc_arena_alloc(b->a, data->u.obj.n * sizeof(*ms));
    for (size_t i = 0; i < data->u.obj.n; i++) {
        const qc_member *kv = &data->u.obj.members[i];
        const char *name = kv->key;
        bool optional = false;
        if (name[0] == '*') {
            name++;
            optional = true;
        }
        const qc_value *arg = kv->value;
        const qc_value *type = qc_is_object(arg) ? qc_obj_get(arg, "type")
                                                 : arg;
        qc_smember *m = new_member(b, QC_ROLE_MEMBER, name, x);
        m->optional = optional;
        if (qc_is_object(arg))
            m->cond = cond_from(b->a, qc_obj_get(arg, "if"));
        m->type_name = type_ref(b, type, dfn, x, ok);
        if (qc_is_object(arg))
            m->features = make_features(b, qc_obj_get(arg, "features"), dfn,
                                        x, &m->nfeatures);
        ms[i] = m;
    }
    *n = data->u.obj.n;
    return ms;
}

static void set_defined_in(qc_smember **ms, size_t n, const char *owner)
{
    for (size_t i = 0; i < n; i++)
        ms[i]->defined_in = owner;
}

static qc_entity *new_object(builder *b, const char *name, const char *meta,
                             const qc_defn *dfn, const qc_expr *x)
{
    qc_entity *e = new_entity(b, QC_ENT_OBJECT, name, meta, dfn, x);
    e->json_type = "object";
    return e;
}

/* Returns the implicit type's name, or NULL for no members. */
static const char *make_implicit_object(builder *b, const char *owner,
                                        const char *role, qc_cond *cond,
                                        const qc_value *data,
                                        const qc_defn *dfn, const qc_expr *x,
                                        bool *ok)
{
    size_t n;
    qc_smember **ms = make_members(b, data, dfn, x, &n, ok);
    if (!n)
        return NULL;
    const char *name = qc_arena_printf(b->a, "q_obj_%s-%s", owner, role);
    if (qc_hashmap_get(b->s->by_name, name))
        return name;    /* a duplicate owner, reported next */
    qc_entity *e = new_object(b, name, "struct", dfn, x);
    e->cond = cond;
    e->local_members = ms;
    e->nlocal_members = n;
    set_defined_in(ms, n, name);
    if (!def_definition(b, e))
        *ok = false;
    return name;
}

static qc_smember **make_variants(builder *b, const qc_value *data,
                                  const qc_defn *dfn, const qc_expr *x,
                                  size_t *n, bool *ok)
{
    *n = 0;
    if (!qc_is_object(data))
        return NULL;
    /* room for the implicit q_empty branches added by the check */
    qc_smember **vs = qc_arena_alloc(b->a, (data->u.obj.n + 1) * sizeof(*vs));
    for (size_t i = 0; i < data->u.obj.n; i++) {
        const qc_member *kv = &data->u.obj.members[i];
        const qc_value *type = qc_is_object(kv->value)
            ? qc_obj_get(kv->value, "type") : kv->value;
        qc_smember *v = new_member(b, QC_ROLE_BRANCH, kv->key, x);
        v->type_name = type_ref(b, type, dfn, x, ok);
        if (qc_is_object(kv->value))
            v->cond = cond_from(b->a, qc_obj_get(kv->value, "if"));
        vs[i] = v;
    }
    *n = data->u.obj.n;
    return vs;
}

static bool def_expr(builder *b, const qc_defn *dfn)
{
    const qc_expr *x = dfn->expr;
    const qc_value *e = x->value;
    const char *name = dfn->name;
    const char *meta = dfn->meta;
    qc_cond *cond = cond_from(b->a, qc_obj_get(e, "if"));
    bool ok = true;
    size_t nf;
    qc_feature **fs = make_features(b, qc_obj_get(e, "features"), dfn, x, &nf);
    qc_entity *ent;

    if (strcmp(meta, "enum") == 0) {
        ent = new_entity(b, QC_ENT_ENUM, name, meta, dfn, x);
        ent->json_type = "string";
        ent->prefix = qc_obj_get_str(e, "prefix");
        const qc_value *data = qc_obj_get(e, "data");
        size_t n = qc_is_array(data) ? data->u.arr.n : 0;
        ent->values = qc_arena_alloc(b->a, (n + 1) * sizeof(*ent->values));
        for (size_t i = 0; i < n; i++) {
            const qc_value *m = data->u.arr.items[i];
            const qc_value *mn = qc_is_object(m) ? qc_obj_get(m, "name") : m;
            qc_smember *v = new_member(b, QC_ROLE_VALUE,
                                       qc_is_string(mn) ? mn->u.str.s : "",
                                       x);
            if (qc_is_object(m)) {
                v->cond = cond_from(b->a, qc_obj_get(m, "if"));
                v->features = make_features(b, qc_obj_get(m, "features"),
                                            dfn, x, &v->nfeatures);
            }
            v->defined_in = name;
            ent->values[i] = v;
        }
        ent->nvalues = n;
    } else if (strcmp(meta, "struct") == 0) {
        ent = new_object(b, name, meta, dfn, x);
        ent->base_name_ = qc_obj_get_str(e, "base");
        ent->local_members = make_members(b, qc_obj_get(e, "data"), dfn, x,
                                          &ent->nlocal_members, &ok);
        set_defined_in(ent->local_members, ent->nlocal_members, name);
    } else if (strcmp(meta, "union") == 0) {
        const qc_value *base = qc_obj_get(e, "base");
        const char *base_name;
        if (qc_is_object(base))
            base_name = make_implicit_object(b, name, "base", cond, base,
                                             dfn, x, &ok);
        else
            base_name = qc_is_string(base) ? base->u.str.s : NULL;
        ent = new_object(b, name, meta, dfn, x);
        ent->base_name_ = base_name;
        qc_variants *vs = qc_arena_alloc(b->a, sizeof(*vs));
        vs->tag_name = qc_obj_get_str(e, "discriminator");
        vs->variants = make_variants(b, qc_obj_get(e, "data"), dfn, x,
                                     &vs->n, &ok);
        set_defined_in(vs->variants, vs->n, name);
        ent->variants = vs;
    } else if (strcmp(meta, "alternate") == 0) {
        ent = new_entity(b, QC_ENT_ALTERNATE, name, meta, dfn, x);
        ent->json_type = "value";
        qc_variants *vs = qc_arena_alloc(b->a, sizeof(*vs));
        vs->variants = make_variants(b, qc_obj_get(e, "data"), dfn, x,
                                     &vs->n, &ok);
        set_defined_in(vs->variants, vs->n, name);
        vs->tag_name = "type";
        vs->tag_member = new_member(b, QC_ROLE_MEMBER, "type", x);
        vs->tag_member->type_name = "QType";
        vs->tag_member->defined_in = name;
        ent->variants = vs;
    } else {
        bool command = strcmp(meta, "command") == 0;
        const qc_value *data = qc_obj_get(e, "data");
        const char *arg = NULL;
        if (qc_is_object(data))
            arg = make_implicit_object(b, name, "arg", cond, data, dfn, x,
                                       &ok);
        else if (qc_is_string(data))
            arg = data->u.str.s;
        const char *ret = NULL;
        if (command) {
            const qc_value *rets = qc_obj_get(e, "returns");
            if (rets)
                ret = type_ref(b, rets, dfn, x, &ok);
        }
        ent = new_entity(b, command ? QC_ENT_COMMAND : QC_ENT_EVENT, name,
                         meta, dfn, x);
        ent->arg_name_ = arg;
        ent->ret_name_ = ret;
        const qc_value *v;
        ent->boxed = (v = qc_obj_get(e, "boxed")) && v->kind == QC_VBOOL
            && v->u.b;
        ent->gen = !qc_obj_get(e, "gen");
        ent->success_response = !qc_obj_get(e, "success-response");
        ent->allow_oob = qc_obj_get(e, "allow-oob") != NULL;
        ent->allow_preconfig = qc_obj_get(e, "allow-preconfig") != NULL;
        ent->coroutine = qc_obj_get(e, "coroutine") != NULL;
    }
    ent->doc = x->doc;
    ent->cond = cond;
    ent->features = fs;
    ent->nfeatures = nf;
    if (!def_definition(b, ent))
        ok = false;
    return ok;
}

static void def_builtin(builder *b, const char *name, const char *json,
                        const char *ctype)
{
    qc_entity *e = new_entity(b, QC_ENT_BUILTIN, name, "built-in", NULL,
                              NULL);
    e->json_type = json;
    e->c_type = ctype;
    def_definition(b, e);
    bool ok = true;
    make_array_type(b, name, NULL, NULL, &ok);
}

static void def_predefineds(builder *b)
{
    static const char *const t[][3] = {
        { "str", "string", "char *" },
        { "number", "number", "double" },
        { "int", "int", "int64_t" },
        { "int8", "int", "int8_t" },
        { "int16", "int", "int16_t" },
        { "int32", "int", "int32_t" },
        { "int64", "int", "int64_t" },
        { "uint8", "int", "uint8_t" },
        { "uint16", "int", "uint16_t" },
        { "uint32", "int", "uint32_t" },
        { "uint64", "int", "uint64_t" },
        { "size", "int", "uint64_t" },
        { "bool", "boolean", "bool" },
        { "any", "value", "QObject *" },
        { "null", "null", "QNull *" },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
        def_builtin(b, t[i][0], t[i][1], t[i][2]);
    qc_entity *empty = new_object(b, "q_empty", "struct", NULL, NULL);
    def_definition(b, empty);
    b->s->the_empty_object = empty;

    static const char *const qtypes[] = {
        "none", "qnull", "qnum", "qstring", "qdict", "qlist", "qbool",
    };
    qc_entity *qt = new_entity(b, QC_ENT_ENUM, "QType", "enum", NULL, NULL);
    qt->json_type = "string";
    qt->nvalues = 7;
    qt->values = qc_arena_alloc(b->a, 7 * sizeof(*qt->values));
    for (size_t i = 0; i < 7; i++) {
        qt->values[i] = new_member(b, QC_ROLE_VALUE, qtypes[i], NULL);
        qt->values[i]->defined_in = "QType";
    }
    def_definition(b, qt);
}

/* ---- modules ----------------------------------------------------------- */

static qc_smodule *make_module(builder *b, const char *name)
{
    qc_smodule *m = qc_hashmap_get(b->mod_by_name, name);
    if (m)
        return m;
    m = qc_arena_alloc(b->a, sizeof(*m));
    m->name = name;
    m->builtin = strcmp(name, "./builtin") == 0;
    qc_hashmap_put(b->mod_by_name, name, m);
    qc_ptrvec_push(b->a, &b->mods, m);
    return m;
}

static void module_add(builder *b, qc_smodule *m, qc_entity *e)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        qc_entity **n = qc_arena_alloc(b->a, cap * sizeof(*n));
        if (m->n)
            memcpy(n, m->entities, m->n * sizeof(*n));
        m->entities = n;
        m->cap = cap;
    }
    m->entities[m->n++] = e;
    e->module = m;
}

/* ---- checks ------------------------------------------------------------ */

static const char *describe_member(builder *b, const qc_smember *m,
                                   const char *defn_name)
{
    const char *role = m->role == QC_ROLE_VALUE ? "value"
        : m->role == QC_ROLE_BRANCH ? "branch" : "member";
    const char *meta = "type";
    const char *in = m->defined_in ? m->defined_in : "";
    if (strncmp(in, "q_obj_", 6) == 0) {
        in += 6;
        size_t n = strlen(in);
        if (n >= 4 && strcmp(in + n - 4, "-arg") == 0) {
            role = "parameter";
            meta = "command";
            in = qc_arena_strndup(b->a, in, n - 4);
        } else if (n >= 5 && strcmp(in + n - 5, "-base") == 0) {
            role = qc_arena_printf(b->a, "base %s", role);
            in = qc_arena_strndup(b->a, in, n - 5);
        }
    }
    if (!defn_name || strcmp(in, defn_name) != 0)
        return qc_arena_printf(b->a, "%s '%s' of %s '%s'", role, m->name,
                               meta, in);
    return qc_arena_printf(b->a, "%s '%s'", role, m->name);
}

static const char *describe_feature(builder *b, const qc_feature *f,
                                    const char *owner, const char *defn_name)
{
    if (!defn_name || strcmp(owner, defn_name) != 0)
        return qc_arena_printf(b->a, "feature '%s' of type '%s'", f->name,
                               owner);
    return qc_arena_printf(b->a, "feature '%s'", f->name);
}

/* Entity check states (qc_entity.state_).  Only objects go through
 * ST_CHECKING (their checks recurse into base and branch types); a failed
 * entity is ST_FAILED, whatever its kind. */
enum { ST_NEW, ST_CHECKING, ST_DONE, ST_FAILED };

static bool is_rejected(const builder *b, const char *name)
{
    return b->rejected_unnamed
        || (b->rejected && qc_hashmap_get(b->rejected, name));
}

/* Type NAME, or NULL.  A reference to a type that failed its checks, to
 * a name defined more than once, or to a definition that was rejected,
 * fails without a diagnostic: what it would say is a consequence of the
 * earlier error.  *REPORT says whether the caller should report an
 * unknown type. */
static qc_entity *lookup_ref(builder *b, const char *name, bool *report)
{
    *report = false;
    if (b->contested && qc_hashmap_get(b->contested, name))
        return NULL;
    qc_entity *t = qc_schema_lookup_type(b->s, name);
    if (t && t->state_ == ST_FAILED)
        return NULL;
    if (!t)
        *report = !is_rejected(b, name);
    return t;
}

static qc_entity *resolve_type(builder *b, const char *name, const qc_entity *ctx,
                               const char *what)
{
    bool report;
    qc_entity *t = lookup_ref(b, name, &report);
    if (report)
        ERR(b, ctx, "qapi-unknown-type", "%s refers to unknown type '%s'",
            what, name);
    return t;
}

static bool check_feature_clash(builder *b, const qc_entity *ctx,
                                qc_feature **fs, size_t n, const char *owner)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(qc_c_name(b->a, fs[i]->name, true),
                       qc_c_name(b->a, fs[j]->name, true)) == 0) {
                ERR(b, ctx, "qapi-feature-clash", "%s clashes with %s",
                    describe_feature(b, fs[i], owner, ctx->defn_name),
                    describe_feature(b, fs[j], owner, ctx->defn_name));
                return false;
            }
    return true;
}

static bool check_definition(builder *b, qc_entity *e)
{
    if (!check_feature_clash(b, e, e->features, e->nfeatures, e->name))
        return false;
    if (qc_entity_is_type(e))
        for (size_t i = 0; i < e->nfeatures; i++)
            if (e->features[i]->special) {
                ERR(b, e, "qapi-special-feature-on-type",
                    "feature '%s' cannot be used on types",
                    e->features[i]->name);
                return false;
            }
    return true;
}

static const char *member_c_name(builder *b, qc_smember *m)
{
    if (!m->c_name_)
        m->c_name_ = qc_c_name(b->a, m->name, true);
    return m->c_name_;
}

/* "seen": c_name -> member, insertion ordered (QEMU's dict). */
typedef struct seen {
    qc_hashmap *map;
    qc_ptrvec order;
} seen;

static void seen_init(builder *b, seen *s, size_t hint)
{
    s->map = qc_hashmap_new_sized(b->a, hint);
    s->order.items = NULL;
    s->order.n = s->order.cap = 0;
}

static void seen_copy(builder *b, seen *dst, const seen *src)
{
    seen_init(b, dst, src->order.n + 8);
    for (size_t i = 0; i < src->order.n; i++) {
        qc_smember *m = src->order.items[i];
        qc_hashmap_put(dst->map, member_c_name(b, m), m);
        qc_ptrvec_push(b->a, &dst->order, m);
    }
}

static bool member_clash(builder *b, const qc_entity *ctx, qc_smember *m,
                         seen *s)
{
    const char *cn = member_c_name(b, m);
    qc_smember *prev = qc_hashmap_get(s->map, cn);
    if (prev) {
        ERR(b, ctx, "qapi-member-clash", "%s clashes with %s",
            describe_member(b, m, ctx->defn_name),
            describe_member(b, prev, ctx->defn_name));
        return false;
    }
    qc_hashmap_put(s->map, cn, m);
    qc_ptrvec_push(b->a, &s->order, m);
    return true;
}

static bool check_member(builder *b, const qc_entity *ctx, qc_smember *m)
{
    /* the description is built only when needed: this runs per member */
    bool report;
    m->type = lookup_ref(b, m->type_name, &report);
    if (!m->type) {
        if (report)
            ERR(b, ctx, "qapi-unknown-type", "%s refers to unknown type '%s'",
                describe_member(b, m, ctx->defn_name), m->type_name);
        return false;
    }
    return check_feature_clash(b, ctx, m->features, m->nfeatures, m->name);
}

static bool check_object(builder *b, qc_entity *e);

static bool object_check_clash(builder *b, const qc_entity *ctx,
                               qc_entity *o, seen *s)
{
    for (size_t i = 0; i < o->nmembers; i++)
        if (!member_clash(b, ctx, o->members[i], s))
            return false;
    if (o->variants)
        for (size_t i = 0; i < o->variants->n; i++) {
            seen copy;
            seen_copy(b, &copy, s);
            qc_entity *t = o->variants->variants[i]->type;
            if (t && t->kind == QC_ENT_OBJECT
                && !object_check_clash(b, ctx, t, &copy))
                return false;
        }
    return true;
}

static bool enum_has_value(const qc_entity *en, const char *name)
{
    for (size_t i = 0; i < en->nvalues; i++)
        if (strcmp(en->values[i]->name, name) == 0)
            return true;
    return false;
}

static bool check_branches(builder *b, qc_entity *e, seen *s)
{
    qc_variants *vs = e->variants;
    const char *tag = vs->tag_name ? vs->tag_name : "";
    qc_smember *tm = qc_hashmap_get(s->map, qc_c_name(b->a, tag, true));
    const char *base = "'base'";
    if (!tm || strcmp(tm->name, tag) != 0) {
        ERR(b, e, "qapi-bad-discriminator",
            "discriminator '%s' is not a member of %s", tag, base);
        return false;
    }
    vs->tag_member = tm;
    qc_entity *bt = qc_schema_lookup_type(b->s, tm->defined_in);
    if (bt && !qc_entity_is_implicit(bt))
        base = qc_arena_printf(b->a, "base type '%s'", tm->defined_in);
    if (!tm->type || tm->type->kind != QC_ENT_ENUM) {
        ERR(b, e, "qapi-bad-discriminator",
            "discriminator member '%s' of %s must be an enum", tag, base);
        return false;
    }
    if (tm->optional) {
        ERR(b, e, "qapi-bad-discriminator",
            "discriminator member '%s' of %s cannot be optional", tag, base);
        return false;
    }
    if (tm->cond) {
        ERR(b, e, "qapi-bad-discriminator",
            "discriminator member '%s' of %s cannot be conditional", tag,
            base);
        return false;
    }
    qc_entity *en = tm->type;
    /* enum values without a branch get q_empty */
    qc_hashmap *cases = qc_hashmap_new_sized(b->a, vs->n);
    for (size_t i = 0; i < vs->n; i++)
        qc_hashmap_put(cases, vs->variants[i]->name, vs->variants[i]);
    size_t extra = 0;
    for (size_t i = 0; i < en->nvalues; i++)
        if (!qc_hashmap_get(cases, en->values[i]->name))
            extra++;
    if (extra) {
        qc_smember **nv = qc_arena_alloc(b->a,
                                         (vs->n + extra) * sizeof(*nv));
        memcpy(nv, vs->variants, vs->n * sizeof(*nv));
        for (size_t i = 0; i < en->nvalues; i++) {
            qc_smember *ev = en->values[i];
            if (qc_hashmap_get(cases, ev->name))
                continue;
            qc_smember *v = new_member(b, QC_ROLE_BRANCH, ev->name, NULL);
            v->loc = e->loc;
            v->type_name = "q_empty";
            v->cond = ev->cond;
            v->defined_in = tm->defined_in;
            nv[vs->n++] = v;
        }
        vs->variants = nv;
    }
    if (!vs->n) {
        ERR(b, e, "qapi-union-empty", "union has no branches");
        return false;
    }
    for (size_t i = 0; i < vs->n; i++) {
        qc_smember *v = vs->variants[i];
        if (!check_member(b, e, v))
            return false;
        if (s->order.n) {
            if (!enum_has_value(en, v->name)) {
                ERR(b, e, "qapi-bad-branch", "branch '%s' is not a value of %s",
                    v->name, qc_entity_describe(b->a, en));
                return false;
            }
            if (v->type->kind != QC_ENT_OBJECT) {
                ERR(b, e, "qapi-bad-branch-type", "%s cannot use %s",
                    describe_member(b, v, e->defn_name),
                    qc_entity_describe(b->a, v->type));
                return false;
            }
            if (!check_object(b, v->type))
                return false;
        }
    }
    return true;
}

static bool check_object_body(builder *b, qc_entity *e);

static bool check_object(builder *b, qc_entity *e)
{
    if (e->state_ == ST_DONE)
        return true;
    if (e->state_ == ST_FAILED)
        return false;   /* reported when it failed */
    if (e->state_ == ST_CHECKING) {
        /* the outermost call marks it failed */
        ERR(b, e, "qapi-object-contains-itself", "object %s contains itself",
            e->name);
        return false;
    }
    e->state_ = ST_CHECKING;
    if (!check_object_body(b, e)) {
        e->state_ = ST_FAILED;
        return false;
    }
    e->state_ = ST_DONE;
    return true;
}

static bool check_object_body(builder *b, qc_entity *e)
{
    if (!check_definition(b, e))
        return false;
    seen s;
    seen_init(b, &s, e->nlocal_members + 8);
    if (e->base_name_) {
        e->base = resolve_type(b, e->base_name_, e, "'base'");
        if (!e->base)
            return false;
        if (e->base->kind != QC_ENT_OBJECT || e->base->variants) {
            ERR(b, e, "qapi-bad-base", "'base' must be a struct type, %s isn't",
                qc_entity_describe(b->a, e->base));
            return false;
        }
        if (!check_object(b, e->base)
            || !object_check_clash(b, e, e->base, &s))
            return false;
    }
    for (size_t i = 0; i < e->nlocal_members; i++)
        if (!check_member(b, e, e->local_members[i])
            || !member_clash(b, e, e->local_members[i], &s))
            return false;
    size_t n = s.order.n;
    qc_smember **members = qc_arena_alloc(b->a, (n + 1) * sizeof(*members));
    if (n)
        memcpy(members, s.order.items, n * sizeof(*members));
    if (e->variants) {
        if (!check_branches(b, e, &s))
            return false;
        for (size_t i = 0; i < e->variants->n; i++) {
            seen copy;
            seen_copy(b, &copy, &s);
            if (!object_check_clash(b, e, e->variants->variants[i]->type,
                                    &copy))
                return false;
        }
    }
    e->members = members;
    e->nmembers = n;
    return true;
}

static bool check_alternate(builder *b, qc_entity *e)
{
    if (!check_definition(b, e))
        return false;
    qc_variants *vs = e->variants;
    vs->tag_member->type = resolve_type(b, "QType", e, "member 'type'");
    for (size_t i = 0; i < vs->n; i++)
        if (!check_member(b, e, vs->variants[i]))
            return false;
    seen s;
    seen_init(b, &s, vs->n);
    const char *types_seen[8] = { 0 };
    static const char *const qtn[] = {
        "QTYPE_QNULL", "QTYPE_QSTRING", "QTYPE_QNUM", "QTYPE_QBOOL",
        "QTYPE_QLIST", "QTYPE_QDICT",
    };
    for (size_t i = 0; i < vs->n; i++) {
        qc_smember *v = vs->variants[i];
        if (!member_clash(b, e, v, &s))
            return false;
        const char *qt = qc_entity_alternate_qtype(v->type);
        if (!qt) {
            ERR(b, e, "qapi-alternate-bad-type", "%s cannot use %s",
                describe_member(b, v, e->defn_name),
                qc_entity_describe(b->a, v->type));
            return false;
        }
        bool conf[6] = { false };
        for (int k = 0; k < 6; k++)
            if (strcmp(qt, qtn[k]) == 0)
                conf[k] = true;
        if (strcmp(qt, "QTYPE_QSTRING") == 0) {
            if (v->type->kind == QC_ENT_ENUM) {
                for (size_t j = 0; j < v->type->nvalues; j++) {
                    const char *mn = v->type->values[j]->name;
                    if (strcmp(mn, "on") == 0 || strcmp(mn, "off") == 0)
                        conf[3] = true;
                    if (strchr("-+0123456789.", mn[0]) && mn[0])
                        conf[2] = true;
                }
            } else {
                conf[2] = conf[3] = true;
            }
        }
        for (int k = 0; k < 6; k++) {
            if (!conf[k])
                continue;
            if (types_seen[k]) {
                ERR(b, e, "qapi-alternate-conflict",
                    "%s is ambiguous with branch '%s'",
                    describe_member(b, v, e->defn_name), types_seen[k]);
                return false;
            }
        }
        for (int k = 0; k < 6; k++)
            if (conf[k])
                types_seen[k] = v->name;
    }
    return true;
}

static bool has_conditional_members(const qc_entity *o)
{
    for (size_t i = 0; i < o->nmembers; i++)
        if (o->members[i]->cond)
            return true;
    return false;
}

static bool check_command_or_event(builder *b, qc_entity *e)
{
    bool command = e->kind == QC_ENT_COMMAND;
    if (!check_definition(b, e))
        return false;
    if (e->arg_name_) {
        const char *what = command ? "command's 'data'" : "event's 'data'";
        qc_entity *t = resolve_type(b, e->arg_name_, e, what);
        if (!t)
            return false;
        if (t->kind != QC_ENT_OBJECT) {
            ERR(b, e, "qapi-bad-data-type", "%s cannot be %s", what,
                qc_entity_describe(b->a, t));
            return false;
        }
        e->arg_type = t;
        if (t->variants && !e->boxed) {
            ERR(b, e, "qapi-union-data-unboxed",
                "%s can be %s only with 'boxed': true", what,
                qc_entity_describe(b->a, t));
            return false;
        }
        if (!check_object(b, t))
            return false;
        if (has_conditional_members(t) && !e->boxed) {
            ERR(b, e, "qapi-conditional-args-unboxed",
                "conditional %s arguments need 'boxed': true", e->meta);
            return false;
        }
    }
    if (command && e->ret_name_) {
        e->ret_type = resolve_type(b, e->ret_name_, e, "command's 'returns'");
        if (!e->ret_type)
            return false;
        if (!b->rejected_unnamed
            && !qc_pragma_lists(&b->s->ast->pragma.command_returns_exceptions,
                                e->name)) {
            qc_entity *t = e->ret_type;
            if (t->kind == QC_ENT_ARRAY)
                t = t->element_type;
            if (!t || t->kind != QC_ENT_OBJECT) {
                ERR(b, e, "qapi-bad-returns",
                    "command's 'returns' cannot be %s",
                    qc_entity_describe(b->a, e->ret_type));
                return false;
            }
        }
    }
    return true;
}

static bool check_entity(builder *b, qc_entity *e)
{
    switch (e->kind) {
    case QC_ENT_INCLUDE:
        return true;
    case QC_ENT_BUILTIN:
        return check_definition(b, e);
    case QC_ENT_ENUM: {
        if (!check_definition(b, e))
            return false;
        seen s;
        seen_init(b, &s, e->nvalues);
        for (size_t i = 0; i < e->nvalues; i++)
            if (!member_clash(b, e, e->values[i], &s))
                return false;
        return true;
    }
    case QC_ENT_ARRAY:
        if (!check_definition(b, e))
            return false;
        e->element_type = resolve_type(b, e->element_name, e,
                                       e->defn_meta ? e->defn_meta : "array");
        if (!e->element_type)
            return false;
        /* QEMU's generator has no arrays of arrays: it dies on an
         * assertion there, so refuse them rather than accept. */
        if (e->element_type->kind == QC_ENT_ARRAY) {
            ERR(b, e, "qapi-nested-array",
                "'%s' is an array type; arrays of arrays are not supported",
                e->element_name);
            return false;
        }
        e->cond = e->element_type->cond;
        return true;
    case QC_ENT_OBJECT:
        return check_object(b, e);
    case QC_ENT_ALTERNATE:
        return check_alternate(b, e);
    case QC_ENT_COMMAND:
    case QC_ENT_EVENT:
        return check_command_or_event(b, e);
    }
    return true;
}

/* ---- doc connection ---------------------------------------------------- */

/* Docs not to check at the end: their definition failed, or connecting
 * them stopped halfway. */
static void skip_doc(builder *b, qc_doc *doc)
{
    if (doc)
        qc_ptrvec_push(b->a, &b->skip_docs, doc);
}

static bool doc_skipped(const builder *b, const qc_doc *doc)
{
    for (size_t i = 0; i < b->skip_docs.n; i++)
        if (b->skip_docs.items[i] == doc)
            return true;
    return false;
}

static bool connect_features(builder *b, qc_doc *doc, const qc_entity *ctx,
                             qc_feature **fs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!qc_doc_connect_feature(b->a, doc, b->d, fs[i]->name, ctx->loc,
                                    ctx->defn_meta, ctx->defn_name))
            return false;
    return true;
}

static bool doc_describes(const qc_doc *doc, const char *member)
{
    for (size_t i = 0; i < doc->args.n; i++) {
        const qc_doc_section *sec = doc->args.items[i];
        if (strcmp(sec->name, member) == 0)
            return true;
    }
    return false;
}

static bool connect_member(builder *b, qc_doc *doc, const qc_entity *ctx,
                           const qc_smember *m)
{
    const char *role = m->role == QC_ROLE_VALUE ? "value"
        : m->role == QC_ROLE_BRANCH ? "branch" : "member";
    bool exempt = doc->symbol
        && qc_pragma_lists(&b->s->ast->pragma.documentation_exceptions,
                           doc->symbol);
    if (!exempt && b->rejected_unnamed && !doc_describes(doc, m->name)) {
        /* the rejected expression may have been the pragma exempting it:
         * neither complain nor check this doc later */
        skip_doc(b, doc);
        return connect_features(b, doc, ctx, m->features, m->nfeatures);
    }
    if (!qc_doc_connect_member(b->a, doc, b->d, m->name, role, exempt,
                               m->loc, ctx->defn_meta, ctx->defn_name))
        return false;
    return connect_features(b, doc, ctx, m->features, m->nfeatures);
}

static bool connect_doc(builder *b, qc_entity *e, qc_doc *doc)
{
    if (!doc)
        doc = e->doc;
    if (!doc || b->o->no_doc_checks)
        return true;
    if (!connect_features(b, doc, e, e->features, e->nfeatures))
        return false;
    switch (e->kind) {
    case QC_ENT_ENUM:
        for (size_t i = 0; i < e->nvalues; i++)
            if (!connect_member(b, doc, e, e->values[i]))
                return false;
        break;
    case QC_ENT_OBJECT:
        if (e->base && qc_entity_is_implicit(e->base)
            && !connect_doc(b, e->base, doc))
            return false;
        for (size_t i = 0; i < e->nlocal_members; i++)
            if (!connect_member(b, doc, e, e->local_members[i]))
                return false;
        break;
    case QC_ENT_ALTERNATE:
        for (size_t i = 0; i < e->variants->n; i++)
            if (!connect_member(b, doc, e, e->variants->variants[i]))
                return false;
        break;
    case QC_ENT_COMMAND:
    case QC_ENT_EVENT:
        if (e->arg_type && qc_entity_is_implicit(e->arg_type)
            && !connect_doc(b, e->arg_type, doc))
            return false;
        break;
    default:
        break;
    }
    return true;
}

/* ---- build ------------------------------------------------------------- */

static void reject_name(builder *b, const char *name)
{
    if (!b->rejected)
        b->rejected = qc_hashmap_new(b->a);
    qc_hashmap_put(b->rejected, name, (void *)name);
}

/* X failed the expression checks: remember the names it may define (its
 * keys are unchecked, so every definition key counts, and so does the
 * symbol its doc comment names). */
static void note_rejected(builder *b, const qc_expr *x)
{
    static const char *const metas[] = {
        "enum", "struct", "union", "alternate", "command", "event",
    };
    bool named = false;
    if (qc_is_object(x->value))
        for (size_t i = 0; i < sizeof(metas) / sizeof(*metas); i++) {
            const char *name = qc_obj_get_str(x->value, metas[i]);
            if (name) {
                reject_name(b, name);
                named = true;
            }
        }
    if (x->doc && x->doc->symbol)
        reject_name(b, x->doc->symbol);
    if (!named)
        b->rejected_unnamed = true;
    skip_doc(b, x->doc);
}

/* Defining DFN failed (a duplicate): forget everything it created, its
 * implicit types and arrays and the features first seen there, as if it
 * were not there; references to what it defined fail silently. */
static void drop_definition(builder *b, const qc_defn *dfn, size_t n_ents,
                            size_t n_features)
{
    for (size_t i = n_ents; i < b->ents.n; i++) {
        qc_entity *e = b->ents.items[i];
        if (e->name && qc_hashmap_get(b->s->by_name, e->name) == e) {
            qc_hashmap_put(b->s->by_name, e->name, NULL);
            reject_name(b, e->name);
        }
    }
    b->ents.n = n_ents;
    for (size_t i = n_features; i < b->feature_order.n; i++) {
        feat_first *ff = b->feature_order.items[i];
        qc_hashmap_put(b->features, ff->name, NULL);
    }
    b->feature_order.n = n_features;
    skip_doc(b, dfn->expr->doc);
}

/* Notes a failed check; true when checking should stop altogether. */
static bool failed(builder *b)
{
    b->failed = true;
    return qc_diag_limit_reached(b->d);
}

static qc_smodule *module_of_src(builder *b, const qc_source *src)
{
    if (!src)
        return b->mods.items[0];
    const qc_schema_ast *ast = b->s->ast;
    for (size_t i = 0; i < ast->modules.n; i++) {
        const qc_module *m = ast->modules.items[i];
        if (m->src == src)
            return make_module(b, m->name);
    }
    return b->mods.items[1];
}

qc_schema *qc_schema_build_ast(qc_arena *a, qc_diag *d, const qc_options *o,
                               qc_schema_ast *ast)
{
    static const qc_options defaults = QC_OPTIONS_DEFAULT;
    if (!o)
        o = &defaults;
    qc_defn **defns;
    /* Definitions that passed are still modelled and checked: the
     * rejected ones are left out, silently (see lookup_ref). */
    bool exprs_ok = qc_check_exprs(a, d, o, ast, &defns);
    if (!exprs_ok && qc_diag_limit_reached(d))
        return NULL;

    builder bb = { 0 };
    builder *b = &bb;
    b->a = a;
    b->d = d;
    b->o = o;
    b->s = qc_arena_alloc(a, sizeof(qc_schema));
    b->s->arena = a;
    b->s->path = ast->root_path;
    b->s->ast = ast;
    b->s->by_name = qc_hashmap_new(a);
    b->mod_by_name = qc_hashmap_new(a);
    b->features = qc_hashmap_new(a);
    static const char *const special[] = { "deprecated", "unstable" };
    for (int i = 0; i < 2; i++) {
        feat_first *ff = qc_arena_alloc(a, sizeof(*ff));
        ff->name = special[i];
        qc_hashmap_put(b->features, ff->name, ff);
        qc_ptrvec_push(a, &b->feature_order, ff);
    }

    make_module(b, "./builtin");
    const qc_module *root = ast->modules.n ? ast->modules.items[0] : NULL;
    make_module(b, root ? root->name : ast->root_path);

    b->predefining = true;
    def_predefineds(b);
    b->predefining = false;

    b->failed = !exprs_ok;
    for (size_t i = 0; i < ast->exprs.n; i++) {
        const qc_expr *x = ast->exprs.items[i];
        if (x->include) {
            qc_entity *e = new_entity(b, QC_ENT_INCLUDE, NULL, "include",
                                      NULL, x);
            e->included = make_module(b, x->include->name);
            def_entity(b, e);
            continue;
        }
        if (!defns[i]) {
            if (!exprs_ok)
                note_rejected(b, x);
            continue;
        }
        size_t n_ents = b->ents.n, n_features = b->feature_order.n;
        if (!def_expr(b, defns[i])) {
            drop_definition(b, defns[i], n_ents, n_features);
            if (failed(b))
                return NULL;
        }
    }

    for (size_t i = 0; i < b->ents.n; i++) {
        qc_entity *e = b->ents.items[i];
        if (e->state_ == ST_FAILED) {
            /* failed while checking an entity that refers to it */
            skip_doc(b, e->doc);
            continue;
        }
        if (!check_entity(b, e)) {
            e->state_ = ST_FAILED;
            skip_doc(b, e->doc);
            if (failed(b))
                return NULL;
            continue;
        }
        if (!connect_doc(b, e, NULL)) {
            /* a doc connected halfway would fail its check for nothing */
            skip_doc(b, e->doc);
            if (failed(b))
                return NULL;
        }
    }
    if (!o->no_doc_checks)
        for (size_t i = 0; i < ast->docs.n; i++) {
            qc_doc *doc = ast->docs.items[i];
            if (!doc_skipped(b, doc) && !qc_doc_check(doc, d, NULL, NULL)
                && failed(b))
                return NULL;
        }

    if (b->feature_order.n > 64) {
        feat_first *ff = b->feature_order.items[64];
        err_at(b, ff->loc, ff->meta, ff->defn, "qapi-too-many-features",
               "a schema can use at most 64 distinct features");
        return NULL;
    }
    if (b->failed)
        return NULL;

    /* modules: set_module in definition order (QEMU does it before the doc
     * checks; they do not depend on each other) */
    const qc_source *last_src = NULL;
    qc_smodule *last_mod = NULL;
    for (size_t i = 0; i < b->ents.n; i++) {
        qc_entity *e = b->ents.items[i];
        const qc_entity *where = e;
        if (e->kind == QC_ENT_ARRAY)
            where = e->element_type;
        const qc_source *src = where->has_info ? where->loc.src : NULL;
        if (!src) {
            module_add(b, b->mods.items[0], e);
            continue;
        }
        if (src != last_src) {
            last_src = src;
            last_mod = module_of_src(b, src);
        }
        module_add(b, last_mod, e);
    }

    qc_schema *s = b->s;
    s->entities = (qc_entity **)b->ents.items;
    s->n_entities = b->ents.n;
    s->modules = (qc_smodule **)b->mods.items;
    s->n_modules = b->mods.n;
    s->n_feature_names = b->feature_order.n;
    s->feature_names = qc_arena_alloc(a, (s->n_feature_names + 1)
                                      * sizeof(*s->feature_names));
    for (size_t i = 0; i < s->n_feature_names; i++)
        s->feature_names[i] = ((feat_first *)b->feature_order.items[i])->name;
    return s;
}

qc_schema *qc_schema_build(qc_arena *a, qc_diag *d, const qc_options *o,
                           const char *path, bool *io_error)
{
    static const qc_options defaults = QC_OPTIONS_DEFAULT;
    if (!o)
        o = &defaults;
    if (io_error)
        *io_error = false;
    qc_schema_ast *ast = qc_arena_alloc(a, sizeof(*ast));
    if (!qc_schema_load(a, d, o, path, ast, io_error))
        return NULL;
    return qc_schema_build_ast(a, d, o, ast);
}
