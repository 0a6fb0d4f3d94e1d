/* The schema view the validator works on: exactly what QEMU's QMP input
 * layer (its dispatcher and its QObject input visitor) knows about each
 * command -- the members of every type in QEMU's visiting order, union
 * tags and branches, alternate branches, enum values, the special
 * features of commands, members and enum values, 'allow-oob', and two
 * things introspection loses: the exact width of every integer type
 * (int8 ... uint64, size) and whether a command is declared 'gen': false
 * (its handler takes the arguments unchecked).
 *
 * Built either from the schema model (a source schema, conditions
 * evaluated for a build: everything known exactly) or from an introspected
 * schema (a capability dump or introspection JSON): there every integer
 * has an unknown width, and 'gen': false comes from qapic's own list of
 * the commands QEMU does not fully describe (device_add; netdev_add before
 * QEMU 5.0; object-add in 5.0 to 5.2), each entry saying whether it is
 * known or assumed.
 *
 * Everything lives in the arena the view was built in; the view does not
 * point into the model or the introspection value once built, except for
 * names. */
#ifndef QC_VSCHEMA_H
#define QC_VSCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "dumps/ischema.h"
#include "dumps/version.h"

struct qc_schema;

typedef enum {
    QC_VT_STR,
    QC_VT_NUMBER,
    QC_VT_INT,          /* an integer of qc_vtype.width */
    QC_VT_BOOL,
    QC_VT_NULL,
    QC_VT_ANY,
    QC_VT_ENUM,
    QC_VT_OBJECT,       /* struct or union */
    QC_VT_ALTERNATE,
    QC_VT_ARRAY,
    QC_VT_BROKEN,       /* a reference the schema does not resolve */
} qc_vt_kind;

typedef enum {
    QC_WIDTH_INT64,     /* 'int' and 'int64' */
    QC_WIDTH_INT8,
    QC_WIDTH_INT16,
    QC_WIDTH_INT32,
    QC_WIDTH_UINT8,
    QC_WIDTH_UINT16,
    QC_WIDTH_UINT32,
    QC_WIDTH_UINT64,
    QC_WIDTH_SIZE,
    QC_WIDTH_UNKNOWN,   /* introspected: any of the above */
} qc_int_width;

/* Special features, as bits. */
#define QC_VF_DEPRECATED 1u
#define QC_VF_UNSTABLE 2u

typedef struct qc_vtype qc_vtype;

typedef struct qc_vmember {
    const char *name;
    const qc_vtype *type;
    bool optional;
    unsigned features;      /* QC_VF_* */
} qc_vmember;

typedef struct qc_vvariant {
    const char *value;      /* the tag value */
    const qc_vtype *type;   /* an object type (maybe without members) */
} qc_vvariant;

struct qc_vtype {
    qc_vt_kind kind;
    const char *name;       /* as the schema names it (masked numbers in a
                               dump); for messages, prefer JSON types */
    qc_int_width width;     /* QC_VT_INT */
    /* QC_VT_ENUM */
    const char **values;
    unsigned *value_features;
    size_t nvalues;
    /* QC_VT_OBJECT: members in QEMU's visiting order (base first) */
    qc_vmember *members;
    size_t nmembers;
    long tag;               /* index of the tag member, or -1 (struct) */
    qc_vvariant *variants;
    size_t nvariants;
    /* QC_VT_ALTERNATE */
    const qc_vtype **branches;
    size_t nbranches;
    /* QC_VT_ARRAY */
    const qc_vtype *element;
};

/* Whether a command's handler takes arguments its schema does not list. */
typedef enum {
    QC_GEN_NORMAL,          /* generated: every argument is checked */
    QC_GEN_FALSE,           /* 'gen': false: further arguments unchecked */
    QC_GEN_FALSE_ASSUMED,   /* the same, not recorded in the schema but
                               known for this command (and version) */
    QC_GEN_UNKNOWN,         /* it depends on the QEMU version, which is
                               not known: further arguments unchecked */
} qc_gen_kind;

typedef struct qc_vcommand {
    const char *name;
    const qc_vtype *args;   /* an object type, or NULL: no arguments */
    const qc_vtype *ret;    /* NULL: none */
    bool boxed, allow_oob;
    unsigned features;      /* QC_VF_* */
    qc_gen_kind gen;
} qc_vcommand;

typedef struct qc_vschema qc_vschema;

/* The view of a checked schema model, for a build: a condition is true
 * when it holds for the NSYMBOLS SYMBOLS; SYMBOLS NULL takes every
 * condition as true (what some build may offer). */
qc_vschema *qc_vschema_from_model(qc_arena *a, const struct qc_schema *s,
                                  const char *const *symbols, size_t nsymbols);

/* The view of an introspected schema; VERSION (may be NULL or unset) is
 * the QEMU version it comes from, for the commands whose 'gen': false
 * depends on it.  Dangling references become QC_VT_BROKEN types. */
qc_vschema *qc_vschema_from_ischema(qc_arena *a, const qc_ischema *s,
                                    const qc_version *version);

/* The same view reduced to the commands NAMES (those of them that are
 * commands of S, in the order of NAMES) and the types they reach: what
 * validating a few commands needs, for a fraction of the whole view's
 * cost.  A command or type outside it is unknown to the view. */
qc_vschema *qc_vschema_from_ischema_only(qc_arena *a, const qc_ischema *s,
                                         const qc_version *version,
                                         const char *const *names, size_t n);

/* True when integer widths are exact (built from a model). */
bool qc_vschema_exact(const qc_vschema *v);

const qc_vcommand *qc_vschema_command(const qc_vschema *v, const char *name);
/* A type by the schema's name for it, or NULL. */
const qc_vtype *qc_vschema_type(const qc_vschema *v, const char *name);
/* The commands, in schema order. */
size_t qc_vschema_ncommands(const qc_vschema *v);
const qc_vcommand *qc_vschema_command_at(const qc_vschema *v, size_t i);

/* The member of object type T called NAME, or NULL (no variants). */
const qc_vmember *qc_vtype_member(const qc_vtype *t, const char *name);
/* The variant of union T for tag value VALUE, or NULL. */
const qc_vvariant *qc_vtype_variant(const qc_vtype *t, const char *value);
/* Index of VALUE among the values of enum T, or -1. */
long qc_vtype_enum_index(const qc_vtype *t, const char *value);

/* Ranges of a width: the smallest and largest integer QEMU accepts
 * (uint64 and size take negative int64 values, for compatibility). */
void qc_int_width_range(qc_int_width w, int64_t *min, uint64_t *max);
/* "int8" ... "uint64", "size"; "int64" for QC_WIDTH_INT64; "integer"
 * for QC_WIDTH_UNKNOWN. */
const char *qc_int_width_name(qc_int_width w);

#endif
