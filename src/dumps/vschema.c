/* The validator's schema view, from a schema model or an introspected
 * schema; see vschema.h. */
#include "dumps/vschema.h"

#include <string.h>

#include "base/hashmap.h"
#include "schema/schema.h"

struct qc_vschema {
    bool exact;
    qc_hashmap *commands;       /* name -> qc_vcommand */
    qc_hashmap *types;          /* schema name -> qc_vtype */
    qc_ptrvec order;            /* qc_vcommand *, in schema order */
};

/* ---- common ------------------------------------------------------------ */

static const struct {
    const char *name;
    qc_vt_kind kind;
    qc_int_width width;
} builtins[] = {
    { "str", QC_VT_STR, 0 },
    { "number", QC_VT_NUMBER, 0 },
    { "int", QC_VT_INT, QC_WIDTH_INT64 },
    { "int8", QC_VT_INT, QC_WIDTH_INT8 },
    { "int16", QC_VT_INT, QC_WIDTH_INT16 },
    { "int32", QC_VT_INT, QC_WIDTH_INT32 },
    { "int64", QC_VT_INT, QC_WIDTH_INT64 },
    { "uint8", QC_VT_INT, QC_WIDTH_UINT8 },
    { "uint16", QC_VT_INT, QC_WIDTH_UINT16 },
    { "uint32", QC_VT_INT, QC_WIDTH_UINT32 },
    { "uint64", QC_VT_INT, QC_WIDTH_UINT64 },
    { "size", QC_VT_INT, QC_WIDTH_SIZE },
    { "bool", QC_VT_BOOL, 0 },
    { "null", QC_VT_NULL, 0 },
    { "any", QC_VT_ANY, 0 },
};

/* The builtin called NAME; false if there is none. */
static bool builtin_named(const char *name, qc_vt_kind *kind, qc_int_width *w)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (!strcmp(builtins[i].name, name)) {
            *kind = builtins[i].kind;
            *w = builtins[i].width;
            return true;
        }
    return false;
}

static qc_vtype *new_type(qc_arena *a, qc_vschema *v, const char *name,
                          qc_vt_kind kind)
{
    qc_vtype *t = qc_arena_alloc(a, sizeof *t);
    t->kind = kind;
    t->name = name;
    t->tag = -1;
    if (name)
        qc_hashmap_put(v->types, name, t);
    return t;
}

static qc_vschema *new_view(qc_arena *a, bool exact, size_t n)
{
    qc_vschema *v = qc_arena_alloc(a, sizeof *v);
    v->exact = exact;
    v->commands = qc_hashmap_new_sized(a, n / 4 + 8);
    v->types = qc_hashmap_new_sized(a, n + 8);
    return v;
}

static void add_command(qc_arena *a, qc_vschema *v, qc_vcommand *c)
{
    if (qc_hashmap_put_new(v->commands, c->name, c) == c)
        qc_ptrvec_push(a, &v->order, c);
}

/* ---- from the schema model --------------------------------------------- */

typedef struct model_ctx {
    qc_arena *a;
    qc_vschema *v;
    const char *const *symbols;
    size_t nsymbols;
    bool all_true;
    qc_ptrvec pending;      /* qc_vtype *, its parts still to fill in, */
    qc_ptrvec sources;      /* with the entity it is made of */
} model_ctx;

static bool holds(const model_ctx *m, const qc_cond *c)
{
    return !c || m->all_true || qc_cond_eval_symbols(c, m->symbols, m->nsymbols);
}

static unsigned special_features(const model_ctx *m, qc_feature **fs, size_t n)
{
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (!holds(m, fs[i]->cond))
            continue;
        if (!strcmp(fs[i]->name, "deprecated"))
            bits |= QC_VF_DEPRECATED;
        else if (!strcmp(fs[i]->name, "unstable"))
            bits |= QC_VF_UNSTABLE;
    }
    return bits;
}

static const qc_vtype *model_type(model_ctx *m, const qc_entity *e);

static void model_enum(model_ctx *m, qc_vtype *t, const qc_entity *e)
{
    t->values = qc_arena_alloc(m->a, (e->nvalues + 1) * sizeof *t->values);
    t->value_features = qc_arena_alloc(m->a, (e->nvalues + 1) * sizeof(unsigned));
    for (size_t i = 0; i < e->nvalues; i++) {
        const qc_smember *x = e->values[i];
        if (!holds(m, x->cond))
            continue;
        t->value_features[t->nvalues] = special_features(m, x->features, x->nfeatures);
        t->values[t->nvalues++] = x->name;
    }
}

static void model_object(model_ctx *m, qc_vtype *t, const qc_entity *e)
{
    t->members = qc_arena_alloc(m->a, (e->nmembers + 1) * sizeof *t->members);
    for (size_t i = 0; i < e->nmembers; i++) {
        const qc_smember *x = e->members[i];
        if (!holds(m, x->cond))
            continue;
        if (e->variants && x == e->variants->tag_member)
            t->tag = (long)t->nmembers;
        qc_vmember *vm = &t->members[t->nmembers++];
        vm->name = x->name;
        vm->optional = x->optional;
        vm->features = special_features(m, x->features, x->nfeatures);
        vm->type = model_type(m, x->type);
    }
    if (!e->variants)
        return;
    t->variants = qc_arena_alloc(m->a, (e->variants->n + 1) * sizeof *t->variants);
    for (size_t i = 0; i < e->variants->n; i++) {
        const qc_smember *x = e->variants->variants[i];
        if (!holds(m, x->cond))
            continue;
        qc_vvariant *vv = &t->variants[t->nvariants++];
        vv->value = x->name;
        vv->type = model_type(m, x->type);
    }
}

static void model_alternate(model_ctx *m, qc_vtype *t, const qc_entity *e)
{
    size_t n = e->variants ? e->variants->n : 0;
    t->branches = qc_arena_alloc(m->a, (n + 1) * sizeof *t->branches);
    for (size_t i = 0; i < n; i++) {
        const qc_smember *x = e->variants->variants[i];
        if (holds(m, x->cond))
            t->branches[t->nbranches++] = model_type(m, x->type);
    }
}

/* The view of type E, made once.  Its parts are filled in later, by
 * model_fill: types refer to each other in loops, and a chain of types
 * may be as long as a hostile schema makes it, so nothing recurses. */
static const qc_vtype *model_type(model_ctx *m, const qc_entity *e)
{
    if (!e)
        return new_type(m->a, m->v, NULL, QC_VT_BROKEN);
    const qc_vtype *known = qc_hashmap_get(m->v->types, e->name);
    if (known)
        return known;
    qc_vt_kind kind = QC_VT_BROKEN;
    qc_int_width w = 0;
    switch (e->kind) {
    case QC_ENT_BUILTIN:
        if (!builtin_named(e->name, &kind, &w))
            kind = QC_VT_BROKEN;
        break;
    case QC_ENT_ENUM: kind = QC_VT_ENUM; break;
    case QC_ENT_OBJECT: kind = QC_VT_OBJECT; break;
    case QC_ENT_ALTERNATE: kind = QC_VT_ALTERNATE; break;
    case QC_ENT_ARRAY: kind = QC_VT_ARRAY; break;
    default: break;
    }
    qc_vtype *t = new_type(m->a, m->v, e->name, kind);
    t->width = w;
    qc_ptrvec_push(m->a, &m->pending, t);
    qc_ptrvec_push(m->a, &m->sources, (void *)e);
    return t;
}

/* Fills in the types made so far, and those they make in turn. */
static void model_fill(model_ctx *m)
{
    for (size_t i = 0; i < m->pending.n; i++) {
        qc_vtype *t = m->pending.items[i];
        const qc_entity *e = m->sources.items[i];
        switch (t->kind) {
        case QC_VT_ENUM: model_enum(m, t, e); break;
        case QC_VT_OBJECT: model_object(m, t, e); break;
        case QC_VT_ALTERNATE: model_alternate(m, t, e); break;
        case QC_VT_ARRAY: t->element = model_type(m, e->element_type); break;
        default: break;
        }
    }
    m->pending.n = m->sources.n = 0;
}

qc_vschema *qc_vschema_from_model(qc_arena *a, const qc_schema *s,
                                  const char *const *symbols, size_t nsymbols)
{
    model_ctx m = { .a = a, .v = new_view(a, true, s->n_entities),
                    .symbols = symbols, .nsymbols = nsymbols,
                    .all_true = symbols == NULL };
    for (size_t i = 0; i < s->n_entities; i++) {
        const qc_entity *e = s->entities[i];
        if (e->kind != QC_ENT_COMMAND || !holds(&m, qc_entity_cond(e)))
            continue;
        qc_vcommand *c = qc_arena_alloc(a, sizeof *c);
        c->name = e->name;
        c->args = e->arg_type ? model_type(&m, e->arg_type) : NULL;
        c->ret = e->ret_type ? model_type(&m, e->ret_type) : NULL;
        c->boxed = e->boxed;
        c->allow_oob = e->allow_oob;
        c->features = special_features(&m, qc_entity_features(e), qc_entity_nfeatures(e));
        c->gen = e->gen ? QC_GEN_NORMAL : QC_GEN_FALSE;
        add_command(a, m.v, c);
        model_fill(&m);
    }
    return m.v;
}

/* ---- from an introspected schema --------------------------------------- */

typedef struct intro_ctx {
    qc_arena *a;
    qc_vschema *v;
    const qc_ischema *s;
    qc_ptrvec pending;      /* as in model_ctx, with the entry */
    qc_ptrvec sources;
} intro_ctx;

static unsigned listed_features(const qc_value *owner)
{
    return (qc_ischema_has_feature(owner, "deprecated") ? QC_VF_DEPRECATED : 0)
         | (qc_ischema_has_feature(owner, "unstable") ? QC_VF_UNSTABLE : 0);
}

static size_t array_len(const qc_value *v)
{
    return qc_is_array(v) ? qc_arr_len(v) : 0;
}

static const qc_vtype *intro_type(intro_ctx *c, const char *name);

static void intro_enum(intro_ctx *c, qc_vtype *t, const qc_value *e)
{
    const qc_value *ms = qc_obj_get(e, "members");
    bool named = qc_is_array(ms);
    if (!named)
        ms = qc_obj_get(e, "values");   /* before QEMU 6.0: names only */
    size_t n = array_len(ms);
    t->values = qc_arena_alloc(c->a, (n + 1) * sizeof *t->values);
    t->value_features = qc_arena_alloc(c->a, (n + 1) * sizeof(unsigned));
    for (size_t i = 0; i < n; i++) {
        const qc_value *x = qc_arr_at(ms, i);
        const char *name = named ? qc_obj_get_str(x, "name")
                                 : qc_is_string(x) ? x->u.str.s : NULL;
        if (!name)
            continue;
        t->value_features[t->nvalues] = named ? listed_features(x) : 0;
        t->values[t->nvalues++] = name;
    }
}

static void intro_object(intro_ctx *c, qc_vtype *t, const qc_value *e)
{
    const qc_value *ms = qc_obj_get(e, "members");
    const char *tag = qc_obj_get_str(e, "tag");
    size_t n = array_len(ms);
    t->members = qc_arena_alloc(c->a, (n + 1) * sizeof *t->members);
    for (size_t i = 0; i < n; i++) {
        const qc_value *x = qc_arr_at(ms, i);
        const char *name = qc_obj_get_str(x, "name");
        if (!name)
            continue;
        if (tag && !strcmp(tag, name))
            t->tag = (long)t->nmembers;
        qc_vmember *vm = &t->members[t->nmembers++];
        vm->name = name;
        vm->optional = qc_obj_member(x, "default") != NULL;
        vm->features = listed_features(x);
        vm->type = intro_type(c, qc_obj_get_str(x, "type"));
    }
    const qc_value *vs = qc_obj_get(e, "variants");
    n = array_len(vs);
    t->variants = qc_arena_alloc(c->a, (n + 1) * sizeof *t->variants);
    for (size_t i = 0; i < n; i++) {
        const qc_value *x = qc_arr_at(vs, i);
        const char *value = qc_obj_get_str(x, "case");
        if (!value)
            continue;
        qc_vvariant *vv = &t->variants[t->nvariants++];
        vv->value = value;
        vv->type = intro_type(c, qc_obj_get_str(x, "type"));
    }
}

static void intro_alternate(intro_ctx *c, qc_vtype *t, const qc_value *e)
{
    const qc_value *ms = qc_obj_get(e, "members");
    size_t n = array_len(ms);
    t->branches = qc_arena_alloc(c->a, (n + 1) * sizeof *t->branches);
    for (size_t i = 0; i < n; i++)
        t->branches[t->nbranches++] =
            intro_type(c, qc_obj_get_str(qc_arr_at(ms, i), "type"));
}

/* The kind of an introspected builtin: by its name when that is a
 * builtin's (introspection names builtins plainly, and every integer type
 * "int", whatever its width), else by its JSON type. */
static qc_vt_kind intro_builtin(const qc_value *e, const char *name,
                                qc_int_width *w)
{
    qc_vt_kind kind;
    if (builtin_named(name, &kind, w)) {
        if (kind == QC_VT_INT && !strcmp(name, "int"))
            *w = QC_WIDTH_UNKNOWN;
        return kind;
    }
    const char *jt = qc_obj_get_str(e, "json-type");
    static const struct { const char *jt; qc_vt_kind kind; } jts[] = {
        { "string", QC_VT_STR }, { "number", QC_VT_NUMBER },
        { "int", QC_VT_INT }, { "boolean", QC_VT_BOOL },
        { "null", QC_VT_NULL }, { "value", QC_VT_ANY },
    };
    *w = QC_WIDTH_UNKNOWN;
    for (size_t i = 0; jt && i < sizeof jts / sizeof jts[0]; i++)
        if (!strcmp(jts[i].jt, jt))
            return jts[i].kind;
    return QC_VT_BROKEN;
}

static const qc_vtype *intro_type(intro_ctx *c, const char *name)
{
    if (!name)
        return new_type(c->a, c->v, NULL, QC_VT_BROKEN);
    const qc_vtype *known = qc_hashmap_get(c->v->types, name);
    if (known)
        return known;
    const qc_value *e = qc_ischema_lookup(c->s, name);
    const char *meta = qc_obj_get_str(e, "meta-type");
    qc_vt_kind kind = QC_VT_BROKEN;
    qc_int_width w = 0;
    if (!meta)
        ;
    else if (!strcmp(meta, "builtin"))
        kind = intro_builtin(e, name, &w);
    else if (!strcmp(meta, "enum"))
        kind = QC_VT_ENUM;
    else if (!strcmp(meta, "object"))
        kind = QC_VT_OBJECT;
    else if (!strcmp(meta, "alternate"))
        kind = QC_VT_ALTERNATE;
    else if (!strcmp(meta, "array"))
        kind = QC_VT_ARRAY;
    qc_vtype *t = new_type(c->a, c->v, name, kind);
    t->width = w;
    qc_ptrvec_push(c->a, &c->pending, t);
    qc_ptrvec_push(c->a, &c->sources, (void *)e);
    return t;
}

/* As model_fill. */
static void intro_fill(intro_ctx *c)
{
    for (size_t i = 0; i < c->pending.n; i++) {
        qc_vtype *t = c->pending.items[i];
        const qc_value *e = c->sources.items[i];
        switch (t->kind) {
        case QC_VT_ENUM: intro_enum(c, t, e); break;
        case QC_VT_OBJECT: intro_object(c, t, e); break;
        case QC_VT_ALTERNATE: intro_alternate(c, t, e); break;
        case QC_VT_ARRAY:
            t->element = intro_type(c, qc_obj_get_str(e, "element-type"));
            break;
        default: break;
        }
    }
    c->pending.n = c->sources.n = 0;
}

/* Is member NAME of object T a string? */
static bool has_string_member(const qc_vtype *t, const char *name)
{
    const qc_vmember *m = qc_vtype_member(t, name);
    return m && m->type->kind == QC_VT_STR;
}

static bool version_in(const qc_version *v, unsigned from_major,
                       unsigned from_minor, unsigned to_major,
                       unsigned to_minor)
{
    unsigned x = v->major * 1000 + v->minor;
    return x >= from_major * 1000 + from_minor && x < to_major * 1000 + to_minor;
}

/* What introspection cannot tell: which commands QEMU declares 'gen':
 * false.  device_add always is; netdev_add was until QEMU 5.0, while its
 * arguments were the two strings 'type' and 'id' (later the union
 * Netdev); object-add was in QEMU 5.0 to 5.2 (before, a generated command
 * with the same members and 'props'; later the union ObjectOptions). */
static qc_gen_kind known_gen(const qc_vcommand *c, const qc_version *ver)
{
    const qc_vtype *t = c->args;
    bool known = ver && ver->set;
    if (!strcmp(c->name, "device_add"))
        return QC_GEN_FALSE_ASSUMED;
    if (!t || t->kind != QC_VT_OBJECT || t->tag >= 0)
        return QC_GEN_NORMAL;
    if (!strcmp(c->name, "netdev_add") && has_string_member(t, "type"))
        return QC_GEN_FALSE_ASSUMED;
    if (!strcmp(c->name, "object-add") && has_string_member(t, "qom-type")) {
        if (known)
            return version_in(ver, 5, 0, 6, 0) ? QC_GEN_FALSE_ASSUMED
                                               : QC_GEN_NORMAL;
        /* Without 'props' it is 5.1 or 5.2; with it, 5.0 or older. */
        return qc_vtype_member(t, "props") ? QC_GEN_UNKNOWN
                                           : QC_GEN_FALSE_ASSUMED;
    }
    return QC_GEN_NORMAL;
}

/* Adds the command of entry E (when it is one) and the types it reaches. */
static void intro_command(intro_ctx *c, const qc_value *e,
                          const qc_version *version)
{
    const char *meta = qc_obj_get_str(e, "meta-type");
    if (!meta || strcmp(meta, "command"))
        return;
    qc_vcommand *cmd = qc_arena_alloc(c->a, sizeof *cmd);
    cmd->name = qc_obj_get_str(e, "name");
    const char *at = qc_obj_get_str(e, "arg-type");
    const char *rt = qc_obj_get_str(e, "ret-type");
    cmd->args = at ? intro_type(c, at) : NULL;
    cmd->ret = rt ? intro_type(c, rt) : NULL;
    intro_fill(c);
    const qc_value *oob = qc_obj_get(e, "allow-oob");
    cmd->allow_oob = oob && oob->kind == QC_VBOOL && oob->u.b;
    cmd->features = listed_features(e);
    cmd->gen = known_gen(cmd, version);
    add_command(c->a, c->v, cmd);
}

qc_vschema *qc_vschema_from_ischema(qc_arena *a, const qc_ischema *s,
                                    const qc_version *version)
{
    size_t n = qc_ischema_size(s);
    intro_ctx c = { .a = a, .v = new_view(a, false, n), .s = s };
    for (size_t i = 0; i < n; i++)
        intro_command(&c, qc_ischema_entry(s, i), version);
    return c.v;
}

qc_vschema *qc_vschema_from_ischema_only(qc_arena *a, const qc_ischema *s,
                                         const qc_version *version,
                                         const char *const *names, size_t n)
{
    intro_ctx c = { .a = a, .v = new_view(a, false, 4 * n), .s = s };
    for (size_t i = 0; i < n; i++)
        if (!qc_hashmap_get(c.v->commands, names[i]))
            intro_command(&c, qc_ischema_lookup(s, names[i]), version);
    return c.v;
}

/* ---- queries ----------------------------------------------------------- */

bool qc_vschema_exact(const qc_vschema *v)
{
    return v->exact;
}

const qc_vcommand *qc_vschema_command(const qc_vschema *v, const char *name)
{
    return v && name ? qc_hashmap_get(v->commands, name) : NULL;
}

const qc_vtype *qc_vschema_type(const qc_vschema *v, const char *name)
{
    return v && name ? qc_hashmap_get(v->types, name) : NULL;
}

size_t qc_vschema_ncommands(const qc_vschema *v)
{
    return v->order.n;
}

const qc_vcommand *qc_vschema_command_at(const qc_vschema *v, size_t i)
{
    return i < v->order.n ? v->order.items[i] : NULL;
}

const qc_vmember *qc_vtype_member(const qc_vtype *t, const char *name)
{
    for (size_t i = 0; t && i < t->nmembers; i++)
        if (!strcmp(t->members[i].name, name))
            return &t->members[i];
    return NULL;
}

const qc_vvariant *qc_vtype_variant(const qc_vtype *t, const char *value)
{
    for (size_t i = 0; t && i < t->nvariants; i++)
        if (!strcmp(t->variants[i].value, value))
            return &t->variants[i];
    return NULL;
}

long qc_vtype_enum_index(const qc_vtype *t, const char *value)
{
    for (size_t i = 0; t && i < t->nvalues; i++)
        if (!strcmp(t->values[i], value))
            return (long)i;
    return -1;
}

void qc_int_width_range(qc_int_width w, int64_t *min, uint64_t *max)
{
    switch (w) {
    case QC_WIDTH_INT8: *min = INT8_MIN; *max = INT8_MAX; return;
    case QC_WIDTH_INT16: *min = INT16_MIN; *max = INT16_MAX; return;
    case QC_WIDTH_INT32: *min = INT32_MIN; *max = INT32_MAX; return;
    case QC_WIDTH_INT64: *min = INT64_MIN; *max = INT64_MAX; return;
    case QC_WIDTH_UINT8: *min = 0; *max = UINT8_MAX; return;
    case QC_WIDTH_UINT16: *min = 0; *max = UINT16_MAX; return;
    case QC_WIDTH_UINT32: *min = 0; *max = UINT32_MAX; return;
    case QC_WIDTH_UINT64:
    case QC_WIDTH_SIZE:
    case QC_WIDTH_UNKNOWN:
        *min = INT64_MIN;
        *max = UINT64_MAX;
        return;
    }
}

const char *qc_int_width_name(qc_int_width w)
{
    static const char *const names[] = {
        "int64", "int8", "int16", "int32", "uint8", "uint16", "uint32",
        "uint64", "size", "integer",
    };
    return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "integer";
}
