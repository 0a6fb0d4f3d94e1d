/* Encoding a C value as a json-c tree (qapic_encode and friends,
 * codec.h).  Strict: what the schema forbids is an ENCODE error naming
 * the path, and nothing is returned. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal/runtime.h"

/* encode_value's result for an enum slot holding QAPIC_ENUM_UNKNOWN: no
 * JSON was made, the caller takes the received string from where its
 * layout keeps it. */
#define UNKNOWN_VALUE 1

static int encode_value(const qapic_type *t, const void *slot,
                        const qapic_rt_path *p, qapic_error **err,
                        struct json_object **out);

#define refuse(err, p, ...) \
    qapic_rt_path_error(err, QAPIC_ERROR_ENCODE, p, __VA_ARGS__)

static int made(struct json_object *j, struct json_object **out,
                qapic_error **err)
{
    if (!j)
        return qapic_rt_nomem(err);
    *out = j;
    return 0;
}

/* A string slot, or the received string of an unknown enum value. */
static int encode_string(const char *s, const qapic_rt_path *p,
                         qapic_error **err, struct json_object **out)
{
    size_t len;

    if (!s)
        return refuse(err, p, "string is NULL");
    len = strlen(s);
    if (len > INT_MAX)
        return refuse(err, p, "string is too long for json-c");
    if (qapic_rt_check_utf8(s, len))
        return refuse(err, p, "string is not valid UTF-8");
    return made(json_object_new_string_len(s, (int)len), out, err);
}

static int encode_unknown(const qapic_type *t, const char *raw,
                          const qapic_rt_path *p, qapic_error **err,
                          struct json_object **out)
{
    if (!raw)
        return refuse(err, p, "unknown value of %s without its received string",
                      t->name);
    return encode_string(raw, p, err, out);
}

static int encode_enum(const qapic_type *t, int v, const qapic_rt_path *p,
                       qapic_error **err, struct json_object **out)
{
    const char *name;

    if (v == QAPIC_ENUM_UNKNOWN)
        return UNKNOWN_VALUE;
    if (!(name = qapic_enum_name(t, v)))
        return refuse(err, p, "%d is not a value of %s", v, t->name);
    return made(json_object_new_string(name), out, err);
}

static int encode_int(const qapic_type *t, const void *slot,
                      qapic_error **err, struct json_object **out)
{
    int64_t v;
    uint64_t u;

    switch (t->kind) {
    case QAPIC_KIND_INT8: v = *(const int8_t *)slot; break;
    case QAPIC_KIND_INT16: v = *(const int16_t *)slot; break;
    case QAPIC_KIND_INT32: v = *(const int32_t *)slot; break;
    case QAPIC_KIND_UINT8: v = *(const uint8_t *)slot; break;
    case QAPIC_KIND_UINT16: v = *(const uint16_t *)slot; break;
    case QAPIC_KIND_UINT32: v = *(const uint32_t *)slot; break;
    case QAPIC_KIND_UINT64:
    case QAPIC_KIND_SIZE:
        u = *(const uint64_t *)slot;
        if (u > INT64_MAX)
            return made(json_object_new_uint64(u), out, err);
        v = (int64_t)u;
        break;
    default: v = *(const int64_t *)slot; break;
    }
    return made(json_object_new_int64(v), out, err);
}

/* ---- objects ------------------------------------------------------------ */

/* One level of an object: the object, or a union's active branch. */
typedef struct level {
    const qapic_type *t;
    const char *base;
} level;

static size_t active_levels(const qapic_type *t, const void *obj, level *lv)
{
    size_t n = 1;
    const void *bobj;
    const qapic_type *br;

    lv[0] = (level){ t, obj };
    while (n < QAPIC_RT_MAX_NESTING &&
           (br = qapic_rt_branch(lv[n - 1].t, lv[n - 1].base, &bobj)))
        lv[n++] = (level){ br, bobj };
    return n;
}

static struct json_object *extra_of(const level *l)
{
    return *(struct json_object *const *)(l->base +
                                           l->t->u.object.extra_offset);
}

/* Whether some level's _extra keeps a member NAME (an unknown enum value
 * as received). */
static bool kept(const level *lv, size_t nlv, const char *name)
{
    for (size_t i = 0; i < nlv; i++) {
        struct json_object *x = extra_of(&lv[i]);
        if (json_object_is_type(x, json_type_object) &&
            json_object_object_get_ex(x, name, NULL))
            return true;
    }
    return false;
}

static int add_member(struct json_object *o, const char *key,
                      struct json_object *v, qapic_error **err)
{
    if (json_object_object_add_ex(o, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW) < 0) {
        json_object_put(v);
        return qapic_rt_nomem(err);
    }
    return 0;
}

static int encode_members(const level *lv, size_t nlv, struct json_object *o,
                          const qapic_rt_path *p, qapic_error **err)
{
    for (size_t l = 0; l < nlv; l++) {
        const qapic_type *t = lv[l].t;
        for (size_t i = 0; i < t->u.object.n; i++) {
            const qapic_member *m = &t->u.object.members[i];
            qapic_rt_path mp = { p, m->name, 0 };
            struct json_object *v = NULL;
            int rc;

            if (m->has_offset != QAPIC_NO_OFFSET &&
                !*(const bool *)(lv[l].base + m->has_offset))
                continue;
            rc = encode_value(m->type, lv[l].base + m->offset, &mp, err, &v);
            if (rc < 0)
                return -1;
            if (rc == UNKNOWN_VALUE) {
                if (!kept(lv, nlv, m->name))
                    return refuse(err, &mp,
                                  "unknown value of %s, and _extra does not "
                                  "keep the received one", m->type->name);
                continue;       /* _extra gives it back */
            }
            if (add_member(o, m->name, v, err) < 0)
                return -1;
        }
    }
    return 0;
}

static int encode_extras(const level *lv, size_t nlv, struct json_object *o,
                         const qapic_rt_path *p, qapic_error **err)
{
    for (size_t l = 0; l < nlv; l++) {
        struct json_object *x = extra_of(&lv[l]);
        if (!x)
            continue;
        if (!json_object_is_type(x, json_type_object))
            return refuse(err, p, "_extra is not a JSON object");
        json_object_object_foreach(x, key, val) {
            if (json_object_object_get_ex(o, key, NULL)) {
                qapic_rt_path kp = { p, key, 0 };
                return refuse(err, &kp, "member is set and also kept in _extra");
            }
            if (add_member(o, key, json_object_get(val), err) < 0)
                return -1;
        }
    }
    return 0;
}

static int encode_object(const qapic_type *t, const void *obj,
                         const qapic_rt_path *p, qapic_error **err,
                         struct json_object **out)
{
    level lv[QAPIC_RT_MAX_NESTING];
    size_t nlv = active_levels(t, obj, lv);
    struct json_object *o = json_object_new_object();

    if (!o)
        return qapic_rt_nomem(err);
    /* Known members first, then what decoding kept. */
    if (encode_members(lv, nlv, o, p, err) < 0 ||
        encode_extras(lv, nlv, o, p, err) < 0) {
        json_object_put(o);
        return -1;
    }
    *out = o;
    return 0;
}

/* ---- alternates and lists ----------------------------------------------- */

static int encode_alternate(const qapic_type *t, const char *obj,
                            const qapic_rt_path *p, qapic_error **err,
                            struct json_object **out)
{
    qapic_json_type type =
        *(const qapic_json_type *)(obj + t->u.alternate.type_offset);
    struct json_object *raw =
        *(struct json_object *const *)(obj + t->u.alternate.raw_offset);
    const qapic_alt_branch *b = qapic_rt_alt_branch(t, type);
    int rc;

    if (!b) {
        if (raw) {
            *out = json_object_get(raw);
            return 0;
        }
        if (type == QAPIC_JSON_NULL) {      /* a null no branch takes */
            *out = NULL;
            return 0;
        }
        if (type == QAPIC_JSON_NONE)
            return refuse(err, p, "alternate %s holds no value", t->name);
        return refuse(err, p, "alternate %s has no branch for type %d",
                      t->name, (int)type);
    }
    rc = encode_value(b->type, obj + b->offset, p, err, out);
    if (rc == UNKNOWN_VALUE) {
        if (!json_object_is_type(raw, json_type_string))
            return refuse(err, p, "unknown value of %s without its received "
                          "string in _raw", b->type->name);
        *out = json_object_get(raw);
        return 0;
    }
    return rc;
}

static int encode_list(const qapic_type *t, const qapic_list *l,
                       const qapic_rt_path *p, qapic_error **err,
                       struct json_object **out)
{
    const qapic_type *et = t->u.list.element;
    size_t es = qapic_rt_slot_size(et->kind);
    struct json_object *arr;

    if (l->n && !l->items)
        return refuse(err, p, "list of %zu elements has no items", l->n);
    if (l->n > INT_MAX)
        return refuse(err, p, "list is too long for json-c");
    if (!(arr = json_object_new_array_ext((int)l->n)))
        return qapic_rt_nomem(err);
    for (size_t i = 0; i < l->n; i++) {
        qapic_rt_path ip = { p, NULL, i };
        struct json_object *v = NULL;
        int rc = encode_value(et, (const char *)l->items + i * es, &ip, err, &v);
        if (rc == UNKNOWN_VALUE)
            rc = encode_unknown(et, l->_raw ? l->_raw[i] : NULL, &ip, err, &v);
        if (rc < 0)
            goto fail;
        if (json_object_array_add(arr, v) < 0) {
            json_object_put(v);
            qapic_rt_nomem(err);
            goto fail;
        }
    }
    *out = arr;
    return 0;

fail:
    json_object_put(arr);
    return -1;
}

/* ---- any value ---------------------------------------------------------- */

static int encode_value(const qapic_type *t, const void *slot,
                        const qapic_rt_path *p, qapic_error **err,
                        struct json_object **out)
{
    if (qapic_rt_is_integer(t->kind))
        return encode_int(t, slot, err, out);
    switch (t->kind) {
    case QAPIC_KIND_STR:
        return encode_string(*(char *const *)slot, p, err, out);
    case QAPIC_KIND_NUMBER: {
        double d = *(const double *)slot;
        if (!isfinite(d))
            return refuse(err, p, "%g is not a finite number", d);
        return made(json_object_new_double(d), out, err);
    }
    case QAPIC_KIND_BOOL:
        return made(json_object_new_boolean(*(const bool *)slot), out, err);
    case QAPIC_KIND_NULL:
        *out = NULL;
        return 0;
    case QAPIC_KIND_ANY:
        *out = json_object_get(*(struct json_object *const *)slot);
        return 0;
    case QAPIC_KIND_ENUM:
        return encode_enum(t, *(const int *)slot, p, err, out);
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
        if (!*(void *const *)slot)
            return refuse(err, p, "object is NULL");
        return encode_object(t, *(void *const *)slot, p, err, out);
    case QAPIC_KIND_ALTERNATE:
        if (!*(void *const *)slot)
            return refuse(err, p, "alternate is NULL");
        return encode_alternate(t, *(void *const *)slot, p, err, out);
    case QAPIC_KIND_LIST:
        return encode_list(t, slot, p, err, out);
    default:
        break;
    }
    return qapic_rt_path_error(err, QAPIC_ERROR_INVALID, p,
                               "type %s has an invalid kind", t->name);
}

/* ---- API ---------------------------------------------------------------- */

static int encode_box(const qapic_type *t, const void *box, const char *root,
                      qapic_error **err, struct json_object **out)
{
    qapic_rt_path p = QAPIC_RT_ROOT(root);
    int rc;

    *out = NULL;
    if (!t)
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "qapic_encode: no type");
    switch (t->kind) {
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE:
        /* The box is the object: encode it through a slot pointing at it. */
        return encode_value(t, &box, &p, err, out);
    default:
        break;
    }
    if (!box)
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "qapic_encode: no box");
    if (t->kind == QAPIC_KIND_ENUM) {
        const qapic_enum_box *eb = box;
        rc = encode_enum(t, eb->value, &p, err, out);
        if (rc == UNKNOWN_VALUE)
            rc = encode_unknown(t, eb->raw, &p, err, out);
        return rc;
    }
    return encode_value(t, box, &p, err, out);
}

struct json_object *qapic_encode(const qapic_type *t, const void *box,
                                 const char *root, qapic_error **err)
{
    struct json_object *out;

    return encode_box(t, box, root, err, &out) < 0 ? NULL : out;
}

struct json_object *qapic_encode_slot(const qapic_type *t, const void *slot,
                                      const char *root, qapic_error **err)
{
    qapic_rt_path p = QAPIC_RT_ROOT(root);
    struct json_object *out = NULL;
    int rc;

    if (!t || !slot) {
        qapic_error_set(err, QAPIC_ERROR_INVALID,
                        "qapic_encode_slot: no type or slot");
        return NULL;
    }
    rc = encode_value(t, slot, &p, err, &out);
    if (rc == UNKNOWN_VALUE)
        rc = encode_unknown(t, NULL, &p, err, &out);
    return rc < 0 ? NULL : out;
}

char *qapic_encode_text(const qapic_type *t, const void *box,
                        qapic_error **err)
{
    struct json_object *j;
    const char *s;
    char *text;

    if (encode_box(t, box, NULL, err, &j) < 0)
        return NULL;
    s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
                                              JSON_C_TO_STRING_NOSLASHESCAPE);
    text = s ? qapic_rt_strdup(s) : NULL;
    json_object_put(j);
    if (!text)
        qapic_rt_nomem(err);
    return text;
}
