/* Unit tests for introspection (src/schema/introspect.c): what
 * query-qmp-schema returns for a checked schema -- order, masking,
 * conditions, features -- and QEMU's key order. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "schema/introspect.h"
#include "syntax/json.h"

static const char schema[] =
    "{ 'enum': 'Color', 'data': [ 'red', { 'name': 'blue', 'if': 'HAVE_BLUE' } ] }\n"
    "{ 'struct': 'Point', 'data': { 'x': 'int8', '*c': 'Color', 'l': ['uint32'] },\n"
    "  'features': [ { 'name': 'fancy', 'if': 'HAVE_FANCY' } ] }\n"
    "{ 'command': 'draw', 'data': { 'p': 'Point' }, 'returns': 'Point' }\n"
    "{ 'command': 'clear', 'if': 'HAVE_CLEAR' }\n"
    "{ 'event': 'DRAWN' }\n";

static qc_value *introspected(const qc_introspect_opts *o)
{
    qc_schema *s = qc_test_schema(schema);
    ck_assert_ptr_nonnull(s);
    return qc_introspect(qc_test_arena, s, o);
}

/* The introspection of SCHEMA, in compact JSON. */
static char *introspect(const qc_introspect_opts *o)
{
    qc_buf b = QC_BUF_INIT;
    qc_json_write(&b, introspected(o), 0, 0);
    return qc_buf_steal(&b);
}

/* The names of the entries, in order, space-separated. */
static char *entry_names(const qc_introspect_opts *o)
{
    qc_value *v = introspected(o);
    qc_buf b = QC_BUF_INIT;
    for (size_t i = 0; i < qc_arr_len(v); i++)
        qc_buf_printf(&b, "%s%s", i ? " " : "", qc_obj_get_str(qc_arr_at(v, i), "name"));
    return qc_buf_steal(&b);
}

START_TEST(order_and_masking)
{
    qc_introspect_opts o = QC_INTROSPECT_OPTS_DEFAULT;
    /* Commands and events first, then types in first-use order, masked;
     * 'clear' is compiled out; int8 and uint32 are plain int. */
    char *names = entry_names(&o);
    ck_assert_str_eq(names, "draw DRAWN 0 1 2 int 3 [int]");
    free(names);
    o.unmask = true;
    names = entry_names(&o);
    ck_assert_str_eq(names, "draw DRAWN q_obj_draw-arg Point q_empty int Color [int]");
    free(names);
}
END_TEST

START_TEST(conditions)
{
    qc_introspect_opts o = QC_INTROSPECT_OPTS_DEFAULT;
    o.unmask = true;
    char *text = introspect(&o);
    ck_assert_ptr_null(strstr(text, "\"blue\""));
    ck_assert_ptr_null(strstr(text, "\"clear\""));
    /* The features key stays, empty, when its only feature is out. */
    ck_assert_ptr_nonnull(strstr(text, "\"features\": []"));
    free(text);
    static const char *const syms[] = { "HAVE_BLUE", "HAVE_FANCY" };
    o.symbols = syms;
    o.nsymbols = 2;
    text = introspect(&o);
    ck_assert_ptr_nonnull(strstr(text, "\"blue\""));
    ck_assert_ptr_nonnull(strstr(text, "\"features\": [\"fancy\"]"));
    ck_assert_ptr_null(strstr(text, "\"clear\""));
    free(text);
    o.nsymbols = 0;
    o.all_conditions_true = true;
    text = introspect(&o);
    ck_assert_ptr_nonnull(strstr(text, "\"clear\""));
    free(text);
}
END_TEST

START_TEST(members)
{
    qc_introspect_opts o = QC_INTROSPECT_OPTS_DEFAULT;
    o.unmask = true;
    char *text = introspect(&o);
    /* Optional members have "default": null; keys sorted by default. */
    ck_assert_ptr_nonnull(strstr(text,
        "\"members\": [{\"name\": \"x\", \"type\": \"int\"}, "
        "{\"default\": null, \"name\": \"c\", \"type\": \"Color\"}, "
        "{\"name\": \"l\", \"type\": \"[int]\"}]"));
    /* No arguments and no 'returns': the empty object. */
    ck_assert_ptr_nonnull(strstr(text, "\"arg-type\": \"q_empty\", \"meta-type\": \"event\""));
    free(text);
}
END_TEST

START_TEST(qdict_buckets)
{
    static const struct { const char *key; unsigned bucket; } b[] = {
        { "name", 39 }, { "element-type", 96 }, { "tag", 132 },
        { "variants", 263 }, { "ret-type", 269 }, { "default", 304 },
        { "members", 311 }, { "allow-oob", 367 }, { "case", 398 },
        { "type", 425 }, { "json-type", 428 }, { "meta-type", 429 },
        { "arg-type", 466 }, { "values", 491 }, { "features", 495 },
    };
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        ck_assert_uint_eq(qc_qdict_bucket(b[i].key), b[i].bucket);
}
END_TEST

START_TEST(key_orders)
{
    size_t n;
    qc_value *v = qc_test_json("{\"name\": \"m\", \"meta-type\": \"command\","
                         " \"arg-type\": \"0\", \"ret-type\": \"1\","
                         " \"variants\": [{\"type\": \"t\", \"case\": \"c\"}]}",
                         false, &n);
    static const char *const sorted[] = {
        "arg-type", "meta-type", "name", "ret-type", "variants" };
    qc_introspect_order_keys(&v[0], QC_KEY_ORDER_SORTED);
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(v[0].u.obj.members[i].key, sorted[i]);
    qc_introspect_order_keys(&v[0], QC_KEY_ORDER_QEMU);
    /* QEMU's reply order: buckets 39, 263, 269, 429, 466. */
    static const char *const qemu[] = {
        "name", "variants", "ret-type", "meta-type", "arg-type" };
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(v[0].u.obj.members[i].key, qemu[i]);
    const qc_value *x = qc_obj_get(&v[0], "variants");
    ck_assert_str_eq(qc_arr_at(x, 0)->u.obj.members[0].key, "case");
    ck_assert_str_eq(qc_arr_at(x, 0)->u.obj.members[1].key, "type");
}
END_TEST

Suite *qc_suite_introspect(void)
{
    Suite *s = suite_create("introspect");
    TCase *tc = tcase_create("introspect");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, order_and_masking);
    tcase_add_test(tc, conditions);
    tcase_add_test(tc, members);
    tcase_add_test(tc, qdict_buckets);
    tcase_add_test(tc, key_orders);
    suite_add_tcase(s, tc);
    return s;
}
