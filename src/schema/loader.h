/* Schema loader: reads a root schema and its includes, handles the
 * 'include' and 'pragma' directives, and pairs doc blocks with the
 * definitions that follow them -- in the order QEMU's parser does, so the
 * first error reported is QEMU's.  Output: the list of top-level
 * expressions for the expression checker and schema model. */
#ifndef QC_LOADER_H
#define QC_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/hashmap.h"
#include "schema/doc.h"
#include "schema/options.h"
#include "syntax/value.h"

/* How deep includes may nest, the root file counting as one: far beyond
 * any real schema (QEMU's nest two or three deep), and before reading
 * them recursively could exhaust the C stack. */
#define QC_MAX_INCLUDE_DEPTH 1000

typedef struct qc_module {
    const char *name;        /* path relative to the root schema's directory,
                                as QEMU names modules ("sub/x.json") */
    const qc_source *src;
    uint32_t index;          /* its place in qc_schema_ast.modules */
    bool reading_;           /* private to the loader: being read (it
                                includes the file read now, or is it) */
} qc_module;

/* A top-level expression: 32 bytes, a schema may have a million.  The
 * expression checks (schema/expr.h) note the kind of the definitions
 * that pass them (qc_expr_meta, qc_expr_name). */
typedef struct qc_expr {
    qc_value value;          /* the top-level object; its location, the
                                first token, is QEMU's info (qc_expr_loc) */
    qc_doc *doc;             /* definition doc, or NULL */
    /* An include directive (QEMU records directives in the list too):
     * 1 + the index in qc_schema_ast.modules of the module it names;
     * 0 for definitions. */
    uint32_t include_;
    /* Private to the expression checks: 1 + the kind of a definition
     * that passed them, 0 for a directive or a definition not (yet)
     * checked or rejected; and 1 + the index of the member naming it
     * (0: to be looked up, for an index too large). */
    uint32_t meta_ : 3;
    uint32_t name_member_ : 29;
} qc_expr;

static inline qc_loc qc_expr_loc(const qc_expr *x)
{
    return qc_value_loc(&x->value);
}

/* A pragma's list of names: as written (the last setting of it), and a
 * set of them for the checks, which ask about every definition. */
typedef struct qc_name_list {
    qc_ptrvec names;                        /* const char * */
    qc_hashmap *set;                        /* made once loading ends */
    /* With it, a bit for each of the names' beginnings (name_bit in
     * loader.c): most names asked about are in no list, and most of
     * those are told apart by it without a lookup. */
    uint64_t starts[4];
} qc_name_list;

typedef struct qc_pragma {
    bool doc_required;
    qc_name_list command_name_exceptions;
    qc_name_list command_returns_exceptions;
    qc_name_list member_name_exceptions;
    qc_name_list documentation_exceptions;
} qc_pragma;

typedef struct qc_schema_ast {
    const char *root_path;
    /* In order, held here: keep no pointer to one while loading (the
     * array grows). */
    qc_expr *exprs;
    size_t n_exprs;
    size_t cap_exprs_;
    qc_ptrvec docs;          /* qc_doc *, every doc block in order */
    qc_ptrvec modules;       /* qc_module *, root first, then first-include order */
    qc_pragma pragma;        /* one pragma for the whole schema */
} qc_schema_ast;

/* The module include directive X of AST includes, or NULL when X is a
 * definition. */
static inline const qc_module *qc_expr_include(const qc_schema_ast *ast,
                                               const qc_expr *x)
{
    return x->include_ ? ast->modules.items[x->include_ - 1] : NULL;
}

/* Returns false after reporting the first error (parsing stops at the first
 * error, as QEMU's does).  An unreadable root schema is reported without a
 * location and sets *IO_ERROR when IO_ERROR is non-NULL. */
bool qc_schema_load(qc_arena *a, qc_diag *d, const qc_options *opts,
                    const char *path, qc_schema_ast *out, bool *io_error);

/* Whether NAME is in LIST. */
bool qc_pragma_lists(const qc_name_list *list, const char *name);

#endif
