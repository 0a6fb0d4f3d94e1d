/* Syntax layer: the flex scanner and bison parser in grammar/ behind one
 * call.  Three dialects share the grammar:
 *   QC_DIALECT_SCHEMA  QAPI schema files: single-quoted strings, '#'
 *                      comments, '##' doc blocks, true/false, no numbers,
 *                      no null.  Top-level items are values and doc blocks.
 *   QC_DIALECT_JSON    strict RFC 8259 JSON, exactly one value.
 *   QC_DIALECT_STREAM  strict JSON, a sequence of values separated by
 *                      whitespace (capability dumps, QMP logs).
 *
 * The first syntax error ends parsing.  It is not reported to the sink at
 * once but returned in the result, so that the schema loader can report
 * it at the point where QEMU's one-pass parser would have (after the
 * items before it are processed). */
#ifndef QC_PARSE_H
#define QC_PARSE_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"
#include "syntax/value.h"

typedef enum {
    QC_DIALECT_SCHEMA,
    QC_DIALECT_JSON,
    QC_DIALECT_STREAM,
} qc_dialect;

/* A '##' ... '##' block: the source text from the opening '##' to the end
 * of the block's last line.  Its lines are the '#' comments in it, and
 * between them there is only white space.  The first line is the opening
 * '##...' line and, in a complete block, the last one the closing one.
 * Checking the lines (junk after '##', missing space after '#', sections)
 * is the job of the doc comment parser (doc.h). */
typedef struct qc_docblock {
    const qc_source *src;
    uint32_t start, end;        /* offsets in src->text */
    size_t n;                   /* lines */
    /* Where each line starts (its '#') and ends (offsets): 2 * N of them,
     * found by the scanner, which reads every line anyway. */
    const uint32_t *bounds;
    bool complete;              /* false: cut short by a syntax error */
} qc_docblock;

/* One line of a doc block, exactly as written from its '#' to the end of
 * the line (no newline; not NUL-terminated). */
typedef struct qc_docline {
    const char *text;
    size_t len;
    qc_loc loc;                 /* the '#' */
    size_t index;               /* 0 for the first line */
} qc_docline;

/* The end of the white space at P (not beyond END) as the schema dialect
 * skips it between tokens: where the next line of a doc block starts
 * (the scanner stops there too). */
const char *qc_doc_gap_end_slow(const char *p, const char *end);

static inline const char *qc_doc_gap_end(const char *p, const char *end)
{
    /* Usually the next line starts right after the newline. */
    if (end - p >= 2 && p[0] == '\n' && p[1] == '#')
        return p + 1;
    return qc_doc_gap_end_slow(p, end);
}

/* Line I of BLK. */
static inline qc_docline qc_docblock_line(const qc_docblock *blk, size_t i)
{
    uint32_t from = blk->bounds[2 * i], to = blk->bounds[2 * i + 1];
    qc_docline l = { blk->src->text + from, to - from,
                     qc_loc_make(blk->src, from), i };
    return l;
}

/* The first line of BLK. */
static inline qc_docline qc_docblock_first(const qc_docblock *blk)
{
    return qc_docblock_line(blk, 0);
}

/* Moves *L, a line of BLK, to the next one; false when L is the last. */
static inline bool qc_docblock_next(const qc_docblock *blk, qc_docline *l)
{
    if (l->index + 1 >= blk->n)
        return false;
    *l = qc_docblock_line(blk, l->index + 1);
    return true;
}

/* A top-level value or, when DOC is set, a doc block.  The value is
 * held here: a schema has one per definition. */
typedef struct qc_item {
    qc_value value;
    qc_docblock *doc;
} qc_item;

/* The value of item IT, or NULL for a doc block. */
static inline qc_value *qc_item_value(qc_item *it)
{
    return it->doc ? NULL : &it->value;
}

typedef struct qc_syntax_error {
    qc_loc loc;
    const char *code;           /* e.g. "syntax-unterminated-string" */
    const char *message;
    /* Index of the item the error belongs after: the error must be
     * reported before that item is processed (a lexical error in the token
     * that follows an expression is found by QEMU before it looks at the
     * expression), or, if AFTER_ITEM == nitems, after all items. */
    size_t after_item;
    /* The doc block the error interrupted, if any (not in items). */
    qc_docblock *partial_doc;
    /* A lexical error in the first token after the doc block that is item
     * AFTER_ITEM - 1.  QEMU reads that token before the block's closing
     * checks (sections left without text), so the error goes between the
     * block's line checks and those. */
    bool before_doc_end;
} qc_syntax_error;

typedef struct qc_parse_result {
    qc_item *items;
    size_t nitems;
    qc_syntax_error *error;     /* NULL on success */
} qc_parse_result;

/* Parses SRC (whose text is followed by two NUL bytes, as qc_source_load
 * makes it).  Never reports to a sink; see qc_parse_report for that. */
void qc_parse(qc_arena *a, const qc_source *src, qc_dialect dialect,
              qc_parse_result *out);
/* The same from offset START of SRC's text on (locations stay offsets
 * from its start): for a reader that resumes after a syntax error. */
void qc_parse_from(qc_arena *a, const qc_source *src, qc_dialect dialect,
                   uint32_t start, qc_parse_result *out);
/* Gives back the memory of R's list of items (not of the values and doc
 * blocks): for a caller done with the list before the arena is freed. */
void qc_parse_release(qc_arena *a, qc_parse_result *r);

/* Reports ERR to D as a located error with a column. */
void qc_parse_report(qc_diag *d, const qc_syntax_error *err);

/* Convenience for the JSON dialects: parse and report; returns the values
 * or NULL (with *N = 0) after reporting the error. */
qc_value **qc_parse_json(qc_arena *a, const qc_source *src, bool stream,
                         qc_diag *d, size_t *n);

/* Deepest nesting of arrays and objects accepted. */
#define QC_MAX_DEPTH 1000

#endif
