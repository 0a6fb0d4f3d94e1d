/* Capability dumps (.replies): reading, checking, canonical rewriting.
 * The rules and diagnostic codes are listed in doc/diagnostics.md. */
#include "dumps/replies.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "dumps/ischema.h"
#include "dumps/soundness.h"
#include "syntax/json.h"
#include "syntax/parse.h"

/* ---------------------------------------------------------------------------
 * Fast path: one pass that builds the value tree and at the same time
 * proves that the text is exactly its canonical rendering (qc_json_write
 * with indent 2, entries joined by one empty line, one final newline).  It
 * gives up at the first byte that is not canonical or not plain -- any
 * '\u' escape, non-ASCII, a syntax error -- and the caller falls back to
 * the grammar, which is about five times slower but knows everything. */

struct fp {
    qc_arena *a;
    const qc_source *src;
    const char *base, *p, *end;
    qc_value **items;           /* scratch stacks, reused by every level */
    size_t nitems, capitems;
    qc_member *mems;
    size_t nmems, capmems;
    /* Skimming: checked, not built (see qc_replies_read). */
    bool skim_return;           /* the entry being read is such a reply */
    struct rawkey { const char *s; size_t len; } *keys;
    size_t nkeys, capkeys;
    /* Short strings repeat a lot (keys, type names): one arena copy each,
     * found through a direct-mapped cache. */
    struct rawkey intern[4096];
};

/* Stands in for a value that was skimmed. */
static qc_value skimmed_value = { .kind = QC_VNULL };

/* 1 for the bytes a canonical string holds as they are. */
static unsigned char plain[256];
static const char spaces[256 + 1] =
    "                                                                "
    "                                                                "
    "                                                                "
    "                                                                ";

static void init_plain(void)
{
    if (plain[' '])
        return;
    for (int c = 0x20; c < 0x7f; c++)
        plain[c] = c != '"' && c != '\\';
}

static qc_value *fp_new(struct fp *f, qc_vkind kind, const char *at)
{
    qc_value *v = qc_arena_alloc(f->a, sizeof *v);
    v->kind = kind;
    v->loc = qc_loc_make(f->src, (uint32_t)(at - f->base));
    return v;
}

/* "\n" and exactly N spaces, and no more. */
static bool fp_indent(struct fp *f, size_t n)
{
    const char *p = f->p;
    if (*p != '\n')
        return false;
    p++;
    if ((size_t)(f->end - p) < n + 1)
        return false;
    if (n <= 16) {
        /* The usual case; a call to memcmp costs more than the loop. */
        for (size_t i = 0; i < n; i++)
            if (p[i] != ' ')
                return false;
        p += n;
    } else {
        for (size_t left = n; left;) {
            size_t k = left < 256 ? left : 256;
            if (memcmp(p, spaces, k))
                return false;
            p += k;
            left -= k;
        }
    }
    if (*p == ' ')
        return false;
    f->p = p;
    return true;
}

static bool same_bytes(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Eight bytes at a time while none is special ('"', '\\', a control
 * character, DEL or non-ASCII): strings are most of a dump. */
static const unsigned char *skip_plain(const unsigned char *p,
                                       const unsigned char *end)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (end - p >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
        uint64_t del = x ^ (ones * 0x7f);
        uint64_t special = ((q - ones) & ~q) | ((b - ones) & ~b)
                         | ((del - ones) & ~del) | (x - ones * 0x20) | x;
        if (special & highs)
            break;
        p += 8;
    }
    while (plain[*p])
        p++;
    return p;
}

static bool fp_string(struct fp *f, const char **s, size_t *len, bool build)
{
    const unsigned char *start = (const unsigned char *)f->p + 1;
    const unsigned char *p = skip_plain(start, (const unsigned char *)f->end);
    if (*p == '"' && !build) {
        *s = (const char *)start;
        *len = (size_t)(p - start);
        f->p = (const char *)p + 1;
        return true;
    }
    if (*p == '"') {
        size_t n = (size_t)(p - start);
        if (n <= 24) {
            uint32_t h = 2166136261u;
            for (size_t i = 0; i < n; i++)
                h = (h ^ start[i]) * 16777619u;
            struct rawkey *c = &f->intern[(h ^ (h >> 15)) & 4095];
            if (!c->s || c->len != n || !same_bytes(c->s, (const char *)start, n)) {
                c->s = qc_arena_strndup(f->a, (const char *)start, n);
                c->len = n;
            }
            *s = c->s;
        } else {
            *s = qc_arena_strndup(f->a, (const char *)start, n);
        }
        *len = n;
        f->p = (const char *)p + 1;
        return true;
    }
    /* Escapes: only those the canonical writer uses for ASCII text. */
    for (;;) {
        if (plain[*p]) {
            p++;
        } else if (*p == '\\' && p[1] && strchr("\"\\nrtbf", p[1])) {
            p += 2;
        } else if (*p == '"') {
            break;
        } else {
            return false;
        }
    }
    if (!build) {
        /* Raw text: canonical escapes are unique, so raw keys compare
         * as decoded ones would. */
        *s = (const char *)start;
        *len = (size_t)(p - start);
        f->p = (const char *)p + 1;
        return true;
    }
    char *out = qc_arena_alloc(f->a, (size_t)(p - start) + 1);
    size_t n = 0;
    for (const unsigned char *q = start; q < p; q++) {
        if (*q != '\\') {
            out[n++] = (char)*q;
            continue;
        }
        q++;
        switch (*q) {
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        default: out[n++] = (char)*q; break;
        }
    }
    out[n] = '\0';
    *s = out;
    *len = n;
    f->p = (const char *)p + 1;
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Classifies an integer as the grammar does (src/value.h). */
static void set_integer(qc_value *v, const char *t, size_t len)
{
    bool neg = t[0] == '-';
    size_t digits = len - neg;
    if (digits <= 18) {
        uint64_t u = 0;
        for (size_t i = neg; i < len; i++)
            u = u * 10 + (uint64_t)(t[i] - '0');
        v->kind = QC_VINT;
        v->u.num.i = neg ? -(int64_t)u : (int64_t)u;
        v->u.num.u = neg ? 0 : u;
        return;
    }
    errno = 0;
    if (neg) {
        long long x = strtoll(t, NULL, 10);
        if (errno == 0) {
            v->kind = QC_VINT;
            v->u.num.i = x;
        }
    } else {
        unsigned long long x = strtoull(t, NULL, 10);
        if (errno == 0) {
            v->kind = x <= INT64_MAX ? QC_VINT : QC_VUINT;
            v->u.num.i = (int64_t)x;
            v->u.num.u = x;
        }
    }
}

static qc_value *fp_number(struct fp *f, bool build)
{
    const char *s = f->p, *p = s;
    bool integer = true;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (is_digit(*p))
            p++;
    else
        return NULL;
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return NULL;
        while (is_digit(*p))
            p++;
        integer = false;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!is_digit(*p))
            return NULL;
        while (is_digit(*p))
            p++;
        integer = false;
    }
    f->p = p;
    if (!build)
        return &skimmed_value;
    qc_value *v = fp_new(f, QC_VNUMBER, s);
    size_t len = (size_t)(p - s);
    v->u.num.text = qc_arena_strndup(f->a, s, len);
    if (integer)
        set_integer(v, v->u.num.text, len);
    return v;
}

static void *grow(void *p, size_t *cap, size_t size)
{
    *cap = *cap ? 2 * *cap : 256;
    p = realloc(p, *cap * size);
    if (!p)
        abort();
    return p;
}

/* Reads one value at nesting LEVEL.  BUILD false: checks it (syntax,
 * canonical layout, no duplicate keys) without building anything, and
 * returns &skimmed_value.  NULL: not canonical, or not plain enough. */
static qc_value *fp_value(struct fp *f, unsigned level, bool build)
{
    const char *p = f->p;
    qc_value *v = &skimmed_value;

    switch (*p) {
    case '{': {
        if (level >= QC_MAX_DEPTH)
            return NULL;
        if (build)
            v = fp_new(f, QC_VOBJECT, p);
        f->p = p + 1;
        if (*f->p == '}') {
            f->p++;
            return v;
        }
        size_t base = f->nmems, kbase = f->nkeys;
        for (;;) {
            qc_member m;
            if (!fp_indent(f, 2 * (size_t)(level + 1)) || *f->p != '"')
                return NULL;
            m.key_loc = qc_loc_make(f->src, (uint32_t)(f->p - f->base));
            if (!fp_string(f, &m.key, &m.key_len, build))
                return NULL;
            if (f->p[0] != ':' || f->p[1] != ' ')
                return NULL;
            f->p += 2;
            if (!build) {
                /* Duplicates are left to the slow path, which reports
                 * them with both places. */
                for (size_t k = kbase; k < f->nkeys; k++)
                    if (f->keys[k].len == m.key_len
                        && same_bytes(f->keys[k].s, m.key, m.key_len))
                        return NULL;
                if (f->nkeys == f->capkeys)
                    f->keys = grow(f->keys, &f->capkeys, sizeof *f->keys);
                f->keys[f->nkeys++] = (struct rawkey){ m.key, m.key_len };
                if (!fp_value(f, level + 1, false))
                    return NULL;
            } else {
                for (size_t k = base; k < f->nmems; k++)
                    if (f->mems[k].key_len == m.key_len
                        && (f->mems[k].key == m.key  /* interned */
                            || same_bytes(f->mems[k].key, m.key, m.key_len)))
                        return NULL;
                bool skim = level == 0 && f->skim_return && m.key_len == 6
                            && !memcmp(m.key, "return", 6);
                m.value = fp_value(f, level + 1, !skim);
                if (!m.value)
                    return NULL;
                if (f->nmems == f->capmems)
                    f->mems = grow(f->mems, &f->capmems, sizeof *f->mems);
                f->mems[f->nmems++] = m;
            }
            if (*f->p != ',')
                break;
            f->p++;
        }
        if (!fp_indent(f, 2 * (size_t)level) || *f->p != '}')
            return NULL;
        f->p++;
        f->nkeys = kbase;
        if (build) {
            v->u.obj.n = f->nmems - base;
            v->u.obj.members = qc_arena_alloc(f->a, (v->u.obj.n + 1) * sizeof(qc_member));
            memcpy(v->u.obj.members, f->mems + base, v->u.obj.n * sizeof(qc_member));
            f->nmems = base;
        }
        return v;
    }
    case '[': {
        if (level >= QC_MAX_DEPTH)
            return NULL;
        if (build)
            v = fp_new(f, QC_VARRAY, p);
        f->p = p + 1;
        if (*f->p == ']') {
            f->p++;
            return v;
        }
        size_t base = f->nitems;
        for (;;) {
            if (!fp_indent(f, 2 * (size_t)(level + 1)))
                return NULL;
            qc_value *e = fp_value(f, level + 1, build);
            if (!e)
                return NULL;
            if (build) {
                if (f->nitems == f->capitems)
                    f->items = grow(f->items, &f->capitems, sizeof *f->items);
                f->items[f->nitems++] = e;
            }
            if (*f->p != ',')
                break;
            f->p++;
        }
        if (!fp_indent(f, 2 * (size_t)level) || *f->p != ']')
            return NULL;
        f->p++;
        if (build) {
            v->u.arr.n = f->nitems - base;
            v->u.arr.items = qc_arena_alloc(f->a, (v->u.arr.n + 1) * sizeof(qc_value *));
            memcpy(v->u.arr.items, f->items + base, v->u.arr.n * sizeof(qc_value *));
            f->nitems = base;
        }
        return v;
    }
    case '"': {
        const char *s;
        size_t len;
        if (build)
            v = fp_new(f, QC_VSTRING, p);
        if (!fp_string(f, &s, &len, build))
            return NULL;
        if (build) {
            v->u.str.s = s;
            v->u.str.len = len;
        }
        return v;
    }
    case 't':
        if (strncmp(p, "true", 4))
            return NULL;
        if (build) {
            v = fp_new(f, QC_VBOOL, p);
            v->u.b = true;
        }
        f->p = p + 4;
        return v;
    case 'f':
        if (strncmp(p, "false", 5))
            return NULL;
        if (build)
            v = fp_new(f, QC_VBOOL, p);
        f->p = p + 5;
        return v;
    case 'n':
        if (strncmp(p, "null", 4))
            return NULL;
        if (build)
            v = fp_new(f, QC_VNULL, p);
        f->p = p + 4;
        return v;
    default:
        return fp_number(f, build);
    }
}

/* Growable array of entries (malloc), copied into the arena at the end. */
struct entvec {
    qc_rentry *e;
    size_t n, cap;
};

static qc_rentry *ent_push(struct entvec *v)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 64;
        v->e = realloc(v->e, v->cap * sizeof *v->e);
        if (!v->e)
            abort();
    }
    qc_rentry *e = &v->e[v->n++];
    memset(e, 0, sizeof *e);
    e->pair = -1;
    return e;
}

static bool fast_read(qc_arena *a, const qc_source *src, struct entvec *ents,
                      bool full)
{
    struct fp *f = calloc(1, sizeof *f);
    const char *prev_execute = NULL;
    bool ok = false;

    if (!f)
        abort();
    init_plain();
    f->a = a;
    f->src = src;
    f->base = f->p = src->text;
    f->end = src->text + src->len;
    while (src->len) {
        const char *start = f->p;
        f->skim_return = !full && prev_execute
                         && strcmp(prev_execute, "query-qmp-schema");
        qc_value *v = fp_value(f, 0, true);
        if (!v)
            break;
        prev_execute = qc_obj_get_str(v, "execute");
        qc_rentry *e = ent_push(ents);
        e->v = v;
        e->skimmed = f->skim_return && qc_obj_member(v, "return");
        e->start = (uint32_t)(start - f->base);
        e->end = (uint32_t)(f->p - f->base);
        if (f->p[0] == '\n' && f->p + 1 == f->end) {
            ok = true;
            break;
        }
        if (f->p[0] != '\n' || f->p[1] != '\n' || f->p + 2 >= f->end)
            break;
        f->p += 2;
    }
    free(f->items);
    free(f->mems);
    free(f->keys);
    free(f);
    if (!ok)
        ents->n = 0;
    return ok;
}

/* ---------------------------------------------------------------------------
 * Slow path: the grammar, re-synchronised after each syntax error at the
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
                      struct entvec *ents)
{
    /* The scanner leaves a NUL behind where it stops at a syntax error,
     * and re-synchronising blanks out what was read: the text is put back
     * from this copy afterwards. */
    char *saved = malloc(src->len + 1);
    uint32_t blanked = 0;

    if (!saved)
        abort();
    memcpy(saved, src->text, src->len);
    for (unsigned round = 0;; round++) {
        qc_parse_result pr;
        qc_parse(a, src, QC_DIALECT_STREAM, &pr);
        memcpy(src->text + blanked, saved + blanked, src->len - blanked);
        for (size_t i = 0; i < pr.nitems; i++) {
            qc_value *v = pr.items[i].value;
            if (!v)
                continue;
            qc_rentry *e = ent_push(ents);
            e->v = v;
            e->start = v->loc.off;
            e->end = value_end(src->text, src->len, v->loc.off);
        }
        if (!pr.error)
            break;
        r->syntax_errors++;
        uint32_t err = pr.error->loc.off;
        uint32_t bstart = ents->n && ents->e[ents->n - 1].end > blanked
                        ? ents->e[ents->n - 1].end : blanked;
        bstart = skip_ws(src->text, src->len, bstart);
        if (bstart > err)
            bstart = err;
        uint32_t rs = find_resync(src->text, src->len, err);
        if (rs && rs <= bstart)
            rs = find_resync(src->text, src->len, bstart + 1);
        qc_rentry *e = ent_push(ents);
        e->start = bstart;
        e->end = trim_back(src->text, bstart, rs ? rs : (uint32_t)src->len);
        if (e->end <= bstart)
            e->end = bstart + (bstart < src->len);
        e->error = pr.error;
        if (!rs || round >= MAX_RESYNC)
            break;
        /* Blank out what was read (newlines stay, so lines and offsets
         * do not move) and parse the rest. */
        for (uint32_t i = blanked; i < rs; i++)
            if (src->text[i] != '\n')
                src->text[i] = ' ';
        blanked = rs;
    }
    memcpy(src->text, saved, src->len);
    free(saved);
}

/* ---------------------------------------------------------------------------
 * Roles and pairs: strict alternation, command first. */

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
            e->pair = last;
            r->e[last].pair = (long)i;
            e->execute = r->e[last].execute;
            want_command = true;
        }
    }
}

qc_replies *qc_replies_read(qc_arena *a, qc_source *src, bool full,
                            qc_diag *d)
{
    qc_replies *r = qc_arena_alloc(a, sizeof *r);
    struct entvec ents = { NULL, 0, 0 };

    r->src = src;
    r->canonical = fast_read(a, src, &ents, full);
    if (!r->canonical)
        slow_read(a, src, r, &ents);
    r->n = ents.n;
    r->e = qc_arena_alloc(a, (ents.n + 1) * sizeof *r->e);
    if (ents.n)
        memcpy(r->e, ents.e, ents.n * sizeof *r->e);
    free(ents.e);
    pair_up(r);
    for (size_t i = 0; i < r->n; i++) {
        const qc_syntax_error *err = r->e[i].error;
        if (!err)
            continue;
        qc_diagnostic *dg = qc_error(d, err->loc, err->code, "%s: %s",
                                     qc_replies_label(a, r, i), err->message);
        qc_diag_show_column(dg);
    }
    return r;
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

/* ---------------------------------------------------------------------------
 * Checks. */

struct ck {
    qc_arena *a;
    qc_replies *r;
    qc_diag *d;
    size_t problems;
    size_t cur;                 /* entry being validated */
};

static qc_loc at_off(const struct ck *c, uint32_t off)
{
    return qc_loc_make(c->r->src, off);
}

static qc_loc entry_loc(const struct ck *c, size_t i)
{
    return at_off(c, c->r->e[i].start);
}

#define REPORT(c, loc, code, ...) \
    ((c)->problems++, qc_error((c)->d, (loc), (code), __VA_ARGS__))

static const char *label(struct ck *c, size_t i)
{
    return qc_replies_label(c->a, c->r, i);
}

/* -- duplicate keys, anywhere in an entry -- */

static size_t dup_walk(struct ck *c, size_t entry, const qc_value *v,
                       unsigned depth)
{
    size_t found = 0;
    if (!v || depth > QC_MAX_DEPTH)
        return 0;
    if (v->kind == QC_VARRAY) {
        for (size_t i = 0; i < v->u.arr.n; i++)
            found += dup_walk(c, entry, v->u.arr.items[i], depth + 1);
    } else if (v->kind == QC_VOBJECT) {
        const qc_member *m = v->u.obj.members;
        size_t n = v->u.obj.n;
        for (size_t i = 1; i < n; i++) {
            for (size_t j = 0; j < i; j++) {
                if (m[i].key_len != m[j].key_len
                    || memcmp(m[i].key, m[j].key, m[i].key_len))
                    continue;
                found++;
                if (c->d) {
                    qc_diagnostic *dg = REPORT(c, m[i].key_loc,
                        "replies-duplicate-key",
                        "%s: key '%s' appears twice in this object",
                        label(c, entry), m[i].key);
                    qc_diag_note(dg, m[j].key_loc, NULL, NULL,
                                 "its first appearance");
                }
                break;
            }
        }
        for (size_t i = 0; i < n; i++)
            found += dup_walk(c, entry, m[i].value, depth + 1);
    }
    return found;
}

/* -- format -- */

struct fmt {
    bool crlf;                  /* CR LF seen and reported once */
    qc_buf buf;
};

static size_t count_char(const char *s, size_t n, char ch)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == ch;
    return k;
}

/* The text between two entries (or before the first / after the last). */
static void check_gap(struct ck *c, struct fmt *f, uint32_t from, uint32_t to,
                      size_t next, bool first, bool last)
{
    const char *t = c->r->src->text;
    const char *g = t + from;
    size_t n = to - from;
    size_t nl = count_char(g, n, '\n');
    size_t cr = count_char(g, n, '\r');
    size_t other = n - nl - cr;

    if (first) {
        if (n)
            REPORT(c, at_off(c, from), "replies-separator",
                   "the file must begin with the first entry's '{', not with white space");
        return;
    }
    if (cr && !f->crlf) {
        const char *p = memchr(g, '\r', n);
        REPORT(c, at_off(c, from + (uint32_t)(p - g)), "replies-crlf",
               "line ends in CR LF; capability dumps use LF line ends only");
        f->crlf = true;
    }
    if (last) {
        if (nl == 0)
            REPORT(c, at_off(c, to ? to - 1 : 0), "replies-final-newline",
                   "%s: the file does not end with a newline",
                   label(c, c->r->n - 1));
        else if (nl > 1)
            REPORT(c, at_off(c, from + (uint32_t)((const char *)memchr(g, '\n', n) - g) + 1),
                   "replies-trailing-blank",
                   "empty line at the end of the file: it must end right after the last entry's closing brace and one newline");
        else if (other)
            REPORT(c, at_off(c, from), "replies-trailing-space",
                   "white space after the last entry");
        return;
    }
    if (nl == 2 && !other)
        return;
    if (nl == 2) {
        uint32_t k = 0;
        while (g[k] == '\n' || g[k] == '\r')
            k++;
        REPORT(c, at_off(c, from + k), "replies-separator",
               "%s: the empty line before it holds white space; entries are separated by exactly one empty line",
               label(c, next));
    } else if (nl < 2) {
        REPORT(c, at_off(c, to), "replies-separator",
               "%s: no empty line between it and the entry before; entries are separated by exactly one empty line",
               label(c, next));
    } else {
        REPORT(c, at_off(c, to), "replies-separator",
               "%s: %zu empty lines before it; entries are separated by exactly one empty line",
               label(c, next), nl - 1);
    }
}

static size_t lead_spaces(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] == ' ')
        k++;
    return k;
}

/* Compares entry I's text with its canonical rendering, line by line, and
 * reports the first line that differs. */
static void check_entry_text(struct ck *c, struct fmt *f, size_t i)
{
    const qc_rentry *e = &c->r->e[i];
    const char *t = c->r->src->text;
    const char *ap = t + e->start, *aend = t + e->end;

    qc_buf_reset(&f->buf);
    qc_json_write(&f->buf, e->v, 2, 0);
    const char *ep = f->buf.data, *eend = f->buf.data + f->buf.len;
    if ((size_t)(aend - ap) == f->buf.len && !memcmp(ap, ep, f->buf.len))
        return;

    for (;;) {
        const char *anl = memchr(ap, '\n', (size_t)(aend - ap));
        const char *enl = memchr(ep, '\n', (size_t)(eend - ep));
        const char *ae = anl ? anl : aend, *ee = enl ? enl : eend;
        size_t alen = (size_t)(ae - ap), elen = (size_t)(ee - ep);
        if (alen && ap[alen - 1] == '\r') {
            if (!f->crlf) {
                REPORT(c, at_off(c, (uint32_t)(ap + alen - 1 - t)), "replies-crlf",
                       "line ends in CR LF; capability dumps use LF line ends only");
                f->crlf = true;
            }
            alen--;
        }
        if (alen != elen || memcmp(ap, ep, alen)) {
            size_t k = 0;
            while (k < alen && k < elen && ap[k] == ep[k])
                k++;
            size_t as = lead_spaces(ap, alen), es = lead_spaces(ep, elen);
            const char *hi = NULL;
            for (size_t j = 0; j < alen; j++)
                if ((unsigned char)ap[j] >= 0x80) {
                    hi = ap + j;
                    break;
                }
            /* A window of the expected line around the difference. */
            size_t from = k > 40 ? k - 40 : 0;
            size_t to = elen - from > 80 ? from + 80 : elen;
            const char *snip = qc_arena_printf(c->a, "%s%.*s%s",
                from ? "..." : "", (int)(to - from), ep + from,
                to < elen ? "..." : "");
            if (hi) {
                REPORT(c, at_off(c, (uint32_t)(hi - t)), "replies-non-ascii",
                       "%s: non-ASCII character; capability dumps are ASCII-only and write it as a \\u escape: expected `%s`",
                       label(c, i), snip);
            } else if (as != es && alen - as == elen - es
                       && !memcmp(ap + as, ep + es, alen - as)) {
                REPORT(c, at_off(c, (uint32_t)(ap - t)), "replies-indent",
                       "%s: indented by %zu spaces, expected %zu (2 per level)",
                       label(c, i), as, es);
            } else if (!anl && enl) {
                REPORT(c, at_off(c, (uint32_t)(ap + k - t)), "replies-format",
                       "%s: not in canonical form: the line continues where a line break is expected; expected `%s`",
                       label(c, i), snip);
            } else if (k == alen && k > 0 && k < elen
                       && ((ap[k - 1] == '{' && ep[k] == '}')
                           || (ap[k - 1] == '[' && ep[k] == ']'))) {
                /* Libvirt's older JSON writer (yajl) broke empty
                 * containers over two lines. */
                REPORT(c, at_off(c, (uint32_t)(ap + k - 1 - t)), "replies-format",
                       "%s: not in canonical form: empty %s written over two lines (older libvirt layout); expected `%s`",
                       label(c, i), ap[k - 1] == '{' ? "object" : "array", snip);
            } else {
                REPORT(c, at_off(c, (uint32_t)(ap + k - t)), "replies-format",
                       "%s: not in canonical form (2-space indent, \": \" after keys, one member or element per line); expected `%s`",
                       label(c, i), snip);
            }
            return;
        }
        if (!anl || !enl) {
            if (anl || enl)
                REPORT(c, at_off(c, (uint32_t)(ae - t)), "replies-format",
                       "%s: not in canonical form: %s", label(c, i),
                       anl ? "more lines than expected" : "fewer lines than expected");
            return;
        }
        ap = anl + 1;
        ep = enl + 1;
    }
}

static void check_format(struct ck *c)
{
    qc_replies *r = c->r;
    struct fmt f = { false, QC_BUF_INIT };
    const char *t = r->src->text;
    uint32_t prev_end = 0;
    bool prev_broken = false;

    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        bool broken = e->kind == QC_RENTRY_BROKEN;
        if (!prev_broken && !broken)
            check_gap(c, &f, prev_end, e->start, i, i == 0, false);
        if (!broken)
            check_entry_text(c, &f, i);
        prev_end = e->end;
        prev_broken = broken;
    }
    if (r->n && !prev_broken)
        check_gap(c, &f, prev_end, (uint32_t)r->src->len, r->n, false, true);
    (void)t;
    qc_buf_free(&f.buf);
}

/* -- conversation -- */

static bool key_in(const char *key, const char *const *keys)
{
    for (; *keys; keys++)
        if (!strcmp(key, *keys))
            return true;
    return false;
}

/* N of "libvirt-N", or -1. */
static long id_number(const char *id)
{
    if (!id || strncmp(id, "libvirt-", 8))
        return -1;
    const char *p = id + 8;
    if (*p < '1' || *p > '9')
        return -1;
    long n = 0;
    for (; *p; p++) {
        if (!is_digit(*p) || n > 100000000)
            return -1;
        n = n * 10 + (*p - '0');
    }
    return n;
}

static void check_command(struct ck *c, size_t i)
{
    const qc_rentry *e = &c->r->e[i];
    const qc_value *v = e->v;
    static const char *const keys[] = { "execute", "arguments", "id", NULL };
    int last_rank = -1;

    for (size_t k = 0; k < v->u.obj.n; k++) {
        const qc_member *m = &v->u.obj.members[k];
        int rank = -1;
        for (int j = 0; keys[j]; j++)
            if (!strcmp(m->key, keys[j]))
                rank = j;
        if (rank < 0) {
            REPORT(c, m->key_loc, "replies-command-key",
                   "%s: unexpected key '%s' in a command (allowed: 'execute', 'arguments', 'id')",
                   label(c, i), m->key);
            continue;
        }
        if (rank < last_rank)
            REPORT(c, m->key_loc, "replies-key-order",
                   "%s: key '%s' out of order: libvirt sends 'execute', 'arguments', 'id' in this order and its tests compare commands verbatim",
                   label(c, i), m->key);
        last_rank = rank;
    }
    const qc_value *x = qc_obj_get(v, "execute");
    if (!qc_is_string(x))
        REPORT(c, x->loc, "replies-command-key",
               "%s: 'execute' must be a string, not %s", label(c, i),
               qc_value_type_name(x));
    const qc_value *args = qc_obj_get(v, "arguments");
    if (args && !qc_is_object(args))
        REPORT(c, args->loc, "replies-command-key",
               "%s: 'arguments' must be an object, not %s", label(c, i),
               qc_value_type_name(args));
}

static void check_reply(struct ck *c, size_t i)
{
    const qc_rentry *e = &c->r->e[i];
    const qc_value *v = e->v;
    static const char *const keys[] = { "return", "error", "id", NULL };

    for (size_t k = 0; k < v->u.obj.n; k++) {
        const qc_member *m = &v->u.obj.members[k];
        if (!key_in(m->key, keys))
            REPORT(c, m->key_loc, "replies-reply-key",
                   "%s: unexpected key '%s' in a reply (allowed: 'return' or 'error', and 'id')",
                   label(c, i), m->key);
    }
    const qc_member *ret = qc_obj_member(v, "return");
    const qc_member *err = qc_obj_member(v, "error");
    if (ret && err)
        REPORT(c, err->key_loc, "replies-reply-key",
               "%s: a reply holds either 'return' or 'error', not both",
               label(c, i));
    if (err) {
        const qc_value *ev = err->value;
        if (!qc_is_object(ev)) {
            REPORT(c, ev->loc, "replies-reply-key",
                   "%s: 'error' must be an object {\"class\": ..., \"desc\": ...}, not %s",
                   label(c, i), qc_value_type_name(ev));
        } else {
            static const char *const ekeys[] = { "class", "desc", NULL };
            for (size_t k = 0; k < ev->u.obj.n; k++) {
                const qc_member *m = &ev->u.obj.members[k];
                if (!key_in(m->key, ekeys))
                    REPORT(c, m->key_loc, "replies-reply-key",
                           "%s: unexpected key '%s' in 'error' (allowed: 'class', 'desc')",
                           label(c, i), m->key);
                else if (!qc_is_string(m->value))
                    REPORT(c, m->value->loc, "replies-reply-key",
                           "%s: error '%s' must be a string, not %s",
                           label(c, i), m->key, qc_value_type_name(m->value));
            }
            for (int k = 0; ekeys[k]; k++)
                if (!qc_obj_member(ev, ekeys[k]))
                    REPORT(c, ev->loc, "replies-reply-key",
                           "%s: 'error' has no '%s'", label(c, i), ekeys[k]);
        }
    }
}

static void check_conversation(struct ck *c)
{
    qc_replies *r = c->r;
    bool first = true;
    long counter = 1;           /* id number due for the next command */
    bool last_wrong = false;
    long last_n = -1;

    if (!r->n) {
        if (!r->syntax_errors)
            REPORT(c, at_off(c, 0), "replies-empty",
                   "the file holds no entries; a capability dump is a QMP conversation beginning with qmp_capabilities");
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        qc_rentry *e = &r->e[i];
        const qc_value *v = e->v;

        if (e->kind == QC_RENTRY_OTHER) {
            if (!qc_is_object(v))
                REPORT(c, v->loc, "replies-not-object",
                       "%s: every entry must be a JSON object, this one is %s %s",
                       label(c, i), v->kind == QC_VARRAY || v->kind == QC_VOBJECT ? "an" : "a",
                       qc_value_type_name(v));
            else
                REPORT(c, v->loc, "replies-entry-kind",
                       "%s: neither a command (no 'execute' key) nor a reply (no 'return' or 'error' key)",
                       label(c, i));
        } else if (e->kind == QC_RENTRY_COMMAND) {
            check_command(c, i);
        } else if (e->kind == QC_RENTRY_REPLY) {
            check_reply(c, i);
        }

        if (e->role == QC_RROLE_ORPHAN) {
            REPORT(c, entry_loc(c, i), "replies-missing-command",
                   "%s: a reply where a command is due: its command is missing (or the entries are out of order)",
                   label(c, i));
            continue;
        }
        if (e->role == QC_RROLE_REPLY) {
            const qc_rentry *cmd = &r->e[e->pair];
            if (e->kind == QC_RENTRY_BROKEN || !qc_is_object(v))
                continue;
            const qc_value *idv = qc_obj_get(v, "id");
            if (!idv)
                REPORT(c, v->loc, "replies-id",
                       "%s: the reply has no 'id'%s%s%s", label(c, i),
                       cmd->id ? "; its command's is '" : "",
                       cmd->id ? cmd->id : "", cmd->id ? "'" : "");
            else if (!e->id)
                REPORT(c, idv->loc, "replies-id",
                       "%s: 'id' must be a string, not %s", label(c, i),
                       qc_value_type_name(idv));
            else if (cmd->id && strcmp(e->id, cmd->id))
                REPORT(c, idv->loc, "replies-id-mismatch",
                       "%s: reply id '%s' differs from its command's id '%s' (entry %ld)",
                       label(c, i), e->id, cmd->id, e->pair + 1);
            continue;
        }

        /* A command, or whatever stands in its place. */
        if (e->pair < 0)
            REPORT(c, entry_loc(c, i), "replies-missing-reply",
                   "%s: the command has no reply (the next entry %s)",
                   label(c, i), i + 1 < r->n ? "is another command"
                                             : "does not exist");
        if (first && e->kind == QC_RENTRY_COMMAND
            && (!e->execute || strcmp(e->execute, "qmp_capabilities")))
            REPORT(c, entry_loc(c, i), "replies-no-capabilities",
                   "%s: the conversation must begin with 'qmp_capabilities'",
                   label(c, i));
        first = false;
        if (e->execute && !strcmp(e->execute, "qmp_capabilities"))
            counter = 1;
        if (e->kind == QC_RENTRY_BROKEN || !qc_is_object(v)) {
            counter++;
            continue;
        }
        const qc_value *idv = qc_obj_get(v, "id");
        long num = id_number(e->id);
        if (!idv) {
            REPORT(c, v->loc, "replies-id",
                   "%s: the command has no 'id'; expected 'libvirt-%ld'",
                   label(c, i), counter);
        } else if (num < 0) {
            REPORT(c, idv->loc, "replies-id",
                   "%s: id must be a string 'libvirt-N' (N from 1), expected 'libvirt-%ld'",
                   label(c, i), counter);
        } else if (num != counter) {
            /* After one wrong id, a run that goes on from it by one is
             * taken as the file's numbering, so that a missing pair is
             * reported once, not at every command after it. */
            if (!(last_wrong && num == last_n + 1)) {
                REPORT(c, idv->loc, "replies-id",
                       "%s: id is 'libvirt-%ld', expected 'libvirt-%ld' (ids count from 1 at each qmp_capabilities, one per command)",
                       label(c, i), num, counter);
                last_wrong = true;
                last_n = num;
                counter++;
                continue;
            }
            counter = num;
        }
        last_wrong = false;
        last_n = num;
        counter++;
    }
}

/* -- schema and commands -- */

struct vctx {
    struct ck *c;
    size_t entry;
    const qc_value *fallback;
    bool skip_duplicates;
};

static void on_problem(void *ctx, const char *path, const qc_value *at,
                       const char *code, const char *message)
{
    struct vctx *v = ctx;
    if (v->skip_duplicates && !strcmp(code, "qmp-duplicate-member"))
        return;   /* reported by the duplicate-key check already */
    const qc_value *where = at ? at : v->fallback;
    REPORT(v->c, where->loc, code, "%s: %s%s%s", label(v->c, v->entry),
           path && *path ? path : "", path && *path ? ": " : "", message);
}

static void check_commands(struct ck *c, const qc_replies_opts *o)
{
    qc_replies *r = c->r;
    long si = qc_replies_find(r, "query-qmp-schema");

    if (si < 0) {
        /* QEMU before 2.5 had no query-qmp-schema: nothing is amiss. */
        long vi = qc_replies_find(r, "query-version");
        const qc_value *ret = vi < 0 ? NULL : qc_obj_get(r->e[vi].v, "return");
        if (vi >= 0 && r->e[vi].skimmed) {
            /* Not built on the fast path: read that one entry again. */
            const qc_rentry *e = &r->e[vi];
            qc_source *one = qc_source_from_mem(c->a, r->src->path,
                                                r->src->text + e->start,
                                                e->end - e->start, false);
            size_t n = 0;
            qc_value **v = qc_parse_json(c->a, one, false, c->d, &n);
            ret = v && n ? qc_obj_get(v[0], "return") : NULL;
        }
        const qc_value *q = qc_obj_get(ret, "qemu");
        const qc_value *ma = qc_obj_get(q, "major"), *mi = qc_obj_get(q, "minor");
        if (ma && mi && ma->kind == QC_VINT && mi->kind == QC_VINT
            && ma->u.num.i >= 0 && mi->u.num.i >= 0
            && (ma->u.num.i < 2 || (ma->u.num.i == 2 && mi->u.num.i < 5))) {
            qc_warning(c->d, at_off(c, 0), "replies-no-schema",
                       "QEMU %lld.%lld predates query-qmp-schema (QEMU 2.5), so the dump's commands are not validated",
                       (long long)ma->u.num.i, (long long)mi->u.num.i);
            return;
        }
        REPORT(c, at_off(c, 0), "replies-no-schema",
               "no successful reply to query-qmp-schema: the dump has no schema, so its commands cannot be validated");
        return;
    }
    const qc_value *schema = qc_obj_get(r->e[si].v, "return");
    size_t bad = qc_ischema_check(c->a, schema, qc_replies_label(c->a, r, (size_t)si),
                                  c->d);
    c->problems += bad;
    if (!qc_is_array(schema))
        return;
    qc_ischema *s = qc_ischema_new(c->a, schema);
    qc_validate_opts ro = { true, true };   /* feature policy is for input */

    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        if (e->kind == QC_RENTRY_COMMAND && e->execute) {
            struct vctx vc = { c, i, e->v, true };
            qc_validate_command(c->a, s, e->v, &o->validate, on_problem, &vc);
        }
        if (o->check_returns && e->kind == QC_RENTRY_REPLY && !e->skimmed
            && e->role == QC_RROLE_REPLY && e->execute) {
            const qc_value *ret = qc_obj_get(e->v, "return");
            const qc_value *cmd = qc_ischema_lookup(s, e->execute);
            const char *rt = qc_obj_get_str(cmd, "ret-type");
            if (!ret || !rt)
                continue;
            struct vctx vc = { c, i, ret, true };
            qc_validate_value(c->a, s, rt, ret, "return", &ro, on_problem, &vc);
        }
    }
}

size_t qc_replies_check(qc_arena *a, qc_replies *r, const qc_replies_opts *o,
                        qc_diag *d)
{
    struct ck c = { a, r, d, 0, 0 };

    check_conversation(&c);
    /* The fast path gives up on duplicate keys: canonical means none. */
    if (!r->canonical) {
        for (size_t i = 0; i < r->n; i++)
            dup_walk(&c, i, r->e[i].v, 0);
        check_format(&c);
    }
    check_commands(&c, o);
    return c.problems;
}

/* ---------------------------------------------------------------------------
 * Canonical rewriting. */

static void set_id(qc_arena *a, qc_value *v, const char *id, bool first)
{
    qc_member *m = qc_obj_member(v, "id");
    qc_value *s = qc_arena_alloc(a, sizeof *s);
    s->kind = QC_VSTRING;
    s->loc = m ? m->value->loc : v->loc;
    s->u.str.s = id;
    s->u.str.len = strlen(id);
    if (m) {
        m->value = s;
        return;
    }
    /* libvirt's order: commands and success replies end with "id", error
     * replies begin with it. */
    qc_member *nm = qc_arena_alloc(a, (v->u.obj.n + 2) * sizeof *nm);
    size_t k = 0;
    if (first)
        nm[k++] = (qc_member){ "id", 2, v->loc, s };
    memcpy(nm + k, v->u.obj.members, v->u.obj.n * sizeof *nm);
    k += v->u.obj.n;
    if (!first)
        nm[k++] = (qc_member){ "id", 2, v->loc, s };
    v->u.obj.members = nm;
    v->u.obj.n = k;
}

bool qc_replies_is_fixed(const qc_replies *r)
{
    if (!r->canonical || r->syntax_errors || !r->n || r->n % 2)
        return false;
    long seq = 1;
    char want[32];
    for (size_t i = 0; i < r->n; i += 2) {
        const qc_rentry *cmd = &r->e[i], *rep = &r->e[i + 1];
        if (cmd->kind != QC_RENTRY_COMMAND || !cmd->execute
            || rep->kind != QC_RENTRY_REPLY)
            return false;
        if (!strcmp(cmd->execute, "qmp_capabilities"))
            seq = 1;
        snprintf(want, sizeof want, "libvirt-%ld", seq++);
        if (!cmd->id || !rep->id || strcmp(cmd->id, want)
            || strcmp(rep->id, want))
            return false;
    }
    return true;
}

bool qc_replies_render_fixed(qc_arena *a, qc_replies *r, qc_buf *out,
                             qc_diag *d)
{
    struct ck c = { a, r, NULL, 0, 0 };
    qc_loc at = qc_loc_make(r->src, 0);

    if (r->syntax_errors) {
        qc_error(d, at, "replies-fix-refused",
                 "not rewritten: the file has syntax errors");
        return false;
    }
    if (!r->n) {
        qc_error(d, at, "replies-fix-refused",
                 "not rewritten: the file holds no entries");
        return false;
    }
    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        bool ok = i % 2 ? e->kind == QC_RENTRY_REPLY
                        : e->kind == QC_RENTRY_COMMAND && e->execute;
        if (!ok) {
            qc_error(d, qc_loc_make(r->src, e->start), "replies-fix-refused",
                     "not rewritten: %s is not %s, so the conversation cannot be renumbered safely",
                     qc_replies_label(a, r, i),
                     i % 2 ? "a reply (an object with 'return' or 'error')"
                           : "a command (an object with a string 'execute')");
            return false;
        }
        if (dup_walk(&c, i, e->v, 0)) {
            qc_error(d, qc_loc_make(r->src, e->start), "replies-fix-refused",
                     "not rewritten: %s has duplicate keys, and which one to keep is not clear",
                     qc_replies_label(a, r, i));
            return false;
        }
    }
    if (r->n % 2) {
        qc_error(d, qc_loc_make(r->src, r->e[r->n - 1].start),
                 "replies-fix-refused",
                 "not rewritten: %s has no reply", qc_replies_label(a, r, r->n - 1));
        return false;
    }
    long seq = 1;
    qc_buf_reset(out);
    for (size_t i = 0; i < r->n; i += 2) {
        qc_rentry *cmd = &r->e[i], *rep = &r->e[i + 1];
        if (!strcmp(cmd->execute, "qmp_capabilities"))
            seq = 1;
        const char *id = qc_arena_printf(a, "libvirt-%ld", seq++);
        set_id(a, cmd->v, id, false);
        set_id(a, rep->v, id, !qc_obj_member(rep->v, "return"));
        cmd->id = rep->id = id;
        if (i)
            qc_buf_append(out, "\n\n", 2);
        qc_json_write(out, cmd->v, 2, 0);
        qc_buf_append(out, "\n\n", 2);
        qc_json_write(out, rep->v, 2, 0);
    }
    qc_buf_putc(out, '\n');
    return true;
}
