/* The QMP stream reader: JSON values out of a byte stream, with json-c's
 * incremental tokener.
 *
 * QMP frames nothing: a message is one JSON value, usually followed by
 * "\r\n".  The tokener is fed whatever arrived; whitespace between values
 * is skipped here, so each value starts at a known offset and its length
 * is known at every moment.  The cap is enforced before a byte beyond it
 * reaches the tokener, so a peer sending an endless line costs at most the
 * cap in memory.  Invalid JSON is fatal: without framing there is no
 * telling where the next message would start. */
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

static int garbage(qapic_stream *s, const char *buf, size_t at,
                   enum json_tokener_error jerr, qapic_error **err)
{
    advance(s, buf, at);
    qapic_error *e = qapic__error_new(
        QAPIC_ERROR_PROTOCOL,
        "invalid JSON from %s at byte %llu (line %llu, column %llu, in "
        "message %llu): %s", s->peer, (unsigned long long)s->offset,
        (unsigned long long)s->line,
        (unsigned long long)(s->offset - s->line_start + 1),
        (unsigned long long)s->nvalues + 1, json_tokener_error_desc(jerr));
    return qapic__error_give(err, e);
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
            advance(s, buf + i, chunk);
            i += chunk;
            continue;
        }
        if (jerr != json_tokener_success || !v) {
            json_tokener_reset(s->tok);
            return garbage(s, buf + i, end, jerr, err);
        }
        keep(s, buf + i, end);
        advance(s, buf + i, end);
        i += end;
        json_tokener_reset(s->tok);
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
