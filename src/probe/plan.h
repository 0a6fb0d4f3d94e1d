/* What `qapic probe` asks a QEMU: a plan of passes, each one QMP session
 * (a QEMU of its own, or a new connection) that starts with the
 * negotiation, each a list of steps.
 *
 * The default plan is the questions libvirt's capability probe asks, in
 * its order, as data: each step may depend on what the QEMU said before
 * (its target architecture, the QOM types it lists, its machines), the
 * way libvirt decides.  A replayed plan is the commands of an existing
 * dump, as they are.  Either way a step the QEMU lacks (by its own
 * query-qmp-schema) is skipped, never sent. */
#ifndef QC_PROBE_PLAN_H
#define QC_PROBE_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"
#include "dumps/ischema.h"
#include "dumps/version.h"
#include "dumps/vschema.h"
#include "syntax/value.h"

typedef struct qc_probe_step {
    const char *execute;
    const qc_value *args;       /* an object, or NULL */
    /* Conditions (default plan only; NULL: none). */
    const char *if_types;       /* space-separated QOM types, one of which
                                   qom-list-types must list */
    const char *if_arch;        /* space-separated target architectures */
    const char *machine;        /* the arguments are {"typename": T} for
                                   the QOM type T of this machine (by alias
                                   or name in query-machines) */
    /* A replayed step: where it is in the dump. */
    qc_loc loc;
    const char *label;          /* "entry 93, command 'x' (libvirt-47)" */
} qc_probe_step;

typedef struct qc_probe_pass {
    qc_probe_step *steps;
    size_t n;
    bool tcg;                   /* its QEMU runs with TCG */
    bool after_kvm;             /* only after a first pass that found KVM
                                   enabled (libvirt's second pass) */
} qc_probe_pass;

typedef struct qc_probe_plan {
    qc_probe_pass *passes;
    size_t n;
    bool replay;                /* from a dump: skipped steps are listed */
    bool unchecked;             /* no query-qmp-schema in the first pass:
                                   nothing can be checked */
} qc_probe_plan;

/* libvirt's probing sequence. */
qc_probe_plan *qc_probe_plan_default(qc_arena *a);

/* The commands of the dump SRC, in order, a pass starting at each
 * qmp_capabilities (the first pass is the commands before the second).
 * NULL after reporting to D why the dump cannot be replayed (syntax
 * errors, an entry that is no command where one is due, no commands). */
qc_probe_plan *qc_probe_plan_from_dump(qc_arena *a, qc_source *src,
                                       qc_diag *d);

/* What the replies so far told about the QEMU. */
typedef struct qc_probe_facts {
    const char *arch;           /* query-target */
    const qc_value *types;      /* qom-list-types: [{"name": ...}, ...] */
    const qc_value *machines;   /* query-machines */
    bool kvm, kvm_known;        /* query-kvm: enabled */
    qc_version version;         /* query-version */
    const qc_vschema *schema;   /* query-qmp-schema, as the validator
                                   sees it */
} qc_probe_facts;

/* Learns from the successful reply RET of EXECUTE; the first answer to
 * each question counts (a later pass runs another accelerator). */
void qc_probe_facts_learn(qc_arena *a, qc_probe_facts *f, const char *execute,
                          const qc_value *ret);

typedef enum {
    QC_STEP_SEND,               /* send it */
    QC_STEP_NOT_ASKED,          /* a condition of the plan says no */
    QC_STEP_LACKING,            /* this QEMU lacks it (*WHY says what) */
} qc_step_verdict;

/* Decides step S with what F knows: its conditions, then (once the schema
 * is known) whether the QEMU has the command with these arguments.  For
 * QC_STEP_SEND, *ARGS is the arguments to send (NULL: none); for
 * QC_STEP_LACKING, *WHY is the first problem found. */
qc_step_verdict qc_probe_step_decide(qc_arena *a, const qc_probe_step *s,
                                     const qc_probe_facts *f,
                                     const qc_value **args, const char **why);

/* The command object {"execute": EXECUTE, "arguments": ARGS, "id": ID},
 * without the members that are NULL, in libvirt's order. */
qc_value *qc_probe_command(qc_arena *a, const char *execute,
                           const qc_value *args, const char *id);

#endif
