/* libFuzzer target: the generic codec of the runtime (qapic/codec.h) on
 * the generated bindings of QEMU's full schema (build-fuzz/qmp/, made by
 * `qapic gen c` at build time; the target is not built without them).
 *
 * The input's first line names the type (any bytes pick one: a name the
 * bindings do not have is hashed to an index); the rest is JSON, parsed
 * by the runtime's strict parser and decoded leniently and strictly.
 * What codec.h and types.h promise is checked:
 *   - a failure is an error with a message, never a NULL without one;
 *   - whatever strict decoding accepts, lenient decoding accepts too, to
 *     an equal value; decoding the text gives what decoding the tree
 *     gives;
 *   - lenient decoding is lossless: the value encodes again (strictly)
 *     into the JSON it came from (numbers by value; a "number" slot is a
 *     double, so integers beyond 2^53 compare as doubles), and that
 *     decodes to an equal value, which encodes to the same JSON; a copy
 *     is equal; the encoded text parses back to the same JSON.
 * Any broken promise aborts; ASan and LSan see the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "qapic/codec.h"
#include "qmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const qapic_type *t, const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_decode: %s: %s%s%s\n", t->name, what,
            detail ? ": " : "", detail ? detail : "");
    abort();
}

/* The type the first line names, or one picked by hashing it. */
static const qapic_type *pick_type(const char *text, size_t len,
                                   size_t *skip)
{
    const char *nl = memchr(text, '\n', len < 128 ? len : 128);
    size_t n = nl ? (size_t)(nl - text) : 0;
    char name[128];
    memcpy(name, text, n);
    name[n] = '\0';
    *skip = nl ? n + 1 : 0;
    const qapic_type *t = qapic_schema_type(&qmp_schema, name);
    if (t)
        return t;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < (nl ? n : (len < 2 ? len : 2)); i++)
        h = (h ^ (unsigned char)text[i]) * 16777619u;
    return qmp_schema.types[h % qmp_schema.ntypes];
}

static double as_double(struct json_object *j)
{
    if (json_object_get_type(j) == json_type_double)
        return json_object_get_double(j);
    int64_t v = json_object_get_int64(j);
    return v == INT64_MAX ? (double)json_object_get_uint64(j) : (double)v;
}

static bool is_number(struct json_object *j)
{
    json_type t = json_object_get_type(j);
    return t == json_type_int || t == json_type_double;
}

/* qapic_json_equal, but numbers that are equal as doubles are equal. */
static bool same_json(struct json_object *a, struct json_object *b)
{
    if (is_number(a) && is_number(b))
        return qapic_json_equal(a, b) || as_double(a) == as_double(b);
    if (json_object_get_type(a) != json_object_get_type(b))
        return false;
    if (json_object_is_type(a, json_type_object)) {
        if (json_object_object_length(a) != json_object_object_length(b))
            return false;
        json_object_object_foreach(a, key, va) {
            struct json_object *vb;
            if (!json_object_object_get_ex(b, key, &vb) || !same_json(va, vb))
                return false;
        }
        return true;
    }
    if (json_object_is_type(a, json_type_array)) {
        size_t n = json_object_array_length(a);
        if (n != json_object_array_length(b))
            return false;
        for (size_t i = 0; i < n; i++)
            if (!same_json(json_object_array_get_idx(a, i),
                           json_object_array_get_idx(b, i)))
                return false;
        return true;
    }
    return qapic_json_equal(a, b);
}

/* A failure must come with its error; frees it. */
static void failed(const qapic_type *t, qapic_error *e, const char *what)
{
    if (!e || !e->message || !*e->message)
        broken(t, what, "failed without an error");
    qapic_error_free(e);
}

/* Encodes V (of T) strictly: it must work for what was decoded. */
static struct json_object *encode(const qapic_type *t, const void *v)
{
    qapic_error *e = NULL;
    struct json_object *j = qapic_encode(t, v, "value", &e);
    if (e)
        broken(t, "a decoded value does not encode", e->message);
    return j;
}

static void round_trip(const qapic_type *t, struct json_object *in, void *v1,
                       const char *text, size_t len)
{
    qapic_error *e = NULL;
    struct json_object *j2 = encode(t, v1);
    if (!same_json(in, j2))
        broken(t, "lenient decoding lost something",
               json_object_to_json_string(j2));
    void *v2 = qapic_decode(t, j2, 0, "value", &e);
    if (!v2)
        broken(t, "the encoded value does not decode", e ? e->message : NULL);
    if (!qapic_equal(t, v1, v2))
        broken(t, "decoding the encoded value gives another value", NULL);
    struct json_object *j3 = encode(t, v2);
    if (!qapic_json_equal(j2, j3))
        broken(t, "encoding is not stable", NULL);

    void *c = qapic_copy(t, v1, &e);
    if (!c || !qapic_equal(t, v1, c))
        broken(t, "a copy differs", NULL);
    char *s = qapic_encode_text(t, c, &e);
    struct json_object *j4 = NULL;
    if (!s || qapic_json_parse(s, strlen(s), &j4, &e) < 0
        || !qapic_json_equal(j2, j4))
        broken(t, "the encoded text does not parse back", s);

    void *v3 = qapic_decode_text(t, text, len, 0, "value", &e);
    if (!v3 || !qapic_equal(t, v1, v3))
        broken(t, "decoding the text differs from decoding the tree", NULL);
    qapic_free(t, v3);
    json_object_put(j4);
    free(s);
    qapic_free(t, c);
    json_object_put(j3);
    qapic_free(t, v2);
    json_object_put(j2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t skip;
    const qapic_type *t = pick_type(text, size, &skip);
    text += skip;
    size -= skip;

    struct json_object *j = NULL;
    qapic_error *e = NULL;
    if (qapic_json_parse(text, size, &j, &e) < 0) {
        failed(t, e, "parsing");
        e = NULL;
        if (qapic_decode_text(t, text, size, 0, "value", &e))
            broken(t, "text decodes that does not parse", NULL);
        failed(t, e, "decoding the text");
        return 0;
    }
    void *lenient = qapic_decode(t, j, 0, "value", &e);
    if (!lenient)
        failed(t, e, "lenient decoding");
    e = NULL;
    void *strict = qapic_decode(t, j, QAPIC_DECODE_STRICT, "value", &e);
    if (!strict)
        failed(t, e, "strict decoding");
    e = NULL;
    if (strict && !lenient)
        broken(t, "strict decoding accepts what lenient decoding refuses", NULL);
    if (strict && !qapic_equal(t, strict, lenient))
        broken(t, "strict and lenient decoding differ", NULL);
    if (lenient)
        round_trip(t, j, lenient, text, size);
    else if (qapic_decode_text(t, text, size, 0, "value", &e))
        broken(t, "the text decodes where the tree does not", NULL);
    else
        failed(t, e, "decoding the text");
    qapic_free(t, strict);
    qapic_free(t, lenient);
    json_object_put(j);
    return 0;
}
