/* The diagnostic sink: recording, resolving locations, formatting and
 * ordering on flush; see diag.h. */
#include "base/diag.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json_string.h"
#include "base/visible.h"

/* Locations are resolved when reported: the sources belong to the
 * caller's arena, which may be gone by the time the sink is flushed. */
struct rloc {
    const void *src_id;        /* for grouping only; never dereferenced */
    uint32_t off;
    const char *path;          /* NULL: no location */
    unsigned line, col;
    size_t nchain;             /* includers, innermost first */
    const char **chain_path;
    unsigned *chain_line;
};

struct note {
    struct rloc loc;
    const char *meta, *name;
    char *message;
};

struct qc_diagnostic {
    qc_severity sev;
    struct rloc loc;
    const char *code;
    char *message;
    bool show_column;
    const char *meta, *name;
    qc_ptrvec notes;           /* struct note * */
    size_t seq;                /* report order, for a stable sort */
    qc_arena *arena;           /* the sink's, for notes */
};

struct qc_diag {
    qc_arena *arena;
    qc_diag_format fmt;
    unsigned max_errors;
    unsigned errors;
    qc_ptrvec list;            /* qc_diagnostic * */
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
    if (d)
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

static void resolve(qc_arena *a, struct rloc *r, qc_loc loc)
{
    memset(r, 0, sizeof *r);
    const qc_source *src = qc_loc_src(loc);
    if (!src)
        return;
    r->src_id = src;
    r->off = loc.off;
    r->path = qc_arena_strdup(a, src->path);
    r->line = qc_source_line(src, loc.off);
    r->col = qc_source_column(src, loc.off);
    size_t n = 0;
    for (const qc_source *s = src; s->parent && n < 256; s = s->parent)
        n++;
    r->nchain = n;
    r->chain_path = qc_arena_alloc(a, (n + 1) * sizeof *r->chain_path);
    r->chain_line = qc_arena_alloc(a, (n + 1) * sizeof *r->chain_line);
    n = 0;
    for (const qc_source *s = src; s->parent && n < 256; s = s->parent, n++) {
        r->chain_path[n] = qc_arena_strdup(a, s->parent->path);
        r->chain_line[n] = qc_source_line(s->parent, s->parent_off);
    }
}

qc_diagnostic *qc_diag_vreport(qc_diag *d, qc_severity sev, qc_loc loc,
                               const char *code, const char *fmt, va_list ap)
{
    if (sev == QC_SEV_ERROR) {
        if (qc_diag_limit_reached(d))
            return NULL;
        d->errors++;
    }
    qc_diagnostic *dg = qc_arena_alloc(d->arena, sizeof *dg);
    dg->sev = sev;
    resolve(d->arena, &dg->loc, loc);
    dg->code = code ? code : "";
    dg->message = qc_arena_vprintf(d->arena, fmt, ap);
    dg->seq = d->list.n;
    dg->arena = d->arena;
    qc_ptrvec_push(d->arena, &d->list, dg);
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

void qc_diag_in_definition(qc_diagnostic *dg, const char *meta,
                           const char *name)
{
    if (dg && meta && name) {
        dg->meta = qc_arena_strdup(dg->arena, meta);
        dg->name = qc_arena_strdup(dg->arena, name);
    }
}

void qc_diag_note(qc_diagnostic *dg, qc_loc loc, const char *meta,
                  const char *name, const char *fmt, ...)
{
    if (!dg)
        return;
    struct note *n = qc_arena_alloc(dg->arena, sizeof *n);
    resolve(dg->arena, &n->loc, loc);
    if (meta && name) {
        n->meta = qc_arena_strdup(dg->arena, meta);
        n->name = qc_arena_strdup(dg->arena, name);
    }
    va_list ap;
    va_start(ap, fmt);
    n->message = qc_arena_vprintf(dg->arena, fmt, ap);
    va_end(ap);
    qc_ptrvec_push(dg->arena, &dg->notes, n);
}

const qc_diagnostic *qc_diag_get(const qc_diag *d, size_t n)
{
    return n < d->list.n ? d->list.items[n] : NULL;
}

const char *qc_diagnostic_message(const qc_diagnostic *dg) { return dg->message; }
const char *qc_diagnostic_code(const qc_diagnostic *dg) { return dg->code; }
const char *qc_diagnostic_path(const qc_diagnostic *dg) { return dg->loc.path; }
unsigned qc_diagnostic_line(const qc_diagnostic *dg) { return dg->loc.line; }
unsigned qc_diagnostic_column(const qc_diagnostic *dg) { return dg->loc.col; }

static const char *sev_word(qc_severity s)
{
    return s == QC_SEV_ERROR ? "error" : s == QC_SEV_WARNING ? "warning" : "note";
}

/* "In file included from" lines.  QEMU prints the outermost includer first;
 * GCC prints the innermost first with continuation lines.  Text from the
 * input (paths, names, and messages, which quote it) is made visible:
 * a name holding an escape sequence must not drive the terminal. */
static void include_chain(qc_buf *b, const struct rloc *r, qc_diag_format fmt)
{
    size_t n = r->nchain;
    if (!n)
        return;
    if (fmt == QC_DIAG_QEMU) {
        for (size_t i = n; i-- > 0;) {
            qc_buf_puts(b, "In file included from ");
            qc_visible_puts(b, r->chain_path[i]);
            qc_buf_printf(b, ":%u:\n", r->chain_line[i]);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            qc_buf_puts(b, i == 0 ? "In file included from " : "                 from ");
            qc_visible_puts(b, r->chain_path[i]);
            qc_buf_printf(b, ":%u%s\n", r->chain_line[i], i + 1 == n ? ":" : ",");
        }
    }
}

static void location(qc_buf *b, const struct rloc *loc, bool col,
                     qc_severity sev, qc_diag_format fmt)
{
    if (loc->path) {
        qc_visible_puts(b, loc->path);
        qc_buf_printf(b, ":%u", loc->line);
        if (col)
            qc_buf_printf(b, ":%u", loc->col);
        qc_buf_puts(b, ": ");
    } else {
        qc_buf_puts(b, "qapic: ");
    }
    if (fmt == QC_DIAG_GCC)
        qc_buf_printf(b, "%s: ", sev_word(sev));
    else if (!loc->path && sev == QC_SEV_ERROR)
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

static void text_one(qc_buf *b, const qc_diagnostic *dg, qc_diag_format fmt)
{
    include_chain(b, &dg->loc, fmt);
    if (dg->meta && dg->loc.path)
        context_line(b, dg->loc.path, dg->meta, dg->name);
    bool col = fmt == QC_DIAG_GCC || dg->show_column;
    location(b, &dg->loc, col, dg->sev, fmt);
    qc_visible_puts(b, dg->message);
    qc_buf_putc(b, '\n');
    for (size_t i = 0; i < dg->notes.n; i++) {
        const struct note *n = dg->notes.items[i];
        if (n->meta && n->loc.path)
            context_line(b, n->loc.path, n->meta, n->name);
        location(b, &n->loc, fmt == QC_DIAG_GCC, QC_SEV_NOTE, fmt);
        qc_visible_puts(b, n->message);
        qc_buf_putc(b, '\n');
    }
}

static void json_loc(qc_buf *b, const struct rloc *loc)
{
    if (loc->path) {
        qc_buf_puts(b, "\"file\": ");
        qc_json_write_string(b, loc->path, strlen(loc->path));
        qc_buf_printf(b, ", \"line\": %u, \"column\": %u", loc->line,
                      loc->col);
    } else {
        qc_buf_puts(b, "\"file\": null, \"line\": null, \"column\": null");
    }
}

static void json_one(qc_buf *b, const qc_diagnostic *dg)
{
    qc_buf_puts(b, "{");
    json_loc(b, &dg->loc);
    qc_buf_printf(b, ", \"severity\": \"%s\", \"code\": ", sev_word(dg->sev));
    qc_json_write_string(b, dg->code, strlen(dg->code));
    qc_buf_puts(b, ", \"message\": ");
    qc_json_write_string(b, dg->message, strlen(dg->message));
    if (dg->meta) {
        qc_buf_puts(b, ", \"definition\": ");
        qc_json_write_string(b, dg->name, strlen(dg->name));
        qc_buf_puts(b, ", \"meta\": ");
        qc_json_write_string(b, dg->meta, strlen(dg->meta));
    }
    if (dg->notes.n) {
        qc_buf_puts(b, ", \"notes\": [");
        for (size_t i = 0; i < dg->notes.n; i++) {
            const struct note *n = dg->notes.items[i];
            qc_buf_puts(b, i ? ", {" : "{");
            json_loc(b, &n->loc);
            qc_buf_puts(b, ", \"message\": ");
            qc_json_write_string(b, n->message, strlen(n->message));
            qc_buf_puts(b, "}");
        }
        qc_buf_puts(b, "]");
    }
    qc_buf_puts(b, "}\n");
}

char *qc_diagnostic_format(const qc_diag *d, const qc_diagnostic *dg)
{
    qc_buf b = QC_BUF_INIT;
    if (d->fmt == QC_DIAG_JSON)
        json_one(&b, dg);
    else
        text_one(&b, dg, d->fmt);
    return qc_buf_steal(&b);
}

/* Sort key: files in order of first mention, then offset, then report
 * order. */
struct keyed {
    const qc_diagnostic *dg;
    size_t file_rank;
};

static int cmp_keyed(const void *pa, const void *pb)
{
    const struct keyed *a = pa, *b = pb;
    if (a->file_rank != b->file_rank)
        return a->file_rank < b->file_rank ? -1 : 1;
    if (a->dg->loc.off != b->dg->loc.off)
        return a->dg->loc.off < b->dg->loc.off ? -1 : 1;
    return a->dg->seq < b->dg->seq ? -1 : a->dg->seq > b->dg->seq;
}

bool qc_diag_flush(qc_diag *d, FILE *out)
{
    size_t n = d->list.n;
    if (!n)
        return true;
    struct keyed *k = malloc(n * sizeof *k);
    const void **files = malloc(n * sizeof *files);
    if (!k || !files)
        abort();
    size_t nfiles = 0, first_error = n;
    for (size_t i = 0; i < n; i++) {
        const qc_diagnostic *dg = d->list.items[i];
        size_t r = 0;
        while (r < nfiles && files[r] != dg->loc.src_id)
            r++;
        if (r == nfiles)
            files[nfiles++] = dg->loc.src_id;
        k[i].dg = dg;
        k[i].file_rank = r;
        if (first_error == n && dg->sev == QC_SEV_ERROR)
            first_error = i;
    }
    qc_buf b = QC_BUF_INIT;
    /* The first error stays first: it is the reference's verdict. */
    if (first_error < n) {
        if (d->fmt == QC_DIAG_JSON)
            json_one(&b, k[first_error].dg);
        else
            text_one(&b, k[first_error].dg, d->fmt);
        k[first_error] = k[--n];
    }
    qsort(k, n, sizeof *k, cmp_keyed);
    for (size_t i = 0; i < n; i++) {
        if (d->fmt == QC_DIAG_JSON)
            json_one(&b, k[i].dg);
        else
            text_one(&b, k[i].dg, d->fmt);
    }
    bool ok = fwrite(b.data, 1, b.len, out) == b.len;
    ok = fflush(out) == 0 && ok;
    qc_buf_free(&b);
    free(k);
    free(files);
    d->list.n = 0;
    return ok;
}
