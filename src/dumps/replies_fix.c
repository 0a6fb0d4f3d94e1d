/* Rewriting capability dumps canonically, with libvirt's numbering. */
#include "dumps/replies_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "syntax/json.h"

static void set_id(qc_arena *a, qc_value *v, const char *id, bool first)
{
    qc_member *m = qc_obj_member(v, "id");
    qc_value s = { .kind = QC_VSTRING };
    qc_value_set_loc(&s, m ? qc_value_loc(&m->value) : qc_value_loc(v));
    s.u.str.s = id;
    if (m) {
        m->value = s;
        return;
    }
    /* libvirt's order: commands and success replies end with "id", error
     * replies begin with it. */
    qc_member *nm = qc_arena_alloc(a, (qc_obj_len(v) + 1) * sizeof *nm);
    size_t k = 0;
    if (first)
        nm[k++] = (qc_member){ "id", 2, v->off, s };
    memcpy(nm + k, v->u.obj.members, qc_obj_len(v) * sizeof *nm);
    k += qc_obj_len(v);
    if (!first)
        nm[k++] = (qc_member){ "id", 2, v->off, s };
    qc_value_set_members(a, v, nm, k);
}

bool qc_replies_is_fixed(const qc_replies *r)
{
    if (!r->canonical || r->syntax_errors || !r->n || r->n % 2)
        return false;
    long seq = 1;
    char want[32];
    for (size_t i = 0; i < r->n; i += 2) {
        const qc_rentry *cmd = &r->e[i], *rep = &r->e[i + 1];
        if (cmd->kind != QC_RENTRY_COMMAND || !cmd->execute
            || rep->kind != QC_RENTRY_REPLY)
            return false;
        if (!strcmp(cmd->execute, "qmp_capabilities"))
            seq = 1;
        snprintf(want, sizeof want, "libvirt-%ld", seq++);
        if (!cmd->id || !rep->id || strcmp(cmd->id, want)
            || strcmp(rep->id, want))
            return false;
    }
    return true;
}

bool qc_replies_prepare_fixed(qc_arena *a, qc_replies *r, qc_diag *d)
{
    qc_rcheck c = { a, r, NULL, 0 };
    qc_loc at = qc_loc_make(r->src, 0);

    if (r->syntax_errors) {
        qc_error(d, at, "replies-fix-refused",
                 "not rewritten: the file has syntax errors");
        return false;
    }
    if (!r->n) {
        qc_error(d, at, "replies-fix-refused",
                 "not rewritten: the file holds no entries");
        return false;
    }
    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        bool ok = i % 2 ? e->kind == QC_RENTRY_REPLY
                        : e->kind == QC_RENTRY_COMMAND && e->execute;
        if (!ok) {
            qc_error(d, qc_loc_make(r->src, e->start), "replies-fix-refused",
                     "not rewritten: %s is not %s, so the conversation cannot be renumbered safely",
                     qc_replies_label(a, r, i),
                     i % 2 ? "a reply (an object with 'return' or 'error')"
                           : "a command (an object with a string 'execute')");
            return false;
        }
        if (qc_replies_dup_keys(&c, i, e->v, 0)) {
            qc_error(d, qc_loc_make(r->src, e->start), "replies-fix-refused",
                     "not rewritten: %s has duplicate keys, and which one to keep is not clear",
                     qc_replies_label(a, r, i));
            return false;
        }
    }
    if (r->n % 2) {
        qc_error(d, qc_loc_make(r->src, r->e[r->n - 1].start),
                 "replies-fix-refused",
                 "not rewritten: %s has no reply", qc_replies_label(a, r, r->n - 1));
        return false;
    }
    long seq = 1;
    for (size_t i = 0; i < r->n; i += 2) {
        qc_rentry *cmd = &r->e[i], *rep = &r->e[i + 1];
        if (!strcmp(cmd->execute, "qmp_capabilities"))
            seq = 1;
        const char *id = qc_arena_printf(a, "libvirt-%ld", seq++);
        set_id(a, cmd->v, id, false);
        set_id(a, rep->v, id, !qc_obj_member(rep->v, "return"));
        cmd->id = rep->id = id;
    }
    return true;
}

/* Renders prepared R into B, handing B to SINK a piece at a time (and
 * once more, FINAL, at the end). */
static void render(const qc_replies *r, qc_buf *b, qc_json_sink *sink,
                   void *ctx)
{
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            qc_buf_append(b, "\n\n", 2);
        qc_json_write_pieces(b, r->e[i].v, 2, sink, ctx);
    }
    qc_buf_putc(b, '\n');
    sink(ctx, b, true);
}

/* Collects the whole rendering (the pieces stay in the buffer). */
static void keep_all(void *ctx, qc_buf *b, bool final)
{
    (void)ctx;
    (void)b;
    (void)final;
}

bool qc_replies_render_fixed(qc_arena *a, qc_replies *r, qc_buf *out,
                             qc_diag *d)
{
    if (!qc_replies_prepare_fixed(a, r, d))
        return false;
    qc_buf_reset(out);
    render(r, out, keep_all, NULL);
    return true;
}

struct differ {
    const char *text;           /* R's */
    size_t len, pos;            /* compared up to POS */
    bool differs;
};

/* Compares a piece of the rendering with the text from POS on. */
static void compare_piece(void *ctx, qc_buf *b, bool final)
{
    struct differ *df = ctx;
    if (!df->differs && b->len) {
        size_t n = b->len, k = 0;
        size_t left = df->len - df->pos;
        const char *t = df->text + df->pos;
        while (k < n && k < left && b->data[k] == t[k])
            k++;
        df->pos += k;
        df->differs = k < n;
    }
    qc_buf_reset(b);
    if (final && df->pos < df->len)
        df->differs = true;
}

bool qc_replies_fixed_differs(const qc_replies *r, size_t *at)
{
    struct differ df = { r->src->text, r->src->len, 0, false };
    qc_buf b = QC_BUF_INIT;
    render(r, &b, compare_piece, &df);
    qc_buf_free(&b);
    *at = df.pos;
    return df.differs;
}

struct writer {
    bool (*write)(void *, const char *, size_t);
    void *wctx;
    bool failed;
    int err;
};

static void write_piece(void *ctx, qc_buf *b, bool final)
{
    struct writer *w = ctx;
    (void)final;
    if (!w->failed && b->len && !w->write(w->wctx, b->data, b->len)) {
        w->failed = true;
        w->err = errno;
    }
    qc_buf_reset(b);
}

bool qc_replies_write_fixed(void *ctx, bool (*write)(void *, const char *, size_t),
                            void *wctx)
{
    struct writer w = { write, wctx, false, 0 };
    qc_buf b = QC_BUF_INIT;
    render(ctx, &b, write_piece, &w);
    qc_buf_free(&b);
    if (w.failed)
        errno = w.err;          /* the caller says why */
    return !w.failed;
}
