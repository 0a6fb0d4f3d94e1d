/* Unit tests for the evaluation of client rules (src/compat/eval.c) and
 * the reports of "qapic compat" (src/compat/report.c), against a small
 * introspected schema written inline. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/report.h"
#include "compat/rules.h"
#include "dumps/ischema.h"
#include "helpers.h"

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

static qc_ruleset load_rules(const char *yaml)
{
    qc_ruleset rs;
    qc_ruleset_init(&rs);
    ck_assert(qc_rules_load_mem(qc_test_arena, qc_test_diag, "t.yaml", yaml,
                                strlen(yaml), &rs));
    return rs;
}

START_TEST(eval_statuses)
{
    qc_ischema *s = qc_ischema_new(qc_test_arena, qc_test_json1(schema_json));
    qc_ruleset rs = load_rules(eval_yaml);
    ck_assert_uint_eq(qc_ruleset_size(&rs), sizeof eval_expect / sizeof eval_expect[0]);
    for (size_t i = 0; i < qc_ruleset_size(&rs); i++) {
        const qc_rule *r = qc_ruleset_get(&rs, i);
        qc_compat_result res = qc_compat_eval(qc_test_arena, s, r);
        ck_assert_str_eq(r->id, eval_expect[i].id);
        ck_assert_msg(res.status == eval_expect[i].st, "%s: %s (%s), want %s", r->id,
                      qc_compat_status_name(res.status), res.detail,
                      qc_compat_status_name(eval_expect[i].st));
        ck_assert(res.detail && (res.status == QC_COMPAT_OK) == !*res.detail);
    }
}
END_TEST

START_TEST(eval_details)
{
    qc_ischema *s = qc_ischema_new(qc_test_arena, qc_test_json1(schema_json));
    qc_ruleset rs = load_rules(
        "rules:\n"
        "  - {id: a, command: migrate, arguments: [channels/addr]}\n"
        "  - {id: b, query: migrate/arg-type/nope}\n"
        "  - {id: c, query: no-such-command}\n");
    qc_compat_result r = qc_compat_eval(qc_test_arena, s, qc_ruleset_get(&rs, 0));
    ck_assert_str_eq(r.detail, "'migrate' has no member 'addr' under 'channels'");
    r = qc_compat_eval(qc_test_arena, s, qc_ruleset_get(&rs, 1));
    ck_assert_str_eq(r.detail, "no member 'nope' at 'migrate/arg-type'");
    r = qc_compat_eval(qc_test_arena, s, qc_ruleset_get(&rs, 2));
    ck_assert_int_eq(r.status, QC_COMPAT_MISSING_COMMAND);
    ck_assert_str_eq(r.detail, "no 'no-such-command' in the schema");
}
END_TEST

/* --- recorded calls ------------------------------------------------------- */

static const char calls_yaml[] =
    "rules:\n"
    "  - id: migrate.channels\n"
    "    command: migrate\n"
    "    one-of: [[uri], [channels]]\n"
    "  - id: migrate-incoming.exit-on-error\n"
    "    command: migrate-incoming\n"
    "    arguments: {exit-on-error: bool}\n";

static size_t count_cb_calls;
static unsigned last_line;

static void on_violation(void *ctx, const qc_rule *r, const qc_value *msg,
                         const qc_value *at, const char *code, const char *message)
{
    (void)ctx, (void)r, (void)msg, (void)message;
    ck_assert(at && qc_loc_src(qc_value_loc(at)));
    ck_assert(!strcmp(code, "compat-call-one-of") || !strcmp(code, "compat-call-type"));
    last_line = qc_source_line(qc_loc_src(qc_value_loc(at)), qc_value_loc(at).off);
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
    qc_ruleset rs = load_rules(calls_yaml);
    size_t n = 0;
    qc_value *vals = qc_test_json(log, true, &n);
    ck_assert_uint_eq(n, 6);
    for (size_t i = 0; i < n; i++) {
        count_cb_calls = 0;
        last_line = 0;
        size_t got = qc_compat_check_call(qc_test_arena, &rs, &vals[i], on_violation, NULL);
        ck_assert_msg(got == want[i] && count_cb_calls == want[i],
                      "message %zu: %zu violations, want %u", i + 1, got, want[i]);
        ck_assert_uint_eq(last_line, want_line[i]);
    }
}
END_TEST

/* --- reports -------------------------------------------------------------- */

/* Two sources and two rules, one failing on the older source only, one of
 * them outside its versions. */
static qc_compat_matrix matrix(qc_ruleset *rs, qc_compat_source *src)
{
    *rs = load_rules("rules:\n"
                     "  - {id: has-x, command: x}\n"
                     "  - {id: has-y, command: y, min-version: '9.0'}\n");
    static qc_compat_result r1[2] = {
        { QC_COMPAT_OK, "" }, { QC_COMPAT_MISSING_COMMAND, "no command 'y'" } };
    static qc_compat_result r2[2] = {
        { QC_COMPAT_MISSING_COMMAND, "no command 'x'" }, { QC_COMPAT_OK, "" } };
    memset(src, 0, 2 * sizeof *src);
    src[0] = (qc_compat_source){ "d/new.replies", "new.replies", { 9, 1, 0, true }, "9.1.0", r2 };
    src[1] = (qc_compat_source){ "d/old.replies", "old.replies", { 8, 2, 0, true }, "8.2.0", r1 };
    qc_compat_sort_sources(src, 2);
    return (qc_compat_matrix){ src, 2, rs };
}

START_TEST(matrix_reports)
{
    qc_ruleset rs;
    qc_compat_source src[2];
    qc_compat_matrix m = matrix(&rs, src);
    ck_assert_str_eq(src[0].name, "old.replies");     /* sorted by version */
    ck_assert(!qc_compat_counted_failure(&m, 0, 1));   /* 8.2 < min 9.0 */
    ck_assert(qc_compat_counted_failure(&m, 1, 0));
    qc_buf b = QC_BUF_INIT;
    qc_compat_write_matrix(&b, &m, QC_REPORT_TEXT);
    ck_assert_ptr_nonnull(strstr(b.data, "\nhas-x ok MC\nhas-y mc ok\n"));
    ck_assert_ptr_nonnull(strstr(b.data, "2 rules x 2 sources: 2 ok, 1 failed, 1 outside"));
    qc_buf_reset(&b);
    qc_compat_write_matrix(&b, &m, QC_REPORT_TSV);
    ck_assert_ptr_nonnull(strstr(b.data,
        "d/old.replies\t8.2.0\thas-y\tmissing-command\tno\tno command 'y'\n"));
    qc_buf_reset(&b);
    qc_compat_write_matrix(&b, &m, QC_REPORT_JSON);
    ck_assert_ptr_nonnull(strstr(b.data, "\"in_range\": false"));
    ck_assert_ptr_nonnull(strstr(b.data, "\"qemu_version\": \"9.1.0\""));
    qc_buf_reset(&b);
    qc_compat_write_matrix(&b, &m, QC_REPORT_MARKDOWN);
    ck_assert_ptr_nonnull(strstr(b.data, "| `has-y` | _(missing-command)_ | ok |"));
    qc_buf_free(&b);
}
END_TEST

START_TEST(violation_reports)
{
    qc_compat_violation v = { "c.log", 3, 5, "migrate", "r1", "compat-call-type",
                              "'x' is a string here" };
    qc_compat_violation *list[] = { &v };
    qc_buf b = QC_BUF_INIT;
    qc_compat_write_violations(&b, list, 1, 4, 1, QC_REPORT_TEXT);
    ck_assert_str_eq(b.data, "4 calls checked in 1 file: 1 violation\n");
    qc_buf_reset(&b);
    qc_compat_write_violations(&b, list, 1, 4, 1, QC_REPORT_TSV);
    ck_assert_str_eq(b.data, "file\tline\tcolumn\tcommand\trule\tcode\tmessage\n"
                             "c.log\t3\t5\tmigrate\tr1\tcompat-call-type\t'x' is a string here\n");
    qc_buf_reset(&b);
    qc_compat_write_violations(&b, list, 0, 0, 2, QC_REPORT_JSON);
    ck_assert_str_eq(b.data, "[]\n");
    qc_buf_free(&b);
}
END_TEST

Suite *qc_suite_compat(void)
{
    Suite *s = suite_create("compat");
    TCase *tc = tcase_create("compat");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, eval_statuses);
    tcase_add_test(tc, eval_details);
    tcase_add_test(tc, calls);
    tcase_add_test(tc, matrix_reports);
    tcase_add_test(tc, violation_reports);
    suite_add_tcase(s, tc);
    return s;
}
