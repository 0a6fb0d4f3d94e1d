/* Test support of libqapic-runtime: an in-process scripted QMP peer.
 *
 * A qapic_testpeer plays a QMP server on one end of a socketpair, in a
 * thread of its own, following a script written before it starts: send
 * the greeting, expect a request (compared with the given JSON, the id
 * aside), answer it (the request's id filled in), emit events, send raw
 * bytes (garbage, a truncated message, a line of 100 MB), pause, wait for
 * the client to close, or close its end in the middle of a reply.  It can
 * also answer query-qmp-schema with a given schema whenever it is asked.
 * A request that does not match the script is a failure: the peer notes
 * it, closes the connection (so the client under test never hangs) and
 * qapic_testpeer_finish() returns the message.  Bytes the peer sends to a
 * client that has gone are no failure; an expected request that never
 * comes is.
 *
 * A test, with Check:
 *
 *     qapic_testpeer *p = qapic_testpeer_new();
 *     qapic_testpeer_handshake(p);
 *     qapic_testpeer_exchange(p, "{\"execute\": \"query-status\"}",
 *                             "{\"return\": {\"status\": \"running\", "
 *                             "\"running\": true}}");
 *     qapic_client *c = qapic_testpeer_connect(p, NULL, &err);
 *     ... calls on c, assertions ...
 *     const char *failure = qapic_testpeer_finish(p);
 *     ck_assert_msg(!failure, "%s", failure);
 *     qapic_client_free(c);
 *     qapic_testpeer_free(p);
 *
 * JSON texts given to the script are parsed when the step is added; a text
 * that is not valid JSON makes the peer fail with a message naming the
 * step.  Script functions may be called only before the peer starts.
 * Ownership: strings are copied; fds and JSON objects returned are
 * borrowed from the peer, valid until qapic_testpeer_free().  No global
 * state; any number of peers may run at once.
 */
#ifndef QAPIC_TESTPEER_H
#define QAPIC_TESTPEER_H

#include <stddef.h>

#include "qapic/client.h"
#include "qapic/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;
typedef struct qapic_testpeer qapic_testpeer;

/* A new peer with an empty script, or NULL when out of memory (or out of
 * file descriptors). */
qapic_testpeer *qapic_testpeer_new(void);
/* Stops the peer's thread, closes its end (and the client's end if it was
 * never handed out) and every fd it received, frees everything.  NULL is
 * fine. */
void qapic_testpeer_free(qapic_testpeer *p);

/* ---- script steps, run in order ------------------------------------------ */

/* Sends a greeting: JSON, or NULL for QEMU 10.0.2's shape with version
 * 10.0.2, package "qapic-testpeer" and capabilities ["oob"]. */
void qapic_testpeer_greeting(qapic_testpeer *p, const char *json);
/* Sends a greeting with that version (capabilities ["oob"]). */
void qapic_testpeer_greeting_version(qapic_testpeer *p, int major, int minor,
                                     int micro);
/* The default greeting, then expects {"execute": "qmp_capabilities"} and
 * answers {"return": {}}: what a client with default options does. */
void qapic_testpeer_handshake(qapic_testpeer *p);

/* Expects the next request to equal REQUEST (JSON; member order and the
 * "id" member aside, numbers compared as json-c does).  Returns the
 * request's number (1 for the first expected), for qapic_testpeer_reply_to.
 * Waits for it up to the peer's timeout. */
int qapic_testpeer_expect(qapic_testpeer *p, const char *request);
/* The same, and the request must come with NFDS file descriptors
 * (SCM_RIGHTS); they are kept, see qapic_testpeer_received_fd(). */
int qapic_testpeer_expect_fds(qapic_testpeer *p, const char *request,
                              size_t nfds);
/* Answers the request last expected with REPLY (JSON, e.g. {"return": {}}
 * or {"error": {"class": "GenericError", "desc": "..."}}); its "id" is
 * added unless REPLY has one already. */
void qapic_testpeer_reply(qapic_testpeer *p, const char *reply);
/* Answers expected request number N (answers may come in any order). */
void qapic_testpeer_reply_to(qapic_testpeer *p, int n, const char *reply);
/* qapic_testpeer_expect() then qapic_testpeer_reply(). */
void qapic_testpeer_exchange(qapic_testpeer *p, const char *request,
                             const char *reply);
/* Emits event NAME with DATA (a JSON object, or NULL for none) and the
 * current time as its timestamp. */
void qapic_testpeer_event(qapic_testpeer *p, const char *name,
                          const char *data);
/* Sends JSON as it is, followed by "\r\n" (e.g. an error without id). */
void qapic_testpeer_send(qapic_testpeer *p, const char *json);
/* Sends LEN raw bytes, nothing added (garbage, half a message). */
void qapic_testpeer_raw(qapic_testpeer *p, const void *bytes, size_t len);
/* Sends BYTE COUNT times, without ever holding COUNT bytes in memory (a
 * line of 100 MB). */
void qapic_testpeer_repeat(qapic_testpeer *p, char byte, size_t count);
/* Does nothing for MS milliseconds (requests wait in the socket). */
void qapic_testpeer_pause(qapic_testpeer *p, int ms);
/* Expects the client to close the connection, with no request before. */
void qapic_testpeer_expect_close(qapic_testpeer *p);
/* Closes the peer's end (the script ends there). */
void qapic_testpeer_disconnect(qapic_testpeer *p);

/* ---- settings ---------------------------------------------------------- */

/* Answers every {"execute": "query-qmp-schema"} that arrives, at any
 * point of the script (unless an expect step takes it), with SCHEMA (a
 * query-qmp-schema return value; a reference is taken). */
void qapic_testpeer_set_schema(qapic_testpeer *p, struct json_object *schema);
/* How long an expect step waits for its request, and finish for the
 * script's end (default 5000 ms). */
void qapic_testpeer_set_timeout(qapic_testpeer *p, int ms);

/* ---- running ------------------------------------------------------------ */

/* Starts the script; returns the client's end of the socketpair (the
 * caller owns it, e.g. for qapic_client_attach_fd()), or -1. */
int qapic_testpeer_start(qapic_testpeer *p);
/* Starts the script on the first connection accepted on LISTEN_FD (a
 * listening UNIX or TCP socket; taken, closed once it accepted) instead of
 * the socketpair, for tests of qapic_client_connect_unix() and _tcp().
 * 0 or -1. */
int qapic_testpeer_start_listening(qapic_testpeer *p, int listen_fd);
/* Starts the script and returns a client attached to it (options O, NULL
 * for the defaults) that has read the greeting and negotiated; NULL with
 * *ERR.  The caller frees the client (before or after the peer). */
qapic_client *qapic_testpeer_connect(qapic_testpeer *p,
                                     const qapic_client_options *o,
                                     qapic_error **err);
/* Waits for the script to end (up to the timeout plus a second) and
 * returns NULL when every step ran as written and no unexpected request
 * came, or else what went wrong (borrowed, valid until free).  Requests that arrive after
 * the script's end, other than query-qmp-schema when a schema is set, are
 * failures too: call this after the client's last call. */
const char *qapic_testpeer_finish(qapic_testpeer *p);

/* The requests received so far, in order (borrowed JSON, with the id the
 * client gave). */
size_t qapic_testpeer_nrequests(qapic_testpeer *p);
struct json_object *qapic_testpeer_request(qapic_testpeer *p, size_t i);
/* The I-th file descriptor received (0-based, over all requests), or -1;
 * borrowed: the peer closes it when freed. */
int qapic_testpeer_received_fd(qapic_testpeer *p, size_t i);

/* ---- material from capability dumps ------------------------------------------ */

/* The "return" value of the first successful reply to COMMAND in the
 * capability dump (.replies file: a stream of JSON objects, commands
 * followed by their replies) at PATH, as a new reference the caller puts;
 * NULL with *ERR.  E.g. a schema to serve: COMMAND "query-qmp-schema". */
struct json_object *qapic_testpeer_dump_return(const char *path,
                                               const char *command,
                                               qapic_error **err);

#ifdef __cplusplus
}
#endif

#endif
