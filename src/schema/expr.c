/* Expression checks (QEMU's expr.py), see expr.h.  The value tree is not
 * normalised in place: the schema builder reads the short forms itself. */
#include "schema/expr.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "schema/naming.h"

typedef struct ctx {
    qc_arena *a;
    qc_diag *d;
    const qc_options *o;
    const qc_pragma *pragma;
    qc_loc loc;
    const char *meta;   /* set once the name is known (QEMU's set_defn) */
    const char *name;
} ctx;

/* What a check is about, as its messages name it: PRE, or "PRE member
 * 'NAME'" when NAME is set.  The checks run on every member, so the text
 * is made only for a message (cut to 319 bytes, as it always was). */
typedef struct what {
    const char *pre, *name;
} what;

#define WHAT(s) ((what){ (s), NULL })

static what member_of(const char *pre, const char *name)
{
    return (what){ pre, name };
}

static const char *what_text(ctx *c, what w)
{
    char buf[320];
    snprintf(buf, sizeof buf, w.name ? "%s member '%s'" : "%s", w.pre,
             w.name);
    return qc_arena_strdup(c->a, buf);
}

static bool fail(ctx *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(ctx *c, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qc_diagnostic *dg = qc_diag_vreport(c->d, QC_SEV_ERROR, c->loc, code,
                                        fmt, ap);
    va_end(ap);
    if (c->name)
        qc_diag_in_definition(dg, c->meta, c->name);
    return false;
}

/* ---- names ------------------------------------------------------------- */

/* The stem of NAME; *CLASSES gets its characters' (naming.h). */
static const char *check_name_str(ctx *c, const char *name, what source,
                                  unsigned *classes)
{
    const char *stem = qc_name_stem_classes(name, classes);
    if (!stem)
        fail(c, "qapi-invalid-name", "%s has an invalid name", what_text(c, source));
    return stem;
}

static bool check_name_upper(ctx *c, const char *name, what source)
{
    unsigned cl;
    if (!check_name_str(c, name, source, &cl))
        return false;
    if (cl & (QC_NAME_LOWER | QC_NAME_DASH))
        return fail(c, "qapi-name-case",
                    "%s name must be upper case, without '-'", what_text(c, source));
    return true;
}

static bool check_name_lower(ctx *c, const char *name, what source,
                             bool permit_upper, bool permit_underscore)
{
    unsigned cl;
    if (!check_name_str(c, name, source, &cl))
        return false;
    if ((!permit_upper && (cl & QC_NAME_UPPER))
        || (!permit_underscore && (cl & QC_NAME_UNDERSCORE)))
        return fail(c, "qapi-name-case",
                    "%s name must be lower case, without '_'", what_text(c, source));
    return true;
}

static bool check_name_camel(ctx *c, const char *name, what source)
{
    unsigned cl;
    const char *stem = check_name_str(c, name, source, &cl);
    if (!stem)
        return false;
    /* An upper-case letter, then letters and digits, one of them lower
     * case (the first letter being upper case, it is one of the rest). */
    if (!(stem[0] >= 'A' && stem[0] <= 'Z')
        || (cl & (QC_NAME_DASH | QC_NAME_UNDERSCORE)) || !(cl & QC_NAME_LOWER))
        return fail(c, "qapi-name-case", "%s name must be CamelCase", what_text(c, source));
    return true;
}

/* ---- keys -------------------------------------------------------------- */

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void quote_list(qc_buf *b, const char **v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_str);
    for (size_t i = 0; i < n; i++)
        qc_buf_printf(b, "%s'%s'", i ? ", " : "", v[i]);
}

static bool in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if ((*list)[0] == s[0] && strcmp(*list, s) == 0)
            return true;
    return false;
}

/* REQUIRED and OPTIONAL are NULL-terminated. */
static bool check_keys(ctx *c, const qc_value *v, what source,
                       const char *const *required,
                       const char *const *optional)
{
    const char *tmp[64];
    size_t n = 0;
    for (const char *const *r = required; r && *r; r++)
        if (!qc_obj_get(v, *r) && n < 64)
            tmp[n++] = *r;
    if (n) {
        qc_buf b = QC_BUF_INIT;
        quote_list(&b, tmp, n);
        fail(c, "qapi-missing-key", "%s lacks key%s %s", what_text(c, source),
             n > 1 ? "s" : "", b.data);
        qc_buf_free(&b);
        return false;
    }
    const char **unknown = NULL;
    size_t nu = 0;
    for (size_t i = 0; i < qc_obj_len(v); i++) {
        const char *k = v->u.obj.members[i].key;
        if (!in_list(required, k) && !in_list(optional, k)) {
            if (!unknown)
                unknown = qc_arena_alloc(c->a, qc_obj_len(v) * sizeof(*unknown));
            unknown[nu++] = k;
        }
    }
    if (nu) {
        n = 0;
        for (const char *const *r = required; r && *r; r++)
            tmp[n++] = *r;
        for (const char *const *r = optional; r && *r; r++)
            tmp[n++] = *r;
        qc_buf b = QC_BUF_INIT, b2 = QC_BUF_INIT;
        quote_list(&b, unknown, nu);
        quote_list(&b2, tmp, n);
        fail(c, "qapi-unknown-key", "%s has unknown key%s %s\nValid keys are %s.",
             what_text(c, source), nu > 1 ? "s" : "", b.data, b2.data);
        qc_buf_free(&b);
        qc_buf_free(&b2);
        return false;
    }
    return true;
}

/* ---- if ---------------------------------------------------------------- */

static bool check_if_cond(ctx *c, const qc_value *cond, what source);

static bool check_infix(ctx *c, const char *op, const qc_value *v,
                        what source)
{
    if (!qc_is_array(v))
        return fail(c, "qapi-bad-if", "'%s' condition of %s must be an array",
                    op, what_text(c, source));
    if (qc_arr_len(v) == 0)
        return fail(c, "qapi-bad-if", "'if' condition [] of %s is useless",
                    what_text(c, source));
    for (size_t i = 0; i < qc_arr_len(v); i++)
        if (!check_if_cond(c, qc_arr_at(v, i), source))
            return false;
    return true;
}

static bool check_if_cond(ctx *c, const qc_value *cond, what source)
{
    static const char *const ops[] = { "all", "any", "not", NULL };
    if (qc_is_string(cond)) {
        const char *s = cond->u.str.s;
        bool ok = *s >= 'A' && *s <= 'Z' && strlen(s) == qc_str_len(cond);
        for (const char *p = s; ok && *p; p++)
            ok = (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
                || *p == '_';
        if (!ok)
            return fail(c, "qapi-bad-if",
                        "'if' condition '%s' of %s is not a valid identifier",
                        s, what_text(c, source));
        return true;
    }
    if (!qc_is_object(cond))
        return fail(c, "qapi-bad-if",
                    "'if' condition of %s must be a string or an object",
                    what_text(c, source));
    char buf[320];
    snprintf(buf, sizeof buf, "'if' condition of %s", what_text(c, source));
    if (!check_keys(c, cond, WHAT(qc_arena_strdup(c->a, buf)), NULL, ops))
        return false;
    if (qc_obj_len(cond) != 1)
        return fail(c, "qapi-bad-if", "'if' condition of %s has conflicting keys",
                    what_text(c, source));
    const qc_value *v;
    if ((v = qc_obj_get(cond, "not")))
        return check_if_cond(c, v, source);
    if ((v = qc_obj_get(cond, "all")))
        return check_infix(c, "all", v, source);
    return check_infix(c, "any", qc_obj_get(cond, "any"), source);
}

/* V is the object that may hold an 'if'. */
static bool check_if(ctx *c, const qc_value *v, what source)
{
    const qc_value *cond = qc_obj_get(v, "if");
    if (!cond)
        return true;
    return check_if_cond(c, cond, source);
}

/* The name of member V of a list of features or enum values (LIST names
 * it: "'features' member"): a string, or an object {'name': ...} with the
 * keys REQ and OPT.  NULL after reporting. */
static const char *list_member_name(ctx *c, const qc_value *v,
                                    const char *list,
                                    const char *const *req,
                                    const char *const *opt)
{
    const qc_value *name = v;
    if (qc_is_object(v)) {
        if (!check_keys(c, v, WHAT(list), req, opt))
            return NULL;
        name = qc_obj_get(v, "name");
    }
    if (!qc_is_string(name)) {
        fail(c, "qapi-name-not-string", "%s requires a string name", list);
        return NULL;
    }
    return name->u.str.s;
}

/* ---- features ---------------------------------------------------------- */

static bool check_features(ctx *c, const qc_value *features)
{
    static const char *const req[] = { "name", NULL };
    static const char *const opt[] = { "if", NULL };
    if (!features)
        return true;
    if (!qc_is_array(features))
        return fail(c, "qapi-bad-features", "'features' must be an array");
    for (size_t i = 0; i < qc_arr_len(features); i++) {
        const qc_value *f = qc_arr_at(features, i);
        const char *name = list_member_name(c, f, "'features' member", req, opt);
        if (!name)
            return false;
        what source = member_of("'features'", name);
        if (!check_name_lower(c, name, source, false, false))
            return false;
        if (qc_is_object(f) && !check_if(c, f, source))
            return false;
    }
    return true;
}

/* ---- types and members ------------------------------------------------- */

/* ALLOW_DICT: dict of members allowed; PERM_NAME: the owner, whose listing
 * in member-name-exceptions relaxes the member naming rules. */
static bool check_type(ctx *c, const qc_value *v, what source,
                       bool allow_array, bool allow_dict,
                       const char *perm_name)
{
    static const char *const req[] = { "type", NULL };
    static const char *const opt[] = { "if", "features", NULL };
    if (!v || qc_is_string(v))
        return true;
    if (qc_is_array(v)) {
        if (!allow_array)
            return fail(c, "qapi-bad-type-ref", "%s cannot be an array",
                        what_text(c, source));
        if (qc_arr_len(v) != 1 || !qc_is_string(qc_arr_at(v, 0)))
            return fail(c, "qapi-bad-array-type",
                        "%s: array type must contain single type name",
                        what_text(c, source));
        return true;
    }
    if (!allow_dict)
        return fail(c, "qapi-bad-type-ref", "%s should be a type name",
                    what_text(c, source));
    if (!qc_is_object(v))
        return fail(c, "qapi-bad-type-ref",
                    "%s should be an object or type name", what_text(c, source));
    bool permissive = perm_name
        && qc_pragma_lists(&c->pragma->member_name_exceptions, perm_name);
    for (size_t i = 0; i < qc_obj_len(v); i++) {
        const qc_member *m = &v->u.obj.members[i];
        const char *key = m->key;
        what key_source = member_of(source.name ? what_text(c, source)
                                                : source.pre, key);
        if (key[0] == '*')
            key++;
        if (!check_name_lower(c, key, key_source, permissive, permissive))
            return false;
        if (qc_member_name_reserved(key))
            return fail(c, "qapi-reserved-name", "%s uses reserved name",
                        what_text(c, key_source));
        const qc_value *arg = &m->value;
        const qc_value *type = arg;
        if (qc_is_object(arg)) {
            if (!check_keys(c, arg, key_source, req, opt)
                || !check_if(c, arg, key_source)
                || !check_features(c, qc_obj_get(arg, "features")))
                return false;
            type = qc_obj_get(arg, "type");
        }
        if (!check_type(c, type, key_source, true, false, NULL))
            return false;
    }
    return true;
}

/* ---- per kind ---------------------------------------------------------- */

static bool check_enum(ctx *c, const qc_value *e)
{
    static const char *const req[] = { "name", NULL };
    static const char *const opt[] = { "if", "features", NULL };
    const qc_value *data = qc_obj_get(e, "data");
    const qc_value *prefix = qc_obj_get(e, "prefix");
    if (!qc_is_array(data))
        return fail(c, "qapi-enum-data", "'data' must be an array");
    if (prefix && !qc_is_string(prefix))
        return fail(c, "qapi-enum-prefix", "'prefix' must be a string");
    bool permissive = qc_pragma_lists(&c->pragma->member_name_exceptions,
                                      c->name);
    for (size_t i = 0; i < qc_arr_len(data); i++) {
        const qc_value *m = qc_arr_at(data, i);
        const char *mname = list_member_name(c, m, "'data' member", req, opt);
        if (!mname)
            return false;
        what source = member_of("'data'", mname);
        if (mname[0] >= '0' && mname[0] <= '9')
            mname = qc_arena_concat(c->a, "d", mname, NULL);
        if (!check_name_lower(c, mname, source, permissive, permissive))
            return false;
        if (qc_is_object(m)
            && (!check_if(c, m, source)
                || !check_features(c, qc_obj_get(m, "features"))))
            return false;
    }
    return true;
}

static bool check_struct(ctx *c, const qc_value *e)
{
    /* QEMU 10 no longer accepts a type name as struct 'data'. */
    const qc_value *data = qc_obj_get(e, "data");
    if (!qc_is_object(data))
        return fail(c, "qapi-bad-type-ref", "'data' must be an object");
    return check_type(c, data, WHAT("'data'"), false, true, c->name)
        && check_type(c, qc_obj_get(e, "base"), WHAT("'base'"), false, false, NULL);
}

/* Short form "name": TYPE or long form {'type': TYPE, ...}: the type. */
static bool check_branches(ctx *c, const qc_value *data, bool allow_array,
                           bool check_names)
{
    static const char *const req[] = { "type", NULL };
    static const char *const opt[] = { "if", NULL };
    for (size_t i = 0; i < qc_obj_len(data); i++) {
        const qc_member *m = &data->u.obj.members[i];
        what source = member_of("'data'", m->key);
        if (check_names && !check_name_lower(c, m->key, source, false, false))
            return false;
        const qc_value *type = &m->value;
        if (qc_is_object(&m->value)) {
            if (!check_keys(c, &m->value, source, req, opt)
                || !check_if(c, &m->value, source))
                return false;
            type = qc_obj_get(&m->value, "type");
        }
        if (!check_type(c, type, source, allow_array, false, NULL))
            return false;
    }
    return true;
}

/* Python truthiness of a value (for "if not members"). */
static bool truthy(const qc_value *v)
{
    if (!v)
        return false;
    switch (v->kind) {
    case QC_VNULL: return false;
    case QC_VBOOL: return v->u.b;
    case QC_VSTRING: return qc_str_len(v) > 0;
    case QC_VARRAY: return qc_arr_len(v) > 0;
    case QC_VOBJECT: return qc_obj_len(v) > 0;
    default: return true;
    }
}

static bool check_union(ctx *c, const qc_value *e)
{
    const qc_value *base = qc_obj_get(e, "base");
    const qc_value *disc = qc_obj_get(e, "discriminator");
    const qc_value *data = qc_obj_get(e, "data");
    if (!check_type(c, base, WHAT("'base'"), false, true, c->name))
        return false;
    if (!qc_is_string(disc))
        return fail(c, "qapi-name-not-string",
                    "'discriminator' requires a string name");
    if (!qc_is_object(data))
        return fail(c, "qapi-union-data", "'data' must be an object");
    /* QEMU 10: union branches are type names, never arrays. */
    return check_branches(c, data, false, false);
}

static bool check_alternate(ctx *c, const qc_value *e)
{
    const qc_value *data = qc_obj_get(e, "data");
    if (!truthy(data))
        return fail(c, "qapi-alternate-empty", "'data' must not be empty");
    if (!qc_is_object(data))
        return fail(c, "qapi-alternate-data", "'data' must be an object");
    return check_branches(c, data, true, true);
}

static bool is_true(const qc_value *v)
{
    return v && v->kind == QC_VBOOL && v->u.b;
}

static bool check_command_or_event(ctx *c, const qc_value *e, bool command)
{
    const qc_value *args = qc_obj_get(e, "data");
    const qc_value *boxed = qc_obj_get(e, "boxed");
    if (truthy(boxed) && !args)
        return fail(c, "qapi-boxed-no-data", "'boxed': true needs 'data'");
    if (!check_type(c, args, WHAT("'data'"), false, !truthy(boxed), NULL))
        return false;
    if (command
        && !check_type(c, qc_obj_get(e, "returns"), WHAT("'returns'"), true, false,
                       NULL))
        return false;
    return true;
}

static bool check_flags(ctx *c, const qc_value *e)
{
    static const char *const false_only[] = { "gen", "success-response" };
    static const char *const true_only[] = { "boxed", "allow-oob",
                                             "allow-preconfig", "coroutine" };
    for (size_t i = 0; i < 2; i++) {
        const qc_value *v = qc_obj_get(e, false_only[i]);
        if (v && !(v->kind == QC_VBOOL && !v->u.b))
            return fail(c, "qapi-bad-flag", "flag '%s' can only be false",
                        false_only[i]);
    }
    for (size_t i = 0; i < 4; i++) {
        const qc_value *v = qc_obj_get(e, true_only[i]);
        if (v && !is_true(v))
            return fail(c, "qapi-bad-flag", "flag '%s' can only be true",
                        true_only[i]);
    }
    if (qc_obj_get(e, "allow-oob") && qc_obj_get(e, "coroutine"))
        return fail(c, "qapi-flag-conflict",
                    "flags 'allow-oob' and 'coroutine' cannot be combined");
    return true;
}

/* The kinds of definition, by their key; M_* index qc_expr_metas[]. */
enum { M_ENUM, M_STRUCT, M_UNION, M_ALTERNATE, M_COMMAND, M_EVENT, M_COUNT };
const char *const qc_expr_metas[M_COUNT] = {
    "enum", "struct", "union", "alternate", "command", "event",
};

/* The M_* whose key KEY is, or -1 (by its first byte: a definition's
 * keys are looked at one by one). */
static int meta_of(const char *key)
{
    int i;
    switch (key[0]) {
    case 'e': i = key[1] == 'n' ? M_ENUM : M_EVENT; break;
    case 's': i = M_STRUCT; break;
    case 'u': i = M_UNION; break;
    case 'a': i = M_ALTERNATE; break;
    case 'c': i = M_COMMAND; break;
    default: return -1;
    }
    return strcmp(key, qc_expr_metas[i]) ? -1 : i;
}

/* The rules for the name of a definition of kind K. */
static bool check_defn_name(ctx *c, int k, const char *name)
{
    const char *meta = qc_expr_metas[k];
    if (k == M_EVENT)
        return check_name_upper(c, name, WHAT(meta));
    if (k == M_COMMAND)
        return check_name_lower(c, name, WHAT(meta), false,
                                qc_pragma_lists(
                                    &c->pragma->command_name_exceptions, name));
    if (!check_name_camel(c, name, WHAT(meta)))
        return false;
    size_t n = strlen(name);
    if (n >= 4 && strcmp(name + n - 4, "List") == 0)
        return fail(c, "qapi-reserved-list-name",
                    "%s name must not end in 'List'", meta);
    return true;
}

/* The doc comment of a definition: for it, and with sections it may
 * have; or none where the pragma allows that. */
static bool check_defn_doc(ctx *c, const qc_expr *x, int k,
                           const char *name)
{
    if (!x->doc) {
        if (c->pragma->doc_required && !c->o->no_doc_checks)
            return fail(c, "qapi-doc-required",
                        "definition lacks a documentation comment");
        return true;
    }
    if (!x->doc->symbol || strcmp(x->doc->symbol, name) != 0)
        return fail(c, "qapi-doc-wrong-symbol",
                    "the documentation comment is for '%s'",
                    x->doc->symbol ? x->doc->symbol : "");
    return qc_doc_check_expr(x->doc, c->d, k == M_COMMAND,
                             qc_obj_get(&x->value, "returns") != NULL);
}

/* The keys of each kind of definition, and its own checks. */
static bool check_defn_body(ctx *c, const qc_value *e, int k)
{
    const char *meta = qc_expr_metas[k];
    switch (k) {
    case M_ENUM: {
        static const char *const req[] = { "enum", "data", NULL };
        static const char *const opt[] = { "if", "features", "prefix", NULL };
        return check_keys(c, e, WHAT(meta), req, opt) && check_enum(c, e);
    }
    case M_UNION: {
        static const char *const req[] = { "union", "base", "discriminator",
                                           "data", NULL };
        static const char *const opt[] = { "if", "features", NULL };
        return check_keys(c, e, WHAT(meta), req, opt) && check_union(c, e);
    }
    case M_ALTERNATE: {
        static const char *const req[] = { "alternate", "data", NULL };
        static const char *const opt[] = { "if", "features", NULL };
        return check_keys(c, e, WHAT(meta), req, opt) && check_alternate(c, e);
    }
    case M_STRUCT: {
        static const char *const req[] = { "struct", "data", NULL };
        static const char *const opt[] = { "base", "if", "features", NULL };
        return check_keys(c, e, WHAT(meta), req, opt) && check_struct(c, e);
    }
    case M_COMMAND: {
        static const char *const req[] = { "command", NULL };
        static const char *const opt[] = {
            "data", "returns", "boxed", "if", "features", "gen",
            "success-response", "allow-oob", "allow-preconfig", "coroutine",
            NULL };
        return check_keys(c, e, WHAT(meta), req, opt)
            && check_command_or_event(c, e, true);
    }
    default: {
        static const char *const req[] = { "event", NULL };
        static const char *const opt[] = { "data", "boxed", "if", "features",
                                           NULL };
        return check_keys(c, e, WHAT(meta), req, opt)
            && check_command_or_event(c, e, false);
    }
    }
}

/* One definition, in check_exprs order: kind and name, doc, keys and
 * body, condition, features, flags. */
static bool check_expr(ctx *c, qc_expr *x)
{
    const qc_value *e = &x->value;
    int k = -1, nmeta = 0;
    /* One pass over the keys: a meta key counts once, however often it
     * is there (a key holding a NUL counts as the text before it). */
    unsigned seen = 0;
    for (size_t j = 0; j < qc_obj_len(e); j++) {
        const char *key = e->u.obj.members[j].key;
        int i = meta_of(key);
        if (i >= 0)
            seen |= 1u << i;
    }
    for (int i = 0; i < M_COUNT; i++)
        if (seen & (1u << i)) {
            k = i;
            nmeta++;
        }
    if (nmeta != 1)
        return fail(c, "qapi-expr-kind",
                    "a definition needs exactly one of the keys 'enum', "
                    "'struct', 'union', 'alternate', 'command', 'event'");
    const char *meta = qc_expr_metas[k];
    const qc_member *namem = qc_obj_member(e, meta);
    const qc_value *namev = namem ? &namem->value : NULL;
    if (!qc_is_string(namev))
        return fail(c, "qapi-name-not-string", "'%s' requires a string name",
                    meta);
    const char *name = namev->u.str.s;
    c->meta = meta;
    c->name = name;
    if (!check_defn_name(c, k, name) || !check_defn_doc(c, x, k, name)
        || !check_defn_body(c, e, k) || !check_if(c, e, WHAT(meta))
        || !check_features(c, qc_obj_get(e, "features"))
        || !check_flags(c, e))
        return false;

    x->meta_ = (unsigned)k + 1;
    size_t at = (size_t)(namem - qc_obj_at(e, 0)) + 1;
    x->name_member_ = at < (1u << 29) ? (uint32_t)at : 0;
    return true;
}

bool qc_check_exprs(qc_arena *a, qc_diag *d, const qc_options *o,
                    qc_schema_ast *ast)
{
    bool ok = true;
    for (size_t i = 0; i < ast->n_exprs; i++) {
        qc_expr *x = &ast->exprs[i];
        if (x->include_ || !qc_is_object(&x->value))
            continue;
        ctx c = { a, d, o, &ast->pragma, qc_expr_loc(x), NULL, NULL };
        if (!check_expr(&c, x)) {
            ok = false;
            if (qc_diag_limit_reached(d))
                break;
        }
    }
    return ok;
}
