/* The AST of both dialects: a JSON-like value tree in which every value and
 * every object key carries its location.  Built by the grammar (grammar/),
 * owned by the run's arena. */
#ifndef QC_VALUE_H
#define QC_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/source.h"

typedef enum {
    QC_VNULL,
    QC_VBOOL,
    QC_VSTRING,
    QC_VINT,      /* integer that fits int64_t: u.num.i */
    QC_VUINT,     /* integer above INT64_MAX that fits uint64_t: u.num.u
                     (which shares its storage with u.num.i) */
    QC_VNUMBER,   /* any other number: only u.num.text is meaningful */
    QC_VARRAY,
    QC_VOBJECT,
} qc_vkind;

typedef struct qc_value qc_value;

/* 24 bytes: a schema has an object of a member or two per definition.
 * Its location is in the source of its object (qc_member_loc). */
typedef struct qc_member {
    const char *key;      /* NUL-terminated (JSON keys with \u0000 are cut) */
    uint32_t key_len;     /* inputs are below 4 GiB (QC_SOURCE_MAX_CEILING) */
    uint32_t key_off;     /* offset of the opening quote of the key */
    qc_value *value;
} qc_member;

struct qc_value {
    qc_vkind kind;
    qc_loc loc;           /* first character of the value */
    union {
        bool b;
        struct {
            const char *s;      /* decoded, NUL-terminated */
            size_t len;         /* may include embedded NULs (JSON \u0000) */
        } str;
        struct {
            const char *text;   /* the number exactly as written */
            union {             /* the kind says which */
                int64_t i;
                uint64_t u;
            };
        } num;
        struct {
            qc_value **items;
            size_t n;
        } arr;
        struct {
            qc_member *members; /* in source order */
            size_t n;
        } obj;
    } u;
};

/* The location of the key of member M of object OBJ. */
static inline qc_loc qc_member_loc(const qc_value *obj, const qc_member *m)
{
    qc_loc l = { obj->loc.src_id, m->key_off };
    return l;
}

/* First member named KEY, or NULL (also when V is not an object).  A
 * key with an embedded NUL matches up to the NUL, as strcmp would have
 * it.  Inline: the checks look members up all the time, mostly by
 * literal names, whose length the compiler knows. */
static inline qc_member *qc_obj_member(const qc_value *v, const char *key)
{
    if (!v || v->kind != QC_VOBJECT)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < v->u.obj.n; i++) {
        qc_member *m = &v->u.obj.members[i];
        if (m->key_len >= n && m->key[0] == key[0]
            && !memcmp(m->key, key, n) && m->key[n] == '\0')
            return m;
    }
    return NULL;
}

static inline const qc_value *qc_obj_get(const qc_value *v, const char *key)
{
    qc_member *m = qc_obj_member(v, key);
    return m ? m->value : NULL;
}

/* String value of member KEY, or NULL if absent or not a string. */
static inline const char *qc_obj_get_str(const qc_value *v, const char *key)
{
    const qc_value *s = qc_obj_get(v, key);
    return s && s->kind == QC_VSTRING ? s->u.str.s : NULL;
}

static inline bool qc_is_string(const qc_value *v)
{
    return v && v->kind == QC_VSTRING;
}
static inline bool qc_is_object(const qc_value *v)
{
    return v && v->kind == QC_VOBJECT;
}
static inline bool qc_is_array(const qc_value *v)
{
    return v && v->kind == QC_VARRAY;
}
static inline bool qc_is_integer(const qc_value *v)
{
    return v && (v->kind == QC_VINT || v->kind == QC_VUINT);
}
static inline bool qc_is_number(const qc_value *v)
{
    return v && (v->kind == QC_VINT || v->kind == QC_VUINT
                 || v->kind == QC_VNUMBER);
}

/* Name of the JSON type of V: "object", "array", "string", "number",
 * "boolean", "null". */
const char *qc_value_type_name(const qc_value *v);

/* A new value of KIND in arena A, everything else zero (no location):
 * for values that a program builds rather than reads. */
qc_value *qc_value_new(qc_arena *a, qc_vkind kind);
/* A new string value of S, which must outlive it (not copied). */
qc_value *qc_value_new_string(qc_arena *a, const char *s);

/* Classifies the integer TEXT[0..LEN) (JSON syntax: an optional '-' and
 * digits; NUL-terminated) for V: QC_VINT with u.num.i when it fits int64_t
 * (u.num.u, the same bits, is then its value too when it is not
 * negative), QC_VUINT with u.num.u when it
 * fits uint64_t only, QC_VNUMBER otherwise.  The grammar and the fast
 * reader of dumps both call it, so they agree on every number. */
void qc_value_set_integer(qc_value *v, const char *text, size_t len);

/* Deep structural equality (object key order matters unless
 * IGNORE_KEY_ORDER).  Numbers compare by value when both are integers, by
 * text otherwise. */
bool qc_value_equal(const qc_value *a, const qc_value *b, bool ignore_key_order);

#endif
