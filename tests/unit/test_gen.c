/* Unit tests for gen/: the emitter (indentation, formatter, C string
 * literals, Doxygen comments), the naming helpers (c_name protection,
 * camel_to_upper, enum constants, prefixes) and `gen c` on small schemas
 * (identifier clashes, configurations, the file set). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen/cnames.h"
#include "gen/emit.h"
#include "gen/gen.h"
#include "helpers.h"
#include "schema/schema.h"

/* ---- emitter ------------------------------------------------------------ */

START_TEST(emit_indents_lines)
{
    qc_emit e = QC_EMIT_INIT;
    qc_emit_s(&e, "a {\n");
    qc_emit_in(&e);
    qc_emit_s(&e, "b;\n\nc");
    qc_emit_s(&e, "d;\n");
    qc_emit_in(&e);
    qc_emit_f(&e, "%s;\n", "e");
    qc_emit_out(&e);
    qc_emit_out(&e);
    qc_emit_out(&e);        /* below zero stays at zero */
    qc_emit_s(&e, "}\n");
    ck_assert_str_eq(e.b.data, "a {\n    b;\n\n    cd;\n        e;\n}\n");
    qc_emit_free(&e);
}
END_TEST

START_TEST(emit_formats)
{
    qc_emit e = QC_EMIT_INIT;
    qc_emit_f(&e, "%s|%s|%d|%d|%u|%z|%%|%S|%S", "x", NULL, -42, 0, 7u,
              (size_t)123456789012u, "q\"", NULL);
    ck_assert_str_eq(e.b.data, "x||-42|0|7|123456789012|%|\"q\\\"\"|NULL");
    qc_emit_free(&e);
}
END_TEST

START_TEST(emit_take_appends)
{
    qc_emit a = QC_EMIT_INIT, b = QC_EMIT_INIT;
    qc_emit_s(&a, "1\n");
    qc_emit_s(&b, "2\n");
    qc_emit_take(&a, &b);
    qc_emit_take(&a, &b);   /* empty now */
    ck_assert_str_eq(a.b.data, "1\n2\n");
    ck_assert_uint_eq(b.b.len, 0);
    qc_emit_free(&a);
    qc_emit_free(&b);
}
END_TEST

static char *string_body(const char *s)
{
    qc_buf b = QC_BUF_INIT;
    qc_buf_puts(&b, "");
    qc_c_string_body(&b, s);
    return qc_buf_steal(&b);
}

typedef struct mapping {
    const char *in, *out;
} mapping;

/* Checks FN(IN) == OUT for each of the N CASES. */
static void expect_mapped(char *(*fn)(const char *), const mapping *cases,
                          size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *got = fn(cases[i].in);
        ck_assert_msg(!strcmp(got, cases[i].out), "case %zu: got '%s'", i,
                      got);
        free(got);
    }
}

START_TEST(c_strings_are_escaped)
{
    static const mapping cases[] = {
        { "plain", "plain" },
        { "a\"b\\c", "a\\\"b\\\\c" },
        { "l1\nl2\tx\r", "l1\\nl2\\tx\\r" },
        { "\001" "7", "\\0017" },           /* octal never swallows a digit */
        { "\x7f", "\\177" },
        { "what?\?=no", "what?\\?=no" },    /* no trigraph */
        { "?\??", "?\\?\\?" },
        { "caf\xc3\xa9", "caf\xc3\xa9" },   /* UTF-8 as is */
        { "", "" },
    };
    expect_mapped(string_body, cases, sizeof cases / sizeof *cases);
}
END_TEST

static char *doxy(const char *s)
{
    qc_buf b = QC_BUF_INIT;
    qc_buf_puts(&b, "");
    qc_doxygen_escape(&b, s, strlen(s));
    return qc_buf_steal(&b);
}

START_TEST(doxygen_escapes_markup)
{
    static const mapping cases[] = {
        { "see @foo-bar.", "see @p foo-bar." },
        { "@x at start", "@p x at start" },
        { "mail a@b.c", "mail a\\@b.c" },
        { "lone @ sign", "lone \\@ sign" },
        { "a */ b /* c", "a *\\/ b /\\* c" },
        { "why?\?/", "why?\? /" },
        { "<tag> & #1 50% \\n", "\\<tag\\> \\& \\#1 50\\% \\\\n" },
    };
    expect_mapped(doxy, cases, sizeof cases / sizeof *cases);
}
END_TEST

START_TEST(doc_comments)
{
    qc_emit e = QC_EMIT_INIT;
    qc_emit_doc(&e, "", 0);
    ck_assert_uint_eq(e.b.len, 0);
    qc_emit_doc(&e, "\nshort\n\n", 8);
    ck_assert_str_eq(e.b.data, "/** short */\n");
    qc_buf_reset(&e.b);
    qc_emit_in(&e);
    const char *t = "line one\n\nline three  ";
    qc_emit_doc(&e, t, strlen(t));
    ck_assert_str_eq(e.b.data, "    /**\n     * line one\n     *\n"
                               "     * line three\n     */\n");
    qc_emit_free(&e);
}
END_TEST

/* ---- names ------------------------------------------------------------- */

/* The same for a naming function that allocates from an arena. */
static void expect_named(const char *(*fn)(qc_arena *, const char *),
                         const mapping *cases, size_t n)
{
    qc_arena *a = qc_arena_new();
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(fn(a, cases[i].in), cases[i].out);
    qc_arena_free(a);
}

START_TEST(member_names_protected)
{
    static const mapping cases[] = {
        { "foo-bar", "foo_bar" }, { "class", "q_class" },
        { "unix", "q_unix" }, { "constexpr", "q_constexpr" },
        { "static-assert", "q_static_assert" }, { "nullptr", "q_nullptr" },
        { "char8-t", "q_char8_t" }, { "co_await", "q_co_await" },
        { "int64-t", "q_int64_t" }, { "size-t", "q_size_t" },
        { "_BitInt", "q__BitInt" }, { "alignas", "q_alignas" },
        { "uintptr-t", "q_uintptr_t" }, { "typeof-unqual", "q_typeof_unqual" },
        { "__org.qemu_x-member", "__org_qemu_x_member" },
        { "wchar-t", "q_wchar_t" }, { "requires-x", "requires_x" },
        { "NULL", "q_NULL" }, { "INT8_MAX", "q_INT8_MAX" },
        { "UINT64_C", "q_UINT64_C" }, { "SIZE_MAX", "q_SIZE_MAX" },
        { "UUID", "UUID" }, { "PC", "PC" }, { "major", "major" },
    };
    expect_named(qc_gen_member_name, cases, sizeof cases / sizeof *cases);
}
END_TEST

START_TEST(camel_to_upper_like_qemu)
{
    static const mapping cases[] = {
        { "MigrationStatus", "MIGRATION_STATUS" }, { "ENUMName", "ENUM_NAME" },
        { "EnumName1", "ENUM_NAME1" }, { "QType", "QTYPE" },
        /* What QEMU's code does (its docstring claims ENUM_NAME). */
        { "ENUM_NAME", "ENU_M_NAME" },
        { "X86CPURegister32", "X86_CPU_REGISTER32" },
        { "IOThreadInfo", "IO_THREAD_INFO" },
        { "ACPISlotType", "ACPI_SLOT_TYPE" },
        { "BlockdevQcow2Version", "BLOCKDEV_QCOW2_VERSION" },
        { "__org.qemu_x-Enum", "ORG_QEMU_X_ENUM" }, { "A", "A" }, { "", "" },
    };
    expect_named(qc_gen_camel_to_upper, cases, sizeof cases / sizeof *cases);
}
END_TEST

START_TEST(enum_constants)
{
    qc_arena *a = qc_arena_new();
    ck_assert_str_eq(qc_gen_enum_const(a, "MigrationStatus", "pre-switchover",
                                       NULL),
                     "MIGRATION_STATUS_PRE_SWITCHOVER");
    ck_assert_str_eq(qc_gen_enum_const(a, "QEnumTwo", "value1", "QENUM_TWO"),
                     "QENUM_TWO_VALUE1");
    ck_assert_str_eq(qc_gen_enum_const(a, "__org.qemu_x-Enum",
                                       "__org.qemu_x-value", NULL),
                     "ORG_QEMU_X_ENUM___ORG_QEMU_X_VALUE");
    ck_assert_str_eq(qc_gen_enum_const(a, "QType", "_MAX", "QTYPE"),
                     "QTYPE__MAX");
    ck_assert_str_eq(qc_gen_cat(a, "a", "", "bc", NULL), "abc");
    qc_arena_free(a);
}
END_TEST

START_TEST(conditions_as_c)
{
    qc_cond a = { QC_COND_NAME, "A", NULL, 0 }, b = { QC_COND_NAME, "B", NULL, 0 },
            c = { QC_COND_NAME, "C", NULL, 0 };
    qc_cond *bc[] = { &b, &c };
    qc_cond any = { QC_COND_ANY, NULL, bc, 2 };
    qc_cond *anyp[] = { &any };
    qc_cond not = { QC_COND_NOT, NULL, anyp, 1 };
    qc_cond *top[] = { &a, &not };
    qc_cond all = { QC_COND_ALL, NULL, top, 2 };
    qc_buf out = QC_BUF_INIT;
    qc_gen_cond_c(&out, NULL);
    ck_assert_uint_eq(out.len, 0);
    qc_gen_cond_c(&out, &all);
    ck_assert_str_eq(out.data, "defined(A) && !(defined(B) || defined(C))");
    qc_buf_reset(&out);
    qc_gen_cond_c(&out, &any);
    ck_assert_str_eq(out.data, "defined(B) || defined(C)");
    qc_buf_free(&out);
}
END_TEST

START_TEST(prefixes_and_identifiers)
{
    ck_assert(qc_gen_c_prefix_ok("qmp"));
    ck_assert(qc_gen_c_prefix_ok("QGA_2"));
    ck_assert(qc_gen_c_prefix_ok("qapicx"));
    ck_assert(qc_gen_c_prefix_ok("_x"));
    ck_assert(!qc_gen_c_prefix_ok(""));
    ck_assert(!qc_gen_c_prefix_ok("1x"));
    ck_assert(!qc_gen_c_prefix_ok("a-b"));
    ck_assert(!qc_gen_c_prefix_ok("qapic"));
    ck_assert(!qc_gen_c_prefix_ok("QAPIC"));
    ck_assert(!qc_gen_c_prefix_ok("qapic_x"));
    ck_assert(qc_gen_is_identifier("CONFIG_KVM"));
    ck_assert(!qc_gen_is_identifier("CONFIG KVM"));
    ck_assert(!qc_gen_is_identifier("9"));
}
END_TEST

START_TEST(idents_registry)
{
    qc_arena *a = qc_arena_new();
    qc_idents *r = qc_idents_new(a);
    int o1, o2;
    ck_assert_ptr_null(qc_idents_claim(r, "x", &o1));
    ck_assert_ptr_null(qc_idents_claim(r, "y", &o2));
    ck_assert_ptr_eq(qc_idents_claim(r, "x", &o2), &o1);
    qc_arena_free(a);
}
END_TEST

/* ---- gen c on small schemas --------------------------------------------- */

struct run {
    qc_arena *a;
    qc_diag *d;
    qc_schema *s;
    qc_gen_output out;
    bool ok;
};

static void gen(struct run *r, const char *text, const char *const *syms,
                size_t nsyms, bool configured)
{
    qc_test_write_file("t.json", text);
    const char *path = qc_test_path("t.json");
    qc_options o = QC_OPTIONS_DEFAULT;
    memset(r, 0, sizeof *r);
    r->a = qc_arena_new();
    r->d = qc_diag_new();
    r->s = qc_schema_build(r->a, r->d, &o, path, NULL);
    ck_assert_msg(r->s != NULL, "schema: %s",
                  qc_diag_get(r->d, 0)
                  ? qc_diagnostic_message(qc_diag_get(r->d, 0)) : "?");
    qc_gen_c_opts go = { "t", configured, syms, nsyms };
    r->ok = qc_gen_c(r->a, r->d, r->s, &go, &r->out);
}

static void ungen(struct run *r)
{
    qc_gen_output_free(&r->out);
    qc_diag_free(r->d);
    qc_arena_free(r->a);
}

static const char *file(struct run *r, const char *name)
{
    for (size_t i = 0; i < r->out.n; i++)
        if (!strcmp(r->out.files[i].name, name))
            return r->out.files[i].data;
    ck_abort_msg("no file %s", name);
    return NULL;
}

static void expect_fail(const char *text, const char *code, unsigned line,
                        bool configured)
{
    struct run r;
    gen(&r, text, NULL, 0, configured);
    ck_assert(!r.ok);
    ck_assert_uint_eq(r.out.n, 0);
    const qc_diagnostic *dg = qc_diag_get(r.d, 0);
    ck_assert_ptr_nonnull(dg);
    ck_assert_str_eq(qc_diagnostic_code(dg), code);
    ck_assert_uint_eq(qc_diagnostic_line(dg), line);
    ungen(&r);
}

START_TEST(clashing_enum_constants)
{
    /* FOO_BAR_X twice: QEMU's naming gives both values one constant. */
    expect_fail("{ 'enum': 'FooBar', 'data': [ 'x' ] }\n"
                "{ 'enum': 'Foo', 'data': [ 'bar-x' ] }\n",
                "gen-name-clash", 2, false);
    /* A prefix ending in '_' meets another enum's sentinel. */
    expect_fail("{ 'enum': 'Ab', 'data': [ 'x' ] }\n"
                "{ 'enum': 'Cd', 'prefix': 'AB_', 'data': [ 'max' ] }\n",
                "gen-name-clash", 2, false);
}
END_TEST

START_TEST(enum_prefix_verbatim)
{
    expect_fail("{ 'enum': 'Ab', 'prefix': 'A-B', 'data': [ 'x' ] }\n",
                "gen-bad-enum-prefix", 1, false);
    struct run r;
    gen(&r, "{ 'enum': 'QEnumTwo', 'prefix': 'QENUM_TWO', 'data': [ 'v1' ] }\n"
            "{ 'enum': 'Low', 'prefix': 'low', 'data': [ 'v1' ] }\n",
        NULL, 0, false);
    ck_assert(r.ok);
    const char *h = file(&r, "t-types.h");
    ck_assert_ptr_nonnull(strstr(h, "T_QENUM_TWO_V1 = 0,"));
    ck_assert_ptr_nonnull(strstr(h, "T_QENUM_TWO__MAX = 1"));
    ck_assert_ptr_nonnull(strstr(h, "T_low_V1 = 0,"));
    ungen(&r);
}
END_TEST

START_TEST(clashing_stubs)
{
    expect_fail("{ 'command': 'foo' }\n{ 'command': 'foo-async' }\n",
                "gen-name-clash", 2, false);
    expect_fail("{ 'command': 'type' }\n", "gen-name-clash", 1, false);
}
END_TEST

START_TEST(configuration_drops_needed_type)
{
    const char *schema =
        "{ 'struct': 'Tee', 'data': {}, 'if': 'X' }\n"
        "{ 'struct': 'Str', 'data': { 'm': 'Tee' } }\n";
    expect_fail(schema, "gen-excluded-type", 2, true);
    struct run r;
    static const char *const x[] = { "X" };
    gen(&r, schema, x, 1, true);
    ck_assert(r.ok);
    ungen(&r);
    gen(&r, schema, NULL, 0, false);    /* all conditions: fine */
    ck_assert(r.ok);
    ungen(&r);
}
END_TEST

static const char cond_schema[] =
    "{ 'enum': 'Enm', 'data': [ 'a', { 'name': 'b', 'if': 'X' } ] }\n"
    "{ 'struct': 'Str', 'data': { 'keep': 'int',\n"
    "  '*drop': { 'type': 'str', 'if': { 'not': 'Y' } },\n"
    "  'cm': { 'type': 'int', 'if': 'Y' } } }\n"
    "{ 'command': 'c', 'if': 'X' }\n";

START_TEST(conditions_are_data)
{
    struct run r;
    gen(&r, cond_schema, NULL, 0, false);
    ck_assert(r.ok);
    const char *h = file(&r, "t-types.h");
    ck_assert_ptr_nonnull(strstr(h, "T_ENM_B = 1,"));
    ck_assert_ptr_nonnull(strstr(h, "char *drop;"));
    const char *c = file(&r, "t-types-t.c");
    ck_assert_ptr_nonnull(strstr(c, "{ QAPIC_COND_NAME, \"Y\", NULL, 0, "
                                    "\"defined(Y)\" }"));
    ck_assert_ptr_nonnull(strstr(c, "QAPIC_COND_NOT, NULL, t__c"));
    ck_assert_ptr_nonnull(strstr(c, "\"!defined(Y)\" }"));
    ck_assert_ptr_nonnull(strstr(c, "const qapic_command t_CMD_c = {"));
    /* A conditional mandatory member may be absent: a flag, still
     * mandatory in the descriptor. */
    ck_assert_ptr_nonnull(strstr(h, "bool has_cm;\n    int64_t cm;"));
    ck_assert_ptr_nonnull(strstr(c, "{ \"cm\", &qapic_type_int, "
        "offsetof(t_Str, cm), offsetof(t_Str, has_cm), 0, &t__c"));
    ungen(&r);
}
END_TEST

START_TEST(configuration_leaves_out)
{
    struct run r;
    static const char *const y[] = { "Y" };
    gen(&r, cond_schema, y, 1, true);
    ck_assert(r.ok);
    const char *h = file(&r, "t-types.h");
    ck_assert_ptr_null(strstr(h, "T_ENM_B"));
    ck_assert_ptr_nonnull(strstr(h, "T_ENM__MAX = 1"));
    ck_assert_ptr_null(strstr(h, " drop;"));
    ck_assert_ptr_nonnull(strstr(h, "int64_t keep;"));
    /* Kept by the configuration: there, no presence flag. */
    ck_assert_ptr_nonnull(strstr(h, "int64_t cm;"));
    ck_assert_ptr_null(strstr(h, "has_cm"));
    ck_assert_ptr_null(strstr(file(&r, "t-commands.h"), "t_c("));
    ck_assert_ptr_null(strstr(file(&r, "t-schema.c"), "t_CMD_c"));
    ungen(&r);
}
END_TEST

START_TEST(file_set_and_names)
{
    qc_test_mkdir("sub");
    qc_test_write_file("sub/inc.json", "{ 'struct': 'Inc', 'data': { 'class': 'int',"
                               " '*constexpr': 'bool' } }\n");
    struct run r;
    gen(&r, "{ 'include': 'sub/inc.json' }\n"
            "{ 'event': 'EV', 'data': { 'i': 'Inc' } }\n"
            "{ 'command': 'do-it', 'data': { 'n': ['Inc'] }, "
            "'returns': 'Inc' }\n", NULL, 0, false);
    ck_assert(r.ok);
    static const char *const names[] = {
        "t.h", "t-types.h", "t-commands.h", "t-events.h",
        "t-types-builtin.c", "t-types-t.c", "t-types-sub-inc.c",
        "t-schema.c", "t-commands.c", "t-events.c",
    };
    ck_assert_uint_eq(r.out.n, sizeof names / sizeof *names);
    for (size_t i = 0; i < r.out.n; i++)
        ck_assert_str_eq(r.out.files[i].name, names[i]);
    const char *h = file(&r, "t-types.h");
    ck_assert_ptr_nonnull(strstr(h, "int64_t q_class;"));
    ck_assert_ptr_nonnull(strstr(h, "bool has_q_constexpr;"));
    ck_assert_ptr_nonnull(strstr(h, "struct t_IncList {"));
    ck_assert_ptr_nonnull(strstr(h, "t_Inc **items;"));
    ck_assert_ptr_nonnull(strstr(file(&r, "t-commands.h"),
        "t_Inc *t_do_it(qapic_client *client, "
        "const t_q_obj_do_it_arg *args, qapic_error **err);"));
    ck_assert_ptr_nonnull(strstr(file(&r, "t-events.h"),
        "typedef void t_EV_fn(qapic_client *client,\n"
        "    const qapic_event_msg *ev, const t_q_obj_EV_arg *data, "
        "void *opaque);"));
    ck_assert_ptr_nonnull(strstr(file(&r, "t-types-sub-inc.c"),
        "offsetof(t_Inc, q_constexpr), offsetof(t_Inc, has_q_constexpr)"));
    ungen(&r);
}
END_TEST

START_TEST(output_is_deterministic)
{
    struct run r1, r2;
    gen(&r1, cond_schema, NULL, 0, false);
    gen(&r2, cond_schema, NULL, 0, false);
    ck_assert_uint_eq(r1.out.n, r2.out.n);
    for (size_t i = 0; i < r1.out.n; i++) {
        ck_assert_uint_eq(r1.out.files[i].len, r2.out.files[i].len);
        ck_assert(!memcmp(r1.out.files[i].data, r2.out.files[i].data,
                          r1.out.files[i].len));
    }
    ungen(&r1);
    ungen(&r2);
}
END_TEST

Suite *qc_suite_gen(void)
{
    Suite *s = suite_create("gen");
    TCase *tc = tcase_create("emit");
    tcase_add_test(tc, emit_indents_lines);
    tcase_add_test(tc, emit_formats);
    tcase_add_test(tc, emit_take_appends);
    tcase_add_test(tc, c_strings_are_escaped);
    tcase_add_test(tc, doxygen_escapes_markup);
    tcase_add_test(tc, doc_comments);
    suite_add_tcase(s, tc);
    tc = tcase_create("names");
    tcase_add_test(tc, member_names_protected);
    tcase_add_test(tc, camel_to_upper_like_qemu);
    tcase_add_test(tc, enum_constants);
    tcase_add_test(tc, conditions_as_c);
    tcase_add_test(tc, prefixes_and_identifiers);
    tcase_add_test(tc, idents_registry);
    suite_add_tcase(s, tc);
    tc = tcase_create("c");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, clashing_enum_constants);
    tcase_add_test(tc, enum_prefix_verbatim);
    tcase_add_test(tc, clashing_stubs);
    tcase_add_test(tc, configuration_drops_needed_type);
    tcase_add_test(tc, conditions_are_data);
    tcase_add_test(tc, configuration_leaves_out);
    tcase_add_test(tc, file_set_and_names);
    tcase_add_test(tc, output_is_deterministic);
    suite_add_tcase(s, tc);
    return s;
}
