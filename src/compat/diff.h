/* Structural comparison of two introspected QMP schemas, with every change
 * classified for a QMP client (qapic diff).
 *
 * The walk starts at each command (its arg-type is what a client sends:
 * the INPUT direction; its ret-type what it receives: OUTPUT) and each
 * event (arg-type: OUTPUT) and follows both schemas in parallel: object
 * members by name, union branches by case, alternate branches by JSON
 * type, array elements, enum values.  Type names never matter, so masked
 * numbers and their renumbering between builds are invisible; each pair
 * of corresponding types is compared once however many commands share it.
 * A change is reported under every command and event that reaches it, at
 * the shortest path in the syntax of qapic query (src/query.c). */
#ifndef QC_DIFF_H
#define QC_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "dumps/ischema.h"
#include "schema/options.h"
#include "dumps/version.h"

/* How much a change matters to a client, most serious first. */
typedef enum {
    QC_DIFF_BREAKING,     /* a client written for OLD may fail with NEW */
    QC_DIFF_EXPECTED,     /* breaking, but announced: deprecated or unstable */
    QC_DIFF_NOTICE,       /* harmless, but worth a look (new deprecations) */
    QC_DIFF_COMPATIBLE,
} qc_diff_class;
#define QC_DIFF_NCLASSES 4

typedef enum {
    QC_DIFF_NO_DIRECTION, /* the command or event itself */
    QC_DIFF_INPUT,        /* what a client sends: command arguments */
    QC_DIFF_OUTPUT,       /* what it receives: returns, event data */
} qc_diff_dir;

typedef enum {
    QC_DIFF_ENTITY_ADDED,
    QC_DIFF_ENTITY_REMOVED,
    QC_DIFF_MEMBER_ADDED,
    QC_DIFF_MEMBER_REMOVED,
    QC_DIFF_MADE_OPTIONAL,
    QC_DIFF_MADE_MANDATORY,
    QC_DIFF_TYPE_CHANGED,
    QC_DIFF_VALUE_ADDED,        /* enum value */
    QC_DIFF_VALUE_REMOVED,
    QC_DIFF_BRANCH_ADDED,       /* union branch (case) */
    QC_DIFF_BRANCH_REMOVED,
    QC_DIFF_ALTERNATIVE_ADDED,  /* alternate branch (a JSON type) */
    QC_DIFF_ALTERNATIVE_REMOVED,
    QC_DIFF_FEATURE_ADDED,
    QC_DIFF_FEATURE_REMOVED,
    QC_DIFF_FLAG_CHANGED,       /* allow-oob and other command flags */
} qc_diff_kind;

typedef struct qc_diff_change {
    const char *entity;         /* command or event name */
    bool is_event;
    qc_diff_kind kind;
    const char *path;           /* qapic query syntax, from the entity */
    qc_diff_dir dir;
    qc_diff_class cls;
    const char *message;        /* one line, for people */
} qc_diff_change;

typedef struct qc_diff_result {
    qc_diff_change *changes;    /* by entity, then path, then kind */
    size_t n;
    size_t count[QC_DIFF_NCLASSES];
    size_t commands, events;    /* how many have a change */
} qc_diff_result;

/* Compares OLD with NEW.  Everything is allocated from A. */
qc_diff_result *qc_diff(qc_arena *a, const qc_ischema *old_s,
                        const qc_ischema *new_s);

/* "breaking", "expected", "notice", "compatible". */
const char *qc_diff_class_name(qc_diff_class c);
/* "input", "output", or NULL for QC_DIFF_NO_DIRECTION. */
const char *qc_diff_dir_name(qc_diff_dir d);
/* "entity-added", "member-added", "made-optional", "type-changed", ... */
const char *qc_diff_kind_name(qc_diff_kind k);

/* --- the two sides --------------------------------------------------------- */

typedef enum {
    QC_DIFF_SRC_DUMP,           /* a capability dump or QMP log */
    QC_DIFF_SRC_INTROSPECTION,  /* a query-qmp-schema array or reply */
    QC_DIFF_SRC_SCHEMA,         /* a source schema, introspected here */
} qc_diff_source_kind;

typedef struct qc_diff_side {
    const char *path;
    qc_diff_source_kind kind;
    qc_version version;         /* query-version of a dump, else unset */
    /* Source schema only: every condition true (no symbols given: what
     * some build may offer), or exactly NSYMBOLS symbols defined. */
    bool all_conditions;
    size_t nsymbols;
    qc_ischema *schema;
} qc_diff_side;

/* Loads the schema of PATH into SIDE.  A source schema is introspected with
 * exactly the condition symbols SYMBOLS (NSYMBOLS of them) when
 * USE_SYMBOLS, else with every condition true; dumps and introspection
 * JSON are taken as they are.  Returns false after reporting; *IO_ERROR
 * tells an unreadable file from a bad one. */
bool qc_diff_side_load(qc_arena *a, qc_diag *d, const qc_options *opts,
                       const char *path, bool use_symbols,
                       const char *const *symbols, size_t nsymbols,
                       qc_diff_side *side, bool *io_error);

#endif
