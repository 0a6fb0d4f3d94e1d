/* Unit tests for src/dumps/validate.c and the schema view
 * (src/dumps/vschema.c): on a small introspected schema written inline,
 * and on small source schemas (exact widths, 'gen': false). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/diag.h"
#include "dumps/ischema.h"
#include "dumps/soundness.h"
#include "dumps/validate.h"
#include "dumps/vschema.h"
#include "helpers.h"

/* A schema in the shape of query-qmp-schema: names masked as numbers
 * except commands and builtins, a union whose branch is a union (like
 * MigrationAddress -> SocketAddress), an alternate, features. */
static const char schema_text[] =
    "["
    "{\"name\": \"str\", \"meta-type\": \"builtin\", \"json-type\": \"string\"},"
    "{\"name\": \"int\", \"meta-type\": \"builtin\", \"json-type\": \"int\"},"
    "{\"name\": \"number\", \"meta-type\": \"builtin\", \"json-type\": \"number\"},"
    "{\"name\": \"bool\", \"meta-type\": \"builtin\", \"json-type\": \"boolean\"},"
    "{\"name\": \"any\", \"meta-type\": \"builtin\", \"json-type\": \"value\"},"
    "{\"name\": \"0\", \"meta-type\": \"object\", \"members\": []},"
    "{\"name\": \"go\", \"meta-type\": \"command\", \"arg-type\": \"1\", \"ret-type\": \"0\"},"
    "{\"name\": \"old\", \"meta-type\": \"command\", \"arg-type\": \"0\", \"ret-type\": \"0\","
    " \"features\": [\"deprecated\"]},"
    "{\"name\": \"x-new\", \"meta-type\": \"command\", \"arg-type\": \"0\", \"ret-type\": \"0\","
    " \"features\": [\"unstable\"]},"
    "{\"name\": \"1\", \"meta-type\": \"object\", \"members\": ["
    "  {\"name\": \"name\", \"type\": \"str\"},"
    "  {\"name\": \"count\", \"type\": \"int\", \"default\": null},"
    "  {\"name\": \"ratio\", \"type\": \"number\", \"default\": null},"
    "  {\"name\": \"mode\", \"type\": \"2\", \"default\": null},"
    "  {\"name\": \"list\", \"type\": \"[3]\", \"default\": null},"
    "  {\"name\": \"alt\", \"type\": \"4\", \"default\": null},"
    "  {\"name\": \"blob\", \"type\": \"any\", \"default\": null},"
    "  {\"name\": \"legacy\", \"type\": \"bool\", \"default\": null, \"features\": [\"deprecated\"]}"
    "]},"
    "{\"name\": \"2\", \"meta-type\": \"enum\", \"members\": ["
    "  {\"name\": \"fast\"}, {\"name\": \"slow\", \"features\": [\"deprecated\"]}],"
    " \"values\": [\"fast\", \"slow\"]},"
    "{\"name\": \"[3]\", \"meta-type\": \"array\", \"element-type\": \"3\"},"
    /* 3: union on 'transport'; branch 'socket' is union 5 on 'type'. */
    "{\"name\": \"3\", \"meta-type\": \"object\", \"members\": ["
    "  {\"name\": \"transport\", \"type\": \"6\"}], \"tag\": \"transport\","
    " \"variants\": [{\"case\": \"socket\", \"type\": \"5\"}, {\"case\": \"exec\", \"type\": \"7\"}]},"
    "{\"name\": \"6\", \"meta-type\": \"enum\", \"values\": [\"socket\", \"exec\"]},"
    "{\"name\": \"5\", \"meta-type\": \"object\", \"members\": ["
    "  {\"name\": \"type\", \"type\": \"8\"}], \"tag\": \"type\","
    " \"variants\": [{\"case\": \"inet\", \"type\": \"9\"}, {\"case\": \"unix\", \"type\": \"10\"}]},"
    "{\"name\": \"8\", \"meta-type\": \"enum\", \"values\": [\"inet\", \"unix\"]},"
    "{\"name\": \"9\", \"meta-type\": \"object\", \"members\": ["
    "  {\"name\": \"host\", \"type\": \"str\"}, {\"name\": \"port\", \"type\": \"str\"}]},"
    "{\"name\": \"10\", \"meta-type\": \"object\", \"members\": ["
    "  {\"name\": \"path\", \"type\": \"str\"}]},"
    "{\"name\": \"7\", \"meta-type\": \"object\", \"members\": ["
    "  {\"name\": \"args\", \"type\": \"[str]\"}]},"
    "{\"name\": \"[str]\", \"meta-type\": \"array\", \"element-type\": \"str\"},"
    "{\"name\": \"4\", \"meta-type\": \"alternate\", \"members\": ["
    "  {\"type\": \"str\"}, {\"type\": \"9\"}]}"
    "]";

static const qc_vschema *schema;
static const qc_value *schema_array;

#define MAXP 16
static struct problems {
    size_t n;
    char path[MAXP][128];
    char code[MAXP][64];
    char msg[MAXP][256];
} got;

static void collect(void *ctx, const char *path, const qc_value *at,
                    const char *code, const char *message)
{
    struct problems *p = ctx;
    (void)at;
    if (p->n < MAXP) {
        snprintf(p->path[p->n], sizeof p->path[0], "%s", path);
        snprintf(p->code[p->n], sizeof p->code[0], "%s", code);
        snprintf(p->msg[p->n], sizeof p->msg[0], "%s", message);
    }
    p->n++;
}

static void setup(void)
{
    qc_test_setup();
    schema_array = qc_test_json1(schema_text);
    schema = qc_vschema_from_ischema(qc_test_arena,
                                     qc_ischema_new(qc_test_arena, schema_array),
                                     NULL);
    memset(&got, 0, sizeof got);
}

static size_t run(const char *cmd, bool allow_deprecated, bool allow_unstable)
{
    qc_validate_opts o = { .allow_deprecated = allow_deprecated,
                           .allow_unstable = allow_unstable };
    memset(&got, 0, sizeof got);
    size_t n = qc_validate_command(qc_test_arena, schema, qc_test_json1(cmd), &o, collect, &got);
    ck_assert_uint_eq(n, got.n);
    return n;
}

/* Exactly one problem, with this path and code. */
static void expect_one(const char *cmd, const char *path, const char *code)
{
    size_t n = run(cmd, false, false);
    ck_assert_msg(n == 1, "%s: expected 1 problem, got %zu (first: %s: %s)",
                  cmd, n, got.path[0], got.msg[0]);
    ck_assert_str_eq(got.path[0], path);
    ck_assert_str_eq(got.code[0], code);
}

START_TEST(schema_is_sound)
{
    ck_assert_uint_eq(qc_soundness_check(qc_test_arena, schema_array, NULL, qc_test_diag), 0);
}
END_TEST

START_TEST(valid_commands)
{
    ck_assert_uint_eq(run("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\"}}", false, false), 0);
    ck_assert_uint_eq(run("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\","
                          " \"count\": -3, \"ratio\": 1.5, \"mode\": \"fast\","
                          " \"blob\": [1, {\"x\": null}], \"alt\": \"s\"},"
                          " \"id\": \"libvirt-1\"}", false, false), 0);
    /* An integer is a fine number. */
    ck_assert_uint_eq(run("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"ratio\": 2}}", false, false), 0);
}
END_TEST

START_TEST(unknown_and_missing_members)
{
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"bogus\": 1}}",
               "arguments.bogus", "qmp-unknown-member");
    expect_one("{\"execute\": \"go\", \"arguments\": {\"count\": 1}}",
               "arguments.name", "qmp-missing-member");
    ck_assert_ptr_nonnull(strstr(got.msg[0], "'name'"));
    /* No arguments at all: the same as {}. */
    expect_one("{\"execute\": \"go\"}", "arguments.name", "qmp-missing-member");
    expect_one("{\"execute\": \"nope\"}", "execute", "qmp-unknown-command");
}
END_TEST

START_TEST(json_types)
{
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": 5}}",
               "arguments.name", "qmp-type-mismatch");
    ck_assert_str_eq(got.msg[0], "expected string, got number");
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"count\": 1.5}}",
               "arguments.count", "qmp-type-mismatch");
    ck_assert_ptr_nonnull(strstr(got.msg[0], "expected integer"));
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"count\": \"1\"}}",
               "arguments.count", "qmp-type-mismatch");
    /* The dispatcher's own check, before the command's. */
    expect_one("{\"execute\": \"go\", \"arguments\": []}", "arguments",
               "qmp-bad-command");
}
END_TEST

START_TEST(enums)
{
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"mode\": \"medium\"}}",
               "arguments.mode", "qmp-bad-enum-value");
    ck_assert_ptr_nonnull(strstr(got.msg[0], "'fast'"));
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"mode\": 1}}",
               "arguments.mode", "qmp-type-mismatch");
}
END_TEST

START_TEST(nested_unions)
{
    /* socket -> inet: members of both union levels are known. */
    ck_assert_uint_eq(run("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"list\": ["
                          "{\"transport\": \"socket\", \"type\": \"inet\", \"host\": \"h\", \"port\": \"1\"},"
                          "{\"transport\": \"socket\", \"type\": \"unix\", \"path\": \"/p\"},"
                          "{\"transport\": \"exec\", \"args\": [\"a\", \"b\"]}]}}",
                          false, false), 0);
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"list\": ["
               "{\"transport\": \"socket\", \"type\": \"inet\", \"host\": \"h\", \"port\": 1}]}}",
               "arguments.list[0].port", "qmp-type-mismatch");
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"list\": [{}]}}",
               "arguments.list[0].transport", "qmp-missing-member");
    ck_assert_uint_eq(run("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"list\": ["
                          "{\"transport\": \"socket\", \"type\": \"unix\", \"host\": \"h\", \"path\": \"/p\"}]}}",
                          false, false), 1);
    ck_assert_str_eq(got.path[0], "arguments.list[0].host");
    ck_assert_str_eq(got.code[0], "qmp-unknown-member");
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"list\": ["
               "{\"transport\": \"socket\", \"type\": \"tcp\"}]}}",
               "arguments.list[0].type", "qmp-bad-enum-value");
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"list\": {}}}",
               "arguments.list", "qmp-type-mismatch");
}
END_TEST

START_TEST(alternates)
{
    ck_assert_uint_eq(run("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\","
                          " \"alt\": {\"host\": \"h\", \"port\": \"p\"}}}", false, false), 0);
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"alt\": 3}}",
               "arguments.alt", "qmp-type-mismatch");
    ck_assert_ptr_nonnull(strstr(got.msg[0], "string, object"));
    /* The object branch is chosen by JSON type, then checked. */
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"alt\": {\"host\": \"h\"}}}",
               "arguments.alt.port", "qmp-missing-member");
}
END_TEST

START_TEST(feature_policy)
{
    expect_one("{\"execute\": \"old\"}", "execute", "qmp-deprecated");
    expect_one("{\"execute\": \"x-new\"}", "execute", "qmp-unstable");
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"legacy\": true}}",
               "arguments.legacy", "qmp-deprecated");
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"mode\": \"slow\"}}",
               "arguments.mode", "qmp-deprecated");
    ck_assert_uint_eq(run("{\"execute\": \"old\"}", true, false), 0);
    ck_assert_uint_eq(run("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"mode\": \"slow\", \"legacy\": false}}",
                          true, false), 0);
    ck_assert_uint_eq(run("{\"execute\": \"x-new\"}", true, false), 1);
    ck_assert_uint_eq(run("{\"execute\": \"x-new\"}", false, true), 0);
}
END_TEST

START_TEST(validate_value_path)
{
    qc_validate_opts o = { 0 };
    size_t n = qc_validate_value(qc_test_arena, schema, "[3]",
                                 qc_test_json1("[{\"transport\": \"exec\", \"args\": [1]}]"),
                                 "return", &o, collect, &got);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(got.path[0], "return[0].args[0]");
    n = qc_validate_value(qc_test_arena, schema, "no-such-type", qc_test_json1("1"), "", &o,
                          collect, &got);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(got.code[1], "qmp-schema-broken");
}
END_TEST

START_TEST(odd_commands)
{
    expect_one("[1]", "", "qmp-bad-command");
    expect_one("{\"arguments\": {}}", "execute", "qmp-bad-command");
    expect_one("{\"execute\": 1}", "execute", "qmp-bad-command");
    expect_one("{\"execute\": \"go\", \"arguments\": {\"name\": \"a\", \"name\": \"b\"}}",
               "arguments.name", "qmp-duplicate-member");
}
END_TEST

START_TEST(policy_hints)
{
    /* The caller says how to allow a feature; the validator names no
     * option of its own. */
    qc_validate_opts o = { 0 };
    qc_validate_command(qc_test_arena, schema, qc_test_json1("{\"execute\": \"old\"}"),
                        &o, collect, &got);
    ck_assert_uint_eq(got.n, 1);
    ck_assert_str_eq(got.msg[0], "command 'old' is deprecated");
    o.deprecated_hint = "allow it so";
    memset(&got, 0, sizeof got);
    qc_validate_command(qc_test_arena, schema, qc_test_json1("{\"execute\": \"old\"}"),
                        &o, collect, &got);
    ck_assert_str_eq(got.msg[0], "command 'old' is deprecated (allow it so)");
    o.unstable_hint = "or so";
    memset(&got, 0, sizeof got);
    qc_validate_command(qc_test_arena, schema, qc_test_json1("{\"execute\": \"x-new\"}"),
                        &o, collect, &got);
    ck_assert_str_eq(got.msg[0], "command 'x-new' is unstable (or so)");
}
END_TEST

Suite *qc_suite_validate(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("validate");
    tcase_add_checked_fixture(tc, setup, qc_test_teardown);
    tcase_add_test(tc, schema_is_sound);
    tcase_add_test(tc, valid_commands);
    tcase_add_test(tc, unknown_and_missing_members);
    tcase_add_test(tc, json_types);
    tcase_add_test(tc, enums);
    tcase_add_test(tc, nested_unions);
    tcase_add_test(tc, alternates);
    tcase_add_test(tc, feature_policy);
    tcase_add_test(tc, validate_value_path);
    tcase_add_test(tc, odd_commands);
    tcase_add_test(tc, policy_hints);
    suite_add_tcase(s, tc);
    return s;
}
