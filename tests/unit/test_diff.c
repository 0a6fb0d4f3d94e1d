/* Unit tests for compat/diff.c: the classification rules of qapic diff on
 * small hand-written introspection arrays, paths, recursion and masking. */
#include <check.h>
#include <string.h>

#include "base/buf.h"
#include "compat/diff.h"
#include "compat/diff_report.h"
#include "dumps/ischema.h"
#include "dumps/query.h"
#include "helpers.h"

#define arena qc_test_arena

/* Builtins every test schema has. */
static const char builtins[] =
    "{'name': 'str', 'meta-type': 'builtin', 'json-type': 'string'},"
    "{'name': 'int', 'meta-type': 'builtin', 'json-type': 'int'},"
    "{'name': 'number', 'meta-type': 'builtin', 'json-type': 'number'},"
    "{'name': 'bool', 'meta-type': 'builtin', 'json-type': 'boolean'},"
    "{'name': 'null', 'meta-type': 'builtin', 'json-type': 'null'},"
    "{'name': 'any', 'meta-type': 'builtin', 'json-type': 'value'},"
    "{'name': '0', 'meta-type': 'object', 'members': []}";

/* An introspected schema from ENTRIES, written with ' for " to stay
 * readable. */
static qc_ischema *mk(const char *entries)
{
    qc_buf b = QC_BUF_INIT;
    size_t len = strlen(entries);
    while (len && (entries[len - 1] == ',' || entries[len - 1] == ' '))
        len--;
    qc_buf_printf(&b, "[%.*s%s%s]", (int)len, entries, len ? "," : "", builtins);
    for (char *p = b.data; *p; p++)
        if (*p == '\'')
            *p = '"';
    qc_value *v = qc_test_json1(b.data);
    qc_buf_free(&b);
    return qc_ischema_new(arena, v);
}

static const qc_diff_result *diff(const char *old_entries,
                                  const char *new_entries)
{
    return qc_diff(arena, mk(old_entries), mk(new_entries));
}

static const qc_diff_change *find(const qc_diff_result *r, const char *path,
                                  qc_diff_kind kind)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->changes[i].path, path) && r->changes[i].kind == kind)
            return &r->changes[i];
    return NULL;
}

/* The only change of R is KIND at PATH, classified CLS. */
static void expect_one(const qc_diff_result *r, const char *path,
                       qc_diff_kind kind, qc_diff_class cls)
{
    for (size_t i = 0; i < r->n; i++)
        ck_assert_msg(!strcmp(r->changes[i].path, path)
                      && r->changes[i].kind == kind,
                      "unexpected change %s at %s: %s",
                      qc_diff_kind_name(r->changes[i].kind),
                      r->changes[i].path, r->changes[i].message);
    ck_assert_msg(r->n == 1, "expected %s at %s, got %zu changes",
                  qc_diff_kind_name(kind), path, r->n);
    ck_assert_msg(r->changes[0].cls == cls, "%s: %s is %s, expected %s", path,
                  r->changes[0].message, qc_diff_class_name(r->changes[0].cls),
                  qc_diff_class_name(cls));
}

/* A command "c" taking object A and returning object R. */
#define CMD(extra) \
    "{'name': 'c', 'meta-type': 'command', 'arg-type': 'A', 'ret-type': 'R'" \
    extra "},"
#define OBJ(name, members) \
    "{'name': '" name "', 'meta-type': 'object', 'members': [" members "]}"

START_TEST(identical_and_renamed)
{
    const char *s = CMD("") OBJ("A", "{'name': 'x', 'type': 'str'}") ","
                    OBJ("R", "{'name': 'y', 'type': 'E', 'default': null}") ","
                    "{'name': 'E', 'meta-type': 'enum', 'members': [{'name': 'a'}]}";
    ck_assert_uint_eq(diff(s, s)->n, 0);
    /* Other type names, other order of members and entries: no change. */
    const char *t = "{'name': 'c', 'meta-type': 'command', 'arg-type': '7', "
                    "'ret-type': '9'},"
                    "{'name': '5', 'meta-type': 'enum', 'members': [{'name': 'a'}]},"
                    OBJ("9", "{'name': 'y', 'type': '5', 'default': null}") ","
                    OBJ("7", "{'name': 'x', 'type': 'str'}");
    ck_assert_uint_eq(diff(s, t)->n, 0);
}
END_TEST

START_TEST(input_members)
{
    const char *base = CMD("") OBJ("R", "") ",";
    char o[512], n[512];
    snprintf(o, sizeof o, "%s%s", base, OBJ("A", "{'name': 'x', 'type': 'str'}"));

    snprintf(n, sizeof n, "%s%s", base, OBJ("A", "{'name': 'x', 'type': 'str'},"
                                                 "{'name': 'y', 'type': 'int'}"));
    expect_one(diff(o, n), "c/arg-type/y", QC_DIFF_MEMBER_ADDED, QC_DIFF_BREAKING);
    snprintf(n, sizeof n, "%s%s", base, OBJ("A", "{'name': 'x', 'type': 'str'},"
                                                 "{'name': 'y', 'type': 'int', 'default': null}"));
    expect_one(diff(o, n), "c/arg-type/y", QC_DIFF_MEMBER_ADDED, QC_DIFF_COMPATIBLE);
    /* Removed: breaks whether it was optional or not. */
    expect_one(diff(n, o), "c/arg-type/y", QC_DIFF_MEMBER_REMOVED, QC_DIFF_BREAKING);
    snprintf(n, sizeof n, "%s%s", base, OBJ("A", "{'name': 'x', 'type': 'str', 'default': null}"));
    expect_one(diff(o, n), "c/arg-type/x", QC_DIFF_MADE_OPTIONAL, QC_DIFF_COMPATIBLE);
    expect_one(diff(n, o), "c/arg-type/x", QC_DIFF_MADE_MANDATORY, QC_DIFF_BREAKING);
}
END_TEST

START_TEST(input_removal_of_deprecated_and_unstable)
{
    const char *base = CMD("") OBJ("R", "") ",";
    char o[512], n[512];
    snprintf(n, sizeof n, "%s%s", base, OBJ("A", ""));
    snprintf(o, sizeof o, "%s%s", base,
             OBJ("A", "{'name': 'x', 'type': 'str', 'features': ['deprecated']}"));
    expect_one(diff(o, n), "c/arg-type/x", QC_DIFF_MEMBER_REMOVED, QC_DIFF_EXPECTED);
    snprintf(o, sizeof o, "%s%s", base,
             OBJ("A", "{'name': 'x', 'type': 'str', 'features': ['unstable']}"));
    expect_one(diff(o, n), "c/arg-type/x", QC_DIFF_MEMBER_REMOVED, QC_DIFF_EXPECTED);
    /* Another feature is no excuse. */
    snprintf(o, sizeof o, "%s%s", base,
             OBJ("A", "{'name': 'x', 'type': 'str', 'features': ['other']}"));
    expect_one(diff(o, n), "c/arg-type/x", QC_DIFF_MEMBER_REMOVED, QC_DIFF_BREAKING);
}
END_TEST

START_TEST(output_members)
{
    const char *base = CMD("") OBJ("A", "") ",";
    char o[512], n[512];
    snprintf(o, sizeof o, "%s%s", base, OBJ("R", "{'name': 'x', 'type': 'str'}"));
    snprintf(n, sizeof n, "%s%s", base, OBJ("R", "{'name': 'x', 'type': 'str'},"
                                                 "{'name': 'y', 'type': 'int'}"));
    expect_one(diff(o, n), "c/ret-type/y", QC_DIFF_MEMBER_ADDED, QC_DIFF_COMPATIBLE);
    expect_one(diff(n, o), "c/ret-type/y", QC_DIFF_MEMBER_REMOVED, QC_DIFF_BREAKING);
    snprintf(n, sizeof n, "%s%s", base, OBJ("R", "{'name': 'x', 'type': 'str'},"
                                                 "{'name': 'y', 'type': 'int', 'default': null}"));
    expect_one(diff(n, o), "c/ret-type/y", QC_DIFF_MEMBER_REMOVED, QC_DIFF_COMPATIBLE);
    snprintf(n, sizeof n, "%s%s", base, OBJ("R", "{'name': 'x', 'type': 'str', 'default': null}"));
    expect_one(diff(o, n), "c/ret-type/x", QC_DIFF_MADE_OPTIONAL, QC_DIFF_BREAKING);
    expect_one(diff(n, o), "c/ret-type/x", QC_DIFF_MADE_MANDATORY, QC_DIFF_COMPATIBLE);
}
END_TEST

/* An argument and a return member of type T. */
static const char *typed(const char *t, const char *extra)
{
    return qc_arena_printf(arena,
        CMD("") OBJ("A", "{'name': 'x', 'type': '%s'}") ","
        OBJ("R", "{'name': 'x', 'type': '%s'}") "%s%s", t, t,
        *extra ? "," : "", extra);
}

/* Type T1 becoming T2 is classified IN for arguments, OUT for returns. */
static void check_type_change(const char *t1, const char *t2, const char *extra,
                              qc_diff_kind kind, qc_diff_class in,
                              qc_diff_class out, const char *suffix, size_t total)
{
    const qc_diff_result *r = diff(typed(t1, extra), typed(t2, extra));
    char p[64];
    snprintf(p, sizeof p, "c/arg-type/x%s", suffix);
    const qc_diff_change *c = find(r, p, kind);
    ck_assert_msg(c != NULL, "%s -> %s: no %s at %s", t1, t2,
                  qc_diff_kind_name(kind), p);
    ck_assert_msg(c->cls == in && c->dir == QC_DIFF_INPUT,
                  "%s -> %s as input: %s (%s)", t1, t2,
                  qc_diff_class_name(c->cls), c->message);
    snprintf(p, sizeof p, "c/ret-type/x%s", suffix);
    c = find(r, p, kind);
    ck_assert_msg(c != NULL, "%s -> %s: no %s at %s", t1, t2,
                  qc_diff_kind_name(kind), p);
    ck_assert_msg(c->cls == out && c->dir == QC_DIFF_OUTPUT,
                  "%s -> %s as output: %s (%s)", t1, t2,
                  qc_diff_class_name(c->cls), c->message);
    ck_assert_uint_eq(r->n, total);
}

static const char alternates[] =
    "{'name': 'SN', 'meta-type': 'alternate', 'members': [{'type': 'str'}, {'type': 'null'}]},"
    "{'name': 'SI', 'meta-type': 'alternate', 'members': [{'type': 'str'}, {'type': 'int'}]},"
    "{'name': 'EN', 'meta-type': 'alternate', 'members': [{'type': 'E'}, {'type': 'null'}]},"
    "{'name': 'E', 'meta-type': 'enum', 'members': [{'name': 'a'}]},"
    "{'name': '[str]', 'meta-type': 'array', 'element-type': 'str'}";

START_TEST(type_widening_and_narrowing)
{
    const qc_diff_kind T = QC_DIFF_TYPE_CHANGED;
    const qc_diff_class B = QC_DIFF_BREAKING, C = QC_DIFF_COMPATIBLE;
    /* A scalar becoming an alternate that contains it is a widening. */
    check_type_change("str", "SN", alternates, T, C, B, "", 2);
    check_type_change("SN", "str", alternates, T, B, C, "", 2);
    check_type_change("int", "number", alternates, T, C, B, "", 2);
    check_type_change("number", "int", alternates, T, B, C, "", 2);
    check_type_change("E", "str", alternates, T, C, B, "", 2);
    check_type_change("str", "E", alternates, T, B, C, "", 2);
    check_type_change("str", "any", alternates, T, C, B, "", 2);
    check_type_change("E", "SN", alternates, T, C, B, "", 2);
    /* Neither way round. */
    check_type_change("str", "int", alternates, T, B, B, "", 2);
    check_type_change("str", "[str]", alternates, T, B, B, "", 2);
    check_type_change("bool", "SN", alternates, T, B, B, "", 2);
    /* Alternates compared branch by branch, by JSON type. */
    check_type_change("SN", "SI", alternates, QC_DIFF_ALTERNATIVE_ADDED, C, B, "/!int", 4);
    check_type_change("SN", "SI", alternates, QC_DIFF_ALTERNATIVE_REMOVED, B, C, "/!null", 4);
}
END_TEST

START_TEST(alternate_keeps_structure)
{
    /* An object that became an alternate of itself and a string: the
     * widening, and the object's own changes below it. */
    const char *o = typed("O", OBJ("O", "{'name': 'm', 'type': 'str'}"));
    const char *n = typed("AL",
        "{'name': 'AL', 'meta-type': 'alternate', 'members': [{'type': 'O2'}, {'type': 'str'}]},"
        OBJ("O2", "{'name': 'm', 'type': 'str'}, {'name': 'k', 'type': 'int'}"));
    const qc_diff_result *r = diff(o, n);
    ck_assert_uint_eq(r->n, 4);
    ck_assert_int_eq(find(r, "c/arg-type/x", QC_DIFF_TYPE_CHANGED)->cls, QC_DIFF_COMPATIBLE);
    ck_assert_int_eq(find(r, "c/arg-type/x/k", QC_DIFF_MEMBER_ADDED)->cls, QC_DIFF_BREAKING);
    ck_assert_int_eq(find(r, "c/ret-type/x", QC_DIFF_TYPE_CHANGED)->cls, QC_DIFF_BREAKING);
    ck_assert_int_eq(find(r, "c/ret-type/x/k", QC_DIFF_MEMBER_ADDED)->cls, QC_DIFF_COMPATIBLE);
}
END_TEST

START_TEST(enum_values)
{
    const char *e1 = "{'name': 'E', 'meta-type': 'enum', 'members': [{'name': 'a'}, "
                     "{'name': 'b', 'features': ['deprecated']}]}";
    const char *e2 = "{'name': 'E', 'meta-type': 'enum', 'members': [{'name': 'a'}, "
                     "{'name': 'c'}]}";
    const qc_diff_result *r = diff(typed("E", e1), typed("E", e2));
    ck_assert_uint_eq(r->n, 4);
    ck_assert_int_eq(find(r, "c/arg-type/x/^c", QC_DIFF_VALUE_ADDED)->cls, QC_DIFF_COMPATIBLE);
    ck_assert_int_eq(find(r, "c/arg-type/x/^b", QC_DIFF_VALUE_REMOVED)->cls, QC_DIFF_EXPECTED);
    const qc_diff_change *c = find(r, "c/ret-type/x/^c", QC_DIFF_VALUE_ADDED);
    ck_assert_int_eq(c->cls, QC_DIFF_COMPATIBLE);
    ck_assert_ptr_nonnull(strstr(c->message, "do not know"));
    ck_assert_int_eq(find(r, "c/ret-type/x/^b", QC_DIFF_VALUE_REMOVED)->cls, QC_DIFF_COMPATIBLE);
    /* A value that was not deprecated: removing it breaks an input. */
    r = diff(typed("E", e2), typed("E", e1));
    ck_assert_int_eq(find(r, "c/arg-type/x/^c", QC_DIFF_VALUE_REMOVED)->cls, QC_DIFF_BREAKING);
    /* Before QEMU 6.2 enums list "values" only. */
    r = diff(typed("E", "{'name': 'E', 'meta-type': 'enum', 'values': ['a', 'c']}"),
             typed("E", e2));
    ck_assert_uint_eq(r->n, 0);
}
END_TEST

static const char *union_with(const char *cases, const char *variants)
{
    return qc_arena_printf(arena,
        CMD("") "{'name': 'A', 'meta-type': 'object', 'tag': 'kind', "
        "'members': [{'name': 'kind', 'type': 'K'}], 'variants': [%s]},"
        OBJ("R", "{'name': 'u', 'type': 'A'}") ","
        "{'name': 'K', 'meta-type': 'enum', 'members': [%s]},"
        OBJ("V1", "") "," OBJ("V2", "{'name': 'z', 'type': 'int'}"),
        variants, cases);
}

START_TEST(union_branches)
{
    const char *o = union_with("{'name': 'one'}",
                               "{'case': 'one', 'type': 'V1'}");
    const char *n = union_with("{'name': 'one'}, {'name': 'two'}",
                               "{'case': 'one', 'type': 'V1'}, {'case': 'two', 'type': 'V2'}");
    const qc_diff_result *r = diff(o, n);
    /* The tag's new enum value is said by the branch change. */
    ck_assert_uint_eq(r->n, 2);
    ck_assert_int_eq(find(r, "c/arg-type/+two", QC_DIFF_BRANCH_ADDED)->cls, QC_DIFF_COMPATIBLE);
    ck_assert_int_eq(find(r, "c/ret-type/u/+two", QC_DIFF_BRANCH_ADDED)->cls, QC_DIFF_COMPATIBLE);
    r = diff(n, o);
    ck_assert_uint_eq(r->n, 2);
    ck_assert_int_eq(find(r, "c/arg-type/+two", QC_DIFF_BRANCH_REMOVED)->cls, QC_DIFF_BREAKING);
    ck_assert_int_eq(find(r, "c/ret-type/u/+two", QC_DIFF_BRANCH_REMOVED)->cls, QC_DIFF_COMPATIBLE);
    /* The branch of a deprecated tag value. */
    const char *d = union_with("{'name': 'one'}, {'name': 'two', 'features': ['deprecated']}",
                               "{'case': 'one', 'type': 'V1'}, {'case': 'two', 'type': 'V2'}");
    r = diff(d, o);
    ck_assert_int_eq(find(r, "c/arg-type/+two", QC_DIFF_BRANCH_REMOVED)->cls, QC_DIFF_EXPECTED);
    /* Members of a branch, under "+case". */
    const char *m = union_with("{'name': 'one'}, {'name': 'two'}",
                               "{'case': 'one', 'type': 'V2'}, {'case': 'two', 'type': 'V2'}");
    r = diff(n, m);
    ck_assert_int_eq(find(r, "c/arg-type/+one/z", QC_DIFF_MEMBER_ADDED)->cls, QC_DIFF_BREAKING);
    ck_assert_int_eq(find(r, "c/ret-type/u/+one/z", QC_DIFF_MEMBER_ADDED)->cls, QC_DIFF_COMPATIBLE);
}
END_TEST

START_TEST(features)
{
    const char *o = CMD("") OBJ("A", "{'name': 'x', 'type': 'E'}") "," OBJ("R", "") ","
                    "{'name': 'E', 'meta-type': 'enum', 'members': [{'name': 'a'}]}";
    const char *n = CMD(", 'features': ['deprecated']")
                    OBJ("A", "{'name': 'x', 'type': 'E', 'features': ['unstable', 'f']}") ","
                    OBJ("R", "") ","
                    "{'name': 'E', 'meta-type': 'enum', "
                    "'members': [{'name': 'a', 'features': ['deprecated']}]}";
    const qc_diff_result *r = diff(o, n);
    ck_assert_uint_eq(r->n, 4);
    const qc_diff_change *c = find(r, "c/$deprecated", QC_DIFF_FEATURE_ADDED);
    ck_assert_int_eq(c->cls, QC_DIFF_NOTICE);
    ck_assert_int_eq(c->dir, QC_DIFF_NO_DIRECTION);
    ck_assert_int_eq(find(r, "c/arg-type/x/$unstable", QC_DIFF_FEATURE_ADDED)->cls, QC_DIFF_NOTICE);
    ck_assert_int_eq(find(r, "c/arg-type/x/$f", QC_DIFF_FEATURE_ADDED)->cls, QC_DIFF_COMPATIBLE);
    ck_assert_int_eq(find(r, "c/arg-type/x/^a/$deprecated", QC_DIFF_FEATURE_ADDED)->cls,
                     QC_DIFF_NOTICE);
    r = diff(n, o);
    ck_assert_uint_eq(r->n, 4);
    for (size_t i = 0; i < r->n; i++) {
        ck_assert_int_eq(r->changes[i].kind, QC_DIFF_FEATURE_REMOVED);
        ck_assert_int_eq(r->changes[i].cls, QC_DIFF_COMPATIBLE);
    }
    /* A feature of the type reached by arg-type: "$feat" tests it there. */
    r = diff(o, CMD("") "{'name': 'A', 'meta-type': 'object', 'members': "
                    "[{'name': 'x', 'type': 'E'}], 'features': ['t']}," OBJ("R", "") ","
                    "{'name': 'E', 'meta-type': 'enum', 'members': [{'name': 'a'}]}");
    expect_one(r, "c/arg-type/$t", QC_DIFF_FEATURE_ADDED, QC_DIFF_COMPATIBLE);
}
END_TEST

START_TEST(commands_and_events)
{
    const char *base = OBJ("A", "") "," OBJ("R", "") ",";
    char o[512], n[512];
    snprintf(o, sizeof o, "%s%s", base, CMD("") "{'name': 'E', 'meta-type': 'event', "
                                        "'arg-type': 'A'}");
    snprintf(n, sizeof n, "%s%s", base, "{'name': 'd', 'meta-type': 'command', "
                                        "'arg-type': 'A', 'ret-type': 'R'}");
    const qc_diff_result *r = diff(o, n);
    ck_assert_uint_eq(r->n, 3);
    /* Sorted by name: events (upper case) first here. */
    ck_assert_str_eq(r->changes[0].path, "E");
    ck_assert(r->changes[0].is_event);
    ck_assert_int_eq(r->changes[0].cls, QC_DIFF_BREAKING);
    ck_assert_int_eq(find(r, "c", QC_DIFF_ENTITY_REMOVED)->cls, QC_DIFF_BREAKING);
    ck_assert_int_eq(find(r, "d", QC_DIFF_ENTITY_ADDED)->cls, QC_DIFF_COMPATIBLE);
    ck_assert_uint_eq(r->commands, 2);
    ck_assert_uint_eq(r->events, 1);
    ck_assert_uint_eq(r->count[QC_DIFF_BREAKING], 2);
    /* Added entities keep their kind: an event, not a command. */
    r = diff(n, o);
    const qc_diff_change *e = find(r, "E", QC_DIFF_ENTITY_ADDED);
    ck_assert(e->is_event);
    ck_assert_str_eq(e->message, "event added");
    ck_assert_str_eq(find(r, "c", QC_DIFF_ENTITY_ADDED)->message, "command added");
    ck_assert(!find(r, "c", QC_DIFF_ENTITY_ADDED)->is_event);

    snprintf(o, sizeof o, "%s%s", base, CMD(", 'features': ['deprecated']"));
    expect_one(diff(o, base), "c", QC_DIFF_ENTITY_REMOVED, QC_DIFF_EXPECTED);
    snprintf(o, sizeof o, "%s%s", base, CMD(", 'allow-oob': true"));
    snprintf(n, sizeof n, "%s%s", base, CMD(""));
    expect_one(diff(o, n), "c", QC_DIFF_FLAG_CHANGED, QC_DIFF_BREAKING);
    expect_one(diff(n, o), "c", QC_DIFF_FLAG_CHANGED, QC_DIFF_COMPATIBLE);
    /* A flag qapic does not know is a notice. */
    snprintf(o, sizeof o, "%s%s", base, CMD(", 'x-new': 1"));
    expect_one(diff(n, o), "c", QC_DIFF_FLAG_CHANGED, QC_DIFF_NOTICE);
    /* Event data is output. */
    snprintf(o, sizeof o, "%s{'name': 'E', 'meta-type': 'event', 'arg-type': 'A'}", base);
    snprintf(n, sizeof n, "%s{'name': 'E', 'meta-type': 'event', 'arg-type': 'B'},"
                          OBJ("B", "{'name': 'm', 'type': 'str'}"), base);
    const qc_diff_change *c = find(diff(o, n), "E/arg-type/m", QC_DIFF_MEMBER_ADDED);
    ck_assert_int_eq(c->cls, QC_DIFF_COMPATIBLE);
    ck_assert_int_eq(c->dir, QC_DIFF_OUTPUT);
    ck_assert_str_eq(c->message, "mandatory data member 'm' added");
}
END_TEST

START_TEST(unstable_interface)
{
    const char *base = OBJ("R", "") ",";
    char o[512], n[512];
    snprintf(o, sizeof o, "%s%s%s", base, CMD(", 'features': ['unstable']"), OBJ("A", ""));
    snprintf(n, sizeof n, "%s%s%s", base, CMD(", 'features': ['unstable']"),
             OBJ("A", "{'name': 'm', 'type': 'str'}"));
    expect_one(diff(o, n), "c/arg-type/m", QC_DIFF_MEMBER_ADDED, QC_DIFF_EXPECTED);
    /* Below an unstable member. */
    snprintf(o, sizeof o, "%s%s%s,%s", base, CMD(""),
             OBJ("A", "{'name': 'x-m', 'type': 'O', 'features': ['unstable']}"), OBJ("O", ""));
    snprintf(n, sizeof n, "%s%s%s,%s", base, CMD(""),
             OBJ("A", "{'name': 'x-m', 'type': 'O', 'features': ['unstable']}"),
             OBJ("O", "{'name': 'k', 'type': 'int'}"));
    expect_one(diff(o, n), "c/arg-type/x-m/k", QC_DIFF_MEMBER_ADDED, QC_DIFF_EXPECTED);
    /* Before QEMU 6.2 the prefix "x-" said it. */
    snprintf(o, sizeof o, "%s%s%s", base, OBJ("A", ""), ","
             "{'name': 'x-c', 'meta-type': 'command', 'arg-type': 'A', 'ret-type': 'R'}");
    snprintf(n, sizeof n, "%s%s", base, OBJ("A", ""));
    expect_one(diff(o, n), "x-c", QC_DIFF_ENTITY_REMOVED, QC_DIFF_EXPECTED);
    snprintf(o, sizeof o, "%s%s%s", base, CMD(""), OBJ("A", "{'name': 'x-y', 'type': 'str'}"));
    snprintf(n, sizeof n, "%s%s%s", base, CMD(""), OBJ("A", ""));
    expect_one(diff(o, n), "c/arg-type/x-y", QC_DIFF_MEMBER_REMOVED, QC_DIFF_EXPECTED);
}
END_TEST

START_TEST(shared_and_recursive_types)
{
    /* T refers to itself through an array; two commands share it. */
    const char *fmt =
        CMD("") "{'name': 'd', 'meta-type': 'command', 'arg-type': '0', 'ret-type': '[T]'},"
        OBJ("A", "{'name': 't', 'type': 'T'}") "," OBJ("R", "") ","
        OBJ("T", "{'name': 'kids', 'type': '[T]'}%s") ","
        "{'name': '[T]', 'meta-type': 'array', 'element-type': 'T'}";
    const char *o = qc_arena_printf(arena, fmt, "");
    const char *n = qc_arena_printf(arena, fmt, ", {'name': 'y', 'type': 'str', 'default': null}");
    const qc_diff_result *r = diff(o, n);
    ck_assert_uint_eq(r->n, 2);
    /* Once per command, at the shortest path; arrays are stepped through. */
    ck_assert_int_eq(find(r, "c/arg-type/t/y", QC_DIFF_MEMBER_ADDED)->cls, QC_DIFF_COMPATIBLE);
    ck_assert_int_eq(find(r, "d/ret-type/y", QC_DIFF_MEMBER_ADDED)->cls, QC_DIFF_COMPATIBLE);
    ck_assert_str_eq(find(r, "c/arg-type/t/y", QC_DIFF_MEMBER_ADDED)->message,
                     "optional member 'y' added");
}
END_TEST

START_TEST(paths_are_queries)
{
    /* Each path reported for something added is true in the new schema. */
    const char *o = typed("O", OBJ("O", "{'name': 'm', 'type': 'E'}") ","
                          "{'name': 'E', 'meta-type': 'enum', 'members': [{'name': 'a'}]}");
    const char *ntext = typed("O", OBJ("O", "{'name': 'm', 'type': 'E', 'features': ['f']},"
                                       "{'name': '*odd', 'type': 'SN'}") ","
                              "{'name': 'E', 'meta-type': 'enum', 'members': "
                              "[{'name': 'a'}, {'name': 'b'}]},"
                              "{'name': 'SN', 'meta-type': 'alternate', "
                              "'members': [{'type': 'str'}, {'type': 'null'}]}");
    qc_ischema *n = mk(ntext);
    const qc_diff_result *r = qc_diff(arena, mk(o), n);
    ck_assert_uint_eq(r->n, 6);
    ck_assert_ptr_nonnull(find(r, "c/arg-type/x/ *odd", QC_DIFF_MEMBER_ADDED));
    for (size_t i = 0; i < r->n; i++)
        ck_assert_msg(qc_query_eval(arena, n, r->changes[i].path, NULL) == QC_QUERY_TRUE,
                      "'%s' is not true in the new schema", r->changes[i].path);
}
END_TEST

START_TEST(broken_schemas)
{
    /* Dangling type names and odd entries: notices, no crash. */
    const char *o = CMD("") OBJ("A", "{'name': 'x', 'type': 'nosuch'}") "," OBJ("R", "") ","
                    "{'name': 'e', 'meta-type': 'event'}, {'meta-type': 'object'}";
    const char *n = CMD("") OBJ("A", "{'name': 'x', 'type': 'str'}") "," OBJ("R", "") ","
                    "{'name': 'e', 'meta-type': 'event', 'arg-type': 'A'}";
    const qc_diff_result *r = diff(o, n);
    const qc_diff_change *c = find(r, "c/arg-type/x", QC_DIFF_TYPE_CHANGED);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->cls, QC_DIFF_NOTICE);
    ck_assert_uint_eq(diff(o, o)->n, 0);
}
END_TEST

START_TEST(report_formats)
{
    qc_diff_side o = { "old.json", QC_DIFF_SRC_INTROSPECTION, { 8, 1, 0, true },
                       false, 0, NULL };
    qc_diff_side n = { "new.json", QC_DIFF_SRC_SCHEMA, { 0, 0, 0, false },
                       true, 0, NULL };
    const qc_diff_result *r = diff(typed("str", ""), typed("int", ""));
    qc_buf b = QC_BUF_INIT;
    qc_diff_write_text(&b, &o, &n, r);
    ck_assert_ptr_nonnull(strstr(b.data, "QEMU 8.1.0 -> QEMU (version unknown)\n"));
    ck_assert_ptr_nonnull(strstr(b.data, "every condition true"));
    ck_assert_ptr_nonnull(strstr(b.data, "\ncommand c\n  breaking    c/arg-type/x: "
                                         "type changed from string to integer\n"));
    ck_assert_ptr_nonnull(strstr(b.data, "\n2 changes in 1 command and 0 events: "
                                         "2 breaking, 0 expected, 0 notices, 0 compatible\n"));
    qc_buf_reset(&b);
    qc_diff_write_json(&b, &o, &n, r);
    qc_value *v = qc_test_json1(b.data);
    ck_assert_str_eq(qc_obj_get_str(qc_obj_get(v, "old"), "qemu_version"), "8.1.0");
    const qc_value *ch = qc_obj_get(v, "changes");
    ck_assert_uint_eq(qc_arr_len(ch), 2);
    ck_assert_str_eq(qc_obj_get_str(qc_arr_at(ch, 1), "direction"), "output");
    ck_assert_str_eq(qc_obj_get_str(qc_arr_at(ch, 1), "change"), "type-changed");
    qc_buf_reset(&b);
    qc_diff_write_markdown(&b, &o, &n, r);
    ck_assert_ptr_nonnull(strstr(b.data, "## command `c`\n"));
    ck_assert_ptr_nonnull(strstr(b.data, "| breaking | input | `c/arg-type/x` |"));
    qc_buf_free(&b);
}
END_TEST

Suite *qc_suite_diff(void)
{
    Suite *s = suite_create("diff");
    TCase *tc = tcase_create("diff");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, identical_and_renamed);
    tcase_add_test(tc, input_members);
    tcase_add_test(tc, input_removal_of_deprecated_and_unstable);
    tcase_add_test(tc, output_members);
    tcase_add_test(tc, type_widening_and_narrowing);
    tcase_add_test(tc, alternate_keeps_structure);
    tcase_add_test(tc, enum_values);
    tcase_add_test(tc, union_branches);
    tcase_add_test(tc, features);
    tcase_add_test(tc, commands_and_events);
    tcase_add_test(tc, unstable_interface);
    tcase_add_test(tc, shared_and_recursive_types);
    tcase_add_test(tc, paths_are_queries);
    tcase_add_test(tc, broken_schemas);
    tcase_add_test(tc, report_formats);
    suite_add_tcase(s, tc);
    return s;
}
