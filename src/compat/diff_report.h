/* The three report formats of qapic diff.  Writers append to a buffer;
 * the CLI decides where it goes. */
#ifndef QC_DIFF_REPORT_H
#define QC_DIFF_REPORT_H

#include "base/buf.h"
#include "compat/diff.h"

/* A changelog: the QEMU versions and sources, then the changes grouped by
 * command and event, then a summary line. */
void qc_diff_write_text(qc_buf *b, const qc_diff_side *old_side,
                        const qc_diff_side *new_side, const qc_diff_result *r);

/* One JSON object: "old" and "new" (source, kind, qemu_version,
 * conditions), "changes" (entity, entity_kind, change, path, direction,
 * class, message) and "summary" (counts). */
void qc_diff_write_json(qc_buf *b, const qc_diff_side *old_side,
                        const qc_diff_side *new_side, const qc_diff_result *r);

/* A table of the sides, then a table per command and event. */
void qc_diff_write_markdown(qc_buf *b, const qc_diff_side *old_side,
                            const qc_diff_side *new_side,
                            const qc_diff_result *r);

#endif
