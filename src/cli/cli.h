/* Command-line layer: main.c dispatches to one cmd_NAME.c per subcommand.
 * Only this layer decides exit statuses, and only through it does
 * anything reach standard output: a command appends its results to
 * cli->out, and main writes them once the command returns
 * (base/output.h), so a failed write is always an error of its own. */
#ifndef QC_CLI_H
#define QC_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/source.h"
#include "schema/options.h"

/* Exit statuses, everywhere. */
enum {
    QC_EXIT_OK = 0,        /* success */
    QC_EXIT_PROBLEMS = 1,  /* problems found in the input */
    QC_EXIT_USAGE = 2,     /* usage error, or a file could not be read/written */
};

typedef struct qc_cli {
    const char *prog;      /* "qapic" */
    qc_diag *diag;         /* the sink; main flushes it to stderr */
    qc_options opts;
    qc_buf out;            /* what goes to standard output */
} qc_cli;

/* One subcommand: cmd_NAME.c defines "const qc_command qc_command_NAME"
 * and main.c lists it. */
typedef struct qc_command {
    const char *name;
    int (*run)(qc_cli *cli, int argc, char **argv);  /* ARGV[0]: NAME */
    const char *summary;     /* one line for "qapic --help" */
    const char *usage;       /* full help text for "qapic help NAME" */
} qc_command;

/* Options every subcommand accepts, for getopt_long tables:
 *   --diag-format=gcc|qemu|json  --max-errors=N
 *   --std=qemu-10.0|qemu-10.2    --no-doc-checks
 *   --max-input-size=SIZE */
enum {
    QC_OPT_DIAG_FORMAT = 0x1000,
    QC_OPT_MAX_ERRORS,
    QC_OPT_STD,
    QC_OPT_NO_DOC_CHECKS,
    QC_OPT_MAX_INPUT_SIZE,
    QC_OPT_HELP,
    QC_OPT_FIRST_PRIVATE = 0x1100,  /* subcommands number theirs from here */
};

#define QC_COMMON_LONGOPTS \
    { "diag-format", required_argument, NULL, QC_OPT_DIAG_FORMAT }, \
    { "max-errors", required_argument, NULL, QC_OPT_MAX_ERRORS }, \
    { "std", required_argument, NULL, QC_OPT_STD }, \
    { "no-doc-checks", no_argument, NULL, QC_OPT_NO_DOC_CHECKS }, \
    { "max-input-size", required_argument, NULL, QC_OPT_MAX_INPUT_SIZE }, \
    { "help", no_argument, NULL, QC_OPT_HELP }

/* How to allow what the feature policy of --allow-deprecated and
 * --allow-unstable refuses: the hints of qc_validate_opts. */
#define QC_CLI_DEPRECATED_HINT "allow with --allow-deprecated"
#define QC_CLI_UNSTABLE_HINT "allow with --allow-unstable"

/* Runs getopt_long over a subcommand's arguments (ARGV[0] is the
 * subcommand name).  Common options are handled here; others are handed to
 * HANDLER, which returns 0 when it took the option.  Returns the index of
 * the first operand, or -1 after a usage error (or after printing help,
 * with *EXIT set). */
typedef int (*qc_opt_handler)(qc_cli *cli, void *ctx, int opt, const char *arg);
int qc_cli_getopt(qc_cli *cli, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, qc_opt_handler handler,
                  void *ctx, int *exit_code);

/* An option value that is one of WORDS (NULL-terminated): its index, or
 * -1 after the usage error "unknown WHAT 'ARG' (HINT)" of SUB. */
int qc_cli_choice(qc_cli *cli, const char *sub, const char *what,
                  const char *arg, const char *const *words, const char *hint);

/* Reports a usage error ("qapic SUB: message") and returns QC_EXIT_USAGE. */
int qc_cli_usage_error(qc_cli *cli, const char *sub, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports that PATH could not be read (with the OS reason). */
void qc_cli_io_error(qc_cli *cli, const char *path, int err);
/* Reads PATH into a source of A; NULL after reporting why it cannot. */
qc_source *qc_cli_read(qc_cli *cli, qc_arena *a, const char *path);
/* The same of standard input ("-"), named <stdin>; a closed one is
 * reported as such. */
qc_source *qc_cli_read_stdin(qc_cli *cli, qc_arena *a);

/* Reads the build configuration file PATH (--config): one condition
 * symbol a line; blank lines and '#' comments are skipped; "NAME=VALUE"
 * (config-host.mak style) defines NAME unless VALUE is empty, "n" or "0".
 * Appends the symbols (const char *, from A) to SYMBOLS.  Returns false
 * after reporting that PATH cannot be read. */
bool qc_cli_read_config(qc_cli *cli, qc_arena *a, const char *path,
                        qc_ptrvec *symbols);

/* After a source schema failed to load: when doc comment rules were among
 * the reasons, a note that --no-doc-checks reads older schemas. */
void qc_cli_hint_doc_checks(qc_cli *cli);

/* Runs "qapic validate" (cmd_validate.c) with ARGV[0] the name SUB gives
 * usage errors; SCHEMA_OPERAND: without --schema, the first operand is
 * the schema ("replies validate DUMP COMMAND-JSON..."). */
int qc_cli_validate(qc_cli *cli, const char *sub, int argc, char **argv,
                    bool schema_operand);
/* After a file was not rewritten because it is read-only: a note that
 * --force rewrites it. */
void qc_cli_hint_force(qc_cli *cli);

/* Appends the help text of subcommand NAME (or the overview, for a name
 * that is none) to CLI->out. */
void qc_cli_print_help(qc_cli *cli, const char *name);

#endif
