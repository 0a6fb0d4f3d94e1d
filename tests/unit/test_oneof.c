/* Unit tests of the client-side one-of check (runtime/oneof.c): the
 * verdicts of `qapic compat --calls` on JSON arguments, which the
 * generated rule suites rely on. */
#include <check.h>
#include <json-c/json.h>
#include <string.h>

#include "qapic/codec.h"
#include "qapic/oneof.h"

static const char *const uri[] = { "uri" };
static const char *const channels[] = { "channels" };
static const char *const deep[] = { "channels/addr/+socket/host",
                                    "channels/channel-type/^main" };
static const qapic_oneof_group plain[] = { { uri, 1 }, { channels, 1 } };
static const qapic_oneof_group nested[] = { { uri, 1 }, { deep, 2 } };
static const qapic_oneof migrate = { "migrate", plain, 2 };
static const qapic_oneof migrate_deep = { "migrate", nested, 2 };

/* The verdict on ARGS (JSON text, or NULL for no arguments); *MSG gets
 * the refusal. */
static int verdict(const qapic_oneof *c, const char *args, char *msg)
{
    struct json_object *j = NULL;
    qapic_error *err = NULL;
    if (args)
        ck_assert_int_eq(qapic_json_parse(args, strlen(args), &j, NULL), 0);
    int rc = qapic_oneof_check(c, j, &err);
    msg[0] = '\0';
    if (err) {
        ck_assert_int_eq(err->kind, QAPIC_ERROR_ENCODE);
        ck_assert_str_eq(err->path, "arguments");
        strncpy(msg, err->message, 511);
        msg[511] = '\0';
    }
    ck_assert_int_eq(rc < 0, err != NULL);
    qapic_error_free(err);
    json_object_put(j);
    return rc;
}

START_TEST(exactly_one_group)
{
    char msg[512];
    ck_assert_int_eq(verdict(&migrate, "{\"uri\": \"tcp:h:1\"}", msg), 0);
    ck_assert_int_eq(verdict(&migrate, "{\"channels\": [], \"x\": 1}", msg), 0);
    ck_assert_int_eq(verdict(&migrate, "{\"uri\": \"u\", \"channels\": []}",
                             msg), -1);
    ck_assert_msg(strstr(msg, "both [uri] and [channels]"), "%s", msg);
    ck_assert_int_eq(verdict(&migrate, "{}", msg), -1);
    ck_assert_msg(strstr(msg, "none of [uri] or [channels]"), "%s", msg);
    ck_assert_int_eq(verdict(&migrate, NULL, msg), -1);
}
END_TEST

/* Paths look through arrays, pass over +branch, match ^value; a group is
 * used when any of its paths is there, and must then be complete. */
START_TEST(paths)
{
    char msg[512];
    const char *full = "{\"channels\": [{\"channel-type\": \"main\", "
                       "\"addr\": {\"transport\": \"socket\", \"host\": \"h\"}}]}";
    ck_assert_int_eq(verdict(&migrate_deep, full, msg), 0);
    const char *other = "{\"channels\": [{\"channel-type\": \"other\", "
                        "\"addr\": {\"host\": \"h\"}}]}";
    ck_assert_int_eq(verdict(&migrate_deep, other, msg), -1);
    ck_assert_msg(strstr(msg, "without 'channels/channel-type/^main'"), "%s",
                  msg);
    ck_assert_int_eq(verdict(&migrate_deep,
                             "{\"channels\": [{\"addr\": {}}]}", msg), -1);
    ck_assert_msg(strstr(msg, "none of"), "%s", msg);
}
END_TEST

Suite *qc_suite_oneof(void)
{
    Suite *s = suite_create("oneof");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, exactly_one_group);
    tcase_add_test(tc, paths);
    suite_add_tcase(s, tc);
    return s;
}
