/* Helpers for the tests of the runtime codec (test_codec*.c). */
#ifndef TESTS_CODEC_UTIL_H
#define TESTS_CODEC_UTIL_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "qapic/codec.h"

/* Parses TEXT strictly; the test fails on a syntax error. */
static inline struct json_object *J(const char *text)
{
    struct json_object *j = NULL;
    qapic_error *err = NULL;

    if (qapic_json_parse(text, strlen(text), &j, &err) < 0)
        ck_abort_msg("bad test JSON: %s", err ? err->message : "?");
    return j;
}

/* Decodes TEXT as T; returns the box, failing the test on an error. */
static inline void *decode_ok(const qapic_type *t, const char *text, unsigned flags)
{
    qapic_error *err = NULL;
    void *box = qapic_decode_text(t, text, strlen(text), flags, "value", &err);

    ck_assert_msg(box != NULL, "decoding %s failed: %s", text,
                  err ? err->message : "no error");
    ck_assert_ptr_null(err);
    return box;
}

/* Decodes TEXT as T, which must fail: returns the message (the caller
 * frees it) after checking the error's kind and that its message starts
 * with its path. */
static inline char *decode_fails(const qapic_type *t, const char *text,
                          unsigned flags, const char *root)
{
    qapic_error *err = NULL;
    void *box = qapic_decode_text(t, text, strlen(text), flags, root, &err);
    char *msg;

    ck_assert_msg(box == NULL, "decoding %s succeeded", text);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_DECODE);
    ck_assert_ptr_nonnull(err->path);
    ck_assert_msg(!strncmp(err->message, err->path, strlen(err->path)) &&
                      !strncmp(err->message + strlen(err->path), ": ", 2),
                  "message '%s' does not start with path '%s'", err->message,
                  err->path);
    msg = strdup(err->message);
    qapic_error_free(err);
    return msg;
}

#define ck_decode_error(t, text, flags, root, expected)                     \
    do {                                                                    \
        char *msg_ = decode_fails(t, text, flags, root);                    \
        ck_assert_str_eq(msg_, expected);                                   \
        free(msg_);                                                         \
    } while (0)

/* Encoding BOX as T must fail with an ENCODE error: returns the message. */
static inline char *encode_fails(const qapic_type *t, const void *box)
{
    qapic_error *err = NULL;
    struct json_object *j = qapic_encode(t, box, "arguments", &err);
    char *msg;

    ck_assert_msg(j == NULL, "encoding succeeded: %s",
                  json_object_to_json_string(j));
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_ENCODE);
    ck_assert_ptr_nonnull(err->path);
    msg = strdup(err->message);
    qapic_error_free(err);
    return msg;
}

#define ck_encode_error(t, box, expected)                                   \
    do {                                                                    \
        char *msg_ = encode_fails(t, box);                                  \
        ck_assert_str_eq(msg_, expected);                                   \
        free(msg_);                                                         \
    } while (0)

/* Encodes BOX as T, failing the test on an error. */
static inline struct json_object *encode_ok(const qapic_type *t, const void *box)
{
    qapic_error *err = NULL;
    struct json_object *j = qapic_encode(t, box, "value", &err);

    ck_assert_msg(err == NULL, "encoding failed: %s", err->message);
    return j;
}

/* The whole lossless cycle on TEXT: decode (with FLAGS), encode and compare
 * with the input; copy, compare the copy, encode the copy; encode as text
 * and parse again.  Returns the decoded box for further checks. */
static inline void *round_trip(const qapic_type *t, const char *text, unsigned flags)
{
    struct json_object *in = J(text), *out, *out2, *back;
    void *box = decode_ok(t, text, flags), *copy;
    qapic_error *err = NULL;
    char *s;

    out = encode_ok(t, box);
    ck_assert_msg(qapic_json_equal(in, out), "round trip of %s gave %s", text,
                  json_object_to_json_string(out));
    copy = qapic_copy(t, box, &err);
    ck_assert_ptr_nonnull(copy);
    ck_assert(qapic_equal(t, box, copy));
    ck_assert(qapic_equal(t, copy, box));
    out2 = encode_ok(t, copy);
    ck_assert(qapic_json_equal(in, out2));
    s = qapic_encode_text(t, box, &err);
    ck_assert_ptr_nonnull(s);
    back = J(s);
    ck_assert_msg(qapic_json_equal(in, back), "text round trip gave %s", s);
    free(s);
    json_object_put(back);
    json_object_put(out2);
    json_object_put(out);
    json_object_put(in);
    qapic_free(t, copy);
    return box;
}

#endif
