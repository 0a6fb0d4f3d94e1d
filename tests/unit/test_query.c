/* Unit tests for the introspected-schema index (src/dumps/ischema.c,
 * src/dumps/load.c) and schema queries (src/dumps/query.c). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "dumps/ischema.h"
#include "dumps/load.h"
#include "dumps/query.h"
#include "helpers.h"
#include "syntax/parse.h"

/* A small introspected schema with masked names. */
static const char schema_text[] =
    "[{\"name\": \"cmd\", \"meta-type\": \"command\", \"arg-type\": \"1\","
    "  \"ret-type\": \"2\", \"features\": [\"feat\"]},"
    " {\"name\": \"EV\", \"meta-type\": \"event\", \"arg-type\": \"1\"},"
    " {\"name\": \"1\", \"meta-type\": \"object\", \"members\": ["
    "   {\"name\": \"opt\", \"type\": \"str\", \"default\": null,"
    "    \"features\": [\"mf\"]},"
    "   {\"name\": \"mode\", \"type\": \"3\"},"
    "   {\"name\": \"alt\", \"type\": \"4\"},"
    "   {\"name\": \"list\", \"type\": \"[1]\"},"
    "   {\"name\": \"9p\", \"type\": \"str\"},"
    "   {\"name\": \"dangling\", \"type\": \"99\"}]},"
    " {\"name\": \"2\", \"meta-type\": \"object\", \"tag\": \"mode\","
    "  \"members\": [{\"name\": \"mode\", \"type\": \"3\"}],"
    "  \"variants\": [{\"case\": \"a\", \"type\": \"1\"},"
    "                {\"case\": \"b\", \"type\": \"5\"}],"
    "  \"features\": [\"uf\"]},"
    " {\"name\": \"3\", \"meta-type\": \"enum\", \"values\": [\"a\", \"b\"],"
    "  \"members\": [{\"name\": \"a\"}, {\"name\": \"b\", \"features\": [\"vf\"]}]},"
    " {\"name\": \"4\", \"meta-type\": \"alternate\","
    "  \"members\": [{\"type\": \"3\"}, {\"type\": \"null\"}]},"
    " {\"name\": \"5\", \"meta-type\": \"object\", \"members\": []},"
    " {\"name\": \"6\", \"meta-type\": \"enum\", \"values\": [\"old\"]},"
    " {\"name\": \"loop\", \"meta-type\": \"alternate\","
    "  \"members\": [{\"type\": \"loop\"}]},"
    " {\"name\": \"[1]\", \"meta-type\": \"array\", \"element-type\": \"1\"},"
    " {\"name\": \"str\", \"meta-type\": \"builtin\", \"json-type\": \"string\"},"
    " {\"name\": \"null\", \"meta-type\": \"builtin\", \"json-type\": \"null\"},"
    " {\"name\": \"cmd\", \"meta-type\": \"event\"},"
    " {\"meta-type\": \"enum\"}, 42]";

static qc_ischema *schema(void)
{
    size_t n;
    qc_value *v = qc_test_json(schema_text, false, &n);
    return qc_ischema_new(qc_test_arena, &v[0]);
}

START_TEST(index_by_name)
{
    qc_ischema *s = schema();
    /* The duplicate "cmd" and the nameless entries are not indexed. */
    ck_assert_uint_eq(qc_ischema_size(s), 12);
    ck_assert_str_eq(qc_obj_get_str(qc_ischema_lookup(s, "cmd"), "meta-type"),
                     "command");
    ck_assert_ptr_nonnull(qc_ischema_lookup(s, "[1]"));
    ck_assert_ptr_null(qc_ischema_lookup(s, "nosuch"));
    ck_assert_ptr_null(qc_ischema_lookup(s, "99"));
    ck_assert_str_eq(qc_obj_get_str(qc_ischema_entry(s, 1), "name"), "EV");
    ck_assert_ptr_null(qc_ischema_entry(s, 12));
    ck_assert_uint_eq(qc_arr_len(qc_ischema_array(s)), 15);
}
END_TEST

START_TEST(index_many)
{
    /* Enough entries to exercise probing and growth. */
    qc_buf b = QC_BUF_INIT;
    qc_buf_putc(&b, '[');
    for (int i = 0; i < 3000; i++)
        qc_buf_printf(&b, "%s{\"name\": \"%d\", \"meta-type\": \"object\"}",
                      i ? "," : "", i);
    qc_buf_putc(&b, ']');
    size_t n;
    qc_value *v = qc_test_json(b.data, false, &n);
    qc_buf_free(&b);
    qc_ischema *s = qc_ischema_new(qc_test_arena, &v[0]);
    ck_assert_uint_eq(qc_ischema_size(s), 3000);
    for (int i = 0; i < 3000; i += 7) {
        char name[16];
        snprintf(name, sizeof name, "%d", i);
        ck_assert_ptr_eq(qc_ischema_lookup(s, name), qc_arr_at(&v[0], i));
    }
    ck_assert_ptr_null(qc_ischema_lookup(s, "3000"));
}
END_TEST

START_TEST(find_return)
{
    size_t n;
    qc_value *v = qc_test_json(
        "{\"execute\": \"qmp_capabilities\", \"id\": \"1\"}\n\n"
        "{\"return\": {}, \"id\": \"1\"}\n\n"
        "{\"execute\": \"query-qmp-schema\", \"id\": \"2\"}\n\n"
        "{\"id\": \"2\", \"error\": {\"class\": \"X\", \"desc\": \"no\"}}\n\n"
        "{\"execute\": \"query-qmp-schema\", \"id\": \"3\"}\n\n"
        "{\"return\": [1], \"id\": \"3\"}\n\n"
        "{\"execute\": \"query-kvm\", \"id\": \"4\"}\n",
        true, &n);
    ck_assert_uint_eq(n, 7);
    /* The error reply does not end the search for the schema. */
    qc_ischema *s = qc_ischema_from_json(qc_test_arena, qc_test_diag, qc_loc_src(qc_value_loc(&v[0])), v, n);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_eq(qc_ischema_array(s), qc_obj_get(&v[5], "return"));
    /* A command without a successful reply: located at the command. */
    s = qc_ischema_from_json(qc_test_arena, qc_test_diag, qc_loc_src(qc_value_loc(&v[0])), v, 4);
    ck_assert_ptr_null(s);
    const qc_diagnostic *dg = qc_diag_get(qc_test_diag, 0);
    ck_assert_str_eq(qc_diagnostic_code(dg), "ischema-no-schema-reply");
    ck_assert_uint_eq(qc_diagnostic_line(dg), 5);
    /* None sent at all: located at the start of the file. */
    ck_assert_ptr_null(qc_ischema_from_json(qc_test_arena, qc_test_diag, qc_loc_src(qc_value_loc(&v[0])), v, 2));
    ck_assert_uint_eq(qc_diagnostic_line(qc_diag_get(qc_test_diag, 1)), 1);
}
END_TEST

static const struct {
    const char *path;
    int want;
} cases[] = {
    { "cmd", QC_QUERY_TRUE },
    { "nosuch", QC_QUERY_FALSE },
    { "str/!string", QC_QUERY_TRUE },
    { "cmd/arg-type", QC_QUERY_TRUE },
    { "cmd/arg-type/opt", QC_QUERY_TRUE },
    { "cmd/arg-type/*opt", QC_QUERY_TRUE },
    { "cmd/arg-type/*mode", QC_QUERY_FALSE },
    { "cmd/arg-type/*nosuch", QC_QUERY_FALSE },
    { "cmd/arg-type/nosuch", QC_QUERY_FALSE },
    { "cmd/arg-type/ 9p", QC_QUERY_TRUE },
    { "cmd/arg-type/-opt", QC_QUERY_FALSE },
    { "cmd/arg-type/dangling", QC_QUERY_FALSE },
    { "cmd/meta-type", QC_QUERY_FALSE },
    { "cmd/*arg-type", QC_QUERY_FALSE },
    { "cmd/+arg-type", QC_QUERY_FALSE },
    { "EV/arg-type/mode", QC_QUERY_TRUE },
    { "EV/ret-type", QC_QUERY_FALSE },
    { "cmd/arg-type/mode/^a", QC_QUERY_TRUE },
    { "cmd/arg-type/mode/^c", QC_QUERY_FALSE },
    { "cmd/arg-type/mode/^b/$vf", QC_QUERY_TRUE },
    { "cmd/arg-type/mode/^a/$vf", QC_QUERY_FALSE },
    { "6/^old", QC_QUERY_TRUE },
    { "6/^old/$vf", QC_QUERY_FALSE },
    { "cmd/arg-type/mode/!string", QC_QUERY_FALSE },
    { "cmd/ret-type/+a/opt", QC_QUERY_TRUE },
    { "cmd/ret-type/+b", QC_QUERY_TRUE },
    { "cmd/ret-type/+c", QC_QUERY_FALSE },
    { "cmd/arg-type/+a", QC_QUERY_FALSE },
    { "cmd/arg-type/alt/^b", QC_QUERY_TRUE },
    { "cmd/arg-type/alt/!null", QC_QUERY_TRUE },
    { "cmd/arg-type/alt/!string", QC_QUERY_FALSE },
    { "cmd/arg-type/list/list/list/mode/^a", QC_QUERY_TRUE },
    { "cmd/$feat", QC_QUERY_TRUE },
    { "cmd/$nosuch", QC_QUERY_FALSE },
    { "cmd/ret-type/$uf", QC_QUERY_TRUE },
    { "cmd/ret-type/+b/$uf", QC_QUERY_FALSE },
    { "cmd/arg-type/opt/$mf", QC_QUERY_TRUE },
    { "cmd/arg-type/*opt/$mf", QC_QUERY_TRUE },
    /* A member's features, not its type's. */
    { "cmd/ret-type/mode/$uf", QC_QUERY_FALSE },
    { "EV/$feat", QC_QUERY_FALSE },
    { "loop/!string", QC_QUERY_FALSE },
    /* Malformed. */
    { "", QC_QUERY_MALFORMED },
    { "/", QC_QUERY_MALFORMED },
    { "cmd/", QC_QUERY_MALFORMED },
    { "/cmd", QC_QUERY_MALFORMED },
    { "cmd//arg-type", QC_QUERY_MALFORMED },
    { "$feat", QC_QUERY_MALFORMED },
    { "*cmd", QC_QUERY_MALFORMED },
    { "cmd/*", QC_QUERY_MALFORMED },
    { "cmd/ ", QC_QUERY_MALFORMED },
    { "cmd/$", QC_QUERY_MALFORMED },
    { "cmd/$feat/x", QC_QUERY_MALFORMED },
    { "cmd/$feat/$x", QC_QUERY_MALFORMED },
    { "str/!string/x", QC_QUERY_MALFORMED },
    { "cmd/arg-type/mode/^a/x", QC_QUERY_MALFORMED },
    { "cmd/arg-type/mode/^a/$f/x", QC_QUERY_MALFORMED },
    { "cmd/arg-type/mode/^a/^b", QC_QUERY_MALFORMED },
    /* Malformed even where the head does not exist. */
    { "nosuch/", QC_QUERY_MALFORMED },
};

START_TEST(eval_cases)
{
    qc_ischema *s = schema();
    const char *why = NULL;
    int got = qc_query_eval(qc_test_arena, s, cases[_i].path, &why);
    ck_assert_msg(got == cases[_i].want, "'%s': got %d, want %d",
                  cases[_i].path, got, cases[_i].want);
    ck_assert(qc_query_syntax_ok(qc_test_arena, cases[_i].path, NULL)
              == (cases[_i].want != QC_QUERY_MALFORMED));
    if (got == QC_QUERY_MALFORMED)
        ck_assert_ptr_nonnull(why);
}
END_TEST

Suite *qc_suite_query(void)
{
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("query");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, index_by_name);
    tcase_add_test(tc, index_many);
    tcase_add_test(tc, find_return);
    tcase_add_loop_test(tc, eval_cases, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
