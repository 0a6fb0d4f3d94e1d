/* An introspected QMP schema: the return value of query-qmp-schema (an
 * array of SchemaInfo objects), indexed by name.  Used by schema queries,
 * the capability-dump validator and the compatibility rules; a source
 * schema is brought to this form through its generated introspection. */
#ifndef QC_ISCHEMA_H
#define QC_ISCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "schema/options.h"
#include "base/source.h"
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

/* The "return" value of the first successful reply to COMMAND in a parsed
 * capability dump (VALS: the stream's values), or NULL. */
const qc_value *qc_replies_find_return(qc_value *const *vals, size_t n,
                                       const char *command);

/* The schema in the JSON values VALS (N > 0) read from SRC: an array
 * (introspection), a capability dump or QMP log (its query-qmp-schema
 * reply), or a lone QMP reply {"return": [...]}.  NULL after reporting. */
qc_ischema *qc_ischema_from_json(qc_arena *a, qc_diag *d,
                                 const qc_source *src, qc_value **vals,
                                 size_t n);

/* True when TEXT is JSON rather than a source schema: its first non-blank
 * character is '[', or '{' followed by '"' (QAPI quotes with '). */
bool qc_ischema_text_is_json(const char *text, size_t len);

/* Loads the schema of a SOURCE: a capability dump (.replies or any other
 * JSON stream: its query-qmp-schema reply; also a lone QMP reply
 * {"return": [...]}), introspection JSON (an array), or a source schema
 * (anything else: loaded, checked, and introspected with real type names
 * and all conditions true).  Returns NULL after reporting; *IO_ERROR tells
 * an unreadable file from a bad one. */
qc_ischema *qc_ischema_load(qc_arena *a, qc_diag *d, const qc_options *opts,
                            const char *path, bool *io_error);

#endif
