/* Rule files' YAML in one pass over libyaml's events; see yaml_tree.h.
 *
 * libyaml's document loader costs some 25 times the file in memory (a
 * node of 100 bytes and a tag string for each), and reading a file
 * twice, once to check the limits and once to load it, costs time.  Here
 * the limits, the composition (anchors and aliases) and the tree are one
 * walk over the events.
 *
 * What is reported stays what libyaml's loader and our earlier first
 * pass reported: a limit passed anywhere in the file wins over any YAML
 * problem (the limits were checked on the whole stream first); then the
 * first problem of the first document, where libyaml's loader stopped;
 * the second document's, after the rules, when the first was sound. */
#include "compat/yaml_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/hashmap.h"
#include "base/utf8.h"
#include "compat/rules.h"

/* An anchor of the current document. */
typedef struct anchor {
    uint32_t node;             /* the node it names (0 outside the tree) */
    uint32_t off;              /* where it first appeared */
    size_t size;               /* nodes it stands for: 1 until it is complete */
} anchor;

/* A collection not yet closed. */
typedef struct open_coll {
    uint32_t node, last;       /* its node and its last item (0: none) */
    size_t count_at;           /* COUNT when it opened */
    anchor *anchor;            /* its anchor, or NULL */
} open_coll;

/* Recent short scalars by hash, to store each text once: keys and many
 * values ("string", a command's name) repeat from rule to rule. */
#define TEXT_CACHE 4096
#define TEXT_CACHE_MAX 64               /* longer texts are rarely repeated */

typedef struct text_entry {
    uint32_t off, len;                 /* len + 1: 0 is an empty entry */
} text_entry;

typedef struct reader {
    qc_diag *d;
    const qc_source *src;
    qc_yt_tree *t;
    size_t nnodes, cap;
    qc_buf text;
    text_entry cache[TEXT_CACHE];
    size_t at_char;            /* the last mark converted: its character */
    uint32_t at_off;           /* ... and its byte offset */
    /* The limits (rules.h). */
    qc_arena *a;
    qc_hashmap *anchors;       /* name -> anchor *, of the current document */
    size_t nanchors, count, depth;
    open_coll open[QC_RULES_MAX_DEPTH];
    /* Composition. */
    unsigned doc_ends;         /* DOCUMENT-END events so far */
    bool building;             /* in the first document, without a problem */
    qc_yt_problem first;
} reader;

/* --- locations ----------------------------------------------------------- */

/* The byte offset of character INDEX (a mark's index).  Marks come in
 * the order of the text but for a construct's start in an error, so a
 * cursor that walks both ways costs the file's length once. */
static uint32_t mark_off(reader *r, size_t index)
{
    const char *s = r->src->text;
    size_t len = r->src->len, c = r->at_char, off = r->at_off;
    while (c < index && off < len) {
        off = qc_utf8_next(s, off, len);
        c++;
    }
    while (c > index && off > 0) {
        do
            off--;
        while (off > 0 && qc_utf8_is_cont((unsigned char)s[off]));
        c--;
    }
    r->at_char = c;
    r->at_off = (uint32_t)off;
    return (uint32_t)off;
}

/* --- problems ------------------------------------------------------------ */

/* The problem slot of the document being read: the first two count. */
static qc_yt_problem *problem_slot(reader *r)
{
    if (r->doc_ends == 0)
        return &r->first;
    if (r->doc_ends == 1)
        return &r->t->second_problem;
    return NULL;
}

static void composer_problem(reader *r, const char *problem, uint32_t poff,
                             const char *context, uint32_t coff)
{
    qc_yt_problem *p = problem_slot(r);
    if (p && !p->set) {
        qc_yt_problem q = { true, false, problem, context, poff, coff };
        *p = q;
    }
    if (r->doc_ends == 0)
        r->building = false;
}

static void parser_problem(reader *r, const yaml_parser_t *p)
{
    qc_yt_problem *slot = problem_slot(r);
    if (!slot || slot->set)
        return;
    qc_yt_problem q = { true, p->error == YAML_READER_ERROR, p->problem,
                        NULL, 0, 0 };
    if (q.reader) {
        /* problem_offset is a byte offset here. */
        size_t off = p->problem_offset;
        q.problem_off = (uint32_t)(off < r->src->len ? off : r->src->len);
    } else {
        q.problem_off = mark_off(r, p->problem_mark.index);
        q.context = p->context;
        if (q.context)
            q.context_off = mark_off(r, p->context_mark.index);
    }
    *slot = q;
}

static void report_problem(qc_diag *d, const qc_source *src,
                           const qc_yt_problem *p)
{
    const char *what = p->problem ? p->problem : "malformed YAML";
    qc_loc at = qc_loc_make(src, p->problem_off);
    qc_diagnostic *dg;
    if (!p->reader && p->context) {
        dg = qc_error(d, at, "rules-yaml-syntax", "YAML: %s %s", what, p->context);
        qc_diag_note(dg, qc_loc_make(src, p->context_off), NULL, NULL,
                     "YAML: the construct started here");
    } else {
        dg = qc_error(d, at, "rules-yaml-syntax", "YAML: %s", what);
    }
    qc_diag_show_column(dg);
}

/* --- the tree ------------------------------------------------------------ */

/* A new node of the first document, the next item of the innermost open
 * collection (or the root). */
static uint32_t new_node(reader *r, qc_yt_kind kind, uint32_t off)
{
    if (r->nnodes == r->cap)
        r->t->nodes = qc_grow(r->t->nodes, &r->cap, sizeof *r->t->nodes);
    uint32_t i = (uint32_t)r->nnodes++;
    qc_yt_node *n = &r->t->nodes[i];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->off = off;
    if (r->depth) {
        open_coll *o = &r->open[r->depth - 1];
        if (o->last)
            r->t->nodes[o->last].next = i;
        else
            r->t->nodes[o->node].data = i;
        o->last = i;
        r->t->nodes[o->node].n++;
    } else if (!r->t->root) {
        r->t->root = i;
    }
    return i;
}

/* The offset of TEXT[0..LEN) and a NUL in the tree's text: a recent one
 * if it is the same. */
static uint32_t store_text(reader *r, const char *text, size_t len)
{
    text_entry *c = NULL;
    if (len <= TEXT_CACHE_MAX) {
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < len; i++)
            h = (h ^ (unsigned char)text[i]) * 16777619u;
        c = &r->cache[h & (TEXT_CACHE - 1)];
        if (c->len == len + 1 && !memcmp(r->text.data + c->off, text, len))
            return c->off;
    }
    uint32_t off = (uint32_t)r->text.len;
    qc_buf_append(&r->text, text, len);
    qc_buf_putc(&r->text, '\0');
    if (c) {
        c->off = off;
        c->len = (uint32_t)len + 1;
    }
    return off;
}

static void new_scalar(reader *r, const yaml_event_t *e, uint32_t off)
{
    uint32_t i = new_node(r, QC_YT_SCALAR, off);
    qc_yt_node *n = &r->t->nodes[i];
    n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    n->n = (uint32_t)e->data.scalar.length;
    n->data = store_text(r, (const char *)e->data.scalar.value, e->data.scalar.length);
}

/* --- limits and anchors ---------------------------------------------------- */

/* libyaml is slow where the limits stop a file: its scanner checks a
 * possible simple key per open flow collection at every token (nesting
 * is quadratic: QC_RULES_MAX_DEPTH), its loader looks each anchor up
 * among all earlier ones (QC_RULES_MAX_ANCHORS), and aliases let a small
 * file stand for a huge tree (the "billion laughs"): QC_RULES_MAX_NODES
 * counts every node as often as aliases repeat it. */
static bool limit_error(reader *r, yaml_mark_t m, const char *code,
                        const char *fmt, unsigned long n)
{
    qc_diag_show_column(qc_error(r->d, qc_loc_make(r->src, mark_off(r, m.index)),
                                 code, fmt, n));
    return false;
}

static bool count_anchor(reader *r, yaml_mark_t m)
{
    if (++r->nanchors <= QC_RULES_MAX_ANCHORS)
        return true;
    return limit_error(r, m, "rules-too-large",
                       "more than %lu YAML anchors in one rule file",
                       QC_RULES_MAX_ANCHORS);
}

/* Registers anchor NAME (or NULL) of the node at OFF (NODE in the tree).
 * A second one of the same name is libyaml's loader's problem; its size
 * still replaces the first's, as the limits always counted. */
static anchor *add_anchor(reader *r, const yaml_char_t *name, uint32_t node,
                          uint32_t off)
{
    if (!name)
        return NULL;
    anchor *an = qc_hashmap_get(r->anchors, (const char *)name);
    if (an) {
        composer_problem(r, "second occurrence", off,
                         "found duplicate anchor; first occurrence", an->off);
        return an;
    }
    an = qc_arena_alloc(r->a, sizeof *an);
    an->node = node;
    an->off = off;
    an->size = 1;
    qc_hashmap_put(r->anchors, qc_arena_strdup(r->a, (const char *)name), an);
    return an;
}

static void on_scalar(reader *r, const yaml_event_t *e, uint32_t off)
{
    uint32_t node = 0;
    if (r->building) {
        new_scalar(r, e, off);
        node = (uint32_t)r->nnodes - 1;
    }
    anchor *an = add_anchor(r, e->data.scalar.anchor, node, off);
    if (an)
        an->size = 1;
}

static bool on_start(reader *r, const yaml_event_t *e, uint32_t off)
{
    if (r->depth == QC_RULES_MAX_DEPTH)
        return limit_error(r, e->start_mark, "rules-too-deep",
                           "lists and mappings nested deeper than %lu levels",
                           QC_RULES_MAX_DEPTH);
    bool seq = e->type == YAML_SEQUENCE_START_EVENT;
    const yaml_char_t *name = seq ? e->data.sequence_start.anchor
                                  : e->data.mapping_start.anchor;
    uint32_t node = 0;
    if (r->building)
        node = new_node(r, seq ? QC_YT_SEQUENCE : QC_YT_MAPPING, off);
    open_coll *o = &r->open[r->depth];
    o->node = node;
    o->last = 0;
    o->count_at = r->count++;
    /* Registered before its items, as libyaml's loader does: an alias
     * inside repeats the collection itself. */
    o->anchor = add_anchor(r, name, node, off);
    r->depth++;
    return true;
}

static bool on_end(reader *r, const yaml_event_t *e)
{
    if (!r->depth)
        return true;
    open_coll *o = &r->open[--r->depth];
    if (!o->anchor)
        return true;
    if (!count_anchor(r, e->start_mark))
        return false;
    o->anchor->size = r->count - o->count_at;
    return true;
}

static void on_alias(reader *r, const yaml_event_t *e, uint32_t off)
{
    const anchor *an = qc_hashmap_get(r->anchors, (const char *)e->data.alias.anchor);
    r->count += an ? an->size : 1;
    if (!an)
        composer_problem(r, "found undefined alias", off, NULL, 0);
    else if (r->building) {
        uint32_t i = new_node(r, QC_YT_ALIAS, off);   /* may move the nodes */
        r->t->nodes[i].data = an->node;
    }
}

/* Takes event E; false after reporting a limit passed. */
static bool on_event(reader *r, const yaml_event_t *e)
{
    uint32_t off = mark_off(r, e->start_mark.index);
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        r->count++;
        if (e->data.scalar.anchor && !count_anchor(r, e->start_mark))
            return false;
        on_scalar(r, e, off);
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (!on_start(r, e, off))
            return false;
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (!on_end(r, e))
            return false;
        break;
    case YAML_ALIAS_EVENT:
        on_alias(r, e, off);
        break;
    case YAML_DOCUMENT_START_EVENT:
        if (r->doc_ends == 1) {
            r->t->second = true;
            r->t->second_off = off;
        }
        break;
    case YAML_DOCUMENT_END_EVENT:
        r->doc_ends++;
        r->building = false;
        qc_hashmap_reset(r->anchors, 16);     /* anchors are per document */
        break;
    default:
        break;
    }
    if (r->count > QC_RULES_MAX_NODES)
        return limit_error(r, e->start_mark, "rules-too-large",
                           "the rule file stands for more than %lu YAML nodes "
                           "(aliases counted at the size of what they repeat)",
                           QC_RULES_MAX_NODES);
    return true;
}

/* --- the file ------------------------------------------------------------ */

/* Every event of the stream, to its end or a YAML error; false after
 * reporting a limit passed. */
static bool read_events(reader *r)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        qc_error(r->d, qc_loc_make(r->src, 0), "rules-yaml-syntax", "out of memory for YAML");
        return false;
    }
    /* UTF-8 only: marks then count characters of the text we hold. */
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&p, (const unsigned char *)r->src->text, r->src->len);
    bool ok = true, more = true;
    while (ok && more) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            parser_problem(r, &p);
            break;
        }
        ok = on_event(r, &e);
        more = e.type != YAML_STREAM_END_EVENT;
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    return ok;
}

bool qc_yt_load(qc_arena *a, qc_diag *d, const qc_source *src, qc_yt_tree *t)
{
    memset(t, 0, sizeof *t);
    t->src = src;
    if (src->len > QC_RULES_MAX_SIZE) {
        qc_error(d, qc_loc_make(src, 0), "rules-too-large",
                 "the rule file has %zu bytes, more than the limit of %lu MiB",
                 src->len, QC_RULES_MAX_SIZE >> 20);
        return false;
    }
    reader r;
    memset(&r, 0, sizeof r);
    r.d = d;
    r.src = src;
    r.t = t;
    r.a = a;
    r.anchors = qc_hashmap_new(a);
    r.building = true;
    new_node(&r, QC_YT_SCALAR, 0);      /* index 0, no node */
    r.t->root = 0;
    bool ok = read_events(&r);
    t->text = r.text.data;
    if (ok && r.first.set) {
        report_problem(d, src, &r.first);
        ok = false;
    }
    if (!ok)
        qc_yt_free(t);
    return ok;
}

bool qc_yt_check_rest(qc_diag *d, const qc_yt_tree *t)
{
    if (!t->root)
        return true;
    if (t->second_problem.set) {
        report_problem(d, t->src, &t->second_problem);
        return false;
    }
    if (t->second) {
        qc_error(d, qc_loc_make(t->src, t->second_off), "rules-multiple-documents",
                 "a rule file holds one YAML document; this is a second one");
        return false;
    }
    return true;
}

void qc_yt_free(qc_yt_tree *t)
{
    free(t->nodes);
    free(t->text);
    t->nodes = NULL;
    t->text = NULL;
}
