/* `qapic probe` (probe.h): the passes of a plan, each with a QEMU of its
 * own or a connection of its own, and the dump they make. */
#include "probe/probe.h"

#include <string.h>

#include "probe/qemu.h"
#include "probe/session.h"
#include "syntax/json.h"

/* How much of QEMU's output a failure quotes. */
#define OUTPUT_QUOTE_MAX 2000
/* How long a QEMU that dropped the connection gets to exit, so that its
 * status can be told. */
#define EXIT_WAIT_MS 500

typedef struct run {
    qc_arena *a;
    qc_diag *d;
    const qc_probe_opts *o;
    int64_t deadline;
    qc_probe_facts facts;
    qc_ptrvec pairs;            /* qc_probe_pair * */
} run;

static const char *const accel_auto[] = { "kvm", "tcg", NULL };
static const char *const accel_tcg[] = { "tcg", NULL };
static const char *const accel_kvm[] = { "kvm", NULL };

/* Adds to DG what became of our QEMU Q: its exit and its last words. */
static void explain(run *r, qc_qemu *q, qc_diagnostic *dg)
{
    if (!q || q->binary == NULL)
        return;
    /* After a timeout it surely runs on; else it may be on its way out. */
    bool timeout = dg && !strcmp(qc_diagnostic_code(dg), "probe-timeout");
    if (qc_qemu_exited(q, timeout ? 0 : EXIT_WAIT_MS))
        qc_diag_note(dg, qc_loc_make(NULL, 0), NULL, NULL, "%s %s", q->binary,
                     qc_qemu_describe_end(r->a, q));
    else
        qc_diag_note(dg, qc_loc_make(NULL, 0), NULL, NULL,
                     "%s still ran; it was stopped", q->binary);
    const char *said = qc_qemu_output(r->a, q, OUTPUT_QUOTE_MAX);
    if (!*said)
        return;
    qc_diag_note(dg, qc_loc_make(NULL, 0), NULL, NULL,
                 "its output ends with:");
    /* A note a line: the sink shows a line break inside a message as
     * "\n", as it shows any control character. */
    for (const char *line = said; line;) {
        const char *nl = strchr(line, '\n');
        int len = nl ? (int)(nl - line) : (int)strlen(line);
        qc_diag_note(dg, qc_loc_make(NULL, 0), NULL, NULL, "  %.*s", len,
                     line);
        line = nl ? nl + 1 : NULL;
    }
}

/* Step S of a pass, on session SS: decides, sends, learns.  False after a
 * failure of the session. */
static bool run_step(run *r, qc_probe_session *ss, const qc_probe_step *s,
                     bool replay, qc_diagnostic **failure)
{
    const qc_value *args;
    const char *why;
    switch (qc_probe_step_decide(r->a, s, &r->facts, &args, &why)) {
    case QC_STEP_NOT_ASKED:
        return true;
    case QC_STEP_LACKING:
        if (replay)
            qc_warning(r->d, s->loc, "probe-skipped",
                       "skipped %s: this QEMU lacks it (%s)", s->label, why);
        return true;
    case QC_STEP_SEND:
        break;
    }
    const qc_value *reply = qc_probe_session_run(ss, s->execute, args,
                                                 failure);
    if (!reply)
        return false;
    const qc_value *ret = qc_obj_get(reply, "return");
    if (ret)
        qc_probe_facts_learn(r->a, &r->facts, s->execute, ret);
    return true;
}

/* One pass of the plan. */
static bool run_pass(run *r, const qc_probe_pass *pass, bool replay)
{
    qc_qemu q;
    memset(&q, 0, sizeof q);
    qc_probe_peer peer = { -1, r->o->connect, NULL, r->deadline,
                           r->o->timeout_ms };
    if (r->o->connect) {
        peer.who = qc_arena_printf(r->a, "the QEMU at %s", r->o->connect);
    } else {
        const char *const *accel = pass->tcg ? accel_tcg
            : r->o->accel == QC_PROBE_ACCEL_TCG ? accel_tcg
            : r->o->accel == QC_PROBE_ACCEL_KVM ? accel_kvm : accel_auto;
        qc_qemu_config c = { r->o->qemu, r->o->machine, accel };
        if (!qc_qemu_start(r->d, &q, &c))
            return false;
        peer.fd = q.qmp_fd;
        q.qmp_fd = -1;          /* the session owns it */
        peer.who = r->o->qemu;
    }
    qc_diagnostic *failure = NULL;
    qc_probe_session *ss = qc_probe_session_open(r->a, r->d, &peer,
                                                 &r->pairs, &failure);
    bool ok = ss != NULL;
    for (size_t k = 0; ok && k < pass->n; k++)
        ok = run_step(r, ss, &pass->steps[k], replay, &failure);
    if (!ok)
        explain(r, r->o->connect ? NULL : &q, failure);
    qc_probe_session_close(ss);
    qc_qemu_stop(&q);
    return ok;
}

/* Whether pass I runs; warns when --connect keeps it from running as it
 * should. */
static bool pass_wanted(run *r, const qc_probe_pass *pass, size_t i)
{
    if (pass->after_kvm && !r->facts.kvm)
        return false;
    if (!r->o->connect || !pass->tcg)
        return true;
    if (pass->after_kvm) {
        qc_warning(r->d, qc_loc_make(NULL, 0), "probe-connect-pass",
                   "the second pass (TCG after KVM) needs a QEMU of the probe's own; it is left out");
        return false;
    }
    qc_warning(r->d, qc_loc_make(NULL, 0), "probe-connect-pass",
               "pass %zu of the dump ran under TCG; it is asked of the running QEMU as it is, on a new connection",
               i + 1);
    return true;
}

bool qc_probe_run(qc_arena *a, qc_diag *d, const qc_probe_opts *o,
                  qc_buf *out)
{
    run r;
    memset(&r, 0, sizeof r);
    r.a = a;
    r.d = d;
    r.o = o;
    r.deadline = qc_probe_now_ms() + o->timeout_ms;
    if (o->plan->unchecked)
        qc_warning(d, qc_loc_make(NULL, 0), "probe-unchecked",
                   "the sequence asks no query-qmp-schema in its first pass, so its commands are sent without knowing whether this QEMU has them");
    for (size_t i = 0; i < o->plan->n; i++) {
        const qc_probe_pass *pass = &o->plan->passes[i];
        if (pass_wanted(&r, pass, i) && !run_pass(&r, pass, o->plan->replay))
            return false;
    }
    qc_probe_render(out, &r.pairs);
    return true;
}

void qc_probe_render(qc_buf *out, const qc_ptrvec *pairs)
{
    for (size_t i = 0; i < pairs->n; i++) {
        const qc_probe_pair *p = pairs->items[i];
        if (i)
            qc_buf_append(out, "\n\n", 2);
        qc_json_write(out, p->cmd, 2, 0);
        qc_buf_append(out, "\n\n", 2);
        qc_json_write(out, p->reply, 2, 0);
    }
    if (pairs->n)
        qc_buf_putc(out, '\n');
}
