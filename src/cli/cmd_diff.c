/* qapic diff [--format=text|json|markdown] [--breaking]
 *            [--config FILE] [-D SYMBOL]... [--old-config FILE]
 *            [--new-config FILE] [--old-define SYMBOL]... [--new-define SYMBOL]...
 *            [--version-of old|new|SOURCE=X.Y.Z]... OLD NEW
 *
 * Compares the QMP interface of two schema sources (capability dumps,
 * introspection JSON, source schemas) and classifies every change for a
 * client (compat/diff.h).  Exit status: 0, or 1 with --breaking when a change
 * breaks clients; 2 usage error or unreadable source. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "cli/cli.h"
#include "compat/diff.h"
#include "compat/diff_report.h"

enum {
    OPT_FORMAT = QC_OPT_FIRST_PRIVATE,
    OPT_BREAKING,
    OPT_CONFIG,
    OPT_OLD_CONFIG,
    OPT_NEW_CONFIG,
    OPT_OLD_DEFINE,
    OPT_NEW_DEFINE,
    OPT_VERSION_OF,
};

typedef enum { FMT_TEXT, FMT_JSON, FMT_MARKDOWN } out_format;

enum { BOTH, OLD, NEW };

typedef struct version_of {
    const char *which;      /* "old", "new", or a SOURCE as given */
    qc_version v;
} version_of;

typedef struct diff_args {
    qc_arena *a;
    out_format fmt;
    bool breaking;
    qc_ptrvec symbols[3];   /* const char *: both sides, old, new */
    bool conditions[3];     /* a --config or -D was given */
    qc_ptrvec versions;     /* version_of * */
} diff_args;

static const char SUB[] = "diff";

static int parse_format(qc_cli *cli, diff_args *da, const char *arg)
{
    /* In the order of out_format. */
    static const char *const formats[] = { "text", "json", "markdown", NULL };
    int i = qc_cli_choice(cli, SUB, "format", arg, formats,
                          "text, json or markdown");
    if (i < 0)
        return -1;
    da->fmt = (out_format)i;
    return 0;
}

static int read_config(qc_cli *cli, diff_args *da, int side, const char *path)
{
    da->conditions[side] = true;
    return qc_cli_read_config(cli, da->a, path, &da->symbols[side]) ? 0 : -1;
}

static int define(diff_args *da, int side, const char *symbol)
{
    da->conditions[side] = true;
    qc_ptrvec_push(da->a, &da->symbols[side], (void *)symbol);
    return 0;
}

static int version_of_opt(qc_cli *cli, diff_args *da, const char *arg)
{
    const char *eq = strrchr(arg, '=');
    version_of *vo = qc_arena_alloc(da->a, sizeof *vo);
    if (!eq || eq == arg || !qc_version_parse(eq + 1, &vo->v)) {
        qc_cli_usage_error(cli, SUB, "--version-of needs old=X.Y[.Z], new=X.Y[.Z] "
                           "or SOURCE=X.Y[.Z], not '%s'", arg);
        return -1;
    }
    vo->which = qc_arena_strndup(da->a, arg, (size_t)(eq - arg));
    qc_ptrvec_push(da->a, &da->versions, vo);
    return 0;
}

/* Returns 0 when OPT was handled (qc_cli_getopt's contract). */
static int handle_opt(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    diff_args *da = ctx;
    switch (opt) {
    case OPT_FORMAT:
        return parse_format(cli, da, arg);
    case OPT_BREAKING:
        da->breaking = true;
        return 0;
    case OPT_CONFIG:
        return read_config(cli, da, BOTH, arg);
    case OPT_OLD_CONFIG:
        return read_config(cli, da, OLD, arg);
    case OPT_NEW_CONFIG:
        return read_config(cli, da, NEW, arg);
    case 'D':
        return define(da, BOTH, arg);
    case OPT_OLD_DEFINE:
        return define(da, OLD, arg);
    case OPT_NEW_DEFINE:
        return define(da, NEW, arg);
    case OPT_VERSION_OF:
        return version_of_opt(cli, da, arg);
    }
    return -1;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Loads side SIDE (OLD or NEW) from PATH with its condition symbols: those
 * for both sides, then its own. */
static bool load_side(qc_cli *cli, diff_args *da, int side, const char *path,
                      qc_diff_side *out, bool *io_error)
{
    qc_ptrvec syms = { NULL, 0, 0 };
    for (int k = 0; k < 2; k++) {
        const qc_ptrvec *v = &da->symbols[k ? side : BOTH];
        for (size_t i = 0; i < v->n; i++)
            qc_ptrvec_push(da->a, &syms, v->items[i]);
    }
    bool use = da->conditions[BOTH] || da->conditions[side];
    if (!qc_diff_side_load(da->a, cli->diag, &cli->opts, path, use,
                           (const char *const *)syms.items, syms.n, out, io_error))
        return false;
    if (out->kind != QC_DIFF_SRC_SCHEMA && da->conditions[side])
        qc_warning(cli->diag, qc_loc_make(NULL, 0), "diff-conditions-ignored",
                   "'%s' is not a source schema: its --%s-config and --%s-define "
                   "options are ignored", path, side == OLD ? "old" : "new",
                   side == OLD ? "old" : "new");
    const char *which = side == OLD ? "old" : "new";
    for (size_t i = 0; i < da->versions.n; i++) {
        const version_of *vo = da->versions.items[i];
        if (!strcmp(vo->which, which) || !strcmp(vo->which, path)
            || !strcmp(vo->which, base_name(path)))
            out->version = vo->v;
    }
    return true;
}

static void write_report(qc_buf *b, out_format fmt, const qc_diff_side *o,
                         const qc_diff_side *n, const qc_diff_result *r)
{
    switch (fmt) {
    case FMT_TEXT:
        qc_diff_write_text(b, o, n, r);
        break;
    case FMT_JSON:
        qc_diff_write_json(b, o, n, r);
        break;
    case FMT_MARKDOWN:
        qc_diff_write_markdown(b, o, n, r);
        break;
    }
}

static const struct option longopts[] = {
    { "format", required_argument, NULL, OPT_FORMAT },
    { "breaking", no_argument, NULL, OPT_BREAKING },
    { "config", required_argument, NULL, OPT_CONFIG },
    { "define", required_argument, NULL, 'D' },
    { "old-config", required_argument, NULL, OPT_OLD_CONFIG },
    { "new-config", required_argument, NULL, OPT_NEW_CONFIG },
    { "old-define", required_argument, NULL, OPT_OLD_DEFINE },
    { "new-define", required_argument, NULL, OPT_NEW_DEFINE },
    { "version-of", required_argument, NULL, OPT_VERSION_OF },
    QC_COMMON_LONGOPTS,
    { NULL, 0, NULL, 0 },
};

static const char usage[] =
    "usage: qapic diff [--format=text|json|markdown] [--breaking]\n"
    "                  [--config FILE] [-D SYMBOL]... [--old-config FILE]\n"
    "                  [--new-config FILE] [--old-define SYMBOL]...\n"
    "                  [--new-define SYMBOL]... [--version-of old|new=X.Y.Z]...\n"
    "                  OLD NEW\n"
    "\n"
    "Compares the QMP interface of OLD and NEW, each a capability dump\n"
    "(.replies), introspection JSON or a source schema, structurally: type\n"
    "names, masked or not, never matter.  Every change is listed under each\n"
    "command and event it affects, at a path 'qapic query' understands, and\n"
    "classified for a client by direction (arguments are sent, returns and\n"
    "events received): breaking, expected (it was deprecated or unstable),\n"
    "notice (e.g. newly deprecated) or compatible.\n"
    "  --format=FORMAT      text (a changelog, default), json or markdown\n"
    "  --breaking           exit 1 when a change breaks clients\n"
    "  --config FILE, -D SYMBOL   condition symbols of a source schema, for\n"
    "                       both sides (none: every condition true, what some\n"
    "                       build may offer)\n"
    "  --old-config FILE, --new-config FILE, --old-define SYMBOL,\n"
    "  --new-define SYMBOL  the same for one side\n"
    "  --version-of old=X.Y.Z, --version-of new=X.Y.Z   the QEMU version of a\n"
    "                       side (a dump's own comes from query-version)\n"
    "Exit status: 0, or 1 with --breaking when a change breaks clients;\n"
    "2 usage error, or a source that cannot be read or holds no schema.\n";

static int run(qc_cli *cli, int argc, char **argv)
{
    diff_args da;
    memset(&da, 0, sizeof da);
    da.a = qc_arena_new();
    int code = QC_EXIT_USAGE;
    int first = qc_cli_getopt(cli, argc, argv, "D:", longopts, handle_opt, &da,
                              &code);
    int rc = code;
    if (first < 0)
        goto out;
    if (argc - first != 2) {
        rc = qc_cli_usage_error(cli, SUB, "expected two sources, OLD and NEW");
        goto out;
    }

    qc_diff_side sides[2];
    bool loaded = true;
    for (int s = 0; s < 2; s++) {
        bool io = false;
        loaded &= load_side(cli, &da, s ? NEW : OLD, argv[first + s],
                            &sides[s], &io);
    }
    if (!loaded) {
        qc_cli_hint_doc_checks(cli);
        rc = QC_EXIT_USAGE;     /* as query and compat: no schema to use */
        goto out;
    }
    if (da.conditions[BOTH] && sides[0].kind != QC_DIFF_SRC_SCHEMA
        && sides[1].kind != QC_DIFF_SRC_SCHEMA)
        qc_warning(cli->diag, qc_loc_make(NULL, 0), "diff-conditions-ignored",
                   "neither source is a source schema: --config and -D are "
                   "ignored");

    const qc_diff_result *r = qc_diff(da.a, sides[0].schema, sides[1].schema);
    write_report(&cli->out, da.fmt, &sides[0], &sides[1], r);
    rc = da.breaking && r->count[QC_DIFF_BREAKING] ? QC_EXIT_PROBLEMS
                                                   : QC_EXIT_OK;
out:
    qc_arena_free(da.a);
    return rc;
}

const qc_command qc_command_diff = {
    "diff", run, "compare two QMP schemas, classified for clients", usage,
};
