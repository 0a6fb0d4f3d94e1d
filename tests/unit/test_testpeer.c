/* Unit tests of the scripted test peer itself (runtime/testpeer.c): a test
 * built on it must be able to fail, so every kind of script mismatch has
 * to be reported, and never as a hang. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qapic/client.h"
#include "qapic/testpeer.h"

static void contains(const char *s, const char *part)
{
    ck_assert_msg(s && strstr(s, part), "'%s' does not contain '%s'",
                  s ? s : "(null)", part);
}

static qapic_client *start(qapic_testpeer *p)
{
    qapic_error *err = NULL;
    qapic_client *c = qapic_testpeer_connect(p, NULL, &err);
    ck_assert_msg(c != NULL, "%s", err ? err->message : "?");
    return c;
}

START_TEST(wrong_request)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_exchange(p, "{\"execute\": \"query-status\"}",
                            "{\"return\": {}}");
    qapic_client *c = start(p);
    qapic_error *err = NULL;
    /* The peer closes on a mismatch: the call fails, nothing hangs. */
    ck_assert_ptr_null(qapic_client_execute(c, "query-version", NULL, 0,
                                            &err));
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TRANSPORT);
    qapic_error_free(err);
    ck_assert_str_eq(qapic_testpeer_finish(p),
                     "step 4: expected the request "
                     "{\"execute\":\"query-status\"}, got "
                     "{\"execute\":\"query-version\",\"id\":2}");
    qapic_client_free(c);
    qapic_testpeer_free(p);
}
END_TEST

START_TEST(arguments_compared_exactly)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_exchange(p, "{\"execute\": \"x\", \"arguments\": "
                            "{\"a\": 1, \"b\": [true]}}", "{\"return\": {}}");
    qapic_testpeer_exchange(p, "{\"execute\": \"x\", \"arguments\": "
                            "{\"a\": 1}}", "{\"return\": {}}");
    qapic_client *c = start(p);
    /* Member order does not matter; values do. */
    struct json_object *a = json_tokener_parse("{\"b\": [true], \"a\": 1}");
    struct json_object *r = qapic_client_execute(c, "x", a, 0, NULL);
    ck_assert_ptr_nonnull(r);
    json_object_put(r);
    json_object_put(a);
    a = json_tokener_parse("{\"a\": 2}");
    ck_assert_ptr_null(qapic_client_execute(c, "x", a, 0, NULL));
    json_object_put(a);
    contains(qapic_testpeer_finish(p), "step 6: expected the request "
             "{\"execute\":\"x\",\"arguments\":{\"a\":1}}, got");
    qapic_client_free(c);
    qapic_testpeer_free(p);
}
END_TEST

START_TEST(request_never_comes)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_set_timeout(p, 100);
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    qapic_client *c = start(p);
    ck_assert_str_eq(qapic_testpeer_finish(p),
                     "step 4: expected the request "
                     "{\"execute\":\"query-status\"}, but none came within "
                     "100 ms");
    qapic_client_free(c);
    qapic_testpeer_free(p);
}
END_TEST

START_TEST(client_closes_early)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    qapic_client *c = start(p);
    qapic_client_free(c);
    ck_assert_str_eq(qapic_testpeer_finish(p),
                     "step 4: expected the request "
                     "{\"execute\":\"query-status\"}, but the client closed "
                     "the connection");
    qapic_testpeer_free(p);
}
END_TEST

START_TEST(request_after_the_script)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_client *c = start(p);
    ck_assert_ptr_null(qapic_client_execute(c, "stop", NULL, 0, NULL));
    ck_assert_str_eq(qapic_testpeer_finish(p), "a request after the end of "
                     "the script: {\"execute\":\"stop\",\"id\":2}");
    qapic_client_free(c);
    qapic_testpeer_free(p);
}
END_TEST

START_TEST(bad_scripts)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_reply(p, "{\"return\": ");
    ck_assert_str_eq(qapic_testpeer_finish(p),
                     "step 4: the reply given to the script is not valid "
                     "JSON: {\"return\": ");
    qapic_testpeer_free(p);

    p = qapic_testpeer_new();
    qapic_testpeer_reply_to(p, 3, "{\"return\": {}}");
    ck_assert_str_eq(qapic_testpeer_finish(p), "step 1: a reply to request "
                     "3, which no earlier step expects");
    qapic_testpeer_free(p);

    /* A broken script fails the client at once rather than late. */
    p = qapic_testpeer_new();
    qapic_testpeer_expect(p, "not json");
    qapic_client *c = qapic_client_new(NULL, NULL);
    qapic_error *err = NULL;
    ck_assert_int_eq(qapic_client_attach_fd(c, qapic_testpeer_start(p), true,
                                            &err), -1);
    qapic_error_free(err);
    contains(qapic_testpeer_finish(p), "not valid JSON: not json");
    qapic_client_free(c);
    qapic_testpeer_free(p);

    p = qapic_testpeer_new();
    ck_assert_str_eq(qapic_testpeer_finish(p),
                     "the test peer was never started");
    qapic_testpeer_free(p);
    qapic_testpeer_free(NULL);
}
END_TEST

START_TEST(expect_close_and_fds)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect_close(p);
    qapic_client *c = start(p);
    ck_assert_ptr_null(qapic_client_execute(c, "stop", NULL, 0, NULL));
    contains(qapic_testpeer_finish(p), "step 4: expected the client closing "
             "the connection, got the request {\"execute\":\"stop\"");
    qapic_client_free(c);
    qapic_testpeer_free(p);

    p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect_fds(p, "{\"execute\": \"getfd\"}", 1);
    c = start(p);
    ck_assert_ptr_null(qapic_client_execute(c, "getfd", NULL, 0, NULL));
    ck_assert_str_eq(qapic_testpeer_finish(p), "step 4: the request "
                     "{\"execute\":\"getfd\"} came with 0 file descriptors, "
                     "expected 1");
    qapic_client_free(c);
    qapic_testpeer_free(p);
}
END_TEST

START_TEST(script_does_not_end)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_set_timeout(p, 100);
    qapic_testpeer_handshake(p);
    qapic_testpeer_pause(p, 2000);
    qapic_client *c = start(p);
    ck_assert_str_eq(qapic_testpeer_finish(p), "the script did not end "
                     "within 1100 ms: it waits at step 4 (a pause of 2000 "
                     "ms)");
    qapic_client_free(c);
    /* Freeing stops the pause at once. */
    qapic_testpeer_free(p);
}
END_TEST

START_TEST(serves_the_schema_and_records)
{
    qapic_testpeer *p = qapic_testpeer_new();
    struct json_object *schema = json_tokener_parse(
        "[{\"name\": \"stop\", \"meta-type\": \"command\", \"arg-type\": "
        "\"0\", \"ret-type\": \"0\"}, {\"name\": \"0\", \"meta-type\": "
        "\"object\", \"members\": []}]");
    qapic_testpeer_set_schema(p, schema);
    qapic_testpeer_handshake(p);
    qapic_testpeer_exchange(p, "{\"execute\": \"stop\"}", "{\"return\": {}}");
    qapic_client *c = start(p);
    ck_assert_int_eq(qapic_client_supports(c, "stop", NULL), 1);
    ck_assert_int_eq(qapic_client_supports(c, "cont", NULL), 0);
    struct json_object *r = qapic_client_execute(c, "stop", NULL, 0, NULL);
    ck_assert_ptr_nonnull(r);
    json_object_put(r);
    ck_assert_ptr_null(qapic_testpeer_finish(p));
    ck_assert_uint_eq(qapic_testpeer_nrequests(p), 3);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(
        qapic_testpeer_request(p, 1), "execute")), "query-qmp-schema");
    ck_assert_ptr_null(qapic_testpeer_request(p, 3));
    qapic_client_free(c);
    qapic_testpeer_free(p);
    json_object_put(schema);
}
END_TEST

START_TEST(dump_errors)
{
    qapic_error *err = NULL;
    ck_assert_ptr_null(qapic_testpeer_dump_return("/nonexistent.replies",
                                                  "query-qmp-schema", &err));
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TRANSPORT);
    ck_assert_str_eq(err->message,
                     "open /nonexistent.replies: No such file or directory");
    qapic_error_free(err);
    char path[] = "/tmp/qapic-dump-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "{\"execute\": \"a\", \"id\": \"libvirt-1\"}\n\n"
                       "{\"error\": {}, \"id\": \"libvirt-1\"}\n\n"
                       "{\"execute\": \"a\", \"id\": \"libvirt-2\"}\n\n"
                       "{\"return\": 42, \"id\": \"libvirt-2\"}\n";
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    err = NULL;
    struct json_object *r = qapic_testpeer_dump_return(path, "a", &err);
    ck_assert_int_eq(json_object_get_int(r), 42);
    json_object_put(r);
    ck_assert_ptr_null(qapic_testpeer_dump_return(path, "b", &err));
    ck_assert_int_eq(err->kind, QAPIC_ERROR_INVALID);
    contains(err->message, "holds no successful reply to 'b'");
    qapic_error_free(err);
    unlink(path);
}
END_TEST

Suite *qc_suite_testpeer(void)
{
    Suite *s = suite_create("testpeer");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, wrong_request);
    tcase_add_test(tc, arguments_compared_exactly);
    tcase_add_test(tc, request_never_comes);
    tcase_add_test(tc, client_closes_early);
    tcase_add_test(tc, request_after_the_script);
    tcase_add_test(tc, bad_scripts);
    tcase_add_test(tc, expect_close_and_fds);
    tcase_add_test(tc, script_does_not_end);
    tcase_add_test(tc, serves_the_schema_and_records);
    tcase_add_test(tc, dump_errors);
    suite_add_tcase(s, tc);
    return s;
}
