/* Values as C data: free, copy, equality and new boxes (codec.h).
 *
 * What is shared: the json-c values in ANY slots, in _extra (its members;
 * each object gets an _extra object of its own) and in alternates' _raw
 * are references (json_object_get), shared between a copy and its source
 * and between a decoded value and its input tree.  Everything else is
 * owned by exactly one value. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal/runtime.h"

/* Whether a slot of kind K owns memory (free and copy must visit it). */
static bool owns_memory(qapic_kind k)
{
    switch (k) {
    case QAPIC_KIND_STR:
    case QAPIC_KIND_ANY:
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE:
    case QAPIC_KIND_LIST:
        return true;
    default:
        return false;
    }
}

static struct json_object **extra_of(const qapic_type *t, const void *obj)
{
    return (struct json_object **)((char *)obj + t->u.object.extra_offset);
}

static qapic_json_type *alt_type_of(const qapic_type *t, const void *obj)
{
    return (qapic_json_type *)((char *)obj + t->u.alternate.type_offset);
}

static struct json_object **alt_raw_of(const qapic_type *t, const void *obj)
{
    return (struct json_object **)((char *)obj + t->u.alternate.raw_offset);
}

/* ---- free --------------------------------------------------------------- */

void qapic_rt_free_object(const qapic_type *t, void *obj)
{
    const void *bobj = NULL;
    /* Find the branch before the members: freeing zeroes the tag. */
    const qapic_type *br = qapic_rt_branch(t, obj, &bobj);

    for (size_t i = 0; i < t->u.object.n; i++) {
        const qapic_member *m = &t->u.object.members[i];
        if (owns_memory(m->type->kind))
            qapic_free_slot(m->type, (char *)obj + m->offset);
    }
    if (br)
        qapic_rt_free_object(br, (void *)bobj);
    json_object_put(*extra_of(t, obj));
    *extra_of(t, obj) = NULL;
}

static void free_alternate(const qapic_type *t, void *obj)
{
    const qapic_alt_branch *b = qapic_rt_alt_branch(t, *alt_type_of(t, obj));

    if (b)
        qapic_free_slot(b->type, (char *)obj + b->offset);
    json_object_put(*alt_raw_of(t, obj));
    *alt_raw_of(t, obj) = NULL;
}

static void free_list(const qapic_type *t, qapic_list *l)
{
    const qapic_type *et = t->u.list.element;
    size_t es = qapic_rt_slot_size(et->kind);

    if (l->items && owns_memory(et->kind))
        for (size_t i = 0; i < l->n; i++)
            qapic_free_slot(et, (char *)l->items + i * es);
    free(l->items);
    if (l->_raw)
        for (size_t i = 0; i < l->n; i++)
            free(l->_raw[i]);
    free(l->_raw);
}

void qapic_free_slot(const qapic_type *t, void *slot)
{
    if (!t || !slot)
        return;
    switch (t->kind) {
    case QAPIC_KIND_STR:
        free(*(char **)slot);
        break;
    case QAPIC_KIND_ANY:
        json_object_put(*(struct json_object **)slot);
        break;
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE:
        qapic_free(t, *(void **)slot);
        break;
    case QAPIC_KIND_LIST:
        free_list(t, slot);
        break;
    default:
        break;
    }
    memset(slot, 0, qapic_rt_slot_size(t->kind));
}

void qapic_free(const qapic_type *t, void *box)
{
    if (!t || !box)
        return;
    switch (t->kind) {
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
        qapic_rt_free_object(t, box);
        break;
    case QAPIC_KIND_ALTERNATE:
        free_alternate(t, box);
        break;
    case QAPIC_KIND_ENUM:
        free(((qapic_enum_box *)box)->raw);
        break;
    default:
        qapic_free_slot(t, box);
        break;
    }
    free(box);
}

void *qapic_new(const qapic_type *t)
{
    return t ? calloc(1, qapic_rt_box_size(t)) : NULL;
}

/* ---- copy --------------------------------------------------------------- */

/* Each copy function fills zeroed DST; on failure DST holds a consistent
 * partial copy the caller frees. */
static int copy_slot(const qapic_type *t, const void *src, void *dst,
                     qapic_error **err);

static char *copy_string(const char *s, qapic_error **err)
{
    char *d;

    if (!s)
        return NULL;
    if (!(d = qapic_rt_strdup(s)))
        qapic_rt_nomem(err);
    return d;
}

/* A new _extra object holding references to SRC's members. */
static int copy_extra(struct json_object *src, struct json_object **dst,
                      qapic_error **err)
{
    if (!src)
        return 0;
    if (!json_object_is_type(src, json_type_object)) {
        *dst = json_object_get(src);
        return 0;
    }
    if (!(*dst = json_object_new_object()))
        return qapic_rt_nomem(err);
    json_object_object_foreach(src, key, val) {
        if (json_object_object_add_ex(*dst, key, json_object_get(val),
                                      JSON_C_OBJECT_ADD_KEY_IS_NEW) < 0) {
            json_object_put(val);
            return qapic_rt_nomem(err);
        }
    }
    return 0;
}

static int copy_object(const qapic_type *t, const char *src, char *dst,
                       qapic_error **err)
{
    const void *sbr = NULL;
    const qapic_type *br;

    for (size_t i = 0; i < t->u.object.n; i++) {
        const qapic_member *m = &t->u.object.members[i];
        if (m->has_offset != QAPIC_NO_OFFSET) {
            if (!*(const bool *)(src + m->has_offset))
                continue;
            *(bool *)(dst + m->has_offset) = true;
        }
        if (copy_slot(m->type, src + m->offset, dst + m->offset, err) < 0)
            return -1;
    }
    br = qapic_rt_branch(t, src, &sbr);
    if (br && copy_object(br, sbr, dst + t->u.object.variant_offset, err) < 0)
        return -1;
    return copy_extra(*extra_of(t, src), extra_of(t, dst), err);
}

static int copy_alternate(const qapic_type *t, const char *src, char *dst,
                          qapic_error **err)
{
    qapic_json_type type = *alt_type_of(t, src);
    const qapic_alt_branch *b = qapic_rt_alt_branch(t, type);

    *alt_type_of(t, dst) = type;
    *alt_raw_of(t, dst) = json_object_get(*alt_raw_of(t, src));
    return b ? copy_slot(b->type, src + b->offset, dst + b->offset, err) : 0;
}

static int copy_list(const qapic_type *t, const qapic_list *src,
                     qapic_list *dst, qapic_error **err)
{
    const qapic_type *et = t->u.list.element;
    size_t n = src->n, es = qapic_rt_slot_size(et->kind);

    dst->n = n;
    if (!n || !src->items)
        return 0;
    if (!(dst->items = calloc(n, es))) {
        dst->n = 0;
        return qapic_rt_nomem(err);
    }
    if (!owns_memory(et->kind))
        memcpy(dst->items, src->items, n * es);
    else
        for (size_t i = 0; i < n; i++)
            if (copy_slot(et, (const char *)src->items + i * es,
                          (char *)dst->items + i * es, err) < 0)
                return -1;
    if (src->_raw) {
        if (!(dst->_raw = calloc(n, sizeof *dst->_raw)))
            return qapic_rt_nomem(err);
        for (size_t i = 0; i < n; i++)
            if (src->_raw[i] && !(dst->_raw[i] = copy_string(src->_raw[i], err)))
                return -1;
    }
    return 0;
}

/* Copies the object box SRC of type T into a new box stored in *DST. */
static int copy_box(const qapic_type *t, const void *src, void **dst,
                    qapic_error **err)
{
    char *obj;
    int rc;

    if (!src)
        return 0;
    if (!(obj = calloc(1, qapic_rt_box_size(t))))
        return qapic_rt_nomem(err);
    rc = t->kind == QAPIC_KIND_ALTERNATE ? copy_alternate(t, src, obj, err)
                                         : copy_object(t, src, obj, err);
    if (rc < 0) {
        qapic_free(t, obj);
        return -1;
    }
    *dst = obj;
    return 0;
}

static int copy_slot(const qapic_type *t, const void *src, void *dst,
                     qapic_error **err)
{
    switch (t->kind) {
    case QAPIC_KIND_STR: {
        const char *s = *(char *const *)src;
        if (s && !(*(char **)dst = copy_string(s, err)))
            return -1;
        return 0;
    }
    case QAPIC_KIND_ANY:
        *(struct json_object **)dst =
            json_object_get(*(struct json_object *const *)src);
        return 0;
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE:
        return copy_box(t, *(void *const *)src, dst, err);
    case QAPIC_KIND_LIST:
        return copy_list(t, src, dst, err);
    default:
        memcpy(dst, src, qapic_rt_slot_size(t->kind));
        return 0;
    }
}

void *qapic_copy(const qapic_type *t, const void *box, qapic_error **err)
{
    void *dst = NULL;

    if (!t || !box) {
        qapic_error_set(err, QAPIC_ERROR_INVALID, "qapic_copy: no type or box");
        return NULL;
    }
    switch (t->kind) {
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE:
        return copy_box(t, box, &dst, err) < 0 ? NULL : dst;
    default:
        break;
    }
    if (!(dst = calloc(1, qapic_rt_box_size(t)))) {
        qapic_rt_nomem(err);
        return NULL;
    }
    if (t->kind == QAPIC_KIND_ENUM) {
        const qapic_enum_box *s = box;
        qapic_enum_box *d = dst;
        d->value = s->value;
        if (s->raw && !(d->raw = copy_string(s->raw, err))) {
            free(dst);
            return NULL;
        }
        return dst;
    }
    if (copy_slot(t, box, dst, err) < 0) {
        qapic_free(t, dst);
        return NULL;
    }
    return dst;
}

/* ---- equality ----------------------------------------------------------- */

static bool equal_slot(const qapic_type *t, const void *a, const void *b);

static bool strings_equal(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* An absent _extra and an empty one are the same JSON. */
static bool extras_equal(struct json_object *a, struct json_object *b)
{
    bool a_empty = !a || (json_object_is_type(a, json_type_object) &&
                          !json_object_object_length(a));
    bool b_empty = !b || (json_object_is_type(b, json_type_object) &&
                          !json_object_object_length(b));

    return a_empty || b_empty ? a_empty && b_empty : qapic_json_equal(a, b);
}

static bool equal_object(const qapic_type *t, const char *a, const char *b)
{
    const void *abr = NULL, *bbr = NULL;
    const qapic_type *br;

    for (size_t i = 0; i < t->u.object.n; i++) {
        const qapic_member *m = &t->u.object.members[i];
        if (m->has_offset != QAPIC_NO_OFFSET) {
            bool ha = *(const bool *)(a + m->has_offset);
            if (ha != *(const bool *)(b + m->has_offset))
                return false;
            if (!ha)
                continue;
        }
        if (!equal_slot(m->type, a + m->offset, b + m->offset))
            return false;
    }
    /* The tags are equal by now, so both have the same branch. */
    br = qapic_rt_branch(t, a, &abr);
    if (br) {
        qapic_rt_branch(t, b, &bbr);
        if (!equal_object(br, abr, bbr))
            return false;
    }
    return extras_equal(*extra_of(t, a), *extra_of(t, b));
}

static bool equal_alternate(const qapic_type *t, const char *a, const char *b)
{
    qapic_json_type type = *alt_type_of(t, a);
    const qapic_alt_branch *br = qapic_rt_alt_branch(t, type);

    if (type != *alt_type_of(t, b))
        return false;
    if (br && !equal_slot(br->type, a + br->offset, b + br->offset))
        return false;
    return qapic_json_equal(*alt_raw_of(t, a), *alt_raw_of(t, b));
}

static bool equal_list(const qapic_type *t, const qapic_list *a,
                       const qapic_list *b)
{
    const qapic_type *et = t->u.list.element;
    size_t es = qapic_rt_slot_size(et->kind);

    if (a->n != b->n)
        return false;
    if (!a->items || !b->items)
        return a->items == b->items || !a->n;
    for (size_t i = 0; i < a->n; i++) {
        if (!equal_slot(et, (const char *)a->items + i * es,
                        (const char *)b->items + i * es))
            return false;
        if (!strings_equal(a->_raw ? a->_raw[i] : NULL,
                           b->_raw ? b->_raw[i] : NULL))
            return false;
    }
    return true;
}

static bool equal_boxes(const qapic_type *t, const void *a, const void *b)
{
    if (!a || !b)
        return a == b;
    return t->kind == QAPIC_KIND_ALTERNATE ? equal_alternate(t, a, b)
                                           : equal_object(t, a, b);
}

static bool equal_slot(const qapic_type *t, const void *a, const void *b)
{
    switch (t->kind) {
    case QAPIC_KIND_STR:
        return strings_equal(*(char *const *)a, *(char *const *)b);
    case QAPIC_KIND_NUMBER:
        return *(const double *)a == *(const double *)b;
    case QAPIC_KIND_INT:
    case QAPIC_KIND_INT64:
        return *(const int64_t *)a == *(const int64_t *)b;
    case QAPIC_KIND_INT8:
        return *(const int8_t *)a == *(const int8_t *)b;
    case QAPIC_KIND_INT16:
        return *(const int16_t *)a == *(const int16_t *)b;
    case QAPIC_KIND_INT32:
        return *(const int32_t *)a == *(const int32_t *)b;
    case QAPIC_KIND_UINT8:
        return *(const uint8_t *)a == *(const uint8_t *)b;
    case QAPIC_KIND_UINT16:
        return *(const uint16_t *)a == *(const uint16_t *)b;
    case QAPIC_KIND_UINT32:
        return *(const uint32_t *)a == *(const uint32_t *)b;
    case QAPIC_KIND_UINT64:
    case QAPIC_KIND_SIZE:
        return *(const uint64_t *)a == *(const uint64_t *)b;
    case QAPIC_KIND_BOOL:
        return *(const bool *)a == *(const bool *)b;
    case QAPIC_KIND_NULL:
        return true;
    case QAPIC_KIND_ANY:
        return qapic_json_equal(*(struct json_object *const *)a,
                                *(struct json_object *const *)b);
    case QAPIC_KIND_ENUM:
        return *(const int *)a == *(const int *)b;
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE:
        return equal_boxes(t, *(void *const *)a, *(void *const *)b);
    case QAPIC_KIND_LIST:
        return equal_list(t, a, b);
    }
    return false;
}

bool qapic_equal(const qapic_type *t, const void *a, const void *b)
{
    if (!t)
        return false;
    if (a == b)
        return true;
    if (!a || !b)
        return false;
    switch (t->kind) {
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE:
        return equal_boxes(t, a, b);
    case QAPIC_KIND_ENUM: {
        const qapic_enum_box *x = a, *y = b;
        return x->value == y->value && strings_equal(x->raw, y->raw);
    }
    default:
        return equal_slot(t, a, b);
    }
}
