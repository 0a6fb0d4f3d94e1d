/* Unit tests for src/compat/rules.c and src/compat/yaml_tree.c (rule
 * files: every problem located and worded as libyaml's loader words it,
 * the model of a good file) and src/dumps/version.c (versions). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/diag.h"
#include "compat/rules.h"
#include "helpers.h"

/* --- malformed rule files: each gives one located error ------------------ */

typedef struct bad_case {
    const char *name;
    const char *yaml;
    const char *code;       /* the first error's code */
    unsigned line, col;     /* its location */
} bad_case;

#define DEEP40 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
#define KEYS40 "p0: string, p1: string, p2: string, p3: string, p4: string, p5: string, " \
    "p6: string, p7: string, p8: string, p9: string, p10: string, p11: string, " \
    "p12: string, p13: string, p14: string, p15: string, p16: string, p17: string, " \
    "p18: string, p19: string, p20: string, p21: string, p22: string, p23: string, " \
    "p24: string, p25: string, p26: string, p27: string, p28: string, p29: string, " \
    "p30: string, p31: string, p32: string, p33: string, p34: string, p35: string, " \
    "p36: string, p37: string, p38: string, p39: string"

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
    { "column past 64 characters of unicode",
      "rules: [{id: \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\", command: x}, {id: b, cmd: x}]\n",
      "rules-unknown-key", 1, 103 },
    { "byte order mark", "\xef\xbb\xbfrules:\n  - {id: a, cmd: x}\n",
      "rules-unknown-key", 2, 13 },
    { "crlf", "rules:\r\n  - {id: a,\r\n     cmd: x}\r\n", "rules-unknown-key", 3, 6 },
    { "utf-16 is not read", "\xff\xfer\0u\0", "rules-yaml-syntax", 1, 1 },
    { "null key", "rules:\n  - {id: a, command: x, arguments: {~: string}}\n",
      "rules-null-key", 2, 37 },
    { "quoted ~ is no member name", "rules:\n  - {id: a, command: x, arguments: ['~']}\n",
      "rules-bad-path", 2, 37 },
    { "member name with a space", "rules:\n  - {id: a, command: x, arguments: [a b]}\n",
      "rules-bad-path", 2, 37 },
    { "empty id", "rules:\n  - {id: '', command: x}\n", "rules-bad-id", 2, 10 },
    { "id with a pipe", "rules:\n  - {id: a|b, command: x}\n", "rules-bad-id", 2, 10 },
    { "id with ESC", "rules:\n  - {id: \"\\e\", command: x}\n", "rules-bad-id", 2, 10 },
    { "NUL in a command", "rules:\n  - {id: a, command: \"x\\0y\"}\n",
      "rules-nul-character", 2, 22 },
    { "too deep", "rules: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
      "rules-too-deep", 1, 39 },
    { "too many nodes", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
      "rules: []\n", "rules-too-large", 6, 20 },
};

/* Problems of YAML itself, each with text of its message or notes. */
typedef struct shown_case {
    bad_case c;
    const char *shown;      /* NULL, or text its gcc-style form holds */
} shown_case;

static const shown_case yaml_cases[] = {
    /* Anchors and aliases, resolved as libyaml's loader resolves them. */
    { { "duplicate anchor", "x: &a 1\ny: &a 2\nrules: []\n", "rules-yaml-syntax", 2, 4 },
      "error: YAML: second occurrence found duplicate anchor; first occurrence\n"
      "bad.yaml:1:4: note: YAML: the construct started here"  },
    { { "duplicate anchor inside its collection", "a: &a [x, &a y]\nrules: []\n",
      "rules-yaml-syntax", 1, 11 }, "bad.yaml:1:4: note: YAML: the construct started here"  },
    { { "duplicate anchor after unicode", "\xc3\xa9: &a [x, y]\nb: &a [z]\nrules: []\n",
      "rules-yaml-syntax", 2, 4 }, "bad.yaml:1:4: note:"  },
    { { "undefined alias", "rules: [*nope]\n", "rules-yaml-syntax", 1, 9 },
      "error: YAML: found undefined alias"  },
    { { "undefined alias after unicode",
      "rules: [{id: \xc3\xa9\xc3\xa9\xc3\xa9, command: x}, &z {id: b, command: y}, *z, *zz]\n",
      "rules-yaml-syntax", 1, 60 }, NULL  },
    { { "a rule aliased", "rules:\n  - &r {id: a, command: x}\n  - *r\n",
      "rules-duplicate-id", 2, 13 }, "bad.yaml:2:13: note: first rule 'a' is here"  },
    { { "a list holding itself", "rules: &s [*s]\n", "rules-wrong-type", 1, 8 },
      "a rule must be a mapping, not a list"  },
    { { "a mapping holding itself", "a: &m {id: a, command: *m}\nrules: [*m]\n",
      "rules-unknown-key", 1, 1 }, NULL  },
    { { "a key aliased", "rules:\n  - {id: \xc3\xa9, command: x, arguments: {&k p: string, *k : int}}\n",
      "rules-duplicate-key", 2, 37 }, "bad.yaml:2:37: note: first appearance of 'p'"  },
    { { "a duplicate among many keys after unicode",
      "rules:\n  - id: a\n    description: '\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e'\n"
      "    command: x\n    arguments: {" KEYS40 ", p7: int}\n",
      "rules-duplicate-key", 5, 527 }, "bad.yaml:5:101: note: first appearance of 'p7'"  },
    { { "a NUL key among many", "rules:\n  - id: a\n    command: x\n    arguments: {" KEYS40
      ", \"a\\0b\": int, a: int}\n", "rules-nul-character", 4, 527 }, NULL  },
    { { "a NUL key among few", "rules:\n  - id: a\n    command: x\n    arguments: {\"a\\0b\": int, a: int}\n",
      "rules-nul-character", 4, 17 }, NULL  },
    /* Documents: the second is read as libyaml's loader reads it, the
     * third only for the limits. */
    { { "error in the second document", "rules: []\n--- [\n", "rules-yaml-syntax", 3, 1 },
      "did not find expected node content while parsing a flow node"  },
    { { "undefined alias in the second document", "rules: []\n---\nx: *a\n",
      "rules-yaml-syntax", 3, 4 }, NULL  },
    { { "duplicate anchor in the second document", "rules: []\n---\nx: &a 1\ny: &a 2\n",
      "rules-yaml-syntax", 4, 4 }, "bad.yaml:3:4: note:"  },
    { { "error in the third document", "rules: []\n---\nrules: []\n--- [\n",
      "rules-multiple-documents", 2, 1 }, NULL  },
    { { "an empty second document", "rules: []\n...\n---\n...\n",
      "rules-multiple-documents", 3, 1 }, NULL  },
    { { "rules after a bad first key", "client: [a]\ndescription: {x: y}\nrules: []\n",
      "rules-wrong-type", 1, 9 }, NULL  },
    /* A limit passed anywhere wins over any other problem. */
    { { "a limit after an undefined alias", "x: *a\nrules: [" DEEP40 "]\n",
      "rules-too-deep", 2, 39 }, NULL  },
    { { "a limit after a duplicate anchor", "x: &a 1\ny: &a 2\nrules: [" DEEP40 "]\n",
      "rules-too-deep", 3, 39 }, NULL  },
    { { "a limit in the third document", "rules: []\n---\nx: 1\n---\n" DEEP40 "\n",
      "rules-too-deep", 5, 33 }, NULL  },
    /* Tags and merge keys mean nothing in a rule file. */
    { { "merge keys are plain keys", "rules: [{id: a, command: x, <<: {event: y}}]\n",
      "rules-unknown-key", 1, 29 }, "unknown key '<<'"  },
    { { "a tag does not make null a string", "rules: [{id: a, command: !!str null}]\n",
      "rules-wrong-type", 1, 26 }, "not nothing (null)"  },
    { { "undefined tag handle", "rules: [!u!x {id: a, command: x}]\n", "rules-yaml-syntax", 1, 9 },
      "YAML: found undefined tag handle while parsing a node"  },
    { { "duplicate %YAML", "%YAML 1.1\n%YAML 1.1\n---\nrules: []\n", "rules-yaml-syntax", 2, 1 }, NULL  },
    /* Locations after characters of every length. */
    { { "after a 4-byte character in a block scalar",
      "rules:\n  - id: a\n    command: x\n    description: |\n      text \xf0\x9d\x84\x9e\n"
      "      more\n    cmd: z\n", "rules-unknown-key", 7, 5 }, NULL  },
    { { "invalid UTF-8 after valid text", "rules: [{id: \xc3\xa9, command: x, cmd: \xc3}]\n",
      "rules-yaml-syntax", 1, 35 }, "invalid trailing UTF-8 octet"  },
    { { "escapes in a double-quoted id", "rules: [{id: \"\xc3\xa9\\u00e9\", cmd: x}]\n",
      "rules-unknown-key", 1, 25 }, NULL  },
};

static void check_first_error(const bad_case *c)
{
    qc_ruleset rs;
    qc_ruleset_init(&rs);
    bool ok = qc_rules_load_mem(qc_test_arena, qc_test_diag, "bad.yaml", c->yaml, strlen(c->yaml), &rs);
    ck_assert_msg(!ok, "%s: accepted", c->name);
    ck_assert_uint_ge(qc_diag_error_count(qc_test_diag), 1);
    const qc_diagnostic *dg = qc_diag_get(qc_test_diag, 0);
    ck_assert_ptr_nonnull(dg);
    ck_assert_msg(!strcmp(qc_diagnostic_code(dg), c->code), "%s: code %s, want %s (%s)",
                  c->name, qc_diagnostic_code(dg), c->code, qc_diagnostic_message(dg));
    ck_assert_msg(qc_diagnostic_path(dg) && !strcmp(qc_diagnostic_path(dg), "bad.yaml"),
                  "%s: no file in the location", c->name);
    ck_assert_msg(qc_diagnostic_line(dg) == c->line && qc_diagnostic_column(dg) == c->col,
                  "%s: at %u:%u, want %u:%u (%s)", c->name, qc_diagnostic_line(dg),
                  qc_diagnostic_column(dg), c->line, c->col, qc_diagnostic_message(dg));
}

START_TEST(malformed_is_located)
{
    check_first_error(&bad_cases[_i]);
}
END_TEST

START_TEST(yaml_problems)
{
    const shown_case *c = &yaml_cases[_i];
    check_first_error(&c->c);
    if (c->shown) {
        char *text = qc_diagnostic_format(qc_test_diag, qc_diag_get(qc_test_diag, 0));
        ck_assert_msg(strstr(text, c->shown), "%s: shown as\n%s\nwithout\n%s", c->c.name,
                      text, c->shown);
        free(text);
    }
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

START_TEST(good_file_model)
{
    qc_arena *a = qc_test_arena;
    qc_diag *d = qc_test_diag;
    qc_ruleset rs;
    qc_ruleset_init(&rs);
    ck_assert(qc_rules_load_mem(a, d, "good.yaml", good_yaml, strlen(good_yaml), &rs));
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

Suite *qc_suite_rules(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("rules");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_loop_test(tc, malformed_is_located, 0,
                        (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_loop_test(tc, yaml_problems, 0,
                        (int)(sizeof yaml_cases / sizeof yaml_cases[0]));
    tcase_add_test(tc, good_file_model);
    tcase_add_test(tc, versions);
    suite_add_tcase(s, tc);
    return s;
}
