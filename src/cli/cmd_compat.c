/* qapic compat --rules FILE... [--format=text|json|markdown|tsv]
 *              [--version-of SOURCE=X.Y.Z]... SOURCE...
 * qapic compat --rules FILE... --calls FILE... [SOURCE...]
 *
 * The first form evaluates client compatibility rules (rules/README.md)
 * against the schema of each SOURCE (a capability dump or a source schema)
 * and prints a rules x sources matrix.  The second checks recorded QMP
 * calls (a .replies dump or a QMP log: a stream of JSON objects) against
 * the rules' call constraints, and validates them against each SOURCE
 * given.  Exit status: 0 all good, 1 a rule fails for a source inside its
 * version range or a call violates a rule, 2 bad rule file, usage error or
 * unreadable source. */
#include <stdbool.h>
#include <string.h>

#include "base/path.h"
#include "cli/cli.h"
#include "compat/compat.h"
#include "compat/report.h"
#include "compat/rules.h"
#include "dumps/load.h"
#include "dumps/validate.h"
#include "syntax/parse.h"

enum {
    OPT_FORMAT = QC_OPT_FIRST_PRIVATE,
    OPT_RULES,
    OPT_CALLS,
    OPT_VERSION_OF,
    OPT_ALLOW_DEPRECATED,
    OPT_ALLOW_UNSTABLE,
};

static const struct option longopts[] = {
    { "format", required_argument, NULL, OPT_FORMAT },
    { "rules", required_argument, NULL, OPT_RULES },
    { "calls", required_argument, NULL, OPT_CALLS },
    { "version-of", required_argument, NULL, OPT_VERSION_OF },
    { "allow-deprecated", no_argument, NULL, OPT_ALLOW_DEPRECATED },
    { "allow-unstable", no_argument, NULL, OPT_ALLOW_UNSTABLE },
    QC_COMMON_LONGOPTS,
    { NULL, 0, NULL, 0 },
};

static const char usage[] =
    "usage: qapic compat --rules FILE... [--format=text|json|markdown|tsv]\n"
    "                    [--version-of SOURCE=X.Y.Z]... SOURCE...\n"
    "       qapic compat --rules FILE... --calls LOG... [SOURCE...]\n"
    "\n"
    "Evaluates a client's rules (YAML, see rules/README.md) against each\n"
    "SOURCE: a capability dump (its version from query-version) or a source\n"
    "schema (give its version with --version-of, repeatable).  With --calls,\n"
    "checks recorded calls (a dump or a QMP log) against the rules' call\n"
    "constraints, and against each SOURCE's schema if any is given.\n"
    "  --allow-deprecated, --allow-unstable  accept such features in calls\n"
    "Exit status: 0 all good, 1 a rule fails inside its versions or a call\n"
    "breaks a rule, 2 a bad rule file, usage error or unreadable file.\n";

typedef struct version_of {
    const char *source;
    qc_version v;
} version_of;

typedef struct compat_args {
    qc_arena *a;
    qc_report_format fmt;
    qc_ptrvec rules;        /* const char * */
    qc_ptrvec calls;        /* const char * */
    qc_ptrvec versions;     /* version_of * */
    qc_validate_opts vopts;
} compat_args;

static const char SUB[] = "compat";

static int handle_opt(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    compat_args *ca = ctx;
    switch (opt) {
    case OPT_FORMAT: {
        static const char *const names[] = {
            "text", "json", "markdown", "md", "tsv", NULL };
        static const qc_report_format formats[] = {
            QC_REPORT_TEXT, QC_REPORT_JSON, QC_REPORT_MARKDOWN,
            QC_REPORT_MARKDOWN, QC_REPORT_TSV };
        int i = qc_cli_choice(cli, SUB, "format", arg, names,
                              "text, json, markdown or tsv");
        if (i < 0)
            return -1;
        ca->fmt = formats[i];
        return 0;
    }
    case OPT_RULES:
        qc_ptrvec_push(ca->a, &ca->rules, (void *)arg);
        return 0;
    case OPT_CALLS:
        qc_ptrvec_push(ca->a, &ca->calls, (void *)arg);
        return 0;
    case OPT_VERSION_OF: {
        const char *eq = strrchr(arg, '=');
        version_of *vo = qc_arena_alloc(ca->a, sizeof *vo);
        if (!eq || eq == arg || !qc_version_parse(eq + 1, &vo->v)) {
            qc_cli_usage_error(cli, SUB, "--version-of needs SOURCE=X.Y[.Z], not '%s'", arg);
            return -1;
        }
        vo->source = qc_arena_strndup(ca->a, arg, (size_t)(eq - arg));
        qc_ptrvec_push(ca->a, &ca->versions, vo);
        return 0;
    }
    case OPT_ALLOW_DEPRECATED:
        ca->vopts.allow_deprecated = true;
        return 0;
    case OPT_ALLOW_UNSTABLE:
        ca->vopts.allow_unstable = true;
        return 0;
    }
    return -1;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* --- sources --------------------------------------------------------------- */

/* Loads the schema of S->path into arena SA; its version from the dump or
 * from --version-of. */
static qc_ischema *load_source(qc_cli *cli, compat_args *ca, qc_compat_source *s,
                               qc_arena *sa)
{
    qc_ischema_source is;
    s->name = base_name(s->path);
    if (!qc_ischema_load(sa, cli->diag, &cli->opts, s->path, &is)
        && is.origin == QC_ORIGIN_SCHEMA)
        qc_cli_hint_doc_checks(cli);
    s->version = is.version;
    for (size_t i = 0; i < ca->versions.n; i++) {
        const version_of *vo = ca->versions.items[i];
        if (!strcmp(vo->source, s->path) || !strcmp(vo->source, s->name))
            s->version = vo->v;
    }
    s->version_str = qc_version_str(ca->a, &s->version);
    return is.schema;
}

/* --- the matrix ------------------------------------------------------------- */

static bool needs_versions(const qc_ruleset *rs)
{
    for (size_t ri = 0; ri < qc_ruleset_size(rs); ri++) {
        const qc_rule *r = qc_ruleset_get(rs, ri);
        if (r->min.set || r->max.set)
            return true;
    }
    return false;
}

/* Loads and evaluates one source, in an arena of its own: a schema is
 * dropped as soon as the rules are evaluated (results go to CA->A). */
static bool evaluate(qc_cli *cli, compat_args *ca, const qc_ruleset *rs,
                     qc_compat_source *s, bool need_versions)
{
    qc_arena *sa = qc_arena_new();
    qc_ischema *schema = load_source(cli, ca, s, sa);
    if (!schema) {
        qc_arena_free(sa);
        return false;
    }
    if (!s->version.set && need_versions)
        qc_warning(cli->diag, qc_loc_make(NULL, 0), "compat-no-version",
                   "'%s' tells no QEMU version (give --version-of %s=X.Y.Z); "
                   "every rule counts for it", s->path, s->path);
    size_t nr = qc_ruleset_size(rs);
    s->results = qc_arena_alloc(ca->a, (nr ? nr : 1) * sizeof *s->results);
    for (size_t ri = 0; ri < nr; ri++) {
        qc_compat_result res = qc_compat_eval(sa, schema, qc_ruleset_get(rs, ri));
        res.detail = qc_arena_strdup(ca->a, res.detail);
        s->results[ri] = res;
    }
    qc_arena_free(sa);
    return true;
}

static int run_matrix(qc_cli *cli, compat_args *ca, const qc_ruleset *rs,
                      char **operands, size_t nops)
{
    qc_compat_source *src = qc_arena_alloc(ca->a, (nops ? nops : 1) * sizeof *src);
    size_t n = 0;
    bool bad = false, need_versions = needs_versions(rs);
    for (size_t i = 0; i < nops; i++) {
        memset(&src[n], 0, sizeof src[n]);
        src[n].path = operands[i];
        if (evaluate(cli, ca, rs, &src[n], need_versions))
            n++;
        else
            bad = true;
    }
    if (!n)
        return QC_EXIT_USAGE;   /* nothing loaded; the reasons were reported */
    qc_compat_sort_sources(src, n);

    qc_compat_matrix m = { src, n, rs };
    bool failed = false;
    for (size_t si = 0; si < n; si++)
        for (size_t ri = 0; ri < qc_ruleset_size(rs); ri++)
            failed |= qc_compat_counted_failure(&m, si, ri);
    qc_compat_write_matrix(&cli->out, &m, ca->fmt);
    if (bad)
        return QC_EXIT_USAGE;
    return failed ? QC_EXIT_PROBLEMS : QC_EXIT_OK;
}

/* --- recorded calls ---------------------------------------------------------- */

typedef struct calls_ctx {
    qc_cli *cli;
    qc_arena *a;
    qc_ptrvec found;           /* qc_compat_violation * */
    const char *validating;    /* source path while validating */
    const qc_value *msg;
} calls_ctx;

static void record(calls_ctx *cc, const qc_value *msg, const qc_value *at,
                   const char *rule, const char *code, const char *message)
{
    const qc_value *where = at ? at : msg;
    qc_error(cc->cli->diag, qc_value_loc(where), code, "%s", message);
    qc_compat_violation *v = qc_arena_alloc(cc->a, sizeof *v);
    const qc_source *src = qc_loc_src(qc_value_loc(where));
    v->file = src ? src->path : "";
    v->line = src ? qc_source_line(src, qc_value_loc(where).off) : 0;
    v->col = src ? qc_source_column(src, qc_value_loc(where).off) : 0;
    v->command = qc_compat_call_name(msg);
    if (!v->command)
        v->command = qc_obj_get_str(msg, "event");
    v->rule = rule;
    v->code = code;
    v->message = message;
    qc_ptrvec_push(cc->a, &cc->found, v);
}

static void on_rule_violation(void *ctx, const qc_rule *r, const qc_value *msg,
                              const qc_value *at, const char *code,
                              const char *message)
{
    record(ctx, msg, at, r->id, code, message);
}

static void on_schema_problem(void *ctx, const char *path, const qc_value *at,
                              const char *code, const char *message)
{
    calls_ctx *cc = ctx;
    record(cc, cc->msg, at, qc_arena_printf(cc->a, "schema:%s", cc->validating), code,
           qc_arena_printf(cc->a, "%s%s%s (against %s)", path ? path : "",
                           path && *path ? ": " : "", message, base_name(cc->validating)));
}

/* Checks the calls in the log PATH against the rules and the schemas of
 * SRC[0..NSRC).  Returns the number of calls; *BAD is set when the log
 * cannot be read or parsed. */
static size_t check_log(calls_ctx *cc, compat_args *ca, const qc_ruleset *rs,
                        const char *path, qc_compat_source *src,
                        qc_vschema **schemas, size_t nsrc, bool *bad)
{
    qc_cli *cli = cc->cli;
    qc_source *s = qc_cli_read(cli, ca->a, path);
    if (!s) {
        *bad = true;
        return 0;
    }
    size_t n = 0, ncalls = 0;
    unsigned errors = qc_diag_error_count(cli->diag);
    qc_value *vals = qc_parse_json(ca->a, s, true, cli->diag, &n);
    if (!vals) {
        /* An empty log is fine; a broken one was reported. */
        if (qc_diag_error_count(cli->diag) != errors)
            *bad = true;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const qc_value *msg = &vals[i];
        const char *cmd = qc_compat_call_name(msg);
        qc_compat_check_call(ca->a, rs, msg, on_rule_violation, cc);
        if (!cmd)
            continue;
        ncalls++;
        cc->msg = msg;
        for (size_t k = 0; k < nsrc; k++) {
            cc->validating = src[k].path;
            qc_validate_command(ca->a, schemas[k], msg, &ca->vopts,
                                on_schema_problem, cc);
        }
    }
    return ncalls;
}

static int run_calls(qc_cli *cli, compat_args *ca, const qc_ruleset *rs,
                     char **operands, size_t nops)
{
    bool bad = false;
    qc_compat_source *src = qc_arena_alloc(ca->a, (nops ? nops : 1) * sizeof *src);
    qc_vschema **schemas = qc_arena_alloc(ca->a, (nops ? nops : 1) * sizeof *schemas);
    size_t nsrc = 0;
    for (size_t i = 0; i < nops; i++) {
        memset(&src[nsrc], 0, sizeof src[nsrc]);
        src[nsrc].path = operands[i];
        qc_ischema *is = load_source(cli, ca, &src[nsrc], ca->a);
        if (is) {
            schemas[nsrc] = qc_vschema_from_ischema(ca->a, is, &src[nsrc].version);
            nsrc++;
        } else {
            bad = true;
        }
    }

    calls_ctx cc = { cli, ca->a, { NULL, 0, 0 }, NULL, NULL };
    size_t ncalls = 0;
    for (size_t f = 0; f < ca->calls.n; f++)
        ncalls += check_log(&cc, ca, rs, ca->calls.items[f], src, schemas, nsrc,
                            &bad);
    qc_compat_write_violations(&cli->out,
                               (qc_compat_violation *const *)cc.found.items,
                               cc.found.n, ncalls, ca->calls.n, ca->fmt);
    if (bad)
        return QC_EXIT_USAGE;
    return cc.found.n ? QC_EXIT_PROBLEMS : QC_EXIT_OK;
}

static int run(qc_cli *cli, int argc, char **argv)
{
    compat_args ca;
    memset(&ca, 0, sizeof ca);
    ca.a = qc_arena_new();
    ca.vopts.deprecated_hint = QC_CLI_DEPRECATED_HINT;
    ca.vopts.unstable_hint = QC_CLI_UNSTABLE_HINT;
    int code = QC_EXIT_USAGE;
    int first = qc_cli_getopt(cli, argc, argv, "", longopts, handle_opt, &ca, &code);
    if (first < 0) {
        qc_arena_free(ca.a);
        return code;
    }

    /* "--rules A.yaml B.yaml SOURCE...": rule files are told from sources
     * by their extension. */
    char **ops = qc_arena_alloc(ca.a, (size_t)(argc + 1) * sizeof *ops);
    size_t nops = 0;
    for (int i = first; i < argc; i++) {
        if (qc_path_has_suffix(argv[i], ".yaml") || qc_path_has_suffix(argv[i], ".yml"))
            qc_ptrvec_push(ca.a, &ca.rules, argv[i]);
        else
            ops[nops++] = argv[i];
    }
    if (!ca.rules.n) {
        qc_arena_free(ca.a);
        return qc_cli_usage_error(cli, SUB, "no rule file (--rules FILE)");
    }
    if (!ca.calls.n && !nops) {
        qc_arena_free(ca.a);
        return qc_cli_usage_error(cli, SUB,
                                  "expected a SOURCE (a .replies dump or a schema) "
                                  "or --calls FILE");
    }

    qc_ruleset rs;
    qc_ruleset_init(&rs);
    bool rules_ok = true;
    for (size_t i = 0; i < ca.rules.n; i++) {
        int err = 0;
        if (!qc_rules_load(ca.a, cli->diag, ca.rules.items[i], &rs, &err)) {
            if (err)
                qc_cli_io_error(cli, ca.rules.items[i], err);
            rules_ok = false;
        }
    }
    if (!rules_ok) {
        qc_arena_free(ca.a);
        return QC_EXIT_USAGE;
    }

    int rc = ca.calls.n ? run_calls(cli, &ca, &rs, ops, nops)
                        : run_matrix(cli, &ca, &rs, ops, nops);
    qc_arena_free(ca.a);
    return rc;
}

const qc_command qc_command_compat = {
    "compat", run, "check a client's QMP usage against QEMUs", usage,
};
