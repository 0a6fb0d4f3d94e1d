/* Unit tests for the errors of the runtime codec: every decode error's
 * message and path, encode refusals, syntax errors of qapic_json_parse,
 * and failed decodes at every position of a value (run under ASan and
 * valgrind, they show that a failed decode frees what it built). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "codec_fixture.h"
#include "codec_util.h"

#define KITCHEN_MIN                                                         \
    "\"id\": 1, \"i8\": 0, \"i16\": 0, \"i32\": 0, \"i64\": 0, \"u8\": 0, " \
    "\"u16\": 0, \"u32\": 0, \"u64\": 0, \"sz\": 0"

/* A Kitchen with MEMBERS after the mandatory ones (a repeated member
 * overrides: json-c keeps the last). */
#define K(members) "{" KITCHEN_MIN ", " members "}"

static const struct {
    const char *text;
    unsigned flags;
    const char *message;
} kitchen_errors[] = {
    /* integer widths, one beyond each bound */
    { K("\"i8\": 128"), 0, "return.i8: 128 is out of range for int8" },
    { K("\"i8\": -129"), 0, "return.i8: -129 is out of range for int8" },
    { K("\"i16\": 32768"), 0, "return.i16: 32768 is out of range for int16" },
    { K("\"i16\": -32769"), 0, "return.i16: -32769 is out of range for int16" },
    { K("\"i32\": 2147483648"), 0, "return.i32: 2147483648 is out of range for int32" },
    { K("\"i32\": -2147483649"), 0, "return.i32: -2147483649 is out of range for int32" },
    { K("\"i64\": 9223372036854775808"), 0,
      "return.i64: 9223372036854775808 is out of range for int64" },
    { K("\"i64\": -9223372036854775809"), 0,
      "return.i64: -9223372036854775809 is out of range for int64" },
    { K("\"id\": 18446744073709551615"), 0,
      "return.id: 18446744073709551615 is out of range for int" },
    { K("\"u8\": 256"), 0, "return.u8: 256 is out of range for uint8" },
    { K("\"u8\": -1"), 0, "return.u8: -1 is out of range for uint8" },
    { K("\"u16\": 65536"), 0, "return.u16: 65536 is out of range for uint16" },
    { K("\"u32\": 4294967296"), 0, "return.u32: 4294967296 is out of range for uint32" },
    { K("\"u64\": 18446744073709551616"), 0,
      "return.u64: 18446744073709551616 is out of range for uint64" },
    { K("\"u64\": -1"), 0, "return.u64: -1 is out of range for uint64" },
    { K("\"sz\": -9223372036854775808"), 0,
      "return.sz: -9223372036854775808 is out of range for size" },
    { K("\"sz\": 1e20"), 0, "return.sz: 1e20 is not an integer" },
    { K("\"sz\": 18446744073709551616.0"), 0,
      "return.sz: 18446744073709551616 is out of range for size" },
    /* numbers that are not integers */
    { K("\"i8\": 1.5"), 0, "return.i8: 1.5 is not an integer" },
    { K("\"i32\": 1e3"), 0, "return.i32: 1e3 is not an integer" },
    { K("\"u8\": 2.0"), 0, "return.u8: 2.0 is not an integer" },
    /* wrong JSON types */
    { K("\"i8\": \"1\""), 0, "return.i8: expected integer, got string" },
    { K("\"u64\": true"), 0, "return.u64: expected integer, got boolean" },
    { K("\"num\": \"x\""), 0, "return.num: expected number, got string" },
    { K("\"flag\": 1"), 0, "return.flag: expected boolean, got number" },
    { K("\"text\": 1"), 0, "return.text: expected string, got number" },
    { K("\"text\": null"), 0, "return.text: expected string, got null" },
    { K("\"text\": \"a\\u0000b\""), 0, "return.text: string contains a NUL character" },
    { K("\"nothing\": false"), 0, "return.nothing: expected null, got boolean" },
    { K("\"color\": 1"), 0, "return.color: expected string, got number" },
    { K("\"color\": \"re\\u0000d\""), 0, "return.color: string contains a NUL character" },
    { K("\"colors\": \"red\""), 0, "return.colors: expected array, got string" },
    { K("\"colors\": [\"red\", 2]"), 0, "return.colors[1]: expected string, got number" },
    { K("\"ints\": [1, 2, 3.5]"), 0, "return.ints[2]: 3.5 is not an integer" },
    { K("\"sub\": []"), 0, "return.sub: expected object, got array" },
    { K("\"subs\": [{\"name\": \"a\"}, {\"color\": \"red\"}]"), 0,
      "return.subs[1].name: missing mandatory member" },
    { K("\"subs\": [{\"name\": \"a\"}, {\"name\": \"b\", \"color\": [\"red\"]}]"), 0,
      "return.subs[1].color: expected string, got array" },
    /* unions */
    { K("\"shape\": {\"label\": \"x\"}"), 0, "return.shape.kind: missing mandatory member" },
    { K("\"shape\": {\"kind\": 3}"), 0, "return.shape.kind: expected string, got number" },
    { K("\"shape\": {\"kind\": \"circle\"}"), 0,
      "return.shape.radius: missing mandatory member" },
    { K("\"shape\": {\"kind\": \"circle\", \"radius\": -1}"), 0,
      "return.shape.radius: -1 is out of range for uint32" },
    { K("\"shape\": {\"kind\": \"group\"}"), 0, "return.shape.layout: missing mandatory member" },
    { K("\"shape\": {\"kind\": \"group\", \"layout\": \"row\"}"), 0,
      "return.shape.cells: missing mandatory member" },
    { K("\"shape\": {\"kind\": \"group\", \"layout\": \"row\", \"gap\": 40000, \"cells\": []}"), 0,
      "return.shape.gap: 40000 is out of range for int16" },
    { K("\"shapes\": [{\"kind\": \"point\"}, {\"kind\": \"group\", \"layout\": \"row\","
        " \"cells\": [{\"name\": 5}]}]"), 0,
      "return.shapes[1].cells[0].name: expected string, got number" },
    /* alternates */
    { K("\"alts\": [1, {\"nam\": \"x\"}]"), 0, "return.alts[1].name: missing mandatory member" },
    { K("\"alts\": [[1, \"x\"]]"), 0, "return.alts[0][1]: expected integer, got string" },
    { K("\"ealt\": 200"), 0, "return.ealt: 200 is out of range for int8" },
    { K("\"alt\": null, \"ealt\": false"), QAPIC_DECODE_STRICT,
      "return.ealt: expected string, number or object, got boolean" },
    /* strict mode */
    { K("\"bogus\": 1"), QAPIC_DECODE_STRICT, "return.bogus: unknown member" },
    { K("\"sub\": {\"name\": \"n\", \"x\": 1}"), QAPIC_DECODE_STRICT,
      "return.sub.x: unknown member" },
    { K("\"colors\": [\"red\", \"purple\"]"), QAPIC_DECODE_STRICT,
      "return.colors[1]: 'purple' is not a value of Color" },
    { K("\"shape\": {\"kind\": \"hexagon\"}"), QAPIC_DECODE_STRICT,
      "return.shape.kind: 'hexagon' is not a value of ShapeKind" },
    { K("\"shape\": {\"kind\": \"group\", \"layout\": \"row\", \"cells\": [], \"z\": 0}"),
      QAPIC_DECODE_STRICT, "return.shape.z: unknown member" },
    /* missing mandatory members */
    { "{\"i8\": 0, \"i16\": 0, \"i32\": 0, \"i64\": 0, \"u8\": 0, \"u16\": 0,"
      " \"u32\": 0, \"u64\": 0, \"sz\": 0}", 0, "return.id: missing mandatory member" },
    { "{\"id\": 0, \"i8\": 0, \"i16\": 0, \"i32\": 0, \"i64\": 0, \"u8\": 0,"
      " \"u16\": 0, \"u32\": 0, \"u64\": 0}", 0, "return.sz: missing mandatory member" },
    /* the value itself */
    { "[]", 0, "return: expected object, got array" },
    { "null", 0, "return: expected object, got null" },
};

START_TEST(decode_error_messages)
{
    ck_decode_error(&t_TYPE_Kitchen, kitchen_errors[_i].text,
                    kitchen_errors[_i].flags, "return", kitchen_errors[_i].message);
}
END_TEST

START_TEST(error_path_field)
{
    qapic_error *err = NULL;
    const char *text = K("\"subs\": [{\"name\": \"a\"}, {\"name\": 1}]");

    ck_assert_ptr_null(qapic_decode_text(&t_TYPE_Kitchen, text, strlen(text), 0,
                                         "return", &err));
    ck_assert_str_eq(err->path, "return.subs[1].name");
    ck_assert_str_eq(qapic_error_kind_name(err->kind), "decode");
    qapic_error_free(err);
    /* No root: "value". */
    err = NULL;
    ck_assert_ptr_null(qapic_decode_text(&t_TYPE_Sub, "{}", 2, 0, NULL, &err));
    ck_assert_str_eq(err->message, "value.name: missing mandatory member");
    qapic_error_free(err);
    /* ERR may be NULL. */
    ck_assert_ptr_null(qapic_decode_text(&t_TYPE_Sub, "{}", 2, 0, NULL, NULL));
}
END_TEST

/* Values json-c trees can hold but JSON text cannot. */
START_TEST(decode_tree_only_errors)
{
    qapic_error *err = NULL;
    struct json_object *j;

    static const char *const bad[] = {
        "\xff", "abcdefgh\xc3", "\xe0\x80\xaf", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
        "\xc3\x28", "long ascii prefix \xf0\x9f\x98",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        j = json_object_new_object();
        json_object_object_add(j, "name", json_object_new_string(bad[i]));
        ck_assert_ptr_null(qapic_decode(&t_TYPE_Sub, j, 0, "data", &err));
        ck_assert_str_eq(err->message, "data.name: string is not valid UTF-8");
        qapic_error_free(err);
        err = NULL;
        json_object_put(j);
    }
    /* Valid UTF-8 of every length passes, after ASCII of any length. */
    j = json_object_new_object();
    json_object_object_add(j, "name", json_object_new_string(
        "0123456789abcdef\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"));
    t_Sub *s = qapic_decode(&t_TYPE_Sub, j, QAPIC_DECODE_STRICT, "data", &err);
    ck_assert_ptr_nonnull(s);
    qapic_free(&t_TYPE_Sub, s);
    json_object_put(j);
    j = json_object_new_double(NAN);
    ck_assert_ptr_null(qapic_decode(&qapic_type_number, j, 0, "v", &err));
    ck_assert_str_eq(err->message, "v: NaN is not a finite number");
    qapic_error_free(err);
    json_object_put(j);
}
END_TEST

static const struct {
    const char *text;
    const char *message;
} syntax_errors[] = {
    { "", "value: invalid JSON at byte 0: unexpected end of data" },
    { "   ", "value: invalid JSON at byte 3: unexpected end of data" },
    { "{\"name\": NaN}", "value: invalid JSON at byte 9: unexpected character" },
    { "[Infinity]", "value: invalid JSON at byte 1: unexpected character" },
    { "[-Infinity]", "value: invalid JSON at byte 1: invalid number" },
    { "[1.]", "value: invalid JSON at byte 1: invalid number" },
    { "[.5]", "value: invalid JSON at byte 1: unexpected character" },
    { "[01]", "value: invalid JSON at byte 1: invalid number" },
    { "[1e]", "value: invalid JSON at byte 1: invalid number" },
    { "[+1]", "value: invalid JSON at byte 1: unexpected character" },
    { "[tru]", "value: invalid JSON at byte 1: invalid literal" },
    { "[True]", "value: invalid JSON at byte 1: unexpected character" },
    { "[\"a\tb\"]", "value: invalid JSON at byte 3: control character in a string" },
    { "[\"\xff\"]", "value: invalid JSON at byte 2: invalid UTF-8 in a string" },
    { "[\"\xc0\x80\"]", "value: invalid JSON at byte 2: invalid UTF-8 in a string" },
    { "[\"\xed\xa0\x80\"]", "value: invalid JSON at byte 2: invalid UTF-8 in a string" },
    { "[\"\xe0\x80\xaf\"]", "value: invalid JSON at byte 2: invalid UTF-8 in a string" },
    { "[\"\xf4\x90\x80\x80\"]", "value: invalid JSON at byte 2: invalid UTF-8 in a string" },
    { "[\"ab\xe2\x82\"]", "value: invalid JSON at byte 4: invalid UTF-8 in a string" },
    { "{\"a\\u0000b\": 1}", "value: invalid JSON at byte 1: member name contains a NUL character" },
    { "[\"\\ud800\"]", "value: invalid JSON at byte 2: lone surrogate in a \\u escape" },
    { "[\"a\\uDC00\"]", "value: invalid JSON at byte 3: lone surrogate in a \\u escape" },
    { "[\"\\ud800\\u0041\"]", "value: invalid JSON at byte 2: lone surrogate in a \\u escape" },
    { "[\"\\udbff\\ud800\"]", "value: invalid JSON at byte 2: lone surrogate in a \\u escape" },
    { "[\"\\ud800\\", "value: invalid JSON at byte 2: lone surrogate in a \\u escape" },
    { "[\"abc", "value: invalid JSON at byte 1: unterminated string" },
    { "{'a': 1}", "value: invalid JSON at byte 1: unexpected character" },
    { "/* c */ 1", "value: invalid JSON at byte 0: unexpected character" },
    { "[1,]", "value: invalid JSON at byte 3: unexpected character" },
    { "[1", "value: invalid JSON at byte 2: unexpected end of data" },
    { "1 2", "value: invalid JSON at byte 2: unexpected character" },
    { "{} {}", "value: invalid JSON at byte 3: unexpected character" },
    { "[99999999999999999999, x]", "value: invalid JSON at byte 23: unexpected character" },
    { "[99999999999999999999,]", "value: invalid JSON at byte 22: unexpected character" },
};

START_TEST(syntax_error_messages)
{
    ck_decode_error(&qapic_type_any, syntax_errors[_i].text, 0, "value",
                    syntax_errors[_i].message);
}
END_TEST

START_TEST(json_parse_api)
{
    struct json_object *j = (struct json_object *)1;
    qapic_error *err = NULL;

    ck_assert_int_eq(qapic_json_parse("null", 4, &j, &err), 0);
    ck_assert_ptr_null(j);
    ck_assert_int_eq(qapic_json_parse(" [1, \"\\u00e9\"]\n", 15, &j, &err), 0);
    ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(j, 1)),
                     "\xc3\xa9");
    json_object_put(j);
    /* A surrogate pair is one character; lone halves are refused (see
     * syntax_errors). */
    ck_assert_int_eq(qapic_json_parse("\"\\ud83d\\uDE00\"", 14, &j, &err), 0);
    ck_assert_str_eq(json_object_get_string(j), "\xf0\x9f\x98\x80");
    json_object_put(j);
    /* LEN bounds the text: no NUL terminator needed. */
    ck_assert_int_eq(qapic_json_parse("12345", 3, &j, &err), 0);
    ck_assert_int_eq(json_object_get_int(j), 123);
    json_object_put(j);
    ck_assert_int_eq(qapic_json_parse("[1] x", 5, &j, &err), -1);
    ck_assert_ptr_null(j);
    ck_assert_str_eq(err->message, "invalid JSON at byte 4: unexpected character");
    ck_assert_ptr_null(err->path);
    qapic_error_free(err);
}
END_TEST

START_TEST(deep_nesting)
{
    size_t depth = 1025;
    char *text = malloc(2 * depth + 1);
    struct json_object *j;
    qapic_error *err = NULL;

    for (size_t i = 0; i < depth; i++) {
        text[i] = '[';
        text[2 * depth - 1 - i] = ']';
    }
    ck_assert_int_eq(qapic_json_parse(text, 2 * depth, &j, &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_DECODE);
    qapic_error_free(err);
    err = NULL;
    ck_assert_int_eq(qapic_json_parse(text + 1, 2 * depth - 2, &j, &err), 0);
    json_object_put(j);
    free(text);
}
END_TEST

/* ---- encode refusals ---------------------------------------------------- */

START_TEST(encode_refusals)
{
    t_Kitchen *k = decode_ok(&t_TYPE_Kitchen, K("\"sub\": {\"name\": \"s\"}"), 0);
    t_Sub sub = { 0 };
    t_Shape shape = { 0 };
    t_EnumAlt ealt = { 0 };
    qapic_enum_box box = { QAPIC_ENUM_UNKNOWN, NULL };

    ck_encode_error(&t_TYPE_Sub, &sub, "arguments.name: string is NULL");
    sub.name = "\xc3";
    ck_encode_error(&t_TYPE_Sub, &sub, "arguments.name: string is not valid UTF-8");
    sub.name = "ok";
    sub.has_color = true;
    sub.color = 7;
    ck_encode_error(&t_TYPE_Sub, &sub, "arguments.color: 7 is not a value of Color");
    sub.color = T_COLOR__UNKNOWN;
    ck_encode_error(&t_TYPE_Sub, &sub, "arguments.color: unknown value of Color, "
                    "and _extra does not keep the received one");
    sub.color = T_COLOR_RED;
    sub._extra = J("{\"name\": \"again\"}");
    ck_encode_error(&t_TYPE_Sub, &sub,
                    "arguments.name: member is set and also kept in _extra");
    json_object_put(sub._extra);
    sub._extra = J("[1]");
    ck_encode_error(&t_TYPE_Sub, &sub, "arguments: _extra is not a JSON object");
    json_object_put(sub._extra);
    sub._extra = NULL;
    ck_encode_error(&t_TYPE_Sub, NULL, "arguments: object is NULL");

    shape.kind = 9;
    ck_encode_error(&t_TYPE_Shape, &shape, "arguments.kind: 9 is not a value of ShapeKind");
    shape.kind = T_SHAPE_KIND__UNKNOWN;
    ck_encode_error(&t_TYPE_Shape, &shape, "arguments.kind: unknown value of ShapeKind, "
                    "and _extra does not keep the received one");
    shape.kind = T_SHAPE_KIND_GROUP;
    shape.u.group.layout = T_GROUP_KIND_ROW;
    shape.u.group.u.row.cells.n = 1;
    ck_encode_error(&t_TYPE_Shape, &shape, "arguments.cells: list of 1 elements has no items");

    k->has_sub = true;
    qapic_free(&t_TYPE_Sub, k->sub);
    k->sub = NULL;
    ck_encode_error(&t_TYPE_Kitchen, k, "arguments.sub: object is NULL");
    k->has_sub = false;
    k->has_alt = true;
    ck_encode_error(&t_TYPE_Kitchen, k, "arguments.alt: alternate is NULL");
    k->alt = calloc(1, sizeof *k->alt);
    ck_encode_error(&t_TYPE_Kitchen, k, "arguments.alt: alternate Alt holds no value");
    k->has_alt = false;
    k->has_num = true;
    k->num = NAN;
    ck_encode_error(&t_TYPE_Kitchen, k, "arguments.num: nan is not a finite number");
    k->num = -INFINITY;
    ck_encode_error(&t_TYPE_Kitchen, k, "arguments.num: -inf is not a finite number");
    k->has_num = false;
    k->has_colors = true;
    k->colors.items = calloc(2, sizeof *k->colors.items);
    k->colors.n = 2;
    k->colors.items[1] = T_COLOR__UNKNOWN;
    ck_encode_error(&t_TYPE_Kitchen, k, "arguments.colors[1]: unknown value of "
                    "Color without its received string");
    k->has_colors = false;
    k->has_text = true;
    ck_encode_error(&t_TYPE_Kitchen, k, "arguments.text: string is NULL");
    k->has_text = false;

    ealt.type = QAPIC_JSON_STRING;
    ealt.u.c = T_COLOR__UNKNOWN;
    ck_encode_error(&t_TYPE_EnumAlt, &ealt, "arguments: unknown value of Color "
                    "without its received string in _raw");
    ealt.type = QAPIC_JSON_ARRAY;
    ck_encode_error(&t_TYPE_EnumAlt, &ealt, "arguments: alternate EnumAlt has no "
                    "branch for type 6");
    ealt.type = QAPIC_JSON_OBJECT;
    ealt.u.sh = NULL;
    ck_encode_error(&t_TYPE_EnumAlt, &ealt, "arguments: object is NULL");
    ck_encode_error(&t_TYPE_Color, &box, "arguments: unknown value of Color without "
                    "its received string");
    box.value = 3;
    ck_encode_error(&t_TYPE_Color, &box, "arguments: 3 is not a value of Color");

    /* And the value, back in order, encodes. */
    json_object_put(encode_ok(&t_TYPE_Kitchen, k));
    qapic_free(&t_TYPE_Kitchen, k);
}
END_TEST

START_TEST(encode_null_results)
{
    qapic_error *err = NULL;
    bool null = true;
    struct json_object *any = NULL;
    t_Alt alt = { .type = QAPIC_JSON_NULL };
    char *s;

    ck_assert_ptr_null(qapic_encode(&qapic_type_null, &null, NULL, &err));
    ck_assert_ptr_null(err);
    ck_assert_ptr_null(qapic_encode(&qapic_type_any, &any, NULL, &err));
    ck_assert_ptr_null(err);
    ck_assert_ptr_null(qapic_encode(&t_TYPE_Alt, &alt, NULL, &err));
    ck_assert_ptr_null(err);
    s = qapic_encode_text(&t_TYPE_Alt, &alt, &err);
    ck_assert_str_eq(s, "null");
    free(s);
}
END_TEST

/* ---- failed decodes free what they built -------------------------------- */

/* A value whose decoding walks every construct, with something to free
 * before each position. */
static const char everything[] =
    "{\"id\": 1, \"note\": \"n\", \"i8\": 0, \"i16\": 0, \"i32\": 0, \"i64\": 0,"
    " \"u8\": 0, \"u16\": 0, \"u32\": 0, \"u64\": 0, \"sz\": 0, \"num\": 1.5,"
    " \"flag\": true, \"text\": \"t\", \"blob\": {\"b\": [1]}, \"nothing\": null,"
    " \"color\": \"pink\", \"colors\": [\"red\", \"pink\"], \"ints\": [1, 2],"
    " \"strs\": [\"a\", \"b\"], \"nums\": [1.5], \"anys\": [[1]],"
    " \"sub\": {\"name\": \"s\", \"color\": \"pink\", \"x\": 1},"
    " \"subs\": [{\"name\": \"a\"}, {\"name\": \"b\", \"color\": \"red\"}],"
    " \"shape\": {\"kind\": \"group\", \"layout\": \"row\", \"label\": \"l\","
    "            \"cells\": [{\"name\": \"c\"}, {\"name\": \"d\"}], \"align\": \"pink\","
    "            \"more\": [1]},"
    " \"shapes\": [{\"kind\": \"circle\", \"radius\": 1, \"fill\": \"pink\"},"
    "              {\"kind\": \"hexagon\", \"label\": \"h\", \"sides\": 6}],"
    " \"alt\": {\"name\": \"o\", \"y\": 2}, \"alts\": [\"s\", [1, 2], {\"name\": \"p\"}],"
    " \"ealt\": {\"kind\": \"group\", \"layout\": \"row\", \"cells\": [{\"name\": \"e\"}]},"
    " \"unknown\": {\"u\": 1}}";

typedef struct position {
    struct json_object *parent;
    const char *key;            /* NULL: array index */
    size_t index;
} position;

static void collect(struct json_object *j, position **pos, size_t *n, size_t *cap)
{
    if (json_object_is_type(j, json_type_object)) {
        json_object_object_foreach(j, key, val) {
            if (*n == *cap)
                *pos = realloc(*pos, (*cap = *cap * 2 + 16) * sizeof **pos);
            (*pos)[(*n)++] = (position){ j, key, 0 };
            collect(val, pos, n, cap);
        }
    } else if (json_object_is_type(j, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(j); i++) {
            if (*n == *cap)
                *pos = realloc(*pos, (*cap = *cap * 2 + 16) * sizeof **pos);
            (*pos)[(*n)++] = (position){ j, NULL, i };
            collect(json_object_array_get_idx(j, i), pos, n, cap);
        }
    }
}

/* Decodes TEXT leniently and strictly, with each value in turn replaced by
 * each of a few wrong values (or its member removed): most decodes fail
 * midway, with much built already.  The leak checkers of check-asan and
 * check-valgrind judge that all of it was freed; a decode that succeeds
 * must still round-trip. */
static void corrupt_everywhere(const qapic_type *t, const char *text,
                               size_t *runs, size_t *failures)
{
    static const char *const wrong[] = { "\"w\"", "[true]", "{\"kind\": 1}", "-1", NULL };
    struct json_object *base = J(text);
    position *pos = NULL;
    size_t npos = 0, cap = 0;

    collect(base, &pos, &npos, &cap);
    free(pos);
    json_object_put(base);
    for (size_t p = 0; p < npos; p++) {
        for (size_t w = 0; w < sizeof wrong / sizeof wrong[0]; w++) {
            /* The same walk over a fresh tree finds the same position. */
            struct json_object *copy = J(text);
            size_t n = 0;
            cap = 0;
            pos = NULL;
            collect(copy, &pos, &n, &cap);
            if (pos[p].key && wrong[w])
                json_object_object_add(pos[p].parent, pos[p].key, J(wrong[w]));
            else if (pos[p].key)
                json_object_object_del(pos[p].parent, pos[p].key);
            else if (wrong[w])
                json_object_array_put_idx(pos[p].parent, pos[p].index, J(wrong[w]));
            free(pos);
            for (unsigned flags = 0; flags <= QAPIC_DECODE_STRICT; flags++) {
                qapic_error *err = NULL;
                void *v = qapic_decode(t, copy, flags, "return", &err);
                (*runs)++;
                if (v) {
                    struct json_object *out = encode_ok(t, v);
                    ck_assert_ptr_null(err);
                    ck_assert(qapic_json_equal(copy, out));
                    json_object_put(out);
                    qapic_free(t, v);
                    continue;
                }
                ck_assert_ptr_nonnull(err);
                ck_assert_int_eq(err->kind, QAPIC_ERROR_DECODE);
                ck_assert(!strncmp(err->message, "return", 6));
                (*failures)++;
                qapic_error_free(err);
            }
            json_object_put(copy);
        }
    }
}

START_TEST(failed_decodes_free_everything)
{
    size_t runs = 0, failures = 0;
    t_Kitchen *k;

    /* The unchanged value decodes, with something kept at each level. */
    k = round_trip(&t_TYPE_Kitchen, everything, 0);
    ck_assert_ptr_nonnull(k->_extra);
    ck_assert_ptr_nonnull(k->colors._raw);
    ck_assert_ptr_nonnull(k->shape->_extra);
    ck_assert_ptr_nonnull(k->shapes.items[1]->_extra);
    qapic_free(&t_TYPE_Kitchen, k);

    corrupt_everywhere(&t_TYPE_Kitchen, everything, &runs, &failures);
    ck_assert_uint_gt(runs, 500);
    ck_assert_uint_gt(failures, runs / 2);
}
END_TEST

Suite *qc_suite_codec_errors(void)
{
    Suite *s = suite_create("codec_errors");
    TCase *tc = tcase_create("codec_errors");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, decode_error_messages, 0,
                        sizeof kitchen_errors / sizeof kitchen_errors[0]);
    tcase_add_test(tc, error_path_field);
    tcase_add_test(tc, decode_tree_only_errors);
    tcase_add_loop_test(tc, syntax_error_messages, 0,
                        sizeof syntax_errors / sizeof syntax_errors[0]);
    tcase_add_test(tc, json_parse_api);
    tcase_add_test(tc, deep_nesting);
    tcase_add_test(tc, encode_refusals);
    tcase_add_test(tc, encode_null_results);
    tcase_add_test(tc, failed_decodes_free_everything);
    suite_add_tcase(s, tc);
    return s;
}
