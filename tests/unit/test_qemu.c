/* The QMP client against real QEMU processes (tests/unit/qemu.h): greeting
 * and negotiation, errors with their class, fd passing, events, quit,
 * schema queries, migration.  Skipped loudly without a QEMU binary.
 * Version-dependent expectations follow the connected QEMU's own schema,
 * so the tests hold for any release, not only the one CI installs. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "qapic/client.h"
#include "qemu.h"
#include "skip.h"

#define NEED_QEMU()                                                      \
    do {                                                                 \
        if (!qc_qemu_binary())                                           \
            QC_SKIP(QC_QEMU_MISSING);                                    \
    } while (0)

static qapic_client *connect_qemu(const qc_qemu *q)
{
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.want_oob = true;
    o.call_timeout_ms = 10000;
    qapic_client *c = qapic_client_new(&o, NULL);
    qapic_error *err = NULL;
    ck_assert_msg(qapic_client_connect_unix(c, q->qmp, &err) == 0,
                  "%s; QEMU says: %s", err ? err->message : "?",
                  qc_qemu_log(q));
    return c;
}

static struct json_object *run(qapic_client *c, const char *command,
                               const char *args)
{
    struct json_object *a = args ? json_tokener_parse(args) : NULL;
    qapic_error *err = NULL;
    struct json_object *r = qapic_client_execute(c, command, a, 0, &err);
    ck_assert_msg(r != NULL, "%s %s: %s", command, args ? args : "",
                  err ? err->message : "?");
    if (a)
        json_object_put(a);
    return r;
}

/* The same, passing FD with the command (SCM_RIGHTS). */
static struct json_object *run_fd(qapic_client *c, const char *command,
                                  const char *args, int fd)
{
    struct json_object *a = json_tokener_parse(args);
    qapic_error *err = NULL;
    struct json_object *r = qapic_client_execute_fds(c, command, a, &fd, 1, 0,
                                                     &err);
    ck_assert_msg(r != NULL, "%s %s: %s", command, args,
                  err ? err->message : "?");
    json_object_put(a);
    return r;
}

static void run_ok(qapic_client *c, const char *command, const char *args)
{
    json_object_put(run(c, command, args));
}

static qapic_error *run_fails(qapic_client *c, const char *command,
                              const char *args)
{
    struct json_object *a = args ? json_tokener_parse(args) : NULL;
    qapic_error *err = NULL;
    ck_assert_ptr_null(qapic_client_execute(c, command, a, 0, &err));
    ck_assert_ptr_nonnull(err);
    if (a)
        json_object_put(a);
    return err;
}

static int64_t get_int(struct json_object *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    struct json_object *v = o;
    for (char *k = strtok(buf, "."); k; k = strtok(NULL, "."))
        v = json_object_object_get(v, k);
    ck_assert_msg(json_object_is_type(v, json_type_int), "%s", path);
    return json_object_get_int64(v);
}

static const char *get_str(struct json_object *o, const char *key)
{
    struct json_object *v = json_object_object_get(o, key);
    return v ? json_object_get_string(v) : NULL;
}

/* ---- the conversation --------------------------------------------------------- */

START_TEST(greeting_and_negotiation)
{
    NEED_QEMU();
    qc_qemu q;
    qc_qemu_start(&q, NULL);
    /* Connected right after the spawn: the socket does not exist yet. */
    qapic_client *c = connect_qemu(&q);
    int major, minor, micro;
    qapic_client_version(c, &major, &minor, &micro);
    ck_assert_int_ge(major, 2);
    ck_assert(qapic_client_has_capability(c, "oob"));
    ck_assert(qapic_client_oob_enabled(c));
    ck_assert_ptr_nonnull(qapic_client_package(c));
    struct json_object *v = run(c, "query-version", NULL);
    ck_assert_int_eq(get_int(v, "qemu.major"), major);
    ck_assert_int_eq(get_int(v, "qemu.minor"), minor);
    ck_assert_int_eq(get_int(v, "qemu.micro"), micro);
    ck_assert_str_eq(get_str(v, "package"), qapic_client_package(c));
    json_object_put(v);
    /* Negotiation is done: asking again is refused, by QEMU's words. */
    qapic_error *err = run_fails(c, "qmp_capabilities", NULL);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_QMP);
    ck_assert_str_eq(err->qmp_class, "CommandNotFound");
    qapic_error_free(err);
    qapic_client_free(c);
    qc_qemu_stop(&q);
}
END_TEST

START_TEST(qmp_errors_keep_their_class)
{
    NEED_QEMU();
    qc_qemu q;
    qc_qemu_start(&q, NULL);
    qapic_client *c = connect_qemu(&q);
    qapic_error *err = run_fails(c, "no-such-command", NULL);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_QMP);
    ck_assert_str_eq(err->qmp_class, "CommandNotFound");
    ck_assert_str_eq(err->qmp_desc,
                     "The command no-such-command has not been found");
    ck_assert_str_eq(get_str(err->request, "execute"), "no-such-command");
    ck_assert_ptr_nonnull(json_object_object_get(err->reply, "error"));
    ck_assert(json_object_equal(err->id, json_object_object_get(err->reply,
                                                                "id")));
    qapic_error_free(err);
    err = run_fails(c, "migrate-incoming", "{\"uri\": \"defer\"}");
    ck_assert_str_eq(err->qmp_class, "GenericError");
    ck_assert_str_eq(err->qmp_desc,
                     "'-incoming' was not specified on the command line");
    qapic_error_free(err);
    err = run_fails(c, "migrate", "{\"uri\": 5}");
    ck_assert_str_eq(err->qmp_class, "GenericError");
    ck_assert_str_eq(err->qmp_desc,
                     "Invalid parameter type for 'uri', expected: string");
    qapic_error_free(err);
    /* Still fine afterwards. */
    run_ok(c, "query-status", NULL);
    qapic_client_free(c);
    qc_qemu_stop(&q);
}
END_TEST

START_TEST(fd_passing_with_getfd_and_add_fd)
{
    NEED_QEMU();
    qc_qemu q;
    qc_qemu_start(&q, NULL);
    qapic_client *c = connect_qemu(&q);
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    json_object_put(run_fd(c, "getfd", "{\"fdname\": \"mine\"}", sv[0]));
    /* QEMU holds it under that name: closefd works once. */
    run_ok(c, "closefd", "{\"fdname\": \"mine\"}");
    qapic_error *err = run_fails(c, "closefd", "{\"fdname\": \"mine\"}");
    ck_assert_str_eq(err->qmp_class, "GenericError");
    qapic_error_free(err);
    /* Without a descriptor, QEMU says so. */
    err = run_fails(c, "getfd", "{\"fdname\": \"none\"}");
    ck_assert_str_eq(err->qmp_desc,
                     "No file descriptor supplied via SCM_RIGHTS");
    qapic_error_free(err);
    /* add-fd puts it in an fd set, shown by query-fdsets. */
    struct json_object *r = run_fd(c, "add-fd",
                                   "{\"opaque\": \"qapic-test\"}", sv[1]);
    int64_t set = get_int(r, "fdset-id");
    json_object_put(r);
    r = run(c, "query-fdsets", NULL);
    const char *text = json_object_to_json_string(r);
    ck_assert_msg(strstr(text, "\"opaque\":\"qapic-test\"")
                  || strstr(text, "\"opaque\": \"qapic-test\""), "%s", text);
    ck_assert_int_eq(get_int(json_object_array_get_idx(r, 0), "fdset-id"),
                     set);
    json_object_put(r);
    close(sv[0]);
    close(sv[1]);
    qapic_client_free(c);
    qc_qemu_stop(&q);
}
END_TEST

typedef struct trail {
    char names[512];
} trail;

static void note(qapic_client *c, const qapic_event_msg *ev, void *opaque)
{
    (void)c;
    trail *t = opaque;
    size_t n = strlen(t->names);
    snprintf(t->names + n, sizeof t->names - n, "%s%s", n ? " " : "",
             ev->name);
}

START_TEST(events_and_quit)
{
    NEED_QEMU();
    qc_qemu q;
    qc_qemu_start(&q, NULL);
    qapic_client *c = connect_qemu(&q);
    trail t = { "" };
    qapic_client_on_event(c, NULL, note, &t, NULL);
    run_ok(c, "stop", NULL);
    qapic_error *err = NULL;
    qapic_event_msg *ev = qapic_client_next_event(c, "STOP", 5000, &err);
    ck_assert_msg(ev != NULL, "no STOP: %s", err ? err->message : "timeout");
    ck_assert_int_gt(ev->seconds, 1000000000);
    qapic_event_msg_free(ev);
    run_ok(c, "cont", NULL);
    ev = qapic_client_next_event(c, "RESUME", 5000, &err);
    ck_assert_msg(ev != NULL, "no RESUME: %s",
                  err ? err->message : "timeout");
    qapic_event_msg_free(ev);
    /* SHUTDOWN arrives before quit's reply, and is kept. */
    run_ok(c, "quit", NULL);
    ck_assert_msg(strstr(t.names, "STOP RESUME SHUTDOWN"), "%s", t.names);
    ev = qapic_client_next_event(c, "SHUTDOWN", 0, NULL);
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(get_str(ev->data, "reason"), "host-qmp-quit");
    qapic_event_msg_free(ev);
    /* QEMU exits with 0, and the client sees the end. */
    int status = qc_qemu_wait(&q, 5000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "status %d", status);
    ck_assert_ptr_null(qapic_client_next_event(c, "NEVER", 5000, &err));
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TRANSPORT);
    qapic_error_free(err);
    ck_assert(!qapic_client_connected(c));
    qapic_client_free(c);
    qc_qemu_stop(&q);
}
END_TEST

START_TEST(qemu_killed_mid_call)
{
    NEED_QEMU();
    qc_qemu q;
    qc_qemu_start(&q, NULL);
    qapic_client *c = connect_qemu(&q);
    kill(q.pid, SIGKILL);
    qc_qemu_wait(&q, 5000);
    qapic_error *err = run_fails(c, "query-status", NULL);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_TRANSPORT);
    qapic_error_free(err);
    qapic_client_free(c);
    qc_qemu_stop(&q);
}
END_TEST

/* ---- the QEMU's schema ------------------------------------------------------ */

/* supports gives qapic query's answers on the same QEMU's schema. */
START_TEST(supports_matches_qapic_query)
{
    NEED_QEMU();
    const char *qapic = getenv("QAPIC");
    if (!qapic || access(qapic, X_OK) != 0)
        QC_SKIP("no qapic program (set QAPIC)");
    char queries[4096];
    const char *corpus = getenv("CORPUS");
    snprintf(queries, sizeof queries, "%s/libvirt-schema-queries.txt",
             corpus && *corpus ? corpus : QC_DEFAULT_CORPUS);
    FILE *qf = fopen(queries, "r");
    if (!qf)
        QC_SKIP("corpus not found (configure --with-corpus=DIR)");
    qc_qemu q;
    qc_qemu_start(&q, NULL);
    qapic_client *c = connect_qemu(&q);
    qapic_error *err = NULL;
    struct json_object *schema = qapic_client_schema(c, &err);
    ck_assert_msg(schema != NULL, "%s", err ? err->message : "");
    char path[256];
    snprintf(path, sizeof path, "%s/schema.json", q.dir);
    ck_assert_int_eq(json_object_to_file_ext(path, schema,
                                             JSON_C_TO_STRING_PLAIN), 0);
    char line[1024];
    int compared = 0;
    while (fgets(line, sizeof line, qf)) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\t\n")] = '\0';
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "'%s' query '%s' '%s' >/dev/null", qapic,
                 path, line);
        int status = system(cmd);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) <= 1);
        int expected = WEXITSTATUS(status) == 0;
        ck_assert_msg(qapic_client_supports(c, line, NULL) == expected,
                      "%s: supports and qapic query differ", line);
        compared++;
    }
    fclose(qf);
    ck_assert_int_eq(compared, 51);
    /* And the check agrees with supports on what 'migrate' takes. */
    int channels = qapic_client_supports(c, "migrate/arg-type/channels",
                                         NULL);
    struct json_object *a = json_tokener_parse(
        "{\"channels\": [{\"channel-type\": \"main\", \"addr\": "
        "{\"transport\": \"socket\", \"type\": \"unix\", \"path\": "
        "\"/tmp/x\"}}]}");
    ck_assert_int_eq(qapic_client_check_call(c, "migrate", a, NULL) == 0,
                     channels == 1);
    json_object_put(a);
    qapic_client_free(c);
    qc_qemu_stop(&q);
}
END_TEST

/* ---- migration (untyped) --------------------------------------------------------- */

static void enable_events(qapic_client *c)
{
    run_ok(c, "migrate-set-capabilities", "{\"capabilities\": "
           "[{\"capability\": \"events\", \"state\": true}]}");
}

/* Waits for MIGRATION events on C up to STATUS; returns the statuses
 * seen, space-separated, in BUF. */
static const char *migration_trail(qapic_client *c, const char *status,
                                   char *buf, size_t n)
{
    buf[0] = '\0';
    for (;;) {
        qapic_error *err = NULL;
        qapic_event_msg *ev = qapic_client_next_event(c, "MIGRATION", 10000,
                                                      &err);
        ck_assert_msg(ev != NULL, "waiting for %s after '%s': %s", status,
                      buf, err ? err->message : "timeout");
        const char *s = get_str(ev->data, "status");
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s", len ? " " : "", s);
        bool done = !strcmp(s, status) || !strcmp(s, "failed");
        qapic_event_msg_free(ev);
        if (done)
            return buf;
    }
}

/* Polls query-migrate on C until the migration ends (up to 10 s); returns
 * its last status ("completed", "failed", or the one still going on). */
static const char *final_status(qapic_client *c)
{
    static char status[64];
    for (int i = 0; i < 1000; i++) {
        struct json_object *r = run(c, "query-migrate", NULL);
        snprintf(status, sizeof status, "%s",
                 get_str(r, "status") ? get_str(r, "status") : "(none)");
        json_object_put(r);
        if (!strcmp(status, "completed") || !strcmp(status, "failed"))
            break;
        usleep(10 * 1000);
    }
    return status;
}

/* A source QEMU and a destination started with -incoming defer, with
 * clients connected to both. */
typedef struct pair {
    qc_qemu src, dst;
    qapic_client *s, *d;
} pair;

static void pair_start(pair *m)
{
    const char *incoming[] = { "-incoming", "defer", NULL };
    qc_qemu_start(&m->dst, incoming);
    qc_qemu_start(&m->src, NULL);
    m->d = connect_qemu(&m->dst);
    m->s = connect_qemu(&m->src);
}

static void pair_stop(pair *m)
{
    qapic_client_free(m->d);
    qapic_client_free(m->s);
    qc_qemu_stop(&m->src);
    qc_qemu_stop(&m->dst);
}

START_TEST(migration_over_channels)
{
    NEED_QEMU();
    pair m;
    pair_start(&m);
    qapic_client *s = m.s, *d = m.d;
    if (qapic_client_supports(s, "migrate/arg-type/channels", NULL) != 1) {
        pair_stop(&m);
        QC_SKIP("this QEMU has no migrate channels (before 8.2)");
    }
    enable_events(d);
    enable_events(s);
    char chan[256], args[512];
    snprintf(chan, sizeof chan, "\"channels\": [{\"channel-type\": "
             "\"main\", \"addr\": {\"transport\": \"socket\", \"type\": "
             "\"unix\", \"path\": \"%s/mig.sock\"}}]", m.dst.dir);
    snprintf(args, sizeof args, "{%s%s}", chan,
             qapic_client_supports(d, "migrate-incoming/arg-type/"
                                   "exit-on-error", NULL) == 1
                 ? ", \"exit-on-error\": false" : "");
    run_ok(d, "migrate-incoming", args);
    /* Both uri and channels, and neither: refused.  (An empty list is
     * no list to QEMU: give a real one.) */
    snprintf(args, sizeof args, "{\"uri\": \"unix:/x\", %s}", chan);
    qapic_error *err = run_fails(s, "migrate", args);
    ck_assert_str_eq(err->qmp_class, "GenericError");
    qapic_error_free(err);
    err = run_fails(s, "migrate", "{}");
    ck_assert_str_eq(err->qmp_class, "GenericError");
    qapic_error_free(err);
    snprintf(args, sizeof args, "{%s}", chan);
    run_ok(s, "migrate", args);
    /* In order; newer QEMUs add states (10.0: "device" before the end). */
    char st[256], dt[256];
    migration_trail(s, "completed", st, sizeof st);
    migration_trail(d, "completed", dt, sizeof dt);
    for (int i = 0; i < 2; i++) {
        const char *t = i ? dt : st;
        ck_assert_msg(!strncmp(t, "setup active ", 13)
                      && strstr(t, " completed")
                      && !strcmp(strstr(t, " completed"), " completed"),
                      "%s: %s", i ? "destination" : "source", t);
    }
    struct json_object *r = run(s, "query-migrate", NULL);
    ck_assert_str_eq(get_str(r, "status"), "completed");
    json_object_put(r);
    r = run(d, "query-status", NULL);
    ck_assert_str_eq(get_str(r, "status"), "running");
    json_object_put(r);
    run_ok(s, "quit", NULL);
    run_ok(d, "quit", NULL);
    ck_assert_int_eq(qc_qemu_wait(&m.src, 5000), 0);
    ck_assert_int_eq(qc_qemu_wait(&m.dst, 5000), 0);
    pair_stop(&m);
}
END_TEST

START_TEST(migration_over_passed_fds)
{
    NEED_QEMU();
    pair m;
    pair_start(&m);
    qapic_client *s = m.s, *d = m.d;
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    json_object_put(run_fd(d, "getfd", "{\"fdname\": \"mig\"}", sv[0]));
    json_object_put(run_fd(s, "getfd", "{\"fdname\": \"mig\"}", sv[1]));
    close(sv[0]);
    close(sv[1]);
    run_ok(d, "migrate-incoming", "{\"uri\": \"fd:mig\"}");
    run_ok(s, "migrate", "{\"uri\": \"fd:mig\"}");
    /* The source may complete before the destination has loaded it all:
     * wait for both. */
    ck_assert_str_eq(final_status(s), "completed");
    ck_assert_str_eq(final_status(d), "completed");
    pair_stop(&m);
}
END_TEST

Suite *qc_suite_qemu(void)
{
    Suite *s = suite_create("qemu");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, NULL, qc_qemu_stop_all);
    tcase_add_unchecked_fixture(tc, qc_qemu_suite_setup,
                                qc_qemu_suite_teardown);
    tcase_add_test(tc, greeting_and_negotiation);
    tcase_add_test(tc, qmp_errors_keep_their_class);
    tcase_add_test(tc, fd_passing_with_getfd_and_add_fd);
    tcase_add_test(tc, events_and_quit);
    tcase_add_test(tc, qemu_killed_mid_call);
    tcase_add_test(tc, supports_matches_qapic_query);
    tcase_add_test(tc, migration_over_channels);
    tcase_add_test(tc, migration_over_passed_fds);
    suite_add_tcase(s, tc);
    return s;
}
