/* JSON string literals as Python's json.dumps writes them with
 * ensure_ascii: ASCII only, \uXXXX escapes with lower-case hex, surrogate
 * pairs above U+FFFF.  The diagnostic sink's JSON format, the JSON
 * writer (syntax/json.h) and every JSON report use it.
 *
 * The result is valid JSON (RFC 8259, strict parsers included) for any
 * bytes: text that is not UTF-8 (a file name, a command-line argument)
 * has each byte that is not part of a well-formed sequence written as
 * U+FFFD, the replacement character ("\ufffd"), as Go's encoding/json
 * does.  No byte is dropped or merged with its neighbours, and no
 * surrogate is ever written alone. */
#ifndef QC_JSON_STRING_H
#define QC_JSON_STRING_H

#include <stddef.h>

#include "base/buf.h"

/* Appends S[0..LEN) as a JSON string literal.  Well-formed UTF-8 is
 * escaped by code point; any other byte becomes "\ufffd". */
void qc_json_write_string(qc_buf *b, const char *s, size_t len);

#endif
