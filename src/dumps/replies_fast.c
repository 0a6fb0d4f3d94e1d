/* The fast reader of capability dumps (see replies_int.h): one pass that builds the value tree and at the same time
 * proves that the text is exactly its canonical rendering (qc_json_write
 * with indent 2, entries joined by one empty line, one final newline).  It
 * gives up at the first byte that is not canonical or not plain -- any
 * '\u' escape, non-ASCII, a syntax error -- and the caller falls back to
 * the grammar, which is about five times slower but knows everything. */
#include "dumps/replies_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/scan.h"

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
    /* The keys of the objects being read, as written in the text,
     * innermost last (for duplicates: see key_seen). */
    struct rawkey { const char *s; uint32_t len, hash; } *keys;
    size_t nkeys, capkeys;
    uint32_t gen;               /* of the entries of the cache that count */
};

/* Short strings repeat a lot (keys, type names): one arena copy each,
 * found through a direct-mapped cache keyed by their bytes (fp_copy).
 * It lives as long as the program: an entry counts only for the read
 * that made it (its generation), so no read clears it. */
static struct fp_intern {
    const char *s;
    uint32_t len, gen;
    uint64_t w[3];
} intern[4096];
static uint32_t intern_gen;

/* Stands in for a value that was skimmed. */
static qc_value skimmed_value = { .kind = QC_VNULL };

/* 1 for the bytes a canonical string holds as they are. */
static unsigned char plain[256];
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

/* Eight bytes, the first in the low bits. */
static uint64_t load8(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

/* "\n" and exactly N spaces, and no more: eight at a time (every line
 * starts so; the text is padded, so a load may look past its end). */
static inline bool fp_indent(struct fp *f, size_t n)
{
    const char *p = f->p;
    const uint64_t sp = 0x2020202020202020ull;
    if (*p != '\n')
        return false;
    p++;
    if ((size_t)(f->end - p) < n + 1)
        return false;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        if (load8(p + i) != sp)
            return false;
    if (i < n) {
        /* The last few, and the byte after them: not a space. */
        uint64_t x = load8(p + i) ^ sp, k = n - i;
        if ((x & ((1ull << (8 * k)) - 1)) || !(x >> (8 * k) & 0xff))
            return false;
    } else if (p[n] == ' ') {
        return false;
    }
    f->p = p + n;
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
/* The first K (at most 8) bytes of P, the others zero. */
static uint64_t head8(const char *p, size_t k)
{
    return k >= 8 ? load8(p) : load8(p) & ((1ull << (8 * k)) - 1);
}

/* The N bytes at P as three words -- all of them when N <= 24, else the
 * first sixteen and the last eight -- and a hash of those. */
struct words {
    uint64_t w[3];
    uint32_t hash;
};

static inline void fp_words(const char *p, size_t n, struct words *k)
{
    k->w[0] = head8(p, n);
    k->w[1] = n > 8 ? head8(p + 8, n - 8) : 0;
    k->w[2] = n <= 16 ? 0 : n <= 24 ? head8(p + 16, n - 16) : load8(p + n - 8);
    uint64_t h = (k->w[0] * 0x9E3779B97F4A7C15ull)
               ^ (k->w[1] * 0xC2B2AE3D27D4EB4Full)
               ^ (k->w[2] * 0x165667B19E3779F9ull) ^ n;
    k->hash = (uint32_t)(h ^ (h >> 32));
}

/* The copy in the arena of the N plain bytes at P (K: their words): for a
 * short one, the copy in the cache if it is there. */
static inline const char *fp_copy(struct fp *f, const char *p, size_t n,
                                  const struct words *k)
{
    if (n > 24)
        return qc_arena_strndup(f->a, p, n);
    struct fp_intern *c = &intern[k->hash & 4095];
    if (c->gen != f->gen || c->len != n || c->w[0] != k->w[0]
        || c->w[1] != k->w[1] || c->w[2] != k->w[2]) {
        c->s = qc_arena_strndup(f->a, p, n);
        c->gen = f->gen;
        c->len = (uint32_t)n;
        memcpy(c->w, k->w, sizeof c->w);
    }
    return c->s;
}

/* A string with escapes, whose first special byte is at P: only those
 * the canonical writer uses for ASCII text.  *RAW_END gets the end of
 * its text (the closing quote).  Rare: out of line. */
static __attribute__((noinline)) bool
fp_escaped(struct fp *f, const unsigned char *start, const unsigned char *p,
           const char **s, size_t *len, bool build,
           const unsigned char **raw_end)
{
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
    *raw_end = p;
    f->p = (const char *)p + 1;
    if (!build) {
        /* Raw text: canonical escapes are unique, so raw keys compare
         * as decoded ones would. */
        *s = (const char *)start;
        *len = (size_t)(p - start);
        return true;
    }
    char *out = qc_arena_alloc_text(f->a, (size_t)(p - start) + 1);
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
    return true;
}

/* The string at F->p: *S and *LEN get its value (its raw text unless
 * BUILD), K (when not NULL) the words and hash of its text as written.
 * Inline: every line has one or two. */
static inline __attribute__((always_inline)) bool
fp_string(struct fp *f, const char **s, size_t *len, bool build,
          struct words *k)
{
    const unsigned char *start = (const unsigned char *)f->p + 1;
    const unsigned char *p = (const unsigned char *)
        qc_skip_plain((const char *)start, '"');
    if (*p != '"') {
        const unsigned char *raw_end;
        if (!fp_escaped(f, start, p, s, len, build, &raw_end))
            return false;
        if (k)
            fp_words((const char *)start, (size_t)(raw_end - start), k);
        return true;
    }
    size_t n = (size_t)(p - start);
    f->p = (const char *)p + 1;
    *len = n;
    struct words own;
    if (!k && build && n <= 24)
        k = &own;
    if (k)
        fp_words((const char *)start, n, k);
    *s = !build ? (const char *)start : fp_copy(f, (const char *)start, n, k);
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

/* The keys of one object so far: F->keys from BASE up.  Most objects
 * have a few, compared one by one; one with many gets an index (linear
 * probing, positions + 1), so that no object costs the square of its
 * size. */
struct keyset {
    size_t base;
    uint32_t *index;
    size_t mask;
};

#define KEYS_LINEAR 32

static void keyset_place(struct fp *f, struct keyset *ks, size_t k)
{
    size_t i = f->keys[ks->base + k].hash & ks->mask;
    while (ks->index[i])
        i = (i + 1) & ks->mask;
    ks->index[i] = (uint32_t)k + 1;
}

static void keyset_build(struct fp *f, struct keyset *ks, size_t n)
{
    free(ks->index);
    ks->mask = 4 * KEYS_LINEAR - 1;
    while (ks->mask + 1 < 4 * n)
        ks->mask = 2 * ks->mask + 1;
    ks->index = calloc(ks->mask + 1, sizeof *ks->index);
    if (!ks->index)
        abort();
    for (size_t k = 0; k < n; k++)
        keyset_place(f, ks, k);
}

/* Whether the key S (LEN bytes, hash H) is in KS already; else it joins
 * it. */
static bool key_seen(struct fp *f, struct keyset *ks, const char *s,
                     size_t len, uint32_t h)
{
    size_t n = f->nkeys - ks->base;
    /* No keys yet: F->keys may be NULL, and NULL + 0 is undefined. */
    const struct rawkey *keys = n ? f->keys + ks->base : NULL;
    if (n >= KEYS_LINEAR && (!ks->index || 2 * n > ks->mask))
        keyset_build(f, ks, n);
    if (ks->index) {
        for (size_t i = h & ks->mask; ks->index[i]; i = (i + 1) & ks->mask) {
            const struct rawkey *k = &keys[ks->index[i] - 1];
            if (k->hash == h && k->len == len && same_bytes(k->s, s, len))
                return true;
        }
    } else {
        for (size_t k = 0; k < n; k++)
            if (keys[k].hash == h && keys[k].len == len
                && same_bytes(keys[k].s, s, len))
                return true;
    }
    if (f->nkeys == f->capkeys)
        f->keys = grow(f->keys, &f->capkeys, sizeof *f->keys);
    f->keys[f->nkeys++] = (struct rawkey){ s, (uint32_t)len, h };
    if (ks->index)
        keyset_place(f, ks, n);
    return false;
}

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

static qc_value *fp_value(struct fp *f, unsigned level, bool build);

/* The value at F->p, nesting LEVEL: scalars read here (inline: this is
 * the inner loop of reading a dump), objects and arrays by fp_value.
 * BUILD false: checks it (syntax, canonical layout, no duplicate keys)
 * without building anything, and returns &skimmed_value.  NULL: not
 * canonical, or not plain enough. */
static inline __attribute__((always_inline)) qc_value *
fp_item(struct fp *f, unsigned level, bool build)
{
    const char *p = f->p;
    qc_value *v = &skimmed_value;

    switch (*p) {
    case '{':
    case '[':
        return fp_value(f, level, build);
    case '"': {
        const char *s;
        size_t len;
        if (!fp_string(f, &s, &len, build, NULL))
            return NULL;
        if (build) {
            v = fp_new(f, QC_VSTRING, p);
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

/* An object at F->p; see fp_item. */
static qc_value *fp_object(struct fp *f, unsigned level, bool build)
{
    qc_value *v;
    bool empty;
    if (!fp_open(f, level, build, QC_VOBJECT, '}', &v, &empty))
        return NULL;
    if (empty)
        return v;
    size_t base = f->nmems;
    struct keyset ks = { f->nkeys, NULL, 0 };
    for (;;) {
        qc_member m;
        struct words k;
        if (!fp_indent(f, 2 * (size_t)(level + 1)) || *f->p != '"')
            goto fail;
        m.key_loc = qc_loc_make(f->src, (uint32_t)(f->p - f->base));
        const char *raw = f->p + 1;
        if (!fp_string(f, &m.key, &m.key_len, build, &k))
            goto fail;
        /* Duplicates are left to the slow path, which reports them with
         * both places.  Keys are compared as written, in the padded text:
         * canonical escapes are unique, so that is comparing them. */
        if (key_seen(f, &ks, raw, (size_t)(f->p - 1 - raw), k.hash))
            goto fail;
        if (f->p[0] != ':' || f->p[1] != ' ')
            goto fail;
        f->p += 2;
        if (!build) {
            if (!fp_item(f, level + 1, false))
                goto fail;
        } else {
            bool skim = level == 0 && f->skim_return && m.key_len == 6
                        && !memcmp(m.key, "return", 6);
            m.value = skim ? fp_item(f, level + 1, false)
                           : fp_item(f, level + 1, true);
            if (!m.value)
                goto fail;
            if (f->nmems == f->capmems)
                f->mems = grow(f->mems, &f->capmems, sizeof *f->mems);
            f->mems[f->nmems++] = m;
        }
        if (*f->p != ',')
            break;
        f->p++;
    }
    free(ks.index);
    ks.index = NULL;
    if (!fp_indent(f, 2 * (size_t)level) || *f->p != '}')
        return NULL;
    f->p++;
    f->nkeys = ks.base;
    if (build) {
        size_t n = f->nmems - base;
        v->u.obj.n = n;
        v->u.obj.members = qc_arena_alloc_uninit(f->a,
                                                 (n + 1) * sizeof(qc_member));
        memcpy(v->u.obj.members, f->mems + base, n * sizeof(qc_member));
        memset(&v->u.obj.members[n], 0, sizeof(qc_member));
        f->nmems = base;
    }
    return v;
fail:
    free(ks.index);
    return NULL;
}

/* An array at F->p; see fp_item. */
static qc_value *fp_array(struct fp *f, unsigned level, bool build)
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
        qc_value *e = build ? fp_item(f, level + 1, true)
                            : fp_item(f, level + 1, false);
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
        size_t n = f->nitems - base;
        v->u.arr.n = n;
        v->u.arr.items = qc_arena_alloc_uninit(f->a,
                                               (n + 1) * sizeof(qc_value *));
        memcpy(v->u.arr.items, f->items + base, n * sizeof(qc_value *));
        v->u.arr.items[n] = NULL;
        f->nitems = base;
    }
    return v;
}

/* The object or array at F->p; see fp_item. */
static qc_value *fp_value(struct fp *f, unsigned level, bool build)
{
    return *f->p == '{' ? fp_object(f, level, build)
                        : fp_array(f, level, build);
}

bool qc_replies_fast_read(qc_arena *a, const qc_source *src,
                          struct qc_rentvec *ents, qc_replies_mode mode)
{
    struct fp *f = calloc(1, sizeof *f);
    const char *prev_execute = NULL;
    bool ok = false;

    if (!f)
        abort();
    init_plain();
    if (++intern_gen == 0) {    /* wrapped: old entries would count */
        memset(intern, 0, sizeof intern);
        intern_gen = 1;
    }
    f->gen = intern_gen;
    f->a = a;
    f->src = src;
    f->base = f->p = src->text;
    f->end = src->text + src->len;
    while (src->len) {
        const char *start = f->p;
        f->skim_return = mode != QC_REPLIES_FULL && prev_execute
                         && (mode == QC_REPLIES_ENTRIES
                             || strcmp(prev_execute, "query-qmp-schema"));
        qc_value *v = fp_item(f, 0, true);
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
