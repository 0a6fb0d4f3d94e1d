/* The scripted QMP peer of the runtime's test support (qapic/testpeer.h).
 *
 * The peer's thread owns everything it touches while it runs (its socket,
 * its stream reader, the script's JSON); what the test's thread may read
 * meanwhile (the failure, the records of requests and fds) is behind a
 * mutex, and the records are deep copies, since json-c objects are not
 * safe to share between threads. */
#include "qapic/testpeer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "internal/client.h"

#define DEFAULT_TIMEOUT_MS 5000
#define PEER_MAX_MESSAGE ((size_t)64 << 20)
#define QUOTE_MAX 300

typedef enum step_kind {
    ST_SEND,            /* BYTES */
    ST_EXPECT,          /* JSON (the request), NFDS */
    ST_REPLY,           /* JSON (the reply), REF */
    ST_EVENT,           /* WHAT (the name), JSON (data or NULL) */
    ST_REPEAT,          /* BYTE, COUNT */
    ST_PAUSE,           /* MS */
    ST_EXPECT_CLOSE,
    ST_DISCONNECT,
    ST_BAD,             /* a step that could not be built: skipped */
} step_kind;

typedef struct step {
    step_kind kind;
    char *bytes;
    size_t len;
    struct json_object *json;
    int ref;
    size_t nfds;
    char byte;
    size_t count;
    int ms;
    char *what;         /* for messages */
} step;

typedef struct inmsg {
    struct inmsg *next;
    struct json_object *v;
} inmsg;

struct qapic_testpeer {
    int sock;                   /* the peer's end */
    int listen_fd;              /* accept on it first, or -1 */
    int client_end;             /* until handed out */
    int wake[2];                /* a byte in it stops the thread */
    step *steps;
    size_t nsteps, cap;
    int nexpect;
    char *schema_text;          /* query-qmp-schema's return, serialized */
    int timeout_ms;

    pthread_t thread;
    bool started;
    pthread_mutex_t mu;         /* guards what follows */
    pthread_cond_t cv;
    bool script_done;
    size_t at;                  /* the step running */
    char *failure;
    char *result;               /* what finish returned */
    struct json_object **reqs;  /* deep copies, for the test's thread */
    size_t nreqs;
    int *fds;
    size_t nfds;

    /* the thread's own */
    qapic_stream in;
    inmsg *in_head, *in_tail;
    bool eof;
    size_t claimed;             /* fds taken by expect steps */
    struct json_object **ids;   /* per expected request, its id */
};

/* ---- helpers ---------------------------------------------------------------- */

static char *quote(struct json_object *v)
{
    const char *s = v ? json_object_to_json_string_ext(v,
                                                       JSON_C_TO_STRING_PLAIN)
                      : "nothing";
    return strlen(s) <= QUOTE_MAX ? qapic_rt_strdup(s)
                                  : qapic_rt_printf("%.*s...", QUOTE_MAX, s);
}

static void fail(qapic_testpeer *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Records the first failure and ends the conversation, so the client
 * under test sees the connection close instead of waiting. */
static void fail(qapic_testpeer *p, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&p->mu);
    if (!p->failure)
        p->failure = qapic_rt_strdup(buf);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (p->started) {
        shutdown(p->sock, SHUT_RDWR);
        p->eof = true;
    }
}

static step *add_step(qapic_testpeer *p, step_kind kind)
{
    static step dummy;
    if (!p)
        return &dummy;
    if (p->started) {
        fail(p, "a script step was added after the peer started");
        memset(&dummy, 0, sizeof dummy);
        return &dummy;
    }
    if (p->nsteps == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        step *s = realloc(p->steps, cap * sizeof *s);
        if (!s) {
            fail(p, "out of memory building the script");
            return &dummy;
        }
        p->steps = s;
        p->cap = cap;
    }
    step *s = &p->steps[p->nsteps++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    return s;
}

/* Parses TEXT for step S; a bad text makes the step ST_BAD and a failure. */
static struct json_object *parse_for(qapic_testpeer *p, step *s,
                                     const char *text, const char *what)
{
    struct json_object *v = text ? json_tokener_parse(text) : NULL;
    if (!v) {
        s->kind = ST_BAD;
        fail(p, "step %zu: the %s given to the script is not valid JSON: "
             "%s", p->nsteps, what, text ? text : "(null)");
    }
    return v;
}

/* ---- script building --------------------------------------------------- */

void qapic_testpeer_send(qapic_testpeer *p, const char *json)
{
    step *s = add_step(p, ST_SEND);
    struct json_object *v = parse_for(p, s, json, "message");
    if (v) {
        s->bytes = qapic_rt_printf("%s\r\n", json);
        s->len = s->bytes ? strlen(s->bytes) : 0;
        s->what = quote(v);
        json_object_put(v);
    }
}

void qapic_testpeer_raw(qapic_testpeer *p, const void *bytes, size_t len)
{
    step *s = add_step(p, ST_SEND);
    s->bytes = malloc(len ? len : 1);
    if (s->bytes) {
        memcpy(s->bytes, bytes, len);
        s->len = len;
    }
    s->what = qapic_rt_printf("%zu raw bytes", len);
}

void qapic_testpeer_repeat(qapic_testpeer *p, char byte, size_t count)
{
    step *s = add_step(p, ST_REPEAT);
    s->byte = byte;
    s->count = count;
    s->what = qapic_rt_printf("%zu times the byte 0x%02x", count,
                            (unsigned char)byte);
}

void qapic_testpeer_greeting(qapic_testpeer *p, const char *json)
{
    qapic_testpeer_send(p, json ? json :
        "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 2, \"minor\": 0, "
        "\"major\": 10}, \"package\": \"qapic-testpeer\"}, "
        "\"capabilities\": [\"oob\"]}}");
}

void qapic_testpeer_greeting_version(qapic_testpeer *p, int major, int minor,
                                     int micro)
{
    char buf[256];
    snprintf(buf, sizeof buf,
             "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": %d, \"minor\": "
             "%d, \"major\": %d}, \"package\": \"qapic-testpeer\"}, "
             "\"capabilities\": [\"oob\"]}}", micro, minor, major);
    qapic_testpeer_send(p, buf);
}

int qapic_testpeer_expect_fds(qapic_testpeer *p, const char *request,
                              size_t nfds)
{
    step *s = add_step(p, ST_EXPECT);
    s->json = parse_for(p, s, request, "request");
    s->nfds = nfds;
    s->what = s->json ? quote(s->json) : NULL;
    if (!p)
        return 0;
    s->ref = ++p->nexpect;
    return s->ref;
}

int qapic_testpeer_expect(qapic_testpeer *p, const char *request)
{
    return qapic_testpeer_expect_fds(p, request, 0);
}

void qapic_testpeer_reply_to(qapic_testpeer *p, int n, const char *reply)
{
    step *s = add_step(p, ST_REPLY);
    s->json = parse_for(p, s, reply, "reply");
    s->ref = n;
    s->what = s->json ? quote(s->json) : NULL;
    if (p && (n < 1 || n > p->nexpect)) {
        s->kind = ST_BAD;
        fail(p, "step %zu: a reply to request %d, which no earlier step "
             "expects", p->nsteps, n);
    }
}

void qapic_testpeer_reply(qapic_testpeer *p, const char *reply)
{
    qapic_testpeer_reply_to(p, p ? p->nexpect : 0, reply);
}

void qapic_testpeer_exchange(qapic_testpeer *p, const char *request,
                             const char *reply)
{
    qapic_testpeer_expect(p, request);
    qapic_testpeer_reply(p, reply);
}

void qapic_testpeer_handshake(qapic_testpeer *p)
{
    qapic_testpeer_greeting(p, NULL);
    qapic_testpeer_exchange(p, "{\"execute\": \"qmp_capabilities\"}",
                            "{\"return\": {}}");
}

void qapic_testpeer_event(qapic_testpeer *p, const char *name,
                          const char *data)
{
    step *s = add_step(p, ST_EVENT);
    s->what = qapic_rt_strdup(name ? name : "");
    if (data)
        s->json = parse_for(p, s, data, "event data");
}

void qapic_testpeer_pause(qapic_testpeer *p, int ms)
{
    step *s = add_step(p, ST_PAUSE);
    s->ms = ms;
    s->what = qapic_rt_printf("a pause of %d ms", ms);
}

void qapic_testpeer_expect_close(qapic_testpeer *p)
{
    step *s = add_step(p, ST_EXPECT_CLOSE);
    s->what = qapic_rt_strdup("the client closing the connection");
}

void qapic_testpeer_disconnect(qapic_testpeer *p)
{
    step *s = add_step(p, ST_DISCONNECT);
    s->what = qapic_rt_strdup("closing the connection");
}

void qapic_testpeer_set_schema(qapic_testpeer *p, struct json_object *schema)
{
    if (!p || p->started)
        return;
    free(p->schema_text);
    p->schema_text = schema ? qapic_rt_strdup(json_object_to_json_string_ext(
        schema, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE))
                            : NULL;
}

void qapic_testpeer_set_timeout(qapic_testpeer *p, int ms)
{
    if (p && !p->started)
        p->timeout_ms = ms > 0 ? ms : DEFAULT_TIMEOUT_MS;
}

/* ---- lifetime ------------------------------------------------------------------ */

qapic_testpeer *qapic_testpeer_new(void)
{
    qapic_testpeer *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->timeout_ms = DEFAULT_TIMEOUT_MS;
    int sv[2] = { -1, -1 };
    p->wake[0] = p->wake[1] = -1;
    p->listen_fd = -1;
    bool ok = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0;
    p->sock = sv[0];
    p->client_end = sv[1];
    ok = ok && pipe(p->wake) == 0
        && qapic__stream_init(&p->in, PEER_MAX_MESSAGE, "the client") == 0;
    if (!ok) {
        qapic_testpeer_free(p);
        return NULL;
    }
    fcntl(p->sock, F_SETFL, fcntl(p->sock, F_GETFL) | O_NONBLOCK);
    fcntl(p->wake[0], F_SETFD, FD_CLOEXEC);
    fcntl(p->wake[1], F_SETFD, FD_CLOEXEC);
    return p;
}

void qapic_testpeer_free(qapic_testpeer *p)
{
    if (!p)
        return;
    if (p->started) {
        ssize_t n = write(p->wake[1], "x", 1);
        (void)n;
        pthread_join(p->thread, NULL);
    }
    if (p->sock >= 0)
        close(p->sock);
    if (p->listen_fd >= 0)
        close(p->listen_fd);
    if (p->client_end >= 0)
        close(p->client_end);
    if (p->wake[0] >= 0)
        close(p->wake[0]);
    if (p->wake[1] >= 0)
        close(p->wake[1]);
    for (size_t i = 0; i < p->nsteps; i++) {
        free(p->steps[i].bytes);
        free(p->steps[i].what);
        if (p->steps[i].json)
            json_object_put(p->steps[i].json);
    }
    free(p->steps);
    for (int i = 0; p->ids && i < p->nexpect; i++)
        if (p->ids[i])
            json_object_put(p->ids[i]);
    free(p->ids);
    while (p->in_head) {
        inmsg *m = p->in_head;
        p->in_head = m->next;
        json_object_put(m->v);
        free(m);
    }
    for (size_t i = 0; i < p->nreqs; i++)
        json_object_put(p->reqs[i]);
    free(p->reqs);
    for (size_t i = 0; i < p->nfds; i++)
        close(p->fds[i]);
    free(p->fds);
    qapic__stream_fini(&p->in);
    free(p->schema_text);
    free(p->failure);
    free(p->result);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}

/* ---- the thread's I/O ------------------------------------------------------- */

typedef enum got {
    GOT_REQUEST,
    GOT_CLOSED,         /* the client closed the connection (or it failed) */
    GOT_TIMEOUT,
    GOT_STOPPED,        /* qapic_testpeer_free() */
} got;

/* Waits for EVENTS on the socket (none: just the wake pipe) up to MS (-1:
 * forever).  1 ready, 0 timed out, -1 stopped. */
static int wait_for(qapic_testpeer *p, short events, int ms)
{
    struct pollfd pf[2] = { { .fd = p->wake[0], .events = POLLIN },
                            { .fd = p->sock, .events = events } };
    int r;
    while ((r = poll(pf, events && p->sock >= 0 ? 2 : 1, ms)) < 0
           && errno == EINTR)
        ;
    if (r < 0 || pf[0].revents)
        return -1;
    return r > 0;
}

/* Writes everything unless the client has gone (false; not a failure). */
static bool write_all(qapic_testpeer *p, const char *buf, size_t len,
                      bool *stopped)
{
    while (len && !p->eof) {
        ssize_t n = send(p->sock, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_for(p, POLLOUT, -1) < 0) {
                *stopped = true;
                return false;
            }
        } else {
            p->eof = true;
        }
    }
    return len == 0;
}

static bool on_value(void *opaque, struct json_object *v)
{
    qapic_testpeer *p = opaque;
    inmsg *m = calloc(1, sizeof *m);
    struct json_object *copy = NULL;
    if (!m || json_object_deep_copy(v, &copy, NULL) < 0) {
        free(m);
        json_object_put(v);
        return true;
    }
    m->v = v;
    if (p->in_tail)
        p->in_tail->next = m;
    else
        p->in_head = m;
    p->in_tail = m;
    pthread_mutex_lock(&p->mu);
    struct json_object **r = realloc(p->reqs, (p->nreqs + 1) * sizeof *r);
    if (r) {
        p->reqs = r;
        p->reqs[p->nreqs++] = copy;
    } else {
        json_object_put(copy);
    }
    pthread_mutex_unlock(&p->mu);
    return true;
}

static void keep_fds(qapic_testpeer *p, int *fds, size_t n)
{
    pthread_mutex_lock(&p->mu);
    int *all = realloc(p->fds, (p->nfds + n) * sizeof *all);
    for (size_t i = 0; i < n; i++) {
        if (all)
            all[p->nfds++] = fds[i];
        else
            close(fds[i]);
    }
    if (all)
        p->fds = all;
    pthread_mutex_unlock(&p->mu);
    free(fds);
}

/* Reads once, waiting up to MS.  1 read (or closed), 0 timed out, -1
 * stopped. */
static int read_more(qapic_testpeer *p, int ms)
{
    int r = wait_for(p, POLLIN, ms);
    if (r <= 0)
        return r;
    char buf[65536];
    int *fds = NULL;
    size_t nfds = 0;
    long n = qapic__recv(p->sock, buf, sizeof buf, &fds, &nfds);
    if (nfds)
        keep_fds(p, fds, nfds);
    else
        free(fds);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 1;
    if (n <= 0) {
        p->eof = true;
        return 1;
    }
    qapic_error *e = NULL;
    if (qapic__stream_feed(&p->in, buf, (size_t)n, on_value, p, &e) < 0) {
        fail(p, "the client sent invalid JSON: %s", e ? e->message : "?");
        qapic_error_free(e);
    }
    return 1;
}

static bool is_schema_request(struct json_object *v)
{
    const char *ex = qapic__json_str(v, "execute");
    return ex && !strcmp(ex, "query-qmp-schema");
}

static void answer_schema(qapic_testpeer *p, struct json_object *req,
                          bool *stopped)
{
    struct json_object *id = NULL;
    char *text = json_object_object_get_ex(req, "id", &id)
        ? qapic_rt_printf("{\"return\": %s, \"id\": %s}\r\n", p->schema_text,
                        json_object_to_json_string(id))
        : qapic_rt_printf("{\"return\": %s}\r\n", p->schema_text);
    if (text)
        write_all(p, text, strlen(text), stopped);
    free(text);
}

/* The next request (the caller puts it), answering query-qmp-schema on
 * the way when a schema is set and the step does not expect it. */
static got next_request(qapic_testpeer *p, int64_t deadline, bool for_schema,
                        struct json_object **req, bool *stopped)
{
    for (;;) {
        while (p->in_head) {
            inmsg *m = p->in_head;
            p->in_head = m->next;
            if (!p->in_head)
                p->in_tail = NULL;
            *req = m->v;
            free(m);
            if (!p->schema_text || for_schema || !is_schema_request(*req))
                return GOT_REQUEST;
            answer_schema(p, *req, stopped);
            json_object_put(*req);
        }
        *req = NULL;
        if (*stopped)
            return GOT_STOPPED;
        if (p->eof)
            return GOT_CLOSED;
        int left = qapic__ms_left(deadline);
        if (left == 0)
            return GOT_TIMEOUT;
        if (read_more(p, left) < 0) {
            *stopped = true;
            return GOT_STOPPED;
        }
    }
}

/* ---- steps ----------------------------------------------------------------------- */

static const char *why_none(got g, int timeout_ms, char *buf, size_t n)
{
    if (g == GOT_TIMEOUT)
        snprintf(buf, n, "none came within %d ms", timeout_ms);
    else
        snprintf(buf, n, "the client closed the connection");
    return buf;
}

static void run_expect(qapic_testpeer *p, size_t i, step *s, bool *stopped)
{
    struct json_object *req = NULL;
    char why[64];
    got g = next_request(p, qapic__now_ms() + p->timeout_ms,
                         is_schema_request(s->json), &req, stopped);
    if (g == GOT_STOPPED)
        return;
    if (g != GOT_REQUEST) {
        fail(p, "step %zu: expected the request %s, but %s", i + 1, s->what,
             why_none(g, p->timeout_ms, why, sizeof why));
        return;
    }
    struct json_object *copy = NULL, *id = NULL;
    json_object_deep_copy(req, &copy, NULL);
    if (json_object_object_get_ex(req, "id", &id) && id)
        p->ids[s->ref - 1] = json_object_get(id);
    if (copy)
        json_object_object_del(copy, "id");
    if (!copy || !json_object_equal(copy, s->json)) {
        char *q = quote(req);
        fail(p, "step %zu: expected the request %s, got %s", i + 1, s->what,
             q ? q : "?");
        free(q);
    } else if (s->nfds) {
        pthread_mutex_lock(&p->mu);
        size_t have = p->nfds - p->claimed;
        if (have >= s->nfds)
            p->claimed += s->nfds;
        pthread_mutex_unlock(&p->mu);
        if (have < s->nfds)
            fail(p, "step %zu: the request %s came with %zu file "
                 "descriptors, expected %zu", i + 1, s->what, have, s->nfds);
    }
    if (copy)
        json_object_put(copy);
    json_object_put(req);
}

static void send_json(qapic_testpeer *p, struct json_object *v,
                      bool *stopped)
{
    char *text = qapic_rt_printf("%s\r\n", json_object_to_json_string_ext(
        v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    if (text)
        write_all(p, text, strlen(text), stopped);
    free(text);
}

static void run_reply(qapic_testpeer *p, step *s, bool *stopped)
{
    struct json_object *r = NULL;
    if (json_object_deep_copy(s->json, &r, NULL) < 0 || !r)
        return;
    struct json_object *id = p->ids[s->ref - 1];
    if (id && json_object_is_type(r, json_type_object)
        && !json_object_object_get_ex(r, "id", NULL))
        json_object_object_add(r, "id", json_object_get(id));
    send_json(p, r, stopped);
    json_object_put(r);
}

static void run_event(qapic_testpeer *p, step *s, bool *stopped)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct json_object *ev = json_object_new_object();
    struct json_object *ts = json_object_new_object();
    json_object_object_add(ev, "event", json_object_new_string(s->what));
    if (s->json)
        json_object_object_add(ev, "data", json_object_get(s->json));
    json_object_object_add(ts, "seconds", json_object_new_int64(tv.tv_sec));
    json_object_object_add(ts, "microseconds",
                           json_object_new_int64(tv.tv_usec));
    json_object_object_add(ev, "timestamp", ts);
    send_json(p, ev, stopped);
    json_object_put(ev);
}

static void run_repeat(qapic_testpeer *p, step *s, bool *stopped)
{
    char buf[65536];
    memset(buf, s->byte, sizeof buf);
    for (size_t left = s->count; left && !p->eof && !*stopped;) {
        size_t n = left < sizeof buf ? left : sizeof buf;
        if (!write_all(p, buf, n, stopped))
            break;
        left -= n;
    }
}

static void run_expect_close(qapic_testpeer *p, size_t i, step *s,
                             bool *stopped)
{
    struct json_object *req = NULL;
    char why[64];
    got g = next_request(p, qapic__now_ms() + p->timeout_ms, false, &req,
                         stopped);
    if (g == GOT_REQUEST) {
        char *q = quote(req);
        fail(p, "step %zu: expected %s, got the request %s", i + 1, s->what,
             q ? q : "?");
        free(q);
        json_object_put(req);
    } else if (g == GOT_TIMEOUT) {
        fail(p, "step %zu: expected %s, but %s", i + 1, s->what,
             why_none(g, p->timeout_ms, why, sizeof why));
    }
}

static void run_step(qapic_testpeer *p, size_t i, bool *stopped)
{
    step *s = &p->steps[i];
    switch (s->kind) {
    case ST_SEND:
        write_all(p, s->bytes, s->len, stopped);
        break;
    case ST_EXPECT:
        run_expect(p, i, s, stopped);
        break;
    case ST_REPLY:
        run_reply(p, s, stopped);
        break;
    case ST_EVENT:
        run_event(p, s, stopped);
        break;
    case ST_REPEAT:
        run_repeat(p, s, stopped);
        break;
    case ST_PAUSE:
        if (wait_for(p, 0, s->ms) < 0)
            *stopped = true;
        break;
    case ST_EXPECT_CLOSE:
        run_expect_close(p, i, s, stopped);
        break;
    case ST_DISCONNECT:
        /* shutdown, not close: the client reads to the end of what was
         * sent and then sees the end of the stream. */
        shutdown(p->sock, SHUT_RDWR);
        p->eof = true;
        break;
    case ST_BAD:
        break;
    }
}

/* Replaces the socketpair by the first connection on the listening
 * socket. */
static bool accept_first(qapic_testpeer *p, bool *stopped)
{
    struct pollfd pf[2] = { { .fd = p->wake[0], .events = POLLIN },
                            { .fd = p->listen_fd, .events = POLLIN } };
    int r;
    while ((r = poll(pf, 2, p->timeout_ms)) < 0 && errno == EINTR)
        ;
    if (r > 0 && pf[0].revents) {
        *stopped = true;
        return false;
    }
    int fd = r > 0 ? accept(p->listen_fd, NULL, NULL) : -1;
    close(p->listen_fd);
    p->listen_fd = -1;
    if (fd < 0) {
        fail(p, "no client connected within %d ms", p->timeout_ms);
        return false;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    close(p->sock);
    p->sock = fd;
    return true;
}

static void *peer_main(void *opaque)
{
    qapic_testpeer *p = opaque;
    bool stopped = false;
    if (p->listen_fd >= 0 && !accept_first(p, &stopped))
        p->eof = true;
    for (size_t i = 0; i < p->nsteps && !stopped; i++) {
        pthread_mutex_lock(&p->mu);
        p->at = i;
        pthread_mutex_unlock(&p->mu);
        run_step(p, i, &stopped);
        if (p->steps[i].kind == ST_DISCONNECT)
            break;
    }
    pthread_mutex_lock(&p->mu);
    p->script_done = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    /* Serve on: only query-qmp-schema may come now. */
    while (!stopped) {
        struct json_object *req = NULL;
        if (next_request(p, -1, false, &req, &stopped) != GOT_REQUEST)
            break;
        char *q = quote(req);
        fail(p, "a request after the end of the script: %s", q ? q : "?");
        free(q);
        json_object_put(req);
    }
    return NULL;
}

/* ---- running ---------------------------------------------------------------------- */

int qapic_testpeer_start_listening(qapic_testpeer *p, int listen_fd)
{
    if (!p || p->started || listen_fd < 0) {
        if (listen_fd >= 0)
            close(listen_fd);
        return -1;
    }
    p->listen_fd = listen_fd;
    int fd = qapic_testpeer_start(p);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

int qapic_testpeer_start(qapic_testpeer *p)
{
    if (!p || p->started)
        return -1;
    p->ids = calloc(p->nexpect ? (size_t)p->nexpect : 1, sizeof *p->ids);
    if (!p->ids)
        return -1;
    p->started = true;
    if (p->failure) {
        /* A broken script: let the client fail at once. */
        shutdown(p->sock, SHUT_RDWR);
        p->eof = true;
    }
    if (pthread_create(&p->thread, NULL, peer_main, p) != 0) {
        p->started = false;
        return -1;
    }
    int fd = p->client_end;
    p->client_end = -1;
    return fd;
}

qapic_client *qapic_testpeer_connect(qapic_testpeer *p,
                                     const qapic_client_options *o,
                                     qapic_error **err)
{
    int fd = qapic_testpeer_start(p);
    if (fd < 0) {
        qapic_error_set(err, QAPIC_ERROR_INVALID,
                        "the test peer could not start");
        return NULL;
    }
    qapic_client *c = qapic_client_new(o, err);
    if (!c) {
        close(fd);
        return NULL;
    }
    if (qapic_client_attach_fd(c, fd, true, err) < 0) {
        qapic_client_free(c);
        return NULL;
    }
    return c;
}

const char *qapic_testpeer_finish(qapic_testpeer *p)
{
    if (!p)
        return "no test peer";
    /* A second more than a step waits, so that a step timing out reports
     * itself rather than being cut short here. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += p->timeout_ms / 1000 + 1;
    until.tv_nsec += (long)(p->timeout_ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&p->mu);
    while (p->started && !p->script_done && !p->failure)
        if (pthread_cond_timedwait(&p->cv, &p->mu, &until) == ETIMEDOUT)
            break;
    free(p->result);
    if (p->failure)
        p->result = qapic_rt_strdup(p->failure);
    else if (!p->started)
        p->result = qapic_rt_strdup("the test peer was never started");
    else if (!p->script_done)
        p->result = qapic_rt_printf(
            "the script did not end within %d ms: it waits at step %zu (%s)",
            p->timeout_ms + 1000, p->at + 1,
            p->steps[p->at].what ? p->steps[p->at].what : "?");
    else
        p->result = NULL;
    pthread_mutex_unlock(&p->mu);
    return p->result;
}

size_t qapic_testpeer_nrequests(qapic_testpeer *p)
{
    if (!p)
        return 0;
    pthread_mutex_lock(&p->mu);
    size_t n = p->nreqs;
    pthread_mutex_unlock(&p->mu);
    return n;
}

struct json_object *qapic_testpeer_request(qapic_testpeer *p, size_t i)
{
    if (!p)
        return NULL;
    pthread_mutex_lock(&p->mu);
    struct json_object *r = i < p->nreqs ? p->reqs[i] : NULL;
    pthread_mutex_unlock(&p->mu);
    return r;
}

int qapic_testpeer_received_fd(qapic_testpeer *p, size_t i)
{
    if (!p)
        return -1;
    pthread_mutex_lock(&p->mu);
    int fd = i < p->nfds ? p->fds[i] : -1;
    pthread_mutex_unlock(&p->mu);
    return fd;
}

/* ---- capability dumps --------------------------------------------------------------- */

typedef struct values {
    struct json_object **v;
    size_t n;
} values;

static bool collect_value(void *opaque, struct json_object *v)
{
    values *vs = opaque;
    struct json_object **g = realloc(vs->v, (vs->n + 1) * sizeof *g);
    if (!g) {
        json_object_put(v);
        return false;
    }
    vs->v = g;
    vs->v[vs->n++] = v;
    return true;
}

static char *read_file(const char *path, size_t *len, qapic_error **err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    if (!f) {
        char *op = qapic_rt_printf("open %s", path);
        qapic__error_give(err, qapic__error_transport(errno, op ? op : path));
        free(op);
        return NULL;
    }
    for (;;) {
        if (*len == cap) {
            cap = cap ? 2 * cap : 1 << 20;
            char *g = realloc(buf, cap);
            if (!g)
                break;
            buf = g;
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    return buf;
}

struct json_object *qapic_testpeer_dump_return(const char *path,
                                               const char *command,
                                               qapic_error **err)
{
    size_t len;
    char *text = path && command ? read_file(path, &len, err) : NULL;
    if (!text) {
        if (!path || !command)
            qapic_error_set(err, QAPIC_ERROR_INVALID, "no path or command");
        return NULL;
    }
    qapic_stream s;
    values vs = { NULL, 0 };
    struct json_object *ret = NULL;
    int rc = qapic__stream_init(&s, len + 1, path);
    if (rc == 0) {
        rc = qapic__stream_feed(&s, text, len, collect_value, &vs, err);
        if (rc == 0)
            rc = qapic__stream_eof(&s, err);
        qapic__stream_fini(&s);
    }
    for (size_t i = 0; rc == 0 && !ret && i + 1 < vs.n; i++) {
        const char *ex = qapic__json_str(vs.v[i], "execute");
        struct json_object *r = NULL;
        if (ex && !strcmp(ex, command)
            && json_object_object_get_ex(vs.v[i + 1], "return", &r))
            ret = json_object_get(r);
    }
    if (rc == 0 && !ret)
        qapic_error_set(err, QAPIC_ERROR_INVALID, "%s holds no successful "
                        "reply to '%s'", path, command);
    for (size_t i = 0; i < vs.n; i++)
        json_object_put(vs.v[i]);
    free(vs.v);
    free(text);
    return ret;
}
