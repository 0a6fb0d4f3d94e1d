/* The text emitter shared by the generators: a growing buffer that indents
 * lines, a small fast formatter, C string literals and Doxygen comments.
 *
 * Generated files are large (megabytes for QEMU's schema) and produced on
 * every build, so the formatter avoids vsnprintf: it understands only
 *   %s   a string (NULL prints nothing)
 *   %S   a C string literal of the string, quotes included (NULL: NULL)
 *   %d   int      %u  unsigned      %z  size_t      %%  a percent sign
 * Indentation is applied at the start of every non-empty line. */
#ifndef QC_GEN_EMIT_H
#define QC_GEN_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

typedef struct qc_emit {
    qc_buf b;
    unsigned indent;    /* spaces put before each line */
    bool bol;           /* at the beginning of a line */
    qc_buf scratch;     /* private: qc_emit_f's text before indentation */
} qc_emit;

#define QC_EMIT_INIT { QC_BUF_INIT, 0, true, QC_BUF_INIT }

/* Text with indentation at line starts; N bytes. */
void qc_emit_n(qc_emit *e, const char *s, size_t n);
void qc_emit_s(qc_emit *e, const char *s);
/* Formatted as described above. */
void qc_emit_f(qc_emit *e, const char *fmt, ...);
/* Indents the following lines by 4 more / fewer spaces. */
void qc_emit_in(qc_emit *e);
void qc_emit_out(qc_emit *e);
/* Appends OTHER's text as is and empties it. */
void qc_emit_take(qc_emit *e, qc_emit *other);
void qc_emit_free(qc_emit *e);

/* Appends S as the body of a C string literal: quotes, backslashes and
 * control characters escaped, "??" broken up (trigraphs), other bytes
 * (UTF-8 included) as they are. */
void qc_c_string_body(qc_buf *b, const char *s);

/* Appends TEXT for a Doxygen comment: characters Doxygen would take as
 * markup (\ @ < > & # %) are escaped, except that a schema reference
 * "@name" becomes "@p name"; comment delimiters are broken up. */
void qc_doxygen_escape(qc_buf *b, const char *text, size_t n);

/* Emits TEXT (Doxygen markup, lines separated by '\n') as a comment at the
 * current indentation: "/ ** TEXT * /" on one line when it is one short
 * line, else a block with " * " before each line.  Nothing for empty TEXT. */
void qc_emit_doc(qc_emit *e, const char *text, size_t n);

#endif
