/* qapic_client_supports: schema queries in the syntax of `qapic query`
 * (libvirt's path syntax with its defects fixed), on the json-c form of the
 * connected QEMU's query-qmp-schema.
 *
 * The semantics are exactly those of the tool's query evaluator (the
 * grammar is documented in README.md, `qapic query`); the runtime cannot
 * share its code, which works on the tool's own JSON values, so the test
 * suite compares the two on real capability dumps.  In short:
 *
 *   query = head *("/" step) ["/" terminal]
 *   head: an entry name; step: "arg-type"/"ret-type" after a command or
 *   event, a member name ("*name": an optional one) after an object,
 *   "+case" for a union branch; terminal: "!json-type" of a builtin,
 *   "$feature" (of the member just selected, else of the entry reached),
 *   "^value" of an enum, optionally followed by "$feature" of the value;
 *   a leading " " escapes a name starting with one of "*+!$^ ".
 *
 * Arrays are stepped through, alternates tried branch by branch; anything
 * that does not apply or does not exist makes the answer false. */
#include "internal/client.h"

#include <stdlib.h>
#include <string.h>

/* Depth guard against arrays and alternates referring to each other
 * without end (only a broken schema does that). */
#define MAX_HOPS 1000

typedef struct comp {
    char kind;          /* 'n' (plain name), '*', '+', '!', '$', '^' */
    char *name;
} comp;

typedef struct query {
    comp *c;
    size_t n;
    char *why;          /* malformed: the explanation */
} query;

static bool is_modifier(char ch)
{
    return strchr("*+!$^ ", ch) && ch;
}

static void query_free(query *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->c[i].name);
    free(q->c);
    free(q->why);
}

static bool malformed(query *q, char *why)
{
    q->why = why ? why : qapic_rt_strdup("malformed");
    return false;
}

/* The one exception to "terminals come last": an enum value's feature. */
static bool check_terminals(query *q)
{
    for (size_t i = 1; i < q->n; i++) {
        char k = q->c[i].kind;
        if (k != '!' && k != '$' && k != '^')
            continue;
        size_t followers = q->n - 1 - i;
        if (k == '^' && followers == 1 && q->c[i + 1].kind == '$')
            return true;
        if (followers)
            return malformed(q, qapic_rt_printf(
                k == '^' ? "'%c%s' may be followed only by one '$feature' "
                           "component"
                         : "'%c%s' must be the last component",
                k, q->c[i].name));
    }
    return true;
}

static bool parse_query(const char *path, query *q)
{
    memset(q, 0, sizeof *q);
    if (!*path)
        return malformed(q, qapic_rt_strdup("the query is empty"));
    size_t n = 1;
    for (const char *p = path; *p; p++)
        n += *p == '/';
    q->c = calloc(n, sizeof *q->c);
    if (!q->c)
        return malformed(q, qapic_rt_strdup("out of memory"));
    const char *p = path;
    for (; q->n < n; q->n++) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        comp *c = &q->c[q->n];
        if (len == 0)
            return malformed(q, qapic_rt_printf("component %zu is empty",
                                              q->n + 1));
        c->kind = 'n';
        if (is_modifier(p[0])) {
            char mod = p[0];
            c->kind = mod == ' ' ? 'n' : mod;
            p++;
            len--;
            if (len == 0)
                return malformed(q, qapic_rt_printf(
                    "component %zu: '%c' must be followed by a name",
                    q->n + 1, mod));
        }
        c->name = strndup(p, len);
        if (!c->name)
            return malformed(q, qapic_rt_strdup("out of memory"));
        p += len + (end != NULL);
    }
    if (q->c[0].kind != 'n')
        return malformed(q, qapic_rt_printf(
            "the query must start with an entry name, not '%c%s'",
            q->c[0].kind, q->c[0].name));
    return check_terminals(q);
}

static struct json_object *get(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static bool has_feature(struct json_object *v, const char *feat)
{
    return qapic__json_array_has(get(v, "features"), feat);
}

/* The element of array KEY of V whose string member FIELD equals NAME. */
static struct json_object *find_in(struct json_object *v, const char *key,
                                   const char *field, const char *name)
{
    struct json_object *arr = get(v, key);
    if (!json_object_is_type(arr, json_type_array))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        const char *s = qapic__json_str(e, field);
        if (s && !strcmp(s, name))
            return e;
    }
    return NULL;
}

typedef struct ctx {
    struct json_object *index;
    const query *q;
} ctx;

static bool eval(const ctx *cx, struct json_object *node, size_t i,
                 struct json_object *member, unsigned hops);

static bool follow(const ctx *cx, struct json_object *from, const char *key,
                   size_t i, struct json_object *member, unsigned hops)
{
    struct json_object *t =
        qapic__schema_lookup(cx->index, qapic__json_str(from, key));
    return t && eval(cx, t, i, member, hops);
}

static bool eval_object(const ctx *cx, struct json_object *node, size_t i)
{
    const comp *c = &cx->q->c[i];
    if (c->kind == 'n' || c->kind == '*') {
        struct json_object *m = find_in(node, "members", "name", c->name);
        if (!m || (c->kind == '*' && !json_object_object_get_ex(m, "default",
                                                                NULL)))
            return false;
        return follow(cx, m, "type", i + 1, m, 0);
    }
    if (c->kind == '+') {
        struct json_object *v = find_in(node, "variants", "case", c->name);
        return v && follow(cx, v, "type", i + 1, NULL, 0);
    }
    return false;
}

static bool eval_enum(const ctx *cx, struct json_object *node, size_t i)
{
    const comp *c = &cx->q->c[i];
    if (c->kind != '^')
        return false;
    /* Since QEMU 6.2 "members" carries the values with their features;
     * "values" is all older schemas have. */
    struct json_object *em = find_in(node, "members", "name", c->name);
    if (!em && !qapic__json_array_has(get(node, "values"), c->name))
        return false;
    if (i + 1 == cx->q->n)
        return true;
    /* The syntax allows only "$feat" after "^value". */
    return em && has_feature(em, cx->q->c[i + 1].name);
}

static bool eval(const ctx *cx, struct json_object *node, size_t i,
                 struct json_object *member, unsigned hops)
{
    if (hops > MAX_HOPS)
        return false;
    if (i == cx->q->n)
        return true;
    const comp *c = &cx->q->c[i];
    if (c->kind == '$' && member)
        return has_feature(member, c->name);
    const char *meta = qapic__json_str(node, "meta-type");
    if (!meta)
        return false;
    if (!strcmp(meta, "array"))
        return follow(cx, node, "element-type", i, member, hops + 1);
    if (c->kind == '$')
        return has_feature(node, c->name);
    if (!strcmp(meta, "alternate")) {
        struct json_object *ms = get(node, "members");
        size_t n = json_object_is_type(ms, json_type_array)
            ? json_object_array_length(ms) : 0;
        for (size_t k = 0; k < n; k++)
            if (follow(cx, json_object_array_get_idx(ms, k), "type", i,
                       member, hops + 1))
                return true;
        return false;
    }
    if (!strcmp(meta, "command") || !strcmp(meta, "event")) {
        if (c->kind != 'n'
            || (strcmp(c->name, "arg-type") && strcmp(c->name, "ret-type")))
            return false;
        return follow(cx, node, c->name, i + 1, NULL, 0);
    }
    if (!strcmp(meta, "object"))
        return eval_object(cx, node, i);
    if (!strcmp(meta, "enum"))
        return eval_enum(cx, node, i);
    if (!strcmp(meta, "builtin")) {
        const char *jt = qapic__json_str(node, "json-type");
        return c->kind == '!' && jt && !strcmp(jt, c->name);
    }
    return false;
}

int qapic_client_supports(qapic_client *c, const char *path,
                          qapic_error **err)
{
    if (!c || !path)
        return qapic_error_set(err, QAPIC_ERROR_INVALID,
                               "no client or query");
    query q;
    if (!parse_query(path, &q)) {
        qapic_error_set(err, QAPIC_ERROR_INVALID, "malformed query '%s': %s",
                        path, q.why);
        query_free(&q);
        return -1;
    }
    int answer = -1;
    struct json_object *index = qapic__schema_index(c, NULL, err);
    if (index) {
        ctx cx = { index, &q };
        struct json_object *head = qapic__schema_lookup(index, q.c[0].name);
        answer = head && eval(&cx, head, 1, NULL, 0);
    }
    query_free(&q);
    return answer;
}
