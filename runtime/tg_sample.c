/* Sample values of the oracle (qapic/testgen.h), built twice at once: as
 * the C value the bindings' header lays out (written at the oracle's
 * offsets) and as the JSON the schema prescribes.  Also freeing and
 * comparing such values by the oracle, independently of the descriptors
 * under test.
 *
 * The policy, so that every sample is valid and finite:
 *   - strings are the member's name ("str" at the top), integers and
 *     numbers the member's position (so that two members swapped show),
 *     booleans alternate, enums take a value by position;
 *   - unions and alternates inside a value take their first branch (the
 *     samples of the type itself take each one): what a real QEMU gets
 *     in live mode stays the plainest choice (a socket rather than a
 *     program to run);
 *   - a FULL sample sets every member of the object and of the objects
 *     in it (one level down; deeper ones get their mandatory members);
 *     lists get one element;
 *   - a type already being built (recursion) gets its mandatory members
 *     only, lists of it stay empty, alternates take another branch; what
 *     still has no finite value (a mandatory member of its own type) is
 *     reported as not buildable. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal/testgen.h"

#define TG_STACK 48

/* ---- messages -------------------------------------------------------------- */

bool qapic_tg__fail(qapic_tg_msg *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (m)
        vsnprintf(m->text, sizeof m->text, fmt, ap);
    va_end(ap);
    return false;
}

void qapic_tg__note(qapic_tg_msg *m, const char *fmt, ...)
{
    if (!m)
        return;
    size_t n = strlen(m->text);
    va_list ap;
    va_start(ap, fmt);
    if (n + 1 < sizeof m->text)
        vsnprintf(m->text + n, sizeof m->text - n, fmt, ap);
    va_end(ap);
}

const char *qapic_tg__quote(struct json_object *v, int slot)
{
    static _Thread_local char buf[2][700];
    char *b = buf[slot & 1];
    const char *s = v ? json_object_to_json_string_ext(
                            v, JSON_C_TO_STRING_PLAIN |
                                   JSON_C_TO_STRING_NOSLASHESCAPE)
                      : "null";
    size_t n = strlen(s);
    if (n < sizeof buf[0]) {
        memcpy(b, s, n + 1);
    } else {
        memcpy(b, s, sizeof buf[0] - 4);
        memcpy(b + sizeof buf[0] - 4, "...", 4);
    }
    return b;
}

char *qapic_tg__text(struct json_object *v)
{
    const char *s = v ? json_object_to_json_string_ext(
                            v, JSON_C_TO_STRING_PLAIN |
                                   JSON_C_TO_STRING_NOSLASHESCAPE)
                      : "null";
    return qapic_rt_strdup(s);
}

size_t qapic_tg__slot_size(const qapic_tg_schema *s, uint32_t t)
{
    return qapic_rt_slot_size(s->types[t].kind);
}

/* ---- paths a sample must contain ------------------------------------------ */

static size_t comp_len(const char *p)
{
    return strcspn(p, "/");
}

/* The path after its first component ("" when it had one). */
static const char *comp_rest(const char *p)
{
    size_t n = comp_len(p);
    return p[n] ? p + n + 1 : p + n;
}

static bool comp_is(const char *p, const char *name)
{
    size_t n = comp_len(p);
    return strlen(name) == n && !memcmp(p, name, n);
}

/* The paths of P whose first component is NAME, without it, into OUT;
 * whether there was any. */
static bool paths_below(const tg_paths *p, const char *name, tg_paths *out)
{
    out->n = 0;
    for (size_t i = 0; p && i < p->n; i++)
        if (*p->p[i] && comp_is(p->p[i], name) && out->n < TG_MAX_PATHS)
            out->p[out->n++] = comp_rest(p->p[i]);
    return out->n > 0;
}

/* The first component of P's paths that starts with LEAD ('+' or '^'),
 * or NULL. */
static const char *paths_lead(const tg_paths *p, char lead)
{
    for (size_t i = 0; p && i < p->n; i++)
        if (p->p[i][0] == lead)
            return p->p[i];
    return NULL;
}

/* P with every leading "+..." component removed (a union's branch was
 * chosen), into OUT. */
static void paths_past_branch(const tg_paths *p, tg_paths *out)
{
    out->n = 0;
    for (size_t i = 0; p && i < p->n; i++) {
        const char *q = p->p[i];
        if (q[0] == '+')
            q = comp_rest(q);
        if (*q && out->n < TG_MAX_PATHS)
            out->p[out->n++] = q;
    }
}

/* ---- building ---------------------------------------------------------------- */

typedef struct bctx {
    const qapic_tg_schema *s;
    uint32_t stack[TG_STACK];
    size_t depth;
    char *why;
    size_t whylen;
    bool failed;
    tg_top *top;            /* collects the top object's members */
    size_t ntop;
} bctx;

typedef struct ctl {
    tg_policy policy;
    const char *label;
    unsigned salt;
    int variant;            /* top-level choice, or -1 */
    const tg_paths *paths;  /* or NULL */
    unsigned level;         /* objects above this one */
    bool top;               /* the sample's own object */
} ctl;

static bool cannot(bctx *b, const char *fmt, const char *name)
{
    if (!b->failed && b->why)
        snprintf(b->why, b->whylen, fmt, name);
    b->failed = true;
    return false;
}

static bool on_stack(const bctx *b, uint32_t t)
{
    for (size_t i = 0; i < b->depth; i++)
        if (b->stack[i] == t)
            return true;
    return false;
}

static const qapic_tg_type *ty(const bctx *b, uint32_t t)
{
    return &b->s->types[t];
}

static bool is_object(qapic_kind k)
{
    return k == QAPIC_KIND_STRUCT || k == QAPIC_KIND_UNION;
}

/* Whether building T now would recurse: T, or the element of a list T,
 * is an object or alternate already being built. */
static bool recursive(const bctx *b, uint32_t t)
{
    const qapic_tg_type *x = ty(b, t);
    if (x->kind == QAPIC_KIND_LIST)
        return recursive(b, x->element);
    return (is_object(x->kind) || x->kind == QAPIC_KIND_ALTERNATE) &&
           on_stack(b, t);
}

static bool build_slot(bctx *b, uint32_t t, const ctl *c, void *slot,
                       struct json_object **json);

static void set_int(qapic_kind k, void *slot, int64_t v, uint64_t u, bool big)
{
    switch (k) {
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
}

/* The bounds of an integer kind.  The decoder has the same table; this
 * one is kept apart on purpose, so that a wrong bound there shows as a
 * sample it refuses (or a mutation it accepts) instead of being shared. */
static void int_bounds(qapic_kind k, int64_t *min, uint64_t *max)
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

/* Integer samples: the minimum, the maximum, zero; as members, the salt. */
static bool build_int(qapic_kind k, const ctl *c, void *slot,
                      struct json_object **json)
{
    int64_t min;
    uint64_t max;
    int_bounds(k, &min, &max);
    int64_t v = (int64_t)(c->salt % 100);
    if (c->variant == 0)
        v = min;
    else if (c->variant == 2)
        v = 0;
    if (c->variant == 1 && max > (uint64_t)INT64_MAX) {
        set_int(k, slot, 0, max, true);
        *json = json_object_new_uint64(max);
    } else {
        if (c->variant == 1)
            v = (int64_t)max;
        set_int(k, slot, v, 0, false);
        *json = json_object_new_int64(v);
    }
    return true;
}

/* UTF-8 of two, three and four bytes, escapes, a control character. */
static const char tricky_string[] =
    "\xc3\xbc" "n" "\xc3\xaf" "c" "\xc3\xb6" "d" "\xc3\xa9"
    " \"quoted\" \\ / \t\x01 \xe2\x82\xac \xf0\x9f\x90\xa7";

static bool build_str(bctx *b, const ctl *c, void *slot,
                      struct json_object **json)
{
    const char *v = c->variant == 1 ? "" : c->variant == 2 ? tricky_string
                                                            : c->label;
    char *d = qapic_rt_strdup(v);
    if (!d)
        return cannot(b, "out of memory%s", "");
    *(char **)slot = d;
    *json = json_object_new_string(v);
    return true;
}

static bool build_scalar(bctx *b, const qapic_tg_type *x, const ctl *c,
                         void *slot, struct json_object **json)
{
    switch (x->kind) {
    case QAPIC_KIND_STR:
        return build_str(b, c, slot, json);
    case QAPIC_KIND_NUMBER: {
        double d = c->variant == 1 ? -2.25e300 : c->variant == 2 ? 0.0
                                                                 : c->salt + 0.5;
        *(double *)slot = d;
        *json = json_object_new_double(d);
        return true;
    }
    case QAPIC_KIND_BOOL: {
        bool v = c->variant >= 0 ? c->variant == 0 : (c->salt & 1);
        *(bool *)slot = v;
        *json = json_object_new_boolean(v);
        return true;
    }
    case QAPIC_KIND_NULL:
        *(bool *)slot = true;
        *json = NULL;
        return true;
    case QAPIC_KIND_ANY:
        if (c->variant == 1) {
            *json = json_object_new_int(7);
            *(struct json_object **)slot = json_object_new_int(7);
        } else if (c->variant == 2) {
            *json = NULL;
            *(struct json_object **)slot = NULL;
        } else {
            /* Two trees: the C value and its JSON share nothing. */
            for (int i = 0; i < 2; i++) {
                struct json_object *a = json_object_new_array();
                json_object_array_add(a, json_object_new_string(c->label));
                json_object_array_add(a, json_object_new_int((int)c->salt));
                if (i)
                    *json = a;
                else
                    *(struct json_object **)slot = a;
            }
        }
        return true;
    default:
        return build_int(x->kind, c, slot, json);
    }
}

static bool build_enum(bctx *b, const qapic_tg_type *x, const ctl *c,
                       int *slot, struct json_object **json)
{
    if (!x->nvalues)
        return cannot(b, "enum %s has no value", x->name);
    size_t k = c->variant >= 0 ? (size_t)c->variant
                               : (c->salt ? c->salt - 1 : 0) % x->nvalues;
    const char *want = paths_lead(c->paths, '^');
    if (want)
        for (size_t i = 0; i < x->nvalues; i++)
            if (comp_is(want + 1, x->values[i]))
                k = i;
    *slot = x->consts[k];
    *json = json_object_new_string(x->values[k]);
    return true;
}

static void add_top(bctx *b, const qapic_tg_member *m, bool is_tag)
{
    if (b->top && b->ntop < TG_MAX_TOP)
        b->top[b->ntop++] = (tg_top){ m->name, m->type, m->flags, is_tag };
}

/* The child control of member M of an object built under C. */
static ctl member_ctl(const bctx *b, const ctl *c, const qapic_tg_member *m,
                      unsigned salt, const tg_paths *below)
{
    ctl mc = { TG_MIN, m->name, salt, -1, below, c->level + 1, false };
    if (c->policy == TG_FULL && c->level < 1 && !recursive(b, m->type))
        mc.policy = TG_FULL;
    return mc;
}

/* Builds the members of object type T into OBJ and JSON object O.  TAG
 * is the union's chosen tag value, or -1. */
static bool build_members(bctx *b, uint32_t t, const ctl *c, char *obj,
                          struct json_object *o, unsigned salt0)
{
    const qapic_tg_type *x = ty(b, t);
    int tagv = -1;
    tg_paths here;
    paths_past_branch(c->paths, &here);

    if (x->kind == QAPIC_KIND_UNION) {
        const qapic_tg_type *tt = ty(b, x->members[x->tag].type);
        if (!tt->nvalues)
            return cannot(b, "union %s has a tag without values", x->name);
        tagv = c->variant >= 0 ? c->variant : 0;
        const char *want = paths_lead(c->paths, '+');
        if (want)
            for (size_t i = 0; i < tt->nvalues; i++)
                if (comp_is(want + 1, tt->values[i]))
                    tagv = (int)i;
    }
    for (size_t i = 0; i < x->nmembers; i++) {
        const qapic_tg_member *m = &x->members[i];
        char *slot = obj + m->offset;
        struct json_object *v = NULL;
        if (tagv >= 0 && i == x->tag) {
            const qapic_tg_type *tt = ty(b, m->type);
            *(int *)slot = tt->consts[tagv];
            json_object_object_add(o, m->name,
                                   json_object_new_string(tt->values[tagv]));
            if (c->top)
                add_top(b, m, true);
            continue;
        }
        tg_paths below;
        bool wanted = paths_below(&here, m->name, &below);
        bool set = !(m->flags & QAPIC_TG_OPTIONAL) || wanted ||
                   (c->policy == TG_FULL && !recursive(b, m->type));
        if (!set)
            continue;
        ctl mc = member_ctl(b, c, m, salt0 + (unsigned)i + 1,
                            wanted ? &below : NULL);
        if (!build_slot(b, m->type, &mc, slot, &v))
            return false;
        if (m->has_offset != QAPIC_NO_OFFSET)
            *(bool *)(obj + m->has_offset) = true;
        json_object_object_add(o, m->name, v);
        if (c->top)
            add_top(b, m, false);
    }
    if (tagv < 0 || x->branches[tagv] == QAPIC_TG_NONE)
        return true;
    /* The branch's members live in the same JSON object, its C object is
     * embedded at u; it may be a union again. */
    uint32_t br = x->branches[tagv];
    ctl bc = *c;
    bc.variant = -1;
    bc.paths = &here;
    if (b->depth == TG_STACK)
        return cannot(b, "%s nests too deeply", x->name);
    b->stack[b->depth++] = br;
    bool ok = build_members(b, br, &bc, obj + x->variant_offset, o,
                            salt0 + (unsigned)x->nmembers);
    b->depth--;
    return ok;
}

static bool build_object(bctx *b, uint32_t t, const ctl *c, void **slot,
                         struct json_object **json)
{
    const qapic_tg_type *x = ty(b, t);
    if (b->depth == TG_STACK)
        return cannot(b, "%s has no finite value (it contains itself)",
                      x->name);
    char *obj = calloc(1, x->size ? x->size : 1);
    struct json_object *o = json_object_new_object();
    if (!obj || !o) {
        free(obj);
        json_object_put(o);
        return cannot(b, "out of memory%s", "");
    }
    *slot = obj;
    *json = o;
    b->stack[b->depth++] = t;
    bool ok = build_members(b, t, c, obj, o, 0);
    b->depth--;
    return ok;
}

static bool build_alternate(bctx *b, uint32_t t, const ctl *c, void **slot,
                            struct json_object **json)
{
    const qapic_tg_type *x = ty(b, t);
    if (!x->nalts)
        return cannot(b, "alternate %s has no branch", x->name);
    size_t k = c->variant >= 0 ? (size_t)c->variant : 0;
    if (c->variant < 0) {
        /* Away from branches that recurse; towards what a path needs. */
        for (size_t i = 0; i < x->nalts && recursive(b, x->alts[k].type); i++)
            k = (k + 1) % x->nalts;
        if (c->paths && c->paths->n) {
            bool want_enum = c->paths->p[0][0] == '^';
            for (size_t i = 0; i < x->nalts; i++) {
                qapic_kind bk = ty(b, x->alts[i].type)->kind;
                if (want_enum ? bk == QAPIC_KIND_ENUM
                              : is_object(bk) || bk == QAPIC_KIND_LIST) {
                    k = i;
                    break;
                }
            }
        }
    }
    if (b->depth == TG_STACK)
        return cannot(b, "%s nests too deeply", x->name);
    char *obj = calloc(1, x->size ? x->size : 1);
    if (!obj)
        return cannot(b, "out of memory%s", "");
    *slot = obj;
    *json = NULL;
    const qapic_tg_alt *a = &x->alts[k];
    *(qapic_json_type *)(obj + x->type_offset) = a->json_type;
    ctl bc = *c;
    bc.variant = -1;
    bc.top = false;
    b->stack[b->depth++] = t;
    bool ok = build_slot(b, a->type, &bc, obj + a->offset, json);
    b->depth--;
    return ok;
}

static bool build_list(bctx *b, uint32_t t, const ctl *c, qapic_list *l,
                       struct json_object **json)
{
    const qapic_tg_type *x = ty(b, t);
    size_t n = c->variant >= 0 ? (size_t)c->variant : c->level < 3 ? 1 : 0;
    if (recursive(b, x->element))
        n = 0;
    if (c->paths && c->paths->n && !n)
        n = 1;
    struct json_object *arr = json_object_new_array();
    *json = arr;
    if (!arr)
        return cannot(b, "out of memory%s", "");
    if (!n)
        return true;
    size_t es = qapic_tg__slot_size(b->s, x->element);
    char *items = calloc(n, es);
    if (!items)
        return cannot(b, "out of memory%s", "");
    l->items = items;
    l->n = n;
    for (size_t i = 0; i < n; i++) {
        ctl ec = *c;
        ec.variant = -1;
        ec.top = false;
        ec.salt = c->salt + (unsigned)i;
        struct json_object *v = NULL;
        bool ok = build_slot(b, x->element, &ec, items + i * es, &v);
        json_object_array_add(arr, v);
        if (!ok)
            return false;
    }
    return true;
}

static bool build_slot(bctx *b, uint32_t t, const ctl *c, void *slot,
                       struct json_object **json)
{
    const qapic_tg_type *x = ty(b, t);
    *json = NULL;
    switch (x->kind) {
    case QAPIC_KIND_ENUM:
        return build_enum(b, x, c, slot, json);
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
        return build_object(b, t, c, slot, json);
    case QAPIC_KIND_ALTERNATE:
        return build_alternate(b, t, c, slot, json);
    case QAPIC_KIND_LIST:
        return build_list(b, t, c, slot, json);
    default:
        return build_scalar(b, x, c, slot, json);
    }
}

/* ---- the samples of a type ------------------------------------------------- */

size_t qapic_tg_nsamples(const qapic_tg_schema *s, size_t i)
{
    const qapic_tg_type *x = &s->types[i];
    switch (x->kind) {
    case QAPIC_KIND_BOOL: return 2;
    case QAPIC_KIND_NULL: return 1;
    case QAPIC_KIND_ENUM: return x->nvalues;
    case QAPIC_KIND_STRUCT: return 2;
    case QAPIC_KIND_UNION:
        return s->types[x->members[x->tag].type].nvalues + 1;
    case QAPIC_KIND_ALTERNATE: return x->nalts;
    default: return 3;      /* scalars, lists */
    }
}

static void label(tg_sample *out, const qapic_tg_schema *s, uint32_t t,
                  size_t v)
{
    static const char *const scalar[][3] = {
        { "the minimum", "the maximum", "zero" },
        { "a short string", "the empty string", "a string with escapes" },
        { "a number", "a large negative number", "0.0" },
        { "an array", "a number", "null" },
        { "no element", "one element", "two elements" },
    };
    const qapic_tg_type *x = &s->types[t];
    char *l = out->label;
    size_t n = sizeof out->label;
    switch (x->kind) {
    case QAPIC_KIND_STR: snprintf(l, n, "%s", scalar[1][v]); break;
    case QAPIC_KIND_NUMBER: snprintf(l, n, "%s", scalar[2][v]); break;
    case QAPIC_KIND_ANY: snprintf(l, n, "%s", scalar[3][v]); break;
    case QAPIC_KIND_LIST: snprintf(l, n, "%s", scalar[4][v]); break;
    case QAPIC_KIND_BOOL: snprintf(l, n, "%s", v ? "false" : "true"); break;
    case QAPIC_KIND_NULL: snprintf(l, n, "null"); break;
    case QAPIC_KIND_ENUM: snprintf(l, n, "value '%s'", x->values[v]); break;
    case QAPIC_KIND_STRUCT:
        snprintf(l, n, "%s", v ? "mandatory members" : "all members");
        break;
    case QAPIC_KIND_UNION: {
        const qapic_tg_type *tt = &s->types[x->members[x->tag].type];
        if (v < tt->nvalues)
            snprintf(l, n, "%s '%s', all members",
                     x->branches[v] == QAPIC_TG_NONE ? "tag-only value"
                                                     : "branch",
                     tt->values[v]);
        else
            snprintf(l, n, "mandatory members");
        break;
    }
    case QAPIC_KIND_ALTERNATE:
        snprintf(l, n, "branch '%s'", x->alts[v].name);
        break;
    default: snprintf(l, n, "%s", scalar[0][v]); break;
    }
}

/* A new box of T holding the value built under C (top level). */
static bool build_box(bctx *b, uint32_t t, const ctl *c, tg_sample *out)
{
    const qapic_tg_type *x = ty(b, t);
    void *box = NULL;
    bool ok;
    switch (x->kind) {
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
        ok = build_object(b, t, c, &box, &out->json);
        break;
    case QAPIC_KIND_ALTERNATE:
        ok = build_alternate(b, t, c, &box, &out->json);
        break;
    case QAPIC_KIND_ENUM: {
        qapic_enum_box *eb = calloc(1, sizeof *eb);
        box = eb;
        ok = eb ? build_enum(b, x, c, &eb->value, &out->json)
                : cannot(b, "out of memory%s", "");
        break;
    }
    default: {
        size_t size = qapic_tg__slot_size(b->s, t);
        box = calloc(1, size ? size : 1);
        ok = box ? build_slot(b, t, c, box, &out->json)
                 : cannot(b, "out of memory%s", "");
        break;
    }
    }
    out->box = box;
    return ok;
}

static bool finish(bctx *b, uint32_t t, bool ok, tg_sample *out)
{
    out->ntop = b->ntop;
    if (!ok) {
        qapic_tg__sample_free(b->s, t, out);
        return false;
    }
    return true;
}

bool qapic_tg__sample(const qapic_tg_schema *s, uint32_t t, size_t variant,
                      tg_sample *out, char *why, size_t whylen)
{
    const qapic_tg_type *x = &s->types[t];
    bctx b = { .s = s, .why = why, .whylen = whylen, .top = out->top };
    ctl c = { TG_FULL, "str", 1, (int)variant, NULL, 0, true };
    out->box = NULL;
    out->json = NULL;
    label(out, s, t, variant);
    if (x->kind == QAPIC_KIND_STRUCT) {
        c.variant = -1;
        c.policy = variant ? TG_MIN : TG_FULL;
    } else if (x->kind == QAPIC_KIND_UNION) {
        size_t ntags = s->types[x->members[x->tag].type].nvalues;
        if (variant >= ntags) {
            c.variant = 0;
            c.policy = TG_MIN;
        }
    }
    return finish(&b, t, build_box(&b, t, &c, out), out);
}

bool qapic_tg__sample_with(const qapic_tg_schema *s, uint32_t t,
                           tg_policy policy, const tg_paths *paths,
                           tg_sample *out, char *why, size_t whylen)
{
    bctx b = { .s = s, .why = why, .whylen = whylen, .top = out->top };
    ctl c = { policy, "str", 1, -1, paths, 0, true };
    const qapic_tg_type *x = &s->types[t];
    out->box = NULL;
    out->json = NULL;
    snprintf(out->label, sizeof out->label, "%s",
             policy == TG_FULL ? "all members" : "mandatory members");
    if (x->kind == QAPIC_KIND_UNION && !paths_lead(paths, '+'))
        c.variant = 0;
    return finish(&b, t, build_box(&b, t, &c, out), out);
}

/* ---- freeing by the oracle -------------------------------------------- */

static void free_slot(const qapic_tg_schema *s, uint32_t t, void *slot);

static void free_members(const qapic_tg_schema *s, uint32_t t, char *obj)
{
    const qapic_tg_type *x = &s->types[t];
    for (size_t i = 0; i < x->nmembers; i++)
        free_slot(s, x->members[i].type, obj + x->members[i].offset);
    json_object_put(*(struct json_object **)(obj + x->extra_offset));
    if (x->kind != QAPIC_KIND_UNION)
        return;
    int tag = *(int *)(obj + x->members[x->tag].offset);
    const qapic_tg_type *tt = &s->types[x->members[x->tag].type];
    if (tag >= 0 && (size_t)tag < tt->nvalues &&
        x->branches[tag] != QAPIC_TG_NONE)
        free_members(s, x->branches[tag], obj + x->variant_offset);
}

static void free_alternate(const qapic_tg_schema *s, uint32_t t, char *obj)
{
    const qapic_tg_type *x = &s->types[t];
    qapic_json_type jt = *(qapic_json_type *)(obj + x->type_offset);
    for (size_t i = 0; i < x->nalts; i++)
        if (x->alts[i].json_type == jt) {
            free_slot(s, x->alts[i].type, obj + x->alts[i].offset);
            break;
        }
    json_object_put(*(struct json_object **)(obj + x->raw_offset));
}

static void free_slot(const qapic_tg_schema *s, uint32_t t, void *slot)
{
    const qapic_tg_type *x = &s->types[t];
    switch (x->kind) {
    case QAPIC_KIND_STR:
        free(*(char **)slot);
        break;
    case QAPIC_KIND_ANY:
        json_object_put(*(struct json_object **)slot);
        break;
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE: {
        char *obj = *(char **)slot;
        if (!obj)
            break;
        if (x->kind == QAPIC_KIND_ALTERNATE)
            free_alternate(s, t, obj);
        else
            free_members(s, t, obj);
        free(obj);
        break;
    }
    case QAPIC_KIND_LIST: {
        qapic_list *l = slot;
        size_t es = qapic_tg__slot_size(s, x->element);
        for (size_t i = 0; l->items && i < l->n; i++)
            free_slot(s, x->element, (char *)l->items + i * es);
        for (size_t i = 0; l->_raw && i < l->n; i++)
            free(l->_raw[i]);
        free(l->_raw);
        free(l->items);
        break;
    }
    default:
        break;
    }
}

void qapic_tg__free_box(const qapic_tg_schema *s, uint32_t t, void *box)
{
    const qapic_tg_type *x;
    if (!box)
        return;
    x = &s->types[t];
    switch (x->kind) {
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE:
        free_slot(s, t, &box);
        return;
    case QAPIC_KIND_ENUM:
        free(((qapic_enum_box *)box)->raw);
        break;
    default:
        free_slot(s, t, box);
        break;
    }
    free(box);
}

void qapic_tg__sample_free(const qapic_tg_schema *s, uint32_t t,
                           tg_sample *sm)
{
    qapic_tg__free_box(s, t, sm->box);
    json_object_put(sm->json);
    sm->box = NULL;
    sm->json = NULL;
}

/* ---- equality by the oracle -------------------------------------------- */

typedef struct ectx {
    const qapic_tg_schema *s;
    char path[512];
    size_t len;
    char *why;
    size_t whylen;
} ectx;

static size_t push(ectx *e, const char *name, size_t index)
{
    size_t old = e->len;
    int n = name ? snprintf(e->path + e->len, sizeof e->path - e->len, ".%s",
                            name)
                 : snprintf(e->path + e->len, sizeof e->path - e->len,
                            "[%zu]", index);
    if (n > 0 && e->len + (size_t)n < sizeof e->path)
        e->len += (size_t)n;
    return old;
}

static void pop(ectx *e, size_t old)
{
    e->len = old;
    e->path[old] = '\0';
}

static bool differ(ectx *e, const char *fmt, const char *a, const char *b)
{
    char what[1600];
    snprintf(what, sizeof what, fmt, a, b);
    snprintf(e->why, e->whylen, "value%.500s: %.1000s", e->path, what);
    return false;
}

static bool eq_slot(ectx *e, uint32_t t, const void *a, const void *b);

static bool eq_json(ectx *e, struct json_object *a, struct json_object *b,
                    const char *what)
{
    if (qapic_json_equal(a, b))
        return true;
    char qa[700];
    snprintf(qa, sizeof qa, "%s", qapic_tg__quote(a, 0));
    return differ(e, what, qa, qapic_tg__quote(b, 1));
}

static bool eq_members(ectx *e, uint32_t t, const char *a, const char *b)
{
    const qapic_tg_type *x = &e->s->types[t];
    for (size_t i = 0; i < x->nmembers; i++) {
        const qapic_tg_member *m = &x->members[i];
        size_t old = push(e, m->name, 0);
        bool ha = true, hb = true;
        if (m->has_offset != QAPIC_NO_OFFSET) {
            ha = *(const bool *)(a + m->has_offset);
            hb = *(const bool *)(b + m->has_offset);
        }
        if (ha != hb)
            return differ(e, "present in %s, absent in %s", ha ? "one" : "the other",
                          ha ? "the other" : "one");
        if (ha && !eq_slot(e, m->type, a + m->offset, b + m->offset))
            return false;
        pop(e, old);
    }
    if (!eq_json(e, *(struct json_object *const *)(a + x->extra_offset),
                 *(struct json_object *const *)(b + x->extra_offset),
                 "_extra %s differs from %s"))
        return false;
    if (x->kind != QAPIC_KIND_UNION)
        return true;
    int tag = *(const int *)(a + x->members[x->tag].offset);
    const qapic_tg_type *tt = &e->s->types[x->members[x->tag].type];
    if (tag >= 0 && (size_t)tag < tt->nvalues &&
        x->branches[tag] != QAPIC_TG_NONE)
        return eq_members(e, x->branches[tag], a + x->variant_offset,
                          b + x->variant_offset);
    return true;
}

static bool eq_alternate(ectx *e, uint32_t t, const char *a, const char *b)
{
    const qapic_tg_type *x = &e->s->types[t];
    qapic_json_type ta = *(const qapic_json_type *)(a + x->type_offset);
    qapic_json_type tb = *(const qapic_json_type *)(b + x->type_offset);
    if (ta != tb) {
        char sa[16], sb[16];
        snprintf(sa, sizeof sa, "%d", (int)ta);
        snprintf(sb, sizeof sb, "%d", (int)tb);
        return differ(e, "alternate type %s against %s", sa, sb);
    }
    for (size_t i = 0; i < x->nalts; i++)
        if (x->alts[i].json_type == ta &&
            !eq_slot(e, x->alts[i].type, a + x->alts[i].offset,
                     b + x->alts[i].offset))
            return false;
    return eq_json(e, *(struct json_object *const *)(a + x->raw_offset),
                   *(struct json_object *const *)(b + x->raw_offset),
                   "_raw %s differs from %s");
}

static bool eq_list(ectx *e, uint32_t t, const qapic_list *a,
                    const qapic_list *b)
{
    const qapic_tg_type *x = &e->s->types[t];
    char na[24], nb[24];
    if (a->n != b->n) {
        snprintf(na, sizeof na, "%zu", a->n);
        snprintf(nb, sizeof nb, "%zu", b->n);
        return differ(e, "%s elements against %s", na, nb);
    }
    size_t es = qapic_tg__slot_size(e->s, x->element);
    for (size_t i = 0; i < a->n; i++) {
        size_t old = push(e, NULL, i);
        if (!eq_slot(e, x->element, (const char *)a->items + i * es,
                     (const char *)b->items + i * es))
            return false;
        const char *ra = a->_raw ? a->_raw[i] : NULL;
        const char *rb = b->_raw ? b->_raw[i] : NULL;
        if ((ra || rb) && (!ra || !rb || strcmp(ra, rb)))
            return differ(e, "kept string '%s' against '%s'", ra ? ra : "",
                          rb ? rb : "");
        pop(e, old);
    }
    return true;
}

static bool eq_int(ectx *e, qapic_kind k, const void *a, const void *b)
{
    size_t size = qapic_rt_slot_size(k);
    if (!memcmp(a, b, size))
        return true;
    int64_t va = 0, vb = 0;
    memcpy(&va, a, size);
    memcpy(&vb, b, size);
    char sa[32], sb[32];
    snprintf(sa, sizeof sa, "%" PRId64, va);
    snprintf(sb, sizeof sb, "%" PRId64, vb);
    return differ(e, "%s against %s (raw bits)", sa, sb);
}

static bool eq_slot(ectx *e, uint32_t t, const void *a, const void *b)
{
    const qapic_tg_type *x = &e->s->types[t];
    switch (x->kind) {
    case QAPIC_KIND_STR: {
        const char *sa = *(char *const *)a, *sb = *(char *const *)b;
        if (!sa || !sb || strcmp(sa, sb))
            return differ(e, "'%s' against '%s'", sa ? sa : "(NULL)",
                          sb ? sb : "(NULL)");
        return true;
    }
    case QAPIC_KIND_NUMBER:
        if (*(const double *)a != *(const double *)b) {
            char sa[32], sb[32];
            snprintf(sa, sizeof sa, "%.17g", *(const double *)a);
            snprintf(sb, sizeof sb, "%.17g", *(const double *)b);
            return differ(e, "%s against %s", sa, sb);
        }
        return true;
    case QAPIC_KIND_BOOL:
    case QAPIC_KIND_NULL:
        if (*(const bool *)a != *(const bool *)b)
            return differ(e, "%s against %s", *(const bool *)a ? "true" : "false",
                          *(const bool *)b ? "true" : "false");
        return true;
    case QAPIC_KIND_ANY:
        return eq_json(e, *(struct json_object *const *)a,
                       *(struct json_object *const *)b, "%s against %s");
    case QAPIC_KIND_ENUM:
        if (*(const int *)a != *(const int *)b) {
            char sa[16], sb[16];
            snprintf(sa, sizeof sa, "%d", *(const int *)a);
            snprintf(sb, sizeof sb, "%d", *(const int *)b);
            return differ(e, "enum value %s against %s", sa, sb);
        }
        return true;
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE: {
        const char *oa = *(char *const *)a, *ob = *(char *const *)b;
        if (!oa || !ob)
            return oa == ob ? true
                            : differ(e, "%s against %s", oa ? "an object" : "NULL",
                                     ob ? "an object" : "NULL");
        return x->kind == QAPIC_KIND_ALTERNATE ? eq_alternate(e, t, oa, ob)
                                               : eq_members(e, t, oa, ob);
    }
    case QAPIC_KIND_LIST:
        return eq_list(e, t, a, b);
    default:
        return eq_int(e, x->kind, a, b);
    }
}

bool qapic_tg__equal(const qapic_tg_schema *s, uint32_t t, const void *a,
                     const void *b, char *why, size_t whylen)
{
    ectx e = { .s = s, .why = why, .whylen = whylen };
    const qapic_tg_type *x = &s->types[t];
    switch (x->kind) {
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
    case QAPIC_KIND_ALTERNATE:
        return eq_slot(&e, t, &a, &b);
    case QAPIC_KIND_ENUM: {
        const qapic_enum_box *ea = a, *eb = b;
        if (!eq_slot(&e, t, &ea->value, &eb->value))
            return false;
        if ((ea->raw || eb->raw) &&
            (!ea->raw || !eb->raw || strcmp(ea->raw, eb->raw)))
            return differ(&e, "kept string '%s' against '%s'",
                          ea->raw ? ea->raw : "", eb->raw ? eb->raw : "");
        return true;
    }
    default:
        return eq_slot(&e, t, a, b);
    }
}
