/* Unit tests for the schema loader: includes (repeats skipped, loops
 * detected, unreadable files), pragmas, module names, error order. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "base/path.h"
#include "schema/loader.h"
#include "syntax/parse.h"

/* What one load gave; diagnostics go to the run's sink, emptied first. */
struct load {
    qc_schema_ast ast;
    bool ok, io;
};

static void load(struct load *l, const char *root)
{
    qc_options o = QC_OPTIONS_DEFAULT;
    o.no_doc_checks = true;
    qc_test_reset_diag();
    l->ok = qc_schema_load(qc_test_arena, qc_test_diag, &o, qc_test_path(root),
                           &l->ast, &l->io);
}

/* The first diagnostic must be at FILE:LINE with code CODE. */
static void expect_first(struct load *l, const char *file, unsigned line,
                         const char *code)
{
    ck_assert(!l->ok);
    const qc_diagnostic *dg = qc_diag_get(qc_test_diag, 0);
    ck_assert_ptr_nonnull(dg);
    const char *path = qc_diagnostic_path(dg);
    ck_assert_ptr_nonnull(path);
    const char *base = strrchr(path, '/');
    ck_assert_str_eq(base ? base + 1 : path, file);
    ck_assert_uint_eq(qc_diagnostic_line(dg), line);
    ck_assert_str_eq(qc_diagnostic_code(dg), code);
}

START_TEST(include_repeat_is_skipped)
{
    qc_test_write_file("root.json", "{ 'include': 'sub/a.json' }\n"
                            "{ 'include': 'sub/a.json' }\n"
                            "{ 'struct': 'R', 'data': {} }\n");
    qc_test_mkdir("sub");
    qc_test_write_file("sub/a.json", "{ 'include': 'b.json' }\n{ 'struct': 'A', 'data': {} }\n");
    qc_test_write_file("sub/b.json", "{ 'struct': 'B', 'data': {} }\n");
    struct load l;
    load(&l, "root.json");
    ck_assert(l.ok);
    ck_assert_uint_eq(l.ast.modules.n, 3);
    ck_assert_str_eq(((qc_module *)l.ast.modules.items[0])->name, "root.json");
    ck_assert_str_eq(((qc_module *)l.ast.modules.items[1])->name, "sub/a.json");
    ck_assert_str_eq(((qc_module *)l.ast.modules.items[2])->name, "sub/b.json");
    /* include a, include b, B, A, include a (again, recorded), R */
    ck_assert_uint_eq(l.ast.n_exprs, 6);
    const qc_expr *e0 = &l.ast.exprs[0], *e4 = &l.ast.exprs[4];
    ck_assert_ptr_nonnull(qc_expr_include(&l.ast, e0));
    ck_assert_ptr_eq(qc_expr_include(&l.ast, e0), qc_expr_include(&l.ast, e4));
    ck_assert_ptr_null(qc_expr_include(&l.ast, &l.ast.exprs[2]));
    ck_assert_str_eq(qc_obj_get_str(&l.ast.exprs[2].value, "struct"), "B");
}

START_TEST(include_loop)
{
    qc_test_write_file("a.json", "{ 'include': 'b.json' }\n");
    qc_test_write_file("b.json", "\n{ 'include': 'a.json' }\n");
    struct load l;
    load(&l, "a.json");
    expect_first(&l, "b.json", 2, "qapi-include-loop");
    char *text = qc_diagnostic_format(qc_test_diag, qc_diag_get(qc_test_diag, 0));
    ck_assert_ptr_nonnull(strstr(text, "In file included from "));
    free(text);
    qc_test_write_file("self.json", "{ 'include': 'self.json' }\n");
    load(&l, "self.json");
    expect_first(&l, "self.json", 1, "qapi-include-loop");
}

START_TEST(include_errors)
{
    struct load l;
    qc_test_write_file("r1.json", "\n{ 'include': 'missing.json' }\n");
    load(&l, "r1.json");
    expect_first(&l, "r1.json", 2, "qapi-include-unreadable");
    ck_assert(!l.io);
    qc_test_write_file("r2.json", "{ 'include': 'x.json', 'foo': 'bar' }\n");
    load(&l, "r2.json");
    expect_first(&l, "r2.json", 1, "qapi-include-invalid");
    qc_test_write_file("r3.json", "{ 'include': [ 'x.json' ] }\n");
    load(&l, "r3.json");
    expect_first(&l, "r3.json", 1, "qapi-include-invalid");
    load(&l, "no-such-root.json");
    ck_assert(!l.ok);
    ck_assert(l.io);
    ck_assert_ptr_null(qc_diagnostic_path(qc_diag_get(qc_test_diag, 0)));
}

START_TEST(pragmas)
{
    struct load l;
    qc_test_write_file("p.json", "{ 'pragma': { 'doc-required': true,\n"
                         "  'member-name-exceptions': [ 'A' ] } }\n"
                         "{ 'pragma': { 'member-name-exceptions': [ 'B', 'C' ] } }\n");
    load(&l, "p.json");
    ck_assert(l.ok);
    ck_assert(l.ast.pragma.doc_required);
    /* A later setting replaces an earlier one. */
    ck_assert_uint_eq(l.ast.pragma.member_name_exceptions.names.n, 2);
    ck_assert(qc_pragma_lists(&l.ast.pragma.member_name_exceptions, "C"));
    ck_assert(!qc_pragma_lists(&l.ast.pragma.member_name_exceptions, "A"));
    const struct { const char *text; const char *code; } bad[] = {
        { "{ 'pragma': { 'doc-required': 'yes' } }\n", "qapi-pragma-type" },
        { "{ 'pragma': { 'command-name-exceptions': [ true ] } }\n", "qapi-pragma-type" },
        { "{ 'pragma': { 'no-such-pragma': true } }\n", "qapi-pragma-unknown" },
        { "{ 'pragma': [ ] }\n", "qapi-pragma-invalid" },
        { "{ 'pragma': {}, 'x': 'y' }\n", "qapi-pragma-invalid" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qc_test_write_file("bad.json", bad[i].text);
        load(&l, "bad.json");
        expect_first(&l, "bad.json", 1, bad[i].code);
    }
}

START_TEST(top_level_and_error_order)
{
    struct load l;
    qc_test_write_file("t.json", "{ 'struct': 'A', 'data': {} }\n[ 'x' ]\n");
    load(&l, "t.json");
    expect_first(&l, "t.json", 2, "qapi-top-level");
    /* The included file's error comes before the syntax error that
     * follows the include directive. */
    qc_test_write_file("inc.json", "{ 'struct' }\n");
    qc_test_write_file("t2.json", "{ 'include': 'inc.json' }\n}\n");
    load(&l, "t2.json");
    expect_first(&l, "inc.json", 1, "syntax-unexpected");
    /* ...but a lexical error right after it comes first. */
    qc_test_write_file("t3.json", "{ 'include': 'inc.json' } 'x\n");
    load(&l, "t3.json");
    expect_first(&l, "t3.json", 1, "qapi-string-unterminated");
}

/* os.path.abspath and os.path.relpath, as QEMU's generator names modules
 * with them (expected values from Python 3.11). */
START_TEST(paths_like_python)
{
    static const struct { const char *path, *start, *abs, *rel; } t[] = {
        { "/a/b", "/a", "/a/b", "b" },
        { "/a/b/", "/a/b/c/d", "/a/b", "../.." },
        { "/x//y///z/.", "/x", "/x/y/z", "y/z" },
        { "/a/../../b", "/c/d", "/b", "../../b" },
        { "/", "/", "/", "." },
        { "/..", "/usr", "/", ".." },
        { "/usr/lib", "/usr/share/doc", "/usr/lib", "../../lib" },
        { "/t/x/y/../z", "/t/x/w", "/t/x/z", "../z" },
        { "/t/a b", "/t/c d", "/t/a b", "../a b" },
        { "/t/q/r", "/t/q/r/s", "/t/q/r", ".." },
        { "/t/q/r/s", "/t/q", "/t/q/r/s", "r/s" },
        { "/t/qr", "/t/q", "/t/qr", "../qr" },
        { "/t/q", "/t/qr", "/t/q", "../q" },
        { "a/./b/..", "a/b", NULL, ".." },
        { "x/y", "x", NULL, "y" },
        { "./././", ".", NULL, "." },
    };
    const char *cwd = qc_path_cwd(qc_test_arena);
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        if (t[i].abs)
            ck_assert_str_eq(qc_path_abs(qc_test_arena, t[i].path), t[i].abs);
        /* The loader's way: the start made absolute once. */
        const char *start = qc_path_abs(qc_test_arena, t[i].start);
        const char *rel = qc_path_rel_from(qc_test_arena, t[i].path, start,
                                           cwd);
        ck_assert_msg(!strcmp(rel, t[i].rel), "relpath(%s, %s) = %s, want %s",
                      t[i].path, t[i].start, rel, t[i].rel);
        ck_assert_msg(!strcmp(qc_path_rel(qc_test_arena, t[i].path,
                                          t[i].start), t[i].rel),
                      "relpath(%s, %s) = %s, want %s", t[i].path, t[i].start,
                      qc_path_rel(qc_test_arena, t[i].path, t[i].start),
                      t[i].rel);
    }
}
END_TEST

/* os.path.join(os.path.dirname(BASE), REL), and a module name that is
 * the end of the path it names is that end (no copy). */
START_TEST(joins_like_python)
{
    static const char *const t[][3] = {
        { "a/b.json", "c.json", "a/c.json" },
        { "b.json", "c.json", "c.json" },
        { "/x.json", "c", "/c" },
        { "//x", "c", "//c" },
        { "a//b", "c", "a/c" },
        { "a/", "c", "a/c" },
        { "a/b", "/abs/c", "/abs/c" },
        { "a/b", "../c", "a/../c" },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        ck_assert_str_eq(qc_path_join_dir(qc_test_arena, t[i][0], t[i][1]),
                         t[i][2]);
    const char *root = qc_path_abs(qc_test_arena, "/r");
    const char *p = "/r/sub/x.json";
    ck_assert_ptr_eq(qc_path_rel_from(qc_test_arena, p, root, "/"), p + 3);
    p = "/r//sub/x.json";
    ck_assert_str_eq(qc_path_rel_from(qc_test_arena, p, root, "/"),
                     "sub/x.json");
    p = "/q/x.json";
    ck_assert_str_eq(qc_path_rel_from(qc_test_arena, p, root, "/"),
                     "../q/x.json");
    p = "sub/x.json";
    ck_assert_ptr_eq(qc_path_rel_from(qc_test_arena, p, root, "/r"), p);
}
END_TEST

/* Each parse goes on in the part of the last one's block of strings it
 * left: the strings of the first stay as they were. */
START_TEST(strings_of_parses_in_turn)
{
    qc_arena *a = qc_arena_new();
    qc_source *s1 = qc_source_from_mem(a, "1.json",
        "{ 'struct': 'First', 'data': { 'one': 'int' } }\n", 48, true);
    qc_source *s2 = qc_source_from_mem(a, "2.json",
        "{ 'struct': 'Second', 'data': { 'two': 'str', 'three': 'int',"
        " 'four': 'bool', 'five': 'number' } }\n", 99, true);
    qc_parse_result r1, r2;
    qc_parse(a, s1, QC_DIALECT_SCHEMA, &r1);
    qc_parse(a, s2, QC_DIALECT_SCHEMA, &r2);
    ck_assert_uint_eq(r1.nitems, 1);
    ck_assert_uint_eq(r2.nitems, 1);
    ck_assert_ptr_null(r1.error);
    ck_assert_ptr_null(r2.error);
    ck_assert_str_eq(qc_obj_get_str(&r1.items[0].value, "struct"), "First");
    const qc_value *data = qc_obj_get(&r1.items[0].value, "data");
    ck_assert_str_eq(qc_obj_get_str(data, "one"), "int");
    ck_assert_str_eq(qc_obj_get_str(&r2.items[0].value, "struct"), "Second");
    data = qc_obj_get(&r2.items[0].value, "data");
    ck_assert_str_eq(qc_obj_get_str(data, "five"), "number");
    qc_parse_release(a, &r2);
    qc_parse_release(a, &r1);
    qc_arena_free(a);
}
END_TEST

Suite *qc_suite_loader(void)
{
    Suite *s = suite_create("loader");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, include_repeat_is_skipped);
    tcase_add_test(tc, include_loop);
    tcase_add_test(tc, paths_like_python);
    tcase_add_test(tc, joins_like_python);
    tcase_add_test(tc, strings_of_parses_in_turn);
    tcase_add_test(tc, include_errors);
    tcase_add_test(tc, pragmas);
    tcase_add_test(tc, top_level_and_error_order);
    suite_add_tcase(s, tc);
    return s;
}
