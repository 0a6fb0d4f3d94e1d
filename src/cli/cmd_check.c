/* qapic check: load and check one or more root schemas. */
#include "cli/cli.h"
#include "base/diag.h"
#include "schema/schema.h"


int qc_cmd_check(qc_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        QC_COMMON_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
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
