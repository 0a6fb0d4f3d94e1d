/* The module-ordered walk; see visit.h. */
#include "schema/visit.h"

static void visit_entity(const qc_visitor *v, const qc_entity *e)
{
    void (*fn)(void *, const qc_entity *) = NULL;
    switch (e->kind) {
    case QC_ENT_INCLUDE: fn = v->include; break;
    case QC_ENT_BUILTIN: fn = v->builtin; break;
    case QC_ENT_ENUM: fn = v->enum_type; break;
    case QC_ENT_ARRAY: fn = v->array_type; break;
    case QC_ENT_OBJECT: fn = v->object_type; break;
    case QC_ENT_ALTERNATE: fn = v->alternate_type; break;
    case QC_ENT_COMMAND: fn = v->command; break;
    case QC_ENT_EVENT: fn = v->event; break;
    }
    if (fn && (!v->needed || v->needed(v->ctx, e)))
        fn(v->ctx, e);
}

void qc_schema_visit(const qc_schema *s, const qc_visitor *v)
{
    if (v->begin)
        v->begin(v->ctx, s);
    for (size_t m = 0; m < s->n_modules; m++) {
        const qc_smodule *mod = s->modules[m];
        if (v->module)
            v->module(v->ctx, mod);
        for (size_t i = 0; i < mod->n; i++)
            visit_entity(v, mod->entities[i]);
    }
    if (v->end)
        v->end(v->ctx, s);
}
