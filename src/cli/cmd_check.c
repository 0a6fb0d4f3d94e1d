/* qapic check: load and check one or more root schemas. */
#include "cli/cli.h"
#include "schema/schema.h"

static const struct option longopts[] = {
    QC_COMMON_LONGOPTS,
    { NULL, 0, NULL, 0 },
};

static const char usage[] =
    "usage: qapic check [options] SCHEMA...\n"
    "\n"
    "Checks each root SCHEMA and everything it includes against every rule\n"
    "QEMU's QAPI generator enforces.  Prints nothing and exits 0 when all\n"
    "are valid; otherwise prints diagnostics and exits 1.\n";

static int run(qc_cli *cli, int argc, char **argv)
{
    int rc;
    int first = qc_cli_getopt(cli, argc, argv, "", longopts, NULL, NULL, &rc);
    if (first < 0)
        return rc;
    if (first >= argc)
        return qc_cli_usage_error(cli, "check", "expected at least one SCHEMA");
    rc = QC_EXIT_OK;
    for (int i = first; i < argc; i++) {
        qc_arena *a = qc_arena_new();
        bool io_error = false;
        qc_schema *s = qc_schema_build(a, cli->diag, &cli->opts, argv[i],
                                       &io_error);
        if (!s) {
            if (io_error)
                rc = QC_EXIT_USAGE;
            else if (rc == QC_EXIT_OK)
                rc = QC_EXIT_PROBLEMS;
        }
        qc_arena_free(a);
    }
    return rc;
}

const qc_command qc_command_check = {
    "check", run, "check QAPI schemas like QEMU's generator does", usage,
};
