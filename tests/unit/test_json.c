/* Unit tests for JSON writing: string literals (src/base/json_string.c)
 * and the canonical writer (src/syntax/json.c), which must give back a
 * canonical capability dump byte for byte. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "helpers.h"
#include "syntax/json.h"

/* S[0..LEN) as a JSON string literal. */
static void expect_string(const char *s, size_t len, const char *want)
{
    qc_buf b = QC_BUF_INIT;
    qc_json_write_string(&b, s, len);
    ck_assert_str_eq(b.data, want);
    qc_buf_free(&b);
}

START_TEST(string_escapes)
{
    expect_string("plain", 5, "\"plain\"");
    expect_string("", 0, "\"\"");
    expect_string("a\"b\\c/", 6, "\"a\\\"b\\\\c/\"");
    expect_string("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
    expect_string("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
    expect_string("a\0b", 3, "\"a\\u0000b\"");
}
END_TEST

START_TEST(string_unicode)
{
    expect_string("\xc3\xa9", 2, "\"\\u00e9\"");                 /* é */
    expect_string("\xe2\x82\xac", 3, "\"\\u20ac\"");             /* € */
    expect_string("\xf0\x9f\x98\x80", 4, "\"\\ud83d\\ude00\"");  /* U+1F600 */
    /* Each byte that is no part of a well-formed sequence is one U+FFFD;
     * the bytes after it are kept. */
    expect_string("\xff", 1, "\"\\ufffd\"");
    expect_string("\xc3", 1, "\"\\ufffd\"");
    expect_string("caf\xe9.json", 9, "\"caf\\ufffd.json\"");
    expect_string("\xc0\x80", 2, "\"\\ufffd\\ufffd\"");          /* overlong */
    expect_string("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");  /* surrogate */
    expect_string("\xe2\x82z", 3, "\"\\ufffd\\ufffdz\"");        /* cut short */
    expect_string("\xf0\x9f\x98\x80\xff\xc3\xa9", 7,
                  "\"\\ud83d\\ude00\\ufffd\\u00e9\"");
}
END_TEST

static char *written(const char *json, int indent)
{
    qc_buf b = QC_BUF_INIT;
    qc_json_write(&b, qc_test_json1(json), indent, 0);
    return qc_buf_steal(&b);
}

START_TEST(values_indented)
{
    char *s = written("{\"a\": [1, -2.5e3, true, null], \"b\": {}, \"c\": [],"
                      " \"d\": {\"e\": \"f\"}}", 2);
    ck_assert_str_eq(s,
        "{\n"
        "  \"a\": [\n"
        "    1,\n"
        "    -2.5e3,\n"
        "    true,\n"
        "    null\n"
        "  ],\n"
        "  \"b\": {},\n"
        "  \"c\": [],\n"
        "  \"d\": {\n"
        "    \"e\": \"f\"\n"
        "  }\n"
        "}");
    free(s);
}
END_TEST

START_TEST(values_compact)
{
    char *s = written("{ \"a\" : [ 1 ,2 ], \"b\":false }", 0);
    ck_assert_str_eq(s, "{\"a\": [1, 2], \"b\": false}");
    free(s);
}
END_TEST

START_TEST(numbers_as_written)
{
    /* Exactly the text: no reformatting, no loss past 64 bits. */
    char *s = written("[0, -0, 1E+2, 123456789012345678901234567890, 0.10]", 0);
    ck_assert_str_eq(s, "[0, -0, 1E+2, 123456789012345678901234567890, 0.10]");
    free(s);
}
END_TEST

START_TEST(round_trip)
{
    /* A canonical text, parsed and written, comes back byte for byte. */
    static const char canonical[] =
        "{\n  \"return\": {\n    \"qemu\": {\n      \"micro\": 2,\n"
        "      \"minor\": 0,\n      \"major\": 10\n    },\n"
        "    \"package\": \"Debian 1:10.0.2\\u00e9\"\n  },\n  \"id\": \"libvirt-2\"\n}";
    char *s = written(canonical, 2);
    ck_assert_str_eq(s, canonical);
    free(s);
}
END_TEST

Suite *qc_suite_json(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("json");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, string_escapes);
    tcase_add_test(tc, string_unicode);
    tcase_add_test(tc, values_indented);
    tcase_add_test(tc, values_compact);
    tcase_add_test(tc, numbers_as_written);
    tcase_add_test(tc, round_trip);
    suite_add_tcase(s, tc);
    return s;
}
