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

void qc_value_set_integer(qc_value *v, const char *t, size_t len)
{
    bool neg = t[0] == '-';
    size_t digits = len - neg;
    v->kind = QC_VNUMBER;
    v->u.num.u = 0;         /* and so u.num.i */
    if (digits <= 18) {         /* cannot overflow: no strtoll needed */
        uint64_t u = 0;
        for (size_t i = neg; i < len; i++)
            u = u * 10 + (uint64_t)(t[i] - '0');
        v->kind = QC_VINT;
        v->u.num.i = neg ? -(int64_t)u : (int64_t)u;
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
            v->u.num.u = x;
        }
    }
}

bool qc_value_equal(const qc_value *a, const qc_value *b, bool ignore_key_order)
{
    if (a->kind != b->kind) {
        if (qc_is_number(a) && qc_is_number(b))
            return !strcmp(a->u.num.text, b->u.num.text);
        return false;
    }
    switch (a->kind) {
    case QC_VNULL:
        return true;
    case QC_VBOOL:
        return a->u.b == b->u.b;
    case QC_VSTRING:
        return a->u.str.len == b->u.str.len
            && !memcmp(a->u.str.s, b->u.str.s, a->u.str.len);
    case QC_VINT:
        return a->u.num.i == b->u.num.i;
    case QC_VUINT:
        return a->u.num.u == b->u.num.u;
    case QC_VNUMBER:
        return !strcmp(a->u.num.text, b->u.num.text);
    case QC_VARRAY:
        if (a->u.arr.n != b->u.arr.n)
            return false;
        for (size_t i = 0; i < a->u.arr.n; i++)
            if (!qc_value_equal(a->u.arr.items[i], b->u.arr.items[i],
                                ignore_key_order))
                return false;
        return true;
    case QC_VOBJECT:
        if (a->u.obj.n != b->u.obj.n)
            return false;
        for (size_t i = 0; i < a->u.obj.n; i++) {
            const qc_member *ma = &a->u.obj.members[i];
            const qc_value *vb;
            if (ignore_key_order) {
                vb = qc_obj_get(b, ma->key);
            } else {
                const qc_member *mb = &b->u.obj.members[i];
                vb = strcmp(ma->key, mb->key) ? NULL : mb->value;
            }
            if (!vb || !qc_value_equal(ma->value, vb, ignore_key_order))
                return false;
        }
        return true;
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
    v->u.str.len = strlen(s);
    return v;
}
