/* Validation of QMP commands (and other JSON values) against an
 * introspected schema: recursive, following unions nested in union
 * branches, alternates, arrays, enums and feature policies. */
#ifndef QC_VALIDATE_H
#define QC_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "dumps/ischema.h"
#include "syntax/value.h"

typedef struct qc_validate_opts {
    bool allow_deprecated;   /* deprecated commands/members/values are fine */
    bool allow_unstable;     /* likewise for 'unstable' */
    /* How the user would allow such a feature, added to the message in
     * parentheses (the command line names its option); NULL: nothing. */
    const char *deprecated_hint, *unstable_hint;
} qc_validate_opts;

/* Called once per problem.  PATH is the JSON path of the offending value
 * ("arguments.channels[0].addr.port"), AT the value (or the enclosing
 * object for a missing member; NULL if none), CODE a stable code such as
 * "qmp-unknown-member", MESSAGE the text. */
typedef void (*qc_validate_fn)(void *ctx, const char *path, const qc_value *at,
                               const char *code, const char *message);

/* Validates a command object {"execute": NAME, "arguments": {...}, "id": ...}.
 * Returns the number of problems reported. */
size_t qc_validate_command(qc_arena *a, const qc_ischema *s,
                           const qc_value *cmd, const qc_validate_opts *o,
                           qc_validate_fn fn, void *ctx);

/* Validates V against the schema type named TYPE; PATH names V in
 * messages.  Returns the number of problems reported. */
size_t qc_validate_value(qc_arena *a, const qc_ischema *s, const char *type,
                         const qc_value *v, const char *path,
                         const qc_validate_opts *o, qc_validate_fn fn,
                         void *ctx);

#endif
