/* Doc comments: the '##' blocks of a QAPI schema (QEMU 10.x rules; see
 * ../shared/reference/qapi-language.md §1.9 and §3 N).
 *
 * The schema loader hands every doc block to qc_doc_parse() in source
 * order, at the point where QEMU's parser reads it.  Later, when the schema
 * model checks a definition, it connects the definition's doc with the
 * qc_doc_check_expr / qc_doc_connect_* / qc_doc_check calls, in the order
 * QEMU makes them.  Every function reports through the sink and returns
 * false (or NULL) after reporting an error.
 *
 * Callers, in QEMU's order:
 *  1. Loader: qc_doc_parse() on every block (free-form ones too) in source
 *     order, following includes, at the point QEMU's parser meets it.  For a
 *     block cut short by a syntax error, call it on partial_doc before
 *     reporting the syntax error: an earlier line's doc error wins.  The
 *     symbol/definition pairing, 'doc-required' and "doc not followed by a
 *     definition" are the loader's and expression checker's business.
 *  2. Expression checks (check_exprs order, per definition that has a doc,
 *     after the "doc is for 'X'" symbol check): qc_doc_check_expr().
 *  3. Schema check: for each entity in definition order, after the
 *     entity's own check(), connect its doc (the definition's doc; implicit
 *     types have none and connect nothing themselves):
 *       - first the entity's own features: qc_doc_connect_feature();
 *       - struct/union: if the base is implicit (an inline dict), its
 *         members; then the local members (not the union's branches);
 *         each member followed by its own features;
 *       - enum: every value (role "value"), each followed by its features;
 *       - alternate: every branch (role "branch");
 *       - command/event: the members of an implicit argument type (role
 *         "member"); nothing when 'data' names a type (boxed or not).
 *  4. After all entities (and set_module): qc_doc_check() on every doc
 *     of the schema in doc order (free-form docs have nothing to check).
 *
 * qc_doc_dump prints, as test-qapi does: the body, then args in order (the
 * documented ones in doc order, then the implicit ones added by
 * qc_doc_connect_member in connect order), then features, then the other
 * sections.  QEMU prints the docs after the entities, every doc in
 * schema.docs order (free-form ones included). */
#ifndef QC_DOC_H
#define QC_DOC_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "schema/options.h"
#include "syntax/parse.h"

typedef enum {
    QC_DOC_PLAIN,       /* untagged text; a doc's body is its first one */
    QC_DOC_MEMBER,      /* "@name: text" describing a member, value or branch */
    QC_DOC_FEATURE,     /* "@name: text" after "Features:" */
    QC_DOC_RETURNS,
    QC_DOC_ERRORS,
    QC_DOC_SINCE,
    QC_DOC_TODO,
} qc_doc_kind;

typedef struct qc_doc_section {
    qc_doc_kind kind;
    const char *name;   /* MEMBER/FEATURE: the name after '@' */
    char *text;         /* the text as QEMU's test harness prints it;
                           NULL until qc_doc_dump wants it */
    qc_loc loc;         /* the line the section starts on */
    bool connected;     /* MEMBER/FEATURE: matched to a real member/feature */
    bool implicit;      /* added by connect for an undocumented, exempt member */
} qc_doc_section;

typedef struct qc_doc {
    qc_loc loc;             /* the opening '##' line (QEMU's doc.info) */
    const char *symbol;     /* "@NAME:" of definition docs; NULL: free-form */
    qc_doc_section *body;   /* never NULL after a successful parse */
    qc_ptrvec args;         /* qc_doc_section *, kind MEMBER, in order */
    qc_ptrvec features;     /* qc_doc_section *, kind FEATURE, in order */
    qc_ptrvec sections;     /* the other sections after the body, in order:
                               PLAIN, RETURNS, ERRORS, SINCE, TODO */
    qc_doc_section *returns, *errors, *since;
    size_t arg_hint_, feature_hint_;    /* private to connect */
    /* Private: the block it was read from, read again for the sections'
     * text when it is wanted (the checks do not need it). */
    const qc_docblock *blk_;
    qc_std std_;
    qc_arena *arena_;
} qc_doc;

/* Parses one block.  For a block cut short by a syntax error
 * (!blk->complete), checks the lines that are there and returns NULL
 * without a "not closed" complaint of its own: the caller then reports the
 * syntax error. */
qc_doc *qc_doc_parse(qc_arena *a, qc_diag *d, const qc_docblock *blk,
                     const qc_options *opts);

/* Like qc_doc_parse, but without the closing checks of a complete block
 * (tagged, member and feature sections need text): for a block that QEMU
 * would abandon at a lexical error in the token after it. */
qc_doc *qc_doc_parse_lines(qc_arena *a, qc_diag *d, const qc_docblock *blk,
                           const qc_options *opts);

/* QEMU's QAPIDoc.check_expr: Returns/Errors sections only where allowed,
 * for a command (IS_COMMAND) that has a 'returns' (HAS_RETURNS) or not.
 * QEMU reports these at the section's line, without an "In META 'NAME':"
 * context line. */
bool qc_doc_check_expr(qc_doc *doc, qc_diag *d, bool is_command,
                       bool has_returns);

/* QEMU's connect_member: MEMBER (role ROLE: "member", "value", "branch"...)
 * must be documented unless EXEMPT (the doc's symbol is listed in the
 * documentation-exceptions pragma), in which case an implicit section is
 * added.  LOC/META/NAME locate the diagnostic (the member's definition). */
bool qc_doc_connect_member(qc_arena *a, qc_doc *doc, qc_diag *d,
                           const char *member, const char *role, bool exempt,
                           qc_loc loc, const char *meta, const char *name);

/* QEMU's connect_feature: every feature must be documented (no pragma). */
bool qc_doc_connect_feature(qc_doc *doc, qc_diag *d, const char *feature,
                            qc_loc loc, const char *meta, const char *name);

/* QEMU's QAPIDoc.check: documented members and features must exist.  One
 * diagnostic lists all bogus members (then one for features), at the first
 * one's line, without definition context (as in QEMU). */
bool qc_doc_check(qc_doc *doc, qc_diag *d);

/* Appends the "doc symbol=..." block of the test-qapi listing for DOC. */
void qc_doc_dump(qc_buf *b, const qc_doc *doc);

#endif
