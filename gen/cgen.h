/* Internals of `qapic gen c`, shared by its files:
 *   cview.c     the configured view of the schema: what is generated,
 *               C names of everything, definition order, clash checks
 *   c_types.c   NAME-types.h: the C types and declarations
 *   c_tables.c  NAME-types-MODULE.c: descriptor tables and typed wrappers
 *   c_schema.c  NAME-schema.c: the sorted schema table and lookups
 *   c_client.c  NAME-commands.[ch] and NAME-events.[ch]: stubs and event
 *               registrations over the runtime's client
 *   c_doc.c     Doxygen comments from the schema's doc comments
 *   gen_c.c     the entry point, qc_gen_c()
 */
#ifndef QC_GEN_CGEN_H
#define QC_GEN_CGEN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "gen/cnames.h"
#include "base/diag.h"
#include "gen/emit.h"
#include "gen/gen.h"
#include "schema/naming.h"
#include "schema/schema.h"

typedef struct cg_ent cg_ent;

/* A struct field of an object (a member), an alternate branch or a union
 * branch, with its C names. */
typedef struct cg_field {
    const qc_smember *m;
    const char *name;           /* the C field name */
    const char *has;            /* "has_NAME" for optional members, or NULL */
    cg_ent *type;
    const char *doc;            /* the member's description, or NULL */
} cg_field;

/* Per-entity view, indexed like qc_schema.entities. */
struct cg_ent {
    const qc_entity *e;
    bool in;                /* kept by the configuration */
    bool gen;               /* C type and descriptor generated (not for
                               builtins, builtin arrays and q_empty) */
    const char *cname;      /* c_name(name) of prefixed identifiers */
    /* Types: */
    const char *ctype;      /* C type: "qmp_Foo", "qapic_strList", "char *" */
    const char *slot;       /* slot declaration prefix: "qmp_Foo *",
                               "int64_t ", "qmp_FooList " */
    const char *box;        /* the box's C type: "qmp_Foo", "qapic_enum_box" */
    const char *desc;       /* descriptor variable: "qmp_TYPE_Foo" */
    cg_field *fields;       /* objects: flat members; alternates: branches */
    size_t nfields;
    cg_field *branches;     /* unions: branches with a type, source order */
    size_t nbranches;
    /* Unions: per tag value (the tag enum's kept values, in order), the
     * branch (NULL for a tag-only value) and its condition. */
    const cg_field **by_tag;
    const qc_cond **by_tag_cond;
    size_t ntags;
    size_t tag_index;       /* the tag among fields */
    qc_smember **values;    /* enums: kept values */
    const char **consts;    /* enums: their constants, prefixed */
    size_t nvalues;
    const char *max, *unknown;  /* enums: the __MAX and __UNKNOWN constants */
    qc_feature **features;  /* kept features */
    size_t nfeatures;
    const qc_doc *doc;      /* the definition's doc; implicit types: the
                               doc of the definition they belong to */
    int state;              /* definition ordering */
};

typedef struct cg {
    qc_arena *a;
    qc_diag *d;
    const qc_schema *s;
    const qc_gen_c_opts *o;
    const char *p;          /* "qmp" */
    const char *pu;         /* "QMP" */
    cg_ent *ents;
    qc_ptrvec order;        /* cg_ent *: generated objects and alternates in
                               an order where by-value members come first */
    qc_idents *idents;
    const char *schema_name;    /* the root file's base name */
    bool failed;
} cg;

/* cview.c */
bool cg_view(cg *g);
/* Claims IDENT for a fixed name of generated code (the tests' own
 * externals), reporting a clash with the bindings' names. */
void cg_claim_fixed(cg *g, const char *ident);
/* Whether the configuration keeps C. */
bool cg_cond_kept(const cg *g, const qc_cond *c);
/* The view of entity E. */
static inline cg_ent *cg_of(const cg *g, const qc_entity *e)
{
    return &g->ents[e->index];
}
/* QAPIC_FEATURE_* bits of features FS ("0" when none). */
const char *cg_feature_flags(cg *g, qc_feature *const *fs, size_t n);
/* The deprecation attribute for features FS: " QMP_DEPRECATED",
 * " QMP_UNSTABLE" or "". */
const char *cg_feature_attr(cg *g, qc_feature *const *fs, size_t n);
/* The QAPIC_JSON_* constant of the JSON type that selects an alternate
 * branch of type T. */
const char *cg_alt_json_type(const qc_entity *t);

/* c_types.c */
void cg_types_header(cg *g, qc_emit *out);

/* c_tables.c */
void cg_module_source(cg *g, const qc_smodule *m, qc_emit *out);

/* c_schema.c */
void cg_schema_source(cg *g, qc_emit *out);

/* c_client.c */
void cg_commands_header(cg *g, qc_emit *out);
void cg_commands_source(cg *g, qc_emit *out);
void cg_events_header(cg *g, qc_emit *out);
void cg_events_source(cg *g, qc_emit *out);

/* c_doc.c */
/* The Doxygen comment of definition X (its doc, Since, features, the
 * condition); LEAD and TAIL, if non-NULL, are a first and a last
 * paragraph of our own (Doxygen markup). */
void cg_doc_definition(cg *g, qc_emit *out, const cg_ent *x,
                       const char *lead, const char *tail);
/* The comment of a field: its description, features and condition. */
void cg_doc_field(cg *g, qc_emit *out, const cg_field *f);
/* The comment of an enum value V of enum X. */
void cg_doc_value(cg *g, qc_emit *out, const cg_ent *x, const qc_smember *v);
/* The description of member NAME in DOC, or NULL. */
const char *cg_doc_member_text(qc_arena *a, const qc_doc *doc,
                               const char *name);
/* The description of feature NAME in DOC, or NULL. */
const char *cg_doc_feature_text(qc_arena *a, const qc_doc *doc,
                                const char *name);
/* The first paragraph of the definition's doc (for descriptors). */
const char *cg_doc_body(const qc_doc *doc);

/* Appends a file NAME holding E's text to OUT, and empties E (gen_c.c). */
void cg_add_file(qc_gen_output *out, const char *name, qc_emit *e);

/* The comment at the top of every generated file. */
void cg_file_banner(cg *g, qc_emit *out, const char *what);

#endif
