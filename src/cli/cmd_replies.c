/* qapic replies: check, fix and use libvirt's capability dumps.
 *
 *   replies check [--format=text|json] [--allow-deprecated]
 *                 [--allow-unstable] [--check-returns] FILE...
 *   replies fix [--check] [--force] FILE...
 *   replies validate [validate's options] DUMP CMD...|-   (cmd_validate.c)
 *   replies schema FILE
 *
 * Problems go to the diagnostic sink (stderr); stdout gets one result
 * line per file (check, fix), the JSON report (check --format=json), a
 * line per command (validate) or the schema (schema). */
#include <stdlib.h>
#include <string.h>

#include "base/output.h"
#include "base/visible.h"
#include "cli/cli.h"
#include "dumps/ischema.h"
#include "dumps/replies.h"
#include "syntax/json.h"
#include "syntax/parse.h"

enum {
    OPT_FORMAT = QC_OPT_FIRST_PRIVATE,
    OPT_ALLOW_DEPRECATED,
    OPT_ALLOW_UNSTABLE,
    OPT_CHECK_RETURNS,
    OPT_CHECK,
    OPT_FORCE,
};

static const struct option longopts[] = {
    { "format", required_argument, NULL, OPT_FORMAT },
    { "allow-deprecated", no_argument, NULL, OPT_ALLOW_DEPRECATED },
    { "allow-unstable", no_argument, NULL, OPT_ALLOW_UNSTABLE },
    { "check-returns", no_argument, NULL, OPT_CHECK_RETURNS },
    { "check", no_argument, NULL, OPT_CHECK },
    { "force", no_argument, NULL, OPT_FORCE },
    QC_COMMON_LONGOPTS,
    { NULL, 0, NULL, 0 },
};

static const char usage[] =
    "usage: qapic replies check [--format=text|json] [--allow-deprecated]\n"
    "                           [--allow-unstable] [--check-returns] FILE...\n"
    "       qapic replies fix [--check] [--force] FILE...\n"
    "       qapic replies validate [OPTIONS] DUMP COMMAND-JSON...|-\n"
    "       qapic replies schema FILE\n"
    "\n"
    "check     report layout, conversation, id numbering, schema and command\n"
    "          problems of each dump (--check-returns: validate replies too)\n"
    "fix       rewrite dumps canonically with libvirt's numbering, atomically\n"
    "          (--check: change nothing, exit 1 if a rewrite is needed;\n"
    "          --force: rewrite read-only dumps too, and those whose\n"
    "          extended attributes cannot all be kept)\n"
    "validate  'qapic validate --schema DUMP COMMAND-JSON...|-', with the\n"
    "          same OPTIONS (see 'qapic help validate')\n"
    "schema    print the dump's query-qmp-schema reply\n";

struct rargs {
    const char *sub;
    bool json;
    bool check_only;
    unsigned output_flags;  /* QC_OUTPUT_* */
    qc_replies_opts ro;
};

static int handle(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    struct rargs *ra = ctx;
    bool check = !strcmp(ra->sub, "check");
    static const char *const formats[] = { "text", "json", NULL };
    int i;

    switch (opt) {
    case OPT_FORMAT:
        if (!check)
            break;
        if ((i = qc_cli_choice(cli, "replies", "format", arg, formats,
                               "use text or json")) < 0)
            return -1;
        ra->json = i == 1;
        return 0;
    case OPT_ALLOW_DEPRECATED:
        if (!check)
            break;
        ra->ro.validate.allow_deprecated = true;
        return 0;
    case OPT_ALLOW_UNSTABLE:
        if (!check)
            break;
        ra->ro.validate.allow_unstable = true;
        return 0;
    case OPT_CHECK_RETURNS:
        if (!check)
            break;
        ra->ro.check_returns = true;
        return 0;
    case OPT_CHECK:
        if (strcmp(ra->sub, "fix"))
            break;
        ra->check_only = true;
        return 0;
    case OPT_FORCE:
        if (strcmp(ra->sub, "fix"))
            break;
        ra->output_flags |= QC_OUTPUT_FORCE;
        return 0;
    default:
        return -1;
    }
    qc_cli_usage_error(cli, "replies", "'replies %s' has no such option",
                       ra->sub);
    return -1;
}

/* "FILE: RESULT", the line of one file. */
static void file_result(qc_buf *out, const char *path, const char *result)
{
    qc_visible_puts(out, path);
    qc_buf_printf(out, ": %s\n", result);
}

/* --- check --- */

static void json_file(qc_buf *out, const char *path, const char *status,
                      size_t entries, const qc_diag *d, size_t from,
                      size_t to, bool first)
{
    qc_buf_puts(out, first ? "\n    {\n" : ",\n    {\n");
    qc_buf_puts(out, "      \"file\": ");
    qc_json_write_string(out, path, strlen(path));
    qc_buf_printf(out, ",\n      \"status\": \"%s\",\n      \"entries\": %zu,\n"
                  "      \"problems\": [", status, entries);
    for (size_t i = from; i < to; i++) {
        const qc_diagnostic *dg = qc_diag_get(d, i);
        const char *code = qc_diagnostic_code(dg);
        const char *msg = qc_diagnostic_message(dg);
        qc_buf_printf(out, "%s\n        {\"line\": %u, \"column\": %u, \"code\": ",
                      i > from ? "," : "", qc_diagnostic_line(dg),
                      qc_diagnostic_column(dg));
        qc_json_write_string(out, code, strlen(code));
        qc_buf_puts(out, ", \"message\": ");
        qc_json_write_string(out, msg, strlen(msg));
        qc_buf_putc(out, '}');
    }
    qc_buf_puts(out, to > from ? "\n      ]\n    }" : "]\n    }");
}

static int run_check(qc_cli *cli, struct rargs *ra, int n, char **files)
{
    bool io = false, bad = false;
    size_t total = 0;
    qc_buf *out = &cli->out;

    if (ra->json)
        qc_buf_puts(out, "{\n  \"files\": [");
    for (int i = 0; i < n; i++) {
        qc_arena *a = qc_arena_new();
        size_t before = qc_diag_count(cli->diag);
        qc_source *src = qc_cli_read(cli, a, files[i]);
        size_t problems = 0, entries = 0;
        const char *status;
        if (!src) {
            io = true;
            status = "unreadable";
        } else {
            qc_replies *r = qc_replies_read(a, src, ra->ro.check_returns,
                                            cli->diag);
            problems = r->syntax_errors
                     + qc_replies_check(a, r, &ra->ro, cli->diag);
            entries = r->n;
            status = problems ? "problems" : "ok";
        }
        total += problems;
        bad |= problems > 0;
        if (ra->json) {
            json_file(out, files[i], status, entries, cli->diag, before,
                      qc_diag_count(cli->diag), i == 0);
        } else if (!src) {
            file_result(out, files[i], "unreadable");
        } else if (problems) {
            file_result(out, files[i], problems == 1 ? "1 problem"
                        : qc_arena_printf(a, "%zu problems", problems));
        } else {
            file_result(out, files[i], "ok");
        }
        qc_arena_free(a);
    }
    if (ra->json)
        qc_buf_printf(out, "\n  ],\n  \"problems\": %zu\n}\n", total);
    return io ? QC_EXIT_USAGE : bad ? QC_EXIT_PROBLEMS : QC_EXIT_OK;
}

/* --- fix --- */

static int run_fix(qc_cli *cli, struct rargs *ra, int n, char **files)
{
    bool io = false, bad = false;

    for (int i = 0; i < n; i++) {
        qc_arena *a = qc_arena_new();
        qc_source *src = qc_cli_read(cli, a, files[i]);
        if (!src) {
            io = true;
            qc_arena_free(a);
            continue;
        }
        /* Most files are already right: a quick skimming read proves it
         * (its diagnostics are dropped: the full read repeats them; its
         * tree too, in an arena of its own, so that a large file is not
         * held twice). */
        qc_diag *quiet = qc_diag_new();
        qc_arena *skim = qc_arena_new();
        qc_replies *r = qc_replies_read(skim, src, QC_REPLIES_ENTRIES, quiet);
        bool fixed = qc_replies_is_fixed(r);
        qc_diag_free(quiet);
        if (fixed) {
            file_result(&cli->out, files[i], "unchanged");
            qc_arena_free(skim);
            qc_arena_free(a);
            continue;
        }
        if (r->canonical) {
            /* Its returns were skimmed: read again, whole. */
            qc_arena_free(skim);
            skim = NULL;
            r = qc_replies_read(a, src, QC_REPLIES_FULL, cli->diag);
        } else {
            /* The grammar read it whole: only its diagnostics went. */
            qc_replies_report_syntax(skim, r, cli->diag);
        }
        /* The rendering is compared and written a piece at a time: it
         * can be several times the size of the text. */
        size_t k;
        if (!qc_replies_prepare_fixed(a, r, cli->diag)) {
            bad = true;
            file_result(&cli->out, files[i], "not rewritten");
        } else if (!qc_replies_fixed_differs(r, &k)) {
            file_result(&cli->out, files[i], "unchanged");
        } else if (ra->check_only) {
            bad = true;
            /* Say where the first difference is. */
            qc_error(cli->diag, qc_loc_make(src, (uint32_t)k), "replies-not-canonical",
                     "not in canonical form with libvirt's numbering; 'qapic replies fix' would rewrite it from here on");
            file_result(&cli->out, files[i], "would be rewritten");
        } else if (qc_output_write_pieces(cli->diag, files[i],
                                          qc_replies_write_fixed, r,
                                          ra->output_flags)) {
            file_result(&cli->out, files[i], "rewritten");
        } else {
            io = true;
        }
        if (skim)
            qc_arena_free(skim);
        qc_arena_free(a);
    }
    if (io)
        qc_cli_hint_force(cli);
    return io ? QC_EXIT_USAGE : bad ? QC_EXIT_PROBLEMS : QC_EXIT_OK;
}

/* --- schema --- */

/* The schema of a dump, or NULL after reporting. */
static qc_ischema *dump_schema(qc_cli *cli, qc_arena *a, const char *path,
                               const qc_value **array, bool *io)
{
    qc_source *src = qc_cli_read(cli, a, path);
    if (!src) {
        *io = true;
        return NULL;
    }
    qc_replies *r = qc_replies_read(a, src, false, cli->diag);
    long i = qc_replies_find(r, "query-qmp-schema");
    const qc_value *ret = i >= 0 ? qc_obj_get(r->e[i].v, "return") : NULL;
    if (!qc_is_array(ret)) {
        qc_error(cli->diag, qc_loc_make(src, 0), "replies-no-schema",
                 "no successful reply to query-qmp-schema holding an array: the dump has no usable schema");
        return NULL;
    }
    *array = ret;
    return qc_ischema_new(a, ret);
}

static int run_schema(qc_cli *cli, int n, char **args)
{
    if (n != 1)
        return qc_cli_usage_error(cli, "replies",
                                  "'replies schema' takes exactly one FILE");
    qc_arena *a = qc_arena_new();
    bool io = false;
    const qc_value *array;
    int rc = QC_EXIT_OK;
    if (!dump_schema(cli, a, args[0], &array, &io)) {
        rc = io ? QC_EXIT_USAGE : QC_EXIT_PROBLEMS;
    } else {
        qc_json_write(&cli->out, array, 2, 0);
        qc_buf_putc(&cli->out, '\n');
    }
    qc_arena_free(a);
    return rc;
}

static int run(qc_cli *cli, int argc, char **argv)
{
    static const char *const subs[] = { "check", "fix", "validate", "schema", NULL };

    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        qc_cli_print_help(cli, "replies");
        return QC_EXIT_OK;
    }
    if (argc < 2)
        return qc_cli_usage_error(cli, "replies",
                                  "expected check, fix, validate or schema");
    const char *sub = argv[1];
    size_t k = 0;
    while (subs[k] && strcmp(subs[k], sub))
        k++;
    if (!subs[k])
        return qc_cli_usage_error(cli, "replies",
            "unknown subcommand '%s' (expected check, fix, validate or schema)", sub);

    /* getopt sees "replies" as the program name, so that help and usage
     * errors name the right subcommand; the sub-subcommand is dropped. */
    char **av = malloc((size_t)argc * sizeof *av);
    if (!av)
        abort();
    av[0] = argv[0];
    for (int i = 2; i < argc; i++)
        av[i - 1] = argv[i];
    int ac = argc - 1;
    av[ac] = NULL;
    if (!strcmp(sub, "validate")) {
        int rc = qc_cli_validate(cli, "replies", ac, av, true);
        free(av);
        return rc;
    }

    struct rargs ra;
    memset(&ra, 0, sizeof ra);
    ra.sub = sub;
    ra.ro.validate.deprecated_hint = QC_CLI_DEPRECATED_HINT;
    ra.ro.validate.unstable_hint = QC_CLI_UNSTABLE_HINT;
    int rc;
    int first = qc_cli_getopt(cli, ac, av, "", longopts, handle, &ra, &rc);
    if (first >= 0) {
        int n = ac - first;
        char **ops = av + first;
        if (!strcmp(sub, "check") || !strcmp(sub, "fix")) {
            if (n < 1)
                rc = qc_cli_usage_error(cli, "replies",
                                        "'replies %s' needs at least one FILE", sub);
            else if (!strcmp(sub, "check"))
                rc = run_check(cli, &ra, n, ops);
            else
                rc = run_fix(cli, &ra, n, ops);
        } else {
            rc = run_schema(cli, n, ops);
        }
    }
    free(av);
    return rc;
}

const qc_command qc_command_replies = {
    "replies", run, "check, fix and use capability dumps", usage,
};
