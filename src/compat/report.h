/* The reports of "qapic compat": the matrix of rules by QEMU builds, and
 * the violations found in recorded calls, each in four formats. */
#ifndef QC_REPORT_H
#define QC_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "compat/compat.h"
#include "compat/rules.h"
#include "dumps/version.h"

typedef enum {
    QC_REPORT_TEXT,
    QC_REPORT_JSON,
    QC_REPORT_MARKDOWN,
    QC_REPORT_TSV,
} qc_report_format;

/* One column of the matrix: a QEMU build and how every rule fares on it. */
typedef struct qc_compat_source {
    const char *path;
    const char *name;          /* base name, for display */
    qc_version version;
    const char *version_str;   /* "" when unknown */
    qc_compat_result *results; /* one per rule */
} qc_compat_source;

typedef struct qc_compat_matrix {
    qc_compat_source *src;
    size_t nsrc;
    const qc_ruleset *rs;
} qc_compat_matrix;

/* Orders the sources by QEMU version (unknown last), then by name. */
void qc_compat_sort_sources(qc_compat_source *src, size_t n);

/* True when rule RI fails on source SI inside the rule's versions: a
 * failure that counts. */
bool qc_compat_counted_failure(const qc_compat_matrix *m, size_t si,
                               size_t ri);

void qc_compat_write_matrix(qc_buf *b, const qc_compat_matrix *m,
                            qc_report_format fmt);

/* A broken call constraint, or a problem against a source's schema. */
typedef struct qc_compat_violation {
    const char *file;
    unsigned line, col;
    const char *command;       /* or event; NULL if none */
    const char *rule;          /* rule id, or "schema:SOURCE" */
    const char *code;
    const char *message;
} qc_compat_violation;

/* The report on NCALLS calls read from NFILES files.  The text format is
 * only the summary line: the violations themselves are diagnostics. */
void qc_compat_write_violations(qc_buf *b, qc_compat_violation *const *v,
                                size_t n, size_t ncalls, size_t nfiles,
                                qc_report_format fmt);

#endif
