/* qapic dump: print the checked schema model (test-qapi listing or a
 * summary). */
#include <string.h>

#include "cli/cli.h"
#include "schema/dump.h"
#include "schema/schema.h"

enum { OPT_FORMAT = QC_OPT_FIRST_PRIVATE };

static const struct option longopts[] = {
    { "format", required_argument, NULL, OPT_FORMAT },
    QC_COMMON_LONGOPTS,
    { NULL, 0, NULL, 0 },
};

static const char usage[] =
    "usage: qapic dump [--format=test-qapi|summary] [options] SCHEMA\n"
    "\n"
    "  --format=test-qapi  the listing of QEMU's test harness, byte for byte\n"
    "  --format=summary    a short overview (default)\n";

typedef enum { FMT_SUMMARY, FMT_TESTQAPI } dump_format;  /* as in formats[] */

static int handle(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    static const char *const formats[] = { "summary", "test-qapi", NULL };
    dump_format *fmt = ctx;
    int i;
    if (opt != OPT_FORMAT || (i = qc_cli_choice(cli, "dump", "format", arg,
                                                formats,
                                                "use test-qapi or summary")) < 0)
        return -1;
    *fmt = (dump_format)i;
    return 0;
}

static int run(qc_cli *cli, int argc, char **argv)
{
    dump_format fmt = FMT_SUMMARY;
    int rc;
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
    if (s && fmt == FMT_TESTQAPI)
        qc_dump_testqapi(&cli->out, s);
    else if (s)
        qc_dump_summary(&cli->out, s);
    qc_arena_free(a);
    if (!s)
        return io_error ? QC_EXIT_USAGE : QC_EXIT_PROBLEMS;
    return QC_EXIT_OK;
}

const qc_command qc_command_dump = {
    "dump", run, "print the schema model", usage,
};
