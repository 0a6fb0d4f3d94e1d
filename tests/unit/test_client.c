/* Unit tests of the QMP client (runtime/client.c, dispatch.c, stream.c,
 * transport.c) against the scripted test peer.  The peer is a mock, and
 * justified: these are the servers real QEMU never is (garbage, truncated
 * and endless messages, unknown ids, silence, disconnects mid-reply) plus
 * exact control of timing and order; test_qemu.c covers the real one. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "qapic/client.h"
#include "qapic/testpeer.h"

/* ---- helpers --------------------------------------------------------------- */

typedef struct warnings {
    int n;
    char last[1024];
    char all[8192];
} warnings;

static void on_warn(void *opaque, const char *msg)
{
    warnings *w = opaque;
    w->n++;
    snprintf(w->last, sizeof w->last, "%s", msg);
    size_t len = strlen(w->all);
    snprintf(w->all + len, sizeof w->all - len, "%s\n", msg);
}

static qapic_client_options opts(warnings *w)
{
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.call_timeout_ms = 5000;
    if (w) {
        o.warn = on_warn;
        o.warn_opaque = w;
    }
    return o;
}

static qapic_client *connect_peer(qapic_testpeer *p,
                                  const qapic_client_options *o)
{
    qapic_error *err = NULL;
    qapic_client *c = qapic_testpeer_connect(p, o, &err);
    ck_assert_msg(c != NULL, "connect: %s", err ? err->message : "?");
    return c;
}

static void finish_ok(qapic_testpeer *p)
{
    const char *f = qapic_testpeer_finish(p);
    ck_assert_msg(f == NULL, "test peer: %s", f);
}

/* Executes COMMAND without arguments: it must succeed, with a return
 * value equal to EXPECTED (JSON) unless that is NULL. */
static void execute_ok(qapic_client *c, const char *command,
                       const char *expected);

/* Executes COMMAND without arguments: it must fail with an error of KIND,
 * which is returned. */
static qapic_error *execute_fails(qapic_client *c, const char *command,
                                  qapic_error_kind kind)
{
    qapic_error *err = NULL;
    ck_assert_ptr_null(qapic_client_execute(c, command, NULL, 0, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(err->kind == kind, "%s: %s", qapic_error_kind_name(err->kind),
                  err->message);
    return err;
}

/* The script ran as written; then everything is freed. */
static void end(qapic_client *c, qapic_testpeer *p)
{
    finish_ok(p);
    qapic_client_free(c);
    qapic_testpeer_free(p);
}

static void contains(const char *s, const char *part)
{
    ck_assert_msg(s && strstr(s, part), "'%s' does not contain '%s'",
                  s ? s : "(null)", part);
}

static struct json_object *json(const char *text)
{
    struct json_object *v = json_tokener_parse(text);
    ck_assert_ptr_nonnull(v);
    return v;
}

static void assert_json(struct json_object *v, const char *expected)
{
    struct json_object *e = json(expected);
    ck_assert_msg(json_object_equal(v, e), "got %s, expected %s",
                  json_object_to_json_string(v), expected);
    json_object_put(e);
}

static void execute_ok(qapic_client *c, const char *command,
                       const char *expected)
{
    qapic_error *err = NULL;
    struct json_object *r = qapic_client_execute(c, command, NULL, 0, &err);
    ck_assert_msg(r != NULL, "%s: %s", command, err ? err->message : "?");
    if (expected)
        assert_json(r, expected);
    json_object_put(r);
}

static void raw_str(qapic_testpeer *p, const char *s)
{
    qapic_testpeer_raw(p, s, strlen(s));
}

/* Polls and processes until *PTR is non-NULL. */
static void process_until(qapic_client *c, void *const *ptr)
{
    while (!*ptr) {
        struct pollfd pfd = { .fd = qapic_client_fd(c), .events = POLLIN };
        ck_assert_int_ge(poll(&pfd, 1, 5000), 1);
        ck_assert_int_eq(qapic_client_process(c, NULL), 0);
    }
}

/* ---- connection and negotiation ---------------------------------------- */

START_TEST(negotiates)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_client_options o = opts(NULL);
    qapic_client *c = connect_peer(p, &o);
    int major, minor, micro;
    qapic_client_version(c, &major, &minor, &micro);
    ck_assert_int_eq(major, 10);
    ck_assert_int_eq(minor, 0);
    ck_assert_int_eq(micro, 2);
    ck_assert_str_eq(qapic_client_package(c), "qapic-testpeer");
    ck_assert(qapic_client_has_capability(c, "oob"));
    ck_assert(!qapic_client_has_capability(c, "bogus"));
    ck_assert(!qapic_client_oob_enabled(c));
    ck_assert(qapic_client_connected(c));
    ck_assert_ptr_nonnull(qapic_client_greeting(c));
    ck_assert_int_ge(qapic_client_fd(c), 0);
    end(c, p);
}
END_TEST

static void done_store(qapic_client *c, struct json_object *ret,
                       qapic_error *err, void *opaque)
{
    (void)c;
    struct json_object **out = opaque;
    ck_assert_ptr_null(err);
    *out = ret;
}

START_TEST(oob_when_asked_and_offered)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_greeting(p, NULL);
    qapic_testpeer_exchange(p, "{\"execute\": \"qmp_capabilities\", "
                            "\"arguments\": {\"enable\": [\"oob\"]}}",
                            "{\"return\": {}}");
    qapic_testpeer_exchange(p, "{\"exec-oob\": \"migrate-pause\"}",
                            "{\"return\": {}}");
    qapic_client_options o = opts(NULL);
    o.want_oob = true;
    qapic_client *c = connect_peer(p, &o);
    ck_assert(qapic_client_oob_enabled(c));
    struct json_object *ret = NULL;
    qapic_error *err = NULL;
    ck_assert_uint_gt(qapic_client_execute_async(c, "migrate-pause", NULL,
                                                 true, done_store, &ret,
                                                 &err), 0);
    process_until(c, (void *const *)&ret);
    assert_json(ret, "{}");
    json_object_put(ret);
    end(c, p);
}
END_TEST

START_TEST(oob_not_offered_not_asked)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_greeting(p, "{\"QMP\": {\"version\": {\"qemu\": "
                            "{\"micro\": 0, \"minor\": 12, \"major\": 2}, "
                            "\"package\": \"\"}, \"capabilities\": []}}");
    qapic_testpeer_exchange(p, "{\"execute\": \"qmp_capabilities\"}",
                            "{\"return\": {}}");
    qapic_client_options o = opts(NULL);
    o.want_oob = true;
    qapic_client *c = connect_peer(p, &o);
    ck_assert(!qapic_client_oob_enabled(c));
    qapic_error *err = NULL;
    ck_assert_uint_eq(qapic_client_execute_async(c, "x", NULL, true, NULL,
                                                 NULL, &err), 0);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_INVALID);
    qapic_error_free(err);
    end(c, p);
}
END_TEST

START_TEST(negotiation_refused)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_greeting(p, NULL);
    qapic_testpeer_exchange(p, "{\"execute\": \"qmp_capabilities\"}",
                            "{\"error\": {\"class\": \"CommandNotFound\", "
                            "\"desc\": \"Capabilities negotiation is already "
                            "complete, command ignored\"}}");
    int fd = qapic_testpeer_start(p);
    qapic_client *c = qapic_client_new(NULL, NULL);
    qapic_error *err = NULL;
    ck_assert_int_eq(qapic_client_attach_fd(c, fd, true, &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_QMP);
    ck_assert_str_eq(err->qmp_class, "CommandNotFound");
    qapic_error_free(err);
    end(c, p);
}
END_TEST

START_TEST(event_before_greeting)
{
    /* What a real QEMU does when an event overtakes the greeting: the
     * event is kept, the connection goes on. */
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_event(p, "STOP", NULL);
    qapic_testpeer_handshake(p);
    int fd = qapic_testpeer_start(p);
    qapic_client *c = qapic_client_new(NULL, NULL);
    qapic_error *err = NULL;
    ck_assert_msg(qapic_client_attach_fd(c, fd, true, &err) == 0, "%s",
                  err ? err->message : "");
    ck_assert(qapic_client_connected(c));
    qapic_event_msg *ev = qapic_client_next_event(c, NULL, 0, &err);
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(ev->name, "STOP");
    qapic_event_msg_free(ev);
    end(c, p);
}
END_TEST

START_TEST(reply_before_greeting)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_send(p, "{\"return\": {}}");
    int fd = qapic_testpeer_start(p);
    qapic_client *c = qapic_client_new(NULL, NULL);
    qapic_error *err = NULL;
    ck_assert_int_eq(qapic_client_attach_fd(c, fd, true, &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_PROTOCOL);
    contains(err->message, "expected the QMP greeting as message 1");
    contains(err->message, "return");
    ck_assert(!qapic_client_connected(c));
    qapic_error_free(err);
    end(c, p);
}
END_TEST

START_TEST(greeting_timeout)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_pause(p, 1000);
    int fd = qapic_testpeer_start(p);
    qapic_client_options o = opts(NULL);
    o.call_timeout_ms = 100;
    qapic_client *c = qapic_client_new(&o, NULL);
    qapic_error *err = NULL;
    ck_assert_int_eq(qapic_client_attach_fd(c, fd, true, &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TIMEOUT);
    contains(err->message, "no QMP greeting");
    qapic_error_free(err);
    qapic_client_free(c);
    finish_ok(p);
    qapic_testpeer_free(p);
}
END_TEST

START_TEST(attach_rejects_non_sockets)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    qapic_client *c = qapic_client_new(NULL, NULL);
    qapic_error *err = NULL;
    ck_assert_int_eq(qapic_client_attach_fd(c, fds[0], true, &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TRANSPORT);
    ck_assert_int_eq(err->errnum, ENOTSOCK);
    qapic_error_free(err);
    /* The client took the fd and closed it. */
    ck_assert_int_eq(fcntl(fds[0], F_GETFD), -1);
    close(fds[1]);

    int dg[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, dg), 0);
    err = NULL;
    ck_assert_int_eq(qapic_client_attach_fd(c, dg[0], true, &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TRANSPORT);
    contains(err->message, "not a stream socket");
    qapic_error_free(err);
    close(dg[1]);
    qapic_client_free(c);
}
END_TEST

START_TEST(not_connected)
{
    qapic_client *c = qapic_client_new(NULL, NULL);
    qapic_error *err = NULL;
    err = execute_fails(c, "query-status", QAPIC_ERROR_TRANSPORT);
    ck_assert_int_eq(err->errnum, ENOTCONN);
    qapic_error_free(err);
    err = NULL;
    ck_assert_int_eq(qapic_client_process(c, &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TRANSPORT);
    qapic_error_free(err);
    ck_assert_int_eq(qapic_client_fd(c), -1);
    ck_assert(!qapic_client_wants_write(c));
    qapic_client_free(c);
    qapic_client_free(NULL);
}
END_TEST

START_TEST(connect_unix_gives_up)
{
    qapic_client_options o = opts(NULL);
    o.connect_timeout_ms = 150;
    qapic_client *c = qapic_client_new(&o, NULL);
    qapic_error *err = NULL;
    int64_t t0 = time(NULL);
    ck_assert_int_eq(qapic_client_connect_unix(c, "/nonexistent/qmp.sock",
                                               &err), -1);
    ck_assert_int_le(time(NULL) - t0, 2);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TRANSPORT);
    ck_assert_int_eq(err->errnum, ENOENT);
    ck_assert_str_eq(err->op, "connect to /nonexistent/qmp.sock");
    qapic_error_free(err);

    char longpath[200];
    memset(longpath, 'x', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = '\0';
    err = NULL;
    ck_assert_int_eq(qapic_client_connect_unix(c, longpath, &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_INVALID);
    contains(err->message, "199 bytes");
    qapic_error_free(err);
    qapic_client_free(c);
}
END_TEST

/* A TCP socket on a free loopback port (listening if LISTENING), whose
 * number goes to PORT. */
static int loopback_socket(bool listening, char port[16])
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof sa;
    ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    if (listening)
        ck_assert_int_eq(listen(s, 1), 0);
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
    snprintf(port, 16, "%d", ntohs(sa.sin_port));
    return s;
}

START_TEST(connect_tcp_refused)
{
    /* A port nobody listens on: bind one, then close it. */
    char port[16];
    close(loopback_socket(false, port));
    qapic_client_options o = opts(NULL);
    o.connect_timeout_ms = 100;
    qapic_client *c = qapic_client_new(&o, NULL);
    qapic_error *err = NULL;
    ck_assert_int_eq(qapic_client_connect_tcp(c, "127.0.0.1", port, &err),
                     -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TRANSPORT);
    ck_assert_int_eq(err->errnum, ECONNREFUSED);
    qapic_error_free(err);
    err = NULL;
    ck_assert_int_eq(qapic_client_connect_tcp(c, "127.0.0.1",
                                              "no-such-service", &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TRANSPORT);
    contains(err->message, "resolve 127.0.0.1:no-such-service");
    qapic_error_free(err);
    qapic_client_free(c);
}
END_TEST

START_TEST(connect_tcp)
{
    char port[16];
    int s = loopback_socket(true, port);
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_exchange(p, "{\"execute\": \"query-status\"}",
                            "{\"return\": {\"status\": \"running\"}}");
    ck_assert_int_eq(qapic_testpeer_start_listening(p, s), 0);
    qapic_client *c = qapic_client_new(NULL, NULL);
    qapic_error *err = NULL;
    ck_assert_msg(qapic_client_connect_tcp(c, "127.0.0.1", port, &err) == 0,
                  "%s", err ? err->message : "");
    execute_ok(c, "query-status", "{\"status\": \"running\"}");
    /* File descriptors travel on UNIX sockets only. */
    int fd = 0;
    ck_assert_ptr_null(qapic_client_execute_fds(c, "getfd", NULL, &fd, 1, 0,
                                                &err));
    ck_assert_int_eq(err->kind, QAPIC_ERROR_INVALID);
    qapic_error_free(err);
    end(c, p);
}
END_TEST

typedef struct late_listener {
    char path[108];
    qapic_testpeer *p;
} late_listener;

/* Creates the listening socket only after 150 ms: QEMU's start-up race. */
static void *listen_late(void *opaque)
{
    late_listener *l = opaque;
    usleep(150 * 1000);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    strcpy(sa.sun_path, l->path);
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 1) < 0) {
        close(s);
        return NULL;
    }
    qapic_testpeer_start_listening(l->p, s);
    return NULL;
}

START_TEST(connect_unix_waits_for_the_socket)
{
    char dir[] = "/tmp/qapic-client-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    late_listener l;
    snprintf(l.path, sizeof l.path, "%s/qmp.sock", dir);
    l.p = qapic_testpeer_new();
    qapic_testpeer_handshake(l.p);
    pthread_t t;
    pthread_create(&t, NULL, listen_late, &l);
    qapic_client *c = qapic_client_new(NULL, NULL);
    qapic_error *err = NULL;
    int rc = qapic_client_connect_unix(c, l.path, &err);
    pthread_join(t, NULL);
    ck_assert_msg(rc == 0, "%s", err ? err->message : "");
    ck_assert(qapic_client_connected(c));
    finish_ok(l.p);
    qapic_client_free(c);
    qapic_testpeer_free(l.p);
    unlink(l.path);
    rmdir(dir);
}
END_TEST

/* ---- execution and errors ------------------------------------------------- */

START_TEST(execute_and_qmp_error)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_exchange(p, "{\"execute\": \"query-status\"}",
                            "{\"return\": {\"status\": \"running\", "
                            "\"running\": true}}");
    qapic_testpeer_exchange(p, "{\"execute\": \"migrate\", \"arguments\": "
                            "{\"uri\": \"bogus:x\"}}",
                            "{\"error\": {\"class\": \"GenericError\", "
                            "\"desc\": \"Parameter 'uri' expects a valid "
                            "migration protocol\"}}");
    qapic_testpeer_exchange(p, "{\"execute\": \"stop\"}", "{\"return\": {}}");
    qapic_client *c = connect_peer(p, NULL);
    qapic_error *err = NULL;
    execute_ok(c, "query-status", "{\"status\": \"running\", \"running\": true}");

    struct json_object *args = json("{\"uri\": \"bogus:x\"}");
    ck_assert_ptr_null(qapic_client_execute(c, "migrate", args, 0, &err));
    json_object_put(args);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_QMP);
    ck_assert_str_eq(err->qmp_class, "GenericError");
    ck_assert_str_eq(err->qmp_desc,
                     "Parameter 'uri' expects a valid migration protocol");
    ck_assert_str_eq(err->message, "GenericError: Parameter 'uri' expects a "
                     "valid migration protocol");
    /* The id, the request as sent (with that id) and the raw reply. */
    ck_assert_int_eq(json_object_get_int64(err->id), 3);
    assert_json(err->request, "{\"execute\": \"migrate\", \"arguments\": "
                "{\"uri\": \"bogus:x\"}, \"id\": 3}");
    ck_assert_int_eq(json_object_get_int64(json_object_object_get(
        err->reply, "id")), 3);
    ck_assert_ptr_nonnull(json_object_object_get(err->reply, "error"));
    qapic_error_free(err);
    err = NULL;
    execute_ok(c, "stop", "{}");
    finish_ok(p);
    /* The wire form: execute, arguments, id (QEMU's order). */
    const char *sent = json_object_to_json_string_ext(
        qapic_testpeer_request(p, 2), JSON_C_TO_STRING_PLAIN);
    ck_assert_str_eq(sent, "{\"execute\":\"migrate\",\"arguments\":"
                     "{\"uri\":\"bogus:x\"},\"id\":3}");
    qapic_client_free(c);
    qapic_testpeer_free(p);
}
END_TEST

START_TEST(bad_arguments)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_client *c = connect_peer(p, NULL);
    qapic_error *err = NULL;
    struct json_object *arr = json("[1]");
    ck_assert_ptr_null(qapic_client_execute(c, "x", arr, 0, &err));
    ck_assert_int_eq(err->kind, QAPIC_ERROR_INVALID);
    contains(err->message, "must be a JSON object, not array");
    qapic_error_free(err);
    err = NULL;
    ck_assert_ptr_null(qapic_client_execute(c, "", NULL, 0, &err));
    ck_assert_int_eq(err->kind, QAPIC_ERROR_INVALID);
    qapic_error_free(err);
    json_object_put(arr);
    end(c, p);
}
END_TEST

/* ---- misbehaving servers ------------------------------------------------- */

START_TEST(garbage)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_exchange(p, "{\"execute\": \"query-status\"}",
                            "{\"return\": {}}");
    qapic_testpeer_expect(p, "{\"execute\": \"query-version\"}");
    raw_str(p, "<html>\r\n");
    qapic_testpeer_exchange(p, "{\"execute\": \"never-sent\"}",
                            "{\"return\": {}}");
    qapic_client *c = connect_peer(p, NULL);
    qapic_error *err = NULL;
    execute_ok(c, "query-status", NULL);
    err = execute_fails(c, "query-version", QAPIC_ERROR_PROTOCOL);
    /* The greeting and 2 replies fill lines 1-3; the garbage starts line 4. */
    contains(err->message, "invalid JSON from the server at byte");
    contains(err->message, "(line 4, column 1, in message 4): unexpected "
             "character");
    qapic_error_free(err);
    ck_assert(!qapic_client_connected(c));
    err = NULL;
    err = execute_fails(c, "query-status", QAPIC_ERROR_TRANSPORT);
    contains(err->message, "not connected: invalid JSON");
    qapic_error_free(err);
    qapic_client_free(c);
    /* The peer expected never-sent: it says so. */
    contains(qapic_testpeer_finish(p), "step 8: expected the request "
             "{\"execute\":\"never-sent\"}, but the client closed the "
             "connection");
    qapic_testpeer_free(p);
}
END_TEST

/* A reply and garbage in one read: the reply is delivered first. */
START_TEST(garbage_after_a_reply)
{
    warnings w = { 0 };
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_event(p, "STOP", NULL);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    raw_str(p, "{\"return\": {}, \"id\": 2}\r\n{\"return\": nul\r\n");
    qapic_client_options o = opts(&w);
    qapic_client *c = connect_peer(p, &o);
    qapic_error *err = NULL;
    execute_ok(c, "query-status", NULL);
    ck_assert(!qapic_client_connected(c));
    ck_assert_int_eq(qapic_client_process(c, &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_PROTOCOL);
    contains(err->message, "(line 5, column 15, in message 5)");
    qapic_error_free(err);
    /* Events before it stay available. */
    qapic_event_msg *ev = qapic_client_next_event(c, NULL, 0, NULL);
    ck_assert_str_eq(ev->name, "STOP");
    qapic_event_msg_free(ev);
    ck_assert_int_eq(w.n, 0);
    end(c, p);
}
END_TEST

/* What json-c's tokener takes and QEMU never sends (its own parser, and
 * qapic_json_parse, refuse it): the reader refuses it too, located, in
 * one read or split anywhere.  SPLIT is where the message is cut into two
 * sends with a pause between them (0: not cut). */
static const struct {
    const char *reply;
    size_t split;
    const char *error;
} not_json[] = {
    { "{\"return\": \"\\ud800\"}", 0,
      "(line 3, column 13, in message 3): lone surrogate in a \\u escape" },
    { "{\"return\": \"\\ud800\"}", 15,
      "(line 3, column 13, in message 3): lone surrogate in a \\u escape" },
    { "{\"return\": \"a\\udc00b\"}", 0,
      "column 14, in message 3): lone surrogate in a \\u escape" },
    { "{\"return\": \"\\ud800\\u0041\"}", 19,
      "column 13, in message 3): lone surrogate in a \\u escape" },
    { "{\"return\": \"\\udbff\\ud800\"}", 0,
      "column 13, in message 3): lone surrogate in a \\u escape" },
    { "{\"return\": \"\\uD800\\\\u\"}", 0,
      "column 13, in message 3): lone surrogate in a \\u escape" },
    { "{\"return\": \"a\tb\"}", 0,
      "column 14, in message 3): control character in a string" },
    { "{\"return\": NaN}", 0,
      "column 12, in message 3): NaN and Infinity are not JSON" },
    { "{\"return\": [-Infinity]}", 0,
      "column 14, in message 3): NaN and Infinity are not JSON" },
    { "{\"return\": 1.}", 13, "column 14, in message 3): invalid number" },
    { "{\"return\": {\"a\\u0000b\"\r\n : 1}}", 0,
      "(line 3, column 13, in message 3): member name contains a NUL "
      "character" },
    /* Integers json-c would clamp to the nearest 64-bit value. */
    { "{\"return\": 18446744073709551616}", 0,
      "column 12, in message 3): integer beyond 64 bits" },
    { "{\"return\": [0, -9223372036854775809]}", 20,
      "column 16, in message 3): integer beyond 64 bits" },
    { "{\"return\": 123456789012345678901234567890}", 0,
      "column 12, in message 3): integer beyond 64 bits" },
    /* json-c's own complaint still comes when it is the first. */
    { "{\"return\": tru, \"x\": \"\\ud800\"}", 0,
      "column 15, in message 3): boolean expected" },
};

START_TEST(json_c_leniencies_refused)
{
    const char *reply = not_json[_i].reply;
    size_t len = strlen(reply), split = not_json[_i].split;
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    if (split) {
        qapic_testpeer_raw(p, reply, split);
        qapic_testpeer_pause(p, 50);
    }
    qapic_testpeer_raw(p, reply + split, len - split);
    raw_str(p, "\r\n");
    qapic_client *c = connect_peer(p, NULL);
    qapic_error *err = execute_fails(c, "query-status", QAPIC_ERROR_PROTOCOL);
    contains(err->message, "invalid JSON from the server at byte");
    contains(err->message, not_json[_i].error);
    qapic_error_free(err);
    ck_assert(!qapic_client_connected(c));
    qapic_client_free(c);
    finish_ok(p);
    qapic_testpeer_free(p);
}
END_TEST

/* Their valid neighbours pass: pairs, escaped NULs in values, decimals,
 * NaN inside a string, split anywhere. */
START_TEST(strict_json_still_read)
{
    const char *reply = "{\"return\": {\"s\": \"\\ud83d\\ude00 \\u00e9 "
                        "a\\u0000b NaN\", \"n\": [1.5, -0.25e3, "
                        "18446744073709551615, -9223372036854775808, "
                        "1e400000000000000000000, "
                        "123456789012345678901234567890.5]}, \"id\": 2}";
    for (size_t split = 0; split < strlen(reply); split += 3) {
        qapic_testpeer *p = qapic_testpeer_new();
        qapic_testpeer_handshake(p);
        qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
        if (split) {
            qapic_testpeer_raw(p, reply, split);
            qapic_testpeer_pause(p, 2);
        }
        qapic_testpeer_raw(p, reply + split, strlen(reply) - split);
        raw_str(p, "\r\n");
        qapic_client *c = connect_peer(p, NULL);
        qapic_error *err = NULL;
        struct json_object *r = qapic_client_execute(c, "query-status", NULL,
                                                     0, &err);
        ck_assert_msg(r != NULL, "split %zu: %s", split,
                      err ? err->message : "?");
        struct json_object *str = json_object_object_get(r, "s");
        ck_assert_int_eq(json_object_get_string_len(str), 15);
        ck_assert(!memcmp(json_object_get_string(str),
                          "\xf0\x9f\x98\x80 \xc3\xa9 a\0b NaN", 15));
        struct json_object *n = json_object_object_get(r, "n");
        ck_assert_uint_eq(json_object_get_uint64(
                              json_object_array_get_idx(n, 2)), UINT64_MAX);
        ck_assert_int_eq(json_object_get_int64(
                             json_object_array_get_idx(n, 3)), INT64_MIN);
        json_object_put(r);
        end(c, p);
    }
}
END_TEST

START_TEST(truncated_message)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    raw_str(p, "{\"return\": {\"status\": \"runn");
    qapic_testpeer_disconnect(p);
    qapic_client *c = connect_peer(p, NULL);
    qapic_error *err = NULL;
    err = execute_fails(c, "query-status", QAPIC_ERROR_TRANSPORT);
    contains(err->message, "the server closed the connection in the middle "
             "of message 3");
    contains(err->message, "line 3");
    char after[64];
    snprintf(after, sizeof after, "after %zu bytes",
             strlen("{\"return\": {\"status\": \"runn"));
    contains(err->message, after);
    qapic_error_free(err);
    end(c, p);
}
END_TEST

START_TEST(huge_line)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    raw_str(p, "{\"return\": \"");
    qapic_testpeer_repeat(p, 'a', (size_t)100 << 20);
    raw_str(p, "\"}\r\n");
    qapic_client_options o = opts(NULL);
    o.max_message = 1 << 20;
    qapic_client *c = connect_peer(p, &o);
    qapic_error *err = NULL;
    err = execute_fails(c, "query-status", QAPIC_ERROR_TRANSPORT);
    ck_assert_int_eq(err->errnum, EMSGSIZE);
    contains(err->message, "message 3 from the server, starting at byte");
    contains(err->message, "(line 3), exceeds the cap of 1048576 bytes");
    qapic_error_free(err);
    qapic_client_free(c);
    /* The peer's sends to a client that left are no failure. */
    finish_ok(p);
    qapic_testpeer_free(p);
}
END_TEST

/* A reply of exactly LEN bytes passes a cap of LEN and fails one of
 * LEN - 1. */
START_TEST(cap_is_exact)
{
    const char *reply = "{\"return\": {\"status\": \"running\"}, \"id\": 2}";
    size_t len = strlen(reply);
    for (int over = 0; over < 2; over++) {
        qapic_testpeer *p = qapic_testpeer_new();
        qapic_testpeer_greeting(p, "{\"QMP\": {\"capabilities\": []}}");
        qapic_testpeer_exchange(p, "{\"execute\": \"qmp_capabilities\"}",
                                "{\"return\": {}}");
        qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
        qapic_testpeer_send(p, reply);
        qapic_client_options o = opts(NULL);
        o.max_message = len - (size_t)over;
        qapic_client *c = connect_peer(p, &o);
        qapic_error *err = NULL;
        struct json_object *r = qapic_client_execute(c, "query-status", NULL,
                                                     0, &err);
        if (over) {
            ck_assert_ptr_null(r);
            ck_assert_int_eq(err->errnum, EMSGSIZE);
            qapic_error_free(err);
        } else {
            ck_assert_msg(r != NULL, "%s", err ? err->message : "");
            json_object_put(r);
        }
        end(c, p);
    }
}
END_TEST

START_TEST(reply_with_unknown_id)
{
    warnings w = { 0 };
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    qapic_testpeer_send(p, "{\"return\": {\"stray\": true}, \"id\": 999}");
    qapic_testpeer_send(p, "{\"return\": {}, \"id\": \"libvirt-1\"}");
    qapic_testpeer_reply(p, "{\"return\": {\"status\": \"running\"}}");
    qapic_client_options o = opts(&w);
    qapic_client *c = connect_peer(p, &o);
    execute_ok(c, "query-status", "{\"status\": \"running\"}");
    ck_assert_int_eq(w.n, 2);
    contains(w.all, "message 3 from the server answers no command sent "
             "(id 999)");
    contains(w.all, "message 4 from the server answers no command sent "
             "(id \"libvirt-1\")");
    end(c, p);
}
END_TEST

START_TEST(error_without_id)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    qapic_testpeer_send(p, "{\"error\": {\"class\": \"GenericError\", "
                        "\"desc\": \"JSON parse error, expecting value\"}}");
    qapic_testpeer_exchange(p, "{\"execute\": \"query-version\"}",
                            "{\"return\": {}}");
    qapic_client *c = connect_peer(p, NULL);
    qapic_error *err = NULL;
    err = execute_fails(c, "query-status", QAPIC_ERROR_PROTOCOL);
    contains(err->message, "message 3 from the server is an error without "
             "id");
    contains(err->message, "GenericError: JSON parse error, expecting value");
    ck_assert_str_eq(err->qmp_class, "GenericError");
    ck_assert_ptr_nonnull(err->reply);
    qapic_error_free(err);
    /* The connection stays usable. */
    err = NULL;
    execute_ok(c, "query-version", NULL);
    end(c, p);
}
END_TEST

START_TEST(messages_of_no_known_kind)
{
    warnings w = { 0 };
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_send(p, "[1, 2]");
    qapic_testpeer_send(p, "{\"hello\": 1}");
    qapic_testpeer_send(p, "{\"event\": 7}");
    qapic_testpeer_exchange(p, "{\"execute\": \"query-status\"}",
                            "{\"return\": {}}");
    qapic_client_options o = opts(&w);
    qapic_client *c = connect_peer(p, &o);
    execute_ok(c, "query-status", NULL);
    ck_assert_int_eq(w.n, 3);
    contains(w.all, "message 3 from the server is no JSON object: [1,2]");
    contains(w.all, "message 4 from the server is of no known kind");
    contains(w.all, "message 5 from the server is an event without a name");
    end(c, p);
}
END_TEST

START_TEST(silence_until_timeout)
{
    warnings w = { 0 };
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    qapic_testpeer_pause(p, 300);
    /* The late reply to the call that timed out is dropped quietly. */
    qapic_testpeer_reply(p, "{\"return\": {\"late\": true}}");
    qapic_testpeer_exchange(p, "{\"execute\": \"query-version\"}",
                            "{\"return\": {\"on\": \"time\"}}");
    qapic_client_options o = opts(&w);
    qapic_client *c = connect_peer(p, &o);
    qapic_error *err = NULL;
    ck_assert_ptr_null(qapic_client_execute(c, "query-status", NULL, 100,
                                            &err));
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TIMEOUT);
    ck_assert_str_eq(err->message, "no reply to command 2 within 100 ms");
    ck_assert_int_eq(json_object_get_int64(err->id), 2);
    assert_json(err->request, "{\"execute\": \"query-status\", \"id\": 2}");
    qapic_error_free(err);
    err = NULL;
    execute_ok(c, "query-version", "{\"on\": \"time\"}");
    ck_assert_msg(w.n == 0, "%s", w.all);
    end(c, p);
}
END_TEST

typedef struct outcome {
    int done;
    int transport_errors;
    int timeouts;
    int64_t got[64];
} outcome;

static void count_done(qapic_client *c, struct json_object *ret,
                       qapic_error *err, void *opaque)
{
    (void)c;
    outcome *o = opaque;
    o->done++;
    if (err && err->kind == QAPIC_ERROR_TRANSPORT)
        o->transport_errors++;
    if (err && err->kind == QAPIC_ERROR_TIMEOUT)
        o->timeouts++;
    if (ret) {
        struct json_object *n = json_object_object_get(ret, "n");
        if (o->done <= 64)
            o->got[o->done - 1] = json_object_get_int64(n);
        json_object_put(ret);
    }
    qapic_error_free(err);
}

START_TEST(disconnect_mid_reply)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    for (int i = 0; i < 3; i++)
        qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    qapic_testpeer_expect(p, "{\"execute\": \"query-version\"}");
    qapic_testpeer_reply_to(p, 3, "{\"return\": {\"n\": 1}}");
    raw_str(p, "{\"return\": {\"n\"");
    qapic_testpeer_disconnect(p);
    qapic_client *c = connect_peer(p, NULL);
    outcome o = { 0 };
    qapic_error *err = NULL;
    for (int i = 0; i < 3; i++)
        ck_assert_uint_gt(qapic_client_execute_async(c, "query-status", NULL,
                                                     false, count_done, &o,
                                                     &err), 0);
    err = execute_fails(c, "query-version", QAPIC_ERROR_TRANSPORT);
    contains(err->message, "in the middle of message 4");
    qapic_error_free(err);
    /* The first async call was answered, the other two failed. */
    ck_assert_int_eq(o.done, 3);
    ck_assert_int_eq(o.transport_errors, 2);
    ck_assert_int_eq(o.got[0], 1);
    ck_assert(!qapic_client_connected(c));
    end(c, p);
}
END_TEST

START_TEST(pending_calls_fail_when_freed)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    qapic_client *c = connect_peer(p, NULL);
    outcome o = { 0 };
    ck_assert_uint_gt(qapic_client_execute_async(c, "query-status", NULL,
                                                 false, count_done, &o,
                                                 NULL), 0);
    finish_ok(p);
    qapic_client_free(c);
    ck_assert_int_eq(o.done, 1);
    ck_assert_int_eq(o.transport_errors, 1);
    qapic_testpeer_free(p);
}
END_TEST

START_TEST(many_in_flight_out_of_order)
{
    enum { N = 50 };
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    for (int i = 0; i < N; i++) {
        char req[128];
        snprintf(req, sizeof req, "{\"execute\": \"echo\", \"arguments\": "
                 "{\"n\": %d}}", i);
        qapic_testpeer_expect(p, req);
    }
    /* Answers in reverse order; request k (from 1) echoes n = k - 1. */
    for (int k = N; k >= 1; k--) {
        char rep[64];
        snprintf(rep, sizeof rep, "{\"return\": {\"n\": %d}}", k - 1);
        qapic_testpeer_reply_to(p, k + 1, rep);
    }
    qapic_client *c = connect_peer(p, NULL);
    struct json_object *rets[N] = { 0 };
    for (int i = 0; i < N; i++) {
        struct json_object *args = json_object_new_object();
        json_object_object_add(args, "n", json_object_new_int(i));
        ck_assert_uint_eq(qapic_client_execute_async(c, "echo", args, false,
                                                     done_store, &rets[i],
                                                     NULL), (uint64_t)i + 2);
        json_object_put(args);
    }
    for (int i = 0; i < N; i++)
        process_until(c, (void *const *)&rets[i]);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(json_object_get_int(json_object_object_get(
            rets[i], "n")), i);
        json_object_put(rets[i]);
    }
    end(c, p);
}
END_TEST

/* ---- events ----------------------------------------------------------------------- */

typedef struct seen {
    char order[1024];
} seen;

static void note_event(qapic_client *c, const qapic_event_msg *ev,
                       void *opaque)
{
    (void)c;
    seen *s = opaque;
    size_t n = strlen(s->order);
    snprintf(s->order + n, sizeof s->order - n, "%s%s", n ? " " : "",
             ev->name);
    ck_assert_int_gt(ev->seconds, 1000000000);
    ck_assert_int_ge(ev->microseconds, 0);
    ck_assert_ptr_nonnull(ev->raw);
}

static void note_named(qapic_client *c, const qapic_event_msg *ev,
                       void *opaque)
{
    (void)c;
    seen *s = opaque;
    size_t n = strlen(s->order);
    snprintf(s->order + n, sizeof s->order - n, "%sonly-%s", n ? " " : "",
             ev->name);
}

START_TEST(events_during_negotiation_and_between_calls)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_greeting(p, NULL);
    qapic_testpeer_expect(p, "{\"execute\": \"qmp_capabilities\"}");
    qapic_testpeer_event(p, "EARLY", NULL);
    qapic_testpeer_reply(p, "{\"return\": {}}");
    qapic_testpeer_event(p, "BETWEEN", "{\"x\": 1}");
    qapic_testpeer_expect(p, "{\"execute\": \"quit\"}");
    qapic_testpeer_event(p, "SHUTDOWN", "{\"guest\": false, \"reason\": "
                         "\"host-qmp-quit\"}");
    qapic_testpeer_reply(p, "{\"return\": {}}");
    qapic_testpeer_disconnect(p);
    int fd = qapic_testpeer_start(p);
    qapic_client *c = qapic_client_new(NULL, NULL);
    /* Subscribed before connecting: nothing is missed. */
    seen s = { "" };
    ck_assert_uint_gt(qapic_client_on_event(c, NULL, note_event, &s, NULL),
                      0);
    uint64_t h = qapic_client_on_event(c, "SHUTDOWN", note_named, &s, NULL);
    ck_assert_uint_gt(h, 0);
    ck_assert_int_eq(qapic_client_attach_fd(c, fd, true, NULL), 0);
    execute_ok(c, "quit", NULL);
    ck_assert_str_eq(s.order, "EARLY BETWEEN SHUTDOWN only-SHUTDOWN");
    /* All kept in the queue too, in order; a name picks one out. */
    qapic_event_msg *ev = qapic_client_next_event(c, "SHUTDOWN", 0, NULL);
    ck_assert_str_eq(ev->name, "SHUTDOWN");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(
        ev->data, "reason")), "host-qmp-quit");
    qapic_event_msg_free(ev);
    ev = qapic_client_next_event(c, NULL, 0, NULL);
    ck_assert_str_eq(ev->name, "EARLY");
    ck_assert_ptr_null(ev->data);
    qapic_event_msg_free(ev);
    ev = qapic_client_next_event(c, NULL, 0, NULL);
    ck_assert_str_eq(ev->name, "BETWEEN");
    assert_json(ev->data, "{\"x\": 1}");
    qapic_event_msg_free(ev);
    qapic_error *err = NULL;
    ck_assert_ptr_null(qapic_client_next_event(c, NULL, 0, &err));
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(qapic_client_dropped_events(c), 0);
    qapic_client_remove_listener(c, h);
    end(c, p);
}
END_TEST

START_TEST(events_only)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_event(p, "STOP", NULL);
    qapic_testpeer_pause(p, 50);
    qapic_testpeer_event(p, "RESUME", NULL);
    qapic_testpeer_event(p, "X-UNKNOWN-TO-ANYONE", "{\"new\": [1, 2]}");
    qapic_client *c = connect_peer(p, NULL);
    qapic_error *err = NULL;
    /* Waiting for a named event leaves the others queued. */
    qapic_event_msg *ev = qapic_client_next_event(c, "X-UNKNOWN-TO-ANYONE",
                                                  5000, &err);
    ck_assert_msg(ev != NULL, "%s", err ? err->message : "timeout");
    assert_json(ev->data, "{\"new\": [1, 2]}");
    qapic_event_msg_free(ev);
    ev = qapic_client_next_event(c, NULL, 5000, &err);
    ck_assert_str_eq(ev->name, "STOP");
    qapic_event_msg_free(ev);
    ev = qapic_client_next_event(c, NULL, 5000, &err);
    ck_assert_str_eq(ev->name, "RESUME");
    qapic_event_msg_free(ev);
    /* Nothing more: a timeout is no error. */
    ck_assert_ptr_null(qapic_client_next_event(c, NULL, 50, &err));
    ck_assert_ptr_null(err);
    end(c, p);
}
END_TEST

START_TEST(event_queue_overflow)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    for (int i = 0; i < 12; i++) {
        char name[16];
        snprintf(name, sizeof name, "EV%d", i);
        qapic_testpeer_event(p, name, NULL);
    }
    qapic_testpeer_exchange(p, "{\"execute\": \"query-status\"}",
                            "{\"return\": {}}");
    qapic_client_options o = opts(NULL);
    o.max_events = 5;
    qapic_client *c = qapic_client_new(&o, NULL);
    seen s = { "" };
    qapic_client_on_event(c, NULL, note_event, &s, NULL);
    ck_assert_int_eq(qapic_client_attach_fd(c, qapic_testpeer_start(p), true,
                                            NULL), 0);
    execute_ok(c, "query-status", NULL);
    /* Listeners saw every event; the queue kept the last 5. */
    ck_assert_str_eq(s.order, "EV0 EV1 EV2 EV3 EV4 EV5 EV6 EV7 EV8 EV9 "
                     "EV10 EV11");
    ck_assert_uint_eq(qapic_client_dropped_events(c), 7);
    for (int i = 7; i < 12; i++) {
        qapic_event_msg *ev = qapic_client_next_event(c, NULL, 0, NULL);
        char name[16];
        snprintf(name, sizeof name, "EV%d", i);
        ck_assert_str_eq(ev->name, name);
        qapic_event_msg_free(ev);
    }
    ck_assert_ptr_null(qapic_client_next_event(c, NULL, 0, NULL));
    end(c, p);
}
END_TEST

typedef struct reentrant {
    qapic_client *c;
    uint64_t self;
    int calls;
    struct json_object *inner;
} reentrant;

/* A listener that removes itself and makes a blocking call, during which
 * the outer call's reply and another event arrive. */
static void call_from_listener(qapic_client *c, const qapic_event_msg *ev,
                               void *opaque)
{
    (void)ev;
    reentrant *r = opaque;
    r->calls++;
    qapic_client_remove_listener(c, r->self);
    r->inner = qapic_client_execute(c, "query-version", NULL, 0, NULL);
}

START_TEST(listener_calls_and_removes_itself)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    qapic_testpeer_event(p, "STOP", NULL);
    qapic_testpeer_expect(p, "{\"execute\": \"query-version\"}");
    /* The outer reply comes first, in the same burst as the inner one. */
    qapic_testpeer_reply_to(p, 2, "{\"return\": {\"outer\": 1}}");
    qapic_testpeer_event(p, "STOP", NULL);
    qapic_testpeer_reply_to(p, 3, "{\"return\": {\"inner\": 1}}");
    qapic_client *c = connect_peer(p, NULL);
    reentrant r = { c, 0, 0, NULL };
    r.self = qapic_client_on_event(c, "STOP", call_from_listener, &r, NULL);
    struct json_object *outer = qapic_client_execute(c, "query-status", NULL,
                                                     0, NULL);
    assert_json(outer, "{\"outer\": 1}");
    assert_json(r.inner, "{\"inner\": 1}");
    ck_assert_int_eq(r.calls, 1);
    json_object_put(outer);
    json_object_put(r.inner);
    end(c, p);
}
END_TEST

/* ---- the poll interface --------------------------------------------------- */

START_TEST(poll_interface_drives_everything)
{
    enum { N = 20 };
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    for (int i = 0; i < N; i++) {
        qapic_testpeer_expect(p, "{\"execute\": \"echo\"}");
        qapic_testpeer_event(p, "TICK", NULL);
    }
    for (int k = 2; k <= N + 1; k++)
        qapic_testpeer_reply_to(p, k, "{\"return\": {\"n\": 0}}");
    qapic_testpeer_expect(p, "{\"execute\": \"slow\"}");
    qapic_client_options o = opts(NULL);
    o.call_timeout_ms = 1000;
    qapic_client *c = connect_peer(p, &o);
    seen s = { "" };
    qapic_client_on_event(c, "TICK", note_event, &s, NULL);
    outcome out = { 0 };
    for (int i = 0; i < N; i++)
        ck_assert_uint_gt(qapic_client_execute_async(c, "echo", NULL, false,
                                                     count_done, &out, NULL),
                          0);
    ck_assert_int_lt(qapic_client_next_timeout(c), 1001);
    /* One more, never answered: its deadline fails it in process(). */
    outcome slow = { 0 };
    ck_assert_uint_gt(qapic_client_execute_async(c, "slow", NULL, false,
                                                 count_done, &slow, NULL), 0);
    while (out.done < N || slow.done < 1) {
        struct pollfd pfd = { .fd = qapic_client_fd(c), .events = POLLIN };
        if (qapic_client_wants_write(c))
            pfd.events |= POLLOUT;
        int t = qapic_client_next_timeout(c);
        ck_assert_int_ge(poll(&pfd, 1, t < 0 ? 5000 : t), 0);
        ck_assert_int_eq(qapic_client_process(c, NULL), 0);
    }
    ck_assert_int_eq(out.done, N);
    ck_assert_int_eq(out.transport_errors + out.timeouts, 0);
    ck_assert_int_eq(slow.done, 1);
    ck_assert_int_eq(slow.timeouts, 1);
    ck_assert_int_eq(qapic_client_next_timeout(c), -1);
    ck_assert_uint_eq(strlen(s.order), N * 5 - 1);
    end(c, p);
}
END_TEST

/* ---- fd passing and signals ---------------------------------------------------- */

START_TEST(fd_passing)
{
    char path[] = "/tmp/qapic-fd-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect_fds(p, "{\"execute\": \"getfd\", \"arguments\": "
                              "{\"fdname\": \"mig\"}}", 1);
    qapic_testpeer_reply(p, "{\"return\": {}}");
    qapic_client *c = connect_peer(p, NULL);
    struct json_object *args = json("{\"fdname\": \"mig\"}");
    qapic_error *err = NULL;
    struct json_object *r = qapic_client_execute_fds(c, "getfd", args, &fd, 1,
                                                     0, &err);
    ck_assert_msg(r != NULL, "%s", err ? err->message : "");
    json_object_put(r);
    json_object_put(args);
    finish_ok(p);
    /* The peer received the same open file, and ours is still open. */
    int got = qapic_testpeer_received_fd(p, 0);
    ck_assert_int_ge(got, 0);
    ck_assert_int_ne(got, fd);
    struct stat a, b;
    ck_assert_int_eq(fstat(fd, &a), 0);
    ck_assert_int_eq(fstat(got, &b), 0);
    ck_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
    ck_assert_int_eq(qapic_testpeer_received_fd(p, 1), -1);
    close(fd);
    qapic_client_free(c);
    qapic_testpeer_free(p);
}
END_TEST

START_TEST(no_sigpipe)
{
    /* The default disposition: a SIGPIPE would kill the test. */
    signal(SIGPIPE, SIG_DFL);
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    qapic_client *c = qapic_client_new(NULL, NULL);
    ck_assert_int_eq(qapic_client_attach_fd(c, sv[0], false, NULL), 0);
    close(sv[1]);
    qapic_error *err = NULL;
    err = execute_fails(c, "query-status", QAPIC_ERROR_TRANSPORT);
    ck_assert_int_eq(err->errnum, EPIPE);
    ck_assert_str_eq(err->op, "write");
    ck_assert_str_eq(err->message, "write: Broken pipe");
    qapic_error_free(err);
    ck_assert(!qapic_client_connected(c));
    qapic_client_free(c);
}
END_TEST

Suite *qc_suite_client(void)
{
    Suite *s = suite_create("client");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, negotiates);
    tcase_add_test(tc, oob_when_asked_and_offered);
    tcase_add_test(tc, oob_not_offered_not_asked);
    tcase_add_test(tc, negotiation_refused);
    tcase_add_test(tc, event_before_greeting);
    tcase_add_test(tc, reply_before_greeting);
    tcase_add_test(tc, greeting_timeout);
    tcase_add_test(tc, attach_rejects_non_sockets);
    tcase_add_test(tc, not_connected);
    tcase_add_test(tc, connect_unix_gives_up);
    tcase_add_test(tc, connect_tcp_refused);
    tcase_add_test(tc, connect_tcp);
    tcase_add_test(tc, connect_unix_waits_for_the_socket);
    tcase_add_test(tc, execute_and_qmp_error);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, garbage);
    tcase_add_test(tc, garbage_after_a_reply);
    tcase_add_loop_test(tc, json_c_leniencies_refused, 0,
                        (int)(sizeof not_json / sizeof *not_json));
    tcase_add_test(tc, strict_json_still_read);
    tcase_add_test(tc, truncated_message);
    tcase_add_test(tc, huge_line);
    tcase_add_test(tc, cap_is_exact);
    tcase_add_test(tc, reply_with_unknown_id);
    tcase_add_test(tc, error_without_id);
    tcase_add_test(tc, messages_of_no_known_kind);
    tcase_add_test(tc, silence_until_timeout);
    tcase_add_test(tc, disconnect_mid_reply);
    tcase_add_test(tc, pending_calls_fail_when_freed);
    tcase_add_test(tc, many_in_flight_out_of_order);
    tcase_add_test(tc, events_during_negotiation_and_between_calls);
    tcase_add_test(tc, events_only);
    tcase_add_test(tc, event_queue_overflow);
    tcase_add_test(tc, listener_calls_and_removes_itself);
    tcase_add_test(tc, poll_interface_drives_everything);
    tcase_add_test(tc, fd_passing);
    tcase_add_test(tc, no_sigpipe);
    suite_add_tcase(s, tc);
    return s;
}
