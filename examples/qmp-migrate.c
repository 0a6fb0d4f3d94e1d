/* qmp-migrate: migrates a running QEMU into another one, over QMP.
 *
 *   qmp-migrate [--address unix:PATH|tcp:HOST:PORT] [--timeout SECONDS]
 *               [--quiet] SOURCE-QMP-SOCKET DESTINATION-QMP-SOCKET
 *
 * The destination must have been started with `-incoming defer`.  The
 * tool asks each QEMU what it supports (qapic_client_supports() on its own
 * query-qmp-schema): it sends `channels` to a QEMU that has them (8.2 and
 * later) and a `uri` otherwise, `exit-on-error: false` to a destination
 * that takes it (9.1 and later: a failed migration leaves it running), and
 * turns the `events` migration capability on where there is one, so that
 * progress is reported from MIGRATION events as they come (otherwise it
 * polls query-migrate).  Exit status 0 once both sides report
 * `completed`; 1 when the migration failed, was cancelled or timed out;
 * 2 for a usage error or a QEMU that could not be reached or refused.
 *
 * Written only against the bindings `qapic gen c` makes of QEMU's schema
 * (qmp.h) and libqapic-runtime: both QEMUs are driven from one poll()
 * loop through the runtime's event-loop interface. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "qmp.h"

#define PROGRAM "qmp-migrate"
#define POLL_MS 100

static bool quiet;
static struct timespec started;

static double elapsed(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - started.tv_sec)
        + (double)(now.tv_nsec - started.tv_nsec) / 1e9;
}

/* Progress, on stdout, with the time since the start. */
static void say(const char *fmt, ...)
{
    if (quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("[%7.3f s] ", elapsed());
    vprintf(fmt, ap);
    putchar('\n');
    fflush(stdout);
    va_end(ap);
}

static void warn_cb(void *opaque, const char *message)
{
    fprintf(stderr, PROGRAM ": %s: warning: %s\n", (const char *)opaque,
            message);
}

/* ---- the two sides --------------------------------------------------------------- */

typedef struct side {
    const char *name;           /* "source", "destination" */
    const char *socket;
    qapic_client *c;
    bool channels;              /* the QEMU takes migrate 'channels' */
    bool events;                /* ... and the 'events' capability */
    bool ended;                 /* a MIGRATION event ended the migration */
    bool done;                  /* query-migrate confirmed the end */
    qmp_MigrationStatus status; /* as last confirmed */
    char *error_desc;           /* of a failed migration */
} side;

/* The name of status S of event data D ("wait-unplug"), also when these
 * bindings do not know it (it stays in D's unknown members). */
static const char *status_name(qmp_MigrationStatus s, struct json_object *d)
{
    struct json_object *v = NULL;
    if (s != QMP_MIGRATION_STATUS__UNKNOWN)
        return qmp_MigrationStatus_str(s);
    if (d && json_object_object_get_ex(d, "status", &v))
        return json_object_get_string(v);
    return "(unknown)";
}

static bool terminal(qmp_MigrationStatus s)
{
    return s == QMP_MIGRATION_STATUS_COMPLETED
        || s == QMP_MIGRATION_STATUS_FAILED
        || s == QMP_MIGRATION_STATUS_CANCELLED;
}

static void on_migration(qapic_client *c, const qapic_event_msg *ev,
                         const qmp_q_obj_MIGRATION_arg *data, void *opaque)
{
    (void)c;
    side *s = opaque;
    say("%s: %s", s->name, status_name(data->status, ev->data));
    if (terminal(data->status))
        s->ended = true;
}

static void on_pass(qapic_client *c, const qapic_event_msg *ev,
                    const qmp_q_obj_MIGRATION_PASS_arg *data, void *opaque)
{
    (void)c;
    (void)ev;
    say("%s: pass %lld", ((side *)opaque)->name, (long long)data->pass);
}

static int fail_with(const side *s, const char *what, qapic_error *err)
{
    fprintf(stderr, PROGRAM ": %s (%s): %s: %s\n", s->name, s->socket, what,
            err ? err->message : "failed");
    qapic_error_free(err);
    return -1;
}

/* 1 when the QEMU of S supports QUERY, 0 when not; an error ends. */
static int supports(side *s, const char *query, bool *answer)
{
    qapic_error *err = NULL;
    int r = qapic_client_supports(s->c, query, &err);
    if (r < 0)
        return fail_with(s, "reading its schema", err);
    *answer = r == 1;
    return 0;
}

static int connect_side(side *s)
{
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.call_timeout_ms = 30000;
    o.warn = warn_cb;
    o.warn_opaque = (void *)s->name;
    qapic_error *err = NULL;
    s->c = qapic_client_new(&o, &err);
    if (!s->c || qapic_client_connect_unix(s->c, s->socket, &err) < 0)
        return fail_with(s, "connecting", err);
    int major, minor, micro;
    qapic_client_version(s->c, &major, &minor, &micro);
    if (supports(s, "migrate/arg-type/channels", &s->channels) < 0
        || supports(s, "migrate-set-capabilities/arg-type/capabilities/"
                    "capability/^events", &s->events) < 0)
        return -1;
    /* Typed handlers, registered before anything can emit them. */
    if (qmp_on_MIGRATION(s->c, on_migration, s, &err) == 0
        || qmp_on_MIGRATION_PASS(s->c, on_pass, s, &err) == 0)
        return fail_with(s, "listening to events", err);
    say("%s: QEMU %d.%d.%d at %s; migration with %s, %s", s->name, major,
        minor, micro, s->socket, s->channels ? "channels" : "a URI",
        s->events ? "events" : "polling");
    return 0;
}

static int enable_events(side *s)
{
    if (!s->events)
        return 0;
    qmp_MigrationCapabilityStatus cap = {
        .capability = QMP_MIGRATION_CAPABILITY_EVENTS, .state = true,
    };
    qmp_MigrationCapabilityStatus *caps[] = { &cap };
    qmp_q_obj_migrate_set_capabilities_arg args = {
        .capabilities = { .items = caps, .n = 1 },
    };
    qapic_error *err = NULL;
    if (qmp_migrate_set_capabilities(s->c, &args, &err) < 0)
        return fail_with(s, "migrate-set-capabilities", err);
    return 0;
}

/* ---- where the migration stream goes ------------------------------------------- */

typedef struct address {
    bool tcp;
    char *path;                 /* unix */
    char *host, *port;          /* tcp */
    char *uri;                  /* "unix:PATH", "tcp:HOST:PORT" */
    char *tmpdir;               /* made by us, removed at the end */
    /* The same as one migration channel, built in place. */
    qmp_MigrationAddress addr;
    qmp_MigrationChannel channel;
    qmp_MigrationChannel *channels[1];
} address;

static int address_parse(address *a, const char *spec)
{
    char buf[4200];
    if (!spec) {
        char dir[] = "/tmp/qmp-migrate-XXXXXX";
        if (!mkdtemp(dir)) {
            fprintf(stderr, PROGRAM ": cannot make a directory for the "
                    "migration socket: %s\n", strerror(errno));
            return -1;
        }
        a->tmpdir = strdup(dir);
        snprintf(buf, sizeof buf, "unix:%s/migration.sock", dir);
        spec = buf;
    }
    if (!strncmp(spec, "unix:", 5) && spec[5]) {
        a->path = strdup(spec + 5);
    } else if (!strncmp(spec, "tcp:", 4) && strrchr(spec + 4, ':')) {
        const char *colon = strrchr(spec + 4, ':');
        a->tcp = true;
        a->host = strndup(spec + 4, (size_t)(colon - spec - 4));
        a->port = strdup(colon + 1);
    } else {
        fprintf(stderr, PROGRAM ": --address takes unix:PATH or "
                "tcp:HOST:PORT, not '%s'\n", spec);
        return -1;
    }
    a->uri = strdup(spec);
    a->addr.transport = QMP_MIGRATION_ADDRESS_TYPE_SOCKET;
    if (a->tcp) {
        a->addr.u.socket.type = QMP_SOCKET_ADDRESS_TYPE_INET;
        a->addr.u.socket.u.inet.host = a->host;
        a->addr.u.socket.u.inet.port = a->port;
    } else {
        a->addr.u.socket.type = QMP_SOCKET_ADDRESS_TYPE_UNIX;
        a->addr.u.socket.u.q_unix.path = a->path;
    }
    a->channel.channel_type = QMP_MIGRATION_CHANNEL_TYPE_MAIN;
    a->channel.addr = &a->addr;
    a->channels[0] = &a->channel;
    return 0;
}

static void address_fini(address *a)
{
    if (a->tmpdir) {
        unlink(a->path);
        rmdir(a->tmpdir);
    }
    free(a->tmpdir);
    free(a->path);
    free(a->host);
    free(a->port);
    free(a->uri);
}

/* ---- the migration ------------------------------------------------------------- */

/* Where S sends or listens, in the members of migrate's or
 * migrate-incoming's arguments: channels where its QEMU has them, else a
 * URI. */
static void point_at(const side *s, address *a, bool *has_uri, char **uri,
                     bool *has_channels, qmp_MigrationChannelList *channels)
{
    if (s->channels) {
        *has_channels = true;
        channels->items = a->channels;
        channels->n = 1;
    } else {
        *has_uri = true;
        *uri = a->uri;
    }
}

static int start_incoming(side *d, address *a)
{
    qmp_q_obj_migrate_incoming_arg args = { 0 };
    bool exit_on_error = false;
    qapic_error *err = NULL;
    if (supports(d, "migrate-incoming/arg-type/exit-on-error",
                 &exit_on_error) < 0)
        return -1;
    point_at(d, a, &args.has_uri, &args.uri, &args.has_channels,
             &args.channels);
    /* Where QEMU has it: a failed migration leaves the destination up. */
    args.has_exit_on_error = exit_on_error;
    args.exit_on_error = false;
    if (qmp_migrate_incoming(d->c, &args, &err) < 0)
        return fail_with(d, "migrate-incoming", err);
    say("destination: listening on %s%s", a->uri,
        exit_on_error ? " (exit-on-error: false)" : "");
    return 0;
}

static int start_outgoing(side *s, address *a)
{
    qmp_q_obj_migrate_arg args = { 0 };
    qapic_error *err = NULL;
    point_at(s, a, &args.has_uri, &args.uri, &args.has_channels,
             &args.channels);
    if (qmp_migrate(s->c, &args, &err) < 0)
        return fail_with(s, "migrate", err);
    return 0;
}

/* Asks the QEMU of S how its migration stands, once the events say it
 * ended (or always, without events). */
static int check_side(side *s)
{
    if (s->done || (s->events && !s->ended))
        return 0;
    qapic_error *err = NULL;
    qmp_MigrationInfo *info = qmp_query_migrate(s->c, &err);
    if (!info)
        return fail_with(s, "query-migrate", err);
    if (info->has_status && terminal(info->status)) {
        s->done = true;
        s->status = info->status;
        if (info->has_error_desc)
            s->error_desc = strdup(info->error_desc);
        if (info->has_ram && info->status == QMP_MIGRATION_STATUS_COMPLETED)
            say("%s: completed, %lld bytes transferred in %lld ms",
                s->name, (long long)info->ram->transferred,
                (long long)(info->has_total_time ? info->total_time : 0));
        else if (!s->events)
            say("%s: %s", s->name, qmp_MigrationStatus_str(info->status));
    }
    qmp_MigrationInfo_free(info);
    return 0;
}

/* Drives both clients until both migrations ended or TIMEOUT_S passed.
 * 0 when both completed, 1 otherwise. */
static int wait_for_both(side *sides, double timeout_s)
{
    for (;;) {
        int rc = 0;
        for (int i = 0; i < 2 && rc == 0; i++)
            rc = check_side(&sides[i]);
        if (rc < 0)
            return 1;
        if (sides[0].done && sides[1].done)
            break;
        if (timeout_s > 0 && elapsed() > timeout_s) {
            fprintf(stderr, PROGRAM ": the migration did not end within %g "
                    "s\n", timeout_s);
            return 1;
        }
        struct pollfd pfd[2];
        for (int i = 0; i < 2; i++) {
            pfd[i].fd = qapic_client_fd(sides[i].c);
            pfd[i].events = POLLIN;
            if (qapic_client_wants_write(sides[i].c))
                pfd[i].events |= POLLOUT;
        }
        if (poll(pfd, 2, POLL_MS) < 0 && errno != EINTR) {
            perror(PROGRAM ": poll");
            return 1;
        }
        for (int i = 0; i < 2; i++) {
            qapic_error *err = NULL;
            if (qapic_client_process(sides[i].c, &err) < 0) {
                fail_with(&sides[i], "the connection", err);
                return 1;
            }
        }
    }
    int failed = 0;
    for (int i = 0; i < 2; i++)
        if (sides[i].status != QMP_MIGRATION_STATUS_COMPLETED) {
            fprintf(stderr, PROGRAM ": %s: migration %s%s%s\n",
                    sides[i].name, qmp_MigrationStatus_str(sides[i].status),
                    sides[i].error_desc ? ": " : "",
                    sides[i].error_desc ? sides[i].error_desc : "");
            failed = 1;
        }
    return failed;
}

/* ---- the command line ---------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " PROGRAM " [--address unix:PATH|tcp:HOST:PORT] "
        "[--timeout SECONDS]\n"
        "                   [--quiet] SOURCE-QMP-SOCKET "
        "DESTINATION-QMP-SOCKET\n"
        "Migrates the QEMU behind SOURCE-QMP-SOCKET into the one behind\n"
        "DESTINATION-QMP-SOCKET (started with -incoming defer).\n"
        "  --address    where the migration stream goes (default: a UNIX\n"
        "               socket in a new directory under /tmp)\n"
        "  --timeout    give up after SECONDS (default 300, 0: never)\n"
        "  --quiet      report nothing but errors\n"
        "Exit status: 0 completed on both sides, 1 the migration failed,\n"
        "2 usage error or a QEMU unreachable or refusing.\n");
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        { "address", required_argument, NULL, 'a' },
        { "timeout", required_argument, NULL, 't' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *spec = NULL;
    double timeout_s = 300;
    int opt;
    while ((opt = getopt_long(argc, argv, "a:t:qh", longs, NULL)) != -1) {
        char *end;
        switch (opt) {
        case 'a': spec = optarg; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        case 't':
            timeout_s = strtod(optarg, &end);
            if (*end || end == optarg || timeout_s < 0) {
                fprintf(stderr, PROGRAM ": --timeout takes seconds, not "
                        "'%s'\n", optarg);
                return 2;
            }
            break;
        default: usage(stderr); return 2;
        }
    }
    if (argc - optind != 2) {
        usage(stderr);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &started);
    side sides[2] = {
        { .name = "source", .socket = argv[optind] },
        { .name = "destination", .socket = argv[optind + 1] },
    };
    address a = { 0 };
    int status = 2;
    if (address_parse(&a, spec) == 0 && connect_side(&sides[0]) == 0
        && connect_side(&sides[1]) == 0 && enable_events(&sides[0]) == 0
        && enable_events(&sides[1]) == 0
        && start_incoming(&sides[1], &a) == 0
        && start_outgoing(&sides[0], &a) == 0)
        status = wait_for_both(sides, timeout_s);
    for (int i = 0; i < 2; i++) {
        qapic_client_free(sides[i].c);
        free(sides[i].error_desc);
    }
    address_fini(&a);
    return status;
}
