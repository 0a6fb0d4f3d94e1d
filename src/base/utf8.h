/* UTF-8, written once: strict decoding (no overlong forms, surrogates or
 * code points past U+10FFFF, as QEMU's Python decoder and RFC 8259 want),
 * encoding, and stepping over characters.  Used by the scanner (JSON
 * strings), the schema loader (whole-file check), doc comments (line
 * lengths, columns), locations, rule files and the JSON writer. */
#ifndef QC_UTF8_H
#define QC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True for a continuation byte (10xxxxxx): not the start of a character. */
static inline bool qc_utf8_is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Length (1 to 4) of the well-formed sequence at P, which ends before END;
 * 0 when there is none.  *CP (may be NULL) gets its code point. */
size_t qc_utf8_decode(const unsigned char *p, const unsigned char *end,
                      uint32_t *cp);

/* Offset of the first byte of TEXT[0..LEN) that is not part of
 * well-formed UTF-8, or LEN when all of it is. */
size_t qc_utf8_invalid_at(const char *text, size_t len);

/* Writes CP (at most U+10FFFF) to OUT, which has room for 4 bytes;
 * returns the number of bytes written. */
size_t qc_utf8_encode(uint32_t cp, char *out);

/* Number of characters in S[0..N): the bytes that are no continuation. */
size_t qc_utf8_count(const char *s, size_t n);

/* Offset of the character after the one at OFF in S[0..LEN). */
static inline size_t qc_utf8_next(const char *s, size_t off, size_t len)
{
    if (off < len)
        off++;
    while (off < len && qc_utf8_is_cont((unsigned char)s[off]))
        off++;
    return off;
}

#endif
