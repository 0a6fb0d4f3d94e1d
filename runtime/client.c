/* The client's lifetime, options, connection set-up, greeting and
 * capability negotiation, and its accessors. */
#include "internal/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_CONNECT_TIMEOUT_MS 5000
#define DEFAULT_CALL_TIMEOUT_MS 30000
/* A full query-qmp-schema reply is some 250 KB; 64 MiB leaves room for
 * anything QEMU sends while still bounding what a broken peer costs. */
#define DEFAULT_MAX_MESSAGE ((size_t)64 << 20)
#define DEFAULT_MAX_EVENTS 1024

void qapic_client_options_init(qapic_client_options *o)
{
    memset(o, 0, sizeof *o);
    o->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
    o->call_timeout_ms = DEFAULT_CALL_TIMEOUT_MS;
    o->max_message = DEFAULT_MAX_MESSAGE;
    o->max_events = DEFAULT_MAX_EVENTS;
    o->check_schema = true;
}

qapic_client *qapic_client_new(const qapic_client_options *o,
                               qapic_error **err)
{
    qapic_client *c = calloc(1, sizeof *c);
    if (!c) {
        qapic_error_set(err, QAPIC_ERROR_NOMEM, "out of memory");
        return NULL;
    }
    if (o)
        c->opt = *o;
    else
        qapic_client_options_init(&c->opt);
    if (c->opt.connect_timeout_ms <= 0)
        c->opt.connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
    if (c->opt.call_timeout_ms == 0)
        c->opt.call_timeout_ms = DEFAULT_CALL_TIMEOUT_MS;
    if (c->opt.max_message == 0)
        c->opt.max_message = DEFAULT_MAX_MESSAGE;
    if (c->opt.max_events == 0)
        c->opt.max_events = DEFAULT_MAX_EVENTS;
    c->fd = -1;
    c->next_id = 1;
    c->next_handle = 1;
    if (qapic__stream_init(&c->in, c->opt.max_message, "the server") < 0) {
        free(c);
        qapic_error_set(err, QAPIC_ERROR_NOMEM, "out of memory");
        return NULL;
    }
    return c;
}

static void forget_connection(qapic_client *c)
{
    if (c->greeting)
        json_object_put(c->greeting);
    c->greeting = NULL;
    free(c->package);
    c->package = NULL;
    c->major = c->minor = c->micro = 0;
    c->negotiated = c->oob_enabled = false;
    free(c->peer_name);
    c->peer_name = NULL;
}

void qapic_client_free(qapic_client *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        qapic__disconnect(c, qapic__error_transport(
            0, "the client was closed"));
    qapic__dispatch_fini(c);
    forget_connection(c);
    qapic_client_set_schema(c, NULL);
    qapic__stream_fini(&c->in);
    qapic_error_free(c->gone);
    free(c->id_prefix);
    free(c);
}

/* Takes FD as the new connection, named NAME (taken). */
static int start(qapic_client *c, int fd, char *name, bool is_unix,
                 qapic_error **err)
{
    forget_connection(c);
    qapic__stream_fini(&c->in);
    if (qapic__stream_init(&c->in, c->opt.max_message, "the server") < 0) {
        close(fd);
        free(name);
        return qapic_error_set(err, QAPIC_ERROR_NOMEM, "out of memory");
    }
    c->in.keep_text = c->text_fn != NULL;
    qapic_error_free(c->gone);
    c->gone = NULL;
    c->fd = fd;
    c->is_unix = is_unix;
    c->peer_name = name;
    /* Another QEMU may be behind the new connection. */
    if (!c->schema_given)
        qapic_client_set_schema(c, NULL);
    c->schema_given = false;
    return 0;
}

static int already(const qapic_client *c, qapic_error **err)
{
    if (!c)
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "no client");
    if (c->fd >= 0)
        return qapic_error_set(err, QAPIC_ERROR_INVALID,
                               "the client is connected already (to %s)",
                               c->peer_name ? c->peer_name : "?");
    return 0;
}

int qapic_client_connect_unix(qapic_client *c, const char *path,
                              qapic_error **err)
{
    if (already(c, err) < 0)
        return -1;
    if (!path)
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "no socket path");
    int fd = qapic__connect_unix(path, qapic__now_ms()
                                 + c->opt.connect_timeout_ms, err);
    if (fd < 0 || start(c, fd, qapic_rt_strdup(path), true, err) < 0)
        return -1;
    return qapic_client_negotiate(c, err);
}

int qapic_client_connect_tcp(qapic_client *c, const char *host,
                             const char *port, qapic_error **err)
{
    if (already(c, err) < 0)
        return -1;
    if (!host || !port)
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "no host or port");
    int fd = qapic__connect_tcp(host, port, qapic__now_ms()
                                + c->opt.connect_timeout_ms, err);
    if (fd < 0
        || start(c, fd, qapic_rt_printf("%s:%s", host, port), false, err) < 0)
        return -1;
    return qapic_client_negotiate(c, err);
}

int qapic_client_attach_fd(qapic_client *c, int fd, bool negotiate,
                           qapic_error **err)
{
    bool is_unix = false;
    if (already(c, err) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (fd < 0)
        return qapic_error_set(err, QAPIC_ERROR_INVALID,
                               "no file descriptor given");
    if (qapic__prepare_fd(fd, &is_unix, err) < 0) {
        close(fd);
        return -1;
    }
    if (start(c, fd, qapic_rt_printf("fd %d", fd), is_unix, err) < 0)
        return -1;
    return negotiate ? qapic_client_negotiate(c, err) : 0;
}

/* ---- greeting and negotiation ------------------------------------------- */

static int member_int(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v)
        || !json_object_is_type(v, json_type_int))
        return 0;
    return (int)json_object_get_int64(v);
}

static struct json_object *member(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int read_greeting(qapic_client *c, qapic_error **err)
{
    int64_t deadline = c->opt.call_timeout_ms < 0
        ? -1 : qapic__now_ms() + c->opt.call_timeout_ms;
    while (!c->greeting) {
        int left = qapic__ms_left(deadline);
        if (left == 0) {
            qapic_error *e = qapic__error_new(
                QAPIC_ERROR_TIMEOUT, "no QMP greeting from %s within %d ms",
                c->peer_name ? c->peer_name : "the server",
                c->opt.call_timeout_ms);
            qapic__error_give(err, qapic__error_copy(e));
            qapic__disconnect(c, e);
            return -1;
        }
        if (qapic__pump(c, left, err) < 0)
            return -1;
    }
    struct json_object *qmp = member(c->greeting, "QMP");
    if (!json_object_is_type(qmp, json_type_object)) {
        qapic_error *e = qapic__error_new(
            QAPIC_ERROR_PROTOCOL, "the greeting of %s is not a QMP greeting: "
            "%s", c->peer_name ? c->peer_name : "the server",
            json_object_to_json_string(c->greeting));
        qapic__error_give(err, qapic__error_copy(e));
        qapic__disconnect(c, e);
        return -1;
    }
    struct json_object *version = member(qmp, "version");
    struct json_object *qemu = member(version, "qemu");
    c->major = member_int(qemu, "major");
    c->minor = member_int(qemu, "minor");
    c->micro = member_int(qemu, "micro");
    free(c->package);
    c->package = qapic_rt_strdup(qapic__json_str(version, "package"));
    return 0;
}

int qapic_client_negotiate(qapic_client *c, qapic_error **err)
{
    if (!c)
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "no client");
    if (c->negotiated)
        return 0;
    if (read_greeting(c, err) < 0)
        return -1;
    bool oob = c->opt.want_oob && qapic_client_has_capability(c, "oob");
    struct json_object *args = NULL;
    if (oob) {
        struct json_object *enable = json_object_new_array();
        json_object_array_add(enable, json_object_new_string("oob"));
        args = json_object_new_object();
        json_object_object_add(args, "enable", enable);
    }
    struct json_object *ret = qapic_client_execute(c, "qmp_capabilities",
                                                   args, 0, err);
    if (args)
        json_object_put(args);
    if (!ret)
        return -1;
    json_object_put(ret);
    c->negotiated = true;
    c->oob_enabled = oob;
    return 0;
}

/* ---- the wire ------------------------------------------------------------------ */

int qapic_client_set_id_prefix(qapic_client *c, const char *prefix,
                               qapic_error **err)
{
    if (!c)
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "no client");
    char *copy = NULL;
    if (prefix && *prefix && !(copy = qapic_rt_strdup(prefix)))
        return qapic_error_set(err, QAPIC_ERROR_NOMEM, "out of memory");
    free(c->id_prefix);
    c->id_prefix = copy;
    return 0;
}

void qapic_client_on_message_text(qapic_client *c, qapic_message_text_fn fn,
                                  void *opaque)
{
    if (!c)
        return;
    c->text_fn = fn;
    c->text_opaque = opaque;
    c->in.keep_text = fn != NULL;
}

/* ---- accessors ----------------------------------------------------------------- */

void qapic_client_version(const qapic_client *c, int *major, int *minor,
                          int *micro)
{
    if (major)
        *major = c ? c->major : 0;
    if (minor)
        *minor = c ? c->minor : 0;
    if (micro)
        *micro = c ? c->micro : 0;
}

const char *qapic_client_package(const qapic_client *c)
{
    return c ? c->package : NULL;
}

bool qapic_client_has_capability(const qapic_client *c, const char *cap)
{
    struct json_object *caps =
        c && c->greeting ? member(member(c->greeting, "QMP"), "capabilities")
                         : NULL;
    return qapic__json_array_has(caps, cap);
}

bool qapic_client_oob_enabled(const qapic_client *c)
{
    return c && c->oob_enabled;
}

struct json_object *qapic_client_greeting(const qapic_client *c)
{
    return c ? c->greeting : NULL;
}

bool qapic_client_connected(const qapic_client *c)
{
    return c && c->fd >= 0;
}

char *qapic__this_qemu(const qapic_client *c)
{
    if (!c->major && !c->minor && !c->micro)
        return qapic_rt_strdup("this QEMU");
    return qapic_rt_printf("this QEMU (%d.%d.%d)", c->major, c->minor,
                         c->micro);
}
