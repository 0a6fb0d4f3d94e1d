/* The report writers of "qapic compat"; see report.h. */
#include "compat/report.h"

#include <stdlib.h>
#include <string.h>

#include "base/json_string.h"
#include "base/visible.h"

static int cmp_sources(const void *pa, const void *pb)
{
    const qc_compat_source *a = pa, *b = pb;
    int c = qc_version_cmp(&a->version, &b->version);
    if (c)
        return c;
    c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->path, b->path);
}

void qc_compat_sort_sources(qc_compat_source *src, size_t n)
{
    qsort(src, n, sizeof *src, cmp_sources);
}

/* --- text from the input ------------------------------------------------------ */

/* Names, paths and details come from rule files, schemas and file names:
 * in the text and TSV formats their control characters (tabs and newlines
 * included, which would break the lines and columns) are made visible; in
 * markdown, the characters that would make markup are escaped too. */

/* A name (a rule id, a source) in text or as markdown code. */
static void put_name(qc_buf *b, const char *s, bool markdown)
{
    if (markdown)
        qc_visible_md_code(b, s);
    else
        qc_visible_puts(b, s);
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

bool qc_compat_counted_failure(const qc_compat_matrix *m, size_t si, size_t ri)
{
    const qc_compat_source *s = &m->src[si];
    return s->results[ri].status != QC_COMPAT_OK
        && qc_rule_in_range(qc_ruleset_get(m->rs, ri), &s->version);
}

/* Failures grouped by rule, status, detail and whether they count, with
 * their sources. */
static void write_problems(qc_buf *b, const qc_compat_matrix *m, bool markdown)
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
                qc_buf_puts(b, markdown ? "- " : "  ");
                put_name(b, r->id, markdown);
                qc_buf_printf(b, ": %s: ", qc_compat_status_name(res->status));
                if (markdown)
                    qc_visible_md_text(b, res->detail);
                else
                    qc_visible_puts(b, res->detail);
                qc_buf_printf(b, "%s\n%s",
                              in ? "" : " (outside the rule's versions: not counted)",
                              markdown ? "  " : "");
                size_t col = 6;
                bool first = true;
                for (size_t sj = si; sj < m->nsrc; sj++) {
                    const qc_compat_result *o = &m->src[sj].results[ri];
                    if (done[sj] || o->status != res->status
                        || qc_rule_in_range(r, &m->src[sj].version) != in
                        || strcmp(o->detail, res->detail))
                        continue;
                    done[sj] = true;
                    size_t len = strlen(m->src[sj].name);
                    if (markdown) {
                        qc_buf_puts(b, first ? "" : ", ");
                        put_name(b, m->src[sj].name, true);
                    } else {
                        if (first || col + len + 2 > 100) {
                            qc_buf_puts(b, first ? "      " : ",\n      ");
                            col = 6;
                        } else {
                            qc_buf_puts(b, ", ");
                            col += 2;
                        }
                        put_name(b, m->src[sj].name, false);
                        col += len;
                    }
                    first = false;
                }
                qc_buf_putc(b, '\n');
            }
    }
    free(done);
}

static void write_text(qc_buf *b, const qc_compat_matrix *m)
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
    for (size_t si = 0; si < m->nsrc; si++) {
        qc_buf_printf(b, "  %*zu  %-8s  ", (int)numw, si + 1,
                      *m->src[si].version_str ? m->src[si].version_str : "?");
        qc_visible_puts(b, m->src[si].path);
        qc_buf_putc(b, '\n');
    }
    qc_buf_putc(b, '\n');
    qc_buf_printf(b, "%-*s", (int)width, "rule");
    for (size_t si = 0; si < m->nsrc; si++)
        qc_buf_printf(b, " %*zu", (int)cellw, si + 1);
    qc_buf_putc(b, '\n');

    size_t ok = 0, failed = 0, outside = 0;
    for (size_t ri = 0; ri < nr; ri++) {
        const char *id = qc_ruleset_get(m->rs, ri)->id;
        qc_visible_puts(b, id);
        qc_buf_indent(b, width - strlen(id));
        for (size_t si = 0; si < m->nsrc; si++) {
            qc_compat_status st = m->src[si].results[ri].status;
            const char *cell = short_status(st);
            char lower[3];
            if (st == QC_COMPAT_OK) {
                ok++;
            } else if (qc_compat_counted_failure(m, si, ri)) {
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

static void write_markdown(qc_buf *b, const qc_compat_matrix *m)
{
    size_t nr = qc_ruleset_size(m->rs);
    qc_buf_puts(b, "| rule |");
    for (size_t si = 0; si < m->nsrc; si++) {
        qc_buf_putc(b, ' ');
        qc_visible_md_text(b, m->src[si].name);
        qc_buf_printf(b, "<br>%s |",
                      *m->src[si].version_str ? m->src[si].version_str : "?");
    }
    qc_buf_puts(b, "\n|---|");
    for (size_t si = 0; si < m->nsrc; si++)
        qc_buf_puts(b, "---|");
    qc_buf_putc(b, '\n');
    for (size_t ri = 0; ri < nr; ri++) {
        qc_buf_puts(b, "| ");
        qc_visible_md_code(b, qc_ruleset_get(m->rs, ri)->id);
        qc_buf_puts(b, " |");
        for (size_t si = 0; si < m->nsrc; si++) {
            qc_compat_status st = m->src[si].results[ri].status;
            const char *name = qc_compat_status_name(st);
            if (st == QC_COMPAT_OK || qc_compat_counted_failure(m, si, ri))
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

/* A field holds no tab or newline of its own: they are shown as \t, \n. */
static void write_tsv_field(qc_buf *b, const char *s)
{
    qc_visible_puts(b, s);
}

static void write_tsv(qc_buf *b, const qc_compat_matrix *m)
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

static void write_json(qc_buf *b, const qc_compat_matrix *m)
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

void qc_compat_write_matrix(qc_buf *b, const qc_compat_matrix *m,
                            qc_report_format fmt)
{
    switch (fmt) {
    case QC_REPORT_TEXT: write_text(b, m); break;
    case QC_REPORT_JSON: write_json(b, m); break;
    case QC_REPORT_MARKDOWN: write_markdown(b, m); break;
    case QC_REPORT_TSV: write_tsv(b, m); break;
    }
}

/* --- recorded calls --------------------------------------------------------- */

void qc_compat_write_violations(qc_buf *b, qc_compat_violation *const *v,
                                size_t n, size_t ncalls, size_t nfiles,
                                qc_report_format fmt)
{
    if (fmt == QC_REPORT_JSON) {
        qc_buf_puts(b, "[");
        for (size_t i = 0; i < n; i++) {
            const qc_compat_violation *x = v[i];
            qc_buf_puts(b, i ? ",\n  {\n" : "\n  {\n");
            json_str_member(b, "file", x->file, false);
            qc_buf_printf(b, "    \"line\": %u,\n    \"column\": %u,\n", x->line, x->col);
            json_str_member(b, "command", x->command ? x->command : "", false);
            json_str_member(b, "rule", x->rule, false);
            json_str_member(b, "code", x->code, false);
            json_str_member(b, "message", x->message, true);
            qc_buf_puts(b, "  }");
        }
        qc_buf_puts(b, n ? "\n]\n" : "]\n");
    } else if (fmt == QC_REPORT_TSV) {
        qc_buf_puts(b, "file\tline\tcolumn\tcommand\trule\tcode\tmessage\n");
        for (size_t i = 0; i < n; i++) {
            const qc_compat_violation *x = v[i];
            write_tsv_field(b, x->file);
            qc_buf_printf(b, "\t%u\t%u\t", x->line, x->col);
            write_tsv_field(b, x->command ? x->command : "");
            qc_buf_putc(b, '\t');
            write_tsv_field(b, x->rule);
            qc_buf_printf(b, "\t%s\t", x->code);
            write_tsv_field(b, x->message);
            qc_buf_putc(b, '\n');
        }
    } else {
        /* The violations themselves went to the diagnostics (stderr) with
         * their locations; a markdown report repeats them. */
        bool md = fmt == QC_REPORT_MARKDOWN;
        for (size_t i = 0; md && i < n; i++) {
            const qc_compat_violation *x = v[i];
            qc_buf where = QC_BUF_INIT;
            qc_buf_printf(&where, "%s:%u:%u", x->file, x->line, x->col);
            qc_buf_puts(b, "- ");
            qc_visible_md_code(b, where.data);
            qc_buf_putc(b, ' ');
            qc_visible_md_code(b, x->rule);
            qc_buf_puts(b, ": ");
            qc_visible_md_text(b, x->message);
            qc_buf_putc(b, '\n');
            qc_buf_free(&where);
        }
        qc_buf_printf(b, "%s%zu call%s checked in %zu file%s: %zu violation%s\n",
                      n && md ? "\n" : "", ncalls, ncalls == 1 ? "" : "s",
                      nfiles, nfiles == 1 ? "" : "s", n,
                      n == 1 ? "" : "s");
    }
}
