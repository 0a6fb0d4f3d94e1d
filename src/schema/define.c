/* Entities of the model, created in exactly the order QEMU's QAPISchema
 * creates them (_def_predefineds, then _def_exprs): implicit types and
 * arrays right before the definition that needs them, so that entity
 * indexes, masked introspection names and the first error agree. */
#include "schema/builder.h"

#include <string.h>

const qc_expr qc_no_defn;

/* The bytes an entity of KIND takes: up to its kind's last field (a
 * schema may have an entity for each of a million tiny definitions). */
static size_t entity_size(qc_entity_kind kind)
{
#define UP_TO(field) (offsetof(qc_entity, field) + sizeof(((qc_entity *)0)->field))
    switch (kind) {
    case QC_ENT_BUILTIN: return UP_TO(builtin_json_type_);
    case QC_ENT_ENUM: return UP_TO(prefix);
    case QC_ENT_OBJECT: case QC_ENT_ALTERNATE: return UP_TO(variants);
    case QC_ENT_ARRAY: return UP_TO(element_name);
    case QC_ENT_COMMAND: case QC_ENT_EVENT: return UP_TO(coroutine);
    case QC_ENT_INCLUDE: return UP_TO(included);
    }
#undef UP_TO
    return sizeof(qc_entity);
}

qc_entity *qc_sb_new_entity(qc_builder *b, qc_entity_kind kind, const char *name,
                             const qc_expr *x)
{
    qc_entity *e = qc_arena_alloc(b->a, entity_size(kind));
    e->kind = kind;
    e->name = name;
    e->has_info = x != NULL;
    e->defn = x ? x : &qc_no_defn;
    return e;
}

void qc_sb_set_extra(qc_builder *b, qc_entity *e, qc_cond *cond,
                     qc_feature **features, uint32_t nfeatures)
{
    if (!cond && !nfeatures) {
        e->extra_ = NULL;
        return;
    }
    if (!e->extra_)
        e->extra_ = qc_arena_alloc(b->a, sizeof *e->extra_);
    e->extra_->cond = cond;
    e->extra_->features = features;
    e->extra_->nfeatures = nfeatures;
}

void qc_sb_add_entity(qc_builder *b, qc_entity *e)
{
    e->index = b->ents.n;
    qc_ptrvec_push(b->a, &b->ents, e);
    /* current while the model is made: the checks look names up */
    b->s->entities = (qc_entity **)b->ents.items;
    b->s->n_entities = b->ents.n;
}

static bool def_definition(qc_builder *b, qc_entity *e)
{
    qc_sb_add_entity(b, e);
    qc_entity *prev = qc_names_put_new(b->s->names, b->s->entities, e);
    if (prev == e)
        return true;
    if (prev->has_info) {
        if (!b->contested)
            b->contested = qc_hashmap_new(b->a);
        qc_hashmap_put(b->contested, e->name, prev);
        qc_diagnostic *dg = QC_SB_ERR(b, e, "qapi-duplicate-definition",
                                "'%s' is defined more than once",
                                e->name);
        qc_diag_note(dg, qc_entity_loc(prev), qc_entity_defn_meta(prev),
                     qc_entity_defn_name(prev),
                     "previous definition");
    } else {
        QC_SB_ERR(b, e, "qapi-duplicate-definition", "%s is already defined",
            qc_entity_describe(b->a, prev));
    }
    return false;
}

static const char *make_array_type(qc_builder *b, const char *elem,
                                   const qc_expr *x,
                                   bool *ok)
{
    const char *name = qc_arena_concat(b->a, elem, "List", NULL);
    qc_entity *prev = qc_schema_lookup(b->s, name);
    if (!qc_entity_is_type(prev)) {
        qc_entity *e = qc_sb_new_entity(b, QC_ENT_ARRAY, name, x);
        e->element_name = elem;
        if (!def_definition(b, e))
            *ok = false;
    }
    return name;
}

/* A type reference: 'Name' or ['Name']. */
static const char *type_ref(qc_builder *b, const qc_value *v, const qc_expr *x, bool *ok)
{
    if (qc_is_array(v) && qc_arr_len(v) == 1 && qc_is_string(qc_arr_at(v, 0)))
        return make_array_type(b, qc_arr_at(v, 0)->u.str.s, x, ok);
    if (qc_is_string(v))
        return v->u.str.s;
    return "";
}

static qc_feature **make_features(qc_builder *b, const qc_value *v,
                                  const qc_expr *x,
                                  uint32_t *n)
{
    *n = 0;
    if (!qc_is_array(v) || qc_arr_len(v) == 0)
        return NULL;
    qc_feature **fs = qc_arena_alloc(b->a, qc_arr_len(v) * sizeof(*fs));
    for (size_t i = 0; i < qc_arr_len(v); i++) {
        const qc_value *f = qc_arr_at(v, i);
        const qc_value *name = qc_is_object(f) ? qc_obj_get(f, "name") : f;
        qc_feature *ft = qc_arena_alloc(b->a, sizeof(*ft));
        ft->name = qc_is_string(name) ? name->u.str.s : "";
        ft->cond = qc_is_object(f) ? qc_cond_from(b->a, qc_obj_get(f, "if"))
                                   : NULL;
        ft->loc = x ? qc_expr_loc(x) : (qc_loc){ 0 };
        ft->special = strcmp(ft->name, "deprecated") == 0
            || strcmp(ft->name, "unstable") == 0;
        fs[i] = ft;
        if (!qc_hashmap_get(b->features, ft->name)) {
            qc_feat_first *ff = qc_arena_alloc(b->a, sizeof(*ff));
            ff->name = ft->name;
            ff->loc = ft->loc;
            ff->meta = x ? qc_expr_meta(x) : NULL;
            ff->defn = x ? qc_expr_name(x) : NULL;
            qc_hashmap_put(b->features, ff->name, ff);
            qc_ptrvec_push(b->a, &b->feature_order, ff);
        }
    }
    *n = (uint32_t)qc_arr_len(v);
    return fs;
}

/* Inlined here: a member is made for every member of every definition. */
static inline __attribute__((always_inline)) qc_smember *
new_member(qc_builder *b, qc_role role, const char *name, const qc_expr *x)
{
    qc_smember *m = qc_arena_alloc(b->a, sizeof(*m));
    m->role = role;
    m->name = name;
    if (x)
        m->loc = qc_expr_loc(x);
    return m;
}

qc_smember *qc_sb_new_member(qc_builder *b, qc_role role, const char *name,
                              const qc_expr *x)
{
    return new_member(b, role, name, x);
}

/* MEMBERS dict -> members */
static qc_smember **make_members(qc_builder *b, const qc_value *data,
                                 const qc_expr *x,
                                 uint32_t *n, bool *ok)
{
    *n = 0;
    if (!qc_is_object(data) || qc_obj_len(data) == 0)
        return NULL;
    /* NULL-terminated: the flat member list is often this one. */
    qc_smember **ms = qc_arena_alloc(b->a, (qc_obj_len(data) + 1) * sizeof(*ms));
    for (size_t i = 0; i < qc_obj_len(data); i++) {
        const qc_member *kv = &data->u.obj.members[i];
        const char *name = kv->key;
        bool optional = false;
        if (name[0] == '*') {
            name++;
            optional = true;
        }
        const qc_value *arg = &kv->value;
        const qc_value *type = qc_is_object(arg) ? qc_obj_get(arg, "type")
                                                 : arg;
        qc_smember *m = new_member(b, QC_ROLE_MEMBER, name, x);
        m->optional = optional;
        if (qc_is_object(arg))
            m->cond = qc_cond_from(b->a, qc_obj_get(arg, "if"));
        m->type_name = type_ref(b, type, x, ok);
        if (qc_is_object(arg))
            m->features = make_features(b, qc_obj_get(arg, "features"), x, &m->nfeatures);
        ms[i] = m;
    }
    *n = (uint32_t)qc_obj_len(data);
    return ms;
}

static void set_defined_in(qc_smember **ms, size_t n, const char *owner)
{
    for (size_t i = 0; i < n; i++)
        ms[i]->defined_in = owner;
}

static qc_entity *new_object(qc_builder *b, const char *name,
                             const qc_expr *x)
{
    return qc_sb_new_entity(b, QC_ENT_OBJECT, name, x);
}

/* The implicit type "q_obj_OWNER-SUFFIX" ("-arg", "-base"): returns its
 * name, or NULL for no members. */
static const char *make_implicit_object(qc_builder *b, const char *owner,
                                        const char *suffix, qc_cond *cond,
                                        const qc_value *data,
                                        const qc_expr *x,
                                        bool *ok)
{
    uint32_t n;
    qc_smember **ms = make_members(b, data, x, &n, ok);
    if (!n)
        return NULL;
    const char *name = qc_arena_concat(b->a, "q_obj_", owner, suffix);
    if (qc_schema_lookup(b->s, name))
        return name;    /* a duplicate owner, reported next */
    qc_entity *e = new_object(b, name, x);
    qc_sb_set_extra(b, e, cond, NULL, 0);
    e->local_members = ms;
    e->nlocal_members = n;
    set_defined_in(ms, n, name);
    if (!def_definition(b, e))
        *ok = false;
    return name;
}

static qc_smember **make_variants(qc_builder *b, const qc_value *data,
                                  const qc_expr *x,
                                  size_t *n, bool *ok)
{
    *n = 0;
    if (!qc_is_object(data))
        return NULL;
    /* room for the implicit q_empty branches added by the check */
    qc_smember **vs = qc_arena_alloc(b->a, (qc_obj_len(data) + 1) * sizeof(*vs));
    for (size_t i = 0; i < qc_obj_len(data); i++) {
        const qc_member *kv = &data->u.obj.members[i];
        const qc_value *type = qc_is_object(&kv->value)
            ? qc_obj_get(&kv->value, "type") : &kv->value;
        qc_smember *v = new_member(b, QC_ROLE_BRANCH, kv->key, x);
        v->type_name = type_ref(b, type, x, ok);
        if (qc_is_object(&kv->value))
            v->cond = qc_cond_from(b->a, qc_obj_get(&kv->value, "if"));
        vs[i] = v;
    }
    *n = qc_obj_len(data);
    return vs;
}

static qc_entity *def_enum(qc_builder *b, const qc_expr *x)
{
    qc_entity *ent = qc_sb_new_entity(b, QC_ENT_ENUM, qc_expr_name(x), x);
    ent->prefix = qc_obj_get_str(&x->value, "prefix");
    const qc_value *data = qc_obj_get(&x->value, "data");
    size_t n = qc_is_array(data) ? qc_arr_len(data) : 0;
    ent->values = qc_arena_alloc(b->a, (n + 1) * sizeof(*ent->values));
    for (size_t i = 0; i < n; i++) {
        const qc_value *m = qc_arr_at(data, i);
        const qc_value *mn = qc_is_object(m) ? qc_obj_get(m, "name") : m;
        qc_smember *v = new_member(b, QC_ROLE_VALUE,
                                         qc_is_string(mn) ? mn->u.str.s : "",
                                         x);
        if (qc_is_object(m)) {
            v->cond = qc_cond_from(b->a, qc_obj_get(m, "if"));
            v->features = make_features(b, qc_obj_get(m, "features"), x, &v->nfeatures);
        }
        v->defined_in = ent->name;
        ent->values[i] = v;
    }
    ent->nvalues = n;
    return ent;
}

static qc_entity *def_struct(qc_builder *b, const qc_expr *x, bool *ok)
{
    qc_entity *ent = new_object(b, qc_expr_name(x), x);
    ent->base_name_ = qc_obj_get_str(&x->value, "base");
    ent->local_members = make_members(b, qc_obj_get(&x->value, "data"), x,
                                      &ent->nlocal_members, ok);
    set_defined_in(ent->local_members, ent->nlocal_members, ent->name);
    return ent;
}

static qc_entity *def_union(qc_builder *b, const qc_expr *x, qc_cond *cond,
                            bool *ok)
{
    const char *name = qc_expr_name(x);
    const qc_value *base = qc_obj_get(&x->value, "base");
    const char *base_name;
    if (qc_is_object(base))
        base_name = make_implicit_object(b, name, "-base", cond, base, x, ok);
    else
        base_name = qc_is_string(base) ? base->u.str.s : NULL;
    qc_entity *ent = new_object(b, name, x);
    ent->base_name_ = base_name;
    qc_variants *vs = qc_arena_alloc(b->a, sizeof(*vs));
    vs->tag_name = qc_obj_get_str(&x->value, "discriminator");
    vs->variants = make_variants(b, qc_obj_get(&x->value, "data"), x,
                                 &vs->n, ok);
    set_defined_in(vs->variants, vs->n, name);
    ent->variants = vs;
    return ent;
}

static qc_entity *def_alternate(qc_builder *b, const qc_expr *x, bool *ok)
{
    qc_entity *ent = qc_sb_new_entity(b, QC_ENT_ALTERNATE, qc_expr_name(x), x);
    qc_variants *vs = qc_arena_alloc(b->a, sizeof(*vs));
    vs->variants = make_variants(b, qc_obj_get(&x->value, "data"), x,
                                 &vs->n, ok);
    set_defined_in(vs->variants, vs->n, ent->name);
    vs->tag_name = "type";
    vs->tag_member = new_member(b, QC_ROLE_MEMBER, "type", x);
    vs->tag_member->type_name = "QType";
    vs->tag_member->defined_in = ent->name;
    ent->variants = vs;
    return ent;
}

static qc_entity *def_command_or_event(qc_builder *b, const qc_expr *x,
                                       qc_cond *cond, bool *ok)
{
    const qc_value *e = &x->value;
    const char *name = qc_expr_name(x);
    bool command = strcmp(qc_expr_meta(x), "command") == 0;
    const qc_value *data = qc_obj_get(e, "data");
    const char *arg = NULL;
    if (qc_is_object(data))
        arg = make_implicit_object(b, name, "-arg", cond, data, x, ok);
    else if (qc_is_string(data))
        arg = data->u.str.s;
    const char *ret = NULL;
    if (command) {
        const qc_value *rets = qc_obj_get(e, "returns");
        if (rets)
            ret = type_ref(b, rets, x, ok);
    }
    qc_entity *ent = qc_sb_new_entity(b, command ? QC_ENT_COMMAND : QC_ENT_EVENT,
                                      name, x);
    ent->arg_name_ = arg;
    ent->ret_name_ = ret;
    const qc_value *v;
    ent->boxed = (v = qc_obj_get(e, "boxed")) && v->kind == QC_VBOOL && v->u.b;
    ent->gen = !qc_obj_get(e, "gen");
    ent->success_response = !qc_obj_get(e, "success-response");
    ent->allow_oob = qc_obj_get(e, "allow-oob") != NULL;
    ent->allow_preconfig = qc_obj_get(e, "allow-preconfig") != NULL;
    ent->coroutine = qc_obj_get(e, "coroutine") != NULL;
    return ent;
}

bool qc_sb_define(qc_builder *b, const qc_expr *x)
{
    const char *meta = qc_expr_meta(x);
    /* In QEMU's order: the condition and features first, then whatever
     * implicit types the definition needs, then the entity. */
    qc_cond *cond = qc_cond_from(b->a, qc_obj_get(&x->value, "if"));
    bool ok = true;
    uint32_t nf;
    qc_feature **fs = make_features(b, qc_obj_get(&x->value, "features"), x, &nf);
    qc_entity *ent;
    if (strcmp(meta, "enum") == 0)
        ent = def_enum(b, x);
    else if (strcmp(meta, "struct") == 0)
        ent = def_struct(b, x, &ok);
    else if (strcmp(meta, "union") == 0)
        ent = def_union(b, x, cond, &ok);
    else if (strcmp(meta, "alternate") == 0)
        ent = def_alternate(b, x, &ok);
    else
        ent = def_command_or_event(b, x, cond, &ok);
    ent->has_doc_ = x->doc != NULL;
    qc_sb_set_extra(b, ent, cond, fs, nf);
    if (!def_definition(b, ent))
        ok = false;
    return ok;
}

static void def_builtin(qc_builder *b, const char *name, const char *json)
{
    qc_entity *e = qc_sb_new_entity(b, QC_ENT_BUILTIN, name, NULL);
    e->builtin_json_type_ = json;
    def_definition(b, e);
    bool ok = true;
    make_array_type(b, name, NULL, &ok);
}

void qc_sb_define_predefineds(qc_builder *b)
{
    static const char *const t[][2] = {
        { "str", "string" }, { "number", "number" }, { "int", "int" },
        { "int8", "int" }, { "int16", "int" }, { "int32", "int" },
        { "int64", "int" }, { "uint8", "int" }, { "uint16", "int" },
        { "uint32", "int" }, { "uint64", "int" }, { "size", "int" },
        { "bool", "boolean" }, { "any", "value" }, { "null", "null" },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
        def_builtin(b, t[i][0], t[i][1]);
    qc_entity *empty = new_object(b, "q_empty", NULL);
    def_definition(b, empty);
    b->s->the_empty_object = empty;

    static const char *const qtypes[] = {
        "none", "qnull", "qnum", "qstring", "qdict", "qlist", "qbool",
    };
    qc_entity *qt = qc_sb_new_entity(b, QC_ENT_ENUM, "QType", NULL);
    qt->nvalues = 7;
    qt->values = qc_arena_alloc(b->a, 7 * sizeof(*qt->values));
    for (size_t i = 0; i < 7; i++) {
        qt->values[i] = new_member(b, QC_ROLE_VALUE, qtypes[i], NULL);
        qt->values[i]->defined_in = "QType";
    }
    def_definition(b, qt);
}
