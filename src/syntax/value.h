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

typedef struct qc_member qc_member;

typedef enum {
    QC_VNULL,
    QC_VBOOL,
    QC_VSTRING,
    QC_VINT,      /* integer that fits int64_t (qc_num_i) */
    QC_VUINT,     /* integer above INT64_MAX that fits uint64_t (qc_num_u) */
    QC_VNUMBER,   /* any other number: only its text is meaningful */
    QC_VARRAY,
    QC_VOBJECT,
    /* Not a JSON value: what stands for a doc block among the top-level
     * items of a parse (qc_item_doc in parse.h), never inside a value. */
    QC_VDOCBLOCK_,
} qc_vkind;

struct qc_docblock;

typedef struct qc_value qc_value;

/* 16 bytes, and an array's elements and an object's members hold their
 * values in place: a JSON text of small values ("0," is 2 bytes) must not
 * take more than a few times its size.  So a value keeps only a pointer
 * of payload: counts sit in front of the arrays they count (qc_arr_len),
 * a number is its text in the source (its integer is read from there
 * when asked), and a string's length is strlen's unless it holds a NUL
 * byte (then it sits in front of the string). */
struct qc_value {
    uint32_t kind : 4;    /* qc_vkind */
    uint32_t len_before : 1; /* a string whose length precedes u.str.s */
    uint32_t src_id : 27; /* with off, its location (qc_value_loc) */
    uint32_t off;         /* first character of the value */
    union {
        bool b;
        struct {
            const char *s;      /* decoded, NUL-terminated */
        } str;
        struct {
            /* The number as written, up to its first character that
             * cannot be part of a JSON number: in the source (not
             * NUL-terminated) or a string of the program's. */
            const char *text;
        } num;
        struct {
            qc_value *items;    /* a size_t count in front (qc_arr_len) */
        } arr;
        struct {
            qc_member *members; /* in source order; count in front */
        } obj;
        struct qc_docblock *doc_;   /* QC_VDOCBLOCK_ */
    } u;
};

/* 32 bytes: a schema has an object of a member or two per definition.
 * Its location is in the source of its object (qc_member_loc). */
struct qc_member {
    const char *key;      /* NUL-terminated (JSON keys with \u0000 are cut) */
    uint32_t key_len;     /* inputs are below 4 GiB (QC_SOURCE_MAX_CEILING) */
    uint32_t key_off;     /* offset of the opening quote of the key */
    qc_value value;
};

static inline qc_loc qc_value_loc(const qc_value *v)
{
    qc_loc l = { v->src_id, v->off };
    return l;
}

static inline void qc_value_set_loc(qc_value *v, qc_loc l)
{
    v->src_id = l.src_id;
    v->off = l.off;
}

/* The number of elements of array V (0 for one made without any). */
static inline size_t qc_arr_len(const qc_value *v)
{
    const size_t *n = (const size_t *)(const void *)v->u.arr.items;
    return n ? n[-1] : 0;
}

/* Element I of array V. */
static inline qc_value *qc_arr_at(const qc_value *v, size_t i)
{
    return &v->u.arr.items[i];
}

static inline size_t qc_obj_len(const qc_value *v)
{
    const size_t *n = (const size_t *)(const void *)v->u.obj.members;
    return n ? n[-1] : 0;
}

static inline qc_member *qc_obj_at(const qc_value *v, size_t i)
{
    return &v->u.obj.members[i];
}

/* The length of string V (bytes, not counting the NUL at its end). */
static inline size_t qc_str_len(const qc_value *v)
{
    if (v->len_before) {
        uint32_t n;
        memcpy(&n, v->u.str.s - sizeof n, sizeof n);
        return n;
    }
    return strlen(v->u.str.s);
}

/* The length of the text of number V. */
size_t qc_num_len(const qc_value *v);
/* The text of number V as a string of arena A. */
char *qc_num_strdup(qc_arena *a, const qc_value *v);
/* The integer of V, a QC_VINT (qc_num_i) or QC_VUINT or QC_VINT that is
 * not negative (qc_num_u). */
int64_t qc_num_i(const qc_value *v);
uint64_t qc_num_u(const qc_value *v);

/* Makes V an array of the N values at ITEMS, copied into arena A (N may
 * be 0); likewise an object of N members. */
void qc_value_set_items(qc_arena *a, qc_value *v, const qc_value *items,
                        size_t n);
void qc_value_set_members(qc_arena *a, qc_value *v, const qc_member *mems,
                          size_t n);
/* Makes V an object with room for CAP members and none yet (for
 * qc_value_push_member). */
void qc_value_begin_members(qc_arena *a, qc_value *v, size_t cap);
/* A new last member of V, which qc_value_begin_members gave room for
 * (the caller sets its fields). */
static inline qc_member *qc_value_push_member(qc_value *v)
{
    size_t *n = (size_t *)(void *)v->u.obj.members - 1;
    return &v->u.obj.members[(*n)++];
}
/* The same from a vector of pointers to the values (copied). */
void qc_value_set_item_ptrs(qc_arena *a, qc_value *v, qc_value *const *items,
                            size_t n);

/* The location of the key of member M of object OBJ. */
static inline qc_loc qc_member_loc(const qc_value *obj, const qc_member *m)
{
    qc_loc l = { obj->src_id, m->key_off };
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
    size_t nm = qc_obj_len(v);
    for (size_t i = 0; i < nm; i++) {
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
    return m ? &m->value : NULL;
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

/* Makes V the number TEXT[0..LEN) (JSON syntax), which must outlive it:
 * QC_VINT when it is an integer that fits int64_t, QC_VUINT when it fits
 * uint64_t only, QC_VNUMBER otherwise (INTEGER: it has no fraction or
 * exponent).  The grammar and the fast reader of dumps both call it, so
 * they agree on every number. */
void qc_value_set_number(qc_value *v, const char *text, size_t len,
                         bool integer);

/* Deep structural equality (object key order matters unless
 * IGNORE_KEY_ORDER).  Numbers compare by value when both are integers, by
 * text otherwise. */
bool qc_value_equal(const qc_value *a, const qc_value *b, bool ignore_key_order);

#endif
