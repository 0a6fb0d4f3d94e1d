/* The state of one schema build, shared by the files that make the model
 * (build.c: the phases; define.c: entities in QEMU's definition order;
 * check.c: QAPISchema.check; connect.c: doc comments) and by nothing else.
 *
 * After an error the build goes on with whatever does not depend on it:
 * a duplicate definition is dropped, an entity whose check fails is
 * marked failed, and everything referring to a failed entity or to a
 * definition the expression checks rejected fails silently (its check
 * would rely on resolved types and completed member lists that are not
 * there), so no error is ever a consequence of an earlier one. */
#ifndef QC_BUILDER_H
#define QC_BUILDER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/hashmap.h"
#include "schema/expr.h"
#include "schema/schema.h"

typedef struct qc_builder {
    qc_arena *a;
    qc_diag *d;
    const qc_options *o;
    qc_schema *s;
    qc_ptrvec ents;
    qc_ptrvec mods;
    /* The module of each of the loader's (by its index), once made; the
     * index + 1 of the loader's module of each source number (0: none),
     * made by the first question. */
    qc_smodule **mod_of;
    uint32_t *mod_of_src;
    size_t n_src_ids;
    qc_hashmap *features;       /* name -> qc_feat_first */
    qc_ptrvec feature_order;    /* qc_feat_first * */
    /* Names of definitions the expression checks rejected or that were
     * dropped: references to them fail without a diagnostic. */
    qc_hashmap *rejected;
    /* A rejected definition had no recognisable name: any unknown name
     * may be its, so unknown references fail without a diagnostic; and it
     * may have been a pragma, so what its exception lists could allow is
     * not reported (an undocumented member, a non-object 'returns'). */
    bool rejected_unnamed;
    /* Names defined more than once: which definition references mean is
     * unclear, so they fail without a diagnostic. */
    qc_hashmap *contested;
    qc_ptrvec skip_docs;        /* qc_doc * not to check (entity failed) */
    struct qc_seen *seen;       /* check.c: the members clash checks saw */
    /* check.c: the members the clash checks went through so far, and
     * how deep the checks of objects nest (bases, branches): both
     * limited (QC_MAX_MEMBER_CHECKS, QC_MAX_OBJECT_DEPTH). */
    size_t member_checks;
    unsigned object_depth;
    bool over_limit;            /* one was exceeded (reported): stop */
    bool failed;                /* an error was reported */
} qc_builder;

/* An object inherits its base's members, and a union's check goes
 * through its branches' members: a chain of N structs each based on the
 * one before holds N * (N + 1) / 2 members, which introspection and the
 * generated code spell out one by one, as QEMU's do.  The clash checks go
 * through at most this many members in all, far more than any real
 * schema (QEMU 10.0's: about 3,600), and the checks of objects nest at
 * most this deep (a base chain or branches within branches), before the
 * C stack runs out. */
#define QC_MAX_MEMBER_CHECKS 4000000
#define QC_MAX_OBJECT_DEPTH 1000

/* Where a feature name was first used (QEMU numbers features so). */
typedef struct qc_feat_first {
    const char *name;
    qc_loc loc;
    const char *meta, *defn;
} qc_feat_first;

/* Entity check states (qc_entity.state_).  Only objects go through
 * QC_ST_CHECKING (their checks recurse into base and branch types); a
 * failed entity is QC_ST_FAILED, whatever its kind. */
enum { QC_ST_NEW, QC_ST_CHECKING, QC_ST_DONE, QC_ST_FAILED };

/* Reports an error at LOC with the "In META 'NAME':" context. */
qc_diagnostic *qc_sb_error(qc_builder *b, qc_loc loc, const char *meta,
                           const char *name, const char *code,
                           const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* An error located at entity E, in its definition's context. */
#define QC_SB_ERR(b, e, code, ...) \
    qc_sb_error((b), qc_entity_loc((e)), qc_entity_defn_meta(e), \
                qc_entity_defn_name(e), (code), \
                __VA_ARGS__)

/* define.c */
/* Defines the entities of DFN (and its implicit types); false when one of
 * them is defined already (reported). */
bool qc_sb_define(qc_builder *b, const qc_expr *x);
/* The builtins, their arrays, q_empty and QType. */
void qc_sb_define_predefineds(qc_builder *b);
/* Appends E to the entity list. */
void qc_sb_add_entity(qc_builder *b, qc_entity *e);
qc_entity *qc_sb_new_entity(qc_builder *b, qc_entity_kind kind,
                            const char *name, const qc_expr *x);
/* Gives E its condition and features (NULL and 0: none). */
void qc_sb_set_extra(qc_builder *b, qc_entity *e, qc_cond *cond,
                     qc_feature **features, uint32_t nfeatures);
qc_smember *qc_sb_new_member(qc_builder *b, qc_role role, const char *name,
                             const qc_expr *x);

/* check.c: E's part of QAPISchema.check; false after reporting. */
bool qc_sb_check_entity(qc_builder *b, qc_entity *e);

/* connect.c: connects E's doc (or DOC for an implicit type); false after
 * reporting. */
bool qc_sb_connect_doc(qc_builder *b, qc_entity *e, qc_doc *doc);
/* DOC is not to be checked at the end (its definition failed). */
void qc_sb_skip_doc(qc_builder *b, qc_doc *doc);
bool qc_sb_doc_skipped(const qc_builder *b, const qc_doc *doc);

#endif
