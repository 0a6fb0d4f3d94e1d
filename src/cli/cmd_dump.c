/* qapic dump: print the checked schema model (test-qapi listing or a
 * summary). */
#include <string.h>

#include "cli/cli.h"
#include "base/diag.h"
#include "schema/dump.h"
#include "schema/schema.h"

enum { OPT_FORMAT = QC_OPT_FIRST_PRIVATE };

static int handle(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    int *fmt = ctx;
    if (opt != OPT_FORMAT)
        return -1;
    if (strcmp(arg, "test-qapi") == 0)
        *fmt = 1;
    else if (strcmp(arg, "summary") == 0)
        *fmt = 0;
    else
        return qc_cli_usage_error(cli, "dump",
                                  "unknown format '%s' (use test-qapi or "
                                  "summary)", arg), -1;
    return 0;
}


int qc_cmd_dump(qc_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, OPT_FORMAT },
        QC_COMMON_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    int fmt = 0, rc;
    int first = qc_cli_getopt(cli, argc, argv, "", longopts, handle, &fmt,
                              &rc);
    if (first < 0)
        return rc;
    if (argc - first != 1)
        return qc_cli_usage_error(cli, "dump", "expected exactly one SCHEMA");
    qc_arena *a = qc_arena_new();
    bool io_error = false;
    qc_schema *s = qc_schema_build(a, cli->diag, &cli->opts, argv[first],
                                   &io_error);
    if (!s) {
        qc_arena_free(a);
        return io_error ? QC_EXIT_USAGE : QC_EXIT_PROBLEMS;
    }
    qc_buf b = QC_BUF_INIT;
    if (fmt == 1)
        qc_dump_testqapi(&b, s);
    else
        qc_dump_summary(&b, s);
    rc = qc_cli_write_output(cli, NULL, b.data ? b.data : "", b.len)
        ? QC_EXIT_OK : QC_EXIT_USAGE;
    qc_buf_free(&b);
    qc_arena_free(a);
    return rc;
}
