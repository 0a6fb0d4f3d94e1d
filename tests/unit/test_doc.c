/* Unit tests for src/schema/doc.c: every parse-time doc rule with its location,
 * the std differences, the connect/check calls and the test-qapi dump. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "helpers.h"
#include "schema/doc.h"
#include "syntax/parse.h"

/* One schema text, its doc blocks parsed (in the run's arena, with a
 * fresh sink). */
struct run {
    qc_arena *a;
    qc_diag *d;
    qc_source *src;
    qc_parse_result r;
    qc_doc *docs[8];
    size_t ndocs;
    bool failed;                /* qc_doc_parse returned NULL */
};

/* Parses TEXT as schema t.json and every doc block in it, stopping at the
 * first NULL from qc_doc_parse, as the loader does. */
static void run_text(struct run *t, const char *text, qc_std std)
{
    qc_options o = QC_OPTIONS_DEFAULT;
    o.std = std;
    memset(t, 0, sizeof *t);
    qc_test_reset_diag();
    t->a = qc_test_arena;
    t->d = qc_test_diag;
    qc_diag_set_format(t->d, QC_DIAG_QEMU);
    t->src = qc_test_source(text, true);
    qc_parse(t->a, t->src, QC_DIALECT_SCHEMA, &t->r);
    for (size_t i = 0; i < t->r.nitems; i++) {
        if (!t->r.items[i].doc)
            continue;
        qc_doc *doc = qc_doc_parse(t->a, t->d, t->r.items[i].doc, &o);
        if (!doc) {
            t->failed = true;
            return;
        }
        if (t->ndocs < 8)
            t->docs[t->ndocs++] = doc;
    }
    if (t->r.error && t->r.error->partial_doc) {
        ck_assert_ptr_null(qc_doc_parse(t->a, t->d, t->r.error->partial_doc,
                                        &o));
        t->failed = true;
    }
}

/* The first diagnostic as QEMU's .err shows it, minus the message:
 * "t.json:LINE" or "t.json:LINE:COL". */
static char *first_where(struct run *t, const char **code)
{
    const qc_diagnostic *dg = qc_diag_get(t->d, 0);
    ck_assert_ptr_nonnull(dg);
    *code = qc_diagnostic_code(dg);
    char *s = qc_diagnostic_format(t->d, dg);
    /* Skip an "In META 'NAME':" context line. */
    size_t n = strlen(s);
    while (n && s[n - 1] == '\n')
        s[--n] = '\0';
    char *nl = strrchr(s, '\n');
    if (nl)
        memmove(s, nl + 1, strlen(nl + 1) + 1);
    char *p = strstr(s, ": ");
    ck_assert_ptr_nonnull(p);
    *p = '\0';
    return s;
}

static void expect_doc_error(const char *text, qc_std std, const char *where,
                         const char *code)
{
    struct run t;
    const char *got_code;
    run_text(&t, text, std);
    ck_assert_msg(t.failed, "no failure for <%s>", text);
    ck_assert_uint_eq(qc_diag_error_count(t.d), 1);
    char *w = first_where(&t, &got_code);
    ck_assert_msg(!strcmp(w, where) && !strcmp(got_code, code),
                  "<%s>: got %s %s, expected %s %s", text, w, got_code,
                  where, code);
    free(w);
}

static void expect_ok(const char *text, qc_std std)
{
    struct run t;
    run_text(&t, text, std);
    ck_assert_msg(!t.failed && qc_diag_error_count(t.d) == 0,
                  "unexpected failure for <%s>", text);
}

#define Q0 QC_STD_QEMU_10_0
#define Q2 QC_STD_QEMU_10_2

START_TEST(block_framing)
{
    expect_doc_error("## junk\n#\n##\n", Q2, "t.json:1:1", "qapi-doc-junk-start");
    expect_doc_error("##\n# x\n## junk\n", Q2, "t.json:3:1", "qapi-doc-junk-end");
    expect_doc_error("##\n# x\n#y\n##\n", Q2, "t.json:3:1",
                 "qapi-doc-missing-space");
    /* The column is that of the '#', wherever it is. */
    expect_doc_error("##\n  #y\n##\n", Q2, "t.json:2:3", "qapi-doc-missing-space");
    expect_ok("##\n##\n", Q2);
    expect_ok("##\n#\n# text   \n##\n", Q2);
}
END_TEST

START_TEST(symbol_line)
{
    expect_doc_error("##\n# @foo\n##\n", Q2, "t.json:2:1", "qapi-doc-symbol-colon");
    expect_doc_error("##\n# @:\n##\n", Q2, "t.json:2:1", "qapi-doc-symbol-empty");
    expect_doc_error("##\n# @foo:\n# @:\n##\n", Q2, "t.json:3",
                 "qapi-doc-bad-param-name");
    expect_doc_error("##\n# @foo:\n# @a: x\n# @a: y\n##\n", Q2, "t.json:4",
                 "qapi-doc-duplicate-param");
}
END_TEST

START_TEST(sections)
{
    expect_doc_error("##\n# @foo:\n#\n# Returns: 0\n#\n# Returns: 1\n##\n", Q2,
                 "t.json:6", "qapi-doc-duplicate-section");
    expect_doc_error("##\n# @foo:\n# Since: 1\n# Since: 2\n##\n", Q2,
                 "t.json:4", "qapi-doc-duplicate-section");
    expect_doc_error("##\n# @foo:\n#\n# Errors:\n##\n", Q2, "t.json:4",
                 "qapi-doc-empty-section");
    /* A description needs text too. */
    expect_doc_error("##\n# @foo:\n# @a:\n#\n# @b: x\n##\n", Q2, "t.json:3",
                 "qapi-doc-empty-section");
    expect_doc_error("##\n# @foo:\n#\n# body\n#\n# @a: x\n#\n# TODO: t\n#\n"
                 "# @b: late\n##\n", Q2, "t.json:10:1", "qapi-doc-interleaved");
    expect_doc_error("##\n# @foo:\n#\n# Features:\n# @f: x\n#\n# Features:\n##\n",
                 Q2, "t.json:7:1", "qapi-doc-duplicate-features");
    expect_doc_error("##\n# @foo:\n#\n# Features:\n#\n# not one\n##\n", Q2,
                 "t.json:6:1", "qapi-doc-empty-features");
    expect_doc_error("##\n# @foo:\n#\n# Features:\n##\n", Q2, "t.json:5:1",
                 "qapi-doc-empty-features");
    expect_doc_error("##\n# @foo:\n#\n# Note: x\n##\n", Q2, "t.json:4:1",
                 "qapi-doc-note-section");
    expect_doc_error("##\n# @foo:\n#\n# Examples:\n##\n", Q2, "t.json:4:1",
                 "qapi-doc-example-section");
    /* "Note::" is rST, not a section tag. */
    expect_ok("##\n# @foo:\n#\n# Note::\n#\n#    text\n##\n", Q2);
}
END_TEST

START_TEST(indentation)
{
    expect_doc_error("##\n# @foo:\n# @a: line one\n#   line two\n# line three\n##\n",
                 Q2, "t.json:5:1", "qapi-doc-bad-indent");
    /* After a blank line, a de-indented line starts a new section. */
    expect_ok("##\n# @foo:\n# @a: one\n#   two\n#\n# three\n##\n", Q2);
}
END_TEST

START_TEST(freeform)
{
    expect_doc_error("##\n# Text\n# @note: x\n##\n", Q2, "t.json:3:1",
                 "qapi-doc-freeform-symbol");
    /* '=' headings: 10.0 rules only. */
    expect_doc_error("##\n#\n# = Not first\n##\n", Q0, "t.json:3:1",
                 "qapi-doc-heading-not-first");
    expect_ok("##\n#\n# = Not first\n##\n", Q2);
    expect_ok("##\n# = First\n# text\n##\n", Q0);
    expect_doc_error("##\n# @Enum:\n# == No good\n##\n", Q0, "t.json:3:1",
                 "qapi-doc-heading-markup");
    expect_ok("##\n# @Enum:\n# == fine in 10.2\n##\n", Q2);
}
END_TEST

START_TEST(line_format_10_2)
{
    const char *longl = "##\n# @foo:\n#\n# This line has exactly 71 chars, "
        "including the leading hash and space.\n##\n";
    expect_doc_error(longl, Q2, "t.json:4:1", "qapi-doc-long-line");
    expect_ok(longl, Q0);
    /* A bare URL may be long. */
    expect_ok("##\n# https://example.org/a/very/long/path/that/goes/on/and"
              "/on/and/on/forever\n##\n", Q2);
    const char *space = "##\n# @foo:\n#\n# Sentences should be separated by "
        "two spaces. But here is only one.\n##\n";
    expect_doc_error(space, Q2, "t.json:4:47", "qapi-doc-sentence-space");
    expect_ok(space, Q0);
    expect_ok("##\n# Use it, e.g. Foo.  Or not.\n#\n# 1. Item\n##\n", Q2);
    /* Literal blocks are exempt until the indentation decreases. */
    expect_ok("##\n# ::\n#\n#    Not checked. Here.\n##\n", Q2);
    expect_doc_error("##\n# ::\n#\n#    Not checked. Here.\n# Checked. Here.\n##\n",
                 Q2, "t.json:5:11", "qapi-doc-sentence-space");
}
END_TEST

START_TEST(partial_block_is_silent)
{
    struct run t;
    run_text(&t, "##\n# An invalid comment\n#", Q2);
    ck_assert(t.failed);
    ck_assert_uint_eq(qc_diag_error_count(t.d), 0);
    /* ... but the lines it has are checked. */
    expect_doc_error("##\n#x\n{ 'a': 'b' }\n", Q2, "t.json:2:1",
                 "qapi-doc-missing-space");
}
END_TEST

static char *dump_all(struct run *t)
{
    qc_buf b = QC_BUF_INIT;
    for (size_t i = 0; i < t->ndocs; i++)
        qc_doc_dump(&b, t->docs[i]);
    return qc_buf_steal(&b);
}

START_TEST(dump_rendering)
{
    struct run t;
    run_text(&t,
             "##\n# Title\n# =====\n#\n# text\n##\n"
             "##\n# @Alt:\n#\n# A paragraph\n#\n# Another\n#\n"
             "# @i: same line\n#     more\n#\n# @j:\n#  new line\n#\n"
             "# Features:\n# @f: a feature\n#\n# .. note:: plain\n#\n"
             "# Returns: @Obj\n#\n# TODO: frob\n#\n# Since: 2.10\n##\n",
             Q2);
    ck_assert(!t.failed);
    ck_assert_uint_eq(t.ndocs, 2);
    qc_doc *alt = t.docs[1];
    ck_assert_str_eq(alt->symbol, "Alt");
    ck_assert_ptr_nonnull(alt->returns);
    ck_assert_ptr_nonnull(alt->since);
    ck_assert_ptr_null(alt->errors);
    ck_assert_uint_eq(qc_source_line(t.src, alt->loc.off), 7);
    ck_assert_uint_eq(qc_source_line(t.src, alt->returns->loc.off), 25);
    /* An implicit (exempt) member is dumped with empty text, last. */
    ck_assert(qc_doc_connect_member(t.a, alt, t.d, "k", "branch", true,
                                    alt->loc, "alternate", "Alt"));
    char *s = dump_all(&t);
    ck_assert_str_eq(s,
        "doc freeform\n    body=\nTitle\n=====\n\ntext\n"
        "doc symbol=Alt\n    body=\nA paragraph\n\nAnother\n"
        "    arg=i\nsame line\n    more\n"
        "    arg=j\n new line\n"
        "    arg=k\n\n"
        "    feature=f\na feature\n"
        "    section=Plain\n.. note:: plain\n"
        "    section=Returns\n@Obj\n"
        "    section=Todo\nfrob\n"
        "    section=Since\n2.10\n");
    free(s);
}
END_TEST

START_TEST(dump_empty_body)
{
    struct run t;
    run_text(&t, "##\n# @V:\n#\n##\n", Q2);
    ck_assert_uint_eq(t.ndocs, 1);
    char *s = dump_all(&t);
    ck_assert_str_eq(s, "doc symbol=V\n    body=\n\n");
    free(s);
}
END_TEST

static qc_doc *one_doc(struct run *t, const char *text)
{
    run_text(t, text, Q2);
    ck_assert(!t->failed);
    ck_assert_uint_eq(t->ndocs, 1);
    return t->docs[0];
}

START_TEST(check_expr_rules)
{
    struct run t;
    qc_doc *doc = one_doc(&t, "##\n# @FOO:\n#\n# Returns: blah\n##\n");
    ck_assert(qc_doc_check_expr(doc, t.d, true, true));
    ck_assert(!qc_doc_check_expr(doc, t.d, false, false));
    const char *code;
    char *w = first_where(&t, &code);
    ck_assert_str_eq(w, "t.json:4");
    ck_assert_str_eq(code, "qapi-doc-returns-not-command");
    free(w);
    ck_assert(!qc_doc_check_expr(doc, t.d, true, false));
    ck_assert_str_eq(qc_diagnostic_code(qc_diag_get(t.d, 1)),
                     "qapi-doc-returns-no-value");

    doc = one_doc(&t, "##\n# @S:\n#\n# Errors: some\n##\n");
    ck_assert(qc_doc_check_expr(doc, t.d, true, false));
    ck_assert(!qc_doc_check_expr(doc, t.d, false, false));
    ck_assert_str_eq(qc_diagnostic_code(qc_diag_get(t.d, 0)),
                     "qapi-doc-errors-not-command");
}
END_TEST

START_TEST(connect_and_check)
{
    struct run t;
    qc_doc *doc = one_doc(&t,
        "##\n# @AorB:\n# @a: a\n# @b: b\n# @aa: a\n# @bb: b\n"
        "#\n# Features:\n# @f: x\n# @g: y\n##\n{ 'alternate': 'AorB' }\n");
    qc_loc defn = qc_value_loc(&t.r.items[1].value);
    ck_assert(qc_doc_connect_feature(doc, t.d, "f", defn, "alternate",
                                     "AorB"));
    ck_assert(qc_doc_connect_member(t.a, doc, t.d, "a", "branch", false,
                                    defn, "alternate", "AorB"));
    ck_assert(qc_doc_connect_member(t.a, doc, t.d, "b", "branch", false,
                                    defn, "alternate", "AorB"));
    ck_assert_uint_eq(qc_diag_error_count(t.d), 0);
    ck_assert(!qc_doc_check(doc, t.d));
    const char *code;
    char *w = first_where(&t, &code);
    ck_assert_str_eq(w, "t.json:5");
    ck_assert_str_eq(code, "qapi-doc-unknown-member");
    ck_assert_ptr_nonnull(strstr(qc_diagnostic_message(qc_diag_get(t.d, 0)),
                                 "'aa', 'bb'"));
    free(w);

    /* Members all there: the unused feature is reported. */
    doc = one_doc(&t, "##\n# @E:\n# @v: x\n#\n# Features:\n# @f: x\n##\n");
    ck_assert(qc_doc_connect_member(t.a, doc, t.d, "v", "value", false,
                                    doc->loc, "enum", "E"));
    ck_assert(!qc_doc_check(doc, t.d));
    w = first_where(&t, &code);
    ck_assert_str_eq(w, "t.json:6");
    ck_assert_str_eq(code, "qapi-doc-unknown-feature");
    free(w);
}
END_TEST

START_TEST(undocumented)
{
    struct run t;
    qc_doc *doc = one_doc(&t, "##\n# @foo:\n##\n{ 'command': 'foo' }\n");
    qc_loc defn = qc_value_loc(&t.r.items[1].value);
    ck_assert(!qc_doc_connect_member(t.a, doc, t.d, "x", "member", false,
                                     defn, "command", "foo"));
    ck_assert(!qc_doc_connect_feature(doc, t.d, "undoc", defn,
                                      "command", "foo"));
    const char *code;
    char *w = first_where(&t, &code);
    ck_assert_str_eq(w, "t.json:4");
    ck_assert_str_eq(code, "qapi-doc-undocumented-member");
    free(w);
    char *full = qc_diagnostic_format(t.d, qc_diag_get(t.d, 1));
    ck_assert_ptr_nonnull(strstr(full, "In command 'foo'"));
    ck_assert_str_eq(qc_diagnostic_code(qc_diag_get(t.d, 1)),
                     "qapi-doc-undocumented-feature");
    free(full);
    /* Exempt: accepted, and check() is then happy. */
    ck_assert(qc_doc_connect_member(t.a, doc, t.d, "y", "member", true,
                                    defn, "command", "foo"));
    ck_assert_uint_eq(doc->args.n, 1);
    ck_assert(((qc_doc_section *)doc->args.items[0])->implicit);
    ck_assert(qc_doc_check(doc, t.d));
}
END_TEST

Suite *qc_suite_doc(void)
{
    Suite *s = suite_create("doc");
    TCase *tc = tcase_create("doc");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, block_framing);
    tcase_add_test(tc, symbol_line);
    tcase_add_test(tc, sections);
    tcase_add_test(tc, indentation);
    tcase_add_test(tc, freeform);
    tcase_add_test(tc, line_format_10_2);
    tcase_add_test(tc, partial_block_is_silent);
    tcase_add_test(tc, dump_rendering);
    tcase_add_test(tc, dump_empty_body);
    tcase_add_test(tc, check_expr_rules);
    tcase_add_test(tc, connect_and_check);
    tcase_add_test(tc, undocumented);
    suite_add_tcase(s, tc);
    return s;
}
