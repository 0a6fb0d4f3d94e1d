/* `qapic probe`: capture a QEMU's capabilities as a capability dump, the
 * way libvirt's qemucapsprobe does.
 *
 * The probe starts a QEMU of its own for each pass of its plan (or
 * connects to a running one), negotiates, asks the plan's questions,
 * records the conversation and renders it as a canonical dump: libvirt's
 * ids and layout, QEMU's replies as it sent them.  It has one time limit
 * for everything; when it runs out, or anything fails, the QEMU is
 * stopped and nothing is rendered.  Layer: probe (base, syntax, schema,
 * dumps, and the runtime's client). */
#ifndef QC_PROBE_H
#define QC_PROBE_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "probe/plan.h"

typedef enum {
    QC_PROBE_ACCEL_AUTO,        /* KVM, falling back to TCG (libvirt's) */
    QC_PROBE_ACCEL_TCG,
    QC_PROBE_ACCEL_KVM,
} qc_probe_accel;

typedef struct qc_probe_opts {
    const char *qemu;           /* binary (path or name in PATH) */
    const char *machine;        /* -machine of every pass */
    qc_probe_accel accel;       /* of the first pass; later ones run TCG */
    const char *connect;        /* UNIX socket of a running QEMU, or NULL */
    const qc_probe_plan *plan;
    int timeout_ms;             /* for the whole probe */
} qc_probe_opts;

/* Probes as O says.  On success appends the dump to OUT and returns true;
 * else false after reporting to D (nothing appended).  Steps a replayed
 * plan skips are reported as warnings located in the dump. */
bool qc_probe_run(qc_arena *a, qc_diag *d, const qc_probe_opts *o,
                  qc_buf *out);

/* Renders PAIRS (qc_probe_pair *) as a dump: libvirt's layout. */
void qc_probe_render(qc_buf *out, const qc_ptrvec *pairs);

#endif
