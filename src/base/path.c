/* Lexical path helpers; see path.h. */
#include "base/path.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The length of os.path.dirname(PATH), a prefix of PATH. */
static size_t dirname_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return 0;
    /* Python keeps a run of leading slashes ("/" stays "/"). */
    const char *end = slash;
    while (end > path && end[-1] == '/')
        end--;
    if (end == path)
        end = slash + 1;
    return (size_t)(end - path);
}

char *qc_path_dirname(qc_arena *a, const char *path)
{
    return qc_arena_strndup(a, path, dirname_len(path));
}

/* One string: a schema joins one for every include directive. */
char *qc_path_join_dir(qc_arena *a, const char *base_file, const char *rel)
{
    size_t n = rel[0] == '/' ? 0 : dirname_len(base_file);
    if (!n)
        return qc_arena_strdup(a, rel);
    size_t sep = base_file[n - 1] != '/', rlen = strlen(rel);
    char *p = qc_arena_alloc_text(a, n + sep + rlen + 1);
    memcpy(p, base_file, n);
    p[n] = '/';
    memcpy(p + n + sep, rel, rlen + 1);
    return p;
}

/* The working directory, or "/" when it has none (removed). */
static void get_cwd(char cwd[PATH_MAX])
{
    if (!getcwd(cwd, PATH_MAX))
        strcpy(cwd, "/");
}

char *qc_path_cwd(qc_arena *a)
{
    char cwd[PATH_MAX];
    get_cwd(cwd);
    return qc_arena_strdup(a, cwd);
}

/* PATH made absolute (against CWD, or the working directory when CWD is
 * NULL) and normalised in a new malloc'd string: "." dropped, ".." pops,
 * runs of '/' as one; "/" when nothing is left.  Aborts on
 * out-of-memory, as the arena does. */
static char *normalised_abs(const char *path, const char *cwd)
{
    char here[PATH_MAX];
    if (path[0] == '/') {
        cwd = "";
    } else if (!cwd) {
        get_cwd(here);
        cwd = here;
    }
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
    char *abs = normalised_abs(path, NULL);
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

/* os.path.relpath of the normalised absolute paths PA and SA: a new
 * string, or the end of TAIL (when not NULL) where that is the answer. */
static const char *rel_of(qc_arena *a, const char *pa, const char *sa,
                          const char *tail)
{
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
    size_t tlen = tail ? strlen(tail) : 0;
    if (!ups && rest && tlen >= rest - 1
        && !memcmp(tail + tlen - (rest - 1), pp + 1, rest - 1)
        && (tlen == rest - 1 || tail[tlen - rest] == '/'))
        return tail + tlen - (rest - 1);
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
    return r;
}

char *qc_path_rel(qc_arena *a, const char *path, const char *start)
{
    char *pa = normalised_abs(path, NULL);
    char *sa = normalised_abs(start[0] ? start : ".", NULL);
    char *r = (char *)rel_of(a, pa, sa, NULL);     /* a new string */
    free(pa);
    free(sa);
    return r;
}

const char *qc_path_rel_from(qc_arena *a, const char *path,
                             const char *start_abs, const char *cwd)
{
    char *pa = normalised_abs(path, cwd);
    const char *r = rel_of(a, pa, start_abs, path);
    free(pa);
    return r;
}

bool qc_path_has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    return n >= k && !strcmp(path + n - k, suffix);
}
