/* One recorded QMP session of the probe, over libqapic-runtime's client.
 *
 * Ids are libvirt's ("libvirt-1" for qmp_capabilities, then one more per
 * command) and go out on the wire as such, so QEMU's replies carry them
 * as they will stand in the dump.  A reply is recorded from the exact text
 * QEMU sent (qapic_client_on_message_text), parsed with the tool's own
 * parser: member order, number spellings, big integers and duplicate keys
 * stay as they were, which json-c's objects would not all keep.  The
 * greeting and events are not part of a dump and are not recorded. */
#ifndef QC_PROBE_SESSION_H
#define QC_PROBE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/diag.h"
#include "syntax/value.h"

/* A command sent and its reply, as they go into the dump. */
typedef struct qc_probe_pair {
    qc_value *cmd;
    qc_value *reply;
} qc_probe_pair;

typedef struct qc_probe_session qc_probe_session;

/* Where the QEMU is: FD (a connected socket, taken) or, when FD < 0, the
 * UNIX socket PATH.  WHO names it in messages ("qemu-system-x86_64", "the
 * QEMU at P").  Everything must be done by DEADLINE_MS (qc_probe_now_ms()
 * clock), the end of the probe's time limit of LIMIT_MS. */
typedef struct qc_probe_peer {
    int fd;
    const char *path;
    const char *who;
    int64_t deadline_ms;
    int limit_ms;
} qc_probe_peer;

/* Connects, reads the greeting and negotiates, appending the
 * qmp_capabilities pair to PAIRS (qc_probe_pair *).  NULL after reporting
 * the failure to D; *FAILURE is then that diagnostic. */
qc_probe_session *qc_probe_session_open(qc_arena *a, qc_diag *d,
                                        const qc_probe_peer *peer,
                                        qc_ptrvec *pairs,
                                        qc_diagnostic **failure);

/* Executes EXECUTE with ARGS (an object or NULL), appends the pair to
 * PAIRS and returns the reply (an object with "return" or "error").  NULL
 * after reporting to D that there was no reply (time up, connection lost,
 * a reply that does not parse); *FAILURE is then that diagnostic. */
const qc_value *qc_probe_session_run(qc_probe_session *s, const char *execute,
                                     const qc_value *args,
                                     qc_diagnostic **failure);

/* Closes the connection and frees the client (NULL is fine). */
void qc_probe_session_close(qc_probe_session *s);

/* Monotonic milliseconds. */
int64_t qc_probe_now_ms(void);

#endif
