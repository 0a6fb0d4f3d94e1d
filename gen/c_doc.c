/* Doxygen comments for the generated headers, from the schema's doc
 * comments: the description, the members' descriptions, Returns, Errors,
 * Since, the features and the condition.  Examples (rST qmp-example
 * blocks) stay in the schema: they show QMP wire traffic, not C. */
#include <string.h>

#include "gen/cgen.h"

static const qc_doc_section *find_section(const qc_ptrvec *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++) {
        const qc_doc_section *s = v->items[i];
        if (s->name && !strcmp(s->name, name))
            return s;
    }
    return NULL;
}

static const char *nonempty(const char *t)
{
    return t && *t ? t : NULL;
}

/* TEXT without the indentation its continuation lines share (a member's
 * description continues indented under its "@name:" line). */
static const char *dedent(qc_arena *a, const char *text)
{
    text += strspn(text, " ");
    const char *nl = strchr(text, '\n');
    if (!nl)
        return text;
    size_t common = (size_t)-1;
    for (const char *p = nl + 1; *p;) {
        size_t sp = strspn(p, " ");
        if (p[sp] && p[sp] != '\n' && sp < common)
            common = sp;
        const char *e = strchr(p, '\n');
        p = e ? e + 1 : p + strlen(p);
    }
    if (common == (size_t)-1 || !common)
        return text;
    char *out = qc_arena_alloc_uninit(a, strlen(text) + 1), *o = out;
    size_t first = (size_t)(nl - text) + 1;
    memcpy(o, text, first);
    o += first;
    for (const char *p = nl + 1; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) + 1 : strlen(p);
        size_t sp = strspn(p, " ");
        size_t skip = sp < common ? sp : common;
        memcpy(o, p + skip, len - skip);
        o += len - skip;
        p += len;
    }
    *o = '\0';
    return out;
}

const char *cg_doc_member_text(qc_arena *a, const qc_doc *doc,
                               const char *name)
{
    if (!doc)
        return NULL;
    const qc_doc_section *s = find_section(&doc->args, name);
    return s && !s->implicit && nonempty(s->text) ? dedent(a, s->text) : NULL;
}

const char *cg_doc_body(const qc_doc *doc)
{
    return doc && doc->body ? nonempty(doc->body->text) : NULL;
}

static void escape(qc_buf *b, const char *text)
{
    qc_doxygen_escape(b, text, strlen(text));
}

static bool starts_example(const char *line, size_t n)
{
    static const char ex[] = ".. qmp-example::";
    return n >= sizeof ex - 1 && !memcmp(line, ex, sizeof ex - 1);
}

/* Appends TEXT without its qmp-example blocks (the directive line and the
 * blank or indented lines after it). */
static void escape_without_examples(qc_buf *b, const char *text)
{
    bool in_example = false;
    size_t start = b->len;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (in_example && n && p[0] != ' ')
            in_example = false;
        if (!in_example && starts_example(p, n))
            in_example = true;
        if (!in_example) {
            qc_doxygen_escape(b, p, n);
            qc_buf_putc(b, '\n');
        }
        p += n + (nl ? 1 : 0);
    }
    while (b->len > start && b->data[b->len - 1] == '\n')
        b->data[--b->len] = '\0';
}

static void paragraph(qc_buf *b)
{
    if (b->len)
        qc_buf_puts(b, "\n\n");
}

static void cond_paragraph(qc_buf *b, const qc_cond *c)
{
    if (!c)
        return;
    paragraph(b);
    qc_buf_puts(b, "@par Condition\n`");
    qc_gen_cond_c(b, c);
    qc_buf_putc(b, '`');
}

static void features_paragraph(cg *g, qc_buf *b, const cg_ent *x)
{
    if (!x->nfeatures)
        return;
    for (size_t i = 0; i < x->nfeatures; i++) {
        const qc_feature *f = x->features[i];
        if (strcmp(f->name, "deprecated"))
            continue;
        const char *t = cg_doc_feature_text(g->a, x->doc, f->name);
        paragraph(b);
        qc_buf_puts(b, "@deprecated ");
        escape(b, t ? t : "Deprecated in the schema.");
    }
    paragraph(b);
    qc_buf_puts(b, "@par Features");
    for (size_t i = 0; i < x->nfeatures; i++) {
        const qc_feature *f = x->features[i];
        const char *t = cg_doc_feature_text(g->a, x->doc, f->name);
        qc_buf_puts(b, "\n- `");
        qc_buf_puts(b, f->name);
        qc_buf_putc(b, '`');
        if (t) {
            qc_buf_puts(b, ": ");
            escape(b, t);
        }
        if (f->cond) {
            qc_buf_puts(b, " (if `");
            qc_gen_cond_c(b, f->cond);
            qc_buf_puts(b, "`)");
        }
    }
    (void)g;
}

static void sections(qc_buf *b, const qc_doc *doc)
{
    for (size_t i = 0; i < doc->sections.n; i++) {
        const qc_doc_section *s = doc->sections.items[i];
        const char *t = nonempty(s->text);
        if (!t || s->kind == QC_DOC_TODO)
            continue;
        size_t before = b->len;
        paragraph(b);
        size_t mark = b->len;
        switch (s->kind) {
        case QC_DOC_RETURNS:
            qc_buf_puts(b, "@par Returns\n");
            break;
        case QC_DOC_ERRORS:
            qc_buf_puts(b, "@par Errors\n");
            break;
        case QC_DOC_SINCE:
            qc_buf_puts(b, "@since ");
            break;
        default:
            break;
        }
        size_t text_at = b->len;
        escape_without_examples(b, t);
        if (b->len == text_at && mark == text_at) {
            /* Nothing left of a plain section (it held only examples). */
            b->len = before;
            b->data[before] = '\0';
        }
    }
}

void cg_doc_definition(cg *g, qc_emit *out, const cg_ent *x,
                       const char *lead, const char *tail)
{
    qc_buf b = QC_BUF_INIT;
    if (lead)
        qc_buf_puts(&b, lead);
    /* Implicit types borrow the doc of their definition for the members
     * only; their own text is the lead. */
    const qc_doc *doc = x->doc && x->doc == qc_entity_doc(x->e) ? x->doc : NULL;
    const char *body = cg_doc_body(doc);
    if (body) {
        paragraph(&b);
        escape_without_examples(&b, body);
    }
    if (doc)
        sections(&b, doc);
    features_paragraph(g, &b, x);
    cond_paragraph(&b, qc_entity_cond(x->e));
    if (tail) {
        paragraph(&b);
        qc_buf_puts(&b, tail);
    }
    qc_emit_doc(out, b.data, b.len);
    qc_buf_free(&b);
}

static void member_notes(cg *g, qc_buf *b, qc_feature *const *fs, size_t n,
                         const qc_cond *cond)
{
    for (size_t i = 0; i < n; i++) {
        if (!cg_cond_kept(g, fs[i]->cond))
            continue;
        paragraph(b);
        if (!strcmp(fs[i]->name, "deprecated"))
            qc_buf_puts(b, "@deprecated Deprecated in the schema.");
        else {
            qc_buf_puts(b, "Feature `");
            qc_buf_puts(b, fs[i]->name);
            qc_buf_putc(b, '`');
            if (fs[i]->cond) {
                qc_buf_puts(b, " (if `");
                qc_gen_cond_c(b, fs[i]->cond);
                qc_buf_puts(b, "`)");
            }
            qc_buf_putc(b, '.');
        }
    }
    if (cond) {
        paragraph(b);
        qc_buf_puts(b, "Only if `");
        qc_gen_cond_c(b, cond);
        qc_buf_puts(b, "`.");
    }
}

void cg_doc_field(cg *g, qc_emit *out, const cg_field *f)
{
    qc_buf b = QC_BUF_INIT;
    if (f->doc)
        escape_without_examples(&b, f->doc);
    member_notes(g, &b, f->m->features, f->m->nfeatures, f->m->cond);
    qc_emit_doc(out, b.data, b.len);
    qc_buf_free(&b);
}

void cg_doc_value(cg *g, qc_emit *out, const cg_ent *x, const qc_smember *v)
{
    qc_buf b = QC_BUF_INIT;
    const char *t = cg_doc_member_text(g->a, x->doc, v->name);
    if (t)
        escape_without_examples(&b, t);
    member_notes(g, &b, v->features, v->nfeatures, v->cond);
    qc_emit_doc(out, b.data, b.len);
    qc_buf_free(&b);
}

const char *cg_doc_feature_text(qc_arena *a, const qc_doc *doc,
                                const char *name)
{
    if (!doc)
        return NULL;
    const qc_doc_section *s = find_section(&doc->features, name);
    return s && nonempty(s->text) ? dedent(a, s->text) : NULL;
}

/* Appends S for a plain C comment: no comment delimiters, no control
 * characters, no "??" (a trigraph could splice lines). */
static void comment_safe(qc_buf *b, const char *s)
{
    for (; *s; s++) {
        char c = *s;
        if ((unsigned char)c < 0x20 || c == 0x7f
            || (c == '*' && s[1] == '/') || (c == '/' && s[1] == '*')
            || (c == '?' && s[1] == '?'))
            c = '_';
        qc_buf_putc(b, c);
    }
}

void cg_file_banner(cg *g, qc_emit *out, const char *what)
{
    qc_buf b = QC_BUF_INIT;
    qc_buf_puts(&b, "/* ");
    comment_safe(&b, what);
    qc_buf_puts(&b, "\n * Generated by qapic gen c from ");
    comment_safe(&b, g->schema_name);
    qc_buf_puts(&b, "; do not edit. */\n");
    qc_emit_n(out, b.data, b.len);
    qc_buf_free(&b);
}
