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
    v->u.num.i = 0;
    v->u.num.u = 0;
    if (digits <= 18) {         /* cannot overflow: no strtoll needed */
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
