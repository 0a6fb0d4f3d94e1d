/* NAME-types-MODULE.c: the descriptors of one module's types, commands and
 * events, and the typed wrappers of its types.  Tables, not code: every
 * offset is offsetof() and every size sizeof() of the generated types, so
 * the compiler, not the generator, decides the layout.
 *
 * Conditions and feature lists are emitted once per file (static, before
 * their first use); everything static is named NAME__x..., which no schema
 * name can produce (NAME_ followed by a schema name never continues with
 * an underscore and a lower-case letter). */
#include <string.h>

#include "gen/cgen.h"
#include "base/hashmap.h"

typedef struct tctx {
    cg *g;
    qc_emit pre;            /* conditions and features */
    qc_emit body;
    qc_hashmap *conds;      /* repr -> static name */
    qc_hashmap *feats;      /* key -> static name */
    size_t nconds, nfeats;
} tctx;

/* ---- conditions and features ------------------------------------------ */

static const char *cond_kind(qc_cond_kind k)
{
    switch (k) {
    case QC_COND_NAME: return "QAPIC_COND_NAME";
    case QC_COND_ALL: return "QAPIC_COND_ALL";
    case QC_COND_ANY: return "QAPIC_COND_ANY";
    default: return "QAPIC_COND_NOT";
    }
}

/* "&NAME__cN" for C (emitted on first use), or "NULL". */
static const char *cond_ref(tctx *t, const qc_cond *c)
{
    if (!c)
        return "NULL";
    cg *g = t->g;
    qc_buf key = QC_BUF_INIT;
    qc_cond_repr(&key, c);
    const char *have = qc_hashmap_get(t->conds, key.data);
    if (have) {
        qc_buf_free(&key);
        return have;
    }
    const char **args = qc_arena_alloc(g->a, (c->nargs + 1) * sizeof *args);
    for (size_t i = 0; i < c->nargs; i++)
        args[i] = cond_ref(t, c->args[i]);
    size_t n = t->nconds++;
    if (c->nargs) {
        qc_emit_f(&t->pre, "static const qapic_cond *const %s__c%z_args[] = {",
                  g->p, n);
        for (size_t i = 0; i < c->nargs; i++)
            qc_emit_f(&t->pre, "%s %s", i ? "," : "", args[i]);
        qc_emit_s(&t->pre, " };\n");
    }
    qc_buf text = QC_BUF_INIT;
    qc_gen_cond_c(&text, c);
    qc_emit_f(&t->pre, "static const qapic_cond %s__c%z = { %s, %S, ", g->p,
              n, cond_kind(c->kind),
              c->kind == QC_COND_NAME ? c->name : NULL);
    if (c->nargs)
        qc_emit_f(&t->pre, "%s__c%z_args, %z, ", g->p, n, c->nargs);
    else
        qc_emit_s(&t->pre, "NULL, 0, ");
    qc_emit_f(&t->pre, "%S };\n", text.data);
    qc_buf_free(&text);
    const char *ref = qc_arena_printf(g->a, "&%s__c%zu", g->p, n);
    qc_hashmap_put(t->conds, qc_arena_strdup(g->a, key.data), (void *)ref);
    qc_buf_free(&key);
    return ref;
}

/* The static array of the kept features among FS ("NULL" when none),
 * emitted on first use; *KEPT gets their number. */
static const char *features_ref(tctx *t, qc_feature *const *fs, size_t n,
                                size_t *kept)
{
    cg *g = t->g;
    qc_buf key = QC_BUF_INIT;
    *kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cg_cond_kept(g, fs[i]->cond))
            continue;
        (*kept)++;
        qc_buf_puts(&key, fs[i]->name);
        qc_buf_putc(&key, ' ');
        qc_cond_repr(&key, fs[i]->cond);
        qc_buf_putc(&key, '\n');
    }
    if (!*kept) {
        qc_buf_free(&key);
        return "NULL";
    }
    const char *have = qc_hashmap_get(t->feats, key.data);
    if (!have) {
        const char **conds = qc_arena_alloc(g->a, n * sizeof *conds);
        for (size_t i = 0; i < n; i++)
            conds[i] = cg_cond_kept(g, fs[i]->cond)
                ? cond_ref(t, fs[i]->cond) : NULL;
        size_t id = t->nfeats++;
        qc_emit_f(&t->pre, "static const qapic_feature %s__f%z[] = {", g->p,
                  id);
        for (size_t i = 0, k = 0; i < n; i++)
            if (conds[i])
                qc_emit_f(&t->pre, "%s { %S, %s }", k++ ? "," : "",
                          fs[i]->name, conds[i]);
        qc_emit_s(&t->pre, " };\n");
        have = qc_arena_printf(g->a, "%s__f%zu", g->p, id);
        qc_hashmap_put(t->feats, qc_arena_strdup(g->a, key.data),
                       (void *)have);
    }
    qc_buf_free(&key);
    return have;
}

/* Flags: FLAGS ("0" for none) and the feature bits of FS. */
static const char *flags_of(tctx *t, const char *flags,
                            qc_feature *const *fs, size_t n)
{
    const char *feat = cg_feature_flags(t->g, fs, n);
    if (!strcmp(feat, "0"))
        return flags;
    if (!strcmp(flags, "0"))
        return feat;
    return qc_gen_cat(t->g->a, flags, " | ", feat, NULL);
}

/* The descriptor fields every definition has: flags, cond, features, doc;
 * left out when zero. */
static void common_fields(tctx *t, const cg_ent *x, const char *flags)
{
    qc_emit *o = &t->body;
    flags = flags_of(t, flags, x->features, x->nfeatures);
    if (strcmp(flags, "0"))
        qc_emit_f(o, ".flags = %s,\n", flags);
    if (qc_entity_cond(x->e))
        qc_emit_f(o, ".cond = %s,\n", cond_ref(t, qc_entity_cond(x->e)));
    size_t kept;
    const char *fs = features_ref(t, x->features, x->nfeatures, &kept);
    if (kept)
        qc_emit_f(o, ".features = %s,\n.nfeatures = %z,\n", fs, kept);
    const char *doc = cg_doc_body(x->doc && x->doc == qc_entity_doc(x->e) ? x->doc
                                                                : NULL);
    if (doc)
        qc_emit_f(o, ".doc = %S,\n", doc);
}

/* ---- types ------------------------------------------------------------- */

static void member_table(tctx *t, const cg_ent *x)
{
    cg *g = t->g;
    qc_emit *o = &t->body;
    if (!x->nfields)
        return;
    qc_emit_f(o, "static const qapic_member %s__m_%s[] = {\n", g->p, x->cname);
    qc_emit_in(o);
    for (size_t i = 0; i < x->nfields; i++) {
        const cg_field *f = &x->fields[i];
        const qc_smember *m = f->m;
        size_t kept;
        const char *fs = features_ref(t, m->features, m->nfeatures, &kept);
        qc_emit_f(o, "{ %S, &%s, offsetof(%s, %s), ", m->name, f->type->desc,
                  x->ctype, f->name);
        if (f->has)
            qc_emit_f(o, "offsetof(%s, %s), ", x->ctype, f->has);
        else
            qc_emit_s(o, "QAPIC_NO_OFFSET, ");
        qc_emit_f(o, "%s, %s, %s, %z, %S },\n",
                  flags_of(t, m->optional ? "QAPIC_MEMBER_OPTIONAL" : "0",
                           m->features, m->nfeatures),
                  cond_ref(t, m->cond), fs, kept, f->doc);
    }
    qc_emit_out(o);
    qc_emit_s(o, "};\n");
}

static void branch_table(tctx *t, const cg_ent *x)
{
    cg *g = t->g;
    qc_emit *o = &t->body;
    if (!x->ntags)
        return;
    qc_emit_f(o, "static const qapic_branch %s__b_%s[] = {\n", g->p, x->cname);
    qc_emit_in(o);
    for (size_t i = 0; i < x->ntags; i++) {
        const cg_field *f = x->by_tag[i];
        qc_emit_f(o, "{ %s%s, %s },\n", f ? "&" : "",
                  f ? f->type->desc : "NULL", cond_ref(t, x->by_tag_cond[i]));
    }
    qc_emit_out(o);
    qc_emit_s(o, "};\n");
}

static void object_desc(tctx *t, const cg_ent *x)
{
    cg *g = t->g;
    qc_emit *o = &t->body;
    member_table(t, x);
    bool is_union = x->e->variants != NULL;
    if (is_union)
        branch_table(t, x);
    qc_emit_f(o, "const qapic_type %s = {\n", x->desc);
    qc_emit_in(o);
    qc_emit_f(o, ".name = %S,\n.kind = %s,\n.size = sizeof(%s),\n",
              x->e->name, is_union ? "QAPIC_KIND_UNION" : "QAPIC_KIND_STRUCT",
              x->ctype);
    common_fields(t, x, "0");
    if (x->nfields)
        qc_emit_f(o, ".u.object.members = %s__m_%s,\n.u.object.n = %z,\n",
                  g->p, x->cname, x->nfields);
    qc_emit_f(o, ".u.object.extra_offset = offsetof(%s, _extra),\n",
              x->ctype);
    if (is_union) {
        qc_emit_f(o, ".u.object.tag_index = %z,\n"
                     ".u.object.variant_offset = offsetof(%s, u),\n",
                  x->tag_index, x->ctype);
        if (x->ntags)
            qc_emit_f(o, ".u.object.branches = %s__b_%s,\n", g->p, x->cname);
    }
    qc_emit_out(o);
    qc_emit_s(o, "};\n");
}

static void alternate_desc(tctx *t, const cg_ent *x)
{
    cg *g = t->g;
    qc_emit *o = &t->body;
    if (x->nfields) {
        qc_emit_f(o, "static const qapic_alt_branch %s__a_%s[] = {\n", g->p,
                  x->cname);
        qc_emit_in(o);
        for (size_t i = 0; i < x->nfields; i++) {
            const cg_field *f = &x->fields[i];
            qc_emit_f(o, "{ %S, &%s, %s, offsetof(%s, u.%s), %s },\n",
                      f->m->name, f->type->desc,
                      cg_alt_json_type(f->type->e), x->ctype, f->name,
                      cond_ref(t, f->m->cond));
        }
        qc_emit_out(o);
        qc_emit_s(o, "};\n");
    }
    qc_emit_f(o, "const qapic_type %s = {\n", x->desc);
    qc_emit_in(o);
    qc_emit_f(o, ".name = %S,\n.kind = QAPIC_KIND_ALTERNATE,\n"
                 ".size = sizeof(%s),\n", x->e->name, x->ctype);
    common_fields(t, x, "0");
    if (x->nfields)
        qc_emit_f(o, ".u.alternate.branches = %s__a_%s,\n"
                     ".u.alternate.n = %z,\n", g->p, x->cname, x->nfields);
    qc_emit_f(o, ".u.alternate.type_offset = offsetof(%s, type),\n"
                 ".u.alternate.raw_offset = offsetof(%s, _raw),\n",
              x->ctype, x->ctype);
    qc_emit_out(o);
    qc_emit_s(o, "};\n");
}

static void enum_desc(tctx *t, const cg_ent *x)
{
    cg *g = t->g;
    qc_emit *o = &t->body;
    if (x->nvalues) {
        qc_emit_f(o, "static const qapic_enum_value %s__v_%s[] = {\n", g->p,
                  x->cname);
        qc_emit_in(o);
        for (size_t i = 0; i < x->nvalues; i++) {
            const qc_smember *v = x->values[i];
            size_t kept;
            const char *fs = features_ref(t, v->features, v->nfeatures, &kept);
            qc_emit_f(o, "{ %S, %s, %s, %s, %z },\n", v->name,
                      flags_of(t, "0", v->features, v->nfeatures),
                      cond_ref(t, v->cond), fs, kept);
        }
        qc_emit_out(o);
        qc_emit_s(o, "};\n");
    }
    qc_emit_f(o, "const qapic_type %s = {\n", x->desc);
    qc_emit_in(o);
    qc_emit_f(o, ".name = %S,\n.kind = QAPIC_KIND_ENUM,\n"
                 ".size = sizeof(qapic_enum_box),\n", x->e->name);
    common_fields(t, x, "0");
    if (x->nvalues)
        qc_emit_f(o, ".u.enumeration.values = %s__v_%s,\n"
                     ".u.enumeration.n = %z,\n", g->p, x->cname, x->nvalues);
    qc_emit_out(o);
    qc_emit_s(o, "};\n");
    qc_emit_f(o,
        "const char *%s_str(%s value)\n"
        "{\n    return qapic_enum_name(&%s, (int)value);\n}\n"
        "%s %s_parse(const char *name)\n"
        "{\n    return (%s)qapic_enum_parse(&%s, name);\n}\n",
        x->ctype, x->ctype, x->desc, x->ctype, x->ctype, x->ctype, x->desc);
}

static void list_desc(tctx *t, const cg_ent *x)
{
    const cg_ent *el = cg_of(t->g, x->e->element_type);
    qc_emit_f(&t->body,
        "const qapic_type %s = {\n"
        "    .name = %S,\n    .kind = QAPIC_KIND_LIST,\n"
        "    .size = sizeof(qapic_list),\n", x->desc, x->e->name);
    /* An array's condition is its element type's. */
    if (qc_entity_cond(x->e))
        qc_emit_f(&t->body, "    .cond = %s,\n", cond_ref(t, qc_entity_cond(x->e)));
    qc_emit_f(&t->body, "    .u.list.element = &%s,\n};\n", el->desc);
}

/* The typed wrappers are the same five functions for every type: one
 * macro per file writes them (the header declares each one). */
static void wrappers_macro(cg *g, qc_emit *o)
{
    qc_emit_f(o,
        "/* The typed wrappers of type T (box type B, descriptor D). */\n"
        "#define %s__wrappers(T, B, D) \\\n"
        "    B *T##_from_json(struct json_object *json, unsigned flags, \\\n"
        "                     qapic_error **err) \\\n"
        "    { return qapic_decode(&D, json, flags, NULL, err); } \\\n"
        "    struct json_object *T##_to_json(const B *value, qapic_error **err) \\\n"
        "    { return qapic_encode(&D, value, NULL, err); } \\\n"
        "    void T##_free(B *value) { qapic_free(&D, value); } \\\n"
        "    B *T##_copy(const B *value, qapic_error **err) \\\n"
        "    { return qapic_copy(&D, value, err); } \\\n"
        "    bool T##_equal(const B *a, const B *b) \\\n"
        "    { return qapic_equal(&D, a, b); }\n\n", g->p);
}

static void wrappers(tctx *t, const cg_ent *x)
{
    qc_emit_f(&t->body, "%s__wrappers(%s, %s, %s)\n", t->g->p, x->ctype,
              x->box, x->desc);
}

/* Compile-time checks that the C layout is what the runtime assumes. */
static void layout_asserts(tctx *t, const cg_ent *x)
{
    if (x->e->kind == QC_ENT_ENUM)
        qc_emit_f(&t->body,
            "_Static_assert(sizeof(%s) == sizeof(int), \"%s is int-sized\");\n",
            x->ctype, x->ctype);
    else if (x->e->kind == QC_ENT_ARRAY)
        qc_emit_f(&t->body,
            "_Static_assert(sizeof(%s) == sizeof(qapic_list)\n"
            "               && offsetof(%s, n) == offsetof(qapic_list, n)\n"
            "               && offsetof(%s, _raw) == offsetof(qapic_list, _raw),\n"
            "               \"%s has the layout of qapic_list\");\n",
            x->ctype, x->ctype, x->ctype, x->ctype);
}

static void type_desc(tctx *t, const cg_ent *x)
{
    qc_emit_f(&t->body, "\n/* %s */\n", x->e->name);
    layout_asserts(t, x);
    switch (x->e->kind) {
    case QC_ENT_ENUM:
        enum_desc(t, x);
        break;
    case QC_ENT_ARRAY:
        list_desc(t, x);
        break;
    case QC_ENT_ALTERNATE:
        alternate_desc(t, x);
        break;
    default:
        object_desc(t, x);
        break;
    }
    wrappers(t, x);
}

/* ---- commands and events ----------------------------------------------- */

static const char *command_flags(cg *g, const qc_entity *e)
{
    const char *parts[6];
    size_t n = 0;
    if (e->boxed)
        parts[n++] = "QAPIC_COMMAND_BOXED";
    if (e->allow_oob)
        parts[n++] = "QAPIC_COMMAND_ALLOW_OOB";
    if (e->allow_preconfig)
        parts[n++] = "QAPIC_COMMAND_ALLOW_PRECONFIG";
    if (!e->success_response)
        parts[n++] = "QAPIC_COMMAND_NO_SUCCESS_RESPONSE";
    if (e->coroutine)
        parts[n++] = "QAPIC_COMMAND_COROUTINE";
    if (!e->gen)
        parts[n++] = "QAPIC_COMMAND_GEN_FALSE";
    if (!n)
        return "0";
    const char *flags = parts[0];
    for (size_t i = 1; i < n; i++)
        flags = qc_gen_cat(g->a, flags, " | ", parts[i], NULL);
    return flags;
}

static const char *type_ref(const cg *g, const qc_entity *e)
{
    return e ? qc_gen_cat(g->a, "&", cg_of(g, e)->desc, NULL) : "NULL";
}

static void command_desc(tctx *t, const cg_ent *x)
{
    cg *g = t->g;
    qc_emit *o = &t->body;
    qc_emit_f(o, "\nconst qapic_command %s_CMD_%s = {\n", g->p, x->cname);
    qc_emit_in(o);
    qc_emit_f(o, ".name = %S,\n.arg_type = %s,\n.ret_type = %s,\n",
              x->e->name, type_ref(g, x->e->arg_type),
              type_ref(g, x->e->ret_type));
    common_fields(t, x, command_flags(g, x->e));
    qc_emit_out(o);
    qc_emit_s(o, "};\n");
}

static void event_desc(tctx *t, const cg_ent *x)
{
    cg *g = t->g;
    qc_emit *o = &t->body;
    qc_emit_f(o, "\nconst qapic_event %s_EVENT_%s = {\n", g->p, x->cname);
    qc_emit_in(o);
    qc_emit_f(o, ".name = %S,\n.data_type = %s,\n", x->e->name,
              type_ref(g, x->e->arg_type));
    common_fields(t, x, x->e->boxed ? "QAPIC_EVENT_BOXED" : "0");
    qc_emit_out(o);
    qc_emit_s(o, "};\n");
}

void cg_module_source(cg *g, const qc_smodule *m, qc_emit *out)
{
    tctx t = { g, QC_EMIT_INIT, QC_EMIT_INIT, qc_hashmap_new(g->a),
               qc_hashmap_new(g->a), 0, 0 };
    for (size_t i = 0; i < m->n; i++) {
        const cg_ent *x = cg_of(g, m->entities[i]);
        if (x->gen)
            type_desc(&t, x);
        else if (x->in && x->e->kind == QC_ENT_COMMAND)
            command_desc(&t, x);
        else if (x->in && x->e->kind == QC_ENT_EVENT)
            event_desc(&t, x);
    }
    cg_file_banner(g, out, qc_arena_printf(g->a, "Descriptors and typed "
                   "functions of the schema module %s.", m->name));
    qc_emit_f(out, "#define %s_NO_DEPRECATION_WARNINGS 1\n"
                   "#include \"%s-types.h\"\n\n", g->pu, g->p);
    wrappers_macro(g, out);
    qc_emit_take(out, &t.pre);
    qc_emit_take(out, &t.body);
    qc_emit_free(&t.pre);
    qc_emit_free(&t.body);
}
