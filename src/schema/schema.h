/* The QAPI schema model: what every later stage (test-qapi dump,
 * introspection, C generators, rules) works on.
 *
 * qc_schema_build() loads a schema (loader.h), runs the expression checks
 * (expr.h), creates the entities in exactly the order QEMU's QAPISchema
 * does, and checks them (QAPISchema.check order), so the first error is
 * QEMU's.  After an error it goes on with the independent definitions,
 * without reporting consequences of the error (see builder.h), until the
 * diagnostic limit.  It returns NULL after reporting errors; the model of
 * a successful build is complete and consistent: every type reference is
 * resolved, flat member lists are computed, union branches include the
 * implicit q_empty ones.
 *
 * Everything lives in the arena passed to qc_schema_build; nothing is
 * freed separately.
 *
 * Iteration:
 *   - all entities in definition order:
 *         for (size_t i = 0; i < s->n_entities; i++) s->entities[i] ...
 *     (builtins, their arrays, q_empty, QType first; implicit q_obj_* types
 *     and arrays created right before the definition that needs them;
 *     includes are entities too, kind QC_ENT_INCLUDE, with no name).
 *   - per module (QEMU's visiting order, e.g. for the test-qapi dump):
 *         for each s->modules[m]: for each modules[m]->entities[j] ...
 *     Module 0 is "./builtin", module 1 the root schema, then the included
 *     modules in order of first include.  An array lives in the module of
 *     its element type.
 *   - per module with a callback per kind, as QEMU's QAPISchemaVisitor:
 *     qc_schema_visit() (visit.h).
 *   - by name: qc_schema_lookup(s, "Name").
 */
#ifndef QC_SCHEMA_H
#define QC_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/hashmap.h"
#include "base/source.h"
#include "schema/cond.h"
#include "schema/doc.h"
#include "schema/expr.h"
#include "schema/loader.h"
#include "schema/names.h"
#include "schema/options.h"

/* ---- Entities --------------------------------------------------------- */

typedef enum {
    QC_ENT_BUILTIN,      /* str, number, int, int8..uint64, size, bool, any, null */
    QC_ENT_ENUM,
    QC_ENT_OBJECT,       /* struct, union, implicit q_obj_*, q_empty */
    QC_ENT_ALTERNATE,
    QC_ENT_ARRAY,        /* NAMEList */
    QC_ENT_COMMAND,
    QC_ENT_EVENT,
    QC_ENT_INCLUDE,      /* an include directive (no name) */
} qc_entity_kind;

typedef struct qc_entity qc_entity;
typedef struct qc_smodule qc_smodule;

typedef struct qc_feature {
    const char *name;
    qc_cond *cond;
    qc_loc loc;             /* the owning definition's location */
    bool special;           /* "deprecated" or "unstable" */
} qc_feature;

/* Role of a qc_smember. */
typedef enum {
    QC_ROLE_MEMBER,         /* object member (also the alternate tag 'type') */
    QC_ROLE_VALUE,          /* enum value */
    QC_ROLE_BRANCH,         /* union or alternate branch ("variant") */
} qc_role;

/* An object member, an enum value, or a union/alternate branch. */
typedef struct qc_smember {
    qc_role role;
    uint32_t c_hash_;       /* private: the hash of c_name_ (below) */
    const char *name;       /* without the '*' of optional members */
    qc_cond *cond;
    qc_feature **features;  /* members and enum values; branches have none */
    /* Members and branches: */
    const char *type_name;  /* as resolved by name ("intList" for ['int']) */
    qc_entity *type;        /* resolved type */
    /* Name of the type defining it (QEMU's defined_in), e.g.
     * "q_obj_foo-arg".  An implicit q_empty branch of a union is defined
     * in the type that defines the discriminator. */
    const char *defined_in;
    qc_loc loc;             /* the definition it comes from */
    const char *c_name_;    /* private: cached c_name(name) */
    uint32_t nfeatures;
    bool optional;          /* members */
} qc_smember;

/* Union branches ("variants") or alternate alternatives. */
typedef struct qc_variants {
    const char *tag_name;   /* union: the discriminator; alternate: "type" */
    qc_smember *tag_member; /* union: the member of the flat member list;
                               alternate: an implicit 'type': QType member */
    qc_smember **variants;  /* in source order, then the implicit q_empty
                               ones in enum order (unions) */
    size_t n;
} qc_variants;

/* What few entities have, kept aside (qc_entity_cond, _features). */
typedef struct qc_entity_extra {
    qc_cond *cond;          /* NULL: unconditional.  Arrays: the element's */
    qc_feature **features;
    uint32_t nfeatures;
} qc_entity_extra;

/* An entity per definition, and more: a schema may have a million, so
 * an entity holds little -- its location and doc are its definition's
 * (qc_entity_loc, qc_entity_doc), its condition and features are aside
 * -- and is allocated only as long as its kind's fields: those of one
 * kind share their storage with those of the others (the union below),
 * so read a kind's fields only on an entity of that kind. */
struct qc_entity {
    qc_entity_kind kind : 8;
    unsigned char state_;   /* private to the builder (builder.h) */
    bool has_info;          /* it has a location (QEMU's info is not None):
                               not builtins, their arrays, q_empty and QType;
                               implicit types have the definition's needing
                               them */
    bool has_doc_;          /* private: its definition's doc is its */
    uint32_t index;         /* position in qc_schema.entities */
    const char *name;       /* NULL for includes */
    qc_entity_extra *extra_;/* private: NULL for none of it */

    /* The definition (or include directive) whose location this is
     * (QEMU's info.defn_meta and defn_name: qc_entity_defn_meta and
     * _name), which gives the "In META 'NAME':" context of diagnostics.
     * Never NULL: builtins have qc_no_defn, whose meta and name are
     * NULL, as are an include directive's. */
    const qc_expr *defn;

    /* Its meta (qc_entity_meta) and json_type (qc_entity_json_type)
     * follow from the kind (and the name, for builtins). */
    union {
        struct {            /* QC_ENT_BUILTIN */
            const char *builtin_json_type_;
        };
        struct {            /* QC_ENT_ENUM */
            qc_smember **values;
            size_t nvalues;
            const char *prefix;     /* NULL if not given */
        };
        struct {            /* QC_ENT_OBJECT and QC_ENT_ALTERNATE */
            /* Until checked, the name of the base (private to the
             * builder); then the base. */
            union {
                qc_entity *base;    /* objects: NULL if none (unions
                                       always have one); alternates: NULL */
                const char *base_name_;
            };
            qc_smember **local_members;   /* own members, source order */
            /* Flat: base members first, then own; NULL-terminated, and
             * local_members itself when they are the same.  Read only. */
            qc_smember **members;
            uint32_t nlocal_members;
            uint32_t nmembers;
            /* Unions and alternates (tag 'type', QType); NULL for
             * structs. */
            qc_variants *variants;
        };
        struct {            /* QC_ENT_ARRAY */
            qc_entity *element_type;
            const char *element_name;
        };
        struct {            /* QC_ENT_COMMAND and QC_ENT_EVENT */
            /* Until checked, the names of the types (private to the
             * builder); then the types. */
            union {
                qc_entity *arg_type;    /* object, or NULL for none */
                const char *arg_name_;
            };
            union {
                qc_entity *ret_type;    /* commands: NULL for no 'returns' */
                const char *ret_name_;
            };
            bool boxed;
            bool gen, success_response, allow_oob, allow_preconfig,
                coroutine;
        };
        struct {            /* QC_ENT_INCLUDE */
            qc_smodule *included;
        };
    };
};

/* QEMU's meta: "built-in", "enum", "struct", "union", "alternate",
 * "array", "command", "event", "include". */
static inline const char *qc_entity_meta(const qc_entity *e)
{
    switch (e->kind) {
    case QC_ENT_BUILTIN: return "built-in";
    case QC_ENT_ENUM: return "enum";
    case QC_ENT_OBJECT: return e->variants ? "union" : "struct";
    case QC_ENT_ALTERNATE: return "alternate";
    case QC_ENT_ARRAY: return "array";
    case QC_ENT_COMMAND: return "command";
    case QC_ENT_EVENT: return "event";
    case QC_ENT_INCLUDE: return "include";
    }
    return NULL;
}

/* Types: QEMU's json_type(): "string", "number", "int", "boolean",
 * "null", "value" (builtins any and alternates), "object", "array".
 * NULL for commands, events and includes. */
static inline const char *qc_entity_json_type(const qc_entity *e)
{
    switch (e->kind) {
    case QC_ENT_BUILTIN: return e->builtin_json_type_;
    case QC_ENT_ENUM: return "string";
    case QC_ENT_OBJECT: return "object";
    case QC_ENT_ALTERNATE: return "value";
    case QC_ENT_ARRAY: return "array";
    default: return NULL;
    }
}

extern const qc_expr qc_no_defn;

/* The meta and name of the definition whose location E's is, or NULL. */
static inline const char *qc_entity_defn_meta(const qc_entity *e)
{
    return qc_expr_meta(e->defn);
}
static inline const char *qc_entity_defn_name(const qc_entity *e)
{
    return qc_expr_name(e->defn);
}

/* Where E is defined (no source when it has no location). */
static inline qc_loc qc_entity_loc(const qc_entity *e)
{
    return e->has_info ? qc_expr_loc(e->defn) : (qc_loc){ 0, 0 };
}

/* E's definition doc, or NULL. */
static inline qc_doc *qc_entity_doc(const qc_entity *e)
{
    return e->has_doc_ ? e->defn->doc : NULL;
}

/* E's condition: NULL when unconditional.  Arrays: the element's. */
static inline qc_cond *qc_entity_cond(const qc_entity *e)
{
    return e->extra_ ? e->extra_->cond : NULL;
}

/* E's features (qc_entity_nfeatures of them). */
static inline qc_feature **qc_entity_features(const qc_entity *e)
{
    return e->extra_ ? e->extra_->features : NULL;
}
static inline uint32_t qc_entity_nfeatures(const qc_entity *e)
{
    return e->extra_ ? e->extra_->nfeatures : 0;
}

/* True for builtins, enums, objects, alternates and arrays. */
static inline bool qc_entity_is_type(const qc_entity *e)
{
    return e && e->kind <= QC_ENT_ARRAY;
}
/* QEMU's is_implicit(): no info, or an object whose name starts with
 * "q_", or QType, or an array. */
bool qc_entity_is_implicit(const qc_entity *e);
/* QEMU's describe(): "struct type 'Foo'", "built-in type 'int'",
 * "array type ['x']", "command 'foo'"... (arena string). */
const char *qc_entity_describe(qc_arena *a, const qc_entity *e);
/* QEMU's alternate_qtype(): "QTYPE_QSTRING"... or NULL (any, alternates). */
const char *qc_entity_alternate_qtype(const qc_entity *e);
/* ---- Modules and the schema -------------------------------------------- */

struct qc_smodule {
    const char *name;       /* "./builtin", or the path relative to the root
                               schema's directory ("sub/x.json") */
    qc_entity **entities;   /* definition order */
    size_t n;
    uint32_t cap_;          /* private to the builder */
    bool builtin;
};

typedef struct qc_schema {
    qc_arena *arena;
    const char *path;           /* root schema as given */
    qc_schema_ast *ast;         /* the loader's output (pragma, docs...) */
    qc_entity **entities;       /* definition order */
    size_t n_entities;
    qc_smodule **modules;       /* ./builtin, root, then includes */
    size_t n_modules;
    /* Distinct feature names, "deprecated" and "unstable" first, then in
     * first-use order (QEMU's _feature_dict; qapi-features.h). */
    const char **feature_names;
    size_t n_feature_names;
    qc_entity *the_empty_object; /* q_empty */
    qc_names *names;            /* private: by name (names.h) */
} qc_schema;

/* Loads, checks and models the schema at PATH with options O.  Returns
 * NULL after reporting errors to D; *IO_ERROR (if non-NULL) is set when the
 * root schema could not be read. */
qc_schema *qc_schema_build(qc_arena *a, qc_diag *d, const qc_options *o,
                           const char *path, bool *io_error);

/* Named entity (type, command or event), or NULL.  Inline: the checks
 * look names up all the time. */
static inline qc_entity *qc_schema_lookup(const qc_schema *s, const char *name)
{
    return s ? qc_names_get(s->names, s->entities, name) : NULL;
}

/* Named type, or NULL if absent or not a type. */
static inline qc_entity *qc_schema_lookup_type(const qc_schema *s,
                                               const char *name)
{
    qc_entity *e = qc_schema_lookup(s, name);
    return qc_entity_is_type(e) ? e : NULL;
}

#endif
