/* qapic validate: would QEMU accept these QMP commands?
 *
 *   validate [--schema SOURCE] [--config FILE | -D SYMBOL...]
 *            [--allow-deprecated] [--allow-unstable] [--format=text|json]
 *            (COMMAND-JSON... | - | --calls LOG...)
 *
 * also reached as "replies validate [OPTIONS] DUMP COMMAND-JSON...|-",
 * where the first operand is the schema unless --schema gives one.
 *
 * Text output: a line per command on stdout, located at the command's
 * line, with the notes below it; the problems go to the diagnostic sink.
 * JSON output: one object per command and line on stdout. */
#include <stdlib.h>
#include <string.h>

#include "base/visible.h"
#include "cli/cli.h"
#include "dumps/load.h"
#include "dumps/qmplog.h"
#include "dumps/validate.h"
#include "dumps/vschema.h"
#include "syntax/json.h"
#include "syntax/parse.h"

enum {
    OPT_SCHEMA = QC_OPT_FIRST_PRIVATE,
    OPT_CONFIG,
    OPT_ALLOW_DEPRECATED,
    OPT_ALLOW_UNSTABLE,
    OPT_FORMAT,
    OPT_CALLS,
};

static const struct option longopts[] = {
    { "schema", required_argument, NULL, OPT_SCHEMA },
    { "config", required_argument, NULL, OPT_CONFIG },
    { "define", required_argument, NULL, 'D' },
    { "allow-deprecated", no_argument, NULL, OPT_ALLOW_DEPRECATED },
    { "allow-unstable", no_argument, NULL, OPT_ALLOW_UNSTABLE },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "calls", required_argument, NULL, OPT_CALLS },
    QC_COMMON_LONGOPTS,
    { NULL, 0, NULL, 0 },
};

static const char usage[] =
    "usage: qapic validate [--schema SOURCE] [--config FILE | -D SYMBOL...]\n"
    "                      [--allow-deprecated] [--allow-unstable]\n"
    "                      [--format=text|json]\n"
    "                      (COMMAND-JSON... | - | --calls LOG...)\n"
    "\n"
    "Would QEMU accept these QMP commands?  The verdict is that of QEMU's QMP\n"
    "input layer (its dispatcher and input visitor), and problems come in its\n"
    "order: the first is the one QEMU would report.\n"
    "  --schema SOURCE    a source schema, a capability dump, or introspection\n"
    "                     JSON (an array, or {\"return\": [...]}); without it, a\n"
    "                     LOG's own query-qmp-schema\n"
    "  --config FILE, -D SYMBOL  the build of a source schema: condition symbols\n"
    "                     (without them every condition is true)\n"
    "  --allow-deprecated, --allow-unstable  accept such commands, members and\n"
    "                     enum values (QEMU's -compat ...-input=accept; the\n"
    "                     default is as -compat ...-input=reject)\n"
    "  --format=text|json text: a line per command, problems on stderr; json:\n"
    "                     one object per command and line\n"
    "  --calls LOG        the commands of a QMP log or capability dump (every\n"
    "                     operand is a LOG once given); '-' reads commands from\n"
    "                     standard input\n"
    "A source schema knows integer widths and 'gen': false; from a dump or\n"
    "introspection qapic says what it could not know (notes).\n"
    "Exit status: 0 all valid, 1 a command is invalid or unreadable, 2 usage\n"
    "error, unreadable file or no usable schema.\n";

typedef struct vargs {
    qc_arena *a;
    const char *schema;
    qc_ptrvec symbols;          /* const char * */
    bool build;                 /* --config or -D given */
    qc_ptrvec calls;            /* const char * */
    bool json;
    qc_validate_opts vo;
} vargs;

static const char SUB[] = "validate";

static int handle(qc_cli *cli, void *ctx, int opt, const char *arg)
{
    vargs *va = ctx;
    static const char *const formats[] = { "text", "json", NULL };
    int i;
    switch (opt) {
    case OPT_SCHEMA:
        va->schema = arg;
        return 0;
    case OPT_CONFIG:
        va->build = true;
        return qc_cli_read_config(cli, va->a, arg, &va->symbols) ? 0 : -1;
    case 'D':
        va->build = true;
        qc_ptrvec_push(va->a, &va->symbols, (void *)arg);
        return 0;
    case OPT_ALLOW_DEPRECATED:
        va->vo.allow_deprecated = true;
        return 0;
    case OPT_ALLOW_UNSTABLE:
        va->vo.allow_unstable = true;
        return 0;
    case OPT_FORMAT:
        if ((i = qc_cli_choice(cli, SUB, "format", arg, formats,
                               "use text or json")) < 0)
            return -1;
        va->json = i == 1;
        return 0;
    case OPT_CALLS:
        qc_ptrvec_push(va->a, &va->calls, (void *)arg);
        return 0;
    default:
        return -1;
    }
}

/* ---- one command ------------------------------------------------------- */

typedef struct run {
    qc_cli *cli;
    vargs *va;
    size_t index;               /* commands so far */
    bool invalid;               /* some command was invalid or unreadable */
    /* The command being validated: */
    size_t nproblems, nnotes;
    qc_buf problems, notes;     /* JSON array items, or text lines (notes) */
    /* Where line_of() stands. */
    const qc_source *line_src;
    uint32_t line_off;
    unsigned line;
} run;

static void json_report(qc_buf *b, bool first, const char *path,
                        const char *code, const char *message)
{
    qc_buf_puts(b, first ? "{\"path\": " : ", {\"path\": ");
    qc_json_write_string(b, path, strlen(path));
    qc_buf_puts(b, ", \"code\": ");
    qc_json_write_string(b, code, strlen(code));
    qc_buf_puts(b, ", \"message\": ");
    qc_json_write_string(b, message, strlen(message));
    qc_buf_putc(b, '}');
}

static void on_problem(void *ctx, const char *path, const qc_value *at,
                       const char *code, const char *message)
{
    run *r = ctx;
    if (r->va->json)
        json_report(&r->problems, !r->nproblems, path, code, message);
    else
        qc_error(r->cli->diag, at ? qc_value_loc(at) : (qc_loc){ 0 }, code, "%s%s%s",
                 path, *path ? ": " : "", message);
    r->nproblems++;
}

static void on_note(void *ctx, const char *path, const qc_value *at,
                    const char *code, const char *message)
{
    run *r = ctx;
    if (r->va->json) {
        json_report(&r->notes, !r->nnotes, path, code, message);
    } else {
        const qc_source *src = at ? qc_loc_src(qc_value_loc(at)) : NULL;
        if (src) {
            qc_visible_puts(&r->notes, src->path);
            qc_buf_printf(&r->notes, ":%u:%u: ",
                          qc_source_line(src, qc_value_loc(at).off),
                          qc_source_column(src, qc_value_loc(at).off));
        }
        qc_buf_puts(&r->notes, "note: ");
        qc_visible_puts(&r->notes, path);
        qc_buf_puts(&r->notes, *path ? ": " : "");
        qc_visible_puts(&r->notes, message);
        qc_buf_printf(&r->notes, " [%s]\n", code);
    }
    r->nnotes++;
}

static void put_number(qc_buf *b, size_t n)
{
    char digits[24];
    size_t k = sizeof digits;
    do {
        digits[--k] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    qc_buf_append(b, digits + k, sizeof digits - k);
}

/* The line of OFF in SRC: commands come in order, so a cursor that moves
 * forward with memchr finds it without indexing every line. */
static unsigned line_of(run *r, const qc_source *src, uint32_t off)
{
    if (src != r->line_src || off < r->line_off) {
        r->line_src = src;
        r->line_off = 0;
        r->line = 1;
    }
    const char *t = src->text, *end = t + off;
    for (const char *p = t + r->line_off;
         p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
        r->line++;
    r->line_off = off;
    return r->line;
}

static void validate_one(run *r, const qc_vschema *s, const qc_value *cmd)
{
    qc_buf *out = &r->cli->out;
    r->index++;
    r->nproblems = r->nnotes = 0;
    r->problems.len = r->notes.len = 0;
    /* Past the diagnostic limit, the text of problems goes nowhere. */
    r->va->vo.count_only = !r->va->json && qc_diag_limit_reached(r->cli->diag);
    qc_validate_command(r->va->a, s, cmd, &r->va->vo, on_problem, r);
    r->invalid |= r->nproblems > 0;

    const char *name = qc_obj_get_str(cmd, "execute");
    if (!name)
        name = qc_obj_get_str(cmd, "exec-oob");
    const qc_source *src = qc_loc_src(qc_value_loc(cmd));
    unsigned line = src ? line_of(r, src, qc_value_loc(cmd).off) : 0;
    const char *file = src ? src->path : "";
    if (r->va->json) {
        qc_buf_puts(out, "{\"index\": ");
        put_number(out, r->index);
        qc_buf_puts(out, ", \"file\": ");
        qc_json_write_string(out, file, strlen(file));
        qc_buf_puts(out, ", \"line\": ");
        put_number(out, line);
        qc_buf_puts(out, ", \"command\": ");
        if (name)
            qc_json_write_string(out, name, strlen(name));
        else
            qc_buf_puts(out, "null");
        qc_buf_puts(out, r->nproblems ? ", \"valid\": false, \"problems\": ["
                                      : ", \"valid\": true, \"problems\": [");
        if (r->problems.len)
            qc_buf_append(out, r->problems.data, r->problems.len);
        qc_buf_puts(out, "], \"notes\": [");
        if (r->notes.len)
            qc_buf_append(out, r->notes.data, r->notes.len);
        qc_buf_puts(out, "]}\n");
        return;
    }
    /* By hand: printf costs more than validating, for 10,000 lines. */
    qc_visible_puts(out, file);
    qc_buf_putc(out, ':');
    put_number(out, line);
    qc_buf_puts(out, ": command ");
    put_number(out, r->index);
    qc_buf_puts(out, " (");
    qc_visible_puts(out, name ? name : "?");
    qc_buf_puts(out, "): ");
    if (r->nproblems) {
        qc_buf_puts(out, "invalid, ");
        put_number(out, r->nproblems);
        qc_buf_puts(out, r->nproblems == 1 ? " problem\n" : " problems\n");
    } else
        qc_buf_puts(out, r->nnotes ? "valid, not everything checked:\n" : "valid\n");
    if (r->notes.len)
        qc_buf_append(out, r->notes.data, r->notes.len);
}

/* ---- inputs ------------------------------------------------------------ */

/* Commands given on the command line or on stdin ("-"): every value is
 * a command. */
static bool validate_operand(run *r, const qc_vschema *s, const char *arg,
                             int position)
{
    qc_arena *a = r->va->a;
    qc_source *src;
    if (!strcmp(arg, "-")) {
        if (!(src = qc_cli_read_stdin(r->cli, a)))
            return false;
    } else {
        src = qc_source_from_mem(a, qc_arena_printf(a, "<argument %d>", position),
                                 arg, strlen(arg), false);
    }
    size_t n = 0;
    qc_value *vals = qc_qmp_parse(a, src, r->cli->diag, &n);
    if (!vals && qc_diag_error_count(r->cli->diag))
        r->invalid = true;
    for (size_t k = 0; k < n; k++)
        validate_one(r, s, &vals[k]);
    return true;
}

/* After qmp_capabilities in a log, exec-oob is fine exactly when it
 * enabled 'oob' (every QEMU of a log negotiates first; before the first
 * qmp_capabilities, qapic cannot know and takes it as enabled). */
static void note_negotiation(run *r, const qc_value *cmd)
{
    const char *name = qc_obj_get_str(cmd, "execute");
    if (!name || strcmp(name, "qmp_capabilities"))
        return;
    const qc_value *en = qc_obj_get(qc_obj_get(cmd, "arguments"), "enable");
    bool oob = false;
    for (size_t i = 0; qc_is_array(en) && i < qc_arr_len(en); i++)
        oob |= qc_is_string(qc_arr_at(en, i))
               && !strcmp(qc_arr_at(en, i)->u.str.s, "oob");
    r->va->vo.no_oob = !oob;
}

/* The commands of the log PATH, against S or else the log's own schema. */
static bool validate_log(run *r, const qc_vschema *s, const char *path)
{
    qc_arena *a = r->va->a;
    qc_source *src = qc_cli_read(r->cli, a, path);
    if (!src)
        return false;
    qc_qmplog log;
    qc_qmplog_read(a, src, &log);
    if (log.too_deep) {
        qc_diag_show_column(qc_error(r->cli->diag,
            qc_loc_make(src, log.too_deep_at), "syntax-too-deep",
            "nesting is deeper than %d levels", QC_MAX_DEPTH));
        return false;
    }
    if (log.skipped)
        qc_warning(r->cli->diag, qc_loc_make(src, 0), "validate-log-skipped",
                   "%zu message%s of this log could not be read as JSON and %s skipped",
                   log.skipped, log.skipped == 1 ? "" : "s",
                   log.skipped == 1 ? "is" : "are");
    if (!s && !(s = qc_vschema_from_json(a, r->cli->diag, log.src, log.msgs,
                                         log.n)))
        return false;
    for (size_t k = 0; k < log.n; k++)
        if (qc_qmplog_is_command(&log.msgs[k])) {
            validate_one(r, s, &log.msgs[k]);
            note_negotiation(r, &log.msgs[k]);
        }
    r->va->vo.no_oob = false;
    return true;
}

/* The schema of --schema; NULL after reporting.  *IO: it was unreadable. */
static const qc_vschema *load_schema(qc_cli *cli, vargs *va, const char *path,
                                     bool *io)
{
    qc_build build = { (const char *const *)va->symbols.items, va->symbols.n };
    qc_ischema_origin origin;
    qc_vschema *s = qc_vschema_load(va->a, cli->diag, &cli->opts, path,
                                    va->build ? &build : NULL, &origin, NULL, io);
    if (!s && origin == QC_ORIGIN_SCHEMA && !*io)
        qc_cli_hint_doc_checks(cli);
    if (s && va->build && origin != QC_ORIGIN_SCHEMA)
        qc_warning(cli->diag, qc_loc_make(NULL, 0), "validate-build-ignored",
                   "'%s' is not a source schema: its build is what it is, "
                   "--config and -D do not change it", path);
    return s;
}

int qc_cli_validate(qc_cli *cli, const char *sub, int argc, char **argv,
                    bool schema_operand)
{
    vargs va;
    memset(&va, 0, sizeof va);
    va.a = qc_arena_new();
    va.vo.deprecated_hint = QC_CLI_DEPRECATED_HINT;
    va.vo.unstable_hint = QC_CLI_UNSTABLE_HINT;
    va.vo.note = on_note;
    int rc = QC_EXIT_USAGE;
    int first = qc_cli_getopt(cli, argc, argv, "D:", longopts, handle, &va, &rc);
    if (first < 0)
        goto out;
    char **ops = argv + first;
    int nops = argc - first;
    if (!va.schema && schema_operand && nops > 0 && !va.calls.n) {
        va.schema = ops[0];
        ops++;
        nops--;
    }
    for (int i = 0; i < nops && va.calls.n; i++)
        qc_ptrvec_push(va.a, &va.calls, ops[i]);
    if (va.calls.n)
        nops = 0;
    if (!va.calls.n && !nops) {
        rc = qc_cli_usage_error(cli, sub, "expected COMMAND-JSON..., '-' or --calls LOG...");
        goto out;
    }
    if (!va.schema && !va.calls.n) {
        rc = qc_cli_usage_error(cli, sub,
            "commands need a schema: give --schema SOURCE (a log given with --calls may bring its own)");
        goto out;
    }
    bool io = false;
    const qc_vschema *s = NULL;
    if (va.schema && !(s = load_schema(cli, &va, va.schema, &io))) {
        rc = QC_EXIT_USAGE;
        goto out;
    }
    run r = { .cli = cli, .va = &va, .problems = QC_BUF_INIT, .notes = QC_BUF_INIT };
    bool ok = true;
    for (int i = 0; i < nops; i++)
        ok &= validate_operand(&r, s, ops[i], i + 1);
    for (size_t i = 0; i < va.calls.n; i++)
        ok &= validate_log(&r, s, va.calls.items[i]);
    qc_buf_free(&r.problems);
    qc_buf_free(&r.notes);
    rc = !ok ? QC_EXIT_USAGE : r.invalid ? QC_EXIT_PROBLEMS : QC_EXIT_OK;
out:
    qc_arena_free(va.a);
    return rc;
}

static int run_validate(qc_cli *cli, int argc, char **argv)
{
    return qc_cli_validate(cli, SUB, argc, argv, false);
}

const qc_command qc_command_validate = {
    "validate", run_validate, "would QEMU accept these QMP commands?", usage,
};
