/* Schema queries: libvirt's path syntax, with its defects fixed.
 *
 * Grammar (components are separated by '/'; none may be empty):
 *
 *   query     = head *( "/" step ) [ "/" terminal ]
 *   head      = plain                   ; any entry name, normally a
 *                                       ; command or an event
 *   step      = plain                   ; command/event: "arg-type" or
 *                                       ;   "ret-type"; object: member
 *             / "*" name                ; object: member that is optional
 *             / "+" name                ; object: variant of a union
 *   terminal  = "!" name                ; builtin: its json-type is NAME
 *             / "$" name                ; feature NAME (see below)
 *             / "^" name [ "/" "$" name ] ; enum: value NAME [with feature]
 *   plain     = " " name                ; escape for names that begin with
 *                                       ; a character listed here
 *             / name                    ; not beginning with * + ! $ ^ " "
 *   name      = 1*( any character but "/" )
 *
 * Evaluation walks the introspected schema from the head entry:
 * - an array entry stands for its element type (nothing consumed);
 * - an alternate tries each of its member types in order with the rest of
 *   the query and is true when one of them is;
 * - "$feat" tests the features of the object member (or enum value) that
 *   the previous component selected, otherwise those of the entry reached
 *   (command, event, object, enum, alternate, builtin);
 * - a component that does not apply to the entry reached (say "^x" on an
 *   object, "*x" on a command, "+x" on a struct) makes the query false;
 *   so does a name that does not exist, including "*missing";
 * - a type name that the schema does not define makes the query false (the
 *   dump validator reports such dangling references).
 * Differences from libvirt: empty components and followers of terminal
 * components are malformed instead of crashing or being ignored; other
 * non-letter first characters are part of the name ("-x" is no alias of
 * "x"); "$feat" after a member tests the member's features rather than
 * its type's. */
#include "dumps/query.h"

#include <stdbool.h>
#include <string.h>

typedef struct comp {
    char kind;           /* 'n' (plain), '*', '+', '!', '$', '^' */
    const char *name;    /* NUL-terminated, from the arena */
} comp;

typedef struct query {
    comp *c;
    size_t n;
} query;

/* Depth guard against a schema whose arrays/alternates refer to each
 * other without end (only a broken dump can do that). */
#define MAX_HOPS 1000

static bool is_modifier(char ch)
{
    return ch == '*' || ch == '+' || ch == '!' || ch == '$' || ch == '^'
        || ch == ' ';
}

static bool set_why(const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return false;
}

static bool parse_query(qc_arena *a, const char *path, query *q,
                        const char **why)
{
    const char *w = NULL;
    if (!why)
        why = &w;
    if (!*path)
        return set_why(why, "the query is empty");

    size_t n = 1;
    for (const char *p = path; *p; p++)
        n += *p == '/';
    q->c = qc_arena_alloc(a, n * sizeof *q->c);
    q->n = n;

    const char *p = path;
    for (size_t i = 0; i < n; i++) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0) {
            *why = qc_arena_printf(a, "component %zu is empty", i + 1);
            return false;
        }
        comp *c = &q->c[i];
        if (is_modifier(p[0])) {
            c->kind = p[0] == ' ' ? 'n' : p[0];
            p++;
            len--;
            if (len == 0) {
                *why = qc_arena_printf(a, "component %zu: '%c' must be "
                                       "followed by a name", i + 1, c->kind
                                       == 'n' ? ' ' : c->kind);
                return false;
            }
        } else {
            c->kind = 'n';
        }
        c->name = qc_arena_strndup(a, p, len);
        p += len + (end != NULL);
    }

    if (q->c[0].kind != 'n') {
        *why = qc_arena_printf(a, "the query must start with an entry name, "
                               "not '%c%s'", q->c[0].kind, q->c[0].name);
        return false;
    }
    for (size_t i = 1; i < n; i++) {
        char k = q->c[i].kind;
        if (k != '!' && k != '$' && k != '^')
            continue;
        size_t followers = n - 1 - i;
        /* The one exception: an enum value's feature. */
        if (k == '^' && followers == 1 && q->c[i + 1].kind == '$')
            break;
        if (followers) {
            *why = qc_arena_printf(a, k == '^'
                                   ? "'%c%s' may be followed only by one "
                                     "'$feature' component"
                                   : "'%c%s' must be the last component",
                                   k, q->c[i].name);
            return false;
        }
    }
    return true;
}

bool qc_query_syntax_ok(qc_arena *a, const char *path, const char **why)
{
    query q;
    return parse_query(a, path, &q, why);
}

/* The element of array KEY of V whose string member FIELD equals NAME. */
static const qc_value *find_in(const qc_value *v, const char *key,
                               const char *field, const char *name)
{
    const qc_value *arr = qc_obj_get(v, key);
    if (!qc_is_array(arr))
        return NULL;
    for (size_t i = 0; i < qc_arr_len(arr); i++) {
        const char *s = qc_obj_get_str(qc_arr_at(arr, i), field);
        if (s && !strcmp(s, name))
            return qc_arr_at(arr, i);
    }
    return NULL;
}

typedef struct ctx {
    const qc_ischema *s;
    const query *q;
} ctx;

static int eval(const ctx *cx, const qc_value *node, size_t i,
                const qc_value *member, unsigned hops);

static int follow(const ctx *cx, const qc_value *from, const char *key,
                  size_t i, const qc_value *member, unsigned hops)
{
    const qc_value *t = qc_ischema_lookup(cx->s, qc_obj_get_str(from, key));
    return t ? eval(cx, t, i, member, hops) : QC_QUERY_FALSE;
}

static int eval(const ctx *cx, const qc_value *node, size_t i,
                const qc_value *member, unsigned hops)
{
    if (hops > MAX_HOPS)
        return QC_QUERY_FALSE;
    if (i == cx->q->n)
        return QC_QUERY_TRUE;
    const comp *c = &cx->q->c[i];
    if (c->kind == '$' && member)
        return qc_ischema_has_feature(member, c->name);

    const char *meta = qc_obj_get_str(node, "meta-type");
    if (!meta)
        return QC_QUERY_FALSE;

    if (!strcmp(meta, "array"))
        return follow(cx, node, "element-type", i, member, hops + 1);

    if (c->kind == '$')
        return qc_ischema_has_feature(node, c->name);

    if (!strcmp(meta, "alternate")) {
        const qc_value *ms = qc_obj_get(node, "members");
        if (!qc_is_array(ms))
            return QC_QUERY_FALSE;
        for (size_t k = 0; k < qc_arr_len(ms); k++)
            if (follow(cx, qc_arr_at(ms, k), "type", i, member, hops + 1)
                == QC_QUERY_TRUE)
                return QC_QUERY_TRUE;
        return QC_QUERY_FALSE;
    }

    if (!strcmp(meta, "command") || !strcmp(meta, "event")) {
        if (c->kind != 'n'
            || (strcmp(c->name, "arg-type") && strcmp(c->name, "ret-type")))
            return QC_QUERY_FALSE;
        return follow(cx, node, c->name, i + 1, NULL, 0);
    }

    if (!strcmp(meta, "object")) {
        if (c->kind == 'n' || c->kind == '*') {
            const qc_value *m = find_in(node, "members", "name", c->name);
            if (!m || (c->kind == '*' && !qc_obj_get(m, "default")))
                return QC_QUERY_FALSE;
            return follow(cx, m, "type", i + 1, m, 0);
        }
        if (c->kind == '+') {
            const qc_value *v = find_in(node, "variants", "case", c->name);
            return v ? follow(cx, v, "type", i + 1, NULL, 0) : QC_QUERY_FALSE;
        }
        return QC_QUERY_FALSE;
    }

    if (!strcmp(meta, "enum")) {
        if (c->kind != '^')
            return QC_QUERY_FALSE;
        /* Since QEMU 6.2 "members" carries the values with their
         * features; "values" is all older dumps have. */
        const qc_value *em = find_in(node, "members", "name", c->name);
        if (!em) {
            const qc_value *vs = qc_obj_get(node, "values");
            bool found = false;
            for (size_t k = 0; qc_is_array(vs) && k < qc_arr_len(vs); k++) {
                const qc_value *v = qc_arr_at(vs, k);
                if (qc_is_string(v) && !strcmp(v->u.str.s, c->name))
                    found = true;
            }
            if (!found)
                return QC_QUERY_FALSE;
        }
        if (i + 1 == cx->q->n)
            return QC_QUERY_TRUE;
        /* The syntax allows only "$feat" after "^value". */
        return em ? qc_ischema_has_feature(em, cx->q->c[i + 1].name) : QC_QUERY_FALSE;
    }

    if (!strcmp(meta, "builtin")) {
        const char *jt = qc_obj_get_str(node, "json-type");
        return c->kind == '!' && jt && !strcmp(jt, c->name);
    }
    return QC_QUERY_FALSE;
}

int qc_query_eval(qc_arena *a, const qc_ischema *s, const char *path,
                  const char **why)
{
    query q;
    if (!parse_query(a, path, &q, why))
        return QC_QUERY_MALFORMED;
    const qc_value *head = qc_ischema_lookup(s, q.c[0].name);
    if (!head)
        return QC_QUERY_FALSE;
    ctx cx = { s, &q };
    return eval(&cx, head, 1, NULL, 0);
}
