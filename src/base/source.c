/* Loading sources; lines and columns of locations.  See source.h. */
#include "base/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/utf8.h"

/* The numbers of locations: table[id] is the live source numbered id
 * (0 is no source); the free numbers of freed sources are reused, so a
 * process that reads one file after another (a fuzzer) keeps a table of
 * the sources it holds, not of all it has read. */
const qc_source **qc_source_table_;
static size_t table_len, table_cap;
static uint32_t *free_ids;
static size_t nfree, free_cap;

/* The sources of an arena, newest first (linked by older_), whose numbers
 * are freed with it: one hook for them all.  LAST_GROUP is the group of
 * the arena that made the last source: an arena reads its sources one
 * after another.  (Another group of that arena is made when sources of
 * two arenas are read in turn; each frees its own.) */
struct source_group {
    qc_arena *arena;
    const qc_source *newest;
};
static struct source_group *last_group;

/* The serial of the last source made (0: none yet). */
static uint64_t last_serial;

/* The line index of a source, and the last column computed (diagnostics
 * come mostly in text order: the next one on the same line counts on
 * from there, so a line of a million problems is not read a million
 * times). */
struct qc_source_lines {
    uint32_t *starts;            /* starts[i] is the offset of line i+1 */
    size_t n;
    /* The last columns computed, two (diagnostics come mostly in text
     * order: the next one on the same line counts on from the nearest
     * before it, so a line of a million problems is not read a million
     * times, even when each has a note pointing back at another place
     * that moves on too: each keeps a place of its own). */
    struct qc_source_col {
        uint32_t line_start, off;
        unsigned col;           /* 0: unused */
    } col_cache[2];
    /* The columns every MARK_EVERY bytes of the last long lines asked
     * about out of order (a line of a hundred thousand problems reported
     * in another order than the text's, QMP's key order say, would be
     * read from its start for each): marks[k] is the column at byte
     * line_start + k * MARK_EVERY. */
    struct qc_source_marks {
        uint32_t line_start, n;
        unsigned *marks;        /* NULL: unused */
    } marks[2];
    unsigned next_marks;
};

#define MARK_EVERY 4096u

static void unregister_group(void *arg)
{
    struct source_group *g = arg;
    for (const qc_source *s = g->newest; s; s = s->older_) {
        qc_source_table_[s->id] = NULL;
        if (nfree == free_cap)
            free_ids = qc_grow(free_ids, &free_cap, sizeof *free_ids);
        free_ids[nfree++] = s->id;
    }
    if (last_group == g)
        last_group = NULL;
}

static void register_source(qc_source *s)
{
    if (nfree) {
        s->id = free_ids[--nfree];
    } else {
        if (table_len == 0)
            table_len = 1;      /* number 0 is no source */
        if (table_len > QC_SOURCE_MAX_ID) {
            fputs("qapic: too many sources\n", stderr);
            abort();
        }
        if (table_len >= table_cap)
            qc_source_table_ = qc_grow(qc_source_table_, &table_cap,
                                       sizeof *qc_source_table_);
        s->id = (uint32_t)table_len++;
    }
    qc_source_table_[s->id] = s;
    s->serial = ++last_serial;
    struct source_group *g = last_group;
    if (!g || g->arena != s->arena) {
        g = qc_arena_alloc(s->arena, sizeof *g);
        g->arena = s->arena;
        qc_arena_on_free(s->arena, unregister_group, g);
        last_group = g;
    }
    s->older_ = g->newest;
    g->newest = s;
}

/* A source named NAME (a string of A's, not copied) with room for LEN
 * bytes of text. */
static qc_source *make_source(qc_arena *a, const char *name, size_t len)
{
    qc_source *s = qc_arena_alloc(a, sizeof *s);
    s->arena = a;
    register_source(s);
    s->path = name;
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

static qc_source *mem_source(qc_arena *a, const char *name, const char *data,
                             size_t len, bool ensure_newline)
{
    qc_source *s = make_source(a, name, len);
    memcpy(s->text, data, len);
    finish_text(s, len, ensure_newline);
    return s;
}

qc_source *qc_source_from_mem(qc_arena *a, const char *path,
                              const char *data, size_t len,
                              bool ensure_newline)
{
    return mem_source(a, qc_arena_strdup(a, path), data, len, ensure_newline);
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

static uint64_t max_size = QC_SOURCE_MAX_DEFAULT;

void qc_source_set_max_size(uint64_t max)
{
    max_size = max < QC_SOURCE_MAX_CEILING ? max : QC_SOURCE_MAX_CEILING;
}

uint64_t qc_source_max_size(void)
{
    return max_size;
}

/* Reads up to SIZE bytes into BUF; *GOT tells how many.  0 (with *GOT <
 * SIZE only at the end of the stream), or an errno. */
static int fill(int fd, char *buf, size_t size, size_t *got)
{
    *got = 0;
    while (*got < size) {
        ssize_t n = read(fd, buf + *got, size - *got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return 0;
}

/* A stream is read into blocks, each as large as all before it (at most
 * STREAM_BLOCK_MAX), then copied into its source block by block, each
 * freed once copied: the peak is the data and one block, where one buffer
 * grown by doubling and then copied would take twice the data. */
#define STREAM_BLOCK_MIN ((size_t)64 << 10)
#define STREAM_BLOCK_MAX ((size_t)8 << 20)

typedef struct stream_block {
    struct stream_block *next;
    size_t len;
    char data[];
} stream_block;

static void free_blocks(stream_block *b)
{
    while (b) {
        stream_block *next = b->next;
        free(b);
        b = next;
    }
}

/* Pipes, devices, sockets: at most the limit and one byte more, which
 * tells that the stream goes on (*OVER: the source then holds the bytes
 * up to the limit). */
static qc_source *read_stream(qc_arena *a, const char *path, int fd,
                              bool ensure_newline, bool *over, int *err)
{
    stream_block *head = NULL, **tail = &head;
    size_t len = 0, want = (size_t)max_size + 1;
    bool more = true;
    while (more && len < want) {
        size_t size = len < STREAM_BLOCK_MIN ? STREAM_BLOCK_MIN
                    : len < STREAM_BLOCK_MAX ? len : STREAM_BLOCK_MAX;
        if (size > want - len)
            size = want - len;
        stream_block *b = malloc(sizeof *b + size);
        if (!b || (*err = fill(fd, b->data, size, &b->len))) {
            if (!b)
                *err = ENOMEM;
            free(b);
            free_blocks(head);
            return NULL;
        }
        b->next = NULL;
        *tail = b;
        tail = &b->next;
        len += b->len;
        more = b->len == size;
    }
    *over = len > max_size;
    if (*over)
        len = (size_t)max_size;
    qc_source *s = make_source(a, path, len);
    size_t at = 0;
    while (head) {
        stream_block *b = head;
        size_t n = b->len < len - at ? b->len : len - at;
        memcpy(s->text + at, b->data, n);
        at += n;
        head = b->next;
        free(b);
    }
    finish_text(s, len, ensure_newline && !*over);
    return s;
}

static void report_too_large(qc_diag *d, qc_source *s, uint64_t size,
                             bool known)
{
    uint64_t mib = max_size >> 20;
    const char *unit = mib << 20 == max_size ? "MiB" : "bytes";
    uint64_t shown = mib << 20 == max_size ? mib : max_size;
    qc_diagnostic *dg;
    if (known)
        dg = qc_error(d, qc_loc_make(s, 0), "input-too-large",
                      "the input has %llu bytes, more than the limit of "
                      "%llu %s", (unsigned long long)size,
                      (unsigned long long)shown, unit);
    else
        dg = qc_error(d, qc_loc_make(s, (uint32_t)s->len), "input-too-large",
                      "the input goes on past the limit of %llu %s",
                      (unsigned long long)shown, unit);
    qc_diag_show_column(dg);
}

/* Reads FD (named PATH, a string of A's) as qc_source_read does. */
static qc_source *read_fd(qc_arena *a, qc_diag *d, const char *path, int fd,
                          bool opened_here, bool ensure_newline,
                          const qc_source *parent, uint32_t parent_off,
                          int *err)
{
    struct stat st;
    qc_source *s = NULL;
    bool over = false, known = false;
    uint64_t size = 0;
    if (fstat(fd, &st) < 0) {
        *err = errno;
        return NULL;
    }
    if (S_ISREG(st.st_mode)) {
        /* Standard input may be a file read in part already; a file
         * opened here is at its start. */
        off_t at = opened_here ? 0 : lseek(fd, 0, SEEK_CUR);
        size = at > 0 && at < st.st_size ? (uint64_t)(st.st_size - at)
             : at > 0 ? 0 : (uint64_t)st.st_size;
    }
    if (S_ISDIR(st.st_mode)) {
        *err = EISDIR;
    } else if (S_ISREG(st.st_mode) && size > max_size) {
        /* Refused from its size alone: not a byte is read. */
        over = known = true;
        s = mem_source(a, path, "", 0, false);
    } else if (S_ISREG(st.st_mode)) {
        s = read_regular(a, path, fd, (size_t)size, ensure_newline, err);
    } else {
        s = read_stream(a, path, fd, ensure_newline, &over, err);
    }
    if (!over)
        return s;
    if (!d) {
        *err = EFBIG;
        return NULL;
    }
    s->parent = parent;
    s->parent_off = parent_off;
    report_too_large(d, s, size, known);
    *err = 0;
    return NULL;
}

static qc_source *read_path(qc_arena *a, qc_diag *d, const char *path,
                            bool keep_path, bool ensure_newline,
                            const qc_source *parent, uint32_t parent_off,
                            int *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = errno;
        return NULL;
    }
    qc_source *s = read_fd(a, d, keep_path ? path : qc_arena_strdup(a, path),
                           fd, true, ensure_newline, parent, parent_off, err);
    close(fd);
    return s;
}

qc_source *qc_source_read(qc_arena *a, qc_diag *d, const char *path,
                          bool ensure_newline, const qc_source *parent,
                          uint32_t parent_off, int *err)
{
    return read_path(a, d, path, false, ensure_newline, parent, parent_off,
                     err);
}

qc_source *qc_source_read_kept(qc_arena *a, qc_diag *d, const char *path,
                               bool ensure_newline, const qc_source *parent,
                               uint32_t parent_off, int *err)
{
    return read_path(a, d, path, true, ensure_newline, parent, parent_off,
                     err);
}

qc_source *qc_source_read_stdin(qc_arena *a, qc_diag *d, bool ensure_newline,
                                int *err)
{
    return read_fd(a, d, QC_SOURCE_STDIN, STDIN_FILENO, false, ensure_newline,
                   NULL, 0, err);
}

qc_source *qc_source_load(qc_arena *a, const char *path, bool ensure_newline,
                          int *err)
{
    return qc_source_read(a, NULL, path, ensure_newline, NULL, 0, err);
}

/* memchr: lines may be long (a JSON stream on one line). */
static struct qc_source_lines *lines_of(const qc_source *cs)
{
    if (cs->lines_)
        return cs->lines_;
    qc_source *s = (qc_source *)cs;   /* the index is a cache */
    struct qc_source_lines *l = qc_arena_alloc(s->arena, sizeof *l);
    const char *end = s->text + s->len, *p;
    size_t n = 1;
    for (p = s->text; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
    l->starts = qc_arena_alloc(s->arena, n * sizeof *l->starts);
    size_t k = 0;
    l->starts[k++] = 0;
    for (p = s->text; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        l->starts[k++] = (uint32_t)(p + 1 - s->text);
    l->n = n;
    s->lines_ = l;
    return l;
}

/* Whether the eight bytes at P are ASCII and hold no tab: one column
 * each. */
static bool plain8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    uint64_t tab = w ^ 0x0909090909090909ull;
    uint64_t has_tab = (tab - 0x0101010101010101ull) & ~tab
                       & 0x8080808080808080ull;
    return !(w & 0x8080808080808080ull) && !has_tab;
}

unsigned qc_source_line(const qc_source *src, uint32_t off)
{
    const struct qc_source_lines *l = lines_of(src);
    size_t lo = 0, hi = l->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (l->starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return (unsigned)lo + 1;
}

uint32_t qc_source_line_offset(const qc_source *src, unsigned line)
{
    const struct qc_source_lines *l = lines_of(src);
    if (line == 0)
        return 0;
    if (line > l->n)
        return (uint32_t)src->len;
    return l->starts[line - 1];
}

/* The column after the text [I, STOP) of SRC, from column COL at I. */
static unsigned count_columns(const qc_source *src, uint32_t i, uint32_t stop,
                              unsigned col)
{
    for (; i < stop; i++) {
        if (stop - i >= 8 && plain8(src->text + i)) {
            col += 8;
            i += 7;
            continue;
        }
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

/* The marks of the line starting at START (ending at END), made when it
 * has none yet. */
static const struct qc_source_marks *line_marks(const qc_source *src,
                                                uint32_t start, uint32_t end)
{
    struct qc_source_lines *l = src->lines_;
    for (int k = 0; k < 2; k++)
        if (l->marks[k].marks && l->marks[k].line_start == start)
            return &l->marks[k];
    struct qc_source_marks *m = &l->marks[l->next_marks];
    l->next_marks ^= 1;
    uint32_t n = (end - start) / MARK_EVERY + 1;
    if (!m->marks || m->n < n)
        m->marks = qc_arena_alloc_uninit(src->arena, n * sizeof *m->marks);
    m->line_start = start;
    m->n = n;
    unsigned col = 1;
    m->marks[0] = col;
    for (uint32_t k = 1; k < n; k++) {
        uint32_t at = start + k * MARK_EVERY;
        col = count_columns(src, at - MARK_EVERY, at, col);
        m->marks[k] = col;
    }
    return m;
}

unsigned qc_source_column(const qc_source *src, uint32_t off)
{
    unsigned line = qc_source_line(src, off);
    uint32_t start = qc_source_line_offset(src, line);
    struct qc_source_lines *cache = src->lines_;
    unsigned col = 1;
    uint32_t i = start, stop = off < src->len ? off : (uint32_t)src->len;
    /* Count on from the nearest place before, which moves on; with none,
     * an unused place is taken, or one on another line. */
    struct qc_source_col *slot = cache->col_cache, *from = NULL;
    for (int k = 0; k < 2; k++)
        if (slot[k].col && slot[k].line_start == start && slot[k].off <= stop
            && (!from || slot[k].off > from->off))
            from = &slot[k];
    if (from) {
        i = from->off;
        col = from->col;
    } else {
        from = !slot[0].col || slot[0].line_start != start ? &slot[0]
                                                           : &slot[1];
    }
    if (stop - i > 16 * MARK_EVERY) {
        /* A long way to count: from the mark before STOP, made once. */
        const struct qc_source_marks *m =
            line_marks(src, start, qc_source_line_offset(src, line + 1));
        uint32_t k = (stop - start) / MARK_EVERY;
        if (k >= m->n)
            k = m->n - 1;
        if (start + k * MARK_EVERY > i) {
            i = start + k * MARK_EVERY;
            col = m->marks[k];
        }
    }
    col = count_columns(src, i, stop, col);
    from->line_start = start;
    from->off = stop;
    from->col = col;
    return col;
}
