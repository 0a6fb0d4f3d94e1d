/* The configured view of a schema for the C generators: what one set of
 * bindings contains, the C name of everything, the order of definitions
 * in the header, and the checks that keep the result compilable (no two
 * definitions claim one identifier; a configuration does not drop a type
 * that a kept definition uses; union branches do not embed each other). */
#include <string.h>

#include "gen/cgen.h"

/* ---- conditions -------------------------------------------------------- */

bool cg_cond_kept(const cg *g, const qc_cond *c)
{
    if (!c || !g->o->configured)
        return true;
    return qc_cond_eval_symbols(c, g->o->symbols, g->o->nsymbols);
}

/* ---- features ----------------------------------------------------------- */

static unsigned feature_bits(const cg *g, qc_feature *const *fs, size_t n)
{
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cg_cond_kept(g, fs[i]->cond))
            continue;
        if (!strcmp(fs[i]->name, "deprecated"))
            bits |= 1;
        else if (!strcmp(fs[i]->name, "unstable"))
            bits |= 2;
    }
    return bits;
}

const char *cg_feature_flags(cg *g, qc_feature *const *fs, size_t n)
{
    static const char *const flags[] = {
        "0", "QAPIC_FEATURE_DEPRECATED", "QAPIC_FEATURE_UNSTABLE",
        "QAPIC_FEATURE_DEPRECATED | QAPIC_FEATURE_UNSTABLE",
    };
    return flags[feature_bits(g, fs, n)];
}

const char *cg_feature_attr(cg *g, qc_feature *const *fs, size_t n)
{
    unsigned bits = feature_bits(g, fs, n);
    if (!bits)
        return "";
    return qc_gen_cat(g->a, " ", g->pu, "_", bits & 1 ? "DEPRECATED" : "UNSTABLE", NULL);
}

/* ---- identifiers ------------------------------------------------------- */

/* Who claimed an identifier; described only when there is a clash. */
typedef struct owner {
    const qc_entity *e;     /* NULL: the bindings' fixed names */
    const char *value;      /* an enum value of E, or NULL */
} owner;

static const char *describe_owner(cg *g, const owner *o)
{
    if (!o->e)
        return "a fixed name of the bindings";
    const char *d = qc_entity_describe(g->a, o->e);
    return o->value ? qc_gen_cat(g->a, "value '", o->value, "' of ", d, NULL)
                    : d;
}

static void claim(cg *g, const char *ident, const qc_entity *e,
                  const char *value)
{
    owner *o = qc_arena_alloc(g->a, sizeof *o);
    o->e = e;
    o->value = value;
    const owner *prev = qc_idents_claim(g->idents, ident, o);
    if (!prev)
        return;
    qc_loc loc = { 0 };
    if (e && e->has_info)
        loc = qc_entity_loc(e);
    qc_diagnostic *dg = qc_error(g->d, loc, "gen-name-clash",
                                 "C identifier '%s' of %s clashes with that "
                                 "of %s", ident, describe_owner(g, o),
                                 describe_owner(g, prev));
    if (e && e->has_info)
        qc_diag_in_definition(dg, qc_entity_defn_meta(e),
                              qc_entity_defn_name(e));
    if (prev->e && prev->e->has_info)
        qc_diag_note(dg, qc_entity_loc(prev->e), qc_entity_defn_meta(prev->e),
                     qc_entity_defn_name(prev->e), "the other definition");
    g->failed = true;
}

void cg_claim_fixed(cg *g, const char *ident)
{
    claim(g, ident, NULL, NULL);
}

static void claim_fixed(cg *g)
{
    static const char *const funcs[] = { "schema", "type", "command",
                                         "event" };
    /* Static names end in a lower-case part (NAME__c3, NAME__m_Foo),
     * which no enum constant has (their value part is in upper case), and
     * no other external name starts with NAME__: they need no claim. */
    static const char *const macros[] = {
        "DEPRECATED", "UNSTABLE", "NO_DEPRECATION_WARNINGS", "_H", "_TYPES_H",
        "_COMMANDS_H", "_EVENTS_H",
    };
    for (size_t i = 0; i < sizeof funcs / sizeof *funcs; i++)
        claim(g, qc_gen_cat(g->a, g->p, "_", funcs[i], NULL), NULL, NULL);
    for (size_t i = 0; i < sizeof macros / sizeof *macros; i++)
        claim(g, qc_gen_cat(g->a, g->pu, "_", macros[i], NULL), NULL, NULL);
}

static void claim_type(cg *g, cg_ent *x)
{
    static const char *const suffixes[] = {
        "_from_json", "_to_json", "_free", "_copy", "_equal", "_str", "_parse",
    };
    const qc_entity *e = x->e;
    claim(g, x->ctype, e, NULL);
    claim(g, x->desc, e, NULL);
    size_t n = e->kind == QC_ENT_ENUM ? 7 : 5;
    for (size_t i = 0; i < n; i++)
        claim(g, qc_gen_cat(g->a, x->ctype, suffixes[i], NULL), e, NULL);
    if (e->kind != QC_ENT_ENUM)
        return;
    claim(g, x->max, e, NULL);
    claim(g, x->unknown, e, NULL);
    for (size_t i = 0; i < x->nvalues; i++)
        claim(g, x->consts[i], e, x->values[i]->name);
}

static void claim_command_or_event(cg *g, cg_ent *x)
{
    const qc_entity *e = x->e;
    const char *p = g->p, *n = x->cname;
    if (e->kind == QC_ENT_COMMAND) {
        claim(g, qc_gen_cat(g->a, p, "_CMD_", n, NULL), e, NULL);
        claim(g, qc_gen_cat(g->a, p, "_", n, NULL), e, NULL);
        claim(g, qc_gen_cat(g->a, p, "_", n, "_opts", NULL), e, NULL);
        claim(g, qc_gen_cat(g->a, p, "_", n, "_async", NULL), e, NULL);
    } else {
        claim(g, qc_gen_cat(g->a, p, "_EVENT_", n, NULL), e, NULL);
        claim(g, qc_gen_cat(g->a, p, "_", n, "_fn", NULL), e, NULL);
        claim(g, qc_gen_cat(g->a, p, "_on_", n, NULL), e, NULL);
    }
}

/* ---- names of types ---------------------------------------------------- */

static void name_builtin(cg *g, cg_ent *x)
{
    const qc_entity *e = x->e;
    static const char *const slots[][2] = {
        { "str", "char *" }, { "number", "double" }, { "int", "int64_t" },
        { "int8", "int8_t" }, { "int16", "int16_t" }, { "int32", "int32_t" },
        { "int64", "int64_t" }, { "uint8", "uint8_t" },
        { "uint16", "uint16_t" }, { "uint32", "uint32_t" },
        { "uint64", "uint64_t" }, { "size", "uint64_t" }, { "bool", "bool" },
        { "any", "struct json_object *" }, { "null", "bool" },
    };
    const char *t = "bool";
    for (size_t i = 0; i < sizeof slots / sizeof *slots; i++)
        if (!strcmp(slots[i][0], e->name))
            t = slots[i][1];
    x->ctype = t;
    x->box = t;
    x->slot = t[strlen(t) - 1] == '*' ? t : qc_gen_cat(g->a, t, " ", NULL);
    x->desc = qc_gen_cat(g->a, "qapic_type_", e->name, NULL);
}

static void name_type(cg *g, cg_ent *x)
{
    const qc_entity *e = x->e;
    switch (e->kind) {
    case QC_ENT_BUILTIN:
        name_builtin(g, x);
        return;
    case QC_ENT_ARRAY:
        if (e->element_type->kind == QC_ENT_BUILTIN) {
            x->ctype = qc_gen_cat(g->a, "qapic_", e->name, NULL);
            x->desc = qc_gen_cat(g->a, "qapic_type_", e->name, NULL);
            x->box = x->ctype;
            x->slot = qc_gen_cat(g->a, x->ctype, " ", NULL);
            return;
        }
        break;
    case QC_ENT_OBJECT:
        if (e == g->s->the_empty_object)
            return;
        break;
    default:
        break;
    }
    x->gen = true;
    x->ctype = qc_gen_cat(g->a, g->p, "_", x->cname, NULL);
    x->desc = qc_gen_cat(g->a, g->p, "_TYPE_", x->cname, NULL);
    switch (e->kind) {
    case QC_ENT_ENUM:
        x->box = "qapic_enum_box";
        x->slot = qc_gen_cat(g->a, x->ctype, " ", NULL);
        break;
    case QC_ENT_ARRAY:
        x->box = x->ctype;
        x->slot = qc_gen_cat(g->a, x->ctype, " ", NULL);
        break;
    default:
        x->box = x->ctype;
        x->slot = qc_gen_cat(g->a, x->ctype, " *", NULL);
        break;
    }
}

const char *cg_alt_json_type(const qc_entity *t)
{
    static const char *const map[][2] = {
        { "string", "QAPIC_JSON_STRING" }, { "number", "QAPIC_JSON_NUMBER" },
        { "int", "QAPIC_JSON_NUMBER" }, { "boolean", "QAPIC_JSON_BOOL" },
        { "null", "QAPIC_JSON_NULL" }, { "object", "QAPIC_JSON_OBJECT" },
        { "array", "QAPIC_JSON_ARRAY" },
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (qc_entity_json_type(t)
            && !strcmp(map[i][0], qc_entity_json_type(t)))
            return map[i][1];
    return "QAPIC_JSON_NONE";
}

/* ---- members ----------------------------------------------------------- */

/* A kept definition needs TYPE: report it if the configuration drops it. */
static bool need_type(cg *g, const qc_entity *user, const char *what,
                      const char *name, const qc_entity *type)
{
    if (!type || cg_of(g, type)->in)
        return true;
    qc_loc loc = qc_entity_loc(user);
    /* Implicit types are named after the definition they belong to. */
    const char *of = qc_entity_is_implicit(user) && qc_entity_defn_name(user)
        ? qc_gen_cat(g->a, qc_entity_defn_meta(user), " '",
                     qc_entity_defn_name(user), "'", NULL)
        : qc_entity_describe(g->a, user);
    qc_diagnostic *dg = qc_error(
        g->d, loc, "gen-excluded-type",
        "%s%s%s%s of %s has type '%s', which this configuration leaves out",
        what, name ? " '" : "", name ? name : "", name ? "'" : "", of,
        type->name);
    if (user->has_info)
        qc_diag_in_definition(dg, qc_entity_defn_meta(user),
                              qc_entity_defn_name(user));
    g->failed = true;
    return false;
}

/* The doc of definition E; for an implicit object type, the doc of the
 * definition it belongs to (q_obj_migrate-arg: migrate's). */
static const qc_doc *doc_of(const cg *g, const qc_entity *e)
{
    if (!e || qc_entity_doc(e) || e->kind != QC_ENT_OBJECT || !qc_entity_defn_name(e)
        || !strcmp(qc_entity_defn_name(e), e->name))
        return e ? qc_entity_doc(e) : NULL;
    const qc_entity *owner = qc_schema_lookup(g->s, qc_entity_defn_name(e));
    return owner ? qc_entity_doc(owner) : NULL;
}

static void make_field(cg *g, cg_field *f, const qc_smember *m,
                       const char *what, const qc_entity *user)
{
    f->m = m;
    f->name = qc_gen_member_name(g->a, m->name);
    /* A mandatory member with a condition is absent from the JSON of a
     * QEMU built without it: unless the configuration is known, it needs
     * a presence flag too (the descriptor keeps it mandatory). */
    bool flag = m->optional
        || (m->role == QC_ROLE_MEMBER && m->cond && !g->o->configured);
    f->has = flag ? qc_gen_cat(g->a, "has_", f->name, NULL) : NULL;
    f->type = cg_of(g, m->type);
    const qc_entity *in = m->defined_in ? qc_schema_lookup(g->s, m->defined_in)
                                        : NULL;
    f->doc = cg_doc_member_text(g->a, doc_of(g, in), m->name);
    need_type(g, user, what, m->name, m->type);
}

static void view_object(cg *g, cg_ent *x)
{
    const qc_entity *e = x->e;
    x->fields = qc_arena_alloc(g->a, (e->nmembers + 1) * sizeof *x->fields);
    for (size_t i = 0; i < e->nmembers; i++) {
        const qc_smember *m = e->members[i];
        if (!cg_cond_kept(g, m->cond))
            continue;
        if (e->variants && m == e->variants->tag_member)
            x->tag_index = x->nfields;
        make_field(g, &x->fields[x->nfields++], m, "member", e);
    }
    if (!e->variants)
        return;
    const qc_variants *vs = e->variants;
    x->branches = qc_arena_alloc(g->a, (vs->n + 1) * sizeof *x->branches);
    const cg_ent *tag = cg_of(g, vs->tag_member->type);
    x->ntags = tag->nvalues;
    x->by_tag = qc_arena_alloc(g->a, (x->ntags + 1) * sizeof *x->by_tag);
    x->by_tag_cond = qc_arena_alloc(g->a,
                                    (x->ntags + 1) * sizeof *x->by_tag_cond);
    for (size_t i = 0; i < vs->n; i++) {
        const qc_smember *v = vs->variants[i];
        size_t t = 0;
        while (t < tag->nvalues && strcmp(tag->values[t]->name, v->name))
            t++;
        /* A branch whose tag value the configuration drops is never
         * selected; one the configuration drops itself is tag-only. */
        if (t == tag->nvalues || !cg_cond_kept(g, v->cond))
            continue;
        x->by_tag_cond[t] = v->cond;
        if (v->type == g->s->the_empty_object)
            continue;
        cg_field *f = &x->branches[x->nbranches++];
        make_field(g, f, v, "branch", e);
        f->doc = NULL;
        x->by_tag[t] = f;
    }
}

static void view_alternate(cg *g, cg_ent *x)
{
    const qc_variants *vs = x->e->variants;
    x->fields = qc_arena_alloc(g->a, (vs->n + 1) * sizeof *x->fields);
    for (size_t i = 0; i < vs->n; i++) {
        const qc_smember *v = vs->variants[i];
        if (cg_cond_kept(g, v->cond))
            make_field(g, &x->fields[x->nfields++], v, "branch", x->e);
    }
}

/* QEMU pastes an enum's 'prefix' into its constants as it is. */
static bool prefix_usable(cg *g, const qc_entity *e)
{
    const char *p = e->prefix;
    if (!p || !*p || qc_gen_is_identifier(p)
        || (p[0] >= '0' && p[0] <= '9' && qc_gen_is_identifier(p + 1)))
        return true;
    qc_diagnostic *dg = qc_error(g->d, qc_entity_loc(e), "gen-bad-enum-prefix",
                                 "'prefix' '%s' of %s cannot be part of a C "
                                 "identifier", p, qc_entity_describe(g->a, e));
    qc_diag_in_definition(dg, qc_entity_defn_meta(e),
                          qc_entity_defn_name(e));
    g->failed = true;
    return false;
}

static void view_enum(cg *g, cg_ent *x)
{
    const qc_entity *e = x->e;
    prefix_usable(g, e);
    x->values = qc_arena_alloc(g->a, (e->nvalues + 1) * sizeof *x->values);
    x->consts = qc_arena_alloc(g->a, (e->nvalues + 1) * sizeof *x->consts);
    for (size_t i = 0; i < e->nvalues; i++) {
        if (!cg_cond_kept(g, e->values[i]->cond))
            continue;
        x->values[x->nvalues] = e->values[i];
        x->consts[x->nvalues++] = qc_gen_cat(g->a, g->pu, "_", qc_gen_enum_const(g->a, e->name, e->values[i]->name, e->prefix), NULL);
    }
    x->max = qc_gen_cat(g->a, g->pu, "_", qc_gen_enum_const(g->a, e->name, "_MAX",
                                               e->prefix), NULL);
    x->unknown = qc_gen_cat(g->a, g->pu, "_", qc_gen_enum_const(g->a, e->name, "_UNKNOWN",
                                                   e->prefix), NULL);
}

/* ---- definition order -------------------------------------------------- */

/* Unions embed their branch objects by value, so a branch's type must be
 * complete first.  Depth-first in definition order.  A union that
 * contains itself this way never gets here: the schema check rejects it
 * ("contains itself"), as QEMU's does. */
static void order_object(cg *g, cg_ent *x)
{
    if (x->state)
        return;
    x->state = 1;
    for (size_t i = 0; i < x->nbranches; i++)
        if (x->branches[i].type->e->kind == QC_ENT_OBJECT)
            order_object(g, x->branches[i].type);
    qc_ptrvec_push(g->a, &g->order, x);
}

/* ---- the view ---------------------------------------------------------- */

static void keep_entities(cg *g)
{
    for (size_t i = 0; i < g->s->n_entities; i++) {
        const qc_entity *e = g->s->entities[i];
        cg_ent *x = &g->ents[i];
        x->e = e;
        if (e->kind == QC_ENT_INCLUDE)
            continue;
        /* An array's condition is its element type's, which may come
         * later (forward references): see below. */
        x->in = e->kind == QC_ENT_BUILTIN || cg_cond_kept(g, qc_entity_cond(e));
        x->cname = qc_c_name(g->a, e->name, false);
        x->doc = doc_of(g, e);
        x->features = qc_arena_alloc(g->a,
                                     (qc_entity_nfeatures(e) + 1) * sizeof *x->features);
        for (size_t j = 0; j < qc_entity_nfeatures(e); j++)
            if (cg_cond_kept(g, qc_entity_features(e)[j]->cond))
                x->features[x->nfeatures++] = qc_entity_features(e)[j];
    }
    for (size_t i = 0; i < g->s->n_entities; i++) {
        cg_ent *x = &g->ents[i];
        const qc_entity *e = x->e;
        if (e->kind == QC_ENT_ARRAY)
            x->in = x->in && cg_of(g, e->element_type)->in;
        if (qc_entity_is_type(e))
            name_type(g, x);
        if (!x->in)
            x->gen = false;
    }
}

bool cg_view(cg *g)
{
    g->ents = qc_arena_alloc(g->a, (g->s->n_entities + 1) * sizeof *g->ents);
    g->idents = qc_idents_new(g->a);
    keep_entities(g);
    claim_fixed(g);
    /* Enums first: unions need their tag enum's kept values. */
    for (size_t i = 0; i < g->s->n_entities; i++)
        if (g->ents[i].in && g->ents[i].e->kind == QC_ENT_ENUM)
            view_enum(g, &g->ents[i]);
    for (size_t i = 0; i < g->s->n_entities; i++) {
        cg_ent *x = &g->ents[i];
        const qc_entity *e = x->e;
        if (!x->in)
            continue;
        if (e->kind == QC_ENT_OBJECT && x->gen)
            view_object(g, x);
        else if (e->kind == QC_ENT_ALTERNATE)
            view_alternate(g, x);
        else if (e->kind == QC_ENT_ARRAY)
            need_type(g, e, "the element", NULL, e->element_type);
        else if (e->kind == QC_ENT_COMMAND) {
            need_type(g, e, "the argument", NULL, e->arg_type);
            need_type(g, e, "the return value", NULL, e->ret_type);
        } else if (e->kind == QC_ENT_EVENT)
            need_type(g, e, "the data", NULL, e->arg_type);
        if (x->gen)
            claim_type(g, x);
        else if (e->kind == QC_ENT_COMMAND || e->kind == QC_ENT_EVENT)
            claim_command_or_event(g, x);
    }
    if (g->failed)
        return false;
    for (size_t i = 0; i < g->s->n_entities; i++) {
        cg_ent *x = &g->ents[i];
        if (x->gen && (x->e->kind == QC_ENT_OBJECT
                       || x->e->kind == QC_ENT_ALTERNATE))
            order_object(g, x);
    }
    return !g->failed;
}
