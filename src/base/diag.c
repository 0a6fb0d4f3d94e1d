/* The diagnostic sink: recording, resolving locations, formatting and
 * ordering on flush; see diag.h. */
#include "base/diag.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json_string.h"
#include "base/visible.h"

/* What the sink keeps per diagnostic is the fixed record below and the
 * text of its message; everything else is shared or rare.  A run that
 * reports every problem of a hostile input (--max-errors=0) holds
 * hundreds of thousands of them until the flush sorts them, so:
 *
 * - locations are resolved when reported (the sources belong to the
 *   caller's arena, which may be gone by the flush), but a file's path
 *   and include chain only once, into the table of files;
 * - texts (messages, names, paths) go one after the other into one
 *   block, named by their offset there, and a text equal to a recent one
 *   is shared (a thousand times "a rule must be a mapping" is kept once);
 * - the code is a number in the table of codes;
 * - definitions and notes, which few diagnostics have, live in side
 *   tables the record points into by number;
 * - the flush writes in pieces, never the whole output at once.
 *
 * A handle is a pointer to its record; the page it is in names the sink,
 * for the functions that take only a handle. */
struct qc_diagnostic {
    uint32_t off;              /* in the file; 0 with no location */
    uint32_t line, col;
    uint32_t file;             /* in d->files; 0: no location */
    uint32_t extra;            /* 1 + index in d->extras; 0: none */
    uint32_t code : 21;        /* in d->codes */
    uint32_t sev : 2;
    uint32_t show_column : 1;
    uint32_t message_hi : 8;   /* the message's text, in 40 bits */
    uint32_t message_lo;
};

/* Offsets in the block of texts; 0 is no text. */
typedef uint64_t textref;

#define TEXT_MAX (((textref)1 << 40) - 1)
#define CODES_MAX ((size_t)1 << 21)

/* Records are kept in pages of PAGE_BYTES, each aligned on its size and
 * starting with a header: the page of a handle is its address rounded
 * down.  Pages are allocated in runs that double up to RUN_MAX pages: a
 * sink that gets one diagnostic, such as a quiet one of a trial parse,
 * takes one page from its arena, a large run is a mapping of its own
 * (no page of it wasted on alignment). */
#define PAGE_BYTES ((size_t)4096)
#define RUN_MAX 64

struct page {
    qc_diag *d;
    qc_diagnostic recs[];
};

#define PER_PAGE ((PAGE_BYTES - sizeof(struct page)) / sizeof(qc_diagnostic))

/* A file as diagnostics name it: one per source they were reported in,
 * known by its serial (its address and number may be a later source's
 * once it is freed: a run that checks one file after another makes each
 * where the last was), so the same path read twice is two files. */
struct file {
    textref path;              /* 0: no location */
    uint32_t rank;             /* the flush's: order of first mention */
    uint32_t nchain;           /* includers, innermost first */
    textref *chain_path;
    unsigned *chain_line;
};

/* The "In META 'NAME':" line of a diagnostic and its notes. */
struct extra {
    textref meta, name;        /* 0: none */
    uint32_t first_note, last_note;   /* 1 + index in d->notes; 0: none */
};

struct note {
    uint32_t file, line, col;
    uint32_t next;             /* 1 + index in d->notes; 0: the last */
    textref meta, name;        /* 0: none */
    textref message;
};

/* Open addressing from a key that is not 0 to a number: codes by their
 * address, files by their source's serial. */
struct keymap {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, n;
};

/* Texts shared when equal to a recent one: a slot per hash, the last;
 * the table is made once a sink has that many texts. */
#define RECENT_SLOTS 4096
#define RECENT_AFTER 64

struct qc_diag {
    qc_arena *arena;           /* everything the sink holds */
    qc_diag_format fmt;
    unsigned max_errors;
    unsigned errors;
    size_t n;                  /* records */
    struct page **pages;
    size_t npages, pages_cap, pages_free;   /* free: allocated, unused */
    void **runs;               /* posix_memalign's, but the first */
    size_t nruns, runs_cap;
    struct file *files;
    size_t nfiles, files_cap;
    struct keymap file_of;     /* source serial -> its file */
    const char **codes;
    size_t ncodes, codes_cap;
    struct keymap code_of;     /* code string -> its number */
    struct extra *extras;
    size_t nextras, extras_cap;
    struct note *notes;
    size_t nnotes, notes_cap;
    char *texts;               /* each followed by a NUL */
    size_t ntexts_bytes, texts_cap, ntexts;
    textref *recent;           /* RECENT_SLOTS of them, or NULL */
};

qc_diag *qc_diag_new(void)
{
    qc_arena *a = qc_arena_new();
    qc_diag *d = qc_arena_alloc(a, sizeof *d);
    d->arena = a;
    d->fmt = QC_DIAG_GCC;
    return d;
}

void qc_diag_free(qc_diag *d)
{
    if (!d)
        return;
    for (size_t i = 1; i < d->nruns; i++)
        free(d->runs[i]);
    qc_arena_free(d->arena);
}

void qc_diag_set_format(qc_diag *d, qc_diag_format fmt) { d->fmt = fmt; }
void qc_diag_set_max_errors(qc_diag *d, unsigned n) { d->max_errors = n; }
unsigned qc_diag_error_count(const qc_diag *d) { return d->errors; }

bool qc_diag_limit_reached(const qc_diag *d)
{
    return d->max_errors && d->errors >= d->max_errors;
}

bool qc_diag_parse_format(const char *name, qc_diag_format *fmt)
{
    if (!strcmp(name, "gcc"))
        *fmt = QC_DIAG_GCC;
    else if (!strcmp(name, "qemu"))
        *fmt = QC_DIAG_QEMU;
    else if (!strcmp(name, "json"))
        *fmt = QC_DIAG_JSON;
    else
        return false;
    return true;
}

static size_t key_slot(const struct keymap *m, uint64_t key)
{
    uint64_t h = key;
    h ^= h >> 17;
    h *= (uint64_t)0x9e3779b97f4a7c15u;
    size_t i = (size_t)(h >> 7) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    return i;
}

/* The number stored under KEY, or UINT32_MAX. */
static uint32_t keymap_get(const struct keymap *m, uint64_t key)
{
    if (!m->cap)
        return UINT32_MAX;
    size_t i = key_slot(m, key);
    return m->keys[i] ? m->vals[i] : UINT32_MAX;
}

static void keymap_put(qc_diag *d, struct keymap *m, uint64_t key,
                       uint32_t val)
{
    if (2 * (m->n + 1) > m->cap) {
        struct keymap old = *m;
        m->cap = old.cap ? 2 * old.cap : 16;
        m->keys = qc_arena_grow(d->arena, NULL, 0, m->cap * sizeof *m->keys);
        memset(m->keys, 0, m->cap * sizeof *m->keys);
        m->vals = qc_arena_grow(d->arena, NULL, 0, m->cap * sizeof *m->vals);
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i]) {
                size_t j = key_slot(m, old.keys[i]);
                m->keys[j] = old.keys[i];
                m->vals[j] = old.vals[i];
            }
        qc_arena_release(d->arena, old.keys, old.cap * sizeof *old.keys);
        qc_arena_release(d->arena, old.vals, old.cap * sizeof *old.vals);
    }
    size_t i = key_slot(m, key);
    if (!m->keys[i])
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}

static const char *str(const qc_diag *d, textref t)
{
    return d->texts + t;
}

/* Room for LEN more bytes and a NUL at the end of the texts. */
static void reserve_text(qc_diag *d, size_t len)
{
    if (!d->ntexts_bytes)
        d->ntexts_bytes = 1;    /* offset 0 is no text */
    if (d->ntexts_bytes + len + 1 > TEXT_MAX) {
        fputs("qapic: out of memory for diagnostics\n", stderr);
        abort();
    }
    if (!d->texts) {           /* room for a few messages at once */
        d->texts_cap = 512;
        d->texts = qc_arena_grow(d->arena, NULL, 0, d->texts_cap);
    }
    while (d->ntexts_bytes + len + 1 > d->texts_cap) {
        size_t old = d->texts_cap;
        d->texts_cap *= 2;
        d->texts = qc_arena_grow(d->arena, d->texts, old, d->texts_cap);
    }
}

/* The text just written at the end of the texts, up to a NUL (a message
 * is a C string), kept: or a recent equal one instead, and then it is
 * taken back. */
static textref commit_text(qc_diag *d)
{
    textref t = d->ntexts_bytes;
    const char *s = str(d, t);
    size_t len = strlen(s);
    if (!d->recent && d->ntexts >= RECENT_AFTER) {
        d->recent = qc_arena_alloc(d->arena, RECENT_SLOTS * sizeof *d->recent);
        memset(d->recent, 0, RECENT_SLOTS * sizeof *d->recent);
    }
    if (d->recent) {
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < len; i++) {
            h ^= (unsigned char)s[i];
            h *= 16777619u;
        }
        textref *slot = &d->recent[h & (RECENT_SLOTS - 1)];
        if (*slot && !strcmp(str(d, *slot), s))
            return *slot;
        *slot = t;
    }
    d->ntexts_bytes += len + 1;
    d->ntexts++;
    return t;
}

/* S[0..LEN) as a text of the sink. */
static textref text(qc_diag *d, const char *s, size_t len)
{
    reserve_text(d, len);
    memcpy(d->texts + d->ntexts_bytes, s, len);
    d->texts[d->ntexts_bytes + len] = '\0';
    return commit_text(d);
}

static textref text_str(qc_diag *d, const char *s)
{
    return text(d, s, strlen(s));
}

static uint32_t new_file(qc_diag *d, const qc_source *src)
{
    if (d->nfiles == d->files_cap)
        d->files = qc_arena_grow_array(d->arena, d->files, &d->files_cap, sizeof *d->files);
    uint32_t k = (uint32_t)d->nfiles++;
    struct file *f = &d->files[k];
    memset(f, 0, sizeof *f);
    if (!src)
        return k;
    f->path = text_str(d, src->path);
    uint32_t n = 0;
    for (const qc_source *s = src; s->parent && n < 256; s = s->parent)
        n++;
    f->nchain = n;
    f->chain_path = qc_arena_alloc(d->arena, (n + 1) * sizeof *f->chain_path);
    f->chain_line = qc_arena_alloc(d->arena, (n + 1) * sizeof *f->chain_line);
    n = 0;
    for (const qc_source *s = src; s->parent && n < 256; s = s->parent, n++) {
        f->chain_path[n] = text_str(d, s->parent->path);
        f->chain_line[n] = qc_source_line(s->parent, s->parent_off);
    }
    return k;
}

/* The file of SRC (file 0 is no location).  A source's path and
 * includers are set before anything is reported in it, and stay. */
static uint32_t file_of(qc_diag *d, const qc_source *src)
{
    if (!d->nfiles)
        new_file(d, NULL);
    if (!src)
        return 0;
    uint32_t k = keymap_get(&d->file_of, src->serial);
    if (k != UINT32_MAX)
        return k;
    k = new_file(d, src);
    keymap_put(d, &d->file_of, src->serial, k);
    return k;
}

static void resolve(qc_diag *d, qc_loc loc, uint32_t *file, uint32_t *off,
                    uint32_t *line, uint32_t *col)
{
    const qc_source *src = qc_loc_src(loc);
    *file = file_of(d, src);
    *off = src ? loc.off : 0;
    *line = src ? qc_source_line(src, loc.off) : 0;
    *col = src ? qc_source_column(src, loc.off) : 0;
}

static uint32_t code_of(qc_diag *d, const char *code)
{
    if (d->ncodes && d->codes[d->ncodes - 1] == code)
        return (uint32_t)d->ncodes - 1;     /* the common case: the last */
    uint32_t k = keymap_get(&d->code_of, (uintptr_t)code);
    if (k != UINT32_MAX)
        return k;
    if (d->ncodes == CODES_MAX)
        abort();                /* codes are the program's literals */
    if (d->ncodes == d->codes_cap)
        d->codes = qc_arena_grow_array(d->arena, d->codes, &d->codes_cap, sizeof *d->codes);
    k = (uint32_t)d->ncodes++;
    d->codes[k] = code;
    keymap_put(d, &d->code_of, (uintptr_t)code, k);
    return k;
}

/* Room for the records of one more page. */
static void new_page(qc_diag *d)
{
    if (!d->pages_free) {
        /* The first page comes from the arena (a page more, to align it:
         * that slack is never touched, so it costs little), the others
         * from posix_memalign: the arena would abandon the end of its
         * chunk for a big run. */
        size_t n = d->nruns < 7 ? (size_t)1 << d->nruns : RUN_MAX;
        char *p;
        if (!d->nruns) {
            p = qc_arena_alloc_uninit(d->arena, 2 * PAGE_BYTES);
            p = (char *)(((uintptr_t)p + PAGE_BYTES - 1)
                         & ~(uintptr_t)(PAGE_BYTES - 1));
        } else {
            void *q;
            if (posix_memalign(&q, PAGE_BYTES, n * PAGE_BYTES))
                abort();
            p = q;
        }
        if (d->nruns == d->runs_cap)
            d->runs = qc_arena_grow_array(d->arena, d->runs, &d->runs_cap, sizeof *d->runs);
        d->runs[d->nruns++] = p;
        while (d->npages + n > d->pages_cap)
            d->pages = qc_arena_grow_array(d->arena, d->pages, &d->pages_cap, sizeof *d->pages);
        for (size_t i = 0; i < n; i++)
            d->pages[d->npages + i] = (struct page *)(p + i * PAGE_BYTES);
        d->pages_free = n;
    }
    struct page *pg = d->pages[d->npages++];
    d->pages_free--;
    pg->d = d;
}

/* A new record, numbered D->n. */
static qc_diagnostic *new_record(qc_diag *d)
{
    size_t k = d->n / PER_PAGE;
    if (k == d->npages)
        new_page(d);
    return &d->pages[k]->recs[d->n++ % PER_PAGE];
}

static qc_diagnostic *record(const qc_diag *d, size_t n)
{
    return &d->pages[n / PER_PAGE]->recs[n % PER_PAGE];
}

static struct page *page_of(const qc_diagnostic *dg)
{
    return (struct page *)((uintptr_t)dg & ~(uintptr_t)(PAGE_BYTES - 1));
}

static qc_diag *sink_of(const qc_diagnostic *dg)
{
    return page_of(dg)->d;
}

/* The message of FMT and AP as a text of the sink, written in place. */
static textref vformat(qc_diag *d, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    reserve_text(d, 0);
    size_t room = d->texts_cap - d->ntexts_bytes;
    int n = vsnprintf(d->texts + d->ntexts_bytes, room, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        d->texts[d->ntexts_bytes] = '\0';
    else if ((size_t)n >= room) {
        reserve_text(d, (size_t)n);
        vsnprintf(d->texts + d->ntexts_bytes, (size_t)n + 1, fmt, ap);
    }
    return commit_text(d);
}

qc_diagnostic *qc_diag_vreport(qc_diag *d, qc_severity sev, qc_loc loc,
                               const char *code, const char *fmt, va_list ap)
{
    if (sev == QC_SEV_ERROR) {
        if (qc_diag_limit_reached(d))
            return NULL;
        d->errors++;
    }
    if (d->n >= UINT32_MAX)
        return NULL;            /* records are numbered in 32 bits */
    qc_diagnostic *dg = new_record(d);
    memset(dg, 0, sizeof *dg);
    dg->sev = sev;
    resolve(d, loc, &dg->file, &dg->off, &dg->line, &dg->col);
    dg->code = code_of(d, code ? code : "");
    textref m = vformat(d, fmt, ap);
    dg->message_lo = (uint32_t)m;
    dg->message_hi = (uint32_t)(m >> 32);
    return dg;
}

qc_diagnostic *qc_diag_report(qc_diag *d, qc_severity sev, qc_loc loc,
                              const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qc_diagnostic *dg = qc_diag_vreport(d, sev, loc, code, fmt, ap);
    va_end(ap);
    return dg;
}

void qc_diag_show_column(qc_diagnostic *dg)
{
    if (dg)
        dg->show_column = true;
}

/* DG's side record, made on first use. */
static struct extra *extra_of(qc_diag *d, qc_diagnostic *dg)
{
    if (!dg->extra) {
        if (d->nextras == d->extras_cap)
            d->extras = qc_arena_grow_array(d->arena, d->extras, &d->extras_cap, sizeof *d->extras);
        memset(&d->extras[d->nextras], 0, sizeof *d->extras);
        dg->extra = (uint32_t)++d->nextras;
    }
    return &d->extras[dg->extra - 1];
}

static const struct extra *extra_get(const qc_diag *d,
                                     const qc_diagnostic *dg)
{
    return dg->extra ? &d->extras[dg->extra - 1] : NULL;
}

void qc_diag_in_definition(qc_diagnostic *dg, const char *meta,
                           const char *name)
{
    if (dg && meta && name) {
        qc_diag *d = sink_of(dg);
        textref m = text_str(d, meta), nm = text_str(d, name);
        struct extra *x = extra_of(d, dg);
        x->meta = m;
        x->name = nm;
    }
}

void qc_diag_note(qc_diagnostic *dg, qc_loc loc, const char *meta,
                  const char *name, const char *fmt, ...)
{
    if (!dg)
        return;
    qc_diag *d = sink_of(dg);
    struct note n = { 0 };
    uint32_t off;
    resolve(d, loc, &n.file, &off, &n.line, &n.col);
    if (meta && name) {
        n.meta = text_str(d, meta);
        n.name = text_str(d, name);
    }
    va_list ap;
    va_start(ap, fmt);
    n.message = vformat(d, fmt, ap);
    va_end(ap);
    if (d->nnotes == d->notes_cap)
        d->notes = qc_arena_grow_array(d->arena, d->notes, &d->notes_cap, sizeof *d->notes);
    d->notes[d->nnotes++] = n;
    uint32_t k = (uint32_t)d->nnotes;
    struct extra *x = extra_of(d, dg);
    if (x->last_note)
        d->notes[x->last_note - 1].next = k;
    else
        x->first_note = k;
    x->last_note = k;
}

const qc_diagnostic *qc_diag_get(const qc_diag *d, size_t n)
{
    return n < d->n ? record(d, n) : NULL;
}

size_t qc_diag_count(const qc_diag *d) { return d->n; }

static textref message_of(const qc_diagnostic *dg)
{
    return (textref)dg->message_hi << 32 | dg->message_lo;
}

const char *qc_diagnostic_message(const qc_diagnostic *dg)
{
    return str(sink_of(dg), message_of(dg));
}

const char *qc_diagnostic_code(const qc_diagnostic *dg)
{
    return sink_of(dg)->codes[dg->code];
}

const char *qc_diagnostic_path(const qc_diagnostic *dg)
{
    const qc_diag *d = sink_of(dg);
    return d->files[dg->file].path ? str(d, d->files[dg->file].path) : NULL;
}

unsigned qc_diagnostic_line(const qc_diagnostic *dg) { return dg->line; }
unsigned qc_diagnostic_column(const qc_diagnostic *dg) { return dg->col; }

static const char *sev_word(qc_severity s)
{
    return s == QC_SEV_ERROR ? "error" : s == QC_SEV_WARNING ? "warning" : "note";
}

/* "In file included from" lines.  QEMU prints the outermost includer first;
 * GCC prints the innermost first with continuation lines.  Text from the
 * input (paths, names, and messages, which quote it) is made visible:
 * a name holding an escape sequence must not drive the terminal. */
static void include_chain(qc_buf *b, const qc_diag *d, const struct file *f)
{
    qc_diag_format fmt = d->fmt;
    size_t n = f->nchain;
    if (!n)
        return;
    if (fmt == QC_DIAG_QEMU) {
        for (size_t i = n; i-- > 0;) {
            qc_buf_puts(b, "In file included from ");
            qc_visible_puts(b, str(d, f->chain_path[i]));
            qc_buf_printf(b, ":%u:\n", f->chain_line[i]);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            qc_buf_puts(b, i == 0 ? "In file included from " : "                 from ");
            qc_visible_puts(b, str(d, f->chain_path[i]));
            qc_buf_printf(b, ":%u%s\n", f->chain_line[i], i + 1 == n ? ":" : ",");
        }
    }
}

static void location(qc_buf *b, const char *path, unsigned line, unsigned col,
                     bool show_col, qc_severity sev, qc_diag_format fmt)
{
    if (path) {
        qc_visible_puts(b, path);
        qc_buf_printf(b, ":%u", line);
        if (show_col)
            qc_buf_printf(b, ":%u", col);
        qc_buf_puts(b, ": ");
    } else {
        qc_buf_puts(b, "qapic: ");
    }
    if (fmt == QC_DIAG_GCC)
        qc_buf_printf(b, "%s: ", sev_word(sev));
    else if (!path && sev == QC_SEV_ERROR)
        qc_buf_puts(b, "error: ");
}

/* "FILE: In META 'NAME':" */
static void context_line(qc_buf *b, const char *path, const char *meta,
                         const char *name)
{
    qc_visible_puts(b, path);
    qc_buf_printf(b, ": In %s '", meta);
    qc_visible_puts(b, name);
    qc_buf_puts(b, "':\n");
}

/* The path of file K, NULL for no location. */
static const char *path_of(const qc_diag *d, uint32_t k)
{
    return d->files[k].path ? str(d, d->files[k].path) : NULL;
}

static void text_one(qc_buf *b, const qc_diag *d, const qc_diagnostic *dg)
{
    const char *path = path_of(d, dg->file);
    const struct extra *x = extra_get(d, dg);
    include_chain(b, d, &d->files[dg->file]);
    if (x && x->meta && path)
        context_line(b, path, str(d, x->meta), str(d, x->name));
    bool col = d->fmt == QC_DIAG_GCC || dg->show_column;
    location(b, path, dg->line, dg->col, col, dg->sev, d->fmt);
    qc_visible_puts(b, str(d, message_of(dg)));
    qc_buf_putc(b, '\n');
    for (uint32_t k = x ? x->first_note : 0; k; k = d->notes[k - 1].next) {
        const struct note *n = &d->notes[k - 1];
        const char *npath = path_of(d, n->file);
        if (n->meta && npath)
            context_line(b, npath, str(d, n->meta), str(d, n->name));
        location(b, npath, n->line, n->col, d->fmt == QC_DIAG_GCC,
                 QC_SEV_NOTE, d->fmt);
        qc_visible_puts(b, str(d, n->message));
        qc_buf_putc(b, '\n');
    }
}

static void json_loc(qc_buf *b, const char *path, unsigned line, unsigned col)
{
    if (path) {
        qc_buf_puts(b, "\"file\": ");
        qc_json_write_string(b, path, strlen(path));
        qc_buf_printf(b, ", \"line\": %u, \"column\": %u", line, col);
    } else {
        qc_buf_puts(b, "\"file\": null, \"line\": null, \"column\": null");
    }
}

static void json_text(qc_buf *b, const qc_diag *d, textref t)
{
    qc_json_write_string(b, str(d, t), strlen(str(d, t)));
}

static void json_one(qc_buf *b, const qc_diag *d, const qc_diagnostic *dg)
{
    const struct extra *x = extra_get(d, dg);
    const char *code = d->codes[dg->code];
    qc_buf_puts(b, "{");
    json_loc(b, path_of(d, dg->file), dg->line, dg->col);
    qc_buf_printf(b, ", \"severity\": \"%s\", \"code\": ", sev_word(dg->sev));
    qc_json_write_string(b, code, strlen(code));
    qc_buf_puts(b, ", \"message\": ");
    json_text(b, d, message_of(dg));
    if (x && x->meta) {
        qc_buf_puts(b, ", \"definition\": ");
        json_text(b, d, x->name);
        qc_buf_puts(b, ", \"meta\": ");
        json_text(b, d, x->meta);
    }
    if (x && x->first_note) {
        qc_buf_puts(b, ", \"notes\": [");
        for (uint32_t k = x->first_note; k; k = d->notes[k - 1].next) {
            const struct note *n = &d->notes[k - 1];
            qc_buf_puts(b, k != x->first_note ? ", {" : "{");
            json_loc(b, path_of(d, n->file), n->line, n->col);
            qc_buf_puts(b, ", \"message\": ");
            json_text(b, d, n->message);
            qc_buf_puts(b, "}");
        }
        qc_buf_puts(b, "]");
    }
    qc_buf_puts(b, "}\n");
}

static void format_one(qc_buf *b, const qc_diag *d, const qc_diagnostic *dg)
{
    if (d->fmt == QC_DIAG_JSON)
        json_one(b, d, dg);
    else
        text_one(b, d, dg);
}

char *qc_diagnostic_format(const qc_diag *d, const qc_diagnostic *dg)
{
    qc_buf b = QC_BUF_INIT;
    format_one(&b, d, dg);
    return qc_buf_steal(&b);
}

/* Sort order: files in order of first mention, then offset, then report
 * order (the sort is stable). */
static bool before(const qc_diag *d, const qc_diagnostic *a,
                   const qc_diagnostic *b)
{
    uint32_t ra = d->files[a->file].rank, rb = d->files[b->file].rank;
    return ra != rb ? ra < rb : a->off < b->off;
}

/* Ranks the files by first mention; returns whether the records but
 * SKIP are already in order, the common case. */
static bool rank_files(qc_diag *d, size_t skip)
{
    for (size_t i = 0; i < d->nfiles; i++)
        d->files[i].rank = UINT32_MAX;
    uint32_t next = 0;
    bool sorted = true;
    const qc_diagnostic *prev = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const qc_diagnostic *dg = record(d, i);
        struct file *f = &d->files[dg->file];
        if (f->rank == UINT32_MAX)
            f->rank = next++;
        if (i == skip)
            continue;
        if (prev && before(d, dg, prev))
            sorted = false;
        prev = dg;
    }
    return sorted;
}

/* Sorts the N record numbers at V, stably (bottom-up merge sort with a
 * buffer as large). */
static void sort_records(const qc_diag *d, uint32_t *v, size_t n)
{
    uint32_t *tmp = malloc((n ? n : 1) * sizeof *tmp), *src = v, *dst = tmp;
    if (!tmp)
        abort();
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n;
            size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = before(d, record(d, src[j]), record(d, src[i]))
                         ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
    free(tmp);
}

/* Writes B to OUT once it is large, or always with ALL; false once a
 * write failed (nothing more is written then). */
static bool drain(qc_buf *b, FILE *out, bool all, bool ok)
{
    if (!all && b->len < 64 * 1024)
        return ok;
    if (ok && b->len)
        ok = fwrite(b->data, 1, b->len, out) == b->len;
    b->len = 0;
    return ok;
}

bool qc_diag_flush(qc_diag *d, FILE *out)
{
    size_t n = d->n, first_error = n;
    if (!n)
        return true;
    for (size_t i = 0; i < n && first_error == n; i++)
        if (record(d, i)->sev == QC_SEV_ERROR)
            first_error = i;
    uint32_t *order = NULL;     /* NULL: report order is the order */
    if (!rank_files(d, first_error)) {
        order = malloc(n * sizeof *order);
        if (!order)
            abort();
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (i != first_error)
                order[k++] = (uint32_t)i;
        sort_records(d, order, k);
    }
    qc_buf b = QC_BUF_INIT;
    bool ok = true;
    /* The first error stays first: it is the reference's verdict. */
    if (first_error < n)
        format_one(&b, d, record(d, first_error));
    size_t rest = n - (first_error < n);
    for (size_t k = 0; k < rest; k++) {
        size_t r = order ? order[k] : k + (k >= first_error);
        format_one(&b, d, record(d, r));
        ok = drain(&b, out, false, ok);
    }
    ok = drain(&b, out, true, ok);
    ok = fflush(out) == 0 && ok;
    qc_buf_free(&b);
    free(order);
    d->n = 0;
    d->nextras = 0;
    d->nnotes = 0;
    return ok;
}
