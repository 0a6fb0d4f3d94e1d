/* qc_schema_build: the phases of QEMU's QAPISchema in its order -- load,
 * expression checks, definitions (define.c), checks (check.c) with the
 * doc connection of each entity (connect.c), doc checks, modules. */
#include "schema/builder.h"

#include <stdio.h>
#include <stdarg.h>
#include <string.h>

qc_diagnostic *qc_sb_error(qc_builder *b, qc_loc loc, const char *meta,
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

static qc_smodule *new_module(qc_builder *b, const char *name)
{
    qc_smodule *m = qc_arena_alloc(b->a, sizeof(*m));
    m->name = name;
    m->builtin = strcmp(name, "./builtin") == 0;
    qc_ptrvec_push(b->a, &b->mods, m);
    return m;
}

/* The module of the loader's module LM, made at its first include (the
 * loader names each file once: one module each). */
static qc_smodule *module_for(qc_builder *b, const qc_module *lm)
{
    qc_smodule **m = &b->mod_of[lm->index];
    if (!*m)
        *m = new_module(b, lm->name);
    return *m;
}

static void module_add(qc_builder *b, qc_smodule *m, qc_entity *e)
{
    if (m->n == m->cap_) {
        /* from one: a schema may have a module for each definition */
        size_t cap = m->cap_ ? (size_t)m->cap_ * 2 : 1;
        m->entities = qc_arena_grow(b->a, m->entities,
                                    m->cap_ * sizeof(*m->entities),
                                    cap * sizeof(*m->entities));
        m->cap_ = (uint32_t)cap;
    }
    m->entities[m->n++] = e;
}

static void reject_name(qc_builder *b, const char *name)
{
    if (!b->rejected)
        b->rejected = qc_hashmap_new(b->a);
    qc_hashmap_put(b->rejected, name, (void *)name);
}

/* X failed the expression checks: remember the names it may define (its
 * keys are unchecked, so every definition key counts, and so does the
 * symbol its doc comment names). */
static void note_rejected(qc_builder *b, const qc_expr *x)
{
    static const char *const metas[] = {
        "enum", "struct", "union", "alternate", "command", "event",
    };
    bool named = false;
    if (qc_is_object(&x->value))
        for (size_t i = 0; i < sizeof(metas) / sizeof(*metas); i++) {
            const char *name = qc_obj_get_str(&x->value, metas[i]);
            if (name) {
                reject_name(b, name);
                named = true;
            }
        }
    if (x->doc && x->doc->symbol)
        reject_name(b, x->doc->symbol);
    if (!named)
        b->rejected_unnamed = true;
    qc_sb_skip_doc(b, x->doc);
}

/* Defining DFN failed (a duplicate): forget everything it created, its
 * implicit types and arrays and the features first seen there, as if it
 * were not there; references to what it defined fail silently. */
static void drop_definition(qc_builder *b, const qc_expr *dfn, size_t n_ents,
                            size_t n_features)
{
    for (size_t i = n_ents; i < b->ents.n; i++) {
        qc_entity *e = b->ents.items[i];
        if (e->name && qc_names_remove(b->s->names, b->s->entities, e))
            reject_name(b, e->name);
    }
    b->ents.n = n_ents;
    b->s->n_entities = n_ents;
    for (size_t i = n_features; i < b->feature_order.n; i++) {
        qc_feat_first *ff = b->feature_order.items[i];
        qc_hashmap_put(b->features, ff->name, NULL);
    }
    b->feature_order.n = n_features;
    qc_sb_skip_doc(b, dfn->doc);
}

/* Notes a failed check; true when checking should stop altogether. */
static bool failed(qc_builder *b)
{
    b->failed = true;
    return b->over_limit || qc_diag_limit_reached(b->d);
}

static qc_smodule *module_of_src(qc_builder *b, const qc_source *src)
{
    if (!src)
        return b->mods.items[0];
    /* By the source's number: a schema may include many thousands. */
    const qc_schema_ast *ast = b->s->ast;
    if (!b->mod_of_src) {
        for (size_t i = 0; i < ast->modules.n; i++) {
            const qc_module *m = ast->modules.items[i];
            if (m->src->id >= b->n_src_ids)
                b->n_src_ids = (size_t)m->src->id + 1;
        }
        b->mod_of_src = qc_arena_alloc(b->a, (b->n_src_ids + 1)
                                             * sizeof(*b->mod_of_src));
        for (size_t i = 0; i < ast->modules.n; i++) {
            const qc_module *m = ast->modules.items[i];
            b->mod_of_src[m->src->id] = (uint32_t)i + 1;
        }
    }
    uint32_t k = src->id < b->n_src_ids ? b->mod_of_src[src->id] : 0;
    return k ? module_for(b, ast->modules.items[k - 1]) : b->mods.items[1];
}

static void init(qc_builder *b, qc_arena *a, qc_diag *d, const qc_options *o,
                 qc_schema_ast *ast)
{
    memset(b, 0, sizeof *b);
    b->a = a;
    b->d = d;
    b->o = o;
    b->s = qc_arena_alloc(a, sizeof(qc_schema));
    b->s->arena = a;
    b->s->path = ast->root_path;
    b->s->ast = ast;
    /* Sized for the definitions and a share of implicit types and arrays:
     * a table is zero-filled when made, and one twice too large costs
     * more than growing once (QEMU's schema needs no growth).  Include
     * directives define no name. */
    size_t ndefs = 0;
    for (size_t i = 0; i < ast->n_exprs; i++)
        ndefs += !ast->exprs[i].include_;
    b->s->names = qc_names_new(a, ndefs + ndefs / 4 + 64);
    b->mod_of = qc_arena_alloc(a, (ast->modules.n + 1) * sizeof(*b->mod_of));
    b->features = qc_hashmap_new(a);
    static const char *const special[] = { "deprecated", "unstable" };
    for (int i = 0; i < 2; i++) {
        qc_feat_first *ff = qc_arena_alloc(a, sizeof(*ff));
        ff->name = special[i];
        qc_hashmap_put(b->features, ff->name, ff);
        qc_ptrvec_push(a, &b->feature_order, ff);
    }
    new_module(b, "./builtin");
    if (ast->modules.n)
        module_for(b, ast->modules.items[0]);
    else
        new_module(b, ast->root_path);
}

/* QEMU's _def_exprs.  Definitions the expression checks rejected are left
 * out (their meta is NULL), silently: see lookup_ref in check.c.  False
 * when the error limit is reached. */
static bool define_all(qc_builder *b, bool exprs_ok)
{
    const qc_schema_ast *ast = b->s->ast;
    for (size_t i = 0; i < ast->n_exprs; i++) {
        const qc_expr *x = &ast->exprs[i];
        if (x->include_) {
            qc_entity *e = qc_sb_new_entity(b, QC_ENT_INCLUDE, NULL, x);
            e->included = module_for(b, qc_expr_include(ast, x));
            qc_sb_add_entity(b, e);
            continue;
        }
        if (!x->meta_) {
            if (!exprs_ok)
                note_rejected(b, x);
            continue;
        }
        size_t n_ents = b->ents.n, n_features = b->feature_order.n;
        if (!qc_sb_define(b, x)) {
            drop_definition(b, x, n_ents, n_features);
            if (failed(b))
                return false;
        }
    }
    return true;
}

/* QEMU's check(): every entity in definition order, each connected to its
 * doc once checked; then every doc's own check.  False when the error
 * limit is reached. */
static bool check_all(qc_builder *b)
{
    for (size_t i = 0; i < b->ents.n; i++) {
        qc_entity *e = b->ents.items[i];
        if (e->state_ == QC_ST_FAILED) {
            /* failed while checking an entity that refers to it */
            qc_sb_skip_doc(b, qc_entity_doc(e));
            continue;
        }
        if (!qc_sb_check_entity(b, e)) {
            e->state_ = QC_ST_FAILED;
            qc_sb_skip_doc(b, qc_entity_doc(e));
            if (failed(b))
                return false;
            continue;
        }
        if (!qc_sb_connect_doc(b, e, NULL)) {
            /* a doc connected halfway would fail its check for nothing */
            qc_sb_skip_doc(b, qc_entity_doc(e));
            if (failed(b))
                return false;
        }
    }
    const qc_schema_ast *ast = b->s->ast;
    if (!b->o->no_doc_checks)
        for (size_t i = 0; i < ast->docs.n; i++) {
            qc_doc *doc = ast->docs.items[i];
            if (!qc_sb_doc_skipped(b, doc) && !qc_doc_check(doc, b->d)
                && failed(b))
                return false;
        }
    if (b->feature_order.n > 64) {
        qc_feat_first *ff = b->feature_order.items[64];
        qc_sb_error(b, ff->loc, ff->meta, ff->defn, "qapi-too-many-features",
                    "a schema can use at most 64 distinct features");
        return false;
    }
    return true;
}

/* QEMU's set_module, in definition order: an array lives in the module of
 * its element type, what has no source in ./builtin. */
static void assign_modules(qc_builder *b)
{
    const qc_source *last_src = NULL;
    qc_smodule *last_mod = NULL;
    for (size_t i = 0; i < b->ents.n; i++) {
        qc_entity *e = b->ents.items[i];
        const qc_entity *where = e;
        if (e->kind == QC_ENT_ARRAY)
            where = e->element_type;
        const qc_source *src = qc_loc_src(qc_entity_loc(where));
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
}

static qc_schema *finish(qc_builder *b)
{
    qc_schema *s = b->s;
    s->entities = (qc_entity **)b->ents.items;
    s->n_entities = b->ents.n;
    s->modules = (qc_smodule **)b->mods.items;
    s->n_modules = b->mods.n;
    s->n_feature_names = b->feature_order.n;
    s->feature_names = qc_arena_alloc(b->a, (s->n_feature_names + 1)
                                      * sizeof(*s->feature_names));
    for (size_t i = 0; i < s->n_feature_names; i++)
        s->feature_names[i] = ((qc_feat_first *)b->feature_order.items[i])->name;
    return s;
}

qc_schema *qc_schema_build(qc_arena *a, qc_diag *d, const qc_options *o,
                           const char *path, bool *io_error)
{
    if (io_error)
        *io_error = false;
    qc_schema_ast *ast = qc_arena_alloc(a, sizeof(*ast));
    if (!qc_schema_load(a, d, o, path, ast, io_error))
        return NULL;
    /* Definitions that passed are still modelled and checked. */
    bool exprs_ok = qc_check_exprs(a, d, o, ast);
    if (!exprs_ok && qc_diag_limit_reached(d))
        return NULL;
    qc_builder b;
    init(&b, a, d, o, ast);
    qc_sb_define_predefineds(&b);
    b.failed = !exprs_ok;
    if (!define_all(&b, exprs_ok) || !check_all(&b) || b.failed)
        return NULL;
    assign_modules(&b);
    return finish(&b);
}
