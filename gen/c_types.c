/* NAME-types.h: a C type per QAPI type, laid out as runtime/qapic/types.h
 * describes, and the declarations of the descriptors and typed wrappers.
 *
 * Order, so that the header compiles: the descriptors (they only need the
 * runtime's types), all enums, typedefs of every struct, then the list
 * structs (pointers and enums only), then objects and alternates with
 * union branches (embedded by value) before the unions using them. */
#include <string.h>

#include "gen/cgen.h"

static void preamble(cg *g, qc_emit *o)
{
    cg_file_banner(g, o, "C types of the QAPI schema, their descriptors and "
                         "typed functions.");
    qc_emit_f(o,
        "#ifndef %s__TYPES_H\n"
        "#define %s__TYPES_H\n"
        "\n"
        "#include <stdbool.h>\n"
        "#include <stddef.h>\n"
        "#include <stdint.h>\n"
        "\n"
        "#include <qapic/codec.h>\n"
        "\n"
        "/* Definitions the schema marks deprecated or unstable carry these\n"
        " * attributes; define %s_NO_DEPRECATION_WARNINGS to silence them. */\n"
        "#if defined(%s_NO_DEPRECATION_WARNINGS) || !defined(__GNUC__)\n"
        "#ifndef %s_DEPRECATED\n#define %s_DEPRECATED\n#endif\n"
        "#ifndef %s_UNSTABLE\n#define %s_UNSTABLE\n#endif\n"
        "#else\n"
        "#ifndef %s_DEPRECATED\n"
        "#define %s_DEPRECATED __attribute__((deprecated))\n#endif\n"
        "#ifndef %s_UNSTABLE\n"
        "#define %s_UNSTABLE __attribute__((deprecated(\"unstable\")))\n"
        "#endif\n"
        "#endif\n"
        "\n"
        "#ifdef __cplusplus\n"
        "extern \"C\" {\n"
        "#endif\n\n",
        g->pu, g->pu, g->pu, g->pu, g->pu, g->pu, g->pu, g->pu, g->pu,
        g->pu, g->pu, g->pu);
}

static void descriptors(cg *g, qc_emit *o)
{
    qc_emit_f(o,
        "/** Every type, command and event of the bindings (sorted tables). */\n"
        "extern const qapic_schema %s_schema;\n"
        "/** The descriptor of the type, command or event NAME, or NULL. */\n"
        "const qapic_type *%s_type(const char *name);\n"
        "const qapic_command *%s_command(const char *name);\n"
        "const qapic_event *%s_event(const char *name);\n\n",
        g->p, g->p, g->p, g->p);
    for (size_t i = 0; i < g->s->n_entities; i++) {
        const cg_ent *x = &g->ents[i];
        if (x->gen)
            qc_emit_f(o, "extern const qapic_type %s;\n", x->desc);
    }
    for (size_t i = 0; i < g->s->n_entities; i++) {
        const cg_ent *x = &g->ents[i];
        if (!x->in)
            continue;
        if (x->e->kind == QC_ENT_COMMAND)
            qc_emit_f(o, "extern const qapic_command %s_CMD_%s;\n", g->p,
                      x->cname);
        else if (x->e->kind == QC_ENT_EVENT)
            qc_emit_f(o, "extern const qapic_event %s_EVENT_%s;\n", g->p,
                      x->cname);
    }
    qc_emit_s(o, "\n");
}

static void wrappers(qc_emit *o, const cg_ent *x)
{
    const char *t = x->ctype, *b = x->box;
    qc_emit_f(o,
        "%s *%s_from_json(struct json_object *json, unsigned flags,\n"
        "    qapic_error **err);\n"
        "struct json_object *%s_to_json(const %s *value, qapic_error **err);\n"
        "void %s_free(%s *value);\n"
        "%s *%s_copy(const %s *value, qapic_error **err);\n"
        "bool %s_equal(const %s *a, const %s *b);\n",
        b, t, t, b, t, b, b, t, b, t, b, b);
}

static void enum_type(cg *g, qc_emit *o, const cg_ent *x)
{
    cg_doc_definition(g, o, x, NULL, NULL);
    qc_emit_f(o, "typedef enum %s {\n", x->ctype);
    qc_emit_in(o);
    qc_emit_f(o, "%s = QAPIC_ENUM_UNKNOWN,\n", x->unknown);
    for (size_t i = 0; i < x->nvalues; i++) {
        const qc_smember *v = x->values[i];
        cg_doc_value(g, o, x, v);
        qc_emit_f(o, "%s%s = %z,\n", x->consts[i],
                  cg_feature_attr(g, v->features, v->nfeatures), i);
    }
    qc_emit_f(o, "%s = %z\n", x->max, x->nvalues);
    qc_emit_out(o);
    qc_emit_f(o, "} %s;\n", x->ctype);
    qc_emit_f(o,
        "/** The name of @p value, or NULL when it is out of range. */\n"
        "const char *%s_str(%s value);\n"
        "/** The value named @p name, or %s. */\n"
        "%s %s_parse(const char *name);\n",
        x->ctype, x->ctype, x->unknown, x->ctype, x->ctype);
    wrappers(o, x);
    qc_emit_s(o, "\n");
}

static void list_type(cg *g, qc_emit *o, const cg_ent *x)
{
    const cg_ent *el = cg_of(g, x->e->element_type);
    qc_emit_f(o, "/** A list of %s. */\n", el->e->name);
    qc_emit_f(o, "struct %s {\n", x->ctype);
    qc_emit_in(o);
    qc_emit_f(o, "%s*items;\n", el->slot);
    qc_emit_s(o, "size_t n;\n");
    qc_emit_s(o, "char **_raw;            /* private: unknown enum values */\n");
    qc_emit_out(o);
    qc_emit_s(o, "};\n");
    wrappers(o, x);
    qc_emit_s(o, "\n");
}

static void field(cg *g, qc_emit *o, const cg_field *f)
{
    cg_doc_field(g, o, f);
    if (f->has)
        qc_emit_f(o, "bool %s;\n", f->has);
    qc_emit_f(o, "%s%s%s;\n", f->type->slot, f->name,
              cg_feature_attr(g, f->m->features, f->m->nfeatures));
}

/* The union "u" of branches; a placeholder keeps it valid C when there is
 * no branch with members. */
static void branches(cg *g, qc_emit *o, const cg_field *fs, size_t n,
                     const char *comment, bool embed)
{
    qc_emit_f(o, "union {                 /* %s */\n", comment);
    qc_emit_in(o);
    for (size_t i = 0; i < n; i++) {
        const cg_field *f = &fs[i];
        cg_doc_field(g, o, f);
        /* Union branches embed their object by value. */
        if (embed)
            qc_emit_f(o, "%s %s;\n", f->type->ctype, f->name);
        else
            qc_emit_f(o, "%s%s;\n", f->type->slot, f->name);
    }
    if (!n)
        qc_emit_s(o, "char _none;\n");
    qc_emit_out(o);
    qc_emit_s(o, "} u;\n");
}

static const char *implicit_lead(cg *g, const cg_ent *x)
{
    const qc_entity *e = x->e;
    if (!qc_entity_is_implicit(e) || !qc_entity_defn_name(e))
        return NULL;
    if (qc_entity_defn_meta(e) && !strcmp(qc_entity_defn_meta(e), "command"))
        return qc_arena_printf(g->a, "Arguments of command `%s` (see %s_%s()).",
                               qc_entity_defn_name(e), g->p,
                               qc_c_name(g->a, qc_entity_defn_name(e), false));
    if (qc_entity_defn_meta(e) && !strcmp(qc_entity_defn_meta(e), "event"))
        return qc_arena_printf(g->a, "Data of event `%s`.",
                               qc_entity_defn_name(e));
    return qc_arena_printf(g->a, "Base members of `%s`.",
                           qc_entity_defn_name(e));
}

static void object_type(cg *g, qc_emit *o, const cg_ent *x)
{
    cg_doc_definition(g, o, x, implicit_lead(g, x), NULL);
    qc_emit_f(o, "struct %s {\n", x->ctype);
    qc_emit_in(o);
    for (size_t i = 0; i < x->nfields; i++)
        field(g, o, &x->fields[i]);
    if (x->e->variants)
        branches(g, o, x->branches, x->nbranches,
                 qc_arena_printf(g->a, "branches, selected by %s",
                                 x->fields[x->tag_index].name), true);
    qc_emit_s(o, "struct json_object *_extra;  /* private: unknown members */\n");
    qc_emit_out(o);
    qc_emit_s(o, "};\n");
    wrappers(o, x);
    qc_emit_s(o, "\n");
}

static void alternate_type(cg *g, qc_emit *o, const cg_ent *x)
{
    cg_doc_definition(g, o, x, NULL, NULL);
    qc_emit_f(o, "struct %s {\n", x->ctype);
    qc_emit_in(o);
    qc_emit_s(o, "qapic_json_type type;   /* selects the branch */\n");
    branches(g, o, x->fields, x->nfields, "alternatives", false);
    qc_emit_s(o, "struct json_object *_raw;    /* private: unknown shape */\n");
    qc_emit_out(o);
    qc_emit_s(o, "};\n");
    wrappers(o, x);
    qc_emit_s(o, "\n");
}

void cg_types_header(cg *g, qc_emit *o)
{
    preamble(g, o);
    descriptors(g, o);
    for (size_t i = 0; i < g->s->n_entities; i++)
        if (g->ents[i].gen && g->ents[i].e->kind == QC_ENT_ENUM)
            enum_type(g, o, &g->ents[i]);
    for (size_t i = 0; i < g->s->n_entities; i++) {
        const cg_ent *x = &g->ents[i];
        if (x->gen && x->e->kind != QC_ENT_ENUM)
            qc_emit_f(o, "typedef struct %s %s;\n", x->ctype, x->ctype);
    }
    qc_emit_s(o, "\n");
    for (size_t i = 0; i < g->s->n_entities; i++)
        if (g->ents[i].gen && g->ents[i].e->kind == QC_ENT_ARRAY)
            list_type(g, o, &g->ents[i]);
    for (size_t i = 0; i < g->order.n; i++) {
        const cg_ent *x = g->order.items[i];
        if (x->e->kind == QC_ENT_ALTERNATE)
            alternate_type(g, o, x);
        else
            object_type(g, o, x);
    }
    qc_emit_f(o,
        "#ifdef __cplusplus\n"
        "}\n"
        "#endif\n"
        "\n"
        "#endif /* %s__TYPES_H */\n", g->pu);
}
