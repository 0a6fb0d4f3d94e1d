/* Loading sources; lines and columns of locations.  See source.h. */
#include "base/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/utf8.h"

static qc_source *make_source(qc_arena *a, const char *path, size_t len)
{
    qc_source *s = qc_arena_alloc(a, sizeof *s);
    s->arena = a;
    s->path = qc_arena_strdup(a, path);
    s->text = qc_arena_alloc_text(a, len + 1 + QC_SOURCE_PAD); /* +newline */
    return s;
}

/* QEMU reads schema files in Python's text mode, whose universal newlines
 * turn "\r\n" and a lone "\r" into "\n" (schemas from Windows checkouts have
 * CRLF line ends).  Returns the new length. */
static size_t universal_newlines(char *t, size_t len)
{
    char *r = memchr(t, '\r', len);
    if (!r)
        return len;
    size_t w = (size_t)(r - t);
    for (size_t i = w; i < len; i++) {
        if (t[i] != '\r')
            t[w++] = t[i];
        else {
            t[w++] = '\n';
            if (i + 1 < len && t[i + 1] == '\n')
                i++;
        }
    }
    return w;
}

static void finish_text(qc_source *s, size_t len, bool ensure_newline)
{
    if (ensure_newline)
        len = universal_newlines(s->text, len);
    if (ensure_newline && (len == 0 || s->text[len - 1] != '\n'))
        s->text[len++] = '\n';
    memset(s->text + len, 0, QC_SOURCE_PAD);
    s->len = len;
}

qc_source *qc_source_from_mem(qc_arena *a, const char *path,
                              const char *data, size_t len,
                              bool ensure_newline)
{
    qc_source *s = make_source(a, path, len);
    memcpy(s->text, data, len);
    finish_text(s, len, ensure_newline);
    return s;
}

/* A regular file of SIZE bytes, read straight into the arena. */
static qc_source *read_regular(qc_arena *a, const char *path, int fd,
                               size_t size, bool ensure_newline, int *err)
{
    qc_source *s = make_source(a, path, size);
    size_t len = 0;
    while (len < size) {
        ssize_t n = read(fd, s->text + len, size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *err = errno;
            return NULL;
        }
        if (n == 0)
            break;          /* the file shrank under us */
        len += (size_t)n;
    }
    finish_text(s, len, ensure_newline);
    return s;
}

/* Pipes and devices: read into a growing buffer, then copied. */
static qc_source *read_stream(qc_arena *a, const char *path, int fd,
                              bool ensure_newline, int *err)
{
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        *err = ENOMEM;
        return NULL;
    }
    for (;;) {
        if (len == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                *err = ENOMEM;
                return NULL;
            }
            buf = nb;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *err = errno;
            free(buf);
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    qc_source *s = NULL;
    if (len > UINT32_MAX - 4)
        *err = EFBIG;
    else
        s = qc_source_from_mem(a, path, buf, len, ensure_newline);
    free(buf);
    return s;
}

qc_source *qc_source_load(qc_arena *a, const char *path, bool ensure_newline,
                          int *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        *err = errno;
        return NULL;
    }
    struct stat st;
    qc_source *s = NULL;
    if (fstat(fd, &st) < 0)
        *err = errno;
    else if (S_ISDIR(st.st_mode))
        *err = EISDIR;
    else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < UINT32_MAX - 4)
        s = read_regular(a, path, fd, (size_t)st.st_size, ensure_newline, err);
    else
        s = read_stream(a, path, fd, ensure_newline, err);
    close(fd);
    return s;
}

static void build_index(const qc_source *cs)
{
    qc_source *s = (qc_source *)cs;   /* the index is a cache */
    size_t n = 1;
    for (size_t i = 0; i < s->len; i++)
        if (s->text[i] == '\n')
            n++;
    s->line_starts = qc_arena_alloc(s->arena, n * sizeof *s->line_starts);
    size_t k = 0;
    s->line_starts[k++] = 0;
    for (size_t i = 0; i < s->len; i++)
        if (s->text[i] == '\n')
            s->line_starts[k++] = (uint32_t)(i + 1);
    s->nlines = n;
}

unsigned qc_source_line(const qc_source *src, uint32_t off)
{
    if (!src->line_starts)
        build_index(src);
    size_t lo = 0, hi = src->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (src->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return (unsigned)lo + 1;
}

uint32_t qc_source_line_offset(const qc_source *src, unsigned line)
{
    if (!src->line_starts)
        build_index(src);
    if (line == 0)
        return 0;
    if (line > src->nlines)
        return (uint32_t)src->len;
    return src->line_starts[line - 1];
}

unsigned qc_source_column(const qc_source *src, uint32_t off)
{
    uint32_t start = qc_source_line_offset(src, qc_source_line(src, off));
    unsigned col = 1;
    for (uint32_t i = start; i < off && i < src->len; i++) {
        unsigned char c = (unsigned char)src->text[i];
        if (qc_utf8_is_cont(c))
            continue;           /* the same character */
        if (c == '\t')
            col = (col + 7) % 8 + 1;
        else
            col++;
    }
    return col;
}
