/* The client-side check of one-of call constraints (qapic/oneof.h), with
 * the semantics `qapic compat --calls` gives recorded calls. */
#include "qapic/oneof.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "internal/testgen.h"

/* Whether PATH (its components from here) is present below V: through
 * arrays (any element), past "+branch" components. */
static bool present(const char *path, struct json_object *v, int depth)
{
    while (*path == '+') {
        const char *slash = strchr(path, '/');
        if (!slash)
            return true;
        path = slash + 1;
    }
    if (!*path)
        return true;
    if (depth > 64)
        return false;
    if (json_object_is_type(v, json_type_array)) {
        size_t n = json_object_array_length(v);
        for (size_t i = 0; i < n; i++)
            if (present(path, json_object_array_get_idx(v, i), depth + 1))
                return true;
        return false;
    }
    size_t len = strcspn(path, "/");
    if (*path == '^')
        return json_object_is_type(v, json_type_string) &&
               (size_t)json_object_get_string_len(v) == len - 1 &&
               !memcmp(json_object_get_string(v), path + 1, len - 1);
    if (!json_object_is_type(v, json_type_object))
        return false;
    char key[256];
    if (len >= sizeof key)
        return false;
    memcpy(key, path, len);
    key[len] = '\0';
    struct json_object *m;
    if (!json_object_object_get_ex(v, key, &m))
        return false;
    return present(path[len] ? path + len + 1 : path + len, m, depth + 1);
}

/* "[uri]", "[a, b/c]": a group as rule files write it, into BUF. */
static void group_text(const qapic_oneof_group *g, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "[");
    for (size_t i = 0; i < g->n && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
                              g->paths[i]);
    if (n < size)
        snprintf(buf + n, size - n, "]");
}

static int refuse(qapic_error **err, const char *fmt, const char *command,
                  const char *a, const char *b)
{
    qapic_rt_path p = QAPIC_RT_ROOT("arguments");
    return qapic_rt_path_error(err, QAPIC_ERROR_ENCODE, &p, fmt, command, a,
                               b);
}

int qapic_oneof_check(const qapic_oneof *c, struct json_object *args,
                      qapic_error **err)
{
    char ga[512], gb[512];
    size_t used = 0, first = 0, second = 0, incomplete = 0;
    const char *absent = NULL;

    if (!c)
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "no constraint");
    for (size_t g = 0; g < c->n; g++) {
        const qapic_oneof_group *grp = &c->groups[g];
        size_t have = 0;
        const char *missing = NULL;
        for (size_t i = 0; i < grp->n; i++) {
            if (args && present(grp->paths[i], args, 0))
                have++;
            else if (!missing)
                missing = grp->paths[i];
        }
        if (!have)
            continue;
        if (used == 0)
            first = g;
        else if (used == 1)
            second = g;
        used++;
        if (have < grp->n && !absent) {
            absent = missing;
            incomplete = g;
        }
    }
    const char *cmd = c->command ? c->command : "?";
    if (used == 0) {
        size_t n = 0;
        ga[0] = '\0';
        for (size_t g = 0; g < c->n && n < sizeof ga; g++) {
            group_text(&c->groups[g], gb, sizeof gb);
            n += (size_t)snprintf(ga + n, sizeof ga - n, "%s%s",
                                  g ? " or " : "", gb);
        }
        return refuse(err, "arguments of '%s' give none of %s%s; give "
                      "exactly one", cmd, ga, "");
    }
    if (used > 1) {
        group_text(&c->groups[first], ga, sizeof ga);
        group_text(&c->groups[second], gb, sizeof gb);
        return refuse(err, "arguments of '%s' give both %s and %s; give "
                      "exactly one", cmd, ga, gb);
    }
    if (absent) {
        group_text(&c->groups[incomplete], ga, sizeof ga);
        return refuse(err, "arguments of '%s' give %s without '%s'", cmd, ga,
                      absent);
    }
    return 0;
}

bool qapic_tg__path_present(const char *path, struct json_object *v)
{
    return v && present(path, v, 0);
}
