/* qapic query [--format=text|json] SOURCE PATH...
 *
 * Evaluates schema queries (src/query.h) against a capability dump
 * (.replies) or a source schema (every condition taken as true).  Exit
 * status: 0 all true, 1 some false, 2 malformed query or bad source. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "cli/cli.h"
#include "dumps/ischema.h"
#include "syntax/json.h"
#include "dumps/query.h"

/* Diagnostics may point into the arena (sources, names), so they are
 * written out before it goes; main's later flush finds the sink empty. */
static void release(qc_cli *cli, qc_arena *a)
{
    if (qc_diag_get(cli->diag, 0))
        qc_diag_flush(cli->diag, stderr);
    qc_arena_free(a);
}

enum { OPT_FORMAT = QC_OPT_FIRST_PRIVATE };

typedef struct query_args {
    bool json;
} query_args;

/* Returns 0 when OPT was handled (qc_cli_getopt's contract). */
static int handle_opt(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    query_args *qa = ctx;
    if (opt == OPT_FORMAT) {
        if (!strcmp(arg, "text"))
            qa->json = false;
        else if (!strcmp(arg, "json"))
            qa->json = true;
        else {
            qc_cli_usage_error(cli, "query",
                               "unknown format '%s' (text or json)", arg);
            return -1;
        }
        return 0;
    }
    return -1;
}

int qc_cmd_query(qc_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, OPT_FORMAT },
        QC_COMMON_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    query_args qa = { false };
    int code = QC_EXIT_USAGE;
    int first = qc_cli_getopt(cli, argc, argv, "", longopts, handle_opt, &qa,
                              &code);
    if (first < 0)
        return code;
    if (argc - first < 2)
        return qc_cli_usage_error(cli, "query",
                                  "expected a SOURCE and at least one PATH");

    qc_arena *a = qc_arena_new();
    const char *source = argv[first];
    char **paths = argv + first + 1;
    int npaths = argc - first - 1;

    /* Check every path before the (slow) load, and report them all. */
    bool malformed = false;
    for (int i = 0; i < npaths; i++) {
        const char *why = NULL;
        if (!qc_query_syntax_ok(a, paths[i], &why)) {
            qc_error(cli->diag, qc_loc_make(NULL, 0), "query-malformed",
                     "malformed query '%s': %s", paths[i], why);
            malformed = true;
        }
    }
    if (malformed) {
        release(cli, a);
        return QC_EXIT_USAGE;
    }

    bool io_error = false;
    qc_ischema *s = qc_ischema_load(a, cli->diag, &cli->opts, source,
                                    &io_error);
    if (!s) {
        release(cli, a);
        return QC_EXIT_USAGE;
    }

    qc_buf out = QC_BUF_INIT;
    bool all_true = true;
    if (qa.json)
        qc_buf_puts(&out, "[\n");
    for (int i = 0; i < npaths; i++) {
        int r = qc_query_eval(a, s, paths[i], NULL);
        bool t = r == QC_QUERY_TRUE;
        all_true &= t;
        if (qa.json) {
            qc_buf_puts(&out, "  {\n    \"path\": ");
            qc_json_write_string(&out, paths[i], strlen(paths[i]));
            qc_buf_printf(&out, ",\n    \"result\": %s\n  }%s\n",
                          t ? "true" : "false", i + 1 < npaths ? "," : "");
        } else {
            qc_buf_printf(&out, "%s\t%s\n", paths[i], t ? "true" : "false");
        }
    }
    if (qa.json)
        qc_buf_puts(&out, "]\n");

    bool ok = qc_cli_write_output(cli, NULL, out.data, out.len);
    qc_buf_free(&out);
    release(cli, a);
    if (!ok)
        return QC_EXIT_USAGE;
    return all_true ? QC_EXIT_OK : QC_EXIT_PROBLEMS;
}
