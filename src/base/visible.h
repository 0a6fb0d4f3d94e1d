/* Text for a terminal or a line-based report, with every character that
 * could act on the terminal or break the lines made visible.  Used for
 * the text formats of diagnostics and reports, wherever a string comes
 * from the input (names, paths, file names, arguments).
 *
 * Shown as escapes:
 * - C0 control characters and DEL: \t, \n and \r for those three, \xNN
 *   for the others (ESC is \x1b);
 * - bytes that are not part of well-formed UTF-8: \xNN, one per byte;
 * - the C1 controls U+0080..U+009F (CSI, OSC...), the bidirectional
 *   controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and
 *   the line and paragraph separators U+2028, U+2029: \uXXXX.
 * Everything else, printable UTF-8 included, is copied as it is; a
 * backslash stays a backslash (the escapes are for reading, not for
 * decoding back). */
#ifndef QC_VISIBLE_H
#define QC_VISIBLE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* Appends S[0..LEN) to B with the escapes above. */
void qc_visible_append(qc_buf *b, const char *s, size_t len);

/* The same for the NUL-terminated S. */
void qc_visible_puts(qc_buf *b, const char *s);

/* S as markdown text: made visible, with the characters that start
 * emphasis, links, HTML, strike-through or a table cell
 * escaped by a backslash. */
void qc_visible_md_text(qc_buf *b, const char *s);

/* S as a markdown code span that is safe in a table cell: made visible,
 * '|' escaped, fenced by one backtick more than the longest run of them
 * in S, padded with spaces when S starts or ends with one. */
void qc_visible_md_code(qc_buf *b, const char *s);

/* True when S[0..LEN) would be copied unchanged. */
bool qc_visible_is_plain(const char *s, size_t len);

#endif
