/* The layout checks of capability dumps: what separates the entries, and
 * each entry's text against its canonical rendering (qc_json_write). */
#include "dumps/replies_int.h"

#include <string.h>

#include "syntax/json.h"

struct fmt {
    bool crlf;                  /* CR LF seen and reported once */
    qc_buf buf;
};

static size_t count_char(const char *s, size_t n, char ch)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == ch;
    return k;
}

/* The text between two entries (or before the first / after the last). */
static void check_gap(qc_rcheck *c, struct fmt *f, uint32_t from, uint32_t to,
                      size_t next, bool first, bool last)
{
    const char *t = c->r->src->text;
    const char *g = t + from;
    size_t n = to - from;
    size_t nl = count_char(g, n, '\n');
    size_t cr = count_char(g, n, '\r');
    size_t other = n - nl - cr;

    if (first) {
        if (n)
            QC_RREPORT(c, qc_rcheck_at(c, from), "replies-separator",
                   "the file must begin with the first entry's '{', not with white space");
        return;
    }
    if (cr && !f->crlf) {
        const char *p = memchr(g, '\r', n);
        QC_RREPORT(c, qc_rcheck_at(c, from + (uint32_t)(p - g)), "replies-crlf",
               "line ends in CR LF; capability dumps use LF line ends only");
        f->crlf = true;
    }
    if (last) {
        if (nl == 0)
            QC_RREPORT(c, qc_rcheck_at(c, to ? to - 1 : 0), "replies-final-newline",
                   "%s: the file does not end with a newline",
                   qc_rcheck_label(c, c->r->n - 1));
        else if (nl > 1)
            QC_RREPORT(c, qc_rcheck_at(c, from + (uint32_t)((const char *)memchr(g, '\n', n) - g) + 1),
                   "replies-trailing-blank",
                   "empty line at the end of the file: it must end right after the last entry's closing brace and one newline");
        else if (other)
            QC_RREPORT(c, qc_rcheck_at(c, from), "replies-trailing-space",
                   "white space after the last entry");
        return;
    }
    if (nl == 2 && !other)
        return;
    if (nl == 2) {
        uint32_t k = 0;
        while (g[k] == '\n' || g[k] == '\r')
            k++;
        QC_RREPORT(c, qc_rcheck_at(c, from + k), "replies-separator",
               "%s: the empty line before it holds white space; entries are separated by exactly one empty line",
               qc_rcheck_label(c, next));
    } else if (nl < 2) {
        QC_RREPORT(c, qc_rcheck_at(c, to), "replies-separator",
               "%s: no empty line between it and the entry before; entries are separated by exactly one empty line",
               qc_rcheck_label(c, next));
    } else {
        QC_RREPORT(c, qc_rcheck_at(c, to), "replies-separator",
               "%s: %zu empty lines before it; entries are separated by exactly one empty line",
               qc_rcheck_label(c, next), nl - 1);
    }
}

static size_t lead_spaces(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] == ' ')
        k++;
    return k;
}

/* The comparison of an entry's text with its canonical rendering, line by
 * line, as the rendering is written (a piece at a time: the rendering of
 * a large entry is several times its text). */
struct entry_cmp {
    qc_rcheck *c;
    struct fmt *f;
    size_t i;
    const char *t;              /* the dump's text */
    const char *ap, *aend;      /* the entry's text not yet compared */
    bool done;                  /* a difference reported, or the end */
};

/* A window of the expected line EP (ELEN bytes) around offset K, where
 * the text differs. */
static const char *expected_window(qc_rcheck *c, const char *ep, size_t elen,
                                   size_t k)
{
    size_t from = k > 40 ? k - 40 : 0;
    size_t to = elen - from > 80 ? from + 80 : elen;
    return qc_arena_printf(c->a, "%s%.*s%s", from ? "..." : "",
                           (int)(to - from), ep + from,
                           to < elen ? "..." : "");
}

/* Compares the expected line [EP, EE) (ENL: a line break follows it) with
 * the next line of the text, and reports the first difference. */
static void compare_line(struct entry_cmp *s, const char *ep, const char *ee,
                         bool enl)
{
    qc_rcheck *c = s->c;
    struct fmt *f = s->f;
    size_t i = s->i;
    const char *t = s->t, *ap = s->ap;
    const char *anl = memchr(ap, '\n', (size_t)(s->aend - ap));
    const char *ae = anl ? anl : s->aend;
    size_t alen = (size_t)(ae - ap), elen = (size_t)(ee - ep);
    if (alen && ap[alen - 1] == '\r') {
        if (!f->crlf) {
            QC_RREPORT(c, qc_rcheck_at(c, (uint32_t)(ap + alen - 1 - t)), "replies-crlf",
                   "line ends in CR LF; capability dumps use LF line ends only");
            f->crlf = true;
        }
        alen--;
    }
    s->done = true;
    if (alen != elen || memcmp(ap, ep, alen)) {
        size_t k = 0;
        while (k < alen && k < elen && ap[k] == ep[k])
            k++;
        size_t as = lead_spaces(ap, alen), es = lead_spaces(ep, elen);
        const char *hi = NULL;
        for (size_t j = 0; j < alen; j++)
            if ((unsigned char)ap[j] >= 0x80) {
                hi = ap + j;
                break;
            }
        if (hi) {
            QC_RREPORT(c, qc_rcheck_at(c, (uint32_t)(hi - t)), "replies-non-ascii",
                   "%s: non-ASCII character; capability dumps are ASCII-only and write it as a \\u escape: expected `%s`",
                   qc_rcheck_label(c, i), expected_window(c, ep, elen, k));
        } else if (as != es && alen - as == elen - es
                   && !memcmp(ap + as, ep + es, alen - as)) {
            QC_RREPORT(c, qc_rcheck_at(c, (uint32_t)(ap - t)), "replies-indent",
                   "%s: indented by %zu spaces, expected %zu (2 per level)",
                   qc_rcheck_label(c, i), as, es);
        } else if (!anl && enl) {
            QC_RREPORT(c, qc_rcheck_at(c, (uint32_t)(ap + k - t)), "replies-format",
                   "%s: not in canonical form: the line continues where a line break is expected; expected `%s`",
                   qc_rcheck_label(c, i), expected_window(c, ep, elen, k));
        } else if (k == alen && k > 0 && k < elen
                   && ((ap[k - 1] == '{' && ep[k] == '}')
                       || (ap[k - 1] == '[' && ep[k] == ']'))) {
            /* Libvirt's older JSON writer (yajl) broke empty
             * containers over two lines. */
            QC_RREPORT(c, qc_rcheck_at(c, (uint32_t)(ap + k - 1 - t)), "replies-format",
                   "%s: not in canonical form: empty %s written over two lines (older libvirt layout); expected `%s`",
                   qc_rcheck_label(c, i), ap[k - 1] == '{' ? "object" : "array",
                   expected_window(c, ep, elen, k));
        } else {
            QC_RREPORT(c, qc_rcheck_at(c, (uint32_t)(ap + k - t)), "replies-format",
                   "%s: not in canonical form (2-space indent, \": \" after keys, one member or element per line); expected `%s`",
                   qc_rcheck_label(c, i), expected_window(c, ep, elen, k));
        }
        return;
    }
    if (!anl || !enl) {
        if (anl || enl)
            QC_RREPORT(c, qc_rcheck_at(c, (uint32_t)(ae - t)), "replies-format",
                   "%s: not in canonical form: %s", qc_rcheck_label(c, i),
                   anl ? "more lines than expected" : "fewer lines than expected");
        return;
    }
    s->ap = anl + 1;
    s->done = false;
}

/* The sink of the rendering: compares its whole lines (and at the end
 * its last one), and drops them. */
static void compare_piece(void *ctx, qc_buf *b, bool final)
{
    struct entry_cmp *s = ctx;
    const char *ep = b->data ? b->data : "", *eend = ep + b->len;
    while (!s->done) {
        const char *enl = memchr(ep, '\n', (size_t)(eend - ep));
        if (!enl)
            break;
        compare_line(s, ep, enl, true);
        ep = enl + 1;
    }
    if (final && !s->done)
        compare_line(s, ep, eend, false);
    qc_buf_drop_front(b, s->done ? b->len
                                 : (size_t)(ep - (b->data ? b->data : "")));
}

/* Compares entry I's text with its canonical rendering, line by line, and
 * reports the first line that differs. */
static void check_entry_text(qc_rcheck *c, struct fmt *f, size_t i)
{
    const qc_rentry *e = &c->r->e[i];
    const char *t = c->r->src->text;
    struct entry_cmp s = { c, f, i, t, t + e->start, t + e->end, false };
    qc_buf_reset(&f->buf);
    qc_json_write_pieces(&f->buf, e->v, 2, compare_piece, &s);
}

void qc_replies_check_format(qc_rcheck *c)
{
    qc_replies *r = c->r;
    struct fmt f = { false, QC_BUF_INIT };
    uint32_t prev_end = 0;
    bool prev_broken = false;

    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        bool broken = e->kind == QC_RENTRY_BROKEN;
        if (!prev_broken && !broken)
            check_gap(c, &f, prev_end, e->start, i, i == 0, false);
        if (!broken)
            check_entry_text(c, &f, i);
        prev_end = e->end;
        prev_broken = broken;
    }
    if (r->n && !prev_broken)
        check_gap(c, &f, prev_end, (uint32_t)r->src->len, r->n, false, true);
    qc_buf_free(&f.buf);
}

