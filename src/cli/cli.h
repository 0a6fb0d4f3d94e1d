/* Command-line layer.  Only this layer (src/main.c and src/cmd_*.c) writes
 * to stdout or decides the exit status. */
#ifndef QC_CLI_H
#define QC_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "base/diag.h"
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
} qc_cli;

/* Options every subcommand accepts, for getopt_long tables:
 *   --diag-format=gcc|qemu|json  --max-errors=N
 *   --std=qemu-10.0|qemu-10.2    --no-doc-checks */
enum {
    QC_OPT_DIAG_FORMAT = 0x1000,
    QC_OPT_MAX_ERRORS,
    QC_OPT_STD,
    QC_OPT_NO_DOC_CHECKS,
    QC_OPT_HELP,
    QC_OPT_FIRST_PRIVATE = 0x1100,  /* subcommands number theirs from here */
};

#define QC_COMMON_LONGOPTS \
    { "diag-format", required_argument, NULL, QC_OPT_DIAG_FORMAT }, \
    { "max-errors", required_argument, NULL, QC_OPT_MAX_ERRORS }, \
    { "std", required_argument, NULL, QC_OPT_STD }, \
    { "no-doc-checks", no_argument, NULL, QC_OPT_NO_DOC_CHECKS }, \
    { "help", no_argument, NULL, QC_OPT_HELP }

/* Handles OPT if it is a common option.  Returns 1 when handled, 0 when
 * OPT is not a common option, -1 after reporting a bad value. */
int qc_cli_common_option(qc_cli *cli, int opt, const char *arg);

/* Reports a usage error ("qapic SUB: message") and returns QC_EXIT_USAGE. */
int qc_cli_usage_error(qc_cli *cli, const char *sub, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports that PATH could not be read (with the OS reason). */
void qc_cli_io_error(qc_cli *cli, const char *path, int err);

/* Writes DATA to PATH atomically (temporary file in the same directory,
 * then rename), or to stdout when PATH is NULL or "-".  Returns false after
 * reporting an error. */
bool qc_cli_write_output(qc_cli *cli, const char *path, const char *data,
                         size_t len);

/* Runs getopt_long over a subcommand's arguments (ARGV[0] is the
 * subcommand name).  Common options are handled here; others are handed to
 * HANDLER.  Returns the index of the first operand, or -1 after a usage
 * error (or after printing help, with *EXIT set). */
typedef int (*qc_opt_handler)(qc_cli *cli, void *ctx, int opt, const char *arg);
int qc_cli_getopt(qc_cli *cli, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, qc_opt_handler handler,
                  void *ctx, int *exit_code);

/* Prints the help text of subcommand NAME to stdout. */
void qc_cli_print_help(const char *name);

/* One entry per subcommand (table in main.c). */
typedef struct qc_command {
    const char *name;
    int (*run)(qc_cli *cli, int argc, char **argv);
    const char *summary;     /* one line for "qapic --help" */
    const char *usage;       /* full help text for "qapic help NAME" */
} qc_command;

int qc_cmd_parse(qc_cli *cli, int argc, char **argv);
int qc_cmd_check(qc_cli *cli, int argc, char **argv);
int qc_cmd_dump(qc_cli *cli, int argc, char **argv);
int qc_cmd_introspect(qc_cli *cli, int argc, char **argv);
int qc_cmd_query(qc_cli *cli, int argc, char **argv);
int qc_cmd_replies(qc_cli *cli, int argc, char **argv);
int qc_cmd_compat(qc_cli *cli, int argc, char **argv);

#endif
