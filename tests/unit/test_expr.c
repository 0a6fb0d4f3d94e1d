/* Unit tests for the expression checks (src/schema/expr.c) and names
 * (src/schema/naming.c): each definition alone, QEMU's check_exprs. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "schema/expr.h"
#include "schema/loader.h"
#include "schema/naming.h"

/* Loads TEXT (t.json in the scratch directory) and checks its
 * expressions, which get the meta and name of those that pass. */
static bool check_text(const char *text, qc_schema_ast *ast)
{
    qc_options o = QC_OPTIONS_DEFAULT;
    qc_test_write_file("t.json", text);
    ck_assert(qc_schema_load(qc_test_arena, qc_test_diag, &o,
                             qc_test_path("t.json"), ast, NULL));
    return qc_check_exprs(qc_test_arena, qc_test_diag, &o, ast);
}

START_TEST(definitions)
{
    qc_test_write_file("inc.json", "{ 'enum': 'Enm', 'data': [ 'a' ] }\n");
    qc_schema_ast ast;
    ck_assert(!check_text("{ 'include': 'inc.json' }\n"
                          "{ 'command': 'do-it', 'data': { 'x': 'Enm' } }\n"
                          "{ 'struct': 'bad', 'data': {} }\n"
                          "{ 'event': 'HAPPENED' }\n", &ast));
    ck_assert_uint_eq(ast.n_exprs, 5);      /* the include stays in the list */
    ck_assert_ptr_null(qc_expr_meta(&ast.exprs[0]));  /* the include */
    ck_assert_ptr_nonnull(qc_expr_include(&ast, &ast.exprs[0]));
    ck_assert_str_eq(qc_expr_meta(&ast.exprs[1]), "enum");
    ck_assert_str_eq(qc_expr_name(&ast.exprs[1]), "Enm");
    ck_assert_ptr_null(qc_expr_include(&ast, &ast.exprs[1]));
    ck_assert_str_eq(qc_expr_meta(&ast.exprs[2]), "command");
    ck_assert_str_eq(qc_expr_name(&ast.exprs[2]), "do-it");
    ck_assert_ptr_null(qc_expr_meta(&ast.exprs[3]));  /* rejected: not CamelCase */
    ck_assert_ptr_null(qc_expr_include(&ast, &ast.exprs[3]));
    ck_assert_str_eq(qc_expr_meta(&ast.exprs[4]), "event");
    ck_assert_str_eq(qc_expr_name(&ast.exprs[4]), "HAPPENED");
    ck_assert_str_eq(qc_test_first_code(), "qapi-name-case");
    ck_assert_uint_eq(qc_test_first_line(), 3);
    /* The "In struct 'bad':" context of the diagnostic. */
    char *text = qc_diagnostic_format(qc_test_diag, qc_diag_get(qc_test_diag, 0));
    ck_assert_ptr_nonnull(strstr(text, "In struct 'bad':"));
    free(text);
}
END_TEST

START_TEST(errors)
{
    qc_test_expect_error(
        "{ 'struct': 'Foo', 'enum': 'Bar', 'data': {} }\n",
        "qapi-expr-kind", 1);
    qc_test_expect_error("\n{ 'struct': 'foo', 'data': {} }\n", "qapi-name-case", 2);
    qc_test_expect_error(
        "{ 'struct': 'FooList', 'data': {} }\n",
        "qapi-reserved-list-name", 1);
    qc_test_expect_error("{ 'enum': 'Foo' }\n", "qapi-missing-key", 1);
    qc_test_expect_error(
        "{ 'enum': 'Foo', 'data': [], 'bogus': true }\n",
        "qapi-unknown-key", 1);
    qc_test_expect_error("{ 'command': 'q-x' }\n", "qapi-invalid-name", 1);
    qc_test_expect_error(
        "{ 'struct': 'Foo', 'data': { 'has-x': 'int' } }\n",
        "qapi-reserved-name", 1);
    qc_test_expect_error(
        "{ 'struct': 'Foo', 'data': {}, 'if': { 'all': [] } }\n",
        "qapi-bad-if", 1);
    qc_test_expect_error(
        "{ 'command': 'foo', 'allow-oob': true,"
        " 'coroutine': true }\n", "qapi-flag-conflict", 1);
    qc_test_expect_error("{ 'command': 'foo', 'gen': true }\n", "qapi-bad-flag", 1);
    qc_test_expect_error(
        "{ 'struct': 'Foo', 'data': {}, 'features': [ 'Alt' ] }\n",
        "qapi-name-case", 1);
}
END_TEST

START_TEST(continues)
{
    /* independent expressions are all checked */
    qc_schema *bs = qc_test_schema(
        "{ 'struct': 'a', 'data': {} }\n"
        "{ 'struct': 'b', 'data': {} }\n");
    ck_assert_ptr_null(bs);
    ck_assert_uint_eq(qc_diag_error_count(qc_test_diag), 2);
}
END_TEST

START_TEST(doc_pairing)
{
    qc_test_expect_error("##\n# @Other:\n##\n{ 'struct': 'Foo', 'data': {} }\n",
                         "qapi-doc-wrong-symbol", 4);
    qc_test_expect_error("{ 'pragma': { 'doc-required': true } }\n"
                         "{ 'struct': 'Foo', 'data': {} }\n",
                         "qapi-doc-required", 2);
    qc_test_expect_error("##\n# @foo:\n#\n# Returns: x\n##\n{ 'event': 'FOO' }\n",
                         "qapi-doc-wrong-symbol", 6);
}
END_TEST

START_TEST(members_and_conditions)
{
    qc_test_expect_error("{ 'struct': 'Foo', 'data': { 'a': ['int', 'str'] } }\n",
                         "qapi-bad-array-type", 1);
    qc_test_expect_error("{ 'struct': 'Foo', 'data': { 'a': { 'type': 'int', 'x': 'y' } } }\n",
                         "qapi-unknown-key", 1);
    qc_test_expect_error("{ 'struct': 'Foo', 'data': {}, 'if': 'lower' }\n",
                         "qapi-bad-if", 1);
    qc_test_expect_error("{ 'struct': 'Foo', 'data': {}, 'if': { 'all': 'A' } }\n",
                         "qapi-bad-if", 1);
    qc_test_expect_error("{ 'struct': 'Foo', 'data': {}, 'if': { 'not': 'A', 'all': ['B'] } }\n",
                         "qapi-bad-if", 1);
    qc_test_expect_error("{ 'alternate': 'Alt', 'data': {} }\n",
                         "qapi-alternate-empty", 1);
    qc_test_expect_error("{ 'union': 'Uni', 'base': 'Base', 'discriminator': [ 'k' ], 'data': {} }\n",
                         "qapi-name-not-string", 1);
    qc_test_expect_error("{ 'command': 'c', 'boxed': true }\n",
                         "qapi-boxed-no-data", 1);
    /* member-name-exceptions lets the owner's members break the rules */
    qc_schema *s = qc_test_schema("{ 'pragma': { 'member-name-exceptions': [ 'Foo' ] } }\n"
                                  "{ 'struct': 'Foo', 'data': { 'Odd_Name': 'int' } }\n");
    ck_assert_ptr_nonnull(s);
}
END_TEST

START_TEST(c_name)
{
    qc_arena *a = qc_test_arena;
    ck_assert_str_eq(qc_c_name(a, "a-b.c", false), "a_b_c");
    ck_assert_str_eq(qc_c_name(a, "unix", true), "q_unix");
    ck_assert_str_eq(qc_c_name(a, "int", true), "q_int");
    ck_assert_str_eq(qc_c_name(a, "int", false), "int");
    ck_assert_str_eq(qc_c_name(a, "1x", true), "q_1x");
    ck_assert_str_eq(qc_name_stem("__org.qemu_x-foo"), "foo");
    ck_assert_str_eq(qc_name_stem("x-1"), "x-1");
    ck_assert_ptr_null(qc_name_stem("__org_"));
    ck_assert_ptr_null(qc_name_stem("q-foo"));
    ck_assert_ptr_null(qc_name_stem("1abc"));
}
END_TEST

Suite *qc_suite_expr(void)
{
    Suite *s = suite_create("expr");
    TCase *tc = tcase_create("expr");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, definitions);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, continues);
    tcase_add_test(tc, doc_pairing);
    tcase_add_test(tc, members_and_conditions);
    tcase_add_test(tc, c_name);
    suite_add_tcase(s, tc);
    return s;
}
