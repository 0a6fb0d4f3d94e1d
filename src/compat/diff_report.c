/* Writers of qapic diff's reports (diff_report.h). */
#include "compat/diff_report.h"

#include <string.h>

#include "base/visible.h"
#include "syntax/json.h"

/* What a side is, for people and in JSON. */
static const char *kind_text(const qc_diff_side *s, bool json)
{
    static const char *const names[][2] = {
        [QC_DIFF_SRC_DUMP] = { "capability dump", "dump" },
        [QC_DIFF_SRC_INTROSPECTION] = { "introspection", "introspection" },
        [QC_DIFF_SRC_SCHEMA] = { "source schema", "schema" },
    };
    return (unsigned)s->kind < sizeof names / sizeof names[0]
           ? names[s->kind][json] : "";
}

/* "8.1.0", or "" when unknown. */
static void version_text(char *out, size_t size, const qc_diff_side *s)
{
    if (s->version.set)
        snprintf(out, size, "%u.%u.%u", s->version.major, s->version.minor,
                 s->version.micro);
    else
        out[0] = '\0';
}

static void side_details(qc_buf *b, const qc_diff_side *s)
{
    qc_buf_puts(b, kind_text(s, false));
    if (s->kind != QC_DIFF_SRC_SCHEMA)
        return;
    if (s->all_conditions)
        qc_buf_puts(b, ", every condition true: what some build may offer");
    else
        qc_buf_printf(b, ", %zu condition symbol%s defined", s->nsymbols,
                      s->nsymbols == 1 ? "" : "s");
}

static const char *entity_kind(const qc_diff_change *c)
{
    return c->is_event ? "event" : "command";
}

static bool new_entity(const qc_diff_result *r, size_t i)
{
    return i == 0 || strcmp(r->changes[i].entity, r->changes[i - 1].entity)
        || r->changes[i].is_event != r->changes[i - 1].is_event;
}

static void summary_text(qc_buf *b, const qc_diff_result *r)
{
    if (!r->n) {
        qc_buf_puts(b, "no changes\n");
        return;
    }
    qc_buf_printf(b, "%zu change%s in %zu command%s and %zu event%s: ", r->n,
                  r->n == 1 ? "" : "s", r->commands, r->commands == 1 ? "" : "s",
                  r->events, r->events == 1 ? "" : "s");
    qc_buf_printf(b, "%zu breaking, %zu expected, %zu notice%s, %zu compatible\n",
                  r->count[QC_DIFF_BREAKING], r->count[QC_DIFF_EXPECTED],
                  r->count[QC_DIFF_NOTICE], r->count[QC_DIFF_NOTICE] == 1 ? "" : "s",
                  r->count[QC_DIFF_COMPATIBLE]);
}

void qc_diff_write_text(qc_buf *b, const qc_diff_side *old_side,
                        const qc_diff_side *new_side, const qc_diff_result *r)
{
    char vo[64], vn[64];
    version_text(vo, sizeof vo, old_side);
    version_text(vn, sizeof vn, new_side);
    qc_buf_printf(b, "QEMU %s -> QEMU %s\n", *vo ? vo : "(version unknown)",
                  *vn ? vn : "(version unknown)");
    const qc_diff_side *sides[2] = { old_side, new_side };
    for (int s = 0; s < 2; s++) {
        qc_buf_printf(b, "  %s: ", s ? "new" : "old");
        qc_visible_puts(b, sides[s]->path);
        qc_buf_puts(b, " (");
        side_details(b, sides[s]);
        qc_buf_puts(b, ")\n");
    }
    for (size_t i = 0; i < r->n; i++) {
        const qc_diff_change *c = &r->changes[i];
        if (new_entity(r, i)) {
            qc_buf_printf(b, "\n%s ", entity_kind(c));
            qc_visible_puts(b, c->entity);
            qc_buf_putc(b, '\n');
        }
        /* Names from a dump may hold anything: made visible. */
        qc_buf_printf(b, "  %-10s  ", qc_diff_class_name(c->cls));
        qc_visible_puts(b, c->path);
        qc_buf_puts(b, ": ");
        qc_visible_puts(b, c->message);
        qc_buf_putc(b, '\n');
    }
    qc_buf_putc(b, '\n');
    summary_text(b, r);
}

/* --- JSON ---------------------------------------------------------------------- */

static void json_str(qc_buf *b, const char *s)
{
    if (s)
        qc_json_write_string(b, s, strlen(s));
    else
        qc_buf_puts(b, "null");
}

static void json_side(qc_buf *b, const char *key, const qc_diff_side *s)
{
    char v[64];
    version_text(v, sizeof v, s);
    qc_buf_printf(b, "  \"%s\": {\n    \"source\": ", key);
    json_str(b, s->path);
    qc_buf_printf(b, ",\n    \"kind\": \"%s\",\n    \"qemu_version\": ", kind_text(s, true));
    json_str(b, *v ? v : NULL);
    qc_buf_puts(b, ",\n    \"conditions\": ");
    if (s->kind != QC_DIFF_SRC_SCHEMA)
        qc_buf_puts(b, "null");
    else if (s->all_conditions)
        qc_buf_puts(b, "\"all\"");
    else
        qc_buf_printf(b, "{\"symbols\": %zu}", s->nsymbols);
    qc_buf_puts(b, "\n  },\n");
}

static void json_change(qc_buf *b, const qc_diff_change *c, bool last)
{
    qc_buf_puts(b, "    {\n      \"entity\": ");
    json_str(b, c->entity);
    qc_buf_printf(b, ",\n      \"entity_kind\": \"%s\",\n      \"change\": \"%s\","
                     "\n      \"path\": ", entity_kind(c), qc_diff_kind_name(c->kind));
    json_str(b, c->path);
    qc_buf_puts(b, ",\n      \"direction\": ");
    json_str(b, qc_diff_dir_name(c->dir));
    qc_buf_printf(b, ",\n      \"class\": \"%s\",\n      \"message\": ",
                  qc_diff_class_name(c->cls));
    json_str(b, c->message);
    qc_buf_puts(b, last ? "\n    }\n" : "\n    },\n");
}

void qc_diff_write_json(qc_buf *b, const qc_diff_side *old_side,
                        const qc_diff_side *new_side, const qc_diff_result *r)
{
    qc_buf_puts(b, "{\n");
    json_side(b, "old", old_side);
    json_side(b, "new", new_side);
    qc_buf_puts(b, r->n ? "  \"changes\": [\n" : "  \"changes\": [");
    for (size_t i = 0; i < r->n; i++)
        json_change(b, &r->changes[i], i + 1 == r->n);
    qc_buf_puts(b, r->n ? "  ],\n" : "],\n");
    qc_buf_printf(b, "  \"summary\": {\n    \"changes\": %zu,\n    \"commands\": %zu,\n"
                     "    \"events\": %zu", r->n, r->commands, r->events);
    for (int k = 0; k < QC_DIFF_NCLASSES; k++)
        qc_buf_printf(b, ",\n    \"%s\": %zu", qc_diff_class_name((qc_diff_class)k),
                      r->count[k]);
    qc_buf_puts(b, "\n  }\n}\n");
}

/* --- Markdown ------------------------------------------------------------------ */

void qc_diff_write_markdown(qc_buf *b, const qc_diff_side *old_side,
                            const qc_diff_side *new_side,
                            const qc_diff_result *r)
{
    char vo[64], vn[64];
    version_text(vo, sizeof vo, old_side);
    version_text(vn, sizeof vn, new_side);
    qc_buf_printf(b, "# QMP changes from QEMU %s to QEMU %s\n\n"
                     "| side | source | kind | QEMU |\n|---|---|---|---|\n",
                  *vo ? vo : "(version unknown)", *vn ? vn : "(version unknown)");
    const qc_diff_side *sides[2] = { old_side, new_side };
    for (int s = 0; s < 2; s++) {
        qc_buf_printf(b, "| %s | ", s ? "new" : "old");
        qc_visible_md_code(b, sides[s]->path);
        qc_buf_puts(b, " | ");
        side_details(b, sides[s]);
        qc_buf_printf(b, " | %s |\n", *(s ? vn : vo) ? (s ? vn : vo) : "?");
    }
    for (size_t i = 0; i < r->n; i++) {
        const qc_diff_change *c = &r->changes[i];
        if (new_entity(r, i)) {
            qc_buf_printf(b, "\n## %s ", entity_kind(c));
            qc_visible_md_code(b, c->entity);
            qc_buf_puts(b, "\n\n| class | direction | path | change |\n"
                           "|---|---|---|---|\n");
        }
        const char *dir = qc_diff_dir_name(c->dir);
        qc_buf_printf(b, "| %s | %s | ", qc_diff_class_name(c->cls), dir ? dir : "");
        qc_visible_md_code(b, c->path);
        qc_buf_puts(b, " | ");
        qc_visible_md_text(b, c->message);
        qc_buf_puts(b, " |\n");
    }
    qc_buf_puts(b, "\n**Summary:** ");
    summary_text(b, r);
}
