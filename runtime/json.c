/* JSON helpers: equality by value (qapic_json_equal), type names for
 * messages, and the string check every decoded and encoded str passes. */
#include <string.h>

#include <json-c/json.h>

#include "internal/runtime.h"

const char *qapic_rt_json_type_name(struct json_object *j)
{
    switch (json_object_get_type(j)) {
    case json_type_null: return "null";
    case json_type_boolean: return "boolean";
    case json_type_int:
    case json_type_double: return "number";
    case json_type_string: return "string";
    case json_type_object: return "object";
    case json_type_array: return "array";
    }
    return "unknown";
}

/* Whether the 8 bytes at P are ASCII without a NUL (the common case,
 * checked a word at a time). */
static bool ascii_word(const unsigned char *p)
{
    uint64_t w;

    memcpy(&w, p, sizeof w);
    return !(w & 0x8080808080808080u) &&
           !((w - 0x0101010101010101u) & ~w & 0x8080808080808080u);
}

int qapic_rt_check_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;

    while (p < end) {
        unsigned c = *p, cp, min;
        size_t need;

        if ((size_t)(end - p) >= 8 && ascii_word(p)) {
            p += 8;
            continue;
        }
        if (c < 0x80) {
            if (!c)
                return 1;
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            need = 1, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            need = 2, cp = c & 0x0f, min = 0x800;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3, cp = c & 0x07, min = 0x10000;
        else
            return 2;
        if ((size_t)(end - p) <= need)
            return 2;
        for (size_t k = 1; k <= need; k++) {
            if ((p[k] & 0xc0) != 0x80)
                return 2;
            cp = cp << 6 | (p[k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 2;
        p += need + 1;
    }
    return 0;
}

/* A JSON number as json-c holds it: a negative int64, a non-negative
 * integer up to UINT64_MAX, or a double. */
typedef struct number {
    enum { NEG, NONNEG, DOUBLE } kind;
    int64_t i;
    uint64_t u;
    double d;
} number;

static void get_number(struct json_object *j, number *n)
{
    int64_t v;

    if (json_object_get_type(j) == json_type_double) {
        n->kind = DOUBLE;
        n->d = json_object_get_double(j);
        return;
    }
    /* json-c keeps integers above INT64_MAX as uint64, and
     * json_object_get_int64 clamps them to INT64_MAX. */
    v = json_object_get_int64(j);
    if (v < 0) {
        n->kind = NEG;
        n->i = v;
    } else {
        n->kind = NONNEG;
        n->u = v == INT64_MAX ? json_object_get_uint64(j) : (uint64_t)v;
    }
}

static bool int_equals_double(const number *n, double d)
{
    if (n->kind == NEG) {
        if (!(d >= -9223372036854775808.0 && d < 0))
            return false;
        int64_t i = (int64_t)d;
        return (double)i == d && i == n->i;
    }
    if (!(d >= 0 && d < 18446744073709551616.0))
        return false;
    uint64_t u = (uint64_t)d;
    return (double)u == d && u == n->u;
}

static bool numbers_equal(struct json_object *a, struct json_object *b)
{
    number x, y;

    get_number(a, &x);
    get_number(b, &y);
    if (x.kind == DOUBLE && y.kind == DOUBLE)
        return x.d == y.d;
    if (x.kind == DOUBLE)
        return int_equals_double(&y, x.d);
    if (y.kind == DOUBLE)
        return int_equals_double(&x, y.d);
    if (x.kind != y.kind)
        return false;
    return x.kind == NEG ? x.i == y.i : x.u == y.u;
}

static bool is_number(json_type t)
{
    return t == json_type_int || t == json_type_double;
}

bool qapic_json_equal(struct json_object *a, struct json_object *b)
{
    json_type ta, tb;

    if (a == b)
        return true;
    ta = json_object_get_type(a);
    tb = json_object_get_type(b);
    if (is_number(ta) && is_number(tb))
        return numbers_equal(a, b);
    if (ta != tb)
        return false;
    switch (ta) {
    case json_type_null:
        return true;
    case json_type_boolean:
        return !json_object_get_boolean(a) == !json_object_get_boolean(b);
    case json_type_string: {
        int n = json_object_get_string_len(a);
        return n == json_object_get_string_len(b) &&
               !memcmp(json_object_get_string(a), json_object_get_string(b),
                       (size_t)n);
    }
    case json_type_object: {
        if (json_object_object_length(a) != json_object_object_length(b))
            return false;
        json_object_object_foreach(a, key, va) {
            struct json_object *vb;
            if (!json_object_object_get_ex(b, key, &vb) ||
                !qapic_json_equal(va, vb))
                return false;
        }
        return true;
    }
    case json_type_array: {
        size_t n = json_object_array_length(a);
        if (n != json_object_array_length(b))
            return false;
        for (size_t i = 0; i < n; i++)
            if (!qapic_json_equal(json_object_array_get_idx(a, i),
                                  json_object_array_get_idx(b, i)))
                return false;
        return true;
    }
    default:
        return false;
    }
}
