/* The generators' text emitter; see emit.h. */
#include "gen/emit.h"

#include <stdarg.h>
#include <string.h>

static void put_indent(qc_emit *e)
{
    if (e->indent)
        qc_buf_indent(&e->b, e->indent);
    e->bol = false;
}

void qc_emit_n(qc_emit *e, const char *s, size_t n)
{
    if (!n)
        return;
    if (!e->indent) {
        qc_buf_append(&e->b, s, n);
        e->bol = s[n - 1] == '\n';
        return;
    }
    if (!e->bol && !memchr(s, '\n', n)) {
        /* Inside a line: nothing to indent. */
        qc_buf_append(&e->b, s, n);
        return;
    }
    while (n) {
        const char *nl = memchr(s, '\n', n);
        size_t len = nl ? (size_t)(nl - s) + 1 : n;
        if (e->bol && s[0] != '\n')
            put_indent(e);
        qc_buf_append(&e->b, s, len);
        e->bol = nl != NULL;
        s += len;
        n -= len;
    }
}

void qc_emit_s(qc_emit *e, const char *s)
{
    if (s)
        qc_emit_n(e, s, strlen(s));
}

/* qc_buf_append without the NUL, inlined: the formatter's pieces are
 * small and many. */
static inline void put(qc_buf *b, const char *s, size_t n)
{
    if (b->len + n >= b->cap)
        qc_buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static void put_unsigned(qc_buf *b, unsigned long long v, bool neg)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg)
        tmp[--i] = '-';
    put(b, tmp + i, sizeof tmp - i);
}

static void put_string_literal(qc_buf *b, const char *s)
{
    if (!s) {
        put(b, "NULL", 4);
        return;
    }
    put(b, "\"", 1);
    qc_c_string_body(b, s);
    put(b, "\"", 1);
}

/* Formats into T (no indentation, no NUL). */
static void format(qc_buf *t, const char *fmt, va_list ap)
{
    const char *p = fmt;
    while (*p) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            put(t, p, strlen(p));
            break;
        }
        put(t, p, (size_t)(pct - p));
        switch (pct[1]) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s)
                put(t, s, strlen(s));
            break;
        }
        case 'S':
            put_string_literal(t, va_arg(ap, const char *));
            break;
        case 'd': {
            int v = va_arg(ap, int);
            put_unsigned(t, v < 0 ? 0ull - (unsigned long long)v
                                  : (unsigned long long)v, v < 0);
            break;
        }
        case 'u':
            put_unsigned(t, va_arg(ap, unsigned), false);
            break;
        case 'z':
            put_unsigned(t, va_arg(ap, size_t), false);
            break;
        case '%':
            put(t, "%", 1);
            break;
        default:
            /* A programming error in a format string: show it. */
            put(t, pct, pct[1] ? 2 : 1);
            break;
        }
        p = pct + (pct[1] ? 2 : 1);
    }
}

void qc_emit_f(qc_emit *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!e->indent) {
        /* Nothing to indent: straight into the text. */
        size_t before = e->b.len;
        format(&e->b, fmt, ap);
        if (e->b.len > before) {
            e->bol = e->b.data[e->b.len - 1] == '\n';
            e->b.data[e->b.len] = '\0';
        }
    } else {
        e->scratch.len = 0;
        format(&e->scratch, fmt, ap);
        qc_emit_n(e, e->scratch.data, e->scratch.len);
    }
    va_end(ap);
}

void qc_emit_in(qc_emit *e)
{
    e->indent += 4;
}

void qc_emit_out(qc_emit *e)
{
    e->indent = e->indent >= 4 ? e->indent - 4 : 0;
}

void qc_emit_take(qc_emit *e, qc_emit *other)
{
    if (other->b.len)
        qc_buf_append(&e->b, other->b.data, other->b.len);
    if (other->b.len)
        e->bol = other->bol;
    qc_buf_reset(&other->b);
    other->bol = true;
}

void qc_emit_free(qc_emit *e)
{
    qc_buf_free(&e->b);
    qc_buf_free(&e->scratch);
}

void qc_c_string_body(qc_buf *b, const char *s)
{
    static const char hex[] = "01234567";
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        const char *esc = NULL;
        char oct[5];
        switch (ch) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\t': esc = "\\t"; break;
        case '\r': esc = "\\r"; break;
        case '?':
            if (p[1] == '?')
                esc = "?\\";    /* "??" stays two characters, no trigraph */
            break;
        default:
            if (ch < 0x20 || ch == 0x7f) {
                /* Three octal digits, so a following digit cannot join. */
                oct[0] = '\\';
                oct[1] = hex[(ch >> 6) & 7];
                oct[2] = hex[(ch >> 3) & 7];
                oct[3] = hex[ch & 7];
                oct[4] = '\0';
                esc = oct;
            }
            break;
        }
        if (esc) {
            qc_buf_append(b, run, (size_t)(p - run));
            qc_buf_puts(b, esc);
            run = p + 1;
        }
    }
    qc_buf_puts(b, run);
}

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

void qc_doxygen_escape(qc_buf *b, const char *text, size_t n)
{
    const char *run = text, *end = text + n;
    for (const char *p = text; p < end; p++) {
        const char *esc = NULL;
        switch (*p) {
        case '@':
            /* "@name" at a word start names a member or definition. */
            esc = p + 1 < end && ident_char(p[1]) && p[1] != '-'
                && p[1] != '.' && (p == text || !ident_char(p[-1]))
                ? "@p " : "\\@";
            break;
        case '\\': esc = "\\\\"; break;
        case '<': esc = "\\<"; break;
        case '>': esc = "\\>"; break;
        case '&': esc = "\\&"; break;
        case '#': esc = "\\#"; break;
        case '%': esc = "\\%"; break;
        case '*':
            if (p + 1 < end && p[1] == '/')
                esc = "*\\";    /* the '/' follows: no end of comment */
            break;
        case '/':
            if (p + 1 < end && p[1] == '*')
                esc = "/\\";    /* no comment start inside the comment */
            else if (p - text >= 2 && p[-1] == '?' && p[-2] == '?')
                esc = " /";     /* "??/" would be a trigraph backslash */
            break;
        }
        if (esc) {
            qc_buf_append(b, run, (size_t)(p - run));
            qc_buf_puts(b, esc);
            run = p + 1;
        }
    }
    qc_buf_append(b, run, (size_t)(end - run));
}

void qc_emit_doc(qc_emit *e, const char *text, size_t n)
{
    while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
        n--;
    while (n && text[0] == '\n') {
        text++;
        n--;
    }
    if (!n)
        return;
    if (!memchr(text, '\n', n) && n + e->indent <= 70) {
        qc_emit_s(e, "/** ");
        qc_emit_n(e, text, n);
        qc_emit_s(e, " */\n");
        return;
    }
    qc_emit_s(e, "/**\n");
    const char *p = text, *end = text + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        size_t len = (size_t)(eol - p);
        while (len && p[len - 1] == ' ')
            len--;
        if (len) {
            qc_emit_s(e, " * ");
            qc_emit_n(e, p, len);
            qc_emit_s(e, "\n");
        } else {
            qc_emit_s(e, " *\n");
        }
        p = nl ? nl + 1 : end;
    }
    qc_emit_s(e, " */\n");
}
