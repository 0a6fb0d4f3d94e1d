/* The C layout of values (qapic/types.h): slot sizes, the active branch
 * of a union, an alternate's branch for a JSON type. */
#include <stdint.h>

#include "internal/runtime.h"

/* qapic_rt_is_integer relies on the integer kinds being contiguous. */
_Static_assert(QAPIC_KIND_SIZE - QAPIC_KIND_INT == 9 &&
                   QAPIC_KIND_UINT8 - QAPIC_KIND_INT == 5,
               "integer kinds of types.h are contiguous, INT to SIZE");

size_t qapic_rt_slot_size(qapic_kind k)
{
    switch (k) {
    case QAPIC_KIND_STR: return sizeof(char *);
    case QAPIC_KIND_NUMBER: return sizeof(double);
    case QAPIC_KIND_INT:
    case QAPIC_KIND_INT64: return sizeof(int64_t);
    case QAPIC_KIND_INT8: return sizeof(int8_t);
    case QAPIC_KIND_INT16: return sizeof(int16_t);
    case QAPIC_KIND_INT32: return sizeof(int32_t);
    case QAPIC_KIND_UINT8: return sizeof(uint8_t);
    case QAPIC_KIND_UINT16: return sizeof(uint16_t);
    case QAPIC_KIND_UINT32: return sizeof(uint32_t);
    case QAPIC_KIND_UINT64:
    case QAPIC_KIND_SIZE: return sizeof(uint64_t);
    case QAPIC_KIND_BOOL:
    case QAPIC_KIND_NULL: return sizeof(bool);
    case QAPIC_KIND_ANY: return sizeof(struct json_object *);
    case QAPIC_KIND_ENUM: return sizeof(int);
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE: return sizeof(void *);
    case QAPIC_KIND_LIST: return sizeof(qapic_list);
    }
    return 0;
}

size_t qapic_rt_nbranches(const qapic_type *t)
{
    const qapic_member *tag;

    if (t->kind != QAPIC_KIND_UNION || t->u.object.tag_index >= t->u.object.n)
        return 0;
    tag = &t->u.object.members[t->u.object.tag_index];
    return tag->type->kind == QAPIC_KIND_ENUM ? tag->type->u.enumeration.n
                                                : 0;
}

const qapic_type *qapic_rt_branch(const qapic_type *t, const void *obj,
                                  const void **branch_obj)
{
    size_t n = qapic_rt_nbranches(t);
    int tag;

    if (!n || !t->u.object.branches)
        return NULL;
    tag = *(const int *)((const char *)obj +
                         t->u.object.members[t->u.object.tag_index].offset);
    if (tag < 0 || (size_t)tag >= n || !t->u.object.branches[tag].type)
        return NULL;
    *branch_obj = (const char *)obj + t->u.object.variant_offset;
    return t->u.object.branches[tag].type;
}

const qapic_alt_branch *qapic_rt_alt_branch(const qapic_type *t,
                                            qapic_json_type jt)
{
    if (jt == QAPIC_JSON_NONE)
        return NULL;
    for (size_t i = 0; i < t->u.alternate.n; i++)
        if (t->u.alternate.branches[i].json_type == jt)
            return &t->u.alternate.branches[i];
    return NULL;
}

size_t qapic_rt_box_size(const qapic_type *t)
{
    switch (t->kind) {
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE:
        return t->size ? t->size : 1;
    case QAPIC_KIND_ENUM:
        return sizeof(qapic_enum_box);
    default:
        return qapic_rt_slot_size(t->kind);
    }
}
