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
    qc_value *items;            /* scratch stacks, reused by every level */
    size_t nitems, capitems;
    qc_member *mems;
    size_t nmems, capmems;
    /* Skimming: checked, not built (see qc_replies_read). */
    bool skim_return;           /* the entry being read is such a reply */
    /* The keys of the objects being read, as written in the text,
     * innermost last (for duplicates: see key_seen). */
    struct rawkey { const char *s; uint64_t head; uint32_t len, hash; } *keys;
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

/* 1 for the bytes a canonical string holds as they are. */
static unsigned char plain[256];
static void init_plain(void)
{
    if (plain[' '])
        return;
    for (int c = 0x20; c < 0x7f; c++)
        plain[c] = c != '"' && c != '\\';
}

/* Makes *V a value of KIND at AT, with no contents yet. */
static inline void fp_new(struct fp *f, qc_value *v, qc_vkind kind,
                          const char *at)
{
    *v = (qc_value){ .kind = kind, .src_id = f->src->id,
                     .off = (uint32_t)(at - f->base) };
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

/* The first byte of the line that starts after the newline at P when
 * it is indented by exactly N spaces, else NULL (every line of a
 * canonical text is so).  No bound check: the text is padded with NULs,
 * which are not spaces, and nothing after a line start accepts a NUL. */
static inline const char *line_at(const char *p, size_t n)
{
    if (*p != '\n')
        return NULL;
    p++;
    size_t k = 0;
    unsigned r;
    while ((r = qc_run16(p + k, ' ')) == 16)
        k += 16;
    return k + r == n ? p + n : NULL;
}

static bool same_bytes(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

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

/* The closing quote of a string with escapes, whose first special byte
 * is at P, or NULL: only the escapes the canonical writer uses for ASCII
 * text.  Rare: out of line. */
static __attribute__((noinline)) const unsigned char *
escaped_end(const unsigned char *p)
{
    for (;;) {
        if (plain[*p])
            p++;
        else if (*p == '\\' && p[1] && strchr("\"\\nrtbf", p[1]))
            p += 2;
        else
            return *p == '"' ? p : NULL;
    }
}

/* The text of the string from START to its closing quote at END, its
 * escapes decoded, into the arena: *S and *LEN. */
static __attribute__((noinline)) void
fp_unescape(struct fp *f, const unsigned char *start, const unsigned char *end,
            const char **s, size_t *len)
{
    char *out = qc_arena_alloc_text(f->a, (size_t)(end - start) + 1);
    size_t n = 0;
    for (const unsigned char *q = start; q < end; q++) {
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
}

/* The closing quote of the string whose opening quote is at P, or NULL
 * when it is not canonical. */
static inline __attribute__((always_inline)) const char *
string_end(const char *p)
{
    const char *q = qc_skip_plain(p + 1, '"');
    if (*q == '"')
        return q;
    return (const char *)escaped_end((const unsigned char *)q);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The end of the number at P, or NULL; *INTEGER whether it has neither
 * fraction nor exponent. */
static inline const char *number_end(const char *p, bool *integer)
{
    *integer = true;
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
        *integer = false;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!is_digit(*p))
            return NULL;
        while (is_digit(*p))
            p++;
        *integer = false;
    }
    return p;
}

/* The end of the literal true, false or null at P, or NULL. */
static inline const char *literal_end(const char *p)
{
    switch (*p) {
    case 't':
        return p[1] == 'r' && p[2] == 'u' && p[3] == 'e' ? p + 4 : NULL;
    case 'f':
        return p[1] == 'a' && p[2] == 'l' && p[3] == 's' && p[4] == 'e'
               ? p + 5 : NULL;
    default:
        return p[1] == 'u' && p[2] == 'l' && p[3] == 'l' ? p + 4 : NULL;
    }
}

static void *grow(void *p, size_t *cap, size_t size)
{
    *cap = *cap ? 2 * *cap : 256;
    p = realloc(p, *cap * size);
    if (!p)
        abort();
    return p;
}

/* The keys of one object so far: F->keys from BASE up.  Most objects
 * have a few, compared one by one (length and first eight bytes first);
 * one with many gets an index (linear probing, positions + 1, by a hash
 * of all their words), so that no object costs the square of its
 * size. */
struct keyset {
    size_t base;
    uint32_t *index;
    size_t mask;
};

#define KEYS_LINEAR 32

static uint32_t key_hash(const char *s, size_t len)
{
    struct words w;
    fp_words(s, len, &w);
    return w.hash;
}

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

/* key_seen for an object with an index, or one that needs one now. */
static __attribute__((noinline)) bool
key_seen_indexed(struct fp *f, struct keyset *ks, const char *s, size_t len,
                 uint64_t head)
{
    size_t n = f->nkeys - ks->base;
    struct rawkey *keys = f->keys + ks->base;
    if (!ks->index)
        for (size_t k = 0; k < n; k++)
            keys[k].hash = key_hash(keys[k].s, keys[k].len);
    if (!ks->index || 2 * n > ks->mask)
        keyset_build(f, ks, n);
    uint32_t h = key_hash(s, len);
    for (size_t i = h & ks->mask; ks->index[i]; i = (i + 1) & ks->mask) {
        const struct rawkey *k = &keys[ks->index[i] - 1];
        if (k->hash == h && k->len == len && same_bytes(k->s, s, len))
            return true;
    }
    if (f->nkeys == f->capkeys)
        f->keys = grow(f->keys, &f->capkeys, sizeof *f->keys);
    f->keys[f->nkeys++] = (struct rawkey){ s, head, (uint32_t)len, h };
    keyset_place(f, ks, n);
    return false;
}

/* Whether the key S (LEN bytes, the first eight HEAD: see head8) is in
 * KS already; else it joins it. */
static inline __attribute__((always_inline)) bool
key_seen(struct fp *f, struct keyset *ks, const char *s, size_t len,
         uint64_t head)
{
    size_t n = f->nkeys - ks->base;
    if (n >= KEYS_LINEAR)
        return key_seen_indexed(f, ks, s, len, head);
    if (n) {
        const struct rawkey *keys = f->keys + ks->base;
        for (size_t k = 0; k < n; k++)
            if (keys[k].head == head && keys[k].len == len
                && (len <= 8 || same_bytes(keys[k].s + 8, s + 8, len - 8)))
                return true;
    }
    if (f->nkeys == f->capkeys)
        f->keys = grow(f->keys, &f->capkeys, sizeof *f->keys);
    f->keys[f->nkeys++] = (struct rawkey){ s, head, (uint32_t)len, 0 };
    return false;
}

/* ---- Skimming: a value checked (syntax, canonical layout, no duplicate
 * keys) and not built.  Iterative, its position in a register: most of
 * a dump is skimmed. */

struct open {
    struct keyset ks;           /* of an object */
    char close;                 /* '}' or ']' */
};

static void skim_fail(struct open *st, size_t depth)
{
    while (depth--)
        free(st[depth].ks.index);
}

/* The end of the value at P, nesting LEVEL, or NULL when it is not
 * canonical (or not plain enough).  Objects and arrays are opened on
 * ST, the stack of the containers the value is in. */
static const char *fp_skim(struct fp *f, const char *p, unsigned level)
{
    struct open st[QC_MAX_DEPTH + 1];
    size_t depth = 0;           /* containers open */
    bool integer;

value:
    switch (*p) {
    case '{':
    case '[': {
        char close = *p == '{' ? '}' : ']';
        if (level + depth >= QC_MAX_DEPTH)
            goto fail;
        if (p[1] == close) {
            p += 2;
            break;
        }
        st[depth].close = close;
        st[depth].ks = (struct keyset){ f->nkeys, NULL, 0 };
        depth++;
        p++;
        goto next;
    }
    case '"':
        p = string_end(p);
        if (!p)
            goto fail;
        p++;
        break;
    case 't':
    case 'f':
    case 'n':
        p = literal_end(p);
        if (!p)
            goto fail;
        break;
    default:
        p = number_end(p, &integer);
        if (!p)
            goto fail;
        break;
    }
    /* After a value: the next one in its container, or the container's
     * end. */
    while (depth) {
        if (*p == ',') {
            p++;
            goto next;
        }
        depth--;
        p = line_at(p, 2 * (size_t)(level + depth));
        if (st[depth].ks.index)
            free(st[depth].ks.index);
        if (!p || *p != st[depth].close)
            goto fail;
        p++;
        f->nkeys = st[depth].ks.base;
    }
    return p;

next:   /* the next member or element of the innermost container */
    p = line_at(p, 2 * (size_t)(level + depth));
    if (!p)
        goto fail;
    if (st[depth - 1].close == ']')
        goto value;
    if (*p != '"')
        goto fail;
    {
        const char *key = p + 1, *q = string_end(p);
        if (!q)
            goto fail;
        size_t len = (size_t)(q - key);
        if (key_seen(f, &st[depth - 1].ks, key, len, head8(key, len)))
            goto fail;
        if (q[1] != ':' || q[2] != ' ')
            goto fail;
        p = q + 3;
    }
    goto value;

fail:
    skim_fail(st, depth);
    return NULL;
}

/* ---- Building: the value tree, with the parts that need not be built
 * skimmed.  Each function takes the position and returns the one after
 * what it read (NULL: not canonical, or not plain enough), so that it
 * stays in a register. */

/* The string whose opening quote is at P: *S and *LEN get its value, K
 * the words and hash of its text as written.  Returns the position of
 * its closing quote.  Inline: every line has one or two. */
static inline __attribute__((always_inline)) const char *
fp_string(struct fp *f, const char *p, const char **s, size_t *len,
          struct words *k)
{
    const char *start = p + 1;
    const char *q = qc_skip_plain(start, '"');
    if (*q != '"') {
        q = (const char *)escaped_end((const unsigned char *)q);
        if (!q)
            return NULL;
        fp_unescape(f, (const unsigned char *)start,
                    (const unsigned char *)q, s, len);
        fp_words(start, (size_t)(q - start), k);
        return q;
    }
    size_t n = (size_t)(q - start);
    *len = n;
    fp_words(start, n, k);
    *s = fp_copy(f, start, n, k);
    return q;
}

static __attribute__((noinline)) const char *
fp_number(struct fp *f, const char *p, qc_value *out)
{
    bool integer;
    const char *e = number_end(p, &integer);
    if (!e)
        return NULL;
    fp_new(f, out, QC_VNUMBER, p);
    qc_value_set_number(out, p, (size_t)(e - p), integer);
    return e;
}

static const char *fp_object(struct fp *f, const char *p, unsigned level,
                             qc_value *out);
static const char *fp_array(struct fp *f, const char *p, unsigned level,
                            qc_value *out);

/* The value at P, nesting LEVEL, built into *OUT: scalars here (inline:
 * this is the inner loop of building), objects and arrays by their
 * functions. */
static inline __attribute__((always_inline)) const char *
fp_item(struct fp *f, const char *p, unsigned level, qc_value *out)
{
    const char *q;

    switch (*p) {
    case '{':
        return fp_object(f, p, level, out);
    case '[':
        return fp_array(f, p, level, out);
    case '"': {
        const char *s;
        size_t len;
        struct words k;
        q = fp_string(f, p, &s, &len, &k);
        if (!q)
            return NULL;
        fp_new(f, out, QC_VSTRING, p);
        out->u.str.s = s;     /* no NUL in it: \u is not canonical */
        (void)len;
        return q + 1;
    }
    case 't':
    case 'f':
    case 'n':
        q = literal_end(p);
        if (!q)
            return NULL;
        fp_new(f, out, *p == 'n' ? QC_VNULL : QC_VBOOL, p);
        out->u.b = *p == 't';
        return q;
    default:
        return fp_number(f, p, out);
    }
}

/* An object at P; see fp_item. */
static const char *fp_object(struct fp *f, const char *p, unsigned level,
                             qc_value *out)
{
    if (level >= QC_MAX_DEPTH)
        return NULL;
    fp_new(f, out, QC_VOBJECT, p);
    if (p[1] == '}') {
        qc_value_set_members(f->a, out, NULL, 0);
        return p + 2;
    }
    size_t base = f->nmems, indent = 2 * (size_t)(level + 1);
    struct keyset ks = { f->nkeys, NULL, 0 };
    p++;
    for (;;) {
        qc_member m;
        struct words k;
        p = line_at(p, indent);
        if (!p || *p != '"')
            goto fail;
        size_t key_len;
        const char *key = p + 1, *q = fp_string(f, p, &m.key, &key_len, &k);
        if (!q)
            goto fail;
        m.key_len = (uint32_t)key_len;
        m.key_off = (uint32_t)(p - f->base);
        /* Duplicates are left to the slow path, which reports them with
         * both places.  Keys are compared as written, in the padded text:
         * canonical escapes are unique, so that is comparing them. */
        if (key_seen(f, &ks, key, (size_t)(q - key), k.w[0])
            || q[1] != ':' || q[2] != ' ')
            goto fail;
        p = q + 3;
        if (level == 0 && f->skim_return && m.key_len == 6
            && !memcmp(m.key, "return", 6)) {
            /* A null stands in for it (qc_rentry.skimmed). */
            p = fp_skim(f, p, level + 1);
            m.value = (qc_value){ .kind = QC_VNULL };
        } else {
            p = fp_item(f, p, level + 1, &m.value);
        }
        if (!p)
            goto fail;
        if (f->nmems == f->capmems)
            f->mems = grow(f->mems, &f->capmems, sizeof *f->mems);
        f->mems[f->nmems++] = m;
        if (*p != ',')
            break;
        p++;
    }
    if (ks.index)
        free(ks.index);
    p = line_at(p, indent - 2);
    if (!p || *p != '}')
        return NULL;
    f->nkeys = ks.base;
    qc_value_set_members(f->a, out, f->mems + base, f->nmems - base);
    f->nmems = base;
    return p + 1;
fail:
    free(ks.index);
    return NULL;
}

/* An array at P; see fp_item. */
static const char *fp_array(struct fp *f, const char *p, unsigned level,
                            qc_value *out)
{
    if (level >= QC_MAX_DEPTH)
        return NULL;
    fp_new(f, out, QC_VARRAY, p);
    if (p[1] == ']') {
        qc_value_set_items(f->a, out, NULL, 0);
        return p + 2;
    }
    size_t base = f->nitems, indent = 2 * (size_t)(level + 1);
    p++;
    for (;;) {
        qc_value e;
        p = line_at(p, indent);
        if (!p)
            return NULL;
        p = fp_item(f, p, level + 1, &e);
        if (!p)
            return NULL;
        if (f->nitems == f->capitems)
            f->items = grow(f->items, &f->capitems, sizeof *f->items);
        f->items[f->nitems++] = e;
        if (*p != ',')
            break;
        p++;
    }
    p = line_at(p, indent - 2);
    if (!p || *p != ']')
        return NULL;
    qc_value_set_items(f->a, out, f->items + base, f->nitems - base);
    f->nitems = base;
    return p + 1;
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
        qc_value *v = qc_arena_alloc_uninit(a, sizeof *v);
        const char *end = fp_item(f, f->p, 0, v);
        if (!end)
            break;
        f->p = end;
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
