/* Output, the one way every command writes its results: to standard
 * output, or to a file replaced atomically (a temporary file in the same
 * directory, then rename), so that a reader never sees half a file and a
 * failed write leaves the old file as it was.  Failures are reported to
 * the sink with code "io-error"; the callers only decide the exit status.
 *
 * The write-if-changed variant is for generated files: when a file already
 * holds exactly the new text it is left alone, modification time included,
 * so that make rebuilds nothing. */
#ifndef QC_OUTPUT_H
#define QC_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

/* Writes DATA[0..LEN) to PATH, or to standard output when PATH is NULL or
 * "-".  A replaced file keeps its permission bits; a new one gets 0666
 * less the umask.  Returns false after reporting the failure to D. */
bool qc_output_write(qc_diag *d, const char *path, const char *data,
                     size_t len);

/* The same, except that a regular file PATH already holding exactly DATA
 * is not touched.  *CHANGED (may be NULL) tells whether PATH was written.
 * Standard output is always written. */
bool qc_output_write_if_changed(qc_diag *d, const char *path,
                                const char *data, size_t len, bool *changed);

/* Writes DATA to PATH only when PATH does not exist: staged next to it and
 * then linked into place, so that a file made meanwhile is never replaced
 * either (a file the user owns once written, such as a test skeleton).
 * *EXISTED tells that PATH was there: nothing written, no error. */
bool qc_output_write_new(qc_diag *d, const char *path, const char *data,
                         size_t len, bool *existed);

/* A set of files written all or nothing, each only when its content
 * changed (generated code): qc_output_set_add() compares PATH with DATA
 * and, when they differ, writes DATA to a temporary file next to PATH
 * (returning false after reporting when it cannot, or when PATH is no
 * regular file); qc_output_set_commit() renames them all into place
 * (*NCHANGED, may be NULL: how many), or, after a failed add, removes them
 * and changes nothing.  Commit and abort free the set. */
typedef struct qc_output_set qc_output_set;
qc_output_set *qc_output_set_new(void);
bool qc_output_set_add(qc_output_set *s, qc_diag *d, const char *path,
                       const char *data, size_t len);
bool qc_output_set_commit(qc_output_set *s, qc_diag *d, size_t *nchanged);
void qc_output_set_abort(qc_output_set *s);

#endif
