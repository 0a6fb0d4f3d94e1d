#include "syntax/json.h"

#include <stdint.h>

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
        /* Decode one UTF-8 sequence (the scanner validated it); a stray
         * byte is written as its Latin-1 code point. */
        uint32_t cp = c;
        size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (n > 1 && (size_t)(end - p) >= n) {
            cp = c & (0x3F >> (n - 1));
            for (size_t i = 1; i < n; i++)
                cp = (cp << 6) | (p[i] & 0x3F);
        } else {
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

static void newline(qc_buf *b, int indent, int level)
{
    qc_buf_putc(b, '\n');
    qc_buf_indent(b, (size_t)(indent * level));
}

void qc_json_write(qc_buf *b, const qc_value *v, int indent, int level)
{
    switch (v->kind) {
    case QC_VNULL:
        qc_buf_append(b, "null", 4);
        break;
    case QC_VBOOL:
        if (v->u.b)
            qc_buf_append(b, "true", 4);
        else
            qc_buf_append(b, "false", 5);
        break;
    case QC_VSTRING:
        qc_json_write_string(b, v->u.str.s, v->u.str.len);
        break;
    case QC_VINT:
    case QC_VUINT:
    case QC_VNUMBER:
        qc_buf_puts(b, v->u.num.text);
        break;
    case QC_VARRAY:
        if (!v->u.arr.n) {
            qc_buf_append(b, "[]", 2);
            break;
        }
        qc_buf_putc(b, '[');
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (i)
                qc_buf_append(b, indent ? "," : ", ", indent ? 1 : 2);
            if (indent)
                newline(b, indent, level + 1);
            qc_json_write(b, v->u.arr.items[i], indent, level + 1);
        }
        if (indent)
            newline(b, indent, level);
        qc_buf_putc(b, ']');
        break;
    case QC_VOBJECT:
        if (!v->u.obj.n) {
            qc_buf_append(b, "{}", 2);
            break;
        }
        qc_buf_putc(b, '{');
        for (size_t i = 0; i < v->u.obj.n; i++) {
            const qc_member *m = &v->u.obj.members[i];
            if (i)
                qc_buf_append(b, indent ? "," : ", ", indent ? 1 : 2);
            if (indent)
                newline(b, indent, level + 1);
            qc_json_write_string(b, m->key, m->key_len);
            qc_buf_append(b, ": ", 2);
            qc_json_write(b, m->value, indent, level + 1);
        }
        if (indent)
            newline(b, indent, level);
        qc_buf_putc(b, '}');
        break;
    }
}
