/* Value trees: type names, integer classification. */
#include "syntax/value.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *qc_value_type_name(const qc_value *v)
{
    switch (v->kind) {
    case QC_VNULL: return "null";
    case QC_VBOOL: return "boolean";
    case QC_VSTRING: return "string";
    case QC_VINT:
    case QC_VUINT:
    case QC_VNUMBER: return "number";
    case QC_VARRAY: return "array";
    case QC_VOBJECT: return "object";
    }
    return "?";
}

static size_t digits(const char *t)
{
    size_t n = 0;
    while (t[n] >= '0' && t[n] <= '9')
        n++;
    return n;
}

/* The longest match of JSON's number at the start of the text: where the
 * scanner ended the number (what follows it in the source is no part of
 * a number, or the scanner would have refused the run). */
size_t qc_num_len(const qc_value *v)
{
    const char *t = v->u.num.text;
    size_t n = t[0] == '-';
    if (t[n] == '0')
        n++;
    else
        n += digits(t + n);
    if (t[n] == '.' && t[n + 1] >= '0' && t[n + 1] <= '9')
        n += 1 + digits(t + n + 1);
    if (t[n] == 'e' || t[n] == 'E') {
        size_t k = n + 1 + (t[n + 1] == '+' || t[n + 1] == '-');
        size_t d = digits(t + k);
        if (d)
            n = k + d;
    }
    return n;
}

char *qc_num_strdup(qc_arena *a, const qc_value *v)
{
    return qc_arena_strndup(a, v->u.num.text, qc_num_len(v));
}

/* The magnitude of integer V; the caller knows it fits (the kind says
 * so). */
static uint64_t magnitude(const qc_value *v)
{
    const char *t = v->u.num.text;
    size_t n = qc_num_len(v);
    uint64_t u = 0;
    for (size_t i = t[0] == '-'; i < n; i++)
        u = u * 10 + (uint64_t)(t[i] - '0');
    return u;
}

int64_t qc_num_i(const qc_value *v)
{
    uint64_t u = magnitude(v);
    /* INT64_MIN's magnitude wraps to itself, as it should. */
    return v->u.num.text[0] == '-' ? (int64_t)(0 - u) : (int64_t)u;
}

uint64_t qc_num_u(const qc_value *v)
{
    return magnitude(v);
}

void qc_value_set_number(qc_value *v, const char *t, size_t len, bool integer)
{
    v->kind = QC_VNUMBER;
    v->u.num.text = t;
    if (!integer)
        return;
    bool neg = t[0] == '-';
    size_t nd = len - neg;
    if (nd <= 18) {         /* cannot overflow */
        v->kind = QC_VINT;
        return;
    }
    /* Compared with the limits' digits: no copy, no strtoll (TEXT need
     * not end in a NUL; an integer token has no leading zero). */
    const char *limit = neg ? "9223372036854775808" : "18446744073709551615";
    size_t lim = strlen(limit);
    if (nd > lim || (nd == lim && memcmp(t + neg, limit, lim) > 0))
        return;
    v->kind = neg || nd < 19
              || (nd == 19 && memcmp(t, "9223372036854775807", 19) <= 0)
              ? QC_VINT : QC_VUINT;
}

/* Whether numbers A and B have the same text. */
static bool same_number_text(const qc_value *a, const qc_value *b)
{
    size_t n = qc_num_len(a);
    return n == qc_num_len(b) && !memcmp(a->u.num.text, b->u.num.text, n);
}

bool qc_value_equal(const qc_value *a, const qc_value *b, bool ignore_key_order)
{
    if (a->kind != b->kind) {
        if (qc_is_number(a) && qc_is_number(b))
            return same_number_text(a, b);
        return false;
    }
    switch (a->kind) {
    case QC_VNULL:
        return true;
    case QC_VBOOL:
        return a->u.b == b->u.b;
    case QC_VSTRING: {
        size_t n = qc_str_len(a);
        return n == qc_str_len(b) && !memcmp(a->u.str.s, b->u.str.s, n);
    }
    case QC_VINT:
        return qc_num_i(a) == qc_num_i(b);
    case QC_VUINT:
        return qc_num_u(a) == qc_num_u(b);
    case QC_VNUMBER:
        return same_number_text(a, b);
    case QC_VARRAY: {
        size_t n = qc_arr_len(a);
        if (n != qc_arr_len(b))
            return false;
        for (size_t i = 0; i < n; i++)
            if (!qc_value_equal(qc_arr_at(a, i), qc_arr_at(b, i),
                                ignore_key_order))
                return false;
        return true;
    }
    case QC_VOBJECT: {
        size_t n = qc_obj_len(a);
        if (n != qc_obj_len(b))
            return false;
        for (size_t i = 0; i < n; i++) {
            const qc_member *ma = qc_obj_at(a, i);
            const qc_value *vb;
            if (ignore_key_order) {
                vb = qc_obj_get(b, ma->key);
            } else {
                const qc_member *mb = qc_obj_at(b, i);
                vb = strcmp(ma->key, mb->key) ? NULL : &mb->value;
            }
            if (!vb || !qc_value_equal(&ma->value, vb, ignore_key_order))
                return false;
        }
        return true;
    }
    }
    return false;
}

qc_value *qc_value_new(qc_arena *a, qc_vkind kind)
{
    qc_value *v = qc_arena_alloc(a, sizeof *v);
    v->kind = kind;
    return v;
}

qc_value *qc_value_new_string(qc_arena *a, const char *s)
{
    qc_value *v = qc_value_new(a, QC_VSTRING);
    v->u.str.s = s;
    return v;
}

/* A block of N entries of SIZE bytes with its count in front; the
 * entries' address. */
static void *counted_block(qc_arena *a, size_t n, size_t size)
{
    size_t *b = qc_arena_alloc_uninit(a, sizeof *b + n * size);
    b[0] = n;
    return b + 1;
}

/* The same holding a copy of the N entries at FROM. */
static void *counted_copy(qc_arena *a, const void *from, size_t n, size_t size)
{
    void *p = counted_block(a, n, size);
    if (n)
        memcpy(p, from, n * size);
    return p;
}

void qc_value_set_items(qc_arena *a, qc_value *v, const qc_value *items,
                        size_t n)
{
    v->kind = QC_VARRAY;
    v->u.arr.items = counted_copy(a, items, n, sizeof *items);
}

void qc_value_set_item_ptrs(qc_arena *a, qc_value *v, qc_value *const *items,
                            size_t n)
{
    v->kind = QC_VARRAY;
    v->u.arr.items = counted_block(a, n, sizeof *v->u.arr.items);
    for (size_t i = 0; i < n; i++)
        v->u.arr.items[i] = *items[i];
}

void qc_value_begin_members(qc_arena *a, qc_value *v, size_t cap)
{
    v->kind = QC_VOBJECT;
    v->u.obj.members = counted_block(a, cap, sizeof *v->u.obj.members);
    ((size_t *)(void *)v->u.obj.members)[-1] = 0;
}

void qc_value_set_members(qc_arena *a, qc_value *v, const qc_member *mems,
                          size_t n)
{
    v->kind = QC_VOBJECT;
    v->u.obj.members = counted_copy(a, mems, n, sizeof *mems);
}
