/* The test-qapi listing (QEMU's tests/qapi-schema/test-qapi.py visitor)
 * and the summary listing; see dump_testqapi.h. */
#include "schema/dump.h"

#include <string.h>

static void print_if(qc_buf *b, const qc_cond *c, size_t indent)
{
    if (!c)
        return;
    qc_buf_indent(b, indent);
    qc_buf_puts(b, "if ");
    qc_cond_repr(b, c);
    qc_buf_putc(b, '\n');
}

static void print_features(qc_buf *b, qc_feature **fs, size_t n,
                           size_t indent)
{
    for (size_t i = 0; i < n; i++) {
        qc_buf_indent(b, indent);
        qc_buf_printf(b, "feature %s\n", fs[i]->name);
        print_if(b, fs[i]->cond, indent + 4);
    }
}

static void print_variants(qc_buf *b, const qc_variants *vs)
{
    if (!vs)
        return;
    qc_buf_printf(b, "    tag %s\n", vs->tag_member ? vs->tag_member->name
                                                    : vs->tag_name);
    for (size_t i = 0; i < vs->n; i++) {
        const qc_smember *v = vs->variants[i];
        qc_buf_printf(b, "    case %s: %s\n", v->name,
                      v->type ? v->type->name : v->type_name);
        print_if(b, v->cond, 8);
    }
}

static const char *py_bool(bool v)
{
    return v ? "True" : "False";
}

static void dump_entity(qc_buf *b, const qc_entity *e)
{
    switch (e->kind) {
    case QC_ENT_BUILTIN:
        return;
    case QC_ENT_INCLUDE:
        qc_buf_printf(b, "include %s\n", e->included->name);
        return;
    case QC_ENT_ENUM:
        qc_buf_printf(b, "enum %s\n", e->name);
        if (e->prefix)
            qc_buf_printf(b, "    prefix %s\n", e->prefix);
        for (size_t i = 0; i < e->nvalues; i++) {
            qc_buf_printf(b, "    member %s\n", e->values[i]->name);
            print_if(b, e->values[i]->cond, 8);
            print_features(b, e->values[i]->features,
                           e->values[i]->nfeatures, 8);
        }
        break;
    case QC_ENT_ARRAY:
        if (!e->has_info)
            return;
        qc_buf_printf(b, "array %s %s\n", e->name, e->element_type->name);
        print_if(b, e->cond, 4);
        return;
    case QC_ENT_OBJECT:
        qc_buf_printf(b, "object %s\n", e->name);
        if (e->base)
            qc_buf_printf(b, "    base %s\n", e->base->name);
        for (size_t i = 0; i < e->nlocal_members; i++) {
            const qc_smember *m = e->local_members[i];
            qc_buf_printf(b, "    member %s: %s optional=%s\n", m->name,
                          m->type->name, py_bool(m->optional));
            print_if(b, m->cond, 8);
            print_features(b, m->features, m->nfeatures, 8);
        }
        print_variants(b, e->variants);
        break;
    case QC_ENT_ALTERNATE:
        qc_buf_printf(b, "alternate %s\n", e->name);
        print_variants(b, e->variants);
        break;
    case QC_ENT_COMMAND:
        qc_buf_printf(b, "command %s %s -> %s\n", e->name,
                      e->arg_type ? e->arg_type->name : "None",
                      e->ret_type ? e->ret_type->name : "None");
        qc_buf_printf(b, "    gen=%s success_response=%s boxed=%s oob=%s "
                      "preconfig=%s%s\n", py_bool(e->gen),
                      py_bool(e->success_response), py_bool(e->boxed),
                      py_bool(e->allow_oob), py_bool(e->allow_preconfig),
                      e->coroutine ? " coroutine=True" : "");
        break;
    case QC_ENT_EVENT:
        qc_buf_printf(b, "event %s %s\n", e->name,
                      e->arg_type ? e->arg_type->name : "None");
        qc_buf_printf(b, "    boxed=%s\n", py_bool(e->boxed));
        break;
    }
    print_if(b, e->cond, 4);
    print_features(b, e->features, e->nfeatures, 4);
}

void qc_dump_testqapi(qc_buf *b, const qc_schema *s)
{
    for (size_t m = 0; m < s->n_modules; m++) {
        const qc_smodule *mod = s->modules[m];
        qc_buf_printf(b, "module %s\n", mod->name);
        for (size_t i = 0; i < mod->n; i++)
            dump_entity(b, mod->entities[i]);
    }
    for (size_t i = 0; i < s->ast->docs.n; i++)
        qc_doc_dump(b, s->ast->docs.items[i]);
}

void qc_dump_summary(qc_buf *b, const qc_schema *s)
{
    size_t counts[QC_ENT_INCLUDE + 1] = { 0 };
    size_t structs = 0, unions = 0, implicit = 0;
    for (size_t i = 0; i < s->n_entities; i++) {
        const qc_entity *e = s->entities[i];
        if (!e->has_info && e->kind != QC_ENT_INCLUDE)
            continue;       /* builtins and predefined types */
        counts[e->kind]++;
        if (e->kind == QC_ENT_OBJECT) {
            if (qc_entity_is_implicit(e))
                implicit++;
            else if (e->variants)
                unions++;
            else
                structs++;
        }
    }
    size_t user_modules = s->n_modules ? s->n_modules - 1 : 0;
    qc_buf_printf(b, "schema %s: %zu module%s\n", s->path ? s->path : "?",
                  user_modules, user_modules == 1 ? "" : "s");
    qc_buf_printf(b, "  %zu enums, %zu structs, %zu unions, %zu alternates, "
                  "%zu arrays, %zu implicit objects\n",
                  counts[QC_ENT_ENUM], structs, unions,
                  counts[QC_ENT_ALTERNATE], counts[QC_ENT_ARRAY], implicit);
    qc_buf_printf(b, "  %zu commands, %zu events, %zu features\n",
                  counts[QC_ENT_COMMAND], counts[QC_ENT_EVENT],
                  s->n_feature_names);
    if (counts[QC_ENT_COMMAND])
        qc_buf_puts(b, "commands:\n");
    for (size_t i = 0; i < s->n_entities; i++) {
        const qc_entity *e = s->entities[i];
        if (e->kind != QC_ENT_COMMAND)
            continue;
        qc_buf_printf(b, "  %s(", e->name);
        const qc_entity *arg = e->arg_type;
        if (arg && e->boxed) {
            qc_buf_printf(b, "boxed %s", arg->name);
        } else if (arg) {
            for (size_t j = 0; j < arg->nmembers; j++) {
                const qc_smember *m = arg->members[j];
                qc_buf_printf(b, "%s%s%s: %s", j ? ", " : "",
                              m->optional ? "?" : "", m->name,
                              m->type ? m->type->name : "?");
            }
        }
        qc_buf_putc(b, ')');
        if (e->ret_type)
            qc_buf_printf(b, " -> %s", e->ret_type->name);
        for (size_t j = 0; j < e->nfeatures; j++)
            qc_buf_printf(b, " [%s]", e->features[j]->name);
        if (e->cond) {
            qc_buf_puts(b, " if ");
            qc_cond_repr(b, e->cond);
        }
        qc_buf_putc(b, '\n');
    }
}
