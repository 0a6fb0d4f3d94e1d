/* qapic: the entry point.  Dispatches to the subcommands, then writes
 * their output to stdout and the diagnostics to stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/output.h"
#include "cli/cli.h"
#include "config.h"

/* The subcommands, in the order "qapic --help" lists them.  Adding one
 * takes a file cmd_NAME.c that defines qc_command_NAME, and its name here. */
#define QC_COMMANDS(X) \
    X(parse) X(check) X(dump) X(introspect) X(query) X(replies) X(validate) \
    X(probe) X(compat) X(diff) X(gen)

#define DECLARE(name) extern const qc_command qc_command_##name;
QC_COMMANDS(DECLARE)
#undef DECLARE

static const qc_command *const commands[] = {
#define ENTRY(name) &qc_command_##name,
    QC_COMMANDS(ENTRY)
#undef ENTRY
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char common_options[] =
    "Options every subcommand accepts:\n"
    "  --diag-format=gcc|qemu|json  layout of diagnostics (default gcc)\n"
    "  --max-errors=N               stop after N errors (default 20, 0: no limit)\n"
    "  --std=qemu-10.2|qemu-10.0    doc comment rules of that QEMU release\n"
    "  --no-doc-checks              read doc blocks as plain comments\n"
    "  --max-input-size=SIZE        refuse inputs larger than SIZE bytes (K, M, G:\n"
    "                               KiB, MiB, GiB; default 256M, at most 1G)\n"
    "  --help                       this text\n";

static const qc_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i]->name, name))
            return commands[i];
    return NULL;
}

static void print_overview(qc_buf *b)
{
    qc_buf_puts(b, "usage: qapic [--version] [--help] SUBCOMMAND [ARGS]\n"
                   "\n"
                   "qapic reads QAPI schemas (the language of QEMU's QMP protocol) and\n"
                   "QMP capability dumps, and generates C bindings.  Subcommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        qc_buf_printf(b, "  %-11s %s\n", commands[i]->name, commands[i]->summary);
    qc_buf_puts(b, "\nRun 'qapic help SUBCOMMAND' for its options.\n"
                   "Exit status: 0 ok, 1 problems found in the input, 2 usage or I/O error.\n");
}

void qc_cli_print_help(qc_cli *cli, const char *name)
{
    const qc_command *c = find_command(name);
    if (!c) {
        print_overview(&cli->out);
        return;
    }
    qc_buf_printf(&cli->out, "%s\n%s", c->usage, common_options);
}

static int run(qc_cli *cli, int argc, char **argv)
{
    if (argc < 2) {
        print_overview(&cli->out);
        return QC_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        print_overview(&cli->out);
        return QC_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        qc_buf_printf(&cli->out, "qapic %s\n", QC_VERSION);
        return QC_EXIT_OK;
    }
    if (!strcmp(argv[1], "help")) {
        if (argc > 2 && !find_command(argv[2]))
            return qc_cli_usage_error(cli, NULL, "no subcommand '%s'", argv[2]);
        qc_cli_print_help(cli, argc > 2 ? argv[2] : "");
        return QC_EXIT_OK;
    }
    const qc_command *c = find_command(argv[1]);
    if (!c) {
        qc_error(cli->diag, (qc_loc){ 0 }, "usage",
                 "'%s' is not a subcommand; run 'qapic --help'", argv[1]);
        return QC_EXIT_USAGE;
    }
    return c->run(cli, argc - 1, argv + 1);
}

/* Inputs beyond a limit (LIMITS in the manual) are refused with exit
 * status 2, whichever layer found them. */
static bool limit_exceeded(const qc_diag *d)
{
    static const char *const codes[] = {
        "input-too-large", "syntax-too-deep", "qapi-include-too-deep",
        "schema-too-large", "schema-too-deep", "rules-too-deep", "rules-too-large",
    };
    const qc_diagnostic *dg;
    for (size_t i = 0; (dg = qc_diag_get(d, i)); i++)
        for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++)
            if (!strcmp(qc_diagnostic_code(dg), codes[k]))
                return true;
    return false;
}

/* A closed standard input, output or error would be the next file
 * opened (a schema, a temporary file, QEMU's log), which would then be
 * read as standard input ("-"), or get what is meant for the other two.
 * Each closed one is held by /dev/null opened the other way (input for
 * writing, output for reading), so that using it still fails with EBADF,
 * as a closed one does. */
static void hold_standard_fds(void)
{
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        int h = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
        if (h >= 0 && h != fd) {
            dup2(h, fd);
            close(h);
        }
    }
}

int main(int argc, char **argv)
{
    hold_standard_fds();
    qc_cli cli = { "qapic", qc_diag_new(), QC_OPTIONS_DEFAULT, QC_BUF_INIT };
    qc_diag_set_max_errors(cli.diag, 20);
    int rc = run(&cli, argc, argv);
    if (rc == QC_EXIT_PROBLEMS && limit_exceeded(cli.diag))
        rc = QC_EXIT_USAGE;
    /* Output that cannot be written is an error whatever the command
     * found: a lost report must not pass for a good one. */
    if (cli.out.len
        && !qc_output_write(cli.diag, NULL, cli.out.data, cli.out.len, 0))
        rc = QC_EXIT_USAGE;
    qc_buf_free(&cli.out);
    /* Diagnostics that cannot be written are lost problems: exit 2 too
     * (with nowhere left to say so). */
    if (!qc_diag_flush(cli.diag, stderr))
        rc = QC_EXIT_USAGE;
    qc_diag_free(cli.diag);
    return rc;
}
