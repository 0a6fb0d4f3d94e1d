/* Unit tests for src/rules.c (rule files) and src/compat.c (evaluation
 * against a small in-memory schema, and recorded calls). */
#include <check.h>
#include <string.h>

#include "base/arena.h"
#include "compat/compat.h"
#include "base/diag.h"
#include "dumps/ischema.h"
#include "syntax/parse.h"
#include "compat/rules.h"

/* --- malformed rule files: each gives one located error ------------------ */

typedef struct bad_case {
    const char *name;
    const char *yaml;
    const char *code;       /* the first error's code */
    unsigned line, col;     /* its location */
} bad_case;

static const bad_case bad_cases[] = {
    { "yaml syntax", "rules:\n  - id: [unclosed\n", "rules-yaml-syntax", 3, 1 },
    { "tab indentation", "rules:\n\t- id: x\n", "rules-yaml-syntax", 2, 1 },
    { "empty file", "", "rules-empty", 1, 1 },
    { "top not a mapping", "- id: x\n", "rules-wrong-type", 1, 1 },
    { "unknown top key", "client: me\nrulez: []\n", "rules-unknown-key", 2, 1 },
    { "no rules key", "client: me\n", "rules-missing-key", 1, 1 },
    { "rules not a list", "rules: 5\n", "rules-wrong-type", 1, 8 },
    { "rule not a mapping", "rules:\n  - just-text\n", "rules-wrong-type", 2, 5 },
    { "unknown rule key",
      "rules:\n  - id: a\n    command: migrate\n    argumentz: [uri]\n",
      "rules-unknown-key", 4, 5 },
    { "missing id", "rules:\n  - command: migrate\n", "rules-missing-key", 2, 5 },
    { "nothing to check", "rules:\n  - id: a\n", "rules-missing-key", 2, 5 },
    { "id not a string", "rules:\n  - id: [a]\n    command: x\n", "rules-wrong-type", 2, 9 },
    { "null command", "rules:\n  - id: a\n    command:\n", "rules-wrong-type", 3, 13 },
    { "malformed query", "rules:\n  - id: a\n    query: migrate//uri\n",
      "rules-bad-query", 3, 12 },
    { "malformed query in list",
      "rules:\n  - id: a\n    query:\n      - migrate\n      - '$x/y'\n",
      "rules-bad-query", 5, 9 },
    { "query not a string", "rules:\n  - id: a\n    query: {a: b}\n",
      "rules-wrong-type", 3, 12 },
    { "duplicate id",
      "rules:\n  - id: a\n    command: x\n  - id: a\n    command: y\n",
      "rules-duplicate-id", 4, 9 },
    { "duplicate key", "rules:\n  - id: a\n    command: x\n    command: y\n",
      "rules-duplicate-key", 4, 5 },
    { "bad version", "rules:\n  - id: a\n    command: x\n    min-version: 9.x\n",
      "rules-bad-version", 4, 18 },
    { "versions reversed",
      "rules:\n  - id: a\n    command: x\n    min-version: '9.1'\n    max-version: '8.2'\n",
      "rules-bad-version", 5, 18 },
    { "bad json type",
      "rules:\n  - id: a\n    command: x\n    arguments: {exit-on-error: boolish}\n",
      "rules-bad-json-type", 4, 32 },
    { "empty path component",
      "rules:\n  - id: a\n    command: x\n    arguments: [channels//host]\n",
      "rules-bad-path", 4, 17 },
    { "enum value not last",
      "rules:\n  - id: a\n    command: x\n    arguments: [a/^b/c]\n",
      "rules-bad-path", 4, 17 },
    { "arguments wrong type",
      "rules:\n  - id: a\n    command: x\n    arguments: channels\n",
      "rules-wrong-type", 4, 16 },
    { "arguments without command",
      "rules:\n  - id: a\n    event: X\n    arguments: [a]\n",
      "rules-conflict", 4, 16 },
    { "members without event",
      "rules:\n  - id: a\n    command: x\n    members: [a]\n",
      "rules-conflict", 4, 14 },
    { "command and event",
      "rules:\n  - id: a\n    command: x\n    event: Y\n",
      "rules-conflict", 4, 12 },
    { "one-of not a list",
      "rules:\n  - id: a\n    command: x\n    one-of: uri\n",
      "rules-wrong-type", 4, 13 },
    { "one-of empty group",
      "rules:\n  - id: a\n    command: x\n    one-of: [[uri], []]\n",
      "rules-wrong-type", 4, 21 },
    { "one-of group of mappings",
      "rules:\n  - id: a\n    command: x\n    one-of: [{uri: x}]\n",
      "rules-wrong-type", 4, 14 },
    { "bad allow", "rules:\n  - id: a\n    command: x\n    allow: [obsolete]\n",
      "rules-bad-value", 4, 13 },
    { "key not a string", "rules:\n  - id: a\n    [k]: x\n", "rules-wrong-type", 3, 5 },
    { "second document", "rules: []\n---\nrules: []\n", "rules-multiple-documents", 2, 1 },
    { "non-ascii before the error", "rules:\n  - id: \xc3\xa9\xc3\xa9\n    unknown: 1\n",
      "rules-unknown-key", 3, 5 },
    { "after unicode column", "rules:\n  - {id: \xc3\xa9, cmd: x}\n",
      "rules-unknown-key", 2, 13 },
};

START_TEST(malformed_is_located)
{
    const bad_case *c = &bad_cases[_i];
    qc_arena *a = qc_arena_new();
    qc_diag *d = qc_diag_new();
    qc_ruleset rs;
    qc_ruleset_init(&rs);
    bool ok = qc_rules_load_mem(a, d, "bad.yaml", c->yaml, strlen(c->yaml), &rs);
    ck_assert_msg(!ok, "%s: accepted", c->name);
    ck_assert_uint_ge(qc_diag_error_count(d), 1);
    const qc_diagnostic *dg = qc_diag_get(d, 0);
    ck_assert_ptr_nonnull(dg);
    ck_assert_msg(!strcmp(qc_diagnostic_code(dg), c->code), "%s: code %s, want %s (%s)",
                  c->name, qc_diagnostic_code(dg), c->code, qc_diagnostic_message(dg));
    ck_assert_msg(qc_diagnostic_path(dg) && !strcmp(qc_diagnostic_path(dg), "bad.yaml"),
                  "%s: no file in the location", c->name);
    ck_assert_msg(qc_diagnostic_line(dg) == c->line && qc_diagnostic_column(dg) == c->col,
                  "%s: at %u:%u, want %u:%u (%s)", c->name, qc_diagnostic_line(dg),
                  qc_diagnostic_column(dg), c->line, c->col, qc_diagnostic_message(dg));
    qc_diag_free(d);
    qc_arena_free(a);
}
END_TEST

/* --- a good file ---------------------------------------------------------- */

static const char good_yaml[] =
    "client: my-vmm\n"
    "rules:\n"
    "  - id: migrate.channels\n"
    "    command: migrate\n"
    "    arguments: [channels]                 # member paths\n"
    "    one-of: [[uri], [channels]]\n"
    "    min-version: '8.2'\n"
    "  - id: migrate-incoming.exit-on-error\n"
    "    command: migrate-incoming\n"
    "    arguments: {exit-on-error: bool}\n"
    "    min-version: 9.1.0\n"
    "    max-version: '10.0'\n"
    "  - id: blockdev.nvme\n"
    "    query: blockdev-add/arg-type/+nvme\n"
    "  - id: both\n"
    "    query: [a/arg-type/x, b/arg-type/x]\n"
    "  - id: migration-event\n"
    "    event: MIGRATION\n"
    "    members: [status]\n"
    "    allow: [deprecated, unstable]\n";

static qc_ruleset load_good(qc_arena *a, qc_diag *d)
{
    qc_ruleset rs;
    qc_ruleset_init(&rs);
    ck_assert(qc_rules_load_mem(a, d, "good.yaml", good_yaml, strlen(good_yaml), &rs));
    return rs;
}

START_TEST(good_file_model)
{
    qc_arena *a = qc_arena_new();
    qc_diag *d = qc_diag_new();
    qc_ruleset rs = load_good(a, d);
    ck_assert_uint_eq(qc_diag_error_count(d), 0);
    ck_assert_uint_eq(qc_ruleset_size(&rs), 5);

    const qc_rule *r = qc_ruleset_get(&rs, 0);
    ck_assert_str_eq(r->id, "migrate.channels");
    ck_assert_str_eq(r->client, "my-vmm");
    ck_assert_int_eq(r->kind, QC_RULE_COMMAND);
    ck_assert_str_eq(r->name, "migrate");
    ck_assert_uint_eq(r->npaths, 1);
    ck_assert_str_eq(r->paths[0].text, "channels");
    ck_assert_uint_eq(r->noneof, 2);
    ck_assert_str_eq(r->oneof[1].paths[0].text, "channels");
    ck_assert(r->min.set && r->min.major == 8 && r->min.minor == 2 && r->min.micro == 0);
    ck_assert(!r->max.set);

    r = qc_ruleset_get(&rs, 1);
    ck_assert_int_eq(r->paths[0].type, QC_JT_BOOLEAN);
    ck_assert(r->max.set && r->max.major == 10);

    r = qc_ruleset_get(&rs, 3);
    ck_assert_int_eq(r->kind, QC_RULE_NONE);
    ck_assert_uint_eq(r->nqueries, 2);
    ck_assert_str_eq(r->queries[1], "b/arg-type/x");

    r = qc_ruleset_get(&rs, 4);
    ck_assert_int_eq(r->kind, QC_RULE_EVENT);
    ck_assert(r->allow_deprecated && r->allow_unstable);

    /* Another file may use the same id. */
    const char dup[] = "rules:\n  - id: blockdev.nvme\n    command: x\n";
    ck_assert(qc_rules_load_mem(a, d, "second.yaml", dup, strlen(dup), &rs));
    ck_assert_uint_eq(qc_ruleset_size(&rs), 6);
    qc_diag_free(d);
    qc_arena_free(a);
}
END_TEST

START_TEST(versions)
{
    qc_version v, w;
    ck_assert(qc_version_parse("9.1", &v) && v.major == 9 && v.minor == 1 && v.micro == 0);
    ck_assert(qc_version_parse("10.0.13", &w) && w.micro == 13);
    ck_assert_int_lt(qc_version_cmp(&v, &w), 0);
    ck_assert(!qc_version_parse("9", &v));
    ck_assert(!qc_version_parse("9.1.", &v));
    ck_assert(!qc_version_parse("9.1.0.1", &v));
    ck_assert(!qc_version_parse("v9.1", &v));
    ck_assert(!qc_version_parse("", &v));
    qc_version unknown = { 0, 0, 0, false };
    ck_assert_int_gt(qc_version_cmp(&unknown, &w), 0);

    qc_jtype t;
    ck_assert(qc_jtype_parse("bool", &t) && t == QC_JT_BOOLEAN);
    ck_assert(qc_jtype_parse("str", &t) && t == QC_JT_STRING);
    ck_assert(!qc_jtype_parse("boolean?", &t));
}
END_TEST

/* --- evaluation against a tiny schema ------------------------------------ */

static const char schema_json[] =
    "[{\"name\": \"migrate\", \"meta-type\": \"command\", \"arg-type\": \"0\","
    "  \"ret-type\": \"1\"},"
    " {\"name\": \"old-cmd\", \"meta-type\": \"command\", \"arg-type\": \"1\","
    "  \"ret-type\": \"1\", \"features\": [\"deprecated\"]},"
    " {\"name\": \"MIGRATION\", \"meta-type\": \"event\", \"arg-type\": \"4\"},"
    " {\"name\": \"0\", \"meta-type\": \"object\", \"members\": ["
    "   {\"name\": \"uri\", \"type\": \"str\", \"default\": null},"
    "   {\"name\": \"channels\", \"type\": \"[2]\", \"default\": null,"
    "    \"features\": [\"unstable\"]},"
    "   {\"name\": \"detach\", \"type\": \"bool\", \"default\": null}]},"
    " {\"name\": \"1\", \"meta-type\": \"object\", \"members\": []},"
    " {\"name\": \"[2]\", \"meta-type\": \"array\", \"element-type\": \"2\"},"
    " {\"name\": \"2\", \"meta-type\": \"object\", \"tag\": \"transport\","
    "  \"members\": [{\"name\": \"transport\", \"type\": \"3\"}],"
    "  \"variants\": [{\"case\": \"socket\", \"type\": \"5\"}]},"
    " {\"name\": \"3\", \"meta-type\": \"enum\", \"members\": [{\"name\": \"socket\"}],"
    "  \"values\": [\"socket\"]},"
    " {\"name\": \"4\", \"meta-type\": \"object\", \"members\": ["
    "   {\"name\": \"status\", \"type\": \"3\"}]},"
    " {\"name\": \"5\", \"meta-type\": \"object\", \"members\": ["
    "   {\"name\": \"host\", \"type\": \"str\"}]},"
    " {\"name\": \"str\", \"meta-type\": \"builtin\", \"json-type\": \"string\"},"
    " {\"name\": \"bool\", \"meta-type\": \"builtin\", \"json-type\": \"boolean\"}]";

static const char eval_yaml[] =
    "rules:\n"
    "  - {id: ok, command: migrate, arguments: {uri: string, detach: boolean}}\n"
    "  - {id: nocmd, command: migrate-incoming}\n"
    "  - {id: nomember, command: migrate, arguments: [channels/addr]}\n"
    "  - {id: type, command: migrate, arguments: {detach: integer}}\n"
    "  - {id: depr, command: old-cmd}\n"
    "  - {id: unst, command: migrate, arguments: [channels/+socket/host]}\n"
    "  - {id: unst-allowed, command: migrate, arguments: [channels], allow: unstable}\n"
    "  - {id: event, event: MIGRATION, members: [status/^socket]}\n"
    "  - {id: not-an-event, event: migrate}\n"
    "  - {id: nobranch, command: migrate, arguments: [channels/+rdma]}\n"
    "  - {id: enum-type, command: migrate, arguments: {channels/transport: string}}\n";

static const struct {
    const char *id;
    qc_compat_status st;
} eval_expect[] = {
    { "ok", QC_COMPAT_OK },
    { "nocmd", QC_COMPAT_MISSING_COMMAND },
    { "nomember", QC_COMPAT_MISSING_MEMBER },
    { "type", QC_COMPAT_INCOMPATIBLE_TYPE },
    { "depr", QC_COMPAT_DEPRECATED },
    { "unst", QC_COMPAT_UNSTABLE },
    { "unst-allowed", QC_COMPAT_OK },
    { "event", QC_COMPAT_OK },
    { "not-an-event", QC_COMPAT_MISSING_COMMAND },
    { "nobranch", QC_COMPAT_MISSING_MEMBER },
    { "enum-type", QC_COMPAT_UNSTABLE },
};

START_TEST(eval_statuses)
{
    qc_arena *a = qc_arena_new();
    qc_diag *d = qc_diag_new();
    const qc_source *src = qc_source_from_mem(a, "schema.json", schema_json,
                                              strlen(schema_json), false);
    size_t n = 0;
    qc_value **vals = qc_parse_json(a, src, false, d, &n);
    ck_assert_uint_eq(n, 1);
    qc_ischema *s = qc_ischema_new(a, vals[0]);
    qc_ruleset rs;
    qc_ruleset_init(&rs);
    ck_assert(qc_rules_load_mem(a, d, "eval.yaml", eval_yaml, strlen(eval_yaml), &rs));
    ck_assert_uint_eq(qc_ruleset_size(&rs), sizeof eval_expect / sizeof eval_expect[0]);
    for (size_t i = 0; i < qc_ruleset_size(&rs); i++) {
        const qc_rule *r = qc_ruleset_get(&rs, i);
        qc_compat_result res = qc_compat_eval(a, s, r);
        ck_assert_str_eq(r->id, eval_expect[i].id);
        ck_assert_msg(res.status == eval_expect[i].st, "%s: %s (%s), want %s", r->id,
                      qc_compat_status_name(res.status), res.detail,
                      qc_compat_status_name(eval_expect[i].st));
        ck_assert(res.detail && (res.status == QC_COMPAT_OK) == !*res.detail);
    }
    qc_diag_free(d);
    qc_arena_free(a);
}
END_TEST

/* --- recorded calls ------------------------------------------------------- */

static size_t count_cb_calls;
static unsigned last_line;

static void on_violation(void *ctx, const qc_rule *r, const qc_value *msg,
                         const qc_value *at, const char *code, const char *message)
{
    (void)ctx, (void)r, (void)msg, (void)message;
    ck_assert(at && at->loc.src);
    ck_assert(!strcmp(code, "compat-call-one-of") || !strcmp(code, "compat-call-type"));
    last_line = qc_source_line(at->loc.src, at->loc.off);
    count_cb_calls++;
}

START_TEST(calls)
{
    static const char log[] =
        "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:a:1\","
        " \"channels\": []}}\n"                                           /* 1: both */
        "{\"execute\": \"migrate\"}\n"                                    /* 2: none */
        "{\"execute\": \"migrate\", \"arguments\": {\"channels\": []}}\n" /* 3: ok */
        "{\"return\": {}}\n"                                              /* 4: reply */
        "{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"defer\","
        " \"exit-on-error\": 0}}\n"                                       /* 5: type */
        "{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"defer\","
        " \"exit-on-error\": false}}\n";                                  /* 6: ok */
    static const unsigned want[] = { 1, 1, 0, 0, 1, 0 };
    static const unsigned want_line[] = { 1, 2, 0, 0, 5, 0 };
    qc_arena *a = qc_arena_new();
    qc_diag *d = qc_diag_new();
    qc_ruleset rs = load_good(a, d);
    const qc_source *src = qc_source_from_mem(a, "calls.log", log, strlen(log), false);
    size_t n = 0;
    qc_value **vals = qc_parse_json(a, src, true, d, &n);
    ck_assert_uint_eq(n, 6);
    for (size_t i = 0; i < n; i++) {
        count_cb_calls = 0;
        last_line = 0;
        size_t got = qc_compat_check_call(a, &rs, vals[i], on_violation, NULL);
        ck_assert_msg(got == want[i] && count_cb_calls == want[i],
                      "message %zu: %zu violations, want %u", i + 1, got, want[i]);
        ck_assert_uint_eq(last_line, want_line[i]);
    }
    qc_diag_free(d);
    qc_arena_free(a);
}
END_TEST

Suite *qc_suite_rules(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("rules");
    tcase_add_loop_test(tc, malformed_is_located, 0,
                        (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, good_file_model);
    tcase_add_test(tc, versions);
    tcase_add_test(tc, eval_statuses);
    tcase_add_test(tc, calls);
    suite_add_tcase(s, tc);
    return s;
}
