/* The fast reader of capability dumps (see replies_int.h): one pass that builds the value tree and at the same time
 * proves that the text is exactly its canonical rendering (qc_json_write
 * with indent 2, entries joined by one empty line, one final newline).  It
 * gives up at the first byte that is not canonical or not plain -- any
 * '\u' escape, non-ASCII, a syntax error -- and the caller falls back to
 * the grammar, which is about five times slower but knows everything. */
#include "dumps/replies_int.h"

#include <stdlib.h>
#include <string.h>

#include "syntax/parse.h"


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
        qc_value_set_integer(v, v->u.num.text, len);
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

static qc_value *fp_value(struct fp *f, unsigned level, bool build);

/* Opens the object or array at F->p, which CLOSE ends: false when it is
 * nested too deep.  *V gets the new value (the skim marker unless BUILD),
 * *EMPTY whether it closes right away (then it is read whole). */
static inline bool fp_open(struct fp *f, unsigned level, bool build,
                           qc_vkind kind, char close, qc_value **v,
                           bool *empty)
{
    if (level >= QC_MAX_DEPTH)
        return false;
    *v = build ? fp_new(f, kind, f->p) : &skimmed_value;
    f->p++;
    *empty = *f->p == close;
    if (*empty)
        f->p++;
    return true;
}

/* An object at F->p; see fp_value (into which it is inlined: this is the
 * inner loop of reading a dump). */
static inline __attribute__((always_inline)) qc_value *
fp_object(struct fp *f, unsigned level, bool build)
{
    qc_value *v;
    bool empty;
    if (!fp_open(f, level, build, QC_VOBJECT, '}', &v, &empty))
        return NULL;
    if (empty)
        return v;
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

/* An array at F->p; see fp_value. */
static inline __attribute__((always_inline)) qc_value *
fp_array(struct fp *f, unsigned level, bool build)
{
    qc_value *v;
    bool empty;
    if (!fp_open(f, level, build, QC_VARRAY, ']', &v, &empty))
        return NULL;
    if (empty)
        return v;
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

/* Reads one value at nesting LEVEL.  BUILD false: checks it (syntax,
 * canonical layout, no duplicate keys) without building anything, and
 * returns &skimmed_value.  NULL: not canonical, or not plain enough. */
static qc_value *fp_value(struct fp *f, unsigned level, bool build)
{
    const char *p = f->p;
    qc_value *v = &skimmed_value;

    switch (*p) {
    case '{':
        return fp_object(f, level, build);
    case '[':
        return fp_array(f, level, build);
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
        if (p[1] != 'r' || p[2] != 'u' || p[3] != 'e')
            return NULL;
        if (build) {
            v = fp_new(f, QC_VBOOL, p);
            v->u.b = true;
        }
        f->p = p + 4;
        return v;
    case 'f':
        if (p[1] != 'a' || p[2] != 'l' || p[3] != 's' || p[4] != 'e')
            return NULL;
        if (build)
            v = fp_new(f, QC_VBOOL, p);
        f->p = p + 5;
        return v;
    case 'n':
        if (p[1] != 'u' || p[2] != 'l' || p[3] != 'l')
            return NULL;
        if (build)
            v = fp_new(f, QC_VNULL, p);
        f->p = p + 4;
        return v;
    default:
        return fp_number(f, build);
    }
}


bool qc_replies_fast_read(qc_arena *a, const qc_source *src,
                          struct qc_rentvec *ents, bool full)
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
        qc_rentry *e = qc_rentvec_push(ents);
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
