/* The QMP client of libqapic-runtime.
 *
 * One qapic_client is one QMP connection; there is no global state.  It
 * connects (UNIX socket, TCP, or an fd it is given), reads the greeting,
 * negotiates capabilities, and then executes commands: ids are assigned,
 * many commands may be in flight, replies are matched by id, events are
 * queued and dispatched.  It can be driven by blocking calls, or by any
 * event loop through qapic_client_fd(), qapic_client_wants_write() and
 * qapic_client_process().  A client is not thread-safe: use it from one
 * thread at a time.
 *
 * Typed use goes through generated bindings (`qapic gen c`): a stub per
 * command calls qapic_client_call() with the command's descriptor, and the
 * runtime encodes the arguments strictly, checks them against the
 * connected QEMU's own schema (fetched with query-qmp-schema on first use)
 * and the feature policy, sends, and decodes the return leniently.
 *
 * Ownership: every function that returns a pointer documents who frees it;
 * arguments are borrowed unless said otherwise.  Callbacks receive
 * borrowed data valid only during the call, except where said.
 */
#ifndef QAPIC_CLIENT_H
#define QAPIC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qapic/error.h"
#include "qapic/types.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;
typedef struct qapic_client qapic_client;

/* ---- policies and options ---------------------------------------------- */

/* What to do when a call uses something deprecated or unstable (like
 * QEMU's -compat deprecated-input=..., unstable-input=...). */
typedef enum qapic_policy {
    QAPIC_POLICY_ALLOW = 0,
    QAPIC_POLICY_WARN,          /* call the warning callback, then send */
    QAPIC_POLICY_REJECT,        /* fail with a POLICY error, send nothing */
} qapic_policy;

typedef struct qapic_client_options {
    int connect_timeout_ms;     /* total time to wait for the socket to
                                   appear and accept, 0: 5000 */
    int call_timeout_ms;        /* default per-call timeout, 0: 30000,
                                   negative: wait forever */
    size_t max_message;         /* cap on one received message, 0: 64 MiB */
    size_t max_events;          /* queued events kept, 0: 1024; the oldest
                                   are dropped and counted beyond that */
    bool want_oob;              /* enable 'oob' when the server offers it */
    bool check_schema;          /* check calls against the server's schema
                                   before sending (default in
                                   qapic_client_options_init: true) */
    qapic_policy deprecated;    /* default ALLOW */
    qapic_policy unstable;      /* default ALLOW */
    /* Called for QAPIC_POLICY_WARN, with a message such as "command
     * 'x-foo' is unstable", and for anomalies that fail no call, located
     * by message number: a reply to an id never sent ("message 7 from the
     * server answers no command sent (id 99): ..."), a message of no known
     * kind, an event whose data does not decode for a typed listener;
     * NULL: no warnings. */
    void (*warn)(void *opaque, const char *message);
    void *warn_opaque;
} qapic_client_options;

/* Fills O with the defaults. */
void qapic_client_options_init(qapic_client_options *o);

/* ---- lifetime and connection -------------------------------------------- */

/* A new, unconnected client (O: NULL for defaults; copied). */
qapic_client *qapic_client_new(const qapic_client_options *o,
                               qapic_error **err);
/* Closes the connection (pending calls fail with TRANSPORT errors, their
 * callbacks run), frees everything.  NULL is fine.  Not from a callback
 * of the same client. */
void qapic_client_free(qapic_client *c);

/* Connects to a UNIX socket, retrying while it does not exist yet or
 * refuses (QEMU's start-up race) until the connect timeout; then reads the
 * greeting and negotiates.  0 or -1. */
int qapic_client_connect_unix(qapic_client *c, const char *path,
                              qapic_error **err);
/* The same over TCP. */
int qapic_client_connect_tcp(qapic_client *c, const char *host,
                             const char *port, qapic_error **err);
/* Uses FD, an already connected stream socket (a socketpair end, an
 * inherited fd); the client owns it from now on, even on failure.  Reads
 * the greeting and negotiates unless NEGOTIATE is false (then call
 * qapic_client_negotiate()). */
int qapic_client_attach_fd(qapic_client *c, int fd, bool negotiate,
                           qapic_error **err);
/* Reads the greeting and sends qmp_capabilities (with oob when enabled). */
int qapic_client_negotiate(qapic_client *c, qapic_error **err);

/* After negotiation: the version in the greeting, and whether a
 * capability (e.g. "oob") was offered and whether it is enabled. */
void qapic_client_version(const qapic_client *c, int *major, int *minor,
                          int *micro);
const char *qapic_client_package(const qapic_client *c);   /* borrowed */
bool qapic_client_has_capability(const qapic_client *c, const char *cap);
bool qapic_client_oob_enabled(const qapic_client *c);
/* The greeting as received (borrowed), or NULL. */
struct json_object *qapic_client_greeting(const qapic_client *c);
bool qapic_client_connected(const qapic_client *c);

/* ---- the wire, for recorders ------------------------------------------ */

/* Sends ids as the strings PREFIX1, PREFIX2, ... (libvirt sends
 * "libvirt-1", ...) instead of the numbers 1, 2, ...; a reply matches a
 * call only by the form of id it was sent.  PREFIX is copied; NULL or "" goes back to numbers.  Set
 * it before connecting, since negotiation sends the first command.
 * 0, or -1 with a NOMEM error. */
int qapic_client_set_id_prefix(qapic_client *c, const char *prefix,
                               qapic_error **err);

/* Receives the exact text of every message the server sends, greeting and
 * events included: the JSON value byte for byte as it arrived, without the
 * whitespace around it (TEXT is borrowed for the call, LEN bytes, not
 * NUL-terminated; NULL when it could not be kept for lack of memory).  It
 * is called as each message is read, before it is dispatched, so the text
 * of a reply has been seen when its call returns.  FN must not call the
 * client.  NULL FN stops it.  Kept across connects. */
typedef void (*qapic_message_text_fn)(void *opaque, const char *text,
                                      size_t len);
void qapic_client_on_message_text(qapic_client *c, qapic_message_text_fn fn,
                                  void *opaque);

/* ---- untyped execution ------------------------------------------------ */

/* Executes COMMAND with ARGS (a JSON object or NULL; borrowed) and waits
 * for its reply up to TIMEOUT_MS (0: the client's default; negative:
 * forever).  Returns the "return" value (a new reference the caller puts),
 * or NULL with a QMP, TRANSPORT, TIMEOUT or PROTOCOL error.  A successful
 * command without a return value returns an empty object.  Events that
 * arrive meanwhile are queued and dispatched. */
struct json_object *qapic_client_execute(qapic_client *c, const char *command,
                                         struct json_object *args,
                                         int timeout_ms, qapic_error **err);
/* The same, passing FDS (NFDS file descriptors, borrowed: the client does
 * not close them) with the command's bytes in one SCM_RIGHTS message
 * (for getfd and add-fd).  UNIX sockets only. */
struct json_object *qapic_client_execute_fds(qapic_client *c,
                                             const char *command,
                                             struct json_object *args,
                                             const int *fds, size_t nfds,
                                             int timeout_ms,
                                             qapic_error **err);

/* Completion of an asynchronous call.  On success RET is the "return"
 * value (the callback owns the reference) and ERR NULL; on failure RET is
 * NULL and ERR the error (the callback owns it).  Runs from
 * qapic_client_process() or any blocking call, or from qapic_client_free()
 * with a TRANSPORT error. */
typedef void (*qapic_reply_fn)(qapic_client *c, struct json_object *ret,
                               qapic_error *err, void *opaque);
/* Sends COMMAND without waiting; returns the id assigned (> 0) or 0 with
 * *ERR.  OOB sends it as exec-oob (when enabled).  The call fails with a
 * TIMEOUT error once the client's call_timeout_ms has passed (see
 * qapic_client_next_timeout()); DONE may be NULL to ignore the outcome. */
uint64_t qapic_client_execute_async(qapic_client *c, const char *command,
                                    struct json_object *args, bool oob,
                                    qapic_reply_fn done, void *opaque,
                                    qapic_error **err);

/* ---- typed execution (used by generated stubs) ------------------------- */

/* Executes CMD with ARGS (a box of cmd->arg_type, or NULL when it has
 * none or all its members are absent): encodes strictly, checks against
 * the policy and, with check_schema, against the connected QEMU's schema
 * (an UNSUPPORTED error naming the command or member, e.g. "this QEMU
 * (7.2.22) has no argument 'channels' of 'migrate'", and nothing is
 * sent), executes, and decodes the return leniently into a new box of
 * cmd->ret_type stored in *RET (RET may be NULL to discard it; commands
 * without ret_type store nothing).  The caller frees *RET with
 * qapic_free(cmd->ret_type, *RET).  0 or -1.
 *
 * A command whose arguments the schema does not all describe ('gen':
 * false, QAPIC_COMMAND_GEN_FALSE: device_add and its device properties)
 * takes the others as members of the argument struct's _extra (a JSON
 * object, owned by the struct, encoded as it is); the schema check lets
 * them pass.
 *
 * The policy looks at the command, every member sent and every enum value
 * sent, with their features both in the bindings (CMD's descriptors) and,
 * with check_schema, in the connected QEMU's schema: what either calls
 * deprecated or unstable counts (each warning is given once). */
int qapic_client_call(qapic_client *c, const qapic_command *cmd,
                      const void *args, void **ret, qapic_error **err);

/* What one call may do differently (zero-initialize; {0} is the
 * default). */
typedef struct qapic_call_opts {
    int timeout_ms;             /* 0: the client's call_timeout_ms;
                                   negative: wait forever */
    const int *fds;             /* passed with the command's bytes in one
                                   SCM_RIGHTS message (getfd, add-fd);
                                   borrowed; UNIX sockets only */
    size_t nfds;
    bool oob;                   /* send as exec-oob: needs 'oob' enabled and
                                   a command that allows it (INVALID
                                   error otherwise) */
    unsigned decode_flags;      /* QAPIC_DECODE_* (codec.h) for the return
                                   value, e.g. QAPIC_DECODE_STRICT in tests */
} qapic_call_opts;

/* qapic_client_call() with options O (NULL: the defaults). */
int qapic_client_call_opts(qapic_client *c, const qapic_command *cmd,
                           const void *args, const qapic_call_opts *o,
                           void **ret, qapic_error **err);
/* The same with FDS passed as in qapic_client_execute_fds(). */
int qapic_client_call_fds(qapic_client *c, const qapic_command *cmd,
                          const void *args, const int *fds, size_t nfds,
                          void **ret, qapic_error **err);

/* Completion of a typed asynchronous call: RET is a box of the command's
 * return type owned by the callback (NULL on error or without one).  The
 * first checked call fetches the schema with a blocking call; call
 * qapic_client_schema() beforehand to choose when that happens. */
typedef void (*qapic_call_fn)(qapic_client *c, const qapic_command *cmd,
                              void *ret, qapic_error *err, void *opaque);
uint64_t qapic_client_call_async(qapic_client *c, const qapic_command *cmd,
                                 const void *args, qapic_call_fn done,
                                 void *opaque, qapic_error **err);
/* The same with options O (NULL: the defaults); O->timeout_ms is the
 * call's deadline.  Returns the id (> 0), or 0 with *ERR and DONE never
 * runs.  A command without a success response ('success-response':
 * false, e.g. guest-shutdown) completes with RET and ERR NULL once its
 * bytes are written. */
uint64_t qapic_client_call_async_opts(qapic_client *c,
                                      const qapic_command *cmd,
                                      const void *args,
                                      const qapic_call_opts *o,
                                      qapic_call_fn done, void *opaque,
                                      qapic_error **err);

/* ---- the connected QEMU's schema --------------------------------------- */

/* Answers a schema query in the syntax of `qapic query` (e.g.
 * "migrate/arg-type/channels", "query-migrate/ret-type/status/^completed",
 * "MIGRATION/arg-type/status", "blockdev-add/arg-type/+file/filename",
 * "migrate/$deprecated") against the connected QEMU's query-qmp-schema
 * (fetched once, on first use).  1 yes, 0 no, -1 error (a malformed query,
 * or the schema could not be fetched). */
int qapic_client_supports(qapic_client *c, const char *query,
                          qapic_error **err);
/* The connected QEMU's query-qmp-schema return value (borrowed; fetched
 * on first use), or NULL with *ERR. */
struct json_object *qapic_client_schema(qapic_client *c, qapic_error **err);
/* Checks a call of COMMAND with ARGS (a JSON object or NULL; borrowed)
 * against the connected QEMU's schema as typed calls do before sending,
 * without sending anything: the command exists, every member sent exists
 * (through objects, arrays, unions by their tag, alternates by the JSON
 * type), every enum value sent is known, every member the QEMU requires
 * is there, every value has a JSON type it takes.  0, or -1 with an
 * UNSUPPORTED error naming the first problem, e.g. "this QEMU (7.2.22)
 * has no argument 'channels' of 'migrate'" (path "arguments.channels"),
 * or with the error of fetching the schema.  A QEMU without
 * query-qmp-schema (before 2.5) passes every call. */
int qapic_client_check_call(qapic_client *c, const char *command,
                            struct json_object *args, qapic_error **err);
/* Uses SCHEMA (a query-qmp-schema return value; a reference is taken)
 * instead of fetching it, e.g. from a capability dump; it is kept across
 * the next connect (a later one fetches again).  NULL forgets the schema. */
void qapic_client_set_schema(qapic_client *c, struct json_object *schema);

/* ---- events ----------------------------------------------------------- *
 *
 * Events may arrive before the greeting: QEMU sends them to a monitor that
 * has not negotiated, and on a connection's first monitor session an event
 * can overtake the greeting.  They are dispatched and queued like any
 * other; anything else before the greeting is a protocol error. */

typedef struct qapic_event_msg {
    const char *name;           /* "MIGRATION" */
    int64_t seconds;            /* the timestamp QEMU sent */
    int64_t microseconds;
    struct json_object *data;   /* the "data" member, or NULL */
    struct json_object *raw;    /* the whole message */
} qapic_event_msg;

/* Generic listener: every event reaches it first, known or not.  NAME
 * NULL: all events.  Returns a handle > 0 for removal, 0 with *ERR. */
typedef void (*qapic_event_fn)(qapic_client *c, const qapic_event_msg *ev,
                               void *opaque);
uint64_t qapic_client_on_event(qapic_client *c, const char *name,
                               qapic_event_fn fn, void *opaque,
                               qapic_error **err);
/* Typed listener for the event EV (used by generated registration
 * functions): after the generic listeners, its data is decoded leniently
 * into a box of ev->data_type (borrowed by the callback; NULL when the
 * event has no data) and FN is called.  A data member that fails to decode
 * does not reach FN; it is reported to the generic path only. */
typedef void (*qapic_typed_event_fn)(qapic_client *c,
                                     const qapic_event_msg *ev,
                                     const void *data, void *opaque);
uint64_t qapic_client_on_typed_event(qapic_client *c, const qapic_event *ev,
                                     qapic_typed_event_fn fn, void *opaque,
                                     qapic_error **err);
/* The same for a callback of another exact type: INVOKE is called with FN
 * and calls it through its real type (generated registration functions
 * use this, so no function is ever called through a mismatched pointer). */
typedef void (*qapic_fn)(void);
typedef void (*qapic_event_invoke_fn)(qapic_fn fn, qapic_client *c,
                                      const qapic_event_msg *ev,
                                      const void *data, void *opaque);
uint64_t qapic_client_on_typed_event_invoke(qapic_client *c,
                                            const qapic_event *ev,
                                            qapic_event_invoke_fn invoke,
                                            qapic_fn fn, void *opaque,
                                            qapic_error **err);
void qapic_client_remove_listener(qapic_client *c, uint64_t handle);

/* Queued events (every event is also queued, up to max_events; listeners
 * run first).  Takes the oldest event, waiting up to TIMEOUT_MS (0: do not
 * wait; negative: forever); NAME non-NULL waits for that event and leaves
 * others queued.  Returns a message the caller frees with
 * qapic_event_msg_free(), or NULL: on timeout with *ERR untouched, on
 * failure (the connection is gone) with *ERR set. */
qapic_event_msg *qapic_client_next_event(qapic_client *c, const char *name,
                                         int timeout_ms, qapic_error **err);
void qapic_event_msg_free(qapic_event_msg *ev);
/* Events dropped because the queue was full. */
uint64_t qapic_client_dropped_events(const qapic_client *c);

/* ---- event loop integration -------------------------------------------- */

/* The socket to poll (readable always, writable when wants_write), or -1
 * when not connected. */
int qapic_client_fd(const qapic_client *c);
bool qapic_client_wants_write(const qapic_client *c);
/* Milliseconds until the earliest deadline of an asynchronous call (each
 * gets the client's call_timeout_ms), 0 if one has passed, -1 if none:
 * the timeout for the loop's poll; qapic_client_process() then fails the
 * calls whose deadline passed with a TIMEOUT error. */
int qapic_client_next_timeout(const qapic_client *c);
/* Does the I/O that is possible without blocking: writes queued commands,
 * reads and dispatches what arrived (replies to completion callbacks,
 * events to listeners), fails pending calls if the connection dropped or
 * their deadline passed.  0, or -1 once the connection is gone, with the
 * reason: a TRANSPORT error (closed, cut in the middle of a message, over
 * the size cap, a read or write error) or a PROTOCOL error (the server
 * sent invalid JSON, or something other than events before the
 * greeting); both locate the problem in the stream (byte offset, line,
 * message number).  JSON is read as strictly as QEMU's own parser reads
 * it: lone surrogates in '\u' escapes, control characters in strings,
 * NaN, Infinity and member names with an escaped NUL are invalid, not
 * repaired; integer literals beyond the 64-bit ranges are refused rather
 * than clamped (QEMU never sends any of them). */
int qapic_client_process(qapic_client *c, qapic_error **err);

#ifdef __cplusplus
}
#endif

#endif
