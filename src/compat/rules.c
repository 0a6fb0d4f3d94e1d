/* Loading client compatibility rule files: the rules read from the tree
 * of their YAML (compat/yaml_tree.h), whose nodes keep byte offsets into
 * a qc_source holding the same text, so that problems are reported like
 * any other located diagnostic. */
#include "compat/rules.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/hashmap.h"
#include "base/visible.h"
#include "compat/yaml_tree.h"
#include "dumps/query.h"
#include "schema/naming.h"

/* --- small types --------------------------------------------------------- */

static const struct {
    const char *name;
    qc_jtype t;
} jtype_names[] = {
    { "any", QC_JT_ANY },         { "value", QC_JT_ANY },
    { "string", QC_JT_STRING },   { "str", QC_JT_STRING },
    { "integer", QC_JT_INTEGER }, { "int", QC_JT_INTEGER },
    { "number", QC_JT_NUMBER },
    { "boolean", QC_JT_BOOLEAN }, { "bool", QC_JT_BOOLEAN },
    { "null", QC_JT_NULL },
    { "object", QC_JT_OBJECT },
    { "array", QC_JT_ARRAY },
};

const char *qc_jtype_name(qc_jtype t)
{
    switch (t) {
    case QC_JT_ANY: return "any";
    case QC_JT_STRING: return "string";
    case QC_JT_INTEGER: return "integer";
    case QC_JT_NUMBER: return "number";
    case QC_JT_BOOLEAN: return "boolean";
    case QC_JT_NULL: return "null";
    case QC_JT_OBJECT: return "object";
    case QC_JT_ARRAY: return "array";
    }
    return "?";
}

bool qc_jtype_parse(const char *s, qc_jtype *t)
{
    for (size_t i = 0; i < sizeof jtype_names / sizeof jtype_names[0]; i++)
        if (!strcmp(s, jtype_names[i].name)) {
            *t = jtype_names[i].t;
            return true;
        }
    return false;
}

bool qc_rule_in_range(const qc_rule *r, const qc_version *v)
{
    if (!v->set)
        return true;
    if (r->min.set && qc_version_cmp(v, &r->min) < 0)
        return false;
    if (r->max.set && qc_version_cmp(v, &r->max) > 0)
        return false;
    return true;
}

void qc_ruleset_init(qc_ruleset *rs)
{
    memset(rs, 0, sizeof *rs);
}

/* --- the loader ---------------------------------------------------------- */

typedef qc_yt_node node;

/* First appearances of names (keys of a large mapping, rule ids), in a
 * table sized once for at most N names: open addressing over indexes
 * the caller gives (from 1: 0 is a free slot) and turns back into names
 * with NAME_OF; 4 bytes a slot where a qc_hashmap takes 24, and freed
 * when done. */
typedef struct loader loader;
typedef struct first_table {
    uint32_t *slots;
    size_t mask;
    const char *(*name_of)(loader *L, uint32_t i);
} first_table;

struct loader {
    qc_arena *a;
    qc_diag *d;
    const qc_source *src;
    const qc_yt_tree *t;
    qc_ruleset *rs;
    const char *client;
    bool ok;
    first_table ids;          /* the rule ids of this file... */
    const qc_rule **id_rules; /* ... by index - 1 */
    uint32_t nids;
};

/* P, an allocation that cannot fail for the run to go on. */
static void *needed(void *p)
{
    if (!p) {
        fputs("qapic: out of memory\n", stderr);
        abort();
    }
    return p;
}

static qc_loc node_loc(loader *L, const node *n)
{
    return qc_loc_make(L->src, n->off);
}

/* The node at index I (an item of a collection), an alias resolved. */
static const node *get_node(loader *L, uint32_t i)
{
    return qc_yt_get(L->t, i);
}

static const char *text_of(loader *L, const node *n)
{
    return qc_yt_text(L->t, n);
}

/* The items of collection N, by index: for (i = first_item(N); i; i = next_item(L, i)). */
static uint32_t first_item(const node *n)
{
    return n->kind == QC_YT_SEQUENCE || n->kind == QC_YT_MAPPING ? n->data : 0;
}

static uint32_t next_item(loader *L, uint32_t i)
{
    return L->t->nodes[i].next;
}

static bool is_null(loader *L, const node *n)
{
    if (n->kind != QC_YT_SCALAR || !n->plain)
        return false;
    const char *s = text_of(L, n);
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null")
        || !strcmp(s, "NULL");
}

static const char *describe(loader *L, const node *n)
{
    if (n->kind == QC_YT_MAPPING)
        return "a mapping";
    if (n->kind == QC_YT_SEQUENCE)
        return "a list";
    if (is_null(L, n))
        return "nothing (null)";
    return "a string";
}

#define ERR(L, loc, code, ...) \
    ((L)->ok = false, qc_error((L)->d, (loc), (code), __VA_ARGS__))

static void wrong_type(loader *L, const node *n, const char *what,
                       const char *want)
{
    ERR(L, node_loc(L, n), "rules-wrong-type", "%s must be %s, not %s", what,
        want, describe(L, n));
}

/* False after reporting that scalar N holds a NUL character ("\0" in a
 * double-quoted string), which would cut it short everywhere after. */
static bool no_nul(loader *L, const node *n, const char *what)
{
    if (!memchr(text_of(L, n), 0, n->n))
        return true;
    ERR(L, node_loc(L, n), "rules-nul-character",
        "%s holds a NUL character (\\0), which no name or path can hold", what);
    return false;
}

/* The text of scalar N (arena copy: the tree goes once the rules are
 * read), or NULL after reporting that WHAT must be a string. */
static const char *get_string(loader *L, const node *n, const char *what)
{
    if (n->kind != QC_YT_SCALAR || is_null(L, n)) {
        wrong_type(L, n, what, "a string");
        return NULL;
    }
    if (!no_nul(L, n, what))
        return NULL;
    return qc_arena_strndup(L->a, text_of(L, n), n->n);
}

/* Iterates the pairs of mapping N, checking that keys are strings, known
 * (KEYS, NULL-terminated) and not repeated.  Calls FN for each good pair;
 * KEY is valid only during the call. */
typedef void (*pair_fn)(loader *L, void *ctx, const char *key,
                        const node *knode, const node *vnode);

static void first_table_init(first_table *ft, size_t n,
                             const char *(*name_of)(loader *, uint32_t))
{
    size_t cap = 8;
    while (cap < 2 * n)
        cap *= 2;
    ft->slots = needed(calloc(cap, sizeof *ft->slots));
    ft->mask = cap - 1;
    ft->name_of = name_of;
}

/* The index of NAME's first appearance; 0 when this is it, which I
 * then becomes. */
static uint32_t first_appearance(loader *L, first_table *ft, const char *name,
                                 uint32_t i)
{
    size_t h = qc_hash_str(name) & ft->mask;
    for (; ft->slots[h]; h = (h + 1) & ft->mask)
        if (!strcmp(ft->name_of(L, ft->slots[h]), name))
            return ft->slots[h];
    ft->slots[h] = i;
    return 0;
}

static const char *key_name(loader *L, uint32_t i)
{
    return text_of(L, get_node(L, i));
}

/* The key before index KI in mapping N that is KEY, or NULL.  Small
 * mappings (rules) are searched; a large one goes through SEEN, which
 * then records KI.  By index, not node: an alias may make two keys one
 * node. */
static const node *earlier_key(loader *L, const node *n, uint32_t ki,
                               const char *key, first_table *seen)
{
    if (seen) {
        uint32_t first = first_appearance(L, seen, key, ki);
        return first ? get_node(L, first) : NULL;
    }
    for (uint32_t i = first_item(n); i != ki; i = next_item(L, next_item(L, i))) {
        const node *k2 = get_node(L, i);
        if (k2->kind == QC_YT_SCALAR && !is_null(L, k2) && !strcmp(text_of(L, k2), key))
            return k2;
    }
    return NULL;
}

/* False after reporting that KEY is none of KEYS (NULL-terminated). */
static bool known_key(loader *L, const node *k, const char *key,
                      const char *const *keys, const char *where)
{
    size_t i;
    for (i = 0; keys[i]; i++)
        if (!strcmp(keys[i], key))
            return true;
    qc_buf b = QC_BUF_INIT;
    for (i = 0; keys[i]; i++)
        qc_buf_printf(&b, "%s%s", i ? ", " : "", keys[i]);
    ERR(L, node_loc(L, k), "rules-unknown-key",
        "unknown key '%s' %s (known keys: %s)", key, where, b.data);
    qc_buf_free(&b);
    return false;
}

static void each_pair(loader *L, const node *n, const char *const *keys,
                      const char *where, pair_fn fn, void *ctx)
{
    first_table table, *seen = NULL;
    if (n->n / 2 > 16) {
        first_table_init(&table, n->n / 2, key_name);
        seen = &table;
    }
    for (uint32_t ki = first_item(n), vi; ki; ki = next_item(L, vi)) {
        vi = next_item(L, ki);
        const node *k = get_node(L, ki), *v = get_node(L, vi);
        if (k->kind != QC_YT_SCALAR) {
            wrong_type(L, k, "a key", "a string");
            continue;
        }
        const char *key = text_of(L, k);
        /* "{~: string}" is a null key, not a member named '~'. */
        if (is_null(L, k)) {
            ERR(L, node_loc(L, k), "rules-null-key",
                "a key must be a string, not YAML's null%s%s%s (quote it for a string)",
                *key ? " ('" : "", key, *key ? "')" : "");
            continue;
        }
        if (!no_nul(L, k, "a key"))
            continue;
        const node *first = earlier_key(L, n, ki, key, seen);
        if (first) {
            qc_diagnostic *dg = ERR(L, node_loc(L, k), "rules-duplicate-key",
                                    "key '%s' appears twice %s", key, where);
            qc_diag_note(dg, node_loc(L, first), NULL, NULL,
                         "first appearance of '%s'", key);
            continue;
        }
        if (keys && !known_key(L, k, key, keys, where))
            continue;
        fn(L, ctx, key, k, v);
    }
    if (seen)
        free(table.slots);
}

/* --- member paths -------------------------------------------------------- */

/* Whether path component C names what a QEMU schema can name: a member,
 * or after '+' and '^' an enum value (a tag value), which may begin with
 * a digit.  QEMU's own rule (check_name_str), so that "~", a YAML null
 * spelled as a string, is refused as QEMU refuses it. */
static bool qapi_name(qc_arena *a, const char *c)
{
    if (c[0] != '+' && c[0] != '^')
        return qc_name_stem(c) != NULL;
    c++;
    if (*c >= '0' && *c <= '9')
        c = qc_arena_printf(a, "d%s", c);
    return qc_name_stem(c) != NULL;
}

static bool parse_path(loader *L, const node *n, const char *text,
                       qc_jtype type, qc_rule_path *out)
{
    qc_loc loc = node_loc(L, n);
    size_t ncomp = 1;
    for (const char *p = text; *p; p++)
        if (*p == '/')
            ncomp++;
    /* A path of one component, most of them, is its own component: its
     * list is its text field (OUT stays where it is, in the rule). */
    const char **comps = ncomp == 1 ? &out->text
                                    : qc_arena_alloc(L->a, ncomp * sizeof *comps);
    const char *s = text;
    for (size_t i = 0; i < ncomp; i++) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        const char *c = comps[i] = ncomp == 1 ? text : qc_arena_strndup(L->a, s, len);
        const char *name = (c[0] == '+' || c[0] == '^') ? c + 1 : c;
        if (!*name) {
            ERR(L, loc, "rules-bad-path", "member path '%s': component %zu is empty",
                text, i + 1);
            return false;
        }
        if (strchr("$!*", name[0]) || strchr("+^", name[0])) {
            ERR(L, loc, "rules-bad-path",
                "member path '%s': component '%s' is not a member name, "
                "'+branch' or '^value'", text, c);
            return false;
        }
        if (!qapi_name(L->a, c)) {
            ERR(L, loc, "rules-bad-path",
                "member path '%s': '%s' is not a QAPI name: QEMU's names begin "
                "with a letter (or a downstream '__RFQDN_' prefix) and hold "
                "only ASCII letters, digits, '-' and '_'%s", text, name,
                c == name ? "" : "; enum values may begin with a digit");
            return false;
        }
        if (c[0] == '^' && i + 1 < ncomp) {
            ERR(L, loc, "rules-bad-path",
                "member path '%s': the enum value '%s' must be the last component",
                text, c);
            return false;
        }
        if (c[0] == '+' && i + 1 == ncomp && type != QC_JT_ANY) {
            ERR(L, loc, "rules-bad-path",
                "member path '%s': a union branch has no JSON type of its own",
                text);
            return false;
        }
        s = e ? e + 1 : s + len;
    }
    out->text = text;
    out->comps = comps;
    out->ncomps = ncomp;
    out->type = type;
    out->loc = loc;
    return true;
}

/* A single path string N. */
static bool path_from_scalar(loader *L, const node *n, const char *what,
                             qc_rule_path *out)
{
    const char *s = get_string(L, n, what);
    return s && parse_path(L, n, s, QC_JT_ANY, out);
}

/* "arguments"/"members": a list of paths, or a mapping path -> JSON type. */
typedef struct paths_ctx {
    qc_rule_path *paths;
    size_t n;
} paths_ctx;

static void path_type_pair(loader *L, void *vctx, const char *key,
                           const node *knode, const node *vnode)
{
    paths_ctx *pc = vctx;
    qc_jtype t = QC_JT_ANY;
    if (!is_null(L, vnode)) {
        const char *ts = get_string(L, vnode, "a JSON type");
        if (!ts)
            return;
        if (!qc_jtype_parse(ts, &t)) {
            ERR(L, node_loc(L, vnode), "rules-bad-json-type",
                "'%s' is not a JSON type (use string, integer, number, boolean, "
                "null, object, array or any)", ts);
            return;
        }
    }
    if (parse_path(L, knode, qc_arena_strdup(L->a, key), t, &pc->paths[pc->n]))
        pc->n++;
}

static void load_paths(loader *L, const node *n, const char *key,
                       qc_rule_path **paths, size_t *np)
{
    paths_ctx pc = { NULL, 0 };
    if (n->kind == QC_YT_SEQUENCE) {
        size_t cnt = n->n;
        pc.paths = qc_arena_alloc(L->a, (cnt + 1) * sizeof *pc.paths);
        for (uint32_t it = first_item(n); it; it = next_item(L, it)) {
            const node *e = get_node(L, it);
            if (path_from_scalar(L, e, "a member path", &pc.paths[pc.n]))
                pc.n++;
        }
    } else if (n->kind == QC_YT_MAPPING) {
        size_t cnt = n->n / 2;
        pc.paths = qc_arena_alloc(L->a, (cnt + 1) * sizeof *pc.paths);
        each_pair(L, n, NULL, qc_arena_printf(L->a, "in '%s'", key),
                  path_type_pair, &pc);
    } else {
        wrong_type(L, n, qc_arena_printf(L->a, "'%s'", key),
                   "a list of member paths or a mapping of member paths to JSON types");
        return;
    }
    *paths = pc.paths;
    *np = pc.n;
}

static void load_oneof(loader *L, const node *n, qc_rule *r)
{
    if (n->kind != QC_YT_SEQUENCE) {
        wrong_type(L, n, "'one-of'", "a list of groups of member paths");
        return;
    }
    size_t cnt = n->n;
    if (cnt == 0) {
        ERR(L, node_loc(L, n), "rules-wrong-type", "'one-of' must list at least one group");
        return;
    }
    r->oneof = qc_arena_alloc(L->a, cnt * sizeof *r->oneof);
    for (uint32_t it = first_item(n); it; it = next_item(L, it)) {
        const node *g = get_node(L, it);
        qc_rule_group *grp = &r->oneof[r->noneof];
        grp->loc = node_loc(L, g);
        if (g->kind == QC_YT_SCALAR && !is_null(L, g)) {
            /* A lone path is a group of one. */
            grp->paths = qc_arena_alloc(L->a, sizeof *grp->paths);
            if (path_from_scalar(L, g, "a member path", grp->paths)) {
                grp->n = 1;
                r->noneof++;
            }
            continue;
        }
        if (g->kind != QC_YT_SEQUENCE) {
            wrong_type(L, g, "a 'one-of' group", "a list of member paths");
            continue;
        }
        size_t gn = g->n;
        if (gn == 0) {
            ERR(L, grp->loc, "rules-wrong-type", "a 'one-of' group must not be empty");
            continue;
        }
        grp->paths = qc_arena_alloc(L->a, gn * sizeof *grp->paths);
        for (uint32_t jt = first_item(g); jt; jt = next_item(L, jt)) {
            const node *e = get_node(L, jt);
            if (path_from_scalar(L, e, "a member path", &grp->paths[grp->n]))
                grp->n++;
        }
        if (grp->n == gn)
            r->noneof++;
    }
}

static void add_query(loader *L, qc_rule *r, const node *n, size_t cap)
{
    const char *q = get_string(L, n, "a query");
    const char *why = NULL;
    if (!q)
        return;
    if (!qc_query_syntax_ok(L->a, q, &why)) {
        ERR(L, node_loc(L, n), "rules-bad-query", "malformed query '%s': %s", q,
            why ? why : "bad syntax");
        return;
    }
    if (!r->queries) {
        r->queries = qc_arena_alloc(L->a, cap * sizeof *r->queries);
        r->query_locs = qc_arena_alloc(L->a, cap * sizeof *r->query_locs);
    }
    r->queries[r->nqueries] = q;
    r->query_locs[r->nqueries++] = node_loc(L, n);
}

static void load_version(loader *L, const node *n, const char *key,
                         qc_version *v)
{
    const char *s = get_string(L, n, qc_arena_printf(L->a, "'%s'", key));
    if (s && !qc_version_parse(s, v))
        ERR(L, node_loc(L, n), "rules-bad-version",
            "'%s' must be a QEMU version like 9.1 or 9.1.0, not '%s'", key, s);
}

static void load_allow_item(loader *L, qc_rule *r, const node *n)
{
    const char *s = get_string(L, n, "an 'allow' entry");
    if (!s)
        return;
    if (!strcmp(s, "deprecated"))
        r->allow_deprecated = true;
    else if (!strcmp(s, "unstable"))
        r->allow_unstable = true;
    else
        ERR(L, node_loc(L, n), "rules-bad-value",
            "'allow' takes 'deprecated' and 'unstable', not '%s'", s);
}

/* Rule ids label the rows and cells of every report: non-empty, and
 * nothing that could break a line, a column or a table cell, or act on a
 * terminal (control characters, bidirectional controls). */
static bool valid_id(loader *L, const node *n, const char *id)
{
    const char *why = NULL;
    if (!*id)
        why = "is empty";
    else if (strchr(id, '|'))
        why = "holds '|'";
    else if (strchr(id, '\t'))
        why = "holds a tab";
    else if (strchr(id, '\n') || strchr(id, '\r'))
        why = "holds a line break";
    else if (!qc_visible_is_plain(id, strlen(id)))
        why = "holds a control character";
    if (why)
        ERR(L, node_loc(L, n), "rules-bad-id",
            "rule id '%s' %s; ids are printable text without '|', tabs or line breaks",
            id, why);
    return !why;
}

/* Where each key of a rule was seen, for conflicts and missing keys. */
typedef struct rule_ctx {
    qc_rule *r;
    const node *id, *command, *event, *query, *arguments, *members, *oneof;
    const node *minv, *maxv;
} rule_ctx;

static void rule_pair(loader *L, void *vctx, const char *key,
                      const node *knode, const node *v)
{
    rule_ctx *rc = vctx;
    qc_rule *r = rc->r;
    (void)knode;

    if (!strcmp(key, "id")) {
        rc->id = v;
        r->id = get_string(L, v, "'id'");
        r->loc = node_loc(L, v);
        if (r->id && !valid_id(L, v, r->id))
            r->id = NULL;
    } else if (!strcmp(key, "description")) {
        r->description = get_string(L, v, "'description'");
    } else if (!strcmp(key, "command") || !strcmp(key, "event")) {
        bool cmd = key[0] == 'c';
        if (cmd)
            rc->command = v;
        else
            rc->event = v;
        r->name = get_string(L, v, qc_arena_printf(L->a, "'%s'", key));
        r->name_loc = node_loc(L, v);
    } else if (!strcmp(key, "query")) {
        rc->query = v;
        if (v->kind == QC_YT_SEQUENCE) {
            size_t cnt = v->n;
            if (cnt == 0)
                ERR(L, node_loc(L, v), "rules-wrong-type",
                    "'query' must list at least one query");
            for (uint32_t it = first_item(v); it; it = next_item(L, it)) {
                const node *e = get_node(L, it);
                add_query(L, r, e, cnt);
            }
        } else if (v->kind == QC_YT_SCALAR && !is_null(L, v)) {
            add_query(L, r, v, 1);
        } else {
            wrong_type(L, v, "'query'", "a query string or a list of them");
        }
    } else if (!strcmp(key, "arguments") || !strcmp(key, "members")) {
        if (key[0] == 'a')
            rc->arguments = v;
        else
            rc->members = v;
        load_paths(L, v, key, &r->paths, &r->npaths);
    } else if (!strcmp(key, "one-of")) {
        rc->oneof = v;
        load_oneof(L, v, r);
    } else if (!strcmp(key, "min-version")) {
        rc->minv = v;
        load_version(L, v, key, &r->min);
    } else if (!strcmp(key, "max-version")) {
        rc->maxv = v;
        load_version(L, v, key, &r->max);
        /* "X.Y" as a maximum covers the stable releases X.Y.Z, not the
         * X.Y.50 development snapshots (and X.Y.9x release candidates)
         * that lead to the next release. */
        const char *mv = v->kind == QC_YT_SCALAR
                         ? text_of(L, v) : NULL;
        const char *dot = mv ? strchr(mv, '.') : NULL;
        if (r->max.set && dot && !strchr(dot + 1, '.'))
            r->max.micro = 49;
    } else if (!strcmp(key, "allow")) {
        if (v->kind == QC_YT_SEQUENCE) {
            for (uint32_t it = first_item(v); it; it = next_item(L, it)) {
                const node *e = get_node(L, it);
                load_allow_item(L, r, e);
            }
        } else {
            load_allow_item(L, r, v);
        }
    }
}

static const char *const rule_keys[] = {
    "id", "description", "command", "event", "query", "arguments", "members",
    "one-of", "min-version", "max-version", "allow", NULL,
};

static void load_rule(loader *L, const node *n)
{
    if (n->kind != QC_YT_MAPPING) {
        wrong_type(L, n, "a rule", "a mapping");
        return;
    }
    bool was_ok = L->ok;
    L->ok = true;
    qc_rule *r = qc_arena_alloc(L->a, sizeof *r);
    rule_ctx rc;
    memset(&rc, 0, sizeof rc);
    rc.r = r;
    r->client = L->client;
    r->loc = node_loc(L, n);
    each_pair(L, n, rule_keys, "in a rule", rule_pair, &rc);

    const char *name = r->id ? r->id : "(no id)";
    if (!rc.id)
        ERR(L, node_loc(L, n), "rules-missing-key", "this rule has no 'id'");
    if (rc.command && rc.event)
        ERR(L, node_loc(L, rc.event), "rules-conflict",
            "rule '%s' names both a command and an event", name);
    else if (rc.command)
        r->kind = QC_RULE_COMMAND;
    else if (rc.event)
        r->kind = QC_RULE_EVENT;
    if (!rc.command && !rc.event && !rc.query)
        ERR(L, node_loc(L, n), "rules-missing-key",
            "rule '%s' needs 'command', 'event' or 'query'", name);
    if (rc.arguments && !rc.command)
        ERR(L, node_loc(L, rc.arguments), "rules-conflict",
            "rule '%s': 'arguments' needs 'command'%s", name,
            rc.event ? " (an event has 'members')" : "");
    if (rc.members && !rc.event)
        ERR(L, node_loc(L, rc.members), "rules-conflict",
            "rule '%s': 'members' needs 'event'%s", name,
            rc.command ? " (a command has 'arguments')" : "");
    if (rc.oneof && !rc.command)
        ERR(L, node_loc(L, rc.oneof), "rules-conflict",
            "rule '%s': 'one-of' needs 'command'", name);
    if (r->min.set && r->max.set && qc_version_cmp(&r->min, &r->max) > 0)
        ERR(L, node_loc(L, rc.maxv), "rules-bad-version",
            "rule '%s': 'max-version' is below 'min-version'", name);

    /* Files are independent: two may well share an id. */
    const qc_rule *o = r;
    if (r->id) {
        L->id_rules[L->nids++] = r;
        uint32_t first = first_appearance(L, &L->ids, r->id, L->nids);
        if (first)
            o = L->id_rules[first - 1];
    }
    if (o != r) {
        qc_diagnostic *dg = ERR(L, r->loc, "rules-duplicate-id",
                                "duplicate rule id '%s'", r->id);
        qc_diag_note(dg, o->loc, NULL, NULL, "first rule '%s' is here", o->id);
    }
    if (L->ok)
        qc_ptrvec_push(L->a, &L->rs->rules, r);
    L->ok = L->ok && was_ok;
}

static void top_pair(loader *L, void *vctx, const char *key,
                     const node *knode, const node *v)
{
    const node **rules = vctx;
    (void)knode;
    if (!strcmp(key, "client")) {
        L->client = get_string(L, v, "'client'");
    } else if (!strcmp(key, "description")) {
        get_string(L, v, "'description'");
    } else if (!strcmp(key, "rules")) {
        *rules = v;
        if (v->kind != QC_YT_SEQUENCE)
            wrong_type(L, v, "'rules'", "a list of rules");
    }
}

static const char *const top_keys[] = { "client", "description", "rules", NULL };

/* Room for MORE rules in the set at once: a vector regrown by doubling
 * leaves its earlier arrays in the arena. */
static void reserve_rules(loader *L, size_t more)
{
    qc_ptrvec *v = &L->rs->rules;
    if (v->n + more <= v->cap)
        return;
    void **items = qc_arena_alloc_uninit(L->a, (v->n + more) * sizeof *items);
    if (v->n)
        memcpy(items, v->items, v->n * sizeof *items);
    v->items = items;
    v->cap = v->n + more;
}

static const char *rule_id(loader *L, uint32_t i)
{
    return L->id_rules[i - 1]->id;
}

/* --- the document ------------------------------------------------------------- */

static void load_root(loader *L, const node *root)
{
    if (!root || is_null(L, root)) {
        ERR(L, qc_loc_make(L->src, 0), "rules-empty", "the rule file is empty");
        return;
    }
    if (root->kind != QC_YT_MAPPING) {
        wrong_type(L, root, "a rule file", "a mapping with a 'rules' list");
        return;
    }
    const node *rules = NULL;
    each_pair(L, root, top_keys, "at the top of a rule file", top_pair, &rules);
    if (!rules) {
        ERR(L, node_loc(L, root), "rules-missing-key",
            "the rule file has no 'rules' list");
    } else if (rules->kind == QC_YT_SEQUENCE) {
        /* Sized for the rules that may have an id: no table regrown. */
        size_t nmaps = 0;
        for (uint32_t it = first_item(rules); it; it = next_item(L, it))
            nmaps += get_node(L, it)->kind == QC_YT_MAPPING;
        reserve_rules(L, nmaps);
        first_table_init(&L->ids, nmaps, rule_id);
        L->id_rules = needed(malloc((nmaps ? nmaps : 1) * sizeof *L->id_rules));
        for (uint32_t it = first_item(rules); it; it = next_item(L, it)) {
            load_rule(L, get_node(L, it));
            if (qc_diag_limit_reached(L->d))
                break;
        }
        free(L->ids.slots);
        free(L->id_rules);
    }
}

static bool load_source(qc_arena *a, qc_diag *d, const qc_source *src,
                        qc_ruleset *rs)
{
    qc_yt_tree t;
    if (!qc_yt_load(a, d, src, &t))
        return false;
    loader L = { a, d, src, &t, rs, NULL, true, { NULL, 0, NULL }, NULL, 0 };
    load_root(&L, t.root ? qc_yt_get(&t, t.root) : NULL);
    /* One document per file: a second one is most likely a mistake. */
    if (!qc_yt_check_rest(d, &t))
        L.ok = false;
    qc_yt_free(&t);
    return L.ok;
}

bool qc_rules_load_mem(qc_arena *a, qc_diag *d, const char *name,
                       const char *text, size_t len, qc_ruleset *rs)
{
    const qc_source *src = qc_source_from_mem(a, name, text, len, false);
    return load_source(a, d, src, rs);
}

bool qc_rules_load(qc_arena *a, qc_diag *d, const char *path,
                   qc_ruleset *rs, int *err)
{
    /* A file known to be too large is refused before it is read. */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)
        && (unsigned long long)st.st_size > QC_RULES_MAX_SIZE) {
        if (err)
            *err = 0;
        qc_error(d, qc_loc_make(qc_source_from_mem(a, path, "", 0, false), 0),
                 "rules-too-large",
                 "the rule file has %llu bytes, more than the limit of %lu MiB",
                 (unsigned long long)st.st_size, QC_RULES_MAX_SIZE >> 20);
        return false;
    }
    int e = 0;
    const qc_source *src = qc_source_read(a, d, path, false, NULL, 0, &e);
    if (err)
        *err = src ? 0 : e;
    if (!src)
        return false;
    return load_source(a, d, src, rs);
}
