/* qapic query [--format=text|json] SOURCE PATH...
 *
 * Evaluates schema queries (dumps/query.h) against a capability dump
 * (.replies) or a source schema (every condition taken as true).  Exit
 * status: 0 all true, 1 some false, 2 malformed query or bad source. */
#include <stdbool.h>
#include <string.h>

#include "base/visible.h"
#include "cli/cli.h"
#include "dumps/load.h"
#include "dumps/query.h"
#include "syntax/json.h"

enum { OPT_FORMAT = QC_OPT_FIRST_PRIVATE };

static const struct option longopts[] = {
    { "format", required_argument, NULL, OPT_FORMAT },
    QC_COMMON_LONGOPTS,
    { NULL, 0, NULL, 0 },
};

static const char usage[] =
    "usage: qapic query [--format=text|json] SOURCE PATH...\n"
    "\n"
    "SOURCE is a source schema (.json, every 'if' taken as true), a\n"
    "capability dump (.replies) or introspection JSON (a '[' array).\n"
    "Prints PATH<TAB>true|false for each PATH, e.g.\n"
    "  migrate-incoming/arg-type/exit-on-error\n"
    "Exit status 0 when all are true, 1 when any is false, 2 when a path\n"
    "or the source is malformed.\n";

/* Returns 0 when OPT was handled (qc_cli_getopt's contract). */
static int handle_opt(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    static const char *const formats[] = { "text", "json", NULL };
    bool *json = ctx;
    int i;
    if (opt != OPT_FORMAT || (i = qc_cli_choice(cli, "query", "format", arg,
                                                formats, "text or json")) < 0)
        return -1;
    *json = i == 1;
    return 0;
}

/* Every path is checked before the (slow) load, and all are reported. */
static bool paths_ok(qc_cli *cli, qc_arena *a, char **paths, int n)
{
    bool ok = true;
    for (int i = 0; i < n; i++) {
        const char *why = NULL;
        if (!qc_query_syntax_ok(a, paths[i], &why)) {
            qc_error(cli->diag, qc_loc_make(NULL, 0), "query-malformed",
                     "malformed query '%s': %s", paths[i], why);
            ok = false;
        }
    }
    return ok;
}

/* Appends the answers; true when every one is true. */
static bool answer(qc_buf *out, qc_arena *a, const qc_ischema *s,
                   char **paths, int n, bool json)
{
    bool all_true = true;
    if (json)
        qc_buf_puts(out, "[\n");
    for (int i = 0; i < n; i++) {
        bool t = qc_query_eval(a, s, paths[i], NULL) == QC_QUERY_TRUE;
        all_true &= t;
        if (json) {
            qc_buf_puts(out, "  {\n    \"path\": ");
            qc_json_write_string(out, paths[i], strlen(paths[i]));
            qc_buf_printf(out, ",\n    \"result\": %s\n  }%s\n",
                          t ? "true" : "false", i + 1 < n ? "," : "");
        } else {
            qc_visible_puts(out, paths[i]);
            qc_buf_printf(out, "\t%s\n", t ? "true" : "false");
        }
    }
    if (json)
        qc_buf_puts(out, "]\n");
    return all_true;
}

static int run(qc_cli *cli, int argc, char **argv)
{
    bool json = false;
    int code = QC_EXIT_USAGE;
    int first = qc_cli_getopt(cli, argc, argv, "", longopts, handle_opt, &json,
                              &code);
    if (first < 0)
        return code;
    if (argc - first < 2)
        return qc_cli_usage_error(cli, "query",
                                  "expected a SOURCE and at least one PATH");

    qc_arena *a = qc_arena_new();
    char **paths = argv + first + 1;
    int npaths = argc - first - 1;
    int rc = QC_EXIT_USAGE;
    qc_ischema_source src;
    if (!paths_ok(cli, a, paths, npaths)) {
        /* reported */
    } else if (!qc_ischema_load(a, cli->diag, &cli->opts, argv[first], &src)) {
        if (src.origin == QC_ORIGIN_SCHEMA)
            qc_cli_hint_doc_checks(cli);
    } else {
        rc = answer(&cli->out, a, src.schema, paths, npaths, json)
            ? QC_EXIT_OK : QC_EXIT_PROBLEMS;
    }
    qc_arena_free(a);
    return rc;
}

const qc_command qc_command_query = {
    "query", run, "ask schema questions like libvirt does", usage,
};
