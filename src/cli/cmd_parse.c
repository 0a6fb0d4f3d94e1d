/* qapic parse: syntax only, in one of the three dialects. */
#include <string.h>

#include "base/path.h"
#include "cli/cli.h"
#include "syntax/json.h"
#include "syntax/parse.h"

enum { OPT_DIALECT = QC_OPT_FIRST_PRIVATE, OPT_PRINT };

static const struct option longopts[] = {
    { "dialect", required_argument, NULL, OPT_DIALECT },
    { "print", no_argument, NULL, OPT_PRINT },
    QC_COMMON_LONGOPTS,
    { NULL, 0, NULL, 0 },
};

static const char usage[] =
    "usage: qapic parse [--dialect=schema|json|stream] [--print] FILE\n"
    "\n"
    "Reads FILE in one dialect and reports the first syntax error.\n"
    "  --dialect=schema  QAPI schema syntax (default for .json files)\n"
    "  --dialect=json    one strict JSON value\n"
    "  --dialect=stream  a sequence of JSON values (default for .replies)\n"
    "  --print           write the values in canonical form (JSON with\n"
    "                    2-space indent, as capability dumps use)\n";

struct parse_args {
    int dialect;            /* -1: from the file name */
    bool print;
};

static int handle(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    static const char *const dialects[] = { "schema", "json", "stream", NULL };
    struct parse_args *pa = ctx;
    switch (opt) {
    case OPT_DIALECT:
        /* In the order of qc_dialect. */
        pa->dialect = qc_cli_choice(cli, "parse", "dialect", arg, dialects,
                                    "use schema, json or stream");
        return pa->dialect < 0 ? -1 : 0;
    case OPT_PRINT:
        pa->print = true;
        return 0;
    }
    return -1;
}

/* Canonical text of a schema's items: doc blocks are not values, so only
 * the expressions are printed, one after another. */
static void print_items(qc_buf *b, const qc_parse_result *r)
{
    bool first = true;
    for (size_t i = 0; i < r->nitems; i++) {
        if (r->items[i].doc)
            continue;
        if (!first)
            qc_buf_append(b, "\n\n", 2);
        qc_json_write(b, &r->items[i].value, 2, 0);
        first = false;
    }
    if (!first)
        qc_buf_putc(b, '\n');
}

static int run(qc_cli *cli, int argc, char **argv)
{
    struct parse_args pa = { -1, false };
    int rc;
    int first = qc_cli_getopt(cli, argc, argv, "", longopts, handle, &pa, &rc);
    if (first < 0)
        return rc;
    if (argc - first != 1)
        return qc_cli_usage_error(cli, "parse", "expected exactly one FILE");
    const char *path = argv[first];
    qc_dialect dialect = pa.dialect >= 0 ? (qc_dialect)pa.dialect
                       : qc_path_has_suffix(path, ".replies") ? QC_DIALECT_STREAM
                       : QC_DIALECT_SCHEMA;

    qc_arena *a = qc_arena_new();
    int err = 0;
    qc_source *src = qc_source_read(a, cli->diag, path,
                                    dialect == QC_DIALECT_SCHEMA, NULL, 0, &err);
    if (!src) {
        if (err)
            qc_cli_io_error(cli, path, err);
        qc_arena_free(a);
        return QC_EXIT_USAGE;
    }
    qc_parse_result r;
    qc_parse(a, src, dialect, &r);
    if (r.error) {
        qc_parse_report(cli->diag, r.error);
        rc = QC_EXIT_PROBLEMS;
    } else {
        rc = QC_EXIT_OK;
        if (pa.print)
            print_items(&cli->out, &r);
    }
    qc_arena_free(a);
    return rc;
}

const qc_command qc_command_parse = {
    "parse", run, "check the syntax of a schema or JSON file", usage,
};
