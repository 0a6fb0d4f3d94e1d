/* Unit tests for the schema model: implicit types and definition order,
 * modules, c_name clashes, alternate conflicts, unions, conditions
 * (printing and evaluation), going on after errors without cascades. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "schema/dump.h"
#include "schema/expr.h"
#include "schema/schema.h"

static size_t index_of(const qc_schema *s, const char *name)
{
    const qc_entity *e = qc_schema_lookup(s, name);
    ck_assert_msg(e != NULL, "no entity %s", name);
    return e->index;
}

START_TEST(test_predefined_order)
{
    qc_schema *bs = qc_test_schema("{ 'struct': 'Foo', 'data': { 'a': 'int' } }\n");
    ck_assert_ptr_nonnull(bs);
    qc_schema *s = bs;
    /* builtins, each followed by its array; then q_empty and QType */
    ck_assert_str_eq(s->entities[0]->name, "str");
    ck_assert_str_eq(s->entities[1]->name, "strList");
    ck_assert_int_eq(s->entities[1]->kind, QC_ENT_ARRAY);
    ck_assert_str_eq(s->entities[30]->name, "q_empty");
    ck_assert_str_eq(s->entities[31]->name, "QType");
    ck_assert_str_eq(s->entities[32]->name, "Foo");
    ck_assert_uint_eq(s->n_modules, 2);
    ck_assert_str_eq(s->modules[0]->name, "./builtin");
    ck_assert_str_eq(s->modules[1]->name, "t.json");
    ck_assert_uint_eq(s->modules[1]->n, 1);
    ck_assert_str_eq(qc_entity_json_type(qc_schema_lookup_type(s, "int")),
                     "int");
    ck_assert_ptr_null(qc_schema_lookup_type(s, "nope"));
}
END_TEST

START_TEST(test_implicit_types)
{
    qc_schema *bs = qc_test_schema(
        "{ 'enum': 'Enm', 'data': [ 'a', 'b', 'c' ] }\n"
          "{ 'struct': 'Str', 'data': { 'x': 'int' } }\n"
          "{ 'union': 'Uni', 'base': { 'kind': 'Enm', '*opt': 'str' },\n"
          "  'discriminator': 'kind', 'data': { 'a': 'Str' } }\n"
          "{ 'command': 'cmd', 'data': { 'l': [ 'Str' ], '*un': 'Uni' },\n"
          "  'returns': [ 'Str' ] }\n"
          "{ 'event': 'EV', 'data': { 'n': 'int' } }\n"
          "{ 'command': 'noargs', 'data': {} }\n");
    ck_assert_ptr_nonnull(bs);
    qc_schema *s = bs;
    /* implicit types come right before their owner; arrays first */
    ck_assert_uint_eq(index_of(s, "q_obj_Uni-base") + 1, index_of(s, "Uni"));
    ck_assert_uint_eq(index_of(s, "StrList") + 1, index_of(s, "q_obj_cmd-arg"));
    ck_assert_uint_eq(index_of(s, "q_obj_cmd-arg") + 1, index_of(s, "cmd"));
    ck_assert_uint_eq(index_of(s, "q_obj_EV-arg") + 1, index_of(s, "EV"));
    ck_assert_ptr_null(qc_schema_lookup(s, "q_obj_noargs-arg"));

    qc_entity *u = qc_schema_lookup(s, "Uni");
    ck_assert(u->kind == QC_ENT_OBJECT && u->variants);
    ck_assert_str_eq(qc_entity_meta(u), "union");
    ck_assert_uint_eq(u->nmembers, 2);          /* flat: base members */
    ck_assert_str_eq(u->members[1]->name, "opt");
    ck_assert(u->members[1]->optional);
    ck_assert_str_eq(u->variants->tag_member->name, "kind");
    /* enum values without a branch get q_empty, in enum order */
    ck_assert_uint_eq(u->variants->n, 3);
    ck_assert_str_eq(u->variants->variants[1]->name, "b");
    ck_assert_str_eq(u->variants->variants[1]->type->name, "q_empty");
    ck_assert(qc_entity_is_implicit(u->base));

    qc_entity *cmd = qc_schema_lookup(s, "cmd");
    ck_assert_str_eq(cmd->arg_type->name, "q_obj_cmd-arg");
    ck_assert_int_eq(cmd->ret_type->kind, QC_ENT_ARRAY);
    ck_assert_str_eq(cmd->ret_type->element_type->name, "Str");
    ck_assert(cmd->gen && cmd->success_response && !cmd->boxed);
    ck_assert_ptr_null(qc_schema_lookup(s, "noargs")->arg_type);
}
END_TEST

START_TEST(test_dump)
{
    qc_schema *bs = qc_test_schema(
        "{ 'enum': 'Enm', 'data': [ { 'name': 'a', 'if': 'HAVE_A' } ],\n"
          "  'features': [ 'f1' ] }\n"
          "{ 'command': 'c', 'data': { 'e': 'Enm' }, 'allow-oob': true }\n");
    ck_assert_ptr_nonnull(bs);
    qc_buf out = QC_BUF_INIT;
    qc_dump_testqapi(&out, bs);
    ck_assert_ptr_nonnull(strstr(out.data,
        "module t.json\nenum Enm\n    member a\n        if HAVE_A\n"
        "    feature f1\nobject q_obj_c-arg\n"
        "    member e: Enm optional=False\n"
        "command c q_obj_c-arg -> None\n"
        "    gen=True success_response=True boxed=False oob=True "
        "preconfig=False\n"));
    qc_buf_free(&out);
    qc_dump_summary(&out, bs);
    ck_assert_ptr_nonnull(strstr(out.data, "c(e: Enm)"));
    qc_buf_free(&out);
    ck_assert_uint_eq(bs->n_feature_names, 3);
    ck_assert_str_eq(bs->feature_names[2], "f1");
}
END_TEST

START_TEST(test_modules)
{
    qc_test_write_file("sub.json", "{ 'struct': 'Sub', 'data': { 'a': 'int' } }\n");
    qc_schema *bs = qc_test_schema(
        "{ 'include': 'sub.json' }\n"
        "{ 'struct': 'Top', 'data': { 'l': [ 'Sub' ] } }\n");
    ck_assert_ptr_nonnull(bs);
    ck_assert_uint_eq(bs->n_modules, 3);
    ck_assert_str_eq(bs->modules[2]->name, "sub.json");
    /* arrays live in the module of their element type */
    const qc_smodule *sub = bs->modules[2];
    const qc_entity *sub_list = qc_schema_lookup(bs, "SubList");
    bool found = false;
    for (size_t i = 0; i < sub->n; i++)
        found |= sub->entities[i] == sub_list;
    ck_assert(found);
    ck_assert_int_eq(bs->modules[1]->entities[0]->kind, QC_ENT_INCLUDE);
}
END_TEST

START_TEST(test_schema_errors)
{
    qc_test_expect_error(
        "{ 'struct': 'Foo', 'data': { 'a': 'Nope' } }\n",
        "qapi-unknown-type", 1);
    qc_test_expect_error(
        "{ 'struct': 'Foo', 'data': {} }\n"
        "{ 'enum': 'Foo', 'data': [] }\n",
        "qapi-duplicate-definition", 2);
    qc_test_expect_error(
        "{ 'enum': 'QType', 'data': [] }\n",
        "qapi-duplicate-definition", 1);
    /* c_name clashes: 'a-b' and 'a_b' */
    qc_test_expect_error(
        "{ 'struct': 'Foo', 'data': { 'a-b': 'int', 'a_b': 'str' } }\n",
        "qapi-name-case", 1);
    qc_test_expect_error(
        "{ 'struct': 'Base', 'data': { 'a-b': 'int' } }\n"
        "{ 'struct': 'Foo', 'base': 'Base', 'data': { 'a-b': 'int' } }\n",
        "qapi-member-clash", 2);
    qc_test_expect_error(
        "{ 'enum': 'Enm', 'data': [ 'x-y', 'x_y' ] }\n",
        "qapi-name-case", 1);
    qc_test_expect_error(
        "{ 'pragma': { 'member-name-exceptions': [ 'Enm' ] } }\n"
        "{ 'enum': 'Enm', 'data': [ 'x-y', 'x_y' ] }\n",
        "qapi-member-clash", 2);
    qc_test_expect_error(
        "{ 'struct': 'Aaa', 'base': 'Bbb', 'data': {} }\n"
        "{ 'struct': 'Bbb', 'base': 'Aaa', 'data': {} }\n",
        "qapi-object-contains-itself", 1);
    qc_test_expect_error(
        "{ 'command': 'c', 'data': 'int' }\n",
        "qapi-bad-data-type", 1);
    qc_test_expect_error(
        "{ 'command': 'c', 'returns': 'int' }\n",
        "qapi-bad-returns", 1);
    qc_test_expect_error(
        "{ 'struct': 'Str', 'data': {}, 'features': [ 'deprecated' ] }\n",
        "qapi-special-feature-on-type", 1);
    qc_test_expect_error(
        "{ 'command': 'c', 'features': [ '__org.x_foo', '__org-x_foo' ] }\n",
        "qapi-feature-clash", 1);
}
END_TEST

START_TEST(test_alternate_conflicts)
{
    static const char *const bad[] = {
        "{ 'alternate': 'Alt', 'data': { 'a': 'str', 'b': 'int' } }\n",
        "{ 'alternate': 'Alt', 'data': { 'a': 'str', 'b': 'bool' } }\n",
        "{ 'alternate': 'Alt', 'data': { 'a': ['int'], 'b': ['str'] } }\n",
        "{ 'enum': 'Enm', 'data': [ 'on', 'x' ] }\n"
        "{ 'alternate': 'Alt', 'data': { 'a': 'Enm', 'b': 'bool' } }\n",
        "{ 'enum': 'Enm', 'data': [ '1' ] }\n"
        "{ 'alternate': 'Alt', 'data': { 'a': 'Enm', 'b': 'number' } }\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        qc_test_reset_diag();
        ck_assert_ptr_null(qc_test_schema(bad[i]));
        ck_assert_str_eq(qc_test_first_code(), "qapi-alternate-conflict");
    }
    qc_schema *bs = qc_test_schema(
        "{ 'enum': 'Enm', 'data': [ 'x' ] }\n"
        "{ 'struct': 'Str', 'data': {} }\n"
        "{ 'alternate': 'Alt', 'data': { 'e': 'Enm', 'b': 'bool',"
        " 'n': 'number', 's': 'Str', 'l': ['int'], 'z': 'null' } }\n");
    ck_assert_ptr_nonnull(bs);
    qc_entity *a = qc_schema_lookup(bs, "Alt");
    ck_assert_str_eq(qc_entity_json_type(a), "value");
    ck_assert_str_eq(a->variants->tag_member->type->name, "QType");
    qc_test_expect_error(
        "{ 'alternate': 'Alt', 'data': { 'a': 'any' } }\n",
        "qapi-alternate-bad-type", 1);
}
END_TEST

START_TEST(test_union_errors)
{
    const char *pre = "{ 'enum': 'Enm', 'data': [ 'a', 'b' ] }\n"
                      "{ 'struct': 'Str', 'data': {} }\n";
    char text[1024];
    snprintf(text, sizeof text, "%s{ 'union': 'Uni', 'base': { 'k': 'Enm' },"
             " 'discriminator': 'x', 'data': {} }\n", pre);
    qc_test_expect_error(text, "qapi-bad-discriminator", 3);
    snprintf(text, sizeof text, "%s{ 'union': 'Uni', 'base': { '*k': 'Enm' },"
             " 'discriminator': 'k', 'data': {} }\n", pre);
    qc_test_expect_error(text, "qapi-bad-discriminator", 3);
    snprintf(text, sizeof text, "%s{ 'union': 'Uni', 'base': { 'k': 'Enm' },"
             " 'discriminator': 'k', 'data': { 'c': 'Str' } }\n", pre);
    qc_test_expect_error(text, "qapi-bad-branch", 3);
    snprintf(text, sizeof text, "%s{ 'union': 'Uni', 'base': { 'k': 'Enm' },"
             " 'discriminator': 'k', 'data': { 'a': 'int' } }\n", pre);
    qc_test_expect_error(text, "qapi-bad-branch-type", 3);
    snprintf(text, sizeof text, "{ 'enum': 'Enm', 'data': [] }\n"
             "{ 'union': 'Uni', 'base': { 'k': 'Enm' },"
             " 'discriminator': 'k', 'data': {} }\n");
    qc_test_expect_error(text, "qapi-union-empty", 2);
    snprintf(text, sizeof text, "%s{ 'union': 'Uni', 'base': { 'k': 'Enm' },"
             " 'discriminator': 'k', 'data': { 'a': 'Str' } }\n"
             "{ 'command': 'c', 'data': 'Uni' }\n", pre);
    qc_test_expect_error(text, "qapi-union-data-unboxed", 4);
}
END_TEST

static bool defined_in_list(void *ctx, const char *sym)
{
    for (const char *const *p = ctx; *p; p++)
        if (strcmp(*p, sym) == 0)
            return true;
    return false;
}

START_TEST(test_conditions)
{
    qc_schema *bs = qc_test_schema(
        "{ 'struct': 'Str', 'data': {},\n"
        "  'if': { 'all': [ 'A', { 'not': { 'any': [ 'B', 'C' ] } } ] } }\n"
        "{ 'struct': 'Tst', 'data': {}, 'if': 'A' }\n"
        "{ 'struct': 'Vst', 'data': {}, 'if': { 'not': 'A' } }\n");
    ck_assert_ptr_nonnull(bs);
    const qc_cond *c = qc_entity_cond(qc_schema_lookup(bs, "Str"));
    qc_buf out = QC_BUF_INIT;
    qc_cond_repr(&out, c);
    ck_assert_str_eq(out.data, "{'all': ['A', {'not': {'any': ['B', 'C']}}]}");
    qc_buf_reset(&out);
    qc_cond_repr(&out, qc_entity_cond(qc_schema_lookup(bs, "Tst")));
    ck_assert_str_eq(out.data, "A");
    qc_buf_free(&out);

    const char *syms_a[] = { "A", NULL };
    const char *syms_ab[] = { "A", "B", NULL };
    const char *none[] = { NULL };
    ck_assert(qc_cond_eval(c, defined_in_list, syms_a));
    ck_assert(!qc_cond_eval(c, defined_in_list, syms_ab));
    ck_assert(!qc_cond_eval(c, defined_in_list, none));
    ck_assert(qc_cond_eval(NULL, defined_in_list, none));
    ck_assert(qc_cond_eval(qc_entity_cond(qc_schema_lookup(bs, "Vst")),
                           defined_in_list, none));
}
END_TEST

/* Checks that TEXT fails with exactly the errors CODES (NULL-terminated)
 * on LINES, in report order: the first is the one QEMU reports. */
static void expect_errors(const char *text, const char *const *codes,
                          const unsigned *lines)
{
    qc_test_reset_diag();
    qc_schema *bs = qc_test_schema(text);
    ck_assert_ptr_null(bs);
    size_t n = 0;
    for (; codes[n]; n++) {
        const qc_diagnostic *dg = qc_diag_get(qc_test_diag, n);
        ck_assert_msg(dg != NULL, "error %zu (%s) missing", n, codes[n]);
        ck_assert_msg(strcmp(qc_diagnostic_code(dg), codes[n]) == 0,
                      "error %zu: got %s: %s", n, qc_diagnostic_code(dg),
                      qc_diagnostic_message(dg));
        ck_assert_uint_eq(qc_diagnostic_line(dg), lines[n]);
    }
    const qc_diagnostic *extra = qc_diag_get(qc_test_diag, n);
    ck_assert_msg(extra == NULL, "unexpected error: %s: %s (line %u)",
                  extra ? qc_diagnostic_code(extra) : "",
                  extra ? qc_diagnostic_message(extra) : "",
                  extra ? qc_diagnostic_line(extra) : 0);
    ck_assert_uint_eq(qc_diag_error_count(qc_test_diag), n);
}

#define ERRS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define LINES(...) ((const unsigned[]){ __VA_ARGS__ })

START_TEST(test_schema_continues)
{
    /* two duplicates: both reported, the others still defined and checked */
    expect_errors("{ 'struct': 'Foo', 'data': {} }\n"
                  "{ 'enum': 'Foo', 'data': [] }\n"
                  "{ 'struct': 'Bar', 'data': {} }\n"
                  "{ 'struct': 'Bar', 'data': { 'x': 'int' } }\n"
                  "{ 'struct': 'Baz', 'data': { 'y': 'Nope' } }\n",
                  ERRS("qapi-duplicate-definition",
                       "qapi-duplicate-definition", "qapi-unknown-type"),
                  LINES(2, 4, 5));
    /* an unknown type in one struct, a clash in another */
    expect_errors("{ 'struct': 'Foo', 'data': { 'a': 'Nope' } }\n"
                  "{ 'struct': 'Base', 'data': { 'a-b': 'int' } }\n"
                  "{ 'struct': 'Bar', 'base': 'Base', 'data': { 'a-b': 'int' } }\n"
                  "{ 'command': 'cmd', 'returns': 'int' }\n",
                  ERRS("qapi-unknown-type", "qapi-member-clash",
                       "qapi-bad-returns"),
                  LINES(1, 3, 4));
    /* an expression error, then a model error in another definition */
    expect_errors("{ 'struct': 'Foo', 'data': { 'a': 'Nope' } }\n"
                  "{ 'struct': 'bar', 'data': {} }\n"
                  "{ 'alternate': 'Alt', 'data': { 'a': 'int', 'b': 'int8' } }\n",
                  ERRS("qapi-name-case", "qapi-unknown-type",
                       "qapi-alternate-conflict"),
                  LINES(2, 1, 3));
    /* a failed object is not "being checked": no bogus "contains itself"
     * when it is met again, and nothing reported twice */
    expect_errors("{ 'struct': 'Aaa', 'base': 'Bbb', 'data': {} }\n"
                  "{ 'struct': 'Bbb', 'base': 'Aaa', 'data': {} }\n"
                  "{ 'struct': 'Ccc', 'base': 'Bbb', 'data': {} }\n"
                  "{ 'struct': 'Ddd', 'data': { 'x': 'Nope' } }\n",
                  ERRS("qapi-object-contains-itself", "qapi-unknown-type"),
                  LINES(1, 4));
}
END_TEST

START_TEST(test_schema_no_cascade)
{
    /* a struct whose base failed, and everything using either */
    expect_errors("{ 'struct': 'Base', 'data': { 'a': 'Nope' } }\n"
                  "{ 'struct': 'Foo', 'base': 'Base', 'data': { 'a': 'int' } }\n"
                  "{ 'command': 'cmd', 'data': 'Foo', 'returns': ['Foo'] }\n"
                  "{ 'alternate': 'Alt', 'data': { 'f': 'Foo', 'b': 'Base' } }\n"
                  "{ 'enum': 'Kind', 'data': [ 'one' ] }\n"
                  "{ 'union': 'Uni', 'base': 'Foo', 'discriminator': 'a',\n"
                  "  'data': { 'one': 'Base' } }\n",
                  ERRS("qapi-unknown-type"), LINES(1));
    /* the base failed after its user was checked: no member clash with
     * half-computed members */
    expect_errors("{ 'struct': 'Foo', 'base': 'Base', 'data': { 'b': 'int' } }\n"
                  "{ 'struct': 'Base', 'data': { 'a': 'int', 'c': 'Nope' } }\n",
                  ERRS("qapi-unknown-type"), LINES(2));
    /* a command whose argument type was rejected by the expression
     * checks: no "unknown type", neither for it nor for an array of it */
    expect_errors("{ 'struct': 'Args', 'data': { 'a': 'int' }, 'bogus': 'x' }\n"
                  "{ 'command': 'cmd', 'data': 'Args', 'returns': ['Args'] }\n"
                  "{ 'event': 'EVT', 'data': 'Args' }\n",
                  ERRS("qapi-unknown-key"), LINES(1));
    /* a branch type whose check failed */
    expect_errors("{ 'enum': 'Kind', 'data': [ 'one' ] }\n"
                  "{ 'struct': 'Br', 'data': { 'x': 'Nope' } }\n"
                  "{ 'union': 'Uni', 'base': { 'k': 'Kind' },\n"
                  "  'discriminator': 'k', 'data': { 'one': 'Br' } }\n",
                  ERRS("qapi-unknown-type"), LINES(2));
    /* a duplicate: which definition a reference means is unclear */
    expect_errors("{ 'enum': 'Foo', 'data': [ 'x' ] }\n"
                  "{ 'struct': 'Foo', 'data': { 'a': 'int' } }\n"
                  "{ 'struct': 'Bar', 'base': 'Foo', 'data': {} }\n"
                  "{ 'command': 'cmd', 'data': 'Foo' }\n",
                  ERRS("qapi-duplicate-definition"), LINES(2));
    /* a definition renamed by its doc comment's mismatch is rejected
     * under both names */
    expect_errors("##\n"
                  "# @Foo:\n"
                  "##\n"
                  "{ 'struct': 'Fooo', 'data': {} }\n"
                  "{ 'struct': 'Bar', 'data': { 'a': 'Foo', 'b': 'Fooo' } }\n",
                  ERRS("qapi-doc-wrong-symbol"), LINES(4));
}
END_TEST

START_TEST(test_schema_no_cascade_from_unknown)
{
    /* an expression with no definition key may have been anything (a
     * misspelt include or pragma): unknown names are not reported */
    expect_errors("{ 'strcut': 'Foo', 'data': {} }\n"
                  "{ 'struct': 'Bar', 'data': { 'a': 'Foo' } }\n"
                  "{ 'command': 'cmd', 'returns': 'int' }\n",
                  ERRS("qapi-expr-kind"), LINES(1));
    /* ... and it may have been a pragma listing exceptions */
    expect_errors("{ 'pragmas': { 'documentation-exceptions': [ 'Foo' ],\n"
                  "               'command-returns-exceptions': [ 'cmd' ] } }\n"
                  "##\n"
                  "# @Foo:\n"
                  "#\n"
                  "# @a: an a\n"
                  "##\n"
                  "{ 'struct': 'Foo', 'data': { 'a': 'int', 'b': 'int' } }\n"
                  "##\n"
                  "# @cmd:\n"
                  "#\n"
                  "# Returns: an int\n"
                  "##\n"
                  "{ 'command': 'cmd', 'returns': 'int' }\n",
                  ERRS("qapi-expr-kind"), LINES(1));
    /* the doc of a failed definition is neither connected nor checked */
    expect_errors("##\n"
                  "# @Foo:\n"
                  "#\n"
                  "# @a: an a\n"
                  "#\n"
                  "# @nope: not a member\n"
                  "##\n"
                  "{ 'struct': 'Foo', 'data': { 'a': 'Nope', 'b': 'int' } }\n"
                  "##\n"
                  "# @Bar:\n"
                  "#\n"
                  "# @zzz: not a member either\n"
                  "##\n"
                  "{ 'struct': 'Bar', 'data': {} }\n",
                  ERRS("qapi-unknown-type", "qapi-doc-unknown-member"),
                  LINES(8, 12));
}
END_TEST

/* Offset of NEEDLE in TEXT, or -1. */
static long pos_of(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    return p ? (long)(p - text) : -1;
}

START_TEST(test_schema_errors_sorted)
{
    /* reported: the expression error (QEMU's), the type error, then the
     * doc error; printed: the first, then the others by location */
    qc_schema *bs = qc_test_schema(
        "##\n"
        "# @Foo:\n"
        "#\n"
        "# @nope: not a member\n"
        "##\n"
        "{ 'struct': 'Foo', 'data': {} }\n"
        "{ 'struct': 'Bar', 'data': { 'a': 'Nope' } }\n"
        "{ 'struct': 'bad', 'data': {} }\n");
    ck_assert_ptr_null(bs);
    ck_assert_uint_eq(qc_diag_error_count(qc_test_diag), 3);
    ck_assert_uint_eq(qc_diagnostic_line(qc_diag_get(qc_test_diag, 0)), 8);
    ck_assert_uint_eq(qc_diagnostic_line(qc_diag_get(qc_test_diag, 1)), 7);
    ck_assert_uint_eq(qc_diagnostic_line(qc_diag_get(qc_test_diag, 2)), 4);
    qc_diag_set_format(qc_test_diag, QC_DIAG_QEMU);
    char *out = qc_test_flushed(qc_test_diag);
    long l8 = pos_of(out, "t.json:8:");
    long l4 = pos_of(out, "t.json:4:");
    long l7 = pos_of(out, "t.json:7:");
    bool ordered = l8 >= 0 && l8 < l4 && l4 < l7;
    if (!ordered)
        fprintf(stderr, "%s", out);
    free(out);
    ck_assert_msg(ordered, "diagnostics not in the expected order");
}
END_TEST

START_TEST(test_schema_error_limit)
{
    /* the model stops once the limit is reached */
    qc_diag_set_max_errors(qc_test_diag, 2);
    ck_assert_ptr_null(qc_test_schema(
        "{ 'struct': 'Aaa', 'data': { 'a': 'Nope1' } }\n"
        "{ 'struct': 'Bbb', 'data': { 'a': 'Nope2' } }\n"
        "{ 'struct': 'Ccc', 'data': { 'a': 'Nope3' } }\n"));
    ck_assert_uint_eq(qc_diag_error_count(qc_test_diag), 2);
    ck_assert_ptr_null(qc_diag_get(qc_test_diag, 2));
}
END_TEST

Suite *qc_suite_schema(void)
{
    Suite *s = suite_create("schema");
    TCase *tc = tcase_create("schema");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, test_predefined_order);
    tcase_add_test(tc, test_implicit_types);
    tcase_add_test(tc, test_dump);
    tcase_add_test(tc, test_modules);
    tcase_add_test(tc, test_schema_errors);
    tcase_add_test(tc, test_alternate_conflicts);
    tcase_add_test(tc, test_union_errors);
    tcase_add_test(tc, test_conditions);
    tcase_add_test(tc, test_schema_continues);
    tcase_add_test(tc, test_schema_no_cascade);
    tcase_add_test(tc, test_schema_no_cascade_from_unknown);
    tcase_add_test(tc, test_schema_errors_sorted);
    tcase_add_test(tc, test_schema_error_limit);
    suite_add_tcase(s, tc);
    return s;
}
