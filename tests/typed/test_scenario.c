/* The migration scenario of issue 11 against real QEMUs, through the
 * generated stubs and event registrations only: two QEMUs migrate over
 * `channels` (a UNIX socket) to completed, MIGRATION events typed and in
 * order on both sides; `migrate` with both `uri` and `channels`, and with
 * neither, gives a typed error; `migrate-incoming` with `exit-on-error:
 * false` on a destination fed a broken stream leaves it running, and
 * query-migrate decodes to `failed` with its error-desc; `getfd` passes a
 * socket with SCM_RIGHTS and a migration to `fd:NAME` completes;
 * query-qmp-schema decodes strictly into the typed SchemaInfo list;
 * `quit` ends both.  Skipped loudly without a QEMU binary; QEMUs never
 * survive a test (tests/unit/qemu.h).
 *
 * Every expectation that depends on the QEMU release follows the
 * connected QEMU's own schema: a QEMU without `channels` (before 8.2)
 * migrates over a `uri`, and the stubs refuse the `channels` calls
 * themselves; one without `exit-on-error` (before 9.1) skips that part;
 * event states are checked against the QEMU's MigrationStatus. */
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"
#include "qemu.h"

#define NEED_QEMU()                                                      \
    do {                                                                 \
        if (!qc_qemu_binary())                                           \
            QC_SKIP(QC_QEMU_MISSING);                                    \
    } while (0)

/* ---- helpers ----------------------------------------------------------------- */

typedef struct qemu {
    qc_qemu q;
    qapic_client *c;
    const char *name;
    char trail[512];            /* MIGRATION statuses, space-separated */
    int unknown;                /* statuses the bindings do not know */
} qemu;

static void on_migration(qapic_client *c, const qapic_event_msg *ev,
                         const qmp_q_obj_MIGRATION_arg *data, void *opaque)
{
    (void)c;
    qemu *m = opaque;
    const char *s = qmp_MigrationStatus_str(data->status);
    if (data->status == QMP_MIGRATION_STATUS__UNKNOWN) {
        /* A newer QEMU's state: kept as received. */
        s = json_object_get_string(json_object_object_get(ev->data,
                                                          "status"));
        m->unknown++;
    }
    size_t n = strlen(m->trail);
    snprintf(m->trail + n, sizeof m->trail - n, "%s%s", n ? " " : "", s);
}

static void start(qemu *m, const char *name, bool incoming)
{
    const char *defer[] = { "-incoming", "defer", NULL };
    memset(m, 0, sizeof *m);
    m->name = name;
    qc_qemu_start(&m->q, incoming ? defer : NULL);
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.call_timeout_ms = 10000;
    qapic_error *err = NULL;
    m->c = qapic_client_new(&o, &err);
    ck_assert_msg(m->c && qapic_client_connect_unix(m->c, m->q.qmp, &err) == 0,
                  "%s: %s; QEMU says: %s", name, err ? err->message : "?",
                  qc_qemu_log(&m->q));
    ck_assert_uint_gt(qmp_on_MIGRATION(m->c, on_migration, m, &err), 0);
}

static void stop(qemu *m)
{
    qapic_client_free(m->c);
    m->c = NULL;
    qc_qemu_stop(&m->q);
}

static bool supports(qemu *m, const char *query)
{
    qapic_error *err = NULL;
    int r = qapic_client_supports(m->c, query, &err);
    ck_assert_msg(r >= 0, "%s: %s", query, err ? err->message : "?");
    return r == 1;
}

/* Turns on MIGRATION events where the QEMU has the capability. */
static bool enable_events(qemu *m)
{
    if (!supports(m, "migrate-set-capabilities/arg-type/capabilities/"
                  "capability/^events"))
        return false;
    qmp_MigrationCapabilityStatus cap = {
        .capability = QMP_MIGRATION_CAPABILITY_EVENTS, .state = true,
    };
    qmp_MigrationCapabilityStatus *caps[] = { &cap };
    qmp_q_obj_migrate_set_capabilities_arg args = {
        .capabilities = { .items = caps, .n = 1 },
    };
    qapic_error *err = NULL;
    ck_assert_msg(qmp_migrate_set_capabilities(m->c, &args, &err) == 0,
                  "%s: %s", m->name, err ? err->message : "");
    return true;
}

static bool terminal(qmp_MigrationStatus s)
{
    return s == QMP_MIGRATION_STATUS_COMPLETED
        || s == QMP_MIGRATION_STATUS_FAILED
        || s == QMP_MIGRATION_STATUS_CANCELLED;
}

/* Polls query-migrate (typed) until the migration ended, up to 8 s; the
 * last MigrationInfo, which the caller frees. */
static qmp_MigrationInfo *wait_end(qemu *m)
{
    for (int i = 0;; i++) {
        qapic_error *err = NULL;
        qmp_MigrationInfo *info = qmp_query_migrate(m->c, &err);
        ck_assert_msg(info != NULL, "%s: query-migrate: %s", m->name,
                      err ? err->message : "");
        if ((info->has_status && terminal(info->status)) || i == 800)
            return info;
        qmp_MigrationInfo_free(info);
        usleep(10 * 1000);
    }
}

static void assert_completed(qemu *m)
{
    qmp_MigrationInfo *info = wait_end(m);
    ck_assert_msg(info->has_status
                  && info->status == QMP_MIGRATION_STATUS_COMPLETED,
                  "%s: migration %s: %s", m->name,
                  info->has_status ? qmp_MigrationStatus_str(info->status)
                                   : "(no status)",
                  info->has_error_desc ? info->error_desc : "");
    qmp_MigrationInfo_free(info);
}

/* Ends M with quit: QEMU exits with 0. */
static void quit(qemu *m)
{
    qapic_error *err = NULL;
    ck_assert_msg(qmp_quit(m->c, &err) == 0, "%s: quit: %s", m->name,
                  err ? err->message : "");
    int status = qc_qemu_wait(&m->q, 5000);
    ck_assert_msg(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "%s: exit status %d", m->name, status);
    stop(m);
}

/* The MIGRATION statuses seen, once the last is LAST: they start with
 * setup, end with LAST, pass through active when COMPLETED (QEMU 10.0
 * adds 'device' before the end, newer ones may add more: every state
 * must be one this QEMU's schema has). */
static void assert_trail(qemu *m, const char *last, bool completed)
{
    for (int i = 0; i < 500; i++) {
        size_t n = strlen(m->trail), k = strlen(last);
        if (n >= k && !strcmp(m->trail + n - k, last))
            break;
        qapic_error *err = NULL;
        qapic_event_msg *ev = qapic_client_next_event(m->c, "MIGRATION", 20,
                                                      &err);
        ck_assert_msg(ev || !err, "%s: %s", m->name, err->message);
        qapic_event_msg_free(ev);
    }
    const char *t = m->trail;
    size_t n = strlen(t), k = strlen(last);
    ck_assert_msg(!strncmp(t, "setup ", 6) && n > k
                  && !strcmp(t + n - k, last) && t[n - k - 1] == ' ',
                  "%s: MIGRATION events: '%s'", m->name, t);
    if (completed)
        qc_typed_contains(t, " active ");
    char copy[512], query[600];
    snprintf(copy, sizeof copy, "%s", t);
    for (char *s = strtok(copy, " "); s; s = strtok(NULL, " ")) {
        snprintf(query, sizeof query, "MIGRATION/arg-type/status/^%s", s);
        ck_assert_msg(supports(m, query), "%s: state '%s' of '%s' is not in "
                      "this QEMU's schema", m->name, s, t);
    }
}

/* migrate-incoming on D to CH: channels where D has them, else a URI;
 * exit-on-error false where D has it (then true is returned). */
static bool incoming(qemu *d, qc_channel *ch, char *uri)
{
    qmp_q_obj_migrate_incoming_arg args = { 0 };
    if (supports(d, "migrate-incoming/arg-type/channels")) {
        args.has_channels = true;
        args.channels.items = ch->list;
        args.channels.n = 1;
    } else {
        args.has_uri = true;
        args.uri = uri;
    }
    bool eoe = supports(d, "migrate-incoming/arg-type/exit-on-error");
    args.has_exit_on_error = eoe;
    args.exit_on_error = false;
    qapic_error *err = NULL;
    ck_assert_msg(qmp_migrate_incoming(d->c, &args, &err) == 0,
                  "migrate-incoming: %s", err ? err->message : "");
    return eoe;
}

/* ---- the scenario ---------------------------------------------------------------- */

/* migrate with both uri and channels, and with neither: a typed error
 * (QEMU's own when it has channels, the stubs' when it has not: then
 * nothing is sent). */
static void refused_calls(qemu *s, qc_channel *ch, char *uri)
{
    bool has = supports(s, "migrate/arg-type/channels");
    qmp_q_obj_migrate_arg both = {
        .has_uri = true, .uri = uri,
        .has_channels = true, .channels = { .items = ch->list, .n = 1 },
    };
    qmp_q_obj_migrate_arg neither = { 0 };
    const qmp_q_obj_migrate_arg *calls[] = { &both, &neither };
    for (int i = 0; i < 2; i++) {
        qapic_error *err = NULL;
        ck_assert_int_eq(qmp_migrate(s->c, calls[i], &err), -1);
        ck_assert_ptr_nonnull(err);
        if (has) {
            ck_assert_msg(err->kind == QAPIC_ERROR_QMP, "%s",
                          err->message);
            ck_assert_str_eq(err->qmp_class, "GenericError");
            ck_assert_ptr_nonnull(err->qmp_desc);
            ck_assert_ptr_nonnull(err->reply);
        } else {
            ck_assert_msg(err->kind == QAPIC_ERROR_UNSUPPORTED, "%s",
                          err->message);
        }
        qapic_error_free(err);
    }
}

START_TEST(migrate_over_channels)
{
    NEED_QEMU();
    qemu d, s;
    start(&d, "destination", true);
    start(&s, "source", false);
    bool d_events = enable_events(&d), s_events = enable_events(&s);
    char path[160], uri[180];
    snprintf(path, sizeof path, "%s/mig.sock", d.q.dir);
    snprintf(uri, sizeof uri, "unix:%s", path);
    qc_channel ch;
    qc_channel_init(&ch, path);
    incoming(&d, &ch, uri);
    refused_calls(&s, &ch, uri);
    qmp_q_obj_migrate_arg args = { 0 };
    if (supports(&s, "migrate/arg-type/channels")) {
        args.has_channels = true;
        args.channels.items = ch.list;
        args.channels.n = 1;
    } else {
        args.has_uri = true;
        args.uri = uri;
    }
    qapic_error *err = NULL;
    ck_assert_msg(qmp_migrate(s.c, &args, &err) == 0, "migrate: %s",
                  err ? err->message : "");
    /* The source may complete before the destination has loaded it all:
     * wait for both. */
    assert_completed(&s);
    assert_completed(&d);
    if (s_events)
        assert_trail(&s, "completed", true);
    if (d_events)
        assert_trail(&d, "completed", true);
    qmp_StatusInfo *st = qmp_query_status(d.c, &err);
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(st->status, QMP_RUN_STATE_RUNNING);
    qmp_StatusInfo_free(st);
    quit(&s);
    quit(&d);
}
END_TEST

/* Writes bytes that are no migration stream into the socket at PATH. */
static void feed_garbage(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    ck_assert_uint_lt(strlen(path), sizeof sa.sun_path);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    int rc = -1;
    for (int i = 0; i < 500 && rc < 0; i++) {
        rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
        if (rc < 0)
            usleep(10 * 1000);
    }
    ck_assert_msg(rc == 0, "connect to %s", path);
    static const char junk[] = "this is not a migration stream\n";
    /* QEMU may hang up after the first bytes: no SIGPIPE then. */
    for (int i = 0; i < 64; i++)
        if (send(fd, junk, sizeof junk - 1, MSG_NOSIGNAL) < 0)
            break;
    close(fd);
}

START_TEST(broken_stream_leaves_the_destination_alive)
{
    NEED_QEMU();
    qemu d;
    start(&d, "destination", true);
    if (!supports(&d, "migrate-incoming/arg-type/exit-on-error")) {
        stop(&d);
        QC_SKIP("this QEMU has no exit-on-error of migrate-incoming "
                "(before 9.1)");
    }
    bool events = enable_events(&d);
    char path[160], uri[180];
    snprintf(path, sizeof path, "%s/mig.sock", d.q.dir);
    snprintf(uri, sizeof uri, "unix:%s", path);
    qc_channel ch;
    qc_channel_init(&ch, path);
    ck_assert(incoming(&d, &ch, uri));
    feed_garbage(path);
    qmp_MigrationInfo *info = wait_end(&d);
    ck_assert_msg(info->has_status
                  && info->status == QMP_MIGRATION_STATUS_FAILED,
                  "status %s", info->has_status
                  ? qmp_MigrationStatus_str(info->status) : "(none)");
    ck_assert(info->has_error_desc);
    ck_assert_msg(strlen(info->error_desc) > 0, "empty error-desc");
    qmp_MigrationInfo_free(info);
    if (events)
        assert_trail(&d, "failed", false);
    /* Alive: the process runs and still answers. */
    ck_assert_int_eq(waitpid(d.q.pid, NULL, WNOHANG), 0);
    qapic_error *err = NULL;
    qmp_StatusInfo *st = qmp_query_status(d.c, &err);
    ck_assert_msg(st != NULL, "%s", err ? err->message : "");
    qmp_StatusInfo_free(st);
    quit(&d);
}
END_TEST

START_TEST(migrate_over_passed_fds)
{
    NEED_QEMU();
    qemu d, s;
    start(&d, "destination", true);
    start(&s, "source", false);
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    qmp_q_obj_getfd_arg name = { .fdname = "mig" };
    qapic_error *err = NULL;
    qapic_call_opts to_d = { .fds = &sv[0], .nfds = 1 };
    qapic_call_opts to_s = { .fds = &sv[1], .nfds = 1 };
    ck_assert_msg(qmp_getfd_opts(d.c, &name, &to_d, &err) == 0, "%s",
                  err ? err->message : "");
    ck_assert_msg(qmp_getfd_opts(s.c, &name, &to_s, &err) == 0, "%s",
                  err ? err->message : "");
    close(sv[0]);
    close(sv[1]);
    qmp_q_obj_migrate_incoming_arg in = { .has_uri = true, .uri = "fd:mig" };
    ck_assert_msg(qmp_migrate_incoming(d.c, &in, &err) == 0, "%s",
                  err ? err->message : "");
    qmp_q_obj_migrate_arg out = { .has_uri = true, .uri = "fd:mig" };
    ck_assert_msg(qmp_migrate(s.c, &out, &err) == 0, "%s",
                  err ? err->message : "");
    assert_completed(&s);
    assert_completed(&d);
    quit(&s);
    quit(&d);
}
END_TEST

/* Whether the connected QEMU is newer than the 10.0 schema the bindings
 * are generated from (make QMP_SCHEMA=... may give another). */
static bool newer_than_bindings(qemu *m)
{
    int major, minor;
    qapic_client_version(m->c, &major, &minor, NULL);
    return major > 10 || (major == 10 && minor > 0);
}

START_TEST(schema_decodes_strictly)
{
    NEED_QEMU();
    qemu m;
    start(&m, "qemu", false);
    qapic_error *err = NULL;
    qapic_call_opts strict = { .decode_flags = QAPIC_DECODE_STRICT };
    qmp_SchemaInfoList *l = qmp_query_qmp_schema_opts(m.c, &strict, &err);
    if (!l && newer_than_bindings(&m)) {
        /* A newer QEMU may describe itself with more than the bindings
         * know; lenient decoding must still take it all. */
        fprintf(stderr, "typed: strict decoding of a newer QEMU's schema "
                "refused: %s\n", err ? err->message : "");
        qapic_error_free(err);
        err = NULL;
        l = qmp_query_qmp_schema(m.c, &err);
    }
    ck_assert_msg(l != NULL, "%s", err ? err->message : "");
    /* The same entries as the schema the client fetched for its checks. */
    struct json_object *raw = qapic_client_schema(m.c, &err);
    ck_assert_ptr_nonnull(raw);
    ck_assert_uint_eq(l->n, json_object_array_length(raw));
    size_t commands = 0, found = 0;
    for (size_t i = 0; i < l->n; i++) {
        const qmp_SchemaInfo *e = l->items[i];
        if (e->meta_type != QMP_SCHEMA_META_TYPE_COMMAND)
            continue;
        commands++;
        if (!strcmp(e->name, "query-migrate")) {
            found++;
            ck_assert_ptr_nonnull(e->u.command.ret_type);
        }
    }
    ck_assert_int_eq(found, 1);
    ck_assert_uint_gt(commands, 100);
    /* And back to the JSON it came from. */
    struct json_object *again = qmp_SchemaInfoList_to_json(l, &err);
    ck_assert_msg(again && qapic_json_equal(again, raw), "%s",
                  err ? err->message : "round trip differs");
    json_object_put(again);
    qmp_SchemaInfoList_free(l);
    quit(&m);
}
END_TEST

Suite *qc_suite_scenario(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, NULL, qc_qemu_stop_all);
    tcase_add_unchecked_fixture(tc, qc_qemu_suite_setup,
                                qc_qemu_suite_teardown);
    tcase_add_test(tc, migrate_over_channels);
    tcase_add_test(tc, broken_stream_leaves_the_destination_alive);
    tcase_add_test(tc, migrate_over_passed_fds);
    tcase_add_test(tc, schema_decodes_strictly);
    suite_add_tcase(s, tc);
    return s;
}
