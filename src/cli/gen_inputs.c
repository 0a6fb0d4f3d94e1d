/* The rule files and capability dumps of `qapic gen tests`; see
 * gen_inputs.h. */
#include "cli/gen_inputs.h"

#include <string.h>

#include "base/buf.h"
#include "base/path.h"
#include "compat/rules.h"
#include "dumps/replies.h"
#include "dumps/version.h"
#include "syntax/json.h"

/* ---- rules --------------------------------------------------------------- */

static void convert_rule(qc_arena *a, const qc_rule *r, qc_gen_rule *g)
{
    g->id = r->id;
    g->command = r->name;
    g->loc = r->loc;
    qc_gen_rule_group *groups = qc_arena_alloc(a, (r->noneof + 1) *
                                                      sizeof *groups);
    for (size_t i = 0; i < r->noneof; i++) {
        groups[i].n = r->oneof[i].n;
        groups[i].paths = qc_arena_alloc(a, (groups[i].n + 1) * sizeof(char *));
        for (size_t k = 0; k < groups[i].n; k++)
            groups[i].paths[k] = r->oneof[i].paths[k].text;
    }
    g->oneof = groups;
    g->noneof = r->noneof;
    const char **paths = qc_arena_alloc(a, (r->npaths + 1) * sizeof *paths);
    qc_loc *locs = qc_arena_alloc(a, (r->npaths + 1) * sizeof *locs);
    for (size_t k = 0; k < r->npaths; k++) {
        paths[k] = r->paths[k].text;
        locs[k] = r->paths[k].loc;
    }
    g->paths = paths;
    g->path_locs = locs;
    g->npaths = r->npaths;
    g->min_version = r->min.set ? qc_version_str(a, &r->min) : NULL;
}

bool qc_cli_gen_rules(qc_cli *cli, qc_arena *a, const qc_ptrvec *files,
                      qc_gen_rule **rules, size_t *n, bool *usage)
{
    qc_ruleset rs;
    qc_ruleset_init(&rs);
    bool ok = true;
    for (size_t i = 0; i < files->n; i++) {
        int err = 0;
        if (!qc_rules_load(a, cli->diag, files->items[i], &rs, &err)) {
            if (err) {
                qc_cli_io_error(cli, files->items[i], err);
                *usage = true;
            }
            ok = false;
        }
    }
    size_t nr = qc_ruleset_size(&rs);
    *rules = qc_arena_alloc(a, (nr + 1) * sizeof **rules);
    *n = 0;
    for (size_t i = 0; i < nr; i++) {
        const qc_rule *r = qc_ruleset_get(&rs, i);
        if (r->kind == QC_RULE_COMMAND)
            convert_rule(a, r, &(*rules)[(*n)++]);
    }
    return ok;
}

/* ---- capability dumps ------------------------------------------------------ */

/* V (an object) as compact JSON text, without its "id". */
static const char *text_without_id(qc_arena *a, const qc_value *v)
{
    qc_value c = *v;
    qc_member *ms = qc_arena_alloc(a, (qc_obj_len(v) + 1) * sizeof *ms);
    size_t n = 0;
    for (size_t i = 0; i < qc_obj_len(v); i++)
        if (strcmp(v->u.obj.members[i].key, "id"))
            ms[n++] = v->u.obj.members[i];
    qc_value_set_members(a, &c, ms, n);
    qc_buf b = QC_BUF_INIT;
    qc_json_write(&b, &c, 0, 0);
    const char *t = qc_arena_strdup(a, b.data ? b.data : "{}");
    qc_buf_free(&b);
    return t;
}

static const char *compact(qc_arena *a, const qc_value *v)
{
    qc_buf b = QC_BUF_INIT;
    qc_json_write(&b, v, 0, 0);
    const char *t = qc_arena_strdup(a, b.data ? b.data : "null");
    qc_buf_free(&b);
    return t;
}

static void read_dump(qc_arena *a, const char *path, const qc_replies *r,
                      qc_gen_dump *out)
{
    qc_gen_record *recs = qc_arena_alloc(a, (r->n + 1) * sizeof *recs);
    out->name = qc_arena_strdup(a, strrchr(path, '/') ? strrchr(path, '/') + 1
                                                     : path);
    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        if (e->kind != QC_RENTRY_COMMAND || e->role != QC_RROLE_COMMAND ||
            e->pair < 0 || !e->execute || !e->v)
            continue;
        const qc_rentry *rep = &r->e[e->pair];
        if (rep->kind != QC_RENTRY_REPLY || !rep->v)
            continue;
        if (!strcmp(e->execute, "qmp_capabilities"))
            continue;
        const qc_value *ret = qc_obj_get(rep->v, "return");
        if (!out->schema && ret && !strcmp(e->execute, "query-qmp-schema"))
            out->schema = compact(a, ret);
        qc_gen_record *g = &recs[out->n++];
        g->command = e->execute;
        g->request = text_without_id(a, e->v);
        g->reply = text_without_id(a, rep->v);
        g->loc = qc_loc_make(r->src, e->start);
        g->line = qc_source_line(r->src, e->start);
    }
    out->records = recs;
}

bool qc_cli_gen_dumps(qc_cli *cli, qc_arena *a, const qc_ptrvec *files,
                      qc_gen_dump **dumps, size_t *n, bool *usage)
{
    *dumps = qc_arena_alloc(a, (files->n + 1) * sizeof **dumps);
    *n = 0;
    for (size_t i = 0; i < files->n; i++) {
        const char *path = files->items[i];
        int err = 0;
        qc_source *src = qc_source_load(a, path, false, &err);
        if (!src) {
            qc_cli_io_error(cli, path, err);
            *usage = true;
            return false;
        }
        unsigned before = qc_diag_error_count(cli->diag);
        qc_replies *r = qc_replies_read(a, src, true, cli->diag);
        if (qc_diag_error_count(cli->diag) > before)
            return false;
        qc_gen_dump *d = &(*dumps)[(*n)++];
        memset(d, 0, sizeof *d);
        read_dump(a, path, r, d);
    }
    return true;
}
