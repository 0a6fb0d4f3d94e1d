/* Lexical path helpers; see path.h. */
#include "base/path.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *qc_path_dirname(qc_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return qc_arena_strdup(a, "");
    /* Python keeps a run of leading slashes ("/" stays "/"). */
    const char *end = slash;
    while (end > path && end[-1] == '/')
        end--;
    if (end == path)
        end = slash + 1;
    return qc_arena_strndup(a, path, (size_t)(end - path));
}

char *qc_path_join_dir(qc_arena *a, const char *base_file, const char *rel)
{
    if (rel[0] == '/')
        return qc_arena_strdup(a, rel);
    char *dir = qc_path_dirname(a, base_file);
    if (!dir[0])
        return qc_arena_strdup(a, rel);
    size_t n = strlen(dir);
    return qc_arena_concat(a, dir, dir[n - 1] == '/' ? "" : "/", rel);
}

/* Splits an absolute path into normalised components ("." dropped, ".."
 * pops); returns the count. */
static size_t components(qc_arena *a, const char *abs, char ***out)
{
    size_t cap = 8, n = 0;
    char **v = qc_arena_alloc(a, cap * sizeof *v);
    const char *p = abs;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - s);
        if (len == 1 && s[0] == '.')
            continue;
        if (len == 2 && s[0] == '.' && s[1] == '.') {
            if (n)
                n--;
            continue;
        }
        if (n == cap) {
            char **nv = qc_arena_alloc(a, 2 * cap * sizeof *nv);
            memcpy(nv, v, n * sizeof *v);
            v = nv;
            cap *= 2;
        }
        v[n++] = qc_arena_strndup(a, s, len);
    }
    *out = v;
    return n;
}

char *qc_path_abs(qc_arena *a, const char *path)
{
    const char *full = path;
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            strcpy(cwd, "/");
        full = qc_arena_concat(a, cwd, "/", path);
    }
    char **c;
    size_t n = components(a, full, &c);
    if (!n)
        return qc_arena_strdup(a, "/");
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(c[i]) + 1;
    char *r = qc_arena_alloc(a, len + 1), *q = r;
    for (size_t i = 0; i < n; i++) {
        *q++ = '/';
        size_t k = strlen(c[i]);
        memcpy(q, c[i], k);
        q += k;
    }
    *q = '\0';
    return r;
}

char *qc_path_rel(qc_arena *a, const char *path, const char *start)
{
    char **pc, **sc;
    size_t pn = components(a, qc_path_abs(a, path), &pc);
    size_t sn = components(a, qc_path_abs(a, start[0] ? start : "."), &sc);
    size_t common = 0;
    while (common < pn && common < sn && !strcmp(pc[common], sc[common]))
        common++;
    size_t len = 0;
    for (size_t i = common; i < sn; i++)
        len += 3;
    for (size_t i = common; i < pn; i++)
        len += strlen(pc[i]) + 1;
    if (!len)
        return qc_arena_strdup(a, ".");
    char *r = qc_arena_alloc(a, len + 1), *q = r;
    for (size_t i = common; i < sn; i++) {
        memcpy(q, "../", 3);
        q += 3;
    }
    for (size_t i = common; i < pn; i++) {
        size_t k = strlen(pc[i]);
        memcpy(q, pc[i], k);
        q += k;
        *q++ = '/';
    }
    q[-1] = '\0';
    return r;
}

bool qc_path_has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    return n >= k && !strcmp(path + n - k, suffix);
}
