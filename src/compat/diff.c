/* qapic diff: the walk from each command and event (diff.h).  The pairs of
 * corresponding types are compared once (diff_types.c); then each command
 * and event walks that graph breadth first from its roots, with its
 * direction, reporting every change it reaches at the shortest path and
 * classifying it there (diff_rules.c). */
#include "compat/diff_graph.h"

#include <stdlib.h>

#include "base/buf.h"
#include "syntax/json.h"

/* --- the walk ------------------------------------------------------------------ */

/* Union branch changes say all about the tag values they come with. */
static bool covered_by_branch(const visit *v, const lchange *c)
{
    if (!v->tag_union || (c->kind != QC_DIFF_VALUE_ADDED
                          && c->kind != QC_DIFF_VALUE_REMOVED))
        return false;
    qc_diff_kind want = c->kind == QC_DIFF_VALUE_ADDED ? QC_DIFF_BRANCH_ADDED
                                                       : QC_DIFF_BRANCH_REMOVED;
    const qc_ptrvec *cs = &v->tag_union->changes;
    for (size_t i = 0; i < cs->n; i++) {
        const lchange *b = cs->items[i];
        if (b->kind == want && !strcmp(b->name, c->name))
            return true;
    }
    return false;
}

static void report_change(differ *dx, const walk *w, const visit *v,
                          const lchange *c)
{
    if (covered_by_branch(v, c))
        return;
    const char *path = join(dx, v->path, c->suffix);
    if ((c->flags & F_TYPE) && !v->after_member)
        path = join(dx, path, qc_arena_printf(dx->a, "$%s", c->name));
    verdict vd = qc_diff_classify(c, w->dir, v->unstable);
    const char *msg = qc_diff_message(dx, w, v, c);
    qc_diff_change *ch = qc_arena_alloc(dx->a, sizeof *ch);
    ch->entity = w->entity;
    ch->is_event = w->is_event;
    ch->kind = c->kind;
    ch->path = path;
    ch->dir = w->dir;
    ch->cls = vd.cls;
    ch->message = vd.note ? qc_arena_printf(dx->a, "%s (%s)", msg, vd.note) : msg;
    qc_ptrvec_push(dx->a, &dx->out, ch);
}

/* Marks the visit of P in context UNSTABLE; false if it was visited
 * already in this walk (a stable visit also covers an unstable one). */
static bool mark(differ *dx, pair *p, bool unstable)
{
    if (p->seen[0] == dx->stamp || (unstable && p->seen[1] == dx->stamp))
        return false;
    p->seen[unstable] = dx->stamp;
    return true;
}

/* Breadth first from ROOT, so that each change is found at its shortest
 * path; clean subgraphs are not entered. */
static void walk_from(differ *dx, const walk *w, pair *root, const char *path,
                      bool unstable)
{
    if (!root->dirty)
        return;
    dx->stamp++;
    qc_ptrvec queue = { NULL, 0, 0 };
    visit *first = qc_arena_alloc(dx->a, sizeof *first);
    *first = (visit){ root, path, false, unstable, 0, NULL };
    mark(dx, root, unstable);
    qc_ptrvec_push(dx->a, &queue, first);
    for (size_t head = 0; head < queue.n; head++) {
        const visit *v = queue.items[head];
        for (size_t i = 0; i < v->p->changes.n; i++)
            report_change(dx, w, v, v->p->changes.items[i]);
        for (size_t i = 0; i < v->p->edges.n; i++) {
            const edge *e = v->p->edges.items[i];
            bool u = v->unstable || e->unstable;
            /* A tag enum is a leaf, visited once per union (its value
             * changes are filtered against that union's branches). */
            bool tag_leaf = e->tag && !e->to->edges.n;
            if (!e->to->dirty || (!tag_leaf && !mark(dx, e->to, u)))
                continue;
            visit *nv = qc_arena_alloc(dx->a, sizeof *nv);
            *nv = (visit){ e->to, join(dx, v->path, e->suffix),
                           e->pos == POS_INHERIT ? v->after_member
                                                 : e->pos == POS_MEMBER,
                           u, v->depth + (e->pos == POS_MEMBER),
                           tag_leaf ? v->p : NULL };
            qc_ptrvec_push(dx->a, &queue, nv);
        }
    }
}

/* Pairs from which a change can be reached: a fixpoint, since the graph
 * may have cycles.  Children are created after their parents, so going
 * backwards settles most in one round. */
static void mark_dirty(differ *dx)
{
    for (size_t i = 0; i < dx->all.n; i++) {
        pair *p = dx->all.items[i];
        p->dirty = p->changes.n > 0;
    }
    for (bool again = true; again;) {
        again = false;
        for (size_t i = dx->all.n; i-- > 0;) {
            pair *p = dx->all.items[i];
            for (size_t k = 0; !p->dirty && k < p->edges.n; k++)
                if (((const edge *)p->edges.items[k])->to->dirty)
                    p->dirty = again = true;
        }
    }
}

/* --- commands and events ----------------------------------------------------- */

typedef struct entity {
    const char *name;
    bool is_event;
    pair local;            /* the entity's own changes (not in the graph) */
    pair *args, *rets;     /* roots; NULL when added, removed or absent */
    bool unstable;
} entity;

static bool is_entity(const qc_value *e)
{
    const char *meta = meta_of(e);
    return str_eq(meta, "command") || str_eq(meta, "event");
}

static bool flag_of(const qc_value *e, const char *key)
{
    const qc_value *v = qc_obj_get(e, key);
    return v && v->kind == QC_VBOOL && v->u.b;
}

static const char *compact_json(differ *dx, const qc_value *v)
{
    if (!v)
        return "absent";
    qc_buf b = QC_BUF_INIT;
    qc_json_write(&b, v, 0, 0);
    const char *s = qc_arena_strdup(dx->a, b.data ? b.data : "");
    qc_buf_free(&b);
    return s;
}

/* Keys of a command or event other than those compared structurally:
 * allow-oob (losing it breaks a client that uses out-of-band execution)
 * and whatever later QEMU releases may add. */
static void diff_entity_keys(differ *dx, entity *en, const qc_value *o,
                             const qc_value *n)
{
    static const char *const known[] = { "name", "meta-type", "arg-type",
                                         "ret-type", "features" };
    const qc_value *sides[2] = { o, n };
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < qc_obj_len(sides[s]); i++) {
            const char *key = sides[s]->u.obj.members[i].key;
            bool skip = false;
            for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
                skip |= !strcmp(key, known[k]);
            /* A key both have is looked at once, from the old side. */
            if (skip || (s == 1 && qc_obj_get(o, key)))
                continue;
            const qc_value *vo = qc_obj_get(o, key), *vn = qc_obj_get(n, key);
            bool oob = !strcmp(key, "allow-oob");
            if (oob ? flag_of(o, key) == flag_of(n, key)
                    : vo && vn && qc_value_equal(vo, vn, true))
                continue;
            unsigned flags = !oob ? 0 : flag_of(o, key) ? F_FLAG_LOST : F_FLAG_GAINED;
            lchange *c = qc_diff_add_change(dx, &en->local, QC_DIFF_FLAG_CHANGED,
                                            "", key, flags | status_flags(o));
            c->detail = qc_arena_printf(dx->a, "from %s to %s",
                                        compact_json(dx, vo), compact_json(dx, vn));
        }
}

/* O and N: the command or event NAME in each schema (NULL: absent; a
 * command that became an event is two entities). */
static void diff_entity(differ *dx, entity *en, const qc_value *o,
                        const qc_value *n)
{
    en->is_event = str_eq(meta_of(o ? o : n), "event");
    if (!o || !n) {
        if (o)
            qc_diff_add_change(dx, &en->local, QC_DIFF_ENTITY_REMOVED, "",
                               en->name, status_flags(o));
        else
            qc_diff_add_change(dx, &en->local, QC_DIFF_ENTITY_ADDED, "",
                               en->name, 0);
        return;
    }
    en->unstable = is_unstable(o);
    qc_diff_features(dx, &en->local, o, n, "", OWN_ENTITY, NULL);
    diff_entity_keys(dx, en, o, n);
    en->args = qc_diff_pair(dx, type_at(dx->os, o, "arg-type"),
                            type_at(dx->ns, n, "arg-type"));
    if (!en->is_event)
        en->rets = qc_diff_pair(dx, type_at(dx->os, o, "ret-type"),
                                type_at(dx->ns, n, "ret-type"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names of all commands and events of both schemas, sorted, once. */
static const char **entity_names(differ *dx, size_t *n)
{
    size_t total = qc_ischema_size(dx->os) + qc_ischema_size(dx->ns), k = 0;
    const char **names = qc_arena_alloc(dx->a, (total + 1) * sizeof *names);
    const qc_ischema *sides[2] = { dx->os, dx->ns };
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < qc_ischema_size(sides[s]); i++) {
            const qc_value *e = qc_ischema_entry(sides[s], i);
            if (is_entity(e))
                names[k++] = qc_obj_get_str(e, "name");
        }
    qsort(names, k, sizeof *names, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || strcmp(names[u - 1], names[i]))
            names[u++] = names[i];
    *n = u;
    return names;
}

static int cmp_change(const void *pa, const void *pb)
{
    const qc_diff_change *a = *(const qc_diff_change *const *)pa;
    const qc_diff_change *b = *(const qc_diff_change *const *)pb;
    int c = strcmp(a->entity, b->entity);
    if (!c)
        c = strcmp(a->path, b->path);
    if (!c)
        c = (int)a->kind - (int)b->kind;
    if (!c)
        c = (int)a->dir - (int)b->dir;
    return c ? c : strcmp(a->message, b->message);
}

static void report_entity(differ *dx, entity *en)
{
    walk w = { en->name, en->is_event, QC_DIFF_NO_DIRECTION };
    visit top = { &en->local, en->name, false, en->unstable, 0, NULL };
    for (size_t i = 0; i < en->local.changes.n; i++)
        report_change(dx, &w, &top, en->local.changes.items[i]);
    if (en->args) {
        w.dir = en->is_event ? QC_DIFF_OUTPUT : QC_DIFF_INPUT;
        walk_from(dx, &w, en->args,
                  qc_arena_printf(dx->a, "%s/arg-type", component(dx, en->name)),
                  en->unstable);
    }
    if (en->rets) {
        w.dir = QC_DIFF_OUTPUT;
        walk_from(dx, &w, en->rets,
                  qc_arena_printf(dx->a, "%s/ret-type", component(dx, en->name)),
                  en->unstable);
    }
}

static qc_diff_result *collect_result(differ *dx)
{
    qc_diff_result *r = qc_arena_alloc(dx->a, sizeof *r);
    if (dx->out.n > 1)
        qsort(dx->out.items, dx->out.n, sizeof *dx->out.items, cmp_change);
    r->n = dx->out.n;
    r->changes = qc_arena_alloc(dx->a, (r->n + 1) * sizeof *r->changes);
    for (size_t i = 0; i < r->n; i++) {
        const qc_diff_change *c = dx->out.items[i];
        r->changes[i] = *c;
        r->count[c->cls]++;
        if (i == 0 || strcmp(c->entity, r->changes[i - 1].entity)
            || c->is_event != r->changes[i - 1].is_event) {
            if (c->is_event)
                r->events++;
            else
                r->commands++;
        }
    }
    return r;
}

qc_diff_result *qc_diff(qc_arena *a, const qc_ischema *old_s,
                        const qc_ischema *new_s)
{
    differ dx = { 0 };
    dx.a = a;
    dx.os = old_s;
    dx.ns = new_s;
    dx.pairs = qc_hashmap_new_sized(a, 4096);

    size_t n;
    const char **names = entity_names(&dx, &n);
    entity *ens = qc_arena_alloc(a, (2 * n + 1) * sizeof *ens);
    size_t ne = 0;
    for (size_t i = 0; i < n; i++) {
        const qc_value *o = qc_ischema_lookup(old_s, names[i]);
        const qc_value *nw = qc_ischema_lookup(new_s, names[i]);
        o = is_entity(o) ? o : NULL;
        nw = is_entity(nw) ? nw : NULL;
        bool same = o && nw && str_eq(meta_of(o), meta_of(nw));
        ens[ne].name = names[i];
        diff_entity(&dx, &ens[ne++], o, same || !o ? nw : NULL);
        if (o && nw && !same) {
            ens[ne].name = names[i];
            diff_entity(&dx, &ens[ne++], NULL, nw);
        }
    }
    qc_diff_compare_pairs(&dx);
    mark_dirty(&dx);
    for (size_t i = 0; i < ne; i++)
        report_entity(&dx, &ens[i]);
    return collect_result(&dx);
}

const char *qc_diff_class_name(qc_diff_class c)
{
    static const char *const names[] = { "breaking", "expected", "notice",
                                         "compatible" };
    return (unsigned)c < QC_DIFF_NCLASSES ? names[c] : "?";
}

const char *qc_diff_dir_name(qc_diff_dir d)
{
    return d == QC_DIFF_INPUT ? "input" : d == QC_DIFF_OUTPUT ? "output" : NULL;
}

const char *qc_diff_kind_name(qc_diff_kind k)
{
    static const char *const names[] = {
        "entity-added", "entity-removed", "member-added", "member-removed",
        "made-optional", "made-mandatory", "type-changed", "enum-value-added",
        "enum-value-removed", "branch-added", "branch-removed",
        "alternative-added", "alternative-removed", "feature-added",
        "feature-removed", "flag-changed",
    };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}
