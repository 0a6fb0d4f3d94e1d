/* Strict RFC 8259 parsing on json-c (qapic_json_parse, and the text half
 * of qapic_decode_text).
 *
 * json-c's tokener, even with JSON_TOKENER_STRICT, accepts NaN and
 * Infinity, raw control characters in strings and "1.", truncates member
 * names at an escaped NUL, and clamps integer literals beyond 64 bits to
 * INT64_MIN / UINT64_MAX.  One cheap pass over the text's tokens (not its
 * structure, which json-c checks) refuses the former; integer literals
 * beyond 64 bits are rewritten as "N.0" so that json-c keeps them as the
 * doubles they are (QEMU's parser does the same). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal/runtime.h"

/* QEMU's parser refuses deeper nesting too. */
#define MAX_DEPTH 1024

typedef struct scan {
    const char *s;
    size_t len;
    size_t bad;             /* offset of the first problem */
    const char *why;
    size_t *big;            /* ends of integer literals beyond 64 bits */
    size_t nbig, capbig;
    bool nomem;
} scan;

static int fail(scan *sc, size_t at, const char *why)
{
    sc->bad = at;
    sc->why = why;
    return -1;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The length of the UTF-8 sequence at P (AVAIL bytes left) when valid. */
static size_t utf8_len(const char *p, size_t avail)
{
    unsigned c = (unsigned char)*p;
    size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

    if (n > avail || qapic_rt_check_utf8(p, n))
        return 0;
    return n;
}

/* The code unit of the 4 hex digits at P (AVAIL bytes left), or -1 when
 * they are not (json-c then reports the escape). */
static long hex4(const char *p, size_t avail)
{
    long v = 0;
    if (avail < 4)
        return -1;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        int d = c >= '0' && c <= '9' ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The length of the \u escape at I (6, or 12 for a surrogate pair), or 0
 * for a lone surrogate, which json-c would turn into U+FFFD silently
 * (QEMU refuses it, and so does the tool's own JSON parser). */
static size_t u_escape_len(const char *s, size_t len, size_t i)
{
    long cp = hex4(s + i + 2, len - i - 2);
    if (cp < 0xd800 || cp > 0xdfff)
        return 6;
    if (cp >= 0xdc00)
        return 0;
    if (i + 8 > len || s[i + 6] != '\\' || s[i + 7] != 'u')
        return 0;
    long lo = hex4(s + i + 8, len - i - 8);
    return lo >= 0xdc00 && lo <= 0xdfff ? 12 : 0;
}

/* Past the string starting at I (a '"'); returns the offset after it. */
static int scan_string(scan *sc, size_t *pi)
{
    const char *s = sc->s;
    size_t i = *pi + 1, len = sc->len;
    bool nul = false;

    while (i < len && s[i] != '"') {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\') {
            if (i + 1 < len && s[i + 1] == 'u') {
                if (i + 6 <= len && !memcmp(s + i + 2, "0000", 4))
                    nul = true;
                size_t n = u_escape_len(s, len, i);
                if (!n)
                    return fail(sc, i, "lone surrogate in a \\u escape");
                /* json-c checks the hex digits (of a pair: checked) */
                i += n == 12 ? 12 : 2;
            } else {
                i += 2;
            }
        } else if (c < 0x20) {
            return fail(sc, i, "control character in a string");
        } else if (c >= 0x80) {
            size_t n = utf8_len(s + i, len - i);
            if (!n)
                return fail(sc, i, "invalid UTF-8 in a string");
            i += n;
        } else {
            i++;
        }
    }
    if (i >= len)
        return fail(sc, *pi, "unterminated string");
    i++;
    if (nul) {
        /* A member name?  json-c would cut it at the NUL. */
        size_t j = i;
        while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' ||
                           s[j] == '\r'))
            j++;
        if (j < len && s[j] == ':')
            return fail(sc, *pi, "member name contains a NUL character");
    }
    *pi = i;
    return 0;
}

bool qapic_rt_beyond_64_bits(const char *digits, size_t n, bool negative)
{
    const char *limit = negative ? "9223372036854775808" : "18446744073709551615";
    size_t ln = strlen(limit);

    return n > ln || (n == ln && memcmp(digits, limit, n) > 0);
}

static int note_big(scan *sc, size_t end)
{
    if (sc->nbig == sc->capbig) {
        size_t cap = sc->capbig ? 2 * sc->capbig : 8;
        size_t *b = realloc(sc->big, cap * sizeof *b);
        if (!b) {
            sc->nomem = true;
            return -1;
        }
        sc->big = b;
        sc->capbig = cap;
    }
    sc->big[sc->nbig++] = end;
    return 0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int scan_number(scan *sc, size_t *pi)
{
    const char *s = sc->s;
    size_t i = *pi, len = sc->len, start;
    bool neg = false, integer = true;

    if (s[i] == '-') {
        neg = true;
        i++;
    }
    start = i;
    if (i >= len || !is_digit(s[i]))
        return fail(sc, *pi, "invalid number");
    if (s[i] == '0')
        i++;
    else
        while (i < len && is_digit(s[i]))
            i++;
    size_t int_end = i;
    if (i < len && s[i] == '.') {
        integer = false;
        if (++i >= len || !is_digit(s[i]))
            return fail(sc, *pi, "invalid number");
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        integer = false;
        if (++i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !is_digit(s[i]))
            return fail(sc, *pi, "invalid number");
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && (is_digit(s[i]) || s[i] == '.'))
        return fail(sc, *pi, "invalid number");
    if (integer && qapic_rt_beyond_64_bits(s + start, int_end - start, neg) &&
        note_big(sc, int_end) < 0)
        return -1;
    *pi = i;
    return 0;
}

static int scan_literal(scan *sc, size_t *pi, const char *word)
{
    size_t n = strlen(word);

    if (sc->len - *pi < n || memcmp(sc->s + *pi, word, n))
        return fail(sc, *pi, "invalid literal");
    *pi += n;
    return 0;
}

static int scan_text(scan *sc)
{
    size_t i = 0;

    while (i < sc->len) {
        int rc = 0;
        switch (sc->s[i]) {
        case ' ': case '\t': case '\n': case '\r':
        case '{': case '}': case '[': case ']': case ':': case ',':
            i++;
            continue;
        case '"':
            rc = scan_string(sc, &i);
            break;
        case 't':
            rc = scan_literal(sc, &i, "true");
            break;
        case 'f':
            rc = scan_literal(sc, &i, "false");
            break;
        case 'n':
            rc = scan_literal(sc, &i, "null");
            break;
        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            rc = scan_number(sc, &i);
            break;
        default:
            rc = fail(sc, i, "unexpected character");
            break;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* TEXT with ".0" after each integer literal beyond 64 bits. */
static char *rewrite_big(const scan *sc, size_t *newlen)
{
    char *out = malloc(sc->len + 2 * sc->nbig + 1);
    size_t from = 0, to = 0;

    if (!out)
        return NULL;
    for (size_t k = 0; k < sc->nbig; k++) {
        memcpy(out + to, sc->s + from, sc->big[k] - from);
        to += sc->big[k] - from;
        memcpy(out + to, ".0", 2);
        to += 2;
        from = sc->big[k];
    }
    memcpy(out + to, sc->s + from, sc->len - from);
    to += sc->len - from;
    out[to] = '\0';
    *newlen = to;
    return out;
}

/* An offset in the rewritten text as an offset in the original. */
static size_t original_offset(const scan *sc, size_t at)
{
    size_t shift = 0;

    for (size_t k = 0; k < sc->nbig && sc->big[k] + shift < at; k++)
        shift += 2;
    return at >= shift ? at - shift : 0;
}

static int syntax_error(const char *root, size_t at, const char *why,
                        qapic_error **err)
{
    qapic_rt_path p = QAPIC_RT_ROOT(root);

    if (!root)
        return qapic_error_set(err, QAPIC_ERROR_DECODE,
                               "invalid JSON at byte %zu: %s", at, why);
    return qapic_rt_path_error(err, QAPIC_ERROR_DECODE, &p,
                               "invalid JSON at byte %zu: %s", at, why);
}

/* json-c's half: structure, escapes, depth. */
static int tokenize(const char *text, size_t len, const scan *sc,
                    const char *root, struct json_object **out,
                    qapic_error **err)
{
    struct json_tokener *tok = json_tokener_new_ex(MAX_DEPTH);
    struct json_object *j;
    enum json_tokener_error e;
    size_t end;

    if (!tok)
        return qapic_rt_nomem(err);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    j = json_tokener_parse_ex(tok, text, (int)len);
    e = json_tokener_get_error(tok);
    end = json_tokener_get_parse_end(tok);
    if (!j && e == json_tokener_continue) {
        /* A number at the very end needs a terminator to complete. */
        j = json_tokener_parse_ex(tok, "", 1);
        e = json_tokener_get_error(tok);
        end = len;
    }
    json_tokener_free(tok);
    if (e != json_tokener_success) {
        json_object_put(j);
        return syntax_error(root, original_offset(sc, end),
                            json_tokener_error_desc(e), err);
    }
    while (end < len && strchr(" \t\n\r", text[end]))
        end++;
    if (end < len) {
        json_object_put(j);
        return syntax_error(root, original_offset(sc, end),
                            "unexpected data after the value", err);
    }
    *out = j;
    return 0;
}

int qapic_rt_json_parse(const char *text, size_t len, const char *root,
                        struct json_object **out, qapic_error **err)
{
    scan sc = { .s = text, .len = len };
    char *copy = NULL;
    int rc;

    *out = NULL;
    if (!text)
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "no JSON text");
    if (len > INT_MAX / 2)
        return syntax_error(root, 0, "text too large for json-c", err);
    if (scan_text(&sc) < 0) {
        free(sc.big);
        if (sc.nomem)
            return qapic_rt_nomem(err);
        return syntax_error(root, sc.bad, sc.why, err);
    }
    if (sc.nbig) {
        size_t n;
        if (!(copy = rewrite_big(&sc, &n))) {
            free(sc.big);
            return qapic_rt_nomem(err);
        }
        text = copy;
        len = n;
    }
    rc = tokenize(text, len, &sc, root, out, err);
    free(copy);
    free(sc.big);
    return rc;
}

int qapic_json_parse(const char *text, size_t len, struct json_object **out,
                     qapic_error **err)
{
    struct json_object *j;

    if (!out)
        return qapic_error_set(err, QAPIC_ERROR_INVALID,
                               "qapic_json_parse: no output");
    if (qapic_rt_json_parse(text, len, NULL, &j, err) < 0) {
        *out = NULL;
        return -1;
    }
    *out = j;
    return 0;
}
