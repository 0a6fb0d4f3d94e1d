/* Canonical JSON writer: the format of Python's json.dumps(obj, indent=2)
 * with ensure_ascii, which libvirt's capability dumps use.  Numbers are
 * written exactly as they were read; strings by qc_json_write_string
 * (base/json_string.h, included here for the writers of JSON by hand). */
#ifndef QC_JSON_H
#define QC_JSON_H

#include <stddef.h>

#include "base/buf.h"
#include "base/json_string.h"
#include "syntax/value.h"

/* Writes V at indent level LEVEL (2 spaces a level).  INDENT 0 writes the
 * compact one-line form with ", " and ": " separators. */
void qc_json_write(qc_buf *b, const qc_value *v, int indent, int level);

/* Takes text from B as qc_json_write_pieces writes it: FINAL is set once,
 * at the end.  It may remove any part of B's text from its start. */
typedef void qc_json_sink(void *ctx, qc_buf *b, bool final);

/* Like qc_json_write at level 0, but hands the text to SINK whenever B
 * holds QC_JSON_PIECE bytes or more (after an element or member), so
 * that B needs not hold the whole of a large value's text. */
#define QC_JSON_PIECE ((size_t)64 << 10)
void qc_json_write_pieces(qc_buf *b, const qc_value *v, int indent,
                          qc_json_sink *sink, void *ctx);

#endif
