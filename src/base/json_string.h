/* JSON string literals as Python's json.dumps writes them with
 * ensure_ascii: ASCII only, \uXXXX escapes with lower-case hex, surrogate
 * pairs above U+FFFF.  The diagnostic sink's JSON format and the JSON
 * writer (syntax/json.h) both use it. */
#ifndef QC_JSON_STRING_H
#define QC_JSON_STRING_H

#include <stddef.h>

#include "base/buf.h"

/* Appends S[0..LEN) as a JSON string literal.  Well-formed UTF-8 is
 * escaped by code point; any other byte is taken as a Latin-1 character. */
void qc_json_write_string(qc_buf *b, const char *s, size_t len);

#endif
