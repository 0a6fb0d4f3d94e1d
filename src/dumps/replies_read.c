/* Reading capability dumps: the grammar's slow path, which
 * re-synchronises after a syntax error, behind the fast path
 * (replies_fast.c); then the roles and pairs of the entries. */
#include "dumps/replies_int.h"

#include <stdlib.h>
#include <string.h>

#include "syntax/parse.h"

qc_rentry *qc_rentvec_push(struct qc_rentvec *v)
{
    if (v->n + 1 >= v->cap)        /* and room for the entry ending them */
        v->e = qc_arena_grow_array(v->a, v->e, &v->cap, sizeof *v->e);
    qc_rentry *e = &v->e[v->n++];
    memset(e, 0, sizeof *e);
    e->pair = -1;
    return e;
}

/* ---- Slow path: the grammar, re-synchronised after each syntax error at the
 * next line that starts an entry after an empty line. */

static bool is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Offset just past the value that starts at OFF (a value the grammar
 * accepted, so brackets and quotes are balanced). */
static uint32_t value_end(const char *t, size_t len, uint32_t off)
{
    size_t i = off;
    int depth = 0;
    while (i < len) {
        char c = t[i];
        if (c == '"') {
            for (i++; i < len && t[i] != '"'; i++)
                if (t[i] == '\\')
                    i++;
            i++;
            if (!depth)
                return (uint32_t)i;
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth <= 0)
                return (uint32_t)i + 1;
        } else if (!depth && (is_ws(c) || c == ',')) {
            return (uint32_t)i;
        }
        i++;
    }
    return (uint32_t)len;
}

static uint32_t skip_ws(const char *t, size_t len, uint32_t off)
{
    while (off < len && is_ws(t[off]))
        off++;
    return off;
}

static uint32_t trim_back(const char *t, uint32_t from, uint32_t off)
{
    while (off > from && is_ws(t[off - 1]))
        off--;
    return off;
}

/* The next '{' or '[' at or after FROM that follows an empty line. */
static uint32_t find_resync(const char *t, size_t len, uint32_t from)
{
    /* Start at the newline pair that may end right before FROM. */
    for (size_t i = from < 2 ? 0 : from - 2; i < len; i++) {
        const char *p = memchr(t + i, '\n', len - i);
        if (!p)
            return 0;
        i = (size_t)(p - t);
        /* "\n" [" \t\r"]* "\n" then the entry */
        size_t j = i + 1;
        while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r'))
            j++;
        if (j < len && t[j] == '\n' && j + 1 < len
            && (t[j + 1] == '{' || t[j + 1] == '[') && j + 1 >= from)
            return (uint32_t)(j + 1);
    }
    return 0;
}

#define MAX_RESYNC 100

static void slow_read(qc_arena *a, qc_source *src, qc_replies *r,
                      struct qc_rentvec *ents)
{
    /* After a syntax error, the parse goes on where the text can be
     * resynchronised (find_resync). */
    uint32_t resume = 0;

    for (unsigned round = 0;; round++) {
        qc_parse_result pr;
        qc_parse_from(a, src, QC_DIALECT_STREAM, resume, &pr);
        for (size_t i = 0; i < pr.nitems; i++) {
            qc_value *v = qc_item_value(&pr.items[i]);
            if (!v)
                continue;
            qc_rentry *e = qc_rentvec_push(ents);
            e->v = v;
            e->start = qc_value_loc(v).off;
            e->end = value_end(src->text, src->len, qc_value_loc(v).off);
        }
        if (!pr.error)
            break;
        r->syntax_errors++;
        uint32_t err = pr.error->loc.off;
        uint32_t bstart = ents->n && ents->e[ents->n - 1].end > resume
                        ? ents->e[ents->n - 1].end : resume;
        bstart = skip_ws(src->text, src->len, bstart);
        if (bstart > err)
            bstart = err;
        uint32_t rs = find_resync(src->text, src->len, err);
        if (rs && rs <= bstart)
            rs = find_resync(src->text, src->len, bstart + 1);
        qc_rentry *e = qc_rentvec_push(ents);
        e->start = bstart;
        e->end = trim_back(src->text, bstart, rs ? rs : (uint32_t)src->len);
        if (e->end <= bstart)
            e->end = bstart + (bstart < src->len);
        e->error = pr.error;
        if (!rs || round >= MAX_RESYNC)
            break;
        resume = rs;
    }
}

/* ---- Roles and pairs: strict alternation, command first. */

static void classify(qc_rentry *e)
{
    const qc_value *v = e->v;
    if (!v)
        e->kind = QC_RENTRY_BROKEN;
    else if (!qc_is_object(v))
        e->kind = QC_RENTRY_OTHER;
    else if (qc_obj_member(v, "execute"))
        e->kind = QC_RENTRY_COMMAND;
    else if (qc_obj_member(v, "return") || qc_obj_member(v, "error"))
        e->kind = QC_RENTRY_REPLY;
    else
        e->kind = QC_RENTRY_OTHER;
    e->id = v ? qc_obj_get_str(v, "id") : NULL;
    e->execute = e->kind == QC_RENTRY_COMMAND ? qc_obj_get_str(v, "execute")
                                              : NULL;
}

static void pair_up(qc_replies *r)
{
    bool want_command = true;
    long last = -1;

    for (size_t i = 0; i < r->n; i++) {
        qc_rentry *e = &r->e[i];
        classify(e);
        bool command = e->kind == QC_RENTRY_COMMAND
            || (e->kind != QC_RENTRY_REPLY && want_command);
        if (command) {
            e->role = QC_RROLE_COMMAND;
            last = (long)i;
            want_command = false;
        } else if (want_command) {
            e->role = QC_RROLE_ORPHAN;
        } else {
            e->role = QC_RROLE_REPLY;
            e->pair = (int32_t)last;
            r->e[last].pair = (int32_t)i;
            e->execute = r->e[last].execute;
            want_command = true;
        }
    }
}

static qc_replies *read_replies(qc_arena *a, qc_source *src,
                                qc_replies_mode mode, bool fast, qc_diag *d)
{
    qc_replies *r = qc_arena_alloc(a, sizeof *r);
    struct qc_rentvec ents = { a, NULL, 0, 0 };

    r->src = src;
    r->canonical = fast && qc_replies_fast_read(a, src, &ents, mode);
    if (!r->canonical)
        slow_read(a, src, r, &ents);
    /* The entries stay where they were read, followed by one of zeros. */
    if (!ents.e)
        ents.e = qc_arena_alloc(a, sizeof *ents.e);
    else
        memset(&ents.e[ents.n], 0, sizeof *ents.e);
    r->n = ents.n;
    r->e = ents.e;
    pair_up(r);
    qc_replies_report_syntax(a, r, d);
    return r;
}

void qc_replies_report_syntax(qc_arena *a, const qc_replies *r, qc_diag *d)
{
    for (size_t i = 0; i < r->n; i++) {
        const qc_syntax_error *err = r->e[i].error;
        if (!err)
            continue;
        qc_diagnostic *dg = qc_error(d, err->loc, err->code, "%s: %s",
                                     qc_replies_label(a, r, i), err->message);
        qc_diag_show_column(dg);
    }
}

qc_replies *qc_replies_read(qc_arena *a, qc_source *src, qc_replies_mode mode,
                            qc_diag *d)
{
    return read_replies(a, src, mode, true, d);
}

qc_replies *qc_replies_read_slow(qc_arena *a, qc_source *src, qc_diag *d)
{
    return read_replies(a, src, QC_REPLIES_FULL, false, d);
}

const char *qc_replies_label(qc_arena *a, const qc_replies *r, size_t i)
{
    const qc_rentry *e = &r->e[i];
    const char *what = "";
    const char *id = e->id ? qc_arena_printf(a, " (%s)", e->id) : "";

    if (e->role == QC_RROLE_COMMAND && e->execute)
        what = qc_arena_printf(a, ", command '%s'", e->execute);
    else if (e->role == QC_RROLE_REPLY && e->execute)
        what = qc_arena_printf(a, ", reply to '%s'", e->execute);
    return qc_arena_printf(a, "entry %zu%s%s", i + 1, what, id);
}

long qc_replies_find(const qc_replies *r, const char *command)
{
    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        if (e->role == QC_RROLE_REPLY && e->kind == QC_RENTRY_REPLY
            && e->execute && !strcmp(e->execute, command)
            && qc_obj_member(e->v, "return"))
            return (long)i;
    }
    return -1;
}
