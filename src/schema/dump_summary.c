/* The summary listing: counts per kind, one line per command; see dump.h. */
#include "schema/dump.h"

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
        for (size_t j = 0; j < qc_entity_nfeatures(e); j++)
            qc_buf_printf(b, " [%s]", qc_entity_features(e)[j]->name);
        if (qc_entity_cond(e)) {
            qc_buf_puts(b, " if ");
            qc_cond_repr(b, qc_entity_cond(e));
        }
        qc_buf_putc(b, '\n');
    }
}
