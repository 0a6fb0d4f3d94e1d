/* Unit tests for src/dumps/soundness.c: the soundness check of an
 * introspected schema, one broken schema per case. */
#include <check.h>
#include <string.h>

#include "dumps/replies.h"
#include "dumps/soundness.h"
#include "helpers.h"

#define STR "{\"name\": \"str\", \"meta-type\": \"builtin\", \"json-type\": \"string\"}"

/* Checks schema TEXT with context "ctx": returns the number of problems;
 * the first must have CODE. */
static size_t check_schema(const char *text, const char *code)
{
    qc_test_reset_diag();
    size_t n = qc_soundness_check(qc_test_arena, qc_test_json1(text), "ctx",
                                qc_test_diag);
    const qc_diagnostic *dg = qc_diag_get(qc_test_diag, 0);
    ck_assert_msg(dg != NULL, "no diagnostic for %s", text);
    ck_assert_str_eq(qc_diagnostic_code(dg), code);
    ck_assert(!strncmp(qc_diagnostic_message(dg), "ctx: ", 5));
    return n;
}

START_TEST(sound_schema)
{
    qc_value *v = qc_test_json1(
        "[" STR ","
        " {\"name\": \"E\", \"meta-type\": \"enum\", \"values\": [\"a\", \"b\"],"
        "  \"members\": [{\"name\": \"a\"}, {\"name\": \"b\", \"features\": [\"deprecated\"]}]},"
        " {\"name\": \"V\", \"meta-type\": \"object\", \"members\": []},"
        " {\"name\": \"O\", \"meta-type\": \"object\", \"members\": ["
        "   {\"name\": \"k\", \"type\": \"E\"}, {\"name\": \"s\", \"type\": \"str\", \"default\": null}],"
        "  \"tag\": \"k\", \"variants\": [{\"case\": \"a\", \"type\": \"V\"}]},"
        " {\"name\": \"[str]\", \"meta-type\": \"array\", \"element-type\": \"str\"},"
        " {\"name\": \"A\", \"meta-type\": \"alternate\", \"members\": [{\"type\": \"str\"}, {\"type\": \"O\"}]},"
        " {\"name\": \"c\", \"meta-type\": \"command\", \"arg-type\": \"O\", \"ret-type\": \"[str]\","
        "  \"allow-oob\": true},"
        " {\"name\": \"EV\", \"meta-type\": \"event\", \"arg-type\": \"V\"}]");
    ck_assert_uint_eq(qc_soundness_check(qc_test_arena, v, NULL, qc_test_diag), 0);
    ck_assert_ptr_null(qc_diag_get(qc_test_diag, 0));
}
END_TEST

START_TEST(keys_and_entries)
{
    ck_assert_uint_eq(check_schema(
        "[{\"name\": \"str\", \"meta-type\": \"builtin\", \"json-type\": \"string\", \"frobnicate\": 1}]",
        "schema-unknown-key"), 1);
    ck_assert_uint_eq(check_schema(
        "[{\"name\": \"str\", \"meta-type\": \"bultin\", \"json-type\": \"string\"}]",
        "schema-bad-meta-type"), 1);
    ck_assert_uint_eq(check_schema(
        "[{\"name\": \"1\", \"meta-type\": \"object\", \"members\": [{\"name\": \"a\"}]}]",
        "schema-missing-key"), 1);
    ck_assert_uint_eq(check_schema(
        "[{\"name\": \"1\", \"meta-type\": \"object\", \"members\": 3}]",
        "schema-bad-key"), 1);
    ck_assert_uint_eq(check_schema(
        "[{\"name\": \"b\", \"meta-type\": \"builtin\", \"json-type\": \"text\"}]",
        "schema-bad-key"), 1);
    ck_assert_uint_eq(check_schema("{}", "schema-not-array"), 1);
    ck_assert_uint_eq(check_schema("[1]", "schema-bad-entry"), 1);
}
END_TEST

START_TEST(references)
{
    ck_assert_uint_eq(check_schema(
        "[{\"name\": \"c\", \"meta-type\": \"command\", \"arg-type\": \"0\", \"ret-type\": \"0\"}]",
        "schema-unresolved"), 2);
    ck_assert_uint_eq(check_schema(
        "[" STR ", {\"name\": \"c\", \"meta-type\": \"command\", \"arg-type\": \"str\","
        " \"ret-type\": \"str\"}]", "schema-bad-reference"), 1);
    ck_assert_uint_eq(check_schema(
        "[{\"name\": \"e\", \"meta-type\": \"event\", \"arg-type\": \"e\"}]",
        "schema-bad-reference"), 1);
}
END_TEST

START_TEST(names_members_and_tags)
{
    ck_assert_uint_eq(check_schema("[" STR ", " STR "]", "schema-duplicate-name"), 1);
    ck_assert_uint_eq(check_schema(
        "[" STR ", {\"name\": \"1\", \"meta-type\": \"object\", \"members\": ["
        "  {\"name\": \"a\", \"type\": \"str\"}, {\"name\": \"a\", \"type\": \"str\"}]}]",
        "schema-duplicate-member"), 1);
    ck_assert_uint_eq(check_schema(
        "[" STR ", {\"name\": \"1\", \"meta-type\": \"object\", \"members\": [{\"name\": \"a\", \"type\": \"str\"}],"
        "  \"tag\": \"b\", \"variants\": []}]",
        "schema-bad-tag"), 1);
    /* A variant for a value the tag's enum does not have, and two for one. */
    const char *base =
        "[{\"name\": \"E\", \"meta-type\": \"enum\", \"values\": [\"a\"]},"
        " {\"name\": \"V\", \"meta-type\": \"object\", \"members\": []},"
        " {\"name\": \"O\", \"meta-type\": \"object\", \"members\": [{\"name\": \"k\", \"type\": \"E\"}],"
        "  \"tag\": \"k\", \"variants\": [%s]}]";
    char text[1024];
    snprintf(text, sizeof text, base, "{\"case\": \"z\", \"type\": \"V\"}");
    ck_assert_uint_eq(check_schema(text, "schema-bad-tag"), 1);
    snprintf(text, sizeof text, base,
             "{\"case\": \"a\", \"type\": \"V\"}, {\"case\": \"a\", \"type\": \"V\"}");
    ck_assert_uint_eq(check_schema(text, "schema-bad-tag"), 1);
    ck_assert_uint_eq(check_schema(
        "[{\"name\": \"E\", \"meta-type\": \"enum\", \"values\": [\"a\", \"b\"],"
        "  \"members\": [{\"name\": \"b\"}, {\"name\": \"a\"}]}]",
        "schema-enum-mismatch"), 1);
}
END_TEST

/* Lists of any length: a few names are compared one by one, many are
 * hashed; both find the same duplicates and missing enum values. */
START_TEST(short_and_long_lists)
{
    /* An enum's values, a union's members and variants, each then more. */
    static const char union_of[] =
        "[" STR ", {\"name\": \"V\", \"meta-type\": \"object\", \"members\": []},"
        " {\"name\": \"E\", \"meta-type\": \"enum\", \"values\": [%s]},"
        " {\"name\": \"O\", \"meta-type\": \"object\", \"members\": ["
        "  {\"name\": \"k\", \"type\": \"E\"}, %s%s],"
        "  \"tag\": \"k\", \"variants\": [%s%s]}]";
    for (size_t n = 1; n <= 40; n += 13) {
        char members[4096] = "", values[2048] = "", variants[4096] = "";
        for (size_t i = 0; i < n; i++) {
            char one[128];
            snprintf(one, sizeof one, "%s{\"name\": \"m%zu\", \"type\": \"str\"}",
                     i ? ", " : "", i);
            strcat(members, one);
            snprintf(one, sizeof one, "%s\"v%zu\"", i ? ", " : "", i);
            strcat(values, one);
            snprintf(one, sizeof one, "%s{\"case\": \"v%zu\", \"type\": \"V\"}",
                     i ? ", " : "", i);
            strcat(variants, one);
        }
        char text[16384];
        snprintf(text, sizeof text, union_of, values, members, "", variants, "");
        qc_test_reset_diag();
        ck_assert_uint_eq(qc_soundness_check(qc_test_arena, qc_test_json1(text), NULL,
                                             qc_test_diag), 0);
        /* The last member again, and a variant for no value. */
        char dup[64], stray[64];
        snprintf(dup, sizeof dup, ", {\"name\": \"m%zu\", \"type\": \"str\"}", n - 1);
        snprintf(stray, sizeof stray, ", {\"case\": \"w\", \"type\": \"V\"}");
        snprintf(text, sizeof text, union_of, values, members, dup, variants, stray);
        ck_assert_uint_eq(check_schema(text, "schema-duplicate-member"), 2);
        ck_assert_str_eq(qc_diagnostic_code(qc_diag_get(qc_test_diag, 1)), "schema-bad-tag");
    }
}
END_TEST

/* The fast reader of dumps keeps one copy of each short string: two
 * members named alike are one pointer, and still two members. */
START_TEST(interned_names)
{
    static const char dump[] =
        "{\n  \"execute\": \"query-qmp-schema\",\n  \"id\": \"libvirt-1\"\n}\n\n"
        "{\n  \"return\": [\n    {\n      \"name\": \"o\",\n"
        "      \"meta-type\": \"object\",\n      \"members\": [\n"
        "        {\n          \"name\": \"a\",\n          \"type\": \"o\"\n        },\n"
        "        {\n          \"name\": \"a\",\n          \"type\": \"o\"\n        }\n"
        "      ]\n    }\n  ],\n  \"id\": \"libvirt-1\"\n}\n";
    qc_source *src = qc_test_source(dump, false);
    qc_replies *r = qc_replies_read(qc_test_arena, src, false, qc_test_diag);
    ck_assert(r->canonical);
    const qc_value *schema = qc_obj_get(r->e[1].v, "return");
    const qc_value *ms = qc_obj_get(qc_arr_at(schema, 0), "members");
    ck_assert_ptr_eq(qc_obj_get_str(qc_arr_at(ms, 0), "name"),
                     qc_obj_get_str(qc_arr_at(ms, 1), "name"));
    ck_assert_uint_eq(qc_soundness_check(qc_test_arena, schema, NULL, qc_test_diag), 1);
    ck_assert_str_eq(qc_test_first_code(), "schema-duplicate-member");
}
END_TEST

Suite *qc_suite_soundness(void)
{
    Suite *s = suite_create("soundness");
    TCase *tc = tcase_create("soundness");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, sound_schema);
    tcase_add_test(tc, keys_and_entries);
    tcase_add_test(tc, references);
    tcase_add_test(tc, names_members_and_tags);
    tcase_add_test(tc, interned_names);
    tcase_add_test(tc, short_and_long_lists);
    suite_add_tcase(s, tc);
    return s;
}
