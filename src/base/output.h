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

#endif
