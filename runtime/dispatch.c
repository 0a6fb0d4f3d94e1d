/* Ids, pending calls, replies matched by id, events, and the I/O loop.
 *
 * Reading and dispatching are two steps: bytes are parsed into an inbox of
 * messages, and messages are dispatched from its front one at a time.  A
 * callback may therefore run a blocking call of its own (which reads and
 * dispatches further) without breaking the order of messages.
 *
 * Replies go to the call with their id.  A call that timed out stays known
 * as abandoned, so its late reply is dropped quietly; a reply to an id
 * never sent, or a message of no known kind, fails nothing and is reported
 * through the warn callback.  An error without id (QEMU could not read a
 * request) cannot be matched: it fails every pending call.  Events reach
 * the generic listeners, then the typed ones, then the bounded queue. */
#include "internal/client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK 65536
/* Reads per qapic_client_process() at most, so that a peer flooding us
 * cannot keep one call from returning to its event loop. */
#define READS_PER_ROUND 16
/* Timed-out calls remembered to recognize their late replies. */
#define MAX_ABANDONED 4096
/* How much of an unexpected message a warning quotes. */
#define QUOTE_MAX 200

typedef struct inbox_msg {
    struct inbox_msg *next;
    struct json_object *v;
    uint64_t number;            /* its position in the stream, from 1 */
} inbox_msg;

/* The inbox lives in the client, behind an opaque pointer in the stream's
 * callback; kept here so that only this file knows it. */
typedef struct inbox {
    inbox_msg *head, *tail;
    qapic_client *c;
} inbox;

/* ---- helpers -------------------------------------------------------------- */

void qapic__warn(qapic_client *c, const char *fmt, ...)
{
    if (!c->opt.warn)
        return;
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    c->opt.warn(c->opt.warn_opaque, buf);
}

/* The start of V's JSON text, for messages (malloc'ed). */
static char *quote(struct json_object *v)
{
    const char *s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
    size_t n = strlen(s);
    if (n <= QUOTE_MAX)
        return qapic_rt_strdup(s);
    return qapic_rt_printf("%.*s...", QUOTE_MAX, s);
}

struct json_object *qapic__request_json(const char *text)
{
    return text ? json_tokener_parse(text) : NULL;
}

qapic_error *qapic__not_connected(const qapic_client *c)
{
    qapic_error *e = c->gone
        ? qapic__error_new(QAPIC_ERROR_TRANSPORT, "not connected: %s",
                           c->gone->message)
        : qapic__error_new(QAPIC_ERROR_TRANSPORT, "not connected");
    if (e) {
        e->errnum = c->gone && c->gone->errnum ? c->gone->errnum : ENOTCONN;
        e->op = qapic_rt_strdup("send");
    }
    return e;
}

static void free_pending(qapic_pending *p)
{
    free(p->request);
    if (p->ret)
        json_object_put(p->ret);
    qapic_error_free(p->err);
    free(p);
}

static void unlink_pending(qapic_client *c, qapic_pending *p)
{
    for (qapic_pending **pp = &c->pending; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            if (p->kind == PENDING_ABANDONED)
                c->nabandoned--;
            return;
        }
}

static void free_outmsg(qapic_outmsg *m)
{
    for (size_t i = 0; i < m->nfds; i++)
        close(m->fds[i]);
    free(m->fds);
    free(m->buf);
    free(m);
}

/* Marks P abandoned; forgets the oldest abandoned call beyond the limit. */
static void abandon(qapic_client *c, qapic_pending *p)
{
    p->kind = PENDING_ABANDONED;
    p->done = NULL;
    if (++c->nabandoned <= MAX_ABANDONED)
        return;
    for (qapic_pending *q = c->pending; q; q = q->next)
        if (q->kind == PENDING_ABANDONED && q != p) {
            unlink_pending(c, q);
            free_pending(q);
            return;
        }
}

static qapic_error *timeout_error(const qapic_pending *p, int ms)
{
    qapic_error *e = qapic__error_new(
        QAPIC_ERROR_TIMEOUT, "no reply to command %llu within %d ms",
        (unsigned long long)p->id, ms);
    if (e) {
        struct json_object *req = qapic__request_json(p->request), *id = NULL;
        if (req && json_object_object_get_ex(req, "id", &id))
            e->id = json_object_get(id);
        e->request = req;
    }
    return e;
}

/* ---- disconnect ------------------------------------------------------------- */

/* Fails pending calls with copies of E; SYNC ones complete in place (their
 * waiter unlinks them), the others are unlinked first and then ASYNC ones
 * run their callbacks, so calls a callback makes are not failed too. */
static void fail_pending(qapic_client *c, const qapic_error *e)
{
    qapic_pending *todo = NULL, **tail = &todo;
    qapic_pending **pp = &c->pending;
    while (*pp) {
        qapic_pending *p = *pp;
        if (p->kind == PENDING_SYNC) {
            if (!p->complete) {
                p->complete = true;
                p->err = qapic__error_copy(e);
            }
            pp = &p->next;
            continue;
        }
        *pp = p->next;
        if (p->kind == PENDING_ABANDONED)
            c->nabandoned--;
        p->next = NULL;
        *tail = p;
        tail = &p->next;
    }
    while (todo) {
        qapic_pending *p = todo;
        todo = p->next;
        if (p->kind == PENDING_ASYNC && p->done)
            p->done(c, NULL, qapic__error_copy(e), p->opaque);
        free_pending(p);
    }
}

void qapic__disconnect(qapic_client *c, qapic_error *e)
{
    if (c->fd < 0) {
        qapic_error_free(e);
        return;
    }
    if (!e)
        e = qapic__error_transport(0, "the connection was closed");
    close(c->fd);
    c->fd = -1;
    qapic_error_free(c->gone);
    c->gone = e;
    while (c->out_head) {
        qapic_outmsg *m = c->out_head;
        c->out_head = m->next;
        free_outmsg(m);
    }
    c->out_tail = NULL;
    fail_pending(c, e);
}

/* ---- sending ------------------------------------------------------------- */

/* Writes what the socket takes.  -1 with errno on a write error. */
static int flush(qapic_client *c)
{
    while (c->out_head) {
        qapic_outmsg *m = c->out_head;
        long n = qapic__send(c->fd, m->buf + m->off, m->len - m->off,
                             m->off == 0 ? m->fds : NULL,
                             m->off == 0 ? m->nfds : 0);
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        m->off += (size_t)n;
        if (m->off < m->len)
            continue;
        c->out_head = m->next;
        if (!c->out_head)
            c->out_tail = NULL;
        free_outmsg(m);
    }
    return 0;
}

/* The id of request number N: N, or the string PREFIX<N>. */
static struct json_object *wire_id(const qapic_client *c, uint64_t n)
{
    if (!c->id_prefix)
        return json_object_new_int64((int64_t)n);
    char *s = qapic_rt_printf("%s%llu", c->id_prefix, (unsigned long long)n);
    struct json_object *id = s ? json_object_new_string(s) : NULL;
    free(s);
    return id;
}

static char *build_request(const qapic_client *c, const char *command,
                           struct json_object *args, bool oob, uint64_t id)
{
    struct json_object *req = json_object_new_object();
    if (!req)
        return NULL;
    json_object_object_add(req, oob ? "exec-oob" : "execute",
                           json_object_new_string(command));
    if (args)
        json_object_object_add(req, "arguments", json_object_get(args));
    json_object_object_add(req, "id", wire_id(c, id));
    char *text = qapic_rt_strdup(json_object_to_json_string_ext(
        req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(req);
    return text;
}

static qapic_outmsg *new_outmsg(const char *text, const int *fds,
                                size_t nfds)
{
    qapic_outmsg *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->len = strlen(text) + 2;
    m->buf = malloc(m->len + 1);
    m->fds = nfds ? calloc(nfds, sizeof(int)) : NULL;
    if (!m->buf || (nfds && !m->fds)) {
        free_outmsg(m);
        return NULL;
    }
    memcpy(m->buf, text, m->len - 2);
    memcpy(m->buf + m->len - 2, "\r\n", 3);
    /* Our own duplicates: the caller's fds are borrowed, and the message
     * may wait in the queue past the call. */
    for (; m->nfds < nfds; m->nfds++) {
        m->fds[m->nfds] = fcntl(fds[m->nfds], F_DUPFD_CLOEXEC, 0);
        if (m->fds[m->nfds] < 0) {
            free_outmsg(m);
            return NULL;
        }
    }
    return m;
}

static int check_args(const char *command, struct json_object *args,
                      const int *fds, size_t nfds, const qapic_client *c,
                      qapic_error **err)
{
    if (!command || !*command)
        return qapic_error_set(err, QAPIC_ERROR_INVALID,
                               "no command name given");
    if (args && !json_object_is_type(args, json_type_object))
        return qapic_error_set(err, QAPIC_ERROR_INVALID,
                               "the arguments of '%s' must be a JSON object, "
                               "not %s", command,
                               json_type_to_name(json_object_get_type(args)));
    if (nfds && (!fds || !c->is_unix))
        return qapic_error_set(err, QAPIC_ERROR_INVALID,
                               "passing file descriptors with '%s' needs a "
                               "UNIX socket", command);
    return 0;
}

qapic_pending *qapic__send_request(qapic_client *c, const char *command,
                                   struct json_object *args, bool oob,
                                   const int *fds, size_t nfds,
                                   qapic_error **err)
{
    if (check_args(command, args, fds, nfds, c, err) < 0)
        return NULL;
    if (c->fd < 0) {
        qapic__error_give(err, qapic__not_connected(c));
        return NULL;
    }
    qapic_pending *p = calloc(1, sizeof *p);
    qapic_outmsg *m = NULL;
    if (p) {
        p->id = c->next_id;
        p->deadline = -1;
        p->request = build_request(c, command, args, oob, p->id);
        m = p->request ? new_outmsg(p->request, fds, nfds) : NULL;
        if (m)
            m->id = p->id;
    }
    if (!m) {
        if (p)
            free_pending(p);
        qapic_error_set(err, QAPIC_ERROR_NOMEM, "out of memory (or out of "
                        "file descriptors) sending '%s'", command);
        return NULL;
    }
    c->next_id++;
    if (c->out_tail)
        c->out_tail->next = m;
    else
        c->out_head = m;
    c->out_tail = m;
    if (flush(c) < 0) {
        qapic_error *e = qapic__error_transport(errno, "write");
        qapic__error_give(err, qapic__error_copy(e));
        qapic__disconnect(c, e);
        free_pending(p);
        return NULL;
    }
    /* Appended, so that a disconnect fails calls in the order sent. */
    qapic_pending **pp = &c->pending;
    while (*pp)
        pp = &(*pp)->next;
    *pp = p;
    return p;
}

/* ---- replies ----------------------------------------------------------------- */

/* The request number of a reply's ID: a number, or the string PREFIX<n>
 * when the client sends prefixed ids; false when it is not of the form
 * sent. */
static bool id_number(const qapic_client *c, struct json_object *id,
                      uint64_t *n)
{
    if (!c->id_prefix) {
        if (!json_object_is_type(id, json_type_int))
            return false;
        *n = (uint64_t)json_object_get_int64(id);
        return true;
    }
    const char *s = json_object_get_string(id);
    size_t plen = strlen(c->id_prefix);
    if (!json_object_is_type(id, json_type_string)
        || strncmp(s, c->id_prefix, plen) || !s[plen] || s[plen] == '0')
        return false;
    *n = 0;
    for (s += plen; *s; s++) {
        if (*s < '0' || *s > '9' || *n > UINT64_MAX / 10)
            return false;
        *n = *n * 10 + (uint64_t)(*s - '0');
    }
    return true;
}

static qapic_pending *find_pending(qapic_client *c, struct json_object *id)
{
    uint64_t n;
    if (!id || !id_number(c, id, &n))
        return NULL;
    for (qapic_pending *p = c->pending; p; p = p->next)
        if (p->id == n)
            return p;
    return NULL;
}

/* The QMP error of REPLY (whose "error" member is ERROR) for P (NULL for
 * an id-less error). */
static qapic_error *qmp_error(struct json_object *reply,
                              struct json_object *error,
                              const qapic_pending *p)
{
    const char *cls = qapic__json_str(error, "class");
    const char *desc = qapic__json_str(error, "desc");
    qapic_error *e = qapic__error_new(QAPIC_ERROR_QMP, "%s: %s",
                                      cls ? cls : "(no class)",
                                      desc ? desc : "(no description)");
    if (!e)
        return NULL;
    e->qmp_class = qapic_rt_strdup(cls);
    e->qmp_desc = qapic_rt_strdup(desc);
    struct json_object *id = NULL;
    if (json_object_object_get_ex(reply, "id", &id) && id)
        e->id = json_object_get(id);
    e->request = p ? qapic__request_json(p->request) : NULL;
    e->reply = json_object_get(reply);
    return e;
}

/* An error QEMU could not attribute to a request: every pending call
 * fails with it (the one it was about is among them), the connection
 * stays. */
static void idless_error(qapic_client *c, struct json_object *v,
                         struct json_object *error, uint64_t number)
{
    qapic_error *q = qmp_error(v, error, NULL);
    qapic_error *e = qapic__error_new(
        QAPIC_ERROR_PROTOCOL, "message %llu from the server is an error "
        "without id, so it fails every pending call: %s",
        (unsigned long long)number, q ? q->message : "?");
    if (e && q) {
        e->qmp_class = qapic_rt_strdup(q->qmp_class);
        e->qmp_desc = qapic_rt_strdup(q->qmp_desc);
        e->reply = json_object_get(v);
    }
    qapic_error_free(q);
    if (!c->pending)
        qapic__warn(c, "%s", e ? e->message : "an error without id");
    fail_pending(c, e);
    /* fail_pending keeps SYNC calls linked for their waiters only. */
    qapic_error_free(e);
}

static void complete(qapic_client *c, qapic_pending *p,
                     struct json_object *ret, qapic_error *e)
{
    if (p->kind == PENDING_SYNC) {
        p->complete = true;
        p->ret = ret;
        p->err = e;
        return;
    }
    unlink_pending(c, p);
    if (p->kind == PENDING_ASYNC && p->done)
        p->done(c, ret, e, p->opaque);
    else {
        if (ret)
            json_object_put(ret);
        qapic_error_free(e);
    }
    free_pending(p);
}

static void on_reply(qapic_client *c, struct json_object *v,
                     uint64_t number)
{
    struct json_object *id = NULL, *ret = NULL, *error = NULL;
    bool has_id = json_object_object_get_ex(v, "id", &id);
    bool is_error = json_object_object_get_ex(v, "error", &error);
    if (!is_error)
        json_object_object_get_ex(v, "return", &ret);
    if (is_error && !has_id) {
        idless_error(c, v, error, number);
        return;
    }
    qapic_pending *p = find_pending(c, id);
    if (!p || (p->kind == PENDING_SYNC && p->complete)) {
        char *q = quote(v);
        qapic__warn(c, "message %llu from the server answers no command "
                    "sent (id %s): %s", (unsigned long long)number,
                    has_id ? json_object_to_json_string(id) : "missing", q);
        free(q);
        return;
    }
    if (is_error)
        complete(c, p, NULL, qmp_error(v, error, p));
    else
        complete(c, p, ret ? json_object_get(ret) : json_object_new_object(),
                 NULL);
}

/* ---- events ------------------------------------------------------------------ */

static void compact_listeners(qapic_client *c)
{
    if (c->dispatching)
        return;
    qapic_listener **pp = &c->listeners;
    while (*pp) {
        qapic_listener *l = *pp;
        if (l->removed) {
            *pp = l->next;
            free(l->name);
            free(l);
        } else {
            pp = &l->next;
        }
    }
}

static void queue_event(qapic_client *c, struct json_object *v,
                        const qapic_event_msg *msg)
{
    if (c->opt.max_events == 0)
        return;
    qapic_queued_event *q = calloc(1, sizeof *q);
    if (!q) {
        c->dropped++;
        return;
    }
    q->msg = *msg;
    q->msg.raw = json_object_get(v);
    if (c->queue_tail)
        c->queue_tail->next = q;
    else
        c->queue_head = q;
    c->queue_tail = q;
    if (++c->nqueued <= c->opt.max_events)
        return;
    qapic_queued_event *old = c->queue_head;
    c->queue_head = old->next;
    c->nqueued--;
    c->dropped++;
    qapic_event_msg_free(&old->msg);
}

static int64_t ts_member(struct json_object *ts, const char *key)
{
    struct json_object *n = NULL;
    if (!json_object_object_get_ex(ts, key, &n)
        || !json_object_is_type(n, json_type_int))
        return -1;
    return json_object_get_int64(n);
}

static void on_event(qapic_client *c, struct json_object *v,
                     uint64_t number)
{
    qapic_event_msg msg = { 0 };
    struct json_object *ts = NULL;
    msg.name = qapic__json_str(v, "event");
    if (!msg.name) {
        char *q = quote(v);
        qapic__warn(c, "message %llu from the server is an event without "
                    "a name: %s", (unsigned long long)number, q);
        free(q);
        return;
    }
    json_object_object_get_ex(v, "timestamp", &ts);
    msg.seconds = ts_member(ts, "seconds");
    msg.microseconds = ts_member(ts, "microseconds");
    json_object_object_get_ex(v, "data", &msg.data);
    msg.raw = v;
    c->dispatching++;
    for (int typed = 0; typed < 2; typed++)
        for (qapic_listener *l = c->listeners; l; l = l->next) {
            if (l->removed || (l->ev != NULL) != typed
                || (l->name && strcmp(l->name, msg.name)))
                continue;
            if (typed)
                qapic__deliver_typed(c, l, &msg);
            else
                l->fn(c, &msg, l->opaque);
        }
    c->dispatching--;
    compact_listeners(c);
    queue_event(c, v, &msg);
}

/* ---- the inbox ----------------------------------------------------------------- */

static bool inbox_add(void *opaque, struct json_object *v)
{
    inbox *in = opaque;
    qapic_client *c = in->c;
    if (c->text_fn) {
        size_t len = 0;
        const char *text = qapic__stream_text(&c->in, &len);
        c->text_fn(c->text_opaque, text, len);
    }
    inbox_msg *m = calloc(1, sizeof *m);
    if (!m) {
        json_object_put(v);
        return true;
    }
    m->v = v;
    m->number = in->c->in.nvalues;
    if (in->tail)
        in->tail->next = m;
    else
        in->head = m;
    in->tail = m;
    return true;
}

static void on_message(qapic_client *c, struct json_object *v,
                       uint64_t number)
{
    if (!json_object_is_type(v, json_type_object)) {
        char *q = quote(v);
        if (!c->greeting) {
            qapic__disconnect(c, qapic__error_new(
                QAPIC_ERROR_PROTOCOL, "expected the QMP greeting as message "
                "1 from the server, got: %s", q));
        } else {
            qapic__warn(c, "message %llu from the server is no JSON "
                        "object: %s", (unsigned long long)number, q);
        }
        free(q);
        return;
    }
    struct json_object *qmp = NULL;
    bool is_greeting = json_object_object_get_ex(v, "QMP", &qmp);
    bool is_event = json_object_object_get_ex(v, "event", NULL);
    /* QEMU sends events to a monitor that has not negotiated yet, and a
     * connection's first event can overtake the greeting (the monitor's
     * I/O thread writes the greeting, the main loop the event): an event
     * before the greeting is a real event.  Anything else is not QMP. */
    if (!c->greeting && !is_greeting && !is_event) {
        char *q = quote(v);
        qapic__disconnect(c, qapic__error_new(
            QAPIC_ERROR_PROTOCOL, "expected the QMP greeting as message "
            "1 from the server, got: %s", q));
        free(q);
    } else if (is_greeting && !c->greeting) {
        c->greeting = json_object_get(v);
    } else if (is_event) {
        on_event(c, v, number);
    } else if (json_object_object_get_ex(v, "return", NULL)
               || json_object_object_get_ex(v, "error", NULL)) {
        on_reply(c, v, number);
    } else {
        char *q = quote(v);
        qapic__warn(c, "message %llu from the server is of no known kind: "
                    "%s", (unsigned long long)number, q);
        free(q);
    }
}

/* Dispatches the inbox from its front.  A callback may pump again, which
 * dispatches the next messages itself: order is kept. */
static void dispatch_inbox(qapic_client *c, inbox *in)
{
    while (in->head) {
        inbox_msg *m = in->head;
        in->head = m->next;
        if (!in->head)
            in->tail = NULL;
        if (c->fd >= 0)
            on_message(c, m->v, m->number);
        json_object_put(m->v);
        free(m);
    }
}

/* ---- the I/O loop ---------------------------------------------------------------- */

static qapic_error *eof_error(qapic_client *c)
{
    qapic_error *e = NULL;
    if (qapic__stream_eof(&c->in, &e) == 0) {
        e = qapic__error_transport(0, "the server closed the connection");
        if (e) {
            free(e->op);
            e->op = qapic_rt_strdup("read");
        }
    }
    return e;
}

/* Reads what is there and dispatches it.  The connection may be gone
 * afterwards. */
static void read_some(qapic_client *c, inbox *in)
{
    char *buf = malloc(READ_CHUNK);
    if (!buf)
        return;
    for (int round = 0; round < READS_PER_ROUND && c->fd >= 0; round++) {
        long n = qapic__recv(c->fd, buf, READ_CHUNK, NULL, NULL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            qapic__disconnect(c, n == 0 ? eof_error(c)
                                        : qapic__error_transport(errno,
                                                                 "read"));
            break;
        }
        qapic_error *e = NULL;
        int rc = qapic__stream_feed(&c->in, buf, (size_t)n, inbox_add, in,
                                    &e);
        dispatch_inbox(c, in);
        if (rc < 0) {
            qapic__disconnect(c, e);
            break;
        }
    }
    free(buf);
}

/* Whether the request of P has left the output queue. */
static bool written(const qapic_client *c, const qapic_pending *p)
{
    for (const qapic_outmsg *m = c->out_head; m; m = m->next)
        if (m->id == p->id)
            return false;
    return true;
}

/* Completes ASYNC calls that expect no reply once written, and fails
 * those whose deadline passed. */
static void expire(qapic_client *c)
{
    int64_t now = qapic__now_ms();
    for (bool again = true; again;) {
        again = false;
        for (qapic_pending *p = c->pending; p; p = p->next) {
            if (p->kind != PENDING_ASYNC)
                continue;
            if (p->no_reply && written(c, p)) {
                complete(c, p, NULL, NULL);
            } else if (p->deadline >= 0 && p->deadline <= now) {
                qapic_reply_fn done = p->done;
                void *opaque = p->opaque;
                qapic_error *e = timeout_error(p, p->timeout_ms);
                abandon(c, p);
                if (done)
                    done(c, NULL, e, opaque);
                else
                    qapic_error_free(e);
            } else {
                continue;
            }
            again = true;   /* the list may have changed */
            break;
        }
    }
}

static int process(qapic_client *c, bool readable, qapic_error **err)
{
    if (c->fd >= 0 && c->out_head && flush(c) < 0)
        qapic__disconnect(c, qapic__error_transport(errno, "write"));
    if (c->fd >= 0 && readable) {
        inbox in = { NULL, NULL, c };
        read_some(c, &in);
    }
    expire(c);
    if (c->fd < 0)
        return qapic__error_give(err, c->gone ? qapic__error_copy(c->gone)
                                              : qapic__not_connected(c));
    return 0;
}

int qapic_client_process(qapic_client *c, qapic_error **err)
{
    if (!c)
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "no client");
    return process(c, true, err);
}

int qapic__pump(qapic_client *c, int wait_ms, qapic_error **err)
{
    if (c->fd < 0)
        return qapic__error_give(err, qapic__not_connected(c));
    int next = qapic_client_next_timeout(c);
    if (next >= 0 && (wait_ms < 0 || next < wait_ms))
        wait_ms = next;
    struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
    if (c->out_head)
        pfd.events |= POLLOUT;
    int r = poll(&pfd, 1, wait_ms);
    if (r < 0 && errno != EINTR) {
        qapic__disconnect(c, qapic__error_transport(errno, "poll"));
        return qapic__error_give(err, qapic__error_copy(c->gone));
    }
    return process(c, r > 0, err);
}

struct json_object *qapic__wait(qapic_client *c, qapic_pending *p,
                                int timeout_ms, qapic_error **err)
{
    if (timeout_ms == 0)
        timeout_ms = c->opt.call_timeout_ms;
    int64_t deadline = timeout_ms < 0 ? -1 : qapic__now_ms() + timeout_ms;
    while (!p->complete) {
        int left = qapic__ms_left(deadline);
        if (left == 0) {
            qapic__error_give(err, timeout_error(p, timeout_ms));
            abandon(c, p);
            return NULL;
        }
        /* A lost connection completes P with its error. */
        qapic__pump(c, left, NULL);
    }
    unlink_pending(c, p);
    struct json_object *ret = p->ret;
    p->ret = NULL;
    if (p->err) {
        qapic__error_give(err, p->err);
        p->err = NULL;
    }
    free_pending(p);
    return ret;
}

/* ---- the public parts ------------------------------------------------------------- */

struct json_object *qapic_client_execute_fds(qapic_client *c,
                                             const char *command,
                                             struct json_object *args,
                                             const int *fds, size_t nfds,
                                             int timeout_ms,
                                             qapic_error **err)
{
    if (!c) {
        qapic_error_set(err, QAPIC_ERROR_INVALID, "no client");
        return NULL;
    }
    qapic_pending *p = qapic__send_request(c, command, args, false, fds,
                                           nfds, err);
    if (!p)
        return NULL;
    p->kind = PENDING_SYNC;
    return qapic__wait(c, p, timeout_ms, err);
}

struct json_object *qapic_client_execute(qapic_client *c, const char *command,
                                         struct json_object *args,
                                         int timeout_ms, qapic_error **err)
{
    return qapic_client_execute_fds(c, command, args, NULL, 0, timeout_ms,
                                    err);
}

uint64_t qapic_client_execute_async(qapic_client *c, const char *command,
                                    struct json_object *args, bool oob,
                                    qapic_reply_fn done, void *opaque,
                                    qapic_error **err)
{
    if (!c) {
        qapic_error_set(err, QAPIC_ERROR_INVALID, "no client");
        return 0;
    }
    if (oob && !c->oob_enabled) {
        qapic_error_set(err, QAPIC_ERROR_INVALID, "cannot send '%s' out of "
                        "band: OOB is not enabled on this connection",
                        command ? command : "");
        return 0;
    }
    qapic_pending *p = qapic__send_request(c, command, args, oob, NULL, 0,
                                           err);
    if (!p)
        return 0;
    p->kind = PENDING_ASYNC;
    p->done = done;
    p->opaque = opaque;
    p->timeout_ms = c->opt.call_timeout_ms;
    if (c->opt.call_timeout_ms > 0)
        p->deadline = qapic__now_ms() + c->opt.call_timeout_ms;
    return p->id;
}

int qapic_client_next_timeout(const qapic_client *c)
{
    int64_t first = -1;
    for (const qapic_pending *p = c ? c->pending : NULL; p; p = p->next) {
        if (p->kind != PENDING_ASYNC)
            continue;
        /* Written and waiting for nothing: due now. */
        if (p->no_reply && written(c, p))
            return 0;
        if (p->deadline >= 0 && (first < 0 || p->deadline < first))
            first = p->deadline;
    }
    return qapic__ms_left(first);
}

int qapic_client_fd(const qapic_client *c)
{
    return c ? c->fd : -1;
}

bool qapic_client_wants_write(const qapic_client *c)
{
    return c && c->fd >= 0 && c->out_head;
}

/* ---- listeners and the queue ----------------------------------------------------- */

uint64_t qapic__add_listener(qapic_client *c, qapic_listener *l,
                             qapic_error **err)
{
    l->handle = c->next_handle++;
    qapic_listener **pp = &c->listeners;
    while (*pp)
        pp = &(*pp)->next;
    *pp = l;
    (void)err;
    return l->handle;
}

uint64_t qapic_client_on_event(qapic_client *c, const char *name,
                               qapic_event_fn fn, void *opaque,
                               qapic_error **err)
{
    if (!c || !fn) {
        qapic_error_set(err, QAPIC_ERROR_INVALID, "no client or callback");
        return 0;
    }
    qapic_listener *l = calloc(1, sizeof *l);
    if (!l || (name && !(l->name = qapic_rt_strdup(name)))) {
        free(l);
        qapic_error_set(err, QAPIC_ERROR_NOMEM, "out of memory");
        return 0;
    }
    l->fn = fn;
    l->opaque = opaque;
    return qapic__add_listener(c, l, err);
}

void qapic_client_remove_listener(qapic_client *c, uint64_t handle)
{
    for (qapic_listener *l = c ? c->listeners : NULL; l; l = l->next)
        if (l->handle == handle)
            l->removed = true;
    if (c)
        compact_listeners(c);
}

void qapic__dispatch_fini(qapic_client *c)
{
    c->dispatching = 0;
    for (qapic_listener *l = c->listeners; l; l = l->next)
        l->removed = true;
    compact_listeners(c);
    while (c->queue_head) {
        qapic_queued_event *q = c->queue_head;
        c->queue_head = q->next;
        qapic_event_msg_free(&q->msg);
    }
    c->queue_tail = NULL;
    c->nqueued = 0;
    while (c->pending) {
        qapic_pending *p = c->pending;
        c->pending = p->next;
        free_pending(p);
    }
}

/* Unlinks and returns the first queued event named NAME (any if NULL). */
static qapic_queued_event *take_event(qapic_client *c, const char *name)
{
    qapic_queued_event *prev = NULL;
    for (qapic_queued_event *q = c->queue_head; q; prev = q, q = q->next) {
        if (name && strcmp(q->msg.name, name))
            continue;
        if (prev)
            prev->next = q->next;
        else
            c->queue_head = q->next;
        if (c->queue_tail == q)
            c->queue_tail = prev;
        c->nqueued--;
        q->next = NULL;
        return q;
    }
    return NULL;
}

qapic_event_msg *qapic_client_next_event(qapic_client *c, const char *name,
                                         int timeout_ms, qapic_error **err)
{
    if (!c) {
        qapic_error_set(err, QAPIC_ERROR_INVALID, "no client");
        return NULL;
    }
    int64_t deadline = timeout_ms < 0 ? -1 : qapic__now_ms() + timeout_ms;
    for (;;) {
        qapic_queued_event *q = take_event(c, name);
        if (q)
            return &q->msg;
        int left = qapic__ms_left(deadline);
        if (left == 0)
            return NULL;
        if (qapic__pump(c, left, err) < 0)
            return NULL;
    }
}

void qapic_event_msg_free(qapic_event_msg *ev)
{
    if (!ev)
        return;
    /* Every message handed out is the msg member of a queued event. */
    qapic_queued_event *q = (qapic_queued_event *)
        ((char *)ev - offsetof(qapic_queued_event, msg));
    if (ev->raw)
        json_object_put(ev->raw);
    free(q);
}

uint64_t qapic_client_dropped_events(const qapic_client *c)
{
    return c ? c->dropped : 0;
}
