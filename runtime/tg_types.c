/* The type checks of the runtime's test support (qapic/testgen.h): the
 * descriptors against the oracle, the samples through the codec, and the
 * mutations that must fail to decode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal/testgen.h"

/* The mutated member name and unknown enum value: '_' and '-' keep them
 * clear of every QAPI name a schema can have ("x-qapic-..." is an
 * experimental member no QEMU defines). */
#define UNKNOWN_NAME QAPIC_TG__UNKNOWN_NAME

uint32_t qapic_tg_type_index(const qapic_tg_schema *s, const char *name)
{
    for (size_t i = 0; i < s->ntypes; i++)
        if (!strcmp(s->types[i].name, name))
            return (uint32_t)i;
    return QAPIC_TG_NONE;
}

/* ---- descriptors against the oracle ------------------------------------- */

static const qapic_type *desc_of(const qapic_tg_schema *s, uint32_t t)
{
    return t == QAPIC_TG_NONE ? NULL : s->types[t].desc;
}

static bool check_members(const qapic_tg_schema *s, const qapic_tg_type *x,
                          qapic_tg_msg *m)
{
    const qapic_type *d = x->desc;
    if (d->u.object.n != x->nmembers)
        return qapic_tg__fail(m, "%s: the descriptor has %zu members, the "
                              "schema %zu", x->name, d->u.object.n,
                              x->nmembers);
    for (size_t i = 0; i < x->nmembers; i++) {
        const qapic_tg_member *o = &x->members[i];
        const qapic_member *dm = &d->u.object.members[i];
        bool opt = (dm->flags & QAPIC_MEMBER_OPTIONAL) != 0;
        if (strcmp(dm->name, o->name))
            return qapic_tg__fail(m, "%s: member %zu is '%s' in the "
                                  "descriptor, '%s' in the schema", x->name,
                                  i, dm->name, o->name);
        if (dm->type != desc_of(s, o->type))
            return qapic_tg__fail(m, "%s: member '%s' has type %s in the "
                                  "descriptor, %s in the schema", x->name,
                                  o->name, dm->type ? dm->type->name : "NULL",
                                  s->types[o->type].name);
        if (dm->offset != o->offset || dm->has_offset != o->has_offset)
            return qapic_tg__fail(m, "%s: member '%s' is at offset %u "
                                  "(presence flag %u) in the descriptor, %u "
                                  "(%u) in the header", x->name, o->name,
                                  (unsigned)dm->offset,
                                  (unsigned)dm->has_offset,
                                  (unsigned)o->offset,
                                  (unsigned)o->has_offset);
        if (opt != ((o->flags & QAPIC_TG_OPTIONAL) != 0))
            return qapic_tg__fail(m, "%s: member '%s' is %s in the "
                                  "descriptor, %s in the schema", x->name,
                                  o->name, opt ? "optional" : "mandatory",
                                  opt ? "mandatory" : "optional");
    }
    if (d->u.object.extra_offset != x->extra_offset)
        return qapic_tg__fail(m, "%s: _extra is at offset %u in the "
                              "descriptor, %u in the header", x->name,
                              (unsigned)d->u.object.extra_offset,
                              (unsigned)x->extra_offset);
    return true;
}

static bool check_union(const qapic_tg_schema *s, const qapic_tg_type *x,
                        qapic_tg_msg *m)
{
    const qapic_type *d = x->desc;
    const qapic_tg_type *tt = &s->types[x->members[x->tag].type];
    if (d->u.object.tag_index != x->tag ||
        d->u.object.variant_offset != x->variant_offset)
        return qapic_tg__fail(m, "%s: the tag is member %zu and the branches "
                              "at offset %u in the descriptor, member %zu and "
                              "offset %u in the schema and header", x->name,
                              d->u.object.tag_index,
                              (unsigned)d->u.object.variant_offset, x->tag,
                              (unsigned)x->variant_offset);
    if (tt->nvalues && !d->u.object.branches)
        return qapic_tg__fail(m, "%s: the descriptor has no branch table",
                              x->name);
    for (size_t k = 0; k < tt->nvalues; k++) {
        const qapic_type *want = desc_of(s, x->branches[k]);
        const qapic_type *got = d->u.object.branches[k].type;
        if (got != want)
            return qapic_tg__fail(m, "%s: tag value '%s' selects %s in the "
                                  "descriptor, %s in the schema", x->name,
                                  tt->values[k], got ? got->name : "nothing",
                                  want ? want->name : "nothing");
    }
    return true;
}

static bool check_alternate(const qapic_tg_schema *s, const qapic_tg_type *x,
                            qapic_tg_msg *m)
{
    const qapic_type *d = x->desc;
    if (d->u.alternate.n != x->nalts)
        return qapic_tg__fail(m, "%s: the descriptor has %zu branches, the "
                              "schema %zu", x->name, d->u.alternate.n,
                              x->nalts);
    for (size_t i = 0; i < x->nalts; i++) {
        const qapic_alt_branch *db = &d->u.alternate.branches[i];
        const qapic_tg_alt *o = &x->alts[i];
        if (strcmp(db->name, o->name) || db->type != desc_of(s, o->type) ||
            db->json_type != o->json_type || db->offset != o->offset)
            return qapic_tg__fail(m, "%s: branch %zu is '%s' (%s, JSON type "
                                  "%d, offset %u) in the descriptor, '%s' "
                                  "(%s, %d, %u) in the schema and header",
                                  x->name, i, db->name,
                                  db->type ? db->type->name : "NULL",
                                  (int)db->json_type, (unsigned)db->offset,
                                  o->name, s->types[o->type].name,
                                  (int)o->json_type, (unsigned)o->offset);
    }
    if (d->u.alternate.type_offset != x->type_offset ||
        d->u.alternate.raw_offset != x->raw_offset)
        return qapic_tg__fail(m, "%s: type and _raw are at offsets %u, %u in "
                              "the descriptor, %u, %u in the header", x->name,
                              (unsigned)d->u.alternate.type_offset,
                              (unsigned)d->u.alternate.raw_offset,
                              (unsigned)x->type_offset,
                              (unsigned)x->raw_offset);
    return true;
}

static bool check_enum(const qapic_tg_type *x, qapic_tg_msg *m)
{
    const qapic_type *d = x->desc;
    if (d->u.enumeration.n != x->nvalues)
        return qapic_tg__fail(m, "%s: the descriptor has %zu values, the "
                              "schema %zu", x->name, d->u.enumeration.n,
                              x->nvalues);
    for (size_t k = 0; k < x->nvalues; k++) {
        const char *dn = d->u.enumeration.values[k].name;
        const char *byc = qapic_enum_name(d, x->consts[k]);
        if (strcmp(dn, x->values[k]))
            return qapic_tg__fail(m, "%s: value %zu is '%s' in the "
                                  "descriptor, '%s' in the schema", x->name,
                                  k, dn, x->values[k]);
        if (x->consts[k] != (int)k || !byc || strcmp(byc, x->values[k]))
            return qapic_tg__fail(m, "%s: the C constant of '%s' is %d and "
                                  "names '%s', but the value is number %zu",
                                  x->name, x->values[k], x->consts[k],
                                  byc ? byc : "nothing", k);
        if (qapic_enum_parse(d, x->values[k]) != x->consts[k])
            return qapic_tg__fail(m, "%s: '%s' parses as %d, not as its C "
                                  "constant %d", x->name, x->values[k],
                                  qapic_enum_parse(d, x->values[k]),
                                  x->consts[k]);
    }
    if (qapic_enum_parse(d, UNKNOWN_NAME) != QAPIC_ENUM_UNKNOWN ||
        qapic_enum_name(d, (int)x->nvalues) != NULL)
        return qapic_tg__fail(m, "%s: an unknown name or value is taken as "
                              "known", x->name);
    return true;
}

static bool check_layout(const qapic_tg_schema *s, uint32_t t,
                         qapic_tg_msg *m)
{
    const qapic_tg_type *x = &s->types[t];
    const qapic_type *d = x->desc;
    if (!d)
        return qapic_tg__fail(m, "%s: no descriptor", x->name);
    if (strcmp(d->name, x->name) || d->kind != x->kind || d->size != x->size)
        return qapic_tg__fail(m, "%s: the descriptor says %s, kind %d, size "
                              "%u; the schema and header kind %d, size %u",
                              x->name, d->name, (int)d->kind,
                              (unsigned)d->size, (int)x->kind,
                              (unsigned)x->size);
    if (s->bindings && qapic_schema_type(s->bindings, x->name) != d)
        return qapic_tg__fail(m, "%s: the bindings' schema table does not "
                              "lead to its descriptor", x->name);
    switch (x->kind) {
    case QAPIC_KIND_ENUM:
        return check_enum(x, m);
    case QAPIC_KIND_STRUCT:
        return check_members(s, x, m);
    case QAPIC_KIND_UNION:
        return check_members(s, x, m) && check_union(s, x, m);
    case QAPIC_KIND_ALTERNATE:
        return check_alternate(s, x, m);
    case QAPIC_KIND_LIST:
        if (d->u.list.element != desc_of(s, x->element))
            return qapic_tg__fail(m, "%s: the descriptor's element type is "
                                  "%s, the schema's %s", x->name,
                                  d->u.list.element ? d->u.list.element->name
                                                    : "NULL",
                                  s->types[x->element].name);
        return true;
    default:
        return true;
    }
}

/* ---- round trips ---------------------------------------------------------- */

/* Decodes J with FLAGS and compares with the sample's box, and encodes the
 * result back to J. */
static bool decode_back(const qapic_tg_schema *s, uint32_t t,
                        const tg_sample *sm, unsigned flags, qapic_tg_msg *m)
{
    const qapic_tg_type *x = &s->types[t];
    const char *mode = flags & QAPIC_DECODE_STRICT ? "strictly" : "leniently";
    qapic_error *err = NULL;
    char why[600];
    bool ok = false;
    void *d = qapic_decode(x->desc, sm->json, flags, NULL, &err);
    struct json_object *back = NULL;
    if (!d) {
        qapic_tg__fail(m, "%s, %s: decoding %s %s fails: %s", x->name,
                       sm->label, qapic_tg__quote(sm->json, 0), mode,
                       err ? err->message : "no error");
        goto out;
    }
    if (!qapic_tg__equal(s, t, sm->box, d, why, sizeof why)) {
        qapic_tg__fail(m, "%s, %s: decoded %s from %s: %s", x->name,
                       sm->label, mode, qapic_tg__quote(sm->json, 0), why);
        goto out;
    }
    if (!qapic_equal(x->desc, sm->box, d)) {
        qapic_tg__fail(m, "%s, %s: qapic_equal tells the value decoded %s "
                       "from its sample apart", x->name, sm->label, mode);
        goto out;
    }
    back = qapic_encode(x->desc, d, NULL, &err);
    if (err || !qapic_json_equal(back, sm->json)) {
        qapic_tg__fail(m, "%s, %s: decoded %s and encoded again, %s gives %s",
                       x->name, sm->label, mode, qapic_tg__quote(sm->json, 0),
                       err ? err->message : qapic_tg__quote(back, 1));
        goto out;
    }
    ok = true;
out:
    json_object_put(back);
    qapic_error_free(err);
    qapic_free(x->desc, d);
    return ok;
}

static bool round_trip(const qapic_tg_schema *s, uint32_t t,
                       const tg_sample *sm, qapic_tg_msg *m)
{
    const qapic_tg_type *x = &s->types[t];
    qapic_error *err = NULL;
    char why[600];
    struct json_object *enc = qapic_encode(x->desc, sm->box, NULL, &err);
    bool ok = !err && qapic_json_equal(enc, sm->json);
    if (!ok)
        qapic_tg__fail(m, "%s, %s: encodes as %s, expected %s", x->name,
                       sm->label, err ? err->message : qapic_tg__quote(enc, 0),
                       qapic_tg__quote(sm->json, 1));
    json_object_put(enc);
    qapic_error_free(err);
    err = NULL;
    ok = ok && decode_back(s, t, sm, 0, m) &&
         decode_back(s, t, sm, QAPIC_DECODE_STRICT, m);
    if (!ok)
        return false;
    void *copy = qapic_copy(x->desc, sm->box, &err);
    if (!copy || !qapic_tg__equal(s, t, sm->box, copy, why, sizeof why))
        ok = qapic_tg__fail(m, "%s, %s: the copy differs: %s", x->name,
                            sm->label, copy ? why : err ? err->message : "?");
    qapic_free(x->desc, copy);
    qapic_error_free(err);
    return ok;
}

bool qapic_tg_check_type(const qapic_tg_schema *s, size_t i,
                         qapic_tg_msg *msg)
{
    uint32_t t = (uint32_t)i;
    char why[300];
    msg->text[0] = '\0';
    if (i >= s->ntypes)
        return qapic_tg__fail(msg, "no type %zu", i);
    if (!check_layout(s, t, msg))
        return false;
    size_t n = qapic_tg_nsamples(s, i), built = 0;
    for (size_t v = 0; v < n; v++) {
        tg_sample sm = { 0 };
        if (!qapic_tg__sample(s, t, v, &sm, why, sizeof why))
            continue;
        built++;
        bool ok = round_trip(s, t, &sm, msg);
        qapic_tg__sample_free(s, t, &sm);
        if (!ok)
            return false;
    }
    if (!built && n)
        return qapic_tg__fail(msg, "%s: no sample can be built: %s",
                              s->types[t].name, why);
    return true;
}

/* ---- negatives ------------------------------------------------------------ */

typedef struct neg {
    const qapic_tg_schema *s;
    uint32_t t;
    const char *label;
    qapic_tg_msg *m;
    size_t count;
} neg;

/* What lenient decoding kept of J (decoded into D) encodes back to J, and
 * so does a copy of D. */
static bool lossless(neg *n, void *d, struct json_object *j,
                     const char *mutation)
{
    const qapic_tg_type *x = &n->s->types[n->t];
    qapic_error *err = NULL;
    void *copy = qapic_copy(x->desc, d, &err);
    bool ok = true;
    for (int pass = 0; ok && pass < 2; pass++) {
        const char *what = pass ? "copied" : "decoded leniently";
        struct json_object *back = qapic_encode(x->desc, pass ? copy : d, NULL,
                                                &err);
        if (err || !qapic_json_equal(back, j))
            ok = qapic_tg__fail(n->m, "%s, %s with %s: %s and encoded again, "
                                "%s gives %s", x->name, n->label, mutation,
                                what, qapic_tg__quote(j, 0),
                                err ? err->message : qapic_tg__quote(back, 1));
        json_object_put(back);
    }
    qapic_free(x->desc, copy);
    qapic_error_free(err);
    return ok;
}

/* Decodes J: must fail (strictly only, when STRICT_ONLY; else in both
 * modes) with a DECODE error at PATH whose message contains WHAT; when
 * only strict decoding fails, the lenient decode must encode back to J. */
static bool expect_fail(neg *n, struct json_object *j, const char *path,
                        const char *what, bool strict_only,
                        const char *mutation)
{
    const qapic_tg_type *x = &n->s->types[n->t];
    n->count++;
    for (int pass = 0; pass < 2; pass++) {
        unsigned flags = pass ? QAPIC_DECODE_STRICT : 0;
        qapic_error *err = NULL;
        void *d = qapic_decode(x->desc, j, flags, NULL, &err);
        bool ok = true;
        if (d && (pass || !strict_only))
            ok = qapic_tg__fail(n->m, "%s, %s with %s: %s decoding accepts "
                                "%s", x->name, n->label, mutation,
                                pass ? "strict" : "lenient",
                                qapic_tg__quote(j, 0));
        else if (d)
            ok = lossless(n, d, j, mutation);
        else if (!err || err->kind != QAPIC_ERROR_DECODE || !err->path ||
                   strcmp(err->path, path) ||
                   (what && !strstr(err->message, what)))
            ok = qapic_tg__fail(n->m, "%s, %s with %s: expected a decode "
                                "error at %s%s%s, got %s%s%s", x->name,
                                n->label, mutation, path,
                                what ? " saying " : "", what ? what : "",
                                err ? err->message : "no error",
                                err && err->path ? " at " : "",
                                err && err->path ? err->path : "");
        qapic_error_free(err);
        qapic_free(x->desc, d);
        if (!ok)
            return false;
    }
    return true;
}

/* Decodes J, which must succeed in both modes (an accepted absence). */
static bool expect_ok(neg *n, struct json_object *j, const char *mutation)
{
    const qapic_tg_type *x = &n->s->types[n->t];
    n->count++;
    for (int pass = 0; pass < 2; pass++) {
        qapic_error *err = NULL;
        void *d = qapic_decode(x->desc, j, pass ? QAPIC_DECODE_STRICT : 0,
                               NULL, &err);
        bool ok = d != NULL;
        if (!ok)
            qapic_tg__fail(n->m, "%s, %s with %s: decoding fails: %s",
                           x->name, n->label, mutation,
                           err ? err->message : "no error");
        qapic_error_free(err);
        qapic_free(x->desc, d);
        if (!ok)
            return false;
    }
    return true;
}

/* A JSON value of a type T does not take, or NULL (then *NONE is set when
 * every JSON type is taken).  *STRICT_ONLY: alternates keep a shape no
 * branch takes when decoding leniently. */
static struct json_object *wrong_value(const qapic_tg_schema *s, uint32_t t,
                                       bool *none, bool *strict_only)
{
    const qapic_tg_type *x = &s->types[t];
    *none = false;
    *strict_only = false;
    switch (x->kind) {
    case QAPIC_KIND_STR:
    case QAPIC_KIND_ENUM:
    case QAPIC_KIND_NULL:
        return json_object_new_int(1);
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
        return json_object_new_array();
    case QAPIC_KIND_LIST:
        return json_object_new_object();
    case QAPIC_KIND_ANY:
        *none = true;
        return NULL;
    case QAPIC_KIND_ALTERNATE: {
        static const qapic_json_type order[] = {
            QAPIC_JSON_ARRAY, QAPIC_JSON_OBJECT, QAPIC_JSON_BOOL,
            QAPIC_JSON_STRING, QAPIC_JSON_NUMBER,
        };
        *strict_only = true;
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
            bool taken = false;
            for (size_t i = 0; i < x->nalts; i++)
                taken = taken || x->alts[i].json_type == order[k];
            if (taken)
                continue;
            switch (order[k]) {
            case QAPIC_JSON_ARRAY: return json_object_new_array();
            case QAPIC_JSON_OBJECT: return json_object_new_object();
            case QAPIC_JSON_BOOL: return json_object_new_boolean(1);
            case QAPIC_JSON_STRING: return json_object_new_string("x");
            default: return json_object_new_int(1);
            }
        }
        *none = true;
        return NULL;
    }
    default:
        return json_object_new_string("x");
    }
}

static bool is_integer(qapic_kind k)
{
    return k >= QAPIC_KIND_INT && k <= QAPIC_KIND_SIZE;
}

/* Out-of-range integers for kind K: below the minimum (when an int64 can
 * say it) and above the maximum (when a uint64 can). */
static size_t out_of_range(qapic_kind k, struct json_object **out)
{
    size_t n = 0;
    switch (k) {
    case QAPIC_KIND_INT8: out[n++] = json_object_new_int64(INT8_MIN - 1);
        out[n++] = json_object_new_int64(INT8_MAX + 1); break;
    case QAPIC_KIND_INT16: out[n++] = json_object_new_int64(INT16_MIN - 1);
        out[n++] = json_object_new_int64(INT16_MAX + 1); break;
    case QAPIC_KIND_INT32:
        out[n++] = json_object_new_int64((int64_t)INT32_MIN - 1);
        out[n++] = json_object_new_int64((int64_t)INT32_MAX + 1); break;
    case QAPIC_KIND_UINT8: out[n++] = json_object_new_int64(-1);
        out[n++] = json_object_new_int64(UINT8_MAX + 1); break;
    case QAPIC_KIND_UINT16: out[n++] = json_object_new_int64(-1);
        out[n++] = json_object_new_int64(UINT16_MAX + 1); break;
    case QAPIC_KIND_UINT32: out[n++] = json_object_new_int64(-1);
        out[n++] = json_object_new_int64((int64_t)UINT32_MAX + 1); break;
    case QAPIC_KIND_UINT64:
    case QAPIC_KIND_SIZE: out[n++] = json_object_new_int64(-1); break;
    default:
        out[n++] = json_object_new_uint64((uint64_t)INT64_MAX + 1);
        break;
    }
    return n;
}

/* J (an object) with member NAME replaced by V (taken), or removed when
 * V is NULL and REMOVE. */
static struct json_object *with_member(struct json_object *j,
                                       const char *name,
                                       struct json_object *v, bool remove)
{
    struct json_object *c = NULL;
    json_object_deep_copy(j, &c, NULL);
    if (!c) {
        json_object_put(v);
        return NULL;
    }
    if (remove)
        json_object_object_del(c, name);
    else
        json_object_object_add(c, name, v);
    return c;
}

/* The mutations of one member of an object sample. */
static bool member_mutations(neg *n, struct json_object *j, const tg_top *tm)
{
    const qapic_tg_type *mt = &n->s->types[tm->type];
    char path[300], what[300];
    bool ok = true, none, strict_only;
    snprintf(path, sizeof path, "value.%s", tm->name);
    struct json_object *c;

    if (!(tm->flags & QAPIC_TG_OPTIONAL)) {
        snprintf(what, sizeof what, "member '%s' missing", tm->name);
        c = with_member(j, tm->name, NULL, true);
        ok = tm->flags & QAPIC_TG_FLAGGED
                 ? expect_ok(n, c, what)
                 : expect_fail(n, c, path, "missing", false, what);
        json_object_put(c);
    }
    struct json_object *w = wrong_value(n->s, tm->type, &none, &strict_only);
    if (ok && !none && !tm->is_tag) {
        snprintf(what, sizeof what, "member '%s' of the wrong JSON type",
                 tm->name);
        c = with_member(j, tm->name, w, false);
        w = NULL;
        ok = expect_fail(n, c, path, NULL, strict_only, what);
        json_object_put(c);
    }
    json_object_put(w);
    if (ok && is_integer(mt->kind)) {
        struct json_object *vals[2];
        size_t nv = out_of_range(mt->kind, vals);
        for (size_t i = 0; i < nv; i++) {
            snprintf(what, sizeof what, "member '%s' = %s", tm->name,
                     json_object_to_json_string(vals[i]));
            c = with_member(j, tm->name, vals[i], false);
            if (ok)
                ok = expect_fail(n, c, path, "out of range", false, what);
            json_object_put(c);
        }
    }
    if (ok && mt->kind == QAPIC_KIND_ENUM) {
        snprintf(what, sizeof what, "an unknown value of member '%s'",
                 tm->name);
        c = with_member(j, tm->name, json_object_new_string(UNKNOWN_NAME),
                        false);
        ok = expect_fail(n, c, path, NULL, true, what);
        json_object_put(c);
    }
    if (ok && mt->kind == QAPIC_KIND_LIST) {
        struct json_object *arr = json_object_new_array();
        struct json_object *e = wrong_value(n->s, mt->element, &none,
                                            &strict_only);
        const qapic_tg_type *et = &n->s->types[mt->element];
        if (!none) {
            json_object_array_add(arr, e);
            snprintf(what, sizeof what, "an element of member '%s' of the "
                     "wrong JSON type", tm->name);
            snprintf(path, sizeof path, "value.%s[0]", tm->name);
            c = with_member(j, tm->name, arr, false);
            arr = NULL;
            ok = expect_fail(n, c, path, NULL, strict_only, what);
            json_object_put(c);
        }
        json_object_put(arr);
        if (ok && et->kind == QAPIC_KIND_ENUM) {
            arr = json_object_new_array();
            json_object_array_add(arr, json_object_new_string(UNKNOWN_NAME));
            snprintf(what, sizeof what, "an unknown value in member '%s'",
                     tm->name);
            snprintf(path, sizeof path, "value.%s[0]", tm->name);
            c = with_member(j, tm->name, arr, false);
            ok = expect_fail(n, c, path, NULL, true, what);
            json_object_put(c);
        }
    }
    return ok;
}

static bool object_negatives(neg *n, const tg_sample *sm)
{
    n->label = sm->label;
    for (size_t i = 0; i < sm->ntop; i++)
        if (!member_mutations(n, sm->json, &sm->top[i]))
            return false;
    struct json_object *c = with_member(
        sm->json, UNKNOWN_NAME, json_object_new_int(1), false);
    bool ok = expect_fail(n, c, "value." UNKNOWN_NAME, "unknown member",
                          true, "an unknown member");
    json_object_put(c);
    if (ok) {
        c = json_object_new_array();
        ok = expect_fail(n, c, "value", NULL, false, "an array");
        json_object_put(c);
    }
    return ok;
}

/* The mutations of a value that is not an object. */
static bool value_negatives(neg *n, const tg_sample *sm)
{
    const qapic_tg_type *x = &n->s->types[n->t];
    bool ok = true, none, strict_only;
    n->label = sm->label;
    struct json_object *w = wrong_value(n->s, n->t, &none, &strict_only);
    if (!none)
        ok = expect_fail(n, w, "value", NULL, strict_only,
                         "a value of the wrong JSON type");
    json_object_put(w);
    if (ok && is_integer(x->kind)) {
        struct json_object *vals[2];
        size_t nv = out_of_range(x->kind, vals);
        for (size_t i = 0; i < nv; i++) {
            if (ok)
                ok = expect_fail(n, vals[i], "value", "out of range", false,
                                 json_object_to_json_string(vals[i]));
            json_object_put(vals[i]);
        }
    }
    if (ok && x->kind == QAPIC_KIND_ENUM) {
        w = json_object_new_string(UNKNOWN_NAME);
        ok = expect_fail(n, w, "value", NULL, true, "an unknown value");
        json_object_put(w);
    }
    if (ok && x->kind == QAPIC_KIND_STR) {
        w = json_object_new_string_len("a\0b", 3);
        ok = expect_fail(n, w, "value", "NUL", false, "a NUL character");
        json_object_put(w);
    }
    if (ok && x->kind == QAPIC_KIND_LIST && sm->json &&
        json_object_array_length(sm->json)) {
        struct json_object *e = wrong_value(n->s, x->element, &none,
                                            &strict_only);
        if (!none) {
            struct json_object *arr = NULL;
            json_object_deep_copy(sm->json, &arr, NULL);
            json_object_array_put_idx(arr, 0, e);
            ok = expect_fail(n, arr, "value[0]", NULL, strict_only,
                             "an element of the wrong JSON type");
            json_object_put(arr);
        } else {
            json_object_put(e);
        }
    }
    return ok;
}

bool qapic_tg_check_negatives(const qapic_tg_schema *s, size_t i,
                              qapic_tg_msg *msg)
{
    uint32_t t = (uint32_t)i;
    char why[300];
    tg_top top[TG_MAX_TOP];
    neg n = { s, t, NULL, msg, 0 };
    msg->text[0] = '\0';
    if (i >= s->ntypes)
        return qapic_tg__fail(msg, "no type %zu", i);
    const qapic_tg_type *x = &s->types[t];
    bool object = x->kind == QAPIC_KIND_STRUCT || x->kind == QAPIC_KIND_UNION;
    size_t nv = qapic_tg_nsamples(s, i);
    /* Objects: the full samples (every branch of a union); other types:
     * the first sample that has something to mutate. */
    for (size_t v = 0; v < nv; v++) {
        if (x->kind == QAPIC_KIND_STRUCT && v > 0)
            break;
        if (x->kind == QAPIC_KIND_UNION && v + 1 == nv)
            break;
        tg_sample sm = { .top = top };
        if (!qapic_tg__sample(s, t, v, &sm, why, sizeof why))
            continue;
        bool ok = object ? object_negatives(&n, &sm)
                         : value_negatives(&n, &sm);
        qapic_tg__sample_free(s, t, &sm);
        if (!ok)
            return false;
        if (!object && x->kind != QAPIC_KIND_LIST)
            break;
        if (x->kind == QAPIC_KIND_LIST && v >= 1)
            break;
    }
    return true;
}
