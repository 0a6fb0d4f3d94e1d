/* Soundness check of an introspected schema (see soundness.h).  The
 * key vocabulary is the one libvirt's qemu-replies-tool.py accepts: a key
 * it does not know means libvirt's code may not handle the schema. */
#include "dumps/soundness.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "base/hashmap.h"
#include "dumps/ischema.h"

/* The keys of the vocabulary.  The check runs over every entry of every
 * dump, so it knows each key string by its address once it has seen it
 * (the fast reader shares the copies of short strings: a dump's keys are
 * mostly one string each), and reads each object's keys once into a
 * view (see view_of). */
enum key {
    K_NAME, K_META_TYPE, K_ARG_TYPE, K_RET_TYPE, K_FEATURES, K_ALLOW_OOB,
    K_MEMBERS, K_TAG, K_VARIANTS, K_TYPE, K_DEFAULT, K_CASE,
    K_ELEMENT_TYPE, K_VALUES, K_JSON_TYPE, K_COUNT
};

#define KEY(s) { s, sizeof s - 1 }
static const struct { const char *s; size_t len; } keys[K_COUNT] = {
    KEY("name"), KEY("meta-type"), KEY("arg-type"), KEY("ret-type"),
    KEY("features"), KEY("allow-oob"), KEY("members"), KEY("tag"),
    KEY("variants"), KEY("type"), KEY("default"), KEY("case"),
    KEY("element-type"), KEY("values"), KEY("json-type"),
};

/* The meta-types, known by the same means. */
enum meta {
    M_COMMAND, M_EVENT, M_OBJECT, M_ARRAY, M_ENUM, M_ALTERNATE, M_BUILTIN,
    M_COUNT
};

static const struct { const char *s; size_t len; } metas_s[M_COUNT] = {
    KEY("command"), KEY("event"), KEY("object"), KEY("array"), KEY("enum"),
    KEY("alternate"), KEY("builtin"),
};

/* Key strings seen, by address: KCACHE slots, direct-mapped. */
#define KCACHE 64
struct kc {
    const char *s;
    size_t len;
    enum key k;
};

/* The members of an object by key: the first of each, K_COUNT for the
 * keys outside the vocabulary; and what tells check_keys at once that
 * it has nothing to report. */
struct view {
    const qc_value *v[K_COUNT + 1];
    uint32_t present;           /* bit k: v[k] is set */
    uint32_t bad_type;          /* bit k: the first member K has the wrong type */
    bool twice;                 /* some key is there twice */
};

/* Names looked up, by address: LCACHE slots, direct-mapped (a name is
 * mostly one string, see above, and the same names are looked up all
 * the time). */
#define LCACHE 1024
struct lc {
    const char *name;
    const struct ent *t;
};

/* The names of one list (members, variants, enum values): compared one
 * by one while the list is short, as most are, hashed beyond FEW. */
#define FEW 16
struct seen {
    const char *few[FEW];
    size_t n;
    qc_hashmap *map;            /* the list is long: the names are here */
    qc_hashmap *store;          /* the map to use then, reset each time */
};

/* An entry with its meta-type, found once: references look it up all
 * the time. */
struct ent {
    const qc_value *e;
    const char *name;           /* its name, or NULL */
    const char *meta;           /* the string, or NULL */
    enum meta m;                /* M_COUNT: none known */
    uint32_t hash;              /* of its name (qc_name_hash) */
};

struct sc {
    qc_arena *a;
    qc_diag *d;
    const char *ctx;
    size_t problems;
    struct ent *ents;           /* the entries in order, with meta-types */
    uint32_t *by_name;          /* the first entry of each name: positions
                                   in ENTS + 1, open addressing */
    size_t mask;                /* of BY_NAME's size, a power of two */
    struct seen set1, set2;     /* names seen in one list; reset per list */
    const char *meta_seen[M_COUNT];     /* the last string each meta-type was */
    struct kc kcache[KCACHE];
    struct lc *lcache;          /* LCACHE slots */
};

__attribute__((format(printf, 5, 6)))
static qc_diagnostic *rep(struct sc *s, qc_loc loc, const char *code,
                          const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = qc_arena_vprintf(s->a, fmt, ap);
    va_end(ap);
    s->problems++;
    if (name)
        return qc_error(s->d, loc, code, "%s%sschema entry '%s': %s",
                        s->ctx ? s->ctx : "", s->ctx ? ": " : "", name, msg);
    return qc_error(s->d, loc, code, "%s%s%s", s->ctx ? s->ctx : "",
                    s->ctx ? ": " : "", msg);
}

/* Whether the string S (LEN bytes) is WANT (WLEN bytes); *LAST is the
 * last string that was. */
static inline bool is_word(const char *s, size_t len, const char *want,
                           size_t wlen, const char **last)
{
    if (s == *last)
        return true;
    if (len != wlen || s[0] != want[0] || memcmp(s, want, len))
        return false;
    *last = s;
    return true;
}

static enum key key_slow(const qc_member *m, struct kc *c)
{
    enum key k = 0;
    while (k < K_COUNT && (m->key_len != keys[k].len
                           || memcmp(m->key, keys[k].s, m->key_len)))
        k++;
    *c = (struct kc){ m->key, m->key_len, k };
    return k;
}

/* The key of member M (K_COUNT: not in the vocabulary). */
static inline enum key key_of(struct sc *sc, const qc_member *m)
{
    uintptr_t p = (uintptr_t)m->key;
    struct kc *c = &sc->kcache[(p ^ p >> 6 ^ p >> 12) % KCACHE];
    if (c->s == m->key && c->len == m->key_len)
        return c->k;
    return key_slow(m, c);
}

/* The kind every key of the vocabulary must have (the same in every
 * object that allows it). */
static const qc_vkind key_kind[K_COUNT] = {
    [K_NAME] = QC_VSTRING, [K_META_TYPE] = QC_VSTRING,
    [K_ARG_TYPE] = QC_VSTRING, [K_RET_TYPE] = QC_VSTRING,
    [K_FEATURES] = QC_VARRAY, [K_ALLOW_OOB] = QC_VBOOL,
    [K_MEMBERS] = QC_VARRAY, [K_TAG] = QC_VSTRING, [K_VARIANTS] = QC_VARRAY,
    [K_TYPE] = QC_VSTRING, [K_DEFAULT] = QC_VNULL, [K_CASE] = QC_VSTRING,
    [K_ELEMENT_TYPE] = QC_VSTRING, [K_VALUES] = QC_VARRAY,
    [K_JSON_TYPE] = QC_VSTRING,
};

/* Reads the members of O (any value: one that is not an object has
 * none) into W. */
static inline __attribute__((always_inline)) void
view_of(struct sc *sc, const qc_value *o, struct view *w)
{
    uint32_t present = 0, bad_type = 0;
    bool twice = false;
    if (o && o->kind == QC_VOBJECT) {
        const qc_member *m = o->u.obj.members, *end = m + qc_obj_len(o);
        for (; m < end; m++) {
            enum key k = key_of(sc, m);
            uint32_t bit = 1u << k;
            if (present & bit) {
                twice = true;           /* the first one wins */
                continue;
            }
            present |= bit;
            w->v[k] = &m->value;
            if (k < K_COUNT && m->value.kind != key_kind[k])
                bad_type |= bit;
        }
    }
    w->present = present;
    w->bad_type = bad_type;
    w->twice = twice;
}

/* The name and the meta-type of entry E (the first of each, strings or
 * NULL), into T: what the index needs, most often the first two keys. */
static void name_and_meta(struct sc *sc, const qc_value *e, struct ent *t)
{
    const qc_value *name = NULL, *meta = NULL;
    if (e->kind == QC_VOBJECT) {
        const qc_member *m = e->u.obj.members, *end = m + qc_obj_len(e);
        for (; m < end && (!name || !meta); m++) {
            enum key k = key_of(sc, m);
            if (k == K_NAME && !name)
                name = &m->value;
            else if (k == K_META_TYPE && !meta)
                meta = &m->value;
        }
    }
    t->name = name && name->kind == QC_VSTRING ? name->u.str.s : NULL;
    t->meta = meta && meta->kind == QC_VSTRING ? meta->u.str.s : NULL;
}

/* qc_obj_get for a key of the vocabulary, on a view. */
static inline const qc_value *get_k(const struct view *w, enum key k)
{
    return w->present >> k & 1 ? w->v[k] : NULL;
}

static inline const char *getstr_k(const struct view *w, enum key k)
{
    const qc_value *v = get_k(w, k);
    return v && v->kind == QC_VSTRING ? v->u.str.s : NULL;
}

/* The meta-type named META (NULL: none): M_COUNT for none known. */
static enum meta meta_of(struct sc *sc, const char *meta)
{
    if (!meta)
        return M_COUNT;
    for (enum meta k = 0; k < M_COUNT; k++)
        if (meta == sc->meta_seen[k])
            return k;
    size_t len = strlen(meta);      /* as strcmp would compare it */
    for (enum meta k = 0; k < M_COUNT; k++)
        if (is_word(meta, len, metas_s[k].s, metas_s[k].len,
                    &sc->meta_seen[k]))
            return k;
    return M_COUNT;
}

/* The slot of BY_NAME that holds NAME (hash H), or the empty one where
 * it would go. */
static uint32_t *name_slot(struct sc *s, const char *name, uint32_t h)
{
    for (size_t i = h & s->mask;; i = (i + 1) & s->mask) {
        uint32_t *slot = &s->by_name[i];
        if (!*slot)
            return slot;
        const struct ent *t = &s->ents[*slot - 1];
        if (t->hash == h && (t->name == name || !strcmp(t->name, name)))
            return slot;
    }
}

/* The first entry named NAME, or NULL. */
static const struct ent *lookup(struct sc *s, const char *name)
{
    if (!name)
        return NULL;
    uintptr_t p = (uintptr_t)name;
    struct lc *c = &s->lcache[(p ^ p >> 10 ^ p >> 20) % LCACHE];
    if (c->name != name) {
        uint32_t *slot = name_slot(s, name, qc_name_hash(name));
        c->name = name;
        c->t = *slot ? &s->ents[*slot - 1] : NULL;
    }
    return c->t;
}

/* Empties SET for a list of N items. */
static void set_reset(struct seen *set, size_t n)
{
    set->n = 0;
    set->map = n > FEW ? set->store : NULL;
    if (set->map)
        qc_hashmap_reset(set->map, n);
}

/* Whether SET has NAME (names compare as C strings, like the map's keys;
 * the fast reader interns names, so equal names may well be one
 * pointer). */
static bool set_has(const struct seen *set, const char *name)
{
    if (set->map)
        return qc_hashmap_get(set->map, name) != NULL;
    for (size_t i = 0; i < set->n; i++)
        if (set->few[i] == name
            || (set->few[i][0] == name[0] && !strcmp(set->few[i], name)))
            return true;
    return false;
}

/* Adds NAME, the name of ITEM, to SET; false if the set has it already.
 * (ITEM tells a new entry from an old one.) */
static bool set_add(struct seen *set, const char *name, const qc_value *item)
{
    if (set->map)
        return qc_hashmap_put_new(set->map, name, (void *)item) == item;
    if (set_has(set, name))
        return false;
    set->few[set->n++] = name;
    return true;
}

/* What part of an entry a message is about, formatted only when needed:
 * "the entry", "member 'x'", "variant 3". */
struct what {
    const char *kind;           /* "member"; NULL: "the entry" etc. in NAME */
    const char *name;           /* NULL: use IDX */
    size_t idx;
};

static const char *wstr(struct sc *s, const struct what *w)
{
    if (!w->kind)
        return w->name;
    if (w->name)
        return qc_arena_printf(s->a, "%s '%s'", w->kind, w->name);
    return qc_arena_printf(s->a, "%s %zu", w->kind, w->idx + 1);
}

/* --- key vocabulary --- */

typedef enum { T_STR, T_LIST, T_BOOL, T_NULL } ktype;

struct kspec {
    enum key key;               /* K_COUNT ends a list */
    ktype type;
    bool mandatory;
};

static const char *ktype_name(ktype t)
{
    switch (t) {
    case T_STR: return "a string";
    case T_LIST: return "an array";
    case T_BOOL: return "a boolean";
    case T_NULL: return "null";
    }
    return "?";
}

static bool has_type(const qc_value *v, ktype t)
{
    switch (t) {
    case T_STR: return v->kind == QC_VSTRING;
    case T_LIST: return v->kind == QC_VARRAY;
    case T_BOOL: return v->kind == QC_VBOOL;
    case T_NULL: return v->kind == QC_VNULL;
    }
    return false;
}

static void check_features(struct sc *s, const char *name,
                           const struct what *w, const struct view *ov)
{
    const qc_value *f = get_k(ov, K_FEATURES);
    if (!qc_is_array(f))
        return;
    for (size_t i = 0; i < qc_arr_len(f); i++)
        if (!qc_is_string(qc_arr_at(f, i)))
            rep(s, qc_value_loc(qc_arr_at(f, i)), "schema-bad-key", name,
                "features of %s must be strings, found %s", wstr(s, w),
                qc_value_type_name(qc_arr_at(f, i)));
}

/* A vocabulary, and as bits the keys it allows and those it requires
 * (set on first use). */
struct kset {
    const struct kspec *spec;
    uint32_t allowed, mandatory;
};

/* The keys SPEC allows, and those it requires, as bits. */
static void spec_bits(const struct kspec *spec, uint32_t *allowed,
                      uint32_t *mandatory)
{
    *allowed = *mandatory = 0;
    for (unsigned k = 0; spec[k].key != K_COUNT; k++) {
        *allowed |= 1u << spec[k].key;
        if (spec[k].mandatory)
            *mandatory |= 1u << spec[k].key;
    }
}

/* check_keys when something is to be reported: every member in order. */
static __attribute__((noinline)) void
report_keys(struct sc *s, const char *name, const struct what *w,
            const qc_value *obj, const struct kspec *spec)
{
    unsigned seen = 0;          /* bit i: SPEC[i] present */
    for (size_t i = 0; i < qc_obj_len(obj); i++) {
        const qc_member *m = &obj->u.obj.members[i];
        enum key id = key_of(s, m);
        unsigned k = 0;
        while (spec[k].key != K_COUNT && spec[k].key != id)
            k++;
        if (spec[k].key == K_COUNT) {
            rep(s, qc_member_loc(obj, m), "schema-unknown-key", name,
                "unknown key '%s' in %s: libvirt's code does not know it",
                m->key, wstr(s, w));
            continue;
        }
        seen |= 1u << k;
        if (!has_type(&m->value, spec[k].type))
            rep(s, qc_value_loc(&m->value), "schema-bad-key", name,
                "'%s' of %s must be %s, found %s", m->key, wstr(s, w),
                ktype_name(spec[k].type), qc_value_type_name(&m->value));
    }
    for (unsigned k = 0; spec[k].key != K_COUNT; k++)
        if (spec[k].mandatory && !(seen & (1u << k)))
            rep(s, qc_value_loc(obj), "schema-missing-key", name, "%s has no '%s'",
                wstr(s, w), keys[spec[k].key].s);
}

/* Checks that OBJ (W, within entry NAME; OV its view) is an object with
 * exactly the keys of SPEC.  Returns false if OBJ is not an object. */
static bool check_keys(struct sc *s, const char *name, const struct what *w,
                       const qc_value *obj, const struct view *ov,
                       struct kset *ks)
{
    if (!qc_is_object(obj)) {
        rep(s, qc_value_loc(obj), "schema-bad-key", name,
            "%s must be an object, found %s", wstr(s, w),
            qc_value_type_name(obj));
        return false;
    }
    if (!ks->allowed)
        spec_bits(ks->spec, &ks->allowed, &ks->mandatory);
    if (ov->twice || (ov->present & ~ks->allowed) || ov->bad_type
        || (ks->mandatory & ~ov->present))
        report_keys(s, name, w, obj, ks->spec);
    check_features(s, name, w, ov);
    return true;
}

static const struct kspec k_command[] = {
    { K_NAME, T_STR, true }, { K_META_TYPE, T_STR, true },
    { K_ARG_TYPE, T_STR, true }, { K_RET_TYPE, T_STR, true },
    { K_FEATURES, T_LIST, false }, { K_ALLOW_OOB, T_BOOL, false },
    { K_COUNT, 0, false } };
static const struct kspec k_event[] = {
    { K_NAME, T_STR, true }, { K_META_TYPE, T_STR, true },
    { K_ARG_TYPE, T_STR, true }, { K_FEATURES, T_LIST, false },
    { K_COUNT, 0, false } };
static const struct kspec k_object[] = {
    { K_NAME, T_STR, true }, { K_META_TYPE, T_STR, true },
    { K_MEMBERS, T_LIST, true }, { K_TAG, T_STR, false },
    { K_VARIANTS, T_LIST, false }, { K_FEATURES, T_LIST, false },
    { K_COUNT, 0, false } };
static const struct kspec k_member[] = {
    { K_NAME, T_STR, true }, { K_TYPE, T_STR, true },
    { K_DEFAULT, T_NULL, false }, { K_FEATURES, T_LIST, false },
    { K_COUNT, 0, false } };
static const struct kspec k_variant[] = {
    { K_CASE, T_STR, true }, { K_TYPE, T_STR, true }, { K_COUNT, 0, false } };
static const struct kspec k_array[] = {
    { K_NAME, T_STR, true }, { K_META_TYPE, T_STR, true },
    { K_ELEMENT_TYPE, T_STR, true }, { K_COUNT, 0, false } };
static const struct kspec k_enum[] = {
    { K_NAME, T_STR, true }, { K_META_TYPE, T_STR, true },
    { K_MEMBERS, T_LIST, false }, { K_VALUES, T_LIST, false },
    { K_COUNT, 0, false } };
static const struct kspec k_enum_member[] = {
    { K_NAME, T_STR, true }, { K_FEATURES, T_LIST, false },
    { K_COUNT, 0, false } };
static const struct kspec k_alternate[] = {
    { K_NAME, T_STR, true }, { K_META_TYPE, T_STR, true },
    { K_MEMBERS, T_LIST, true }, { K_COUNT, 0, false } };
static const struct kspec k_alt_member[] = {
    { K_TYPE, T_STR, true }, { K_COUNT, 0, false } };
static const struct kspec k_builtin[] = {
    { K_NAME, T_STR, true }, { K_META_TYPE, T_STR, true },
    { K_JSON_TYPE, T_STR, true }, { K_COUNT, 0, false } };

static struct kset s_command = { k_command, 0, 0 };
static struct kset s_event = { k_event, 0, 0 };
static struct kset s_object = { k_object, 0, 0 };
static struct kset s_member = { k_member, 0, 0 };
static struct kset s_variant = { k_variant, 0, 0 };
static struct kset s_array = { k_array, 0, 0 };
static struct kset s_enum = { k_enum, 0, 0 };
static struct kset s_enum_member = { k_enum_member, 0, 0 };
static struct kset s_alternate = { k_alternate, 0, 0 };
static struct kset s_alt_member = { k_alt_member, 0, 0 };
static struct kset s_builtin = { k_builtin, 0, 0 };

static struct kset *const specs[M_COUNT] = {
    [M_COMMAND] = &s_command, [M_EVENT] = &s_event, [M_OBJECT] = &s_object,
    [M_ARRAY] = &s_array, [M_ENUM] = &s_enum, [M_ALTERNATE] = &s_alternate,
    [M_BUILTIN] = &s_builtin,
};

/* --- references --- */

/* Checks that the string K of the object OV shows names a type; returns
 * its entry.  WANT, unless M_COUNT, is the meta-type it must have. */
static const qc_value *ref(struct sc *s, const char *name,
                           const struct what *w, const struct view *ov,
                           enum key k, enum meta want)
{
    const char *key = keys[k].s;
    const qc_value *v = get_k(ov, k);
    if (!qc_is_string(v))
        return NULL;
    const struct ent *t = lookup(s, v->u.str.s);
    if (!t) {
        rep(s, qc_value_loc(v), "schema-unresolved", name,
            "'%s' of %s names '%s', which is not in the schema", key,
            wstr(s, w), v->u.str.s);
        return NULL;
    }
    const char *meta = t->meta;
    enum meta m = t->m;
    if (m == M_COMMAND || m == M_EVENT) {
        rep(s, qc_value_loc(v), "schema-bad-reference", name,
            "'%s' of %s names the %s '%s', not a type", key, wstr(s, w),
            meta, v->u.str.s);
        return NULL;
    }
    if (want != M_COUNT && meta && m != want) {
        rep(s, qc_value_loc(v), "schema-bad-reference", name,
            "'%s' of %s names '%s', a%s %s, where an %s type is due", key,
            wstr(s, w), v->u.str.s, strchr("aeiou", meta[0]) ? "n" : "",
            meta, metas_s[want].s);
        return NULL;
    }
    return t->e;
}

/* Fills SET with the values of enum entry E. */
static void enum_values(struct sc *s, struct seen *set, const qc_value *e)
{
    struct view ev, xv;
    view_of(s, e, &ev);
    const qc_value *m = get_k(&ev, K_MEMBERS);
    bool named = qc_is_array(m);
    if (!named)
        m = get_k(&ev, K_VALUES);
    size_t n = qc_is_array(m) ? qc_arr_len(m) : 0;
    set_reset(set, n);
    for (size_t i = 0; i < n; i++) {
        const qc_value *x = qc_arr_at(m, i);
        const char *v;
        if (named) {
            view_of(s, x, &xv);
            v = getstr_k(&xv, K_NAME);
        } else {
            v = qc_is_string(x) ? x->u.str.s : NULL;
        }
        if (v)
            set_add(set, v, x);
    }
}

/* The members of object entry E (its view EV), one by one; the one the
 * tag names, if any. */
static const qc_value *check_members(struct sc *s, const char *name,
                                     const struct view *ev, const char *tag)
{
    const qc_value *members = get_k(ev, K_MEMBERS), *tagmember = NULL;
    if (!qc_is_array(members))
        return NULL;
    set_reset(&s->set1, qc_arr_len(members));
    for (size_t i = 0; i < qc_arr_len(members); i++) {
        const qc_value *m = qc_arr_at(members, i);
        struct view mv;
        view_of(s, m, &mv);
        const char *mn = getstr_k(&mv, K_NAME);
        struct what w = { "member", mn, i };
        if (!check_keys(s, name, &w, m, &mv, &s_member))
            continue;
        ref(s, name, &w, &mv, K_TYPE, M_COUNT);
        if (mn && !set_add(&s->set1, mn, m))
            rep(s, qc_value_loc(m), "schema-duplicate-member", name,
                "two members are named '%s'", mn);
        if (tag && mn && !tagmember && !strcmp(mn, tag))
            tagmember = m;
    }
    return tagmember;
}

static void check_object(struct sc *s, const char *name, const struct view *ev)
{
    const char *tag = getstr_k(ev, K_TAG);
    const qc_value *tagmember = check_members(s, name, ev, tag);
    const qc_value *variants = get_k(ev, K_VARIANTS);
    if (tag && !tagmember)
        rep(s, qc_value_loc(get_k(ev, K_TAG)), "schema-bad-tag", name,
            "tag '%s' is not one of the object's members", tag);
    if (variants && !get_k(ev, K_TAG))
        rep(s, qc_value_loc(variants), "schema-bad-tag", name,
            "'variants' without a 'tag'");
    if (!qc_is_array(variants))
        return;
    const qc_value *tagtype = NULL;
    struct view v;
    if (tagmember) {
        view_of(s, tagmember, &v);
        const char *tn = getstr_k(&v, K_TYPE);
        const struct ent *t = lookup(s, tn);
        tagtype = t ? t->e : NULL;
        if (t && t->m != M_ENUM) {
            rep(s, qc_value_loc(tagmember), "schema-bad-tag", name,
                "tag member '%s' has type '%s', which is not an enum", tag, tn);
            tagtype = NULL;
        }
    }
    if (tagtype)
        enum_values(s, &s->set2, tagtype);
    set_reset(&s->set1, qc_arr_len(variants));
    for (size_t i = 0; i < qc_arr_len(variants); i++) {
        const qc_value *x = qc_arr_at(variants, i);
        view_of(s, x, &v);
        const char *cs = getstr_k(&v, K_CASE);
        struct what w = { "variant", cs, i };
        if (!check_keys(s, name, &w, x, &v, &s_variant))
            continue;
        ref(s, name, &w, &v, K_TYPE, M_OBJECT);
        if (cs && tagtype && !set_has(&s->set2, cs)) {
            struct view tv;
            view_of(s, tagtype, &tv);
            rep(s, qc_value_loc(get_k(&v, K_CASE)), "schema-bad-tag", name,
                "variant '%s' is not a value of the tag's enum '%s'", cs,
                getstr_k(&tv, K_NAME));
        }
        if (cs && !set_add(&s->set1, cs, x))
            rep(s, qc_value_loc(x), "schema-bad-tag", name,
                "two variants are for case '%s'", cs);
    }
}

static void check_enum(struct sc *s, const char *name, const qc_value *e,
                       const struct view *ev)
{
    const qc_value *members = get_k(ev, K_MEMBERS);
    const qc_value *values = get_k(ev, K_VALUES);
    const char **names = NULL;          /* of the members, in order */

    if (!members && !values)
        rep(s, qc_value_loc(e), "schema-missing-key", name,
            "an enum needs 'members' or 'values'");
    if (qc_is_array(members)) {
        set_reset(&s->set1, qc_arr_len(members));
        names = qc_arena_alloc_uninit(s->a, (qc_arr_len(members) + 1)
                                            * sizeof *names);
        for (size_t i = 0; i < qc_arr_len(members); i++) {
            const qc_value *m = qc_arr_at(members, i);
            struct view mv;
            view_of(s, m, &mv);
            const char *mn = getstr_k(&mv, K_NAME);
            struct what w = { "enum member", mn, i };
            names[i] = mn;
            check_keys(s, name, &w, m, &mv, &s_enum_member);
            if (mn && !set_add(&s->set1, mn, m))
                rep(s, qc_value_loc(m), "schema-duplicate-member", name,
                    "two enum members are named '%s'", mn);
        }
    }
    if (qc_is_array(values)) {
        for (size_t i = 0; i < qc_arr_len(values); i++)
            if (!qc_is_string(qc_arr_at(values, i)))
                rep(s, qc_value_loc(qc_arr_at(values, i)), "schema-bad-key", name,
                    "enum values must be strings, found %s",
                    qc_value_type_name(qc_arr_at(values, i)));
        /* Since QEMU 6.2 both lists are given; they must agree. */
        if (qc_is_array(members)) {
            bool same = qc_arr_len(members) == qc_arr_len(values);
            for (size_t i = 0; same && i < qc_arr_len(values); i++) {
                const qc_value *vv = qc_arr_at(values, i);
                same = names[i] && qc_is_string(vv)
                       && (names[i] == vv->u.str.s
                           || !strcmp(names[i], vv->u.str.s));
            }
            if (!same)
                rep(s, qc_value_loc(values), "schema-enum-mismatch", name,
                    "'values' and the names in 'members' differ");
        }
    }
}

/* What entry E (labelled LABEL, its view EV) refers to, by meta-type:
 * the types of a command, event or array, an object's members and
 * variants, an enum's values, an alternate's members, a builtin's JSON
 * type. */
static void check_references(struct sc *s, const char *label, enum meta meta,
                             const qc_value *e, const struct view *ev)
{
    struct what w = { NULL, "the entry", 0 };
    if (meta == M_COMMAND) {
        w.name = "the command";
        ref(s, label, &w, ev, K_ARG_TYPE, M_OBJECT);
        ref(s, label, &w, ev, K_RET_TYPE, M_COUNT);
    } else if (meta == M_EVENT) {
        w.name = "the event";
        ref(s, label, &w, ev, K_ARG_TYPE, M_OBJECT);
    } else if (meta == M_ARRAY) {
        w.name = "the array";
        ref(s, label, &w, ev, K_ELEMENT_TYPE, M_COUNT);
    } else if (meta == M_OBJECT) {
        check_object(s, label, ev);
    } else if (meta == M_ENUM) {
        check_enum(s, label, e, ev);
    } else if (meta == M_ALTERNATE) {
        const qc_value *members = get_k(ev, K_MEMBERS);
        if (qc_is_array(members)) {
            if (!qc_arr_len(members))
                rep(s, qc_value_loc(members), "schema-missing-key", label,
                    "an alternate needs at least one member");
            for (size_t i = 0; i < qc_arr_len(members); i++) {
                const qc_value *m = qc_arr_at(members, i);
                struct what mw = { "alternative", NULL, i };
                struct view mv;
                view_of(s, m, &mv);
                if (check_keys(s, label, &mw, m, &mv, &s_alt_member))
                    ref(s, label, &mw, &mv, K_TYPE, M_COUNT);
            }
        }
    } else if (meta == M_BUILTIN) {
        static const char *const jt[] = { "string", "int", "number",
                                          "boolean", "null", "value", NULL };
        const char *t = getstr_k(ev, K_JSON_TYPE);
        size_t i = 0;
        while (t && jt[i] && strcmp(jt[i], t))
            i++;
        if (t && !jt[i])
            rep(s, qc_value_loc(get_k(ev, K_JSON_TYPE)), "schema-bad-key", label,
                "unknown json-type '%s' (known: string, int, number, boolean, null, value)",
                t);
    }
}

static void check_entry(struct sc *s, size_t idx, const qc_value *e)
{
    if (!qc_is_object(e)) {
        rep(s, qc_value_loc(e), "schema-bad-entry", NULL,
            "schema entry %zu must be an object, found %s", idx + 1,
            qc_value_type_name(e));
        return;
    }
    struct view ev;
    view_of(s, e, &ev);
    const char *name = getstr_k(&ev, K_NAME);
    const char *label = name ? name : qc_arena_printf(s->a, "#%zu", idx + 1);
    const char *meta = s->ents[idx].meta;
    enum meta m = s->ents[idx].m;
    struct kset *spec = m == M_COUNT ? NULL : specs[m];
    struct what w = { NULL, "the entry", 0 };

    if (!spec) {
        const qc_value *mv = get_k(&ev, K_META_TYPE);
        if (!mv)
            rep(s, qc_value_loc(e), "schema-bad-meta-type", label, "no 'meta-type'");
        else if (!meta)
            rep(s, qc_value_loc(mv), "schema-bad-meta-type", label,
                "'meta-type' must be a string, found %s",
                qc_value_type_name(mv));
        else
            rep(s, qc_value_loc(mv), "schema-bad-meta-type", label,
                "unknown meta-type '%s' (known: builtin, enum, array, object, alternate, command, event)",
                meta);
        return;
    }
    check_keys(s, label, &w, e, &ev, spec);
    if (!name)
        return;

    const qc_value *first = lookup(s, name)->e;
    if (first != e) {
        qc_diagnostic *dg = rep(s, qc_value_loc(get_k(&ev, K_NAME)),
                                "schema-duplicate-name", label,
                                "a second entry with this name");
        qc_diag_note(dg, qc_value_loc(first), NULL, NULL, "the first one");
    }

    check_references(s, label, m, e, &ev);
}

size_t qc_soundness_check(qc_arena *a, const qc_value *array,
                          const char *context, qc_diag *d)
{
    struct sc s = { .a = a, .d = d, .ctx = context };

    if (!qc_is_array(array)) {
        rep(&s, qc_value_loc((array)), "schema-not-array", NULL,
            "the schema (query-qmp-schema's return) must be an array, found %s",
            qc_value_type_name(array));
        return s.problems;
    }
    /* Its own index, not an ischema's: names are found by exact keys
     * here (a key "name" with a NUL and more after it is not "name"). */
    size_t n = qc_arr_len(array);
    for (s.mask = 15; s.mask + 1 < 2 * n; s.mask = 2 * s.mask + 1)
        ;
    s.by_name = qc_arena_alloc(a, (s.mask + 1) * sizeof *s.by_name);
    s.set1.store = qc_hashmap_new_sized(a, 3);
    s.set2.store = qc_hashmap_new_sized(a, 3);
    s.lcache = qc_arena_alloc(a, LCACHE * sizeof *s.lcache);
    s.ents = qc_arena_alloc_uninit(a, (n + 1) * sizeof *s.ents);
    for (size_t i = 0; i < n; i++) {
        struct ent *t = &s.ents[i];
        t->e = qc_arr_at(array, i);
        name_and_meta(&s, t->e, t);
        t->m = meta_of(&s, t->meta);
        if (t->name) {
            t->hash = qc_name_hash(t->name);
            uint32_t *slot = name_slot(&s, t->name, t->hash);
            if (!*slot)                 /* the first one wins */
                *slot = (uint32_t)i + 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        check_entry(&s, i, qc_arr_at(array, i));
    return s.problems;
}
