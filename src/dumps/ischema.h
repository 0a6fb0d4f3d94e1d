/* An introspected QMP schema: the return value of query-qmp-schema (an
 * array of SchemaInfo objects), indexed by name.  Schema queries, the
 * validator and the compatibility rules read it; dumps/load.h makes one
 * from a capability dump, introspection JSON or a source schema. */
#ifndef QC_ISCHEMA_H
#define QC_ISCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "syntax/value.h"

typedef struct qc_ischema qc_ischema;

/* Indexes ARRAY (entries that are objects with a string "name"; others
 * are skipped -- the soundness check reports them).  ARRAY must outlive the
 * index. */
qc_ischema *qc_ischema_new(qc_arena *a, const qc_value *array);

const qc_value *qc_ischema_lookup(const qc_ischema *s, const char *name);
size_t qc_ischema_size(const qc_ischema *s);
const qc_value *qc_ischema_entry(const qc_ischema *s, size_t i);
const qc_value *qc_ischema_array(const qc_ischema *s);

/* True when V (an entry, member or enum value) lists feature FEAT. */
bool qc_ischema_has_feature(const qc_value *v, const char *feat);

#endif
