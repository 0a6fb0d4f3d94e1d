/* Generated QMP calls; see callgen.h.
 *
 * A valid call is built as a value tree, every member and element
 * recorded as a site on the way.  A mutant changes one site in place,
 * is written out, and the change is undone: no tree is ever copied. */
#include "callgen.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syntax/json.h"
#include "syntax/value.h"

#define MAX_DEPTH 7         /* deeper, only what is mandatory */

typedef struct site {
    qc_value *parent;       /* the object or array holding it */
    size_t index;           /* its member or element index */
    const qc_vtype *type;
    const qc_vtype *owner;  /* object sites: the type listing the member */
    const qc_vmember *member;   /* NULL for array elements */
    bool is_tag;
} site;

struct qc_callgen {
    qc_arena *a;
    const qc_vschema *s;
    qc_callgen_opts o;
    uint64_t rng;
    unsigned strings;
    qc_ptrvec commands;     /* const qc_vcommand * */
    size_t next_command;
    /* The current valid call. */
    const qc_vcommand *cmd;
    qc_value *args;         /* an object (maybe empty) */
    qc_ptrvec sites;        /* site * */
    qc_ptrvec objects;      /* object sites and args: qc_value *, with */
    qc_ptrvec object_types; /* their types (const qc_vtype *, NULL: args
                               of a command without arguments) */
    unsigned mutants_left;
};

/* ---- randomness -------------------------------------------------------- */

static uint64_t next_random(qc_callgen *g)
{
    /* splitmix64 */
    uint64_t z = (g->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t pick(qc_callgen *g, size_t n)
{
    return n ? (size_t)(next_random(g) % n) : 0;
}

bool qc_callgen_denied(const char *const *deny, const char *name)
{
    for (size_t i = 0; deny && deny[i]; i++)
        if (fnmatch(deny[i], name, 0) == 0)
            return true;
    return false;
}

static bool denied2(const qc_callgen *g, const char *type, char sep,
                    const char *name)
{
    if (!g->o.deny || !type)
        return false;
    char key[256];
    snprintf(key, sizeof key, "%s%c%s", type, sep, name);
    return qc_callgen_denied(g->o.deny, key);
}

static bool special_ok(const qc_callgen *g, unsigned features)
{
    return (!(features & QC_VF_DEPRECATED) || g->o.use_deprecated)
        && (!(features & QC_VF_UNSTABLE) || g->o.use_unstable);
}

/* ---- values ------------------------------------------------------------ */

static qc_value *new_number(qc_callgen *g, const char *text)
{
    qc_value *v = qc_value_new(g->a, QC_VNUMBER);
    qc_value_set_number(v, qc_arena_strdup(g->a, text), strlen(text),
                        strspn(text, "-0123456789") == strlen(text));
    return v;
}

static qc_value *new_int(qc_callgen *g, int64_t i)
{
    char t[32];
    snprintf(t, sizeof t, "%" PRId64, i);
    return new_number(g, t);
}

static qc_value *new_uint(qc_callgen *g, uint64_t u)
{
    char t[32];
    snprintf(t, sizeof t, "%" PRIu64, u);
    return new_number(g, t);
}

/* Objects and arrays are made with room for this many entries, and their
 * entries never move: a value copied into its parent shares them with
 * the one the sites point to, so the mutants change both. */
#define ROOM 512

static qc_value *new_object(qc_callgen *g)
{
    qc_value *v = qc_value_new(g->a, QC_VOBJECT);
    qc_value_begin_members(g->a, v, ROOM);
    return v;
}

static qc_value *new_array(qc_callgen *g)
{
    qc_value *v = qc_value_new(g->a, QC_VARRAY);
    qc_value_set_items(g->a, v, NULL, 0);
    v->u.arr.items = (qc_value *)((size_t *)qc_arena_alloc(
        g->a, sizeof(size_t) + ROOM * sizeof(qc_value)) + 1);
    return v;
}

/* Sets the count of entries of V (an object or array made here). */
static void set_len(qc_value *v, size_t n)
{
    void *entries = v->kind == QC_VOBJECT ? (void *)v->u.obj.members
                                          : (void *)v->u.arr.items;
    ((size_t *)entries)[-1] = n;
}

/* Appends a copy of VAL as a member. */
static size_t obj_add(qc_callgen *g, qc_value *obj, const char *key, qc_value *val)
{
    (void)g;
    size_t n = qc_obj_len(obj);
    if (n >= ROOM)
        abort();                /* no schema type has that many members */
    qc_member *m = qc_value_push_member(obj);
    m->key = key;
    m->key_len = strlen(key);
    m->key_off = 0;
    m->value = *val;
    return n;
}

static void add_site(qc_callgen *g, qc_value *parent, size_t index,
                     const qc_vtype *type, const qc_vtype *owner,
                     const qc_vmember *m, bool is_tag)
{
    site *s = qc_arena_alloc(g->a, sizeof *s);
    *s = (site){ parent, index, type, owner, m, is_tag };
    qc_ptrvec_push(g->a, &g->sites, s);
}

static qc_value *gen_value(qc_callgen *g, const qc_vtype *t, unsigned depth);

/* An allowed enum value (not denied as OWNER:VALUE when OWNER is a
 * union), or NULL. */
static const char *gen_enum_value(qc_callgen *g, const qc_vtype *t,
                                  const qc_vtype *owner)
{
    if (!t->nvalues)
        return NULL;
    size_t start = pick(g, t->nvalues);
    for (size_t k = 0; k < t->nvalues; k++) {
        size_t i = (start + k) % t->nvalues;
        if (!special_ok(g, t->value_features[i]))
            continue;
        if (owner && denied2(g, owner->name, ':', t->values[i]))
            continue;
        return t->values[i];
    }
    return NULL;
}

/* Fills OBJ with the members of T and of the variants its tags choose. */
static bool fill_members(qc_callgen *g, const qc_vtype *t, qc_value *obj,
                         unsigned depth)
{
    for (unsigned level = 0; t && level < 16; level++) {
        if (t->kind != QC_VT_OBJECT)
            return false;
        qc_ptrvec_push(g->a, &g->objects, obj);
        qc_ptrvec_push(g->a, &g->object_types, (void *)t);
        const char *tag_value = NULL;
        for (size_t i = 0; i < t->nmembers; i++) {
            const qc_vmember *m = &t->members[i];
            bool is_tag = (long)i == t->tag;
            if (m->optional && (denied2(g, t->name, '.', m->name)
                                || !special_ok(g, m->features)
                                || depth >= MAX_DEPTH || pick(g, 2)))
                continue;
            qc_value *v;
            if (is_tag) {
                if (m->type->kind != QC_VT_ENUM
                    || !(tag_value = gen_enum_value(g, m->type, t)))
                    return false;
                v = qc_value_new_string(g->a, tag_value);
            } else if (!(v = gen_value(g, m->type, depth + 1))) {
                if (m->optional)
                    continue;
                return false;
            }
            size_t k = obj_add(g, obj, m->name, v);
            add_site(g, obj, k, m->type, t, m, is_tag);
        }
        if (t->tag < 0)
            return true;
        const qc_vvariant *var = qc_vtype_variant(t, tag_value);
        t = var ? var->type : NULL;
    }
    return t == NULL;
}

static qc_value *gen_scalar_int(qc_callgen *g, qc_int_width w)
{
    int64_t min;
    uint64_t max;
    qc_int_width_range(w, &min, &max);
    switch (pick(g, 8)) {
    case 0:
        return w == QC_WIDTH_UINT64 || w == QC_WIDTH_SIZE ? new_uint(g, max)
             : max <= INT64_MAX ? new_int(g, (int64_t)max) : new_uint(g, max);
    case 1:
        return min < 0 ? new_int(g, min) : new_int(g, 0);
    default:
        return new_int(g, (int64_t)pick(g, 100));
    }
}

static qc_value *gen_any(qc_callgen *g)
{
    switch (pick(g, 4)) {
    case 0: return qc_value_new_string(g->a, qc_arena_printf(g->a, "s%u", ++g->strings));
    case 1: return new_int(g, 1);
    case 2: return new_object(g);
    default: return new_array(g);
    }
}

static qc_value *gen_alternate(qc_callgen *g, const qc_vtype *t, unsigned depth)
{
    size_t start = pick(g, t->nbranches);
    /* Deep down, scalar branches first: recursion ends there. */
    for (int pass = depth >= MAX_DEPTH ? 0 : 1; pass < 2; pass++)
        for (size_t k = 0; k < t->nbranches; k++) {
            const qc_vtype *b = t->branches[(start + k) % t->nbranches];
            if (pass == 0 && (b->kind == QC_VT_OBJECT || b->kind == QC_VT_ARRAY))
                continue;
            qc_value *v = gen_value(g, b, depth + 1);
            if (v)
                return v;
        }
    return NULL;
}

static qc_value *gen_value(qc_callgen *g, const qc_vtype *t, unsigned depth)
{
    if (depth > 3 * MAX_DEPTH)
        return NULL;
    switch (t->kind) {
    case QC_VT_STR:
        return qc_value_new_string(g->a, qc_arena_printf(g->a, "s%u", ++g->strings));
    case QC_VT_NUMBER:
        return new_number(g, pick(g, 2) ? "0.5" : "2");
    case QC_VT_INT:
        return gen_scalar_int(g, t->width);
    case QC_VT_BOOL: {
        qc_value *v = qc_value_new(g->a, QC_VBOOL);
        v->u.b = pick(g, 2);
        return v;
    }
    case QC_VT_NULL:
        return qc_value_new(g->a, QC_VNULL);
    case QC_VT_ANY:
        return gen_any(g);
    case QC_VT_ENUM: {
        const char *s = gen_enum_value(g, t, NULL);
        return s ? qc_value_new_string(g->a, s) : NULL;
    }
    case QC_VT_OBJECT: {
        qc_value *obj = new_object(g);
        return fill_members(g, t, obj, depth) ? obj : NULL;
    }
    case QC_VT_ALTERNATE:
        return gen_alternate(g, t, depth);
    case QC_VT_ARRAY: {
        qc_value *arr = new_array(g);
        size_t n = depth >= MAX_DEPTH ? 0 : pick(g, 3);
        for (size_t i = 0; i < n; i++) {
            qc_value *e = gen_value(g, t->element, depth + 1);
            if (!e)
                break;
            size_t k = qc_arr_len(arr);
            *qc_arr_at(arr, k) = *e;
            set_len(arr, k + 1);
            add_site(g, arr, k, t->element, NULL, NULL, false);
        }
        return arr;
    }
    default:
        return NULL;
    }
}

/* ---- writing ----------------------------------------------------------- */

static void write_call(qc_callgen *g, qc_buf *out, const char *exec_key,
                       const char *name, const char *extra)
{
    qc_buf_printf(out, "{\"%s\": ", exec_key);
    qc_json_write_string(out, name, strlen(name));
    if (qc_obj_len(g->args)) {
        qc_buf_puts(out, ", \"arguments\": ");
        qc_json_write(out, g->args, 0, 0);
    }
    if (extra)
        qc_buf_puts(out, extra);
    qc_buf_putc(out, '}');
}

/* ---- mutants ----------------------------------------------------------- */

static qc_value *slot(const site *s)
{
    return s->parent->kind == QC_VOBJECT ? &s->parent->u.obj.members[s->index].value
                                         : qc_arr_at(s->parent, s->index);
}

static const char *site_name(const site *s)
{
    return s->member ? s->member->name : "[]";
}

/* A value of another JSON type than CUR's. */
static qc_value *other_kind(qc_callgen *g, const qc_value *cur)
{
    for (;;) {
        size_t k = pick(g, 7);
        qc_vkind kinds[] = { QC_VSTRING, QC_VINT, QC_VNUMBER, QC_VBOOL, QC_VNULL,
                             QC_VOBJECT, QC_VARRAY };
        if (kinds[k] == cur->kind || (k == 1 && cur->kind == QC_VUINT))
            continue;
        switch (k) {
        case 0: return qc_value_new_string(g->a, "s");
        case 1: return new_int(g, 1);
        case 2: return new_number(g, "1.5");
        case 3: return qc_value_new(g->a, QC_VBOOL);
        case 4: return qc_value_new(g->a, QC_VNULL);
        case 5: return new_object(g);
        default: return new_array(g);
        }
    }
}

/* An integer near the edge of width W's range, inside or out. */
static qc_value *edge_int(qc_callgen *g, qc_int_width w, const char **what)
{
    int64_t min;
    uint64_t max;
    qc_int_width_range(w, &min, &max);
    switch (pick(g, 7)) {
    case 0:
        *what = "max+1";
        return max == UINT64_MAX ? new_number(g, "18446744073709551616")
             : new_uint(g, max + 1);
    case 1:
        *what = "min-1";
        return min == INT64_MIN ? new_number(g, "-9223372036854775809")
             : new_int(g, min - 1);
    case 2: *what = "-1"; return new_int(g, -1);
    case 3: *what = "2^63"; return new_uint(g, (uint64_t)INT64_MAX + 1);
    case 4: *what = "max"; return new_uint(g, max);
    case 5: *what = "min"; return new_int(g, min);
    default: *what = "int64 min"; return new_int(g, INT64_MIN);
    }
}

/* Sites of the current call that satisfy OK, into OUT. */
static size_t sites_where(qc_callgen *g, bool (*ok)(const site *), site **out,
                          size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < g->sites.n && n < max; i++)
        if (ok(g->sites.items[i]))
            out[n++] = g->sites.items[i];
    return n;
}

static bool is_site(const site *s) { return s != NULL; }
static bool is_member(const site *s) { return s->member != NULL; }
static bool is_int(const site *s) { return s->type->kind == QC_VT_INT; }
static bool is_enum(const site *s) { return s->type->kind == QC_VT_ENUM && !s->is_tag; }
static bool is_tag(const site *s) { return s->is_tag; }
static bool is_optional(const site *s) { return s->member && s->member->optional; }

/* Writes a mutant with one change to a site; false if there is no site
 * for the change. */
static bool site_mutant(qc_callgen *g, unsigned kind, qc_buf *out, const char **what)
{
    static bool (*const which[])(const site *) = {
        is_member, is_member, is_site, is_site, is_int, is_enum, is_tag, is_optional,
    };
    site *pool[512];
    size_t n = sites_where(g, which[kind], pool, 512);
    if (!n)
        return false;
    site *s = pool[pick(g, n)];
    qc_value *sl = slot(s);
    qc_value saved = *sl;
    qc_member *m = s->parent->kind == QC_VOBJECT ? &s->parent->u.obj.members[s->index] : NULL;
    const char *name = site_name(s);
    switch (kind) {
    case 0: {       /* drop */
        qc_member keep = *m;
        memmove(m, m + 1, (qc_obj_len(s->parent) - s->index - 1) * sizeof *m);
        set_len(s->parent, qc_obj_len(s->parent) - 1);
        write_call(g, out, "execute", g->cmd->name, NULL);
        memmove(m + 1, m, (qc_obj_len(s->parent) - s->index) * sizeof *m);
        *m = keep;
        set_len(s->parent, qc_obj_len(s->parent) + 1);
        *what = qc_arena_printf(g->a, "drop %s%s", name,
                                s->member->optional ? " (optional)" : "");
        return true;
    }
    case 1: {       /* rename */
        const char *key = m->key;
        size_t len = m->key_len;
        m->key = qc_arena_printf(g->a, "%s_", key);
        m->key_len = len + 1;   /* the writer writes KEY_LEN bytes */
        write_call(g, out, "execute", g->cmd->name, NULL);
        m->key = key;
        m->key_len = len;
        *what = qc_arena_printf(g->a, "rename %s", name);
        return true;
    }
    case 2:
    case 3:         /* wrong JSON type */
        *sl = *other_kind(g, &saved);
        *what = qc_arena_printf(g->a, "type of %s", name);
        break;
    case 4: {
        const char *edge;
        *sl = *edge_int(g, s->type->width, &edge);
        *what = qc_arena_printf(g->a, "%s %s of %s", qc_int_width_name(s->type->width),
                                edge, name);
        break;
    }
    case 5:
        *sl = *qc_value_new_string(g->a, "no-such-value");
        *what = qc_arena_printf(g->a, "enum value of %s", name);
        break;
    case 6: {       /* another branch: the members stay the old branch's */
        const qc_vtype *e = s->type;
        if (e->nvalues < 2)
            return false;
        const char *cur = saved.u.str.s, *other = cur;
        for (int tries = 0; tries < 8 && !strcmp(other, cur); tries++)
            other = e->values[pick(g, e->nvalues)];
        if (!strcmp(other, cur) || denied2(g, s->owner->name, ':', other))
            return false;
        *sl = *qc_value_new_string(g->a, other);
        *what = qc_arena_printf(g->a, "branch %s -> %s", cur, other);
        break;
    }
    default:
        *sl = *qc_value_new(g->a, QC_VNULL);
        *what = qc_arena_printf(g->a, "null for %s", name);
        break;
    }
    write_call(g, out, "execute", g->cmd->name, NULL);
    *sl = saved;
    return true;
}

/* Adds a member to an object of the call: unknown, or a deprecated or
 * unstable optional one the valid call left out. */
static bool add_mutant(qc_callgen *g, bool special, qc_buf *out, const char **what)
{
    size_t i = pick(g, g->objects.n);
    qc_value *obj = g->objects.items[i];
    const qc_vtype *t = g->object_types.items[i];
    const char *key = "x-unknown";
    qc_value *val = new_int(g, 1);
    if (special) {
        const qc_vmember *m = NULL;
        for (size_t k = 0; t && k < t->nmembers && !m; k++)
            if (t->members[k].optional && t->members[k].features
                && !qc_obj_get(obj, t->members[k].name)
                && !denied2(g, t->name, '.', t->members[k].name))
                m = &t->members[k];
        if (!m || !(val = gen_value(g, m->type, MAX_DEPTH)))
            return false;
        key = m->name;
    }
    size_t n = qc_obj_len(obj);
    obj_add(g, obj, key, val);
    write_call(g, out, "execute", g->cmd->name, NULL);
    set_len(obj, n);
    *what = qc_arena_printf(g->a, "add %s", key);
    return true;
}

/* A change to the command object itself. */
static void envelope_mutant(qc_callgen *g, qc_buf *out, const char **what)
{
    const char *name = g->cmd->name;
    switch (pick(g, 8)) {
    case 0:
        qc_buf_printf(out, "{\"execute\": \"%s\", \"arguments\": [1]}", name);
        *what = "arguments not an object";
        return;
    case 1:
        write_call(g, out, "execute", name, ", \"extra\": 1");
        *what = "extra key";
        return;
    case 2:
        qc_buf_puts(out, "{\"execute\": 5}");
        *what = "execute not a string";
        return;
    case 3:
        qc_buf_puts(out, "{\"arguments\": {}}");
        *what = "no execute";
        return;
    case 4:
        write_call(g, out, "exec-oob", name, NULL);
        *what = "exec-oob";
        return;
    case 5:
        write_call(g, out, "execute", name,
                   qc_arena_printf(g->a, ", \"exec-oob\": \"%s\"", name));
        *what = "execute and exec-oob";
        return;
    case 6:
        write_call(g, out, "execute", "no-such-command", NULL);
        *what = "unknown command";
        return;
    default:
        /* No arguments at all: missing members, if it has any. */
        qc_buf_printf(out, "{\"execute\": \"%s\"}", name);
        *what = "no arguments";
        return;
    }
}

static void mutant(qc_callgen *g, qc_buf *out, const char **what)
{
    for (int tries = 0; tries < 16; tries++) {
        unsigned k = (unsigned)pick(g, 14);
        out->len = 0;
        if (k <= 7 && site_mutant(g, k, out, what))
            return;
        if ((k == 8 || k == 9) && add_mutant(g, false, out, what))
            return;
        if (k == 10 && add_mutant(g, true, out, what))
            return;
        if (k >= 11 && pick(g, 3) == 0) {
            envelope_mutant(g, out, what);
            return;
        }
    }
    out->len = 0;
    add_mutant(g, false, out, what);
}

/* ---- driver ------------------------------------------------------------ */

qc_callgen *qc_callgen_new(qc_arena *a, const qc_vschema *s,
                           const qc_callgen_opts *o)
{
    qc_callgen *g = qc_arena_alloc(a, sizeof *g);
    g->a = a;
    g->s = s;
    g->o = *o;
    if (!g->o.mutants)
        g->o.mutants = 24;
    g->rng = o->seed;
    for (size_t i = 0; i < qc_vschema_ncommands(s); i++) {
        const qc_vcommand *c = qc_vschema_command_at(s, i);
        if (!qc_callgen_denied(o->deny, c->name))
            qc_ptrvec_push(a, &g->commands, (void *)c);
    }
    return g;
}

size_t qc_callgen_ncommands(const qc_callgen *g)
{
    return g->commands.n;
}

/* Builds the valid call of the next command that has one. */
static void new_call(qc_callgen *g)
{
    for (size_t tries = 0; tries < 4 * g->commands.n + 4; tries++) {
        g->cmd = g->commands.items[g->next_command++ % g->commands.n];
        g->sites.n = g->objects.n = g->object_types.n = 0;
        g->args = new_object(g);
        if (!g->cmd->args) {
            qc_ptrvec_push(g->a, &g->objects, g->args);
            qc_ptrvec_push(g->a, &g->object_types, NULL);
            return;
        }
        if (fill_members(g, g->cmd->args, g->args, 0))
            return;
    }
}

void qc_callgen_next(qc_callgen *g, qc_buf *out, const char **what)
{
    const char *w = "valid";
    qc_buf_reserve(out, 256);
    out->len = 0;
    if (!g->commands.n) {
        qc_buf_puts(out, "{\"execute\": \"no-such-command\"}");
    } else if (!g->mutants_left) {
        new_call(g);
        g->mutants_left = g->o.mutants;
        write_call(g, out, "execute", g->cmd->name, NULL);
    } else {
        g->mutants_left--;
        mutant(g, out, &w);
    }
    out->data[out->len] = '\0';
    if (what)
        *what = w;
}

size_t qc_callgen_read_symbols(qc_arena *a, const char *path, const char ***out)
{
    FILE *f = fopen(path, "r");
    qc_ptrvec v = { 0 };
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, " \t\r\n#")] = '\0';
        if (line[0])
            qc_ptrvec_push(a, &v, qc_arena_strdup(a, line));
    }
    if (f)
        fclose(f);
    *out = (const char **)v.items;
    return v.n;
}
