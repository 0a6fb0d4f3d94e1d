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

#include "base/buf.h"
#include "base/hashmap.h"
#include "schema/schema.h"
#include "schema/visit.h"
#include "syntax/json.h"

typedef struct gen {
    qc_arena *a;             /* what lasts: the uses and names of types */
    /* The entries: A when they make a tree, an arena of a few of them at
     * a time when they are written as made (WRITE set). */
    qc_arena *ea;
    const qc_schema *s;
    const qc_introspect_opts *o;
    qc_ptrvec used;          /* qc_entity *, in first-use order */
    qc_hashmap *used_set;    /* name -> entity */
    qc_hashmap *names;       /* real name -> masked name */
    size_t nnames;
    qc_ptrvec out;           /* qc_value *, the SchemaInfo entries */
    /* Written as made: */
    qc_output_piece_fn *write;
    void *wctx;
    qc_buf text;             /* not yet written */
    size_t nwritten;         /* entries so far */
    size_t in_ea;            /* entries made in EA since it was new */
    bool failed;             /* a write failed */
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
        return qc_arena_printf(g->ea, "[%s]", use_type(g, t->element_type));
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
            qc_ptrvec_push(g->ea, &v, qc_value_new_string(g->ea, fs[i]->name));
    obj_put(o, "features", v_array(g->ea, &v));
}

static void entry(gen *g, qc_value *o);

/* Adds an entry; NAME is the entry's name as output. */
static void emit(gen *g, qc_value *o, const char *name, const char *meta,
                 const qc_entity *e)
{
    obj_put(o, "name", qc_value_new_string(g->ea, name));
    obj_put(o, "meta-type", qc_value_new_string(g->ea, meta));
    put_features(g, o, qc_entity_features(e), qc_entity_nfeatures(e));
    if (cond_true(g, qc_entity_cond(e)))
        entry(g, o);
}

/* ---- entries ----------------------------------------------------------- */

static void gen_command(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->ea);
    qc_entity *empty = g->s->the_empty_object;
    qc_entity *arg = e->arg_type ? e->arg_type : empty;
    obj_put(o, "arg-type", qc_value_new_string(g->ea, use_type(g, arg)));
    if (e->kind == QC_ENT_COMMAND) {
        qc_entity *ret = e->ret_type ? e->ret_type : empty;
        obj_put(o, "ret-type", qc_value_new_string(g->ea, use_type(g, ret)));
        if (e->allow_oob) {
            qc_value *t = qc_value_new(g->ea, QC_VBOOL);
            t->u.b = true;
            obj_put(o, "allow-oob", t);
        }
    }
    emit(g, o, e->name,
         e->kind == QC_ENT_COMMAND ? "command" : "event", e);
}

static void gen_builtin(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->ea);
    obj_put(o, "json-type", qc_value_new_string(g->ea, qc_entity_json_type(e)));
    emit(g, o, e->name, "builtin", e);
}

static void gen_enum(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->ea);
    qc_ptrvec members = { 0 }, values = { 0 };
    for (size_t i = 0; i < e->nvalues; i++) {
        const qc_smember *m = e->values[i];
        if (!cond_true(g, m->cond))
            continue;
        qc_value *mo = v_object(g->ea);
        obj_put(mo, "name", qc_value_new_string(g->ea, m->name));
        put_features(g, mo, m->features, m->nfeatures);
        qc_ptrvec_push(g->ea, &members, mo);
        qc_ptrvec_push(g->ea, &values, qc_value_new_string(g->ea, m->name));
    }
    obj_put(o, "members", v_array(g->ea, &members));
    obj_put(o, "values", v_array(g->ea, &values));
    emit(g, o, type_name(g, e->name), "enum", e);
}

static void gen_array(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->ea);
    const char *elem = use_type(g, e->element_type);
    obj_put(o, "element-type", qc_value_new_string(g->ea, elem));
    /* Arrays carry no features of their own. */
    obj_put(o, "name", qc_value_new_string(g->ea, qc_arena_printf(g->ea, "[%s]", elem)));
    obj_put(o, "meta-type", qc_value_new_string(g->ea, "array"));
    if (cond_true(g, qc_entity_cond(e)))
        entry(g, o);
}

static void gen_object(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->ea);
    qc_ptrvec members = { 0 };
    for (size_t i = 0; i < e->nmembers; i++) {
        const qc_smember *m = e->members[i];
        qc_value *mo = v_object(g->ea);
        obj_put(mo, "name", qc_value_new_string(g->ea, m->name));
        obj_put(mo, "type", qc_value_new_string(g->ea, use_type(g, m->type)));
        if (m->optional)
            obj_put(mo, "default", qc_value_new(g->ea, QC_VNULL));
        put_features(g, mo, m->features, m->nfeatures);
        if (cond_true(g, m->cond))
            qc_ptrvec_push(g->ea, &members, mo);
    }
    obj_put(o, "members", v_array(g->ea, &members));
    if (e->variants) {
        qc_ptrvec vars = { 0 };
        for (size_t i = 0; i < e->variants->n; i++) {
            const qc_smember *v = e->variants->variants[i];
            qc_value *vo = v_object(g->ea);
            obj_put(vo, "case", qc_value_new_string(g->ea, v->name));
            obj_put(vo, "type", qc_value_new_string(g->ea, use_type(g, v->type)));
            if (cond_true(g, v->cond))
                qc_ptrvec_push(g->ea, &vars, vo);
        }
        obj_put(o, "tag", qc_value_new_string(g->ea, e->variants->tag_member->name));
        obj_put(o, "variants", v_array(g->ea, &vars));
    }
    emit(g, o, type_name(g, e->name), "object", e);
}

static void gen_alternate(gen *g, const qc_entity *e)
{
    qc_value *o = v_object(g->ea);
    qc_ptrvec members = { 0 };
    for (size_t i = 0; e->variants && i < e->variants->n; i++) {
        const qc_smember *v = e->variants->variants[i];
        qc_value *mo = v_object(g->ea);
        obj_put(mo, "type", qc_value_new_string(g->ea, use_type(g, v->type)));
        if (cond_true(g, v->cond))
            qc_ptrvec_push(g->ea, &members, mo);
    }
    obj_put(o, "members", v_array(g->ea, &members));
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

/* Hands the text made so far to the writer. */
static void write_text(gen *g)
{
    if (!g->failed && g->text.len && !g->write(g->wctx, g->text.data, g->text.len))
        g->failed = true;
    g->text.len = 0;
}

/* Entries written as made: each as qc_json_write writes an element of the
 * array at level 0; the arena of the entries is new every few of them. */
enum { ENTRIES_AN_ARENA = 1024 };

static void entry(gen *g, qc_value *o)
{
    if (!g->write) {
        qc_ptrvec_push(g->a, &g->out, o);
        return;
    }
    qc_introspect_order_keys(o, g->o->key_order);
    qc_buf_append(&g->text, g->nwritten ? ",\n  " : "[\n  ", 4);
    qc_json_write(&g->text, o, 2, 1);
    g->nwritten++;
    if (g->text.len >= QC_JSON_PIECE)
        write_text(g);
    if (++g->in_ea == ENTRIES_AN_ARENA) {
        qc_arena_free(g->ea);
        g->ea = qc_arena_new();
        g->in_ea = 0;
    }
}

static void run(gen *g)
{
    g->used_set = qc_hashmap_new(g->a);
    g->names = qc_hashmap_new(g->a);
    /* First commands and events, module by module... */
    const qc_visitor v = { .ctx = g, .command = v_command, .event = v_command };
    qc_schema_visit(g->s, &v);
    /* ...then the types they use, including those found on the way. */
    for (size_t i = 0; i < g->used.n; i++)
        gen_type(g, g->used.items[i]);
}

qc_value *qc_introspect(qc_arena *a, const qc_schema *s,
                        const qc_introspect_opts *o)
{
    gen g = { 0 };
    g.a = g.ea = a;
    g.s = s;
    g.o = o;
    run(&g);
    qc_value *arr = v_array(a, &g.out);
    qc_introspect_order_keys(arr, o->key_order);
    return arr;
}

bool qc_introspect_write(const qc_schema *s, const qc_introspect_opts *o,
                         qc_output_piece_fn *write, void *wctx)
{
    gen g = { 0 };
    g.a = qc_arena_new();
    g.ea = qc_arena_new();
    g.s = s;
    g.o = o;
    g.write = write;
    g.wctx = wctx;
    run(&g);
    if (g.nwritten)
        qc_buf_append(&g.text, "\n]\n", 3);
    else
        qc_buf_append(&g.text, "[]\n", 3);
    write_text(&g);
    qc_buf_free(&g.text);
    qc_arena_free(g.ea);
    qc_arena_free(g.a);
    return !g.failed;
}

qc_value *qc_introspect_file(qc_arena *a, qc_diag *d, const qc_options *opts,
                             const char *path, const qc_introspect_opts *o,
                             bool *io_error)
{
    qc_schema *s = qc_schema_build(a, d, opts, path, io_error);
    return s ? qc_introspect(a, s, o) : NULL;
}
