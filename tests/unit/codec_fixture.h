/* Hand-written bindings of a small schema, laid out exactly as `qapic gen
 * c --prefix t` lays out its output (runtime/qapic/types.h,
 * doc/bindings.md), for the tests of the runtime codec.  The schema uses
 * every construct the codec handles:
 *
 *   { 'enum': 'Color', 'data': [ 'red', 'green', 'blue' ] }
 *   { 'struct': 'Sub', 'data': { 'name': 'str', '*color': 'Color' } }
 *   { 'struct': 'Base', 'data': { 'id': 'int', '*note': 'str' } }
 *   { 'enum': 'ShapeKind', 'data': [ 'circle', 'group', 'point', 'blank' ] }
 *   { 'struct': 'Circle', 'data': { 'radius': 'uint32', '*fill': 'Color' } }
 *   { 'enum': 'GroupKind', 'data': [ 'row', 'column' ] }
 *   { 'struct': 'Row', 'data': { 'cells': [ 'Sub' ], '*align': 'Color' } }
 *   { 'union': 'Group', 'base': { 'layout': 'GroupKind', '*gap': 'int16' },
 *     'discriminator': 'layout', 'data': { 'row': 'Row' } }
 *   { 'union': 'Shape', 'base': { 'kind': 'ShapeKind', '*label': 'str' },
 *     'discriminator': 'kind',
 *     'data': { 'circle': 'Circle', 'group': 'Group' } }
 *   { 'alternate': 'Alt', 'data': { 'o': 'Sub', 's': 'str', 'n': 'number',
 *                                   'b': 'bool', 'z': 'null', 'l': ['int'] } }
 *   { 'alternate': 'EnumAlt', 'data': { 'c': 'Color', 'i': 'int8',
 *                                       'sh': 'Shape' } }
 *   { 'struct': 'Kitchen', 'base': 'Base',
 *     'data': { 'i8': 'int8', 'i16': 'int16', 'i32': 'int32', 'i64': 'int64',
 *               'u8': 'uint8', 'u16': 'uint16', 'u32': 'uint32',
 *               'u64': 'uint64', 'sz': 'size',
 *               '*num': 'number', '*flag': 'bool', '*text': 'str',
 *               '*blob': 'any', '*nothing': 'null', '*color': 'Color',
 *               '*colors': ['Color'], '*ints': ['int'], '*strs': ['str'],
 *               '*nums': ['number'], '*anys': ['any'], '*sub': 'Sub',
 *               '*subs': ['Sub'], '*shape': 'Shape', '*shapes': ['Shape'],
 *               '*alt': 'Alt', '*alts': ['Alt'], '*ealt': 'EnumAlt' } }
 *   { 'command': 'set-color', 'data': { 'color': 'Color',
 *     '*sub': { 'type': 'Sub', 'if': { 'all': [ 'CONFIG_A',
 *                                                { 'not': 'CONFIG_B' } ] } } } }
 *   { 'command': 'query-kitchen', 'returns': 'Kitchen' }
 *   { 'event': 'CHANGED', 'data': 'Sub' }
 *
 * Shape's 'point' and 'blank' and Group's 'column' are tag-only values;
 * Shape's 'group' branch is itself a union. */
#ifndef TESTS_CODEC_FIXTURE_H
#define TESTS_CODEC_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "descriptor_macros.h"
#include "qapic/codec.h"
#include "qapic/types.h"

/* ---- C types ------------------------------------------------------------ */

typedef enum t_Color {
    T_COLOR_RED,
    T_COLOR_GREEN,
    T_COLOR_BLUE,
    T_COLOR__MAX,
    T_COLOR__UNKNOWN = QAPIC_ENUM_UNKNOWN,
} t_Color;

typedef enum t_ShapeKind {
    T_SHAPE_KIND_CIRCLE,
    T_SHAPE_KIND_GROUP,
    T_SHAPE_KIND_POINT,
    T_SHAPE_KIND_BLANK,
    T_SHAPE_KIND__MAX,
    T_SHAPE_KIND__UNKNOWN = QAPIC_ENUM_UNKNOWN,
} t_ShapeKind;

typedef enum t_GroupKind {
    T_GROUP_KIND_ROW,
    T_GROUP_KIND_COLUMN,
    T_GROUP_KIND__MAX,
    T_GROUP_KIND__UNKNOWN = QAPIC_ENUM_UNKNOWN,
} t_GroupKind;

typedef struct t_Sub t_Sub;
typedef struct t_Shape t_Shape;
typedef struct t_Alt t_Alt;
typedef struct t_EnumAlt t_EnumAlt;

typedef struct t_ColorList { t_Color *items; size_t n; char **_raw; } t_ColorList;
typedef struct t_SubList { t_Sub **items; size_t n; char **_raw; } t_SubList;
typedef struct t_ShapeList { t_Shape **items; size_t n; char **_raw; } t_ShapeList;
typedef struct t_AltList { t_Alt **items; size_t n; char **_raw; } t_AltList;

struct t_Sub {
    char *name;
    bool has_color;
    t_Color color;
    struct json_object *_extra;
};

typedef struct t_Circle {
    uint32_t radius;
    bool has_fill;
    t_Color fill;
    struct json_object *_extra;
} t_Circle;

typedef struct t_Row {
    t_SubList cells;
    bool has_align;
    t_Color align;
    struct json_object *_extra;
} t_Row;

typedef struct t_Group {
    t_GroupKind layout;
    bool has_gap;
    int16_t gap;
    union {
        t_Row row;
    } u;
    struct json_object *_extra;
} t_Group;

struct t_Shape {
    t_ShapeKind kind;
    bool has_label;
    char *label;
    union {
        t_Circle circle;
        t_Group group;
    } u;
    struct json_object *_extra;
};

struct t_Alt {
    qapic_json_type type;
    union {
        t_Sub *o;
        char *s;
        double n;
        bool b;
        bool z;
        qapic_intList l;
    } u;
    struct json_object *_raw;
};

struct t_EnumAlt {
    qapic_json_type type;
    union {
        t_Color c;
        int8_t i;
        t_Shape *sh;
    } u;
    struct json_object *_raw;
};

typedef struct t_Kitchen {
    int64_t id;
    bool has_note;
    char *note;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    uint64_t sz;
    bool has_num;
    double num;
    bool has_flag;
    bool flag;
    bool has_text;
    char *text;
    bool has_blob;
    struct json_object *blob;
    bool has_nothing;
    bool nothing;
    bool has_color;
    t_Color color;
    bool has_colors;
    t_ColorList colors;
    bool has_ints;
    qapic_intList ints;
    bool has_strs;
    qapic_strList strs;
    bool has_nums;
    qapic_numberList nums;
    bool has_anys;
    qapic_anyList anys;
    bool has_sub;
    t_Sub *sub;
    bool has_subs;
    t_SubList subs;
    bool has_shape;
    t_Shape *shape;
    bool has_shapes;
    t_ShapeList shapes;
    bool has_alt;
    t_Alt *alt;
    bool has_alts;
    t_AltList alts;
    bool has_ealt;
    t_EnumAlt *ealt;
    struct json_object *_extra;
} t_Kitchen;

typedef struct t_q_obj_set_color_arg {
    t_Color color;
    bool has_sub;
    t_Sub *sub;
    struct json_object *_extra;
} t_q_obj_set_color_arg;

/* ---- descriptors -------------------------------------------------------- */

#define T_LIST(name_, elem)                                                 \
    { .name = name_, .kind = QAPIC_KIND_LIST, .size = sizeof(qapic_list),   \
      .u.list.element = &elem }

static const qapic_enum_value t_Color_values[] = {
    { .name = "red" }, { .name = "green" }, { .name = "blue" },
};
static const qapic_type t_TYPE_Color = {
    .name = "Color", .kind = QAPIC_KIND_ENUM, .size = sizeof(qapic_enum_box),
    .u.enumeration = { t_Color_values, 3 },
};
static const qapic_type t_TYPE_ColorList = T_LIST("ColorList", t_TYPE_Color);

static const qapic_member t_Sub_members[] = {
    D_MEMBER(t_Sub, "name", name, qapic_type_str),
    D_OPTIONAL(t_Sub, "color", color, t_TYPE_Color),
};
static const qapic_type t_TYPE_Sub = {
    .name = "Sub", .kind = QAPIC_KIND_STRUCT, .size = sizeof(t_Sub),
    .u.object = { .members = t_Sub_members, .n = 2,
                  .extra_offset = offsetof(t_Sub, _extra) },
};
static const qapic_type t_TYPE_SubList = T_LIST("SubList", t_TYPE_Sub);

static const qapic_enum_value t_ShapeKind_values[] = {
    { .name = "circle" }, { .name = "group" }, { .name = "point" },
    { .name = "blank" },
};
static const qapic_type t_TYPE_ShapeKind = {
    .name = "ShapeKind", .kind = QAPIC_KIND_ENUM,
    .size = sizeof(qapic_enum_box), .u.enumeration = { t_ShapeKind_values, 4 },
};

static const qapic_member t_Circle_members[] = {
    D_MEMBER(t_Circle, "radius", radius, qapic_type_uint32),
    D_OPTIONAL(t_Circle, "fill", fill, t_TYPE_Color),
};
static const qapic_type t_TYPE_Circle = {
    .name = "Circle", .kind = QAPIC_KIND_STRUCT, .size = sizeof(t_Circle),
    .u.object = { .members = t_Circle_members, .n = 2,
                  .extra_offset = offsetof(t_Circle, _extra) },
};

static const qapic_enum_value t_GroupKind_values[] = {
    { .name = "row" }, { .name = "column" },
};
static const qapic_type t_TYPE_GroupKind = {
    .name = "GroupKind", .kind = QAPIC_KIND_ENUM,
    .size = sizeof(qapic_enum_box), .u.enumeration = { t_GroupKind_values, 2 },
};

static const qapic_member t_Row_members[] = {
    D_MEMBER(t_Row, "cells", cells, t_TYPE_SubList),
    D_OPTIONAL(t_Row, "align", align, t_TYPE_Color),
};
static const qapic_type t_TYPE_Row = {
    .name = "Row", .kind = QAPIC_KIND_STRUCT, .size = sizeof(t_Row),
    .u.object = { .members = t_Row_members, .n = 2,
                  .extra_offset = offsetof(t_Row, _extra) },
};

static const qapic_member t_Group_members[] = {
    D_MEMBER(t_Group, "layout", layout, t_TYPE_GroupKind),
    D_OPTIONAL(t_Group, "gap", gap, qapic_type_int16),
};
static const qapic_branch t_Group_branches[] = {
    [T_GROUP_KIND_ROW] = { .type = &t_TYPE_Row },
    [T_GROUP_KIND_COLUMN] = { .type = NULL },
};
static const qapic_type t_TYPE_Group = {
    .name = "Group", .kind = QAPIC_KIND_UNION, .size = sizeof(t_Group),
    .u.object = { .members = t_Group_members, .n = 2,
                  .extra_offset = offsetof(t_Group, _extra),
                  .tag_index = 0, .variant_offset = offsetof(t_Group, u),
                  .branches = t_Group_branches },
};

static const qapic_member t_Shape_members[] = {
    D_MEMBER(t_Shape, "kind", kind, t_TYPE_ShapeKind),
    D_OPTIONAL(t_Shape, "label", label, qapic_type_str),
};
static const qapic_branch t_Shape_branches[] = {
    [T_SHAPE_KIND_CIRCLE] = { .type = &t_TYPE_Circle },
    [T_SHAPE_KIND_GROUP] = { .type = &t_TYPE_Group },
    [T_SHAPE_KIND_POINT] = { .type = NULL },
    [T_SHAPE_KIND_BLANK] = { .type = NULL },
};
static const qapic_type t_TYPE_Shape = {
    .name = "Shape", .kind = QAPIC_KIND_UNION, .size = sizeof(t_Shape),
    .u.object = { .members = t_Shape_members, .n = 2,
                  .extra_offset = offsetof(t_Shape, _extra),
                  .tag_index = 0, .variant_offset = offsetof(t_Shape, u),
                  .branches = t_Shape_branches },
};
static const qapic_type t_TYPE_ShapeList = T_LIST("ShapeList", t_TYPE_Shape);

static const qapic_alt_branch t_Alt_branches[] = {
    { "o", &t_TYPE_Sub, QAPIC_JSON_OBJECT, offsetof(t_Alt, u.o), NULL },
    { "s", &qapic_type_str, QAPIC_JSON_STRING, offsetof(t_Alt, u.s), NULL },
    { "n", &qapic_type_number, QAPIC_JSON_NUMBER, offsetof(t_Alt, u.n), NULL },
    { "b", &qapic_type_bool, QAPIC_JSON_BOOL, offsetof(t_Alt, u.b), NULL },
    { "z", &qapic_type_null, QAPIC_JSON_NULL, offsetof(t_Alt, u.z), NULL },
    { "l", &qapic_type_intList, QAPIC_JSON_ARRAY, offsetof(t_Alt, u.l), NULL },
};
static const qapic_type t_TYPE_Alt = {
    .name = "Alt", .kind = QAPIC_KIND_ALTERNATE, .size = sizeof(t_Alt),
    .u.alternate = { t_Alt_branches, 6, offsetof(t_Alt, type),
                     offsetof(t_Alt, _raw) },
};
static const qapic_type t_TYPE_AltList = T_LIST("AltList", t_TYPE_Alt);

static const qapic_alt_branch t_EnumAlt_branches[] = {
    { "c", &t_TYPE_Color, QAPIC_JSON_STRING, offsetof(t_EnumAlt, u.c), NULL },
    { "i", &qapic_type_int8, QAPIC_JSON_NUMBER, offsetof(t_EnumAlt, u.i), NULL },
    { "sh", &t_TYPE_Shape, QAPIC_JSON_OBJECT, offsetof(t_EnumAlt, u.sh), NULL },
};
static const qapic_type t_TYPE_EnumAlt = {
    .name = "EnumAlt", .kind = QAPIC_KIND_ALTERNATE, .size = sizeof(t_EnumAlt),
    .u.alternate = { t_EnumAlt_branches, 3, offsetof(t_EnumAlt, type),
                     offsetof(t_EnumAlt, _raw) },
};

static const qapic_member t_Kitchen_members[] = {
    D_MEMBER(t_Kitchen, "id", id, qapic_type_int),
    D_OPTIONAL(t_Kitchen, "note", note, qapic_type_str),
    D_MEMBER(t_Kitchen, "i8", i8, qapic_type_int8),
    D_MEMBER(t_Kitchen, "i16", i16, qapic_type_int16),
    D_MEMBER(t_Kitchen, "i32", i32, qapic_type_int32),
    D_MEMBER(t_Kitchen, "i64", i64, qapic_type_int64),
    D_MEMBER(t_Kitchen, "u8", u8, qapic_type_uint8),
    D_MEMBER(t_Kitchen, "u16", u16, qapic_type_uint16),
    D_MEMBER(t_Kitchen, "u32", u32, qapic_type_uint32),
    D_MEMBER(t_Kitchen, "u64", u64, qapic_type_uint64),
    D_MEMBER(t_Kitchen, "sz", sz, qapic_type_size),
    D_OPTIONAL(t_Kitchen, "num", num, qapic_type_number),
    D_OPTIONAL(t_Kitchen, "flag", flag, qapic_type_bool),
    D_OPTIONAL(t_Kitchen, "text", text, qapic_type_str),
    D_OPTIONAL(t_Kitchen, "blob", blob, qapic_type_any),
    D_OPTIONAL(t_Kitchen, "nothing", nothing, qapic_type_null),
    D_OPTIONAL(t_Kitchen, "color", color, t_TYPE_Color),
    D_OPTIONAL(t_Kitchen, "colors", colors, t_TYPE_ColorList),
    D_OPTIONAL(t_Kitchen, "ints", ints, qapic_type_intList),
    D_OPTIONAL(t_Kitchen, "strs", strs, qapic_type_strList),
    D_OPTIONAL(t_Kitchen, "nums", nums, qapic_type_numberList),
    D_OPTIONAL(t_Kitchen, "anys", anys, qapic_type_anyList),
    D_OPTIONAL(t_Kitchen, "sub", sub, t_TYPE_Sub),
    D_OPTIONAL(t_Kitchen, "subs", subs, t_TYPE_SubList),
    D_OPTIONAL(t_Kitchen, "shape", shape, t_TYPE_Shape),
    D_OPTIONAL(t_Kitchen, "shapes", shapes, t_TYPE_ShapeList),
    D_OPTIONAL(t_Kitchen, "alt", alt, t_TYPE_Alt),
    D_OPTIONAL(t_Kitchen, "alts", alts, t_TYPE_AltList),
    D_OPTIONAL(t_Kitchen, "ealt", ealt, t_TYPE_EnumAlt),
};
static const qapic_type t_TYPE_Kitchen = {
    .name = "Kitchen", .kind = QAPIC_KIND_STRUCT, .size = sizeof(t_Kitchen),
    .u.object = { .members = t_Kitchen_members,
                  .n = sizeof t_Kitchen_members / sizeof t_Kitchen_members[0],
                  .extra_offset = offsetof(t_Kitchen, _extra) },
};

/* if: { 'all': [ 'CONFIG_A', { 'not': 'CONFIG_B' } ] } */
static const qapic_cond t_cond_A = { QAPIC_COND_NAME, "CONFIG_A", NULL, 0,
                                     "defined(CONFIG_A)" };
static const qapic_cond t_cond_B = { QAPIC_COND_NAME, "CONFIG_B", NULL, 0,
                                     "defined(CONFIG_B)" };
static const qapic_cond *const t_cond_notB_args[] = { &t_cond_B };
static const qapic_cond t_cond_notB = { QAPIC_COND_NOT, NULL, t_cond_notB_args,
                                        1, "!defined(CONFIG_B)" };
static const qapic_cond *const t_cond_AnotB_args[] = { &t_cond_A, &t_cond_notB };
static const qapic_cond t_cond_AnotB = {
    QAPIC_COND_ALL, NULL, t_cond_AnotB_args, 2,
    "defined(CONFIG_A) && !defined(CONFIG_B)"
};

static const qapic_member t_q_obj_set_color_arg_members[] = {
    D_MEMBER(t_q_obj_set_color_arg, "color", color, t_TYPE_Color),
    { .name = "sub", .type = &t_TYPE_Sub,
      .offset = offsetof(t_q_obj_set_color_arg, sub),
      .has_offset = offsetof(t_q_obj_set_color_arg, has_sub),
      .flags = QAPIC_MEMBER_OPTIONAL, .cond = &t_cond_AnotB },
};
static const qapic_type t_TYPE_q_obj_set_color_arg = {
    .name = "q_obj_set-color-arg", .kind = QAPIC_KIND_STRUCT,
    .size = sizeof(t_q_obj_set_color_arg),
    .u.object = { .members = t_q_obj_set_color_arg_members, .n = 2,
                  .extra_offset = offsetof(t_q_obj_set_color_arg, _extra) },
};

static const qapic_command t_CMD_set_color = {
    .name = "set-color", .arg_type = &t_TYPE_q_obj_set_color_arg,
};
static const qapic_command t_CMD_query_kitchen = {
    .name = "query-kitchen", .ret_type = &t_TYPE_Kitchen,
};
static const qapic_event t_EVENT_CHANGED = {
    .name = "CHANGED", .data_type = &t_TYPE_Sub,
};

/* Sorted by strcmp. */
static const qapic_type *const t_types[] = {
    &t_TYPE_Alt, &t_TYPE_AltList, &t_TYPE_Circle, &t_TYPE_Color,
    &t_TYPE_ColorList, &t_TYPE_EnumAlt, &t_TYPE_Group, &t_TYPE_GroupKind,
    &t_TYPE_Kitchen, &t_TYPE_Row, &t_TYPE_Shape, &t_TYPE_ShapeKind,
    &t_TYPE_ShapeList, &t_TYPE_Sub, &t_TYPE_SubList, &qapic_type_any,
    &qapic_type_bool, &qapic_type_int, &qapic_type_int16, &qapic_type_int32,
    &qapic_type_int64, &qapic_type_int8, &qapic_type_intList,
    &qapic_type_null, &qapic_type_number, &t_TYPE_q_obj_set_color_arg,
    &qapic_type_str,
};
static const qapic_command *const t_commands[] = {
    &t_CMD_query_kitchen, &t_CMD_set_color,
};
static const qapic_event *const t_events[] = { &t_EVENT_CHANGED };
static const qapic_schema t_schema = {
    .name = "t",
    .types = t_types, .ntypes = sizeof t_types / sizeof t_types[0],
    .commands = t_commands, .ncommands = 2,
    .events = t_events, .nevents = 1,
};

#endif
