/* Unit tests of the client's wire accessors for recorders
 * (qapic_client_set_id_prefix, qapic_client_on_message_text), against the
 * scripted test peer: only a scripted server can send a message split
 * across reads, odd spacing, number spellings and duplicate keys on
 * purpose; `qapic probe` covers real QEMU (tests/stages/probe.sh). */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qapic/client.h"
#include "qapic/testpeer.h"

typedef struct texts {
    size_t n;
    char *t[16];
} texts;

static void collect(void *opaque, const char *text, size_t len)
{
    texts *ts = opaque;
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_lt(ts->n, 16);
    ts->t[ts->n] = malloc(len + 1);
    memcpy(ts->t[ts->n], text, len);
    ts->t[ts->n++][len] = '\0';
}

static void texts_free(texts *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        free(ts->t[i]);
}

static qapic_client *attach(qapic_testpeer *p, const char *prefix, texts *ts)
{
    qapic_error *err = NULL;
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.call_timeout_ms = 5000;
    qapic_client *c = qapic_client_new(&o, &err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(qapic_client_set_id_prefix(c, prefix, &err), 0);
    if (ts)
        qapic_client_on_message_text(c, collect, ts);
    int fd = qapic_testpeer_start(p);
    ck_assert_int_ge(fd, 0);
    ck_assert_msg(qapic_client_attach_fd(c, fd, true, &err) == 0, "%s",
                  err ? err->message : "?");
    return c;
}

static const char *request_id(qapic_testpeer *p, size_t i)
{
    struct json_object *id = NULL;
    ck_assert(json_object_object_get_ex(qapic_testpeer_request(p, i), "id",
                                        &id));
    return json_object_get_string(id);
}

/* The ids go out as libvirt's strings and their replies still match; the
 * text of every message is seen exactly, also when it arrives in two
 * reads, and before the call returns. */
START_TEST(prefixed_ids_and_exact_text)
{
    static const char reply1[] = "{\"return\": {\"n\": 1.50, \"big\": "
                                 "18446744073709551615,";
    static const char reply2[] = "  \"k\": 1, \"k\": 2},\n \"id\": "
                                 "\"libvirt-2\"}";
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_greeting(p, "{\"QMP\": {\"version\": {\"qemu\": "
                            "{\"micro\": 2, \"minor\": 0, \"major\": 10}, "
                            "\"package\": \"\"}, \"capabilities\": []}}");
    qapic_testpeer_exchange(p, "{\"execute\": \"qmp_capabilities\"}",
                            "{\"return\": {}}");
    qapic_testpeer_expect(p, "{\"execute\": \"query-x\"}");
    qapic_testpeer_send(p, "{\"event\": \"STOP\", \"timestamp\": "
                        "{\"seconds\": 1, \"microseconds\": 2}}");
    qapic_testpeer_raw(p, reply1, strlen(reply1));
    qapic_testpeer_pause(p, 50);
    qapic_testpeer_raw(p, reply2, strlen(reply2));
    texts ts = { 0 };
    qapic_client *c = attach(p, "libvirt-", &ts);
    qapic_error *err = NULL;
    struct json_object *ret = qapic_client_execute(c, "query-x", NULL, 0,
                                                   &err);
    ck_assert_msg(ret != NULL, "%s", err ? err->message : "?");
    json_object_put(ret);
    ck_assert_uint_eq(ts.n, 4);
    ck_assert(strstr(ts.t[0], "\"QMP\"") == ts.t[0] + 1);
    ck_assert_str_eq(ts.t[1], "{\"return\":{},\"id\":\"libvirt-1\"}");
    ck_assert(strncmp(ts.t[2], "{\"event\": \"STOP\"", 16) == 0);
    char whole[256];
    snprintf(whole, sizeof whole, "%s%s", reply1, reply2);
    ck_assert_str_eq(ts.t[3], whole);
    const char *failure = qapic_testpeer_finish(p);
    ck_assert_msg(!failure, "%s", failure);
    ck_assert_str_eq(request_id(p, 0), "libvirt-1");
    ck_assert_str_eq(request_id(p, 1), "libvirt-2");
    qapic_client_free(c);
    qapic_testpeer_free(p);
    texts_free(&ts);
}
END_TEST

/* A reply whose id only looks like ours matches no call: the call times
 * out instead of taking someone else's answer. */
START_TEST(prefixed_ids_match_exactly)
{
    static const char *const wrong[] = {
        "{\"return\": {}, \"id\": \"libvirt-02\"}",
        "{\"return\": {}, \"id\": \"other-2\"}",
        "{\"return\": {}, \"id\": \"libvirt-2x\"}",
        "{\"return\": {}, \"id\": 2}",
    };
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        qapic_testpeer *p = qapic_testpeer_new();
        qapic_testpeer_handshake(p);
        qapic_testpeer_expect(p, "{\"execute\": \"query-x\"}");
        qapic_testpeer_send(p, wrong[i]);
        qapic_client *c = attach(p, "libvirt-", NULL);
        qapic_error *err = NULL;
        struct json_object *ret = qapic_client_execute(c, "query-x", NULL,
                                                       300, &err);
        ck_assert_msg(!ret, "%s was taken for the reply", wrong[i]);
        ck_assert_msg(err && err->kind == QAPIC_ERROR_TIMEOUT, "%s: %s",
                      wrong[i], err ? err->message : "no error");
        ck_assert_str_eq(json_object_get_string(err->id), "libvirt-2");
        qapic_error_free(err);
        qapic_testpeer_finish(p);
        qapic_client_free(c);
        qapic_testpeer_free(p);
    }
}
END_TEST

/* Without a prefix the ids stay numbers; a prefix can be dropped again. */
START_TEST(numeric_ids_by_default)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_exchange(p, "{\"execute\": \"query-x\"}",
                            "{\"return\": {}}");
    qapic_client *c = attach(p, "", NULL);
    qapic_error *err = NULL;
    struct json_object *ret = qapic_client_execute(c, "query-x", NULL, 0,
                                                   &err);
    ck_assert_ptr_nonnull(ret);
    json_object_put(ret);
    ck_assert_ptr_null(qapic_testpeer_finish(p));
    struct json_object *id = NULL;
    json_object_object_get_ex(qapic_testpeer_request(p, 1), "id", &id);
    ck_assert(json_object_is_type(id, json_type_int));
    ck_assert_int_eq(json_object_get_int64(id), 2);
    ck_assert_int_eq(qapic_client_set_id_prefix(c, NULL, &err), 0);
    qapic_client_free(c);
    qapic_testpeer_free(p);
}
END_TEST

Suite *qc_suite_wire(void)
{
    Suite *s = suite_create("wire");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, prefixed_ids_and_exact_text);
    tcase_add_test(tc, prefixed_ids_match_exactly);
    tcase_add_test(tc, numeric_ids_by_default);
    suite_add_tcase(s, tc);
    return s;
}
