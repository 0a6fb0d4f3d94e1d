/* Where an introspected schema comes from, told and loaded in one place:
 * a capability dump or QMP log (a stream of JSON objects: its
 * query-qmp-schema reply), introspection JSON (an array, or a lone reply
 * {"return": [...]}), or a source schema (loaded, checked, and
 * introspected with real type names and every condition true: what any
 * build of it could offer). */
#ifndef QC_LOAD_H
#define QC_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"
#include "dumps/ischema.h"
#include "dumps/version.h"
#include "dumps/vschema.h"
#include "schema/options.h"
#include "syntax/value.h"

typedef enum {
    QC_ORIGIN_JSON,        /* a dump or a QMP log */
    QC_ORIGIN_INTROSPECTION, /* introspection JSON: an array, or a lone
                                {"return": [...]} reply */
    QC_ORIGIN_SCHEMA,      /* a QAPI source schema */
} qc_ischema_origin;

/* The build a source schema is introspected for: exactly NSYMBOLS
 * condition symbols defined.  Loading without one takes every condition
 * as true: what some build may offer. */
typedef struct qc_build {
    const char *const *symbols;
    size_t nsymbols;
} qc_build;

typedef struct qc_ischema_source {
    qc_ischema *schema;    /* NULL after an error, which was reported */
    qc_ischema_origin origin;
    qc_version version;    /* a dump's query-version reply; unset if none */
    bool io_error;         /* the file could not be read */
} qc_ischema_source;

/* True when TEXT is JSON rather than a source schema: its first non-blank
 * character is '[', or '{' followed by '"' (QAPI quotes with '). */
bool qc_text_is_json(const char *text, size_t len);

/* Loads the schema of the file PATH into *OUT: JSON when its name ends in
 * ".replies" or its text is JSON, a source schema otherwise.  Returns
 * false after reporting why there is none. */
bool qc_ischema_load(qc_arena *a, qc_diag *d, const qc_options *opts,
                     const char *path, qc_ischema_source *out);
/* The same, introspecting a source schema for BUILD (NULL: every
 * condition true); JSON sources are taken as they are. */
bool qc_ischema_load_build(qc_arena *a, qc_diag *d, const qc_options *opts,
                           const char *path, const qc_build *build,
                           qc_ischema_source *out);

/* The schema in the JSON values VALS (N > 0) read from SRC, or NULL after
 * reporting that they hold none. */
qc_ischema *qc_ischema_from_json(qc_arena *a, qc_diag *d,
                                 const qc_source *src, const qc_value *vals,
                                 size_t n);

/* The validator's view of the schema of the file PATH (see vschema.h): a
 * source schema is modelled for BUILD (NULL: every condition true), with
 * exact integer widths and 'gen': false; a JSON source is indexed, and its
 * query-version reply (if any) recorded in *VERSION (may be NULL).
 * *ORIGIN and *IO_ERROR (may be NULL) are set as for qc_ischema_load.
 * NULL after reporting why there is none. */
qc_vschema *qc_vschema_load(qc_arena *a, qc_diag *d, const qc_options *opts,
                            const char *path, const qc_build *build,
                            qc_ischema_origin *origin, qc_version *version,
                            bool *io_error);

/* The view of the schema in the JSON values VALS (N > 0) read from SRC
 * (a dump or introspection JSON), with the version of its query-version
 * reply; NULL after reporting that they hold none. */
qc_vschema *qc_vschema_from_json(qc_arena *a, qc_diag *d, const qc_source *src,
                                 const qc_value *vals, size_t n);

#endif
