/* A QEMU of the probe's own, started privately and never left behind.
 *
 * Its QMP monitor is one end of a socketpair passed as an inherited fd
 * (-chardev socket,fd=3): no path in the file system that anyone else
 * could connect to or take over.  It runs paused and bare (-S
 * -no-user-config -nodefaults -display none) with the machine and
 * accelerators asked for, stdin from /dev/null, stdout and stderr into an
 * unlinked temporary file (read back for messages).  It is a process
 * group of its own, so that stopping it reaches whatever it started, and
 * it gets SIGKILL when the probe dies, however that happens
 * (PR_SET_PDEATHSIG).  qc_qemu_stop() always reaps it. */
#ifndef QC_PROBE_QEMU_H
#define QC_PROBE_QEMU_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/diag.h"

typedef struct qc_qemu {
    const char *binary;
    pid_t pid;              /* 0 when there is none (or it was reaped) */
    int qmp_fd;             /* our end of the monitor socket, -1 once taken */
    int log_fd;             /* its stdout and stderr, -1 if none */
    bool exited;            /* it ended: with exit CODE, or by SIGNAL */
    int code, signal;
} qc_qemu;

typedef struct qc_qemu_config {
    const char *binary;     /* a path, or a name looked up in PATH */
    const char *machine;    /* -machine */
    const char *const *accel;   /* -accel values, in order; NULL-ended */
} qc_qemu_config;

/* Starts the QEMU of C into Q.  False after reporting to D why it could
 * not be started (no such binary, no socketpair...); Q is then empty. */
bool qc_qemu_start(qc_diag *d, qc_qemu *q, const qc_qemu_config *c);

/* Whether Q has exited, waiting up to WAIT_MS for it (0: just look; < 0:
 * as long as it takes).  It is not reaped yet: until qc_qemu_stop() its
 * pid, and so its process group's id, cannot be taken by another. */
bool qc_qemu_exited(qc_qemu *q, int wait_ms);

/* Ends Q: SIGTERM to its process group, a second's grace, then SIGKILL to
 * whatever is left of the group (also when QEMU itself is gone: what it
 * started goes too); reaps it and closes its fds.  An empty Q is fine. */
void qc_qemu_stop(qc_qemu *q);

/* How Q ended: "exited with status 1", "was killed by signal 9 (Killed)". */
const char *qc_qemu_describe_end(qc_arena *a, const qc_qemu *q);

/* The end of what Q wrote to stdout and stderr (at most MAX bytes, whole
 * lines, trailing newline dropped), or "" when it wrote nothing. */
const char *qc_qemu_output(qc_arena *a, const qc_qemu *q, size_t max);

#endif
