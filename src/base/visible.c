/* Control characters made visible; see visible.h. */
#include "base/visible.h"

#include <stdint.h>
#include <string.h>

#include "base/utf8.h"

static const char hexdigits[] = "0123456789abcdef";

/* Code points beyond ASCII that act on a terminal or on the direction or
 * the lines of the text around them. */
static bool is_hidden(uint32_t cp)
{
    return (cp >= 0x80 && cp < 0xa0) || cp == 0x061c || cp == 0x200e
        || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e)
        || (cp >= 0x2066 && cp <= 0x2069);
}

static void put_byte_escape(qc_buf *b, unsigned char c)
{
    char e[4] = { '\\', 'x', hexdigits[c >> 4], hexdigits[c & 15] };
    qc_buf_append(b, e, 4);
}

/* Length of the character at P that needs no escape, or 0. */
static size_t plain_char(const unsigned char *p, const unsigned char *end)
{
    if (*p >= 0x20 && *p < 0x7f)
        return 1;
    if (*p < 0x80)
        return 0;
    uint32_t cp;
    size_t n = qc_utf8_decode(p, end, &cp);
    return n && !is_hidden(cp) ? n : 0;
}

void qc_visible_append(qc_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        const unsigned char *run = p;
        size_t n;
        while (p < end && (n = plain_char(p, end)) > 0)
            p += n;
        if (p > run)
            qc_buf_append(b, (const char *)run, (size_t)(p - run));
        if (p == end)
            break;
        uint32_t cp;
        if (*p == '\t' || *p == '\n' || *p == '\r') {
            char e[2] = { '\\', *p == '\t' ? 't' : *p == '\n' ? 'n' : 'r' };
            qc_buf_append(b, e, 2);
            p++;
        } else if (*p < 0x80 || !(n = qc_utf8_decode(p, end, &cp))) {
            put_byte_escape(b, *p);
            p++;
        } else {
            qc_buf_printf(b, "\\u%04x", (unsigned)cp);
            p += n;
        }
    }
}

void qc_visible_puts(qc_buf *b, const char *s)
{
    qc_visible_append(b, s, strlen(s));
}

bool qc_visible_is_plain(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t n;
    while (p < end && (n = plain_char(p, end)) > 0)
        p += n;
    return p == end;
}

void qc_visible_md_text(qc_buf *b, const char *s)
{
    qc_buf v = QC_BUF_INIT;
    qc_visible_puts(&v, s);
    for (size_t i = 0; i < v.len; i++) {
        if (strchr("\\`*_[]<>|&~", v.data[i]))
            qc_buf_putc(b, '\\');
        qc_buf_putc(b, v.data[i]);
    }
    qc_buf_free(&v);
}

void qc_visible_md_code(qc_buf *b, const char *s)
{
    qc_buf v = QC_BUF_INIT;
    qc_visible_puts(&v, s);
    /* Fenced by one backtick more than the longest run of them in S. */
    size_t run = 0, longest = 0;
    for (size_t i = 0; i < v.len; i++) {
        run = v.data[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    bool pad = !v.len || v.data[0] == '`' || v.data[v.len - 1] == '`';
    for (size_t i = 0; i <= longest; i++)
        qc_buf_putc(b, '`');
    if (pad)
        qc_buf_putc(b, ' ');
    for (size_t i = 0; i < v.len; i++) {
        if (v.data[i] == '|')
            qc_buf_putc(b, '\\');
        qc_buf_putc(b, v.data[i]);
    }
    if (pad)
        qc_buf_putc(b, ' ');
    for (size_t i = 0; i <= longest; i++)
        qc_buf_putc(b, '`');
    qc_buf_free(&v);
}
