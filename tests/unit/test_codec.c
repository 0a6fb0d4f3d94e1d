/* Unit tests for the runtime codec (runtime/decode.c, encode.c, value.c):
 * lossless round trips, what lenient decoding keeps, strict mode, copy and
 * equality.  Error messages are in test_codec_errors.c. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "codec_fixture.h"
#include "codec_util.h"

/* Every member of Kitchen, integers at their bounds. */
static const char kitchen_full[] =
    "{\"id\": -5, \"note\": \"caf\\u00e9 \\\"q\\\" \\\\ \\/ \\n\\t\\u0001 "
    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\","
    " \"i8\": -128, \"i16\": 32767, \"i32\": -2147483648,"
    " \"i64\": 9223372036854775807, \"u8\": 255, \"u16\": 65535,"
    " \"u32\": 4294967295, \"u64\": 18446744073709551615, \"sz\": 0,"
    " \"num\": 1.5, \"flag\": false, \"text\": \"\","
    " \"blob\": {\"x\": [1, null, {\"y\": true}], \"big\": 1e300},"
    " \"nothing\": null, \"color\": \"green\", \"colors\": [\"red\", \"blue\"],"
    " \"ints\": [], \"strs\": [\"a\", \"b\"], \"nums\": [1, 2.5, -0.0, 3e-7],"
    " \"anys\": [null, 1, \"s\", [], {}],"
    " \"sub\": {\"name\": \"s1\"},"
    " \"subs\": [{\"name\": \"a\", \"color\": \"red\"}, {\"name\": \"b\"}],"
    " \"shape\": {\"kind\": \"group\", \"layout\": \"row\", \"gap\": -3,"
    "            \"cells\": [{\"name\": \"c\"}], \"align\": \"blue\","
    "            \"label\": \"L\"},"
    " \"shapes\": [{\"kind\": \"circle\", \"radius\": 4294967295, \"fill\": \"red\"},"
    "              {\"kind\": \"point\"}, {\"kind\": \"group\", \"layout\": \"column\"},"
    "              {\"kind\": \"blank\", \"label\": \"x\"}],"
    " \"alt\": {\"name\": \"o\"},"
    " \"alts\": [\"str\", 2.5, 3, true, null, [1, 2], {\"name\": \"x\", \"color\": \"blue\"}],"
    " \"ealt\": \"blue\"}";

/* Only the mandatory members. */
#define KITCHEN_MIN                                                         \
    "\"id\": 1, \"i8\": 0, \"i16\": 0, \"i32\": 0, \"i64\": 0, \"u8\": 0, " \
    "\"u16\": 0, \"u32\": 0, \"u64\": 0, \"sz\": 0"

START_TEST(kitchen_round_trip)
{
    unsigned flags = _i ? QAPIC_DECODE_STRICT : 0;
    t_Kitchen *k = round_trip(&t_TYPE_Kitchen, kitchen_full, flags);

    ck_assert_int_eq(k->id, -5);
    ck_assert(k->has_note);
    ck_assert_str_eq(k->note, "caf\xc3\xa9 \"q\" \\ / \n\t\x01 "
                              "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    ck_assert_int_eq(k->i8, INT8_MIN);
    ck_assert_int_eq(k->i16, INT16_MAX);
    ck_assert_int_eq(k->i32, INT32_MIN);
    ck_assert_int_eq(k->i64, INT64_MAX);
    ck_assert_uint_eq(k->u8, UINT8_MAX);
    ck_assert_uint_eq(k->u16, UINT16_MAX);
    ck_assert_uint_eq(k->u32, UINT32_MAX);
    ck_assert_uint_eq(k->u64, UINT64_MAX);
    ck_assert(k->has_num && k->num == 1.5);
    ck_assert(k->has_flag && !k->flag);
    ck_assert(k->has_text && !strcmp(k->text, ""));
    ck_assert(k->has_blob && json_object_is_type(k->blob, json_type_object));
    ck_assert(k->has_nothing && k->nothing);
    ck_assert(k->has_color && k->color == T_COLOR_GREEN);
    ck_assert_uint_eq(k->colors.n, 2);
    ck_assert_int_eq(k->colors.items[1], T_COLOR_BLUE);
    ck_assert_ptr_null(k->colors._raw);
    ck_assert(k->has_ints);
    ck_assert_uint_eq(k->ints.n, 0);
    ck_assert_str_eq(k->strs.items[1], "b");
    ck_assert(k->nums.items[0] == 1.0 && k->nums.items[3] == 3e-7);
    ck_assert(signbit(k->nums.items[2]));
    ck_assert_uint_eq(k->anys.n, 5);
    ck_assert_ptr_null(k->anys.items[0]);
    ck_assert_str_eq(k->sub->name, "s1");
    ck_assert(!k->sub->has_color);
    ck_assert(k->subs.items[0]->has_color && k->subs.items[0]->color == T_COLOR_RED);
    ck_assert_int_eq(k->shape->kind, T_SHAPE_KIND_GROUP);
    ck_assert_str_eq(k->shape->label, "L");
    ck_assert_int_eq(k->shape->u.group.layout, T_GROUP_KIND_ROW);
    ck_assert(k->shape->u.group.has_gap && k->shape->u.group.gap == -3);
    ck_assert_str_eq(k->shape->u.group.u.row.cells.items[0]->name, "c");
    ck_assert_int_eq(k->shape->u.group.u.row.align, T_COLOR_BLUE);
    ck_assert_ptr_null(k->shape->_extra);
    ck_assert_uint_eq(k->shapes.items[0]->u.circle.radius, UINT32_MAX);
    ck_assert_int_eq(k->shapes.items[1]->kind, T_SHAPE_KIND_POINT);
    ck_assert_int_eq(k->shapes.items[2]->u.group.layout, T_GROUP_KIND_COLUMN);
    ck_assert_int_eq(k->alt->type, QAPIC_JSON_OBJECT);
    ck_assert_str_eq(k->alt->u.o->name, "o");
    ck_assert_int_eq(k->alts.items[0]->type, QAPIC_JSON_STRING);
    ck_assert_str_eq(k->alts.items[0]->u.s, "str");
    ck_assert(k->alts.items[1]->u.n == 2.5 && k->alts.items[2]->u.n == 3);
    ck_assert(k->alts.items[3]->type == QAPIC_JSON_BOOL && k->alts.items[3]->u.b);
    ck_assert(k->alts.items[4]->type == QAPIC_JSON_NULL && k->alts.items[4]->u.z);
    ck_assert_int_eq(k->alts.items[5]->type, QAPIC_JSON_ARRAY);
    ck_assert_int_eq(k->alts.items[5]->u.l.items[1], 2);
    ck_assert_int_eq(k->alts.items[6]->u.o->color, T_COLOR_BLUE);
    ck_assert(k->ealt->type == QAPIC_JSON_STRING && k->ealt->u.c == T_COLOR_BLUE);
    ck_assert_ptr_null(k->ealt->_raw);
    ck_assert_ptr_null(k->_extra);
    qapic_free(&t_TYPE_Kitchen, k);
}
END_TEST

START_TEST(absent_and_empty_lists_differ)
{
    t_Kitchen *a = round_trip(&t_TYPE_Kitchen, "{" KITCHEN_MIN "}", 0);
    t_Kitchen *b = round_trip(&t_TYPE_Kitchen,
                              "{" KITCHEN_MIN ", \"ints\": [], \"subs\": []}", 0);
    struct json_object *j = encode_ok(&t_TYPE_Kitchen, a);

    ck_assert(!a->has_ints && !a->has_subs);
    ck_assert(b->has_ints && b->ints.n == 0 && b->has_subs && b->subs.n == 0);
    ck_assert(!qapic_equal(&t_TYPE_Kitchen, a, b));
    ck_assert(!json_object_object_get_ex(j, "ints", NULL));
    json_object_put(j);
    j = encode_ok(&t_TYPE_Kitchen, b);
    ck_assert(json_object_object_get_ex(j, "ints", NULL));
    json_object_put(j);
    qapic_free(&t_TYPE_Kitchen, a);
    qapic_free(&t_TYPE_Kitchen, b);
}
END_TEST

START_TEST(unknown_members_kept)
{
    const char *text = "{\"name\": \"x\", \"new\": 1, \"more\": {\"a\": [1, null]},"
                       " \"nul\": null}";
    t_Sub *s = round_trip(&t_TYPE_Sub, text, 0);
    struct json_object *v;

    ck_assert_str_eq(s->name, "x");
    ck_assert_int_eq(json_object_object_length(s->_extra), 3);
    ck_assert(json_object_object_get_ex(s->_extra, "more", &v));
    ck_assert(json_object_object_get_ex(s->_extra, "nul", &v) && !v);
    ck_assert(!json_object_object_get_ex(s->_extra, "name", NULL));
    qapic_free(&t_TYPE_Sub, s);
    ck_decode_error(&t_TYPE_Sub, text, QAPIC_DECODE_STRICT, "return",
                    "return.new: unknown member");
}
END_TEST

START_TEST(unknown_enum_member_kept)
{
    const char *text = "{\"name\": \"x\", \"color\": \"purple\"}";
    t_Sub *s = round_trip(&t_TYPE_Sub, text, 0);
    struct json_object *v;

    ck_assert(s->has_color);
    ck_assert_int_eq(s->color, T_COLOR__UNKNOWN);
    ck_assert(json_object_object_get_ex(s->_extra, "color", &v));
    ck_assert_str_eq(json_object_get_string(v), "purple");
    qapic_free(&t_TYPE_Sub, s);
    ck_decode_error(&t_TYPE_Sub, text, QAPIC_DECODE_STRICT, "data",
                    "data.color: 'purple' is not a value of Color");
}
END_TEST

START_TEST(unknown_enum_list_element_kept)
{
    const char *text = "{" KITCHEN_MIN ", \"colors\": [\"red\", \"purple\", \"blue\", \"x\"]}";
    t_Kitchen *k = round_trip(&t_TYPE_Kitchen, text, 0);

    ck_assert_uint_eq(k->colors.n, 4);
    ck_assert_int_eq(k->colors.items[0], T_COLOR_RED);
    ck_assert_int_eq(k->colors.items[1], T_COLOR__UNKNOWN);
    ck_assert_int_eq(k->colors.items[2], T_COLOR_BLUE);
    ck_assert_ptr_nonnull(k->colors._raw);
    ck_assert_ptr_null(k->colors._raw[0]);
    ck_assert_str_eq(k->colors._raw[1], "purple");
    ck_assert_ptr_null(k->colors._raw[2]);
    ck_assert_str_eq(k->colors._raw[3], "x");
    ck_assert_ptr_null(k->_extra);
    qapic_free(&t_TYPE_Kitchen, k);
    ck_decode_error(&t_TYPE_Kitchen, text, QAPIC_DECODE_STRICT, "return",
                    "return.colors[1]: 'purple' is not a value of Color");
}
END_TEST

START_TEST(unknown_enum_box_kept)
{
    qapic_enum_box *b = round_trip(&t_TYPE_Color, "\"purple\"", 0);

    ck_assert_int_eq(b->value, QAPIC_ENUM_UNKNOWN);
    ck_assert_str_eq(b->raw, "purple");
    qapic_free(&t_TYPE_Color, b);
    b = round_trip(&t_TYPE_Color, "\"blue\"", QAPIC_DECODE_STRICT);
    ck_assert_int_eq(b->value, T_COLOR_BLUE);
    ck_assert_ptr_null(b->raw);
    qapic_free(&t_TYPE_Color, b);
    ck_decode_error(&t_TYPE_Color, "\"purple\"", QAPIC_DECODE_STRICT, "data",
                    "data: 'purple' is not a value of Color");
}
END_TEST

START_TEST(unknown_union_tag_kept)
{
    const char *text = "{\"kind\": \"triangle\", \"label\": \"t\", \"sides\": 3,"
                       " \"radius\": 1}";
    t_Shape *s = round_trip(&t_TYPE_Shape, text, 0);
    struct json_object *v;

    ck_assert_int_eq(s->kind, T_SHAPE_KIND__UNKNOWN);
    ck_assert(s->has_label);
    ck_assert_str_eq(s->label, "t");
    ck_assert_int_eq(json_object_object_length(s->_extra), 3);
    ck_assert(json_object_object_get_ex(s->_extra, "kind", &v));
    ck_assert_str_eq(json_object_get_string(v), "triangle");
    ck_assert(json_object_object_get_ex(s->_extra, "radius", NULL));
    ck_assert_uint_eq(s->u.circle.radius, 0);
    qapic_free(&t_TYPE_Shape, s);
    ck_decode_error(&t_TYPE_Shape, text, QAPIC_DECODE_STRICT, "value",
                    "value.kind: 'triangle' is not a value of ShapeKind");
}
END_TEST

START_TEST(tag_only_values)
{
    t_Shape *s = round_trip(&t_TYPE_Shape, "{\"kind\": \"point\", \"label\": \"p\"}",
                            QAPIC_DECODE_STRICT);

    ck_assert_int_eq(s->kind, T_SHAPE_KIND_POINT);
    ck_assert_ptr_null(s->_extra);
    qapic_free(&t_TYPE_Shape, s);
    /* A branch member under a tag without that branch is unknown. */
    s = round_trip(&t_TYPE_Shape, "{\"kind\": \"blank\", \"radius\": 2}", 0);
    ck_assert(json_object_object_get_ex(s->_extra, "radius", NULL));
    qapic_free(&t_TYPE_Shape, s);
    ck_decode_error(&t_TYPE_Shape, "{\"kind\": \"blank\", \"radius\": 2}",
                    QAPIC_DECODE_STRICT, "value", "value.radius: unknown member");
}
END_TEST

START_TEST(nested_union)
{
    const char *text = "{\"kind\": \"group\", \"layout\": \"row\", \"gap\": 2,"
                       " \"cells\": [{\"name\": \"a\", \"color\": \"teal\"}],"
                       " \"align\": \"mauve\", \"later\": true}";
    t_Shape *s = round_trip(&t_TYPE_Shape, text, 0);
    struct json_object *v;

    ck_assert_int_eq(s->u.group.layout, T_GROUP_KIND_ROW);
    ck_assert_int_eq(s->u.group.gap, 2);
    ck_assert_uint_eq(s->u.group.u.row.cells.n, 1);
    /* Unknown values at every level go to the outermost _extra; the cell
     * is an object of its own. */
    ck_assert_int_eq(s->u.group.u.row.align, T_COLOR__UNKNOWN);
    ck_assert(s->u.group.u.row.has_align);
    ck_assert_int_eq(json_object_object_length(s->_extra), 2);
    ck_assert(json_object_object_get_ex(s->_extra, "align", &v));
    ck_assert_str_eq(json_object_get_string(v), "mauve");
    ck_assert(json_object_object_get_ex(s->_extra, "later", NULL));
    ck_assert_ptr_null(s->u.group._extra);
    ck_assert_ptr_null(s->u.group.u.row._extra);
    ck_assert(json_object_object_get_ex(s->u.group.u.row.cells.items[0]->_extra,
                                        "color", NULL));
    qapic_free(&t_TYPE_Shape, s);
    ck_decode_error(&t_TYPE_Shape, text, QAPIC_DECODE_STRICT, "value",
                    "value.cells[0].color: 'teal' is not a value of Color");
}
END_TEST

START_TEST(nested_union_unknown_inner_tag)
{
    const char *text = "{\"kind\": \"group\", \"layout\": \"grid\", \"gap\": 1,"
                       " \"cols\": 3, \"cells\": []}";
    t_Shape *s = round_trip(&t_TYPE_Shape, text, 0);

    ck_assert_int_eq(s->kind, T_SHAPE_KIND_GROUP);
    ck_assert_int_eq(s->u.group.layout, T_GROUP_KIND__UNKNOWN);
    ck_assert(s->u.group.has_gap && s->u.group.gap == 1);
    ck_assert_int_eq(json_object_object_length(s->_extra), 3);
    ck_assert(json_object_object_get_ex(s->_extra, "layout", NULL));
    ck_assert(json_object_object_get_ex(s->_extra, "cells", NULL));
    ck_assert_ptr_null(s->u.group.u.row.cells.items);
    qapic_free(&t_TYPE_Shape, s);
    ck_decode_error(&t_TYPE_Shape, text, QAPIC_DECODE_STRICT, "value",
                    "value.layout: 'grid' is not a value of GroupKind");
    s = round_trip(&t_TYPE_Shape, "{\"kind\": \"group\", \"layout\": \"column\"}",
                   QAPIC_DECODE_STRICT);
    ck_assert_int_eq(s->u.group.layout, T_GROUP_KIND_COLUMN);
    qapic_free(&t_TYPE_Shape, s);
}
END_TEST

START_TEST(alternate_unknown_shapes)
{
    static const struct {
        const char *text;
        qapic_json_type type;
    } cases[] = {
        { "true", QAPIC_JSON_NONE },
        { "[1, \"x\"]", QAPIC_JSON_NONE },
        { "null", QAPIC_JSON_NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_EnumAlt *a = round_trip(&t_TYPE_EnumAlt, cases[i].text, 0);
        struct json_object *j = J(cases[i].text);
        ck_assert_int_eq(a->type, cases[i].type);
        ck_assert(qapic_json_equal(a->_raw, j));
        json_object_put(j);
        qapic_free(&t_TYPE_EnumAlt, a);
    }
    ck_decode_error(&t_TYPE_EnumAlt, "true", QAPIC_DECODE_STRICT, "value",
                    "value: expected string, number or object, got boolean");
    ck_decode_error(&t_TYPE_EnumAlt, "null", QAPIC_DECODE_STRICT, "value",
                    "value: expected string, number or object, got null");
}
END_TEST

START_TEST(alternate_branches)
{
    t_EnumAlt *a = round_trip(&t_TYPE_EnumAlt, "\"purple\"", 0);

    ck_assert_int_eq(a->type, QAPIC_JSON_STRING);
    ck_assert_int_eq(a->u.c, T_COLOR__UNKNOWN);
    ck_assert_str_eq(json_object_get_string(a->_raw), "purple");
    qapic_free(&t_TYPE_EnumAlt, a);
    ck_decode_error(&t_TYPE_EnumAlt, "\"purple\"", QAPIC_DECODE_STRICT, "value",
                    "value: 'purple' is not a value of Color");
    a = round_trip(&t_TYPE_EnumAlt, "-128", QAPIC_DECODE_STRICT);
    ck_assert(a->type == QAPIC_JSON_NUMBER && a->u.i == -128);
    qapic_free(&t_TYPE_EnumAlt, a);
    a = round_trip(&t_TYPE_EnumAlt, "{\"kind\": \"circle\", \"radius\": 7, \"x\": 1}", 0);
    ck_assert(a->type == QAPIC_JSON_OBJECT && a->u.sh->u.circle.radius == 7);
    ck_assert(json_object_object_get_ex(a->u.sh->_extra, "x", NULL));
    ck_assert_ptr_null(a->_raw);
    qapic_free(&t_TYPE_EnumAlt, a);
    /* Chosen by JSON type, then exact: no fallback to another branch. */
    ck_decode_error(&t_TYPE_EnumAlt, "128", 0, "value",
                    "value: 128 is out of range for int8");
    ck_decode_error(&t_TYPE_EnumAlt, "1.5", 0, "value", "value: 1.5 is not an integer");
    ck_decode_error(&t_TYPE_EnumAlt, "{\"kind\": \"circle\"}", 0, "value",
                    "value.radius: missing mandatory member");
}
END_TEST

START_TEST(numbers_by_value)
{
    t_Kitchen *k = round_trip(&t_TYPE_Kitchen, "{" KITCHEN_MIN ", \"num\": 3}", 0);
    struct json_object *j = encode_ok(&t_TYPE_Kitchen, k), *num;

    ck_assert(k->num == 3.0);
    ck_assert(json_object_object_get_ex(j, "num", &num));
    ck_assert(json_object_is_type(num, json_type_double));
    json_object_put(j);
    qapic_free(&t_TYPE_Kitchen, k);
    /* Integer literals beyond 64 bits are numbers, not integers. */
    k = round_trip(&t_TYPE_Kitchen,
                   "{" KITCHEN_MIN ", \"num\": 18446744073709551616,"
                   " \"nums\": [-9223372036854775809, 123456789012345678901234567890],"
                   " \"blob\": [99999999999999999999]}", 0);
    ck_assert(k->num == 18446744073709551616.0);
    ck_assert(k->nums.items[0] == -9223372036854775809.0);
    ck_assert(json_object_is_type(json_object_array_get_idx(k->blob, 0),
                                  json_type_double));
    qapic_free(&t_TYPE_Kitchen, k);
}
END_TEST

START_TEST(copy_is_deep_and_equal_sees_everything)
{
    const char *text = "{" KITCHEN_MIN ", \"note\": \"n\", \"sub\": {\"name\": \"s\", \"z\": 1},"
                       " \"colors\": [\"red\", \"pink\"], \"anys\": [{\"a\": 1}],"
                       " \"shape\": {\"kind\": \"group\", \"layout\": \"row\","
                       "            \"cells\": [{\"name\": \"c\"}]},"
                       " \"alt\": [1, 2], \"ealt\": \"pink\", \"new\": [1]}";
    t_Kitchen *k = decode_ok(&t_TYPE_Kitchen, text, 0), *c;
    qapic_error *err = NULL;

    /* Each mutation of the copy must make it unequal, and leave the
     * original alone. */
    for (int mut = 0; mut < 16; mut++) {
        c = qapic_copy(&t_TYPE_Kitchen, k, &err);
        ck_assert_ptr_nonnull(c);
        ck_assert(qapic_equal(&t_TYPE_Kitchen, k, c));
        ck_assert_ptr_ne(c->note, k->note);
        ck_assert_ptr_ne(c->sub, k->sub);
        ck_assert_ptr_ne(c->colors._raw, k->colors._raw);
        ck_assert_ptr_ne(c->_extra, k->_extra);
        switch (mut) {
        case 0: c->note[0] = 'm'; break;
        case 1: c->u64 = 1; break;
        case 2: c->has_flag = true; break;
        case 3: c->sub->name[0] = 't'; break;
        case 4: c->colors.items[0] = T_COLOR_GREEN; break;
        case 5: c->colors._raw[1][0] = 'q'; break;
        case 6: c->colors.n = 1; break;
        case 7: c->shape->u.group.u.row.cells.items[0]->name[0] = 'd'; break;
        case 8: c->shape->u.group.layout = T_GROUP_KIND_COLUMN; break;
        case 9: c->alt->u.l.items[1] = 3; break;
        case 10: c->alt->type = QAPIC_JSON_STRING; c->alt->u.l.n = 0; break;
        case 11: json_object_put(c->ealt->_raw); c->ealt->_raw = json_object_new_string("rose"); break;
        case 12: json_object_object_add(c->_extra, "newer", NULL); break;
        case 13: json_object_object_del(c->sub->_extra, "z"); break;
        case 14: json_object_put(c->anys.items[0]); c->anys.items[0] = json_object_new_int(1); break;
        case 15: c->has_note = false; break;
        }
        ck_assert_msg(!qapic_equal(&t_TYPE_Kitchen, k, c), "mutation %d unseen", mut);
        ck_assert_msg(!qapic_equal(&t_TYPE_Kitchen, c, k), "mutation %d unseen", mut);
        if (mut == 10)
            c->alt->u.l.n = 2, c->alt->type = QAPIC_JSON_ARRAY;
        if (mut == 6)
            c->colors.n = 2;
        if (mut == 8)   /* so that free finds the row's members again */
            c->shape->u.group.layout = T_GROUP_KIND_ROW;
        qapic_free(&t_TYPE_Kitchen, c);
    }
    ck_assert_str_eq(k->note, "n");
    ck_assert_str_eq(k->sub->name, "s");
    qapic_free(&t_TYPE_Kitchen, k);
}
END_TEST

START_TEST(json_subtrees_are_shared)
{
    struct json_object *in = J("{" KITCHEN_MIN ", \"blob\": {\"deep\": [1]}, \"extra\": {\"e\": 2}}");
    struct json_object *blob, *extra;
    qapic_error *err = NULL;
    t_Kitchen *k, *c;

    ck_assert(json_object_object_get_ex(in, "blob", &blob));
    ck_assert(json_object_object_get_ex(in, "extra", &extra));
    k = qapic_decode(&t_TYPE_Kitchen, in, 0, "return", &err);
    ck_assert_ptr_nonnull(k);
    ck_assert_ptr_eq(k->blob, blob);
    c = qapic_copy(&t_TYPE_Kitchen, k, &err);
    ck_assert_ptr_eq(c->blob, blob);
    /* The tree outlives its owner: the references keep it. */
    json_object_put(in);
    ck_assert_int_eq(json_object_array_length(
                         json_object_object_get(k->blob, "deep")), 1);
    qapic_free(&t_TYPE_Kitchen, k);
    ck_assert(json_object_is_type(c->blob, json_type_object));
    qapic_free(&t_TYPE_Kitchen, c);
}
END_TEST

START_TEST(slots)
{
    qapic_error *err = NULL;
    struct json_object *j = J("[\"a\", \"b\"]"), *out;
    qapic_strList l;
    int64_t i;
    int e;

    memset(&l, 0xa5, sizeof l);
    ck_assert_int_eq(qapic_decode_slot(&qapic_type_strList, j, 0, "v", &l, &err), 0);
    ck_assert_uint_eq(l.n, 2);
    out = qapic_encode_slot(&qapic_type_strList, &l, "v", &err);
    ck_assert(qapic_json_equal(j, out));
    json_object_put(out);
    qapic_free_slot(&qapic_type_strList, &l);
    ck_assert_ptr_null(l.items);
    ck_assert_uint_eq(l.n, 0);
    json_object_put(j);

    /* A failed decode leaves the slot zeroed. */
    j = J("[\"a\", 1]");
    memset(&l, 0xa5, sizeof l);
    ck_assert_int_eq(qapic_decode_slot(&qapic_type_strList, j, 0, "v", &l, &err), -1);
    ck_assert_str_eq(err->message, "v[1]: expected string, got number");
    ck_assert(!l.items && !l.n && !l._raw);
    qapic_error_free(err);
    err = NULL;
    json_object_put(j);

    j = J("-7");
    ck_assert_int_eq(qapic_decode_slot(&qapic_type_int, j, 0, NULL, &i, &err), 0);
    ck_assert_int_eq(i, -7);
    json_object_put(j);
    /* An enum slot cannot keep an unknown value's string. */
    j = J("\"purple\"");
    ck_assert_int_eq(qapic_decode_slot(&t_TYPE_Color, j, 0, NULL, &e, &err), 0);
    ck_assert_int_eq(e, QAPIC_ENUM_UNKNOWN);
    ck_assert_ptr_null(qapic_encode_slot(&t_TYPE_Color, &e, "x", &err));
    ck_assert_str_eq(err->message, "x: unknown value of Color without its received string");
    qapic_error_free(err);
    json_object_put(j);
}
END_TEST

START_TEST(builtin_boxes)
{
    static const struct {
        const qapic_type *t;
        const char *text;
    } cases[] = {
        { &qapic_type_str, "\"s\"" }, { &qapic_type_number, "-2.25" },
        { &qapic_type_int, "-9223372036854775808" }, { &qapic_type_int8, "127" },
        { &qapic_type_int16, "-32768" }, { &qapic_type_int32, "2147483647" },
        { &qapic_type_int64, "1" }, { &qapic_type_uint8, "1" },
        { &qapic_type_uint16, "65535" }, { &qapic_type_uint32, "4294967295" },
        { &qapic_type_uint64, "9223372036854775808" },
        { &qapic_type_size, "18446744073709551615" }, { &qapic_type_bool, "true" },
        { &qapic_type_any, "{\"a\": [null]}" }, { &qapic_type_null, "null" },
        { &qapic_type_strList, "[\"a\", \"\"]" }, { &qapic_type_numberList, "[1, 1.5]" },
        { &qapic_type_intList, "[-1]" }, { &qapic_type_int8List, "[-128, 127]" },
        { &qapic_type_int16List, "[1]" }, { &qapic_type_int32List, "[1]" },
        { &qapic_type_int64List, "[1]" }, { &qapic_type_uint8List, "[255]" },
        { &qapic_type_uint16List, "[1]" }, { &qapic_type_uint32List, "[1]" },
        { &qapic_type_uint64List, "[18446744073709551615]" },
        { &qapic_type_sizeList, "[1]" }, { &qapic_type_boolList, "[true, false]" },
        { &qapic_type_anyList, "[1, \"a\", null]" }, { &qapic_type_nullList, "[null, null]" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        void *box = round_trip(cases[i].t, cases[i].text, QAPIC_DECODE_STRICT);
        void *fresh = qapic_new(cases[i].t);
        ck_assert_ptr_nonnull(fresh);
        if (cases[i].t != &qapic_type_null && cases[i].t != &qapic_type_nullList)
            ck_assert_msg(!qapic_equal(cases[i].t, box, fresh), "%s", cases[i].text);
        qapic_free(cases[i].t, fresh);
        qapic_free(cases[i].t, box);
    }
}
END_TEST

START_TEST(new_boxes_encode)
{
    t_Sub *s = qapic_new(&t_TYPE_Sub);
    struct json_object *j;

    s->name = strdup("made");
    s->has_color = true;
    s->color = T_COLOR_RED;
    j = encode_ok(&t_TYPE_Sub, s);
    ck_assert_str_eq(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
                     "{\"name\":\"made\",\"color\":\"red\"}");
    json_object_put(j);
    char *text = qapic_encode_text(&t_TYPE_Sub, s, NULL);
    ck_assert_str_eq(text, "{\"name\":\"made\",\"color\":\"red\"}");
    free(text);
    qapic_free(&t_TYPE_Sub, s);
}
END_TEST

Suite *qc_suite_codec(void)
{
    Suite *s = suite_create("codec");
    TCase *tc = tcase_create("codec");

    tcase_add_loop_test(tc, kitchen_round_trip, 0, 2);
    tcase_add_test(tc, absent_and_empty_lists_differ);
    tcase_add_test(tc, unknown_members_kept);
    tcase_add_test(tc, unknown_enum_member_kept);
    tcase_add_test(tc, unknown_enum_list_element_kept);
    tcase_add_test(tc, unknown_enum_box_kept);
    tcase_add_test(tc, unknown_union_tag_kept);
    tcase_add_test(tc, tag_only_values);
    tcase_add_test(tc, nested_union);
    tcase_add_test(tc, nested_union_unknown_inner_tag);
    tcase_add_test(tc, alternate_unknown_shapes);
    tcase_add_test(tc, alternate_branches);
    tcase_add_test(tc, numbers_by_value);
    tcase_add_test(tc, copy_is_deep_and_equal_sees_everything);
    tcase_add_test(tc, json_subtrees_are_shared);
    tcase_add_test(tc, slots);
    tcase_add_test(tc, builtin_boxes);
    tcase_add_test(tc, new_boxes_encode);
    suite_add_tcase(s, tc);
    return s;
}
