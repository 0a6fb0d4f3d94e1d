/* Unit tests for the grammar: tokens, values and locations in both
 * dialects, each syntax error with its location, number exactness. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "syntax/interned.h"
#include "syntax/parse.h"

/* One parse of TEXT, in the run's arena. */
struct run {
    qc_source *src;
    qc_parse_result r;
};

static void parse_text(struct run *t, const char *text, qc_dialect d)
{
    t->src = qc_test_source(text, d == QC_DIALECT_SCHEMA);
    qc_parse(qc_test_arena, t->src, d, &t->r);
}

/* Asserts that TEXT fails with an error at LINE:COL whose code is CODE. */
static void expect_syntax_error(const char *text, qc_dialect d, unsigned line,
                         unsigned col, const char *code)
{
    struct run t;
    parse_text(&t, text, d);
    ck_assert_msg(t.r.error != NULL, "no error for <%s>", text);
    ck_assert_msg(qc_source_line(t.src, t.r.error->loc.off) == line
                  && qc_source_column(t.src, t.r.error->loc.off) == col,
                  "<%s>: error at %u:%u, expected %u:%u (%s)", text,
                  qc_source_line(t.src, t.r.error->loc.off),
                  qc_source_column(t.src, t.r.error->loc.off), line, col,
                  t.r.error->message);
    ck_assert_str_eq(t.r.error->code, code);
    ck_assert_ptr_nonnull(t.r.error->message);
}

START_TEST(schema_values_and_locations)
{
    struct run t;
    parse_text(&t, "# comment\n{ 'enum': 'E',\n  'data': [ 'a', true, false ] }\n",
               QC_DIALECT_SCHEMA);
    ck_assert_ptr_null(t.r.error);
    ck_assert_uint_eq(t.r.nitems, 1);
    const qc_value *v = &t.r.items[0].value;
    ck_assert_int_eq(v->kind, QC_VOBJECT);
    ck_assert_uint_eq(qc_source_line(t.src, qc_value_loc(v).off), 2);
    ck_assert_uint_eq(qc_source_column(t.src, qc_value_loc(v).off), 1);
    ck_assert_uint_eq(qc_obj_len(v), 2);
    ck_assert_str_eq(v->u.obj.members[0].key, "enum");
    ck_assert_uint_eq(qc_source_column(t.src, v->u.obj.members[0].key_off), 3);
    const qc_value *data = qc_obj_get(v, "data");
    ck_assert_int_eq(data->kind, QC_VARRAY);
    ck_assert_uint_eq(qc_arr_len(data), 3);
    ck_assert_uint_eq(qc_source_line(t.src, qc_value_loc(data).off), 3);
    ck_assert_uint_eq(qc_source_column(t.src, qc_value_loc(data).off), 11);
    ck_assert_str_eq(qc_arr_at(data, 0)->u.str.s, "a");
    ck_assert_int_eq(qc_arr_at(data, 1)->kind, QC_VBOOL);
    ck_assert(qc_arr_at(data, 1)->u.b);
    ck_assert(!qc_arr_at(data, 2)->u.b);
}

START_TEST(schema_escape_and_doc_lines)
{
    struct run t;
    parse_text(&t, "##\n# @x:\n#\n# text\n##\n{ 'a': 'b\\\\c' }\n",
               QC_DIALECT_SCHEMA);
    ck_assert_ptr_null(t.r.error);
    ck_assert_uint_eq(t.r.nitems, 2);
    const qc_docblock *doc = qc_item_doc(&t.r.items[0]);
    ck_assert_ptr_nonnull(doc);
    ck_assert(doc->complete);
    ck_assert_uint_eq(doc->n, 5);
    static const char *const want[] = { "##", "# @x:", "#", "# text", "##" };
    qc_docline l = qc_docblock_first(doc);
    for (size_t i = 0; i < 5; i++) {
        if (i)
            ck_assert(qc_docblock_next(doc, &l));
        ck_assert_uint_eq(l.len, strlen(want[i]));
        ck_assert(!memcmp(l.text, want[i], l.len));
        ck_assert_uint_eq(qc_source_line(t.src, l.loc.off), i + 1);
    }
    ck_assert(!qc_docblock_next(doc, &l));
    ck_assert_str_eq(qc_obj_get_str(&t.r.items[1].value, "a"), "b\\c");
}

START_TEST(schema_tab_columns)
{
    /* QEMU's column rule for tabs barely advances the column. */
    expect_syntax_error("{'a':\tx", QC_DIALECT_SCHEMA, 1, 6, "qapi-stray");
    expect_syntax_error("{ 'a':        \tx", QC_DIALECT_SCHEMA, 1, 7, "qapi-stray");
}

START_TEST(schema_syntax_errors)
{
    const qc_dialect S = QC_DIALECT_SCHEMA;
    expect_syntax_error("{ 'key': [ 'value' ]", S, 1, 21, "syntax-unexpected");
    expect_syntax_error("{ 'key': [ 'value' }", S, 1, 20, "syntax-unexpected");
    expect_syntax_error("{ , 'a': 'b' }", S, 1, 3, "syntax-unexpected");
    expect_syntax_error("{ 'a' 'b' }", S, 1, 7, "syntax-unexpected");
    expect_syntax_error("{ 'a': 'b', }", S, 1, 13, "syntax-unexpected");
    expect_syntax_error("{ 'a': [ , 'b' ] }", S, 1, 10, "syntax-unexpected");
    expect_syntax_error("{ 'a': [ 'b', ] }", S, 1, 15, "syntax-unexpected");
    expect_syntax_error("{ 'a': 'b' 'c': 'd' }", S, 1, 12, "syntax-unexpected");
    expect_syntax_error("}", S, 1, 1, "syntax-unexpected");
    expect_syntax_error("{ 'a': 'b',\n  'a': 'c' }", S, 2, 8, "qapi-duplicate-key");
    expect_syntax_error("##\n# text\n{ 'a': 'b' }", S, 3, 1, "syntax-unexpected");
}

START_TEST(schema_lexical_errors)
{
    const qc_dialect S = QC_DIALECT_SCHEMA;
    expect_syntax_error("{ 'a': 'b\n}", S, 1, 8, "qapi-string-unterminated");
    expect_syntax_error("{ 'a': 'b\\x' }", S, 1, 8, "qapi-string-escape");
    expect_syntax_error("{ 'a': 'b\\'' }", S, 1, 8, "qapi-string-escape");
    expect_syntax_error("{ 'a': 'caf\xc3\xa9' }", S, 1, 8, "qapi-string-character");
    expect_syntax_error("{ 'a': 'b\tc' }", S, 1, 8, "qapi-string-character");
    expect_syntax_error("{ 'a': 123 }", S, 1, 8, "qapi-stray");
    expect_syntax_error("{ 'a': null }", S, 1, 8, "qapi-stray");
    expect_syntax_error("{ 'a': \"b\" }", S, 1, 8, "qapi-stray");
    expect_syntax_error("{ 'a': truex }", S, 1, 12, "qapi-stray");
    expect_syntax_error("{ command: 'x' }", S, 1, 3, "qapi-stray");
}

START_TEST(error_order_relative_to_items)
{
    struct run t;
    /* A lexical error right after an expression comes before that
     * expression is processed; a grammar error comes after. */
    parse_text(&t, "{ 'a': 'b' }\n{ 'c': 'd' } 'x\n", QC_DIALECT_SCHEMA);
    ck_assert_ptr_nonnull(t.r.error);
    ck_assert_uint_eq(t.r.nitems, 2);
    ck_assert_uint_eq(t.r.error->after_item, 1);
    parse_text(&t, "{ 'a': 'b' }\n{ 'c': 'd' } }\n", QC_DIALECT_SCHEMA);
    ck_assert_ptr_nonnull(t.r.error);
    ck_assert_uint_eq(t.r.error->after_item, 2);
    parse_text(&t, "##\n# @a:\n{ 'c': 'd' }\n", QC_DIALECT_SCHEMA);
    ck_assert_ptr_nonnull(t.r.error);
    ck_assert_ptr_nonnull(t.r.error->partial_doc);
    ck_assert_uint_eq(t.r.error->partial_doc->n, 2);
    ck_assert(!t.r.error->partial_doc->complete);
}

START_TEST(json_numbers_exact)
{
    struct run t;
    parse_text(&t, "[0, -1, 9223372036854775807, -9223372036854775808,"
               " 9223372036854775808, 18446744073709551615,"
               " 18446744073709551616, 1.5, -0, 1e3, 0.0]",
               QC_DIALECT_JSON);
    ck_assert_ptr_null(t.r.error);
    const qc_value *a = &t.r.items[0].value;
    ck_assert_uint_eq(qc_arr_len(a), 11);
    const qc_value *v[11];
    for (size_t i = 0; i < 11; i++)
        v[i] = qc_arr_at(a, i);
    ck_assert_int_eq(v[0]->kind, QC_VINT);
    ck_assert_int_eq(qc_num_i(v[1]), -1);
    ck_assert_int_eq(v[2]->kind, QC_VINT);
    ck_assert_int_eq(qc_num_i(v[2]), INT64_MAX);
    ck_assert_int_eq(v[3]->kind, QC_VINT);
    ck_assert_int_eq(qc_num_i(v[3]), INT64_MIN);
    ck_assert_int_eq(v[4]->kind, QC_VUINT);
    ck_assert_uint_eq(qc_num_u(v[4]), (uint64_t)INT64_MAX + 1);
    ck_assert_int_eq(v[5]->kind, QC_VUINT);
    ck_assert_uint_eq(qc_num_u(v[5]), UINT64_MAX);
    ck_assert_int_eq(v[6]->kind, QC_VNUMBER);
    ck_assert_str_eq(qc_num_strdup(qc_test_arena, v[6]), "18446744073709551616");
    ck_assert_int_eq(v[7]->kind, QC_VNUMBER);
    ck_assert_str_eq(qc_num_strdup(qc_test_arena, v[7]), "1.5");
    ck_assert_str_eq(qc_num_strdup(qc_test_arena, v[8]), "-0");
    ck_assert_str_eq(qc_num_strdup(qc_test_arena, v[9]), "1e3");
    ck_assert_str_eq(qc_num_strdup(qc_test_arena, v[10]), "0.0");
}

START_TEST(json_strings)
{
    struct run t;
    parse_text(&t, "{\"k\\u00e9\": \"a\\n\\\"\\\\\\/\\ud83d\\ude00\\u0000z\"}",
               QC_DIALECT_JSON);
    ck_assert_ptr_null(t.r.error);
    const qc_member *m = &t.r.items[0].value.u.obj.members[0];
    ck_assert_str_eq(m->key, "k\xc3\xa9");
    const qc_value *s = &m->value;
    ck_assert_uint_eq(qc_str_len(s), 11);
    ck_assert(!memcmp(s->u.str.s, "a\n\"\\/\xf0\x9f\x98\x80\0z", 11));
}

START_TEST(json_errors)
{
    const qc_dialect J = QC_DIALECT_JSON, ST = QC_DIALECT_STREAM;
    expect_syntax_error("", J, 1, 1, "syntax-unexpected");
    expect_syntax_error("{\"a\": 1,}", J, 1, 9, "syntax-unexpected");
    expect_syntax_error("[1 2]", J, 1, 4, "syntax-unexpected");
    expect_syntax_error("{} {}", J, 1, 4, "syntax-unexpected");
    expect_syntax_error("{\"a\": \"\xff\"}", J, 1, 8, "json-invalid-utf8");
    expect_syntax_error("{\"a\": \"\xc0\x80\"}", J, 1, 8, "json-invalid-utf8");
    expect_syntax_error("\"\\ud800\"", J, 1, 2, "json-string-surrogate");
    expect_syntax_error("\"\\udc00\"", J, 1, 2, "json-string-surrogate");
    expect_syntax_error("\"\\x\"", J, 1, 2, "json-string-escape");
    expect_syntax_error("\"a\nb\"", J, 1, 3, "json-string-control");
    expect_syntax_error("\"abc", J, 1, 1, "json-unterminated-string");
    expect_syntax_error("[01]", J, 1, 2, "json-stray");
    expect_syntax_error("[truex]", J, 1, 2, "json-stray");
    expect_syntax_error("{'a': 1}", J, 1, 2, "json-stray");
    expect_syntax_error("{}\n\n{\"a\" 1}", ST, 3, 6, "syntax-unexpected");
}

/* Values are 16 bytes: a string's length is kept only when it holds a
 * NUL, and a number is its text in the source, up to where the scanner
 * ended it. */
START_TEST(json_strings_and_numbers_in_place)
{
    struct run t;
    parse_text(&t, "[\"a\\u0000b\", \"\", \"xyz\", {\"k\\u0000\": 1}]",
               QC_DIALECT_JSON);
    ck_assert_ptr_null(t.r.error);
    const qc_value *a = &t.r.items[0].value;
    ck_assert_uint_eq(qc_arr_len(a), 4);
    ck_assert_uint_eq(qc_str_len(qc_arr_at(a, 0)), 3);
    ck_assert_int_eq(memcmp(qc_arr_at(a, 0)->u.str.s, "a\0b", 4), 0);
    ck_assert_uint_eq(qc_str_len(qc_arr_at(a, 1)), 0);
    ck_assert_uint_eq(qc_str_len(qc_arr_at(a, 2)), 3);
    ck_assert(!qc_value_equal(qc_arr_at(a, 0), qc_arr_at(a, 2), false));
    const qc_member *m = qc_obj_at(qc_arr_at(a, 3), 0);
    ck_assert_uint_eq(m->key_len, 2);
    ck_assert_uint_eq(qc_num_i(&m->value), 1);

    /* A number ends where the scanner ended it: "-5]" at the ']'. */
    parse_text(&t, "0 1.5e+3,-5]", QC_DIALECT_JSON);
    ck_assert_ptr_nonnull(t.r.error);
    parse_text(&t, "0\n1.5e+3 [-5]", QC_DIALECT_STREAM);
    ck_assert_ptr_null(t.r.error);
    ck_assert_uint_eq(t.r.nitems, 3);
    ck_assert_uint_eq(qc_num_len(&t.r.items[0].value), 1);
    ck_assert_uint_eq(qc_num_len(&t.r.items[1].value), 6);
    ck_assert_int_eq(t.r.items[1].value.kind, QC_VNUMBER);
    const qc_value *e = qc_arr_at(&t.r.items[2].value, 0);
    ck_assert_uint_eq(qc_num_len(e), 2);
    ck_assert_int_eq(qc_num_i(e), -5);
}
END_TEST

/* qc_interned of S, which it reads as it reads a source's text: with
 * sixteen bytes after it. */
static const char *interned(const char *s)
{
    static char text[64];
    qc_interned_init();
    memset(text, 0, sizeof text);
    memcpy(text, s, strlen(s));
    return qc_interned(text, strlen(s));
}

/* Keys of schemas and strings of JSON texts that the program has are
 * its strings, not copies, and read as the copies would; strings with
 * an escape or a NUL byte, and schema values, are copies.  Repeated keys
 * are found all the same, also in an object large enough to have its
 * keys hashed. */
START_TEST(interned_strings)
{
    struct run t;
    const char *data = interned("data");
    ck_assert_ptr_nonnull(data);
    ck_assert_str_eq(data, "data");
    ck_assert_ptr_null(interned("dat"));
    ck_assert_ptr_null(interned("datum"));
    ck_assert_ptr_null(interned("data-x"));
    ck_assert_str_eq(interned("command-returns-exceptions"),
                     "command-returns-exceptions");
    ck_assert_ptr_null(interned("command-returns-exceptionz"));

    parse_text(&t, "{ 'struct': 'S', 'data': { 'int': 'int' }, 'if' : 'x' }\n",
               QC_DIALECT_SCHEMA);
    ck_assert_ptr_null(t.r.error);
    const qc_value *v = &t.r.items[0].value;
    ck_assert_ptr_eq(qc_obj_at(v, 0)->key, interned("struct"));
    ck_assert_uint_eq(qc_obj_at(v, 0)->key_len, 6);
    ck_assert_str_eq(qc_obj_at(v, 0)->value.u.str.s, "S");
    ck_assert_ptr_eq(qc_obj_at(v, 1)->key, data);
    const qc_member *m = qc_obj_at(&qc_obj_at(v, 1)->value, 0);
    ck_assert_ptr_eq(m->key, interned("int"));
    ck_assert_ptr_ne(m->value.u.str.s, m->key);     /* a value: copied */
    ck_assert_str_eq(m->value.u.str.s, "int");
    ck_assert_str_eq(qc_obj_at(v, 2)->key, "if");   /* ' :': a copy */
    ck_assert_uint_eq(qc_source_column(t.src, qc_obj_at(v, 1)->key_off), 18);

    parse_text(&t, "{\"data\": \"return\", \"d\\u0061ta\": 1,"
               " \"data\\u0000\": \"id\", \"\": \"\"}", QC_DIALECT_JSON);
    ck_assert_ptr_null(t.r.error);
    v = &t.r.items[0].value;
    ck_assert_ptr_eq(qc_obj_at(v, 0)->key, data);
    ck_assert_ptr_eq(qc_obj_at(v, 0)->value.u.str.s, interned("return"));
    ck_assert(!qc_obj_at(v, 0)->value.len_before);
    ck_assert_ptr_ne(qc_obj_at(v, 1)->key, data);   /* an escape: a copy */
    ck_assert_str_eq(qc_obj_at(v, 1)->key, "data");
    ck_assert_uint_eq(qc_obj_at(v, 2)->key_len, 5); /* a NUL: a copy */
    ck_assert_ptr_ne(qc_obj_at(v, 2)->key, data);
    ck_assert_ptr_eq(qc_obj_at(v, 2)->value.u.str.s, interned("id"));
    ck_assert_str_eq(qc_obj_at(v, 3)->key, "");
    ck_assert_ptr_eq(qc_obj_get(v, "data"), &qc_obj_at(v, 0)->value);

    expect_syntax_error("{ 'data': 'b',\n  'data': 'c' }", QC_DIALECT_SCHEMA,
                        2, 11, "qapi-duplicate-key");
    char big[512] = "{ ";
    for (int i = 0; i < 20; i++)
        snprintf(big + strlen(big), sizeof big - strlen(big), "'k%d': 'v',\n", i);
    strcat(big, "  'data': 'a', 'base': 'b', 'data': 'c' }");
    expect_syntax_error(big, QC_DIALECT_SCHEMA, 21, 37, "qapi-duplicate-key");
}
END_TEST

START_TEST(stream_values)
{
    struct run t;
    parse_text(&t, "{\"a\": 1}\n\n[]\n  null true \"x\" -2.5e-3", QC_DIALECT_STREAM);
    ck_assert_ptr_null(t.r.error);
    ck_assert_uint_eq(t.r.nitems, 6);
    ck_assert_int_eq(t.r.items[2].value.kind, QC_VNULL);
    ck_assert_uint_eq(qc_source_line(t.src, qc_value_loc(&t.r.items[1].value).off), 3);
    ck_assert_str_eq(qc_num_strdup(qc_test_arena, &t.r.items[5].value), "-2.5e-3");
    parse_text(&t, "", QC_DIALECT_STREAM);
    ck_assert_ptr_null(t.r.error);
    ck_assert_uint_eq(t.r.nitems, 0);
}

START_TEST(deep_nesting_is_an_error)
{
    size_t n = 100000;
    char *text = malloc(2 * n + 1);
    memset(text, '[', n);
    memset(text + n, ']', n);
    text[2 * n] = '\0';
    expect_syntax_error(text, QC_DIALECT_JSON, 1, QC_MAX_DEPTH + 1, "syntax-too-deep");
    free(text);
}

Suite *qc_suite_parse(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, schema_values_and_locations);
    tcase_add_test(tc, schema_escape_and_doc_lines);
    tcase_add_test(tc, schema_tab_columns);
    tcase_add_test(tc, schema_syntax_errors);
    tcase_add_test(tc, schema_lexical_errors);
    tcase_add_test(tc, error_order_relative_to_items);
    tcase_add_test(tc, json_numbers_exact);
    tcase_add_test(tc, json_strings_and_numbers_in_place);
    tcase_add_test(tc, json_strings);
    tcase_add_test(tc, json_errors);
    tcase_add_test(tc, stream_values);
    tcase_add_test(tc, interned_strings);
    tcase_add_test(tc, deep_nesting_is_an_error);
    suite_add_tcase(s, tc);
    return s;
}
