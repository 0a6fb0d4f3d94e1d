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
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "cli/cli.h"
#include "compat/compat.h"
#include "dumps/ischema.h"
#include "syntax/json.h"
#include "syntax/parse.h"
#include "compat/rules.h"
#include "dumps/validate.h"

enum {
    OPT_FORMAT = QC_OPT_FIRST_PRIVATE,
    OPT_RULES,
    OPT_CALLS,
    OPT_VERSION_OF,
    OPT_ALLOW_DEPRECATED,
    OPT_ALLOW_UNSTABLE,
};

typedef enum { FMT_TEXT, FMT_JSON, FMT_MARKDOWN, FMT_TSV } out_format;

typedef struct version_of {
    const char *source;
    qc_version v;
} version_of;

typedef struct compat_args {
    qc_arena *a;
    out_format fmt;
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
    case OPT_FORMAT:
        if (!strcmp(arg, "text"))
            ca->fmt = FMT_TEXT;
        else if (!strcmp(arg, "json"))
            ca->fmt = FMT_JSON;
        else if (!strcmp(arg, "markdown") || !strcmp(arg, "md"))
            ca->fmt = FMT_MARKDOWN;
        else if (!strcmp(arg, "tsv"))
            ca->fmt = FMT_TSV;
        else {
            qc_cli_usage_error(cli, SUB, "unknown format '%s' (text, json, markdown or tsv)",
                               arg);
            return -1;
        }
        return 0;
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

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && !strcmp(s + ls - lx, suffix);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* --- sources --------------------------------------------------------------- */

typedef struct source {
    const char *path;
    const char *name;          /* base name, for display */
    qc_version version;
    const char *version_str;   /* "" when unknown */
    qc_ischema *schema;
    qc_compat_result *results; /* one per rule */
} source;

/* A capability dump: its schema and its version in one parse. */
static qc_ischema *load_dump(qc_cli *cli, qc_arena *a, source *s, bool *io_error)
{
    int err = 0;
    qc_source *src = qc_source_load(a, s->path, false, &err);
    if (!src) {
        *io_error = true;
        qc_cli_io_error(cli, s->path, err);
        return NULL;
    }
    size_t n = 0;
    qc_value **vals = qc_parse_json(a, src, true, cli->diag, &n);
    if (!vals)
        return NULL;
    qc_compat_dump_version(vals, n, &s->version);
    if (n == 1 || qc_replies_find_return(vals, n, "query-qmp-schema"))
        return qc_ischema_from_json(a, cli->diag, src, vals, n);
    qc_error(cli->diag, qc_loc_make(src, 0), "compat-no-schema",
             "this capability dump has no successful query-qmp-schema reply");
    return NULL;
}

/* A dump by its content, whatever its name: JSON objects. */
static bool is_dump(qc_arena *a, const char *path)
{
    if (ends_with(path, ".replies"))
        return true;
    int err = 0;
    qc_source *src = qc_source_load(a, path, false, &err);
    if (!src || !qc_ischema_text_is_json(src->text, src->len))
        return false;
    size_t k = 0;
    while (k < src->len && src->text[k] != '[' && src->text[k] != '{')
        k++;
    return k < src->len && src->text[k] == '{';
}

/* Loads the schema of S into arena SA. */
static bool load_source(qc_cli *cli, compat_args *ca, source *s, qc_arena *sa)
{
    bool io_error = false;
    s->name = base_name(s->path);
    if (is_dump(sa, s->path))
        s->schema = load_dump(cli, sa, s, &io_error);
    else
        s->schema = qc_ischema_load(sa, cli->diag, &cli->opts, s->path, &io_error);
    for (size_t i = 0; i < ca->versions.n; i++) {
        const version_of *vo = ca->versions.items[i];
        if (!strcmp(vo->source, s->path) || !strcmp(vo->source, s->name))
            s->version = vo->v;
    }
    s->version_str = qc_version_str(ca->a, &s->version);
    return s->schema != NULL;
}

static int cmp_sources(const void *pa, const void *pb)
{
    const source *a = pa, *b = pb;
    int c = qc_version_cmp(&a->version, &b->version);
    if (c)
        return c;
    c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->path, b->path);
}

/* --- the matrix ------------------------------------------------------------- */

static const char *short_status(qc_compat_status st)
{
    switch (st) {
    case QC_COMPAT_OK: return "ok";
    case QC_COMPAT_MISSING_COMMAND: return "MC";
    case QC_COMPAT_MISSING_MEMBER: return "MM";
    case QC_COMPAT_INCOMPATIBLE_TYPE: return "TY";
    case QC_COMPAT_DEPRECATED: return "DE";
    case QC_COMPAT_UNSTABLE: return "UN";
    }
    return "??";
}

typedef struct matrix {
    source *src;
    size_t nsrc;
    const qc_ruleset *rs;
} matrix;

static bool counted_failure(const matrix *m, size_t si, size_t ri)
{
    const source *s = &m->src[si];
    return s->results[ri].status != QC_COMPAT_OK
        && qc_rule_in_range(qc_ruleset_get(m->rs, ri), &s->version);
}

/* Failures grouped by rule, status, detail and whether they count, with
 * their sources. */
static void write_problems(qc_buf *b, const matrix *m, bool markdown)
{
    size_t nr = qc_ruleset_size(m->rs);
    bool any = false;
    bool *done = calloc(m->nsrc ? m->nsrc : 1, sizeof *done);
    if (!done)
        abort();
    for (size_t ri = 0; ri < nr; ri++) {
        const qc_rule *r = qc_ruleset_get(m->rs, ri);
        memset(done, 0, (m->nsrc ? m->nsrc : 1) * sizeof *done);
        /* Counted failures first, then the others. */
        for (int pass = 0; pass < 2; pass++)
            for (size_t si = 0; si < m->nsrc; si++) {
                const qc_compat_result *res = &m->src[si].results[ri];
                bool in = qc_rule_in_range(r, &m->src[si].version);
                if (done[si] || res->status == QC_COMPAT_OK || in != (pass == 0))
                    continue;
                if (!any) {
                    qc_buf_puts(b, markdown ? "\n## Problems\n\n" : "\nProblems:\n");
                    any = true;
                }
                qc_buf_printf(b, markdown ? "- `%s`: %s: %s%s\n  " : "  %s: %s: %s%s\n",
                              r->id, qc_compat_status_name(res->status), res->detail,
                              in ? "" : " (outside the rule's versions: not counted)");
                size_t col = 6;
                bool first = true;
                for (size_t sj = si; sj < m->nsrc; sj++) {
                    const qc_compat_result *o = &m->src[sj].results[ri];
                    if (done[sj] || o->status != res->status
                        || qc_rule_in_range(r, &m->src[sj].version) != in
                        || strcmp(o->detail, res->detail))
                        continue;
                    done[sj] = true;
                    size_t len = strlen(m->src[sj].name) + (markdown ? 2 : 0);
                    if (markdown) {
                        qc_buf_printf(b, "%s`%s`", first ? "" : ", ", m->src[sj].name);
                    } else {
                        if (first || col + len + 2 > 100) {
                            qc_buf_puts(b, first ? "      " : ",\n      ");
                            col = 6;
                        } else {
                            qc_buf_puts(b, ", ");
                            col += 2;
                        }
                        qc_buf_puts(b, m->src[sj].name);
                        col += len;
                    }
                    first = false;
                }
                qc_buf_putc(b, '\n');
            }
    }
    free(done);
}

static void write_text(qc_buf *b, const matrix *m)
{
    size_t nr = qc_ruleset_size(m->rs);
    size_t width = 4, numw = 1;
    for (size_t ri = 0; ri < nr; ri++) {
        size_t l = strlen(qc_ruleset_get(m->rs, ri)->id);
        if (l > width)
            width = l;
    }
    for (size_t n = m->nsrc; n >= 10; n /= 10)
        numw++;
    size_t cellw = numw > 2 ? numw : 2;

    qc_buf_puts(b, "Sources, by QEMU version:\n");
    for (size_t si = 0; si < m->nsrc; si++)
        qc_buf_printf(b, "  %*zu  %-8s  %s\n", (int)numw, si + 1,
                      *m->src[si].version_str ? m->src[si].version_str : "?",
                      m->src[si].path);
    qc_buf_putc(b, '\n');
    qc_buf_printf(b, "%-*s", (int)width, "rule");
    for (size_t si = 0; si < m->nsrc; si++)
        qc_buf_printf(b, " %*zu", (int)cellw, si + 1);
    qc_buf_putc(b, '\n');

    size_t ok = 0, failed = 0, outside = 0;
    for (size_t ri = 0; ri < nr; ri++) {
        qc_buf_printf(b, "%-*s", (int)width, qc_ruleset_get(m->rs, ri)->id);
        for (size_t si = 0; si < m->nsrc; si++) {
            qc_compat_status st = m->src[si].results[ri].status;
            const char *cell = short_status(st);
            char lower[3];
            if (st == QC_COMPAT_OK) {
                ok++;
            } else if (counted_failure(m, si, ri)) {
                failed++;
            } else {
                /* Lower case: a failure outside the rule's versions. */
                lower[0] = (char)(cell[0] - 'A' + 'a');
                lower[1] = (char)(cell[1] - 'A' + 'a');
                lower[2] = 0;
                cell = lower;
                outside++;
            }
            qc_buf_printf(b, " %*s", (int)cellw, cell);
        }
        qc_buf_putc(b, '\n');
    }
    qc_buf_puts(b, "\nok = holds; MC missing command or event, MM missing member, "
                   "TY incompatible type,\nDE deprecated, UN unstable; lower case: "
                   "outside the rule's QEMU versions (not counted).\n");
    write_problems(b, m, false);
    qc_buf_printf(b, "\n%zu rules x %zu sources: %zu ok, %zu failed, %zu outside "
                     "their versions\n", nr, m->nsrc, ok, failed, outside);
}

static void write_markdown(qc_buf *b, const matrix *m)
{
    size_t nr = qc_ruleset_size(m->rs);
    qc_buf_puts(b, "| rule |");
    for (size_t si = 0; si < m->nsrc; si++)
        qc_buf_printf(b, " %s<br>%s |", m->src[si].name,
                      *m->src[si].version_str ? m->src[si].version_str : "?");
    qc_buf_puts(b, "\n|---|");
    for (size_t si = 0; si < m->nsrc; si++)
        qc_buf_puts(b, "---|");
    qc_buf_putc(b, '\n');
    for (size_t ri = 0; ri < nr; ri++) {
        qc_buf_printf(b, "| `%s` |", qc_ruleset_get(m->rs, ri)->id);
        for (size_t si = 0; si < m->nsrc; si++) {
            qc_compat_status st = m->src[si].results[ri].status;
            const char *name = qc_compat_status_name(st);
            if (st == QC_COMPAT_OK || counted_failure(m, si, ri))
                qc_buf_printf(b, " %s |", st == QC_COMPAT_OK ? "ok" : name);
            else
                qc_buf_printf(b, " _(%s)_ |", name);
        }
        qc_buf_putc(b, '\n');
    }
    qc_buf_puts(b, "\nCells in _(italics)_ fail outside the rule's QEMU versions and do "
                   "not count.\n");
    write_problems(b, m, true);
}

static void write_tsv_field(qc_buf *b, const char *s)
{
    for (; *s; s++)
        qc_buf_putc(b, *s == '\t' || *s == '\n' ? ' ' : *s);
}

static void write_tsv(qc_buf *b, const matrix *m)
{
    size_t nr = qc_ruleset_size(m->rs);
    qc_buf_puts(b, "source\tqemu_version\trule\tstatus\tin_range\tdetail\n");
    for (size_t si = 0; si < m->nsrc; si++)
        for (size_t ri = 0; ri < nr; ri++) {
            const qc_rule *r = qc_ruleset_get(m->rs, ri);
            const qc_compat_result *res = &m->src[si].results[ri];
            write_tsv_field(b, m->src[si].path);
            qc_buf_printf(b, "\t%s\t", m->src[si].version_str);
            write_tsv_field(b, r->id);
            qc_buf_printf(b, "\t%s\t%s\t", qc_compat_status_name(res->status),
                          qc_rule_in_range(r, &m->src[si].version) ? "yes" : "no");
            write_tsv_field(b, res->detail);
            qc_buf_putc(b, '\n');
        }
}

static void json_str_member(qc_buf *b, const char *key, const char *val, bool last)
{
    qc_buf_printf(b, "    \"%s\": ", key);
    qc_json_write_string(b, val, strlen(val));
    qc_buf_puts(b, last ? "\n" : ",\n");
}

static void write_json(qc_buf *b, const matrix *m)
{
    size_t nr = qc_ruleset_size(m->rs);
    bool first = true;
    qc_buf_puts(b, "[");
    for (size_t si = 0; si < m->nsrc; si++)
        for (size_t ri = 0; ri < nr; ri++) {
            const qc_rule *r = qc_ruleset_get(m->rs, ri);
            const qc_compat_result *res = &m->src[si].results[ri];
            qc_buf_puts(b, first ? "\n  {\n" : ",\n  {\n");
            first = false;
            json_str_member(b, "source", m->src[si].path, false);
            if (m->src[si].version.set)
                json_str_member(b, "qemu_version", m->src[si].version_str, false);
            else
                qc_buf_puts(b, "    \"qemu_version\": null,\n");
            json_str_member(b, "rule", r->id, false);
            json_str_member(b, "status", qc_compat_status_name(res->status), false);
            json_str_member(b, "detail", res->detail, false);
            qc_buf_printf(b, "    \"in_range\": %s\n  }",
                          qc_rule_in_range(r, &m->src[si].version) ? "true" : "false");
        }
    qc_buf_puts(b, first ? "]\n" : "\n]\n");
}

static int run_matrix(qc_cli *cli, compat_args *ca, const qc_ruleset *rs,
                      char **operands, size_t nops)
{
    source *src = qc_arena_alloc(ca->a, (nops ? nops : 1) * sizeof *src);
    size_t n = 0;
    bool bad = false, need_versions = false;
    for (size_t ri = 0; ri < qc_ruleset_size(rs); ri++) {
        const qc_rule *r = qc_ruleset_get(rs, ri);
        need_versions |= r->min.set || r->max.set;
    }
    /* One source at a time, each in its own arena: a schema is dropped as
     * soon as the rules are evaluated (results are copied to CA->A). */
    size_t nr = qc_ruleset_size(rs);
    for (size_t i = 0; i < nops; i++) {
        source *s = &src[n];
        qc_arena *sa = qc_arena_new();
        memset(s, 0, sizeof *s);
        s->path = operands[i];
        if (!load_source(cli, ca, s, sa)) {
            qc_arena_free(sa);
            bad = true;
            continue;
        }
        if (!s->version.set && need_versions)
            qc_warning(cli->diag, qc_loc_make(NULL, 0), "compat-no-version",
                       "'%s' tells no QEMU version (give --version-of %s=X.Y.Z); "
                       "every rule counts for it", s->path, s->path);
        s->results = qc_arena_alloc(ca->a, (nr ? nr : 1) * sizeof *s->results);
        for (size_t ri = 0; ri < nr; ri++) {
            qc_compat_result res = qc_compat_eval(sa, s->schema, qc_ruleset_get(rs, ri));
            res.detail = qc_arena_strdup(ca->a, res.detail);
            s->results[ri] = res;
        }
        s->schema = NULL;
        qc_arena_free(sa);
        n++;
    }
    qsort(src, n, sizeof *src, cmp_sources);

    matrix m = { src, n, rs };
    bool failed = false;
    for (size_t si = 0; si < n; si++)
        for (size_t ri = 0; ri < nr; ri++)
            failed |= counted_failure(&m, si, ri);

    if (!n)
        return QC_EXIT_USAGE;   /* nothing loaded; the reasons were reported */
    qc_buf out = QC_BUF_INIT;
    switch (ca->fmt) {
    case FMT_TEXT: write_text(&out, &m); break;
    case FMT_JSON: write_json(&out, &m); break;
    case FMT_MARKDOWN: write_markdown(&out, &m); break;
    case FMT_TSV: write_tsv(&out, &m); break;
    }
    bool ok = qc_cli_write_output(cli, NULL, out.data ? out.data : "", out.len);
    qc_buf_free(&out);
    if (!ok || bad)
        return QC_EXIT_USAGE;
    return failed ? QC_EXIT_PROBLEMS : QC_EXIT_OK;
}

/* --- recorded calls ---------------------------------------------------------- */

typedef struct violation {
    const char *file;
    unsigned line, col;
    const char *command;
    const char *rule;          /* rule id, or "schema:SOURCE" for validation */
    const char *code;
    const char *message;
} violation;

typedef struct calls_ctx {
    qc_cli *cli;
    qc_arena *a;
    qc_ptrvec found;           /* violation * */
    const char *validating;    /* source path while validating */
    const qc_value *msg;
} calls_ctx;

static void record(calls_ctx *cc, const qc_value *msg, const qc_value *at,
                   const char *rule, const char *code, const char *message)
{
    const qc_value *where = at ? at : msg;
    qc_error(cc->cli->diag, where->loc, code, "%s", message);
    violation *v = qc_arena_alloc(cc->a, sizeof *v);
    v->file = where->loc.src ? where->loc.src->path : "";
    v->line = where->loc.src ? qc_source_line(where->loc.src, where->loc.off) : 0;
    v->col = where->loc.src ? qc_source_column(where->loc.src, where->loc.off) : 0;
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

static int run_calls(qc_cli *cli, compat_args *ca, const qc_ruleset *rs,
                     char **operands, size_t nops)
{
    bool bad = false;
    source *src = qc_arena_alloc(ca->a, (nops ? nops : 1) * sizeof *src);
    size_t nsrc = 0;
    for (size_t i = 0; i < nops; i++) {
        memset(&src[nsrc], 0, sizeof src[nsrc]);
        src[nsrc].path = operands[i];
        if (load_source(cli, ca, &src[nsrc], ca->a))
            nsrc++;
        else
            bad = true;
    }

    calls_ctx cc = { cli, ca->a, { NULL, 0, 0 }, NULL, NULL };
    size_t ncalls = 0;
    for (size_t f = 0; f < ca->calls.n; f++) {
        const char *path = ca->calls.items[f];
        int err = 0;
        qc_source *s = qc_source_load(ca->a, path, false, &err);
        if (!s) {
            qc_cli_io_error(cli, path, err);
            bad = true;
            continue;
        }
        size_t n = 0;
        unsigned errors = qc_diag_error_count(cli->diag);
        qc_value **vals = qc_parse_json(ca->a, s, true, cli->diag, &n);
        if (!vals) {
            /* An empty log is fine; a broken one was reported. */
            if (qc_diag_error_count(cli->diag) != errors)
                bad = true;
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            const qc_value *msg = vals[i];
            const char *cmd = qc_compat_call_name(msg);
            if (cmd)
                ncalls++;
            qc_compat_check_call(ca->a, rs, msg, on_rule_violation, &cc);
            if (!cmd)
                continue;
            cc.msg = msg;
            for (size_t k = 0; k < nsrc; k++) {
                cc.validating = src[k].path;
                qc_validate_command(ca->a, src[k].schema, msg, &ca->vopts,
                                    on_schema_problem, &cc);
            }
        }
    }

    qc_buf out = QC_BUF_INIT;
    if (ca->fmt == FMT_JSON) {
        qc_buf_puts(&out, "[");
        for (size_t i = 0; i < cc.found.n; i++) {
            const violation *v = cc.found.items[i];
            qc_buf_puts(&out, i ? ",\n  {\n" : "\n  {\n");
            json_str_member(&out, "file", v->file, false);
            qc_buf_printf(&out, "    \"line\": %u,\n    \"column\": %u,\n", v->line, v->col);
            json_str_member(&out, "command", v->command ? v->command : "", false);
            json_str_member(&out, "rule", v->rule, false);
            json_str_member(&out, "code", v->code, false);
            json_str_member(&out, "message", v->message, true);
            qc_buf_puts(&out, "  }");
        }
        qc_buf_puts(&out, cc.found.n ? "\n]\n" : "]\n");
    } else if (ca->fmt == FMT_TSV) {
        qc_buf_puts(&out, "file\tline\tcolumn\tcommand\trule\tcode\tmessage\n");
        for (size_t i = 0; i < cc.found.n; i++) {
            const violation *v = cc.found.items[i];
            write_tsv_field(&out, v->file);
            qc_buf_printf(&out, "\t%u\t%u\t", v->line, v->col);
            write_tsv_field(&out, v->command ? v->command : "");
            qc_buf_putc(&out, '\t');
            write_tsv_field(&out, v->rule);
            qc_buf_printf(&out, "\t%s\t", v->code);
            write_tsv_field(&out, v->message);
            qc_buf_putc(&out, '\n');
        }
    } else {
        /* The violations themselves went to the diagnostics (stderr) with
         * their locations; a markdown report repeats them. */
        bool md = ca->fmt == FMT_MARKDOWN;
        for (size_t i = 0; md && i < cc.found.n; i++) {
            const violation *v = cc.found.items[i];
            qc_buf_printf(&out, "- `%s:%u:%u` `%s`: %s\n", v->file, v->line, v->col,
                          v->rule, v->message);
        }
        qc_buf_printf(&out, "%s%zu call%s checked in %zu file%s: %zu violation%s\n",
                      cc.found.n && md ? "\n" : "", ncalls, ncalls == 1 ? "" : "s",
                      ca->calls.n, ca->calls.n == 1 ? "" : "s", cc.found.n,
                      cc.found.n == 1 ? "" : "s");
    }
    bool ok = qc_cli_write_output(cli, NULL, out.data, out.len);
    qc_buf_free(&out);
    if (!ok || bad)
        return QC_EXIT_USAGE;
    return cc.found.n ? QC_EXIT_PROBLEMS : QC_EXIT_OK;
}

int qc_cmd_compat(qc_cli *cli, int argc, char **argv)
{
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
    compat_args ca;
    memset(&ca, 0, sizeof ca);
    ca.a = qc_arena_new();
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
        if (ends_with(argv[i], ".yaml") || ends_with(argv[i], ".yml"))
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
