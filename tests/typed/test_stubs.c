/* The generated stubs and event registrations against the in-process test
 * peer (a mock, and justified: it serves the schemas of QEMUs we cannot
 * run here, 7.2's from its capability dump, and replies, events and
 * timing no real QEMU can be made to give on demand).  Typed returns,
 * lenient and strict; asynchronous stubs; per-call options (timeout, fds,
 * out-of-band); the deprecated/unstable policy after the bindings and
 * after the connected QEMU's schema; the check that refuses what the
 * connected QEMU lacks, nothing sent; typed events in order. */
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

#define DUMP_10_0 "replies/caps_10.0.0_x86_64.replies"
#define DUMP_7_2 "replies/caps_7.2.0_x86_64.replies"

/* The query-qmp-schema of corpus dump DUMP (a new reference), or NULL when
 * the corpus is not there. */
static struct json_object *dump_schema(const char *dump)
{
    char path[4096];
    if (!qc_typed_corpus_file(path, sizeof path, dump))
        return NULL;
    qapic_error *err = NULL;
    struct json_object *s = qapic_testpeer_dump_return(path,
                                                       "query-qmp-schema",
                                                       &err);
    ck_assert_msg(s != NULL, "%s", err ? err->message : "?");
    return s;
}

#define NEED(schema)                                                        \
    do {                                                                    \
        if (!(schema))                                                      \
            QC_SKIP("corpus not found (configure --with-corpus=DIR)");      \
    } while (0)

/* A peer greeting as MAJOR.MINOR.MICRO, negotiating, serving SCHEMA. */
static qapic_testpeer *peer(struct json_object *schema, int major,
                            int minor, int micro)
{
    qapic_testpeer *p = qapic_testpeer_new();
    ck_assert_ptr_nonnull(p);
    qapic_testpeer_greeting_version(p, major, minor, micro);
    qapic_testpeer_exchange(p, "{\"execute\": \"qmp_capabilities\"}",
                            "{\"return\": {}}");
    qapic_testpeer_set_schema(p, schema);
    return p;
}

static qapic_client_options options(qc_warnings *w)
{
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.call_timeout_ms = 5000;
    o.warn = qc_typed_on_warn;
    o.warn_opaque = w;
    return o;
}

static qapic_client *start(qapic_testpeer *p, const qapic_client_options *o)
{
    qapic_error *err = NULL;
    qapic_client *c = qapic_testpeer_connect(p, o, &err);
    ck_assert_msg(c != NULL, "connect: %s", err ? err->message : "?");
    return c;
}

static void finish(qapic_client *c, qapic_testpeer *p,
                   struct json_object *schema)
{
    qapic_client_free(c);
    const char *f = qapic_testpeer_finish(p);
    ck_assert_msg(!f, "test peer: %s", f);
    qapic_testpeer_free(p);
    json_object_put(schema);
}

/* ---- typed returns --------------------------------------------------------- */

#define MIGRATE_REPLY "{\"return\": {\"status\": \"completed\", " \
    "\"total-time\": 12, \"ram\": {\"transferred\": 1089, \"remaining\": 0, " \
    "\"total\": 0, \"duplicate\": 0, \"normal\": 0, \"normal-bytes\": 0, " \
    "\"dirty-pages-rate\": 0, \"mbps\": 2.5, \"dirty-sync-count\": 2, " \
    "\"postcopy-requests\": 0, \"page-size\": 4096, \"multifd-bytes\": 0, " \
    "\"pages-per-second\": 0, \"precopy-bytes\": 1089, " \
    "\"downtime-bytes\": 0, \"postcopy-bytes\": 0, " \
    "\"dirty-sync-missed-zero-copy\": 0, \"from-the-future\": 1}}}"

START_TEST(typed_return_lenient_and_strict)
{
    struct json_object *schema = dump_schema(DUMP_10_0);
    NEED(schema);
    qapic_testpeer *p = peer(schema, 10, 0, 0);
    qapic_testpeer_exchange(p, "{\"execute\": \"query-migrate\"}",
                            MIGRATE_REPLY);
    qapic_testpeer_exchange(p, "{\"execute\": \"query-migrate\"}",
                            MIGRATE_REPLY);
    qapic_testpeer_exchange(p, "{\"execute\": \"query-status\"}",
                            "{\"return\": {\"status\": \"brand-new\", "
                            "\"running\": true}}");
    qapic_client *c = start(p, NULL);
    qapic_error *err = NULL;
    qmp_MigrationInfo *info = qmp_query_migrate(c, &err);
    ck_assert_msg(info != NULL, "%s", err ? err->message : "");
    ck_assert(info->has_status);
    ck_assert_int_eq(info->status, QMP_MIGRATION_STATUS_COMPLETED);
    ck_assert(info->has_total_time && info->total_time == 12);
    ck_assert(info->has_ram && info->ram->transferred == 1089);
    ck_assert(info->ram->mbps == 2.5);
    /* What a newer QEMU added is kept, not refused. */
    ck_assert_ptr_nonnull(info->ram->_extra);
    struct json_object *back = qmp_MigrationInfo_to_json(info, NULL);
    qc_typed_contains(json_object_to_json_string(back), "from-the-future");
    json_object_put(back);
    qmp_MigrationInfo_free(info);
    /* Strict decoding, asked for per call, refuses it and names it. */
    qapic_call_opts strict = { .decode_flags = QAPIC_DECODE_STRICT };
    ck_assert_ptr_null(qmp_query_migrate_opts(c, &strict, &err));
    ck_assert_int_eq(err->kind, QAPIC_ERROR_DECODE);
    ck_assert_str_eq(err->path, "return.ram.from-the-future");
    qapic_error_free(err);
    err = NULL;
    /* An unknown enum value decodes to __UNKNOWN. */
    qmp_StatusInfo *st = qmp_query_status(c, &err);
    ck_assert_msg(st != NULL, "%s", err ? err->message : "");
    ck_assert_int_eq(st->status, QMP_RUN_STATE__UNKNOWN);
    ck_assert(st->running);
    qmp_StatusInfo_free(st);
    finish(c, p, schema);
}
END_TEST

typedef struct done_box {
    int calls;
    const qapic_command *cmd;
    qmp_StatusInfo *status;
    qapic_error *err;
} done_box;

static void status_done(qapic_client *c, const qapic_command *cmd, void *ret,
                        qapic_error *err, void *opaque)
{
    (void)c;
    done_box *d = opaque;
    d->calls++;
    d->cmd = cmd;
    d->status = ret;
    d->err = err;
}

START_TEST(async_stub)
{
    struct json_object *schema = dump_schema(DUMP_10_0);
    NEED(schema);
    qapic_testpeer *p = peer(schema, 10, 0, 0);
    int first = qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    int second = qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    /* Answered in the other order: matched by id. */
    qapic_testpeer_reply_to(p, second, "{\"return\": {\"status\": "
                            "\"paused\", \"running\": false}}");
    qapic_testpeer_reply_to(p, first, "{\"error\": {\"class\": "
                            "\"GenericError\", \"desc\": \"not now\"}}");
    qapic_client *c = start(p, NULL);
    qapic_client_schema(c, NULL);
    done_box a = { 0 }, b = { 0 };
    qapic_error *err = NULL;
    ck_assert_uint_gt(qmp_query_status_async(c, status_done, &a, &err), 0);
    ck_assert_uint_gt(qmp_query_status_async(c, status_done, &b, &err), 0);
    while (!a.calls || !b.calls) {
        struct pollfd pfd = { .fd = qapic_client_fd(c), .events = POLLIN };
        ck_assert_int_ge(poll(&pfd, 1, 5000), 1);
        ck_assert_int_eq(qapic_client_process(c, NULL), 0);
    }
    ck_assert_ptr_eq(b.cmd, &qmp_CMD_query_status);
    ck_assert_ptr_nonnull(b.status);
    ck_assert_int_eq(b.status->status, QMP_RUN_STATE_PAUSED);
    qmp_StatusInfo_free(b.status);
    ck_assert_ptr_null(a.status);
    ck_assert_str_eq(a.err->qmp_class, "GenericError");
    qc_typed_error_is(a.err, QAPIC_ERROR_QMP, "GenericError: not now");
    finish(c, p, schema);
}
END_TEST

/* ---- per-call options -------------------------------------------------------- */

START_TEST(per_call_timeout_and_oob)
{
    struct json_object *schema = dump_schema(DUMP_10_0);
    NEED(schema);
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_greeting(p, NULL);
    qapic_testpeer_exchange(p, "{\"execute\": \"qmp_capabilities\", "
                            "\"arguments\": {\"enable\": [\"oob\"]}}",
                            "{\"return\": {}}");
    qapic_testpeer_set_schema(p, schema);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    qapic_testpeer_exchange(p, "{\"exec-oob\": \"migrate-pause\"}",
                            "{\"return\": {}}");
    qapic_client_options o = options(&(qc_warnings){ 0 });
    o.want_oob = true;
    o.warn = NULL;
    qapic_client *c = start(p, &o);
    qapic_error *err = NULL;
    /* The peer never answers query-status: 100 ms, not the 5 s default. */
    qapic_call_opts quick = { .timeout_ms = 100 };
    ck_assert_ptr_null(qmp_query_status_opts(c, &quick, &err));
    qc_typed_error_is(err, QAPIC_ERROR_TIMEOUT, NULL);
    err = NULL;
    qapic_call_opts oob = { .oob = true };
    ck_assert_int_eq(qmp_migrate_pause_opts(c, &oob, &err), 0);
    /* Out of band only where the schema allows it. */
    ck_assert_int_eq(qmp_stop_opts(c, &oob, &err), -1);
    qc_typed_error_is(err, QAPIC_ERROR_INVALID, "'stop' cannot be sent out "
                      "of band: the schema does not allow it");
    finish(c, p, schema);
}
END_TEST

START_TEST(fds_with_getfd)
{
    struct json_object *schema = dump_schema(DUMP_10_0);
    NEED(schema);
    qapic_testpeer *p = peer(schema, 10, 0, 0);
    qapic_testpeer_expect_fds(p, "{\"execute\": \"getfd\", \"arguments\": "
                              "{\"fdname\": \"mig\"}}", 1);
    qapic_testpeer_reply(p, "{\"return\": {}}");
    qapic_client *c = start(p, NULL);
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    qmp_q_obj_getfd_arg args = { .fdname = "mig" };
    qapic_call_opts o = { .fds = &sv[0], .nfds = 1 };
    qapic_error *err = NULL;
    ck_assert_msg(qmp_getfd_opts(c, &args, &o, &err) == 0, "%s",
                  err ? err->message : "");
    const char *f = qapic_testpeer_finish(p);
    ck_assert_msg(!f, "%s", f);
    /* The peer holds the very socket: what it writes, we read. */
    int got = qapic_testpeer_received_fd(p, 0);
    ck_assert_int_ge(got, 0);
    ck_assert_int_eq(write(got, "ok", 2), 2);
    char buf[2];
    ck_assert_int_eq(read(sv[1], buf, 2), 2);
    ck_assert(!memcmp(buf, "ok", 2));
    close(sv[0]);
    close(sv[1]);
    qapic_client_free(c);
    qapic_testpeer_free(p);
    json_object_put(schema);
}
END_TEST

/* ---- the deprecated/unstable policy ---------------------------------------------- */

static const qapic_policy policies[] = {
    QAPIC_POLICY_ALLOW, QAPIC_POLICY_WARN, QAPIC_POLICY_REJECT,
};

/* Uses of deprecated things: a command, an enum value in the arguments;
 * for each policy (the loop index). */
START_TEST(policy_deprecated)
{
    qapic_policy pl = policies[_i];
    struct json_object *schema = dump_schema(DUMP_10_0);
    NEED(schema);
    qapic_testpeer *p = peer(schema, 10, 0, 0);
    if (pl != QAPIC_POLICY_REJECT) {
        qapic_testpeer_exchange(p, "{\"execute\": \"query-migrationthreads\"}",
                                "{\"return\": [{\"name\": \"mig\", "
                                "\"thread-id\": 7}]}");
        qapic_testpeer_exchange(p, "{\"execute\": \"migrate-set-capabilities\","
                                " \"arguments\": {\"capabilities\": "
                                "[{\"capability\": \"zero-blocks\", "
                                "\"state\": false}]}}", "{\"return\": {}}");
    }
    qapic_testpeer_expect_close(p);
    qc_warnings w = { 0 };
    qapic_client_options o = options(&w);
    o.deprecated = pl;
    qapic_client *c = start(p, &o);
    qapic_error *err = NULL;
    qmp_MigrationThreadInfoList *threads = qmp_query_migrationthreads(c,
                                                                      &err);
    qmp_MigrationCapabilityStatus cap = {
        .capability = QMP_MIGRATION_CAPABILITY_ZERO_BLOCKS,
    };
    qmp_MigrationCapabilityStatus *caps[] = { &cap };
    qmp_q_obj_migrate_set_capabilities_arg args = {
        .capabilities = { .items = caps, .n = 1 },
    };
    if (pl == QAPIC_POLICY_REJECT) {
        ck_assert_ptr_null(threads);
        qc_typed_error_is(err, QAPIC_ERROR_POLICY, "command "
                          "'query-migrationthreads' is deprecated, and the "
                          "policy rejects deprecated use");
        err = NULL;
        ck_assert_int_eq(qmp_migrate_set_capabilities(c, &args, &err), -1);
        qc_typed_error_is(err, QAPIC_ERROR_POLICY, "value 'zero-blocks' of "
                          "argument 'capabilities[0].capability' of "
                          "'migrate-set-capabilities' is deprecated, and the "
                          "policy rejects deprecated use");
    } else {
        ck_assert_msg(threads != NULL, "%s", err ? err->message : "");
        ck_assert_uint_eq(threads->n, 1);
        ck_assert_str_eq(threads->items[0]->name, "mig");
        qmp_MigrationThreadInfoList_free(threads);
        ck_assert_int_eq(qmp_migrate_set_capabilities(c, &args, &err), 0);
    }
    if (pl == QAPIC_POLICY_WARN) {
        /* Once each, though both the bindings and the QEMU say so. */
        ck_assert_str_eq(w.all, "command 'query-migrationthreads' is "
                         "deprecated\nvalue 'zero-blocks' of argument "
                         "'capabilities[0].capability' of "
                         "'migrate-set-capabilities' is deprecated\n");
    } else {
        ck_assert_int_eq(w.n, 0);
    }
    finish(c, p, schema);
}
END_TEST

/* Unstable uses (a command, a member, an enum value) under a policy that
 * warns about unstable ones and rejects deprecated ones: each its own. */
START_TEST(policy_unstable)
{
    struct json_object *schema = dump_schema(DUMP_10_0);
    NEED(schema);
    qapic_testpeer *p = peer(schema, 10, 0, 0);
    qapic_testpeer_exchange(p, "{\"execute\": \"x-query-jit\"}",
                            "{\"return\": {\"human-readable-text\": \"j\"}}");
    qapic_testpeer_exchange(p, "{\"execute\": \"migrate-set-parameters\", "
                            "\"arguments\": {\"x-checkpoint-delay\": 20, "
                            "\"downtime-limit\": 300}}", "{\"return\": {}}");
    qapic_testpeer_expect_close(p);
    qc_warnings w = { 0 };
    qapic_client_options o = options(&w);
    o.deprecated = QAPIC_POLICY_REJECT;
    o.unstable = QAPIC_POLICY_WARN;
    qapic_client *c = start(p, &o);
    qapic_error *err = NULL;
    qmp_HumanReadableText *t = qmp_x_query_jit(c, &err);
    ck_assert_msg(t != NULL, "%s", err ? err->message : "");
    ck_assert_str_eq(t->human_readable_text, "j");
    qmp_HumanReadableText_free(t);
    qmp_MigrateSetParameters params = {
        .has_x_checkpoint_delay = true, .x_checkpoint_delay = 20,
        .has_downtime_limit = true, .downtime_limit = 300,
    };
    ck_assert_int_eq(qmp_migrate_set_parameters(c, &params, &err), 0);
    /* Now reject unstable use too: an unstable enum value is refused. */
    qapic_client_free(c);
    c = NULL;
    const char *f = qapic_testpeer_finish(p);
    ck_assert_msg(!f, "%s", f);
    ck_assert_str_eq(w.all, "command 'x-query-jit' is unstable\nargument "
                     "'x-checkpoint-delay' of 'migrate-set-parameters' is "
                     "unstable\n");
    qapic_testpeer_free(p);

    p = peer(schema, 10, 0, 0);
    qapic_testpeer_expect_close(p);
    o.unstable = QAPIC_POLICY_REJECT;
    c = start(p, &o);
    qmp_MigrationCapabilityStatus cap = {
        .capability = QMP_MIGRATION_CAPABILITY_X_IGNORE_SHARED, .state = true,
    };
    qmp_MigrationCapabilityStatus *caps[] = { &cap };
    qmp_q_obj_migrate_set_capabilities_arg args = {
        .capabilities = { .items = caps, .n = 1 },
    };
    ck_assert_int_eq(qmp_migrate_set_capabilities(c, &args, &err), -1);
    qc_typed_error_is(err, QAPIC_ERROR_POLICY, "value 'x-ignore-shared' of "
                      "argument 'capabilities[0].capability' of "
                      "'migrate-set-capabilities' is unstable, and the "
                      "policy rejects unstable use");
    finish(c, p, schema);
}
END_TEST

/* Marks entry NAME of SCHEMA with FEATURE, as a newer QEMU could. */
static void add_feature(struct json_object *schema, const char *name,
                        const char *feature)
{
    for (size_t i = 0; i < json_object_array_length(schema); i++) {
        struct json_object *e = json_object_array_get_idx(schema, i);
        struct json_object *n = json_object_object_get(e, "name");
        if (!n || strcmp(json_object_get_string(n), name))
            continue;
        struct json_object *fs = json_object_new_array();
        json_object_array_add(fs, json_object_new_string(feature));
        json_object_object_add(e, "features", fs);
        return;
    }
    ck_abort_msg("no entry %s", name);
}

/* The connected QEMU's schema counts: what only it calls deprecated (a
 * release newer than the bindings) is refused too. */
START_TEST(policy_follows_the_connected_qemu)
{
    struct json_object *schema = dump_schema(DUMP_10_0);
    NEED(schema);
    add_feature(schema, "query-status", "deprecated");
    qapic_testpeer *p = peer(schema, 11, 0, 0);
    qapic_testpeer_expect_close(p);
    qapic_client_options o = options(&(qc_warnings){ 0 });
    o.deprecated = QAPIC_POLICY_REJECT;
    qapic_client *c = start(p, &o);
    qapic_error *err = NULL;
    ck_assert_ptr_null(qmp_query_status(c, &err));
    qc_typed_error_is(err, QAPIC_ERROR_POLICY, "command 'query-status' is "
                      "deprecated, and the policy rejects deprecated use");
    finish(c, p, schema);
}
END_TEST

/* ---- the schema check, through the stubs --------------------------------------------- */

#define MIG_PATH "/tmp/qapic-typed-mig.sock"

/* A QEMU 7.2 (its schema from its capability dump): the stubs refuse to
 * send what it lacks, and send nothing; what it has goes through. */
START_TEST(refuses_what_the_qemu_lacks)
{
    struct json_object *schema = dump_schema(DUMP_7_2);
    NEED(schema);
    qapic_testpeer *p = peer(schema, 7, 2, 22);
    qapic_testpeer_exchange(p, "{\"execute\": \"migrate\", \"arguments\": "
                            "{\"uri\": \"unix:" MIG_PATH "\"}}",
                            "{\"return\": {}}");
    qapic_testpeer_expect_close(p);
    qapic_client *c = start(p, NULL);
    ck_assert_int_eq(qapic_client_supports(c, "migrate/arg-type/channels",
                                           NULL), 0);
    qc_channel ch;
    qc_channel_init(&ch, MIG_PATH);
    qmp_q_obj_migrate_arg args = {
        .has_channels = true, .channels = { .items = ch.list, .n = 1 },
    };
    qapic_error *err = NULL;
    ck_assert_int_eq(qmp_migrate(c, &args, &err), -1);
    ck_assert_str_eq(err->path, "arguments.channels");
    qc_typed_error_is(err, QAPIC_ERROR_UNSUPPORTED, "this QEMU (7.2.22) has "
                      "no argument 'channels' of 'migrate'");
    err = NULL;
    /* Neither uri nor channels: 7.2 requires the uri. */
    qmp_q_obj_migrate_arg none = { 0 };
    ck_assert_int_eq(qmp_migrate(c, &none, &err), -1);
    qc_typed_error_is(err, QAPIC_ERROR_UNSUPPORTED, "this QEMU (7.2.22) "
                      "requires argument 'uri' of 'migrate'");
    err = NULL;
    qmp_q_obj_migrate_incoming_arg in = {
        .has_uri = true, .uri = "defer",
        .has_exit_on_error = true, .exit_on_error = false,
    };
    ck_assert_int_eq(qmp_migrate_incoming(c, &in, &err), -1);
    qc_typed_error_is(err, QAPIC_ERROR_UNSUPPORTED, "this QEMU (7.2.22) has "
                      "no argument 'exit-on-error' of 'migrate-incoming'");
    err = NULL;
    ck_assert_ptr_null(qmp_query_audiodevs(c, &err));
    qc_typed_error_is(err, QAPIC_ERROR_UNSUPPORTED, "this QEMU (7.2.22) has "
                      "no command 'query-audiodevs'");
    err = NULL;
    /* Asynchronous stubs check the same way, before sending. */
    ck_assert_uint_eq(qmp_migrate_async(c, &args, NULL, NULL, &err), 0);
    qc_typed_error_is(err, QAPIC_ERROR_UNSUPPORTED, NULL);
    err = NULL;
    qmp_q_obj_migrate_arg uri = { .has_uri = true, .uri = "unix:" MIG_PATH };
    ck_assert_msg(qmp_migrate(c, &uri, &err) == 0, "%s",
                  err ? err->message : "");
    finish(c, p, schema);
}
END_TEST

/* device_add's arguments are not all described ('gen': false): the device
 * properties go in _extra and pass the check; what the schema describes is
 * still checked. */
START_TEST(open_arguments_of_device_add)
{
    struct json_object *schema = dump_schema(DUMP_10_0);
    NEED(schema);
    qapic_testpeer *p = peer(schema, 10, 0, 0);
    qapic_testpeer_exchange(p, "{\"execute\": \"device_add\", \"arguments\": "
                            "{\"driver\": \"virtio-net-pci\", \"id\": \"n1\", "
                            "\"mac\": \"52:54:00:12:34:56\"}}",
                            "{\"return\": {}}");
    qapic_testpeer_expect_close(p);
    qapic_client *c = start(p, NULL);
    ck_assert(qmp_CMD_device_add.flags & QAPIC_COMMAND_GEN_FALSE);
    qmp_q_obj_device_add_arg args = {
        .driver = "virtio-net-pci", .has_id = true, .id = "n1",
        ._extra = json_object_new_object(),
    };
    json_object_object_add(args._extra, "mac",
                           json_object_new_string("52:54:00:12:34:56"));
    qapic_error *err = NULL;
    ck_assert_msg(qmp_device_add(c, &args, &err) == 0, "%s",
                  err ? err->message : "");
    /* A command whose arguments are all described refuses the same. */
    qmp_q_obj_migrate_arg m = {
        .has_uri = true, .uri = "unix:" MIG_PATH, ._extra = args._extra,
    };
    ck_assert_int_eq(qmp_migrate(c, &m, &err), -1);
    qc_typed_error_is(err, QAPIC_ERROR_UNSUPPORTED, "this QEMU (10.0.0) has "
                      "no argument 'mac' of 'migrate'");
    json_object_put(args._extra);
    finish(c, p, schema);
}
END_TEST

/* ---- typed events --------------------------------------------------------------- */

typedef struct trail {
    char statuses[256];
    int unknown_raw;            /* unknown statuses seen through ev->data */
    char generic[256];
} trail;

static void on_migration(qapic_client *c, const qapic_event_msg *ev,
                         const qmp_q_obj_MIGRATION_arg *data, void *opaque)
{
    (void)c;
    trail *t = opaque;
    size_t n = strlen(t->statuses);
    const char *s = qmp_MigrationStatus_str(data->status);
    if (data->status == QMP_MIGRATION_STATUS__UNKNOWN) {
        s = "?";
        t->unknown_raw += !strcmp(json_object_get_string(
            json_object_object_get(ev->data, "status")), "brand-new");
    }
    snprintf(t->statuses + n, sizeof t->statuses - n, "%s%s", n ? " " : "",
             s);
}

static void on_any(qapic_client *c, const qapic_event_msg *ev, void *opaque)
{
    (void)c;
    trail *t = opaque;
    size_t n = strlen(t->generic);
    snprintf(t->generic + n, sizeof t->generic - n, "%s%s", n ? " " : "",
             ev->name);
}

START_TEST(typed_events_in_order)
{
    struct json_object *schema = dump_schema(DUMP_10_0);
    NEED(schema);
    qapic_testpeer *p = peer(schema, 10, 0, 0);
    qapic_testpeer_expect(p, "{\"execute\": \"query-status\"}");
    qapic_testpeer_event(p, "MIGRATION", "{\"status\": \"setup\"}");
    qapic_testpeer_event(p, "FROM_THE_FUTURE", "{\"x\": 1}");
    qapic_testpeer_event(p, "MIGRATION", "{\"status\": \"active\"}");
    qapic_testpeer_event(p, "MIGRATION", "{\"status\": 5}");
    qapic_testpeer_event(p, "MIGRATION", "{\"status\": \"brand-new\"}");
    qapic_testpeer_event(p, "MIGRATION", "{\"status\": \"completed\"}");
    qapic_testpeer_reply(p, "{\"return\": {\"status\": \"running\", "
                         "\"running\": true}}");
    qc_warnings w = { 0 };
    qapic_client_options o = options(&w);
    qapic_client *c = start(p, &o);
    trail t = { "", 0, "" };
    qapic_error *err = NULL;
    ck_assert_uint_gt(qapic_client_on_event(c, NULL, on_any, &t, &err), 0);
    uint64_t h = qmp_on_MIGRATION(c, on_migration, &t, &err);
    ck_assert_uint_gt(h, 0);
    /* The events come before the reply and are dispatched meanwhile. */
    qmp_StatusInfo *st = qmp_query_status(c, &err);
    ck_assert_ptr_nonnull(st);
    qmp_StatusInfo_free(st);
    ck_assert_str_eq(t.statuses, "setup active ? completed");
    ck_assert_int_eq(t.unknown_raw, 1);
    /* Every event reached the generic listener, the unknown one too. */
    ck_assert_str_eq(t.generic, "MIGRATION FROM_THE_FUTURE MIGRATION "
                     "MIGRATION MIGRATION MIGRATION");
    /* The one that does not decode is reported, not delivered. */
    ck_assert_int_eq(w.n, 1);
    qc_typed_contains(w.all, "event MIGRATION: its data does not decode: "
                      "data.status: ");
    qapic_client_remove_listener(c, h);
    finish(c, p, schema);
}
END_TEST

/* ---- commands without a success response ------------------------------------------ */

/* QEMU's schema has none (the guest agent's has: guest-shutdown), so the
 * descriptor is written here. */
static const qapic_command no_response = {
    .name = "guest-shutdown",
    .flags = QAPIC_COMMAND_NO_SUCCESS_RESPONSE,
};

START_TEST(no_success_response_async)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"guest-shutdown\"}");
    qapic_testpeer_expect_close(p);
    qapic_client_options o = options(&(qc_warnings){ 0 });
    o.check_schema = false;
    o.warn = NULL;
    qapic_client *c = start(p, &o);
    done_box d = { 0 };
    qapic_error *err = NULL;
    ck_assert_uint_gt(qapic_client_call_async_opts(c, &no_response, NULL,
                                                   NULL, status_done, &d,
                                                   &err), 0);
    /* Written at once: due now, and done in the next processing. */
    ck_assert_int_eq(qapic_client_next_timeout(c), 0);
    ck_assert_int_eq(qapic_client_process(c, NULL), 0);
    ck_assert_int_eq(d.calls, 1);
    ck_assert_ptr_null(d.err);
    ck_assert_ptr_null(d.status);
    ck_assert_int_eq(qapic_client_next_timeout(c), -1);
    qapic_client_free(c);
    const char *f = qapic_testpeer_finish(p);
    ck_assert_msg(!f, "%s", f);
    qapic_testpeer_free(p);
}
END_TEST

Suite *qc_suite_stubs(void)
{
    Suite *s = suite_create("stubs");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, typed_return_lenient_and_strict);
    tcase_add_test(tc, async_stub);
    tcase_add_test(tc, per_call_timeout_and_oob);
    tcase_add_test(tc, fds_with_getfd);
    tcase_add_loop_test(tc, policy_deprecated, 0, 3);
    tcase_add_test(tc, policy_unstable);
    tcase_add_test(tc, policy_follows_the_connected_qemu);
    tcase_add_test(tc, refuses_what_the_qemu_lacks);
    tcase_add_test(tc, open_arguments_of_device_add);
    tcase_add_test(tc, typed_events_in_order);
    tcase_add_test(tc, no_success_response_async);
    suite_add_tcase(s, tc);
    return s;
}
