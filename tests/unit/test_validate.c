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
#include "dumps/qmplog.h"
#include "dumps/validate.h"
#include "dumps/vschema.h"
#include "helpers.h"
#include "schema/introspect.h"

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


/* ---- source schemas: exact widths, 'gen': false, conditions ------------- */

static const char source_text[] =
    "{ 'enum': 'Mode', 'data': [ 'fast',\n"
    "    { 'name': 'slow', 'features': [ 'deprecated' ] },\n"
    "    { 'name': 'odd', 'if': 'CONFIG_ODD' } ] }\n"
    "{ 'struct': 'Widths', 'data': { '*i8': 'int8', '*u8': 'uint8',\n"
    "    '*i16': 'int16', '*u16': 'uint16', '*i32': 'int32', '*u32': 'uint32',\n"
    "    '*i64': 'int64', '*u64': 'uint64', '*sz': 'size', '*i': 'int',\n"
    "    '*n': 'number', '*list': ['uint8'] } }\n"
    "{ 'command': 'widths', 'data': 'Widths' }\n"
    "{ 'command': 'dev-add', 'data': { 'driver': 'str', '*id': 'str' },\n"
    "  'gen': false }\n"
    "{ 'command': 'fast-cmd', 'allow-oob': true }\n"
    "{ 'command': 'cond-cmd', 'if': 'CONFIG_X' }\n"
    "{ 'command': 'with-mode', 'data': { 'mode': 'Mode',\n"
    "    'dep': { 'type': 'str', 'features': [ 'deprecated' ] } } }\n";

static const qc_vschema *source_view(const char *const *syms, size_t n)
{
    qc_schema *s = qc_test_schema(source_text);
    ck_assert_msg(s != NULL, "%s", qc_test_first_code());
    return qc_vschema_from_model(qc_test_arena, s, syms, n);
}

static struct problems notes;

struct both {
    struct problems *problems, *notes;
};

static void collect_problem(void *ctx, const char *path, const qc_value *at,
                            const char *code, const char *message)
{
    collect(((struct both *)ctx)->problems, path, at, code, message);
}

static void collect_note(void *ctx, const char *path, const qc_value *at,
                         const char *code, const char *message)
{
    collect(((struct both *)ctx)->notes, path, at, code, message);
}

/* The problems of CMD against S (in GOT; its notes in NOTES). */
static size_t run_on(const qc_vschema *s, const char *cmd)
{
    qc_validate_opts o = { .note = collect_note };
    struct both b = { &got, &notes };
    memset(&got, 0, sizeof got);
    memset(&notes, 0, sizeof notes);
    size_t n = qc_validate_command(qc_test_arena, s, qc_test_json1(cmd), &o,
                                   collect_problem, &b);
    ck_assert_uint_eq(n, got.n);
    return n;
}

/* The number of notes on CMD against S. */
static size_t notes_on(const qc_vschema *s, const char *cmd)
{
    run_on(s, cmd);
    return notes.n;
}

static void expect_range(const qc_vschema *s, const char *member, const char *value,
                         bool ok)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "{\"execute\": \"widths\", \"arguments\": {\"%s\": %s}}",
             member, value);
    size_t n = run_on(s, cmd);
    ck_assert_msg(ok ? n == 0 : n == 1, "%s = %s: %zu problems (%s)", member, value,
                  n, n ? got.msg[0] : "");
}

START_TEST(integer_widths)
{
    const qc_vschema *s = source_view(NULL, 0);
    ck_assert(qc_vschema_exact(s));
    static const struct { const char *m, *v; bool ok; } cases[] = {
        { "i8", "127", true }, { "i8", "128", false }, { "i8", "-128", true },
        { "i8", "-129", false }, { "u8", "255", true }, { "u8", "256", false },
        { "u8", "-1", false }, { "i16", "32767", true }, { "i16", "-32769", false },
        { "u16", "65535", true }, { "u16", "65536", false },
        { "i32", "2147483647", true }, { "i32", "2147483648", false },
        { "u32", "4294967295", true }, { "u32", "4294967296", false },
        { "u32", "-1", false },
        { "i64", "9223372036854775807", true }, { "i64", "9223372036854775808", false },
        { "i", "-9223372036854775808", true }, { "i", "9223372036854775808", false },
        /* uint64 and size take negative numbers, as QEMU does */
        { "u64", "-1", true }, { "u64", "18446744073709551615", true },
        { "u64", "-9223372036854775808", true },
        { "u64", "18446744073709551616", false }, { "sz", "-1", true },
        { "sz", "18446744073709551615", true }, { "sz", "1.0", false },
        { "i", "1.0", false }, { "i", "1e3", false }, { "n", "1", true },
        { "n", "18446744073709551616", true }, { "n", "\"1\"", false },
        { "list", "[0, 255]", true }, { "list", "[256]", false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_range(s, cases[i].m, cases[i].v, cases[i].ok);
    run_on(s, "{\"execute\": \"widths\", \"arguments\": {\"u8\": 256}}");
    ck_assert_str_eq(got.code[0], "qmp-int-range");
    ck_assert_str_eq(got.path[0], "arguments.u8");
    ck_assert_str_eq(got.msg[0], "256 is out of the range of uint8 (0 to 255)");
    run_on(s, "{\"execute\": \"widths\", \"arguments\": {\"i\": 1.5}}");
    ck_assert_str_eq(got.code[0], "qmp-type-mismatch");
}
END_TEST

START_TEST(widths_lost_in_introspection)
{
    qc_schema *model = qc_test_schema(source_text);
    qc_introspect_opts io = QC_INTROSPECT_OPTS_DEFAULT;
    io.all_conditions_true = true;
    const qc_value *arr = qc_introspect(qc_test_arena, model, &io);
    const qc_vschema *s = qc_vschema_from_ischema(qc_test_arena,
                                                  qc_ischema_new(qc_test_arena, arr),
                                                  NULL);
    ck_assert(!qc_vschema_exact(s));
    /* Any integer will do, with a note beyond what every width takes. */
    ck_assert_uint_eq(run_on(s, "{\"execute\": \"widths\", \"arguments\": {\"u8\": 256}}"), 0);
    ck_assert_uint_eq(notes_on(s, "{\"execute\": \"widths\", \"arguments\": {\"u8\": 256}}"), 1);
    ck_assert_str_eq(notes.code[0], "qmp-width-unknown");
    ck_assert_str_eq(notes.msg[0],
                     "the width of 'u8' is not recorded in query-qmp-schema: checked as int64/uint64 only");
    ck_assert_uint_eq(notes_on(s, "{\"execute\": \"widths\", \"arguments\": {\"u8\": 127}}"), 0);
    ck_assert_uint_eq(run_on(s, "{\"execute\": \"widths\", \"arguments\": {\"i8\": 1.5}}"), 1);
    /* 'gen': false is lost too: this command is not one qapic knows. */
    ck_assert_uint_eq(run_on(s, "{\"execute\": \"dev-add\", \"arguments\": {\"driver\": \"d\", \"x\": 1}}"), 1);
    ck_assert_str_eq(got.code[0], "qmp-unknown-member");
}
END_TEST

START_TEST(gen_false_takes_more)
{
    const qc_vschema *s = source_view(NULL, 0);
    const char *cmd = "{\"execute\": \"dev-add\", \"arguments\": {\"driver\": \"d\","
                      " \"drive\": \"x\", \"share-rw\": true}}";
    ck_assert_uint_eq(run_on(s, cmd), 0);
    ck_assert_uint_eq(notes_on(s, cmd), 1);
    ck_assert_str_eq(notes.code[0], "qmp-unchecked-arguments");
    ck_assert_str_eq(notes.path[0], "arguments");
    ck_assert_ptr_nonnull(strstr(notes.msg[0], "'drive', 'share-rw'"));
    /* The handler needs its mandatory arguments... */
    ck_assert_uint_eq(run_on(s, "{\"execute\": \"dev-add\", \"arguments\": {\"drive\": \"x\"}}"), 1);
    ck_assert_str_eq(got.code[0], "qmp-missing-member");
    ck_assert_uint_eq(run_on(s, "{\"execute\": \"dev-add\", \"arguments\": {\"driver\": 1}}"), 1);
    /* ...and does what it likes with the others: a note. */
    cmd = "{\"execute\": \"dev-add\", \"arguments\": {\"driver\": \"d\", \"id\": 5}}";
    ck_assert_uint_eq(run_on(s, cmd), 0);
    ck_assert_uint_eq(notes_on(s, cmd), 1);
    ck_assert_str_eq(notes.path[0], "arguments.id");
    ck_assert_str_eq(notes.code[0], "qmp-unchecked-arguments");
}
END_TEST

/* The start of an introspected schema: str, an empty object '0' and
 * device_add's arguments '1'. */
#define DEVICE_ADD_TYPES \
        "[{\"name\": \"str\", \"meta-type\": \"builtin\", \"json-type\": \"string\"}," \
        " {\"name\": \"0\", \"meta-type\": \"object\", \"members\": []}," \
        " {\"name\": \"1\", \"meta-type\": \"object\", \"members\": [" \
        "   {\"name\": \"driver\", \"type\": \"str\"}, {\"name\": \"id\", \"type\": \"str\", \"default\": null}]},"

START_TEST(known_gen_false_commands)
{
    /* device_add in any dump; netdev_add while it took two strings. */
    const char *text =
        DEVICE_ADD_TYPES
        " {\"name\": \"2\", \"meta-type\": \"object\", \"members\": ["
        "   {\"name\": \"type\", \"type\": \"str\"}, {\"name\": \"id\", \"type\": \"str\"}]},"
        " {\"name\": \"3\", \"meta-type\": \"object\", \"members\": ["
        "   {\"name\": \"qom-type\", \"type\": \"str\"}, {\"name\": \"id\", \"type\": \"str\"},"
        "   {\"name\": \"props\", \"type\": \"str\", \"default\": null}]},"
        " {\"name\": \"device_add\", \"meta-type\": \"command\", \"arg-type\": \"1\", \"ret-type\": \"0\"},"
        " {\"name\": \"netdev_add\", \"meta-type\": \"command\", \"arg-type\": \"2\", \"ret-type\": \"0\"},"
        " {\"name\": \"object-add\", \"meta-type\": \"command\", \"arg-type\": \"3\", \"ret-type\": \"0\"}]";
    qc_ischema *is = qc_ischema_new(qc_test_arena, qc_test_json1(text));
    const qc_vschema *s = qc_vschema_from_ischema(qc_test_arena, is, NULL);
    ck_assert_int_eq(qc_vschema_command(s, "device_add")->gen, QC_GEN_FALSE_ASSUMED);
    ck_assert_int_eq(qc_vschema_command(s, "netdev_add")->gen, QC_GEN_FALSE_ASSUMED);
    /* object-add with 'props': 5.0 (gen false) or older (not). */
    ck_assert_int_eq(qc_vschema_command(s, "object-add")->gen, QC_GEN_UNKNOWN);
    qc_version v52 = { 5, 2, 0, true }, v42 = { 4, 2, 0, true };
    s = qc_vschema_from_ischema(qc_test_arena, is, &v52);
    ck_assert_int_eq(qc_vschema_command(s, "object-add")->gen, QC_GEN_FALSE_ASSUMED);
    s = qc_vschema_from_ischema(qc_test_arena, is, &v42);
    ck_assert_int_eq(qc_vschema_command(s, "object-add")->gen, QC_GEN_NORMAL);
    const char *cmd = "{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"virtio-blk-pci\","
                      " \"drive\": \"d0\", \"iothread\": \"io0\"}}";
    ck_assert_uint_eq(run_on(s, cmd), 0);
    ck_assert_uint_eq(notes_on(s, cmd), 1);
    ck_assert_ptr_nonnull(strstr(notes.msg[0], "query-qmp-schema does not record"));
}
END_TEST

/* The view reduced to some commands: those and the types they reach,
 * with the whole view's verdicts on them; nothing else. */
START_TEST(view_of_some_commands)
{
    const char *text =
        DEVICE_ADD_TYPES
        " {\"name\": \"2\", \"meta-type\": \"object\", \"members\": ["
        "   {\"name\": \"n\", \"type\": \"3\"}]},"
        " {\"name\": \"3\", \"meta-type\": \"enum\", \"values\": [\"a\", \"b\"]},"
        " {\"name\": \"device_add\", \"meta-type\": \"command\", \"arg-type\": \"1\", \"ret-type\": \"0\"},"
        " {\"name\": \"pick\", \"meta-type\": \"command\", \"arg-type\": \"2\", \"ret-type\": \"0\"},"
        " {\"name\": \"EV\", \"meta-type\": \"event\", \"arg-type\": \"0\"}]";
    qc_ischema *is = qc_ischema_new(qc_test_arena, qc_test_json1(text));
    const char *names[] = { "pick", "nothing", "EV", "pick" };
    const qc_vschema *s = qc_vschema_from_ischema_only(qc_test_arena, is, NULL, names, 4);
    ck_assert_uint_eq(qc_vschema_ncommands(s), 1);
    ck_assert_str_eq(qc_vschema_command_at(s, 0)->name, "pick");
    ck_assert_ptr_null(qc_vschema_command(s, "device_add"));
    ck_assert_ptr_null(qc_vschema_type(s, "1"));
    ck_assert_int_eq(qc_vschema_type(s, "3")->kind, QC_VT_ENUM);
    const qc_vschema *all = qc_vschema_from_ischema(qc_test_arena, is, NULL);
    const char *cmds[] = {
        "{\"execute\": \"pick\", \"arguments\": {\"n\": \"a\"}}",
        "{\"execute\": \"pick\", \"arguments\": {\"n\": \"c\"}}",
        "{\"execute\": \"pick\", \"arguments\": {\"m\": 1}}",
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        ck_assert_uint_eq(run_on(s, cmds[i]), run_on(all, cmds[i]));
    ck_assert_uint_eq(run_on(s, cmds[1]), 1);
    names[0] = "device_add";
    s = qc_vschema_from_ischema_only(qc_test_arena, is, NULL, names, 1);
    ck_assert_int_eq(qc_vschema_command(s, "device_add")->gen, QC_GEN_FALSE_ASSUMED);
}
END_TEST

START_TEST(conditions_of_a_build)
{
    const qc_vschema *all = source_view(NULL, 0);
    ck_assert_ptr_nonnull(qc_vschema_command(all, "cond-cmd"));
    static const char *const syms[] = { "CONFIG_OTHER" };
    const qc_vschema *some = source_view(syms, 1);
    ck_assert_ptr_null(qc_vschema_command(some, "cond-cmd"));
    ck_assert_uint_eq(run_on(some, "{\"execute\": \"cond-cmd\"}"), 1);
    ck_assert_str_eq(got.code[0], "qmp-unknown-command");
    const char *odd = "{\"execute\": \"with-mode\", \"arguments\": {\"mode\": \"odd\", \"dep\": \"x\"}}";
    qc_validate_opts o = { .allow_deprecated = true };
    memset(&got, 0, sizeof got);
    ck_assert_uint_eq(qc_validate_command(qc_test_arena, some, qc_test_json1(odd), &o,
                                          collect, &got), 1);
    ck_assert_str_eq(got.code[0], "qmp-bad-enum-value");
    memset(&got, 0, sizeof got);
    ck_assert_uint_eq(qc_validate_command(qc_test_arena, all, qc_test_json1(odd), &o,
                                          collect, &got), 0);
}
END_TEST

START_TEST(qemu_order)
{
    const qc_vschema *s = source_view(NULL, 0);
    /* A mandatory deprecated member: the policy is asked before presence. */
    ck_assert_uint_eq(run_on(s, "{\"execute\": \"with-mode\", \"arguments\": {\"mode\": \"fast\"}}"), 2);
    ck_assert_str_eq(got.code[0], "qmp-deprecated");
    ck_assert_str_eq(got.code[1], "qmp-missing-member");
    ck_assert_str_eq(got.path[1], "arguments.dep");
    /* Members in schema order, unknown keys last. */
    ck_assert_uint_eq(run_on(s, "{\"execute\": \"widths\", \"arguments\": {\"zz\": 1, \"u8\": \"x\"}}"), 2);
    ck_assert_str_eq(got.path[0], "arguments.u8");
    ck_assert_str_eq(got.path[1], "arguments.zz");
    /* The command object's keys in QEMU's QDict order. */
    ck_assert_uint_eq(run_on(s, "{\"execute\": \"fast-cmd\", \"zzz\": 1, \"aaa\": 2}"), 2);
    bool zzz_first = qc_qdict_bucket("zzz") < qc_qdict_bucket("aaa");
    ck_assert_str_eq(got.path[0], zzz_first ? "zzz" : "aaa");
    /* exec-oob. */
    ck_assert_uint_eq(run_on(s, "{\"exec-oob\": \"fast-cmd\"}"), 0);
    ck_assert_uint_eq(run_on(s, "{\"exec-oob\": \"widths\"}"), 1);
    ck_assert_str_eq(got.code[0], "qmp-no-oob");
    ck_assert_uint_eq(run_on(s, "{\"exec-oob\": \"fast-cmd\", \"execute\": \"fast-cmd\"}"), 1);
    ck_assert_str_eq(got.code[0], "qmp-bad-command");
    /* A command without arguments takes none. */
    ck_assert_uint_eq(run_on(s, "{\"execute\": \"fast-cmd\", \"arguments\": {\"a\": 1}}"), 1);
    ck_assert_str_eq(got.code[0], "qmp-unknown-member");
    /* A duplicate key is refused before anything else. */
    ck_assert_uint_ge(run_on(s, "{\"execute\": \"nope\", \"arguments\": {\"a\": 1, \"a\": 2}}"), 1);
    ck_assert_str_eq(got.code[0], "qmp-duplicate-member");
}
END_TEST

/* ---- QMP logs -------------------------------------------------------------- */

START_TEST(logs_with_text_and_single_quotes)
{
    const char *text =
        "QA output created by 999\n"
        "{ 'execute': 'qmp_capabilities' }\n"
        "{\"return\": {}}\n"
        "=== Testing it ===\n"
        "{ 'execute': 'blockdev-add',\n"
        "  'arguments': { 'driver': 'null-co', 'node-name': \"it's\" } }\n"
        "-> {\"execute\": \"query-status\"}\n"
        "{ broken }\n"
        "DEBUG:qemu.qmp:--> {\"execute\": \"stop\"}\n"
        "not a message: {\"execute\": \"cont\"}\n"
        "{\"execute\": \"x\", \"arguments\": {\"s\": \"say \\\"hi\\\" 'now'\"}}\n";
    qc_qmplog log;
    qc_qmplog_read(qc_test_arena, qc_test_source(text, false), &log);
    ck_assert(!log.plain);
    ck_assert_uint_eq(log.n, 6);
    ck_assert_uint_eq(log.skipped, 1);
    ck_assert(qc_qmplog_is_command(&log.msgs[0]));
    ck_assert(!qc_qmplog_is_command(&log.msgs[1]));
    ck_assert_str_eq(qc_obj_get_str(&log.msgs[2], "execute"), "blockdev-add");
    ck_assert_str_eq(qc_obj_get_str(qc_obj_get(&log.msgs[2], "arguments"), "node-name"), "it's");
    ck_assert_uint_eq(qc_source_line(qc_loc_src(qc_value_loc(&log.msgs[2])), qc_value_loc(&log.msgs[2]).off), 5);
    ck_assert_uint_eq(qc_source_line(qc_loc_src(qc_value_loc(&log.msgs[3])), qc_value_loc(&log.msgs[3]).off), 7);
    ck_assert_str_eq(qc_obj_get_str(&log.msgs[4], "execute"), "stop");
    ck_assert_str_eq(qc_obj_get_str(qc_obj_get(&log.msgs[5], "arguments"), "s"),
                     "say \"hi\" 'now'");
    /* A plain stream is taken as it is. */
    qc_qmplog_read(qc_test_arena, qc_test_source("{\"a\": 1} {\"b\": 2}", false), &log);
    ck_assert(log.plain);
    ck_assert_uint_eq(log.n, 2);
    /* QEMU's dialect in command arguments: 'x' is "x". */
    size_t n = 0;
    qc_value *v = qc_qmp_parse(qc_test_arena,
                                qc_test_source("{'execute': 'a\\'b', 'id': \"c'd\"}", false),
                                qc_test_diag, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(qc_obj_get_str(&v[0], "execute"), "a'b");
    ck_assert_str_eq(qc_obj_get_str(&v[0], "id"), "c'd");
    ck_assert_ptr_null(qc_qmp_parse(qc_test_arena, qc_test_source("{'a' 1}", false),
                                    qc_test_diag, &n));
    ck_assert_uint_eq(qc_diag_error_count(qc_test_diag), 1);
}
END_TEST

START_TEST(log_messages_keep_their_columns)
{
    /* Before the '{': a tab, non-ASCII text, an arrow.  The rewritten log
     * locates each message at the line and column it has in the file. */
    const char *text =
        "\t-> {'execute': 'stop'}\n"
        "[caf\xc3\xa9 \xe2\x86\x92] <- {\"return\": {}}\n"
        "\xc3\xa9t\xc3\xa9: -> {'execute': 'cont'}\n";
    qc_source *src = qc_test_source(text, false);
    qc_qmplog log;
    qc_qmplog_read(qc_test_arena, src, &log);
    ck_assert(!log.plain);
    ck_assert_uint_eq(log.n, 3);
    static const uint32_t at[] = { 4, 15, 10 };     /* bytes of the '{'s */
    for (size_t i = 0; i < 3; i++) {
        const qc_value *m = &log.msgs[i];
        uint32_t off = qc_source_line_offset(src, (unsigned)i + 1) + at[i];
        ck_assert_int_eq(src->text[off], '{');
        ck_assert_uint_eq(qc_source_line(qc_loc_src(qc_value_loc(m)), qc_value_loc(m).off), i + 1);
        ck_assert_uint_eq(qc_source_column(qc_loc_src(qc_value_loc(m)), qc_value_loc(m).off),
                          qc_source_column(src, off));
    }
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
    tcase_add_test(tc, integer_widths);
    tcase_add_test(tc, widths_lost_in_introspection);
    tcase_add_test(tc, gen_false_takes_more);
    tcase_add_test(tc, known_gen_false_commands);
    tcase_add_test(tc, view_of_some_commands);
    tcase_add_test(tc, conditions_of_a_build);
    tcase_add_test(tc, qemu_order);
    tcase_add_test(tc, logs_with_text_and_single_quotes);
    tcase_add_test(tc, log_messages_keep_their_columns);
    suite_add_tcase(s, tc);
    return s;
}
