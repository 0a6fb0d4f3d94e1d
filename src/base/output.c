/* Standard output, atomic file replacement and writes in place; see
 * output.h for what each kind of path gets. */
#include "base/output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Links followed before giving up, as the kernel does (ELOOP). */
#define MAX_LINK_HOPS 40

static bool fail(qc_diag *d, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(qc_diag *d, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qc_diag_vreport(d, QC_SEV_ERROR, (qc_loc){ 0 }, code, fmt, ap);
    va_end(ap);
    return false;
}

static char *xstrdup(const char *s)
{
    char *c = strdup(s);
    if (!c)
        abort();
    return c;
}

/* DIR/NAME, malloc'ed. */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = malloc(n);
    if (!s)
        abort();
    snprintf(s, n, "%s/%s", dir, name);
    return s;
}

/* The directory part of PATH ("." for a bare name), malloc'ed. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    char *d = xstrdup(path);
    d[slash - path] = '\0';
    return d;
}

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

/* What is written: LEN bytes at DATA, or the pieces PRODUCE hands out. */
typedef struct text {
    const char *data;
    size_t len;
    qc_output_producer *produce;
    void *ctx;
} text;

static bool piece_to_fd(void *fd, const char *data, size_t len)
{
    return write_all(*(int *)fd, data, len);
}

static bool write_text(int fd, const text *t)
{
    if (!t->produce)
        return write_all(fd, t->data, t->len);
    return t->produce(t->ctx, piece_to_fd, &fd);
}

/* Straight to standard output or error: anything stdio still holds goes
 * first, and a failure is seen here, once, not at some later flush. */
static bool write_own(qc_diag *d, int fd, const char *path, const text *t)
{
    FILE *f = fd == STDOUT_FILENO ? stdout : stderr;
    if (fflush(f) != 0 || !write_text(fd, t)) {
        if (!path)
            return fail(d, "io-error", "cannot write to standard output: %s",
                        strerror(errno));
        return fail(d, "io-error", "cannot write '%s': %s", path,
                    strerror(errno));
    }
    return true;
}

/* Standard output or error when ST is the file it is open on, else -1. */
static int own_descriptor(const struct stat *st)
{
    static const int fds[] = { STDOUT_FILENO, STDERR_FILENO };
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        struct stat o;
        if (fstat(fds[i], &o) == 0 && o.st_dev == st->st_dev
            && o.st_ino == st->st_ino)
            return fds[i];
    }
    return -1;
}

/* A FIFO, a terminal or a device: opened and written, never replaced.  A
 * FIFO waits for its reader, as the shell's '>' does. */
static bool write_in_place(qc_diag *d, const char *path, const text *t)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return fail(d, "io-error", "cannot open '%s' for writing: %s", path,
                    strerror(errno));
    bool ok = write_text(fd, t);
    int err = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    return ok || fail(d, "io-error", "cannot write '%s': %s", path,
                      strerror(err));
}

/* Where a PATH that does not exist yet is to be created: PATH itself, or
 * the end of the chain of symbolic links it starts (a dangling link is
 * written through, creating its target).  Malloc'ed; NULL with errno set
 * when the chain cannot be followed. */
static char *link_end(const char *path)
{
    char *cur = xstrdup(path);
    for (int hops = 0; hops < MAX_LINK_HOPS; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;     /* creating it will say what is wrong, if anything */
        char target[PATH_MAX];
        ssize_t n = readlink(cur, target, sizeof target);
        if (n < 0 || (size_t)n >= sizeof target) {
            if (n >= 0)
                errno = ENAMETOOLONG;
            free(cur);
            return NULL;
        }
        target[n] = '\0';
        char *next;
        if (target[0] == '/') {
            next = xstrdup(target);
        } else {
            char *dir = dir_of(cur);
            next = join(dir, target);
            free(dir);
        }
        free(cur);
        cur = next;
    }
    free(cur);
    errno = ELOOP;
    return NULL;
}

/* Whether the existing regular file PATH (ST) may be replaced; reports
 * the refusal. */
static bool may_replace(qc_diag *d, const char *path, const struct stat *st,
                        unsigned flags)
{
    if (st->st_nlink > 1)
        return fail(d, "io-hard-links",
                    "'%s' has %lu hard links: replacing it would split it from "
                    "its other names, and rewriting it in place would not be "
                    "atomic; not rewritten (give it a file of its own first)",
                    path, (unsigned long)st->st_nlink);
    if (flags & QC_OUTPUT_FORCE)
        return true;
    /* Root may write anything: the permission bits still say "keep". */
    if (!(st->st_mode & 0222))
        return fail(d, "io-read-only", "'%s' is read-only (mode %04o); not rewritten",
                    path, (unsigned)(st->st_mode & 07777));
    if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0 && errno == EACCES)
        return fail(d, "io-read-only", "'%s' is not writable for you; not rewritten",
                    path);
    return true;
}

/* ---- extended attributes ---------------------------------------------- */

/* The POSIX ACL of a file, as the kernel keeps it. */
#define ACL_XATTR "system.posix_acl_access"

/* The extended attribute names of FILE (FD >= 0: of FD instead): a
 * malloc'ed list of NUL-terminated names, *LEN bytes in all (NULL with
 * *LEN 0 for none, also on a file system without them).  -1 with errno. */
static int xattr_names(const char *file, int fd, char **names, size_t *len)
{
    *names = NULL;
    *len = 0;
    for (;;) {
        ssize_t n = fd >= 0 ? flistxattr(fd, NULL, 0) : listxattr(file, NULL, 0);
        if (n < 0)
            return errno == ENOTSUP ? 0 : -1;
        if (n == 0)
            return 0;
        char *buf = malloc((size_t)n);
        if (!buf)
            abort();
        ssize_t m = fd >= 0 ? flistxattr(fd, buf, (size_t)n)
                            : listxattr(file, buf, (size_t)n);
        if (m >= 0) {
            *names = buf;
            *len = (size_t)m;
            return 0;
        }
        free(buf);
        if (errno != ERANGE)        /* ERANGE: it grew meanwhile */
            return -1;
    }
}

/* The value of attribute NAME of FILE (FD >= 0: of FD), malloc'ed, *LEN
 * bytes; NULL with errno (ENODATA: it has none). */
static char *xattr_value(const char *file, int fd, const char *name,
                         size_t *len)
{
    for (;;) {
        ssize_t n = fd >= 0 ? fgetxattr(fd, name, NULL, 0)
                            : getxattr(file, name, NULL, 0);
        if (n < 0)
            return NULL;
        char *buf = malloc(n ? (size_t)n : 1);
        if (!buf)
            abort();
        ssize_t m = fd >= 0 ? fgetxattr(fd, name, buf, (size_t)n)
                            : getxattr(file, name, buf, (size_t)n);
        if (m >= 0) {
            *len = (size_t)m;
            return buf;
        }
        free(buf);
        if (errno != ERANGE)
            return NULL;
    }
}

/* Gives FD the attribute NAME of OLD, unless it has it already (a
 * security label the system gave it); 0, or an errno.  One it lost
 * meanwhile is no loss. */
static int copy_xattr(const char *old, int fd, const char *name)
{
    size_t len, have_len;
    char *value = xattr_value(old, -1, name, &len);
    if (!value)
        return errno == ENODATA ? 0 : errno;
    char *have = xattr_value(NULL, fd, name, &have_len);
    int err = 0;
    if (!have || have_len != len || memcmp(have, value, len))
        err = fsetxattr(fd, name, value, len, 0) == 0 ? 0 : errno;
    free(have);
    free(value);
    return err;
}

static bool has_name(const char *names, size_t len, const char *name)
{
    for (size_t at = 0; at < len; at += strlen(names + at) + 1)
        if (!strcmp(names + at, name))
            return true;
    return false;
}

/* Gives the temporary file FD the extended attributes (ACLs included) of
 * the file OLD it replaces, and no ACL when OLD has none (the directory's
 * default ACL gives it one).  What cannot be carried over refuses the
 * rewrite, unless forced: the replacement would then be seen by other
 * rules than the file it replaces (an ACL dropped widens the group's
 * access to what the ACL's mask allowed). */
static bool take_xattrs(qc_diag *d, const char *path, int fd, const char *old,
                        unsigned flags)
{
    char *names;
    size_t len;
    if (xattr_names(old, -1, &names, &len) < 0)
        return fail(d, "io-error", "cannot read the extended attributes of "
                    "'%s': %s", path, strerror(errno));
    bool ok = true;
    for (size_t at = 0; ok && at < len; at += strlen(names + at) + 1) {
        int err = copy_xattr(old, fd, names + at);
        if (err && !(flags & QC_OUTPUT_FORCE))
            ok = fail(d, "io-xattr", "'%s' has the extended attribute '%s', "
                      "which a rewrite by you cannot keep (%s); not rewritten",
                      path, names + at, strerror(err));
    }
    if (ok && !has_name(names, len, ACL_XATTR)
        && fremovexattr(fd, ACL_XATTR) != 0 && errno != ENODATA
        && errno != ENOTSUP && !(flags & QC_OUTPUT_FORCE))
        ok = fail(d, "io-xattr", "'%s' has no ACL, and its rewrite cannot be "
                  "kept from taking its directory's default ACL (%s); not "
                  "rewritten", path, strerror(errno));
    free(names);
    return ok;
}

/* Gives the temporary file FD what the file it replaces has (OLD, named
 * OLD_PATH), or what a new file gets (OLD NULL). */
static bool take_over(qc_diag *d, const char *path, int fd,
                      const struct stat *old, const char *old_path,
                      unsigned flags)
{
    mode_t mode;
    if (old) {
        struct stat t;
        if (fstat(fd, &t) != 0)
            return fail(d, "io-error", "cannot write '%s': %s", path,
                        strerror(errno));
        bool uid = t.st_uid != old->st_uid, gid = t.st_gid != old->st_gid;
        if ((uid || gid)
            && fchown(fd, uid ? old->st_uid : (uid_t)-1,
                      gid ? old->st_gid : (gid_t)-1) != 0)
            return fail(d, "io-owner",
                        "'%s' belongs to user %lu, group %lu, which a rewrite "
                        "by you cannot keep (%s); not rewritten", path,
                        (unsigned long)old->st_uid, (unsigned long)old->st_gid,
                        strerror(errno));
        /* After fchown, which drops file capabilities. */
        if (!take_xattrs(d, path, fd, old_path, flags))
            return false;
        mode = old->st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    /* After fchown, which may clear the set-id bits, and after the ACL,
     * whose mask, owner and other entries are the permission bits. */
    if (fchmod(fd, mode) != 0)
        return fail(d, "io-error", "cannot write '%s': %s", path,
                    strerror(errno));
    return true;
}

/* Makes the rename in DIR durable.  A file system that cannot sync
 * directories (EINVAL) or a directory we may not open is passed over. */
static bool sync_dir(qc_diag *d, const char *path, const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return true;
    bool ok = fsync(fd) == 0 || errno == EINVAL;
    int err = errno;
    close(fd);
    return ok || fail(d, "io-error",
                      "'%s' was written, but its directory '%s' could not be "
                      "synced: %s", path, dir, strerror(err));
}

/* Where a named PATH is written, decided before anything is. */
typedef enum { DEST_OWN, DEST_IN_PLACE, DEST_REPLACE } dest_kind;

typedef struct dest {
    dest_kind kind;
    int fd;             /* DEST_OWN: standard output or error */
    char *target;       /* DEST_REPLACE: the file replaced or created: PATH,
                           or where its links lead (malloc'ed) */
    bool existed;       /* DEST_REPLACE: TARGET exists and is OLD */
    struct stat old;
} dest;

/* Decides where PATH goes into *TO; false after reporting a refusal or
 * an error (nothing is written then). */
static bool resolve(qc_diag *d, const char *path, unsigned flags, dest *to)
{
    memset(to, 0, sizeof *to);
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return fail(d, "io-error", "cannot write '%s': %s", path,
                        strerror(errno));
        to->kind = DEST_REPLACE;
        to->target = link_end(path);
        if (!to->target)
            return fail(d, "io-error", "cannot write '%s': %s", path,
                        strerror(errno));
        /* "new/" names a directory, as the shell's '>' says, not a file
         * "new" to create (nor a temporary one in "new"). */
        size_t n = strlen(to->target);
        if (n && to->target[n - 1] == '/') {
            free(to->target);
            to->target = NULL;
            return fail(d, "io-error", "cannot write '%s': %s", path,
                        strerror(EISDIR));
        }
        return true;
    }
    to->fd = own_descriptor(&st);
    if (to->fd >= 0) {
        to->kind = DEST_OWN;
        return true;
    }
    if (S_ISDIR(st.st_mode))
        return fail(d, "io-error", "cannot write '%s': %s", path,
                    strerror(EISDIR));
    if (!S_ISREG(st.st_mode)) {
        to->kind = DEST_IN_PLACE;
        return true;
    }
    if (!may_replace(d, path, &st, flags))
        return false;
    /* The file the links lead to, checked to be the one just looked at
     * (a link into /proc may name no path at all). */
    char *target = realpath(path, NULL);
    struct stat t;
    if (!target || stat(target, &t) != 0 || t.st_dev != st.st_dev
        || t.st_ino != st.st_ino) {
        free(target);
        return fail(d, "io-error",
                    "cannot tell which file '%s' is, to replace it; not rewritten",
                    path);
    }
    to->kind = DEST_REPLACE;
    to->target = target;
    to->existed = true;
    to->old = st;
    return true;
}

/* Writes DATA to a new temporary file next to TO's target, with the
 * owner, group and mode the target has (or a new file gets), synced.
 * Returns its name (malloc'ed), or NULL after reporting. */
static char *stage(qc_diag *d, const char *path, const dest *to,
                   const text *t, unsigned flags)
{
    char *dir = dir_of(to->target);
    char *tmp = join(dir, ".qapic-XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fail(d, "io-error", "cannot create a temporary file for '%s' in '%s': %s",
             path, dir, strerror(errno));
        free(dir);
        free(tmp);
        return NULL;
    }
    free(dir);
    bool ok = take_over(d, path, fd, to->existed ? &to->old : NULL,
                        to->target, flags);
    if (ok) {
        ok = write_text(fd, t) && fsync(fd) == 0;
        int err = errno;
        if (close(fd) != 0 && ok) {
            ok = false;
            err = errno;
        }
        if (!ok)
            fail(d, "io-error", "cannot write '%s': %s", path, strerror(err));
    } else {
        close(fd);
    }
    if (!ok) {
        unlink(tmp);
        free(tmp);
        return NULL;
    }
    return tmp;
}

/* Renames the staged TMP over TO's target; the temporary file is gone
 * either way. */
static bool commit(qc_diag *d, const char *path, const dest *to,
                   const char *tmp)
{
    if (rename(tmp, to->target) == 0)
        return true;
    int err = errno;
    unlink(tmp);
    return fail(d, "io-error", "cannot write '%s': %s", path, strerror(err));
}

/* Writes PATH, of kind DEST_OWN or DEST_IN_PLACE, straight. */
static bool write_straight(qc_diag *d, const char *path, const dest *to,
                           const text *t)
{
    if (to->kind == DEST_OWN)
        return write_own(d, to->fd, path, t);
    return write_in_place(d, path, t);
}

static bool write_named(qc_diag *d, const char *path, const text *t,
                        unsigned flags)
{
    dest to;
    if (!resolve(d, path, flags, &to))
        return false;
    if (to.kind != DEST_REPLACE)
        return write_straight(d, path, &to, t);
    char *tmp = stage(d, path, &to, t, flags);
    bool ok = tmp && commit(d, path, &to, tmp);
    if (ok) {
        char *dir = dir_of(to.target);
        ok = sync_dir(d, path, dir);
        free(dir);
    }
    free(tmp);
    free(to.target);
    return ok;
}

/* True when PATH is a regular file whose content is DATA[0..LEN). */
static bool holds(const char *path, const char *data, size_t len)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)
        || (size_t)st.st_size != len)
        return false;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return false;
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

/* Writes T as qc_output_write says. */
static bool write_path(qc_diag *d, const char *path, const text *t,
                       unsigned flags)
{
    if (is_stdout(path))
        return write_own(d, STDOUT_FILENO, NULL, t);
    return write_named(d, path, t, flags);
}

bool qc_output_write(qc_diag *d, const char *path, const char *data,
                     size_t len, unsigned flags)
{
    text t = { data, len, NULL, NULL };
    return write_path(d, path, &t, flags);
}

bool qc_output_write_pieces(qc_diag *d, const char *path,
                            qc_output_producer *produce, void *ctx,
                            unsigned flags)
{
    text t = { NULL, 0, produce, ctx };
    return write_path(d, path, &t, flags);
}

bool qc_output_may_write(qc_diag *d, const char *path, unsigned flags)
{
    if (is_stdout(path))
        return true;
    dest to;
    bool ok = resolve(d, path, flags, &to);
    free(to.target);
    return ok;
}

bool qc_output_write_if_changed(qc_diag *d, const char *path,
                                const char *data, size_t len, unsigned flags,
                                bool *changed)
{
    bool unchanged = !is_stdout(path) && holds(path, data, len);
    if (changed)
        *changed = !unchanged;
    return unchanged || qc_output_write(d, path, data, len, flags);
}

bool qc_output_write_new(qc_diag *d, const char *path, const char *data,
                         size_t len, bool *existed)
{
    struct stat st;
    *existed = lstat(path, &st) == 0;
    if (*existed)
        return true;
    dest to = { .kind = DEST_REPLACE, .target = xstrdup(path) };
    text t = { data, len, NULL, NULL };
    char *tmp = stage(d, path, &to, &t, 0);
    bool ok = false;
    if (tmp) {
        /* link, not rename: a file made meanwhile is kept. */
        ok = link(tmp, path) == 0;
        int err = errno;
        unlink(tmp);
        if (!ok && err == EEXIST)
            *existed = true;
        else if (!ok)
            fail(d, "io-error", "cannot write '%s': %s", path, strerror(err));
        if (ok) {
            char *dir = dir_of(path);
            ok = sync_dir(d, path, dir);
            free(dir);
        }
    }
    free(tmp);
    free(to.target);
    return ok || *existed;
}

/* --- sets: all or nothing --- */

typedef struct set_entry {
    char *path;
    dest to;
    char *tmp;          /* DEST_REPLACE: the staged file */
    char *data;         /* otherwise: the text, written at commit */
    size_t len;
} set_entry;

struct qc_output_set {
    set_entry *e;
    size_t n, cap;
    unsigned flags;
    bool failed;
};

qc_output_set *qc_output_set_new(void)
{
    qc_output_set *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    return s;
}

void qc_output_set_flags(qc_output_set *s, unsigned flags)
{
    s->flags = flags;
}

bool qc_output_set_add(qc_output_set *s, qc_diag *d, const char *path,
                       const char *data, size_t len)
{
    if (s->failed)
        return false;
    if (holds(path, data, len))
        return true;
    set_entry e = { 0 };
    /* Every refusal happens here, before anything is in place. */
    if (!resolve(d, path, s->flags, &e.to)) {
        s->failed = true;
        return false;
    }
    if (e.to.kind == DEST_REPLACE) {
        text t = { data, len, NULL, NULL };
        e.tmp = stage(d, path, &e.to, &t, s->flags);
        if (!e.tmp) {
            free(e.to.target);
            s->failed = true;
            return false;
        }
    } else {
        e.data = malloc(len ? len : 1);
        if (!e.data)
            abort();
        memcpy(e.data, data, len);
        e.len = len;
    }
    e.path = xstrdup(path);
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->e = realloc(s->e, s->cap * sizeof *s->e);
        if (!s->e)
            abort();
    }
    s->e[s->n++] = e;
    return true;
}

/* Frees S, removing the staged files not committed. */
static void set_free(qc_output_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->e[i].tmp)
            unlink(s->e[i].tmp);
        free(s->e[i].tmp);
        free(s->e[i].path);
        free(s->e[i].to.target);
        free(s->e[i].data);
    }
    free(s->e);
    free(s);
}

void qc_output_set_abort(qc_output_set *s)
{
    if (s)
        set_free(s);
}

/* Syncs the directory of every renamed file once. */
static bool set_sync_dirs(qc_output_set *s, qc_diag *d)
{
    bool ok = true;
    char **done = calloc(s->n + 1, sizeof *done);
    size_t ndone = 0;
    if (!done)
        abort();
    for (size_t i = 0; i < s->n; i++) {
        if (s->e[i].to.kind != DEST_REPLACE)
            continue;
        char *dir = dir_of(s->e[i].to.target);
        size_t k = 0;
        while (k < ndone && strcmp(done[k], dir))
            k++;
        if (k < ndone) {
            free(dir);
            continue;
        }
        ok = sync_dir(d, s->e[i].path, dir) && ok;
        done[ndone++] = dir;
    }
    for (size_t k = 0; k < ndone; k++)
        free(done[k]);
    free(done);
    return ok;
}

bool qc_output_set_commit(qc_output_set *s, qc_diag *d, size_t *nchanged)
{
    bool ok = !s->failed;
    /* The files written straight first: one of them may fail (a full
     * device) while no regular file has been replaced yet. */
    for (size_t i = 0; ok && i < s->n; i++) {
        if (s->e[i].to.kind != DEST_REPLACE) {
            text t = { s->e[i].data, s->e[i].len, NULL, NULL };
            ok = write_straight(d, s->e[i].path, &s->e[i].to, &t);
        }
    }
    bool renamed = false;
    for (size_t i = 0; ok && i < s->n; i++) {
        if (s->e[i].to.kind != DEST_REPLACE)
            continue;
        ok = commit(d, s->e[i].path, &s->e[i].to, s->e[i].tmp);
        free(s->e[i].tmp);
        s->e[i].tmp = NULL;
        renamed = true;
    }
    if (renamed)
        ok = set_sync_dirs(s, d) && ok;
    if (nchanged)
        *nchanged = ok ? s->n : 0;
    set_free(s);
    return ok;
}
