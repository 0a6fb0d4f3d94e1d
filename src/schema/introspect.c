/* Introspection (query-qmp-schema) from the schema model.
 *
 * QEMU's generator walks the whole schema, conditions ignored, and only
 * the C preprocessor drops what a build configures out.  We do the same in
 * one pass: every use of a type is recorded and numbered whatever the
 * conditions say, and items whose condition is false are merely left out
 * of the output.  That is what makes masked numbers agree with a real
 * build's, gaps included. */
#include "schema/introspect.h"

#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "schema/schema.h"
#include "schema/visit.h"

typedef struct gen {
    qc_arena *a;
    const qc_schema *s;
    const qc_introspect_opts *o;
    qc_ptrvec used;          /* qc_entity *, in first-use order */
    qc_hashmap *used_set;    /* name -> entity */
    qc_hashmap *names;       /* real name -> masked name */
    size_t nnames;
    qc_ptrvec out;           /* qc_value *, the SchemaInfo entries */
} gen;

/* ---- values ------------------------------------------------------------ */

static qc_value *v_array(qc_arena *a, const qc_ptrvec *items)
{
    qc_value *v = qc_value_new(a, QC_VARRAY);
    qc_value_set_item_ptrs(a, v, (qc_value *const *)items->items, items->n);
    return v;
}

/* Objects here have at most 7 keys (an object entry with features). */
#define OBJ_MAX 8

static qc_value *v_object(qc_arena *a)
{
    qc_value *v = qc_value_new(a, QC_VOBJECT);
    qc_value_begin_members(a, v, OBJ_MAX);
    return v;
}

/* Copies VAL into O: VAL is complete. */
static void obj_put(qc_value *o, const char *key, const qc_value *val)
{
    qc_member *m = qc_value_push_member(o);
    m->key = key;
    m->key_len = strlen(key);
    m->key_off = 0;
    m->value = *val;
}

/* ---- conditions -------------------------------------------------------- */

static bool cond_true(const gen *g, const qc_cond *c)
{
    if (!c || g->o->all_conditions_true)
        return true;
    return qc_cond_eval_symbols(c, g->o->symbols, g->o->nsymbols);
}

/* ---- naming and use of types ------------------------------------------ */

static const char *type_name(gen *g, const char *name)
{
    if (g->o->unmask)
        return name;
    const char *n = qc_hashmap_get(g->names, name);
    if (!n) {
        n = qc_arena_printf(g->a, "%zu", g->nnames++);
        qc_hashmap_put(g->names, name, (void *)n);
    }
    return n;
}

/* Records a use of T and returns how the output refers to it.  Integer
 * types of every width are reported as plain int. */
static const char *use_type(gen *g, qc_entity *t)
{
    if (t->kind == QC_ENT_ARRAY && t->element_type
        && !strcmp(qc_entity_json_type(t->element_type), "int")) {
        qc_entity *il = qc_schema_lookup_type(g->s, "intList");
        if (il)
            t = il;
    } else if (t->kind != QC_ENT_ARRAY && qc_entity_json_type(t)
               && !strcmp(qc_entity_json_type(t), "int")) {
        qc_entity *i = qc_schema_lookup_type(g->s, "int");
        if (i)
            t = i;
    }
    if (!qc_hashmap_get(g->used_set, t->name)) {
        qc_hashmap_put(g->used_set, t->name, t);
        qc_ptrvec_push(g->a, &g->used, t);
    }
    if (t->kind == QC_ENT_BUILTIN)
        return t->name;
    if (t->kind == QC_ENT_ARRAY)
        return qc_arena_printf(g->a, "[%s]", use_type(g, t->element_type));
    return type_name(g, t->name);
}

/* The features array for a list whose unfiltered form is non-empty (QEMU
 * decides on the presence of the key before the preprocessor runs). */
static void put_features(gen *g, qc_value *o, qc_feature **fs, size_t n)
{
    if (!n)
        return;
    qc_ptrvec v = { 0 };
    for (size_t i = 0; i < n; i++)
        if (cond_true(g, fs[i]->cond))
            qc_ptrvec_push(g->a, &v, qc_value_new_string(g->a, fs[i]->name));
    obj_put(o, "features", v_array(g->a, &v));
}

/* Adds an entry; NAME is the entry's name as output. */
static void emit(gen *g, qc_value *o, const char *name, const char *meta,
                 const qc_entity *e)
{
    obj_put(o, "name", qc_value_new_string(g->a, name));
    obj_put(o, "meta-type", qc_value_new_string(g->a, meta));
    put_features(g, o, qc_entity_features(e), qc_entity_nfeatures(e));
    if (cond_true(g, qc_entity_cond(e)))
        qc_ptrvec_push(g->a, &g->out, o);
}

/* ---- entries ----------------------------------------------------------- */

static void gen_command(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->a);
    qc_entity *empty = g->s->the_empty_object;
    qc_entity *arg = e->arg_type ? e->arg_type : empty;
    obj_put(o, "arg-type", qc_value_new_string(g->a, use_type(g, arg)));
    if (e->kind == QC_ENT_COMMAND) {
        qc_entity *ret = e->ret_type ? e->ret_type : empty;
        obj_put(o, "ret-type", qc_value_new_string(g->a, use_type(g, ret)));
        if (e->allow_oob) {
            qc_value *t = qc_value_new(g->a, QC_VBOOL);
            t->u.b = true;
            obj_put(o, "allow-oob", t);
        }
    }
    emit(g, o, e->name,
         e->kind == QC_ENT_COMMAND ? "command" : "event", e);
}

static void gen_builtin(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->a);
    obj_put(o, "json-type", qc_value_new_string(g->a, qc_entity_json_type(e)));
    emit(g, o, e->name, "builtin", e);
}

static void gen_enum(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->a);
    qc_ptrvec members = { 0 }, values = { 0 };
    for (size_t i = 0; i < e->nvalues; i++) {
        const qc_smember *m = e->values[i];
        if (!cond_true(g, m->cond))
            continue;
        qc_value *mo = v_object(g->a);
        obj_put(mo, "name", qc_value_new_string(g->a, m->name));
        put_features(g, mo, m->features, m->nfeatures);
        qc_ptrvec_push(g->a, &members, mo);
        qc_ptrvec_push(g->a, &values, qc_value_new_string(g->a, m->name));
    }
    obj_put(o, "members", v_array(g->a, &members));
    obj_put(o, "values", v_array(g->a, &values));
    emit(g, o, type_name(g, e->name), "enum", e);
}

static void gen_array(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->a);
    const char *elem = use_type(g, e->element_type);
    obj_put(o, "element-type", qc_value_new_string(g->a, elem));
    /* Arrays carry no features of their own. */
    obj_put(o, "name", qc_value_new_string(g->a, qc_arena_printf(g->a, "[%s]", elem)));
    obj_put(o, "meta-type", qc_value_new_string(g->a, "array"));
    if (cond_true(g, qc_entity_cond(e)))
        qc_ptrvec_push(g->a, &g->out, o);
}

static void gen_object(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->a);
    qc_ptrvec members = { 0 };
    for (size_t i = 0; i < e->nmembers; i++) {
        const qc_smember *m = e->members[i];
        qc_value *mo = v_object(g->a);
        obj_put(mo, "name", qc_value_new_string(g->a, m->name));
        obj_put(mo, "type", qc_value_new_string(g->a, use_type(g, m->type)));
        if (m->optional)
            obj_put(mo, "default", qc_value_new(g->a, QC_VNULL));
        put_features(g, mo, m->features, m->nfeatures);
        if (cond_true(g, m->cond))
            qc_ptrvec_push(g->a, &members, mo);
    }
    obj_put(o, "members", v_array(g->a, &members));
    if (e->variants) {
        qc_ptrvec vars = { 0 };
        for (size_t i = 0; i < e->variants->n; i++) {
            const qc_smember *v = e->variants->variants[i];
            qc_value *vo = v_object(g->a);
            obj_put(vo, "case", qc_value_new_string(g->a, v->name));
            obj_put(vo, "type", qc_value_new_string(g->a, use_type(g, v->type)));
            if (cond_true(g, v->cond))
                qc_ptrvec_push(g->a, &vars, vo);
        }
        obj_put(o, "tag", qc_value_new_string(g->a, e->variants->tag_member->name));
        obj_put(o, "variants", v_array(g->a, &vars));
    }
    emit(g, o, type_name(g, e->name), "object", e);
}

static void gen_alternate(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->a);
    qc_ptrvec members = { 0 };
    for (size_t i = 0; e->variants && i < e->variants->n; i++) {
        const qc_smember *v = e->variants->variants[i];
        qc_value *mo = v_object(g->a);
        obj_put(mo, "type", qc_value_new_string(g->a, use_type(g, v->type)));
        if (cond_true(g, v->cond))
            qc_ptrvec_push(g->a, &members, mo);
    }
    obj_put(o, "members", v_array(g->a, &members));
    emit(g, o, type_name(g, e->name), "alternate", e);
}

static void gen_type(gen *g, const qc_entity *t)
{
    switch (t->kind) {
    case QC_ENT_BUILTIN: gen_builtin(g, t); break;
    case QC_ENT_ENUM: gen_enum(g, t); break;
    case QC_ENT_ARRAY: gen_array(g, t); break;
    case QC_ENT_OBJECT: gen_object(g, t); break;
    case QC_ENT_ALTERNATE: gen_alternate(g, t); break;
    default: break;
    }
}

static void v_command(void *ctx, const qc_entity *e)
{
    gen_command(ctx, e);
}

/* ---- key order --------------------------------------------------------- */

/* QEMU's QDict hash (tdb_hash, from the Samba trivial database). */
unsigned qc_qdict_bucket(const char *key)
{
    uint32_t len = (uint32_t)strlen(key);
    uint32_t v = 0x238F13AFu * len;
    for (uint32_t i = 0; i < len; i++)
        v += (uint32_t)(unsigned char)key[i] << (i * 5 % 24);
    return (1103515243u * v + 12345u) % 512u;
}

static int cmp_sorted(const void *pa, const void *pb)
{
    const qc_member *a = pa, *b = pb;
    return strcmp(a->key, b->key);
}

/* QEMU builds each dict from keys in sorted order; iteration goes by
 * bucket, and inside a bucket the key inserted last comes first. */
static int cmp_qemu(const void *pa, const void *pb)
{
    const qc_member *a = pa, *b = pb;
    unsigned ha = qc_qdict_bucket(a->key), hb = qc_qdict_bucket(b->key);
    if (ha != hb)
        return ha < hb ? -1 : 1;
    return strcmp(b->key, a->key);
}

void qc_introspect_order_keys(qc_value *v, qc_key_order order)
{
    if (qc_is_array(v)) {
        for (size_t i = 0; i < qc_arr_len(v); i++)
            qc_introspect_order_keys(qc_arr_at(v, i), order);
    } else if (qc_is_object(v)) {
        qsort(v->u.obj.members, qc_obj_len(v), sizeof(qc_member),
              order == QC_KEY_ORDER_QEMU ? cmp_qemu : cmp_sorted);
        for (size_t i = 0; i < qc_obj_len(v); i++)
            qc_introspect_order_keys(&v->u.obj.members[i].value, order);
    }
}

/* ---- driver ------------------------------------------------------------ */

qc_value *qc_introspect(qc_arena *a, const qc_schema *s,
                        const qc_introspect_opts *o)
{
    gen g = { 0 };
    g.a = a;
    g.s = s;
    g.o = o;
    g.used_set = qc_hashmap_new(a);
    g.names = qc_hashmap_new(a);

    /* First commands and events, module by module... */
    const qc_visitor v = { .ctx = &g, .command = v_command, .event = v_command };
    qc_schema_visit(s, &v);
    /* ...then the types they use, including those found on the way. */
    for (size_t i = 0; i < g.used.n; i++)
        gen_type(&g, g.used.items[i]);

    qc_value *arr = v_array(a, &g.out);
    qc_introspect_order_keys(arr, o->key_order);
    return arr;
}

qc_value *qc_introspect_file(qc_arena *a, qc_diag *d, const qc_options *opts,
                             const char *path, const qc_introspect_opts *o,
                             bool *io_error)
{
    qc_schema *s = qc_schema_build(a, d, opts, path, io_error);
    return s ? qc_introspect(a, s, o) : NULL;
}
