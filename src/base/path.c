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

/* PATH made absolute (against the working directory) and normalised in a
 * new malloc'd string: "." dropped, ".." pops, runs of '/' as one; "/"
 * when nothing is left.  Aborts on out-of-memory, as the arena does. */
static char *normalised_abs(const char *path)
{
    char cwd[PATH_MAX];
    cwd[0] = '\0';
    if (path[0] != '/' && !getcwd(cwd, sizeof cwd))
        strcpy(cwd, "/");
    size_t clen = strlen(cwd), plen = strlen(path);
    char *full = malloc(clen + plen + 2);
    if (!full)
        abort();
    memcpy(full, cwd, clen);
    full[clen] = '/';
    memcpy(full + clen + 1, path, plen + 1);
    /* Components are copied down over the text already read: the output
     * never runs ahead of the input. */
    size_t n = 0;
    const char *p = full;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *c = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - c);
        if (len == 1 && c[0] == '.')
            continue;
        if (len == 2 && c[0] == '.' && c[1] == '.') {
            while (n && full[--n] != '/')
                ;
            continue;
        }
        full[n++] = '/';
        memmove(full + n, c, len);
        n += len;
    }
    if (!n)
        full[n++] = '/';
    full[n] = '\0';
    return full;
}

char *qc_path_abs(qc_arena *a, const char *path)
{
    char *abs = normalised_abs(path);
    char *r = qc_arena_strdup(a, abs);
    free(abs);
    return r;
}

/* The length of the first component of the normalised absolute path P
 * (which starts with '/', or is empty at the end). */
static size_t component_len(const char *p)
{
    const char *slash = strchr(p + 1, '/');
    return slash ? (size_t)(slash - p - 1) : strlen(p + 1);
}

char *qc_path_rel(qc_arena *a, const char *path, const char *start)
{
    char *pa = normalised_abs(path);
    char *sa = normalised_abs(start[0] ? start : ".");
    /* "/" has no components; otherwise each is "/name". */
    const char *pp = pa[1] ? pa : "", *sp = sa[1] ? sa : "";
    while (*pp && *sp) {
        size_t pl = component_len(pp), sl = component_len(sp);
        if (pl != sl || memcmp(pp + 1, sp + 1, pl))
            break;
        pp += 1 + pl;
        sp += 1 + sl;
    }
    size_t ups = 0;
    for (const char *q = sp; *q; q++)
        ups += *q == '/';
    size_t rest = strlen(pp);       /* "/x/y": the names and their slashes */
    char *r;
    if (!ups && !rest) {
        r = qc_arena_strdup(a, ".");
    } else {
        r = qc_arena_alloc_text(a, 3 * ups + rest + 1);
        char *q = r;
        for (size_t i = 0; i < ups; i++, q += 3)
            memcpy(q, "../", 3);
        if (rest) {
            memcpy(q, pp + 1, rest - 1);    /* without its leading '/' */
            q[rest - 1] = '\0';
        } else {
            q[-1] = '\0';                  /* the last "../" loses its '/' */
        }
    }
    free(pa);
    free(sa);
    return r;
}

bool qc_path_has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    return n >= k && !strcmp(path + n - k, suffix);
}
