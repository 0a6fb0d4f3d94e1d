#define _GNU_SOURCE  /* memmem */
/* libFuzzer target: the runtime's QMP client (qapic/client.h) against a
 * hostile server.  The input (after an options byte) is everything the
 * "QEMU" on the other end of a socketpair sends -- greeting, replies,
 * events, garbage, long lines -- in parts separated by NUL bytes: a
 * thread sends the first part at once and each next one when a request
 * came (or after a pause), then ends the stream, so that every wait of
 * the client must end by the input's end at the latest.
 *
 * The client negotiates, sends asynchronous commands (they are in flight
 * while the rest of the input is read), a blocking one, a typed one (which
 * fetches query-qmp-schema from the server first and checks the call
 * against it), a schema query and a check of a call, listens to events
 * (one listener runs a blocking call of its own, one removes itself, one
 * is typed), takes the queued events, and processes until the connection
 * is gone.  Checked beyond "no crash, no leak":
 *   - no hang: no call ever times out (a call's timeout is far beyond
 *     what reading the input takes) and the loop ends with the stream;
 *   - every asynchronous call completes exactly once, by the time the
 *     client is freed;
 *   - the text of each message handed to the recorder is found in what
 *     the server sent, in order.
 * The options byte: bit 0 want oob, bit 1 string ids ("libvirt-N"), bit 2
 * a recorder of message texts, bits 3-4 the message size cap (64 MiB,
 * 64, 1000 or 10000 bytes), bit 5 a queue of 2 events, bit 6 the schema
 * query and call check, bit 7 an event listener that runs a call. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "qapic/client.h"
#include "qapic/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Generous: under the sanitizers the whole input is read in milliseconds. */
#define CALL_TIMEOUT_MS 20000
#define MAX_INPUT 65536
#define NASYNC 3
/* How long the server waits for a request before it sends on. */
#define PAUSE_MS 1
/* Parts after which it waits: later separators are only dropped. */
#define MAX_PAUSES 8

static void broken(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_client: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

struct run {
    char *sent;                 /* the input without the separators */
    size_t len, seen_to;        /* the recorder's position in it */
    bool taken[NASYNC];         /* the async calls the client took */
    unsigned done[NASYNC];      /* and their completions */
    unsigned events;
    bool nested_call;           /* the listener ran its call */
};

/* Every error is fine but a timeout: the input ends, so nothing waits. */
static void check_error(qapic_error *e)
{
    if (!e)
        return;
    if (e->kind == QAPIC_ERROR_TIMEOUT)
        broken("a call timed out: the client did not see the end of the "
               "stream", e->message);
    if (!e->message)
        broken("an error without a message", NULL);
    qapic_error_free(e);
}

static void on_done(qapic_client *c, struct json_object *ret, qapic_error *err,
                    void *opaque)
{
    unsigned *count = opaque;
    (void)c;
    ++*count;
    if (ret && err)
        broken("a call completed with both a return value and an error", NULL);
    if (ret)
        json_object_put(ret);
    check_error(err);
}

static void on_text(void *opaque, const char *text, size_t len)
{
    struct run *r = opaque;
    if (!text)
        return;
    if (!len)
        broken("the recorder got an empty message", NULL);
    const char *in = r->sent + r->seen_to;
    const char *at = memmem(in, r->len - r->seen_to, text, len);
    if (!at)
        broken("the recorder got text the server did not send", NULL);
    r->seen_to = (size_t)(at - r->sent) + len;
}

static void on_event(qapic_client *c, const qapic_event_msg *ev, void *opaque)
{
    struct run *r = opaque;
    if (!ev->name || !ev->raw)
        broken("an event without name or message", NULL);
    r->events++;
    if (!r->nested_call) {
        r->nested_call = true;
        qapic_error *e = NULL;
        struct json_object *ret =
            qapic_client_execute(c, "query-status", NULL, 0, &e);
        if (ret)
            json_object_put(ret);
        check_error(e);
    }
}

static void on_typed_event(qapic_client *c, const qapic_event_msg *ev,
                           const void *data, void *opaque)
{
    (void)c;
    (void)data;
    if (!ev->name || strcmp(ev->name, "RESUME"))
        broken("a typed listener got another event", ev->name);
    ((struct run *)opaque)->events++;
}

static void on_event_once(qapic_client *c, const qapic_event_msg *ev,
                          void *opaque)
{
    (void)ev;
    qapic_client_remove_listener(c, *(uint64_t *)opaque);
}

static void talk(qapic_client *c, struct run *r, unsigned opts)
{
    qapic_error *e = NULL;
    static const char *const commands[NASYNC] = {
        "query-status", "query-version", "query-commands",
    };
    for (int i = 0; i < NASYNC; i++) {
        struct json_object *args = NULL;
        if (i == 1) {
            args = json_object_new_object();
            json_object_object_add(args, "x", json_object_new_int(i));
        }
        r->taken[i] = qapic_client_execute_async(c, commands[i], args,
                                                (opts & 1) && i == 2, on_done,
                                                &r->done[i], &e) != 0;
        check_error(e);
        e = NULL;
        if (args)
            json_object_put(args);
    }
    struct json_object *ret = qapic_client_execute(c, "query-kvm", NULL, 0, &e);
    if (ret)
        json_object_put(ret);
    check_error(e);
    e = NULL;

    /* A typed call: the connected QEMU's schema is fetched first, and the
     * call checked against it. */
    static const qapic_command typed = { .name = "query-status",
                                         .ret_type = &qapic_type_any };
    void *box = NULL;
    if (qapic_client_call(c, &typed, NULL, &box, &e) == 0)
        qapic_free(&qapic_type_any, box);
    check_error(e);
    e = NULL;

    if (opts & 0x40) {
        if (qapic_client_supports(c, "query-status/ret-type/status", &e) < 0)
            check_error(e);
        e = NULL;
        struct json_object *args = json_object_new_object();
        json_object_object_add(args, "uri", json_object_new_string("tcp:x"));
        if (qapic_client_check_call(c, "migrate", args, &e) < 0)
            check_error(e);
        e = NULL;
        json_object_put(args);
    }

    qapic_event_msg *ev;
    while ((ev = qapic_client_next_event(c, NULL, 0, &e)))
        qapic_event_msg_free(ev);
    check_error(e);
    e = NULL;

    /* The rest of the stream, as an event loop would read it. */
    for (unsigned round = 0;; round++) {
        if (round > 100000)
            broken("the client does not get to the end of the stream", NULL);
        int fd = qapic_client_fd(c);
        if (fd < 0)
            break;
        struct pollfd p = { fd, POLLIN, 0 };
        if (qapic_client_wants_write(c))
            p.events |= POLLOUT;
        if (poll(&p, 1, CALL_TIMEOUT_MS) == 0)
            broken("the client waits for nothing", NULL);
        if (qapic_client_process(c, &e) < 0) {
            check_error(e);
            break;
        }
    }
}

/* The server: sends the first part of the input at once and each further
 * part after a request arrived (or after a pause, so that a client that
 * waits for nothing still gets the rest), then ends the stream and reads
 * what the client sends until it closes. */
struct server {
    int fd;
    const char *input;
    size_t len;
};

/* Waits up to PAUSE_MS for a request line; false once the client closed. */
static bool await_request(int fd)
{
    char buf[4096];
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, PAUSE_MS) <= 0)
            return true;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        if (memchr(buf, '\n', (size_t)n))
            return true;
    }
}

static void *serve(void *arg)
{
    struct server *sv = arg;
    const char *p = sv->input, *end = sv->input + sv->len;
    bool open = true;
    for (unsigned part = 0; p < end && open; part++) {
        const char *nul = memchr(p, '\0', (size_t)(end - p));
        const char *stop = nul ? nul : end;
        while (p < stop) {
            ssize_t n = send(sv->fd, p, (size_t)(stop - p), MSG_NOSIGNAL);
            if (n <= 0) {
                if (n < 0 && errno == EINTR)
                    continue;
                open = false;
                break;
            }
            p += n;
        }
        p = stop + (stop < end);
        if (open && p < end && part < MAX_PAUSES)
            open = await_request(sv->fd);
    }
    shutdown(sv->fd, SHUT_WR);
    char buf[4096];
    while (read(sv->fd, buf, sizeof buf) > 0)
        ;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size || size > MAX_INPUT)
        return 0;
    unsigned opts = data[0];
    struct run r = { .sent = malloc(size) };
    for (size_t i = 1; i < size; i++)
        if (data[i])
            r.sent[r.len++] = (char)data[i];
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        broken("socketpair", strerror(errno));
    struct server srv = { sv[1], (const char *)data + 1, size - 1 };
    pthread_t thread;
    if (pthread_create(&thread, NULL, serve, &srv))
        broken("pthread_create", NULL);

    static const size_t caps[4] = { 0, 64, 1000, 10000 };
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.call_timeout_ms = CALL_TIMEOUT_MS;
    o.want_oob = opts & 1;
    o.max_message = caps[(opts >> 3) & 3];
    o.max_events = opts & 0x20 ? 2 : 0;
    qapic_error *e = NULL;
    qapic_client *c = qapic_client_new(&o, &e);
    if (!c)
        broken("qapic_client_new", e ? e->message : NULL);
    if ((opts & 2) && qapic_client_set_id_prefix(c, "libvirt-", &e) < 0)
        broken("qapic_client_set_id_prefix", e ? e->message : NULL);
    if (opts & 4)
        qapic_client_on_message_text(c, on_text, &r);
    uint64_t once = 0;
    if ((opts & 0x80) && !qapic_client_on_event(c, NULL, on_event, &r, &e))
        broken("qapic_client_on_event", NULL);
    if (!(once = qapic_client_on_event(c, "STOP", on_event_once, &once, &e)))
        broken("qapic_client_on_event", NULL);
    static const qapic_event resume = { .name = "RESUME" };
    if (!qapic_client_on_typed_event(c, &resume, on_typed_event, &r, &e))
        broken("qapic_client_on_typed_event", NULL);
    if (!(opts & 0x80))
        r.nested_call = true;

    if (qapic_client_attach_fd(c, sv[0], true, &e) == 0)
        talk(c, &r, opts);
    else
        check_error(e);
    qapic_client_free(c);
    pthread_join(thread, NULL);
    close(sv[1]);
    for (int i = 0; i < NASYNC; i++)
        if (r.done[i] != r.taken[i])
            broken(r.done[i] ? "an asynchronous call completed twice, or "
                               "one the client refused"
                             : "an asynchronous call never completed", NULL);
    free(r.sent);
    return 0;
}
