/* The QMP stream reader: JSON values out of a byte stream, with json-c's
 * incremental tokener.
 *
 * QMP frames nothing: a message is one JSON value, usually followed by
 * "\r\n".  The tokener is fed whatever arrived; whitespace between values
 * is skipped here, so each value starts at a known offset and its length
 * is known at every moment.  The cap is enforced before a byte beyond it
 * reaches the tokener, so a peer sending an endless line costs at most the
 * cap in memory.  Invalid JSON is fatal: without framing there is no
 * telling where the next message would start.
 *
 * json-c's tokener, even strict, accepts what QEMU never sends and its
 * own parser refuses: '\u' escapes of lone surrogates (made U+FFFD
 * silently), raw control characters in strings, NaN and Infinity, "1.",
 * and member names with an escaped NUL (cut at it).  A byte-by-byte pass
 * beside the tokener refuses them as the invalid JSON they are, with the
 * messages of qapic_json_parse, across any split of the stream into
 * reads.  Integer literals beyond 64 bits, which json-c would clamp
 * silently and QEMU never sends, are refused too. */
#include "internal/client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* QEMU's own parser nests at most 1024 deep; json-c's default is 32, too
 * little for e.g. long backing chains in query-block. */
#define STREAM_DEPTH 1100

int qapic__stream_init(qapic_stream *s, size_t max, const char *peer)
{
    memset(s, 0, sizeof *s);
    s->tok = json_tokener_new_ex(STREAM_DEPTH);
    if (!s->tok)
        return -1;
    /* Strict RFC 8259, valid UTF-8; trailing characters allowed, as the
     * next message may follow in the same buffer. */
    json_tokener_set_flags(s->tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8
                               | JSON_TOKENER_ALLOW_TRAILING_CHARS);
    s->max = max;
    s->line = 1;
    s->peer = peer;
    return 0;
}

void qapic__stream_fini(qapic_stream *s)
{
    if (s->tok)
        json_tokener_free(s->tok);
    s->tok = NULL;
    free(s->text);
    s->text = NULL;
    s->text_len = s->text_cap = 0;
}

static bool is_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Appends N bytes of the current value to its kept text. */
static void keep(qapic_stream *s, const char *buf, size_t n)
{
    if (!s->keep_text || s->text_lost)
        return;
    if (s->text_len + n > s->text_cap) {
        size_t cap = s->text_cap ? s->text_cap : 4096;
        while (cap < s->text_len + n)
            cap *= 2;
        char *t = realloc(s->text, cap);
        if (!t) {
            s->text_lost = true;
            return;
        }
        s->text = t;
        s->text_cap = cap;
    }
    memcpy(s->text + s->text_len, buf, n);
    s->text_len += n;
}

const char *qapic__stream_text(const qapic_stream *s, size_t *len)
{
    size_t n = s->text_lost ? 0 : s->text_len;
    /* json-c may consume the whitespace after a value with it. */
    while (n && is_ws(s->text[n - 1]))
        n--;
    *len = n;
    return s->keep_text && !s->text_lost ? s->text : NULL;
}

/* Moves the position over N consumed bytes of BUF. */
static void advance(qapic_stream *s, const char *buf, size_t n)
{
    const char *p = buf, *end = buf + n;
    while ((p = memchr(p, '\n', (size_t)(end - p)))) {
        p++;
        s->line++;
        s->line_start = s->offset + (uint64_t)(p - buf);
    }
    s->offset += n;
}

static qapic_stream_pos here(const qapic_stream *s)
{
    return (qapic_stream_pos){ s->offset, s->line, s->line_start };
}

static int invalid_at(qapic_stream *s, qapic_stream_pos at, const char *why,
                      qapic_error **err)
{
    qapic_error *e = qapic__error_new(
        QAPIC_ERROR_PROTOCOL,
        "invalid JSON from %s at byte %llu (line %llu, column %llu, in "
        "message %llu): %s", s->peer, (unsigned long long)at.offset,
        (unsigned long long)at.line,
        (unsigned long long)(at.offset - at.line_start + 1),
        (unsigned long long)s->nvalues + 1, why);
    return qapic__error_give(err, e);
}

/* ---- the checks json-c misses ------------------------------------------- */

enum {
    LEX_OUT,            /* between tokens */
    LEX_DOT,            /* after a decimal point: a digit must follow */
    LEX_STRING,
    LEX_ESCAPE,         /* after a backslash */
    LEX_HEX,            /* in the digits of a \u escape */
    LEX_PAIR_BACKSLASH, /* after a high surrogate: its low half must follow */
    LEX_PAIR_U,
    LEX_PAIR_HEX,
    LEX_AFTER_NUL       /* after a string holding \u0000: a member name? */
};

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Adds digit C to the \u escape being read; true when it has its 4. */
static bool escape_digit(qapic_stream_lex *x, char c)
{
    x->unit = x->unit * 16 + (unsigned)hex_digit(c);
    return ++x->ndigits == 4;
}

static const char beyond_64_bits[] = "integer beyond 64 bits";

/* Whether the number being read is an integer json-c cannot hold: one
 * past the range of int64_t (negative) or uint64_t. */
static bool number_too_wide(const qapic_stream_lex *x)
{
    return x->in_number && x->integer
        && (x->overflow
            || (x->negative && x->magnitude > (uint64_t)INT64_MAX + 1));
}

/* Follows the digits of a number outside strings; false when C ends the
 * number being read (or none is). */
static bool number_byte(qapic_stream_lex *x, char c, qapic_stream_pos at)
{
    if (!x->in_number) {
        if (c != '-' && (c < '0' || c > '9'))
            return false;
        x->in_number = x->integer = true;
        x->negative = c == '-';
        x->overflow = false;
        x->magnitude = c == '-' ? 0 : (uint64_t)(c - '0');
        x->number = at;
        return true;
    }
    if (c >= '0' && c <= '9') {
        unsigned d = (unsigned)(c - '0');
        if (x->magnitude > (UINT64_MAX - d) / 10)
            x->overflow = true;
        else
            x->magnitude = x->magnitude * 10 + d;
        return true;
    }
    if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        x->integer = false;
        return true;
    }
    return false;
}

/* Takes byte C at the current position; NULL, or why it is refused (the
 * place to name is then *AT). */
static const char *lex_byte(qapic_stream *s, char c, qapic_stream_pos *at)
{
    qapic_stream_lex *x = &s->lex;
    static const char lone[] = "lone surrogate in a \\u escape";

    *at = here(s);
    if (x->state == LEX_OUT || x->state == LEX_DOT) {
        if (number_byte(x, c, *at) && x->in_number) {
            if (x->state == LEX_DOT) {
                if (c < '0' || c > '9')
                    return "invalid number";
                x->state = LEX_OUT;
            } else if (c == '.') {
                x->state = LEX_DOT;
            }
            return NULL;
        }
        if (number_too_wide(x)) {
            *at = x->number;
            return beyond_64_bits;
        }
        x->in_number = false;
    }
    switch (x->state) {
    case LEX_AFTER_NUL:
        if (c == ':') {
            *at = x->string;
            return "member name contains a NUL character";
        }
        if (is_ws(c))
            return NULL;
        x->state = LEX_OUT;
        /* fall through */
    case LEX_OUT:
        if (c == '"') {
            x->state = LEX_STRING;
            x->nul = false;
            x->string = *at;
        } else if (c == 'N' || c == 'I') {
            return "NaN and Infinity are not JSON";
        } else if (c == '.') {
            x->state = LEX_DOT;
        }
        return NULL;
    case LEX_DOT:
        if (c < '0' || c > '9')
            return "invalid number";
        x->state = LEX_OUT;
        return NULL;
    case LEX_STRING:
        if (c == '"') {
            x->state = x->nul ? LEX_AFTER_NUL : LEX_OUT;
        } else if (c == '\\') {
            x->state = LEX_ESCAPE;
            x->escape = *at;
        } else if ((unsigned char)c < 0x20) {
            return "control character in a string";
        }
        return NULL;
    case LEX_ESCAPE:
        x->state = c == 'u' ? LEX_HEX : LEX_STRING;
        x->ndigits = 0;
        x->unit = 0;
        return NULL;
    case LEX_HEX:
        /* Bad digits are json-c's to report. */
        if (hex_digit(c) < 0) {
            x->state = LEX_STRING;
        } else if (escape_digit(x, c)) {
            if (x->unit >= 0xdc00 && x->unit <= 0xdfff)
                break;                          /* a low half alone */
            x->nul |= x->unit == 0;
            x->state = x->unit >= 0xd800 && x->unit < 0xdc00
                           ? LEX_PAIR_BACKSLASH : LEX_STRING;
        }
        return NULL;
    case LEX_PAIR_BACKSLASH:
        if (c != '\\')
            break;
        x->state = LEX_PAIR_U;
        return NULL;
    case LEX_PAIR_U:
        if (c != 'u')
            break;
        x->state = LEX_PAIR_HEX;
        x->ndigits = 0;
        x->unit = 0;
        return NULL;
    case LEX_PAIR_HEX:
        if (hex_digit(c) < 0) {
            x->state = LEX_STRING;
        } else if (escape_digit(x, c)) {
            if (x->unit < 0xdc00 || x->unit > 0xdfff)
                break;
            x->state = LEX_STRING;
        }
        return NULL;
    }
    *at = x->escape;
    return lone;
}

/* Moves the position over N bytes of BUF that json-c took into the
 * current value, checking each; -1 with an error at the first refused. */
static int lex(qapic_stream *s, const char *buf, size_t n, qapic_error **err)
{
    for (size_t k = 0; k < n; k++) {
        qapic_stream_pos at;
        const char *why = lex_byte(s, buf[k], &at);
        if (why)
            return invalid_at(s, at, why, err);
        if (buf[k] == '\n') {
            s->line++;
            s->line_start = s->offset + 1;
        }
        s->offset++;
    }
    return 0;
}

static int too_big(qapic_stream *s, qapic_error **err)
{
    qapic_error *e = qapic__error_new(
        QAPIC_ERROR_TRANSPORT,
        "message %llu from %s, starting at byte %llu (line %llu), exceeds "
        "the cap of %zu bytes", (unsigned long long)s->nvalues + 1, s->peer,
        (unsigned long long)s->value_start,
        (unsigned long long)s->value_line, s->max);
    if (e) {
        e->errnum = EMSGSIZE;
        e->op = qapic_rt_strdup("read");
    }
    return qapic__error_give(err, e);
}

/* The end of a value: a number cannot end in its decimal point. */
static int lex_end(qapic_stream *s, qapic_error **err)
{
    bool dot = s->lex.state == LEX_DOT;
    bool wide = number_too_wide(&s->lex);
    s->lex.state = LEX_OUT;
    s->lex.in_number = false;
    if (wide)
        return invalid_at(s, s->lex.number, beyond_64_bits, err);
    return dot ? invalid_at(s, here(s), "invalid number", err) : 0;
}

int qapic__stream_feed(qapic_stream *s, const char *buf, size_t len,
                       qapic_stream_fn fn, void *opaque, qapic_error **err)
{
    size_t i = 0;
    while (i < len) {
        if (!s->in_value) {
            size_t k = i;
            while (k < len && is_ws(buf[k]))
                k++;
            advance(s, buf + i, k - i);
            i = k;
            if (i == len)
                break;
            s->in_value = true;
            s->value_start = s->offset;
            s->value_line = s->line;
            s->text_len = 0;
            s->text_lost = false;
            s->lex.state = LEX_OUT;
        }
        uint64_t used = s->offset - s->value_start;
        size_t room = used < s->max ? (size_t)(s->max - used) : 0;
        if (room == 0)
            return too_big(s, err);
        size_t chunk = len - i < room ? len - i : room;
        /* json-c takes an int length. */
        if (chunk > (size_t)1 << 30)
            chunk = (size_t)1 << 30;
        struct json_object *v =
            json_tokener_parse_ex(s->tok, buf + i, (int)chunk);
        enum json_tokener_error jerr = json_tokener_get_error(s->tok);
        size_t end = json_tokener_get_parse_end(s->tok);
        if (jerr == json_tokener_continue) {
            keep(s, buf + i, chunk);
            if (lex(s, buf + i, chunk, err) < 0)
                return -1;
            i += chunk;
            continue;
        }
        if (jerr != json_tokener_success || !v) {
            json_tokener_reset(s->tok);
            /* A problem of ours before json-c's is the one to name. */
            if (lex(s, buf + i, end, err) < 0)
                return -1;
            return invalid_at(s, here(s), json_tokener_error_desc(jerr), err);
        }
        json_tokener_reset(s->tok);
        if (lex(s, buf + i, end, err) < 0 || lex_end(s, err) < 0) {
            json_object_put(v);
            return -1;
        }
        keep(s, buf + i, end);
        i += end;
        s->in_value = false;
        s->nvalues++;
        if (!fn(opaque, v))
            break;
    }
    return 0;
}

int qapic__stream_eof(qapic_stream *s, qapic_error **err)
{
    if (!s->in_value)
        return 0;
    qapic_error *e = qapic__error_new(
        QAPIC_ERROR_TRANSPORT,
        "%s closed the connection in the middle of message %llu (it started "
        "at byte %llu, line %llu, and stops after %llu bytes)", s->peer,
        (unsigned long long)s->nvalues + 1,
        (unsigned long long)s->value_start,
        (unsigned long long)s->value_line,
        (unsigned long long)(s->offset - s->value_start));
    if (e)
        e->op = qapic_rt_strdup("read");
    return qapic__error_give(err, e);
}
