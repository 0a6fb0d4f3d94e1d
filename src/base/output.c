/* Standard output and atomic file replacement; see output.h. */
#include "base/output.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* Straight to the descriptor: anything stdio still holds goes first, and
 * a failure is seen here, once, not at some later flush. */
static bool write_stdout(qc_diag *d, const char *data, size_t len)
{
    if (fflush(stdout) != 0 || !write_all(STDOUT_FILENO, data, len)) {
        qc_error(d, (qc_loc){ 0 }, "io-error",
                 "cannot write to standard output: %s", strerror(errno));
        return false;
    }
    return true;
}

/* "DIR/.qapic-XXXXXX" next to PATH (malloc'ed). */
static char *temp_template(const char *path)
{
    char *dir_copy = strdup(path);
    if (!dir_copy)
        abort();
    const char *dir = dirname(dir_copy);
    size_t n = strlen(dir) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        abort();
    snprintf(tmp, n, "%s/.qapic-XXXXXX", dir);
    free(dir_copy);
    return tmp;
}

/* The mode a new PATH gets, or the one it has. */
static mode_t target_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return st.st_mode & 07777;
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* Writes DATA to a new temporary file next to PATH, with PATH's mode,
 * flushed to disk.  Returns its name (malloc'ed), or NULL after
 * reporting. */
static char *stage_file(qc_diag *d, const char *path, const char *data,
                        size_t len)
{
    char *tmp = temp_template(path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        qc_error(d, (qc_loc){ 0 }, "io-error",
                 "cannot create a temporary file for '%s': %s", path,
                 strerror(errno));
        free(tmp);
        return NULL;
    }
    bool ok = write_all(fd, data, len) && fchmod(fd, target_mode(path)) == 0
              && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        unlink(tmp);
        free(tmp);
        qc_error(d, (qc_loc){ 0 }, "io-error", "cannot write '%s': %s", path,
                 strerror(saved));
        return NULL;
    }
    return tmp;
}

/* Renames the staged TMP over PATH; frees TMP. */
static bool commit_file(qc_diag *d, const char *path, char *tmp)
{
    bool ok = rename(tmp, path) == 0;
    if (!ok) {
        int saved = errno;
        unlink(tmp);
        qc_error(d, (qc_loc){ 0 }, "io-error", "cannot write '%s': %s", path,
                 strerror(saved));
    }
    free(tmp);
    return ok;
}

static bool replace_file(qc_diag *d, const char *path, const char *data,
                         size_t len)
{
    char *tmp = stage_file(d, path, data, len);
    return tmp && commit_file(d, path, tmp);
}

bool qc_output_write_new(qc_diag *d, const char *path, const char *data,
                         size_t len, bool *existed)
{
    *existed = access(path, F_OK) == 0;
    if (*existed)
        return true;
    char *tmp = stage_file(d, path, data, len);
    if (!tmp)
        return false;
    bool ok = link(tmp, path) == 0;
    int saved = errno;
    unlink(tmp);
    free(tmp);
    if (!ok && saved == EEXIST)
        *existed = true;
    else if (!ok)
        qc_error(d, (qc_loc){ 0 }, "io-error", "cannot write '%s': %s", path,
                 strerror(saved));
    return ok || *existed;
}

/* True when PATH is a regular file whose content is DATA[0..LEN). */
static bool holds(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    struct stat st;
    bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
                && (size_t)st.st_size == len;
    char buf[65536];
    for (size_t off = 0; same && off < len;) {
        ssize_t n = read(fd, buf, len - off < sizeof buf ? len - off : sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || memcmp(buf, data + off, (size_t)n) != 0)
            same = false;
        else
            off += (size_t)n;
    }
    close(fd);
    return same;
}

static bool is_stdout(const char *path)
{
    return !path || !strcmp(path, "-");
}

bool qc_output_write(qc_diag *d, const char *path, const char *data,
                     size_t len)
{
    if (is_stdout(path))
        return write_stdout(d, data, len);
    return replace_file(d, path, data, len);
}

bool qc_output_write_if_changed(qc_diag *d, const char *path,
                                const char *data, size_t len, bool *changed)
{
    bool unchanged = !is_stdout(path) && holds(path, data, len);
    if (changed)
        *changed = !unchanged;
    return unchanged || qc_output_write(d, path, data, len);
}

struct qc_output_set {
    char **paths, **tmps;
    size_t n, cap;
    bool failed;
};

qc_output_set *qc_output_set_new(void)
{
    qc_output_set *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    return s;
}

bool qc_output_set_add(qc_output_set *s, qc_diag *d, const char *path,
                       const char *data, size_t len)
{
    if (s->failed)
        return false;
    if (holds(path, data, len))
        return true;
    /* Refuse now what the rename would refuse later, so that the set
     * stays all or nothing. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        qc_error(d, (qc_loc){ 0 }, "io-error",
                 "cannot write '%s': not a regular file", path);
        s->failed = true;
        return false;
    }
    char *tmp = stage_file(d, path, data, len);
    if (!tmp) {
        s->failed = true;
        return false;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->paths = realloc(s->paths, s->cap * sizeof *s->paths);
        s->tmps = realloc(s->tmps, s->cap * sizeof *s->tmps);
        if (!s->paths || !s->tmps)
            abort();
    }
    s->paths[s->n] = strdup(path);
    if (!s->paths[s->n])
        abort();
    s->tmps[s->n++] = tmp;
    return true;
}

static void set_free(qc_output_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->paths[i]);
        free(s->tmps[i]);
    }
    free(s->paths);
    free(s->tmps);
    free(s);
}

void qc_output_set_abort(qc_output_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        unlink(s->tmps[i]);
    set_free(s);
}

bool qc_output_set_commit(qc_output_set *s, qc_diag *d, size_t *nchanged)
{
    if (s->failed) {
        qc_output_set_abort(s);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < s->n; i++) {
        if (ok)
            ok = commit_file(d, s->paths[i], s->tmps[i]);
        else {
            unlink(s->tmps[i]);
            free(s->tmps[i]);
        }
        s->tmps[i] = NULL;
    }
    if (nchanged)
        *nchanged = s->n;
    set_free(s);
    return ok;
}
