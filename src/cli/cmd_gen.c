/* qapic gen TARGET [options] SCHEMA: code generators.
 *
 *   qapic gen c [-o DIR] [--prefix NAME] [--config FILE] [-D SYMBOL]...
 *               [--depfile FILE] [--force] SCHEMA
 *   qapic gen tests [-o DIR] [--prefix NAME] [--bindings DIR]
 *               [--config FILE] [-D SYMBOL]... [--rules FILE]...
 *               [--replies DUMP]... [--skeleton] [--no-main]
 *               [--depfile FILE] [--force] SCHEMA
 *
 * writes the C bindings of SCHEMA into DIR (default NAME-bindings), or
 * Check suites of those bindings into DIR (default NAME-tests), each file
 * only when its content changed, all or nothing; the depfile lists the
 * files read, in make syntax.  The skeleton of --skeleton is written only
 * when it does not exist. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/output.h"
#include "base/path.h"
#include "cli/cli.h"
#include "cli/gen_inputs.h"
#include "gen/cnames.h"
#include "gen/gen.h"
#include "schema/schema.h"

enum {
    OPT_CONFIG = QC_OPT_FIRST_PRIVATE,
    OPT_PREFIX,
    OPT_DEPFILE,
    OPT_BINDINGS,
    OPT_RULES,
    OPT_REPLIES,
    OPT_SKELETON,
    OPT_NO_MAIN,
    OPT_FORCE,
};

typedef struct gen_args {
    qc_arena *a;
    const char *target;     /* "c" or "tests" */
    const char *outdir;
    const char *prefix;
    const char *depfile;
    qc_ptrvec symbols;      /* const char * */
    qc_ptrvec inputs;       /* files read besides the schema (config,
                               rules, dumps), for the depfile */
    unsigned output_flags;  /* QC_OUTPUT_*: --force */
    bool configured;
    bool failed;            /* a bad option value, already reported */
    /* tests only: */
    const char *bindings;
    qc_ptrvec rules, replies;
    bool skeleton, no_main;
    const char *tests_only; /* the first option of tests given, for c */
} gen_args;

static int handle_opt(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    gen_args *ga = ctx;
    switch (opt) {
    case OPT_CONFIG:
        ga->configured = true;
        qc_ptrvec_push(ga->a, &ga->inputs, (void *)arg);
        if (!qc_cli_read_config(cli, ga->a, arg, &ga->symbols))
            ga->failed = true;
        return 0;
    case 'D':
        ga->configured = true;
        if (!qc_gen_is_identifier(arg)) {
            qc_cli_usage_error(cli, "gen", "-D needs a condition symbol "
                               "(a C identifier), not '%s'", arg);
            ga->failed = true;
        }
        qc_ptrvec_push(ga->a, &ga->symbols, qc_arena_strdup(ga->a, arg));
        return 0;
    case 'o':
    case OPT_DEPFILE:
        if (!*arg) {
            qc_cli_usage_error(cli, "gen", "%s needs a file name",
                               opt == 'o' ? "-o" : "--depfile");
            ga->failed = true;
        }
        *(opt == 'o' ? &ga->outdir : &ga->depfile) = arg;
        return 0;
    case OPT_PREFIX:
        ga->prefix = arg;
        return 0;
    case OPT_BINDINGS:
        if (!*arg) {
            qc_cli_usage_error(cli, "gen", "--bindings needs a directory");
            ga->failed = true;
        }
        ga->bindings = arg;
        ga->tests_only = "--bindings";
        return 0;
    case OPT_RULES:
    case OPT_REPLIES:
        qc_ptrvec_push(ga->a, opt == OPT_RULES ? &ga->rules : &ga->replies,
                       (void *)arg);
        qc_ptrvec_push(ga->a, &ga->inputs, (void *)arg);
        ga->tests_only = opt == OPT_RULES ? "--rules" : "--replies";
        return 0;
    case OPT_SKELETON:
        ga->skeleton = true;
        ga->tests_only = "--skeleton";
        return 0;
    case OPT_NO_MAIN:
        ga->no_main = true;
        ga->tests_only = "--no-main";
        return 0;
    case OPT_FORCE:
        ga->output_flags |= QC_OUTPUT_FORCE;
        return 0;
    }
    return -1;
}

/* Creates DIR and its missing parents. */
static bool make_dirs(qc_cli *cli, const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        abort();
    bool ok = true;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            qc_error(cli->diag, (qc_loc){ 0 }, "io-error",
                     "cannot create directory '%s': %s", p, strerror(errno));
            ok = false;
        }
        *s = c;
        if (!ok || !c)
            break;
    }
    free(p);
    struct stat st;
    if (ok && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        qc_error(cli->diag, (qc_loc){ 0 }, "io-error",
                 "cannot write into '%s': not a directory", dir);
        ok = false;
    }
    return ok;
}

/* A file name for a make rule: spaces, '#' and '$' escaped. */
static void make_escape(qc_buf *b, const char *path)
{
    for (const char *p = path; *p; p++) {
        if (*p == ' ' || *p == '#' || *p == '\\')
            qc_buf_putc(b, '\\');
        else if (*p == '$')
            qc_buf_putc(b, '$');
        qc_buf_putc(b, *p);
    }
}

/* Every output depends on every schema file read (and config file); the
 * inputs get empty rules, so that make does not fail once one of them is
 * removed from the schema. */
static void depfile_text(qc_buf *b, const qc_ptrvec *outputs,
                         const qc_schema *s, const qc_ptrvec *extra)
{
    for (size_t i = 0; i < outputs->n; i++) {
        if (i)
            qc_buf_puts(b, " \\\n ");
        make_escape(b, outputs->items[i]);
    }
    qc_buf_puts(b, ":");
    qc_ptrvec inputs = { 0 };
    qc_arena *a = s->arena;
    for (size_t i = 0; i < s->ast->modules.n; i++) {
        const qc_module *m = s->ast->modules.items[i];
        qc_ptrvec_push(a, &inputs, (void *)m->src->path);
    }
    for (size_t i = 0; i < extra->n; i++)
        qc_ptrvec_push(a, &inputs, extra->items[i]);
    for (size_t i = 0; i < inputs.n; i++) {
        qc_buf_puts(b, " \\\n ");
        make_escape(b, inputs.items[i]);
    }
    qc_buf_putc(b, '\n');
    for (size_t i = 0; i < inputs.n; i++) {
        qc_buf_putc(b, '\n');
        make_escape(b, inputs.items[i]);
        qc_buf_puts(b, ":\n");
    }
}

/* Writes OUT's files; the last NKEEP of them only when they do not exist
 * (after the others are in place: they are the user's, not part of the
 * set). */
static bool write_outputs(qc_cli *cli, gen_args *ga, const qc_schema *s,
                          const qc_gen_output *out, size_t nkeep)
{
    if (!make_dirs(cli, ga->outdir))
        return false;
    qc_output_set *w = qc_output_set_new();
    qc_output_set_flags(w, ga->output_flags);
    qc_ptrvec paths = { 0 };
    for (size_t i = 0; i < out->n - nkeep; i++) {
        const char *path = qc_arena_printf(ga->a, "%s/%s", ga->outdir,
                                           out->files[i].name);
        qc_ptrvec_push(ga->a, &paths, (void *)path);
        if (!qc_output_set_add(w, cli->diag, path, out->files[i].data,
                               out->files[i].len))
            break;
    }
    if (ga->depfile) {
        qc_buf b = QC_BUF_INIT;
        depfile_text(&b, &paths, s, &ga->inputs);
        qc_output_set_add(w, cli->diag, ga->depfile, b.data, b.len);
        qc_buf_free(&b);
    }
    if (!qc_output_set_commit(w, cli->diag, NULL)) {
        qc_cli_hint_force(cli);
        return false;
    }
    bool ok = true;
    for (size_t i = out->n - nkeep; i < out->n; i++) {
        const char *path = qc_arena_printf(ga->a, "%s/%s", ga->outdir,
                                           out->files[i].name);
        bool existed;
        ok = qc_output_write_new(cli->diag, path, out->files[i].data,
                                 out->files[i].len, &existed) && ok;
        if (existed)
            qc_diag_report(cli->diag, QC_SEV_NOTE, (qc_loc){ 0 },
                           "gen-tests-skeleton-kept", "'%s' exists: left as "
                           "it is (it is yours; remove it for a new "
                           "skeleton)", path);
    }
    return ok;
}

static qc_schema *load_schema(qc_cli *cli, gen_args *ga,
                              const char *schema_path, int *rc)
{
    bool io_error = false;
    qc_schema *s = qc_schema_build(ga->a, cli->diag, &cli->opts, schema_path,
                                   &io_error);
    if (!s) {
        qc_cli_hint_doc_checks(cli);
        *rc = io_error ? QC_EXIT_USAGE : QC_EXIT_PROBLEMS;
    }
    return s;
}

static qc_gen_c_opts c_opts(const gen_args *ga)
{
    qc_gen_c_opts o = {
        .prefix = ga->prefix,
        .configured = ga->configured,
        .symbols = (const char *const *)ga->symbols.items,
        .nsymbols = ga->symbols.n,
    };
    return o;
}

static int gen_c(qc_cli *cli, gen_args *ga, const char *schema_path)
{
    int rc = QC_EXIT_OK;
    qc_schema *s = load_schema(cli, ga, schema_path, &rc);
    if (!s)
        return rc;
    qc_gen_c_opts o = c_opts(ga);
    qc_gen_output out = { 0 };
    if (!qc_gen_c(ga->a, cli->diag, s, &o, &out))
        return QC_EXIT_PROBLEMS;
    bool ok = write_outputs(cli, ga, s, &out, 0);
    qc_gen_output_free(&out);
    return ok ? QC_EXIT_OK : QC_EXIT_USAGE;
}

/* How the tests include the bindings' header: relative to the tests'
 * directory, so that no -I is needed ("../qmp-bindings/qmp.h").  The
 * bindings are next to the tests unless --bindings says where. */
static const char *bindings_include(gen_args *ga)
{
    const char *dir = ga->bindings
        ? ga->bindings
        : qc_arena_printf(ga->a, "%s/%s-bindings",
                          qc_path_dirname(ga->a, qc_path_abs(ga->a, ga->outdir)),
                          ga->prefix);
    const char *rel = qc_path_rel(ga->a, qc_path_abs(ga->a, dir),
                                  qc_path_abs(ga->a, ga->outdir));
    if (!strcmp(rel, "."))
        return qc_arena_printf(ga->a, "%s.h", ga->prefix);
    return qc_arena_printf(ga->a, "%s/%s.h", rel, ga->prefix);
}

static int gen_tests(qc_cli *cli, gen_args *ga, const char *schema_path)
{
    qc_gen_tests_opts o = { .c = c_opts(ga) };
    qc_gen_rule *rules = NULL;
    qc_gen_dump *dumps = NULL;
    bool usage = false;
    int rc = QC_EXIT_OK;
    if (!qc_cli_gen_rules(cli, ga->a, &ga->rules, &rules, &o.nrules, &usage) ||
        !qc_cli_gen_dumps(cli, ga->a, &ga->replies, &dumps, &o.ndumps, &usage))
        return usage ? QC_EXIT_USAGE : QC_EXIT_PROBLEMS;
    o.rules = rules;
    o.dumps = dumps;
    qc_schema *s = load_schema(cli, ga, schema_path, &rc);
    if (!s)
        return rc;
    o.bindings_include = bindings_include(ga);
    o.skeleton = ga->skeleton;
    o.no_main = ga->no_main;
    qc_gen_output out = { 0 };
    if (!qc_gen_tests(ga->a, cli->diag, s, &o, &out))
        return QC_EXIT_PROBLEMS;
    bool ok = write_outputs(cli, ga, s, &out, ga->skeleton ? 1 : 0);
    qc_gen_output_free(&out);
    return ok ? QC_EXIT_OK : QC_EXIT_USAGE;
}

static int gen(qc_cli *cli, gen_args *ga, const char *schema_path)
{
    bool tests = !strcmp(ga->target, "tests");
    if (!tests && ga->tests_only)
        return qc_cli_usage_error(cli, "gen", "%s is an option of "
                                  "'gen tests', not of 'gen c'",
                                  ga->tests_only);
    if (!ga->prefix)
        ga->prefix = "qmp";
    if (!qc_gen_c_prefix_ok(ga->prefix))
        return qc_cli_usage_error(cli, "gen", "--prefix needs a C identifier "
                                  "other than qapic or qapic_*, not '%s'",
                                  ga->prefix);
    if (!ga->outdir)
        ga->outdir = qc_arena_printf(ga->a, "%s-%s", ga->prefix,
                                     tests ? "tests" : "bindings");
    return tests ? gen_tests(cli, ga, schema_path)
                 : gen_c(cli, ga, schema_path);
}

static const struct option longopts[] = {
    { "output", required_argument, NULL, 'o' },
    { "prefix", required_argument, NULL, OPT_PREFIX },
    { "config", required_argument, NULL, OPT_CONFIG },
    { "define", required_argument, NULL, 'D' },
    { "depfile", required_argument, NULL, OPT_DEPFILE },
    { "bindings", required_argument, NULL, OPT_BINDINGS },
    { "rules", required_argument, NULL, OPT_RULES },
    { "replies", required_argument, NULL, OPT_REPLIES },
    { "skeleton", no_argument, NULL, OPT_SKELETON },
    { "no-main", no_argument, NULL, OPT_NO_MAIN },
    { "force", no_argument, NULL, OPT_FORCE },
    QC_COMMON_LONGOPTS,
    { NULL, 0, NULL, 0 },
};

static const char usage[] =
    "usage: qapic gen c [-o DIR] [--prefix NAME] [--config FILE] [-D SYMBOL]...\n"
    "                   [--depfile FILE] [--force] SCHEMA\n"
    "       qapic gen tests [-o DIR] [--prefix NAME] [--bindings DIR]\n"
    "                   [--config FILE] [-D SYMBOL]... [--rules FILE]...\n"
    "                   [--replies DUMP]... [--skeleton] [--no-main]\n"
    "                   [--depfile FILE] [--force] SCHEMA\n"
    "\n"
    "gen c writes typed C bindings of SCHEMA for libqapic-runtime (see\n"
    "doc/bindings.md): NAME.h, which includes the other headers, a C file\n"
    "per schema module, the schema table, command stubs and event handlers.\n"
    "Every definition is generated whatever its 'if', which is recorded as\n"
    "data, unless --config or -D give the condition symbols of one build.\n"
    "\n"
    "gen tests writes Check suites of those bindings (see doc/testing.md):\n"
    "round trips of sample values of every type, decodes that must fail,\n"
    "every command stub and event handler against a scripted QMP peer, the\n"
    "rule files' one-of and min-version arguments, the replay of capability\n"
    "dumps and, with QAPIC_TEST_QEMU set when they run, a real QEMU.\n"
    "  cc NAME-bindings/*.c NAME-tests/*.c \\\n"
    "     $(pkg-config --cflags --libs qapic-runtime check)\n"
    "gives the test program.  Give the same --prefix, --config and -D as to\n"
    "gen c.\n"
    "\n"
    "Files are written atomically, all or none, and only when their content\n"
    "changed (see OUTPUT FILES in qapic(1)).\n"
    "  -o, --output DIR       where to write (default NAME-bindings, or\n"
    "                         NAME-tests for gen tests)\n"
    "  --prefix NAME          prefix of every C identifier (default qmp)\n"
    "  --config FILE          condition symbols of a build, one per line\n"
    "  -D, --define SYMBOL    define one condition symbol\n"
    "  --depfile FILE         write the files read as make rules\n"
    "  --force                rewrite output files that are read-only or\n"
    "                         whose extended attributes cannot all be kept\n"
    "gen tests only:\n"
    "  --bindings DIR         where gen c wrote the bindings (default\n"
    "                         NAME-bindings next to DIR): the tests include\n"
    "                         NAME.h by a path relative to their own\n"
    "                         directory, so no -I is needed\n"
    "  --rules FILE           tests of the one-of and min-version rules of a\n"
    "                         client's rule file (rules/README.md)\n"
    "  --replies DUMP         replay every command of a capability dump\n"
    "  --skeleton             also NAME-tests-user.c, a test per command for\n"
    "                         you to complete; written only if it does not\n"
    "                         exist, never overwritten\n"
    "  --no-main              no main(): link the suites (NAME-tests.h) into\n"
    "                         a runner of your own\n"
    "Exit status: 0 ok, 1 schema, rule or dump errors or names that would\n"
    "clash in C, 2 usage error, unreadable input or unwritable output.\n";

static int run(qc_cli *cli, int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        qc_cli_print_help(cli, "gen");
        return QC_EXIT_OK;
    }
    if (argc < 2 || argv[1][0] == '-')
        return qc_cli_usage_error(cli, "gen", "expected a target (c, tests)");
    if (strcmp(argv[1], "c") != 0 && strcmp(argv[1], "tests") != 0)
        return qc_cli_usage_error(cli, "gen", "unknown target '%s' (c, tests)",
                                  argv[1]);
    gen_args ga = { 0 };
    ga.a = qc_arena_new();
    ga.target = argv[1];
    /* The target's arguments, named "gen" for messages and help. */
    argv[1] = argv[0];
    int code = QC_EXIT_USAGE;
    int first = qc_cli_getopt(cli, argc - 1, argv + 1, "D:o:", longopts,
                              handle_opt, &ga, &code);
    int rc = code;
    if (first >= 0 && !ga.failed) {
        if (argc - 1 - first != 1)
            rc = qc_cli_usage_error(cli, "gen", "expected exactly one SCHEMA");
        else
            rc = gen(cli, &ga, argv[1 + first]);
    }
    qc_arena_free(ga.a);
    return rc;
}

const qc_command qc_command_gen = {
    "gen", run, "generate code from a schema (C bindings, their tests)",
    usage,
};
