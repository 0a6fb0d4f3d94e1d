/* Unit tests for the descriptor helpers of the runtime (runtime/schema.c,
 * builtins.c), qapic_json_equal (runtime/json.c) and the error API
 * (runtime/error.c). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "codec_fixture.h"
#include "codec_util.h"
#include "qapic/error.h"

START_TEST(schema_lookups)
{
    for (size_t i = 1; i < t_schema.ntypes; i++)
        ck_assert_msg(strcmp(t_types[i - 1]->name, t_types[i]->name) < 0,
                      "fixture table not sorted at %s", t_types[i]->name);
    for (size_t i = 0; i < t_schema.ntypes; i++)
        ck_assert_ptr_eq(qapic_schema_type(&t_schema, t_types[i]->name), t_types[i]);
    ck_assert_ptr_null(qapic_schema_type(&t_schema, "Nope"));
    ck_assert_ptr_null(qapic_schema_type(&t_schema, ""));
    ck_assert_ptr_null(qapic_schema_type(&t_schema, "zzz"));
    ck_assert_ptr_null(qapic_schema_type(&t_schema, NULL));
    ck_assert_ptr_null(qapic_schema_type(NULL, "Sub"));
    ck_assert_ptr_eq(qapic_schema_command(&t_schema, "set-color"), &t_CMD_set_color);
    ck_assert_ptr_eq(qapic_schema_command(&t_schema, "query-kitchen"),
                     &t_CMD_query_kitchen);
    ck_assert_ptr_null(qapic_schema_command(&t_schema, "set-colour"));
    ck_assert_ptr_eq(qapic_schema_event(&t_schema, "CHANGED"), &t_EVENT_CHANGED);
    ck_assert_ptr_null(qapic_schema_event(&t_schema, "CHANGE"));
}
END_TEST

static bool defined_in(void *ctx, const char *sym)
{
    for (const char *const *s = ctx; *s; s++)
        if (!strcmp(*s, sym))
            return true;
    return false;
}

START_TEST(conditions)
{
    const char *none[] = { NULL }, *a[] = { "CONFIG_A", NULL },
               *ab[] = { "CONFIG_A", "CONFIG_B", NULL }, *b[] = { "CONFIG_B", NULL };
    const qapic_cond *c = t_TYPE_q_obj_set_color_arg.u.object.members[1].cond;
    const qapic_cond *const any_args[] = { &t_cond_A, &t_cond_B };
    const qapic_cond any = { QAPIC_COND_ANY, NULL, any_args, 2, "" };
    const qapic_cond empty_all = { QAPIC_COND_ALL, NULL, NULL, 0, "" };
    const qapic_cond empty_any = { QAPIC_COND_ANY, NULL, NULL, 0, "" };

    ck_assert_str_eq(c->text, "defined(CONFIG_A) && !defined(CONFIG_B)");
    ck_assert(!qapic_cond_eval(c, defined_in, none));
    ck_assert(qapic_cond_eval(c, defined_in, a));
    ck_assert(!qapic_cond_eval(c, defined_in, ab));
    ck_assert(!qapic_cond_eval(c, defined_in, b));
    ck_assert(qapic_cond_eval(NULL, defined_in, none));
    ck_assert(qapic_cond_eval(&any, defined_in, b));
    ck_assert(!qapic_cond_eval(&any, defined_in, none));
    ck_assert(qapic_cond_eval(&empty_all, defined_in, none));
    ck_assert(!qapic_cond_eval(&empty_any, defined_in, none));
    /* No callback: nothing is defined. */
    ck_assert(!qapic_cond_eval(&t_cond_A, NULL, NULL));
    ck_assert(qapic_cond_eval(&t_cond_notB, NULL, NULL));
}
END_TEST

START_TEST(enum_names)
{
    ck_assert_str_eq(qapic_enum_name(&t_TYPE_Color, T_COLOR_RED), "red");
    ck_assert_str_eq(qapic_enum_name(&t_TYPE_Color, T_COLOR_BLUE), "blue");
    ck_assert_ptr_null(qapic_enum_name(&t_TYPE_Color, T_COLOR__MAX));
    ck_assert_ptr_null(qapic_enum_name(&t_TYPE_Color, T_COLOR__UNKNOWN));
    ck_assert_ptr_null(qapic_enum_name(&t_TYPE_Sub, 0));
    ck_assert_ptr_null(qapic_enum_name(NULL, 0));
    ck_assert_int_eq(qapic_enum_parse(&t_TYPE_Color, "green"), T_COLOR_GREEN);
    ck_assert_int_eq(qapic_enum_parse(&t_TYPE_ShapeKind, "blank"), T_SHAPE_KIND_BLANK);
    ck_assert_int_eq(qapic_enum_parse(&t_TYPE_Color, "gree"), QAPIC_ENUM_UNKNOWN);
    ck_assert_int_eq(qapic_enum_parse(&t_TYPE_Color, "greens"), QAPIC_ENUM_UNKNOWN);
    ck_assert_int_eq(qapic_enum_parse(&t_TYPE_Color, ""), QAPIC_ENUM_UNKNOWN);
    ck_assert_int_eq(qapic_enum_parse(&t_TYPE_Color, NULL), QAPIC_ENUM_UNKNOWN);
    ck_assert_int_eq(qapic_enum_parse(&qapic_type_str, "red"), QAPIC_ENUM_UNKNOWN);
}
END_TEST

START_TEST(builtin_descriptors)
{
    static const struct {
        const qapic_type *t, *list;
        const char *name;
        qapic_kind kind;
        size_t size;
    } b[] = {
        { &qapic_type_str, &qapic_type_strList, "str", QAPIC_KIND_STR, sizeof(char *) },
        { &qapic_type_number, &qapic_type_numberList, "number", QAPIC_KIND_NUMBER, 8 },
        { &qapic_type_int, &qapic_type_intList, "int", QAPIC_KIND_INT, 8 },
        { &qapic_type_int8, &qapic_type_int8List, "int8", QAPIC_KIND_INT8, 1 },
        { &qapic_type_int16, &qapic_type_int16List, "int16", QAPIC_KIND_INT16, 2 },
        { &qapic_type_int32, &qapic_type_int32List, "int32", QAPIC_KIND_INT32, 4 },
        { &qapic_type_int64, &qapic_type_int64List, "int64", QAPIC_KIND_INT64, 8 },
        { &qapic_type_uint8, &qapic_type_uint8List, "uint8", QAPIC_KIND_UINT8, 1 },
        { &qapic_type_uint16, &qapic_type_uint16List, "uint16", QAPIC_KIND_UINT16, 2 },
        { &qapic_type_uint32, &qapic_type_uint32List, "uint32", QAPIC_KIND_UINT32, 4 },
        { &qapic_type_uint64, &qapic_type_uint64List, "uint64", QAPIC_KIND_UINT64, 8 },
        { &qapic_type_size, &qapic_type_sizeList, "size", QAPIC_KIND_SIZE, 8 },
        { &qapic_type_bool, &qapic_type_boolList, "bool", QAPIC_KIND_BOOL, sizeof(bool) },
        { &qapic_type_any, &qapic_type_anyList, "any", QAPIC_KIND_ANY, sizeof(void *) },
        { &qapic_type_null, &qapic_type_nullList, "null", QAPIC_KIND_NULL, sizeof(bool) },
    };
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
        char list_name[32];
        ck_assert_str_eq(b[i].t->name, b[i].name);
        ck_assert_int_eq(b[i].t->kind, b[i].kind);
        ck_assert_uint_eq(b[i].t->size, b[i].size);
        snprintf(list_name, sizeof list_name, "%sList", b[i].name);
        ck_assert_str_eq(b[i].list->name, list_name);
        ck_assert_int_eq(b[i].list->kind, QAPIC_KIND_LIST);
        ck_assert_uint_eq(b[i].list->size, sizeof(qapic_list));
        ck_assert_ptr_eq(b[i].list->u.list.element, b[i].t);
    }
    /* The typed lists have the generic layout. */
    ck_assert_uint_eq(sizeof(qapic_int8List), sizeof(qapic_list));
    ck_assert_uint_eq(offsetof(qapic_anyList, _raw), offsetof(qapic_list, _raw));
}
END_TEST

static const struct {
    const char *a, *b;
    bool equal;
} json_pairs[] = {
    { "1", "1.0", true },
    { "1", "1e0", true },
    { "-0.0", "0", true },
    { "1", "1.5", false },
    { "1", "\"1\"", false },
    { "9223372036854775807", "9223372036854775807", true },
    { "9223372036854775807", "9223372036854775806", false },
    { "18446744073709551615", "18446744073709551615", true },
    { "18446744073709551615", "18446744073709551614", false },
    { "18446744073709551615", "9223372036854775807", false },
    { "9223372036854775808", "9223372036854775808.0", true },
    { "-9223372036854775808", "-9223372036854775808.0", true },
    { "-1", "18446744073709551615", false },
    { "9007199254740993", "9007199254740992.0", false },
    { "1e400", "1e400", true },
    { "null", "null", true },
    { "null", "0", false },
    { "null", "{}", false },
    { "true", "true", true },
    { "true", "false", false },
    { "\"a\"", "\"a\"", true },
    { "\"a\\u0000b\"", "\"a\\u0000c\"", false },
    { "\"a\\u0000b\"", "\"a\\u0000b\"", true },
    { "\"a\"", "\"ab\"", false },
    { "{\"a\": 1, \"b\": [1, 2]}", "{\"b\": [1, 2.0], \"a\": 1.0}", true },
    { "{\"a\": 1}", "{\"a\": 1, \"b\": 2}", false },
    { "{\"a\": 1, \"b\": 2}", "{\"a\": 1, \"c\": 2}", false },
    { "{\"a\": null}", "{}", false },
    { "[1, 2]", "[2, 1]", false },
    { "[1, 2]", "[1, 2, 3]", false },
    { "[]", "{}", false },
};

START_TEST(json_equal_by_value)
{
    struct json_object *a = J(json_pairs[_i].a), *b = J(json_pairs[_i].b);

    ck_assert_msg(qapic_json_equal(a, b) == json_pairs[_i].equal, "%s vs %s",
                  json_pairs[_i].a, json_pairs[_i].b);
    ck_assert(qapic_json_equal(b, a) == json_pairs[_i].equal);
    ck_assert(qapic_json_equal(a, a));
    json_object_put(a);
    json_object_put(b);
}
END_TEST

START_TEST(json_equal_nan)
{
    struct json_object *n = json_object_new_double(0.0 / 0.0);

    ck_assert(qapic_json_equal(n, n));     /* the same object */
    struct json_object *m = json_object_new_double(0.0 / 0.0);
    ck_assert(!qapic_json_equal(n, m));
    json_object_put(n);
    json_object_put(m);
}
END_TEST

START_TEST(error_api)
{
    qapic_error *err = NULL;

    ck_assert_int_eq(qapic_error_set(&err, QAPIC_ERROR_QMP, "%s: %d", "x", 5), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_QMP);
    ck_assert_str_eq(err->message, "x: 5");
    ck_assert_ptr_null(err->path);
    /* A second error does not replace the first. */
    ck_assert_int_eq(qapic_error_set(&err, QAPIC_ERROR_DECODE, "later"), -1);
    ck_assert_str_eq(err->message, "x: 5");
    err->reply = json_object_new_object();
    err->qmp_class = strdup("GenericError");
    qapic_error_free(err);
    qapic_error_free(NULL);
    ck_assert_int_eq(qapic_error_set(NULL, QAPIC_ERROR_DECODE, "ignored"), -1);
    ck_assert_str_eq(qapic_error_kind_name(QAPIC_ERROR_DECODE), "decode");
    ck_assert_str_eq(qapic_error_kind_name(QAPIC_ERROR_ENCODE), "encode");
    ck_assert_str_eq(qapic_error_kind_name(QAPIC_ERROR_NOMEM), "nomem");
    ck_assert_str_eq(qapic_error_kind_name(QAPIC_ERROR_TIMEOUT), "timeout");
    ck_assert_str_eq(qapic_error_kind_name((qapic_error_kind)99), "unknown");
}
END_TEST

Suite *qc_suite_runtime_schema(void)
{
    Suite *s = suite_create("runtime_schema");
    TCase *tc = tcase_create("runtime_schema");

    tcase_add_test(tc, schema_lookups);
    tcase_add_test(tc, conditions);
    tcase_add_test(tc, enum_names);
    tcase_add_test(tc, builtin_descriptors);
    tcase_add_loop_test(tc, json_equal_by_value, 0,
                        sizeof json_pairs / sizeof json_pairs[0]);
    tcase_add_test(tc, json_equal_nan);
    tcase_add_test(tc, error_api);
    suite_add_tcase(s, tc);
    return s;
}
