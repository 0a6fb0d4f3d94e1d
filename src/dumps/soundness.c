/* Soundness check of an introspected schema (see soundness.h).  The
 * key vocabulary is the one libvirt's qemu-replies-tool.py accepts: a key
 * it does not know means libvirt's code may not handle the schema. */
#include "dumps/soundness.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "base/hashmap.h"

/* The keys of the vocabulary.  The check runs over every entry of every
 * dump, so it knows each key string by its address once it has seen it
 * (the fast reader shares the copies of short strings: a dump's keys are
 * mostly one string each), and each object's keys once it has read them
 * (see keys_of). */
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

/* The members of an object by key (the first of each, K_COUNT for the
 * keys outside the vocabulary), for the last objects looked at: MEMO
 * slots, direct-mapped by address.  A check asks several keys of one
 * object in a row. */
#define MEMO 8
struct memo {
    const qc_value *obj;
    const qc_value *v[K_COUNT + 1];
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
    const char *meta;           /* the string, or NULL */
    enum meta m;                /* M_COUNT: none known */
};

struct sc {
    qc_arena *a;
    qc_diag *d;
    const char *ctx;
    size_t problems;
    qc_hashmap *by_name;        /* name -> first struct ent with it */
    struct ent *ents;           /* the entries in order, with meta-types */
    struct seen set1, set2;     /* names seen in one list; reset per list */
    const char *meta_seen[M_COUNT];     /* the last string each meta-type was */
    struct kc kcache[KCACHE];
    struct memo memo[MEMO];
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

/* The members of object O by key. */
static const qc_value *const *keys_of(struct sc *sc, const qc_value *o)
{
    uintptr_t p = (uintptr_t)o;
    struct memo *mo = &sc->memo[(p >> 4 ^ p >> 10) % MEMO];
    if (mo->obj != o) {
        mo->obj = o;
        memset(mo->v, 0, sizeof mo->v);
        for (size_t i = o->u.obj.n; i-- > 0;)     /* the first one wins */
            mo->v[key_of(sc, &o->u.obj.members[i])] = o->u.obj.members[i].value;
    }
    return mo->v;
}

/* qc_obj_get for a key of the vocabulary. */
static inline const qc_value *get_k(struct sc *sc, const qc_value *o, enum key k)
{
    if (!o || o->kind != QC_VOBJECT)
        return NULL;
    return keys_of(sc, o)[k];
}

static const char *getstr_k(struct sc *sc, const qc_value *o, enum key k)
{
    const qc_value *v = get_k(sc, o, k);
    return v && v->kind == QC_VSTRING ? v->u.str.s : NULL;
}

/* The meta-type of entry E: M_COUNT for none known.  *META gets the
 * string, or NULL. */
static enum meta meta_of(struct sc *sc, const qc_value *e, const char **meta)
{
    const qc_value *v = get_k(sc, e, K_META_TYPE);
    *meta = v && v->kind == QC_VSTRING ? v->u.str.s : NULL;
    if (!*meta)
        return M_COUNT;
    for (enum meta k = 0; k < M_COUNT; k++)
        if (*meta == sc->meta_seen[k])
            return k;
    size_t len = strlen(*meta);     /* as strcmp would compare it */
    for (enum meta k = 0; k < M_COUNT; k++)
        if (is_word(*meta, len, metas_s[k].s, metas_s[k].len,
                    &sc->meta_seen[k]))
            return k;
    return M_COUNT;
}

#define GET(o, k) get_k(s, (o), (k))
#define GETSTR(o, k) getstr_k(s, (o), (k))

static const struct ent *lookup(struct sc *s, const char *name)
{
    return name ? qc_hashmap_get(s->by_name, name) : NULL;
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
                           const struct what *w, const qc_value *obj)
{
    const qc_value *f = GET(obj, K_FEATURES);
    if (!qc_is_array(f))
        return;
    for (size_t i = 0; i < f->u.arr.n; i++)
        if (!qc_is_string(f->u.arr.items[i]))
            rep(s, f->u.arr.items[i]->loc, "schema-bad-key", name,
                "features of %s must be strings, found %s", wstr(s, w),
                qc_value_type_name(f->u.arr.items[i]));
}

/* Checks that OBJ (W, within entry NAME) is an object with exactly the
 * keys of SPEC.  Returns false if OBJ is not an object. */
static bool check_keys(struct sc *s, const char *name, const struct what *w,
                       const qc_value *obj, const struct kspec *spec)
{
    if (!qc_is_object(obj)) {
        rep(s, obj->loc, "schema-bad-key", name,
            "%s must be an object, found %s", wstr(s, w),
            qc_value_type_name(obj));
        return false;
    }
    unsigned seen = 0;          /* bit i: SPEC[i] present */
    for (size_t i = 0; i < obj->u.obj.n; i++) {
        const qc_member *m = &obj->u.obj.members[i];
        enum key id = key_of(s, m);
        unsigned k = 0;
        while (spec[k].key != K_COUNT && spec[k].key != id)
            k++;
        if (spec[k].key == K_COUNT) {
            rep(s, m->key_loc, "schema-unknown-key", name,
                "unknown key '%s' in %s: libvirt's code does not know it",
                m->key, wstr(s, w));
            continue;
        }
        seen |= 1u << k;
        if (!has_type(m->value, spec[k].type))
            rep(s, m->value->loc, "schema-bad-key", name,
                "'%s' of %s must be %s, found %s", m->key, wstr(s, w),
                ktype_name(spec[k].type), qc_value_type_name(m->value));
    }
    for (unsigned k = 0; spec[k].key != K_COUNT; k++)
        if (spec[k].mandatory && !(seen & (1u << k)))
            rep(s, obj->loc, "schema-missing-key", name, "%s has no '%s'",
                wstr(s, w), keys[spec[k].key].s);
    check_features(s, name, w, obj);
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

static const struct kspec *const specs[M_COUNT] = {
    [M_COMMAND] = k_command, [M_EVENT] = k_event, [M_OBJECT] = k_object,
    [M_ARRAY] = k_array, [M_ENUM] = k_enum, [M_ALTERNATE] = k_alternate,
    [M_BUILTIN] = k_builtin,
};

/* --- references --- */

/* Checks that the string K of OBJ names a type; returns its entry.
 * WANT, unless M_COUNT, is the meta-type it must have. */
static const qc_value *ref(struct sc *s, const char *name,
                           const struct what *w, const qc_value *obj,
                           enum key k, enum meta want)
{
    const char *key = keys[k].s;
    const qc_value *v = get_k(s, obj, k);
    if (!qc_is_string(v))
        return NULL;
    const struct ent *t = lookup(s, v->u.str.s);
    if (!t) {
        rep(s, v->loc, "schema-unresolved", name,
            "'%s' of %s names '%s', which is not in the schema", key,
            wstr(s, w), v->u.str.s);
        return NULL;
    }
    const char *meta = t->meta;
    enum meta m = t->m;
    if (m == M_COMMAND || m == M_EVENT) {
        rep(s, v->loc, "schema-bad-reference", name,
            "'%s' of %s names the %s '%s', not a type", key, wstr(s, w),
            meta, v->u.str.s);
        return NULL;
    }
    if (want != M_COUNT && meta && m != want) {
        rep(s, v->loc, "schema-bad-reference", name,
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
    const qc_value *m = GET(e, K_MEMBERS);
    bool named = qc_is_array(m);
    if (!named)
        m = GET(e, K_VALUES);
    size_t n = qc_is_array(m) ? m->u.arr.n : 0;
    set_reset(set, n);
    for (size_t i = 0; i < n; i++) {
        const qc_value *x = m->u.arr.items[i];
        const char *v = named ? GETSTR(x, K_NAME)
                      : qc_is_string(x) ? x->u.str.s : NULL;
        if (v)
            set_add(set, v, x);
    }
}

static void check_object(struct sc *s, const char *name, const qc_value *e)
{
    const qc_value *members = GET(e, K_MEMBERS);
    const qc_value *tagmember = NULL;
    const char *tag = GETSTR(e, K_TAG);

    if (qc_is_array(members)) {
        set_reset(&s->set1, members->u.arr.n);
        for (size_t i = 0; i < members->u.arr.n; i++) {
            const qc_value *m = members->u.arr.items[i];
            const char *mn = GETSTR(m, K_NAME);
            struct what w = { "member", mn, i };
            if (!check_keys(s, name, &w, m, k_member))
                continue;
            ref(s, name, &w, m, K_TYPE, M_COUNT);
            if (mn && !set_add(&s->set1, mn, m))
                rep(s, m->loc, "schema-duplicate-member", name,
                    "two members are named '%s'", mn);
            if (tag && mn && !strcmp(mn, tag) && !tagmember)
                tagmember = m;
        }
    }
    const qc_value *variants = GET(e, K_VARIANTS);
    if (tag && !tagmember)
        rep(s, GET(e, K_TAG)->loc, "schema-bad-tag", name,
            "tag '%s' is not one of the object's members", tag);
    if (variants && !GET(e, K_TAG))
        rep(s, variants->loc, "schema-bad-tag", name,
            "'variants' without a 'tag'");
    if (!qc_is_array(variants))
        return;
    const qc_value *tagtype = NULL;
    if (tagmember) {
        const char *tn = GETSTR(tagmember, K_TYPE);
        const struct ent *t = lookup(s, tn);
        tagtype = t ? t->e : NULL;
        if (t && t->m != M_ENUM) {
            rep(s, tagmember->loc, "schema-bad-tag", name,
                "tag member '%s' has type '%s', which is not an enum", tag, tn);
            tagtype = NULL;
        }
    }
    if (tagtype)
        enum_values(s, &s->set2, tagtype);
    set_reset(&s->set1, variants->u.arr.n);
    for (size_t i = 0; i < variants->u.arr.n; i++) {
        const qc_value *v = variants->u.arr.items[i];
        const char *cs = GETSTR(v, K_CASE);
        struct what w = { "variant", cs, i };
        if (!check_keys(s, name, &w, v, k_variant))
            continue;
        ref(s, name, &w, v, K_TYPE, M_OBJECT);
        if (cs && tagtype && !set_has(&s->set2, cs))
            rep(s, GET(v, K_CASE)->loc, "schema-bad-tag", name,
                "variant '%s' is not a value of the tag's enum '%s'", cs,
                GETSTR(tagtype, K_NAME));
        if (cs && !set_add(&s->set1, cs, v))
            rep(s, v->loc, "schema-bad-tag", name,
                "two variants are for case '%s'", cs);
    }
}

static void check_enum(struct sc *s, const char *name, const qc_value *e)
{
    const qc_value *members = GET(e, K_MEMBERS);
    const qc_value *values = GET(e, K_VALUES);

    if (!members && !values)
        rep(s, e->loc, "schema-missing-key", name,
            "an enum needs 'members' or 'values'");
    if (qc_is_array(members)) {
        set_reset(&s->set1, members->u.arr.n);
        for (size_t i = 0; i < members->u.arr.n; i++) {
            const qc_value *m = members->u.arr.items[i];
            const char *mn = GETSTR(m, K_NAME);
            struct what w = { "enum member", mn, i };
            check_keys(s, name, &w, m, k_enum_member);
            if (mn && !set_add(&s->set1, mn, m))
                rep(s, m->loc, "schema-duplicate-member", name,
                    "two enum members are named '%s'", mn);
        }
    }
    if (qc_is_array(values)) {
        for (size_t i = 0; i < values->u.arr.n; i++)
            if (!qc_is_string(values->u.arr.items[i]))
                rep(s, values->u.arr.items[i]->loc, "schema-bad-key", name,
                    "enum values must be strings, found %s",
                    qc_value_type_name(values->u.arr.items[i]));
        /* Since QEMU 6.2 both lists are given; they must agree. */
        if (qc_is_array(members)) {
            bool same = members->u.arr.n == values->u.arr.n;
            for (size_t i = 0; same && i < values->u.arr.n; i++) {
                const char *mn = GETSTR(members->u.arr.items[i], K_NAME);
                const qc_value *vv = values->u.arr.items[i];
                same = mn && qc_is_string(vv) && !strcmp(mn, vv->u.str.s);
            }
            if (!same)
                rep(s, values->loc, "schema-enum-mismatch", name,
                    "'values' and the names in 'members' differ");
        }
    }
}

/* What entry E (labelled LABEL) refers to, by meta-type: the types of a
 * command, event or array, an object's members and variants, an enum's
 * values, an alternate's members, a builtin's JSON type. */
static void check_references(struct sc *s, const char *label, enum meta meta,
                             const qc_value *e)
{
    struct what w = { NULL, "the entry", 0 };
    if (meta == M_COMMAND) {
        w.name = "the command";
        ref(s, label, &w, e, K_ARG_TYPE, M_OBJECT);
        ref(s, label, &w, e, K_RET_TYPE, M_COUNT);
    } else if (meta == M_EVENT) {
        w.name = "the event";
        ref(s, label, &w, e, K_ARG_TYPE, M_OBJECT);
    } else if (meta == M_ARRAY) {
        w.name = "the array";
        ref(s, label, &w, e, K_ELEMENT_TYPE, M_COUNT);
    } else if (meta == M_OBJECT) {
        check_object(s, label, e);
    } else if (meta == M_ENUM) {
        check_enum(s, label, e);
    } else if (meta == M_ALTERNATE) {
        const qc_value *members = GET(e, K_MEMBERS);
        if (qc_is_array(members)) {
            if (!members->u.arr.n)
                rep(s, members->loc, "schema-missing-key", label,
                    "an alternate needs at least one member");
            for (size_t i = 0; i < members->u.arr.n; i++) {
                const qc_value *m = members->u.arr.items[i];
                struct what mw = { "alternative", NULL, i };
                if (check_keys(s, label, &mw, m, k_alt_member))
                    ref(s, label, &mw, m, K_TYPE, M_COUNT);
            }
        }
    } else if (meta == M_BUILTIN) {
        static const char *const jt[] = { "string", "int", "number",
                                          "boolean", "null", "value", NULL };
        const char *t = GETSTR(e, K_JSON_TYPE);
        size_t i = 0;
        while (t && jt[i] && strcmp(jt[i], t))
            i++;
        if (t && !jt[i])
            rep(s, GET(e, K_JSON_TYPE)->loc, "schema-bad-key", label,
                "unknown json-type '%s' (known: string, int, number, boolean, null, value)",
                t);
    }
}

static void check_entry(struct sc *s, size_t idx, const qc_value *e)
{
    if (!qc_is_object(e)) {
        rep(s, e->loc, "schema-bad-entry", NULL,
            "schema entry %zu must be an object, found %s", idx + 1,
            qc_value_type_name(e));
        return;
    }
    const char *name = GETSTR(e, K_NAME);
    const char *label = name ? name : qc_arena_printf(s->a, "#%zu", idx + 1);
    const char *meta = s->ents[idx].meta;
    enum meta m = s->ents[idx].m;
    const struct kspec *spec = m == M_COUNT ? NULL : specs[m];
    struct what w = { NULL, "the entry", 0 };

    if (!spec) {
        const qc_value *mv = GET(e, K_META_TYPE);
        if (!mv)
            rep(s, e->loc, "schema-bad-meta-type", label, "no 'meta-type'");
        else if (!meta)
            rep(s, mv->loc, "schema-bad-meta-type", label,
                "'meta-type' must be a string, found %s",
                qc_value_type_name(mv));
        else
            rep(s, mv->loc, "schema-bad-meta-type", label,
                "unknown meta-type '%s' (known: builtin, enum, array, object, alternate, command, event)",
                meta);
        return;
    }
    check_keys(s, label, &w, e, spec);
    if (!name)
        return;

    const qc_value *first = lookup(s, name)->e;
    if (first != e) {
        qc_diagnostic *dg = rep(s, GET(e, K_NAME)->loc,
                                "schema-duplicate-name", label,
                                "a second entry with this name");
        qc_diag_note(dg, first->loc, NULL, NULL, "the first one");
    }

    check_references(s, label, m, e);
}

size_t qc_soundness_check(qc_arena *a, const qc_value *array,
                          const char *context, qc_diag *d)
{
    struct sc s = { .a = a, .d = d, .ctx = context };

    if (!qc_is_array(array)) {
        rep(&s, (array)->loc, "schema-not-array", NULL,
            "the schema (query-qmp-schema's return) must be an array, found %s",
            qc_value_type_name(array));
        return s.problems;
    }
    /* Its own index, not an ischema's: names are found by exact keys
     * here (a key "name" with a NUL and more after it is not "name"). */
    size_t n = array->u.arr.n;
    s.by_name = qc_hashmap_new_sized(a, n);
    s.set1.store = qc_hashmap_new_sized(a, 3);
    s.set2.store = qc_hashmap_new_sized(a, 3);
    s.ents = qc_arena_alloc_uninit(a, (n + 1) * sizeof *s.ents);
    for (size_t i = 0; i < n; i++) {
        struct ent *t = &s.ents[i];
        t->e = array->u.arr.items[i];
        t->m = meta_of(&s, t->e, &t->meta);
        const char *name = getstr_k(&s, t->e, K_NAME);
        if (name)
            qc_hashmap_put_new(s.by_name, name, t);
    }
    for (size_t i = 0; i < n; i++)
        check_entry(&s, i, array->u.arr.items[i]);
    return s.problems;
}
