/* Private to the QMP client of libqapic-runtime: the client's state and the
 * functions its files share (never installed).  Cross-file functions are
 * named qapic__*: exported from the library only because C has no other
 * way, not part of the API.
 *
 * Files, one per concern:
 *   client.c     options, lifetime, greeting and negotiation, accessors
 *   transport.c  connect (UNIX, TCP) with timeout and retry, send with
 *                SCM_RIGHTS, receive; no SIGPIPE
 *   stream.c     the QMP stream reader (JSON messages out of a byte stream)
 *   dispatch.c   ids, pending calls, replies, events, the I/O loop
 *   remote_schema.c  the connected QEMU's schema, fetched once and indexed
 *   supports.c   qapic_client_supports: the query syntax of `qapic query`
 *   argcheck.c   the check of a call's arguments against that schema
 *   call.c       typed calls and typed event listeners
 *   errors.c     helpers to build the runtime's errors
 */
#ifndef QAPIC_CLIENT_INTERNAL_H
#define QAPIC_CLIENT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "qapic/client.h"
#include "qapic/error.h"
#include "internal/runtime.h"

/* ---- errors (errors.c) ---------------------------------------------------- */

/* A new error of KIND with a printf-style message, or NULL when out of
 * memory. */
qapic_error *qapic__error_new(qapic_error_kind kind, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
qapic_error *qapic__error_vnew(qapic_error_kind kind, const char *fmt,
                               va_list ap);
/* A TRANSPORT error: "OP: strerror(ERRNUM)" plus op and errnum. */
qapic_error *qapic__error_transport(int errnum, const char *op);
/* A deep copy of E (NULL on out-of-memory or when E is NULL). */
qapic_error *qapic__error_copy(const qapic_error *e);
/* Stores E in *ERR when ERR is non-NULL and *ERR is NULL, else frees it;
 * returns -1. */
int qapic__error_give(qapic_error **err, qapic_error *e);

/* ---- the stream reader (stream.c) --------------------------------------- */

/* Splits a byte stream into JSON values with json-c's incremental tokener.
 * Knows where it is (byte offset, line, column, message number) so that
 * every error is located; refuses a value longer than a cap before reading
 * more of it, so memory stays bounded whatever the peer sends. */
/* A place in the stream, for messages. */
typedef struct qapic_stream_pos {
    uint64_t offset, line, line_start;
} qapic_stream_pos;

/* The lexical checks json-c's tokener misses, made byte by byte beside
 * it (stream.c): its state between two reads. */
typedef struct qapic_stream_lex {
    unsigned char state;
    unsigned char ndigits;      /* of the \u escape being read */
    unsigned unit;              /* its code unit so far */
    bool nul;                   /* the string holds \u0000 */
    qapic_stream_pos string;    /* where the string being read starts */
    qapic_stream_pos escape;    /* where its last \u escape starts */
    /* The number being read, outside strings: */
    bool in_number, integer, negative, overflow;
    uint64_t magnitude;         /* of an integer, while it fits */
    qapic_stream_pos number;    /* where it starts */
} qapic_stream_lex;

typedef struct qapic_stream {
    struct json_tokener *tok;
    qapic_stream_lex lex;
    size_t max;             /* cap on one value, in bytes */
    uint64_t offset;        /* bytes consumed so far */
    uint64_t line;          /* 1-based line of OFFSET */
    uint64_t line_start;    /* offset of that line's first byte */
    bool in_value;          /* inside a value (since VALUE_START) */
    uint64_t value_start;
    uint64_t value_line;
    uint64_t nvalues;       /* values completed */
    const char *peer;       /* "the server", "the client": for messages */
    /* With KEEP_TEXT, the bytes of the value being read are kept, so that
     * the callback can see the exact text of each value
     * (qapic__stream_text()). */
    bool keep_text;
    char *text;
    size_t text_len, text_cap;
    bool text_lost;         /* out of memory while keeping it */
} qapic_stream;

/* Called for each complete value; takes ownership of V.  Returns false to
 * stop feeding (the rest of the buffer is dropped: the reader is done). */
typedef bool (*qapic_stream_fn)(void *opaque, struct json_object *v);

int qapic__stream_init(qapic_stream *s, size_t max, const char *peer);
void qapic__stream_fini(qapic_stream *s);
/* Feeds LEN bytes.  -1 with a PROTOCOL error for invalid JSON, a
 * TRANSPORT error (EMSGSIZE) for a value over the cap; both located. */
int qapic__stream_feed(qapic_stream *s, const char *buf, size_t len,
                       qapic_stream_fn fn, void *opaque, qapic_error **err);
/* The end of the stream: -1 with a TRANSPORT error when it cuts a value. */
int qapic__stream_eof(qapic_stream *s, qapic_error **err);
/* During the callback of a stream with KEEP_TEXT: the exact text of the
 * value just read (not NUL-terminated), or NULL when it could not be kept
 * (out of memory). */
const char *qapic__stream_text(const qapic_stream *s, size_t *len);

/* ---- transport (transport.c) ------------------------------------------- */

/* Connects a stream socket to the UNIX socket PATH or to HOST:PORT,
 * retrying while it does not exist or refuses, until DEADLINE_MS
 * (qapic__now_ms() clock).  Returns a non-blocking close-on-exec fd, or -1
 * with a TRANSPORT (or INVALID) error. */
int qapic__connect_unix(const char *path, int64_t deadline_ms,
                        qapic_error **err);
int qapic__connect_tcp(const char *host, const char *port,
                       int64_t deadline_ms, qapic_error **err);
/* Makes FD non-blocking and close-on-exec; tells whether it is AF_UNIX.
 * -1 with a TRANSPORT error when FD is no usable stream socket. */
int qapic__prepare_fd(int fd, bool *is_unix, qapic_error **err);
/* Sends LEN bytes of BUF without blocking and without SIGPIPE, with FDS in
 * one SCM_RIGHTS message (NFDS may be 0).  Returns the bytes sent, 0 when
 * the socket is full, -1 with errno set. */
long qapic__send(int fd, const char *buf, size_t len, const int *fds,
                 size_t nfds);
/* Receives into BUF without blocking; fds that came along are appended to
 * *FDS (a malloc'ed array of *NFDS, NULL FDS: they are closed).  Returns
 * the bytes read, 0 at end of stream, -1 with errno (EAGAIN: nothing yet). */
long qapic__recv(int fd, char *buf, size_t len, int **fds, size_t *nfds);
/* Monotonic milliseconds. */
int64_t qapic__now_ms(void);
/* Milliseconds left until DEADLINE for poll(): -1 for no deadline (< 0),
 * 0 when passed. */
int qapic__ms_left(int64_t deadline);

/* ---- the client --------------------------------------------------------- */

typedef enum pending_kind {
    PENDING_SYNC,           /* a blocking call waits for it */
    PENDING_ASYNC,          /* DONE runs on completion */
    PENDING_ABANDONED,      /* timed out: its reply is dropped silently */
} pending_kind;

/* A command sent (or queued) and not yet answered. */
typedef struct qapic_pending {
    struct qapic_pending *next;
    uint64_t id;
    pending_kind kind;
    char *request;          /* the request as sent (JSON text) */
    int64_t deadline;       /* ASYNC: qapic__now_ms() deadline, -1: none */
    int timeout_ms;         /* ASYNC: what DEADLINE came from */
    bool no_reply;          /* ASYNC of a command without a success
                               response: complete once written */
    qapic_reply_fn done;    /* ASYNC */
    void *opaque;
    /* SYNC: the outcome, once COMPLETE. */
    bool complete;
    struct json_object *ret;
    qapic_error *err;
} qapic_pending;

/* Bytes waiting to be written: one request each, with its fds (our own
 * duplicates, closed once sent). */
typedef struct qapic_outmsg {
    struct qapic_outmsg *next;
    uint64_t id;                    /* of the request */
    char *buf;
    size_t len, off;
    int *fds;
    size_t nfds;
} qapic_outmsg;

typedef struct qapic_listener {
    struct qapic_listener *next;
    uint64_t handle;
    char *name;                     /* NULL: every event */
    bool removed;                   /* unlinked after dispatch */
    qapic_event_fn fn;              /* generic */
    const qapic_event *ev;          /* typed: the descriptor */
    qapic_event_invoke_fn invoke;   /* typed */
    qapic_fn typed_fn;
    void *opaque;
} qapic_listener;

typedef struct qapic_queued_event {
    struct qapic_queued_event *next;
    qapic_event_msg msg;            /* name and data point into msg.raw */
} qapic_queued_event;

struct qapic_client {
    qapic_client_options opt;
    int fd;                         /* -1 when not connected */
    bool is_unix;
    char *peer_name;                /* "/run/qmp.sock", "host:port", "fd 5" */

    /* greeting and negotiation */
    struct json_object *greeting;
    int major, minor, micro;
    char *package;
    bool negotiated, oob_enabled;

    /* I/O */
    qapic_stream in;
    qapic_outmsg *out_head, *out_tail;
    qapic_error *gone;              /* why the connection ended, or NULL */

    /* calls */
    uint64_t next_id;
    char *id_prefix;                /* ids sent as PREFIX<n>, or NULL */
    qapic_message_text_fn text_fn;  /* the text of every message read */
    void *text_opaque;
    qapic_pending *pending;
    size_t nabandoned;

    /* events */
    qapic_listener *listeners;
    uint64_t next_handle;
    unsigned dispatching;           /* depth of listener dispatch */
    qapic_queued_event *queue_head, *queue_tail;
    size_t nqueued;
    uint64_t dropped;

    /* the connected QEMU's schema (remote_schema.c) */
    struct json_object *schema;     /* query-qmp-schema return value */
    struct json_object *schema_index;   /* name -> entry */
    bool schema_unavailable;        /* the QEMU has no query-qmp-schema */
    bool schema_given;              /* by qapic_client_set_schema(): kept
                                       across the next connect */
};

/* ---- dispatch (dispatch.c) ------------------------------------------------- */

/* Builds and queues the request (execute or exec-oob) and tries to write
 * it; the new pending call is linked into the client.  NULL with *ERR. */
qapic_pending *qapic__send_request(qapic_client *c, const char *command,
                                   struct json_object *args, bool oob,
                                   const int *fds, size_t nfds,
                                   qapic_error **err);
/* Waits (polling and processing) until P completes or TIMEOUT_MS passes
 * (the convention of qapic_client_execute), then unlinks P and returns
 * its outcome: the return value, or NULL with *ERR. */
struct json_object *qapic__wait(qapic_client *c, qapic_pending *p,
                                int timeout_ms, qapic_error **err);
/* Runs one poll + process round waiting at most WAIT_MS (-1: forever).
 * -1 with *ERR once the connection is gone. */
int qapic__pump(qapic_client *c, int wait_ms, qapic_error **err);
/* Ends the connection with reason E (taken): closes the socket, drops
 * queued output, fails every pending call with a copy of E (callbacks
 * run). */
void qapic__disconnect(qapic_client *c, qapic_error *e);
/* Frees every listener and queued event (client teardown). */
void qapic__dispatch_fini(qapic_client *c);
/* Reports an anomaly that fails no call (a reply to an unknown id, a
 * message of no known kind) through the warn callback. */
void qapic__warn(qapic_client *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A listener of either kind (typed when EV is non-NULL). */
uint64_t qapic__add_listener(qapic_client *c, qapic_listener *l,
                             qapic_error **err);
/* The error for a call on a client with no connection. */
qapic_error *qapic__not_connected(const qapic_client *c);
/* Parses the request text back into JSON for an error (NULL if it
 * cannot). */
struct json_object *qapic__request_json(const char *text);

/* ---- typed delivery of events (call.c) ------------------------------- */

/* Decodes EV's data for a typed listener L and invokes it. */
void qapic__deliver_typed(qapic_client *c, const qapic_listener *l,
                          const qapic_event_msg *msg);

/* ---- the connected QEMU's schema (remote_schema.c) ----------------------------------- */

/* The index (name -> entry) of the connected QEMU's schema, fetched on
 * first use; NULL with *ERR.  *UNAVAILABLE (if non-NULL) tells that the
 * QEMU has no query-qmp-schema at all (then *ERR is the QMP error). */
struct json_object *qapic__schema_index(qapic_client *c, bool *unavailable,
                                        qapic_error **err);
/* The entry named NAME of INDEX, or NULL. */
struct json_object *qapic__schema_lookup(struct json_object *index,
                                         const char *name);
/* Whether the JSON array ARR holds the string S. */
bool qapic__json_array_has(struct json_object *arr, const char *s);
/* A string member of O, or NULL. */
const char *qapic__json_str(struct json_object *o, const char *key);
/* "this QEMU (7.2.22)" or "this QEMU" when the version is unknown;
 * malloc'ed. */
char *qapic__this_qemu(const qapic_client *c);

/* Told of each deprecated or unstable thing a call uses according to the
 * connected QEMU's schema: FLAGS (QAPIC_FEATURE_*) and WHAT, e.g.
 * "command 'x-query-jit'", "argument 'x-checkpoint-delay' of
 * 'migrate-set-parameters'" or "value 'x-colo' of argument
 * 'capabilities[0].capability' of 'migrate-set-capabilities'" (taken,
 * malloc'ed, NULL when out of memory).  Returns 0, or -1 to stop the
 * check (with the caller's error set). */
typedef int qapic__feature_fn(void *ctx, uint32_t flags, char *what);

/* Checks the encoded arguments ARGS (an object or NULL) of COMMAND
 * against the schema INDEX: the command exists, every member sent exists
 * (through objects, arrays, unions by tag, alternates), every enum value
 * sent is known, every mandatory member is sent.  0, or -1 with an
 * UNSUPPORTED error naming the problem after WHO ("this QEMU (7.2.22)")
 * and the JSON path ("arguments.channels").  OPEN: the command's
 * arguments are not all described ('gen': false, e.g. device_add), so
 * members the schema lacks pass at the top level.  FEATURE (may be NULL)
 * hears of the deprecated and unstable uses on the way. */
int qapic__check_args(struct json_object *index, const char *who,
                      const char *command, struct json_object *args,
                      bool open, qapic__feature_fn *feature, void *ctx,
                      qapic_error **err);

#endif
