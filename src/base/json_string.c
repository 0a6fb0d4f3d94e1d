/* JSON string literals; see json_string.h. */
#include "base/json_string.h"

#include <stdint.h>

#include "base/utf8.h"

static const char hexdigits[] = "0123456789abcdef";

static void put_u16(qc_buf *b, unsigned v)
{
    char e[6] = { '\\', 'u', hexdigits[(v >> 12) & 15], hexdigits[(v >> 8) & 15],
                  hexdigits[(v >> 4) & 15], hexdigits[v & 15] };
    qc_buf_append(b, e, 6);
}

void qc_json_write_string(qc_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    qc_buf_reserve(b, len + 2);
    qc_buf_putc(b, '"');
    while (p < end) {
        /* Copy the longest run that needs no escaping in one go. */
        const unsigned char *run = p;
        while (p < end && *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            qc_buf_append(b, (const char *)run, (size_t)(p - run));
        if (p == end)
            break;
        unsigned char c = *p;
        switch (c) {
        case '"': qc_buf_append(b, "\\\"", 2); p++; continue;
        case '\\': qc_buf_append(b, "\\\\", 2); p++; continue;
        case '\n': qc_buf_append(b, "\\n", 2); p++; continue;
        case '\r': qc_buf_append(b, "\\r", 2); p++; continue;
        case '\t': qc_buf_append(b, "\\t", 2); p++; continue;
        case '\b': qc_buf_append(b, "\\b", 2); p++; continue;
        case '\f': qc_buf_append(b, "\\f", 2); p++; continue;
        default: break;
        }
        if (c < 0x80) {
            put_u16(b, c);
            p++;
            continue;
        }
        /* A byte that starts no well-formed sequence is replaced, on its
         * own: the bytes after it are looked at afresh. */
        uint32_t cp;
        size_t n = qc_utf8_decode(p, end, &cp);
        if (!n) {
            cp = 0xFFFD;
            n = 1;
        }
        p += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put_u16(b, 0xD800 | (cp >> 10));
            put_u16(b, 0xDC00 | (cp & 0x3FF));
        } else {
            put_u16(b, cp);
        }
    }
    qc_buf_putc(b, '"');
}
