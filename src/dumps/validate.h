/* Validation of QMP commands (and other JSON values) against a schema
 * view (vschema.h), with the verdicts of QEMU's QMP input layer: its
 * dispatcher (the command object's keys, the command, its feature policy,
 * exec-oob) and its QObject input visitor (members in the schema's order,
 * missing and unexpected members, JSON types, integer ranges per width,
 * enum values, unions by their tags at every level, alternates by JSON
 * type, enum value and member policies).
 *
 * Problems are reported in QEMU's own order, so the first one is the one
 * QEMU's reply names (among several unexpected members of one object, or
 * several bad keys of the command object, QEMU reports one by its hash
 * order; qapic reports all).  After a problem the check goes on wherever
 * the rest does not depend on it, so one run shows as much as it can; a
 * value is valid exactly when nothing is reported.
 *
 * Notes report what could not be checked: arguments of a 'gen': false
 * command the schema does not describe (QEMU passes them to the command
 * unchecked), and integers of an introspected schema, which does not
 * record widths. */
#ifndef QC_VALIDATE_H
#define QC_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "dumps/vschema.h"
#include "syntax/value.h"

/* Called once per problem (or note).  PATH is the JSON path of the
 * offending value ("arguments.channels[0].addr.port"; for a missing
 * member the path it would have), AT the value (or the enclosing object
 * for a missing member; NULL if none), CODE a stable code such as
 * "qmp-unknown-member", MESSAGE the text. */
typedef void (*qc_validate_fn)(void *ctx, const char *path, const qc_value *at,
                               const char *code, const char *message);

typedef struct qc_validate_opts {
    bool allow_deprecated;   /* like QEMU's -compat deprecated-input=accept */
    bool allow_unstable;     /* likewise unstable-input=accept */
    /* How the user would allow such a feature, added to the message in
     * parentheses (the command line names its option); NULL: nothing. */
    const char *deprecated_hint, *unstable_hint;
    /* Receives the notes, with the context of the problem callback;
     * NULL: notes are dropped. */
    qc_validate_fn note;
    /* The connection did not enable QMP's 'oob' capability: exec-oob is
     * a key QEMU does not expect. */
    bool no_oob;
    /* The caller only counts problems: their callbacks get "" for the
     * path and the message (notes are unaffected). */
    bool count_only;
} qc_validate_opts;

/* Validates a command object {"execute": NAME, "arguments": {...}, "id": ...}
 * (or "exec-oob": NAME, as sent after enabling the 'oob' capability;
 * see no_oob).
 * Returns the number of problems reported. */
size_t qc_validate_command(qc_arena *a, const qc_vschema *s,
                           const qc_value *cmd, const qc_validate_opts *o,
                           qc_validate_fn fn, void *ctx);

/* Validates V against the schema type named TYPE; PATH names V in
 * messages.  Returns the number of problems reported. */
size_t qc_validate_value(qc_arena *a, const qc_vschema *s, const char *type,
                         const qc_value *v, const char *path,
                         const qc_validate_opts *o, qc_validate_fn fn,
                         void *ctx);

#endif
