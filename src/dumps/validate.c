/* Validation of QMP values against a schema view (validate.h).
 *
 * The walk follows QEMU's: the dispatcher looks at the command object's
 * keys (in QDict order), then the command, its policy and exec-oob; the
 * generated visitors then take the members of a type in the schema's
 * order (base members first), each value fully before the next member,
 * then the members of the variant the tag chose (unions nest: the variant
 * may be a union itself), and last the keys nobody asked for.  Unlike
 * libvirt's validator, unions are followed through every level; integers
 * are checked against their width as QEMU's visitors do (uint64 and size
 * take negative numbers, narrower unsigned types do not); alternates
 * choose their branch by the JSON type of the value. */
#include "dumps/validate.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hashmap.h"
#include "schema/introspect.h"

#define MAX_DEPTH 1000      /* schema loops, absurd nesting */

struct vs {
    qc_arena *a;
    const qc_vschema *s;
    const qc_validate_opts *o;
    qc_validate_fn fn;
    void *ctx;
    size_t problems;
    qc_buf path;
    const char *member;     /* the member whose value is being checked */
    /* Inside an optional argument of a 'gen': false command: problems
     * are notes (QEMU's input layer checks nothing there). */
    const qc_vcommand *unchecked;
};

static void vreport(struct vs *v, bool note, const qc_value *at,
                    const char *code, const char *fmt, va_list ap)
{
    bool demoted = !note && v->unchecked;
    if (demoted)
        note = true;
    qc_validate_fn fn = note ? v->o->note : v->fn;
    if (!note)
        v->problems++;
    if (!fn)
        return;
    if (!note && v->o->count_only) {
        fn(v->ctx, "", at, code, "");
        return;
    }
    char *msg = qc_arena_vprintf(v->a, fmt, ap);
    if (demoted) {
        msg = qc_arena_printf(v->a, "%s: not checked by QEMU, which passes the arguments of %s ('gen': false) to the command as they are",
                              msg, v->unchecked->name);
        code = "qmp-unchecked-arguments";
    }
    fn(v->ctx, v->path.data ? v->path.data : "", at, code, msg);
}

__attribute__((format(printf, 4, 5)))
static void problem(struct vs *v, const qc_value *at, const char *code,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(v, false, at, code, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 4, 5)))
static void note(struct vs *v, const qc_value *at, const char *code,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(v, true, at, code, fmt, ap);
    va_end(ap);
}

static size_t path_key(struct vs *v, const char *key)
{
    size_t mark = v->path.len;
    if (mark)
        qc_buf_putc(&v->path, '.');
    qc_buf_puts(&v->path, key);
    return mark;
}

static size_t path_index(struct vs *v, size_t i)
{
    size_t mark = v->path.len;
    qc_buf_printf(&v->path, "[%zu]", i);
    return mark;
}

static void path_restore(struct vs *v, size_t mark)
{
    v->path.len = mark;
    v->path.data[mark] = '\0';
}

/* Reports what the feature policy refuses of FEATURES, the features of
 * the KIND ("command", "member", "enum value") called NAME. */
static void policy(struct vs *v, const qc_value *at, unsigned features,
                   const char *kind, const char *name)
{
    static const struct {
        unsigned bit;
        const char *word, *code;
    } kinds[] = {
        { QC_VF_DEPRECATED, "deprecated", "qmp-deprecated" },
        { QC_VF_UNSTABLE, "unstable", "qmp-unstable" },
    };
    for (size_t i = 0; features && i < 2; i++) {
        if (!(features & kinds[i].bit))
            continue;
        bool allowed = i == 0 ? v->o->allow_deprecated : v->o->allow_unstable;
        const char *hint = i == 0 ? v->o->deprecated_hint : v->o->unstable_hint;
        if (!allowed)
            problem(v, at, kinds[i].code, "%s '%s' is %s%s%s%s", kind, name,
                    kinds[i].word, hint ? " (" : "", hint ? hint : "",
                    hint ? ")" : "");
    }
}

static void mismatch(struct vs *v, const qc_value *val, const char *expected)
{
    problem(v, val, "qmp-type-mismatch", "expected %s, got %s", expected,
            qc_value_type_name(val));
}

static void value(struct vs *v, const qc_vtype *t, const qc_value *val,
                  unsigned depth);

/* ---- scalars ----------------------------------------------------------- */

static void integer(struct vs *v, qc_int_width w, const qc_value *val)
{
    if (val->kind == QC_VNUMBER) {
        problem(v, val, "qmp-type-mismatch",
                "expected integer, got number %s (not an integer, or out of the 64-bit range)",
                qc_num_strdup(v->a, val));
        return;
    }
    if (!qc_is_integer(val)) {
        mismatch(v, val, "integer");
        return;
    }
    int64_t min;
    uint64_t max;
    qc_int_width_range(w, &min, &max);
    bool fits = val->kind == QC_VINT
        ? qc_num_i(val) >= min && (qc_num_i(val) < 0 || (uint64_t)qc_num_i(val) <= max)
        : qc_num_u(val) <= max;
    if (!fits) {
        problem(v, val, "qmp-int-range",
                "%s is out of the range of %s (%" PRId64 " to %" PRIu64 ")",
                qc_num_strdup(v->a, val), qc_int_width_name(w), min, max);
        return;
    }
    /* Every width takes 0 to 127; beyond that it depends on one that an
     * introspected schema does not record. */
    if (w == QC_WIDTH_UNKNOWN
        && !(val->kind == QC_VINT && qc_num_i(val) >= 0 && qc_num_i(val) <= 127))
        note(v, val, "qmp-width-unknown",
             "the width of '%s' is not recorded in query-qmp-schema: checked as int64/uint64 only",
             v->member ? v->member : "?");
}

static void enum_value(struct vs *v, const qc_vtype *t, const qc_value *val)
{
    if (val->kind != QC_VSTRING) {
        mismatch(v, val, "string (an enum value)");
        return;
    }
    long i = qc_vtype_enum_index(t, val->u.str.s);
    if (i >= 0) {
        policy(v, val, t->value_features[i], "enum value", val->u.str.s);
        return;
    }
    qc_buf b = QC_BUF_INIT;
    for (size_t k = 0; k < t->nvalues && k < 12; k++)
        qc_buf_printf(&b, "%s'%s'", k ? ", " : "", t->values[k]);
    if (t->nvalues > 12)
        qc_buf_puts(&b, ", ...");
    problem(v, val, "qmp-bad-enum-value", "'%s' is not a value of this enum (%s%s)",
            val->u.str.s, t->nvalues ? "one of " : "it has no values",
            b.data ? b.data : "");
    qc_buf_free(&b);
}

/* ---- objects ----------------------------------------------------------- */

/* Index of the first member KEY (of length LEN) of object VAL, or -1. */
static long find_key_len(const qc_value *val, const char *key, size_t len)
{
    for (size_t i = 0; i < qc_obj_len(val); i++) {
        const qc_member *m = &val->u.obj.members[i];
        if (m->key_len == len && !memcmp(m->key, key, len))
            return (long)i;
    }
    return -1;
}

static long find_key(const qc_value *val, const char *key)
{
    return find_key_len(val, key, strlen(key));
}

/* Is member I of object VAL the first with its key? */
static bool first_of_key(const qc_value *val, size_t i)
{
    const qc_member *m = &val->u.obj.members[i];
    return find_key_len(val, m->key, m->key_len) == (long)i;
}

/* Checks the members of object type T in VAL, then those of the variants
 * its tags choose, level by level, marking in USED the keys they name.
 * False when a tag could not choose (its own check said why): then the
 * remaining keys of VAL cannot be judged.  GEN_COMMAND: VAL holds the
 * arguments of this 'gen': false command, whose handler takes them
 * unchecked: it needs the mandatory ones (the handlers of all such
 * commands refuse a call without them, or with a non-string), the rest
 * it uses or ignores as it sees fit, so problems there are notes. */
static bool members(struct vs *v, const qc_vtype *t, const qc_value *val,
                    bool *used, unsigned depth, const qc_vcommand *gen_command)
{
    for (unsigned level = 0; t; level++) {
        if (t->kind != QC_VT_OBJECT || level > MAX_DEPTH) {
            problem(v, val, "qmp-schema-broken",
                    "a union branch type is not an object type");
            return false;
        }
        const char *saved = v->member;
        for (size_t i = 0; i < t->nmembers; i++) {
            const qc_vmember *m = &t->members[i];
            long k = find_key(val, m->name);
            if (k < 0 && m->optional)
                continue;
            size_t mark = path_key(v, m->name);
            v->member = m->name;
            const qc_value *at = k < 0 ? val : &val->u.obj.members[k].value;
            /* QEMU asks the policy before it looks for a mandatory member. */
            policy(v, at, m->features, "member", m->name);
            if (k < 0) {
                problem(v, val, "qmp-missing-member",
                        "missing required member '%s'", m->name);
            } else {
                used[k] = true;
                const qc_vcommand *saved_unchecked = v->unchecked;
                if (gen_command && m->optional)
                    v->unchecked = gen_command;
                value(v, m->type, at, depth + 1);
                v->unchecked = saved_unchecked;
            }
            path_restore(v, mark);
        }
        v->member = saved;
        if (t->tag < 0)
            return true;
        const qc_vmember *tm = &t->members[t->tag];
        long k = find_key(val, tm->name);
        const qc_value *tv = k < 0 ? NULL : &val->u.obj.members[k].value;
        if (!qc_is_string(tv) || (tm->type->kind == QC_VT_ENUM
                                  && qc_vtype_enum_index(tm->type, tv->u.str.s) < 0))
            return false;
        const qc_vvariant *var = qc_vtype_variant(t, tv->u.str.s);
        t = var ? var->type : NULL;     /* no variant: no more members */
    }
    return true;
}

/* Sets REPEAT[I] for each member I of object VAL whose key an earlier
 * member has (the others are left alone).  In time linear in the members
 * (a log may hold an object of a million): hashed when there are many. */
static void mark_repeats(const qc_value *val, bool *repeat)
{
    size_t n = qc_obj_len(val);
    if (n <= 16) {
        for (size_t i = 1; i < n; i++)
            if (!first_of_key(val, i))
                repeat[i] = true;
        return;
    }
    size_t cap = 64;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *slots = calloc(cap, sizeof *slots);   /* member + 1, 0: free */
    if (!slots)
        abort();
    for (size_t i = 0; i < n; i++) {
        const qc_member *m = qc_obj_at(val, i);
        uint32_t h = qc_hash_bytes(m->key, m->key_len);
        for (size_t s = h & (cap - 1);; s = (s + 1) & (cap - 1)) {
            if (!slots[s]) {
                slots[s] = (uint32_t)i + 1;
                break;
            }
            const qc_member *o = qc_obj_at(val, slots[s] - 1);
            if (o->key_len == m->key_len && !memcmp(o->key, m->key, m->key_len)) {
                repeat[i] = true;
                break;
            }
        }
    }
    free(slots);
}

/* The marks of mark_repeats for object VAL: on the stack for objects of
 * up to 16 members (most), allocated for larger ones (repeats_free). */
struct repeats {
    bool small[16];
    bool *of;
};

static const bool *repeats_of(struct repeats *r, const qc_value *val)
{
    size_t n = qc_obj_len(val);
    memset(r->small, 0, sizeof r->small);
    r->of = n <= 16 ? r->small : calloc(n, sizeof *r->of);
    if (!r->of)
        abort();
    mark_repeats(val, r->of);
    return r->of;
}

static void repeats_free(struct repeats *r)
{
    if (r->of != r->small)
        free(r->of);
}

/* Marks duplicate keys of VAL as used (reported by check_duplicates). */
static void mark_duplicates(const qc_value *val, bool *used)
{
    mark_repeats(val, used);
}

/* Reports the keys of VAL not in USED: as unexpected, or, for the
 * arguments of a command whose handler takes any (GEN_COMMAND), in one
 * note. */
static void unexpected_keys(struct vs *v, const qc_value *val, const bool *used,
                            const qc_vcommand *gen_command)
{
    qc_buf names = QC_BUF_INIT;
    size_t n = 0;
    for (size_t i = 0; i < qc_obj_len(val); i++) {
        const qc_member *m = &val->u.obj.members[i];
        if (used[i])
            continue;
        if (gen_command) {
            qc_buf_printf(&names, "%s'%s'", n++ ? ", " : "", m->key);
            continue;
        }
        size_t mark = path_key(v, m->key);
        problem(v, &m->value, "qmp-unknown-member", "unknown member '%s'", m->key);
        path_restore(v, mark);
    }
    if (!n)
        return;
    const char *why;
    switch (gen_command->gen) {
    case QC_GEN_FALSE:
        why = "the command is declared 'gen': false: QEMU passes them on unchecked";
        break;
    case QC_GEN_FALSE_ASSUMED:
        why = "QEMU declares the command 'gen': false, which query-qmp-schema does not record, and passes them on unchecked";
        break;
    default:
        why = "whether QEMU takes them depends on its version (5.0 to 5.2 do), which this schema does not record";
        break;
    }
    note(v, val, "qmp-unchecked-arguments", "%s %s not described by the schema of %s (%s): not checked",
         n == 1 ? "argument" : "arguments", names.data, gen_command->name, why);
    qc_buf_free(&names);
}

/* An object value of type T; GEN_COMMAND as for unexpected_keys. */
static void object_value(struct vs *v, const qc_vtype *t, const qc_value *val,
                         unsigned depth, const qc_vcommand *gen_command)
{
    if (val->kind != QC_VOBJECT) {
        mismatch(v, val, "object");
        return;
    }
    bool small[32];
    bool *used = qc_obj_len(val) <= 32 ? small
                                    : qc_arena_alloc(v->a, qc_obj_len(val) * sizeof *used);
    memset(used, 0, qc_obj_len(val) * sizeof *used);
    mark_duplicates(val, used);
    if (members(v, t, val, used, depth, gen_command))
        unexpected_keys(v, val, used, gen_command);
}

/* ---- alternates, arrays, any type ---------------------------------------- */

/* Does branch B take a value of VAL's JSON type (QEMU's QType)? */
static bool branch_takes(const qc_vtype *b, const qc_value *val)
{
    switch (val->kind) {
    case QC_VSTRING: return b->kind == QC_VT_STR || b->kind == QC_VT_ENUM;
    case QC_VINT:
    case QC_VUINT:
    case QC_VNUMBER: return b->kind == QC_VT_INT || b->kind == QC_VT_NUMBER;
    case QC_VBOOL: return b->kind == QC_VT_BOOL;
    case QC_VNULL: return b->kind == QC_VT_NULL;
    case QC_VOBJECT: return b->kind == QC_VT_OBJECT;
    case QC_VARRAY: return b->kind == QC_VT_ARRAY;
    }
    return false;
}

static const char *json_word(const qc_vtype *t)
{
    switch (t->kind) {
    case QC_VT_STR:
    case QC_VT_ENUM: return "string";
    case QC_VT_NUMBER: return "number";
    case QC_VT_INT: return "integer";
    case QC_VT_BOOL: return "boolean";
    case QC_VT_NULL: return "null";
    case QC_VT_ANY: return "any value";
    case QC_VT_OBJECT: return "object";
    case QC_VT_ARRAY: return "array";
    default: return "?";
    }
}

static void alternate_value(struct vs *v, const qc_vtype *t,
                            const qc_value *val, unsigned depth)
{
    const qc_vtype *pick = NULL;
    for (size_t i = 0; i < t->nbranches && !pick; i++)
        if (branch_takes(t->branches[i], val))
            pick = t->branches[i];
    for (size_t i = 0; i < t->nbranches && !pick; i++)
        if (t->branches[i]->kind == QC_VT_ANY)
            pick = t->branches[i];
    if (pick) {
        value(v, pick, val, depth + 1);
        return;
    }
    qc_buf b = QC_BUF_INIT;
    for (size_t i = 0; i < t->nbranches; i++)
        qc_buf_printf(&b, "%s%s", i ? ", " : "", json_word(t->branches[i]));
    problem(v, val, "qmp-type-mismatch", "expected one of %s, got %s",
            b.data ? b.data : "(nothing)", qc_value_type_name(val));
    qc_buf_free(&b);
}

static void array_value(struct vs *v, const qc_vtype *t, const qc_value *val,
                        unsigned depth)
{
    if (val->kind != QC_VARRAY) {
        mismatch(v, val, "array");
        return;
    }
    for (size_t i = 0; i < qc_arr_len(val); i++) {
        size_t mark = path_index(v, i);
        value(v, t->element, qc_arr_at(val, i), depth + 1);
        path_restore(v, mark);
    }
}

static void value(struct vs *v, const qc_vtype *t, const qc_value *val,
                  unsigned depth)
{
    if (depth > MAX_DEPTH) {
        problem(v, val, "qmp-too-deep", "nested too deeply (a loop in the schema?)");
        return;
    }
    switch (t->kind) {
    case QC_VT_STR:
        if (val->kind != QC_VSTRING)
            mismatch(v, val, "string");
        break;
    case QC_VT_NUMBER:
        if (!qc_is_number(val))
            mismatch(v, val, "number");
        break;
    case QC_VT_INT: integer(v, t->width, val); break;
    case QC_VT_BOOL:
        if (val->kind != QC_VBOOL)
            mismatch(v, val, "boolean");
        break;
    case QC_VT_NULL:
        if (val->kind != QC_VNULL)
            mismatch(v, val, "null");
        break;
    case QC_VT_ANY: break;
    case QC_VT_ENUM: enum_value(v, t, val); break;
    case QC_VT_OBJECT: object_value(v, t, val, depth, NULL); break;
    case QC_VT_ALTERNATE: alternate_value(v, t, val, depth); break;
    case QC_VT_ARRAY: array_value(v, t, val, depth); break;
    case QC_VT_BROKEN:
        problem(v, val, "qmp-schema-broken", "type '%s' is not in the schema",
                t->name ? t->name : "?");
        break;
    }
}

/* ---- the command object ---------------------------------------------------- */

/* Is a key given twice in some object of VAL?  (Without building paths:
 * most commands have none.) */
static bool has_duplicates(const qc_value *val)
{
    if (qc_is_array(val)) {
        for (size_t i = 0; i < qc_arr_len(val); i++)
            if (has_duplicates(qc_arr_at(val, i)))
                return true;
    } else if (qc_is_object(val)) {
        struct repeats r;
        const bool *repeat = repeats_of(&r, val);
        bool found = false;
        for (size_t i = 0; i < qc_obj_len(val) && !found; i++)
            found = repeat[i] || has_duplicates(&val->u.obj.members[i].value);
        repeats_free(&r);
        return found;
    }
    return false;
}

/* QEMU's JSON parser refuses a message with a key twice in an object. */
static void check_duplicates(struct vs *v, const qc_value *val)
{
    if (qc_is_array(val)) {
        for (size_t i = 0; i < qc_arr_len(val); i++) {
            size_t mark = path_index(v, i);
            check_duplicates(v, qc_arr_at(val, i));
            path_restore(v, mark);
        }
        return;
    }
    if (!qc_is_object(val))
        return;
    struct repeats r;
    const bool *repeat = repeats_of(&r, val);
    for (size_t i = 0; i < qc_obj_len(val); i++) {
        const qc_member *m = &val->u.obj.members[i];
        size_t mark = path_key(v, m->key);
        if (repeat[i])
            problem(v, &m->value, "qmp-duplicate-member", "member '%s' appears twice",
                    m->key);
        else
            check_duplicates(v, &m->value);
        path_restore(v, mark);
    }
    repeats_free(&r);
}

/* Sorts the key indices ORDER[0..N) of object CMD into QEMU's QDict order:
 * by hash bucket, the later key of a bucket first (QEMU inserts at the
 * head of the bucket's list).  Objects here have a handful of keys. */
static void qdict_order(const qc_value *cmd, size_t *order, unsigned *bucket,
                        size_t n)
{
    if (n > 32) {
        /* Counted into the 512 buckets (a hostile message may have a
         * million keys), the later key of a bucket first, as below. */
        size_t *start = calloc(513, sizeof *start);
        if (!start)
            abort();
        for (size_t i = 0; i < n; i++) {
            bucket[i] = qc_qdict_bucket(cmd->u.obj.members[i].key);
            start[bucket[i] + 1]++;
        }
        for (unsigned b = 0; b < 512; b++)
            start[b + 1] += start[b];
        unsigned *of = malloc(n * sizeof *of);
        if (!of)
            abort();
        memcpy(of, bucket, n * sizeof *of);
        for (size_t i = n; i-- > 0;) {
            size_t at = start[of[i]]++;
            order[at] = i;
            bucket[at] = of[i];
        }
        free(of);
        free(start);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned h = qc_qdict_bucket(cmd->u.obj.members[i].key);
        size_t j = i;
        while (j > 0 && bucket[j - 1] >= h) {
            order[j] = order[j - 1];
            bucket[j] = bucket[j - 1];
            j--;
        }
        order[j] = i;
        bucket[j] = h;
    }
}

typedef struct envelope {
    const qc_value *name;   /* the string value of execute or exec-oob */
    bool oob;
    const qc_value *args;   /* the arguments object, or NULL */
    bool fatal;             /* no command to look up */
    bool bad_args;          /* arguments is not an object */
} envelope;

/* The dispatcher's check of the command object's keys. */
static void check_envelope(struct vs *v, const qc_value *cmd, envelope *env)
{
    size_t n = qc_obj_len(cmd), small[16];
    unsigned small_buckets[16];
    size_t *order = n <= 16 ? small : qc_arena_alloc(v->a, n * sizeof *order);
    unsigned *buckets = n <= 16 ? small_buckets
                                : qc_arena_alloc(v->a, n * sizeof *buckets);
    qdict_order(cmd, order, buckets, n);
    struct repeats r;
    const bool *repeat = repeats_of(&r, cmd);
    const char *exec_key = NULL;
    for (size_t i = 0; i < n; i++) {
        const qc_member *m = &cmd->u.obj.members[order[i]];
        if (repeat[order[i]])
            continue;       /* a duplicate, reported already */
        size_t mark = path_key(v, m->key);
        if (!strcmp(m->key, "execute")
            || (!strcmp(m->key, "exec-oob") && !v->o->no_oob)) {
            if (m->value.kind != QC_VSTRING) {
                problem(v, &m->value, "qmp-bad-command", "'%s' must be a string, got %s",
                        m->key, qc_value_type_name(&m->value));
                env->fatal = true;
            } else if (exec_key) {
                problem(v, &m->value, "qmp-bad-command",
                        "'%s' and '%s' cannot both be given", m->key, exec_key);
                env->fatal = true;
            } else {
                env->name = &m->value;
                env->oob = m->key[4] == '-';
            }
            exec_key = m->key;
        } else if (!strcmp(m->key, "arguments")) {
            if (m->value.kind != QC_VOBJECT) {
                problem(v, &m->value, "qmp-bad-command",
                        "'arguments' must be an object, got %s",
                        qc_value_type_name(&m->value));
                env->bad_args = true;
            } else {
                env->args = &m->value;
            }
        } else if (!strcmp(m->key, "exec-oob")) {
            problem(v, &m->value, "qmp-bad-command",
                    "unexpected key 'exec-oob': the connection did not enable the 'oob' capability");
            env->fatal = true;  /* no need to say it lacks 'execute' */
        } else if (strcmp(m->key, "id")) {
            problem(v, &m->value, "qmp-bad-command",
                    "unexpected key '%s' in a command (it takes execute or exec-oob, arguments and id)",
                    m->key);
        }
        path_restore(v, mark);
    }
    repeats_free(&r);
    if (!exec_key && !env->fatal) {
        path_key(v, "execute");
        problem(v, cmd, "qmp-bad-command", "the command has no 'execute'");
        path_restore(v, 0);
    }
    if (!exec_key)
        env->fatal = true;
}

static void check_arguments(struct vs *v, const qc_vcommand *c,
                            const qc_value *cmd, const qc_value *args)
{
    qc_value empty;
    if (!args) {
        memset(&empty, 0, sizeof empty);
        empty.kind = QC_VOBJECT;
        qc_value_set_loc(&empty, qc_value_loc(cmd));
        args = &empty;
    }
    path_key(v, "arguments");
    const qc_vcommand *gen = c->gen != QC_GEN_NORMAL ? c : NULL;
    if (c->args) {
        object_value(v, c->args, args, 0, gen);
        return;
    }
    bool small[32];
    bool *used = qc_obj_len(args) <= 32 ? small
                                     : qc_arena_alloc(v->a, qc_obj_len(args) * sizeof *used);
    memset(used, 0, qc_obj_len(args) * sizeof *used);
    mark_duplicates(args, used);
    unexpected_keys(v, args, used, gen);
}

static void start(struct vs *v, const char *path)
{
    qc_buf_reserve(&v->path, 64);
    v->path.len = 0;
    v->path.data[0] = '\0';
    if (path)
        qc_buf_puts(&v->path, path);
}

size_t qc_validate_value(qc_arena *a, const qc_vschema *s, const char *type,
                         const qc_value *val, const char *path,
                         const qc_validate_opts *o, qc_validate_fn fn,
                         void *ctx)
{
    struct vs v = { .a = a, .s = s, .o = o, .fn = fn, .ctx = ctx, .path = QC_BUF_INIT };
    start(&v, path);
    const qc_vtype *t = qc_vschema_type(s, type);
    if (t)
        value(&v, t, val, 0);
    else
        problem(&v, val, "qmp-schema-broken", "type '%s' is not in the schema", type);
    qc_buf_free(&v.path);
    return v.problems;
}

size_t qc_validate_command(qc_arena *a, const qc_vschema *s,
                           const qc_value *cmd, const qc_validate_opts *o,
                           qc_validate_fn fn, void *ctx)
{
    struct vs v = { .a = a, .s = s, .o = o, .fn = fn, .ctx = ctx, .path = QC_BUF_INIT };
    start(&v, NULL);

    if (!qc_is_object(cmd)) {
        problem(&v, cmd, "qmp-bad-command", "a command must be a JSON object, got %s",
                qc_value_type_name(cmd));
        goto out;
    }
    if (has_duplicates(cmd))
        check_duplicates(&v, cmd);
    envelope env = { 0 };
    check_envelope(&v, cmd, &env);
    if (env.fatal)
        goto out;
    const char *key = env.oob ? "exec-oob" : "execute";
    const char *name = env.name->u.str.s;
    const qc_vcommand *c = qc_vschema_command(s, name);
    size_t mark = path_key(&v, key);
    if (!c) {
        problem(&v, env.name, "qmp-unknown-command",
                "unknown command '%s': the schema has no such command", name);
        goto out;
    }
    policy(&v, env.name, c->features, "command", name);
    if (env.oob && !c->allow_oob)
        problem(&v, env.name, "qmp-no-oob",
                "command '%s' cannot run out of band (it has no 'allow-oob'): send it with 'execute'",
                name);
    path_restore(&v, mark);
    if (!env.bad_args)
        check_arguments(&v, c, cmd, env.args);
out:
    qc_buf_free(&v.path);
    return v.problems;
}
