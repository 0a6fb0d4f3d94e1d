/* Decoding a json-c tree into the C value its descriptor describes
 * (qapic_decode and friends, codec.h).
 *
 * Every decode function writes its slot only on success, or leaves it
 * zeroed after freeing what it had built, so that a failure anywhere lets
 * each enclosing level free itself with the ordinary free functions.
 *
 * Speed matters (a query-qmp-schema reply is ~1,700 objects): one pass over
 * each JSON object's entries, member names matched by a first-byte filter,
 * paths built only when an error is reported, list items allocated once. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal/runtime.h"

typedef struct dctx {
    unsigned flags;
    qapic_error **err;
} dctx;

/* decode_value's result for an enum value the bindings do not know (in
 * lenient mode): the slot holds QAPIC_ENUM_UNKNOWN and the caller keeps
 * the received string where its layout says. */
#define UNKNOWN_VALUE 1

static int decode_value(const qapic_type *t, struct json_object *j,
                        void *slot, const qapic_rt_path *p, dctx *c);
static int decode_typed(const qapic_type *t, struct json_object *j,
                        json_type jt, void *slot, const qapic_rt_path *p,
                        dctx *c);

static bool strict(const dctx *c)
{
    return c->flags & QAPIC_DECODE_STRICT;
}

static int type_error(dctx *c, const qapic_rt_path *p, const char *want,
                      struct json_object *j)
{
    return qapic_rt_path_error(c->err, QAPIC_ERROR_DECODE, p,
                               "expected %s, got %s", want,
                               qapic_rt_json_type_name(j));
}

static int nomem(dctx *c)
{
    return qapic_rt_nomem(c->err);
}

/* ---- scalars ------------------------------------------------------------ */

/* The string of J after the checks every str passes; NULL after an error. */
static const char *get_string(struct json_object *j, json_type jt,
                              size_t *len, const qapic_rt_path *p, dctx *c)
{
    const char *s;

    if (jt != json_type_string) {
        type_error(c, p, "string", j);
        return NULL;
    }
    s = json_object_get_string(j);
    *len = (size_t)json_object_get_string_len(j);
    switch (qapic_rt_check_string(s, *len)) {
    case 1:
        qapic_rt_path_error(c->err, QAPIC_ERROR_DECODE, p,
                            "string contains a NUL character");
        return NULL;
    case 2:
        qapic_rt_path_error(c->err, QAPIC_ERROR_DECODE, p,
                            "string is not valid UTF-8");
        return NULL;
    }
    return s;
}

static int decode_str(struct json_object *j, json_type jt, char **slot,
                      const qapic_rt_path *p, dctx *c)
{
    size_t len;
    const char *s = get_string(j, jt, &len, p, c);
    char *d;

    if (!s)
        return -1;
    if (!(d = malloc(len + 1)))
        return nomem(c);
    memcpy(d, s, len + 1);
    *slot = d;
    return 0;
}

static void int_range(qapic_kind k, int64_t *min, uint64_t *max)
{
    switch (k) {
    case QAPIC_KIND_INT8: *min = INT8_MIN; *max = INT8_MAX; return;
    case QAPIC_KIND_INT16: *min = INT16_MIN; *max = INT16_MAX; return;
    case QAPIC_KIND_INT32: *min = INT32_MIN; *max = INT32_MAX; return;
    case QAPIC_KIND_UINT8: *min = 0; *max = UINT8_MAX; return;
    case QAPIC_KIND_UINT16: *min = 0; *max = UINT16_MAX; return;
    case QAPIC_KIND_UINT32: *min = 0; *max = UINT32_MAX; return;
    case QAPIC_KIND_UINT64:
    case QAPIC_KIND_SIZE: *min = 0; *max = UINT64_MAX; return;
    default: *min = INT64_MIN; *max = INT64_MAX; return;
    }
}

/* A JSON number with a fraction or exponent where an integer is wanted.
 * One spelt "N.0" with N beyond 64 bits (qapic_json_parse spells integer
 * literals beyond 64 bits so, to keep them as doubles) is out of range. */
static int not_integer(const qapic_type *t, struct json_object *j,
                       const qapic_rt_path *p, dctx *c)
{
    const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
    size_t len = text ? strlen(text) : 0, neg = text && text[0] == '-';

    if (len > neg + 2 && !strcmp(text + len - 2, ".0") &&
        strspn(text + neg, "0123456789") == len - neg - 2 &&
        qapic_rt_beyond_64_bits(text + neg, len - neg - 2, neg))
        return qapic_rt_path_error(c->err, QAPIC_ERROR_DECODE, p,
                                   "%.*s is out of range for %s",
                                   (int)(len - 2), text, t->name);
    return qapic_rt_path_error(c->err, QAPIC_ERROR_DECODE, p,
                               "%s is not an integer", text ? text : "number");
}

static int decode_int(const qapic_type *t, struct json_object *j,
                      json_type jt, void *slot, const qapic_rt_path *p,
                      dctx *c)
{
    int64_t v, min;
    uint64_t u = 0, max;
    bool big = false;

    if (jt == json_type_double)
        return not_integer(t, j, p, c);
    if (jt != json_type_int)
        return type_error(c, p, "integer", j);
    /* json-c holds integers above INT64_MAX as uint64 and clamps them to
     * INT64_MAX in json_object_get_int64. */
    v = json_object_get_int64(j);
    if (v == INT64_MAX) {
        u = json_object_get_uint64(j);
        big = u > (uint64_t)INT64_MAX;
    }
    int_range(t->kind, &min, &max);
    if (big ? u > max : (v < min || (v >= 0 && (uint64_t)v > max))) {
        if (big)
            return qapic_rt_path_error(c->err, QAPIC_ERROR_DECODE, p,
                                       "%" PRIu64 " is out of range for %s",
                                       u, t->name);
        return qapic_rt_path_error(c->err, QAPIC_ERROR_DECODE, p,
                                   "%" PRId64 " is out of range for %s", v,
                                   t->name);
    }
    switch (t->kind) {
    case QAPIC_KIND_INT8: *(int8_t *)slot = (int8_t)v; break;
    case QAPIC_KIND_INT16: *(int16_t *)slot = (int16_t)v; break;
    case QAPIC_KIND_INT32: *(int32_t *)slot = (int32_t)v; break;
    case QAPIC_KIND_UINT8: *(uint8_t *)slot = (uint8_t)v; break;
    case QAPIC_KIND_UINT16: *(uint16_t *)slot = (uint16_t)v; break;
    case QAPIC_KIND_UINT32: *(uint32_t *)slot = (uint32_t)v; break;
    case QAPIC_KIND_UINT64:
    case QAPIC_KIND_SIZE: *(uint64_t *)slot = big ? u : (uint64_t)v; break;
    default: *(int64_t *)slot = v; break;
    }
    return 0;
}

static int decode_number(struct json_object *j, json_type jt, double *slot,
                         const qapic_rt_path *p, dctx *c)
{
    double d;

    if (jt == json_type_int) {
        int64_t v = json_object_get_int64(j);
        *slot = v == INT64_MAX ? (double)json_object_get_uint64(j)
                               : (double)v;
        return 0;
    }
    if (jt != json_type_double)
        return type_error(c, p, "number", j);
    d = json_object_get_double(j);
    if (!isfinite(d))
        return qapic_rt_path_error(
            c->err, QAPIC_ERROR_DECODE, p, "%s is not a finite number",
            json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
    *slot = d;
    return 0;
}

static int decode_enum(const qapic_type *t, struct json_object *j,
                       json_type jt, int *slot, const qapic_rt_path *p,
                       dctx *c)
{
    size_t len;
    const char *s = get_string(j, jt, &len, p, c);
    int v;

    if (!s)
        return -1;
    v = qapic_enum_parse(t, s);
    if (v != QAPIC_ENUM_UNKNOWN) {
        *slot = v;
        return 0;
    }
    if (strict(c))
        return qapic_rt_path_error(c->err, QAPIC_ERROR_DECODE, p,
                                   "'%s' is not a value of %s", s, t->name);
    *slot = QAPIC_ENUM_UNKNOWN;
    return UNKNOWN_VALUE;
}

/* ---- objects ------------------------------------------------------------ */

/* The members of one object level: a struct or union, or a union's branch
 * (embedded at BASE), or a branch of that branch. */
typedef struct level {
    const qapic_member *members;
    size_t n;
    size_t tag;             /* index of the tag (decoded first), or n */
    char *base;
} level;

static int keep_extra(struct json_object **extra, const char *key,
                      struct json_object *val, dctx *c)
{
    if (!*extra && !(*extra = json_object_new_object()))
        return nomem(c);
    /* Keys of one JSON object are unique and each goes here once. */
    if (json_object_object_add_ex(*extra, key, json_object_get(val),
                                  JSON_C_OBJECT_ADD_KEY_IS_NEW) < 0) {
        json_object_put(val);
        return nomem(c);
    }
    return 0;
}

static int missing(dctx *c, const qapic_rt_path *p, const char *name)
{
    qapic_rt_path mp = { p, name, 0 };
    return qapic_rt_path_error(c->err, QAPIC_ERROR_DECODE, &mp,
                               "missing mandatory member");
}

/* Looks NAME up in the JSON object J.  Union objects are small: scanning
 * their entries costs less than json-c's hash of NAME. */
static bool find_entry(struct json_object *j, const char *name,
                       struct json_object **val)
{
    if (json_object_object_length(j) > 16)
        return json_object_object_get_ex(j, name, val);
    json_object_object_foreach(j, key, v) {
        if (key[0] == name[0] && !strcmp(key, name)) {
            *val = v;
            return true;
        }
    }
    return false;
}

/* Decodes the tags of T (a union) and of the unions nested in its
 * branches, filling LV with every level whose members the object may
 * have.  An unknown tag ends the chain (its members go to _extra). */
static int decode_tags(const qapic_type *t, struct json_object *j, char *obj,
                       level *lv, size_t *nlv, struct json_object **extra,
                       const qapic_rt_path *p, dctx *c)
{
    const qapic_type *cur = t;
    char *base = obj;

    lv[0] = (level){ t->u.object.members, t->u.object.n, t->u.object.n, obj };
    *nlv = 1;
    while (cur->kind == QAPIC_KIND_UNION && cur->u.object.branches &&
           qapic_rt_nbranches(cur)) {
        size_t ti = cur->u.object.tag_index;
        const qapic_member *tm = &cur->u.object.members[ti];
        qapic_rt_path tp = { p, tm->name, 0 };
        struct json_object *tj;
        const qapic_type *br;
        int rc;

        lv[*nlv - 1].tag = ti;
        if (!find_entry(j, tm->name, &tj))
            return missing(c, p, tm->name);
        rc = decode_value(tm->type, tj, base + tm->offset, &tp, c);
        if (rc < 0)
            return -1;
        if (rc == UNKNOWN_VALUE)
            return keep_extra(extra, tm->name, tj, c);
        br = cur->u.object.branches[*(int *)(base + tm->offset)].type;
        if (!br)
            return 0;
        if (*nlv == QAPIC_RT_MAX_NESTING)
            return qapic_rt_path_error(c->err, QAPIC_ERROR_INVALID, p,
                                       "unions of %s nested too deeply",
                                       t->name);
        base += cur->u.object.variant_offset;
        cur = br;
        lv[(*nlv)++] = (level){ br->u.object.members, br->u.object.n,
                                br->u.object.n, base };
    }
    return 0;
}

static bool find_member(const level *lv, size_t nlv, const char *key,
                        size_t *pl, size_t *pi)
{
    for (size_t l = 0; l < nlv; l++) {
        const qapic_member *m = lv[l].members;
        for (size_t i = 0; i < lv[l].n; i++)
            if (m[i].name[0] == key[0] && !strcmp(m[i].name, key)) {
                *pl = l;
                *pi = i;
                return true;
            }
    }
    return false;
}

/* After a pass that saw fewer mandatory members than there are: names
 * the first one missing. */
static int report_missing(const level *lv, size_t nlv, struct json_object *j,
                          const qapic_rt_path *p, dctx *c)
{
    for (size_t l = 0; l < nlv; l++)
        for (size_t i = 0; i < lv[l].n; i++) {
            const qapic_member *m = &lv[l].members[i];
            if (qapic_rt_required(m) &&
                !json_object_object_get_ex(j, m->name, NULL))
                return missing(c, p, m->name);
        }
    return qapic_rt_path_error(c->err, QAPIC_ERROR_DECODE, p,
                               "missing mandatory member");
}

/* One JSON member matched to member M of a level. */
static int decode_member(const qapic_member *m, char *base, const char *key,
                         struct json_object *val, struct json_object **extra,
                         const qapic_rt_path *p, dctx *c)
{
    qapic_rt_path mp = { p, m->name, 0 };
    /* Most members are strings: skip the dispatch for them. */
    int rc = m->type->kind == QAPIC_KIND_STR
                 ? decode_str(val, json_object_get_type(val),
                              (char **)(base + m->offset), &mp, c)
                 : decode_value(m->type, val, base + m->offset, &mp, c);

    if (rc < 0)
        return -1;
    if (m->has_offset != QAPIC_NO_OFFSET)
        *(bool *)(base + m->has_offset) = true;
    if (rc == UNKNOWN_VALUE)
        return keep_extra(extra, key, val, c);
    return 0;
}

/* Decodes J into OBJ (zeroed memory of t->size bytes); on failure frees
 * what it built and zeroes OBJ. */
static int decode_object(const qapic_type *t, struct json_object *j,
                         json_type jt, char *obj, const qapic_rt_path *p,
                         dctx *c)
{
    level lv[QAPIC_RT_MAX_NESTING];
    size_t nlv, mandatory = 0, seen = 0;
    struct json_object **extra =
        (struct json_object **)(obj + t->u.object.extra_offset);

    if (jt != json_type_object)
        return type_error(c, p, "object", j);
    if (decode_tags(t, j, obj, lv, &nlv, extra, p, c) < 0)
        goto fail;
    for (size_t l = 0; l < nlv; l++)
        for (size_t i = 0; i < lv[l].n; i++)
            mandatory += qapic_rt_required(&lv[l].members[i]);

    json_object_object_foreach(j, key, val) {
        size_t l, i;

        if (!find_member(lv, nlv, key, &l, &i)) {
            if (strict(c)) {
                qapic_rt_path kp = { p, key, 0 };
                qapic_rt_path_error(c->err, QAPIC_ERROR_DECODE, &kp,
                                    "unknown member");
                goto fail;
            }
            if (keep_extra(extra, key, val, c) < 0)
                goto fail;
            continue;
        }
        const qapic_member *m = &lv[l].members[i];
        if (qapic_rt_required(m))
            seen++;
        if (i == lv[l].tag)
            continue;
        if (decode_member(m, lv[l].base, key, val, extra, p, c) < 0)
            goto fail;
    }
    if (seen < mandatory) {
        report_missing(lv, nlv, j, p, c);
        goto fail;
    }
    return 0;

fail:
    qapic_rt_free_object(t, obj);
    memset(obj, 0, t->size);
    return -1;
}

/* ---- alternates and lists ----------------------------------------------- */

static qapic_json_type json_type_of(struct json_object *j)
{
    switch (json_object_get_type(j)) {
    case json_type_null: return QAPIC_JSON_NULL;
    case json_type_boolean: return QAPIC_JSON_BOOL;
    case json_type_int:
    case json_type_double: return QAPIC_JSON_NUMBER;
    case json_type_string: return QAPIC_JSON_STRING;
    case json_type_object: return QAPIC_JSON_OBJECT;
    case json_type_array: return QAPIC_JSON_ARRAY;
    }
    return QAPIC_JSON_NONE;
}

static const char *json_type_word(qapic_json_type jt)
{
    static const char *const words[] = {
        [QAPIC_JSON_NULL] = "null", [QAPIC_JSON_BOOL] = "boolean",
        [QAPIC_JSON_NUMBER] = "number", [QAPIC_JSON_STRING] = "string",
        [QAPIC_JSON_OBJECT] = "object", [QAPIC_JSON_ARRAY] = "array",
    };
    return jt > QAPIC_JSON_NONE && jt <= QAPIC_JSON_ARRAY ? words[jt] : "?";
}

/* "string, object or null": what the branches of T accept. */
static int shape_error(const qapic_type *t, struct json_object *j,
                       const qapic_rt_path *p, dctx *c)
{
    char want[128] = "";
    size_t n = t->u.alternate.n, len = 0;

    for (size_t i = 0; i < n && len < sizeof want; i++)
        len += (size_t)snprintf(want + len, sizeof want - len, "%s%s",
                                i == 0 ? "" : i + 1 == n ? " or " : ", ",
                                json_type_word(t->u.alternate.branches[i].json_type));
    return type_error(c, p, want, j);
}

static int decode_alternate(const qapic_type *t, struct json_object *j,
                            char *obj, const qapic_rt_path *p, dctx *c)
{
    qapic_json_type jt = json_type_of(j);
    const qapic_alt_branch *b = qapic_rt_alt_branch(t, jt);
    qapic_json_type *type = (qapic_json_type *)(obj + t->u.alternate.type_offset);
    struct json_object **raw =
        (struct json_object **)(obj + t->u.alternate.raw_offset);
    int rc;

    if (!b) {
        if (strict(c))
            return shape_error(t, j, p, c);
        /* json-c's null is NULL, so a null no branch takes is told by its
         * type (types.h). */
        *type = jt == QAPIC_JSON_NULL ? QAPIC_JSON_NULL : QAPIC_JSON_NONE;
        *raw = json_object_get(j);
        return 0;
    }
    rc = decode_value(b->type, j, obj + b->offset, p, c);
    if (rc < 0)
        return -1;
    *type = b->json_type;
    if (rc == UNKNOWN_VALUE)
        *raw = json_object_get(j);
    return 0;
}

/* Keeps an unknown enum element's string in the list's _raw. */
static int keep_raw(qapic_list *l, size_t i, struct json_object *e, dctx *c)
{
    size_t len = (size_t)json_object_get_string_len(e);

    if (!l->_raw && !(l->_raw = calloc(l->n, sizeof *l->_raw)))
        return nomem(c);
    if (!(l->_raw[i] = malloc(len + 1)))
        return nomem(c);
    memcpy(l->_raw[i], json_object_get_string(e), len + 1);
    return 0;
}

static int decode_list(const qapic_type *t, struct json_object *j,
                       json_type jt, qapic_list *l, const qapic_rt_path *p,
                       dctx *c)
{
    const qapic_type *et = t->u.list.element;
    size_t n, es = qapic_rt_slot_size(et->kind);
    struct array_list *al;
    char *items;

    if (jt != json_type_array)
        return type_error(c, p, "array", j);
    /* The elements straight from json-c's (public) array_list. */
    al = json_object_get_array(j);
    n = al->length;
    if (!n)
        return 0;
    if (!(items = calloc(n, es)))
        return nomem(c);
    /* Set now, so that a failure frees the items decoded so far (the
     * others are zero). */
    l->items = items;
    l->n = n;
    for (size_t i = 0; i < n; i++) {
        qapic_rt_path ip = { p, NULL, i };
        struct json_object *e = al->array[i];
        int rc = decode_value(et, e, items + i * es, &ip, c);
        if (rc < 0 || (rc == UNKNOWN_VALUE && keep_raw(l, i, e, c) < 0)) {
            qapic_free_slot(t, l);
            return -1;
        }
    }
    return 0;
}

/* ---- any value ---------------------------------------------------------- */

/* Decodes J into a new box of object type T stored in *SLOT. */
static int decode_boxed(const qapic_type *t, struct json_object *j,
                        json_type jt, void **slot, const qapic_rt_path *p,
                        dctx *c)
{
    char *obj = calloc(1, t->size ? t->size : 1);
    int rc;

    if (!obj)
        return nomem(c);
    rc = t->kind == QAPIC_KIND_ALTERNATE ? decode_alternate(t, j, obj, p, c)
                                         : decode_object(t, j, jt, obj, p, c);
    if (rc < 0) {
        free(obj);
        return -1;
    }
    *slot = obj;
    return 0;
}

static int decode_value(const qapic_type *t, struct json_object *j,
                        void *slot, const qapic_rt_path *p, dctx *c)
{
    return decode_typed(t, j, json_object_get_type(j), slot, p, c);
}

/* decode_value with the JSON type of J, asked from json-c once. */
static int decode_typed(const qapic_type *t, struct json_object *j,
                        json_type jt, void *slot, const qapic_rt_path *p,
                        dctx *c)
{
    if (qapic_rt_is_integer(t->kind))
        return decode_int(t, j, jt, slot, p, c);
    switch (t->kind) {
    case QAPIC_KIND_STR:
        return decode_str(j, jt, slot, p, c);
    case QAPIC_KIND_NUMBER:
        return decode_number(j, jt, slot, p, c);
    case QAPIC_KIND_BOOL:
        if (jt != json_type_boolean)
            return type_error(c, p, "boolean", j);
        *(bool *)slot = json_object_get_boolean(j);
        return 0;
    case QAPIC_KIND_NULL:
        if (j)
            return type_error(c, p, "null", j);
        *(bool *)slot = true;
        return 0;
    case QAPIC_KIND_ANY:
        *(struct json_object **)slot = json_object_get(j);
        return 0;
    case QAPIC_KIND_ENUM:
        return decode_enum(t, j, jt, slot, p, c);
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE:
        return decode_boxed(t, j, jt, slot, p, c);
    case QAPIC_KIND_LIST:
        return decode_list(t, j, jt, slot, p, c);
    default:
        break;
    }
    return qapic_rt_path_error(c->err, QAPIC_ERROR_INVALID, p,
                               "type %s has an invalid kind", t->name);
}

/* ---- API ---------------------------------------------------------------- */

void *qapic_decode(const qapic_type *t, struct json_object *json,
                   unsigned flags, const char *root, qapic_error **err)
{
    qapic_rt_path p = QAPIC_RT_ROOT(root);
    dctx c = { flags, err };
    void *box;
    int rc;

    if (!t) {
        qapic_error_set(err, QAPIC_ERROR_INVALID, "qapic_decode: no type");
        return NULL;
    }
    if (!(box = calloc(1, qapic_rt_box_size(t)))) {
        nomem(&c);
        return NULL;
    }
    switch (t->kind) {
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
        rc = decode_object(t, json, json_object_get_type(json), box, &p, &c);
        break;
    case QAPIC_KIND_ALTERNATE:
        rc = decode_alternate(t, json, box, &p, &c);
        break;
    case QAPIC_KIND_ENUM: {
        qapic_enum_box *eb = box;
        rc = decode_enum(t, json, json_object_get_type(json), &eb->value, &p, &c);
        if (rc == UNKNOWN_VALUE && !(eb->raw = qapic_rt_strdup(json_object_get_string(json))))
            rc = nomem(&c);
        break;
    }
    default:
        rc = decode_value(t, json, box, &p, &c);
        break;
    }
    if (rc < 0) {
        free(box);
        return NULL;
    }
    return box;
}

int qapic_decode_slot(const qapic_type *t, struct json_object *json,
                      unsigned flags, const char *root, void *slot,
                      qapic_error **err)
{
    qapic_rt_path p = QAPIC_RT_ROOT(root);
    dctx c = { flags, err };

    if (!t || !slot)
        return qapic_error_set(err, QAPIC_ERROR_INVALID,
                               "qapic_decode_slot: no type or slot");
    memset(slot, 0, qapic_rt_slot_size(t->kind));
    return decode_value(t, json, slot, &p, &c) < 0 ? -1 : 0;
}

void *qapic_decode_text(const qapic_type *t, const char *text, size_t len,
                        unsigned flags, const char *root, qapic_error **err)
{
    struct json_object *json;
    void *box;

    if (!t) {
        qapic_error_set(err, QAPIC_ERROR_INVALID, "qapic_decode_text: no type");
        return NULL;
    }
    if (qapic_rt_json_parse(text, len, root ? root : "value", &json, err) < 0)
        return NULL;
    box = qapic_decode(t, json, flags, root, err);
    json_object_put(json);
    return box;
}
