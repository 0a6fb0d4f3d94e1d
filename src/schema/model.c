/* Questions about entities of the model (their kinds, descriptions). */
#include "schema/schema.h"

#include <string.h>

bool qc_entity_is_implicit(const qc_entity *e)
{
    switch (e->kind) {
    case QC_ENT_ARRAY:
        return true;
    case QC_ENT_OBJECT:
        return strncmp(e->name, "q_", 2) == 0;
    case QC_ENT_ENUM:
        return strcmp(e->name, "QType") == 0;
    default:
        return !e->has_info;
    }
}

const char *qc_entity_describe(qc_arena *a, const qc_entity *e)
{
    switch (e->kind) {
    case QC_ENT_ARRAY:
        return qc_arena_printf(a, "array type ['%s']", e->element_name);
    case QC_ENT_COMMAND:
    case QC_ENT_EVENT:
        return qc_arena_printf(a, "%s '%s'", qc_entity_meta(e), e->name);
    case QC_ENT_INCLUDE:
        return "include";
    default:
        return qc_arena_printf(a, "%s type '%s'", qc_entity_meta(e), e->name);
    }
}

const char *qc_entity_alternate_qtype(const qc_entity *e)
{
    const char *j = qc_entity_json_type(e);
    if (!j)
        return NULL;
    if (strcmp(j, "null") == 0) return "QTYPE_QNULL";
    if (strcmp(j, "string") == 0) return "QTYPE_QSTRING";
    if (strcmp(j, "number") == 0 || strcmp(j, "int") == 0) return "QTYPE_QNUM";
    if (strcmp(j, "boolean") == 0) return "QTYPE_QBOOL";
    if (strcmp(j, "array") == 0) return "QTYPE_QLIST";
    if (strcmp(j, "object") == 0) return "QTYPE_QDICT";
    return NULL;
}
