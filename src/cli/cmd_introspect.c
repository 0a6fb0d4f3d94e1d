/* qapic introspect [--config FILE] [-D SYMBOL]... [--all-conditions]
 *                  [--unmask-non-abi-names] [--key-order=sorted|qemu]
 *                  [-o FILE [--force]] SCHEMA
 *
 * Prints what query-qmp-schema returns for SCHEMA in a build where exactly
 * the given condition symbols are defined (none by default), as JSON with
 * a 2-space indent. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/output.h"
#include "base/source.h"
#include "cli/cli.h"
#include "schema/introspect.h"
#include "schema/schema.h"

enum {
    OPT_CONFIG = QC_OPT_FIRST_PRIVATE,
    OPT_UNMASK,
    OPT_KEY_ORDER,
    OPT_ALL_CONDITIONS,
    OPT_FORCE,
};

static const struct option longopts[] = {
    { "config", required_argument, NULL, OPT_CONFIG },
    { "define", required_argument, NULL, 'D' },
    { "all-conditions", no_argument, NULL, OPT_ALL_CONDITIONS },
    { "unmask-non-abi-names", no_argument, NULL, OPT_UNMASK },
    { "key-order", required_argument, NULL, OPT_KEY_ORDER },
    { "output", required_argument, NULL, 'o' },
    { "force", no_argument, NULL, OPT_FORCE },
    QC_COMMON_LONGOPTS,
    { NULL, 0, NULL, 0 },
};

static const char usage[] =
    "usage: qapic introspect [--config FILE] [-D SYMBOL]... [--all-conditions]\n"
    "                        [-u|--unmask-non-abi-names] [--key-order=sorted|qemu]\n"
    "                        [-o FILE [--force]] SCHEMA\n"
    "\n"
    "Prints the introspection QEMU would return for SCHEMA built with the\n"
    "given condition symbols (none given: no symbol is defined).\n"
    "  --config FILE          condition symbols, one per line\n"
    "  -D, --define SYMBOL    define one condition symbol\n"
    "  --all-conditions       take every 'if' as true\n"
    "  -u, --unmask-non-abi-names  real type names instead of numbers\n"
    "  --key-order=sorted     sort object keys (default)\n"
    "  --key-order=qemu       QEMU's wire order, to compare with a dump\n"
    "  -o, --output FILE      write FILE instead of stdout: a regular file is\n"
    "                         replaced atomically (a symlink's target, keeping\n"
    "                         owner and mode), a FIFO or device written to\n"
    "  --force                rewrite FILE even if it is read-only or its\n"
    "                         extended attributes cannot all be kept\n";

typedef struct intro_args {
    qc_arena *a;
    qc_introspect_opts io;
    qc_ptrvec symbols;      /* const char * */
    const char *output;
    unsigned output_flags;  /* QC_OUTPUT_* */
    bool failed;            /* a --config file could not be read */
} intro_args;

/* Returns 0 when OPT was handled (qc_cli_getopt's contract). */
static int handle_opt(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    intro_args *ia = ctx;
    switch (opt) {
    case OPT_CONFIG:
        if (!qc_cli_read_config(cli, ia->a, arg, &ia->symbols))
            ia->failed = true;
        return 0;
    case 'D':
        qc_ptrvec_push(ia->a, &ia->symbols, qc_arena_strdup(ia->a, arg));
        return 0;
    case OPT_ALL_CONDITIONS:
        ia->io.all_conditions_true = true;
        return 0;
    case 'u':
    case OPT_UNMASK:
        ia->io.unmask = true;
        return 0;
    case 'o':
        ia->output = arg;
        return 0;
    case OPT_FORCE:
        ia->output_flags |= QC_OUTPUT_FORCE;
        return 0;
    case OPT_KEY_ORDER: {
        /* In the order of qc_key_order. */
        static const char *const orders[] = { "sorted", "qemu", NULL };
        int i = qc_cli_choice(cli, "introspect", "key order", arg, orders,
                              "sorted or qemu");
        if (i < 0)
            return -1;
        ia->io.key_order = (qc_key_order)i;
        return 0;
    }
    }
    return -1;
}

struct introspection {
    const qc_schema *s;
    const qc_introspect_opts *o;
};

static bool produce(void *ctx, qc_output_piece_fn *write, void *wctx)
{
    const struct introspection *it = ctx;
    return qc_introspect_write(it->s, it->o, write, wctx);
}

static int run(qc_cli *cli, int argc, char **argv)
{
    intro_args ia = { 0 };
    qc_introspect_opts dflt = QC_INTROSPECT_OPTS_DEFAULT;
    ia.a = qc_arena_new();
    ia.io = dflt;
    int code = QC_EXIT_USAGE;
    int first = qc_cli_getopt(cli, argc, argv, "D:o:u", longopts, handle_opt,
                              &ia, &code);
    int rc = code;
    if (first < 0)
        goto out;
    rc = QC_EXIT_USAGE;
    if (ia.failed)
        goto out;
    if (argc - first != 1) {
        rc = qc_cli_usage_error(cli, "introspect",
                                "expected exactly one SCHEMA");
        goto out;
    }
    ia.io.symbols = (const char *const *)ia.symbols.items;
    ia.io.nsymbols = ia.symbols.n;

    bool io_error = false;
    qc_schema *s = qc_schema_build(ia.a, cli->diag, &cli->opts, argv[first],
                                   &io_error);
    if (!s) {
        qc_cli_hint_doc_checks(cli);
        rc = io_error ? QC_EXIT_USAGE : QC_EXIT_PROBLEMS;
        goto out;
    }
    /* Written as it is made: a large schema's text is never held whole.
     * No -o, or "-o -", is standard output. */
    struct introspection it = { s, &ia.io };
    rc = QC_EXIT_OK;
    if (!qc_output_write_pieces(cli->diag, ia.output, produce, &it,
                                ia.output_flags)) {
        if (ia.output && strcmp(ia.output, "-"))
            qc_cli_hint_force(cli);
        rc = QC_EXIT_USAGE;
    }
out:
    qc_arena_free(ia.a);
    return rc;
}

const qc_command qc_command_introspect = {
    "introspect", run, "print query-qmp-schema for a schema", usage,
};
