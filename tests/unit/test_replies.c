/* Unit tests for capability dumps (src/dumps/replies_*.c): reading on
 * both paths, pairing and labels, the checks, and the canonical rewrite. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "dumps/replies.h"
#include "helpers.h"

/* A canonical dump: qmp_capabilities, query-version, query-qmp-schema. */
static const char good[] =
    "{\n  \"execute\": \"qmp_capabilities\",\n  \"id\": \"libvirt-1\"\n}\n\n"
    "{\n  \"return\": {},\n  \"id\": \"libvirt-1\"\n}\n\n"
    "{\n  \"execute\": \"query-version\",\n  \"id\": \"libvirt-2\"\n}\n\n"
    "{\n  \"return\": {\n    \"qemu\": {\n      \"micro\": 0,\n      \"minor\": 2,\n"
    "      \"major\": 9\n    },\n    \"package\": \"\"\n  },\n  \"id\": \"libvirt-2\"\n}\n\n"
    "{\n  \"execute\": \"query-qmp-schema\",\n  \"id\": \"libvirt-3\"\n}\n\n"
    "{\n  \"return\": [\n    {\n      \"name\": \"query-version\",\n"
    "      \"ret-type\": \"1\",\n      \"meta-type\": \"command\",\n"
    "      \"arg-type\": \"0\"\n    },\n    {\n      \"name\": \"qmp_capabilities\",\n"
    "      \"ret-type\": \"0\",\n      \"meta-type\": \"command\",\n"
    "      \"arg-type\": \"0\"\n    },\n    {\n      \"name\": \"query-qmp-schema\",\n"
    "      \"ret-type\": \"0\",\n      \"meta-type\": \"command\",\n"
    "      \"arg-type\": \"0\"\n    },\n    {\n      \"name\": \"0\",\n"
    "      \"members\": [],\n      \"meta-type\": \"object\"\n    },\n"
    "    {\n      \"name\": \"1\",\n      \"members\": [],\n"
    "      \"meta-type\": \"object\"\n    }\n  ],\n  \"id\": \"libvirt-3\"\n}\n";

static qc_replies *read_text(const char *text, bool full)
{
    return qc_replies_read(qc_test_arena, qc_test_source(text, false), full,
                           qc_test_diag);
}

/* The codes CODES (NULL-terminated) are among the run's diagnostics. */
static void expect_codes(const char *const *codes)
{
    for (; *codes; codes++) {
        bool found = false;
        for (size_t i = 0; !found && qc_diag_get(qc_test_diag, i); i++)
            found = !strcmp(qc_diagnostic_code(qc_diag_get(qc_test_diag, i)),
                            *codes);
        ck_assert_msg(found, "no %s", *codes);
    }
}

static size_t check(qc_replies *r)
{
    qc_replies_opts o = { { 0 }, false };
    return qc_replies_check(qc_test_arena, r, &o, qc_test_diag);
}

START_TEST(canonical_fast_path)
{
    qc_replies *r = read_text(good, false);
    ck_assert(r->canonical);
    ck_assert_uint_eq(r->n, 6);
    ck_assert_uint_eq(r->syntax_errors, 0);
    /* Pairs, roles and what was only skimmed (the version reply). */
    ck_assert_int_eq(r->e[0].role, QC_RROLE_COMMAND);
    ck_assert_int_eq(r->e[1].role, QC_RROLE_REPLY);
    ck_assert_int_eq(r->e[1].pair, 0);
    ck_assert_str_eq(r->e[3].execute, "query-version");
    ck_assert(r->e[3].skimmed);
    ck_assert(!r->e[5].skimmed);
    ck_assert_int_eq(qc_replies_find(r, "query-qmp-schema"), 5);
    ck_assert_int_eq(qc_replies_find(r, "query-kvm"), -1);
    ck_assert_str_eq(qc_replies_label(qc_test_arena, r, 3),
                     "entry 4, reply to 'query-version' (libvirt-2)");
    ck_assert(qc_replies_is_fixed(r));
    ck_assert_uint_eq(check(r), 0);
    ck_assert_ptr_null(qc_diag_get(qc_test_diag, 0));
}
END_TEST

START_TEST(fast_and_slow_paths_agree)
{
    /* A '\u' escape is not for the fast path: the grammar reads it. */
    static const char escaped[] =
        "{\n  \"execute\": \"qmp_capabilities\",\n  \"id\": \"libvirt-1\"\n}\n\n"
        "{\n  \"return\": {\n    \"x\": \"\\u00e9\",\n    \"n\": -12345678901234567890\n"
        "  },\n  \"id\": \"libvirt-1\"\n}\n";
    qc_replies *r = read_text(escaped, true);
    ck_assert(!r->canonical);
    ck_assert_uint_eq(r->n, 2);
    const qc_value *ret = qc_obj_get(r->e[1].v, "return");
    ck_assert_str_eq(qc_obj_get_str(ret, "x"), "\xc3\xa9");
    ck_assert_int_eq(qc_obj_get(ret, "n")->kind, QC_VNUMBER);
    /* The same numbers read on the fast path are classified alike. */
    qc_replies *f = read_text(
        "{\n  \"execute\": \"x\",\n  \"arguments\": {\n    \"a\": -12345678901234567890,\n"
        "    \"b\": 18446744073709551615,\n    \"c\": -9223372036854775808\n  },\n"
        "  \"id\": \"libvirt-1\"\n}\n", true);
    ck_assert(f->canonical);
    const qc_value *args = qc_obj_get(f->e[0].v, "arguments");
    ck_assert_int_eq(qc_obj_get(args, "a")->kind, QC_VNUMBER);
    ck_assert_int_eq(qc_obj_get(args, "b")->kind, QC_VUINT);
    ck_assert(qc_num_u(qc_obj_get(args, "b")) == UINT64_MAX);
    ck_assert_int_eq(qc_obj_get(args, "c")->kind, QC_VINT);
    ck_assert(qc_num_i(qc_obj_get(args, "c")) == INT64_MIN);
}
END_TEST

START_TEST(slow_path_on_its_own)
{
    /* What the fuzz target holds the fast path against: the grammar alone
     * on a canonical text gives the same entries and trees. */
    qc_replies *f = read_text(good, true);
    qc_replies *s = qc_replies_read_slow(qc_test_arena,
                                         qc_test_source(good, false),
                                         qc_test_diag);
    ck_assert(f->canonical);
    ck_assert(!s->canonical);
    ck_assert_uint_eq(s->syntax_errors, 0);
    ck_assert_uint_eq(s->n, f->n);
    for (size_t i = 0; i < f->n; i++) {
        ck_assert_uint_eq(s->e[i].start, f->e[i].start);
        ck_assert_uint_eq(s->e[i].end, f->e[i].end);
        ck_assert(!s->e[i].skimmed && !f->e[i].skimmed);
        ck_assert(qc_value_equal(s->e[i].v, f->e[i].v, false));
    }
    ck_assert(!qc_replies_is_fixed(s));
}
END_TEST

START_TEST(skimmed_first_key)
{
    /* The first key read without building anything, before any key was
     * kept: the key set was looked up at NULL + 0 (undefined; clang's
     * UBSan stops there; found by fuzz_replies). */
    static const char text[] = "{\n  \"eiute\": \"\"n";
    static const qc_replies_mode modes[] = {
        QC_REPLIES_SCHEMA, QC_REPLIES_FULL, QC_REPLIES_ENTRIES,
    };
    for (size_t i = 0; i < 3; i++) {
        qc_replies *r = qc_replies_read(qc_test_arena,
                                        qc_test_source(text, false),
                                        modes[i], qc_test_diag);
        ck_assert(!r->canonical);
        ck_assert_uint_eq(r->n, 1);
        ck_assert_int_eq(r->e[0].kind, QC_RENTRY_BROKEN);
    }
}
END_TEST

/* A dump of one command whose reply is RET (canonical, at nesting 1),
 * into the arena. */
static const char *dump_returning(const char *ret)
{
    qc_buf b = QC_BUF_INIT;
    qc_buf_puts(&b, "{\n  \"execute\": \"qmp_capabilities\",\n"
                    "  \"id\": \"libvirt-1\"\n}\n\n{\n  \"return\": ");
    qc_buf_puts(&b, ret);
    qc_buf_puts(&b, ",\n  \"id\": \"libvirt-1\"\n}\n");
    const char *text = qc_arena_strdup(qc_test_arena, b.data);
    qc_buf_free(&b);
    return text;
}

/* An object of N keys "k0".."k<N-1>" at nesting 1, but key LAST (when
 * not -1) named like key 3; or arrays nested DEPTH deep around a 1. */
static const char *many_keys(int n, int last)
{
    qc_buf b = QC_BUF_INIT;
    qc_buf_puts(&b, "{");
    for (int i = 0; i < n; i++)
        qc_buf_printf(&b, "%s\n    \"k%d\": %d", i ? "," : "",
                      i == last ? 3 : i, i);
    qc_buf_puts(&b, "\n  }");
    const char *text = qc_arena_strdup(qc_test_arena, b.data);
    qc_buf_free(&b);
    return text;
}

static const char *nested(int depth)
{
    qc_buf b = QC_BUF_INIT;
    for (int i = 0; i < depth; i++)
        qc_buf_printf(&b, "[\n%*s", 2 * (i + 2), "");
    qc_buf_puts(&b, "1");
    for (int i = depth; i-- > 0;)
        qc_buf_printf(&b, "\n%*s]", 2 * (i + 1), "");
    const char *text = qc_arena_strdup(qc_test_arena, b.data);
    qc_buf_free(&b);
    return text;
}

START_TEST(skimmed_values_checked)
{
    /* What is skimmed is checked all the same: a duplicate key in a big
     * object (the skimmer indexes its keys) sends the text to the
     * grammar, which reports it; deep nesting (indentation longer than
     * the sixteen bytes looked at at once) is read on both paths. */
    static const qc_replies_mode modes[] = {
        QC_REPLIES_SCHEMA, QC_REPLIES_FULL, QC_REPLIES_ENTRIES,
    };
    const char *fine = dump_returning(many_keys(40, -1));
    const char *dup = dump_returning(many_keys(40, 39));
    const char *dup_few = dump_returning(many_keys(5, 4));
    const char *deep = dump_returning(nested(40));
    for (size_t i = 0; i < 3; i++) {
        qc_replies *r = qc_replies_read(qc_test_arena,
                                        qc_test_source(fine, false),
                                        modes[i], qc_test_diag);
        ck_assert(r->canonical);
        ck_assert_int_eq(r->e[1].skimmed, modes[i] != QC_REPLIES_FULL);
        r = qc_replies_read(qc_test_arena, qc_test_source(deep, false),
                            modes[i], qc_test_diag);
        ck_assert(r->canonical);
        ck_assert_uint_eq(r->n, 2);
        const char *dups[] = { dup, dup_few };
        for (size_t k = 0; k < 2; k++) {
            r = qc_replies_read(qc_test_arena, qc_test_source(dups[k], false),
                                modes[i], qc_test_diag);
            ck_assert(!r->canonical);
            ck_assert_uint_eq(r->n, 2);
            ck_assert_uint_gt(check(r), 0);
            static const char *const codes[] = { "replies-duplicate-key",
                                                 NULL };
            expect_codes(codes);
        }
    }
    qc_replies *r = read_text(deep, true);
    const qc_value *v = qc_obj_get(r->e[1].v, "return");
    for (int i = 0; i < 40; i++) {
        ck_assert(qc_is_array(v) && qc_arr_len(v) == 1);
        v = qc_arr_at(v, 0);
    }
    ck_assert_int_eq(v->kind, QC_VINT);
}
END_TEST

START_TEST(resync_after_syntax_error)
{
    static const char broken[] =
        "{\n  \"execute\": \"qmp_capabilities\",\n  \"id\": \"libvirt-1\"\n}\n\n"
        "{\n  \"return\": {,\n  \"id\": \"libvirt-1\"\n}\n\n"
        "{\n  \"execute\": \"query-kvm\",\n  \"id\": \"libvirt-2\"\n}\n\n"
        "{\n  \"return\": {},\n  \"id\": \"libvirt-2\"\n}\n";
    qc_replies *r = read_text(broken, false);
    ck_assert_uint_eq(r->syntax_errors, 1);
    ck_assert_uint_eq(r->n, 4);
    ck_assert_int_eq(r->e[1].kind, QC_RENTRY_BROKEN);
    ck_assert_int_eq(r->e[1].role, QC_RROLE_REPLY);   /* it takes its place */
    ck_assert_str_eq(r->e[2].execute, "query-kvm");
    ck_assert_uint_eq(qc_test_first_line(), 7);      /* the ',' */
    static const char label[] = "entry 2, reply to 'qmp_capabilities': ";
    ck_assert(!strncmp(qc_diagnostic_message(qc_diag_get(qc_test_diag, 0)),
                       label, sizeof label - 1));
    /* The text is whole again after reading. */
    ck_assert(!memcmp(r->src->text, broken, sizeof broken - 1));
    qc_buf out = QC_BUF_INIT;
    ck_assert(!qc_replies_render_fixed(qc_test_arena, r, &out, qc_test_diag));
    static const char *const codes[] = { "replies-fix-refused", NULL };
    expect_codes(codes);
    qc_buf_free(&out);
}
END_TEST

START_TEST(conversation_problems)
{
    static const char text[] =
        "{\n  \"execute\": \"query-kvm\",\n  \"id\": \"libvirt-7\"\n}\n\n"
        "{\n  \"return\": {},\n  \"id\": \"libvirt-8\"\n}\n\n"
        "{\n  \"return\": {},\n  \"id\": \"libvirt-9\"\n}\n\n"
        "{\n  \"execute\": \"x\",\n  \"bogus\": 1\n}\n";
    qc_replies *r = read_text(text, false);
    ck_assert(check(r) >= 6);
    static const char *const codes[] = {
        "replies-no-capabilities", "replies-id", "replies-id-mismatch",
        "replies-missing-command", "replies-command-key",
        "replies-missing-reply", "replies-no-schema", NULL,
    };
    expect_codes(codes);
}
END_TEST

START_TEST(format_problems)
{
    static const char text[] =
        "{\n    \"execute\": \"qmp_capabilities\",\n    \"id\": \"libvirt-1\"\n}\n"
        "{\n  \"return\": {\n  },\n  \"id\": \"libvirt-1\"\n}\n\n";
    qc_replies *r = read_text(text, false);
    ck_assert(!r->canonical);
    check(r);
    static const char *const codes[] = {
        "replies-indent", "replies-separator", "replies-format",
        "replies-trailing-blank", NULL,
    };
    expect_codes(codes);
}
END_TEST

START_TEST(old_qemu_has_no_schema)
{
    static const char text[] =
        "{\n  \"execute\": \"qmp_capabilities\",\n  \"id\": \"libvirt-1\"\n}\n\n"
        "{\n  \"return\": {},\n  \"id\": \"libvirt-1\"\n}\n\n"
        "{\n  \"execute\": \"query-version\",\n  \"id\": \"libvirt-2\"\n}\n\n"
        "{\n  \"return\": {\n    \"qemu\": {\n      \"micro\": 0,\n      \"minor\": 4,\n"
        "      \"major\": 2\n    }\n  },\n  \"id\": \"libvirt-2\"\n}\n";
    ck_assert_uint_eq(check(read_text(text, false)), 0);
    const qc_diagnostic *dg = qc_diag_get(qc_test_diag, 0);
    ck_assert_str_eq(qc_diagnostic_code(dg), "replies-no-schema");
    ck_assert_ptr_nonnull(strstr(qc_diagnostic_message(dg), "QEMU 2.4 predates"));
}
END_TEST

START_TEST(commands_validated)
{
    /* A good dump plus a command its own schema does not know. */
    char *text = malloc(sizeof good + 200);
    ck_assert_ptr_nonnull(text);
    strcpy(text, good);
    strcat(text, "\n{\n  \"execute\": \"query-kvm\",\n  \"id\": \"libvirt-4\"\n}\n\n"
                 "{\n  \"return\": {},\n  \"id\": \"libvirt-4\"\n}\n");
    ck_assert_uint_eq(check(read_text(text, false)), 1);
    ck_assert_str_eq(qc_test_first_code(), "qmp-unknown-command");
    free(text);
}
END_TEST

START_TEST(fix_renumbers)
{
    static const char text[] =
        "{\"execute\": \"qmp_capabilities\", \"id\": \"x\"}\n"
        "{\"return\": {}}\n"
        "{\"execute\": \"query-kvm\"}\n"
        "{\"error\": {\"class\": \"C\", \"desc\": \"d\"}}\n";
    qc_replies *r = read_text(text, true);
    ck_assert(!qc_replies_is_fixed(r));
    qc_buf out = QC_BUF_INIT;
    ck_assert(qc_replies_render_fixed(qc_test_arena, r, &out, qc_test_diag));
    ck_assert_str_eq(out.data,
        "{\n  \"execute\": \"qmp_capabilities\",\n  \"id\": \"libvirt-1\"\n}\n\n"
        "{\n  \"return\": {},\n  \"id\": \"libvirt-1\"\n}\n\n"
        "{\n  \"execute\": \"query-kvm\",\n  \"id\": \"libvirt-2\"\n}\n\n"
        "{\n  \"id\": \"libvirt-2\",\n  \"error\": {\n    \"class\": \"C\",\n"
        "    \"desc\": \"d\"\n  }\n}\n");
    /* What it wrote reads back canonical and fixed. */
    qc_replies *again = read_text(out.data, false);
    ck_assert(again->canonical);
    ck_assert(qc_replies_is_fixed(again));
    qc_buf_free(&out);
}
END_TEST

START_TEST(fix_refuses_duplicates)
{
    qc_replies *r = read_text("{\"execute\": \"a\", \"execute\": \"b\"}\n"
                              "{\"return\": {}}\n", true);
    qc_buf out = QC_BUF_INIT;
    ck_assert(!qc_replies_render_fixed(qc_test_arena, r, &out, qc_test_diag));
    ck_assert_ptr_nonnull(strstr(qc_diagnostic_message(qc_diag_get(qc_test_diag, 0)),
                                 "duplicate keys"));
    qc_buf_free(&out);
}
END_TEST

Suite *qc_suite_replies(void)
{
    Suite *s = suite_create("replies");
    TCase *tc = tcase_create("replies");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, canonical_fast_path);
    tcase_add_test(tc, fast_and_slow_paths_agree);
    tcase_add_test(tc, slow_path_on_its_own);
    tcase_add_test(tc, skimmed_first_key);
    tcase_add_test(tc, skimmed_values_checked);
    tcase_add_test(tc, resync_after_syntax_error);
    tcase_add_test(tc, conversation_problems);
    tcase_add_test(tc, format_problems);
    tcase_add_test(tc, old_qemu_has_no_schema);
    tcase_add_test(tc, commands_validated);
    tcase_add_test(tc, fix_renumbers);
    tcase_add_test(tc, fix_refuses_duplicates);
    suite_add_tcase(s, tc);
    return s;
}
