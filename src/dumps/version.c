/* QEMU versions; see version.h. */
#include "dumps/version.h"

#include <limits.h>
#include <string.h>

static bool parse_uint(const char **p, unsigned *out)
{
    const char *s = *p;
    unsigned long v = 0;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > 100000)
            return false;
        s++;
    }
    *out = (unsigned)v;
    *p = s;
    return true;
}

bool qc_version_parse(const char *s, qc_version *v)
{
    qc_version r = { 0, 0, 0, true };
    if (!parse_uint(&s, &r.major) || *s++ != '.' || !parse_uint(&s, &r.minor))
        return false;
    if (*s == '.') {
        s++;
        if (!parse_uint(&s, &r.micro))
            return false;
    }
    if (*s)
        return false;
    *v = r;
    return true;
}

int qc_version_cmp(const qc_version *a, const qc_version *b)
{
    if (a->set != b->set)
        return a->set ? -1 : 1;
    if (!a->set)
        return 0;
    if (a->major != b->major)
        return a->major < b->major ? -1 : 1;
    if (a->minor != b->minor)
        return a->minor < b->minor ? -1 : 1;
    if (a->micro != b->micro)
        return a->micro < b->micro ? -1 : 1;
    return 0;
}

const char *qc_version_str(qc_arena *a, const qc_version *v)
{
    if (!v->set)
        return "";
    return qc_arena_printf(a, "%u.%u.%u", v->major, v->minor, v->micro);
}

bool qc_version_of_reply(const qc_value *ret, qc_version *v)
{
    const qc_value *q = qc_obj_get(ret, "qemu");
    const qc_value *ma = qc_obj_get(q, "major"), *mi = qc_obj_get(q, "minor"),
                   *mc = qc_obj_get(q, "micro");
    if (!ma || !mi || ma->kind != QC_VINT || mi->kind != QC_VINT
        || qc_num_i(ma) < 0 || qc_num_i(mi) < 0
        || qc_num_i(ma) > UINT_MAX || qc_num_i(mi) > UINT_MAX)
        return false;
    v->major = (unsigned)qc_num_i(ma);
    v->minor = (unsigned)qc_num_i(mi);
    v->micro = mc && mc->kind == QC_VINT && qc_num_i(mc) >= 0
               && qc_num_i(mc) <= UINT_MAX ? (unsigned)qc_num_i(mc) : 0;
    v->set = true;
    return true;
}
