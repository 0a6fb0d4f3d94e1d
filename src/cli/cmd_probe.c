/* qapic probe [--qemu BINARY] [--machine TYPE] [--accel tcg|kvm]
 *             [--sequence DUMP] [--connect SOCKET] [--timeout SECONDS]
 *             [-o FILE [--force]]
 *
 * Probes a QEMU into a capability dump (src/probe/probe.h).  Exit status:
 * 0, 1 when the --sequence dump cannot be replayed, 2 usage errors,
 * unreadable files, a QEMU that cannot be started, fails or does not
 * answer in time, output that cannot be written. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/output.h"
#include "cli/cli.h"
#include "probe/probe.h"

#define DEFAULT_QEMU "qemu-system-x86_64"
#define DEFAULT_MACHINE "none"
#define DEFAULT_TIMEOUT_S 60
#define DEFAULT_TIMEOUT_TEXT "60"
#define MAX_TIMEOUT_S 86400

enum {
    OPT_QEMU = QC_OPT_FIRST_PRIVATE,
    OPT_MACHINE,
    OPT_ACCEL,
    OPT_SEQUENCE,
    OPT_CONNECT,
    OPT_TIMEOUT,
    OPT_FORCE,
};

static const char SUB[] = "probe";

typedef struct probe_args {
    qc_probe_opts po;
    bool accel_given;
    bool qemu_given;
    bool machine_given;
    const char *sequence;
    const char *output;
    unsigned output_flags;      /* QC_OUTPUT_*: --force */
} probe_args;

static int parse_timeout(qc_cli *cli, probe_args *pa, const char *arg)
{
    char *end;
    errno = 0;
    double s = strtod(arg, &end);
    if (errno || end == arg || *end || !(s > 0) || s > MAX_TIMEOUT_S) {
        qc_cli_usage_error(cli, SUB, "--timeout needs a number of seconds "
                           "above 0 and up to %d, not '%s'", MAX_TIMEOUT_S,
                           arg);
        return -1;
    }
    pa->po.timeout_ms = (int)(s * 1000 + 0.999);
    return 0;
}

/* Returns 0 when OPT was handled (qc_cli_getopt's contract). */
static int handle_opt(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    probe_args *pa = ctx;
    static const char *const accels[] = { "tcg", "kvm", NULL };
    int i;
    switch (opt) {
    case OPT_QEMU:
        pa->po.qemu = arg;
        pa->qemu_given = true;
        return 0;
    case 'M':
    case OPT_MACHINE:
        pa->po.machine = arg;
        pa->machine_given = true;
        return 0;
    case OPT_ACCEL:
        if ((i = qc_cli_choice(cli, SUB, "accelerator", arg, accels,
                               "use tcg or kvm")) < 0)
            return -1;
        pa->po.accel = i ? QC_PROBE_ACCEL_KVM : QC_PROBE_ACCEL_TCG;
        pa->accel_given = true;
        return 0;
    case OPT_SEQUENCE:
        pa->sequence = arg;
        return 0;
    case OPT_CONNECT:
        pa->po.connect = arg;
        return 0;
    case OPT_TIMEOUT:
        return parse_timeout(cli, pa, arg);
    case 'o':
        pa->output = arg;
        return 0;
    case OPT_FORCE:
        pa->output_flags |= QC_OUTPUT_FORCE;
        return 0;
    }
    return -1;
}

static const struct option longopts[] = {
    { "qemu", required_argument, NULL, OPT_QEMU },
    { "machine", required_argument, NULL, OPT_MACHINE },
    { "accel", required_argument, NULL, OPT_ACCEL },
    { "sequence", required_argument, NULL, OPT_SEQUENCE },
    { "connect", required_argument, NULL, OPT_CONNECT },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "output", required_argument, NULL, 'o' },
    { "force", no_argument, NULL, OPT_FORCE },
    QC_COMMON_LONGOPTS,
    { NULL, 0, NULL, 0 },
};

static const char usage[] =
    "usage: qapic probe [--qemu BINARY] [-M|--machine TYPE] [--accel tcg|kvm]\n"
    "                   [--sequence DUMP] [--connect SOCKET]\n"
    "                   [--timeout SECONDS] [-o FILE [--force]]\n"
    "\n"
    "Starts a QEMU of its own (paused, no devices, its monitor on a private\n"
    "socketpair; stopped and reaped at the end, killed with the probe), asks\n"
    "it libvirt's capability questions in libvirt's order and writes the\n"
    "conversation as a capability dump (.replies) with libvirt's ids and\n"
    "layout, QEMU's replies exactly as it sent them.  When the first pass\n"
    "ran under KVM, a second QEMU answers libvirt's TCG questions.\n"
    "Questions this QEMU cannot answer (by its query-qmp-schema) are not\n"
    "asked.\n"
    "  --qemu BINARY       the QEMU to probe (default " DEFAULT_QEMU " from\n"
    "                      PATH)\n"
    "  -M, --machine TYPE  its machine type (default " DEFAULT_MACHINE ")\n"
    "  --accel tcg|kvm     its accelerator (default KVM when it can be used,\n"
    "                      else TCG)\n"
    "  --sequence DUMP     ask the commands of DUMP instead, with the same\n"
    "                      arguments in the same order, a new QEMU (TCG) at\n"
    "                      each later qmp_capabilities; those this QEMU lacks\n"
    "                      are skipped and listed on stderr\n"
    "  --connect SOCKET    probe the QEMU already running with its QMP\n"
    "                      monitor on the UNIX socket SOCKET\n"
    "  --timeout SECONDS   give up (and stop the QEMU) when the whole probe\n"
    "                      takes longer (default " DEFAULT_TIMEOUT_TEXT ")\n"
    "  -o, --output FILE   write FILE atomically instead of stdout\n"
    "  --force             rewrite FILE even if it is read-only or its\n"
    "                      extended attributes cannot all be kept\n"
    "Exit status: 0; 1 when the --sequence dump cannot be replayed; 2 usage\n"
    "error, unreadable file, a QEMU that cannot be started, fails or does\n"
    "not answer in time, output that cannot be written.\n";

/* The plan: libvirt's, or the --sequence dump's.  NULL after reporting;
 * *RC says how it ends. */
static const qc_probe_plan *load_plan(qc_cli *cli, qc_arena *a,
                                      const probe_args *pa, int *rc)
{
    if (!pa->sequence)
        return qc_probe_plan_default(a);
    qc_source *src = qc_cli_read(cli, a, pa->sequence);
    if (!src) {
        *rc = QC_EXIT_USAGE;
        return NULL;
    }
    const qc_probe_plan *p = qc_probe_plan_from_dump(a, src, cli->diag);
    if (!p)
        *rc = QC_EXIT_PROBLEMS;
    return p;
}

static int check_args(qc_cli *cli, const probe_args *pa)
{
    if (pa->po.connect && (pa->qemu_given || pa->machine_given
                           || pa->accel_given))
        return qc_cli_usage_error(cli, SUB, "--connect probes a QEMU that "
                                  "runs already: --qemu, --machine and "
                                  "--accel do not apply");
    if (pa->po.qemu && !*pa->po.qemu)
        return qc_cli_usage_error(cli, SUB, "--qemu needs a binary");
    if (pa->po.machine && !*pa->po.machine)
        return qc_cli_usage_error(cli, SUB, "--machine needs a type");
    if (pa->po.connect && !*pa->po.connect)
        return qc_cli_usage_error(cli, SUB, "--connect needs a socket path");
    if (pa->output && !*pa->output)
        return qc_cli_usage_error(cli, SUB, "-o needs a file name");
    return QC_EXIT_OK;
}

/* After a probe that ran out of time: the option that gives it more. */
static void hint_timeout(qc_cli *cli)
{
    for (size_t i = 0; qc_diag_get(cli->diag, i); i++)
        if (!strcmp(qc_diagnostic_code(qc_diag_get(cli->diag, i)),
                    "probe-timeout")) {
            qc_diag_report(cli->diag, QC_SEV_NOTE, qc_loc_make(NULL, 0),
                           "hint-probe-timeout",
                           "--timeout SECONDS sets the time limit of the whole probe");
            return;
        }
}

static int run(qc_cli *cli, int argc, char **argv)
{
    probe_args pa;
    memset(&pa, 0, sizeof pa);
    pa.po.qemu = DEFAULT_QEMU;
    pa.po.machine = DEFAULT_MACHINE;
    pa.po.timeout_ms = DEFAULT_TIMEOUT_S * 1000;
    qc_arena *a = qc_arena_new();
    int code = QC_EXIT_USAGE;
    int first = qc_cli_getopt(cli, argc, argv, "M:o:", longopts, handle_opt,
                              &pa, &code);
    int rc = code;
    if (first < 0)
        goto out;
    if (first < argc) {
        rc = qc_cli_usage_error(cli, SUB, "takes no operands ('%s')",
                                argv[first]);
        goto out;
    }
    if ((rc = check_args(cli, &pa)) != QC_EXIT_OK)
        goto out;
    if (!(pa.po.plan = load_plan(cli, a, &pa, &rc)))
        goto out;
    /* "-o -" is standard output too. */
    bool to_file = pa.output && strcmp(pa.output, "-");
    qc_buf file = QC_BUF_INIT, *b = to_file ? &file : &cli->out;
    rc = QC_EXIT_USAGE;
    /* A file that will be refused is refused before a QEMU is started. */
    if (to_file && !qc_output_may_write(cli->diag, pa.output, pa.output_flags))
        qc_cli_hint_force(cli);
    else if (!qc_probe_run(a, cli->diag, &pa.po, b))
        hint_timeout(cli);
    else if (!to_file || qc_output_write(cli->diag, pa.output, file.data,
                                         file.len, pa.output_flags))
        rc = QC_EXIT_OK;
    else
        qc_cli_hint_force(cli);
    qc_buf_free(&file);
out:
    qc_arena_free(a);
    return rc;
}

const qc_command qc_command_probe = {
    "probe", run, "capture a QEMU's capabilities as a dump", usage,
};
