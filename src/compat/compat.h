/* Evaluation of client compatibility rules (rules.h): against the schema of
 * a QEMU build (one status per rule), and against recorded QMP calls (one
 * report per violated call constraint). */
#ifndef QC_COMPAT_H
#define QC_COMPAT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "compat/rules.h"
#include "dumps/ischema.h"
#include "syntax/value.h"

/* In increasing order of gravity: the worst problem of a rule wins. */
typedef enum {
    QC_COMPAT_OK,
    QC_COMPAT_UNSTABLE,          /* relies on something marked 'unstable' */
    QC_COMPAT_DEPRECATED,        /* relies on something marked 'deprecated' */
    QC_COMPAT_INCOMPATIBLE_TYPE, /* present, but with another JSON type */
    QC_COMPAT_MISSING_MEMBER,    /* an argument, member, branch or value */
    QC_COMPAT_MISSING_COMMAND,   /* the command or event itself */
} qc_compat_status;

/* "ok", "missing-command", "missing-member", "incompatible-type",
 * "deprecated", "unstable". */
const char *qc_compat_status_name(qc_compat_status st);

typedef struct qc_compat_result {
    qc_compat_status status;
    const char *detail;          /* one line; "" when ok */
} qc_compat_result;

/* Evaluates rule R against schema S.  Strings come from A. */
qc_compat_result qc_compat_eval(qc_arena *a, const qc_ischema *s,
                                const qc_rule *r);

/* Called once per violated call constraint.  MSG is the command (or event)
 * object, AT the offending value (MSG itself for one-of problems). */
typedef void (*qc_compat_call_fn)(void *ctx, const qc_rule *r,
                                  const qc_value *msg, const qc_value *at,
                                  const char *code, const char *message);

/* Checks one recorded message against every rule of RS: a command object
 * {"execute": NAME, "arguments": {...}} against the rules for NAME
 * (one-of groups, typed arguments), an event {"event": NAME, "data": {...}}
 * against typed members.  Anything else (replies, greetings) is ignored.
 * Returns the number of violations. */
size_t qc_compat_check_call(qc_arena *a, const qc_ruleset *rs,
                            const qc_value *msg, qc_compat_call_fn fn,
                            void *ctx);

/* The command name of MSG ("execute" or "exec-oob"), or NULL. */
const char *qc_compat_call_name(const qc_value *msg);

#endif
