/* Loading client compatibility rule files (YAML, through libyaml's
 * document API).  Every node keeps libyaml's mark, which we turn into a
 * qc_loc in a qc_source holding the same text, so that problems are
 * reported like any other located diagnostic. */
#include "compat/rules.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/hashmap.h"
#include "base/utf8.h"
#include "base/visible.h"
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

/* libyaml's marks count characters; our offsets are bytes.  The byte
 * offset of every CHAR_STEP-th character, so that turning a mark into an
 * offset costs at most CHAR_STEP steps, however long its line. */
#define CHAR_STEP 64

typedef struct char_index {
    bool built, ascii;        /* ascii: offsets are character numbers */
    uint32_t *at;             /* at[i]: offset of character i * CHAR_STEP */
    size_t n;
} char_index;

typedef struct loader {
    qc_arena *a;
    qc_diag *d;
    const qc_source *src;
    yaml_document_t *doc;
    qc_ruleset *rs;
    const char *client;
    bool ok;
    char_index chars;
    qc_hashmap *ids;          /* rule id -> its qc_rule, in this file */
} loader;

static void build_char_index(qc_arena *a, char_index *ci, const qc_source *src)
{
    ci->built = true;
    ci->ascii = true;
    for (size_t i = 0; i < src->len && ci->ascii; i++)
        ci->ascii = (unsigned char)src->text[i] < 0x80;
    if (ci->ascii)
        return;
    size_t nchars = qc_utf8_count(src->text, src->len);
    ci->at = qc_arena_alloc(a, (nchars / CHAR_STEP + 1) * sizeof *ci->at);
    size_t c = 0;
    for (size_t i = 0; i < src->len; i++) {
        if (qc_utf8_is_cont((unsigned char)src->text[i]))
            continue;
        if (c++ % CHAR_STEP == 0)
            ci->at[ci->n++] = (uint32_t)i;
    }
}

static qc_loc mark_loc(loader *L, yaml_mark_t m)
{
    const qc_source *src = L->src;
    if (!L->chars.built)
        build_char_index(L->a, &L->chars, src);
    size_t off;
    if (L->chars.ascii) {
        off = m.index;
    } else if (m.index / CHAR_STEP >= L->chars.n) {
        off = src->len;
    } else {
        off = L->chars.at[m.index / CHAR_STEP];
        for (size_t k = m.index % CHAR_STEP; k > 0 && off < src->len; k--)
            off = qc_utf8_next(src->text, off, src->len);
    }
    return qc_loc_make(src, (uint32_t)(off < src->len ? off : src->len));
}

static qc_loc node_loc(loader *L, const yaml_node_t *n)
{
    return mark_loc(L, n->start_mark);
}

static yaml_node_t *get_node(loader *L, int idx)
{
    return yaml_document_get_node(L->doc, idx);
}

static bool is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = (const char *)n->data.scalar.value;
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null")
        || !strcmp(s, "NULL");
}

static const char *describe(const yaml_node_t *n)
{
    if (n->type == YAML_MAPPING_NODE)
        return "a mapping";
    if (n->type == YAML_SEQUENCE_NODE)
        return "a list";
    if (is_null(n))
        return "nothing (null)";
    return "a string";
}

#define ERR(L, loc, code, ...) \
    ((L)->ok = false, qc_error((L)->d, (loc), (code), __VA_ARGS__))

static void wrong_type(loader *L, const yaml_node_t *n, const char *what,
                       const char *want)
{
    ERR(L, node_loc(L, n), "rules-wrong-type", "%s must be %s, not %s", what,
        want, describe(n));
}

/* False after reporting that scalar N holds a NUL character ("\0" in a
 * double-quoted string), which would cut it short everywhere after. */
static bool no_nul(loader *L, const yaml_node_t *n, const char *what)
{
    if (!memchr(n->data.scalar.value, 0, n->data.scalar.length))
        return true;
    ERR(L, node_loc(L, n), "rules-nul-character",
        "%s holds a NUL character (\\0), which no name or path can hold", what);
    return false;
}

/* The text of scalar N (arena copy), or NULL after reporting that WHAT
 * must be a string. */
static const char *get_string(loader *L, const yaml_node_t *n, const char *what)
{
    if (n->type != YAML_SCALAR_NODE || is_null(n)) {
        wrong_type(L, n, what, "a string");
        return NULL;
    }
    if (!no_nul(L, n, what))
        return NULL;
    return qc_arena_strndup(L->a, (const char *)n->data.scalar.value,
                            n->data.scalar.length);
}

/* Iterates the pairs of mapping N, checking that keys are strings, known
 * (KEYS, NULL-terminated) and not repeated.  Calls FN for each good pair. */
typedef void (*pair_fn)(loader *L, void *ctx, const char *key,
                        yaml_node_t *knode, yaml_node_t *vnode);

/* The key node before P in mapping N that is KEY, or NULL.  Small
 * mappings (rules) are searched; a large one goes through SEEN. */
static yaml_node_t *earlier_key(loader *L, yaml_node_t *n, yaml_node_pair_t *p,
                                yaml_node_t *k, qc_hashmap *seen)
{
    const char *key = (const char *)k->data.scalar.value;
    if (seen) {
        /* By pair: an alias may make two keys one node. */
        yaml_node_pair_t *first = qc_hashmap_put_new(seen, key, p);
        return first == p ? NULL : get_node(L, first->key);
    }
    for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
        yaml_node_t *k2 = get_node(L, q->key);
        if (k2 && k2->type == YAML_SCALAR_NODE && !is_null(k2)
            && !strcmp((const char *)k2->data.scalar.value, key))
            return k2;
    }
    return NULL;
}

/* False after reporting that KEY is none of KEYS (NULL-terminated). */
static bool known_key(loader *L, yaml_node_t *k, const char *key,
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

static void each_pair(loader *L, yaml_node_t *n, const char *const *keys,
                      const char *where, pair_fn fn, void *ctx)
{
    size_t np = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    qc_hashmap *seen = np > 16 ? qc_hashmap_new_sized(L->a, np) : NULL;
    yaml_node_pair_t *p;
    for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = get_node(L, p->key), *v = get_node(L, p->value);
        if (!k || !v)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            wrong_type(L, k, "a key", "a string");
            continue;
        }
        const char *key = (const char *)k->data.scalar.value;
        /* "{~: string}" is a null key, not a member named '~'. */
        if (is_null(k)) {
            ERR(L, node_loc(L, k), "rules-null-key",
                "a key must be a string, not YAML's null%s%s%s (quote it for a string)",
                *key ? " ('" : "", key, *key ? "')" : "");
            continue;
        }
        if (!no_nul(L, k, "a key"))
            continue;
        yaml_node_t *first = earlier_key(L, n, p, k, seen);
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

static bool parse_path(loader *L, const yaml_node_t *n, const char *text,
                       qc_jtype type, qc_rule_path *out)
{
    qc_loc loc = node_loc(L, n);
    size_t ncomp = 1;
    for (const char *p = text; *p; p++)
        if (*p == '/')
            ncomp++;
    const char **comps = qc_arena_alloc(L->a, ncomp * sizeof *comps);
    const char *s = text;
    for (size_t i = 0; i < ncomp; i++) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        const char *c = comps[i] = qc_arena_strndup(L->a, s, len);
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
static bool path_from_scalar(loader *L, const yaml_node_t *n, const char *what,
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
                           yaml_node_t *knode, yaml_node_t *vnode)
{
    paths_ctx *pc = vctx;
    qc_jtype t = QC_JT_ANY;
    if (!is_null(vnode)) {
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

static void load_paths(loader *L, yaml_node_t *n, const char *key,
                       qc_rule_path **paths, size_t *np)
{
    paths_ctx pc = { NULL, 0 };
    if (n->type == YAML_SEQUENCE_NODE) {
        size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        pc.paths = qc_arena_alloc(L->a, (cnt + 1) * sizeof *pc.paths);
        for (yaml_node_item_t *it = n->data.sequence.items.start;
             it < n->data.sequence.items.top; it++) {
            yaml_node_t *e = get_node(L, *it);
            if (e && path_from_scalar(L, e, "a member path", &pc.paths[pc.n]))
                pc.n++;
        }
    } else if (n->type == YAML_MAPPING_NODE) {
        size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
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

static void load_oneof(loader *L, yaml_node_t *n, qc_rule *r)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        wrong_type(L, n, "'one-of'", "a list of groups of member paths");
        return;
    }
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (cnt == 0) {
        ERR(L, node_loc(L, n), "rules-wrong-type", "'one-of' must list at least one group");
        return;
    }
    r->oneof = qc_arena_alloc(L->a, cnt * sizeof *r->oneof);
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top; it++) {
        yaml_node_t *g = get_node(L, *it);
        if (!g)
            continue;
        qc_rule_group *grp = &r->oneof[r->noneof];
        grp->loc = node_loc(L, g);
        if (g->type == YAML_SCALAR_NODE && !is_null(g)) {
            /* A lone path is a group of one. */
            grp->paths = qc_arena_alloc(L->a, sizeof *grp->paths);
            if (path_from_scalar(L, g, "a member path", grp->paths)) {
                grp->n = 1;
                r->noneof++;
            }
            continue;
        }
        if (g->type != YAML_SEQUENCE_NODE) {
            wrong_type(L, g, "a 'one-of' group", "a list of member paths");
            continue;
        }
        size_t gn = (size_t)(g->data.sequence.items.top - g->data.sequence.items.start);
        if (gn == 0) {
            ERR(L, grp->loc, "rules-wrong-type", "a 'one-of' group must not be empty");
            continue;
        }
        grp->paths = qc_arena_alloc(L->a, gn * sizeof *grp->paths);
        for (yaml_node_item_t *jt = g->data.sequence.items.start;
             jt < g->data.sequence.items.top; jt++) {
            yaml_node_t *e = get_node(L, *jt);
            if (e && path_from_scalar(L, e, "a member path", &grp->paths[grp->n]))
                grp->n++;
        }
        if (grp->n == gn)
            r->noneof++;
    }
}

static void add_query(loader *L, qc_rule *r, yaml_node_t *n, size_t cap)
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

static void load_version(loader *L, yaml_node_t *n, const char *key,
                         qc_version *v)
{
    const char *s = get_string(L, n, qc_arena_printf(L->a, "'%s'", key));
    if (s && !qc_version_parse(s, v))
        ERR(L, node_loc(L, n), "rules-bad-version",
            "'%s' must be a QEMU version like 9.1 or 9.1.0, not '%s'", key, s);
}

static void load_allow_item(loader *L, qc_rule *r, yaml_node_t *n)
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
static bool valid_id(loader *L, const yaml_node_t *n, const char *id)
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
    yaml_node_t *id, *command, *event, *query, *arguments, *members, *oneof;
    yaml_node_t *minv, *maxv;
} rule_ctx;

static void rule_pair(loader *L, void *vctx, const char *key,
                      yaml_node_t *knode, yaml_node_t *v)
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
        if (v->type == YAML_SEQUENCE_NODE) {
            size_t cnt = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
            if (cnt == 0)
                ERR(L, node_loc(L, v), "rules-wrong-type",
                    "'query' must list at least one query");
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 it < v->data.sequence.items.top; it++) {
                yaml_node_t *e = get_node(L, *it);
                if (e)
                    add_query(L, r, e, cnt);
            }
        } else if (v->type == YAML_SCALAR_NODE && !is_null(v)) {
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
        const char *mv = v->type == YAML_SCALAR_NODE
                         ? (const char *)v->data.scalar.value : NULL;
        const char *dot = mv ? strchr(mv, '.') : NULL;
        if (r->max.set && dot && !strchr(dot + 1, '.'))
            r->max.micro = 49;
    } else if (!strcmp(key, "allow")) {
        if (v->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 it < v->data.sequence.items.top; it++) {
                yaml_node_t *e = get_node(L, *it);
                if (e)
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

static void load_rule(loader *L, yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE) {
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
    const qc_rule *o = r->id ? qc_hashmap_put_new(L->ids, r->id, r) : r;
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
                     yaml_node_t *knode, yaml_node_t *v)
{
    yaml_node_t **rules = vctx;
    (void)knode;
    if (!strcmp(key, "client")) {
        L->client = get_string(L, v, "'client'");
    } else if (!strcmp(key, "description")) {
        get_string(L, v, "'description'");
    } else if (!strcmp(key, "rules")) {
        *rules = v;
        if (v->type != YAML_SEQUENCE_NODE)
            wrong_type(L, v, "'rules'", "a list of rules");
    }
}

static const char *const top_keys[] = { "client", "description", "rules", NULL };

static void report_parser_error(loader *L, yaml_parser_t *p)
{
    const char *what = p->problem ? p->problem : "malformed YAML";
    qc_diagnostic *dg;
    if (p->error == YAML_READER_ERROR) {
        /* problem_offset is a byte offset here. */
        size_t off = p->problem_offset < L->src->len ? p->problem_offset : L->src->len;
        dg = ERR(L, qc_loc_make(L->src, (uint32_t)off), "rules-yaml-syntax",
                 "YAML: %s", what);
    } else if (p->context) {
        dg = ERR(L, mark_loc(L, p->problem_mark), "rules-yaml-syntax",
                 "YAML: %s %s", what, p->context);
        qc_diag_note(dg, mark_loc(L, p->context_mark), NULL, NULL,
                     "YAML: the construct started here");
    } else {
        dg = ERR(L, mark_loc(L, p->problem_mark), "rules-yaml-syntax",
                 "YAML: %s", what);
    }
    qc_diag_show_column(dg);
}

/* --- limits ---------------------------------------------------------------- */

/* Where libyaml is slow, a first pass over the events (each costs O(depth)
 * there) stops the file before a document is built:
 * - its scanner keeps a possible simple key per open flow collection and
 *   checks them all at every token, so nesting is quadratic (100,000 '['
 *   took 20 s): QC_RULES_MAX_DEPTH;
 * - its document loader looks each anchor up among all earlier ones:
 *   QC_RULES_MAX_ANCHORS;
 * - aliases let a small file stand for a huge tree, which the rules are
 *   read from node by node (the "billion laughs"): QC_RULES_MAX_NODES
 *   counts every node as often as aliases repeat it.
 * Syntax errors are left to the document loader, which reports them. */
typedef struct limits {
    loader *L;
    qc_hashmap *anchors;             /* name -> size_t *: nodes it stands for */
    size_t nanchors, nodes, depth;
    size_t open_at[QC_RULES_MAX_DEPTH];        /* NODES when each opened */
    const char *open_anchor[QC_RULES_MAX_DEPTH];
} limits;

static bool limit_error(limits *lim, yaml_mark_t m, const char *code,
                        const char *fmt, unsigned long n)
{
    qc_diag_show_column(ERR(lim->L, mark_loc(lim->L, m), code, fmt, n));
    return false;
}

/* Notes that ANCHOR (libyaml's, or NULL) stands for SIZE nodes. */
static bool anchored(limits *lim, const yaml_char_t *anchor, size_t size,
                     yaml_mark_t m)
{
    if (!anchor)
        return true;
    if (++lim->nanchors > QC_RULES_MAX_ANCHORS)
        return limit_error(lim, m, "rules-too-large",
                           "more than %lu YAML anchors in one rule file",
                           QC_RULES_MAX_ANCHORS);
    size_t *sz = qc_arena_alloc(lim->L->a, sizeof *sz);
    *sz = size;
    qc_hashmap_put(lim->anchors, qc_arena_strdup(lim->L->a, (const char *)anchor), sz);
    return true;
}

/* Accounts for event E; false after reporting a limit passed. */
static bool limits_event(limits *lim, const yaml_event_t *e)
{
    yaml_mark_t m = e->start_mark;
    const size_t *sz;
    const yaml_char_t *anchor;
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        lim->nodes++;
        if (!anchored(lim, e->data.scalar.anchor, 1, m))
            return false;
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (lim->depth == QC_RULES_MAX_DEPTH)
            return limit_error(lim, m, "rules-too-deep",
                               "lists and mappings nested deeper than %lu levels",
                               QC_RULES_MAX_DEPTH);
        anchor = e->type == YAML_SEQUENCE_START_EVENT ? e->data.sequence_start.anchor
                                                      : e->data.mapping_start.anchor;
        lim->open_at[lim->depth] = lim->nodes++;
        /* The event is gone by the time the collection closes. */
        lim->open_anchor[lim->depth++] =
            anchor ? qc_arena_strdup(lim->L->a, (const char *)anchor) : NULL;
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (lim->depth) {
            lim->depth--;
            if (!anchored(lim, (const yaml_char_t *)lim->open_anchor[lim->depth],
                          lim->nodes - lim->open_at[lim->depth], m))
                return false;
        }
        break;
    case YAML_ALIAS_EVENT:
        /* An unknown anchor is the loader's to report. */
        sz = qc_hashmap_get(lim->anchors, (const char *)e->data.alias.anchor);
        lim->nodes += sz ? *sz : 1;
        break;
    case YAML_DOCUMENT_END_EVENT:
        qc_hashmap_reset(lim->anchors, 16);     /* anchors are per document */
        break;
    default:
        break;
    }
    if (lim->nodes > QC_RULES_MAX_NODES)
        return limit_error(lim, m, "rules-too-large",
                           "the rule file stands for more than %lu YAML nodes "
                           "(aliases counted at the size of what they repeat)",
                           QC_RULES_MAX_NODES);
    return true;
}

static void set_input(yaml_parser_t *p, const qc_source *src)
{
    /* UTF-8 only: marks then count characters of the text we hold. */
    yaml_parser_set_encoding(p, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(p, (const unsigned char *)src->text, src->len);
}

static bool within_limits(loader *L)
{
    if (L->src->len > QC_RULES_MAX_SIZE) {
        ERR(L, qc_loc_make(L->src, 0), "rules-too-large",
            "the rule file has %zu bytes, more than the limit of %lu MiB",
            L->src->len, QC_RULES_MAX_SIZE >> 20);
        return false;
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return true;            /* the loader says "out of memory" */
    set_input(&p, L->src);
    limits lim = { L, qc_hashmap_new(L->a), 0, 0, 0, { 0 }, { NULL } };
    bool ok = true, more = true;
    while (ok && more) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e))
            break;
        ok = limits_event(&lim, &e);
        more = e.type != YAML_STREAM_END_EVENT;
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    return ok;
}

/* --- the document ------------------------------------------------------------- */

static void load_root(loader *L, yaml_node_t *root)
{
    if (!root || is_null(root)) {
        ERR(L, qc_loc_make(L->src, 0), "rules-empty", "the rule file is empty");
        return;
    }
    if (root->type != YAML_MAPPING_NODE) {
        wrong_type(L, root, "a rule file", "a mapping with a 'rules' list");
        return;
    }
    yaml_node_t *rules = NULL;
    each_pair(L, root, top_keys, "at the top of a rule file", top_pair, &rules);
    if (!rules) {
        ERR(L, node_loc(L, root), "rules-missing-key",
            "the rule file has no 'rules' list");
    } else if (rules->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = rules->data.sequence.items.start;
             it < rules->data.sequence.items.top; it++) {
            yaml_node_t *r = get_node(L, *it);
            if (r)
                load_rule(L, r);
            if (qc_diag_limit_reached(L->d))
                break;
        }
    }
}

static bool load_source(qc_arena *a, qc_diag *d, const qc_source *src,
                        qc_ruleset *rs)
{
    loader L = { a, d, src, NULL, rs, NULL, true, { 0 }, qc_hashmap_new(a) };
    yaml_parser_t parser;
    yaml_document_t doc;

    if (!within_limits(&L))
        return false;
    if (!yaml_parser_initialize(&parser)) {
        ERR(&L, qc_loc_make(src, 0), "rules-yaml-syntax", "out of memory for YAML");
        return false;
    }
    set_input(&parser, src);
    if (!yaml_parser_load(&parser, &doc)) {
        report_parser_error(&L, &parser);
        yaml_parser_delete(&parser);
        return false;
    }
    L.doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    load_root(&L, root);
    yaml_document_delete(&doc);

    /* One document per file: a second one is most likely a mistake. */
    if (root) {
        if (!yaml_parser_load(&parser, &doc)) {
            report_parser_error(&L, &parser);
        } else {
            yaml_node_t *r2 = yaml_document_get_root_node(&doc);
            if (r2)
                ERR(&L, mark_loc(&L, doc.start_mark), "rules-multiple-documents",
                    "a rule file holds one YAML document; this is a second one");
            yaml_document_delete(&doc);
        }
    }
    yaml_parser_delete(&parser);
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
    const qc_source *src = qc_source_load(a, path, false, &e);
    if (err)
        *err = src ? 0 : e;
    if (!src)
        return false;
    return load_source(a, d, src, rs);
}
