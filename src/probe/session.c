/* A recorded QMP session of the probe (session.h). */
#include "probe/session.h"

#include <json-c/json.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "probe/plan.h"
#include "qapic/client.h"
#include "syntax/json.h"
#include "syntax/parse.h"

#define CONNECT_WAIT_MS 5000

struct qc_probe_session {
    qc_arena *a;
    qc_diag *d;
    qapic_client *c;
    const char *who;
    int64_t deadline;
    const char *limit;      /* the whole probe's time limit, in seconds */
    qc_ptrvec *pairs;
    qc_ptrvec msgs;         /* qc_source *: every message received */
    size_t seen;            /* messages already looked at */
    unsigned next;          /* the number in the next command's id */
};

int64_t qc_probe_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left, at least 1 (0 would mean the client's default). */
static int left_ms(const qc_probe_session *s)
{
    int64_t left = s->deadline - qc_probe_now_ms();
    if (left < 1)
        return 1;
    return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

static void on_text(void *opaque, const char *text, size_t len)
{
    qc_probe_session *s = opaque;
    if (!text)
        text = "", len = 0;   /* out of memory: it will not parse */
    qc_source *src = qc_source_from_mem(
        s->a, qc_arena_printf(s->a, "message %zu from %s", s->msgs.n + 1,
                              s->who), text, len, false);
    qc_ptrvec_push(s->a, &s->msgs, src);
}

static void on_warn(void *opaque, const char *message)
{
    qc_probe_session *s = opaque;
    qc_warning(s->d, qc_loc_make(NULL, 0), "probe-qmp-anomaly", "%s: %s",
               s->who, message);
}

/* Reports the client's error E (taken) about ACTION. */
static qc_diagnostic *fail(qc_probe_session *s, qapic_error *e,
                           const char *action)
{
    qc_diagnostic *dg;
    if (e && e->kind == QAPIC_ERROR_TIMEOUT)
        dg = qc_error(s->d, qc_loc_make(NULL, 0), "probe-timeout",
                      "%s did not answer %s before the probe's time limit (%s s) ran out",
                      s->who, action, s->limit);
    else
        dg = qc_error(s->d, qc_loc_make(NULL, 0), "probe-connection",
                      "%s: %s failed: %s", s->who, action,
                      e ? e->message : "out of memory");
    qapic_error_free(e);
    return dg;
}

/* The reply with id ID among the messages received since the last look,
 * parsed; NULL after reporting. */
static qc_value *take_reply(qc_probe_session *s, const char *id,
                            qc_diagnostic **failure)
{
    qc_value *reply = NULL;
    for (; s->seen < s->msgs.n; s->seen++) {
        qc_source *src = s->msgs.items[s->seen];
        qc_parse_result r;
        qc_parse(s->a, src, QC_DIALECT_JSON, &r);
        if (r.error) {
            /* The client's parser took it; ours must too, or the dump
             * could not say what QEMU said. */
            qc_diagnostic *dg = qc_error(
                s->d, r.error->loc, "probe-bad-reply",
                "%s sent a message the dump cannot hold: %s", s->who,
                r.error->message);
            qc_diag_show_column(dg);
            *failure = dg;
            return NULL;
        }
        qc_value *v = qc_item_value(&r.items[0]);
        if (qc_is_object(v) && (qc_obj_get(v, "return") || qc_obj_get(v, "error"))
            && !reply) {
            const char *got = qc_obj_get_str(v, "id");
            if (got && !strcmp(got, id))
                reply = v;
        }
    }
    if (!reply)
        *failure = qc_error(s->d, qc_loc_make(NULL, 0), "probe-bad-reply",
                            "%s: the reply to %s was not found among the messages received",
                            s->who, id);
    return reply;
}

static void record(qc_probe_session *s, qc_value *cmd, qc_value *reply)
{
    qc_probe_pair *p = qc_arena_alloc(s->a, sizeof *p);
    p->cmd = cmd;
    p->reply = reply;
    qc_ptrvec_push(s->a, s->pairs, p);
}

static qapic_client *new_client(qc_probe_session *s, qapic_error **err)
{
    qapic_client_options o;
    qapic_client_options_init(&o);
    /* A QEMU to connect to runs already: a few seconds cover a start-up
     * race; waiting longer would only hide a wrong path. */
    o.connect_timeout_ms = left_ms(s) < CONNECT_WAIT_MS ? left_ms(s)
                                                        : CONNECT_WAIT_MS;
    o.call_timeout_ms = left_ms(s);
    o.check_schema = false;
    o.warn = on_warn;
    o.warn_opaque = s;
    qapic_client *c = qapic_client_new(&o, err);
    if (c && qapic_client_set_id_prefix(c, "libvirt-", err) < 0) {
        qapic_client_free(c);
        return NULL;
    }
    if (c)
        qapic_client_on_message_text(c, on_text, s);
    return c;
}

qc_probe_session *qc_probe_session_open(qc_arena *a, qc_diag *d,
                                        const qc_probe_peer *peer,
                                        qc_ptrvec *pairs,
                                        qc_diagnostic **failure)
{
    qc_probe_session *s = qc_arena_alloc(a, sizeof *s);
    s->a = a;
    s->d = d;
    s->who = peer->who;
    s->deadline = peer->deadline_ms;
    s->limit = qc_arena_printf(a, "%g", peer->limit_ms / 1000.0);
    s->pairs = pairs;
    s->next = 1;
    qapic_error *err = NULL;
    s->c = new_client(s, &err);
    int rc = -1;
    if (s->c && peer->fd >= 0)
        rc = qapic_client_attach_fd(s->c, peer->fd, true, &err);
    else if (s->c)
        rc = qapic_client_connect_unix(s->c, peer->path, &err);
    else if (peer->fd >= 0)
        close(peer->fd);
    const char *id = qc_arena_printf(a, "libvirt-%u", s->next++);
    qc_value *reply = NULL;
    if (rc < 0)
        *failure = fail(s, err, peer->fd < 0 && !qapic_client_greeting(s->c)
                                    ? "connecting" : "the QMP negotiation");
    else
        reply = take_reply(s, id, failure);
    if (!reply) {
        qc_probe_session_close(s);
        return NULL;
    }
    record(s, qc_probe_command(a, "qmp_capabilities", NULL, id), reply);
    return s;
}

/* ARGS as a json-c object for the client (NULL for none). */
static struct json_object *to_json_c(const qc_value *args)
{
    if (!args)
        return NULL;
    qc_buf b = QC_BUF_INIT;
    qc_json_write(&b, args, 0, 0);
    /* As deep as the tool's own parser reads (json-c's default is 32). */
    struct json_tokener *tok = json_tokener_new_ex(QC_MAX_DEPTH + 1);
    struct json_object *o = tok ? json_tokener_parse_ex(tok, b.data,
                                                        (int)b.len)
                                : NULL;
    if (tok)
        json_tokener_free(tok);
    qc_buf_free(&b);
    return o;
}

const qc_value *qc_probe_session_run(qc_probe_session *s, const char *execute,
                                     const qc_value *args,
                                     qc_diagnostic **failure)
{
    const char *id = qc_arena_printf(s->a, "libvirt-%u", s->next++);
    qapic_error *err = NULL;
    struct json_object *jargs = to_json_c(args);
    if (args && !jargs) {
        *failure = qc_error(s->d, qc_loc_make(NULL, 0), "probe-connection",
                            "cannot prepare the arguments of '%s' for sending",
                            execute);
        return NULL;
    }
    struct json_object *ret = qapic_client_execute(s->c, execute, jargs,
                                                   left_ms(s), &err);
    if (jargs)
        json_object_put(jargs);
    if (ret)
        json_object_put(ret);
    else if (!err || err->kind != QAPIC_ERROR_QMP) {
        *failure = fail(s, err, qc_arena_printf(s->a, "'%s' (%s)", execute,
                                                id));
        return NULL;
    }
    qapic_error_free(err);
    qc_value *reply = take_reply(s, id, failure);
    if (reply)
        record(s, qc_probe_command(s->a, execute, args, id), reply);
    return reply;
}

void qc_probe_session_close(qc_probe_session *s)
{
    if (!s)
        return;
    qapic_client_free(s->c);
    s->c = NULL;
}
