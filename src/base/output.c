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

static bool replace_file(qc_diag *d, const char *path, const char *data,
                         size_t len)
{
    char *tmp = temp_template(path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        qc_error(d, (qc_loc){ 0 }, "io-error",
                 "cannot create a temporary file for '%s': %s", path,
                 strerror(errno));
        free(tmp);
        return false;
    }
    bool ok = write_all(fd, data, len) && fchmod(fd, target_mode(path)) == 0
              && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        unlink(tmp);
        qc_error(d, (qc_loc){ 0 }, "io-error", "cannot write '%s': %s", path,
                 strerror(saved));
    }
    free(tmp);
    return ok;
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
