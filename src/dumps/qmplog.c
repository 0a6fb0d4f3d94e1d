/* Reading the QMP messages of a log; see qmplog.h.
 *
 * A plain JSON stream is parsed as it is.  Anything else is rewritten
 * into a text of the same lines that is one: every message found is kept
 * (single-quoted strings turned into JSON strings), everything else
 * becomes blanks, so that the messages keep their lines and columns. */
#include "dumps/qmplog.h"

#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "syntax/parse.h"

bool qc_qmplog_is_command(const qc_value *msg)
{
    return qc_obj_get(msg, "execute") || qc_obj_get(msg, "exec-oob");
}

/* The end (exclusive) of the object that starts at T[I], with strings
 * quoted either way, or 0 when it does not end: strings end on their
 * line, and an object before a line that starts with '{' (a message of
 * its own).  Each character looked at costs one of *BUDGET, so that
 * hostile text (every line an unclosed '{') costs linear time. */
static size_t value_end(const char *t, size_t len, size_t i, size_t *budget,
                        qc_qmplog *out)
{
    long depth = 0;
    char quote = 0;
    for (; i < len; i++) {
        char c = t[i];
        if (!*budget)
            return 0;
        --*budget;
        if (c == '\n' && depth > 0 && i + 1 < len && t[i + 1] == '{')
            return 0;
        if (quote) {
            if (c == '\\' && i + 1 < len && t[i + 1] != '\n')
                i++;
            else if (c == quote)
                quote = 0;
            else if (c == '\n')
                return 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '{' || c == '[') {
            if (++depth > QC_MAX_DEPTH) {
                out->too_deep = true;
                out->too_deep_at = (uint32_t)i;
                return 0;
            }
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
            if (depth < 0)
                return 0;
        }
    }
    return 0;
}

/* Appends T[FROM..TO) with single-quoted strings made JSON strings. */
static void put_converted(qc_buf *b, const char *t, size_t from, size_t to)
{
    char quote = 0;
    for (size_t i = from; i < to; i++) {
        char c = t[i];
        if (!quote) {
            if (c == '"' || c == '\'')
                quote = c;
            qc_buf_putc(b, c == '\'' ? '"' : c);
        } else if (c == '\\' && i + 1 < to) {
            if (quote == '\'' && t[i + 1] == '\'') {
                qc_buf_putc(b, '\'');       /* \' needs no escape in "" */
            } else {
                qc_buf_putc(b, c);
                qc_buf_putc(b, t[i + 1]);
            }
            i++;
        } else if (c == quote) {
            qc_buf_putc(b, '"');
            quote = 0;
        } else if (c == '"') {
            qc_buf_puts(b, "\\\"");         /* a " inside '...' */
        } else {
            qc_buf_putc(b, c);
        }
    }
}

/* Appends T[FROM..TO) as blanks, keeping its line breaks and tabs and
 * giving each character one blank, so that what follows keeps its line
 * and column (columns count characters, and tabs their own way). */
static void put_blank(qc_buf *b, const char *t, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (!qc_utf8_is_cont((unsigned char)t[i]))
            qc_buf_putc(b, t[i] == '\n' || t[i] == '\t' ? t[i] : ' ');
}

/* Does the text T[FROM..TO) end in an arrow that logs put before a
 * message ("-> ", "<-- ", ">>> ", ...: QEMU's documentation, its Python
 * QMP library, libqtest)? */
static bool arrow_before(const char *t, size_t from, size_t to)
{
    static const char *const arrows[] = { "->", "<-", "-->", "<--", ">>>",
                                          "<<<", NULL };
    while (to > from && (t[to - 1] == ' ' || t[to - 1] == '\t'))
        to--;
    for (int k = 0; arrows[k]; k++) {
        size_t n = strlen(arrows[k]);
        if (to - from >= n && !memcmp(t + to - n, arrows[k], n)
            && (to - from == n || t[to - n - 1] == ' ' || t[to - n - 1] == ':'
                || t[to - n - 1] == ']'))
            return true;
    }
    return false;
}

/* Where a message may start on the line T[I..EOL): its '{' (the first
 * character but for blanks, or after an arrow), or LEN. */
static size_t message_start(const char *t, size_t len, size_t i, size_t eol)
{
    size_t k = i;
    while (k < eol && (t[k] == ' ' || t[k] == '\t'))
        k++;
    if (k < eol && t[k] == '{')
        return k;
    const char *brace = memchr(t + k, '{', eol - k);
    if (brace && arrow_before(t, k, (size_t)(brace - t)))
        return (size_t)(brace - t);
    return len;
}

/* Does TEXT[0..LEN) parse as one JSON object? */
static bool parses(qc_arena *a, const char *path, const char *text, size_t len)
{
    qc_diag *quiet = qc_diag_new();
    qc_source *one = qc_source_from_mem(a, path, text, len, false);
    size_t n = 0;
    qc_value *v = qc_parse_json(a, one, false, quiet, &n);
    bool ok = v && n == 1 && qc_diag_error_count(quiet) == 0;
    qc_diag_free(quiet);
    return ok;
}

void qc_qmplog_read(qc_arena *a, const qc_source *src, qc_qmplog *out)
{
    memset(out, 0, sizeof *out);
    out->src = src;
    qc_diag *quiet = qc_diag_new();
    size_t n = 0;
    qc_value *v = qc_parse_json(a, src, true, quiet, &n);
    bool plain = qc_diag_error_count(quiet) == 0;
    qc_diag_free(quiet);
    if (plain) {
        out->msgs = v;
        out->n = v ? n : 0;
        out->plain = true;
        return;
    }

    const char *t = src->text;
    size_t len = src->len, i = 0, budget = 64 * len + 65536;
    qc_buf b = QC_BUF_INIT, one = QC_BUF_INIT;
    while (i < len) {
        size_t eol = i;
        while (eol < len && t[eol] != '\n')
            eol++;
        size_t s = message_start(t, len, i, eol);
        size_t e = s < eol ? value_end(t, len, s, &budget, out) : 0;
        if (out->too_deep)
            break;
        if (e) {
            one.len = 0;
            put_converted(&one, t, s, e);
            if (parses(a, src->path, one.data, one.len)) {
                put_blank(&b, t, i, s);
                qc_buf_append(&b, one.data, one.len);
                /* Pad what the conversion saved, so columns stay put. */
                for (size_t k = one.len; k < e - s; k++)
                    qc_buf_putc(&b, ' ');
                i = e;
                continue;
            }
            out->skipped++;
        }
        put_blank(&b, t, i, eol < len ? eol + 1 : eol);
        i = eol < len ? eol + 1 : eol;
    }
    qc_source *conv = qc_source_from_mem(a, src->path, b.data ? b.data : "",
                                         b.len, false);
    qc_buf_free(&b);
    qc_buf_free(&one);
    quiet = qc_diag_new();
    v = qc_parse_json(a, conv, true, quiet, &n);
    qc_diag_free(quiet);
    out->msgs = v;
    out->n = v ? n : 0;
    out->src = conv;
}

qc_value *qc_qmp_parse(qc_arena *a, const qc_source *src, qc_diag *d,
                        size_t *n)
{
    qc_diag *quiet = qc_diag_new();
    qc_value *v = qc_parse_json(a, src, true, quiet, n);
    bool ok = qc_diag_error_count(quiet) == 0;
    qc_diag_free(quiet);
    if (ok)
        return v;
    qc_buf b = QC_BUF_INIT;
    put_converted(&b, src->text, 0, src->len);
    qc_source *conv = qc_source_from_mem(a, src->path, b.data ? b.data : "",
                                         b.len, false);
    qc_buf_free(&b);
    return qc_parse_json(a, conv, true, d, n);
}
