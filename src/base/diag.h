/* The one diagnostic sink of the program.  Every phase reports here; the CLI
 * decides where the text goes (qc_diag_flush) and what the exit code is.
 *
 * Diagnostics are buffered; their locations are resolved (path, line,
 * column, include chain) when reported, so sources may be freed before the
 * flush.  Each costs a record of 28 bytes and its message text (a message
 * equal to a recent one is kept once), and its definition and notes if
 * it has them: a run that keeps every problem of a hostile input
 * (--max-errors=0) holds them all.  On flush the first error reported
 * keeps first place (it is the one the reference implementation would
 * stop at), and the others follow sorted by file (each source read is
 * one, even when freed and read again: in order of first mention) and
 * offset. */
#ifndef QC_DIAG_H
#define QC_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/source.h"

typedef enum { QC_SEV_ERROR, QC_SEV_WARNING, QC_SEV_NOTE } qc_severity;

typedef enum {
    QC_DIAG_GCC,    /* FILE:LINE:COL: error: message            (default) */
    QC_DIAG_QEMU,   /* FILE:LINE[:COL]: message, like QEMU's .err files */
    QC_DIAG_JSON,   /* one JSON object per line                         */
} qc_diag_format;

typedef struct qc_diag qc_diag;
typedef struct qc_diagnostic qc_diagnostic;

qc_diag *qc_diag_new(void);
void qc_diag_free(qc_diag *d);

void qc_diag_set_format(qc_diag *d, qc_diag_format fmt);
/* Stop recording errors after N of them (0: no limit). */
void qc_diag_set_max_errors(qc_diag *d, unsigned n);
/* Parses "gcc", "qemu" or "json"; returns false if unknown. */
bool qc_diag_parse_format(const char *name, qc_diag_format *fmt);

/* Records a diagnostic.  LOC may be no location (no source) for problems
 * with no place in a file.  CODE is a stable identifier (a string literal: it is not copied)
 * such as "qapi-unknown-type" (see
 * doc/diagnostics.md).  Returns a handle for adding context and notes; the
 * handle is NULL when the diagnostic was dropped (error limit reached), and
 * the decorating functions accept NULL. */
qc_diagnostic *qc_diag_report(qc_diag *d, qc_severity sev, qc_loc loc,
                              const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
qc_diagnostic *qc_diag_vreport(qc_diag *d, qc_severity sev, qc_loc loc,
                               const char *code, const char *fmt, va_list ap);

#define qc_error(d, loc, code, ...) \
    qc_diag_report((d), QC_SEV_ERROR, (loc), (code), __VA_ARGS__)
#define qc_warning(d, loc, code, ...) \
    qc_diag_report((d), QC_SEV_WARNING, (loc), (code), __VA_ARGS__)

/* The column is part of the location (syntax errors).  In the qemu format
 * only such diagnostics show a column; the others always do. */
void qc_diag_show_column(qc_diagnostic *dg);
/* Adds the "FILE: In META 'NAME':" context line. */
void qc_diag_in_definition(qc_diagnostic *dg, const char *meta,
                           const char *name);
/* Adds a related location, e.g. a previous definition.  META/NAME may be
 * NULL; otherwise the note gets its own "In META 'NAME':" line. */
void qc_diag_note(qc_diagnostic *dg, qc_loc loc, const char *meta,
                  const char *name, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

unsigned qc_diag_error_count(const qc_diag *d);
/* True once the error limit is reached: callers may stop early. */
bool qc_diag_limit_reached(const qc_diag *d);

/* Writes all buffered diagnostics to OUT in the chosen format and clears
 * the buffer (the error count is kept).  Returns false when OUT could not
 * take them (a full disk, a closed descriptor). */
bool qc_diag_flush(qc_diag *d, FILE *out);

/* Iteration: the Nth buffered diagnostic (0-based), or NULL; and how
 * many are buffered (those of one step are the ones from the count
 * before it to the count after). */
const qc_diagnostic *qc_diag_get(const qc_diag *d, size_t n);
size_t qc_diag_count(const qc_diag *d);
/* Its text, good until the next report to its sink (the texts grow). */
const char *qc_diagnostic_message(const qc_diagnostic *dg);
const char *qc_diagnostic_code(const qc_diagnostic *dg);
/* Where it was reported (path NULL: no location). */
const char *qc_diagnostic_path(const qc_diagnostic *dg);
unsigned qc_diagnostic_line(const qc_diagnostic *dg);
unsigned qc_diagnostic_column(const qc_diagnostic *dg);
/* Formats one diagnostic as it would be flushed (malloc'ed string). */
char *qc_diagnostic_format(const qc_diag *d, const qc_diagnostic *dg);

#endif
